//! Incoming servers (tab "Servers" / E-Mail-Server): fields, the port rule, validation.

use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use crate::model::{SecretState, SecretUpdate};
use crate::validate::Issues;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::kinds::{
    default_incoming_port, AuthMethod, Protocol, Security, DEFAULT_TIMEOUT_SECS, NAME_MAX,
    PASSWORD_MAX, TEXT_MAX,
};

/// An incoming server as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IncomingServer {
    pub id: i64,
    /// Incremented on every save; an edit based on an older version is refused.
    pub version: i64,
    pub name: String,
    pub protocol: Protocol,
    /// As entered (IDN allowed); tested as punycode.
    pub host: String,
    pub security: Security,
    pub port: u16,
    /// True when the user typed the port; otherwise it follows protocol and security.
    pub port_manual: bool,
    pub timeout_secs: u32,
    pub auth_method: AuthMethod,
    pub ntlm_domain: String,
    /// The OAuth provider for OAuth2 logins (SPEC §2.1 / §2.2).
    pub oauth_provider_id: Option<i64>,
    /// Login used for a server test without an account.
    pub login_user: String,
    pub password: SecretState,
    /// The user confirmed that a password may travel unencrypted (security "none" only).
    pub allow_plaintext: bool,
    pub tls_verify: bool,
    /// Alternative expected certificate name (Abweichender Common Name).
    pub tls_alt_name: String,
    /// Pinned SHA-256 fingerprint of the server certificate, `AB:CD:…`.
    pub tls_pin_sha256: String,
    /// The TLS client certificate (with key) from the certificate store, presented when the
    /// server asks for one.
    pub client_certificate_id: Option<i64>,
    pub folder_trash: String,
    pub folder_junk: String,
    pub folder_sent: String,
    pub folder_deleted: String,
    pub pop3_delete_after_fetch: bool,
    pub pop3_delete_after_days: Option<u32>,
    pub created_at: String,
    pub updated_at: String,
}

/// What the user entered for a new or edited incoming server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ServerInput {
    pub name: String,
    pub protocol: Protocol,
    /// `host`, `host:port` or `[v6]:port`.
    pub host: String,
    pub security: Security,
    /// `null`: follow protocol and security. A number: a manual port that sticks.
    pub port: Option<i64>,
    pub timeout_secs: i64,
    pub auth_method: AuthMethod,
    pub ntlm_domain: String,
    /// The OAuth provider for OAuth2 logins (SPEC §2.1 / §2.2).
    pub oauth_provider_id: Option<i64>,
    pub login_user: String,
    pub password: SecretUpdate,
    pub allow_plaintext: bool,
    pub tls_verify: bool,
    /// Must be true to save with `tls_verify = false`.
    pub tls_insecure_confirmed: bool,
    pub tls_alt_name: String,
    pub tls_pin_sha256: String,
    /// A certificate of the store with a private key, or `null`.
    pub client_certificate_id: Option<i64>,
    pub folder_trash: String,
    pub folder_junk: String,
    pub folder_sent: String,
    pub folder_deleted: String,
    pub pop3_delete_after_fetch: bool,
    pub pop3_delete_after_days: Option<i64>,
}

impl Default for ServerInput {
    fn default() -> Self {
        ServerInput {
            name: String::new(),
            protocol: Protocol::Imap,
            host: String::new(),
            security: Security::Tls,
            port: None,
            timeout_secs: DEFAULT_TIMEOUT_SECS as i64,
            auth_method: AuthMethod::Password,
            ntlm_domain: String::new(),
            oauth_provider_id: None,
            login_user: String::new(),
            password: SecretUpdate::Keep,
            allow_plaintext: false,
            tls_verify: true,
            tls_insecure_confirmed: false,
            tls_alt_name: String::new(),
            tls_pin_sha256: String::new(),
            client_certificate_id: None,
            folder_trash: String::new(),
            folder_junk: String::new(),
            folder_sent: String::new(),
            folder_deleted: String::new(),
            pop3_delete_after_fetch: false,
            pop3_delete_after_days: None,
        }
    }
}

impl From<&IncomingServer> for ServerInput {
    /// The input that would save `s` unchanged (the edit form's starting point).
    fn from(s: &IncomingServer) -> Self {
        ServerInput {
            name: s.name.clone(),
            protocol: s.protocol,
            host: s.host.clone(),
            security: s.security,
            port: s.port_manual.then_some(s.port as i64),
            timeout_secs: s.timeout_secs as i64,
            auth_method: s.auth_method,
            ntlm_domain: s.ntlm_domain.clone(),
            oauth_provider_id: s.oauth_provider_id,
            login_user: s.login_user.clone(),
            password: SecretUpdate::Keep,
            allow_plaintext: s.allow_plaintext,
            tls_verify: s.tls_verify,
            tls_insecure_confirmed: !s.tls_verify,
            tls_alt_name: s.tls_alt_name.clone(),
            tls_pin_sha256: s.tls_pin_sha256.clone(),
            client_certificate_id: s.client_certificate_id,
            folder_trash: s.folder_trash.clone(),
            folder_junk: s.folder_junk.clone(),
            folder_sent: s.folder_sent.clone(),
            folder_deleted: s.folder_deleted.clone(),
            pop3_delete_after_fetch: s.pop3_delete_after_fetch,
            pop3_delete_after_days: s.pop3_delete_after_days.map(i64::from),
        }
    }
}

/// A validated, normalized server ready to be written (everything but identity and secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFields {
    pub name: String,
    pub protocol: Protocol,
    pub host: String,
    pub security: Security,
    pub port: u16,
    pub port_manual: bool,
    pub timeout_secs: u32,
    pub auth_method: AuthMethod,
    pub ntlm_domain: String,
    /// The OAuth provider for OAuth2 logins (SPEC §2.1 / §2.2).
    pub oauth_provider_id: Option<i64>,
    pub login_user: String,
    pub allow_plaintext: bool,
    pub tls_verify: bool,
    pub tls_alt_name: String,
    pub tls_pin_sha256: String,
    pub client_certificate_id: Option<i64>,
    pub folder_trash: String,
    pub folder_junk: String,
    pub folder_sent: String,
    pub folder_deleted: String,
    pub pop3_delete_after_fetch: bool,
    pub pop3_delete_after_days: Option<u32>,
}

impl ServerInput {
    /// Checks every field and returns the normalized record, or all field problems at once.
    /// `existing` is the stored server when editing (the protocol is fixed after creation).
    pub fn validate(&self, existing: Option<&IncomingServer>) -> Result<ServerFields> {
        let mut issues = Issues::default();
        let name = self.name.trim().to_string();
        issues.text("name", &name, NAME_MAX, true);

        if let Some(e) = existing {
            if e.protocol != self.protocol {
                issues.push(FieldIssue::new("protocol", FieldCode::FixedAfterCreation));
            }
        }

        let (host, port, port_manual) = issues.endpoint(
            &self.host,
            self.port,
            default_incoming_port(self.protocol, self.security),
            true,
        );
        issues.timeout(self.timeout_secs);
        let ntlm_domain = self.ntlm_domain.trim().to_string();
        issues.text("ntlm_domain", &ntlm_domain, TEXT_MAX, false);
        let login_user = self.login_user.trim().to_string();
        issues.text("login_user", &login_user, TEXT_MAX, false);
        issues.secret("password", &self.password);
        let (tls_alt_name, tls_pin_sha256) = issues.tls(
            self.tls_verify,
            self.tls_insecure_confirmed,
            &self.tls_alt_name,
            &self.tls_pin_sha256,
            true,
        );

        let folders = [
            ("folder_trash", self.folder_trash.trim()),
            ("folder_junk", self.folder_junk.trim()),
            ("folder_sent", self.folder_sent.trim()),
            ("folder_deleted", self.folder_deleted.trim()),
        ];
        for (field, value) in folders {
            if !value.is_empty() && !self.protocol.is_imap() {
                issues.push(FieldIssue::new(field, FieldCode::ImapOnly));
            } else {
                issues.text(field, value, TEXT_MAX, false);
            }
        }

        if !self.protocol.downloads() && self.pop3_delete_after_fetch {
            issues.push(FieldIssue::new(
                "pop3_delete_after_fetch",
                FieldCode::Pop3Only,
            ));
        }
        let pop3_delete_after_days = match self.pop3_delete_after_days {
            None => None,
            Some(_) if !self.protocol.downloads() => {
                issues.push(FieldIssue::new(
                    "pop3_delete_after_days",
                    FieldCode::Pop3Only,
                ));
                None
            }
            Some(d) if (1..=3650).contains(&d) => Some(d as u32),
            Some(_) => {
                issues.push(FieldIssue::new(
                    "pop3_delete_after_days",
                    FieldCode::DaysRange,
                ));
                None
            }
        };

        if !issues.is_empty() {
            return Err(Error::Validation(issues.0));
        }
        Ok(ServerFields {
            name,
            protocol: self.protocol,
            host,
            security: self.security,
            port,
            port_manual,
            timeout_secs: self.timeout_secs as u32,
            auth_method: self.auth_method,
            ntlm_domain,
            // Only an OAuth2 login names a provider (a stale one would block deleting it).
            oauth_provider_id: self
                .oauth_provider_id
                .filter(|_| self.auth_method == AuthMethod::Oauth2),
            login_user,
            // The confirmation only means something when the connection is unencrypted.
            allow_plaintext: self.allow_plaintext && self.security == Security::None,
            tls_verify: self.tls_verify,
            tls_alt_name,
            tls_pin_sha256,
            client_certificate_id: self.client_certificate_id,
            folder_trash: folders[0].1.to_string(),
            folder_junk: folders[1].1.to_string(),
            folder_sent: folders[2].1.to_string(),
            folder_deleted: folders[3].1.to_string(),
            pop3_delete_after_fetch: self.pop3_delete_after_fetch,
            pop3_delete_after_days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ServerInput {
        ServerInput {
            name: "Main IMAP".into(),
            host: "imap.example.com".into(),
            ..Default::default()
        }
    }

    fn codes(r: Result<ServerFields>) -> Vec<(&'static str, FieldCode)> {
        match r {
            Err(Error::Validation(v)) => v.iter().map(|i| (i.field, i.code)).collect(),
            other => panic!("expected validation error, got {other:?}"),
        }
    }

    #[test]
    fn port_follows_protocol_and_security_until_edited() {
        let mut i = input();
        for (p, s, want) in [
            (Protocol::Imap, Security::Tls, 993),
            (Protocol::Imap, Security::Starttls, 143),
            (Protocol::Imap, Security::None, 143),
            (Protocol::Imap, Security::Auto, 993),
            (Protocol::Pop3, Security::Tls, 995),
            (Protocol::Pop3, Security::Starttls, 110),
            (Protocol::ImapDownload, Security::Starttls, 143),
        ] {
            i.protocol = p;
            i.security = s;
            let f = i.validate(None).unwrap();
            assert_eq!((f.port, f.port_manual), (want, false), "{p:?} {s:?}");
        }
        // A manual port sticks whatever the security.
        i.protocol = Protocol::Imap;
        i.port = Some(10993);
        for s in Security::ALL {
            i.security = *s;
            let f = i.validate(None).unwrap();
            assert_eq!((f.port, f.port_manual), (10993, true));
        }
    }

    #[test]
    fn host_with_port_sets_a_manual_port() {
        let mut i = input();
        i.host = "imap.example.com:1143".into();
        let f = i.validate(None).unwrap();
        assert_eq!(
            (f.host.as_str(), f.port, f.port_manual),
            ("imap.example.com", 1143, true)
        );
        i.port = Some(993);
        assert_eq!(
            codes(i.validate(None)),
            vec![("host", FieldCode::HostPortMismatch)]
        );
    }

    #[test]
    fn bad_fields_are_all_reported_by_name() {
        let i = ServerInput {
            name: "  ".into(),
            host: "imap example.com".into(),
            port: Some(0),
            timeout_secs: 601,
            tls_verify: false,
            tls_pin_sha256: "xyz".into(),
            ..Default::default()
        };
        let mut got = codes(i.validate(None));
        got.sort();
        assert_eq!(
            got,
            vec![
                ("host", FieldCode::HostInvalid),
                ("name", FieldCode::Required),
                ("port", FieldCode::PortRange),
                ("timeout_secs", FieldCode::TimeoutRange),
                ("tls_pin_sha256", FieldCode::FingerprintInvalid),
                ("tls_verify", FieldCode::ConfirmInsecure),
            ]
        );
    }

    #[test]
    fn out_of_range_values_are_refused() {
        for (port, timeout) in [(Some(65536), 30), (Some(-1), 30), (None, 0), (None, -5)] {
            let i = ServerInput {
                port,
                timeout_secs: timeout,
                ..input()
            };
            assert!(i.validate(None).is_err(), "{port:?} {timeout}");
        }
    }

    #[test]
    fn crlf_and_huge_strings_are_refused_in_every_text_field() {
        let huge = "x".repeat(100_000);
        type Setter = fn(&mut ServerInput, String);
        let setters: &[(&str, Setter)] = &[
            ("name", |i, v| i.name = v),
            ("host", |i, v| i.host = v),
            ("login_user", |i, v| i.login_user = v),
            ("ntlm_domain", |i, v| i.ntlm_domain = v),
            ("tls_alt_name", |i, v| i.tls_alt_name = v),
            ("folder_trash", |i, v| i.folder_trash = v),
            ("folder_sent", |i, v| i.folder_sent = v),
            ("password", |i, v| i.password = SecretUpdate::set(v)),
        ];
        for (field, set) in setters {
            for bad in ["a\r\nb".to_string(), "a\u{0}b".to_string(), huge.clone()] {
                let mut i = input();
                set(&mut i, bad);
                let got = codes(i.validate(None));
                assert_eq!(got.len(), 1, "{field}: {got:?}");
                assert_eq!(got[0].0, *field);
            }
        }
    }

    #[test]
    fn protocol_is_fixed_after_creation() {
        let stored = sample_stored();
        let mut i = ServerInput::from(&stored);
        assert!(i.validate(Some(&stored)).is_ok());
        i.protocol = Protocol::Pop3;
        assert!(
            codes(i.validate(Some(&stored))).contains(&("protocol", FieldCode::FixedAfterCreation))
        );
    }

    #[test]
    fn imap_and_pop3_options_only_where_they_apply() {
        let mut i = ServerInput {
            protocol: Protocol::Pop3,
            folder_trash: "Trash".into(),
            ..input()
        };
        assert_eq!(
            codes(i.validate(None)),
            vec![("folder_trash", FieldCode::ImapOnly)]
        );
        i.protocol = Protocol::Imap;
        i.folder_trash = String::new();
        i.pop3_delete_after_fetch = true;
        assert_eq!(
            codes(i.validate(None)),
            vec![("pop3_delete_after_fetch", FieldCode::Pop3Only)]
        );
        i.protocol = Protocol::ImapDownload;
        i.folder_trash = "Trash".into();
        i.pop3_delete_after_days = Some(14);
        let f = i.validate(None).unwrap();
        assert_eq!(f.pop3_delete_after_days, Some(14));
        i.pop3_delete_after_days = Some(0);
        assert_eq!(
            codes(i.validate(None)),
            vec![("pop3_delete_after_days", FieldCode::DaysRange)]
        );
    }

    #[test]
    fn verification_off_needs_confirmation_and_plaintext_only_with_none() {
        let mut i = ServerInput {
            tls_verify: false,
            ..input()
        };
        assert!(i.validate(None).is_err());
        i.tls_insecure_confirmed = true;
        assert!(!i.validate(None).unwrap().tls_verify);
        i.allow_plaintext = true;
        assert!(!i.validate(None).unwrap().allow_plaintext);
        i.security = Security::None;
        assert!(i.validate(None).unwrap().allow_plaintext);
    }

    #[test]
    fn idn_host_is_stored_as_entered() {
        let i = ServerInput {
            host: "imap.müller-bau.de".into(),
            ..input()
        };
        assert_eq!(i.validate(None).unwrap().host, "imap.müller-bau.de");
    }

    pub(crate) fn sample_stored() -> IncomingServer {
        IncomingServer {
            id: 1,
            version: 1,
            name: "Main".into(),
            protocol: Protocol::Imap,
            host: "imap.example.com".into(),
            security: Security::Tls,
            port: 993,
            port_manual: false,
            timeout_secs: 30,
            auth_method: AuthMethod::Password,
            ntlm_domain: String::new(),
            oauth_provider_id: None,
            login_user: String::new(),
            password: SecretState::None,
            allow_plaintext: false,
            tls_verify: true,
            tls_alt_name: String::new(),
            tls_pin_sha256: String::new(),
            client_certificate_id: None,
            folder_trash: String::new(),
            folder_junk: String::new(),
            folder_sent: String::new(),
            folder_deleted: String::new(),
            pop3_delete_after_fetch: false,
            pop3_delete_after_days: None,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }
}
