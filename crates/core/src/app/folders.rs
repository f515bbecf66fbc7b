//! An account's folders on its IMAP server: "Ordnerstruktur aktualisieren" reads the real tree
//! on demand, and the subscriptions chosen for the account are written to the server.

use super::probe::TestOptions;
use super::App;
use crate::diag::{Diagnosis, FieldCode};
use crate::error::{Error, Result};
use crate::model::{Account, AccountFolder, AccountInput, Protocol};
use crate::probe::{self, ActionError, CancellationToken, Folder};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The folder tree as the server has it now, beside what the account chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FolderRefresh {
    /// When the tree was read (RFC 3339); empty when it could not be read.
    pub read_at: String,
    /// INBOX first; empty when `error` says why.
    pub folders: Vec<Folder>,
    /// The account's chosen folders (subscribed or fetched), its special folders and its
    /// mailbox path that the server does not have.
    pub missing: Vec<String>,
    /// Why the tree could not be read: connection, TLS, login or the LIST command.
    pub error: Option<Diagnosis>,
}

/// One folder's subscription as the account wants it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SubscriptionChange {
    /// The decoded (UTF-8) name, as the tree shows it.
    pub folder: String,
    pub subscribed: bool,
}

/// What writing subscriptions did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SubscriptionsWritten {
    /// The changes the server took, in order; after an error the rest were not sent.
    pub written: Vec<SubscriptionChange>,
    /// Why the server did not take the next one (or the connection failed).
    pub error: Option<Diagnosis>,
}

impl App {
    /// "Ordnerstruktur aktualisieren": account `id`'s IMAP folder tree, read now with the
    /// account's login. An account without an IMAP server is an error; a server that cannot
    /// be reached or refuses the login is a diagnosis in the result.
    pub async fn refresh_folders(
        &self,
        id: i64,
        opts: &TestOptions,
        cancel: &CancellationToken,
    ) -> Result<FolderRefresh> {
        let account = self.get_account(id)?;
        self.imap_server_of(&account)?;
        let read = self.account_folders(id, opts, cancel).await?;
        let folders = match read {
            Ok(f) => f,
            Err(e) => {
                return Ok(FolderRefresh {
                    read_at: String::new(),
                    folders: Vec::new(),
                    missing: Vec::new(),
                    error: Some(action_diagnosis(e)?),
                })
            }
        };
        let exists = |name: &str| {
            folders.iter().any(|f| {
                f.name == name
                    || (f.name.eq_ignore_ascii_case("INBOX") && name.eq_ignore_ascii_case("INBOX"))
            })
        };
        let chosen = account
            .folders
            .iter()
            .map(|f| f.folder.as_str())
            .chain([
                account.folder_trash.as_str(),
                account.folder_junk.as_str(),
                account.folder_sent.as_str(),
                account.mailbox_path.as_str(),
            ])
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let mut missing: Vec<String> = Vec::new();
        for name in chosen {
            if !exists(name) && !missing.iter().any(|m| m == name) {
                missing.push(name.to_string());
            }
        }
        Ok(FolderRefresh {
            read_at: crate::clock::now(),
            folders,
            missing,
            error: None,
        })
    }

    /// Sets the subscriptions of account `id`: first in the account's folder list (one save,
    /// none when nothing changes there — the window has saved them already), then on its IMAP
    /// server, in one session, in order; the first refusal ends it.
    pub async fn write_subscriptions(
        &self,
        id: i64,
        changes: &[SubscriptionChange],
        opts: &TestOptions,
        cancel: &CancellationToken,
    ) -> Result<SubscriptionsWritten> {
        let account = self.get_account(id)?;
        self.imap_server_of(&account)?;
        let mut folders = account.folders.clone();
        for c in changes {
            set_subscribed(&mut folders, &c.folder, c.subscribed);
        }
        if folders != account.folders {
            let mut input = AccountInput::from(&account);
            input.folders = folders;
            self.update_account(id, account.version, &input)?;
        }
        let o = super::probe::AccountTestOptions {
            base: opts.clone(),
            ..Default::default()
        };
        let mut plan = self.account_plan(id, &o)?;
        self.attach_oauth(&mut plan, id).await?;
        let Some(t) = plan
            .incoming
            .filter(|t| t.protocol != probe::ProbeProtocol::Pop3)
        else {
            return Err(Error::NotFound {
                entity: crate::error::Entity::IncomingServer,
                id: format!("IMAP server of account {id}"),
            });
        };
        let wanted: Vec<(String, bool)> = changes
            .iter()
            .map(|c| (c.folder.clone(), c.subscribed))
            .collect();
        let (done, failed) = probe::set_subscriptions(&t, &wanted, self.lang(), cancel).await;
        Ok(SubscriptionsWritten {
            written: changes[..done].to_vec(),
            error: failed.map(action_diagnosis).transpose()?,
        })
    }
}

impl App {
    /// Folders live on an IMAP server: an account without one is a field error.
    fn imap_server_of(&self, a: &Account) -> Result<()> {
        let Some(sid) = a.incoming_server_id else {
            return Err(Error::field("incoming_server_id", FieldCode::NoIncoming));
        };
        if self.get_server(sid)?.protocol == Protocol::Pop3 {
            return Err(Error::field("incoming_server_id", FieldCode::ImapOnly));
        }
        Ok(())
    }
}

/// A cancelled action is the caller's error; a failed one is its diagnosis.
fn action_diagnosis(e: ActionError) -> Result<Diagnosis> {
    match e {
        ActionError::Cancelled => Err(Error::Cancelled("folders".into())),
        ActionError::Failed(d) => Ok(d),
    }
}

/// The folder list with `name`'s subscription set; an entry with neither flag goes.
fn set_subscribed(folders: &mut Vec<AccountFolder>, name: &str, on: bool) {
    match folders.iter().position(|f| f.folder == name) {
        Some(i) => {
            folders[i].subscribed = on;
            if !folders[i].subscribed && !folders[i].auto_fetch {
                folders.remove(i);
            }
        }
        None if on => folders.push(AccountFolder {
            folder: name.to_string(),
            subscribed: true,
            auto_fetch: false,
        }),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscription_is_added_changed_and_dropped_with_its_last_flag() {
        let mut f = vec![AccountFolder {
            folder: "Archiv".into(),
            subscribed: false,
            auto_fetch: true,
        }];
        set_subscribed(&mut f, "Archiv", true);
        set_subscribed(&mut f, "Projekte/Bau", true);
        assert_eq!(f.len(), 2);
        assert!(f[0].subscribed && f[0].auto_fetch);
        set_subscribed(&mut f, "Projekte/Bau", false);
        set_subscribed(&mut f, "Archiv", false);
        set_subscribed(&mut f, "Nie", false);
        assert_eq!(
            f,
            [AccountFolder {
                folder: "Archiv".into(),
                subscribed: false,
                auto_fetch: true
            }]
        );
    }
}
