// End to end through the real window: create a server with a manual port in the UI, close
// the app, start it again, the server is there with its port, and `mbadmin --db SAME`
// lists it too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startDriver, Session } from "./webdriver.mjs";

const root = resolve(import.meta.dirname, "../..");
const APP = process.env.E2E_APP ?? join(root, "target/debug/mailbox-admin");
const MBADMIN = process.env.E2E_MBADMIN ?? join(root, "target/debug/mbadmin");
const dir = mkdtempSync(join(tmpdir(), "mbadmin-e2e-"));
const db = join(dir, "config.db");

let driver;
before(async () => {
  driver = await startDriver();
});
after(() => driver?.stop());

// The rows' text as the user reads it (WebKitWebDriver's element text leaves out parts of
// the styled row, so ask the page).
async function serverRows(s) {
  return s.cmd("POST", "/execute/sync", {
    script:
      "return [...document.querySelectorAll('[data-testid=\"server-item\"]')]" +
      ".map((e) => e.textContent.replace(/\\s+/g, ' ').trim());",
    args: [],
  });
}

async function createServer(s, { name, host, port, protocol }) {
  await s.click('[data-testid="server-new"]');
  await s.find('input[name="name"]');
  if (protocol) await s.select('select[name="protocol"]', protocol);
  await s.replace('input[name="name"]', name);
  await s.replace('input[name="host"]', host);
  if (port) await s.replace('input[name="port"]', String(port));
  await s.click('[data-testid="server-save"]');
  await s.until(async () => (await serverRows(s)).some((r) => r.includes(name)), `${name} in the list`);
}

test("a server created in the window survives a restart and is seen by the CLI", async () => {
  let s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    await s.click('[data-testid="tab-servers"]');
    await createServer(s, { name: "Zentrale IMAP", host: "imap.example.com", port: 10993 });
  } finally {
    await s.quit();
  }

  s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    const rows = await s.until(async () => {
      const r = await serverRows(s);
      return r.length ? r : null;
    }, "the server list after restart");
    const row = rows.find((r) => r.includes("Zentrale IMAP"));
    assert.ok(row, `server missing after restart: ${JSON.stringify(rows)}`);
    assert.match(row, /10993/);

    // A second server, for the screenshot of the tab with two servers.
    await createServer(s, { name: "Filiale POP3", host: "pop.filiale.example", protocol: "pop3" });
    const items = await s.findAll('[data-testid="server-item"]');
    await s.cmd("POST", `/element/${items.find(Boolean)}/click`, {});
    if (process.env.SCREENSHOT_DIR) {
      mkdirSync(process.env.SCREENSHOT_DIR, { recursive: true });
      writeFileSync(join(process.env.SCREENSHOT_DIR, "servers.png"), await s.screenshot());
    }
  } finally {
    await s.quit();
  }

  const out = execFileSync(MBADMIN, ["--db", db, "--json", "server", "list"], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent" },
  });
  const list = JSON.parse(out.toString());
  const z = list.find((x) => x.name === "Zentrale IMAP");
  assert.ok(z, out.toString());
  assert.equal(z.port, 10993);
  assert.equal(z.port_manual, true);
  const f = list.find((x) => x.name === "Filiale POP3");
  assert.equal(f.port, 995);
  assert.equal(f.port_manual, false);
});
