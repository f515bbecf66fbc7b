// End to end through the real window: an outgoing server, a company that uses it as its
// default, three users, a group of them, and a shared mailbox of the group assigned to all
// three with its outgoing server left to inheritance. The account's detail view says the
// mailbox sends through the company's server, and `mbadmin --db SAME` resolves the same.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDriver, Session } from "./webdriver.mjs";
import { APP, MBADMIN, inForm, selectByText, shot, text, untilRow } from "./helpers.mjs";

const dir = mkdtempSync(join(tmpdir(), "mbadmin-e2e-"));
const db = join(dir, "config.db");

const SERVER = "Versand Zentrale";
const COMPANY = "Müller Bau GmbH";
const USERS = ["anna", "bernd", "clara"];
const GROUP = "Vertrieb";
const MAILBOX = "Vertrieb Postfach";

let driver;
before(async () => {
  driver = await startDriver();
});
after(() => driver?.stop());

test("a shared mailbox inherits its company's outgoing server, in the window and in the CLI", async () => {
  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    // Outgoing server.
    await s.click('[data-testid="tab-outgoing"]');
    await s.click('[data-testid="outgoing-new"]');
    await s.replace(inForm("outgoing", 'input[name="name"]'), SERVER);
    await s.replace(inForm("outgoing", 'input[name="host"]'), "smtp.mueller-bau.example");
    await s.replace(inForm("outgoing", 'input[name="sender_address"]'), "info@mueller-bau.example");
    await s.click('[data-testid="outgoing-save"]');
    await untilRow(s, "outgoing-item", SERVER);

    // Company with that server as its default.
    await s.click('[data-testid="tab-settings"]');
    await s.click('[data-testid="settings-section-companies"]');
    await s.click('[data-testid="company-new"]');
    await s.replace(inForm("company", 'input[name="name"]'), COMPANY);
    await selectByText(s, inForm("company", 'select[name="default_outgoing_server_id"]'), SERVER);
    await s.click('[data-testid="company-save"]');
    await untilRow(s, "company-item", COMPANY);

    // Three users.
    await s.click('[data-testid="settings-section-users"]');
    for (const login of USERS) {
      await s.click('[data-testid="user-new"]');
      await s.until(async () => (await s.value(inForm("user", 'input[name="login"]'))) === "", "an empty user form");
      await s.type(inForm("user", 'input[name="login"]'), login);
      await s.click('[data-testid="user-save"]');
      await untilRow(s, "user-item", login);
    }

    // The group with the three as members.
    await s.click('[data-testid="settings-section-groups"]');
    await s.click('[data-testid="group-new"]');
    await s.replace(inForm("group", 'input[name="name"]'), GROUP);
    for (const login of USERS) await s.click(`[data-testid="group-member-${login}"]`);
    await s.click('[data-testid="group-save"]');
    await untilRow(s, "group-item", GROUP);

    // The shared mailbox: owner the group, assigned to all three, company set, outgoing inherited.
    await s.click('[data-testid="tab-accounts"]');
    await s.click('[data-testid="account-new"]');
    await s.replace(inForm("account", 'input[name="name"]'), MAILBOX);
    await s.replace(inForm("account", 'input[name="email"]'), "vertrieb@example.com");
    await s.click(inForm("account", 'input[name="owner_kind"][value="group"]'));
    await selectByText(s, inForm("account", 'select[name="owner_id"]'), GROUP);
    for (const login of USERS) await s.click(`[data-testid="account-user-${login}"]`);
    await selectByText(s, inForm("account", 'select[name="company_id"]'), COMPANY);
    const inherit = await s.value(inForm("account", 'select[name="outgoing_server_id"]'));
    assert.equal(inherit, "", "the outgoing server is left to inheritance");
    await s.click('[data-testid="account-save"]');
    await untilRow(s, "account-item", MAILBOX);

    const effective = await s.until(async () => {
      const t = await text(s, '[data-testid="effective-outgoing"]');
      return t && t.includes(SERVER) ? t : null;
    }, "the effective outgoing server in the detail view");
    assert.ok(effective.includes(SERVER), effective);
    assert.ok(effective.includes(COMPANY), effective);
    for (const login of USERS) {
      const checked = await s.cmd("POST", "/execute/sync", {
        script: "return document.querySelector(arguments[0]).checked;",
        args: [`[data-testid="account-user-${login}"]`],
      });
      assert.equal(checked, true, `${login} assigned after save`);
    }
    await shot(s, "accounts.png");

    // The outgoing tab with the server selected.
    await s.click('[data-testid="tab-outgoing"]');
    const items = await s.findAll('[data-testid="outgoing-item"]');
    await s.cmd("POST", `/element/${items[0]}/click`, {});
    await s.find(inForm("outgoing", 'input[name="name"]'));
    await shot(s, "outgoing.png");
  } finally {
    await s.quit();
  }

  const out = execFileSync(MBADMIN, ["--db", db, "--json", "account", "show", MAILBOX], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent" },
  });
  const shown = JSON.parse(out.toString());
  assert.equal(shown.effective_outgoing?.server_name, SERVER, out.toString());
  assert.equal(shown.effective_outgoing?.source, "company", out.toString());
});
