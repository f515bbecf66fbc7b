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
    /// Detection from an address: the overall time budget in seconds (1–60, default 8).
    pub detect_budget_secs: u32,
    /// The DNS server for detection, the domain check and their connection tests
    /// (`IP[:PORT]`, split-horizon DNS); empty: the system's resolver.
    pub dns_server: String,
    /// The provider database (ISPDB format): `https://…/`, the domain is appended; empty: off.
    pub provider_db_url: String,
    /// Also ask autoconfig over plain HTTP (results unconfirmed).
    pub detect_allow_http: bool,
    /// Send the address to the domain's own autoconfig server (`?emailaddress=`).
    pub detect_send_address: bool,
    /// Nur speichern, wenn der Verbindungstest besteht: the window's forms (incoming server,
    /// outgoing server, account) and the CLI's `add` test the draft first and save only
    /// when the test passes (a disabled outgoing server is saved untested).
    pub save_only_tested: bool,
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
            detect_budget_secs: crate::kinds::DEFAULT_DETECT_BUDGET_SECS,
            dns_server: String::new(),
            provider_db_url: crate::kinds::DEFAULT_PROVIDER_DB_URL.into(),
            detect_allow_http: false,
            detect_send_address: false,
            save_only_tested: false,
            updated_at: String::new(),
        }
    }
}

impl GeneralSettings {
    pub fn validate(&self) -> Result<()> {
        let mut issues = Vec::new();
        if self.fetch_interval_minutes > 1440 {
            issues.push(
                FieldIssue::new("fetch_interval_minutes", FieldCode::Range)
                    .arg("min", "0")
                    .arg("max", "1440"),
            );
        }
        let max = crate::kinds::MAX_DETECT_BUDGET_SECS;
        if !(1..=max).contains(&self.detect_budget_secs) {
            issues.push(
                FieldIssue::new("detect_budget_secs", FieldCode::Range)
                    .arg("min", "1")
                    .arg("max", max.to_string()),
            );
        }
        if let Some(reason) = crate::validate::dns_server_problem(&self.dns_server) {
            issues.push(
                FieldIssue::new("dns_server", FieldCode::DnsServerInvalid).arg("reason", reason),
            );
        }
        let url = self.provider_db_url.trim();
        if !url.is_empty() {
            if let Some(code) = crate::validate::url_problem(url) {
                issues.push(FieldIssue::new("provider_db_url", code));
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(issues))
        }
    }
}
