use super::api;
use mailbox_admin_core::app::Removed;
use mailbox_admin_core::model::{Account, AccountInput, EffectiveOutgoing, Saved};
use mailbox_admin_core::{ApiError, App};
use tauri::State;

#[tauri::command]
pub async fn list_accounts(app: State<'_, App>, query: String) -> Result<Vec<Account>, ApiError> {
    app.list_accounts(&query).map_err(api(&app))
}

#[tauri::command]
pub async fn get_account(app: State<'_, App>, id: i64) -> Result<Account, ApiError> {
    app.get_account(id).map_err(api(&app))
}

#[tauri::command]
pub async fn create_account(
    app: State<'_, App>,
    input: AccountInput,
) -> Result<Saved<Account>, ApiError> {
    app.create_account(&input).map_err(api(&app))
}

#[tauri::command]
pub async fn update_account(
    app: State<'_, App>,
    id: i64,
    version: i64,
    input: AccountInput,
) -> Result<Saved<Account>, ApiError> {
    app.update_account(id, version, &input).map_err(api(&app))
}

#[tauri::command]
pub async fn delete_account(
    app: State<'_, App>,
    id: i64,
    version: i64,
) -> Result<Removed, ApiError> {
    app.delete_account(id, Some(version)).map_err(api(&app))
}

#[tauri::command]
pub async fn effective_outgoing(
    app: State<'_, App>,
    id: i64,
) -> Result<EffectiveOutgoing, ApiError> {
    app.effective_outgoing(id).map_err(api(&app))
}
