//! A scripted peer for in-memory protocol tests: a `Conn` on one end of a duplex pipe, and
//! a task on the other that expects the client's lines in order and answers as scripted.

use super::conn::Conn;
use super::runner::Failure;
use super::transcript::{Dir, Transcript, TranscriptLine};
use super::{ProbeAuth, ProbeProtocol, ProbeTarget};
use crate::diag::{DiagnosisCode, EvidenceKey};
use crate::kinds::Security;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::task::JoinHandle;

enum Act {
    /// Bytes the peer writes as they are.
    Send(Vec<u8>),
    /// A line the client must send next (CRLF stripped); a trailing `*` matches any rest.
    Expect(String),
    /// SMTP DATA: lines up to and including the lone `.`, recorded as one entry.
    Data,
}

/// What the peer does, in order. When the script is done the peer closes its end.
#[derive(Default)]
pub(crate) struct Script {
    acts: Vec<Act>,
}

/// The peer task; `finish` says whether the client did what the script expected.
pub(crate) struct Peer {
    task: JoinHandle<Result<Vec<String>, String>>,
}

impl Script {
    pub fn new() -> Script {
        Script::default()
    }

    /// The peer sends `text`; each `\n`-separated line goes out with CRLF.
    pub fn send(mut self, text: &str) -> Script {
        let mut bytes = Vec::new();
        for line in text.split('\n') {
            bytes.extend_from_slice(line.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        self.acts.push(Act::Send(bytes));
        self
    }

    /// The peer sends `bytes` unchanged (literals, lines without end).
    pub fn raw(mut self, bytes: impl Into<Vec<u8>>) -> Script {
        self.acts.push(Act::Send(bytes.into()));
        self
    }

    /// The client must send this line next.
    pub fn expect(mut self, line: &str) -> Script {
        self.acts.push(Act::Expect(line.to_string()));
        self
    }

    /// The client sends a message body ending with a lone `.` line (recorded joined by CRLF).
    pub fn data(mut self) -> Script {
        self.acts.push(Act::Data);
        self
    }

    /// This script followed by `more`.
    pub fn then(mut self, more: Script) -> Script {
        self.acts.extend(more.acts);
        self
    }

    /// A connection to the scripted peer, with an empty transcript.
    pub fn start(self) -> (Conn, Peer) {
        self.start_with(Transcript::default())
    }

    /// A connection to the scripted peer that records into `transcript`.
    pub fn start_with(self, transcript: Transcript) -> (Conn, Peer) {
        let (client, server) = tokio::io::duplex(256 * 1024);
        let conn = Conn::new(
            Box::new(client),
            "127.0.0.1:143".parse().expect("address"),
            "127.0.0.1:50000".parse().expect("address"),
            transcript,
        );
        let task = tokio::spawn(async move {
            let (read, mut write) = tokio::io::split(server);
            let mut read = BufReader::new(read);
            let mut got = Vec::new();
            for act in self.acts {
                match act {
                    Act::Send(bytes) => {
                        // The client may have given up already; the script still counts.
                        let _ = write.write_all(&bytes).await;
                    }
                    Act::Expect(want) => {
                        let mut line = String::new();
                        let n = read.read_line(&mut line).await.map_err(|e| e.to_string())?;
                        if n == 0 {
                            return Err(format!("client closed, expected {want:?}; got {got:?}"));
                        }
                        let line = line.trim_end_matches(['\r', '\n']).to_string();
                        let ok = match want.strip_suffix('*') {
                            Some(prefix) => line.starts_with(prefix),
                            None => line == want,
                        };
                        if !ok {
                            return Err(format!("expected {want:?}, client sent {line:?}"));
                        }
                        got.push(line);
                    }
                    Act::Data => {
                        let mut body = String::new();
                        loop {
                            let mut line = String::new();
                            if read.read_line(&mut line).await.map_err(|e| e.to_string())? == 0 {
                                return Err(format!("client closed inside DATA: {body:?}"));
                            }
                            body.push_str(&line);
                            if line == ".\r\n" {
                                break;
                            }
                        }
                        got.push(body);
                    }
                }
            }
            // The script is done: the client reads the end of the stream, and anything more it
            // says was not in the script.
            let _ = write.shutdown().await;
            let mut rest = String::new();
            match read.read_line(&mut rest).await {
                Ok(0) | Err(_) => Ok(got),
                Ok(_) => Err(format!("unexpected line from the client: {rest:?}")),
            }
        });
        (conn, Peer { task })
    }
}

impl Peer {
    /// Closes the client's end and returns the lines the client sent; panics if the script
    /// was not followed to its end or the client sent more.
    pub async fn finish(self, conn: Conn) -> Vec<String> {
        self.finish_with(conn).await
    }

    /// `finish` for a client that is not a `Conn` (async-imap over the action's tap).
    pub async fn finish_with<C>(self, client: C) -> Vec<String> {
        drop(client);
        match tokio::time::timeout(Duration::from_secs(5), self.task).await {
            Ok(Ok(Ok(lines))) => lines,
            Ok(Ok(Err(e))) => panic!("script not followed: {e}"),
            Ok(Err(e)) => panic!("peer task failed: {e}"),
            Err(_) => panic!("peer still waiting for the client after 5 s"),
        }
    }
}

/// A target with a user, for login tests.
pub(crate) fn target(protocol: ProbeProtocol, auth: ProbeAuth) -> ProbeTarget {
    let mut t = ProbeTarget::new(protocol, "mail.example.test", 143, Security::Starttls);
    t.user = "alice@example.test".into();
    t.auth = auth;
    t
}

/// The transcript's text lines of one direction.
pub(crate) fn lines(all: &[TranscriptLine], dir: Dir) -> Vec<String> {
    all.iter()
        .filter(|l| l.dir == dir)
        .map(|l| l.text.clone())
        .collect()
}

/// The value of one evidence key of a failure.
pub(crate) fn evidence(f: &Failure, key: EvidenceKey) -> Option<String> {
    f.evidence
        .iter()
        .find(|e| e.key == key)
        .map(|e| e.value.clone())
}

/// Asserts the failure's code and returns it for further checks.
#[track_caller]
pub(crate) fn expect_code<T>(r: Result<T, Failure>, code: DiagnosisCode) -> Failure {
    match r {
        Ok(_) => panic!("expected {code:?}, got success"),
        Err(f) => {
            assert_eq!(f.code, code, "evidence: {:?}", f.evidence);
            f
        }
    }
}
