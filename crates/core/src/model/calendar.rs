//! Outlook / calendar accounts (tab "Calendar" / Outlook-Konten).

use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use crate::model::{SecretState, SecretUpdate};
use crate::validate::Issues;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::server::{NAME_MAX, TEXT_MAX};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum CalendarBackend {
    /// Outlook profile on the client machine (as in the seeds).
    #[default]
    Outlook,
    Caldav,
    Microsoft365,
}
crate::str_enum!(CalendarBackend { Outlook => "outlook", Caldav => "caldav", Microsoft365 => "microsoft365" });

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CalendarAccount {
    pub id: i64,
    pub version: i64,
    pub name: String,
    /// The employee whose calendar syncs (need not be an app user).
    pub employee_id: i64,
    pub backend: CalendarBackend,
    pub outlook_profile: String,
    pub calendar_name: String,
    pub caldav_url: String,
    pub username: String,
    pub password: SecretState,
    /// Microsoft 365: the OAuth provider whose token reads the calendar (no password).
    pub oauth_provider_id: Option<i64>,
    pub sync_days_back: u32,
    pub sync_days_ahead: u32,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct CalendarInput {
    pub name: String,
    pub employee_id: Option<i64>,
    pub backend: CalendarBackend,
    pub outlook_profile: String,
    pub calendar_name: String,
    pub caldav_url: String,
    pub username: String,
    pub password: SecretUpdate,
    pub oauth_provider_id: Option<i64>,
    pub sync_days_back: i64,
    pub sync_days_ahead: i64,
}

impl Default for CalendarInput {
    fn default() -> Self {
        CalendarInput {
            name: String::new(),
            employee_id: None,
            backend: CalendarBackend::Outlook,
            outlook_profile: String::new(),
            calendar_name: String::new(),
            caldav_url: String::new(),
            username: String::new(),
            password: SecretUpdate::Keep,
            oauth_provider_id: None,
            sync_days_back: 30,
            sync_days_ahead: 365,
        }
    }
}

impl From<&CalendarAccount> for CalendarInput {
    fn from(c: &CalendarAccount) -> Self {
        CalendarInput {
            name: c.name.clone(),
            employee_id: Some(c.employee_id),
            backend: c.backend,
            outlook_profile: c.outlook_profile.clone(),
            calendar_name: c.calendar_name.clone(),
            caldav_url: c.caldav_url.clone(),
            username: c.username.clone(),
            password: SecretUpdate::Keep,
            oauth_provider_id: c.oauth_provider_id,
            sync_days_back: c.sync_days_back as i64,
            sync_days_ahead: c.sync_days_ahead as i64,
        }
    }
}

impl CalendarInput {
    pub fn validate(&self) -> Result<CalendarInput> {
        let mut issues = Issues::default();
        let mut v = self.clone();
        v.name = v.name.trim().into();
        v.outlook_profile = v.outlook_profile.trim().into();
        v.calendar_name = v.calendar_name.trim().into();
        v.caldav_url = v.caldav_url.trim().into();
        v.username = v.username.trim().into();
        issues.text("name", &v.name, NAME_MAX, true);
        if v.employee_id.is_none() {
            issues.push(FieldIssue::new("employee_id", FieldCode::Required));
        }
        issues.text("outlook_profile", &v.outlook_profile, TEXT_MAX, false);
        issues.text("calendar_name", &v.calendar_name, TEXT_MAX, false);
        issues.text(
            "caldav_url",
            &v.caldav_url,
            2048,
            v.backend == CalendarBackend::Caldav,
        );
        let web = v.caldav_url.starts_with("https://") || v.caldav_url.starts_with("http://");
        if !v.caldav_url.is_empty() && !issues.has("caldav_url") && !web {
            issues.push(FieldIssue::new("caldav_url", FieldCode::UrlInvalid));
        }
        issues.text("username", &v.username, TEXT_MAX, false);
        issues.secret("password", &v.password);
        if v.backend == CalendarBackend::Microsoft365 {
            // Microsoft 365 takes no password: the calendar is read with the provider's token.
            if v.oauth_provider_id.is_none() {
                issues.push(FieldIssue::new(
                    "oauth_provider_id",
                    FieldCode::OauthProviderRequired,
                ));
            }
            v.password = SecretUpdate::Clear;
        } else {
            v.oauth_provider_id = None;
        }
        for (f, d) in [
            ("sync_days_back", v.sync_days_back),
            ("sync_days_ahead", v.sync_days_ahead),
        ] {
            if !(0..=3650).contains(&d) {
                issues.push(
                    FieldIssue::new(f, FieldCode::Range)
                        .arg("min", "0")
                        .arg("max", "3650"),
                );
            }
        }
        if issues.is_empty() {
            Ok(v)
        } else {
            Err(Error::Validation(issues.0))
        }
    }
}
