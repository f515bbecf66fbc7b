"""Bulk-test benchmarks (run by hand through `bench/bulk.sh`; see there and BENCH.md).

`relay [ACCOUNTS] [CONCURRENCIES] [CURL_ACCOUNTS]` — over a slow link: `bench/relay.py` with
20 ms per chunk and direction in front of the test setup's Dovecot (IMAPS) and Postfix
(submission, STARTTLS); ACCOUNTS (1000) accounts point at the relay. `mbadmin test --all -c C`
for each C of CONCURRENCIES (10,25,50,100,200) against the sequential loop of the two curl
calls per account of bench.py (IMAP login + LIST, SMTP EHLO/STARTTLS/AUTH/NOOP) through the
same relay, over CURL_ACCOUNTS accounts (default: all; fewer are scaled up linearly, which a
sequential loop allows — the table says so). CPU: the user + system time of each process
(wait4 of mbadmin; the curl children's together), per account.

`big [ACCOUNTS] [REAL] [CONCURRENCY]` — `mbadmin test --all` over ACCOUNTS (10000) accounts,
REAL (1000) of them against Dovecot/Postfix on loopback, the rest against a closed loopback
port (the connection is refused at once) and without a stored password (a keyring entry takes
~80 ms to write with gnome-keyring): peak RSS (wait4's ru_maxrss) and when each result line
appeared on stdout (streaming) against the process's end.

Accounts are seeded through the core (`examples/bench_seed.rs`), one keyring entry each where
they have a password.
Prints Markdown tables for BENCH.md to stdout; progress to stderr.
"""

import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MBADMIN = os.path.join(ROOT, "target/release/mbadmin")
SERVERS = os.path.join(ROOT, "target/release/examples/mailservers")
SEED = os.path.join(ROOT, "target/release/examples/bench_seed")
RELAY = os.path.join(ROOT, "bench/relay.py")
DELAY_MS = 20


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, stdin=None, check=True):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise SystemExit(f"{cmd[:5]}… failed ({p.returncode}): {p.stdout[-2000:]} {p.stderr[-2000:]}")
    return p


def cpu_busy():
    """Seconds of CPU the whole machine spent busy so far (all cores, from /proc/stat)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def timed(cmd, lines=False):
    """Runs cmd alone; returns wall seconds, its own rusage (wait4), stdout, and the times
    (seconds after start) at which stdout lines arrived when `lines`."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    out, stamps = [], []
    for line in p.stdout:
        if lines:
            stamps.append(time.perf_counter() - t0)
        out.append(line)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    return wall, ru, "".join(out), err, stamps, p.returncode


def start_servers():
    srv = subprocess.Popen([SERVERS], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    info = json.loads(srv.stdout.readline())
    carol = next(u for u in info["users"] if u["name"].startswith("carol"))
    return srv, info, carol["name"], carol["password"]


def closed_port(host):
    """A loopback port nobody listens on (bound, then released)."""
    s = socket.socket()
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def new_db(host, imaps, submission, extra=()):
    work = tempfile.mkdtemp(prefix="mbadmin-bulk-")
    db = os.path.join(work, "config.db")
    mb = [MBADMIN, "--db", db]
    run(mb + ["server", "add", "--name", "Dovecot", "--host", host, "--port", str(imaps)])
    run(mb + ["outgoing", "add", "--name", "Postfix", "--host", host, "--port", str(submission),
              "--security", "starttls", "--default", "true"])
    for name, port in extra:
        run(mb + ["server", "add", "--name", f"{name} IMAP", "--host", host, "--port", str(port)])
        run(mb + ["outgoing", "add", "--name", f"{name} SMTP", "--host", host, "--port", str(port),
                  "--security", "starttls"])
    run(mb + ["user", "add", "--login", "bench"])
    return db


def seed(db, n, start, incoming, outgoing, login, pw):
    """n accounts from number `start` on; with `pw` each gets it stored in the keyring."""
    t0 = time.perf_counter()
    run([SEED, db, str(n), "--start", str(start), "--incoming", incoming, "--outgoing", outgoing,
         "--email", login, "--login", login, "--owner-user", "bench"] + (["--password-stdin"] if pw else []),
        stdin=pw or "")
    return time.perf_counter() - t0


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def relay_bench(accounts, concurrencies, curl_accounts):
    srv, info, user, pw = start_servers()
    host, ca = info["host"], info["ca_file"]
    targets = [f"{host}:{info['imaps']}", f"{host}:{info['submission']}"]
    relay = subprocess.Popen([sys.executable, RELAY, str(DELAY_MS), *targets], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ports = json.loads(relay.stdout.readline())
    r_imaps, r_sub = ports[targets[0]], ports[targets[1]]
    db = new_db(host, r_imaps, r_sub)
    setup = seed(db, accounts, 0, "Dovecot", "Postfix", user, pw)
    log(f"seeded {accounts} accounts in {setup:.1f} s; load {load()}")

    curl_imap = ["curl", "-sS", "--cacert", ca, f"imaps://{host}:{r_imaps}/", "--user", f"{user}:{pw}"]
    curl_smtp = ["curl", "-sS", "--cacert", ca, f"smtp://{host}:{r_sub}", "--ssl-reqd",
                 "--user", f"{user}:{pw}", "-X", "NOOP"]
    # Warm-up: one of each (page cache, Dovecot's auth cache, Postfix's processes).
    run(curl_imap), run(curl_smtp)
    run([MBADMIN, "--db", db, "test", "account", "Anna Bauer 0", "--ca-file", ca])

    rows = []
    for c in concurrencies:
        busy0 = cpu_busy()
        wall, ru, out, err, _, rc = timed([MBADMIN, "--db", db, "--lang", "en", "test", "--all", "--concurrency", str(c), "--ca-file", ca])
        busy = cpu_busy() - busy0
        ok = sum(1 for l in out.splitlines() if l.startswith("ok "))
        cpu = ru.ru_utime + ru.ru_stime
        rows.append((c, wall, cpu, ok, busy, ru.ru_maxrss))
        log(f"-c {c}: {wall:.1f} s, {cpu:.2f} CPU-s, {ok}/{accounts} ok, machine {busy:.1f} CPU-s; load {load()}")
        if ok != accounts:
            log(out[-3000:], err[-2000:])

    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy0 = cpu_busy()
    t0 = time.perf_counter()
    failures = 0
    for i in range(curl_accounts):
        for cmd in (curl_imap, curl_smtp):
            if run(cmd, check=False).returncode != 0:
                failures += 1
        if (i + 1) % 100 == 0:
            log(f"curl loop: {i + 1} accounts, {time.perf_counter() - t0:.1f} s")
    t_loop = time.perf_counter() - t0
    busy_loop = cpu_busy() - busy0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    curl_cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    relay.stdin.close()
    relay_stats = json.loads(relay.stderr.read().strip().splitlines()[-1])
    relay.wait(timeout=30)
    srv.stdin.close()
    srv.wait(timeout=60)

    per_curl = t_loop / curl_accounts
    loop_total = per_curl * accounts
    curl_cpu_ms = curl_cpu / curl_accounts * 1000
    scaled = "" if curl_accounts == accounts else f" (measured over {curl_accounts}, ×{accounts / curl_accounts:g})"
    print(f"Relay: {DELAY_MS} ms per chunk and direction; {accounts} accounts (seeded in {setup:.0f} s); "
          f"load average at the end {load()}; curl failures: {failures}.")
    print()
    print(f"Sequential curl loop through the relay: {loop_total:.1f} s for {accounts} accounts{scaled}, "
          f"{per_curl * 1000:.0f} ms per account; curl's CPU {curl_cpu_ms:.1f} ms per account "
          f"(machine busy {busy_loop / curl_accounts * 1000:.1f} ms per account).")
    print()
    print("| mbadmin test --all -c | wall | faster than the curl loop | passed | mbadmin CPU per account | vs. curl's CPU per account | machine busy per account | peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    for c, wall, cpu, ok, busy, rss in rows:
        print(f"| {c} | {wall:.1f} s | {loop_total / wall:.1f}× | {ok}/{accounts} | {cpu / accounts * 1000:.2f} ms | "
              f"{cpu / accounts * 1000 / curl_cpu_ms:.2f}× | {busy / accounts * 1000:.1f} ms | {rss / 1024:.1f} MiB |")
    print()
    print(f"Relay itself: {relay_stats}")


def big_bench(accounts, real, concurrency):
    srv, info, user, pw = start_servers()
    host, ca = info["host"], info["ca_file"]
    dead = closed_port(host)
    db = new_db(host, info["imaps"], info["submission"], extra=[("Closed", dead)])
    t_real = seed(db, real, 0, "Dovecot", "Postfix", user, pw)
    # No password for these: a keyring entry costs ~70 ms to write with gnome-keyring (10,000
    # would take 12 minutes), and their test ends at the refused connection before a login.
    t_dead = seed(db, accounts - real, real, "Closed IMAP", "Closed SMTP", user, None)
    log(f"seeded {accounts} accounts in {t_real + t_dead:.1f} s; load {load()}")
    wall, ru, out, err, stamps, rc = timed(
        [MBADMIN, "--db", db, "--lang", "en", "test", "--all", "--concurrency", str(concurrency), "--ca-file", ca], lines=True)
    lines = out.splitlines()
    result_stamps = [t for t, l in zip(stamps, lines) if l.split(" ", 1)[0] in ("ok", "FAILED", "TEMP")]
    ok = sum(1 for l in lines if l.startswith("ok "))
    failed = sum(1 for l in lines if l.startswith("FAILED "))
    srv.stdin.close()
    srv.wait(timeout=60)
    n = len(result_stamps)
    q = lambda f: result_stamps[min(n - 1, int(f * n))] if n else float("nan")
    print(f"{accounts} accounts ({real} against Dovecot/Postfix on loopback, {accounts - real} against a "
          f"closed loopback port and without a stored password; seeded in {t_real + t_dead:.0f} s), `-c {concurrency}`, load average at the end {load()}.")
    print()
    print("| mbadmin test --all | value |")
    print("|---|---|")
    print(f"| peak RSS (wait4 ru_maxrss) | {ru.ru_maxrss / 1024:.1f} MiB |")
    print(f"| CPU (user + system) | {ru.ru_utime + ru.ru_stime:.1f} s |")
    print(f"| result lines | {n} ({ok} ok, {failed} failed; exit code {rc}) |")
    print(f"| first result line on stdout | {q(0):.2f} s after start |")
    print(f"| 10 % / 50 % / 90 % of the lines | {q(0.1):.2f} s / {q(0.5):.2f} s / {q(0.9):.2f} s |")
    print(f"| last result line | {result_stamps[-1] if n else float('nan'):.2f} s |")
    print(f"| process ended (after the summary) | {wall:.2f} s |")
    if n != accounts:
        log(out[-3000:], err[-3000:])


def main():
    mode = sys.argv[1]
    a = sys.argv[2:]
    if mode == "relay":
        n = int(a[0]) if a else 1000
        cs = [int(x) for x in a[1].split(",")] if len(a) > 1 else [10, 25, 50, 100, 200]
        relay_bench(n, cs, int(a[2]) if len(a) > 2 else n)
    elif mode == "big":
        big_bench(int(a[0]) if a else 10000, int(a[1]) if len(a) > 1 else 1000, int(a[2]) if len(a) > 2 else 50)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
