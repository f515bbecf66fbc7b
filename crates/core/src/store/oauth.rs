//! SQL for OAuth providers and the OAuth connections of accounts.

use super::rows::{self, Cols};
use super::Tx;
use crate::error::{Entity, Result};
use crate::model::{
    OauthConnection, OauthFlow, OauthProvider, OauthProviderInput, ProviderKind, SecretState,
};
use rusqlite::{params, OptionalExtension, Row};

const E: Entity = Entity::OauthProvider;

fn row(r: &Row) -> rusqlite::Result<OauthProvider> {
    let s = |c: &str| r.get::<_, String>(c);
    Ok(OauthProvider {
        id: r.get("id")?,
        version: r.get("version")?,
        name: s("name")?,
        kind: ProviderKind::parse(&s("kind")?).unwrap_or_default(),
        tenant_id: s("tenant_id")?,
        discovery_url: s("discovery_url")?,
        authorization_endpoint: s("authorization_endpoint")?,
        token_endpoint: s("token_endpoint")?,
        device_endpoint: s("device_endpoint")?,
        revocation_endpoint: s("revocation_endpoint")?,
        client_id: s("client_id")?,
        client_secret: SecretState::parse(&s("client_secret_state")?),
        scopes: s("scopes")?,
        app_scopes: s("app_scopes")?,
        token_hosts: s("token_hosts")?
            .split(',')
            .filter(|h| !h.is_empty())
            .map(str::to_string)
            .collect(),
        created_at: s("created_at")?,
        updated_at: s("updated_at")?,
    })
}

pub fn cols(v: &OauthProviderInput) -> Cols {
    vec![
        ("name", v.name.clone().into()),
        ("kind", v.kind.as_str().to_string().into()),
        ("tenant_id", v.tenant_id.clone().into()),
        ("discovery_url", v.discovery_url.clone().into()),
        (
            "authorization_endpoint",
            v.authorization_endpoint.clone().into(),
        ),
        ("token_endpoint", v.token_endpoint.clone().into()),
        ("device_endpoint", v.device_endpoint.clone().into()),
        ("revocation_endpoint", v.revocation_endpoint.clone().into()),
        ("client_id", v.client_id.clone().into()),
        ("scopes", v.scopes.clone().into()),
        ("app_scopes", v.app_scopes.clone().into()),
        ("token_hosts", v.token_hosts.join(",").into()),
    ]
}

pub fn list(conn: &Tx, q: &str) -> Result<Vec<OauthProvider>> {
    let hay = "name || ' ' || kind || ' ' || tenant_id || ' ' || client_id || ' ' || \
               token_endpoint || ' ' || discovery_url || ' ' || scopes";
    rows::searched(conn, E.table(), hay, "name", q, row)
}

pub fn get(conn: &Tx, id: i64) -> Result<OauthProvider> {
    rows::one(conn, E, id, row)
}

pub fn client_secret_ref(conn: &Tx, id: i64) -> Result<Option<String>> {
    rows::secret_ref(conn, E, "client_secret", id)
}

/// Accounts connected through provider `id` and servers that name it.
pub fn used_by(conn: &Tx, id: i64) -> Result<Vec<String>> {
    let mut names: Vec<String> = conn
        .prepare(
            "SELECT a.name FROM oauth_connections c JOIN accounts a ON a.id = c.account_id \
             WHERE c.provider_id = ?1 ORDER BY a.name COLLATE natural_de",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    names.extend(rows::labels_where(
        conn,
        Entity::IncomingServer,
        "oauth_provider_id",
        id,
    )?);
    names.extend(rows::labels_where(
        conn,
        Entity::OutgoingServer,
        "oauth_provider_id",
        id,
    )?);
    names.extend(rows::labels_where(
        conn,
        Entity::CalendarAccount,
        "oauth_provider_id",
        id,
    )?);
    Ok(names)
}

pub fn delete(conn: &Tx, id: i64, version: Option<i64>) -> Result<()> {
    rows::delete_unused(conn, E, id, version, used_by)
}

// ---- connections ----------------------------------------------------------------------

fn connection_row(r: &Row) -> rusqlite::Result<OauthConnection> {
    Ok(OauthConnection {
        account_id: r.get("account_id")?,
        provider_id: r.get("provider_id")?,
        provider_name: r.get("provider_name")?,
        flow: OauthFlow::parse(&r.get::<_, String>("flow")?).unwrap_or_default(),
        subject: r.get("subject")?,
        scopes: r.get("scopes")?,
        expires_at: r.get("expires_at")?,
        has_refresh_token: r.get("has_refresh")?,
        tokens: SecretState::parse(&r.get::<_, String>("tokens_state")?),
        connected_at: r.get("connected_at")?,
        refreshed_at: r.get("refreshed_at")?,
    })
}

pub fn connection(conn: &Tx, account_id: i64) -> Result<Option<OauthConnection>> {
    Ok(conn
        .query_row(
            "SELECT c.*, p.name AS provider_name FROM oauth_connections c \
             JOIN oauth_providers p ON p.id = c.provider_id WHERE c.account_id = ?1",
            [account_id],
            connection_row,
        )
        .optional()?)
}

/// The keyring reference of an account's tokens.
pub fn tokens_ref(conn: &Tx, account_id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT tokens_ref FROM oauth_connections WHERE account_id = ?1",
            [account_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// What a (re)connect or a refresh records.
pub struct ConnectionRow<'a> {
    pub account_id: i64,
    pub provider_id: i64,
    pub flow: OauthFlow,
    pub subject: &'a str,
    pub scopes: &'a str,
    pub expires_at: Option<String>,
    pub has_refresh: bool,
    pub tokens_ref: &'a str,
    pub tokens_state: SecretState,
}

pub fn save_connection(conn: &Tx, c: &ConnectionRow<'_>) -> Result<()> {
    let now = super::now();
    conn.execute(
        "INSERT INTO oauth_connections (account_id, provider_id, flow, subject, scopes, \
         expires_at, has_refresh, tokens_ref, tokens_state, connected_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT(account_id) DO UPDATE SET provider_id = excluded.provider_id, \
         flow = excluded.flow, subject = excluded.subject, scopes = excluded.scopes, \
         expires_at = excluded.expires_at, has_refresh = excluded.has_refresh, \
         tokens_ref = excluded.tokens_ref, tokens_state = excluded.tokens_state, \
         connected_at = excluded.connected_at, refreshed_at = NULL",
        params![
            c.account_id,
            c.provider_id,
            c.flow.as_str(),
            c.subject,
            c.scopes,
            c.expires_at,
            c.has_refresh,
            c.tokens_ref,
            c.tokens_state.as_str(),
            now
        ],
    )?;
    Ok(())
}

/// After a refresh: the new expiry, scopes and whether a refresh token is still held.
pub fn refreshed(
    conn: &Tx,
    account_id: i64,
    expires_at: Option<String>,
    scopes: &str,
    has_refresh: bool,
) -> Result<()> {
    conn.execute(
        "UPDATE oauth_connections SET expires_at = ?2, scopes = ?3, has_refresh = ?4, \
         refreshed_at = ?5 WHERE account_id = ?1",
        params![account_id, expires_at, scopes, has_refresh, super::now()],
    )?;
    Ok(())
}

pub fn delete_connection(conn: &Tx, account_id: i64) -> Result<()> {
    conn.execute(
        "DELETE FROM oauth_connections WHERE account_id = ?1",
        [account_id],
    )?;
    Ok(())
}
