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

/// WebKitGTK's rendering: without the GL compositor unless the user asks for it.
///
/// With accelerated compositing WebKitGTK paints through OpenGL: under Xvfb (Mesa's software
/// GL) the web process carried ~80 MiB more (PSS 192 against 112 MiB at the first tab: layer
/// backing stores and the shader compiler) and a frame after the first one took 150–200 ms
/// (BENCH.md, "Launch", "Memory"). For a window of forms it gives nothing; it is also the usual
/// cure for WebKitGTK's blank windows on some GPU drivers. `WEBKIT_DISABLE_COMPOSITING_MODE=0`
/// in the environment gives the compositor back. Call first thing in the process (it sets an
/// environment variable, before any thread or WebKit runs).
pub fn rendering_defaults() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// How long the main window stays hidden at most when its page never says it loaded.
const SHOW_AT_THE_LATEST: Duration = Duration::from_secs(3);

/// Opens the main window, built from its entry in tauri.conf.json (`"create": false`) with the
/// answers the page would ask for first — `app_info` and the server list — handed to it in an
/// initialization script (`window.__MBADMIN_BOOT__`, read by `ui/src/lib/boot.ts`): the first
/// frame WebKit paints then shows the status line and the first tab without waiting for an
/// IPC round trip (BENCH.md, "Launch"). Neither holds a secret (a server's password is only
/// its state). Call in the setup hook, after the core `App` is managed.
///
/// The window is shown when its page has loaded (at the latest after `SHOW_AT_THE_LATEST`):
/// a window drawn by GTK before WebKit has painted the page makes the UI process wait for the
/// web process's first picture — up to 500 ms, while the page's own files, which the UI
/// process serves, wait too (without the compositor one launch in three or five stalled so).
pub fn open_main(app: &tauri::App) -> tauri::Result<()> {
    use tauri::Manager;
    let Some(config) = app.config().app.windows.first().cloned() else {
        return Ok(());
    };
    let script = boot_script(&app.state::<mailbox_admin_core::App>());
    let window = tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
        .initialization_script(&script)
        .on_page_load(|window, load| {
            if load.event() == tauri::webview::PageLoadEvent::Finished {
                let _ = window.show();
            }
        })
        .build()?;
    std::thread::spawn(move || {
        std::thread::sleep(SHOW_AT_THE_LATEST);
        if !window.is_visible().unwrap_or(true) {
            let _ = window.show();
        }
    });
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
