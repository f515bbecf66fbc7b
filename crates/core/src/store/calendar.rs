//! SQL for calendar accounts.

use super::rows::{self, Cols};
use super::Tx;
use crate::error::{Entity, Result};
use crate::model::{CalendarAccount, CalendarBackend, CalendarInput, SecretState};
use rusqlite::Row;

fn row(r: &Row) -> rusqlite::Result<CalendarAccount> {
    Ok(CalendarAccount {
        id: r.get("id")?,
        version: r.get("version")?,
        name: r.get("name")?,
        employee_id: r.get("employee_id")?,
        backend: CalendarBackend::parse(&r.get::<_, String>("backend")?).unwrap_or_default(),
        outlook_profile: r.get("outlook_profile")?,
        calendar_name: r.get("calendar_name")?,
        caldav_url: r.get("caldav_url")?,
        username: r.get("username")?,
        password: SecretState::parse(&r.get::<_, String>("password_state")?),
        oauth_provider_id: r.get("oauth_provider_id")?,
        sync_days_back: r.get("sync_days_back")?,
        sync_days_ahead: r.get("sync_days_ahead")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn cols(v: &CalendarInput) -> Cols {
    vec![
        ("name", v.name.clone().into()),
        ("employee_id", v.employee_id.into()),
        ("backend", v.backend.as_str().to_string().into()),
        ("outlook_profile", v.outlook_profile.clone().into()),
        ("calendar_name", v.calendar_name.clone().into()),
        ("caldav_url", v.caldav_url.clone().into()),
        ("username", v.username.clone().into()),
        ("oauth_provider_id", v.oauth_provider_id.into()),
        ("sync_days_back", v.sync_days_back.into()),
        ("sync_days_ahead", v.sync_days_ahead.into()),
    ]
}

pub fn list(conn: &Tx, q: &str) -> Result<Vec<CalendarAccount>> {
    // The employee's name is searchable too.
    let hay = "name || ' ' || outlook_profile || ' ' || calendar_name || ' ' || username || ' ' || \
               caldav_url || ' ' || coalesce((SELECT e.name FROM employees e WHERE e.id = employee_id), '')";
    rows::searched(conn, "calendar_accounts", hay, "name", q, row)
}

pub fn get(conn: &Tx, id: i64) -> Result<CalendarAccount> {
    rows::one(conn, Entity::CalendarAccount, id, row)
}
