// What the end-to-end tests share: the paths of the binaries, the test mail servers (started
// by the `mailservers` example), and small page helpers over a WebDriver session.
import { spawn } from "node:child_process";
import { existsSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const root = resolve(import.meta.dirname, "../..");
export const APP = process.env.E2E_APP ?? join(root, "target/debug/mailbox-admin");
export const MBADMIN = process.env.E2E_MBADMIN ?? join(root, "target/debug/mbadmin");
export const MAILSERVERS = process.env.E2E_MAILSERVERS ?? join(root, "target/debug/examples/mailservers");

/**
 * Starts the test mail servers and reads the one JSON line they print (bounded: Dovecot and
 * Postfix with fresh certificates take a few seconds). They run until stdin closes.
 */
export async function startMailServers() {
  if (!existsSync(MAILSERVERS)) {
    throw new Error(
      `${MAILSERVERS} missing: build it with \`cargo build -p mailbox-admin-core --example mailservers\` or set E2E_MAILSERVERS`,
    );
  }
  const proc = spawn(MAILSERVERS, [], { stdio: ["pipe", "pipe", "inherit"] });
  const line = await new Promise((resolveLine, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error("mailservers printed nothing within 180 s")), 180_000);
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk) => {
      buf += chunk;
      const nl = buf.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        resolveLine(buf.slice(0, nl));
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`mailservers exited (${code}) before printing its ports`));
    });
    proc.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  proc.stdout.resume(); // keep draining, in case it prints more
  return { proc, info: JSON.parse(line) };
}

export async function stopMailServers(proc) {
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once("exit", r));
  proc.stdin.end(); // it stops the daemons when its stdin closes
  const done = await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]);
  if (!done) proc.kill("SIGTERM");
}

export async function rows(s, testid) {
  return s.cmd("POST", "/execute/sync", {
    script:
      "return [...document.querySelectorAll(`[data-testid=\"${arguments[0]}\"]`)]" +
      ".map((e) => e.textContent.replace(/\\s+/g, ' ').trim());",
    args: [testid],
  });
}

export async function untilRow(s, testid, text) {
  await s.until(async () => (await rows(s, testid)).some((r) => r.includes(text)), `"${text}" in ${testid}`);
}

/** Picks the option whose label contains `text` (waits until the picker has it). */
export async function selectByText(s, css, text) {
  const value = await s.until(
    () =>
      s.cmd("POST", "/execute/sync", {
        script:
          "const el = document.querySelector(arguments[0]); if (!el) return null;" +
          "const o = [...el.options].find((o) => o.textContent.trim() === arguments[1])" +
          " ?? [...el.options].find((o) => o.textContent.includes(arguments[1]));" +
          "return o ? o.value : null;",
        args: [css, text],
      }),
    `option "${text}" in ${css}`,
  );
  await s.select(css, value);
}

/** Runs `script` (with `arguments[0]` = `arg`) in the page. */
export function page(s, script, arg) {
  return s.cmd("POST", "/execute/sync", { script, args: [arg] });
}

/** The finished test's verdict banner, or null while none is shown. */
export async function result(s) {
  return page(
    s,
    "const r = document.querySelector('[data-testid=\"test-result\"]');" +
      "return r ? { ok: r.dataset.ok, text: r.textContent.replace(/\\s+/g, ' ').trim() } : null;",
  );
}

export async function shot(s, name) {
  if (!process.env.SCREENSHOT_DIR) return;
  mkdirSync(process.env.SCREENSHOT_DIR, { recursive: true });
  writeFileSync(join(process.env.SCREENSHOT_DIR, name), await s.screenshot());
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

/** The text of the first element matching `css` (whitespace collapsed), or null. */
export async function text(s, css) {
  return page(
    s,
    "const el = document.querySelector(arguments[0]); return el ? el.textContent.replace(/\\s+/g, ' ').trim() : null;",
    css,
  );
}
