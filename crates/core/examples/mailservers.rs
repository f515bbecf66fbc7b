//! Starts the test mail servers (Dovecot and Postfix on loopback, with the test CA, and the
//! test OAuth server whose tokens they accept) for the end-to-end tests and benchmarks, prints
//! where they listen as one JSON line, and stops them when standard input closes.
//!
//! `cargo run -p mailbox-admin-core --example mailservers`

#[path = "../tests/support/servers.rs"]
mod servers;

use serde_json::json;
use std::io::Read;

fn main() {
    let s = servers::servers();
    let ca_file = s.dir.join("ca-for-clients.pem");
    std::fs::write(&ca_file, &s.ca_pem).expect("write the CA");
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
    let info = serde_json::json!({
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
    println!("{info}");
    // Keep serving until whoever started us closes our stdin (or goes away).
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    // Returning from main runs the atexit handler that stops the daemons.
}
