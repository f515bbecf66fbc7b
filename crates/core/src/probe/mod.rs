//! Connection tests (SPEC §3): the probe engine that resolves, connects, negotiates TLS,
//! logs in and checks IMAP, POP3 and SMTP servers step by step, with a redacted transcript
//! and a diagnosis for every failure. It works on plain target structs, not on the database.
//!
//! The protocols are spoken directly (not through an IMAP/SMTP client library) so that
//! every line can be shown, every read is bounded in size and time, and a failure can be
//! pinned to the exact step and server answer.

mod answer;
pub mod caldav;
mod conn;
pub mod graph_calendar;
pub use crate::diag as diagnosis;
mod flow;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) mod fuzz;
mod graph;
mod imap;
mod imap_actions;
mod net;
mod ntlm;
mod pop3;
mod providers;
mod runner;
mod sasl;
mod smime;
pub use smime::{addresses as smime_addresses, verify as smime_verify};
mod smtp;
#[cfg(test)]
mod testing;
mod tls;
pub use crate::tls::warm_up;
pub mod transcript;

pub use caldav::CaldavTarget;
pub use diagnosis::{Diagnosis, Evidence, Severity};
pub use flow::run;
pub use graph_calendar::GraphCalendarTarget;
pub use imap_actions::{folder_tree, set_subscribed, set_subscriptions, ActionError};
pub use tokio_util::sync::CancellationToken;
pub use transcript::{Dir, TranscriptLine};

pub use crate::diag::OsTrust;
use crate::diag::{DiagnosisCode, Trust};
use crate::kinds::Security;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::time::Duration;
use ts_rs::TS;

/// What kind of server a target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProbeProtocol {
    Imap,
    Pop3,
    /// IMAP used like POP3 (fetch, then delete or move): checked like IMAP, on INBOX.
    ImapDownload,
    Smtp,
    /// Microsoft 365 sending through Microsoft Graph (`sendMail`) instead of SMTP.
    Graph,
}

impl ProbeProtocol {
    /// The protocol's name as administrators know it.
    pub fn label(self) -> &'static str {
        match self {
            ProbeProtocol::Imap | ProbeProtocol::ImapDownload => "IMAP",
            ProbeProtocol::Pop3 => "POP3",
            ProbeProtocol::Smtp => "SMTP",
            ProbeProtocol::Graph => "Microsoft Graph",
        }
    }
}

impl From<crate::kinds::Protocol> for ProbeProtocol {
    fn from(p: crate::kinds::Protocol) -> Self {
        match p {
            crate::kinds::Protocol::Imap => ProbeProtocol::Imap,
            crate::kinds::Protocol::Pop3 => ProbeProtocol::Pop3,
            crate::kinds::Protocol::ImapDownload => ProbeProtocol::ImapDownload,
        }
    }
}

/// How to log in. `Password` picks PLAIN when the server offers it, else LOGIN; the
/// explicit variants force one mechanism (IMAP: `Login` is the LOGIN command, POP3: USER/PASS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProbeAuth {
    /// No login (SMTP without authentication).
    None,
    Password,
    Plain,
    Login,
    CramMd5,
    /// XOAUTH2 / OAUTHBEARER with an access token (`ProbeTarget::password`).
    Oauth2,
    Ntlm,
}

impl From<crate::kinds::AuthMethod> for ProbeAuth {
    fn from(a: crate::kinds::AuthMethod) -> Self {
        match a {
            crate::kinds::AuthMethod::Password => ProbeAuth::Password,
            crate::kinds::AuthMethod::CramMd5 => ProbeAuth::CramMd5,
            crate::kinds::AuthMethod::Oauth2 => ProbeAuth::Oauth2,
            crate::kinds::AuthMethod::Ntlm => ProbeAuth::Ntlm,
        }
    }
}

pub use crate::sensitive::Secret;

/// TLS options of a target (SPEC §2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    /// Verify chain, validity and name. Off is honoured but reported on every run.
    pub verify: bool,
    /// Alternative expected certificate name (Abweichender Common Name).
    pub alt_name: String,
    /// Pinned SHA-256 fingerprint of the leaf certificate (any hex format). A match is
    /// trusted whatever the chain says.
    pub pin_sha256: String,
    /// Additional trusted CA certificates (PEM), besides the OS trust store.
    pub extra_roots: Vec<String>,
    /// The TLS client certificate presented when the server asks for one (the outgoing
    /// server's, from the certificate store); `None`: none configured.
    pub client_cert: Option<ClientCertificate>,
}

impl Default for TlsSettings {
    fn default() -> Self {
        TlsSettings {
            verify: true,
            alt_name: String::new(),
            pin_sha256: String::new(),
            extra_roots: Vec::new(),
            client_cert: None,
        }
    }
}

/// A TLS client certificate with its key as loaded from the certificate store, or why it
/// cannot be presented (checked before connecting: `tls.client_cert_unusable` /
/// `tls.client_cert_expired`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientCertificate {
    /// The certificate's name in the store, for the evidence.
    pub name: String,
    /// The certificate (PEM); empty: not found in the store.
    pub certificate_pem: String,
    /// Intermediate certificates sent along with it (PEM).
    pub chain_pem: Vec<String>,
    /// The private key (PEM), or why it is not available.
    pub key_pem: Option<Secret>,
    pub key_error: Option<String>,
}

/// What the IMAP round trip does with its own test mail once it arrived: what the business
/// application does with mail it deletes (the account's delete procedure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeleteProcedure {
    /// Moved to the trash folder: the configured one, else the folder the server marks
    /// `\Trash` (UID MOVE, else COPY + `\Deleted` + expunge).
    MoveToTrash,
    /// Flagged `\Deleted` and left in the mailbox.
    MarkDeleted,
    /// Flagged `\Deleted` and expunged at once.
    #[default]
    Expunge,
}

/// Configured special folders (IMAP); empty means "detect via SPECIAL-USE".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecialFolders {
    pub trash: String,
    pub junk: String,
    pub sent: String,
    pub deleted: String,
    /// The account's subfolders fetched automatically (Ausgewählte Unterordner abrufen):
    /// each must exist on the server.
    pub fetched: Vec<String>,
}

/// One server to test, as plain data.
#[derive(Debug, Clone)]
pub struct ProbeTarget {
    pub protocol: ProbeProtocol,
    /// As entered: a name (IDN allowed, tested as punycode) or an IP literal.
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Bounds every step.
    pub timeout: Duration,
    pub auth: ProbeAuth,
    /// Empty: no login, only the connection is checked (SMTP: same as `ProbeAuth::None`).
    pub user: String,
    /// NTLM logins: the Windows domain (empty: none, or `DOMAIN\user` in `user`).
    pub ntlm_domain: String,
    pub password: Option<Secret>,
    /// Why no password is available (e.g. the keyring was locked), for the diagnosis.
    pub password_error: Option<String>,
    /// The user confirmed that a password may travel unencrypted (security "none" only).
    pub allow_plaintext: bool,
    pub tls: TlsSettings,
    /// SMTP: the address for MAIL FROM (and From: of a test mail).
    pub sender: String,
    /// SMTP: the name in From: of a test mail (Absendername); empty: "Mailbox Admin".
    pub sender_name: String,
    /// IMAP: the mailbox path to check (empty: INBOX).
    pub mailbox_path: String,
    /// POP3: fetched mail is deleted on the server after this many days, which needs UIDL.
    pub delete_after_days: Option<u32>,
    pub folders: SpecialFolders,
    /// IMAP round trip: what is done with the test mail once it arrived (the account's
    /// delete procedure).
    pub delete_procedure: DeleteProcedure,
    /// SMTP: the business application sends through this server from its application
    /// server, not from this computer: the test says so, and explains a relay refusal.
    pub app_server_sends: bool,
    /// Bind the client side to this address (a multi-homed host; tests use 127.0.0.2).
    pub local_addr: Option<IpAddr>,
    /// OAuth2 logins: the access token is in `password`; the mechanism to use, why no
    /// token could be had (refresh failed, not connected), and who consented.
    pub oauth_mechanism: crate::kinds::OauthMechanism,
    pub oauth_failure: Option<crate::diag::OauthFailure>,
    pub oauth_subject: String,
    /// Ask the operating system's TLS stack for its verdict too (a second connection in
    /// parallel). Off for bulk tests: one verdict per server is enough, and a server that
    /// limits connections per client should not see twice as many.
    pub os_verdict: bool,
    /// Resolve the host through this DNS layer (a custom server: split-horizon DNS)
    /// instead of the system's resolver.
    pub dns: Option<crate::dns::Dns>,
    /// Graph: the base URL (`https://graph.microsoft.com`); `sender` is the mailbox.
    pub graph_url: String,
    /// OAuth2: the scopes the provider said it granted (space-separated; empty: unknown),
    /// to explain a missing permission when the token itself does not say.
    pub oauth_scopes: String,
    /// SMTP: sign and/or encrypt the test mail with S/MIME.
    pub smime: Option<SmimeSettings>,
}

/// S/MIME for the test mail, from the outgoing server's certificate and key.
#[derive(Debug, Clone, Default)]
pub struct SmimeSettings {
    pub sign: bool,
    pub encrypt: bool,
    /// The certificate (PEM); empty: none chosen or not found (diagnosed before sending).
    pub certificate_pem: String,
    /// Intermediate certificates sent along with the signature (PEM).
    pub chain_pem: Vec<String>,
    /// The private key (PEM), or why it is not available.
    pub key_pem: Option<Secret>,
    pub key_error: Option<String>,
}

impl ProbeTarget {
    pub fn new(protocol: ProbeProtocol, host: &str, port: u16, security: Security) -> Self {
        ProbeTarget {
            protocol,
            host: host.to_string(),
            port,
            security,
            timeout: Duration::from_secs(crate::kinds::DEFAULT_TIMEOUT_SECS as u64),
            auth: ProbeAuth::Password,
            user: String::new(),
            ntlm_domain: String::new(),
            password: None,
            password_error: None,
            allow_plaintext: false,
            tls: TlsSettings::default(),
            sender: String::new(),
            sender_name: String::new(),
            mailbox_path: String::new(),
            delete_after_days: None,
            folders: SpecialFolders::default(),
            delete_procedure: DeleteProcedure::Expunge,
            app_server_sends: false,
            local_addr: None,
            oauth_mechanism: crate::kinds::OauthMechanism::Auto,
            oauth_failure: None,
            oauth_subject: String::new(),
            os_verdict: true,
            dns: None,
            graph_url: String::new(),
            oauth_scopes: String::new(),
            smime: None,
        }
    }
}

/// Send a mail to the account's own address and wait until it arrives.
#[derive(Debug, Clone)]
pub struct RoundTrip {
    /// Where the outgoing server sends it; the incoming target must receive it.
    pub address: String,
    /// How long to poll the incoming server.
    pub wait: Duration,
    /// The test mail goes out S/MIME-signed: what arrives is verified against these CAs
    /// (PEM) and the operating system's.
    pub smime_roots: Option<Vec<String>>,
}

/// What one test run covers: an incoming server, an outgoing server, or both (an account).
#[derive(Debug, Clone, Default)]
pub struct TestPlan {
    pub incoming: Option<ProbeTarget>,
    pub outgoing: Option<ProbeTarget>,
    /// Send a test mail to this address through the outgoing server.
    pub send_to: Option<String>,
    /// Needs both servers.
    pub roundtrip: Option<RoundTrip>,
    /// Sides of an account that have no server: each gets a warning step saying what the
    /// test did not check, so that the result is not a plain green.
    pub not_checked: Vec<Role>,
}

// ---- results --------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Incoming,
    Outgoing,
    /// A calendar account (CalDAV).
    Calendar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Resolve,
    Connect,
    Tls,
    Greeting,
    Capabilities,
    Login,
    /// IMAP: the folder list with SPECIAL-USE.
    Folders,
    /// IMAP: the mailbox path exists.
    Mailbox,
    /// IMAP: the configured special folders exist.
    SpecialFolders,
    /// POP3: STAT.
    Stat,
    /// POP3: UIDL, needed to delete fetched mail after N days.
    Uidl,
    /// SMTP: MAIL FROM with the sender address.
    Sender,
    /// SMTP: a test mail.
    Send,
    /// Wait for the test mail in the incoming server, then delete it.
    Roundtrip,
    Logout,
    /// A side of an account that has no server and so was not tested (a warning).
    NotChecked,
    /// CalDAV: where the server's CalDAV context is (SRV `_caldavs._tcp`, `.well-known`).
    Discovery,
    /// CalDAV: `current-user-principal` with the login.
    Principal,
    /// CalDAV: the principal's `calendar-home-set`.
    CalendarHome,
    /// CalDAV: the calendars of the home; the configured one exists.
    Calendars,
    /// CalDAV: a REPORT of the events in the sync range.
    CalendarRead,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Running,
    Ok,
    Warning,
    Failed,
    Skipped,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Step {
    pub role: Role,
    pub kind: StepKind,
    pub status: StepStatus,
    pub duration_ms: u64,
    pub summary: String,
    /// Why it failed, or the first warning.
    pub diagnosis: Option<Diagnosis>,
    /// Further warnings of the same step.
    pub more_diagnoses: Vec<Diagnosis>,
    pub transcript: Vec<TranscriptLine>,
    /// For TLS steps: what the handshake and the certificate showed.
    pub tls: Option<TlsEvidence>,
}

pub use crate::tls::CertInfo;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TlsEvidence {
    /// `TLSv1.3`; empty when the handshake did not finish.
    pub version: String,
    pub cipher: String,
    /// Verified, pinned, not verified (verification off) or failed.
    pub trust: Trust,
    /// The name the certificate was checked against.
    pub checked_name: String,
    /// Leaf first.
    pub chain: Vec<CertInfo>,
    /// What the operating system's own TLS stack says, with only the OS trust store (a
    /// second handshake): `None` when not checked.
    #[serde(default)]
    pub os_trust: Option<OsTrust>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Folder {
    /// Decoded (UTF-8) name, as shown and stored in the settings.
    pub name: String,
    pub delimiter: Option<String>,
    /// `\Sent`, `\Trash`, `\Junk`, `\Drafts`, `\Archive`, `\All`, `\Flagged`.
    pub special_use: Option<String>,
    pub subscribed: bool,
    pub selectable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TargetSummary {
    pub role: Role,
    pub protocol: ProbeProtocol,
    pub host: String,
    /// The punycode form that was resolved.
    pub ascii_host: String,
    pub port: u16,
    pub security: Security,
    pub auth: ProbeAuth,
    pub user: String,
    pub tls_verify: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TestReport {
    pub targets: Vec<TargetSummary>,
    /// RFC 3339 UTC.
    pub started_at: String,
    pub duration_ms: u64,
    /// Every step passed (warnings allowed) and the test was not cancelled.
    pub ok: bool,
    pub cancelled: bool,
    /// The diagnosis codes of all failures and warnings, in order.
    pub codes: Vec<DiagnosisCode>,
    pub steps: Vec<Step>,
    /// The first TLS evidence (the incoming server's, if tested).
    pub tls: Option<TlsEvidence>,
    /// IMAP: the server's folder tree.
    pub folders: Option<Vec<Folder>>,
}

impl TestReport {
    /// Failed, but only for reasons that may pass by themselves (a server's login service
    /// that failed, a timeout, greylisting …): nothing in the settings was found wrong.
    pub fn failed_temporarily(&self) -> bool {
        let mut failures = self
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Failed)
            .filter_map(|s| s.diagnosis.as_ref())
            .peekable();
        !self.ok
            && !self.cancelled
            && failures.peek().is_some()
            && failures.all(|d| d.code.is_transient())
    }
}

/// A step as it starts (status `running`) and again as it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProbeEvent {
    /// Position of the step in `TestReport::steps`.
    pub index: u32,
    pub step: Step,
}

/// Receives every step as it starts and as it ends.
pub type Progress<'a> = &'a (dyn Fn(&ProbeEvent) + Send + Sync);

/// A progress receiver that ignores everything.
pub fn no_progress(_: &ProbeEvent) {}
