//! Export and import of the whole configuration as JSON (`doc`: a typed document, version 2;
//! version 1 still read). Rows refer to each other by name (not by id) so that a file
//! imports into any database; secrets are left out and listed as "to be re-entered", or
//! included sealed with a passphrase and bound to the document (`envelope`) when asked. An
//! import changes nothing when a name conflicts, unless told to skip.

pub mod doc;
pub mod envelope;

use crate::app::App;
use crate::diag::FieldCode;
use crate::error::{Entity, Error, FieldIssue, Result};
use crate::model::cert::ParsedCert;
use crate::model::*;
use crate::sensitive::{Secret, Sensitive};
use crate::store::{certs, rows, Tx};
use base64::Engine;
use doc::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use ts_rs::TS;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
pub struct ExportOptions {
    /// Include the secrets, encrypted with `passphrase`.
    pub include_secrets: bool,
    pub passphrase: Option<Secret>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum OnConflict {
    /// Report every conflicting name and change nothing.
    #[default]
    Fail,
    /// Keep the existing rows, import everything else (references resolve to the existing).
    Skip,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
pub struct ImportOptions {
    pub on_conflict: OnConflict,
    /// Decrypts the secrets of an export made with secrets.
    pub passphrase: Option<Secret>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
pub struct ImportReport {
    /// Per kind, how many rows were created.
    pub created: BTreeMap<String, u32>,
    /// `kind "name"` of rows kept because they existed (with `skip`).
    pub skipped: Vec<String>,
    pub secrets_restored: u32,
    /// Secrets that must be entered again (`kind "name": field`).
    pub secrets_to_reenter: Vec<String>,
    pub warnings: Vec<crate::error::ApiError>,
}

fn label(c: &Tx, e: Entity, id: Option<i64>) -> Result<Option<String>> {
    id.map(|id| rows::label(c, e, id)).transpose()
}

fn secret_key(e: Entity, name: &str, column: &str) -> String {
    format!("{}/{name}/{column}", e.ref_prefix())
}

impl App {
    /// The whole configuration as one JSON document (`doc::ExportDoc`).
    pub fn export_config(&self, opts: &ExportOptions) -> Result<Value> {
        let passphrase = opts.passphrase.clone().unwrap_or_default();
        if opts.include_secrets && passphrase.expose().len() < 8 {
            return Err(Error::Validation(vec![FieldIssue::new(
                "passphrase",
                FieldCode::TooShort,
            )
            .arg("min", "8")]));
        }
        let db = self.db();
        let c = db.read();
        let mut doc = ExportDoc::new();
        // Every secret the configuration has (stored, or entered but not stored): its key in
        // the file and its keyring reference.
        let mut secrets: Vec<(String, Option<String>)> = Vec::new();
        let mut secret_of = |e: Entity, name: &str, column: &str, id: i64| -> Result<()> {
            if rows::secret_state(c, e, column, id)? != SecretState::None {
                secrets.push((
                    secret_key(e, name, column),
                    rows::secret_ref(c, e, column, id)?,
                ));
            }
            Ok(())
        };

        for cert in certs::list(c, "")? {
            secret_of(Entity::Certificate, &cert.name, "secret", cert.id)?;
            doc.certificates.push(CertificateRow {
                data_base64: B64.encode(certs::data(c, cert.id)?),
                name: cert.name,
                format: cert.format,
                subject: cert.subject,
                issuer: cert.issuer,
                serial: cert.serial,
                not_before: cert.not_before,
                not_after: cert.not_after,
                sha256: cert.sha256,
                email_addresses: cert.email_addresses,
                has_private_key: cert.has_private_key,
                secret_kind: cert.secret_kind,
                trust_root: cert.trust_root,
                trust_hosts: cert.trust_hosts,
            });
        }
        for p in crate::store::oauth::list(c, "")? {
            secret_of(Entity::OauthProvider, &p.name, "client_secret", p.id)?;
            doc.oauth_providers
                .push(OauthProviderRow::new(OauthProviderInput::from(&p)));
        }
        for s in crate::store::servers::list(c, "")? {
            secret_of(Entity::IncomingServer, &s.name, "password", s.id)?;
            let refs = IncomingRefs {
                oauth_provider: label(c, Entity::OauthProvider, s.oauth_provider_id)?,
                client_certificate: label(c, Entity::Certificate, s.client_certificate_id)?,
            };
            doc.incoming_servers
                .push(IncomingServerRow::new(ServerInput::from(&s), refs));
        }
        for s in crate::store::outgoing::list(c, "")? {
            secret_of(Entity::OutgoingServer, &s.name, "password", s.id)?;
            let refs = OutgoingRefs {
                oauth_provider: label(c, Entity::OauthProvider, s.oauth_provider_id)?,
                smime_certificate: label(c, Entity::Certificate, s.smime_certificate_id)?,
                client_certificate: label(c, Entity::Certificate, s.client_certificate_id)?,
            };
            doc.outgoing_servers
                .push(OutgoingServerRow::new(OutgoingInput::from(&s), refs));
        }
        for co in crate::store::people::companies(c, "")? {
            let i = CompanyInput::from(&co);
            doc.companies.push(CompanyRow {
                name: i.name,
                code: i.code,
                default_outgoing_server: label(
                    c,
                    Entity::OutgoingServer,
                    i.default_outgoing_server_id,
                )?,
            });
        }
        let login = |id: i64| -> Result<String> { rows::label(c, Entity::User, id) };
        let logins = |ids: &[i64]| -> Result<Vec<String>> {
            let mut v = ids.iter().map(|i| login(*i)).collect::<Result<Vec<_>>>()?;
            v.sort_by_key(|a| a.to_lowercase());
            Ok(v)
        };
        for u in crate::store::people::users(c, "")? {
            doc.users.push(UserRow::new(UserInput::from(&u)));
        }
        for g in crate::store::people::groups(c, "")? {
            let i = GroupInput::from(&g);
            doc.groups.push(GroupRow {
                members: logins(&i.member_ids)?,
                name: i.name,
                description: i.description,
            });
        }
        for e in crate::store::people::employees(c, "")? {
            let i = EmployeeInput::from(&e);
            doc.employees.push(EmployeeRow {
                user: label(c, Entity::User, i.user_id)?,
                name: i.name,
                email: i.email,
                personnel_number: i.personnel_number,
            });
        }
        for a in crate::store::accounts::list(c, "")? {
            secret_of(Entity::Account, &a.name, "password", a.id)?;
            let refs = AccountRefs {
                owner: Some(match a.owner {
                    Owner::User(u) => OwnerRef::User(login(u)?),
                    Owner::Group(g) => OwnerRef::Group(rows::label(c, Entity::Group, g)?),
                }),
                users: logins(&a.user_ids)?,
                company: label(c, Entity::Company, a.company_id)?,
                incoming_server: label(c, Entity::IncomingServer, a.incoming_server_id)?,
                outgoing_server: label(c, Entity::OutgoingServer, a.outgoing_server_id)?,
                attachments_group_in: label(c, Entity::Group, a.attachments_group_in_id)?,
                attachments_group_out: label(c, Entity::Group, a.attachments_group_out_id)?,
            };
            doc.accounts.push(AccountRow::new(
                AccountInput::from(&a),
                refs,
                a.mail_received,
            ));
        }
        for k in crate::store::calendar::list(c, "")? {
            secret_of(Entity::CalendarAccount, &k.name, "password", k.id)?;
            let employee = label(c, Entity::Employee, Some(k.employee_id))?;
            let provider = label(c, Entity::OauthProvider, k.oauth_provider_id)?;
            doc.calendar_accounts.push(CalendarRow::new(
                CalendarInput::from(&k),
                employee,
                provider,
            ));
        }
        for d in crate::store::mobile::list(c, "")? {
            let user = label(c, Entity::User, d.user_id)?;
            let account = label(c, Entity::Account, Some(d.account_id))?;
            doc.mobile_devices.push(MobileDeviceRow::new(
                MobileDeviceInput::from(&d),
                user,
                account,
            ));
        }
        for t in crate::store::settings::templates(c, "")? {
            doc.templates.push(TemplateRow {
                name: t.name,
                kind: t.kind,
                data: t.data,
            });
        }
        doc.settings = Some(SettingsRow::new(crate::store::settings::get(c)?));

        if opts.include_secrets {
            let mut plain = BTreeMap::new();
            for (key, r) in &secrets {
                if let Some(v) = self.read_secret(r.clone())? {
                    plain.insert(key.clone(), v);
                }
            }
            doc.secrets_to_reenter = secrets
                .iter()
                .map(|(k, _)| k.clone())
                .filter(|k| !plain.contains_key(k))
                .collect();
            doc.sealed_secrets = plain.keys().cloned().collect();
            // Sealed last: the secrets are bound to everything else in the document.
            let plain = Sensitive::wrap(serde_json::to_vec(&plain).expect("map"));
            doc.encrypted_secrets = Some(envelope::seal(
                plain.expose(),
                &passphrase,
                &doc.associated_data(),
            )?);
        } else {
            doc.secrets_to_reenter = secrets.into_iter().map(|(k, _)| k).collect();
        }
        Ok(serde_json::to_value(&doc).expect("serializable"))
    }

    /// Imports a document made by `export_config` (version 2, or 1), in one transaction.
    pub fn import_config(&self, file: &Value, opts: &ImportOptions) -> Result<ImportReport> {
        let Loaded { doc, written_as } = ExportDoc::read(file)?;
        let secrets: BTreeMap<String, String> = match (&doc.encrypted_secrets, &opts.passphrase) {
            (Some(sealed), Some(p)) => {
                // Version 1 sealed its secrets without binding them to the document.
                let aad = if written_as >= 2 {
                    doc.associated_data()
                } else {
                    Vec::new()
                };
                let plain = Sensitive::wrap(envelope::open(sealed, p, &aad)?);
                serde_json::from_slice(plain.expose())
                    .map_err(|_| doc::bad_file("encrypted_secrets"))?
            }
            _ => BTreeMap::new(),
        };
        super::records::tx(self, |c| {
            self.import_doc(c, doc.clone(), &secrets, opts.on_conflict)
        })
    }

    fn import_doc(
        &self,
        c: &Tx,
        doc: ExportDoc,
        secrets: &BTreeMap<String, String>,
        on_conflict: OnConflict,
    ) -> Result<ImportReport> {
        // Conflicts first: nothing is written if any name exists and we must not skip.
        let mut conflicts = Vec::new();
        for (e, n) in doc.names() {
            if rows::find_label(c, e, &n)?.is_some() {
                conflicts.push((e, n));
            }
        }
        if !conflicts.is_empty() && on_conflict == OnConflict::Fail {
            let lang = self.lang();
            return Err(Error::Validation(
                conflicts
                    .iter()
                    .map(|(e, n)| {
                        FieldIssue::new("import", FieldCode::ImportConflict)
                            .arg("kind", crate::i18n::tr(lang, e.key(), &[]))
                            .arg("name", n.clone())
                    })
                    .collect(),
            ));
        }
        let mut im = Importer {
            c,
            conflicts,
            secrets,
            report: ImportReport::default(),
        };

        for r in doc.certificates {
            let Some(n) = im.take(Entity::Certificate, &r.name) else {
                continue;
            };
            let trust = CertTrust {
                trust_root: r.trust_root,
                trust_hosts: r.trust_hosts.clone(),
            };
            let mut cols = certs::cols(&n, &cert_row(&n, r)?);
            cols.extend(certs::trust_cols(&trust));
            let id = rows::insert(c, Entity::Certificate, cols)?;
            let upd = im.secret(Entity::Certificate, &n, "secret");
            let w = self.store_secret(c, Entity::Certificate, "secret", id, &upd)?;
            im.created("certificates", w);
        }
        for r in doc.oauth_providers {
            let Some(n) = im.take(Entity::OauthProvider, &r.name) else {
                continue;
            };
            let mut input = r.into_input();
            input.client_secret = im.secret(Entity::OauthProvider, &n, "client_secret");
            let w = self.create_oauth_provider_in(c, &input)?.warnings;
            im.created("oauth_providers", w);
        }
        for r in doc.incoming_servers {
            let Some(n) = im.take(Entity::IncomingServer, &r.name) else {
                continue;
            };
            let ids = IncomingRefs {
                oauth_provider: im.id_of(
                    Entity::OauthProvider,
                    "oauth_provider",
                    &r.oauth_provider,
                )?,
                client_certificate: im.id_of(
                    Entity::Certificate,
                    "client_certificate",
                    &r.client_certificate,
                )?,
            };
            let mut input = r.into_input(ids);
            input.password = im.secret(Entity::IncomingServer, &n, "password");
            let w = self.create_server_in(c, &input)?.warnings;
            im.created("incoming_servers", w);
        }
        for r in doc.outgoing_servers {
            let Some(n) = im.take(Entity::OutgoingServer, &r.name) else {
                continue;
            };
            let ids = OutgoingRefs {
                smime_certificate: im.id_of(
                    Entity::Certificate,
                    "smime_certificate",
                    &r.smime_certificate,
                )?,
                client_certificate: im.id_of(
                    Entity::Certificate,
                    "client_certificate",
                    &r.client_certificate,
                )?,
                oauth_provider: im.id_of(
                    Entity::OauthProvider,
                    "oauth_provider",
                    &r.oauth_provider,
                )?,
            };
            let mut input = r.into_input(ids);
            input.password = im.secret(Entity::OutgoingServer, &n, "password");
            let w = self.create_outgoing_in(c, &input)?.warnings;
            im.created("outgoing_servers", w);
        }
        for r in doc.companies {
            if im.take(Entity::Company, &r.name).is_none() {
                continue;
            }
            let d = im.id_of(
                Entity::OutgoingServer,
                "default_outgoing_server",
                &r.default_outgoing_server,
            )?;
            self.create_company_in(c, &r.into_input(d))?;
            im.created("companies", Vec::new());
        }
        for r in doc.users {
            if im.take(Entity::User, &r.login).is_none() {
                continue;
            }
            self.create_user_in(c, &r.into_input())?;
            im.created("users", Vec::new());
        }
        for r in doc.groups {
            if im.take(Entity::Group, &r.name).is_none() {
                continue;
            }
            let ids = im.ids_of(Entity::User, "members", &r.members)?;
            self.create_group_in(c, &r.into_input(ids))?;
            im.created("groups", Vec::new());
        }
        for r in doc.employees {
            if im.take(Entity::Employee, &r.name).is_none() {
                continue;
            }
            let u = im.id_of(Entity::User, "user", &r.user)?;
            self.create_employee_in(c, &r.into_input(u))?;
            im.created("employees", Vec::new());
        }
        for r in doc.accounts {
            let Some(n) = im.take(Entity::Account, &r.name) else {
                continue;
            };
            let owner = match &r.owner {
                Some(OwnerRef::User(u)) => im
                    .id_of(Entity::User, "owner", &Some(u.clone()))?
                    .map(Owner::User),
                Some(OwnerRef::Group(g)) => im
                    .id_of(Entity::Group, "owner", &Some(g.clone()))?
                    .map(Owner::Group),
                None => None,
            };
            let ids = AccountRefs {
                owner,
                users: im.ids_of(Entity::User, "users", &r.users)?,
                company: im.id_of(Entity::Company, "company", &r.company)?,
                incoming_server: im.id_of(
                    Entity::IncomingServer,
                    "incoming_server",
                    &r.incoming_server,
                )?,
                outgoing_server: im.id_of(
                    Entity::OutgoingServer,
                    "outgoing_server",
                    &r.outgoing_server,
                )?,
                attachments_group_in: im.id_of(
                    Entity::Group,
                    "attachments_group_in",
                    &r.attachments_group_in,
                )?,
                attachments_group_out: im.id_of(
                    Entity::Group,
                    "attachments_group_out",
                    &r.attachments_group_out,
                )?,
            };
            let received = r.mail_received;
            let mut input = r.into_input(ids);
            input.password = im.secret(Entity::Account, &n, "password");
            let saved = self.create_account_in(c, &input)?;
            if received {
                crate::store::accounts::set_mail_received(c, saved.item.id, true)?;
            }
            im.created("accounts", saved.warnings);
        }
        for r in doc.calendar_accounts {
            let Some(n) = im.take(Entity::CalendarAccount, &r.name) else {
                continue;
            };
            let emp = im.id_of(Entity::Employee, "employee", &r.employee)?;
            let provider = im.id_of(Entity::OauthProvider, "oauth_provider", &r.oauth_provider)?;
            let mut input = r.into_input(emp, provider);
            input.password = im.secret(Entity::CalendarAccount, &n, "password");
            let w = self.create_calendar_in(c, &input)?.warnings;
            im.created("calendar_accounts", w);
        }
        // After the accounts and users they refer to.
        for r in doc.mobile_devices {
            if im.take(Entity::MobileDevice, &r.name).is_none() {
                continue;
            }
            let user = im.id_of(Entity::User, "user", &r.user)?;
            let account = im.id_of(Entity::Account, "account", &r.account)?;
            self.create_mobile_device_in(c, &r.into_input(user, account))?;
            im.created("mobile_devices", Vec::new());
        }
        for r in doc.templates {
            if im.take(Entity::Template, &r.name).is_none() {
                continue;
            }
            self.create_template_in(
                c,
                &TemplateInput {
                    name: r.name,
                    kind: r.kind,
                    data: r.data,
                },
            )?;
            im.created("templates", Vec::new());
        }
        if let Some(st) = doc.settings {
            let s = st.into_settings(&crate::store::settings::get(c)?);
            s.validate()?;
            crate::store::settings::save(c, &s)?;
        }
        // What still has no secret after the import is marked "not stored" on its row, so
        // the UI asks for it (and a new export lists it again).
        // Sealed secrets that were not opened (no passphrase given) must be entered again too.
        let unopened = match (&doc.encrypted_secrets, secrets.is_empty()) {
            (Some(_), true) => doc.sealed_secrets,
            _ => Vec::new(),
        };
        for k in doc.secrets_to_reenter.into_iter().chain(unopened) {
            if secrets.contains_key(&k) {
                continue;
            }
            if let Some((e, name, column)) = parse_secret_key(&k) {
                if let Some(id) = rows::find_label(c, e, name)? {
                    rows::set_secret(c, e, column, id, None, SecretState::NotStored)?;
                }
            }
            im.report.secrets_to_reenter.push(k);
        }
        Ok(im.report)
    }
}

/// The state of one import: what to skip, the secrets that came with the file, the report.
struct Importer<'a> {
    c: &'a Tx,
    conflicts: Vec<(Entity, String)>,
    secrets: &'a BTreeMap<String, String>,
    report: ImportReport,
}

impl Importer<'_> {
    /// The row's name (trimmed), or None when the row exists and is kept (skipped).
    fn take(&mut self, e: Entity, name: &str) -> Option<String> {
        let n = name.trim().to_string();
        if self.conflicts.iter().any(|(ce, cn)| *ce == e && *cn == n) {
            self.report
                .skipped
                .push(format!("{} \"{n}\"", e.ref_prefix()));
            return None;
        }
        Some(n)
    }

    fn created(&mut self, section: &str, warnings: Vec<crate::error::ApiError>) {
        *self.report.created.entry(section.to_string()).or_default() += 1;
        self.report.warnings.extend(warnings);
    }

    /// The row's secret from the file, if it came with it.
    fn secret(&mut self, e: Entity, name: &str, column: &str) -> SecretUpdate {
        match self.secrets.get(&secret_key(e, name, column)) {
            Some(s) => {
                self.report.secrets_restored += 1;
                SecretUpdate::set(s.clone())
            }
            None => SecretUpdate::Keep,
        }
    }

    fn id_of(&self, e: Entity, field: &'static str, name: &Option<String>) -> Result<Option<i64>> {
        name.as_deref().map(|n| self.find(e, field, n)).transpose()
    }

    fn ids_of(&self, e: Entity, field: &'static str, names: &[String]) -> Result<Vec<i64>> {
        names.iter().map(|n| self.find(e, field, n)).collect()
    }

    fn find(&self, e: Entity, field: &'static str, name: &str) -> Result<i64> {
        rows::find_label(self.c, e, name)?.ok_or_else(|| {
            Error::Validation(vec![
                FieldIssue::new(field, FieldCode::MissingRef).arg("id", name.to_string())
            ])
        })
    }
}

/// `account/Vertrieb Postfach/password` → (Account, "Vertrieb Postfach", "password").
fn parse_secret_key(k: &str) -> Option<(Entity, &str, &'static str)> {
    let (prefix, rest) = k.split_once('/')?;
    let (name, column) = rest.rsplit_once('/')?;
    let e = SECTIONS
        .iter()
        .map(|(_, e)| *e)
        .find(|e| e.ref_prefix() == prefix)?;
    let column = match column {
        "password" => "password",
        "secret" => "secret",
        _ => return None,
    };
    Some((e, name, column))
}

/// A certificate row as the store takes it; its metadata is kept as exported.
fn cert_row(name: &str, r: CertificateRow) -> Result<ParsedCert> {
    let bad = || doc::bad_file(&format!("certificate \"{name}\""));
    let mut issues = crate::validate::Issues::default();
    issues.text("name", name, crate::model::server::NAME_MAX, true);
    if !issues.is_empty() {
        return Err(bad());
    }
    Ok(ParsedCert {
        stored_data: B64.decode(r.data_base64.trim()).map_err(|_| bad())?,
        format: r.format,
        subject: r.subject,
        issuer: r.issuer,
        serial: r.serial,
        not_before: r.not_before,
        not_after: r.not_after,
        sha256: r.sha256,
        email_addresses: r.email_addresses,
        has_private_key: r.has_private_key,
        is_ca: false,
        secret_kind: r.secret_kind,
        secret: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_never_show_the_passphrase() {
        let e = ExportOptions {
            include_secrets: true,
            passphrase: Some("Canary-Export-Pass".into()),
        };
        let i = ImportOptions {
            on_conflict: OnConflict::Skip,
            passphrase: Some("Canary-Import-Pass".into()),
        };
        for shown in [
            format!("{e:?}"),
            format!("{i:?}"),
            serde_json::to_string(&e).unwrap(),
            serde_json::to_string(&i).unwrap(),
        ] {
            assert!(!shown.contains("Canary"), "{shown}");
        }
        // What the UI sends arrives whole.
        let i: ImportOptions =
            serde_json::from_str(r#"{"on_conflict":"fail","passphrase":"lang genug"}"#).unwrap();
        assert_eq!(i.passphrase.unwrap().expose(), "lang genug");
    }
}
