//! What a server's refusal means. Known provider answers first (`providers`), then the codes
//! the protocols standardize — SMTP reply class and enhanced status codes (RFC 3463, the IANA
//! registry of RFC 5248), IMAP response codes (RFC 5530) and `[ALERT]`, POP3 response codes
//! (RFC 2449, RFC 3206) — and only where no code decides, the wording, in English and German.
//!
//! Every failure made here keeps the server's own words (`ServerSaid`), the code that decided
//! (`StatusCode`) and an IMAP alert verbatim (`ServerAlert`).

use super::providers;
use super::runner::Failure;
use crate::diag::{DiagnosisCode, EvidenceKey};

/// The command a refusal answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Login,
    Starttls,
    MailFrom,
    Rcpt,
    /// The end of the mail data (after the final dot).
    Data,
}

/// The protocol whose answer it is, as the provider table names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    Imap,
    Pop3,
    Smtp,
}

/// One refusal as the protocol code parsed it.
pub(crate) struct Answer<'a> {
    pub wire: Wire,
    pub stage: Stage,
    /// The whole answer as the server sent it (status word, codes, text).
    pub said: &'a str,
    /// SMTP: the reply code (e.g. 535).
    pub reply: Option<u16>,
    /// SMTP: the enhanced status code (`5.7.8`); IMAP: the response code (`AUTHENTICATIONFAILED`);
    /// POP3: the response code (`SYS/TEMP`).
    pub status: Option<&'a str>,
    /// The human-readable text after the codes.
    pub text: &'a str,
    /// IMAP `[ALERT]` texts of this answer (the tagged one and untagged ones before it).
    pub alerts: &'a [String],
}

/// A known provider answer (`providers`), with the provider and its page as evidence.
pub(crate) fn known(wire: Wire, said: &str) -> Option<Failure> {
    providers::find(wire, said).map(|p| {
        Failure::new(p.code)
            .with(EvidenceKey::Provider, p.provider)
            .with(EvidenceKey::Source, p.source)
            .advice(p)
    })
}

/// Classifies a refusal into a failure with its evidence.
pub(crate) fn classify(a: &Answer<'_>) -> Failure {
    let mut f = match known(a.wire, a.said) {
        Some(f) => f,
        None => Failure::new(
            standard(a)
                .or_else(|| words(a.stage, a.text, Words::All))
                .unwrap_or(fallback(a.stage)),
        ),
    };
    f = f.with(EvidenceKey::ServerSaid, a.said);
    if let Some(s) = a.status.filter(|s| !s.is_empty()) {
        f = f.with(EvidenceKey::StatusCode, s);
    }
    for alert in a.alerts {
        f = f.with(EvidenceKey::ServerAlert, alert.as_str());
    }
    f
}

/// What a stage ends with when neither code nor words decide.
fn fallback(stage: Stage) -> DiagnosisCode {
    match stage {
        Stage::Login => DiagnosisCode::AuthFailed,
        Stage::Starttls => DiagnosisCode::TlsStarttlsUnsupported,
        Stage::MailFrom => DiagnosisCode::SmtpSenderRejected,
        Stage::Rcpt => DiagnosisCode::SmtpRecipientRejected,
        Stage::Data => DiagnosisCode::SmtpMessageRejected,
    }
}

/// The standardized codes: `None` when they do not decide (then the words may).
fn standard(a: &Answer<'_>) -> Option<DiagnosisCode> {
    match a.wire {
        Wire::Smtp => smtp(a.stage, a.reply.unwrap_or(0), a.status),
        Wire::Imap => imap(a.stage, a.status.unwrap_or("")),
        Wire::Pop3 => pop3(a.stage, a.status.unwrap_or(""), a.text),
    }
}

/// `x.7.8` → `(7, 8)`: the subject and detail of an enhanced status code.
fn subject_detail(enhanced: &str) -> Option<(u16, u16)> {
    let mut it = enhanced.split('.').skip(1).map(|p| p.parse::<u16>().ok());
    Some((it.next()??, it.next()??))
}

fn smtp(stage: Stage, reply: u16, enhanced: Option<&str>) -> Option<DiagnosisCode> {
    use DiagnosisCode::*;
    let temporary = (400..500).contains(&reply);
    let sd = enhanced.and_then(subject_detail);
    match stage {
        Stage::Login => {
            // RFC 5248 registry, security subjects; the reply class says permanent or not.
            match sd {
                Some((7, 8)) if !temporary => return Some(AuthFailed),
                Some((7, 9)) => return Some(AuthMechanismUnsupported),
                Some((7, 11)) => return Some(AuthPlaintextDisabled),
                Some((7, 12)) => return Some(AuthPasswordExpired),
                Some((7, 13)) => return Some(AuthAccountDisabled),
                _ => {}
            }
            if temporary {
                // 454 4.7.0 Temporary authentication failure (RFC 4954), 421, …
                return Some(AuthTemporary);
            }
            match reply {
                535 => Some(AuthFailed),
                // 538 encryption required; 530 "must issue a STARTTLS command first".
                538 | 530 => Some(AuthPlaintextDisabled),
                504 | 534 => Some(AuthMechanismUnsupported),
                _ => None,
            }
        }
        Stage::Starttls => match reply {
            421 => Some(ProtocolServiceUnavailable),
            _ => Some(TlsStarttlsUnsupported),
        },
        Stage::MailFrom | Stage::Rcpt | Stage::Data => {
            if temporary {
                return Some(SmtpTemporary);
            }
            if reply == 530 {
                // 530 5.7.0 Authentication required (RFC 4954).
                return Some(SmtpAuthRequired);
            }
            match (stage, sd) {
                (_, Some((7, 11))) => Some(AuthPlaintextDisabled),
                (Stage::MailFrom, Some((1, _) | (7, 1))) => Some(SmtpSenderRejected),
                // Bad destination mailbox / system / address syntax.
                (Stage::Rcpt, Some((1, _))) => Some(SmtpRecipientRejected),
                (Stage::Rcpt, Some((7, 1))) if reply == 554 => Some(SmtpRelayDenied),
                _ => None,
            }
        }
    }
}

fn imap(stage: Stage, code: &str) -> Option<DiagnosisCode> {
    use DiagnosisCode::*;
    let atom = code
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    if stage == Stage::Starttls {
        return Some(match atom.as_str() {
            "UNAVAILABLE" => ProtocolServiceUnavailable,
            _ => TlsStarttlsUnsupported,
        });
    }
    match atom.as_str() {
        "AUTHENTICATIONFAILED" => Some(AuthFailed),
        "AUTHORIZATIONFAILED" => Some(AuthNotAuthorized),
        "EXPIRED" => Some(AuthPasswordExpired),
        "PRIVACYREQUIRED" => Some(AuthPlaintextDisabled),
        "CONTACTADMIN" => Some(AuthAccountDisabled),
        "UNAVAILABLE" | "SERVERBUG" => Some(AuthTemporary),
        "INUSE" => Some(AuthMailboxInUse),
        // ALERT and codes without a login meaning: the words decide.
        _ => None,
    }
}

fn pop3(stage: Stage, code: &str, text: &str) -> Option<DiagnosisCode> {
    use DiagnosisCode::*;
    if stage == Stage::Starttls {
        return Some(TlsStarttlsUnsupported);
    }
    match code.to_ascii_uppercase().as_str() {
        "SYS/TEMP" => Some(AuthTemporary),
        "IN-USE" => Some(AuthMailboxInUse),
        "LOGIN-DELAY" => Some(AuthLoginDelay),
        // RFC 3206: AUTH is a problem with the credentials, "an expired account, an attempt to
        // authenticate in violation of policy" included: the words may narrow it, never to a
        // temporary failure.
        "AUTH" => Some(words(stage, text, Words::Permanent).unwrap_or(AuthFailed)),
        // A permanent system error: not the password.
        "SYS/PERM" => Some(words(stage, text, Words::Permanent).unwrap_or(AuthAccountDisabled)),
        _ => None,
    }
}

#[derive(PartialEq)]
enum Words {
    All,
    /// Under a code that says "permanent": no temporary reading.
    Permanent,
}

/// Word lists, lower case, English and German (many German hosters answer in German).
const TLS_REQUIRED: &[&str] = &[
    "plaintext",
    "ssl/tls",
    "encrypt",
    "tls required",
    "requires tls",
    "tls is required",
    "ssl required",
    "starttls",
    "secure connection",
    "verschlüssel",
    "tls erforderlich",
    "ssl erforderlich",
    "sichere verbindung",
];
const TEMPORARY: &[&str] = &[
    "temporar",
    "try again later",
    "try later",
    "temporär",
    "vorübergehend",
    "später erneut",
    "später noch einmal",
];
const EXPIRED: &[&str] = &[
    "password expired",
    "password has expired",
    "passwort abgelaufen",
    "kennwort abgelaufen",
    "passwort ist abgelaufen",
    "kennwort ist abgelaufen",
];
const IN_USE: &[&str] = &[
    "in use",
    "maildrop locked",
    "mailbox locked",
    "mailbox is locked",
    "wird bereits verwendet",
    "bereits geöffnet",
    "in benutzung",
];
const DISABLED: &[&str] = &[
    "account disabled",
    "account is disabled",
    "account locked",
    "account is locked",
    "account suspended",
    "konto gesperrt",
    "konto ist gesperrt",
    "account gesperrt",
    "postfach gesperrt",
    "zugang gesperrt",
    "deaktiviert",
];
const MECHANISM: &[&str] = &[
    "unsupported",
    "unknown mechanism",
    "mechanism not supported",
    "nicht unterstützt",
];
const AUTH_REQUIRED: &[&str] = &[
    "authentication required",
    "must authenticate",
    "not authenticated",
    "authentifizierung erforderlich",
    "anmeldung erforderlich",
];
const RELAY: &[&str] = &["relay", "weiterleit"];

fn any(text: &str, list: &[&str]) -> bool {
    list.iter().any(|w| text.contains(w))
}

/// The wording, where no code decided.
fn words(stage: Stage, text: &str, scope: Words) -> Option<DiagnosisCode> {
    use DiagnosisCode::*;
    let low = text.to_lowercase();
    let t = low.as_str();
    match stage {
        Stage::Login => {
            if any(t, TLS_REQUIRED) {
                Some(AuthPlaintextDisabled)
            } else if scope == Words::All && any(t, TEMPORARY) {
                Some(AuthTemporary)
            } else if any(t, EXPIRED) {
                Some(AuthPasswordExpired)
            } else if scope == Words::All && any(t, IN_USE) {
                Some(AuthMailboxInUse)
            } else if any(t, DISABLED) {
                Some(AuthAccountDisabled)
            } else if any(t, MECHANISM) {
                Some(AuthMechanismUnsupported)
            } else {
                None
            }
        }
        Stage::MailFrom | Stage::Rcpt | Stage::Data if any(t, AUTH_REQUIRED) => {
            Some(SmtpAuthRequired)
        }
        Stage::Rcpt if any(t, RELAY) => Some(SmtpRelayDenied),
        _ => None,
    }
}

/// POP3: `[CODE] text` → (`CODE`, `text`) (RFC 2449: the code is the first thing after `-ERR`).
pub(crate) fn pop3_code(text: &str) -> (Option<&str>, &str) {
    match text.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((code, rest)) => (Some(code), rest.trim()),
        None => (None, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DiagnosisCode::*;

    fn smtp_said(said: &str, stage: Stage) -> DiagnosisCode {
        let reply = said[..3].parse().ok();
        let rest = said[4..].trim();
        let first = rest.split_whitespace().next().unwrap_or("");
        let status = subject_detail(first).map(|_| first);
        classify(&Answer {
            wire: Wire::Smtp,
            stage,
            said,
            reply,
            status,
            text: rest,
            alerts: &[],
        })
        .code
    }

    #[test]
    fn smtp_enhanced_codes_of_the_security_subject_decide_the_login() {
        for (said, code) in [
            ("535 5.7.8 Authentication credentials invalid", AuthFailed),
            (
                "534 5.7.9 Authentication mechanism is too weak",
                AuthMechanismUnsupported,
            ),
            (
                "538 5.7.11 Encryption required for requested authentication mechanism",
                AuthPlaintextDisabled,
            ),
            (
                "432 4.7.12 A password transition is needed",
                AuthPasswordExpired,
            ),
            (
                "535 5.7.12 A password transition is needed",
                AuthPasswordExpired,
            ),
            ("535 5.7.13 User account disabled", AuthAccountDisabled),
            ("454 4.7.0 Temporary authentication failure", AuthTemporary),
            ("421 4.3.2 Service shutting down", AuthTemporary),
            ("535 Incorrect authentication data", AuthFailed),
            (
                "530 5.7.0 Must issue a STARTTLS command first",
                AuthPlaintextDisabled,
            ),
            (
                "504 5.5.4 Unrecognized authentication type",
                AuthMechanismUnsupported,
            ),
            // The code says "wrong credentials": words of encryption do not override it.
            (
                "535 5.7.8 Error: authentication failed: encryption needed",
                AuthFailed,
            ),
        ] {
            assert_eq!(smtp_said(said, Stage::Login), code, "{said}");
        }
    }

    #[test]
    fn a_temporary_smtp_answer_is_never_a_wrong_password() {
        for said in [
            "454 4.7.0 Temporary authentication failure",
            "451 4.3.0 Authentication failed",
            "421 4.7.0 Authentication failed, try again",
            "454 Authentication failed",
        ] {
            let code = smtp_said(said, Stage::Login);
            assert_eq!(code, AuthTemporary, "{said}");
            assert!(code.is_transient());
        }
    }

    #[test]
    fn smtp_envelope_answers_by_class_and_code() {
        for (said, stage, code) in [
            (
                "450 4.2.0 <a@x>: Recipient address rejected: Greylisted",
                Stage::Rcpt,
                SmtpTemporary,
            ),
            (
                "451 4.3.5 Server configuration problem",
                Stage::MailFrom,
                SmtpTemporary,
            ),
            (
                "530 5.7.0 Authentication required",
                Stage::MailFrom,
                SmtpAuthRequired,
            ),
            (
                "530 5.7.0 Authentication required",
                Stage::Rcpt,
                SmtpAuthRequired,
            ),
            (
                "553 5.7.1 <x@y>: Sender address rejected: not owned by user alice",
                Stage::MailFrom,
                SmtpSenderRejected,
            ),
            (
                "550 5.1.1 <nobody@x>: Recipient address rejected: User unknown",
                Stage::Rcpt,
                SmtpRecipientRejected,
            ),
            (
                "554 5.7.1 <a@b>: Relay access denied",
                Stage::Rcpt,
                SmtpRelayDenied,
            ),
            ("550 Relaying denied", Stage::Rcpt, SmtpRelayDenied),
            (
                "550 Weiterleitung nicht erlaubt",
                Stage::Rcpt,
                SmtpRelayDenied,
            ),
            (
                "550 5.7.0 Authentifizierung erforderlich",
                Stage::MailFrom,
                SmtpAuthRequired,
            ),
            (
                "452 4.3.1 Insufficient system storage",
                Stage::Data,
                SmtpTemporary,
            ),
            (
                "554 5.7.1 message refused by test policy",
                Stage::Data,
                SmtpMessageRejected,
            ),
            (
                "454 4.7.0 TLS not available due to local problem",
                Stage::Starttls,
                TlsStarttlsUnsupported,
            ),
            (
                "421 4.3.2 Service not available",
                Stage::Starttls,
                ProtocolServiceUnavailable,
            ),
        ] {
            assert_eq!(smtp_said(said, stage), code, "{said}");
        }
    }

    fn login(wire: Wire, status: Option<&str>, text: &str) -> Failure {
        classify(&Answer {
            wire,
            stage: Stage::Login,
            said: text,
            reply: None,
            status,
            text,
            alerts: &[],
        })
    }

    #[test]
    fn imap_response_codes_decide_the_login() {
        for (code, diag) in [
            ("AUTHENTICATIONFAILED", AuthFailed),
            ("AUTHORIZATIONFAILED", AuthNotAuthorized),
            ("EXPIRED", AuthPasswordExpired),
            ("PRIVACYREQUIRED", AuthPlaintextDisabled),
            ("CONTACTADMIN", AuthAccountDisabled),
            ("UNAVAILABLE", AuthTemporary),
            ("SERVERBUG", AuthTemporary),
            ("INUSE", AuthMailboxInUse),
        ] {
            // Words that would say otherwise: the code wins.
            let f = login(Wire::Imap, Some(code), "Plaintext? try again later");
            assert_eq!(f.code, diag, "{code}");
            assert!(f
                .evidence
                .iter()
                .any(|e| e.key == EvidenceKey::StatusCode && e.value == code));
        }
    }

    #[test]
    fn pop3_response_codes_decide_the_login() {
        for (code, text, diag) in [
            ("AUTH", "Authentication failed.", AuthFailed),
            ("AUTH", "Password expired", AuthPasswordExpired),
            ("AUTH", "temporary problem", AuthFailed),
            ("SYS/TEMP", "Authentication failed", AuthTemporary),
            ("SYS/PERM", "Your account is disabled", AuthAccountDisabled),
            ("SYS/PERM", "Something else", AuthAccountDisabled),
            (
                "SYS/PERM",
                "Plaintext authentication disallowed on non-secure (SSL/TLS) connections.",
                AuthPlaintextDisabled,
            ),
            (
                "IN-USE",
                "Mailbox locked by another session",
                AuthMailboxInUse,
            ),
            (
                "LOGIN-DELAY",
                "minimum time between mail checks violation",
                AuthLoginDelay,
            ),
        ] {
            assert_eq!(
                login(Wire::Pop3, Some(code), text).code,
                diag,
                "{code} {text}"
            );
        }
    }

    #[test]
    fn words_decide_only_without_a_code_in_english_and_german() {
        for (text, diag) in [
            ("TLS required to log in.", AuthPlaintextDisabled),
            (
                "Anmeldung nur über eine verschlüsselte Verbindung",
                AuthPlaintextDisabled,
            ),
            ("Temporary authentication failure", AuthTemporary),
            ("Anmeldedienst vorübergehend nicht verfügbar", AuthTemporary),
            ("Bitte später erneut versuchen", AuthTemporary),
            ("Your password has expired", AuthPasswordExpired),
            ("Ihr Kennwort ist abgelaufen", AuthPasswordExpired),
            ("Account is locked", AuthAccountDisabled),
            ("Ihr Konto ist gesperrt", AuthAccountDisabled),
            ("Postfach wird bereits verwendet", AuthMailboxInUse),
            ("Unknown mechanism", AuthMechanismUnsupported),
            ("Benutzername oder Passwort falsch", AuthFailed),
            ("invalid user or password", AuthFailed),
        ] {
            for wire in [Wire::Imap, Wire::Pop3] {
                assert_eq!(login(wire, None, text).code, diag, "{text}");
            }
        }
    }

    #[test]
    fn pop3_codes_are_read_from_the_start_of_the_text() {
        assert_eq!(pop3_code("[SYS/TEMP] busy"), (Some("SYS/TEMP"), "busy"));
        assert_eq!(pop3_code("no code [AUTH]"), (None, "no code [AUTH]"));
    }

    // The code families through the real protocol code (scripted servers): the diagnosis, and
    // the server's words kept as evidence.

    use crate::probe::testing::evidence;
    use crate::probe::{imap, pop3, smtp};

    #[track_caller]
    fn said_and_code(f: &Failure, code: DiagnosisCode, words: &str) {
        assert_eq!(f.code, code, "{:?}", f.evidence);
        let said = evidence(f, EvidenceKey::ServerSaid).unwrap_or_default();
        assert!(said.contains(words), "{said:?} lacks {words:?}");
    }

    #[tokio::test]
    async fn smtp_reply_class_4xx_at_login_is_temporary_never_auth_failed() {
        // Postfix whose SASL back end (Dovecot's auth socket) is down.
        for said in [
            "454 4.7.0 Temporary authentication failure",
            "451 4.3.0 Internal error",
        ] {
            let f = smtp::replay(Stage::Login, said).await;
            said_and_code(&f, AuthTemporary, said);
            assert_ne!(f.code, AuthFailed);
        }
    }

    #[tokio::test]
    async fn smtp_enhanced_status_codes_x7_decide_the_login() {
        for (said, code) in [
            ("535 5.7.8 Authentication credentials invalid", AuthFailed),
            (
                "534 5.7.9 Authentication mechanism is too weak",
                AuthMechanismUnsupported,
            ),
            (
                "538 5.7.11 Encryption required for requested authentication mechanism",
                AuthPlaintextDisabled,
            ),
            (
                "432 4.7.12 A password transition is needed",
                AuthPasswordExpired,
            ),
            ("535 5.7.13 User account disabled", AuthAccountDisabled),
        ] {
            let f = smtp::replay(Stage::Login, said).await;
            said_and_code(&f, code, said);
            let status = said.split_whitespace().nth(1).unwrap();
            assert_eq!(
                evidence(&f, EvidenceKey::StatusCode).as_deref(),
                Some(status)
            );
        }
    }

    #[tokio::test]
    async fn smtp_envelope_and_starttls_answers_by_class_and_code() {
        for (stage, said, code) in [
            (
                Stage::MailFrom,
                "530 5.7.0 Authentication required",
                SmtpAuthRequired,
            ),
            (
                Stage::MailFrom,
                "451 4.3.0 Temporary lookup failure",
                SmtpTemporary,
            ),
            (
                Stage::MailFrom,
                "553 5.7.1 <alice@example.test>: Sender address rejected: not owned by user",
                SmtpSenderRejected,
            ),
            (
                Stage::Rcpt,
                "450 4.2.0 <bob@example.test>: Recipient address rejected: Greylisted",
                SmtpTemporary,
            ),
            (
                Stage::Rcpt,
                "550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown",
                SmtpRecipientRejected,
            ),
            (
                Stage::Rcpt,
                "554 5.7.1 <bob@example.test>: Relay access denied",
                SmtpRelayDenied,
            ),
            (
                Stage::Data,
                "451 4.3.0 Queue file write error",
                SmtpTemporary,
            ),
            (
                Stage::Data,
                "554 5.7.1 message refused by test policy",
                SmtpMessageRejected,
            ),
            (
                Stage::Starttls,
                "454 4.7.0 TLS not available due to local problem",
                TlsStarttlsUnsupported,
            ),
            (
                Stage::Starttls,
                "421 4.3.2 Service not available, closing channel",
                ProtocolServiceUnavailable,
            ),
        ] {
            let f = smtp::replay(stage, said).await;
            said_and_code(&f, code, said);
        }
    }

    #[tokio::test]
    async fn imap_response_codes_of_rfc_5530_decide_the_login() {
        for (said, code) in [
            (
                "NO [AUTHENTICATIONFAILED] Authentication failed.",
                AuthFailed,
            ),
            (
                "NO [AUTHORIZATIONFAILED] Authorization failed.",
                AuthNotAuthorized,
            ),
            ("NO [EXPIRED] Password expired.", AuthPasswordExpired),
            (
                "NO [PRIVACYREQUIRED] Plaintext authentication disallowed",
                AuthPlaintextDisabled,
            ),
            (
                "NO [CONTACTADMIN] Contact your administrator",
                AuthAccountDisabled,
            ),
            (
                "NO [UNAVAILABLE] Temporary authentication failure. [host:2026-11-30 10:00:00]",
                AuthTemporary,
            ),
            ("NO [SERVERBUG] Internal error occurred.", AuthTemporary),
            (
                "NO [INUSE] Mailbox in use by another session",
                AuthMailboxInUse,
            ),
        ] {
            let f = imap::replay(Stage::Login, said).await;
            said_and_code(&f, code, said);
        }
        let f = imap::replay(Stage::Starttls, "NO [UNAVAILABLE] TLS is down for now").await;
        said_and_code(&f, ProtocolServiceUnavailable, "TLS is down");
    }

    #[tokio::test]
    async fn imap_alerts_are_kept_verbatim_tagged_and_untagged() {
        let f = imap::replay(
            Stage::Login,
            "* OK [ALERT] Wartungsarbeiten heute ab 22 Uhr\nNO [ALERT] Ihr Konto ist gesperrt",
        )
        .await;
        said_and_code(&f, AuthAccountDisabled, "Ihr Konto ist gesperrt");
        let alerts: Vec<_> = f
            .evidence
            .iter()
            .filter(|e| e.key == EvidenceKey::ServerAlert)
            .map(|e| e.value.as_str())
            .collect();
        assert_eq!(
            alerts,
            ["Wartungsarbeiten heute ab 22 Uhr", "Ihr Konto ist gesperrt"]
        );
    }

    #[tokio::test]
    async fn pop3_response_codes_of_rfc_3206_decide_the_login() {
        for (said, code) in [
            ("-ERR [AUTH] Authentication failed.", AuthFailed),
            ("-ERR [AUTH] Your password has expired", AuthPasswordExpired),
            (
                "-ERR [SYS/TEMP] Temporary authentication failure.",
                AuthTemporary,
            ),
            (
                "-ERR [SYS/PERM] Your account has been disabled",
                AuthAccountDisabled,
            ),
        ] {
            let f = pop3::replay(Stage::Login, said).await;
            said_and_code(&f, code, said);
            assert!(evidence(&f, EvidenceKey::StatusCode).is_some());
        }
        let f = pop3::replay(
            Stage::Starttls,
            "-ERR [SYS/PERM] TLS support isn't enabled.",
        )
        .await;
        said_and_code(&f, TlsStarttlsUnsupported, "TLS support");
    }

    #[tokio::test]
    async fn pop3_response_codes_of_rfc_2449_decide_the_login() {
        for (said, code) in [
            (
                "-ERR [IN-USE] Mailbox is locked by another POP3 session",
                AuthMailboxInUse,
            ),
            (
                "-ERR [LOGIN-DELAY] Minimum time between mail checks is 15 minutes",
                AuthLoginDelay,
            ),
        ] {
            let f = pop3::replay(Stage::Login, said).await;
            said_and_code(&f, code, said);
            assert!(f.code.is_transient(), "{said}: the password is fine");
            assert!(evidence(&f, EvidenceKey::StatusCode).is_some());
        }
    }

    #[tokio::test]
    async fn without_a_code_the_words_decide_in_english_and_german() {
        for (said, code) in [
            ("-ERR TLS required to log in.", AuthPlaintextDisabled),
            (
                "-ERR Anmeldung nur über eine verschlüsselte Verbindung erlaubt",
                AuthPlaintextDisabled,
            ),
            (
                "-ERR Anmeldedienst vorübergehend nicht erreichbar",
                AuthTemporary,
            ),
            ("-ERR Benutzername oder Passwort falsch", AuthFailed),
        ] {
            said_and_code(&pop3::replay(Stage::Login, said).await, code, said);
        }
        for (said, code) in [
            ("NO Ihr Kennwort ist abgelaufen", AuthPasswordExpired),
            ("NO Login failed: try again later", AuthTemporary),
        ] {
            said_and_code(&imap::replay(Stage::Login, said).await, code, said);
        }
        said_and_code(
            &smtp::replay(Stage::Rcpt, "550 Relaying denied").await,
            SmtpRelayDenied,
            "Relaying denied",
        );
    }
}
