//! Saves interrupted by SIGKILL at random points — the process alone, and its whole process
//! group mid-write (the nearest a test gets to a power cut): the database stays whole and
//! every save that `mbadmin` acknowledged is there.

mod cli_support;

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
