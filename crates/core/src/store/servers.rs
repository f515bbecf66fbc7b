//! SQL for incoming servers. Callers validate first; this layer maps rows and enforces
//! uniqueness, optimistic concurrency (`version`) and references.

use crate::error::{Entity, Error, FieldIssue, Result};
use crate::model::{AuthMethod, IncomingServer, Protocol, SecretState, Security, ServerFields};
use rusqlite::{params, Connection, OptionalExtension, Row};

const COLUMNS: &str = "id, version, name, protocol, host, security, port, port_manual, \
    timeout_secs, auth_method, ntlm_domain, login_user, password_state, allow_plaintext, \
    tls_verify, tls_alt_name, tls_pin_sha256, folder_trash, folder_junk, folder_sent, \
    folder_deleted, pop3_delete_after_fetch, pop3_delete_after_days, created_at, updated_at";

fn bad_value(col: usize, v: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        col,
        rusqlite::types::Type::Text,
        format!("unexpected value {v:?}").into(),
    )
}

fn from_row(r: &Row) -> rusqlite::Result<IncomingServer> {
    let protocol: String = r.get(3)?;
    let security: String = r.get(5)?;
    let auth: String = r.get(9)?;
    Ok(IncomingServer {
        id: r.get(0)?,
        version: r.get(1)?,
        name: r.get(2)?,
        protocol: Protocol::parse(&protocol).ok_or_else(|| bad_value(3, &protocol))?,
        host: r.get(4)?,
        security: Security::parse(&security).ok_or_else(|| bad_value(5, &security))?,
        port: r.get(6)?,
        port_manual: r.get(7)?,
        timeout_secs: r.get(8)?,
        auth_method: AuthMethod::parse(&auth).ok_or_else(|| bad_value(9, &auth))?,
        ntlm_domain: r.get(10)?,
        login_user: r.get(11)?,
        password: SecretState::parse(&r.get::<_, String>(12)?),
        allow_plaintext: r.get(13)?,
        tls_verify: r.get(14)?,
        tls_alt_name: r.get(15)?,
        tls_pin_sha256: r.get(16)?,
        folder_trash: r.get(17)?,
        folder_junk: r.get(18)?,
        folder_sent: r.get(19)?,
        folder_deleted: r.get(20)?,
        pop3_delete_after_fetch: r.get(21)?,
        pop3_delete_after_days: r.get(22)?,
        created_at: r.get(23)?,
        updated_at: r.get(24)?,
    })
}

/// Every server whose text fields contain all words of `query` (case-insensitive), by name.
pub fn list(conn: &Connection, query: &str) -> Result<Vec<IncomingServer>> {
    let mut sql = format!("SELECT {COLUMNS} FROM incoming_servers");
    let words: Vec<String> = query
        .split_whitespace()
        .map(|w| {
            let esc = w
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{esc}%")
        })
        .collect();
    if !words.is_empty() {
        // One haystack per row: every field an administrator might search for.
        let hay = "lower(name || ' ' || host || ' ' || protocol || ' ' || security || ' ' || \
                   port || ' ' || auth_method || ' ' || login_user || ' ' || ntlm_domain || ' ' || \
                   tls_alt_name || ' ' || folder_trash || ' ' || folder_junk || ' ' || \
                   folder_sent || ' ' || folder_deleted)";
        let conds: Vec<String> = (1..=words.len())
            .map(|i| format!("{hay} LIKE ?{i} ESCAPE '\\'"))
            .collect();
        sql.push_str(" WHERE ");
        sql.push_str(&conds.join(" AND "));
    }
    sql.push_str(" ORDER BY name COLLATE NOCASE");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(words.iter()), from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn get(conn: &Connection, id: i64) -> Result<IncomingServer> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM incoming_servers WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or(Error::NotFound {
        entity: Entity::IncomingServer,
        id: id.to_string(),
    })
}

pub fn find_by_name(conn: &Connection, name: &str) -> Result<Option<IncomingServer>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM incoming_servers WHERE name = ?1"),
            [name],
            from_row,
        )
        .optional()?)
}

/// The keyring reference of a server's password, if one was ever assigned.
pub fn password_ref(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT password_ref FROM incoming_servers WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

fn check_name_free(conn: &Connection, name: &str, except_id: Option<i64>) -> Result<()> {
    let taken: Option<i64> = conn
        .query_row(
            "SELECT id FROM incoming_servers WHERE name = ?1 AND id IS NOT ?2",
            params![name, except_id],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(Error::Validation(vec![FieldIssue::new(
            "name",
            "duplicate",
        )
        .arg("value", name)]));
    }
    Ok(())
}

pub fn insert(
    conn: &Connection,
    f: &ServerFields,
    uid: &str,
    password_ref: Option<&str>,
    password_state: SecretState,
    now: &str,
) -> Result<i64> {
    check_name_free(conn, &f.name, None)?;
    conn.execute(
        "INSERT INTO incoming_servers (uid, name, protocol, host, security, port, port_manual, \
         timeout_secs, auth_method, ntlm_domain, login_user, password_ref, password_state, \
         allow_plaintext, tls_verify, tls_alt_name, tls_pin_sha256, folder_trash, folder_junk, \
         folder_sent, folder_deleted, pop3_delete_after_fetch, pop3_delete_after_days, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, \
         ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?24)",
        params![
            uid,
            f.name,
            f.protocol.as_str(),
            f.host,
            f.security.as_str(),
            f.port,
            f.port_manual,
            f.timeout_secs,
            f.auth_method.as_str(),
            f.ntlm_domain,
            f.login_user,
            password_ref,
            password_state.as_str(),
            f.allow_plaintext,
            f.tls_verify,
            f.tls_alt_name,
            f.tls_pin_sha256,
            f.folder_trash,
            f.folder_junk,
            f.folder_sent,
            f.folder_deleted,
            f.pop3_delete_after_fetch,
            f.pop3_delete_after_days,
            now,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Writes `f` over server `id` if it is still at `version`; otherwise refuses with Conflict.
pub fn update(
    conn: &Connection,
    id: i64,
    version: i64,
    f: &ServerFields,
    password_ref: Option<&str>,
    password_state: SecretState,
    now: &str,
) -> Result<()> {
    check_name_free(conn, &f.name, Some(id))?;
    let n = conn.execute(
        "UPDATE incoming_servers SET version = version + 1, name = ?3, host = ?4, security = ?5, \
         port = ?6, port_manual = ?7, timeout_secs = ?8, auth_method = ?9, ntlm_domain = ?10, \
         login_user = ?11, password_ref = ?12, password_state = ?13, allow_plaintext = ?14, \
         tls_verify = ?15, tls_alt_name = ?16, tls_pin_sha256 = ?17, folder_trash = ?18, \
         folder_junk = ?19, folder_sent = ?20, folder_deleted = ?21, \
         pop3_delete_after_fetch = ?22, pop3_delete_after_days = ?23, updated_at = ?24 \
         WHERE id = ?1 AND version = ?2",
        params![
            id,
            version,
            f.name,
            f.host,
            f.security.as_str(),
            f.port,
            f.port_manual,
            f.timeout_secs,
            f.auth_method.as_str(),
            f.ntlm_domain,
            f.login_user,
            password_ref,
            password_state.as_str(),
            f.allow_plaintext,
            f.tls_verify,
            f.tls_alt_name,
            f.tls_pin_sha256,
            f.folder_trash,
            f.folder_junk,
            f.folder_sent,
            f.folder_deleted,
            f.pop3_delete_after_fetch,
            f.pop3_delete_after_days,
            now,
        ],
    )?;
    if n == 0 {
        let current = get(conn, id)?; // NotFound if it was deleted meanwhile
        return Err(Error::Conflict {
            entity: Entity::IncomingServer,
            name: current.name,
        });
    }
    Ok(())
}

/// Names of the accounts that use server `id`.
pub fn used_by(conn: &Connection, id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM accounts WHERE incoming_server_id = ?1 ORDER BY name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn delete(conn: &Connection, id: i64, version: Option<i64>) -> Result<()> {
    let current = get(conn, id)?;
    if version.is_some_and(|v| v != current.version) {
        return Err(Error::Conflict {
            entity: Entity::IncomingServer,
            name: current.name,
        });
    }
    let users = used_by(conn, id)?;
    if !users.is_empty() {
        return Err(Error::InUse {
            entity: Entity::IncomingServer,
            name: current.name,
            used_by: users,
        });
    }
    conn.execute("DELETE FROM incoming_servers WHERE id = ?1", [id])?;
    Ok(())
}
