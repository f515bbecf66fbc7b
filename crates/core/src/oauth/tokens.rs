//! An account's tokens in the keyring, as one JSON value. Keyrings limit the size of a
//! secret (Windows Credential Manager: 2,560 bytes of UTF-16, i.e. 1,280 characters), and
//! Microsoft tokens are often longer: a value over the store's limit is split into parts
//! `<key>#1…#n` with a header entry naming their count and SHA-256, so that it is either
//! read back whole or reported as damaged — never silently cut.

use crate::error::SecretError;
use crate::secrets::SecretStore;
use crate::sensitive::Secret;
use serde::{Deserialize, Serialize};
use sha2::Digest;

const HEADER: &str = "mbx-parts:v1:";

/// The tokens of one connection, as the keyring keeps them (the only place they are
/// serialized with their values). Debug shows none of them.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredTokens {
    #[serde(serialize_with = "crate::sensitive::expose_in")]
    pub access_token: Secret,
    #[serde(default, serialize_with = "crate::sensitive::expose_opt_in")]
    pub refresh_token: Option<Secret>,
    /// Unix seconds when the access token expires.
    #[serde(default)]
    pub expires_at: Option<i64>,
}

impl std::fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredTokens")
            .field("expires_at", &self.expires_at)
            .field("has_refresh_token", &self.refresh_token.is_some())
            .finish_non_exhaustive()
    }
}

impl StoredTokens {
    pub fn access(&self) -> Secret {
        self.access_token.clone()
    }

    /// Whether the access token is expired or expires within `margin_secs`.
    pub fn expiring(&self, now: i64, margin_secs: i64) -> bool {
        self.expires_at.is_some_and(|t| t - margin_secs <= now)
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Stores `value` under `key`, in parts if the store limits the length.
pub fn put(s: &dyn SecretStore, key: &str, value: &str) -> Result<(), SecretError> {
    let old_parts = part_count(s, key);
    match s.max_len() {
        Some(max) if value.chars().count() > max => {
            let chars: Vec<char> = value.chars().collect();
            let parts: Vec<String> = chars.chunks(max).map(|c| c.iter().collect()).collect();
            for (i, p) in parts.iter().enumerate() {
                s.set(&format!("{key}#{}", i + 1), p)?;
            }
            let header = format!(
                "{HEADER}{}:{}",
                parts.len(),
                hex(&sha2::Sha256::digest(value.as_bytes()))
            );
            s.set(key, &header)?;
            for i in parts.len() + 1..=old_parts {
                s.delete(&format!("{key}#{i}"))?;
            }
        }
        _ => {
            s.set(key, value)?;
            for i in 1..=old_parts {
                s.delete(&format!("{key}#{i}"))?;
            }
        }
    }
    Ok(())
}

fn part_count(s: &dyn SecretStore, key: &str) -> usize {
    match s.get(key) {
        Ok(Some(v)) => v
            .strip_prefix(HEADER)
            .and_then(|r| r.split(':').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
        _ => 0,
    }
}

/// Reads what `put` stored; a missing or altered part is an error, not a shorter value.
pub fn get(s: &dyn SecretStore, key: &str) -> Result<Option<String>, SecretError> {
    let Some(v) = s.get(key)? else {
        return Ok(None);
    };
    let Some(rest) = v.strip_prefix(HEADER) else {
        return Ok(Some(v));
    };
    let damaged =
        || SecretError::Failed(format!("the parts of {key} in the keyring are incomplete"));
    let (n, sum) = rest.split_once(':').ok_or_else(damaged)?;
    let n: usize = n.parse().map_err(|_| damaged())?;
    if n == 0 || n > 64 {
        return Err(damaged());
    }
    let mut out = String::new();
    for i in 1..=n {
        out.push_str(&s.get(&format!("{key}#{i}"))?.ok_or_else(damaged)?);
    }
    if hex(&sha2::Sha256::digest(out.as_bytes())) != sum {
        return Err(damaged());
    }
    Ok(Some(out))
}

pub fn delete(s: &dyn SecretStore, key: &str) -> Result<(), SecretError> {
    let n = part_count(s, key);
    for i in 1..=n {
        s.delete(&format!("{key}#{i}"))?;
    }
    s.delete(key)
}

pub fn save(s: &dyn SecretStore, key: &str, t: &StoredTokens) -> Result<(), SecretError> {
    let json = serde_json::to_string(t).expect("tokens serialize");
    put(s, key, &json)
}

pub fn load(s: &dyn SecretStore, key: &str) -> Result<Option<StoredTokens>, SecretError> {
    match get(s, key)? {
        None => Ok(None),
        Some(v) => serde_json::from_str(&v)
            .map(Some)
            .map_err(|_| SecretError::Failed(format!("{key} in the keyring is not readable"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// A store that refuses values over `max` characters, like Windows Credential Manager.
    struct Limited {
        max: usize,
        map: Mutex<HashMap<String, String>>,
    }
    impl SecretStore for Limited {
        fn set(&self, k: &str, v: &str) -> Result<(), SecretError> {
            if v.chars().count() > self.max {
                return Err(SecretError::Failed("too long".into()));
            }
            self.map.lock().unwrap().insert(k.into(), v.into());
            Ok(())
        }
        fn get(&self, k: &str) -> Result<Option<String>, SecretError> {
            Ok(self.map.lock().unwrap().get(k).cloned())
        }
        fn delete(&self, k: &str) -> Result<(), SecretError> {
            self.map.lock().unwrap().remove(k);
            Ok(())
        }
        fn describe(&self) -> String {
            "limited".into()
        }
        fn max_len(&self) -> Option<usize> {
            Some(self.max)
        }
    }

    #[test]
    fn long_tokens_are_split_and_read_back_whole() {
        let s = Limited {
            max: 1280,
            map: Mutex::new(HashMap::new()),
        };
        let long: String = (0..5000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        put(&s, "account/u/oauth_tokens", &long).unwrap();
        assert_eq!(s.map.lock().unwrap().len(), 1 + 4);
        assert_eq!(get(&s, "account/u/oauth_tokens").unwrap().unwrap(), long);
        // A shorter value afterwards removes the parts no longer needed.
        put(&s, "account/u/oauth_tokens", "short").unwrap();
        assert_eq!(s.map.lock().unwrap().len(), 1);
        assert_eq!(get(&s, "account/u/oauth_tokens").unwrap().unwrap(), "short");
        // A lost part is reported, never returned as a cut token.
        put(&s, "k", &long).unwrap();
        s.map.lock().unwrap().remove("k#3");
        assert!(get(&s, "k").is_err());
        delete(&s, "k").unwrap();
        assert!(s.map.lock().unwrap().keys().all(|k| !k.starts_with("k")));
    }

    #[test]
    fn the_keyring_record_keeps_the_tokens_and_nothing_else_shows_them() {
        let s = Limited {
            max: 10_000,
            map: Mutex::new(HashMap::new()),
        };
        let t = StoredTokens {
            access_token: Secret::new("Canary-Access"),
            refresh_token: Some(Secret::new("Canary-Refresh")),
            expires_at: Some(1),
        };
        save(&s, "k", &t).unwrap();
        assert_eq!(load(&s, "k").unwrap().unwrap(), t);
        assert_eq!(
            load(&s, "k").unwrap().unwrap().access().expose(),
            "Canary-Access"
        );
        assert!(!format!("{t:?}").contains("Canary"));
    }
}
