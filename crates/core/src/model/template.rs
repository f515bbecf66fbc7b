//! Templates (Vorlagen): a saved server or account input that fills a new one, and the
//! built-in provider presets with their real host names, ports and hints.

use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use crate::model::{
    AccountInput, AuthMethod, OutgoingInput, OutgoingKind, Protocol, Security, ServerInput,
    SmtpAuth,
};
use crate::validate::Issues;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    Incoming,
    Outgoing,
    Account,
}
crate::str_enum!(TemplateKind { Incoming => "incoming", Outgoing => "outgoing", Account => "account" });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Template {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub kind: TemplateKind,
    /// The input (ServerInput, OutgoingInput or AccountInput) without any secret.
    #[ts(type = "unknown")]
    pub data: serde_json::Value,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TemplateInput {
    pub name: String,
    pub kind: TemplateKind,
    #[ts(type = "unknown")]
    pub data: serde_json::Value,
}

impl TemplateInput {
    pub fn validate(&self) -> Result<TemplateInput> {
        let mut issues = Issues::default();
        let name = self.name.trim().to_string();
        issues.text("name", &name, super::server::NAME_MAX, true);
        if !issues.is_empty() {
            return Err(Error::Validation(issues.0));
        }
        // The data must be a valid input of its kind, with the secret removed.
        let mut data = self.data.clone();
        match data.as_object_mut() {
            Some(o) => {
                o.insert("password".into(), serde_json::json!({ "action": "keep" }));
            }
            None => {
                return Err(Error::Validation(vec![FieldIssue::new(
                    "data",
                    FieldCode::Required,
                )]))
            }
        }
        let ok = match self.kind {
            TemplateKind::Incoming => {
                serde_json::from_value::<super::ServerInput>(data.clone()).is_ok()
            }
            TemplateKind::Outgoing => {
                serde_json::from_value::<super::OutgoingInput>(data.clone()).is_ok()
            }
            TemplateKind::Account => {
                serde_json::from_value::<super::AccountInput>(data.clone()).is_ok()
            }
        };
        if !ok {
            return Err(Error::Validation(vec![FieldIssue::new(
                "data",
                FieldCode::InvalidJson,
            )
            .arg("reason", "not an input of this kind")]));
        }
        Ok(TemplateInput {
            name,
            kind: self.kind,
            data,
        })
    }
}

/// An input a template keeps: incoming server, outgoing server or account.
pub trait TemplateData: serde::de::DeserializeOwned {
    const KIND: TemplateKind;
}

impl TemplateData for ServerInput {
    const KIND: TemplateKind = TemplateKind::Incoming;
}
impl TemplateData for OutgoingInput {
    const KIND: TemplateKind = TemplateKind::Outgoing;
}
impl TemplateData for AccountInput {
    const KIND: TemplateKind = TemplateKind::Account;
}

impl Template {
    /// The template's input for a new record of `I`'s kind (a template of another kind is
    /// refused as a field error on `template`). Templates never hold a secret.
    pub fn input<I: TemplateData>(&self) -> Result<I> {
        if self.kind != I::KIND {
            return Err(Error::Validation(vec![FieldIssue::new(
                "template",
                FieldCode::TemplateKind,
            )
            .arg("kind", self.kind.as_str())]));
        }
        serde_json::from_value(self.data.clone()).map_err(|e| {
            Error::Validation(vec![
                FieldIssue::new("template", FieldCode::InvalidJson).arg("reason", e.to_string())
            ])
        })
    }
}

impl Preset {
    /// A new incoming server from the preset: its IMAP server (IMAP download too), or its
    /// POP3 server; a protocol the provider does not offer is a field error on `preset`.
    pub fn server_input(&self, protocol: Protocol) -> Result<ServerInput> {
        let (server, label) = match protocol {
            Protocol::Pop3 => (&self.pop3, "POP3"),
            Protocol::Imap | Protocol::ImapDownload => (&self.imap, "IMAP"),
        };
        let Some(s) = server else {
            return Err(Error::Validation(vec![FieldIssue::new(
                "preset",
                FieldCode::PresetProtocol,
            )
            .arg("name", self.name.clone())
            .arg("protocol", label)]));
        };
        let derived = crate::kinds::default_incoming_port(protocol, s.security);
        Ok(ServerInput {
            name: format!("{} {label}", self.name),
            protocol,
            host: s.host.clone(),
            security: s.security,
            port: (s.port != derived).then_some(i64::from(s.port)),
            auth_method: self.incoming_auth,
            ..ServerInput::default()
        })
    }

    /// A new outgoing server from the preset's SMTP server (Microsoft 365 as its own kind).
    pub fn outgoing_input(&self) -> OutgoingInput {
        let s = &self.smtp;
        let derived = super::outgoing::default_outgoing_port(s.security);
        OutgoingInput {
            name: format!("{} SMTP", self.name),
            kind: if self.id == "microsoft365" {
                OutgoingKind::Microsoft365
            } else {
                OutgoingKind::Smtp
            },
            host: s.host.clone(),
            security: s.security,
            port: (s.port != derived).then_some(i64::from(s.port)),
            auth_method: self.outgoing_auth,
            ..OutgoingInput::default()
        }
    }
}

/// The preset named `name` (its id or its name, case ignored); an unknown one is a field
/// error on `preset` that lists the known ones.
pub fn find_preset(name: &str) -> Result<Preset> {
    let all = presets();
    let wanted = name.trim();
    if let Some(p) = all
        .iter()
        .find(|p| p.id.eq_ignore_ascii_case(wanted) || p.name.eq_ignore_ascii_case(wanted))
    {
        return Ok(p.clone());
    }
    let known: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
    Err(Error::Validation(vec![FieldIssue::new(
        "preset",
        FieldCode::PresetUnknown,
    )
    .arg("name", wanted)
    .arg("known", known.join(", "))]))
}

/// Every field problem of an input of `kind` (JSON as the form would send it), without
/// saving anything: the form shows them all at once, next to its own quick checks. An input
/// that does not even parse has none to show here.
pub fn check_input(kind: TemplateKind, data: serde_json::Value) -> Vec<FieldIssue> {
    let r =
        match kind {
            TemplateKind::Incoming => serde_json::from_value::<super::ServerInput>(data)
                .map(|i| i.validate(None).map(|_| ())),
            TemplateKind::Outgoing => serde_json::from_value::<super::OutgoingInput>(data)
                .map(|i| i.validate().map(|_| ())),
            TemplateKind::Account => serde_json::from_value::<super::AccountInput>(data)
                .map(|i| i.validate(None).map(|_| ())),
        };
    match r {
        Ok(Err(Error::Validation(issues))) => issues,
        _ => Vec::new(),
    }
}

/// One server of a provider preset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PresetServer {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

/// A built-in provider preset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Preset {
    pub id: String,
    pub name: String,
    /// Domains whose addresses belong to this provider.
    pub domains: Vec<String>,
    pub imap: Option<PresetServer>,
    pub pop3: Option<PresetServer>,
    pub smtp: PresetServer,
    pub incoming_auth: AuthMethod,
    pub outgoing_auth: SmtpAuth,
    /// What to do at the provider before the account works, in German and English.
    pub hint_de: String,
    pub hint_en: String,
}

fn srv(host: &str, port: u16, security: Security) -> Option<PresetServer> {
    Some(PresetServer {
        host: host.into(),
        port,
        security,
    })
}

#[allow(clippy::too_many_arguments)]
fn preset(
    id: &str,
    name: &str,
    domains: &[&str],
    imap: Option<PresetServer>,
    pop3: Option<PresetServer>,
    smtp: Option<PresetServer>,
    oauth: bool,
    hint_de: &str,
    hint_en: &str,
) -> Preset {
    Preset {
        id: id.into(),
        name: name.into(),
        domains: domains.iter().map(|d| d.to_string()).collect(),
        imap,
        pop3,
        smtp: smtp.expect("every preset sends"),
        incoming_auth: if oauth {
            AuthMethod::Oauth2
        } else {
            AuthMethod::Password
        },
        outgoing_auth: if oauth {
            SmtpAuth::Oauth2
        } else {
            SmtpAuth::Password
        },
        hint_de: hint_de.into(),
        hint_en: hint_en.into(),
    }
}

/// The providers our customers use most, with their documented settings.
pub fn presets() -> Vec<Preset> {
    use Security::{Starttls, Tls};
    vec![
        preset(
            "microsoft365", "Microsoft 365 / Exchange Online", &[],
            srv("outlook.office365.com", 993, Tls), srv("outlook.office365.com", 995, Tls),
            srv("smtp.office365.com", 587, Starttls), true,
            "Basic Auth ist in Exchange Online abgeschaltet: Konto über OAuth2 verbinden (Tab OAuth). SMTP AUTH muss für das Postfach im Exchange Admin Center aktiviert sein; POP/IMAP ebenso.",
            "Basic authentication is off in Exchange Online: connect the account with OAuth2 (OAuth tab). SMTP AUTH must be enabled for the mailbox in the Exchange admin center; so must POP/IMAP.",
        ),
        preset(
            "gmail", "Gmail / Google Workspace", &["gmail.com", "googlemail.com"],
            srv("imap.gmail.com", 993, Tls), srv("pop.gmail.com", 995, Tls),
            srv("smtp.gmail.com", 587, Starttls), true,
            "OAuth2 verwenden oder ein App-Passwort (nur mit 2-Faktor-Anmeldung). IMAP in den Gmail-Einstellungen unter „Weiterleitung und POP/IMAP“ aktivieren.",
            "Use OAuth2 or an app password (requires 2-step verification). Enable IMAP in Gmail settings under \"Forwarding and POP/IMAP\".",
        ),
        preset(
            "outlookcom", "Outlook.com / Hotmail", &["outlook.com", "hotmail.com", "live.com", "outlook.de", "hotmail.de"],
            srv("outlook.office365.com", 993, Tls), srv("outlook.office365.com", 995, Tls),
            srv("smtp-mail.outlook.com", 587, Starttls), true,
            "Outlook.com akzeptiert nur noch OAuth2 (moderne Authentifizierung); POP muss in den Outlook.com-Einstellungen eingeschaltet werden.",
            "Outlook.com only accepts OAuth2 (modern authentication); POP must be switched on in the Outlook.com settings.",
        ),
        preset(
            "ionos", "IONOS", &[],
            srv("imap.ionos.de", 993, Tls), srv("pop.ionos.de", 995, Tls),
            srv("smtp.ionos.de", 587, Starttls), false,
            "Benutzername ist die vollständige E-Mail-Adresse.",
            "The user name is the full e-mail address.",
        ),
        preset(
            "strato", "Strato", &[],
            srv("imap.strato.de", 993, Tls), srv("pop3.strato.de", 995, Tls),
            srv("smtp.strato.de", 465, Tls), false,
            "Benutzername ist die vollständige E-Mail-Adresse.",
            "The user name is the full e-mail address.",
        ),
        preset(
            "tonline", "T-Online", &["t-online.de", "magenta.de"],
            srv("secureimap.t-online.de", 993, Tls), srv("securepop.t-online.de", 995, Tls),
            srv("securesmtp.t-online.de", 465, Tls), false,
            "T-Online verlangt ein eigenes E-Mail-Passwort (nicht das Login-Passwort); es wird im T-Online-Kundencenter unter E-Mail-Einstellungen angelegt.",
            "T-Online needs a separate e-mail password (not the login password); create it in the T-Online customer centre under e-mail settings.",
        ),
        preset(
            "gmx", "GMX", &["gmx.de", "gmx.net", "gmx.at", "gmx.ch"],
            srv("imap.gmx.net", 993, Tls), srv("pop.gmx.net", 995, Tls),
            srv("mail.gmx.net", 587, Starttls), false,
            "Zuerst im GMX-Webmailer unter Einstellungen → POP3/IMAP-Abruf den Zugriff per POP3/IMAP erlauben.",
            "First allow POP3/IMAP access in the GMX web mailer under Settings → POP3/IMAP.",
        ),
        preset(
            "webde", "WEB.DE", &["web.de"],
            srv("imap.web.de", 993, Tls), srv("pop3.web.de", 995, Tls),
            srv("smtp.web.de", 587, Starttls), false,
            "Zuerst im WEB.DE-Webmailer unter Einstellungen → POP3/IMAP-Abruf den Zugriff per POP3/IMAP erlauben.",
            "First allow POP3/IMAP access in the WEB.DE web mailer under Settings → POP3/IMAP.",
        ),
        preset(
            "mailboxorg", "mailbox.org", &["mailbox.org"],
            srv("imap.mailbox.org", 993, Tls), srv("pop3.mailbox.org", 995, Tls),
            srv("smtp.mailbox.org", 465, Tls), false,
            "Benutzername ist die vollständige E-Mail-Adresse.",
            "The user name is the full e-mail address.",
        ),
        preset(
            "posteo", "Posteo", &["posteo.de", "posteo.net"],
            srv("posteo.de", 993, Tls), srv("posteo.de", 995, Tls),
            srv("posteo.de", 465, Tls), false,
            "Benutzername ist die vollständige E-Mail-Adresse (oder ein Alias).",
            "The user name is the full e-mail address (or an alias).",
        ),
    ]
}

/// The preset for `id`, if any.
pub fn preset_by_id(id: &str) -> Option<Preset> {
    presets().into_iter().find(|p| p.id == id)
}

/// The incoming-server input a preset suggests for `protocol`.
pub fn preset_incoming(p: &Preset, protocol: Protocol) -> Option<super::ServerInput> {
    let s = match protocol {
        Protocol::Pop3 => p.pop3.as_ref(),
        _ => p.imap.as_ref(),
    }?;
    Some(super::ServerInput {
        name: format!(
            "{} {}",
            p.name,
            if protocol == Protocol::Pop3 {
                "POP3"
            } else {
                "IMAP"
            }
        ),
        protocol,
        host: s.host.clone(),
        security: s.security,
        auth_method: p.incoming_auth,
        ..Default::default()
    })
}

pub fn preset_outgoing(p: &Preset) -> super::OutgoingInput {
    super::OutgoingInput {
        name: format!("{} SMTP", p.name),
        host: p.smtp.host.clone(),
        security: p.smtp.security,
        auth_method: p.outgoing_auth,
        kind: if p.id == "microsoft365" {
            super::OutgoingKind::Microsoft365
        } else {
            super::OutgoingKind::Smtp
        },
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_incoming_port, default_outgoing_port};

    #[test]
    fn ten_presets_with_valid_servers() {
        let all = presets();
        assert_eq!(all.len(), 10);
        for p in &all {
            for s in [p.imap.as_ref(), p.pop3.as_ref(), Some(&p.smtp)]
                .into_iter()
                .flatten()
            {
                assert_eq!(crate::validate::host_problem(&s.host), None, "{}", p.id);
            }
            assert!(!p.hint_de.is_empty() && !p.hint_en.is_empty());
            // The derived port of each preset is the documented one, so no manual port.
            let i = preset_incoming(p, Protocol::Imap).unwrap();
            assert_eq!(
                default_incoming_port(i.protocol, i.security),
                p.imap.as_ref().unwrap().port
            );
            assert!(i.validate(None).is_ok(), "{}", p.id);
            let o = preset_outgoing(p);
            assert_eq!(default_outgoing_port(o.security), p.smtp.port, "{}", p.id);
            assert!(o.validate().is_ok(), "{}", p.id);
        }
    }
}
