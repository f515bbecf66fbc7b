// End to end through the real window against a real CalDAV server: Radicale (Debian) over TLS
// on loopback with a certificate from a CA made here (the app trusts it through
// MAILBOX_ADMIN_EXTRA_CA), a calendar account made by `mbadmin` (its password in the test
// keyring), then "Verbindung testen" on the Calendar tab: every CalDAV step green, the
// calendar and the events in the sync range read, the run in the history ("Letzter Test")
// (screenshot calendar-test-green.png).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDriver, freePort, Session } from "./webdriver.mjs";
import { APP, MBADMIN, german, page, result, shot, untilRow } from "./helpers.mjs";

const dir = mkdtempSync(join(tmpdir(), "mbadmin-e2e-calendar-"));
const db = join(dir, "config.db");
const PASSWORD = "Kalender-Pw-e2e-4Rt";
const RESULT_WAIT_MS = 60_000;

let driver;
let radicale;
let url;

/** A CA and a certificate for 127.0.0.1 signed by it (openssl), in `dir`. */
function certificates() {
  const o = (args) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  o(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj", "/CN=Mailbox Admin e2e CalDAV CA",
    "-keyout", "ca.key", "-out", "ca.pem"]);
  o(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr"]);
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  o(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "3650",
    "-extfile", "ext.cnf", "-out", "server.crt"]);
}

/** A calendar "Arbeit" of user anna with one event tomorrow, in Radicale's storage layout. */
function calendarFiles() {
  const col = join(dir, "collections/collection-root/anna/arbeit");
  mkdirSync(col, { recursive: true });
  writeFileSync(join(col, ".Radicale.props"), JSON.stringify({ tag: "VCALENDAR", "D:displayname": "Arbeit" }));
  const stamp = (d) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const start = new Date(Date.now() + 24 * 3600 * 1000);
  const end = new Date(start.getTime() + 3600 * 1000);
  writeFileSync(
    join(col, "termin.ics"),
    `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mailbox Admin e2e//EN\r\nBEGIN:VEVENT\r\nUID:termin@e2e\r\n` +
      `DTSTAMP:${stamp(start)}\r\nDTSTART:${stamp(start)}\r\nDTEND:${stamp(end)}\r\nSUMMARY:Teamrunde\r\n` +
      `END:VEVENT\r\nEND:VCALENDAR\r\n`,
  );
  writeFileSync(join(dir, "users"), `anna:${PASSWORD}\n`);
}

async function startRadicale() {
  const port = await freePort();
  writeFileSync(
    join(dir, "radicale.conf"),
    `[server]\nhosts = 127.0.0.1:${port}\nssl = True\ncertificate = ${dir}/server.crt\nkey = ${dir}/server.key\n` +
      `[auth]\ntype = htpasswd\nhtpasswd_filename = ${dir}/users\nhtpasswd_encryption = plain\ndelay = 0\n` +
      `[storage]\nfilesystem_folder = ${dir}/collections\n[rights]\ntype = owner_only\n[web]\ntype = none\n[logging]\nlevel = info\n`,
  );
  const proc = spawn("/usr/bin/radicale", ["--config", join(dir, "radicale.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  proc.stderr.on("data", (d) => (log += d));
  for (let i = 0; i < 150; i++) {
    if (log.includes("Radicale server ready")) return { proc, port };
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error(`radicale did not start: ${log}`);
}

before(async () => {
  certificates();
  calendarFiles();
  const r = await startRadicale();
  radicale = r.proc;
  url = `https://127.0.0.1:${r.port}/anna/`;
  // tauri-driver hands its environment to the app it starts.
  process.env.MAILBOX_ADMIN_EXTRA_CA = join(dir, "ca.pem");
  driver = await startDriver();
});

after(() => {
  driver?.stop();
  radicale?.kill();
});

test("a CalDAV calendar account tests green in the window", async () => {
  const cli = (args, input = "") => execFileSync(MBADMIN, ["--db", db, ...args], { input });
  cli(["employee", "add", "--name", "Anna Becker"]);
  cli(
    ["calendar", "add", "--name", "Anna – Arbeit", "--employee", "Anna Becker", "--backend", "caldav",
      "--caldav-url", url, "--calendar-name", "Arbeit", "--user", "anna", "--password-stdin"],
    PASSWORD,
  );

  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    await german(s);
    await s.click('[data-testid="tab-calendar"]');
    await untilRow(s, "calendar-item", "Anna – Arbeit");
    await s.click('[data-testid="calendar-item"]');
    await s.click('[data-testid="calendar-test"]:not([disabled])');
    const green = await s.until(
      async () => {
        const r = await result(s);
        return r && r.ok === "true" ? r : r && r.ok === "false" ? Promise.reject(new Error(r.text)) : null;
      },
      "a passed calendar test",
      RESULT_WAIT_MS,
    );
    assert.equal(green.ok, "true");
    const steps = await page(
      s,
      "return [...document.querySelectorAll('[data-testid=\"test-step\"]')].map((e) => [e.dataset.kind, e.dataset.status]);",
    );
    assert.deepEqual(steps, [
      ["discovery", "skipped"],
      ["principal", "ok"],
      ["calendar_home", "ok"],
      ["calendars", "ok"],
      ["calendar_read", "ok"],
    ]);
    const read = await page(
      s,
      "return document.querySelector('[data-testid=\"test-step\"][data-kind=\"calendar_read\"] [data-testid=\"test-step-summary\"]').textContent;",
    );
    assert.match(read, /^Termine vom .* gelesen: 1$/);
    // WebKit under Xvfb may still show an older frame right after the result: let it paint.
    await new Promise((r) => setTimeout(r, 1500));
    const shown = await page(
      s,
      "return { running: !!document.querySelector('[data-testid=\"test-running\"]'), ok: document.querySelector('[data-testid=\"test-result\"]')?.dataset.ok," +
        " last: document.querySelector('[data-testid=\"test-last\"]')?.dataset.ok };",
    );
    // The run is in the history: the last test is shown next to the button.
    assert.deepEqual(shown, { running: false, ok: "true", last: "true" });
    await shot(s, "calendar-test-green.png");
  } finally {
    await s.quit();
  }
});
