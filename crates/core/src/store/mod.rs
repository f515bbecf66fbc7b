//! The SQLite store: opening the database, migrating it (with a backup of the file first),
//! and the SQL of each entity. Foreign keys are on; every row carries a `version`.

pub mod accounts;
pub mod calendar;
pub mod certs;
mod migrations;
pub mod oauth;
pub mod outgoing;
pub mod people;
pub mod rows;
pub mod servers;
pub mod settings;

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

pub use migrations::{latest_version, MIGRATIONS_SQL};

pub struct Store {
    pub conn: Connection,
    pub path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with(path, MIGRATIONS_SQL)
    }

    /// Opens `path` and applies `migrations` (the real list, or a longer one in tests).
    pub fn open_with(path: &Path, migrations: &[&str]) -> Result<Store> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Self::configure(&conn)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate(migrations)?;
        Ok(store)
    }

    /// An in-memory database, for unit tests.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        Self::configure(&conn)?;
        let mut store = Store {
            conn,
            path: PathBuf::from(":memory:"),
        };
        store.migrate(MIGRATIONS_SQL)?;
        Ok(store)
    }

    fn configure(conn: &Connection) -> Result<()> {
        // WAL lets the app and a CLI over SSH use the file at the same time; the busy
        // timeout makes one wait for the other's short write instead of failing.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self, list: &[&str]) -> Result<()> {
        let current = self.schema_version()?;
        let latest = list.len() as i64;
        if current > latest {
            return Err(Error::TooNew {
                path: self.path.display().to_string(),
                found: current,
                known: latest,
            });
        }
        if current == latest {
            return Ok(());
        }
        let backup = if current > 0 && self.path != Path::new(":memory:") {
            Some(self.backup(current)?)
        } else {
            None
        };
        migrations::migrations(list)
            .to_latest(&mut self.conn)
            .map_err(|e| Error::Migration {
                path: self.path.display().to_string(),
                detail: e.to_string(),
                backup: backup
                    .as_ref()
                    .map(|b| b.display().to_string())
                    .unwrap_or_else(|| "-".into()),
            })?;
        Ok(())
    }

    /// A consistent copy of the database, taken before a migration changes it:
    /// `config.db.v<N>-<timestamp>.bak` beside the file.
    pub fn backup(&self, from_version: i64) -> Result<PathBuf> {
        let stamp = time::OffsetDateTime::now_utc()
            .format(time::macros::format_description!(
                "[year][month][day]-[hour][minute][second]"
            ))
            .unwrap_or_default();
        let name = format!(
            "{}.v{from_version}-{stamp}.bak",
            self.path.file_name().unwrap_or_default().to_string_lossy()
        );
        let target = self.path.with_file_name(name);
        if target.exists() {
            std::fs::remove_file(&target)?;
        }
        self.conn
            .execute("VACUUM INTO ?1", [target.to_string_lossy().as_ref()])?;
        Ok(target)
    }
}

pub use crate::clock::now;

/// A random identifier for rows: keyring references and exports use it, not the row id.
pub fn new_uid() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("OS random source");
    b.iter().map(|x| format!("{x:02x}")).collect()
}
