//! The configuration model: records as stored and shown, inputs as entered, and the rules
//! that turn one into the other.

pub mod account;
pub mod calendar;
pub mod cert;
pub mod mobile;
pub mod oauth;
pub mod outgoing;
pub mod people;
pub mod server;
pub mod settings;
pub mod template;

pub use account::*;
pub use calendar::*;
pub use cert::*;
pub use mobile::*;
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

pub use crate::sensitive::SecretUpdate;

/// A record together with what went wrong beside the save itself (e.g. the keyring refused
/// the password while everything else was stored).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Saved<T> {
    pub item: T,
    pub warnings: Vec<crate::error::ApiError>,
}
