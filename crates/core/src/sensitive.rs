//! The one wrapper for every secret in the crate — passwords, client secrets, tokens,
//! passphrases: its Debug, Display and Serialize never show the value. A leaf module.

use serde::{Deserialize, Serialize, Serializer};
use ts_rs::TS;

/// A value that must not reach a log, an error message, a transcript or a file by accident.
/// Reading it takes an explicit `expose()`.
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(transparent)]
pub struct Sensitive<T>(T);

/// The usual secret: a password or a token.
pub type Secret = Sensitive<String>;

/// What Debug, Display and Serialize show instead of the value.
pub const REDACTED: &str = "<redacted>";

impl<T> Sensitive<T> {
    pub fn wrap(value: T) -> Sensitive<T> {
        Sensitive(value)
    }
    /// The value itself, for the one place that needs it (the keyring, the wire).
    pub fn expose(&self) -> &T {
        &self.0
    }
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl Sensitive<String> {
    pub fn new(value: impl Into<String>) -> Secret {
        Sensitive(value.into())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Sensitive<String> {
    fn from(s: String) -> Self {
        Sensitive(s)
    }
}

impl From<&str> for Sensitive<String> {
    fn from(s: &str) -> Self {
        Sensitive(s.to_string())
    }
}

impl<T> std::fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> std::fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> Serialize for Sensitive<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(REDACTED)
    }
}

/// TypeScript sees the plain value's type: secrets only travel from the UI to the backend.
impl TS for Sensitive<String> {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;
    fn name(_: &ts_rs::Config) -> String {
        "string".into()
    }
    fn inline(cfg: &ts_rs::Config) -> String {
        Self::name(cfg)
    }
}

/// Serializes the secret itself. Only for a field whose one purpose is to carry the secret
/// to its destination (the keyring's token record), and named at that field with
/// `#[serde(serialize_with = "crate::sensitive::expose_in")]`, so that it is never by accident.
pub fn expose_in<S: Serializer>(v: &Secret, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.expose())
}

/// `expose_in` for an optional secret.
pub fn expose_opt_in<S: Serializer>(v: &Option<Secret>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_some(v.expose().as_str()),
        None => s.serialize_none(),
    }
}

/// What to do with a secret when saving a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(tag = "action", content = "value", rename_all = "snake_case")]
pub enum SecretUpdate {
    /// Leave the stored secret as it is.
    #[default]
    Keep,
    /// Store this new secret.
    Set(Secret),
    /// Remove the stored secret.
    Clear,
}

impl SecretUpdate {
    /// `Set` from a plain string (what a form or standard input delivers).
    pub fn set(value: impl Into<String>) -> SecretUpdate {
        SecretUpdate::Set(Sensitive(value.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_display_and_serialize_never_show_the_value() {
        let s = Secret::from("canary-7f3a");
        let u = SecretUpdate::Set(s.clone());
        for shown in [
            format!("{s:?}"),
            format!("{s}"),
            format!("{u:?}"),
            serde_json::to_string(&s).unwrap(),
            serde_json::to_string(&u).unwrap(),
        ] {
            assert!(!shown.contains("canary"), "{shown}");
            assert!(shown.contains(REDACTED), "{shown}");
        }
        assert_eq!(s.expose(), "canary-7f3a");
    }

    #[test]
    fn a_secret_typed_in_a_form_arrives_whole() {
        let u: SecretUpdate = serde_json::from_str(r#"{"action":"set","value":"pw 1"}"#).unwrap();
        assert_eq!(u, SecretUpdate::set("pw 1"));
        let SecretUpdate::Set(v) = u else { panic!() };
        assert_eq!(v.expose(), "pw 1");
    }
}
