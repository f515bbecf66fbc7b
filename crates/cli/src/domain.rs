//! `mbadmin domain check DOMAIN`: the check of a mail domain's DNS (MX, SPF and the outgoing
//! server, DMARC, DKIM, MTA-STS, TLS-RPT, autoconfig, SRV), printed step by step with the
//! diagnoses; exit code 1 when a check failed (warnings pass).

use crate::probe::{block_on, codes, kind_name, step_text};
use crate::Output;
use clap::Subcommand;
use mailbox_admin_core::app::domain::DomainCheckInput;
use mailbox_admin_core::domain::DomainReport;
use mailbox_admin_core::probe::CancellationToken;
use mailbox_admin_core::{ApiError, App, Lang};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum DomainCmd {
    /// Check a mail domain: MX, SPF (and whether it allows the outgoing server), DMARC,
    /// DKIM, MTA-STS, TLS-RPT, autoconfig and SRV records.
    Check {
        /// The domain (`firma.de`, an IDN as typed, or an address: its domain).
        domain: String,
        /// The envelope sender SPF is evaluated for (default postmaster@DOMAIN); also picks
        /// the outgoing server of the account with this address.
        #[arg(long, value_name = "ADDR")]
        sender: Option<String>,
        /// The outgoing server (by name) whose addresses SPF must allow (default: the
        /// sender's account's, else the default outgoing server).
        #[arg(long, value_name = "NAME")]
        outgoing: Option<String>,
        /// A DKIM selector to look for besides the common ones (repeatable).
        #[arg(long = "dkim-selector", value_name = "S")]
        dkim_selector: Vec<String>,
        /// Ask this DNS server (default: $MAILBOX_ADMIN_DNS, else the system's).
        #[arg(long, value_name = "IP[:PORT]")]
        dns_server: Option<String>,
        /// Also trust these CA certificates for the MTA-STS policy (PEM file; repeatable).
        #[arg(long, value_name = "PATH")]
        ca_file: Vec<PathBuf>,
    },
}

impl DomainCmd {
    pub(crate) fn ca_files(&self) -> Vec<PathBuf> {
        match self {
            DomainCmd::Check { ca_file, .. } => ca_file.clone(),
        }
    }
}

pub fn run(app: &App, cmd: DomainCmd, json: bool) -> Result<Output, ApiError> {
    let DomainCmd::Check {
        domain,
        sender,
        outgoing,
        dkim_selector,
        dns_server,
        ca_file: _,
    } = cmd;
    let input = DomainCheckInput {
        domain,
        sender: sender.unwrap_or_default(),
        outgoing: outgoing.unwrap_or_default(),
        dkim_selectors: dkim_selector,
        dns_server: dns_server.unwrap_or_default(),
    };
    let report = block_on(&CancellationToken::new(), app.check_domain(&input))?
        .map_err(|e| app.api_error(&e))?;
    let lang = app.lang();
    let human = if json {
        String::new()
    } else {
        render(lang, &report)
    };
    let mut out = Output::new(&report, human);
    out.failed = !report.ok;
    Ok(out)
}

/// The header, every step with its findings, and the verdict.
fn render(lang: Lang, r: &DomainReport) -> String {
    let mut s = if r.domain == r.ascii_domain {
        r.domain.clone()
    } else {
        format!("{} ({})", r.domain, r.ascii_domain)
    };
    let dns = if r.dns_server.is_empty() {
        match lang {
            Lang::De => "System-DNS".to_string(),
            Lang::En => "system DNS".to_string(),
        }
    } else {
        r.dns_server.clone()
    };
    s.push_str(&format!(" – DNS {dns}"));
    if let Some(o) = &r.outgoing {
        let label = match lang {
            Lang::De => "Postausgangsserver",
            Lang::En => "outgoing server",
        };
        s.push_str(&format!(", {label} {} ({})", o.name, o.host));
    }
    s.push('\n');
    for step in &r.steps {
        s.push_str(&step_text(
            lang,
            step.status,
            &kind_name(&step.kind),
            step.duration_ms,
            &step.summary,
            step.diagnosis.iter().chain(&step.more_diagnoses),
        ));
    }
    let (de, en) = if r.ok {
        ("bestanden", "passed")
    } else {
        ("Mängel gefunden", "problems found")
    };
    s.push_str(&format!(
        "{}: {} ({} ms)",
        r.domain,
        if lang == Lang::De { de } else { en },
        r.duration_ms
    ));
    if !r.codes.is_empty() {
        s.push_str(&format!(" – {}", codes(&r.codes)));
    }
    s
}
