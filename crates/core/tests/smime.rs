//! S/MIME test mails through the real servers (Postfix submission → LMTP → Dovecot's
//! maildir): the outgoing server's certificate from the certificate store signs (and
//! encrypts) the test mail; what arrives is verified by the core and by `openssl smime
//! -verify` with the test's CA, and the encrypted one decrypts with the key. An expired, a
//! key-less, a TLS-only certificate and one for another address are diagnosed before
//! anything is sent; the key's passphrase is in no report, history or database.

#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/keyring.rs"]
mod keyring;
#[path = "support/servers.rs"]
mod servers;

use keyring::Keyring;
use mailbox_admin_core::app::probe::{AccountTestOptions, TestOptions, TestTargetKind};
use mailbox_admin_core::diag::DiagnosisCode;
use mailbox_admin_core::model::*;
use mailbox_admin_core::probe::{CancellationToken, Role, StepKind, StepStatus, TestReport};
use mailbox_admin_core::store::Store;
use mailbox_admin_core::{App, Lang};
use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::symm::Cipher;
use openssl::x509::extension::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
};
use openssl::x509::{X509Builder, X509NameBuilder, X509};
use servers::{servers, ALICE, BOB, HOST_GOOD};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The passphrase of Alice's key: a canary.
const PASSPHRASE: &str = "Canary-Smime-Passphrase-5wX9";

// ---- a small PKI: a CA and S/MIME certificates made here --------------------------------

struct Ca {
    cert: X509,
    key: PKey<Private>,
}

fn key() -> PKey<Private> {
    PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap()
}

fn name(cn: &str) -> openssl::x509::X509Name {
    let mut n = X509NameBuilder::new().unwrap();
    n.append_entry_by_text("CN", cn).unwrap();
    n.append_entry_by_text("O", "Mailbox Admin tests").unwrap();
    n.build()
}

fn ca() -> Ca {
    let key = key();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap())
        .unwrap();
    b.set_subject_name(&name("Mailbox Admin S/MIME Test CA"))
        .unwrap();
    b.set_issuer_name(&name("Mailbox Admin S/MIME Test CA"))
        .unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::from_str("20200101000000Z").unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_str("20600101000000Z").unwrap())
        .unwrap();
    b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
        .unwrap();
    b.append_extension(KeyUsage::new().key_cert_sign().crl_sign().build().unwrap())
        .unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    Ca {
        cert: b.build(),
        key,
    }
}

#[derive(Clone, Copy)]
enum Purpose {
    Smime,
    TlsServer,
}

/// A certificate for `email` signed by `ca`, valid `from`..`to` (ASN.1 times).
fn leaf(ca: &Ca, email: &str, purpose: Purpose, from: &str, to: &str) -> (X509, PKey<Private>) {
    let key = key();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    let serial = BigNum::from_u32(rand_serial()).unwrap();
    b.set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    b.set_subject_name(&name(email)).unwrap();
    b.set_issuer_name(ca.cert.subject_name()).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::from_str(from).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_str(to).unwrap()).unwrap();
    let ctx = b.x509v3_context(Some(&ca.cert), None);
    let san = match purpose {
        Purpose::Smime => SubjectAlternativeName::new()
            .email(email)
            .build(&ctx)
            .unwrap(),
        Purpose::TlsServer => SubjectAlternativeName::new()
            .dns("mail.example.test")
            .email(email)
            .build(&ctx)
            .unwrap(),
    };
    b.append_extension(san).unwrap();
    match purpose {
        Purpose::Smime => {
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .digital_signature()
                    .key_encipherment()
                    .build()
                    .unwrap(),
            )
            .unwrap();
            b.append_extension(ExtendedKeyUsage::new().email_protection().build().unwrap())
                .unwrap();
        }
        Purpose::TlsServer => {
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .digital_signature()
                    .key_encipherment()
                    .build()
                    .unwrap(),
            )
            .unwrap();
            b.append_extension(ExtendedKeyUsage::new().server_auth().build().unwrap())
                .unwrap();
        }
    }
    b.sign(&ca.key, MessageDigest::sha256()).unwrap();
    (b.build(), key)
}

fn rand_serial() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(100);
    N.fetch_add(1, Ordering::Relaxed)
}

const VALID_FROM: &str = "20200101000000Z";
const VALID_TO: &str = "20600101000000Z";

fn pem(c: &X509) -> String {
    String::from_utf8(c.to_pem().unwrap()).unwrap()
}

// ---- the app --------------------------------------------------------------------------

struct Setup {
    dir: tempfile::TempDir,
    app: App,
    keyring: Arc<Keyring>,
    ca: Ca,
    user: i64,
}

fn setup() -> Setup {
    let mail = servers();
    let dir = tempfile::tempdir().unwrap();
    let keyring = Arc::new(Keyring::default());
    let app = App::new(
        Store::open(&dir.path().join("c.db")).unwrap(),
        keyring.clone(),
        Lang::En,
    )
    .with_extra_roots([mail.ca_pem.clone()]);
    let user = fixtures::add_user(&app, "admin", "");
    Setup {
        dir,
        app,
        keyring,
        ca: ca(),
        user,
    }
}

impl Setup {
    /// Imports `cert` with its key encrypted by the canary passphrase (PEM, chain included).
    fn import(&self, label: &str, cert: &X509, key: &PKey<Private>) -> i64 {
        use base64::Engine;
        let key_pem = key
            .private_key_to_pem_pkcs8_passphrase(Cipher::aes_256_cbc(), PASSPHRASE.as_bytes())
            .unwrap();
        let mut file = pem(cert).into_bytes();
        file.extend_from_slice(&self.ca.cert.to_pem().unwrap());
        file.extend_from_slice(&key_pem);
        self.app
            .import_certificate(&CertImport {
                name: label.into(),
                data_base64: base64::engine::general_purpose::STANDARD.encode(file),
                passphrase: Some(PASSPHRASE.into()),
                trust_root: false,
                trust_hosts: Vec::new(),
            })
            .unwrap()
            .item
            .id
    }

    /// Postfix submission, the account's login, S/MIME with certificate `cert`.
    fn account(&self, label: &str, cert: i64, sign: bool, encrypt: bool) -> i64 {
        let out = fixtures::add_outgoing(
            &self.app,
            OutgoingInput {
                port: Some(servers().ports.submission as i64),
                security: Security::Starttls,
                smime_sign: sign,
                smime_encrypt: encrypt,
                smime_certificate_id: Some(cert),
                ..fixtures::outgoing_input(&format!("Postfix {label}"), HOST_GOOD)
            },
        );
        self.app
            .create_account(&AccountInput {
                name: label.into(),
                email: ALICE.name.into(),
                owner: Some(Owner::User(self.user)),
                outgoing_server_id: Some(out),
                password: SecretUpdate::Set(ALICE.password.into()),
                ..Default::default()
            })
            .unwrap()
            .item
            .id
    }

    async fn test(&self, id: i64) -> TestReport {
        let o = AccountTestOptions {
            base: TestOptions {
                extra_roots: vec![servers().ca_pem.clone()],
            },
            send_to: Some(BOB.name.into()),
            ..Default::default()
        };
        self.app
            .test_account(id, &o, &|_| {}, &CancellationToken::new())
            .await
            .unwrap()
    }
}

fn send_step(r: &TestReport) -> &mailbox_admin_core::probe::Step {
    r.steps
        .iter()
        .find(|s| s.role == Role::Outgoing && s.kind == StepKind::Send)
        .unwrap_or_else(|| panic!("no send step: {r:#?}"))
}

/// The message in Bob's inbox whose text contains `needle`, waiting up to 15 s.
async fn arrived(needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(m) = servers()
            .inbox_messages(BOB.name)
            .into_iter()
            .find(|m| m.contains(needle))
        {
            return m;
        }
        assert!(
            Instant::now() < deadline,
            "no message with {needle:?} arrived"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The Message-ID the Send step's transcript shows (the test mail's marker).
fn message_id(r: &TestReport) -> String {
    send_step(r)
        .transcript
        .iter()
        .find_map(|l| l.text.strip_prefix("Message-ID: ").map(str::to_string))
        .unwrap_or_else(|| panic!("no Message-ID in {:#?}", send_step(r).transcript))
}

fn openssl(args: &[&str]) -> std::process::Output {
    std::process::Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl command (Debian package openssl)")
}

fn nothing_sent(r: &TestReport) {
    let st = send_step(r);
    assert_eq!(st.status, StepStatus::Failed, "{st:#?}");
    assert!(
        st.transcript
            .iter()
            .all(|l| !l.text.starts_with("MAIL FROM") && !l.text.starts_with("DATA")),
        "diagnosed before sending: {:#?}",
        st.transcript
    );
}

#[tokio::test]
async fn a_signed_test_mail_arrives_and_its_signature_verifies() {
    let s = setup();
    let (cert, key) = leaf(&s.ca, ALICE.name, Purpose::Smime, VALID_FROM, VALID_TO);
    let cid = s.import("Alice S/MIME", &cert, &key);
    let id = s.account("Alice signed", cid, true, false);
    let r = s.test(id).await;
    assert!(r.ok, "{r:#?}");
    assert!(
        send_step(&r).summary.contains("S/MIME signed"),
        "{}",
        send_step(&r).summary
    );
    let mid = message_id(&r);
    let msg = arrived(&mid).await;
    assert!(msg.contains("multipart/signed"), "{msg}");
    assert!(
        msg.contains("application/x-pkcs7-signature")
            || msg.contains("application/pkcs7-signature")
    );

    // The core's own verification of what arrived, against the CA.
    let ca_pem = pem(&s.ca.cert);
    let signer =
        mailbox_admin_core::probe::smime_verify(msg.as_bytes(), std::slice::from_ref(&ca_pem))
            .unwrap();
    assert!(signer.contains(ALICE.name), "{signer}");
    // …and OpenSSL's, on the delivered file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("delivered.eml");
    std::fs::write(&file, &msg).unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &ca_pem).unwrap();
    let out = openssl(&[
        "smime",
        "-verify",
        "-in",
        file.to_str().unwrap(),
        "-CAfile",
        ca_file.to_str().unwrap(),
        "-purpose",
        "smimesign",
    ]);
    assert!(
        out.status.success(),
        "openssl smime -verify: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Mailbox Admin"));
    // A changed message no longer verifies (the check is real): a gateway's footer.
    assert!(msg.contains("It can be deleted."), "{msg}");
    let tampered = msg.replacen("It can be deleted.", "It can be deleted. -- Disclaimer", 1);
    assert!(mailbox_admin_core::probe::smime_verify(tampered.as_bytes(), &[ca_pem]).is_err());

    // The passphrase and the key are in no report, history or database.
    let history =
        serde_json::to_string(&s.app.test_history(TestTargetKind::Account, id).unwrap()).unwrap();
    let report = serde_json::to_string(&r).unwrap();
    let key_body: String = String::from_utf8(key.private_key_to_pem_pkcs8().unwrap())
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    drop(s.app);
    let mut db = Vec::new();
    for e in std::fs::read_dir(s.dir.path()).unwrap() {
        db.extend(std::fs::read(e.unwrap().path()).unwrap());
    }
    let db = String::from_utf8_lossy(&db);
    for canary in [PASSPHRASE, key_body.as_str()] {
        assert!(!report.contains(canary), "a key secret is in the report");
        assert!(!history.contains(canary), "a key secret is in the history");
        assert!(!db.contains(canary), "a key secret is in the database");
        assert!(!msg.contains(canary), "a key secret is in the mail");
    }
}

#[tokio::test]
async fn an_encrypted_test_mail_decrypts_with_the_key() {
    let s = setup();
    let (cert, key) = leaf(&s.ca, ALICE.name, Purpose::Smime, VALID_FROM, VALID_TO);
    let cid = s.import("Alice S/MIME", &cert, &key);
    let id = s.account("Alice encrypted", cid, true, true);
    let r = s.test(id).await;
    assert!(r.ok, "{r:#?}");
    let msg = arrived(&message_id(&r)).await;
    assert!(msg.contains("application/pkcs7-mime") || msg.contains("application/x-pkcs7-mime"));
    assert!(
        !msg.contains("Diese Nachricht hat Mailbox Admin"),
        "the text is encrypted"
    );

    let dir = tempfile::tempdir().unwrap();
    let write = |n: &str, b: &[u8]| {
        let p = dir.path().join(n);
        std::fs::write(&p, b).unwrap();
        p.to_str().unwrap().to_string()
    };
    let file = write("delivered.eml", msg.as_bytes());
    let recip = write("alice.pem", &cert.to_pem().unwrap());
    let inkey = write("alice.key", &key.private_key_to_pem_pkcs8().unwrap());
    let ca_file = write("ca.pem", &s.ca.cert.to_pem().unwrap());
    let out = openssl(&[
        "smime", "-decrypt", "-in", &file, "-recip", &recip, "-inkey", &inkey,
    ]);
    assert!(
        out.status.success(),
        "openssl smime -decrypt: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inner = out.stdout;
    assert!(String::from_utf8_lossy(&inner).contains("multipart/signed"));
    // Signed, then encrypted: the decrypted entity verifies too.
    let signed = write("inner.eml", &inner);
    let out = openssl(&["smime", "-verify", "-in", &signed, "-CAfile", &ca_file]);
    assert!(
        out.status.success(),
        "openssl smime -verify: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Another key does not open it.
    let other = write(
        "other.key",
        &super_key().private_key_to_pem_pkcs8().unwrap(),
    );
    let out = openssl(&["smime", "-decrypt", "-in", &file, "-inkey", &other]);
    assert!(!out.status.success());
}

fn super_key() -> PKey<Private> {
    key()
}

#[tokio::test]
async fn unusable_certificates_are_diagnosed_before_sending() {
    let s = setup();
    // Expired.
    let (cert, key) = leaf(
        &s.ca,
        ALICE.name,
        Purpose::Smime,
        "20200101000000Z",
        "20210101000000Z",
    );
    let cid = s.import("Alice expired", &cert, &key);
    let r = s.test(s.account("Expired", cid, true, false)).await;
    nothing_sent(&r);
    let d = send_step(&r).diagnosis.clone().unwrap();
    assert_eq!(d.code.as_str(), "smime.certificate_expired", "{d:#?}");
    assert!(
        d.evidence.iter().any(|e| e.value.contains("2021")),
        "{d:#?}"
    );

    // A TLS server certificate: not for e-mail.
    let (cert, key) = leaf(&s.ca, ALICE.name, Purpose::TlsServer, VALID_FROM, VALID_TO);
    let cid = s.import("Alice TLS", &cert, &key);
    let r = s.test(s.account("TLS certificate", cid, true, false)).await;
    nothing_sent(&r);
    assert_eq!(
        send_step(&r).diagnosis.as_ref().unwrap().code.as_str(),
        "smime.wrong_purpose"
    );

    // Bob's certificate for Alice's mail.
    let (cert, key) = leaf(&s.ca, BOB.name, Purpose::Smime, VALID_FROM, VALID_TO);
    let cid = s.import("Bob S/MIME", &cert, &key);
    let r = s.test(s.account("Other address", cid, true, false)).await;
    nothing_sent(&r);
    let d = send_step(&r).diagnosis.clone().unwrap();
    assert_eq!(d.code.as_str(), "smime.address_mismatch");
    assert!(
        d.evidence.iter().any(|e| e.value.contains(BOB.name)),
        "{d:#?}"
    );

    // The key's passphrase gone from the keyring: key-less.
    let (cert, key) = leaf(&s.ca, ALICE.name, Purpose::Smime, VALID_FROM, VALID_TO);
    let before: Vec<String> = s.keyring.0.lock().unwrap().keys().cloned().collect();
    let cid = s.import("Alice no key", &cert, &key);
    let id = s.account("No key", cid, true, false);
    // The entry the import wrote (the passphrase) is gone, as from a reset keyring.
    s.keyring
        .0
        .lock()
        .unwrap()
        .retain(|k, _| before.contains(k) || !k.starts_with("certificate/"));
    let r = s.test(id).await;
    nothing_sent(&r);
    let d = send_step(&r).diagnosis.clone().unwrap();
    assert_eq!(d.code.as_str(), "smime.key_missing", "{d:#?}");
    assert!(
        d.fix.contains("import") || d.fix.contains("Import"),
        "{}",
        d.fix
    );
}

/// The signed test mail's round trip: what arrives in the account's inbox is verified again —
/// green when the S/MIME CA is trusted, `smime.signature_invalid` (with the reason) when not.
#[tokio::test]
async fn the_round_trip_verifies_the_signature_of_what_arrived() {
    use base64::Engine;
    for trusted in [true, false] {
        let s = setup();
        let (cert, key) = leaf(&s.ca, ALICE.name, Purpose::Smime, VALID_FROM, VALID_TO);
        let cid = s.import("Alice S/MIME", &cert, &key);
        if trusted {
            s.app
                .import_certificate(&CertImport {
                    name: "S/MIME-CA".into(),
                    data_base64: base64::engine::general_purpose::STANDARD.encode(pem(&s.ca.cert)),
                    passphrase: None,
                    trust_root: true,
                    trust_hosts: Vec::new(),
                })
                .unwrap();
        }
        let id = s.account(&format!("Alice round trip {trusted}"), cid, true, false);
        let imap = fixtures::add_server(
            &s.app,
            ServerInput {
                port: Some(servers().ports.imaps as i64),
                ..fixtures::server_input("Dovecot", HOST_GOOD)
            },
        );
        let mut input = AccountInput::from(&s.app.get_account(id).unwrap());
        input.incoming_server_id = Some(imap);
        input.password = SecretUpdate::Keep;
        let version = s.app.get_account(id).unwrap().version;
        s.app.update_account(id, version, &input).unwrap();
        let o = AccountTestOptions {
            base: TestOptions {
                extra_roots: vec![servers().ca_pem.clone()],
            },
            roundtrip: true,
            roundtrip_wait_secs: Some(20),
            ..Default::default()
        };
        let r = s
            .app
            .test_account(id, &o, &|_| {}, &CancellationToken::new())
            .await
            .unwrap();
        let rt = r
            .steps
            .iter()
            .find(|st| st.kind == StepKind::Roundtrip)
            .unwrap_or_else(|| panic!("no round trip: {r:#?}"));
        if trusted {
            assert_eq!(rt.status, StepStatus::Ok, "{rt:#?}");
            assert!(rt.summary.contains("signature of"), "{}", rt.summary);
            assert!(rt.summary.contains(ALICE.name), "{}", rt.summary);
        } else {
            let d = rt.diagnosis.as_ref().expect("a diagnosis");
            assert_eq!(d.code, DiagnosisCode::SmimeSignatureInvalid, "{rt:#?}");
            assert!(
                d.evidence.iter().any(|e| e.value.contains("verif")),
                "{:?}",
                d.evidence
            );
        }
    }
}
