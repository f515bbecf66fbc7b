//! OAuth operations: providers (CRUD, "use defaults", discovery), connecting an account by
//! one of the three flows, its status, the access token for a connection test (refreshed
//! when it expires) and disconnecting (revoking where the provider can).

use super::{App, Removed};
use crate::diag::DiagnosisCode;
use crate::diag::FieldCode;
use crate::error::{Entity, Error, Result};
use crate::model::{
    requested_scopes, OauthConnection, OauthFlow, OauthProvider, OauthProviderInput, ProviderKind,
    Saved, SecretState,
};
use crate::oauth::{self, tokens, OauthFailure, ProviderConfig, TokenResponse};
use crate::probe::{CancellationToken, Secret};
use crate::store::Tx;
use crate::store::{oauth as store, rows};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use ts_rs::TS;

/// Renew an access token this long before it expires.
const EXPIRY_MARGIN_SECS: i64 = 60;

/// When a provider leaves out `expires_in` (RFC 6749 only recommends it) and the token can be
/// renewed, it is renewed after this long rather than never.
const ASSUMED_LIFETIME_SECS: u64 = 600;

/// When the access token of `token` expires, as Unix seconds. Without `expires_in`, a token
/// that can be renewed (`renewable`: a refresh token, or an app-only flow that asks again) is
/// taken to live `ASSUMED_LIFETIME_SECS`; one that cannot is used until the server refuses it.
fn expiry(expires_in: Option<u64>, renewable: bool, now: i64) -> Option<i64> {
    let secs = expires_in.or(renewable.then_some(ASSUMED_LIFETIME_SECS))?;
    Some(now + secs as i64)
}

/// Per token record (keyring key), an async lock held across a refresh.
#[derive(Default)]
pub(crate) struct RefreshGates(
    std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>,
);

impl RefreshGates {
    fn gate(&self, key: &str) -> std::sync::Arc<tokio::sync::Mutex<()>> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key.to_string()).or_default().clone()
    }
}

/// What a running connect reports, for the window (over a channel) and the CLI.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConnectEvent {
    /// Open this URL in the system browser; the app waits on the loopback redirect.
    OpenBrowser { url: String },
    /// Show the code and where to enter it; the app polls until the user has signed in.
    DeviceCode {
        user_code: String,
        verification_uri: String,
        verification_uri_complete: Option<String>,
        expires_in: u64,
        message: Option<String>,
    },
    /// Asking the token endpoint.
    Requesting,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ConnectOptions {
    pub flow: OauthFlow,
    /// `None`: the provider of the account's incoming (else outgoing) server, or the only one.
    pub provider_id: Option<i64>,
    /// How long to wait for the browser (authorization code flow), seconds.
    pub wait_secs: Option<u32>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            flow: OauthFlow::DeviceCode,
            provider_id: None,
            wait_secs: None,
        }
    }
}

/// The status of an account's OAuth connection, as `mbadmin oauth status` and the window show.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OauthStatus {
    pub account_id: i64,
    pub account_name: String,
    pub connection: Option<OauthConnection>,
    /// Scopes the provider asks for that the grant lacks (OpenID scopes not counted).
    pub missing_scopes: Vec<String>,
}

/// The result of a disconnect.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Disconnected {
    pub account_id: i64,
    /// Whether the provider revoked the refresh token (false: it has no revocation endpoint).
    pub revoked: bool,
    pub warnings: Vec<crate::error::ApiError>,
}

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn rfc3339(unix: i64) -> Option<String> {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()?
        .format(&time::format_description::well_known::Rfc3339)
        .ok()
}

fn tokens_key(conn: &Tx, account_id: i64) -> Result<String> {
    Ok(format!(
        "{}/{}/oauth_tokens",
        Entity::Account.ref_prefix(),
        rows::uid(conn, Entity::Account, account_id)?
    ))
}

const OPENID_SCOPES: &[&str] = &["openid", "email", "profile", "offline_access"];

fn missing_scopes(requested: &str, granted: &str) -> Vec<String> {
    if granted.trim().is_empty() {
        return Vec::new();
    }
    let granted: Vec<&str> = granted.split_whitespace().collect();
    requested
        .split_whitespace()
        .filter(|s| !OPENID_SCOPES.contains(s))
        // `.default` is app-only; a grant never echoes it.
        .filter(|s| !s.ends_with("/.default"))
        .filter(|s| !granted.iter().any(|g| g.eq_ignore_ascii_case(s)))
        .map(str::to_string)
        .collect()
}

impl App {
    // ---- providers --------------------------------------------------------------------

    pub fn list_oauth_providers(&self, q: &str) -> Result<Vec<OauthProvider>> {
        store::list(self.db().read(), q)
    }

    pub fn get_oauth_provider(&self, id: i64) -> Result<OauthProvider> {
        store::get(self.db().read(), id)
    }

    pub fn create_oauth_provider(
        &self,
        input: &OauthProviderInput,
    ) -> Result<Saved<OauthProvider>> {
        super::records::tx(self, |c| self.create_oauth_provider_in(c, input))
    }

    pub(crate) fn create_oauth_provider_in(
        &self,
        c: &Tx,
        input: &OauthProviderInput,
    ) -> Result<Saved<OauthProvider>> {
        let v = input.validate()?;
        rows::check_unique(c, Entity::OauthProvider, "name", &v.name, None)?;
        let id = rows::insert(c, Entity::OauthProvider, store::cols(&v))?;
        let warnings = self.store_secret(
            c,
            Entity::OauthProvider,
            "client_secret",
            id,
            &v.client_secret,
        )?;
        Ok(Saved {
            item: store::get(c, id)?,
            warnings,
        })
    }

    pub fn update_oauth_provider(
        &self,
        id: i64,
        version: i64,
        input: &OauthProviderInput,
    ) -> Result<Saved<OauthProvider>> {
        let v = input.validate()?;
        super::records::tx(self, |c| {
            rows::check_unique(c, Entity::OauthProvider, "name", &v.name, Some(id))?;
            rows::update(c, Entity::OauthProvider, id, version, store::cols(&v))?;
            let warnings = self.store_secret(
                c,
                Entity::OauthProvider,
                "client_secret",
                id,
                &v.client_secret,
            )?;
            let item = store::get(c, id)?;
            Ok(Saved { item, warnings })
        })
    }

    /// Deletes provider `id` (refused while an account is connected through it or a server
    /// names it) and its client secret.
    pub fn delete_oauth_provider(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        let mut db = self.db();
        let tx = db.begin()?;
        let secret = store::client_secret_ref(&tx, id)?;
        store::delete(&tx, id, version)?;
        tx.commit()?;
        drop(db);
        Ok(Removed {
            id,
            warnings: self.forget_secrets(secret.into_iter()),
        })
    }

    /// "Use defaults": the standard endpoints and scopes of the provider kind. A generic
    /// OpenID Connect provider reads them from its discovery document.
    pub async fn oauth_provider_defaults(
        &self,
        input: &OauthProviderInput,
    ) -> Result<OauthProviderInput> {
        let mut v = input.clone();
        if v.kind == ProviderKind::Oidc {
            if v.discovery_url.trim().is_empty() {
                return Err(Error::field("discovery_url", FieldCode::Required));
            }
            let d = oauth::discover(&self.oauth_http(), &v.discovery_url)
                .await
                .map_err(Error::Oauth)?;
            v.authorization_endpoint = d.authorization_endpoint;
            v.token_endpoint = d.token_endpoint;
            v.device_endpoint = d.device_endpoint;
            v.revocation_endpoint = d.revocation_endpoint;
            if v.scopes.trim().is_empty() {
                let mut scopes = vec!["openid", "email"];
                if d.scopes_supported.iter().any(|s| s == "offline_access") {
                    scopes.push("offline_access");
                }
                v.scopes = scopes.join(" ");
            }
        }
        v.fill_defaults();
        Ok(v)
    }

    fn provider_config(&self, p: &OauthProvider) -> Result<ProviderConfig> {
        let secret = match p.client_secret {
            SecretState::Stored => {
                let r = store::client_secret_ref(self.db().read(), p.id)?;
                self.read_secret(r)?.map(Secret::new)
            }
            _ => None,
        };
        Ok(ProviderConfig {
            client_id: p.client_id.clone(),
            client_secret: secret,
            authorization_endpoint: p.authorization_endpoint.clone(),
            token_endpoint: p.token_endpoint.clone(),
            device_endpoint: p.device_endpoint.clone(),
            revocation_endpoint: p.revocation_endpoint.clone(),
            scopes: p.scopes.clone(),
            app_scopes: p.app_scopes.clone(),
            http: self.oauth_http(),
        })
    }

    /// The provider for connecting account `id`: the one asked for, else the one named by
    /// its incoming or (effective) outgoing server, else the only one there is.
    fn connect_provider(&self, account_id: i64, asked: Option<i64>) -> Result<OauthProvider> {
        if let Some(p) = asked {
            return self.get_oauth_provider(p).map_err(|e| match e {
                Error::NotFound { .. } => Error::field("provider_id", FieldCode::MissingRef),
                e => e,
            });
        }
        let a = self.get_account(account_id)?;
        if let Some(p) = a
            .incoming_server_id
            .map(|s| self.get_server(s))
            .transpose()?
            .and_then(|s| s.oauth_provider_id)
        {
            return self.get_oauth_provider(p);
        }
        if let Some(sid) = self.effective_outgoing(account_id)?.server_id {
            if let Some(p) = self.get_outgoing(sid)?.oauth_provider_id {
                return self.get_oauth_provider(p);
            }
        }
        let all = self.list_oauth_providers("")?;
        match all.as_slice() {
            [only] => Ok(only.clone()),
            _ => Err(Error::field(
                "provider_id",
                FieldCode::OauthProviderRequired,
            )),
        }
    }

    // ---- connections ------------------------------------------------------------------

    /// Connects account `id`: runs the flow, stores the tokens in the keyring and records
    /// who consented, the granted scopes and the expiry. Nothing is saved if it fails.
    pub async fn oauth_connect(
        &self,
        account_id: i64,
        opts: &ConnectOptions,
        on_event: &(dyn Fn(ConnectEvent) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<OauthStatus> {
        let account = self.get_account(account_id)?;
        let provider = self.connect_provider(account_id, opts.provider_id)?;
        let cfg = self.provider_config(&provider)?;
        let flow_missing = match opts.flow {
            OauthFlow::AuthorizationCode => cfg.authorization_endpoint.is_empty(),
            OauthFlow::DeviceCode => cfg.device_endpoint.is_empty(),
            OauthFlow::ClientCredentials => cfg.client_secret.is_none(),
        };
        if flow_missing {
            return Err(Error::field("flow", FieldCode::OauthFlowUnavailable));
        }
        let login_hint = if account.username.is_empty() {
            account.email.clone()
        } else {
            account.username.clone()
        };
        let flow = async {
            match opts.flow {
                OauthFlow::AuthorizationCode => {
                    let login = oauth::browser_start(&cfg, &login_hint).await?;
                    on_event(ConnectEvent::OpenBrowser {
                        url: login.url.clone(),
                    });
                    let wait = Duration::from_secs(u64::from(opts.wait_secs.unwrap_or(300)));
                    login.finish(&cfg, cancel, wait).await
                }
                OauthFlow::DeviceCode => {
                    let d = oauth::device_start(&cfg).await?;
                    on_event(ConnectEvent::DeviceCode {
                        user_code: d.user_code.clone(),
                        verification_uri: d.verification_uri.clone(),
                        verification_uri_complete: d.verification_uri_complete.clone(),
                        expires_in: d.expires_in,
                        message: d.message.clone(),
                    });
                    d.poll(&cfg, cancel).await
                }
                OauthFlow::ClientCredentials => {
                    on_event(ConnectEvent::Requesting);
                    oauth::client_credentials(&cfg).await
                }
            }
        };
        // Cancel ends any part of the flow at once, including its first request.
        let token: TokenResponse = tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(OauthFailure::new(DiagnosisCode::OauthCancelled, "", "")),
            r = flow => r,
        }
        .map_err(Error::Oauth)?;

        let subject = match opts.flow {
            OauthFlow::ClientCredentials => format!("app: {}", cfg.client_id),
            _ => token.subject().unwrap_or_default(),
        };
        let requested = requested_scopes(opts.flow, &cfg.scopes, &cfg.app_scopes);
        let granted = token.scope.clone().unwrap_or_else(|| requested.to_string());
        let renewable = token.refresh_token.is_some() || opts.flow == OauthFlow::ClientCredentials;
        let expires = expiry(token.expires_in, renewable, now_unix());
        let stored = tokens::StoredTokens {
            access_token: token.access_token.clone(),
            refresh_token: token.refresh_token.clone(),
            expires_at: expires,
        };
        let key = tokens_key(self.db().read(), account_id)?;
        // The keyring first: without the tokens there is no connection to record.
        tokens::save(self.secrets.as_ref(), &key, &stored)?;
        {
            let db = self.db();
            store::save_connection(
                db.read(),
                &store::ConnectionRow {
                    account_id,
                    provider_id: provider.id,
                    flow: opts.flow,
                    subject: &subject,
                    scopes: &granted,
                    expires_at: expires.and_then(rfc3339),
                    has_refresh: stored.refresh_token.is_some(),
                    tokens_ref: &key,
                    tokens_state: SecretState::Stored,
                },
            )?;
        }
        self.oauth_status(account_id)
    }

    pub fn oauth_status(&self, account_id: i64) -> Result<OauthStatus> {
        let db = self.db();
        let account = crate::store::accounts::get(db.read(), account_id)?;
        let connection = store::connection(db.read(), account_id)?;
        let missing = match &connection {
            Some(c) => {
                let p = store::get(db.read(), c.provider_id)?;
                missing_scopes(
                    requested_scopes(c.flow, &p.scopes, &p.app_scopes),
                    &c.scopes,
                )
            }
            None => Vec::new(),
        };
        Ok(OauthStatus {
            account_id,
            account_name: account.name,
            connection,
            missing_scopes: missing,
        })
    }

    /// Disconnects account `id`: revokes its refresh token (else its access token) where
    /// the provider can, then forgets the tokens. A failed revocation is a warning.
    pub async fn oauth_disconnect(&self, account_id: i64) -> Result<Disconnected> {
        let (conn, key) = {
            let db = self.db();
            crate::store::accounts::get(db.read(), account_id)?;
            (
                store::connection(db.read(), account_id)?,
                store::tokens_ref(db.read(), account_id)?,
            )
        };
        let mut warnings = Vec::new();
        let mut revoked = false;
        if let (Some(c), Some(key)) = (&conn, &key) {
            let provider = self.get_oauth_provider(c.provider_id)?;
            let cfg = self.provider_config(&provider)?;
            match tokens::load(self.secrets.as_ref(), key) {
                Ok(Some(t)) => {
                    let (token, hint) = match &t.refresh_token {
                        Some(r) => (r.clone(), "refresh_token"),
                        None => (t.access(), "access_token"),
                    };
                    match oauth::revoke(&cfg, &token, hint).await {
                        Ok(r) => revoked = r,
                        Err(f) => warnings.push(self.api_error(&Error::Oauth(f))),
                    }
                }
                Ok(None) => {}
                Err(e) => warnings.push(self.api_error(&Error::Secret(e))),
            }
            if let Err(e) = tokens::delete(self.secrets.as_ref(), key) {
                warnings.push(self.api_error(&Error::Secret(e)));
            }
        }
        store::delete_connection(self.db().read(), account_id)?;
        Ok(Disconnected {
            account_id,
            revoked,
            warnings,
        })
    }

    /// Forgets the tokens of account `id` (when the account is deleted).
    pub(crate) fn forget_oauth_tokens(&self, key: Option<String>) -> Vec<crate::error::ApiError> {
        match key {
            Some(k) => tokens::delete(self.secrets.as_ref(), &k)
                .err()
                .map(|e| self.api_error(&Error::Secret(e)))
                .into_iter()
                .collect(),
            None => Vec::new(),
        }
    }

    /// A database or keyring error while getting a token, as the login step reports it.
    fn not_connected(&self, e: Error) -> OauthFailure {
        OauthFailure::new(
            DiagnosisCode::OauthNotConnected,
            "",
            self.api_error(&e).message,
        )
    }

    /// A valid access token for account `id`, refreshed (or, app-only, requested again)
    /// when it expires within a minute. The failure is what the login step reports.
    pub async fn oauth_access_token(
        &self,
        account_id: i64,
    ) -> std::result::Result<(Secret, String), OauthFailure> {
        let internal = |e| self.not_connected(e);
        let (conn, key) = {
            let db = self.db();
            (
                store::connection(db.read(), account_id).map_err(internal)?,
                store::tokens_ref(db.read(), account_id).map_err(internal)?,
            )
        };
        let (Some(c), Some(key)) = (conn, key) else {
            return Err(OauthFailure::new(DiagnosisCode::OauthNotConnected, "", ""));
        };
        let load = || {
            tokens::load(self.secrets.as_ref(), &key)
                .map_err(|e| internal(Error::Secret(e)))?
                .ok_or_else(|| {
                    OauthFailure::new(
                        DiagnosisCode::OauthNotConnected,
                        "",
                        "no tokens in the keyring",
                    )
                })
        };
        let stored = load()?;
        if !stored.expiring(now_unix(), EXPIRY_MARGIN_SECS) {
            return Ok((stored.access(), c.subject));
        }
        // One refresh at a time per record; whoever waited reads what the first one stored.
        let gate = self.refresh_gates.gate(&key);
        let _alone = gate.lock().await;
        let stored = load()?;
        if !stored.expiring(now_unix(), EXPIRY_MARGIN_SECS) {
            return Ok((stored.access(), c.subject));
        }
        let provider = self.get_oauth_provider(c.provider_id).map_err(internal)?;
        let cfg = self.provider_config(&provider).map_err(internal)?;
        let fresh = match (&stored.refresh_token, c.flow) {
            (_, OauthFlow::ClientCredentials) => oauth::client_credentials(&cfg).await?,
            (Some(r), _) => oauth::refresh(&cfg, r).await?,
            (None, _) => {
                return Err(OauthFailure::new(
                    DiagnosisCode::OauthTokenInvalid,
                    "",
                    "the access token expired and there is no refresh token",
                ))
            }
        };
        // Providers that rotate refresh tokens send a new one; others keep the old.
        let refresh_token = fresh.refresh_token.clone().or(stored.refresh_token);
        let renewable = refresh_token.is_some() || c.flow == OauthFlow::ClientCredentials;
        let next = tokens::StoredTokens {
            access_token: fresh.access_token.clone(),
            expires_at: expiry(fresh.expires_in, renewable, now_unix()),
            refresh_token,
        };
        tokens::save(self.secrets.as_ref(), &key, &next).map_err(|e| internal(Error::Secret(e)))?;
        let scopes = fresh.scope.clone().unwrap_or(c.scopes.clone());
        store::refreshed(
            self.db().read(),
            account_id,
            next.expires_at.and_then(rfc3339),
            &scopes,
            next.refresh_token.is_some(),
        )
        .map_err(internal)?;
        Ok((next.access(), c.subject))
    }

    /// An app-only token of provider `id` (client credentials), for testing a server
    /// without an account.
    pub async fn oauth_app_token(
        &self,
        provider_id: i64,
    ) -> std::result::Result<Secret, OauthFailure> {
        let internal = |e| self.not_connected(e);
        let provider = self.get_oauth_provider(provider_id).map_err(internal)?;
        let cfg = self.provider_config(&provider).map_err(internal)?;
        Ok(oauth::client_credentials(&cfg).await?.access())
    }
}

#[cfg(test)]
mod tests {
    use super::{expiry, missing_scopes, ASSUMED_LIFETIME_SECS};

    #[test]
    fn a_token_without_expires_in_is_renewed_when_it_can_be() {
        assert_eq!(expiry(Some(30), true, 1000), Some(1030));
        assert_eq!(expiry(Some(30), false, 1000), Some(1030));
        assert_eq!(
            expiry(None, true, 1000),
            Some(1000 + ASSUMED_LIFETIME_SECS as i64)
        );
        // Nothing to renew it with: used until the server refuses it.
        assert_eq!(expiry(None, false, 1000), None);
    }

    #[test]
    fn missing_scopes_ignore_openid_and_app_scopes() {
        assert!(
            missing_scopes("openid email offline_access imap smtp", "imap smtp openid").is_empty()
        );
        assert_eq!(
            missing_scopes("openid imap pop smtp", "imap smtp"),
            vec!["pop"]
        );
        assert!(missing_scopes("https://outlook.office365.com/.default", "x").is_empty());
        // A provider that does not echo scopes is not accused of missing any.
        assert!(missing_scopes("imap", "").is_empty());
    }
}
