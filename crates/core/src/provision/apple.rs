//! The Apple configuration profile (`.mobileconfig`): a `Configuration` with one
//! `com.apple.mail.managed` payload (IMAP/POP), or `com.apple.eas.account` with OAuth for
//! Microsoft 365. Keys per github.com/apple/device-management `mdm/profiles/`.

use super::{refuse, Login, Target, Tls};
use crate::diag::FieldCode;
use crate::error::Result;
use plist::{Dictionary, Value};

/// Exchange Online's ActiveSync host: iOS signs in there with OAuth (iOS 12+).
pub const M365_EAS_HOST: &str = "outlook.office365.com";

/// The stable PayloadIdentifier of an account's profile: installing a new export replaces the
/// old profile on the device instead of adding a second account.
pub fn identifier(email: &str) -> String {
    let safe: String = email
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("de.mailbox-admin.mobile.{safe}")
}

/// The profile as XML property list. The password goes in only when `target.password` is
/// set (the caller asked for it); Microsoft 365 never carries one (OAuth).
pub fn profile(target: &Target, organization: &str) -> Result<Vec<u8>> {
    let id = identifier(&target.email);
    let payload = if target.microsoft365 {
        exchange(target, &id)
    } else {
        if target.uses_oauth() {
            return Err(refuse(
                "format",
                FieldCode::FormatNoOauth,
                "Apple Mail (IMAP/POP)",
            ));
        }
        mail(target, &id)
    };
    let mut top = Dictionary::new();
    top.insert("PayloadType".into(), "Configuration".into());
    top.insert("PayloadVersion".into(), Value::Integer(1.into()));
    top.insert("PayloadIdentifier".into(), id.as_str().into());
    top.insert("PayloadUUID".into(), super::new_uuid().into());
    top.insert(
        "PayloadDisplayName".into(),
        format!("E-Mail {}", target.email).into(),
    );
    top.insert(
        "PayloadDescription".into(),
        format!("{} ({})", target.account_name, target.email).into(),
    );
    top.insert("PayloadOrganization".into(), organization.into());
    top.insert("PayloadRemovalDisallowed".into(), false.into());
    top.insert(
        "PayloadContent".into(),
        Value::Array(vec![Value::Dictionary(payload)]),
    );
    let mut out = Vec::new();
    plist::to_writer_xml(&mut out, &Value::Dictionary(top))
        .map_err(|e| crate::error::Error::Io(std::io::Error::other(format!("plist: {e}"))))?;
    Ok(out)
}

fn header(d: &mut Dictionary, kind: &str, id: &str, name: &str) {
    d.insert("PayloadType".into(), kind.into());
    d.insert("PayloadVersion".into(), Value::Integer(1.into()));
    d.insert("PayloadIdentifier".into(), format!("{id}.mail").into());
    d.insert("PayloadUUID".into(), super::new_uuid().into());
    d.insert("PayloadDisplayName".into(), name.into());
}

fn auth(l: Login) -> &'static str {
    match l {
        Login::None => "EmailAuthNone",
        Login::Password | Login::Oauth2 => "EmailAuthPassword",
        Login::CramMd5 => "EmailAuthCRAMMD5",
        Login::Ntlm => "EmailAuthNTLM",
    }
}

fn mail(t: &Target, id: &str) -> Dictionary {
    let mut d = Dictionary::new();
    header(&mut d, "com.apple.mail.managed", id, &t.account_name);
    let kind = if t.pop3 {
        "EmailTypePOP"
    } else {
        "EmailTypeIMAP"
    };
    d.insert("EmailAccountType".into(), kind.into());
    d.insert("EmailAccountName".into(), t.sender_name.as_str().into());
    d.insert(
        "EmailAccountDescription".into(),
        t.account_name.as_str().into(),
    );
    d.insert("EmailAddress".into(), t.email.as_str().into());
    for (side, e) in [("Incoming", &t.incoming), ("Outgoing", &t.outgoing)] {
        let k = |s: &str| format!("{side}MailServer{s}");
        d.insert(k("HostName"), e.host.as_str().into());
        d.insert(k("PortNumber"), Value::Integer(e.port.into()));
        // iOS speaks STARTTLS on a non-TLS port when UseSSL is set; plaintext is refused.
        d.insert(
            k("UseSSL"),
            matches!(e.tls, Tls::Implicit | Tls::Starttls).into(),
        );
        d.insert(k("Authentication"), auth(e.login).into());
        if e.login != Login::None {
            d.insert(k("Username"), e.username.as_str().into());
        }
    }
    d.insert(
        "OutgoingPasswordSameAsIncomingPassword".into(),
        t.same_login().into(),
    );
    if let Some(pw) = &t.password {
        d.insert("IncomingPassword".into(), pw.expose().as_str().into());
        if !t.same_login() {
            if let Some(opw) = &t.outgoing_password {
                d.insert("OutgoingPassword".into(), opw.expose().as_str().into());
            }
        }
    }
    d
}

fn exchange(t: &Target, id: &str) -> Dictionary {
    let mut d = Dictionary::new();
    header(&mut d, "com.apple.eas.account", id, &t.account_name);
    d.insert("EmailAddress".into(), t.email.as_str().into());
    d.insert("UserName".into(), t.incoming.username.as_str().into());
    d.insert("Host".into(), M365_EAS_HOST.into());
    d.insert("SSL".into(), true.into());
    d.insert("OAuth".into(), true.into());
    d.insert(
        "PayloadDescription".into(),
        "Microsoft 365 / Exchange Online".into(),
    );
    d
}
