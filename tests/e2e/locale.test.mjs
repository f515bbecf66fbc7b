// A mistyped host under a German desktop (issue 16, item 11): GTK sets the process locale
// from LANG, so the system resolver's own words come in German ("Der Name oder der Dienst
// ist nicht bekannt"). The window must still say "name not found" (dns.not_found), because
// the failure is classified by getaddrinfo's code, never by its text.
//
// The system resolver is asked for real: the window runs in a mount namespace whose
// /etc/resolv.conf points at a dnsmasq on 127.0.9.53 that answers every name with NXDOMAIN,
// so no query leaves the machine.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startDriver, Session } from "./webdriver.mjs";
import { APP, MBADMIN, inForm, page, result, untilRow } from "./helpers.mjs";

const dir = mkdtempSync(join(tmpdir(), "mbadmin-e2e-locale-"));
const db = join(dir, "config.db");
const RESOLV = join(dir, "resolv.conf");
const DNS = "127.0.9.53";
const HOST = "gibt-es-nicht.example";
const GERMAN = { ...process.env, LANG: "de_DE.UTF-8", LC_ALL: "de_DE.UTF-8", LANGUAGE: "de" };

let driver;
let dnsmasq;

before(async () => {
  writeFileSync(RESOLV, `nameserver ${DNS}\noptions attempts:1 timeout:2\n`);
  dnsmasq = spawn(
    "dnsmasq",
    ["--keep-in-foreground", "--no-resolv", "--no-hosts", `--listen-address=${DNS}`, "--bind-interfaces",
      "--port=53", "--address=/#/", "--log-facility=-"],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  await sleep(500);
  assert.equal(dnsmasq.exitCode, null, "dnsmasq runs on 127.0.9.53:53");
  driver = await startDriver({
    wrap: ["unshare", "--mount", "sh", "-c", 'mount --bind "$0" /etc/resolv.conf && exec "$@"', RESOLV],
    env: GERMAN,
  });
  execFileSync(MBADMIN, ["--db", db, "server", "add", "--name", "Vertippt", "--host", HOST, "--security", "tls"], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent" },
  });
});

after(() => {
  driver?.stop();
  dnsmasq?.kill();
});

test("a mistyped host is 'name not found' under a German desktop locale, in the window", async () => {
  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    // The window follows the German desktop by itself.
    await s.until(async () => (await page(s, "return document.documentElement.lang;")) === "de", "the German UI");
    await s.click('[data-testid="tab-servers"]');
    await untilRow(s, "server-item", "Vertippt");
    await s.click('[data-testid="server-item"]');
    await s.until(async () => (await s.value(inForm("server", 'input[name="host"]'))) === HOST, "the form");
    await s.click('[data-testid="server-test"]:not([disabled])');
    const r = await s.until(async () => {
      const x = await result(s);
      return x && x.ok !== undefined ? x : null;
    }, "the result", 60_000);
    assert.equal(r.ok, "false", r.text);
    const codes = await page(s, "return [...document.querySelectorAll('[data-testid=\"diagnosis\"]')].map((d) => d.dataset.code);");
    assert.deepEqual(codes, ["dns.not_found"], r.text);
    // The resolver did speak German: the diagnosis's evidence shows its words as it said them.
    const said = await page(s, "return document.querySelector('[data-testid=\"diagnosis\"]').textContent.replace(/\\s+/g, ' ');");
    assert.match(said, /nicht bekannt/, said);
  } finally {
    await s.quit();
  }
});
