//! Account tests against the real Dovecot and Postfix: the account's own login on its
//! incoming server, the inherited outgoing server sending as the account, a test mail, the
//! round trip, and the bulk test with bounded concurrency.

#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/servers.rs"]
mod servers;

use fixtures::*;
use mailbox_admin_core::app::probe::{
    AccountTestOptions, BulkResult, BulkSummary, TestOptions, TestTargetKind,
};
use mailbox_admin_core::diag::DiagnosisCode;
use mailbox_admin_core::model::*;
use mailbox_admin_core::probe::{CancellationToken, Role, StepKind, StepStatus, TestReport};
use mailbox_admin_core::{App, Error, Lang};
use servers::{servers, ALICE, BOB, CAROL, FRANK, HOST_GOOD};
use std::sync::Mutex;

struct Setup {
    _dir: tempfile::TempDir,
    app: App,
    company: i64,
    user: i64,
    imap: i64,
}

/// Dovecot IMAPS without a server login, Postfix submission (STARTTLS) without a login of
/// its own (it takes the account's), as the company's default outgoing server.
fn setup() -> Setup {
    let mail = servers();
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = app_at(&dir.path().join("c.db"), Lang::En);
    let imap = add_server(
        &app,
        ServerInput {
            port: Some(mail.ports.imaps as i64),
            ..server_input("Dovecot", HOST_GOOD)
        },
    );
    let smtp = add_outgoing(
        &app,
        OutgoingInput {
            port: Some(mail.ports.submission as i64),
            security: Security::Starttls,
            ..outgoing_input("Postfix", HOST_GOOD)
        },
    );
    let company = add_company(&app, "Firma", Some(smtp));
    let user = add_user(&app, "carol", "");
    Setup {
        _dir: dir,
        app,
        company,
        user,
        imap,
    }
}

impl Setup {
    /// Tests account `id` with `o`, showing no progress.
    async fn test(&self, id: i64, o: &AccountTestOptions) -> Result<TestReport, Error> {
        let cancel = CancellationToken::new();
        self.app.test_account(id, o, &|_| {}, &cancel).await
    }
}

/// The bulk test's result for the account `name`.
fn result<'a>(summary: &'a BulkSummary, name: &str) -> &'a BulkResult {
    summary.results.iter().find(|r| r.account == name).unwrap()
}

fn account(s: &Setup, name: &str, login: &str, password: &str) -> i64 {
    s.app
        .create_account(&AccountInput {
            name: name.into(),
            email: login.into(),
            // The test mail's From: carries it as RFC 2047 encoded words.
            sender_name: "Jürgen Müller".into(),
            owner: Some(Owner::User(s.user)),
            company_id: Some(s.company),
            incoming_server_id: Some(s.imap),
            password: SecretUpdate::Set(password.into()),
            ..Default::default()
        })
        .unwrap()
        .item
        .id
}

fn opts() -> AccountTestOptions {
    AccountTestOptions {
        base: TestOptions {
            extra_roots: vec![servers().ca_pem.clone()],
        },
        ..Default::default()
    }
}

#[tokio::test]
async fn an_account_is_tested_with_its_login_and_its_inherited_outgoing_server_round_trip() {
    let s = setup();
    let id = account(&s, "Carol", CAROL.name, CAROL.password);
    let o = AccountTestOptions {
        roundtrip: true,
        roundtrip_wait_secs: Some(20),
        ..opts()
    };
    let report = s.test(id, &o).await.unwrap();
    assert!(report.ok, "{:#?}", report.codes);
    let roles: Vec<Role> = report.targets.iter().map(|t| t.role).collect();
    assert_eq!(roles, vec![Role::Incoming, Role::Outgoing]);
    let send = report
        .steps
        .iter()
        .find(|st| st.kind == StepKind::Send)
        .expect("a send step");
    let from = send
        .transcript
        .iter()
        .find(|l| l.text.starts_with("From: "))
        .expect("the From: header in the transcript");
    assert!(
        from.text.contains("=?utf-8?") && from.text.contains(CAROL.name),
        "{}",
        from.text
    );
    assert_eq!(report.targets[1].port, servers().ports.submission);
    for (role, kind) in [
        (Role::Incoming, StepKind::Login),
        (Role::Outgoing, StepKind::Login),
        (Role::Outgoing, StepKind::Send),
        (Role::Incoming, StepKind::Roundtrip),
    ] {
        assert!(
            report
                .steps
                .iter()
                .any(|st| st.role == role && st.kind == kind && st.status == StepStatus::Ok),
            "{role:?} {kind:?} missing: {:#?}",
            report
                .steps
                .iter()
                .map(|s| (s.role, s.kind, s.status))
                .collect::<Vec<_>>()
        );
    }
    let history = s.app.test_history(TestTargetKind::Account, id).unwrap();
    assert_eq!(history.len(), 1);
    let text = serde_json::to_string(&history).unwrap();
    assert!(
        !text.contains(CAROL.password),
        "the password is in the history"
    );
}

#[tokio::test]
async fn a_test_mail_reaches_the_recipient_through_postfix_and_dovecot() {
    let s = setup();
    let id = account(&s, "Alice", ALICE.name, ALICE.password);
    let before = servers().inbox_messages(BOB.name).len();
    let o = AccountTestOptions {
        send_to: Some(BOB.name.into()),
        ..opts()
    };
    let report = s.test(id, &o).await.unwrap();
    assert!(report.ok, "{:#?}", report.codes);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while servers().inbox_messages(BOB.name).len() <= before {
        assert!(
            std::time::Instant::now() < deadline,
            "the test mail did not arrive"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // A bad recipient is refused before anything is sent.
    let bad = AccountTestOptions {
        send_to: Some("not an address".into()),
        ..opts()
    };
    let e = s.test(id, &bad).await.unwrap_err();
    assert_eq!(e.to_api(Lang::En).field.as_deref(), Some("send_to"));
}

#[tokio::test]
async fn bulk_test_reports_each_account_and_counts_failures() {
    let s = setup();
    for i in 0..10 {
        account(&s, &format!("Konto {i:02}"), CAROL.name, CAROL.password);
    }
    account(&s, "Falsches Passwort", CAROL.name, "wrong-password");
    // The servers' password back ends are down (Dovecot's for FRANK; the Postfix port's SASL
    // dies): not judged, counted apart from the failures.
    let smtp_down = add_outgoing(
        &s.app,
        OutgoingInput {
            port: Some(servers().ports.smtps_sasl_down as i64),
            security: Security::Tls,
            ..outgoing_input("Postfix SASL down", HOST_GOOD)
        },
    );
    s.app
        .create_account(&AccountInput {
            name: "Dienst gestört".into(),
            email: FRANK.name.into(),
            owner: Some(Owner::User(s.user)),
            company_id: Some(s.company),
            incoming_server_id: Some(s.imap),
            outgoing_server_id: Some(smtp_down),
            password: SecretUpdate::Set(FRANK.password.into()),
            ..Default::default()
        })
        .unwrap();
    // No servers at all: cannot be tested, reported as such.
    s.app
        .create_account(&AccountInput {
            name: "Ohne Server".into(),
            email: "nobody@example.test".into(),
            owner: Some(Owner::User(s.user)),
            ..Default::default()
        })
        .unwrap();
    let seen: Mutex<Vec<BulkResult>> = Mutex::new(Vec::new());
    let each = |r: &BulkResult| seen.lock().unwrap().push(r.clone());
    let summary = s
        .app
        .test_all("", 4, &opts(), &each, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        (summary.passed, summary.failed, summary.temporary),
        (10, 2, 1),
        "{:#?}",
        summary.results
    );
    assert_eq!(seen.lock().unwrap().len(), 13);
    let wrong = result(&summary, "Falsches Passwort");
    assert!(wrong.codes.iter().any(|c| c == "auth.failed"), "{wrong:?}");
    assert!(!wrong.temporary);
    let down = result(&summary, "Dienst gestört");
    assert!(down.temporary && !down.ok, "{down:?}");
    assert_eq!(down.codes, ["auth.temporary", "auth.temporary"], "{down:?}");
    let none = result(&summary, "Ohne Server");
    assert!(
        none.error.as_deref().unwrap_or("").contains("neither"),
        "{none:?}"
    );
    // Sorted by name for the report.
    assert_eq!(summary.results[0].account, "Dienst gestört");
    assert_eq!(summary.results[1].account, "Falsches Passwort");
    // A bulk test asks no OS verdict (no second connection per account); a single test does.
    let one = result(&summary, "Konto 00").account_id;
    let kind = mailbox_admin_core::app::probe::TestTargetKind::Account;
    let bulk = &s.app.test_history(kind, one).unwrap()[0].report;
    assert!(
        bulk.tls.as_ref().is_some_and(|t| t.os_trust.is_none()),
        "{:?}",
        bulk.tls
    );
    let single = s
        .app
        .test_account(one, &opts(), &|_| {}, &CancellationToken::new())
        .await
        .unwrap();
    assert!(
        single.tls.as_ref().is_some_and(|t| t.os_trust.is_some()),
        "{:?}",
        single.tls
    );
}

#[tokio::test]
async fn an_accounts_folder_tree_is_read_with_its_login() {
    let s = setup();
    let id = account(&s, "Bob", BOB.name, BOB.password);
    let folders = s
        .app
        .account_folders(id, &opts().base, &CancellationToken::new())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(folders[0].name, "INBOX");
    assert!(folders
        .iter()
        .any(|f| f.special_use.as_deref() == Some("\\Trash")));
    let bad = account(&s, "Bob wrong", BOB.name, "not the password");
    let err = s
        .app
        .account_folders(bad, &opts().base, &CancellationToken::new())
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(&err, mailbox_admin_core::probe::ActionError::Failed(d) if d.code == "auth.failed"),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_account_without_incoming_server_says_receiving_was_not_checked() {
    let s = setup();
    let id = s
        .app
        .create_account(&AccountInput {
            name: "Nur Versand".into(),
            email: CAROL.name.into(),
            owner: Some(Owner::User(s.user)),
            company_id: Some(s.company),
            incoming_server_id: None,
            password: SecretUpdate::Set(CAROL.password.into()),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let report = s.test(id, &opts()).await.unwrap();
    // The outgoing side passed, but the result is no plain green: a warning step says what
    // was not checked, first, with its own diagnosis.
    assert!(report.ok, "{:?}", report.codes);
    assert_eq!(report.codes, vec!["test.incoming_not_checked".to_string()]);
    let first = &report.steps[0];
    assert_eq!(
        (first.role, first.kind, first.status),
        (Role::Incoming, StepKind::NotChecked, StepStatus::Warning)
    );
    assert_eq!(first.summary, "Receiving not checked");
    assert!(report
        .steps
        .iter()
        .any(|st| st.role == Role::Outgoing && st.kind == StepKind::Sender));
}

/// The step `kind` of `report`, which must be there.
fn step_of(report: &TestReport, kind: StepKind) -> &mailbox_admin_core::probe::Step {
    report
        .steps
        .iter()
        .find(|st| st.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} step: {:#?}", report.steps))
}

#[tokio::test]
async fn imap_download_checks_the_accounts_mailbox_path() {
    let s = setup();
    let download = add_server(
        &s.app,
        ServerInput {
            protocol: Protocol::ImapDownload,
            port: Some(servers().ports.imaps as i64),
            ..server_input("Dovecot (IMAP-Download)", HOST_GOOD)
        },
    );
    let id = account(&s, "Carol", CAROL.name, CAROL.password);
    let mut input = AccountInput::from(&s.app.get_account(id).unwrap());
    input.incoming_server_id = Some(download);
    input.mailbox_path = "Nicht-vorhanden".into();
    let version = s.app.get_account(id).unwrap().version;
    s.app.update_account(id, version, &input).unwrap();
    let report = s.test(id, &opts()).await.unwrap();
    let mailbox = step_of(&report, StepKind::Mailbox);
    assert_eq!(
        mailbox.diagnosis.as_ref().map(|d| d.code),
        Some(DiagnosisCode::ImapMailboxMissing),
        "{mailbox:#?}"
    );
    assert!(
        mailbox
            .transcript
            .iter()
            .any(|l| l.text.contains("Nicht-vorhanden")),
        "the configured path was examined, not INBOX: {mailbox:#?}"
    );
}

#[tokio::test]
async fn pop3_with_delete_after_days_checks_uidl_and_without_it_does_not() {
    let s = setup();
    let pop3 = |name: &str, days: Option<i64>| {
        add_server(
            &s.app,
            ServerInput {
                protocol: Protocol::Pop3,
                port: Some(servers().ports.pop3s as i64),
                pop3_delete_after_days: days,
                ..server_input(name, HOST_GOOD)
            },
        )
    };
    for (server, expect_uidl) in [
        (pop3("POP3 14 Tage", Some(14)), true),
        (pop3("POP3", None), false),
    ] {
        let id = s
            .app
            .create_account(&AccountInput {
                name: format!("Dave {server}"),
                email: servers::DAVE.name.into(),
                owner: Some(Owner::User(s.user)),
                company_id: Some(s.company),
                incoming_server_id: Some(server),
                password: SecretUpdate::Set(servers::DAVE.password.into()),
                ..Default::default()
            })
            .unwrap()
            .item
            .id;
        let report = s.test(id, &opts()).await.unwrap();
        let uidl = report.steps.iter().find(|st| st.kind == StepKind::Uidl);
        if expect_uidl {
            let uidl = uidl.expect("a UIDL step");
            assert_eq!(uidl.status, StepStatus::Ok, "{uidl:#?}");
            assert!(uidl.summary.contains("14"), "{}", uidl.summary);
            assert!(
                uidl.transcript.iter().any(|l| l.text == "UIDL"),
                "{uidl:#?}"
            );
        } else {
            assert!(uidl.is_none(), "UIDL asked without the setting");
        }
    }
}

#[tokio::test]
async fn folders_are_refreshed_on_demand_and_subscriptions_written_to_the_server() {
    use mailbox_admin_core::app::folders::SubscriptionChange;
    let s = setup();
    let id = s
        .app
        .create_account(&AccountInput {
            name: "Dave IMAP".into(),
            email: servers::DAVE.name.into(),
            owner: Some(Owner::User(s.user)),
            incoming_server_id: Some(s.imap),
            password: SecretUpdate::Set(servers::DAVE.password.into()),
            folders: vec![AccountFolder {
                folder: "Nie-angelegt".into(),
                subscribed: false,
                auto_fetch: true,
            }],
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let base = opts().base;
    let cancel = CancellationToken::new();
    let tree = s.app.refresh_folders(id, &base, &cancel).await.unwrap();
    assert!(tree.error.is_none(), "{:?}", tree.error);
    assert!(!tree.read_at.is_empty());
    assert_eq!(tree.folders[0].name, "INBOX");
    assert_eq!(tree.missing, ["Nie-angelegt"]);
    let on_server = |tree: &mailbox_admin_core::app::folders::FolderRefresh| {
        tree.folders
            .iter()
            .find(|f| f.name == "Junk")
            .expect("Junk")
            .subscribed
    };
    assert!(!on_server(&tree));

    let junk = |on: bool| SubscriptionChange {
        folder: "Junk".into(),
        subscribed: on,
    };
    let done = s
        .app
        .write_subscriptions(id, &[junk(true)], &base, &cancel)
        .await
        .unwrap();
    assert_eq!((done.written.len(), done.error), (1, None));
    let stored = s.app.get_account(id).unwrap().folders;
    assert!(
        stored.iter().any(|f| f.folder == "Junk" && f.subscribed),
        "{stored:?}"
    );
    assert!(on_server(
        &s.app.refresh_folders(id, &base, &cancel).await.unwrap()
    ));

    let done = s
        .app
        .write_subscriptions(id, &[junk(false)], &base, &cancel)
        .await
        .unwrap();
    assert!(done.error.is_none());
    let stored = s.app.get_account(id).unwrap().folders;
    assert_eq!(
        stored.len(),
        1,
        "Junk left the list with its last flag: {stored:?}"
    );
    assert!(!on_server(
        &s.app.refresh_folders(id, &base, &cancel).await.unwrap()
    ));

    // A refused login: a diagnosis, nothing written.
    let bad = account(&s, "Dave wrong", servers::DAVE.name, "not the password");
    let tree = s.app.refresh_folders(bad, &base, &cancel).await.unwrap();
    assert_eq!(tree.error.map(|d| d.code), Some(DiagnosisCode::AuthFailed));
    let done = s
        .app
        .write_subscriptions(bad, &[junk(true)], &base, &cancel)
        .await
        .unwrap();
    assert!(done.written.is_empty());
    assert_eq!(done.error.map(|d| d.code), Some(DiagnosisCode::AuthFailed));
}

/// The message files in `user`'s maildir folder `folder` ("" for INBOX, ".Trash") that carry
/// the round trip's marker `token`, by file name (the maildir flags follow `:2,`).
fn marked_files(user: &str, folder: &str, token: &str) -> Vec<String> {
    let dir = servers().maildir(user).join(folder);
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        for e in std::fs::read_dir(dir.join(sub))
            .into_iter()
            .flatten()
            .flatten()
        {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            if text.contains(&format!("X-Mailbox-Admin-Test: {token}")) {
                out.push(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    out
}

/// The round trip's marker token, from the transcript of its send step.
fn roundtrip_token(report: &TestReport) -> String {
    report
        .steps
        .iter()
        .flat_map(|st| &st.transcript)
        .find_map(|l| l.text.strip_prefix("X-Mailbox-Admin-Test: "))
        .map(|t| t.trim().to_string())
        .expect("the marker header in the send step's transcript")
}

#[tokio::test]
async fn the_round_trip_follows_the_accounts_delete_procedure() {
    let s = setup();
    let o = AccountTestOptions {
        roundtrip: true,
        roundtrip_wait_secs: Some(20),
        ..opts()
    };
    for (procedure, summary) in [
        (DeleteProcedure::MoveToTrash, "moved to the trash"),
        (DeleteProcedure::MarkDeleted, "marked as deleted"),
        (DeleteProcedure::Expunge, "was deleted again"),
    ] {
        let id = account(
            &s,
            &format!("Carol {procedure:?}"),
            CAROL.name,
            CAROL.password,
        );
        let a = s.app.get_account(id).unwrap();
        let input = AccountInput {
            delete_procedure: procedure,
            ..AccountInput::from(&a)
        };
        s.app.update_account(id, a.version, &input).unwrap();
        let report = s.test(id, &o).await.unwrap();
        assert!(report.ok, "{procedure:?}: {:#?}", report.codes);
        let rt = report
            .steps
            .iter()
            .find(|st| st.kind == StepKind::Roundtrip)
            .unwrap();
        assert!(
            rt.summary.ends_with(summary),
            "{procedure:?}: {}",
            rt.summary
        );
        let token = roundtrip_token(&report);
        let (inbox, trash) = (
            marked_files(CAROL.name, "", &token),
            marked_files(CAROL.name, ".Trash", &token),
        );
        match procedure {
            DeleteProcedure::MoveToTrash => {
                assert!(inbox.is_empty(), "still in INBOX: {inbox:?}");
                assert_eq!(trash.len(), 1, "not in Trash: {trash:?}");
            }
            DeleteProcedure::MarkDeleted => {
                assert!(trash.is_empty(), "moved: {trash:?}");
                assert_eq!(inbox.len(), 1, "{inbox:?}");
                let flags = inbox[0].rsplit_once(":2,").map(|(_, f)| f).unwrap_or("");
                assert!(flags.contains('T'), "not flagged \\Deleted: {}", inbox[0]);
            }
            DeleteProcedure::Expunge => {
                assert!(inbox.is_empty() && trash.is_empty(), "{inbox:?} {trash:?}");
            }
        }
    }
}

/// The diagnosis codes of the steps of `report`'s outgoing side, with each step's status.
fn outgoing_codes(report: &TestReport) -> Vec<(StepKind, StepStatus, String)> {
    report
        .steps
        .iter()
        .filter(|st| st.role == Role::Outgoing)
        .filter_map(|st| {
            st.diagnosis
                .as_ref()
                .map(|d| (st.kind, st.status, d.code.to_string()))
        })
        .collect()
}

#[tokio::test]
async fn send_via_the_application_server_is_noted_and_explains_a_relay_refusal() {
    let s = setup();
    // Postfix's port 25 relays only for its own networks, whoever logs in: mail from here to
    // another domain is refused (554 5.7.1 Relay access denied).
    let relay = OutgoingInput {
        port: Some(servers().ports.smtp_plain as i64),
        security: Security::None,
        username: ALICE.name.into(),
        password: SecretUpdate::Set(ALICE.password.into()),
        allow_plaintext: true,
        send_via_app_server: true,
        ..outgoing_input("Relay des Anwendungsservers", HOST_GOOD)
    };
    let out = add_outgoing(&s.app, relay.clone());
    let id = s
        .app
        .create_account(&AccountInput {
            name: "Relay".into(),
            email: ALICE.name.into(),
            owner: Some(Owner::User(s.user)),
            incoming_server_id: Some(s.imap),
            outgoing_server_id: Some(out),
            password: SecretUpdate::Set(ALICE.password.into()),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let o = AccountTestOptions {
        send_to: Some("someone@example.net".into()),
        ..opts()
    };
    let report = s.test(id, &o).await.unwrap();
    let codes = outgoing_codes(&report);
    assert!(
        codes.contains(&(
            StepKind::Send,
            StepStatus::Warning,
            "smtp.relay_denied_app_server".into()
        )),
        "{codes:#?}"
    );
    assert!(
        codes.contains(&(
            StepKind::NotChecked,
            StepStatus::Warning,
            "smtp.app_server_sends".into()
        )),
        "{codes:#?}"
    );
    assert!(report.ok, "a refusal the setting explains is a warning");
    let send = report
        .steps
        .iter()
        .find(|st| st.kind == StepKind::Send)
        .unwrap();
    let d = send.diagnosis.as_ref().unwrap();
    assert!(
        d.explanation.contains("application server"),
        "{}",
        d.explanation
    );
    assert!(
        d.evidence
            .iter()
            .any(|e| e.value.contains("Relay access denied")),
        "the server's words stay: {:?}",
        d.evidence
    );

    // The server's own test says it too.
    let cancel = CancellationToken::new();
    let alone = s
        .app
        .test_outgoing(out, &opts().base, &|_| {}, &cancel)
        .await
        .unwrap();
    assert!(
        alone.codes.contains(&DiagnosisCode::SmtpAppServerSends),
        "{:?}",
        alone.codes
    );

    // Without the flag: no note, and the refusal is the plain, failing one.
    let version = s.app.get_outgoing(out).unwrap().version;
    s.app
        .update_outgoing(
            out,
            version,
            &OutgoingInput {
                send_via_app_server: false,
                ..relay
            },
        )
        .unwrap();
    let report = s.test(id, &o).await.unwrap();
    let codes = outgoing_codes(&report);
    assert!(!report.ok);
    assert!(
        codes.contains(&(
            StepKind::Send,
            StepStatus::Failed,
            "smtp.relay_denied".into()
        )),
        "{codes:#?}"
    );
    assert!(
        !report.codes.iter().any(|c| matches!(
            c,
            DiagnosisCode::SmtpAppServerSends | DiagnosisCode::SmtpRelayDeniedAppServer
        )),
        "{:?}",
        report.codes
    );
    let alone = s
        .app
        .test_outgoing(out, &opts().base, &|_| {}, &cancel)
        .await
        .unwrap();
    assert!(!alone.codes.contains(&DiagnosisCode::SmtpAppServerSends));
}
