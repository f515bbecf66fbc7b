//! The core's error type and its IPC form. Every error that reaches a user becomes an
//! `ApiError { code, message, field, fields }`: `code` is a closed set the UI branches on,
//! the message is translated, `field` names the input to fix.

use crate::diag::DiagnosisCode;
use crate::diag::FieldCode;
use crate::i18n::{tr, Lang};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What is wrong with one input field. `code` is stable (e.g. `port_range`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    pub field: &'static str,
    pub code: FieldCode,
    pub args: Vec<(&'static str, String)>,
}

impl FieldIssue {
    pub fn new(field: &'static str, code: FieldCode) -> Self {
        FieldIssue {
            field,
            code,
            args: Vec::new(),
        }
    }
    pub fn arg(mut self, k: &'static str, v: impl Into<String>) -> Self {
        self.args.push((k, v.into()));
        self
    }
}

/// Which kind of record an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    IncomingServer,
    OutgoingServer,
    Account,
    Company,
    User,
    Group,
    Employee,
    CalendarAccount,
    Certificate,
    Template,
    Settings,
    OauthProvider,
    MobileDevice,
}

impl Entity {
    /// Every kind of record.
    pub const ALL: [Entity; 13] = [
        Entity::IncomingServer,
        Entity::OutgoingServer,
        Entity::Account,
        Entity::Company,
        Entity::User,
        Entity::Group,
        Entity::Employee,
        Entity::CalendarAccount,
        Entity::Certificate,
        Entity::Template,
        Entity::Settings,
        Entity::OauthProvider,
        Entity::MobileDevice,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Entity::IncomingServer => "entity.incoming_server",
            Entity::OutgoingServer => "entity.outgoing_server",
            Entity::Account => "entity.account",
            Entity::Company => "entity.company",
            Entity::User => "entity.user",
            Entity::Group => "entity.group",
            Entity::Employee => "entity.employee",
            Entity::CalendarAccount => "entity.calendar_account",
            Entity::Certificate => "entity.certificate",
            Entity::Template => "entity.template",
            Entity::Settings => "entity.settings",
            Entity::OauthProvider => "entity.oauth_provider",
            Entity::MobileDevice => "entity.mobile_device",
        }
    }

    pub fn table(self) -> &'static str {
        match self {
            Entity::IncomingServer => "incoming_servers",
            Entity::OutgoingServer => "outgoing_servers",
            Entity::Account => "accounts",
            Entity::Company => "companies",
            Entity::User => "users",
            Entity::Group => "groups",
            Entity::Employee => "employees",
            Entity::CalendarAccount => "calendar_accounts",
            Entity::Certificate => "certificates",
            Entity::Template => "templates",
            Entity::Settings => "general_settings",
            Entity::OauthProvider => "oauth_providers",
            Entity::MobileDevice => "mobile_devices",
        }
    }

    /// The first part of keyring references of this entity's secrets.
    pub fn ref_prefix(self) -> &'static str {
        match self {
            Entity::IncomingServer => "incoming_server",
            Entity::OutgoingServer => "outgoing_server",
            Entity::Account => "account",
            Entity::Company => "company",
            Entity::User => "user",
            Entity::Group => "group",
            Entity::Employee => "employee",
            Entity::CalendarAccount => "calendar_account",
            Entity::Certificate => "certificate",
            Entity::Template => "template",
            Entity::Settings => "settings",
            Entity::OauthProvider => "oauth_provider",
            Entity::MobileDevice => "mobile_device",
        }
    }

    /// The column that names a row for people (unique, case-insensitive).
    pub fn label_column(self) -> &'static str {
        match self {
            Entity::User => "login",
            _ => "name",
        }
    }
}

/// Why the keyring refused.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SecretError {
    #[error("no keyring reachable: {0}")]
    Unavailable(String),
    #[error("keyring locked: {0}")]
    Locked(String),
    #[error("keyring error: {0}")]
    Failed(String),
    /// The keyring did not answer within this many milliseconds (`secrets::Timed`).
    #[error("keyring did not answer within {0} ms")]
    Timeout(u64),
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid input: {0:?}")]
    Validation(Vec<FieldIssue>),
    #[error("{entity:?} {id} not found")]
    NotFound { entity: Entity, id: String },
    #[error("{entity:?} {name} was changed elsewhere")]
    Conflict { entity: Entity, name: String },
    #[error("{entity:?} {name} is in use by {used_by:?}")]
    InUse {
        entity: Entity,
        name: String,
        used_by: Vec<String>,
    },
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The person at the screen said no (e.g. to an export with the passwords).
    #[error("cancelled: {0}")]
    Cancelled(String),
    #[error("database: {0}")]
    Database(String),
    #[error("migration of {path} failed: {detail} (backup: {backup})")]
    Migration {
        path: String,
        detail: String,
        backup: String,
    },
    #[error("database {path} has schema {found}, newer than {known}")]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// An OAuth flow or provider request failed; the code is a diagnosis code (`oauth.*`).
    #[error("{0}")]
    Oauth(crate::diag::OauthFailure),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn field(field: &'static str, code: FieldCode) -> Error {
        Error::Validation(vec![FieldIssue::new(field, code)])
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation(_) => ErrorCode::Validation,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict { .. } => ErrorCode::Conflict,
            Error::InUse { .. } => ErrorCode::InUse,
            Error::Secret(SecretError::Unavailable(_)) => ErrorCode::SecretsUnavailable,
            Error::Secret(SecretError::Locked(_) | SecretError::Timeout(_)) => {
                ErrorCode::SecretsLocked
            }
            Error::Secret(SecretError::Failed(_)) => ErrorCode::SecretsFailed,
            Error::Database(_) | Error::Migration { .. } | Error::TooNew { .. } => {
                ErrorCode::Database
            }
            Error::Io(_) => ErrorCode::Io,
            Error::Cancelled(_) => ErrorCode::Cancelled,
            Error::Oauth(f) if f.code == DiagnosisCode::OauthCancelled => ErrorCode::Cancelled,
            Error::Oauth(_) => ErrorCode::Oauth,
        }
    }

    /// The field code of a keyring error on the password field.
    fn secret_field_code(&self) -> FieldCode {
        match self {
            Error::Secret(SecretError::Unavailable(_)) => FieldCode::SecretsUnavailable,
            Error::Secret(SecretError::Locked(_) | SecretError::Timeout(_)) => {
                FieldCode::SecretsLocked
            }
            _ => FieldCode::SecretsFailed,
        }
    }

    /// The translated, user-facing form of this error.
    pub fn to_api(&self, lang: Lang) -> ApiError {
        let fields: Vec<FieldError> = match self {
            Error::Validation(issues) => issues
                .iter()
                .map(|i| FieldError {
                    field: i.field.to_string(),
                    code: i.code,
                    message: tr(
                        lang,
                        &format!("field.{}", i.code),
                        &i.args
                            .iter()
                            .map(|(k, v)| {
                                let v = if *k == "reason" {
                                    crate::i18n::reason(lang, v)
                                } else {
                                    v.clone()
                                };
                                (*k, v)
                            })
                            .collect::<Vec<_>>(),
                    ),
                })
                .collect(),
            Error::Secret(_) => vec![FieldError {
                field: "password".into(),
                code: self.secret_field_code(),
                message: String::new(),
            }],
            _ => Vec::new(),
        };
        let message = match self {
            Error::Validation(_) => {
                let list = fields
                    .iter()
                    .map(|f| format!("{} ({})", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                tr(lang, "error.validation", &[("fields", list)])
            }
            Error::NotFound { entity, id } => tr(
                lang,
                "error.not_found",
                &[("entity", tr(lang, entity.key(), &[])), ("id", id.clone())],
            ),
            Error::Conflict { entity, name } => tr(
                lang,
                "error.conflict",
                &[
                    ("entity", tr(lang, entity.key(), &[])),
                    ("name", name.clone()),
                ],
            ),
            Error::InUse {
                entity,
                name,
                used_by,
            } => tr(
                lang,
                "error.in_use",
                &[
                    ("entity", tr(lang, entity.key(), &[])),
                    ("name", name.clone()),
                    ("used_by", used_by.join(", ")),
                ],
            ),
            Error::Secret(SecretError::Unavailable(d)) => {
                tr(lang, "error.secrets_unavailable", &[("detail", d.clone())])
            }
            Error::Secret(SecretError::Locked(d)) => {
                tr(lang, "error.secrets_locked", &[("detail", d.clone())])
            }
            Error::Secret(SecretError::Failed(d)) => {
                tr(lang, "error.secrets_failed", &[("detail", d.clone())])
            }
            Error::Secret(SecretError::Timeout(ms)) => tr(
                lang,
                "error.secrets_timeout",
                &[("seconds", crate::i18n::seconds(lang, *ms))],
            ),
            Error::Database(e) => tr(lang, "error.database", &[("detail", e.clone())]),
            Error::Migration {
                path,
                detail,
                backup,
            } => tr(
                lang,
                "error.migration",
                &[
                    ("path", path.clone()),
                    ("detail", detail.clone()),
                    ("backup", backup.clone()),
                ],
            ),
            Error::TooNew { path, found, known } => tr(
                lang,
                "error.too_new",
                &[
                    ("path", path.clone()),
                    ("found", found.to_string()),
                    ("known", known.to_string()),
                ],
            ),
            Error::Io(e) => tr(lang, "error.io", &[("detail", e.to_string())]),
            Error::Cancelled(what) => tr(lang, "error.cancelled", &[("what", what.clone())]),
            Error::Oauth(f) => {
                let d = crate::diag::diagnose(
                    f.code,
                    crate::diag::Severity::Error,
                    lang,
                    &Default::default(),
                    Vec::new(),
                );
                let mut m = format!("{}: {} {}", d.title, d.explanation, d.fix);
                let said = [f.error.as_str(), f.description.as_str()]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(": ");
                if !said.is_empty() {
                    m.push_str(&format!(" ({said})"));
                }
                // A provider's TLS failure: whose certificate it was.
                if let Some(ev) = f
                    .evidence
                    .iter()
                    .find(|e| e.key == crate::diag::EvidenceKey::Issuer)
                {
                    let label = match lang {
                        Lang::De => "Aussteller",
                        Lang::En => "issuer",
                    };
                    m.push_str(&format!(" [{label}: {}]", ev.value));
                }
                m.trim().to_string()
            }
        };
        let fields = match self {
            Error::Secret(_) => vec![FieldError {
                field: "password".into(),
                code: self.secret_field_code(),
                message: message.clone(),
            }],
            _ => fields,
        };
        ApiError {
            code: self.code(),
            field: fields.first().map(|f| f.field.clone()),
            message,
            fields,
        }
    }
}

/// The closed set of error kinds the UI and scripts branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    NotFound,
    Conflict,
    InUse,
    SecretsUnavailable,
    SecretsLocked,
    SecretsFailed,
    Database,
    Io,
    /// An OAuth flow or provider request failed (see the message for the fix).
    Oauth,
    /// The user cancelled the operation.
    Cancelled,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "validation",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::InUse => "in_use",
            ErrorCode::SecretsUnavailable => "secrets_unavailable",
            ErrorCode::SecretsLocked => "secrets_locked",
            ErrorCode::SecretsFailed => "secrets_failed",
            ErrorCode::Database => "database",
            ErrorCode::Io => "io",
            ErrorCode::Oauth => "oauth",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Internal => "internal",
        }
    }
}

/// One field's problem, as the UI shows it next to the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldError {
    pub field: String,
    pub code: FieldCode,
    pub message: String,
}

/// An error as it crosses IPC and as `mbadmin --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// The first field to fix, if the error is about input.
    pub field: Option<String>,
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError {
            code: ErrorCode::Internal,
            message: message.into(),
            field: None,
            fields: Vec::new(),
        }
    }
}
