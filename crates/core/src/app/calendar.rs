//! Outlook / calendar accounts and their password in the keyring.

use super::records::{nobody, refs, tx};
use super::{App, Removed};
use crate::error::{Entity, Result};
use crate::model::*;
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
        refs(c, &[(Entity::Employee, "employee_id", v.employee_id)])?;
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
}
