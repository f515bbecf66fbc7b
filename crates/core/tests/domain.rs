//! The domain check against a real DNS server (dnsmasq on loopback, zones written here) and
//! a real HTTPS server for MTA-STS policies (nginx on 127.0.2.x:443 with a CA made here):
//! SPF that allows the outgoing server and SPF that does not, too many lookups, DMARC
//! missing / p=reject / p=none, a present and a missing DKIM selector, MTA-STS present,
//! absent, mismatching the MX hosts and unreachable; and the operation through the `App`
//! (outgoing server by name and by default, IDN, bad input).

#[path = "support/dns.rs"]
mod dns_support;
#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/https.rs"]
mod https_support;

use dns_support::{TestDns, Zone};
use https_support::TestHttps;
use mailbox_admin_core::app::domain::DomainCheckInput;
use mailbox_admin_core::diag::{DiagnosisCode, EvidenceKey};
use mailbox_admin_core::dns::{Dns, DnsServer};
use mailbox_admin_core::domain::{
    self, DomainCheck, DomainReport, DomainStep, DomainStepKind, OutgoingHost, SpfResult,
};
use mailbox_admin_core::probe::StepStatus;
use mailbox_admin_core::{Error, Lang};
use std::time::Duration;

/// A 1024-bit RSA public key (SubjectPublicKeyInfo, base64) for the DKIM records.
const DKIM_KEY: &str = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn request(domain: &str, outgoing: Option<&str>) -> DomainCheck {
    DomainCheck {
        domain: domain.to_string(),
        ascii_domain: domain.to_string(),
        sender: format!("info@{domain}"),
        outgoing: outgoing.map(|h| OutgoingHost {
            name: "Versand".into(),
            host: h.into(),
        }),
        dkim_selectors: vec![],
        extra_roots: vec![],
        http_timeout: Duration::from_secs(5),
        lang: Lang::En,
    }
}

fn run(server: &TestDns, req: &DomainCheck) -> DomainReport {
    rt().block_on(async {
        let dns = Dns::new(DnsServer::Custom(server.addr()), Duration::from_secs(2)).unwrap();
        domain::check(req, &dns).await
    })
}

fn step(r: &DomainReport, kind: DomainStepKind) -> &DomainStep {
    r.steps.iter().find(|s| s.kind == kind).unwrap()
}

fn codes(s: &DomainStep) -> Vec<DiagnosisCode> {
    s.diagnosis
        .iter()
        .chain(s.more_diagnoses.iter())
        .map(|d| d.code)
        .collect()
}

/// A domain with MX, an SPF that includes the hoster's, DMARC p=reject and a DKIM key
/// under `selector1` (as Microsoft 365 publishes it).
fn good_zone() -> Zone {
    Zone::new(&["firma.test", "hoster.test"])
        .mx("firma.test", "mx.firma.test", 10)
        .a("mx.firma.test", "127.0.0.10")
        .txt("firma.test", &["v=spf1 mx include:_spf.hoster.test -all"])
        .txt("firma.test", &["google-site-verification=abc"])
        .txt("_spf.hoster.test", &["v=spf1 ip4:127.0.3.0/24 -all"])
        .a("smtp.hoster.test", "127.0.3.25")
        .a("smtp.elsewhere.hoster.test", "127.0.4.25")
        .txt(
            "_dmarc.firma.test",
            &["v=DMARC1; p=reject; rua=mailto:dmarc@firma.test"],
        )
        // Long keys come as several strings of one record.
        .txt(
            "selector1._domainkey.firma.test",
            &["v=DKIM1; k=rsa; p=", &DKIM_KEY[..100], &DKIM_KEY[100..]],
        )
}

#[test]
fn an_spf_that_allows_the_outgoing_server_passes_and_dmarc_reject_is_fine() {
    let dns = TestDns::start(good_zone());
    let mut req = request("firma.test", Some("smtp.hoster.test"));
    req.dkim_selectors = vec!["s2026".into()];
    let r = run(&dns, &req);

    let spf = step(&r, DomainStepKind::Spf);
    assert_eq!(spf.status, StepStatus::Ok, "{spf:#?}");
    let facts = r.spf.as_ref().unwrap();
    assert_eq!(facts.record, "v=spf1 mx include:_spf.hoster.test -all");
    assert_eq!(facts.lookups, 2, "mx and include");
    assert_eq!(facts.all.as_deref(), Some("-all"));

    let out = step(&r, DomainStepKind::SpfOutgoing);
    assert_eq!(out.status, StepStatus::Ok, "{out:#?}");
    assert_eq!(facts.outgoing.len(), 1);
    assert_eq!(facts.outgoing[0].ip, "127.0.3.25");
    assert_eq!(facts.outgoing[0].result, SpfResult::Pass);
    assert_eq!(
        facts.outgoing[0].matched,
        "include:_spf.hoster.test in firma.test"
    );
    assert_eq!(r.outgoing.as_ref().unwrap().ips, ["127.0.3.25"]);

    let dmarc = step(&r, DomainStepKind::Dmarc);
    assert_eq!(dmarc.status, StepStatus::Ok, "{dmarc:#?}");
    let d = r.dmarc.as_ref().unwrap();
    assert_eq!(
        (d.p.as_str(), d.sp.as_str(), d.pct),
        ("reject", "reject", 100)
    );
    assert_eq!(d.rua, ["dmarc@firma.test"]);

    // selector1 is there (RSA, 1024 bits); the named s2026 is not: an error.
    let k = r.dkim.iter().find(|k| k.selector == "selector1").unwrap();
    assert!(k.found && k.problem.is_empty(), "{k:?}");
    assert_eq!((k.key_type.as_str(), k.key_bits), ("rsa", 1024));
    let named = r.dkim.iter().find(|k| k.selector == "s2026").unwrap();
    assert!(named.named && !named.found);
    assert_eq!(r.dkim[0].selector, "s2026", "named selectors first");
    let dkim = step(&r, DomainStepKind::Dkim);
    assert_eq!(dkim.status, StepStatus::Failed);
    assert_eq!(codes(dkim), [DiagnosisCode::DomainDkimMissing]);
    let ev = &dkim.diagnosis.as_ref().unwrap().evidence;
    assert!(ev
        .iter()
        .any(|e| e.key == EvidenceKey::Selector && e.value == "s2026"));

    assert_eq!(step(&r, DomainStepKind::Mx).status, StepStatus::Ok);
    assert_eq!(r.mx, ["mx.firma.test"]);
    // Nothing published: warnings, not failures.
    for (kind, code) in [
        (DomainStepKind::MtaSts, DiagnosisCode::DomainMtaStsMissing),
        (DomainStepKind::TlsRpt, DiagnosisCode::DomainTlsRptMissing),
        (
            DomainStepKind::Autoconfig,
            DiagnosisCode::DomainAutoconfigMissing,
        ),
        (DomainStepKind::Srv, DiagnosisCode::DomainSrvMissing),
    ] {
        let s = step(&r, kind);
        assert_eq!(s.status, StepStatus::Warning, "{kind:?}");
        assert_eq!(codes(s), [code]);
    }
    assert!(r.mta_sts.is_none());
    assert!(!r.ok, "the missing named DKIM selector fails the check");
    assert!(r.codes.contains(&DiagnosisCode::DomainDkimMissing));
    // The transcript shows the DNS questions and answers.
    assert!(
        spf.transcript
            .iter()
            .any(|l| l.text.contains("v=spf1 ip4:127.0.3.0/24")),
        "{:?}",
        spf.transcript
    );
}

#[test]
fn an_spf_that_does_not_allow_the_outgoing_server_fails_and_missing_dmarc_is_a_finding() {
    let zone = Zone::new(&["firma.test", "hoster.test"])
        .mx("firma.test", "mx.firma.test", 10)
        .a("mx.firma.test", "127.0.0.10")
        .txt(
            "firma.test",
            &["v=spf1 ip4:127.0.3.1 a:mail.firma.test ~all"],
        )
        .a("mail.firma.test", "127.0.3.2")
        .a("smtp.elsewhere.hoster.test", "127.0.4.25")
        .a("smtp.elsewhere.hoster.test", "::1");
    let dns = TestDns::start(zone);
    let r = run(
        &dns,
        &request("firma.test", Some("smtp.elsewhere.hoster.test")),
    );

    let out = step(&r, DomainStepKind::SpfOutgoing);
    assert_eq!(out.status, StepStatus::Failed, "{out:#?}");
    assert_eq!(codes(out), [DiagnosisCode::DomainSpfNotAuthorized]);
    let v = &r.spf.as_ref().unwrap().outgoing;
    assert_eq!(v.len(), 2, "each address of the server");
    assert!(v.iter().all(|v| v.result == SpfResult::SoftFail), "{v:?}");
    assert_eq!(v[0].matched, "~all in firma.test");
    let ev = &out.diagnosis.as_ref().unwrap().evidence;
    assert!(
        ev.iter()
            .any(|e| e.key == EvidenceKey::Observed && e.value.starts_with("127.0.4.25: softfail")),
        "{ev:?}"
    );
    assert!(ev
        .iter()
        .any(|e| e.key == EvidenceKey::Sender && e.value == "info@firma.test"));

    let dmarc = step(&r, DomainStepKind::Dmarc);
    assert_eq!(dmarc.status, StepStatus::Failed);
    assert_eq!(codes(dmarc), [DiagnosisCode::DomainDmarcMissing]);
    assert!(r.dmarc.is_none());
    // No key under any usual selector, none named: a warning only.
    let dkim = step(&r, DomainStepKind::Dkim);
    assert_eq!(codes(dkim), [DiagnosisCode::DomainDkimNoneFound]);
    assert_eq!(dkim.status, StepStatus::Warning);
    assert!(!r.ok);
}

#[test]
fn an_spf_needing_more_than_ten_lookups_is_an_error_and_p_none_a_warning() {
    let includes: Vec<String> = (1..=11)
        .map(|i| format!("include:i{i}.hoster.test"))
        .collect();
    let record = format!("v=spf1 {} -all", includes.join(" "));
    let mut zone = Zone::new(&["firma.test", "hoster.test"])
        .mx("firma.test", "mx.firma.test", 10)
        .a("mx.firma.test", "127.0.0.10")
        .txt("firma.test", &[&record])
        .txt("_dmarc.firma.test", &["v=DMARC1; p=none"])
        .a("smtp.hoster.test", "127.0.5.11");
    for i in 1..=11 {
        zone = zone.txt(
            &format!("i{i}.hoster.test"),
            &[&format!("v=spf1 ip4:127.0.5.{i} -all")],
        );
    }
    let dns = TestDns::start(zone);
    let r = run(&dns, &request("firma.test", Some("smtp.hoster.test")));

    let spf = step(&r, DomainStepKind::Spf);
    assert_eq!(spf.status, StepStatus::Failed, "{spf:#?}");
    assert_eq!(codes(spf), [DiagnosisCode::DomainSpfTooManyLookups]);
    assert_eq!(r.spf.as_ref().unwrap().lookups, 11);
    let ev = &spf.diagnosis.as_ref().unwrap().evidence;
    assert!(ev
        .iter()
        .any(|e| e.key == EvidenceKey::Lookups && e.value == "11"));
    // The server is in the 11th include: a receiver gives up before (permerror).
    let v = &r.spf.as_ref().unwrap().outgoing[0];
    assert_eq!(v.result, SpfResult::PermError, "{v:?}");
    assert!(v.problem.contains("more than 10 DNS lookups"), "{v:?}");

    let dmarc = step(&r, DomainStepKind::Dmarc);
    assert_eq!(dmarc.status, StepStatus::Warning);
    assert_eq!(codes(dmarc), [DiagnosisCode::DomainDmarcMonitorOnly]);
    assert_eq!(r.dmarc.as_ref().unwrap().p, "none");
}

#[test]
fn spf_missing_twice_or_broken_is_told_apart() {
    let zone = Zone::new(&["none.test", "twice.test", "broken.test"])
        .mx("none.test", "mx.none.test", 10)
        .txt("twice.test", &["v=spf1 -all"])
        .txt("twice.test", &["v=spf1 ip4:127.0.0.1 -all"])
        .txt("broken.test", &["v=spf1 ip4:999.1.1.1 -all"]);
    let dns = TestDns::start(zone);
    for (d, code) in [
        ("none.test", DiagnosisCode::DomainSpfMissing),
        ("twice.test", DiagnosisCode::DomainSpfMultiple),
        ("broken.test", DiagnosisCode::DomainSpfInvalid),
    ] {
        let r = run(&dns, &request(d, None));
        let spf = step(&r, DomainStepKind::Spf);
        assert_eq!(codes(spf), [code], "{d}: {spf:#?}");
        // Without a record to evaluate, the outgoing server is not checked.
        let out = step(&r, DomainStepKind::SpfOutgoing);
        assert!(out.diagnosis.is_none(), "{d}: {out:#?}");
        assert_eq!(out.status, StepStatus::Skipped, "{d}");
    }
    // none.test: MX points to a host without address.
    let r = run(&dns, &request("none.test", None));
    assert_eq!(
        codes(step(&r, DomainStepKind::Mx)),
        [DiagnosisCode::DomainMxUnresolvable]
    );
    let r = run(&dns, &request("twice.test", None));
    assert_eq!(
        codes(step(&r, DomainStepKind::Mx)),
        [DiagnosisCode::DomainMxMissing]
    );
}

fn sts_zone(domain: &str, web_ip: Option<&str>, mx: &[&str]) -> Zone {
    let mut z = Zone::new(&[domain])
        .txt(&format!("_mta-sts.{domain}"), &["v=STSv1; id=20261130T1"])
        .txt(
            &format!("_smtp._tls.{domain}"),
            &[&format!("v=TLSRPTv1; rua=mailto:tls@{domain}")],
        )
        .txt(domain, &["v=spf1 -all"]);
    for (i, h) in mx.iter().enumerate() {
        z = z.mx(domain, h, 10 + i as u16).a(h, "127.0.0.10");
    }
    if let Some(ip) = web_ip {
        z = z.a(&format!("mta-sts.{domain}"), ip);
    }
    z
}

const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mx.firma.test\r\nmx: *.backup.firma.test\r\nmax_age: 86400\r\n";

#[test]
fn mta_sts_with_a_policy_over_https_is_read_and_checked_against_the_mx_hosts() {
    let web = TestHttps::start(
        "127.0.2.1",
        &["mta-sts.firma.test"],
        &[(".well-known/mta-sts.txt", POLICY)],
    );
    let dns = TestDns::start(sts_zone(
        "firma.test",
        Some("127.0.2.1"),
        &["mx.firma.test", "b1.backup.firma.test"],
    ));
    let mut req = request("firma.test", None);
    req.extra_roots = vec![web.ca_pem.clone()];
    let r = run(&dns, &req);
    let sts = step(&r, DomainStepKind::MtaSts);
    assert_eq!(sts.status, StepStatus::Ok, "{sts:#?}");
    let f = r.mta_sts.as_ref().unwrap();
    assert_eq!(f.id, "20261130T1");
    assert_eq!(f.mode, "enforce");
    assert_eq!(f.mx, ["mx.firma.test", "*.backup.firma.test"]);
    assert_eq!(f.max_age, 86400);
    assert_eq!(
        f.policy_url,
        "https://mta-sts.firma.test/.well-known/mta-sts.txt"
    );
    assert!(
        web.access_log().contains("GET /.well-known/mta-sts.txt"),
        "{}",
        web.access_log()
    );
    let tlsrpt = step(&r, DomainStepKind::TlsRpt);
    assert_eq!(tlsrpt.status, StepStatus::Ok, "{tlsrpt:#?}");
    assert!(tlsrpt.summary.contains("mailto:tls@firma.test"));

    // Without the CA the policy host is not trusted: the policy is unreachable, and the
    // evidence says why in the TLS layer's words.
    let r = run(&dns, &request("firma.test", None));
    let sts = step(&r, DomainStepKind::MtaSts);
    assert_eq!(
        codes(sts),
        [DiagnosisCode::DomainMtaStsPolicyUnreachable],
        "{sts:#?}"
    );
    let ev = &sts.diagnosis.as_ref().unwrap().evidence;
    assert!(
        ev.iter()
            .any(|e| e.key == EvidenceKey::Problem && e.value == "tls.untrusted_issuer"),
        "{ev:?}"
    );
}

#[test]
fn an_mta_sts_policy_missing_an_mx_host_fails_and_an_unreachable_policy_too() {
    let web = TestHttps::start(
        "127.0.2.2",
        &["mta-sts.firma.test"],
        &[(".well-known/mta-sts.txt", POLICY)],
    );
    let dns = TestDns::start(sts_zone(
        "firma.test",
        Some("127.0.2.2"),
        &["mx.firma.test", "mx.other-hoster.test"],
    ));
    let mut req = request("firma.test", None);
    req.extra_roots = vec![web.ca_pem.clone()];
    let r = run(&dns, &req);
    let sts = step(&r, DomainStepKind::MtaSts);
    assert_eq!(sts.status, StepStatus::Failed, "{sts:#?}");
    assert_eq!(codes(sts), [DiagnosisCode::DomainMtaStsMxMismatch]);
    let ev = &sts.diagnosis.as_ref().unwrap().evidence;
    assert!(ev
        .iter()
        .any(|e| e.key == EvidenceKey::Name && e.value == "mx.other-hoster.test"));

    // The record announces MTA-STS, but mta-sts.<domain> does not exist.
    let dns = TestDns::start(sts_zone("gone.test", None, &["mx.gone.test"]));
    let r = run(&dns, &request("gone.test", None));
    let sts = step(&r, DomainStepKind::MtaSts);
    assert_eq!(
        codes(sts),
        [DiagnosisCode::DomainMtaStsPolicyUnreachable],
        "{sts:#?}"
    );
    assert_eq!(r.mta_sts.as_ref().unwrap().mode, "");
}

#[test]
fn published_autoconfig_and_srv_records_are_listed() {
    let zone = Zone::new(&["firma.test"])
        .mx("firma.test", "mx.firma.test", 10)
        .a("mx.firma.test", "127.0.0.10")
        .cname("autoconfig.firma.test", "web.firma.test")
        .a("web.firma.test", "127.0.0.80")
        .srv("_submissions._tcp.firma.test", "smtp.firma.test", 465, 0, 1)
        .srv("_imaps._tcp.firma.test", "imap.firma.test", 993, 0, 1);
    let dns = TestDns::start(zone);
    let r = run(&dns, &request("firma.test", None));
    let a = step(&r, DomainStepKind::Autoconfig);
    assert_eq!(a.status, StepStatus::Ok, "{a:#?}");
    assert!(a.summary.contains("127.0.0.80"), "{}", a.summary);
    let s = step(&r, DomainStepKind::Srv);
    assert_eq!(s.status, StepStatus::Ok, "{s:#?}");
    assert!(s
        .summary
        .contains("_submissions._tcp → smtp.firma.test:465"));
    assert!(s.summary.contains("_imaps._tcp → imap.firma.test:993"));
}

#[test]
fn the_app_picks_the_outgoing_server_checks_idn_domains_and_refuses_bad_input() {
    let dns = TestDns::start(
        good_zone()
            .line("local=/xn--mller-kva.test/")
            .mx("xn--mller-kva.test", "mx.firma.test", 10)
            .txt("xn--mller-kva.test", &["v=spf1 ip4:127.0.3.0/24 -all"]),
    );
    let (_dir, app) = fixtures::tmp_app();
    let mut def = fixtures::outgoing_input("Standard", "smtp.elsewhere.hoster.test");
    def.is_default = true;
    fixtures::add_outgoing(&app, def);
    fixtures::add_outgoing(&app, fixtures::outgoing_input("Hoster", "smtp.hoster.test"));
    let input = |domain: &str, outgoing: &str| DomainCheckInput {
        domain: domain.into(),
        outgoing: outgoing.into(),
        dns_server: dns.addr().to_string(),
        ..Default::default()
    };
    let rt = rt();

    // The default server is not allowed; the named one is.
    let r = rt
        .block_on(app.check_domain(&input("firma.test", "")))
        .unwrap();
    assert_eq!(r.outgoing.as_ref().unwrap().name, "Standard");
    assert_eq!(r.sender, "postmaster@firma.test");
    assert_eq!(r.dns_server, dns.addr().to_string());
    assert!(r.codes.contains(&DiagnosisCode::DomainSpfNotAuthorized));
    let r = rt
        .block_on(app.check_domain(&input("firma.test", "hoster")))
        .unwrap();
    assert_eq!(r.outgoing.as_ref().unwrap().host, "smtp.hoster.test");
    assert!(!r.codes.contains(&DiagnosisCode::DomainSpfNotAuthorized));

    // An IDN is shown as typed and asked as punycode; an address stands for its domain.
    let r = rt
        .block_on(app.check_domain(&input("info@Müller.test", "Hoster")))
        .unwrap();
    assert_eq!(r.domain, "Müller.test");
    assert_eq!(r.ascii_domain, "xn--mller-kva.test");
    assert_eq!(r.mx, ["mx.firma.test"]);
    assert_eq!(r.spf.as_ref().unwrap().outgoing[0].result, SpfResult::Pass);

    // Bad input: field errors, nothing asked.
    for (domain, outgoing, field) in [
        ("not a domain", "", "domain"),
        ("192.0.2.1", "", "domain"),
        ("localhost", "", "domain"),
        ("", "", "domain"),
        ("firma.test", "Nope", "outgoing"),
    ] {
        match rt.block_on(app.check_domain(&input(domain, outgoing))) {
            Err(Error::Validation(issues)) => {
                assert!(
                    issues.iter().any(|i| i.field == field),
                    "{domain}: {issues:?}"
                )
            }
            other => panic!("{domain}: {other:?}"),
        }
    }
    let bad_sender = DomainCheckInput {
        sender: "no address".into(),
        ..input("firma.test", "")
    };
    assert!(matches!(
        rt.block_on(app.check_domain(&bad_sender)),
        Err(Error::Validation(i)) if i[0].field == "sender"
    ));
}

#[test]
fn findings_are_explained_in_german_too() {
    let dns = TestDns::start(Zone::new(&["firma.test"]).mx("firma.test", "mx.firma.test", 10));
    let mut req = request("firma.test", None);
    req.lang = Lang::De;
    let r = run(&dns, &req);
    let d = step(&r, DomainStepKind::Dmarc).diagnosis.as_ref().unwrap();
    assert_eq!(d.title, "Kein DMARC-Eintrag");
    assert!(d.explanation.contains("„firma.test“"), "{}", d.explanation);
    assert_eq!(step(&r, DomainStepKind::Spf).summary, "Kein SPF-Eintrag");
}

#[test]
fn a_silent_dns_server_is_a_dns_failure_not_a_missing_record_and_ends_in_time() {
    let (_sock, addr) = dns_support::silent_dns(dns_support::DNS_IP);
    let t = std::time::Instant::now();
    let r = rt().block_on(async {
        let dns = Dns::new(DnsServer::Custom(addr), Duration::from_millis(500)).unwrap();
        domain::check(&request("firma.test", Some("smtp.firma.test")), &dns).await
    });
    // The checks run side by side: a few timeouts, not one per question.
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    for kind in [
        DomainStepKind::Mx,
        DomainStepKind::Spf,
        DomainStepKind::Dmarc,
        DomainStepKind::MtaSts,
        DomainStepKind::TlsRpt,
    ] {
        let s = step(&r, kind);
        assert_eq!(codes(s), [DiagnosisCode::DnsFailed], "{kind:?}: {s:#?}");
        assert_eq!(s.summary, "DNS lookup failed");
    }
    assert!(!r.codes.contains(&DiagnosisCode::DomainSpfMissing));
    assert!(!r.ok);
}

#[test]
fn microsoft_365_as_outgoing_server_needs_its_spf_include() {
    let zone = Zone::new(&["firma.test", "m365.test", "protection.outlook.com"])
        .txt(
            "firma.test",
            &["v=spf1 include:spf.protection.outlook.com -all"],
        )
        .txt("m365.test", &["v=spf1 ip4:127.0.3.1 -all"])
        .txt(
            "spf.protection.outlook.com",
            &["v=spf1 ip4:127.0.6.0/24 -all"],
        );
    let dns = TestDns::start(zone);
    let r = run(&dns, &request("firma.test", Some("smtp.office365.com")));
    let v = &r.spf.as_ref().unwrap().outgoing;
    assert_eq!(v[0].result, SpfResult::Pass, "{v:?}");
    assert_eq!(v[0].matched, "include:spf.protection.outlook.com");
    assert_eq!(step(&r, DomainStepKind::SpfOutgoing).status, StepStatus::Ok);

    let r = run(&dns, &request("m365.test", Some("smtp.office365.com")));
    let out = step(&r, DomainStepKind::SpfOutgoing);
    assert_eq!(
        codes(out),
        [DiagnosisCode::DomainSpfNotAuthorized],
        "{out:#?}"
    );
}

#[test]
fn an_mta_sts_policy_served_as_html_or_behind_a_redirect_is_refused() {
    let html = TestHttps::start_with(
        "127.0.2.3",
        &["mta-sts.firma.test"],
        &[(".well-known/mta-sts.txt", POLICY)],
        "types { text/html txt; }",
    );
    let dns = TestDns::start(sts_zone(
        "firma.test",
        Some("127.0.2.3"),
        &["mx.firma.test"],
    ));
    let mut req = request("firma.test", None);
    req.extra_roots = vec![html.ca_pem.clone()];
    let r = run(&dns, &req);
    let sts = step(&r, DomainStepKind::MtaSts);
    assert_eq!(codes(sts), [DiagnosisCode::DomainMtaStsInvalid], "{sts:#?}");
    let ev = &sts.diagnosis.as_ref().unwrap().evidence;
    assert!(
        ev.iter()
            .any(|e| e.key == EvidenceKey::Problem && e.value.contains("text/html")),
        "{ev:?}"
    );

    // RFC 8461: redirects are not followed.
    let moved = TestHttps::start_with(
        "127.0.2.4",
        &["mta-sts.firma.test"],
        &[],
        "location = /.well-known/mta-sts.txt { return 301 https://mta-sts.firma.test/elsewhere.txt; }",
    );
    let dns = TestDns::start(sts_zone(
        "firma.test",
        Some("127.0.2.4"),
        &["mx.firma.test"],
    ));
    req.extra_roots = vec![moved.ca_pem.clone()];
    let r = run(&dns, &req);
    let sts = step(&r, DomainStepKind::MtaSts);
    assert_eq!(
        codes(sts),
        [DiagnosisCode::DomainMtaStsPolicyUnreachable],
        "{sts:#?}"
    );
    let ev = &sts.diagnosis.as_ref().unwrap().evidence;
    assert!(ev.iter().any(|e| e.value == "HTTP 301"), "{ev:?}");
    assert!(
        ev.iter().any(|e| e.value.contains("not followed")),
        "{ev:?}"
    );
}
