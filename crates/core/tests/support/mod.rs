//! A private Secret Service for one test process: its own D-Bus session bus and its own
//! gnome-keyring-daemon with a fresh, unlocked default collection under a temp directory.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SecretService {
    dbus: Child,
    keyring: Child,
    pub dir: tempfile::TempDir,
    pub bus: String,
}

impl SecretService {
    /// One Secret Service for every test of this process (tests run as threads of one
    /// process and share its environment). Its daemons die with the process.
    pub fn shared() -> &'static SecretService {
        static SHARED: std::sync::OnceLock<SecretService> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| {
            // Spawned from a thread that lives as long as the process, so that
            // PR_SET_PDEATHSIG (which fires when the spawning thread ends) fires only at exit.
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                tx.send(SecretService::spawn(true)).unwrap();
                loop {
                    std::thread::park();
                }
            });
            rx.recv().unwrap()
        })
    }

    /// Starts the bus and the keyring and points this process at them (one test per
    /// process; several tests in one binary use `shared`).
    pub fn start() -> SecretService {
        SecretService::spawn(false)
    }

    fn spawn(die_with_process: bool) -> SecretService {
        let dir = tempfile::tempdir().unwrap();
        let mut dbus_cmd = Command::new("dbus-daemon");
        if die_with_process {
            die_with_parent(&mut dbus_cmd);
        }
        let mut dbus = dbus_cmd
            .args(["--session", "--nofork", "--print-address=1"])
            .arg(format!(
                "--address=unix:path={}",
                dir.path().join("bus").display()
            ))
            .stdout(Stdio::piped())
            .spawn()
            .expect(
                "dbus-daemon (Debian package dbus) must be installed: scripts/install-deps.sh test",
            );
        let mut line = String::new();
        BufReader::new(dbus.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let bus = line.trim().to_string();
        assert!(bus.starts_with("unix:"), "dbus-daemon printed {bus:?}");
        for sub in ["data", "run", "home"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let mut keyring_cmd = Command::new("gnome-keyring-daemon");
        if die_with_process {
            die_with_parent(&mut keyring_cmd);
        }
        let mut keyring = keyring_cmd
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus)
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("XDG_RUNTIME_DIR", dir.path().join("run"))
            .env("HOME", dir.path().join("home"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon must be installed: scripts/install-deps.sh test");
        {
            let mut stdin = keyring.stdin.take().unwrap();
            stdin.write_all(b"test-keyring-unlock").unwrap();
        } // closing stdin ends the password
          // SAFETY of set_var: tests that use this run one per process (own test binary).
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &bus);
        let s = SecretService {
            dbus,
            keyring,
            dir,
            bus,
        };
        s.wait_for_owner();
        s
    }

    fn wait_for_owner(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let out = Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
                .output()
                .unwrap();
            if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "gnome-keyring-daemon did not take org.freedesktop.secrets within 15 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Reads a secret with libsecret's `secret-tool`, independently of our code.
    pub fn lookup(&self, service: &str, user: &str) -> Option<String> {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", service, "username", user])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .output()
            .expect("secret-tool (libsecret-tools) must be installed");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).to_string())
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        let _ = self.keyring.kill();
        let _ = self.keyring.wait();
        let _ = self.dbus.kill();
        let _ = self.dbus.wait();
    }
}

/// The child gets SIGTERM when the thread that spawned it ends.
fn die_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe and touches only the child.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
}

/// Every file of the database (main file, WAL, shared memory, backups) below `dir`.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            out.push(p);
        }
    }
    out
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
