//! Connection tests of stored records: builds the probe target from the record and the
//! keyring, runs the engine, and keeps the history of test runs (table `test_runs`).

use super::App;
use crate::error::{Error, Result};
use crate::model::{AuthMethod, IncomingServer, SecretState};
use crate::probe::{
    self, CancellationToken, ProbeAuth, ProbeTarget, Progress, Secret, SpecialFolders, TestPlan,
    TestReport, TlsSettings,
};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use ts_rs::TS;

/// Runs kept per tested record; older ones are dropped.
const HISTORY_KEEP: i64 = 100;

/// Options of one test run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct TestOptions {
    /// Additional trusted CA certificates (PEM) besides the OS trust store, e.g. a company
    /// CA (`mbadmin test --ca-file`).
    pub extra_roots: Vec<String>,
}

/// What a test run was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TestTargetKind {
    IncomingServer,
    OutgoingServer,
    Account,
}

impl TestTargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TestTargetKind::IncomingServer => "incoming_server",
            TestTargetKind::OutgoingServer => "outgoing_server",
            TestTargetKind::Account => "account",
        }
    }
}

/// One stored test run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TestRun {
    pub id: i64,
    pub target_kind: TestTargetKind,
    pub target_id: i64,
    pub started_at: String,
    pub duration_ms: u64,
    pub ok: bool,
    pub cancelled: bool,
    pub codes: Vec<String>,
    pub report: TestReport,
}

/// The probe target of a stored incoming server (without its password).
pub fn incoming_target(s: &IncomingServer, opts: &TestOptions) -> ProbeTarget {
    let mut t = ProbeTarget::new(s.protocol.into(), &s.host, s.port, s.security);
    t.timeout = Duration::from_secs(u64::from(s.timeout_secs.clamp(1, 600)));
    t.auth = ProbeAuth::from(s.auth_method);
    t.user = s.login_user.clone();
    t.allow_plaintext = s.allow_plaintext;
    t.tls = TlsSettings {
        verify: s.tls_verify,
        alt_name: s.tls_alt_name.clone(),
        pin_sha256: s.tls_pin_sha256.clone(),
        extra_roots: opts.extra_roots.clone(),
    };
    t.folders = SpecialFolders {
        trash: s.folder_trash.clone(),
        junk: s.folder_junk.clone(),
        sent: s.folder_sent.clone(),
        deleted: s.folder_deleted.clone(),
    };
    t
}

impl App {
    /// Tests incoming server `id` step by step (SPEC §3) and stores the run in its history.
    /// `progress` sees each step as it starts and ends; `cancel` stops the test at once.
    pub async fn test_server(
        &self,
        id: i64,
        opts: &TestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<TestReport> {
        let target = self.server_target(id, opts)?;
        let report = probe::run(&TestPlan::single(target), self.lang(), progress, cancel).await;
        self.record_test(TestTargetKind::IncomingServer, id, &report)?;
        Ok(report)
    }

    fn server_target(&self, id: i64, opts: &TestOptions) -> Result<ProbeTarget> {
        let server = self.get_server(id)?;
        let mut t = incoming_target(&server, opts);
        let needs_password = !server.login_user.trim().is_empty()
            && matches!(
                server.auth_method,
                AuthMethod::Password | AuthMethod::CramMd5
            );
        if needs_password {
            match server.password {
                SecretState::Stored => match self.server_password(id) {
                    Ok(Some(pw)) => t.password = Some(Secret::new(pw)),
                    Ok(None) => t.password_error = Some("not found in the keyring".into()),
                    // The test still checks connection and TLS; the login step says why.
                    Err(e) => t.password_error = Some(self.api_error(&e).message),
                },
                SecretState::NotStored => {
                    t.password_error = Some("entered, but the keyring did not store it".into())
                }
                SecretState::None => {}
            }
        }
        Ok(t)
    }

    /// Stores a finished run and keeps the last runs of that record.
    pub fn record_test(&self, kind: TestTargetKind, id: i64, report: &TestReport) -> Result<i64> {
        let json = serde_json::to_string(report)
            .map_err(|e| Error::Io(std::io::Error::other(format!("test report: {e}"))))?;
        let mut db = self.db();
        let tx = db.conn.transaction()?;
        tx.execute(
            "INSERT INTO test_runs (target_kind, target_id, started_at, duration_ms, ok, \
             cancelled, codes, report) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                kind.as_str(),
                id,
                report.started_at,
                report.duration_ms as i64,
                report.ok,
                report.cancelled,
                report.codes.join(" "),
                json,
            ],
        )?;
        let row = tx.last_insert_rowid();
        tx.execute(
            "DELETE FROM test_runs WHERE target_kind = ?1 AND target_id = ?2 AND id NOT IN \
             (SELECT id FROM test_runs WHERE target_kind = ?1 AND target_id = ?2 \
              ORDER BY id DESC LIMIT ?3)",
            params![kind.as_str(), id, HISTORY_KEEP],
        )?;
        tx.commit()?;
        Ok(row)
    }

    /// The stored test runs of a record, newest first.
    pub fn test_history(&self, kind: TestTargetKind, id: i64) -> Result<Vec<TestRun>> {
        let db = self.db();
        let mut stmt = db.conn.prepare(
            "SELECT id, started_at, duration_ms, ok, cancelled, codes, report FROM test_runs \
             WHERE target_kind = ?1 AND target_id = ?2 ORDER BY id DESC",
        )?;
        let rows = stmt.query_map(params![kind.as_str(), id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (run_id, started_at, duration_ms, ok, cancelled, codes, json) = row?;
            // A report written by a newer version may not parse: skip it rather than fail.
            let Ok(report) = serde_json::from_str::<TestReport>(&json) else {
                continue;
            };
            out.push(TestRun {
                id: run_id,
                target_kind: kind,
                target_id: id,
                started_at,
                duration_ms: duration_ms.max(0) as u64,
                ok,
                cancelled,
                codes: codes.split_whitespace().map(str::to_string).collect(),
                report,
            });
        }
        Ok(out)
    }
}
