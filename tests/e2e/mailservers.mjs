// The test mail servers for end-to-end tests: the `mailservers` example (Dovecot, Postfix,
// the OAuth server; with `--domains` also dnsmasq and nginx for detection and the domain
// check), started once per test file and stopped by closing its stdin.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const root = resolve(import.meta.dirname, "../..");
const MAILSERVERS = process.env.E2E_MAILSERVERS ?? join(root, "target/debug/examples/mailservers");

/**
 * Starts the test mail servers and reads the one JSON line they print (bounded: Dovecot and
 * Postfix with fresh certificates take a few seconds). They run until stdin closes.
 */
export async function startMailServers(args = []) {
  if (!existsSync(MAILSERVERS)) {
    throw new Error(
      `${MAILSERVERS} missing: build it with \`cargo build -p mailbox-admin-core --example mailservers\` or set E2E_MAILSERVERS`,
    );
  }
  const proc = spawn(MAILSERVERS, args, { stdio: ["pipe", "pipe", "inherit"] });
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
