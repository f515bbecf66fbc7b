//! Where the configuration database lives: `--db` / `MAILBOX_ADMIN_DB` override the
//! embedded default in the OS data directory (e.g. `~/.local/share/mailbox-admin/config.db`).

use std::path::PathBuf;

pub const DB_ENV: &str = "MAILBOX_ADMIN_DB";

/// The database path the app and the CLI use when none is given.
pub fn default_db_path() -> PathBuf {
    if let Ok(p) = std::env::var(DB_ENV) {
        if !p.trim().is_empty() {
            return PathBuf::from(p);
        }
    }
    match directories::ProjectDirs::from("", "", "mailbox-admin") {
        Some(dirs) => dirs.data_dir().join("config.db"),
        None => PathBuf::from("config.db"),
    }
}

/// An explicit path wins over the environment and the default.
pub fn resolve_db_path(explicit: Option<PathBuf>) -> PathBuf {
    explicit.unwrap_or_else(default_db_path)
}
