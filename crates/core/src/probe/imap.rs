//! IMAP (RFC 3501/9051) for the connection test: greeting, CAPABILITY, STARTTLS, LOGIN and
//! AUTHENTICATE, the folder list with SPECIAL-USE (RFC 6154), the mailbox path and special
//! folders. Literals are read with a size limit.
//!
//! The connection test stays our own code: it needs a diagnosis per answer (greeting,
//! capabilities, each login step), which async-imap's `Client::login` cannot give.
//! Folder tree, (un)subscribing and the round trip run on async-imap (`imap_actions.rs`).

use super::answer::{self, Answer, Stage, Wire};
use super::conn::{preview, Conn};
use super::flow::{self, soft, Proto, Session};
use super::ntlm;
use super::runner::{Done, Failure, Runner, Stop};
use super::sasl::{self, Authenticator};
use super::{Folder, ProbeAuth, ProbeProtocol, ProbeTarget, SpecialFolders, StepKind};
use crate::diag::{DiagnosisCode, EvidenceKey};
use crate::i18n::Lang;
use base64::Engine;
use std::sync::OnceLock;

const MAX_LITERAL: usize = 1024 * 1024;
/// One response line with all its literals: a mailbox list line is a few hundred bytes.
const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;
const MAX_RESPONSE_LINES: usize = 200_000;
const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// One response line with its literals read in.
pub(crate) struct Line {
    text: Vec<u8>,
    literals: Vec<Vec<u8>>,
}

impl Line {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.text).into_owned()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Atom(String),
    Str(Vec<u8>),
    Open,
    Close,
}

/// `… {123}` or `{123+}` at the end of a line announces a literal of 123 bytes.
fn literal_len(raw: &[u8]) -> Option<usize> {
    let s = std::str::from_utf8(raw).ok()?;
    let s = s.strip_suffix('}')?;
    let open = s.rfind('{')?;
    let n = s[open + 1..].trim_end_matches('+');
    n.parse().ok()
}

async fn read_line(c: &mut Conn) -> Result<Line, Failure> {
    let mut text = Vec::new();
    let mut literals = Vec::new();
    loop {
        let raw = c.read_line_raw().await?;
        c.transcript.server(&String::from_utf8_lossy(&raw));
        text.extend_from_slice(&raw);
        let read: usize = text.len() + literals.iter().map(Vec::len).sum::<usize>();
        match literal_len(&raw) {
            Some(n)
                if n > MAX_LITERAL
                    || literals.len() > 1000
                    || read.saturating_add(n) > MAX_LINE_BYTES =>
            {
                return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                    .with(EvidenceKey::Problem, format!("a literal of {n} bytes"))
                    .with(EvidenceKey::ServerSent, preview(&text)));
            }
            Some(n) => {
                let lit = c.read_exact_raw(n).await?;
                c.transcript
                    .server(&format!("[{n} bytes] {}", preview(&lit)));
                literals.push(lit);
            }
            None => return Ok(Line { text, literals }),
        }
    }
}

fn tokenize(line: &Line) -> Vec<Tok> {
    let b = &line.text;
    let mut lits = line.literals.iter();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' => i += 1,
            b'(' => {
                out.push(Tok::Open);
                i += 1;
            }
            b')' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'"' => {
                let mut s = Vec::new();
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        i += 1;
                    }
                    s.push(b[i]);
                    i += 1;
                }
                i += 1;
                out.push(Tok::Str(s));
            }
            b'{' if b[i..].contains(&b'}') => {
                let end = b[i..].iter().position(|&x| x == b'}').map(|p| i + p + 1);
                match (end, lits.next()) {
                    (Some(end), Some(l)) => {
                        out.push(Tok::Str(l.clone()));
                        i = end;
                    }
                    _ => {
                        out.push(Tok::Atom(String::from_utf8_lossy(&b[i..]).into_owned()));
                        i = b.len();
                    }
                }
            }
            _ => {
                let start = i;
                while i < b.len() && !matches!(b[i], b' ' | b'(' | b')') {
                    i += 1;
                }
                out.push(Tok::Atom(
                    String::from_utf8_lossy(&b[start..i]).into_owned(),
                ));
            }
        }
    }
    out
}

/// An IMAP quoted string.
pub(crate) fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn mutf7_engine() -> &'static base64::engine::GeneralPurpose {
    static E: OnceLock<base64::engine::GeneralPurpose> = OnceLock::new();
    E.get_or_init(|| {
        let alphabet = base64::alphabet::Alphabet::new(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,",
        )
        .expect("valid alphabet");
        base64::engine::GeneralPurpose::new(
            &alphabet,
            base64::engine::GeneralPurposeConfig::new()
                .with_encode_padding(false)
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        )
    })
}

/// Folder names travel in modified UTF-7 (RFC 3501 §5.1.3).
pub(crate) fn decode_mutf7(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(dash) = after.find('-') else {
            out.push_str(&rest[amp..]);
            return out;
        };
        let chunk = &after[..dash];
        if chunk.is_empty() {
            out.push('&');
        } else {
            match mutf7_engine().decode(chunk) {
                Ok(bytes) if bytes.len() % 2 == 0 => {
                    let units: Vec<u16> = bytes
                        .chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]))
                        .collect();
                    out.push_str(&String::from_utf16_lossy(&units));
                }
                _ => {
                    out.push('&');
                    out.push_str(chunk);
                    out.push('-');
                }
            }
        }
        rest = &after[dash + 1..];
    }
    out.push_str(rest);
    out
}

pub(crate) fn encode_mutf7(s: &str) -> String {
    let mut out = String::new();
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if !pending.is_empty() {
            let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
            out.push('&');
            out.push_str(&mutf7_engine().encode(bytes));
            out.push('-');
            pending.clear();
        }
    };
    for ch in s.chars() {
        if (' '..='~').contains(&ch) {
            flush(&mut pending, &mut out);
            if ch == '&' {
                out.push_str("&-");
            } else {
                out.push(ch);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(ch.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// A tagged completion: `OK|NO|BAD [CODE …] text`.
struct Tagged {
    status: String,
    code: String,
    text: String,
}

impl Tagged {
    fn ok(&self) -> bool {
        self.status == "OK"
    }
    fn said(&self) -> String {
        if self.code.is_empty() {
            format!("{} {}", self.status, self.text)
        } else {
            format!("{} [{}] {}", self.status, self.code, self.text)
        }
    }
}

fn parse_status(rest: &str) -> Tagged {
    let rest = rest.trim_start();
    let (status, after) = rest.split_once(' ').unwrap_or((rest, ""));
    let after = after.trim_start();
    let (code, text) = match after.strip_prefix('[') {
        Some(inner) => match inner.split_once(']') {
            Some((code, text)) => (code.to_string(), text.trim().to_string()),
            None => (String::new(), after.to_string()),
        },
        None => (String::new(), after.to_string()),
    };
    Tagged {
        status: status.to_ascii_uppercase(),
        code,
        text,
    }
}

fn parse_caps(list: &str) -> Vec<String> {
    list.split_whitespace()
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

pub(crate) struct Imap {
    tag: u32,
    caps: Vec<String>,
    preauth: bool,
    /// `[ALERT]` texts the server sent (RFC 3501 7.1: shown to the user verbatim).
    alerts: Vec<String>,
}

impl Imap {
    pub fn new() -> Imap {
        Imap {
            tag: 0,
            caps: Vec::new(),
            preauth: false,
            alerts: Vec::new(),
        }
    }

    fn has(&self, cap: &str) -> bool {
        self.caps.iter().any(|c| c == cap)
    }

    fn auth_mechs(&self) -> Vec<String> {
        self.caps
            .iter()
            .filter_map(|c| c.strip_prefix("AUTH=").map(str::to_string))
            .collect()
    }

    fn next_tag(&mut self) -> String {
        self.tag += 1;
        format!("a{}", self.tag)
    }

    /// Keeps the text of an `[ALERT]` status (`OK|NO|BAD [ALERT] text`, tagged or not).
    fn note_alert(&mut self, status: &Tagged) {
        if status.code.eq_ignore_ascii_case("ALERT") && self.alerts.len() < 8 {
            self.alerts.push(status.text.clone());
        }
    }

    fn note_caps(&mut self, code: &str) {
        if let Some(list) = code
            .strip_prefix("CAPABILITY ")
            .or_else(|| code.strip_prefix("capability "))
        {
            self.caps = parse_caps(list);
        }
    }

    /// A successful login's step; alerts the server sent on the way are shown word for word
    /// (RFC 3501 7.1), e.g. "your password expires in 3 days".
    fn logged_in(&self, t: &ProbeTarget, mech: &str) -> Done<()> {
        let done = Done::new(
            (),
            if self.alerts.is_empty() {
                "login"
            } else {
                "login_alert"
            },
        )
        .arg("user", t.user.clone())
        .arg("mech", mech.to_string());
        match self.alerts.is_empty() {
            true => done,
            false => done.arg("alert", self.alerts.join(" / ")),
        }
    }

    /// What a refused command means (codes first, then the words), with the alerts seen.
    fn refusal(&self, t: &Tagged, stage: Stage) -> Failure {
        let said = t.said();
        answer::classify(&Answer {
            wire: Wire::Imap,
            stage,
            said: &said,
            reply: None,
            status: Some(t.code.as_str()),
            text: &t.text,
            alerts: &self.alerts,
        })
    }

    /// Reads until the completion of `tag`, collecting untagged responses.
    async fn collect(&mut self, c: &mut Conn, tag: &str) -> Result<(Vec<Line>, Tagged), Failure> {
        let mut untagged = Vec::new();
        let mut bytes = 0usize;
        let mut bye: Option<String> = None;
        loop {
            let line = match read_line(c).await {
                Ok(l) => l,
                Err(f) => {
                    return Err(match bye {
                        Some(b) => f.with(EvidenceKey::ServerSaid, b),
                        None => f,
                    })
                }
            };
            let s = line.text();
            if let Some(rest) = s.strip_prefix("* ") {
                let up = rest.to_ascii_uppercase();
                if let Some(list) = up.strip_prefix("CAPABILITY ") {
                    self.caps = parse_caps(list);
                }
                if up.starts_with("BYE") {
                    bye = Some(s.clone());
                }
                if ["OK ", "NO ", "BAD "].iter().any(|p| up.starts_with(p)) {
                    self.note_alert(&parse_status(rest));
                }
                bytes += line.text.len() + line.literals.iter().map(Vec::len).sum::<usize>();
                if untagged.len() >= MAX_RESPONSE_LINES || bytes > MAX_RESPONSE_BYTES {
                    return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                        .with(EvidenceKey::Problem, "an endless response"));
                }
                untagged.push(line);
                continue;
            }
            if let Some(rest) = s.strip_prefix(tag).filter(|r| r.starts_with(' ')) {
                let t = parse_status(rest);
                self.note_caps(&t.code);
                self.note_alert(&t);
                return Ok((untagged, t));
            }
            return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(
                    EvidenceKey::Problem,
                    format!("expected the answer to {tag}"),
                )
                .with(EvidenceKey::ServerSent, s));
        }
    }

    async fn command(&mut self, c: &mut Conn, cmd: &str) -> Result<(Vec<Line>, Tagged), Failure> {
        let tag = self.next_tag();
        c.write_line(&format!("{tag} {cmd}")).await?;
        self.collect(c, &tag).await
    }

    async fn sasl(
        &mut self,
        c: &mut Conn,
        auth: &mut dyn Authenticator,
    ) -> Result<Tagged, Failure> {
        let tag = self.next_tag();
        let mech = auth.mechanism();
        match auth.initial_response().filter(|_| self.has("SASL-IR")) {
            Some(ir) => {
                let line = format!("{tag} AUTHENTICATE {mech} {ir}");
                c.write_secret(&line, &format!("{tag} AUTHENTICATE {mech} <redacted>"))
                    .await?
            }
            None => c.write_line(&format!("{tag} AUTHENTICATE {mech}")).await?,
        }
        for _ in 0..8 {
            let line = read_line(c).await?;
            let s = line.text();
            if let Some(ch) = s.strip_prefix('+') {
                let challenge = sasl::unb64(ch.trim()).unwrap_or_default();
                let resp = auth.respond(&challenge).map_err(|e| {
                    Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                        .with(EvidenceKey::Problem, e)
                })?;
                c.write_secret(&resp, super::transcript::REDACTED).await?;
                continue;
            }
            if let Some(rest) = s.strip_prefix("* ") {
                let up = rest.to_ascii_uppercase();
                if ["OK ", "NO ", "BAD "].iter().any(|p| up.starts_with(p)) {
                    self.note_alert(&parse_status(rest));
                }
                continue;
            }
            if let Some(rest) = s.strip_prefix(tag.as_str()).filter(|r| r.starts_with(' ')) {
                let t = parse_status(rest);
                self.note_caps(&t.code);
                self.note_alert(&t);
                return Ok(t);
            }
            return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(EvidenceKey::ServerSent, s));
        }
        Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
            .with(EvidenceKey::Problem, "too many SASL rounds"))
    }

    async fn list_folders(&mut self, c: &mut Conn) -> Result<Done<Vec<Folder>>, Failure> {
        let extended = self.has("LIST-EXTENDED") && self.has("SPECIAL-USE");
        let cmd = if extended {
            r#"LIST "" "*" RETURN (SPECIAL-USE)"#
        } else {
            r#"LIST "" "*""#
        };
        let (lines, t) = self.command(c, cmd).await?;
        if !t.ok() {
            return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(EvidenceKey::Command, "LIST")
                .with(EvidenceKey::ServerSaid, t.said()));
        }
        let mut folders: Vec<Folder> = lines.iter().filter_map(|l| parse_list(l, "LIST")).collect();
        // Subscriptions by the selection option (RFC 5258) or LSUB, not by `RETURN
        // (SUBSCRIBED)`: Dovecot 2.3 leaves a folder subscribed later out of that answer.
        let (cmd, kind) = if extended {
            (r#"LIST (SUBSCRIBED) "" "*""#, "LIST")
        } else {
            (r#"LSUB "" "*""#, "LSUB")
        };
        let (lines, t) = self.command(c, cmd).await?;
        if t.ok() {
            for f in lines.iter().filter_map(|l| parse_list(l, kind)) {
                if let Some(x) = folders.iter_mut().find(|x| x.name == f.name) {
                    x.subscribed = true;
                }
            }
        }
        folders.sort_by_key(|f| !f.name.eq_ignore_ascii_case("INBOX"));
        let special: Vec<String> = folders
            .iter()
            .filter_map(|f| f.special_use.as_ref().map(|u| format!("{} ({u})", f.name)))
            .collect();
        let n = folders.len();
        Ok(Done::new(folders, "folders")
            .arg("count", n.to_string())
            .arg(
                "special",
                if special.is_empty() {
                    "-".to_string()
                } else {
                    special.join(", ")
                },
            ))
    }

    async fn examine(
        &mut self,
        c: &mut Conn,
        path: &str,
        folders: &[Folder],
    ) -> Result<Done<()>, Failure> {
        let (lines, t) = self
            .command(c, &format!("EXAMINE {}", quote(&encode_mutf7(path))))
            .await?;
        if t.ok() {
            let count = lines
                .iter()
                .filter_map(|l| {
                    let toks = tokenize(l);
                    match (toks.get(1), toks.get(2)) {
                        (Some(Tok::Atom(n)), Some(Tok::Atom(w)))
                            if w.eq_ignore_ascii_case("EXISTS") =>
                        {
                            n.parse::<u64>().ok()
                        }
                        _ => None,
                    }
                })
                .next_back()
                .unwrap_or(0);
            return Ok(Done::new((), "mailbox")
                .arg("path", path)
                .arg("count", count.to_string()));
        }
        if t.status == "BAD" {
            return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(EvidenceKey::Command, "EXAMINE")
                .with(EvidenceKey::ServerSaid, t.said()));
        }
        let names: Vec<&str> = folders.iter().take(30).map(|f| f.name.as_str()).collect();
        let mut f = Failure::new(DiagnosisCode::ImapMailboxMissing)
            .with(EvidenceKey::MailboxPath, path)
            .with(EvidenceKey::ServerSaid, t.said())
            .with(EvidenceKey::ExistingFolders, names.join(", "));
        if let Some(d) = folders.iter().find_map(|f| f.delimiter.clone()) {
            f = f.with(EvidenceKey::Delimiter, d);
        }
        Err(f)
    }
}

/// `* LIST (\HasNoChildren \Sent) "." Sent` → a folder.
fn parse_list(line: &Line, kind: &str) -> Option<Folder> {
    let toks = tokenize(line);
    match toks.get(1) {
        Some(Tok::Atom(k)) if k.eq_ignore_ascii_case(kind) => {}
        _ => return None,
    }
    let mut i = 2;
    let mut attrs = Vec::new();
    if toks.get(i) == Some(&Tok::Open) {
        i += 1;
        while let Some(t) = toks.get(i) {
            i += 1;
            match t {
                Tok::Close => break,
                Tok::Atom(a) => attrs.push(a.clone()),
                _ => {}
            }
        }
    }
    let delimiter = match toks.get(i)? {
        Tok::Str(s) => Some(String::from_utf8_lossy(s).into_owned()),
        Tok::Atom(a) if a.eq_ignore_ascii_case("NIL") => None,
        Tok::Atom(a) => Some(a.clone()),
        _ => None,
    };
    let raw = match toks.get(i + 1)? {
        Tok::Str(s) => String::from_utf8_lossy(s).into_owned(),
        Tok::Atom(a) => a.clone(),
        _ => return None,
    };
    Some(folder_from(&raw, delimiter, &attrs))
}

/// A folder from a LIST/LSUB answer: its raw (modified UTF-7) name and its attributes.
pub(crate) fn folder_from(raw: &str, delimiter: Option<String>, attrs: &[String]) -> Folder {
    let has = |a: &str| attrs.iter().any(|x| x.eq_ignore_ascii_case(a));
    const SPECIAL: [&str; 7] = [
        "\\Sent",
        "\\Trash",
        "\\Junk",
        "\\Drafts",
        "\\Archive",
        "\\All",
        "\\Flagged",
    ];
    let special_use = SPECIAL.iter().find(|s| has(s)).map(|s| s.to_string());
    Folder {
        name: decode_mutf7(raw),
        delimiter,
        special_use,
        subscribed: has("\\Subscribed"),
        selectable: !has("\\Noselect") && !has("\\NonExistent"),
    }
}

impl Proto for Imap {
    async fn greeting(&mut self, c: &mut Conn) -> Result<Done<()>, Failure> {
        let line = read_line(c).await?;
        let s = line.text();
        let up = s.to_ascii_uppercase();
        if up.starts_with("* OK") || up.starts_with("* PREAUTH") {
            self.preauth = up.starts_with("* PREAUTH");
            let t = parse_status(&s[2..]);
            self.note_caps(&t.code);
            return Ok(Done::new((), "greeting").arg("text", s));
        }
        if up.starts_with("* BYE") {
            return Err(Failure::new(DiagnosisCode::ProtocolServiceUnavailable)
                .with(EvidenceKey::ServerSaid, s));
        }
        Err(flow::unexpected_greeting(&s, ProbeProtocol::Imap))
    }

    async fn capabilities(&mut self, c: &mut Conn) -> Result<Done<()>, Failure> {
        if self.caps.is_empty() {
            let (_, t) = self.command(c, "CAPABILITY").await?;
            if !t.ok() {
                return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                    .with(EvidenceKey::Command, "CAPABILITY")
                    .with(EvidenceKey::ServerSaid, t.said()));
            }
        }
        Ok(Done::new((), "capabilities").arg("caps", self.caps.join(" ")))
    }

    fn offers_starttls(&self) -> bool {
        self.has("STARTTLS")
    }

    fn caps_text(&self) -> String {
        self.caps.join(" ")
    }

    async fn starttls(&mut self, c: &mut Conn) -> Result<(), Failure> {
        // A plaintext PREAUTH greeting puts the session in the authenticated state, where
        // STARTTLS is not allowed (RFC 9051 §6.2.1): encryption can never start. Someone in
        // the path may have sent it to skip the encryption; the test stops either way, and
        // no PREAUTH from before the handshake may later stand in for a login.
        if self.preauth {
            self.preauth = false;
            return Err(Failure::new(DiagnosisCode::TlsStarttlsUnsupported)
                .with(EvidenceKey::ServerSaid, "* PREAUTH (before STARTTLS)"));
        }
        let (_, t) = self.command(c, "STARTTLS").await?;
        if !t.ok() {
            return Err(self.refusal(&t, Stage::Starttls));
        }
        self.caps.clear();
        Ok(())
    }

    async fn login(
        &mut self,
        c: &mut Conn,
        t: &ProbeTarget,
        password: &str,
    ) -> Result<Done<()>, Failure> {
        self.alerts.clear();
        if self.preauth {
            return Ok(Done::new((), "login")
                .arg("user", t.user.clone())
                .arg("mech", "PREAUTH"));
        }
        let offered = self.auth_mechs();
        if t.auth == ProbeAuth::Oauth2 {
            let mut auth = sasl::oauth_login(t, &offered, password)?;
            let mech = auth.mech;
            let tagged = self.sasl(c, &mut auth).await?;
            if tagged.ok() {
                if !tagged.code.to_ascii_uppercase().starts_with("CAPABILITY") {
                    self.caps.clear();
                    let _ = self.command(c, "CAPABILITY").await?;
                }
                return Ok(self.logged_in(t, mech));
            }
            let f = self.refusal(&tagged, Stage::Login);
            return Err(sasl::oauth_failed(t, &auth, f));
        }
        if t.auth == ProbeAuth::Ntlm {
            if !ntlm::is_offered(&offered) {
                return Err(ntlm::not_offered(&offered));
            }
            let mut auth = ntlm::Ntlm::new(&t.user, &t.ntlm_domain, password);
            let tagged = self.sasl(c, &mut auth).await?;
            if tagged.ok() {
                if !tagged.code.to_ascii_uppercase().starts_with("CAPABILITY") {
                    self.caps.clear();
                    let _ = self.command(c, "CAPABILITY").await?;
                }
                return Ok(self.logged_in(t, "NTLM"));
            }
            let f = self.refusal(&tagged, Stage::Login);
            return Err(ntlm::refused(&auth, f, &t.user));
        }
        let want = match t.auth {
            ProbeAuth::Password if offered.iter().any(|m| m == "PLAIN") => "PLAIN",
            ProbeAuth::Password | ProbeAuth::Login => "LOGIN-COMMAND",
            ProbeAuth::Plain => "PLAIN",
            ProbeAuth::CramMd5 => "CRAM-MD5",
            _ => "PLAIN",
        };
        let plaintext = want != "CRAM-MD5";
        // GNU Mailutils says "TLS required" with its own capability instead of LOGINDISABLED.
        if plaintext && !c.tls && (self.has("LOGINDISABLED") || self.has("XTLSREQUIRED")) {
            return Err(Failure::new(DiagnosisCode::AuthPlaintextDisabled)
                .with(EvidenceKey::Capabilities, self.caps_text()));
        }
        if want == "LOGIN-COMMAND" && self.has("LOGINDISABLED") {
            return Err(Failure::new(DiagnosisCode::AuthMechanismUnsupported)
                .with(EvidenceKey::Wanted, "LOGIN")
                .with(EvidenceKey::Capabilities, self.caps_text()));
        }
        if want != "LOGIN-COMMAND" && !offered.iter().any(|m| m == want) {
            return Err(Failure::new(DiagnosisCode::AuthMechanismUnsupported)
                .with(EvidenceKey::Wanted, want)
                .with(EvidenceKey::Offered, offered.join(" ")));
        }
        let (tagged, mech) = if want == "LOGIN-COMMAND" {
            let tag = self.next_tag();
            let user = quote(&t.user);
            c.write_secret(
                &format!("{tag} LOGIN {user} {}", quote(password)),
                &format!("{tag} LOGIN {user} {}", super::transcript::REDACTED),
            )
            .await?;
            (self.collect(c, &tag).await?.1, "LOGIN")
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
            (self.sasl(c, auth.as_mut()).await?, want)
        };
        if tagged.ok() {
            if !tagged.code.to_ascii_uppercase().starts_with("CAPABILITY") {
                // Capabilities change after login (SPECIAL-USE, LIST-EXTENDED).
                self.caps.clear();
                let _ = self.command(c, "CAPABILITY").await?;
            }
            return Ok(self.logged_in(t, mech));
        }
        if tagged.status == "BAD" && mech != "LOGIN" && tagged.code.is_empty() {
            return Err(Failure::new(DiagnosisCode::AuthMechanismUnsupported)
                .with(EvidenceKey::Wanted, mech)
                .with(EvidenceKey::ServerSaid, tagged.said()));
        }
        let f = self.refusal(&tagged, Stage::Login);
        Err(if f.code == DiagnosisCode::AuthFailed {
            f.with(EvidenceKey::User, t.user.clone())
        } else {
            f
        })
    }

    async fn logout(&mut self, c: &mut Conn) -> Result<(), Failure> {
        self.command(c, "LOGOUT").await.map(|_| ())
    }
}

fn role_label(lang: Lang, role: &str) -> &'static str {
    match (lang, role) {
        (Lang::De, "trash") => "Papierkorb",
        (Lang::De, "junk") => "Spam",
        (Lang::De, "sent") => "Gesendet",
        (Lang::De, "deleted") => "Gelöscht",
        (_, "trash") => "Trash",
        (_, "junk") => "Junk",
        (_, "sent") => "Sent",
        _ => "Deleted",
    }
}

/// Checks the configured special folders against the server's list.
fn check_special(
    lang: Lang,
    cfg: &SpecialFolders,
    folders: &[Folder],
) -> Result<Done<()>, Failure> {
    let roles = [
        (EvidenceKey::Trash, "\\Trash", cfg.trash.trim()),
        (EvidenceKey::Junk, "\\Junk", cfg.junk.trim()),
        (EvidenceKey::Sent, "\\Sent", cfg.sent.trim()),
        (EvidenceKey::Deleted, "\\Trash", cfg.deleted.trim()),
    ];
    let exists = |name: &str| {
        folders.iter().any(|f| {
            f.name == name
                || (name.eq_ignore_ascii_case("INBOX") && f.name.eq_ignore_ascii_case("INBOX"))
        })
    };
    let marked = |flag: &str| {
        folders
            .iter()
            .find(|f| f.special_use.as_deref() == Some(flag))
            .map(|f| f.name.clone())
    };
    let mut shown = Vec::new();
    let mut missing = Vec::new();
    for (role, flag, configured) in roles {
        let label = role_label(lang, role.as_str());
        if configured.is_empty() {
            if let Some(name) = marked(flag).filter(|_| role != EvidenceKey::Deleted) {
                shown.push(format!("{label}: {name} (auto, {flag})"));
            }
        } else if exists(configured) {
            shown.push(format!("{label}: {configured}"));
        } else {
            let hint = marked(flag)
                .map(|n| format!(" – the server marks \"{n}\" as {flag}"))
                .unwrap_or_default();
            missing.push((role, format!("\"{configured}\" does not exist{hint}")));
        }
    }
    for name in cfg
        .fetched
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
    {
        if !exists(name) {
            missing.push((
                EvidenceKey::FetchedFolder,
                format!("\"{name}\" does not exist"),
            ));
        }
    }
    if !missing.is_empty() {
        let mut f = Failure::new(DiagnosisCode::ImapFolderMissing);
        for (role, text) in missing {
            f = f.with(role, text);
        }
        return Err(f);
    }
    if shown.is_empty() {
        Ok(Done::new((), "special_none"))
    } else {
        Ok(Done::new((), "special_folders").arg("list", shown.join("; ")))
    }
}

/// The account deletes by moving to the trash (`needs_trash`) but has no trash folder: none
/// configured and none the server marks `\Trash` (a configured one that does not exist is
/// `check_special`'s error).
fn trash_missing(needs_trash: bool, cfg: &SpecialFolders, folders: &[Folder]) -> Option<Failure> {
    let marked = folders
        .iter()
        .any(|f| f.special_use.as_deref() == Some("\\Trash"));
    (needs_trash && cfg.trash.trim().is_empty() && !marked)
        .then(|| Failure::new(DiagnosisCode::ImapTrashMissing))
}

/// The IMAP test: connection, login, folder list, mailbox path, special folders.
pub(crate) async fn test(r: &mut Runner<'_>, t: &ProbeTarget) -> Result<(), Stop> {
    let limit = t.timeout;
    let mut s = flow::establish(r, t, Imap::new()).await?;
    if flow::login_step(r, t, &mut s).await? {
        let Session { conn, proto } = &mut s;
        let folders = r
            .step(StepKind::Folders, limit, proto.list_folders(conn))
            .await?;
        r.folders = Some(folders.clone());
        // IMAP-download fetches from the account's mailbox path just as IMAP reads it.
        let path = match t.mailbox_path.trim() {
            "" => "INBOX",
            p => p,
        };
        soft(
            r.step(
                StepKind::Mailbox,
                limit,
                proto.examine(conn, path, &folders),
            )
            .await,
        )?;
        if t.protocol == ProbeProtocol::Imap {
            let lang = r.lang;
            let cfg = t.folders.clone();
            let needs_trash = t.delete_procedure == super::DeleteProcedure::MoveToTrash;
            soft(
                r.step(StepKind::SpecialFolders, limit, async move {
                    let done = check_special(lang, &cfg, &folders)?;
                    Ok(match trash_missing(needs_trash, &cfg, &folders) {
                        Some(w) => done.warn(w),
                        None => done,
                    })
                })
                .await,
            )?;
        }
    }
    flow::logout_step(r, t, &mut s).await
}

/// A refused login seen by another client of this connection (async-imap's, in
/// `imap_actions`): its completion `NO|BAD [CODE] text` without the tag, classified as here.
pub(crate) fn login_refusal(said: &str) -> Failure {
    let t = parse_status(said);
    let mut imap = Imap::new();
    imap.note_alert(&t);
    imap.refusal(&t, Stage::Login)
}

/// Test support: the tagged refusal `answer` (without its tag, e.g. `NO [ALERT] …`; lines
/// before the last are sent as they are) at `stage`, replayed through this module's real
/// client code against a scripted server.
#[cfg(test)]
pub(crate) async fn replay(stage: Stage, answer: &str) -> Failure {
    use super::testing::{target, Script};
    let (before, last) = match answer.rsplit_once('\n') {
        Some((b, l)) => (Some(b), l),
        None => (None, answer),
    };
    let mut script = Script::new().send("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready");
    script = match stage {
        Stage::Starttls => script.expect("a1 STARTTLS"),
        _ => script.expect("a1 LOGIN *"),
    };
    if let Some(b) = before {
        script = script.send(b);
    }
    let (mut c, peer) = script.send(&format!("a1 {last}")).start();
    let mut p = Imap::new();
    p.greeting(&mut c).await.expect("greeting");
    c.tls = stage != Stage::Starttls;
    let r = match stage {
        Stage::Starttls => p.starttls(&mut c).await,
        _ => {
            let t = target(ProbeProtocol::Imap, ProbeAuth::Login);
            p.login(&mut c, &t, "pw-1234").await.map(|_| ())
        }
    };
    peer.finish(c).await;
    r.expect_err("the answer is a refusal")
}

#[cfg(any(test, feature = "fuzzing"))]
impl Imap {
    /// What the IMAP test does after the login, for `probe::fuzz`.
    pub(super) async fn fuzz_after_login(
        &mut self,
        c: &mut Conn,
        t: &ProbeTarget,
    ) -> Result<(), Failure> {
        let folders = self.list_folders(c).await?.value;
        let _ = self.examine(c, &t.mailbox_path, &folders).await;
        let _ = check_special(Lang::De, &t.folders, &folders);
        self.logout(c).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str, lits: &[&str]) -> Line {
        Line {
            text: s.as_bytes().to_vec(),
            literals: lits.iter().map(|l| l.as_bytes().to_vec()).collect(),
        }
    }

    #[test]
    fn moving_to_the_trash_without_a_trash_folder_is_a_warning() {
        let plain: Vec<Folder> = ["INBOX", "Archiv"]
            .iter()
            .map(|n| folder_from(n, Some("/".into()), &[]))
            .collect();
        let mut marked = plain.clone();
        marked.push(folder_from(
            "Deleted Items",
            Some("/".into()),
            &["\\Trash".into()],
        ));
        let none = SpecialFolders::default();
        let own = SpecialFolders {
            trash: "Archiv".into(),
            ..Default::default()
        };
        let code = |needs, cfg, folders| trash_missing(needs, cfg, folders).map(|f| f.code);
        assert_eq!(
            code(true, &none, &plain),
            Some(DiagnosisCode::ImapTrashMissing)
        );
        assert_eq!(code(true, &none, &marked), None, "the server's \\Trash");
        assert_eq!(code(true, &own, &plain), None, "the configured trash");
        assert_eq!(code(false, &none, &plain), None, "not moving to the trash");
    }

    #[test]
    fn fetched_subfolders_must_exist_on_the_server() {
        let folders: Vec<Folder> = ["INBOX", "Archiv", "Archiv/2024"]
            .iter()
            .map(|n| folder_from(n, Some("/".into()), &[]))
            .collect();
        let mut cfg = SpecialFolders {
            fetched: vec!["Archiv/2024".into(), " ".into()],
            ..Default::default()
        };
        assert!(check_special(Lang::En, &cfg, &folders).is_ok());
        cfg.fetched.push("Archiv/2023".into());
        let Err(f) = check_special(Lang::En, &cfg, &folders) else {
            panic!("a missing fetched folder passed");
        };
        assert_eq!(f.code, DiagnosisCode::ImapFolderMissing);
        let said: Vec<_> = f
            .evidence
            .iter()
            .filter(|e| e.key == EvidenceKey::FetchedFolder)
            .map(|e| e.value.as_str())
            .collect();
        assert_eq!(said, ["\"Archiv/2023\" does not exist"]);
    }

    #[test]
    fn modified_utf7_round_trips() {
        for (plain, enc) in [
            ("INBOX", "INBOX"),
            ("Gelöschte Elemente", "Gel&APY-schte Elemente"),
            ("Entwürfe", "Entw&APw-rfe"),
            ("A&B", "A&-B"),
            ("日本語", "&ZeVnLIqe-"),
        ] {
            assert_eq!(encode_mutf7(plain), enc, "{plain}");
            assert_eq!(decode_mutf7(enc), plain, "{enc}");
        }
    }

    #[test]
    fn list_responses_are_parsed() {
        let f = parse_list(&line(r#"* LIST (\Subscribed \Sent) "." Sent"#, &[]), "LIST").unwrap();
        assert_eq!(f.name, "Sent");
        assert_eq!(f.delimiter.as_deref(), Some("."));
        assert_eq!(f.special_use.as_deref(), Some("\\Sent"));
        assert!(f.subscribed && f.selectable);

        let f = parse_list(
            &line(r#"* LIST (\Noselect) "/" {11}"#, &["Ordner \"x\""]),
            "LIST",
        )
        .unwrap();
        assert_eq!(f.name, "Ordner \"x\"");
        assert!(!f.selectable);

        let f = parse_list(&line(r#"* LIST () NIL "Gel&APY-scht""#, &[]), "LIST").unwrap();
        assert_eq!(f.name, "Gelöscht");
        assert_eq!(f.delimiter, None);
    }

    #[test]
    fn tagged_status_with_code() {
        let t = parse_status(" NO [AUTHENTICATIONFAILED] Authentication failed.");
        assert_eq!(t.status, "NO");
        assert_eq!(t.code, "AUTHENTICATIONFAILED");
        assert_eq!(t.text, "Authentication failed.");
        assert_eq!(literal_len(b"* LIST () \"/\" {12}"), Some(12));
        assert_eq!(literal_len(b"a1 LOGIN {5+}"), Some(5));
        assert_eq!(literal_len(b"* OK fine"), None);
    }

    // ---- wire tests against a scripted server -------------------------------------------

    use crate::probe::testing::{evidence, expect_code, lines, target, Script};
    use crate::probe::transcript::{Dir, Transcript};

    use std::time::Duration;
    const TIMEOUT: Duration = Duration::from_secs(3);

    async fn greeted(greeting: &str, script: Script) -> (Conn, crate::probe::testing::Peer, Imap) {
        let (mut c, peer) = Script::new().send(greeting).then(script).start();
        let mut p = Imap::new();
        p.greeting(&mut c).await.expect("greeting");
        (c, peer, p)
    }

    #[tokio::test]
    async fn ok_greeting_with_capabilities_needs_no_capability_command() {
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN LOGINDISABLED] Dovecot ready.",
            Script::new(),
        )
        .await;
        p.capabilities(&mut c).await.unwrap();
        assert!(p.offers_starttls());
        assert_eq!(p.auth_mechs(), ["PLAIN"]);
        assert!(peer.finish(c).await.is_empty());
    }

    #[tokio::test]
    async fn ok_greeting_without_capabilities_asks_for_them() {
        let (mut c, peer, mut p) = greeted(
            "* OK ready",
            Script::new()
                .expect("a1 CAPABILITY")
                .send("* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=XOAUTH2\na1 OK done"),
        )
        .await;
        p.capabilities(&mut c).await.unwrap();
        assert_eq!(p.auth_mechs(), ["PLAIN", "XOAUTH2"]);
        assert!(!p.offers_starttls());
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn preauth_greeting_logs_in_without_a_command() {
        let (mut c, peer, mut p) = greeted(
            "* PREAUTH [CAPABILITY IMAP4rev1] logged in as alice",
            Script::new(),
        )
        .await;
        c.tls = true;
        let t = target(ProbeProtocol::Imap, ProbeAuth::Password);
        p.login(&mut c, &t, "pw").await.unwrap();
        assert!(peer.finish(c).await.is_empty());
    }

    #[tokio::test]
    async fn a_plaintext_preauth_greeting_never_stands_in_for_a_login_after_starttls() {
        let (mut c, peer, mut p) = greeted(
            "* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in as alice",
            Script::new(),
        )
        .await;
        let f = expect_code(
            p.starttls(&mut c).await,
            DiagnosisCode::TlsStarttlsUnsupported,
        );
        assert!(evidence(&f, EvidenceKey::ServerSaid)
            .unwrap()
            .contains("PREAUTH"));
        // Even if the caller went on, the login would ask the server.
        assert!(!p.preauth);
        // Nothing was sent: no STARTTLS in the authenticated state, no credentials.
        assert!(peer.finish(c).await.is_empty());
    }

    #[tokio::test]
    async fn a_line_of_many_literals_is_bounded_in_bytes() {
        // Each literal is allowed; together they pass the line's byte bound long before
        // the old bound (1,000 literals of 1 MiB each).
        let lit = "x".repeat(512 * 1024);
        let mut script = Script::new().send("* OK ready").expect("a1 CAPABILITY");
        for _ in 0..12 {
            script = script
                .send(&format!("* LIST () \"/\" {{{}}}", lit.len()))
                .raw(lit.clone());
        }
        let (mut c, _peer) = script.start();
        let mut p = Imap::new();
        p.greeting(&mut c).await.unwrap();
        let f = expect_code(
            p.capabilities(&mut c).await,
            DiagnosisCode::ProtocolInvalidResponse,
        );
        assert!(evidence(&f, EvidenceKey::Problem)
            .unwrap()
            .contains("literal"));
    }

    #[tokio::test]
    async fn bye_greeting_is_service_unavailable() {
        let (mut c, peer) = Script::new()
            .send("* BYE Too many connections from your IP")
            .start();
        let f = expect_code(
            Imap::new().greeting(&mut c).await,
            DiagnosisCode::ProtocolServiceUnavailable,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerSaid).as_deref(),
            Some("* BYE Too many connections from your IP")
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn pop3_greeting_on_an_imap_port_is_the_wrong_service() {
        let (mut c, peer) = Script::new().send("+OK Dovecot ready.").start();
        let f = expect_code(
            Imap::new().greeting(&mut c).await,
            DiagnosisCode::ProtocolWrongService,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::SoundsLike).as_deref(),
            Some("POP3")
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn folder_list_reads_literals_and_merges_lsub() {
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1] ready",
            Script::new()
                .expect(r#"a1 LIST "" "*""#)
                .raw(
                    "* LIST (\\HasNoChildren) \"/\" {12}\r\nEntw&APw-rfe\r\n\
                     * LIST (\\Noselect) \"/\" Archiv\r\n\
                     * LIST () \"/\" INBOX\r\n\
                     a1 OK List completed.\r\n",
                )
                .expect(r#"a2 LSUB "" "*""#)
                .send("* LSUB () \"/\" INBOX\na2 OK done"),
        )
        .await;
        let folders = p.list_folders(&mut c).await.unwrap().value;
        let names: Vec<&str> = folders.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["INBOX", "Entwürfe", "Archiv"]);
        assert!(folders[0].subscribed && !folders[1].subscribed);
        assert!(!folders[2].selectable);
        let shown = lines(&c.transcript.take(), Dir::Server);
        assert!(
            shown.contains(&"[12 bytes] Entw&APw-rfe".to_string()),
            "{shown:?}"
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn folder_list_uses_list_extended_for_special_use() {
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1 LIST-EXTENDED SPECIAL-USE] ready",
            Script::new()
                .expect(r#"a1 LIST "" "*" RETURN (SPECIAL-USE)"#)
                .send(
                    "* LIST () \".\" INBOX\n\
                     * LIST (\\Sent) \".\" \"Gesendete Elemente\"\n\
                     * LIST (\\Junk) \".\" Spam\n\
                     a1 OK done",
                )
                .expect(r#"a2 LIST (SUBSCRIBED) "" "*""#)
                .send(
                    "* LIST (\\Subscribed) \".\" INBOX\n\
                     * LIST (\\Subscribed \\Sent) \".\" \"Gesendete Elemente\"\n\
                     * LIST (\\Subscribed \\NonExistent) \".\" Gone\n\
                     a2 OK done",
                ),
        )
        .await;
        let folders = p.list_folders(&mut c).await.unwrap().value;
        assert_eq!(folders[1].name, "Gesendete Elemente");
        assert_eq!(folders[1].special_use.as_deref(), Some("\\Sent"));
        assert_eq!(folders[2].special_use.as_deref(), Some("\\Junk"));
        assert!(folders[0].subscribed && folders[1].subscribed && !folders[2].subscribed);
        assert_eq!(
            folders.len(),
            3,
            "a subscribed folder that is gone is not listed"
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn a_literal_bomb_ends_with_a_diagnosis_without_reading_it() {
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1] ready",
            Script::new()
                .expect(r#"a1 LIST "" "*""#)
                .send("* LIST () \"/\" {4000000000}"),
        )
        .await;
        let r = tokio::time::timeout(TIMEOUT, p.list_folders(&mut c))
            .await
            .expect("the client must not wait for four gigabytes");
        let f = expect_code(r, DiagnosisCode::ProtocolInvalidResponse);
        assert_eq!(
            evidence(&f, EvidenceKey::Problem).as_deref(),
            Some("a literal of 4000000000 bytes")
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn a_line_of_endless_small_literals_is_cut_off() {
        let mut bomb = b"* LIST () \"/\" {1}\r\n".to_vec();
        for _ in 0..1100 {
            bomb.extend_from_slice(b"x {1}\r\n");
        }
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1] ready",
            Script::new().expect(r#"a1 LIST "" "*""#).raw(bomb),
        )
        .await;
        let r = tokio::time::timeout(TIMEOUT, p.list_folders(&mut c))
            .await
            .unwrap();
        expect_code(r, DiagnosisCode::ProtocolInvalidResponse);
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn starttls_ok_forgets_capabilities_and_no_is_unsupported() {
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready",
            Script::new()
                .expect("a1 STARTTLS")
                .send("a1 OK Begin TLS negotiation now.")
                .expect("a2 STARTTLS")
                .send("a2 NO [ALERT] TLS is not configured"),
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
            Some("NO [ALERT] TLS is not configured")
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn authenticate_plain_answers_the_continuation_and_hides_the_response() {
        let resp = sasl::b64(b"\0alice@example.test\0pa55word");
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready",
            Script::new()
                .expect("a1 AUTHENTICATE PLAIN")
                .send("+ ")
                .expect(&resp)
                .send("a1 OK [CAPABILITY IMAP4rev1 SPECIAL-USE] Logged in"),
        )
        .await;
        c.tls = true;
        let t = target(ProbeProtocol::Imap, ProbeAuth::Password);
        p.login(&mut c, &t, "pa55word").await.unwrap();
        assert!(p.has("SPECIAL-USE"));
        let sent = lines(&c.transcript.take(), Dir::Client);
        assert_eq!(sent, ["a1 AUTHENTICATE PLAIN", "<redacted>"]);
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn sasl_ir_sends_the_initial_response_and_refreshes_capabilities() {
        let resp = sasl::b64(b"\0alice@example.test\0pa55word");
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready",
            Script::new()
                .expect(&format!("a1 AUTHENTICATE PLAIN {resp}"))
                .send("a1 OK Logged in")
                .expect("a2 CAPABILITY")
                .send("* CAPABILITY IMAP4rev1 UIDPLUS\na2 OK done"),
        )
        .await;
        c.tls = true;
        let t = target(ProbeProtocol::Imap, ProbeAuth::Plain);
        p.login(&mut c, &t, "pa55word").await.unwrap();
        assert!(p.has("UIDPLUS"));
        let sent = lines(&c.transcript.take(), Dir::Client);
        assert_eq!(sent[0], "a1 AUTHENTICATE PLAIN <redacted>");
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn login_command_is_redacted_and_a_refusal_is_auth_failed() {
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1] ready",
            Script::new()
                .expect(r#"a1 LOGIN "alice@example.test" "pa\"ss""#)
                .send("a1 NO [AUTHENTICATIONFAILED] Authentication failed."),
        )
        .await;
        c.tls = true;
        let t = target(ProbeProtocol::Imap, ProbeAuth::Login);
        let f = expect_code(
            p.login(&mut c, &t, "pa\"ss").await,
            DiagnosisCode::AuthFailed,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::User).as_deref(),
            Some("alice@example.test")
        );
        let sent = lines(&c.transcript.take(), Dir::Client);
        assert_eq!(sent, [r#"a1 LOGIN "alice@example.test" <redacted>"#]);
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn an_alert_on_a_successful_login_is_shown_in_its_summary() {
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready",
            Script::new()
                .expect("a1 LOGIN *")
                .send("* OK [ALERT] Ihr Passwort läuft in 3 Tagen ab")
                .send("a1 OK [CAPABILITY IMAP4rev1] Logged in"),
        )
        .await;
        c.tls = true;
        let t = target(ProbeProtocol::Imap, ProbeAuth::Login);
        let done = p.login(&mut c, &t, "pw-1234").await.unwrap();
        let summary = crate::diag::summary(Lang::De, done.key, &done.args);
        assert!(
            summary.ends_with("Der Server meldet: „Ihr Passwort läuft in 3 Tagen ab“"),
            "{summary}"
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn privacy_required_means_plaintext_is_disabled() {
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1] ready",
            Script::new()
                .expect("a1 LOGIN *")
                .send("a1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed"),
        )
        .await;
        let t = target(ProbeProtocol::Imap, ProbeAuth::Login);
        expect_code(
            p.login(&mut c, &t, "pw").await,
            DiagnosisCode::AuthPlaintextDisabled,
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn logindisabled_before_tls_sends_no_password() {
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED AUTH=PLAIN] ready",
            Script::new(),
        )
        .await;
        let t = target(ProbeProtocol::Imap, ProbeAuth::Password);
        expect_code(
            p.login(&mut c, &t, "pw").await,
            DiagnosisCode::AuthPlaintextDisabled,
        );
        assert!(peer.finish(c).await.is_empty());
    }

    #[tokio::test]
    async fn cram_md5_answers_the_challenge() {
        let challenge = "<1896.697170952@postoffice.reston.mci.net>";
        let answer = sasl::b64(
            sasl::cram_md5_response("alice@example.test", "tanstaaf", challenge.as_bytes())
                .as_bytes(),
        );
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5] ready",
            Script::new()
                .expect("a1 AUTHENTICATE CRAM-MD5")
                .send(&format!("+ {}", sasl::b64(challenge.as_bytes())))
                .expect(&answer)
                .send("a1 OK [CAPABILITY IMAP4rev1] done"),
        )
        .await;
        let t = target(ProbeProtocol::Imap, ProbeAuth::CramMd5);
        p.login(&mut c, &t, "tanstaaf").await.unwrap();
        peer.finish(c).await;
    }

    async fn xoauth2_refused(json: &str) -> (Failure, Vec<String>) {
        let transcript = Transcript::new(vec!["ya29.secret-token".into()]);
        let (mut c, peer) = Script::new()
            .send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] ready")
            .expect("a1 AUTHENTICATE XOAUTH2 *")
            .send(&format!("+ {}", sasl::b64(json.as_bytes())))
            .expect("")
            .send("a1 NO [AUTHENTICATIONFAILED] Invalid credentials")
            .start_with(transcript);
        let mut p = Imap::new();
        p.greeting(&mut c).await.unwrap();
        c.tls = true;
        let t = target(ProbeProtocol::Imap, ProbeAuth::Oauth2);
        let Err(f) = p.login(&mut c, &t, "ya29.secret-token").await else {
            panic!("the login must fail")
        };
        let sent = lines(&c.transcript.take(), Dir::Client);
        peer.finish(c).await;
        (f, sent)
    }

    #[tokio::test]
    async fn xoauth2_error_challenge_is_explained() {
        let json = r#"{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}"#;
        let (f, sent) = xoauth2_refused(json).await;
        assert_eq!(f.code, DiagnosisCode::OauthTokenInvalid);
        assert_eq!(
            evidence(&f, EvidenceKey::ServerError).as_deref(),
            Some(json)
        );
        assert_eq!(sent, ["a1 AUTHENTICATE XOAUTH2 <redacted>", "<redacted>"]);
        let (f, _) = xoauth2_refused(r#"{"status":"insufficient_scope"}"#).await;
        assert_eq!(f.code, DiagnosisCode::OauthScopeMissing);
    }

    #[tokio::test]
    async fn bye_before_the_connection_drops_is_kept_as_evidence() {
        let (mut c, peer, mut p) = greeted(
            "* OK [CAPABILITY IMAP4rev1] ready",
            Script::new()
                .expect("a1 NOOP")
                .send("* BYE Server shutting down."),
        )
        .await;
        let f = expect_code(p.command(&mut c, "NOOP").await, DiagnosisCode::NetClosed);
        assert_eq!(
            evidence(&f, EvidenceKey::ServerSaid).as_deref(),
            Some("* BYE Server shutting down.")
        );
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn an_answer_with_a_foreign_tag_is_invalid() {
        let (mut c, peer, mut p) = greeted(
            "* OK ready",
            Script::new().expect("a1 NOOP").send("b7 OK NOOP done"),
        )
        .await;
        let f = expect_code(
            p.command(&mut c, "NOOP").await,
            DiagnosisCode::ProtocolInvalidResponse,
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerSent).as_deref(),
            Some("b7 OK NOOP done")
        );
        peer.finish(c).await;
    }
}
