//! The operations, written once: the Tauri shell and the CLI call these and only adapt
//! arguments and output. An `App` owns the database connection and the secret store.

use crate::error::{ApiError, Entity, Error, Result};
use crate::i18n::Lang;
use crate::model::{SecretState, SecretUpdate};
use crate::secrets::SecretStore;
use crate::store::Tx;
use crate::store::{rows, Store};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use ts_rs::TS;

pub struct App {
    store: Mutex<Store>,
    secrets: Arc<dyn SecretStore>,
    lang: RwLock<Lang>,
    /// CA certificates (PEM) trusted in connection tests and by OAuth's HTTPS besides the OS
    /// trust store, from the files named in `MAILBOX_ADMIN_EXTRA_CA` (separated by `:`), e.g.
    /// a company CA, and `with_extra_roots`.
    pub(crate) extra_roots: Vec<String>,
    /// One gate per token record: a refresh runs alone, so that two at once do not both
    /// spend a rotating refresh token (the provider then revokes the whole grant).
    pub(crate) refresh_gates: oauth::RefreshGates,
}

/// Names PEM files of additional CAs trusted by connection tests and OAuth requests.
pub const EXTRA_CA_ENV: &str = "MAILBOX_ADMIN_EXTRA_CA";

fn extra_roots_from_env() -> Vec<String> {
    std::env::var(EXTRA_CA_ENV)
        .unwrap_or_default()
        .split(':')
        .filter(|p| !p.trim().is_empty())
        .filter_map(|p| std::fs::read_to_string(p.trim()).ok())
        .collect()
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
    /// Nothing set up yet (no incoming or outgoing server, no account): the window shows
    /// the ways to start — detection from an address, a provider preset, an import.
    pub unconfigured: bool,
}

/// What became of a file the user asked the window to save (the native save dialog).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum FileSave {
    /// Written whole to `path` (owner-only when it holds a secret).
    Saved { path: String, bytes: u64 },
    /// The dialog was closed without a choice: nothing was written.
    Cancelled,
}

/// The result of a delete, with anything that could not be cleaned up.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Removed {
    pub id: i64,
    pub warnings: Vec<ApiError>,
}

impl App {
    pub fn new(store: Store, secrets: Arc<dyn SecretStore>, lang: Lang) -> App {
        App {
            store: Mutex::new(store),
            secrets,
            lang: RwLock::new(lang),
            extra_roots: extra_roots_from_env(),
            refresh_gates: Default::default(),
        }
    }

    /// Also trusts these CA certificates (PEM), everywhere: connection tests and OAuth
    /// (`mbadmin --ca-file`).
    pub fn with_extra_roots(mut self, pems: impl IntoIterator<Item = String>) -> App {
        self.extra_roots.extend(pems);
        self
    }

    /// The HTTP client for OAuth providers: the OS trust store, the extra CAs and the
    /// certificates of the store trusted installation-wide.
    pub(crate) fn oauth_http(&self) -> crate::oauth::Http {
        crate::oauth::Http::with_roots(&self.trusted_roots(None))
    }

    /// The CA certificates (PEM) a connection to `host` trusts besides the OS trust store:
    /// `MAILBOX_ADMIN_EXTRA_CA` / `--ca-file`, and the store's certificates trusted as
    /// roots installation-wide or for `host` (`None`: installation-wide ones only). A store
    /// that cannot be read adds nothing: the connection then says what it does not trust.
    pub(crate) fn trusted_roots(&self, host: Option<&str>) -> Vec<String> {
        let mut out = self.extra_roots.clone();
        let stored = crate::store::certs::trusted(self.db().read()).unwrap_or_default();
        for (trust, pem) in stored {
            if trust.applies_to(host) && !out.contains(&pem) {
                out.push(pem);
            }
        }
        out
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

    pub(crate) fn db(&self) -> MutexGuard<'_, Store> {
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
            unconfigured: crate::store::settings::is_unconfigured(db.read())?,
        })
    }

    // ---- secrets, for every entity ----------------------------------------------------

    /// Applies `update` to the secret of row `id`: records the reference of an entry the
    /// keyring holds the new secret under, and its state, in `<column>_ref` /
    /// `<column>_state`. The entry itself is written before this attempt's transaction, outside
    /// the database lock (`journal`): when it is not there yet, the secret is wanted and the
    /// attempt does not commit. The old entry is kept until the transaction commits and the
    /// new one is removed if it rolls back (`records::tx` settles both), so a failed or
    /// interrupted save never loses the password the row still points at, and a failed import
    /// leaves no entries behind. A keyring failure is not an error of the save: the row keeps
    /// its other fields, the secret is marked `not_stored`, and the failure comes back as a
    /// warning.
    pub(crate) fn store_secret(
        &self,
        conn: &Tx,
        entity: Entity,
        column: &str,
        id: i64,
        update: &SecretUpdate,
    ) -> Result<Vec<ApiError>> {
        let mut warnings = Vec::new();
        match update {
            SecretUpdate::Keep => {}
            SecretUpdate::Set(value) => {
                let key = format!("{}/{column}", entity.ref_prefix());
                let old = rows::secret_ref(conn, entity, column, id)?;
                match journal::take_staged(&key, column, value) {
                    // Not written yet: this attempt rolls back, the next one finds it.
                    None => {}
                    Some(Ok(r)) => {
                        journal::wrote(r.clone(), old);
                        rows::set_secret(conn, entity, column, id, Some(&r), SecretState::Stored)?;
                    }
                    Some(Err(w)) => {
                        warnings.push(w);
                        let state = SecretState::NotStored;
                        rows::set_secret(conn, entity, column, id, old.as_deref(), state)?;
                    }
                }
            }
            SecretUpdate::Clear => {
                let old = rows::secret_ref(conn, entity, column, id)?;
                journal::retire(old);
                rows::set_secret(conn, entity, column, id, None, SecretState::None)?;
            }
        }
        Ok(warnings)
    }

    /// Between two attempts of a transaction, with no lock held: writes every wanted secret
    /// under a fresh reference `<entity>/<column>/<unix seconds>-<nonce>` (the time lets a
    /// later clean-up tell a just-written entry from a forgotten one).
    pub(crate) fn stage_secrets(&self) {
        for w in journal::next_attempt() {
            let r = format!("{}/{}-{}", w.key, crate::clock::unix_now(), nonce());
            let outcome = match self.secrets.set(&r, w.value.expose()) {
                Ok(()) => Ok(r),
                Err(e) => {
                    let mut warning = Error::from(e).to_api(self.lang());
                    for f in &mut warning.fields {
                        f.field = w.column.clone();
                    }
                    warning.field = Some(w.column.clone());
                    Err(warning)
                }
            };
            journal::staged(w, outcome);
        }
    }

    /// After a write transaction: removes the entries it replaced (committed) or the ones it
    /// wrote (rolled back), and staged entries it did not take. Keyring failures here leave
    /// an unused entry, never a lost one.
    pub(crate) fn settle_secrets(&self, committed: bool) {
        let _ = self.forget_secrets(journal::take(committed).into_iter());
    }

    /// Removes the keyring entries of this app that no row refers to and that were written
    /// more than `min_age_secs` ago: what a save killed between writing its entry and its
    /// commit leaves behind. Only references in the form `stage_secrets` writes are
    /// considered (never an entry of another form), and the age keeps a save that is
    /// running in another process safe. Returns how many were removed.
    pub fn clean_keyring(&self, min_age_secs: i64) -> Result<usize> {
        let keys = self.secrets.keys()?;
        let referenced = rows::all_secret_refs(self.db().read())?;
        let cutoff = crate::clock::unix_now() - min_age_secs;
        let orphans: Vec<String> = keys
            .into_iter()
            .filter(|k| !referenced.contains(k))
            .filter(|k| staged_at(k).is_some_and(|t| t <= cutoff))
            .collect();
        let n = orphans.len();
        let failed = self.forget_secrets(orphans.into_iter());
        Ok(n - failed.len())
    }

    /// Removes keyring entries; what could not be removed is reported, not fatal.
    pub(crate) fn forget_secrets(&self, refs: impl Iterator<Item = String>) -> Vec<ApiError> {
        refs.filter_map(|r| self.secrets.delete(&r).err())
            .map(|e| Error::from(e).to_api(self.lang()))
            .collect()
    }

    /// Reads a secret by its reference (for connection tests; never shown in the UI).
    pub(crate) fn read_secret(&self, r: Option<String>) -> Result<Option<String>> {
        match r {
            Some(r) => Ok(self.secrets.get(&r)?),
            None => Ok(None),
        }
    }

    /// The stored password of a server, for its connection test. Never shown in the UI.
    pub fn server_password(&self, id: i64) -> Result<Option<String>> {
        let pref = crate::store::servers::password_ref(self.db().read(), id)?;
        self.read_secret(pref)
    }
}

mod accounts;
mod calendar;
mod certs;
pub mod detect;
pub mod domain;
mod drafts;
pub mod folders;
mod journal;
pub mod mobile;
pub mod oauth;
mod outgoing;
mod people;
pub mod probe;
mod records;
pub use records::Referenced;
mod servers;
mod settings;
mod templates;
pub mod transfer;

#[cfg(test)]
mod tests;

/// When an entry `<entity>/<column>/<unix seconds>-<16 hex>` was written (`stage_secrets`);
/// `None` for a key of any other form.
fn staged_at(key: &str) -> Option<i64> {
    let (prefix, rest) = key.split_once('/')?;
    let (column, stamp) = rest.split_once('/')?;
    let (secs, nonce) = stamp.split_once('-')?;
    let known = Entity::ALL.iter().any(|e| e.ref_prefix() == prefix);
    let column_ok = matches!(column, "password" | "secret" | "client_secret");
    let nonce_ok = nonce.len() == 16 && nonce.bytes().all(|b| b.is_ascii_hexdigit());
    (known && column_ok && nonce_ok).then(|| secs.parse().ok())?
}

/// Eight random bytes as hex: what tells two generations of one secret's entry apart.
fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("OS random source");
    b.iter().map(|x| format!("{x:02x}")).collect()
}
