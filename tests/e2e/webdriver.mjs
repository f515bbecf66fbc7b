// A minimal W3C WebDriver client over fetch, enough to drive the real app window through
// tauri-driver (which forwards to WebKitWebDriver). No dependencies.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/** Starts tauri-driver on loopback and waits until it answers /status (bounded). The app
 * runs in `cwd` (where the window's downloads land). */
export async function startDriver({ cwd, capture = false, wrap = [], env } = {}) {
  const port = await freePort();
  const nativePort = await freePort();
  // `wrap`: a command the driver (and so the app it starts) runs under; `env`: its
  // environment (the app inherits it: WebDriver has no per-session environment).
  const [cmd, ...args] = [...wrap, "tauri-driver", "--port", String(port), "--native-port", String(nativePort)];
  // WebKitWebDriver's screenshot does not return while WebKitGTK renders without its GL
  // compositor (the app's default: src-tauri/src/window.rs, `rendering_defaults`); a run that
  // takes screenshots turns the compositor back on. The page is the same either way.
  let driverEnv = env ?? process.env;
  if (process.env.SCREENSHOT_DIR && driverEnv.WEBKIT_DISABLE_COMPOSITING_MODE === undefined)
    driverEnv = { ...driverEnv, WEBKIT_DISABLE_COMPOSITING_MODE: "0" };
  const proc = spawn(cmd, args, {
    stdio: ["ignore", capture ? "pipe" : "inherit", capture ? "pipe" : "inherit"],
    cwd,
    env: driverEnv,
  });
  // With `capture`: everything the driver and the app it starts print, kept for the test
  // (and still shown).
  const printed = [];
  if (capture) {
    for (const [from, to] of [[proc.stdout, process.stdout], [proc.stderr, process.stderr]]) {
      from.on("data", (chunk) => {
        printed.push(chunk);
        to.write(chunk);
      });
    }
  }
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok) return { base, stop: () => proc.kill(), printed: () => Buffer.concat(printed) };
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  proc.kill();
  throw new Error("tauri-driver did not start within 10 s");
}

async function call(base, method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json();
  if (!r.ok || (json.value && json.value.error)) {
    throw new Error(`${method} ${path}: ${JSON.stringify(json.value ?? json)}`);
  }
  return json.value;
}

export class Session {
  static async start(base, application, args = []) {
    const caps = {
      capabilities: {
        alwaysMatch: { "tauri:options": { application, args } },
      },
    };
    const v = await call(base, "POST", "/session", caps);
    const s = new Session(base, v.sessionId, args);
    return s;
  }
  constructor(base, id, args = []) {
    this.base = base;
    this.id = id;
    this.args = args;
  }
  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }
  /** Ends the session and waits (bounded) until the app it started has exited. A window
   * still running 10 s later is killed, with a warning: a leftover app holds the test
   * runner's output pipe open, and the whole run would never end. */
  async quit() {
    await this.cmd("DELETE", "");
    if (this.args.length === 0) return;
    const pattern = this.args.join(" ");
    const alive = () => spawnSync("pgrep", ["-f", "--", pattern]).status === 0;
    for (let i = 0; i < 100 && alive(); i++) await sleep(100);
    if (alive()) {
      console.warn(`the app (${pattern}) did not exit after its session ended: killing it`);
      spawnSync("pkill", ["-KILL", "-f", "--", pattern]);
    }
  }
  /** Waits (bounded) for a CSS selector and returns the element id. */
  async find(css, timeoutMs = 10000) {
    const end = Date.now() + timeoutMs;
    let last;
    while (Date.now() < end) {
      try {
        const v = await this.cmd("POST", "/element", { using: "css selector", value: css });
        return v[ELEMENT];
      } catch (e) {
        last = e;
        await sleep(100);
      }
    }
    throw new Error(`no element ${css} within ${timeoutMs} ms: ${last}`);
  }
  async findAll(css) {
    const v = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return v.map((e) => e[ELEMENT]);
  }
  async click(css) {
    await this.cmd("POST", `/element/${await this.find(css)}/click`, {});
  }
  async clear(css) {
    const id = await this.find(css);
    // A person scrolls to a field before editing it; WebKitWebDriver's Element Clear does
    // not scroll (a field below the fold is "not interactable").
    await this.cmd("POST", "/execute/sync", {
      script: "arguments[0].scrollIntoView({ block: 'center' });",
      args: [{ [ELEMENT]: id }],
    });
    await this.cmd("POST", `/element/${id}/clear`, {});
  }
  async type(css, text) {
    await this.cmd("POST", `/element/${await this.find(css)}/value`, { text });
  }
  async replace(css, text) {
    await this.clear(css);
    await this.type(css, text);
  }
  async text(elementId) {
    return this.cmd("GET", `/element/${elementId}/text`);
  }
  async value(css) {
    return this.cmd("GET", `/element/${await this.find(css)}/property/value`);
  }
  async select(css, value) {
    // Setting a <select> through script and dispatching change is what a user's pick does.
    await this.cmd("POST", "/execute/sync", {
      script:
        "const el = document.querySelector(arguments[0]); el.value = arguments[1];" +
        "el.dispatchEvent(new Event('change', { bubbles: true }));" +
        "el.dispatchEvent(new Event('input', { bubbles: true }));",
      args: [css, value],
    });
  }
  /** Polls `fn` until it returns a truthy value (bounded). */
  async until(fn, what, timeoutMs = 10000) {
    const end = Date.now() + timeoutMs;
    let last;
    while (Date.now() < end) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
  }
  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }
}

// ---- what the tests share: list rows, pickers, text, screenshots

/** The visible text of the list entries `testid` (whitespace collapsed). */
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

export async function text(s, css) {
  return s.cmd("POST", "/execute/sync", {
    script: "const el = document.querySelector(arguments[0]); return el ? el.textContent.replace(/\\s+/g, ' ').trim() : null;",
    args: [css],
  });
}

export async function shot(s, name) {
  if (!process.env.SCREENSHOT_DIR) return;
  mkdirSync(process.env.SCREENSHOT_DIR, { recursive: true });
  writeFileSync(join(process.env.SCREENSHOT_DIR, name), await s.screenshot());
}
