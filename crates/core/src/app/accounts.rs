//! Mailbox accounts: personal and shared, their references, the mailbox-path lock and the
//! effective outgoing server.

use super::records::{check_users_exist, nobody, refs, tx};
use super::{App, Removed};
use crate::error::{Entity, Result};
use crate::model::*;
use crate::store::Tx;
use crate::store::{accounts, rows};

impl App {
    // ---- accounts ---------------------------------------------------------------------

    pub fn list_accounts(&self, q: &str) -> Result<Vec<Account>> {
        accounts::list(self.db().read(), q)
    }

    /// The list lines of the accounts matching `q`, in name order (`collate`).
    pub fn list_account_summaries(&self, q: &str) -> Result<Vec<AccountSummary>> {
        accounts::summaries(self.db().read(), q)
    }

    /// The ids of the accounts matching `q` — the same search as `list_accounts`, unordered.
    pub fn search_accounts(&self, q: &str) -> Result<Vec<i64>> {
        accounts::search_ids(self.db().read(), q)
    }

    pub fn get_account(&self, id: i64) -> Result<Account> {
        accounts::get(self.db().read(), id)
    }

    fn check_account_refs(&self, c: &Tx, v: &AccountInput) -> Result<()> {
        let (user, group) = match v.owner {
            Some(Owner::User(u)) => (Some(u), None),
            Some(Owner::Group(g)) => (None, Some(g)),
            None => (None, None),
        };
        refs(
            c,
            &[
                (Entity::User, "owner", user),
                (Entity::Group, "owner", group),
                (Entity::Company, "company_id", v.company_id),
                (
                    Entity::IncomingServer,
                    "incoming_server_id",
                    v.incoming_server_id,
                ),
                (
                    Entity::OutgoingServer,
                    "outgoing_server_id",
                    v.outgoing_server_id,
                ),
                (
                    Entity::Group,
                    "attachments_group_in_id",
                    v.attachments_group_in_id,
                ),
                (
                    Entity::Group,
                    "attachments_group_out_id",
                    v.attachments_group_out_id,
                ),
            ],
        )?;
        check_users_exist(c, "user_ids", &v.user_ids)
    }

    pub fn create_account(&self, input: &AccountInput) -> Result<Saved<Account>> {
        tx(self, |c| self.create_account_in(c, input))
    }

    pub(crate) fn create_account_in(&self, c: &Tx, input: &AccountInput) -> Result<Saved<Account>> {
        let v = input.validate(None)?;
        rows::check_unique(c, Entity::Account, "name", &v.name, None)?;
        self.check_account_refs(c, &v)?;
        let id = rows::insert(c, Entity::Account, accounts::cols(&v))?;
        accounts::set_children(c, id, &v)?;
        let mut warnings = self.store_secret(c, Entity::Account, "password", id, &v.password)?;
        let item = accounts::get(c, id)?;
        warnings.extend(self.login_warning(c, &item)?);
        Ok(Saved { item, warnings })
    }

    pub fn update_account(
        &self,
        id: i64,
        version: i64,
        input: &AccountInput,
    ) -> Result<Saved<Account>> {
        tx(self, |c| {
            let existing = accounts::get(c, id)?;
            let v = input.validate(Some(&existing))?;
            rows::check_unique(c, Entity::Account, "name", &v.name, Some(id))?;
            self.check_account_refs(c, &v)?;
            rows::update(c, Entity::Account, id, version, accounts::cols(&v))?;
            accounts::set_children(c, id, &v)?;
            let mut warnings =
                self.store_secret(c, Entity::Account, "password", id, &v.password)?;
            let item = accounts::get(c, id)?;
            warnings.extend(self.login_warning(c, &item)?);
            Ok(Saved { item, warnings })
        })
    }

    pub fn delete_account(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        let tokens = crate::store::oauth::tokens_ref(self.db().read(), id)?;
        let mut removed = self.remove(Entity::Account, id, version, Some("password"), nobody)?;
        removed.warnings.extend(self.forget_oauth_tokens(tokens));
        Ok(removed)
    }

    /// What the business application sets once mail was received (locks the mailbox path).
    pub fn set_mail_received(&self, id: i64, received: bool) -> Result<Account> {
        tx(self, |c| {
            accounts::get(c, id)?;
            accounts::set_mail_received(c, id, received)?;
            accounts::get(c, id)
        })
    }

    /// The login account `id` uses on its incoming server and where it comes from.
    pub fn effective_login(&self, id: i64) -> Result<EffectiveLogin> {
        let db = self.db();
        let a = accounts::get(db.read(), id)?;
        login_of(db.read(), &a)
    }

    /// The save's warning when the account's effective login has no password: saved, but
    /// its test would end in `auth.password_missing`.
    fn login_warning(&self, c: &Tx, a: &Account) -> Result<Option<crate::ApiError>> {
        let login = login_of(c, a)?;
        if !login.lacks_password() {
            return Ok(None);
        }
        let issue =
            crate::error::FieldIssue::new("password", crate::diag::FieldCode::LoginWithoutPassword)
                .arg("user", login.user.clone())
                .arg("server", login.server_name.clone().unwrap_or_default());
        Ok(Some(
            crate::error::Error::Validation(vec![issue]).to_api(self.lang()),
        ))
    }

    /// The outgoing server the account really uses and where that comes from.
    pub fn effective_outgoing(&self, id: i64) -> Result<EffectiveOutgoing> {
        accounts::effective_outgoing(self.db().read(), id)
    }

    pub fn account_password(&self, id: i64) -> Result<Option<String>> {
        let r = rows::secret_ref(self.db().read(), Entity::Account, "password", id)?;
        self.read_secret(r)
    }
}

/// The effective login of a stored account (its incoming server read in `c`).
fn login_of(c: &Tx, a: &Account) -> Result<EffectiveLogin> {
    let server = match a.incoming_server_id {
        Some(sid) => Some(crate::store::servers::get(c, sid)?),
        None => None,
    };
    Ok(EffectiveLogin::of(
        &a.username,
        &a.email,
        a.password != SecretState::None,
        server.as_ref(),
    ))
}
