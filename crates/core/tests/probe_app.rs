//! Connection tests through the `App`: the stored server and its password from a real
//! Secret Service, live progress, the test history, and the canary — the password is in no
//! report, history row, database file or error.

#[path = "support/servers.rs"]
mod servers;
mod support;

use mailbox_admin_core::app::probe::{TestOptions, TestTargetKind};
use mailbox_admin_core::model::{SecretUpdate, Security, ServerInput};
use mailbox_admin_core::probe::{CancellationToken, ProbeEvent, StepKind, StepStatus, TestReport};
use mailbox_admin_core::secrets::UnavailableSecrets;
use mailbox_admin_core::store::Store;
use mailbox_admin_core::{App, Lang};
use servers::{servers, ALICE, HOST_GOOD};
use std::sync::{Arc, Mutex};
use support::{contains, files_below, SecretService};

fn needles() -> Vec<Vec<u8>> {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    vec![
        ALICE.password.as_bytes().to_vec(),
        b64(ALICE.password).into_bytes(),
        b64(&format!("\0{}\0{}", ALICE.name, ALICE.password)).into_bytes(),
        ALICE
            .password
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .into_bytes(),
    ]
}

fn assert_clean(what: &str, hay: &[u8]) {
    for n in needles() {
        assert!(!contains(hay, &n), "the password leaked into {what}");
    }
}

fn is_send<T: Send>(t: T) -> T {
    t
}

#[tokio::test]
async fn a_stored_server_is_tested_live_and_its_history_kept_without_the_password() {
    let _ss = SecretService::start();
    let mail = servers();
    let dbdir = tempfile::tempdir().unwrap();
    let db = dbdir.path().join("config.db");
    let app = App::open(&db, Lang::En).unwrap();
    assert!(app.info().unwrap().keyring_available);

    let saved = app
        .create_server(&ServerInput {
            name: "Dovecot IMAPS".into(),
            host: HOST_GOOD.into(),
            port: Some(mail.ports.imaps as i64),
            security: Security::Tls,
            login_user: ALICE.name.into(),
            password: SecretUpdate::Set(ALICE.password.into()),
            folder_trash: "Trash".into(),
            ..Default::default()
        })
        .unwrap();
    assert!(saved.warnings.is_empty(), "{:?}", saved.warnings);
    let id = saved.item.id;
    let opts = TestOptions {
        extra_roots: vec![mail.ca_pem.clone()],
    };

    // Live progress: each step as it starts and as it ends. The future is Send, so the
    // desktop shell can run it on its async runtime.
    let events: Mutex<Vec<ProbeEvent>> = Mutex::new(Vec::new());
    let progress = |e: &ProbeEvent| events.lock().unwrap().push(e.clone());
    let cancel = CancellationToken::new();
    let report = is_send(app.test_server(id, &opts, &progress, &cancel))
        .await
        .unwrap();
    assert!(report.ok, "{report:#?}");
    let events = events.into_inner().unwrap();
    assert_eq!(events.len(), report.steps.len() * 2);
    assert_eq!(events.last().unwrap().step, *report.steps.last().unwrap());
    assert!(report
        .steps
        .iter()
        .any(|s| s.kind == StepKind::Login && s.status == StepStatus::Ok));
    assert!(report.folders.as_ref().is_some_and(|f| f.len() >= 4));

    // A wrong port, then a wrong password: both stored, newest first.
    let s = app.get_server(id).unwrap();
    let mut edit = ServerInput::from(&s);
    edit.port = Some(servers::closed_port() as i64);
    app.update_server(id, s.version, &edit).unwrap();
    let refused = app.test_server(id, &opts, &|_| {}, &cancel).await.unwrap();
    assert_eq!(refused.codes, vec!["net.refused".to_string()]);

    let s = app.get_server(id).unwrap();
    let mut edit = ServerInput::from(&s);
    edit.port = Some(mail.ports.imaps as i64);
    edit.password = SecretUpdate::set(format!("{}-wrong", ALICE.password));
    app.update_server(id, s.version, &edit).unwrap();
    let failed = app.test_server(id, &opts, &|_| {}, &cancel).await.unwrap();
    assert_eq!(failed.codes, vec!["auth.failed".to_string()]);

    let history = app
        .test_history(TestTargetKind::IncomingServer, id)
        .unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].codes, vec!["auth.failed".to_string()]);
    assert_eq!(history[1].codes, vec!["net.refused".to_string()]);
    assert!(history[2].ok && !history[0].ok);
    assert_eq!(history[2].report, report);
    assert!(app
        .test_history(TestTargetKind::IncomingServer, id + 1)
        .unwrap()
        .is_empty());

    // The canary: neither the right nor the wrong password (which contains it) anywhere.
    for r in [&report, &refused, &failed] {
        assert_clean("a report", serde_json::to_string(r).unwrap().as_bytes());
    }
    assert_clean(
        "the history",
        serde_json::to_string(&history).unwrap().as_bytes(),
    );
    drop(app);
    for f in files_below(dbdir.path()) {
        assert_clean(&f.display().to_string(), &std::fs::read(&f).unwrap());
    }
}

#[tokio::test]
async fn without_a_keyring_the_test_still_checks_the_connection_and_says_why() {
    let mail = servers();
    let dbdir = tempfile::tempdir().unwrap();
    let db = dbdir.path().join("config.db");
    let app = App::new(
        Store::open(&db).unwrap(),
        Arc::new(UnavailableSecrets {
            reason: "no D-Bus session bus".into(),
        }),
        Lang::En,
    );
    let saved = app
        .create_server(&ServerInput {
            name: "No keyring".into(),
            host: HOST_GOOD.into(),
            port: Some(mail.ports.imaps as i64),
            security: Security::Tls,
            login_user: ALICE.name.into(),
            password: SecretUpdate::Set(ALICE.password.into()),
            ..Default::default()
        })
        .unwrap();
    // The keyring refused the password: a warning, and the error names no secret.
    assert_eq!(saved.warnings.len(), 1);
    assert_clean("a warning", saved.warnings[0].message.as_bytes());
    let report: TestReport = app
        .test_server(
            saved.item.id,
            &TestOptions {
                extra_roots: vec![mail.ca_pem.clone()],
            },
            &|_| {},
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(report.codes, vec!["auth.password_missing".to_string()]);
    let tls = report
        .steps
        .iter()
        .find(|s| s.kind == StepKind::Tls)
        .unwrap();
    assert_eq!(tls.status, StepStatus::Ok);
    let login = report
        .steps
        .iter()
        .find(|s| s.kind == StepKind::Login)
        .unwrap();
    let ev = &login.diagnosis.as_ref().unwrap().evidence;
    assert!(ev.iter().any(|e| e.key == "keyring"), "{ev:?}");
}

#[tokio::test]
async fn a_cancelled_test_is_stored_as_cancelled() {
    let dbdir = tempfile::tempdir().unwrap();
    let app = App::new(
        Store::open(&dbdir.path().join("c.db")).unwrap(),
        Arc::new(UnavailableSecrets {
            reason: "none".into(),
        }),
        Lang::En,
    );
    // A listener that never answers the TLS handshake.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let saved = app
        .create_server(&ServerInput {
            name: "Silent".into(),
            host: HOST_GOOD.into(),
            port: Some(port as i64),
            timeout_secs: 60,
            ..Default::default()
        })
        .unwrap();
    let cancel = CancellationToken::new();
    let c = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        c.cancel();
    });
    let started = std::time::Instant::now();
    let r = app
        .test_server(saved.item.id, &TestOptions::default(), &|_| {}, &cancel)
        .await
        .unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert!(r.cancelled);
    let h = app
        .test_history(TestTargetKind::IncomingServer, saved.item.id)
        .unwrap();
    assert!(h[0].cancelled && !h[0].ok);
    drop(silent);
}
