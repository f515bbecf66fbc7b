//! `mbadmin domain check` against a real DNS server (dnsmasq on loopback, a zone written
//! here): the steps with their diagnoses in English and German, the exit code, the `--json`
//! shape, the outgoing server by name, an IDN shown as typed and asked as punycode, and bad
//! input as field errors.

#[path = "../../core/tests/support/dns.rs"]
mod dns_support;

mod cli_support;

use cli_support::{json, mbadmin_in as mbadmin, temp_db, text};
use dns_support::{TestDns, Zone};

fn zone() -> Zone {
    Zone::new(&["firma.test", "hoster.test", "xn--mller-kva.test"])
        .mx("firma.test", "mx.firma.test", 10)
        .a("mx.firma.test", "127.0.0.10")
        .txt("firma.test", &["v=spf1 include:_spf.hoster.test -all"])
        .txt("_spf.hoster.test", &["v=spf1 ip4:127.0.3.0/24 -all"])
        .a("smtp.hoster.test", "127.0.3.25")
        .a("smtp.other.test", "127.0.9.25")
        .txt("_dmarc.firma.test", &["v=DMARC1; p=reject"])
        .mx("xn--mller-kva.test", "mx.firma.test", 10)
}

#[test]
fn domain_check_prints_each_step_with_its_diagnosis_in_english_and_german() {
    let dns = TestDns::start(zone());
    let (_dir, db) = temp_db();
    let o = mbadmin(
        &db,
        "outgoing add --name Hoster --host smtp.hoster.test",
        "",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let line = format!(
        "domain check firma.test --outgoing Hoster --dkim-selector s1 --dns-server {}",
        dns.addr()
    );
    let o = mbadmin(&db, &line, "");
    let out = text(&o.stdout);
    // The named DKIM selector is missing: the check fails (exit 1).
    assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
    assert!(
        out.starts_with(&format!(
            "firma.test – DNS {}, outgoing server Hoster (smtp.hoster.test)",
            dns.addr()
        )),
        "{out}"
    );
    assert!(
        out.contains("SPF allows Hoster (smtp.hoster.test): 127.0.3.25: pass (include:_spf.hoster.test in firma.test)"),
        "{out}"
    );
    assert!(out.contains("p=reject, sp=reject, pct=100"), "{out}");
    assert!(out.contains("[domain.dkim_missing]"), "{out}");
    assert!(out.contains("selector: s1"), "{out}");
    assert!(out.contains("Fix: "), "{out}");
    assert!(
        out.trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("firma.test: problems found"),
        "{out}"
    );

    let o = mbadmin(&db, &format!("--lang de {line}"), "");
    let out = text(&o.stdout);
    assert!(out.contains("Postausgangsserver Hoster"), "{out}");
    assert!(out.contains("DKIM-Schlüssel fehlt"), "{out}");
    assert!(out.contains("Lösung: "), "{out}");
    assert!(out.contains("Mängel gefunden"), "{out}");

    // Another outgoing server is not allowed by SPF.
    let o = mbadmin(
        &db,
        "outgoing add --name Anderer --host smtp.other.test",
        "",
    );
    assert!(o.status.success());
    let o = mbadmin(
        &db,
        &format!(
            "domain check firma.test --outgoing Anderer --dns-server {}",
            dns.addr()
        ),
        "",
    );
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1));
    assert!(out.contains("[domain.spf_not_authorized]"), "{out}");
    assert!(
        out.contains("Observed: 127.0.9.25: fail (-all in firma.test)"),
        "{out}"
    );
}

#[test]
fn domain_check_json_carries_the_report() {
    let dns = TestDns::start(zone());
    let (_dir, db) = temp_db();
    assert!(mbadmin(
        &db,
        "outgoing add --name Hoster --host smtp.hoster.test --default true",
        ""
    )
    .status
    .success());
    let o = mbadmin(
        &db,
        &format!("--json domain check firma.test --dns-server {}", dns.addr()),
        "",
    );
    let v = json(&o);
    assert_eq!(v["domain"], "firma.test");
    assert_eq!(v["ascii_domain"], "firma.test");
    assert_eq!(v["sender"], "postmaster@firma.test");
    assert_eq!(
        v["outgoing"]["name"], "Hoster",
        "the default outgoing server"
    );
    assert_eq!(v["outgoing"]["ips"][0], "127.0.3.25");
    assert_eq!(v["spf"]["lookups"], 1);
    assert_eq!(v["spf"]["outgoing"][0]["result"], "pass");
    assert_eq!(v["dmarc"]["p"], "reject");
    assert!(v["mta_sts"].is_null());
    assert!(v["dkim"].as_array().unwrap().len() >= 6);
    let kinds: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "mx",
            "spf",
            "spf_outgoing",
            "dmarc",
            "dkim",
            "mta_sts",
            "tls_rpt",
            "autoconfig",
            "srv"
        ]
    );
    let mta = &v["steps"][5];
    assert_eq!(mta["status"], "warning");
    assert_eq!(mta["diagnosis"]["code"], "domain.mta_sts_missing");
    assert_eq!(mta["diagnosis"]["severity"], "warning");
    assert!(mta["transcript"][0]["text"]
        .as_str()
        .unwrap()
        .contains("_mta-sts.firma.test"));
    // Only warnings: the check passes.
    assert_eq!(v["ok"], true, "{v:#}");
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn idn_domains_are_shown_as_typed_and_bad_input_is_a_field_error() {
    let dns = TestDns::start(zone());
    let (_dir, db) = temp_db();
    let o = mbadmin(
        &db,
        &format!(
            "--json domain check müller.test --dns-server {}",
            dns.addr()
        ),
        "",
    );
    let v = json(&o);
    assert_eq!(v["domain"], "müller.test");
    assert_eq!(v["ascii_domain"], "xn--mller-kva.test");
    assert_eq!(v["steps"][0]["status"], "ok", "{v:#}");
    let o = mbadmin(
        &db,
        &format!("domain check müller.test --dns-server {}", dns.addr()),
        "",
    );
    assert!(
        text(&o.stdout).starts_with("müller.test (xn--mller-kva.test) – DNS"),
        "{}",
        text(&o.stdout)
    );

    for (line, flag) in [
        ("domain check 'not a domain'", "DOMAIN: Not a valid domain"),
        (
            "domain check 192.0.2.1",
            "DOMAIN: Not a valid domain: an IP address",
        ),
        (
            "domain check firma.test --outgoing Nope",
            "--outgoing: No outgoing server named \"Nope\"",
        ),
        (
            "domain check firma.test --sender 'a b'",
            "--sender: Not a valid e-mail address",
        ),
        (
            "domain check firma.test --dns-server dns.example",
            "--dns-server: ",
        ),
        (
            "domain check firma.test --dkim-selector 'a b'",
            "--dkim-selector: ",
        ),
    ] {
        let o = mbadmin(&db, line, "");
        assert_eq!(o.status.code(), Some(1), "{line}");
        assert!(o.stdout.is_empty(), "{line}: nothing checked");
        assert!(
            text(&o.stderr).contains(&format!("error: {flag}")),
            "{line}: {}",
            text(&o.stderr)
        );
    }
    let o = mbadmin(&db, "--lang de domain check 'kein domain'", "");
    assert!(
        text(&o.stderr).contains("DOMAIN: Keine gültige Domain"),
        "{}",
        text(&o.stderr)
    );
    let o = mbadmin(&db, "--json domain check 'not a domain'", "");
    let v = json(&o);
    assert_eq!(v["error"]["code"], "validation");
    assert_eq!(v["error"]["fields"][0]["field"], "domain");
    assert_eq!(v["error"]["fields"][0]["code"], "domain_invalid");
}
