use super::api;
use mailbox_admin_core::app::Removed;
use mailbox_admin_core::model::{CalendarAccount, CalendarInput, Saved};
use mailbox_admin_core::{ApiError, App};
use tauri::State;

#[tauri::command]
pub async fn list_calendars(
    app: State<'_, App>,
    query: String,
) -> Result<Vec<CalendarAccount>, ApiError> {
    app.list_calendars(&query).map_err(api(&app))
}

#[tauri::command]
pub async fn create_calendar(
    app: State<'_, App>,
    input: CalendarInput,
) -> Result<Saved<CalendarAccount>, ApiError> {
    app.create_calendar(&input).map_err(api(&app))
}

#[tauri::command]
pub async fn update_calendar(
    app: State<'_, App>,
    id: i64,
    version: i64,
    input: CalendarInput,
) -> Result<Saved<CalendarAccount>, ApiError> {
    app.update_calendar(id, version, &input).map_err(api(&app))
}

#[tauri::command]
pub async fn delete_calendar(
    app: State<'_, App>,
    id: i64,
    version: i64,
) -> Result<Removed, ApiError> {
    app.delete_calendar(id, Some(version)).map_err(api(&app))
}
