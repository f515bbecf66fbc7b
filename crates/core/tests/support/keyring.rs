//! An in-memory keyring for tests that need secrets stored but not a real Secret Service:
//! what the app stores can be read back (`.0`), changed or removed, as a keyring would.

#![allow(dead_code)]

use mailbox_admin_core::error::SecretError;
use mailbox_admin_core::secrets::SecretStore;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct Keyring(pub Mutex<HashMap<String, String>>);

impl SecretStore for Keyring {
    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError> {
        self.0.lock().unwrap().insert(key.into(), secret.into());
        Ok(())
    }
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        Ok(self.0.lock().unwrap().get(key).cloned())
    }
    fn delete(&self, key: &str) -> Result<(), SecretError> {
        self.0.lock().unwrap().remove(key);
        Ok(())
    }
    fn describe(&self) -> String {
        "test keyring".into()
    }
}
