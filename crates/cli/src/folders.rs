//! `mbadmin account folders NAME [--refresh]` and `mbadmin account subscribe NAME FOLDER [--off]`:
//! the account's folders as chosen here and, on demand, as its IMAP server has them.

use crate::common::find;
use crate::probe::{block_on, read_roots};
use crate::{fmt, Output};
use clap::Args;
use mailbox_admin_core::app::folders::SubscriptionChange;
use mailbox_admin_core::app::probe::TestOptions;
use mailbox_admin_core::diag::Diagnosis;
use mailbox_admin_core::error::Entity;
use mailbox_admin_core::model::Account;
use mailbox_admin_core::probe::CancellationToken;
use mailbox_admin_core::{ApiError, App, Lang};
use std::path::PathBuf;

#[derive(Args)]
pub struct FoldersArgs {
    /// The account (name or number).
    account: String,
    /// Read the folder tree from the IMAP server now ("Ordnerstruktur aktualisieren");
    /// without it only what the account chose is shown.
    #[arg(long)]
    refresh: bool,
    /// Also trust these CA certificates (PEM file; repeatable).
    #[arg(long, value_name = "PATH")]
    ca_file: Vec<PathBuf>,
}

#[derive(Args)]
pub struct SubscribeArgs {
    /// The account (name or number).
    account: String,
    /// The folder, as the tree shows it (e.g. `Archiv/2024`).
    folder: String,
    /// Unsubscribe instead.
    #[arg(long)]
    off: bool,
    #[arg(long, value_name = "PATH")]
    ca_file: Vec<PathBuf>,
}

fn options(ca_file: &[PathBuf]) -> Result<TestOptions, ApiError> {
    Ok(TestOptions {
        extra_roots: read_roots(ca_file)?,
    })
}

pub fn folders(app: &App, a: FoldersArgs) -> Result<Output, ApiError> {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    let id = find(app, Entity::Account, &a.account)?;
    let account = app.get_account(id).map_err(err)?;
    if !a.refresh {
        return Ok(Output::new(&account.folders, chosen(app.lang(), &account)));
    }
    let opts = options(&a.ca_file)?;
    let cancel = CancellationToken::new();
    let tree = block_on(&cancel, app.refresh_folders(id, &opts, &cancel))?.map_err(err)?;
    let lang = app.lang();
    let mut out = Output::new(&tree, String::new());
    if let Some(d) = &tree.error {
        out.human = diagnosis(lang, d);
        out.failed = true;
        return Ok(out);
    }
    let yes = |b: bool| if b { "x" } else { "" }.to_string();
    let mut rows = vec![words(
        lang,
        ["FOLDER", "SPECIAL", "SERVER-SUB", "SUBSCRIBED", "FETCHED"],
    )];
    for f in &tree.folders {
        let own = account.folders.iter().find(|c| c.folder == f.name);
        rows.push(vec![
            f.name.clone(),
            f.special_use.clone().unwrap_or_default(),
            yes(f.subscribed),
            yes(own.is_some_and(|c| c.subscribed)),
            yes(own.is_some_and(|c| c.auto_fetch)),
        ]);
    }
    out.human = fmt::grid(&rows);
    for m in &tree.missing {
        out.human.push_str(&match lang {
            Lang::De => format!("fehlt auf dem Server: {m} (im Konto eingestellt)\n"),
            Lang::En => format!("missing on the server: {m} (set in the account)\n"),
        });
    }
    out.failed = !tree.missing.is_empty();
    Ok(out)
}

pub fn subscribe(app: &App, a: SubscribeArgs) -> Result<Output, ApiError> {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    let id = find(app, Entity::Account, &a.account)?;
    let opts = options(&a.ca_file)?;
    let change = SubscriptionChange {
        folder: a.folder.clone(),
        subscribed: !a.off,
    };
    let cancel = CancellationToken::new();
    let done = block_on(
        &cancel,
        app.write_subscriptions(id, std::slice::from_ref(&change), &opts, &cancel),
    )?
    .map_err(err)?;
    let lang = app.lang();
    let mut out = Output::new(&done, String::new());
    match &done.error {
        Some(d) => {
            out.human = diagnosis(lang, d);
            out.failed = true;
        }
        None => {
            out.human = match (lang, change.subscribed) {
                (Lang::De, true) => format!("{} abonniert\n", a.folder),
                (Lang::De, false) => format!("{} abbestellt\n", a.folder),
                (Lang::En, true) => format!("{} subscribed\n", a.folder),
                (Lang::En, false) => format!("{} unsubscribed\n", a.folder),
            }
        }
    }
    Ok(out)
}

/// The folders the account chose, without asking the server.
fn chosen(lang: Lang, a: &Account) -> String {
    let mut rows = vec![words(lang, ["FOLDER", "SUBSCRIBED", "FETCHED"])];
    for f in &a.folders {
        let yes = |b: bool| if b { "x" } else { "" }.to_string();
        rows.push(vec![f.folder.clone(), yes(f.subscribed), yes(f.auto_fetch)]);
    }
    let labels = match lang {
        Lang::De => ["Mailbox-Pfad", "Papierkorb", "Spam", "Gesendet"],
        Lang::En => ["mailbox path", "trash", "junk", "sent"],
    };
    let mut out = String::new();
    for (label, value) in labels.iter().zip([
        &a.mailbox_path,
        &a.folder_trash,
        &a.folder_junk,
        &a.folder_sent,
    ]) {
        out.push_str(&format!("{label:<14}{value}\n"));
    }
    if a.folders.is_empty() {
        out.push_str(match lang {
            Lang::De => "(keine Ordner gewählt; --refresh liest die Ordnerstruktur vom Server)\n",
            Lang::En => "(no folders chosen; --refresh reads the server's tree)\n",
        });
    } else {
        out.push_str(&fmt::grid(&rows));
    }
    out
}

fn words<const N: usize>(lang: Lang, en: [&str; N]) -> Vec<String> {
    en.iter()
        .map(|w| match (lang, *w) {
            (Lang::De, "FOLDER") => "ORDNER".to_string(),
            (Lang::De, "SPECIAL") => "SONDER".to_string(),
            (Lang::De, "SERVER-SUB") => "SERVER-ABO".to_string(),
            (Lang::De, "SUBSCRIBED") => "ABONNIERT".to_string(),
            (Lang::De, "FETCHED") => "ABGERUFEN".to_string(),
            (_, w) => w.to_string(),
        })
        .collect()
}

fn diagnosis(lang: Lang, d: &Diagnosis) -> String {
    let mut out = format!("{}\n[{}] {}\n", d.title, d.code, d.explanation);
    let fix = if lang == Lang::De { "Lösung" } else { "Fix" };
    out.push_str(&format!("{fix}: {}\n", d.fix));
    for e in &d.evidence {
        out.push_str(&format!("{}: {}\n", e.key.label(lang), e.value));
    }
    out
}
