//! `mbadmin calendar list|show|add|edit|rm`.

use crate::common::{find, mirror, opt_ref, stdin_secret};
use crate::crud::{set, AddArgs, Calendars, ClearPassword, Cli, EditArgs, Fill, NoArgs, R};
use clap::Args;
use mailbox_admin_core::error::Entity;
use mailbox_admin_core::model::*;
use mailbox_admin_core::App;

impl Cli for Calendars {
    type Add = AddArgs<Fields>;
    type Edit = EditArgs<ClearPassword<Fields>>;
    type Rm = NoArgs;
    const COLUMNS: &'static [&'static str] =
        &["name", "backend", "outlook_profile", "calendar_name"];
    const TARGET: &'static str = "CALENDAR";
}

mirror!(BackendArg => CalendarBackend {
    Outlook,
    Caldav,
    Microsoft365,
});

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
    /// Microsoft 365: the OAuth provider (name or id) whose token reads the calendar
    /// (`none` clears it).
    #[arg(long)]
    oauth_provider: Option<String>,
    /// Days into the past to sync.
    #[arg(long, allow_negative_numbers = true)]
    days_back: Option<i64>,
    /// Days into the future to sync.
    #[arg(long, allow_negative_numbers = true)]
    days_ahead: Option<i64>,
}

impl Fill<CalendarInput> for Fields {
    fn fill(self, app: &App, i: &mut CalendarInput) -> R<()> {
        if let Some(e) = self.employee {
            i.employee_id = Some(find(app, Entity::Employee, &e)?);
        }
        if self.password_stdin {
            i.password = SecretUpdate::set(stdin_secret()?);
        }
        if let Some(p) = &self.oauth_provider {
            i.oauth_provider_id = opt_ref(app, Entity::OauthProvider, p)?;
        }
        set!(self => i; backend => backend(Into::into), profile => outlook_profile, calendar_name => calendar_name,
             caldav_url => caldav_url, user => username, days_back => sync_days_back,
             days_ahead => sync_days_ahead);
        Ok(())
    }
}
