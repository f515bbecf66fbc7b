// End to end through the real window against real mail servers (Dovecot and Postfix on
// loopback, started by the `mailservers` example): an account whose IMAP server has a wrong
// port is checked ("Postfach prüfen"), the steps appear, the diagnosis says the connection
// was refused and the result is red; with the port fixed the same check is green.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDriver, freePort, Session } from "./webdriver.mjs";
import {
  APP,
  MBADMIN,
  inForm,
  page,
  rows,
  result,
  selectByText,
  shot,
  startMailServers,
  stopMailServers,
  untilRow,
} from "./helpers.mjs";

const dir = mkdtempSync(join(tmpdir(), "mbadmin-e2e-probe-"));
const db = join(dir, "config.db");

const SERVER = "Dovecot";
const ACCOUNT = "Carol";
const EMAIL = "carol@example.test";
const OWNER = "carol";
/** How long one connection test may take in the window (the server timeout is 30 s). */
const RESULT_WAIT_MS = 60_000;

let driver;
let mail; // the mailservers process
let info; // what it printed: host, ports, ca_file, users

before(async () => {
  ({ proc: mail, info } = await startMailServers());
  // The app trusts the test CA through this variable; tauri-driver hands its environment
  // to the app it starts (WebDriver has no per-session environment).
  process.env.MAILBOX_ADMIN_EXTRA_CA = info.ca_file;
  driver = await startDriver();
});

after(async () => {
  driver?.stop();
  await stopMailServers(mail);
});

test("a wrong port is diagnosed in the window, and the fixed account tests green", async () => {
  const carol = info.users.find((u) => u.name === EMAIL) ?? info.users.find((u) => u.name.startsWith(OWNER));
  assert.ok(carol, `no user ${EMAIL} in ${JSON.stringify(info.users.map((u) => u.name))}`);
  // A port nothing listens on: the connection is refused at once.
  const wrongPort = await freePort();

  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    // The incoming server, deliberately on the wrong port.
    await s.click('[data-testid="tab-servers"]');
    await s.click('[data-testid="server-new"]');
    await s.replace(inForm("server", 'input[name="name"]'), SERVER);
    await s.replace(inForm("server", 'input[name="host"]'), info.host);
    await s.replace(inForm("server", 'input[name="port"]'), String(wrongPort));
    await s.click('[data-testid="server-save"]');
    await untilRow(s, "server-item", SERVER);

    // The owner.
    await s.click('[data-testid="tab-settings"]');
    await s.click('[data-testid="settings-section-users"]');
    await s.click('[data-testid="user-new"]');
    await s.replace(inForm("user", 'input[name="login"]'), OWNER);
    await s.click('[data-testid="user-save"]');
    await untilRow(s, "user-item", OWNER);

    // The account on that server, with the mailbox's password.
    await s.click('[data-testid="tab-accounts"]');
    await s.click('[data-testid="account-new"]');
    await s.replace(inForm("account", 'input[name="name"]'), ACCOUNT);
    await s.replace(inForm("account", 'input[name="email"]'), EMAIL);
    await selectByText(s, inForm("account", 'select[name="owner_id"]'), OWNER);
    await selectByText(s, inForm("account", 'select[name="incoming_server_id"]'), SERVER);
    await s.type(inForm("account", 'input[name="password"]'), carol.password);
    await s.click('[data-testid="account-save"]');
    await untilRow(s, "account-item", ACCOUNT);

    // "Postfach prüfen": the steps appear, then the diagnosis of the refused connection.
    await s.click('[data-testid="account-test"]:not([disabled])');
    await s.until(async () => (await s.findAll('[data-testid="test-step"]')).length > 0, "the first test step", 20_000);
    const red = await s.until(result.bind(null, s), "the result of the first test", RESULT_WAIT_MS);
    assert.equal(red.ok, "false", `the wrong port must fail: ${red.text}`);
    const codes = await page(
      s,
      "return [...document.querySelectorAll('[data-testid=\"diagnosis\"]')].map((d) => d.dataset.code);",
    );
    assert.ok(
      codes.includes("net.refused") || codes.includes("net.timeout"),
      `expected net.refused (or net.timeout), got ${JSON.stringify(codes)}`,
    );
    const failedStep = await page(
      s,
      "const d = document.querySelector('[data-testid=\"diagnosis\"]');" +
        "return d.closest('[data-testid=\"test-step\"]').dataset.kind;",
    );
    assert.equal(failedStep, "connect", "the connect step carries the diagnosis");
    await shot(s, "test-red.png");

    // Fix the port of the server (implicit TLS).
    await s.click('[data-testid="tab-servers"]');
    await s.click('[data-testid="server-item"]');
    await s.until(
      async () => (await s.value(inForm("server", 'input[name="name"]'))) === SERVER,
      "the server's form",
    );
    await s.replace(inForm("server", 'input[name="port"]'), String(info.imaps));
    await s.click('[data-testid="server-save"]');
    await untilRow(s, "server-item", String(info.imaps));

    // Test the account again: green.
    await s.click('[data-testid="tab-accounts"]');
    await s.click('[data-testid="account-test"]:not([disabled])');
    const green = await s.until(
      async () => {
        const r = await result(s);
        return r && r.ok === "true" ? r : null;
      },
      "a passed test after fixing the port",
      RESULT_WAIT_MS,
    ).catch(async (e) => {
      const last = await result(s);
      const diag = await page(
        s,
        "return [...document.querySelectorAll('[data-testid=\"diagnosis\"]')].map((d) => d.textContent.replace(/\\s+/g, ' ').trim());",
      );
      throw new Error(`${e.message}; last result: ${JSON.stringify(last)}; diagnoses: ${JSON.stringify(diag)}`);
    });
    assert.equal(green.ok, "true");
    const steps = await page(
      s,
      "return [...document.querySelectorAll('[data-testid=\"test-step\"]')].map((e) => [e.dataset.kind, e.dataset.status]);",
    );
    assert.ok(
      steps.some(([kind, status]) => kind === "login" && status === "ok"),
      `the login step passed: ${JSON.stringify(steps)}`,
    );
    await shot(s, "test-green.png");

    // The same account through the CLI (same database, same keyring): the same steps with
    // the same results, and no diagnosis codes.
    const cli = JSON.parse(
      execFileSync(MBADMIN, ["--db", db, "--json", "test", "account", ACCOUNT]).toString(),
    );
    assert.deepEqual(
      cli.steps.map((x) => [x.kind, x.status]),
      steps,
      "the CLI runs the same steps as the window",
    );
    // The account has no outgoing server: the one warning says that sending was not checked.
    assert.deepEqual(cli.codes, ["test.outgoing_not_checked"]);
  } finally {
    await s.quit();
  }
});

test("a login the server could not judge is shown as a temporary failure, not a wrong password", async () => {
  // FRANK's password is right, but Dovecot's password back end is down for him.
  const frank = info.users.find((u) => u.name === "frank@example.test");
  assert.ok(frank, `no user frank in ${JSON.stringify(info.users.map((u) => u.name))}`);
  const s = await Session.start(driver.base, APP, ["--db", join(dir, "temporary.db")]);
  try {
    await s.click('[data-testid="tab-servers"]');
    await s.click('[data-testid="server-new"]');
    await s.replace(inForm("server", 'input[name="name"]'), SERVER);
    await s.replace(inForm("server", 'input[name="host"]'), info.host);
    await s.replace(inForm("server", 'input[name="port"]'), String(info.imaps));
    await s.click('[data-testid="server-save"]');
    await untilRow(s, "server-item", SERVER);

    await s.click('[data-testid="tab-settings"]');
    await s.click('[data-testid="settings-section-users"]');
    await s.click('[data-testid="user-new"]');
    await s.replace(inForm("user", 'input[name="login"]'), "frank");
    await s.click('[data-testid="user-save"]');
    await untilRow(s, "user-item", "frank");

    await s.click('[data-testid="tab-accounts"]');
    await s.click('[data-testid="account-new"]');
    await s.replace(inForm("account", 'input[name="name"]'), "Frank");
    await s.replace(inForm("account", 'input[name="email"]'), frank.name);
    await selectByText(s, inForm("account", 'select[name="owner_id"]'), "frank");
    await selectByText(s, inForm("account", 'select[name="incoming_server_id"]'), SERVER);
    await s.type(inForm("account", 'input[name="password"]'), frank.password);
    await s.click('[data-testid="account-save"]');
    await untilRow(s, "account-item", "Frank");

    await s.click('[data-testid="account-test"]:not([disabled])');
    const red = await s.until(result.bind(null, s), "the result of the test", RESULT_WAIT_MS);
    assert.equal(red.ok, "false", red.text);
    const diagnoses = await page(
      s,
      "return [...document.querySelectorAll('[data-testid=\"diagnosis\"]')].map((d) => ({" +
        " code: d.dataset.code, step: d.closest('[data-testid=\"test-step\"]').dataset.kind," +
        " text: d.textContent.replace(/\\s+/g, ' ').trim() }));",
    );
    const codes = diagnoses.map((d) => d.code);
    assert.ok(codes.includes("auth.temporary"), `expected auth.temporary, got ${JSON.stringify(diagnoses)}`);
    assert.ok(!codes.includes("auth.failed"), `never auth.failed: ${JSON.stringify(codes)}`);
    const temp = diagnoses.find((d) => d.code === "auth.temporary");
    assert.equal(temp.step, "login");
    // The diagnosis says the password was not judged, and the server's own words are shown.
    assert.match(temp.text, /nicht beurteilt|not judged/, temp.text);
    assert.match(temp.text, /\[UNAVAILABLE\]/, temp.text);
    await page(
      s,
      "document.querySelector('[data-code=\"auth.temporary\"]').scrollIntoView({ block: 'center' });",
    );
    await shot(s, "test-temporary.png");
  } finally {
    await s.quit();
  }
});

test("an OAuth provider is configured, an account connected by device code, and tested green", async () => {
  const oauth = info.oauth;
  assert.ok(oauth?.issuer, "mailservers prints the test OAuth server");
  const alice = info.users.find((u) => u.name === "alice@example.test");
  const PROVIDER = "Test IdP";
  const OAUTH_SERVER = "Dovecot OAuth";
  const OAUTH_ACCOUNT = "Alice OAuth";

  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    // The provider, from its discovery document ("Standardwerte verwenden").
    await s.click('[data-testid="tab-oauth"]');
    await s.click('[data-testid="oauth-provider-new"]');
    const pf = (rest) => inForm("oauth-provider", rest);
    await s.replace(pf('input[name="name"]'), PROVIDER);
    await s.select(pf('select[name="kind"]'), "oidc");
    await s.replace(pf('input[name="discovery_url"]'), oauth.issuer);
    await s.click('[data-testid="oauth-provider-defaults"]');
    await s.until(
      async () => (await s.value(pf('input[name="token_endpoint"]'))) === oauth.token_endpoint,
      "the endpoints from discovery",
    );
    await s.replace(pf('input[name="client_id"]'), oauth.public_client);
    await s.click('[data-testid="oauth-provider-save"]');
    await untilRow(s, "oauth-provider-item", PROVIDER);
    await shot(s, "oauth-provider.png");

    // An IMAP server that logs in with OAuth2 through that provider.
    await s.click('[data-testid="tab-servers"]');
    await s.click('[data-testid="server-new"]');
    await s.replace(inForm("server", 'input[name="name"]'), OAUTH_SERVER);
    await s.replace(inForm("server", 'input[name="host"]'), info.host);
    await s.replace(inForm("server", 'input[name="port"]'), String(info.imaps));
    await s.select(inForm("server", 'select[name="auth_method"]'), "oauth2");
    await selectByText(s, inForm("server", 'select[name="oauth_provider_id"]'), PROVIDER);
    await s.click('[data-testid="server-save"]');
    await untilRow(s, "server-item", OAUTH_SERVER);

    // The account, without a password.
    await s.click('[data-testid="tab-accounts"]');
    await s.click('[data-testid="account-new"]');
    await s.replace(inForm("account", 'input[name="name"]'), OAUTH_ACCOUNT);
    await s.replace(inForm("account", 'input[name="email"]'), alice.name);
    await selectByText(s, inForm("account", 'select[name="owner_id"]'), OWNER);
    await selectByText(s, inForm("account", 'select[name="incoming_server_id"]'), OAUTH_SERVER);
    await s.click('[data-testid="account-save"]');
    await untilRow(s, "account-item", OAUTH_ACCOUNT);

    // "Mit Gerätecode verbinden": the code appears; the user enters it in a browser.
    await s.click('[data-testid="oauth-connect-device"]');
    const code = await s.until(
      async () => (await rows(s, "oauth-user-code"))[0] || null,
      "the device code",
      30_000,
    );
    const uri = (await rows(s, "oauth-verification-uri"))[0];
    assert.ok(uri.startsWith(oauth.issuer), uri);
    await page(s, "document.querySelector('[data-testid=\"oauth-user-code\"]').scrollIntoView({ block: 'center' });");
    await shot(s, "oauth-device-code.png");
    execFileSync("node", [oauth.browser, "device", uri, code, alice.name, alice.password], {
      timeout: 60_000,
    });
    await s.until(
      async () =>
        page(
          s,
          "const e = document.querySelector('[data-testid=\"oauth-status\"]'); return e && e.dataset.connected === 'true';",
        ),
      "the account connected",
      30_000,
    );
    const subject = await rows(s, "oauth-subject");
    assert.deepEqual(subject, [alice.name], "who consented is shown");

    // "Postfach prüfen": green, logged in with the token.
    await s.click('[data-testid="account-test"]:not([disabled])');
    const green = await s.until(
      async () => {
        const r = await result(s);
        return r && r.ok === "true" ? r : null;
      },
      "a passed OAuth test",
      RESULT_WAIT_MS,
    );
    assert.equal(green.ok, "true");
    await shot(s, "oauth-connected-green.png");

    // The CLI sees the same connection (same database and keyring).
    const status = JSON.parse(
      execFileSync(MBADMIN, ["--db", db, "--json", "oauth", "status", OAUTH_ACCOUNT]).toString(),
    );
    assert.equal(status.connection.subject, alice.name);
    assert.equal(status.connection.flow, "device_code");
  } finally {
    await s.quit();
  }
});

test("a new server is tested as typed, before it is saved, and nothing is stored", async () => {
  const carol = info.users.find((u) => u.name === EMAIL);
  assert.ok(carol);
  const draftDb = join(dir, "draft.db");
  const s = await Session.start(driver.base, APP, ["--db", draftDb]);
  try {
    await s.click('[data-testid="tab-servers"]');
    await s.click('[data-testid="server-new"]');
    await s.replace(inForm("server", 'input[name="name"]'), "Neuer Server");
    await s.replace(inForm("server", 'input[name="host"]'), info.host);
    await s.replace(inForm("server", 'input[name="port"]'), String(info.imaps));
    await s.replace(inForm("server", 'input[name="login_user"]'), EMAIL);
    await s.type(inForm("server", 'input[name="password"]'), carol.password);
    await s.find('[data-testid="test-draft"]');
    await s.click('[data-testid="server-test"]:not([disabled])');
    const green = await s.until(
      async () => {
        const r = await result(s);
        return r && r.ok === "true" ? r : null;
      },
      "a passed draft test",
      RESULT_WAIT_MS,
    );
    assert.equal(green.ok, "true", green.text);
    // The picture once the window has painted the verdict.
    await s.until(async () => (await s.findAll('[data-testid="test-running"]')).length === 0, "the run's end");
    await new Promise((r) => setTimeout(r, 500));
    await shot(s, "test-draft.png");
    // Nothing saved: no server in the list, none in the database.
    assert.equal((await rows(s, "server-item")).length, 0);
  } finally {
    await s.quit();
  }
  const listed = JSON.parse(execFileSync(MBADMIN, ["--db", draftDb, "--json", "server", "list"]).toString());
  assert.deepEqual(listed, []);
});
