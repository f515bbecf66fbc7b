//! Mobile accounts (Mobile-Konten): the phones and tablets set up for an account — device,
//! platform, user, account, method, date and who did it. Recorded when the Mobile tab or
//! `mbadmin mobile` produces something for a device; listed, searched, edited like the rest.

use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use crate::validate::Issues;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::server::{NAME_MAX, TEXT_MAX};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum DevicePlatform {
    /// iPhone and iPad (iOS, iPadOS).
    #[default]
    Ios,
    Android,
    /// A desktop or laptop (Thunderbird, Evolution, KMail …).
    Desktop,
    Other,
}
crate::str_enum!(DevicePlatform { Ios => "ios", Android => "android", Desktop => "desktop", Other => "other" });

/// How the device got its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum ProvisionMethod {
    /// Apple configuration profile (`.mobileconfig`).
    #[default]
    Profile,
    /// QR code (Thunderbird for Android or Delta Chat).
    Qr,
    /// Thunderbird autoconfig published for the domain.
    Autoconfig,
}
crate::str_enum!(ProvisionMethod { Profile => "profile", Qr => "qr", Autoconfig => "autoconfig" });

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MobileDevice {
    pub id: i64,
    pub version: i64,
    /// The device's name (e.g. "iPhone Max Mustermann").
    pub name: String,
    pub platform: DevicePlatform,
    /// The person using the device (an app user), if known.
    pub user_id: Option<i64>,
    pub account_id: i64,
    /// The account's name, for lists.
    pub account_name: String,
    pub method: ProvisionMethod,
    /// When it was set up (RFC 3339, or a date `YYYY-MM-DD` as entered).
    pub set_up_at: String,
    /// Who set it up (the operating-system user who produced the file or code).
    pub set_up_by: String,
    pub notes: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
pub struct MobileDeviceInput {
    pub name: String,
    pub platform: DevicePlatform,
    pub user_id: Option<i64>,
    pub account_id: Option<i64>,
    pub method: ProvisionMethod,
    /// Empty: now.
    pub set_up_at: String,
    pub set_up_by: String,
    pub notes: String,
}

impl From<&MobileDevice> for MobileDeviceInput {
    fn from(d: &MobileDevice) -> Self {
        MobileDeviceInput {
            name: d.name.clone(),
            platform: d.platform,
            user_id: d.user_id,
            account_id: Some(d.account_id),
            method: d.method,
            set_up_at: d.set_up_at.clone(),
            set_up_by: d.set_up_by.clone(),
            notes: d.notes.clone(),
        }
    }
}

fn is_date(s: &str) -> bool {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(s, &Rfc3339).is_ok()
        || time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).is_ok()
}

impl MobileDeviceInput {
    pub fn validate(&self) -> Result<MobileDeviceInput> {
        let mut issues = Issues::default();
        let mut v = self.clone();
        v.name = v.name.trim().into();
        v.set_up_at = v.set_up_at.trim().into();
        v.set_up_by = v.set_up_by.trim().into();
        issues.text("name", &v.name, NAME_MAX, true);
        if v.account_id.is_none() {
            issues.push(FieldIssue::new("account_id", FieldCode::Required));
        }
        if v.set_up_at.is_empty() {
            v.set_up_at = now_seconds();
        } else if !is_date(&v.set_up_at) {
            issues.push(FieldIssue::new("set_up_at", FieldCode::DateInvalid));
        }
        issues.text("set_up_by", &v.set_up_by, TEXT_MAX, false);
        if v.notes.chars().count() > 2000 {
            issues.push(FieldIssue::new("notes", FieldCode::TooLong).arg("max", "2000"));
        }
        if issues.is_empty() {
            Ok(v)
        } else {
            Err(Error::Validation(issues.0))
        }
    }
}

/// Now, to the second (RFC 3339, UTC): what a person reads in the list and the form.
fn now_seconds() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The operating-system user running the program (who set a device up).
pub fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_default()
}
