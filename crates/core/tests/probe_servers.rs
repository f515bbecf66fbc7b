//! The probe engine against real Dovecot and Postfix (started by the test setup) and against
//! small hostile servers: happy paths for every protocol, security and mechanism, one test
//! per diagnosis code, the round trip, cancellation, and the password canary. The interop
//! cases also run against second implementations (GNU Mailutils imap4d/pop3d, aiosmtpd), and
//! temporary failures against a Dovecot whose password back end is down.

#[path = "support/hostile.rs"]
mod hostile;
#[path = "support/servers.rs"]
mod servers;

use hostile::Hostile;
use mailbox_admin_core::model::Security;
use mailbox_admin_core::probe::*;
use mailbox_admin_core::Lang;
use servers::*;
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn target(protocol: ProbeProtocol, host: &str, port: u16, security: Security) -> ProbeTarget {
    let s = servers();
    let mut t = ProbeTarget::new(protocol, host, port, security);
    t.timeout = Duration::from_secs(10);
    t.user = ALICE.name.into();
    t.password = Some(Secret::new(ALICE.password));
    t.tls.extra_roots = vec![s.ca_pem.clone()];
    t
}

fn imap(port: u16, security: Security) -> ProbeTarget {
    target(ProbeProtocol::Imap, HOST_GOOD, port, security)
}
fn pop3(port: u16, security: Security) -> ProbeTarget {
    target(ProbeProtocol::Pop3, HOST_GOOD, port, security)
}
fn smtp(port: u16, security: Security) -> ProbeTarget {
    let mut t = target(ProbeProtocol::Smtp, HOST_GOOD, port, security);
    t.sender = ALICE.name.into();
    t
}

async fn test(t: ProbeTarget) -> TestReport {
    run_plan(TestPlan::single(t)).await
}

async fn run_plan(plan: TestPlan) -> TestReport {
    let r = run(&plan, Lang::En, &no_progress, &CancellationToken::new()).await;
    assert_no_canary(&r);
    r
}

/// Every step with its status and summary, and the transcripts: printed when a test fails.
fn show(r: &TestReport) -> String {
    let mut s = String::new();
    for st in &r.steps {
        s.push_str(&format!(
            "{:?} {:?} {} ms: {}\n",
            st.kind, st.status, st.duration_ms, st.summary
        ));
        if let Some(d) = &st.diagnosis {
            s.push_str(&format!("   {} {:?}\n", d.code, d.evidence));
        }
        for l in &st.transcript {
            s.push_str(&format!("   {:?} {}\n", l.dir, l.text));
        }
    }
    s
}

fn assert_ok(r: &TestReport) {
    assert!(r.ok, "expected success:\n{}", show(r));
    assert!(
        r.steps.iter().all(|s| matches!(
            s.status,
            StepStatus::Ok | StepStatus::Warning | StepStatus::Skipped
        )),
        "{}",
        show(r)
    );
}

/// The test failed, and the failing step carries `code`.
fn assert_fails_with(r: &TestReport, code: &str) -> Step {
    assert!(!r.ok, "expected {code}, but the test passed:\n{}", show(r));
    let failed: Vec<&Step> = r
        .steps
        .iter()
        .filter(|s| s.status == StepStatus::Failed)
        .collect();
    let hit = failed
        .iter()
        .find(|s| s.diagnosis.as_ref().is_some_and(|d| d.code == code));
    let Some(step) = hit else {
        panic!("expected {code}, got {:?}:\n{}", r.codes, show(r));
    };
    let d = step.diagnosis.as_ref().unwrap();
    assert!(!d.title.is_empty() && !d.explanation.is_empty() && !d.fix.is_empty());
    assert!(r.codes.iter().any(|c| c == code));
    (*step).clone()
}

fn evidence<'a>(step: &'a Step, key: &str) -> &'a str {
    step.diagnosis
        .as_ref()
        .and_then(|d| d.evidence.iter().find(|e| e.key == key))
        .map(|e| e.value.as_str())
        .unwrap_or_else(|| panic!("no evidence {key}: {:?}", step.diagnosis))
}

fn transcript(r: &TestReport) -> String {
    r.steps
        .iter()
        .flat_map(|s| s.transcript.iter())
        .map(|l| format!("{:?} {}\n", l.dir, l.text))
        .collect()
}

/// The steps every protocol opens with before its own: with implicit TLS, and with STARTTLS.
const OPENING_TLS: [StepKind; 6] = [
    StepKind::Resolve,
    StepKind::Connect,
    StepKind::Tls,
    StepKind::Greeting,
    StepKind::Capabilities,
    StepKind::Login,
];
const OPENING_STARTTLS: [StepKind; 7] = [
    StepKind::Resolve,
    StepKind::Connect,
    StepKind::Greeting,
    StepKind::Capabilities,
    StepKind::Tls,
    StepKind::Capabilities,
    StepKind::Login,
];

/// The test passed, with exactly the steps of `opening` and then `then`.
fn assert_steps(r: &TestReport, opening: &[StepKind], then: &[StepKind]) {
    assert_ok(r);
    let kinds: Vec<StepKind> = r.steps.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [opening, then].concat());
}

/// The first step of `kind`.
fn step(r: &TestReport, kind: StepKind) -> &Step {
    r.steps.iter().find(|s| s.kind == kind).unwrap()
}

/// `t` logging in with `auth`.
fn with_auth(mut t: ProbeTarget, auth: ProbeAuth) -> ProbeTarget {
    t.auth = auth;
    t
}

/// Runs `t` logging in with `auth`, which must pass.
async fn logs_in(t: ProbeTarget, auth: ProbeAuth) -> TestReport {
    passes(with_auth(t, auth)).await
}

/// Runs `t` alone, in `lang`, with no progress shown.
async fn run_single(t: ProbeTarget, lang: Lang) -> TestReport {
    run(
        &TestPlan::single(t),
        lang,
        &no_progress,
        &CancellationToken::new(),
    )
    .await
}

/// Runs `t`, which must pass.
async fn passes(t: ProbeTarget) -> TestReport {
    let r = test(t).await;
    assert_ok(&r);
    r
}

/// The canary: no form of any test password may appear in a report.
fn assert_no_canary(r: &TestReport) {
    use base64::Engine;
    let json = serde_json::to_string(r).unwrap();
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    for u in [&ALICE, &BOB, &CAROL, &DAVE, &ERIN, &FRANK] {
        for needle in [
            u.password.to_string(),
            u.password.replace('\\', "\\\\").replace('"', "\\\""),
            b64(u.password),
            b64(&format!("\0{}\0{}", u.name, u.password)),
        ] {
            assert!(
                !json.contains(&needle),
                "password of {} leaked: {json}",
                u.name
            );
        }
    }
}

// ---- happy paths ----------------------------------------------------------------------

#[tokio::test]
async fn imap_implicit_tls_logs_in_with_plain_and_lists_the_folders() {
    let s = servers();
    let r = test(imap(s.ports.imaps, Security::Tls)).await;
    use StepKind::*;
    assert_steps(
        &r,
        &OPENING_TLS,
        &[Folders, Mailbox, SpecialFolders, Logout],
    );
    let login = step(&r, Login);
    assert!(login.summary.contains("PLAIN"), "{}", login.summary);
    let tls = r.tls.as_ref().expect("TLS evidence");
    assert_eq!(tls.trust, "verified");
    assert!(tls.version.starts_with("TLSv1."), "{tls:?}");
    assert!(!tls.cipher.is_empty());
    assert_eq!(tls.chain[0].sha256, s.good_sha256);
    assert!(tls.chain[0].names.contains(&"127.0.0.1".to_string()));
    assert!(tls.chain[0].issuer.contains("Mailbox Admin Test CA"));
    let folders = r.folders.as_ref().expect("folders");
    assert_eq!(folders[0].name, "INBOX");
    let sent = folders.iter().find(|f| f.name == "Sent").expect("Sent");
    assert_eq!(sent.special_use.as_deref(), Some("\\Sent"));
    assert!(sent.subscribed);
    assert_eq!(sent.delimiter.as_deref(), Some("."));
    let junk = folders.iter().find(|f| f.name == "Junk").expect("Junk");
    assert!(!junk.subscribed);
    let special = step(&r, SpecialFolders);
    assert!(special.summary.contains("Trash"), "{}", special.summary);
}

#[tokio::test]
async fn imap_starttls_logs_in_with_the_login_command() {
    let s = servers();
    let r = logs_in(imap(s.ports.imap, Security::Starttls), ProbeAuth::Login).await;
    let kinds: Vec<StepKind> = r.steps.iter().take(7).map(|s| s.kind).collect();
    assert_eq!(kinds, OPENING_STARTTLS);
    let tr = transcript(&r);
    assert!(tr.contains("STARTTLS"), "{tr}");
    assert!(
        tr.contains(r#"LOGIN "alice@example.test" <redacted>"#),
        "{tr}"
    );
    // Credentials only after the switch to TLS.
    let tls_at = r
        .steps
        .iter()
        .position(|s| s.kind == StepKind::Tls)
        .unwrap();
    let login_at = r
        .steps
        .iter()
        .position(|s| s.kind == StepKind::Login)
        .unwrap();
    assert!(tls_at < login_at);
}

#[tokio::test]
async fn imap_automatic_security_prefers_implicit_tls() {
    let s = servers();
    let r = passes(imap(s.ports.imaps, Security::Auto)).await;
    let tls: Vec<&Step> = r.steps.iter().filter(|s| s.kind == StepKind::Tls).collect();
    assert_eq!(tls.len(), 1);
    assert_eq!(tls[0].status, StepStatus::Ok);
}

#[tokio::test]
async fn imap_automatic_security_falls_back_to_starttls_never_to_plaintext() {
    let s = servers();
    let r = passes(imap(s.ports.imap, Security::Auto)).await;
    let tls: Vec<&Step> = r.steps.iter().filter(|s| s.kind == StepKind::Tls).collect();
    assert_eq!(tls.len(), 2, "{}", show(&r));
    assert_eq!(tls[0].status, StepStatus::Skipped);
    assert!(tls[0].summary.contains("STARTTLS"), "{}", tls[0].summary);
    assert_eq!(tls[1].status, StepStatus::Ok);
    assert!(!r.codes.iter().any(|c| c == "auth.plaintext_sent"));
}

#[tokio::test]
async fn imap_download_checks_the_accounts_mailbox_path_but_no_special_folders() {
    let s = servers();
    let mut t = imap(s.ports.imaps, Security::Tls);
    t.protocol = ProbeProtocol::ImapDownload;
    t.mailbox_path = "Sent".into(); // fetched from there, as IMAP reads it
    let r = passes(t).await;
    let mailbox = step(&r, StepKind::Mailbox);
    assert!(mailbox.summary.starts_with("Sent"), "{}", mailbox.summary);
    assert!(!r.steps.iter().any(|s| s.kind == StepKind::SpecialFolders));
}

#[tokio::test]
async fn pop3_implicit_tls_and_stat() {
    let s = servers();
    let r = test(pop3(s.ports.pop3s, Security::Tls)).await;
    use StepKind::*;
    assert_steps(&r, &OPENING_TLS, &[Stat, Logout]);
    let login = step(&r, Login);
    assert!(login.summary.contains("PLAIN"), "{}", login.summary);
    let stat = step(&r, Stat);
    assert!(stat.summary.contains("messages"), "{}", stat.summary);
}

#[tokio::test]
async fn pop3_starttls_with_user_and_pass() {
    let s = servers();
    let r = logs_in(pop3(s.ports.pop3, Security::Starttls), ProbeAuth::Login).await;
    let tr = transcript(&r);
    assert!(tr.contains("STLS"), "{tr}");
    assert!(tr.contains("PASS <redacted>"), "{tr}");
}

#[tokio::test]
async fn smtp_submission_starttls_plain_and_sender_check() {
    let s = servers();
    let r = test(smtp(s.ports.submission, Security::Starttls)).await;
    use StepKind::*;
    assert_steps(&r, &OPENING_STARTTLS, &[Sender, Logout]);
    let tr = transcript(&r);
    assert!(tr.contains("AUTH PLAIN <redacted>"), "{tr}");
    assert!(tr.contains("MAIL FROM:<alice@example.test>"), "{tr}");
    assert!(tr.contains("RSET"), "nothing may be sent: {tr}");
    assert!(!tr.contains("DATA"), "{tr}");
}

#[tokio::test]
async fn smtp_implicit_tls_with_login_mechanism() {
    let s = servers();
    let r = logs_in(smtp(s.ports.smtps, Security::Tls), ProbeAuth::Login).await;
    let login = step(&r, StepKind::Login);
    assert!(login.summary.contains("LOGIN"), "{}", login.summary);
}

#[tokio::test]
async fn cram_md5_login_on_imap_pop3_and_smtp() {
    let s = servers();
    let r = logs_in(imap(s.ports.imaps, Security::Tls), ProbeAuth::CramMd5).await;
    let login = step(&r, StepKind::Login);
    assert!(login.summary.contains("CRAM-MD5"), "{}", login.summary);
    for t in [
        pop3(s.ports.pop3s, Security::Tls),
        smtp(s.ports.smtps, Security::Tls),
    ] {
        let r = logs_in(t, ProbeAuth::CramMd5).await;
        assert!(transcript(&r).contains("AUTH CRAM-MD5"));
    }
}

#[tokio::test]
async fn smtp_plaintext_login_only_when_confirmed_and_then_with_a_warning() {
    let s = servers();
    let mut t = smtp(s.ports.smtp_plain, Security::None);
    t.allow_plaintext = true;
    let r = passes(t).await;
    let login = step(&r, StepKind::Login);
    assert_eq!(login.status, StepStatus::Warning);
    assert_eq!(
        login.diagnosis.as_ref().unwrap().code,
        "auth.plaintext_sent"
    );
}

#[tokio::test]
async fn a_server_test_without_login_checks_the_connection_only() {
    let s = servers();
    let mut t = imap(s.ports.imaps, Security::Tls);
    t.user.clear();
    t.password = None;
    let r = passes(t).await;
    assert_eq!(step(&r, StepKind::Login).status, StepStatus::Skipped);
    assert!(!r.steps.iter().any(|s| s.kind == StepKind::Folders));
}

// ---- diagnosis codes: authentication --------------------------------------------------

#[tokio::test]
async fn auth_failed_on_imap_pop3_and_smtp() {
    let s = servers();
    for mut t in [
        imap(s.ports.imaps, Security::Tls),
        pop3(s.ports.pop3s, Security::Tls),
        smtp(s.ports.smtps, Security::Tls),
    ] {
        t.password = Some(Secret::new("wrong-password-123"));
        let r = test(t).await;
        let step = assert_fails_with(&r, "auth.failed");
        assert_eq!(step.kind, StepKind::Login);
    }
}

#[tokio::test]
async fn auth_mechanism_unsupported_when_the_server_does_not_offer_it() {
    let s = servers();
    // The plain SMTP port offers PLAIN and LOGIN only.
    let mut t = smtp(s.ports.smtp_plain, Security::None);
    t.allow_plaintext = true;
    t.auth = ProbeAuth::CramMd5;
    let r = test(t).await;
    let step = assert_fails_with(&r, "auth.mechanism_unsupported");
    assert!(evidence(&step, "offered").contains("PLAIN"));
    assert!(!transcript(&r).contains("AUTH CRAM-MD5"));
}

#[tokio::test]
async fn auth_plaintext_disabled_when_the_server_refuses_login_before_tls() {
    let s = servers();
    // Dovecot treats 127.0.0.1 → 127.0.0.1 as secure; from 127.0.0.2 it is not.
    let remote = Some(REMOTE_CLIENT.parse().unwrap());
    for mut t in [
        imap(s.ports.imap, Security::None),
        pop3(s.ports.pop3, Security::None),
        smtp(s.ports.submission, Security::None),
    ] {
        t.allow_plaintext = true;
        t.local_addr = remote;
        let r = test(t).await;
        let step = assert_fails_with(&r, "auth.plaintext_disabled");
        assert_eq!(step.kind, StepKind::Login);
        // Refused before anything secret was sent.
        let tr = transcript(&r);
        assert!(!tr.contains("<redacted>"), "{tr}");
    }
}

#[tokio::test]
async fn auth_unencrypted_not_allowed_without_confirmation() {
    let s = servers();
    let t = imap(s.ports.imap, Security::None);
    let r = test(t).await;
    let step = assert_fails_with(&r, "auth.unencrypted_not_allowed");
    assert_eq!(step.kind, StepKind::Login);
    assert!(!transcript(&r).contains("LOGIN \""));
}

#[tokio::test]
async fn auth_password_missing_ntlm_not_offered_and_oauth_token_invalid() {
    let s = servers();
    let mut t = imap(s.ports.imaps, Security::Tls);
    t.password = None;
    t.password_error = Some("keyring locked".into());
    let r = test(t).await;
    let step = assert_fails_with(&r, "auth.password_missing");
    assert_eq!(evidence(&step, "keyring"), "keyring locked");

    let r = test(with_auth(
        imap(s.ports.imaps, Security::Tls),
        ProbeAuth::Ntlm,
    ))
    .await;
    // Debian's Dovecot has no NTLM: the mechanism is not offered (tests/ntlm.rs logs in
    // with NTLM against Postfix's Cyrus SASL).
    let step = assert_fails_with(&r, "auth.ntlm_not_offered");
    assert!(!evidence(&step, "offered").contains("NTLM"));

    // OAuth2: a made-up token is refused by Dovecot's introspection; no token at all is
    // named before anything is sent.
    let mut t = imap(s.ports.imaps, Security::Tls);
    t.auth = ProbeAuth::Oauth2;
    t.password = Some(Secret::new("not-a-token"));
    let r = test(t).await;
    let step = assert_fails_with(&r, "oauth.token_invalid");
    assert!(
        evidence(&step, "server_error").contains("invalid_token"),
        "{step:#?}"
    );
    let mut t = imap(s.ports.imaps, Security::Tls);
    t.auth = ProbeAuth::Oauth2;
    t.password = None;
    let r = test(t).await;
    assert_fails_with(&r, "oauth.not_connected");
    // Connection and TLS were still checked.
    assert!(r
        .steps
        .iter()
        .any(|s| s.kind == StepKind::Tls && s.status == StepStatus::Ok));
}

// ---- diagnosis codes: TLS -------------------------------------------------------------

fn cert_target(host: &str) -> ProbeTarget {
    imap(servers().ports.imaps_certs, Security::Tls).with_host(host)
}

trait WithHost {
    fn with_host(self, host: &str) -> Self;
}
impl WithHost for ProbeTarget {
    fn with_host(mut self, host: &str) -> Self {
        self.host = host.into();
        self
    }
}

#[tokio::test]
async fn tls_hostname_mismatch_and_the_alternative_name_that_fixes_it() {
    let r = test(cert_target(HOST_OTHER_NAME)).await;
    let step = assert_fails_with(&r, "tls.hostname_mismatch");
    assert_eq!(step.kind, StepKind::Tls);
    assert!(evidence(&step, "certificate_names").contains(OTHER_NAME));
    assert_eq!(evidence(&step, "expected_name"), HOST_OTHER_NAME);
    assert!(step
        .tls
        .as_ref()
        .is_some_and(|t| t.chain[0].names == vec![OTHER_NAME.to_string()]));

    let mut t = cert_target(HOST_OTHER_NAME);
    t.tls.alt_name = OTHER_NAME.into();
    let r = test(t).await;
    assert_ok(&r);
    assert_eq!(r.tls.as_ref().unwrap().checked_name, OTHER_NAME);
}

#[tokio::test]
async fn tls_expired() {
    let r = test(cert_target(HOST_EXPIRED)).await;
    let step = assert_fails_with(&r, "tls.expired");
    assert!(evidence(&step, "not_after").starts_with("2021-01-01"));
}

#[tokio::test]
async fn tls_not_yet_valid() {
    let r = test(cert_target(HOST_NOT_YET_VALID)).await;
    let step = assert_fails_with(&r, "tls.not_yet_valid");
    assert!(evidence(&step, "not_before").starts_with("2090-01-01"));
}

#[tokio::test]
async fn tls_self_signed_and_the_pin_that_fixes_it() {
    let s = servers();
    let r = test(cert_target(HOST_SELF_SIGNED)).await;
    let step = assert_fails_with(&r, "tls.self_signed");
    assert_eq!(evidence(&step, "sha256"), s.self_signed_sha256);
    assert!(!transcript(&r).contains("LOGIN"));

    let mut t = cert_target(HOST_SELF_SIGNED);
    t.tls.pin_sha256 = s.self_signed_sha256.to_lowercase().replace(':', "");
    let r = test(t).await;
    assert_ok(&r);
    assert_eq!(r.tls.as_ref().unwrap().trust, "pinned");
}

#[tokio::test]
async fn tls_untrusted_issuer() {
    let r = test(cert_target(HOST_UNTRUSTED)).await;
    let step = assert_fails_with(&r, "tls.untrusted_issuer");
    assert!(evidence(&step, "issuer").contains("Untrusted Test CA"));
    // The good certificate, without the test CA as an extra root, is just as untrusted.
    let mut t = imap(servers().ports.imaps, Security::Tls);
    t.tls.extra_roots.clear();
    assert_fails_with(&test(t).await, "tls.untrusted_issuer");
}

#[tokio::test]
async fn tls_pin_mismatch() {
    let s = servers();
    let mut t = imap(s.ports.imaps, Security::Tls);
    t.tls.pin_sha256 = s.self_signed_sha256.clone();
    let r = test(t).await;
    let step = assert_fails_with(&r, "tls.pin_mismatch");
    assert_eq!(evidence(&step, "sha256"), s.good_sha256);
}

#[tokio::test]
async fn tls_verification_off_is_honoured_but_warned_about_every_run() {
    for _ in 0..2 {
        let mut t = cert_target(HOST_SELF_SIGNED);
        t.tls.verify = false;
        let r = test(t).await;
        assert_ok(&r);
        let tls = r.steps.iter().find(|s| s.kind == StepKind::Tls).unwrap();
        assert_eq!(tls.status, StepStatus::Warning);
        assert_eq!(tls.diagnosis.as_ref().unwrap().code, "tls.verify_disabled");
        assert_eq!(
            evidence(tls, "verification_would_report"),
            "tls.self_signed"
        );
        assert!(r.codes.iter().any(|c| c == "tls.verify_disabled"));
    }
}

#[tokio::test]
async fn tls_expires_soon_is_a_warning() {
    let r = test(cert_target(HOST_EXPIRES_SOON)).await;
    assert_ok(&r);
    assert!(
        r.codes.iter().any(|c| c == "tls.expires_soon"),
        "{:?}",
        r.codes
    );
}

#[tokio::test]
async fn tls_expected_implicit_when_starttls_is_spoken_to_a_tls_port() {
    let s = servers();
    let mut t = imap(s.ports.imaps, Security::Starttls);
    t.timeout = Duration::from_secs(5);
    let started = Instant::now();
    let r = test(t).await;
    let step = assert_fails_with(&r, "tls.expected_implicit");
    assert_eq!(step.kind, StepKind::Greeting);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn tls_expected_starttls_when_tls_is_spoken_to_a_plaintext_port() {
    let s = servers();
    let r = test(imap(s.ports.imap, Security::Tls)).await;
    let step = assert_fails_with(&r, "tls.expected_starttls");
    assert!(evidence(&step, "server_sent").starts_with("* OK"));
    let r = test(smtp(s.ports.submission, Security::Tls)).await;
    let step = assert_fails_with(&r, "tls.expected_starttls");
    assert!(evidence(&step, "server_sent").starts_with("220 "));
}

#[tokio::test]
async fn tls_starttls_unsupported_stops_instead_of_going_on_in_plaintext() {
    let s = servers();
    let r = test(smtp(s.ports.smtp_plain, Security::Starttls)).await;
    let step = assert_fails_with(&r, "tls.starttls_unsupported");
    assert_eq!(step.kind, StepKind::Tls);
    let tr = transcript(&r);
    assert!(!tr.contains("Client AUTH"), "{tr}");
    assert!(!r.steps.iter().any(|s| s.kind == StepKind::Login));
}

// ---- diagnosis codes: network, DNS, protocol ------------------------------------------

#[tokio::test]
async fn dns_not_found_for_an_unknown_name_resolved_as_punycode() {
    let mut t = imap(993, Security::Tls);
    t.host = "mail.bücher.invalid".into();
    let r = test(t).await;
    let step = assert_fails_with(&r, "dns.not_found");
    assert_eq!(step.kind, StepKind::Resolve);
    assert_eq!(evidence(&step, "name"), "mail.xn--bcher-kva.invalid");
    assert_eq!(r.targets[0].ascii_host, "mail.xn--bcher-kva.invalid");
}

#[tokio::test]
async fn localhost_is_resolved_by_name() {
    let s = servers();
    let mut t = imap(s.ports.imaps, Security::Tls);
    t.host = "localhost".into();
    let r = test(t).await;
    assert_ok(&r);
    assert!(
        r.steps[0].summary.contains("127.0.0.1"),
        "{}",
        r.steps[0].summary
    );
}

#[tokio::test]
async fn net_refused_on_a_closed_port() {
    let r = test(imap(closed_port(), Security::Tls)).await;
    let step = assert_fails_with(&r, "net.refused");
    assert_eq!(step.kind, StepKind::Connect);
}

#[test]
fn net_unreachable_without_a_route() {
    // A fresh network namespace for this thread only: its loopback is down, so even
    // 127.0.0.1 has no route. Nothing leaves the machine.
    let s = servers();
    let port = s.ports.imaps;
    let r = std::thread::spawn(move || {
        let rc = unsafe { libc::unshare(libc::CLONE_NEWNET) };
        assert_eq!(
            rc,
            0,
            "unshare(CLONE_NEWNET) needs root: {}",
            std::io::Error::last_os_error()
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(test(imap(port, Security::Tls)))
    })
    .join()
    .unwrap();
    let step = assert_fails_with(&r, "net.unreachable");
    assert_eq!(step.kind, StepKind::Connect);
}

#[tokio::test]
async fn protocol_wrong_service_for_smtp_on_the_imap_port() {
    let s = servers();
    let r = test(imap(s.ports.submission, Security::Starttls)).await;
    let step = assert_fails_with(&r, "protocol.wrong_service");
    assert_eq!(evidence(&step, "sounds_like"), "SMTP");
    let r = test(pop3(s.ports.imap, Security::Starttls)).await;
    let step = assert_fails_with(&r, "protocol.wrong_service");
    assert_eq!(evidence(&step, "sounds_like"), "IMAP");
    // Through TLS too.
    let r = test(imap(s.ports.smtps, Security::Tls)).await;
    assert_fails_with(&r, "protocol.wrong_service");
}

// ---- diagnosis codes: IMAP folders ----------------------------------------------------

#[tokio::test]
async fn imap_mailbox_missing_names_the_existing_folders() {
    let s = servers();
    let mut t = imap(s.ports.imaps, Security::Tls);
    t.mailbox_path = "Archiv/2019".into();
    let r = test(t).await;
    let step = assert_fails_with(&r, "imap.mailbox_missing");
    assert_eq!(step.kind, StepKind::Mailbox);
    assert!(evidence(&step, "existing_folders").contains("INBOX"));
    assert_eq!(evidence(&step, "delimiter"), ".");
    // The other checks still ran.
    assert!(r.steps.iter().any(|s| s.kind == StepKind::SpecialFolders));
}

#[tokio::test]
async fn imap_folder_missing_suggests_the_server_marked_folder() {
    let s = servers();
    let mut t = imap(s.ports.imaps, Security::Tls);
    t.folders.trash = "Papierkorb".into();
    t.folders.sent = "Sent".into();
    let r = test(t).await;
    let step = assert_fails_with(&r, "imap.folder_missing");
    assert!(
        evidence(&step, "trash").contains("Trash"),
        "{:?}",
        step.diagnosis
    );
    assert!(step
        .diagnosis
        .as_ref()
        .unwrap()
        .evidence
        .iter()
        .all(|e| e.key != "sent"));
}

#[tokio::test]
async fn special_folders_are_checked_with_non_ascii_names() {
    let s = servers();
    let mut t = imap(s.ports.imaps, Security::Tls);
    t.folders.trash = "Trash".into();
    t.folders.junk = "Junk".into();
    t.folders.deleted = "Gelöschte Elemente".into();
    let r = test(t).await;
    let step = assert_fails_with(&r, "imap.folder_missing");
    assert!(evidence(&step, "deleted").contains("Gelöschte Elemente"));
}

// ---- diagnosis codes: SMTP ------------------------------------------------------------

#[tokio::test]
async fn smtp_sender_rejected_when_the_address_is_not_the_users() {
    let s = servers();
    let mut t = smtp(s.ports.submission, Security::Starttls);
    t.sender = BOB.name.into();
    let r = test(t).await;
    let step = assert_fails_with(&r, "smtp.sender_rejected");
    assert_eq!(step.kind, StepKind::Sender);
    assert!(evidence(&step, "server_said").starts_with("553"));
}

#[tokio::test]
async fn smtp_relay_denied_and_recipient_and_message_rejected() {
    let s = servers();
    let mut t = smtp(s.ports.smtp_plain, Security::None);
    t.allow_plaintext = true;
    let r = run_plan(TestPlan {
        outgoing: Some(t),
        send_to: Some("someone@example.net".into()),
        ..Default::default()
    })
    .await;
    let step = assert_fails_with(&r, "smtp.relay_denied");
    assert_eq!(step.kind, StepKind::Send);

    for (to, code) in [
        ("nobody@example.test", "smtp.recipient_rejected"),
        (SPAMTRAP_ADDRESS, "smtp.message_rejected"),
    ] {
        let r = run_plan(TestPlan {
            outgoing: Some(smtp(s.ports.submission, Security::Starttls)),
            send_to: Some(to.into()),
            ..Default::default()
        })
        .await;
        assert_fails_with(&r, code);
    }
}

// ---- hostile servers: a diagnosis within timeout + 1 s ---------------------------------

async fn hostile_test(kind: Hostile, protocol: ProbeProtocol, security: Security) -> TestReport {
    let port = hostile::start(kind).await;
    let mut t = target(protocol, HOST_GOOD, port, security);
    t.timeout = Duration::from_secs(2);
    let started = Instant::now();
    let r = run_single(t, Lang::En).await;
    let took = started.elapsed();
    assert!(
        took <= Duration::from_secs(3),
        "{kind:?}: took {took:?}\n{}",
        show(&r)
    );
    assert!(!r.ok);
    r
}

/// Each hostile server in each way in: its diagnosis, and (where given) the step making it.
#[tokio::test]
async fn hostile_servers_are_diagnosed_within_their_timeout() {
    use ProbeProtocol::{Imap, Pop3, Smtp};
    use Security::{Starttls, Tls};
    let cases = [
        (
            Hostile::Silent,
            Imap,
            Starttls,
            "net.silent",
            Some(StepKind::Greeting),
        ),
        (
            Hostile::Silent,
            Imap,
            Tls,
            "net.silent",
            Some(StepKind::Tls),
        ),
        (Hostile::CloseAtOnce, Pop3, Starttls, "net.closed", None),
        (
            Hostile::CloseAtOnce,
            Pop3,
            Tls,
            "tls.handshake_failed",
            None,
        ),
        (
            Hostile::EndlessBanner,
            Smtp,
            Starttls,
            "protocol.invalid_response",
            None,
        ),
        (Hostile::TrickleBanner, Imap, Starttls, "net.silent", None),
        (
            Hostile::CloseMidHandshake,
            Smtp,
            Tls,
            "tls.handshake_failed",
            None,
        ),
    ];
    for (kind, protocol, security, code, at) in cases {
        let r = hostile_test(kind, protocol, security).await;
        let step = assert_fails_with(&r, code);
        if let Some(at) = at {
            assert_eq!(step.kind, at, "{code}");
        }
    }
}

#[tokio::test]
async fn hostile_huge_line() {
    let r = hostile_test(Hostile::HugeLine, ProbeProtocol::Imap, Security::Starttls).await;
    let step = assert_fails_with(&r, "protocol.invalid_response");
    assert!(evidence(&step, "problem").contains("longer than"));
    // The transcript keeps a short preview, not megabytes.
    assert!(serde_json::to_string(&r).unwrap().len() < 64 * 1024);
}

#[tokio::test]
async fn hostile_garbage_instead_of_tls() {
    let r = hostile_test(Hostile::GarbageTls, ProbeProtocol::Imap, Security::Tls).await;
    let step = assert_fails_with(&r, "tls.handshake_failed");
    assert!(evidence(&step, "server_sent").contains("bytes"));
}

#[tokio::test]
async fn hostile_wrong_protocol_greeting() {
    let r = hostile_test(
        Hostile::Greeting("220 mail.example.com ESMTP Postfix"),
        ProbeProtocol::Imap,
        Security::Starttls,
    )
    .await;
    let step = assert_fails_with(&r, "protocol.wrong_service");
    assert_eq!(evidence(&step, "sounds_like"), "SMTP");
    let r = hostile_test(
        Hostile::Greeting("* BYE Too many connections from your IP"),
        ProbeProtocol::Imap,
        Security::Starttls,
    )
    .await;
    assert_fails_with(&r, "protocol.service_unavailable");
}

// ---- test mail and round trip ---------------------------------------------------------

fn marker_sent_in(r: &TestReport) -> String {
    let step = r
        .steps
        .iter()
        .find(|s| s.kind == StepKind::Send)
        .expect("a send step");
    step.transcript
        .iter()
        .find_map(|l| l.text.strip_prefix("X-Mailbox-Admin-Test: "))
        .expect("marker in the transcript")
        .to_string()
}

#[tokio::test]
async fn a_test_mail_goes_through_postfix_into_dovecot() {
    let s = servers();
    let r = run_plan(TestPlan {
        outgoing: Some(smtp(s.ports.submission, Security::Starttls)),
        send_to: Some(BOB.name.into()),
        ..Default::default()
    })
    .await;
    assert_ok(&r);
    let token = marker_sent_in(&r);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if s.inbox_messages(BOB.name)
            .iter()
            .any(|m| m.contains(&token))
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "test mail did not arrive: {}",
            s.postfix_log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn roundtrip_plan(user: &User, incoming: ProbeTarget, address: &str, wait: u64) -> TestPlan {
    let s = servers();
    let mut incoming = incoming;
    incoming.user = user.name.into();
    incoming.password = Some(Secret::new(user.password));
    let mut out = smtp(s.ports.submission, Security::Starttls);
    out.user = user.name.into();
    out.sender = user.name.into();
    out.password = Some(Secret::new(user.password));
    TestPlan {
        incoming: Some(incoming),
        outgoing: Some(out),
        send_to: None,
        roundtrip: Some(RoundTrip {
            smime_roots: None,
            address: address.into(),
            wait: Duration::from_secs(wait),
        }),
        not_checked: Vec::new(),
    }
}

/// A round trip of `user` through `incoming` that passes; its mail is deleted afterwards.
async fn round_trip_passes(user: &User, incoming: ProbeTarget) -> TestReport {
    let r = run_plan(roundtrip_plan(user, incoming, user.name, 20)).await;
    assert_ok(&r);
    let rt = r.steps.last().unwrap();
    assert_eq!(
        (rt.kind, rt.status),
        (StepKind::Roundtrip, StepStatus::Ok),
        "{}",
        show(&r)
    );
    let token = marker_sent_in(&r);
    assert!(
        !servers()
            .inbox_messages(user.name)
            .iter()
            .any(|m| m.contains(&token)),
        "the round-trip mail must be deleted"
    );
    r
}

#[tokio::test]
async fn imap_round_trip_arrives_and_is_deleted() {
    let r = round_trip_passes(&CAROL, imap(servers().ports.imaps, Security::Tls)).await;
    assert_eq!(r.steps.last().unwrap().role, Role::Incoming);
    assert!(r.targets.len() == 2);
}

#[tokio::test]
async fn pop3_round_trip_arrives_and_is_deleted() {
    round_trip_passes(&DAVE, pop3(servers().ports.pop3s, Security::Tls)).await;
}

#[tokio::test]
async fn roundtrip_not_received_when_the_mail_goes_elsewhere() {
    let s = servers();
    let plan = roundtrip_plan(&CAROL, imap(s.ports.imaps, Security::Tls), LOST_ADDRESS, 3);
    let r = run_plan(plan).await;
    let step = assert_fails_with(&r, "roundtrip.not_received");
    assert_eq!(evidence(&step, "address"), LOST_ADDRESS);
}

#[tokio::test]
async fn a_server_answering_each_step_just_in_time_is_bounded_by_one_timeout() {
    // Each answer comes after 1.5 s of a 2 s timeout: every step alone would pass, and
    // greeting, CAPABILITY, LOGIN, LIST and LOGOUT would stretch the test past 7 s.
    let port = hostile::start(Hostile::ImapDrip(Duration::from_millis(1500))).await;
    let mut t = target(ProbeProtocol::Imap, HOST_GOOD, port, Security::None);
    t.allow_plaintext = true;
    t.timeout = Duration::from_secs(2);
    let started = Instant::now();
    let r = run_single(t, Lang::En).await;
    let took = started.elapsed();
    assert!(
        took <= Duration::from_secs(3),
        "took {took:?}\n{}",
        show(&r)
    );
    assert!(!r.ok, "{}", show(&r));
    let failed = r
        .steps
        .iter()
        .find(|s| s.status == StepStatus::Failed)
        .unwrap();
    assert_eq!(
        failed.diagnosis.as_ref().unwrap().code.as_str(),
        "net.silent"
    );
    // The greeting still passed: the bound is the whole test's, not a shorter step limit.
    assert!(r
        .steps
        .iter()
        .any(|s| s.kind == StepKind::Greeting && s.status == StepStatus::Ok));
}

// ---- cancellation, progress, language, canary -----------------------------------------

#[tokio::test]
async fn cancel_stops_the_test_at_once() {
    let port = hostile::start(Hostile::Silent).await;
    let mut t = target(ProbeProtocol::Imap, HOST_GOOD, port, Security::Tls);
    t.timeout = Duration::from_secs(60);
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        c2.cancel();
    });
    let started = Instant::now();
    let r = run(&TestPlan::single(t), Lang::En, &no_progress, &cancel).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(r.cancelled && !r.ok);
    let last = r.steps.last().unwrap();
    assert_eq!(
        (last.kind, last.status),
        (StepKind::Tls, StepStatus::Cancelled)
    );
}

#[tokio::test]
async fn progress_sees_every_step_start_and_end_in_order() {
    let s = servers();
    let seen: Mutex<Vec<(u32, StepKind, StepStatus)>> = Mutex::new(Vec::new());
    let progress = |e: &ProbeEvent| {
        seen.lock()
            .unwrap()
            .push((e.index, e.step.kind, e.step.status));
    };
    let r = run(
        &TestPlan::single(pop3(s.ports.pop3s, Security::Tls)),
        Lang::En,
        &progress,
        &CancellationToken::new(),
    )
    .await;
    assert_ok(&r);
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.len(), r.steps.len() * 2);
    for (i, step) in r.steps.iter().enumerate() {
        assert_eq!(seen[2 * i], (i as u32, step.kind, StepStatus::Running));
        assert_eq!(seen[2 * i + 1], (i as u32, step.kind, step.status));
    }
}

#[tokio::test]
async fn diagnoses_and_summaries_are_german_when_asked() {
    let t = imap(closed_port(), Security::Tls);
    let r = run_single(t, Lang::De).await;
    let step = assert_fails_with(&r, "net.refused");
    let d = step.diagnosis.unwrap();
    assert_eq!(d.title, "Verbindung abgelehnt");
    assert!(d.fix.contains("993 (SSL/TLS)"), "{}", d.fix);
    assert!(
        r.steps[0].summary.contains("IP-Adresse"),
        "{}",
        r.steps[0].summary
    );
}

#[tokio::test]
async fn the_password_appears_in_no_transcript_or_report() {
    let s = servers();
    let mut targets = Vec::new();
    for auth in [
        ProbeAuth::Password,
        ProbeAuth::Plain,
        ProbeAuth::Login,
        ProbeAuth::CramMd5,
    ] {
        targets.push(with_auth(imap(s.ports.imap, Security::Starttls), auth));
        targets.push(with_auth(pop3(s.ports.pop3s, Security::Tls), auth));
        targets.push(with_auth(smtp(s.ports.smtps, Security::Tls), auth));
    }
    // Plaintext (confirmed), and a failed login that echoes nothing back.
    let mut t = imap(s.ports.imap, Security::None);
    t.allow_plaintext = true;
    targets.push(t);
    let mut t = pop3(s.ports.pop3, Security::None);
    t.allow_plaintext = true;
    t.auth = ProbeAuth::Login;
    targets.push(t);
    let n = targets.len();
    let mut logged_in = 0;
    for t in targets {
        let r = test(t).await; // asserts the canary on every report
        if r.steps
            .iter()
            .any(|s| s.kind == StepKind::Login && s.status != StepStatus::Failed)
        {
            logged_in += 1;
        }
        // The transcripts do show that something was redacted.
        assert!(transcript(&r).contains("<redacted>"), "{}", show(&r));
    }
    // PLAIN on the POP3S port works; LOGIN as SASL is not used for IMAP/POP3 (LOGIN
    // command / USER-PASS instead), so every variant logs in.
    assert_eq!(logged_in, n);
}

#[tokio::test]
async fn a_server_with_only_tls_1_0_is_named_legacy() {
    let s = servers();
    let r = test(imap(s.ports.tls10, Security::Tls)).await;
    let step = assert_fails_with(&r, "tls.legacy_version");
    assert_eq!(evidence(&step, "observed"), "TLSv1.0", "{}", show(&r));
    let d = step.diagnosis.as_ref().unwrap();
    assert!(d.fix.contains("TLS 1.2"), "{}", d.fix);
}

#[tokio::test]
async fn the_os_verdict_is_reported_beside_our_own() {
    // The test CA is an extra root for the probe, not in the OS trust store: verified here,
    // but the OS's own TLS stack (what other programs see) does not trust it.
    let r = test(imap(servers().ports.imaps, Security::Tls)).await;
    assert_ok(&r);
    let tls = r.tls.as_ref().unwrap();
    assert_eq!(tls.trust, "verified");
    assert_eq!(tls.os_trust, Some(OsTrust::UntrustedIssuer), "{tls:?}");
    // The same over STARTTLS (IMAP, POP3, SMTP), on a second connection.
    for t in [
        imap(servers().ports.imap, Security::Starttls),
        pop3(servers().ports.pop3, Security::Starttls),
        smtp(servers().ports.submission, Security::Starttls),
    ] {
        let r = test(t).await;
        assert_ok(&r);
        let tls = r.tls.as_ref().unwrap();
        assert_eq!(tls.os_trust, Some(OsTrust::UntrustedIssuer), "{tls:?}");
    }
    let r = test(cert_target(HOST_SELF_SIGNED)).await;
    let tls = r.steps.iter().find_map(|s| s.tls.clone()).unwrap();
    assert_eq!(tls.os_trust, Some(OsTrust::SelfSigned), "{tls:?}");
}

// ---- IMAP actions outside a test: folder tree and subscriptions -----------------------

#[tokio::test]
async fn folder_tree_and_subscriptions_round_trip_on_dovecot() {
    let s = servers();
    let mut t = imap(s.ports.imaps, Security::Tls);
    t.user = DAVE.name.into();
    t.password = Some(Secret::new(DAVE.password));
    let cancel = CancellationToken::new();
    let junk_subscribed = |folders: &[Folder]| {
        folders
            .iter()
            .find(|f| f.name == "Junk")
            .expect("Junk")
            .subscribed
    };
    let before = folder_tree(&t, Lang::En, &cancel).await.unwrap();
    assert_eq!(before[0].name, "INBOX");
    let sent = before.iter().find(|f| f.name == "Sent").expect("Sent");
    assert_eq!(sent.special_use.as_deref(), Some("\\Sent"));

    set_subscribed(&t, "Junk", true, Lang::En, &cancel)
        .await
        .unwrap();
    assert!(junk_subscribed(
        &folder_tree(&t, Lang::En, &cancel).await.unwrap()
    ));
    set_subscribed(&t, "Junk", false, Lang::En, &cancel)
        .await
        .unwrap();
    assert!(!junk_subscribed(
        &folder_tree(&t, Lang::En, &cancel).await.unwrap()
    ));

    t.password = Some(Secret::new("wrong password"));
    match folder_tree(&t, Lang::En, &cancel).await {
        Err(ActionError::Failed(d)) => assert_eq!(d.code, "auth.failed", "{d:?}"),
        other => panic!("expected auth.failed, got {other:?}"),
    }
    let cancelled = CancellationToken::new();
    cancelled.cancel();
    assert_eq!(
        folder_tree(&t, Lang::En, &cancelled).await,
        Err(ActionError::Cancelled)
    );
}

#[tokio::test]
async fn folder_tree_over_starttls_logs_in_each_way_on_dovecot() {
    // After our STARTTLS, async-imap starts without a greeting: capabilities, then LOGIN or
    // AUTHENTICATE with our SASL encodings.
    let s = servers();
    for auth in [ProbeAuth::Password, ProbeAuth::Plain, ProbeAuth::CramMd5] {
        let mut t = imap(s.ports.imap, Security::Starttls);
        t.user = DAVE.name.into();
        t.password = Some(Secret::new(DAVE.password));
        t.auth = auth;
        let cancel = CancellationToken::new();
        let folders = folder_tree(&t, Lang::En, &cancel).await;
        assert_eq!(folders.expect("folders")[0].name, "INBOX", "{auth:?}");
        t.password = Some(Secret::new("wrong password"));
        match folder_tree(&t, Lang::En, &cancel).await {
            Err(ActionError::Failed(d)) => {
                assert_eq!(d.code, "auth.failed", "{auth:?}: {d:?}");
                assert!(
                    d.evidence.iter().any(|e| e.value.contains("NO")),
                    "the server's words: {d:?}"
                );
            }
            other => panic!("{auth:?}: expected auth.failed, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_literal_bomb_in_the_folder_list_ends_with_a_diagnosis() {
    let port = hostile::start(Hostile::ImapLiteralBomb).await;
    let mut t = target(ProbeProtocol::Imap, HOST_GOOD, port, Security::None);
    t.allow_plaintext = true;
    t.timeout = Duration::from_secs(5);
    let started = Instant::now();
    match folder_tree(&t, Lang::En, &CancellationToken::new()).await {
        Err(ActionError::Failed(d)) => {
            assert_eq!(d.code, "protocol.invalid_response", "{d:?}");
            assert!(
                d.evidence.iter().any(|e| e.value.contains("2000000000")),
                "{d:?}"
            );
        }
        other => panic!("expected a diagnosis, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(3));
}

// ---- second implementations: GNU Mailutils imap4d/pop3d, aiosmtpd ----------------------

fn as_erin(mut t: ProbeTarget) -> ProbeTarget {
    t.user = ERIN.name.into();
    t.password = Some(Secret::new(ERIN.password));
    if t.protocol == ProbeProtocol::Smtp {
        t.sender = ERIN.name.into();
    }
    t
}

/// For each protocol's second implementation: (STARTTLS port, implicit TLS port, port that
/// requires TLS before login — none for aiosmtpd, whose STARTTLS port does).
fn second_implementations() -> [(ProbeProtocol, u16, u16, u16); 3] {
    let p = &servers().ports;
    [
        (
            ProbeProtocol::Imap,
            p.mu_imap,
            p.mu_imaps,
            p.mu_imap_tls_required,
        ),
        (
            ProbeProtocol::Pop3,
            p.mu_pop3,
            p.mu_pop3s,
            p.mu_pop3_tls_required,
        ),
        (
            ProbeProtocol::Smtp,
            p.aio_submission,
            p.aio_smtps,
            p.aio_submission,
        ),
    ]
}

#[tokio::test]
async fn second_implementations_log_in_with_starttls_and_implicit_tls() {
    for (protocol, starttls, implicit, _) in second_implementations() {
        let r = passes(as_erin(target(
            protocol,
            HOST_GOOD,
            starttls,
            Security::Starttls,
        )))
        .await;
        assert_eq!(
            step(&r, StepKind::Login).status,
            StepStatus::Ok,
            "{}",
            show(&r)
        );
        let r = passes(as_erin(target(
            protocol,
            HOST_GOOD,
            implicit,
            Security::Tls,
        )))
        .await;
        assert_eq!(
            step(&r, StepKind::Login).status,
            StepStatus::Ok,
            "{}",
            show(&r)
        );
        if protocol == ProbeProtocol::Smtp {
            // aiosmtpd took the sender after the login.
            assert_eq!(
                step(&r, StepKind::Sender).status,
                StepStatus::Ok,
                "{}",
                show(&r)
            );
        }
    }
}

#[tokio::test]
async fn second_implementations_refuse_a_wrong_password_as_auth_failed() {
    for (protocol, _, implicit, _) in second_implementations() {
        let mut t = as_erin(target(protocol, HOST_GOOD, implicit, Security::Tls));
        t.password = Some(Secret::new("wrong-password-123"));
        let r = test(t).await;
        let step = assert_fails_with(&r, "auth.failed");
        assert_eq!(step.kind, StepKind::Login);
        // The server's own words: Mailutils IMAP "NO LOGIN User name or passwd rejected",
        // Mailutils POP3 "-ERR [AUTH] Bad login", aiosmtpd "535 5.7.8 …".
        let said = evidence(&step, "server_said");
        let words = match protocol {
            ProbeProtocol::Smtp => "535 5.7.8",
            ProbeProtocol::Pop3 => "-ERR [AUTH]",
            _ => "NO",
        };
        assert!(said.contains(words), "{protocol:?}: {said}");
    }
}

#[tokio::test]
async fn second_implementations_name_the_wrong_security_mode() {
    for (protocol, starttls, implicit, _) in second_implementations() {
        let r = test(as_erin(target(
            protocol,
            HOST_GOOD,
            starttls,
            Security::Tls,
        )))
        .await;
        assert_fails_with(&r, "tls.expected_starttls");
        let r = test(as_erin(target(
            protocol,
            HOST_GOOD,
            implicit,
            Security::Starttls,
        )))
        .await;
        // The port says nothing in clear text: the probe tries a TLS handshake and finds TLS.
        assert_fails_with(&r, "tls.expected_implicit");
    }
}

#[tokio::test]
async fn second_implementations_that_require_tls_are_plaintext_disabled_before_any_secret() {
    for (protocol, _, _, required) in second_implementations() {
        let mut t = as_erin(target(protocol, HOST_GOOD, required, Security::None));
        t.allow_plaintext = true;
        let r = test(t).await;
        let step = assert_fails_with(&r, "auth.plaintext_disabled");
        assert_eq!(step.kind, StepKind::Login, "{protocol:?}");
        assert!(!transcript(&r).contains("<redacted>"), "{}", transcript(&r));
        // The same port with STARTTLS logs in.
        passes(as_erin(target(
            protocol,
            HOST_GOOD,
            required,
            Security::Starttls,
        )))
        .await;
    }
}

// ---- what the server says: temporary failures and words without codes -------------------

#[tokio::test]
async fn a_failed_password_back_end_is_a_temporary_failure_never_auth_failed() {
    let s = servers();
    for (t, words) in [
        (imap(s.ports.imaps, Security::Tls), "NO [UNAVAILABLE]"),
        (pop3(s.ports.pop3s, Security::Tls), "-ERR [SYS/TEMP]"),
        // Postfix whose SASL back end (a Dovecot auth socket) dies mid-request: 454 4.7.0.
        (
            smtp(s.ports.smtps_sasl_down, Security::Tls),
            "454 4.7.0 Temporary authentication failure",
        ),
    ] {
        let mut t = t;
        t.user = FRANK.name.into();
        t.password = Some(Secret::new(FRANK.password));
        t.sender = String::new();
        let r = test(t).await;
        let step = assert_fails_with(&r, "auth.temporary");
        assert_eq!(step.kind, StepKind::Login);
        assert!(!r.codes.iter().any(|c| c == "auth.failed"), "{:?}", r.codes);
        assert!(
            evidence(&step, "server_said").contains(words),
            "{}",
            show(&r)
        );
        assert!(
            transcript(&r).contains(words),
            "the transcript shows the server's words"
        );
        assert!(r.failed_temporarily(), "{}", show(&r));
    }
}

#[tokio::test]
async fn courier_saying_tls_required_in_words_is_plaintext_disabled() {
    let port = hostile::start(Hostile::CourierPop3TlsRequired).await;
    let mut t = target(ProbeProtocol::Pop3, HOST_GOOD, port, Security::None);
    t.allow_plaintext = true;
    let r = test(t).await;
    let step = assert_fails_with(&r, "auth.plaintext_disabled");
    assert_eq!(step.kind, StepKind::Login);
    assert_eq!(
        evidence(&step, "server_said"),
        "-ERR TLS required to log in."
    );
    assert!(!r.failed_temporarily());
    // Refused at USER: the password never left.
    assert!(!transcript(&r).contains("PASS"), "{}", transcript(&r));
}
