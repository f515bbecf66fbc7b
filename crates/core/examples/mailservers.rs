//! Starts the test mail servers (Dovecot and Postfix on loopback, with the test CA) for the
//! end-to-end tests and benchmarks, prints where they listen as one JSON line, and stops
//! them when standard input closes.
//!
//! `cargo run -p mailbox-admin-core --example mailservers`

#[path = "../tests/support/servers.rs"]
mod servers;

use std::io::Read;

fn main() {
    let s = servers::servers();
    let ca_file = s.dir.join("ca-for-clients.pem");
    std::fs::write(&ca_file, &s.ca_pem).expect("write the CA");
    let users: Vec<serde_json::Value> =
        [servers::ALICE, servers::BOB, servers::CAROL, servers::DAVE]
            .iter()
            .map(|u| serde_json::json!({ "name": u.name, "password": u.password }))
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
    });
    println!("{info}");
    // Keep serving until whoever started us closes our stdin (or goes away).
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    // Returning from main runs the atexit handler that stops the daemons.
}
