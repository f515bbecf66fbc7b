"""Connection-test benchmarks against the loopback Dovecot/Postfix of the test setup.

Single: `mbadmin test account` (IMAP login + folders + SMTP EHLO/STARTTLS/AUTH/MAIL FROM)
against `curl imaps://…` (login + LIST) followed by `curl smtp://… -X NOOP` (EHLO, STARTTLS,
AUTH) — the same servers, the same run, medians of repeated runs.
Bulk: `mbadmin test --all --concurrency N` over many accounts against the same two curl
calls per account in a sequential loop.
Peak memory: the largest resident set of each child process (getrusage).
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MBADMIN = os.path.join(ROOT, "target/release/mbadmin")
SERVERS = os.path.join(ROOT, "target/release/examples/mailservers")
ACCOUNTS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
REPEAT = 15
CONCURRENCY = 50


def run(cmd, stdin=None, check=True):
    """Runs cmd; returns (seconds, completed process)."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if check and p.returncode != 0:
        raise SystemExit(f"{cmd[:4]}… failed ({p.returncode}): {p.stdout[-2000:]} {p.stderr[-2000:]}")
    return dt, p


def peak_of(cmd, stdin=None):
    """Peak RSS (KiB) of one run of cmd: ru_maxrss of the only child of a fresh interpreter."""
    code = (
        "import resource,subprocess,sys;"
        "p=subprocess.run(sys.argv[1:],input=sys.stdin.read(),capture_output=True,text=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, *cmd], input=stdin or "", capture_output=True, text=True)
    return int(out.stdout.strip() or 0)


def cpu_busy():
    """Seconds of CPU the whole machine spent busy so far (all cores, from /proc/stat)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    srv = subprocess.Popen([SERVERS], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    info = json.loads(srv.stdout.readline())
    host, ca = info["host"], info["ca_file"]
    carol = next(u for u in info["users"] if u["name"].startswith("carol"))
    user, pw = carol["name"], carol["password"]
    work = tempfile.mkdtemp(prefix="mbadmin-bench-")
    db = os.path.join(work, "config.db")
    mb = [MBADMIN, "--db", db]

    run(mb + ["server", "add", "--name", "Dovecot", "--host", host, "--port", str(info["imaps"])])
    run(mb + ["outgoing", "add", "--name", "Postfix", "--host", host, "--port", str(info["submission"]),
              "--security", "starttls", "--default", "true"])
    run(mb + ["user", "add", "--login", "bench"])
    t0 = time.perf_counter()
    for i in range(ACCOUNTS):
        run(mb + ["account", "add", "--name", f"Konto {i:04}", "--email", user, "--owner-user", "bench",
                  "--incoming", "Dovecot", "--password-stdin"], stdin=pw)
    setup_s = time.perf_counter() - t0

    single_mb = [MBADMIN, "--db", db, "test", "account", "Konto 0000", "--ca-file", ca]
    curl_imap = ["curl", "-sS", "--cacert", ca, f"imaps://{host}:{info['imaps']}/", "--user", f"{user}:{pw}"]
    curl_smtp = ["curl", "-sS", "--cacert", ca, f"smtp://{host}:{info['submission']}", "--ssl-reqd",
                 "--user", f"{user}:{pw}", "-X", "NOOP"]

    # Warm-up (page cache, Dovecot auth cache), then alternate to share any drift.
    for cmd in (single_mb, curl_imap, curl_smtp):
        run(cmd)
    t_mb, t_imap, t_smtp = [], [], []
    for _ in range(REPEAT):
        t_mb.append(run(single_mb)[0])
        t_imap.append(run(curl_imap)[0])
        t_smtp.append(run(curl_smtp)[0])
    mb_med = statistics.median(t_mb)
    curl_med = statistics.median(t_imap) + statistics.median(t_smtp)
    rss_single = peak_of(single_mb)
    rss_curl = max(peak_of(curl_imap), peak_of(curl_smtp))

    bulk_cmd = [MBADMIN, "--db", db, "--json", "test", "--all", "--concurrency", str(CONCURRENCY), "--ca-file", ca]
    busy0, own0 = cpu_busy(), children_cpu()
    t0 = time.perf_counter()
    p = subprocess.run(bulk_cmd, capture_output=True, text=True)
    t_bulk = time.perf_counter() - t0
    busy_bulk, own_bulk = cpu_busy() - busy0, children_cpu() - own0
    summary = json.loads(p.stdout)
    rss_bulk = peak_of(bulk_cmd)

    t0 = time.perf_counter()
    for _ in range(ACCOUNTS):
        run(curl_imap)
        run(curl_smtp)
    t_loop = time.perf_counter() - t0

    srv.stdin.close()
    srv.wait(timeout=30)

    rows = [
        ("single account test: mbadmin / (curl IMAP + curl SMTP)", f"{mb_med*1000:.0f} ms / {curl_med*1000:.0f} ms", f"{mb_med/curl_med:.2f}×", "≤ 1.00×"),
        (f"bulk, {ACCOUNTS} accounts: sequential curl loop / mbadmin test --all -c {CONCURRENCY}", f"{t_loop:.1f} s / {t_bulk:.1f} s", f"{t_loop/t_bulk:.1f}× faster", "≥ 20×"),
    ]
    cores = os.cpu_count()
    budget = t_loop / 20 * cores
    cpu = [
        ("whole machine busy during the bulk run", f"{busy_bulk:.1f} CPU-s ({busy_bulk/ACCOUNTS*1000:.1f} ms per account)"),
        ("of which mbadmin itself", f"{own_bulk:.1f} CPU-s ({own_bulk/ACCOUNTS*1000:.1f} ms per account)"),
        ("the rest: Dovecot, Postfix, kernel (loopback TCP, TLS)", f"{busy_bulk-own_bulk:.1f} CPU-s ({(busy_bulk-own_bulk)/ACCOUNTS*1000:.1f} ms per account)"),
        (f"CPU a 20× run could use at most ({cores} cores × {t_loop/20:.2f} s)", f"{budget:.1f} CPU-s"),
    ]
    mem = [
        ("mbadmin test account (peak RSS)", f"{rss_single/1024:.1f} MiB"),
        ("curl, larger of the two calls (peak RSS)", f"{rss_curl/1024:.1f} MiB"),
        (f"mbadmin test --all over {ACCOUNTS} accounts (peak RSS)", f"{rss_bulk/1024:.1f} MiB"),
    ]
    lines = [
        "# Benchmarks",
        "",
        "Run by hand with `bench/run.sh [ACCOUNTS]` (not part of CI): release builds, the test",
        "setup's Dovecot and Postfix on loopback, the same servers for both sides in the same run.",
        f"Machine: {os.cpu_count()} cores; `{ACCOUNTS}` accounts; medians of {REPEAT} runs for the single test.",
        f"Bulk result: {summary['passed']} passed, {summary['failed']} failed.",
        "",
        "| measure | values | ratio | target |",
        "|---|---|---|---|",
    ] + [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows] + [
        "",
        "| CPU during the bulk run | seconds |",
        "|---|---|",
    ] + [f"| {a} | {b} |" for a, b in cpu] + [
        "",
        "| memory | peak |",
        "|---|---|",
    ] + [f"| {a} | {b} |" for a, b in mem] + [
        "",
        "What is compared: `mbadmin test account` resolves, connects, negotiates TLS, reads the",
        "greeting and capabilities, logs in, lists the folders with SPECIAL-USE, checks the",
        "mailbox and special folders, logs out, and then does the same for SMTP (EHLO, STARTTLS,",
        "AUTH, MAIL FROM, RSET, QUIT), writing the run to the history. The curl pair does the",
        "IMAP login + LIST and the SMTP EHLO/STARTTLS/AUTH/NOOP. Account setup (one",
        f"`mbadmin account add` per account, password to the keyring) took {setup_s:.0f} s and is not measured.",
        "",
    ]
    # Only the top section is this script's: the sections after it (## …) are kept.
    path = os.path.join(ROOT, "BENCH.md")
    rest = ""
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
        cut = old.find("\n## ")
        rest = old[cut:] if cut >= 0 else ""
    with open(path, "w") as f:
        f.write("\n".join(lines) + rest)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
