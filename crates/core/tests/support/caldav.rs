//! A real CalDAV server for one test: Radicale (Debian `radicale`) on a loopback address and
//! a free port, over its own TLS with a certificate for the given names (and the address)
//! from a CA made here (`ca_pem` — trust it as an extra CA), htpasswd logins (plain; Debian's
//! Radicale needs passlib/bcrypt for more), rights `owner_only`, and calendars written into
//! its storage folder before it starts (Radicale's multifilesystem layout). All state in a
//! temp directory; killed on drop.
//!
//! ```ignore
//! let cal = TestCaldav::start("127.0.0.1", &["cal.firma.test"], &[("anna", "pw")],
//!     &[Calendar::new("anna", "arbeit", "Arbeit").event_in_days(1)]);
//! ```

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct TestCaldav {
    child: Child,
    pub ip: String,
    pub port: u16,
    /// The CA that signed the server's certificate (PEM).
    pub ca_pem: String,
    pub dir: tempfile::TempDir,
}

/// A calendar collection made before the server starts.
pub struct Calendar {
    pub user: String,
    /// The last segment of its URL.
    pub slug: String,
    pub display_name: String,
    /// Events starting this many days from now (negative: in the past).
    pub events_in_days: Vec<i64>,
}

impl Calendar {
    pub fn new(user: &str, slug: &str, display_name: &str) -> Calendar {
        Calendar {
            user: user.into(),
            slug: slug.into(),
            display_name: display_name.into(),
            events_in_days: Vec::new(),
        }
    }

    pub fn event_in_days(mut self, days: i64) -> Calendar {
        self.events_in_days.push(days);
        self
    }
}

impl TestCaldav {
    /// Radicale on `ip` (a free port), certificate for `names` and `ip`, with `users`
    /// (login, password) and `calendars`.
    pub fn start(
        ip: &str,
        names: &[&str],
        users: &[(&str, &str)],
        calendars: &[Calendar],
    ) -> TestCaldav {
        assert!(
            std::path::Path::new("/usr/bin/radicale").exists(),
            "radicale is missing: scripts/install-deps.sh test"
        );
        let dir = tempfile::Builder::new().prefix("mbcal-").tempdir().unwrap();
        let d = dir.path();
        let mut all_names: Vec<&str> = names.to_vec();
        all_names.push(ip);
        let (ca_pem, cert_pem, key_pem) = certificates(&all_names);
        std::fs::write(d.join("server.crt"), cert_pem).unwrap();
        std::fs::write(d.join("server.key"), key_pem).unwrap();
        let users: String = users.iter().map(|(u, p)| format!("{u}:{p}\n")).collect();
        std::fs::write(d.join("users"), users).unwrap();
        for c in calendars {
            let col = d
                .join("collections/collection-root")
                .join(&c.user)
                .join(&c.slug);
            std::fs::create_dir_all(&col).unwrap();
            let props = serde_json::json!({"tag": "VCALENDAR", "D:displayname": c.display_name});
            std::fs::write(col.join(".Radicale.props"), props.to_string()).unwrap();
            for (i, days) in c.events_in_days.iter().enumerate() {
                let start = time::OffsetDateTime::now_utc() + time::Duration::days(*days);
                let fmt =
                    time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
                let s = start.format(&fmt).unwrap();
                let e = (start + time::Duration::hours(1)).format(&fmt).unwrap();
                let ics = format!(
                    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mailbox Admin tests//EN\r\n\
                     BEGIN:VEVENT\r\nUID:event-{i}@tests\r\nDTSTAMP:{s}\r\nDTSTART:{s}\r\n\
                     DTEND:{e}\r\nSUMMARY:Termin {i}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
                );
                std::fs::write(col.join(format!("event-{i}.ics")), ics).unwrap();
            }
        }
        let port = free_port(ip);
        let dd = d.display();
        let conf = format!(
            "[server]\nhosts = {ip}:{port}\nssl = True\ncertificate = {dd}/server.crt\n\
             key = {dd}/server.key\n\
             [auth]\ntype = htpasswd\nhtpasswd_filename = {dd}/users\n\
             htpasswd_encryption = plain\ndelay = 0\n\
             [storage]\nfilesystem_folder = {dd}/collections\n\
             [rights]\ntype = owner_only\n[web]\ntype = none\n[logging]\nlevel = info\n"
        );
        std::fs::write(d.join("config"), conf).unwrap();
        let log = std::fs::File::create(d.join("radicale.log")).unwrap();
        let mut cmd = Command::new("/usr/bin/radicale");
        cmd.arg("--config")
            .arg(d.join("config"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        let mut child = cmd.spawn().expect("spawn radicale");
        let addr = format!("{ip}:{port}").parse().unwrap();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "radicale exited ({status}): {}",
                    std::fs::read_to_string(d.join("radicale.log")).unwrap_or_default()
                );
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("radicale not listening on {addr} after 15 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        TestCaldav {
            child,
            ip: ip.to_string(),
            port,
            ca_pem,
            dir,
        }
    }

    /// `https://IP:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("https://{}:{}{path}", self.ip, self.port)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("radicale.log")).unwrap_or_default()
    }
}

impl Drop for TestCaldav {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port(ip: &str) -> u16 {
    TcpListener::bind((ip, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// (CA PEM, server certificate PEM for `names` — IP addresses become IP names —, its key).
fn certificates(names: &[&str]) -> (String, String, String) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "Mailbox Admin CalDAV Test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = rcgen::date_time_ymd(2020, 1, 1);
    ca.not_after = rcgen::date_time_ymd(2060, 1, 1);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::from_params(&ca, &ca_key);
    let mut leaf =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    leaf.distinguished_name.push(DnType::CommonName, names[0]);
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.not_before = rcgen::date_time_ymd(2020, 1, 1);
    leaf.not_after = rcgen::date_time_ymd(2060, 1, 1);
    let key = KeyPair::generate().unwrap();
    let cert = leaf.signed_by(&key, &issuer).unwrap();
    (ca_cert.pem(), cert.pem(), key.serialize_pem())
}
