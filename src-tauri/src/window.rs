//! The window opens where and as large as it was left: tauri-plugin-window-state restores
//! size, position and the maximized state at start. The plugin saves only when the app
//! exits in an orderly way; a window ended by the session (log-out, a kill, a crash) would
//! forget a resize. So every resize or move is saved too, half a second after the last one.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Runtime, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// What is remembered of the window.
pub const FLAGS: StateFlags = StateFlags::SIZE
    .union(StateFlags::POSITION)
    .union(StateFlags::MAXIMIZED);

const SETTLE: Duration = Duration::from_millis(500);

pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_window_state::Builder::default()
        .with_state_flags(FLAGS)
        .build()
}

/// Saves the window state once resizing or moving has settled.
#[derive(Default, Clone)]
pub struct Saver(Arc<AtomicU64>);

impl Saver {
    pub fn on_event<R: Runtime>(&self, app: &AppHandle<R>, event: &WindowEvent) {
        if !matches!(event, WindowEvent::Resized(_) | WindowEvent::Moved(_)) {
            return;
        }
        let mine = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        let latest = self.0.clone();
        let app = app.clone();
        std::thread::spawn(move || {
            std::thread::sleep(SETTLE);
            if latest.load(Ordering::SeqCst) == mine {
                let _ = app.save_window_state(FLAGS);
            }
        });
    }
}

/// Opens the main window, built from its entry in tauri.conf.json (`"create": false`) with the
/// answers the page would ask for first — `app_info` and the server list — handed to it in an
/// initialization script (`window.__MBADMIN_BOOT__`, read by `ui/src/lib/boot.ts`): the first
/// frame WebKit paints then shows the status line and the first tab without waiting for an
/// IPC round trip (BENCH.md, "Launch"). Neither holds a secret (a server's password is only
/// its state). Call in the setup hook, after the core `App` is managed.
pub fn open_main(app: &tauri::App) -> tauri::Result<()> {
    use tauri::Manager;
    let Some(config) = app.config().app.windows.first().cloned() else {
        return Ok(());
    };
    let script = boot_script(&app.state::<mailbox_admin_core::App>());
    tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
        .initialization_script(&script)
        .build()?;
    Ok(())
}

/// `window.__MBADMIN_BOOT__ = {"info":…,"servers":…};`, each `null` when the core could not
/// answer (the page then asks itself and shows the error where it always does).
fn boot_script(core: &mailbox_admin_core::App) -> String {
    let boot = serde_json::json!({
        "info": core.info().ok(),
        "servers": core.list_servers("").ok(),
    });
    format!("window.__MBADMIN_BOOT__ = {boot};")
}
