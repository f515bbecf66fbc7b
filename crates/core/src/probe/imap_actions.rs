//! IMAP client work that is not diagnosis — the folder tree, (un)subscribing, the round trip's
//! search and clean-up — on async-imap over the probe's connection and TLS: `Tap` records
//! every line (redacted) and bounds what is read.

use super::conn::{preview, Io, MAX_LINE};
use super::flow;
use super::imap::{encode_mutf7, folder_from, quote, Imap};
use super::runner::{Done, Failure, Runner, Stop};
use super::sasl;
use super::transcript::{Dir, Transcript, REDACTED};
use super::{
    CancellationToken, DeleteProcedure, Diagnosis, Folder, ProbeAuth, ProbeProtocol, ProbeTarget,
    StepKind,
};
use crate::diag::{DiagnosisCode, EvidenceKey, Severity};
use crate::i18n::Lang;
use async_imap::error::Error as ImapError;
use async_imap::imap_proto::{
    Capability, MailboxDatum, MailboxListData, NameAttribute, Response, ResponseCode, Status,
};
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};

/// Bytes one action may read. async-imap buffers a whole response (up to 512 MiB) before it
/// parses it; this cap, and the literal limit below, keep a hostile server's answer small.
pub(crate) const MAX_ACTION_BYTES: usize = 8 * 1024 * 1024;
/// Largest literal accepted (a folder name, a header); announced larger is refused at once.
const MAX_LITERAL: usize = 1024 * 1024;

/// What the tap has seen, shared with the action after the stream went into async-imap.
struct Wire {
    transcript: Transcript,
    cap: usize,
    read: usize,
    /// The server line being assembled, and the bytes of a literal still to come.
    line: Vec<u8>,
    literal: usize,
    literal_len: usize,
    literal_head: Vec<u8>,
    /// The line being assembled continues a response after a literal.
    continued: bool,
    /// The client line being assembled.
    out: Vec<u8>,
    /// Inside an AUTHENTICATE exchange: every client line is a secret.
    sasl: bool,
    last_line: String,
    /// The last tagged completion, without its tag: `NO [CODE] text`.
    said: Option<String>,
    bye: Option<String>,
    /// Why the tap stopped reading (the cap, a literal bomb, an endless line).
    failure: Option<Failure>,
}

#[derive(Clone)]
pub(crate) struct WireRef(Arc<Mutex<Wire>>);

impl WireRef {
    fn new(transcript: Transcript, cap: usize) -> WireRef {
        WireRef(Arc::new(Mutex::new(Wire {
            transcript,
            cap,
            read: 0,
            line: Vec::new(),
            literal: 0,
            literal_len: 0,
            literal_head: Vec::new(),
            continued: false,
            out: Vec::new(),
            sasl: false,
            last_line: String::new(),
            said: None,
            bye: None,
            failure: None,
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Wire> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn said(&self) -> String {
        self.lock().said.clone().unwrap_or_default()
    }

    /// Forgets the last completion, before a command whose completion async-imap does not
    /// check (SEARCH, STORE, EXPUNGE end their streams on any status).
    fn forget_said(&self) {
        self.lock().said = None;
    }

    /// The completion since `forget_said` if it was not OK; `Err` if there was none (the
    /// connection ended inside the command).
    fn refused(&self) -> Result<Option<String>, Failure> {
        match self.lock().said.clone() {
            Some(s) if s.get(..2).is_some_and(|w| w.eq_ignore_ascii_case("OK")) => Ok(None),
            Some(s) => Ok(Some(s)),
            None => Err(Failure::new(DiagnosisCode::NetClosed)
                .with(EvidenceKey::Detail, "the server closed the connection")),
        }
    }
}

/// `… {123}` or `{123+}` at the end of a line announces a literal of 123 bytes.
fn literal_len(raw: &[u8]) -> Option<usize> {
    let s = std::str::from_utf8(raw).ok()?;
    let s = s.strip_suffix('}')?;
    let open = s.rfind('{')?;
    s[open + 1..].trim_end_matches('+').parse().ok()
}

impl Wire {
    fn fail(&mut self, problem: String, sent: &[u8]) -> io::Error {
        let f = Failure::new(DiagnosisCode::ProtocolInvalidResponse)
            .with(EvidenceKey::Problem, problem.clone())
            .with(EvidenceKey::ServerSent, preview(sent));
        self.failure = Some(f);
        io::Error::new(io::ErrorKind::InvalidData, problem)
    }

    /// Records what the server sent, line by line (literals as a preview), and refuses
    /// more than the cap, a literal over the limit or a line without end.
    fn server(&mut self, bytes: &[u8]) -> Result<(), io::Error> {
        self.read += bytes.len();
        if self.read > self.cap {
            let line = std::mem::take(&mut self.line);
            return Err(self.fail(
                format!("more than {} bytes in one action", self.cap),
                if line.is_empty() {
                    self.last_line.clone().into_bytes()
                } else {
                    line
                }
                .as_slice(),
            ));
        }
        let mut rest = bytes;
        while !rest.is_empty() {
            if self.literal > 0 {
                let take = self.literal.min(rest.len());
                let room = 120usize.saturating_sub(self.literal_head.len());
                self.literal_head.extend_from_slice(&rest[..take.min(room)]);
                self.literal -= take;
                rest = &rest[take..];
                if self.literal == 0 {
                    let head = std::mem::take(&mut self.literal_head);
                    self.transcript.server(&format!(
                        "[{} bytes] {}",
                        self.literal_len,
                        preview(&head)
                    ));
                }
                continue;
            }
            let Some(pos) = rest.iter().position(|&b| b == b'\n') else {
                self.line.extend_from_slice(rest);
                if self.line.len() > MAX_LINE {
                    let line = std::mem::take(&mut self.line);
                    return Err(self.fail(format!("a line longer than {MAX_LINE} bytes"), &line));
                }
                return Ok(());
            };
            self.line.extend_from_slice(&rest[..pos]);
            rest = &rest[pos + 1..];
            let mut line = std::mem::take(&mut self.line);
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            self.line_done(&line)?;
        }
        Ok(())
    }

    fn line_done(&mut self, line: &[u8]) -> Result<(), io::Error> {
        let text = String::from_utf8_lossy(line).into_owned();
        if !text.is_empty() {
            self.transcript.server(&text);
        }
        match line.first() {
            Some(b'*') => {
                if text
                    .get(2..5)
                    .is_some_and(|w| w.eq_ignore_ascii_case("BYE"))
                {
                    self.bye = Some(text.clone());
                }
            }
            Some(b'+') | None => {}
            // A line after a literal continues the response; any other is a completion.
            Some(_) if !self.continued => {
                // A tagged completion ends any SASL exchange.
                if let Some((_, said)) = text.split_once(' ') {
                    self.said = Some(said.to_string());
                }
                self.sasl = false;
            }
            Some(_) => {}
        }
        if !text.is_empty() {
            self.last_line = text;
        }
        self.continued = false;
        match literal_len(line) {
            Some(n) if n > MAX_LITERAL => Err(self.fail(format!("a literal of {n} bytes"), line)),
            Some(n) => {
                self.literal = n;
                self.literal_len = n;
                self.continued = true;
                if n == 0 {
                    self.transcript.server("[0 bytes]");
                }
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Records what the client sent: credentials only in redacted form.
    fn client(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
        while let Some(pos) = self.out.iter().position(|&b| b == b'\n') {
            let mut line: Vec<u8> = self.out.drain(..=pos).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let text = String::from_utf8_lossy(&line);
            if self.sasl {
                self.transcript.client(REDACTED);
                continue;
            }
            let verb = text.split(' ').nth(1).unwrap_or_default();
            if verb.eq_ignore_ascii_case("AUTHENTICATE") {
                self.sasl = true;
            }
            // `redact_client_line` hides the password of LOGIN and any initial response.
            self.transcript.client(&text);
        }
    }
}

/// The stream async-imap gets: our connection (TCP or TLS), with every line in the redacted
/// transcript and the bytes read bounded.
pub(crate) struct Tap {
    io: Box<dyn Io>,
    wire: WireRef,
}

impl std::fmt::Debug for Tap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tap")
    }
}

impl AsyncRead for Tap {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = self.get_mut();
        if me.wire.lock().failure.is_some() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the response was refused",
            )));
        }
        let before = buf.filled().len();
        ready!(Pin::new(&mut me.io).poll_read(cx, buf))?;
        // Checked before async-imap sees the bytes: it never learns of a literal bomb.
        Poll::Ready(me.wire.lock().server(&buf.filled()[before..]))
    }
}

impl AsyncWrite for Tap {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        let n = ready!(Pin::new(&mut me.io).poll_write(cx, buf))?;
        me.wire.lock().client(&buf[..n]);
        Poll::Ready(Ok(n))
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

type Client = async_imap::Client<Tap>;
type ImapSession = async_imap::Session<Tap>;

// ---- async-imap's outcomes as diagnoses -----------------------------------------------------

fn closed(wire: &WireRef, detail: String) -> Failure {
    let w = wire.lock();
    let mut f = Failure::new(DiagnosisCode::NetClosed).with(EvidenceKey::Detail, detail);
    if let Some(last) = w.transcript.last(Dir::Client) {
        f = f.with(EvidenceKey::After, last);
    }
    if let Some(bye) = &w.bye {
        f = f.with(EvidenceKey::ServerSaid, bye.clone());
    }
    f
}

fn io_failure(wire: &WireRef, e: io::Error) -> Failure {
    if let Some(f) = wire.lock().failure.take() {
        return f;
    }
    use io::ErrorKind::*;
    let msg = e.to_string();
    match e.kind() {
        TimedOut => Failure::new(DiagnosisCode::NetTimeout).with(EvidenceKey::Detail, msg),
        UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe => closed(wire, msg),
        // async-imap's parse errors and its own buffer limit come as `io::Error::other`.
        _ if msg.contains("during parsing") || msg.contains("too large") => {
            let last = wire.lock().last_line.clone();
            Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(EvidenceKey::Problem, "a response that is not IMAP")
                .with(EvidenceKey::ServerSent, preview(last.as_bytes()))
        }
        _ => closed(wire, msg),
    }
}

fn failure(wire: &WireRef, e: ImapError) -> Failure {
    if let Some(f) = wire.lock().failure.take() {
        return f;
    }
    match e {
        ImapError::Io(e) => io_failure(wire, e),
        ImapError::ConnectionLost => closed(wire, "the server closed the connection".into()),
        ImapError::No(_) | ImapError::Bad(_) => {
            Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(EvidenceKey::ServerSaid, wire.said())
        }
        other => Failure::new(DiagnosisCode::ProtocolInvalidResponse)
            .with(EvidenceKey::Problem, preview(other.to_string().as_bytes())),
    }
}

fn caps_of(list: &[Capability<'_>]) -> Vec<String> {
    list.iter()
        .map(|c| match c {
            Capability::Imap4rev1 => "IMAP4REV1".to_string(),
            Capability::Auth(m) => format!("AUTH={}", m.to_ascii_uppercase()),
            Capability::Atom(a) => a.to_ascii_uppercase(),
        })
        .collect()
}

// ---- greeting and login -------------------------------------------------------------------

/// Reads the greeting (async-imap parses it); returns the capabilities it names.
async fn greeting(client: &mut Client, wire: &WireRef) -> Result<Vec<String>, Failure> {
    let resp = match client.read_response().await {
        Ok(Some(r)) => r,
        Ok(None) => return Err(closed(wire, "the server closed the connection".into())),
        Err(e) => {
            let f = io_failure(wire, e);
            if f.code != DiagnosisCode::ProtocolInvalidResponse {
                return Err(f);
            }
            let last = wire.lock().last_line.clone();
            return Err(flow::unexpected_greeting(&last, ProbeProtocol::Imap));
        }
    };
    let last = wire.lock().last_line.clone();
    match resp.parsed() {
        Response::Data {
            status: Status::Ok,
            outcome,
        } => Ok(match &outcome.code {
            Some(ResponseCode::Capabilities(c)) => caps_of(c),
            _ => Vec::new(),
        }),
        Response::Data {
            status: Status::Bye,
            ..
        } => Err(Failure::new(DiagnosisCode::ProtocolServiceUnavailable)
            .with(EvidenceKey::ServerSaid, last)),
        Response::Data {
            status: Status::PreAuth,
            ..
        } => Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
            .with(
                EvidenceKey::Problem,
                "a PREAUTH greeting: this action logs in itself",
            )
            .with(EvidenceKey::ServerSent, last)),
        _ => Err(flow::unexpected_greeting(&last, ProbeProtocol::Imap)),
    }
}

/// CAPABILITY before login. async-imap has no pre-login command that returns untagged data,
/// so the command goes through the tap (and the transcript) and async-imap parses the answer.
async fn capabilities(client: &mut Client, wire: &WireRef) -> Result<Vec<String>, Failure> {
    const TAG: &str = "C1";
    let io = client.get_mut();
    let sent = async {
        io.write_all(format!("{TAG} CAPABILITY\r\n").as_bytes())
            .await?;
        io.flush().await
    };
    sent.await.map_err(|e| io_failure(wire, e))?;
    let mut caps = Vec::new();
    loop {
        let resp = match client.read_response().await {
            Ok(Some(r)) => r,
            Ok(None) => return Err(closed(wire, "the server closed the connection".into())),
            Err(e) => return Err(io_failure(wire, e)),
        };
        match resp.parsed() {
            Response::Capabilities(c) => caps = caps_of(c),
            Response::Done { tag, status, .. } if tag.0 == TAG => {
                if *status != Status::Ok {
                    return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                        .with(EvidenceKey::Command, "CAPABILITY")
                        .with(EvidenceKey::ServerSaid, wire.said()));
                }
                return Ok(caps);
            }
            _ => {}
        }
    }
}

/// Our SASL mechanisms as async-imap's authenticator (it wants raw bytes, we give base64).
struct Sasl {
    inner: Box<dyn sasl::Authenticator>,
    problem: Option<String>,
}

impl async_imap::Authenticator for &mut Sasl {
    type Response = Vec<u8>;
    fn process(&mut self, challenge: &[u8]) -> Vec<u8> {
        match self.inner.respond(challenge) {
            Ok(b64) => sasl::unb64(&b64).unwrap_or_default(),
            Err(e) => {
                self.problem = Some(e);
                Vec::new()
            }
        }
    }
}

/// Greeting (unless `greeted`), capabilities and login by async-imap. Passwords go by
/// `LOGIN`; PLAIN, CRAM-MD5 and the OAuth mechanisms by `AUTHENTICATE`.
async fn login(
    mut client: Client,
    wire: &WireRef,
    t: &ProbeTarget,
    secret: &str,
    tls: bool,
    greeted: bool,
) -> Result<ImapSession, Failure> {
    let mut caps = if greeted {
        Vec::new()
    } else {
        greeting(&mut client, wire).await?
    };
    if caps.is_empty() {
        caps = capabilities(&mut client, wire).await?;
    }
    let has = |c: &str| caps.iter().any(|x| x == c);
    let offered: Vec<String> = caps
        .iter()
        .filter_map(|c| c.strip_prefix("AUTH=").map(str::to_string))
        .collect();
    let offers = |m: &str| offered.iter().any(|x| x == m);
    let caps_text = caps.join(" ");
    let password = crate::sensitive::Secret::new(secret);
    let mech: &'static str = match t.auth {
        ProbeAuth::Oauth2 => sasl::oauth_mechanism(t, &offered)?,
        ProbeAuth::Plain => "PLAIN",
        ProbeAuth::CramMd5 => "CRAM-MD5",
        // LOGINDISABLED on an encrypted connection: PLAIN is the password's other way in.
        ProbeAuth::Password if has("LOGINDISABLED") && tls && offers("PLAIN") => "PLAIN",
        _ => "LOGIN",
    };
    if mech != "CRAM-MD5" && !tls && has("LOGINDISABLED") {
        return Err(Failure::new(DiagnosisCode::AuthPlaintextDisabled)
            .with(EvidenceKey::Capabilities, caps_text));
    }
    if mech == "LOGIN" && has("LOGINDISABLED") {
        return Err(Failure::new(DiagnosisCode::AuthMechanismUnsupported)
            .with(EvidenceKey::Wanted, "LOGIN")
            .with(EvidenceKey::Capabilities, caps_text));
    }
    if mech != "LOGIN" && !offers(mech) {
        return Err(Failure::new(DiagnosisCode::AuthMechanismUnsupported)
            .with(EvidenceKey::Wanted, mech)
            .with(EvidenceKey::Offered, offered.join(" ")));
    }
    let mut auth = Sasl {
        inner: match mech {
            "XOAUTH2" | "OAUTHBEARER" => Box::new(sasl::oauth_login(t, &offered, secret)?),
            "CRAM-MD5" => Box::new(sasl::CramMd5 {
                user: t.user.clone(),
                password,
            }),
            _ => Box::new(sasl::Plain {
                user: t.user.clone(),
                password,
            }),
        },
        problem: None,
    };
    let done = if mech == "LOGIN" {
        client.login(&t.user, secret).await
    } else {
        client.authenticate(mech, &mut auth).await
    };
    let e = match done {
        Ok(session) => return Ok(session),
        Err((e, _client)) => e,
    };
    if let Some(problem) = auth.problem.take() {
        return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
            .with(EvidenceKey::Problem, problem));
    }
    let refused = matches!(e, ImapError::No(_) | ImapError::Bad(_));
    if !refused {
        return Err(failure(wire, e));
    }
    let said = wire.said();
    if matches!(e, ImapError::Bad(_)) && mech != "LOGIN" && !said.contains('[') {
        return Err(Failure::new(DiagnosisCode::AuthMechanismUnsupported)
            .with(EvidenceKey::Wanted, mech)
            .with(EvidenceKey::ServerSaid, said));
    }
    // The same reading of codes and words as the probe's own login (answer.rs).
    let f = super::imap::login_refusal(&said);
    Err(match f.code {
        DiagnosisCode::AuthFailed if matches!(mech, "XOAUTH2" | "OAUTHBEARER") => {
            sasl::oauth_rejected(t, auth.inner.server_error(), said)
        }
        DiagnosisCode::AuthFailed => f.with(EvidenceKey::User, t.user.clone()),
        _ => f,
    })
}

// ---- the commands -------------------------------------------------------------------------

fn folder_of(l: &MailboxListData<'_>) -> Folder {
    let attrs: Vec<String> = l
        .name_attributes
        .iter()
        .map(|a| {
            match a {
                NameAttribute::NoInferiors => "\\Noinferiors",
                NameAttribute::NoSelect => "\\Noselect",
                NameAttribute::Marked => "\\Marked",
                NameAttribute::Unmarked => "\\Unmarked",
                NameAttribute::All => "\\All",
                NameAttribute::Archive => "\\Archive",
                NameAttribute::Drafts => "\\Drafts",
                NameAttribute::Flagged => "\\Flagged",
                NameAttribute::Junk => "\\Junk",
                NameAttribute::Sent => "\\Sent",
                NameAttribute::Trash => "\\Trash",
                NameAttribute::Extension(x) => x.as_ref(),
                #[allow(unreachable_patterns)]
                _ => "",
            }
            .to_string()
        })
        .collect();
    folder_from(&l.name, l.delimiter.as_ref().map(|d| d.to_string()), &attrs)
}

/// Runs a LIST or LSUB command and collects its folders; `false` if the server refused it.
async fn names(
    s: &mut ImapSession,
    wire: &WireRef,
    cmd: &str,
) -> Result<(Vec<Folder>, bool), Failure> {
    let id = s.run_command(cmd).await.map_err(|e| failure(wire, e))?;
    let mut out = Vec::new();
    loop {
        let resp = match s.read_response().await {
            Ok(Some(r)) => r,
            Ok(None) => return Err(closed(wire, "the server closed the connection".into())),
            Err(e) => return Err(io_failure(wire, e)),
        };
        match resp.parsed() {
            Response::MailboxData(MailboxDatum::List(l)) => out.push(folder_of(l)),
            Response::Done { tag, status, .. } if *tag == id => {
                return Ok((out, *status == Status::Ok));
            }
            _ => {}
        }
    }
}

/// The folders with SPECIAL-USE and subscriptions, INBOX first.
async fn list_folders(s: &mut ImapSession, wire: &WireRef) -> Result<Vec<Folder>, Failure> {
    let caps = s.capabilities().await.map_err(|e| failure(wire, e))?;
    let extended = caps.has_str("LIST-EXTENDED") && caps.has_str("SPECIAL-USE");
    let cmd = if extended {
        r#"LIST "" "*" RETURN (SPECIAL-USE)"#
    } else {
        r#"LIST "" "*""#
    };
    let (mut folders, ok) = names(s, wire, cmd).await?;
    if !ok {
        return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
            .with(EvidenceKey::Command, "LIST")
            .with(EvidenceKey::ServerSaid, wire.said()));
    }
    // Subscriptions by the selection option (RFC 5258) or LSUB, not by `RETURN
    // (SUBSCRIBED)`: Dovecot 2.3 leaves a folder subscribed later out of that answer.
    let cmd = if extended {
        r#"LIST (SUBSCRIBED) "" "*""#
    } else {
        r#"LSUB "" "*""#
    };
    let (subscribed, ok) = names(s, wire, cmd).await?;
    if ok {
        for f in subscribed {
            if let Some(x) = folders.iter_mut().find(|x| x.name == f.name) {
                x.subscribed = true;
            }
        }
    }
    folders.sort_by_key(|f| !f.name.eq_ignore_ascii_case("INBOX"));
    Ok(folders)
}

/// SUBSCRIBE or UNSUBSCRIBE one folder, by its decoded name.
async fn subscribe(
    s: &mut ImapSession,
    wire: &WireRef,
    name: &str,
    on: bool,
) -> Result<(), Failure> {
    let encoded = encode_mutf7(name);
    let done = if on {
        s.subscribe(&encoded).await
    } else {
        s.unsubscribe(&encoded).await
    };
    let cmd = if on { "SUBSCRIBE" } else { "UNSUBSCRIBE" };
    match done {
        Ok(()) => Ok(()),
        Err(ImapError::No(_)) => Err(Failure::new(DiagnosisCode::ImapMailboxMissing)
            .with(EvidenceKey::MailboxPath, name)
            .with(EvidenceKey::Command, cmd)
            .with(EvidenceKey::ServerSaid, wire.said())),
        Err(e) => Err(failure(wire, e).with(EvidenceKey::Command, cmd)),
    }
}

/// Reads a response stream of async-imap to its end (the items are not needed).
async fn drain<T>(
    st: impl futures_util::Stream<Item = Result<T, ImapError>>,
    wire: &WireRef,
) -> Result<(), Failure> {
    use futures_util::StreamExt;
    let mut st = std::pin::pin!(st);
    while let Some(r) = st.next().await {
        r.map_err(|e| failure(wire, e))?;
    }
    Ok(())
}

/// What the round trip does with its test mail once found (`ProbeTarget::delete_procedure`)
/// and what the server offers for it.
struct Cleanup {
    procedure: DeleteProcedure,
    /// MoveToTrash: the configured trash folder, else the one the server marks `\Trash`;
    /// `None`: there is none (the mail is expunged instead, and the transcript says so).
    trash: Option<String>,
    uidplus: bool,
    /// RFC 6851 MOVE.
    moves: bool,
}

/// One look in the selected mailbox for the mail marked `token`; cleans it up as `how` says
/// if found.
async fn take_once(
    s: &mut ImapSession,
    wire: &WireRef,
    token: &str,
    how: &Cleanup,
    fetch: bool,
) -> Result<Option<Vec<u8>>, Failure> {
    let query = format!("HEADER X-Mailbox-Admin-Test {}", quote(token));
    wire.forget_said();
    let uids = s.uid_search(&query).await.map_err(|e| failure(wire, e))?;
    if let Some(said) = wire.refused()? {
        return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
            .with(EvidenceKey::Command, "SEARCH")
            .with(EvidenceKey::ServerSaid, said));
    }
    if uids.is_empty() {
        return Ok(None);
    }
    let mut uids: Vec<u32> = uids.into_iter().collect();
    uids.sort_unstable();
    let set = uids
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let message = if fetch {
        fetch_message(s, wire, uids[0]).await?
    } else {
        Vec::new()
    };
    clean_up(s, wire, &set, how).await?;
    Ok(Some(message))
}

/// The whole message `uid` as it arrived (BODY.PEEK[]: no \Seen flag), bounded in size.
async fn fetch_message(s: &mut ImapSession, wire: &WireRef, uid: u32) -> Result<Vec<u8>, Failure> {
    use futures_util::StreamExt;
    wire.forget_said();
    let mut body = Vec::new();
    {
        let mut fetched = s
            .uid_fetch(uid.to_string(), "BODY.PEEK[]")
            .await
            .map_err(|e| failure(wire, e))?;
        while let Some(f) = fetched.next().await {
            let f = f.map_err(|e| failure(wire, e))?;
            if let Some(b) = f.body() {
                body.extend_from_slice(b);
            }
        }
    }
    if body.is_empty() {
        return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
            .with(EvidenceKey::Command, "FETCH BODY.PEEK[]")
            .with(EvidenceKey::ServerSaid, wire.said()));
    }
    Ok(body)
}

/// Does with the found test mail (`set`, UIDs) what the account's delete procedure says:
/// moved to the trash, flagged `\Deleted`, or flagged and expunged. The mail arrived: that
/// is the answer, so a refused clean-up is noted in the transcript, not fatal.
async fn clean_up(
    s: &mut ImapSession,
    wire: &WireRef,
    set: &str,
    how: &Cleanup,
) -> Result<(), Failure> {
    let info = |text: &str| wire.lock().transcript.info(text);
    let note = |what: &str, said: String| info(&format!("the test mail was not {what}: {said}"));
    let mut procedure = how.procedure;
    if procedure == DeleteProcedure::MoveToTrash {
        let Some(trash) = &how.trash else {
            info(
                "no trash folder (none configured, none marked \\Trash): the test mail is expunged",
            );
            return delete(s, wire, set, how.uidplus, true, note).await;
        };
        let mailbox = encode_mutf7(trash);
        wire.forget_said();
        let done = if how.moves {
            s.uid_mv(set, &mailbox).await
        } else {
            s.uid_copy(set, &mailbox).await
        };
        match done {
            Ok(()) if how.moves => {
                info(&format!("the test mail was moved to \"{trash}\""));
                return Ok(());
            }
            Ok(()) => {
                info(&format!("the test mail was copied to \"{trash}\""));
                procedure = DeleteProcedure::Expunge;
            }
            Err(ImapError::No(_) | ImapError::Bad(_)) => {
                note(&format!("moved to \"{trash}\""), wire.said());
                return Ok(());
            }
            Err(e) => return Err(failure(wire, e)),
        }
    }
    let expunge = procedure == DeleteProcedure::Expunge;
    delete(s, wire, set, how.uidplus, expunge, note).await
}

/// Flags `set` `\Deleted` and, if `expunge`, expunges it (by UID with UIDPLUS).
async fn delete(
    s: &mut ImapSession,
    wire: &WireRef,
    set: &str,
    uidplus: bool,
    expunge: bool,
    note: impl Fn(&str, String),
) -> Result<(), Failure> {
    wire.forget_said();
    {
        let stored = s
            .uid_store(set, "+FLAGS.SILENT (\\Deleted)")
            .await
            .map_err(|e| failure(wire, e))?;
        drain(stored, wire).await?;
    }
    if let Some(said) = wire.refused()? {
        note("deleted", said);
        return Ok(());
    }
    if !expunge {
        wire.lock()
            .transcript
            .info("the test mail was marked \\Deleted and left in the mailbox");
        return Ok(());
    }
    wire.forget_said();
    if uidplus {
        let gone = s.uid_expunge(set).await.map_err(|e| failure(wire, e))?;
        drain(gone, wire).await?;
    } else {
        let gone = s.expunge().await.map_err(|e| failure(wire, e))?;
        drain(gone, wire).await?;
    }
    if let Some(said) = wire.refused()? {
        note("expunged", said);
    }
    Ok(())
}

/// The trash folder for MoveToTrash: `configured` if set, else the folder the server marks
/// `\Trash` (SPECIAL-USE); `None` if there is neither.
async fn trash_folder(
    s: &mut ImapSession,
    wire: &WireRef,
    configured: &str,
) -> Result<Option<String>, Failure> {
    if !configured.trim().is_empty() {
        return Ok(Some(configured.trim().to_string()));
    }
    let (folders, _) = names(s, wire, r#"LIST "" "*" RETURN (SPECIAL-USE)"#).await?;
    Ok(folders
        .into_iter()
        .find(|f| f.special_use.as_deref() == Some("\\Trash"))
        .map(|f| f.name))
}

/// Polls the selected mailbox until the marked mail is there (and cleaned up as the target's
/// delete procedure says) or `deadline`.
async fn wait_for_marked(
    s: &mut ImapSession,
    wire: &WireRef,
    token: &str,
    t: &ProbeTarget,
    deadline: Instant,
    fetch: bool,
) -> Result<Option<Vec<u8>>, Failure> {
    let select = s.select("INBOX").await;
    if let Err(e) = select {
        let refused = matches!(e, ImapError::No(_) | ImapError::Bad(_));
        return Err(if refused {
            Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(EvidenceKey::Command, "SELECT")
                .with(EvidenceKey::ServerSaid, wire.said())
        } else {
            failure(wire, e)
        });
    }
    let caps = s.capabilities().await.map_err(|e| failure(wire, e))?;
    let (uidplus, moves) = (caps.has_str("UIDPLUS"), caps.has_str("MOVE"));
    let trash = match t.delete_procedure {
        DeleteProcedure::MoveToTrash => trash_folder(s, wire, &t.folders.trash).await?,
        _ => None,
    };
    let how = Cleanup {
        procedure: t.delete_procedure,
        trash,
        uidplus,
        moves,
    };
    loop {
        if let Some(message) = take_once(s, wire, token, &how, fetch).await? {
            return Ok(Some(message));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        tokio::time::sleep((deadline - now).min(Duration::from_millis(500))).await;
        s.noop().await.map_err(|e| failure(wire, e))?;
    }
}

/// Round trip: polls INBOX for the mail whose `X-Mailbox-Admin-Test` header is `token`,
/// cleans it up as the account's delete procedure says, and says whether it came before
/// `deadline`.
pub(crate) async fn take_marked(
    r: &mut Runner<'_>,
    t: &ProbeTarget,
    token: &str,
    deadline: Instant,
    fetch: bool,
) -> Result<Option<Vec<u8>>, Stop> {
    let mut o = open(r, t).await?;
    let Open { session, wire } = &mut o;
    let found = wait_for_marked(session, wire, token, t, deadline, fetch).await;
    close(t, o).await;
    found.map_err(Stop::Failed)
}

// ---- the actions --------------------------------------------------------------------------

/// Why an IMAP action outside a test (folder tree, subscription) did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    Cancelled,
    /// The diagnosis of the step that failed (connection, TLS, login or the command).
    Failed(Diagnosis),
}

/// A runner for an action: no steps recorded, every step bounded by the target's timeout.
fn action_runner<'a>(t: &ProbeTarget, lang: Lang, cancel: &CancellationToken) -> Runner<'a> {
    let secrets = t.password.iter().map(|p| p.expose().to_string()).collect();
    let mut r = Runner::new(
        lang,
        &super::no_progress,
        cancel.clone(),
        Transcript::new(secrets),
    )
    .quiet();
    r.ctx = flow::context(t);
    r
}

fn action_error(r: &Runner<'_>, stop: Stop) -> ActionError {
    match stop {
        Stop::Cancelled => ActionError::Cancelled,
        Stop::Failed(f) => ActionError::Failed(r.diagnose(&f, Severity::Error)),
    }
}

/// A logged-in async-imap session on our connection, and what its tap has seen.
struct Open {
    session: ImapSession,
    wire: WireRef,
}

/// Connection and TLS by our code (their diagnoses), then greeting and login by async-imap.
async fn open(r: &mut Runner<'_>, t: &ProbeTarget) -> Result<Open, Stop> {
    if t.auth == ProbeAuth::None || t.user.trim().is_empty() {
        return Err(Stop::Failed(
            Failure::new(DiagnosisCode::AuthPasswordMissing)
                .with(EvidenceKey::User, t.user.clone()),
        ));
    }
    let (s, greeted) = flow::secure(r, t, Imap::new()).await?;
    let tls = s.conn.tls;
    let secret = flow::credentials(t, tls).map_err(Stop::Failed)?;
    let wire = WireRef::new(r.transcript.clone(), MAX_ACTION_BYTES);
    let Some(io) = s.conn.into_io() else {
        return Err(Stop::Failed(closed(
            &wire,
            "connection already closed".into(),
        )));
    };
    let client = async_imap::Client::new(Tap {
        io,
        wire: wire.clone(),
    });
    let session = r
        .step(StepKind::Login, t.timeout, async {
            let s = login(client, &wire, t, secret, tls, greeted).await?;
            Ok(Done::new(s, "login"))
        })
        .await?;
    Ok(Open { session, wire })
}

/// LOGOUT, bounded; the action's outcome is known by then.
async fn close(t: &ProbeTarget, mut o: Open) {
    let _ = tokio::time::timeout(t.timeout / 2, o.session.logout()).await;
}

/// The account's folder tree as the server has it (LIST with SPECIAL-USE and subscriptions,
/// LSUB where LIST-EXTENDED is missing): what "Ordnerstruktur aktualisieren" shows.
pub async fn folder_tree(
    t: &ProbeTarget,
    lang: Lang,
    cancel: &CancellationToken,
) -> Result<Vec<Folder>, ActionError> {
    let mut r = action_runner(t, lang, cancel);
    let out = async {
        let mut o = open(&mut r, t).await?;
        let Open { session, wire } = &mut o;
        let folders = r
            .step(StepKind::Folders, t.timeout, async {
                Ok(Done::new(list_folders(session, wire).await?, "folders"))
            })
            .await;
        close(t, o).await;
        folders
    }
    .await;
    out.map_err(|stop| action_error(&r, stop))
}

/// Subscribes (`true`) or unsubscribes folder `name` (decoded, as in `Folder::name`).
pub async fn set_subscribed(
    t: &ProbeTarget,
    name: &str,
    subscribed: bool,
    lang: Lang,
    cancel: &CancellationToken,
) -> Result<(), ActionError> {
    match set_subscriptions(t, &[(name.to_string(), subscribed)], lang, cancel).await {
        (_, Some(e)) => Err(e),
        (_, None) => Ok(()),
    }
}

/// Subscribes or unsubscribes each folder of `wanted` in order, in one session: how many the
/// server took, and why it stopped before the rest (a refusal, the connection, the login).
pub async fn set_subscriptions(
    t: &ProbeTarget,
    wanted: &[(String, bool)],
    lang: Lang,
    cancel: &CancellationToken,
) -> (usize, Option<ActionError>) {
    let mut r = action_runner(t, lang, cancel);
    let mut done = 0;
    let out = async {
        let mut o = open(&mut r, t).await?;
        let Open { session, wire } = &mut o;
        let mut result = Ok(());
        for (name, on) in wanted {
            result = r
                .step(StepKind::Folders, t.timeout, async {
                    subscribe(session, wire, name, *on).await?;
                    Ok(Done::new((), "folders"))
                })
                .await;
            if result.is_err() {
                break;
            }
            done += 1;
        }
        close(t, o).await;
        result
    }
    .await;
    (done, out.err().map(|stop| action_error(&r, stop)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::testing::{evidence, expect_code, lines, target, Peer, Script};
    use std::time::Duration;

    const TIMEOUT: Duration = Duration::from_secs(3);

    /// async-imap over a tap on the scripted peer, reading at most `cap` bytes.
    fn tapped(script: Script, cap: usize) -> (Client, WireRef, Peer) {
        let (conn, peer) = script.start();
        let wire = WireRef::new(conn.transcript.clone(), cap);
        let io = conn.into_io().expect("stream");
        let client = async_imap::Client::new(Tap {
            io,
            wire: wire.clone(),
        });
        (client, wire, peer)
    }

    fn sent(wire: &WireRef) -> Vec<String> {
        lines(&wire.lock().transcript.take(), Dir::Client)
    }

    /// A session logged in by LOGIN, then `script`.
    async fn logged_in(script: Script, cap: usize) -> (ImapSession, WireRef, Peer) {
        let (client, wire, peer) = tapped(
            Script::new()
                .send("* OK [CAPABILITY IMAP4rev1] ready")
                .expect("A0001 LOGIN *")
                .send("A0001 OK Logged in")
                .then(script),
            cap,
        );
        let t = target(ProbeProtocol::Imap, ProbeAuth::Password);
        let s = login(client, &wire, &t, "pw-1234", true, false)
            .await
            .expect("login");
        wire.lock().transcript.take();
        (s, wire, peer)
    }

    #[tokio::test]
    async fn the_login_async_imap_sends_is_redacted_in_the_transcript() {
        let (client, wire, peer) = tapped(
            Script::new()
                .send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready")
                .expect(r#"A0001 LOGIN "alice@example.test" "pa\"55word""#)
                .send("A0001 OK Logged in"),
            MAX_ACTION_BYTES,
        );
        let t = target(ProbeProtocol::Imap, ProbeAuth::Password);
        let s = login(client, &wire, &t, "pa\"55word", true, false)
            .await
            .unwrap();
        assert_eq!(
            sent(&wire),
            [r#"A0001 LOGIN "alice@example.test" <redacted>"#]
        );
        peer.finish_with(s).await;
    }

    #[tokio::test]
    async fn an_authenticate_response_is_redacted_and_capabilities_are_asked_first() {
        let response = sasl::b64(b"\0alice@example.test\0pa55word");
        let (client, wire, peer) = tapped(
            Script::new()
                .send("* OK ready")
                .expect("C1 CAPABILITY")
                .send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\nC1 OK done")
                .expect("A0001 AUTHENTICATE PLAIN")
                .send("+ ")
                .expect(&response)
                .send("A0001 OK Logged in"),
            MAX_ACTION_BYTES,
        );
        let t = target(ProbeProtocol::Imap, ProbeAuth::Plain);
        let s = login(client, &wire, &t, "pa55word", true, false)
            .await
            .unwrap();
        assert_eq!(
            sent(&wire),
            ["C1 CAPABILITY", "A0001 AUTHENTICATE PLAIN", "<redacted>"]
        );
        peer.finish_with(s).await;
    }

    #[tokio::test]
    async fn a_refused_login_is_auth_failed_with_the_servers_words() {
        let (client, wire, peer) = tapped(
            Script::new()
                .send("* OK [CAPABILITY IMAP4rev1] ready")
                .expect("A0001 LOGIN *")
                .send("A0001 NO [AUTHENTICATIONFAILED] Authentication failed."),
            MAX_ACTION_BYTES,
        );
        let t = target(ProbeProtocol::Imap, ProbeAuth::Password);
        let f = expect_code(
            login(client, &wire, &t, "wrong-pw", true, false).await,
            DiagnosisCode::AuthFailed,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerSaid).as_deref(),
            Some("NO [AUTHENTICATIONFAILED] Authentication failed.")
        );
        peer.finish_with(wire).await;
    }

    #[tokio::test]
    async fn a_login_the_server_could_not_judge_is_temporary_here_too() {
        let (client, wire, peer) = tapped(
            Script::new()
                .send("* OK [CAPABILITY IMAP4rev1] ready")
                .expect("A0001 LOGIN *")
                .send("A0001 NO [UNAVAILABLE] Temporary authentication failure."),
            MAX_ACTION_BYTES,
        );
        let t = target(ProbeProtocol::Imap, ProbeAuth::Password);
        let f = expect_code(
            login(client, &wire, &t, "pw-1234", true, false).await,
            DiagnosisCode::AuthTemporary,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerSaid).as_deref(),
            Some("NO [UNAVAILABLE] Temporary authentication failure.")
        );
        peer.finish_with(wire).await;
    }

    #[tokio::test]
    async fn a_pop3_greeting_is_the_wrong_service() {
        let (client, wire, peer) =
            tapped(Script::new().send("+OK Dovecot ready."), MAX_ACTION_BYTES);
        let t = target(ProbeProtocol::Imap, ProbeAuth::Password);
        let f = expect_code(
            login(client, &wire, &t, "pw-1234", true, false).await,
            DiagnosisCode::ProtocolWrongService,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::SoundsLike).as_deref(),
            Some("POP3")
        );
        peer.finish_with(wire).await;
    }

    #[tokio::test]
    async fn folders_come_with_special_use_subscriptions_and_decoded_names() {
        let (mut s, wire, peer) = logged_in(
            Script::new()
                .expect("A0002 CAPABILITY")
                .send("* CAPABILITY IMAP4rev1 LIST-EXTENDED SPECIAL-USE\nA0002 OK done")
                .expect(r#"A0003 LIST "" "*" RETURN (SPECIAL-USE)"#)
                .raw(
                    "* LIST (\\HasNoChildren) \"/\" {12}\r\nEntw&APw-rfe\r\n\
                     * LIST (\\Sent) \"/\" Sent\r\n\
                     * LIST () \"/\" INBOX\r\n\
                     A0003 OK List completed.\r\n",
                )
                .expect(r#"A0004 LIST (SUBSCRIBED) "" "*""#)
                .send("* LIST (\\Subscribed) \"/\" INBOX\nA0004 OK done"),
            MAX_ACTION_BYTES,
        )
        .await;
        let folders = list_folders(&mut s, &wire).await.unwrap();
        let names: Vec<&str> = folders.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["INBOX", "Entwürfe", "Sent"]);
        assert!(folders[0].subscribed && !folders[1].subscribed);
        assert_eq!(folders[2].special_use.as_deref(), Some("\\Sent"));
        let shown = lines(&wire.lock().transcript.take(), Dir::Server);
        assert!(
            shown.contains(&"[12 bytes] Entw&APw-rfe".to_string()),
            "{shown:?}"
        );
        peer.finish_with(s).await;
    }

    #[tokio::test]
    async fn a_response_larger_than_the_cap_ends_with_invalid_response() {
        let mut many = String::new();
        for i in 0..5000 {
            many.push_str(&format!("* LIST () \"/\" Folder{i}\r\n"));
        }
        let (mut s, wire, peer) = logged_in(
            Script::new()
                .expect("A0002 CAPABILITY")
                .send("* CAPABILITY IMAP4rev1\nA0002 OK done")
                .expect(r#"A0003 LIST "" "*""#)
                .raw(many),
            64 * 1024,
        )
        .await;
        let r = tokio::time::timeout(TIMEOUT, list_folders(&mut s, &wire))
            .await
            .unwrap();
        let f = expect_code(r, DiagnosisCode::ProtocolInvalidResponse);
        assert_eq!(
            evidence(&f, EvidenceKey::Problem).as_deref(),
            Some("more than 65536 bytes in one action")
        );
        peer.finish_with(s).await;
    }

    #[tokio::test]
    async fn a_literal_bomb_is_refused_before_async_imap_sees_it() {
        let (mut s, wire, peer) = logged_in(
            Script::new()
                .expect("A0002 CAPABILITY")
                .send("* CAPABILITY IMAP4rev1\nA0002 OK done")
                .expect(r#"A0003 LIST "" "*""#)
                .send("* LIST () \"/\" {4000000000}"),
            MAX_ACTION_BYTES,
        )
        .await;
        let r = tokio::time::timeout(TIMEOUT, list_folders(&mut s, &wire))
            .await
            .expect("the client must not wait for four gigabytes");
        let f = expect_code(r, DiagnosisCode::ProtocolInvalidResponse);
        assert_eq!(
            evidence(&f, EvidenceKey::Problem).as_deref(),
            Some("a literal of 4000000000 bytes")
        );
        peer.finish_with(s).await;
    }

    #[tokio::test]
    async fn subscribing_encodes_the_name_and_a_no_names_the_folder() {
        let (mut s, wire, peer) = logged_in(
            Script::new()
                .expect(r#"A0002 SUBSCRIBE "Entw&APw-rfe""#)
                .send("A0002 OK Subscribe completed.")
                .expect(r#"A0003 UNSUBSCRIBE "Alt""#)
                .send("A0003 NO [NONEXISTENT] Mailbox doesn't exist: Alt"),
            MAX_ACTION_BYTES,
        )
        .await;
        subscribe(&mut s, &wire, "Entwürfe", true).await.unwrap();
        let f = expect_code(
            subscribe(&mut s, &wire, "Alt", false).await,
            DiagnosisCode::ImapMailboxMissing,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerSaid).as_deref(),
            Some("NO [NONEXISTENT] Mailbox doesn't exist: Alt")
        );
        peer.finish_with(s).await;
    }

    #[tokio::test]
    async fn a_connection_closed_after_bye_is_net_closed_with_the_bye() {
        let (client, wire, peer) = tapped(
            Script::new()
                .send("* OK [CAPABILITY IMAP4rev1] ready")
                .expect("A0001 LOGIN *")
                .send("* BYE shutting down"),
            MAX_ACTION_BYTES,
        );
        let t = target(ProbeProtocol::Imap, ProbeAuth::Password);
        let f = expect_code(
            login(client, &wire, &t, "pw-1234", true, false).await,
            DiagnosisCode::NetClosed,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerSaid).as_deref(),
            Some("* BYE shutting down")
        );
        peer.finish_with(wire).await;
    }

    fn expunge(uidplus: bool) -> Cleanup {
        Cleanup {
            procedure: DeleteProcedure::Expunge,
            trash: None,
            uidplus,
            moves: false,
        }
    }

    #[tokio::test]
    async fn move_to_trash_finds_the_servers_trash_and_moves_by_uid() {
        let (mut s, wire, peer) = logged_in(
            Script::new()
                .expect("A0002 SELECT \"INBOX\"")
                .send("* 3 EXISTS\nA0002 OK [READ-WRITE] selected")
                .expect("A0003 CAPABILITY")
                .send("* CAPABILITY IMAP4rev1 UIDPLUS MOVE SPECIAL-USE\nA0003 OK done")
                .expect(r#"A0004 LIST "" "*" RETURN (SPECIAL-USE)"#)
                .send(concat!(
                    "* LIST () \".\" INBOX\n",
                    "* LIST (\\Trash) \".\" \"Gel&APY-schte Elemente\"\n",
                    "A0004 OK listed"
                ))
                .expect(r#"A0005 UID SEARCH HEADER X-Mailbox-Admin-Test "tok8""#)
                .send("* SEARCH 9\nA0005 OK found")
                .expect("A0006 UID MOVE 9 \"Gel&APY-schte Elemente\"")
                .send("* 3 EXPUNGE\nA0006 OK moved"),
            MAX_ACTION_BYTES,
        )
        .await;
        let mut t = target(ProbeProtocol::Imap, ProbeAuth::Login);
        t.delete_procedure = DeleteProcedure::MoveToTrash;
        let deadline = Instant::now() + Duration::from_millis(700);
        assert!(wait_for_marked(&mut s, &wire, "tok8", &t, deadline, false)
            .await
            .unwrap()
            .is_some());
        let notes = lines(&wire.lock().transcript.take(), Dir::Info);
        assert_eq!(notes, ["the test mail was moved to \"Gelöschte Elemente\""]);
        peer.finish_with(s).await;
    }

    #[tokio::test]
    async fn without_move_the_mail_is_copied_to_the_configured_trash_then_expunged() {
        let (mut s, wire, peer) = logged_in(
            Script::new()
                .expect("A0002 UID SEARCH *")
                .send("* SEARCH 4\nA0002 OK")
                .expect("A0003 UID COPY 4 \"Papierkorb\"")
                .send("A0003 OK [COPYUID 7 4 1] copied")
                .expect(r"A0004 UID STORE 4 +FLAGS.SILENT (\Deleted)")
                .send("A0004 OK")
                .expect("A0005 UID EXPUNGE 4")
                .send("* 1 EXPUNGE\nA0005 OK"),
            MAX_ACTION_BYTES,
        )
        .await;
        let how = Cleanup {
            procedure: DeleteProcedure::MoveToTrash,
            trash: Some("Papierkorb".into()),
            uidplus: true,
            moves: false,
        };
        assert!(take_once(&mut s, &wire, "t", &how, false)
            .await
            .unwrap()
            .is_some());
        peer.finish_with(s).await;
    }

    #[tokio::test]
    async fn mark_deleted_only_flags_the_mail() {
        let (mut s, wire, peer) = logged_in(
            Script::new()
                .expect("A0002 UID SEARCH *")
                .send("* SEARCH 4\nA0002 OK")
                .expect(r"A0003 UID STORE 4 +FLAGS.SILENT (\Deleted)")
                .send("A0003 OK")
                .expect("A0004 LOGOUT")
                .send("* BYE\nA0004 OK"),
            MAX_ACTION_BYTES,
        )
        .await;
        let how = Cleanup {
            procedure: DeleteProcedure::MarkDeleted,
            trash: None,
            uidplus: true,
            moves: true,
        };
        assert!(take_once(&mut s, &wire, "t", &how, false)
            .await
            .unwrap()
            .is_some());
        s.logout().await.unwrap();
        let notes = lines(&wire.lock().transcript.take(), Dir::Info);
        assert_eq!(
            notes,
            ["the test mail was marked \\Deleted and left in the mailbox"]
        );
        peer.finish_with(s).await;
    }

    #[tokio::test]
    async fn the_marked_mail_is_found_deleted_and_expunged_by_uid() {
        let (mut s, wire, peer) = logged_in(
            Script::new()
                .expect("A0002 SELECT \"INBOX\"")
                .send("* 3 EXISTS\nA0002 OK [READ-WRITE] selected")
                .expect("A0003 CAPABILITY")
                .send("* CAPABILITY IMAP4rev1 UIDPLUS\nA0003 OK done")
                .expect(r#"A0004 UID SEARCH HEADER X-Mailbox-Admin-Test "tok7""#)
                .send("* SEARCH\nA0004 OK nothing yet")
                .expect("A0005 NOOP")
                .send("* 4 EXISTS\nA0005 OK")
                .expect(r#"A0006 UID SEARCH HEADER X-Mailbox-Admin-Test "tok7""#)
                .send("* SEARCH 15 12\nA0006 OK found")
                .expect(r"A0007 UID STORE 12,15 +FLAGS.SILENT (\Deleted)")
                .send("A0007 OK stored")
                .expect("A0008 UID EXPUNGE 12,15")
                .send("* 3 EXPUNGE\n* 3 EXPUNGE\nA0008 OK expunged"),
            MAX_ACTION_BYTES,
        )
        .await;
        let deadline = Instant::now() + Duration::from_millis(700);
        let t = target(ProbeProtocol::Imap, ProbeAuth::Login);
        assert_eq!(t.delete_procedure, DeleteProcedure::Expunge);
        assert!(wait_for_marked(&mut s, &wire, "tok7", &t, deadline, false)
            .await
            .unwrap()
            .is_some());
        peer.finish_with(s).await;
    }

    #[tokio::test]
    async fn without_uidplus_the_clean_up_is_a_plain_expunge_and_a_refusal_is_noted() {
        let (mut s, wire, peer) = logged_in(
            Script::new()
                .expect("A0002 UID SEARCH *")
                .send("* SEARCH 4\nA0002 OK")
                .expect(r"A0003 UID STORE 4 +FLAGS.SILENT (\Deleted)")
                .send("A0003 OK")
                .expect("A0004 EXPUNGE")
                .send("A0004 NO [READ-ONLY] mailbox is read-only"),
            MAX_ACTION_BYTES,
        )
        .await;
        assert!(take_once(&mut s, &wire, "t", &expunge(false), false)
            .await
            .unwrap()
            .is_some());
        let notes = lines(&wire.lock().transcript.take(), Dir::Info);
        assert_eq!(
            notes,
            ["the test mail was not expunged: NO [READ-ONLY] mailbox is read-only"]
        );
        peer.finish_with(s).await;
    }

    #[tokio::test]
    async fn a_refused_search_is_a_diagnosis() {
        let (mut s, wire, peer) = logged_in(
            Script::new()
                .expect("A0002 UID SEARCH *")
                .send("A0002 BAD [CANNOT] header search not supported"),
            MAX_ACTION_BYTES,
        )
        .await;
        let f = expect_code(
            take_once(&mut s, &wire, "t", &expunge(true), false).await,
            DiagnosisCode::ProtocolInvalidResponse,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerSaid).as_deref(),
            Some("BAD [CANNOT] header search not supported")
        );
        peer.finish_with(s).await;
    }
}
