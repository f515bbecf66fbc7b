use super::api;
use mailbox_admin_core::app::Removed;
use mailbox_admin_core::model::*;
use mailbox_admin_core::{ApiError, App};
use tauri::State;

#[tauri::command]
pub async fn list_companies(app: State<'_, App>, query: String) -> Result<Vec<Company>, ApiError> {
    app.list_companies(&query).map_err(api(&app))
}

#[tauri::command]
pub async fn create_company(app: State<'_, App>, input: CompanyInput) -> Result<Company, ApiError> {
    app.create_company(&input).map_err(api(&app))
}

#[tauri::command]
pub async fn update_company(
    app: State<'_, App>,
    id: i64,
    version: i64,
    input: CompanyInput,
) -> Result<Company, ApiError> {
    app.update_company(id, version, &input).map_err(api(&app))
}

#[tauri::command]
pub async fn delete_company(
    app: State<'_, App>,
    id: i64,
    version: i64,
) -> Result<Removed, ApiError> {
    app.delete_company(id, Some(version)).map_err(api(&app))
}

#[tauri::command]
pub async fn list_users(app: State<'_, App>, query: String) -> Result<Vec<User>, ApiError> {
    app.list_users(&query).map_err(api(&app))
}

#[tauri::command]
pub async fn create_user(app: State<'_, App>, input: UserInput) -> Result<User, ApiError> {
    app.create_user(&input).map_err(api(&app))
}

#[tauri::command]
pub async fn update_user(
    app: State<'_, App>,
    id: i64,
    version: i64,
    input: UserInput,
) -> Result<User, ApiError> {
    app.update_user(id, version, &input).map_err(api(&app))
}

#[tauri::command]
pub async fn delete_user(app: State<'_, App>, id: i64, version: i64) -> Result<Removed, ApiError> {
    app.delete_user(id, Some(version)).map_err(api(&app))
}

#[tauri::command]
pub async fn import_users_csv(
    app: State<'_, App>,
    csv: String,
) -> Result<Vec<ImportRow>, ApiError> {
    app.import_users_csv(&csv).map_err(api(&app))
}

#[tauri::command]
pub async fn list_groups(app: State<'_, App>, query: String) -> Result<Vec<Group>, ApiError> {
    app.list_groups(&query).map_err(api(&app))
}

#[tauri::command]
pub async fn create_group(app: State<'_, App>, input: GroupInput) -> Result<Group, ApiError> {
    app.create_group(&input).map_err(api(&app))
}

#[tauri::command]
pub async fn update_group(
    app: State<'_, App>,
    id: i64,
    version: i64,
    input: GroupInput,
) -> Result<Group, ApiError> {
    app.update_group(id, version, &input).map_err(api(&app))
}

#[tauri::command]
pub async fn delete_group(
    app: State<'_, App>,
    id: i64,
    version: i64,
    fate: MailboxFate,
) -> Result<Removed, ApiError> {
    app.delete_group(id, Some(version), fate).map_err(api(&app))
}

#[tauri::command]
pub async fn list_employees(app: State<'_, App>, query: String) -> Result<Vec<Employee>, ApiError> {
    app.list_employees(&query).map_err(api(&app))
}

#[tauri::command]
pub async fn create_employee(
    app: State<'_, App>,
    input: EmployeeInput,
) -> Result<Employee, ApiError> {
    app.create_employee(&input).map_err(api(&app))
}

#[tauri::command]
pub async fn update_employee(
    app: State<'_, App>,
    id: i64,
    version: i64,
    input: EmployeeInput,
) -> Result<Employee, ApiError> {
    app.update_employee(id, version, &input).map_err(api(&app))
}

#[tauri::command]
pub async fn delete_employee(
    app: State<'_, App>,
    id: i64,
    version: i64,
) -> Result<Removed, ApiError> {
    app.delete_employee(id, Some(version)).map_err(api(&app))
}
