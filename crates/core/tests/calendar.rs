//! The connection test of calendar accounts (CalDAV) against a real Radicale over TLS on
//! loopback (`support/caldav.rs`): green with the URL of the principal, through
//! `/.well-known/caldav` from only a host, and through DNS SRV `_caldavs._tcp` (dnsmasq);
//! a wrong password, a calendar that does not exist (the existing ones as evidence), a URL
//! that is no CalDAV server (nginx), a certificate from an unknown CA, a server that never
//! answers (a timeout, not a hang); an Outlook account is refused as a field error; the
//! password never shows in the report. Also: Microsoft 365 accounts name an OAuth provider,
//! and the runs are kept in the test history (across the migration that admits them).

#[path = "support/caldav.rs"]
mod caldav_support;
#[path = "support/dns.rs"]
mod dns_support;
#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/https.rs"]
mod https_support;

use caldav_support::{Calendar, TestCaldav};
use dns_support::{TestDns, Zone};
use https_support::TestHttps;
use mailbox_admin_core::app::probe::{TestOptions, TestTargetKind};
use mailbox_admin_core::diag::{DiagnosisCode, EvidenceKey, FieldCode};
use mailbox_admin_core::model::*;
use mailbox_admin_core::probe::{no_progress, CancellationToken, StepKind, StepStatus, TestReport};
use mailbox_admin_core::{App, Error};
use std::sync::OnceLock;

/// The password is the canary: it must never show up in a report.
const ANNA_PW: &str = "Canary-Kalender-\"7\"-Pw\\x";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// One Radicale for the tests of this file: user anna with the calendars "Arbeit" (an event
/// tomorrow, one in two years — outside the default range) and "Privat".
fn radicale() -> &'static TestCaldav {
    static R: OnceLock<TestCaldav> = OnceLock::new();
    R.get_or_init(|| {
        // Started from a thread that lives as long as the process: PR_SET_PDEATHSIG fires
        // when the spawning thread ends, and a test's thread ends with the test.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            tx.send(start_radicale()).unwrap();
            loop {
                std::thread::park();
            }
        });
        rx.recv().unwrap()
    })
}

fn start_radicale() -> TestCaldav {
    {
        TestCaldav::start(
            "127.0.0.1",
            &["cal.firma.test"],
            &[("anna", ANNA_PW), ("bernd", "bernd-Pw-1")],
            &[
                Calendar::new("anna", "arbeit", "Arbeit")
                    .event_in_days(1)
                    .event_in_days(-3)
                    .event_in_days(800),
                Calendar::new("anna", "privat", "Privat"),
            ],
        )
    }
}

fn calendar_account(app: &App, url: &str, calendar: &str, password: &str) -> i64 {
    let employee = app
        .create_employee(&EmployeeInput {
            name: "Anna Becker".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    app.create_calendar(&CalendarInput {
        name: "Anna Kalender".into(),
        employee_id: Some(employee),
        backend: CalendarBackend::Caldav,
        calendar_name: calendar.into(),
        caldav_url: url.into(),
        username: "anna".into(),
        password: SecretUpdate::set(password),
        ..Default::default()
    })
    .unwrap()
    .item
    .id
}

fn test(app: &App, id: i64, ca: &str) -> TestReport {
    let opts = TestOptions {
        extra_roots: vec![ca.to_string()],
    };
    let report = rt()
        .block_on(app.test_calendar(id, &opts, &no_progress, &CancellationToken::new()))
        .unwrap();
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        !json.contains(ANNA_PW),
        "the password leaked into the report"
    );
    assert!(
        !json.contains("Canary-Kalender"),
        "the password leaked into the report"
    );
    report
}

fn kinds(r: &TestReport) -> Vec<(StepKind, StepStatus)> {
    r.steps.iter().map(|s| (s.kind, s.status)).collect()
}

fn step(r: &TestReport, kind: StepKind) -> &mailbox_admin_core::probe::Step {
    r.steps.iter().find(|s| s.kind == kind).unwrap()
}

#[test]
fn a_caldav_calendar_with_its_url_passes_every_step_and_reads_the_sync_range() {
    let cal = radicale();
    let (_dir, app) = fixtures::tmp_app();
    let id = calendar_account(&app, &cal.url("/anna/"), "arbeit", ANNA_PW);
    let r = test(&app, id, &cal.ca_pem);
    assert!(r.ok, "{r:#?}");
    assert_eq!(
        kinds(&r),
        vec![
            (StepKind::Discovery, StepStatus::Skipped),
            (StepKind::Principal, StepStatus::Ok),
            (StepKind::CalendarHome, StepStatus::Ok),
            (StepKind::Calendars, StepStatus::Ok),
            (StepKind::CalendarRead, StepStatus::Ok),
        ]
    );
    assert!(step(&r, StepKind::Principal).summary.contains("anna"));
    // Found by the last segment of its URL; the display name is shown.
    assert!(step(&r, StepKind::Calendars)
        .summary
        .contains("\"Arbeit\" found"));
    // Tomorrow's and the one three days ago are in 30 days back / 365 ahead; not the one in
    // 800 days.
    let read = &step(&r, StepKind::CalendarRead).summary;
    assert!(
        read.starts_with("Events from ") && read.ends_with(" read: 2"),
        "{read}"
    );
    // The transcript shows the requests, with the login hidden.
    let lines: Vec<String> = step(&r, StepKind::Principal)
        .transcript
        .iter()
        .map(|l| l.text.clone())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("PROPFIND https://127.0.0.1:")),
        "{lines:?}"
    );
    assert!(lines
        .iter()
        .any(|l| l.contains("Authorization: Basic <redacted>")));
    assert!(lines.iter().any(|l| l.contains("HTTP 207")));
    // The run is kept in the account's test history.
    let runs = app
        .test_history(TestTargetKind::CalendarAccount, id)
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert!(runs[0].ok);
    assert_eq!(runs[0].report.steps.len(), 5);
}

#[test]
fn only_a_host_is_discovered_through_well_known_caldav() {
    let cal = radicale();
    let (_dir, app) = fixtures::tmp_app();
    let id = calendar_account(&app, &cal.url(""), "Privat", ANNA_PW);
    let r = test(&app, id, &cal.ca_pem);
    assert!(r.ok, "{r:#?}");
    let d = step(&r, StepKind::Discovery);
    assert_eq!(d.status, StepStatus::Ok);
    assert!(d.summary.contains(".well-known/caldav"), "{}", d.summary);
    assert!(step(&r, StepKind::Calendars)
        .summary
        .contains("\"Privat\" found"));
    assert!(step(&r, StepKind::CalendarRead)
        .summary
        .ends_with(" read: 0"));
}

#[test]
fn only_a_domain_is_discovered_through_its_srv_record() {
    let cal = radicale();
    let dns = TestDns::start(
        Zone::new(&["firma.test"])
            .srv("_caldavs._tcp.firma.test", "cal.firma.test", cal.port, 0, 1)
            .a("cal.firma.test", &cal.ip),
    );
    let (_dir, app) = fixtures::tmp_app();
    let mut settings = app.get_settings().unwrap();
    settings.dns_server = dns.addr().to_string();
    app.save_settings(&settings).unwrap();
    let id = calendar_account(&app, "https://firma.test", "arbeit", ANNA_PW);
    let r = test(&app, id, &cal.ca_pem);
    assert!(r.ok, "{r:#?}");
    let d = step(&r, StepKind::Discovery);
    assert!(
        d.summary.contains("SRV _caldavs._tcp.firma.test"),
        "{}",
        d.summary
    );
    assert!(
        d.summary
            .contains(&format!("https://cal.firma.test:{}/", cal.port)),
        "{}",
        d.summary
    );
}

#[test]
fn a_wrong_password_is_a_refused_calendar_login() {
    let cal = radicale();
    let (_dir, app) = fixtures::tmp_app();
    let id = calendar_account(&app, &cal.url("/anna/"), "arbeit", "wrong-Pw-1");
    let r = test(&app, id, &cal.ca_pem);
    assert!(!r.ok);
    assert_eq!(r.codes, vec![DiagnosisCode::CaldavAuthFailed]);
    let p = step(&r, StepKind::Principal);
    assert_eq!(p.status, StepStatus::Failed);
    let d = p.diagnosis.as_ref().unwrap();
    assert!(d
        .evidence
        .iter()
        .any(|e| e.key == EvidenceKey::LoginUser && e.value == "anna"));
    assert!(d
        .evidence
        .iter()
        .any(|e| e.key == EvidenceKey::ServerSaid && e.value.starts_with("HTTP 401")));
    assert!(!serde_json::to_string(&r).unwrap().contains("wrong-Pw-1"));
}

#[test]
fn a_calendar_that_does_not_exist_lists_the_existing_ones() {
    let cal = radicale();
    let (_dir, app) = fixtures::tmp_app();
    let id = calendar_account(&app, &cal.url("/anna/"), "Urlaub", ANNA_PW);
    let r = test(&app, id, &cal.ca_pem);
    assert_eq!(r.codes, vec![DiagnosisCode::CaldavCalendarNotFound]);
    let d = step(&r, StepKind::Calendars).diagnosis.clone().unwrap();
    let listed = d
        .evidence
        .iter()
        .find(|e| e.key == EvidenceKey::Calendars)
        .unwrap();
    assert!(listed.value.contains("Arbeit (arbeit)"), "{}", listed.value);
    assert!(listed.value.contains("Privat (privat)"), "{}", listed.value);
    assert!(d
        .evidence
        .iter()
        .any(|e| e.key == EvidenceKey::Wanted && e.value == "Urlaub"));
    assert!(
        r.steps.iter().all(|s| s.kind != StepKind::CalendarRead),
        "the test ends at the first failure"
    );
}

#[test]
fn a_url_that_is_no_caldav_server_says_so() {
    // A real web server that serves files: PROPFIND is not allowed there (405).
    let web = TestHttps::start(
        "127.0.2.61",
        &["127.0.2.61"],
        &[("index.html", "<h1>Firma</h1>")],
    );
    let (_dir, app) = fixtures::tmp_app();
    let id = calendar_account(&app, "https://127.0.2.61/index.html", "arbeit", ANNA_PW);
    let r = test(&app, id, &web.ca_pem);
    assert_eq!(r.codes, vec![DiagnosisCode::CaldavNotCaldav], "{r:#?}");
    let d = step(&r, StepKind::Principal).diagnosis.clone().unwrap();
    assert!(
        d.evidence
            .iter()
            .any(|e| e.key == EvidenceKey::ServerSaid && e.value.starts_with("HTTP 405")),
        "{d:#?}"
    );
    assert!(d
        .evidence
        .iter()
        .any(|e| e.key == EvidenceKey::Capabilities && e.value == "DAV: —"));
}

#[test]
fn an_outlook_calendar_is_not_testable_from_here() {
    let (_dir, app) = fixtures::tmp_app();
    let employee = app
        .create_employee(&EmployeeInput {
            name: "Erika".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let id = app
        .create_calendar(&CalendarInput {
            name: "Outlook Erika".into(),
            employee_id: Some(employee),
            outlook_profile: "Outlook".into(),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let e = rt()
        .block_on(app.test_calendar(
            id,
            &TestOptions::default(),
            &no_progress,
            &CancellationToken::new(),
        ))
        .unwrap_err();
    match e {
        Error::Validation(issues) => {
            assert_eq!(issues[0].field, "backend");
            assert_eq!(issues[0].code, FieldCode::CalendarNotTestable);
        }
        other => panic!("{other:?}"),
    }
}

// ---- Microsoft 365: an OAuth provider instead of a password ----------------------------

fn provider(app: &App, name: &str) -> i64 {
    app.create_oauth_provider(&OauthProviderInput {
        name: name.into(),
        tenant_id: "contoso.onmicrosoft.com".into(),
        client_id: "11111111-2222-3333-4444-555555555555".into(),
        ..Default::default()
    })
    .unwrap()
    .item
    .id
}

fn m365_input(employee: i64, provider: Option<i64>) -> CalendarInput {
    CalendarInput {
        name: "Anna M365".into(),
        employee_id: Some(employee),
        backend: CalendarBackend::Microsoft365,
        calendar_name: "Kalender".into(),
        username: "anna@contoso.example".into(),
        password: SecretUpdate::set("Canary-M365-Pw"),
        oauth_provider_id: provider,
        ..Default::default()
    }
}

fn employee(app: &App) -> i64 {
    app.create_employee(&EmployeeInput {
        name: "Anna Becker".into(),
        ..Default::default()
    })
    .unwrap()
    .id
}

#[test]
fn a_microsoft_365_calendar_needs_an_oauth_provider_and_stores_no_password() {
    let (_dir, app) = fixtures::tmp_app();
    let emp = employee(&app);
    match app.create_calendar(&m365_input(emp, None)).unwrap_err() {
        Error::Validation(issues) => {
            assert_eq!(issues.len(), 1, "{issues:?}");
            assert_eq!(issues[0].field, "oauth_provider_id");
            assert_eq!(issues[0].code, FieldCode::OauthProviderRequired);
        }
        other => panic!("{other:?}"),
    }
    // A provider that does not exist is a field error too.
    match app
        .create_calendar(&m365_input(emp, Some(4711)))
        .unwrap_err()
    {
        Error::Validation(issues) => assert_eq!(issues[0].field, "oauth_provider_id"),
        other => panic!("{other:?}"),
    }
    let p = provider(&app, "Entra");
    let c = app.create_calendar(&m365_input(emp, Some(p))).unwrap().item;
    assert_eq!(c.oauth_provider_id, Some(p));
    assert_eq!(
        c.password,
        SecretState::None,
        "Microsoft 365 takes no password"
    );
    assert_eq!(app.calendar_password(c.id).unwrap(), None);
    // The provider is in use: it cannot be deleted, and the account is named.
    let e = app.delete_oauth_provider(p, None).unwrap_err();
    assert!(format!("{e:?}").contains("Anna M365"), "{e:?}");
    // Another back end keeps no provider.
    let mut caldav: CalendarInput = (&c).into();
    caldav.backend = CalendarBackend::Caldav;
    caldav.caldav_url = "https://cal.firma.test/anna/".into();
    let c = app.update_calendar(c.id, c.version, &caldav).unwrap().item;
    assert_eq!(c.oauth_provider_id, None);
    app.delete_oauth_provider(p, None).unwrap();
}

#[test]
fn the_oauth_provider_of_a_calendar_survives_export_and_import_by_name() {
    let (_dir, app) = fixtures::tmp_app();
    let emp = employee(&app);
    let p = provider(&app, "Entra");
    app.create_calendar(&m365_input(emp, Some(p))).unwrap();
    let doc = app
        .export_config(&mailbox_admin_core::app::transfer::ExportOptions::default())
        .unwrap();
    let row = doc["calendar_accounts"][0].clone();
    assert_eq!(row["oauth_provider"], "Entra", "{row}");

    let (_dir2, other) = fixtures::tmp_app();
    other
        .import_config(
            &doc,
            &mailbox_admin_core::app::transfer::ImportOptions::default(),
        )
        .unwrap();
    let c = &other.list_calendars("").unwrap()[0];
    let p2 = other.list_oauth_providers("").unwrap()[0].id;
    assert_eq!(c.backend, CalendarBackend::Microsoft365);
    assert_eq!(c.oauth_provider_id, Some(p2));
}

#[test]
fn the_history_of_earlier_versions_survives_the_migration_that_admits_calendar_runs() {
    use mailbox_admin_core::store::migrations::{migrations, MIGRATIONS_SQL};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    {
        let mut conn = rusqlite::Connection::open(&db).unwrap();
        // Migration 9 fills a search text with the store's SQL function.
        conn.create_scalar_function(
            "fold_case",
            1,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            |ctx| Ok(ctx.get::<String>(0)?.to_lowercase()),
        )
        .unwrap();
        migrations(&MIGRATIONS_SQL[..11])
            .to_latest(&mut conn)
            .unwrap();
        conn.execute(
            "INSERT INTO test_runs (target_kind, target_id, target_uid, started_at, duration_ms, \
             ok, cancelled, codes, report) VALUES ('account', 7, 'uid-7', '2026-01-01T00:00:00Z', \
             12, 1, 0, '', '{}')",
            [],
        )
        .unwrap();
        // Before: a calendar run is refused by the CHECK.
        assert!(conn
            .execute(
                "INSERT INTO test_runs (target_kind, target_id, started_at, duration_ms, ok, \
                 report) VALUES ('calendar_account', 1, '', 0, 1, '{}')",
                [],
            )
            .is_err());
    }
    let (_app, _) = fixtures::app_at(&db, mailbox_admin_core::Lang::En);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let kept: (String, String, i64) = conn
        .query_row(
            "SELECT target_kind, target_uid, duration_ms FROM test_runs",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(kept, ("account".into(), "uid-7".into(), 12));
    conn.execute(
        "INSERT INTO test_runs (target_kind, target_id, started_at, duration_ms, ok, report) \
         VALUES ('calendar_account', 1, '', 0, 1, '{}')",
        [],
    )
    .unwrap();
}

#[test]
fn a_certificate_from_an_unknown_ca_is_a_tls_diagnosis_with_the_certificate() {
    let cal = radicale();
    let (_dir, app) = fixtures::tmp_app();
    let id = calendar_account(&app, &cal.url("/anna/"), "arbeit", ANNA_PW);
    // The test CA is not trusted here.
    let r = rt()
        .block_on(app.test_calendar(
            id,
            &TestOptions::default(),
            &no_progress,
            &CancellationToken::new(),
        ))
        .unwrap();
    assert_eq!(r.codes, vec![DiagnosisCode::TlsUntrustedIssuer], "{r:#?}");
    let d = step(&r, StepKind::Principal).diagnosis.clone().unwrap();
    assert!(
        d.evidence
            .iter()
            .any(|e| e.key == EvidenceKey::Issuer && e.value.contains("CalDAV Test CA")),
        "{d:#?}"
    );
    assert!(!serde_json::to_string(&r).unwrap().contains(ANNA_PW));
}

#[test]
fn a_server_that_never_answers_ends_with_a_timeout_not_a_hang() {
    use mailbox_admin_core::probe::caldav::{self, CaldavTarget};
    // Accepts connections and says nothing.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in silent.incoming() {
            held.push(c);
        }
    });
    let mut t = CaldavTarget::new(&format!("https://127.0.0.1:{port}/anna/"));
    t.user = "anna".into();
    t.password = Some(mailbox_admin_core::probe::Secret::new(ANNA_PW.to_string()));
    t.timeout = std::time::Duration::from_secs(1);
    let started = std::time::Instant::now();
    let r = rt().block_on(caldav::run(
        &t,
        mailbox_admin_core::Lang::En,
        &no_progress,
        &CancellationToken::new(),
    ));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.codes, vec![DiagnosisCode::NetTimeout], "{r:#?}");
    assert_eq!(step(&r, StepKind::Principal).status, StepStatus::Failed);
}

#[test]
fn a_new_caldav_account_is_tested_as_typed_before_it_is_saved() {
    let cal = radicale();
    let (_dir, app) = fixtures::tmp_app();
    let employee = app
        .create_employee(&EmployeeInput {
            name: "Anna Becker".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let draft = |password: &str| CalendarInput {
        name: "Anna Kalender".into(),
        employee_id: Some(employee),
        backend: CalendarBackend::Caldav,
        calendar_name: "arbeit".into(),
        caldav_url: cal.url("/anna/"),
        username: "anna".into(),
        password: SecretUpdate::set(password),
        ..Default::default()
    };
    let opts = TestOptions {
        extra_roots: vec![cal.ca_pem.clone()],
    };
    let run = |input: &CalendarInput| {
        rt().block_on(app.test_calendar_draft(
            None,
            input,
            &opts,
            &no_progress,
            &CancellationToken::new(),
        ))
    };
    let green = run(&draft(ANNA_PW)).unwrap();
    assert!(green.ok, "{:#?}", green.codes);
    assert!(!serde_json::to_string(&green)
        .unwrap()
        .contains("Canary-Kalender"));
    let red = run(&draft("wrong-Pw-1")).unwrap();
    assert_eq!(red.codes, vec![DiagnosisCode::CaldavAuthFailed]);
    // Nothing saved; a bad URL is a field error before any request.
    assert!(app.list_calendars("").unwrap().is_empty());
    let mut bad = draft(ANNA_PW);
    bad.caldav_url = "kalender.firma.test".into();
    match run(&bad) {
        Err(Error::Validation(issues)) => assert_eq!(issues[0].field, "caldav_url"),
        other => panic!("expected a field error, got {other:?}"),
    }
}
