//! Outgoing servers (Postausgangsserver): create, edit, delete, the references they hold
//! (company, certificates, OAuth provider) and their password in the keyring.

use super::records::{refs, tx};
use super::{App, Removed};
use crate::diag::FieldCode;
use crate::error::{Entity, Error, FieldIssue, Result};
use crate::model::*;
use crate::store::rows::At;
use crate::store::Tx;
use crate::store::{certs, outgoing, rows};

impl App {
    // ---- outgoing servers -------------------------------------------------------------

    pub fn list_outgoing(&self, q: &str) -> Result<Vec<OutgoingServer>> {
        outgoing::list(self.db().read(), q)
    }

    pub fn get_outgoing(&self, id: i64) -> Result<OutgoingServer> {
        outgoing::get(self.db().read(), id)
    }

    fn check_outgoing_refs(&self, conn: &Tx, f: &OutgoingFields) -> Result<()> {
        refs(
            conn,
            &[
                (
                    Entity::Certificate,
                    "smime_certificate_id",
                    f.smime_certificate_id,
                ),
                (
                    Entity::Certificate,
                    "client_certificate_id",
                    f.client_certificate_id,
                ),
                (
                    Entity::OauthProvider,
                    "oauth_provider_id",
                    f.oauth_provider_id,
                ),
            ],
        )?;
        let mut issues = Vec::new();
        if let (Some(c), true) = (f.smime_certificate_id, f.smime_sign) {
            if !certs::get(conn, c)?.has_private_key {
                issues.push(FieldIssue::new(
                    "smime_certificate_id",
                    FieldCode::CertificateNoKey,
                ));
            }
        }
        if let Some(c) = f.client_certificate_id {
            if !certs::get(conn, c)?.has_private_key {
                issues.push(FieldIssue::new(
                    "client_certificate_id",
                    FieldCode::CertificateNoKey,
                ));
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(issues))
        }
    }

    pub fn create_outgoing(&self, input: &OutgoingInput) -> Result<Saved<OutgoingServer>> {
        tx(self, |c| self.create_outgoing_in(c, input))
    }

    pub(crate) fn create_outgoing_in(
        &self,
        c: &Tx,
        input: &OutgoingInput,
    ) -> Result<Saved<OutgoingServer>> {
        self.save_outgoing(c, At::New, input)
    }

    pub fn update_outgoing(
        &self,
        id: i64,
        version: i64,
        input: &OutgoingInput,
    ) -> Result<Saved<OutgoingServer>> {
        tx(self, |c| {
            self.save_outgoing(c, At::Row { id, version }, input)
        })
    }

    fn save_outgoing(
        &self,
        c: &Tx,
        at: At,
        input: &OutgoingInput,
    ) -> Result<Saved<OutgoingServer>> {
        let f = input.validate()?;
        rows::check_unique(c, Entity::OutgoingServer, "name", &f.name, at.id())?;
        self.check_outgoing_refs(c, &f)?;
        if f.is_default {
            // Before the write: the unique index allows one default at a time.
            outgoing::clear_default_except(c, at.id().unwrap_or(0))?;
        }
        let id = rows::save(c, Entity::OutgoingServer, at, outgoing::cols(&f))?;
        let warnings =
            self.store_secret(c, Entity::OutgoingServer, "password", id, &input.password)?;
        Ok(Saved {
            item: outgoing::get(c, id)?,
            warnings,
        })
    }

    pub fn delete_outgoing(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        self.remove(
            Entity::OutgoingServer,
            id,
            version,
            Some("password"),
            outgoing::used_by,
        )
    }

    pub fn outgoing_password(&self, id: i64) -> Result<Option<String>> {
        let r = rows::secret_ref(self.db().read(), Entity::OutgoingServer, "password", id)?;
        self.read_secret(r)
    }
}
