//! SMTP submission (RFC 5321, 4954, 3207): greeting, EHLO, STARTTLS, AUTH, MAIL FROM with
//! the sender address (then RSET — nothing is sent unless asked), and the optional test
//! mail. Replies are read with bounded lines and a bounded number of continuation lines.
//!
//! Own wire code on purpose (lettre only builds the mail): bounded, line by line, every byte
//! in a redacted transcript, a diagnosis per reply code; lettre's transport keeps no transcript.

use super::answer::{self, Answer, Stage, Wire};
use super::conn::Conn;
use super::flow::{self, soft, Proto, Session};
use super::ntlm;
use super::runner::{Done, Failure, Runner, Stop};
use super::sasl::{self, Authenticator};
use super::{ProbeAuth, ProbeProtocol, ProbeTarget, StepKind};
use crate::diag::{DiagnosisCode, EvidenceKey};
use lettre::message::header::{self, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::Address;
use std::net::SocketAddr;

const MAX_REPLY_LINES: usize = 200;

/// A test mail to send: where to, and the token that marks it.
#[derive(Debug, Clone)]
pub(crate) struct Mail {
    pub to: String,
    pub token: String,
}

struct Reply {
    code: u16,
    lines: Vec<String>,
}

impl Reply {
    fn said(&self) -> String {
        format!("{} {}", self.code, self.lines.join(" / "))
    }
    fn text(&self) -> String {
        self.lines.join(" ")
    }
    /// What this refusal means at `stage` (codes first, then the words), with its evidence.
    fn refusal(&self, stage: Stage) -> Failure {
        let said = self.said();
        let text = self.text();
        let status = self.enhanced();
        answer::classify(&Answer {
            wire: Wire::Smtp,
            stage,
            said: &said,
            reply: Some(self.code),
            status,
            text: status
                .and_then(|s| text.strip_prefix(s))
                .unwrap_or(&text)
                .trim(),
            alerts: &[],
        })
    }
    /// The enhanced status code (RFC 3463), e.g. `5.7.1`.
    fn enhanced(&self) -> Option<&str> {
        let first = self.lines.first()?.split_whitespace().next()?;
        let parts: Vec<&str> = first.split('.').collect();
        (parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())))
        .then_some(first)
    }
}

async fn reply(c: &mut Conn) -> Result<Reply, Failure> {
    let mut lines = Vec::new();
    let mut code: Option<u16> = None;
    loop {
        let line = c.read_line().await?;
        let b = line.as_bytes();
        let this = (b.len() >= 3 && b[..3].iter().all(u8::is_ascii_digit))
            .then(|| line[..3].parse::<u16>().ok())
            .flatten();
        let (Some(this), sep) = (this, b.get(3).copied()) else {
            return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(EvidenceKey::Problem, "not an SMTP reply")
                .with(EvidenceKey::ServerSent, line));
        };
        if code.is_some_and(|c| c != this) || !matches!(sep, None | Some(b' ') | Some(b'-')) {
            return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(EvidenceKey::Problem, "malformed SMTP reply")
                .with(EvidenceKey::ServerSent, line));
        }
        code = Some(this);
        lines.push(line.get(4..).unwrap_or("").to_string());
        if sep != Some(b'-') {
            return Ok(Reply { code: this, lines });
        }
        if lines.len() >= MAX_REPLY_LINES {
            return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse).with(
                EvidenceKey::Problem,
                format!("a reply of more than {MAX_REPLY_LINES} lines"),
            ));
        }
    }
}

/// A server that finishes the TLS handshake without the client certificate it requires and
/// then refuses the session: Postfix (`smtpd_tls_req_ccert`) greets with `421 4.7.1 <host>
/// Error: No client certificate presented`, or `… Client certificate not trusted` for one of
/// another CA (after STARTTLS: as the answer to EHLO).
fn client_cert_refusal(c: &Conn, said: &str) -> Option<Failure> {
    let lower = said.to_ascii_lowercase();
    if !c.tls || !(lower.contains("client certificate") || lower.contains("client cert")) {
        return None;
    }
    let code = if c.client_cert.presented {
        DiagnosisCode::TlsClientCertRejected
    } else {
        DiagnosisCode::TlsClientCertRequired
    };
    let mut f = Failure::new(code).with(EvidenceKey::ServerSaid, said);
    if c.client_cert.asked {
        f = f.with(
            EvidenceKey::Observed,
            "the server asked for a client certificate in the TLS handshake",
        );
    }
    Some(f)
}

/// What we call ourselves in EHLO: the address literal of our side of the connection.
fn ehlo_name(local: SocketAddr) -> String {
    match local.ip() {
        std::net::IpAddr::V4(ip) => format!("[{ip}]"),
        std::net::IpAddr::V6(ip) => format!("[IPv6:{ip}]"),
    }
}

/// An address for MAIL FROM / RCPT TO, or a sender with its name (`Jürgen <j@example.test>`),
/// parsed by lettre. Line breaks and other control characters never get through.
pub(crate) fn parse_mailbox(a: &str) -> Result<Mailbox, String> {
    let a = a.trim();
    if a.chars().any(char::is_control) {
        return Err("contains a line break or another control character".into());
    }
    if a.contains('<') {
        // lettre's mailbox parser ignores what follows the closing bracket: allow nothing.
        if !a.ends_with('>') {
            return Err("text after the closing >".into());
        }
        return a.parse::<Mailbox>().map_err(|e| e.to_string());
    }
    a.parse::<Address>()
        .map(|addr| Mailbox::new(None, addr))
        .map_err(|e| e.to_string())
}

/// `X-Mailbox-Admin-Test: <token>`: how the round trip finds its mail again.
#[derive(Clone)]
struct TestMarker(String);

impl Header for TestMarker {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Mailbox-Admin-Test")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(TestMarker(s.trim().to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// The From: of a test mail without a sender address (MAIL FROM is then `<>`).
const NO_SENDER: &str = "mailbox-admin@localhost";

pub(crate) const TEST_BODY: &str =
    "Diese Nachricht hat Mailbox Admin beim Verbindungstest gesendet.\r\n\
Sie kann gelöscht werden.\r\n\
\r\n\
This message was sent by Mailbox Admin while testing the connection.\r\n\
It can be deleted.\r\n";

/// The test mail as it goes into DATA: built by lettre (RFC 2047 encoded words for names
/// and subject, MIME, Date, Message-ID), then dot-stuffed and ended by the lone dot.
#[cfg(test)]
pub(crate) fn test_message(
    from: Option<&Mailbox>,
    to: &Address,
    token: &str,
) -> Result<Vec<u8>, String> {
    Ok(dot_stuff(&test_formatted(from, to, token)?))
}

/// The test mail as lettre formats it (CRLF), before dot-stuffing.
fn test_formatted(from: Option<&Mailbox>, to: &Address, token: &str) -> Result<Vec<u8>, String> {
    let from = match from {
        Some(m) if m.name.as_deref().is_some_and(|n| !n.trim().is_empty()) => m.clone(),
        Some(m) => Mailbox::new(Some("Mailbox Admin".into()), m.email.clone()),
        None => Mailbox::new(
            Some("Mailbox Admin".into()),
            NO_SENDER
                .parse()
                .map_err(|e: lettre::address::AddressError| e.to_string())?,
        ),
    };
    let msg = Message::builder()
        .from(from)
        .to(Mailbox::new(None, to.clone()))
        .subject("Mailbox Admin: Prüfnachricht / test message")
        .message_id(Some(format!("<{token}@mailbox-admin.invalid>")))
        .header(TestMarker(token.to_string()))
        .header(header::MIME_VERSION_1_0)
        .header(header::ContentType::TEXT_PLAIN)
        .body(TEST_BODY.to_string())
        .map_err(|e| e.to_string())?;
    Ok(msg.formatted())
}

/// CRLF line ends, a dot doubled at the start of a line (RFC 5321 §4.5.2), the end mark.
fn dot_stuff(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + 16);
    let text = raw.strip_suffix(b"\r\n").unwrap_or(raw);
    for line in text.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

pub(crate) struct Smtp {
    ext: Vec<String>,
}

impl Smtp {
    pub fn new() -> Smtp {
        Smtp { ext: Vec::new() }
    }

    fn has(&self, keyword: &str) -> bool {
        self.ext.iter().any(|e| {
            e.split_whitespace()
                .next()
                .is_some_and(|k| k.eq_ignore_ascii_case(keyword))
        })
    }

    fn auth_mechs(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in &self.ext {
            let up = e.to_ascii_uppercase();
            let rest = up
                .strip_prefix("AUTH ")
                .or_else(|| up.strip_prefix("AUTH="));
            for m in rest.unwrap_or("").split_whitespace() {
                if !out.iter().any(|x| x == m) {
                    out.push(m.to_string());
                }
            }
        }
        out
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
            let r = reply(c).await?;
            match r.code {
                334 => {
                    let challenge = sasl::unb64(r.lines.first().map(String::as_str).unwrap_or(""))
                        .unwrap_or_default();
                    let resp = auth.respond(&challenge).map_err(|e| {
                        Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                            .with(EvidenceKey::Problem, e)
                    })?;
                    c.write_secret(&resp, super::transcript::REDACTED).await?;
                }
                235 => return Ok(()),
                _ => {
                    let f = r.refusal(Stage::Login);
                    return Err(if f.code == DiagnosisCode::AuthMechanismUnsupported {
                        f.with(EvidenceKey::Wanted, mech)
                    } else {
                        f
                    });
                }
            }
        }
        Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
            .with(EvidenceKey::Problem, "too many SASL rounds"))
    }

    async fn mail_from(&mut self, c: &mut Conn, from: &str) -> Result<(), Failure> {
        c.write_line(&format!("MAIL FROM:<{from}>")).await?;
        let r = reply(c).await?;
        if r.code == 250 {
            return Ok(());
        }
        Err(r.refusal(Stage::MailFrom).with(
            EvidenceKey::Sender,
            if from.is_empty() { "<>" } else { from },
        ))
    }

    async fn rset(&mut self, c: &mut Conn) -> Result<(), Failure> {
        c.write_line("RSET").await?;
        reply(c).await.map(|_| ())
    }

    async fn sender_check(&mut self, c: &mut Conn, sender: &str) -> Result<Done<()>, Failure> {
        let from = match parse_mailbox(sender) {
            Ok(m) => m.email.to_string(),
            Err(why) => {
                return Err(Failure::new(DiagnosisCode::SmtpSenderRejected)
                    .with(EvidenceKey::Sender, sender)
                    .with(EvidenceKey::Problem, format!("not a usable address: {why}")))
            }
        };
        self.mail_from(c, &from).await?;
        self.rset(c).await?;
        Ok(Done::new((), "sender").arg("sender", from))
    }

    async fn send(
        &mut self,
        c: &mut Conn,
        from: Option<&Mailbox>,
        mail: &Mail,
        smime: Option<&super::SmimeSettings>,
    ) -> Result<Done<()>, Failure> {
        let to = match parse_mailbox(&mail.to) {
            Ok(m) => m.email,
            Err(why) => {
                return Err(Failure::new(DiagnosisCode::SmtpRecipientRejected)
                    .with(EvidenceKey::Recipient, mail.to.clone())
                    .with(EvidenceKey::Problem, format!("not a usable address: {why}")))
            }
        };
        // S/MIME: the certificate is checked before anything goes to the server.
        let material = match smime {
            Some(sm) => {
                let sender = from.map(|m| m.email.to_string()).unwrap_or_default();
                Some((super::smime::check(sm, &sender)?, sm))
            }
            None => None,
        };
        let msg = test_formatted(from, &to, &mail.token).map_err(|e| {
            Failure::new(DiagnosisCode::SmtpMessageRejected).with(
                EvidenceKey::Problem,
                format!("the test mail could not be built: {e}"),
            )
        })?;
        let msg = match &material {
            Some((m, sm)) => dot_stuff(&super::smime::wrap(&msg, m, sm)?),
            None => dot_stuff(&msg),
        };
        let to = to.to_string();
        let envelope_from = from.map(|m| m.email.to_string()).unwrap_or_default();
        self.mail_from(c, &envelope_from).await?;
        c.write_line(&format!("RCPT TO:<{to}>")).await?;
        let r = reply(c).await?;
        if !(r.code == 250 || r.code == 251) {
            let _ = self.rset(c).await;
            return Err(r
                .refusal(Stage::Rcpt)
                .with(EvidenceKey::Recipient, to.as_str()));
        }
        c.write_line("DATA").await?;
        let r = reply(c).await?;
        if r.code != 354 {
            let _ = self.rset(c).await;
            return Err(r.refusal(Stage::Data));
        }
        let text = String::from_utf8_lossy(&msg);
        for line in text.lines().take_while(|l| !l.is_empty()) {
            c.transcript.client(line);
        }
        c.transcript
            .info(&format!("[message body, {} bytes in all]", msg.len()));
        c.write_raw(&msg).await?;
        c.transcript.client(".");
        let r = reply(c).await?;
        if r.code != 250 {
            return Err(r.refusal(Stage::Data));
        }
        Ok(match smime {
            Some(sm) => Done::new((), "sent_smime").arg("smime", super::smime::label(sm)),
            None => Done::new((), "sent"),
        }
        .arg("to", to)
        .arg("reply", r.said()))
    }
}

impl Proto for Smtp {
    async fn greeting(&mut self, c: &mut Conn) -> Result<Done<()>, Failure> {
        let first = c.read_line().await?;
        let is_reply = first.len() >= 3 && first.as_bytes()[..3].iter().all(u8::is_ascii_digit);
        // FTP greets with 220 too; a banner that names FTP and not SMTP is not a mail server.
        let ftp = flow::sounds_like(&first) == Some("FTP")
            && !first.to_ascii_uppercase().contains("SMTP");
        if !is_reply || ftp {
            return Err(flow::unexpected_greeting(&first, ProbeProtocol::Smtp));
        }
        let mut last = first.clone();
        let mut n = 1;
        while last.as_bytes().get(3) == Some(&b'-') {
            if n >= MAX_REPLY_LINES {
                return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                    .with(
                        EvidenceKey::Problem,
                        format!("a greeting of more than {MAX_REPLY_LINES} lines"),
                    )
                    .with(EvidenceKey::ServerSent, first));
            }
            last = c.read_line().await?;
            n += 1;
        }
        match &first[..3] {
            "220" => Ok(Done::new((), "greeting").arg("text", first)),
            "421" | "554" => Err(client_cert_refusal(c, &first).unwrap_or_else(|| {
                Failure::new(DiagnosisCode::ProtocolServiceUnavailable)
                    .with(EvidenceKey::ServerSaid, last)
            })),
            _ => Err(flow::unexpected_greeting(&first, ProbeProtocol::Smtp)),
        }
    }

    async fn capabilities(&mut self, c: &mut Conn) -> Result<Done<()>, Failure> {
        let name = ehlo_name(c.local);
        c.write_line(&format!("EHLO {name}")).await?;
        let r = reply(c).await?;
        if r.code == 250 {
            self.ext = r.lines.get(1..).unwrap_or_default().to_vec();
            return Ok(Done::new((), "capabilities").arg("caps", self.ext.join(", ")));
        }
        if r.code >= 500 {
            c.write_line(&format!("HELO {name}")).await?;
            let h = reply(c).await?;
            if h.code == 250 {
                self.ext.clear();
                return Ok(Done::new((), "capabilities").arg("caps", "HELO"));
            }
        }
        if r.code == 421 {
            if let Some(f) = client_cert_refusal(c, &r.said()) {
                return Err(f);
            }
            // Also Exchange Online's refusal of TLS 1.0/1.1 (421 4.7.66) after STARTTLS.
            let f = answer::known(Wire::Smtp, &r.said())
                .unwrap_or_else(|| Failure::new(DiagnosisCode::ProtocolServiceUnavailable));
            return Err(f.with(EvidenceKey::ServerSaid, r.said()));
        }
        Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
            .with(EvidenceKey::Command, "EHLO")
            .with(EvidenceKey::ServerSaid, r.said()))
    }

    fn offers_starttls(&self) -> bool {
        self.has("STARTTLS")
    }

    fn caps_text(&self) -> String {
        self.ext.join(", ")
    }

    async fn starttls(&mut self, c: &mut Conn) -> Result<(), Failure> {
        c.write_line("STARTTLS").await?;
        let r = reply(c).await?;
        if r.code != 220 {
            return Err(r.refusal(Stage::Starttls));
        }
        self.ext.clear();
        Ok(())
    }

    async fn login(
        &mut self,
        c: &mut Conn,
        t: &ProbeTarget,
        password: &str,
    ) -> Result<Done<()>, Failure> {
        let offered = self.auth_mechs();
        if offered.is_empty() {
            let code = if !c.tls && self.offers_starttls() {
                DiagnosisCode::AuthPlaintextDisabled
            } else {
                DiagnosisCode::AuthMechanismUnsupported
            };
            return Err(Failure::new(code)
                .with(EvidenceKey::Offered, "no AUTH in the EHLO answer")
                .with(EvidenceKey::Capabilities, self.caps_text()));
        }
        if t.auth == ProbeAuth::Oauth2 {
            let mut auth = sasl::oauth_login(t, &offered, password)?;
            return match self.sasl(c, &mut auth).await {
                Ok(()) => Ok(Done::new((), "login")
                    .arg("user", t.user.clone())
                    .arg("mech", auth.mech)),
                Err(f) => Err(sasl::oauth_failed(t, &auth, f)),
            };
        }
        if t.auth == ProbeAuth::Ntlm {
            if !ntlm::is_offered(&offered) {
                return Err(ntlm::not_offered(&offered));
            }
            let mut auth = ntlm::Ntlm::new(&t.user, &t.ntlm_domain, password);
            return match self.sasl(c, &mut auth).await {
                Ok(()) => Ok(Done::new((), "login")
                    .arg("user", t.user.clone())
                    .arg("mech", "NTLM")),
                Err(f) => Err(ntlm::refused(&auth, f, &t.user)),
            };
        }
        let has = |m: &str| offered.iter().any(|x| x == m);
        let want = match t.auth {
            ProbeAuth::Password if has("PLAIN") => "PLAIN",
            ProbeAuth::Password | ProbeAuth::Login => "LOGIN",
            ProbeAuth::CramMd5 => "CRAM-MD5",
            _ => "PLAIN",
        };
        if !has(want) {
            return Err(Failure::new(DiagnosisCode::AuthMechanismUnsupported)
                .with(EvidenceKey::Wanted, want)
                .with(EvidenceKey::Offered, offered.join(" ")));
        }
        let mut auth: Box<dyn Authenticator> = match want {
            "CRAM-MD5" => Box::new(sasl::CramMd5 {
                user: t.user.clone(),
                password: crate::sensitive::Secret::new(password),
            }),
            "LOGIN" => Box::new(sasl::Login {
                user: t.user.clone(),
                password: crate::sensitive::Secret::new(password),
                sent_user: false,
            }),
            _ => Box::new(sasl::Plain {
                user: t.user.clone(),
                password: crate::sensitive::Secret::new(password),
            }),
        };
        self.sasl(c, auth.as_mut()).await?;
        Ok(Done::new((), "login")
            .arg("user", t.user.clone())
            .arg("mech", want))
    }

    async fn logout(&mut self, c: &mut Conn) -> Result<(), Failure> {
        c.write_line("QUIT").await?;
        reply(c).await.map(|_| ())
    }
}

/// The SMTP test: connection, login, MAIL FROM with the sender, and the given test mails.
pub(crate) async fn test(r: &mut Runner<'_>, t: &ProbeTarget, mails: &[Mail]) -> Result<(), Stop> {
    let limit = t.timeout;
    let mut s = flow::establish(r, t, Smtp::new()).await?;
    flow::login_step(r, t, &mut s).await?;
    let Session { conn, proto } = &mut s;
    let sender_ok = if t.sender.trim().is_empty() {
        r.mark_skipped(StepKind::Sender, "sender_none", &[]);
        true
    } else {
        soft(
            r.step(StepKind::Sender, limit, proto.sender_check(conn, &t.sender))
                .await,
        )?
        .is_some()
    };
    if sender_ok {
        // Without a sender address, the login name if it is an address, else the null sender.
        let from = if !t.sender.trim().is_empty() {
            parse_mailbox(&t.sender).ok()
        } else {
            parse_mailbox(&t.user).ok()
        };
        let from = from.map(|m| match t.sender_name.trim() {
            "" => m,
            name => Mailbox::new(Some(name.to_string()), m.email),
        });
        for mail in mails {
            soft(
                r.step(
                    StepKind::Send,
                    limit,
                    proto.send(conn, from.as_ref(), mail, t.smime.as_ref()),
                )
                .await,
            )?;
        }
    }
    flow::logout_step(r, t, &mut s).await
}

/// Test support: the refusal `answer` (whole reply lines) at `stage`, replayed through this
/// module's real client code against a scripted server.
#[cfg(test)]
pub(crate) async fn replay(stage: Stage, answer: &str) -> Failure {
    use super::testing::{target, Script};
    let rset = Script::new().expect("RSET").send("250 2.0.0 Ok");
    let script = match stage {
        Stage::Login => Script::new().expect("AUTH PLAIN *").send(answer),
        Stage::Starttls => Script::new().expect("STARTTLS").send(answer),
        Stage::MailFrom => Script::new()
            .expect("MAIL FROM:<alice@example.test>")
            .send(answer),
        Stage::Rcpt => Script::new()
            .expect("MAIL FROM:<alice@example.test>")
            .send("250 2.1.0 Ok")
            .expect("RCPT TO:<bob@example.test>")
            .send(answer)
            .then(rset),
        Stage::Data => Script::new()
            .expect("MAIL FROM:<alice@example.test>")
            .send("250 2.1.0 Ok")
            .expect("RCPT TO:<bob@example.test>")
            .send("250 2.1.5 Ok")
            .expect("DATA")
            .send("354 End data with <CR><LF>.<CR><LF>")
            .data()
            .send(answer),
    };
    let (mut c, peer) = Script::new()
        .send("220 mail.example.test ESMTP")
        .expect("EHLO [127.0.0.1]")
        .send("250-mail.example.test\n250-STARTTLS\n250 AUTH PLAIN LOGIN")
        .then(script)
        .start();
    let mut p = Smtp::new();
    p.greeting(&mut c).await.expect("greeting");
    p.capabilities(&mut c).await.expect("EHLO");
    c.tls = stage != Stage::Starttls;
    let from = parse_mailbox("alice@example.test").expect("address");
    let mail = Mail {
        to: "bob@example.test".into(),
        token: "T0KEN".into(),
    };
    let r = match stage {
        Stage::Login => {
            let t = target(ProbeProtocol::Smtp, ProbeAuth::Plain);
            p.login(&mut c, &t, "pw-1234").await.map(|_| ())
        }
        Stage::Starttls => p.starttls(&mut c).await,
        Stage::MailFrom => p
            .sender_check(&mut c, "alice@example.test")
            .await
            .map(|_| ()),
        Stage::Rcpt | Stage::Data => p.send(&mut c, Some(&from), &mail, None).await.map(|_| ()),
    };
    peer.finish(c).await;
    r.expect_err("the answer is a refusal")
}

#[cfg(any(test, feature = "fuzzing"))]
impl Smtp {
    /// What the SMTP test does after the login, for `probe::fuzz`: the sender check and
    /// one test mail.
    pub(super) async fn fuzz_after_login(
        &mut self,
        c: &mut Conn,
        t: &ProbeTarget,
    ) -> Result<(), Failure> {
        self.sender_check(c, &t.sender).await?;
        let from = parse_mailbox(&t.sender).ok();
        let mail = Mail {
            to: "bob@example.test".into(),
            token: "fuzz-token".into(),
        };
        self.send(c, from.as_ref(), &mail, None).await?;
        self.logout(c).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(from: Option<&str>, to: &str, token: &str) -> String {
        let from = from.map(|f| parse_mailbox(f).unwrap());
        let to = parse_mailbox(to).unwrap().email;
        String::from_utf8(test_message(from.as_ref(), &to, token).unwrap()).unwrap()
    }

    /// The message as DATA carried it: the end mark removed, dots unstuffed.
    fn undata(m: &str) -> String {
        let m = m.strip_suffix(".\r\n").expect("the end mark");
        m.split("\r\n")
            .map(|l| l.strip_prefix('.').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\r\n")
    }

    #[test]
    fn test_message_is_dot_safe_and_marked() {
        let m = message(Some("a@example.test"), "b@example.test", "tok123");
        assert!(m.ends_with("\r\n.\r\n"));
        assert!(m.contains("\r\nX-Mailbox-Admin-Test: tok123\r\n"));
        assert!(m.contains("\r\nMessage-ID: <tok123@mailbox-admin.invalid>\r\n"));
        assert_eq!(m.matches("\r\n.\r\n").count(), 1);
        assert!(m.lines().all(|l| l.len() < 998 && l.is_ascii()));
        assert!(!m.replace("\r\n", "").contains('\n'), "bare LF");
    }

    #[test]
    fn dots_at_line_starts_are_doubled() {
        assert_eq!(dot_stuff(b".a\r\nb\r\n..c"), b"..a\r\nb\r\n...c\r\n.\r\n");
        assert_eq!(dot_stuff(b"x\ny\r\n"), b"x\r\ny\r\n.\r\n");
    }

    #[test]
    fn umlauts_in_name_and_subject_are_encoded_and_parse_back() {
        let m = message(
            Some("Jürgen Müller <juergen@example.test>"),
            "b@example.test",
            "tok9",
        );
        let head = m.split("\r\n\r\n").next().unwrap();
        assert!(head.is_ascii(), "{head}");
        assert!(head.contains("=?utf-8?"), "{head}");
        let carried = undata(&m);
        let parsed = mail_parser::MessageParser::default()
            .parse(carried.as_bytes())
            .expect("a mail parser reads it");
        let from = parsed.from().and_then(|a| a.first()).unwrap();
        assert_eq!(from.name(), Some("Jürgen Müller"));
        assert_eq!(from.address(), Some("juergen@example.test"));
        assert_eq!(
            parsed.subject(),
            Some("Mailbox Admin: Prüfnachricht / test message")
        );
        assert_eq!(parsed.message_id(), Some("tok9@mailbox-admin.invalid"));
        assert!(parsed.date().is_some());
        assert!(parsed.body_text(0).unwrap().contains("gelöscht"));
        assert_eq!(
            parsed.header_raw("X-Mailbox-Admin-Test").map(str::trim),
            Some("tok9")
        );
    }

    #[test]
    fn a_mail_without_sender_names_no_one_real() {
        let m = message(None, "b@example.test", "t");
        assert!(
            m.starts_with("From: \"Mailbox Admin\" <mailbox-admin@localhost>\r\n"),
            "{m}"
        );
    }

    #[test]
    fn addresses_with_line_breaks_or_trailing_text_are_not_used() {
        assert_eq!(parse_mailbox(" a@b.c ").unwrap().email.to_string(), "a@b.c");
        let m = parse_mailbox("Jürgen Müller <j@b.c>").unwrap();
        assert_eq!(
            (m.name.as_deref(), m.email.to_string().as_str()),
            (Some("Jürgen Müller"), "j@b.c")
        );
        assert!(parse_mailbox("a@b.c>\r\nRCPT TO:<x@y").is_err());
        assert!(parse_mailbox("a@b.c\r\nBcc: x@evil.example").is_err());
        assert!(parse_mailbox("X <a@b.c> RCPT TO:<x@y>").is_err());
        assert!(parse_mailbox("info").is_err());
        assert!(parse_mailbox("").is_err());
    }

    // ---- wire tests against a scripted server -------------------------------------------

    use crate::probe::testing::{evidence, expect_code, lines, target, Peer, Script};
    use crate::probe::transcript::Dir;

    const EHLO: &str = "250-mail.example.test\n250-PIPELINING\n250-AUTH=LOGIN PLAIN\n250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2\n250-STARTTLS\n250 8BITMIME";

    async fn after_ehlo(ehlo: &str, script: Script) -> (Conn, Peer, Smtp) {
        let (mut c, peer) = Script::new()
            .send("220 mail.example.test ESMTP Postfix")
            .expect("EHLO [127.0.0.1]")
            .send(ehlo)
            .then(script)
            .start();
        let mut p = Smtp::new();
        p.greeting(&mut c).await.unwrap();
        p.capabilities(&mut c).await.unwrap();
        (c, peer, p)
    }

    #[tokio::test]
    async fn multi_line_220_greeting_is_read_to_its_end() {
        let (mut c, peer) = Script::new()
            .send("220-mail.example.test ESMTP\n220-No UCE\n220 ready")
            .expect("EHLO [127.0.0.1]")
            .send("250 mail.example.test")
            .start();
        let mut p = Smtp::new();
        p.greeting(&mut c).await.unwrap();
        // The next reply is EHLO's, not the rest of the greeting.
        p.capabilities(&mut c).await.unwrap();
        assert!(p.ext.is_empty());
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn multi_line_554_greeting_is_service_unavailable_with_its_last_line() {
        let (mut c, peer) = Script::new()
            .send("554-mail.example.test\n554 5.7.1 Your IP is listed")
            .start();
        let f = expect_code(
            Smtp::new().greeting(&mut c).await,
            DiagnosisCode::ProtocolServiceUnavailable,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerSaid).as_deref(),
            Some("554 5.7.1 Your IP is listed")
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn ftp_banner_is_the_wrong_service() {
        let (mut c, peer) = Script::new().send("220 ProFTPD Server ready.").start();
        let f = expect_code(
            Smtp::new().greeting(&mut c).await,
            DiagnosisCode::ProtocolWrongService,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::SoundsLike).as_deref(),
            Some("FTP")
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn replies_are_bounded_and_consistent() {
        let (mut c, peer) = Script::new()
            .send("250-first\n250 second")
            .send("250-first\n251 other code")
            .send("hello there")
            .raw("250-x\r\n".repeat(MAX_REPLY_LINES + 1))
            .start();
        let r = reply(&mut c).await.unwrap();
        assert_eq!(
            (r.code, r.lines.clone()),
            (250, vec!["first".into(), "second".into()])
        );
        expect_code(reply(&mut c).await, DiagnosisCode::ProtocolInvalidResponse);
        expect_code(reply(&mut c).await, DiagnosisCode::ProtocolInvalidResponse);
        expect_code(reply(&mut c).await, DiagnosisCode::ProtocolInvalidResponse);
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn ehlo_extensions_and_both_auth_spellings_are_read() {
        let (c, peer, p) = after_ehlo(EHLO, Script::new()).await;
        assert_eq!(p.auth_mechs(), ["LOGIN", "PLAIN", "CRAM-MD5", "XOAUTH2"]);
        assert!(p.offers_starttls() && p.has("8bitmime"));
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn refused_ehlo_falls_back_to_helo() {
        let (mut c, peer) = Script::new()
            .send("220 old.example.test SMTP")
            .expect("EHLO [127.0.0.1]")
            .send("502 5.5.2 Error: command not recognized")
            .expect("HELO [127.0.0.1]")
            .send("250 old.example.test")
            .start();
        let mut p = Smtp::new();
        p.greeting(&mut c).await.unwrap();
        p.capabilities(&mut c).await.unwrap();
        assert!(!p.offers_starttls());
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn starttls_220_goes_ahead_and_454_is_unsupported() {
        let (mut c, peer, mut p) = after_ehlo(
            EHLO,
            Script::new()
                .expect("STARTTLS")
                .send("220 2.0.0 Ready to start TLS")
                .expect("STARTTLS")
                .send("454 4.7.0 TLS not available due to local problem"),
        )
        .await;
        p.starttls(&mut c).await.unwrap();
        assert!(p.ext.is_empty());
        let f = expect_code(
            p.starttls(&mut c).await,
            DiagnosisCode::TlsStarttlsUnsupported,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerSaid).as_deref(),
            Some("454 4.7.0 TLS not available due to local problem")
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn auth_login_answers_both_prompts_and_hides_them() {
        let (mut c, peer, mut p) = after_ehlo(
            "250-mail\n250 AUTH LOGIN",
            Script::new()
                .expect("AUTH LOGIN")
                .send("334 VXNlcm5hbWU6")
                .expect(&sasl::b64(b"alice@example.test"))
                .send("334 UGFzc3dvcmQ6")
                .expect(&sasl::b64(b"pw-1234"))
                .send("235 2.7.0 Authentication successful"),
        )
        .await;
        c.tls = true;
        let t = target(ProbeProtocol::Smtp, ProbeAuth::Password);
        p.login(&mut c, &t, "pw-1234").await.unwrap();
        let sent = lines(&c.transcript.take(), Dir::Client);
        assert_eq!(sent[1..], ["AUTH LOGIN", "<redacted>", "<redacted>"]);
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn auth_refusals_are_told_apart_by_code() {
        for (said, code) in [
            (
                "535 5.7.8 Error: authentication failed",
                DiagnosisCode::AuthFailed,
            ),
            (
                "538 5.7.11 Encryption required",
                DiagnosisCode::AuthPlaintextDisabled,
            ),
            (
                "530 5.7.0 Must issue a STARTTLS command first",
                DiagnosisCode::AuthPlaintextDisabled,
            ),
            (
                "504 5.5.4 Unrecognized authentication type",
                DiagnosisCode::AuthMechanismUnsupported,
            ),
        ] {
            let (mut c, peer, mut p) =
                after_ehlo(EHLO, Script::new().expect("AUTH PLAIN *").send(said)).await;
            c.tls = true;
            let t = target(ProbeProtocol::Smtp, ProbeAuth::Plain);
            let f = expect_code(p.login(&mut c, &t, "pw-1234").await, code);
            assert_eq!(evidence(&f, EvidenceKey::ServerSaid).as_deref(), Some(said));
            let sent = lines(&c.transcript.take(), Dir::Client);
            assert_eq!(
                sent.last().map(String::as_str),
                Some("AUTH PLAIN <redacted>")
            );
            peer.finish(c).await;
        }
    }

    #[tokio::test]
    async fn xoauth2_334_error_challenge_is_explained() {
        let json = r#"{"status":"401","schemes":"bearer"}"#;
        let (mut c, peer, mut p) = after_ehlo(
            EHLO,
            Script::new()
                .expect("AUTH XOAUTH2 *")
                .send(&format!("334 {}", sasl::b64(json.as_bytes())))
                .expect("")
                .send("535 5.7.3 Authentication unsuccessful"),
        )
        .await;
        c.tls = true;
        let t = target(ProbeProtocol::Smtp, ProbeAuth::Oauth2);
        let f = expect_code(
            p.login(&mut c, &t, "token-xyz").await,
            DiagnosisCode::OauthTokenInvalid,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerError).as_deref(),
            Some(json)
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn no_auth_before_starttls_means_plaintext_is_disabled() {
        let (mut c, peer, mut p) = after_ehlo("250-mail\n250 STARTTLS", Script::new()).await;
        let t = target(ProbeProtocol::Smtp, ProbeAuth::Password);
        expect_code(
            p.login(&mut c, &t, "pw").await,
            DiagnosisCode::AuthPlaintextDisabled,
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn test_mail_goes_through_data_dot_stuffed() {
        let (mut c, peer, mut p) = after_ehlo(
            EHLO,
            Script::new()
                .expect("MAIL FROM:<a@example.test>")
                .send("250 2.1.0 Ok")
                .expect("RCPT TO:<b@example.test>")
                .send("250 2.1.5 Ok")
                .expect("DATA")
                .send("354 End data with <CR><LF>.<CR><LF>")
                .data()
                .send("250 2.0.0 Ok: queued as 4F2A1"),
        )
        .await;
        let mail = Mail {
            to: "b@example.test".into(),
            token: "tok42".into(),
        };
        let from = parse_mailbox("a@example.test").unwrap();
        p.send(&mut c, Some(&from), &mail, None).await.unwrap();
        let got = peer.finish(c).await;
        let body = &got[4];
        assert!(
            body.contains("\r\nX-Mailbox-Admin-Test: tok42\r\n"),
            "{body}"
        );
        assert!(body.ends_with("\r\n.\r\n"));
        assert_eq!(body.matches("\r\n.\r\n").count(), 1);
    }

    #[tokio::test]
    async fn relay_refusal_is_named_and_the_transaction_reset() {
        let (mut c, peer, mut p) = after_ehlo(
            EHLO,
            Script::new()
                .expect("MAIL FROM:<a@example.test>")
                .send("250 2.1.0 Ok")
                .expect("RCPT TO:<x@elsewhere.test>")
                .send("554 5.7.1 <x@elsewhere.test>: Access denied")
                .expect("RSET")
                .send("250 2.0.0 Ok"),
        )
        .await;
        let mail = Mail {
            to: "x@elsewhere.test".into(),
            token: "t".into(),
        };
        expect_code(
            p.send(
                &mut c,
                parse_mailbox("a@example.test").ok().as_ref(),
                &mail,
                None,
            )
            .await,
            DiagnosisCode::SmtpRelayDenied,
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn sender_refusal_is_named() {
        let (mut c, peer, mut p) = after_ehlo(
            EHLO,
            Script::new().expect("MAIL FROM:<boss@example.test>").send(
                "553 5.7.1 <boss@example.test>: Sender address rejected: not owned by user alice",
            ),
        )
        .await;
        let f = expect_code(
            p.sender_check(&mut c, "boss@example.test").await,
            DiagnosisCode::SmtpSenderRejected,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::Sender).as_deref(),
            Some("boss@example.test")
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn oauthbearer_is_preferred_and_ends_a_refusal_with_0x01() {
        let (mut c, peer, mut p) = after_ehlo(
            "250-mail\n250 AUTH PLAIN XOAUTH2 OAUTHBEARER",
            Script::new()
                .expect("AUTH OAUTHBEARER *")
                .send(&format!(
                    "334 {}",
                    sasl::b64(br#"{"status":"invalid_token"}"#)
                ))
                .expect("AQ==")
                .send("535 5.7.8 Authentication credentials invalid"),
        )
        .await;
        c.tls = true;
        let t = target(ProbeProtocol::Smtp, ProbeAuth::Oauth2);
        expect_code(
            p.login(&mut c, &t, "tok-abc").await,
            DiagnosisCode::OauthTokenInvalid,
        );
        let sent = lines(&c.transcript.take(), Dir::Client);
        assert_eq!(sent[1..], ["AUTH OAUTHBEARER <redacted>", "<redacted>"]);
        let got = peer.finish(c).await;
        let ir = got[1].strip_prefix("AUTH OAUTHBEARER ").unwrap();
        assert_eq!(
            sasl::unb64(ir).unwrap(),
            b"n,a=alice@example.test,\x01host=mail.example.test\x01port=143\x01auth=Bearer tok-abc\x01\x01"
        );
    }
}
