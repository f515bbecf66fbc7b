use super::api;
use mailbox_admin_core::app::Removed;
use mailbox_admin_core::model::{OutgoingInput, OutgoingServer, Saved};
use mailbox_admin_core::{ApiError, App};
use tauri::State;

#[tauri::command]
pub async fn list_outgoing(
    app: State<'_, App>,
    query: String,
) -> Result<Vec<OutgoingServer>, ApiError> {
    app.list_outgoing(&query).map_err(api(&app))
}

#[tauri::command]
pub async fn get_outgoing(app: State<'_, App>, id: i64) -> Result<OutgoingServer, ApiError> {
    app.get_outgoing(id).map_err(api(&app))
}

#[tauri::command]
pub async fn create_outgoing(
    app: State<'_, App>,
    input: OutgoingInput,
) -> Result<Saved<OutgoingServer>, ApiError> {
    app.create_outgoing(&input).map_err(api(&app))
}

#[tauri::command]
pub async fn update_outgoing(
    app: State<'_, App>,
    id: i64,
    version: i64,
    input: OutgoingInput,
) -> Result<Saved<OutgoingServer>, ApiError> {
    app.update_outgoing(id, version, &input).map_err(api(&app))
}

#[tauri::command]
pub async fn delete_outgoing(
    app: State<'_, App>,
    id: i64,
    version: i64,
) -> Result<Removed, ApiError> {
    app.delete_outgoing(id, Some(version)).map_err(api(&app))
}
