//! Export and import of the whole configuration as JSON. Rows refer to each other by name
//! (not by id) so that a file imports into any database; secrets are left out and listed as
//! "to be re-entered", or included encrypted with a passphrase (Argon2id + XChaCha20-Poly1305)
//! when asked. An import changes nothing when a name conflicts, unless told to skip.

use crate::app::App;
use crate::diag::FieldCode;
use crate::error::{Entity, Error, FieldIssue, Result};
use crate::model::*;
use crate::store::rows;
use crate::store::Tx;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use ts_rs::TS;

pub const FORMAT: &str = "mailbox-admin-export";
pub const VERSION: u32 = 1;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
pub struct ExportOptions {
    /// Include the secrets, encrypted with `passphrase`.
    pub include_secrets: bool,
    pub passphrase: Option<String>,
}

impl std::fmt::Debug for ExportOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportOptions")
            .field("include_secrets", &self.include_secrets)
            .finish_non_exhaustive()
    }
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

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
pub struct ImportOptions {
    pub on_conflict: OnConflict,
    /// Decrypts the secrets of an export made with secrets.
    pub passphrase: Option<String>,
}

impl std::fmt::Debug for ImportOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportOptions")
            .field("on_conflict", &self.on_conflict)
            .finish_non_exhaustive()
    }
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

/// The sections of the file, in dependency order (a section refers only to earlier ones).
const SECTIONS: &[(&str, Entity)] = &[
    ("certificates", Entity::Certificate),
    ("oauth_providers", Entity::OauthProvider),
    ("incoming_servers", Entity::IncomingServer),
    ("outgoing_servers", Entity::OutgoingServer),
    ("companies", Entity::Company),
    ("users", Entity::User),
    ("groups", Entity::Group),
    ("employees", Entity::Employee),
    ("accounts", Entity::Account),
    ("calendar_accounts", Entity::CalendarAccount),
    ("templates", Entity::Template),
];

fn obj<T: Serialize>(v: &T) -> Map<String, Value> {
    match serde_json::to_value(v).expect("serializable") {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn label(conn: &Tx, e: Entity, id: Option<i64>) -> Result<Value> {
    Ok(match id {
        Some(id) => Value::String(rows::label(conn, e, id)?),
        None => Value::Null,
    })
}

fn secret_key(e: Entity, name: &str, column: &str) -> String {
    format!("{}/{name}/{column}", e.ref_prefix())
}

impl App {
    /// The whole configuration as one JSON document.
    pub fn export_config(&self, opts: &ExportOptions) -> Result<Value> {
        if opts.include_secrets && opts.passphrase.as_deref().unwrap_or("").len() < 8 {
            return Err(Error::Validation(vec![FieldIssue::new(
                "passphrase",
                FieldCode::TooShort,
            )
            .arg("min", "8")]));
        }
        let db = self.db();
        let c = db.read();
        let mut doc = Map::new();
        doc.insert("format".into(), json!(FORMAT));
        doc.insert("version".into(), json!(VERSION));
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

        let mut certs = Vec::new();
        for cert in crate::store::certs::list(c, "")? {
            let data = crate::store::certs::data(c, cert.id)?;
            let mut m = Map::new();
            m.insert("name".into(), json!(cert.name));
            m.insert("format".into(), json!(cert.format));
            m.insert("subject".into(), json!(cert.subject));
            m.insert("issuer".into(), json!(cert.issuer));
            m.insert("serial".into(), json!(cert.serial));
            m.insert("not_before".into(), json!(cert.not_before));
            m.insert("not_after".into(), json!(cert.not_after));
            m.insert("sha256".into(), json!(cert.sha256));
            m.insert("email_addresses".into(), json!(cert.email_addresses));
            m.insert("has_private_key".into(), json!(cert.has_private_key));
            m.insert("secret_kind".into(), json!(cert.secret_kind));
            m.insert("data_base64".into(), json!(B64.encode(data)));
            secret_of(Entity::Certificate, &cert.name, "secret", cert.id)?;
            certs.push(Value::Object(m));
        }
        doc.insert("certificates".into(), Value::Array(certs));

        let mut list = Vec::new();
        for p in crate::store::oauth::list(c, "")? {
            let mut m = obj(&crate::model::OauthProviderInput::from(&p));
            m.remove("client_secret");
            secret_of(Entity::OauthProvider, &p.name, "client_secret", p.id)?;
            list.push(Value::Object(m));
        }
        doc.insert("oauth_providers".into(), Value::Array(list));

        let mut list = Vec::new();
        for s in crate::store::servers::list(c, "")? {
            let mut m = obj(&ServerInput::from(&s));
            m.remove("password");
            m.remove("oauth_provider_id");
            m.insert(
                "oauth_provider".into(),
                label(c, Entity::OauthProvider, s.oauth_provider_id)?,
            );
            secret_of(Entity::IncomingServer, &s.name, "password", s.id)?;
            list.push(Value::Object(m));
        }
        doc.insert("incoming_servers".into(), Value::Array(list));

        let mut list = Vec::new();
        for s in crate::store::outgoing::list(c, "")? {
            let mut m = obj(&OutgoingInput::from(&s));
            m.remove("password");
            m.remove("smime_certificate_id");
            m.remove("client_certificate_id");
            m.remove("oauth_provider_id");
            m.insert(
                "oauth_provider".into(),
                label(c, Entity::OauthProvider, s.oauth_provider_id)?,
            );
            m.insert(
                "smime_certificate".into(),
                label(c, Entity::Certificate, s.smime_certificate_id)?,
            );
            m.insert(
                "client_certificate".into(),
                label(c, Entity::Certificate, s.client_certificate_id)?,
            );
            secret_of(Entity::OutgoingServer, &s.name, "password", s.id)?;
            list.push(Value::Object(m));
        }
        doc.insert("outgoing_servers".into(), Value::Array(list));

        let mut list = Vec::new();
        for co in crate::store::people::companies(c, "")? {
            let mut m = obj(&CompanyInput::from(&co));
            m.remove("default_outgoing_server_id");
            m.insert(
                "default_outgoing_server".into(),
                label(c, Entity::OutgoingServer, co.default_outgoing_server_id)?,
            );
            list.push(Value::Object(m));
        }
        doc.insert("companies".into(), Value::Array(list));

        let users = crate::store::people::users(c, "")?;
        let login = |id: i64| -> Result<String> { rows::label(c, Entity::User, id) };
        let logins = |ids: &[i64]| -> Result<Vec<String>> {
            let mut v = ids.iter().map(|i| login(*i)).collect::<Result<Vec<_>>>()?;
            v.sort_by_key(|a| a.to_lowercase());
            Ok(v)
        };
        doc.insert(
            "users".into(),
            Value::Array(
                users
                    .iter()
                    .map(|u| Value::Object(obj(&UserInput::from(u))))
                    .collect(),
            ),
        );

        let mut list = Vec::new();
        for g in crate::store::people::groups(c, "")? {
            let mut m = obj(&GroupInput::from(&g));
            m.remove("member_ids");
            m.insert("members".into(), json!(logins(&g.member_ids)?));
            list.push(Value::Object(m));
        }
        doc.insert("groups".into(), Value::Array(list));

        let mut list = Vec::new();
        for e in crate::store::people::employees(c, "")? {
            let mut m = obj(&EmployeeInput::from(&e));
            m.remove("user_id");
            m.insert("user".into(), label(c, Entity::User, e.user_id)?);
            list.push(Value::Object(m));
        }
        doc.insert("employees".into(), Value::Array(list));

        let mut list = Vec::new();
        for a in crate::store::accounts::list(c, "")? {
            let mut m = obj(&AccountInput::from(&a));
            for k in [
                "password",
                "owner",
                "user_ids",
                "company_id",
                "incoming_server_id",
                "outgoing_server_id",
            ] {
                m.remove(k);
            }
            m.insert(
                "owner".into(),
                match a.owner {
                    Owner::User(u) => json!({ "user": login(u)? }),
                    Owner::Group(g) => json!({ "group": rows::label(c, Entity::Group, g)? }),
                },
            );
            m.insert("users".into(), json!(logins(&a.user_ids)?));
            m.insert("company".into(), label(c, Entity::Company, a.company_id)?);
            m.insert(
                "incoming_server".into(),
                label(c, Entity::IncomingServer, a.incoming_server_id)?,
            );
            m.insert(
                "outgoing_server".into(),
                label(c, Entity::OutgoingServer, a.outgoing_server_id)?,
            );
            m.insert("mail_received".into(), json!(a.mail_received));
            secret_of(Entity::Account, &a.name, "password", a.id)?;
            list.push(Value::Object(m));
        }
        doc.insert("accounts".into(), Value::Array(list));

        let mut list = Vec::new();
        for k in crate::store::calendar::list(c, "")? {
            let mut m = obj(&CalendarInput::from(&k));
            m.remove("password");
            m.remove("employee_id");
            m.insert(
                "employee".into(),
                label(c, Entity::Employee, Some(k.employee_id))?,
            );
            secret_of(Entity::CalendarAccount, &k.name, "password", k.id)?;
            list.push(Value::Object(m));
        }
        doc.insert("calendar_accounts".into(), Value::Array(list));

        let list: Vec<Value> = crate::store::settings::templates(c, "")?
            .into_iter()
            .map(|t| json!({ "name": t.name, "kind": t.kind, "data": t.data }))
            .collect();
        doc.insert("templates".into(), Value::Array(list));

        let mut st = obj(&crate::store::settings::get(c)?);
        st.remove("version");
        st.remove("updated_at");
        doc.insert("settings".into(), Value::Object(st));

        if opts.include_secrets {
            let mut plain = BTreeMap::new();
            for (key, r) in &secrets {
                if let Some(v) = self.read_secret(r.clone())? {
                    plain.insert(key.clone(), v);
                }
            }
            let missing: Vec<String> = secrets
                .iter()
                .map(|(k, _)| k.clone())
                .filter(|k| !plain.contains_key(k))
                .collect();
            doc.insert("secrets_to_reenter".into(), json!(missing));
            doc.insert(
                "encrypted_secrets".into(),
                seal(
                    &serde_json::to_vec(&plain).expect("map"),
                    opts.passphrase.as_deref().unwrap_or(""),
                )?,
            );
        } else {
            doc.insert(
                "secrets_to_reenter".into(),
                json!(secrets.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>()),
            );
        }
        Ok(Value::Object(doc))
    }

    /// Imports a document made by `export_config`, in one transaction.
    pub fn import_config(&self, doc: &Value, opts: &ImportOptions) -> Result<ImportReport> {
        let bad = |reason: &str| {
            Error::Validation(vec![
                FieldIssue::new("file", FieldCode::InvalidJson).arg("reason", reason)
            ])
        };
        if doc.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(bad("not a Mailbox Admin export"));
        }
        if doc.get("version").and_then(Value::as_u64) != Some(VERSION as u64) {
            return Err(bad("unsupported export version"));
        }
        let secrets: BTreeMap<String, String> =
            match (doc.get("encrypted_secrets"), &opts.passphrase) {
                (Some(Value::Object(_)), Some(p)) => {
                    let plain = open(&doc["encrypted_secrets"], p)?;
                    serde_json::from_slice(&plain).map_err(|_| bad("secrets"))?
                }
                _ => BTreeMap::new(),
            };
        let section = |name: &str| -> Vec<Map<String, Value>> {
            doc.get(name)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|v| v.as_object().cloned()).collect())
                .unwrap_or_default()
        };
        let name_of = |e: Entity, m: &Map<String, Value>| -> String {
            m.get(e.label_column())
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string()
        };

        let mut db = self.db();
        let tx = db.begin()?;
        let c: &Tx = &tx;
        // Conflicts first: nothing is written if any name exists and we must not skip.
        let mut conflicts = Vec::new();
        for (sec, e) in SECTIONS {
            for m in section(sec) {
                let n = name_of(*e, &m);
                if rows::find_label(c, *e, &n)?.is_some() {
                    conflicts.push((*e, n));
                }
            }
        }
        if !conflicts.is_empty() && opts.on_conflict == OnConflict::Fail {
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

        let mut report = ImportReport::default();
        let id_of = |e: Entity, field: &'static str, v: Option<&Value>| -> Result<Option<i64>> {
            match v.and_then(Value::as_str) {
                None => Ok(None),
                Some(n) => match rows::find_label(c, e, n)? {
                    Some(id) => Ok(Some(id)),
                    None => Err(Error::Validation(vec![FieldIssue::new(
                        field,
                        FieldCode::MissingRef,
                    )
                    .arg("id", n.to_string())])),
                },
            }
        };
        let take_secret = |e: Entity, name: &str, column: &str, report: &mut ImportReport| {
            let key = secret_key(e, name, column);
            match secrets.get(&key) {
                Some(s) => {
                    report.secrets_restored += 1;
                    SecretUpdate::set(s.clone())
                }
                None => SecretUpdate::Keep,
            }
        };
        let count = |report: &mut ImportReport, sec: &str| {
            *report.created.entry(sec.to_string()).or_default() += 1
        };

        for (sec, e) in SECTIONS {
            for mut m in section(sec) {
                let n = name_of(*e, &m);
                if conflicts.iter().any(|(ce, cn)| ce == e && cn == &n) {
                    report.skipped.push(format!("{} \"{n}\"", e.ref_prefix()));
                    continue;
                }
                let parse = Value::Object;
                match e {
                    Entity::Certificate => {
                        let cert = import_cert_row(&m).ok_or_else(|| bad("certificate"))?;
                        let id = rows::insert(c, Entity::Certificate, cert)?;
                        let upd = take_secret(*e, &n, "secret", &mut report);
                        report
                            .warnings
                            .extend(self.store_secret(c, *e, "secret", id, &upd)?);
                    }
                    Entity::OauthProvider => {
                        let mut input: crate::model::OauthProviderInput = from(parse(m))?;
                        input.client_secret = take_secret(*e, &n, "client_secret", &mut report);
                        report
                            .warnings
                            .extend(self.create_oauth_provider_in(c, &input)?.warnings);
                    }
                    Entity::IncomingServer => {
                        let p = id_of(
                            Entity::OauthProvider,
                            "oauth_provider",
                            m.get("oauth_provider"),
                        )?;
                        m.insert("oauth_provider_id".into(), json!(p));
                        let mut input: ServerInput = from(parse(m))?;
                        input.password = take_secret(*e, &n, "password", &mut report);
                        report
                            .warnings
                            .extend(self.create_server_in(c, &input)?.warnings);
                    }
                    Entity::OutgoingServer => {
                        let smime = id_of(
                            Entity::Certificate,
                            "smime_certificate",
                            m.get("smime_certificate"),
                        )?;
                        let client = id_of(
                            Entity::Certificate,
                            "client_certificate",
                            m.get("client_certificate"),
                        )?;
                        let p = id_of(
                            Entity::OauthProvider,
                            "oauth_provider",
                            m.get("oauth_provider"),
                        )?;
                        m.insert("oauth_provider_id".into(), json!(p));
                        m.insert("smime_certificate_id".into(), json!(smime));
                        m.insert("client_certificate_id".into(), json!(client));
                        let mut input: OutgoingInput = from(parse(m))?;
                        input.password = take_secret(*e, &n, "password", &mut report);
                        report
                            .warnings
                            .extend(self.create_outgoing_in(c, &input)?.warnings);
                    }
                    Entity::Company => {
                        let d = id_of(
                            Entity::OutgoingServer,
                            "default_outgoing_server",
                            m.get("default_outgoing_server"),
                        )?;
                        m.insert("default_outgoing_server_id".into(), json!(d));
                        self.create_company_in(c, &from(parse(m))?)?;
                    }
                    Entity::User => {
                        self.create_user_in(c, &from(parse(m))?)?;
                    }
                    Entity::Group => {
                        let ids = ids_of(c, Entity::User, "members", m.get("members"))?;
                        m.insert("member_ids".into(), json!(ids));
                        self.create_group_in(c, &from(parse(m))?)?;
                    }
                    Entity::Employee => {
                        let u = id_of(Entity::User, "user", m.get("user"))?;
                        m.insert("user_id".into(), json!(u));
                        self.create_employee_in(c, &from(parse(m))?)?;
                    }
                    Entity::Account => {
                        let owner = match m.get("owner") {
                            Some(o) if o.get("user").is_some() => {
                                json!({ "kind": "user", "id": id_of(Entity::User, "owner", o.get("user"))? })
                            }
                            Some(o) if o.get("group").is_some() => {
                                json!({ "kind": "group", "id": id_of(Entity::Group, "owner", o.get("group"))? })
                            }
                            _ => Value::Null,
                        };
                        m.insert("owner".into(), owner);
                        m.insert(
                            "user_ids".into(),
                            json!(ids_of(c, Entity::User, "users", m.get("users"))?),
                        );
                        m.insert(
                            "company_id".into(),
                            json!(id_of(Entity::Company, "company", m.get("company"))?),
                        );
                        m.insert(
                            "incoming_server_id".into(),
                            json!(id_of(
                                Entity::IncomingServer,
                                "incoming_server",
                                m.get("incoming_server")
                            )?),
                        );
                        m.insert(
                            "outgoing_server_id".into(),
                            json!(id_of(
                                Entity::OutgoingServer,
                                "outgoing_server",
                                m.get("outgoing_server")
                            )?),
                        );
                        let received = m
                            .get("mail_received")
                            .and_then(Value::as_bool)
                            .unwrap_or(false);
                        let mut input: AccountInput = from(parse(m))?;
                        input.password = take_secret(*e, &n, "password", &mut report);
                        let saved = self.create_account_in(c, &input)?;
                        if received {
                            crate::store::accounts::set_mail_received(c, saved.item.id, true)?;
                        }
                        report.warnings.extend(saved.warnings);
                    }
                    Entity::CalendarAccount => {
                        let emp = id_of(Entity::Employee, "employee", m.get("employee"))?;
                        m.insert("employee_id".into(), json!(emp));
                        let mut input: CalendarInput = from(parse(m))?;
                        input.password = take_secret(*e, &n, "password", &mut report);
                        report
                            .warnings
                            .extend(self.create_calendar_in(c, &input)?.warnings);
                    }
                    Entity::Template => {
                        self.create_template_in(c, &from(parse(m))?)?;
                    }
                    Entity::Settings => {}
                }
                count(&mut report, sec);
            }
        }
        if let Some(Value::Object(st)) = doc.get("settings") {
            let mut st = st.clone();
            st.insert(
                "version".into(),
                json!(crate::store::settings::get(c)?.version),
            );
            let s: GeneralSettings = from(Value::Object(st))?;
            s.validate()?;
            crate::store::settings::save(c, &s)?;
        }
        // What still has no secret after the import is marked "not stored" on its row, so
        // the UI asks for it (and a new export lists it again).
        if let Some(list) = doc.get("secrets_to_reenter").and_then(Value::as_array) {
            for k in list.iter().filter_map(Value::as_str) {
                if secrets.contains_key(k) {
                    continue;
                }
                report.secrets_to_reenter.push(k.to_string());
                if let Some((e, name, column)) = parse_secret_key(k) {
                    if let Some(id) = rows::find_label(c, e, name)? {
                        rows::set_secret(c, e, column, id, None, SecretState::NotStored)?;
                    }
                }
            }
        }
        tx.commit()?;
        Ok(report)
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

fn from<T: serde::de::DeserializeOwned>(v: Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| {
        Error::Validation(vec![
            FieldIssue::new("file", FieldCode::InvalidJson).arg("reason", e.to_string())
        ])
    })
}

fn ids_of(c: &Tx, e: Entity, field: &'static str, v: Option<&Value>) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    for n in v
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        match rows::find_label(c, e, n)? {
            Some(id) => out.push(id),
            None => {
                return Err(Error::Validation(vec![FieldIssue::new(
                    field,
                    FieldCode::MissingRef,
                )
                .arg("id", n.to_string())]))
            }
        }
    }
    Ok(out)
}

/// A certificate row as exported (metadata kept as is: a PKCS#12 cannot be re-read without
/// its passphrase, which may be one of the secrets to re-enter).
fn import_cert_row(m: &Map<String, Value>) -> Option<rows::Cols> {
    let s = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
    let data = B64.decode(s("data_base64")?).ok()?;
    let name = s("name")?;
    let mut issues = crate::validate::Issues::default();
    issues.text("name", name.trim(), crate::model::server::NAME_MAX, true);
    if !issues.is_empty() {
        return None;
    }
    let emails: Vec<String> = m
        .get("email_addresses")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let format = CertFormat::parse(&s("format")?)?;
    let kind = CertSecretKind::parse(&s("secret_kind")?)?;
    Some(vec![
        ("name", name.trim().to_string().into()),
        ("format", format.as_str().to_string().into()),
        ("subject", s("subject")?.into()),
        ("issuer", s("issuer")?.into()),
        ("serial", s("serial")?.into()),
        ("not_before", s("not_before")?.into()),
        ("not_after", s("not_after")?.into()),
        ("sha256", s("sha256")?.into()),
        ("email_addresses", emails.join(",").into()),
        (
            "has_private_key",
            m.get("has_private_key")?.as_bool()?.into(),
        ),
        ("data", data.into()),
        ("secret_kind", kind.as_str().to_string().into()),
    ])
}

fn derive_key(passphrase: &str, salt: &[u8]) -> Result<[u8; 32]> {
    let mut key = [0u8; 32];
    argon2::Argon2::default()
        .hash_password_into(passphrase.as_bytes(), salt, &mut key)
        .map_err(|_| Error::Validation(vec![FieldIssue::new("passphrase", FieldCode::Required)]))?;
    Ok(key)
}

fn seal(plain: &[u8], passphrase: &str) -> Result<Value> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut salt).expect("OS random source");
    getrandom::fill(&mut nonce).expect("OS random source");
    let key = derive_key(passphrase, &salt)?;
    let cipher = chacha20poly1305::XChaCha20Poly1305::new((&key).into());
    let ct = cipher
        .encrypt(chacha20poly1305::XNonce::from_slice(&nonce), plain)
        .expect("encryption of a small buffer");
    Ok(json!({
        "kdf": "argon2id",
        "cipher": "xchacha20poly1305",
        "salt": B64.encode(salt),
        "nonce": B64.encode(nonce),
        "ciphertext": B64.encode(ct),
    }))
}

fn open(sealed: &Value, passphrase: &str) -> Result<Vec<u8>> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let wrong = || {
        Error::Validation(vec![FieldIssue::new(
            "passphrase",
            FieldCode::PassphraseWrong,
        )])
    };
    let field = |k: &str| {
        sealed
            .get(k)
            .and_then(Value::as_str)
            .and_then(|s| B64.decode(s).ok())
            .ok_or_else(wrong)
    };
    let (salt, nonce, ct) = (field("salt")?, field("nonce")?, field("ciphertext")?);
    if nonce.len() != 24 {
        return Err(wrong());
    }
    let key = derive_key(passphrase, &salt)?;
    chacha20poly1305::XChaCha20Poly1305::new((&key).into())
        .decrypt(chacha20poly1305::XNonce::from_slice(&nonce), ct.as_slice())
        .map_err(|_| wrong())
}
