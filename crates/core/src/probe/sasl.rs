//! SASL mechanisms the probe speaks (PLAIN, LOGIN, CRAM-MD5) behind one small trait, so the
//! OAuth mechanisms (XOAUTH2, OAUTHBEARER) can be added without touching the protocols.

use base64::Engine;
use hmac::{Hmac, Mac};

pub(crate) fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

pub(crate) fn unb64(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim().as_bytes())
        .ok()
}

/// One SASL exchange from the client's side. Responses are base64 and secret.
pub(crate) trait Authenticator: Send {
    /// The mechanism name as sent in AUTH / AUTHENTICATE.
    fn mechanism(&self) -> &'static str;
    /// The initial response (RFC 4954 / 4959 / 5034), if the mechanism has one.
    fn initial_response(&mut self) -> Option<String>;
    /// The answer to a (decoded) server challenge.
    fn respond(&mut self, challenge: &[u8]) -> Result<String, String>;
}

pub(crate) struct Plain {
    pub user: String,
    pub password: String,
}

impl Authenticator for Plain {
    fn mechanism(&self) -> &'static str {
        "PLAIN"
    }
    fn initial_response(&mut self) -> Option<String> {
        Some(b64(format!("\0{}\0{}", self.user, self.password).as_bytes()))
    }
    fn respond(&mut self, _: &[u8]) -> Result<String, String> {
        Ok(self.initial_response().unwrap_or_default())
    }
}

pub(crate) struct Login {
    pub user: String,
    pub password: String,
    pub sent_user: bool,
}

impl Authenticator for Login {
    fn mechanism(&self) -> &'static str {
        "LOGIN"
    }
    fn initial_response(&mut self) -> Option<String> {
        None
    }
    fn respond(&mut self, _challenge: &[u8]) -> Result<String, String> {
        // The prompts ("Username:", "Password:") vary by server; the order does not.
        if !self.sent_user {
            self.sent_user = true;
            Ok(b64(self.user.as_bytes()))
        } else {
            Ok(b64(self.password.as_bytes()))
        }
    }
}

pub(crate) struct CramMd5 {
    pub user: String,
    pub password: String,
}

/// RFC 2195: `user SP hex(HMAC-MD5(password, challenge))`.
pub(crate) fn cram_md5_response(user: &str, password: &str, challenge: &[u8]) -> String {
    let mut mac = Hmac::<md5::Md5>::new_from_slice(password.as_bytes()).expect("any key length");
    mac.update(challenge);
    let digest: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{user} {digest}")
}

impl Authenticator for CramMd5 {
    fn mechanism(&self) -> &'static str {
        "CRAM-MD5"
    }
    fn initial_response(&mut self) -> Option<String> {
        None
    }
    fn respond(&mut self, challenge: &[u8]) -> Result<String, String> {
        if challenge.is_empty() {
            return Err("the server sent an empty CRAM-MD5 challenge".into());
        }
        Ok(b64(cram_md5_response(
            &self.user,
            &self.password,
            challenge,
        )
        .as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cram_md5_matches_rfc_2195() {
        assert_eq!(
            cram_md5_response(
                "tim",
                "tanstaaftanstaaf",
                b"<1896.697170952@postoffice.reston.mci.net>"
            ),
            "tim b913a602c7eda7a495b4e6e7334d3890"
        );
    }

    #[test]
    fn plain_and_login_encode_as_expected() {
        let mut p = Plain {
            user: "alice".into(),
            password: "secret".into(),
        };
        assert_eq!(p.initial_response().unwrap(), b64(b"\0alice\0secret"));
        let mut l = Login {
            user: "alice".into(),
            password: "secret".into(),
            sent_user: false,
        };
        assert_eq!(l.respond(b"Username:").unwrap(), b64(b"alice"));
        assert_eq!(l.respond(b"Password:").unwrap(), b64(b"secret"));
    }
}
