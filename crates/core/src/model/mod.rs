//! The configuration model: records as stored and shown, inputs as entered, and the rules
//! that turn one into the other.

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

pub mod account;
pub mod calendar;
pub mod cert;
pub mod oauth;
pub mod outgoing;
pub mod people;
pub mod server;
pub mod settings;
pub mod template;

pub use account::*;
pub use calendar::*;
pub use cert::*;
pub use oauth::*;
pub use outgoing::*;
pub use people::*;
pub use server::*;
pub use settings::*;
pub use template::*;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Whether a record's secret (password, token) is in the keyring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum SecretState {
    /// No secret configured.
    #[default]
    None,
    /// Stored in the OS keyring.
    Stored,
    /// The user entered one but the keyring refused it: it must be entered again.
    NotStored,
}

impl SecretState {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretState::None => "none",
            SecretState::Stored => "stored",
            SecretState::NotStored => "not_stored",
        }
    }
    pub fn parse(s: &str) -> SecretState {
        match s {
            "stored" => SecretState::Stored,
            "not_stored" => SecretState::NotStored,
            _ => SecretState::None,
        }
    }
}

/// What to do with a secret when saving a record. The value never appears in Debug output.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(tag = "action", content = "value", rename_all = "snake_case")]
pub enum SecretUpdate {
    /// Leave the stored secret as it is.
    #[default]
    Keep,
    /// Store this new secret.
    Set(String),
    /// Remove the stored secret.
    Clear,
}

impl std::fmt::Debug for SecretUpdate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretUpdate::Keep => f.write_str("Keep"),
            SecretUpdate::Set(_) => f.write_str("Set(<redacted>)"),
            SecretUpdate::Clear => f.write_str("Clear"),
        }
    }
}

/// A record together with what went wrong beside the save itself (e.g. the keyring refused
/// the password while everything else was stored).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Saved<T> {
    pub item: T,
    pub warnings: Vec<crate::error::ApiError>,
}
