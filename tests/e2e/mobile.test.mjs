// End to end through the real window: an account made with `mbadmin`, the Mobile tab, the
// account chosen → the QR code is shown → the Apple profile exported for a named iPhone →
// the device appears in the mobile accounts (and `mbadmin mobile list` has it too).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startDriver, Session, selectByText, shot, untilRow } from "./webdriver.mjs";
import { answerSaveDialog } from "./helpers.mjs";

const root = resolve(import.meta.dirname, "../..");
const APP = process.env.E2E_APP ?? join(root, "target/debug/mailbox-admin");
const MBADMIN = process.env.E2E_MBADMIN ?? join(root, "target/debug/mbadmin");
const dir = mkdtempSync(join(tmpdir(), "mbadmin-e2e-"));
const db = join(dir, "config.db");
const NO_KEYRING = { ...process.env, DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent" };

const mbadmin = (...args) => execFileSync(MBADMIN, ["--db", db, ...args], { env: NO_KEYRING }).toString();
// An account without a password (a phone is set up without one) is saved with the login
// warning: exit code 3, "partly done".
const mbadminWarned = (...args) =>
  spawnSync(MBADMIN, ["--db", db, ...args], { env: NO_KEYRING }).status;

let driver;
before(async () => {
  driver = await startDriver({ cwd: dir });
  mbadmin("server", "add", "--name", "IMAP Zentrale", "--host", "imap.mueller-bau.example", "--security", "tls");
  mbadmin("outgoing", "add", "--name", "SMTP Zentrale", "--host", "smtp.mueller-bau.example", "--security", "starttls");
  mbadmin("user", "add", "--login", "max", "--display-name", "Max Mustermann");
  const status = mbadminWarned(
    "account", "add", "--name", "Max Postfach", "--email", "max@mueller-bau.example", "--sender-name",
    "Max Mustermann", "--owner-user", "max", "--incoming", "IMAP Zentrale", "--outgoing", "SMTP Zentrale",
  );
  if (status !== 0 && status !== 3) throw new Error(`account add: exit code ${status}`);
});
after(() => driver?.stop());

test("Mobile tab: choose an account, see its QR code, export the profile, the device is listed", async () => {
  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    await s.click('[data-testid="tab-mobile"]');
    await selectByText(s, '[data-testid="provision-account"]', "Max Postfach");
    const qr = await s.until(
      () =>
        s.cmd("POST", "/execute/sync", {
          script:
            "const i = document.querySelector('[data-testid=\"provision-qr\"]');" +
            "return i && i.complete && i.naturalWidth > 0 ? [i.getBoundingClientRect().width, i.src.length] : null;",
          args: [],
        }),
      "the QR code shown",
    );
    assert.ok(qr[0] >= 300, `QR code shown large: ${qr[0]} px`);
    await shot(s, "mobile-qr.png");

    await s.click('[data-testid="provision-format-profile"]');
    await selectByText(s, '[data-testid="provision-user"]', "Max Mustermann");
    await s.until(async () => (await s.value('[data-testid="provision-device"]')) === "iPhone Max Postfach", "device name");
    await s.click('[data-testid="provision-export-profile"]');
    // Saved where the native save dialog is told (xdotool types the path), owner-only.
    const file = join(dir, "profil", "max-mueller-bau.example.mobileconfig");
    mkdirSync(join(dir, "profil"));
    await answerSaveDialog(file);
    await untilRow(s, "mobile-item", "iPhone Max Postfach");
    await s.until(() => existsSync(file), "the saved profile");
    assert.equal(statSync(file).mode & 0o777, 0o600, "a profile is owner-only");
    const host = execFileSync("python3", [
      "-c",
      "import plistlib,sys; print(plistlib.load(open(sys.argv[1],'rb'))['PayloadContent'][0]['IncomingMailServerHostName'])",
      file,
    ]);
    assert.equal(host.toString().trim(), "imap.mueller-bau.example");
    const items = await s.findAll('[data-testid="mobile-item"]');
    await s.cmd("POST", `/element/${items[0]}/click`, {});
    await s.find('[data-testid="mobile-form"] input[name="name"]');
    await shot(s, "mobile-devices.png");
  } finally {
    await s.quit();
  }

  const list = JSON.parse(mbadmin("--json", "mobile", "list"));
  assert.equal(list.length, 1, JSON.stringify(list));
  assert.equal(list[0].name, "iPhone Max Postfach");
  assert.equal(list[0].method, "profile");
  assert.equal(list[0].platform, "ios");
  assert.equal(list[0].account_name, "Max Postfach");
  assert.ok(list[0].user_id, "the user chosen in the window is recorded");
});
