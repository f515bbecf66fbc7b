//! One canary per kind of credential — server password, outgoing password, OAuth client
//! secret, refresh token, certificate passphrase, export passphrase, calendar (CalDAV)
//! password — through everything a
//! consultant does with them in `mbadmin` (save, test, connect, export, history), then
//! searched in every file the database directory holds (database, WAL, shared memory,
//! backups, the export) and in everything `mbadmin` printed. Hits are counted per place and
//! printed; there must be none.

#[path = "../../core/tests/support/caldav.rs"]
mod caldav_support;
#[path = "../../core/tests/support/servers.rs"]
mod servers;
#[path = "../../core/tests/support/mod.rs"]
mod support;

mod cli_support;

use cli_support::{command, run, temp_db_with_ca, text, words};
use servers::{servers, ALICE, HOST_GOOD};
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SERVER_PW: &str = "Canary-Server-1a7";
const OUTGOING_PW: &str = "Canary-Outgoing-2b8";
const CLIENT_SECRET: &str = "Canary-ClientSecret-3c9";
const P12_PASS: &str = "Canary-P12-4d0";
const EXPORT_PASS: &str = "Canary-Export-5e1";
const CALENDAR_PW: &str = "Canary-Calendar-6f2";

struct Session<'a> {
    db: &'a Path,
    printed: Vec<u8>,
}

impl Session<'_> {
    fn with_ca(&self, mut c: Command) -> Command {
        c.env("MAILBOX_ADMIN_EXTRA_CA", &servers().oauth.ca_file);
        c
    }

    /// Runs `line` with `stdin`; keeps what it printed.
    fn run(&mut self, line: &str, stdin: &str) -> Output {
        let o = run(self.with_ca(command(&[], self.db, &words(line))), stdin);
        self.printed.extend_from_slice(&o.stdout);
        self.printed.extend_from_slice(&o.stderr);
        o
    }

    fn ok(&mut self, line: &str, stdin: &str) {
        let o = self.run(line, stdin);
        assert!(o.status.success(), "{line}: {}", text(&o.stderr));
    }
}

/// The forms a secret can travel in: as typed, base64 (SASL PLAIN/LOGIN, HTTP Basic), and
/// URL-encoded (a form body).
fn forms(secret: &str, user: &str) -> Vec<String> {
    use base64::Engine;
    let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
    vec![
        secret.to_string(),
        b64(secret.to_string()),
        b64(format!("\0{user}\0{secret}")),
        // HTTP Basic (CalDAV).
        b64(format!("{user}:{secret}")),
        url_encoded(secret),
    ]
}

fn url_encoded(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn no_credential_of_any_kind_is_in_a_file_or_in_what_mbadmin_printed() {
    let ss = support::SecretService::shared();
    let mail = servers();
    let (dir, db, ca) = temp_db_with_ca(&mail.ca_pem);
    let mut s = Session {
        db: &db,
        printed: Vec::new(),
    };
    let imaps = mail.ports.imaps;
    let submission = mail.ports.submission;

    // A server and an outgoing server with a password each, both tested (the servers refuse
    // the canaries: the login lines of a failed test are the ones most at risk).
    s.ok(
        &format!("server add --name Dovecot --host {HOST_GOOD} --port {imaps} --security tls --user {} --password-stdin", ALICE.name),
        SERVER_PW,
    );
    s.ok(
        &format!("outgoing add --name Postfix --host {HOST_GOOD} --port {submission} --security starttls --auth password --user {} --password-stdin", ALICE.name),
        OUTGOING_PW,
    );
    s.run(&format!("test server Dovecot --ca-file {ca}"), "");
    s.run(&format!("--json test outgoing Postfix --ca-file {ca}"), "");

    // An OAuth provider with a client secret, asked for an app-only token (refused: the
    // secret is a canary), and a device-code connection whose refresh token is the canary.
    s.ok(
        &format!(
            "oauth provider add --name Service --kind oidc --discovery-url {} --defaults --client-id {} --secret-stdin",
            mail.oauth.https_issuer, mail.oauth.service_client
        ),
        CLIENT_SECRET,
    );
    s.ok(
        &format!(
            "oauth provider add --name IdP --kind oidc --discovery-url {} --defaults --client-id {}",
            mail.oauth.https_issuer, mail.oauth.public_client
        ),
        "",
    );
    s.ok(&format!("server add --name DovecotOauth --protocol imap --host {HOST_GOOD} --security tls --port {imaps} --auth oauth2 --oauth-provider IdP"), "");
    s.ok("user add --login alice", "");
    s.ok(
        &format!(
            "account add --name Alice --email {} --owner-user alice --incoming DovecotOauth",
            ALICE.name
        ),
        "",
    );
    let mut child = s
        .with_ca(command(
            &[],
            &db,
            &words("--json oauth connect Alice --device"),
        ))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    s.printed.extend_from_slice(line.as_bytes());
    let ev: serde_json::Value = serde_json::from_str(&line).unwrap();
    let played = mail.oauth.browser(&[
        "device",
        ev["verification_uri"].as_str().unwrap(),
        ev["user_code"].as_str().unwrap(),
        ALICE.name,
        ALICE.password,
    ]);
    assert!(played.status.success(), "{}", text(&played.stderr));
    let out = child.wait_with_output().unwrap();
    s.printed.extend_from_slice(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stdout));
    s.run(&format!("--json test account Alice --ca-file {ca}"), "");
    s.run("oauth connect Alice --app-only", "");
    // The refresh token, as the keyring holds it: the canary of its kind.
    let tokens_ref = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT tokens_ref FROM oauth_connections').fetchone()[0])",
        ])
        .arg(&db)
        .output()
        .unwrap();
    let tokens_ref = text(&tokens_ref.stdout).trim().to_string();
    let stored: serde_json::Value = serde_json::from_str(
        &ss.lookup("mailbox-admin", &tokens_ref)
            .expect("the tokens are in the keyring"),
    )
    .unwrap();
    let refresh = stored["refresh_token"].as_str().unwrap().to_string();
    // The search can find what it looks for: the server's canary is where it belongs.
    let server_ref = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT password_ref FROM incoming_servers WHERE name='Dovecot'\").fetchone()[0])",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(
        ss.lookup("mailbox-admin", text(&server_ref.stdout).trim())
            .as_deref(),
        Some(SERVER_PW)
    );
    assert!(refresh.len() > 16);

    // A CalDAV calendar account whose password (the canary) Radicale refuses, tested: the run
    // with its transcript is in the history and in the export.
    let cal = caldav_support::TestCaldav::start(
        "127.0.0.1",
        &["cal.firma.test"],
        &[("anna", "other-Pw-1")],
        &[],
    );
    let cal_ca = dir.path().join("cal-ca.pem");
    std::fs::write(&cal_ca, &cal.ca_pem).unwrap();
    s.ok("employee add --name 'Anna Becker'", "");
    s.ok(
        &format!(
            "calendar add --name Anna --employee 'Anna Becker' --backend caldav --caldav-url {} --user anna --password-stdin",
            cal.url("/anna/")
        ),
        CALENDAR_PW,
    );
    let tested = s.run(
        &format!("--json test calendar Anna --ca-file {}", cal_ca.display()),
        "",
    );
    assert!(
        text(&tested.stdout).contains("caldav.auth_failed"),
        "{}",
        text(&tested.stdout)
    );

    // A certificate with a passphrase, and an export with the secrets.
    let p12 = dir.path().join("id.p12");
    let (key, crt) = (dir.path().join("id.key"), dir.path().join("id.crt"));
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
        ])
        .args(["-subj", "/CN=Vertrieb SMIME"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&crt)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made.stderr));
    let made = Command::new("openssl")
        .args(["pkcs12", "-export", "-inkey"])
        .arg(&key)
        .arg("-in")
        .arg(&crt)
        .arg("-out")
        .arg(&p12)
        .arg("-passout")
        .arg(format!("pass:{P12_PASS}"))
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made.stderr));
    s.ok(
        &format!(
            "cert import --name Zertifikat --passphrase-stdin {}",
            p12.display()
        ),
        P12_PASS,
    );
    let export = dir.path().join("export.json");
    s.ok(
        &format!("export --with-secrets --out {}", export.display()),
        EXPORT_PASS,
    );
    s.run("test history Dovecot", "");
    s.run("--json test history Dovecot", "");

    // Count every form of every canary in every file and in the output.
    let canaries = [
        ("server password", SERVER_PW, ALICE.name),
        ("outgoing password", OUTGOING_PW, ALICE.name),
        (
            "OAuth client secret",
            CLIENT_SECRET,
            mail.oauth.service_client,
        ),
        ("refresh token", refresh.as_str(), ""),
        ("certificate passphrase", P12_PASS, ""),
        ("export passphrase", EXPORT_PASS, ""),
        ("calendar password", CALENDAR_PW, "anna"),
    ];
    let mut places: Vec<(String, Vec<u8>)> = support::files_below(dir.path())
        .into_iter()
        .filter(|f| ![&p12, &key, &crt].contains(&f))
        .map(|f| {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&f).unwrap())
        })
        .collect();
    places.push(("what mbadmin printed".into(), s.printed.clone()));
    let names: Vec<&str> = places.iter().map(|(n, _)| n.as_str()).collect();
    // (The WAL and shared memory are folded into the database when the last connection
    // closes; while they exist they are searched like every other file.)
    for wanted in ["c.db", "export.json"] {
        assert!(names.contains(&wanted), "{wanted} not among {names:?}");
    }
    let mut hits: BTreeMap<(&str, String), usize> = BTreeMap::new();
    for (kind, secret, user) in &canaries {
        for (place, bytes) in &places {
            let n: usize = forms(secret, user)
                .iter()
                .map(|f| {
                    bytes
                        .windows(f.len())
                        .filter(|w| *w == f.as_bytes())
                        .count()
                })
                .sum();
            *hits.entry((kind, place.clone())).or_default() += n;
        }
    }
    println!("canary hits (kind × place; {} places):", places.len());
    for ((kind, place), n) in &hits {
        println!("  {kind:24} {place:28} {n}");
    }
    let total: usize = hits.values().sum();
    println!("total: {total}");
    assert_eq!(total, 0, "a credential was found");
}
