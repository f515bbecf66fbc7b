"""A slow link on loopback: a TCP relay that delays every chunk by DELAY ms in each direction.

`python3 bench/relay.py DELAY_MS HOST:PORT [HOST:PORT …]` listens, for each upstream
HOST:PORT, on a free port of the same HOST (so the servers' certificates still match), prints
one JSON line `{"HOST:PORT": relay_port, …}` and relays until its standard input closes.

What a connection sees, with DELAY = 20 ms (an office line 40 ms round trip from its hoster):
- every chunk read from one side is written to the other DELAY later, in order and pipelined
  (a chunk does not wait for the one before it to be delivered — a link with latency, not a
  slow one: no bandwidth limit);
- the upstream connection is opened 2 × DELAY after the client's was accepted (the TCP
  handshake's round trip; the client's own connect() returns at once on loopback, so the
  server's greeting reaches it 3 × DELAY after connecting, as over the real link);
- an end of stream (FIN) is delayed like data; a reset closes both sides at once.
Counts connections and chunks and prints them (and its own CPU time) to stderr at the end.
"""

import asyncio
import json
import os
import resource
import socket
import sys

DELAY = float(sys.argv[1]) / 1000.0
stats = {"connections": 0, "chunks": 0, "bytes": 0}


async def pump(reader, get_writer, delay, ready=None):
    """Copies reader → get_writer(), each chunk delayed by `delay`, pipelined (a queue and its
    own writer task); the writer starts once `ready` is set."""
    loop = asyncio.get_running_loop()
    q = asyncio.Queue()

    async def out():
        if ready is not None:
            await ready.wait()
        writer = get_writer()
        while True:
            due, data = await q.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:  # a reset or an error on the reading side: stop at once
                writer.close()
                return
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.ensure_future(out())
    try:
        while True:
            try:
                data = await reader.read(65536)
            except (ConnectionError, OSError):
                q.put_nowait((loop.time(), None))
                break
            stats["chunks"] += 1
            stats["bytes"] += len(data)
            q.put_nowait((loop.time() + delay, data))
            if not data:
                break
        await sender
    except (ConnectionError, OSError):
        pass
    finally:
        if not sender.done():
            sender.cancel()


async def handle(up_host, up_port, c_reader, c_writer):
    stats["connections"] += 1
    up = {}
    ready = asyncio.Event()
    try:
        # The client's chunks are read (and get their due times) from the start; they are
        # written upstream once the connection, opened after the handshake's round trip, is up.
        to_server = asyncio.ensure_future(pump(c_reader, lambda: up["w"], DELAY, ready))
        await asyncio.sleep(2 * DELAY)
        try:
            up["r"], up["w"] = await asyncio.open_connection(up_host, up_port)
        except OSError:
            to_server.cancel()
            return
        ready.set()
        await asyncio.gather(to_server, pump(up["r"], lambda: c_writer, DELAY))
    except (ConnectionError, OSError):
        pass
    finally:
        for w in (c_writer, up.get("w")):
            if w is not None:
                try:
                    w.close()
                except Exception:
                    pass


async def main():
    servers = []
    ports = {}
    for target in sys.argv[2:]:
        host, port = target.rsplit(":", 1)
        srv = await asyncio.start_server(
            lambda r, w, h=host, p=int(port): handle(h, p, r, w), host, 0, backlog=1024
        )
        servers.append(srv)
        ports[target] = srv.sockets[0].getsockname()[1]
    print(json.dumps(ports), flush=True)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_reader(sys.stdin.fileno(), lambda: stop.done() or stop.set_result(None))
    await stop
    for s in servers:
        s.close()
    ru = resource.getrusage(resource.RUSAGE_SELF)
    stats["cpu_s"] = round(ru.ru_utime + ru.ru_stime, 2)
    print(json.dumps(stats), file=sys.stderr, flush=True)
    os._exit(0)


if __name__ == "__main__":
    asyncio.run(main())
