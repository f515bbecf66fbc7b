//! The HTTP(S) fetches of detection: reqwest on the project's one TLS configuration
//! (`crate::tls`: OS trust store + extra CAs), names resolved through the DNS layer (so a
//! split-horizon server, and the tests' dnsmasq, answer), no redirects by reqwest — the few
//! that are followed are followed here and judged (to another registrable domain: the result
//! is unconfirmed; to plain HTTP: refused unless allowed, then unconfirmed) — every answer
//! bounded in bytes and every request in time.

use crate::diag::DiagnosisCode;
use crate::dns::{Dns, DnsError};
use crate::tls::{FailedChains, TlsConfig};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

const MAX_REDIRECTS: usize = 3;

/// reqwest asks our DNS layer.
struct Resolver(Dns);

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let dns = self.0.clone();
        let name = name.as_str().to_string();
        Box::pin(async move {
            let ips = dns
                .ips(&name)
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            let addrs: reqwest::dns::Addrs = Box::new(
                ips.into_iter()
                    .map(|ip| std::net::SocketAddr::new(ip, 0))
                    .collect::<Vec<_>>()
                    .into_iter(),
            );
            Ok(addrs)
        })
    }
}

/// A document fetched, with how it got here.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub body: Vec<u8>,
    /// The URL that answered (after redirects).
    pub final_url: Url,
    /// Some hop was plain HTTP.
    pub plain_http: bool,
    /// A redirect went to another registrable domain: that domain.
    pub cross_domain: Option<String>,
}

/// Why a fetch gave nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchFailure {
    pub code: DiagnosisCode,
    /// Nothing is published there (404/410, the host does not exist): "not found" rather
    /// than a failure.
    pub absent: bool,
    pub detail: String,
}

impl FetchFailure {
    fn new(code: DiagnosisCode, detail: impl Into<String>) -> FetchFailure {
        FetchFailure {
            code,
            absent: false,
            detail: detail.into(),
        }
    }
    fn absent(detail: impl Into<String>) -> FetchFailure {
        FetchFailure {
            code: DiagnosisCode::DetectNotPublished,
            absent: true,
            detail: detail.into(),
        }
    }
}

#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    failed: Arc<FailedChains>,
    allow_http: bool,
    timeout: Duration,
}

impl Fetcher {
    pub fn new(
        tls: &TlsConfig,
        dns: &Dns,
        timeout: Duration,
        allow_http: bool,
    ) -> Result<Fetcher, String> {
        let (config, failed) = tls.https();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(config)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(Resolver(dns.clone())))
            .pool_max_idle_per_host(0)
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("MailboxAdmin/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Fetcher {
            client,
            failed,
            allow_http,
            timeout,
        })
    }

    /// GETs an XML document at `url`, following at most three redirects and judging them.
    pub async fn get_xml(&self, url: &Url, max_bytes: usize) -> Result<Fetched, FetchFailure> {
        let start_domain = registrable(url.host_str().unwrap_or_default());
        let mut current = url.clone();
        let mut plain_http = false;
        let mut cross_domain = None;
        for _ in 0..=MAX_REDIRECTS {
            if current.scheme() == "http" {
                if !self.allow_http {
                    return Err(FetchFailure::new(
                        DiagnosisCode::DetectInsecureRefused,
                        format!("{current}: plain HTTP is not allowed (general settings)"),
                    ));
                }
                plain_http = true;
            } else if current.scheme() != "https" {
                return Err(FetchFailure::new(
                    DiagnosisCode::DetectInsecureRefused,
                    format!("{current}: scheme {} refused", current.scheme()),
                ));
            }
            let resp = self
                .client
                .get(current.clone())
                .header(reqwest::header::ACCEPT, "application/xml, text/xml")
                .send()
                .await
                .map_err(|e| self.failure(&current, &e))?;
            let status = resp.status();
            if status.is_redirection() {
                let loc = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| {
                        FetchFailure::new(
                            DiagnosisCode::DetectUnreachable,
                            format!("{current}: HTTP {status} without Location"),
                        )
                    })?;
                let next = current.join(loc).map_err(|e| {
                    FetchFailure::new(
                        DiagnosisCode::DetectUnreachable,
                        format!("{current}: bad redirect {loc:?}: {e}"),
                    )
                })?;
                let to = registrable(next.host_str().unwrap_or_default());
                if to != start_domain {
                    cross_domain = Some(to);
                }
                current = next;
                continue;
            }
            let body = self.body(resp, &current, max_bytes).await?;
            return Ok(Fetched {
                body,
                final_url: current,
                plain_http,
                cross_domain,
            });
        }
        Err(FetchFailure::new(
            DiagnosisCode::DetectUnreachable,
            format!("{url}: more than {MAX_REDIRECTS} redirects"),
        ))
    }

    /// POSTs `body` (XML) to `url` — Exchange autodiscover —, HTTP Basic with `login` when
    /// given (over HTTPS only), no redirects followed.
    pub async fn post_xml(
        &self,
        url: &str,
        body: String,
        login: Option<(String, String)>,
    ) -> Result<Vec<u8>, FetchFailure> {
        let current = Url::parse(url).map_err(|e| {
            FetchFailure::new(DiagnosisCode::DetectUnreachable, format!("{url}: {e}"))
        })?;
        if current.scheme() != "https" {
            return Err(FetchFailure::new(
                DiagnosisCode::DetectInsecureRefused,
                format!("{url}: only HTTPS carries a password"),
            ));
        }
        let mut req = self
            .client
            .post(current.clone())
            .header(reqwest::header::CONTENT_TYPE, "text/xml")
            .body(body);
        if let Some((user, password)) = login {
            req = req.basic_auth(user, Some(password));
        }
        let resp = req.send().await.map_err(|e| self.failure(&current, &e))?;
        if resp.status().is_redirection() {
            return Err(FetchFailure::new(
                DiagnosisCode::DetectUnreachable,
                format!("{url}: HTTP {} (redirect not followed)", resp.status()),
            ));
        }
        self.body(resp, &current, super::xml::MAX_XML_BYTES).await
    }

    /// The XML body of a final answer: status, content type and size checked.
    async fn body(
        &self,
        resp: reqwest::Response,
        current: &Url,
        max_bytes: usize,
    ) -> Result<Vec<u8>, FetchFailure> {
        let status = resp.status();
        if status.as_u16() == 404 || status.as_u16() == 410 {
            return Err(FetchFailure::absent(format!("{current}: HTTP {status}")));
        }
        if !status.is_success() {
            return Err(FetchFailure::new(
                DiagnosisCode::DetectUnreachable,
                format!("{current}: HTTP {status}"),
            ));
        }
        let ctype = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !ctype.contains("xml") {
            return Err(FetchFailure::new(
                DiagnosisCode::DetectDocumentInvalid,
                format!("{current}: content type {ctype:?}, not XML"),
            ));
        }
        if resp
            .content_length()
            .is_some_and(|l| l as usize > max_bytes)
        {
            return Err(FetchFailure::new(
                DiagnosisCode::DetectDocumentTooLarge,
                format!(
                    "{current}: {} bytes announced, at most {max_bytes}",
                    resp.content_length().unwrap_or_default()
                ),
            ));
        }

        read_bounded(resp, max_bytes, current, self).await
    }

    fn failure(&self, url: &Url, e: &reqwest::Error) -> FetchFailure {
        let host = url.host_str().unwrap_or_default().to_string();
        if e.is_timeout() {
            return FetchFailure::new(
                DiagnosisCode::DetectTimeout,
                format!("{url}: no answer within {} ms", self.timeout.as_millis()),
            );
        }
        // The DNS layer's own error, if the name did not resolve.
        let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = src {
            if let Some(d) = s.downcast_ref::<DnsError>() {
                return if d.is_absent() {
                    FetchFailure::absent(format!("{url}: {d}"))
                } else if d.kind == crate::dns::DnsFailure::Timeout {
                    FetchFailure::new(DiagnosisCode::DetectTimeout, format!("{url}: {d}"))
                } else {
                    FetchFailure::new(DiagnosisCode::DetectUnreachable, format!("{url}: {d}"))
                };
            }
            src = s.source();
        }
        if let Some(t) = crate::tls::classify_error(e, &host, &self.failed) {
            return FetchFailure::new(
                DiagnosisCode::DetectUnreachable,
                format!("{url}: {} ({})", t.code, t.detail),
            );
        }
        FetchFailure::new(
            DiagnosisCode::DetectUnreachable,
            format!("{url}: {}", root_cause(e)),
        )
    }
}

async fn read_bounded(
    mut resp: reqwest::Response,
    max: usize,
    url: &Url,
    f: &Fetcher,
) -> Result<Vec<u8>, FetchFailure> {
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| f.failure(url, &e))? {
        if out.len() + chunk.len() > max {
            return Err(FetchFailure::new(
                DiagnosisCode::DetectDocumentTooLarge,
                format!("{url}: more than {max} bytes"),
            ));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        last = s.to_string();
        src = s.source();
    }
    last
}

/// The registrable domain (Public Suffix List) of a host, lower case; the host itself when
/// the list knows no suffix for it.
pub fn registrable(host: &str) -> String {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    psl::domain_str(&h).unwrap_or(&h).to_string()
}
