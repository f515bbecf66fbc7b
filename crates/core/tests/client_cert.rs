//! TLS client certificates against a real server: a Postfix SMTPS port that requires a
//! client certificate of its own client CA (`support/servers.rs`, port `smtps_client_cert`).
//! Postfix does not fail the handshake: it completes it and greets with `421 4.7.1 … Error:
//! No client certificate presented` (or `… Client certificate not trusted`). The outgoing
//! server's certificate comes from the certificate store (imported with its key, the key
//! encrypted by a passphrase in the keyring) and is presented in the handshake — by the
//! stored test, the draft test and the account test alike. A certificate that cannot be
//! presented (expired, no key, a key that does not open) is diagnosed before connecting.
//! The key and its passphrase are in no report, history, database or error.

#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/keyring.rs"]
mod keyring;
#[path = "support/servers.rs"]
mod servers;

use keyring::Keyring;
use mailbox_admin_core::app::probe::{AccountTestOptions, TestOptions, TestTargetKind};
use mailbox_admin_core::model::*;
use mailbox_admin_core::probe::{CancellationToken, Role, Step, StepKind, StepStatus, TestReport};
use mailbox_admin_core::store::Store;
use mailbox_admin_core::{App, Lang};
use openssl::pkey::PKey;
use openssl::symm::Cipher;
use servers::{servers, ALICE, HOST_GOOD};
use std::sync::Arc;

/// The passphrase of the client certificate's key: a canary.
const PASSPHRASE: &str = "Canary-ClientCert-Passphrase-3vR8";

impl Keyring {
    /// Replaces every stored `from` with `to` (`None`: removes it), as a keyring that lost or
    /// changed an entry would.
    fn replace(&self, from: &str, to: Option<&str>) {
        let mut m = self.0.lock().unwrap();
        let keys: Vec<String> = m
            .iter()
            .filter(|(_, v)| v.as_str() == from)
            .map(|(k, _)| k.clone())
            .collect();
        assert!(!keys.is_empty(), "nothing to replace in the keyring");
        for k in keys {
            match to {
                Some(v) => {
                    m.insert(k, v.to_string());
                }
                None => {
                    m.remove(&k);
                }
            }
        }
    }
}

struct Setup {
    dir: tempfile::TempDir,
    app: App,
    keyring: Arc<Keyring>,
}

fn setup() -> Setup {
    let mail = servers();
    let dir = tempfile::tempdir().unwrap();
    let keyring = Arc::new(Keyring::default());
    let app = App::new(
        Store::open(&dir.path().join("c.db")).unwrap(),
        keyring.clone(),
        Lang::En,
    )
    .with_extra_roots([mail.ca_pem.clone()]);
    Setup { dir, app, keyring }
}

/// `key_pem` encrypted with the canary passphrase (PKCS#8 PEM).
fn encrypted(key_pem: &str) -> String {
    let key = PKey::private_key_from_pem(key_pem.as_bytes()).unwrap();
    String::from_utf8(
        key.private_key_to_pem_pkcs8_passphrase(Cipher::aes_256_cbc(), PASSPHRASE.as_bytes())
            .unwrap(),
    )
    .unwrap()
}

/// A line from the middle of a PEM key: what a leak of the key would contain.
fn key_body(key_pem: &str) -> String {
    let key = PKey::private_key_from_pem(key_pem.as_bytes()).unwrap();
    String::from_utf8(key.private_key_to_pem_pkcs8().unwrap())
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string()
}

/// A client certificate with its key, valid 2019–2021 (expired), self-signed.
fn expired_cert() -> servers::ClientCert {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name
        .push(rcgen::DnType::CommonName, "mbtest expired client");
    p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    p.not_before = rcgen::date_time_ymd(2019, 1, 1);
    p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    let cert = p.self_signed(&key).unwrap();
    servers::ClientCert {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

impl Setup {
    /// Imports `file` (PEM) under `label`, with `passphrase` for an encrypted key.
    fn import_file(&self, label: &str, file: &str, passphrase: Option<&str>) -> i64 {
        use base64::Engine;
        self.app
            .import_certificate(&CertImport {
                name: label.into(),
                data_base64: base64::engine::general_purpose::STANDARD.encode(file),
                passphrase: passphrase.map(Into::into),
                trust_root: false,
                trust_hosts: Vec::new(),
            })
            .unwrap()
            .item
            .id
    }

    /// Imports `c` with its key encrypted by the canary passphrase.
    fn import(&self, label: &str, c: &servers::ClientCert) -> i64 {
        let file = format!("{}{}", c.cert_pem, encrypted(&c.key_pem));
        self.import_file(label, &file, Some(PASSPHRASE))
    }

    fn input(&self, label: &str, cert: Option<i64>) -> OutgoingInput {
        OutgoingInput {
            port: Some(servers().ports.smtps_client_cert as i64),
            security: Security::Tls,
            auth_method: SmtpAuth::Password,
            username: ALICE.name.into(),
            password: SecretUpdate::Set(ALICE.password.into()),
            sender_address: ALICE.name.into(),
            client_certificate_id: cert,
            ..fixtures::outgoing_input(&format!("Postfix {label}"), HOST_GOOD)
        }
    }

    /// The outgoing server on the client-certificate port, logging in as Alice.
    fn outgoing(&self, label: &str, cert: Option<i64>) -> i64 {
        fixtures::add_outgoing(&self.app, self.input(label, cert))
    }

    fn opts() -> TestOptions {
        TestOptions {
            extra_roots: vec![servers().ca_pem.clone()],
        }
    }

    async fn test(&self, id: i64) -> TestReport {
        self.app
            .test_outgoing(id, &Self::opts(), &|_| {}, &CancellationToken::new())
            .await
            .unwrap()
    }
}

fn show(r: &TestReport) -> String {
    let mut s = String::new();
    for st in &r.steps {
        s.push_str(&format!(
            "{:?} {:?} {:?}: {}\n",
            st.role, st.kind, st.status, st.summary
        ));
        if let Some(d) = &st.diagnosis {
            s.push_str(&format!("  {} {:?}\n", d.code.as_str(), d.evidence));
        }
        for l in &st.transcript {
            s.push_str(&format!("  {:?} {}\n", l.dir, l.text));
        }
    }
    s
}

fn step(r: &TestReport, kind: StepKind) -> &Step {
    r.steps
        .iter()
        .find(|s| s.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} step:\n{}", show(r)))
}

/// The failed step and its diagnosis code.
fn failure(r: &TestReport) -> (&Step, &str) {
    assert!(!r.ok, "{}", show(r));
    let st = r
        .steps
        .iter()
        .find(|s| s.status == StepStatus::Failed)
        .unwrap_or_else(|| panic!("no failed step:\n{}", show(r)));
    (st, st.diagnosis.as_ref().unwrap().code.as_str())
}

fn evidence<'a>(st: &'a Step, key: &str) -> &'a str {
    let d = st.diagnosis.as_ref().expect("a diagnosis");
    d.evidence
        .iter()
        .find(|e| e.key.as_str() == key)
        .map(|e| e.value.as_str())
        .unwrap_or_else(|| panic!("no evidence {key}: {:?}", d.evidence))
}

/// Diagnosed before connecting: the TLS step failed and no connection was made.
fn not_connected(r: &TestReport) {
    assert!(
        !r.steps
            .iter()
            .any(|s| matches!(s.kind, StepKind::Connect | StepKind::Resolve)),
        "a connection was made:\n{}",
        show(r)
    );
}

/// None of `canaries` in the report, the history of `kind`/`id`, or the database files.
fn no_secret_anywhere(
    s: Setup,
    reports: &[&TestReport],
    kind: TestTargetKind,
    id: i64,
    canaries: &[&str],
) {
    let history = serde_json::to_string(&s.app.test_history(kind, id).unwrap()).unwrap();
    assert!(!history.is_empty());
    let reports: Vec<String> = reports
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect();
    drop(s.app);
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for canary in canaries {
        for r in &reports {
            assert!(!r.contains(canary), "a key secret is in a report");
        }
        assert!(!history.contains(canary), "a key secret is in the history");
        fixtures::assert_in_no_file(&files, canary.as_bytes(), "a key secret");
    }
}

#[tokio::test]
async fn the_right_certificate_is_presented_and_the_server_lets_us_in() {
    let s = setup();
    let mail = servers();
    let cid = s.import("Client certificate", &mail.client_cert);
    let id = s.outgoing("right certificate", Some(cid));
    let r = s.test(id).await;
    assert!(r.ok, "{}", show(&r));
    let tls = step(&r, StepKind::Tls);
    assert!(
        tls.transcript
            .iter()
            .any(|l| l.text.contains("asked for a client certificate; presented")),
        "{}",
        show(&r)
    );
    assert!(
        step(&r, StepKind::Greeting).summary.contains("220"),
        "{}",
        show(&r)
    );
    assert_eq!(step(&r, StepKind::Login).status, StepStatus::Ok);
    assert_eq!(step(&r, StepKind::Sender).status, StepStatus::Ok);
    // The key and its passphrase are only in the keyring.
    let body = key_body(&mail.client_cert.key_pem);
    assert!(s
        .keyring
        .0
        .lock()
        .unwrap()
        .values()
        .any(|v| v == PASSPHRASE));
    no_secret_anywhere(
        s,
        &[&r],
        TestTargetKind::OutgoingServer,
        id,
        &[PASSPHRASE, body.as_str()],
    );
}

#[tokio::test]
async fn without_a_certificate_the_server_requires_one() {
    let s = setup();
    let id = s.outgoing("no certificate", None);
    let r = s.test(id).await;
    let (st, code) = failure(&r);
    assert_eq!(code, "tls.client_cert_required", "{}", show(&r));
    assert_eq!(st.kind, StepKind::Greeting);
    assert!(
        evidence(st, "server_said").contains("No client certificate presented"),
        "{}",
        show(&r)
    );
    // The TLS step saw the request.
    assert!(step(&r, StepKind::Tls)
        .transcript
        .iter()
        .any(|l| l.text.contains("none is configured")));
    let d = st.diagnosis.as_ref().unwrap();
    assert!(d.fix.contains("TLS client certificate"), "{}", d.fix);
}

#[tokio::test]
async fn a_certificate_of_another_ca_is_rejected() {
    let s = setup();
    let cid = s.import("Other CA", &servers().other_client_cert);
    let id = s.outgoing("other CA", Some(cid));
    let r = s.test(id).await;
    let (st, code) = failure(&r);
    assert_eq!(code, "tls.client_cert_rejected", "{}", show(&r));
    assert!(
        evidence(st, "server_said").contains("Client certificate not trusted"),
        "{}",
        show(&r)
    );
}

#[tokio::test]
async fn an_expired_certificate_is_diagnosed_before_connecting() {
    let s = setup();
    let cid = s.import("Expired", &expired_cert());
    let id = s.outgoing("expired", Some(cid));
    let r = s.test(id).await;
    let (st, code) = failure(&r);
    assert_eq!(code, "tls.client_cert_expired", "{}", show(&r));
    assert_eq!(st.kind, StepKind::Tls);
    assert!(evidence(st, "not_after").starts_with("2021-01-01"));
    assert_eq!(evidence(st, "client_certificate"), "Expired");
    not_connected(&r);
}

#[tokio::test]
async fn a_key_that_is_gone_or_does_not_open_is_diagnosed_before_connecting() {
    let s = setup();
    let cid = s.import("Client certificate", &servers().client_cert);
    let id = s.outgoing("lost key", Some(cid));

    // The keyring holds a wrong passphrase: the key does not open.
    s.keyring.replace(PASSPHRASE, Some("not-the-passphrase"));
    let wrong = s.test(id).await;
    let (st, code) = failure(&wrong);
    assert_eq!(code, "tls.client_cert_unusable", "{}", show(&wrong));
    assert_eq!(st.kind, StepKind::Tls);
    assert!(
        evidence(st, "problem").contains("private key"),
        "{}",
        show(&wrong)
    );
    not_connected(&wrong);

    // The keyring lost the entry.
    s.keyring.replace("not-the-passphrase", None);
    let lost = s.test(id).await;
    let (st, code) = failure(&lost);
    assert_eq!(code, "tls.client_cert_unusable", "{}", show(&lost));
    assert!(
        evidence(st, "problem").contains("not found in the keyring"),
        "{}",
        show(&lost)
    );
    not_connected(&lost);
}

#[tokio::test]
async fn the_draft_test_presents_the_certificate_and_diagnoses_one_without_key() {
    let s = setup();
    let mail = servers();
    let cid = s.import("Client certificate", &mail.client_cert);
    let opts = Setup::opts();
    let cancel = CancellationToken::new();
    let r = s
        .app
        .test_outgoing_draft(None, &s.input("draft", Some(cid)), &opts, &|_| {}, &cancel)
        .await
        .unwrap();
    assert!(r.ok, "{}", show(&r));

    // A certificate without its key cannot be saved as a client certificate, but a draft
    // can name one: the test says why it cannot be presented.
    let bare = s.import_file("Certificate only", &mail.other_client_cert.cert_pem, None);
    let err = s
        .app
        .create_outgoing(&s.input("bare", Some(bare)))
        .unwrap_err();
    assert!(
        format!("{err:?}").contains("client_certificate_id"),
        "{err:?}"
    );
    let r = s
        .app
        .test_outgoing_draft(None, &s.input("bare", Some(bare)), &opts, &|_| {}, &cancel)
        .await
        .unwrap();
    let (st, code) = failure(&r);
    assert_eq!(code, "tls.client_cert_unusable", "{}", show(&r));
    assert!(
        evidence(st, "problem").contains("no private key"),
        "{}",
        show(&r)
    );
    not_connected(&r);
}

#[tokio::test]
async fn an_account_sends_through_the_server_that_wants_a_certificate() {
    let s = setup();
    let mail = servers();
    let cid = s.import("Client certificate", &mail.client_cert);
    let out = s.outgoing("account", Some(cid));
    let user = fixtures::add_user(&s.app, "admin", "");
    let account = s
        .app
        .create_account(&AccountInput {
            name: "Alice".into(),
            email: ALICE.name.into(),
            owner: Some(Owner::User(user)),
            outgoing_server_id: Some(out),
            password: SecretUpdate::Set(ALICE.password.into()),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let o = AccountTestOptions {
        base: Setup::opts(),
        ..Default::default()
    };
    let r = s
        .app
        .test_account(account, &o, &|_| {}, &CancellationToken::new())
        .await
        .unwrap();
    assert!(r.ok, "{}", show(&r));
    let sender = r
        .steps
        .iter()
        .find(|st| st.role == Role::Outgoing && st.kind == StepKind::Sender)
        .expect("a sender step");
    assert_eq!(sender.status, StepStatus::Ok, "{}", show(&r));
    let body = key_body(&mail.client_cert.key_pem);
    no_secret_anywhere(
        s,
        &[&r],
        TestTargetKind::Account,
        account,
        &[PASSPHRASE, body.as_str()],
    );
}

// ---- incoming servers ----------------------------------------------------------------
// A second Dovecot instance (`Ports::imaps_client_cert`, `pop3s_client_cert`) requires a
// client certificate of the same client CA. Dovecot completes the handshake whatever the
// client presents and refuses the login: `NO [ALERT] Client didn't present valid SSL
// certificate`, for none and for one of another CA alike.

impl Setup {
    fn incoming_input(&self, label: &str, protocol: Protocol, cert: Option<i64>) -> ServerInput {
        let ports = &servers().ports;
        let port = match protocol {
            Protocol::Pop3 => ports.pop3s_client_cert,
            _ => ports.imaps_client_cert,
        };
        ServerInput {
            protocol,
            port: Some(port as i64),
            security: Security::Tls,
            login_user: ALICE.name.into(),
            password: SecretUpdate::Set(ALICE.password.into()),
            client_certificate_id: cert,
            ..fixtures::server_input(&format!("Dovecot {label}"), HOST_GOOD)
        }
    }

    /// The incoming server on the client-certificate Dovecot, logging in as Alice.
    fn incoming(&self, label: &str, protocol: Protocol, cert: Option<i64>) -> i64 {
        fixtures::add_server(&self.app, self.incoming_input(label, protocol, cert))
    }

    async fn test_incoming(&self, id: i64) -> TestReport {
        self.app
            .test_server(id, &Self::opts(), &|_| {}, &CancellationToken::new())
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn an_incoming_server_presents_its_certificate_over_imaps_and_pop3s() {
    let s = setup();
    let mail = servers();
    let cid = s.import("Client certificate", &mail.client_cert);
    let imap = s.incoming("IMAPS right certificate", Protocol::Imap, Some(cid));
    let r = s.test_incoming(imap).await;
    assert!(r.ok, "{}", show(&r));
    assert!(
        step(&r, StepKind::Tls)
            .transcript
            .iter()
            .any(|l| l.text.contains("asked for a client certificate; presented")),
        "{}",
        show(&r)
    );
    assert_eq!(step(&r, StepKind::Login).status, StepStatus::Ok);

    let pop3 = s.incoming("POP3S right certificate", Protocol::Pop3, Some(cid));
    let p = s.test_incoming(pop3).await;
    assert!(p.ok, "{}", show(&p));
    assert_eq!(step(&p, StepKind::Login).status, StepStatus::Ok);

    // The certificate is in use: it cannot be deleted.
    let err = s.app.delete_certificate(cid, None).unwrap_err();
    assert!(
        format!("{err:?}").contains("Dovecot IMAPS right certificate"),
        "{err:?}"
    );
    let body = key_body(&mail.client_cert.key_pem);
    no_secret_anywhere(
        s,
        &[&r, &p],
        TestTargetKind::IncomingServer,
        imap,
        &[PASSPHRASE, body.as_str()],
    );
}

#[tokio::test]
async fn an_incoming_server_without_a_certificate_is_told_the_server_requires_one() {
    let s = setup();
    for protocol in [Protocol::Imap, Protocol::Pop3] {
        let id = s.incoming(&format!("{protocol:?} no certificate"), protocol, None);
        let r = s.test_incoming(id).await;
        let (st, code) = failure(&r);
        assert_eq!(code, "tls.client_cert_required", "{}", show(&r));
        assert_eq!(st.kind, StepKind::Login);
        assert!(
            evidence(st, "server_said").contains("Client didn't present valid SSL certificate"),
            "{}",
            show(&r)
        );
        assert!(step(&r, StepKind::Tls)
            .transcript
            .iter()
            .any(|l| l.text.contains("none is configured")));
        let d = st.diagnosis.as_ref().unwrap();
        assert!(d.fix.contains("TLS client certificate"), "{}", d.fix);
    }
}

#[tokio::test]
async fn an_incoming_server_with_a_certificate_of_another_ca_is_refused() {
    let s = setup();
    let cid = s.import("Other CA", &servers().other_client_cert);
    let id = s.incoming("IMAPS other CA", Protocol::Imap, Some(cid));
    let r = s.test_incoming(id).await;
    let (st, code) = failure(&r);
    assert_eq!(code, "tls.client_cert_rejected", "{}", show(&r));
    assert_eq!(st.kind, StepKind::Login);
    assert!(
        evidence(st, "server_said").contains("Client didn't present valid SSL certificate"),
        "{}",
        show(&r)
    );
}

#[tokio::test]
async fn incoming_draft_and_account_tests_present_the_certificate() {
    let s = setup();
    let mail = servers();
    let cid = s.import("Client certificate", &mail.client_cert);
    let opts = Setup::opts();
    let cancel = CancellationToken::new();
    let draft = s.incoming_input("draft", Protocol::Imap, Some(cid));
    let r = s
        .app
        .test_server_draft(None, &draft, &opts, &|_| {}, &cancel)
        .await
        .unwrap();
    assert!(r.ok, "{}", show(&r));
    // The same draft without the certificate: refused at login.
    let without = ServerInput {
        client_certificate_id: None,
        ..draft.clone()
    };
    let r = s
        .app
        .test_server_draft(None, &without, &opts, &|_| {}, &cancel)
        .await
        .unwrap();
    assert_eq!(failure(&r).1, "tls.client_cert_required", "{}", show(&r));

    // An account on that server: its incoming test presents the server's certificate.
    let server = s.incoming("account", Protocol::Imap, Some(cid));
    let user = fixtures::add_user(&s.app, "admin", "");
    let account = s
        .app
        .create_account(&AccountInput {
            name: "Alice".into(),
            email: ALICE.name.into(),
            owner: Some(Owner::User(user)),
            incoming_server_id: Some(server),
            password: SecretUpdate::Set(ALICE.password.into()),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let o = AccountTestOptions {
        base: opts,
        ..Default::default()
    };
    let r = s
        .app
        .test_account(account, &o, &|_| {}, &cancel)
        .await
        .unwrap();
    let login = r
        .steps
        .iter()
        .find(|st| st.role == Role::Incoming && st.kind == StepKind::Login)
        .unwrap_or_else(|| panic!("no incoming login:\n{}", show(&r)));
    assert_eq!(login.status, StepStatus::Ok, "{}", show(&r));
}

/// Field rules of an incoming server's certificate, without any server: it must exist and
/// have a private key; the export names it and an import links it again.
#[test]
fn an_incoming_certificate_must_exist_have_a_key_and_survives_export_and_import() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Arc::new(Keyring::default());
    let app = App::new(
        Store::open(&dir.path().join("a.db")).unwrap(),
        keyring.clone(),
        Lang::En,
    );
    let s = Setup { dir, app, keyring };
    let pki = client_cert_for_model();
    let cid = s.import("Client Zentrale", &pki);
    let bare = s.import_file("Nur Zertifikat", &client_cert_for_model().cert_pem, None);
    let input = |cert| ServerInput {
        client_certificate_id: cert,
        ..fixtures::server_input("IMAP Zentrale", "imap.example.com")
    };
    let field_of = |e: mailbox_admin_core::Error| e.to_api(Lang::En).field;
    assert_eq!(
        field_of(s.app.create_server(&input(Some(bare))).unwrap_err()).as_deref(),
        Some("client_certificate_id")
    );
    assert_eq!(
        field_of(s.app.create_server(&input(Some(9999))).unwrap_err()).as_deref(),
        Some("client_certificate_id")
    );
    let srv = s.app.create_server(&input(Some(cid))).unwrap().item;
    assert_eq!(srv.client_certificate_id, Some(cid));
    // Editing keeps it unless changed; `None` removes it.
    let edited = s
        .app
        .update_server(srv.id, srv.version, &ServerInput::from(&srv))
        .unwrap()
        .item;
    assert_eq!(edited.client_certificate_id, Some(cid));

    let doc = s
        .app
        .export_config(&mailbox_admin_core::app::transfer::ExportOptions {
            include_secrets: true,
            passphrase: Some("Passphrase-für-Export".into()),
        })
        .unwrap();
    assert_eq!(
        doc["incoming_servers"][0]["client_certificate"],
        "Client Zentrale"
    );
    let dir_b = tempfile::tempdir().unwrap();
    let b = App::new(
        Store::open(&dir_b.path().join("b.db")).unwrap(),
        Arc::new(Keyring::default()),
        Lang::En,
    );
    b.import_config(
        &doc,
        &mailbox_admin_core::app::transfer::ImportOptions {
            passphrase: Some("Passphrase-für-Export".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let imported = b.list_servers("IMAP Zentrale").unwrap().remove(0);
    let cert = b
        .list_certificates("Client Zentrale")
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Client Zentrale")
        .unwrap();
    assert_eq!(imported.client_certificate_id, Some(cert.id));

    // Without a certificate the row has no such key (files written before it stay the same).
    let none = s
        .app
        .update_server(edited.id, edited.version, &input(None))
        .unwrap()
        .item;
    assert_eq!(none.client_certificate_id, None);
    let doc = s
        .app
        .export_config(&mailbox_admin_core::app::transfer::ExportOptions::default())
        .unwrap();
    assert!(doc["incoming_servers"][0]
        .get("client_certificate")
        .is_none());
}

/// A client certificate with its key, made here (no test servers needed).
fn client_cert_for_model() -> servers::ClientCert {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name
        .push(rcgen::DnType::CommonName, "mbtest model client");
    p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    p.not_before = rcgen::date_time_ymd(2020, 1, 1);
    p.not_after = rcgen::date_time_ymd(2060, 1, 1);
    let cert = p.self_signed(&key).unwrap();
    servers::ClientCert {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}
