//! Outlook / calendar accounts, their password in the keyring, and their connection test
//! (CalDAV: `probe::caldav`).

use super::probe::{TestOptions, TestTargetKind};
use super::records::{nobody, refs, tx};
use super::{App, Removed};
use crate::diag::FieldCode;
use crate::error::{Entity, Error, Result};
use crate::kinds::Security;
use crate::model::*;
use crate::probe::{
    self, CaldavTarget, CancellationToken, GraphCalendarTarget, Progress, Secret, TestReport,
};
use crate::store::rows::At;
use crate::store::Tx;
use crate::store::{calendar, rows};

impl App {
    // ---- calendar accounts ------------------------------------------------------------

    pub fn list_calendars(&self, q: &str) -> Result<Vec<CalendarAccount>> {
        calendar::list(self.db().read(), q)
    }

    pub fn get_calendar(&self, id: i64) -> Result<CalendarAccount> {
        calendar::get(self.db().read(), id)
    }

    pub fn create_calendar(&self, input: &CalendarInput) -> Result<Saved<CalendarAccount>> {
        tx(self, |c| self.create_calendar_in(c, input))
    }

    pub(crate) fn create_calendar_in(
        &self,
        c: &Tx,
        input: &CalendarInput,
    ) -> Result<Saved<CalendarAccount>> {
        self.save_calendar(c, At::New, input)
    }

    pub fn update_calendar(
        &self,
        id: i64,
        version: i64,
        input: &CalendarInput,
    ) -> Result<Saved<CalendarAccount>> {
        tx(self, |c| {
            self.save_calendar(c, At::Row { id, version }, input)
        })
    }

    fn save_calendar(
        &self,
        c: &Tx,
        at: At,
        input: &CalendarInput,
    ) -> Result<Saved<CalendarAccount>> {
        let v = input.validate()?;
        rows::check_unique(c, Entity::CalendarAccount, "name", &v.name, at.id())?;
        refs(
            c,
            &[
                (Entity::Employee, "employee_id", v.employee_id),
                (
                    Entity::OauthProvider,
                    "oauth_provider_id",
                    v.oauth_provider_id,
                ),
            ],
        )?;
        let id = rows::save(c, Entity::CalendarAccount, at, calendar::cols(&v))?;
        let warnings =
            self.store_secret(c, Entity::CalendarAccount, "password", id, &v.password)?;
        Ok(Saved {
            item: calendar::get(c, id)?,
            warnings,
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

    /// The stored password of a calendar account, for its connection test.
    pub fn calendar_password(&self, id: i64) -> Result<Option<String>> {
        let r = rows::secret_ref(self.db().read(), Entity::CalendarAccount, "password", id)?;
        self.read_secret(r)
    }

    /// The test target of stored calendar account `id` (with its password from the
    /// keyring, or why there is none). Only CalDAV accounts can be tested from here.
    pub fn calendar_target(&self, id: i64, opts: &TestOptions) -> Result<CaldavTarget> {
        self.calendar_target_of(&self.get_calendar(id)?, opts)
    }

    /// The CalDAV target of calendar account `c` as stored (or as a draft would store it),
    /// with its stored password.
    pub(super) fn calendar_target_of(
        &self,
        c: &CalendarAccount,
        opts: &TestOptions,
    ) -> Result<CaldavTarget> {
        let id = c.id;
        if c.backend != CalendarBackend::Caldav {
            return Err(Error::field("backend", FieldCode::CalendarNotTestable));
        }
        let host = url::Url::parse(&c.caldav_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let mut t = CaldavTarget::new(&c.caldav_url);
        t.user = c.username.clone();
        t.calendar_name = c.calendar_name.clone();
        t.days_back = c.sync_days_back;
        t.days_ahead = c.sync_days_ahead;
        t.extra_roots = self.with_roots(opts, &host).extra_roots;
        t.dns = self.custom_dns();
        if !t.user.trim().is_empty() {
            match c.password {
                SecretState::Stored => match self.calendar_password(id) {
                    Ok(Some(pw)) => t.password = Some(Secret::new(pw)),
                    Ok(None) => t.password_error = Some("not found in the keyring".into()),
                    Err(e) => t.password_error = Some(self.api_error(&e).message),
                },
                SecretState::NotStored => {
                    t.password_error = Some("entered, but the keyring did not store it".into())
                }
                SecretState::None => {}
            }
        }
        Ok(t)
    }

    /// Tests calendar account `id`. CalDAV: discovery, login, calendar home, the named
    /// calendar, a read of the sync range. Microsoft 365: an app-only token of its OAuth
    /// provider, the employee's calendars through Microsoft Graph, a read of the sync range.
    pub async fn test_calendar(
        &self,
        id: i64,
        opts: &TestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<TestReport> {
        let c = self.get_calendar(id)?;
        let report = self
            .run_calendar_test(&c, None, opts, progress, cancel)
            .await?;
        self.record_test(TestTargetKind::CalendarAccount, id, &report)?;
        Ok(report)
    }

    /// The test of calendar account `c` (stored, or a draft's preview); `typed` is a
    /// password typed into the form, used for this test only.
    pub(super) async fn run_calendar_test(
        &self,
        c: &CalendarAccount,
        typed: Option<&Secret>,
        opts: &TestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<TestReport> {
        Ok(if c.backend == CalendarBackend::Microsoft365 {
            let t = self.graph_calendar_target(c, opts).await?;
            probe::graph_calendar::run(&t, self.lang(), progress, cancel).await
        } else {
            let mut t = self.calendar_target_of(c, opts)?;
            if let Some(p) = typed.filter(|_| !t.user.trim().is_empty()) {
                t.password = Some(p.clone());
                t.password_error = None;
            }
            probe::caldav::run(&t, self.lang(), progress, cancel).await
        })
    }

    /// The Graph test of a Microsoft 365 calendar account: the employee's mailbox (the
    /// account's user name when given, else the employee's address) and the provider's
    /// app-only token (only to a host the provider's tokens may go to).
    async fn graph_calendar_target(
        &self,
        c: &CalendarAccount,
        opts: &TestOptions,
    ) -> Result<GraphCalendarTarget> {
        let mailbox = if c.username.trim().is_empty() {
            self.get_employee(c.employee_id)?.email
        } else {
            c.username.trim().to_string()
        };
        if mailbox.trim().is_empty() {
            return Err(Error::field("employee_id", FieldCode::CalendarNoMailbox));
        }
        let base = crate::graph::base_url()
            .unwrap_or_else(|_| std::env::var(crate::graph::GRAPH_URL_ENV).unwrap_or_default());
        let host = crate::graph::host_of(&base);
        // The provider's token through the same path as a Graph outgoing server's.
        let mut pt =
            probe::ProbeTarget::new(probe::ProbeProtocol::Graph, &host, 443, Security::Tls);
        self.attach_app_token(&mut pt, c.oauth_provider_id).await;
        Ok(GraphCalendarTarget {
            graph_url: base,
            mailbox: mailbox.trim().to_string(),
            calendar_name: c.calendar_name.clone(),
            days_back: c.sync_days_back,
            days_ahead: c.sync_days_ahead,
            timeout: std::time::Duration::from_secs(crate::kinds::DEFAULT_TIMEOUT_SECS as u64),
            extra_roots: self.with_roots(opts, &host).extra_roots,
            token: pt.password,
            token_failure: pt.oauth_failure,
        })
    }
}
