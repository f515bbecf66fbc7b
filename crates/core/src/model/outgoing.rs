//! Outgoing servers (tab "Outgoing" / Postausgangsserver): SMTP or Microsoft 365, the SMTP
//! port rule, installation default, validation (skipped in part for disabled servers).

use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use crate::model::{SecretState, SecretUpdate, Security};
use crate::validate::{email_problem, Issues};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::server::{NAME_MAX, TEXT_MAX};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum OutgoingKind {
    #[default]
    Smtp,
    /// Microsoft 365 / Exchange Online: OAuth2 through an Exchange connection.
    Microsoft365,
}

/// How a Microsoft 365 server sends: SMTP with XOAUTH2, or Microsoft Graph `sendMail`
/// (EWS is retired in Exchange Online).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum M365SendVia {
    #[default]
    Smtp,
    Graph,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum SmtpAuth {
    None,
    #[default]
    Password,
    CramMd5,
    /// Windows authentication (user, password, domain).
    Ntlm,
    Oauth2,
}

crate::str_enum!(OutgoingKind { Smtp => "smtp", Microsoft365 => "microsoft365" });
crate::str_enum!(M365SendVia { Smtp => "smtp", Graph => "graph" });
crate::str_enum!(SmtpAuth { None => "none", Password => "password", CramMd5 => "cram_md5", Ntlm => "ntlm", Oauth2 => "oauth2" });

/// SMTP: 25 without encryption, 587 submission with STARTTLS, 465 implicit TLS.
pub fn default_outgoing_port(security: Security) -> u16 {
    match security {
        Security::None => 25,
        Security::Starttls => 587,
        Security::Tls | Security::Auto => 465,
    }
}

pub const M365_SMTP_HOST: &str = "smtp.office365.com";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OutgoingServer {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub enabled: bool,
    pub kind: OutgoingKind,
    pub m365_send_via: M365SendVia,
    pub host: String,
    pub security: Security,
    pub port: u16,
    pub port_manual: bool,
    pub timeout_secs: u32,
    pub auth_method: SmtpAuth,
    pub username: String,
    pub ntlm_domain: String,
    /// The OAuth provider for OAuth2 logins (SPEC §2.1 / §2.2).
    pub oauth_provider_id: Option<i64>,
    pub password: SecretState,
    pub allow_plaintext: bool,
    /// Absenderadresse: MAIL FROM when the account does not set one.
    pub sender_address: String,
    /// BCC an Absender.
    pub bcc_to_sender: bool,
    /// Senden via Server (Bp Event): the business application sends through this server from
    /// its application server, not from each user's computer (for a server that relays only
    /// for the application server's address). A test from here connects from this computer.
    pub send_via_app_server: bool,
    pub tls_verify: bool,
    pub tls_alt_name: String,
    pub tls_pin_sha256: String,
    pub smime_sign: bool,
    pub smime_encrypt: bool,
    pub smime_certificate_id: Option<i64>,
    pub client_certificate_id: Option<i64>,
    /// The installation default (at most one server).
    pub is_default: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct OutgoingInput {
    pub name: String,
    pub enabled: bool,
    pub kind: OutgoingKind,
    pub m365_send_via: M365SendVia,
    /// `host` or `host:port`.
    pub host: String,
    pub security: Security,
    pub port: Option<i64>,
    pub timeout_secs: i64,
    pub auth_method: SmtpAuth,
    pub username: String,
    pub ntlm_domain: String,
    /// The OAuth provider for OAuth2 logins (SPEC §2.1 / §2.2).
    pub oauth_provider_id: Option<i64>,
    pub password: SecretUpdate,
    pub allow_plaintext: bool,
    pub sender_address: String,
    pub bcc_to_sender: bool,
    pub send_via_app_server: bool,
    pub tls_verify: bool,
    pub tls_insecure_confirmed: bool,
    pub tls_alt_name: String,
    pub tls_pin_sha256: String,
    pub smime_sign: bool,
    pub smime_encrypt: bool,
    pub smime_certificate_id: Option<i64>,
    pub client_certificate_id: Option<i64>,
    pub is_default: bool,
}

impl Default for OutgoingInput {
    fn default() -> Self {
        OutgoingInput {
            name: String::new(),
            enabled: true,
            kind: OutgoingKind::Smtp,
            m365_send_via: M365SendVia::Smtp,
            host: String::new(),
            security: Security::Starttls,
            port: None,
            timeout_secs: super::DEFAULT_TIMEOUT_SECS as i64,
            auth_method: SmtpAuth::Password,
            username: String::new(),
            ntlm_domain: String::new(),
            oauth_provider_id: None,
            password: SecretUpdate::Keep,
            allow_plaintext: false,
            sender_address: String::new(),
            bcc_to_sender: false,
            send_via_app_server: false,
            tls_verify: true,
            tls_insecure_confirmed: false,
            tls_alt_name: String::new(),
            tls_pin_sha256: String::new(),
            smime_sign: false,
            smime_encrypt: false,
            smime_certificate_id: None,
            client_certificate_id: None,
            is_default: false,
        }
    }
}

impl From<&OutgoingServer> for OutgoingInput {
    fn from(s: &OutgoingServer) -> Self {
        OutgoingInput {
            name: s.name.clone(),
            enabled: s.enabled,
            kind: s.kind,
            m365_send_via: s.m365_send_via,
            host: s.host.clone(),
            security: s.security,
            port: s.port_manual.then_some(s.port as i64),
            timeout_secs: s.timeout_secs as i64,
            auth_method: s.auth_method,
            username: s.username.clone(),
            ntlm_domain: s.ntlm_domain.clone(),
            oauth_provider_id: s.oauth_provider_id,
            password: SecretUpdate::Keep,
            allow_plaintext: s.allow_plaintext,
            sender_address: s.sender_address.clone(),
            bcc_to_sender: s.bcc_to_sender,
            send_via_app_server: s.send_via_app_server,
            tls_verify: s.tls_verify,
            tls_insecure_confirmed: !s.tls_verify,
            tls_alt_name: s.tls_alt_name.clone(),
            tls_pin_sha256: s.tls_pin_sha256.clone(),
            smime_sign: s.smime_sign,
            smime_encrypt: s.smime_encrypt,
            smime_certificate_id: s.smime_certificate_id,
            client_certificate_id: s.client_certificate_id,
            is_default: s.is_default,
        }
    }
}

/// Validated and normalized outgoing server fields (no identity, no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingFields {
    pub name: String,
    pub enabled: bool,
    pub kind: OutgoingKind,
    pub m365_send_via: M365SendVia,
    pub host: String,
    pub security: Security,
    pub port: u16,
    pub port_manual: bool,
    pub timeout_secs: u32,
    pub auth_method: SmtpAuth,
    pub username: String,
    pub ntlm_domain: String,
    /// The OAuth provider for OAuth2 logins (SPEC §2.1 / §2.2).
    pub oauth_provider_id: Option<i64>,
    pub allow_plaintext: bool,
    pub sender_address: String,
    pub bcc_to_sender: bool,
    pub send_via_app_server: bool,
    pub tls_verify: bool,
    pub tls_alt_name: String,
    pub tls_pin_sha256: String,
    pub smime_sign: bool,
    pub smime_encrypt: bool,
    pub smime_certificate_id: Option<i64>,
    pub client_certificate_id: Option<i64>,
    pub is_default: bool,
}

impl OutgoingInput {
    /// All field problems at once. A disabled server is stored without the checks that
    /// make it usable (required host, host syntax, sender, TLS confirmation), but never with
    /// values that could not be stored safely (control characters, lengths, ranges).
    pub fn validate(&self) -> Result<OutgoingFields> {
        let mut issues = Issues::default();
        let strict = self.enabled;
        let name = self.name.trim().to_string();
        issues.text("name", &name, NAME_MAX, true);

        let m365 = self.kind == OutgoingKind::Microsoft365;
        let host = if m365 && self.host.trim().is_empty() {
            M365_SMTP_HOST
        } else {
            &self.host
        };
        let (host, port, port_manual) = issues.endpoint(
            host,
            self.port,
            default_outgoing_port(self.security),
            strict,
        );
        issues.timeout(self.timeout_secs);
        if m365 && strict && self.auth_method != SmtpAuth::Oauth2 {
            issues.push(FieldIssue::new("auth_method", FieldCode::M365Auth));
        }
        let username = self.username.trim().to_string();
        issues.text("username", &username, TEXT_MAX, false);
        let ntlm_domain = self.ntlm_domain.trim().to_string();
        issues.text("ntlm_domain", &ntlm_domain, TEXT_MAX, false);
        issues.secret("password", &self.password);
        let sender_address = self.sender_address.trim().to_string();
        issues.text("sender_address", &sender_address, TEXT_MAX, false);
        if !sender_address.is_empty() && !issues.has("sender_address") {
            if let Some(reason) = email_problem(&sender_address) {
                issues.push(
                    FieldIssue::new("sender_address", FieldCode::EmailInvalid)
                        .arg("reason", reason),
                );
            }
        }
        // Verification off needs the confirmation even on a disabled server: it is still
        // tested, and its password must never go to a peer nobody confirmed.
        let (tls_alt_name, tls_pin_sha256) = issues.tls(
            self.tls_verify,
            self.tls_insecure_confirmed,
            &self.tls_alt_name,
            &self.tls_pin_sha256,
            true,
        );
        if strict && (self.smime_sign || self.smime_encrypt) && self.smime_certificate_id.is_none()
        {
            issues.push(FieldIssue::new("smime_certificate_id", FieldCode::Required));
        }
        if !issues.is_empty() {
            return Err(Error::Validation(issues.0));
        }
        Ok(OutgoingFields {
            name,
            enabled: self.enabled,
            kind: self.kind,
            m365_send_via: self.m365_send_via,
            host,
            security: self.security,
            port,
            port_manual,
            timeout_secs: self.timeout_secs as u32,
            auth_method: self.auth_method,
            username,
            ntlm_domain,
            // Only an OAuth2 login names a provider (a stale one would block deleting it).
            oauth_provider_id: self
                .oauth_provider_id
                .filter(|_| self.auth_method == SmtpAuth::Oauth2),
            allow_plaintext: self.allow_plaintext && self.security == Security::None,
            sender_address,
            bcc_to_sender: self.bcc_to_sender,
            send_via_app_server: self.send_via_app_server,
            tls_verify: self.tls_verify,
            tls_alt_name,
            tls_pin_sha256,
            smime_sign: self.smime_sign,
            smime_encrypt: self.smime_encrypt,
            smime_certificate_id: self.smime_certificate_id,
            client_certificate_id: self.client_certificate_id,
            is_default: self.is_default,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> OutgoingInput {
        OutgoingInput {
            name: "Versand".into(),
            host: "smtp.example.com".into(),
            ..Default::default()
        }
    }

    #[test]
    fn smtp_port_follows_security() {
        let mut i = input();
        for (s, want) in [
            (Security::None, 25),
            (Security::Starttls, 587),
            (Security::Tls, 465),
            (Security::Auto, 465),
        ] {
            i.security = s;
            assert_eq!(i.validate().unwrap().port, want);
        }
    }

    #[test]
    fn host_port_input_is_accepted_and_split() {
        let i = OutgoingInput {
            host: "mail.example.com:2525".into(),
            ..input()
        };
        let f = i.validate().unwrap();
        assert_eq!(
            (f.host.as_str(), f.port, f.port_manual),
            ("mail.example.com", 2525, true)
        );
    }

    #[test]
    fn disabled_server_is_stored_incomplete_but_never_unsafe() {
        let mut i = OutgoingInput {
            name: "Später".into(),
            enabled: false,
            host: String::new(),
            tls_verify: false,
            ..Default::default()
        };
        // Verification off is never stored unconfirmed, not even on a disabled server.
        assert!(i.validate().is_err());
        i.tls_insecure_confirmed = true;
        assert!(i.validate().is_ok());
        i.enabled = true;
        assert!(i.validate().is_err());
        i.enabled = false;
        i.host = "a\r\nb".into();
        assert!(i.validate().is_err());
        i.host = String::new();
        i.port = Some(70000);
        assert!(i.validate().is_err());
    }

    #[test]
    fn microsoft365_defaults_its_host_and_needs_oauth() {
        let mut i = OutgoingInput {
            name: "M365".into(),
            kind: OutgoingKind::Microsoft365,
            ..Default::default()
        };
        let e = i.validate().unwrap_err();
        assert!(matches!(&e, Error::Validation(v) if v[0].field == "auth_method"));
        i.auth_method = SmtpAuth::Oauth2;
        let f = i.validate().unwrap();
        assert_eq!((f.host.as_str(), f.port), (M365_SMTP_HOST, 587));
    }

    #[test]
    fn sender_address_is_checked() {
        let i = OutgoingInput {
            sender_address: "not an address".into(),
            ..input()
        };
        assert!(i.validate().is_err());
        let i = OutgoingInput {
            sender_address: "info@müller-bau.de".into(),
            ..input()
        };
        assert!(i.validate().is_ok());
    }
}
