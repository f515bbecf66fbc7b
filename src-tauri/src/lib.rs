//! The desktop shell: opens the core `App` (database + keyring) and exposes its operations
//! as Tauri commands. No domain logic lives here.

mod commands;

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
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .manage(app)
        .manage(commands::probe::Running::default())
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::set_language,
            commands::servers::list_servers,
            commands::servers::get_server,
            commands::servers::create_server,
            commands::servers::update_server,
            commands::servers::delete_server,
            commands::outgoing::list_outgoing,
            commands::outgoing::get_outgoing,
            commands::outgoing::create_outgoing,
            commands::outgoing::update_outgoing,
            commands::outgoing::delete_outgoing,
            commands::people::list_companies,
            commands::people::create_company,
            commands::people::update_company,
            commands::people::delete_company,
            commands::people::list_users,
            commands::people::create_user,
            commands::people::update_user,
            commands::people::delete_user,
            commands::people::import_users_csv,
            commands::people::list_groups,
            commands::people::create_group,
            commands::people::update_group,
            commands::people::delete_group,
            commands::people::list_employees,
            commands::people::create_employee,
            commands::people::update_employee,
            commands::people::delete_employee,
            commands::accounts::list_accounts,
            commands::accounts::get_account,
            commands::accounts::create_account,
            commands::accounts::update_account,
            commands::accounts::delete_account,
            commands::accounts::effective_outgoing,
            commands::oauth::list_oauth_providers,
            commands::oauth::create_oauth_provider,
            commands::oauth::update_oauth_provider,
            commands::oauth::delete_oauth_provider,
            commands::oauth::oauth_provider_defaults,
            commands::oauth::oauth_status,
            commands::oauth::oauth_connect,
            commands::oauth::oauth_disconnect,
            commands::calendar::list_calendars,
            commands::calendar::create_calendar,
            commands::calendar::update_calendar,
            commands::calendar::delete_calendar,
            commands::settings::list_certificates,
            commands::settings::import_certificate,
            commands::settings::rename_certificate,
            commands::settings::delete_certificate,
            commands::settings::get_settings,
            commands::settings::save_settings,
            commands::settings::list_templates,
            commands::settings::create_template,
            commands::settings::delete_template,
            commands::settings::list_presets,
            commands::settings::export_config,
            commands::settings::import_config,
            commands::probe::test_server,
            commands::probe::test_outgoing,
            commands::probe::test_account,
            commands::probe::test_all,
            commands::probe::cancel_test,
            commands::probe::test_history,
        ])
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
