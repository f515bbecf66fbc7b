//! Saves interrupted by SIGKILL at random points — the process alone, and its whole process
//! group mid-write (the nearest a test gets to a power cut): the database stays whole and
//! every save that `mbadmin` acknowledged is there; with a real keyring, every acknowledged
//! password is in it and, after `mbadmin keyring-clean`, no entry is left that no row
//! refers to.

mod cli_support;
#[path = "../../core/tests/support/mod.rs"]
mod support;

use cli_support::{command, temp_db, words};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

const SAVES: usize = 1000;

/// A small deterministic generator: the same kill points on every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

#[test]
fn saves_killed_at_random_points_lose_nothing_acknowledged() {
    let (_dir, db) = temp_db();
    let mut rng = Lcg(0x5eed);
    let (mut acknowledged, mut killed) = (Vec::new(), 0usize);
    for i in 0..SAVES {
        let name = format!("S{i}");
        let mut cmd = command(
            &[],
            &db,
            &words(&format!("server add --name {name} --host h{i}.example.com")),
        );
        cmd.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        // Every other save is killed: a third of those with its whole process group.
        let kill = rng.next(2) == 0;
        let group = kill && rng.next(3) == 0;
        if group {
            cmd.process_group(0);
        }
        let child = cmd.spawn().unwrap();
        if kill {
            std::thread::sleep(Duration::from_micros(rng.next(20_000)));
            let pid = child.id() as i32;
            // SAFETY: kill(2) on our own child (or its process group).
            unsafe { libc::kill(if group { -pid } else { pid }, libc::SIGKILL) };
        }
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            // Acknowledged: the command said it saved and exited 0.
            assert!(String::from_utf8_lossy(&out.stdout).contains(&name));
            acknowledged.push(name);
        } else {
            killed += 1;
        }
    }
    println!(
        "{SAVES} saves: {} acknowledged, {killed} killed before acknowledging",
        acknowledged.len()
    );
    assert!(killed > 0 && !acknowledged.is_empty());

    let integrity = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&integrity.stdout).trim(), "ok");

    let list = command(&[], &db, &words("--json server list"))
        .output()
        .unwrap();
    assert!(list.status.success());
    let names: Vec<String> = serde_json::from_slice::<serde_json::Value>(&list.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    for n in &acknowledged {
        assert!(names.contains(n), "acknowledged save {n} is missing");
    }
}

/// The `username` attributes (our references) of every entry of the app in the keyring,
/// read with libsecret's secret-tool, independently of our code.
fn keyring_refs() -> Vec<String> {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", "mailbox-admin"])
        .output()
        .expect("secret-tool (libsecret-tools) must be installed");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines()
        .filter_map(|l| l.strip_prefix("attribute.username = "))
        .map(str::to_string)
        .collect()
}

/// `(name, password_ref)` of every server row, read with Python's sqlite3.
fn server_refs(db: &std::path::Path) -> Vec<(String, Option<String>)> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys,json; print(json.dumps(sqlite3.connect(sys.argv[1]).execute('SELECT name, password_ref FROM incoming_servers').fetchall()))",
        ])
        .arg(db)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn saves_with_passwords_killed_before_their_commit_leave_no_orphaned_keyring_entry() {
    let ss = support::SecretService::shared();
    let (_dir, db) = temp_db();
    let mut rng = Lcg(0xca11);
    let saves = 150;
    let (mut acknowledged, mut killed) = (Vec::new(), 0usize);
    // How long a whole save takes here: the keyring write and the commit are in its last
    // part, so the kills aim there.
    let mut whole = Duration::ZERO;
    for i in 0..saves {
        let name = format!("K{i}");
        let started = std::time::Instant::now();
        let mut cmd = command(
            &[],
            &db,
            &words(&format!(
                "server add --name {name} --host h{i}.example.com --user u{i} --password-stdin"
            )),
        );
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &ss.bus)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            let _ = writeln!(stdin, "Pw-{i}-secret");
        }
        // After five whole saves, two in three are killed, in the last 40 % of a save's time.
        if i >= 5 && rng.next(3) != 0 {
            let late =
                whole.as_micros() as u64 * 6 / 10 + rng.next(whole.as_micros() as u64 * 4 / 10 + 1);
            std::thread::sleep(Duration::from_micros(late).saturating_sub(started.elapsed()));
            // SAFETY: kill(2) on our own child.
            unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        }
        let out = child.wait_with_output().unwrap();
        if i < 5 {
            whole = whole.max(started.elapsed());
        }
        if out.status.success() {
            acknowledged.push(i);
        } else {
            killed += 1;
        }
    }
    let rows = server_refs(&db);
    let referenced: Vec<&String> = rows.iter().filter_map(|(_, r)| r.as_ref()).collect();
    let before = keyring_refs();
    let orphans_before = before.iter().filter(|k| !referenced.contains(k)).count();

    let clean = command(&[], &db, &words("--json keyring-clean --min-age 0"))
        .env("DBUS_SESSION_BUS_ADDRESS", &ss.bus)
        .output()
        .unwrap();
    assert!(
        clean.status.success(),
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );
    let after = keyring_refs();
    println!(
        "{saves} saves with a password: {} acknowledged, {killed} killed; {} keyring entries, {orphans_before} of them orphaned before keyring-clean, {} after",
        acknowledged.len(),
        before.len(),
        after.iter().filter(|k| !referenced.contains(k)).count()
    );
    assert!(killed > 0 && !acknowledged.is_empty());
    // No entry that no row refers to; every row's entry still there.
    for k in &after {
        assert!(referenced.contains(&k), "orphaned keyring entry {k}");
    }
    for r in &referenced {
        assert!(after.contains(r), "the entry of a row is gone: {r}");
    }
    // Every acknowledged save has its password, read back by libsecret.
    for i in acknowledged {
        let (_, r) = rows
            .iter()
            .find(|(n, _)| *n == format!("K{i}"))
            .unwrap_or_else(|| panic!("acknowledged save K{i} is missing"));
        let r = r.as_ref().expect("acknowledged with a password");
        assert_eq!(
            ss.lookup("mailbox-admin", r).as_deref(),
            Some(format!("Pw-{i}-secret").as_str())
        );
    }
}
