//! `mbadmin calendar list|show|add|edit|rm`.

use crate::common::{find, stdin_secret};
use crate::{fmt, Output};
use clap::{Args, Subcommand, ValueEnum};
use mailbox_admin_core::error::Entity;
use mailbox_admin_core::model::*;
use mailbox_admin_core::{ApiError, App};

#[derive(Subcommand)]
pub enum Cmd {
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
        #[command(flatten)]
        f: Fields,
    },
    Edit {
        calendar: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, conflicts_with = "password_stdin")]
        clear_password: bool,
        #[command(flatten)]
        f: Fields,
    },
    #[command(alias = "remove", alias = "delete")]
    Rm {
        calendar: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum BackendArg {
    Outlook,
    Caldav,
    Microsoft365,
}

#[derive(Args)]
pub struct Fields {
    /// The employee whose calendar syncs (name).
    #[arg(long)]
    employee: Option<String>,
    #[arg(long)]
    backend: Option<BackendArg>,
    /// Outlook profile name.
    #[arg(long)]
    profile: Option<String>,
    #[arg(long)]
    calendar_name: Option<String>,
    #[arg(long)]
    caldav_url: Option<String>,
    #[arg(long)]
    user: Option<String>,
    #[arg(long)]
    password_stdin: bool,
    /// Days into the past to sync.
    #[arg(long, allow_negative_numbers = true)]
    days_back: Option<i64>,
    /// Days into the future to sync.
    #[arg(long, allow_negative_numbers = true)]
    days_ahead: Option<i64>,
}

impl Fields {
    fn apply(self, app: &App, i: &mut CalendarInput) -> Result<(), ApiError> {
        if let Some(e) = self.employee {
            i.employee_id = Some(find(app, Entity::Employee, &e)?);
        }
        if let Some(b) = self.backend {
            i.backend = match b {
                BackendArg::Outlook => CalendarBackend::Outlook,
                BackendArg::Caldav => CalendarBackend::Caldav,
                BackendArg::Microsoft365 => CalendarBackend::Microsoft365,
            };
        }
        if let Some(v) = self.profile {
            i.outlook_profile = v;
        }
        if let Some(v) = self.calendar_name {
            i.calendar_name = v;
        }
        if let Some(v) = self.caldav_url {
            i.caldav_url = v;
        }
        if let Some(v) = self.user {
            i.username = v;
        }
        if self.password_stdin {
            i.password = SecretUpdate::set(stdin_secret()?);
        }
        if let Some(v) = self.days_back {
            i.sync_days_back = v;
        }
        if let Some(v) = self.days_ahead {
            i.sync_days_ahead = v;
        }
        Ok(())
    }
}

pub fn run(app: &App, cmd: Cmd) -> Result<Output, ApiError> {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    match cmd {
        Cmd::List { search } => {
            let l = app.list_calendars(&search).map_err(err)?;
            Ok(Output::new(
                &l,
                fmt::table(&l, &["name", "backend", "outlook_profile", "calendar_name"]),
            ))
        }
        Cmd::Show { name } => {
            let c = app
                .get_calendar(find(app, Entity::CalendarAccount, &name)?)
                .map_err(err)?;
            Ok(Output::new(&c, fmt::record(&c)))
        }
        Cmd::Add { name, f } => {
            let mut i = CalendarInput {
                name,
                ..Default::default()
            };
            f.apply(app, &mut i)?;
            Output::saved(app.create_calendar(&i).map_err(err)?, "created")
        }
        Cmd::Edit {
            calendar,
            name,
            clear_password,
            f,
        } => {
            let cur = app
                .get_calendar(find(app, Entity::CalendarAccount, &calendar)?)
                .map_err(err)?;
            let mut i = CalendarInput::from(&cur);
            if let Some(n) = name {
                i.name = n;
            }
            f.apply(app, &mut i)?;
            if clear_password {
                i.password = SecretUpdate::Clear;
            }
            Output::saved(
                app.update_calendar(cur.id, cur.version, &i).map_err(err)?,
                "saved",
            )
        }
        Cmd::Rm { calendar } => {
            let cur = app
                .get_calendar(find(app, Entity::CalendarAccount, &calendar)?)
                .map_err(err)?;
            Output::removed(
                app.delete_calendar(cur.id, Some(cur.version))
                    .map_err(err)?,
                &cur.name,
            )
        }
    }
}
