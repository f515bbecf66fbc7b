//! The test history (`test_runs`): each finished connection test of a record, its codes and
//! its whole report as JSON (written and read by `app::probe`), the newest few per record.

use super::{rows, Tx};
use crate::error::{Entity, Result};
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

/// Stores a run of row `target_id` of `entity` and keeps only the newest `keep` runs of that
/// record. The run follows the record's uid: a record deleted meanwhile is not found.
pub fn insert(
    conn: &Tx,
    entity: Entity,
    target_kind: &str,
    target_id: i64,
    run: &StoredRun,
    keep: i64,
) -> Result<i64> {
    let uid = rows::uid(conn, entity, target_id)?;
    conn.execute(
        "INSERT INTO test_runs (target_kind, target_id, target_uid, started_at, duration_ms, \
         ok, cancelled, codes, report) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            target_kind,
            target_id,
            uid,
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
        "DELETE FROM test_runs WHERE target_uid = ?1 AND id NOT IN \
         (SELECT id FROM test_runs WHERE target_uid = ?1 ORDER BY id DESC LIMIT ?2)",
        params![uid, keep],
    )?;
    Ok(row)
}

/// The stored runs of row `target_id` of `entity`, newest first; none for a record that does
/// not exist (any more).
pub fn list(conn: &Tx, entity: Entity, target_id: i64) -> Result<Vec<StoredRun>> {
    let uid = match rows::uid(conn, entity, target_id) {
        Ok(uid) => uid,
        Err(crate::error::Error::NotFound { .. }) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut stmt = conn.prepare(
        "SELECT id, started_at, duration_ms, ok, cancelled, codes, report FROM test_runs \
         WHERE target_uid = ?1 ORDER BY id DESC",
    )?;
    let rows = stmt.query_map(params![uid], |r| {
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

/// Removes the history of a record that is being deleted (its uid).
pub fn forget(conn: &Tx, uid: &str) -> Result<()> {
    conn.execute("DELETE FROM test_runs WHERE target_uid = ?1", [uid])?;
    Ok(())
}
