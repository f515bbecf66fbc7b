//! Incoming servers (Posteingangsserver): create, edit, delete, and their password in the
//! keyring.

use super::{App, Removed};
use crate::error::{Entity, Error, Result};
use crate::model::{IncomingServer, Saved, ServerInput};
use crate::store::Tx;
use crate::store::{rows, servers};

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
        let mut db = self.db();
        let tx = db.begin()?;
        let saved = self.create_server_in(&tx, input)?;
        tx.commit()?;
        Ok(saved)
    }

    pub(crate) fn create_server_in(
        &self,
        c: &Tx,
        input: &ServerInput,
    ) -> Result<Saved<IncomingServer>> {
        let fields = input.validate(None)?;
        rows::check_unique(c, Entity::IncomingServer, "name", &fields.name, None)?;
        rows::check_ref(
            c,
            Entity::OauthProvider,
            "oauth_provider_id",
            fields.oauth_provider_id,
        )?;
        let id = rows::insert(c, Entity::IncomingServer, servers::cols(&fields))?;
        let warnings =
            self.store_secret(c, Entity::IncomingServer, "password", id, &input.password)?;
        Ok(Saved {
            item: servers::get(c, id)?,
            warnings,
        })
    }

    /// Saves `input` over server `id` if nobody changed it since `version` was read.
    pub fn update_server(
        &self,
        id: i64,
        version: i64,
        input: &ServerInput,
    ) -> Result<Saved<IncomingServer>> {
        let mut db = self.db();
        let tx = db.begin()?;
        let existing = servers::get(&tx, id)?;
        let fields = input.validate(Some(&existing))?;
        rows::check_unique(&tx, Entity::IncomingServer, "name", &fields.name, Some(id))?;
        rows::check_ref(
            &tx,
            Entity::OauthProvider,
            "oauth_provider_id",
            fields.oauth_provider_id,
        )?;
        let mut cols = servers::cols(&fields);
        cols.retain(|(c, _)| *c != "protocol");
        rows::update(&tx, Entity::IncomingServer, id, version, cols)?;
        let warnings =
            self.store_secret(&tx, Entity::IncomingServer, "password", id, &input.password)?;
        let item = servers::get(&tx, id)?;
        tx.commit()?;
        Ok(Saved { item, warnings })
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
