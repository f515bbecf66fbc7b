//! `mbadmin company|user|group|employee ...`.

use crate::common::{find, opt_ref, refs};
use crate::crud::set_refs;
use crate::crud::{
    self, set, Build, Cli, Companies, Crud, EditArgs, Employees, Fill, Groups, NoArgs, Users, R,
};
use crate::Output;
use clap::{Args, Subcommand};
use mailbox_admin_core::error::Entity;
use mailbox_admin_core::model::*;
use mailbox_admin_core::{ApiError, App};

#[derive(Args)]
pub struct CompanyAdd {
    #[arg(long)]
    name: String,
    #[arg(long, default_value = "")]
    code: String,
    /// Outgoing server (name) the company's accounts inherit, or `none`.
    #[arg(long)]
    default_outgoing: Option<String>,
}

impl Build<CompanyInput> for CompanyAdd {
    fn build(self, app: &App) -> R<CompanyInput> {
        let outgoing = self.default_outgoing.unwrap_or_default();
        Ok(CompanyInput {
            name: self.name,
            code: self.code,
            default_outgoing_server_id: opt_ref(app, Entity::OutgoingServer, &outgoing)?,
        })
    }
}

#[derive(Args)]
pub struct CompanyEdit {
    #[arg(long)]
    code: Option<String>,
    #[arg(long)]
    default_outgoing: Option<String>,
}

impl Fill<CompanyInput> for CompanyEdit {
    fn fill(self, app: &App, i: &mut CompanyInput) -> R<()> {
        set!(self => i; code => code);
        set_refs!(app, self => i; default_outgoing => default_outgoing_server_id: opt_ref(OutgoingServer));
        Ok(())
    }
}

impl Cli for Companies {
    type Add = CompanyAdd;
    type Edit = EditArgs<CompanyEdit>;
    type Rm = NoArgs;
    const COLUMNS: &'static [&'static str] = &["name", "code", "default_outgoing_server_id"];
    const TARGET: &'static str = "COMPANY";
}

#[derive(Subcommand)]
pub enum UserCmd {
    #[command(flatten)]
    Crud(Crud<Users>),
    /// Import users from a CSV file (`login,display_name,email`; `;` and German headers work).
    Import { file: std::path::PathBuf },
}

#[derive(Args)]
pub struct UserAdd {
    #[arg(long)]
    login: String,
    #[arg(long, default_value = "")]
    display_name: String,
    #[arg(long, default_value = "")]
    email: String,
}

#[derive(Args)]
pub struct UserEdit {
    #[arg(long)]
    login: Option<String>,
    #[arg(long)]
    display_name: Option<String>,
    #[arg(long)]
    email: Option<String>,
}

impl Cli for Users {
    type Add = UserAdd;
    type Edit = UserEdit;
    type Rm = NoArgs;
    const COLUMNS: &'static [&'static str] = &["login", "display_name", "email"];
    const NAME: &'static str = "LOGIN";
    const TARGET: &'static str = "USER";
}

impl Build<UserInput> for UserAdd {
    fn build(self, _app: &App) -> R<UserInput> {
        Ok(UserInput {
            login: self.login,
            display_name: self.display_name,
            email: self.email,
        })
    }
}

impl Fill<UserInput> for UserEdit {
    fn fill(self, _app: &App, i: &mut UserInput) -> R<()> {
        set!(self => i; login => login, display_name => display_name, email => email);
        Ok(())
    }
}

#[derive(Args)]
pub struct GroupAdd {
    #[arg(long)]
    name: String,
    #[arg(long, default_value = "")]
    description: String,
    /// Comma-separated logins.
    #[arg(long, default_value = "")]
    members: String,
}

impl Build<GroupInput> for GroupAdd {
    fn build(self, app: &App) -> R<GroupInput> {
        Ok(GroupInput {
            member_ids: refs(app, Entity::User, &self.members)?,
            name: self.name,
            description: self.description,
        })
    }
}

#[derive(Args)]
pub struct GroupEdit {
    #[arg(long)]
    description: Option<String>,
    /// Comma-separated logins (replaces the members).
    #[arg(long)]
    members: Option<String>,
}

impl Fill<GroupInput> for GroupEdit {
    fn fill(self, app: &App, i: &mut GroupInput) -> R<()> {
        set!(self => i; description => description);
        set_refs!(app, self => i; members => member_ids: refs(User));
        Ok(())
    }
}

#[derive(Args)]
pub struct GroupRm {
    /// Move the group's shared mailboxes to this group.
    #[arg(long, conflicts_with = "delete_mailboxes")]
    reassign_to: Option<String>,
    /// Delete the group's shared mailboxes too.
    #[arg(long)]
    delete_mailboxes: bool,
}

impl Cli for Groups {
    type Add = GroupAdd;
    type Edit = EditArgs<GroupEdit>;
    type Rm = GroupRm;
    const COLUMNS: &'static [&'static str] = &["name", "description", "member_ids"];
    const TARGET: &'static str = "GROUP";
    const HELP: crud::Help = crud::Help {
        rm: Some("Delete a group; its shared mailboxes must be moved or deleted explicitly"),
        ..crud::Help::NONE
    };

    fn rm(app: &App, cur: Group, r: GroupRm) -> R<Output> {
        let fate = match (r.reassign_to, r.delete_mailboxes) {
            (Some(t), _) => MailboxFate::Reassign(find(app, Entity::Group, &t)?),
            (None, true) => MailboxFate::Delete,
            (None, false) => MailboxFate::Refuse,
        };
        let removed = app
            .delete_group(cur.id, Some(cur.version), fate)
            .map_err(|e| {
                let mut api = app.api_error(&e);
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

#[derive(Args)]
pub struct EmployeeAdd {
    #[arg(long)]
    name: String,
    #[arg(long, default_value = "")]
    email: String,
    #[arg(long, default_value = "")]
    personnel_number: String,
    /// The app user (login) this employee is, if any.
    #[arg(long)]
    user: Option<String>,
}

impl Build<EmployeeInput> for EmployeeAdd {
    fn build(self, app: &App) -> R<EmployeeInput> {
        Ok(EmployeeInput {
            user_id: opt_ref(app, Entity::User, &self.user.unwrap_or_default())?,
            name: self.name,
            email: self.email,
            personnel_number: self.personnel_number,
        })
    }
}

#[derive(Args)]
pub struct EmployeeEdit {
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    personnel_number: Option<String>,
    #[arg(long)]
    user: Option<String>,
}

impl Cli for Employees {
    type Add = EmployeeAdd;
    type Edit = EditArgs<EmployeeEdit>;
    type Rm = NoArgs;
    const COLUMNS: &'static [&'static str] = &["name", "email", "personnel_number"];
    const TARGET: &'static str = "EMPLOYEE";
}

impl Fill<EmployeeInput> for EmployeeEdit {
    fn fill(self, app: &App, i: &mut EmployeeInput) -> R<()> {
        set!(self => i; email => email, personnel_number => personnel_number);
        set_refs!(app, self => i; user => user_id: opt_ref(User));
        Ok(())
    }
}

pub fn user(app: &App, cmd: UserCmd) -> R<Output> {
    match cmd {
        UserCmd::Crud(c) => crud::run(app, c),
        UserCmd::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| ApiError::internal(format!("{}: {e}", file.display())))?;
            let report = app.import_users_csv(&text).map_err(|e| app.api_error(&e))?;
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
