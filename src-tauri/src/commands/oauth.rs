//! OAuth providers and account connections. A connect reports over a Channel (the URL to
//! open, or the device code to show) and can be cancelled like a test (`cancel_test`).

use super::api;
use super::probe::Running;
use mailbox_admin_core::app::oauth::{ConnectEvent, ConnectOptions, Disconnected, OauthStatus};
use mailbox_admin_core::app::Removed;
use mailbox_admin_core::model::{OauthProvider, OauthProviderInput, Saved};
use mailbox_admin_core::{ApiError, App};
use tauri::ipc::Channel;
use tauri::State;
use tauri_plugin_opener::OpenerExt;

#[tauri::command]
pub async fn list_oauth_providers(
    app: State<'_, App>,
    query: String,
) -> Result<Vec<OauthProvider>, ApiError> {
    app.list_oauth_providers(&query).map_err(api(&app))
}

#[tauri::command]
pub async fn create_oauth_provider(
    app: State<'_, App>,
    input: OauthProviderInput,
) -> Result<Saved<OauthProvider>, ApiError> {
    app.create_oauth_provider(&input).map_err(api(&app))
}

#[tauri::command]
pub async fn update_oauth_provider(
    app: State<'_, App>,
    id: i64,
    version: i64,
    input: OauthProviderInput,
) -> Result<Saved<OauthProvider>, ApiError> {
    app.update_oauth_provider(id, version, &input)
        .map_err(api(&app))
}

#[tauri::command]
pub async fn delete_oauth_provider(
    app: State<'_, App>,
    id: i64,
    version: i64,
) -> Result<Removed, ApiError> {
    app.delete_oauth_provider(id, Some(version))
        .map_err(api(&app))
}

/// "Use defaults": standard endpoints and scopes (OpenID Connect: from discovery).
#[tauri::command]
pub async fn oauth_provider_defaults(
    app: State<'_, App>,
    input: OauthProviderInput,
) -> Result<OauthProviderInput, ApiError> {
    app.oauth_provider_defaults(&input).await.map_err(api(&app))
}

#[tauri::command]
pub async fn oauth_status(app: State<'_, App>, account_id: i64) -> Result<OauthStatus, ApiError> {
    app.oauth_status(account_id).map_err(api(&app))
}

#[tauri::command]
pub async fn oauth_connect(
    handle: tauri::AppHandle,
    app: State<'_, App>,
    running: State<'_, Running>,
    account_id: i64,
    run: String,
    options: ConnectOptions,
    on_event: Channel<ConnectEvent>,
) -> Result<OauthStatus, ApiError> {
    let cancel = running.start(&run);
    let each = |e: ConnectEvent| {
        if let ConnectEvent::OpenBrowser { url } = &e {
            // The window shows the link as well, in case no browser opens.
            let _ = handle.opener().open_url(url, None::<&str>);
        }
        let _ = on_event.send(e);
    };
    let r = app
        .oauth_connect(account_id, &options, &each, &cancel)
        .await;
    running.finish(&run);
    r.map_err(api(&app))
}

#[tauri::command]
pub async fn oauth_disconnect(
    app: State<'_, App>,
    account_id: i64,
) -> Result<Disconnected, ApiError> {
    app.oauth_disconnect(account_id).await.map_err(api(&app))
}
