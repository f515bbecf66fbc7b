//! Testing before saving, against the real Dovecot and Postfix with a real Secret Service: a
//! new server tested as the form holds it, with a typed password that goes nowhere (not the
//! keyring, not the database, not the report); an edited server lending its stored password;
//! a draft with bad fields refused field by field; nothing saved, no history.

#[path = "support/servers.rs"]
mod servers;
mod support;

use mailbox_admin_core::app::probe::{TestOptions, TestTargetKind};
use mailbox_admin_core::diag::DiagnosisCode;
use mailbox_admin_core::model::{OutgoingInput, SecretUpdate, Security, ServerInput, SmtpAuth};
use mailbox_admin_core::probe::{CancellationToken, TestReport};
use mailbox_admin_core::{App, Error, Lang};
use servers::{servers, ALICE, HOST_GOOD};
use support::{contains, files_below, SecretService};

fn imaps(password: SecretUpdate) -> ServerInput {
    ServerInput {
        name: "Entwurf".into(),
        host: HOST_GOOD.into(),
        port: Some(servers().ports.imaps as i64),
        security: Security::Tls,
        login_user: ALICE.name.into(),
        password,
        ..Default::default()
    }
}

/// The keyring is shared by the tests of this process: one test at a time counts its entries.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How many entries of ours the keyring holds, read with libsecret's own tool.
fn keyring_entries(ss: &SecretService) -> usize {
    let out = std::process::Command::new("secret-tool")
        .args([
            "search",
            "--all",
            "service",
            mailbox_admin_core::secrets::SERVICE,
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", &ss.bus)
        .output()
        .expect("secret-tool");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.matches("attribute.service").count()
}

fn opts() -> TestOptions {
    TestOptions {
        extra_roots: vec![servers().ca_pem.clone()],
    }
}

async fn draft(app: &App, id: Option<i64>, input: &ServerInput) -> Result<TestReport, Error> {
    app.test_server_draft(id, input, &opts(), &|_| {}, &CancellationToken::new())
        .await
}

#[tokio::test]
async fn a_new_server_is_tested_with_a_typed_password_that_is_stored_nowhere() {
    let _one = ONE_AT_A_TIME.lock().await;
    let ss = SecretService::shared();
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("c.db"), Lang::En).unwrap();
    let before = keyring_entries(ss);

    let report = draft(&app, None, &imaps(SecretUpdate::set(ALICE.password)))
        .await
        .unwrap();
    assert!(report.ok, "{:#?}", report.codes);
    let wrong = draft(&app, None, &imaps(SecretUpdate::set("not the password")))
        .await
        .unwrap();
    assert_eq!(wrong.codes, [DiagnosisCode::AuthFailed]);

    // Nothing saved: no server, no keyring entry, the password in no file and no report.
    assert!(app.list_servers("").unwrap().is_empty());
    assert_eq!(
        keyring_entries(ss),
        before,
        "a draft test wrote to the keyring"
    );
    assert!(
        !contains(
            serde_json::to_string(&report).unwrap().as_bytes(),
            ALICE.password.as_bytes()
        ),
        "the password is in the report"
    );
    drop(app);
    for f in files_below(dir.path()) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !contains(&bytes, ALICE.password.as_bytes()),
            "the password is in {}",
            f.display()
        );
    }
}

#[tokio::test]
async fn an_edited_server_lends_its_stored_password_and_keeps_no_history_of_drafts() {
    let _one = ONE_AT_A_TIME.lock().await;
    let ss = SecretService::shared();
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("c.db"), Lang::En).unwrap();
    let before = keyring_entries(ss);
    let id = app
        .create_server(&imaps(SecretUpdate::set(ALICE.password)))
        .unwrap()
        .item
        .id;
    // The count sees a saved password (so that it can see a draft's too).
    assert_eq!(keyring_entries(ss), before + 1);
    // The form changed the timeout and kept the password: the stored one logs in.
    let mut edited = imaps(SecretUpdate::Keep);
    edited.timeout_secs = 9;
    let report = draft(&app, Some(id), &edited).await.unwrap();
    assert!(report.ok, "{:#?}", report.codes);
    // The same edit on a new server has no password to lend.
    let report = draft(&app, None, &edited).await.unwrap();
    assert_eq!(report.codes, [DiagnosisCode::AuthPasswordMissing]);
    // A cleared password is not lent either.
    edited.password = SecretUpdate::Clear;
    let report = draft(&app, Some(id), &edited).await.unwrap();
    assert_eq!(report.codes, [DiagnosisCode::AuthPasswordMissing]);
    assert!(app
        .test_history(TestTargetKind::IncomingServer, id)
        .unwrap()
        .is_empty());
    assert_eq!(
        app.get_server(id).unwrap().timeout_secs,
        30,
        "the draft was not saved"
    );
}

#[tokio::test]
async fn a_draft_with_bad_fields_is_refused_field_by_field_before_any_connection() {
    let _one = ONE_AT_A_TIME.lock().await;
    let _ss = SecretService::shared();
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("c.db"), Lang::En).unwrap();
    let mut bad = imaps(SecretUpdate::Keep);
    bad.host = "bad host".into();
    bad.port = Some(0);
    match draft(&app, None, &bad).await {
        Err(Error::Validation(issues)) => {
            let fields: Vec<&str> = issues.iter().map(|i| i.field).collect();
            assert!(
                fields.contains(&"host") && fields.contains(&"port"),
                "{fields:?}"
            );
        }
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[tokio::test]
async fn a_new_outgoing_server_is_tested_before_it_is_saved() {
    let _one = ONE_AT_A_TIME.lock().await;
    let _ss = SecretService::shared();
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("c.db"), Lang::En).unwrap();
    let input = OutgoingInput {
        name: "Postfix".into(),
        host: HOST_GOOD.into(),
        port: Some(servers().ports.submission as i64),
        security: Security::Starttls,
        auth_method: SmtpAuth::Password,
        username: ALICE.name.into(),
        password: SecretUpdate::set(ALICE.password),
        sender_address: ALICE.name.into(),
        ..Default::default()
    };
    let report = app
        .test_outgoing_draft(None, &input, &opts(), &|_| {}, &CancellationToken::new())
        .await
        .unwrap();
    assert!(report.ok, "{:#?}", report.codes);
    assert!(app.list_outgoing("").unwrap().is_empty());
}

#[tokio::test]
async fn a_new_account_is_checked_with_its_servers_before_it_is_saved() {
    use mailbox_admin_core::model::{AccountInput, CompanyInput, Owner, UserInput};
    let _one = ONE_AT_A_TIME.lock().await;
    let _ss = SecretService::shared();
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("c.db"), Lang::En).unwrap();
    // The incoming server has no login; the outgoing one is the company's default.
    let mut incoming = imaps(SecretUpdate::Keep);
    incoming.login_user = String::new();
    let imap = app.create_server(&incoming).unwrap().item.id;
    let smtp = app
        .create_outgoing(&OutgoingInput {
            name: "Postfix".into(),
            host: HOST_GOOD.into(),
            port: Some(servers().ports.submission as i64),
            security: Security::Starttls,
            auth_method: SmtpAuth::Password,
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let company = app
        .create_company(&CompanyInput {
            name: "Firma".into(),
            default_outgoing_server_id: Some(smtp),
            ..Default::default()
        })
        .unwrap()
        .id;
    let user = app
        .create_user(&UserInput {
            login: "alice".into(),
            display_name: "Alice Adler".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let input = AccountInput {
        name: "Alice".into(),
        email: ALICE.name.into(),
        owner: Some(Owner::User(user)),
        company_id: Some(company),
        incoming_server_id: Some(imap),
        password: SecretUpdate::set(ALICE.password),
        ..Default::default()
    };
    let opts = mailbox_admin_core::app::probe::AccountTestOptions {
        base: opts(),
        ..Default::default()
    };
    let report = app
        .test_account_draft(None, &input, &opts, &|_| {}, &CancellationToken::new())
        .await
        .unwrap();
    assert!(report.ok, "{:#?}", report.codes);
    let roles: Vec<_> = report.targets.iter().map(|t| t.role).collect();
    assert_eq!(
        roles.len(),
        2,
        "incoming and the company's outgoing server: {roles:?}"
    );
    assert!(app.list_accounts("").unwrap().is_empty(), "nothing saved");

    // A typo in the address is a field error before anything connects.
    let bad = AccountInput {
        email: "alice@".into(),
        ..input
    };
    match app
        .test_account_draft(None, &bad, &opts, &|_| {}, &CancellationToken::new())
        .await
    {
        Err(Error::Validation(issues)) => assert_eq!(issues[0].field, "email"),
        other => panic!("expected a field error, got {other:?}"),
    }
}
