//! The test history (`test_runs`): each finished connection test of a record, its codes and
//! its whole report as JSON (written and read by `app::probe`), the newest few per record.

use super::Tx;
use crate::error::Result;
use rusqlite::params;

/// A run as stored: the report stays JSON here; `app` owns its shape.
pub struct StoredRun {
    pub id: i64,
    pub started_at: String,
    pub duration_ms: i64,
    pub ok: bool,
    pub cancelled: bool,
    /// Diagnosis codes, space-separated.
    pub codes: String,
    pub report_json: String,
}

/// Stores a run of record `target_id` of kind `target_kind` and keeps only the newest
/// `keep` runs of that record. Returns the new row's id.
pub fn insert(
    conn: &Tx,
    target_kind: &str,
    target_id: i64,
    run: &StoredRun,
    keep: i64,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO test_runs (target_kind, target_id, started_at, duration_ms, ok, \
         cancelled, codes, report) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            target_kind,
            target_id,
            run.started_at,
            run.duration_ms,
            run.ok,
            run.cancelled,
            run.codes,
            run.report_json,
        ],
    )?;
    let row = conn.last_insert_rowid();
    conn.execute(
        "DELETE FROM test_runs WHERE target_kind = ?1 AND target_id = ?2 AND id NOT IN \
         (SELECT id FROM test_runs WHERE target_kind = ?1 AND target_id = ?2 \
          ORDER BY id DESC LIMIT ?3)",
        params![target_kind, target_id, keep],
    )?;
    Ok(row)
}

/// The stored runs of a record, newest first.
pub fn list(conn: &Tx, target_kind: &str, target_id: i64) -> Result<Vec<StoredRun>> {
    let mut stmt = conn.prepare(
        "SELECT id, started_at, duration_ms, ok, cancelled, codes, report FROM test_runs \
         WHERE target_kind = ?1 AND target_id = ?2 ORDER BY id DESC",
    )?;
    let rows = stmt.query_map(params![target_kind, target_id], |r| {
        Ok(StoredRun {
            id: r.get(0)?,
            started_at: r.get(1)?,
            duration_ms: r.get(2)?,
            ok: r.get(3)?,
            cancelled: r.get(4)?,
            codes: r.get(5)?,
            report_json: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
