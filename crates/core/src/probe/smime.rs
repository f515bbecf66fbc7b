//! S/MIME for the test mail (RFC 8551): the outgoing server's certificate is checked before
//! anything is sent (present, valid now, meant for e-mail, for the sender's address, with its
//! key), then the mail is signed (`multipart/signed`, detached, chain included) and/or
//! encrypted to that certificate (`application/pkcs7-mime`, AES-256-CBC). OpenSSL does the
//! CMS; x509-parser reads the certificate's extensions. `verify` checks what arrived.

use super::runner::Failure;
use super::SmimeSettings;
use crate::diag::{DiagnosisCode, EvidenceKey};
use openssl::pkcs7::{Pkcs7, Pkcs7Flags};
use openssl::pkey::{PKey, Private};
use openssl::stack::Stack;
use openssl::symm::Cipher;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::X509;
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

/// The certificate, its chain and (for signing) its key, checked.
pub(crate) struct Material {
    cert: X509,
    chain: Vec<X509>,
    key: Option<PKey<Private>>,
}

fn fail(code: DiagnosisCode) -> Failure {
    Failure::new(code)
}

/// The e-mail addresses a certificate is for: the subject's and the alternative names'.
pub fn addresses(der: &[u8]) -> Vec<String> {
    let Ok((_, c)) = X509Certificate::from_der(der) else {
        return Vec::new();
    };
    let mut out: Vec<String> = c
        .subject()
        .iter_email()
        .filter_map(|e| e.as_str().ok().map(|s| s.to_ascii_lowercase()))
        .collect();
    if let Ok(Some(san)) = c.subject_alternative_name() {
        for n in &san.value.general_names {
            if let GeneralName::RFC822Name(e) = n {
                out.push(e.to_ascii_lowercase());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Everything that can be found wrong before sending, in the order an administrator fixes it.
pub(crate) fn check(s: &SmimeSettings, sender: &str) -> Result<Material, Failure> {
    if s.certificate_pem.trim().is_empty() {
        return Err(fail(DiagnosisCode::SmimeCertificateMissing));
    }
    let cert = X509::from_pem(s.certificate_pem.as_bytes()).map_err(|e| {
        fail(DiagnosisCode::SmimeFailed).with(EvidenceKey::Problem, format!("certificate: {e}"))
    })?;
    let der = cert
        .to_der()
        .map_err(|e| fail(DiagnosisCode::SmimeFailed).with(EvidenceKey::Problem, e.to_string()))?;
    let (_, parsed) = X509Certificate::from_der(&der).map_err(|e| {
        fail(DiagnosisCode::SmimeFailed).with(EvidenceKey::Problem, format!("X.509: {e}"))
    })?;
    let subject = parsed.subject().to_string();
    let v = parsed.validity();
    if !v.is_valid() {
        return Err(fail(DiagnosisCode::SmimeCertificateExpired)
            .with(EvidenceKey::Subject, subject)
            .with(EvidenceKey::NotBefore, v.not_before.to_string())
            .with(EvidenceKey::NotAfter, v.not_after.to_string()));
    }
    let mut wrong = Vec::new();
    if let Ok(Some(eku)) = parsed.extended_key_usage() {
        if !(eku.value.email_protection || eku.value.any) {
            wrong.push("extended key usage without emailProtection".to_string());
        }
    }
    if let Ok(Some(ku)) = parsed.key_usage() {
        if s.sign && !(ku.value.digital_signature() || ku.value.non_repudiation()) {
            wrong.push("key usage without digitalSignature".to_string());
        }
        if s.encrypt && !(ku.value.key_encipherment() || ku.value.key_agreement()) {
            wrong.push("key usage without keyEncipherment".to_string());
        }
    }
    if !wrong.is_empty() {
        return Err(fail(DiagnosisCode::SmimeWrongPurpose)
            .with(EvidenceKey::Subject, subject)
            .with(EvidenceKey::Problem, wrong.join("; ")));
    }
    let emails = addresses(&der);
    let sender = sender.trim().to_ascii_lowercase();
    if !emails.contains(&sender) {
        return Err(fail(DiagnosisCode::SmimeAddressMismatch)
            .with(EvidenceKey::Sender, sender)
            .with(
                EvidenceKey::CertificateNames,
                if emails.is_empty() {
                    "—".to_string()
                } else {
                    emails.join(", ")
                },
            ));
    }
    let key = if s.sign {
        let Some(pem) = &s.key_pem else {
            let mut f = fail(DiagnosisCode::SmimeKeyMissing).with(EvidenceKey::Subject, subject);
            if let Some(why) = &s.key_error {
                f = f.with(EvidenceKey::Keyring, why.clone());
            }
            return Err(f);
        };
        // The key's own error text could quote nothing secret, but say only what failed.
        let key = PKey::private_key_from_pem(pem.expose().as_bytes()).map_err(|_| {
            fail(DiagnosisCode::SmimeKeyMissing)
                .with(EvidenceKey::Subject, subject.clone())
                .with(EvidenceKey::Problem, "the private key could not be read")
        })?;
        let matches = cert
            .public_key()
            .map(|p| p.public_eq(&key))
            .unwrap_or(false);
        if !matches {
            return Err(fail(DiagnosisCode::SmimeFailed)
                .with(EvidenceKey::Subject, subject)
                .with(
                    EvidenceKey::Problem,
                    "the private key does not belong to the certificate",
                ));
        }
        Some(key)
    } else {
        None
    };
    let mut chain = Vec::new();
    for pem in &s.chain_pem {
        if let Ok(list) = X509::stack_from_pem(pem.as_bytes()) {
            chain.extend(list);
        }
    }
    Ok(Material { cert, chain, key })
}

fn openssl_failed(e: impl std::fmt::Display) -> Failure {
    fail(DiagnosisCode::SmimeFailed).with(EvidenceKey::Problem, e.to_string())
}

/// CRLF everywhere (OpenSSL's MIME writer ends lines with a bare LF).
fn crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 32);
    let mut prev = 0u8;
    for &b in raw {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

/// The test mail as lettre made it (headers and a `text/plain` body, CRLF) turned into an
/// S/MIME message: the body part signed and/or encrypted, the other headers kept on top.
pub(crate) fn wrap(formatted: &[u8], m: &Material, s: &SmimeSettings) -> Result<Vec<u8>, Failure> {
    let split = formatted
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| openssl_failed("the test mail has no header end"))?;
    let (head, body) = (&formatted[..split + 2], &formatted[split + 4..]);
    // Headers that describe the body go into the signed part; the others stay outside.
    let mut outer = Vec::new();
    let mut inner = Vec::new();
    let mut to_inner = false;
    for line in head.split_inclusive(|&b| b == b'\n') {
        let folded = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if !folded {
            let l = String::from_utf8_lossy(line).to_ascii_lowercase();
            to_inner = l.starts_with("content-") || l.starts_with("mime-version:");
        }
        if to_inner {
            if !String::from_utf8_lossy(line)
                .to_ascii_lowercase()
                .starts_with("mime-version:")
            {
                inner.extend_from_slice(line);
            }
        } else {
            outer.extend_from_slice(line);
        }
    }
    let mut entity = inner;
    entity.extend_from_slice(b"\r\n");
    entity.extend_from_slice(body);
    let mut certs = Stack::new().map_err(openssl_failed)?;
    for c in &m.chain {
        certs.push(c.clone()).map_err(openssl_failed)?;
    }
    if s.sign {
        let key = m
            .key
            .as_ref()
            .ok_or_else(|| fail(DiagnosisCode::SmimeKeyMissing))?;
        let flags = Pkcs7Flags::DETACHED | Pkcs7Flags::BINARY;
        let p7 = Pkcs7::sign(&m.cert, key, &certs, &entity, flags).map_err(openssl_failed)?;
        entity = crlf(&p7.to_smime(&entity, flags).map_err(openssl_failed)?);
        if s.encrypt {
            // The signed entity is encrypted whole; its MIME-Version belongs outside.
            entity = strip_mime_version(&entity);
        }
    }
    if s.encrypt {
        let mut to = Stack::new().map_err(openssl_failed)?;
        to.push(m.cert.clone()).map_err(openssl_failed)?;
        let p7 = Pkcs7::encrypt(&to, &entity, Cipher::aes_256_cbc(), Pkcs7Flags::BINARY)
            .map_err(openssl_failed)?;
        entity = crlf(
            &p7.to_smime(&[], Pkcs7Flags::BINARY)
                .map_err(openssl_failed)?,
        );
    }
    let mut out = outer;
    if !entity.starts_with(b"MIME-Version:") {
        out.extend_from_slice(b"MIME-Version: 1.0\r\n");
    }
    out.extend_from_slice(&entity);
    Ok(out)
}

fn strip_mime_version(entity: &[u8]) -> Vec<u8> {
    let first_end = entity.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
    if entity.starts_with(b"MIME-Version:") {
        entity[first_end..].to_vec()
    } else {
        entity.to_vec()
    }
}

/// What `summary` shows: "signed", "encrypted" or both.
pub(crate) fn label(s: &SmimeSettings) -> &'static str {
    match (s.sign, s.encrypt) {
        (true, true) => "S/MIME signed+encrypted",
        (true, false) => "S/MIME signed",
        (false, true) => "S/MIME encrypted",
        (false, false) => "",
    }
}

/// Verifies the S/MIME signature of a whole message as it arrived (`multipart/signed` or
/// signed `application/pkcs7-mime`), the chain against `roots` (PEM): the signer's subject,
/// or why not.
pub fn verify(message: &[u8], roots: &[String]) -> Result<String, String> {
    let (p7, content) = Pkcs7::from_smime(message).map_err(|e| format!("not S/MIME: {e}"))?;
    let mut store = X509StoreBuilder::new().map_err(|e| e.to_string())?;
    // The operating system's CAs too: a public S/MIME certificate verifies without more.
    let _ = store.set_default_paths();
    for pem in roots {
        for c in X509::stack_from_pem(pem.as_bytes()).map_err(|e| e.to_string())? {
            store.add_cert(c).map_err(|e| e.to_string())?;
        }
    }
    let store = store.build();
    let none = Stack::new().map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    p7.verify(
        &none,
        &store,
        content.as_deref(),
        Some(&mut out),
        Pkcs7Flags::empty(),
    )
    .map_err(|e| format!("signature does not verify: {e}"))?;
    let signers = p7
        .signers(&none, Pkcs7Flags::empty())
        .map_err(|e| e.to_string())?;
    Ok(signers
        .iter()
        .next()
        .map(|c| {
            c.subject_name()
                .entries()
                .filter_map(|e| e.data().to_string().ok())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default())
}
