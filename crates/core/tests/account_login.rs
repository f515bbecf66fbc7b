//! One credential rule for accounts: the account's own login, or — with neither user name
//! nor password of its own — the incoming server's ("vom Server übernommen"); a save whose
//! effective login lacks a password warns at the password field; the test uses the same
//! login. Against the real Dovecot.

#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/servers.rs"]
mod servers;

use fixtures::*;
use mailbox_admin_core::app::probe::{AccountTestOptions, TestOptions};
use mailbox_admin_core::model::*;
use mailbox_admin_core::probe::CancellationToken;
use mailbox_admin_core::Lang;
use servers::{servers, CAROL, HOST_GOOD};

#[tokio::test]
async fn an_account_without_login_of_its_own_uses_the_servers_and_says_so() {
    let mail = servers();
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = app_at(&dir.path().join("c.db"), Lang::De);
    let user = add_user(&app, "carol", "");
    let bare = add_server(
        &app,
        ServerInput {
            port: Some(mail.ports.imaps as i64),
            ..server_input("Ohne Anmeldung", HOST_GOOD)
        },
    );
    let with_login = add_server(
        &app,
        ServerInput {
            port: Some(mail.ports.imaps as i64),
            login_user: CAROL.name.into(),
            password: SecretUpdate::Set(CAROL.password.into()),
            ..server_input("Mit Anmeldung", HOST_GOOD)
        },
    );
    let input = |server: i64| AccountInput {
        name: "Carol".into(),
        email: CAROL.name.into(),
        owner: Some(Owner::User(user)),
        incoming_server_id: Some(server),
        ..Default::default()
    };

    // Neither the account nor its server has a login: saved, with a warning at "password".
    let saved = app.create_account(&input(bare)).unwrap();
    assert_eq!(saved.warnings.len(), 1, "{:?}", saved.warnings);
    let w = &saved.warnings[0];
    assert_eq!(w.field.as_deref(), Some("password"));
    assert!(w.message.contains("ohne Passwort"), "{}", w.message);
    let id = saved.item.id;
    let login = app.effective_login(id).unwrap();
    assert_eq!(login.source, LoginSource::Address);
    assert!(login.lacks_password());

    // On a server with a login: taken from the server, named; no warning; the test passes.
    let a = app.get_account(id).unwrap();
    let saved = app
        .update_account(id, a.version, &input(with_login))
        .unwrap();
    assert!(saved.warnings.is_empty(), "{:?}", saved.warnings);
    let login = app.effective_login(id).unwrap();
    assert_eq!(login.source, LoginSource::Server);
    assert_eq!(login.server_name.as_deref(), Some("Mit Anmeldung"));
    assert_eq!(login.user, CAROL.name);
    let opts = AccountTestOptions {
        base: TestOptions {
            extra_roots: vec![mail.ca_pem.clone()],
        },
        ..Default::default()
    };
    let report = app
        .test_account(id, &opts, &|_| {}, &CancellationToken::new())
        .await
        .unwrap();
    assert!(report.ok, "{:?}", report.codes);
    assert_eq!(report.targets[0].user, CAROL.name);

    // A user name of its own makes it the account's own login: without its own password
    // that warns, and the test's diagnosis points at the credentials.
    let a = app.get_account(id).unwrap();
    let saved = app
        .update_account(
            id,
            a.version,
            &AccountInput {
                username: CAROL.name.into(),
                ..input(with_login)
            },
        )
        .unwrap();
    assert_eq!(saved.warnings.len(), 1);
    assert_eq!(
        app.effective_login(id).unwrap().source,
        LoginSource::Account
    );
    let report = app
        .test_account(id, &opts, &|_| {}, &CancellationToken::new())
        .await
        .unwrap();
    assert!(!report.ok);
    assert!(report.codes.iter().any(|c| *c == "auth.password_missing"));
    let d = report
        .steps
        .iter()
        .find_map(|s| {
            s.diagnosis
                .clone()
                .filter(|d| d.code == "auth.password_missing")
        })
        .unwrap();
    assert!(d.fix.contains("Feld „Passwort“ des Kontos"), "{}", d.fix);
}
