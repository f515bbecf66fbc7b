//! General settings (Allgemeine Einstellungen): the installation's mail policy.

use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct GeneralSettings {
    pub version: i64,
    /// Automatic fetch every N minutes (0 = off). Default 15.
    pub fetch_interval_minutes: u32,
    /// Postfach ausblenden.
    pub hide_mailbox: bool,
    /// Ordner Ausgang im E-Mail-Postfach anzeigen.
    pub show_outbox: bool,
    /// Keinen manuellen Abruf erlauben.
    pub no_manual_fetch: bool,
    /// Benutzer können E-Mail neu laden (downloads again what was already fetched).
    pub users_may_redownload: bool,
    /// E-Mails nach dem Versand sperren (Revisionssicherheit).
    pub lock_after_send: bool,
    pub updated_at: String,
}

impl Default for GeneralSettings {
    fn default() -> Self {
        GeneralSettings {
            version: 1,
            fetch_interval_minutes: 15,
            hide_mailbox: false,
            show_outbox: false,
            no_manual_fetch: false,
            users_may_redownload: false,
            lock_after_send: false,
            updated_at: String::new(),
        }
    }
}

impl GeneralSettings {
    pub fn validate(&self) -> Result<()> {
        if self.fetch_interval_minutes > 1440 {
            return Err(Error::Validation(vec![FieldIssue::new(
                "fetch_interval_minutes",
                FieldCode::Range,
            )
            .arg("min", "0")
            .arg("max", "1440")]));
        }
        Ok(())
    }
}
