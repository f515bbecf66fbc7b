//! SQL for incoming servers. Callers validate first; uniqueness, optimistic concurrency
//! (`version`) and references are enforced with the shared row helpers.

use super::rows::{self, Cols};
use super::Tx;
use crate::error::{Entity, Result};
use crate::model::{AuthMethod, IncomingServer, Protocol, SecretState, Security, ServerFields};
use rusqlite::Row;

const E: Entity = Entity::IncomingServer;

/// Every field an administrator might search for.
const HAYSTACK: &str = "name || ' ' || host || ' ' || protocol || ' ' || security || ' ' || \
    port || ' ' || auth_method || ' ' || login_user || ' ' || ntlm_domain || ' ' || \
    tls_alt_name || ' ' || folder_trash || ' ' || folder_junk || ' ' || folder_sent || ' ' || \
    folder_deleted";

fn from_row(r: &Row) -> rusqlite::Result<IncomingServer> {
    let s = |c: &str| r.get::<_, String>(c);
    Ok(IncomingServer {
        id: r.get("id")?,
        version: r.get("version")?,
        name: s("name")?,
        protocol: Protocol::parse(&s("protocol")?).unwrap_or_default(),
        host: s("host")?,
        security: Security::parse(&s("security")?).unwrap_or_default(),
        port: r.get("port")?,
        port_manual: r.get("port_manual")?,
        timeout_secs: r.get("timeout_secs")?,
        auth_method: AuthMethod::parse(&s("auth_method")?).unwrap_or_default(),
        ntlm_domain: s("ntlm_domain")?,
        oauth_provider_id: r.get("oauth_provider_id")?,
        login_user: s("login_user")?,
        password: SecretState::parse(&s("password_state")?),
        allow_plaintext: r.get("allow_plaintext")?,
        tls_verify: r.get("tls_verify")?,
        tls_alt_name: s("tls_alt_name")?,
        tls_pin_sha256: s("tls_pin_sha256")?,
        client_certificate_id: r.get("client_certificate_id")?,
        folder_trash: s("folder_trash")?,
        folder_junk: s("folder_junk")?,
        folder_sent: s("folder_sent")?,
        folder_deleted: s("folder_deleted")?,
        pop3_delete_after_fetch: r.get("pop3_delete_after_fetch")?,
        pop3_delete_after_days: r.get("pop3_delete_after_days")?,
        created_at: s("created_at")?,
        updated_at: s("updated_at")?,
    })
}

/// The columns a save writes (the protocol only on insert: it is fixed after creation).
pub fn cols(f: &ServerFields) -> Cols {
    vec![
        ("name", f.name.clone().into()),
        ("protocol", f.protocol.as_str().to_string().into()),
        ("host", f.host.clone().into()),
        ("security", f.security.as_str().to_string().into()),
        ("port", (f.port as i64).into()),
        ("port_manual", f.port_manual.into()),
        ("timeout_secs", (f.timeout_secs as i64).into()),
        ("auth_method", f.auth_method.as_str().to_string().into()),
        ("ntlm_domain", f.ntlm_domain.clone().into()),
        ("oauth_provider_id", f.oauth_provider_id.into()),
        ("login_user", f.login_user.clone().into()),
        ("allow_plaintext", f.allow_plaintext.into()),
        ("tls_verify", f.tls_verify.into()),
        ("tls_alt_name", f.tls_alt_name.clone().into()),
        ("tls_pin_sha256", f.tls_pin_sha256.clone().into()),
        ("client_certificate_id", f.client_certificate_id.into()),
        ("folder_trash", f.folder_trash.clone().into()),
        ("folder_junk", f.folder_junk.clone().into()),
        ("folder_sent", f.folder_sent.clone().into()),
        ("folder_deleted", f.folder_deleted.clone().into()),
        ("pop3_delete_after_fetch", f.pop3_delete_after_fetch.into()),
        (
            "pop3_delete_after_days",
            f.pop3_delete_after_days.map(i64::from).into(),
        ),
    ]
}

/// Every server whose text fields contain all words of `query` (case-insensitive), by name.
pub fn list(conn: &Tx, query: &str) -> Result<Vec<IncomingServer>> {
    rows::searched(conn, E.table(), HAYSTACK, "name", query, from_row)
}

pub fn get(conn: &Tx, id: i64) -> Result<IncomingServer> {
    rows::one(conn, E, id, from_row)
}

pub fn find_by_name(conn: &Tx, name: &str) -> Result<Option<IncomingServer>> {
    rows::find_label(conn, E, name)?
        .map(|id| get(conn, id))
        .transpose()
}

/// The keyring reference of a server's password, if one was ever assigned.
pub fn password_ref(conn: &Tx, id: i64) -> Result<Option<String>> {
    rows::secret_ref(conn, E, "password", id)
}

/// Names of the accounts that use server `id`.
pub fn used_by(conn: &Tx, id: i64) -> Result<Vec<String>> {
    rows::labels_where(conn, Entity::Account, "incoming_server_id", id)
}

pub fn delete(conn: &Tx, id: i64, version: Option<i64>) -> Result<()> {
    rows::delete_unused(conn, E, id, version, used_by)
}
