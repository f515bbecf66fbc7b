//! SQL for the one-row general settings and for templates.

use super::rows::{self, Cols};
use super::Tx;
use crate::error::{Entity, Error, Result};
use crate::model::{GeneralSettings, Template, TemplateInput, TemplateKind};
use rusqlite::Row;

/// True while nothing has been set up: no incoming server, no outgoing server, no account
/// (the window then offers the ways to start instead of an empty list).
pub fn is_unconfigured(conn: &Tx) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM incoming_servers) \
           AND NOT EXISTS (SELECT 1 FROM outgoing_servers) \
           AND NOT EXISTS (SELECT 1 FROM accounts)",
        [],
        |r| r.get(0),
    )?)
}

pub fn get(conn: &Tx) -> Result<GeneralSettings> {
    Ok(
        conn.query_row("SELECT * FROM general_settings WHERE id = 1", [], |r| {
            Ok(GeneralSettings {
                version: r.get("version")?,
                fetch_interval_minutes: r.get("fetch_interval_minutes")?,
                hide_mailbox: r.get("hide_mailbox")?,
                show_outbox: r.get("show_outbox")?,
                no_manual_fetch: r.get("no_manual_fetch")?,
                users_may_redownload: r.get("users_may_redownload")?,
                lock_after_send: r.get("lock_after_send")?,
                detect_budget_secs: r.get("detect_budget_secs")?,
                dns_server: r.get("dns_server")?,
                provider_db_url: r.get("provider_db_url")?,
                detect_allow_http: r.get("detect_allow_http")?,
                detect_send_address: r.get("detect_send_address")?,
                save_only_tested: r.get("save_only_tested")?,
                updated_at: r.get("updated_at")?,
            })
        })?,
    )
}

/// Saves `s` if the row is still at `s.version`.
pub fn save(conn: &Tx, s: &GeneralSettings) -> Result<()> {
    let n = conn.execute(
        "UPDATE general_settings SET version = version + 1, fetch_interval_minutes = ?2, \
         hide_mailbox = ?3, show_outbox = ?4, no_manual_fetch = ?5, users_may_redownload = ?6, \
         lock_after_send = ?7, updated_at = ?8, detect_budget_secs = ?9, dns_server = ?10, \
         provider_db_url = ?11, detect_allow_http = ?12, detect_send_address = ?13, \
         save_only_tested = ?14 WHERE id = 1 AND version = ?1",
        rusqlite::params![
            s.version,
            s.fetch_interval_minutes,
            s.hide_mailbox,
            s.show_outbox,
            s.no_manual_fetch,
            s.users_may_redownload,
            s.lock_after_send,
            super::now(),
            s.detect_budget_secs,
            s.dns_server.trim(),
            s.provider_db_url.trim(),
            s.detect_allow_http,
            s.detect_send_address,
            s.save_only_tested
        ],
    )?;
    if n == 0 {
        return Err(Error::Conflict {
            entity: Entity::Settings,
            name: String::new(),
        });
    }
    Ok(())
}

fn template(r: &Row) -> rusqlite::Result<Template> {
    let data: String = r.get("data")?;
    Ok(Template {
        id: r.get("id")?,
        version: r.get("version")?,
        name: r.get("name")?,
        kind: TemplateKind::parse(&r.get::<_, String>("kind")?).unwrap_or(TemplateKind::Incoming),
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn template_cols(v: &TemplateInput) -> Cols {
    vec![
        ("name", v.name.clone().into()),
        ("kind", v.kind.as_str().to_string().into()),
        ("data", v.data.to_string().into()),
    ]
}

pub fn templates(conn: &Tx, q: &str) -> Result<Vec<Template>> {
    rows::searched(
        conn,
        "templates",
        "name || ' ' || kind",
        "name",
        q,
        template,
    )
}

pub fn get_template(conn: &Tx, id: i64) -> Result<Template> {
    rows::one(conn, Entity::Template, id, template)
}
