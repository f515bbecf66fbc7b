//! Incoming servers (Posteingangsserver): create, edit, delete, and their password in the
//! keyring.

use super::records::{refs, tx};
use super::{App, Removed};
use crate::diag::FieldCode;
use crate::error::{Entity, Error, Result};
use crate::model::{IncomingServer, Saved, ServerInput};
use crate::store::rows::At;
use crate::store::Tx;
use crate::store::{certs, rows, servers};

impl App {
    // ---- incoming servers -------------------------------------------------------------

    pub fn list_servers(&self, query: &str) -> Result<Vec<IncomingServer>> {
        servers::list(self.db().read(), query)
    }

    pub fn get_server(&self, id: i64) -> Result<IncomingServer> {
        servers::get(self.db().read(), id)
    }

    /// By name (exact, case-insensitive) or, failing that, by numeric id.
    pub fn find_server(&self, name_or_id: &str) -> Result<IncomingServer> {
        let db = self.db();
        if let Some(s) = servers::find_by_name(db.read(), name_or_id)? {
            return Ok(s);
        }
        match name_or_id.parse::<i64>() {
            Ok(id) => servers::get(db.read(), id),
            Err(_) => Err(Error::NotFound {
                entity: crate::error::Entity::IncomingServer,
                id: name_or_id.to_string(),
            }),
        }
    }

    pub fn create_server(&self, input: &ServerInput) -> Result<Saved<IncomingServer>> {
        tx(self, |c| self.create_server_in(c, input))
    }

    pub(crate) fn create_server_in(
        &self,
        c: &Tx,
        input: &ServerInput,
    ) -> Result<Saved<IncomingServer>> {
        self.save_server(c, At::New, input)
    }

    /// Saves `input` over server `id` if nobody changed it since `version` was read.
    pub fn update_server(
        &self,
        id: i64,
        version: i64,
        input: &ServerInput,
    ) -> Result<Saved<IncomingServer>> {
        tx(self, |c| {
            self.save_server(c, At::Row { id, version }, input)
        })
    }

    fn save_server(&self, c: &Tx, at: At, input: &ServerInput) -> Result<Saved<IncomingServer>> {
        let existing = at.id().map(|id| servers::get(c, id)).transpose()?;
        let fields = input.validate(existing.as_ref())?;
        rows::check_unique(c, Entity::IncomingServer, "name", &fields.name, at.id())?;
        refs(
            c,
            &[
                (
                    Entity::OauthProvider,
                    "oauth_provider_id",
                    fields.oauth_provider_id,
                ),
                (
                    Entity::Certificate,
                    "client_certificate_id",
                    fields.client_certificate_id,
                ),
            ],
        )?;
        if let Some(cid) = fields.client_certificate_id {
            // Presenting a certificate in the handshake needs its private key.
            if !certs::get(c, cid)?.has_private_key {
                return Err(Error::field(
                    "client_certificate_id",
                    FieldCode::CertificateNoKey,
                ));
            }
        }
        let mut cols = servers::cols(&fields);
        if at != At::New {
            // The protocol is fixed after creation.
            cols.retain(|(c, _)| *c != "protocol");
        }
        let id = rows::save(c, Entity::IncomingServer, at, cols)?;
        let warnings =
            self.store_secret(c, Entity::IncomingServer, "password", id, &input.password)?;
        Ok(Saved {
            item: servers::get(c, id)?,
            warnings,
        })
    }

    /// Deletes server `id` (refused while an account uses it) and its keyring entry.
    pub fn delete_server(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        let mut db = self.db();
        let tx = db.begin()?;
        let pref = servers::password_ref(&tx, id)?;
        servers::delete(&tx, id, version)?;
        tx.commit()?;
        Ok(Removed {
            id,
            warnings: self.forget_secrets(pref.into_iter()),
        })
    }
}
