//! `mbadmin account list|show|add|edit|rm|mail-received|folders|subscribe`.

use crate::common::{find, stdin_secret};
use crate::crud::set_refs;
use crate::crud::{
    self, set, Accounts, ClearPassword, Cli, Crud, EditArgs, Fill, Help, NoArgs, TemplatedAdd, R,
};
use crate::server::FolderArgs;
use crate::{fmt, Output};
use clap::{Args, Subcommand};
use mailbox_admin_core::error::Entity;
use mailbox_admin_core::model::*;
use mailbox_admin_core::{ApiError, App};
use serde::Serialize;

#[derive(Subcommand)]
pub enum Cmd {
    #[command(flatten)]
    Crud(Box<Crud<Accounts>>),
    /// Set or clear the flag the business application sets once mail was received
    /// (it locks the mailbox path).
    MailReceived {
        account: String,
        /// `true` or `false` (a positional bool needs an explicit value; clap's default
        /// for bool is a flag).
        #[arg(action = clap::ArgAction::Set)]
        received: bool,
    },
    /// The account's folders; with --refresh the IMAP server's tree, read now
    /// ("Ordnerstruktur aktualisieren"), beside what the account chose.
    Folders(crate::folders::FoldersArgs),
    /// Subscribe a folder on the IMAP server (and in the account's folder list); --off
    /// unsubscribes.
    Subscribe(crate::folders::SubscribeArgs),
}

#[derive(Args)]
pub struct Fields {
    #[arg(long)]
    email: Option<String>,
    /// Absendername.
    #[arg(long)]
    sender_name: Option<String>,
    #[arg(long)]
    reply_to: Option<String>,
    /// Personal mailbox of this user (login).
    #[arg(long, conflicts_with = "owner_group")]
    owner_user: Option<String>,
    /// Shared mailbox of this group.
    #[arg(long)]
    owner_group: Option<String>,
    /// Assigned users: comma-separated logins (replaces the list).
    #[arg(long)]
    users: Option<String>,
    #[arg(long)]
    company: Option<String>,
    /// Incoming server (name), or `none`.
    #[arg(long)]
    incoming: Option<String>,
    /// Outgoing server (name), or `inherit` (company, then installation default).
    #[arg(long)]
    outgoing: Option<String>,
    #[arg(long)]
    user: Option<String>,
    #[arg(long)]
    password_stdin: bool,
    #[arg(long)]
    mailbox_path: Option<String>,
    #[command(flatten)]
    folders: FolderArgs,
    #[arg(long)]
    only_subscribed: Option<bool>,
    /// Senden.
    #[arg(long)]
    may_send: Option<bool>,
    /// E-Mail-Monitor.
    #[arg(long)]
    may_receive: Option<bool>,
    /// Abwesenheitsnotiz.
    #[arg(long)]
    may_out_of_office: Option<bool>,
    #[arg(long)]
    send_bcc: Option<String>,
    /// Signature text from a file.
    #[arg(long)]
    signature_file: Option<std::path::PathBuf>,
    #[arg(long)]
    auto_fetch: Option<bool>,
    #[arg(long)]
    verbose_log: Option<bool>,
    /// OAuth2 logins: auto (what the server offers), xoauth2 or oauthbearer.
    #[arg(long, value_parser = ["auto", "xoauth2", "oauthbearer"])]
    oauth_mechanism: Option<String>,
    /// Berechtigungsgruppe für Anhänge (Eingang): the group (name) that may see the
    /// attachments of received mail, or `none` (everyone who may see the mailbox).
    #[arg(long)]
    attachments_group_in: Option<String>,
    /// Berechtigungsgruppe für Anhänge (Ausgang): the same for sent mail.
    #[arg(long)]
    attachments_group_out: Option<String>,
    /// IMAP: how mail is deleted — move_to_trash (default), mark_deleted or expunge; the
    /// account test's round trip removes its test mail the same way.
    #[arg(long, value_parser = ["move_to_trash", "mark_deleted", "expunge"])]
    delete_procedure: Option<String>,
}

impl Fill<AccountInput> for Fields {
    fn fill(self, app: &App, i: &mut AccountInput) -> R<()> {
        self.folders
            .apply(&mut i.folder_trash, &mut i.folder_junk, &mut i.folder_sent);
        set!(self => i; email => email, sender_name => sender_name, reply_to => reply_to, user => username,
             mailbox_path => mailbox_path, only_subscribed => only_subscribed, may_send => may_send,
             may_receive => may_receive, may_out_of_office => may_out_of_office, send_bcc => send_bcc,
             auto_fetch => auto_fetch, verbose_log => verbose_log);
        if let Some(m) = self
            .oauth_mechanism
            .as_deref()
            .and_then(OauthMechanism::parse)
        {
            i.oauth_mechanism = m;
        }
        if let Some(u) = self.owner_user {
            i.owner = Some(Owner::User(find(app, Entity::User, &u)?));
        }
        if let Some(g) = self.owner_group {
            i.owner = Some(Owner::Group(find(app, Entity::Group, &g)?));
        }
        if let Some(d) = self
            .delete_procedure
            .as_deref()
            .and_then(DeleteProcedure::parse)
        {
            i.delete_procedure = d;
        }
        set_refs!(app, self => i; attachments_group_in => attachments_group_in_id: opt_ref(Group),
                  attachments_group_out => attachments_group_out_id: opt_ref(Group));
        set_refs!(app, self => i; users => user_ids: refs(User), company => company_id: opt_ref(Company),
                  incoming => incoming_server_id: opt_ref(IncomingServer),
                  outgoing => outgoing_server_id: opt_ref(OutgoingServer));
        if self.password_stdin {
            i.password = SecretUpdate::set(stdin_secret()?);
        }
        if let Some(p) = self.signature_file {
            i.signature = std::fs::read_to_string(&p)
                .map_err(|e| ApiError::internal(format!("{}: {e}", p.display())))?;
        }
        Ok(())
    }
}

/// An account as `show` prints it: the record plus its effective outgoing server.
#[derive(Serialize)]
struct Shown {
    #[serde(flatten)]
    account: Account,
    effective_outgoing: EffectiveOutgoing,
}

fn effective_text(e: &EffectiveOutgoing) -> String {
    match (&e.server_name, e.source) {
        (Some(n), OutgoingSource::Company) => format!(
            "{n} (from company {})",
            e.company_name.as_deref().unwrap_or("?")
        ),
        (Some(n), OutgoingSource::Installation) => format!("{n} (installation default)"),
        (Some(n), _) => format!("{n} (set on the account)"),
        (None, _) => "none configured: the account cannot send".into(),
    }
}

impl Cli for Accounts {
    type Add = TemplatedAdd<Fields>;
    type Edit = EditArgs<ClearPassword<Fields>>;
    type Rm = NoArgs;
    const COLUMNS: &'static [&'static str] = &["name", "email", "owner", "username"];
    const TARGET: &'static str = "ACCOUNT";
    const HELP: Help = Help {
        show: Some(
            "One account, with the outgoing server it really uses and where that comes from",
        ),
        ..Help::NONE
    };

    fn show(app: &App, account: Account) -> R<Output> {
        let shown = Shown {
            effective_outgoing: app
                .effective_outgoing(account.id)
                .map_err(|e| app.api_error(&e))?,
            account,
        };
        let sender = if shown.account.sender_name.is_empty() {
            format!("{} (the owner's name)", shown.account.effective_sender_name)
        } else {
            shown.account.effective_sender_name.clone()
        };
        let human = format!(
            "{}\noutgoing (effective)  {}\nsender name (effective)  {sender}",
            fmt::record(&shown.account),
            effective_text(&shown.effective_outgoing)
        );
        Ok(Output::new(&shown, human))
    }
}

pub fn run(app: &App, cmd: Cmd) -> Result<Output, ApiError> {
    match cmd {
        Cmd::Crud(c) => crud::run(app, *c),
        Cmd::Folders(a) => crate::folders::folders(app, a),
        Cmd::Subscribe(a) => crate::folders::subscribe(app, a),
        Cmd::MailReceived { account, received } => {
            let a = app
                .set_mail_received(find(app, Entity::Account, &account)?, received)
                .map_err(|e| app.api_error(&e))?;
            Ok(Output::new(
                &a,
                format!("{}: mail received = {received}", a.name),
            ))
        }
    }
}
