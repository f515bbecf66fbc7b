//! Several processes writing one database at once: every write lands or is a clean version
//! conflict — never "database is locked". The test re-runs its own binary as the writers.

#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::*;
use mailbox_admin_core::error::ErrorCode;
use mailbox_admin_core::model::SecretUpdate;
use mailbox_admin_core::Lang;
use std::path::Path;
use std::process::Command;

const WRITERS: usize = 3;
const RECORDS: usize = 300;
const DB_ENV: &str = "MBA_CONCURRENCY_DB";
const NAME_ENV: &str = "MBA_CONCURRENCY_WRITER";

/// One writer (a child process): `RECORDS` new servers with a password, and after every
/// tenth an edit of the shared server from a version read just before. Prints its tally.
#[test]
fn writer() {
    let (Ok(db), Ok(me)) = (std::env::var(DB_ENV), std::env::var(NAME_ENV)) else {
        return; // Only as a child of the test below.
    };
    let (app, _) = app_at(Path::new(&db), Lang::En);
    let (mut ok, mut conflicts, mut other) = (0, 0, Vec::new());
    let mut tally = |r: Result<(), mailbox_admin_core::Error>| match r {
        Ok(()) => ok += 1,
        Err(e) if e.code() == ErrorCode::Conflict => conflicts += 1,
        Err(e) => other.push(e.to_string()),
    };
    for i in 0..RECORDS {
        let mut input = server_input(&format!("{me}-{i}"), "imap.example.com");
        input.password = SecretUpdate::set(format!("pw-{me}-{i}"));
        tally(app.create_server(&input).map(|_| ()));
        if i % 10 == 0 {
            let shared = app.list_servers("Gemeinsam").unwrap().remove(0);
            let mut edit = server_input("Gemeinsam", &format!("{me}-{i}.example.com"));
            edit.timeout_secs = 30;
            tally(
                app.update_server(shared.id, shared.version, &edit)
                    .map(|_| ()),
            );
        }
    }
    println!("TALLY ok={ok} conflicts={conflicts} other={}", other.len());
    for e in other {
        println!("ERROR {e}");
    }
}

#[test]
fn three_processes_writing_at_once_never_see_a_locked_database() {
    if std::env::var(DB_ENV).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("config.db");
    {
        let (app, _) = app_at(&db, Lang::En);
        app.create_server(&server_input("Gemeinsam", "imap.example.com"))
            .unwrap();
    }
    let me = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..WRITERS)
        .map(|w| {
            Command::new(&me)
                .args(["--exact", "writer", "--nocapture", "--test-threads=1"])
                .env(DB_ENV, &db)
                .env(NAME_ENV, format!("w{w}"))
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let (mut ok, mut conflicts) = (0usize, 0usize);
    for child in children {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        let tally = text
            .lines()
            .find_map(|l| l.split_once("TALLY ").map(|(_, t)| t))
            .unwrap_or_else(|| panic!("no tally: {text}"));
        let n = |k: &str| -> usize {
            tally
                .split(' ')
                .find_map(|p| p.strip_prefix(&format!("{k}=")))
                .unwrap()
                .parse()
                .unwrap()
        };
        assert_eq!(
            n("other"),
            0,
            "errors other than a version conflict:\n{text}"
        );
        ok += n("ok");
        conflicts += n("conflicts");
    }
    let edits = WRITERS * RECORDS / 10;
    println!("{WRITERS} writers: {ok} writes landed, {conflicts} clean version conflicts");
    assert_eq!(ok + conflicts, WRITERS * RECORDS + edits);
    let (app, _) = app_at(&db, Lang::En);
    // Every create landed (names are distinct), and the database is whole.
    assert_eq!(app.list_servers("").unwrap().len(), WRITERS * RECORDS + 1);
    let check: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}
