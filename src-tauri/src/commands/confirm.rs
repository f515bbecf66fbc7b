//! Questions the backend asks the person at the screen itself, in a native dialog that the
//! web page cannot answer: a script in the page (however it got there) cannot approve them.

use crate::ipc::Cx;
use mailbox_admin_core::{Error, Lang};

/// The question before an export that carries the passwords (sealed with the passphrase):
/// asked by the backend every time, whatever the page already asked.
fn secret_export_texts(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::De => [
            "Export mit Passwörtern",
            "Die Exportdatei enthält alle gespeicherten Passwörter und Geheimnisse, verschlüsselt mit der eingegebenen Passphrase. Wer die Datei und die Passphrase hat, kann sie lesen. Jetzt exportieren?",
            "Mit Passwörtern exportieren",
            "Abbrechen",
        ],
        Lang::En => [
            "Export with passwords",
            "The export file contains every stored password and secret, encrypted with the passphrase you entered. Whoever has the file and the passphrase can read them. Export now?",
            "Export with passwords",
            "Cancel",
        ],
    }
}

/// The answer as the command sees it: no is a cancellation that writes nothing.
pub fn secret_export_answer(yes: bool) -> Result<(), Error> {
    if yes {
        Ok(())
    } else {
        Err(Error::Cancelled("export with passwords".into()))
    }
}

/// Asks (native dialog, off the async runtime) whether the export may carry the passwords.
pub async fn secret_export(cx: &Cx) -> Result<(), Error> {
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
    let [title, text, yes, no] = secret_export_texts(cx.lang());
    let handle = cx.handle().clone();
    let answer = tauri::async_runtime::spawn_blocking(move || {
        handle
            .dialog()
            .message(text)
            .title(title)
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(yes.into(), no.into()))
            .blocking_show()
    })
    .await
    .unwrap_or(false);
    secret_export_answer(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailbox_admin_core::error::ErrorCode;

    #[test]
    fn no_is_a_cancellation_and_both_languages_ask() {
        assert!(secret_export_answer(true).is_ok());
        let e = secret_export_answer(false).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Cancelled);
        assert!(e.to_api(Lang::De).message.contains("Abgebrochen"));
        for lang in [Lang::De, Lang::En] {
            assert!(secret_export_texts(lang).iter().all(|t| !t.is_empty()));
        }
    }
}
