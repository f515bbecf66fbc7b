// Canaries in the window (issue 16): a server password typed into the window and one given
// to `mbadmin`, both tested against a Dovecot that refuses them (the login lines of a failed
// test are the ones most at risk), the test history opened — then neither canary, nor its
// base64 forms (SASL PLAIN, AUTH LOGIN), is anywhere in the window's DOM (markup, input
// values, storage) or in what the app printed on stdout/stderr. Hits are counted per place
// and printed; there must be none.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDriver, Session } from "./webdriver.mjs";
import { APP, MBADMIN, inForm, page, result, startMailServers, stopMailServers, untilRow } from "./helpers.mjs";

const dir = mkdtempSync(join(tmpdir(), "mbadmin-e2e-canary-"));
const db = join(dir, "config.db");
const TYPED = "Canary-Typed-6f2";
const GIVEN = "Canary-Given-7a3";
const RESULT_WAIT_MS = 60_000;
// The window is started through this wrapper, which keeps the app's own stdout and stderr
// in a file (WebKitWebDriver starts the app; tauri-driver drops what it prints to stdout).
const APP_OUT = join(dir, "app-output.log");
const WRAPPED = join(dir, "mailbox-admin");
writeFileSync(WRAPPED, `#!/bin/sh\nexec "${APP}" "$@" >>"${APP_OUT}" 2>&1\n`);
chmodSync(WRAPPED, 0o755);

let driver;
let mail;
let info;

before(async () => {
  ({ proc: mail, info } = await startMailServers());
  process.env.MAILBOX_ADMIN_EXTRA_CA = info.ca_file;
  driver = await startDriver({ capture: true });
});

after(async () => {
  driver?.stop();
  await stopMailServers(mail);
});

/** The forms a secret could take on its way: as typed, SASL PLAIN, AUTH LOGIN. */
function forms(secret, user) {
  const b64 = (s) => Buffer.from(s).toString("base64");
  return [secret, b64(secret), b64(`\0${user}\0${secret}`), encodeURIComponent(secret)];
}

async function testServer(s, name) {
  await s.click('[data-testid="tab-servers"]');
  await untilRow(s, "server-item", name);
  await page(
    s,
    "[...document.querySelectorAll('[data-testid=\"server-item\"]')].find((e) => e.textContent.includes(arguments[0])).click();",
    name,
  );
  await s.until(async () => (await s.value(inForm("server", 'input[name="name"]'))) === name, `the form of ${name}`);
  await s.click('[data-testid="server-test"]:not([disabled])');
  return s.until(async () => {
    const r = await result(s);
    return r && r.ok !== undefined && !(await page(s, "return !!document.querySelector('[data-testid=\"test-cancel\"]');")) ? r : null;
  }, `the result of ${name}`, RESULT_WAIT_MS);
}

test("no password typed into the window or given to mbadmin reaches the DOM or the app's output", async () => {
  const user = info.users[0].name;
  // One server from the command line, its password from standard input.
  const add = spawnSync(
    MBADMIN,
    ["--db", db, "server", "add", "--name", "Vom CLI", "--host", info.host, "--port", String(info.imaps),
      "--security", "tls", "--user", user, "--password-stdin"],
    { input: `${GIVEN}\n` },
  );
  assert.equal(add.status, 0, add.stderr.toString());

  const s = await Session.start(driver.base, WRAPPED, ["--db", db]);
  const hits = {};
  try {
    // One server from the window, its password typed.
    await s.click('[data-testid="tab-servers"]');
    await s.click('[data-testid="server-new"]');
    await s.find(inForm("server", 'input[name="name"]'));
    await s.replace(inForm("server", 'input[name="name"]'), "Im Fenster");
    await s.replace(inForm("server", 'input[name="host"]'), info.host);
    await s.replace(inForm("server", 'input[name="port"]'), String(info.imaps));
    await s.replace(inForm("server", 'input[name="login_user"]'), user);
    await s.replace(inForm("server", 'input[name="password"]'), TYPED);
    await s.click('[data-testid="server-save"]');
    await untilRow(s, "server-item", "Im Fenster");

    for (const name of ["Im Fenster", "Vom CLI"]) {
      const r = await testServer(s, name);
      assert.equal(r.ok, "false", `${name}: Dovecot refuses the canary: ${r.text}`);
      assert.match(r.text, /auth\.|Anmeld|login|Login/i, `${name}: a refused login: ${r.text}`);
      // The history and its transcript, opened as an administrator would.
      await s.click('[data-testid="test-history-toggle"]');
      await s.find('[data-testid="test-history-item"]');
      await page(s, "document.querySelector('[data-testid=\"test-history-item\"]').click();");
      const dom = await page(
        s,
        "const values = [...document.querySelectorAll('input, textarea, select')].map((e) => e.value);" +
          "const storage = [localStorage, sessionStorage].flatMap((st) => Object.keys(st).map((k) => k + '=' + st.getItem(k)));" +
          "return [document.documentElement.outerHTML, ...values, ...storage].join('\\n');",
      );
      for (const [label, secret] of [["typed", TYPED], ["given", GIVEN]]) {
        const n = forms(secret, user).reduce((sum, f) => sum + dom.split(f).length - 1, 0);
        hits[`DOM after testing ${name} / ${label}`] = n;
      }
    }
  } finally {
    await s.quit();
  }
  assert.ok(existsSync(APP_OUT), "the app ran through the wrapper that keeps its output");
  const printed = driver.printed().toString("utf8") + readFileSync(APP_OUT, "utf8") + add.stdout + add.stderr;
  for (const [label, secret] of [["typed", TYPED], ["given", GIVEN]]) {
    hits[`app, driver and mbadmin output / ${label}`] = forms(secret, user).reduce((sum, f) => sum + printed.split(f).length - 1, 0);
  }
  console.log(`canary hits: ${JSON.stringify(hits)} (${printed.length} bytes of output searched)`);
  for (const [where, n] of Object.entries(hits)) assert.equal(n, 0, `canary in ${where}`);
});
