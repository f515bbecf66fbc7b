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
}
