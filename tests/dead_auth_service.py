"""A Dovecot authentication service whose back end dies, for Postfix's SASL in the tests.

    python tests/dead_auth_service.py SOCKET_PATH

Listens on the Unix socket SOCKET_PATH and speaks the server side of Dovecot's
authentication protocol (VERSION, MECH PLAIN/LOGIN, SPID, CUID, COOKIE, DONE) so that
Postfix lists AUTH PLAIN LOGIN in its EHLO answer; when an AUTH request arrives, the
connection is dropped, as when Dovecot's auth process crashes mid-request. Postfix then
answers the client "454 4.7.0 Temporary authentication failure". Bounded: at most 1000
connections, 64 lines each; runs until SIGTERM.
"""

import os
import signal
import socket
import sys
import threading

HANDSHAKE = (
    "VERSION\t1\t2\n"
    "MECH\tPLAIN\tplaintext\n"
    "MECH\tLOGIN\tplaintext\n"
    f"SPID\t{os.getpid()}\n"
    "CUID\t1\n"
    "COOKIE\t" + "0" * 32 + "\n"
    "DONE\n"
)


def serve(conn: socket.socket) -> None:
    with conn:
        conn.settimeout(30)
        conn.sendall(HANDSHAKE.encode())
        reader = conn.makefile("rb")
        for _ in range(64):
            line = reader.readline(4096)
            if not line or line.startswith(b"AUTH\t"):
                return


def main() -> None:
    path = sys.argv[1]
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    os.chmod(path, 0o666)
    server.listen(16)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready", flush=True)
    for _ in range(1000):
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
