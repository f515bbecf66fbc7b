//! `mbadmin` run as a user runs it, for the CLI tests: English messages, standard input
//! given, output captured, and the arguments written as one command line.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The words of a command line: split at spaces; a `'…'` word keeps its spaces (`''` is an
/// empty word).
pub fn words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quoted, mut started) = (Vec::new(), String::new(), false, false);
    for c in line.chars() {
        match c {
            '\'' => (quoted, started) = (!quoted, true),
            ' ' if !quoted => {
                if started {
                    out.push(std::mem::take(&mut word));
                }
                started = false;
            }
            c => (word, started) = (word + &c.to_string(), true),
        }
    }
    if started {
        out.push(word);
    }
    out
}

/// A fresh temp directory (gone with it) and the path of a database in it.
pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    (dir, db)
}

/// `temp_db` with the test CA beside the database: the CA file's path, for `--ca-file`.
pub fn temp_db_with_ca(ca_pem: &str) -> (tempfile::TempDir, PathBuf, String) {
    let (dir, db) = temp_db();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, ca_pem).unwrap();
    (dir, db, ca.to_str().unwrap().to_string())
}

/// `mbadmin --db DB ARGS…` in English, run through `wrapper` (e.g. `unshare -n`) if given.
pub fn command(wrapper: &[&str], db: &Path, args: &[String]) -> Command {
    let exe = env!("CARGO_BIN_EXE_mbadmin");
    let mut cmd = match wrapper {
        [w, rest @ ..] => {
            let mut c = Command::new(w);
            c.args(rest).arg(exe);
            c
        }
        [] => Command::new(exe),
    };
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    cmd
}

/// Runs `cmd` with `stdin` as its standard input; its output.
pub fn run(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// `mbadmin --db DB LINE` with `stdin`.
pub fn mbadmin_in(db: &Path, line: &str, stdin: &str) -> Output {
    run(command(&[], db, &words(line)), stdin)
}

/// Runs every `(line, stdin)`; each must succeed.
pub fn all_succeed(db: &Path, steps: &[(&str, &str)]) {
    for (line, stdin) in steps {
        let o = mbadmin_in(db, line, stdin);
        assert!(o.status.success(), "{line}: {}", text(&o.stderr));
    }
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)))
}
