//! Tauri commands, one module per domain; each is a few lines that call the core.

pub mod accounts;
pub mod app;
pub mod calendar;
pub mod oauth;
pub mod outgoing;
pub mod people;
pub mod probe;
pub mod servers;
pub mod settings;

use mailbox_admin_core::{ApiError, App, Error};

/// Every command's error crosses IPC as `{ code, message, field, fields }`.
pub(crate) fn api(app: &App) -> impl Fn(Error) -> ApiError + '_ {
    move |e| app.api_error(&e)
}
