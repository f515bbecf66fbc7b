//! The real keyring: a password saved through the core is in the Secret Service (read back
//! by our code and by libsecret's secret-tool) and its bytes are nowhere in the database.

#[path = "support/fixtures.rs"]
mod fixtures;
mod support;

use fixtures::assert_in_no_file;
use mailbox_admin_core::model::{SecretState, SecretUpdate, ServerInput};
use mailbox_admin_core::{App, Lang};
use support::{files_below, SecretService};

#[test]
fn password_round_trips_through_the_secret_service_and_never_touches_the_database() {
    let ss = SecretService::start();
    let dbdir = tempfile::tempdir().unwrap();
    let db = dbdir.path().join("config.db");
    let canary = "Canary-7f3e9b2c-Pässwort!";

    let app = App::open(&db, Lang::En).unwrap();
    let info = app.info().unwrap();
    assert!(info.keyring_available, "keyring: {}", info.keyring);
    assert!(info.keyring.contains("Secret Service"), "{}", info.keyring);

    let saved = app
        .create_server(&ServerInput {
            name: "Keyring test".into(),
            host: "imap.example.com".into(),
            login_user: "info@example.com".into(),
            password: SecretUpdate::Set(canary.into()),
            ..Default::default()
        })
        .unwrap();
    assert!(saved.warnings.is_empty(), "{:?}", saved.warnings);
    assert_eq!(saved.item.password, SecretState::Stored);
    let id = saved.item.id;

    // Our read, from a fresh App (new connection to the keyring).
    drop(app);
    let app = App::open(&db, Lang::En).unwrap();
    assert_eq!(app.server_password(id).unwrap().as_deref(), Some(canary));

    // An independent read through libsecret finds it under the documented reference.
    let uid: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT password_ref FROM incoming_servers WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(uid.starts_with("incoming_server/"));
    assert_eq!(ss.lookup("mailbox-admin", &uid).as_deref(), Some(canary));

    // Editing other fields keeps the password; a new one replaces it.
    let s = app.get_server(id).unwrap();
    let mut edit = ServerInput::from(&s);
    edit.timeout_secs = 45;
    let s = app.update_server(id, s.version, &edit).unwrap().item;
    assert_eq!(app.server_password(id).unwrap().as_deref(), Some(canary));
    let mut edit = ServerInput::from(&s);
    edit.password = SecretUpdate::set(format!("{canary}-2"));
    app.update_server(id, s.version, &edit).unwrap();
    // The new password is written under a new reference before the commit; the old entry
    // is removed after it.
    let old = uid;
    let uid: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT password_ref FROM incoming_servers WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_ne!(uid, old);
    assert_eq!(ss.lookup("mailbox-admin", &old), None);
    assert_eq!(
        ss.lookup("mailbox-admin", &uid),
        Some(format!("{canary}-2"))
    );

    // No byte of either password in any file of the database (main, WAL, shm).
    drop(app);
    let files = files_below(dbdir.path());
    assert_in_no_file(&files, canary.as_bytes(), "canary");
    assert_in_no_file(&files, b"Canary-7f3e9b2c", "canary");

    // Deleting the server removes its keyring entry.
    let app = App::open(&db, Lang::En).unwrap();
    let s = app.get_server(id).unwrap();
    let removed = app.delete_server(id, Some(s.version)).unwrap();
    assert!(removed.warnings.is_empty());
    assert_eq!(ss.lookup("mailbox-admin", &uid), None);

    // Entries no row refers to (what a save killed before its commit leaves): the clean-up
    // removes those older than the age given, and nothing in use, nothing young and nothing
    // of another form.
    let kept = app
        .create_server(&ServerInput {
            name: "In use".into(),
            host: "imap.example.com".into(),
            password: SecretUpdate::set("In-use-1"),
            ..Default::default()
        })
        .unwrap()
        .item;
    let store = secret_tool_store();
    let old_orphan = "incoming_server/password/1000000000-0123456789abcdef";
    let young = format!(
        "account/password/{}-fedcba9876543210",
        time::OffsetDateTime::now_utc().unix_timestamp()
    );
    let foreign = "account/some-uid/oauth_tokens";
    for k in [old_orphan, young.as_str(), foreign] {
        store(k, "orphan");
    }
    assert_eq!(app.clean_keyring(3600).unwrap(), 1);
    assert_eq!(ss.lookup("mailbox-admin", old_orphan), None);
    assert!(ss.lookup("mailbox-admin", &young).is_some());
    assert!(ss.lookup("mailbox-admin", foreign).is_some());
    assert_eq!(
        app.server_password(kept.id).unwrap().as_deref(),
        Some("In-use-1")
    );
    // With no minimum age the young one goes too; the row's entry stays.
    assert_eq!(app.clean_keyring(0).unwrap(), 1);
    assert_eq!(ss.lookup("mailbox-admin", &young), None);
    assert_eq!(
        app.server_password(kept.id).unwrap().as_deref(),
        Some("In-use-1")
    );
}

/// Writes an entry of the app with libsecret's secret-tool (as a killed save would leave it).
fn secret_tool_store() -> impl Fn(&str, &str) {
    |user, secret| {
        use std::io::Write;
        let mut c = std::process::Command::new("secret-tool")
            .args([
                "store",
                "--label",
                "orphan",
                "service",
                "mailbox-admin",
                "username",
                user,
            ])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin
            .take()
            .unwrap()
            .write_all(secret.as_bytes())
            .unwrap();
        assert!(c.wait().unwrap().success());
    }
}
