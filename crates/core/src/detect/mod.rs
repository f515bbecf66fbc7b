//! Settings from an e-mail address: every source started together (overrides and presets,
//! autoconfig, the provider database, MX, SRV, Exchange autodiscover, guessing), ranked — a
//! lower-ranked answer wins only when every higher one has failed, the losers are cancelled —
//! under one hard time budget, each source's outcome reported live and kept in the result,
//! with the trust level and the source of every value. Plain data in, plain data out: the
//! app layer maps the result to the model and proves it with a login.

pub(crate) mod exchange;
pub mod guess;
pub mod http;
mod sources;
pub mod xml;

pub use guess::GuessPorts;

use crate::diag::{DiagnosisCode, FieldCode};
use crate::dns::Dns;
use crate::error::{Error, FieldIssue};
use crate::i18n::Lang;
use crate::kinds::Security;
use crate::tls::TlsConfig;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// The overall budget unless the general settings say otherwise.
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(8);
/// Thunderbird's database of providers; a company can run a mirror (general settings).
pub const DEFAULT_ISPDB_URL: &str = "https://autoconfig.thunderbird.net/v1.1/";
/// Per HTTP request (Thunderbird: 5 s) and per guess probe (Thunderbird: 10 s).
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(4);
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// Per DNS query.
pub const DEFAULT_DNS_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DetectedProtocol {
    Imap,
    Pop3,
    Smtp,
}

impl DetectedProtocol {
    pub fn label(self) -> &'static str {
        match self {
            DetectedProtocol::Imap => "IMAP",
            DetectedProtocol::Pop3 => "POP3",
            DetectedProtocol::Smtp => "SMTP",
        }
    }
}

/// The login a source names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DetectedAuth {
    /// PLAIN/LOGIN (`password-cleartext`).
    Password,
    /// CRAM-MD5 (`password-encrypted`).
    CramMd5,
    Oauth2,
    Ntlm,
    /// No login (`none`, `client-IP-address`).
    None,
    /// Only methods we do not speak (e.g. GSSAPI).
    Unsupported,
}

impl DetectedAuth {
    fn from_autoconfig(s: &str) -> Option<DetectedAuth> {
        Some(match s {
            "password-cleartext" | "plain" => DetectedAuth::Password,
            "password-encrypted" | "secure" => DetectedAuth::CramMd5,
            "OAuth2" => DetectedAuth::Oauth2,
            "NTLM" => DetectedAuth::Ntlm,
            "none" | "client-IP-address" => DetectedAuth::None,
            _ => return None,
        })
    }
}

/// How the login name is formed from the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UsernameForm {
    /// `%EMAILADDRESS%`
    EmailAddress,
    /// `%EMAILLOCALPART%`
    LocalPart,
    /// Anything else (a fixed name, `%EMAILDOMAIN%` combinations, empty).
    Other,
}

impl UsernameForm {
    fn from_template(t: &str) -> UsernameForm {
        match t.trim() {
            "%EMAILADDRESS%" => UsernameForm::EmailAddress,
            "%EMAILLOCALPART%" => UsernameForm::LocalPart,
            _ => UsernameForm::Other,
        }
    }
}

/// One server found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DetectedServer {
    pub protocol: DetectedProtocol,
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub auth: DetectedAuth,
    pub username: UsernameForm,
    /// As the source wrote it (`%EMAILADDRESS%`, …).
    pub username_template: String,
    /// Where every value of this server comes from.
    pub source: SourceKind,
    /// The URL, DNS name or preset that gave it.
    pub origin: String,
}

impl DetectedServer {
    /// The login name for `address` (local part and ASCII domain).
    pub fn username_for(&self, local: &str, domain: &str) -> String {
        let address = format!("{local}@{domain}");
        if self.username_template.trim().is_empty() {
            return address;
        }
        self.username_template
            .replace("%EMAILADDRESS%", &address)
            .replace("%EMAILLOCALPART%", local)
            .replace("%EMAILDOMAIN%", domain)
    }
}

/// The sources, in rank order (lower wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The administrator's own provider entries.
    Override,
    /// The built-in provider presets.
    Preset,
    /// `https://autoconfig.<domain>/mail/config-v1.1.xml`
    Autoconfig,
    /// `https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml`
    WellKnown,
    /// The same two over plain HTTP (only when allowed).
    AutoconfigHttp,
    WellKnownHttp,
    /// The provider database (ISPDB format) at the configured base URL.
    Ispdb,
    /// The most preferred MX host: Microsoft 365 / Google, else autoconfig and the database
    /// for its domains.
    Mx,
    /// RFC 6186 / RFC 8314 SRV records.
    Srv,
    /// Exchange autodiscover (POX), only with a password or Exchange chosen.
    Exchange,
    /// Probing `imap.`, `smtp.`, `mail.` … on the standard ports.
    Guess,
}

impl SourceKind {
    pub const ALL: [SourceKind; 11] = [
        SourceKind::Override,
        SourceKind::Preset,
        SourceKind::Autoconfig,
        SourceKind::WellKnown,
        SourceKind::AutoconfigHttp,
        SourceKind::WellKnownHttp,
        SourceKind::Ispdb,
        SourceKind::Mx,
        SourceKind::Srv,
        SourceKind::Exchange,
        SourceKind::Guess,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        let (de, en) = match self {
            SourceKind::Override => ("Eigene Einträge", "Own entries"),
            SourceKind::Preset => ("Anbieter-Vorlagen", "Provider presets"),
            SourceKind::Autoconfig => ("Autoconfig (HTTPS)", "Autoconfig (HTTPS)"),
            SourceKind::WellKnown => (
                "Autoconfig .well-known (HTTPS)",
                "Autoconfig .well-known (HTTPS)",
            ),
            SourceKind::AutoconfigHttp => ("Autoconfig (HTTP)", "Autoconfig (HTTP)"),
            SourceKind::WellKnownHttp => (
                "Autoconfig .well-known (HTTP)",
                "Autoconfig .well-known (HTTP)",
            ),
            SourceKind::Ispdb => ("Anbieter-Datenbank", "Provider database"),
            SourceKind::Mx => ("MX-Eintrag", "MX record"),
            SourceKind::Srv => ("SRV-Einträge", "SRV records"),
            SourceKind::Exchange => ("Exchange-Autodiscover", "Exchange autodiscover"),
            SourceKind::Guess => ("Ausprobieren", "Guessing"),
        };
        match lang {
            Lang::De => de,
            Lang::En => en,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    Running,
    Found,
    /// Nothing published there.
    NotFound,
    TimedOut,
    /// Refused by a rule (plain HTTP, DTD, size) or by the other side.
    Refused,
    Failed,
    /// Stopped: a better-ranked source answered, or the detection was cancelled.
    Cancelled,
    /// Not asked (not applicable, or not allowed by the settings).
    Skipped,
}

impl SourceStatus {
    pub fn label(self, lang: Lang) -> &'static str {
        let (de, en) = match self {
            SourceStatus::Running => ("läuft", "running"),
            SourceStatus::Found => ("gefunden", "found"),
            SourceStatus::NotFound => ("nichts gefunden", "not found"),
            SourceStatus::TimedOut => ("Zeitüberschreitung", "timed out"),
            SourceStatus::Refused => ("abgelehnt", "refused"),
            SourceStatus::Failed => ("fehlgeschlagen", "failed"),
            SourceStatus::Cancelled => ("abgebrochen", "cancelled"),
            SourceStatus::Skipped => ("nicht gefragt", "not asked"),
        };
        match lang {
            Lang::De => de,
            Lang::En => en,
        }
    }
}

/// What one source did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceOutcome {
    pub source: SourceKind,
    /// What was asked: URL(s) or DNS name(s).
    pub target: String,
    pub status: SourceStatus,
    /// Why it did not find anything (a `detect.*` code), with its translated texts.
    pub diagnosis: Option<crate::diag::Diagnosis>,
    /// The details: what each request answered.
    pub detail: String,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TrustLevel {
    /// HTTPS from the address's own domain, the provider database, a preset.
    Confirmed,
    /// Ask before using: see the reasons.
    Unconfirmed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UnconfirmedReason {
    /// Some hop was plain HTTP.
    PlainHttp,
    /// A redirect led to another registrable domain.
    CrossDomainRedirect,
    /// Derived from an MX record read over plain DNS (no DNSSEC validation).
    MxWithoutDnssec,
    /// From SRV records (spoofable, no username form).
    Srv,
    /// Guessed by probing.
    Guess,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DetectTrust {
    pub level: TrustLevel,
    pub reasons: Vec<UnconfirmedReason>,
    /// The registrable domain the settings come from (what the user is asked to trust).
    pub domain: String,
}

impl DetectTrust {
    fn new(reasons: Vec<UnconfirmedReason>, domain: String) -> DetectTrust {
        DetectTrust {
            level: if reasons.is_empty() {
                TrustLevel::Confirmed
            } else {
                TrustLevel::Unconfirmed
            },
            reasons,
            domain,
        }
    }
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DetectResult {
    /// As entered.
    pub address: String,
    /// As entered (IDN shown as typed).
    pub domain: String,
    /// The punycode form that was asked.
    pub ascii_domain: String,
    /// The winning source, if any.
    pub source: Option<SourceKind>,
    /// The preset the settings correspond to (Microsoft 365 and Google from MX, presets).
    pub provider_id: Option<String>,
    pub provider_name: String,
    pub incoming: Option<DetectedServer>,
    pub outgoing: Option<DetectedServer>,
    /// The login name for the incoming server (else the outgoing one).
    pub username: String,
    pub trust: Option<DetectTrust>,
    /// Every source, in rank order, with its outcome.
    pub outcomes: Vec<SourceOutcome>,
    pub duration_ms: u64,
    pub budget_ms: u64,
    pub cancelled: bool,
}

/// A source's outcome as it changes (status `running` first, then its end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DetectEvent {
    /// Position in `DetectResult::outcomes`.
    pub index: u32,
    pub outcome: SourceOutcome,
}

/// Receives every outcome as it changes.
pub type DetectProgress<'a> = &'a (dyn Fn(&DetectEvent) + Send + Sync);

pub fn no_progress(_: &DetectEvent) {}

/// A provider known without asking the network: a built-in preset or an administrator's
/// entry. Plain data (the app layer converts its presets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownProvider {
    pub id: String,
    pub name: String,
    pub domains: Vec<String>,
    /// IMAP first if the provider has it; POP3 after.
    pub incoming: Vec<(DetectedProtocol, String, u16, Security)>,
    pub outgoing: (String, u16, Security),
    pub oauth: bool,
    /// How the login name is formed (`%EMAILADDRESS%`, `%EMAILLOCALPART%`).
    pub username_template: String,
}

/// Everything detection needs besides the address.
#[derive(Debug, Clone)]
pub struct DetectConfig {
    pub budget: Duration,
    pub http_timeout: Duration,
    pub probe_timeout: Duration,
    /// `https://…/` — the domain is appended.
    pub ispdb_base_url: String,
    /// Also ask the autoconfig URLs over plain HTTP (the result is then unconfirmed), and
    /// follow redirects to HTTP.
    pub allow_http: bool,
    /// Add `?emailaddress=` to the address's own autoconfig URLs.
    pub send_address: bool,
    /// Offer servers without encryption (autoconfig entries, plain guesses).
    pub allow_unencrypted: bool,
    /// The password, when given: Exchange autodiscover may be asked (and logs in with it).
    pub password: Option<crate::sensitive::Secret>,
    /// The user chose Exchange.
    pub exchange: bool,
    pub presets: Vec<KnownProvider>,
    pub overrides: Vec<KnownProvider>,
    pub guess_ports: GuessPorts,
    pub guess_stagger: Duration,
}

impl Default for DetectConfig {
    fn default() -> Self {
        DetectConfig {
            budget: DEFAULT_BUDGET,
            http_timeout: DEFAULT_HTTP_TIMEOUT,
            probe_timeout: DEFAULT_PROBE_TIMEOUT,
            ispdb_base_url: DEFAULT_ISPDB_URL.into(),
            allow_http: false,
            send_address: false,
            allow_unencrypted: false,
            password: None,
            exchange: false,
            presets: Vec::new(),
            overrides: Vec::new(),
            guess_ports: GuessPorts::default(),
            guess_stagger: Duration::from_millis(100),
        }
    }
}

/// An address split and checked: local part, domain as entered, ASCII domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub entered: String,
    pub local: String,
    pub domain: String,
    pub ascii_domain: String,
}

impl Address {
    /// The address as `local@ascii-domain`.
    pub fn ascii(&self) -> String {
        format!("{}@{}", self.local, self.ascii_domain)
    }
}

/// Checks `address` (an RFC 5322 addr-spec with a domain name; IDN allowed, asked as
/// punycode). A bad one is a field error on `address`.
pub fn parse_address(address: &str) -> Result<Address, Error> {
    let a = address.trim();
    let bad = |reason: String| {
        Error::Validation(vec![
            FieldIssue::new("address", FieldCode::EmailInvalid).arg("reason", reason)
        ])
    };
    if let Some(p) = crate::validate::email_problem(a) {
        return Err(bad(p));
    }
    let (local, domain) = a.rsplit_once('@').expect("email_problem checks '@'");
    if domain.starts_with('[') {
        return Err(bad("an IP address has no mail settings to detect".into()));
    }
    let ascii = crate::validate::to_ascii_host(domain)
        .map_err(bad)?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if !ascii.contains('.') {
        return Err(bad(format!("{domain:?} is not a full domain name")));
    }
    Ok(Address {
        entered: a.to_string(),
        local: local.to_string(),
        domain: domain.to_string(),
        ascii_domain: ascii,
    })
}

/// What a source found.
#[derive(Debug, Clone)]
struct Found {
    incoming: Option<DetectedServer>,
    outgoing: Option<DetectedServer>,
    trust: DetectTrust,
    provider_id: Option<String>,
    provider_name: String,
}

/// The end of one source.
struct SourceEnd {
    status: SourceStatus,
    code: Option<DiagnosisCode>,
    /// The host/URL the diagnosis speaks of.
    about: String,
    detail: String,
    found: Option<Found>,
}

impl SourceEnd {
    fn found(f: Found, detail: impl Into<String>) -> SourceEnd {
        SourceEnd {
            status: SourceStatus::Found,
            code: None,
            about: String::new(),
            detail: detail.into(),
            found: Some(f),
        }
    }
    fn not(
        status: SourceStatus,
        code: DiagnosisCode,
        about: impl Into<String>,
        detail: impl Into<String>,
    ) -> SourceEnd {
        SourceEnd {
            status,
            code: Some(code),
            about: about.into(),
            detail: detail.into(),
            found: None,
        }
    }
}

/// Shared by the source tasks.
struct Ctx {
    cfg: DetectConfig,
    dns: Dns,
    tls: Arc<TlsConfig>,
    fetcher: Option<http::Fetcher>,
    fetcher_error: String,
    address: Address,
    deadline: Instant,
}

/// Detects the settings for `address`. Returns when the best-ranked answer is certain, at
/// the budget, or when `cancel` fires (then `cancelled` is set). `progress` sees each
/// source's outcome as it changes.
pub async fn detect(
    address: &str,
    cfg: DetectConfig,
    dns: Dns,
    tls: Arc<TlsConfig>,
    lang: Lang,
    progress: DetectProgress<'_>,
    cancel: &CancellationToken,
) -> Result<DetectResult, Error> {
    let addr = parse_address(address)?;
    let started = Instant::now();
    let deadline = started + cfg.budget;
    let (fetcher, fetcher_error) =
        match http::Fetcher::new(&tls, &dns, cfg.http_timeout, cfg.allow_http) {
            Ok(f) => (Some(f), String::new()),
            Err(e) => (None, e),
        };
    let ctx = Arc::new(Ctx {
        cfg,
        dns,
        tls,
        fetcher,
        fetcher_error,
        address: addr.clone(),
        deadline,
    });
    let mut outcomes: Vec<SourceOutcome> = SourceKind::ALL
        .iter()
        .map(|&s| SourceOutcome {
            source: s,
            target: sources::target(&ctx, s),
            status: SourceStatus::Running,
            diagnosis: None,
            detail: String::new(),
            duration_ms: 0,
        })
        .collect();
    let mut found: Vec<Option<Found>> = vec![None; outcomes.len()];
    let mut done = vec![false; outcomes.len()];
    for (i, o) in outcomes.iter().enumerate() {
        progress(&DetectEvent {
            index: i as u32,
            outcome: o.clone(),
        });
    }
    let mut set = JoinSet::new();
    for (i, &kind) in SourceKind::ALL.iter().enumerate() {
        let ctx = ctx.clone();
        set.spawn(async move { (i, sources::run(&ctx, kind).await) });
    }
    let finish = |outcomes: &mut Vec<SourceOutcome>, i: usize, end: &SourceEnd| {
        let o = &mut outcomes[i];
        o.status = end.status;
        o.detail = end.detail.clone();
        o.duration_ms = started.elapsed().as_millis() as u64;
        o.diagnosis = end.code.map(|code| {
            crate::diag::diagnose(
                code,
                crate::diag::Severity::Warning,
                lang,
                &crate::diag::Context {
                    host: if end.about.is_empty() {
                        o.target.clone()
                    } else {
                        end.about.clone()
                    },
                    ..Default::default()
                },
                Vec::new(),
            )
        });
    };
    let mut cancelled = false;
    let mut winner: Option<usize> = None;
    loop {
        // The best-ranked answer is certain once every better-ranked source has ended.
        for i in 0..outcomes.len() {
            if !done[i] {
                break;
            }
            if found[i].is_some() {
                winner = Some(i);
                break;
            }
        }
        if winner.is_some() || done.iter().all(|d| *d) {
            break;
        }
        tokio::select! {
            biased;
            _ = cancel.cancelled() => {
                cancelled = true;
                break;
            }
            _ = tokio::time::sleep_until(deadline) => break,
            joined = set.join_next() => {
                let Some(joined) = joined else { break };
                let Ok((i, end)) = joined else { continue };
                finish(&mut outcomes, i, &end);
                found[i] = end.found;
                done[i] = true;
                progress(&DetectEvent { index: i as u32, outcome: outcomes[i].clone() });
            }
        }
    }
    set.abort_all();
    // At the budget: the best answer in so far.
    if winner.is_none() && !cancelled {
        winner = (0..outcomes.len()).find(|&i| found[i].is_some());
    }
    let now_ms = started.elapsed().as_millis() as u64;
    for i in 0..outcomes.len() {
        if done[i] {
            continue;
        }
        let budget_hit = !cancelled && winner.is_none_or(|w| w > i);
        let (status, code) = if budget_hit {
            (SourceStatus::TimedOut, DiagnosisCode::DetectTimeout)
        } else {
            (SourceStatus::Cancelled, DiagnosisCode::DetectSkipped)
        };
        let end = SourceEnd::not(
            status,
            code,
            "",
            if cancelled {
                "detection cancelled".to_string()
            } else if budget_hit {
                format!("stopped at the time budget ({} ms)", now_ms)
            } else {
                "a better-ranked source answered".to_string()
            },
        );
        finish(&mut outcomes, i, &end);
        outcomes[i].duration_ms = now_ms;
        progress(&DetectEvent {
            index: i as u32,
            outcome: outcomes[i].clone(),
        });
    }
    let win = winner.and_then(|i| found[i].clone().map(|f| (i, f)));
    let (source, f) = match win {
        Some((i, f)) => (Some(SourceKind::ALL[i]), Some(f)),
        None => (None, None),
    };
    let username = f
        .as_ref()
        .and_then(|f| f.incoming.as_ref().or(f.outgoing.as_ref()))
        .map(|s| s.username_for(&addr.local, &addr.ascii_domain))
        .unwrap_or_default();
    Ok(DetectResult {
        address: addr.entered.clone(),
        domain: addr.domain.clone(),
        ascii_domain: addr.ascii_domain.clone(),
        source,
        provider_id: f.as_ref().and_then(|f| f.provider_id.clone()),
        provider_name: f
            .as_ref()
            .map(|f| f.provider_name.clone())
            .unwrap_or_default(),
        incoming: f.as_ref().and_then(|f| f.incoming.clone()),
        outgoing: f.as_ref().and_then(|f| f.outgoing.clone()),
        username,
        trust: f.map(|f| f.trust),
        outcomes,
        duration_ms: started.elapsed().as_millis() as u64,
        budget_ms: ctx.cfg.budget.as_millis() as u64,
        cancelled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_idn_asked_as_punycode() {
        let a = parse_address(" info@Müller.test ").unwrap();
        assert_eq!(a.domain, "Müller.test");
        assert_eq!(a.ascii_domain, "xn--mller-kva.test");
        assert_eq!(a.ascii(), "info@xn--mller-kva.test");
        for bad in [
            "info",
            "@firma.test",
            "info@",
            "a b@firma.test",
            "info@localhost",
            "x@[127.0.0.1]",
        ] {
            let e = parse_address(bad).unwrap_err();
            assert!(matches!(e, Error::Validation(_)), "{bad}: {e:?}");
        }
    }

    #[test]
    fn usernames_follow_the_template() {
        let s = DetectedServer {
            protocol: DetectedProtocol::Imap,
            host: "h".into(),
            port: 993,
            security: Security::Tls,
            auth: DetectedAuth::Password,
            username: UsernameForm::LocalPart,
            username_template: "%EMAILLOCALPART%".into(),
            source: SourceKind::Autoconfig,
            origin: String::new(),
        };
        assert_eq!(s.username_for("info", "firma.test"), "info");
        let mut t = s.clone();
        t.username_template = "%EMAILADDRESS%".into();
        assert_eq!(t.username_for("info", "firma.test"), "info@firma.test");
    }
}
