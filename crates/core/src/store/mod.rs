//! The SQLite store: opening the database, migrating it (with a backup of the file first),
//! and the SQL of each entity. Foreign keys are on; every row carries a `version`.

pub mod accounts;
pub mod calendar;
pub mod certs;
/// Public for the tests that build a database of an earlier version.
pub mod migrations;
pub mod mobile;
pub mod oauth;
pub mod outgoing;
pub mod people;
pub mod rows;
pub mod servers;
pub mod settings;
pub mod test_runs;

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

pub use migrations::{latest_version, MIGRATIONS_SQL};

/// SQLite's errors stop here: above the store they are only a message.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        Error::Database(e.to_string())
    }
}

pub struct Store {
    conn: Connection,
    pub path: PathBuf,
}

/// The store as one operation sees it — a read, or the inside of a write transaction.
/// Every entity module of `store/` takes it; the layers above only pass it along, so rusqlite
/// stays inside `store/` and a second backend changes this type, not `app/`
/// (docs/ARCHITECTURE.md). Deref to the connection is for the SQL in `store/` only; a test
/// (`tests/layering.rs`) refuses SQL and rusqlite anywhere else.
#[repr(transparent)]
pub struct Tx(Connection);

impl Tx {
    fn of(conn: &Connection) -> &Tx {
        // SAFETY: `Tx` is a `repr(transparent)` wrapper of `Connection`.
        unsafe { &*(conn as *const Connection as *const Tx) }
    }
}

impl std::ops::Deref for Tx {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.0
    }
}

/// For fuzzing (`crate::fuzzing`): every input meets the same fresh database without paying
/// for the migrations again — the tables that were empty after them are emptied again.
#[cfg(any(test, feature = "fuzzing"))]
impl Store {
    /// The tables without rows (call it on a fresh database).
    pub fn empty_tables(&self) -> Result<Vec<String>> {
        let names: Vec<String> = self
            .conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut empty = Vec::new();
        for n in names {
            let rows: i64 = self.conn.query_row(
                &format!("SELECT count(*) FROM \"{}\"", n.replace('"', "\"\"")),
                [],
                |r| r.get(0),
            )?;
            if rows == 0 {
                empty.push(n);
            }
        }
        Ok(empty)
    }

    /// Rows changed since the database was opened (nothing to clear while it stays).
    pub fn total_changes(&self) -> u64 {
        self.conn.total_changes()
    }

    /// Deletes every row of `tables` and resets their row ids.
    pub fn clear_tables(&self, tables: &[String]) -> Result<()> {
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        for t in tables {
            self.conn
                .execute(&format!("DELETE FROM \"{}\"", t.replace('"', "\"\"")), [])?;
        }
        let seq: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'",
            [],
            |r| r.get(0),
        )?;
        if seq > 0 {
            self.conn.execute("DELETE FROM sqlite_sequence", [])?;
        }
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(())
    }
}

/// A write transaction: `BEGIN IMMEDIATE`, so that it holds the write lock from its start
/// (a deferred one can fail with SQLITE_BUSY_SNAPSHOT half-way), and rolls back unless
/// `commit` is called.
pub struct Write<'a>(rusqlite::Transaction<'a>);

impl Write<'_> {
    pub fn commit(self) -> Result<()> {
        Ok(self.0.commit()?)
    }
}

impl std::ops::Deref for Write<'_> {
    type Target = Tx;
    fn deref(&self) -> &Tx {
        Tx::of(&self.0)
    }
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
        // Owner-only before SQLite opens it: SQLite gives the -wal and -shm files the
        // database file's permissions.
        crate::paths::create_private(path)?;
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
        // Every list sorts names the same way (`collate`), the CLI's and the window's alike;
        // only queries use it, never the schema, so other SQLite tools can still read the file.
        conn.create_collation(crate::collate::NAME, crate::collate::compare)?;
        // Searches are case-insensitive for every letter: SQLite's own lower() and LIKE fold
        // ASCII only, so "özlem" would not find "Özlem" (`rows::search_clause`).
        conn.create_scalar_function(
            "fold_case",
            1,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8
                | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                Ok(match ctx.get_raw(0) {
                    rusqlite::types::ValueRef::Text(t) => {
                        Some(String::from_utf8_lossy(t).to_lowercase())
                    }
                    _ => None,
                })
            },
        )?;
        // WAL lets the app and a CLI over SSH use the file at the same time; the busy
        // timeout makes one wait for the other's short write instead of failing.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        // FULL: a save acknowledged to the user survives a power cut too, not only a crash
        // of the process (in WAL mode NORMAL may lose the last commits to a power cut).
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(())
    }

    /// The store for reads.
    pub fn read(&self) -> &Tx {
        Tx::of(&self.conn)
    }

    /// Starts a write transaction.
    pub fn begin(&mut self) -> Result<Write<'_>> {
        Ok(Write(self.conn.transaction_with_behavior(
            rusqlite::TransactionBehavior::Immediate,
        )?))
    }

    /// Runs `f` in a write transaction and commits only if it succeeds.
    pub fn write<T>(&mut self, f: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        let tx = self.begin()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
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
        crate::paths::make_private(&target)?;
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
