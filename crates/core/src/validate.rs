//! Field checks shared by every entity: text limits, control characters, host names
//! (IDN, IPv4/IPv6 literals), `host:port` input, certificate fingerprints.

use crate::diag::FieldCode;
use crate::error::FieldIssue;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Collects the problems of one input so that all of them are reported at once.
#[derive(Debug, Default)]
pub struct Issues(pub Vec<FieldIssue>);

impl Issues {
    pub fn push(&mut self, issue: FieldIssue) {
        // One message per field is enough; the first problem found is the one to fix.
        if !self.0.iter().any(|i| i.field == issue.field) {
            self.0.push(issue);
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|i| i.field == field)
    }

    /// A new secret: not empty, at most 1024 characters, no control characters.
    pub fn secret(&mut self, field: &'static str, update: &crate::sensitive::SecretUpdate) {
        const MAX: usize = crate::kinds::PASSWORD_MAX;
        if let crate::sensitive::SecretUpdate::Set(v) = update {
            if v.is_empty() {
                self.push(FieldIssue::new(field, FieldCode::Required));
            } else if v.expose().chars().count() > MAX {
                self.push(FieldIssue::new(field, FieldCode::TooLong).arg("max", MAX.to_string()));
            } else if v.expose().chars().any(char::is_control) {
                self.push(FieldIssue::new(field, FieldCode::ControlChars));
            }
        }
    }

    /// `host`, `host:port` or `[v6]:port` and the port field: returns the host, the port
    /// (typed, attached to the host, or `derived`) and whether it was set by hand.
    /// `required` is false for a disabled server, which may be stored without a host.
    pub fn endpoint(
        &mut self,
        raw_host: &str,
        port: Option<i64>,
        derived: u16,
        required: bool,
    ) -> (String, u16, bool) {
        const MAX: usize = 255;
        let raw = raw_host.trim();
        let (host, host_port) = if raw.chars().any(|c| c.is_control()) {
            (raw.to_string(), None)
        } else {
            split_host_port(raw)
        };
        if raw.chars().count() > MAX {
            self.push(FieldIssue::new("host", FieldCode::TooLong).arg("max", MAX.to_string()));
        } else if host.chars().any(|c| c.is_control()) {
            self.push(FieldIssue::new("host", FieldCode::ControlChars));
        } else if host.is_empty() {
            if required {
                self.push(FieldIssue::new("host", FieldCode::Required));
            }
        } else if let Some(reason) = host_problem(&host) {
            self.push(FieldIssue::new("host", FieldCode::HostInvalid).arg("reason", reason));
        }
        let mut port = port;
        if let Some(hp) = host_port {
            match hp.parse::<i64>() {
                Ok(p) if port.is_none() || port == Some(p) => port = Some(p),
                Ok(p) => self.push(
                    FieldIssue::new("host", FieldCode::HostPortMismatch)
                        .arg("host_port", p.to_string())
                        .arg("port", port.unwrap_or_default().to_string()),
                ),
                Err(_) => self.push(
                    FieldIssue::new("host", FieldCode::HostInvalid)
                        .arg("reason", format!("port '{hp}'")),
                ),
            }
        }
        match port {
            None => (host, derived, false),
            Some(p) if (1..=65535).contains(&p) => (host, p as u16, true),
            Some(_) => {
                self.push(FieldIssue::new("port", FieldCode::PortRange));
                (host, derived, true)
            }
        }
    }

    pub fn timeout(&mut self, secs: i64) {
        if !(1..=600).contains(&secs) {
            self.push(FieldIssue::new("timeout_secs", FieldCode::TimeoutRange));
        }
    }

    /// The TLS options of a server: verification off needs confirmation (when `strict`),
    /// the alternative name is a host name (wildcard allowed), the pin a SHA-256
    /// fingerprint. Returns the normalized alternative name and pin.
    pub fn tls(
        &mut self,
        verify: bool,
        confirmed: bool,
        alt_name: &str,
        pin: &str,
        strict: bool,
    ) -> (String, String) {
        if strict && !verify && !confirmed {
            self.push(FieldIssue::new("tls_verify", FieldCode::ConfirmInsecure));
        }
        let alt = alt_name.trim().to_string();
        self.text("tls_alt_name", &alt, 255, false);
        if !alt.is_empty() && !self.has("tls_alt_name") {
            let bare = alt.strip_prefix("*.").unwrap_or(&alt);
            if let Some(reason) = host_problem(bare) {
                self.push(
                    FieldIssue::new("tls_alt_name", FieldCode::HostInvalid).arg("reason", reason),
                );
            } else if bare.len() < alt.len() && is_public_suffix(bare) {
                // `*.com` or `*.co.uk` would accept any certificate of that whole zone.
                self.push(
                    FieldIssue::new("tls_alt_name", FieldCode::WildcardPublicSuffix)
                        .arg("suffix", bare.to_string()),
                );
            }
        }
        let pin = if pin.trim().is_empty() {
            String::new()
        } else {
            normalize_fingerprint(pin.trim()).unwrap_or_else(|| {
                self.push(FieldIssue::new(
                    "tls_pin_sha256",
                    FieldCode::FingerprintInvalid,
                ));
                String::new()
            })
        };
        (alt, pin)
    }

    /// A free-text field: trimmed by the caller, at most `max` characters, no control chars.
    pub fn text(&mut self, field: &'static str, value: &str, max: usize, required: bool) {
        if required && value.trim().is_empty() {
            self.push(FieldIssue::new(field, FieldCode::Required));
        } else if value.chars().count() > max {
            self.push(FieldIssue::new(field, FieldCode::TooLong).arg("max", max.to_string()));
        } else if value.chars().any(char::is_control) {
            self.push(FieldIssue::new(field, FieldCode::ControlChars));
        }
    }
}

/// Splits `host:port` and `[v6]:port`; a bare IPv6 literal has no port.
pub fn split_host_port(input: &str) -> (String, Option<String>) {
    let s = input.trim();
    if let Some(rest) = s.strip_prefix('[') {
        if let Some((h, tail)) = rest.split_once(']') {
            if let Some(p) = tail.strip_prefix(':') {
                return (h.to_string(), Some(p.to_string()));
            }
            if tail.is_empty() {
                return (h.to_string(), None);
            }
        }
        return (s.to_string(), None);
    }
    if s.matches(':').count() == 1 {
        let (h, p) = s.split_once(':').unwrap();
        return (h.to_string(), Some(p.to_string()));
    }
    (s.to_string(), None)
}

/// Checks a host as entered (IDN allowed, stored as entered) and returns why it is not valid.
pub fn host_problem(host: &str) -> Option<String> {
    if host.is_empty() {
        return Some("empty".into());
    }
    if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("contains spaces or line breaks".into());
    }
    if host.parse::<Ipv4Addr>().is_ok() || host.parse::<Ipv6Addr>().is_ok() {
        return None;
    }
    if host.contains(':') {
        return Some("contains ':' (IPv6 literal invalid, or a port in the wrong place)".into());
    }
    // All-numeric dotted names that are not valid IPv4 (e.g. 300.1.1.1) are typos.
    if host
        .split('.')
        .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()))
    {
        return Some("not a valid IPv4 address".into());
    }
    let ascii = match to_ascii_host(host) {
        Ok(a) => a,
        Err(e) => return Some(e),
    };
    let name = ascii.strip_suffix('.').unwrap_or(&ascii);
    if name.len() > 253 {
        return Some("longer than 253 characters".into());
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Some("empty label (two dots in a row?)".into());
        }
        if label.len() > 63 {
            return Some(format!("label '{label}' longer than 63 characters"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!("label '{label}' starts or ends with '-'"));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Some(format!("character '{c}' is not allowed"));
        }
    }
    None
}

/// The punycode (A-label) form of a host, as it is resolved and tested.
pub fn to_ascii_host(host: &str) -> Result<String, String> {
    idna::domain_to_ascii(host).map_err(|_| "not a valid international domain name".to_string())
}

/// Checks an e-mail address: RFC 5322 addr-spec (dot-atom or quoted local part), the
/// domain a host name (IDN allowed) or a bracketed IP literal.
pub fn email_problem(addr: &str) -> Option<String> {
    if addr.chars().any(|c| c.is_control()) {
        return Some("contains line breaks or control characters".into());
    }
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return Some("missing '@'".into());
    };
    if local.is_empty() {
        return Some("nothing before '@'".into());
    }
    if local.len() > 64 {
        return Some("more than 64 characters before '@'".into());
    }
    if local.len() >= 2 && local.starts_with('"') && local.ends_with('"') {
        let inner = &local[1..local.len() - 1];
        let mut escaped = false;
        for c in inner.chars() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' || !c.is_ascii() {
                return Some("invalid quoted local part".into());
            }
        }
        if escaped {
            return Some("invalid quoted local part".into());
        }
    } else {
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Some("dots at the start, end or twice in a row before '@'".into());
        }
        if let Some(c) = local
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(*c)))
        {
            return Some(if c == ' ' {
                "contains spaces".to_string()
            } else if c.is_ascii() {
                format!("character '{c}' is not allowed before '@'")
            } else {
                format!("'{c}' is only allowed in the domain part, not before '@'")
            });
        }
    }
    if domain.is_empty() {
        return Some("nothing after '@'".into());
    }
    if let Some(lit) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        let ip = lit.strip_prefix("IPv6:").unwrap_or(lit);
        return if ip.parse::<std::net::IpAddr>().is_ok() {
            None
        } else {
            Some("invalid address literal after '@'".into())
        };
    }
    if domain.parse::<std::net::IpAddr>().is_ok() {
        return Some(format!(
            "an IP address after '@' must be written [{domain}]"
        ));
    }
    host_problem(domain).map(|r| format!("domain: {r}"))
}

/// Accepts `AB:CD:…`, `abcd…` or with spaces; returns the canonical `AB:CD:…` form.
pub fn normalize_fingerprint(input: &str) -> Option<String> {
    let hex: String = input
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .collect();
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let up = hex.to_ascii_uppercase();
    Some(
        up.as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(":"),
    )
}

/// Whether `name` is itself a public suffix (`com`, `co.uk`, an unknown single label): it
/// has no registrable domain of its own in the Public Suffix List.
pub fn is_public_suffix(name: &str) -> bool {
    let name = name.trim_end_matches('.');
    let ascii = to_ascii_host(name).unwrap_or_else(|_| name.to_string());
    psl::domain(ascii.to_ascii_lowercase().as_bytes()).is_none()
}

/// Why `text` is not a DNS server as `IP[:PORT]` (empty is fine: the system's resolver).
pub fn dns_server_problem(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty()
        || t.trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok()
    {
        return None;
    }
    match t.parse::<std::net::SocketAddr>() {
        Ok(a) if a.port() != 0 => None,
        Ok(_) => Some("port 0".into()),
        Err(_) => Some(format!("{t:?} is not an IP address with an optional port")),
    }
}

/// Whether `url` is an absolute http(s) URL; plain http only towards this machine.
pub fn url_problem(url: &str) -> Option<FieldCode> {
    let Ok(u) = url::Url::parse(url) else {
        return Some(FieldCode::UrlInvalid);
    };
    match u.scheme() {
        "https" => u.host_str().map_or(Some(FieldCode::UrlInvalid), |_| None),
        "http" => match u.host() {
            Some(url::Host::Ipv4(a)) if a.is_loopback() => None,
            Some(url::Host::Ipv6(a)) if a.is_loopback() => None,
            Some(url::Host::Domain("localhost")) => None,
            Some(_) => Some(FieldCode::HttpsRequired),
            None => Some(FieldCode::UrlInvalid),
        },
        _ => Some(FieldCode::UrlInvalid),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_wildcard_over_a_public_suffix_is_refused() {
        for bad in ["*.com", "*.co.uk", "*.de", "*.github.io"] {
            let mut i = Issues::default();
            i.tls(true, false, bad, "", true);
            assert_eq!(i.0.len(), 1, "{bad}");
            assert_eq!(i.0[0].code, FieldCode::WildcardPublicSuffix, "{bad}");
        }
        for good in [
            "*.example.com",
            "*.firma.co.uk",
            "mail.example.com",
            "*.xn--mller-kva.de",
        ] {
            let mut i = Issues::default();
            i.tls(true, false, good, "", true);
            assert!(i.is_empty(), "{good}: {:?}", i.0);
        }
    }

    use super::*;

    #[test]
    fn hosts_that_are_valid() {
        for h in [
            "imap.example.com",
            "mail.müller-bau.de",
            "127.0.0.1",
            "::1",
            "2001:db8::25",
            "localhost",
            "imap.example.com.",
            "xn--mller-kva.de",
        ] {
            assert_eq!(host_problem(h), None, "{h}");
        }
    }

    #[test]
    fn hosts_that_are_refused() {
        for h in [
            "",
            "imap example.com",
            "imap.example.com\r\nRCPT TO:<x>",
            "imap..example.com",
            "-bad.example.com",
            "bad_.example.com",
            "300.1.1.1",
            "a:b:c",
            &"a".repeat(64),
            &format!("{}.de", "a.".repeat(130)),
        ] {
            assert!(host_problem(h).is_some(), "{h:?} should be refused");
        }
    }

    #[test]
    fn host_port_input_is_split() {
        assert_eq!(
            split_host_port("mail.example.com:587"),
            ("mail.example.com".into(), Some("587".into()))
        );
        assert_eq!(
            split_host_port("[2001:db8::1]:993"),
            ("2001:db8::1".into(), Some("993".into()))
        );
        assert_eq!(split_host_port("2001:db8::1"), ("2001:db8::1".into(), None));
        assert_eq!(
            split_host_port("imap.example.com"),
            ("imap.example.com".into(), None)
        );
    }

    #[test]
    fn idn_is_tested_as_punycode() {
        assert_eq!(
            to_ascii_host("mail.müller.de").unwrap(),
            "mail.xn--mller-kva.de"
        );
    }

    #[test]
    fn addresses() {
        for ok in [
            "info@example.com",
            "max.mustermann@müller-bau.de",
            "a+tag@example.com",
            "\"john doe\"@example.com",
            "postmaster@[127.0.0.1]",
            "x@localhost",
        ] {
            assert_eq!(email_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "info",
            "@example.com",
            "info@",
            "a..b@example.com",
            ".a@example.com",
            "jörg@example.com",
            "a b@example.com",
            "a@exa mple.com",
            "a@example.com\r\nBcc: x@evil.example",
            "a@127.0.0.1",
            "a@-x.example",
            &format!("{}@example.com", "a".repeat(65)),
        ] {
            assert!(email_problem(bad).is_some(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn fingerprints_are_normalized() {
        let raw = "ab".repeat(32);
        let n = normalize_fingerprint(&raw).unwrap();
        assert_eq!(n.len(), 95);
        assert!(n.starts_with("AB:AB:"));
        assert_eq!(normalize_fingerprint(&n), Some(n.clone()));
        assert_eq!(normalize_fingerprint("abc"), None);
        assert_eq!(normalize_fingerprint(&"zz".repeat(32)), None);
    }
}
