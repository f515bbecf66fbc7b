//! `mbadmin cert add --trust` / `cert trust` / `cert untrust`: a company CA in the
//! certificate store is trusted by `mbadmin test` with no `--ca-file` and no
//! `MAILBOX_ADMIN_EXTRA_CA`, installation-wide or for the named hosts only; German output.

#[path = "../../core/tests/support/servers.rs"]
mod servers;
#[path = "../../core/tests/support/mod.rs"]
mod support;

mod cli_support;

use cli_support::{command, json, run, temp_db_with_ca, text, words};
use servers::{servers, ALICE, HOST_GOOD};
use std::path::Path;
use std::process::Output;

/// `mbadmin --db DB LINE` without any extra CA in the environment.
fn mbadmin(db: &Path, line: &str, stdin: &str) -> Output {
    let mut c = command(&[], db, &words(line));
    c.env_remove("MAILBOX_ADMIN_EXTRA_CA");
    run(c, stdin)
}

#[test]
fn a_trusted_store_ca_makes_tests_green_without_ca_file() {
    let _keyring = support::SecretService::shared();
    let mail = servers();
    let (_dir, db, ca) = temp_db_with_ca(&mail.ca_pem);
    let port = mail.ports.imaps.to_string();
    let o = mbadmin(
        &db,
        &format!("server add --name Exchange --host {HOST_GOOD} --port {port} --security tls --user {} --password-stdin", ALICE.name),
        ALICE.password,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));

    // Imported, not trusted: the test fails with the untrusted issuer. German words and
    // evidence lines under --lang de.
    let o = mbadmin(
        &db,
        &format!("--lang de cert import {ca} --name Firmen-CA"),
        "",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).starts_with("importiert: "),
        "{}",
        text(&o.stdout)
    );
    let o = mbadmin(&db, "--json test server Exchange", "");
    assert!(!o.status.success());
    assert_eq!(json(&o)["codes"][0], "tls.untrusted_issuer");
    let o = mbadmin(&db, "--lang de test server Exchange", "");
    let out = text(&o.stdout);
    assert!(
        out.contains("Aussteller: CN=Mailbox Admin Test CA"),
        "{out}"
    );
    assert!(out.contains("cert trust"), "the fix names the way: {out}");
    assert!(!out.contains("issuer: "), "{out}");

    // Trusted for another host only: still failing.
    let o = mbadmin(
        &db,
        "--lang de cert trust Firmen-CA --host mail.other.example",
        "",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("nur für mail.other.example"),
        "{}",
        text(&o.stdout)
    );
    let o = mbadmin(&db, "--json test server Exchange", "");
    assert_eq!(json(&o)["codes"][0], "tls.untrusted_issuer");

    // Installation-wide: green, with no --ca-file and no environment variable.
    let o = mbadmin(&db, "--lang de cert trust Firmen-CA", "");
    assert!(
        text(&o.stdout).contains("für alle Server"),
        "{}",
        text(&o.stdout)
    );
    let o = mbadmin(&db, "test server Exchange", "");
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));

    // Taken back: failing again.
    let o = mbadmin(&db, "cert untrust Firmen-CA", "");
    assert!(text(&o.stdout).contains("no longer trusted"));
    let o = mbadmin(&db, "--json test server Exchange", "");
    assert_eq!(json(&o)["codes"][0], "tls.untrusted_issuer");

    // `cert add --trust` trusts at import; a server certificate is refused as a root.
    let o = mbadmin(&db, "cert rm Firmen-CA", "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = mbadmin(&db, &format!("cert add {ca} --name Firmen-CA --trust"), "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = mbadmin(&db, "test server Exchange", "");
    assert!(o.status.success(), "{}", text(&o.stdout));
}
