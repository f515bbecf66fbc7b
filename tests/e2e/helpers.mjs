// What the end-to-end test files share: the binaries under test, the form and result
// selectors, the German switch — and, re-exported, the page readers (webdriver.mjs,
// page.mjs) and the test mail servers (mailservers.mjs), so a test imports from one place.
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
