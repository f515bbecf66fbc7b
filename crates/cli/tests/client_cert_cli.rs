//! `mbadmin server add/edit --client-cert NAME|none`: an incoming server's TLS client
//! certificate from the certificate store, presented to the Dovecot instance that requires
//! one (`support/servers.rs`, `imaps_client_cert`); a missing one and a certificate without
//! its key are field errors named by the option.

#[path = "../../core/tests/support/servers.rs"]
mod servers;
#[path = "../../core/tests/support/mod.rs"]
mod support;

mod cli_support;

use cli_support::{json, mbadmin_in, temp_db_with_ca, text};
use servers::{servers, ALICE, HOST_GOOD};

#[test]
fn server_add_and_edit_take_a_client_certificate_by_name() {
    let _keyring = support::SecretService::shared();
    let mail = servers();
    let (dir, db, ca) = temp_db_with_ca(&mail.ca_pem);
    let with_key = dir.path().join("client.pem");
    std::fs::write(
        &with_key,
        format!("{}{}", mail.client_cert.cert_pem, mail.client_cert.key_pem),
    )
    .unwrap();
    let bare = dir.path().join("bare.pem");
    std::fs::write(&bare, &mail.other_client_cert.cert_pem).unwrap();
    for (file, name) in [(&with_key, "Client-Zertifikat"), (&bare, "Ohne-Schluessel")] {
        let o = mbadmin_in(
            &db,
            &format!("cert import {} --name {name}", file.display()),
            "",
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let add = |cert: &str| {
        format!(
            "server add --name Dovecot --host {HOST_GOOD} --port {} --security tls --user {} --password-stdin --client-cert {cert}",
            mail.ports.imaps_client_cert, ALICE.name
        )
    };

    // An unknown certificate is named; one without a key is a field error of the option.
    let o = mbadmin_in(&db, &add("Unbekannt"), ALICE.password);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("\"Unbekannt\" does not exist"),
        "{}",
        text(&o.stderr)
    );
    let o = mbadmin_in(&db, &add("Ohne-Schluessel"), ALICE.password);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(
        err.contains("--client-cert") && err.contains("private key"),
        "{err}"
    );
    let o = mbadmin_in(&db, "--json server list", "");
    assert_eq!(json(&o).as_array().map(Vec::len), Some(0), "nothing saved");

    let o = mbadmin_in(&db, &add("Client-Zertifikat"), ALICE.password);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = mbadmin_in(&db, "--json server show Dovecot", "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        json(&o)["client_certificate_id"].is_i64(),
        "{}",
        text(&o.stdout)
    );
    let test = format!("--json test server Dovecot --ca-file {ca}");
    let o = mbadmin_in(&db, &test, "");
    assert!(o.status.success(), "{}", text(&o.stdout));
    assert_eq!(json(&o)["ok"], true);

    // `none` takes it away: the server refuses the login and says why.
    let o = mbadmin_in(&db, "server edit Dovecot --client-cert none", "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = mbadmin_in(&db, &test, "");
    assert!(!o.status.success());
    assert_eq!(
        json(&o)["codes"][0],
        "tls.client_cert_required",
        "{}",
        text(&o.stdout)
    );
}
