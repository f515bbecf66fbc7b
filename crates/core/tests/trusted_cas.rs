//! Trusted CAs as configuration: a company CA stored in the certificate store and marked
//! "als Stammzertifizierungsstelle vertrauen" is trusted by every connection — connection
//! tests and OAuth's HTTPS — with no environment variable; trust for chosen hosts applies to
//! those servers only; a failed test's presented root can be trusted, or its leaf pinned.
//! Against the real Dovecot (which presents leaf and root), Postfix (leaf only) and the
//! OAuth server, all on loopback with the test CA.

#[path = "support/servers.rs"]
mod servers;
mod support;

use base64::Engine;
use mailbox_admin_core::app::probe::{TestOptions, TestTargetKind};
use mailbox_admin_core::model::*;
use mailbox_admin_core::probe::{CancellationToken, Role, StepKind, TestReport};
use mailbox_admin_core::{App, Lang};
use servers::{servers, ALICE, HOST_GOOD};
use support::SecretService;

/// The IMAPS server of the test setup as "Exchange intern", with Alice's login or without.
fn exchange(app: &App, with_login: bool) -> IncomingServer {
    let (user, password) = if with_login {
        (ALICE.name.into(), SecretUpdate::Set(ALICE.password.into()))
    } else {
        (String::new(), SecretUpdate::Keep)
    };
    app.create_server(&ServerInput {
        name: "Exchange intern".into(),
        host: HOST_GOOD.into(),
        port: Some(servers().ports.imaps as i64),
        security: Security::Tls,
        login_user: user,
        password,
        ..Default::default()
    })
    .unwrap()
    .item
}

fn tls_chain(r: &TestReport) -> Vec<mailbox_admin_core::probe::CertInfo> {
    r.steps
        .iter()
        .find(|s| s.kind == StepKind::Tls)
        .and_then(|s| s.tls.clone())
        .map(|t| t.chain)
        .unwrap_or_default()
}

#[tokio::test]
async fn a_trusted_store_ca_is_trusted_by_tests_and_oauth_without_environment() {
    let _ss = SecretService::shared();
    let mail = servers();
    let dbdir = tempfile::tempdir().unwrap();
    let app = App::open(&dbdir.path().join("config.db"), Lang::De).unwrap();
    let no_extra = TestOptions::default();
    let cancel = CancellationToken::new();

    let imap = exchange(&app, true);

    // Not trusted: the company CA is nowhere but in the server's chain.
    let failed = app
        .test_server(imap.id, &no_extra, &|_| {}, &cancel)
        .await
        .unwrap();
    assert_eq!(failed.codes, vec!["tls.untrusted_issuer".to_string()]);
    let diagnosis = failed
        .steps
        .iter()
        .find_map(|s| s.diagnosis.clone())
        .unwrap();
    assert!(
        diagnosis.fix.contains("vertrauen"),
        "the fix names the way: {}",
        diagnosis.fix
    );
    let chain = tls_chain(&failed);
    assert_eq!(chain.len(), 2, "Dovecot presents leaf and root");
    let root = chain.last().unwrap();
    assert!(root.self_signed && root.subject.contains("Mailbox Admin Test CA"));
    assert!(root.pem.starts_with("-----BEGIN CERTIFICATE-----"));

    // Trusted only for another host: still not trusted here.
    let other_only = CertTrust {
        trust_root: true,
        trust_hosts: vec!["mail.other.example".into()],
    };
    let saved = app
        .trust_presented_certificate("Firmen-CA", &root.pem, &other_only)
        .unwrap()
        .item;
    assert!(saved.trust_root);
    assert_eq!(saved.trust_hosts, vec!["mail.other.example".to_string()]);
    assert_eq!(saved.sha256, root.sha256);
    let still = app
        .test_server(imap.id, &no_extra, &|_| {}, &cancel)
        .await
        .unwrap();
    assert_eq!(still.codes, vec!["tls.untrusted_issuer".to_string()]);

    // Trusted for this server too (the stored certificate is marked, not imported twice).
    let here = CertTrust {
        trust_root: true,
        trust_hosts: vec![HOST_GOOD.into()],
    };
    let saved = app
        .trust_presented_certificate("Firmen-CA", &root.pem, &here)
        .unwrap()
        .item;
    assert_eq!(app.list_certificates("").unwrap().len(), 1);
    assert!(saved.trust_hosts.contains(&HOST_GOOD.to_string()));
    assert!(saved
        .trust_hosts
        .contains(&"mail.other.example".to_string()));
    let ok = app
        .test_server(imap.id, &no_extra, &|_| {}, &cancel)
        .await
        .unwrap();
    assert!(ok.ok, "{:?}", ok.codes);

    // OAuth's HTTPS trusts only installation-wide roots: not yet.
    let provider = OauthProviderInput {
        name: "Firmen-IdP".into(),
        kind: ProviderKind::Oidc,
        discovery_url: mail.oauth.https_issuer.clone(),
        client_id: "client".into(),
        ..Default::default()
    };
    let e = app.oauth_provider_defaults(&provider).await.unwrap_err();
    let mailbox_admin_core::Error::Oauth(f) = &e else {
        panic!("{e:?}");
    };
    assert_eq!(f.code, "tls.untrusted_issuer", "{f:?}");

    // Installation-wide: the outgoing server (Postfix presents no root) and OAuth too.
    let cert = app.list_certificates("").unwrap().remove(0);
    let cert = app
        .set_certificate_trust(cert.id, cert.version, &CertTrust::default())
        .unwrap();
    assert!(!cert.trust_root);
    let cert = app
        .set_certificate_trust(
            cert.id,
            cert.version,
            &CertTrust {
                trust_root: true,
                trust_hosts: vec![],
            },
        )
        .unwrap();
    assert!(cert.trust_root && cert.trust_hosts.is_empty());
    let smtp = app
        .create_outgoing(&OutgoingInput {
            name: "Versand intern".into(),
            host: HOST_GOOD.into(),
            port: Some(mail.ports.submission as i64),
            security: Security::Starttls,
            auth_method: SmtpAuth::Password,
            username: ALICE.name.into(),
            password: SecretUpdate::Set(ALICE.password.into()),
            sender_address: ALICE.name.into(),
            ..Default::default()
        })
        .unwrap();
    assert!(smtp.warnings.is_empty(), "{:?}", smtp.warnings);
    let smtp = smtp.item;
    let sent = app
        .test_outgoing(smtp.id, &no_extra, &|_| {}, &cancel)
        .await
        .unwrap();
    assert!(sent.ok, "{:?}", sent.codes);
    let filled = app.oauth_provider_defaults(&provider).await.unwrap();
    assert!(filled.token_endpoint.starts_with(&mail.oauth.https_issuer));
}

#[tokio::test]
async fn only_a_ca_can_be_trusted_and_a_leaf_is_pinned_instead() {
    let _ss = SecretService::shared();
    let dbdir = tempfile::tempdir().unwrap();
    let app = App::open(&dbdir.path().join("config.db"), Lang::De).unwrap();
    let cancel = CancellationToken::new();
    let imap = exchange(&app, true);
    let failed = app
        .test_server(imap.id, &TestOptions::default(), &|_| {}, &cancel)
        .await
        .unwrap();
    let chain = tls_chain(&failed);
    let leaf = &chain[0];

    // The server's own certificate is no CA: refused, with the field and a German reason.
    let e = app
        .import_certificate(&CertImport {
            name: "Server".into(),
            data_base64: base64::engine::general_purpose::STANDARD.encode(&leaf.pem),
            trust_root: true,
            ..Default::default()
        })
        .unwrap_err()
        .to_api(Lang::De);
    assert_eq!(e.fields[0].field, "trust_root");
    assert!(e.fields[0].message.contains("anheften"), "{}", e.message);
    assert!(
        app.list_certificates("").unwrap().is_empty(),
        "nothing saved"
    );

    // Pinning the leaf from the failed test makes the server trusted, by fingerprint.
    let name = app
        .pin_tested_certificate(
            TestTargetKind::IncomingServer,
            imap.id,
            Role::Incoming,
            &leaf.sha256,
        )
        .unwrap();
    assert_eq!(name, "Exchange intern");
    assert_eq!(app.get_server(imap.id).unwrap().tls_pin_sha256, leaf.sha256);
    let ok = app
        .test_server(imap.id, &TestOptions::default(), &|_| {}, &cancel)
        .await
        .unwrap();
    assert!(ok.ok, "{:?}", ok.codes);
}

#[test]
fn an_untrusted_account_test_runs_on_a_small_worker_stack() {
    // Tauri runs commands as tasks on tokio worker threads (2 MiB stacks in debug builds).
    let _ss = SecretService::shared();
    let mail = servers();
    let dbdir = tempfile::tempdir().unwrap();
    let app = std::sync::Arc::new(App::open(&dbdir.path().join("config.db"), Lang::De).unwrap());
    let imap = exchange(&app, false);
    let smtp = app
        .create_outgoing(&OutgoingInput {
            name: "Versand".into(),
            host: HOST_GOOD.into(),
            port: Some(mail.ports.submission as i64),
            security: Security::Starttls,
            is_default: true,
            ..Default::default()
        })
        .unwrap()
        .item;
    let _ = smtp;
    let user = app
        .create_user(&UserInput {
            login: "carol".into(),
            ..Default::default()
        })
        .unwrap();
    let id = app
        .create_account(&AccountInput {
            name: "Carol".into(),
            email: ALICE.name.into(),
            owner: Some(Owner::User(user.id)),
            incoming_server_id: Some(imap.id),
            password: SecretUpdate::Set(ALICE.password.into()),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(2 * 1024 * 1024)
        .enable_all()
        .build()
        .unwrap();
    let a = app.clone();
    let report = rt
        .block_on(rt.spawn(async move {
            a.test_account(id, &Default::default(), &|_| {}, &CancellationToken::new())
                .await
        }))
        .unwrap()
        .unwrap();
    assert!(report.codes.iter().any(|c| *c == "tls.untrusted_issuer"));
}
