//! POP3 (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595) and SASL AUTH (RFC 5034): the
//! client is small enough to own, and owning it gives exact transcripts and diagnoses.

use super::conn::Conn;
use super::flow::{self, soft, Proto, Session};
use super::runner::{Done, Failure, Runner, Stop};
use super::sasl::{self, Authenticator};
use super::{ProbeAuth, ProbeProtocol, ProbeTarget, StepKind};
use crate::diag::{DiagnosisCode, EvidenceKey};
use std::time::{Duration, Instant};

const MAX_MULTILINE: usize = 200_000;

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
    loop {
        let raw = c.read_line_raw().await?;
        let s = String::from_utf8_lossy(&raw).into_owned();
        if log {
            c.transcript.server(&s);
        }
        if s == "." {
            return Ok(out);
        }
        out.push(s.strip_prefix('.').map(str::to_string).unwrap_or(s));
        if out.len() > MAX_MULTILINE {
            return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(EvidenceKey::Problem, "an endless multi-line answer"));
        }
    }
}

/// -ERR after a login attempt: what it most likely means.
fn login_error(text: &str, mech: &str) -> Failure {
    let low = text.to_ascii_lowercase();
    let f = if low.contains("plaintext") || low.contains("ssl/tls") || low.contains("encrypt") {
        Failure::new(DiagnosisCode::AuthPlaintextDisabled)
    } else if low.contains("unsupported") || (low.contains("unknown") && low.contains("mechanism"))
    {
        Failure::new(DiagnosisCode::AuthMechanismUnsupported).with(EvidenceKey::Wanted, mech)
    } else {
        Failure::new(DiagnosisCode::AuthFailed)
    };
    f.with(EvidenceKey::ServerSaid, format!("-ERR {text}"))
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
            Err(text) => Err(Failure::new(DiagnosisCode::TlsStarttlsUnsupported)
                .with(EvidenceKey::ServerSaid, format!("-ERR {text}"))),
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

/// The POP3 test: connection, login, STAT.
pub(crate) async fn test(r: &mut Runner<'_>, t: &ProbeTarget) -> Result<(), Stop> {
    let mut s = flow::establish(r, t, Pop3::new()).await?;
    if flow::login_step(r, t, &mut s).await? {
        let Session { conn, proto } = &mut s;
        soft(r.step(StepKind::Stat, t.timeout, proto.stat(conn)).await)?;
    }
    flow::logout_step(r, t, &mut s).await
}

/// Round trip: polls the maildrop (a new session each time, as POP3 shows a snapshot) for
/// the mail marked `token`, deletes it, and says whether it came before `deadline`.
pub(crate) async fn take_marked(
    r: &mut Runner<'_>,
    t: &ProbeTarget,
    token: &str,
    deadline: Instant,
) -> Result<bool, Stop> {
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
            return Ok(true);
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(false);
        }
        tokio::time::sleep((deadline - now).min(Duration::from_millis(700))).await;
    }
}
