//! OAuth2 against Microsoft 365, Google and any OpenID Connect provider (SPEC §2.4): the
//! authorization code flow with PKCE and a loopback redirect, the device code flow, client
//! credentials, refresh and revocation, by the `oauth2` crate over one HTTP client on the
//! shared TLS configuration (`crate::tls`: OS trust store plus extra CAs) with redirects
//! switched off (a token endpoint that redirects is an error, never followed), bounded in
//! time and size. A TLS failure against a provider gets the same `tls.*` diagnosis as a
//! mail server.
//!
//! Every provider error is classified into a diagnosis code (`oauth.*`) whose explanation
//! and fix the UI and the CLI show; tokens never appear in errors or Debug output.

mod flows;
pub mod http;
pub mod tokens;

pub use flows::*;
pub use http::Http;

use crate::diag::DiagnosisCode;
use crate::sensitive::Secret;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use ts_rs::TS;

/// The most a provider's answer may be; tokens and discovery documents are far smaller.
const MAX_BODY: usize = 256 * 1024;
/// Bounds every HTTP request to a provider.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

pub use crate::diag::OauthFailure;

/// Maps an OAuth error response (RFC 6749 §5.2, RFC 8628 §3.5, Microsoft AADSTS codes) to
/// the diagnosis an administrator can act on.
pub fn classify(error: &str, description: &str) -> DiagnosisCode {
    let d = description.to_ascii_lowercase();
    let aad = |code: &str| description.contains(code);
    if aad("AADSTS90094")
        || aad("AADSTS900941")
        || aad("AADSTS90008")
        || d.contains("admin approval")
        || d.contains("admin consent")
    {
        return DiagnosisCode::OauthAdminApproval;
    }
    if aad("AADSTS65001") || error == "consent_required" || error == "interaction_required" {
        return DiagnosisCode::OauthConsentMissing;
    }
    if aad("AADSTS70011") || aad("AADSTS650053") || error == "invalid_scope" {
        return DiagnosisCode::OauthScopeMissing;
    }
    match error {
        "access_denied" => DiagnosisCode::OauthAccessDenied,
        "expired_token" => DiagnosisCode::OauthDeviceExpired,
        "invalid_client" | "unauthorized_client" => DiagnosisCode::OauthClientInvalid,
        "invalid_grant" => DiagnosisCode::OauthTokenInvalid,
        "invalid_token" => DiagnosisCode::OauthTokenInvalid,
        "insufficient_scope" => DiagnosisCode::OauthScopeMissing,
        _ if aad("AADSTS7000215") || aad("AADSTS700016") || aad("AADSTS7000222") => {
            DiagnosisCode::OauthClientInvalid
        }
        _ => DiagnosisCode::OauthProviderError,
    }
}

/// What a token endpoint returned. Debug shows no token.
#[derive(Clone, Default, Deserialize)]
pub struct TokenResponse {
    pub access_token: Secret,
    #[serde(default)]
    pub token_type: String,
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    #[serde(default, deserialize_with = "number_or_string")]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub id_token: Option<String>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token_type", &self.token_type)
            .field("has_refresh_token", &self.refresh_token.is_some())
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// Some providers (older Azure AD endpoints) send numbers as strings.
fn number_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.parse().ok(),
        _ => None,
    })
}

impl TokenResponse {
    pub fn access(&self) -> Secret {
        self.access_token.clone()
    }

    /// Who consented: the e-mail address or user name in the ID token, if one came.
    /// The token came straight from the token endpoint over TLS, so its claims are read
    /// without checking the signature (OpenID Connect Core §3.1.3.7).
    pub fn subject(&self) -> Option<String> {
        let id = self.id_token.as_deref()?;
        let payload = id.split('.').nth(1)?;
        let bytes = base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            payload.trim_end_matches('='),
        )
        .ok()?;
        let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        ["email", "preferred_username", "upn", "unique_name", "sub"]
            .iter()
            .find_map(|k| claims.get(k).and_then(|v| v.as_str()))
            .map(str::to_string)
    }
}

/// Endpoints from an OpenID Connect discovery document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Discovered {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub device_endpoint: String,
    pub revocation_endpoint: String,
    pub scopes_supported: Vec<String>,
}
