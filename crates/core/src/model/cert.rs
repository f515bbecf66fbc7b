//! The certificate store: PEM and PKCS#12 imports, what they contain (subject, issuer,
//! validity, SHA-256 fingerprint), and where their secret lives (the keyring, never here).

use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use crate::model::SecretState;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use x509_parser::prelude::*;

/// Days before expiry from which a certificate is flagged.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CertFormat {
    Pem,
    Pkcs12,
}
crate::str_enum!(CertFormat { Pem => "pem", Pkcs12 => "pkcs12" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CertSecretKind {
    None,
    Passphrase,
    PrivateKey,
}
crate::str_enum!(CertSecretKind { None => "none", Passphrase => "passphrase", PrivateKey => "private_key" });

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Certificate {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub format: CertFormat,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    /// RFC 3339.
    pub not_before: String,
    pub not_after: String,
    /// `AB:CD:…` of the leaf certificate's DER.
    pub sha256: String,
    /// Addresses from the subject and SANs (for S/MIME).
    pub email_addresses: Vec<String>,
    pub has_private_key: bool,
    pub secret_kind: CertSecretKind,
    pub secret: SecretState,
    /// Days until `not_after` (negative when expired), at the time of reading.
    pub days_left: i64,
    /// Expired, or expiring within 30 days.
    pub expiry_warning: bool,
    /// Trusted as a root CA ("als Stammzertifizierungsstelle vertrauen") by every connection.
    pub trust_root: bool,
    /// Empty: trusted installation-wide; else only for connections to these hosts.
    pub trust_hosts: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A certificate file to import (the bytes as base64 so that it crosses IPC as text).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
pub struct CertImport {
    pub name: String,
    pub data_base64: String,
    /// The PKCS#12 or encrypted-key passphrase; goes to the keyring.
    pub passphrase: Option<crate::sensitive::Secret>,
    /// Trust it as a root CA (it must be a CA certificate).
    pub trust_root: bool,
    /// With `trust_root`: only for these hosts (empty: installation-wide).
    pub trust_hosts: Vec<String>,
}

/// Whether and where a stored certificate is trusted as a root CA.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct CertTrust {
    pub trust_root: bool,
    /// Empty: installation-wide; else only for connections to these hosts.
    pub trust_hosts: Vec<String>,
}

impl CertTrust {
    /// Trimmed, lower-case, without duplicates; each host checked.
    pub fn normalized(&self, issues: &mut crate::validate::Issues) -> CertTrust {
        let mut hosts: Vec<String> = Vec::new();
        for h in &self.trust_hosts {
            let h = h.trim().trim_end_matches('.').to_lowercase();
            if h.is_empty() {
                continue;
            }
            if let Some(reason) = crate::validate::host_problem(&h) {
                issues.push(
                    FieldIssue::new("trust_hosts", FieldCode::HostInvalid).arg("reason", reason),
                );
            }
            if !hosts.contains(&h) {
                hosts.push(h);
            }
        }
        CertTrust {
            trust_root: self.trust_root,
            trust_hosts: hosts,
        }
    }

    /// Whether a connection to `host` trusts the certificate.
    pub fn applies_to(&self, host: Option<&str>) -> bool {
        self.trust_root
            && (self.trust_hosts.is_empty()
                || host.is_some_and(|h| {
                    let h = h.trim().trim_end_matches('.').to_lowercase();
                    self.trust_hosts.contains(&h)
                }))
    }
}

impl std::fmt::Debug for CertImport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertImport")
            .field("name", &self.name)
            .field("bytes", &self.data_base64.len())
            .field(
                "passphrase",
                &self.passphrase.as_ref().map(|_| "<redacted>"),
            )
            .field("trust_root", &self.trust_root)
            .field("trust_hosts", &self.trust_hosts)
            .finish()
    }
}

/// What an imported file turned out to contain.
pub struct ParsedCert {
    pub format: CertFormat,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub sha256: String,
    pub email_addresses: Vec<String>,
    pub has_private_key: bool,
    /// The leaf is a CA certificate (basic constraints), i.e. it can be trusted as a root.
    pub is_ca: bool,
    /// What is stored in the database: certificate PEM blocks (and an encrypted key), or the
    /// PKCS#12 file as is (encrypted by its passphrase).
    pub stored_data: Vec<u8>,
    pub secret_kind: CertSecretKind,
    /// The value for the keyring (passphrase or unencrypted key PEM).
    pub secret: Option<String>,
}

fn bad(reason: impl Into<String>) -> Error {
    Error::Validation(vec![
        FieldIssue::new("data", FieldCode::CertificateInvalid).arg("reason", reason.into())
    ])
}

fn rfc3339(t: ASN1Time) -> String {
    t.to_datetime()
        .format(&::time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// A CA certificate: basic constraints say so (or, without them, a self-signed v1 root).
pub fn is_ca(der: &[u8]) -> bool {
    match X509Certificate::from_der(der) {
        Ok((_, c)) => match c.basic_constraints() {
            Ok(Some(bc)) => bc.value.ca,
            _ => c.subject().as_raw() == c.issuer().as_raw() && c.version() == X509Version::V1,
        },
        Err(_) => false,
    }
}

fn describe_leaf(der: &[u8]) -> Result<(String, String, String, String, String, Vec<String>)> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| bad(format!("X.509: {e}")))?;
    let mut emails: Vec<String> = cert
        .subject()
        .iter_email()
        .filter_map(|e| e.as_str().ok().map(str::to_string))
        .collect();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            if let GeneralName::RFC822Name(e) = n {
                emails.push(e.to_string());
            }
        }
    }
    emails.sort();
    emails.dedup();
    Ok((
        cert.subject().to_string(),
        cert.issuer().to_string(),
        cert.raw_serial_as_string(),
        rfc3339(cert.validity().not_before),
        rfc3339(cert.validity().not_after),
        emails,
    ))
}

/// Reads a PEM file (certificates, optionally a private key) or a PKCS#12 file.
pub fn parse(bytes: &[u8], passphrase: Option<&str>) -> Result<ParsedCert> {
    match parse_pem_or_der(bytes, passphrase) {
        Some(parsed) => parsed,
        None => parse_pkcs12(bytes, passphrase.unwrap_or("")),
    }
}

/// A PEM file or a DER certificate; `None` for anything else (then it may be PKCS#12, whose
/// key derivation is left out of fuzzing: `crate::fuzzing::certificate`).
pub(crate) fn parse_pem_or_der(
    bytes: &[u8],
    passphrase: Option<&str>,
) -> Option<Result<ParsedCert>> {
    let text_start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    if bytes[text_start..].starts_with(b"-----BEGIN") {
        return Some(parse_pem(bytes, passphrase));
    }
    if let Ok((_, _)) = X509Certificate::from_der(bytes) {
        return Some(leaf_cert(
            bytes,
            CertFormat::Pem,
            pem_block("CERTIFICATE", bytes).into_bytes(),
            false,
            (CertSecretKind::None, None),
        ));
    }
    None
}

/// What the store keeps of a certificate file: its leaf (DER) described, the file as
/// `stored`, and the secret that opens its key.
fn leaf_cert(
    leaf: &[u8],
    format: CertFormat,
    stored: Vec<u8>,
    has_private_key: bool,
    (secret_kind, secret): (CertSecretKind, Option<String>),
) -> Result<ParsedCert> {
    let (subject, issuer, serial, not_before, not_after, email_addresses) = describe_leaf(leaf)?;
    Ok(ParsedCert {
        format,
        subject,
        issuer,
        serial,
        not_before,
        not_after,
        sha256: fingerprint(leaf),
        email_addresses,
        has_private_key,
        is_ca: is_ca(leaf),
        stored_data: stored,
        secret_kind,
        secret,
    })
}

fn pem_block(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).unwrap());
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----\n"));
    s
}

fn parse_pem(bytes: &[u8], passphrase: Option<&str>) -> Result<ParsedCert> {
    let mut certs: Vec<Vec<u8>> = Vec::new();
    let mut plain_key: Option<String> = None;
    let mut encrypted_key: Option<Vec<u8>> = None;
    for block in x509_parser::pem::Pem::iter_from_buffer(bytes) {
        let block = block.map_err(|e| bad(format!("PEM: {e}")))?;
        match block.label.as_str() {
            "CERTIFICATE" => certs.push(block.contents),
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
                plain_key = Some(pem_block(&block.label, &block.contents))
            }
            "ENCRYPTED PRIVATE KEY" => encrypted_key = Some(block.contents),
            _ => {}
        }
    }
    let leaf = certs
        .first()
        .ok_or_else(|| bad("no CERTIFICATE block in the PEM file"))?;
    let mut stored = String::new();
    for c in &certs {
        stored.push_str(&pem_block("CERTIFICATE", c));
    }
    let (secret_kind, secret) = if let Some(k) = plain_key {
        (CertSecretKind::PrivateKey, Some(k))
    } else if let Some(ek) = &encrypted_key {
        stored.push_str(&pem_block("ENCRYPTED PRIVATE KEY", ek));
        match passphrase {
            Some(p) if !p.is_empty() => (CertSecretKind::Passphrase, Some(p.to_string())),
            _ => {
                return Err(Error::Validation(vec![FieldIssue::new(
                    "passphrase",
                    FieldCode::Required,
                )]))
            }
        }
    } else {
        (CertSecretKind::None, None)
    };
    let has_key = secret_kind != CertSecretKind::None;
    let stored = stored.into_bytes();
    leaf_cert(
        leaf,
        CertFormat::Pem,
        stored,
        has_key,
        (secret_kind, secret),
    )
}

fn parse_pkcs12(bytes: &[u8], passphrase: &str) -> Result<ParsedCert> {
    use p12_keystore::{KeyStore, KeyStoreEntry};
    let ks = KeyStore::from_pkcs12(bytes, passphrase, p12_keystore::Pkcs12ImportPolicy::Strict)
        .map_err(|e| {
            let msg = e.to_string();
            if msg.to_lowercase().contains("mac") || msg.to_lowercase().contains("password") {
                Error::Validation(vec![FieldIssue::new(
                    "passphrase",
                    FieldCode::PassphraseWrong,
                )])
            } else {
                bad(format!("neither PEM, DER nor PKCS#12 ({msg})"))
            }
        })?;
    let mut leaf: Option<Vec<u8>> = None;
    let mut has_key = false;
    for (_, entry) in ks.entries() {
        match entry {
            KeyStoreEntry::PrivateKeyChain(chain) => {
                has_key = true;
                if let Some(c) = chain.certs().first() {
                    leaf = Some(c.as_der().to_vec());
                }
            }
            KeyStoreEntry::Certificate(c) if leaf.is_none() => leaf = Some(c.as_der().to_vec()),
            _ => {}
        }
    }
    let leaf = leaf.ok_or_else(|| bad("the PKCS#12 file holds no certificate"))?;
    let secret = (CertSecretKind::Passphrase, Some(passphrase.to_string()));
    leaf_cert(&leaf, CertFormat::Pkcs12, bytes.to_vec(), has_key, secret)
}

/// Days from now until the RFC 3339 time `not_after`.
pub fn days_left(not_after: &str) -> i64 {
    match ::time::OffsetDateTime::parse(not_after, &::time::format_description::well_known::Rfc3339)
    {
        Ok(t) => (t - ::time::OffsetDateTime::now_utc()).whole_days(),
        Err(_) => 0,
    }
}
