//! `mbadmin test server` against the real Dovecot of the test setup, with the password in a
//! real (private) Secret Service: live step lines, `--json`, exit codes, the history, the
//! diagnosis of a wrong port and of a missing route, German output, and the canary.

#[path = "../../core/tests/support/servers.rs"]
mod servers;
#[path = "../../core/tests/support/mod.rs"]
mod support;

mod cli_support;

use cli_support::{
    all_succeed, command, json, mbadmin_in as mbadmin, run, temp_db_with_ca, text, words,
};
use servers::{servers, ALICE, FRANK, HOST_GOOD};
use std::process::Output;

/// The steps of an IMAP server test over implicit TLS, up to the mailbox.
const IMAP_STEPS: [&str; 8] = [
    "resolve",
    "connect",
    "tls",
    "greeting",
    "capabilities",
    "login",
    "folders",
    "mailbox",
];

fn assert_no_password(o: &Output) {
    use base64::Engine;
    let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
    let b64 = base64::engine::general_purpose::STANDARD.encode(ALICE.password);
    assert!(!all.contains(ALICE.password), "password printed: {all}");
    assert!(!all.contains(&b64), "password printed (base64): {all}");
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn test_server_prints_steps_live_stores_history_and_diagnoses_failures() {
    let _keyring = support::SecretService::shared();
    let mail = servers();
    let (dir, db, ca) = temp_db_with_ca(&mail.ca_pem);
    let port = mail.ports.imaps.to_string();

    let o = mbadmin(
        &db,
        &format!("server add --name Dovecot --host {HOST_GOOD} --port {port} --security tls --user {} --password-stdin", ALICE.name),
        ALICE.password,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));

    // Human: one line per step as it ends, a verdict, exit 0.
    let o = mbadmin(&db, &format!("test server Dovecot --ca-file {ca}"), "");
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    for step in IMAP_STEPS {
        assert!(
            out.lines()
                .any(|l| l.trim_start().starts_with("ok") && l.contains(step)),
            "no line for {step}: {out}"
        );
    }
    assert!(out.contains("Dovecot: passed"), "{out}");
    assert_no_password(&o);

    // JSON: the report of the core engine.
    let o = mbadmin(
        &db,
        &format!("--json test server Dovecot --ca-file {ca}"),
        "",
    );
    assert!(o.status.success());
    let v = json(&o);
    assert_eq!(v["ok"], true);
    assert!(codes(&v).is_empty());
    let kinds: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [&IMAP_STEPS[..], &["special_folders", "logout"]].concat()
    );
    assert_eq!(v["tls"]["trust"], "verified");
    assert_no_password(&o);

    // Without the test CA: the certificate is not trusted; exit 1 with the fix printed.
    let o = mbadmin(&db, "test server Dovecot", "");
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("[tls.untrusted_issuer]"), "{out}");
    assert!(out.contains("Fix: "), "{out}");

    // A wrong port: net.refused, in English and in German.
    let closed = servers::closed_port().to_string();
    let o = mbadmin(&db, &format!("server edit Dovecot --port {closed}"), "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = mbadmin(
        &db,
        &format!("--json test server Dovecot --ca-file {ca}"),
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(codes(&json(&o)), vec!["net.refused"]);
    let o = mbadmin(&db, "--lang de test server Dovecot", "");
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("Verbindung abgelehnt"), "{out}");
    assert!(out.contains("Lösung: Port prüfen"), "{out}");

    // No route at all (a network namespace whose loopback is down): net.unreachable.
    let line = words("--json test server Dovecot");
    let o = run(command(&["unshare", "-n"], &db, &line), "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(codes(&json(&o)), vec!["net.unreachable"]);

    // Port fixed, password wrong: auth.failed — and still no password in the output.
    let o = mbadmin(
        &db,
        &format!("server edit Dovecot --port {port} --password-stdin"),
        &format!("{}x", ALICE.password),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = mbadmin(&db, &format!("test server Dovecot --ca-file {ca}"), "");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).contains("[auth.failed]"),
        "{}",
        text(&o.stdout)
    );
    assert_no_password(&o);

    // The history, newest first.
    let o = mbadmin(&db, "--json test history Dovecot", "");
    assert!(o.status.success());
    let runs = json(&o);
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 7);
    assert_eq!(runs[0]["codes"][0], "auth.failed");
    assert_eq!(runs[6]["ok"], true);
    assert_no_password(&o);

    // The database file never saw the password.
    for f in support::files_below(dir.path()) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !support::contains(&bytes, ALICE.password.as_bytes()),
            "{}",
            f.display()
        );
    }
}

#[test]
fn test_account_and_test_all_report_per_account_and_exit_nonzero_on_failure() {
    let _keyring = support::SecretService::shared();
    let mail = servers();
    let (_dir, db, ca) = temp_db_with_ca(&mail.ca_pem);
    let imaps = mail.ports.imaps.to_string();
    let sub = mail.ports.submission.to_string();
    all_succeed(
        &db,
        &[
        (
            &format!("server add --name Dovecot --host {HOST_GOOD} --port {imaps}"),
            "",
        ),
        (
            &format!("outgoing add --name Postfix --host {HOST_GOOD} --port {sub} --security starttls --default true"),
            "",
        ),
        ("user add --login alice", ""),
        (
            &format!("account add --name Alice --email {} --owner-user alice --incoming Dovecot --password-stdin", ALICE.name),
            ALICE.password,
        ),
        (
            &format!("account add --name 'Alice falsch' --email {} --owner-user alice --incoming Dovecot --password-stdin", ALICE.name),
            "not-the-password",
        ),
        // Both servers' password back ends are down for him: a temporary failure.
        (
            &format!("outgoing add --name 'Postfix SASL down' --host {HOST_GOOD} --port {} --security tls", mail.ports.smtps_sasl_down),
            "",
        ),
        (
            &format!("account add --name Frank --email {} --owner-user alice --incoming Dovecot --outgoing 'Postfix SASL down' --password-stdin", FRANK.name),
            FRANK.password,
        ),
        ],
    );

    let o = mbadmin(&db, &format!("test account Alice --ca-file {ca}"), "");
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("Alice: passed"), "{out}");
    assert!(
        out.contains("Sender alice@example.test accepted"),
        "the SMTP side was tested: {out}"
    );
    assert_no_password(&o);

    // The servers could not judge the password: a failure, but a temporary one.
    let o = mbadmin(&db, &format!("test account Frank --ca-file {ca}"), "");
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("Frank: failed temporarily"), "{out}");
    assert!(out.contains("auth.temporary"), "{out}");

    let o = mbadmin(
        &db,
        &format!("--json test --all --concurrency 2 --ca-file {ca}"),
        "",
    );
    assert_eq!(o.status.code(), Some(1), "one account fails");
    let v = json(&o);
    assert_eq!(
        (
            v["passed"].as_u64(),
            v["failed"].as_u64(),
            v["temporary"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    let bad = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["account"] == "Alice falsch")
        .unwrap();
    assert!(
        bad["codes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "auth.failed"),
        "{bad}"
    );
    assert_no_password(&o);

    let o = mbadmin(&db, &format!("test --all --ca-file {ca}"), "");
    let out = text(&o.stdout);
    assert!(
        out.contains("1 passed, 1 failed, 1 failed temporarily"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("TEMP") && l.contains("Frank") && l.contains("auth.temporary")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("FAILED") && l.contains("Alice falsch")),
        "{out}"
    );
}

#[test]
fn account_folders_are_read_on_demand_and_subscribe_writes_to_the_server() {
    let _keyring = support::SecretService::shared();
    let mail = servers();
    let (_dir, db, ca) = temp_db_with_ca(&mail.ca_pem);
    let imaps = mail.ports.imaps.to_string();
    all_succeed(
        &db,
        &[
            (&format!("server add --name Dovecot --host {HOST_GOOD} --port {imaps}"), ""),
            ("user add --login alice", ""),
            (
                &format!("account add --name Alice --email {} --owner-user alice --incoming Dovecot --folder-trash Papierkorb-fehlt --password-stdin", ALICE.name),
                ALICE.password,
            ),
        ],
    );
    // Without --refresh: only what the account chose, no connection.
    let o = mbadmin(&db, "account folders Alice", "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("--refresh"), "{}", text(&o.stdout));

    // --refresh: the server's tree; the trash folder set in the account is missing there.
    let o = mbadmin(
        &db,
        &format!("account folders Alice --refresh --ca-file {ca}"),
        "",
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let out = text(&o.stdout);
    assert!(out.contains("INBOX") && out.contains("Sent"), "{out}");
    assert!(
        out.contains("missing on the server: Papierkorb-fehlt"),
        "{out}"
    );
    assert_no_password(&o);

    let o = mbadmin(
        &db,
        &format!("account subscribe Alice Sent --ca-file {ca}"),
        "",
    );
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let o = mbadmin(
        &db,
        &format!("--json account folders Alice --refresh --ca-file {ca}"),
        "",
    );
    let tree = json(&o);
    let sent = tree["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Sent")
        .unwrap()
        .clone();
    assert_eq!(sent["subscribed"], true, "{tree}");
    let o = mbadmin(&db, "--json account show Alice", "");
    assert!(
        json(&o)["folders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["folder"] == "Sent" && f["subscribed"] == true),
        "the account's list has it too"
    );
    let o = mbadmin(
        &db,
        &format!("account subscribe Alice Sent --off --ca-file {ca}"),
        "",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));

    // An account without an IMAP server cannot be refreshed: exit 1 with the reason.
    all_succeed(
        &db,
        &[(
            "account add --name Ohne --email ohne@example.test --owner-user alice",
            "",
        )],
    );
    let o = mbadmin(&db, "account folders Ohne --refresh", "");
    assert_ne!(o.status.code(), Some(0));
    assert!(!text(&o.stderr).is_empty());
}

#[test]
fn add_test_first_saves_only_what_passes_its_test() {
    let _keyring = support::SecretService::shared();
    let mail = servers();
    let (_dir, db, ca) = temp_db_with_ca(&mail.ca_pem);
    let imaps = mail.ports.imaps.to_string();
    let add = |name: &str| {
        format!(
            "server add --name {name} --host {HOST_GOOD} --port {imaps} --user {} --password-stdin --test-first --ca-file {ca}",
            ALICE.name
        )
    };
    // A wrong password: the steps on stderr, exit 1, nothing saved, no password printed.
    let o = mbadmin(&db, &add("Falsch"), "not-the-password");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("--test-first: the test failed (auth.failed)"),
        "{err}"
    );
    assert!(err.contains("login"), "the steps are shown: {err}");
    let o = mbadmin(&db, "--json server list", "");
    assert_eq!(json(&o), serde_json::json!([]));

    // The right one: tested, then saved.
    let o = mbadmin(&db, &add("Richtig"), ALICE.password);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("created: Richtig"),
        "{}",
        text(&o.stdout)
    );
    assert_no_password(&o);
    let o = mbadmin(&db, "--json server list", "");
    assert_eq!(json(&o)[0]["name"], "Richtig");
}

/// The setting save_only_tested makes every `add` test first, as --test-first does: a failing
/// test saves nothing and says why; a disabled outgoing server is saved untested; with the
/// setting off the same add saves untested.
#[test]
fn save_only_tested_makes_add_test_first() {
    let _keyring = support::SecretService::shared();
    let mail = servers();
    let (_dir, db, ca) = temp_db_with_ca(&mail.ca_pem);
    let imaps = mail.ports.imaps.to_string();
    // The test CA trusted in the store (as the window does), so no --ca-file is needed.
    all_succeed(
        &db,
        &[(&format!("cert add {ca} --name Test-CA --trust"), "")],
    );
    let o = mbadmin(&db, "--json settings set --save-only-tested true", "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(json(&o)["save_only_tested"], true);
    let add = |name: &str| {
        format!(
            "server add --name {name} --host {HOST_GOOD} --port {imaps} --user {} --password-stdin",
            ALICE.name
        )
    };

    let o = mbadmin(&db, &add("Falsch"), "not-the-password");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("the test failed (auth.failed)"), "{err}");
    assert!(
        err.contains("save only when the connection test passes"),
        "the setting is named: {err}"
    );
    assert!(err.contains("login"), "the steps are shown: {err}");
    let o = mbadmin(&db, "--json server list", "");
    assert_eq!(json(&o), serde_json::json!([]));

    let o = mbadmin(&db, &add("Richtig"), ALICE.password);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("login"),
        "tested: {}",
        text(&o.stderr)
    );
    assert_no_password(&o);

    // A disabled outgoing server has nothing to test: saved, although nothing listens there.
    let o = mbadmin(
        &db,
        "outgoing add --name Aus --host 127.0.0.1 --port 1 --auth none --enabled false",
        "",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    // An enabled one at the same place is tested and refused.
    let o = mbadmin(
        &db,
        "outgoing add --name An --host 127.0.0.1 --port 1 --auth none",
        "",
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("the test failed ("),
        "{}",
        text(&o.stderr)
    );
    let o = mbadmin(&db, "--json outgoing list", "");
    let list = json(&o);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Aus"]);

    // Off again: the same wrong password is saved untested (the setting made the test).
    all_succeed(&db, &[("settings set --save-only-tested false", "")]);
    let o = mbadmin(&db, &add("Ungetestet"), "not-the-password");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("login"), "{}", text(&o.stderr));
    let o = mbadmin(&db, "--json server list", "");
    assert_eq!(json(&o)[0]["name"], "Richtig");
    assert_eq!(json(&o).as_array().unwrap().len(), 2);
}
