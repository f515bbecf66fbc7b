//! `mbadmin cert|settings|template|export|import`.

use crate::common::stdin_secret;
use crate::crud::{
    list, lookup, remove, Accounts, Certificates, Cli, Outgoing, Servers, Templates,
};
use crate::crud::{set, Search};
use crate::{fmt, Output};
use base64::Engine;
use clap::{Args, Subcommand};
use mailbox_admin_core::app::transfer::{ExportOptions, ImportOptions, OnConflict};
use mailbox_admin_core::model::*;
use mailbox_admin_core::{ApiError, App};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CertCmd {
    #[command(alias = "ls")]
    List(Search),
    Show {
        name: String,
    },
    /// Import a PEM or PKCS#12 file; its passphrase goes to the keyring.
    #[command(alias = "add")]
    Import {
        file: PathBuf,
        #[arg(long)]
        name: String,
        #[arg(long)]
        passphrase_stdin: bool,
        /// Trust it as a root CA ("als Stammzertifizierungsstelle vertrauen").
        #[arg(long)]
        trust: bool,
        /// With --trust: only for connections to this host (repeatable; default: all).
        #[arg(long = "trust-host", requires = "trust")]
        trust_host: Vec<String>,
    },
    /// Trust a stored CA certificate as a root, for every connection (tests, OAuth) of the
    /// window and the CLI, or only for the servers named by --host.
    Trust {
        cert: String,
        /// Only for connections to this host (repeatable; default: all).
        #[arg(long)]
        host: Vec<String>,
    },
    /// Take back the trust of `cert trust`.
    Untrust {
        cert: String,
    },
    Rename {
        cert: String,
        new_name: String,
    },
    #[command(alias = "remove", alias = "delete")]
    Rm {
        cert: String,
    },
}

#[derive(Subcommand)]
pub enum SettingsCmd {
    Show,
    /// Change general settings; only the given options change.
    Set(SettingsSet),
}

#[derive(Args)]
pub struct SettingsSet {
    /// Automatic fetch every N minutes (0 = off).
    #[arg(long)]
    fetch_interval: Option<u32>,
    #[arg(long)]
    hide_mailbox: Option<bool>,
    #[arg(long)]
    show_outbox: Option<bool>,
    #[arg(long)]
    no_manual_fetch: Option<bool>,
    /// Users may download mail again (downloads already fetched mail once more).
    #[arg(long)]
    users_may_redownload: Option<bool>,
    /// Lock mail after sending (Revisionssicherheit).
    #[arg(long)]
    lock_after_send: Option<bool>,
    /// Detection: the overall time budget in seconds (1–60).
    #[arg(long, value_name = "SECS")]
    detect_budget: Option<u32>,
    /// The DNS server for detection and its tests (`IP[:PORT]`; empty: the system's).
    #[arg(long, value_name = "IP[:PORT]")]
    dns_server: Option<String>,
    /// The provider database (ISPDB format), e.g. a company mirror; empty: off.
    #[arg(long, value_name = "URL")]
    provider_db_url: Option<String>,
    /// Detection may ask autoconfig over plain HTTP (results unconfirmed).
    #[arg(long)]
    detect_allow_http: Option<bool>,
    /// Detection may send the address to the domain's own autoconfig server.
    #[arg(long)]
    detect_send_address: Option<bool>,
    /// Save only when the connection test passes: the window's forms and `add` test a new
    /// server or account first (as `add --test-first`) and save nothing when it fails.
    #[arg(long)]
    save_only_tested: Option<bool>,
}

#[derive(Subcommand)]
pub enum TemplateCmd {
    #[command(alias = "ls")]
    List(Search),
    Show {
        name: String,
    },
    /// Save an incoming server, outgoing server or account (by name) as a template.
    Save {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["incoming", "outgoing", "account"])]
        from_kind: String,
        #[arg(long)]
        from: String,
    },
    #[command(alias = "remove", alias = "delete")]
    Rm {
        name: String,
    },
    /// The built-in provider presets.
    Presets,
}

type R = Result<Output, ApiError>;

pub fn cert(app: &App, cmd: CertCmd) -> R {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    match cmd {
        CertCmd::List(Search { search }) => list::<Certificates>(
            app,
            &search,
            &[
                "name",
                "subject",
                "not_after",
                "days_left",
                "has_private_key",
                "trust_root",
            ],
        ),
        CertCmd::Show { name } => {
            let c = lookup::<Certificates>(app, &name)?;
            let mut human = fmt::record(&c);
            if c.expiry_warning {
                human.push_str(&format!("\nWARNING: expires in {} days", c.days_left));
            }
            Ok(Output::new(&c, human))
        }
        CertCmd::Import {
            file,
            name,
            passphrase_stdin,
            trust,
            trust_host,
        } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| ApiError::internal(format!("{}: {e}", file.display())))?;
            let input = CertImport {
                name,
                data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
                passphrase: if passphrase_stdin {
                    Some(stdin_secret()?.into())
                } else {
                    None
                },
                trust_root: trust,
                trust_hosts: trust_host,
            };
            Output::saved(app.import_certificate(&input).map_err(err)?, "imported")
        }
        CertCmd::Trust { cert, host } => {
            let cur = lookup::<Certificates>(app, &cert)?;
            let trust = CertTrust {
                trust_root: true,
                trust_hosts: host,
            };
            let c = app
                .set_certificate_trust(cur.id, cur.version, &trust)
                .map_err(err)?;
            let human = crate::fmt::trust_line(app.lang(), &c);
            Ok(Output::new(&c, human))
        }
        CertCmd::Untrust { cert } => {
            let cur = lookup::<Certificates>(app, &cert)?;
            let c = app
                .set_certificate_trust(cur.id, cur.version, &CertTrust::default())
                .map_err(err)?;
            let human = crate::fmt::trust_line(app.lang(), &c);
            Ok(Output::new(&c, human))
        }
        CertCmd::Rename { cert, new_name } => {
            let cur = lookup::<Certificates>(app, &cert)?;
            let c = app
                .rename_certificate(cur.id, cur.version, &new_name)
                .map_err(err)?;
            Ok(Output::new(&c, format!("renamed: {}", c.name)))
        }
        CertCmd::Rm { cert } => remove::<Certificates>(app, &lookup::<Certificates>(app, &cert)?),
    }
}

pub fn settings(app: &App, cmd: SettingsCmd) -> R {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    match cmd {
        SettingsCmd::Show => {
            let s = app.get_settings().map_err(err)?;
            Ok(Output::new(&s, fmt::record(&s)))
        }
        SettingsCmd::Set(a) => {
            let mut s = app.get_settings().map_err(err)?;
            set!(a => s; fetch_interval => fetch_interval_minutes, hide_mailbox => hide_mailbox,
                 show_outbox => show_outbox, no_manual_fetch => no_manual_fetch,
                 users_may_redownload => users_may_redownload, lock_after_send => lock_after_send,
                 detect_budget => detect_budget_secs, dns_server => dns_server,
                 provider_db_url => provider_db_url, detect_allow_http => detect_allow_http,
                 detect_send_address => detect_send_address,
                 save_only_tested => save_only_tested);
            let s = app.save_settings(&s).map_err(err)?;
            Ok(Output::new(&s, fmt::record(&s)))
        }
    }
}

pub fn template(app: &App, cmd: TemplateCmd) -> R {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    match cmd {
        TemplateCmd::List(Search { search }) => list::<Templates>(app, &search, &["name", "kind"]),
        TemplateCmd::Show { name } => {
            let t = lookup::<Templates>(app, &name)?;
            Ok(Output::new(&t, fmt::record(&t)))
        }
        TemplateCmd::Save {
            name,
            from_kind,
            from,
        } => {
            let (kind, data) = match from_kind.as_str() {
                "incoming" => (TemplateKind::Incoming, input_of::<Servers>(app, &from)?),
                "outgoing" => (TemplateKind::Outgoing, input_of::<Outgoing>(app, &from)?),
                _ => (TemplateKind::Account, input_of::<Accounts>(app, &from)?),
            };
            let t = app
                .create_template(&TemplateInput { name, kind, data })
                .map_err(err)?;
            Ok(Output::new(&t, format!("saved template: {}", t.name)))
        }
        TemplateCmd::Rm { name } => remove::<Templates>(app, &lookup::<Templates>(app, &name)?),
        TemplateCmd::Presets => {
            let p = app.presets();
            let mut human = String::new();
            for x in &p {
                human.push_str(&format!(
                    "{:<12} {:<32} IMAP {}:{}  SMTP {}:{}\n             {}\n",
                    x.id,
                    x.name,
                    x.imap.as_ref().map(|s| s.host.as_str()).unwrap_or("-"),
                    x.imap.as_ref().map(|s| s.port).unwrap_or(0),
                    x.smtp.host,
                    x.smtp.port,
                    x.hint_en
                ));
            }
            Ok(Output::new(&p, human))
        }
    }
}

/// A record's input as JSON, what a template keeps.
fn input_of<E: Cli>(app: &App, name: &str) -> Result<serde_json::Value, ApiError>
where
    E::Input: serde::Serialize,
{
    let input = E::Input::from(&E::find(app, name)?);
    serde_json::to_value(input).map_err(|e| ApiError::internal(e.to_string()))
}

pub fn export(app: &App, out: Option<PathBuf>, with_secrets: bool) -> R {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    let opts = ExportOptions {
        include_secrets: with_secrets,
        passphrase: if with_secrets {
            Some(stdin_secret()?.into())
        } else {
            None
        },
    };
    let doc = app.export_config(&opts).map_err(err)?;
    let text = serde_json::to_string_pretty(&doc).expect("json");
    match out {
        Some(p) => {
            mailbox_admin_core::paths::write_private(&p, format!("{text}\n").as_bytes())
                .map_err(|e| ApiError::internal(format!("{}: {e}", p.display())))?;
            let reenter = doc["secrets_to_reenter"]
                .as_array()
                .map(Vec::len)
                .unwrap_or(0);
            Ok(Output::new(
                &serde_json::json!({ "file": p, "secrets_to_reenter": doc["secrets_to_reenter"] }),
                format!(
                    "exported to {}{}",
                    p.display(),
                    if reenter > 0 {
                        format!(" ({reenter} secrets not included: to be re-entered after import)")
                    } else {
                        String::new()
                    }
                ),
            ))
        }
        None => Ok(Output {
            json: doc,
            human: text,
            warnings: Vec::new(),
            partial: false,
            failed: false,
        }),
    }
}

pub fn import(app: &App, file: PathBuf, skip_existing: bool, passphrase_stdin: bool) -> R {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    let text = std::fs::read_to_string(&file)
        .map_err(|e| ApiError::internal(format!("{}: {e}", file.display())))?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        app.api_error(&mailbox_admin_core::Error::Validation(vec![
            mailbox_admin_core::error::FieldIssue::new(
                "file",
                mailbox_admin_core::diag::FieldCode::InvalidJson,
            )
            .arg("reason", e.to_string()),
        ]))
    })?;
    let opts = ImportOptions {
        on_conflict: if skip_existing {
            OnConflict::Skip
        } else {
            OnConflict::Fail
        },
        passphrase: if passphrase_stdin {
            Some(stdin_secret()?.into())
        } else {
            None
        },
    };
    let report = app.import_config(&doc, &opts).map_err(err)?;
    let mut human = String::new();
    for (k, n) in &report.created {
        human.push_str(&format!("created {n} {k}\n"));
    }
    for s in &report.skipped {
        human.push_str(&format!("kept existing {s}\n"));
    }
    if report.secrets_restored > 0 {
        human.push_str(&format!(
            "{} secrets restored to the keyring\n",
            report.secrets_restored
        ));
    }
    for s in &report.secrets_to_reenter {
        human.push_str(&format!("to re-enter: {s}\n"));
    }
    let mut out = Output::new(&report, human);
    out.warnings = report.warnings.clone();
    Ok(out)
}
