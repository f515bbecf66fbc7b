//! Where the configuration database lives: `--db` / `MAILBOX_ADMIN_DB` override the
//! embedded default in the OS data directory (e.g. `~/.local/share/mailbox-admin/config.db`).
//! And the rule for the files the program writes for itself: owner-only, since they hold
//! test transcripts and encrypted key material.

use std::path::{Path, PathBuf};

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

/// Makes `path` readable and writable by its owner only (Unix; elsewhere the per-user
/// profile directories already keep others out).
pub fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path)?;
        if meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Creates `path` empty and owner-only if it does not exist yet, so that no other user can
/// open it in the moment between its creation and a later permission change.
pub fn create_private(path: &Path) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)?;
    make_private(path)
}

/// Writes `bytes` to `path` (replacing it) with owner-only permissions.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.exists() {
        make_private(path)?;
    } else {
        create_private(path)?;
    }
    std::fs::write(path, bytes)
}

/// Replaces `path` with `bytes` as a whole or not at all: written to a temporary file in the
/// same directory, then renamed over it. `private`: owner-only (the file holds a secret).
pub fn write_replacing(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("no file name"))?
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.part", std::process::id()));
    let written = (|| {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, if private { 0o600 } else { 0o644 });
        let mut f = o.open(&tmp)?;
        std::io::Write::write_all(&mut f, bytes)?;
        f.sync_all()?;
        drop(f);
        if private {
            make_private(&tmp)?;
        }
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn written_files_are_owner_only_even_when_they_existed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("export.json");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&p, b"new").unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let q = dir.path().join("fresh.db");
        create_private(&q).unwrap();
        assert_eq!(
            std::fs::metadata(&q).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
    }

    #[test]
    fn replaced_files_are_whole_and_private_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.mobileconfig");
        write_replacing(&p, b"secret", true).unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        write_replacing(&p, b"plain", false).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"plain");
        // Into a missing directory: an error and no file left behind.
        let q = dir.path().join("missing/x.png");
        assert!(write_replacing(&q, b"x", false).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
