//! A real web server for detection tests: nginx (Debian `nginx-light`) on a loopback address,
//! ports 443 (HTTPS with a certificate from a test CA made here, one name per site) and 80,
//! one virtual host per site serving the files the test gives, or a redirect; plus a silent
//! host (accepts, never answers) and a slow one (a relay that waits before passing bytes on
//! to nginx). Single process (`master_process off`), all state in a temp directory, stopped
//! on drop and when the test process dies.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One virtual host.
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub name: String,
    pub https: bool,
    pub http: bool,
    /// (path below the root, body). `.xml` is served as `text/xml`, anything else as
    /// `application/xml` (the database mirror's paths have no extension).
    pub files: Vec<(String, Vec<u8>)>,
    /// Every request answered `301` to this URL (the request path appended).
    pub redirect: Option<String>,
    /// Answer POST requests with the file too (Exchange autodiscover is a POST).
    pub post: bool,
}

impl Site {
    pub fn https(name: &str) -> Site {
        Site {
            name: name.into(),
            https: true,
            http: true,
            ..Default::default()
        }
    }
    pub fn http_only(name: &str) -> Site {
        Site {
            name: name.into(),
            https: false,
            http: true,
            ..Default::default()
        }
    }
    pub fn file(mut self, path: &str, body: impl Into<Vec<u8>>) -> Site {
        self.files
            .push((path.trim_start_matches('/').to_string(), body.into()));
        self
    }
    pub fn answer_post(mut self) -> Site {
        self.post = true;
        self
    }
    pub fn redirect_to(mut self, url: &str) -> Site {
        self.redirect = Some(url.into());
        self
    }
}

pub struct TestWeb {
    child: Child,
    pub ip: String,
    pub dir: tempfile::TempDir,
    /// The test CA (PEM) to trust as an extra root.
    pub ca_pem: String,
}

impl TestWeb {
    /// Starts nginx on `ip`:443 and :80 with `sites`; waits (bounded) until both answer.
    pub fn start(ip: &str, sites: &[Site]) -> TestWeb {
        assert!(
            Path::new("/usr/sbin/nginx").exists(),
            "nginx is missing: install nginx-light (scripts/install-deps.sh test)"
        );
        let dir = tempfile::Builder::new().prefix("mbweb-").tempdir().unwrap();
        let d = dir.path();
        let ca_pem = make_certs(d, sites);
        let mut servers = String::new();
        for s in sites {
            let root = d.join("www").join(&s.name);
            std::fs::create_dir_all(&root).unwrap();
            for (path, body) in &s.files {
                let p = root.join(path);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, body).unwrap();
            }
            let mut listen = String::new();
            if s.https {
                listen.push_str(&format!("  listen {ip}:443 ssl;\n"));
            }
            if s.http {
                listen.push_str(&format!("  listen {ip}:80;\n"));
            }
            let body = match &s.redirect {
                Some(to) => format!("  location / {{ return 301 {to}$request_uri; }}\n"),
                // nginx refuses POST to a static file with 405; turn that into the file.
                None if s.post => format!(
                    "  root {};\n  location / {{ error_page 405 =200 $uri; }}\n",
                    root.display()
                ),
                None => format!("  root {};\n  location / {{ }}\n", root.display()),
            };
            servers.push_str(&format!(
                "server {{\n{listen}  server_name {name};\n  ssl_certificate {d}/site.crt;\n  ssl_certificate_key {d}/site.key;\n{body}}}\n",
                name = s.name,
                d = d.display(),
            ));
        }
        // The default host: nothing there.
        let conf = format!(
            r#"daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 256; }}
http {{
  access_log {d}/access.log;
  client_body_temp_path {d}/tmp/body;
  proxy_temp_path {d}/tmp/proxy;
  fastcgi_temp_path {d}/tmp/fastcgi;
  uwsgi_temp_path {d}/tmp/uwsgi;
  scgi_temp_path {d}/tmp/scgi;
  types {{ text/xml xml; }}
  default_type application/xml;
  server {{
    listen {ip}:443 ssl default_server;
    listen {ip}:80 default_server;
    server_name _;
    ssl_certificate {d}/site.crt;
    ssl_certificate_key {d}/site.key;
    return 404;
  }}
{servers}}}
"#,
            d = d.display()
        );
        std::fs::create_dir_all(d.join("tmp")).unwrap();
        std::fs::write(d.join("nginx.conf"), conf).unwrap();
        let log = std::fs::File::create(d.join("stderr.log")).unwrap();
        let mut cmd = Command::new("/usr/sbin/nginx");
        cmd.arg("-p")
            .arg(d)
            .arg("-c")
            .arg(d.join("nginx.conf"))
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
        let deadline = Instant::now() + Duration::from_secs(10);
        for port in [443, 80] {
            let addr: SocketAddr = format!("{ip}:{port}").parse().unwrap();
            loop {
                if let Ok(Some(st)) = child.try_wait() {
                    panic!(
                        "nginx exited ({st}): {}{}",
                        std::fs::read_to_string(d.join("stderr.log")).unwrap_or_default(),
                        std::fs::read_to_string(d.join("error.log")).unwrap_or_default()
                    );
                }
                if TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
                    break;
                }
                assert!(Instant::now() < deadline, "nginx not listening on {addr}");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        TestWeb {
            child,
            ip: ip.into(),
            dir,
            ca_pem,
        }
    }

    /// The request lines nginx logged so far.
    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }
}

impl Drop for TestWeb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CA and one certificate naming every site; returns the CA (PEM).
fn make_certs(dir: &Path, sites: &[Site]) -> String {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().unwrap();
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.distinguished_name
        .push(DnType::CommonName, "Mailbox Admin Web Test CA");
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = p.self_signed(&ca_key).unwrap();
    let issuer = Issuer::from_params(&p, &ca_key);
    let names: Vec<String> = sites.iter().map(|s| s.name.clone()).collect();
    let mut leaf = CertificateParams::new(names).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "detection test sites");
    let key = KeyPair::generate().unwrap();
    let cert = leaf.signed_by(&key, &issuer).unwrap();
    std::fs::write(dir.join("site.crt"), cert.pem()).unwrap();
    std::fs::write(dir.join("site.key"), key.serialize_pem()).unwrap();
    std::fs::write(dir.join("ca.crt"), ca.pem()).unwrap();
    ca.pem()
}

/// A host that accepts connections on `ip:port` and never answers; holds them until dropped.
pub struct SilentHost {
    pub addr: SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl SilentHost {
    pub fn start(ip: &str, port: u16) -> SilentHost {
        let l = TcpListener::bind((ip, port)).expect("bind the silent host");
        l.set_nonblocking(true).unwrap();
        let addr = l.local_addr().unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let s2 = stop.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            while !s2.load(std::sync::atomic::Ordering::Relaxed) {
                match l.accept() {
                    Ok((c, _)) => held.push(c),
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        SilentHost { addr, stop }
    }
}

impl Drop for SilentHost {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A relay on `ip:port` that waits `delay` after each connection, then passes the bytes on
/// to `to` both ways: a slow host that does answer.
pub struct SlowHost {
    pub addr: SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl SlowHost {
    pub fn start(ip: &str, port: u16, to: SocketAddr, delay: Duration) -> SlowHost {
        let l = TcpListener::bind((ip, port)).expect("bind the slow host");
        l.set_nonblocking(true).unwrap();
        let addr = l.local_addr().unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let s2 = stop.clone();
        std::thread::spawn(move || {
            while !s2.load(std::sync::atomic::Ordering::Relaxed) {
                let Ok((c, _)) = l.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                std::thread::spawn(move || {
                    std::thread::sleep(delay);
                    c.set_nonblocking(false).unwrap();
                    let Ok(up) = TcpStream::connect(to) else {
                        return;
                    };
                    let (mut a, mut b) = (c.try_clone().unwrap(), up.try_clone().unwrap());
                    let t = std::thread::spawn(move || pipe(&mut a, &mut b));
                    let (mut c2, mut up2) = (up, c);
                    pipe(&mut c2, &mut up2);
                    let _ = t.join();
                });
            }
        });
        SlowHost { addr, stop }
    }
}

impl Drop for SlowHost {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Copies `from` → `to` until EOF (bounded by the peers: a test's few kilobytes).
fn pipe(from: &mut TcpStream, to: &mut TcpStream) {
    let _ = from.set_read_timeout(Some(Duration::from_secs(20)));
    let mut buf = [0u8; 16384];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
