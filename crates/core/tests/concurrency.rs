//! Several processes writing one database at once: every write lands or is a clean version
//! conflict — never "database is locked". The test re-runs its own binary as the writers.

#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::*;
use mailbox_admin_core::error::ErrorCode;
use mailbox_admin_core::model::SecretUpdate;
use mailbox_admin_core::Lang;
use std::path::Path;
use std::process::Command;

const WRITERS: usize = 3;
const RECORDS: usize = 300;
const DB_ENV: &str = "MBA_CONCURRENCY_DB";
const NAME_ENV: &str = "MBA_CONCURRENCY_WRITER";

/// One writer (a child process): `RECORDS` new servers with a password, and after every
/// tenth an edit of the shared server from a version read just before. Prints its tally.
#[test]
fn writer() {
    let (Ok(db), Ok(me)) = (std::env::var(DB_ENV), std::env::var(NAME_ENV)) else {
        return; // Only as a child of the test below.
    };
    let (app, _) = app_at(Path::new(&db), Lang::En);
    let (mut ok, mut conflicts, mut other) = (0, 0, Vec::new());
    let mut tally = |r: Result<(), mailbox_admin_core::Error>| match r {
        Ok(()) => ok += 1,
        Err(e) if e.code() == ErrorCode::Conflict => conflicts += 1,
        Err(e) => other.push(e.to_string()),
    };
    for i in 0..RECORDS {
        let mut input = server_input(&format!("{me}-{i}"), "imap.example.com");
        input.password = SecretUpdate::set(format!("pw-{me}-{i}"));
        tally(app.create_server(&input).map(|_| ()));
        if i % 10 == 0 {
            let shared = app.list_servers("Gemeinsam").unwrap().remove(0);
            let mut edit = server_input("Gemeinsam", &format!("{me}-{i}.example.com"));
            edit.timeout_secs = 30;
            tally(
                app.update_server(shared.id, shared.version, &edit)
                    .map(|_| ()),
            );
        }
    }
    println!("TALLY ok={ok} conflicts={conflicts} other={}", other.len());
    for e in other {
        println!("ERROR {e}");
    }
}

#[test]
fn three_processes_writing_at_once_never_see_a_locked_database() {
    if std::env::var(DB_ENV).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("config.db");
    {
        let (app, _) = app_at(&db, Lang::En);
        app.create_server(&server_input("Gemeinsam", "imap.example.com"))
            .unwrap();
    }
    let me = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..WRITERS)
        .map(|w| {
            Command::new(&me)
                .args(["--exact", "writer", "--nocapture", "--test-threads=1"])
                .env(DB_ENV, &db)
                .env(NAME_ENV, format!("w{w}"))
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let (mut ok, mut conflicts) = (0usize, 0usize);
    for child in children {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        let tally = text
            .lines()
            .find_map(|l| l.split_once("TALLY ").map(|(_, t)| t))
            .unwrap_or_else(|| panic!("no tally: {text}"));
        let n = |k: &str| -> usize {
            tally
                .split(' ')
                .find_map(|p| p.strip_prefix(&format!("{k}=")))
                .unwrap()
                .parse()
                .unwrap()
        };
        assert_eq!(
            n("other"),
            0,
            "errors other than a version conflict:\n{text}"
        );
        ok += n("ok");
        conflicts += n("conflicts");
    }
    let edits = WRITERS * RECORDS / 10;
    println!("{WRITERS} writers: {ok} writes landed, {conflicts} clean version conflicts");
    assert_eq!(ok + conflicts, WRITERS * RECORDS + edits);
    let (app, _) = app_at(&db, Lang::En);
    // Every create landed (names are distinct), and the database is whole.
    assert_eq!(app.list_servers("").unwrap().len(), WRITERS * RECORDS + 1);
    let check: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

/// Saves record `$id` from the version read first (lands), saves again from that same
/// version (refused: changed elsewhere), deletes from it (refused), then deletes from the
/// current version (lands). `$update` builds the save from the record and a version.
macro_rules! stale_refused {
    ($app:ident, $id:expr, $get:ident, $delete:expr, |$rec:ident, $v:ident| $update:expr) => {{
        let id = $id;
        let $rec = $app.$get(id).unwrap();
        let $v = $rec.version;
        let first = $v;
        $update.expect(concat!(stringify!($get), ": the first save lands"));
        let err = $update.expect_err(concat!(stringify!($get), ": a stale save is refused"));
        assert_eq!(err.code(), ErrorCode::Conflict, "{}", stringify!($get));
        let delete = $delete;
        let err = delete(id, Some(first)).expect_err("a stale delete is refused");
        assert_eq!(
            err.code(),
            ErrorCode::Conflict,
            "{}: delete",
            stringify!($get)
        );
        assert!($app.$get(id).is_ok(), "{}: still there", stringify!($get));
        delete(id, Some($app.$get(id).unwrap().version)).unwrap();
        assert!($app.$get(id).is_err(), "{}: deleted", stringify!($get));
    }};
}

#[test]
fn a_stale_version_is_refused_for_every_entity_on_save_and_on_delete() {
    use mailbox_admin_core::model::*;
    let (_dir, app) = tmp_app();
    let user = add_user(&app, "anna", "");
    let group = add_group(&app, "Vertrieb", &[user]);
    let employee = app
        .create_employee(&EmployeeInput {
            name: "Erika".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let account = app
        .create_account(&AccountInput {
            name: "Postfach".into(),
            email: "info@example.com".into(),
            owner: Some(Owner::User(user)),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let calendar = app
        .create_calendar(&CalendarInput {
            name: "Kalender".into(),
            employee_id: Some(employee),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let provider = app
        .create_oauth_provider(&OauthProviderInput {
            name: "Entra".into(),
            tenant_id: "contoso.onmicrosoft.com".into(),
            client_id: "11111111-2222-3333-4444-555555555555".into(),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let template = app
        .create_template(&TemplateInput {
            name: "Vorlage".into(),
            kind: TemplateKind::Incoming,
            data: serde_json::json!({}),
        })
        .unwrap()
        .id;
    let server = add_server(&app, server_input("IMAP", "imap.example.com"));
    let outgoing = add_outgoing(&app, outgoing_input("SMTP", "smtp.example.com"));
    let company = add_company(&app, "Firma", None);

    stale_refused!(
        app,
        account,
        get_account,
        |i, v| app.delete_account(i, v),
        |r, v| app.update_account(r.id, v, &AccountInput::from(&r))
    );
    stale_refused!(
        app,
        calendar,
        get_calendar,
        |i, v| app.delete_calendar(i, v),
        |r, v| app.update_calendar(r.id, v, &CalendarInput::from(&r))
    );
    stale_refused!(
        app,
        employee,
        get_employee,
        |i, v| app.delete_employee(i, v),
        |r, v| app.update_employee(r.id, v, &EmployeeInput::from(&r))
    );
    stale_refused!(
        app,
        group,
        get_group,
        |i, v| app.delete_group(i, v, MailboxFate::Refuse),
        |r, v| app.update_group(r.id, v, &GroupInput::from(&r))
    );
    stale_refused!(app, user, get_user, |i, v| app.delete_user(i, v), |r, v| {
        app.update_user(r.id, v, &UserInput::from(&r))
    });
    stale_refused!(
        app,
        company,
        get_company,
        |i, v| app.delete_company(i, v),
        |r, v| app.update_company(r.id, v, &CompanyInput::from(&r))
    );
    stale_refused!(
        app,
        server,
        get_server,
        |i, v| app.delete_server(i, v),
        |r, v| app.update_server(r.id, v, &ServerInput::from(&r))
    );
    stale_refused!(
        app,
        outgoing,
        get_outgoing,
        |i, v| app.delete_outgoing(i, v),
        |r, v| app.update_outgoing(r.id, v, &OutgoingInput::from(&r))
    );
    stale_refused!(
        app,
        provider,
        get_oauth_provider,
        |i, v| app.delete_oauth_provider(i, v),
        |r, v| app.update_oauth_provider(r.id, v, &OauthProviderInput::from(&r))
    );
    stale_refused!(
        app,
        template,
        get_template,
        |i, v| app.delete_template(i, v),
        |r, v| app.update_template(
            r.id,
            v,
            &TemplateInput {
                name: r.name.clone(),
                kind: r.kind,
                data: r.data.clone()
            }
        )
    );
    // Settings: one row, saved with its version.
    let s = app.get_settings().unwrap();
    app.save_settings(&s).unwrap();
    assert_eq!(
        app.save_settings(&s).unwrap_err().code(),
        ErrorCode::Conflict,
        "settings"
    );
}
