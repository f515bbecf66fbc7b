//! The crypto envelope of an export's secrets, alone: a key derived from the passphrase
//! (Argon2id, its parameters stored in the file), XChaCha20-Poly1305 over the secrets with
//! the rest of the document as associated data, so the secrets open only with the document
//! they were sealed with.

use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use crate::sensitive::Secret;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};

pub const KDF: &str = "argon2id";
pub const CIPHER: &str = "xchacha20poly1305";

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
/// What the key check authenticates (never used as the associated data of the secrets).
const KEY_CHECK_AAD: &[u8] = b"mailbox-admin-export key check";

/// Argon2id's cost parameters (memory in KiB, passes, lanes), stored in the file so they
/// can be raised without breaking older files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KdfParams {
    pub m_cost: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl KdfParams {
    /// What `seal` uses: the `argon2` crate's defaults (OWASP's minimum for Argon2id).
    pub const DEFAULT: KdfParams = KdfParams {
        m_cost: argon2::Params::DEFAULT_M_COST,
        t_cost: argon2::Params::DEFAULT_T_COST,
        p_cost: argon2::Params::DEFAULT_P_COST,
    };
    /// Files of version 1 do not name their parameters: they used the defaults of the time.
    pub const V1: KdfParams = KdfParams {
        m_cost: 19_456,
        t_cost: 2,
        p_cost: 1,
    };
    /// The most `open` spends on a file: a file is input, and must not make the app
    /// allocate gigabytes or compute for minutes.
    const MAX_M_COST: u32 = 1024 * 1024;
    const MAX_T_COST: u32 = 16;
    const MAX_P_COST: u32 = 16;

    fn v1() -> KdfParams {
        KdfParams::V1
    }

    fn check(&self) -> Result<argon2::Params> {
        let in_range = (1..=Self::MAX_P_COST).contains(&self.p_cost)
            && (1..=Self::MAX_T_COST).contains(&self.t_cost)
            && (8 * self.p_cost..=Self::MAX_M_COST).contains(&self.m_cost);
        if !in_range {
            return Err(bad_file("kdf_params out of range"));
        }
        argon2::Params::new(self.m_cost, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| bad_file(&format!("kdf_params: {e}")))
    }
}

/// The sealed secrets as they stand in the file (`encrypted_secrets`); binary fields are
/// base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sealed {
    /// Always `argon2id`; anything else is refused.
    pub kdf: String,
    #[serde(default = "KdfParams::v1")]
    pub kdf_params: KdfParams,
    /// Always `xchacha20poly1305`; anything else is refused.
    pub cipher: String,
    pub salt: String,
    /// Nonce and tag of an empty message under the key: tells a wrong passphrase apart from
    /// a document changed after export. Absent in files of version 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_check: Option<String>,
    pub nonce: String,
    pub ciphertext: String,
}

fn bad_file(reason: &str) -> Error {
    Error::Validation(vec![FieldIssue::new("file", FieldCode::InvalidJson)
        .arg("reason", format!("encrypted_secrets: {reason}"))])
}

fn wrong_passphrase() -> Error {
    Error::Validation(vec![FieldIssue::new(
        "passphrase",
        FieldCode::PassphraseWrong,
    )])
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("OS random source");
    b
}

fn cipher(passphrase: &Secret, salt: &[u8], params: argon2::Params) -> Result<XChaCha20Poly1305> {
    let mut key = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(passphrase.expose().as_bytes(), salt, &mut key)
        .map_err(|e| bad_file(&format!("kdf: {e}")))?;
    let c = XChaCha20Poly1305::new((&key).into());
    key.fill(0);
    Ok(c)
}

/// Encrypts `plain` with a key from `passphrase`; `aad` (the document the secrets belong to)
/// is authenticated, not stored: `open` needs the same bytes.
pub fn seal(plain: &[u8], passphrase: &Secret, aad: &[u8]) -> Result<Sealed> {
    let params = KdfParams::DEFAULT;
    let salt: [u8; SALT_LEN] = random();
    let c = cipher(passphrase, &salt, params.check()?)?;
    let encrypt = |msg: &[u8], aad: &[u8]| {
        let nonce: [u8; NONCE_LEN] = random();
        let ct = c
            .encrypt(XNonce::from_slice(&nonce), Payload { msg, aad })
            .expect("encryption of a small buffer");
        (nonce, ct)
    };
    let (check_nonce, check_tag) = encrypt(b"", KEY_CHECK_AAD);
    let (nonce, ct) = encrypt(plain, aad);
    Ok(Sealed {
        kdf: KDF.into(),
        kdf_params: params,
        cipher: CIPHER.into(),
        salt: B64.encode(salt),
        key_check: Some(B64.encode([&check_nonce[..], &check_tag[..]].concat())),
        nonce: B64.encode(nonce),
        ciphertext: B64.encode(ct),
    })
}

/// Decrypts what `seal` made. A wrong passphrase is an error of the field `passphrase`; a
/// document that differs from the one sealed (`aad`) is an error of the field `file`.
pub fn open(sealed: &Sealed, passphrase: &Secret, aad: &[u8]) -> Result<Vec<u8>> {
    if sealed.kdf != KDF {
        return Err(bad_file(&format!("unsupported kdf \"{}\"", sealed.kdf)));
    }
    if sealed.cipher != CIPHER {
        return Err(bad_file(&format!(
            "unsupported cipher \"{}\"",
            sealed.cipher
        )));
    }
    let params = sealed.kdf_params.check()?;
    let decode = |name: &str, v: &str| B64.decode(v).map_err(|_| bad_file(name));
    let salt = decode("salt", &sealed.salt)?;
    let nonce = decode("nonce", &sealed.nonce)?;
    let ct = decode("ciphertext", &sealed.ciphertext)?;
    if nonce.len() != NONCE_LEN {
        return Err(bad_file("nonce"));
    }
    let check = match &sealed.key_check {
        Some(k) => match decode("key_check", k)? {
            b if b.len() == NONCE_LEN + 16 => Some(b),
            _ => return Err(bad_file("key_check")),
        },
        None => None,
    };
    let c = cipher(passphrase, &salt, params)?;
    if let Some(check) = &check {
        let (n, tag) = check.split_at(NONCE_LEN);
        c.decrypt(
            XNonce::from_slice(n),
            Payload {
                msg: tag,
                aad: KEY_CHECK_AAD,
            },
        )
        .map_err(|_| wrong_passphrase())?;
    }
    c.decrypt(XNonce::from_slice(&nonce), Payload { msg: &ct, aad })
        .map_err(|_| match check {
            // The key is right, so the document is not the one sealed.
            Some(_) => Error::Validation(vec![FieldIssue::new("file", FieldCode::ExportModified)]),
            None => wrong_passphrase(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass() -> Secret {
        Secret::from("Passphrase-für-Export")
    }

    fn field_and_code(e: Error) -> (String, FieldCode) {
        match e {
            Error::Validation(v) => (v[0].field.to_string(), v[0].code),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sealed_secrets_open_with_the_passphrase_and_the_same_document() {
        let s = seal(b"{\"k\":\"Canary-Pw\"}", &pass(), b"doc").unwrap();
        let text = serde_json::to_string(&s).unwrap();
        assert!(!text.contains("Canary"), "{text}");
        assert_eq!(s.kdf_params, KdfParams::DEFAULT);
        assert_eq!(open(&s, &pass(), b"doc").unwrap(), b"{\"k\":\"Canary-Pw\"}");
        // The file's form is what the next `open` reads.
        let back: Sealed = serde_json::from_str(&text).unwrap();
        assert_eq!(
            open(&back, &pass(), b"doc").unwrap(),
            b"{\"k\":\"Canary-Pw\"}"
        );
    }

    #[test]
    fn a_wrong_passphrase_is_an_error_of_the_passphrase() {
        let s = seal(b"x", &pass(), b"doc").unwrap();
        let e = open(&s, &Secret::from("falsch-falsch"), b"doc").unwrap_err();
        assert_eq!(
            field_and_code(e),
            ("passphrase".into(), FieldCode::PassphraseWrong)
        );
    }

    #[test]
    fn another_document_is_refused_as_modified() {
        let s = seal(b"x", &pass(), b"host=imap.example.com").unwrap();
        let e = open(&s, &pass(), b"host=imap.evil.example").unwrap_err();
        assert_eq!(
            field_and_code(e),
            ("file".into(), FieldCode::ExportModified)
        );
    }

    #[test]
    fn unknown_algorithms_and_excessive_parameters_are_refused_before_any_work() {
        let s = seal(b"x", &pass(), b"").unwrap();
        for edit in [
            (|s: &mut Sealed| s.kdf = "scrypt".into()) as fn(&mut Sealed),
            |s| s.cipher = "aes-256-gcm".into(),
            |s| s.kdf_params.m_cost = u32::MAX,
            |s| s.kdf_params.t_cost = 0,
            |s| s.kdf_params.p_cost = 1000,
            |s| s.nonce = "AAAA".into(),
            |s| s.salt = "%%%".into(),
        ] {
            let mut t = s.clone();
            edit(&mut t);
            let (field, code) = field_and_code(open(&t, &pass(), b"").unwrap_err());
            assert_eq!((field.as_str(), code), ("file", FieldCode::InvalidJson));
        }
        // Parameters other than the defaults are used as stored.
        let mut t = s.clone();
        t.kdf_params.t_cost = 3;
        let (field, _) = field_and_code(open(&t, &pass(), b"").unwrap_err());
        assert_eq!(field, "passphrase", "another key");
    }

    #[test]
    fn a_version_1_envelope_opens_without_parameters_or_key_check() {
        // As version 1 wrote it: no kdf_params, no key_check, no associated data.
        let mut s = seal(b"old", &pass(), b"").unwrap();
        s.key_check = None;
        let text = serde_json::to_value(&s).unwrap();
        let mut m = text.as_object().unwrap().clone();
        m.remove("kdf_params");
        let v1: Sealed = serde_json::from_value(m.into()).unwrap();
        assert_eq!(v1.kdf_params, KdfParams::V1);
        assert_eq!(open(&v1, &pass(), b"").unwrap(), b"old");
        let e = open(&v1, &Secret::from("falsch-falsch"), b"").unwrap_err();
        assert_eq!(
            field_and_code(e),
            ("passphrase".into(), FieldCode::PassphraseWrong)
        );
    }
}
