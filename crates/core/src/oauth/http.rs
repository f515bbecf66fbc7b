//! The one HTTP client for OAuth providers: reqwest on the shared TLS configuration
//! (`crate::tls`: OS trust store plus the extra CAs), redirects off (a token endpoint that
//! redirects is an error, never followed), every request bounded in time and every answer
//! in size, built once per set of CAs and reused. oauth2 speaks the grants through it
//! (`AsyncHttpClient`); a TLS failure is classified like a mail server's (`tls.*`).

use super::{OauthFailure, HTTP_TIMEOUT, MAX_BODY};
use crate::diag::DiagnosisCode;
use crate::tls::{FailedChains, TlsConfig};
use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The HTTP client for one set of extra CAs. Cheap to clone.
#[derive(Clone)]
pub struct Http {
    inner: Result<(reqwest::Client, Arc<FailedChains>), String>,
    /// Bounds each request from start to the last byte of the answer.
    timeout: Duration,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http").finish_non_exhaustive()
    }
}

impl Http {
    /// The client trusting the OS trust store plus `extra` CAs (PEM), shared by every
    /// caller with the same CAs.
    pub fn with_roots(extra: &[String]) -> Http {
        Http::new(TlsConfig::shared(extra))
    }

    pub fn new(tls: Arc<TlsConfig>) -> Http {
        type Cache = Vec<(Arc<TlsConfig>, Http)>;
        static CACHE: Mutex<Cache> = Mutex::new(Vec::new());
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, h)) = cache.iter().find(|(t, _)| Arc::ptr_eq(t, &tls)) {
            return h.clone();
        }
        let (config, failed) = tls.https();
        let inner = reqwest::Client::builder()
            .tls_backend_preconfigured(config)
            .redirect(reqwest::redirect::Policy::none())
            // No idle connections: a pooled connection belongs to the async runtime that
            // opened it, and the CLI (and tests) run one runtime per operation; the client —
            // trust store, verifier, TLS configuration — is what is shared.
            .pool_max_idle_per_host(0)
            .timeout(HTTP_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("MailboxAdmin/", env!("CARGO_PKG_VERSION")))
            .build()
            .map(|c| (c, failed))
            .map_err(|e| e.to_string());
        let h = Http {
            inner,
            timeout: HTTP_TIMEOUT,
        };
        if cache.len() >= 16 {
            cache.remove(0);
        }
        cache.push((tls, h.clone()));
        h
    }

    /// The same client with every request bounded by `timeout` instead of `HTTP_TIMEOUT`.
    pub fn with_timeout(mut self, timeout: Duration) -> Http {
        self.timeout = timeout;
        self
    }

    fn parts(&self) -> Result<&(reqwest::Client, Arc<FailedChains>), OauthFailure> {
        self.inner
            .as_ref()
            .map_err(|e| OauthFailure::new(DiagnosisCode::OauthProviderError, "", e.clone()))
    }

    /// A failed request as a diagnosis: `tls.*` when the TLS handshake failed (with what
    /// the certificate says), else `oauth.provider_unreachable`.
    fn failure(&self, url: &str, e: &reqwest::Error) -> OauthFailure {
        let host = e
            .url()
            .and_then(|u| u.host_str().map(|h| h.trim_matches(['[', ']']).to_string()))
            .or_else(|| {
                url::Url::parse(url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
            })
            .unwrap_or_default();
        if let Ok((_, failed)) = &self.inner {
            if let Some(t) = crate::tls::classify_error(e, &host, failed) {
                let mut f = OauthFailure::new(t.code, "", format!("{url}: {}", t.detail));
                f.evidence = t.evidence;
                return f;
            }
        }
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

    /// Sends `req` (to `url`) and reads the answer up to `MAX_BODY` bytes: (status, content
    /// type, body).
    async fn send(
        &self,
        url: &str,
        req: reqwest::RequestBuilder,
    ) -> Result<(u16, Option<String>, Vec<u8>), OauthFailure> {
        let mut resp = req
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| self.failure(url, &e))?;
        let status = resp.status().as_u16();
        let ctype = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut out = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.failure(url, &e))? {
            if out.len() + chunk.len() > MAX_BODY {
                return Err(OauthFailure::new(
                    DiagnosisCode::OauthProviderError,
                    "",
                    format!("{url}: answer larger than {MAX_BODY} bytes"),
                ));
            }
            out.extend_from_slice(&chunk);
        }
        Ok((status, ctype, out))
    }

    /// GETs a JSON document (discovery): (status, body).
    pub(crate) async fn get_json(&self, url: &str) -> Result<(u16, Vec<u8>), OauthFailure> {
        let (client, _) = self.parts()?;
        let req = client.get(url).header("Accept", "application/json");
        let (status, _, body) = self.send(url, req).await?;
        Ok((status, body))
    }

    /// GETs a document over HTTPS (a published autoconfig file): (status, body).
    pub(crate) async fn get_text(&self, url: &str) -> Result<(u16, Vec<u8>), OauthFailure> {
        let (client, _) = self.parts()?;
        let req = client
            .get(url)
            .header("Accept", "application/xml, text/xml");
        let (status, _, body) = self.send(url, req).await?;
        Ok((status, body))
    }

    /// One request of an OAuth grant (what oauth2 hands to its HTTP client). An answer that
    /// is neither a success nor an OAuth error (RFC 6749 §5.2) — a redirect, an HTML error
    /// page — is reported here, with its status, instead of as unparsable JSON.
    async fn call_oauth(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (client, _) = self.parts().map_err(HttpError)?;
        let url = request.uri().to_string();
        let (parts, body) = request.into_parts();
        let mut req = client.request(parts.method, &url).body(body);
        for (name, value) in &parts.headers {
            req = req.header(name, value);
        }
        let (status, ctype, bytes) = self.send(&url, req).await.map_err(HttpError)?;
        if !(200..300).contains(&status) {
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            if v.get("error").and_then(|e| e.as_str()).is_none() {
                let code = if status == 404 {
                    DiagnosisCode::OauthEndpointWrong
                } else {
                    DiagnosisCode::OauthProviderError
                };
                return Err(HttpError(OauthFailure::new(
                    code,
                    "",
                    format!("{url}: HTTP {status}"),
                )));
            }
        }
        let mut resp = oauth2::http::Response::builder().status(status);
        if let Some(c) = ctype {
            resp = resp.header(oauth2::http::header::CONTENT_TYPE, c);
        }
        resp.body(bytes).map_err(|e| {
            HttpError(OauthFailure::new(
                DiagnosisCode::OauthProviderError,
                "",
                format!("{url}: {e}"),
            ))
        })
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cur: &dyn std::error::Error = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// A request that failed before the provider could answer, already classified.
#[derive(Debug)]
pub struct HttpError(pub OauthFailure);

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for HttpError {}

type BoxFuture<'c, T> = Pin<Box<dyn Future<Output = T> + Send + 'c>>;

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future = BoxFuture<'c, Result<HttpResponse, HttpError>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.call_oauth(request))
    }
}

/// The client for device code polling. oauth2 retries a request that failed without an
/// answer (with backoff, until the code expires); for an administrator a TLS or network
/// failure is the answer, so the first one is kept here and ends the polling.
pub(crate) struct Polling<'a> {
    pub http: &'a Http,
    pub failed: Mutex<Option<OauthFailure>>,
    pub notify: tokio::sync::Notify,
}

impl<'a> Polling<'a> {
    pub fn new(http: &'a Http) -> Polling<'a> {
        Polling {
            http,
            failed: Mutex::new(None),
            notify: tokio::sync::Notify::new(),
        }
    }

    /// The first failure, once there is one.
    pub async fn failure(&self) -> OauthFailure {
        loop {
            let notified = self.notify.notified();
            if let Some(f) = self
                .failed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
            {
                return f;
            }
            notified.await;
        }
    }
}

impl<'c> AsyncHttpClient<'c> for Polling<'_> {
    type Error = HttpError;
    type Future = BoxFuture<'c, Result<HttpResponse, HttpError>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let r = self.http.call_oauth(request).await;
            if let Err(e) = &r {
                let mut slot = self.failed.lock().unwrap_or_else(|e| e.into_inner());
                slot.get_or_insert_with(|| e.0.clone());
                drop(slot);
                self.notify.notify_waiters();
            }
            r
        })
    }
}
