//! Thunderbird autoconfig (`config-v1.1.xml`, `clientConfig version="1.1"`) for the customer's
//! own domain: one file every user of the domain shares, so the username is a placeholder
//! (`%EMAILADDRESS%`, `%EMAILLOCALPART%`); only SSL and STARTTLS are offered.

use super::{Endpoint, Login, Target, Tls};

/// Where clients look for the file of `domain`, in the order Thunderbird asks.
pub fn publication_urls(domain: &str) -> [String; 2] {
    [
        format!("https://autoconfig.{domain}/mail/config-v1.1.xml"),
        format!("https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml"),
    ]
}

/// The file and whether the account's username fits a placeholder (else every user of the
/// domain has to correct the username on the device: a warning for the UI).
pub struct Autoconfig {
    pub xml: String,
    pub username_placeholder: bool,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn placeholder(t: &Target, username: &str) -> Option<&'static str> {
    let local = t.email.rsplit_once('@').map(|(l, _)| l).unwrap_or("");
    if username.eq_ignore_ascii_case(&t.email) {
        Some("%EMAILADDRESS%")
    } else if username == local {
        Some("%EMAILLOCALPART%")
    } else {
        None
    }
}

fn server(out: &mut String, tag: &str, kind: &str, t: &Target, e: &Endpoint) -> bool {
    let socket = match e.tls {
        Tls::Implicit => "SSL",
        Tls::Starttls => "STARTTLS",
    };
    let auth = match e.login {
        Login::None => "none",
        Login::Password => "password-cleartext",
        Login::CramMd5 => "password-encrypted",
        Login::Ntlm => "NTLM",
        Login::Oauth2 => "OAuth2",
    };
    let ph = placeholder(t, &e.username);
    out.push_str(&format!(
        "    <{tag} type=\"{kind}\">\n      <hostname>{}</hostname>\n      <port>{}</port>\n      \
         <socketType>{socket}</socketType>\n      <authentication>{auth}</authentication>\n",
        esc(&e.host),
        e.port
    ));
    if e.login != Login::None {
        out.push_str(&format!(
            "      <username>{}</username>\n",
            ph.unwrap_or("%EMAILADDRESS%")
        ));
    }
    out.push_str(&format!("    </{tag}>\n"));
    e.login == Login::None || ph.is_some()
}

/// The autoconfig file for the domain of `t`'s address, named `display` in clients.
pub fn build(t: &Target, display: &str) -> Autoconfig {
    let domain = esc(&t.domain());
    let display = esc(display);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n  \
         <emailProvider id=\"{domain}\">\n    <domain>{domain}</domain>\n    \
         <displayName>{display}</displayName>\n    <displayShortName>{display}</displayShortName>\n"
    );
    let kind = if t.pop3 { "pop3" } else { "imap" };
    let a = server(&mut xml, "incomingServer", kind, t, &t.incoming);
    let b = server(&mut xml, "outgoingServer", "smtp", t, &t.outgoing);
    xml.push_str("  </emailProvider>\n</clientConfig>\n");
    Autoconfig {
        xml,
        username_placeholder: a && b,
    }
}

/// Whether `body` (what a URL answered) is an autoconfig file naming `host` as incoming server.
pub fn publishes(body: &str, host: &str) -> bool {
    body.contains("<clientConfig")
        && body.contains("<incomingServer")
        && body.contains(&format!("<hostname>{}</hostname>", esc(host)))
}
