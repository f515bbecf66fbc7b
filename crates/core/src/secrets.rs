//! Secrets (passwords, client secrets, tokens) live only in the OS keyring: Secret Service on
//! Linux, Credential Manager on Windows, Keychain on macOS. The store is chosen explicitly at
//! start-up; when none is reachable every operation fails with a clear reason — there is no
//! silent in-memory fallback that would lose passwords.

use crate::error::SecretError;
use keyring_core::{CredentialStore, Error as KError};
use std::sync::Arc;

/// The keyring "service" under which every Mailbox Admin secret is stored; the keyring
/// "user" is the reference kept in the database (e.g. `incoming_server/<uid>/password`).
pub const SERVICE: &str = "mailbox-admin";

pub trait SecretStore: Send + Sync {
    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError>;
    fn get(&self, key: &str) -> Result<Option<String>, SecretError>;
    /// Deleting a missing entry is not an error.
    fn delete(&self, key: &str) -> Result<(), SecretError>;
    /// Which keyring is in use, or why none is, for the status bar and `mbadmin info`.
    fn describe(&self) -> String;
    fn available(&self) -> bool {
        true
    }
    /// The longest secret (in characters) the store takes, if it has a limit; longer
    /// values (OAuth tokens) are stored in parts (`oauth::tokens`).
    fn max_len(&self) -> Option<usize> {
        None
    }
}

/// Any keyring-core credential store.
pub struct KeyringSecrets {
    store: Arc<CredentialStore>,
    service: String,
}

impl KeyringSecrets {
    pub fn new(store: Arc<CredentialStore>) -> Self {
        KeyringSecrets {
            store,
            service: SERVICE.to_string(),
        }
    }

    fn entry(&self, key: &str) -> Result<keyring_core::Entry, SecretError> {
        self.store.build(&self.service, key, None).map_err(map_err)
    }
}

fn map_err(e: KError) -> SecretError {
    match e {
        KError::NoStorageAccess(p) => SecretError::Locked(p.to_string()),
        KError::NoDefaultStore => SecretError::Unavailable("no keyring store".into()),
        KError::PlatformFailure(p) => SecretError::Unavailable(p.to_string()),
        KError::TooLong(attr, max) => {
            SecretError::Failed(format!("{attr} longer than the keyring allows ({max})"))
        }
        // Never include the raw bytes of BadEncoding/BadDataFormat: they are the secret.
        KError::BadEncoding(_) | KError::BadDataFormat(..) => {
            SecretError::Failed("stored secret is not readable text".into())
        }
        other => SecretError::Failed(format!("{other}")),
    }
}

impl SecretStore for KeyringSecrets {
    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError> {
        self.entry(key)?.set_password(secret).map_err(map_err)
    }
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        match self.entry(key)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(KError::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }
    fn delete(&self, key: &str) -> Result<(), SecretError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(KError::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }
    fn max_len(&self) -> Option<usize> {
        // Windows Credential Manager: 2,560 bytes of UTF-16. Leave room for the header.
        if cfg!(windows) {
            Some(1200)
        } else {
            None
        }
    }
    fn describe(&self) -> String {
        // Vendors read "Secret Service store, https://…": the part before the comma is
        // what an administrator recognises.
        let v = self.store.vendor();
        v.split(',').next().unwrap_or(&v).trim().to_string()
    }
}

/// The stand-in when no keyring could be opened: every operation says why.
pub struct UnavailableSecrets {
    pub reason: String,
}

impl SecretStore for UnavailableSecrets {
    fn set(&self, _: &str, _: &str) -> Result<(), SecretError> {
        Err(SecretError::Unavailable(self.reason.clone()))
    }
    fn get(&self, _: &str) -> Result<Option<String>, SecretError> {
        Err(SecretError::Unavailable(self.reason.clone()))
    }
    fn delete(&self, _: &str) -> Result<(), SecretError> {
        Err(SecretError::Unavailable(self.reason.clone()))
    }
    fn describe(&self) -> String {
        self.reason.clone()
    }
    fn available(&self) -> bool {
        false
    }
}

/// Opens the platform's keyring. Never falls back to memory.
pub fn open_os_keyring() -> Arc<dyn SecretStore> {
    match platform_store() {
        Ok(store) => Arc::new(KeyringSecrets::new(store)),
        Err(e) => Arc::new(UnavailableSecrets {
            reason: match map_err(e) {
                SecretError::Unavailable(r) | SecretError::Locked(r) | SecretError::Failed(r) => r,
            },
        }),
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none()
        && std::env::var_os("XDG_RUNTIME_DIR").is_none()
    {
        return Err(KError::PlatformFailure(
            "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)".into(),
        ));
    }
    Ok(dbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(KError::NotSupportedByStore(
        "no keyring on this platform".into(),
    ))
}

/// keyring-core's in-memory mock, for unit tests only.
#[cfg(test)]
pub fn mock() -> Arc<dyn SecretStore> {
    Arc::new(KeyringSecrets::new(
        keyring_core::mock::Store::new().unwrap(),
    ))
}
