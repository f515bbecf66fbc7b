//! The OAuth2 grants, spoken by the `oauth2` crate over our HTTP client (`http.rs`:
//! the shared TLS configuration, redirects off, bounded): authorization code with PKCE,
//! device code, client credentials, refresh and revocation (RFC 7009). What stays ours: the
//! loopback listener and its `state` check, discovery, and the classification of every
//! provider error into a diagnosis (`classify`).

use super::http::{Http, HttpError, Polling};
use super::{classify, Discovered, OauthFailure, TokenResponse};
use crate::diag::DiagnosisCode;
use crate::sensitive::Secret;
use base64::Engine;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    EndpointMaybeSet, EndpointNotSet, ErrorResponseType, RequestTokenError, Scope,
    StandardErrorResponse, StandardRevocableToken, StandardTokenResponse, TokenResponse as _,
};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// A provider as the flows need it (endpoints, client, scopes, the HTTP client with the
/// CAs to trust), without database ids.
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
    pub http: Http,
}

/// What an ID token adds to a token answer (OpenID Connect).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct IdTokenFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}
impl oauth2::ExtraTokenFields for IdTokenFields {}

/// Microsoft adds its own instruction text to a device authorization.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct DeviceFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}
impl oauth2::ExtraDeviceAuthorizationFields for DeviceFields {}

type Token = StandardTokenResponse<IdTokenFields, BasicTokenType>;
type Client = oauth2::Client<
    BasicErrorResponse,
    Token,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointMaybeSet,
    EndpointMaybeSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

fn bad_url(url: &str, e: impl std::fmt::Display) -> OauthFailure {
    OauthFailure::new(DiagnosisCode::OauthEndpointWrong, "", format!("{url}: {e}"))
}

fn config_failure(e: oauth2::ConfigurationError) -> OauthFailure {
    let code = match e {
        oauth2::ConfigurationError::MissingUrl(_) => DiagnosisCode::OauthFlowUnavailable,
        _ => DiagnosisCode::OauthEndpointWrong,
    };
    OauthFailure::new(code, "", e.to_string())
}

fn endpoint<T>(
    url: &str,
    make: impl FnOnce(String) -> Result<T, url::ParseError>,
) -> Result<Option<T>, OauthFailure> {
    let url = url.trim();
    if url.is_empty() {
        return Ok(None);
    }
    make(url.to_string()).map(Some).map_err(|e| bad_url(url, e))
}

/// The oauth2 client for `cfg`: every endpoint it has, client authentication by HTTP Basic
/// for confidential clients (public clients send their id in the form).
fn client(cfg: &ProviderConfig) -> Result<Client, OauthFailure> {
    let c: Client = oauth2::Client::new(oauth2::ClientId::new(cfg.client_id.clone()))
        .set_auth_type(oauth2::AuthType::BasicAuth)
        .set_auth_uri_option(endpoint(&cfg.authorization_endpoint, oauth2::AuthUrl::new)?)
        .set_device_authorization_url_option(endpoint(
            &cfg.device_endpoint,
            oauth2::DeviceAuthorizationUrl::new,
        )?)
        .set_revocation_url_option(endpoint(
            &cfg.revocation_endpoint,
            oauth2::RevocationUrl::new,
        )?)
        .set_token_uri_option(endpoint(&cfg.token_endpoint, oauth2::TokenUrl::new)?);
    Ok(match &cfg.client_secret {
        Some(s) => c.set_client_secret(oauth2::ClientSecret::new(s.expose().to_string())),
        None => c,
    })
}

fn scopes(s: &str) -> impl Iterator<Item = Scope> + '_ {
    s.split_whitespace().map(|x| Scope::new(x.to_string()))
}

/// A failed grant request as a diagnosis: the provider's typed error (RFC 6749 §5.2,
/// RFC 8628 §3.5) classified for administrators, or what kept it from answering.
fn request_failure<T: ErrorResponseType + AsRef<str> + std::fmt::Display + 'static>(
    url: &str,
    e: RequestTokenError<HttpError, StandardErrorResponse<T>>,
) -> OauthFailure {
    match e {
        RequestTokenError::ServerResponse(r) => {
            let error = r.error().as_ref();
            let desc = r
                .error_description()
                .map(String::as_str)
                .unwrap_or_default();
            // Only the first line of a description: Microsoft appends trace and correlation ids.
            let first = desc.lines().next().unwrap_or_default().to_string();
            OauthFailure::new(classify(error, desc), error, first)
        }
        RequestTokenError::Request(HttpError(f)) => f,
        RequestTokenError::Parse(e, _) => OauthFailure::new(
            DiagnosisCode::OauthProviderError,
            "",
            format!("{url}: unexpected answer ({e})"),
        ),
        RequestTokenError::Other(s) => {
            OauthFailure::new(DiagnosisCode::OauthProviderError, "", format!("{url}: {s}"))
        }
    }
}

impl ProviderConfig {
    /// `f` without any credential of ours in it: a provider's answer may quote the request
    /// back (its Authorization header, its form body), and a failure goes to the screen, the
    /// test history and the transcript. `also`: the request's other secrets (a code, a
    /// refresh token), as sent and URL-encoded.
    fn clean(&self, mut f: OauthFailure, also: &[&str]) -> OauthFailure {
        use base64::Engine;
        let enc = |x: &str| url::form_urlencoded::byte_serialize(x.as_bytes()).collect::<String>();
        let mut forms: Vec<String> = Vec::new();
        let secret = self.client_secret.as_ref().map(|s| s.expose().as_str());
        for s in secret.iter().chain(also).filter(|s| !s.is_empty()) {
            forms.push(s.to_string());
            forms.push(enc(s));
        }
        if let Some(s) = secret {
            // HTTP Basic: base64 of id:secret, URL-encoded first (RFC 6749 §2.3.1) or not.
            for pair in [
                format!("{}:{s}", self.client_id),
                format!("{}:{}", enc(&self.client_id), enc(s)),
            ] {
                forms.push(base64::engine::general_purpose::STANDARD.encode(pair));
            }
        }
        forms.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let scrub = |text: &mut String| {
            for s in &forms {
                if text.contains(s.as_str()) {
                    *text = text.replace(s.as_str(), "[…]");
                }
            }
        };
        scrub(&mut f.error);
        scrub(&mut f.description);
        for e in &mut f.evidence {
            scrub(&mut e.value);
        }
        f
    }
}

fn token_from<T: ErrorResponseType + AsRef<str> + std::fmt::Display + 'static>(
    cfg: &ProviderConfig,
    also: &[&str],
    r: Result<Token, RequestTokenError<HttpError, StandardErrorResponse<T>>>,
) -> Result<TokenResponse, OauthFailure> {
    let url = &cfg.token_endpoint;
    let t = r.map_err(|e| cfg.clean(request_failure(url, e), also))?;
    if t.access_token().secret().is_empty() {
        return Err(OauthFailure::new(
            DiagnosisCode::OauthProviderError,
            "",
            format!("{url}: no access token in the answer"),
        ));
    }
    Ok(TokenResponse {
        access_token: Secret::new(t.access_token().secret().clone()),
        token_type: t.token_type().as_ref().to_string(),
        refresh_token: t.refresh_token().map(|r| Secret::new(r.secret().clone())),
        expires_in: t.expires_in().map(|d| d.as_secs()),
        scope: t
            .scopes()
            .map(|s| s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(" ")),
        id_token: t.extra_fields().id_token.clone(),
    })
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

/// Random URL-safe text for `state`.
fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).expect("OS random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

// ---- discovery --------------------------------------------------------------------------

/// Reads an OpenID Connect discovery document (the URL itself, or the issuer with
/// `/.well-known/openid-configuration` appended).
pub async fn discover(http: &Http, url: &str) -> Result<Discovered, OauthFailure> {
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
    let (status, bytes) = http.get_json(&url).await?;
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
    let (challenge, verifier) = oauth2::PkceCodeChallenge::new_random_sha256();
    let client = client(cfg)?.set_redirect_uri(
        oauth2::RedirectUrl::new(redirect_uri.clone()).map_err(|e| bad_url(&redirect_uri, e))?,
    );
    let mut req = client
        .authorize_url(|| oauth2::CsrfToken::new(state.clone()))
        .map_err(config_failure)?
        .add_scopes(scopes(&cfg.scopes))
        .set_pkce_challenge(challenge)
        // Consent again, so that offline_access (a refresh token) is granted.
        .add_extra_param("prompt", "consent");
    if !login_hint.trim().is_empty() {
        req = req.add_extra_param("login_hint", login_hint.trim());
    }
    let (url, _) = req.url();
    Ok(BrowserLogin {
        url: url.to_string(),
        redirect_uri,
        listener,
        state,
        verifier: verifier.secret().clone(),
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
        // A redirect with another `state` is refused and ignored, not an end: any local
        // process can send one, and it must not abort the administrator's sign-in. If the
        // right one never comes, the failure says that a foreign one did.
        let mut foreign_state = false;
        // Each connection is one browser request; a bounded number of stray ones
        // (favicon, prefetch, forged redirects) is answered and ignored.
        for _ in 0..64 {
            let left = deadline.saturating_duration_since(Instant::now());
            let accepted = tokio::select! {
                _ = cancel.cancelled() => return Err(OauthFailure::new(DiagnosisCode::OauthCancelled, "", "")),
                r = tokio::time::timeout(left, self.listener.accept()) => r,
            };
            let Ok(Ok((mut stream, _))) = accepted else {
                if foreign_state {
                    return Err(state_mismatch());
                }
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
            if !same_secret(get("state").as_deref().unwrap_or(""), &self.state) {
                answer(
                    &mut stream,
                    "400 Bad Request",
                    "Die Anmeldung gehört nicht zu dieser Sitzung. Bitte in Mailbox Admin erneut „Verbinden“ wählen.",
                    "This sign-in does not belong to this session. Choose \"Connect\" in Mailbox Admin again.",
                )
                .await;
                foreign_state = true;
                continue;
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
            let client = client(cfg)?.set_redirect_uri(
                oauth2::RedirectUrl::new(self.redirect_uri.clone())
                    .map_err(|e| bad_url(&self.redirect_uri, e))?,
            );
            let r = client
                .exchange_code(oauth2::AuthorizationCode::new(code.clone()))
                .map_err(config_failure)?
                .set_pkce_verifier(oauth2::PkceCodeVerifier::new(self.verifier.clone()))
                .request_async(&cfg.http)
                .await;
            return token_from(cfg, &[&code, &self.verifier], r);
        }
        if foreign_state {
            return Err(state_mismatch());
        }
        Err(OauthFailure::new(
            DiagnosisCode::OauthBrowserTimeout,
            "",
            "too many unrelated requests on the loopback address",
        ))
    }
}

fn state_mismatch() -> OauthFailure {
    OauthFailure::new(
        DiagnosisCode::OauthStateMismatch,
        "",
        "only redirects with another state arrived",
    )
}

/// Compares in time independent of where the texts differ (the `state` is a secret).
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
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
    details: oauth2::DeviceAuthorizationResponse<DeviceFields>,
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
    let details: oauth2::DeviceAuthorizationResponse<DeviceFields> = client(cfg)?
        .exchange_device_code()
        .map_err(config_failure)?
        .add_scopes(scopes(&cfg.scopes))
        .request_async(&cfg.http)
        .await
        .map_err(|e| cfg.clean(request_failure(url, e), &[]))?;
    Ok(DeviceLogin {
        user_code: details.user_code().secret().clone(),
        // oauth2 also reads Google's verification_url.
        verification_uri: details.verification_uri().to_string(),
        verification_uri_complete: details
            .verification_uri_complete()
            .map(|u| u.secret().clone()),
        expires_in: details.expires_in().as_secs().clamp(10, 3600),
        interval: details.interval().as_secs().clamp(1, 60),
        message: details.extra_fields().message.clone(),
        details,
    })
}

impl DeviceLogin {
    /// Polls the token endpoint at the provider's interval (slower after `slow_down`) until
    /// the user has signed in, the code expires, the provider cannot be reached, or `cancel`
    /// fires (RFC 8628 §3.4–3.5).
    pub async fn poll(
        &self,
        cfg: &ProviderConfig,
        cancel: &CancellationToken,
    ) -> Result<TokenResponse, OauthFailure> {
        let client = client(cfg)?;
        let polling = Polling::new(&cfg.http);
        let request = client
            .exchange_device_access_token(&self.details)
            .map_err(config_failure)?;
        let poll = request.request_async(
            &polling,
            tokio::time::sleep,
            Some(Duration::from_secs(self.expires_in)),
        );
        tokio::select! {
            _ = cancel.cancelled() => Err(OauthFailure::new(DiagnosisCode::OauthCancelled, "", "")),
            f = polling.failure() => Err(cfg.clean(f, &[self.details.device_code().secret()])),
            r = poll => token_from(cfg, &[self.details.device_code().secret()], r),
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
    let r = client(cfg)?
        .exchange_client_credentials()
        .map_err(config_failure)?
        .add_scopes(scopes(scope))
        .request_async(&cfg.http)
        .await;
    token_from(cfg, &[], r)
}

pub async fn refresh(
    cfg: &ProviderConfig,
    refresh_token: &Secret,
) -> Result<TokenResponse, OauthFailure> {
    let token = oauth2::RefreshToken::new(refresh_token.expose().to_string());
    let r = client(cfg)?
        .exchange_refresh_token(&token)
        .map_err(config_failure)?
        .request_async(&cfg.http)
        .await;
    token_from(cfg, &[refresh_token.expose()], r)
}

/// Revokes a token (RFC 7009); `hint` is `refresh_token` or `access_token`. `Ok(false)`:
/// the provider has no revocation endpoint.
pub async fn revoke(
    cfg: &ProviderConfig,
    token: &Secret,
    hint: &str,
) -> Result<bool, OauthFailure> {
    if cfg.revocation_endpoint.trim().is_empty() {
        return Ok(false);
    }
    let secret = token.expose().to_string();
    let token_secret = secret.clone();
    let token = if hint == "refresh_token" {
        StandardRevocableToken::RefreshToken(oauth2::RefreshToken::new(secret))
    } else {
        StandardRevocableToken::AccessToken(oauth2::AccessToken::new(secret))
    };
    client(cfg)?
        .revoke_token(token)
        .map_err(config_failure)?
        .request_async(&cfg.http)
        .await
        .map_err(|e| {
            let f = request_failure(&cfg.revocation_endpoint, e);
            cfg.clean(f, &[token_secret.as_str()])
        })?;
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
            http: Http::with_roots(&[]),
        };
        let login = browser_start(&cfg, "alice@example.test").await.unwrap();
        assert!(login.redirect_uri.starts_with("http://127.0.0.1:"));
        let u = url::Url::parse(&login.url).unwrap();
        let q: std::collections::HashMap<_, _> = u.query_pairs().into_owned().collect();
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["login_hint"], "alice@example.test");
        assert_eq!(q["redirect_uri"], login.redirect_uri);
        // A redirect with a foreign state is refused.
        let port = login
            .redirect_uri
            .split(':')
            .nth(2)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let send = |port: String, target: String| async move {
            let mut s = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}"))
                .await
                .unwrap();
            s.write_all(format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
                .await
                .unwrap();
            let mut answer = Vec::new();
            let _ = s.read_to_end(&mut answer).await;
            String::from_utf8_lossy(&answer).into_owned()
        };
        // A forged redirect (any local process can send one) is refused but does not end
        // the sign-in: the browser's genuine redirect after it is still redeemed.
        let state = q["state"].clone();
        let p = port.clone();
        let hit = tokio::spawn(async move {
            let forged = send(p.clone(), "/callback?code=x&state=forged".into()).await;
            let genuine = send(p, format!("/callback?code=x&state={state}")).await;
            (forged, genuine)
        });
        let r = login
            .finish(&cfg, &CancellationToken::new(), Duration::from_secs(5))
            .await;
        let (forged, genuine) = hit.await.unwrap();
        assert!(forged.starts_with("HTTP/1.1 400"), "{forged}");
        assert!(genuine.starts_with("HTTP/1.1 200"), "{genuine}");
        // The code was redeemed: the failure is the (unreachable) token endpoint's.
        assert_ne!(r.unwrap_err().code, DiagnosisCode::OauthStateMismatch);
        // Only forged redirects: the wait ends at its bound and says what arrived.
        let login = browser_start(&cfg, "").await.unwrap();
        let port = login
            .redirect_uri
            .split(':')
            .nth(2)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let hit = tokio::spawn(send(port, "/callback?code=x&state=forged".into()));
        let r = login
            .finish(&cfg, &CancellationToken::new(), Duration::from_millis(800))
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
