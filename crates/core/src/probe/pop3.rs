//! POP3 (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595) and SASL AUTH (RFC 5034).
//!
//! Own code on purpose (the client crates are unmaintained, and POP3 is small): bounded, line
//! by line, every byte in a redacted transcript, a diagnosis per `+OK`/`-ERR`.

use super::answer::{self, Answer, Stage, Wire};
use super::conn::Conn;
use super::flow::{self, soft, Proto, Session};
use super::ntlm;
use super::runner::{Done, Failure, Runner, Stop};
use super::sasl::{self, Authenticator};
use super::{ProbeAuth, ProbeProtocol, ProbeTarget, StepKind};
use crate::diag::{DiagnosisCode, EvidenceKey};
use std::time::{Duration, Instant};

const MAX_MULTILINE: usize = 200_000;
/// A multi-line answer in bytes (CAPA, UIDL of a large mailbox: well under a megabyte).
const MAX_MULTILINE_BYTES: usize = 16 * 1024 * 1024;

pub(crate) struct Pop3 {
    caps: Vec<String>,
    /// False when the server does not know CAPA (an old server): then nothing is assumed.
    capa_known: bool,
}

/// `+OK text` → Ok(text); `-ERR text` → Err(text); anything else is a protocol error.
async fn status(c: &mut Conn) -> Result<Result<String, String>, Failure> {
    let line = c.read_line().await?;
    if let Some(rest) = line.strip_prefix("+OK") {
        return Ok(Ok(rest.trim().to_string()));
    }
    if let Some(rest) = line.strip_prefix("-ERR") {
        return Ok(Err(rest.trim().to_string()));
    }
    Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
        .with(EvidenceKey::Problem, "not a POP3 answer")
        .with(EvidenceKey::ServerSent, line))
}

/// The lines of a multi-line answer up to the terminating dot, dot-unstuffed.
async fn multiline(c: &mut Conn, log: bool) -> Result<Vec<String>, Failure> {
    let mut out = Vec::new();
    let mut bytes = 0usize;
    loop {
        let raw = c.read_line_raw().await?;
        bytes += raw.len() + 2;
        let s = String::from_utf8_lossy(&raw).into_owned();
        if log {
            c.transcript.server(&s);
        }
        if s == "." {
            return Ok(out);
        }
        out.push(s.strip_prefix('.').map(str::to_string).unwrap_or(s));
        if out.len() > MAX_MULTILINE || bytes > MAX_MULTILINE_BYTES {
            return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(EvidenceKey::Problem, "an endless multi-line answer"));
        }
    }
}

/// -ERR after a login attempt (or STLS): what it means — RFC 2449/3206 response codes
/// first, the words only without one.
fn refusal(text: &str, stage: Stage) -> Failure {
    let said = format!("-ERR {text}");
    let (code, rest) = answer::pop3_code(text);
    answer::classify(&Answer {
        wire: Wire::Pop3,
        stage,
        said: &said,
        reply: None,
        status: code,
        text: rest,
        alerts: &[],
    })
}

fn login_error(text: &str, mech: &str) -> Failure {
    let f = refusal(text, Stage::Login);
    if f.code == DiagnosisCode::AuthMechanismUnsupported {
        f.with(EvidenceKey::Wanted, mech)
    } else {
        f
    }
}

impl Pop3 {
    pub fn new() -> Pop3 {
        Pop3 {
            caps: Vec::new(),
            capa_known: false,
        }
    }

    fn has(&self, cap: &str) -> bool {
        self.caps.iter().any(|c| c.eq_ignore_ascii_case(cap))
    }

    fn sasl_mechs(&self) -> Vec<String> {
        self.caps
            .iter()
            .find_map(|c| {
                let up = c.to_ascii_uppercase();
                up.strip_prefix("SASL")
                    .map(|m| m.split_whitespace().map(str::to_string).collect())
            })
            .unwrap_or_default()
    }

    async fn sasl(&mut self, c: &mut Conn, auth: &mut dyn Authenticator) -> Result<(), Failure> {
        let mech = auth.mechanism();
        match auth.initial_response() {
            Some(ir) => {
                c.write_secret(
                    &format!("AUTH {mech} {ir}"),
                    &format!("AUTH {mech} <redacted>"),
                )
                .await?
            }
            None => c.write_line(&format!("AUTH {mech}")).await?,
        }
        for _ in 0..8 {
            let line = c.read_line().await?;
            if let Some(ch) = line.strip_prefix('+').filter(|r| !r.starts_with("OK")) {
                let challenge = sasl::unb64(ch.trim()).unwrap_or_default();
                let resp = auth.respond(&challenge).map_err(|e| {
                    Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                        .with(EvidenceKey::Problem, e)
                })?;
                c.write_secret(&resp, super::transcript::REDACTED).await?;
                continue;
            }
            if line.starts_with("+OK") {
                return Ok(());
            }
            if let Some(rest) = line.strip_prefix("-ERR") {
                return Err(login_error(rest.trim(), mech));
            }
            return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(EvidenceKey::ServerSent, line));
        }
        Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
            .with(EvidenceKey::Problem, "too many SASL rounds"))
    }

    async fn stat(&mut self, c: &mut Conn) -> Result<Done<(u64, u64)>, Failure> {
        c.write_line("STAT").await?;
        match status(c).await? {
            Ok(text) => {
                let mut it = text.split_whitespace().map(|n| n.parse::<u64>().ok());
                match (it.next().flatten(), it.next().flatten()) {
                    (Some(n), Some(size)) => Ok(Done::new((n, size), "stat")
                        .arg("count", n.to_string())
                        .arg("size", size.to_string())),
                    _ => Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                        .with(EvidenceKey::Command, "STAT")
                        .with(EvidenceKey::ServerSent, format!("+OK {text}"))),
                }
            }
            Err(text) => Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(EvidenceKey::Command, "STAT")
                .with(EvidenceKey::ServerSaid, format!("-ERR {text}"))),
        }
    }

    /// UIDL (RFC 1939 §7): "delete after N days" recognises the messages it fetched before
    /// by their unique ids; a server without UIDL makes that setting impossible.
    async fn uidl(&mut self, c: &mut Conn, days: u32) -> Result<Done<()>, Failure> {
        let missing = |said: String| {
            Failure::new(DiagnosisCode::Pop3UidlMissing)
                .with(EvidenceKey::Command, "UIDL")
                .with(EvidenceKey::Detail, format!("delete after {days} days"))
                .with(EvidenceKey::ServerSaid, said)
        };
        if self.capa_known && !self.has("UIDL") {
            return Err(missing(format!("CAPA: {}", self.caps_text())));
        }
        c.write_line("UIDL").await?;
        match status(c).await? {
            // The ids are not logged one by one: a large mailbox has thousands.
            Ok(_) => {
                let ids = multiline(c, false).await?;
                Ok(Done::new((), "uidl")
                    .arg("count", ids.len().to_string())
                    .arg("days", days.to_string()))
            }
            Err(text) => Err(missing(format!("-ERR {text}"))),
        }
    }
}

impl Proto for Pop3 {
    async fn greeting(&mut self, c: &mut Conn) -> Result<Done<()>, Failure> {
        let line = c.read_line().await?;
        if line.starts_with("+OK") {
            return Ok(Done::new((), "greeting").arg("text", line));
        }
        if line.starts_with("-ERR") {
            return Err(Failure::new(DiagnosisCode::ProtocolServiceUnavailable)
                .with(EvidenceKey::ServerSaid, line));
        }
        Err(flow::unexpected_greeting(&line, ProbeProtocol::Pop3))
    }

    async fn capabilities(&mut self, c: &mut Conn) -> Result<Done<()>, Failure> {
        c.write_line("CAPA").await?;
        match status(c).await? {
            Ok(_) => {
                self.caps = multiline(c, true).await?;
                self.capa_known = true;
                Ok(Done::new((), "capabilities").arg("caps", self.caps.join(", ")))
            }
            Err(_) => {
                self.caps.clear();
                self.capa_known = false;
                Ok(Done::new((), "capabilities").arg("caps", "-"))
            }
        }
    }

    fn offers_starttls(&self) -> bool {
        self.has("STLS")
    }

    fn caps_text(&self) -> String {
        self.caps.join(", ")
    }

    async fn starttls(&mut self, c: &mut Conn) -> Result<(), Failure> {
        c.write_line("STLS").await?;
        match status(c).await? {
            Ok(_) => {
                self.caps.clear();
                Ok(())
            }
            Err(text) => Err(refusal(&text, Stage::Starttls)),
        }
    }

    async fn login(
        &mut self,
        c: &mut Conn,
        t: &ProbeTarget,
        password: &str,
    ) -> Result<Done<()>, Failure> {
        let mechs = self.sasl_mechs();
        if t.auth == ProbeAuth::Oauth2 {
            let mut auth = sasl::oauth_login(t, &mechs, password)?;
            return match self.sasl(c, &mut auth).await {
                Ok(()) => Ok(Done::new((), "login")
                    .arg("user", t.user.clone())
                    .arg("mech", auth.mech)),
                Err(f) => Err(sasl::oauth_failed(t, &auth, f)),
            };
        }
        if t.auth == ProbeAuth::Ntlm {
            if self.capa_known && !ntlm::is_offered(&mechs) {
                return Err(ntlm::not_offered(&mechs));
            }
            let mut auth = ntlm::Ntlm::new(&t.user, &t.ntlm_domain, password);
            return match self.sasl(c, &mut auth).await {
                Ok(()) => Ok(Done::new((), "login")
                    .arg("user", t.user.clone())
                    .arg("mech", "NTLM")),
                Err(f) => Err(ntlm::refused(&auth, f, &t.user)),
            };
        }
        let offered = |m: &str| mechs.iter().any(|x| x == m);
        let want = match t.auth {
            ProbeAuth::Password if offered("PLAIN") => "PLAIN",
            ProbeAuth::Password | ProbeAuth::Login => "USER",
            ProbeAuth::Plain => "PLAIN",
            ProbeAuth::CramMd5 => "CRAM-MD5",
            _ => "PLAIN",
        };
        if self.capa_known && want != "USER" && !offered(want) {
            // Before TLS a server may hide its plaintext mechanisms.
            let code = if !c.tls && want == "PLAIN" && self.has("STLS") {
                DiagnosisCode::AuthPlaintextDisabled
            } else {
                DiagnosisCode::AuthMechanismUnsupported
            };
            return Err(Failure::new(code)
                .with(EvidenceKey::Wanted, want)
                .with(EvidenceKey::Offered, mechs.join(" ")));
        }
        if self.capa_known && want == "USER" && !self.has("USER") {
            let code = if !c.tls && self.has("STLS") {
                DiagnosisCode::AuthPlaintextDisabled
            } else {
                DiagnosisCode::AuthMechanismUnsupported
            };
            return Err(Failure::new(code)
                .with(EvidenceKey::Wanted, "USER/PASS")
                .with(EvidenceKey::Capabilities, self.caps_text()));
        }
        let mech = if want == "USER" {
            c.write_line(&format!("USER {}", t.user)).await?;
            if let Err(text) = status(c).await? {
                return Err(login_error(&text, "USER"));
            }
            c.write_secret(&format!("PASS {password}"), "PASS <redacted>")
                .await?;
            if let Err(text) = status(c).await? {
                return Err(login_error(&text, "USER"));
            }
            "USER/PASS"
        } else {
            let mut auth: Box<dyn Authenticator> = match want {
                "CRAM-MD5" => Box::new(sasl::CramMd5 {
                    user: t.user.clone(),
                    password: crate::sensitive::Secret::new(password),
                }),
                _ => Box::new(sasl::Plain {
                    user: t.user.clone(),
                    password: crate::sensitive::Secret::new(password),
                }),
            };
            self.sasl(c, auth.as_mut()).await?;
            want
        };
        Ok(Done::new((), "login")
            .arg("user", t.user.clone())
            .arg("mech", mech))
    }

    async fn logout(&mut self, c: &mut Conn) -> Result<(), Failure> {
        c.write_line("QUIT").await?;
        status(c).await.map(|_| ())
    }
}

/// The POP3 test: connection, login, STAT, and UIDL when mail is deleted after N days.
pub(crate) async fn test(r: &mut Runner<'_>, t: &ProbeTarget) -> Result<(), Stop> {
    let mut s = flow::establish(r, t, Pop3::new()).await?;
    if flow::login_step(r, t, &mut s).await? {
        let Session { conn, proto } = &mut s;
        soft(r.step(StepKind::Stat, t.timeout, proto.stat(conn)).await)?;
        if let Some(days) = t.delete_after_days {
            soft(
                r.step(StepKind::Uidl, t.timeout, proto.uidl(conn, days))
                    .await,
            )?;
        }
    }
    flow::logout_step(r, t, &mut s).await
}

/// Round trip: polls the maildrop (a new session each time, as POP3 shows a snapshot) for
/// the mail marked `token`, deletes it, and gives it back (with `fetch`, the whole message
/// as it arrived) if it came before `deadline`.
pub(crate) async fn take_marked(
    r: &mut Runner<'_>,
    t: &ProbeTarget,
    token: &str,
    deadline: Instant,
    fetch: bool,
) -> Result<Option<Vec<u8>>, Stop> {
    let marker = format!("x-mailbox-admin-test: {}", token.to_ascii_lowercase());
    loop {
        let mut s = flow::establish(r, t, Pop3::new()).await?;
        if !flow::login_step(r, t, &mut s).await? {
            return Err(Stop::Failed(Failure::new(
                DiagnosisCode::AuthPasswordMissing,
            )));
        }
        let Session { conn, proto } = &mut s;
        let (count, _) = proto.stat(conn).await.map_err(Stop::Failed)?.value;
        let mut found = None;
        // The newest messages are last; a test mail is among the latest.
        let first = count.saturating_sub(49).max(1);
        for n in (first..=count).rev() {
            conn.write_line(&format!("TOP {n} 0"))
                .await
                .map_err(Stop::Failed)?;
            if status(conn).await.map_err(Stop::Failed)?.is_err() {
                continue;
            }
            let head = multiline(conn, false).await.map_err(Stop::Failed)?;
            if head
                .iter()
                .any(|l| l.to_ascii_lowercase().trim_end() == marker)
            {
                conn.transcript
                    .info(&format!("message {n} carries the marker"));
                found = Some(n);
                break;
            }
        }
        let mut message = Vec::new();
        if let (Some(n), true) = (found, fetch) {
            conn.write_line(&format!("RETR {n}"))
                .await
                .map_err(Stop::Failed)?;
            if status(conn).await.map_err(Stop::Failed)?.is_ok() {
                let lines = multiline(conn, false).await.map_err(Stop::Failed)?;
                message = lines.join("\r\n").into_bytes();
                message.extend_from_slice(b"\r\n");
            }
        }
        if let Some(n) = found {
            conn.write_line(&format!("DELE {n}"))
                .await
                .map_err(Stop::Failed)?;
            let _ = status(conn).await;
        }
        // QUIT commits the deletion (RFC 1939 UPDATE state).
        let _ = proto.logout(conn).await;
        conn.close().await;
        if found.is_some() {
            return Ok(Some(message));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        tokio::time::sleep((deadline - now).min(Duration::from_millis(700))).await;
    }
}

/// Test support: the refusal `answer` (a whole `-ERR …` line) at `stage` — for a login, as the
/// answer to PASS (`Stage::Login`) — replayed through this module's real client code.
#[cfg(test)]
pub(crate) async fn replay(stage: Stage, answer: &str) -> Failure {
    use super::testing::{target, Script};
    let script = Script::new()
        .send("+OK ready")
        .expect("CAPA")
        .send("+OK\nUSER\nSTLS\n.");
    let script = match stage {
        Stage::Starttls => script.expect("STLS").send(answer),
        _ => script
            .expect("USER alice@example.test")
            .send("+OK")
            .expect("PASS pw-1234")
            .send(answer),
    };
    let (mut c, peer) = script.start();
    let mut p = Pop3::new();
    p.greeting(&mut c).await.expect("greeting");
    p.capabilities(&mut c).await.expect("CAPA");
    c.tls = stage != Stage::Starttls;
    let r = match stage {
        Stage::Starttls => p.starttls(&mut c).await,
        _ => {
            let t = target(ProbeProtocol::Pop3, ProbeAuth::Login);
            p.login(&mut c, &t, "pw-1234").await.map(|_| ())
        }
    };
    peer.finish(c).await;
    r.expect_err("the answer is a refusal")
}

#[cfg(any(test, feature = "fuzzing"))]
impl Pop3 {
    /// What the POP3 test does after the login, for `probe::fuzz`.
    pub(super) async fn fuzz_after_login(&mut self, c: &mut Conn) -> Result<(), Failure> {
        let _ = self.stat(c).await?;
        self.logout(c).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::testing::{evidence, expect_code, lines, target, Peer, Script};
    use crate::probe::transcript::{Dir, Transcript};

    const CAPA: &str = "+OK Capability list follows\nTOP\nUSER\nSASL PLAIN XOAUTH2\nSTLS\n..odd\n.";

    async fn with_capa(capa: &str, script: Script) -> (Conn, Peer, Pop3) {
        let (mut c, peer) = Script::new()
            .send("+OK Dovecot ready.")
            .expect("CAPA")
            .send(capa)
            .then(script)
            .start();
        let mut p = Pop3::new();
        p.greeting(&mut c).await.unwrap();
        p.capabilities(&mut c).await.unwrap();
        (c, peer, p)
    }

    #[tokio::test]
    async fn a_multi_line_answer_is_bounded_in_bytes_not_only_in_lines() {
        // 300 lines of 60 KB: few lines, but more bytes than any real CAPA or UIDL.
        let line = format!("{}\r\n", "X".repeat(60 * 1024));
        let mut script = Script::new()
            .send("+OK ready")
            .expect("CAPA")
            .send("+OK Capability list follows");
        for _ in 0..300 {
            script = script.raw(line.clone());
        }
        let (mut c, _peer) = script.start();
        let mut p = Pop3::new();
        p.greeting(&mut c).await.unwrap();
        let f = expect_code(
            p.capabilities(&mut c).await,
            DiagnosisCode::ProtocolInvalidResponse,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::Problem).as_deref(),
            Some("an endless multi-line answer")
        );
    }

    #[tokio::test]
    async fn apop_banner_greeting_is_accepted_and_shown() {
        let banner = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>";
        let (mut c, peer) = Script::new().send(banner).start();
        Pop3::new().greeting(&mut c).await.unwrap();
        assert_eq!(lines(&c.transcript.take(), Dir::Server), [banner]);
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn err_greeting_is_service_unavailable() {
        let (mut c, peer) = Script::new()
            .send("-ERR [SYS/TEMP] Too many connections")
            .start();
        let f = expect_code(
            Pop3::new().greeting(&mut c).await,
            DiagnosisCode::ProtocolServiceUnavailable,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerSaid).as_deref(),
            Some("-ERR [SYS/TEMP] Too many connections")
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn capa_is_multiline_and_dot_unstuffed() {
        let (c, peer, p) = with_capa(CAPA, Script::new()).await;
        assert!(p.capa_known && p.offers_starttls() && p.has("USER"));
        assert_eq!(p.sasl_mechs(), ["PLAIN", "XOAUTH2"]);
        assert!(p.caps.contains(&".odd".to_string()), "{:?}", p.caps);
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn a_server_without_capa_still_gets_user_and_pass() {
        let (mut c, peer, mut p) = with_capa(
            "-ERR unknown command",
            Script::new()
                .expect("USER alice@example.test")
                .send("+OK")
                .expect("PASS pw-1234")
                .send("+OK Logged in."),
        )
        .await;
        assert!(!p.capa_known);
        c.tls = true;
        let t = target(ProbeProtocol::Pop3, ProbeAuth::Password);
        p.login(&mut c, &t, "pw-1234").await.unwrap();
        let sent = lines(&c.transcript.take(), Dir::Client);
        assert_eq!(sent, ["CAPA", "USER alice@example.test", "PASS <redacted>"]);
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn stls_answers_ok_and_err() {
        let (mut c, peer, mut p) = with_capa(
            CAPA,
            Script::new()
                .expect("STLS")
                .send("+OK Begin TLS negotiation")
                .expect("STLS")
                .send("-ERR TLS support isn't enabled"),
        )
        .await;
        p.starttls(&mut c).await.unwrap();
        assert!(p.caps.is_empty());
        let f = expect_code(
            p.starttls(&mut c).await,
            DiagnosisCode::TlsStarttlsUnsupported,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerSaid).as_deref(),
            Some("-ERR TLS support isn't enabled")
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn refused_pass_is_auth_failed_and_plaintext_refusal_is_named() {
        for (said, code) in [
            ("-ERR [AUTH] Authentication failed.", DiagnosisCode::AuthFailed),
            (
                "-ERR [SYS/PERM] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.",
                DiagnosisCode::AuthPlaintextDisabled,
            ),
        ] {
            let caps = "+OK\nUSER\n.";
            let (mut c, peer, mut p) = with_capa(
                caps,
                Script::new()
                    .expect("USER alice@example.test")
                    .send("+OK")
                    .expect("PASS secret-pw")
                    .send(said),
            )
            .await;
            c.tls = true;
            let t = target(ProbeProtocol::Pop3, ProbeAuth::Login);
            let f = expect_code(p.login(&mut c, &t, "secret-pw").await, code);
            assert_eq!(evidence(&f, EvidenceKey::ServerSaid).as_deref(), Some(said));
            peer.finish(c).await;
        }
    }

    /// Courier with POP3_TLS_REQUIRED=1 refuses USER on a plain connection, in words only.
    #[tokio::test]
    async fn courier_tls_required_at_user_is_plaintext_disabled_not_auth_failed() {
        let said = "-ERR TLS required to log in.";
        let (mut c, peer, mut p) = with_capa(
            "+OK Here's what I can do:\nSTLS\nTOP\nUSER\nLOGIN-DELAY 10\nPIPELINING\nUIDL\nIMPLEMENTATION Courier Mail Server\n.",
            Script::new().expect("USER alice@example.test").send(said),
        )
        .await;
        let mut t = target(ProbeProtocol::Pop3, ProbeAuth::Login);
        t.allow_plaintext = true;
        let f = expect_code(
            p.login(&mut c, &t, "pw").await,
            DiagnosisCode::AuthPlaintextDisabled,
        );
        assert_eq!(evidence(&f, EvidenceKey::ServerSaid).as_deref(), Some(said));
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn user_hidden_before_stls_means_plaintext_is_disabled() {
        let (mut c, peer, mut p) = with_capa("+OK\nTOP\nSTLS\n.", Script::new()).await;
        let t = target(ProbeProtocol::Pop3, ProbeAuth::Login);
        expect_code(
            p.login(&mut c, &t, "pw").await,
            DiagnosisCode::AuthPlaintextDisabled,
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn auth_plain_answers_an_empty_continuation() {
        let resp = sasl::b64(b"\0alice@example.test\0pw-1234");
        let (mut c, peer, mut p) = with_capa(
            CAPA,
            Script::new()
                .expect("AUTH PLAIN *")
                .send("+ ")
                .expect(&resp)
                .send("+OK Logged in."),
        )
        .await;
        c.tls = true;
        let t = target(ProbeProtocol::Pop3, ProbeAuth::Plain);
        p.login(&mut c, &t, "pw-1234").await.unwrap();
        let sent = lines(&c.transcript.take(), Dir::Client);
        assert_eq!(sent[1..], ["AUTH PLAIN <redacted>", "<redacted>"]);
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn xoauth2_error_challenge_names_the_missing_scope() {
        let json = r#"{"status":"insufficient_scope","scope":"https://outlook.office.com/POP.AccessAsUser.All"}"#;
        let (mut c, peer) = Script::new()
            .send("+OK ready")
            .expect("CAPA")
            .send(CAPA)
            .expect("AUTH XOAUTH2 *")
            .send(&format!("+ {}", sasl::b64(json.as_bytes())))
            .expect("")
            .send("-ERR [AUTH] Authentication failed.")
            .start_with(Transcript::new(vec!["eyJ0eXAi.token".into()]));
        let mut p = Pop3::new();
        p.greeting(&mut c).await.unwrap();
        p.capabilities(&mut c).await.unwrap();
        c.tls = true;
        let t = target(ProbeProtocol::Pop3, ProbeAuth::Oauth2);
        let f = expect_code(
            p.login(&mut c, &t, "eyJ0eXAi.token").await,
            DiagnosisCode::OauthScopeMissing,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerError).as_deref(),
            Some(json)
        );
        let all = c.transcript.take();
        assert!(all.iter().all(|l| !l.text.contains("eyJ0eXAi.token")));
        assert!(lines(&all, Dir::Client).contains(&"AUTH XOAUTH2 <redacted>".to_string()));
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn stat_is_parsed_and_garbage_is_invalid() {
        let (mut c, peer, mut p) = with_capa(
            CAPA,
            Script::new()
                .expect("STAT")
                .send("+OK 3 4211")
                .expect("STAT")
                .send("+OK lots"),
        )
        .await;
        assert_eq!(p.stat(&mut c).await.unwrap().value, (3, 4211));
        expect_code(p.stat(&mut c).await, DiagnosisCode::ProtocolInvalidResponse);
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn a_reply_that_is_not_pop3_is_invalid() {
        let (mut c, peer, mut p) =
            with_capa(CAPA, Script::new().expect("STAT").send("* OK this is IMAP")).await;
        expect_code(p.stat(&mut c).await, DiagnosisCode::ProtocolInvalidResponse);
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn uidl_counts_the_ids_without_logging_them() {
        let capa = "+OK\nUSER\nUIDL\n.";
        let (mut c, peer, mut p) = with_capa(
            capa,
            Script::new()
                .expect("UIDL")
                .send("+OK\n1 whqtswO00WBw418f9t5JxYwZ\n2 QhdPYR:00WBw1Ph7x7\n."),
        )
        .await;
        let done = p.uidl(&mut c, 14).await.unwrap();
        assert_eq!(done.key, "uidl");
        assert!(
            done.args.contains(&("count", "2".into())),
            "{:?}",
            done.args
        );
        let seen = lines(&c.transcript.take(), Dir::Server).join("\n");
        assert!(!seen.contains("whqtswO00WBw418f9t5JxYwZ"), "{seen}");
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn a_server_without_uidl_is_diagnosed_for_delete_after_days() {
        // CAPA known and without UIDL: not even asked.
        let (mut c, peer, mut p) = with_capa("+OK\nUSER\nTOP\n.", Script::new()).await;
        let f = expect_code(p.uidl(&mut c, 7).await, DiagnosisCode::Pop3UidlMissing);
        assert_eq!(
            evidence(&f, EvidenceKey::Detail).as_deref(),
            Some("delete after 7 days")
        );
        peer.finish(c).await;
        // No CAPA: the command is tried, and its -ERR is the diagnosis.
        let (mut c, peer, mut p) = with_capa(
            "-ERR unknown command",
            Script::new().expect("UIDL").send("-ERR unknown command"),
        )
        .await;
        let f = expect_code(p.uidl(&mut c, 7).await, DiagnosisCode::Pop3UidlMissing);
        assert_eq!(
            evidence(&f, EvidenceKey::ServerSaid).as_deref(),
            Some("-ERR unknown command")
        );
        peer.finish(c).await;
    }
}
