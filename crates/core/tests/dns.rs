//! The DNS layer against a real DNS server (dnsmasq on loopback): typed lookups, the order
//! of MX and SRV answers, joined TXT strings, and each failure by its kind.

#[path = "support/dns.rs"]
mod dns_support;

use dns_support::{silent_dns, TestDns, Zone, DNS_IP};
use mailbox_admin_core::dns::{Dns, DnsFailure, DnsServer};
use std::time::{Duration, Instant};

fn zone() -> Zone {
    Zone::new(&["firma.test"])
        .mx("firma.test", "mx2.firma.test", 20)
        .mx("firma.test", "mx1.firma.test", 10)
        .srv("_imaps._tcp.firma.test", "imap.firma.test", 993, 0, 1)
        .srv("_submission._tcp.firma.test", "smtp.firma.test", 587, 10, 1)
        .srv(
            "_submission._tcp.firma.test",
            "smtp2.firma.test",
            2587,
            5,
            1,
        )
        .txt("firma.test", &["v=spf1 ip4:192.0.2.1 ", "-all"])
        .a("mx1.firma.test", "127.0.0.1")
        .a("mx1.firma.test", "::1")
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn typed_lookups_answer_in_order() {
    let server = TestDns::start(zone());
    rt().block_on(async {
        let dns = Dns::new(DnsServer::Custom(server.addr()), Duration::from_secs(2)).unwrap();
        let mx = dns.mx("firma.test").await.unwrap();
        let hosts: Vec<_> = mx.iter().map(|m| (m.preference, m.host.as_str())).collect();
        assert_eq!(hosts, [(10, "mx1.firma.test"), (20, "mx2.firma.test")]);

        let srv = dns.srv("_submission._tcp.firma.test").await.unwrap();
        let t: Vec<_> = srv.iter().map(|s| (s.target.as_str(), s.port)).collect();
        assert_eq!(t, [("smtp2.firma.test", 2587), ("smtp.firma.test", 587)]);

        let txt = dns.txt("firma.test").await.unwrap();
        assert_eq!(txt, ["v=spf1 ip4:192.0.2.1 -all"]);

        let ips = dns.ips("mx1.firma.test").await.unwrap();
        assert_eq!(
            ips,
            [
                "127.0.0.1".parse::<std::net::IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
        // An IP literal needs no question.
        assert_eq!(dns.ips("192.0.2.7").await.unwrap().len(), 1);
    });
}

#[test]
fn failures_are_told_apart_by_kind() {
    let server = TestDns::start(zone());
    rt().block_on(async {
        let dns = Dns::new(DnsServer::Custom(server.addr()), Duration::from_secs(2)).unwrap();
        let nx = dns.mx("nowhere.firma.test").await.unwrap_err();
        assert_eq!(nx.kind, DnsFailure::NxDomain, "{nx}");
        assert!(nx.is_absent());
        // mx1 exists (it has A records) but no MX.
        let nodata = dns.mx("mx1.firma.test").await.unwrap_err();
        assert_eq!(nodata.kind, DnsFailure::NoRecords, "{nodata}");
        // No upstream: dnsmasq refuses names outside its local zones.
        let refused = dns.mx("example.org").await.unwrap_err();
        assert_eq!(refused.kind, DnsFailure::Refused, "{refused}");
        let bad = dns.mx("bad name!.test").await.unwrap_err();
        assert_eq!(bad.kind, DnsFailure::InvalidName);
    });
}

#[test]
fn a_silent_server_times_out_within_the_query_timeout() {
    let (_sock, addr) = silent_dns(DNS_IP);
    rt().block_on(async {
        let dns = Dns::new(DnsServer::Custom(addr), Duration::from_millis(400)).unwrap();
        let t = Instant::now();
        let e = dns.mx("firma.test").await.unwrap_err();
        assert_eq!(e.kind, DnsFailure::Timeout, "{e}");
        assert!(
            t.elapsed() < Duration::from_millis(1500),
            "{:?}",
            t.elapsed()
        );
    });
}

#[test]
fn idn_names_are_asked_as_punycode() {
    let server = TestDns::start(Zone::new(&["xn--mller-kva.test"]).mx(
        "xn--mller-kva.test",
        "mx.xn--mller-kva.test",
        5,
    ));
    rt().block_on(async {
        let dns = Dns::new(DnsServer::Custom(server.addr()), Duration::from_secs(2)).unwrap();
        let mx = dns.mx("müller.test").await.unwrap();
        assert_eq!(mx[0].host, "mx.xn--mller-kva.test");
    });
}
