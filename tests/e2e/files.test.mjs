// Files from the window go through the native save dialog, which the backend shows: the
// configuration export is saved where the dialog is told (answered with xdotool, as a person
// types a path), owner-only, and `mbadmin import` reads it back into another database; a
// cancelled dialog writes nothing and says so.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDriver, Session } from "./webdriver.mjs";
import { APP, MBADMIN, answerSaveDialog, german, text } from "./helpers.mjs";

const dir = mkdtempSync(join(tmpdir(), "mbadmin-e2e-files-"));
const db = join(dir, "config.db");
const NO_KEYRING = { ...process.env, DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent" };
const mbadmin = (d, ...args) => execFileSync(MBADMIN, ["--db", d, ...args], { env: NO_KEYRING }).toString();

let driver;
before(async () => {
  driver = await startDriver();
  mbadmin(db, "server", "add", "--name", "IMAP Zentrale", "--host", "imap.mueller-bau.example");
  mbadmin(db, "outgoing", "add", "--name", "SMTP Zentrale", "--host", "smtp.mueller-bau.example");
  mbadmin(db, "user", "add", "--login", "jürgen", "--display-name", "Jürgen Weiß");
  // Without a password: saved with the login warning (exit code 3).
  const add = spawnSync(MBADMIN, ["--db", db, "account", "add", "--name", "Jürgen Weiß 2815", "--email",
    "juergen@mueller-bau.example", "--owner-user", "jürgen", "--incoming", "IMAP Zentrale"], { env: NO_KEYRING });
  assert.ok([0, 3].includes(add.status), add.stderr.toString());
});
after(() => driver?.stop());

async function openTransfer(s) {
  await german(s);
  await s.click('[data-testid="tab-settings"]');
  await s.click('[data-testid="settings-section-transfer"]');
  await s.find('[data-testid="export-run"]');
}

test("the export is saved through the native save dialog and mbadmin imports it", async () => {
  const file = join(dir, "Sicherung Müller.json");
  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    await openTransfer(s);
    await s.click('[data-testid="export-run"]');
    await answerSaveDialog(file);
    await s.find('[data-testid="export-done"]', 20000);
    const done = await text(s, '[data-testid="export-done"]');
    assert.ok(done.includes(file), `the notice names the file: ${done}`);
    assert.ok(done.includes("Ohne Passwörter"), done);

    // A dialog closed with Escape: nothing written, and the window says so.
    await s.click('[data-testid="export-run"]');
    await answerSaveDialog(null);
    await s.find('[data-testid="export-cancelled"]', 20000);
  } finally {
    await s.quit();
  }

  assert.ok(existsSync(file), "the file the dialog was told");
  assert.equal(statSync(file).mode & 0o777, 0o600, "an export is owner-only");
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.endsWith(".json")),
    ["Sicherung Müller.json"],
    "the cancelled export wrote nothing",
  );

  const other = join(dir, "other.db");
  // Exit code 3: imported, with the warning that the account has no password.
  const imported = spawnSync(MBADMIN, ["--db", other, "import", file], { env: NO_KEYRING });
  assert.ok([0, 3].includes(imported.status), imported.stderr.toString());
  const accounts = JSON.parse(mbadmin(other, "--json", "account", "list"));
  assert.deepEqual(accounts.map((a) => a.name), ["Jürgen Weiß 2815"]);
  assert.equal(accounts[0].email, "juergen@mueller-bau.example");
  const servers = JSON.parse(mbadmin(other, "--json", "server", "list"));
  assert.deepEqual(servers.map((x) => [x.name, x.host]), [["IMAP Zentrale", "imap.mueller-bau.example"]]);
});
