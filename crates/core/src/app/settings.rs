//! General settings (Allgemeine Einstellungen).

use super::records::tx;
use super::App;
use crate::error::Result;
use crate::model::*;
use crate::store::settings;

impl App {
    // ---- general settings -------------------------------------------------------------

    pub fn get_settings(&self) -> Result<GeneralSettings> {
        settings::get(self.db().read())
    }

    /// Saves the settings if nobody changed them since `s.version` was read.
    pub fn save_settings(&self, s: &GeneralSettings) -> Result<GeneralSettings> {
        s.validate()?;
        tx(self, |c| {
            settings::save(c, s)?;
            settings::get(c)
        })
    }
}
