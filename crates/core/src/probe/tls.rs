//! TLS for the probe: the handshake on a connection, with the shared configuration of
//! `crate::tls` (OS trust store, extra CAs, the verifier that records the chain and honours
//! the alternative name and the pinned fingerprint). Every outcome becomes evidence for the
//! TLS step: version, cipher, chain, the verdict, and what the server sent if it was no TLS.
//! The OS's verdict: a chain we verified is checked against the OS trust store alone, in
//! process; otherwise a second look (another connection) asks the OS's own TLS stack
//! (native-tls). A second look also finds, when no version was common, the version the
//! server speaks (`tls.legacy_version`).
//!
//! Our own code on purpose: a TLS client library only says "failed"; here every byte the
//! server sent, every certificate and every verdict is kept as evidence, within bounds.

use super::conn::Io;
use super::runner::{Done, Failure};
use super::transcript::Transcript;
use super::{CertInfo, ClientCertificate, TlsEvidence, TlsSettings};
use crate::diag::{DiagnosisCode, EvidenceKey, Trust};
use crate::tls::{cert_info, Seen, Verdict, Verifier};
use rustls::client::ResolvesClientCert;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::sign::CertifiedKey;
use rustls::{AlertDescription, ClientConfig, SignatureScheme};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
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

/// A client certificate failure with what the certificate says (never its key).
fn client_cert_failure(
    code: DiagnosisCode,
    c: &ClientCertificate,
    leaf: Option<&CertInfo>,
) -> Failure {
    let mut f = Failure::new(code).with(EvidenceKey::ClientCertificate, c.name.clone());
    if let Some(l) = leaf {
        f = f
            .with(EvidenceKey::Subject, l.subject.clone())
            .with(EvidenceKey::Issuer, l.issuer.clone())
            .with(EvidenceKey::NotBefore, l.not_before.clone())
            .with(EvidenceKey::NotAfter, l.not_after.clone());
    }
    f
}

/// The configured client certificate with its key, ready to present; `None` when none is
/// configured. Checked before connecting: a certificate that is missing, has no usable key
/// or is out of its validity is `tls.client_cert_unusable` / `tls.client_cert_expired`.
pub(crate) fn client_identity(
    settings: &TlsSettings,
) -> Result<Option<Arc<CertifiedKey>>, Failure> {
    let Some(c) = &settings.client_cert else {
        return Ok(None);
    };
    let unusable = |leaf: Option<&CertInfo>, why: String| {
        client_cert_failure(DiagnosisCode::TlsClientCertUnusable, c, leaf)
            .with(EvidenceKey::Problem, why)
    };
    let mut chain: Vec<CertificateDer<'static>> = Vec::new();
    for pem in std::iter::once(&c.certificate_pem).chain(&c.chain_pem) {
        for der in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            chain.push(der.map_err(|e| unusable(None, format!("certificate: {e}")))?);
        }
    }
    let Some(leaf_der) = chain.first() else {
        return Err(unusable(None, "not found in the certificate store".into()));
    };
    let leaf = cert_info(leaf_der);
    let now = time::OffsetDateTime::now_utc();
    let at = |t: &str| {
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
    };
    let expired = at(&leaf.not_after).is_some_and(|end| end < now);
    let not_yet = at(&leaf.not_before).is_some_and(|start| start > now);
    if expired || not_yet {
        return Err(client_cert_failure(
            DiagnosisCode::TlsClientCertExpired,
            c,
            Some(&leaf),
        ));
    }
    let Some(key) = &c.key_pem else {
        let why = c
            .key_error
            .clone()
            .unwrap_or_else(|| "the certificate store holds no private key for it".into());
        return Err(unusable(Some(&leaf), format!("private key: {why}")));
    };
    // The parser's errors name no key material; the key itself never goes into evidence.
    let key = PrivateKeyDer::from_pem_slice(key.expose().as_bytes())
        .map_err(|_| unusable(Some(&leaf), "private key: not a PEM private key".into()))?;
    let certified = CertifiedKey::from_der(chain, key, &crate::tls::provider()).map_err(|e| {
        let why = match e {
            rustls::Error::InconsistentKeys(_) => {
                "the private key does not belong to the certificate".to_string()
            }
            _ => "private key: not usable for TLS (unsupported key type)".to_string(),
        };
        unusable(Some(&leaf), why)
    })?;
    Ok(Some(Arc::new(certified)))
}

/// What happened with the client certificate in a handshake that completed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ClientCertUse {
    /// The server asked for a client certificate.
    pub asked: bool,
    /// One is configured (and was presented if asked).
    pub presented: bool,
}

/// Presents the configured client certificate (if any) and notes whether the server asked
/// for one, to tell "required" from other handshake failures.
#[derive(Debug)]
struct ClientAuth {
    key: Option<Arc<CertifiedKey>>,
    asked: Arc<AtomicBool>,
}

impl ResolvesClientCert for ClientAuth {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        self.asked.store(true, Ordering::Relaxed);
        self.key.clone()
    }

    fn has_certs(&self) -> bool {
        self.key.is_some()
    }
}

/// A TLS alert about the client certificate (`certificate_required`, `bad_certificate`,
/// `unknown_ca`, …) as `tls.client_cert_required` or `tls.client_cert_rejected`. In TLS 1.3
/// the server judges the certificate after the client's side of the handshake is done, so
/// the alert also arrives on the first read.
pub(crate) fn client_cert_alert(
    e: &rustls::Error,
    presented: bool,
    asked: bool,
) -> Option<Failure> {
    let rustls::Error::AlertReceived(alert) = e else {
        return None;
    };
    let code = match alert {
        AlertDescription::CertificateRequired => {
            if presented {
                DiagnosisCode::TlsClientCertRejected
            } else {
                DiagnosisCode::TlsClientCertRequired
            }
        }
        AlertDescription::BadCertificate
        | AlertDescription::UnsupportedCertificate
        | AlertDescription::CertificateRevoked
        | AlertDescription::CertificateExpired
        | AlertDescription::CertificateUnknown
        | AlertDescription::UnknownCA
        | AlertDescription::AccessDenied
        | AlertDescription::DecryptError => {
            if presented {
                DiagnosisCode::TlsClientCertRejected
            } else if asked {
                DiagnosisCode::TlsClientCertRequired
            } else {
                return None;
            }
        }
        AlertDescription::HandshakeFailure if asked && !presented => {
            DiagnosisCode::TlsClientCertRequired
        }
        _ => return None,
    };
    Some(
        Failure::new(code)
            .with(EvidenceKey::ServerAlert, format!("{alert:?}"))
            .with(
                EvidenceKey::Observed,
                if asked {
                    "the server asked for a client certificate"
                } else {
                    "the server ended the connection after the handshake"
                },
            ),
    )
}

/// Runs the TLS handshake on `io` for `host` (the punycode name or IP literal).
///
/// With `second`, a second connection to the same server asks the OS's own TLS stack for its
/// verdict on the certificate, and — when the handshake failed for want of a common
/// version — which TLS version the server speaks.
pub(crate) async fn handshake(
    io: Box<dyn Io>,
    host: &str,
    settings: &TlsSettings,
    transcript: &Transcript,
    second: Option<SecondLook>,
) -> Result<(Box<dyn Io>, Done<TlsEvidence>, ClientCertUse), Failure> {
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
    let client_key = client_identity(settings)?;
    let asked = Arc::new(AtomicBool::new(false));
    if let Some(c) = settings
        .client_cert
        .as_ref()
        .filter(|_| client_key.is_some())
    {
        transcript.info(&format!("client certificate \"{}\" ready", c.name));
    }
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
        .with_client_cert_resolver(Arc::new(ClientAuth {
            key: client_key.clone(),
            asked: asked.clone(),
        }));
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
    // The OS's verdict. A chain we verified is judged in-process against the OS trust store
    // alone (what the OS stack trusts: no extra CAs), which costs no connection; when we did
    // not verify (verification off, a pin, an alternative name) or the handshake failed,
    // the OS's own TLS stack (native-tls) judges it on a second connection.
    let os_trust = match (&second, chain.is_empty()) {
        (None, _) | (_, true) => None,
        (Some(look), false) => {
            let verified = result.is_ok()
                && matches!(seen.verdict, Some(Verdict::Verified))
                && settings.alt_name.trim().is_empty();
            // Without extra CAs our verifier *is* the OS trust store's.
            let derived = if !verified {
                None
            } else if settings.extra_roots.is_empty() {
                Some(crate::diag::OsTrust::Trusted)
            } else {
                os_store_verdict(&seen.chain, host)
            };
            match derived {
                Some(v) => Some(v),
                None => Box::pin(look.os_verdict(host)).await,
            }
        }
    };
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
                os_trust,
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
            let used = ClientCertUse {
                asked: asked.load(Ordering::Relaxed),
                presented: client_key.is_some(),
            };
            if used.asked {
                transcript.info(if used.presented {
                    "the server asked for a client certificate; presented"
                } else {
                    "the server asked for a client certificate; none is configured"
                });
            }
            Ok((Box::new(stream), done, used))
        }
        Err(e) => {
            let peeked = std::mem::take(&mut *peek_state.lock().unwrap_or_else(|e| e.into_inner()));
            let evidence = (!chain.is_empty()).then(|| TlsEvidence {
                version: String::new(),
                cipher: String::new(),
                trust: Trust::Failed,
                checked_name: checked.clone(),
                chain: chain.clone(),
                os_trust,
            });
            let asked = asked.load(Ordering::Relaxed);
            let alert = e
                .get_ref()
                .and_then(|i| i.downcast_ref::<rustls::Error>())
                .and_then(|r| client_cert_alert(r, client_key.is_some(), asked));
            let mut f = match alert {
                Some(f) => f,
                None => classify_handshake(&e, seen.verdict, &peeked, &checked, pin.as_deref()),
            };
            if f.code == DiagnosisCode::TlsClientCertRejected {
                if let Some(c) = settings.client_cert.as_ref() {
                    f = f.with(EvidenceKey::ClientCertificate, c.name.clone());
                }
            }
            if f.code == DiagnosisCode::TlsLegacyVersion {
                if let Some(v) = match &second {
                    Some(look) => Box::pin(look.server_version(host)).await,
                    None => None,
                } {
                    f = f.with(EvidenceKey::Observed, v);
                }
            }
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
    // No common version with a client that speaks TLS 1.2 and 1.3: the server is older.
    if let Some(
        rustls::Error::AlertReceived(rustls::AlertDescription::ProtocolVersion)
        | rustls::Error::PeerIncompatible(
            rustls::PeerIncompatible::ServerDoesNotSupportTls12Or13
            | rustls::PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig,
        ),
    ) = inner
    {
        return Failure::new(DiagnosisCode::TlsLegacyVersion).with(
            EvidenceKey::Detail,
            inner.map(|e| e.to_string()).unwrap_or_default(),
        );
    }
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

/// How a second connection gets to the point where TLS starts: at once (implicit TLS) or
/// after the protocol's STARTTLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prelude {
    Direct,
    Imap,
    Pop3,
    Smtp,
}

/// Where to open a second connection for the OS's verdict and the version check.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SecondLook {
    pub peer: std::net::SocketAddr,
    pub local: std::net::IpAddr,
    pub prelude: Prelude,
}

/// Bounds every second look (connect, STARTTLS, handshake): a verdict that does not come
/// quickly is left out rather than holding up the test.
const SECOND_LOOK_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);

impl SecondLook {
    /// A new connection, up to where TLS starts; its lines go to no transcript.
    async fn reopen(&self) -> Option<Box<dyn Io>> {
        let done = super::net::connect(
            &[self.peer],
            Some(self.local),
            SECOND_LOOK_LIMIT,
            &Transcript::default(),
        )
        .await
        .ok()?;
        let mut c = done.value;
        // SMTP replies end with "NNN " (a dash continues them).
        async fn smtp_reply(c: &mut super::conn::Conn) -> Option<String> {
            loop {
                let l = c.read_line().await.ok()?;
                if l.len() < 4 || l.as_bytes()[3] != b'-' {
                    return Some(l);
                }
            }
        }
        match self.prelude {
            Prelude::Direct => {}
            Prelude::Imap => {
                c.read_line().await.ok()?;
                c.write_line("a1 STARTTLS").await.ok()?;
                loop {
                    let l = c.read_line().await.ok()?;
                    if l.starts_with("a1 ") {
                        l.starts_with("a1 OK").then_some(())?;
                        break;
                    }
                }
            }
            Prelude::Pop3 => {
                c.read_line().await.ok()?.starts_with("+OK").then_some(())?;
                c.write_line("STLS").await.ok()?;
                c.read_line().await.ok()?.starts_with("+OK").then_some(())?;
            }
            Prelude::Smtp => {
                smtp_reply(&mut c).await?.starts_with("220").then_some(())?;
                c.write_line("EHLO mailbox-admin.invalid").await.ok()?;
                smtp_reply(&mut c).await?.starts_with("250").then_some(())?;
                c.write_line("STARTTLS").await.ok()?;
                smtp_reply(&mut c).await?.starts_with("220").then_some(())?;
            }
        }
        c.into_io()
    }

    /// The OS's own TLS stack (native-tls), with only the OS trust store, on `host`.
    pub(crate) async fn os_verdict(self, host: &str) -> Option<crate::diag::OsTrust> {
        let work = async {
            // Built once per process (OpenSSL reads the whole CA bundle: ~100 ms), off the
            // async threads; `tls::warm_up` starts it early.
            let (io, connector) = tokio::join!(
                self.reopen(),
                tokio::task::spawn_blocking(crate::tls::os_connector)
            );
            let (io, connector) = (io?, connector.ok()??);
            let r = tokio_native_tls::TlsConnector::from(connector)
                .connect(host, io)
                .await;
            Some(match r {
                Ok(mut stream) => {
                    use tokio::io::AsyncWriteExt;
                    let _ = stream.shutdown().await;
                    crate::diag::OsTrust::Trusted
                }
                Err(e) => os_failure(&e.to_string()),
            })
        };
        tokio::time::timeout(SECOND_LOOK_LIMIT, work)
            .await
            .ok()
            .flatten()
    }

    /// The TLS version the server answers a TLS 1.0–1.2 ClientHello with (`TLSv1.0`, …).
    pub(crate) async fn server_version(&self, host: &str) -> Option<String> {
        let work = async {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut io = self.reopen().await?;
            io.write_all(&legacy_client_hello(host)).await.ok()?;
            let mut head = [0u8; 11];
            io.read_exact(&mut head).await.ok()?;
            server_hello_version(&head)
        };
        tokio::time::timeout(SECOND_LOOK_LIMIT, work)
            .await
            .ok()
            .flatten()
    }
}

/// What the OS trust store alone says of a chain (rustls-webpki with only the OS roots).
fn os_store_verdict(
    chain: &[rustls::pki_types::CertificateDer<'static>],
    host: &str,
) -> Option<crate::diag::OsTrust> {
    use crate::diag::OsTrust;
    use rustls::client::danger::ServerCertVerifier;
    use rustls::pki_types::UnixTime;
    use rustls::CertificateError;
    let verifier = crate::tls::TlsConfig::shared(&[]).webpki()?;
    let name = ServerName::try_from(host.to_string()).ok()?;
    let (leaf, rest) = chain.split_first()?;
    Some(
        match verifier.verify_server_cert(leaf, rest, &name, &[], UnixTime::now()) {
            Ok(_) => OsTrust::Trusted,
            Err(rustls::Error::InvalidCertificate(ce)) => match ce {
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    OsTrust::Expired
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    OsTrust::NotYetValid
                }
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => OsTrust::HostnameMismatch,
                CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                    OsTrust::UntrustedIssuer
                }
                _ => OsTrust::Rejected,
            },
            Err(_) => OsTrust::Rejected,
        },
    )
}

/// native-tls's error text (OpenSSL, SChannel, Security.framework) as a verdict.
fn os_failure(text: &str) -> crate::diag::OsTrust {
    use crate::diag::OsTrust;
    let t = text.to_ascii_lowercase();
    let has = |s: &str| t.contains(s);
    if has("self-signed") || has("self signed") {
        OsTrust::SelfSigned
    } else if has("not yet valid") {
        OsTrust::NotYetValid
    } else if has("expired") {
        OsTrust::Expired
    } else if has("mismatch") || has("cn_no_match") || has("does not match") {
        OsTrust::HostnameMismatch
    } else if has("issuer") || has("untrusted root") || has("untrustedroot") || has("not trusted") {
        OsTrust::UntrustedIssuer
    } else if has("certificate") {
        OsTrust::Rejected
    } else {
        OsTrust::NoHandshake
    }
}

/// A ClientHello offering TLS 1.0 to 1.2 with the ciphers such servers have (no TLS 1.3
/// `supported_versions`): the ServerHello then names the version the server speaks.
fn legacy_client_hello(host: &str) -> Vec<u8> {
    let mut body = vec![0x03, 0x03];
    let mut random = [0u8; 32];
    let _ = getrandom::fill(&mut random);
    body.extend_from_slice(&random);
    body.push(0); // no session id
    let suites: [u16; 12] = [
        0xc02f, 0xc02b, 0xc013, 0xc014, 0xc009, 0xc00a, 0x009c, 0x002f, 0x0035, 0x0033, 0x0039,
        0x000a,
    ];
    body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]); // no compression
    let mut ext = Vec::new();
    let mut add = |kind: u16, data: &[u8]| {
        ext.extend_from_slice(&kind.to_be_bytes());
        ext.extend_from_slice(&(data.len() as u16).to_be_bytes());
        ext.extend_from_slice(data);
    };
    if host.parse::<std::net::IpAddr>().is_err() && !host.is_empty() && host.len() < 256 {
        let name = host.as_bytes();
        let mut sni = ((name.len() + 3) as u16).to_be_bytes().to_vec();
        sni.push(0);
        sni.extend_from_slice(&(name.len() as u16).to_be_bytes());
        sni.extend_from_slice(name);
        add(0x0000, &sni);
    }
    add(0x000a, &[0x00, 0x04, 0x00, 0x1d, 0x00, 0x17]); // x25519, secp256r1
    add(0x000b, &[0x01, 0x00]); // uncompressed points
    add(
        0x000d,
        &[0x00, 0x08, 0x04, 0x01, 0x05, 0x01, 0x02, 0x01, 0x04, 0x03],
    );
    add(0xff01, &[0x00]); // renegotiation_info
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let mut hs = vec![0x01];
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    record.extend_from_slice(&hs);
    record
}

/// The version in a ServerHello's first 11 bytes (record header, handshake header, version).
fn server_hello_version(head: &[u8; 11]) -> Option<String> {
    if head[0] != 0x16 || head[5] != 0x02 {
        return None;
    }
    Some(match (head[9], head[10]) {
        (3, 0) => "SSLv3".into(),
        (3, 1) => "TLSv1.0".into(),
        (3, 2) => "TLSv1.1".into(),
        (3, 3) => "TLSv1.2".into(),
        (a, b) => format!("0x{a:02x}{b:02x}"),
    })
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
    // A probe of the port only: no client certificate, whatever the target has.
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
    fn a_server_hello_names_its_version() {
        let hello = legacy_client_hello("mail.example.com");
        assert_eq!(&hello[..3], &[0x16, 0x03, 0x01]);
        assert_eq!(
            usize::from(u16::from_be_bytes([hello[3], hello[4]])),
            hello.len() - 5
        );
        let head = [
            0x16, 0x03, 0x01, 0x00, 0x51, 0x02, 0x00, 0x00, 0x4d, 0x03, 0x01,
        ];
        assert_eq!(server_hello_version(&head).as_deref(), Some("TLSv1.0"));
        let alert = [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46, 0, 0, 0, 0];
        assert_eq!(server_hello_version(&alert), None);
    }

    #[test]
    fn os_errors_become_verdicts() {
        use crate::diag::OsTrust;
        assert_eq!(
            os_failure("error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:../ssl/statem/statem_clnt.c:1889: (unable to get local issuer certificate)"),
            OsTrust::UntrustedIssuer
        );
        assert_eq!(
            os_failure("... (self-signed certificate)"),
            OsTrust::SelfSigned
        );
        assert_eq!(
            os_failure("... (certificate has expired)"),
            OsTrust::Expired
        );
        assert_eq!(
            os_failure("... (hostname mismatch)"),
            OsTrust::HostnameMismatch
        );
        assert_eq!(os_failure("unexpected EOF"), OsTrust::NoHandshake);
    }

    /// A server that fails the handshake over the client certificate (unlike Postfix): a
    /// rustls server that requires one of its client CA, in TLS 1.2 (the alert ends the
    /// handshake) and TLS 1.3 (the alert comes after the client's side is done, on the first
    /// read).
    mod client_cert_alerts {
        use super::super::super::conn::Conn;
        use super::super::super::{ClientCertificate, Secret, TlsSettings};
        use super::super::Transcript;
        use crate::diag::DiagnosisCode;
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        use std::sync::Arc;

        struct Pki {
            server_cert: CertificateDer<'static>,
            server_key: PrivateKeyDer<'static>,
            client_ca: CertificateDer<'static>,
            /// Certificate PEM and key PEM, issued by the client CA.
            right: (String, String),
            /// The same from another CA.
            other: (String, String),
        }

        fn pki() -> Pki {
            let ca = |cn: &str| {
                let key = KeyPair::generate().unwrap();
                let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
                p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
                p.distinguished_name.push(DnType::CommonName, cn);
                let cert = p.self_signed(&key).unwrap();
                (p, key, cert)
            };
            let (ca_p, ca_k, ca_c) = ca("client CA");
            let (other_p, other_k, _) = ca("other CA");
            let client = |p: &CertificateParams, k: &KeyPair| {
                let key = KeyPair::generate().unwrap();
                let mut cp = CertificateParams::new(Vec::<String>::new()).unwrap();
                cp.distinguished_name.push(DnType::CommonName, "client");
                cp.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
                let cert = cp.signed_by(&key, &Issuer::from_params(p, k)).unwrap();
                (cert.pem(), key.serialize_pem())
            };
            let server_key = KeyPair::generate().unwrap();
            let server = CertificateParams::new(vec!["localhost".to_string()])
                .unwrap()
                .self_signed(&server_key)
                .unwrap();
            Pki {
                server_cert: server.der().clone(),
                server_key: PrivateKeyDer::try_from(server_key.serialize_der()).unwrap(),
                client_ca: ca_c.der().clone(),
                right: client(&ca_p, &ca_k),
                other: client(&other_p, &other_k),
            }
        }

        #[derive(Debug, Clone, Copy)]
        enum Present {
            Nothing,
            Right,
            Other,
        }

        /// The client's diagnosis against a server of `version` that requires a client
        /// certificate of its CA (`Ok`: the greeting after the handshake was read).
        async fn diagnose(
            version: &'static rustls::SupportedProtocolVersion,
            present: Present,
        ) -> Result<(), DiagnosisCode> {
            let pki = pki();
            let provider = crate::tls::provider();
            let mut roots = rustls::RootCertStore::empty();
            roots.add(pki.client_ca.clone()).unwrap();
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider.clone(),
            )
            .build()
            .unwrap();
            let server = rustls::ServerConfig::builder_with_provider(provider)
                .with_protocol_versions(&[version])
                .unwrap()
                .with_client_cert_verifier(verifier)
                .with_single_cert(vec![pki.server_cert.clone()], pki.server_key.clone_key())
                .unwrap();
            let (client_io, server_io) = tokio::io::duplex(64 * 1024);
            let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
            let server_task = tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                if let Ok(mut s) = acceptor.accept(server_io).await {
                    let _ = s.write_all(b"220 welcome\r\n").await;
                    let _ = s.flush().await;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            });
            let chosen = match present {
                Present::Nothing => None,
                Present::Right => Some(&pki.right),
                Present::Other => Some(&pki.other),
            };
            let settings = TlsSettings {
                pin_sha256: crate::tls::fingerprint(&pki.server_cert),
                client_cert: chosen.map(|(cert, key)| ClientCertificate {
                    name: "test".into(),
                    certificate_pem: cert.clone(),
                    key_pem: Some(Secret::new(key.clone())),
                    ..Default::default()
                }),
                ..TlsSettings::default()
            };
            let addr = "127.0.0.1:1".parse().unwrap();
            let mut conn = Conn::new(Box::new(client_io), addr, addr, Transcript::default());
            let r = match conn.start_tls("localhost", &settings).await {
                Err(f) => Err(f.code),
                Ok(_) => match conn.read_line().await {
                    Ok(line) => {
                        assert_eq!(line, "220 welcome");
                        assert!(conn.client_cert.asked && conn.client_cert.presented);
                        Ok(())
                    }
                    Err(f) => Err(f.code),
                },
            };
            server_task.await.unwrap();
            r
        }

        #[tokio::test]
        async fn tls12_and_tls13_alerts_name_the_client_certificate() {
            for v in [&rustls::version::TLS12, &rustls::version::TLS13] {
                assert_eq!(diagnose(v, Present::Right).await, Ok(()), "{v:?}");
                assert_eq!(
                    diagnose(v, Present::Nothing).await,
                    Err(DiagnosisCode::TlsClientCertRequired),
                    "{v:?} without a certificate"
                );
                assert_eq!(
                    diagnose(v, Present::Other).await,
                    Err(DiagnosisCode::TlsClientCertRejected),
                    "{v:?} with another CA's certificate"
                );
            }
        }
    }

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
