//! The Mobile tab's formats, read back by their real consumers' parsers: Python's `plistlib`
//! (profile), `openssl cms -verify` against the test CA (signed profile), `zbarimg` (QR PNG),
//! `xmllint` and Python's `xml.etree` (autoconfig), nginx over HTTPS on loopback (publication
//! check); every refusal of bad input; the password canary; the mobile accounts.

#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::*;
use mailbox_admin_core::app::mobile::*;
use mailbox_admin_core::error::Error;
use mailbox_admin_core::model::*;
use mailbox_admin_core::App;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const CANARY: &str = "Kanarien-Pw-4711!";
const SMTP_CANARY: &str = "Smtp-Kanarie-0815";

struct Setup {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    app: App,
    account: i64,
    user: i64,
    imap: i64,
}

fn setup() -> Setup {
    let (dir, app) = tmp_app();
    let imap = add_server(
        &app,
        ServerInput {
            security: Security::Tls,
            ..server_input("IMAP Zentrale", "imap.example.com")
        },
    );
    let smtp = add_outgoing(
        &app,
        OutgoingInput {
            security: Security::Starttls,
            ..outgoing_input("SMTP Zentrale", "smtp.example.com")
        },
    );
    let user = add_user(&app, "max", "max@example.com");
    let account = app
        .create_account(&AccountInput {
            name: "Max Postfach".into(),
            email: "max@example.com".into(),
            sender_name: "Max Mustermann".into(),
            owner: Some(Owner::User(user)),
            incoming_server_id: Some(imap),
            outgoing_server_id: Some(smtp),
            password: SecretUpdate::set(CANARY),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let d = dir.path().to_path_buf();
    Setup {
        _dir: dir,
        dir: d,
        app,
        account,
        user,
        imap,
    }
}

/// An account of the user of `s`.
fn add_account(s: &Setup, input: AccountInput) -> i64 {
    let input = AccountInput {
        owner: Some(Owner::User(s.user)),
        ..input
    };
    s.app.create_account(&input).unwrap().item.id
}

fn b64(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// What Python's plistlib reads from the file, as JSON.
fn plistlib(file: &Path) -> Value {
    let o = Command::new("python3")
        .args([
            "-c",
            "import plistlib,sys,json; print(json.dumps(plistlib.load(open(sys.argv[1],'rb')), default=str))",
        ])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "plistlib: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn field_codes(e: &Error) -> Vec<(String, String)> {
    match e {
        Error::Validation(v) => v
            .iter()
            .map(|i| (i.field.to_string(), i.code.as_str().to_string()))
            .collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

fn refused(r: Result<impl std::fmt::Debug, Error>, field: &str, code: &str) {
    let e = r.unwrap_err();
    let codes = field_codes(&e);
    assert!(
        codes.contains(&(field.to_string(), code.to_string())),
        "expected {field}/{code}, got {codes:?}"
    );
}

#[test]
fn profile_is_read_by_plistlib_with_every_mail_key_and_no_password() {
    let s = setup();
    let f = s
        .app
        .mobile_profile(s.account, &ProfileOptions::default())
        .unwrap();
    assert_eq!(f.file_name, "max-example.com.mobileconfig");
    assert_eq!(f.mime, "application/x-apple-aspen-config");
    assert!(!f.contains_password && !f.signed);
    let bytes = b64(&f.data_base64);
    let p = plistlib(&write(&s.dir, "a.mobileconfig", &bytes));
    assert_eq!(p["PayloadType"], "Configuration");
    assert_eq!(p["PayloadVersion"], 1);
    assert_eq!(
        p["PayloadIdentifier"],
        "de.mailbox-admin.mobile.max-example.com"
    );
    let mail = &p["PayloadContent"][0];
    assert_eq!(mail["PayloadType"], "com.apple.mail.managed");
    let expect = json!({
        "EmailAccountType": "EmailTypeIMAP",
        "EmailAccountName": "Max Mustermann",
        "EmailAccountDescription": "Max Postfach",
        "EmailAddress": "max@example.com",
        "IncomingMailServerHostName": "imap.example.com",
        "IncomingMailServerPortNumber": 993,
        "IncomingMailServerUseSSL": true,
        "IncomingMailServerAuthentication": "EmailAuthPassword",
        "IncomingMailServerUsername": "max@example.com",
        "OutgoingMailServerHostName": "smtp.example.com",
        "OutgoingMailServerPortNumber": 587,
        "OutgoingMailServerUseSSL": true,
        "OutgoingMailServerAuthentication": "EmailAuthPassword",
        "OutgoingMailServerUsername": "max@example.com",
        "OutgoingPasswordSameAsIncomingPassword": true,
    });
    for (k, v) in expect.as_object().unwrap() {
        assert_eq!(&mail[k], v, "{k}");
    }
    assert!(mail.get("IncomingPassword").is_none());
    assert!(!String::from_utf8_lossy(&bytes).contains(CANARY));

    // A second export: same identifier (replaces the profile), fresh UUIDs.
    let g = s
        .app
        .mobile_profile(s.account, &ProfileOptions::default())
        .unwrap();
    let q = plistlib(&write(&s.dir, "b.mobileconfig", &b64(&g.data_base64)));
    assert_eq!(q["PayloadIdentifier"], p["PayloadIdentifier"]);
    assert_ne!(q["PayloadUUID"], p["PayloadUUID"]);
    assert_ne!(q["PayloadContent"][0]["PayloadUUID"], mail["PayloadUUID"]);
    let uuid = p["PayloadUUID"].as_str().unwrap();
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4");
}

#[test]
fn profile_with_password_carries_it_only_when_asked() {
    let s = setup();
    let opts = ProfileOptions {
        with_password: true,
        ..Default::default()
    };
    let f = s.app.mobile_profile(s.account, &opts).unwrap();
    assert!(f.contains_password);
    let p = plistlib(&write(&s.dir, "pw.mobileconfig", &b64(&f.data_base64)));
    assert_eq!(p["PayloadContent"][0]["IncomingPassword"], CANARY);
}

#[test]
fn microsoft_365_gets_an_exchange_payload_with_oauth() {
    let s = setup();
    let provider = s
        .app
        .create_oauth_provider(&OauthProviderInput {
            name: "Contoso".into(),
            kind: ProviderKind::Microsoft365,
            tenant_id: "contoso.onmicrosoft.com".into(),
            client_id: "00000000-0000-0000-0000-000000000001".into(),
            authorization_endpoint: "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize".into(),
            token_endpoint: "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token".into(),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let imap = add_server(
        &s.app,
        ServerInput {
            security: Security::Tls,
            auth_method: AuthMethod::Oauth2,
            oauth_provider_id: Some(provider),
            ..server_input("Exchange Online", "outlook.office365.com")
        },
    );
    let smtp = add_outgoing(
        &s.app,
        OutgoingInput {
            kind: OutgoingKind::Microsoft365,
            auth_method: SmtpAuth::Oauth2,
            oauth_provider_id: Some(provider),
            security: Security::Starttls,
            ..outgoing_input("M365 SMTP", "smtp.office365.com")
        },
    );
    let a = add_account(
        &s,
        AccountInput {
            name: "Contoso".into(),
            email: "erika@contoso.com".into(),
            incoming_server_id: Some(imap),
            outgoing_server_id: Some(smtp),
            ..Default::default()
        },
    );
    let f = s.app.mobile_profile(a, &ProfileOptions::default()).unwrap();
    let p = plistlib(&write(&s.dir, "m365.mobileconfig", &b64(&f.data_base64)));
    let eas = &p["PayloadContent"][0];
    assert_eq!(eas["PayloadType"], "com.apple.eas.account");
    assert_eq!(eas["OAuth"], true);
    assert_eq!(eas["SSL"], true);
    assert_eq!(eas["Host"], "outlook.office365.com");
    assert_eq!(eas["EmailAddress"], "erika@contoso.com");
    // OAuth cannot go into dclogin: refused, naming the format.
    refused(
        s.app.mobile_qr(
            a,
            &QrOptions {
                format: QrFormat::Dclogin,
                with_password: true,
                device: None,
            },
        ),
        "format",
        "format_no_oauth",
    );
    // Thunderbird for Android carries OAuth2 (auth 6).
    let q = s.app.mobile_qr(a, &QrOptions::default()).unwrap();
    let decoded = zbar(&write(&s.dir, "m365.png", &b64(&q.png_base64)));
    let v: Value = serde_json::from_str(&decoded).unwrap();
    assert_eq!(v[2][4], 6);
    assert_eq!(v[3][0][0][4], 6);
}

// ---- signing ----------------------------------------------------------------------------

struct Pki {
    ca_pem: String,
    /// Leaf + intermediate + leaf key: what the store imports.
    signer_pem: String,
    expired_pem: String,
    cert_only_pem: String,
    https_cert: String,
    https_key: String,
    /// The signer's pieces: certificate, intermediate, key (for PKCS#12 and encrypted keys).
    parts: [String; 3],
}

fn pki() -> Pki {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    let ca_params = |cn: &str| {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.distinguished_name.push(DnType::CommonName, cn);
        p.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        p.not_before = rcgen::date_time_ymd(2020, 1, 1);
        p.not_after = rcgen::date_time_ymd(2060, 1, 1);
        p
    };
    let root_key = KeyPair::generate().unwrap();
    let root_p = ca_params("Mobile Test Root CA");
    let root = root_p.self_signed(&root_key).unwrap();
    let root_issuer = Issuer::from_params(&root_p, &root_key);
    let int_key = KeyPair::generate().unwrap();
    let int_p = ca_params("Mobile Test Intermediate CA");
    let int = int_p.clone().signed_by(&int_key, &root_issuer).unwrap();
    let int_issuer = Issuer::from_params(&int_p, &int_key);
    let leaf = |cn: &str, names: Vec<String>, from, to| {
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(names).unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.not_before = from;
        p.not_after = to;
        let c = p.signed_by(&key, &int_issuer).unwrap();
        (c, key)
    };
    let (signer, signer_key) = leaf(
        "Profile Signer",
        vec![],
        rcgen::date_time_ymd(2020, 1, 1),
        rcgen::date_time_ymd(2060, 1, 1),
    );
    let (old, old_key) = leaf(
        "Old Signer",
        vec![],
        rcgen::date_time_ymd(2020, 1, 1),
        rcgen::date_time_ymd(2021, 1, 1),
    );
    let (https, https_key) = leaf(
        "127.0.0.1",
        vec!["127.0.0.1".into(), "localhost".into()],
        rcgen::date_time_ymd(2020, 1, 1),
        rcgen::date_time_ymd(2060, 1, 1),
    );
    Pki {
        ca_pem: root.pem(),
        signer_pem: format!(
            "{}{}{}",
            signer.pem(),
            int.pem(),
            signer_key.serialize_pem()
        ),
        expired_pem: format!("{}{}{}", old.pem(), int.pem(), old_key.serialize_pem()),
        cert_only_pem: format!("{}{}", signer.pem(), int.pem()),
        https_cert: format!("{}{}", https.pem(), int.pem()),
        https_key: https_key.serialize_pem(),
        parts: [signer.pem(), int.pem(), signer_key.serialize_pem()],
    }
}

fn import(app: &App, name: &str, pem: &str) -> i64 {
    use base64::Engine;
    app.import_certificate(&CertImport {
        name: name.into(),
        data_base64: base64::engine::general_purpose::STANDARD.encode(pem),
        passphrase: None,
        ..Default::default()
    })
    .unwrap()
    .item
    .id
}

/// `openssl cms -verify` of a signed export against `ca_pem` alone: the signed content, or
/// None when it does not verify.
fn cms_verify(dir: &Path, der: &[u8], ca_pem: &str) -> Option<Value> {
    let f = write(dir, "v.der", der);
    let ca = write(dir, "v-ca.pem", ca_pem.as_bytes());
    let out = dir.join("v.plist");
    let o = Command::new("openssl")
        .args(["cms", "-verify", "-inform", "DER", "-in"])
        .arg(&f)
        .arg("-CAfile")
        .arg(&ca)
        .arg("-out")
        .arg(&out)
        .output()
        .unwrap();
    o.status.success().then(|| plistlib(&out))
}

fn verified(dir: &Path, der: &[u8], ca_pem: &str) -> Value {
    cms_verify(dir, der, ca_pem).expect("openssl cms -verify accepts the signature")
}

/// The account's profile signed with certificate `cert`.
fn signed(s: &Setup, cert: i64) -> ProducedFile {
    let opts = ProfileOptions {
        certificate_id: Some(cert),
        ..Default::default()
    };
    s.app.mobile_profile(s.account, &opts).unwrap()
}

#[test]
fn signed_profile_is_verified_by_openssl_against_the_test_ca() {
    let s = setup();
    let pki = pki();
    let f = signed(&s, import(&s.app, "Signer", &pki.signer_pem));
    assert!(f.signed);
    let der = b64(&f.data_base64);
    // Only the root is given: the intermediate must come from the signature itself.
    let p = verified(&s.dir, &der, &pki.ca_pem);
    assert_eq!(p["PayloadContent"][0]["EmailAddress"], "max@example.com");
    // The leaf and the intermediate travel in the SignedData.
    let o = Command::new("openssl")
        .args(["pkcs7", "-inform", "DER", "-print_certs", "-noout", "-in"])
        .arg(write(&s.dir, "signed.mobileconfig", &der))
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&o.stdout);
    assert!(listing.contains("Profile Signer"), "{listing}");
    assert!(listing.contains("Mobile Test Intermediate CA"), "{listing}");
    // Another CA does not verify it.
    assert!(cms_verify(&s.dir, &der, &pki.https_cert).is_none());
}

#[test]
fn signs_with_a_pkcs12_file_and_with_an_encrypted_key_opened_by_the_keyring() {
    use base64::Engine;
    let s = setup();
    let pki = pki();
    let [cert, int, key] = &pki.parts;
    let d = &s.dir;
    write(d, "s.crt", cert.as_bytes());
    write(d, "i.crt", int.as_bytes());
    write(d, "s.key", key.as_bytes());
    let run = |args: &[&str]| {
        let o = Command::new("openssl")
            .args(args)
            .current_dir(d)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    run(&[
        "pkcs12",
        "-export",
        "-in",
        "s.crt",
        "-inkey",
        "s.key",
        "-certfile",
        "i.crt",
        "-passout",
        "pass:P12-Geheim",
        "-out",
        "s.p12",
    ]);
    run(&[
        "pkcs8",
        "-topk8",
        "-in",
        "s.key",
        "-passout",
        "pass:Key-Geheim",
        "-out",
        "enc.key",
    ]);
    let enc = format!(
        "{cert}{int}{}",
        std::fs::read_to_string(d.join("enc.key")).unwrap()
    );
    let enc64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    for (name, data, pass) in [
        ("P12", std::fs::read(d.join("s.p12")).unwrap(), "P12-Geheim"),
        ("Encrypted key", enc.into_bytes(), "Key-Geheim"),
    ] {
        let id = s
            .app
            .import_certificate(&CertImport {
                name: name.into(),
                data_base64: enc64(&data),
                passphrase: Some(mailbox_admin_core::sensitive::Secret::new(pass)),
                ..Default::default()
            })
            .unwrap()
            .item
            .id;
        let p = verified(d, &b64(&signed(&s, id).data_base64), &pki.ca_pem);
        assert_eq!(p["PayloadType"], "Configuration", "{name}");
        // The store keeps one entry per certificate: make room for the next form of it.
        s.app.delete_certificate(id, None).unwrap();
    }
}

#[test]
fn signing_refuses_a_certificate_without_key_or_out_of_validity() {
    let s = setup();
    let pki = pki();
    let bare = import(&s.app, "No key", &pki.cert_only_pem);
    let old = import(&s.app, "Expired", &pki.expired_pem);
    for (id, code) in [(bare, "certificate_no_key"), (old, "certificate_expired")] {
        refused(
            s.app.mobile_profile(
                s.account,
                &ProfileOptions {
                    certificate_id: Some(id),
                    device: Some(DeviceNote {
                        name: "iPhone refused".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            ),
            "certificate",
            code,
        );
    }
    // Nothing recorded for a refused export.
    assert!(s.app.list_mobile_devices("").unwrap().is_empty());
    let msg = s
        .app
        .api_error(
            &s.app
                .mobile_profile(
                    s.account,
                    &ProfileOptions {
                        certificate_id: Some(old),
                        ..Default::default()
                    },
                )
                .unwrap_err(),
        )
        .fields[0]
        .message
        .clone();
    assert!(msg.contains("2021-01-01"), "{msg}");
}

// ---- QR codes -----------------------------------------------------------------------------

/// What zbarimg reads from the PNG.
fn zbar(png: &Path) -> String {
    let o = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(png)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "zbarimg: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout)
        .unwrap()
        .trim_end_matches('\n')
        .to_string()
}

#[test]
fn thunderbird_qr_png_is_decoded_by_zbarimg_field_by_field() {
    let s = setup();
    let q = s.app.mobile_qr(s.account, &QrOptions::default()).unwrap();
    assert!(!q.contains_password);
    assert!(q.svg.contains("<svg"));
    let text = zbar(&write(&s.dir, "tb.png", &b64(&q.png_base64)));
    assert_eq!(q.chars as usize, text.chars().count());
    assert!(text.len() <= 800);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v[0], 1, "version");
    assert_eq!(v[1], json!([1, 1]), "part/total");
    assert_eq!(
        v[2],
        json!([
            0,
            "imap.example.com",
            993,
            3,
            1,
            "max@example.com",
            "Max Postfach"
        ]),
        "incoming without password"
    );
    assert_eq!(
        v[3],
        json!([[
            [0, "smtp.example.com", 587, 2, 1, "max@example.com"],
            ["max@example.com", "Max Mustermann"]
        ]]),
        "outgoing list with identity"
    );
    assert!(!text.contains(CANARY));

    let q = s
        .app
        .mobile_qr(
            s.account,
            &QrOptions {
                with_password: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(q.contains_password);
    let v: Value =
        serde_json::from_str(&zbar(&write(&s.dir, "tbpw.png", &b64(&q.png_base64)))).unwrap();
    assert_eq!(v[2][7], CANARY);
    assert_eq!(v[3][0][0][6], CANARY);
}

#[test]
fn dclogin_qr_is_decoded_by_zbarimg_and_needs_the_password() {
    let s = setup();
    refused(
        s.app.mobile_qr(
            s.account,
            &QrOptions {
                format: QrFormat::Dclogin,
                ..Default::default()
            },
        ),
        "with_password",
        "password_required",
    );
    let q = s
        .app
        .mobile_qr(
            s.account,
            &QrOptions {
                format: QrFormat::Dclogin,
                with_password: true,
                device: None,
            },
        )
        .unwrap();
    let text = zbar(&write(&s.dir, "dc.png", &b64(&q.png_base64)));
    let (addr, query) = text
        .strip_prefix("dclogin:")
        .unwrap()
        .split_once('?')
        .unwrap();
    assert_eq!(addr, "max@example.com");
    let params: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
    for (k, v) in [
        ("p", CANARY),
        ("v", "1"),
        ("ih", "imap.example.com"),
        ("ip", "993"),
        ("iu", "max@example.com"),
        ("is", "ssl"),
        ("sh", "smtp.example.com"),
        ("sp", "587"),
        ("ss", "starttls"),
        ("su", "max@example.com"),
    ] {
        assert_eq!(params.get(k).map(String::as_str), Some(v), "{k}");
    }
}

// ---- autoconfig ---------------------------------------------------------------------------

#[test]
fn autoconfig_is_valid_xml_with_placeholders_and_only_tls() {
    let s = setup();
    let a = s.app.mobile_autoconfig(s.account).unwrap();
    assert_eq!(a.domain, "example.com");
    assert_eq!(
        a.urls,
        vec![
            "https://autoconfig.example.com/mail/config-v1.1.xml",
            "https://example.com/.well-known/autoconfig/mail/config-v1.1.xml"
        ]
    );
    assert!(a.username_placeholder);
    let f = write(&s.dir, "config-v1.1.xml", a.xml.as_bytes());
    let o = Command::new("xmllint")
        .arg("--noout")
        .arg(&f)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "xmllint: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let py = r#"
import sys, json, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
p = r.find('emailProvider')
def srv(e):
    return {c.tag: c.text for c in e} | {'type': e.get('type')}
print(json.dumps({'root': r.tag, 'version': r.get('version'), 'id': p.get('id'),
  'domain': p.findtext('domain'), 'in': srv(p.find('incomingServer')),
  'out': srv(p.find('outgoingServer'))}))
"#;
    let o = Command::new("python3")
        .args(["-c", py])
        .arg(&f)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["root"], "clientConfig");
    assert_eq!(v["version"], "1.1");
    assert_eq!(v["domain"], "example.com");
    assert_eq!(
        v["in"],
        json!({"type": "imap", "hostname": "imap.example.com", "port": "993",
               "socketType": "SSL", "authentication": "password-cleartext",
               "username": "%EMAILADDRESS%"})
    );
    assert_eq!(
        v["out"],
        json!({"type": "smtp", "hostname": "smtp.example.com", "port": "587",
               "socketType": "STARTTLS", "authentication": "password-cleartext",
               "username": "%EMAILADDRESS%"})
    );
    // By domain: the same file.
    let d = s.app.mobile_autoconfig_for_domain("Example.COM").unwrap();
    assert_eq!(d.xml, a.xml);
    refused(
        s.app.mobile_autoconfig_for_domain("nowhere.example"),
        "domain",
        "domain_unknown",
    );
}

/// nginx serving `root` over HTTPS on 127.0.0.1 (a free port), until dropped.
struct Nginx {
    child: std::process::Child,
    port: u16,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nginx(dir: &Path, pki: &Pki) -> Nginx {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let crt = write(dir, "https.crt", pki.https_cert.as_bytes());
    let key = write(dir, "https.key", pki.https_key.as_bytes());
    let d = dir.display();
    let conf = format!(
        "daemon off; master_process off; pid {d}/nginx.pid; error_log {d}/nginx-error.log;\n\
         events {{ worker_connections 16; }}\n\
         http {{ access_log off; client_body_temp_path {d}/t1; proxy_temp_path {d}/t2;\n\
           fastcgi_temp_path {d}/t3; uwsgi_temp_path {d}/t4; scgi_temp_path {d}/t5;\n\
           types {{ application/xml xml; }}\n\
           server {{ listen 127.0.0.1:{port} ssl; ssl_certificate {}; ssl_certificate_key {};\n\
             root {d}/www; }} }}\n",
        crt.display(),
        key.display()
    );
    let conf_path = write(dir, "nginx.conf", conf.as_bytes());
    let server = Nginx {
        child: Command::new("/usr/sbin/nginx")
            .args(["-e", &format!("{d}/nginx-error.log"), "-p"])
            .arg(dir)
            .arg("-c")
            .arg(&conf_path)
            .spawn()
            .unwrap(),
        port,
    };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!(
        "nginx did not start: {}",
        std::fs::read_to_string(dir.join("nginx-error.log")).unwrap_or_default()
    );
}

#[test]
fn publication_check_finds_the_file_served_over_https_and_says_what_is_missing() {
    let s = setup();
    let pki = pki();
    let a = s.app.mobile_autoconfig(s.account).unwrap();
    let www = s.dir.join("www");
    std::fs::create_dir_all(www.join("mail")).unwrap();
    std::fs::write(www.join("mail/config-v1.1.xml"), &a.xml).unwrap();
    std::fs::create_dir_all(www.join(".well-known/autoconfig/mail")).unwrap();
    std::fs::write(
        www.join(".well-known/autoconfig/mail/config-v1.1.xml"),
        "<clientConfig version=\"1.1\"><emailProvider id=\"x\"><incomingServer type=\"imap\"><hostname>other.example</hostname></incomingServer></emailProvider></clientConfig>",
    )
    .unwrap();
    let server = nginx(&s.dir, &pki);
    let base = format!("https://127.0.0.1:{}", server.port);
    let app = {
        let (app, _) = app_at(&s.dir.join("config.db"), mailbox_admin_core::Lang::En);
        app.with_extra_roots([pki.ca_pem.clone()])
    };
    let urls = vec![
        format!("{base}/mail/config-v1.1.xml"),
        format!("{base}/.well-known/autoconfig/mail/config-v1.1.xml"),
        format!("{base}/missing/config-v1.1.xml"),
    ];
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let checks = rt.block_on(app.check_autoconfig_urls(&urls, "imap.example.com"));
    assert!(checks[0].published, "{:?}", checks[0]);
    assert_eq!(checks[0].status, Some(200));
    assert!(!checks[1].published);
    assert!(checks[1]
        .problem
        .as_deref()
        .unwrap()
        .contains("another incoming server"));
    assert!(!checks[2].published);
    assert_eq!(checks[2].status, Some(404));
    // Without the test CA the HTTPS certificate is not trusted: a TLS diagnosis, not "missing".
    let (plain, _) = app_at(&s.dir.join("config.db"), mailbox_admin_core::Lang::En);
    let checks = rt.block_on(plain.check_autoconfig_urls(&urls[..1], "imap.example.com"));
    assert!(!checks[0].published);
    assert_eq!(checks[0].status, None);
    assert!(checks[0].problem.is_some());
}

// ---- refusals ----------------------------------------------------------------------------

#[test]
fn every_bad_input_is_refused_naming_what_to_change() {
    let s = setup();
    // No incoming server.
    let no_in = add_account(
        &s,
        AccountInput {
            name: "Nur Senden".into(),
            email: "send@example.com".into(),
            outgoing_server_id: s.app.get_account(s.account).unwrap().outgoing_server_id,
            ..Default::default()
        },
    );
    refused(
        s.app.mobile_profile(no_in, &ProfileOptions::default()),
        "incoming_server_id",
        "no_incoming",
    );
    refused(
        s.app.mobile_qr(no_in, &QrOptions::default()),
        "incoming_server_id",
        "no_incoming",
    );
    refused(
        s.app.mobile_autoconfig(no_in),
        "incoming_server_id",
        "no_incoming",
    );

    // POP3 without any outgoing server; and POP3 for Delta Chat (IMAP only).
    let pop = add_server(
        &s.app,
        ServerInput {
            protocol: Protocol::Pop3,
            security: Security::Tls,
            ..server_input("POP", "pop.example.com")
        },
    );
    let pop_only = add_account(
        &s,
        AccountInput {
            name: "POP ohne SMTP".into(),
            email: "pop@example.com".into(),
            incoming_server_id: Some(pop),
            password: SecretUpdate::set(CANARY),
            ..Default::default()
        },
    );
    refused(
        s.app.mobile_profile(pop_only, &ProfileOptions::default()),
        "outgoing_server_id",
        "no_outgoing",
    );
    let mut a = AccountInput::from(&s.app.get_account(pop_only).unwrap());
    a.outgoing_server_id = s.app.get_account(s.account).unwrap().outgoing_server_id;
    let v = s.app.get_account(pop_only).unwrap().version;
    s.app.update_account(pop_only, v, &a).unwrap();
    refused(
        s.app.mobile_qr(
            pop_only,
            &QrOptions {
                format: QrFormat::Dclogin,
                with_password: true,
                device: None,
            },
        ),
        "format",
        "format_imap_only",
    );
    // POP3 is fine for the profile.
    let f = s
        .app
        .mobile_profile(pop_only, &ProfileOptions::default())
        .unwrap();
    let p = plistlib(&write(&s.dir, "pop.mobileconfig", &b64(&f.data_base64)));
    assert_eq!(p["PayloadContent"][0]["EmailAccountType"], "EmailTypePOP");

    // A plaintext server.
    let plain = add_server(
        &s.app,
        ServerInput {
            security: Security::None,
            allow_plaintext: true,
            ..server_input("Klartext", "plain.example.com")
        },
    );
    let mut a = AccountInput::from(&s.app.get_account(s.account).unwrap());
    a.incoming_server_id = Some(plain);
    let v = s.app.get_account(s.account).unwrap().version;
    s.app.update_account(s.account, v, &a).unwrap();
    refused(
        s.app.mobile_autoconfig(s.account),
        "security",
        "plaintext_server",
    );
    a.incoming_server_id = Some(s.imap);
    let v = s.app.get_account(s.account).unwrap().version;
    s.app.update_account(s.account, v, &a).unwrap();

    // A non-ASCII address for the Thunderbird QR format.
    let idn = add_account(
        &s,
        AccountInput {
            name: "Umlaut".into(),
            email: "juergen@müller.example".into(),
            incoming_server_id: Some(s.imap),
            outgoing_server_id: a.outgoing_server_id,
            ..Default::default()
        },
    );
    refused(
        s.app.mobile_qr(idn, &QrOptions::default()),
        "email",
        "ascii_only",
    );

    // An OAuth account (not Microsoft 365) for Apple Mail's IMAP payload.
    let provider = s
        .app
        .create_oauth_provider(&OauthProviderInput {
            name: "IdP".into(),
            kind: ProviderKind::Oidc,
            client_id: "c".into(),
            authorization_endpoint: "https://idp.example.com/auth".into(),
            token_endpoint: "https://idp.example.com/token".into(),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    let oauth_in = add_server(
        &s.app,
        ServerInput {
            security: Security::Tls,
            auth_method: AuthMethod::Oauth2,
            oauth_provider_id: Some(provider),
            ..server_input("OAuth IMAP", "imap.idp.example.com")
        },
    );
    let oauth = add_account(
        &s,
        AccountInput {
            name: "OAuth".into(),
            email: "o@example.com".into(),
            incoming_server_id: Some(oauth_in),
            outgoing_server_id: a.outgoing_server_id,
            ..Default::default()
        },
    );
    refused(
        s.app.mobile_profile(oauth, &ProfileOptions::default()),
        "format",
        "format_no_oauth",
    );
    // No stored password but asked to include it.
    refused(
        s.app.mobile_profile(
            idn,
            &ProfileOptions {
                with_password: true,
                ..Default::default()
            },
        ),
        "with_password",
        "password_not_stored",
    );
    // Every refusal has a German text naming what to change.
    let (de, _) = app_at(&s.dir.join("config.db"), mailbox_admin_core::Lang::De);
    let e = de.mobile_qr(idn, &QrOptions::default()).unwrap_err();
    let m = de.api_error(&e).fields[0].message.clone();
    assert!(m.contains("ASCII"), "{m}");
    // Nothing recorded by any refusal.
    assert!(s.app.list_mobile_devices("").unwrap().is_empty());
}

// ---- canary ------------------------------------------------------------------------------

#[test]
fn no_password_in_any_output_unless_asked_then_only_there() {
    let s = setup();
    // A separate outgoing login with its own password.
    let smtp = add_outgoing(
        &s.app,
        OutgoingInput {
            security: Security::Tls,
            username: "relay-user".into(),
            password: SecretUpdate::set(SMTP_CANARY),
            ..outgoing_input("Relay", "relay.example.com")
        },
    );
    let mut a = AccountInput::from(&s.app.get_account(s.account).unwrap());
    a.outgoing_server_id = Some(smtp);
    let v = s.app.get_account(s.account).unwrap().version;
    s.app.update_account(s.account, v, &a).unwrap();

    let mut plain: Vec<(String, Vec<u8>)> = Vec::new();
    let f = s
        .app
        .mobile_profile(s.account, &ProfileOptions::default())
        .unwrap();
    plain.push(("profile".into(), b64(&f.data_base64)));
    let q = s.app.mobile_qr(s.account, &QrOptions::default()).unwrap();
    plain.push((
        "qr png".into(),
        zbar(&write(&s.dir, "c.png", &b64(&q.png_base64))).into_bytes(),
    ));
    plain.push(("qr svg".into(), q.svg.into_bytes()));
    plain.push((
        "autoconfig".into(),
        s.app.mobile_autoconfig(s.account).unwrap().xml.into_bytes(),
    ));
    let pki = pki();
    let f = signed(&s, import(&s.app, "Signer", &pki.signer_pem));
    plain.push(("signed profile".into(), b64(&f.data_base64)));
    for (what, bytes) in &plain {
        for c in [CANARY, SMTP_CANARY] {
            assert!(
                !bytes.windows(c.len()).any(|w| w == c.as_bytes()),
                "{c} in {what}"
            );
        }
    }
    // Asked for: both passwords in that one output.
    let f = s
        .app
        .mobile_profile(
            s.account,
            &ProfileOptions {
                with_password: true,
                ..Default::default()
            },
        )
        .unwrap();
    let p = plistlib(&write(&s.dir, "pw.mobileconfig", &b64(&f.data_base64)));
    assert_eq!(p["PayloadContent"][0]["IncomingPassword"], CANARY);
    assert_eq!(p["PayloadContent"][0]["OutgoingPassword"], SMTP_CANARY);
    assert_eq!(
        p["PayloadContent"][0]["OutgoingPasswordSameAsIncomingPassword"],
        false
    );
    // Nor in the database.
    let db = std::fs::read(s.dir.join("config.db")).unwrap();
    assert!(!db.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()));
}

// ---- mobile accounts ---------------------------------------------------------------------

#[test]
fn producing_for_a_device_records_it_and_the_list_is_searchable_editable() {
    let s = setup();
    let note = DeviceNote {
        name: "iPhone Max".into(),
        platform: DevicePlatform::Ios,
        user_id: Some(s.user),
    };
    let f = s
        .app
        .mobile_profile(
            s.account,
            &ProfileOptions {
                device: Some(note.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    let d = f.device.unwrap();
    assert_eq!(
        (
            d.name.as_str(),
            d.platform,
            d.method,
            d.account_name.as_str()
        ),
        (
            "iPhone Max",
            DevicePlatform::Ios,
            ProvisionMethod::Profile,
            "Max Postfach"
        )
    );
    assert_eq!(d.user_id, Some(s.user));
    assert!(
        d.set_up_at.ends_with('Z') && !d.set_up_at.contains('.'),
        "{}",
        d.set_up_at
    );
    // The same device again by QR: one entry, brought up to date.
    let q = s
        .app
        .mobile_qr(
            s.account,
            &QrOptions {
                device: Some(note),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(q.device.unwrap().method, ProvisionMethod::Qr);
    let list = s.app.list_mobile_devices("").unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        s.app.list_mobile_devices("postfach iphone").unwrap().len(),
        1
    );
    assert_eq!(s.app.list_mobile_devices("android").unwrap().len(), 0);

    // Edit; a stale edit is refused.
    let d = &list[0];
    let mut input = MobileDeviceInput::from(d);
    input.platform = DevicePlatform::Android;
    input.name = "Pixel Max".into();
    let saved = s.app.update_mobile_device(d.id, d.version, &input).unwrap();
    assert_eq!(saved.platform, DevicePlatform::Android);
    let stale = s
        .app
        .update_mobile_device(d.id, d.version, &input)
        .unwrap_err();
    assert!(matches!(stale, Error::Conflict { .. }), "{stale:?}");
    // Bad input: no name, no account, bad date.
    let e = s
        .app
        .create_mobile_device(&MobileDeviceInput {
            set_up_at: "gestern".into(),
            ..Default::default()
        })
        .unwrap_err();
    let codes = field_codes(&e);
    for want in [
        ("name", "required"),
        ("account_id", "required"),
        ("set_up_at", "date_invalid"),
    ] {
        assert!(codes.contains(&(want.0.into(), want.1.into())), "{codes:?}");
    }
    // A manual entry with a date; delete.
    let m = s
        .app
        .create_mobile_device(&MobileDeviceInput {
            name: "iPad Empfang".into(),
            account_id: Some(s.account),
            method: ProvisionMethod::Autoconfig,
            set_up_at: "2026-11-30".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(s.app.list_mobile_devices("").unwrap().len(), 2);
    s.app.delete_mobile_device(m.id, Some(m.version)).unwrap();
    assert_eq!(s.app.list_mobile_devices("").unwrap().len(), 1);
    // Deleting the account deletes its devices' records.
    let v = s.app.get_account(s.account).unwrap().version;
    s.app.delete_account(s.account, Some(v)).unwrap();
    assert!(s.app.list_mobile_devices("").unwrap().is_empty());
}
