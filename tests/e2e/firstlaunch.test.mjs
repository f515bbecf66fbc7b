// First launch through the real window: a new database shows the three ways to start, each
// leads to where that way begins; and the window opens as large as it was left.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDriver, Session } from "./webdriver.mjs";
import { APP, MBADMIN, german, page, shot, text } from "./helpers.mjs";

const dir = mkdtempSync(join(tmpdir(), "mbadmin-e2e-first-"));
// tauri-plugin-window-state's file, in the app's config directory.
const STATE = join(process.env.XDG_CONFIG_HOME ?? join(homedir(), ".config"), "de.mailbox-admin.app", ".window-state.json");

let driver;
before(async () => {
  driver = await startDriver();
});
after(() => driver?.stop());

const visible = (s, css) =>
  page(s, "const el = document.querySelector(arguments[0]); return !!el && el.offsetParent !== null;", css);

test("a new database offers detection, a preset and an import instead of an empty list", async () => {
  const db = join(dir, "new.db");
  const s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    await german(s);
    await s.find('[data-testid="welcome"]');
    const words = await text(s, '[data-testid="welcome"]');
    for (const w of ["Einstellungen aus einer E-Mail-Adresse ermitteln", "Mit einer Anbieter-Vorlage beginnen", "Konfiguration importieren"]) {
      assert.ok(words.includes(w), `"${w}" in: ${words}`);
    }
    assert.equal(await visible(s, '[data-testid="server-new"]'), false, "the empty server list is not shown");
    await new Promise((r) => setTimeout(r, 500)); // the next frame painted
    await shot(s, "welcome.png");

    await s.click('[data-testid="welcome-detect"]');
    await s.until(
      () => page(s, "return document.activeElement?.dataset.testid === 'detect-address';"),
      "the detection's address field focused",
    );
    assert.equal(await visible(s, '[data-testid="account-form"]'), true, "a new account form");
  } finally {
    await s.quit();
  }

  // Something configured (from the CLI): the window opens on its tabs — on the one it was
  // left on (the detection way opened Accounts), from its first frame on.
  execFileSync(MBADMIN, ["--db", db, "server", "add", "--name", "Zentrale", "--host", "imap.example.com"]);
  const again = await Session.start(driver.base, APP, ["--db", db]);
  try {
    await again.until(() => visible(again, '[data-testid="account-new"]'), "the account list");
    assert.equal(
      await page(again, "return document.querySelector('[data-testid=\"tab-accounts\"]').getAttribute('aria-selected');"),
      "true",
    );
    assert.equal(await visible(again, '[data-testid="welcome"]'), false);
  } finally {
    await again.quit();
  }
});

test("the import way opens Export/Import, and the window keeps its size", async () => {
  const db = join(dir, "size.db");
  rmSync(STATE, { force: true });
  let s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    await s.click('[data-testid="welcome-import"]');
    await s.until(
      () => page(s, "return document.activeElement?.dataset.testid === 'import-file';"),
      "the import file picker focused",
    );
    await s.cmd("POST", "/window/rect", { width: 1000, height: 700 });
    await s.until(async () => (await s.cmd("GET", "/window/rect")).width === 1000, "the resized window");
    // Saved once the resize settled — before the window is closed, as a user would.
    const saved = () => existsSync(STATE) && JSON.parse(readFileSync(STATE, "utf8")).main?.width === 1000;
    await s.until(saved, "the saved window state", 5000);
    await s.cmd("DELETE", "/window");
  } finally {
    await s.quit().catch(() => {});
  }

  s = await Session.start(driver.base, APP, ["--db", db]);
  try {
    await s.find('[data-testid="welcome"]');
    const r = await s.cmd("GET", "/window/rect");
    assert.deepEqual([r.width, r.height], [1000, 700]);
  } finally {
    await s.quit().catch(() => {});
    // The tests that follow start at the default size.
    rmSync(STATE, { force: true });
  }
});
