//! SQL for outgoing servers.

use super::rows::{self, Cols};
use super::Tx;
use crate::error::{Entity, Result};
use crate::model::{
    M365SendVia, OutgoingFields, OutgoingKind, OutgoingServer, SecretState, Security, SmtpAuth,
};
use rusqlite::{OptionalExtension, Row};

const E: Entity = Entity::OutgoingServer;

fn from_row(r: &Row) -> rusqlite::Result<OutgoingServer> {
    let s = |c: &str| r.get::<_, String>(c);
    Ok(OutgoingServer {
        id: r.get("id")?,
        version: r.get("version")?,
        name: s("name")?,
        enabled: r.get("enabled")?,
        kind: OutgoingKind::parse(&s("kind")?).unwrap_or_default(),
        m365_send_via: M365SendVia::parse(&s("m365_send_via")?).unwrap_or_default(),
        host: s("host")?,
        security: Security::parse(&s("security")?).unwrap_or_default(),
        port: r.get("port")?,
        port_manual: r.get("port_manual")?,
        timeout_secs: r.get("timeout_secs")?,
        auth_method: SmtpAuth::parse(&s("auth_method")?).unwrap_or_default(),
        username: s("username")?,
        ntlm_domain: s("ntlm_domain")?,
        oauth_provider_id: r.get("oauth_provider_id")?,
        password: SecretState::parse(&s("password_state")?),
        allow_plaintext: r.get("allow_plaintext")?,
        sender_address: s("sender_address")?,
        bcc_to_sender: r.get("bcc_to_sender")?,
        send_via_app_server: r.get("send_via_app_server")?,
        tls_verify: r.get("tls_verify")?,
        tls_alt_name: s("tls_alt_name")?,
        tls_pin_sha256: s("tls_pin_sha256")?,
        smime_sign: r.get("smime_sign")?,
        smime_encrypt: r.get("smime_encrypt")?,
        smime_certificate_id: r.get("smime_certificate_id")?,
        client_certificate_id: r.get("client_certificate_id")?,
        is_default: r.get("is_default")?,
        created_at: s("created_at")?,
        updated_at: s("updated_at")?,
    })
}

pub fn cols(f: &OutgoingFields) -> Cols {
    vec![
        ("name", f.name.clone().into()),
        ("enabled", f.enabled.into()),
        ("kind", f.kind.as_str().to_string().into()),
        ("m365_send_via", f.m365_send_via.as_str().to_string().into()),
        ("host", f.host.clone().into()),
        ("security", f.security.as_str().to_string().into()),
        ("port", (f.port as i64).into()),
        ("port_manual", f.port_manual.into()),
        ("timeout_secs", (f.timeout_secs as i64).into()),
        ("auth_method", f.auth_method.as_str().to_string().into()),
        ("username", f.username.clone().into()),
        ("ntlm_domain", f.ntlm_domain.clone().into()),
        ("oauth_provider_id", f.oauth_provider_id.into()),
        ("allow_plaintext", f.allow_plaintext.into()),
        ("sender_address", f.sender_address.clone().into()),
        ("bcc_to_sender", f.bcc_to_sender.into()),
        ("send_via_app_server", f.send_via_app_server.into()),
        ("tls_verify", f.tls_verify.into()),
        ("tls_alt_name", f.tls_alt_name.clone().into()),
        ("tls_pin_sha256", f.tls_pin_sha256.clone().into()),
        ("smime_sign", f.smime_sign.into()),
        ("smime_encrypt", f.smime_encrypt.into()),
        ("smime_certificate_id", f.smime_certificate_id.into()),
        ("client_certificate_id", f.client_certificate_id.into()),
        ("is_default", f.is_default.into()),
    ]
}

pub fn list(conn: &Tx, query: &str) -> Result<Vec<OutgoingServer>> {
    let pats = rows::like_patterns(query);
    let hay = "name || ' ' || host || ' ' || kind || ' ' || security || ' ' || port || ' ' || \
               username || ' ' || sender_address || ' ' || auth_method";
    let sql = format!(
        "SELECT * FROM outgoing_servers{} ORDER BY name COLLATE natural_de",
        rows::search_clause(hay, pats.len())
    );
    let mut stmt = conn.prepare(&sql)?;
    let it = stmt.query_map(rusqlite::params_from_iter(pats.iter()), from_row)?;
    Ok(it.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn get(conn: &Tx, id: i64) -> Result<OutgoingServer> {
    conn.query_row(
        "SELECT * FROM outgoing_servers WHERE id = ?1",
        [id],
        from_row,
    )
    .optional()?
    .ok_or_else(|| rows::not_found(E, id))
}

/// The installation default, if one is set.
pub fn installation_default(conn: &Tx) -> Result<Option<OutgoingServer>> {
    Ok(conn
        .query_row(
            "SELECT * FROM outgoing_servers WHERE is_default = 1",
            [],
            from_row,
        )
        .optional()?)
}

/// Makes `id` the only installation default.
pub fn clear_default_except(conn: &Tx, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE outgoing_servers SET is_default = 0, version = version + 1 \
         WHERE is_default = 1 AND id <> ?1",
        [id],
    )?;
    Ok(())
}

/// Everything that refers to server `id` (accounts and companies), for "in use" messages.
pub fn used_by(conn: &Tx, id: i64) -> Result<Vec<String>> {
    let mut out = rows::labels_where(conn, Entity::Account, "outgoing_server_id", id)?;
    out.extend(rows::labels_where(
        conn,
        Entity::Company,
        "default_outgoing_server_id",
        id,
    )?);
    Ok(out)
}
