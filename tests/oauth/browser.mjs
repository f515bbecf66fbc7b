#!/usr/bin/env node
// A headless "user with a browser" for the test authorization server (provider.mjs): plain
// fetch, a small cookie jar, redirects followed by hand (at most 20 hops, 10 s per request).
//
//   node tests/oauth/browser.mjs authorize <authorization_url> <login> <password> [--deny]
//     Opens the authorization URL, signs in (or denies), and finally requests the redirect to
//     the client's loopback redirect_uri, so the app's listener receives code and state (or
//     error). Prints that final URL on stdout. Exit 0 when the redirect was delivered and
//     carries a code (with --deny: error=access_denied).
//
//   node tests/oauth/browser.mjs device <verification_uri[_complete]> <user_code> <login> <password> [--deny|--abort]
//     Enters the user code (unless the URL carries it), confirms, signs in and allows.
//     --deny refuses on the sign-in page, --abort on the code confirmation page. Prints
//     "approved" or "denied". Exit 0 when the outcome is the one asked for.
//
// Any other outcome (wrong password, unknown or expired code, an error page, a redirect
// loop, a server that does not answer) exits 1 with one line on stderr saying what was seen.
// Usage errors exit 2.

const MAX_HOPS = 20;
const MAX_PAGES = 10;
const REQUEST_TIMEOUT_MS = 10_000;
const TOTAL_TIMEOUT_MS = 60_000;

function fail(msg) {
  process.stderr.write(`browser: ${msg}\n`);
  process.exit(1);
}
function usage() {
  process.stderr.write(
    "usage: browser.mjs authorize <authorization_url> <login> <password> [--deny]\n" +
      "       browser.mjs device <verification_uri> <user_code> <login> <password> [--deny|--abort]\n",
  );
  process.exit(2);
}
setTimeout(() => fail(`gave up after ${TOTAL_TIMEOUT_MS / 1000} s`), TOTAL_TIMEOUT_MS).unref();

// ---- cookie jar (one host; name + path, Max-Age/Expires honoured) ----

const jar = new Map(); // `${path}\0${name}` -> { name, value, path, expires }
function storeCookies(res, url) {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(";");
    const eq = pair.indexOf("=");
    if (eq < 1) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let path = url.pathname.replace(/\/[^/]*$/, "") || "/";
    let expires;
    for (const a of attrs) {
      const [k, ...v] = a.split("=");
      const key = k.trim().toLowerCase();
      const val = v.join("=").trim();
      if (key === "path" && val.startsWith("/")) path = val;
      else if (key === "max-age") expires = Date.now() + Number(val) * 1000;
      else if (key === "expires" && expires === undefined) expires = Date.parse(val);
    }
    const key = `${path}\0${name}`;
    if (expires !== undefined && !(expires > Date.now())) jar.delete(key);
    else jar.set(key, { name, value, path, expires });
  }
}
function cookieHeader(url) {
  const p = url.pathname;
  const out = [];
  for (const [key, c] of jar) {
    if (c.expires !== undefined && c.expires <= Date.now()) {
      jar.delete(key);
      continue;
    }
    if (p === c.path || p.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`)) {
      out.push(`${c.name}=${c.value}`);
    }
  }
  return out.join("; ");
}

// ---- HTTP ----

async function request(url, { method = "GET", form } = {}) {
  const headers = { accept: "text/html", "user-agent": "mailbox-admin-test-browser" };
  const cookies = cookieHeader(url);
  if (cookies) headers.cookie = cookies;
  let body;
  if (form) {
    body = new URLSearchParams(form).toString();
    headers["content-type"] = "application/x-www-form-urlencoded";
  }
  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (e) {
    fail(`${method} ${url.origin}${url.pathname}: ${e.cause?.code ?? e.cause?.message ?? e.message}`);
  }
  storeCookies(res, url);
  return res;
}

// Follows redirects within the authorization server. Returns { page, url } for an HTML page,
// or { redirect } when a redirect leaves the server (the client's redirect_uri).
async function navigate(url, options, origin) {
  let res = await request(url, options);
  for (let hop = 0; ; hop++) {
    if (res.status >= 300 && res.status < 400 && res.headers.get("location")) {
      if (hop >= MAX_HOPS) fail(`more than ${MAX_HOPS} redirects, last to ${res.headers.get("location")}`);
      const next = new URL(res.headers.get("location"), url);
      await res.arrayBuffer().catch(() => {});
      if (next.origin !== origin) return { redirect: next };
      url = next;
      res = await request(url);
      continue;
    }
    const text = await res.text();
    return { page: text, url, status: res.status };
  }
}

// ---- HTML forms ----

const decode = (s) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39);/gi, (m, e) => {
    const l = e.toLowerCase();
    if (l.startsWith("#x")) return String.fromCodePoint(parseInt(l.slice(2), 16));
    if (l.startsWith("#")) return String.fromCodePoint(parseInt(l.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[l];
  });
function attrs(tag) {
  const out = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    out[m[1].toLowerCase()] = decode(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return out;
}
function forms(html) {
  const out = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const a = attrs(m[1]);
    const inputs = [...m[2].matchAll(/<input\b([^>]*)>/gi)].map((i) => attrs(i[1]));
    const buttons = [...m[2].matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)].map((b) => ({
      ...attrs(b[1]),
      text: b[2].replace(/<[^>]*>/g, "").trim(),
    }));
    out.push({ action: a.action ?? "", method: (a.method ?? "get").toLowerCase(), inputs, buttons });
  }
  return out;
}
const marker = (html, name) => {
  const m = new RegExp(`<[^>]*\\bdata-${name}="([^"]*)"[^>]*>([\\s\\S]*?)<`, "i").exec(html);
  return m ? { code: decode(m[1]), text: decode(m[2]).trim() } : undefined;
};
const title = (html) => (/<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? "").trim();

// Fields of a form as a browser submits them: inputs (not the buttons) plus the clicked one.
function fields(form, fill, button) {
  const out = [];
  for (const i of form.inputs) {
    if (!i.name || ["submit", "button", "image", "reset"].includes(i.type)) continue;
    out.push([i.name, Object.hasOwn(fill, i.name) ? fill[i.name] : (i.value ?? "")]);
  }
  if (button?.name) out.push([button.name, button.value ?? ""]);
  return out;
}
async function submit(pageUrl, form, fill, button, origin) {
  const action = new URL(form.action || pageUrl.href, pageUrl);
  const data = fields(form, fill, button);
  if (form.method === "post") return navigate(action, { method: "POST", form: data }, origin);
  for (const [k, v] of data) action.searchParams.append(k, v);
  return navigate(action, {}, origin);
}

// ---- the user ----

// Works through the pages of the server until a redirect leaves it or a final page shows.
async function act(start, { login, password, userCode, refuse }) {
  const origin = start.origin;
  let step = await navigate(start, {}, origin);
  let loggedIn = false;
  for (let n = 0; n < MAX_PAGES; n++) {
    if (step.redirect) return { redirect: step.redirect };
    const html = step.page;
    const result = marker(html, "result");
    if (result) return { result: result.code };
    const error = marker(html, "error");
    if (error) return { error };
    const fs = forms(html);
    const byButton = (name, value) => {
      for (const f of fs) {
        const b = f.buttons.find((x) => x.name === name && (value === undefined || x.value === value));
        if (b) return [f, b];
      }
      return undefined;
    };
    let next;
    if (fs.some((f) => f.inputs.some((i) => i.name === "password"))) {
      if (loggedIn) return { error: { code: "login_loop", text: "the sign-in page came back" } };
      loggedIn = true;
      const [f, b] = byButton("action", refuse === "deny" ? "deny" : "login") ?? fail("sign-in form without its buttons");
      next = submit(step.url, f, { login, password }, b, origin);
    } else if (byButton("action", "consent")) {
      const [f, b] = byButton("action", refuse === "deny" ? "deny" : "consent");
      next = submit(step.url, f, {}, b, origin);
    } else if (byButton("confirm")) {
      const [f, b] = refuse === "abort" ? (byButton("abort") ?? fail("confirmation without abort")) : byButton("confirm");
      next = submit(step.url, f, {}, b, origin);
    } else if (fs.some((f) => f.inputs.some((i) => i.name === "user_code" && i.type !== "hidden"))) {
      if (!userCode) fail("the server asks for a user code, none given");
      const f = fs.find((x) => x.inputs.some((i) => i.name === "user_code"));
      next = submit(step.url, f, { user_code: userCode }, f.buttons.find((b) => b.type !== "button"), origin);
    } else if (fs.length === 1 && fs[0].method === "post" && fs[0].inputs.every((i) => i.type === "hidden")) {
      // An auto-submitting form (form_post): what its script would do.
      next = submit(step.url, fs[0], {}, undefined, origin);
    } else {
      fail(`unexpected page "${title(html)}" (HTTP ${step.status}) at ${step.url.pathname}`);
    }
    step = await next;
  }
  fail(`no outcome after ${MAX_PAGES} pages`);
}

function parseUrl(s) {
  try {
    return new URL(s);
  } catch {
    fail(`not a URL: ${s}`);
  }
}

const [cmd, ...rest] = process.argv.slice(2);
const flags = new Set(rest.filter((a) => a.startsWith("--")));
const args = rest.filter((a) => !a.startsWith("--"));
for (const f of flags) if (!["--deny", "--abort"].includes(f)) usage();
const refuse = flags.has("--deny") ? "deny" : flags.has("--abort") ? "abort" : undefined;

if (cmd === "authorize") {
  if (args.length !== 3 || refuse === "abort") usage();
  const [authUrl, login, password] = args;
  const out = await act(parseUrl(authUrl), { login, password, refuse });
  if (out.error) fail(`${out.error.code}: ${out.error.text}`);
  if (!out.redirect) fail(`ended on a page (${out.result}) instead of a redirect to the client`);
  const target = out.redirect;
  process.stdout.write(`${target.href}\n`);
  // Deliver the redirect to the app's loopback listener; its answer does not matter.
  try {
    const res = await fetch(target, { redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await res.arrayBuffer().catch(() => {});
  } catch (e) {
    fail(
      `could not deliver the redirect to ${target.origin}${target.pathname}: ${e.cause?.code ?? e.cause?.message ?? e.message}`,
    );
  }
  const error = target.searchParams.get("error");
  if (refuse) {
    if (error !== "access_denied") fail(`expected error=access_denied, got ${error ?? "a code"}`);
  } else if (error) {
    fail(`authorization failed: ${error}: ${target.searchParams.get("error_description") ?? ""}`);
  } else if (!target.searchParams.get("code")) {
    fail("the redirect carries neither code nor error");
  }
  process.exit(0);
} else if (cmd === "device") {
  if (args.length !== 4) usage();
  const [uri, userCode, login, password] = args;
  const out = await act(parseUrl(uri), { login, password, userCode, refuse });
  if (out.redirect) fail(`unexpected redirect to ${out.redirect.href}`);
  if (out.result === "success") {
    if (refuse) fail("the device was approved although refusing was asked for");
    process.stdout.write("approved\n");
    process.exit(0);
  }
  if (out.error?.code === "aborted" && refuse) {
    process.stdout.write("denied\n");
    process.exit(0);
  }
  fail(out.error ? `${out.error.code}: ${out.error.text}` : `unexpected outcome ${out.result}`);
} else {
  usage();
}
