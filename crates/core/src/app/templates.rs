//! Templates (Vorlagen) and the built-in provider presets.

use super::records::{nobody, tx};
use super::{App, Removed};
use crate::error::{Entity, Result};
use crate::model::*;
use crate::store::rows::At;
use crate::store::Tx;
use crate::store::{rows, settings};

impl App {
    // ---- templates and presets --------------------------------------------------------

    pub fn list_templates(&self, q: &str) -> Result<Vec<Template>> {
        settings::templates(self.db().read(), q)
    }

    pub fn get_template(&self, id: i64) -> Result<Template> {
        settings::get_template(self.db().read(), id)
    }

    pub fn create_template(&self, input: &TemplateInput) -> Result<Template> {
        tx(self, |c| self.create_template_in(c, input))
    }

    pub(crate) fn create_template_in(&self, c: &Tx, input: &TemplateInput) -> Result<Template> {
        save_template(c, At::New, input)
    }

    pub fn update_template(
        &self,
        id: i64,
        version: i64,
        input: &TemplateInput,
    ) -> Result<Template> {
        tx(self, |c| save_template(c, At::Row { id, version }, input))
    }

    pub fn delete_template(&self, id: i64, version: Option<i64>) -> Result<Removed> {
        self.remove(Entity::Template, id, version, None, nobody)
    }

    pub fn presets(&self) -> Vec<Preset> {
        presets()
    }

    /// A new record's input from the saved template `name_or_id` (`--template` of `add`):
    /// by name (case ignored) or number; one of another kind is a field error.
    pub fn input_from_template<I: TemplateData>(&self, name_or_id: &str) -> Result<I> {
        let wanted = name_or_id.trim();
        let found = self
            .list_templates("")?
            .into_iter()
            .find(|t| t.name.eq_ignore_ascii_case(wanted));
        let template = match (found, wanted.parse::<i64>()) {
            (Some(t), _) => t,
            (None, Ok(id)) => self.get_template(id)?,
            (None, Err(_)) => {
                return Err(crate::error::Error::NotFound {
                    entity: Entity::Template,
                    id: wanted.to_string(),
                })
            }
        };
        template.input()
    }
}

fn save_template(c: &Tx, at: At, input: &TemplateInput) -> Result<Template> {
    let v = input.validate()?;
    rows::check_unique(c, Entity::Template, "name", &v.name, at.id())?;
    let id = rows::save(c, Entity::Template, at, settings::template_cols(&v))?;
    settings::get_template(c, id)
}

impl App {
    /// Every field problem of an unsaved input of `kind`, translated; nothing is saved.
    pub fn check_input(
        &self,
        kind: TemplateKind,
        data: serde_json::Value,
    ) -> Vec<crate::error::FieldError> {
        let issues = crate::model::template::check_input(kind, data);
        if issues.is_empty() {
            return Vec::new();
        }
        crate::error::Error::Validation(issues)
            .to_api(self.lang())
            .fields
    }
}
