//! SQL for companies, users, groups (with members) and employees.

use super::rows::{self, Cols};
use super::Tx;
use crate::error::{Entity, Result};
use crate::model::{
    Company, CompanyInput, Employee, EmployeeInput, Group, GroupInput, User, UserInput,
};
use rusqlite::Row;

fn company(r: &Row) -> rusqlite::Result<Company> {
    Ok(Company {
        id: r.get("id")?,
        version: r.get("version")?,
        name: r.get("name")?,
        code: r.get("code")?,
        default_outgoing_server_id: r.get("default_outgoing_server_id")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn company_cols(v: &CompanyInput) -> Cols {
    vec![
        ("name", v.name.clone().into()),
        ("code", v.code.clone().into()),
        (
            "default_outgoing_server_id",
            v.default_outgoing_server_id.into(),
        ),
    ]
}

pub fn companies(conn: &Tx, q: &str) -> Result<Vec<Company>> {
    rows::searched(conn, "companies", "name || ' ' || code", "name", q, company)
}

pub fn get_company(conn: &Tx, id: i64) -> Result<Company> {
    rows::one(conn, Entity::Company, id, company)
}

fn user_row(r: &Row) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get("id")?,
        version: r.get("version")?,
        login: r.get("login")?,
        display_name: r.get("display_name")?,
        email: r.get("email")?,
        group_ids: Vec::new(),
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn user_cols(v: &UserInput) -> Cols {
    vec![
        ("login", v.login.clone().into()),
        ("display_name", v.display_name.clone().into()),
        ("email", v.email.clone().into()),
    ]
}

fn with_groups(conn: &Tx, mut u: User) -> Result<User> {
    u.group_ids = rows::links(conn, "group_members", "user_id", u.id, "group_id")?;
    Ok(u)
}

pub fn users(conn: &Tx, q: &str) -> Result<Vec<User>> {
    rows::searched(
        conn,
        "users",
        "login || ' ' || display_name || ' ' || email",
        "login",
        q,
        user_row,
    )?
    .into_iter()
    .map(|u| with_groups(conn, u))
    .collect()
}

pub fn get_user(conn: &Tx, id: i64) -> Result<User> {
    with_groups(conn, rows::one(conn, Entity::User, id, user_row)?)
}

fn group_row(r: &Row) -> rusqlite::Result<Group> {
    Ok(Group {
        id: r.get("id")?,
        version: r.get("version")?,
        name: r.get("name")?,
        description: r.get("description")?,
        member_ids: Vec::new(),
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn group_cols(v: &GroupInput) -> Cols {
    vec![
        ("name", v.name.clone().into()),
        ("description", v.description.clone().into()),
    ]
}

fn with_members(conn: &Tx, mut g: Group) -> Result<Group> {
    g.member_ids = rows::links(conn, "group_members", "group_id", g.id, "user_id")?;
    Ok(g)
}

pub fn groups(conn: &Tx, q: &str) -> Result<Vec<Group>> {
    rows::searched(
        conn,
        "groups",
        "name || ' ' || description",
        "name",
        q,
        group_row,
    )?
    .into_iter()
    .map(|g| with_members(conn, g))
    .collect()
}

pub fn get_group(conn: &Tx, id: i64) -> Result<Group> {
    with_members(conn, rows::one(conn, Entity::Group, id, group_row)?)
}

fn employee_row(r: &Row) -> rusqlite::Result<Employee> {
    Ok(Employee {
        id: r.get("id")?,
        version: r.get("version")?,
        name: r.get("name")?,
        email: r.get("email")?,
        personnel_number: r.get("personnel_number")?,
        user_id: r.get("user_id")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn employee_cols(v: &EmployeeInput) -> Cols {
    vec![
        ("name", v.name.clone().into()),
        ("email", v.email.clone().into()),
        ("personnel_number", v.personnel_number.clone().into()),
        ("user_id", v.user_id.into()),
    ]
}

pub fn employees(conn: &Tx, q: &str) -> Result<Vec<Employee>> {
    rows::searched(
        conn,
        "employees",
        "name || ' ' || email || ' ' || personnel_number",
        "name",
        q,
        employee_row,
    )
}

pub fn get_employee(conn: &Tx, id: i64) -> Result<Employee> {
    rows::one(conn, Entity::Employee, id, employee_row)
}
