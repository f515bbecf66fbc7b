//! Connection tests: progress streams through a Channel step by step; the UI names each
//! run so that `cancel_test` can stop it at once.

use super::api;
use mailbox_admin_core::app::probe::{
    AccountTestOptions, BulkResult, BulkSummary, TestOptions, TestRun, TestTargetKind,
};
use mailbox_admin_core::probe::{CancellationToken, ProbeEvent, TestReport};
use mailbox_admin_core::{ApiError, App};
use std::collections::HashMap;
use std::sync::Mutex;
use tauri::ipc::Channel;
use tauri::State;

/// The cancellation tokens of the tests that are running, by the UI's run id.
#[derive(Default)]
pub struct Running(Mutex<HashMap<String, CancellationToken>>);

impl Running {
    pub(crate) fn start(&self, run: &str) -> CancellationToken {
        let token = CancellationToken::new();
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(run.to_string(), token.clone());
        token
    }
    pub(crate) fn finish(&self, run: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(run);
    }
}

#[tauri::command]
pub async fn test_server(
    app: State<'_, App>,
    running: State<'_, Running>,
    id: i64,
    run: String,
    options: TestOptions,
    on_event: Channel<ProbeEvent>,
) -> Result<TestReport, ApiError> {
    let cancel = running.start(&run);
    let progress = |e: &ProbeEvent| drop(on_event.send(e.clone()));
    let r = app.test_server(id, &options, &progress, &cancel).await;
    running.finish(&run);
    r.map_err(api(&app))
}

#[tauri::command]
pub async fn test_outgoing(
    app: State<'_, App>,
    running: State<'_, Running>,
    id: i64,
    run: String,
    options: TestOptions,
    on_event: Channel<ProbeEvent>,
) -> Result<TestReport, ApiError> {
    let cancel = running.start(&run);
    let progress = |e: &ProbeEvent| drop(on_event.send(e.clone()));
    let r = app.test_outgoing(id, &options, &progress, &cancel).await;
    running.finish(&run);
    r.map_err(api(&app))
}

#[tauri::command]
pub async fn test_account(
    app: State<'_, App>,
    running: State<'_, Running>,
    id: i64,
    run: String,
    options: AccountTestOptions,
    on_event: Channel<ProbeEvent>,
) -> Result<TestReport, ApiError> {
    let cancel = running.start(&run);
    let progress = |e: &ProbeEvent| drop(on_event.send(e.clone()));
    let r = app.test_account(id, &options, &progress, &cancel).await;
    running.finish(&run);
    r.map_err(api(&app))
}

/// Tests every account matching `query`, `concurrency` at a time; each result streams.
#[tauri::command]
pub async fn test_all(
    app: State<'_, App>,
    running: State<'_, Running>,
    run: String,
    query: String,
    concurrency: u32,
    options: AccountTestOptions,
    on_result: Channel<BulkResult>,
) -> Result<BulkSummary, ApiError> {
    let cancel = running.start(&run);
    let each = |r: &BulkResult| drop(on_result.send(r.clone()));
    let r = app
        .test_all(&query, concurrency as usize, &options, &each, &cancel)
        .await;
    running.finish(&run);
    r.map_err(api(&app))
}

/// Stops the named run at once (its running step ends as cancelled).
#[tauri::command]
pub async fn cancel_test(running: State<'_, Running>, run: String) -> Result<bool, ApiError> {
    let token = running
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&run)
        .cloned();
    Ok(token.map(|t| t.cancel()).is_some())
}

#[tauri::command]
pub async fn test_history(
    app: State<'_, App>,
    kind: TestTargetKind,
    id: i64,
) -> Result<Vec<TestRun>, ApiError> {
    app.test_history(kind, id).map_err(api(&app))
}
