#!/usr/bin/env node
// A local stand-in for the few Microsoft Graph endpoints Mailbox Admin calls (Graph is a
// proprietary cloud: the tests cannot reach it). HTTPS with the test CA's certificate on a
// loopback address, no dependencies beyond Node.js 20.
//
//   GRAPH_TLS_CERT=good.crt GRAPH_TLS_KEY=good.key \
//   GRAPH_INTROSPECTION_URL=http://127.0.0.1:PORT/token/introspection \
//   GRAPH_INTROSPECTION_CLIENT=dovecot GRAPH_INTROSPECTION_SECRET=… \
//   GRAPH_MAILBOXES='["alice@example.test", …]' node tests/graph/standin.mjs
//
// It checks what the real service checks, with the tests' REAL authorization server
// (tests/oauth/provider.mjs): every bearer token is introspected there (no cache); an
// inactive or missing token is 401 InvalidAuthenticationToken. A delegated token (it has a
// `sub`: a signed-in user) acts only for its own mailbox (its `email`); an application token
// (client credentials, no `sub`) for any mailbox — unless GRAPH_APP_POLICY lists the
// mailboxes an application access policy lets it reach. The permission is the token's
// scope: `Mail.Send` to send, `Calendars.Read` to read calendars.
//
// Optional environment: GRAPH_HOST (127.0.0.1), GRAPH_REST_DISABLED (JSON list of mailboxes
// answering MailboxNotEnabledForRESTAPI, like on-premises or soft-deleted ones),
// GRAPH_APP_POLICY (JSON list, see above), GRAPH_EVENTS (JSON object: mailbox → list of
// events for calendarView).
//
// When ready it prints exactly one JSON line on stdout ({"url": "https://HOST:PORT", "port":
// N}); logs go to stderr. It exits when its stdin closes and on SIGTERM/SIGINT.
//
// Endpoints (add one by adding a line to ROUTES):
//   GET  /v1.0/users/{id}                       the user (mailbox) — 404 when unknown
//   POST /v1.0/users/{id}/sendMail              202; the message is recorded
//   GET  /v1.0/users/{id}/calendars             the mailbox's calendars
//   GET  /v1.0/users/{id}/calendarView          ?startDateTime=&endDateTime= events
//   GET  /v1.0/me                               the token's user
// and, for the tests only (no token): GET /_standin/sent (recorded mails, JSON list),
// GET /_standin/requests (method, path, status of each request so far).

import * as fs from "node:fs";
import * as https from "node:https";

for (const level of ["log", "info", "debug", "warn", "trace"]) {
  console[level] = (...args) => console.error(...args);
}

const env = (name, fallback) => {
  const v = process.env[name];
  if (v === undefined || v === "") {
    if (fallback === undefined) {
      console.error(`standin: ${name} is required`);
      process.exit(2);
    }
    return fallback;
  }
  return v;
};
const jsonEnv = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  try {
    return JSON.parse(raw);
  } catch (e) {
    console.error(`standin: ${name} is not JSON: ${e.message}`);
    process.exit(2);
  }
};

const HOST = env("GRAPH_HOST", "127.0.0.1");
const INTROSPECTION_URL = env("GRAPH_INTROSPECTION_URL");
const INTROSPECTION_CLIENT = env("GRAPH_INTROSPECTION_CLIENT");
const INTROSPECTION_SECRET = env("GRAPH_INTROSPECTION_SECRET");
const lower = (s) => String(s).trim().toLowerCase();
const MAILBOXES = new Map(
  jsonEnv("GRAPH_MAILBOXES", []).map((m) => {
    const mail = lower(typeof m === "string" ? m : m.mail);
    const local = mail.split("@")[0];
    const displayName = (typeof m === "object" && m.displayName) || local.charAt(0).toUpperCase() + local.slice(1);
    return [mail, { mail, displayName, id: `00000000-0000-4000-8000-${Buffer.from(mail).toString("hex").slice(0, 12).padEnd(12, "0")}` }];
  }),
);
const REST_DISABLED = new Set(jsonEnv("GRAPH_REST_DISABLED", []).map(lower));
const APP_POLICY = process.env.GRAPH_APP_POLICY ? new Set(jsonEnv("GRAPH_APP_POLICY", []).map(lower)) : undefined;
const EVENTS = jsonEnv("GRAPH_EVENTS", {});

const sent = [];
const requests = [];

// ---- Graph's answers (the shapes and texts of the real service) ----

function graphError(status, code, message) {
  return {
    status,
    body: {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString().slice(0, 19), "request-id": crypto.randomUUID() },
      },
    },
  };
}
const unauthenticated = (why) => graphError(401, "InvalidAuthenticationToken", why);
const accessDenied = () => graphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
const policyDenied = () =>
  graphError(
    403,
    "ErrorAccessDenied",
    "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.",
  );
const userNotFound = (id) =>
  graphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
const invalidUser = (id) => graphError(404, "ErrorInvalidUser", `The requested user '${id}' is invalid.`);
const restDisabled = () =>
  graphError(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.");

// ---- tokens: introspected at the real authorization server ----

async function introspect(token) {
  const body = new URLSearchParams({
    token,
    client_id: INTROSPECTION_CLIENT,
    client_secret: INTROSPECTION_SECRET,
  });
  const r = await fetch(INTROSPECTION_URL, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!r.ok) throw new Error(`introspection answered HTTP ${r.status}`);
  return r.json();
}

/** Who the request acts as, or the 401 to answer. */
async function caller(req) {
  const auth = req.headers.authorization ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  if (!m) return { error: unauthenticated("Access token is empty.") };
  const info = await introspect(m[1]);
  if (!info.active) return { error: unauthenticated("Access token validation failure. Invalid audience.") };
  const scopes = new Set(String(info.scope ?? "").split(/\s+/).filter(Boolean));
  // Client credentials: no signed-in user.
  const app = !info.sub;
  return { app, email: info.email ? lower(info.email) : undefined, scopes, clientId: info.client_id };
}

/** Whether `who` may act on mailbox `id` at all (before any permission is looked at). */
function reach(who, id) {
  const mail = lower(id);
  if (who.app) {
    if (APP_POLICY && !APP_POLICY.has(mail)) return policyDenied();
    return undefined;
  }
  if (who.email !== mail) return accessDenied();
  return undefined;
}

function mailbox(id, notFound) {
  const mail = lower(id);
  const m = MAILBOXES.get(mail);
  if (!m) return { error: notFound(id) };
  if (REST_DISABLED.has(mail)) return { error: restDisabled() };
  return { mailbox: m };
}

const userJson = (m) => ({
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
  id: m.id,
  displayName: m.displayName,
  mail: m.mail,
  userPrincipalName: m.mail,
});

// ---- the endpoints: one line each ----

const ROUTES = [
  ["GET", /^\/v1\.0\/me$/, me],
  ["GET", /^\/v1\.0\/users\/([^/]+)$/, getUser],
  ["POST", /^\/v1\.0\/users\/([^/]+)\/sendMail$/, sendMail],
  ["GET", /^\/v1\.0\/users\/([^/]+)\/calendars$/, calendars],
  ["GET", /^\/v1\.0\/users\/([^/]+)\/calendarView$/, calendarView],
];

async function me(req, who) {
  if (who.app) {
    return graphError(400, "BadRequest", "/me request is only valid with delegated authentication flow.");
  }
  const { mailbox: m, error } = mailbox(who.email ?? "", userNotFound);
  return error ?? { status: 200, body: userJson(m) };
}

async function getUser(req, who, id) {
  // Reading another user needs User.Read.All; a delegated token here has only its own.
  if (!who.app && who.email !== lower(id)) {
    return graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  }
  const { mailbox: m, error } = mailbox(id, userNotFound);
  return error ?? { status: 200, body: userJson(m) };
}

async function sendMail(req, who, id, body) {
  const denied = reach(who, id);
  if (denied) return denied;
  if (!who.scopes.has("Mail.Send")) return accessDenied();
  const { error } = mailbox(id, invalidUser);
  if (error) return error;
  let doc;
  try {
    doc = JSON.parse(body);
  } catch {
    return graphError(400, "RequestBodyRead", "Unable to read JSON request payload.");
  }
  const msg = doc?.message;
  const to = msg?.toRecipients?.map((r) => r?.emailAddress?.address).filter(Boolean) ?? [];
  if (!msg || to.length === 0) {
    return graphError(400, "ErrorInvalidRecipients", "At least one recipient is not valid.");
  }
  for (const h of msg.internetMessageHeaders ?? []) {
    if (!/^x-/i.test(String(h?.name ?? ""))) {
      return graphError(
        400,
        "InvalidInternetMessageHeader",
        `The internet message header name '${h?.name}' should start with 'x-' or 'X-'.`,
      );
    }
  }
  sent.push({
    from: lower(id),
    by: who.app ? `app:${who.clientId}` : who.email,
    to,
    subject: msg.subject ?? "",
    body: msg.body ?? null,
    headers: msg.internetMessageHeaders ?? [],
    saveToSentItems: doc.saveToSentItems ?? true,
  });
  return { status: 202, body: undefined };
}

async function calendars(req, who, id) {
  const denied = reach(who, id);
  if (denied) return denied;
  if (!who.scopes.has("Calendars.Read")) return accessDenied();
  const { error } = mailbox(id, invalidUser);
  if (error) return error;
  return {
    status: 200,
    body: { value: [{ id: "AAMkCalendar", name: "Calendar", isDefaultCalendar: true, canEdit: true }] },
  };
}

async function calendarView(req, who, id, _body, url) {
  const denied = reach(who, id);
  if (denied) return denied;
  if (!who.scopes.has("Calendars.Read")) return accessDenied();
  const { error } = mailbox(id, invalidUser);
  if (error) return error;
  const start = url.searchParams.get("startDateTime");
  const end = url.searchParams.get("endDateTime");
  if (!start || !end) {
    return graphError(400, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
  }
  return { status: 200, body: { value: EVENTS[lower(id)] ?? [] } };
}

// ---- the server ----

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > 4 * 1024 * 1024) {
        reject(new Error("request body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function answer(res, { status, body }) {
  if (body === undefined) {
    res.writeHead(status, { "content-length": "0" });
    return res.end();
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function handle(req, res) {
  const url = new URL(req.url, `https://${HOST}`);
  const body = await readBody(req);
  if (req.method === "GET" && url.pathname === "/_standin/sent") return answer(res, { status: 200, body: sent });
  if (req.method === "GET" && url.pathname === "/_standin/requests") return answer(res, { status: 200, body: requests });
  let out;
  const route = ROUTES.find(([method, re]) => method === req.method && re.test(url.pathname));
  if (!route) {
    out = graphError(400, "Request_BadRequest", `Unsupported segment type. ODataQuery: ${url.pathname.slice(1)}`);
  } else {
    const who = await caller(req);
    if (who.error) out = who.error;
    else {
      const m = route[1].exec(url.pathname);
      out = await route[2](req, who, decodeURIComponent(m[1] ?? ""), body, url);
    }
  }
  requests.push({ method: req.method, path: url.pathname, status: out.status });
  answer(res, out);
}

const server = https.createServer(
  { cert: fs.readFileSync(env("GRAPH_TLS_CERT")), key: fs.readFileSync(env("GRAPH_TLS_KEY")) },
  (req, res) => {
    handle(req, res).catch((err) => {
      console.error("standin error", err);
      if (!res.headersSent) answer(res, graphError(500, "generalException", "An unknown error has occurred."));
      else res.end();
    });
  },
);
server.on("clientError", (err, socket) => socket.destroy());
server.on("error", (err) => {
  console.error(`standin: ${err.message}`);
  process.exit(1);
});
server.listen(0, HOST, () => {
  const { port } = server.address();
  process.stdout.write(`${JSON.stringify({ url: `https://${HOST}:${port}`, port })}\n`);
});

const stop = () => process.exit(0);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.on("error", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("SIGHUP", stop);
