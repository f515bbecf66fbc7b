//! The desktop shell: opens the core `App` (database + keyring) and exposes its operations
//! as Tauri commands. No domain logic lives here.
// The one `commands!` table expands every command through nested macros; with both the
// domain check and detection in it the default limit (128) is reached.
#![recursion_limit = "512"]

mod commands;
mod ipc;
mod marks;
mod window;

use mailbox_admin_core::{paths, App, Lang};
use std::path::PathBuf;

/// `--db PATH` (or `--db=PATH`) from the command line; `MAILBOX_ADMIN_DB` and the OS data
/// directory are the fall-backs, as for `mbadmin`.
fn db_arg(args: impl Iterator<Item = String>) -> Option<PathBuf> {
    let mut args = args;
    args.next(); // the program's own path
    while let Some(a) = args.next() {
        if a == "--db" {
            return args.next().map(PathBuf::from);
        }
        if let Some(p) = a.strip_prefix("--db=") {
            return Some(PathBuf::from(p));
        }
    }
    None
}

pub fn run() {
    marks::start();
    window::rendering_defaults();
    let db = paths::resolve_db_path(db_arg(std::env::args()));
    let app = match App::open(&db, Lang::from_env()) {
        Ok(app) => app,
        Err(e) => {
            // Nothing sensible can be shown without a database: say why and where.
            eprintln!(
                "Mailbox Admin cannot open {}: {}",
                db.display(),
                e.to_api(Lang::from_env()).message
            );
            std::process::exit(1);
        }
    };
    marks::mark("app-open");
    // Commands run as tasks on Tauri's tokio runtime. A connection test nests many async
    // steps (TLS, then a second look by the OS's TLS stack over STARTTLS), which in a debug
    // build overflowed the default 2 MiB worker stack (a segfault of the whole window):
    // give the workers the main thread's 8 MiB.
    if let Ok(rt) = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 * 1024 * 1024)
        .build()
    {
        tauri::async_runtime::set(rt.handle().clone());
        // The runtime lives as long as the process.
        std::mem::forget(rt);
    }
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(window::plugin())
        .on_window_event({
            let saver = window::Saver::default();
            move |w, event| {
                use tauri::Manager;
                saver.on_event(w.app_handle(), event)
            }
        })
        .manage(app)
        .manage(commands::probe::Running::default())
        .invoke_handler(commands::handler())
        .setup(|app| {
            marks::mark("setup");
            window::open_main(app)?;
            // Keyring entries left by a save that was killed before its commit; entries
            // younger than an hour may belong to a save running in another process.
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                use tauri::Manager;
                let _ = handle.state::<App>().clean_keyring(3600);
            });
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running Mailbox Admin");
}

#[cfg(test)]
mod tests {
    use super::db_arg;
    use std::path::PathBuf;

    fn args(v: &[&str]) -> impl Iterator<Item = String> {
        v.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn db_path_is_taken_from_either_form_of_the_flag() {
        assert_eq!(
            db_arg(args(&["app", "--db", "/x.db"])),
            Some(PathBuf::from("/x.db"))
        );
        assert_eq!(
            db_arg(args(&["app", "--db=/y.db"])),
            Some(PathBuf::from("/y.db"))
        );
        assert_eq!(db_arg(args(&["app"])), None);
    }
}
