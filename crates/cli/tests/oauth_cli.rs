//! `mbadmin oauth …` against the real test OAuth server and Dovecot, with the tokens in a
//! real (private) Secret Service: a provider from discovery, `connect --device` with the
//! code on stderr, `status --json`, a green test, field errors for bad input, disconnect.

#[path = "../../core/tests/support/servers.rs"]
mod servers;
#[path = "../../core/tests/support/mod.rs"]
mod support;

mod cli_support;

use cli_support::{all_succeed, command, mbadmin_in, temp_db_with_ca, text, words};
use servers::{servers, ALICE, HOST_GOOD};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Output, Stdio};

fn mbadmin(db: &Path, line: &str) -> Output {
    mbadmin_in(db, line, "")
}

#[test]
fn a_provider_from_discovery_a_device_connect_status_test_and_disconnect() {
    let _keyring = support::SecretService::shared();
    let mail = servers();
    let (_dir, db, ca) = temp_db_with_ca(&mail.ca_pem);

    // Bad input: a field error naming the option, nothing saved.
    let o = mbadmin(
        &db,
        "oauth provider add --name MS --kind microsoft365 --client-id x",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("--tenant:"), "{}", text(&o.stderr));
    let o = mbadmin(
        &db,
        "oauth provider add --name Plain --kind oidc --client-id x --token-endpoint http://idp.example.com/token",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("https://"), "{}", text(&o.stderr));
    let o = mbadmin(&db, "--json oauth provider list");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap(),
        serde_json::json!([])
    );

    // The provider from its discovery document.
    let o = mbadmin(
        &db,
        &format!("oauth provider add --name IdP --kind oidc --discovery-url {} --defaults --client-id {}", mail.oauth.issuer, mail.oauth.public_client),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let imaps = mail.ports.imaps;
    all_succeed(
        &db,
        &[
            (&format!("server add --name Dovecot --protocol imap --host {HOST_GOOD} --security tls --port {imaps} --auth oauth2 --oauth-provider IdP"), ""),
            ("user add --login alice", ""),
            (&format!("account add --name Alice --email {} --owner-user alice --incoming Dovecot", ALICE.name), ""),
        ],
    );

    // connect --device: the code comes on stderr (JSON with --json), the user enters it.
    let mut child = command(&[], &db, &words("--json oauth connect Alice --device"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let ev: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    let played = mail.oauth.browser(&[
        "device",
        ev["verification_uri"].as_str().unwrap(),
        ev["user_code"].as_str().unwrap(),
        ALICE.name,
        ALICE.password,
    ]);
    assert!(played.status.success(), "{}", text(&played.stderr));
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
    let st: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(st["connection"]["subject"], ALICE.name);
    assert_eq!(st["connection"]["flow"], "device_code");

    let o = mbadmin(&db, "--json oauth status Alice");
    let st: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(st["connection"]["has_refresh_token"], true);
    let human = text(&mbadmin(&db, "oauth status Alice").stdout);
    assert!(human.contains(ALICE.name), "{human}");

    let o = mbadmin(&db, &format!("--json test account Alice --ca-file {}", ca));
    assert!(o.status.success(), "{}", text(&o.stdout));
    // No token in what the CLI printed.
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
    assert!(
        all.contains("<redacted>"),
        "the AUTH line is shown redacted"
    );
    assert!(v["codes"].as_array().unwrap().is_empty());

    // The provider cannot go while an account is connected through it.
    let o = mbadmin(&db, "oauth provider rm IdP");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("Alice"), "{}", text(&o.stderr));

    let o = mbadmin(&db, "oauth disconnect Alice");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("revoked"), "{}", text(&o.stdout));
    let o = mbadmin(&db, &format!("--json test account Alice --ca-file {}", ca));
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("oauth.not_connected"));
    let _ = std::io::stdout().flush();
}
