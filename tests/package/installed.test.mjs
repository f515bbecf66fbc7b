// The installed package's window (run by scripts/test-package.sh with E2E_APP and
// E2E_MBADMIN pointing at /usr/bin): it comes up with its embedded UI, reads a database
// the installed CLI wrote, and what is saved in the window the installed CLI sees.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDriver, Session, rows, untilRow } from "../e2e/webdriver.mjs";

const APP = process.env.E2E_APP;
const MBADMIN = process.env.E2E_MBADMIN;
const dir = mkdtempSync(join(tmpdir(), "mbadmin-package-"));
const db = join(dir, "config.db");

before(async () => {
  assert.ok(APP?.startsWith("/usr/bin/") && MBADMIN?.startsWith("/usr/bin/"), "run through scripts/test-package.sh");
});

let driver;
before(async () => {
  driver = await startDriver();
});
after(() => driver?.stop());

const cli = (...args) => execFileSync(MBADMIN, ["--db", db, ...args], { encoding: "utf8" });

test("the installed window comes up, shares its database with the installed CLI", async () => {
  cli("server", "add", "--name", "Aus dem Paket", "--host", "imap.example.com", "--security", "tls");

  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    const title = await s.cmd("GET", "/title");
    assert.equal(title, "Mailbox Admin");
    await s.click('[data-testid="tab-servers"]');
    await untilRow(s, "server-item", "Aus dem Paket");

    await s.click('[data-testid="server-new"]');
    await s.find('input[name="name"]');
    await s.replace('input[name="name"]', "Im Fenster angelegt");
    await s.replace('input[name="host"]', "mail.example.org");
    await s.click('[data-testid="server-save"]');
    await untilRow(s, "server-item", "Im Fenster angelegt");
    assert.equal((await rows(s, "server-item")).length, 2);
  } finally {
    await s.quit();
  }

  const listed = JSON.parse(cli("server", "list", "--json")).map((x) => x.name);
  assert.deepEqual(listed.sort(), ["Aus dem Paket", "Im Fenster angelegt"]);
});
