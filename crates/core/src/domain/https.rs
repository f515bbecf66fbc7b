//! One bounded HTTPS GET for the domain check (the MTA-STS policy): the name resolved by
//! our `dns` (so a custom DNS server applies), the shared TLS configuration with the extra
//! CAs, no redirects (RFC 8461 §3.3), the answer bounded in bytes and time.

use crate::diag::{Evidence, EvidenceKey};
use crate::dns::Dns;
use crate::tls::TlsConfig;
use std::net::SocketAddr;
use std::time::Duration;

/// The body of a `200` answer as text with its media type (`text/plain`, parameters cut),
/// or what went wrong as evidence.
pub async fn get(
    dns: &Dns,
    extra_roots: &[String],
    host: &str,
    url: &str,
    timeout: Duration,
    max: usize,
) -> Result<(String, String), Vec<Evidence>> {
    let detail = |s: String| vec![Evidence::new(EvidenceKey::Detail, s)];
    let ips = dns
        .ips(host)
        .await
        .map_err(|e| vec![Evidence::new(EvidenceKey::ResolverSaid, e.to_string())])?;
    let addrs: Vec<SocketAddr> = ips.iter().map(|ip| SocketAddr::new(*ip, 443)).collect();
    let tls = TlsConfig::shared(extra_roots);
    let (config, failed) = tls.https();
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .redirect(reqwest::redirect::Policy::none())
        .resolve_to_addrs(host, &addrs)
        .pool_max_idle_per_host(0)
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("MailboxAdmin/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| detail(e.to_string()))?;
    let fail = |e: reqwest::Error| {
        if let Some(t) = crate::tls::classify_error(&e, host, &failed) {
            let mut ev = vec![Evidence::new(EvidenceKey::Problem, t.code.as_str())];
            ev.extend(t.evidence);
            return ev;
        }
        let what = if e.is_timeout() {
            format!("no answer within {} s", timeout.as_secs())
        } else {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(inner) = src {
                s = inner.to_string();
                src = inner.source();
            }
            s
        };
        detail(what)
    };
    let work = async {
        let mut resp = client.get(url).send().await.map_err(fail)?;
        let status = resp.status().as_u16();
        if status != 200 {
            let mut ev = vec![Evidence::new(
                EvidenceKey::ServerSaid,
                format!("HTTP {status}"),
            )];
            if let Some(loc) = resp.headers().get(reqwest::header::LOCATION) {
                ev.push(Evidence::new(
                    EvidenceKey::Detail,
                    format!("redirect to {} (not followed)", loc.to_str().unwrap_or("?")),
                ));
            }
            return Err(ev);
        }
        let media = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(fail)? {
            if body.len() + chunk.len() > max {
                return Err(detail(format!("answer larger than {max} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        let text =
            String::from_utf8(body).map_err(|_| detail("answer is not UTF-8 text".into()))?;
        Ok((text, media))
    };
    // reqwest's timeout covers the request; this bounds the whole exchange as well.
    tokio::time::timeout(timeout + Duration::from_millis(500), work)
        .await
        .unwrap_or_else(|_| Err(detail(format!("no answer within {} s", timeout.as_secs()))))
}
