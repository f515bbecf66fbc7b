//! Thunderbird's autoconfig format (`clientConfig version="1.1"`), read with roxmltree from
//! bytes already bounded in size: no DTD (so no entity expansion), a node limit, and a
//! field-level complaint (`incomingServer[2]/port: …`) for a broken document.

use super::{DetectedAuth, DetectedProtocol, DetectedServer, UsernameForm};
use crate::diag::DiagnosisCode;
use crate::kinds::Security;

/// The most an autoconfig document may weigh (real ones are a few KiB).
pub const MAX_XML_BYTES: usize = 64 * 1024;
const MAX_NODES: u32 = 5_000;

/// A document that could not be used, with the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlProblem {
    pub code: DiagnosisCode,
    /// `document`, `clientConfig/emailProvider`, `incomingServer[1]/port`, …
    pub field: String,
    pub detail: String,
}

impl XmlProblem {
    fn invalid(field: impl Into<String>, detail: impl Into<String>) -> XmlProblem {
        XmlProblem {
            code: DiagnosisCode::DetectDocumentInvalid,
            field: field.into(),
            detail: detail.into(),
        }
    }
}

impl std::fmt::Display for XmlProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.detail)
    }
}

/// What an autoconfig document offers, servers in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    pub provider_id: String,
    pub display_name: String,
    pub domains: Vec<String>,
    pub incoming: Vec<DetectedServer>,
    pub outgoing: Vec<DetectedServer>,
}

/// Parses an autoconfig document. Unknown server types (e.g. `exchange`) are skipped; a
/// known one with a missing or wrong field is a complaint about that field.
pub fn parse(bytes: &[u8]) -> Result<ClientConfig, XmlProblem> {
    if bytes.len() > MAX_XML_BYTES {
        return Err(XmlProblem {
            code: DiagnosisCode::DetectDocumentTooLarge,
            field: "document".into(),
            detail: format!("{} bytes, at most {MAX_XML_BYTES}", bytes.len()),
        });
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| XmlProblem::invalid("document", format!("not UTF-8: {e}")))?;
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => XmlProblem {
            code: DiagnosisCode::DetectDocumentDtd,
            field: "document".into(),
            detail: "the document declares a DTD (entities are never expanded)".into(),
        },
        roxmltree::Error::NodesLimitReached => XmlProblem {
            code: DiagnosisCode::DetectDocumentTooLarge,
            field: "document".into(),
            detail: format!("more than {MAX_NODES} XML nodes"),
        },
        other => XmlProblem::invalid("document", format!("not well-formed XML: {other}")),
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "clientConfig" {
        return Err(XmlProblem::invalid(
            "document",
            format!(
                "the root element is <{}>, not <clientConfig>",
                root.tag_name().name()
            ),
        ));
    }
    let provider = child(root, "emailProvider")
        .ok_or_else(|| XmlProblem::invalid("clientConfig/emailProvider", "missing"))?;
    let provider_id = provider.attribute("id").unwrap_or_default().to_string();
    let display_name = child_text(provider, "displayName").unwrap_or_default();
    let domains = provider
        .children()
        .filter(|n| n.has_tag_name("domain"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    let mut incoming = Vec::new();
    let mut outgoing = Vec::new();
    let (mut i_index, mut o_index) = (0, 0);
    for n in provider.children().filter(|n| n.is_element()) {
        let (tag, index, out) = match n.tag_name().name() {
            "incomingServer" => {
                i_index += 1;
                ("incomingServer", i_index, &mut incoming)
            }
            "outgoingServer" => {
                o_index += 1;
                ("outgoingServer", o_index, &mut outgoing)
            }
            _ => continue,
        };
        let field = |f: &str| format!("{tag}[{index}]/{f}");
        let protocol = match n.attribute("type").unwrap_or_default() {
            "imap" if tag == "incomingServer" => DetectedProtocol::Imap,
            "pop3" if tag == "incomingServer" => DetectedProtocol::Pop3,
            "smtp" if tag == "outgoingServer" => DetectedProtocol::Smtp,
            "" => return Err(XmlProblem::invalid(field("@type"), "missing")),
            // exchange, ews, activesync, jmap …: not ours to configure.
            _ => continue,
        };
        let host = child_text(n, "hostname")
            .filter(|h| !h.is_empty())
            .ok_or_else(|| XmlProblem::invalid(field("hostname"), "missing"))?;
        if crate::validate::host_problem(&host).is_some() && !host.contains('%') {
            return Err(XmlProblem::invalid(
                field("hostname"),
                format!("{host:?} is not a host name"),
            ));
        }
        let port_text =
            child_text(n, "port").ok_or_else(|| XmlProblem::invalid(field("port"), "missing"))?;
        let port = port_text
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| {
                XmlProblem::invalid(field("port"), format!("{port_text:?} is not a port number"))
            })?;
        let security = match child_text(n, "socketType").as_deref() {
            Some("SSL") | Some("TLS") => Security::Tls,
            Some("STARTTLS") => Security::Starttls,
            Some("plain") => Security::None,
            Some(other) => {
                return Err(XmlProblem::invalid(
                    field("socketType"),
                    format!("{other:?} is not SSL, STARTTLS or plain"),
                ))
            }
            None => return Err(XmlProblem::invalid(field("socketType"), "missing")),
        };
        let auths: Vec<String> = n
            .children()
            .filter(|c| c.has_tag_name("authentication"))
            .filter_map(|c| c.text())
            .map(|t| t.trim().to_string())
            .collect();
        let auth = auths
            .iter()
            .find_map(|a| DetectedAuth::from_autoconfig(a))
            .unwrap_or(if auths.is_empty() {
                DetectedAuth::Password
            } else {
                DetectedAuth::Unsupported
            });
        let username = child_text(n, "username").unwrap_or_default();
        out.push(DetectedServer {
            protocol,
            host,
            port,
            security,
            auth,
            username: UsernameForm::from_template(&username),
            username_template: username,
            source: super::SourceKind::Preset, // set by the caller
            origin: String::new(),
        });
    }
    if incoming.is_empty() && outgoing.is_empty() {
        return Err(XmlProblem::invalid(
            "clientConfig/emailProvider",
            "no IMAP, POP3 or SMTP server",
        ));
    }
    Ok(ClientConfig {
        provider_id,
        display_name,
        domains,
        incoming,
        outgoing,
    })
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name(name))
}

fn child_text(n: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    child(n, name).map(|c| c.text().unwrap_or_default().trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="firma.test">
    <domain>firma.test</domain>
    <displayName>Firma</displayName>
    <incomingServer type="exchange"><hostname>x</hostname></incomingServer>
    <incomingServer type="imap">
      <hostname>imap.firma.test</hostname><port>993</port><socketType>SSL</socketType>
      <authentication>GSSAPI</authentication>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.firma.test</hostname><port>995</port><socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILLOCALPART%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.firma.test</hostname><port>587</port><socketType>STARTTLS</socketType>
      <authentication>OAuth2</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>"#;

    #[test]
    fn reads_servers_in_document_order_and_skips_unknown_types() {
        let c = parse(GOOD.as_bytes()).unwrap();
        assert_eq!(c.provider_id, "firma.test");
        assert_eq!(c.domains, ["firma.test"]);
        assert_eq!(c.incoming.len(), 2);
        let i = &c.incoming[0];
        assert_eq!(
            (i.protocol, i.host.as_str(), i.port, i.security, i.auth),
            (
                DetectedProtocol::Imap,
                "imap.firma.test",
                993,
                Security::Tls,
                DetectedAuth::Password
            )
        );
        assert_eq!(i.username, UsernameForm::EmailAddress);
        assert_eq!(c.incoming[1].username, UsernameForm::LocalPart);
        assert_eq!(c.outgoing[0].auth, DetectedAuth::Oauth2);
        assert_eq!(c.outgoing[0].security, Security::Starttls);
    }

    #[test]
    fn a_broken_field_is_named() {
        let bad = GOOD.replace("<port>995</port>", "<port>pop</port>");
        let e = parse(bad.as_bytes()).unwrap_err();
        assert_eq!(e.code, DiagnosisCode::DetectDocumentInvalid);
        assert_eq!(e.field, "incomingServer[3]/port");
        let bad = GOOD.replace("<socketType>STARTTLS</socketType>", "");
        assert_eq!(
            parse(bad.as_bytes()).unwrap_err().field,
            "outgoingServer[1]/socketType"
        );
        let e = parse(b"<clientConfig><emailProvider>").unwrap_err();
        assert_eq!(e.field, "document");
        assert!(e.detail.contains("well-formed"), "{e}");
        let e = parse(b"<html><body>404</body></html>").unwrap_err();
        assert!(e.detail.contains("<html>"), "{e}");
    }

    #[test]
    fn entities_and_size_are_refused() {
        let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<clientConfig><emailProvider id="x">&lol2;</emailProvider></clientConfig>"#;
        let e = parse(bomb.as_bytes()).unwrap_err();
        assert_eq!(e.code, DiagnosisCode::DetectDocumentDtd);
        let big = format!("<clientConfig>{}</clientConfig>", " ".repeat(MAX_XML_BYTES));
        assert_eq!(
            parse(big.as_bytes()).unwrap_err().code,
            DiagnosisCode::DetectDocumentTooLarge
        );
    }
}
