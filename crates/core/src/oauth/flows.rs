//! The OAuth2 grants, spoken over HTTP with redirects switched off.

use super::{classify, Discovered, OauthFailure, TokenResponse, HTTP_TIMEOUT, MAX_BODY};
use crate::diag::DiagnosisCode;
use crate::sensitive::Secret;
use base64::Engine;
use sha2::Digest;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// A provider as the flows need it (endpoints, client, scopes), without database ids.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    pub client_id: String,
    /// Confidential clients only; sent with HTTP Basic authentication (RFC 6749 §2.3.1).
    pub client_secret: Option<Secret>,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub device_endpoint: String,
    pub revocation_endpoint: String,
    pub scopes: String,
    pub app_scopes: String,
}

fn unreachable_failure(url: &str, e: &reqwest::Error) -> OauthFailure {
    // reqwest's message names the URL; tokens are never in URLs we build.
    let what = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        format!("cannot connect: {}", root_cause(e))
    } else {
        root_cause(e)
    };
    OauthFailure::new(
        DiagnosisCode::OauthProviderUnreachable,
        "",
        format!("{url}: {what}"),
    )
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cur: &dyn std::error::Error = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn http() -> Result<reqwest::Client, OauthFailure> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(HTTP_TIMEOUT)
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("MailboxAdmin/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| OauthFailure::new(DiagnosisCode::OauthProviderError, "", e.to_string()))
}

/// Reads a response body up to `MAX_BODY` bytes.
async fn body(url: &str, mut resp: reqwest::Response) -> Result<(u16, Vec<u8>), OauthFailure> {
    let status = resp.status().as_u16();
    let mut out = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| unreachable_failure(url, &e))?
    {
        if out.len() + chunk.len() > MAX_BODY {
            return Err(OauthFailure::new(
                DiagnosisCode::OauthProviderError,
                "",
                format!("{url}: answer larger than {MAX_BODY} bytes"),
            ));
        }
        out.extend_from_slice(&chunk);
    }
    Ok((status, out))
}

/// The provider's error from a non-2xx answer (RFC 6749 §5.2), classified.
fn error_from(url: &str, status: u16, bytes: &[u8]) -> OauthFailure {
    let v: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
    let error = v.get("error").and_then(|e| e.as_str()).unwrap_or_default();
    let desc = v
        .get("error_description")
        .and_then(|e| e.as_str())
        .unwrap_or_default();
    if error.is_empty() {
        let code = if status == 404 {
            DiagnosisCode::OauthEndpointWrong
        } else {
            DiagnosisCode::OauthProviderError
        };
        return OauthFailure::new(code, "", format!("{url}: HTTP {status}"));
    }
    // Only the first line of a description: Microsoft appends trace and correlation ids.
    let first = desc.lines().next().unwrap_or_default().to_string();
    OauthFailure::new(classify(error, desc), error, first)
}

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// POSTs a form to `url` with client authentication; returns the JSON answer or the
/// classified provider error.
async fn post_form(
    cfg: &ProviderConfig,
    url: &str,
    params: &[(&str, &str)],
) -> Result<serde_json::Value, OauthFailure> {
    let mut form: Vec<(&str, &str)> = params.to_vec();
    let mut req = http()?.post(url).header("Accept", "application/json");
    match &cfg.client_secret {
        Some(secret) => {
            let basic = base64::engine::general_purpose::STANDARD.encode(format!(
                "{}:{}",
                form_encode(&cfg.client_id),
                form_encode(secret.expose())
            ));
            req = req.header("Authorization", format!("Basic {basic}"));
        }
        None => form.push(("client_id", cfg.client_id.as_str())),
    }
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form.iter())
        .finish();
    let resp = req
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(encoded)
        .send()
        .await
        .map_err(|e| unreachable_failure(url, &e))?;
    let (status, bytes) = body(url, resp).await?;
    if !(200..300).contains(&status) {
        return Err(error_from(url, status, &bytes));
    }
    if bytes.is_empty() {
        return Ok(serde_json::Value::Null);
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        OauthFailure::new(
            DiagnosisCode::OauthProviderError,
            "",
            format!("{url}: not JSON ({e})"),
        )
    })
}

fn token_from(url: &str, v: serde_json::Value) -> Result<TokenResponse, OauthFailure> {
    let t: TokenResponse = serde_json::from_value(v).map_err(|e| {
        OauthFailure::new(
            DiagnosisCode::OauthProviderError,
            "",
            format!("{url}: unexpected token answer ({e})"),
        )
    })?;
    if t.access_token.is_empty() {
        return Err(OauthFailure::new(
            DiagnosisCode::OauthProviderError,
            "",
            format!("{url}: no access token in the answer"),
        ));
    }
    Ok(t)
}

async fn token_request(
    cfg: &ProviderConfig,
    params: &[(&str, &str)],
) -> Result<TokenResponse, OauthFailure> {
    let url = &cfg.token_endpoint;
    token_from(url, post_form(cfg, url, params).await?)
}

fn need(endpoint: &str, what: &str) -> Result<(), OauthFailure> {
    if endpoint.trim().is_empty() {
        return Err(OauthFailure::new(
            DiagnosisCode::OauthFlowUnavailable,
            "",
            format!("the provider has no {what}"),
        ));
    }
    Ok(())
}

/// Random URL-safe text for `state` and the PKCE verifier (RFC 7636: 43–128 characters).
fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).expect("OS random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

// ---- discovery --------------------------------------------------------------------------

/// Reads an OpenID Connect discovery document (the URL itself, or the issuer with
/// `/.well-known/openid-configuration` appended).
pub async fn discover(url: &str) -> Result<Discovered, OauthFailure> {
    let url = url.trim();
    let url = if url.contains("/.well-known/") {
        url.to_string()
    } else {
        format!(
            "{}/.well-known/openid-configuration",
            url.trim_end_matches('/')
        )
    };
    if let Some(code) = crate::validate::url_problem(&url) {
        return Err(OauthFailure::new(
            DiagnosisCode::OauthEndpointWrong,
            "",
            format!("{url}: {code}"),
        ));
    }
    let resp = http()?
        .get(&url)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| unreachable_failure(&url, &e))?;
    let (status, bytes) = body(&url, resp).await?;
    if !(200..300).contains(&status) {
        return Err(OauthFailure::new(
            DiagnosisCode::OauthEndpointWrong,
            "",
            format!("{url}: HTTP {status}"),
        ));
    }
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        OauthFailure::new(
            DiagnosisCode::OauthEndpointWrong,
            "",
            format!("{url}: not a discovery document ({e})"),
        )
    })?;
    let s = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let d = Discovered {
        issuer: s("issuer"),
        authorization_endpoint: s("authorization_endpoint"),
        token_endpoint: s("token_endpoint"),
        device_endpoint: s("device_authorization_endpoint"),
        revocation_endpoint: s("revocation_endpoint"),
        scopes_supported: v
            .get("scopes_supported")
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    };
    if d.token_endpoint.is_empty() {
        return Err(OauthFailure::new(
            DiagnosisCode::OauthEndpointWrong,
            "",
            format!("{url}: no token_endpoint in the discovery document"),
        ));
    }
    Ok(d)
}

// ---- authorization code + PKCE ------------------------------------------------------------

/// A started browser sign-in: open `url` in the system browser, then `finish`.
pub struct BrowserLogin {
    pub url: String,
    pub redirect_uri: String,
    listener: TcpListener,
    state: String,
    verifier: String,
}

impl std::fmt::Debug for BrowserLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrowserLogin")
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

/// Listens on 127.0.0.1 with a random port and builds the authorization URL (PKCE S256,
/// a random `state`). `login_hint` pre-fills the account's address at the provider.
pub async fn browser_start(
    cfg: &ProviderConfig,
    login_hint: &str,
) -> Result<BrowserLogin, OauthFailure> {
    need(&cfg.authorization_endpoint, "authorization endpoint")?;
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| {
        OauthFailure::new(
            DiagnosisCode::OauthProviderError,
            "",
            format!("cannot listen on 127.0.0.1: {e}"),
        )
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| OauthFailure::new(DiagnosisCode::OauthProviderError, "", e.to_string()))?
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let state = random_token(24);
    let verifier = random_token(48);
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    let mut url = url::Url::parse(&cfg.authorization_endpoint).map_err(|e| {
        OauthFailure::new(
            DiagnosisCode::OauthEndpointWrong,
            "",
            format!("{}: {e}", cfg.authorization_endpoint),
        )
    })?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", &cfg.client_id)
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("scope", &cfg.scopes)
            .append_pair("state", &state)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            // Consent again, so that offline_access (a refresh token) is granted.
            .append_pair("prompt", "consent");
        if !login_hint.trim().is_empty() {
            q.append_pair("login_hint", login_hint.trim());
        }
    }
    Ok(BrowserLogin {
        url: url.to_string(),
        redirect_uri,
        listener,
        state,
        verifier,
    })
}

const CLOSE_PAGE: &str = "<!doctype html><meta charset=utf-8><title>Mailbox Admin</title>\
<body style=\"font-family:sans-serif;margin:3em\"><h1>Mailbox Admin</h1><p>{de}</p><p lang=en>{en}</p>";

async fn answer(stream: &mut tokio::net::TcpStream, status: &str, de: &str, en: &str) {
    let page = CLOSE_PAGE.replace("{de}", de).replace("{en}", en);
    let resp = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.write_all(resp.as_bytes())).await;
    let _ = stream.shutdown().await;
}

/// Reads one request head (bounded) and returns its request target.
async fn request_target(stream: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let read = async {
        loop {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.len() > 16 * 1024 {
                return Some(());
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .ok()??;
    let head = String::from_utf8_lossy(&buf);
    let line = head.lines().next()?;
    let mut parts = line.split_whitespace();
    (parts.next()? == "GET").then_some(())?;
    parts.next().map(str::to_string)
}

impl BrowserLogin {
    /// Waits (at most `wait`, or until cancelled) for the browser to come back to the
    /// loopback redirect, checks `state` and redeems the code.
    pub async fn finish(
        self,
        cfg: &ProviderConfig,
        cancel: &CancellationToken,
        wait: Duration,
    ) -> Result<TokenResponse, OauthFailure> {
        let deadline = Instant::now() + wait;
        // Each connection is one browser request; a bounded number of stray ones
        // (favicon, prefetch) is answered and ignored.
        for _ in 0..64 {
            let left = deadline.saturating_duration_since(Instant::now());
            let accepted = tokio::select! {
                _ = cancel.cancelled() => return Err(OauthFailure::new(DiagnosisCode::OauthCancelled, "", "")),
                r = tokio::time::timeout(left, self.listener.accept()) => r,
            };
            let Ok(Ok((mut stream, _))) = accepted else {
                return Err(OauthFailure::new(
                    DiagnosisCode::OauthBrowserTimeout,
                    "",
                    format!("no answer from the browser within {} s", wait.as_secs()),
                ));
            };
            let Some(target) = request_target(&mut stream).await else {
                continue;
            };
            let Ok(u) = url::Url::parse(&format!("http://127.0.0.1{target}")) else {
                continue;
            };
            if u.path() != "/callback" {
                answer(&mut stream, "404 Not Found", "", "").await;
                continue;
            }
            let get = |k: &str| {
                u.query_pairs()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.into_owned())
            };
            if get("state").as_deref() != Some(self.state.as_str()) {
                answer(
                    &mut stream,
                    "400 Bad Request",
                    "Die Anmeldung gehört nicht zu dieser Sitzung. Bitte in Mailbox Admin erneut „Verbinden“ wählen.",
                    "This sign-in does not belong to this session. Choose \"Connect\" in Mailbox Admin again.",
                )
                .await;
                return Err(OauthFailure::new(
                    DiagnosisCode::OauthStateMismatch,
                    "",
                    "the redirect carried another state",
                ));
            }
            if let Some(err) = get("error") {
                let desc = get("error_description").unwrap_or_default();
                answer(
                    &mut stream,
                    "200 OK",
                    "Die Anmeldung wurde nicht abgeschlossen. Details zeigt Mailbox Admin.",
                    "The sign-in was not completed. Mailbox Admin shows the details.",
                )
                .await;
                return Err(OauthFailure::new(classify(&err, &desc), &err, desc));
            }
            let Some(code) = get("code") else {
                answer(&mut stream, "400 Bad Request", "", "").await;
                continue;
            };
            answer(
                &mut stream,
                "200 OK",
                "Angemeldet. Dieses Fenster kann geschlossen werden; weiter in Mailbox Admin.",
                "Signed in. You can close this window and return to Mailbox Admin.",
            )
            .await;
            return token_request(
                cfg,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", &self.redirect_uri),
                    ("code_verifier", &self.verifier),
                ],
            )
            .await;
        }
        Err(OauthFailure::new(
            DiagnosisCode::OauthBrowserTimeout,
            "",
            "too many unrelated requests on the loopback address",
        ))
    }
}

// ---- device code ------------------------------------------------------------------------

/// A started device sign-in: show `user_code` and `verification_uri`, then `poll`.
#[derive(Clone)]
pub struct DeviceLogin {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: u64,
    pub interval: u64,
    /// The provider's own instruction text, if it sent one (Microsoft does).
    pub message: Option<String>,
    device_code: String,
}

impl std::fmt::Debug for DeviceLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceLogin")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .finish_non_exhaustive()
    }
}

pub async fn device_start(cfg: &ProviderConfig) -> Result<DeviceLogin, OauthFailure> {
    need(&cfg.device_endpoint, "device code endpoint")?;
    let url = &cfg.device_endpoint;
    let v = post_form(cfg, url, &[("scope", &cfg.scopes)]).await?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let n = |k: &str| {
        v.get(k).and_then(|x| {
            x.as_u64()
                .or_else(|| x.as_str().and_then(|s| s.parse().ok()))
        })
    };
    let (Some(device_code), Some(user_code)) = (s("device_code"), s("user_code")) else {
        return Err(OauthFailure::new(
            DiagnosisCode::OauthProviderError,
            "",
            format!("{url}: no device_code/user_code in the answer"),
        ));
    };
    Ok(DeviceLogin {
        user_code,
        // Google calls it verification_url.
        verification_uri: s("verification_uri")
            .or_else(|| s("verification_url"))
            .unwrap_or_default(),
        verification_uri_complete: s("verification_uri_complete"),
        expires_in: n("expires_in").unwrap_or(900).clamp(10, 3600),
        interval: n("interval").unwrap_or(5).clamp(1, 60),
        message: s("message"),
        device_code,
    })
}

impl DeviceLogin {
    /// Polls the token endpoint at the provider's interval until the user has signed in,
    /// the code expires, or `cancel` fires (RFC 8628 §3.4–3.5).
    pub async fn poll(
        &self,
        cfg: &ProviderConfig,
        cancel: &CancellationToken,
    ) -> Result<TokenResponse, OauthFailure> {
        let deadline = Instant::now() + Duration::from_secs(self.expires_in);
        let mut interval = Duration::from_secs(self.interval);
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return Err(OauthFailure::new(DiagnosisCode::OauthCancelled, "", "")),
                _ = tokio::time::sleep(interval) => {}
            }
            if Instant::now() > deadline {
                return Err(OauthFailure::new(
                    DiagnosisCode::OauthDeviceExpired,
                    "expired_token",
                    "",
                ));
            }
            let params = [
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("device_code", self.device_code.as_str()),
            ];
            let r = tokio::select! {
                _ = cancel.cancelled() => return Err(OauthFailure::new(DiagnosisCode::OauthCancelled, "", "")),
                r = token_request(cfg, &params) => r,
            };
            match r {
                Ok(t) => return Ok(t),
                Err(f) if f.error == "authorization_pending" => {}
                Err(f) if f.error == "slow_down" => interval += Duration::from_secs(5),
                Err(f) => return Err(f),
            }
        }
    }
}

// ---- client credentials, refresh, revocation ------------------------------------------

/// An app-only token (client credentials, RFC 6749 §4.4) with the provider's app scopes.
pub async fn client_credentials(cfg: &ProviderConfig) -> Result<TokenResponse, OauthFailure> {
    if cfg.client_secret.is_none() {
        return Err(OauthFailure::new(
            DiagnosisCode::OauthFlowUnavailable,
            "",
            "client credentials need the client secret",
        ));
    }
    let scope = crate::kinds::requested_scopes(
        crate::kinds::OauthFlow::ClientCredentials,
        &cfg.scopes,
        &cfg.app_scopes,
    );
    let mut params = vec![("grant_type", "client_credentials")];
    if !scope.trim().is_empty() {
        params.push(("scope", scope));
    }
    token_request(cfg, &params).await
}

pub async fn refresh(
    cfg: &ProviderConfig,
    refresh_token: &Secret,
) -> Result<TokenResponse, OauthFailure> {
    token_request(
        cfg,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ],
    )
    .await
}

/// Revokes a token (RFC 7009). `Ok(false)`: the provider has no revocation endpoint.
pub async fn revoke(
    cfg: &ProviderConfig,
    token: &Secret,
    hint: &str,
) -> Result<bool, OauthFailure> {
    if cfg.revocation_endpoint.trim().is_empty() {
        return Ok(false);
    }
    post_form(
        cfg,
        &cfg.revocation_endpoint,
        &[("token", token.expose()), ("token_type_hint", hint)],
    )
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_classified_for_administrators() {
        assert_eq!(
            classify(
                "invalid_grant",
                "AADSTS65001: The user or administrator has not consented to use the application"
            ),
            DiagnosisCode::OauthConsentMissing
        );
        assert_eq!(
            classify("invalid_grant", "AADSTS90094: Admin approval required"),
            DiagnosisCode::OauthAdminApproval
        );
        assert_eq!(
            classify("invalid_grant", "refresh token revoked"),
            DiagnosisCode::OauthTokenInvalid
        );
        assert_eq!(
            classify("invalid_scope", ""),
            DiagnosisCode::OauthScopeMissing
        );
        assert_eq!(
            classify("access_denied", ""),
            DiagnosisCode::OauthAccessDenied
        );
        assert_eq!(
            classify("invalid_client", ""),
            DiagnosisCode::OauthClientInvalid
        );
        assert_eq!(
            classify("expired_token", ""),
            DiagnosisCode::OauthDeviceExpired
        );
    }

    #[test]
    fn the_subject_comes_from_the_id_token() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"sub":"x1","email":"alice@example.test"}"#);
        let t = TokenResponse {
            access_token: "a".into(),
            id_token: Some(format!("e30.{payload}.sig")),
            ..Default::default()
        };
        assert_eq!(t.subject().as_deref(), Some("alice@example.test"));
        let none = TokenResponse::default();
        assert_eq!(none.subject(), None);
    }

    #[test]
    fn token_debug_hides_the_tokens() {
        let t = TokenResponse {
            access_token: "Canary-Access-Token".into(),
            refresh_token: Some("Canary-Refresh-Token".into()),
            ..Default::default()
        };
        let d = format!("{t:?}");
        assert!(!d.contains("Canary"), "{d}");
    }

    #[tokio::test]
    async fn the_loopback_redirect_checks_state_and_is_bounded() {
        let cfg = ProviderConfig {
            client_id: "c".into(),
            client_secret: None,
            authorization_endpoint: "http://127.0.0.1:9/authorize".into(),
            token_endpoint: "http://127.0.0.1:9/token".into(),
            device_endpoint: String::new(),
            revocation_endpoint: String::new(),
            scopes: "openid".into(),
            app_scopes: String::new(),
        };
        let login = browser_start(&cfg, "alice@example.test").await.unwrap();
        assert!(login.redirect_uri.starts_with("http://127.0.0.1:"));
        let u = url::Url::parse(&login.url).unwrap();
        let q: std::collections::HashMap<_, _> = u.query_pairs().into_owned().collect();
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["login_hint"], "alice@example.test");
        assert_eq!(q["redirect_uri"], login.redirect_uri);
        // A redirect with a foreign state is refused.
        let target = format!("{}?code=x&state=forged", login.redirect_uri);
        let hit = tokio::spawn(async move {
            let _ = reqwest::get(target).await;
        });
        let r = login
            .finish(&cfg, &CancellationToken::new(), Duration::from_secs(5))
            .await;
        hit.await.unwrap();
        assert_eq!(r.unwrap_err().code, DiagnosisCode::OauthStateMismatch);
        // Nobody comes back: the wait ends at its bound.
        let login = browser_start(&cfg, "").await.unwrap();
        let started = Instant::now();
        let r = login
            .finish(&cfg, &CancellationToken::new(), Duration::from_millis(300))
            .await;
        assert_eq!(r.unwrap_err().code, DiagnosisCode::OauthBrowserTimeout);
        assert!(started.elapsed() < Duration::from_secs(3));
    }
}
