//! TLS for the probe: the handshake on a connection, with the shared configuration of
//! `crate::tls` (OS trust store, extra CAs, the verifier that records the chain and honours
//! the alternative name and the pinned fingerprint). Every outcome becomes evidence for the
//! TLS step: version, cipher, chain, the verdict, and what the server sent if it was no TLS.

use super::conn::Io;
use super::runner::{Done, Failure};
use super::transcript::Transcript;
use super::{CertInfo, TlsEvidence, TlsSettings};
use crate::diag::{DiagnosisCode, EvidenceKey, Trust};
use crate::tls::{cert_info, Seen, Verdict, Verifier};
use rustls::pki_types::ServerName;
use rustls::ClientConfig;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Records the first bytes the server sends during the handshake, to tell a plaintext
/// greeting from garbage when the handshake fails.
struct Peek<S> {
    inner: S,
    state: Arc<Mutex<PeekState>>,
}

#[derive(Default)]
struct PeekState {
    bytes: Vec<u8>,
    eof: bool,
}

impl<S: AsyncRead + Unpin> AsyncRead for Peek<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let r = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &r {
            let new = &buf.filled()[before..];
            let mut st = this.state.lock().unwrap_or_else(|e| e.into_inner());
            if new.is_empty() {
                st.eof = true;
            } else if st.bytes.len() < 512 {
                let room = 512 - st.bytes.len();
                st.bytes.extend_from_slice(&new[..new.len().min(room)]);
            }
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Peek<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Printable text with a line end: a plaintext protocol greeting, not a TLS record.
pub(crate) fn looks_like_text(bytes: &[u8]) -> bool {
    let line: Vec<u8> = bytes
        .iter()
        .copied()
        .take_while(|b| *b != b'\r' && *b != b'\n')
        .collect();
    line.len() >= 3 && line.len() < bytes.len() && line.iter().all(|b| (0x20..0x7f).contains(b))
}

fn first_line(bytes: &[u8]) -> String {
    let line: Vec<u8> = bytes
        .iter()
        .copied()
        .take_while(|b| *b != b'\r' && *b != b'\n')
        .collect();
    String::from_utf8_lossy(&line).into_owned()
}

fn version_name(v: Option<rustls::ProtocolVersion>) -> String {
    match v {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".into(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".into(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

/// The name the certificate is checked against: the alternative name if set, else the host.
fn checked_name(host: &str, settings: &TlsSettings) -> String {
    let alt = settings.alt_name.trim();
    if alt.is_empty() {
        host.to_string()
    } else {
        alt.to_string()
    }
}

fn cert_evidence(mut f: Failure, chain: &[CertInfo]) -> Failure {
    if let Some(leaf) = chain.first() {
        f = f
            .with(EvidenceKey::CertificateNames, leaf.names.join(", "))
            .with(EvidenceKey::Subject, leaf.subject.clone())
            .with(EvidenceKey::Issuer, leaf.issuer.clone())
            .with(EvidenceKey::NotBefore, leaf.not_before.clone())
            .with(EvidenceKey::NotAfter, leaf.not_after.clone())
            .with(EvidenceKey::Sha256, leaf.sha256.clone());
    }
    f
}

/// Runs the TLS handshake on `io` for `host` (the punycode name or IP literal).
pub(crate) async fn handshake(
    io: Box<dyn Io>,
    host: &str,
    settings: &TlsSettings,
    transcript: &Transcript,
) -> Result<(Box<dyn Io>, Done<TlsEvidence>), Failure> {
    let provider = crate::tls::provider();
    let webpki = crate::tls::TlsConfig::shared(&settings.extra_roots).webpki();
    let checked = checked_name(host, settings);
    let alt_name = if settings.alt_name.trim().is_empty() {
        None
    } else {
        // A wildcard entered as the expected name matches any one label below it.
        let alt = settings.alt_name.trim();
        let alt = match alt.strip_prefix("*.") {
            Some(rest) => format!("mailbox-admin-check.{rest}"),
            None => alt.to_string(),
        };
        let ascii = super::net::ascii_host(&alt);
        Some(ServerName::try_from(ascii).map_err(|e| {
            Failure::new(DiagnosisCode::TlsHandshakeFailed).with(
                EvidenceKey::Detail,
                format!("alternative name is not usable: {e}"),
            )
        })?)
    };
    let pin = if settings.pin_sha256.trim().is_empty() {
        None
    } else {
        crate::validate::normalize_fingerprint(settings.pin_sha256.trim())
    };
    let seen = Arc::new(Mutex::new(Seen::default()));
    let verifier = Verifier {
        webpki,
        provider: provider.clone(),
        verify: settings.verify,
        alt_name,
        pin: pin.clone(),
        seen: seen.clone(),
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| {
            Failure::new(DiagnosisCode::TlsHandshakeFailed).with(EvidenceKey::Detail, e.to_string())
        })?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    let server_name = ServerName::try_from(host.to_string()).map_err(|e| {
        Failure::new(DiagnosisCode::TlsHandshakeFailed)
            .with(EvidenceKey::Detail, format!("server name {host:?}: {e}"))
    })?;
    let peek_state = Arc::new(Mutex::new(PeekState::default()));
    let peek = Peek {
        inner: io,
        state: peek_state.clone(),
    };
    transcript.info("TLS handshake");
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let result = connector.connect(server_name, peek).await;
    let seen = std::mem::take(&mut *seen.lock().unwrap_or_else(|e| e.into_inner()));
    let chain: Vec<CertInfo> = seen.chain.iter().map(|c| cert_info(c)).collect();
    match result {
        Ok(stream) => {
            let (_, conn) = stream.get_ref();
            let version = version_name(conn.protocol_version());
            let cipher = conn
                .negotiated_cipher_suite()
                .map(|s| format!("{:?}", s.suite()))
                .unwrap_or_default();
            let mut warnings = Vec::new();
            let trust = match &seen.verdict {
                Some(Verdict::Verified) => Trust::Verified,
                Some(Verdict::Pinned) => Trust::Pinned,
                Some(Verdict::Unverified { would_fail }) => {
                    let mut w = Failure::new(DiagnosisCode::TlsVerifyDisabled);
                    if let Some(code) = would_fail {
                        w = w.with(EvidenceKey::VerificationWouldReport, code.as_str());
                    }
                    warnings.push(cert_evidence(w, &chain));
                    Trust::NotVerified
                }
                _ => Trust::Verified,
            };
            if let Some(leaf) = chain.first() {
                if let Ok(end) = time::OffsetDateTime::parse(
                    &leaf.not_after,
                    &time::format_description::well_known::Rfc3339,
                ) {
                    let left = end - time::OffsetDateTime::now_utc();
                    if left > time::Duration::ZERO && left < time::Duration::days(14) {
                        warnings.push(
                            Failure::new(DiagnosisCode::TlsExpiresSoon)
                                .with(EvidenceKey::NotAfter, leaf.not_after.clone())
                                .with(EvidenceKey::DaysLeft, left.whole_days().to_string()),
                        );
                    }
                }
            }
            let evidence = TlsEvidence {
                version: version.clone(),
                cipher: cipher.clone(),
                trust,
                checked_name: checked.clone(),
                chain: chain.clone(),
            };
            transcript.info(&format!(
                "{version} {cipher}, certificate {} ({trust})",
                chain.first().map(|c| c.subject.as_str()).unwrap_or("-")
            ));
            let names = chain
                .first()
                .map(|c| c.names.join(", "))
                .unwrap_or_default();
            let done = Done::new(evidence.clone(), "tls")
                .arg("version", version)
                .arg("cipher", cipher)
                .arg("names", names)
                .warnings(warnings)
                .tls(evidence);
            Ok((Box::new(stream), done))
        }
        Err(e) => {
            let peeked = std::mem::take(&mut *peek_state.lock().unwrap_or_else(|e| e.into_inner()));
            let evidence = (!chain.is_empty()).then(|| TlsEvidence {
                version: String::new(),
                cipher: String::new(),
                trust: Trust::Failed,
                checked_name: checked.clone(),
                chain: chain.clone(),
            });
            let f = classify_handshake(&e, seen.verdict, &peeked, &checked, pin.as_deref());
            let f = cert_evidence(f, &chain).tls(evidence);
            transcript.info(&format!("TLS failed: {e}"));
            Err(f)
        }
    }
}

fn classify_handshake(
    e: &io::Error,
    verdict: Option<Verdict>,
    peeked: &PeekState,
    checked: &str,
    pin: Option<&str>,
) -> Failure {
    if let Some(Verdict::Failed { code, detail }) = verdict {
        let mut f = Failure::new(code).with(EvidenceKey::Detail, detail);
        if code == DiagnosisCode::TlsHostnameMismatch {
            f = f.with(EvidenceKey::ExpectedName, checked);
        }
        if let Some(p) = pin {
            f = f.with(EvidenceKey::PinnedSha256, p);
        }
        return f;
    }
    if looks_like_text(&peeked.bytes) {
        return Failure::new(DiagnosisCode::TlsExpectedStarttls)
            .with(EvidenceKey::ServerSent, first_line(&peeked.bytes));
    }
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
    let detail = match inner {
        Some(rustls::Error::AlertReceived(alert)) => format!(
            "the server ended the handshake with the alert \"{alert:?}\" (e.g. no common TLS version or cipher)"
        ),
        Some(rustls::Error::PeerIncompatible(why)) => {
            format!("no common TLS version or cipher: {why:?}")
        }
        Some(rustls::Error::InvalidMessage(_))
        | Some(rustls::Error::InappropriateMessage { .. })
        | Some(rustls::Error::InappropriateHandshakeMessage { .. }) => {
            "the server's answer is not a TLS handshake".to_string()
        }
        Some(other) => other.to_string(),
        None if e.kind() == io::ErrorKind::UnexpectedEof || peeked.eof => {
            "the server closed the connection during the TLS handshake".to_string()
        }
        None => e.to_string(),
    };
    let mut f = Failure::new(DiagnosisCode::TlsHandshakeFailed).with(EvidenceKey::Detail, detail);
    if !peeked.bytes.is_empty() {
        f = f.with(
            EvidenceKey::ServerSent,
            format!(
                "{} bytes: {}",
                peeked.bytes.len(),
                hex_preview(&peeked.bytes)
            ),
        );
    }
    f
}

fn hex_preview(b: &[u8]) -> String {
    let shown: Vec<String> = b.iter().take(24).map(|x| format!("{x:02x}")).collect();
    let mut s = shown.join(" ");
    if b.len() > 24 {
        s.push_str(" …");
    }
    s
}

/// Does `addr` answer with a TLS handshake? Used when a plaintext connection gets no
/// greeting: an implicit-TLS port waits silently for the client's hello.
pub(crate) async fn answers_tls(
    addr: std::net::SocketAddr,
    local: Option<std::net::IpAddr>,
    host: &str,
) -> bool {
    // The caller bounds the whole check; this limit only keeps the connect finite.
    let limit = std::time::Duration::from_secs(30);
    let Ok(done) = super::net::connect(&[addr], local, limit, &Transcript::default()).await else {
        return false;
    };
    let mut conn = done.value;
    let settings = TlsSettings {
        verify: false,
        ..TlsSettings::default()
    };
    let ok = conn.start_tls(host, &settings).await.is_ok();
    conn.close().await;
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_greetings_are_told_from_tls_records() {
        assert!(looks_like_text(b"* OK [CAPABILITY IMAP4rev1] ready\r\n"));
        assert!(looks_like_text(b"220 mail.example.com ESMTP\r\n"));
        assert!(looks_like_text(b"+OK Dovecot ready.\r\n"));
        assert!(!looks_like_text(&[0x16, 0x03, 0x03, 0x00, 0x7a, 0x02]));
        assert!(!looks_like_text(b"\xff\xfe garbage"));
        assert!(!looks_like_text(b"* OK no line end yet"));
    }
}
