//! The kinds every layer shares: protocols, encryption, authentication and OAuth flows,
//! with their port defaults and limits. A leaf: it imports nothing of the crate.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `as_str`, `parse` and `ALL` for a fieldless enum stored as text.
#[macro_export]
macro_rules! str_enum {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str { match self { $(<$t>::$v => $s),* } }
            pub fn parse(s: &str) -> Option<$t> { match s { $($s => Some(<$t>::$v),)* _ => None } }
            pub const ALL: &'static [$t] = &[$(<$t>::$v),*];
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    #[default]
    Imap,
    Pop3,
    /// Fetch via IMAP, then delete or move like POP3.
    ImapDownload,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    None,
    Starttls,
    /// Implicit TLS (SSL/TLS).
    #[default]
    Tls,
    /// Prefer implicit TLS, else STARTTLS; never silently plaintext.
    Auto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// PLAIN or LOGIN.
    #[default]
    Password,
    CramMd5,
    /// XOAUTH2 / OAUTHBEARER with an OAuth provider.
    Oauth2,
    /// Windows authentication; the domain is kept in `ntlm_domain`.
    Ntlm,
}

crate::str_enum!(Protocol { Imap => "imap", Pop3 => "pop3", ImapDownload => "imap_download" });
crate::str_enum!(Security { None => "none", Starttls => "starttls", Tls => "tls", Auto => "auto" });
crate::str_enum!(AuthMethod { Password => "password", CramMd5 => "cram_md5", Oauth2 => "oauth2", Ntlm => "ntlm" });

impl Protocol {
    pub fn is_imap(self) -> bool {
        matches!(self, Protocol::Imap | Protocol::ImapDownload)
    }
    /// POP3-like handling of fetched mail (delete after fetch, after N days).
    pub fn downloads(self) -> bool {
        matches!(self, Protocol::Pop3 | Protocol::ImapDownload)
    }
}

/// The port a server uses unless the user typed another: IMAP 143/993, POP3 110/995.
/// "Automatic" starts with implicit TLS, so it derives the implicit-TLS port.
pub fn default_incoming_port(protocol: Protocol, security: Security) -> u16 {
    let implicit = matches!(security, Security::Tls | Security::Auto);
    match (protocol.is_imap(), implicit) {
        (true, true) => 993,
        (true, false) => 143,
        (false, true) => 995,
        (false, false) => 110,
    }
}

pub const DEFAULT_TIMEOUT_SECS: u32 = 30;
/// Detection from an address: the overall time budget (seconds) and its bounds.
pub const DEFAULT_DETECT_BUDGET_SECS: u32 = 8;
pub const MAX_DETECT_BUDGET_SECS: u32 = 60;
/// Thunderbird's provider database (ISPDB); a company can run a mirror.
pub const DEFAULT_PROVIDER_DB_URL: &str = "https://autoconfig.thunderbird.net/v1.1/";
pub const NAME_MAX: usize = 100;
pub const TEXT_MAX: usize = 255;
pub const PASSWORD_MAX: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// Microsoft 365 / Exchange Online / Outlook.com (Microsoft identity platform v2).
    #[default]
    Microsoft365,
    Google,
    /// Any OpenID Connect provider, configured from its discovery document.
    Oidc,
}
crate::str_enum!(ProviderKind { Microsoft365 => "microsoft365", Google => "google", Oidc => "oidc" });

/// How an account's tokens were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum OauthFlow {
    /// Authorization code + PKCE in the system browser, loopback redirect.
    #[default]
    AuthorizationCode,
    /// Device code: a code to enter on any device with a browser.
    DeviceCode,
    /// App-only (client credentials): service mailboxes, no user signs in.
    ClientCredentials,
}
crate::str_enum!(OauthFlow { AuthorizationCode => "authorization_code", DeviceCode => "device_code", ClientCredentials => "client_credentials" });

/// Which SASL mechanism carries the token. `Auto` takes what the server offers
/// (OAUTHBEARER, else XOAUTH2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum OauthMechanism {
    #[default]
    Auto,
    Xoauth2,
    Oauthbearer,
}
crate::str_enum!(OauthMechanism { Auto => "auto", Xoauth2 => "xoauth2", Oauthbearer => "oauthbearer" });

/// The scopes a flow asks for: app-only tokens take the app scopes where there are any.
pub fn requested_scopes<'a>(flow: OauthFlow, scopes: &'a str, app_scopes: &'a str) -> &'a str {
    match flow {
        OauthFlow::ClientCredentials if !app_scopes.trim().is_empty() => app_scopes,
        _ => scopes,
    }
}
