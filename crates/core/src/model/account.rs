//! Accounts (E-Mail-Konten / Postfächer): personal (owner = user) or shared (owner =
//! group), servers, credential, mailbox path and its lock, folders, permissions.

use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use crate::model::SecretState;
use crate::model::SecretUpdate;
use crate::validate::Issues;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::people::check_email;
use super::server::{NAME_MAX, TEXT_MAX};

pub const SIGNATURE_MAX: usize = 20_000;

/// Who owns a mailbox: a user (personal, "Meine Postfächer") or a group (shared,
/// "Gemeinsame Postfächer").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Owner {
    User(i64),
    Group(i64),
}

/// How mail is deleted in an IMAP account (dynaOFFICE: "Verfahrensweise für das Löschen"):
/// what the business application does, and what the account test's round trip does with its
/// own test mail. POP3 deletes with DELE whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum DeleteProcedure {
    /// In den Papierkorb verschieben: moved to the trash folder (the account's, else the
    /// server's, else the one the server marks `\Trash`).
    #[default]
    MoveToTrash,
    /// Als gelöscht markieren: flagged `\Deleted`, left in the folder until someone expunges.
    MarkDeleted,
    /// Endgültig löschen: flagged and expunged at once.
    Expunge,
}

crate::str_enum!(DeleteProcedure { MoveToTrash => "move_to_trash", MarkDeleted => "mark_deleted", Expunge => "expunge" });

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AccountFolder {
    pub folder: String,
    pub subscribed: bool,
    /// Fetched automatically (Ausgewählte Unterordner abrufen).
    pub auto_fetch: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Account {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub email: String,
    /// Absendername / alias; empty: the owner's name (`effective_sender_name`).
    pub sender_name: String,
    /// The name mail from this account is sent with: `sender_name`, or when that is empty the
    /// owning user's display name (else the login) or the owning group's name. Resolved when
    /// read, so that it follows a rename of the owner; never stored.
    pub effective_sender_name: String,
    pub reply_to: String,
    pub owner: Owner,
    /// Users assigned to the mailbox (Zuordnung zu mehreren Usern).
    pub user_ids: Vec<i64>,
    pub company_id: Option<i64>,
    pub incoming_server_id: Option<i64>,
    /// `None`: inherited from the company, else the installation default.
    pub outgoing_server_id: Option<i64>,
    pub username: String,
    pub password: SecretState,
    pub mailbox_path: String,
    /// Set by the business application once mail was received: locks `mailbox_path`.
    pub mail_received: bool,
    pub folder_trash: String,
    pub folder_junk: String,
    pub folder_sent: String,
    pub only_subscribed: bool,
    pub folders: Vec<AccountFolder>,
    pub may_send: bool,
    pub may_receive: bool,
    pub may_out_of_office: bool,
    pub send_bcc: String,
    pub signature: String,
    pub auto_fetch: bool,
    pub verbose_log: bool,
    /// OAuth2 logins: which SASL mechanism carries the token (`auto`: what the server offers).
    pub oauth_mechanism: crate::model::OauthMechanism,
    /// Berechtigungsgruppe für Anhänge (Eingang): the group that may see the attachments of
    /// received mail; none: everyone who may see the mailbox.
    pub attachments_group_in_id: Option<i64>,
    /// Berechtigungsgruppe für Anhänge (Ausgang): the same for mail sent from the account.
    pub attachments_group_out_id: Option<i64>,
    /// IMAP: how mail is deleted (and how the round trip removes its test mail).
    pub delete_procedure: DeleteProcedure,
    pub created_at: String,
    pub updated_at: String,
}

/// An account as a list shows it: what one line needs, without the form's details, so that
/// 10,000 of them cross IPC and render quickly (the form loads the whole `Account`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AccountSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub owner: Owner,
    /// The owning user's login or the owning group's name.
    pub owner_name: String,
    pub password: SecretState,
    pub mail_received: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct AccountInput {
    pub name: String,
    pub email: String,
    pub sender_name: String,
    pub reply_to: String,
    pub owner: Option<Owner>,
    pub user_ids: Vec<i64>,
    pub company_id: Option<i64>,
    pub incoming_server_id: Option<i64>,
    pub outgoing_server_id: Option<i64>,
    pub username: String,
    pub password: SecretUpdate,
    pub mailbox_path: String,
    pub folder_trash: String,
    pub folder_junk: String,
    pub folder_sent: String,
    pub only_subscribed: bool,
    pub folders: Vec<AccountFolder>,
    pub may_send: bool,
    pub may_receive: bool,
    pub may_out_of_office: bool,
    pub send_bcc: String,
    pub signature: String,
    pub auto_fetch: bool,
    pub verbose_log: bool,
    /// OAuth2 logins: which SASL mechanism carries the token (`auto`: what the server offers).
    pub oauth_mechanism: crate::model::OauthMechanism,
    pub attachments_group_in_id: Option<i64>,
    pub attachments_group_out_id: Option<i64>,
    pub delete_procedure: DeleteProcedure,
}

impl Default for AccountInput {
    fn default() -> Self {
        AccountInput {
            name: String::new(),
            email: String::new(),
            sender_name: String::new(),
            reply_to: String::new(),
            owner: None,
            user_ids: Vec::new(),
            company_id: None,
            incoming_server_id: None,
            outgoing_server_id: None,
            username: String::new(),
            password: SecretUpdate::Keep,
            mailbox_path: "INBOX".into(),
            folder_trash: String::new(),
            folder_junk: String::new(),
            folder_sent: String::new(),
            only_subscribed: false,
            folders: Vec::new(),
            may_send: true,
            may_receive: true,
            may_out_of_office: false,
            send_bcc: String::new(),
            signature: String::new(),
            auto_fetch: true,
            verbose_log: false,
            oauth_mechanism: crate::model::OauthMechanism::Auto,
            attachments_group_in_id: None,
            attachments_group_out_id: None,
            delete_procedure: DeleteProcedure::MoveToTrash,
        }
    }
}

impl From<&Account> for AccountInput {
    fn from(a: &Account) -> Self {
        AccountInput {
            name: a.name.clone(),
            email: a.email.clone(),
            sender_name: a.sender_name.clone(),
            reply_to: a.reply_to.clone(),
            owner: Some(a.owner),
            user_ids: a.user_ids.clone(),
            company_id: a.company_id,
            incoming_server_id: a.incoming_server_id,
            outgoing_server_id: a.outgoing_server_id,
            username: a.username.clone(),
            password: SecretUpdate::Keep,
            mailbox_path: a.mailbox_path.clone(),
            folder_trash: a.folder_trash.clone(),
            folder_junk: a.folder_junk.clone(),
            folder_sent: a.folder_sent.clone(),
            only_subscribed: a.only_subscribed,
            folders: a.folders.clone(),
            may_send: a.may_send,
            may_receive: a.may_receive,
            may_out_of_office: a.may_out_of_office,
            send_bcc: a.send_bcc.clone(),
            signature: a.signature.clone(),
            auto_fetch: a.auto_fetch,
            verbose_log: a.verbose_log,
            oauth_mechanism: a.oauth_mechanism,
            attachments_group_in_id: a.attachments_group_in_id,
            attachments_group_out_id: a.attachments_group_out_id,
            delete_procedure: a.delete_procedure,
        }
    }
}

impl AccountInput {
    /// Checks every field; `existing` is the stored account when editing (the mailbox path
    /// is locked once mail was received). Returns the normalized input.
    pub fn validate(&self, existing: Option<&Account>) -> Result<AccountInput> {
        let mut issues = Issues::default();
        let mut v = self.clone();
        v.name = v.name.trim().into();
        v.email = v.email.trim().into();
        v.sender_name = v.sender_name.trim().into();
        v.reply_to = v.reply_to.trim().into();
        v.username = v.username.trim().into();
        v.mailbox_path = v.mailbox_path.trim().into();
        v.folder_trash = v.folder_trash.trim().into();
        v.folder_junk = v.folder_junk.trim().into();
        v.folder_sent = v.folder_sent.trim().into();
        v.send_bcc = v.send_bcc.trim().into();
        v.user_ids.sort_unstable();
        v.user_ids.dedup();

        issues.text("name", &v.name, NAME_MAX, true);
        check_email(&mut issues, "email", &v.email, true);
        issues.text("sender_name", &v.sender_name, NAME_MAX, false);
        check_email(&mut issues, "reply_to", &v.reply_to, false);
        check_email(&mut issues, "send_bcc", &v.send_bcc, false);
        if v.owner.is_none() {
            issues.push(FieldIssue::new("owner", FieldCode::OwnerRequired));
        }
        issues.text("username", &v.username, TEXT_MAX, false);
        issues.secret("password", &v.password);
        if v.mailbox_path.is_empty() {
            v.mailbox_path = "INBOX".into();
        }
        issues.text("mailbox_path", &v.mailbox_path, TEXT_MAX, false);
        if let Some(e) = existing {
            if e.mail_received && e.mailbox_path != v.mailbox_path {
                issues.push(FieldIssue::new(
                    "mailbox_path",
                    FieldCode::LockedMailboxPath,
                ));
            }
        }
        for (f, val) in [
            ("folder_trash", &v.folder_trash),
            ("folder_junk", &v.folder_junk),
            ("folder_sent", &v.folder_sent),
        ] {
            issues.text(f, val, TEXT_MAX, false);
        }
        // Moving deleted mail to the trash cannot use the mailbox itself as the trash.
        if v.delete_procedure == DeleteProcedure::MoveToTrash
            && !v.folder_trash.is_empty()
            && (v.folder_trash == v.mailbox_path
                || (v.folder_trash.eq_ignore_ascii_case("INBOX")
                    && v.mailbox_path.eq_ignore_ascii_case("INBOX")))
        {
            issues.push(FieldIssue::new("folder_trash", FieldCode::TrashIsMailbox));
        }
        let mut seen = std::collections::BTreeSet::new();
        for f in &mut v.folders {
            f.folder = f.folder.trim().into();
            issues.text("folders", &f.folder, TEXT_MAX, true);
            if !seen.insert(f.folder.clone()) {
                issues.push(
                    FieldIssue::new("folders", FieldCode::Duplicate).arg("value", f.folder.clone()),
                );
            }
        }
        // A signature is multi-line text: line breaks and tabs are fine, other controls not.
        if v.signature.chars().count() > SIGNATURE_MAX {
            issues.push(
                FieldIssue::new("signature", FieldCode::TooLong)
                    .arg("max", SIGNATURE_MAX.to_string()),
            );
        } else if v
            .signature
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            issues.push(FieldIssue::new("signature", FieldCode::ControlChars));
        }
        if issues.is_empty() {
            Ok(v)
        } else {
            Err(Error::Validation(issues.0))
        }
    }
}

/// Where an account's outgoing server comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OutgoingSource {
    Account,
    Company,
    Installation,
    /// Nothing configured at any level.
    None,
}

/// The outgoing server an account really sends with, and the level it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EffectiveOutgoing {
    pub server_id: Option<i64>,
    pub server_name: Option<String>,
    pub source: OutgoingSource,
    /// The company it was inherited from, when `source` is `company`.
    pub company_name: Option<String>,
}

/// Where an account's login on its incoming server comes from: one rule for the test, the
/// save warning and the form's note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LoginSource {
    /// The account's own Benutzername (or, empty, its address) and its own password.
    Account,
    /// Neither of its own: the incoming server's login ("vom Server übernommen").
    Server,
    /// Nothing anywhere: the address as user name, and no password.
    Address,
}

/// The login an account really uses on its incoming server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EffectiveLogin {
    pub source: LoginSource,
    pub user: String,
    /// The incoming server whose login is used (`source` = `server`).
    pub server_name: Option<String>,
    /// A password is stored where the login comes from.
    pub has_password: bool,
    /// The server's method needs a password (not OAuth2).
    pub needs_password: bool,
}

impl EffectiveLogin {
    /// The rule: an account with a Benutzername or a password of its own uses its own login
    /// (the address when the name is empty); otherwise the incoming server's login, if it
    /// has one; otherwise the address, without password.
    pub fn of(
        username: &str,
        email: &str,
        own_password: bool,
        server: Option<&super::IncomingServer>,
    ) -> EffectiveLogin {
        let needs_password =
            server.is_some_and(|s| s.auth_method != crate::kinds::AuthMethod::Oauth2);
        let address = || email.trim().to_string();
        if !username.trim().is_empty() || own_password {
            let user = if username.trim().is_empty() {
                address()
            } else {
                username.trim().to_string()
            };
            return EffectiveLogin {
                source: LoginSource::Account,
                user,
                server_name: None,
                has_password: own_password,
                needs_password,
            };
        }
        if let Some(s) = server.filter(|s| !s.login_user.trim().is_empty()) {
            return EffectiveLogin {
                source: LoginSource::Server,
                user: s.login_user.trim().to_string(),
                server_name: Some(s.name.clone()),
                has_password: s.password == SecretState::Stored,
                needs_password,
            };
        }
        EffectiveLogin {
            source: LoginSource::Address,
            user: address(),
            server_name: None,
            has_password: false,
            needs_password,
        }
    }

    /// A login that will fail for want of a password.
    pub fn lacks_password(&self) -> bool {
        self.needs_password && !self.has_password
    }
}
