//! A Microsoft 365 outgoing server that sends "via Graph", tested against the Graph stand-in
//! (tests/graph/standin.mjs: HTTPS with the test CA, every token introspected at the tests'
//! real authorization server, tests/oauth/provider.mjs): token, mailbox, permission and
//! `sendMail` green; a token without Mail.Send, an unknown mailbox, a mailbox not enabled for
//! REST, an application access policy and a token of another user each end with their
//! diagnosis; no token reaches a report or the database.
//!
//! One stand-in for the whole binary (its URL is the process-wide `MAILBOX_ADMIN_GRAPH_URL`):
//! mailboxes ALICE, BOB, CAROL, DAVE; DAVE's is not enabled for REST; app-only tokens may
//! reach only CAROL's mailbox (an application access policy).

#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/graph.rs"]
mod graph;
#[path = "support/keyring.rs"]
mod keyring;
#[path = "support/servers.rs"]
mod servers;

use fixtures::{add_outgoing, add_user};
use graph::{GraphOptions, GraphStandin};
use keyring::Keyring;
use mailbox_admin_core::app::oauth::{ConnectEvent, ConnectOptions};
use mailbox_admin_core::app::probe::{AccountTestOptions, TestOptions};
use mailbox_admin_core::model::*;
use mailbox_admin_core::probe::{
    CancellationToken, ProbeProtocol, Role, StepKind, StepStatus, TestReport,
};
use mailbox_admin_core::store::Store;
use mailbox_admin_core::{App, Lang};
use servers::{servers, ALICE, BOB, CAROL, DAVE};
use std::sync::{Arc, Mutex, OnceLock};

const PUBLIC_CLIENT: &str = "mailbox-admin";
const SERVICE_CLIENT: &str = "mailbox-admin-service";
const SERVICE_SECRET: &str = "Canary-Client-Secret-9fK2";

/// The stand-in of this test binary, and `MAILBOX_ADMIN_GRAPH_URL` pointing at it.
fn standin() -> &'static GraphStandin {
    static G: OnceLock<GraphStandin> = OnceLock::new();
    G.get_or_init(|| {
        let g = GraphStandin::start(&GraphOptions {
            mailboxes: [ALICE.name, BOB.name, CAROL.name, DAVE.name]
                .map(String::from)
                .to_vec(),
            rest_disabled: vec![DAVE.name.into()],
            app_policy: Some(vec![CAROL.name.into()]),
            ..Default::default()
        });
        std::env::set_var("MAILBOX_ADMIN_GRAPH_URL", &g.url);
        g
    })
}

/// A keyring that remembers everything (the tokens are the canaries).
struct Setup {
    dir: tempfile::TempDir,
    app: Arc<App>,
    keyring: Arc<Keyring>,
    user: i64,
}

fn setup() -> Setup {
    let mail = servers();
    standin();
    let dir = tempfile::tempdir().unwrap();
    let keyring = Arc::new(Keyring::default());
    let app = Arc::new(
        App::new(
            Store::open(&dir.path().join("c.db")).unwrap(),
            keyring.clone(),
            Lang::En,
        )
        .with_extra_roots([mail.ca_pem.clone()]),
    );
    let user = add_user(&app, "admin", "");
    Setup {
        dir,
        app,
        keyring,
        user,
    }
}

/// An OpenID Connect provider of the tests' authorization server (endpoints filled in by
/// hand: discovery is covered by tests/oauth.rs).
fn provider(s: &Setup, name: &str, service: bool, scopes: &str) -> i64 {
    let iss = &servers().oauth.https_issuer;
    let input = OauthProviderInput {
        name: name.into(),
        kind: ProviderKind::Oidc,
        discovery_url: iss.clone(),
        authorization_endpoint: format!("{iss}/auth"),
        token_endpoint: format!("{iss}/token"),
        device_endpoint: format!("{iss}/device/auth"),
        revocation_endpoint: format!("{iss}/token/revocation"),
        client_id: if service {
            SERVICE_CLIENT
        } else {
            PUBLIC_CLIENT
        }
        .into(),
        client_secret: if service {
            SecretUpdate::Set(SERVICE_SECRET.into())
        } else {
            SecretUpdate::Keep
        },
        scopes: if service {
            String::new()
        } else {
            scopes.into()
        },
        app_scopes: if service {
            scopes.into()
        } else {
            String::new()
        },
        ..Default::default()
    };
    s.app.create_oauth_provider(&input).unwrap().item.id
}

/// A Microsoft 365 outgoing server that sends through Graph with `provider`'s tokens.
fn graph_server(s: &Setup, name: &str, provider: i64, username: &str) -> i64 {
    add_outgoing(
        &s.app,
        OutgoingInput {
            name: name.into(),
            kind: OutgoingKind::Microsoft365,
            m365_send_via: M365SendVia::Graph,
            auth_method: SmtpAuth::Oauth2,
            oauth_provider_id: Some(provider),
            username: username.into(),
            ..Default::default()
        },
    )
}

fn account(s: &Setup, name: &str, email: &str, outgoing: i64) -> i64 {
    s.app
        .create_account(&AccountInput {
            name: name.into(),
            email: email.into(),
            owner: Some(Owner::User(s.user)),
            outgoing_server_id: Some(outgoing),
            ..Default::default()
        })
        .unwrap()
        .item
        .id
}

fn browser(args: &[&str]) -> std::process::Output {
    let script =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oauth/browser.mjs");
    std::process::Command::new("node")
        .arg(script)
        .args(args)
        .env("NODE_EXTRA_CA_CERTS", &servers().oauth.ca_file)
        .output()
        .expect("node runs tests/oauth/browser.mjs")
}

/// Connects `account` through `provider`: signing in as `who` (authorization code), or
/// app-only (client credentials) when `who` is `None`.
async fn connect(s: &Setup, account: i64, provider: i64, who: Option<&servers::User>) {
    let played: Arc<Mutex<Vec<std::thread::JoinHandle<std::process::Output>>>> = Arc::default();
    let p2 = played.clone();
    let (login, password) = who.map_or(("", ""), |u| (u.name, u.password));
    let on_event = move |e: ConnectEvent| {
        if let ConnectEvent::OpenBrowser { url } = e {
            let args = ["authorize".to_string(), url, login.into(), password.into()];
            p2.lock().unwrap().push(std::thread::spawn(move || {
                let a: Vec<&str> = args.iter().map(String::as_str).collect();
                browser(&a)
            }));
        }
    };
    let opts = ConnectOptions {
        flow: if who.is_some() {
            OauthFlow::AuthorizationCode
        } else {
            OauthFlow::ClientCredentials
        },
        provider_id: Some(provider),
        wait_secs: Some(60),
    };
    let r = s
        .app
        .oauth_connect(account, &opts, &on_event, &CancellationToken::new())
        .await;
    for h in played.lock().unwrap().drain(..) {
        let out = h.join().unwrap();
        assert!(
            out.status.success(),
            "browser.mjs: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    r.unwrap();
}

async fn test(s: &Setup, id: i64, send_to: Option<&str>) -> TestReport {
    let opts = AccountTestOptions {
        base: TestOptions {
            extra_roots: vec![servers().ca_pem.clone()],
        },
        send_to: send_to.map(String::from),
        ..Default::default()
    };
    s.app
        .test_account(id, &opts, &|_| {}, &CancellationToken::new())
        .await
        .unwrap()
}

fn step(r: &TestReport, kind: StepKind) -> &mailbox_admin_core::probe::Step {
    r.steps
        .iter()
        .find(|s| s.role == Role::Outgoing && s.kind == kind)
        .unwrap_or_else(|| panic!("no outgoing {kind:?} step: {r:#?}"))
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

/// The mails the stand-in accepted from mailbox `from`, sent with the token of `by` (tests
/// run in parallel against one stand-in: each counts only its own).
fn sent_by(from: &str, by: &str) -> Vec<serde_json::Value> {
    standin()
        .sent()
        .into_iter()
        .filter(|m| m["from"] == from && m["by"] == by)
        .collect()
}

#[tokio::test]
async fn a_delegated_token_with_mail_send_sends_the_test_mail_through_graph() {
    let s = setup();
    let p = provider(
        &s,
        "IdP (Graph)",
        false,
        "openid email offline_access Mail.Send",
    );
    let out = graph_server(&s, "Microsoft 365 (Graph)", p, "");
    let id = account(&s, "Alice", ALICE.name, out);
    connect(&s, id, p, Some(&ALICE)).await;
    let before = sent_by(ALICE.name, ALICE.name).len();
    let r = test(&s, id, Some(BOB.name)).await;
    assert!(r.ok, "{r:#?}");
    let target = r.targets.iter().find(|t| t.role == Role::Outgoing).unwrap();
    assert_eq!(target.protocol, ProbeProtocol::Graph);
    assert_eq!(target.host, "127.0.0.1");
    assert_eq!(target.port, standin().port);
    for k in [
        StepKind::Login,
        StepKind::Mailbox,
        StepKind::Sender,
        StepKind::Send,
    ] {
        assert_eq!(step(&r, k).status, StepStatus::Ok, "{k:?}: {r:#?}");
    }
    assert!(
        step(&r, StepKind::Mailbox).summary.contains(ALICE.name),
        "{}",
        step(&r, StepKind::Mailbox).summary
    );
    // No SMTP at all: nothing was tried at smtp.office365.com.
    assert!(r.steps.iter().all(|s| s.kind != StepKind::Greeting));

    // Sent with Alice's own token, from her mailbox.
    let sent = sent_by(ALICE.name, ALICE.name);
    assert_eq!(sent.len(), before + 1, "{sent:#?}");
    let m = sent.last().unwrap();
    assert_eq!(m["to"][0], BOB.name);
    assert_eq!(m["saveToSentItems"], false);
    assert_eq!(m["headers"][0]["name"], "X-Mailbox-Admin-Test");
    assert!(m["subject"].as_str().unwrap().contains("Mailbox Admin"));

    // The token is in no report, history or database.
    let tokens: Vec<String> = s
        .keyring
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.ends_with("/oauth_tokens"))
        .filter_map(|(_, v)| {
            serde_json::from_str::<serde_json::Value>(v).ok()?["access_token"]
                .as_str()
                .map(String::from)
        })
        .collect();
    assert_eq!(tokens.len(), 1);
    let report = serde_json::to_string(&r).unwrap();
    let history = serde_json::to_string(
        &s.app
            .test_history(mailbox_admin_core::app::probe::TestTargetKind::Account, id)
            .unwrap(),
    )
    .unwrap();
    drop(s.app);
    let mut db = Vec::new();
    for e in std::fs::read_dir(s.dir.path()).unwrap() {
        db.extend(std::fs::read(e.unwrap().path()).unwrap());
    }
    let db = String::from_utf8_lossy(&db);
    for t in &tokens {
        assert!(!report.contains(t.as_str()), "the token is in the report");
        assert!(!history.contains(t.as_str()), "the token is in the history");
        assert!(!db.contains(t.as_str()), "the token is in the database");
    }
}

#[tokio::test]
async fn a_token_without_mail_send_is_diagnosed_before_and_at_sending() {
    let s = setup();
    // A user's token without Mail.Send: the granted scopes say so before anything is sent.
    let p = provider(
        &s,
        "IdP (no Mail.Send)",
        false,
        "openid email offline_access smtp",
    );
    let out = graph_server(&s, "Microsoft 365 (Graph)", p, "");
    let id = account(&s, "Alice", ALICE.name, out);
    connect(&s, id, p, Some(&ALICE)).await;
    let r = test(&s, id, Some(BOB.name)).await;
    failed_with(&r, StepKind::Sender, "graph.permission_missing");
    let d = step(&r, StepKind::Sender).diagnosis.clone().unwrap();
    assert!(d.fix.contains("Mail.Send"), "{}", d.fix);
    assert!(
        d.evidence.iter().any(|e| e.value.contains("smtp")),
        "{:?}",
        d.evidence
    );
    assert!(
        r.steps.iter().all(|s| s.kind != StepKind::Send),
        "nothing was sent: {r:#?}"
    );

    // An app-only token without Mail.Send names nothing readable (opaque): Graph's 403 at
    // sendMail is the answer.
    let app = provider(&s, "IdP app (no Mail.Send)", true, "smtp");
    let out = graph_server(&s, "Microsoft 365 (Graph, app)", app, "service");
    let id = account(&s, "Carol", CAROL.name, out);
    let r = test(&s, id, Some(BOB.name)).await;
    assert_eq!(step(&r, StepKind::Mailbox).status, StepStatus::Ok, "{r:#?}");
    failed_with(&r, StepKind::Send, "graph.permission_missing");
    let d = step(&r, StepKind::Send).diagnosis.clone().unwrap();
    assert!(
        d.evidence
            .iter()
            .any(|e| e.value.contains("ErrorAccessDenied")),
        "{:?}",
        d.evidence
    );
    assert!(
        step(&r, StepKind::Send)
            .transcript
            .iter()
            .any(|l| l.text.contains("403")),
        "{:#?}",
        step(&r, StepKind::Send).transcript
    );
}

#[tokio::test]
async fn an_unknown_or_unavailable_mailbox_and_an_access_policy_are_named() {
    let s = setup();
    let app = provider(&s, "IdP app", true, "smtp Mail.Send");
    let out = graph_server(&s, "Microsoft 365 (Graph, app)", app, "service");

    let ghost = account(&s, "Ghost", "ghost@example.test", out);
    let r = test(&s, ghost, None).await;
    failed_with(&r, StepKind::Mailbox, "graph.mailbox_not_found");
    let d = step(&r, StepKind::Mailbox).diagnosis.clone().unwrap();
    assert!(
        d.evidence
            .iter()
            .any(|e| e.value.contains("Request_ResourceNotFound")),
        "{:?}",
        d.evidence
    );

    let dave = account(&s, "Dave", DAVE.name, out);
    let r = test(&s, dave, None).await;
    failed_with(&r, StepKind::Mailbox, "graph.mailbox_not_found");
    assert!(step(&r, StepKind::Mailbox)
        .diagnosis
        .as_ref()
        .unwrap()
        .evidence
        .iter()
        .any(|e| e.value.contains("MailboxNotEnabledForRESTAPI")));

    // The policy lets the app reach only Carol's mailbox.
    let alice = account(&s, "Alice", ALICE.name, out);
    let r = test(&s, alice, Some(BOB.name)).await;
    failed_with(&r, StepKind::Send, "graph.access_policy");
    let carol = account(&s, "Carol", CAROL.name, out);
    let by = format!("app:{SERVICE_CLIENT}");
    let before = sent_by(CAROL.name, &by).len();
    let r = test(&s, carol, Some(BOB.name)).await;
    assert!(r.ok, "{r:#?}");
    assert_eq!(sent_by(CAROL.name, &by).len(), before + 1);
}

#[tokio::test]
async fn a_token_of_another_user_is_named_and_sends_nothing() {
    let s = setup();
    let p = provider(
        &s,
        "IdP (Graph)",
        false,
        "openid email offline_access Mail.Send",
    );
    let out = graph_server(&s, "Microsoft 365 (Graph)", p, "");
    // Bob's mailbox, but Alice signed in.
    let id = account(&s, "Bob", BOB.name, out);
    connect(&s, id, p, Some(&ALICE)).await;
    let r = test(&s, id, Some(CAROL.name)).await;
    failed_with(&r, StepKind::Mailbox, "oauth.wrong_user");
    let d = step(&r, StepKind::Mailbox).diagnosis.clone().unwrap();
    assert!(
        d.evidence.iter().any(|e| e.value == ALICE.name),
        "who consented is shown: {:?}",
        d.evidence
    );
    assert!(r.steps.iter().all(|s| s.kind != StepKind::Send));
    assert!(sent_by(BOB.name, ALICE.name).is_empty());
}

#[tokio::test]
async fn a_graph_token_goes_only_to_an_allowed_host() {
    let s = setup();
    // A provider whose tokens may go only to one named mail server: not to Graph here.
    let p = provider(
        &s,
        "IdP (Graph)",
        false,
        "openid email offline_access Mail.Send",
    );
    let current = s.app.get_oauth_provider(p).unwrap();
    let mut input = OauthProviderInput::from(&current);
    input.token_hosts = vec!["mail.example.test".into()];
    s.app
        .update_oauth_provider(p, current.version, &input)
        .unwrap();
    let out = graph_server(&s, "Microsoft 365 (Graph)", p, "");
    // An address no other test uses, to look for in the stand-in's requests.
    let id = account(&s, "Alice (host check)", "alice.hosts@example.test", out);
    connect(&s, id, p, Some(&ALICE)).await;
    let r = test(&s, id, None).await;
    failed_with(&r, StepKind::Login, "oauth.host_not_allowed");
    assert!(
        standin()
            .requests()
            .iter()
            .all(|q| !q["path"].as_str().unwrap().contains("alice.hosts")),
        "the token never went to the stand-in"
    );
}
