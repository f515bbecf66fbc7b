//! The operations, written once: the Tauri shell and the CLI call these and only adapt
//! arguments and output. An `App` owns the database connection and the secret store.

use crate::error::{ApiError, Error, Result};
use crate::i18n::Lang;
use crate::model::{IncomingServer, Saved, SecretState, SecretUpdate, ServerInput};
use crate::secrets::SecretStore;
use crate::store::{self, servers, Store};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use ts_rs::TS;

pub struct App {
    store: Mutex<Store>,
    secrets: Arc<dyn SecretStore>,
    lang: RwLock<Lang>,
}

/// What the status bar and `mbadmin info` show.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub db_path: String,
    pub schema_version: i64,
    pub keyring: String,
    pub keyring_available: bool,
    /// The operating system's language (LANG / LC_*), which the UI follows until the user
    /// picks one: WebKit's `navigator.language` does not reliably reflect it.
    pub os_lang: Lang,
}

/// The result of a delete, with anything that could not be cleaned up.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Removed {
    pub id: i64,
    pub warnings: Vec<ApiError>,
}

fn server_password_ref(uid: &str) -> String {
    format!("incoming_server/{uid}/password")
}

impl App {
    pub fn new(store: Store, secrets: Arc<dyn SecretStore>, lang: Lang) -> App {
        App {
            store: Mutex::new(store),
            secrets,
            lang: RwLock::new(lang),
        }
    }

    /// Opens the database at `db` and the OS keyring.
    pub fn open(db: &Path, lang: Lang) -> Result<App> {
        let store = Store::open(db)?;
        Ok(App::new(store, crate::secrets::open_os_keyring(), lang))
    }

    pub fn lang(&self) -> Lang {
        *self.lang.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_lang(&self, lang: Lang) {
        *self.lang.write().unwrap_or_else(|e| e.into_inner()) = lang;
    }

    /// Translates an error into the form the UI and `--json` show.
    pub fn api_error(&self, e: &Error) -> ApiError {
        e.to_api(self.lang())
    }

    fn db(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back).
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn info(&self) -> Result<AppInfo> {
        let db = self.db();
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            db_path: db.path.display().to_string(),
            schema_version: db.schema_version()?,
            keyring: self.secrets.describe(),
            keyring_available: self.secrets.available(),
            os_lang: Lang::from_env(),
        })
    }

    // ---- incoming servers -------------------------------------------------------------

    pub fn list_servers(&self, query: &str) -> Result<Vec<IncomingServer>> {
        servers::list(&self.db().conn, query)
    }

    pub fn get_server(&self, id: i64) -> Result<IncomingServer> {
        servers::get(&self.db().conn, id)
    }

    /// By name (exact, case-insensitive) or, failing that, by numeric id.
    pub fn find_server(&self, name_or_id: &str) -> Result<IncomingServer> {
        let db = self.db();
        if let Some(s) = servers::find_by_name(&db.conn, name_or_id)? {
            return Ok(s);
        }
        match name_or_id.parse::<i64>() {
            Ok(id) => servers::get(&db.conn, id),
            Err(_) => Err(Error::NotFound {
                entity: crate::error::Entity::IncomingServer,
                id: name_or_id.to_string(),
            }),
        }
    }

    pub fn create_server(&self, input: &ServerInput) -> Result<Saved<IncomingServer>> {
        let fields = input.validate(None)?;
        let mut db = self.db();
        let tx = db.conn.transaction()?;
        let uid = store::new_uid();
        let pref = server_password_ref(&uid);
        let (stored_ref, state) = match &input.password {
            SecretUpdate::Set(_) => (Some(pref.as_str()), SecretState::Stored),
            _ => (None, SecretState::None),
        };
        let id = servers::insert(&tx, &fields, &uid, stored_ref, state, &store::now())?;
        let mut warnings = Vec::new();
        if let SecretUpdate::Set(pw) = &input.password {
            if let Err(e) = self.secrets.set(&pref, pw) {
                servers::set_password_state(&tx, id, SecretState::NotStored)?;
                warnings.push(Error::from(e).to_api(self.lang()));
            }
        }
        let item = servers::get(&tx, id)?;
        tx.commit()?;
        Ok(Saved { item, warnings })
    }

    /// Saves `input` over server `id` if nobody changed it since `version` was read.
    pub fn update_server(
        &self,
        id: i64,
        version: i64,
        input: &ServerInput,
    ) -> Result<Saved<IncomingServer>> {
        let mut db = self.db();
        let tx = db.conn.transaction()?;
        let existing = servers::get(&tx, id)?;
        let fields = input.validate(Some(&existing))?;
        let uid: String = tx.query_row(
            "SELECT uid FROM incoming_servers WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        let pref = server_password_ref(&uid);
        let old_ref = servers::password_ref(&tx, id)?;
        let (new_ref, state) = match &input.password {
            SecretUpdate::Keep => (old_ref.clone(), existing.password),
            SecretUpdate::Set(_) => (Some(pref.clone()), SecretState::Stored),
            SecretUpdate::Clear => (None, SecretState::None),
        };
        servers::update(
            &tx,
            id,
            version,
            &fields,
            new_ref.as_deref(),
            state,
            &store::now(),
        )?;
        let mut warnings = Vec::new();
        match &input.password {
            SecretUpdate::Set(pw) => {
                if let Err(e) = self.secrets.set(&pref, pw) {
                    servers::set_password_state(&tx, id, SecretState::NotStored)?;
                    warnings.push(Error::from(e).to_api(self.lang()));
                }
            }
            SecretUpdate::Clear => {
                if let Some(r) = &old_ref {
                    if let Err(e) = self.secrets.delete(r) {
                        warnings.push(Error::from(e).to_api(self.lang()));
                    }
                }
            }
            SecretUpdate::Keep => {}
        }
        let item = servers::get(&tx, id)?;
        tx.commit()?;
        Ok(Saved { item, warnings })
    }

    /// Deletes server `id` (refused while an account uses it) and its keyring entry.
    pub fn delete_server(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        let mut db = self.db();
        let tx = db.conn.transaction()?;
        let pref = servers::password_ref(&tx, id)?;
        servers::delete(&tx, id, version)?;
        tx.commit()?;
        let mut warnings = Vec::new();
        if let Some(r) = pref {
            if let Err(e) = self.secrets.delete(&r) {
                warnings.push(Error::from(e).to_api(self.lang()));
            }
        }
        Ok(Removed { id, warnings })
    }

    /// The stored password of a server, for its connection test. Never shown in the UI.
    pub fn server_password(&self, id: i64) -> Result<Option<String>> {
        let pref = servers::password_ref(&self.db().conn, id)?;
        match pref {
            Some(r) => Ok(self.secrets.get(&r)?),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests;
