//! Fuzzing entry points of the connection test (`crate::fuzzing`): a hostile server's bytes
//! fed through the real reading code of IMAP, POP3 and SMTP over an in-memory connection,
//! modified UTF-7, and the transcript's scrubbing.
//!
//! A session input is one option byte and then the server's bytes: bits 0–2 pick the login
//! (password, PLAIN, LOGIN, CRAM-MD5, OAuth2, none), bit 3 whether the connection counts as
//! encrypted, bit 4 whether STARTTLS is asked for, bits 5–7 how many bytes one read returns
//! (all at once down to one), so that lines and literals are cut at every place.

use super::conn::Conn;
use super::flow::Proto;
use super::runner::Failure;
use super::transcript::{Dir, Transcript};
use super::{imap, pop3, smtp, ProbeAuth, ProbeProtocol, ProbeTarget, SpecialFolders};
use crate::kinds::Security;
use crate::sensitive::Secret;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The password of every fuzzed login: it must never show in the transcript, whatever the
/// server echoes. Letters and digits with a capital, so that no placeholder or cut the
/// transcript inserts can form it (see `transcript`).
const CANARY: &str = "FuzzCanaryPw7";

/// A server that says `data`, read `chunk` bytes at a time, and swallows what it is sent.
struct Scripted {
    data: Vec<u8>,
    pos: usize,
    chunk: usize,
}

impl AsyncRead for Scripted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let n = (self.data.len() - self.pos)
            .min(self.chunk)
            .min(buf.remaining());
        let start = self.pos;
        buf.put_slice(&self.data[start..start + n]);
        self.pos += n;
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Scripted {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, b: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(b.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

struct Options {
    auth: ProbeAuth,
    tls: bool,
    starttls: bool,
    chunk: usize,
}

fn options(data: &[u8]) -> (Options, &[u8]) {
    let (b, rest) = match data.split_first() {
        Some((b, rest)) => (*b, rest),
        None => (0, data),
    };
    const AUTH: [ProbeAuth; 8] = [
        ProbeAuth::Password,
        ProbeAuth::Plain,
        ProbeAuth::Login,
        ProbeAuth::CramMd5,
        ProbeAuth::Oauth2,
        ProbeAuth::None,
        ProbeAuth::Password,
        ProbeAuth::Plain,
    ];
    const CHUNK: [usize; 8] = [8192, 1, 2, 3, 5, 16, 100, 4096];
    let o = Options {
        auth: AUTH[usize::from(b & 7)],
        tls: b & 8 != 0,
        starttls: b & 16 != 0,
        chunk: CHUNK[usize::from(b >> 5)],
    };
    (o, rest)
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    })
}

fn target(protocol: ProbeProtocol, auth: ProbeAuth) -> ProbeTarget {
    let mut t = ProbeTarget::new(protocol, "mail.example.test", 143, Security::Starttls);
    t.user = "alice@example.test".into();
    t.auth = auth;
    t.password = Some(Secret::new(CANARY));
    t.sender = "Alice <alice@example.test>".into();
    t.mailbox_path = "Archiv/2024".into();
    t.folders = SpecialFolders {
        trash: "Papierkorb".into(),
        junk: String::new(),
        sent: "Gesendete Elemente".into(),
        deleted: String::new(),
        fetched: vec!["Archiv/2023".into()],
    };
    t
}

/// Greeting, capabilities, STARTTLS (its answer only: the handshake is not fuzzed), login.
async fn establish<P: Proto>(
    c: &mut Conn,
    p: &mut P,
    t: &ProbeTarget,
    o: &Options,
) -> Result<(), Failure> {
    p.greeting(c).await?;
    p.capabilities(c).await?;
    if o.starttls && p.offers_starttls() {
        p.starttls(c).await?;
        c.tls = true;
        p.capabilities(c).await?;
    }
    let _ = p.caps_text();
    if t.auth != ProbeAuth::None {
        p.login(c, t, CANARY).await?;
    }
    Ok(())
}

/// Runs one session of `protocol` against a server that sends `data` (after the option
/// byte), then checks that the password never reached the transcript.
pub(crate) fn session(protocol: ProbeProtocol, data: &[u8]) {
    let (o, server) = options(data);
    let t = target(protocol, o.auth);
    let transcript = Transcript::new(vec![CANARY.to_string()]);
    let io = Scripted {
        data: server.to_vec(),
        pos: 0,
        chunk: o.chunk,
    };
    let mut c = Conn::new(
        Box::new(io),
        "127.0.0.1:143".parse().expect("address"),
        "127.0.0.1:50000".parse().expect("address"),
        transcript.clone(),
    );
    c.tls = o.tls;
    runtime().block_on(async {
        let r = match protocol {
            ProbeProtocol::Imap | ProbeProtocol::ImapDownload => {
                let mut p = imap::Imap::new();
                match establish(&mut c, &mut p, &t, &o).await {
                    Ok(()) => p.fuzz_after_login(&mut c, &t).await,
                    Err(f) => Err(f),
                }
            }
            ProbeProtocol::Pop3 => {
                let mut p = pop3::Pop3::new();
                match establish(&mut c, &mut p, &t, &o).await {
                    Ok(()) => p.fuzz_after_login(&mut c).await,
                    Err(f) => Err(f),
                }
            }
            ProbeProtocol::Smtp | ProbeProtocol::Graph => {
                let mut p = smtp::Smtp::new();
                match establish(&mut c, &mut p, &t, &o).await {
                    Ok(()) => p.fuzz_after_login(&mut c, &t).await,
                    Err(f) => Err(f),
                }
            }
        };
        if let Err(f) = r {
            // Evidence goes to the report through the transcript's scrub.
            for e in &f.evidence {
                let shown = transcript.scrub(&e.value);
                assert!(
                    !shown.contains(CANARY),
                    "evidence kept the password: {shown}"
                );
            }
        }
    });
    for line in transcript.take() {
        assert!(
            !line.text.contains(CANARY),
            "the transcript kept the password: {:?} {}",
            line.dir,
            line.text
        );
    }
}

/// Decodes `data` as a folder name; whatever the encoder writes decodes back to the same.
pub(crate) fn mutf7(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let _ = imap::decode_mutf7(&s);
    let enc = imap::encode_mutf7(&s);
    assert!(enc.is_ascii(), "{enc:?}");
    assert_eq!(imap::decode_mutf7(&enc), s, "{enc:?}");
}

/// Lines through the transcript with secrets taken from the input: no secret known before
/// a line was written survives in it.
///
/// The input is lines; a line `S:x` registers the secret `x`, `C:x` is a client line (it
/// is redacted and what it hid is remembered), anything else is a server line.
pub(crate) fn transcript(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let t = Transcript::default();
    // A secret of letters and digits with a capital cannot be formed by the placeholder or
    // the cut the transcript inserts (both lower case and punctuation): any hit is a leak.
    let checkable = |s: &str| {
        s.chars().count() >= 4
            && s.chars().all(|c| c.is_ascii_alphanumeric())
            && s.chars().any(|c| c.is_ascii_uppercase())
    };
    let mut secrets: Vec<String> = Vec::new();
    for line in text.split('\n') {
        if let Some(s) = line.strip_prefix("S:") {
            t.add_secret(s);
            if checkable(s) {
                secrets.push(s.to_string());
            }
            continue;
        }
        if let Some(c) = line.strip_prefix("C:") {
            t.client(c);
        } else {
            t.server(line);
            let shown = t.scrub(line);
            for s in &secrets {
                assert!(!shown.contains(s.as_str()), "secret {s:?} in {shown:?}");
            }
        }
        let _ = t.last(Dir::Server);
        for l in t.take() {
            for s in &secrets {
                assert!(!l.text.contains(s.as_str()), "secret {s:?} in {:?}", l.text);
            }
        }
    }
}
