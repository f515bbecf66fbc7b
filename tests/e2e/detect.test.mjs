// End to end through the real window: "Einstellungen ermitteln" and "Domain prüfen" against
// a real DNS server (dnsmasq) and a real HTTPS server (nginx) on loopback, started with the
// mail servers by `mailservers --domains`. The app asks that DNS (MAILBOX_ADMIN_DNS) and
// trusts the test CAs (MAILBOX_ADMIN_EXTRA_CA).
// - New account → address and password → the sources appear live → the login test of the
//   found settings is green → the form is filled (servers created) → saved.
// - A domain hosted elsewhere (only its MX points at the hoster): the result is unconfirmed,
//   names the domain the settings come from and asks; using it reuses the servers.
// - "Domain prüfen" on the account: MX, SPF (allowing the outgoing server) and DMARC pass.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { rows, untilRow, selectByText, page } from "./page.mjs";
import { german } from "./helpers.mjs";
import { startDriver, Session } from "./webdriver.mjs";
import { startMailServers, stopMailServers } from "./mailservers.mjs";

const root = resolve(import.meta.dirname, "../..");
const APP = process.env.E2E_APP ?? join(root, "target/debug/mailbox-admin");
const MBADMIN = process.env.E2E_MBADMIN ?? join(root, "target/debug/mbadmin");
const dir = mkdtempSync(join(tmpdir(), "mbadmin-e2e-detect-"));
const db = join(dir, "config.db");

const EMAIL = "alice@example.test";
const OWNER = "alice";
const WAIT_MS = 60_000;

let driver;
let mail;
let info;

before(async () => {
  ({ proc: mail, info } = await startMailServers(["--domains"]));
  // tauri-driver hands its environment to the app it starts.
  process.env.MAILBOX_ADMIN_EXTRA_CA = `${info.ca_file}:${info.domains.web_ca_file}`;
  process.env.MAILBOX_ADMIN_DNS = info.domains.dns;
  // Nothing leaves this machine: no provider database on the internet.
  execFileSync(MBADMIN, ["--db", db, "settings", "set", "--provider-db-url", ""]);
  driver = await startDriver();
});

after(async () => {
  driver?.stop();
  await stopMailServers(mail);
});

/** Screenshot of the window with `testid` scrolled to the top of the view. */
async function shot(s, name, testid) {
  if (!process.env.SCREENSHOT_DIR) return;
  // Scroll the form's own scroll box (not the window) so the panel starts at its top.
  if (testid)
    await page(
      s,
      "const el = document.querySelector(`[data-testid=\"${arguments[0]}\"]`); let p = el?.parentElement;" +
        "while (p && !/(auto|scroll)/.test(getComputedStyle(p).overflowY)) p = p.parentElement;" +
        "if (p) p.scrollTop += el.getBoundingClientRect().top - p.getBoundingClientRect().top - 8;",
      testid,
    );
  await sleep(300); // let the webview paint what the DOM already has
  mkdirSync(process.env.SCREENSHOT_DIR, { recursive: true });
  writeFileSync(join(process.env.SCREENSHOT_DIR, name), await s.screenshot());
}

const inForm = (rest) => `[data-testid="account-form"] ${rest}`;

/** The detection's verdict banner as data, or null while none is shown. */
function detectResult(s) {
  return page(
    s,
    "const r = document.querySelector('[data-testid=\"detect-result\"]');" +
      "return r ? { ...r.dataset, text: r.textContent.replace(/\\s+/g, ' ').trim() } : null;",
  );
}

/** Records, on every change of the panel, how many sources are shown and whether the
 *  result is: the proof that sources appear before the answer. */
function watchPanel(s) {
  return page(
    s,
    "window.__detectLog = []; const p = document.querySelector('[data-testid=\"detect-panel\"]');" +
      "new MutationObserver(() => window.__detectLog.push({" +
      " sources: p.querySelectorAll('[data-testid=\"detect-sources\"] [data-testid=\"test-step\"]').length," +
      " result: !!p.querySelector('[data-testid=\"detect-result\"]') }))" +
      ".observe(p, { subtree: true, childList: true, attributes: true, characterData: true });",
  );
}

async function detect(s, address, password) {
  await s.click('[data-testid="detect-toggle"]');
  await s.replace('[data-testid="detect-address"]', address);
  if (password) await s.type('[data-testid="detect-password"]', password);
  await watchPanel(s);
  await s.click('[data-testid="detect-start"]');
  return s.until(() => detectResult(s), `the detection result for ${address}`, WAIT_MS);
}

test("detect settings on a new account: sources live, login green, form filled, saved", async () => {
  const alice = info.users.find((u) => u.name === EMAIL);
  assert.ok(alice, "mailservers prints alice");
  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    // The texts asserted are German: pick the language (the window otherwise follows the
    // OS locale, or a choice an earlier test left in the web view's storage).
    await german(s);
    // The owner.
    await s.click('[data-testid="tab-settings"]');
    await s.click('[data-testid="settings-section-users"]');
    await s.click('[data-testid="user-new"]');
    await s.replace('[data-testid="user-form"] input[name="login"]', OWNER);
    await s.click('[data-testid="user-save"]');
    await untilRow(s, "user-item", OWNER);

    await s.click('[data-testid="tab-accounts"]');
    await s.click('[data-testid="account-new"]');
    const r = await detect(s, EMAIL, alice.password);
    assert.equal(r.found, "true", r.text);
    assert.equal(r.trust, "confirmed", r.text);
    // With a password, the result waits for the login test of what was found.
    const proof = await s.until(async () => (await detectResult(s))?.proof || null, "the login proof", WAIT_MS);
    assert.equal(proof, "true", "the login with the detected settings passed");

    const log = await page(s, "return window.__detectLog;");
    assert.ok(
      log.some((e) => e.sources > 0 && !e.result),
      `sources were shown before the result: ${JSON.stringify(log.slice(0, 20))}`,
    );
    const incoming = (await rows(s, "detect-incoming"))[0];
    assert.match(incoming, new RegExp(`IMAP · mail\\.example\\.test:${info.imaps} · SSL/TLS`));
    assert.match((await rows(s, "detect-trust"))[0], /example\.test/);
    const login = await page(
      s,
      "return [...document.querySelectorAll('[data-testid=\"detect-login\"] [data-testid=\"test-step\"]')]" +
        ".filter((e) => e.dataset.kind === 'login').map((e) => e.dataset.status);",
    );
    assert.deepEqual(login, [], "a passed login folds its steps");
    await s.click('[data-testid="detect-login-toggle"]');
    const steps = await page(
      s,
      "return [...document.querySelectorAll('[data-testid=\"detect-login\"] [data-testid=\"test-step\"]')]" +
        ".filter((e) => e.dataset.kind === 'login').map((e) => e.dataset.status);",
    );
    assert.deepEqual(steps, ["ok", "ok"], "IMAP and SMTP logins passed");
    await s.click('[data-testid="detect-login-toggle"]');
    const apply = await page(s, "return document.querySelector('[data-testid=\"detect-apply\"]').dataset.caution;");
    assert.equal(apply, "", "green, confirmed settings are offered without a warning");
    await shot(s, "detect-found.png", "detect-panel");

    // Into the form: servers created, address, login and password filled.
    await s.click('[data-testid="detect-apply"]');
    await s.find('[data-testid="detect-applied"]', WAIT_MS);
    assert.equal(await s.value(inForm('input[name="email"]')), EMAIL);
    assert.equal(await s.value(inForm('input[name="username"]')), EMAIL);
    assert.notEqual(await s.value(inForm('select[name="incoming_server_id"]')), "");
    assert.notEqual(await s.value(inForm('select[name="outgoing_server_id"]')), "");
    await selectByText(s, inForm('select[name="owner_id"]'), OWNER);
    await s.click('[data-testid="account-save"]');
    await untilRow(s, "account-item", EMAIL);

  } finally {
    await s.quit();
  }
  // The same database through the CLI: the account on the IMAP and SMTP servers that
  // detection created.
  const servers = JSON.parse(execFileSync(MBADMIN, ["--db", db, "--json", "server", "list"]).toString());
  assert.equal(servers.length, 1);
  assert.equal(servers[0].host, "mail.example.test");
  assert.equal(servers[0].port, info.imaps);
  const outgoing = JSON.parse(execFileSync(MBADMIN, ["--db", db, "--json", "outgoing", "list"]).toString());
  assert.equal(outgoing.length, 1);
  assert.equal(outgoing[0].port, info.submission);
  const accounts = JSON.parse(execFileSync(MBADMIN, ["--db", db, "--json", "account", "list"]).toString());
  assert.equal(accounts.length, 1);
  assert.equal(accounts[0].email, EMAIL);
  assert.equal(accounts[0].username, EMAIL);
  assert.equal(accounts[0].incoming_server_id, servers[0].id);
  assert.equal(accounts[0].outgoing_server_id, outgoing[0].id);
  assert.equal(accounts[0].password, "stored", "the password typed in the panel is in the keyring");
});

test("a domain hosted through its MX is unconfirmed, names where the settings come from and asks", async () => {
  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    // The texts asserted are German: pick the language (the window otherwise follows the
    // OS locale, or a choice an earlier test left in the web view's storage).
    await german(s);
    await s.click('[data-testid="tab-accounts"]');
    await s.click('[data-testid="account-new"]');
    const r = await detect(s, "info@kunde.test");
    assert.equal(r.found, "true", r.text);
    assert.equal(r.trust, "unconfirmed", r.text);
    const reasons = await page(
      s,
      "return [...document.querySelectorAll('[data-testid=\"detect-reasons\"] li')].map((l) => l.dataset.reason);",
    );
    assert.ok(reasons.includes("mx_without_dnssec"), JSON.stringify(reasons));
    assert.match((await rows(s, "detect-trust"))[0], /stammen von example\.test/);
    assert.match((await rows(s, "detect-ask"))[0], /example\.test/);
    const caution = await page(s, "return document.querySelector('[data-testid=\"detect-apply\"]').dataset.caution;");
    assert.equal(caution, "unconfirmed");
    await shot(s, "detect-unconfirmed.png", "detect-panel");

    // Using it anyway picks the servers created in the first test instead of new ones.
    await s.click('[data-testid="detect-apply"]');
    await s.find('[data-testid="detect-applied"]', WAIT_MS);
    assert.match(
      await page(
        s,
        "const e = document.querySelector('[data-testid=\"account-form\"] select[name=\"incoming_server_id\"]');" +
          "return e.options[e.selectedIndex].textContent;",
      ),
      /mail\.example\.test/,
    );
  } finally {
    await s.quit();
  }
  const servers = JSON.parse(execFileSync(MBADMIN, ["--db", db, "--json", "server", "list"]).toString());
  assert.equal(servers.length, 1, "the existing server was reused");
});

test("Domain prüfen on the account: MX, SPF for the outgoing server and DMARC pass", async () => {
  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    // The texts asserted are German: pick the language (the window otherwise follows the
    // OS locale, or a choice an earlier test left in the web view's storage).
    await german(s);
    await s.click('[data-testid="tab-accounts"]');
    await untilRow(s, "account-item", EMAIL);
    await s.click('[data-testid="account-item"]');
    await s.until(async () => (await s.value(inForm('input[name="email"]'))) === EMAIL, "the account's form");
    await s.click('[data-testid="domain-toggle"]');
    assert.equal(await s.value('[data-testid="domain-domain"]'), "example.test");
    assert.notEqual(await s.value('[data-testid="domain-outgoing"]'), "", "the account's outgoing server is picked");
    await s.click('[data-testid="domain-check"]');
    const ok = await s.until(
      () => page(s, "const r = document.querySelector('[data-testid=\"domain-result\"]'); return r ? r.dataset.ok : null;"),
      "the domain report",
      WAIT_MS,
    );
    const steps = Object.fromEntries(
      await page(
        s,
        "return [...document.querySelectorAll('[data-testid=\"domain-steps\"] [data-testid=\"test-step\"]')]" +
          ".map((e) => [e.dataset.kind, e.dataset.status]);",
      ),
    );
    for (const kind of ["mx", "spf", "spf_outgoing", "dmarc"]) {
      assert.equal(steps[kind], "ok", `${kind}: ${JSON.stringify(steps)}`);
    }
    // No DKIM key, MTA-STS or TLS-RPT is published for example.test: warnings, no failure.
    assert.equal(steps.dkim, "warning", JSON.stringify(steps));
    assert.equal(ok, "true");
    const codes = await page(
      s,
      "return [...document.querySelectorAll('[data-testid=\"domain-steps\"] [data-testid=\"diagnosis\"]')].map((d) => d.dataset.code);",
    );
    assert.ok(codes.includes("domain.dkim_none_found"), JSON.stringify(codes));
    assert.ok(codes.includes("domain.mta_sts_missing"), JSON.stringify(codes));
    await shot(s, "domain-check.png", "domain-panel");
  } finally {
    await s.quit();
  }
});
