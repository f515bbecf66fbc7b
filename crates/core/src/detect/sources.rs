//! The sources of detection, one function each; `run` dispatches by kind. Each ends with a
//! `SourceEnd`: found (with its trust) or why not.

use super::http::{registrable, FetchFailure, Fetched};
use super::xml::{self, ClientConfig};
use super::{
    Ctx, DetectTrust, DetectedAuth, DetectedProtocol, DetectedServer, Found, KnownProvider,
    SourceEnd, SourceKind, SourceStatus, UnconfirmedReason, UsernameForm,
};
use crate::diag::DiagnosisCode;
use crate::dns::DnsFailure;
use crate::kinds::Security;
use std::time::Duration;
use url::Url;

/// What the source asks, for the list shown while it runs.
pub(super) fn target(ctx: &Ctx, kind: SourceKind) -> String {
    let d = &ctx.address.ascii_domain;
    match kind {
        SourceKind::Override | SourceKind::Preset => d.clone(),
        SourceKind::Autoconfig | SourceKind::WellKnown => own_url(ctx, kind, "https"),
        SourceKind::AutoconfigHttp => own_url(ctx, SourceKind::Autoconfig, "http"),
        SourceKind::WellKnownHttp => own_url(ctx, SourceKind::WellKnown, "http"),
        SourceKind::Ispdb => ispdb_url(ctx, d).map(|u| u.to_string()).unwrap_or_default(),
        SourceKind::Mx => format!("MX {d}"),
        SourceKind::Srv => format!("_imaps._tcp.{d} …"),
        SourceKind::Exchange => format!("https://autodiscover.{d}/autodiscover/autodiscover.xml"),
        SourceKind::Guess => format!("imap.{d}, smtp.{d}, mail.{d}, {d} …"),
    }
}

/// The address's own autoconfig URL of `kind` (Autoconfig or WellKnown) over `scheme`.
fn own_url(ctx: &Ctx, kind: SourceKind, scheme: &str) -> String {
    let d = &ctx.address.ascii_domain;
    let mut u = if kind == SourceKind::Autoconfig {
        format!("{scheme}://autoconfig.{d}/mail/config-v1.1.xml")
    } else {
        format!("{scheme}://{d}/.well-known/autoconfig/mail/config-v1.1.xml")
    };
    if ctx.cfg.send_address {
        // The address goes only to the address's own domain, and only when allowed.
        let q: String =
            url::form_urlencoded::byte_serialize(ctx.address.ascii().as_bytes()).collect();
        u.push_str("?emailaddress=");
        u.push_str(&q);
    }
    u
}

fn ispdb_url(ctx: &Ctx, domain: &str) -> Option<Url> {
    let base = ctx.cfg.ispdb_base_url.trim();
    if base.is_empty() {
        return None;
    }
    let base = if base.ends_with('/') {
        base.to_string()
    } else {
        format!("{base}/")
    };
    Url::parse(&base).ok()?.join(domain).ok()
}

pub(super) async fn run(ctx: &Ctx, kind: SourceKind) -> SourceEnd {
    match kind {
        SourceKind::Override => known(ctx, &ctx.cfg.overrides, kind),
        SourceKind::Preset => known(ctx, &ctx.cfg.presets, kind),
        SourceKind::Autoconfig | SourceKind::WellKnown => {
            autoconfig(ctx, kind, &own_url(ctx, kind, "https")).await
        }
        SourceKind::AutoconfigHttp | SourceKind::WellKnownHttp => {
            if !ctx.cfg.allow_http {
                return SourceEnd::not(
                    SourceStatus::Skipped,
                    DiagnosisCode::DetectInsecureRefused,
                    "",
                    "plain HTTP is not allowed (general settings)",
                );
            }
            autoconfig(ctx, kind, &target(ctx, kind)).await
        }
        SourceKind::Ispdb => match ispdb_url(ctx, &ctx.address.ascii_domain) {
            Some(u) => autoconfig(ctx, kind, u.as_str()).await,
            None => SourceEnd::not(
                SourceStatus::Skipped,
                DiagnosisCode::DetectSkipped,
                "",
                "no provider database configured",
            ),
        },
        SourceKind::Mx => mx(ctx).await,
        SourceKind::Srv => srv(ctx).await,
        SourceKind::Exchange => super::exchange::run(ctx).await,
        SourceKind::Guess => guess(ctx).await,
    }
}

/// A known provider (override or preset) whose domains include the address's.
fn known(ctx: &Ctx, list: &[KnownProvider], kind: SourceKind) -> SourceEnd {
    let d = &ctx.address.ascii_domain;
    match list
        .iter()
        .find(|p| p.domains.iter().any(|x| x.eq_ignore_ascii_case(d)))
    {
        Some(p) => SourceEnd::found(
            from_known(p, kind, &p.id, DetectTrust::new(vec![], registrable(d))),
            format!("{} ({})", p.name, p.id),
        ),
        None => SourceEnd::not(
            SourceStatus::NotFound,
            DiagnosisCode::DetectNotPublished,
            d.as_str(),
            format!("no entry lists {d}"),
        ),
    }
}

fn from_known(p: &KnownProvider, kind: SourceKind, origin: &str, trust: DetectTrust) -> Found {
    let auth = if p.oauth {
        DetectedAuth::Oauth2
    } else {
        DetectedAuth::Password
    };
    let server = |protocol, host: &str, port, security| DetectedServer {
        protocol,
        host: host.to_string(),
        port,
        security,
        auth,
        username: UsernameForm::from_template(&p.username_template),
        username_template: p.username_template.clone(),
        source: kind,
        origin: origin.to_string(),
    };
    Found {
        incoming: p
            .incoming
            .first()
            .map(|(proto, h, port, sec)| server(*proto, h, *port, *sec)),
        outgoing: Some(server(
            DetectedProtocol::Smtp,
            &p.outgoing.0,
            p.outgoing.1,
            p.outgoing.2,
        )),
        trust,
        provider_id: Some(p.id.clone()),
        provider_name: p.name.clone(),
    }
}

/// Fetches and parses one autoconfig document (own domain, well-known, database).
async fn autoconfig(ctx: &Ctx, kind: SourceKind, url: &str) -> SourceEnd {
    let (fetched, config) = match fetch_config(ctx, url).await {
        Ok(x) => x,
        Err(end) => return end,
    };
    let mut reasons = Vec::new();
    if fetched.plain_http {
        reasons.push(UnconfirmedReason::PlainHttp);
    }
    if fetched.cross_domain.is_some() {
        reasons.push(UnconfirmedReason::CrossDomainRedirect);
    }
    let domain = registrable(fetched.final_url.host_str().unwrap_or_default());
    let trust = DetectTrust::new(reasons, domain);
    found_from_config(ctx, kind, &fetched, config, trust)
}

fn found_from_config(
    ctx: &Ctx,
    kind: SourceKind,
    fetched: &Fetched,
    config: ClientConfig,
    trust: DetectTrust,
) -> SourceEnd {
    let origin = fetched.final_url.to_string();
    let usable = |s: &&DetectedServer| {
        s.auth != DetectedAuth::Unsupported
            && (ctx.cfg.allow_unencrypted || s.security != Security::None)
    };
    let pick = |list: &[DetectedServer]| {
        list.iter().find(usable).cloned().map(|mut s| {
            s.source = kind;
            s.origin = origin.clone();
            s
        })
    };
    let incoming = pick(&config.incoming);
    let outgoing = pick(&config.outgoing);
    if incoming.is_none() && outgoing.is_none() {
        return SourceEnd::not(
            SourceStatus::Refused,
            DiagnosisCode::DetectDocumentInvalid,
            origin.clone(),
            format!("{origin}: only unencrypted servers or unsupported logins are offered"),
        );
    }
    let mut detail = origin.clone();
    if let Some(d) = &fetched.cross_domain {
        detail.push_str(&format!(" (redirected to {d})"));
    }
    SourceEnd::found(
        super::Found {
            incoming,
            outgoing,
            trust,
            provider_id: None,
            provider_name: if config.display_name.is_empty() {
                config.provider_id
            } else {
                config.display_name
            },
        },
        detail,
    )
}

/// GET + parse, with the failure as the source's end.
async fn fetch_config(ctx: &Ctx, url: &str) -> Result<(Fetched, ClientConfig), SourceEnd> {
    let Some(fetcher) = &ctx.fetcher else {
        return Err(SourceEnd::not(
            SourceStatus::Failed,
            DiagnosisCode::DetectUnreachable,
            url,
            format!("no HTTP client: {}", ctx.fetcher_error),
        ));
    };
    let parsed = Url::parse(url).map_err(|e| {
        SourceEnd::not(
            SourceStatus::Failed,
            DiagnosisCode::DetectUnreachable,
            url,
            format!("{url}: {e}"),
        )
    })?;
    let fetched = fetcher
        .get_xml(&parsed, xml::MAX_XML_BYTES)
        .await
        .map_err(|f| fetch_end(url, f))?;
    let config = xml::parse(&fetched.body).map_err(|p| {
        let status = if p.code == DiagnosisCode::DetectDocumentInvalid {
            SourceStatus::Failed
        } else {
            SourceStatus::Refused
        };
        SourceEnd::not(status, p.code, url, format!("{}: {p}", fetched.final_url))
    })?;
    Ok((fetched, config))
}

fn fetch_end(url: &str, f: FetchFailure) -> SourceEnd {
    let status = if f.absent {
        SourceStatus::NotFound
    } else {
        match f.code {
            DiagnosisCode::DetectTimeout => SourceStatus::TimedOut,
            DiagnosisCode::DetectInsecureRefused
            | DiagnosisCode::DetectDocumentTooLarge
            | DiagnosisCode::DetectDocumentDtd => SourceStatus::Refused,
            _ => SourceStatus::Failed,
        }
    };
    SourceEnd::not(status, f.code, url, f.detail)
}

/// Microsoft 365 and Google Workspace, recognised by their MX hosts.
fn mx_provider(host: &str) -> Option<&'static str> {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    if h.ends_with(".mail.protection.outlook.com") {
        Some("microsoft365")
    } else if h == "aspmx.l.google.com"
        || h == "smtp.google.com"
        || h.ends_with(".aspmx.l.google.com")
        || h.ends_with(".googlemail.com")
        || h.ends_with(".google.com")
    {
        Some("gmail")
    } else {
        None
    }
}

fn dns_end(e: &crate::dns::DnsError) -> SourceEnd {
    let (status, code) = match e.kind {
        DnsFailure::NxDomain | DnsFailure::NoRecords => {
            (SourceStatus::NotFound, DiagnosisCode::DetectNotPublished)
        }
        DnsFailure::Timeout => (SourceStatus::TimedOut, DiagnosisCode::DetectTimeout),
        DnsFailure::Refused => (SourceStatus::Refused, DiagnosisCode::DetectUnreachable),
        _ => (SourceStatus::Failed, DiagnosisCode::DetectUnreachable),
    };
    SourceEnd::not(status, code, e.name.clone(), e.to_string())
}

/// MX: the most preferred host → Microsoft 365 / Google, else autoconfig (https) and the
/// database for the host minus its first label and for its registrable domain.
async fn mx(ctx: &Ctx) -> SourceEnd {
    let d = &ctx.address.ascii_domain;
    let hosts = match ctx.dns.mx(d).await {
        Ok(h) => h,
        Err(e) => return dns_end(&e),
    };
    let host = hosts[0].host.clone();
    // Plain DNS, no DNSSEC validation: whatever comes from here is unconfirmed.
    let trust = DetectTrust::new(vec![UnconfirmedReason::MxWithoutDnssec], registrable(&host));
    if let Some(id) = mx_provider(&host) {
        let Some(p) = ctx.cfg.presets.iter().find(|p| p.id == id) else {
            return SourceEnd::not(
                SourceStatus::Failed,
                DiagnosisCode::DetectSkipped,
                host.clone(),
                format!("MX {host} is {id}, but its preset is missing"),
            );
        };
        let origin = format!("MX {host}");
        return SourceEnd::found(
            from_known(p, SourceKind::Mx, &origin, trust),
            format!("MX {host} → {} ({})", p.name, p.id),
        );
    }
    let mut domains: Vec<String> = Vec::new();
    if let Some((_, rest)) = host.split_once('.') {
        if rest.contains('.') {
            domains.push(rest.to_string());
        }
    }
    let reg = registrable(&host);
    if !domains.contains(&reg) {
        domains.push(reg);
    }
    domains.retain(|x| x != d);
    if domains.is_empty() {
        return SourceEnd::not(
            SourceStatus::NotFound,
            DiagnosisCode::DetectNotPublished,
            host.clone(),
            format!("MX {host} is in the address's own domain (already asked)"),
        );
    }
    // Autoconfig and the database for each domain, all at once; the first in this order
    // that answers wins. The address is never sent to these third parties.
    let mut urls: Vec<String> = Vec::new();
    for dom in &domains {
        urls.push(format!("https://autoconfig.{dom}/mail/config-v1.1.xml"));
        if let Some(u) = ispdb_url(ctx, dom) {
            urls.push(u.to_string());
        }
    }
    let results = futures_util::future::join_all(urls.iter().map(|u| fetch_config(ctx, u))).await;
    let mut lines = vec![format!("MX {host}")];
    for (u, r) in urls.iter().zip(results) {
        match r {
            Ok((fetched, config)) => {
                let mut reasons = vec![UnconfirmedReason::MxWithoutDnssec];
                if fetched.plain_http {
                    reasons.push(UnconfirmedReason::PlainHttp);
                }
                if fetched.cross_domain.is_some() {
                    reasons.push(UnconfirmedReason::CrossDomainRedirect);
                }
                let trust = DetectTrust::new(
                    reasons,
                    registrable(fetched.final_url.host_str().unwrap_or_default()),
                );
                let mut end = found_from_config(ctx, SourceKind::Mx, &fetched, config, trust);
                if end.status == SourceStatus::Found {
                    lines.push(format!("{u}: found"));
                    end.detail = lines.join("; ");
                    return end;
                }
                lines.push(end.detail);
            }
            Err(end) => lines.push(end.detail),
        }
    }
    SourceEnd::not(
        SourceStatus::NotFound,
        DiagnosisCode::DetectNotPublished,
        host.clone(),
        lines.join("; "),
    )
}

/// RFC 6186 / 8314 SRV records.
async fn srv(ctx: &Ctx) -> SourceEnd {
    let d = &ctx.address.ascii_domain;
    use DetectedProtocol::*;
    let services: [(&str, DetectedProtocol, Security); 6] = [
        ("_imaps", Imap, Security::Tls),
        ("_imap", Imap, Security::Starttls),
        ("_pop3s", Pop3, Security::Tls),
        ("_pop3", Pop3, Security::Starttls),
        ("_submissions", Smtp, Security::Tls),
        ("_submission", Smtp, Security::Starttls),
    ];
    let names: Vec<String> = services
        .iter()
        .map(|(s, _, _)| format!("{s}._tcp.{d}"))
        .collect();
    let answers = futures_util::future::join_all(names.iter().map(|n| ctx.dns.srv(n))).await;
    let mut incoming = None;
    let mut outgoing = None;
    let mut lines = Vec::new();
    let mut worst: Option<crate::dns::DnsError> = None;
    for ((svc, proto, sec), r) in services.iter().zip(answers) {
        match r {
            Ok(records) => {
                // "." as the target: the service is explicitly not offered.
                let Some(rec) = records.iter().find(|r| !r.target.is_empty()) else {
                    lines.push(format!("{svc}: not offered"));
                    continue;
                };
                lines.push(format!("{svc}: {}:{}", rec.target, rec.port));
                let slot = if *proto == Smtp {
                    &mut outgoing
                } else {
                    &mut incoming
                };
                if slot.is_none() {
                    *slot = Some(DetectedServer {
                        protocol: *proto,
                        host: rec.target.clone(),
                        port: rec.port,
                        security: *sec,
                        auth: DetectedAuth::Password,
                        username: UsernameForm::EmailAddress,
                        username_template: "%EMAILADDRESS%".into(),
                        source: SourceKind::Srv,
                        origin: format!("{svc}._tcp.{d}"),
                    });
                }
            }
            Err(e) => {
                lines.push(format!("{svc}: {}", e.kind.label()));
                if worst
                    .as_ref()
                    .is_none_or(|w| w.is_absent() && !e.is_absent())
                {
                    worst = Some(e);
                }
            }
        }
    }
    if incoming.is_none() && outgoing.is_none() {
        let mut end = match worst {
            Some(e) => dns_end(&e),
            None => SourceEnd::not(
                SourceStatus::NotFound,
                DiagnosisCode::DetectNotPublished,
                d.as_str(),
                "",
            ),
        };
        end.detail = lines.join("; ");
        return end;
    }
    let host = incoming
        .as_ref()
        .or(outgoing.as_ref())
        .map(|s: &DetectedServer| s.host.clone())
        .unwrap_or_default();
    SourceEnd::found(
        Found {
            incoming,
            outgoing,
            trust: DetectTrust::new(vec![UnconfirmedReason::Srv], registrable(&host)),
            provider_id: None,
            provider_name: String::new(),
        },
        lines.join("; "),
    )
}

async fn guess(ctx: &Ctx) -> SourceEnd {
    let d = &ctx.address.ascii_domain;
    // Leave a moment before the budget to report what was found.
    let deadline = ctx.deadline - Duration::from_millis(150);
    let g = super::guess::run(
        d,
        &ctx.cfg.guess_ports,
        ctx.cfg.allow_unencrypted,
        &ctx.dns,
        &ctx.tls,
        ctx.cfg.probe_timeout,
        ctx.cfg.guess_stagger,
        deadline,
    )
    .await;
    let detail = g.lines.join("; ");
    if g.incoming.is_none() && g.outgoing.is_none() {
        let timed_out = tokio::time::Instant::now() >= deadline;
        return if timed_out {
            SourceEnd::not(
                SourceStatus::TimedOut,
                DiagnosisCode::DetectTimeout,
                d.as_str(),
                detail,
            )
        } else {
            SourceEnd::not(
                SourceStatus::NotFound,
                DiagnosisCode::DetectNotPublished,
                d.as_str(),
                detail,
            )
        };
    }
    SourceEnd::found(
        Found {
            incoming: g.incoming,
            outgoing: g.outgoing,
            trust: DetectTrust::new(vec![UnconfirmedReason::Guess], registrable(d)),
            provider_id: None,
            provider_name: String::new(),
        },
        detail,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsoft_and_google_are_recognised_by_mx() {
        assert_eq!(
            mx_provider("firma-de.mail.protection.outlook.com."),
            Some("microsoft365")
        );
        assert_eq!(mx_provider("aspmx.l.google.com"), Some("gmail"));
        assert_eq!(mx_provider("alt1.aspmx.l.google.com"), Some("gmail"));
        assert_eq!(mx_provider("mx.hoster.de"), None);
        assert_eq!(mx_provider("outlook.com.evil.test"), None);
    }
}
