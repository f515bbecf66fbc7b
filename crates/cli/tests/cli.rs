//! `mbadmin` as a user runs it: exit codes, errors naming the option, `--json`, and that a
//! refused command changes nothing.

mod cli_support;

use cli_support::{command, json, run, temp_db, text, words};
use std::path::Path;
use std::process::Output;

/// No keyring in these tests: the real-keyring tests live in the core.
fn mbadmin_in(db: &Path, line: &str, stdin: &str) -> Output {
    let mut cmd = command(&[], db, &words(line));
    cmd.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    run(cmd, stdin)
}

fn mbadmin(db: &Path, line: &str) -> Output {
    mbadmin_in(db, line, "")
}

#[test]
fn add_list_show_edit_remove() {
    let (_dir, db) = temp_db();
    let o = mbadmin(
        &db,
        "server add --name Zentrale --host imap.example.com:10993",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = mbadmin(&db, "--json server list");
    assert!(o.status.success());
    let list = json(&o);
    assert_eq!(list[0]["name"], "Zentrale");
    assert_eq!(list[0]["host"], "imap.example.com");
    assert_eq!(list[0]["port"], 10993);
    assert_eq!(list[0]["port_manual"], true);

    let o = mbadmin(
        &db,
        "server edit Zentrale --default-port --security starttls",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = mbadmin(&db, "--json server show zentrale");
    let s = json(&o);
    assert_eq!(
        (s["port"].as_i64(), s["port_manual"].as_bool()),
        (Some(143), Some(false))
    );
    assert_eq!(s["version"], 2);

    let o = mbadmin(&db, "server list --search starttls");
    assert!(text(&o.stdout).contains("Zentrale"));
    let o = mbadmin(&db, "server list --search pop3");
    assert!(!text(&o.stdout).contains("Zentrale"));

    let o = mbadmin(&db, "server rm Zentrale");
    assert!(o.status.success());
    let o = mbadmin(&db, "--json server list");
    assert_eq!(json(&o), serde_json::json!([]));
}

#[test]
fn bad_input_names_the_option_exits_nonzero_and_changes_nothing() {
    let (_dir, db) = temp_db();
    assert!(mbadmin(&db, "server add --name A --host a.example.com")
        .status
        .success());
    let before = std::fs::read(&db).unwrap();
    let cases: &[(&str, &str)] = &[
        ("server add --name B --host 'bad host'", "--host:"),
        ("server add --name B --host b.example --port 0", "--port:"),
        (
            "server add --name B --host b.example --port 65536",
            "--port:",
        ),
        (
            "server add --name B --host b.example --timeout 601",
            "--timeout:",
        ),
        ("server add --name '' --host b.example", "--name:"),
        ("server add --name a --host b.example", "already taken"),
        (
            "server add --name B --host b.example --no-verify",
            "--no-verify:",
        ),
        ("server add --name B\r\nX --host b.example", "--name:"),
        ("server add --name B --host b.example --pin 12:34", "--pin:"),
        (
            "server add --name B --host b.example --folder-trash T --protocol pop3",
            "--folder-trash:",
        ),
        ("server edit A --protocol pop3", "--protocol:"),
        ("server edit Nope --timeout 5", "does not exist"),
        ("server rm Nope", "does not exist"),
    ];
    for (args, want) in cases {
        let o = mbadmin(&db, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = text(&o.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(
            std::fs::read(&db).unwrap(),
            before,
            "{args:?} changed the database"
        );
    }
}

#[test]
fn json_errors_are_machine_readable() {
    let (_dir, db) = temp_db();
    let o = mbadmin(&db, "--json server add --name X --host x --port 99999");
    assert_eq!(o.status.code(), Some(1));
    let e = json(&o);
    assert_eq!(e["error"]["code"], "validation");
    assert_eq!(e["error"]["field"], "port");
    assert_eq!(e["error"]["fields"][0]["code"], "port_range");
}

#[test]
fn german_messages_follow_the_locale() {
    let (_dir, db) = temp_db();
    let o = mbadmin(&db, "--lang de server add --name X --host x --timeout 0");
    assert!(text(&o.stderr).contains("Der Timeout muss zwischen 1 und 600 Sekunden liegen"));
}

#[test]
fn password_without_keyring_saves_the_rest_and_fails_loudly() {
    let (_dir, db) = temp_db();
    let o = mbadmin_in(
        &db,
        "server add --name P --host p.example --password-stdin",
        "Canary-cli-pw\n",
    );
    assert_eq!(
        o.status.code(),
        Some(3),
        "saved with a warning is not a success"
    );
    let err = text(&o.stderr);
    assert!(
        err.contains("--password-stdin: The password was not saved"),
        "{err}"
    );
    assert!(!err.contains("Canary-cli-pw") && !text(&o.stdout).contains("Canary-cli-pw"));
    let o = mbadmin(&db, "--json server show P");
    assert_eq!(json(&o)["password"], "not_stored");
    assert!(!std::fs::read(&db)
        .unwrap()
        .windows(13)
        .any(|w| w == b"Canary-cli-pw"));
}

#[test]
fn a_secret_typed_at_the_terminal_is_not_echoed() {
    // On a real (pseudo-)terminal the typed password must not appear on the screen.
    let (_dir, db) = temp_db();
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli_support/pty_type.py");
    let o = std::process::Command::new("python3")
        .arg(driver)
        .args(["Canary-typed-pw", "input is not shown"])
        .arg(env!("CARGO_BIN_EXE_mbadmin"))
        .arg("--db")
        .arg(&db)
        .args([
            "server",
            "add",
            "--name",
            "T",
            "--host",
            "t.example",
            "--password-stdin",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .output()
        .unwrap();
    let shown = text(&o.stdout);
    assert!(shown.contains("input is not shown"), "{shown}");
    assert!(!shown.contains("Canary-typed-pw"), "echoed: {shown}");
    // It was read: no keyring here, so saving it is what failed (exit code 3).
    assert_eq!(o.status.code(), Some(3), "{shown}");
    assert!(shown.contains("The password was not saved"), "{shown}");
}

#[test]
fn unusable_database_path_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the file should be.
    let o = mbadmin(dir.path(), "server list");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("error:"), "{}", text(&o.stderr));
}

#[test]
fn shared_mailbox_shows_the_inherited_outgoing_server() {
    let (_dir, db) = temp_db();
    let steps: &[&str] = &[
        "outgoing add --name 'Versand Zentrale' --host smtp.example.com",
        "company add --name 'Müller Bau GmbH' --default-outgoing 'Versand Zentrale'",
        "user add --login anna",
        "user add --login bernd",
        "user add --login clara",
        "group add --name Vertrieb --members anna,bernd,clara",
        "account add --name 'Vertrieb Postfach' --email vertrieb@example.com --owner-group Vertrieb --users anna,bernd,clara --company 'Müller Bau GmbH'",
    ];
    for s in steps {
        let o = mbadmin(&db, s);
        assert!(o.status.success(), "{s:?}: {}", text(&o.stderr));
    }
    let o = mbadmin(&db, "account show 'Vertrieb Postfach'");
    assert!(
        text(&o.stdout).contains("Versand Zentrale (from company Müller Bau GmbH)"),
        "{}",
        text(&o.stdout)
    );
    let j = json(&mbadmin(&db, "--json account show 'Vertrieb Postfach'"));
    assert_eq!(j["effective_outgoing"]["source"], "company");
    assert_eq!(j["user_ids"].as_array().unwrap().len(), 3);

    // The group owns a shared mailbox: deleting it says how to decide.
    let o = mbadmin(&db, "group rm Vertrieb");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("--reassign-to"),
        "{}",
        text(&o.stderr)
    );
    let o = mbadmin(&db, "outgoing rm 'Versand Zentrale'");
    assert!(text(&o.stderr).contains("Müller Bau GmbH"));
    let o = mbadmin(&db, "account add --name X --email x@ --owner-user anna");
    assert!(text(&o.stderr).contains("--email:"), "{}", text(&o.stderr));
}

#[test]
fn export_then_import_into_an_empty_database_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    assert!(
        mbadmin(&a, "server add --name IMAP --host imap.example.com")
            .status
            .success()
    );
    assert!(
        mbadmin(&a, "user add --login anna --email anna@example.com")
            .status
            .success()
    );
    let file = dir.path().join("export.json");
    let o = mbadmin(&a, &format!("export --out {}", file.to_str().unwrap()));
    assert!(o.status.success(), "{}", text(&o.stderr));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "an export is for its owner only");
    }
    let o = mbadmin(&b, &format!("import {}", file.to_str().unwrap()));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let ea = mbadmin(&a, "export").stdout;
    let eb = mbadmin(&b, "export").stdout;
    assert_eq!(text(&ea), text(&eb));
    // A second import conflicts and changes nothing.
    let before = std::fs::read(&b).unwrap();
    let o = mbadmin(&b, &format!("import {}", file.to_str().unwrap()));
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("already exists"));
    assert_eq!(std::fs::read(&b).unwrap(), before);
    let o = mbadmin(
        &b,
        &format!("import --skip-existing {}", file.to_str().unwrap()),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn csv_user_import_reports_refused_rows_and_exits_3() {
    let (dir, db) = temp_db();
    let csv = dir.path().join("users.csv");
    std::fs::write(
        &csv,
        "login;name;email\nanna;Anna;anna@example.com\nbad login;X;x@example.com\n",
    )
    .unwrap();
    let o = mbadmin(&db, &format!("user import {}", csv.to_str().unwrap()));
    assert_eq!(o.status.code(), Some(3));
    let out = text(&o.stdout);
    assert!(out.contains("line 2: anna created"), "{out}");
    assert!(out.contains("line 3: bad login refused"), "{out}");
}

#[test]
fn mail_received_is_set_and_cleared_by_name() {
    let (_dir, db) = temp_db();
    for line in [
        "user add --login anna",
        "account add --name Info --email info@example.com --owner-user anna",
    ] {
        let o = mbadmin(&db, line);
        assert!(o.status.success(), "{line}: {}", text(&o.stderr));
    }
    let o = mbadmin(&db, "account mail-received Info true");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).trim(), "Info: mail received = true");
    let o = mbadmin(&db, "--json account mail-received Info false");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(json(&o)["name"], "Info");
    let o = mbadmin(&db, "account mail-received Info maybe");
    assert_eq!(o.status.code(), Some(2), "usage error: {}", text(&o.stderr));
}

#[test]
fn a_test_that_cannot_run_exits_4_apart_from_a_failed_test() {
    let (_dir, db) = temp_db();
    let o = mbadmin(&db, "test server Nirgendwo");
    assert_eq!(o.status.code(), Some(4), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("Nirgendwo"), "{}", text(&o.stderr));
    let o = mbadmin(&db, "server show Nirgendwo");
    assert_eq!(
        o.status.code(),
        Some(1),
        "other commands keep 1 for an error"
    );
}

#[test]
fn the_app_and_the_cli_editing_one_record_end_in_a_clean_conflict() {
    use mailbox_admin_core::model::ServerInput;
    let (_dir, db) = temp_db();
    assert!(
        mbadmin(&db, "server add --name Zentrale --host imap.example.com")
            .status
            .success()
    );
    // The window has the record open (read with its version) ...
    let app = mailbox_admin_core::App::new(
        mailbox_admin_core::store::Store::open(&db).unwrap(),
        std::sync::Arc::new(mailbox_admin_core::secrets::UnavailableSecrets {
            reason: "none in this test".into(),
        }),
        mailbox_admin_core::Lang::En,
    );
    let open = app.list_servers("Zentrale").unwrap().remove(0);
    // ... the CLI changes it meanwhile ...
    let o = mbadmin(&db, "server edit Zentrale --timeout 45");
    assert!(o.status.success(), "{}", text(&o.stderr));
    // ... and the window's save is refused instead of overwriting the CLI's change.
    let mut edit = ServerInput::from(&open);
    edit.timeout_secs = 20;
    let err = app.update_server(open.id, open.version, &edit).unwrap_err();
    assert_eq!(err.code(), mailbox_admin_core::error::ErrorCode::Conflict);
    assert_eq!(app.get_server(open.id).unwrap().timeout_secs, 45);
    // The other way round: the window saves, the CLI (reading afresh) still edits.
    let now = app.get_server(open.id).unwrap();
    app.update_server(now.id, now.version, &ServerInput::from(&now))
        .unwrap();
    assert!(mbadmin(&db, "server edit Zentrale --timeout 50")
        .status
        .success());
}

#[test]
fn a_bulk_test_refuses_a_concurrency_outside_1_to_256() {
    let (_dir, db) = temp_db();
    for bad in ["0", "257"] {
        let o = mbadmin(&db, &format!("test --all --concurrency {bad}"));
        assert_eq!(o.status.code(), Some(2), "--concurrency {bad}");
        let err = text(&o.stderr);
        assert!(
            err.contains("--concurrency") && err.contains("1..=256"),
            "{err}"
        );
    }
    let o = mbadmin(&db, "test --all --concurrency 256");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn add_starts_from_a_template_or_a_preset_and_the_options_change_it() {
    let (_dir, db) = temp_db();
    let ok = |line: &str| {
        let o = mbadmin(&db, line);
        assert!(o.status.success(), "{line}: {}", text(&o.stderr));
        o
    };
    ok("server add --name Vorbild --host imap.firma.de:1993 --folder-trash Papierkorb --user postfach");
    ok("template save --name Firmen-IMAP --from-kind incoming --from Vorbild");
    ok("server add --name Filiale --template firmen-imap --user filiale");
    let s = json(&ok("--json server show Filiale"));
    assert_eq!(s["host"], "imap.firma.de");
    assert_eq!(s["port"], 1993);
    assert_eq!(s["folder_trash"], "Papierkorb");
    assert_eq!(s["login_user"], "filiale", "the option beats the template");

    // A preset: GMX's IMAP server, or its POP3 server with --protocol pop3.
    ok("server add --name G1 --preset gmx");
    let s = json(&ok("--json server show G1"));
    assert_eq!(
        (s["host"].as_str(), s["port"].as_i64()),
        (Some("imap.gmx.net"), Some(993))
    );
    ok("server add --name G2 --preset GMX --protocol pop3");
    let s = json(&ok("--json server show G2"));
    assert_eq!(
        (s["host"].as_str(), s["protocol"].as_str()),
        (Some("pop.gmx.net"), Some("pop3"))
    );
    ok("outgoing add --name G3 --preset gmx");
    let s = json(&ok("--json outgoing show G3"));
    assert_eq!(
        (s["host"].as_str(), s["port"].as_i64()),
        (Some("mail.gmx.net"), Some(587))
    );

    // An account template: its servers and settings; the address is the new account's.
    ok("user add --login anna --email anna@firma.de");
    ok("account add --name Muster --email muster@firma.de --owner-user anna --folder-trash Papierkorb --may-out-of-office false");
    ok("template save --name Konto-Vorlage --from-kind account --from Muster");
    ok("account add --name Anna --template Konto-Vorlage --email anna@firma.de");
    let a = json(&ok("--json account show Anna"));
    assert_eq!(a["email"], "anna@firma.de");
    assert_eq!(a["folder_trash"], "Papierkorb");
    assert_eq!(a["may_out_of_office"], false);
    let before = std::fs::read(&db).unwrap();
    for (line, want) in [
        ("server add --name X --template Nope", "does not exist"),
        ("server add --name X --preset nope", "--preset: "),
        (
            "outgoing add --name X --template Firmen-IMAP",
            "--template: ",
        ),
        (
            "server add --name X --preset gmx --template Firmen-IMAP",
            "cannot be used with",
        ),
    ] {
        let o = mbadmin(&db, line);
        assert_ne!(o.status.code(), Some(0), "{line}");
        let err = text(&o.stderr);
        assert!(err.contains(want), "{line}: {err}");
        assert_eq!(
            std::fs::read(&db).unwrap(),
            before,
            "{line} changed the database"
        );
    }
    let o = mbadmin(&db, "server add --name X --preset nope");
    assert!(
        text(&o.stderr).contains("gmx"),
        "the known presets are listed: {}",
        text(&o.stderr)
    );
}
