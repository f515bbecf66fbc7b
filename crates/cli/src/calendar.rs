//! `mbadmin calendar list|show|add|edit|rm`.

use crate::common::{find, stdin_secret};
use crate::crud::{set, Calendars, Cli, NoArgs, R};
use clap::{Args, ValueEnum};
use mailbox_admin_core::error::Entity;
use mailbox_admin_core::model::*;
use mailbox_admin_core::{ApiError, App};

#[derive(Args)]
pub struct AddArgs {
    #[arg(long)]
    name: String,
    #[command(flatten)]
    f: Fields,
}

#[derive(Args)]
pub struct EditArgs {
    #[arg(long)]
    name: Option<String>,
    #[arg(long, conflicts_with = "password_stdin")]
    clear_password: bool,
    #[command(flatten)]
    f: Fields,
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
        if self.password_stdin {
            i.password = SecretUpdate::Set(stdin_secret()?);
        }
        set!(self => i; profile => outlook_profile, calendar_name => calendar_name,
             caldav_url => caldav_url, user => username, days_back => sync_days_back,
             days_ahead => sync_days_ahead);
        Ok(())
    }
}

impl Cli for Calendars {
    type Add = AddArgs;
    type Edit = EditArgs;
    type Rm = NoArgs;
    const COLUMNS: &'static [&'static str] =
        &["name", "backend", "outlook_profile", "calendar_name"];
    const TARGET: &'static str = "CALENDAR";

    fn add(app: &App, a: AddArgs) -> R<CalendarInput> {
        let mut i = CalendarInput {
            name: a.name,
            ..Default::default()
        };
        a.f.apply(app, &mut i)?;
        Ok(i)
    }

    fn edit(app: &App, e: EditArgs, i: &mut CalendarInput) -> R<()> {
        set!(e => i; name => name);
        e.f.apply(app, i)?;
        if e.clear_password {
            i.password = SecretUpdate::Clear;
        }
        Ok(())
    }
}
