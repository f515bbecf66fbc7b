//! Signing a profile as CMS SignedData (DER, content attached, signer certificate and
//! intermediates included) — what iOS shows as "verified". OpenSSL does the CMS (it is linked
//! anyway through native-tls); the certificate and key come from the certificate store.

use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use crate::model::{CertFormat, CertSecretKind};
use crate::sensitive::Secret;
use openssl::pkcs7::{Pkcs7, Pkcs7Flags};
use openssl::pkey::{PKey, Private};
use openssl::stack::Stack;
use openssl::x509::X509;

/// A certificate of the store with what opens its key.
pub struct SigningCert<'a> {
    pub format: CertFormat,
    /// What the store keeps: PEM blocks (certificates, maybe an encrypted key) or PKCS#12.
    pub stored: &'a [u8],
    pub secret_kind: CertSecretKind,
    /// The passphrase or the unencrypted key PEM, from the keyring.
    pub secret: Option<Secret>,
}

fn unreadable(reason: impl std::fmt::Display) -> Error {
    Error::Validation(vec![FieldIssue::new(
        "certificate",
        FieldCode::CertificateInvalid,
    )
    .arg("reason", reason.to_string())])
}

fn no_key() -> Error {
    Error::field("certificate", FieldCode::CertificateNoKey)
}

/// The signer's certificate, its key and the other certificates (the chain).
fn material(c: &SigningCert) -> Result<(X509, PKey<Private>, Vec<X509>)> {
    let secret = c.secret.as_ref().map(|s| s.expose().as_str());
    match c.format {
        CertFormat::Pkcs12 => {
            let p12 = openssl::pkcs12::Pkcs12::from_der(c.stored).map_err(unreadable)?;
            let parsed = p12
                .parse2(secret.unwrap_or(""))
                .map_err(|_| Error::field("certificate", FieldCode::PassphraseWrong))?;
            let (Some(cert), Some(key)) = (parsed.cert, parsed.pkey) else {
                return Err(no_key());
            };
            let chain = parsed
                .ca
                .map(|s| s.into_iter().collect())
                .unwrap_or_default();
            Ok((cert, key, chain))
        }
        CertFormat::Pem => {
            let mut certs = X509::stack_from_pem(c.stored)
                .map_err(unreadable)?
                .into_iter();
            let leaf = certs.next().ok_or_else(|| unreadable("no certificate"))?;
            let key = match (c.secret_kind, secret) {
                (CertSecretKind::PrivateKey, Some(pem)) => {
                    PKey::private_key_from_pem(pem.as_bytes()).map_err(unreadable)?
                }
                (CertSecretKind::Passphrase, Some(pass)) => {
                    PKey::private_key_from_pem_passphrase(c.stored, pass.as_bytes())
                        .map_err(|_| Error::field("certificate", FieldCode::PassphraseWrong))?
                }
                _ => return Err(no_key()),
            };
            Ok((leaf, key, certs.collect()))
        }
    }
}

/// The certificate (PEM), the other certificates of the file (PEM) and, when the secret opens
/// it, the private key (PKCS#8 PEM) — for S/MIME test mails. Without a usable key (none in the
/// file, no or a wrong passphrase) the key is `None`, as long as the certificate can be read.
pub fn identity(c: &SigningCert) -> Result<(String, Vec<String>, Option<Secret>)> {
    let pem = |x: &X509| {
        x.to_pem()
            .map(|p| String::from_utf8_lossy(&p).into_owned())
            .map_err(unreadable)
    };
    match material(c) {
        Ok((leaf, key, chain)) => {
            let key = key.private_key_to_pem_pkcs8().map_err(unreadable)?;
            let key = Secret::new(String::from_utf8_lossy(&key).into_owned());
            let chain = chain.iter().map(pem).collect::<Result<Vec<_>>>()?;
            Ok((pem(&leaf)?, chain, Some(key)))
        }
        Err(_) if c.format == CertFormat::Pem => {
            let certs = X509::stack_from_pem(c.stored).map_err(unreadable)?;
            let (leaf, rest) = certs
                .split_first()
                .ok_or_else(|| unreadable("no certificate"))?;
            let chain = rest.iter().map(pem).collect::<Result<Vec<_>>>()?;
            Ok((pem(leaf)?, chain, None))
        }
        Err(e) => Err(e),
    }
}

/// `content` signed by the certificate: DER-encoded SignedData with the content inside.
pub fn sign(content: &[u8], cert: &SigningCert) -> Result<Vec<u8>> {
    let (leaf, key, chain) = material(cert)?;
    if !leaf
        .public_key()
        .map(|p| p.public_eq(&key))
        .unwrap_or(false)
    {
        return Err(unreadable(
            "the private key does not belong to the certificate",
        ));
    }
    let mut extra = Stack::new().map_err(unreadable)?;
    for c in chain {
        extra.push(c).map_err(unreadable)?;
    }
    // BINARY: the plist's bytes are signed as they are (no MIME canonicalisation); without
    // DETACHED the content is attached.
    let p7 = Pkcs7::sign(&leaf, &key, &extra, content, Pkcs7Flags::BINARY).map_err(unreadable)?;
    p7.to_der().map_err(unreadable)
}
