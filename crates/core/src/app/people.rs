//! Companies, users (with CSV import), groups (and what happens to their shared mailboxes
//! when one is deleted) and employees.

use super::records::{check_users_exist, in_use, refs, tx};
use super::{App, Removed};
use crate::diag::FieldCode;
use crate::error::{Entity, Error, FieldError, FieldIssue, Result};
use crate::model::*;
use crate::store::rows::At;
use crate::store::Tx;
use crate::store::{accounts, people, rows};

impl App {
    // ---- companies --------------------------------------------------------------------

    pub fn list_companies(&self, q: &str) -> Result<Vec<Company>> {
        people::companies(self.db().read(), q)
    }

    pub fn get_company(&self, id: i64) -> Result<Company> {
        people::get_company(self.db().read(), id)
    }

    pub fn create_company(&self, input: &CompanyInput) -> Result<Company> {
        tx(self, |c| self.create_company_in(c, input))
    }

    pub(crate) fn create_company_in(&self, c: &Tx, input: &CompanyInput) -> Result<Company> {
        save_company(c, At::New, input)
    }

    pub fn update_company(&self, id: i64, version: i64, input: &CompanyInput) -> Result<Company> {
        tx(self, |c| save_company(c, At::Row { id, version }, input))
    }

    pub fn delete_company(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        self.remove(Entity::Company, id, version, None, |c, id| {
            rows::labels_where(c, Entity::Account, "company_id", id)
        })
    }

    // ---- users ------------------------------------------------------------------------

    pub fn list_users(&self, q: &str) -> Result<Vec<User>> {
        people::users(self.db().read(), q)
    }

    pub fn get_user(&self, id: i64) -> Result<User> {
        people::get_user(self.db().read(), id)
    }

    pub fn create_user(&self, input: &UserInput) -> Result<User> {
        tx(self, |c| self.create_user_in(c, input))
    }

    pub(crate) fn create_user_in(&self, c: &Tx, input: &UserInput) -> Result<User> {
        save_user(c, At::New, input)
    }

    pub fn update_user(&self, id: i64, version: i64, input: &UserInput) -> Result<User> {
        tx(self, |c| save_user(c, At::Row { id, version }, input))
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
        // Excel and Notepad write a byte-order mark before the header.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let sep = if first.matches(';').count() > first.matches(',').count() {
            b';'
        } else {
            b','
        };
        // The csv crate: quoted fields may hold separators, quotes and line breaks.
        let mut records = csv::ReaderBuilder::new()
            .delimiter(sep)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .into_records()
            .filter(|r| !matches!(r, Ok(rec) if rec.iter().all(|f| f.trim().is_empty())));
        let unreadable = |e: csv::Error| {
            Error::Validation(vec![
                FieldIssue::new("csv", FieldCode::CsvInvalid).arg("reason", e.to_string())
            ])
        };
        let Some(header) = records.next().transpose().map_err(unreadable)? else {
            return Err(Error::Validation(vec![FieldIssue::new(
                "csv",
                FieldCode::Required,
            )]));
        };
        let cols: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
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
        let body: Vec<csv::StringRecord> = records
            .collect::<std::result::Result<_, _>>()
            .map_err(unreadable)?;
        // The line a record starts on, counted in the text (a quoted field may span lines).
        // The csv crate's position can lie on the line break before the record (after CRLF,
        // or before skipped blank lines): step over line breaks first.
        let line_at = |byte: u64| {
            let bytes = text.as_bytes();
            let mut start = (byte as usize).min(bytes.len());
            while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                start += 1;
            }
            bytes[..start].iter().filter(|b| **b == b'\n').count() as u32 + 1
        };
        tx(self, |c| {
            let mut report = Vec::new();
            for rec in &body {
                let get = |col: Option<usize>| {
                    col.and_then(|k| rec.get(k)).unwrap_or_default().to_string()
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
                // A refused row is the row's problem; anything else (the database) stops
                // the whole import, and nothing of it is kept.
                let errors: Vec<FieldError> = match result {
                    Ok(_) => Vec::new(),
                    Err(e @ Error::Validation(_)) => e.to_api(lang).fields,
                    Err(e) => return Err(e),
                };
                report.push(ImportRow {
                    line: line_at(rec.position().map_or(0, |p| p.byte())),
                    login: input.login.trim().to_string(),
                    created: errors.is_empty(),
                    errors,
                });
            }
            Ok(report)
        })
    }

    // ---- groups -----------------------------------------------------------------------

    pub fn list_groups(&self, q: &str) -> Result<Vec<Group>> {
        people::groups(self.db().read(), q)
    }

    pub fn get_group(&self, id: i64) -> Result<Group> {
        people::get_group(self.db().read(), id)
    }

    pub fn create_group(&self, input: &GroupInput) -> Result<Group> {
        tx(self, |c| self.create_group_in(c, input))
    }

    pub(crate) fn create_group_in(&self, c: &Tx, input: &GroupInput) -> Result<Group> {
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
                        accounts::reassign_group(c, id, target)?;
                    }
                    MailboxFate::Delete => {
                        for (aid, _) in owned {
                            refs.extend(rows::secret_ref(c, Entity::Account, "password", aid)?);
                            rows::delete(c, Entity::Account, aid)?;
                        }
                    }
                }
            }
            // An attachments permission group is not given away silently: refused while an
            // account (left) names it.
            in_use(c, Entity::Group, id, accounts::attachments_of_group(c, id)?)?;
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
        people::employees(self.db().read(), q)
    }

    pub fn get_employee(&self, id: i64) -> Result<Employee> {
        people::get_employee(self.db().read(), id)
    }

    pub fn create_employee(&self, input: &EmployeeInput) -> Result<Employee> {
        tx(self, |c| self.create_employee_in(c, input))
    }

    pub(crate) fn create_employee_in(&self, c: &Tx, input: &EmployeeInput) -> Result<Employee> {
        save_employee(c, At::New, input)
    }

    pub fn update_employee(
        &self,
        id: i64,
        version: i64,
        input: &EmployeeInput,
    ) -> Result<Employee> {
        tx(self, |c| save_employee(c, At::Row { id, version }, input))
    }

    pub fn delete_employee(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        self.remove(Entity::Employee, id, version, None, |c, id| {
            rows::labels_where(c, Entity::CalendarAccount, "employee_id", id)
        })
    }
}

fn save_company(c: &Tx, at: At, input: &CompanyInput) -> Result<Company> {
    let v = input.validate()?;
    rows::check_unique(c, Entity::Company, "name", &v.name, at.id())?;
    refs(
        c,
        &[(
            Entity::OutgoingServer,
            "default_outgoing_server_id",
            v.default_outgoing_server_id,
        )],
    )?;
    let id = rows::save(c, Entity::Company, at, people::company_cols(&v))?;
    people::get_company(c, id)
}

fn save_user(c: &Tx, at: At, input: &UserInput) -> Result<User> {
    let v = input.validate()?;
    rows::check_unique(c, Entity::User, "login", &v.login, at.id())?;
    let id = rows::save(c, Entity::User, at, people::user_cols(&v))?;
    people::get_user(c, id)
}

fn save_employee(c: &Tx, at: At, input: &EmployeeInput) -> Result<Employee> {
    let v = input.validate()?;
    rows::check_unique(c, Entity::Employee, "name", &v.name, at.id())?;
    refs(c, &[(Entity::User, "user_id", v.user_id)])?;
    let id = rows::save(c, Entity::Employee, at, people::employee_cols(&v))?;
    people::get_employee(c, id)
}
