//! Provisioning of phones and tablets: the files and codes that carry one account's settings
//! to a device — Apple configuration profile (signed or not), Thunderbird autoconfig XML, QR
//! codes (Thunderbird for Android, Delta Chat). Pure formats and signing: the records come
//! from `app`; nothing here reads the database, the keyring or the network.

pub mod apple;
pub mod autoconfig;
pub mod qr;
pub mod sign;

use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use crate::kinds::{AuthMethod, Protocol, Security};
use crate::model::{IncomingServer, OutgoingKind, OutgoingServer, SmtpAuth, M365_SMTP_HOST};
use crate::sensitive::Secret;

/// How a device secures a connection: implicit TLS or STARTTLS (plaintext is refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    Implicit,
    Starttls,
}

/// How a device logs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Login {
    None,
    Password,
    CramMd5,
    Ntlm,
    Oauth2,
}

/// One server as a device sees it (host as ASCII: IDN in punycode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub login: Login,
    pub username: String,
}

/// Everything a format needs of one account: resolved servers, login, the password only when
/// the user asked for it.
#[derive(Debug, Clone)]
pub struct Target {
    pub account_name: String,
    pub email: String,
    pub sender_name: String,
    /// IMAP (also for IMAP download) or POP3.
    pub pop3: bool,
    pub incoming: Endpoint,
    pub outgoing: Endpoint,
    /// A Microsoft 365 / Exchange Online account (OAuth only): Apple gets an Exchange payload.
    pub microsoft365: bool,
    /// The incoming login's password (and the outgoing one's when it is a different login).
    pub password: Option<Secret>,
    pub outgoing_password: Option<Secret>,
}

impl Target {
    /// The target of an account with its incoming and effective outgoing server; refuses an
    /// account without either and a server a phone would talk to in plaintext.
    pub fn new(
        account: &crate::model::Account,
        incoming: Option<&IncomingServer>,
        outgoing: Option<&OutgoingServer>,
        microsoft365_provider: bool,
    ) -> Result<Target> {
        let mut issues = Vec::new();
        if incoming.is_none() {
            issues.push(FieldIssue::new("incoming_server_id", FieldCode::NoIncoming));
        }
        if outgoing.is_none() {
            issues.push(FieldIssue::new("outgoing_server_id", FieldCode::NoOutgoing));
        }
        let (Some(i), Some(o)) = (incoming, outgoing) else {
            return Err(Error::Validation(issues));
        };
        let login = if account.username.trim().is_empty() {
            account.email.clone()
        } else {
            account.username.trim().to_string()
        };
        let in_tls = device_tls(i.security, i.port, &[993, 995]);
        let m365 = o.kind == OutgoingKind::Microsoft365;
        let (out_host, out_port, out_sec) = if m365 && o.host.trim().is_empty() {
            (M365_SMTP_HOST.to_string(), 587, Security::Starttls)
        } else {
            (o.host.clone(), o.port, o.security)
        };
        let out_tls = device_tls(out_sec, out_port, &[465]);
        for (tls, name) in [(in_tls, &i.name), (out_tls, &o.name)] {
            if tls.is_none() {
                issues.push(
                    FieldIssue::new("security", FieldCode::PlaintextServer).arg("server", name),
                );
            }
        }
        if !issues.is_empty() {
            return Err(Error::Validation(issues));
        }
        let out_login = match (m365, o.auth_method) {
            (true, _) | (_, SmtpAuth::Oauth2) => Login::Oauth2,
            (_, SmtpAuth::None) => Login::None,
            (_, SmtpAuth::Password) => Login::Password,
            (_, SmtpAuth::CramMd5) => Login::CramMd5,
            (_, SmtpAuth::Ntlm) => Login::Ntlm,
        };
        let in_login = match i.auth_method {
            AuthMethod::Password => Login::Password,
            AuthMethod::CramMd5 => Login::CramMd5,
            AuthMethod::Ntlm => Login::Ntlm,
            AuthMethod::Oauth2 => Login::Oauth2,
        };
        // An outgoing server without a login of its own is used with the mailbox's login.
        let out_user = if o.username.trim().is_empty() || m365 {
            login.clone()
        } else {
            o.username.trim().to_string()
        };
        Ok(Target {
            account_name: account.name.clone(),
            email: account.email.clone(),
            sender_name: account.effective_sender_name.clone(),
            pop3: i.protocol == Protocol::Pop3,
            incoming: Endpoint {
                host: ascii_host(&i.host),
                port: i.port,
                tls: in_tls.unwrap_or(Tls::Implicit),
                login: in_login,
                username: login,
            },
            outgoing: Endpoint {
                host: ascii_host(&out_host),
                port: out_port,
                tls: out_tls.unwrap_or(Tls::Implicit),
                login: out_login,
                username: out_user,
            },
            microsoft365: m365 || microsoft365_provider,
            password: None,
            outgoing_password: None,
        })
    }

    /// Whether any login of the account is OAuth2 (no password can be handed to a device).
    pub fn uses_oauth(&self) -> bool {
        self.incoming.login == Login::Oauth2 || self.outgoing.login == Login::Oauth2
    }

    /// Whether the outgoing server logs in with the incoming login (one password).
    pub fn same_login(&self) -> bool {
        self.outgoing.login != Login::None && self.outgoing.username == self.incoming.username
    }

    /// The domain of the address (after the last `@`), lower case.
    pub fn domain(&self) -> String {
        domain_of(&self.email)
    }
}

pub fn domain_of(email: &str) -> String {
    email
        .rsplit_once('@')
        .map(|(_, d)| d.trim().to_lowercase())
        .unwrap_or_default()
}

/// Auto (prefer implicit TLS, else STARTTLS) becomes what the port says; `None` is plaintext.
fn device_tls(security: Security, port: u16, implicit_ports: &[u16]) -> Option<Tls> {
    match security {
        Security::None => None,
        Security::Tls => Some(Tls::Implicit),
        Security::Starttls => Some(Tls::Starttls),
        Security::Auto if implicit_ports.contains(&port) => Some(Tls::Implicit),
        Security::Auto => Some(Tls::Starttls),
    }
}

fn ascii_host(host: &str) -> String {
    let h = host.trim();
    idna::domain_to_ascii(h).unwrap_or_else(|_| h.to_string())
}

/// A refusal of field `field` with `code`, naming the format where it matters.
pub(crate) fn refuse(field: &'static str, code: FieldCode, format: &str) -> Error {
    Error::Validation(vec![FieldIssue::new(field, code).arg("format", format)])
}

/// A random (version 4) UUID in upper case, as Apple's tools write them.
pub fn new_uuid() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the OS random source");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02X}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}
