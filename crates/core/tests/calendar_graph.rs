//! The connection test of a Microsoft 365 calendar account, against the Graph stand-in
//! (tests/graph/standin.mjs: HTTPS with the test CA, every token introspected at the tests'
//! real authorization server): an app-only token of the account's OAuth provider, the
//! employee's calendars, a read of the sync range. Green; a token without Calendars.Read
//! (403); an unknown mailbox; a mailbox the app may not reach (application access policy —
//! an app-only token has no user, so "another user's token" is this case); a calendar name
//! that is not there. The client secret and the token never reach the report.
//!
//! One stand-in for the binary (its URL is the process-wide `MAILBOX_ADMIN_GRAPH_URL`):
//! mailboxes ALICE and CAROL, app-only tokens reach only CAROL's, CAROL has two events.

#[path = "support/graph.rs"]
mod graph;
#[path = "support/servers.rs"]
mod servers;

use graph::{GraphOptions, GraphStandin};
use mailbox_admin_core::app::probe::TestOptions;
use mailbox_admin_core::model::*;
use mailbox_admin_core::probe::{CancellationToken, Role, StepKind, StepStatus, TestReport};
use mailbox_admin_core::secrets::KeyringSecrets;
use mailbox_admin_core::store::Store;
use mailbox_admin_core::{App, Lang};
use servers::{servers, ALICE, CAROL};
use std::sync::{Arc, OnceLock};

const SERVICE_CLIENT: &str = "mailbox-admin-service";
const SERVICE_SECRET: &str = "Canary-Client-Secret-9fK2";

fn standin() -> &'static GraphStandin {
    static G: OnceLock<GraphStandin> = OnceLock::new();
    G.get_or_init(|| {
        let mut events = serde_json::Map::new();
        events.insert(
            CAROL.name.into(),
            serde_json::json!([
                {"id": "e1", "subject": "Teamrunde"},
                {"id": "e2", "subject": "Kundentermin"}
            ]),
        );
        let g = GraphStandin::start(&GraphOptions {
            mailboxes: vec![ALICE.name.into(), CAROL.name.into()],
            app_policy: Some(vec![CAROL.name.into()]),
            events,
            ..Default::default()
        });
        std::env::set_var("MAILBOX_ADMIN_GRAPH_URL", &g.url);
        g
    })
}

struct Setup {
    _dir: tempfile::TempDir,
    app: App,
}

fn setup() -> Setup {
    let mail = servers();
    standin();
    let dir = tempfile::tempdir().unwrap();
    let keyring = Arc::new(KeyringSecrets::new(
        keyring_core::mock::Store::new().unwrap(),
    ));
    let app = App::new(
        Store::open(&dir.path().join("c.db")).unwrap(),
        keyring,
        Lang::En,
    )
    .with_extra_roots([mail.ca_pem.clone()]);
    Setup { _dir: dir, app }
}

/// The service client of the tests' authorization server, app-only with `scopes`.
fn provider(s: &Setup, name: &str, scopes: &str) -> i64 {
    let iss = &servers().oauth.https_issuer;
    s.app
        .create_oauth_provider(&OauthProviderInput {
            name: name.into(),
            kind: ProviderKind::Oidc,
            discovery_url: iss.clone(),
            authorization_endpoint: format!("{iss}/auth"),
            token_endpoint: format!("{iss}/token"),
            device_endpoint: format!("{iss}/device/auth"),
            revocation_endpoint: format!("{iss}/token/revocation"),
            client_id: SERVICE_CLIENT.into(),
            client_secret: SecretUpdate::Set(SERVICE_SECRET.into()),
            app_scopes: scopes.into(),
            ..Default::default()
        })
        .unwrap()
        .item
        .id
}

fn calendar(s: &Setup, employee_mail: &str, calendar_name: &str, provider: i64) -> i64 {
    let employee = s
        .app
        .create_employee(&EmployeeInput {
            name: format!("Mitarbeiter {employee_mail} {calendar_name}"),
            email: employee_mail.into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    s.app
        .create_calendar(&CalendarInput {
            name: format!("M365 {employee_mail} {calendar_name}"),
            employee_id: Some(employee),
            backend: CalendarBackend::Microsoft365,
            calendar_name: calendar_name.into(),
            oauth_provider_id: Some(provider),
            ..Default::default()
        })
        .unwrap()
        .item
        .id
}

async fn test(s: &Setup, id: i64) -> TestReport {
    let opts = TestOptions {
        extra_roots: vec![servers().ca_pem.clone()],
    };
    let r = s
        .app
        .test_calendar(id, &opts, &|_| {}, &CancellationToken::new())
        .await
        .unwrap();
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains(SERVICE_SECRET), "the client secret leaked");
    assert!(
        !json.to_lowercase().contains("bearer "),
        "a token leaked: {json}"
    );
    assert!(r.steps.iter().all(|s| s.role == Role::Calendar));
    r
}

fn step(r: &TestReport, kind: StepKind) -> &mailbox_admin_core::probe::Step {
    r.steps
        .iter()
        .find(|s| s.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} step: {r:#?}"))
}

fn failed_with(r: &TestReport, kind: StepKind, code: &str) {
    let st = step(r, kind);
    assert_eq!(st.status, StepStatus::Failed, "{st:#?}");
    assert_eq!(
        st.diagnosis.as_ref().unwrap().code.as_str(),
        code,
        "{st:#?}"
    );
    assert!(!r.ok);
}

#[tokio::test]
async fn a_microsoft_365_calendar_is_read_through_graph_with_the_providers_app_token() {
    let s = setup();
    let p = provider(&s, "Entra (Kalender)", "Calendars.Read");
    let id = calendar(&s, CAROL.name, "", p);
    let r = test(&s, id).await;
    assert!(r.ok, "{r:#?}");
    let kinds: Vec<_> = r.steps.iter().map(|s| (s.kind, s.status)).collect();
    assert_eq!(
        kinds,
        vec![
            (StepKind::Login, StepStatus::Ok),
            (StepKind::Calendars, StepStatus::Ok),
            (StepKind::CalendarRead, StepStatus::Ok),
        ]
    );
    assert!(step(&r, StepKind::Calendars)
        .summary
        .contains("\"Calendar\""));
    let read = &step(&r, StepKind::CalendarRead).summary;
    assert!(read.ends_with(" read: 2"), "{read}");
    let lines: Vec<&str> = step(&r, StepKind::CalendarRead)
        .transcript
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("/calendarView?startDateTime=")),
        "{lines:?}"
    );

    // The calendar by its name, case ignored.
    let named = calendar(&s, CAROL.name, "calendar", p);
    assert!(test(&s, named).await.ok);
}

#[tokio::test]
async fn a_token_without_calendars_read_is_refused_by_graph() {
    let s = setup();
    let p = provider(&s, "Entra (nur Mail)", "Mail.Send");
    let id = calendar(&s, CAROL.name, "", p);
    let r = test(&s, id).await;
    failed_with(&r, StepKind::Calendars, "graph.permission_missing");
    assert!(r.steps.iter().all(|s| s.kind != StepKind::CalendarRead));
}

#[tokio::test]
async fn an_unknown_mailbox_and_one_the_app_may_not_reach_are_named() {
    let s = setup();
    let p = provider(&s, "Entra (Kalender)", "Calendars.Read");
    let ghost = calendar(&s, "ghost@example.test", "", p);
    let r = test(&s, ghost).await;
    // The application access policy answers first for a mailbox outside it.
    let code = step(&r, StepKind::Calendars)
        .diagnosis
        .as_ref()
        .unwrap()
        .code
        .as_str()
        .to_string();
    assert!(
        code == "graph.mailbox_not_found" || code == "graph.access_policy",
        "{r:#?}"
    );
    let alice = calendar(&s, ALICE.name, "", p);
    let r = test(&s, alice).await;
    failed_with(&r, StepKind::Calendars, "graph.access_policy");
}

#[tokio::test]
async fn a_calendar_name_that_is_not_there_lists_the_mailboxs_calendars() {
    let s = setup();
    let p = provider(&s, "Entra (Kalender)", "Calendars.Read");
    let id = calendar(&s, CAROL.name, "Urlaub", p);
    let r = test(&s, id).await;
    failed_with(&r, StepKind::Calendars, "caldav.calendar_not_found");
    let d = step(&r, StepKind::Calendars).diagnosis.clone().unwrap();
    assert!(d
        .evidence
        .iter()
        .any(|e| e.key.as_str() == "calendars" && e.value == "Calendar"));
}

#[tokio::test]
async fn an_employee_without_an_address_is_a_field_error() {
    let s = setup();
    let p = provider(&s, "Entra (Kalender)", "Calendars.Read");
    let id = calendar(&s, "", "", p);
    let e = s
        .app
        .test_calendar(
            id,
            &TestOptions::default(),
            &|_| {},
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    match e {
        mailbox_admin_core::Error::Validation(issues) => {
            assert_eq!(issues[0].field, "employee_id");
            assert_eq!(issues[0].code.as_str(), "calendar_no_mailbox");
        }
        other => panic!("{other:?}"),
    }
}
