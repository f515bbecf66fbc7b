// End to end through the real window in German, against Dovecot and Postfix behind a company
// CA that nothing trusts (no MAILBOX_ADMIN_EXTRA_CA, no --ca-file): "Postfach prüfen" fails
// with tls.untrusted_issuer; "Zertifikatskette prüfen und vertrauen …" shows the chain the
// server presented, and after the confirmation trusts its root for every server and tests
// again — green. `mbadmin test account` is then green too, without any environment variable.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDriver, Session } from "./webdriver.mjs";
import { APP, MBADMIN, german, page, result, shot, startMailServers, stopMailServers, untilRow } from "./helpers.mjs";

const dir = mkdtempSync(join(tmpdir(), "mbadmin-e2e-trust-"));
const db = join(dir, "config.db");
const RESULT_WAIT_MS = 60_000;

let driver;
let mail;
let info;

// Nothing but the certificate store may make the company CA trusted.
delete process.env.MAILBOX_ADMIN_EXTRA_CA;
function mbadmin(args, input = "") {
  return execFileSync(MBADMIN, ["--db", db, ...args], { input }).toString();
}

before(async () => {
  ({ proc: mail, info } = await startMailServers());
  driver = await startDriver();
});

after(async () => {
  driver?.stop();
  await stopMailServers(mail);
});

/** Waits for a finished test whose verdict is `ok` ("true"/"false"). */
async function verdict(s, ok, what) {
  return s.until(
    async () => {
      const r = await result(s);
      return r && r.ok === ok ? r : null;
    },
    what,
    RESULT_WAIT_MS,
  );
}

test("a company CA is trusted from a failed test in the window; the CLI then trusts it too", async () => {
  const carol = info.users.find((u) => u.name === "carol@example.test");
  mbadmin(["server", "add", "--name", "Exchange intern", "--host", info.host, "--port", String(info.imaps), "--security", "tls"]);
  mbadmin([
    "outgoing", "add", "--name", "Exchange Versand", "--host", info.host, "--port", String(info.submission),
    "--security", "starttls", "--default", "true",
  ]);
  mbadmin(["user", "add", "--login", "carol"]);
  mbadmin(
    ["account", "add", "--name", "Carol", "--email", carol.name, "--owner-user", "carol", "--incoming", "Exchange intern", "--password-stdin"],
    carol.password,
  );
  // Without trust, the CLI fails the same way the window will (exit code 1, JSON on stdout).
  const before = (() => {
    try {
      return JSON.parse(mbadmin(["--json", "test", "account", "Carol"]));
    } catch (e) {
      return JSON.parse(e.stdout.toString());
    }
  })();
  assert.equal(before.ok, false);
  assert.ok(before.codes.includes("tls.untrusted_issuer"), JSON.stringify(before.codes));

  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    await german(s);
    await s.click('[data-testid="tab-accounts"]');
    await untilRow(s, "account-item", "Carol");
    await s.click('[data-testid="account-item"]');
    await s.click('[data-testid="account-test"]:not([disabled])');
    const red = await verdict(s, "false", "the failed test");
    const codes = await page(s, "return [...document.querySelectorAll('[data-testid=\"diagnosis\"]')].map((d) => d.dataset.code);");
    assert.ok(codes.includes("tls.untrusted_issuer"), `${JSON.stringify(codes)} / ${red.text}`);
    const fix = await page(s, "return document.querySelector('[data-code=\"tls.untrusted_issuer\"] [data-testid=\"diagnosis-fix\"]').textContent;");
    assert.match(fix, /Zertifikatskette prüfen und vertrauen/, "the fix names the way");

    // The chain the server presented: leaf and root, with subject, issuer, validity, SHA-256.
    await s.click('[data-testid="trust-chain-open"]');
    await s.find('[data-testid="trust-panel"]');
    const chain = await page(
      s,
      "return [...document.querySelectorAll('[data-testid=\"trust-cert\"]')].map((e) => e.textContent.replace(/\\s+/g, ' ').trim());",
    );
    assert.equal(chain.length, 2, JSON.stringify(chain));
    assert.match(chain[1], /Stammzertifizierungsstelle.*Mailbox Admin Test CA.*Gültig.*SHA-256/);
    const disabled = await page(s, "return document.querySelector('[data-testid=\"trust-root\"]').disabled;");
    assert.equal(disabled, true, "nothing is trusted before the confirmation");
    await page(s, "document.querySelector('[data-testid=\"trust-confirm\"]').scrollIntoView({ block: 'center' });");
    await s.click('[data-testid="trust-scope-all"]');
    await s.click('[data-testid="trust-confirm"]');
    await shot(s, "trust-ca-chain.png");
    await s.click('[data-testid="trust-root"]');

    // The test runs again on its own: green, for IMAP (root presented) and SMTP (leaf only).
    await verdict(s, "true", "the re-test after trusting the root");
    await page(s, "document.querySelector('[data-testid=\"test-result\"]').scrollIntoView({ block: 'start' });");
    await shot(s, "trust-ca-green.png");

    // Einstellungen → Zertifikate shows the certificate as trusted.
    await s.click('[data-testid="tab-settings"]');
    await s.click('[data-testid="settings-section-certificates"]');
    await untilRow(s, "cert-item", "vertraute Stammzertifizierungsstelle");
  } finally {
    await s.quit();
  }

  // The CLI, without any environment variable or --ca-file: green.
  const out = JSON.parse(mbadmin(["--json", "test", "account", "Carol"]));
  assert.equal(out.ok, true, JSON.stringify(out.codes));
  assert.deepEqual(out.codes, []);
  const certs = JSON.parse(mbadmin(["--json", "cert", "list"]));
  assert.equal(certs.length, 1);
  assert.equal(certs[0].trust_root, true);
});
