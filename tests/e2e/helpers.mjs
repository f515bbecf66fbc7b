// What the end-to-end test files share: the binaries under test, the form and result
// selectors, the German switch — and, re-exported, the page readers (webdriver.mjs,
// page.mjs) and the test mail servers (mailservers.mjs), so a test imports from one place.
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { page } from "./page.mjs";

export { rows, untilRow, selectByText, shot, text } from "./webdriver.mjs";
export { page } from "./page.mjs";
export { startMailServers, stopMailServers } from "./mailservers.mjs";

const root = resolve(import.meta.dirname, "../..");
export const APP = process.env.E2E_APP ?? join(root, "target/debug/mailbox-admin");
export const MBADMIN = process.env.E2E_MBADMIN ?? join(root, "target/debug/mbadmin");

/** The finished test's verdict banner, or null while none is shown. */
export async function result(s) {
  return page(
    s,
    "const r = document.querySelector('[data-testid=\"test-result\"]');" +
      "return r ? { ok: r.dataset.ok, text: r.textContent.replace(/\\s+/g, ' ').trim() } : null;",
  );
}

export const inForm = (form, rest) => `[data-testid="${form}-form"] ${rest}`;

/** Switches the window to German, as a user does with the language picker. */
export async function german(s) {
  const picker = '[data-testid="lang-switch"]';
  await s.find(picker);
  await s.select(picker, "de");
  await s.until(
    async () => (await page(s, "return document.querySelector(arguments[0]).value;", picker)) === "de",
    "the German UI",
  );
}

/** The titles of the backend's save dialogs (src-tauri/src/commands/files.rs), either language. */
const SAVE_TITLES = "^(Datei speichern|Save file|Konfiguration exportieren|Export configuration)$";

/**
 * Answers the native GTK save dialog the backend shows, as a person does: waits for its
 * window (xdotool, on the test's X display), focuses it, types `path` into its name field
 * (GTK takes a whole path there) and presses Return; `path === null` presses Escape.
 */
export async function answerSaveDialog(path, timeoutMs = 20000) {
  const xdo = (...args) => execFileSync("xdotool", args, { stdio: ["ignore", "pipe", "pipe"] }).toString().trim();
  const deadline = Date.now() + timeoutMs;
  let wid = "";
  while (!wid) {
    try {
      wid = xdo("search", "--onlyvisible", "--name", SAVE_TITLES).split("\n")[0];
    } catch {
      if (Date.now() > deadline) {
        let names = "";
        try {
          names = xdo("search", "--name", ".").split("\n").map((w) => xdo("getwindowname", w)).join(" | ");
        } catch {
          names = "(none)";
        }
        throw new Error(`no save dialog within ${timeoutMs} ms; windows: ${names}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  // Its widgets are realized a moment after the window is mapped.
  await new Promise((r) => setTimeout(r, 500));
  xdo("windowfocus", "--sync", wid);
  if (path === null) {
    xdo("key", "--clearmodifiers", "Escape");
    return wid;
  }
  xdo("key", "--clearmodifiers", "ctrl+a");
  xdo("type", "--clearmodifiers", "--delay", "15", path);
  xdo("key", "--clearmodifiers", "Return");
  return wid;
}
