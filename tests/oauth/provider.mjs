#!/usr/bin/env node
// A real OAuth 2.0 / OpenID Connect authorization server for the tests (npm `oidc-provider`,
// major 8: the last one that supports Node.js 20), on 127.0.0.1 only, on a free port.
//
//   node tests/oauth/provider.mjs
//
// When it is ready it prints exactly one JSON line on stdout (issuer, port, endpoints, clients)
// and nothing else ever goes to stdout (logs go to stderr). It exits when its stdin closes (the
// parent test process went away) and on SIGTERM/SIGINT. All state is in memory.
//
// Users (login = e-mail address, password checked): the test users of
// crates/core/tests/support/servers.rs, or OAUTH_USERS='[{"name":"a@b","password":"…"}]'.
// Clients:
//   mailbox-admin          public native client (PKCE S256, any loopback port for
//                          http://127.0.0.1/callback), authorization code, refresh, device code
//   mailbox-admin-short    the same, but its access tokens live OAUTH_SHORT_TTL seconds (3)
//   mailbox-admin-service  confidential (client_secret_basic), client credentials; its tokens
//                          carry the e-mail of one service mailbox (OAUTH_SERVICE_EMAIL)
//   dovecot                confidential (client_secret_post), may only introspect
// Access tokens are opaque: only introspection tells what they are worth. Their lifetime is
// OAUTH_ACCESS_TTL seconds (3600).
//
// With OAUTH_TLS_CERT and OAUTH_TLS_KEY (PEM files) the same provider also answers over HTTPS
// on a second free port (`https_issuer` in the JSON line): discovery there names https
// endpoints. A client must trust the certificate's CA (the tests' company-CA case).

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";

// Exactly one line on stdout: oidc-provider prints its notices with console.info.
for (const level of ["log", "info", "debug", "warn", "trace"]) {
  console[level] = (...args) => console.error(...args);
}

const { default: Provider, errors } = await import("oidc-provider");

const HOST = "127.0.0.1";
const PUBLIC_CLIENT = "mailbox-admin";
const SHORT_CLIENT = "mailbox-admin-short";
const SERVICE_CLIENT = "mailbox-admin-service";
const SERVICE_SECRET = "Canary-Client-Secret-9fK2";
const INTROSPECTION_CLIENT = "dovecot";
const INTROSPECTION_SECRET = "Canary-Dovecot-Introspect-4hT7";
const REDIRECT_URI = "http://127.0.0.1/callback";
const MAIL_SCOPES = ["imap", "pop", "smtp"];
// Microsoft Graph permissions, for the Graph stand-in (tests/graph/standin.mjs): asked for
// like any scope, granted as asked, visible in introspection.
const GRAPH_SCOPES = ["Mail.Send", "Calendars.Read"];

function seconds(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a whole number of seconds >= 1, not ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}
const ACCESS_TTL = seconds("OAUTH_ACCESS_TTL", 3600);
const SHORT_TTL = seconds("OAUTH_SHORT_TTL", 3);
const DEVICE_INTERVAL = seconds("OAUTH_DEVICE_INTERVAL", 1);
const SERVICE_EMAIL = process.env.OAUTH_SERVICE_EMAIL || "carol@example.test";

// The same users and passwords as crates/core/tests/support/servers.rs (ALICE … DAVE).
const DEFAULT_USERS = [
  { name: "alice@example.test", password: 'Canary-Alice-"q"-7Qz\\x' },
  { name: "bob@example.test", password: "bob-Pw-20ZZ" },
  { name: "carol@example.test", password: "carol-Pw-31QQ" },
  { name: "dave@example.test", password: "dave-Pw-42RR" },
];
const userList = process.env.OAUTH_USERS ? JSON.parse(process.env.OAUTH_USERS) : DEFAULT_USERS;
// sub is deliberately not the e-mail address: Dovecot must map tokens by `email`.
const accounts = new Map();
for (const u of userList) {
  const email = String(u.name).toLowerCase();
  const local = email.split("@")[0];
  accounts.set(local, {
    sub: local,
    email,
    password: String(u.password),
    name: local.charAt(0).toUpperCase() + local.slice(1),
  });
}
const accountByEmail = (email) =>
  [...accounts.values()].find((a) => a.email === String(email).trim().toLowerCase());

// In-memory storage without eviction (the library's own one is an LRU of 1000 entries and warns).
const store = new Map();
const now = () => Date.now();
function storeGet(key) {
  const e = store.get(key);
  if (!e) return undefined;
  if (e.expiresAt !== undefined && e.expiresAt <= now()) {
    store.delete(key);
    return undefined;
  }
  return e.value;
}
function storeSet(key, value, expiresIn) {
  store.set(key, { value, expiresAt: expiresIn ? now() + expiresIn * 1000 : undefined });
}
setInterval(() => {
  for (const [k, e] of store) if (e.expiresAt !== undefined && e.expiresAt <= now()) store.delete(k);
}, 60_000).unref();
const GRANTABLE = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest",
]);
class MemoryAdapter {
  constructor(model) {
    this.model = model;
  }
  key(id) {
    return `${this.model}:${id}`;
  }
  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    if (this.model === "Session") storeSet(`sessionUid:${payload.uid}`, id, expiresIn);
    if (GRANTABLE.has(this.model) && payload.grantId) {
      const gk = `grant:${payload.grantId}`;
      const list = storeGet(gk) || [];
      list.push(key);
      storeSet(gk, list);
    }
    if (payload.userCode) storeSet(`userCode:${payload.userCode}`, id, expiresIn);
    storeSet(key, payload, expiresIn);
  }
  async find(id) {
    return storeGet(this.key(id));
  }
  async findByUid(uid) {
    const id = storeGet(`sessionUid:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }
  async findByUserCode(userCode) {
    const id = storeGet(`userCode:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }
  async consume(id) {
    const v = storeGet(this.key(id));
    if (v) v.consumed = Math.floor(now() / 1000);
  }
  async destroy(id) {
    store.delete(this.key(id));
  }
  async revokeByGrantId(grantId) {
    const gk = `grant:${grantId}`;
    for (const key of storeGet(gk) || []) store.delete(key);
    store.delete(gk);
  }
}

// ---- HTML (plain forms, no JavaScript; data-error / data-result mark outcomes) ----

const esc = (s) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );
const page = (title, body) => `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${esc(title)}</title></head>
<body>
<h1>${esc(title)}</h1>
${body}
</body>
</html>
`;
const errorLine = (code, text) => `<p class="error" data-error="${esc(code)}">${esc(text)}</p>`;

function loginPage(uid, params, { error, login } = {}) {
  return page(
    "Sign in",
    `<p>Client <strong id="client">${esc(params.client_id)}</strong> asks for
<span id="scope">${esc(params.scope || "")}</span>.</p>
${error ? errorLine("login_failed", error) : ""}
<form method="post" action="/interaction/${esc(uid)}">
<p><label>E-mail <input type="text" name="login" value="${esc(login ?? params.login_hint ?? "")}" autocomplete="username"></label></p>
<p><label>Password <input type="password" name="password" autocomplete="current-password"></label></p>
<p><button type="submit" name="action" value="login">Sign in and allow</button>
<button type="submit" name="action" value="deny">Deny</button></p>
</form>`,
  );
}

function consentPage(uid, params, account) {
  return page(
    "Allow access",
    `<p>Signed in as <strong id="account">${esc(account)}</strong>. Client
<strong id="client">${esc(params.client_id)}</strong> asks for
<span id="scope">${esc(params.scope || "")}</span>.</p>
<form method="post" action="/interaction/${esc(uid)}">
<p><button type="submit" name="action" value="consent">Allow</button>
<button type="submit" name="action" value="deny">Deny</button></p>
</form>`,
  );
}

const DEVICE_ERRORS = {
  NoCodeError: ["no_code", "Enter the code shown on your device."],
  NotFoundError: ["code_not_found", "The code you entered is unknown."],
  ExpiredError: ["code_expired", "The code you entered has expired."],
  AlreadyUsedError: ["code_used", "The code you entered has already been used."],
  AbortedError: ["aborted", "The sign-in request was denied."],
};

// ---- the provider ----

function configuration() {
  const clientBase = {
    application_type: "native",
    token_endpoint_auth_method: "none",
    grant_types: [
      "authorization_code",
      "refresh_token",
      "urn:ietf:params:oauth:grant-type:device_code",
    ],
    response_types: ["code"],
    // Native client: any port of this loopback URI is accepted (RFC 8252 section 7.3).
    redirect_uris: [REDIRECT_URI],
    scope: ["openid", "email", "profile", "offline_access", ...MAIL_SCOPES, ...GRAPH_SCOPES].join(" "),
  };
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    adapter: MemoryAdapter,
    clients: [
      { client_id: PUBLIC_CLIENT, client_name: "Mailbox Admin", ...clientBase },
      { client_id: SHORT_CLIENT, client_name: "Mailbox Admin (short-lived tokens)", ...clientBase },
      {
        client_id: SERVICE_CLIENT,
        client_name: "Mailbox Admin service",
        client_secret: SERVICE_SECRET,
        token_endpoint_auth_method: "client_secret_basic",
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        scope: [...MAIL_SCOPES, ...GRAPH_SCOPES].join(" "),
      },
      {
        client_id: INTROSPECTION_CLIENT,
        client_name: "Dovecot",
        client_secret: INTROSPECTION_SECRET,
        // Dovecot 2.3 sends client_id and client_secret in the POST body.
        token_endpoint_auth_method: "client_secret_post",
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: {
      keys: [{ ...privateKey.export({ format: "jwk" }), kid: "test-rs256", alg: "RS256", use: "sig" }],
    },
    cookies: {
      keys: [crypto.randomBytes(32).toString("base64url")],
      long: { httpOnly: true, sameSite: "lax" },
      short: { httpOnly: true, sameSite: "lax" },
    },
    clientBasedCORS: () => false,
    // Expiry is exact (the default tolerance of 15 s would keep expired tokens active).
    clockTolerance: 0,
    // Like Microsoft and Google: the ID token itself names the user (email,
    // preferred_username), so the client can show who consented without a userinfo call.
    conformIdTokenClaims: false,
    scopes: ["openid", "offline_access", "email", "profile", ...MAIL_SCOPES, ...GRAPH_SCOPES],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "preferred_username"],
    },
    responseTypes: ["code"],
    pkce: { methods: ["S256"], required: () => true },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: {
        enabled: true,
        charset: "base-20",
        mask: "****-****",
        userCodeInputSource,
        userCodeConfirmSource,
        successSource,
      },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // Only the resource server (Dovecot) may introspect, and only access tokens.
        allowedPolicy: async (ctx, client, token) =>
          client.clientId === INTROSPECTION_CLIENT && token.kind !== "RefreshToken",
      },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: false },
      resourceIndicators: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
    },
    async findAccount(ctx, sub) {
      const a = accounts.get(sub);
      if (!a) return undefined;
      return {
        accountId: a.sub,
        async claims() {
          return {
            sub: a.sub,
            email: a.email,
            email_verified: true,
            name: a.name,
            preferred_username: a.email,
          };
        },
      };
    },
    // What introspection returns beside active/scope/sub/client_id/exp: the mailbox the token
    // is for. User tokens: the signed-in account. Client credentials: fixed per client, never
    // taken from the token request.
    async extraTokenClaims(ctx, token) {
      if (token.kind === "ClientCredentials") {
        if (token.clientId === SERVICE_CLIENT) return { email: SERVICE_EMAIL, username: SERVICE_EMAIL };
        return undefined;
      }
      const a = token.accountId ? accounts.get(token.accountId) : undefined;
      return a ? { email: a.email, username: a.email } : undefined;
    },
    async issueRefreshToken(ctx, client, code) {
      return client.grantTypeAllowed("refresh_token") && code.scopes.has("offline_access");
    },
    ttl: {
      AccessToken: (ctx, token, client) => (client?.clientId === SHORT_CLIENT ? SHORT_TTL : ACCESS_TTL),
      ClientCredentials: () => ACCESS_TTL,
      AuthorizationCode: () => 60,
      DeviceCode: () => 600,
      IdToken: () => 3600,
      RefreshToken: () => 14 * 24 * 3600,
      Interaction: () => 3600,
      Session: () => 14 * 24 * 3600,
      Grant: () => 14 * 24 * 3600,
      BackchannelAuthenticationRequest: () => 600,
    },
    async renderError(ctx, out) {
      ctx.type = "html";
      ctx.body = page("Error", errorLine(out.error, out.error_description ?? out.error));
    },
  };
}

// Device flow pages: the library's forms, made plain (button inside the form, no script).
async function userCodeInputSource(ctx, form, out, err) {
  let message = "<p>Enter the code shown on your device.</p>";
  if (err) {
    const [code, text] = DEVICE_ERRORS[err.name] ?? ["error", "There was an error processing your request."];
    message = errorLine(code, text);
  }
  const plain = form
    .replace(/\s*onfocus="[^"]*"/g, "")
    .replace("</form>", '<button type="submit">Continue</button>\n</form>');
  ctx.type = "html";
  ctx.body = page("Device sign-in", `${message}\n${plain}`);
}

async function userCodeConfirmSource(ctx, form, client, deviceInfo, userCode) {
  // The submit buttons carry confirm / abort themselves.
  const plain = form
    .replace(/<input type="hidden" name="confirm" value="yes"\/>\n?/, "")
    .replace(
      "</form>",
      '<button type="submit" name="confirm" value="yes">Continue</button>\n' +
        '<button type="submit" name="abort" value="yes">Abort</button>\n</form>',
    );
  ctx.type = "html";
  ctx.body = page(
    "Confirm device",
    `<p>Client <strong id="client">${esc(client.clientId)}</strong> shows the code
<code id="user_code">${esc(userCode)}</code>. Continue only if your device shows the same code.</p>
${plain}`,
  );
}

async function successSource(ctx) {
  ctx.type = "html";
  ctx.body = page(
    "Sign-in complete",
    `<p data-result="success">The device of client ${esc(ctx.oidc.client.clientId)} is signed in. You may close this page.</p>`,
  );
}

// ---- our interaction pages: /interaction/:uid (GET shows, POST submits) ----

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > 64 * 1024) {
        reject(new Error("request body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res, status, html) {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
  });
  res.end(html);
}

async function interaction(provider, req, res, uid) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (e) {
    if (e instanceof errors.SessionNotFound) {
      return send(res, 400, page("Error", errorLine("session_not_found", e.error_description || e.message)));
    }
    throw e;
  }
  if (details.uid !== uid) {
    return send(res, 400, page("Error", errorLine("session_not_found", "interaction does not match its cookie")));
  }
  const { prompt, params } = details;

  if (req.method === "GET") {
    if (prompt.name === "login") return send(res, 200, loginPage(uid, params));
    if (prompt.name === "consent") {
      const a = accounts.get(details.session?.accountId);
      return send(res, 200, consentPage(uid, params, a?.email ?? details.session?.accountId));
    }
    return send(res, 501, page("Error", errorLine("not_implemented", `prompt ${prompt.name}`)));
  }
  if (req.method !== "POST") {
    res.writeHead(405, { allow: "GET, POST" });
    return res.end();
  }

  const form = new URLSearchParams(await readBody(req));
  const action = form.get("action");
  if (action === "deny") {
    return provider.interactionFinished(
      req,
      res,
      { error: "access_denied", error_description: "End-User denied the authorization request" },
      { mergeWithLastSubmission: false },
    );
  }
  if (action === "login" && prompt.name === "login") {
    const login = form.get("login") ?? "";
    const a = accountByEmail(login);
    if (!a || a.password !== (form.get("password") ?? "")) {
      return send(res, 200, loginPage(uid, params, { error: "Invalid e-mail address or password.", login }));
    }
    // Login and consent in one step: everything requested is granted (offline_access too).
    const grant = new provider.Grant({ accountId: a.sub, clientId: params.client_id });
    if (params.scope) grant.addOIDCScope(params.scope);
    return provider.interactionFinished(
      req,
      res,
      {
        login: { accountId: a.sub, amr: ["pwd"] },
        consent: { grantId: await grant.save() },
      },
      { mergeWithLastSubmission: false },
    );
  }
  if (action === "consent" && prompt.name === "consent") {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    if (missing.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(" "));
      }
    }
    return provider.interactionFinished(
      req,
      res,
      { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true },
    );
  }
  return send(res, 400, page("Error", errorLine("invalid_request", `unexpected action ${action} for prompt ${prompt.name}`)));
}

// ---- HTTP server: loopback only, free port ----

let handler = (req, res) => {
  res.writeHead(503);
  res.end();
};
const server = http.createServer((req, res) => handler(req, res));
server.on("clientError", (err, socket) => socket.destroy());
const tls =
  process.env.OAUTH_TLS_CERT && process.env.OAUTH_TLS_KEY
    ? https.createServer(
        { cert: fs.readFileSync(process.env.OAUTH_TLS_CERT), key: fs.readFileSync(process.env.OAUTH_TLS_KEY) },
        (req, res) => handler(req, res),
      )
    : undefined;
if (tls) {
  tls.on("clientError", (err, socket) => socket.destroy());
  tls.on("error", (err) => {
    console.error(`provider (https): ${err.message}`);
    process.exit(1);
  });
}
const listening = (srv) => new Promise((resolve) => srv.listen(0, HOST, () => resolve(srv.address().port)));
const tlsPort = tls ? listening(tls) : Promise.resolve(undefined);

server.listen(0, HOST, async () => {
  const { port } = server.address();
  const httpsPort = await tlsPort;
  const issuer = `http://${HOST}:${port}`;
  const provider = new Provider(issuer, configuration());
  provider.on("server_error", (ctx, err) => console.error("server_error", err));
  // RFC 8628: tell device clients how often to poll (the library leaves interval out).
  provider.on("device_authorization.success", (ctx, body) => {
    body.interval = DEVICE_INTERVAL;
  });
  const callback = provider.callback();

  handler = (req, res) => {
    const url = new URL(req.url, issuer);
    const m = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    if (m) {
      interaction(provider, req, res, m[1]).catch((err) => {
        console.error("interaction error", err);
        if (!res.headersSent) send(res, 500, page("Error", errorLine("server_error", "interaction failed")));
        else res.end();
      });
      return;
    }
    // OpenID Connect grants offline_access only with prompt=consent; like Microsoft's
    // endpoint, take offline_access in the scope as enough (our page always asks anyway).
    if (url.pathname === "/auth" && req.method === "GET") {
      const scope = url.searchParams.get("scope") ?? "";
      if (scope.split(" ").includes("offline_access") && !url.searchParams.has("prompt")) {
        url.searchParams.set("prompt", "consent");
        req.url = url.pathname + url.search;
      }
    }
    callback(req, res);
  };

  const endpoint = (path) => `${issuer}${path}`;
  process.stdout.write(
    `${JSON.stringify({
      issuer,
      port,
      https_issuer: httpsPort ? `https://${HOST}:${httpsPort}` : undefined,
      https_port: httpsPort,
      discovery: endpoint("/.well-known/openid-configuration"),
      authorization_endpoint: endpoint("/auth"),
      token_endpoint: endpoint("/token"),
      device_authorization_endpoint: endpoint("/device/auth"),
      revocation_endpoint: endpoint("/token/revocation"),
      introspection_endpoint: endpoint("/token/introspection"),
      userinfo_endpoint: endpoint("/me"),
      jwks_uri: endpoint("/jwks"),
      redirect_uri: REDIRECT_URI,
      access_ttl: ACCESS_TTL,
      short_ttl: SHORT_TTL,
      clients: {
        public: PUBLIC_CLIENT,
        short_lived: SHORT_CLIENT,
        service: { client_id: SERVICE_CLIENT, client_secret: SERVICE_SECRET, email: SERVICE_EMAIL },
        introspection: { client_id: INTROSPECTION_CLIENT, client_secret: INTROSPECTION_SECRET },
      },
      scopes: ["openid", "email", "profile", "offline_access", ...MAIL_SCOPES, ...GRAPH_SCOPES],
    })}\n`,
  );
});
server.on("error", (err) => {
  console.error(`provider: ${err.message}`);
  process.exit(1);
});

// Stop when the parent closes our stdin or goes away, or on a signal.
const stop = () => process.exit(0);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.on("error", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("SIGHUP", stop);
