//! `mbadmin mobile …` as a user runs it: files written whole (read back by plistlib and
//! zbarimg), refusals that leave no file behind, the devices recorded, list/show/rm, --json.

#[path = "../../core/tests/support/mod.rs"]
mod support;

mod cli_support;

use cli_support::{command, json, run, temp_db, text, words};
use std::path::Path;
use std::process::Output;

fn mbadmin(db: &Path, line: &str) -> Output {
    let mut cmd = command(&[], db, &words(line));
    cmd.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    run(cmd, "")
}

fn ok(db: &Path, line: &str) -> Output {
    let o = mbadmin(db, line);
    assert!(o.status.success(), "{line}: {}", text(&o.stderr));
    o
}

fn setup(db: &Path) {
    for line in [
        "server add --name IMAP --host imap.example.com --security tls",
        "outgoing add --name SMTP --host smtp.example.com --security starttls",
        "user add --login max",
        "account add --name Max --email max@example.com --owner-user max --incoming IMAP --outgoing SMTP",
        "server add --name POP --host pop.example.com --protocol pop3 --security tls",
        "account add --name Pop --email pop@example.com --owner-user max --incoming POP",
    ] {
        // The accounts have no password (a phone is set up without one): saved with the
        // login warning, exit code 3.
        let o = mbadmin(db, line);
        assert!(
            matches!(o.status.code(), Some(0 | 3)),
            "{line}: {}",
            text(&o.stderr)
        );
    }
}

/// Only these files in `dir` (no temporary leftovers).
fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("c.db"))
        .collect();
    v.sort();
    v
}

#[test]
fn profile_qr_and_autoconfig_are_written_and_read_back() {
    let (dir, db) = temp_db();
    setup(&db);
    let d = dir.path();
    let profile = d.join("max.mobileconfig");
    let o = ok(
        &db,
        &format!(
            "--json mobile profile Max --out {} --device 'iPhone Max' --user max",
            profile.display()
        ),
    );
    let v = json(&o);
    assert_eq!(v["contains_password"], false);
    assert_eq!(v["device"]["name"], "iPhone Max");
    let py = Command::new("python3")
        .args([
            "-c",
            "import plistlib,sys; d=plistlib.load(open(sys.argv[1],'rb')); print(d['PayloadContent'][0]['IncomingMailServerHostName'])",
        ])
        .arg(&profile)
        .output()
        .unwrap();
    assert_eq!(
        text(&py.stdout).trim(),
        "imap.example.com",
        "{}",
        text(&py.stderr)
    );

    let png = d.join("max.png");
    ok(
        &db,
        &format!(
            "mobile qr Max --out {} --device 'Pixel Max' --platform android",
            png.display()
        ),
    );
    let z = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(&png)
        .output()
        .unwrap();
    let decoded: serde_json::Value = serde_json::from_slice(&z.stdout).unwrap();
    assert_eq!(decoded[2][1], "imap.example.com");
    let svg = d.join("max.svg");
    ok(&db, &format!("mobile qr Max --out {}", svg.display()));
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));

    let xml = d.join("config-v1.1.xml");
    let o = ok(
        &db,
        &format!("mobile autoconfig example.com --out {}", xml.display()),
    );
    assert!(text(&o.stdout).contains("https://autoconfig.example.com/mail/config-v1.1.xml"));
    let lint = Command::new("xmllint")
        .arg("--noout")
        .arg(&xml)
        .output()
        .unwrap();
    assert!(lint.status.success());

    // The devices: list (search), show, rm.
    let o = ok(&db, "--json mobile list");
    let list = json(&o);
    assert_eq!(list.as_array().unwrap().len(), 2);
    let o = ok(&db, "--json mobile list --search android");
    assert_eq!(json(&o)[0]["name"], "Pixel Max");
    assert_eq!(json(&o)[0]["method"], "qr");
    let o = ok(&db, "--json mobile show 'iPhone Max'");
    assert_eq!(json(&o)["method"], "profile");
    assert_eq!(json(&o)["account_name"], "Max");
    ok(&db, "mobile rm 'iPhone Max'");
    assert_eq!(
        json(&ok(&db, "--json mobile list"))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        files(d),
        vec!["config-v1.1.xml", "max.mobileconfig", "max.png", "max.svg"]
    );
}

use std::process::Command;

#[test]
fn refusals_name_what_to_change_and_leave_no_file() {
    let (dir, db) = temp_db();
    setup(&db);
    let d = dir.path();
    let cases = [
        (
            format!("mobile profile Pop --out {}/pop.mobileconfig", d.display()),
            "no_outgoing",
            "outgoing server",
        ),
        (
            format!(
                "mobile profile Max --with-password --out {}/pw.mobileconfig",
                d.display()
            ),
            "password_not_stored",
            "No password is stored",
        ),
        (
            format!(
                "mobile qr Max --format dclogin --out {}/dc.png",
                d.display()
            ),
            "password_required",
            "include password",
        ),
        (
            format!("mobile qr Max --out {}/code.txt", d.display()),
            "file_extension",
            ".png, .svg",
        ),
        (
            format!(
                "mobile profile Max --device '' --out {}/x.mobileconfig",
                d.display()
            ),
            "required",
            "--device",
        ),
    ];
    for (line, code, words_) in cases {
        let o = mbadmin(&db, &format!("--lang en --json {line}"));
        assert!(!o.status.success(), "{line}");
        let err = &json(&o)["error"];
        assert_eq!(err["fields"][0]["code"], code, "{line}: {err}");
        let all = format!("{}{}", text(&o.stderr), err);
        assert!(all.contains(words_), "{line}: {all}");
    }
    assert!(files(d).is_empty(), "{:?}", files(d));
    assert!(json(&ok(&db, "--json mobile list"))
        .as_array()
        .unwrap()
        .is_empty());
}

/// With the real Secret Service: the password goes only into the file asked for, and that
/// file is owner-only; the one made without it holds no password and is not.
#[test]
fn with_password_only_that_file_holds_it_and_only_its_owner_reads_it() {
    use std::os::unix::fs::PermissionsExt;
    const CANARY: &str = "Mobil-Kanarie-4711";
    let _keyring = support::SecretService::shared();
    let (dir, db) = temp_db();
    let keyed = |line: &str, stdin: &str| {
        let o = run(command(&[], &db, &words(line)), stdin);
        assert!(o.status.success(), "{line}: {}", text(&o.stderr));
        o
    };
    keyed(
        "server add --name IMAP --host imap.example.com --security tls",
        "",
    );
    keyed(
        "outgoing add --name SMTP --host smtp.example.com --security tls",
        "",
    );
    keyed("user add --login max", "");
    keyed(
        "account add --name Max --email max@example.com --owner-user max --incoming IMAP --outgoing SMTP --password-stdin",
        CANARY,
    );
    let d = dir.path();
    let plain = d.join("plain.mobileconfig");
    let with = d.join("with.mobileconfig");
    let png = d.join("plain.png");
    keyed(&format!("mobile profile Max --out {}", plain.display()), "");
    keyed(&format!("mobile qr Max --out {}", png.display()), "");
    let o = keyed(
        &format!(
            "mobile profile Max --with-password --out {}",
            with.display()
        ),
        "",
    );
    assert!(text(&o.stdout).contains("contains the password"));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&with), 0o600);
    assert_ne!(
        mode(&plain) & 0o044,
        0,
        "a file without secret keeps the usual mode"
    );
    let has = |p: &Path| {
        let b = std::fs::read(p).unwrap();
        b.windows(CANARY.len()).any(|w| w == CANARY.as_bytes())
    };
    assert!(has(&with));
    for p in [&plain, &png, &db] {
        assert!(!has(p), "{} holds the password", p.display());
    }
    let z = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(&png)
        .output()
        .unwrap();
    assert!(!text(&z.stdout).contains(CANARY));
}
