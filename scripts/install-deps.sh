#!/usr/bin/env bash
# Installs what Mailbox Admin needs on a fresh Debian 12 / Ubuntu machine (as root).
#   scripts/install-deps.sh app   - build and run the desktop app
#   scripts/install-deps.sh test  - the above plus everything the test suite starts
# Idempotent: safe to run again; each step is skipped when already satisfied.
set -euo pipefail
mode=${1:-app}
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

app_pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev
  libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libxdo-dev build-essential pkg-config
  libssl-dev libdbus-1-dev file curl ca-certificates xdg-utils)
# Launching the window on a machine without a display (a server, CI) needs Xvfb.
app_pkgs+=(xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools)
# openssl: the certificate-store tests make PEM and PKCS#12 files with it; xdotool answers
# the native save dialog in tests/e2e/files.test.mjs.
test_pkgs=(webkit2gtk-driver imagemagick openssl xdotool)
# The real mail servers the connection tests start on loopback (crates/core/tests/support/
# servers.rs); `unshare` (util-linux) gives one test a network namespace without a route.
test_pkgs+=(dovecot-imapd dovecot-pop3d dovecot-lmtpd postfix util-linux)
# Detection and the domain check: a DNS server (dnsmasq) and an HTTPS server (nginx) on
# loopback serving zones and autoconfig files written by the tests.
test_pkgs+=(dnsmasq-base nginx-light)
# Second implementations of IMAP and POP3 beside Dovecot (GNU Mailutils), Cyrus SASL for
# SMTP AUTH NTLM through Postfix, a CalDAV server, and a QR-code decoder for the Mobile tab.
test_pkgs+=(mailutils-imap4d mailutils-pop3d sasl2-bin libsasl2-modules radicale zbar-tools)
# The Mobile tab's outputs read back by real parsers: xmllint (autoconfig XML) and Python's
# plistlib (profiles).
test_pkgs+=(libxml2-utils python3)
# A German desktop locale with glibc's German messages: the window is tested under
# LANG=de_DE.UTF-8, where the system resolver answers in German (tests/e2e/locale.test.mjs).
test_pkgs+=(locales libc-l10n)
# The packages' own test (scripts/test-package.sh): the .rpm's file list and requirements
# read by rpm, the desktop entry checked by desktop-file-validate.
test_pkgs+=(rpm desktop-file-utils)

pkgs=("${app_pkgs[@]}")
[ "$mode" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # Keep packaged daemons (dbus, later dovecot/postfix) from starting system services.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  $SUDO apt-get update -q
  # Postfix asks how to configure itself; the tests write their own configuration.
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ "$mode" = test ] && ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  $SUDO sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen
  grep -q '^de_DE.UTF-8 UTF-8' /etc/locale.gen || echo 'de_DE.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
  $SUDO locale-gen >/dev/null
fi

command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm not found: install Node.js 20+ first" >&2; exit 1; }

if [ "$mode" = test ]; then
  command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
  rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt
fi

# JavaScript dependencies of the UI, the Tauri CLI and the end-to-end tests.
(cd ui && npm ci --no-audit --no-fund)

# The OAuth 2.0 authorization server the connection tests start beside Dovecot and Postfix
# (tests/oauth/provider.mjs, npm oidc-provider) and its headless browser.
if [ "$mode" = test ]; then
  (cd tests/oauth && npm ci --no-audit --no-fund)
  # A second SMTP implementation beside Postfix (aiosmtpd, PyPI), in its own virtualenv.
  if [ ! -x tests/.venv/bin/aiosmtpd ]; then
    python3 -m venv tests/.venv
    tests/.venv/bin/pip install -q 'aiosmtpd==1.4.6'
  fi
fi
