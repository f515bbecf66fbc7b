//! `mbadmin company|user|group|employee ...`.

use crate::common::{find, opt_ref, refs};
use crate::{fmt, Output};
use clap::Subcommand;
use mailbox_admin_core::error::Entity;
use mailbox_admin_core::model::*;
use mailbox_admin_core::{ApiError, App};

#[derive(Subcommand)]
pub enum CompanyCmd {
    #[command(alias = "ls")]
    List {
        #[arg(long, short, default_value = "")]
        search: String,
    },
    Show {
        name: String,
    },
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        code: String,
        /// Outgoing server (name) the company's accounts inherit, or `none`.
        #[arg(long)]
        default_outgoing: Option<String>,
    },
    Edit {
        company: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        default_outgoing: Option<String>,
    },
    #[command(alias = "remove", alias = "delete")]
    Rm {
        company: String,
    },
}

#[derive(Subcommand)]
pub enum UserCmd {
    #[command(alias = "ls")]
    List {
        #[arg(long, short, default_value = "")]
        search: String,
    },
    Show {
        login: String,
    },
    Add {
        #[arg(long)]
        login: String,
        #[arg(long, default_value = "")]
        display_name: String,
        #[arg(long, default_value = "")]
        email: String,
    },
    Edit {
        user: String,
        #[arg(long)]
        login: Option<String>,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    #[command(alias = "remove", alias = "delete")]
    Rm {
        user: String,
    },
    /// Import users from a CSV file (`login,display_name,email`; `;` and German headers work).
    Import {
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
pub enum GroupCmd {
    #[command(alias = "ls")]
    List {
        #[arg(long, short, default_value = "")]
        search: String,
    },
    Show {
        name: String,
    },
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        /// Comma-separated logins.
        #[arg(long, default_value = "")]
        members: String,
    },
    Edit {
        group: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// Comma-separated logins (replaces the members).
        #[arg(long)]
        members: Option<String>,
    },
    /// Delete a group; its shared mailboxes must be moved or deleted explicitly.
    #[command(alias = "remove", alias = "delete")]
    Rm {
        group: String,
        /// Move the group's shared mailboxes to this group.
        #[arg(long, conflicts_with = "delete_mailboxes")]
        reassign_to: Option<String>,
        /// Delete the group's shared mailboxes too.
        #[arg(long)]
        delete_mailboxes: bool,
    },
}

#[derive(Subcommand)]
pub enum EmployeeCmd {
    #[command(alias = "ls")]
    List {
        #[arg(long, short, default_value = "")]
        search: String,
    },
    Show {
        name: String,
    },
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        email: String,
        #[arg(long, default_value = "")]
        personnel_number: String,
        /// The app user (login) this employee is, if any.
        #[arg(long)]
        user: Option<String>,
    },
    Edit {
        employee: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        personnel_number: Option<String>,
        #[arg(long)]
        user: Option<String>,
    },
    #[command(alias = "remove", alias = "delete")]
    Rm {
        employee: String,
    },
}

type R = Result<Output, ApiError>;

pub fn company(app: &App, cmd: CompanyCmd) -> R {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    match cmd {
        CompanyCmd::List { search } => {
            let l = app.list_companies(&search).map_err(err)?;
            Ok(Output::new(
                &l,
                fmt::table(&l, &["name", "code", "default_outgoing_server_id"]),
            ))
        }
        CompanyCmd::Show { name } => {
            let c = app
                .get_company(find(app, Entity::Company, &name)?)
                .map_err(err)?;
            Ok(Output::new(&c, fmt::record(&c)))
        }
        CompanyCmd::Add {
            name,
            code,
            default_outgoing,
        } => {
            let input = CompanyInput {
                name,
                code,
                default_outgoing_server_id: match default_outgoing {
                    Some(s) => opt_ref(app, Entity::OutgoingServer, &s)?,
                    None => None,
                },
            };
            let c = app.create_company(&input).map_err(err)?;
            Ok(Output::new(&c, format!("created: {}", c.name)))
        }
        CompanyCmd::Edit {
            company,
            name,
            code,
            default_outgoing,
        } => {
            let cur = app
                .get_company(find(app, Entity::Company, &company)?)
                .map_err(err)?;
            let mut i = CompanyInput::from(&cur);
            if let Some(v) = name {
                i.name = v;
            }
            if let Some(v) = code {
                i.code = v;
            }
            if let Some(v) = default_outgoing {
                i.default_outgoing_server_id = opt_ref(app, Entity::OutgoingServer, &v)?;
            }
            let c = app.update_company(cur.id, cur.version, &i).map_err(err)?;
            Ok(Output::new(&c, format!("saved: {}", c.name)))
        }
        CompanyCmd::Rm { company } => {
            let cur = app
                .get_company(find(app, Entity::Company, &company)?)
                .map_err(err)?;
            Output::removed(
                app.delete_company(cur.id, Some(cur.version)).map_err(err)?,
                &cur.name,
            )
        }
    }
}

pub fn user(app: &App, cmd: UserCmd) -> R {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    match cmd {
        UserCmd::List { search } => {
            let l = app.list_users(&search).map_err(err)?;
            Ok(Output::new(
                &l,
                fmt::table(&l, &["login", "display_name", "email"]),
            ))
        }
        UserCmd::Show { login } => {
            let u = app
                .get_user(find(app, Entity::User, &login)?)
                .map_err(err)?;
            Ok(Output::new(&u, fmt::record(&u)))
        }
        UserCmd::Add {
            login,
            display_name,
            email,
        } => {
            let u = app
                .create_user(&UserInput {
                    login,
                    display_name,
                    email,
                })
                .map_err(err)?;
            Ok(Output::new(&u, format!("created: {}", u.login)))
        }
        UserCmd::Edit {
            user,
            login,
            display_name,
            email,
        } => {
            let cur = app.get_user(find(app, Entity::User, &user)?).map_err(err)?;
            let mut i = UserInput::from(&cur);
            if let Some(v) = login {
                i.login = v;
            }
            if let Some(v) = display_name {
                i.display_name = v;
            }
            if let Some(v) = email {
                i.email = v;
            }
            let u = app.update_user(cur.id, cur.version, &i).map_err(err)?;
            Ok(Output::new(&u, format!("saved: {}", u.login)))
        }
        UserCmd::Rm { user } => {
            let cur = app.get_user(find(app, Entity::User, &user)?).map_err(err)?;
            Output::removed(
                app.delete_user(cur.id, Some(cur.version)).map_err(err)?,
                &cur.login,
            )
        }
        UserCmd::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| ApiError::internal(format!("{}: {e}", file.display())))?;
            let report = app.import_users_csv(&text).map_err(err)?;
            let mut human = String::new();
            for r in &report {
                if r.created {
                    human.push_str(&format!("line {}: {} created\n", r.line, r.login));
                } else {
                    let why: Vec<String> = r
                        .errors
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.message))
                        .collect();
                    human.push_str(&format!(
                        "line {}: {} refused ({})\n",
                        r.line,
                        r.login,
                        why.join("; ")
                    ));
                }
            }
            let refused = report.iter().filter(|r| !r.created).count();
            human.push_str(&format!(
                "{} created, {} refused\n",
                report.len() - refused,
                refused
            ));
            let mut out = Output::new(&report, human);
            if refused > 0 {
                out.partial = true;
            }
            Ok(out)
        }
    }
}

pub fn group(app: &App, cmd: GroupCmd) -> R {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    match cmd {
        GroupCmd::List { search } => {
            let l = app.list_groups(&search).map_err(err)?;
            Ok(Output::new(
                &l,
                fmt::table(&l, &["name", "description", "member_ids"]),
            ))
        }
        GroupCmd::Show { name } => {
            let g = app
                .get_group(find(app, Entity::Group, &name)?)
                .map_err(err)?;
            Ok(Output::new(&g, fmt::record(&g)))
        }
        GroupCmd::Add {
            name,
            description,
            members,
        } => {
            let member_ids = refs(app, Entity::User, &members)?;
            let g = app
                .create_group(&GroupInput {
                    name,
                    description,
                    member_ids,
                })
                .map_err(err)?;
            Ok(Output::new(&g, format!("created: {}", g.name)))
        }
        GroupCmd::Edit {
            group,
            name,
            description,
            members,
        } => {
            let cur = app
                .get_group(find(app, Entity::Group, &group)?)
                .map_err(err)?;
            let mut i = GroupInput::from(&cur);
            if let Some(v) = name {
                i.name = v;
            }
            if let Some(v) = description {
                i.description = v;
            }
            if let Some(v) = members {
                i.member_ids = refs(app, Entity::User, &v)?;
            }
            let g = app.update_group(cur.id, cur.version, &i).map_err(err)?;
            Ok(Output::new(&g, format!("saved: {}", g.name)))
        }
        GroupCmd::Rm {
            group,
            reassign_to,
            delete_mailboxes,
        } => {
            let cur = app
                .get_group(find(app, Entity::Group, &group)?)
                .map_err(err)?;
            let fate = match (reassign_to, delete_mailboxes) {
                (Some(t), _) => MailboxFate::Reassign(find(app, Entity::Group, &t)?),
                (None, true) => MailboxFate::Delete,
                (None, false) => MailboxFate::Refuse,
            };
            let removed = app
                .delete_group(cur.id, Some(cur.version), fate)
                .map_err(|e| {
                    let mut api = err(e);
                    if api.code == mailbox_admin_core::ErrorCode::InUse {
                        api.message.push_str(
                            " Use --reassign-to GROUP to move the shared mailboxes, \
                             or --delete-mailboxes to delete them.",
                        );
                    }
                    api
                })?;
            Output::removed(removed, &cur.name)
        }
    }
}

pub fn employee(app: &App, cmd: EmployeeCmd) -> R {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    match cmd {
        EmployeeCmd::List { search } => {
            let l = app.list_employees(&search).map_err(err)?;
            Ok(Output::new(
                &l,
                fmt::table(&l, &["name", "email", "personnel_number"]),
            ))
        }
        EmployeeCmd::Show { name } => {
            let e = app
                .get_employee(find(app, Entity::Employee, &name)?)
                .map_err(err)?;
            Ok(Output::new(&e, fmt::record(&e)))
        }
        EmployeeCmd::Add {
            name,
            email,
            personnel_number,
            user,
        } => {
            let user_id = match user {
                Some(u) => opt_ref(app, Entity::User, &u)?,
                None => None,
            };
            let e = app
                .create_employee(&EmployeeInput {
                    name,
                    email,
                    personnel_number,
                    user_id,
                })
                .map_err(err)?;
            Ok(Output::new(&e, format!("created: {}", e.name)))
        }
        EmployeeCmd::Edit {
            employee,
            name,
            email,
            personnel_number,
            user,
        } => {
            let cur = app
                .get_employee(find(app, Entity::Employee, &employee)?)
                .map_err(err)?;
            let mut i = EmployeeInput::from(&cur);
            if let Some(v) = name {
                i.name = v;
            }
            if let Some(v) = email {
                i.email = v;
            }
            if let Some(v) = personnel_number {
                i.personnel_number = v;
            }
            if let Some(v) = user {
                i.user_id = opt_ref(app, Entity::User, &v)?;
            }
            let e = app.update_employee(cur.id, cur.version, &i).map_err(err)?;
            Ok(Output::new(&e, format!("saved: {}", e.name)))
        }
        EmployeeCmd::Rm { employee } => {
            let cur = app
                .get_employee(find(app, Entity::Employee, &employee)?)
                .map_err(err)?;
            Output::removed(
                app.delete_employee(cur.id, Some(cur.version))
                    .map_err(err)?,
                &cur.name,
            )
        }
    }
}
