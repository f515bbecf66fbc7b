//! Files the window writes, always where the person at the screen picks in the native save
//! dialog, which the backend shows itself: the page cannot choose a path, and nothing (least
//! of all a secret) is written without that choice. Files holding a secret are owner-only.

use crate::ipc::Cx;
use mailbox_admin_core::app::FileSave;
use mailbox_admin_core::{paths, Error, Lang};

/// The dialog's title.
fn title(lang: Lang, export: bool) -> &'static str {
    match (lang, export) {
        (Lang::De, true) => "Konfiguration exportieren",
        (Lang::De, false) => "Datei speichern",
        (Lang::En, true) => "Export configuration",
        (Lang::En, false) => "Save file",
    }
}

/// Asks where (native dialog, off the async runtime), then writes `bytes` whole there.
pub async fn save_as(
    cx: &Cx,
    suggested: &str,
    bytes: Vec<u8>,
    private: bool,
    export: bool,
) -> Result<FileSave, Error> {
    use tauri::Manager;
    use tauri_plugin_dialog::DialogExt;
    let handle = cx.handle().clone();
    let name = file_name(suggested);
    let title = title(cx.lang(), export);
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let mut dialog = handle.dialog().file().set_title(title).set_file_name(name);
        if let Some(w) = handle.get_webview_window("main") {
            dialog = dialog.set_parent(&w);
        }
        dialog.blocking_save_file()
    })
    .await
    .ok()
    .flatten();
    let Some(picked) = picked else {
        return Ok(FileSave::Cancelled);
    };
    let path = picked
        .into_path()
        .map_err(|e| Error::Io(std::io::Error::other(format!("the chosen file: {e}"))))?;
    write(&path, &bytes, private)
}

/// Writes the file (owner-only when `private`) and says where.
pub fn write(path: &std::path::Path, bytes: &[u8], private: bool) -> Result<FileSave, Error> {
    paths::write_replacing(path, bytes, private)?;
    Ok(FileSave::Saved {
        path: path.display().to_string(),
        bytes: bytes.len() as u64,
    })
}

/// The suggested name, without any directory a caller put into it.
fn file_name(suggested: &str) -> String {
    let base = suggested.rsplit(['/', '\\']).next().unwrap_or("");
    if base.is_empty() || base == "." || base == ".." {
        "export".into()
    } else {
        base.into()
    }
}

/// base64 from the page; broken input is a field error of `data_base64`.
pub fn decode(data: &str) -> Result<Vec<u8>, Error> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| {
            Error::Validation(vec![mailbox_admin_core::error::FieldIssue::new(
                "data_base64",
                mailbox_admin_core::diag::FieldCode::InvalidJson,
            )
            .arg("reason", e.to_string())])
        })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_saved_secret_is_owner_only_and_other_files_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("export.json");
        let saved = write(&p, b"{\"sealed\": true}", true).unwrap();
        assert_eq!(
            saved,
            FileSave::Saved {
                path: p.display().to_string(),
                bytes: 16
            }
        );
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&p), 0o600);
        let q = dir.path().join("config-v1.1.xml");
        write(&q, b"<clientConfig/>", false).unwrap();
        assert_eq!(mode(&q), 0o644);
        assert_eq!(std::fs::read(&q).unwrap(), b"<clientConfig/>");
    }

    #[test]
    fn the_suggested_name_cannot_carry_a_directory() {
        assert_eq!(file_name("../../etc/passwd"), "passwd");
        assert_eq!(file_name("a\\b.json"), "b.json");
        assert_eq!(file_name(".."), "export");
        assert_eq!(
            file_name("mailbox-admin-export.json"),
            "mailbox-admin-export.json"
        );
    }

    #[test]
    fn broken_base64_is_a_field_error_and_both_languages_have_a_title() {
        let e = decode("not base64!").unwrap_err();
        assert_eq!(e.to_api(Lang::En).fields[0].field, "data_base64");
        assert_eq!(decode("aGk=").unwrap(), b"hi");
        assert_ne!(title(Lang::De, true), title(Lang::En, true));
    }
}
