//! OAuth providers (OAuth2 Sync-Server / Exchange-Verbindung, tab "OAuth") and the OAuth
//! connections of accounts (SPEC §2.4). Client secrets and tokens live only in the keyring.

use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use crate::model::{SecretState, SecretUpdate};
use crate::validate::Issues;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::server::{NAME_MAX, TEXT_MAX};

/// URLs and scope lists may be long (Microsoft scopes are full URLs).
pub const URL_MAX: usize = 2000;

pub use crate::kinds::{requested_scopes, OauthFlow, OauthMechanism, ProviderKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OauthProvider {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub kind: ProviderKind,
    /// Microsoft 365: the directory (tenant) id or domain; `organizations` for any.
    pub tenant_id: String,
    /// OpenID Connect: `https://…/.well-known/openid-configuration` (or the issuer).
    pub discovery_url: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub device_endpoint: String,
    /// Where disconnect revokes tokens (RFC 7009); empty: the provider cannot.
    pub revocation_endpoint: String,
    pub client_id: String,
    pub client_secret: SecretState,
    /// Delegated scopes (space-separated) asked for when a user connects.
    pub scopes: String,
    /// Scopes of app-only tokens (client credentials), e.g. `…/.default`.
    pub app_scopes: String,
    /// A provider of one's own (OpenID Connect): the mail servers its tokens may be sent to.
    /// Empty: the servers in the registrable domain of its token endpoint.
    pub token_hosts: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// The servers Microsoft 365's tokens are for (Exchange Online: IMAP/POP and SMTP; Microsoft
/// Graph for sending through `sendMail`).
const MICROSOFT_TOKEN_HOSTS: &[&str] = &[
    "outlook.office365.com",
    "outlook.office.com",
    "smtp.office365.com",
    "graph.microsoft.com",
];
/// The servers Google's tokens are for (Gmail: IMAP, POP and SMTP).
const GOOGLE_TOKEN_HOSTS: &[&str] = &["imap.gmail.com", "pop.gmail.com", "smtp.gmail.com"];

impl OauthProvider {
    /// Whether a token of this provider may be sent to mail server `host`: Microsoft 365's and
    /// Google's only to their own servers; a provider of one's own only within the
    /// registrable domain of its token endpoint (an IP address or single name: that one).
    /// An app-only token opens every mailbox of the tenant: it must not reach a server that
    /// an edited or mistyped record names.
    pub fn token_may_go_to(&self, host: &str) -> bool {
        let host = crate::validate::to_ascii_host(host.trim().trim_end_matches('.'))
            .unwrap_or_else(|_| host.trim().to_string())
            .to_ascii_lowercase();
        match self.kind {
            ProviderKind::Microsoft365 => MICROSOFT_TOKEN_HOSTS.contains(&host.as_str()),
            ProviderKind::Google => GOOGLE_TOKEN_HOSTS.contains(&host.as_str()),
            ProviderKind::Oidc if !self.token_hosts.is_empty() => self.token_hosts.contains(&host),
            ProviderKind::Oidc => {
                let endpoint = [&self.token_endpoint, &self.discovery_url]
                    .into_iter()
                    .find_map(|u| url::Url::parse(u).ok()?.host_str().map(str::to_string))
                    .unwrap_or_default()
                    .trim_matches(['[', ']'])
                    .to_ascii_lowercase();
                !endpoint.is_empty()
                    && crate::validate::registrable_domain(&host)
                        == crate::validate::registrable_domain(&endpoint)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct OauthProviderInput {
    pub name: String,
    pub kind: ProviderKind,
    pub tenant_id: String,
    pub discovery_url: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub device_endpoint: String,
    pub revocation_endpoint: String,
    pub client_id: String,
    pub client_secret: SecretUpdate,
    pub scopes: String,
    pub app_scopes: String,
    /// OpenID Connect: the mail servers its tokens may go to (empty: its token endpoint's
    /// domain). Ignored for Microsoft 365 and Google, whose servers are known.
    pub token_hosts: Vec<String>,
}

impl Default for OauthProviderInput {
    fn default() -> Self {
        OauthProviderInput {
            name: String::new(),
            kind: ProviderKind::Microsoft365,
            tenant_id: String::new(),
            discovery_url: String::new(),
            authorization_endpoint: String::new(),
            token_endpoint: String::new(),
            device_endpoint: String::new(),
            revocation_endpoint: String::new(),
            client_id: String::new(),
            client_secret: SecretUpdate::Keep,
            scopes: String::new(),
            app_scopes: String::new(),
            token_hosts: Vec::new(),
        }
    }
}

impl From<&OauthProvider> for OauthProviderInput {
    fn from(p: &OauthProvider) -> Self {
        OauthProviderInput {
            name: p.name.clone(),
            kind: p.kind,
            tenant_id: p.tenant_id.clone(),
            discovery_url: p.discovery_url.clone(),
            authorization_endpoint: p.authorization_endpoint.clone(),
            token_endpoint: p.token_endpoint.clone(),
            device_endpoint: p.device_endpoint.clone(),
            revocation_endpoint: p.revocation_endpoint.clone(),
            client_id: p.client_id.clone(),
            client_secret: SecretUpdate::Keep,
            scopes: p.scopes.clone(),
            app_scopes: p.app_scopes.clone(),
            token_hosts: p.token_hosts.clone(),
        }
    }
}

pub const MS_IMAP_SCOPE: &str = "https://outlook.office.com/IMAP.AccessAsUser.All";
pub const MS_POP_SCOPE: &str = "https://outlook.office.com/POP.AccessAsUser.All";
pub const MS_SMTP_SCOPE: &str = "https://outlook.office.com/SMTP.Send";
pub const GOOGLE_MAIL_SCOPE: &str = "https://mail.google.com/";

/// Characters a tenant id or domain may contain.
fn tenant_ok(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 100
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

pub use crate::validate::url_problem;

/// The listed token hosts: trimmed, lower-case, in ASCII (IDN), without duplicates; each a
/// host name or address, never a wildcard (a token goes to the servers named, no others).
fn token_hosts(list: &[String], issues: &mut Issues) -> Vec<String> {
    let mut hosts: Vec<String> = Vec::new();
    for h in list.iter().flat_map(|h| h.split([',', ' ', '\n'])) {
        let h = h.trim().trim_end_matches('.');
        if h.is_empty() {
            continue;
        }
        let ascii = crate::validate::to_ascii_host(h)
            .unwrap_or_else(|_| h.to_string())
            .to_ascii_lowercase();
        if let Some(reason) = crate::validate::host_problem(&ascii) {
            issues
                .push(FieldIssue::new("token_hosts", FieldCode::HostInvalid).arg("reason", reason));
        } else if !hosts.contains(&ascii) {
            hosts.push(ascii);
        }
    }
    issues.text("token_hosts", &hosts.join(","), URL_MAX, false);
    hosts
}

impl OauthProviderInput {
    /// "Use defaults": the provider's standard endpoints and scopes (Microsoft 365 for
    /// `tenant_id`, Google). An OpenID Connect provider needs its discovery document: see
    /// `oauth::discover`. Fields the provider does not have are emptied.
    pub fn fill_defaults(&mut self) {
        match self.kind {
            ProviderKind::Microsoft365 => {
                if self.tenant_id.trim().is_empty() {
                    // Any work or school account; a tenant entered later narrows it.
                    self.tenant_id = "organizations".into();
                }
                let tenant = self.tenant_id.trim().to_string();
                let base = format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0");
                self.authorization_endpoint = format!("{base}/authorize");
                self.token_endpoint = format!("{base}/token");
                self.device_endpoint = format!("{base}/devicecode");
                // The Microsoft identity platform has no RFC 7009 endpoint: disconnect
                // forgets the tokens; revoking sessions is done in the Entra admin center.
                self.revocation_endpoint = String::new();
                self.discovery_url = format!(
                    "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"
                );
                self.scopes = format!(
                    "openid email profile offline_access {MS_IMAP_SCOPE} {MS_POP_SCOPE} {MS_SMTP_SCOPE}"
                );
                self.app_scopes = "https://outlook.office365.com/.default".into();
            }
            ProviderKind::Google => {
                self.authorization_endpoint = "https://accounts.google.com/o/oauth2/v2/auth".into();
                self.token_endpoint = "https://oauth2.googleapis.com/token".into();
                self.device_endpoint = "https://oauth2.googleapis.com/device/code".into();
                self.revocation_endpoint = "https://oauth2.googleapis.com/revoke".into();
                self.discovery_url =
                    "https://accounts.google.com/.well-known/openid-configuration".into();
                self.scopes = format!("openid email {GOOGLE_MAIL_SCOPE}");
                self.app_scopes = String::new();
            }
            ProviderKind::Oidc => {
                if self.scopes.trim().is_empty() {
                    self.scopes = "openid email offline_access".into();
                }
            }
        }
    }

    /// Checks every field and returns the normalized input.
    pub fn validate(&self) -> Result<OauthProviderInput> {
        let mut issues = Issues::default();
        let mut v = self.clone();
        for s in [
            &mut v.name,
            &mut v.tenant_id,
            &mut v.discovery_url,
            &mut v.authorization_endpoint,
            &mut v.token_endpoint,
            &mut v.device_endpoint,
            &mut v.revocation_endpoint,
            &mut v.client_id,
        ] {
            *s = s.trim().to_string();
        }
        // Microsoft 365 and Google have standard endpoints: left empty, they are filled in
        // (a tenant typed without "use defaults" is enough).
        let known = match v.kind {
            ProviderKind::Microsoft365 => tenant_ok(&v.tenant_id),
            ProviderKind::Google => true,
            ProviderKind::Oidc => false,
        };
        if known && v.token_endpoint.is_empty() && v.authorization_endpoint.is_empty() {
            let (scopes, app_scopes) = (v.scopes.clone(), v.app_scopes.clone());
            v.fill_defaults();
            if !scopes.trim().is_empty() {
                v.scopes = scopes;
            }
            if !app_scopes.trim().is_empty() {
                v.app_scopes = app_scopes;
            }
        }
        v.scopes = v.scopes.split_whitespace().collect::<Vec<_>>().join(" ");
        v.app_scopes = v
            .app_scopes
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        issues.text("name", &v.name, NAME_MAX, true);
        issues.text("client_id", &v.client_id, TEXT_MAX, true);
        if v.client_id.contains(char::is_whitespace) {
            issues.push(FieldIssue::new("client_id", FieldCode::NoSpaces));
        }
        issues.secret("client_secret", &v.client_secret);
        if v.kind == ProviderKind::Microsoft365 {
            if v.tenant_id.is_empty() {
                issues.push(FieldIssue::new("tenant_id", FieldCode::Required));
            } else if !tenant_ok(&v.tenant_id) {
                issues.push(FieldIssue::new("tenant_id", FieldCode::TenantInvalid));
            }
        }
        let urls = [
            (
                "discovery_url",
                &v.discovery_url,
                v.kind == ProviderKind::Oidc && v.token_endpoint.is_empty(),
            ),
            ("authorization_endpoint", &v.authorization_endpoint, false),
            ("token_endpoint", &v.token_endpoint, true),
            ("device_endpoint", &v.device_endpoint, false),
            ("revocation_endpoint", &v.revocation_endpoint, false),
        ];
        for (field, value, required) in urls {
            issues.text(field, value, URL_MAX, required);
            if !value.is_empty() && !issues.has(field) {
                if let Some(code) = url_problem(value) {
                    issues.push(FieldIssue::new(field, code));
                }
            }
        }
        if v.authorization_endpoint.is_empty()
            && v.device_endpoint.is_empty()
            && v.app_scopes.is_empty()
        {
            issues.push(FieldIssue::new(
                "authorization_endpoint",
                FieldCode::OauthNoFlow,
            ));
        }
        issues.text("scopes", &v.scopes, URL_MAX, false);
        issues.text("app_scopes", &v.app_scopes, URL_MAX, false);
        v.token_hosts = if v.kind == ProviderKind::Oidc {
            token_hosts(&v.token_hosts, &mut issues)
        } else {
            Vec::new()
        };
        if issues.is_empty() {
            Ok(v)
        } else {
            Err(Error::Validation(issues.0))
        }
    }
}

/// An account's OAuth connection: who consented, what was granted, until when.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsoft_and_google_get_their_endpoints_without_asking() {
        let v = OauthProviderInput {
            name: "M365".into(),
            kind: ProviderKind::Microsoft365,
            tenant_id: "contoso.onmicrosoft.com".into(),
            client_id: "11111111-2222-3333-4444-555555555555".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(
            v.token_endpoint,
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        assert!(v.scopes.contains(MS_IMAP_SCOPE) && v.scopes.contains("offline_access"));
        let e = OauthProviderInput {
            name: "M365".into(),
            kind: ProviderKind::Microsoft365,
            client_id: "x".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(
            matches!(e, Error::Validation(ref v) if v[0].field == "tenant_id"),
            "{e:?}"
        );
        assert_eq!(
            url_problem("http://login.example.com/token"),
            Some(FieldCode::HttpsRequired)
        );
        assert_eq!(url_problem("http://127.0.0.1:8080/token"), None);
        assert_eq!(url_problem("ftp://x/"), Some(FieldCode::UrlInvalid));
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OauthConnection {
    pub account_id: i64,
    pub provider_id: i64,
    pub provider_name: String,
    pub flow: OauthFlow,
    /// Who consented (e-mail or user name from the ID token); the client id for app-only.
    pub subject: String,
    /// The scopes the provider granted (space-separated).
    pub scopes: String,
    /// When the current access token expires (RFC 3339, UTC), if known.
    pub expires_at: Option<String>,
    pub has_refresh_token: bool,
    /// Whether the tokens are in the keyring.
    pub tokens: SecretState,
    pub connected_at: String,
    pub refreshed_at: Option<String>,
}

#[cfg(test)]
mod token_host_tests {
    use super::*;

    fn provider(kind: ProviderKind, token_endpoint: &str) -> OauthProvider {
        OauthProvider {
            id: 1,
            version: 1,
            name: "P".into(),
            kind,
            tenant_id: String::new(),
            discovery_url: String::new(),
            authorization_endpoint: String::new(),
            token_endpoint: token_endpoint.into(),
            device_endpoint: String::new(),
            revocation_endpoint: String::new(),
            client_id: "c".into(),
            client_secret: SecretState::None,
            scopes: String::new(),
            app_scopes: String::new(),
            token_hosts: Vec::new(),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn tokens_go_only_to_the_provider_s_own_servers() {
        let ms = provider(ProviderKind::Microsoft365, "");
        assert!(ms.token_may_go_to("outlook.office365.com"));
        assert!(ms.token_may_go_to("SMTP.office365.com."));
        assert!(!ms.token_may_go_to("mail.firma.de"));
        assert!(!ms.token_may_go_to("outlook.office365.com.evil.example"));
        let g = provider(ProviderKind::Google, "");
        assert!(g.token_may_go_to("imap.gmail.com"));
        assert!(!g.token_may_go_to("outlook.office365.com"));
        let own = provider(ProviderKind::Oidc, "https://sso.firma.co.uk/realms/x/token");
        assert!(own.token_may_go_to("mail.firma.co.uk"));
        assert!(!own.token_may_go_to("mail.andere.co.uk"));
        assert!(!own.token_may_go_to("co.uk"));
        let ip = provider(ProviderKind::Oidc, "https://127.0.0.1:8443/token");
        assert!(ip.token_may_go_to("127.0.0.1"));
        assert!(!ip.token_may_go_to("127.0.0.2"));
    }

    #[test]
    fn a_provider_of_one_s_own_sends_tokens_only_to_the_hosts_listed() {
        let mut own = provider(ProviderKind::Oidc, "https://sso.firma.de/token");
        own.token_hosts = vec!["mail.hoster.example".into(), "xn--mller-kva.example".into()];
        assert!(own.token_may_go_to("MAIL.hoster.example."));
        assert!(own.token_may_go_to("müller.example"));
        // The list replaces the domain rule: the endpoint's own domain is no longer enough.
        assert!(!own.token_may_go_to("mail.firma.de"));
        assert!(!own.token_may_go_to("mail.hoster.example.evil.example"));
    }

    #[test]
    fn listed_token_hosts_are_normalized_and_checked() {
        let input = OauthProviderInput {
            name: "Eigener".into(),
            kind: ProviderKind::Oidc,
            token_endpoint: "https://sso.firma.de/token".into(),
            device_endpoint: "https://sso.firma.de/device".into(),
            client_id: "c".into(),
            token_hosts: vec![
                " Mail.Firma.de. , müller.example".into(),
                "mail.firma.de".into(),
            ],
            ..Default::default()
        };
        let v = input.validate().unwrap();
        assert_eq!(v.token_hosts, ["mail.firma.de", "xn--mller-kva.example"]);
        for wrong in ["mail!firma.de", "*.firma.de", "-firma.de"] {
            let bad = OauthProviderInput {
                token_hosts: vec!["mail.firma.de".into(), wrong.into()],
                ..input.clone()
            };
            let Err(Error::Validation(issues)) = bad.validate() else {
                panic!("{wrong} accepted")
            };
            assert_eq!(issues[0].field, "token_hosts", "{issues:?}");
        }
        // Microsoft 365's and Google's servers are known: a list there is dropped.
        let ms = OauthProviderInput {
            kind: ProviderKind::Microsoft365,
            tenant_id: "firma.de".into(),
            token_endpoint: String::new(),
            device_endpoint: String::new(),
            ..input
        };
        assert!(ms.validate().unwrap().token_hosts.is_empty());
    }
}
