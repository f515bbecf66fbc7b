//! Mailbox Admin's domain logic: the configuration model, its SQLite store, the secrets in
//! the OS keyring, and the operations that the desktop shell and the `mbadmin` CLI adapt.
//! Nothing here knows about Tauri.

pub mod app;
pub mod bindings;
pub mod clock;
pub mod collate;
pub mod detect;
pub mod diag;
pub mod dns;
pub mod domain;
pub mod error;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
pub mod graph;
pub mod i18n;
pub mod kinds;
pub mod model;
pub mod oauth;
pub mod paths;
pub mod probe;
pub mod provision;
pub mod secrets;
pub mod sensitive;
pub mod store;
pub mod tls;
pub mod validate;

pub use app::App;
pub use error::{ApiError, Error, ErrorCode, FieldError};
pub use i18n::Lang;
