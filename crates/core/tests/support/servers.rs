//! Real mail servers for the connection tests, started once per test process on loopback
//! high ports with all state in a temp directory: Dovecot (IMAP, POP3, LMTP, SASL) and
//! Postfix (submission with STARTTLS, SMTPS, a plain port; SASL through Dovecot; delivery to
//! Dovecot by LMTP), plus the certificates they serve, made here: a test CA, a good
//! certificate, one for another name, an expired, a not-yet-valid, a soon-expiring, a
//! self-signed one and one from an untrusted CA — each on its own loopback address.
//! Also an OAuth 2.0 authorization server (`tests/oauth/provider.mjs`, see `OAuthServer`):
//! Dovecot accepts XOAUTH2 and OAUTHBEARER tokens after introspecting them there, and so does
//! Postfix through Dovecot's SASL; password logins never touch it.
//! Second implementations of each protocol: GNU Mailutils imap4d and pop3d, aiosmtpd
//! (`tests/aiosmtpd_server.py`); and a Postfix port whose SASL back end dies
//! (`tests/dead_auth_service.py`).
//! Postfix also serves SMTP AUTH NTLM through Cyrus SASL (its NTLM plugin, a sasldb) and a
//! port that requires a TLS client certificate from a client CA made here; a second, small
//! Dovecot instance requires one from the same CA for IMAPS and POP3S
//! (`auth_ssl_require_client_cert` is an auth setting: no `local` block can scope it).
//!
//! The NTLM port writes NTLM_USER into the system's `/etc/sasldb2` (root:postfix, 0640):
//! Postfix's Cyrus SASL reads that file whatever `sasldb_path` says. The user's name is
//! unlikely to exist anywhere else, and writing it again is harmless (same password).
//!
//! Stopped when the test process exits (atexit, plus PR_SET_PDEATHSIG if it is killed).
//! Needs root and `scripts/install-deps.sh test` (dovecot-imapd dovecot-pop3d dovecot-lmtpd
//! postfix mailutils-imap4d mailutils-pop3d, Node.js and `npm ci` in tests/oauth, aiosmtpd
//! in tests/.venv).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Where each certificate is served (Dovecot picks it by the local address).
pub const HOST_GOOD: &str = "127.0.0.1";
pub const HOST_OTHER_NAME: &str = "127.0.0.3";
pub const HOST_EXPIRED: &str = "127.0.0.4";
pub const HOST_NOT_YET_VALID: &str = "127.0.0.5";
pub const HOST_SELF_SIGNED: &str = "127.0.0.6";
pub const HOST_UNTRUSTED: &str = "127.0.0.7";
pub const HOST_EXPIRES_SOON: &str = "127.0.0.8";
/// The name in the certificate served on `HOST_OTHER_NAME`.
pub const OTHER_NAME: &str = "mail.example.org";
/// A client bound here is not "secured" for Dovecot (client IP ≠ server IP).
pub const REMOTE_CLIENT: &str = "127.0.0.2";

pub struct User {
    pub name: &'static str,
    pub password: &'static str,
}

const fn user(name: &'static str, password: &'static str) -> User {
    User { name, password }
}

/// General tests. The password is the canary: it must never show up anywhere.
pub const ALICE: User = user("alice@example.test", "Canary-Alice-\"q\"-7Qz\\x");
/// Receives test mails.
pub const BOB: User = user("bob@example.test", "bob-Pw-20ZZ");
/// IMAP round trips.
pub const CAROL: User = user("carol@example.test", "carol-Pw-31QQ");
/// POP3 round trips.
pub const DAVE: User = user("dave@example.test", "dave-Pw-42RR");
/// Dovecot's password back end for him is down (a checkpassword program that exits 111,
/// "temporary problem"): every login of his fails temporarily — IMAP, POP3 and SMTP through
/// Postfix's SASL (`454 4.7.0 Temporary authentication failure`). The password is right.
pub const FRANK: User = user("frank@example.test", "frank-Pw-64TT");
/// The user of the second implementations (GNU Mailutils imap4d/pop3d, aiosmtpd).
pub const ERIN: User = user("erin@example.test", "erin-Pw-53SS");
/// The NTLM user in `/etc/sasldb2` (realm NTLM_REALM) for the Postfix port `smtps_ntlm`.
pub const NTLM_USER: User = user("mbtest-ntlm-user", "Canary-Ntlm-Pw-4Xy!");
/// The Cyrus SASL realm of the NTLM port (`smtpd_sasl_local_domain`).
pub const NTLM_REALM: &str = "ntlm.mbtest";
/// Accepted by Postfix, then discarded: a round trip to it never arrives.
pub const LOST_ADDRESS: &str = "lost@example.test";
/// Accepted at RCPT, refused at DATA.
pub const SPAMTRAP_ADDRESS: &str = "spamtrap@example.test";

pub struct Ports {
    /// IMAP with STARTTLS (and plaintext), 127.0.0.1.
    pub imap: u16,
    /// IMAPS (implicit TLS), good certificate, 127.0.0.1.
    pub imaps: u16,
    /// IMAPS on 127.0.0.3–8, one certificate per address.
    pub imaps_certs: u16,
    pub pop3: u16,
    pub pop3s: u16,
    /// SMTP submission: STARTTLS, AUTH only after TLS, sender must belong to the login.
    pub submission: u16,
    /// SMTPS (implicit TLS).
    pub smtps: u16,
    /// SMTP without TLS: AUTH PLAIN/LOGIN only, no relaying even when logged in.
    pub smtp_plain: u16,
    /// Implicit TLS that speaks only TLS 1.0 (`openssl s_server -tls1`, good certificate,
    /// 127.0.0.1): a server from before TLS 1.2.
    pub tls10: u16,
    /// GNU Mailutils imap4d (a second IMAP implementation), user ERIN, good certificate,
    /// 127.0.0.1: STARTTLS offered, plaintext login allowed.
    pub mu_imap: u16,
    /// Mailutils imap4d with `tls-mode required`: no login before STARTTLS.
    pub mu_imap_tls_required: u16,
    /// Mailutils imap4d, implicit TLS.
    pub mu_imaps: u16,
    /// GNU Mailutils pop3d, the same three ways.
    pub mu_pop3: u16,
    pub mu_pop3_tls_required: u16,
    pub mu_pop3s: u16,
    /// aiosmtpd (a second SMTP implementation, `tests/aiosmtpd_server.py`), user ERIN:
    /// STARTTLS, AUTH only after it.
    pub aio_submission: u16,
    /// aiosmtpd, implicit TLS.
    pub aio_smtps: u16,
    /// Postfix SMTPS whose SASL back end dies at every AUTH (`tests/dead_auth_service.py`
    /// on its `smtpd_sasl_path`): every login ends with `454 4.7.0 Temporary authentication
    /// failure`.
    pub smtps_sasl_down: u16,
    /// Postfix SMTPS with Cyrus SASL (sasldb, user NTLM_USER): NTLM among Cyrus' other
    /// mechanisms (its `mech_list` in smtpd.conf is not honoured there, like `sasldb_path`).
    pub smtps_ntlm: u16,
    /// Postfix SMTPS that requires a client certificate issued by the client CA
    /// (`MailServers::client_cert`); AUTH through Dovecot as on the other ports.
    pub smtps_client_cert: u16,
    /// Dovecot IMAPS (a second instance, `DOVECOT_CCERT_CONF`) that asks every client for a
    /// certificate and refuses the login — `NO [ALERT] Client didn't present valid SSL
    /// certificate` — without one of the client CA (`MailServers::client_cert`). The
    /// users, passwords and mailboxes of the main instance.
    pub imaps_client_cert: u16,
    /// The same instance's POP3S.
    pub pop3s_client_cert: u16,
}

/// A client certificate with its key, both PEM.
pub struct ClientCert {
    pub cert_pem: String,
    pub key_pem: String,
}

pub struct MailServers {
    pub dir: PathBuf,
    pub ports: Ports,
    /// The test CA (PEM) to pass as an extra root.
    pub ca_pem: String,
    /// SHA-256 (`AB:CD:…`) of the self-signed certificate.
    pub self_signed_sha256: String,
    /// SHA-256 of the good certificate.
    pub good_sha256: String,
    /// The OAuth 2.0 authorization server whose tokens Dovecot and Postfix accept.
    pub oauth: OAuthServer,
    /// Issued by the client CA that `smtps_client_cert` trusts.
    pub client_cert: ClientCert,
    /// Issued by another CA (the untrusted one): refused by `smtps_client_cert`.
    pub other_client_cert: ClientCert,
}

// The clients of tests/oauth/provider.mjs (it defines them; start_oauth checks that they agree).
const OAUTH_PUBLIC_CLIENT: &str = "mailbox-admin";
const OAUTH_SHORT_LIVED_CLIENT: &str = "mailbox-admin-short";
const OAUTH_SERVICE_CLIENT: &str = "mailbox-admin-service";
const OAUTH_SERVICE_SECRET: &str = "Canary-Client-Secret-9fK2";
const OAUTH_SERVICE_EMAIL: &str = CAROL.name;
const OAUTH_INTROSPECTION_CLIENT: &str = "dovecot";
const OAUTH_INTROSPECTION_SECRET: &str = "Canary-Dovecot-Introspect-4hT7";
const OAUTH_REDIRECT_URI: &str = "http://127.0.0.1/callback";

/// The OAuth 2.0 / OpenID Connect authorization server of the tests: npm `oidc-provider`
/// run by `tests/oauth/provider.mjs` on 127.0.0.1, in memory, stopped with the other servers.
/// Users are ALICE … DAVE with their passwords (login = e-mail address). Access tokens are
/// opaque; Dovecot introspects each one (no cache) and maps it to the mailbox in its `email`
/// (`sub` is the local part, e.g. `alice`, never used for that). Dovecot does not check the
/// scope: any active token for the mailbox logs in.
///
/// A test plays the user with `browser` (`tests/oauth/browser.mjs`, fetch and a cookie jar):
/// - authorization code: the app listens on 127.0.0.1 and builds the authorization URL; then
///   `oauth.browser(&["authorize", &url, ALICE.name, ALICE.password])` signs in, allows and
///   requests the final redirect to the app's listener (stdout: that URL). It blocks, so run
///   it on a thread (`std::thread::spawn` / `spawn_blocking`) while the app awaits the
///   redirect. Add `"--deny"` to refuse (the redirect then carries `error=access_denied`).
/// - device code: after the app's device authorization request,
///   `oauth.browser(&["device", &verification_uri_complete, &user_code, login, password])`
///   confirms the code, signs in and allows (stdout `approved`); `"--deny"` refuses on the
///   sign-in page, `"--abort"` on the code confirmation page (stdout `denied`), after which
///   the token endpoint answers `access_denied`.
///
/// Exit status 0 when the asked outcome happened; otherwise 1 and one line on stderr (e.g.
/// `browser: login_failed: Invalid e-mail address or password.`, `browser: code_not_found:
/// …`, `browser: code_expired: …`, `browser: code_used: …`).
pub struct OAuthServer {
    /// `http://127.0.0.1:PORT`; the endpoints are below it (see the methods).
    pub issuer: String,
    pub port: u16,
    /// The same provider over HTTPS with the test CA's good certificate (127.0.0.1): its
    /// discovery document names https endpoints. Clients must trust `ca_file`.
    pub https_issuer: String,
    /// The test CA (PEM file), for `--ca-file`, `MAILBOX_ADMIN_EXTRA_CA` and Node.js.
    pub ca_file: PathBuf,
    /// Public native client (no secret): authorization code with PKCE S256 (required) and
    /// `redirect_uri` on any port, device code, refresh tokens when
    /// `offline_access` is asked for (rotated on use; reusing an old one revokes the grant).
    /// Scopes: openid email profile offline_access imap pop smtp.
    pub public_client: &'static str,
    /// The same as `public_client`, but its access tokens expire after `short_ttl` seconds.
    pub short_lived_client: &'static str,
    pub short_ttl: u64,
    /// Confidential client for client credentials (secret by HTTP Basic or in the form),
    /// scopes imap pop smtp. Its tokens are for `service_email`'s mailbox: the server sets
    /// that `email`, nothing in the token request can change it.
    pub service_client: &'static str,
    pub service_secret: &'static str,
    pub service_email: &'static str,
    /// Dovecot's client for introspection (the only client allowed to introspect; secret in
    /// the POST body). Tests may use it too, to see what Dovecot sees.
    pub introspection_client: &'static str,
    pub introspection_secret: &'static str,
    /// `http://127.0.0.1/callback`, registered without a port: any port is accepted
    /// (RFC 8252 loopback redirect).
    pub redirect_uri: &'static str,
    /// Lifetime of access tokens in seconds (all clients but `short_lived_client`), 3600
    /// unless `OAUTH_ACCESS_TTL` is set for the test process.
    pub access_ttl: u64,
    /// The provider's log (its stderr).
    pub log: PathBuf,
}

impl OAuthServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }
    pub fn discovery_url(&self) -> String {
        self.url("/.well-known/openid-configuration")
    }
    pub fn authorization_endpoint(&self) -> String {
        self.url("/auth")
    }
    pub fn token_endpoint(&self) -> String {
        self.url("/token")
    }
    pub fn device_authorization_endpoint(&self) -> String {
        self.url("/device/auth")
    }
    pub fn revocation_endpoint(&self) -> String {
        self.url("/token/revocation")
    }
    pub fn introspection_endpoint(&self) -> String {
        self.url("/token/introspection")
    }
    pub fn userinfo_endpoint(&self) -> String {
        self.url("/me")
    }

    /// `tests/oauth/browser.mjs`, for tests that run it themselves (`node PATH ARGS`).
    pub fn browser_script(&self) -> PathBuf {
        oauth_dir().join("browser.mjs")
    }

    /// Runs `node tests/oauth/browser.mjs ARGS` (see the type's documentation) and returns
    /// what it did. Bounded: at most 20 redirects, 10 s per request, 60 s in all.
    pub fn browser(&self, args: &[&str]) -> Output {
        Command::new("node")
            .arg(self.browser_script())
            .args(args)
            .env("NODE_EXTRA_CA_CERTS", &self.ca_file)
            .stdin(Stdio::null())
            .output()
            .expect("run node tests/oauth/browser.mjs")
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl MailServers {
    pub fn maildir(&self, user: &str) -> PathBuf {
        self.dir.join("mail").join(user).join("Maildir")
    }

    /// Every message file of a user's INBOX, read.
    pub fn inbox_messages(&self, user: &str) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(rd) = std::fs::read_dir(self.maildir(user).join(sub)) {
                for e in rd.flatten() {
                    if let Ok(s) = std::fs::read_to_string(e.path()) {
                        out.push(s);
                    }
                }
            }
        }
        out
    }

    pub fn dovecot_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dovecot/dovecot.log")).unwrap_or_default()
    }

    pub fn postfix_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("postfix/postfix.log")).unwrap_or_default()
    }
}

static SERVERS: OnceLock<MailServers> = OnceLock::new();
/// Process groups to stop at exit.
static GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());
static CLEANUP_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);
/// The OAuth server's stdin: it exits when this is closed.
static OAUTH_STDIN: Mutex<Option<ChildStdin>> = Mutex::new(None);

/// The servers of this test process, started on first use.
pub fn servers() -> &'static MailServers {
    SERVERS.get_or_init(|| {
        // Spawned from a thread that lives as long as the process: PR_SET_PDEATHSIG fires
        // when the spawning *thread* ends, and test threads end after each test.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("mail-servers".into())
            .spawn(move || {
                let r = std::panic::catch_unwind(start_with_retries);
                let _ = tx.send(r);
                loop {
                    std::thread::park();
                }
            })
            .unwrap();
        match rx.recv().unwrap() {
            Ok(s) => s,
            Err(p) => std::panic::resume_unwind(p),
        }
    })
}

fn start_with_retries() -> MailServers {
    unsafe {
        libc::atexit(stop_all);
    }
    let mut last = String::new();
    // A port picked as free may be taken by another test process before the server binds.
    for _ in 0..3 {
        match start() {
            Ok(s) => return s,
            Err(e) => {
                last = e;
                stop_all();
            }
        }
    }
    panic!("could not start the test mail servers: {last}");
}

extern "C" fn stop_all() {
    drop(OAUTH_STDIN.lock().unwrap_or_else(|e| e.into_inner()).take());
    let groups: Vec<i32> = std::mem::take(&mut *GROUPS.lock().unwrap_or_else(|e| e.into_inner()));
    for g in &groups {
        unsafe {
            libc::kill(-g, libc::SIGTERM);
        }
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    for g in &groups {
        loop {
            let mut status = 0;
            let r = unsafe { libc::waitpid(*g, &mut status, libc::WNOHANG) };
            if r != 0 || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Whatever is left of the group (workers of the daemon).
        unsafe {
            libc::kill(-g, libc::SIGKILL);
        }
    }
    if let Some(dir) = CLEANUP_DIR.lock().unwrap_or_else(|e| e.into_inner()).take() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn free_port(ip: &str) -> u16 {
    let l = TcpListener::bind((ip, 0)).expect("bind a loopback port");
    l.local_addr().unwrap().port()
}

fn wait_for_port(ip: &str, port: u16, deadline: Instant) -> bool {
    let addr: SocketAddr = format!("{ip}:{port}").parse().unwrap();
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn write(path: &Path, text: &str) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn chown(path: &Path, user: &str) {
    let st = Command::new("chown")
        .arg(user)
        .arg(path)
        .status()
        .expect("chown");
    assert!(st.success(), "chown {user} {}", path.display());
}

fn sha256(der: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

struct Pki {
    ca_pem: String,
    self_signed_sha256: String,
    good_sha256: String,
    client_cert: ClientCert,
    other_client_cert: ClientCert,
}

/// Writes `<name>.crt` / `<name>.key` for every certificate into `dir`.
fn make_certs(dir: &Path) -> Pki {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let ca = |cn: &str| {
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.distinguished_name.push(DnType::CommonName, cn);
        p.distinguished_name
            .push(DnType::OrganizationName, "Mailbox Admin tests");
        p.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        p.not_before = rcgen::date_time_ymd(2020, 1, 1);
        p.not_after = rcgen::date_time_ymd(2060, 1, 1);
        let cert = p.self_signed(&key).unwrap();
        (p, key, cert)
    };
    let (ca_params, ca_key, ca_cert) = ca("Mailbox Admin Test CA");
    let (bad_params, bad_key, _) = ca("Untrusted Test CA");
    let ca_issuer = Issuer::from_params(&ca_params, &ca_key);
    let bad_issuer = Issuer::from_params(&bad_params, &bad_key);

    let leaf_params = |names: &[&str], from: time::OffsetDateTime, to: time::OffsetDateTime| {
        let mut p = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
        p.distinguished_name.push(DnType::CommonName, names[0]);
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        p.not_before = from;
        p.not_after = to;
        p
    };
    let now = time::OffsetDateTime::now_utc();
    let long_ago = rcgen::date_time_ymd(2020, 1, 1);
    let far = rcgen::date_time_ymd(2060, 1, 1);
    let save = |name: &str, cert: &rcgen::Certificate, key: &KeyPair| {
        write(&dir.join(format!("{name}.crt")), &cert.pem());
        write(&dir.join(format!("{name}.key")), &key.serialize_pem());
    };

    let signed = |params: CertificateParams, issuer: &Issuer<'_, &KeyPair>| {
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, issuer).unwrap();
        (cert, key)
    };
    let (good, k) = signed(
        // example.test and its hosts: detection tests resolve them (through their own DNS)
        // to 127.0.0.1 and log in with the settings they found.
        leaf_params(
            &["localhost", "127.0.0.1", "example.test", "*.example.test"],
            long_ago,
            far,
        ),
        &ca_issuer,
    );
    save("good", &good, &k);
    let good_sha256 = sha256(good.der());
    // The certificates of the special addresses: name, names in it, validity, issuer.
    let ymd = rcgen::date_time_ymd;
    let leaves: [(&str, &[&str], _, _, &Issuer<'_, &KeyPair>); 5] = [
        ("other", &[OTHER_NAME], long_ago, far, &ca_issuer),
        (
            "expired",
            &["localhost", HOST_EXPIRED],
            long_ago,
            ymd(2021, 1, 1),
            &ca_issuer,
        ),
        (
            "future",
            &["localhost", HOST_NOT_YET_VALID],
            ymd(2090, 1, 1),
            ymd(2091, 1, 1),
            &ca_issuer,
        ),
        (
            "soon",
            &["localhost", HOST_EXPIRES_SOON],
            long_ago,
            now + time::Duration::days(5),
            &ca_issuer,
        ),
        (
            "untrusted",
            &["localhost", HOST_UNTRUSTED],
            long_ago,
            far,
            &bad_issuer,
        ),
    ];
    for (name, names, from, to, issuer) in leaves {
        let (c, k) = signed(leaf_params(names, from, to), issuer);
        save(name, &c, &k);
    }
    let self_key = KeyPair::generate().unwrap();
    let self_cert = leaf_params(&["localhost", HOST_SELF_SIGNED], long_ago, far)
        .self_signed(&self_key)
        .unwrap();
    save("selfsigned", &self_cert, &self_key);
    let self_signed_sha256 = sha256(self_cert.der());
    write(&dir.join("ca.crt"), &ca_cert.pem());
    // Dovecot presents the whole chain, root included (as many Exchange servers do), so a
    // failed test can offer to trust that root; Postfix presents the leaf only.
    write(
        &dir.join("good-chain.crt"),
        &format!("{}{}", good.pem(), ca_cert.pem()),
    );
    // Client certificates: a client CA that the client-certificate port trusts, its
    // client, and a client of the untrusted CA.
    let (client_ca_params, client_ca_key, client_ca_cert) = ca("Mailbox Admin Test Client CA");
    let client_ca_issuer = Issuer::from_params(&client_ca_params, &client_ca_key);
    write(&dir.join("client-ca.crt"), &client_ca_cert.pem());
    let client = |cn: &str, issuer: &Issuer<'_, &KeyPair>| {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        p.not_before = long_ago;
        p.not_after = far;
        let (cert, key) = signed(p, issuer);
        ClientCert {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    };
    let client_cert = client("mbtest client", &client_ca_issuer);
    let other_client_cert = client("mbtest client of another CA", &bad_issuer);
    Pki {
        ca_pem: ca_cert.pem(),
        self_signed_sha256,
        good_sha256,
        client_cert,
        other_client_cert,
    }
}

/// The certificate (file name under `certs/`) each special address serves.
const CERT_ADDRESSES: [(&str, &str); 6] = [
    (HOST_OTHER_NAME, "other"),
    (HOST_EXPIRED, "expired"),
    (HOST_NOT_YET_VALID, "future"),
    (HOST_SELF_SIGNED, "selfsigned"),
    (HOST_UNTRUSTED, "untrusted"),
    (HOST_EXPIRES_SOON, "soon"),
];

const DOVECOT_CONF: &str = r#"
base_dir = @DIR@/dovecot/run
state_dir = @DIR@/dovecot/state
instance_name = @INSTANCE@
listen = 127.0.0.1
protocols = imap pop3 lmtp
log_path = @DIR@/dovecot/dovecot.log
ssl = yes
ssl_cert = <@DIR@/certs/good-chain.crt
ssl_key = <@DIR@/certs/good.key
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login cram-md5 xoauth2 oauthbearer
# Failed logins are what many tests provoke: no delay, no penalty.
auth_failure_delay = 0
disable_plaintext_auth = yes
first_valid_uid = 1
# Many sessions of one user at once (bulk tests and their benchmark log in as one user).
mail_max_userip_connections = 2000
default_client_limit = 2000
mail_location = maildir:~/Maildir
# FRANK's password back end is down: the program exits 111 ("temporary problem"), which
# Dovecot reports as a temporary failure (and Postfix, through its SASL, as 454 4.7.0).
passdb {
  driver = checkpassword
  args = @DIR@/dovecot/backend-down.sh
  username_filter = frank@example.test
  result_internalfail = return-fail
}
passdb {
  driver = passwd-file
  # Passwords only (and lookups without a mechanism): a token never meets this passdb.
  mechanisms = plain login cram-md5 none
  args = scheme=PLAIN username_format=%u @DIR@/dovecot/passwd
}
# Tokens only, validated by introspection at the test OAuth server (oauth2.conf.ext); a
# password login never reaches it.
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = @DIR@/dovecot/oauth2.conf.ext
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=@DIR@/mail/%u
}
namespace inbox {
  inbox = yes
  separator = .
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \Junk
    auto = create
  }
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
}
service imap-login {
  # High-performance mode: login processes serve many connections instead of one each.
  service_count = 0
  process_min_avail = 2
  inet_listener imap {
    address = 127.0.0.1
    port = @IMAP@
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = @IMAPS@
    ssl = yes
  }
  inet_listener imaps_certs {
    address = 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 127.0.0.8
    port = @IMAPS_CERTS@
    ssl = yes
  }
}
service imap {
  # Reuse mail processes across sessions (one user's many sessions in bulk tests).
  service_count = 0
  client_limit = 50
  process_min_avail = 2
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = @POP3@
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = @POP3S@
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
service auth {
  unix_listener auth-client {
    mode = 0666
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
@LOCALS@"#;

/// Dovecot's oauth2 passdb: every token is introspected (no tokeninfo, no local validation,
/// no cache); the mailbox is the token's `email`; `active` must be `true`. No `scope`: this
/// Dovecot (Debian 2.3.19.1+deb12u7) requires *every* listed scope, upstream only one of
/// them, so a scope list would mean different things on different machines. On failure
/// Dovecot's challenge names the discovery document.
const DOVECOT_OAUTH2_CONF: &str = r#"
introspection_mode = post
introspection_url = @ISSUER@/token/introspection
client_id = @CLIENT@
client_secret = @SECRET@
force_introspection = yes
username_attribute = email
active_attribute = active
active_value = true
openid_configuration_url = @ISSUER@/.well-known/openid-configuration
timeout_msecs = 5000
"#;

const POSTFIX_MAIN: &str = r#"
compatibility_level = 3.6
queue_directory = @DIR@/postfix/queue
data_directory = @DIR@/postfix/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mbtest.localhost
mydomain = localhost
myorigin = $myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.99/32
alias_maps =
alias_database =
maillog_file = @DIR@/postfix/postfix.log
maillog_file_prefixes = @DIR@
smtputf8_enable = no
biff = no
in_flow_delay = 0
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 200
# Nothing ever leaves this machine: no DNS, and every non-local destination bounces.
smtp_dns_support_level = disabled
disable_dns_lookups = yes
default_transport = error:external delivery is disabled in tests
relay_transport = error:external delivery is disabled in tests
virtual_mailbox_domains = example.test
virtual_mailbox_maps = texthash:@DIR@/postfix/conf/vmailbox
virtual_transport = lmtp:unix:@DIR@/dovecot/run/lmtp
transport_maps = texthash:@DIR@/postfix/conf/transport
smtpd_sasl_type = dovecot
smtpd_sasl_path = @DIR@/dovecot/run/auth-client
smtpd_sasl_auth_enable = yes
smtpd_sasl_security_options = noanonymous
smtpd_tls_cert_file = @DIR@/certs/good.crt
smtpd_tls_key_file = @DIR@/certs/good.key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
# Restrictions apply at the command that triggers them (MAIL FROM), not at RCPT.
smtpd_delay_reject = no
smtpd_sender_login_maps = texthash:@DIR@/postfix/conf/senders
smtpd_sender_restrictions = reject_sender_login_mismatch
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions =
smtpd_data_restrictions = check_recipient_access texthash:@DIR@/postfix/conf/data_access
"#;

const POSTFIX_MASTER: &str = r#"
127.0.0.1:@SUBMISSION@ inet n - n - - smtpd
127.0.0.1:@SMTPS@ inet n - n - - smtpd -o smtpd_tls_wrappermode=yes
127.0.0.1:@SASLDOWN@ inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_sasl_path=@DIR@/dead-auth/auth-client
127.0.0.1:@NTLM@ inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_sasl_type=cyrus -o smtpd_sasl_path=smtpd -o cyrus_sasl_config_path=@DIR@/postfix/sasl -o smtpd_sasl_local_domain=@NTLM_REALM@
127.0.0.1:@CCERT@ inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt -o smtpd_tls_ask_ccert=yes -o smtpd_tls_req_ccert=yes -o smtpd_tls_CAfile=@DIR@/certs/client-ca.crt
127.0.0.1:@PLAIN@ inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_tls_auth_only=no -o smtpd_relay_restrictions=reject_unauth_destination -o smtpd_sasl_mechanism_filter=plain,login
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"#;

/// The child gets SIGTERM when the test process (the thread that spawned it) ends.
fn dies_with_the_tests(cmd: &mut Command) {
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
}

fn spawn_daemon(cmd: &mut Command, log: &Path) -> Result<i32, String> {
    let out = std::fs::File::create(log).map_err(|e| e.to_string())?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    cmd.stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .process_group(0);
    dies_with_the_tests(cmd);
    let child = cmd.spawn().map_err(|e| format!("{cmd:?}: {e}"))?;
    let pid = child.id() as i32;
    GROUPS.lock().unwrap().push(pid);
    // The child is reaped by stop_all; dropping `Child` does not kill it.
    std::mem::forget(child);
    Ok(pid)
}

/// `tests/oauth` of the repository.
fn oauth_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oauth")
}

/// Starts `node tests/oauth/provider.mjs` (it picks a free port on 127.0.0.1 and prints one
/// JSON line when ready); it stops when `OAUTH_STDIN` is closed, on SIGTERM, and with us.
fn start_oauth(dir: &Path) -> Result<OAuthServer, String> {
    let oauth = oauth_dir();
    if !oauth.join("node_modules/oidc-provider").exists() {
        panic!(
            "{} is missing: run scripts/install-deps.sh test (npm ci in tests/oauth)",
            oauth.join("node_modules/oidc-provider").display()
        );
    }
    std::fs::create_dir_all(dir.join("oauth")).map_err(|e| e.to_string())?;
    let log = dir.join("oauth/provider.log");
    let err = std::fs::File::create(&log).map_err(|e| e.to_string())?;
    let users: Vec<serde_json::Value> = [&ALICE, &BOB, &CAROL, &DAVE]
        .iter()
        .map(|u| serde_json::json!({ "name": u.name, "password": u.password }))
        .collect();
    let mut cmd = Command::new("node");
    cmd.arg(oauth.join("provider.mjs"))
        .env("OAUTH_USERS", serde_json::Value::Array(users).to_string())
        .env("OAUTH_SERVICE_EMAIL", OAUTH_SERVICE_EMAIL)
        .env("OAUTH_TLS_CERT", dir.join("certs/good.crt"))
        .env("OAUTH_TLS_KEY", dir.join("certs/good.key"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(err)
        .process_group(0);
    dies_with_the_tests(&mut cmd);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("node is missing: install Node.js 20+ (scripts/install-deps.sh test)")
        }
        Err(e) => return Err(format!("node tests/oauth/provider.mjs: {e}")),
    };
    GROUPS.lock().unwrap().push(child.id() as i32);
    *OAUTH_STDIN.lock().unwrap() = child.stdin.take();
    let stdout = child.stdout.take().expect("the provider's stdout");
    // Reaped by stop_all like the daemons.
    std::mem::forget(child);

    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("oauth-provider".into())
        .spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let r = reader.read_line(&mut line).map(|_| line);
            let _ = tx.send(r);
            // Keep reading until the provider exits (it writes nothing more).
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        })
        .map_err(|e| e.to_string())?;
    let line = match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(Ok(line)) if !line.trim().is_empty() => line,
        other => {
            return Err(format!(
                "the OAuth server did not start ({other:?}): {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            ))
        }
    };
    let info: serde_json::Value = serde_json::from_str(line.trim())
        .map_err(|e| format!("the OAuth server said {line:?}: {e}"))?;
    let issuer = info["issuer"]
        .as_str()
        .ok_or_else(|| format!("no issuer in {line:?}"))?
        .to_string();
    let port = info["port"]
        .as_u64()
        .and_then(|p| u16::try_from(p).ok())
        .ok_or_else(|| format!("no port in {line:?}"))?;
    // provider.mjs defines the clients; the constants here must say the same.
    for (pointer, want) in [
        ("/clients/public", OAUTH_PUBLIC_CLIENT),
        ("/clients/short_lived", OAUTH_SHORT_LIVED_CLIENT),
        ("/clients/service/client_id", OAUTH_SERVICE_CLIENT),
        ("/clients/service/client_secret", OAUTH_SERVICE_SECRET),
        ("/clients/service/email", OAUTH_SERVICE_EMAIL),
        (
            "/clients/introspection/client_id",
            OAUTH_INTROSPECTION_CLIENT,
        ),
        (
            "/clients/introspection/client_secret",
            OAUTH_INTROSPECTION_SECRET,
        ),
        ("/redirect_uri", OAUTH_REDIRECT_URI),
    ] {
        let got = info.pointer(pointer).and_then(|v| v.as_str());
        if got != Some(want) {
            return Err(format!(
                "tests/oauth/provider.mjs has {got:?} at {pointer}, servers.rs expects {want:?}"
            ));
        }
    }
    let https_issuer = info["https_issuer"]
        .as_str()
        .ok_or_else(|| format!("no https_issuer in {line:?}"))?
        .to_string();
    Ok(OAuthServer {
        issuer,
        port,
        https_issuer,
        ca_file: dir.join("certs/ca.crt"),
        public_client: OAUTH_PUBLIC_CLIENT,
        short_lived_client: OAUTH_SHORT_LIVED_CLIENT,
        short_ttl: info["short_ttl"].as_u64().unwrap_or(3),
        service_client: OAUTH_SERVICE_CLIENT,
        service_secret: OAUTH_SERVICE_SECRET,
        service_email: OAUTH_SERVICE_EMAIL,
        introspection_client: OAUTH_INTROSPECTION_CLIENT,
        introspection_secret: OAUTH_INTROSPECTION_SECRET,
        redirect_uri: OAUTH_REDIRECT_URI,
        access_ttl: info["access_ttl"].as_u64().unwrap_or(3600),
        log,
    })
}

fn exited(pid: i32) -> bool {
    let mut status = 0;
    unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) == pid }
}

fn start() -> Result<MailServers, String> {
    for (bin, pkg) in [
        (
            "/usr/sbin/dovecot",
            "dovecot-imapd dovecot-pop3d dovecot-lmtpd",
        ),
        ("/usr/sbin/postfix", "postfix"),
    ] {
        if !Path::new(bin).exists() {
            panic!("{bin} is missing: install {pkg} (scripts/install-deps.sh test)");
        }
    }
    let tmp = tempfile::Builder::new()
        .prefix("mbtest-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let dir = tmp.keep();
    *CLEANUP_DIR.lock().unwrap() = Some(dir.clone());
    chmod(&dir, 0o755);
    let d = dir.display().to_string();
    let pki = make_certs(&dir.join("certs"));
    chmod(&dir.join("certs"), 0o755);

    let ports = Ports {
        imap: free_port(HOST_GOOD),
        imaps: free_port(HOST_GOOD),
        imaps_certs: free_port(HOST_OTHER_NAME),
        pop3: free_port(HOST_GOOD),
        pop3s: free_port(HOST_GOOD),
        submission: free_port(HOST_GOOD),
        smtps: free_port(HOST_GOOD),
        smtp_plain: free_port(HOST_GOOD),
        tls10: free_port(HOST_GOOD),
        mu_imap: free_port(HOST_GOOD),
        mu_imap_tls_required: free_port(HOST_GOOD),
        mu_imaps: free_port(HOST_GOOD),
        mu_pop3: free_port(HOST_GOOD),
        mu_pop3_tls_required: free_port(HOST_GOOD),
        mu_pop3s: free_port(HOST_GOOD),
        aio_submission: free_port(HOST_GOOD),
        aio_smtps: free_port(HOST_GOOD),
        smtps_sasl_down: free_port(HOST_GOOD),
        smtps_ntlm: free_port(HOST_GOOD),
        smtps_client_cert: free_port(HOST_GOOD),
        imaps_client_cert: free_port(HOST_GOOD),
        pop3s_client_cert: free_port(HOST_GOOD),
    };

    // The OAuth server first: Dovecot's configuration names it.
    let oauth = start_oauth(&dir)?;

    // Dovecot, with a `local` block per special address.
    let locals: String = CERT_ADDRESSES
        .iter()
        .map(|(ip, cert)| {
            format!("local {ip} {{\n  ssl_cert = <{d}/certs/{cert}.crt\n  ssl_key = <{d}/certs/{cert}.key\n}}\n")
        })
        .collect();
    let conf = DOVECOT_CONF
        .replace("@LOCALS@", &locals)
        .replace("@DIR@", &d)
        .replace("@INSTANCE@", &format!("mbtest-{}", std::process::id()))
        .replace("@IMAP@", &ports.imap.to_string())
        .replace("@IMAPS@", &ports.imaps.to_string())
        .replace("@IMAPS_CERTS@", &ports.imaps_certs.to_string())
        .replace("@POP3@", &ports.pop3.to_string())
        .replace("@POP3S@", &ports.pop3s.to_string());
    write(&dir.join("dovecot/dovecot.conf"), &conf);
    let oauth2_conf = DOVECOT_OAUTH2_CONF
        .replace("@ISSUER@", &oauth.issuer)
        .replace("@CLIENT@", oauth.introspection_client)
        .replace("@SECRET@", oauth.introspection_secret);
    write(&dir.join("dovecot/oauth2.conf.ext"), &oauth2_conf);
    let users = [&ALICE, &BOB, &CAROL, &DAVE];
    let passwd: String = users
        .iter()
        .map(|u| format!("{}:{{PLAIN}}{}\n", u.name, u.password))
        .collect();
    write(&dir.join("dovecot/passwd"), &passwd);
    write(
        &dir.join("dovecot/backend-down.sh"),
        "#!/bin/sh\n# The password database is unreachable.\nexit 111\n",
    );
    chmod(&dir.join("dovecot/backend-down.sh"), 0o755);
    std::fs::create_dir_all(dir.join("mail")).unwrap();
    chmod(&dir.join("mail"), 0o1777);
    chmod(&dir.join("dovecot"), 0o755);
    let dovecot = spawn_daemon(
        Command::new("/usr/sbin/dovecot")
            .arg("-F")
            .arg("-c")
            .arg(dir.join("dovecot/dovecot.conf")),
        &dir.join("dovecot/stderr.log"),
    )?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let dovecot_up = [
        (HOST_GOOD, ports.imap),
        (HOST_GOOD, ports.imaps),
        (HOST_OTHER_NAME, ports.imaps_certs),
        (HOST_GOOD, ports.pop3),
        (HOST_GOOD, ports.pop3s),
    ]
    .iter()
    .all(|(h, p)| !exited(dovecot) && wait_for_port(h, *p, deadline));
    if !dovecot_up {
        return Err(format!(
            "dovecot did not come up: {}{}",
            std::fs::read_to_string(dir.join("dovecot/stderr.log")).unwrap_or_default(),
            std::fs::read_to_string(dir.join("dovecot/dovecot.log")).unwrap_or_default()
        ));
    }

    start_dovecot_ccert(&dir, &ports, deadline)?;

    // The dead SASL back end of one Postfix port: up before Postfix asks it for mechanisms.
    start_dead_auth_service(&dir, deadline)?;

    // Postfix.
    let pf = dir.join("postfix");
    let main = POSTFIX_MAIN.replace("@DIR@", &d);
    let master = POSTFIX_MASTER
        .replace("@SUBMISSION@", &ports.submission.to_string())
        .replace("@SMTPS@", &ports.smtps.to_string())
        .replace("@PLAIN@", &ports.smtp_plain.to_string())
        .replace("@SASLDOWN@", &ports.smtps_sasl_down.to_string())
        .replace("@NTLM@", &ports.smtps_ntlm.to_string())
        .replace("@NTLM_REALM@", NTLM_REALM)
        .replace("@CCERT@", &ports.smtps_client_cert.to_string())
        .replace("@DIR@", &d);
    write(&pf.join("conf/main.cf"), &main);
    write(&pf.join("conf/master.cf"), &master);
    let mut vmailbox: String = users.iter().map(|u| format!("{} x\n", u.name)).collect();
    vmailbox.push_str(&format!("{LOST_ADDRESS} x\n{SPAMTRAP_ADDRESS} x\n"));
    write(&pf.join("conf/vmailbox"), &vmailbox);
    write(
        &pf.join("conf/transport"),
        &format!("{LOST_ADDRESS} discard:\n"),
    );
    let senders: String = users
        .iter()
        .map(|u| format!("{} {}\n", u.name, u.name))
        .collect();
    write(&pf.join("conf/senders"), &senders);
    write(
        &pf.join("conf/data_access"),
        &format!("{SPAMTRAP_ADDRESS} REJECT 5.7.1 message refused by test policy\n"),
    );
    setup_ntlm_sasl(&pf)?;
    std::fs::create_dir_all(pf.join("queue")).unwrap();
    std::fs::create_dir_all(pf.join("data")).unwrap();
    write(&pf.join("postfix.log"), "");
    chmod(&pf, 0o755);
    chown(&pf.join("data"), "postfix");
    chown(&pf.join("postfix.log"), "postfix");
    // `postfix check` creates the queue directories with their owners and modes.
    let check = Command::new("/usr/sbin/postfix")
        .arg("-c")
        .arg(pf.join("conf"))
        .arg("check")
        .output()
        .map_err(|e| e.to_string())?;
    if !check.status.success() {
        return Err(format!(
            "postfix check: {}",
            String::from_utf8_lossy(&check.stderr)
        ));
    }
    let daemon_dir = Command::new("/usr/sbin/postconf")
        .args(["-d", "-h", "daemon_directory"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "/usr/lib/postfix/sbin".into());
    let postfix = spawn_daemon(
        Command::new(format!("{daemon_dir}/master"))
            .arg("-c")
            .arg(pf.join("conf"))
            .arg("-d"),
        &pf.join("stderr.log"),
    )?;
    let postfix_up = [
        ports.submission,
        ports.smtps,
        ports.smtp_plain,
        ports.smtps_sasl_down,
        ports.smtps_ntlm,
        ports.smtps_client_cert,
    ]
    .iter()
    .all(|p| !exited(postfix) && wait_for_port(HOST_GOOD, *p, deadline));
    if !postfix_up {
        return Err(format!(
            "postfix did not come up: {}{}",
            std::fs::read_to_string(pf.join("stderr.log")).unwrap_or_default(),
            std::fs::read_to_string(pf.join("postfix.log")).unwrap_or_default()
        ));
    }
    // A TLS 1.0-only server: OpenSSL 3 allows TLS 1.0 only at security level 0.
    let certs = dir.join("certs");
    let legacy = spawn_daemon(
        Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-tls1", "-cipher"])
            .arg("DEFAULT:@SECLEVEL=0")
            .arg("-accept")
            .arg(format!("{HOST_GOOD}:{}", ports.tls10))
            .arg("-cert")
            .arg(certs.join("good.crt"))
            .arg("-key")
            .arg(certs.join("good.key")),
        &dir.join("openssl-tls10.log"),
    )?;
    if exited(legacy) || !wait_for_port(HOST_GOOD, ports.tls10, deadline) {
        return Err(format!(
            "openssl s_server -tls1 did not come up: {}",
            std::fs::read_to_string(dir.join("openssl-tls10.log")).unwrap_or_default()
        ));
    }
    start_mailutils(&dir, &ports, deadline)?;
    start_aiosmtpd(&dir, &ports, deadline)?;
    Ok(MailServers {
        dir,
        ports,
        ca_pem: pki.ca_pem,
        self_signed_sha256: pki.self_signed_sha256,
        good_sha256: pki.good_sha256,
        oauth,
        client_cert: pki.client_cert,
        other_client_cert: pki.other_client_cert,
    })
}

/// The second Dovecot instance: IMAPS and POP3S that require a client certificate of the
/// client CA (`Ports::imaps_client_cert`). Dovecot completes the handshake whatever the
/// client presents (it only notes whether the certificate verified) and refuses the login.
const DOVECOT_CCERT_CONF: &str = r#"
base_dir = @DIR@/dovecot-ccert/run
state_dir = @DIR@/dovecot-ccert/state
instance_name = @INSTANCE@-ccert
listen = 127.0.0.1
protocols = imap pop3
log_path = @DIR@/dovecot-ccert/dovecot.log
ssl = yes
ssl_cert = <@DIR@/certs/good-chain.crt
ssl_key = <@DIR@/certs/good.key
ssl_min_protocol = TLSv1.2
# The client CA (no CRL is published for it).
ssl_ca = <@DIR@/certs/client-ca.crt
ssl_verify_client_cert = yes
ssl_require_crl = no
auth_ssl_require_client_cert = yes
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u @DIR@/dovecot/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=@DIR@/mail/%u
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = @IMAPS@
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = @POP3S@
    ssl = yes
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
"#;

fn start_dovecot_ccert(dir: &Path, ports: &Ports, deadline: Instant) -> Result<(), String> {
    let conf = DOVECOT_CCERT_CONF
        .replace("@DIR@", &dir.display().to_string())
        .replace("@INSTANCE@", &format!("mbtest-{}", std::process::id()))
        .replace("@IMAPS@", &ports.imaps_client_cert.to_string())
        .replace("@POP3S@", &ports.pop3s_client_cert.to_string());
    let home = dir.join("dovecot-ccert");
    write(&home.join("dovecot.conf"), &conf);
    chmod(&home, 0o755);
    let pid = spawn_daemon(
        Command::new("/usr/sbin/dovecot")
            .arg("-F")
            .arg("-c")
            .arg(home.join("dovecot.conf")),
        &home.join("stderr.log"),
    )?;
    let up = [ports.imaps_client_cert, ports.pop3s_client_cert]
        .iter()
        .all(|p| !exited(pid) && wait_for_port(HOST_GOOD, *p, deadline));
    if !up {
        return Err(format!(
            "the client-certificate dovecot did not come up: {}{}",
            std::fs::read_to_string(home.join("stderr.log")).unwrap_or_default(),
            std::fs::read_to_string(home.join("dovecot.log")).unwrap_or_default()
        ));
    }
    Ok(())
}

/// Cyrus SASL for the NTLM port: `smtpd.conf` (passwords from the sasldb) and NTLM_USER
/// in `/etc/sasldb2`, readable by Postfix.
fn setup_ntlm_sasl(pf: &Path) -> Result<(), String> {
    if !Path::new("/usr/sbin/saslpasswd2").exists() {
        panic!("/usr/sbin/saslpasswd2 is missing: install sasl2-bin libsasl2-modules (scripts/install-deps.sh test)");
    }
    write(
        &pf.join("sasl/smtpd.conf"),
        "pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: NTLM\nsasldb_path: /etc/sasldb2\n",
    );
    chmod(&pf.join("sasl"), 0o755);
    let mut child = Command::new("/usr/sbin/saslpasswd2")
        .args([
            "-p",
            "-c",
            "-f",
            "/etc/sasldb2",
            "-u",
            NTLM_REALM,
            NTLM_USER.name,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("saslpasswd2: {e}"))?;
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("piped");
        stdin
            .write_all(NTLM_USER.password.as_bytes())
            .map_err(|e| format!("saslpasswd2: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "saslpasswd2: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    chown(Path::new("/etc/sasldb2"), "root:postfix");
    chmod(Path::new("/etc/sasldb2"), 0o640);
    Ok(())
}

/// GNU Mailutils `imap4d` and `pop3d` as daemons in the foreground, one configuration each,
/// with three servers (STARTTLS offered, TLS required before login, implicit TLS). Logins go
/// through Mailutils' own `virtdomain` module: a passwd-like file per domain (user
/// `erin`, a crypt(3) hash, the uid of `nobody`) — no system user, no PAM.
fn start_mailutils(dir: &Path, ports: &Ports, deadline: Instant) -> Result<(), String> {
    for bin in ["/usr/sbin/imap4d", "/usr/sbin/pop3d"] {
        if !Path::new(bin).exists() {
            panic!("{bin} is missing: install mailutils-imap4d mailutils-pop3d (scripts/install-deps.sh test)");
        }
    }
    let mu = dir.join("mailutils");
    let d = mu.display().to_string();
    let certs = dir.join("certs").display().to_string();
    let hash = Command::new("openssl")
        .args(["passwd", "-6", "-salt", "mbtestsalt"])
        .arg(ERIN.password)
        .output()
        .map_err(|e| format!("openssl passwd: {e}"))?;
    let hash = String::from_utf8_lossy(&hash.stdout).trim().to_string();
    let (local, domain) = ERIN.name.split_once('@').unwrap();
    // uid/gid 65534: nobody/nogroup on Debian; the mailbox belongs to them.
    write(
        &mu.join(format!("domains/{domain}")),
        &format!("{local}:{hash}:65534:65534::{d}/home/{local}:/bin/false\n"),
    );
    std::fs::create_dir_all(mu.join("home").join(local)).unwrap();
    chmod(&mu, 0o755);
    chown(&mu.join("home").join(local), "65534:65534");
    for (name, bin, [stls, required, implicit]) in [
        (
            "imap4d",
            "/usr/sbin/imap4d",
            [ports.mu_imap, ports.mu_imap_tls_required, ports.mu_imaps],
        ),
        (
            "pop3d",
            "/usr/sbin/pop3d",
            [ports.mu_pop3, ports.mu_pop3_tls_required, ports.mu_pop3s],
        ),
    ] {
        let conf = format!(
            r#"logging {{ syslog false; severity notice; }};
tcp-wrappers {{ enable false; }};
auth {{ authentication generic; authorization virtdomain; }};
virtdomain {{ passwd-dir {d}/domains; }};
tls-file-checks {{ key-file none; cert-file none; ca-file none; }};
tls {{ ssl-certificate-file {certs}/good.crt; ssl-key-file {certs}/good.key; }};
server {HOST_GOOD}:{stls} {{ tls-mode stls; }};
server {HOST_GOOD}:{required} {{ tls-mode required; }};
server {HOST_GOOD}:{implicit} {{ tls-mode connection; }};
"#
        );
        let file = mu.join(format!("{name}.conf"));
        write(&file, &conf);
        let pid = spawn_daemon(
            Command::new(bin)
                .arg(format!("--config-file={}", file.display()))
                .args(["--daemon", "--foreground"]),
            &mu.join(format!("{name}.log")),
        )?;
        let up = [stls, required, implicit]
            .iter()
            .all(|p| !exited(pid) && wait_for_port(HOST_GOOD, *p, deadline));
        if !up {
            return Err(format!(
                "{name} did not come up: {}",
                std::fs::read_to_string(mu.join(format!("{name}.log"))).unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// `tests/dead_auth_service.py`: a Dovecot auth socket (`dead-auth/auth-client`) that lists
/// PLAIN and LOGIN, then drops every AUTH request.
fn start_dead_auth_service(dir: &Path, deadline: Instant) -> Result<(), String> {
    let sock_dir = dir.join("dead-auth");
    std::fs::create_dir_all(&sock_dir).unwrap();
    chmod(&sock_dir, 0o755);
    let socket = sock_dir.join("auth-client");
    let log = dir.join("dead-auth.log");
    let pid = spawn_daemon(
        Command::new(venv_python())
            .arg(repo_root().join("tests/dead_auth_service.py"))
            .arg(&socket),
        &log,
    )?;
    while !socket.exists() {
        if exited(pid) || Instant::now() > deadline {
            return Err(format!(
                "the dead auth service did not come up: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python of `tests/.venv` (aiosmtpd), made by `scripts/install-deps.sh test`.
fn venv_python() -> PathBuf {
    let python = repo_root().join("tests/.venv/bin/python");
    if !python.exists() {
        panic!(
            "{} is missing: run scripts/install-deps.sh test",
            python.display()
        );
    }
    python
}

/// aiosmtpd (`tests/aiosmtpd_server.py` in the virtualenv `tests/.venv` that
/// `scripts/install-deps.sh test` makes) with the good certificate.
fn start_aiosmtpd(dir: &Path, ports: &Ports, deadline: Instant) -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = root.join("tests/.venv/bin/python");
    if !python.exists() {
        panic!(
            "{} is missing: run scripts/install-deps.sh test",
            python.display()
        );
    }
    let certs = dir.join("certs");
    let log = dir.join("aiosmtpd.log");
    let pid = spawn_daemon(
        Command::new(python)
            .arg(root.join("tests/aiosmtpd_server.py"))
            .arg(HOST_GOOD)
            .arg(ports.aio_submission.to_string())
            .arg(ports.aio_smtps.to_string())
            .arg(certs.join("good.crt"))
            .arg(certs.join("good.key"))
            .arg(ERIN.name)
            .arg(ERIN.password),
        &log,
    )?;
    let up = [ports.aio_submission, ports.aio_smtps]
        .iter()
        .all(|p| !exited(pid) && wait_for_port(HOST_GOOD, *p, deadline));
    if !up {
        return Err(format!(
            "aiosmtpd did not come up: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        ));
    }
    Ok(())
}

/// A loopback address that nothing listens on at `port` (for `net.refused`).
pub fn closed_port() -> u16 {
    free_port(HOST_GOOD)
}

pub fn is_loopback(ip: &str) -> bool {
    ip.parse::<Ipv4Addr>().is_ok_and(|a| a.is_loopback())
}
