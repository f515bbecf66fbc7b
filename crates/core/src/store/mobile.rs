//! SQL for mobile accounts (Mobile-Konten).

use super::rows::{self, Cols};
use super::Tx;
use crate::error::{Entity, Result};
use crate::model::{DevicePlatform, MobileDevice, MobileDeviceInput, ProvisionMethod};
use rusqlite::{OptionalExtension, Row};

/// The device with its account's name (for lists and search).
const SELECT: &str =
    "SELECT d.*, coalesce((SELECT a.name FROM accounts a WHERE a.id = d.account_id), '') \
                      AS account_name FROM mobile_devices d";

fn row(r: &Row) -> rusqlite::Result<MobileDevice> {
    Ok(MobileDevice {
        id: r.get("id")?,
        version: r.get("version")?,
        name: r.get("name")?,
        platform: DevicePlatform::parse(&r.get::<_, String>("platform")?).unwrap_or_default(),
        user_id: r.get("user_id")?,
        account_id: r.get("account_id")?,
        account_name: r.get("account_name")?,
        method: ProvisionMethod::parse(&r.get::<_, String>("method")?).unwrap_or_default(),
        set_up_at: r.get("set_up_at")?,
        set_up_by: r.get("set_up_by")?,
        notes: r.get("notes")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn cols(v: &MobileDeviceInput) -> Cols {
    vec![
        ("name", v.name.clone().into()),
        ("platform", v.platform.as_str().to_string().into()),
        ("user_id", v.user_id.into()),
        ("account_id", v.account_id.into()),
        ("method", v.method.as_str().to_string().into()),
        ("set_up_at", v.set_up_at.clone().into()),
        ("set_up_by", v.set_up_by.clone().into()),
        ("notes", v.notes.clone().into()),
    ]
}

/// Devices matching every word of `q` in their name, platform, method, account, user, notes.
pub fn list(conn: &Tx, q: &str) -> Result<Vec<MobileDevice>> {
    let hay = "d.name || ' ' || d.platform || ' ' || d.method || ' ' || d.set_up_by || ' ' || \
               d.notes || ' ' || coalesce((SELECT a.name || ' ' || a.email FROM accounts a \
               WHERE a.id = d.account_id), '') || ' ' || coalesce((SELECT u.login || ' ' || \
               u.display_name FROM users u WHERE u.id = d.user_id), '')";
    let pats = rows::like_patterns(q);
    let sql = format!(
        "{SELECT}{} ORDER BY d.name COLLATE natural_de",
        rows::search_clause(hay, pats.len())
    );
    rows::query(conn, &sql, rusqlite::params_from_iter(pats.iter()), row)
}

pub fn get(conn: &Tx, id: i64) -> Result<MobileDevice> {
    conn.query_row(&format!("{SELECT} WHERE d.id = ?1"), [id], row)
        .optional()?
        .ok_or_else(|| rows::not_found(Entity::MobileDevice, id))
}

/// The device of that name (case-insensitive), if any.
pub fn by_name(conn: &Tx, name: &str) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .query_row(
            "SELECT id, version FROM mobile_devices WHERE name = ?1 COLLATE NOCASE",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
