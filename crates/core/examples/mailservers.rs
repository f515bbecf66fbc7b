//! Starts the test mail servers (Dovecot and Postfix on loopback, with the test CA, and the
//! test OAuth server whose tokens they accept) for the end-to-end tests and benchmarks, prints
//! where they listen as one JSON line, and stops them when standard input closes.
//!
//! With `--domains` also a DNS server (dnsmasq) and an HTTPS server (nginx on
//! `127.0.8.10:443`, its own test CA) for detection and the domain check: `example.test`
//! publishes autoconfig pointing at these mail servers (a confirmed result), `kunde.test` is
//! hosted there through its MX only (an unconfirmed one), both with SPF and DMARC records.
//! Only one run with `--domains` at a time (the fixed address and port 443).
//!
//! `cargo run -p mailbox-admin-core --example mailservers [-- --domains]`

#[path = "../tests/support/dns.rs"]
mod dns;
#[path = "../tests/support/servers.rs"]
mod servers;
#[path = "../tests/support/web.rs"]
mod web;

use serde_json::json;
use std::io::Read;

/// Where the HTTPS server of `--domains` listens (port 443).
const WEB_IP: &str = "127.0.8.10";

/// Thunderbird's autoconfig format for the mail servers started here.
fn autoconfig(imaps: u16, submission: u16) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.test">
    <domain>example.test</domain>
    <displayName>Example Mail</displayName>
    <incomingServer type="imap">
      <hostname>mail.example.test</hostname><port>{imaps}</port><socketType>SSL</socketType>
      <authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>mail.example.test</hostname><port>{submission}</port><socketType>STARTTLS</socketType>
      <authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>
"#
    )
}

/// DNS and HTTPS for detection and the domain check; kept alive by the caller.
fn domains(
    s: &servers::MailServers,
    dir: &std::path::Path,
) -> (dns::TestDns, web::TestWeb, serde_json::Value) {
    let web = web::TestWeb::start(
        WEB_IP,
        &[web::Site::https("autoconfig.example.test").file(
            "/mail/config-v1.1.xml",
            autoconfig(s.ports.imaps, s.ports.submission),
        )],
    );
    let zone = dns::Zone::new(&["test"])
        .a("autoconfig.example.test", WEB_IP)
        .a("mail.example.test", servers::HOST_GOOD)
        .mx("example.test", "mail.example.test", 10)
        .txt("example.test", &["v=spf1 a:mail.example.test -all"])
        .txt(
            "_dmarc.example.test",
            &["v=DMARC1; p=reject; rua=mailto:dmarc@example.test"],
        )
        // Hosted at example.test: only its MX says so (no DNSSEC here: unconfirmed).
        .mx("kunde.test", "mail.example.test", 10)
        .txt("kunde.test", &["v=spf1 ip4:192.0.2.25 -all"]);
    let dns = dns::TestDns::start(zone);
    let ca = dir.join("web-ca.pem");
    std::fs::write(&ca, &web.ca_pem).expect("write the web CA");
    let info = json!({ "dns": dns.addr().to_string(), "web_ip": WEB_IP, "web_ca_file": ca });
    (dns, web, info)
}

fn main() {
    let s = servers::servers();
    let ca_file = s.dir.join("ca-for-clients.pem");
    std::fs::write(&ca_file, &s.ca_pem).expect("write the CA");
    let with_domains = std::env::args().any(|a| a == "--domains");
    let domains = with_domains.then(|| domains(s, &s.dir));
    let users: Vec<serde_json::Value> =
        // FRANK: Dovecot's password back end is down for him (every login fails temporarily).
        [servers::ALICE, servers::BOB, servers::CAROL, servers::DAVE, servers::FRANK]
            .iter()
            .map(|u| serde_json::json!({ "name": u.name, "password": u.password }))
            .collect();
    // Built entry by entry: one big json! literal would hit the macro recursion limit.
    let o = &s.oauth;
    let oauth: serde_json::Map<String, serde_json::Value> = [
        ("issuer", json!(o.issuer)),
        ("port", json!(o.port)),
        ("discovery", json!(o.discovery_url())),
        ("authorization_endpoint", json!(o.authorization_endpoint())),
        ("token_endpoint", json!(o.token_endpoint())),
        (
            "device_authorization_endpoint",
            json!(o.device_authorization_endpoint()),
        ),
        ("revocation_endpoint", json!(o.revocation_endpoint())),
        ("introspection_endpoint", json!(o.introspection_endpoint())),
        ("userinfo_endpoint", json!(o.userinfo_endpoint())),
        ("redirect_uri", json!(o.redirect_uri)),
        ("public_client", json!(o.public_client)),
        ("short_lived_client", json!(o.short_lived_client)),
        ("short_ttl", json!(o.short_ttl)),
        ("service_client", json!(o.service_client)),
        ("service_secret", json!(o.service_secret)),
        ("service_email", json!(o.service_email)),
        ("introspection_client", json!(o.introspection_client)),
        ("introspection_secret", json!(o.introspection_secret)),
        ("access_ttl", json!(o.access_ttl)),
        ("browser", json!(o.browser_script())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut info = serde_json::json!({
        "host": servers::HOST_GOOD,
        "imap": s.ports.imap,
        "imaps": s.ports.imaps,
        "pop3": s.ports.pop3,
        "pop3s": s.ports.pop3s,
        "submission": s.ports.submission,
        "smtps": s.ports.smtps,
        "smtp_plain": s.ports.smtp_plain,
        "ca_file": ca_file,
        "users": users,
        "oauth": oauth,
    });
    if let Some((_, _, d)) = &domains {
        info["domains"] = d.clone();
    }
    println!("{info}");
    // Keep serving until whoever started us closes our stdin (or goes away).
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(domains);
    // Returning from main runs the atexit handler that stops the daemons.
}
