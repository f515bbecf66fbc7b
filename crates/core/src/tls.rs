//! One TLS configuration for every outgoing connection: the mail servers of a connection
//! test and the HTTPS endpoints of an OAuth provider. It owns the OS trust store (loaded once
//! per process), the extra CAs of the installation (`MAILBOX_ADMIN_EXTRA_CA`, `--ca-file`),
//! the certificate verifier and the classification of its verdicts into `tls.*` diagnoses, so
//! that a company CA or an expired certificate means the same for IMAP as for a token endpoint.
//!
//! Below probe and oauth: it knows rustls, x509 and the diagnosis vocabulary, nothing else.

use crate::diag::{DiagnosisCode, Evidence, EvidenceKey};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use ts_rs::TS;

/// rustls on ring, one per process.
pub fn provider() -> Arc<CryptoProvider> {
    static P: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    P.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider()))
        .clone()
}

/// The OS trust store, loaded once per process.
fn native_roots() -> Arc<RootCertStore> {
    static R: OnceLock<Arc<RootCertStore>> = OnceLock::new();
    R.get_or_init(|| {
        let mut store = RootCertStore::empty();
        let loaded = rustls_native_certs::load_native_certs();
        store.add_parsable_certificates(loaded.certs);
        Arc::new(store)
    })
    .clone()
}

/// Starts loading the OS trust store in the background (it takes a few milliseconds), so
/// that it is ready when the first TLS step or HTTPS request needs it.
pub fn warm_up() {
    std::thread::spawn(|| {
        let _ = native_roots();
        let _ = provider();
        // The verifier of the OS trust store alone: the OS's verdict on a verified chain.
        let _ = TlsConfig::shared(&[]).webpki();
    });
}

/// The operating system's own TLS client (native-tls: OpenSSL with the OS trust store on
/// Linux), built once per process — loading the OS's CA bundle is the slow part, so it is
/// built only when a second look needs it, not on every start.
pub fn os_connector() -> Option<native_tls::TlsConnector> {
    static CONNECTOR: OnceLock<Option<native_tls::TlsConnector>> = OnceLock::new();
    CONNECTOR
        .get_or_init(|| native_tls::TlsConnector::new().ok())
        .clone()
}

/// The trust of one set of extra CAs: the OS trust store plus those CAs (PEM).
#[derive(Debug)]
pub struct TlsConfig {
    extra: Vec<String>,
    roots: Arc<RootCertStore>,
    webpki: OnceLock<Option<Arc<WebPkiServerVerifier>>>,
}

impl TlsConfig {
    /// The configuration for `extra` CAs (PEM texts), shared by every caller that passes the
    /// same ones: the trust store is built once, not per connection.
    pub fn shared(extra: &[String]) -> Arc<TlsConfig> {
        static CACHE: Mutex<Vec<Arc<TlsConfig>>> = Mutex::new(Vec::new());
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.iter().find(|c| c.extra == extra) {
            return c.clone();
        }
        let roots = if extra.is_empty() {
            native_roots()
        } else {
            let mut store = (*native_roots()).clone();
            for pem in extra {
                for cert in CertificateDer::pem_slice_iter(pem.as_bytes()).flatten() {
                    let _ = store.add(cert);
                }
            }
            Arc::new(store)
        };
        let c = Arc::new(TlsConfig {
            extra: extra.to_vec(),
            roots,
            webpki: OnceLock::new(),
        });
        // A handful of distinct CA sets per process at most; keep the cache bounded anyway.
        if cache.len() >= 16 {
            cache.remove(0);
        }
        cache.push(c.clone());
        c
    }

    /// The extra CAs (PEM), e.g. for a second opinion by the OS's own TLS stack.
    pub fn extra_pems(&self) -> &[String] {
        &self.extra
    }

    /// Chain, validity and name checks against these roots; `None` when there are none.
    pub fn webpki(&self) -> Option<Arc<WebPkiServerVerifier>> {
        self.webpki
            .get_or_init(|| {
                if self.roots.is_empty() {
                    return None;
                }
                WebPkiServerVerifier::builder_with_provider(self.roots.clone(), provider())
                    .build()
                    .ok()
            })
            .clone()
    }

    /// A client configuration for HTTPS: verification always on, HTTP/1.1, and the
    /// certificates of failed verifications kept per host for the diagnosis.
    pub fn https(&self) -> (ClientConfig, Arc<FailedChains>) {
        let failed = Arc::new(FailedChains::default());
        let verifier = HttpsVerifier {
            webpki: self.webpki(),
            provider: provider(),
            failed: failed.clone(),
        };
        let mut config = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("ring supports TLS 1.2 and 1.3")
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        (config, failed)
    }
}

// ---- certificates -------------------------------------------------------------------------

/// One certificate as the server presented it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    /// DNS names and IP addresses the certificate is valid for.
    pub names: Vec<String>,
    /// RFC 3339.
    pub not_before: String,
    pub not_after: String,
    /// `AB:CD:…`, as pinned in the server settings.
    pub sha256: String,
    pub self_signed: bool,
    /// The certificate itself (PEM, public): what "trust this root" stores.
    #[serde(default)]
    pub pem: String,
}

/// `AB:CD:…` SHA-256 of a DER certificate.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A DER certificate as one PEM block.
pub fn pem_of(der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(&String::from_utf8_lossy(chunk));
        s.push('\n');
    }
    s.push_str("-----END CERTIFICATE-----\n");
    s
}

pub fn cert_info(der: &[u8]) -> CertInfo {
    use x509_parser::prelude::*;
    let sha256 = fingerprint(der);
    let pem = pem_of(der);
    match X509Certificate::from_der(der) {
        Ok((_, c)) => {
            let mut names = Vec::new();
            if let Ok(Some(san)) = c.subject_alternative_name() {
                for n in &san.value.general_names {
                    match n {
                        GeneralName::DNSName(d) => names.push(d.to_string()),
                        GeneralName::IPAddress(b) => names.push(ip_text(b)),
                        _ => {}
                    }
                }
            }
            if names.is_empty() {
                for cn in c.subject().iter_common_name() {
                    if let Ok(s) = cn.as_str() {
                        names.push(s.to_string());
                    }
                }
            }
            CertInfo {
                subject: c.subject().to_string(),
                issuer: c.issuer().to_string(),
                names,
                not_before: rfc3339(c.validity().not_before.to_datetime()),
                not_after: rfc3339(c.validity().not_after.to_datetime()),
                sha256,
                self_signed: c.subject().as_raw() == c.issuer().as_raw(),
                pem,
            }
        }
        Err(e) => CertInfo {
            subject: format!("(unreadable certificate: {e})"),
            issuer: String::new(),
            names: Vec::new(),
            not_before: String::new(),
            not_after: String::new(),
            sha256,
            self_signed: false,
            pem,
        },
    }
}

fn ip_text(b: &[u8]) -> String {
    match b.len() {
        4 => std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => format!("{b:02x?}"),
    }
}

/// What a leaf certificate says, as evidence for a `tls.*` diagnosis.
pub fn cert_evidence(leaf: &CertInfo) -> Vec<Evidence> {
    vec![
        Evidence::new(EvidenceKey::CertificateNames, leaf.names.join(", ")),
        Evidence::new(EvidenceKey::Subject, leaf.subject.clone()),
        Evidence::new(EvidenceKey::Issuer, leaf.issuer.clone()),
        Evidence::new(EvidenceKey::NotBefore, leaf.not_before.clone()),
        Evidence::new(EvidenceKey::NotAfter, leaf.not_after.clone()),
        Evidence::new(EvidenceKey::Sha256, leaf.sha256.clone()),
    ]
}

// ---- verification ---------------------------------------------------------------------

/// Maps a webpki verdict to a diagnosis code (the same for mail servers and HTTPS).
pub fn classify_cert_error(e: &rustls::Error, leaf: Option<&CertInfo>) -> DiagnosisCode {
    match e {
        rustls::Error::InvalidCertificate(ce) => match ce {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                DiagnosisCode::TlsExpired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                DiagnosisCode::TlsNotYetValid
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                DiagnosisCode::TlsHostnameMismatch
            }
            // A self-signed leaf fails path building in several ways (no issuer, or a
            // trust anchor of the same name with another key): all mean "self-signed".
            _ if leaf.is_some_and(|l| l.self_signed) => DiagnosisCode::TlsSelfSigned,
            CertificateError::UnknownIssuer
            | CertificateError::BadSignature
            | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
            | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
                DiagnosisCode::TlsUntrustedIssuer
            }
            _ => DiagnosisCode::TlsHandshakeFailed,
        },
        _ => DiagnosisCode::TlsHandshakeFailed,
    }
}

/// What the probe's verifier found.
#[derive(Debug, Clone)]
pub(crate) enum Verdict {
    Verified,
    Pinned,
    /// Verification is off; `would_fail` is what it would have said.
    Unverified {
        would_fail: Option<DiagnosisCode>,
    },
    Failed {
        code: DiagnosisCode,
        detail: String,
    },
}

/// The chain and verdict of one handshake.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    pub chain: Vec<CertificateDer<'static>>,
    pub verdict: Option<Verdict>,
}

/// The probe's verifier: records the chain and why verification failed, honours the
/// alternative name and the pinned fingerprint, and — when verification is off — still
/// says what it would have found.
#[derive(Debug)]
pub(crate) struct Verifier {
    pub webpki: Option<Arc<WebPkiServerVerifier>>,
    pub provider: Arc<CryptoProvider>,
    pub verify: bool,
    pub alt_name: Option<ServerName<'static>>,
    pub pin: Option<String>,
    pub seen: Arc<Mutex<Seen>>,
}

fn verify_webpki(
    webpki: &Option<Arc<WebPkiServerVerifier>>,
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    name: &ServerName<'_>,
    ocsp_response: &[u8],
    now: UnixTime,
) -> Result<ServerCertVerified, rustls::Error> {
    match webpki {
        Some(w) => w.verify_server_cert(end_entity, intermediates, name, ocsp_response, now),
        None => Err(rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer,
        )),
    }
}

/// The handshake-signature half of a `ServerCertVerifier`, the same for both of ours: checked
/// with the crypto provider's algorithms (`self.provider`), always — pinned or not, they
/// prove the server holds the key.
macro_rules! signature_checks_of_the_provider {
    () => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.provider
                .signature_verification_algorithms
                .supported_schemes()
        }
    };
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        if let Some(pin) = &self.pin {
            // Compared here, not by webpki: a pinned self-signed CA certificate would fail
            // there as an end entity (CaUsedAsEndEntity).
            if fingerprint(end_entity) == *pin {
                seen.verdict = Some(Verdict::Pinned);
                return Ok(ServerCertVerified::assertion());
            }
            seen.verdict = Some(Verdict::Failed {
                code: DiagnosisCode::TlsPinMismatch,
                detail: "the certificate's fingerprint is not the pinned one".into(),
            });
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ));
        }
        let name = self.alt_name.as_ref().unwrap_or(server_name);
        let result = verify_webpki(
            &self.webpki,
            end_entity,
            intermediates,
            name,
            ocsp_response,
            now,
        );
        match result {
            Ok(v) => {
                seen.verdict = Some(if self.verify {
                    Verdict::Verified
                } else {
                    Verdict::Unverified { would_fail: None }
                });
                Ok(v)
            }
            Err(e) => {
                let code = classify_cert_error(&e, Some(&cert_info(end_entity)));
                if self.verify {
                    seen.verdict = Some(Verdict::Failed {
                        code,
                        detail: e.to_string(),
                    });
                    Err(e)
                } else {
                    seen.verdict = Some(Verdict::Unverified {
                        would_fail: Some(code),
                    });
                    Ok(ServerCertVerified::assertion())
                }
            }
        }
    }

    // Signatures are always checked, pinned or not: they prove the server holds the key.
    signature_checks_of_the_provider!();
}

/// The leaf certificates that failed verification on an HTTPS client, by server name: a
/// failed request only carries the rustls error, the diagnosis also wants the issuer.
#[derive(Debug, Default)]
pub struct FailedChains(Mutex<HashMap<String, CertInfo>>);

impl FailedChains {
    fn put(&self, host: String, leaf: CertInfo) {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() > 64 {
            m.clear();
        }
        m.insert(host, leaf);
    }

    /// The leaf that `host` presented when it last failed verification.
    pub fn leaf(&self, host: &str) -> Option<CertInfo> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(host)
            .cloned()
    }
}

fn name_text(n: &ServerName<'_>) -> String {
    match n {
        ServerName::DnsName(d) => d.as_ref().to_string(),
        ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
        _ => String::new(),
    }
}

/// Verification for HTTPS: always on; a failure leaves the leaf in `FailedChains`.
#[derive(Debug)]
struct HttpsVerifier {
    webpki: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
    failed: Arc<FailedChains>,
}

impl ServerCertVerifier for HttpsVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let r = verify_webpki(
            &self.webpki,
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        if r.is_err() {
            self.failed
                .put(name_text(server_name), cert_info(end_entity));
        }
        r
    }

    signature_checks_of_the_provider!();
}

/// The rustls error somewhere in an error's source chain (an HTTP client wraps it in
/// `io::Error`s, whose `source()` skips the wrapped error itself).
pub fn find_rustls_error<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::Error> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(r) = find_rustls_error(inner) {
                    return Some(r);
                }
            }
        }
        cur = err.source();
    }
    None
}

/// A TLS failure as a diagnosis: code, the detail and what the certificate says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFailure {
    pub code: DiagnosisCode,
    pub detail: String,
    pub evidence: Vec<Evidence>,
}

/// Classifies the TLS failure in `e` (the source chain of an HTTPS request to `host`), or
/// `None` when the failure was not TLS.
pub fn classify_error(
    e: &(dyn std::error::Error + 'static),
    host: &str,
    failed: &FailedChains,
) -> Option<TlsFailure> {
    let r = find_rustls_error(e)?;
    let leaf = match r {
        rustls::Error::InvalidCertificate(_) => failed.leaf(host),
        _ => None,
    };
    let code = classify_cert_error(r, leaf.as_ref());
    let detail = match r {
        rustls::Error::AlertReceived(alert) => format!(
            "the server ended the handshake with the alert \"{alert:?}\" (e.g. no common TLS version or cipher)"
        ),
        rustls::Error::PeerIncompatible(why) => {
            format!("no common TLS version or cipher: {why:?}")
        }
        other => other.to_string(),
    };
    let mut evidence = vec![Evidence::new(EvidenceKey::Detail, detail.clone())];
    if code == DiagnosisCode::TlsHostnameMismatch {
        evidence.push(Evidence::new(EvidenceKey::ExpectedName, host));
    }
    if let Some(l) = &leaf {
        evidence.extend(cert_evidence(l));
    }
    Some(TlsFailure {
        code,
        detail,
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_colon_separated_upper_hex() {
        let f = fingerprint(b"abc");
        assert_eq!(f.len(), 95);
        assert!(f.starts_with("BA:78:16:BF"), "{f}");
    }

    #[test]
    fn the_same_extra_cas_share_one_configuration() {
        let a = TlsConfig::shared(&[]);
        let b = TlsConfig::shared(&[]);
        assert!(Arc::ptr_eq(&a, &b));
    }

    #[test]
    fn rustls_errors_are_found_inside_io_errors() {
        let inner = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        let io = std::io::Error::other(inner);
        let outer = std::io::Error::other(io);
        let found = find_rustls_error(&outer).unwrap();
        assert_eq!(
            classify_cert_error(found, None),
            DiagnosisCode::TlsUntrustedIssuer
        );
    }
}
