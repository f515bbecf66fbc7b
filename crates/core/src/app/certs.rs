//! The certificate store: import (PEM, PKCS#12), rename, delete; private-key passphrases
//! in the keyring.

use super::probe::TestTargetKind;
use super::records::tx;
use super::{App, Removed};
use crate::diag::FieldCode;
use crate::error::{Entity, Error, FieldIssue, Result};
use crate::model::cert::parse as parse_cert;
use crate::model::*;
use crate::probe::Role;
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
        let trust = CertTrust {
            trust_root: input.trust_root,
            trust_hosts: input.trust_hosts.clone(),
        }
        .normalized(&mut issues);
        if !issues.is_empty() {
            return Err(Error::Validation(issues.0));
        }
        let parsed = parse_cert(
            &bytes,
            input.passphrase.as_ref().map(|p| p.expose().as_str()),
        )?;
        if trust.trust_root {
            check_trustable(parsed.format, parsed.is_ca)?;
        }
        rows::check_unique(c, Entity::Certificate, "name", &name, None)?;
        let dup = certs::name_by_sha256(c, &parsed.sha256)?;
        if let Some(other) = dup {
            return Err(Error::Validation(vec![FieldIssue::new(
                "data",
                FieldCode::Duplicate,
            )
            .arg("value", other)]));
        }
        let mut cols = certs::cols(&name, &parsed);
        cols.extend(certs::trust_cols(&trust));
        let id = rows::insert(c, Entity::Certificate, cols)?;
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

    /// Marks a stored certificate as trusted root CA (installation-wide or for some hosts),
    /// or takes the trust back.
    pub fn set_certificate_trust(
        &self,
        id: i64,
        version: i64,
        trust: &CertTrust,
    ) -> Result<Certificate> {
        let mut issues = crate::validate::Issues::default();
        let trust = trust.normalized(&mut issues);
        if !issues.is_empty() {
            return Err(Error::Validation(issues.0));
        }
        tx(self, |c| {
            if trust.trust_root {
                let cur = certs::get(c, id)?;
                let ca = cur.format == CertFormat::Pem
                    && parse_cert(&certs::data(c, id)?, None).is_ok_and(|p| p.is_ca);
                check_trustable(cur.format, ca)?;
            }
            rows::update(
                c,
                Entity::Certificate,
                id,
                version,
                certs::trust_cols(&trust),
            )?;
            certs::get(c, id)
        })
    }

    /// "Vertrauen" from a failed test: the CA certificate the server presented (PEM) is
    /// trusted as a root — stored under `name` if it is not in the store yet, else the
    /// stored one is marked.
    pub fn trust_presented_certificate(
        &self,
        name: &str,
        pem: &str,
        trust: &CertTrust,
    ) -> Result<Saved<Certificate>> {
        use base64::Engine;
        let parsed = parse_cert(pem.as_bytes(), None)?;
        let existing = certs::id_by_sha256(self.db().read(), &parsed.sha256)?;
        let trust = CertTrust {
            trust_root: true,
            ..trust.clone()
        };
        if let Some((id, version)) = existing {
            let mut t = trust.clone();
            let cur = self.get_certificate(id)?;
            // Trusted for some hosts already: add these, never narrow an existing trust.
            if cur.trust_root && !cur.trust_hosts.is_empty() && !t.trust_hosts.is_empty() {
                t.trust_hosts.extend(cur.trust_hosts);
            } else if cur.trust_root && cur.trust_hosts.is_empty() {
                t.trust_hosts.clear();
            }
            let item = self.set_certificate_trust(id, version, &t)?;
            return Ok(Saved {
                item,
                warnings: Vec::new(),
            });
        }
        let mut name = name.trim().to_string();
        if name.is_empty() {
            name = parsed.subject.clone();
        }
        name = name
            .chars()
            .take(super::super::model::server::NAME_MAX)
            .collect();
        // A name already taken by another certificate gets its fingerprint's start.
        if self
            .list_certificates("")?
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(&name))
        {
            name = format!("{name} ({})", &parsed.sha256[..11]);
        }
        self.import_certificate(&CertImport {
            name,
            data_base64: base64::engine::general_purpose::STANDARD.encode(pem.as_bytes()),
            passphrase: None,
            trust_root: true,
            trust_hosts: trust.trust_hosts,
        })
    }

    /// "Nur dieses Zertifikat anheften" from a failed test: the server that `role` of the
    /// tested record `kind`/`id` used trusts exactly the leaf with `sha256` from now on.
    /// Returns the server's name.
    pub fn pin_tested_certificate(
        &self,
        kind: TestTargetKind,
        id: i64,
        role: Role,
        sha256: &str,
    ) -> Result<String> {
        let Some(pin) = crate::validate::normalize_fingerprint(sha256.trim()) else {
            return Err(Error::field(
                "tls_pin_sha256",
                FieldCode::FingerprintInvalid,
            ));
        };
        let (entity, server) = match (kind, role) {
            (TestTargetKind::IncomingServer, _) => (Entity::IncomingServer, id),
            (TestTargetKind::OutgoingServer, _) => (Entity::OutgoingServer, id),
            (TestTargetKind::Account, Role::Incoming) => {
                let a = self.get_account(id)?;
                let sid = a
                    .incoming_server_id
                    .ok_or_else(|| Error::field("incoming_server_id", FieldCode::Required))?;
                (Entity::IncomingServer, sid)
            }
            (TestTargetKind::Account, Role::Outgoing) => {
                let sid = self
                    .effective_outgoing(id)?
                    .server_id
                    .ok_or_else(|| Error::field("outgoing_server_id", FieldCode::Required))?;
                (Entity::OutgoingServer, sid)
            }
            // A calendar account's server has no stored TLS settings to pin in.
            (TestTargetKind::Account, Role::Calendar) | (TestTargetKind::CalendarAccount, _) => {
                return Err(Error::field("role", FieldCode::MissingRef))
            }
        };
        tx(self, |c| {
            let version = rows::version(c, entity, server)?;
            rows::update(
                c,
                entity,
                server,
                version,
                vec![("tls_pin_sha256", pin.clone().into())],
            )?;
            rows::label(c, entity, server)
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

/// Only a CA certificate, stored as PEM, can be a trusted root; a server's own certificate
/// is pinned instead (its SHA-256 in the server's TLS settings).
fn check_trustable(format: CertFormat, is_ca: bool) -> Result<()> {
    if format != CertFormat::Pem || !is_ca {
        return Err(Error::Validation(vec![FieldIssue::new(
            "trust_root",
            FieldCode::CertificateNotCa,
        )]));
    }
    Ok(())
}
