//! Companies (Betrieb/Mandant), users, groups with members, and employees (whose calendars
//! sync; an employee need not be an app user).

use crate::diag::FieldCode;
use crate::error::{Error, FieldIssue, Result};
use crate::validate::{email_problem, Issues};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::server::{NAME_MAX, TEXT_MAX};

fn email_field(issues: &mut Issues, field: &'static str, value: &str, required: bool) {
    issues.text(field, value, TEXT_MAX, required);
    if !value.is_empty() && !issues.has(field) {
        if let Some(reason) = email_problem(value) {
            issues.push(FieldIssue::new(field, FieldCode::EmailInvalid).arg("reason", reason));
        }
    }
}

pub(crate) fn check_email(issues: &mut Issues, field: &'static str, value: &str, required: bool) {
    email_field(issues, field, value, required)
}

fn done<T>(issues: Issues, v: T) -> Result<T> {
    if issues.is_empty() {
        Ok(v)
    } else {
        Err(Error::Validation(issues.0))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Company {
    pub id: i64,
    pub version: i64,
    pub name: String,
    /// Short code (Mandantennummer), optional.
    pub code: String,
    /// The company's default outgoing server, inherited by its accounts.
    pub default_outgoing_server_id: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
pub struct CompanyInput {
    pub name: String,
    pub code: String,
    pub default_outgoing_server_id: Option<i64>,
}

impl CompanyInput {
    pub fn validate(&self) -> Result<CompanyInput> {
        let mut issues = Issues::default();
        let v = CompanyInput {
            name: self.name.trim().into(),
            code: self.code.trim().into(),
            default_outgoing_server_id: self.default_outgoing_server_id,
        };
        issues.text("name", &v.name, NAME_MAX, true);
        issues.text("code", &v.code, 50, false);
        done(issues, v)
    }
}

impl From<&Company> for CompanyInput {
    fn from(c: &Company) -> Self {
        CompanyInput {
            name: c.name.clone(),
            code: c.code.clone(),
            default_outgoing_server_id: c.default_outgoing_server_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct User {
    pub id: i64,
    pub version: i64,
    pub login: String,
    pub display_name: String,
    pub email: String,
    pub group_ids: Vec<i64>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
pub struct UserInput {
    pub login: String,
    pub display_name: String,
    pub email: String,
}

impl UserInput {
    pub fn validate(&self) -> Result<UserInput> {
        let mut issues = Issues::default();
        let v = UserInput {
            login: self.login.trim().into(),
            display_name: self.display_name.trim().into(),
            email: self.email.trim().into(),
        };
        issues.text("login", &v.login, NAME_MAX, true);
        if !issues.has("login") && v.login.chars().any(char::is_whitespace) {
            issues.push(FieldIssue::new("login", FieldCode::NoSpaces));
        }
        issues.text("display_name", &v.display_name, NAME_MAX, false);
        email_field(&mut issues, "email", &v.email, false);
        done(issues, v)
    }
}

impl From<&User> for UserInput {
    fn from(u: &User) -> Self {
        UserInput {
            login: u.login.clone(),
            display_name: u.display_name.clone(),
            email: u.email.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Group {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub description: String,
    pub member_ids: Vec<i64>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
pub struct GroupInput {
    pub name: String,
    pub description: String,
    pub member_ids: Vec<i64>,
}

impl GroupInput {
    pub fn validate(&self) -> Result<GroupInput> {
        let mut issues = Issues::default();
        let mut members = self.member_ids.clone();
        members.sort_unstable();
        members.dedup();
        let v = GroupInput {
            name: self.name.trim().into(),
            description: self.description.trim().into(),
            member_ids: members,
        };
        issues.text("name", &v.name, NAME_MAX, true);
        issues.text("description", &v.description, TEXT_MAX, false);
        done(issues, v)
    }
}

impl From<&Group> for GroupInput {
    fn from(g: &Group) -> Self {
        GroupInput {
            name: g.name.clone(),
            description: g.description.clone(),
            member_ids: g.member_ids.clone(),
        }
    }
}

/// What happens to the shared mailboxes of a group that is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(tag = "action", content = "group_id", rename_all = "snake_case")]
pub enum MailboxFate {
    /// Refuse the delete while the group owns a mailbox (the question is asked first).
    #[default]
    Refuse,
    /// Move the mailboxes to another group.
    Reassign(i64),
    /// Delete the mailboxes with the group.
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Employee {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub email: String,
    pub personnel_number: String,
    /// The app user this employee is, if any.
    pub user_id: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
pub struct EmployeeInput {
    pub name: String,
    pub email: String,
    pub personnel_number: String,
    pub user_id: Option<i64>,
}

impl EmployeeInput {
    pub fn validate(&self) -> Result<EmployeeInput> {
        let mut issues = Issues::default();
        let v = EmployeeInput {
            name: self.name.trim().into(),
            email: self.email.trim().into(),
            personnel_number: self.personnel_number.trim().into(),
            user_id: self.user_id,
        };
        issues.text("name", &v.name, NAME_MAX, true);
        email_field(&mut issues, "email", &v.email, false);
        issues.text("personnel_number", &v.personnel_number, 50, false);
        done(issues, v)
    }
}

impl From<&Employee> for EmployeeInput {
    fn from(e: &Employee) -> Self {
        EmployeeInput {
            name: e.name.clone(),
            email: e.email.clone(),
            personnel_number: e.personnel_number.clone(),
            user_id: e.user_id,
        }
    }
}

/// One row of a CSV user import and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportRow {
    /// 1-based line number in the file (the header is line 1).
    pub line: u32,
    pub login: String,
    pub created: bool,
    /// Why the row was refused, per field.
    pub errors: Vec<crate::error::FieldError>,
}
