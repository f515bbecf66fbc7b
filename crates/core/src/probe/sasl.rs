//! SASL mechanisms the probe speaks — PLAIN, LOGIN, CRAM-MD5, XOAUTH2 and OAUTHBEARER — behind
//! one small trait that IMAP, POP3 and SMTP share.
//! Own code on purpose: the responses are secrets the transcript must never show, and the
//! OAuth error challenge (JSON before the refusal) is what explains a refused token.

use crate::diag::{DiagnosisCode, EvidenceKey};
use crate::sensitive::Secret;
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
    /// What the server said about a refused login inside the exchange (OAuth mechanisms
    /// send a JSON error as a challenge before the final refusal).
    fn server_error(&self) -> Option<String> {
        None
    }
}

/// XOAUTH2 (Google/Microsoft) or OAUTHBEARER (RFC 7628) with a bearer token.
pub(crate) struct OauthToken {
    pub mech: &'static str,
    pub user: String,
    pub token: Secret,
    pub host: String,
    pub port: u16,
    pub error: Option<String>,
}

/// RFC 5801 saslname: `,` and `=` escaped in the authorization identity.
fn gs2_escape(s: &str) -> String {
    s.replace('=', "=3D").replace(',', "=2C")
}

impl Authenticator for OauthToken {
    fn mechanism(&self) -> &'static str {
        self.mech
    }
    fn initial_response(&mut self) -> Option<String> {
        let raw = if self.mech == "XOAUTH2" {
            format!(
                "user={}\x01auth=Bearer {}\x01\x01",
                self.user,
                self.token.expose()
            )
        } else {
            format!(
                "n,a={},\x01host={}\x01port={}\x01auth=Bearer {}\x01\x01",
                gs2_escape(&self.user),
                self.host,
                self.port,
                self.token.expose()
            )
        };
        Some(b64(raw.as_bytes()))
    }
    fn respond(&mut self, challenge: &[u8]) -> Result<String, String> {
        if challenge.is_empty() && self.error.is_none() {
            // No SASL-IR: the server asks for the initial response.
            return Ok(self.initial_response().unwrap_or_default());
        }
        // A JSON error (RFC 7628 §3.2.2); the client ends the exchange with an empty
        // response (XOAUTH2) or a single %x01 (OAUTHBEARER), and the server then refuses.
        self.error = Some(String::from_utf8_lossy(challenge).into_owned());
        Ok(if self.mech == "XOAUTH2" {
            String::new()
        } else {
            b64(b"\x01")
        })
    }
    fn server_error(&self) -> Option<String> {
        self.error.clone()
    }
}

/// The mechanism for an OAuth2 login: the account's choice, else OAUTHBEARER, else XOAUTH2.
pub(crate) fn oauth_mechanism(
    t: &super::ProbeTarget,
    offered: &[String],
) -> Result<&'static str, super::runner::Failure> {
    use crate::kinds::OauthMechanism;
    let has = |m: &str| offered.iter().any(|x| x.eq_ignore_ascii_case(m));
    let want = match t.oauth_mechanism {
        OauthMechanism::Xoauth2 => "XOAUTH2",
        OauthMechanism::Oauthbearer => "OAUTHBEARER",
        OauthMechanism::Auto if has("OAUTHBEARER") => "OAUTHBEARER",
        OauthMechanism::Auto => "XOAUTH2",
    };
    if !has(want) {
        return Err(
            super::runner::Failure::new(DiagnosisCode::AuthMechanismUnsupported)
                .with(EvidenceKey::Wanted, want)
                .with(EvidenceKey::Offered, offered.join(" ")),
        );
    }
    Ok(want)
}

/// The mechanism (see `oauth_mechanism`) and its authenticator for an OAuth2 login.
pub(crate) fn oauth_login(
    t: &super::ProbeTarget,
    offered: &[String],
    token: &str,
) -> Result<OauthToken, super::runner::Failure> {
    Ok(OauthToken {
        mech: oauth_mechanism(t, offered)?,
        user: t.user.clone(),
        token: Secret::new(token),
        host: t.host.clone(),
        port: t.port,
        error: None,
    })
}

/// A refused OAuth2 login (an `auth.failed` of the protocol's SASL exchange) explained
/// from the server's JSON error; other failures stay as they are.
pub(crate) fn oauth_failed(
    t: &super::ProbeTarget,
    auth: &OauthToken,
    f: super::runner::Failure,
) -> super::runner::Failure {
    if f.code != DiagnosisCode::AuthFailed {
        return f;
    }
    let said = f
        .evidence
        .iter()
        .find(|e| e.key == "server_said")
        .map(|e| e.value.clone())
        .unwrap_or_default();
    oauth_rejected(t, auth.server_error(), said)
}

/// Why the server refused the token: its JSON error says invalid or insufficient scope; a
/// token consented by someone else than the login user is named as such.
pub(crate) fn oauth_rejected(
    t: &super::ProbeTarget,
    error_json: Option<String>,
    server_said: String,
) -> super::runner::Failure {
    use super::runner::Failure;
    let v: serde_json::Value = error_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let status = v
        .get("status")
        .and_then(|s| s.as_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let subject = t.oauth_subject.trim();
    let mut f = if !subject.is_empty()
        && !subject.starts_with("app: ")
        && !subject.eq_ignore_ascii_case(t.user.trim())
    {
        Failure::new(DiagnosisCode::OauthWrongUser)
            .with(EvidenceKey::ConsentedAs, subject)
            .with(EvidenceKey::LoginUser, t.user.clone())
    } else if status == "insufficient_scope" || status == "403" {
        Failure::new(DiagnosisCode::OauthScopeMissing)
    } else {
        Failure::new(DiagnosisCode::OauthTokenInvalid)
    };
    if let Some(j) = error_json.filter(|j| !j.trim().is_empty()) {
        f = f.with(EvidenceKey::ServerError, j);
    }
    f.with(EvidenceKey::ServerSaid, server_said)
}

pub(crate) struct Plain {
    pub user: String,
    pub password: Secret,
}

impl Authenticator for Plain {
    fn mechanism(&self) -> &'static str {
        "PLAIN"
    }
    fn initial_response(&mut self) -> Option<String> {
        Some(b64(
            format!("\0{}\0{}", self.user, self.password.expose()).as_bytes()
        ))
    }
    fn respond(&mut self, _: &[u8]) -> Result<String, String> {
        Ok(self.initial_response().unwrap_or_default())
    }
}

pub(crate) struct Login {
    pub user: String,
    pub password: Secret,
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
            Ok(b64(self.password.expose().as_bytes()))
        }
    }
}

pub(crate) struct CramMd5 {
    pub user: String,
    pub password: Secret,
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
            self.password.expose(),
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
    fn oauth_mechanisms_encode_as_the_rfcs_say() {
        let mut x = OauthToken {
            mech: "XOAUTH2",
            user: "alice@example.test".into(),
            token: "tok".into(),
            host: "mail.example.test".into(),
            port: 993,
            error: None,
        };
        assert_eq!(
            unb64(&x.initial_response().unwrap()).unwrap(),
            b"user=alice@example.test\x01auth=Bearer tok\x01\x01"
        );
        // Without SASL-IR the empty challenge asks for the initial response.
        assert_eq!(x.respond(b"").unwrap(), x.initial_response().unwrap());
        assert_eq!(x.respond(br#"{"status":"401"}"#).unwrap(), "");
        assert_eq!(x.server_error().as_deref(), Some(r#"{"status":"401"}"#));
        let mut b = OauthToken {
            mech: "OAUTHBEARER",
            user: "a,b=c@x".into(),
            error: None,
            ..x
        };
        assert_eq!(
            unb64(&b.initial_response().unwrap()).unwrap(),
            b"n,a=a=2Cb=3Dc@x,\x01host=mail.example.test\x01port=993\x01auth=Bearer tok\x01\x01"
        );
        assert_eq!(
            b.respond(br#"{"status":"invalid_token"}"#).unwrap(),
            b64(b"\x01")
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
