//! OAuth2 against a real authorization server (npm `oidc-provider`, tests/oauth/provider.mjs)
//! and Dovecot/Postfix validating the tokens by introspection: each of the three flows gets
//! a token, the token logs in to IMAP, POP3 and SMTP with XOAUTH2 and OAUTHBEARER, an
//! expired token is refreshed, a revoked one is diagnosed, and no token or client secret is
//! ever in the database, a transcript, the history or an export.
//!
//! The app reaches the provider over HTTPS with a certificate of the test CA (a company CA),
//! given as an extra root; without it the provider's TLS is diagnosed like a mail server's.
//!
//! The browser side of the authorization code and device flows is played by
//! tests/oauth/browser.mjs (fetch with a cookie jar, trusting the test CA).

#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/keyring.rs"]
mod keyring;
#[path = "support/servers.rs"]
mod servers;

use fixtures::{add_outgoing, add_user, outgoing_input};
use keyring::Keyring;
use mailbox_admin_core::app::oauth::{ConnectEvent, ConnectOptions};
use mailbox_admin_core::app::probe::{AccountTestOptions, TestOptions};
use mailbox_admin_core::model::*;
use mailbox_admin_core::probe::{CancellationToken, Role, StepKind, StepStatus, TestReport};
use mailbox_admin_core::store::Store;
use mailbox_admin_core::{App, ErrorCode, Lang};
use servers::{
    servers, ALICE, BOB, CAROL, DAVE, HOST_EXPIRED, HOST_GOOD, HOST_NOT_YET_VALID, HOST_OTHER_NAME,
    HOST_SELF_SIGNED, HOST_UNTRUSTED,
};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

const PUBLIC_CLIENT: &str = "mailbox-admin";
const SHORT_CLIENT: &str = "mailbox-admin-short";
const SERVICE_CLIENT: &str = "mailbox-admin-service";
const SERVICE_SECRET: &str = "Canary-Client-Secret-9fK2";

// The keyring remembers everything written to it: the tests read the tokens from it (to
// revoke them, and as canaries that must appear nowhere else).
impl Keyring {
    /// Every token stored for any account.
    fn tokens(&self) -> Vec<serde_json::Value> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.ends_with("/oauth_tokens"))
            .map(|(_, v)| serde_json::from_str(v).unwrap())
            .collect()
    }
}

struct Setup {
    dir: tempfile::TempDir,
    app: Arc<App>,
    keyring: Arc<Keyring>,
    provider: i64,
    short_provider: i64,
    service_provider: i64,
    imap: i64,
    pop3: i64,
    smtp: i64,
    user: i64,
}

/// The provider as the app sees it: HTTPS, certificate from the test CA.
fn issuer() -> String {
    servers().oauth.https_issuer.clone()
}

async fn setup() -> Setup {
    let mail = servers();
    let dir = tempfile::tempdir().unwrap();
    let keyring = Arc::new(Keyring::default());
    // The test CA as the installation's extra root (`MAILBOX_ADMIN_EXTRA_CA`, `--ca-file`).
    let app = Arc::new(
        App::new(
            Store::open(&dir.path().join("c.db")).unwrap(),
            keyring.clone(),
            Lang::En,
        )
        .with_extra_roots([mail.ca_pem.clone()]),
    );
    let mut ids = Vec::new();
    for (name, client, secret) in [
        ("Test IdP", PUBLIC_CLIENT, None),
        ("Test IdP (short tokens)", SHORT_CLIENT, None),
        ("Test IdP (app)", SERVICE_CLIENT, Some(SERVICE_SECRET)),
    ] {
        let input = OauthProviderInput {
            name: name.into(),
            kind: ProviderKind::Oidc,
            discovery_url: issuer(),
            client_id: client.into(),
            client_secret: secret.map_or(SecretUpdate::Keep, |s| SecretUpdate::Set(s.into())),
            ..Default::default()
        };
        // "Use defaults" reads the discovery document of the real server.
        let mut filled = app.oauth_provider_defaults(&input).await.unwrap();
        assert!(filled.token_endpoint.starts_with(&issuer()), "{filled:?}");
        assert!(!filled.device_endpoint.is_empty());
        assert!(
            filled.scopes.contains("offline_access"),
            "{}",
            filled.scopes
        );
        filled.scopes = "openid email offline_access imap pop smtp".into();
        filled.app_scopes = "imap pop smtp".into();
        ids.push(app.create_oauth_provider(&filled).unwrap().item.id);
    }
    let (main, short, service) = (ids[0], ids[1], ids[2]);
    let server = |name: &str, protocol: Protocol, port: u16| {
        app.create_server(&ServerInput {
            name: name.into(),
            protocol,
            host: HOST_GOOD.into(),
            port: Some(port as i64),
            auth_method: AuthMethod::Oauth2,
            oauth_provider_id: Some(main),
            ..Default::default()
        })
        .unwrap()
        .item
        .id
    };
    let imap = server("Dovecot IMAP", Protocol::Imap, mail.ports.imaps);
    let pop3 = server("Dovecot POP3", Protocol::Pop3, mail.ports.pop3s);
    let smtp = add_outgoing(
        &app,
        OutgoingInput {
            port: Some(mail.ports.submission as i64),
            security: Security::Starttls,
            auth_method: SmtpAuth::Oauth2,
            oauth_provider_id: Some(main),
            ..outgoing_input("Postfix", HOST_GOOD)
        },
    );
    let user = add_user(&app, "admin", "");
    Setup {
        dir,
        app,
        keyring,
        provider: main,
        short_provider: short,
        service_provider: service,
        imap,
        pop3,
        smtp,
        user,
    }
}

fn account(s: &Setup, name: &str, email: &str, incoming: i64) -> i64 {
    s.app
        .create_account(&AccountInput {
            name: name.into(),
            email: email.into(),
            owner: Some(Owner::User(s.user)),
            incoming_server_id: Some(incoming),
            outgoing_server_id: Some(s.smtp),
            ..Default::default()
        })
        .unwrap()
        .item
        .id
}

fn browser(args: &[&str]) -> std::process::Output {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oauth/browser.mjs");
    std::process::Command::new("node")
        .arg(script)
        .args(args)
        .env("NODE_EXTRA_CA_CERTS", &servers().oauth.ca_file)
        .output()
        .expect("node runs tests/oauth/browser.mjs")
}

/// Who signs in in the (headless) browser, and whether they allow it.
#[derive(Clone, Copy)]
struct Person {
    login: &'static str,
    password: &'static str,
    deny: bool,
}

fn as_user(u: &servers::User) -> Person {
    Person {
        login: u.name,
        password: u.password,
        deny: false,
    }
}

/// Runs a connect; the browser side is played by browser.mjs on a thread of its own.
async fn connect(
    s: &Setup,
    account: i64,
    flow: OauthFlow,
    provider: Option<i64>,
    who: Person,
) -> Result<mailbox_admin_core::app::oauth::OauthStatus, mailbox_admin_core::Error> {
    let played: Arc<Mutex<Vec<std::thread::JoinHandle<std::process::Output>>>> = Arc::default();
    let p2 = played.clone();
    let on_event = move |e: ConnectEvent| {
        let deny = if who.deny { "--deny" } else { "" };
        let args: Vec<String> = match e {
            ConnectEvent::OpenBrowser { url } => {
                vec![
                    "authorize".into(),
                    url,
                    who.login.into(),
                    who.password.into(),
                ]
            }
            ConnectEvent::DeviceCode {
                user_code,
                verification_uri,
                ..
            } => vec![
                "device".into(),
                verification_uri,
                user_code,
                who.login.into(),
                who.password.into(),
            ],
            ConnectEvent::Requesting => return,
        };
        let mut args = args;
        if !deny.is_empty() {
            args.push(deny.into());
        }
        p2.lock().unwrap().push(std::thread::spawn(move || {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            browser(&a)
        }));
    };
    let opts = ConnectOptions {
        flow,
        provider_id: provider,
        wait_secs: Some(60),
    };
    let r = s
        .app
        .oauth_connect(account, &opts, &on_event, &CancellationToken::new())
        .await;
    for h in played.lock().unwrap().drain(..) {
        let out = h.join().unwrap();
        if !who.deny {
            assert!(
                out.status.success(),
                "browser.mjs: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    r
}

fn opts() -> AccountTestOptions {
    AccountTestOptions {
        base: TestOptions {
            extra_roots: vec![servers().ca_pem.clone()],
        },
        ..Default::default()
    }
}

async fn test(s: &Setup, id: i64) -> TestReport {
    s.app
        .test_account(id, &opts(), &|_| {}, &CancellationToken::new())
        .await
        .unwrap()
}

fn set_mechanism(s: &Setup, id: i64, m: OauthMechanism) {
    let a = s.app.get_account(id).unwrap();
    let mut i = AccountInput::from(&a);
    i.oauth_mechanism = m;
    s.app.update_account(id, a.version, &i).unwrap();
}

/// The login steps of both roles passed with `mech` (as the transcript shows it).
fn assert_logged_in_with(r: &TestReport, mech: &str) {
    assert!(r.ok, "{:?}\n{:#?}", r.codes, r.steps);
    for role in [Role::Incoming, Role::Outgoing] {
        let login = r
            .steps
            .iter()
            .find(|st| st.role == role && st.kind == StepKind::Login)
            .unwrap_or_else(|| panic!("no {role:?} login step"));
        assert_eq!(login.status, StepStatus::Ok, "{login:#?}");
        let sent: Vec<&str> = login
            .transcript
            .iter()
            .map(|l| l.text.as_str())
            .filter(|t| t.contains(mech))
            .collect();
        assert!(!sent.is_empty(), "{role:?} did not use {mech}: {login:#?}");
        assert!(
            sent.iter().all(|t| t.contains("<redacted>")),
            "the token must be redacted: {sent:?}"
        );
    }
}

fn codes_of(r: &TestReport) -> Vec<String> {
    r.codes.iter().map(|c| c.to_string()).collect()
}

#[tokio::test]
async fn device_flow_token_logs_in_to_pop3_and_smtp_with_both_mechanisms() {
    let s = setup().await;
    let id = account(&s, "Dave POP3", DAVE.name, s.pop3);
    let st = connect(&s, id, OauthFlow::DeviceCode, None, as_user(&DAVE))
        .await
        .unwrap();
    let c = st.connection.expect("connected");
    assert_eq!(c.flow, OauthFlow::DeviceCode);
    assert_eq!(
        c.subject, DAVE.name,
        "who consented comes from the ID token"
    );
    assert_eq!(
        c.provider_id, s.provider,
        "the provider of the account's server"
    );
    assert!(c.has_refresh_token);
    assert!(c.scopes.contains("pop"), "{}", c.scopes);
    assert!(c.expires_at.is_some());
    for (m, name) in [
        (OauthMechanism::Xoauth2, "XOAUTH2"),
        (OauthMechanism::Oauthbearer, "OAUTHBEARER"),
    ] {
        set_mechanism(&s, id, m);
        assert_logged_in_with(&test(&s, id).await, name);
    }
}

#[tokio::test]
async fn authorization_code_token_logs_in_to_imap_and_smtp_with_both_mechanisms() {
    let s = setup().await;
    let id = account(&s, "Alice IMAP", ALICE.name, s.imap);
    let st = connect(&s, id, OauthFlow::AuthorizationCode, None, as_user(&ALICE))
        .await
        .unwrap();
    let c = st.connection.unwrap();
    assert_eq!(c.flow, OauthFlow::AuthorizationCode);
    assert_eq!(c.subject, ALICE.name);
    assert!(st.missing_scopes.is_empty(), "{:?}", st.missing_scopes);
    for (m, name) in [
        (OauthMechanism::Xoauth2, "XOAUTH2"),
        (OauthMechanism::Oauthbearer, "OAUTHBEARER"),
    ] {
        set_mechanism(&s, id, m);
        assert_logged_in_with(&test(&s, id).await, name);
    }
    // Auto picks what the server offers (OAUTHBEARER first).
    set_mechanism(&s, id, OauthMechanism::Auto);
    assert_logged_in_with(&test(&s, id).await, "OAUTHBEARER");
}

#[tokio::test]
async fn client_credentials_log_in_a_service_mailbox() {
    let s = setup().await;
    let id = account(&s, "Service mailbox", CAROL.name, s.imap);
    let st = connect(
        &s,
        id,
        OauthFlow::ClientCredentials,
        Some(s.service_provider),
        as_user(&CAROL),
    )
    .await
    .unwrap();
    let c = st.connection.unwrap();
    assert_eq!(c.flow, OauthFlow::ClientCredentials);
    assert_eq!(c.subject, format!("app: {SERVICE_CLIENT}"));
    assert!(!c.has_refresh_token);
    for (m, name) in [
        (OauthMechanism::Xoauth2, "XOAUTH2"),
        (OauthMechanism::Oauthbearer, "OAUTHBEARER"),
    ] {
        set_mechanism(&s, id, m);
        assert_logged_in_with(&test(&s, id).await, name);
    }
    // A server tested on its own logs in with an app-only token of its provider.
    let mut srv = ServerInput::from(&s.app.get_server(s.imap).unwrap());
    srv.oauth_provider_id = Some(s.service_provider);
    srv.login_user = CAROL.name.into();
    let v = s.app.get_server(s.imap).unwrap().version;
    s.app.update_server(s.imap, v, &srv).unwrap();
    let r = s
        .app
        .test_server(s.imap, &opts().base, &|_| {}, &CancellationToken::new())
        .await
        .unwrap();
    assert!(r.ok, "{:?}", r.codes);
}

#[tokio::test]
async fn an_app_only_token_never_goes_to_a_server_outside_its_provider() {
    // The service provider's token endpoint is on 127.0.0.1; a server record naming
    // "localhost" (the same machine, another name: as an edited record could name any host)
    // gets no token: the login step says why, and nothing was requested or sent.
    let s = setup().await;
    let mut srv = ServerInput::from(&s.app.get_server(s.imap).unwrap());
    srv.oauth_provider_id = Some(s.service_provider);
    srv.login_user = CAROL.name.into();
    srv.host = "localhost".into();
    let v = s.app.get_server(s.imap).unwrap().version;
    s.app.update_server(s.imap, v, &srv).unwrap();
    let r = refused_token(&s).await;
    let sent: Vec<String> = r
        .steps
        .iter()
        .flat_map(|st| st.transcript.iter())
        .filter(|l| format!("{:?}", l.dir) == "Client")
        .map(|l| l.text.clone())
        .collect();
    assert!(
        !sent
            .iter()
            .any(|l| l.to_ascii_uppercase().contains("AUTHENTICATE")),
        "{sent:?}"
    );

    // Back on 127.0.0.1 — the token endpoint's own host — but the provider now lists the
    // servers its tokens may go to, and that one is not among them: no token either.
    srv.host = "127.0.0.1".into();
    let v = s.app.get_server(s.imap).unwrap().version;
    s.app.update_server(s.imap, v, &srv).unwrap();
    let p = s.app.get_oauth_provider(s.service_provider).unwrap();
    let mut pi = mailbox_admin_core::model::OauthProviderInput::from(&p);
    pi.token_hosts = vec!["mail.hoster.example".into()];
    s.app.update_oauth_provider(p.id, p.version, &pi).unwrap();
    refused_token(&s).await;
}

/// Tests the IMAP server and checks that it got no token: a failed test with
/// `oauth.host_not_allowed`.
async fn refused_token(s: &Setup) -> TestReport {
    let r = s
        .app
        .test_server(s.imap, &opts().base, &|_| {}, &CancellationToken::new())
        .await
        .unwrap();
    assert!(!r.ok);
    assert!(
        r.codes
            .iter()
            .any(|c| c.as_str() == "oauth.host_not_allowed"),
        "{:?}",
        r.codes
    );
    r
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_automatically() {
    let s = setup().await;
    let id = account(&s, "Alice short", ALICE.name, s.imap);
    let st = connect(
        &s,
        id,
        OauthFlow::DeviceCode,
        Some(s.short_provider),
        as_user(&ALICE),
    )
    .await
    .unwrap();
    let first = st.connection.unwrap();
    assert!(first.refreshed_at.is_none());
    let before = s.keyring.tokens()[0]["access_token"].clone();
    // The provider gives this client tokens of a few seconds (OAUTH_SHORT_TTL).
    tokio::time::sleep(std::time::Duration::from_secs(
        servers().oauth.short_ttl + 1,
    ))
    .await;
    let r = test(&s, id).await;
    assert!(r.ok, "{:?}", r.codes);
    let after = s.app.oauth_status(id).unwrap().connection.unwrap();
    assert!(after.refreshed_at.is_some(), "{after:?}");
    assert_ne!(s.keyring.tokens()[0]["access_token"], before);
}

#[tokio::test]
async fn two_refreshes_at_once_spend_the_rotating_refresh_token_once() {
    // The provider rotates this public client's refresh tokens and revokes the grant when a
    // spent one comes back: two refreshes racing with the same token would end the
    // connection. They take turns; the second uses what the first stored.
    let s = setup().await;
    let id = account(&s, "Alice twice", ALICE.name, s.imap);
    connect(
        &s,
        id,
        OauthFlow::DeviceCode,
        Some(s.short_provider),
        as_user(&ALICE),
    )
    .await
    .unwrap();
    let refresh_before = s.keyring.tokens()[0]["refresh_token"].clone();
    tokio::time::sleep(std::time::Duration::from_secs(
        servers().oauth.short_ttl + 1,
    ))
    .await;
    let (a, b, c) = tokio::join!(
        s.app.oauth_access_token(id),
        s.app.oauth_access_token(id),
        s.app.oauth_access_token(id)
    );
    // Each succeeds (its tokens live 3 s, inside the renewal margin, so each renews in turn).
    for r in [a, b, c] {
        assert!(r.is_ok(), "{:?}", r.err());
    }
    assert_ne!(s.keyring.tokens()[0]["refresh_token"], refresh_before);
    // The grant survived: the renewed token still logs in.
    let r = test(&s, id).await;
    assert!(r.ok, "{:?}", r.codes);
}

#[tokio::test]
async fn a_revoked_token_is_diagnosed_as_invalid() {
    let s = setup().await;
    let id = account(&s, "Alice revoked", ALICE.name, s.imap);
    connect(&s, id, OauthFlow::DeviceCode, None, as_user(&ALICE))
        .await
        .unwrap();
    let token = s.keyring.tokens()[0]["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    // Revoked at the provider (RFC 7009), as an administrator would in the admin center.
    let resp = reqwest_like_post(
        &format!("{}/token/revocation", servers().oauth.issuer),
        &[("token", &token), ("client_id", PUBLIC_CLIENT)],
    );
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    let r = test(&s, id).await;
    assert!(!r.ok);
    assert!(
        codes_of(&r).contains(&"oauth.token_invalid".to_string()),
        "{:?}",
        r.codes
    );
    let login = r
        .steps
        .iter()
        .find(|st| st.role == Role::Incoming && st.kind == StepKind::Login)
        .unwrap();
    let d = login.diagnosis.as_ref().unwrap();
    assert!(!d.fix.is_empty() && !d.explanation.is_empty());
}

#[tokio::test]
async fn a_token_of_another_user_and_a_declined_consent_are_named() {
    let s = setup().await;
    let id = account(&s, "Alice as Bob", ALICE.name, s.imap);
    let st = connect(&s, id, OauthFlow::AuthorizationCode, None, as_user(&BOB))
        .await
        .unwrap();
    assert_eq!(st.connection.unwrap().subject, BOB.name);
    let r = test(&s, id).await;
    assert!(
        codes_of(&r).contains(&"oauth.wrong_user".to_string()),
        "{:?}",
        r.codes
    );

    let other = account(&s, "Declined", ALICE.name, s.imap);
    let e = connect(
        &s,
        other,
        OauthFlow::DeviceCode,
        None,
        Person {
            deny: true,
            ..as_user(&ALICE)
        },
    )
    .await
    .unwrap_err();
    let api = s.app.api_error(&e);
    assert_eq!(api.code, ErrorCode::Oauth);
    assert!(api.message.contains("declined"), "{}", api.message);
    // Nothing was saved half-way.
    assert!(s.app.oauth_status(other).unwrap().connection.is_none());
    let r = test(&s, other).await;
    assert!(
        codes_of(&r).contains(&"oauth.not_connected".to_string()),
        "{:?}",
        r.codes
    );
}

#[tokio::test]
async fn a_cancelled_connect_ends_at_once_and_saves_nothing() {
    let s = setup().await;
    let id = account(&s, "Alice cancelled", ALICE.name, s.imap);
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    // The user closes the dialog while the device code is shown.
    let on_event = move |e: ConnectEvent| {
        if matches!(e, ConnectEvent::DeviceCode { .. }) {
            c2.cancel();
        }
    };
    let opts = ConnectOptions {
        flow: OauthFlow::DeviceCode,
        provider_id: None,
        wait_secs: None,
    };
    let started = std::time::Instant::now();
    let e = s
        .app
        .oauth_connect(id, &opts, &on_event, &cancel)
        .await
        .unwrap_err();
    assert_eq!(s.app.api_error(&e).code, ErrorCode::Cancelled);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(s.app.oauth_status(id).unwrap().connection.is_none());
    assert!(s.keyring.tokens().is_empty());
    // Cancelled before anything started: nothing is even asked of the provider.
    let e = s
        .app
        .oauth_connect(id, &opts, &|_| {}, &cancel)
        .await
        .unwrap_err();
    assert_eq!(s.app.api_error(&e).code, ErrorCode::Cancelled);
}

#[tokio::test]
async fn disconnect_revokes_and_forgets_the_tokens() {
    let s = setup().await;
    let id = account(&s, "Alice disconnect", ALICE.name, s.imap);
    connect(&s, id, OauthFlow::DeviceCode, None, as_user(&ALICE))
        .await
        .unwrap();
    let refresh = s.keyring.tokens()[0]["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    let d = s.app.oauth_disconnect(id).await.unwrap();
    assert!(d.revoked && d.warnings.is_empty(), "{d:?}");
    assert!(s.keyring.tokens().is_empty());
    assert!(s.app.oauth_status(id).unwrap().connection.is_none());
    // The refresh token no longer works at the provider.
    let resp = reqwest_like_post(
        &format!("{}/token", servers().oauth.issuer),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", PUBLIC_CLIENT),
        ],
    );
    assert!(resp.contains("invalid_grant"), "{resp}");
}

#[tokio::test]
async fn no_token_or_client_secret_reaches_database_history_or_export() {
    let s = setup().await;
    let a = account(&s, "Alice canary", ALICE.name, s.imap);
    let c = account(&s, "Carol canary", CAROL.name, s.imap);
    connect(&s, a, OauthFlow::AuthorizationCode, None, as_user(&ALICE))
        .await
        .unwrap();
    connect(
        &s,
        c,
        OauthFlow::ClientCredentials,
        Some(s.service_provider),
        as_user(&CAROL),
    )
    .await
    .unwrap();
    let mut reports = Vec::new();
    for id in [a, c] {
        reports.push(serde_json::to_string(&test(&s, id).await).unwrap());
    }
    let export = serde_json::to_string(
        &s.app
            .export_config(&mailbox_admin_core::app::transfer::ExportOptions::default())
            .unwrap(),
    )
    .unwrap();
    let status = serde_json::to_string(&s.app.oauth_status(a).unwrap()).unwrap();
    let mut canaries: Vec<String> = vec![SERVICE_SECRET.to_string()];
    for t in s.keyring.tokens() {
        for k in ["access_token", "refresh_token"] {
            if let Some(v) = t[k].as_str() {
                canaries.push(v.to_string());
            }
        }
    }
    assert!(canaries.len() >= 4, "{}", canaries.len());
    drop(s.app);
    let mut db = Vec::new();
    for entry in std::fs::read_dir(s.dir.path()).unwrap() {
        db.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let db = String::from_utf8_lossy(&db).to_string();
    for canary in &canaries {
        for (place, text) in [("database", &db), ("export", &export), ("status", &status)] {
            assert!(
                !text.contains(canary.as_str()),
                "a secret is in the {place}"
            );
        }
        for r in &reports {
            assert!(!r.contains(canary.as_str()), "a token is in a test report");
        }
    }
    // The export names what must be entered again instead.
    assert!(
        export.contains("oauth_provider/Test IdP (app)/client_secret"),
        "{export}"
    );
}

/// A form POST over a plain TCP connection (the provider's http listener on loopback).
fn reqwest_like_post(url: &str, form: &[(&str, &str)]) -> String {
    use std::io::{Read, Write};
    let u = url.strip_prefix("http://").unwrap();
    let (hostport, path) = u.split_at(u.find('/').unwrap());
    let body: String = form
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.bytes()
                    .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    })
                    .collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let mut s = std::net::TcpStream::connect(hostport).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {hostport}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[tokio::test]
async fn a_provider_behind_a_company_ca_is_trusted_only_with_that_ca() {
    // With the CA as extra root: discovery (in setup) and the device flow work over HTTPS.
    let s = setup().await;
    let id = account(&s, "Dave company CA", DAVE.name, s.pop3);
    let st = connect(&s, id, OauthFlow::DeviceCode, None, as_user(&DAVE))
        .await
        .unwrap();
    assert_eq!(st.connection.unwrap().subject, DAVE.name);
    let p = s.app.get_oauth_provider(s.provider).unwrap();
    assert!(p.token_endpoint.starts_with("https://"), "{p:?}");

    // Without it: the same diagnosis as a mail server with that certificate, with the issuer.
    let dir = tempfile::tempdir().unwrap();
    let bare = App::new(
        Store::open(&dir.path().join("c.db")).unwrap(),
        Arc::new(Keyring::default()),
        Lang::En,
    );
    let input = OauthProviderInput {
        name: "Company IdP".into(),
        kind: ProviderKind::Oidc,
        discovery_url: issuer(),
        client_id: PUBLIC_CLIENT.into(),
        ..Default::default()
    };
    let e = bare.oauth_provider_defaults(&input).await.unwrap_err();
    let mailbox_admin_core::Error::Oauth(f) = &e else {
        panic!("{e:?}");
    };
    assert_eq!(f.code, "tls.untrusted_issuer", "{f:?}");
    assert!(
        f.evidence
            .iter()
            .any(|ev| ev.key == "issuer" && ev.value.contains("Mailbox Admin Test CA")),
        "{f:?}"
    );
    let api = bare.api_error(&e);
    assert!(
        api.message.contains("Mailbox Admin Test CA"),
        "{}",
        api.message
    );

    // A token request to that provider (here: a device sign-in) fails the same way.
    let mut filled = s.app.get_oauth_provider(s.provider).unwrap();
    filled.name = "Company IdP".into();
    let pid = bare
        .create_oauth_provider(&OauthProviderInput::from(&filled))
        .unwrap()
        .item
        .id;
    let user = bare
        .create_user(&UserInput {
            login: "admin".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let acc = bare
        .create_account(&AccountInput {
            name: "Dave".into(),
            email: DAVE.name.into(),
            owner: Some(Owner::User(user)),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let opts = ConnectOptions {
        flow: OauthFlow::DeviceCode,
        provider_id: Some(pid),
        wait_secs: None,
    };
    let e = bare
        .oauth_connect(acc, &opts, &|_| {}, &CancellationToken::new())
        .await
        .unwrap_err();
    let mailbox_admin_core::Error::Oauth(f) = &e else {
        panic!("{e:?}");
    };
    assert_eq!(f.code, "tls.untrusted_issuer", "{f:?}");
}

#[tokio::test]
async fn an_https_endpoint_gets_the_same_tls_diagnoses_as_a_mail_server() {
    // Dovecot's TLS port with one certificate per address: the handshake fails before any
    // HTTP, exactly as it would at a provider with such a certificate.
    let mail = servers();
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(
        Store::open(&dir.path().join("c.db")).unwrap(),
        Arc::new(Keyring::default()),
        Lang::En,
    )
    .with_extra_roots([mail.ca_pem.clone()]);
    for (host, code) in [
        (HOST_EXPIRED, "tls.expired"),
        (HOST_NOT_YET_VALID, "tls.not_yet_valid"),
        (HOST_OTHER_NAME, "tls.hostname_mismatch"),
        (HOST_SELF_SIGNED, "tls.self_signed"),
        (HOST_UNTRUSTED, "tls.untrusted_issuer"),
    ] {
        let input = OauthProviderInput {
            name: "IdP".into(),
            kind: ProviderKind::Oidc,
            discovery_url: format!("https://{host}:{}", mail.ports.imaps_certs),
            client_id: PUBLIC_CLIENT.into(),
            ..Default::default()
        };
        let e = app.oauth_provider_defaults(&input).await.unwrap_err();
        let mailbox_admin_core::Error::Oauth(f) = &e else {
            panic!("{host}: {e:?}");
        };
        assert_eq!(f.code, code, "{host}: {f:?}");
        assert!(
            f.evidence.iter().any(|ev| ev.key == "sha256"),
            "{host}: the certificate is evidence: {f:?}"
        );
    }
}
