use super::api;
use mailbox_admin_core::app::AppInfo;
use mailbox_admin_core::{ApiError, App, Lang};
use tauri::State;

#[tauri::command]
pub async fn app_info(app: State<'_, App>) -> Result<AppInfo, ApiError> {
    app.info().map_err(api(&app))
}

/// Backend messages (errors, diagnoses) follow the UI's language.
#[tauri::command]
pub async fn set_language(app: State<'_, App>, lang: Lang) -> Result<(), ApiError> {
    app.set_lang(lang);
    Ok(())
}
