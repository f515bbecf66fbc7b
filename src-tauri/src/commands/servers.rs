use super::api;
use mailbox_admin_core::app::Removed;
use mailbox_admin_core::model::{IncomingServer, Saved, ServerInput};
use mailbox_admin_core::{ApiError, App};
use tauri::State;

#[tauri::command]
pub async fn list_servers(
    app: State<'_, App>,
    query: String,
) -> Result<Vec<IncomingServer>, ApiError> {
    app.list_servers(&query).map_err(api(&app))
}

#[tauri::command]
pub async fn get_server(app: State<'_, App>, id: i64) -> Result<IncomingServer, ApiError> {
    app.get_server(id).map_err(api(&app))
}

#[tauri::command]
pub async fn create_server(
    app: State<'_, App>,
    input: ServerInput,
) -> Result<Saved<IncomingServer>, ApiError> {
    app.create_server(&input).map_err(api(&app))
}

#[tauri::command]
pub async fn update_server(
    app: State<'_, App>,
    id: i64,
    version: i64,
    input: ServerInput,
) -> Result<Saved<IncomingServer>, ApiError> {
    app.update_server(id, version, &input).map_err(api(&app))
}

#[tauri::command]
pub async fn delete_server(
    app: State<'_, App>,
    id: i64,
    version: i64,
) -> Result<Removed, ApiError> {
    app.delete_server(id, Some(version)).map_err(api(&app))
}
