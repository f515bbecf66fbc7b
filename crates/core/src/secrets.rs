//! Secrets (passwords, client secrets, tokens) live only in the OS keyring: Secret Service on
//! Linux, Credential Manager on Windows, Keychain on macOS. The store is chosen explicitly at
//! start-up; when none is reachable every operation fails with a clear reason — there is no
//! silent in-memory fallback that would lose passwords.

use crate::error::SecretError;
use keyring_core::{CredentialStore, Error as KError};
use std::sync::Arc;
use std::time::Duration;

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
    /// The keys of every entry this store holds for the app (for the clean-up of entries no
    /// row refers to); stores that cannot list say so.
    fn keys(&self) -> Result<Vec<String>, SecretError> {
        Err(SecretError::Failed(
            "this keyring cannot list its entries".into(),
        ))
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
    fn keys(&self) -> Result<Vec<String>, SecretError> {
        let spec = std::collections::HashMap::from([("service", self.service.as_str())]);
        let entries = self.store.search(&spec).map_err(map_err)?;
        Ok(entries
            .iter()
            .filter_map(|e| e.get_attributes().ok())
            .filter(|a| a.get("service") == Some(&self.service))
            .filter_map(|mut a| a.remove("username"))
            .collect())
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
/// How long a keyring call may take before it counts as not answering: long enough for a
/// person to type the keyring's unlock password at its prompt.
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(60);

/// A secret store whose every call ends within `timeout`: the call runs on a thread of its
/// own (never on the async runtime's threads), and a call that does not return in time is
/// `SecretError::Timeout` (the thread is left to finish or hang on its own; it holds no
/// lock of ours).
pub struct Timed {
    inner: Arc<dyn SecretStore>,
    timeout: Duration,
}

impl Timed {
    pub fn new(inner: Arc<dyn SecretStore>, timeout: Duration) -> Self {
        Timed { inner, timeout }
    }

    fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn SecretStore) -> Result<T, SecretError> + Send + 'static,
    ) -> Result<T, SecretError> {
        let inner = self.inner.clone();
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("keyring".into())
            .spawn(move || {
                let _ = tx.send(f(inner.as_ref()));
            })
            .map_err(|e| SecretError::Failed(e.to_string()))?;
        match rx.recv_timeout(self.timeout) {
            Ok(r) => r,
            Err(_) => Err(SecretError::Timeout(self.timeout.as_millis() as u64)),
        }
    }
}

impl SecretStore for Timed {
    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError> {
        let (key, secret) = (key.to_string(), crate::sensitive::Secret::new(secret));
        self.call(move |s| s.set(&key, secret.expose()))
    }
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        let key = key.to_string();
        self.call(move |s| s.get(&key))
    }
    fn delete(&self, key: &str) -> Result<(), SecretError> {
        let key = key.to_string();
        self.call(move |s| s.delete(&key))
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn available(&self) -> bool {
        self.inner.available()
    }
    fn max_len(&self) -> Option<usize> {
        self.inner.max_len()
    }
    fn keys(&self) -> Result<Vec<String>, SecretError> {
        self.call(|s| s.keys())
    }
}

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
    fn keys(&self) -> Result<Vec<String>, SecretError> {
        Err(SecretError::Unavailable(self.reason.clone()))
    }
}

/// Opens the platform's keyring. Never falls back to memory.
pub fn open_os_keyring() -> Arc<dyn SecretStore> {
    match platform_store() {
        Ok(store) => Arc::new(Timed::new(
            Arc::new(KeyringSecrets::new(store)),
            KEYRING_TIMEOUT,
        )),
        Err(e) => Arc::new(UnavailableSecrets {
            reason: match map_err(e) {
                SecretError::Unavailable(r) | SecretError::Locked(r) | SecretError::Failed(r) => r,
                SecretError::Timeout(ms) => format!("no answer within {ms} ms"),
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
