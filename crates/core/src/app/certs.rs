//! The certificate store: import (PEM, PKCS#12), rename, delete; private-key passphrases
//! in the keyring.

use super::records::tx;
use super::{App, Removed};
use crate::diag::FieldCode;
use crate::error::{Entity, Error, FieldIssue, Result};
use crate::model::cert::parse as parse_cert;
use crate::model::*;
use crate::store::Tx;
use crate::store::{certs, rows};

impl App {
    // ---- certificates -----------------------------------------------------------------

    pub fn list_certificates(&self, q: &str) -> Result<Vec<Certificate>> {
        certs::list(self.db().read(), q)
    }

    pub fn get_certificate(&self, id: i64) -> Result<Certificate> {
        certs::get(self.db().read(), id)
    }

    /// Imports a PEM or PKCS#12 file; the passphrase (or an unencrypted private key) goes to
    /// the keyring.
    pub fn import_certificate(&self, input: &CertImport) -> Result<Saved<Certificate>> {
        tx(self, |c| self.import_certificate_in(c, input))
    }

    pub(crate) fn import_certificate_in(
        &self,
        c: &Tx,
        input: &CertImport,
    ) -> Result<Saved<Certificate>> {
        use base64::Engine;
        let mut issues = crate::validate::Issues::default();
        let name = input.name.trim().to_string();
        issues.text("name", &name, super::super::model::server::NAME_MAX, true);
        let bytes = match base64::engine::general_purpose::STANDARD.decode(input.data_base64.trim())
        {
            Ok(b) if !b.is_empty() => b,
            Ok(_) => {
                issues.push(FieldIssue::new("data", FieldCode::Required));
                Vec::new()
            }
            Err(e) => {
                issues.push(
                    FieldIssue::new("data", FieldCode::CertificateInvalid)
                        .arg("reason", format!("base64: {e}")),
                );
                Vec::new()
            }
        };
        if bytes.len() > 1_000_000 {
            issues.push(FieldIssue::new("data", FieldCode::TooLong).arg("max", "1000000"));
        }
        if !issues.is_empty() {
            return Err(Error::Validation(issues.0));
        }
        let parsed = parse_cert(
            &bytes,
            input.passphrase.as_ref().map(|p| p.expose().as_str()),
        )?;
        rows::check_unique(c, Entity::Certificate, "name", &name, None)?;
        let dup = certs::name_by_sha256(c, &parsed.sha256)?;
        if let Some(other) = dup {
            return Err(Error::Validation(vec![FieldIssue::new(
                "data",
                FieldCode::Duplicate,
            )
            .arg("value", other)]));
        }
        let id = rows::insert(c, Entity::Certificate, certs::cols(&name, &parsed))?;
        let update = match &parsed.secret {
            Some(s) => SecretUpdate::set(s.clone()),
            None => SecretUpdate::Keep,
        };
        let warnings = self.store_secret(c, Entity::Certificate, "secret", id, &update)?;
        Ok(Saved {
            item: certs::get(c, id)?,
            warnings,
        })
    }

    pub fn rename_certificate(&self, id: i64, version: i64, name: &str) -> Result<Certificate> {
        let name = name.trim().to_string();
        let mut issues = crate::validate::Issues::default();
        issues.text("name", &name, super::super::model::server::NAME_MAX, true);
        if !issues.is_empty() {
            return Err(Error::Validation(issues.0));
        }
        tx(self, |c| {
            rows::check_unique(c, Entity::Certificate, "name", &name, Some(id))?;
            rows::update(
                c,
                Entity::Certificate,
                id,
                version,
                vec![("name", name.clone().into())],
            )?;
            certs::get(c, id)
        })
    }

    pub fn delete_certificate(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        self.remove(
            Entity::Certificate,
            id,
            version,
            Some("secret"),
            certs::used_by,
        )
    }
}
