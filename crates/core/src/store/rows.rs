//! Generic row operations shared by every entity table: insert with uid and timestamps,
//! version-checked update, delete, uniqueness checks. Entity modules supply column lists.

use super::Tx;
use crate::diag::FieldCode;
use crate::error::{Entity, Error, FieldIssue, Result};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, OptionalExtension, Row};

/// Column name and value, in the order of the table's definition.
pub type Cols = Vec<(&'static str, Value)>;

/// Inserts a row with a fresh uid, version 1 and both timestamps; returns the row id.
pub fn insert(conn: &Tx, entity: Entity, cols: Cols) -> Result<i64> {
    let table = entity.table();
    let now = super::now();
    let mut names = vec!["uid", "created_at", "updated_at"];
    let mut values = vec![
        Value::Text(super::new_uid()),
        Value::Text(now.clone()),
        Value::Text(now),
    ];
    for (n, v) in cols {
        names.push(n);
        values.push(v);
    }
    let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
    conn.execute(
        &format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            marks.join(", ")
        ),
        params_from_iter(values),
    )?;
    Ok(conn.last_insert_rowid())
}

/// Writes `cols` over row `id` if it is still at `version`; otherwise `Conflict` (or
/// `NotFound` if it was deleted meanwhile).
pub fn update(conn: &Tx, entity: Entity, id: i64, version: i64, cols: Cols) -> Result<()> {
    let table = entity.table();
    let mut sets = vec![
        "version = version + 1".to_string(),
        "updated_at = ?1".into(),
    ];
    let mut values = vec![Value::Text(super::now())];
    for (n, v) in cols {
        values.push(v);
        sets.push(format!("{n} = ?{}", values.len()));
    }
    values.push(Value::Integer(id));
    values.push(Value::Integer(version));
    let n = values.len();
    let changed = conn.execute(
        &format!(
            "UPDATE {table} SET {} WHERE id = ?{} AND version = ?{}",
            sets.join(", "),
            n - 1,
            n
        ),
        params_from_iter(values),
    )?;
    if changed == 0 {
        let name = label(conn, entity, id)?;
        return Err(Error::Conflict { entity, name });
    }
    Ok(())
}

/// The row's current version (NotFound if it is gone).
pub fn version(conn: &Tx, entity: Entity, id: i64) -> Result<i64> {
    conn.query_row(
        &format!("SELECT version FROM {} WHERE id = ?1", entity.table()),
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| not_found(entity, id))
}

/// Refuses when `version` is given and the row has moved on since.
pub fn check_version(conn: &Tx, entity: Entity, id: i64, version: Option<i64>) -> Result<()> {
    let current = self::version(conn, entity, id)?;
    if version.is_some_and(|v| v != current) {
        return Err(Error::Conflict {
            entity,
            name: label(conn, entity, id)?,
        });
    }
    Ok(())
}

pub fn delete(conn: &Tx, entity: Entity, id: i64) -> Result<()> {
    // The test history goes with its record, in the same transaction.
    if matches!(
        entity,
        Entity::Account | Entity::IncomingServer | Entity::OutgoingServer
    ) {
        if let Ok(uid) = uid(conn, entity, id) {
            super::test_runs::forget(conn, &uid)?;
        }
    }
    conn.execute(
        &format!("DELETE FROM {} WHERE id = ?1", entity.table()),
        [id],
    )?;
    Ok(())
}

/// Refuses a delete while `users` is not empty, naming the row and who uses it.
pub fn refuse_in_use(conn: &Tx, entity: Entity, id: i64, users: Vec<String>) -> Result<()> {
    if users.is_empty() {
        return Ok(());
    }
    Err(Error::InUse {
        entity,
        name: label(conn, entity, id)?,
        used_by: users,
    })
}

/// Deletes row `id` if it is still at `version` and `used_by` finds nobody.
pub fn delete_unused(
    conn: &Tx,
    entity: Entity,
    id: i64,
    version: Option<i64>,
    used_by: fn(&Tx, i64) -> Result<Vec<String>>,
) -> Result<()> {
    check_version(conn, entity, id, version)?;
    refuse_in_use(conn, entity, id, used_by(conn, id)?)?;
    delete(conn, entity, id)
}

/// Where a save goes: a new row, or row `id` as it was at `version` (a stale edit is
/// refused with a conflict).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    New,
    Row { id: i64, version: i64 },
}

impl At {
    /// The row itself, which a uniqueness check ignores.
    pub fn id(self) -> Option<i64> {
        match self {
            At::New => None,
            At::Row { id, .. } => Some(id),
        }
    }
}

/// Inserts or updates (`at`) the row of `entity` with `cols`; returns its id.
pub fn save(conn: &Tx, entity: Entity, at: At, cols: Cols) -> Result<i64> {
    match at {
        At::New => insert(conn, entity, cols),
        At::Row { id, version } => {
            update(conn, entity, id, version, cols)?;
            Ok(id)
        }
    }
}

pub fn not_found(entity: Entity, id: impl ToString) -> Error {
    Error::NotFound {
        entity,
        id: id.to_string(),
    }
}

/// The human label of a row (its name or login).
pub fn label(conn: &Tx, entity: Entity, id: i64) -> Result<String> {
    conn.query_row(
        &format!(
            "SELECT {} FROM {} WHERE id = ?1",
            entity.label_column(),
            entity.table()
        ),
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| not_found(entity, id))
}

/// The row whose label is `name` (case-insensitive), if any.
pub fn find_label(conn: &Tx, entity: Entity, name: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT id FROM {} WHERE {} = ?1",
                entity.table(),
                entity.label_column()
            ),
            [name],
            |r| r.get(0),
        )
        .optional()?)
}

/// Finds a row by its label (case-insensitive) or, failing that, by numeric id.
pub fn resolve(conn: &Tx, entity: Entity, name_or_id: &str) -> Result<i64> {
    if let Some(id) = find_label(conn, entity, name_or_id)? {
        return Ok(id);
    }
    if let Ok(id) = name_or_id.parse::<i64>() {
        if let Ok(_v) = self::version(conn, entity, id) {
            return Ok(id);
        }
    }
    Err(not_found(entity, name_or_id))
}

/// `field` must not repeat another row's label (the column is UNIQUE COLLATE NOCASE).
pub fn check_unique(
    conn: &Tx,
    entity: Entity,
    field: &'static str,
    value: &str,
    except_id: Option<i64>,
) -> Result<()> {
    let taken: Option<i64> = conn
        .query_row(
            &format!(
                "SELECT id FROM {} WHERE {} = ?1 AND id IS NOT ?2",
                entity.table(),
                entity.label_column()
            ),
            rusqlite::params![value, except_id],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(Error::Validation(vec![FieldIssue::new(
            field,
            FieldCode::Duplicate,
        )
        .arg("value", value)]));
    }
    Ok(())
}

/// A referenced row must exist: otherwise a field error on `field`.
pub fn check_ref(conn: &Tx, target: Entity, field: &'static str, id: Option<i64>) -> Result<()> {
    if let Some(id) = id {
        if self::version(conn, target, id).is_err() {
            return Err(Error::Validation(vec![FieldIssue::new(
                field,
                FieldCode::MissingRef,
            )
            .arg("id", id.to_string())]));
        }
    }
    Ok(())
}

/// Labels of rows of `entity` whose `column` equals `id` (who uses a row).
pub fn labels_where(conn: &Tx, entity: Entity, column: &str, id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {l} FROM {t} WHERE {column} = ?1 ORDER BY {l} COLLATE natural_de",
        l = entity.label_column(),
        t = entity.table()
    ))?;
    let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Replaces the rows of a link table (`group_members`, `account_users`) for one owner.
pub fn set_links(
    conn: &Tx,
    table: &str,
    owner_col: &str,
    owner: i64,
    other_col: &str,
    others: &[i64],
) -> Result<()> {
    conn.execute(
        &format!("DELETE FROM {table} WHERE {owner_col} = ?1"),
        [owner],
    )?;
    let mut stmt = conn.prepare(&format!(
        "INSERT OR IGNORE INTO {table} ({owner_col}, {other_col}) VALUES (?1, ?2)"
    ))?;
    for o in others {
        stmt.execute([owner, *o])?;
    }
    Ok(())
}

pub fn links(
    conn: &Tx,
    table: &str,
    owner_col: &str,
    owner: i64,
    other_col: &str,
) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {other_col} FROM {table} WHERE {owner_col} = ?1 ORDER BY {other_col}"
    ))?;
    let rows = stmt.query_map([owner], |r| r.get::<_, i64>(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A `LIKE` pattern per search word, with the wildcards of the words taken literally.
pub fn like_patterns(query: &str) -> Vec<String> {
    query
        .split_whitespace()
        .map(|w| {
            let esc = w
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{esc}%")
        })
        .collect()
}

/// The words of a search query, case-folded as `fold_case` folds the searched text.
pub fn search_words(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

/// `WHERE` clause requiring every word (`search_words`, bound as `?1`…) in `column`, a
/// stored text already case-folded: a plain substring test, no function call per row and
/// no wildcards to escape.
pub fn folded_clause(column: &str, n: usize) -> String {
    if n == 0 {
        return String::new();
    }
    let conds: Vec<String> = (1..=n)
        .map(|i| format!("instr({column}, ?{i}) > 0"))
        .collect();
    format!(" WHERE {}", conds.join(" AND "))
}

/// `WHERE` clause requiring every pattern somewhere in `haystack` (an SQL expression).
pub fn search_clause(haystack: &str, n: usize) -> String {
    if n == 0 {
        return String::new();
    }
    let conds: Vec<String> = (1..=n)
        .map(|i| format!("fold_case({haystack}) LIKE ?{i} ESCAPE '\\'"))
        .collect();
    format!(" WHERE {}", conds.join(" AND "))
}

/// The keyring reference stored in `<column>_ref` of a row.
pub fn secret_ref(conn: &Tx, entity: Entity, column: &str, id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            &format!("SELECT {column}_ref FROM {} WHERE id = ?1", entity.table()),
            [id],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}

/// Every keyring reference any row holds (`*_ref` columns of every table).
pub fn all_secret_refs(conn: &Tx) -> Result<std::collections::HashSet<String>> {
    let mut refs = std::collections::HashSet::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for t in tables {
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for c in cols.iter().filter(|c| c.ends_with("_ref")) {
            let mut st = conn.prepare(&format!(
                "SELECT \"{c}\" FROM \"{t}\" WHERE \"{c}\" IS NOT NULL"
            ))?;
            for r in st.query_map([], |r| r.get::<_, String>(0))? {
                refs.insert(r?);
            }
        }
    }
    Ok(refs)
}

/// Records where a row's secret is (`<column>_ref`) and whether it is there (`<column>_state`).
pub fn set_secret(
    conn: &Tx,
    entity: Entity,
    column: &str,
    id: i64,
    r: Option<&str>,
    state: crate::model::SecretState,
) -> Result<()> {
    conn.execute(
        &format!(
            "UPDATE {} SET {column}_ref = ?2, {column}_state = ?3 WHERE id = ?1",
            entity.table()
        ),
        rusqlite::params![id, r, state.as_str()],
    )?;
    Ok(())
}

pub fn uid(conn: &Tx, entity: Entity, id: i64) -> Result<String> {
    conn.query_row(
        &format!("SELECT uid FROM {} WHERE id = ?1", entity.table()),
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| not_found(entity, id))
}

pub fn query<T>(
    conn: &Tx,
    sql: &str,
    params: impl rusqlite::Params,
    f: fn(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let it = stmt.query_map(params, f)?;
    Ok(it.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Rows of `table` matching every word of `q` in `hay`, ordered by `order`.
pub fn searched<T>(
    conn: &Tx,
    table: &str,
    hay: &str,
    order: &str,
    q: &str,
    f: fn(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let pats = like_patterns(q);
    let sql = format!(
        "SELECT * FROM {table}{} ORDER BY {order} COLLATE natural_de",
        search_clause(hay, pats.len())
    );
    query(conn, &sql, rusqlite::params_from_iter(pats.iter()), f)
}

/// Row `id` of `e`, or NotFound.
pub fn one<T>(conn: &Tx, e: Entity, id: i64, f: fn(&Row) -> rusqlite::Result<T>) -> Result<T> {
    conn.query_row(
        &format!("SELECT * FROM {} WHERE id = ?1", e.table()),
        [id],
        f,
    )
    .optional()?
    .ok_or_else(|| not_found(e, id))
}

/// Whether a row's secret is stored, missing, or was entered but not stored.
pub fn secret_state(
    conn: &Tx,
    entity: Entity,
    column: &str,
    id: i64,
) -> Result<crate::model::SecretState> {
    let s: String = conn.query_row(
        &format!(
            "SELECT {column}_state FROM {} WHERE id = ?1",
            entity.table()
        ),
        [id],
        |r| r.get(0),
    )?;
    Ok(crate::model::SecretState::parse(&s))
}
