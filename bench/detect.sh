#!/usr/bin/env bash
# Detection benchmark, run by hand (not in CI): `bench/detect.sh [RUNS]` (default 10).
# Starts on loopback a DNS server (dnsmasq), an HTTPS server (nginx, a CA made here) serving
# autoconfig for bench.test, and a silent host (accepts on every port detection uses, never
# answers) for silent.test — its autoconfig, well-known, provider database, MX hoster and
# every guessed host. Then measures, in the same run, `mbadmin detect` (release) when
# autoconfig answers (goal ≤ 1 s) and when every host is silent (goal ≤ the 8 s budget +
# 0.5 s), beside the worst case Thunderbird's published per-request timeouts allow (5 s per
# autoconfig fetch, 10 s for the ISPDB, 10 s per guess probe: ≥ 10 s + 10 s = 20 s).
# Prints a Markdown table for BENCH.md. Needs root, dnsmasq-base, nginx-light, openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-10}"
cargo build --release -p mbadmin >&2
MB="$PWD/target/release/mbadmin"
W=$(mktemp -d /tmp/mbbench-detect-XXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT

WEB=127.0.0.16
SILENT=127.0.0.17
DNSIP=127.0.0.53
DNSPORT=$(python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.53",0));print(s.getsockname()[1])')

# Certificates: a CA and one certificate for the autoconfig host.
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Bench CA" \
  -keyout "$W/ca.key" -out "$W/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=autoconfig.bench.test" \
  -keyout "$W/site.key" -out "$W/site.csr" 2>/dev/null
printf 'subjectAltName=DNS:autoconfig.bench.test\n' > "$W/ext"
openssl x509 -req -in "$W/site.csr" -CA "$W/ca.crt" -CAkey "$W/ca.key" -CAcreateserial \
  -days 30 -extfile "$W/ext" -out "$W/site.crt" 2>/dev/null

mkdir -p "$W/www/mail" "$W/tmp"
cat > "$W/www/mail/config-v1.1.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1"><emailProvider id="bench.test">
  <incomingServer type="imap"><hostname>imap.bench.test</hostname><port>993</port>
    <socketType>SSL</socketType><authentication>password-cleartext</authentication>
    <username>%EMAILADDRESS%</username></incomingServer>
  <outgoingServer type="smtp"><hostname>smtp.bench.test</hostname><port>465</port>
    <socketType>SSL</socketType><authentication>password-cleartext</authentication>
    <username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>
EOF
cat > "$W/nginx.conf" <<EOF
daemon off; master_process off; worker_processes 1;
pid $W/nginx.pid; error_log $W/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $W/tmp/b; proxy_temp_path $W/tmp/p; fastcgi_temp_path $W/tmp/f;
  uwsgi_temp_path $W/tmp/u; scgi_temp_path $W/tmp/s;
  types { text/xml xml; }
  server { listen $WEB:443 ssl; server_name autoconfig.bench.test;
    ssl_certificate $W/site.crt; ssl_certificate_key $W/site.key; root $W/www; }
}
EOF
/usr/sbin/nginx -p "$W" -c "$W/nginx.conf" & PIDS+=($!)

# The silent host: every port detection may use, connections accepted and held.
python3 - "$SILENT" > /dev/null 2>&1 <<'EOF' &
import selectors, socket, sys
sel, held = selectors.DefaultSelector(), []
for port in (443, 80, 993, 143, 995, 110, 465, 587):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], port)); s.listen(512); sel.register(s, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        held.append(key.fileobj.accept()[0])
EOF
PIDS+=($!)

{
  echo "local=/test/"
  echo "host-record=autoconfig.bench.test,$WEB"
  echo "mx-host=silent.test,mx.silenthoster.test,10"
  for h in autoconfig.silent.test silent.test imap.silent.test mail.silent.test pop3.silent.test \
           pop.silent.test smtp.silent.test ispdb.test autoconfig.silenthoster.test; do
    echo "host-record=$h,$SILENT"
  done
} > "$W/dns.conf"
/usr/sbin/dnsmasq --keep-in-foreground --no-resolv --no-hosts --port="$DNSPORT" \
  --listen-address=$DNSIP --bind-interfaces --pid-file --user=root --conf-file="$W/dns.conf" & PIDS+=($!)

for i in $(seq 50); do
  if (exec 3<>/dev/tcp/$WEB/443) 2>/dev/null && (exec 3<>/dev/tcp/$SILENT/993) 2>/dev/null; then break; fi
  sleep 0.1
done

export MAILBOX_ADMIN_DB="$W/config.db" MAILBOX_ADMIN_EXTRA_CA="$W/ca.crt"
export MAILBOX_ADMIN_DNS="$DNSIP:$DNSPORT"
"$MB" settings set --provider-db-url https://ispdb.test/v1.1/ > /dev/null

measure() { # address, runs → median seconds, max seconds (one per line)
  python3 - "$MB" "$1" "$2" "$W/last.txt" <<'PY'
import statistics, subprocess, sys, time
mb, address, runs, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    p = subprocess.run([mb, "--lang", "en", "detect", address], capture_output=True, text=True)
    times.append(time.perf_counter() - t0)
    open(last, "w").write(p.stdout + p.stderr)
print(statistics.median(times)); print(max(times))
PY
}
grep -q "Found by Autoconfig" <("$MB" --lang en detect info@bench.test) || { echo "autoconfig not found" >&2; exit 1; }
mapfile -t FOUND < <(measure info@bench.test "$RUNS")
SRUNS=$(( RUNS < 3 ? RUNS : 3 ))
mapfile -t SILENTT < <(measure info@silent.test "$SRUNS")
grep -q "No settings found" "$W/last.txt" || { echo "silent run found something?" >&2; cat "$W/last.txt" >&2; }

echo "| case | runs | median | max | goal | Thunderbird's timeouts allow |"
echo "|---|---|---|---|---|---|"
printf '| autoconfig answers (HTTPS, loopback) | %s | %.3f s | %.3f s | ≤ 1 s | — (same request) |\n' "$RUNS" "${FOUND[0]}" "${FOUND[1]}"
printf '| every host silent (budget 8 s) | %s | %.3f s | %.3f s | ≤ 8.5 s | ≥ 20 s (10 s ISPDB + 10 s per guess probe) |\n' "$SRUNS" "${SILENTT[0]}" "${SILENTT[1]}"
