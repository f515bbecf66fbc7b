//! The domain check as an operation: validates what was typed, finds the outgoing server
//! whose addresses SPF must allow (named, the sender's account's, or the default) and runs
//! `crate::domain::check` on the DNS server in force.

use super::App;
use crate::diag::FieldCode;
use crate::dns::{Dns, DnsServer, DEFAULT_QUERY_TIMEOUT, DNS_ENV};
use crate::domain::{self, DomainCheck, DomainReport, OutgoingHost};
use crate::error::{Error, FieldIssue, Result};
use crate::model::{OutgoingKind, OutgoingServer, M365_SMTP_HOST};
use crate::validate::{email_problem, host_problem, to_ascii_host};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// DKIM selectors asked at most besides the common ones (they are asked side by side).
const MAX_SELECTORS: usize = 20;

/// What the administrator asks to check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct DomainCheckInput {
    /// The mail domain (`firma.de`; an IDN as typed). An address `info@firma.de` is taken
    /// as its domain.
    pub domain: String,
    /// The envelope sender SPF is evaluated for; empty: `postmaster@<domain>`. Also picks
    /// the outgoing server of the account with this address.
    pub sender: String,
    /// The outgoing server (its name) whose addresses SPF must allow; empty: the sender's
    /// account's, else the one with this sender address, else the default.
    pub outgoing: String,
    /// DKIM selectors to look for besides the common ones.
    pub dkim_selectors: Vec<String>,
    /// `IP[:PORT]` of the DNS server to ask; empty: `MAILBOX_ADMIN_DNS`, else the system's.
    pub dns_server: String,
}

impl App {
    /// Checks a mail domain's records (MX, SPF, DMARC, DKIM, MTA-STS, TLS-RPT, autoconfig,
    /// SRV). Bad input is a field error; findings are in the report.
    pub async fn check_domain(&self, input: &DomainCheckInput) -> Result<DomainReport> {
        let (req, server) = self.domain_request(input)?;
        let dns = Dns::new(server, DEFAULT_QUERY_TIMEOUT).map_err(|e| {
            Error::Validation(vec![
                FieldIssue::new("dns_server", FieldCode::HostInvalid).arg("reason", e.to_string())
            ])
        })?;
        Ok(domain::check(&req, &dns).await)
    }

    fn domain_request(&self, input: &DomainCheckInput) -> Result<(DomainCheck, DnsServer)> {
        let mut issues = Vec::new();
        let typed = input.domain.trim();
        let typed = typed.rsplit_once('@').map_or(typed, |(_, d)| d);
        let typed = typed.strip_suffix('.').unwrap_or(typed).to_string();
        let mut ascii = String::new();
        if typed.is_empty() {
            issues.push(FieldIssue::new("domain", FieldCode::Required));
        } else if let Some(reason) = domain_problem(&typed) {
            issues.push(FieldIssue::new("domain", FieldCode::DomainInvalid).arg("reason", reason));
        } else {
            ascii = to_ascii_host(&typed)
                .unwrap_or_default()
                .to_ascii_lowercase();
        }
        let sender = input.sender.trim();
        if let Some(reason) = (!sender.is_empty())
            .then(|| email_problem(sender))
            .flatten()
        {
            issues.push(FieldIssue::new("sender", FieldCode::EmailInvalid).arg("reason", reason));
        }
        let mut selectors = Vec::new();
        if input.dkim_selectors.len() > MAX_SELECTORS {
            issues.push(
                FieldIssue::new("dkim_selectors", FieldCode::DomainInvalid)
                    .arg("reason", format!("at most {MAX_SELECTORS} selectors")),
            );
        }
        for s in input.dkim_selectors.iter().take(MAX_SELECTORS) {
            let s = s.trim();
            let ok = !s.is_empty()
                && s.len() <= 63
                && s.split('.').all(|l| {
                    !l.is_empty()
                        && l.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                });
            if ok {
                selectors.push(s.to_string());
            } else {
                issues.push(
                    FieldIssue::new("dkim_selectors", FieldCode::DomainInvalid).arg(
                        "reason",
                        format!("selector {s:?}: letters, digits, '-', '_' and '.' only"),
                    ),
                );
            }
        }
        let env = std::env::var(DNS_ENV).ok();
        // The same order as detection: the request's, the environment's, the general setting.
        let setting = self
            .get_settings()
            .map(|s| s.dns_server)
            .unwrap_or_default();
        let server = match DnsServer::choose(Some(&input.dns_server), env.as_deref(), &setting) {
            Ok(s) => s,
            Err(reason) => {
                issues.push(
                    FieldIssue::new("dns_server", FieldCode::HostInvalid).arg("reason", reason),
                );
                DnsServer::System
            }
        };
        let outgoing = match self.domain_outgoing(input.outgoing.trim(), sender) {
            Ok(o) => o,
            Err(issue) => {
                issues.push(issue);
                None
            }
        };
        if !issues.is_empty() {
            return Err(Error::Validation(issues));
        }
        let sender = if sender.is_empty() {
            format!("postmaster@{ascii}")
        } else {
            sender.to_string()
        };
        let req = DomainCheck {
            domain: typed,
            ascii_domain: ascii,
            sender,
            outgoing,
            dkim_selectors: selectors,
            extra_roots: self.extra_roots.clone(),
            http_timeout: domain::HTTP_TIMEOUT,
            lang: self.lang(),
        };
        Ok((req, server))
    }

    /// The outgoing server SPF must allow: the named one, the sender's account's, the one
    /// with this sender address, the installation default; `None` when there is none.
    fn domain_outgoing(
        &self,
        name: &str,
        sender: &str,
    ) -> std::result::Result<Option<OutgoingHost>, FieldIssue> {
        let internal = |e: Error| {
            FieldIssue::new("outgoing", FieldCode::OutgoingUnknown).arg("name", e.to_string())
        };
        let all = self.list_outgoing("").map_err(internal)?;
        let host = |s: &OutgoingServer| OutgoingHost {
            name: s.name.clone(),
            host: if s.kind == OutgoingKind::Microsoft365 && s.host.trim().is_empty() {
                M365_SMTP_HOST.to_string()
            } else {
                s.host.clone()
            },
        };
        if !name.is_empty() {
            return all
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(name))
                .map(|s| Some(host(s)))
                .ok_or_else(|| {
                    FieldIssue::new("outgoing", FieldCode::OutgoingUnknown).arg("name", name)
                });
        }
        if !sender.is_empty() {
            let accounts = self.list_accounts("").map_err(internal)?;
            if let Some(a) = accounts
                .iter()
                .find(|a| a.email.eq_ignore_ascii_case(sender))
            {
                let eff = self.effective_outgoing(a.id).map_err(internal)?;
                if let Some(s) = eff.server_id.and_then(|id| all.iter().find(|s| s.id == id)) {
                    return Ok(Some(host(s)));
                }
            }
            if let Some(s) = all
                .iter()
                .find(|s| s.enabled && s.sender_address.eq_ignore_ascii_case(sender))
            {
                return Ok(Some(host(s)));
            }
        }
        Ok(all.iter().find(|s| s.is_default).map(host))
    }
}

/// Why `typed` is not a domain name to check (IDN allowed), or `None`.
fn domain_problem(typed: &str) -> Option<String> {
    if typed.parse::<std::net::IpAddr>().is_ok() {
        return Some("an IP address, not a domain".into());
    }
    if let Some(p) = host_problem(typed) {
        return Some(p);
    }
    if !typed.contains('.') {
        return Some("a domain has at least two labels (firma.de)".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_names_with_a_dot() {
        assert!(domain_problem("firma.de").is_none());
        assert!(domain_problem("müller.de").is_none());
        assert!(domain_problem("192.0.2.1").is_some());
        assert!(domain_problem("localhost").is_some());
        assert!(domain_problem("firma de").is_some());
        assert!(domain_problem("-x.de").is_some());
    }
}
