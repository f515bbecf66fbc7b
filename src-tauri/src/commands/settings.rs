use super::api;
use mailbox_admin_core::app::Removed;
use mailbox_admin_core::export::{ExportOptions, ImportOptions, ImportReport};
use mailbox_admin_core::model::*;
use mailbox_admin_core::{ApiError, App};
use tauri::State;

#[tauri::command]
pub async fn list_certificates(
    app: State<'_, App>,
    query: String,
) -> Result<Vec<Certificate>, ApiError> {
    app.list_certificates(&query).map_err(api(&app))
}

#[tauri::command]
pub async fn import_certificate(
    app: State<'_, App>,
    input: CertImport,
) -> Result<Saved<Certificate>, ApiError> {
    app.import_certificate(&input).map_err(api(&app))
}

#[tauri::command]
pub async fn rename_certificate(
    app: State<'_, App>,
    id: i64,
    version: i64,
    name: String,
) -> Result<Certificate, ApiError> {
    app.rename_certificate(id, version, &name)
        .map_err(api(&app))
}

#[tauri::command]
pub async fn delete_certificate(
    app: State<'_, App>,
    id: i64,
    version: i64,
) -> Result<Removed, ApiError> {
    app.delete_certificate(id, Some(version)).map_err(api(&app))
}

#[tauri::command]
pub async fn get_settings(app: State<'_, App>) -> Result<GeneralSettings, ApiError> {
    app.get_settings().map_err(api(&app))
}

#[tauri::command]
pub async fn save_settings(
    app: State<'_, App>,
    settings: GeneralSettings,
) -> Result<GeneralSettings, ApiError> {
    app.save_settings(&settings).map_err(api(&app))
}

#[tauri::command]
pub async fn list_templates(app: State<'_, App>, query: String) -> Result<Vec<Template>, ApiError> {
    app.list_templates(&query).map_err(api(&app))
}

#[tauri::command]
pub async fn create_template(
    app: State<'_, App>,
    input: TemplateInput,
) -> Result<Template, ApiError> {
    app.create_template(&input).map_err(api(&app))
}

#[tauri::command]
pub async fn delete_template(
    app: State<'_, App>,
    id: i64,
    version: i64,
) -> Result<Removed, ApiError> {
    app.delete_template(id, Some(version)).map_err(api(&app))
}

#[tauri::command]
pub async fn list_presets(app: State<'_, App>) -> Result<Vec<Preset>, ApiError> {
    Ok(app.presets())
}

/// The configuration as JSON text (the UI saves it where the user chooses).
#[tauri::command]
pub async fn export_config(
    app: State<'_, App>,
    options: ExportOptions,
) -> Result<String, ApiError> {
    let doc = app.export_config(&options).map_err(api(&app))?;
    Ok(serde_json::to_string_pretty(&doc).unwrap_or_default())
}

#[tauri::command]
pub async fn import_config(
    app: State<'_, App>,
    json: String,
    options: ImportOptions,
) -> Result<ImportReport, ApiError> {
    let doc: serde_json::Value = serde_json::from_str(&json).map_err(|e| {
        app.api_error(&mailbox_admin_core::Error::Validation(vec![
            mailbox_admin_core::error::FieldIssue::new(
                "file",
                mailbox_admin_core::diag::FieldCode::InvalidJson,
            )
            .arg("reason", e.to_string()),
        ]))
    })?;
    app.import_config(&doc, &options).map_err(api(&app))
}
