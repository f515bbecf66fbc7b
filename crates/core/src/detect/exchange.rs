//! Exchange autodiscover (POX), asked only when a password is given or Exchange is chosen:
//! `POST https://autodiscover.<domain>/autodiscover/autodiscover.xml` (then
//! `https://<domain>/autodiscover/autodiscover.xml`) with the address, HTTP Basic with the
//! password when there is one; the IMAP/POP3/SMTP `Protocol` entries of the answer.

use super::http::registrable;
use super::{
    Ctx, DetectTrust, DetectedAuth, DetectedProtocol, DetectedServer, Found, SourceEnd, SourceKind,
    SourceStatus, UsernameForm,
};
use crate::diag::DiagnosisCode;
use crate::kinds::Security;

pub(super) async fn run(ctx: &Ctx) -> SourceEnd {
    let d = &ctx.address.ascii_domain;
    if ctx.cfg.password.is_none() && !ctx.cfg.exchange {
        return SourceEnd::not(
            SourceStatus::Skipped,
            DiagnosisCode::DetectSkipped,
            d.as_str(),
            "asked only with a password or when Exchange is chosen",
        );
    }
    let Some(fetcher) = &ctx.fetcher else {
        return SourceEnd::not(
            SourceStatus::Failed,
            DiagnosisCode::DetectUnreachable,
            d.as_str(),
            ctx.fetcher_error.clone(),
        );
    };
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\">\
<Request><EMailAddress>{}</EMailAddress>\
<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>\
</Request></Autodiscover>",
        xml_escape(&ctx.address.ascii())
    );
    let urls = [
        format!("https://autodiscover.{d}/autodiscover/autodiscover.xml"),
        format!("https://{d}/autodiscover/autodiscover.xml"),
    ];
    let mut lines = Vec::new();
    let mut last_code = DiagnosisCode::DetectNotPublished;
    let mut last_status = SourceStatus::NotFound;
    for u in &urls {
        let login = ctx
            .cfg
            .password
            .as_ref()
            .map(|p| (ctx.address.ascii(), p.expose().to_string()));
        match fetcher.post_xml(u, body.clone(), login).await {
            Ok(bytes) => match parse(&bytes, u) {
                Ok((incoming, outgoing)) => {
                    return SourceEnd::found(
                        Found {
                            incoming,
                            outgoing,
                            trust: DetectTrust::new(vec![], registrable(d)),
                            provider_id: None,
                            provider_name: String::new(),
                        },
                        u.clone(),
                    )
                }
                Err(e) => {
                    lines.push(format!("{u}: {e}"));
                    last_code = DiagnosisCode::DetectDocumentInvalid;
                    last_status = SourceStatus::Failed;
                }
            },
            Err(f) => {
                lines.push(f.detail.clone());
                if !f.absent {
                    last_code = f.code;
                    last_status = if f.code == DiagnosisCode::DetectTimeout {
                        SourceStatus::TimedOut
                    } else {
                        SourceStatus::Failed
                    };
                }
            }
        }
    }
    SourceEnd::not(last_status, last_code, urls[0].clone(), lines.join("; "))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

type Servers = (Option<DetectedServer>, Option<DetectedServer>);

/// Fuzzing (`crate::fuzzing::autoconfig`): an autodiscover (POX) answer.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn fuzz(bytes: &[u8]) {
    let _ = parse(
        bytes,
        "https://autodiscover.example.test/autodiscover/autodiscover.xml",
    );
}

/// The `Protocol` entries of a POX answer (namespaces ignored, DTD refused, size bounded by
/// the fetch).
fn parse(bytes: &[u8], origin: &str) -> Result<Servers, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 5_000,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(|e| e.to_string())?;
    let text_of = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.tag_name().name() == name)
            .and_then(|c| c.text())
            .map(|t| t.trim().to_string())
    };
    let (mut incoming, mut outgoing) = (None, None);
    for p in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "Protocol")
    {
        let protocol = match text_of(p, "Type").as_deref() {
            Some("IMAP") => DetectedProtocol::Imap,
            Some("POP3") => DetectedProtocol::Pop3,
            Some("SMTP") => DetectedProtocol::Smtp,
            _ => continue,
        };
        let (Some(host), Some(port)) = (
            text_of(p, "Server"),
            text_of(p, "Port").and_then(|x| x.parse::<u16>().ok()),
        ) else {
            return Err(format!(
                "Protocol {}: Server or Port missing",
                protocol.label()
            ));
        };
        let security = match (
            text_of(p, "Encryption").as_deref(),
            text_of(p, "SSL").as_deref(),
        ) {
            (Some("TLS"), _) => Security::Starttls,
            (Some("SSL"), _) | (None, Some("on")) | (None, None) => Security::Tls,
            _ => Security::None,
        };
        let s = DetectedServer {
            protocol,
            host,
            port,
            security,
            auth: DetectedAuth::Password,
            username: UsernameForm::EmailAddress,
            username_template: "%EMAILADDRESS%".into(),
            source: SourceKind::Exchange,
            origin: origin.to_string(),
        };
        let slot: &mut Option<DetectedServer> = if protocol == DetectedProtocol::Smtp {
            &mut outgoing
        } else {
            &mut incoming
        };
        // IMAP before POP3, whatever the order of the answer.
        let better = match slot {
            None => true,
            Some(old) => {
                old.protocol == DetectedProtocol::Pop3 && s.protocol == DetectedProtocol::Imap
            }
        };
        if better && s.security != Security::None {
            *slot = Some(s);
        }
    }
    if incoming.is_none() && outgoing.is_none() {
        return Err("no IMAP, POP3 or SMTP protocol in the answer".into());
    }
    Ok((incoming, outgoing))
}
