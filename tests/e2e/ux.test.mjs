// End to end through the real window in German, as an administrator uses it: Escape on a
// changed form asks before discarding; a form with five bad fields shows five German field
// errors after one save; an account without password says so and its test's fix points at
// the account's field; an account without incoming server says receiving was not checked.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDriver, Session } from "./webdriver.mjs";
import {
  APP,
  MBADMIN,
  german,
  inForm,
  page,
  result,
  shot,
  startMailServers,
  stopMailServers,
  untilRow,
} from "./helpers.mjs";

const dir = mkdtempSync(join(tmpdir(), "mbadmin-e2e-ux-"));
const db = join(dir, "config.db");
const RESULT_WAIT_MS = 60_000;

let driver;
let mail;
let info;

function mbadmin(args, input = "") {
  return execFileSync(MBADMIN, ["--db", db, ...args], { input }).toString();
}

before(async () => {
  ({ proc: mail, info } = await startMailServers());
  // The test CA through the variable here: this file is about forms and credentials.
  process.env.MAILBOX_ADMIN_EXTRA_CA = info.ca_file;
  driver = await startDriver();
  const carol = info.users.find((u) => u.name === "carol@example.test");
  mbadmin(["server", "add", "--name", "Dovecot", "--host", info.host, "--port", String(info.imaps), "--security", "tls"]);
  mbadmin([
    "outgoing", "add", "--name", "Postfix", "--host", info.host, "--port", String(info.submission),
    "--security", "starttls", "--default", "true",
  ]);
  mbadmin(["user", "add", "--login", "carol"]);
  // Its own user name, but no password anywhere: saved with a warning (exit code 3).
  const saved = spawnSync(MBADMIN, [
    "--db", db, "--lang", "de", "account", "add", "--name", "Ohne Passwort", "--email", carol.name,
    "--owner-user", "carol", "--incoming", "Dovecot", "--user", carol.name,
  ]);
  assert.equal(saved.status, 3, saved.stderr.toString());
  assert.match(saved.stdout.toString() + saved.stderr.toString(), /ohne Passwort/);
  // Only the (default) outgoing server.
  mbadmin(["account", "add", "--name", "Nur Versand", "--email", carol.name, "--owner-user", "carol", "--password-stdin"], carol.password);
});

after(async () => {
  driver?.stop();
  await stopMailServers(mail);
});

const errors = (s) =>
  page(
    s,
    "return Object.fromEntries([...document.querySelectorAll('[data-testid^=\"field-error-\"]')]" +
      ".map((e) => [e.dataset.testid.slice('field-error-'.length), e.textContent.trim()]));",
  );

test("forms: Escape asks, and one save shows every field error in German", async () => {
  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    await german(s);
    await s.click('[data-testid="tab-servers"]');
    await untilRow(s, "server-item", "Dovecot");
    await s.click('[data-testid="server-item"]');
    await s.until(async () => (await s.value(inForm("server", 'input[name="name"]'))) === "Dovecot", "the form");
    await s.replace(inForm("server", 'input[name="host"]'), "mail.firma.de");
    await s.type(inForm("server", 'input[name="host"]'), "\uE00C"); // Escape
    await s.find('[data-testid="discard-confirm"]');
    assert.equal(await s.value(inForm("server", 'input[name="host"]')), "mail.firma.de", "nothing discarded yet");
    await s.click('[data-testid="server-keep-editing"]');
    assert.equal(await s.value(inForm("server", 'input[name="host"]')), "mail.firma.de");
    await s.type(inForm("server", 'input[name="host"]'), "\uE00C");
    await s.click('[data-testid="server-discard"]');
    await s.until(async () => (await s.value(inForm("server", 'input[name="host"]'))) === info.host, "the stored host back");

    // A new server with five bad fields: every error after one save, in German.
    await s.click('[data-testid="server-new"]');
    await s.replace(inForm("server", 'input[name="host"]'), "mail firma.de");
    await s.replace(inForm("server", 'input[name="port"]'), "70000");
    await s.replace(inForm("server", 'input[name="timeout_secs"]'), "0");
    await s.replace(inForm("server", 'input[name="tls_alt_name"]'), "a b");
    await s.replace(inForm("server", 'input[name="tls_pin_sha256"]'), "zz");
    await s.click('[data-testid="server-save"]');
    const shown = await s.until(async () => {
      const e = await errors(s);
      return Object.keys(e).length >= 5 ? e : null;
    }, "five field errors");
    for (const f of ["name", "host", "port", "timeout_secs", "tls_pin_sha256"]) {
      assert.ok(shown[f], `an error at ${f}: ${JSON.stringify(shown)}`);
    }
    assert.match(shown.host, /Leerzeichen/, "the host's reason in German");
    for (const [f, text] of Object.entries(shown)) {
      assert.doesNotMatch(text, /contains|missing|not a valid|characters/, `${f} in English: ${text}`);
    }
    const banner = await page(s, "return document.querySelector('[data-testid=\"form-error\"]').textContent.trim();");
    assert.match(banner, /^Bitte die markierten Felder korrigieren/);
    assert.doesNotMatch(banner, /host|tls_pin_sha256/, banner);
    await shot(s, "form-all-errors.png");
  } finally {
    await s.quit();
  }
});

test("credentials and tests say what is missing", async () => {
  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    await german(s);
    await s.click('[data-testid="tab-accounts"]');
    await untilRow(s, "account-item", "Ohne Passwort");
    await page(
      s,
      "[...document.querySelectorAll('[data-testid=\"account-item\"]')].find((e) => e.textContent.includes('Ohne Passwort')).click();",
    );
    const note = await s.until(
      () => page(s, "const n = document.querySelector('[data-testid=\"account-login-note\"]'); return n ? { source: n.dataset.source, text: n.textContent.trim() } : null;"),
      "the login note",
    );
    assert.equal(note.source, "account");
    assert.match(note.text, /ohne Passwort/);
    await page(s, "document.querySelector('[data-testid=\"account-login-note\"]').scrollIntoView({ block: 'center' });");
    await shot(s, "account-credential-note.png");

    await s.click('[data-testid="account-test"]:not([disabled])');
    const red = await s.until(async () => {
      const r = await result(s);
      return r && r.ok === "false" ? r : null;
    }, "the failed test", RESULT_WAIT_MS);
    const d = await page(
      s,
      "const d = document.querySelector('[data-code=\"auth.password_missing\"]'); return d && {" +
        " fix: d.querySelector('[data-testid=\"diagnosis-fix\"]').textContent," +
        " target: d.querySelector('[data-testid=\"diagnosis-target\"]').dataset.target };",
    );
    assert.ok(d, `auth.password_missing expected: ${red.text}`);
    assert.match(d.fix, /Feld „Passwort“ des Kontos/);
    assert.equal(d.target, "credentials");

    // Only an outgoing server: a warning step says receiving was not checked.
    await page(
      s,
      "[...document.querySelectorAll('[data-testid=\"account-item\"]')].find((e) => e.textContent.includes('Nur Versand')).click();",
    );
    await s.until(async () => (await s.value(inForm("account", 'input[name="name"]'))) === "Nur Versand", "the second account");
    await s.click('[data-testid="account-test"]:not([disabled])');
    await s.until(async () => (await result(s))?.ok === "true", "the finished test", RESULT_WAIT_MS);
    const steps = await page(
      s,
      "return [...document.querySelectorAll('[data-testid=\"test-step\"]')].map((e) => [e.dataset.kind, e.dataset.status, e.textContent.replace(/\\s+/g, ' ')]);",
    );
    const unchecked = steps.find(([kind]) => kind === "not_checked");
    assert.ok(unchecked, JSON.stringify(steps));
    assert.equal(unchecked[1], "warning");
    assert.match(unchecked[2], /Empfang nicht geprüft/);
    const verdict = await result(s);
    assert.match(verdict.text, /mit Warnungen/, `no plain green: ${verdict.text}`);
  } finally {
    await s.quit();
  }
});
