//! A real DNS server for one test: dnsmasq (Debian `dnsmasq-base`) on a loopback address
//! and a free port, serving exactly the records the test writes (MX, SRV, TXT, A, AAAA,
//! CNAME) from a config file in a temp directory; names under the zones the test declares
//! local get NXDOMAIN, every other name is refused (no upstream). Killed on drop.
//!
//! ```ignore
//! let dns = TestDns::start(Zone::new(&["firma.test"])
//!     .mx("firma.test", "mx.firma.test", 10)
//!     .a("mx.firma.test", "127.0.0.1"));
//! let resolver = Dns::new(DnsServer::Custom(dns.addr()), Duration::from_secs(2))?;
//! ```

#![allow(dead_code)]

use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The loopback address the test DNS servers listen on (each on its own port).
pub const DNS_IP: &str = "127.0.0.53";

/// The records of one test, as dnsmasq config lines.
#[derive(Debug, Clone, Default)]
pub struct Zone {
    lines: Vec<String>,
}

impl Zone {
    /// Names under each of `local` that have no record get NXDOMAIN (not REFUSED).
    pub fn new(local: &[&str]) -> Zone {
        Zone {
            lines: local.iter().map(|d| format!("local=/{d}/")).collect(),
        }
    }

    pub fn mx(mut self, name: &str, host: &str, preference: u16) -> Zone {
        self.lines
            .push(format!("mx-host={name},{host},{preference}"));
        self
    }

    pub fn srv(mut self, name: &str, target: &str, port: u16, priority: u16, weight: u16) -> Zone {
        self.lines.push(format!(
            "srv-host={name},{target},{port},{priority},{weight}"
        ));
        self
    }

    /// One TXT record; several `parts` become several character strings of that record.
    pub fn txt(mut self, name: &str, parts: &[&str]) -> Zone {
        let quoted: Vec<String> = parts
            .iter()
            .map(|p| format!("\"{}\"", p.replace('\\', "\\\\").replace('"', "\\\"")))
            .collect();
        self.lines
            .push(format!("txt-record={name},{}", quoted.join(",")));
        self
    }

    /// An A or AAAA record (by the form of `ip`), exactly for `name` (no subdomains).
    pub fn a(mut self, name: &str, ip: &str) -> Zone {
        self.lines.push(format!("host-record={name},{ip}"));
        self
    }

    pub fn cname(mut self, name: &str, target: &str) -> Zone {
        self.lines.push(format!("cname={name},{target}"));
        self
    }

    /// A raw dnsmasq config line.
    pub fn line(mut self, line: &str) -> Zone {
        self.lines.push(line.to_string());
        self
    }

    pub fn text(&self) -> String {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }
}

pub struct TestDns {
    child: Child,
    pub ip: String,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl TestDns {
    /// Starts dnsmasq with `zone` on `DNS_IP` and waits (bounded) until it answers.
    pub fn start(zone: Zone) -> TestDns {
        TestDns::start_on(DNS_IP, zone)
    }

    pub fn start_on(ip: &str, zone: Zone) -> TestDns {
        assert!(
            std::path::Path::new("/usr/sbin/dnsmasq").exists(),
            "dnsmasq is missing: install dnsmasq-base (scripts/install-deps.sh test)"
        );
        let dir = tempfile::Builder::new().prefix("mbdns-").tempdir().unwrap();
        let conf = dir.path().join("dnsmasq.conf");
        std::fs::write(&conf, zone.text()).unwrap();
        let mut last = String::new();
        // A port picked as free may be taken by another process before dnsmasq binds it.
        for _ in 0..5 {
            let port = free_udp_port(ip);
            let log = dir.path().join("dnsmasq.log");
            let out = std::fs::File::create(&log).unwrap();
            let err = out.try_clone().unwrap();
            let mut cmd = Command::new("/usr/sbin/dnsmasq");
            cmd.arg("--keep-in-foreground")
                .arg("--no-resolv")
                .arg("--no-hosts")
                .arg("--no-poll")
                .arg(format!("--port={port}"))
                .arg(format!("--listen-address={ip}"))
                .arg("--bind-interfaces")
                // No pid file: several instances run at once.
                .arg("--pid-file")
                .arg("--user=root")
                .arg("--log-facility=-")
                .arg("--log-queries")
                .arg(format!("--conf-file={}", conf.display()))
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err);
            unsafe {
                cmd.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                    Ok(())
                });
            }
            let mut child = cmd.spawn().expect("spawn dnsmasq");
            let deadline = Instant::now() + Duration::from_secs(5);
            let addr: SocketAddr = format!("{ip}:{port}").parse().unwrap();
            loop {
                if let Ok(Some(_)) = child.try_wait() {
                    last = std::fs::read_to_string(&log).unwrap_or_default();
                    break;
                }
                // dnsmasq answers on TCP too; a connect means it is listening.
                if TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
                    return TestDns {
                        child,
                        ip: ip.to_string(),
                        port,
                        dir,
                    };
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    last = format!(
                        "not listening after 5 s: {}",
                        std::fs::read_to_string(&log).unwrap_or_default()
                    );
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("dnsmasq did not start: {last}");
    }

    /// `IP:PORT`.
    pub fn addr(&self) -> SocketAddr {
        format!("{}:{}", self.ip, self.port).parse().unwrap()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dnsmasq.log")).unwrap_or_default()
    }

    pub fn conf_path(&self) -> PathBuf {
        self.dir.path().join("dnsmasq.conf")
    }
}

impl Drop for TestDns {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_udp_port(ip: &str) -> u16 {
    // Free for UDP and TCP both (dnsmasq binds both).
    loop {
        let u = UdpSocket::bind((ip, 0)).expect("bind a loopback UDP port");
        let port = u.local_addr().unwrap().port();
        if std::net::TcpListener::bind((ip, port)).is_ok() {
            return port;
        }
    }
}

/// A UDP socket that receives queries and never answers: a silent DNS server. Bounded:
/// it lives as long as the returned socket.
pub fn silent_dns(ip: &str) -> (UdpSocket, SocketAddr) {
    let s = UdpSocket::bind((ip, 0)).unwrap();
    let a = s.local_addr().unwrap();
    (s, a)
}
