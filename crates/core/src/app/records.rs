//! What every record operation shares: one transaction per save, reference checks, the
//! "in use" refusal, and deleting a row together with its secret.

use super::{App, Removed};
use crate::error::{Entity, Error, Result};
use crate::store::rows;
use crate::store::Tx;

pub(super) use crate::store::rows::refuse_in_use as in_use;

/// Who uses a row (for "in use" refusals); nobody for entities nothing refers to.
pub(super) type UsedBy = fn(&Tx, i64) -> Result<Vec<String>>;

pub(super) fn nobody(_: &Tx, _: i64) -> Result<Vec<String>> {
    Ok(Vec::new())
}

/// A kind of record that others refer to, so that deleting it can be refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Referenced {
    IncomingServer,
    OutgoingServer,
    Certificate,
    OauthProvider,
}

impl App {
    /// Who uses record `id` (accounts, companies, servers): the delete question names them
    /// before anyone confirms, instead of failing after "Endgültig löschen".
    pub fn used_by(&self, kind: Referenced, id: i64) -> Result<Vec<String>> {
        use crate::store::{certs, oauth, outgoing, servers};
        let f: UsedBy = match kind {
            Referenced::IncomingServer => servers::used_by,
            Referenced::OutgoingServer => outgoing::used_by,
            Referenced::Certificate => certs::used_by,
            Referenced::OauthProvider => oauth::used_by,
        };
        f(self.db().read(), id)
    }
}

/// Attempts of one write transaction before it gives up on the keyring entries it wants.
const ATTEMPTS: usize = 4;

/// Runs `f` in a write transaction and commits only if it succeeds. The keyring is called
/// with no lock held (`journal`): an attempt that wants entries for new secrets is rolled
/// back, the entries are written, and `f` runs again in a new transaction (so everything
/// it checks is checked again). Then the entries the transaction wrote or replaced are
/// settled.
pub(super) fn tx<T>(app: &App, f: impl Fn(&Tx) -> Result<T>) -> Result<T> {
    // Anything left by a save that did not come through here belongs to no transaction.
    app.settle_secrets(false);
    for attempt in 1..=ATTEMPTS {
        let r = {
            let mut db = app.db();
            let w = db.begin()?;
            match f(&w) {
                Ok(out) if !journal_wants() => w.commit().map(|()| Some(out)),
                // Rolled back when `w` is dropped, with the lock released below.
                Ok(_) if attempt < ATTEMPTS => Ok(None),
                Ok(_) => Err(Error::Database(
                    "the keyring entries of this save could not be prepared".into(),
                )),
                Err(e) => Err(e),
            }
        };
        match r {
            Ok(None) => app.stage_secrets(),
            r => {
                app.settle_secrets(r.is_ok());
                return r.map(|out| out.expect("committed with a value"));
            }
        }
    }
    unreachable!("the last attempt commits or fails")
}

fn journal_wants() -> bool {
    super::journal::wants_entries()
}

pub(super) fn refs(conn: &Tx, checks: &[(Entity, &'static str, Option<i64>)]) -> Result<()> {
    let mut issues = Vec::new();
    for (entity, field, id) in checks {
        if let Err(Error::Validation(mut v)) = rows::check_ref(conn, *entity, field, *id) {
            issues.append(&mut v);
        }
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(issues))
    }
}

pub(super) fn check_users_exist(conn: &Tx, field: &'static str, ids: &[i64]) -> Result<()> {
    for id in ids {
        rows::check_ref(conn, Entity::User, field, Some(*id))?;
    }
    Ok(())
}

impl App {
    /// Deletes row `id` of `e` if it is still at `version` and `used_by` finds nobody, then
    /// removes its secret (`<secret>_ref`) from the keyring.
    pub(super) fn remove(
        &self,
        e: Entity,
        id: i64,
        version: Option<i64>,
        secret: Option<&str>,
        used_by: UsedBy,
    ) -> Result<Removed> {
        let r = tx(self, |c| {
            rows::check_version(c, e, id, version)?;
            in_use(c, e, id, used_by(c, id)?)?;
            let r = match secret {
                Some(col) => rows::secret_ref(c, e, col, id)?,
                None => None,
            };
            rows::delete(c, e, id)?;
            Ok(r)
        })?;
        Ok(Removed {
            id,
            warnings: self.forget_secrets(r.into_iter()),
        })
    }

    /// The id of the `entity` row named `name_or_id` (its name/login, or its number).
    pub fn resolve(&self, entity: Entity, name_or_id: &str) -> Result<i64> {
        rows::resolve(self.db().read(), entity, name_or_id)
    }
}
