//! Operations on the configuration entities beyond incoming servers: outgoing servers,
//! companies, users (and CSV import), groups, employees, accounts, calendar accounts,
//! certificates, general settings and templates. Each validates, checks references, writes
//! in one transaction, and keeps secrets in the keyring.

use super::{App, Removed};
use crate::diag::FieldCode;
use crate::error::{Entity, Error, FieldError, FieldIssue, Result};
use crate::model::cert::parse as parse_cert;
use crate::model::*;
use crate::store::{accounts, calendar, certs, outgoing, people, rows, settings};
use rusqlite::Connection;

/// Refuses a delete while `users` is not empty.
fn in_use(conn: &Connection, entity: Entity, id: i64, users: Vec<String>) -> Result<()> {
    if users.is_empty() {
        return Ok(());
    }
    Err(Error::InUse {
        entity,
        name: rows::label(conn, entity, id)?,
        used_by: users,
    })
}

/// Who uses a row (for "in use" refusals); nobody for entities nothing refers to.
type UsedBy = fn(&Connection, i64) -> Result<Vec<String>>;

fn nobody(_: &Connection, _: i64) -> Result<Vec<String>> {
    Ok(Vec::new())
}

/// Runs `f` in a transaction and commits only if it succeeds.
fn tx<T>(app: &App, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    let mut db = app.db();
    let tx = db.conn.transaction()?;
    let out = f(&tx)?;
    tx.commit()?;
    Ok(out)
}

fn refs(conn: &Connection, checks: &[(Entity, &'static str, Option<i64>)]) -> Result<()> {
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

fn check_users_exist(conn: &Connection, field: &'static str, ids: &[i64]) -> Result<()> {
    for id in ids {
        rows::check_ref(conn, Entity::User, field, Some(*id))?;
    }
    Ok(())
}

impl App {
    /// Deletes row `id` of `e` if it is still at `version` and `used_by` finds nobody, then
    /// removes its secret (`<secret>_ref`) from the keyring.
    fn remove(
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
        rows::resolve(&self.db().conn, entity, name_or_id)
    }

    // ---- outgoing servers -------------------------------------------------------------

    pub fn list_outgoing(&self, q: &str) -> Result<Vec<OutgoingServer>> {
        outgoing::list(&self.db().conn, q)
    }

    pub fn get_outgoing(&self, id: i64) -> Result<OutgoingServer> {
        outgoing::get(&self.db().conn, id)
    }

    fn check_outgoing_refs(&self, conn: &Connection, f: &OutgoingFields) -> Result<()> {
        refs(
            conn,
            &[
                (
                    Entity::Certificate,
                    "smime_certificate_id",
                    f.smime_certificate_id,
                ),
                (
                    Entity::Certificate,
                    "client_certificate_id",
                    f.client_certificate_id,
                ),
                (
                    Entity::OauthProvider,
                    "oauth_provider_id",
                    f.oauth_provider_id,
                ),
            ],
        )?;
        let mut issues = Vec::new();
        if let (Some(c), true) = (f.smime_certificate_id, f.smime_sign) {
            if !certs::get(conn, c)?.has_private_key {
                issues.push(FieldIssue::new(
                    "smime_certificate_id",
                    FieldCode::CertificateNoKey,
                ));
            }
        }
        if let Some(c) = f.client_certificate_id {
            if !certs::get(conn, c)?.has_private_key {
                issues.push(FieldIssue::new(
                    "client_certificate_id",
                    FieldCode::CertificateNoKey,
                ));
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(issues))
        }
    }

    pub fn create_outgoing(&self, input: &OutgoingInput) -> Result<Saved<OutgoingServer>> {
        tx(self, |c| self.create_outgoing_in(c, input))
    }

    pub(crate) fn create_outgoing_in(
        &self,
        c: &Connection,
        input: &OutgoingInput,
    ) -> Result<Saved<OutgoingServer>> {
        let f = input.validate()?;
        rows::check_unique(c, Entity::OutgoingServer, "name", &f.name, None)?;
        self.check_outgoing_refs(c, &f)?;
        if f.is_default {
            // Before the insert: the unique index allows one default at a time.
            outgoing::clear_default_except(c, 0)?;
        }
        let id = rows::insert(c, Entity::OutgoingServer, outgoing::cols(&f))?;
        let warnings =
            self.store_secret(c, Entity::OutgoingServer, "password", id, &input.password)?;
        Ok(Saved {
            item: outgoing::get(c, id)?,
            warnings,
        })
    }

    pub fn update_outgoing(
        &self,
        id: i64,
        version: i64,
        input: &OutgoingInput,
    ) -> Result<Saved<OutgoingServer>> {
        let f = input.validate()?;
        tx(self, |c| {
            rows::check_unique(c, Entity::OutgoingServer, "name", &f.name, Some(id))?;
            self.check_outgoing_refs(c, &f)?;
            if f.is_default {
                outgoing::clear_default_except(c, id)?;
            }
            rows::update(c, Entity::OutgoingServer, id, version, outgoing::cols(&f))?;
            let warnings =
                self.store_secret(c, Entity::OutgoingServer, "password", id, &input.password)?;
            Ok(Saved {
                item: outgoing::get(c, id)?,
                warnings,
            })
        })
    }

    pub fn delete_outgoing(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        self.remove(
            Entity::OutgoingServer,
            id,
            version,
            Some("password"),
            outgoing::used_by,
        )
    }

    pub fn outgoing_password(&self, id: i64) -> Result<Option<String>> {
        let r = rows::secret_ref(&self.db().conn, Entity::OutgoingServer, "password", id)?;
        self.read_secret(r)
    }

    // ---- companies --------------------------------------------------------------------

    pub fn list_companies(&self, q: &str) -> Result<Vec<Company>> {
        people::companies(&self.db().conn, q)
    }

    pub fn get_company(&self, id: i64) -> Result<Company> {
        people::get_company(&self.db().conn, id)
    }

    pub fn create_company(&self, input: &CompanyInput) -> Result<Company> {
        tx(self, |c| self.create_company_in(c, input))
    }

    pub(crate) fn create_company_in(
        &self,
        c: &Connection,
        input: &CompanyInput,
    ) -> Result<Company> {
        let v = input.validate()?;
        rows::check_unique(c, Entity::Company, "name", &v.name, None)?;
        refs(
            c,
            &[(
                Entity::OutgoingServer,
                "default_outgoing_server_id",
                v.default_outgoing_server_id,
            )],
        )?;
        let id = rows::insert(c, Entity::Company, people::company_cols(&v))?;
        people::get_company(c, id)
    }

    pub fn update_company(&self, id: i64, version: i64, input: &CompanyInput) -> Result<Company> {
        let v = input.validate()?;
        tx(self, |c| {
            rows::check_unique(c, Entity::Company, "name", &v.name, Some(id))?;
            refs(
                c,
                &[(
                    Entity::OutgoingServer,
                    "default_outgoing_server_id",
                    v.default_outgoing_server_id,
                )],
            )?;
            rows::update(c, Entity::Company, id, version, people::company_cols(&v))?;
            people::get_company(c, id)
        })
    }

    pub fn delete_company(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        self.remove(Entity::Company, id, version, None, |c, id| {
            rows::labels_where(c, Entity::Account, "company_id", id)
        })
    }

    // ---- users ------------------------------------------------------------------------

    pub fn list_users(&self, q: &str) -> Result<Vec<User>> {
        people::users(&self.db().conn, q)
    }

    pub fn get_user(&self, id: i64) -> Result<User> {
        people::get_user(&self.db().conn, id)
    }

    pub fn create_user(&self, input: &UserInput) -> Result<User> {
        tx(self, |c| self.create_user_in(c, input))
    }

    pub(crate) fn create_user_in(&self, c: &Connection, input: &UserInput) -> Result<User> {
        let v = input.validate()?;
        rows::check_unique(c, Entity::User, "login", &v.login, None)?;
        let id = rows::insert(c, Entity::User, people::user_cols(&v))?;
        people::get_user(c, id)
    }

    pub fn update_user(&self, id: i64, version: i64, input: &UserInput) -> Result<User> {
        let v = input.validate()?;
        tx(self, |c| {
            rows::check_unique(c, Entity::User, "login", &v.login, Some(id))?;
            rows::update(c, Entity::User, id, version, people::user_cols(&v))?;
            people::get_user(c, id)
        })
    }

    pub fn delete_user(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        // Refused while the user owns a personal mailbox; memberships, assignments and
        // employee links go with the user.
        self.remove(Entity::User, id, version, None, |c, id| {
            rows::labels_where(c, Entity::Account, "owner_user_id", id)
        })
    }

    /// Imports users from CSV (header `login,display_name,email`; German headers and `;`
    /// accepted). Valid rows are created; each refused row says why. Nothing is created if
    /// the header is unusable.
    pub fn import_users_csv(&self, text: &str) -> Result<Vec<ImportRow>> {
        let lang = self.lang();
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else {
            return Err(Error::Validation(vec![FieldIssue::new(
                "csv",
                FieldCode::Required,
            )]));
        };
        let sep = if header.matches(';').count() > header.matches(',').count() {
            ';'
        } else {
            ','
        };
        let cols: Vec<String> = split_csv(header, sep)
            .into_iter()
            .map(|h| h.trim().to_lowercase())
            .collect();
        let find = |names: &[&str]| cols.iter().position(|c| names.contains(&c.as_str()));
        let Some(login_col) = find(&["login", "benutzer", "benutzername", "anmeldename", "user"])
        else {
            return Err(Error::Validation(vec![FieldIssue::new(
                "csv",
                FieldCode::CsvHeader,
            )]));
        };
        let name_col = find(&["display_name", "name", "anzeigename", "displayname"]);
        let mail_col = find(&["email", "e-mail", "mail", "e-mail-adresse"]);
        tx(self, |c| {
            let mut report = Vec::new();
            for (i, line) in lines {
                let cells = split_csv(line, sep);
                let get = |col: Option<usize>| {
                    col.and_then(|k| cells.get(k)).cloned().unwrap_or_default()
                };
                let input = UserInput {
                    login: get(Some(login_col)),
                    display_name: get(name_col),
                    email: get(mail_col),
                };
                let result = input.validate().and_then(|v| {
                    rows::check_unique(c, Entity::User, "login", &v.login, None)?;
                    rows::insert(c, Entity::User, people::user_cols(&v))
                });
                let errors: Vec<FieldError> = match &result {
                    Ok(_) => Vec::new(),
                    Err(e) => e.to_api(lang).fields,
                };
                report.push(ImportRow {
                    line: (i + 1) as u32,
                    login: input.login.trim().to_string(),
                    created: result.is_ok(),
                    errors,
                });
            }
            Ok(report)
        })
    }

    // ---- groups -----------------------------------------------------------------------

    pub fn list_groups(&self, q: &str) -> Result<Vec<Group>> {
        people::groups(&self.db().conn, q)
    }

    pub fn get_group(&self, id: i64) -> Result<Group> {
        people::get_group(&self.db().conn, id)
    }

    pub fn create_group(&self, input: &GroupInput) -> Result<Group> {
        tx(self, |c| self.create_group_in(c, input))
    }

    pub(crate) fn create_group_in(&self, c: &Connection, input: &GroupInput) -> Result<Group> {
        let v = input.validate()?;
        rows::check_unique(c, Entity::Group, "name", &v.name, None)?;
        check_users_exist(c, "member_ids", &v.member_ids)?;
        let id = rows::insert(c, Entity::Group, people::group_cols(&v))?;
        rows::set_links(c, "group_members", "group_id", id, "user_id", &v.member_ids)?;
        people::get_group(c, id)
    }

    pub fn update_group(&self, id: i64, version: i64, input: &GroupInput) -> Result<Group> {
        let v = input.validate()?;
        tx(self, |c| {
            rows::check_unique(c, Entity::Group, "name", &v.name, Some(id))?;
            check_users_exist(c, "member_ids", &v.member_ids)?;
            rows::update(c, Entity::Group, id, version, people::group_cols(&v))?;
            rows::set_links(c, "group_members", "group_id", id, "user_id", &v.member_ids)?;
            people::get_group(c, id)
        })
    }

    /// Deletes a group. Its shared mailboxes are refused by default (the UI asks first),
    /// moved to another group, or deleted with it.
    pub fn delete_group(
        &self,
        id: i64,
        version: Option<i64>,
        fate: MailboxFate,
    ) -> Result<Removed> {
        let secret_refs = tx(self, |c| {
            rows::check_version(c, Entity::Group, id, version)?;
            let owned = accounts::owned_by_group(c, id)?;
            let mut refs = Vec::new();
            if !owned.is_empty() {
                match fate {
                    MailboxFate::Refuse => in_use(
                        c,
                        Entity::Group,
                        id,
                        owned.into_iter().map(|(_, n)| n).collect(),
                    )?,
                    MailboxFate::Reassign(target) => {
                        if target == id
                            || rows::check_ref(c, Entity::Group, "group_id", Some(target)).is_err()
                        {
                            return Err(Error::Validation(vec![FieldIssue::new(
                                "group_id",
                                FieldCode::MissingRef,
                            )
                            .arg("id", target.to_string())]));
                        }
                        c.execute(
                            "UPDATE accounts SET owner_group_id = ?2, version = version + 1 WHERE owner_group_id = ?1",
                            [id, target],
                        )?;
                    }
                    MailboxFate::Delete => {
                        for (aid, _) in owned {
                            refs.extend(rows::secret_ref(c, Entity::Account, "password", aid)?);
                            rows::delete(c, Entity::Account, aid)?;
                        }
                    }
                }
            }
            rows::delete(c, Entity::Group, id)?;
            Ok(refs)
        })?;
        Ok(Removed {
            id,
            warnings: self.forget_secrets(secret_refs.into_iter()),
        })
    }

    // ---- employees --------------------------------------------------------------------

    pub fn list_employees(&self, q: &str) -> Result<Vec<Employee>> {
        people::employees(&self.db().conn, q)
    }

    pub fn get_employee(&self, id: i64) -> Result<Employee> {
        people::get_employee(&self.db().conn, id)
    }

    pub fn create_employee(&self, input: &EmployeeInput) -> Result<Employee> {
        tx(self, |c| self.create_employee_in(c, input))
    }

    pub(crate) fn create_employee_in(
        &self,
        c: &Connection,
        input: &EmployeeInput,
    ) -> Result<Employee> {
        let v = input.validate()?;
        rows::check_unique(c, Entity::Employee, "name", &v.name, None)?;
        refs(c, &[(Entity::User, "user_id", v.user_id)])?;
        let id = rows::insert(c, Entity::Employee, people::employee_cols(&v))?;
        people::get_employee(c, id)
    }

    pub fn update_employee(
        &self,
        id: i64,
        version: i64,
        input: &EmployeeInput,
    ) -> Result<Employee> {
        let v = input.validate()?;
        tx(self, |c| {
            rows::check_unique(c, Entity::Employee, "name", &v.name, Some(id))?;
            refs(c, &[(Entity::User, "user_id", v.user_id)])?;
            rows::update(c, Entity::Employee, id, version, people::employee_cols(&v))?;
            people::get_employee(c, id)
        })
    }

    pub fn delete_employee(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        self.remove(Entity::Employee, id, version, None, |c, id| {
            rows::labels_where(c, Entity::CalendarAccount, "employee_id", id)
        })
    }

    // ---- accounts ---------------------------------------------------------------------

    pub fn list_accounts(&self, q: &str) -> Result<Vec<Account>> {
        accounts::list(&self.db().conn, q)
    }

    pub fn get_account(&self, id: i64) -> Result<Account> {
        accounts::get(&self.db().conn, id)
    }

    fn check_account_refs(&self, c: &Connection, v: &AccountInput) -> Result<()> {
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
            ],
        )?;
        check_users_exist(c, "user_ids", &v.user_ids)
    }

    pub fn create_account(&self, input: &AccountInput) -> Result<Saved<Account>> {
        tx(self, |c| self.create_account_in(c, input))
    }

    pub(crate) fn create_account_in(
        &self,
        c: &Connection,
        input: &AccountInput,
    ) -> Result<Saved<Account>> {
        let v = input.validate(None)?;
        rows::check_unique(c, Entity::Account, "name", &v.name, None)?;
        self.check_account_refs(c, &v)?;
        let id = rows::insert(c, Entity::Account, accounts::cols(&v))?;
        accounts::set_children(c, id, &v)?;
        let warnings = self.store_secret(c, Entity::Account, "password", id, &v.password)?;
        Ok(Saved {
            item: accounts::get(c, id)?,
            warnings,
        })
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
            let warnings = self.store_secret(c, Entity::Account, "password", id, &v.password)?;
            Ok(Saved {
                item: accounts::get(c, id)?,
                warnings,
            })
        })
    }

    pub fn delete_account(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        let tokens = crate::store::oauth::tokens_ref(&self.db().conn, id)?;
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

    /// The outgoing server the account really uses and where that comes from.
    pub fn effective_outgoing(&self, id: i64) -> Result<EffectiveOutgoing> {
        accounts::effective_outgoing(&self.db().conn, id)
    }

    pub fn account_password(&self, id: i64) -> Result<Option<String>> {
        let r = rows::secret_ref(&self.db().conn, Entity::Account, "password", id)?;
        self.read_secret(r)
    }

    // ---- calendar accounts ------------------------------------------------------------

    pub fn list_calendars(&self, q: &str) -> Result<Vec<CalendarAccount>> {
        calendar::list(&self.db().conn, q)
    }

    pub fn get_calendar(&self, id: i64) -> Result<CalendarAccount> {
        calendar::get(&self.db().conn, id)
    }

    pub fn create_calendar(&self, input: &CalendarInput) -> Result<Saved<CalendarAccount>> {
        tx(self, |c| self.create_calendar_in(c, input))
    }

    pub(crate) fn create_calendar_in(
        &self,
        c: &Connection,
        input: &CalendarInput,
    ) -> Result<Saved<CalendarAccount>> {
        let v = input.validate()?;
        rows::check_unique(c, Entity::CalendarAccount, "name", &v.name, None)?;
        refs(c, &[(Entity::Employee, "employee_id", v.employee_id)])?;
        let id = rows::insert(c, Entity::CalendarAccount, calendar::cols(&v))?;
        let warnings =
            self.store_secret(c, Entity::CalendarAccount, "password", id, &v.password)?;
        Ok(Saved {
            item: calendar::get(c, id)?,
            warnings,
        })
    }

    pub fn update_calendar(
        &self,
        id: i64,
        version: i64,
        input: &CalendarInput,
    ) -> Result<Saved<CalendarAccount>> {
        let v = input.validate()?;
        tx(self, |c| {
            rows::check_unique(c, Entity::CalendarAccount, "name", &v.name, Some(id))?;
            refs(c, &[(Entity::Employee, "employee_id", v.employee_id)])?;
            rows::update(c, Entity::CalendarAccount, id, version, calendar::cols(&v))?;
            let warnings =
                self.store_secret(c, Entity::CalendarAccount, "password", id, &v.password)?;
            Ok(Saved {
                item: calendar::get(c, id)?,
                warnings,
            })
        })
    }

    pub fn delete_calendar(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        self.remove(
            Entity::CalendarAccount,
            id,
            version,
            Some("password"),
            nobody,
        )
    }

    // ---- certificates -----------------------------------------------------------------

    pub fn list_certificates(&self, q: &str) -> Result<Vec<Certificate>> {
        certs::list(&self.db().conn, q)
    }

    pub fn get_certificate(&self, id: i64) -> Result<Certificate> {
        certs::get(&self.db().conn, id)
    }

    /// Imports a PEM or PKCS#12 file; the passphrase (or an unencrypted private key) goes to
    /// the keyring.
    pub fn import_certificate(&self, input: &CertImport) -> Result<Saved<Certificate>> {
        tx(self, |c| self.import_certificate_in(c, input))
    }

    pub(crate) fn import_certificate_in(
        &self,
        c: &Connection,
        input: &CertImport,
    ) -> Result<Saved<Certificate>> {
        use base64::Engine;
        let mut issues = crate::validate::Issues::default();
        let name = input.name.trim().to_string();
        issues.text("name", &name, super::super::model::server::NAME_MAX, true);
        let bytes = match base64::engine::general_purpose::STANDARD.decode(input.data_base64.trim())
        {
            Ok(b) if !b.is_empty() => b,
            Ok(_) => {
                issues.push(FieldIssue::new("data", FieldCode::Required));
                Vec::new()
            }
            Err(e) => {
                issues.push(
                    FieldIssue::new("data", FieldCode::CertificateInvalid)
                        .arg("reason", format!("base64: {e}")),
                );
                Vec::new()
            }
        };
        if bytes.len() > 1_000_000 {
            issues.push(FieldIssue::new("data", FieldCode::TooLong).arg("max", "1000000"));
        }
        if !issues.is_empty() {
            return Err(Error::Validation(issues.0));
        }
        let parsed = parse_cert(&bytes, input.passphrase.as_deref())?;
        rows::check_unique(c, Entity::Certificate, "name", &name, None)?;
        let dup: Option<String> = rusqlite::OptionalExtension::optional(c.query_row(
            "SELECT name FROM certificates WHERE sha256 = ?1",
            [&parsed.sha256],
            |r| r.get(0),
        ))?;
        if let Some(other) = dup {
            return Err(Error::Validation(vec![FieldIssue::new(
                "data",
                FieldCode::Duplicate,
            )
            .arg("value", other)]));
        }
        let id = rows::insert(c, Entity::Certificate, certs::cols(&name, &parsed))?;
        let update = match &parsed.secret {
            Some(s) => SecretUpdate::set(s.clone()),
            None => SecretUpdate::Keep,
        };
        let warnings = self.store_secret(c, Entity::Certificate, "secret", id, &update)?;
        Ok(Saved {
            item: certs::get(c, id)?,
            warnings,
        })
    }

    pub fn rename_certificate(&self, id: i64, version: i64, name: &str) -> Result<Certificate> {
        let name = name.trim().to_string();
        let mut issues = crate::validate::Issues::default();
        issues.text("name", &name, super::super::model::server::NAME_MAX, true);
        if !issues.is_empty() {
            return Err(Error::Validation(issues.0));
        }
        tx(self, |c| {
            rows::check_unique(c, Entity::Certificate, "name", &name, Some(id))?;
            rows::update(
                c,
                Entity::Certificate,
                id,
                version,
                vec![("name", name.clone().into())],
            )?;
            certs::get(c, id)
        })
    }

    pub fn delete_certificate(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        self.remove(
            Entity::Certificate,
            id,
            version,
            Some("secret"),
            certs::used_by,
        )
    }

    // ---- general settings -------------------------------------------------------------

    pub fn get_settings(&self) -> Result<GeneralSettings> {
        settings::get(&self.db().conn)
    }

    /// Saves the settings if nobody changed them since `s.version` was read.
    pub fn save_settings(&self, s: &GeneralSettings) -> Result<GeneralSettings> {
        s.validate()?;
        tx(self, |c| {
            settings::save(c, s)?;
            settings::get(c)
        })
    }

    // ---- templates and presets --------------------------------------------------------

    pub fn list_templates(&self, q: &str) -> Result<Vec<Template>> {
        settings::templates(&self.db().conn, q)
    }

    pub fn get_template(&self, id: i64) -> Result<Template> {
        settings::get_template(&self.db().conn, id)
    }

    pub fn create_template(&self, input: &TemplateInput) -> Result<Template> {
        tx(self, |c| self.create_template_in(c, input))
    }

    pub(crate) fn create_template_in(
        &self,
        c: &Connection,
        input: &TemplateInput,
    ) -> Result<Template> {
        let v = input.validate()?;
        rows::check_unique(c, Entity::Template, "name", &v.name, None)?;
        let id = rows::insert(c, Entity::Template, settings::template_cols(&v))?;
        settings::get_template(c, id)
    }

    pub fn update_template(
        &self,
        id: i64,
        version: i64,
        input: &TemplateInput,
    ) -> Result<Template> {
        let v = input.validate()?;
        tx(self, |c| {
            rows::check_unique(c, Entity::Template, "name", &v.name, Some(id))?;
            rows::update(
                c,
                Entity::Template,
                id,
                version,
                settings::template_cols(&v),
            )?;
            settings::get_template(c, id)
        })
    }

    pub fn delete_template(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        self.remove(Entity::Template, id, version, None, nobody)
    }

    pub fn presets(&self) -> Vec<Preset> {
        presets()
    }
}

/// Splits one CSV line, honouring double quotes (with `""` as an escaped quote).
pub fn split_csv(line: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}
