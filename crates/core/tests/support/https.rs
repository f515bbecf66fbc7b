//! A real HTTPS server for one test: nginx (Debian `nginx-light`) on a loopback address,
//! port 443, serving the files the test writes under the names it gives, with a
//! certificate for those names from a CA made here (`ca_pem` — trust it as an extra CA).
//! All state in a temp directory; killed on drop.
//!
//! ```ignore
//! let web = TestHttps::start("127.0.2.1", &["mta-sts.firma.test"],
//!     &[(".well-known/mta-sts.txt", "version: STSv1\n…")]);
//! ```

#![allow(dead_code)]

use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct TestHttps {
    child: Child,
    pub ip: String,
    /// The CA that signed the server's certificate (PEM).
    pub ca_pem: String,
    pub dir: tempfile::TempDir,
}

impl TestHttps {
    /// Serves `files` (path below the web root, content) for `names` on `ip`:443.
    pub fn start(ip: &str, names: &[&str], files: &[(&str, &str)]) -> TestHttps {
        TestHttps::start_with(ip, names, files, "")
    }

    /// `start` with more nginx directives in the server block (a `types` override, a
    /// `location` that redirects, …).
    pub fn start_with(
        ip: &str,
        names: &[&str],
        files: &[(&str, &str)],
        server_extra: &str,
    ) -> TestHttps {
        assert!(
            std::path::Path::new("/usr/sbin/nginx").exists(),
            "nginx is missing: install nginx-light (scripts/install-deps.sh test)"
        );
        let dir = tempfile::Builder::new().prefix("mbweb-").tempdir().unwrap();
        let root = dir.path().join("www");
        for (path, body) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, body).unwrap();
        }
        let (ca_pem, cert_pem, key_pem) = certificates(names);
        std::fs::write(dir.path().join("server.crt"), cert_pem).unwrap();
        std::fs::write(dir.path().join("server.key"), key_pem).unwrap();
        let d = dir.path().display();
        let conf = format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\nuser root;\n\
             pid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n  access_log {d}/access.log;\n\
               client_body_temp_path {d}/tmp_body;\n  proxy_temp_path {d}/tmp_proxy;\n\
               fastcgi_temp_path {d}/tmp_fcgi;\n  uwsgi_temp_path {d}/tmp_uwsgi;\n\
               scgi_temp_path {d}/tmp_scgi;\n\
               types {{ text/plain txt; }}\n  default_type application/octet-stream;\n\
               server {{\n    listen {ip}:443 ssl;\n    server_name {names};\n\
                 ssl_certificate {d}/server.crt;\n    ssl_certificate_key {d}/server.key;\n\
                 root {d}/www;\n    {server_extra}\n  }}\n}}\n",
            names = names.join(" "),
        );
        let conf_path = dir.path().join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let log = std::fs::File::create(dir.path().join("stderr.log")).unwrap();
        let mut cmd = Command::new("/usr/sbin/nginx");
        cmd.arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        let mut child = cmd.spawn().expect("spawn nginx");
        let addr = format!("{ip}:443").parse().unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "nginx exited ({status}): {}{}",
                    std::fs::read_to_string(dir.path().join("stderr.log")).unwrap_or_default(),
                    std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default()
                );
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("nginx not listening on {addr} after 5 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        TestHttps {
            child,
            ip: ip.to_string(),
            ca_pem,
            dir,
        }
    }

    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }
}

impl Drop for TestHttps {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// (CA PEM, server certificate PEM for `names`, its key PEM).
fn certificates(names: &[&str]) -> (String, String, String) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "Mailbox Admin Web Test CA");
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
