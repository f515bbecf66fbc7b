//! `mbadmin test server` against the real Dovecot of the test setup, with the password in a
//! real (private) Secret Service: live step lines, `--json`, exit codes, the history, the
//! diagnosis of a wrong port and of a missing route, German output, and the canary.

#[path = "../../core/tests/support/servers.rs"]
mod servers;
#[path = "../../core/tests/support/mod.rs"]
mod support;

use servers::{servers, ALICE, HOST_GOOD};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn mbadmin(db: &Path, args: &[&str], stdin: &str) -> Output {
    mbadmin_via(None, db, args, stdin)
}

/// Runs mbadmin, optionally through a wrapper command (e.g. `unshare -n`).
fn mbadmin_via(wrapper: Option<&[&str]>, db: &Path, args: &[&str], stdin: &str) -> Output {
    let exe = env!("CARGO_BIN_EXE_mbadmin");
    let mut cmd = match wrapper {
        Some(w) => {
            let mut c = Command::new(w[0]);
            c.args(&w[1..]).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    let mut child = cmd
        .arg("--db")
        .arg(db)
        .args(args)
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)))
}

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
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &mail.ca_pem).unwrap();
    let ca = ca.to_str().unwrap();
    let port = mail.ports.imaps.to_string();

    let o = mbadmin(
        &db,
        &[
            "server",
            "add",
            "--name",
            "Dovecot",
            "--host",
            HOST_GOOD,
            "--port",
            &port,
            "--security",
            "tls",
            "--user",
            ALICE.name,
            "--password-stdin",
        ],
        ALICE.password,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));

    // Human: one line per step as it ends, a verdict, exit 0.
    let o = mbadmin(&db, &["test", "server", "Dovecot", "--ca-file", ca], "");
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    for step in [
        "resolve",
        "connect",
        "tls",
        "greeting",
        "capabilities",
        "login",
        "folders",
        "mailbox",
    ] {
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
        &["--json", "test", "server", "Dovecot", "--ca-file", ca],
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
        vec![
            "resolve",
            "connect",
            "tls",
            "greeting",
            "capabilities",
            "login",
            "folders",
            "mailbox",
            "special_folders",
            "logout"
        ]
    );
    assert_eq!(v["tls"]["trust"], "verified");
    assert_no_password(&o);

    // Without the test CA: the certificate is not trusted; exit 1 with the fix printed.
    let o = mbadmin(&db, &["test", "server", "Dovecot"], "");
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("[tls.untrusted_issuer]"), "{out}");
    assert!(out.contains("Fix: "), "{out}");

    // A wrong port: net.refused, in English and in German.
    let closed = servers::closed_port().to_string();
    let o = mbadmin(&db, &["server", "edit", "Dovecot", "--port", &closed], "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = mbadmin(
        &db,
        &["--json", "test", "server", "Dovecot", "--ca-file", ca],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(codes(&json(&o)), vec!["net.refused"]);
    let o = mbadmin(&db, &["--lang", "de", "test", "server", "Dovecot"], "");
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("Verbindung abgelehnt"), "{out}");
    assert!(out.contains("Lösung: Port prüfen"), "{out}");

    // No route at all (a network namespace whose loopback is down): net.unreachable.
    let o = mbadmin_via(
        Some(&["unshare", "-n"]),
        &db,
        &["--json", "test", "server", "Dovecot"],
        "",
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(codes(&json(&o)), vec!["net.unreachable"]);

    // Port fixed, password wrong: auth.failed — and still no password in the output.
    let o = mbadmin(
        &db,
        &[
            "server",
            "edit",
            "Dovecot",
            "--port",
            &port,
            "--password-stdin",
        ],
        &format!("{}x", ALICE.password),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = mbadmin(&db, &["test", "server", "Dovecot", "--ca-file", ca], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).contains("[auth.failed]"),
        "{}",
        text(&o.stdout)
    );
    assert_no_password(&o);

    // The history, newest first.
    let o = mbadmin(&db, &["--json", "test", "history", "Dovecot"], "");
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
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &mail.ca_pem).unwrap();
    let ca = ca.to_str().unwrap();
    let imaps = mail.ports.imaps.to_string();
    let sub = mail.ports.submission.to_string();
    let setup: &[(&[&str], &str)] = &[
        (
            &[
                "server", "add", "--name", "Dovecot", "--host", HOST_GOOD, "--port", &imaps,
            ],
            "",
        ),
        (
            &[
                "outgoing",
                "add",
                "--name",
                "Postfix",
                "--host",
                HOST_GOOD,
                "--port",
                &sub,
                "--security",
                "starttls",
                "--default",
                "true",
            ],
            "",
        ),
        (&["user", "add", "--login", "alice"], ""),
        (
            &[
                "account",
                "add",
                "--name",
                "Alice",
                "--email",
                ALICE.name,
                "--owner-user",
                "alice",
                "--incoming",
                "Dovecot",
                "--password-stdin",
            ],
            ALICE.password,
        ),
        (
            &[
                "account",
                "add",
                "--name",
                "Alice falsch",
                "--email",
                ALICE.name,
                "--owner-user",
                "alice",
                "--incoming",
                "Dovecot",
                "--password-stdin",
            ],
            "not-the-password",
        ),
    ];
    for (args, stdin) in setup {
        let o = mbadmin(&db, args, stdin);
        assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
    }

    let o = mbadmin(&db, &["test", "account", "Alice", "--ca-file", ca], "");
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("Alice: passed"), "{out}");
    assert!(
        out.contains("Sender alice@example.test accepted"),
        "the SMTP side was tested: {out}"
    );
    assert_no_password(&o);

    let o = mbadmin(
        &db,
        &[
            "--json",
            "test",
            "--all",
            "--concurrency",
            "2",
            "--ca-file",
            ca,
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1), "one account fails");
    let v = json(&o);
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64()),
        (Some(1), Some(1))
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

    let o = mbadmin(&db, &["test", "--all", "--ca-file", ca], "");
    let out = text(&o.stdout);
    assert!(out.contains("1 passed, 1 failed"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("FAILED") && l.contains("Alice falsch")),
        "{out}"
    );
}
