//! `mbadmin oauth …` against the real test OAuth server and Dovecot, with the tokens in a
//! real (private) Secret Service: a provider from discovery, `connect --device` with the
//! code on stderr, `status --json`, a green test, field errors for bad input, disconnect.
//! The provider is reached over HTTPS with a certificate of the test CA (a company CA):
//! trusted through `MAILBOX_ADMIN_EXTRA_CA` or `--ca-file`, else diagnosed.

#[path = "../../core/tests/support/servers.rs"]
mod servers;
#[path = "../../core/tests/support/mod.rs"]
mod support;

mod cli_support;

use cli_support::{all_succeed, command, run, temp_db, temp_db_with_ca, text, words};
use servers::{servers, ALICE, HOST_GOOD};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `mbadmin --db DB LINE`, trusting the test CA through `MAILBOX_ADMIN_EXTRA_CA`.
fn mbadmin(db: &Path, line: &str) -> Output {
    run(with_ca(command(&[], db, &words(line))), "")
}

fn with_ca(mut c: Command) -> Command {
    c.env("MAILBOX_ADMIN_EXTRA_CA", &servers().oauth.ca_file);
    c
}

/// `mbadmin --db DB LINE` trusting only the OS trust store.
fn bare(db: &Path, line: &str) -> Command {
    let mut c = command(&[], db, &words(line));
    c.env_remove("MAILBOX_ADMIN_EXTRA_CA");
    c
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
        &format!("oauth provider add --name IdP --kind oidc --discovery-url {} --defaults --client-id {}", mail.oauth.https_issuer, mail.oauth.public_client),
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
    let mut child = with_ca(command(
        &[],
        &db,
        &words("--json oauth connect Alice --device"),
    ))
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
    // Only the warning that the account (no outgoing server) was not checked for sending.
    assert_eq!(v["codes"], serde_json::json!(["test.outgoing_not_checked"]));

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

#[test]
fn a_provider_behind_a_company_ca_needs_ca_file() {
    let _keyring = support::SecretService::shared();
    let mail = servers();
    let (_dir, db) = temp_db();
    let ca = mail.oauth.ca_file.to_str().unwrap();
    // Tokens of a few seconds: the end of the test refreshes one.
    let add = format!(
        "oauth provider add --name IdP --kind oidc --discovery-url {} --defaults --client-id {}",
        mail.oauth.https_issuer, mail.oauth.short_lived_client
    );

    // Without the CA: the provider's certificate is diagnosed, naming its issuer.
    let o = run(bare(&db, &add), "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(err.contains("Untrusted issuer"), "{err}");
    assert!(err.contains("Mailbox Admin Test CA"), "{err}");

    // With --ca-file: discovery works, and so does the device flow.
    let o = run(bare(&db, &format!("{add} --ca-file {ca}")), "");
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
    // Without the CA the device sign-in cannot even start.
    let o = run(bare(&db, "--json oauth connect Alice --device"), "");
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("Mailbox Admin Test CA"), "{err}");
    let mut child = bare(
        &db,
        &format!("--json oauth --ca-file {ca} connect Alice --device"),
    )
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
    let uri = ev["verification_uri"].as_str().unwrap();
    assert!(uri.starts_with("https://"), "{ev}");
    let played = mail.oauth.browser(&[
        "device",
        uri,
        ev["user_code"].as_str().unwrap(),
        ALICE.name,
        ALICE.password,
    ]);
    assert!(played.status.success(), "{}", text(&played.stderr));
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
    let st: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(st["connection"]["subject"], ALICE.name);

    // `test --ca-file` applies to OAuth too: the expired token is refreshed over HTTPS.
    std::thread::sleep(std::time::Duration::from_secs(mail.oauth.short_ttl + 1));
    let o = run(
        bare(&db, &format!("--json test account Alice --ca-file {ca}")),
        "",
    );
    assert!(o.status.success(), "{}", text(&o.stdout));
    let o = mbadmin(&db, "--json oauth status Alice");
    let st: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!st["connection"]["refreshed_at"].is_null(), "{st}");
}
