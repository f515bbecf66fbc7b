//! A connection as the protocol code sees it: bounded line reads, writes that go to the
//! transcript (credentials only in redacted form), and the switch to TLS in place.

use super::runner::{Done, Failure};
use super::tls;
use super::transcript::Transcript;
use super::{TlsEvidence, TlsSettings};
use crate::diag::{DiagnosisCode, EvidenceKey};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Longest line accepted from a server; more is a protocol violation, not a memory problem.
pub(crate) const MAX_LINE: usize = 64 * 1024;

pub(crate) struct Conn {
    io: Option<Box<dyn Io>>,
    buf: Vec<u8>,
    pub transcript: Transcript,
    pub peer: SocketAddr,
    pub local: SocketAddr,
    pub tls: bool,
    /// Set once the server has sent anything (read without borrowing the connection).
    pub heard: Arc<AtomicBool>,
    /// How a second connection reaches TLS, for the OS's verdict on the certificate
    /// (`None`: no second look, e.g. for a connection that is itself a check).
    pub second_look: Option<tls::Prelude>,
    /// Whether the TLS server asked for a client certificate and one was presented.
    pub client_cert: tls::ClientCertUse,
}

/// A short, printable preview of raw bytes for evidence.
pub(crate) fn preview(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(120)];
    let s: String = String::from_utf8_lossy(cut)
        .chars()
        .map(|c| if c.is_control() { '·' } else { c })
        .collect();
    if bytes.len() > cut.len() {
        format!("{s}… ({} bytes)", bytes.len())
    } else {
        s
    }
}

impl Conn {
    pub fn new(
        io: Box<dyn Io>,
        peer: SocketAddr,
        local: SocketAddr,
        transcript: Transcript,
    ) -> Conn {
        Conn {
            io: Some(io),
            buf: Vec::new(),
            transcript,
            peer,
            local,
            tls: false,
            heard: Arc::new(AtomicBool::new(false)),
            second_look: None,
            client_cert: tls::ClientCertUse::default(),
        }
    }

    fn closed(&self, detail: String) -> Failure {
        let mut f = Failure::new(DiagnosisCode::NetClosed).with(EvidenceKey::Detail, detail);
        if let Some(last) = self.transcript.last(super::Dir::Client) {
            f = f.with(EvidenceKey::After, last);
        }
        f
    }

    async fn fill(&mut self) -> Result<(), Failure> {
        let mut chunk = [0u8; 8192];
        let res = match self.io.as_mut() {
            Some(io) => io.read(&mut chunk).await,
            None => return Err(self.closed("connection already closed".into())),
        };
        match res {
            Ok(0) => Err(self.closed("the server closed the connection".into())),
            Ok(n) => {
                self.heard.store(true, Ordering::Relaxed);
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(())
            }
            Err(e) => {
                // TLS 1.3: a server that refuses the client certificate says so after the
                // handshake, on the first read.
                let cc = self.client_cert;
                let alert = e
                    .get_ref()
                    .and_then(|i| i.downcast_ref::<rustls::Error>())
                    .and_then(|r| tls::client_cert_alert(r, cc.presented, cc.asked));
                Err(alert.unwrap_or_else(|| self.closed(e.to_string())))
            }
        }
    }

    /// One line without CRLF, not written to the transcript.
    pub async fn read_line_raw(&mut self) -> Result<Vec<u8>, Failure> {
        let mut scanned = 0;
        loop {
            if let Some(pos) = self.buf[scanned..].iter().position(|&b| b == b'\n') {
                let end = scanned + pos;
                let mut line: Vec<u8> = self.buf.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            scanned = self.buf.len();
            if self.buf.len() > MAX_LINE {
                let f = Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                    .with(
                        EvidenceKey::Problem,
                        format!("a line longer than {MAX_LINE} bytes"),
                    )
                    .with(EvidenceKey::ServerSent, preview(&self.buf));
                self.transcript.server(&preview(&self.buf));
                self.buf.clear();
                return Err(f);
            }
            self.fill().await?;
        }
    }

    /// One line, written to the transcript.
    pub async fn read_line(&mut self) -> Result<String, Failure> {
        let raw = self.read_line_raw().await?;
        let s = String::from_utf8_lossy(&raw).into_owned();
        self.transcript.server(&s);
        Ok(s)
    }

    /// Exactly `n` bytes (an IMAP literal), not written to the transcript.
    pub async fn read_exact_raw(&mut self, n: usize) -> Result<Vec<u8>, Failure> {
        while self.buf.len() < n {
            self.fill().await?;
        }
        Ok(self.buf.drain(..n).collect())
    }

    async fn write_all(&mut self, data: &[u8]) -> Result<(), Failure> {
        let res = match self.io.as_mut() {
            Some(io) => match io.write_all(data).await {
                Ok(()) => io.flush().await,
                Err(e) => Err(e),
            },
            None => return Err(self.closed("connection already closed".into())),
        };
        res.map_err(|e| self.closed(e.to_string()))
    }

    /// Sends `line` + CRLF and logs it (credential commands are redacted by the transcript).
    pub async fn write_line(&mut self, line: &str) -> Result<(), Failure> {
        self.transcript.client(line);
        self.write_all(format!("{line}\r\n").as_bytes()).await
    }

    /// Sends a line that carries a secret; the transcript shows `shown` instead.
    pub async fn write_secret(&mut self, line: &str, shown: &str) -> Result<(), Failure> {
        self.transcript.remember_hidden(line, shown);
        self.transcript.client(shown);
        self.write_all(format!("{line}\r\n").as_bytes()).await
    }

    /// Sends raw bytes (a message body); the caller logs what it wants shown.
    pub async fn write_raw(&mut self, data: &[u8]) -> Result<(), Failure> {
        self.write_all(data).await
    }

    /// Switches the connection to TLS (after STARTTLS, or right after connect).
    pub async fn start_tls(
        &mut self,
        host: &str,
        settings: &TlsSettings,
    ) -> Result<Done<TlsEvidence>, Failure> {
        if !self.buf.is_empty() {
            // Bytes before the handshake could be injected by an attacker (CVE-2011-0411).
            return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                .with(
                    EvidenceKey::Problem,
                    "the server sent data after agreeing to start TLS",
                )
                .with(EvidenceKey::ServerSent, preview(&self.buf)));
        }
        let io = self
            .io
            .take()
            .ok_or_else(|| self.closed("connection already closed".into()))?;
        let second = self.second_look.map(|prelude| tls::SecondLook {
            peer: self.peer,
            local: self.local.ip(),
            prelude,
        });
        let (io, done, used) = tls::handshake(io, host, settings, &self.transcript, second).await?;
        self.client_cert = used;
        self.io = Some(io);
        self.tls = true;
        Ok(done)
    }

    /// The stream itself, e.g. to start TLS on it with another library.
    pub fn into_io(mut self) -> Option<Box<dyn Io>> {
        self.io.take()
    }

    /// A refused login that is about the TLS client certificate. Dovecot
    /// (`auth_ssl_require_client_cert`) completes the handshake whatever the client presents
    /// and refuses the login with `NO [ALERT] Client didn't present valid SSL certificate` —
    /// for a missing certificate and for one of another CA alike; what we presented tells
    /// the two apart. Only when the server asked for a certificate in the handshake.
    pub(crate) fn client_cert_login_refusal(&self, f: Failure) -> Failure {
        if !self.tls || !self.client_cert.asked {
            return f;
        }
        let said = f
            .evidence
            .iter()
            .find(|e| e.key == EvidenceKey::ServerSaid)
            .map(|e| e.value.to_ascii_lowercase())
            .unwrap_or_default();
        if !said.contains("certificate") {
            return f;
        }
        let code = if self.client_cert.presented {
            DiagnosisCode::TlsClientCertRejected
        } else {
            DiagnosisCode::TlsClientCertRequired
        };
        let mut out = Failure::new(code).with(
            EvidenceKey::Observed,
            "the server asked for a client certificate in the TLS handshake",
        );
        out.evidence.extend(f.evidence);
        out.tls = f.tls;
        out
    }

    /// Closes the connection without waiting for the server.
    pub async fn close(&mut self) {
        if let Some(mut io) = self.io.take() {
            let _ =
                tokio::time::timeout(std::time::Duration::from_millis(200), io.shutdown()).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::{DiagnosisCode, EvidenceKey};
    use crate::probe::testing::{evidence, expect_code, lines, Script};
    use crate::probe::transcript::Dir;
    use crate::probe::TlsSettings;

    #[tokio::test]
    async fn lines_end_with_crlf_or_a_bare_lf_and_are_recorded() {
        let (mut c, peer) = Script::new().raw("one\r\ntwo\nthree\r\n").start();
        assert_eq!(c.read_line().await.unwrap(), "one");
        assert_eq!(c.read_line().await.unwrap(), "two");
        assert_eq!(c.read_line_raw().await.unwrap(), b"three");
        assert_eq!(lines(&c.transcript.take(), Dir::Server), ["one", "two"]);
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn a_line_without_end_is_refused_at_the_limit() {
        let (mut c, peer) = Script::new()
            .raw(vec![b'A'; super::MAX_LINE + 10_000])
            .start();
        let f = expect_code(c.read_line().await, DiagnosisCode::ProtocolInvalidResponse);
        assert!(evidence(&f, EvidenceKey::Problem)
            .unwrap()
            .contains("longer than"));
        let shown = c.transcript.take();
        assert!(shown.iter().all(|l| l.text.len() < 1100));
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn a_closed_connection_names_the_last_command() {
        let (mut c, peer) = Script::new().expect("NOOP").start();
        c.write_line("NOOP").await.unwrap();
        let f = expect_code(c.read_line().await, DiagnosisCode::NetClosed);
        assert_eq!(evidence(&f, EvidenceKey::After).as_deref(), Some("NOOP"));
        peer.finish(c).await;
    }

    #[tokio::test]
    async fn secrets_are_sent_but_only_their_redacted_form_is_recorded() {
        let (mut c, peer) = Script::new().expect("PASS hunter22").start();
        c.write_secret("PASS hunter22", "PASS <redacted>")
            .await
            .unwrap();
        assert_eq!(
            lines(&c.transcript.take(), Dir::Client),
            ["PASS <redacted>"]
        );
        assert_eq!(peer.finish(c).await, ["PASS hunter22"]);
    }

    #[tokio::test]
    async fn bytes_after_the_starttls_go_ahead_stop_the_handshake() {
        // CVE-2011-0411: a plaintext command injected after "OK, start TLS".
        let (mut c, peer) = Script::new()
            .raw("a1 OK Begin TLS\r\na2 OK injected\r\n")
            .start();
        c.read_line().await.unwrap();
        let f = expect_code(
            c.start_tls("mail.example.test", &TlsSettings::default())
                .await,
            DiagnosisCode::ProtocolInvalidResponse,
        );
        assert!(evidence(&f, EvidenceKey::ServerSent)
            .unwrap()
            .contains("a2 OK injected"));
        assert!(!c.tls);
        peer.finish(c).await;
    }
}
