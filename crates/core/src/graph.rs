//! Microsoft Graph, as far as a connection test of a Microsoft 365 outgoing server that sends
//! "via Graph" needs it: the mailbox (`GET /v1.0/users/{address}`), the permission the token
//! names (its `scp`/`roles` claims, read only to explain — Graph decides), and `sendMail`.
//! HTTPS through reqwest on the shared TLS configuration (`crate::tls`: OS trust store plus
//! extra CAs), redirects off, every request bounded in time and every answer in size. Graph's
//! error answers become `graph.*` (or `oauth.wrong_user`) diagnoses.
//!
//! The base URL is `https://graph.microsoft.com` unless `MAILBOX_ADMIN_GRAPH_URL` names
//! another (a national cloud, or the tests' local stand-in).

use crate::diag::{DiagnosisCode, Evidence, EvidenceKey};
use crate::sensitive::Secret;
use crate::tls::{FailedChains, TlsConfig};
use std::sync::Arc;
use std::time::Duration;

/// The environment variable that replaces Graph's base URL.
pub const GRAPH_URL_ENV: &str = "MAILBOX_ADMIN_GRAPH_URL";
/// Microsoft Graph (global service).
pub const DEFAULT_GRAPH_URL: &str = "https://graph.microsoft.com";
/// The permission that allows `sendMail`.
pub const MAIL_SEND: &str = "Mail.Send";
/// The most a Graph answer may be; the ones read here are a few hundred bytes.
const MAX_BODY: usize = 256 * 1024;

/// Graph's base URL: `MAILBOX_ADMIN_GRAPH_URL` (https only) or the global service.
pub fn base_url() -> Result<String, String> {
    match std::env::var(GRAPH_URL_ENV) {
        Ok(v) if !v.trim().is_empty() => check_base(&v),
        _ => Ok(DEFAULT_GRAPH_URL.to_string()),
    }
}

/// A base URL as given, checked: https, a host, nothing after the path.
pub fn check_base(raw: &str) -> Result<String, String> {
    let u = url::Url::parse(raw.trim()).map_err(|e| format!("{GRAPH_URL_ENV}: {e}"))?;
    if u.scheme() != "https" {
        return Err(format!("{GRAPH_URL_ENV} must be an https URL, not {raw:?}"));
    }
    if u.host_str().is_none() || u.query().is_some() || u.fragment().is_some() {
        return Err(format!("{GRAPH_URL_ENV}: not a base URL: {raw:?}"));
    }
    Ok(u.as_str().trim_end_matches('/').to_string())
}

/// The host of a base URL (for the token-host check and the report).
pub fn host_of(base: &str) -> String {
    url::Url::parse(base)
        .ok()
        .and_then(|u| u.host_str().map(|h| h.trim_matches(['[', ']']).to_string()))
        .unwrap_or_default()
}

/// What a token says about itself, when it is a JWT (Microsoft's are; others are opaque).
/// Read without checking the signature: only to explain a refusal, never to decide.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenClaims {
    /// Delegated permissions (`scp`, space-separated in the token).
    pub scopes: Vec<String>,
    /// Application permissions (`roles`).
    pub roles: Vec<String>,
    /// The signed-in user (`upn`, `preferred_username`, `email`, `unique_name`).
    pub user: Option<String>,
    /// The resource the token is for (`aud`).
    pub audience: Option<String>,
}

impl TokenClaims {
    /// The claims of a JWT access token; `None` for an opaque token.
    pub fn of(token: &str) -> Option<TokenClaims> {
        let mut parts = token.split('.');
        let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let bytes = base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            payload.trim_end_matches('='),
        )
        .ok()?;
        let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        let scopes = v
            .get("scp")
            .and_then(|s| s.as_str())
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let roles = v
            .get("roles")
            .and_then(|r| r.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let user = ["upn", "preferred_username", "email", "unique_name"]
            .iter()
            .find_map(|k| v.get(k).and_then(|x| x.as_str()))
            .map(str::to_string);
        let audience = match v.get("aud") {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Array(a)) => {
                a.first().and_then(|x| x.as_str()).map(str::to_string)
            }
            _ => None,
        };
        Some(TokenClaims {
            scopes,
            roles,
            user,
            audience,
        })
    }

    /// An app-only token (application permissions, no user).
    pub fn is_app(&self) -> bool {
        self.scopes.is_empty() && !self.roles.is_empty()
    }

    /// Every permission named, delegated and application.
    pub fn permissions(&self) -> Vec<String> {
        self.scopes.iter().chain(&self.roles).cloned().collect()
    }
}

/// Whether a list of permissions or scopes (`Mail.Send`, `https://graph.microsoft.com/Mail.Send`)
/// includes `wanted` (case-insensitive, as Entra ID compares them).
pub fn grants(permissions: &[String], wanted: &str) -> bool {
    permissions.iter().any(|p| {
        let last = p.rsplit('/').next().unwrap_or(p);
        last.eq_ignore_ascii_case(wanted)
    })
}

/// A Graph request that did not succeed, classified.
#[derive(Debug, Clone)]
pub struct GraphFailure {
    pub code: DiagnosisCode,
    pub evidence: Vec<Evidence>,
}

impl GraphFailure {
    fn new(code: DiagnosisCode) -> GraphFailure {
        GraphFailure {
            code,
            evidence: Vec::new(),
        }
    }
    fn with(mut self, key: EvidenceKey, value: impl Into<String>) -> GraphFailure {
        self.evidence.push(Evidence::new(key, value));
        self
    }
}

/// Graph's error code and message to a diagnosis. `delegated`: the token is a user's (a
/// refusal to read another user's mailbox then means the token is for someone else).
pub fn classify(status: u16, code: &str, message: &str, delegated: bool) -> DiagnosisCode {
    let m = message.to_ascii_lowercase();
    if status == 401 || code == "InvalidAuthenticationToken" {
        return DiagnosisCode::GraphTokenRejected;
    }
    if m.contains("access to odata is disabled")
        || m.contains("accesspolicy")
        || m.contains("access policy")
        || m.contains("not allowed to access mailbox")
    {
        return DiagnosisCode::GraphAccessPolicy;
    }
    match code {
        "ErrorInvalidUser"
        | "MailboxNotEnabledForRESTAPI"
        | "Request_ResourceNotFound"
        | "ResourceNotFound"
        | "ErrorNonExistentMailbox" => return DiagnosisCode::GraphMailboxNotFound,
        "ErrorSendAsDenied" => return DiagnosisCode::OauthWrongUser,
        "Authorization_RequestDenied" if delegated => return DiagnosisCode::OauthWrongUser,
        _ => {}
    }
    match status {
        403 => DiagnosisCode::GraphPermissionMissing,
        404 => DiagnosisCode::GraphMailboxNotFound,
        408 | 429 | 500..=599 => DiagnosisCode::GraphUnavailable,
        _ => DiagnosisCode::GraphError,
    }
}

/// The user (mailbox) as Graph shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphUser {
    pub display_name: String,
    pub mail: String,
}

/// A test mail for `sendMail`.
#[derive(Debug, Clone)]
pub struct GraphMail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// `X-…` headers (Graph refuses others).
    pub headers: Vec<(String, String)>,
}

/// The Graph client of one test. Cheap to build: the TLS configuration is shared.
pub struct Graph {
    client: Result<(reqwest::Client, Arc<FailedChains>), String>,
    base: String,
    timeout: Duration,
}

impl Graph {
    /// A client for Graph at `base`, trusting the OS trust store plus `extra_roots` (PEM).
    pub fn new(base: &str, extra_roots: &[String], timeout: Duration) -> Graph {
        let (config, failed) = TlsConfig::shared(extra_roots).https();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(config)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(0)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("MailboxAdmin/", env!("CARGO_PKG_VERSION")))
            .build()
            .map(|c| (c, failed))
            .map_err(|e| e.to_string());
        Graph {
            client,
            base: base.trim_end_matches('/').to_string(),
            timeout,
        }
    }

    /// `{base}/v1.0/users/{address}[/{tail}]`, the address as one path segment.
    pub fn user_url(&self, address: &str, tail: &[&str]) -> String {
        let mut u = match url::Url::parse(&self.base) {
            Ok(u) => u,
            Err(_) => return self.base.clone(),
        };
        if let Ok(mut seg) = u.path_segments_mut() {
            seg.pop_if_empty().push("v1.0").push("users").push(address);
            for t in tail {
                seg.push(t);
            }
        }
        u.to_string()
    }

    /// `GET /v1.0/users/{address}`: the mailbox exists and the token may read it.
    pub async fn user(
        &self,
        token: &Secret,
        address: &str,
        delegated: bool,
    ) -> Result<GraphUser, GraphFailure> {
        let url = self.user_url(address, &[]);
        let (status, body) = self
            .send(&url, |c| c.get(&url).bearer_auth(token.expose()))
            .await?;
        if status != 200 {
            return Err(refusal(&url, status, &body, delegated));
        }
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let text = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        Ok(GraphUser {
            display_name: text("displayName"),
            mail: text("mail"),
        })
    }

    /// `POST /v1.0/users/{address}/sendMail` (not kept in Sent Items): the HTTP status (202).
    pub async fn send_mail(
        &self,
        token: &Secret,
        address: &str,
        mail: &GraphMail,
        delegated: bool,
    ) -> Result<u16, GraphFailure> {
        let url = self.user_url(address, &["sendMail"]);
        let headers: Vec<serde_json::Value> = mail
            .headers
            .iter()
            .map(|(n, v)| serde_json::json!({ "name": n, "value": v }))
            .collect();
        let mut message = serde_json::json!({
            "subject": mail.subject,
            "body": { "contentType": "Text", "content": mail.body },
            "toRecipients": [ { "emailAddress": { "address": mail.to } } ],
        });
        if !headers.is_empty() {
            message["internetMessageHeaders"] = serde_json::Value::Array(headers);
        }
        let doc = serde_json::json!({ "message": message, "saveToSentItems": false });
        let (status, body) = self
            .send(&url, |c| {
                c.post(&url)
                    .bearer_auth(token.expose())
                    .header("Content-Type", "application/json")
                    .body(doc.to_string())
            })
            .await?;
        if !(200..300).contains(&status) {
            return Err(refusal(&url, status, &body, delegated));
        }
        Ok(status)
    }

    /// `GET url` (a Graph URL, e.g. from `user_url`): the JSON answer of a 200, else Graph's
    /// refusal as a diagnosis.
    pub async fn get_json(
        &self,
        token: &Secret,
        url: &str,
        delegated: bool,
    ) -> Result<serde_json::Value, GraphFailure> {
        let (status, body) = self
            .send(url, |c| c.get(url).bearer_auth(token.expose()))
            .await?;
        if status != 200 {
            return Err(refusal(url, status, &body, delegated));
        }
        serde_json::from_slice(&body).map_err(|e| {
            GraphFailure::new(DiagnosisCode::GraphError)
                .with(EvidenceKey::Url, url)
                .with(EvidenceKey::Problem, format!("not JSON: {e}"))
        })
    }

    async fn send(
        &self,
        url: &str,
        build: impl FnOnce(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<(u16, Vec<u8>), GraphFailure> {
        let (client, failed) = self.client.as_ref().map_err(|e| {
            GraphFailure::new(DiagnosisCode::GraphError).with(EvidenceKey::Problem, e.clone())
        })?;
        let req = build(client)
            .header("Accept", "application/json")
            .timeout(self.timeout);
        let fail = |e: reqwest::Error| {
            let host = host_of(url);
            if let Some(t) = crate::tls::classify_error(&e, &host, failed) {
                let mut f = GraphFailure::new(t.code).with(EvidenceKey::Url, url);
                f.evidence.extend(t.evidence);
                return f;
            }
            GraphFailure::new(DiagnosisCode::GraphUnavailable)
                .with(EvidenceKey::Url, url)
                .with(
                    EvidenceKey::Problem,
                    if e.is_timeout() {
                        "timed out".to_string()
                    } else {
                        root_cause(&e)
                    },
                )
        };
        let mut resp = req.send().await.map_err(fail)?;
        let status = resp.status().as_u16();
        let mut out = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(fail)? {
            if out.len() + chunk.len() > MAX_BODY {
                return Err(GraphFailure::new(DiagnosisCode::GraphError)
                    .with(EvidenceKey::Url, url)
                    .with(
                        EvidenceKey::Problem,
                        format!("answer larger than {MAX_BODY} bytes"),
                    ));
            }
            out.extend_from_slice(&chunk);
        }
        Ok((status, out))
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cur: &dyn std::error::Error = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// A Graph error answer (`{"error": {"code", "message"}}`) as a failure with its evidence.
fn refusal(url: &str, status: u16, body: &[u8], delegated: bool) -> GraphFailure {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let code = v
        .pointer("/error/code")
        .and_then(|c| c.as_str())
        .unwrap_or("")
        .to_string();
    let message = v
        .pointer("/error/message")
        .and_then(|c| c.as_str())
        .unwrap_or("")
        .chars()
        .take(500)
        .collect::<String>();
    let mut f = GraphFailure::new(classify(status, &code, &message, delegated))
        .with(EvidenceKey::Url, url)
        .with(EvidenceKey::StatusCode, format!("HTTP {status}"));
    if !code.is_empty() {
        f = f.with(EvidenceKey::ServerError, code);
    }
    if !message.is_empty() {
        f = f.with(EvidenceKey::ServerSaid, message);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: serde_json::Value) -> String {
        use base64::Engine;
        let e = |v: &serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        format!(
            "{}.{}.c2ln",
            e(&serde_json::json!({"alg": "RS256", "typ": "JWT"})),
            e(&claims)
        )
    }

    #[test]
    fn delegated_and_application_permissions_are_read_from_a_jwt() {
        let t = jwt(serde_json::json!({
            "aud": "https://graph.microsoft.com",
            "scp": "Mail.Send User.Read",
            "upn": "anna@firma.de"
        }));
        let c = TokenClaims::of(&t).unwrap();
        assert_eq!(c.scopes, ["Mail.Send", "User.Read"]);
        assert!(!c.is_app());
        assert_eq!(c.user.as_deref(), Some("anna@firma.de"));
        assert!(grants(&c.permissions(), MAIL_SEND));

        let app = TokenClaims::of(&jwt(serde_json::json!({"roles": ["Mail.ReadWrite"]}))).unwrap();
        assert!(app.is_app());
        assert!(!grants(&app.permissions(), MAIL_SEND));
        // An opaque token has no claims to read.
        assert_eq!(TokenClaims::of("opaque-token-value"), None);
        assert!(grants(
            &["https://graph.microsoft.com/Mail.Send".to_string()],
            "mail.send"
        ));
    }

    #[test]
    fn graphs_error_answers_map_to_their_diagnoses() {
        use DiagnosisCode::*;
        let c = |s, code, msg, d| classify(s, code, msg, d);
        assert_eq!(
            c(
                401,
                "InvalidAuthenticationToken",
                "Access token validation failure. Invalid audience.",
                true
            ),
            GraphTokenRejected
        );
        assert_eq!(
            c(
                403,
                "ErrorAccessDenied",
                "Access is denied. Check credentials and try again.",
                false
            ),
            GraphPermissionMissing
        );
        assert_eq!(
            c(
                403,
                "ErrorAccessDenied",
                "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.",
                false
            ),
            GraphAccessPolicy
        );
        assert_eq!(
            c(
                404,
                "ErrorInvalidUser",
                "The requested user 'x' is invalid.",
                false
            ),
            GraphMailboxNotFound
        );
        assert_eq!(
            c(404, "MailboxNotEnabledForRESTAPI", "", false),
            GraphMailboxNotFound
        );
        assert_eq!(
            c(
                403,
                "Authorization_RequestDenied",
                "Insufficient privileges",
                true
            ),
            OauthWrongUser
        );
        assert_eq!(
            c(
                403,
                "Authorization_RequestDenied",
                "Insufficient privileges",
                false
            ),
            GraphPermissionMissing
        );
        assert_eq!(c(503, "ServiceNotAvailable", "", false), GraphUnavailable);
        assert_eq!(c(400, "BadRequest", "", false), GraphError);
    }

    #[test]
    fn the_base_url_is_https_only_and_the_address_one_path_segment() {
        assert!(check_base("http://graph.example").is_err());
        assert_eq!(
            check_base("https://127.0.0.1:8443/").unwrap(),
            "https://127.0.0.1:8443"
        );
        let g = Graph::new("https://graph.microsoft.com", &[], Duration::from_secs(5));
        assert_eq!(
            g.user_url("a/b?c@firma.de", &["sendMail"]),
            "https://graph.microsoft.com/v1.0/users/a%2Fb%3Fc@firma.de/sendMail"
        );
    }
}
