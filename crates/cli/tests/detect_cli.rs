//! `mbadmin detect` against a real DNS server (dnsmasq) and a real HTTPS server (nginx) on
//! loopback: bad input, the human form in German, `--json` with the trust and the source of
//! every value, a domain without records, and the exit codes.

#[path = "../../core/tests/support/dns.rs"]
mod dns_support;
#[path = "../../core/tests/support/web.rs"]
mod web;

mod cli_support;

use cli_support::{command, json, run, temp_db, text, words};
use dns_support::{TestDns, Zone};
use std::time::{Duration, Instant};
use web::{Site, TestWeb};

fn autoconfig() -> String {
    r#"<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="cli.test">
  <displayName>CLI Test</displayName>
  <incomingServer type="imap"><hostname>imap.cli.test</hostname><port>993</port>
    <socketType>SSL</socketType><authentication>password-cleartext</authentication>
    <username>%EMAILLOCALPART%</username></incomingServer>
  <outgoingServer type="smtp"><hostname>smtp.cli.test</hostname><port>587</port>
    <socketType>STARTTLS</socketType><authentication>password-cleartext</authentication>
    <username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>"#
        .into()
}

struct Env {
    _web: TestWeb,
    dns: TestDns,
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    ca: String,
}

/// Each test its own nginx on its own loopback address (both listen on 443).
fn env(web_ip: &str) -> Env {
    let web = TestWeb::start(
        web_ip,
        &[Site::https("autoconfig.cli.test").file("/mail/config-v1.1.xml", autoconfig())],
    );
    let dns = TestDns::start(Zone::new(&["test"]).a("autoconfig.cli.test", web_ip));
    let (dir, db) = temp_db();
    let ca = dir.path().join("web-ca.pem");
    std::fs::write(&ca, &web.ca_pem).unwrap();
    Env {
        _web: web,
        dns,
        _dir: dir,
        db,
        ca: ca.to_str().unwrap().into(),
    }
}

fn detect(e: &Env, line: &str) -> std::process::Output {
    let mut args = words(line);
    args.push("--dns-server".into());
    args.push(e.dns.addr().to_string());
    let mut cmd = command(&[], &e.db, &args);
    cmd.env("MAILBOX_ADMIN_EXTRA_CA", &e.ca)
        .env_remove("MAILBOX_ADMIN_DNS");
    run(cmd, "")
}

#[test]
fn detect_prints_sources_and_the_result_with_trust_and_json_carries_everything() {
    let e = env("127.0.0.14");
    let o = detect(&e, "--json detect info@cli.test");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v = json(&o);
    let r = &v["result"];
    assert_eq!(r["source"], "autoconfig");
    assert_eq!(r["trust"]["level"], "confirmed");
    assert_eq!(r["trust"]["domain"], "cli.test");
    assert_eq!(r["incoming"]["host"], "imap.cli.test");
    assert_eq!(r["incoming"]["source"], "autoconfig");
    assert_eq!(
        r["incoming"]["origin"],
        "https://autoconfig.cli.test/mail/config-v1.1.xml"
    );
    assert_eq!(r["incoming"]["username"], "local_part");
    assert_eq!(r["username"], "info");
    assert_eq!(r["outgoing"]["security"], "starttls");
    let outcomes = r["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 11);
    assert!(outcomes.iter().all(|o| o["status"] != "running"));
    assert!(v["proof"].is_null());

    let o = detect(&e, "--lang de detect info@cli.test");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("Einstellungen ermitteln für info@cli.test"),
        "{out}"
    );
    assert!(out.contains("gefunden"), "{out}");
    assert!(out.contains("Gefunden über Autoconfig (HTTPS)"), "{out}");
    assert!(out.contains("bestätigt (von cli.test)"), "{out}");
    assert!(out.contains("Posteingangsserver"), "{out}");
    assert!(out.contains("imap.cli.test:993 SSL/TLS"), "{out}");
}

#[test]
fn bad_input_and_a_domain_without_records_end_quickly_with_clear_messages() {
    let e = env("127.0.0.15");
    for (line, needle) in [
        ("detect info", "address: Not a valid e-mail address"),
        ("detect 'a b@cli.test'", "address:"),
        ("detect info@localhost", "not a full domain name"),
        (
            "detect info@cli.test --dns-server dns.example",
            "--dns-server:",
        ),
    ] {
        let mut cmd = command(&[], &e.db, &words(line));
        cmd.env_remove("MAILBOX_ADMIN_DNS");
        let o = run(cmd, "");
        assert_eq!(o.status.code(), Some(1), "{line}");
        let err = text(&o.stderr);
        assert!(err.contains(needle), "{line}: {err}");
        assert!(
            text(&o.stdout).is_empty(),
            "{line}: printed before the check"
        );
    }
    let t = Instant::now();
    let o = detect(&e, "detect info@nothing.test");
    assert_eq!(o.status.code(), Some(1));
    assert!(t.elapsed() < Duration::from_secs(6), "{:?}", t.elapsed());
    let out = text(&o.stdout);
    assert!(out.contains("No settings found for nothing.test"), "{out}");
    assert!(out.contains("not found"), "{out}");
    // An IDN domain is shown as entered and asked as punycode.
    let o = detect(&e, "--json detect info@bücher.test");
    let v = json(&o);
    assert_eq!(v["result"]["domain"], "bücher.test");
    assert_eq!(v["result"]["ascii_domain"], "xn--bcher-kva.test");
}
