//! Without a reachable keyring, saving a server with a password keeps every other field,
//! marks the password as not stored and says how to fix it.

use mailbox_admin_core::model::{SecretState, SecretUpdate, ServerInput};
use mailbox_admin_core::{App, ErrorCode, Lang};

#[test]
fn unreachable_keyring_saves_the_rest_and_explains_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    // A bus address where nothing listens: the real OS-keyring path must fail, not fall back.
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", dir.path().join("no-bus").display()),
    );
    let app = App::open(&dir.path().join("config.db"), Lang::En).unwrap();
    assert!(!app.info().unwrap().keyring_available);
    let saved = app
        .create_server(&ServerInput {
            name: "No keyring".into(),
            host: "imap.example.com".into(),
            port: Some(1993),
            password: SecretUpdate::Set("Canary-nokeyring".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(saved.item.password, SecretState::NotStored);
    assert_eq!((saved.item.port, saved.item.port_manual), (1993, true));
    let w = &saved.warnings[0];
    assert_eq!(w.code, ErrorCode::SecretsUnavailable);
    assert_eq!(w.field.as_deref(), Some("password"));
    assert!(w.message.contains("Secret Service"), "{}", w.message);
    assert!(!w.message.contains("Canary-nokeyring"));
    // The record is really there for the next reader.
    drop(app);
    let app = App::open(&dir.path().join("config.db"), Lang::En).unwrap();
    let list = app.list_servers("").unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].password, SecretState::NotStored);
}
