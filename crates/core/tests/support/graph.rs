//! The Microsoft Graph stand-in of the tests (`tests/graph/standin.mjs`): HTTPS with the test
//! CA's good certificate on 127.0.0.1, checking every bearer token by introspection at the
//! tests' real authorization server (`servers().oauth`). Each test starts its own (about
//! 0.2 s) with the mailboxes and policies it needs; it stops when dropped or with the tests.
//!
//! Use next to `servers.rs`:
//! ```ignore
//! #[path = "support/servers.rs"] mod servers;
//! #[path = "support/graph.rs"] mod graph;
//! let g = graph::GraphStandin::start(&graph::GraphOptions::mailboxes(&[servers::ALICE.name]));
//! // point the app at g.url (MAILBOX_ADMIN_GRAPH_URL or the general setting) …
//! assert_eq!(g.sent().len(), 1);
//! ```
//! The stand-in knows `GET /v1.0/users/{id}`, `POST /v1.0/users/{id}/sendMail`,
//! `GET /v1.0/users/{id}/calendars`, `GET /v1.0/users/{id}/calendarView` and `GET /v1.0/me`;
//! a new endpoint is one line in its `ROUTES` table.

#![allow(dead_code)]

use super::servers::servers;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// What one stand-in knows.
#[derive(Debug, Clone, Default)]
pub struct GraphOptions {
    /// The mailboxes that exist (e-mail addresses).
    pub mailboxes: Vec<String>,
    /// Mailboxes that answer `MailboxNotEnabledForRESTAPI` (on-premises, soft-deleted).
    pub rest_disabled: Vec<String>,
    /// An application access policy: app-only tokens reach only these mailboxes (`None`: all).
    pub app_policy: Option<Vec<String>>,
    /// Events per mailbox for `calendarView` (Graph's JSON event objects).
    pub events: serde_json::Map<String, serde_json::Value>,
}

impl GraphOptions {
    pub fn mailboxes(list: &[&str]) -> GraphOptions {
        GraphOptions {
            mailboxes: list.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }
}

pub struct GraphStandin {
    /// `https://127.0.0.1:PORT` — the Graph base URL (without `/v1.0`).
    pub url: String,
    pub port: u16,
    /// Its log (stderr).
    pub log: PathBuf,
    child: Child,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/graph/standin.mjs")
}

impl GraphStandin {
    pub fn start(opts: &GraphOptions) -> GraphStandin {
        let s = servers();
        let dir = tempfile::Builder::new()
            .prefix("graph-standin")
            .tempdir()
            .expect("a temp dir")
            .keep();
        let log = dir.join("standin.log");
        let err = std::fs::File::create(&log).expect("the stand-in's log");
        let mut cmd = Command::new("node");
        cmd.arg(script())
            .env("GRAPH_TLS_CERT", s.dir.join("certs/good.crt"))
            .env("GRAPH_TLS_KEY", s.dir.join("certs/good.key"))
            .env("GRAPH_INTROSPECTION_URL", s.oauth.introspection_endpoint())
            .env("GRAPH_INTROSPECTION_CLIENT", s.oauth.introspection_client)
            .env("GRAPH_INTROSPECTION_SECRET", s.oauth.introspection_secret)
            .env(
                "GRAPH_MAILBOXES",
                serde_json::to_string(&opts.mailboxes).unwrap(),
            )
            .env(
                "GRAPH_REST_DISABLED",
                serde_json::to_string(&opts.rest_disabled).unwrap(),
            )
            .env(
                "GRAPH_EVENTS",
                serde_json::Value::Object(opts.events.clone()).to_string(),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(err)
            .process_group(0);
        if let Some(p) = &opts.app_policy {
            cmd.env("GRAPH_APP_POLICY", serde_json::to_string(p).unwrap());
        }
        // It exits when its stdin closes: when we are dropped, and when the test process
        // ends however it ends (no PR_SET_PDEATHSIG: that follows the starting thread, and a
        // stand-in shared by a binary's tests outlives the test that started it).
        let mut child = cmd
            .spawn()
            .expect("node runs tests/graph/standin.mjs (scripts/install-deps.sh test)");
        let stdout = child.stdout.take().expect("the stand-in's stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let r = BufReader::new(stdout).read_line(&mut line).map(|_| line);
            let _ = tx.send(r);
        });
        let line = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(Ok(l)) if !l.trim().is_empty() => l,
            other => panic!(
                "the Graph stand-in did not start ({other:?}): {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            ),
        };
        let info: serde_json::Value = serde_json::from_str(line.trim()).expect("its JSON line");
        GraphStandin {
            url: info["url"].as_str().expect("url").to_string(),
            port: info["port"].as_u64().expect("port") as u16,
            log,
            child,
        }
    }

    fn get(&self, path: &str) -> serde_json::Value {
        let out = Command::new("curl")
            .args(["-sS", "--max-time", "10", "--cacert"])
            .arg(&servers().oauth.ca_file)
            .arg(format!("{}{path}", self.url))
            .output()
            .expect("curl");
        assert!(
            out.status.success(),
            "curl {path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON from the stand-in")
    }

    /// The mails `sendMail` accepted: `{from, by, to[], subject, body, headers[],
    /// saveToSentItems}` (`by`: the token's user, or `app:CLIENT` for an app-only token).
    pub fn sent(&self) -> Vec<serde_json::Value> {
        self.get("/_standin/sent")
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Every Graph request so far: `{method, path, status}`.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        self.get("/_standin/requests")
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for GraphStandin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
