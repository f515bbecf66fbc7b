//! SMTP AUTH NTLM against a real server: Postfix with Cyrus SASL's NTLM plugin and a sasldb
//! (started by the test setup, `support/servers.rs`, port `smtps_ntlm`). The IMAP and POP3
//! exchanges are tested in memory against recorded answers (`probe/ntlm.rs`): Debian's
//! Dovecot has no NTLM.
//!
//! What Cyrus does with the domain: it hashes the NTLMv2 answer with the domain the client
//! sent and looks the user up in its own realm, so it accepts any domain. A wrong domain is
//! therefore only refused by servers that check it (Exchange, Samba); against Cyrus the
//! test shows that the domain reaches the server and the login still works.

#[path = "support/servers.rs"]
mod servers;

use mailbox_admin_core::model::Security;
use mailbox_admin_core::probe::*;
use mailbox_admin_core::Lang;
use servers::*;
use std::time::Duration;

fn ntlm(domain: &str, password: &str) -> ProbeTarget {
    let s = servers();
    let mut t = ProbeTarget::new(
        ProbeProtocol::Smtp,
        HOST_GOOD,
        s.ports.smtps_ntlm,
        Security::Tls,
    );
    t.timeout = Duration::from_secs(10);
    t.auth = ProbeAuth::Ntlm;
    t.user = NTLM_USER.name.into();
    t.ntlm_domain = domain.into();
    t.password = Some(Secret::new(password));
    t.tls.extra_roots = vec![s.ca_pem.clone()];
    t
}

async fn test(t: ProbeTarget) -> TestReport {
    let r = run(
        &TestPlan::single(t),
        Lang::En,
        &no_progress,
        &CancellationToken::new(),
    )
    .await;
    // The canary: neither the password nor anything of it in the report.
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains(NTLM_USER.password), "password in the report");
    r
}

fn show(r: &TestReport) -> String {
    let mut s = String::new();
    for st in &r.steps {
        s.push_str(&format!("{:?} {:?}: {}\n", st.kind, st.status, st.summary));
        if let Some(d) = &st.diagnosis {
            s.push_str(&format!("  {} {:?}\n", d.code.as_str(), d.evidence));
        }
        for l in &st.transcript {
            s.push_str(&format!("  {:?} {}\n", l.dir, l.text));
        }
    }
    s
}

fn login(r: &TestReport) -> &Step {
    r.steps
        .iter()
        .find(|s| s.kind == StepKind::Login)
        .expect("a login step")
}

fn evidence<'a>(step: &'a Step, key: &str) -> &'a str {
    let d = step.diagnosis.as_ref().expect("a diagnosis");
    d.evidence
        .iter()
        .find(|e| e.key.as_str() == key)
        .map(|e| e.value.as_str())
        .unwrap_or_else(|| panic!("no evidence {key}: {:?}", d.evidence))
}

#[tokio::test]
async fn smtp_auth_ntlm_logs_in_with_the_right_password() {
    let r = test(ntlm("WORKGROUP", NTLM_USER.password)).await;
    assert!(r.ok, "{}", show(&r));
    let step = login(&r);
    assert_eq!(step.status, StepStatus::Ok);
    assert!(step.summary.contains("NTLM"), "{}", step.summary);
    let lines: Vec<&str> = step.transcript.iter().map(|l| l.text.as_str()).collect();
    assert!(lines.contains(&"AUTH NTLM"), "{lines:?}");
    // Negotiate and authenticate messages are sent, shown only as <redacted>.
    assert!(
        step.transcript
            .iter()
            .filter(|l| l.dir == Dir::Client && l.text == transcript::REDACTED)
            .count()
            >= 2,
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.starts_with("235")), "{lines:?}");
}

#[tokio::test]
async fn smtp_auth_ntlm_with_a_wrong_password_is_a_refused_windows_login() {
    let r = test(ntlm("WORKGROUP", "wrong-Pw-1")).await;
    assert!(!r.ok);
    let step = login(&r);
    assert_eq!(step.status, StepStatus::Failed, "{}", show(&r));
    let d = step.diagnosis.as_ref().unwrap();
    assert_eq!(d.code.as_str(), "auth.ntlm_refused", "{}", show(&r));
    assert_eq!(evidence(step, "ntlm_domain"), "WORKGROUP");
    assert_eq!(evidence(step, "user"), NTLM_USER.name);
    assert!(evidence(step, "server_said").starts_with("535"));
    assert!(d.fix.contains("domain"), "{}", d.fix);
}

#[tokio::test]
async fn cyrus_accepts_any_windows_domain_and_the_domain_reaches_it() {
    // Cyrus does not check the domain (see the module's comment): a made-up one, a lower
    // case one and none at all log in alike, each hashed into the NTLMv2 answer; a server
    // that got a different domain than the one hashed would refuse.
    for domain in ["NO-SUCH-DOMAIN", "contoso", ""] {
        let r = test(ntlm(domain, NTLM_USER.password)).await;
        assert!(r.ok, "domain {domain:?}: {}", show(&r));
    }
    // `DOMAIN\user` in the user name, no domain field: the prefix is the domain, the rest
    // the user.
    let mut t = ntlm("", NTLM_USER.password);
    t.user = format!("CONTOSO\\{}", NTLM_USER.name);
    let r = test(t).await;
    assert!(r.ok, "{}", show(&r));
}

#[tokio::test]
async fn a_server_without_ntlm_is_diagnosed_as_not_offered() {
    // Postfix's SMTPS through Dovecot's SASL: PLAIN and LOGIN, no NTLM.
    let s = servers();
    let mut t = ntlm("WORKGROUP", NTLM_USER.password);
    t.port = s.ports.smtps;
    let r = test(t).await;
    let step = login(&r);
    let d = step.diagnosis.as_ref().expect("a diagnosis");
    assert_eq!(d.code.as_str(), "auth.ntlm_not_offered", "{}", show(&r));
    assert!(evidence(step, "offered").contains("PLAIN"));
}
