//! The export file as a typed, versioned document: one row type per section, rows referring
//! to each other by name. Version 2 is written; version 1 (rows made of the `*Input` types
//! minus their ids and secrets, read leniently) is converted to version 2 on load.

use super::envelope::Sealed;
use crate::diag::FieldCode;
use crate::error::{Entity, Error, FieldIssue, Result};
use crate::model::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const FORMAT: &str = "mailbox-admin-export";
pub const VERSION: u32 = 2;

/// The whole file. Sections are in dependency order: a row refers only to rows of earlier
/// sections (`SECTIONS`). A section left out of a hand-made file is empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportDoc {
    /// Always `mailbox-admin-export`.
    pub format: String,
    pub version: u32,
    #[serde(default)]
    pub certificates: Vec<CertificateRow>,
    #[serde(default)]
    pub oauth_providers: Vec<OauthProviderRow>,
    #[serde(default)]
    pub incoming_servers: Vec<IncomingServerRow>,
    #[serde(default)]
    pub outgoing_servers: Vec<OutgoingServerRow>,
    #[serde(default)]
    pub companies: Vec<CompanyRow>,
    #[serde(default)]
    pub users: Vec<UserRow>,
    #[serde(default)]
    pub groups: Vec<GroupRow>,
    #[serde(default)]
    pub employees: Vec<EmployeeRow>,
    #[serde(default)]
    pub accounts: Vec<AccountRow>,
    #[serde(default)]
    pub calendar_accounts: Vec<CalendarRow>,
    #[serde(default)]
    pub templates: Vec<TemplateRow>,
    /// Mobile accounts (Mobile-Konten): the devices set up.
    #[serde(default)]
    pub mobile_devices: Vec<MobileDeviceRow>,
    /// Left out: the importing installation keeps its settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<SettingsRow>,
    /// Secrets the file does not carry (`kind/name/field`, e.g. `account/Vertrieb/password`).
    #[serde(default)]
    pub secrets_to_reenter: Vec<String>,
    /// Which secrets are sealed in `encrypted_secrets` (names only, like
    /// `secrets_to_reenter`): an import without the passphrase lists them as to be re-entered
    /// instead of dropping them unnoticed. Part of what the seal binds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sealed_secrets: Vec<String>,
    /// The secrets, sealed with a passphrase and bound to the rest of the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_secrets: Option<Sealed>,
}

/// The sections of the file, in dependency order (a section refers only to earlier ones).
pub const SECTIONS: &[(&str, Entity)] = &[
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
    ("mobile_devices", Entity::MobileDevice),
];

/// A document as read, and the version it was written in.
#[derive(Debug)]
pub struct Loaded {
    pub doc: ExportDoc,
    pub written_as: u32,
}

impl ExportDoc {
    pub fn new() -> ExportDoc {
        ExportDoc {
            format: FORMAT.into(),
            version: VERSION,
            certificates: Vec::new(),
            oauth_providers: Vec::new(),
            incoming_servers: Vec::new(),
            outgoing_servers: Vec::new(),
            companies: Vec::new(),
            users: Vec::new(),
            groups: Vec::new(),
            employees: Vec::new(),
            accounts: Vec::new(),
            calendar_accounts: Vec::new(),
            templates: Vec::new(),
            mobile_devices: Vec::new(),
            settings: None,
            secrets_to_reenter: Vec::new(),
            sealed_secrets: Vec::new(),
            encrypted_secrets: None,
        }
    }

    /// Reads a file of version 2, or of version 1 converted to version 2.
    pub fn read(v: &Value) -> Result<Loaded> {
        if v.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(bad_file("not a Mailbox Admin export"));
        }
        match v.get("version").and_then(Value::as_u64) {
            Some(2) => Ok(Loaded {
                doc: parse(v.clone())?,
                written_as: 2,
            }),
            Some(1) => Ok(Loaded {
                doc: v1::convert(v)?,
                written_as: 1,
            }),
            _ => Err(bad_file("unsupported export version")),
        }
    }

    /// What the sealed secrets are bound to: the canonical serialization of the document
    /// without them. Any change to a row, a reference, a TLS setting or the list of secrets
    /// to re-enter changes it, and the secrets no longer open.
    pub fn associated_data(&self) -> Vec<u8> {
        let mut bare = self.clone();
        bare.encrypted_secrets = None;
        serde_json::to_vec(&bare).expect("serializable")
    }

    /// Every row's name (as its section names it, trimmed), section by section.
    pub fn names(&self) -> Vec<(Entity, String)> {
        fn of<R>(e: Entity, rows: &[R], name: impl Fn(&R) -> &str) -> Vec<(Entity, String)> {
            rows.iter()
                .map(|r| (e, name(r).trim().to_string()))
                .collect()
        }
        [
            of(Entity::Certificate, &self.certificates, |r| &r.name),
            of(Entity::OauthProvider, &self.oauth_providers, |r| &r.name),
            of(Entity::IncomingServer, &self.incoming_servers, |r| &r.name),
            of(Entity::OutgoingServer, &self.outgoing_servers, |r| &r.name),
            of(Entity::Company, &self.companies, |r| &r.name),
            of(Entity::User, &self.users, |r| &r.login),
            of(Entity::Group, &self.groups, |r| &r.name),
            of(Entity::Employee, &self.employees, |r| &r.name),
            of(Entity::Account, &self.accounts, |r| &r.name),
            of(Entity::CalendarAccount, &self.calendar_accounts, |r| {
                &r.name
            }),
            of(Entity::Template, &self.templates, |r| &r.name),
            of(Entity::MobileDevice, &self.mobile_devices, |r| &r.name),
        ]
        .concat()
    }
}

impl Default for ExportDoc {
    fn default() -> Self {
        ExportDoc::new()
    }
}

pub(super) fn bad_file(reason: &str) -> Error {
    Error::Validation(vec![
        FieldIssue::new("file", FieldCode::InvalidJson).arg("reason", reason)
    ])
}

fn parse<T: DeserializeOwned>(v: Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| bad_file(&e.to_string()))
}

// ---- rows -------------------------------------------------------------------------------
// Each row is its `*Input` without the id references (names instead) and without the
// secret. `new` builds it for the export, `into_input` gives the input back for the import
// with the references resolved; both are written field by field, so a field added to an
// input does not compile until the export carries it.

/// A certificate as stored (metadata kept as is: a PKCS#12 cannot be re-read without its
/// passphrase, which may be one of the secrets to re-enter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateRow {
    pub name: String,
    pub format: CertFormat,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub sha256: String,
    #[serde(default)]
    pub email_addresses: Vec<String>,
    pub has_private_key: bool,
    pub secret_kind: CertSecretKind,
    /// The stored file (PEM or PKCS#12), base64.
    pub data_base64: String,
    /// Trusted as a root CA (installation-wide, or for `trust_hosts`); left out when not,
    /// so that files of earlier versions round-trip unchanged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub trust_root: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trust_hosts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OauthProviderRow {
    pub name: String,
    pub kind: ProviderKind,
    pub tenant_id: String,
    pub discovery_url: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub device_endpoint: String,
    pub revocation_endpoint: String,
    pub client_id: String,
    pub scopes: String,
    pub app_scopes: String,
    pub token_hosts: Vec<String>,
}

impl OauthProviderRow {
    pub fn new(i: OauthProviderInput) -> Self {
        OauthProviderRow {
            name: i.name,
            kind: i.kind,
            tenant_id: i.tenant_id,
            discovery_url: i.discovery_url,
            authorization_endpoint: i.authorization_endpoint,
            token_endpoint: i.token_endpoint,
            device_endpoint: i.device_endpoint,
            revocation_endpoint: i.revocation_endpoint,
            client_id: i.client_id,
            scopes: i.scopes,
            app_scopes: i.app_scopes,
            token_hosts: i.token_hosts,
        }
    }
    pub fn into_input(self) -> OauthProviderInput {
        OauthProviderInput {
            name: self.name,
            kind: self.kind,
            tenant_id: self.tenant_id,
            discovery_url: self.discovery_url,
            authorization_endpoint: self.authorization_endpoint,
            token_endpoint: self.token_endpoint,
            device_endpoint: self.device_endpoint,
            revocation_endpoint: self.revocation_endpoint,
            client_id: self.client_id,
            client_secret: SecretUpdate::Keep,
            scopes: self.scopes,
            app_scopes: self.app_scopes,
            token_hosts: self.token_hosts,
        }
    }
}

impl Default for OauthProviderRow {
    fn default() -> Self {
        Self::new(OauthProviderInput::default())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IncomingServerRow {
    pub name: String,
    pub protocol: Protocol,
    pub host: String,
    pub security: Security,
    pub port: Option<i64>,
    pub timeout_secs: i64,
    pub auth_method: AuthMethod,
    pub ntlm_domain: String,
    /// An OAuth provider's name.
    pub oauth_provider: Option<String>,
    pub login_user: String,
    pub allow_plaintext: bool,
    pub tls_verify: bool,
    pub tls_insecure_confirmed: bool,
    pub tls_alt_name: String,
    pub tls_pin_sha256: String,
    /// A certificate's name. Left out when none, so that a file written before it reads and
    /// writes back the same.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_certificate: Option<String>,
    pub folder_trash: String,
    pub folder_junk: String,
    pub folder_sent: String,
    pub folder_deleted: String,
    pub pop3_delete_after_fetch: bool,
    pub pop3_delete_after_days: Option<i64>,
}

/// The names an incoming server refers to, or their ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncomingRefs<T> {
    pub oauth_provider: Option<T>,
    pub client_certificate: Option<T>,
}

impl IncomingServerRow {
    pub fn new(i: ServerInput, refs: IncomingRefs<String>) -> Self {
        IncomingServerRow {
            name: i.name,
            protocol: i.protocol,
            host: i.host,
            security: i.security,
            port: i.port,
            timeout_secs: i.timeout_secs,
            auth_method: i.auth_method,
            ntlm_domain: i.ntlm_domain,
            oauth_provider: refs.oauth_provider,
            login_user: i.login_user,
            allow_plaintext: i.allow_plaintext,
            tls_verify: i.tls_verify,
            tls_insecure_confirmed: i.tls_insecure_confirmed,
            tls_alt_name: i.tls_alt_name,
            tls_pin_sha256: i.tls_pin_sha256,
            client_certificate: refs.client_certificate,
            folder_trash: i.folder_trash,
            folder_junk: i.folder_junk,
            folder_sent: i.folder_sent,
            folder_deleted: i.folder_deleted,
            pop3_delete_after_fetch: i.pop3_delete_after_fetch,
            pop3_delete_after_days: i.pop3_delete_after_days,
        }
    }
    pub fn into_input(self, ids: IncomingRefs<i64>) -> ServerInput {
        ServerInput {
            name: self.name,
            protocol: self.protocol,
            host: self.host,
            security: self.security,
            port: self.port,
            timeout_secs: self.timeout_secs,
            auth_method: self.auth_method,
            ntlm_domain: self.ntlm_domain,
            oauth_provider_id: ids.oauth_provider,
            login_user: self.login_user,
            password: SecretUpdate::Keep,
            allow_plaintext: self.allow_plaintext,
            tls_verify: self.tls_verify,
            tls_insecure_confirmed: self.tls_insecure_confirmed,
            tls_alt_name: self.tls_alt_name,
            tls_pin_sha256: self.tls_pin_sha256,
            client_certificate_id: ids.client_certificate,
            folder_trash: self.folder_trash,
            folder_junk: self.folder_junk,
            folder_sent: self.folder_sent,
            folder_deleted: self.folder_deleted,
            pop3_delete_after_fetch: self.pop3_delete_after_fetch,
            pop3_delete_after_days: self.pop3_delete_after_days,
        }
    }
}

impl Default for IncomingServerRow {
    fn default() -> Self {
        Self::new(ServerInput::default(), IncomingRefs::default())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutgoingServerRow {
    pub name: String,
    pub enabled: bool,
    pub kind: OutgoingKind,
    pub m365_send_via: M365SendVia,
    pub host: String,
    pub security: Security,
    pub port: Option<i64>,
    pub timeout_secs: i64,
    pub auth_method: SmtpAuth,
    pub username: String,
    pub ntlm_domain: String,
    /// An OAuth provider's name.
    pub oauth_provider: Option<String>,
    pub allow_plaintext: bool,
    pub sender_address: String,
    pub bcc_to_sender: bool,
    /// Left out when off (see `AccountRow::delete_procedure`).
    #[serde(skip_serializing_if = "is_default")]
    pub send_via_app_server: bool,
    pub tls_verify: bool,
    pub tls_insecure_confirmed: bool,
    pub tls_alt_name: String,
    pub tls_pin_sha256: String,
    pub smime_sign: bool,
    pub smime_encrypt: bool,
    /// A certificate's name.
    pub smime_certificate: Option<String>,
    /// A certificate's name.
    pub client_certificate: Option<String>,
    pub is_default: bool,
}

/// The names an outgoing server refers to, or their ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutgoingRefs<T> {
    pub oauth_provider: Option<T>,
    pub smime_certificate: Option<T>,
    pub client_certificate: Option<T>,
}

impl OutgoingServerRow {
    pub fn new(i: OutgoingInput, refs: OutgoingRefs<String>) -> Self {
        OutgoingServerRow {
            name: i.name,
            enabled: i.enabled,
            kind: i.kind,
            m365_send_via: i.m365_send_via,
            host: i.host,
            security: i.security,
            port: i.port,
            timeout_secs: i.timeout_secs,
            auth_method: i.auth_method,
            username: i.username,
            ntlm_domain: i.ntlm_domain,
            oauth_provider: refs.oauth_provider,
            allow_plaintext: i.allow_plaintext,
            sender_address: i.sender_address,
            bcc_to_sender: i.bcc_to_sender,
            send_via_app_server: i.send_via_app_server,
            tls_verify: i.tls_verify,
            tls_insecure_confirmed: i.tls_insecure_confirmed,
            tls_alt_name: i.tls_alt_name,
            tls_pin_sha256: i.tls_pin_sha256,
            smime_sign: i.smime_sign,
            smime_encrypt: i.smime_encrypt,
            smime_certificate: refs.smime_certificate,
            client_certificate: refs.client_certificate,
            is_default: i.is_default,
        }
    }
    pub fn into_input(self, ids: OutgoingRefs<i64>) -> OutgoingInput {
        OutgoingInput {
            name: self.name,
            enabled: self.enabled,
            kind: self.kind,
            m365_send_via: self.m365_send_via,
            host: self.host,
            security: self.security,
            port: self.port,
            timeout_secs: self.timeout_secs,
            auth_method: self.auth_method,
            username: self.username,
            ntlm_domain: self.ntlm_domain,
            oauth_provider_id: ids.oauth_provider,
            password: SecretUpdate::Keep,
            allow_plaintext: self.allow_plaintext,
            sender_address: self.sender_address,
            bcc_to_sender: self.bcc_to_sender,
            send_via_app_server: self.send_via_app_server,
            tls_verify: self.tls_verify,
            tls_insecure_confirmed: self.tls_insecure_confirmed,
            tls_alt_name: self.tls_alt_name,
            tls_pin_sha256: self.tls_pin_sha256,
            smime_sign: self.smime_sign,
            smime_encrypt: self.smime_encrypt,
            smime_certificate_id: ids.smime_certificate,
            client_certificate_id: ids.client_certificate,
            is_default: self.is_default,
        }
    }
}

impl Default for OutgoingServerRow {
    fn default() -> Self {
        Self::new(OutgoingInput::default(), OutgoingRefs::default())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompanyRow {
    pub name: String,
    pub code: String,
    /// An outgoing server's name.
    pub default_outgoing_server: Option<String>,
}

impl CompanyRow {
    pub fn into_input(self, default_outgoing_server_id: Option<i64>) -> CompanyInput {
        CompanyInput {
            name: self.name,
            code: self.code,
            default_outgoing_server_id,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UserRow {
    pub login: String,
    pub display_name: String,
    pub email: String,
}

impl UserRow {
    pub fn new(i: UserInput) -> Self {
        UserRow {
            login: i.login,
            display_name: i.display_name,
            email: i.email,
        }
    }
    pub fn into_input(self) -> UserInput {
        UserInput {
            login: self.login,
            display_name: self.display_name,
            email: self.email,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GroupRow {
    pub name: String,
    pub description: String,
    /// Users' logins.
    pub members: Vec<String>,
}

impl GroupRow {
    pub fn into_input(self, member_ids: Vec<i64>) -> GroupInput {
        GroupInput {
            name: self.name,
            description: self.description,
            member_ids,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmployeeRow {
    pub name: String,
    pub email: String,
    pub personnel_number: String,
    /// A user's login.
    pub user: Option<String>,
}

impl EmployeeRow {
    pub fn into_input(self, user_id: Option<i64>) -> EmployeeInput {
        EmployeeInput {
            name: self.name,
            email: self.email,
            personnel_number: self.personnel_number,
            user_id,
        }
    }
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// Who owns a mailbox, by name: `{"user": "anna"}` or `{"group": "Vertrieb"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum OwnerRef {
    User(String),
    Group(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountRow {
    pub name: String,
    pub email: String,
    pub sender_name: String,
    pub reply_to: String,
    pub owner: Option<OwnerRef>,
    /// Users' logins.
    pub users: Vec<String>,
    /// A company's name.
    pub company: Option<String>,
    /// An incoming server's name.
    pub incoming_server: Option<String>,
    /// An outgoing server's name; none: the company's or the installation's default.
    pub outgoing_server: Option<String>,
    pub username: String,
    pub mailbox_path: String,
    pub folder_trash: String,
    pub folder_junk: String,
    pub folder_sent: String,
    pub only_subscribed: bool,
    pub folders: Vec<AccountFolder>,
    pub may_send: bool,
    pub may_receive: bool,
    pub may_out_of_office: bool,
    pub send_bcc: String,
    pub signature: String,
    pub auto_fetch: bool,
    pub verbose_log: bool,
    pub oauth_mechanism: OauthMechanism,
    // The seeds' remaining fields (issue 12) are left out at their defaults, so that a file
    // without them (version 1, or written before them) reads and writes back the same.
    /// A group's name: who may see the attachments of received mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments_group_in: Option<String>,
    /// A group's name: who may see the attachments of sent mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments_group_out: Option<String>,
    #[serde(skip_serializing_if = "is_default")]
    pub delete_procedure: DeleteProcedure,
    /// Mail was received for it: its mailbox path stays locked after the import.
    pub mail_received: bool,
}

/// The names an account refers to, or their ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRefs<T, O> {
    pub owner: Option<O>,
    pub users: Vec<T>,
    pub company: Option<T>,
    pub incoming_server: Option<T>,
    pub outgoing_server: Option<T>,
    pub attachments_group_in: Option<T>,
    pub attachments_group_out: Option<T>,
}

impl<T, O> Default for AccountRefs<T, O> {
    fn default() -> Self {
        AccountRefs {
            owner: None,
            users: Vec::new(),
            company: None,
            incoming_server: None,
            outgoing_server: None,
            attachments_group_in: None,
            attachments_group_out: None,
        }
    }
}

impl AccountRow {
    pub fn new(i: AccountInput, refs: AccountRefs<String, OwnerRef>, mail_received: bool) -> Self {
        AccountRow {
            name: i.name,
            email: i.email,
            sender_name: i.sender_name,
            reply_to: i.reply_to,
            owner: refs.owner,
            users: refs.users,
            company: refs.company,
            incoming_server: refs.incoming_server,
            outgoing_server: refs.outgoing_server,
            username: i.username,
            mailbox_path: i.mailbox_path,
            folder_trash: i.folder_trash,
            folder_junk: i.folder_junk,
            folder_sent: i.folder_sent,
            only_subscribed: i.only_subscribed,
            folders: i.folders,
            may_send: i.may_send,
            may_receive: i.may_receive,
            may_out_of_office: i.may_out_of_office,
            send_bcc: i.send_bcc,
            signature: i.signature,
            auto_fetch: i.auto_fetch,
            verbose_log: i.verbose_log,
            oauth_mechanism: i.oauth_mechanism,
            attachments_group_in: refs.attachments_group_in,
            attachments_group_out: refs.attachments_group_out,
            delete_procedure: i.delete_procedure,
            mail_received,
        }
    }
    pub fn into_input(self, ids: AccountRefs<i64, Owner>) -> AccountInput {
        AccountInput {
            name: self.name,
            email: self.email,
            sender_name: self.sender_name,
            reply_to: self.reply_to,
            owner: ids.owner,
            user_ids: ids.users,
            company_id: ids.company,
            incoming_server_id: ids.incoming_server,
            outgoing_server_id: ids.outgoing_server,
            username: self.username,
            password: SecretUpdate::Keep,
            mailbox_path: self.mailbox_path,
            folder_trash: self.folder_trash,
            folder_junk: self.folder_junk,
            folder_sent: self.folder_sent,
            only_subscribed: self.only_subscribed,
            folders: self.folders,
            may_send: self.may_send,
            may_receive: self.may_receive,
            may_out_of_office: self.may_out_of_office,
            send_bcc: self.send_bcc,
            signature: self.signature,
            auto_fetch: self.auto_fetch,
            verbose_log: self.verbose_log,
            oauth_mechanism: self.oauth_mechanism,
            attachments_group_in_id: ids.attachments_group_in,
            attachments_group_out_id: ids.attachments_group_out,
            delete_procedure: self.delete_procedure,
        }
    }
}

impl Default for AccountRow {
    fn default() -> Self {
        Self::new(AccountInput::default(), AccountRefs::default(), false)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarRow {
    pub name: String,
    /// An employee's name.
    pub employee: Option<String>,
    pub backend: CalendarBackend,
    pub outlook_profile: String,
    pub calendar_name: String,
    pub caldav_url: String,
    pub username: String,
    /// Microsoft 365: the OAuth provider's name.
    pub oauth_provider: Option<String>,
    pub sync_days_back: i64,
    pub sync_days_ahead: i64,
}

impl CalendarRow {
    pub fn new(i: CalendarInput, employee: Option<String>, oauth_provider: Option<String>) -> Self {
        CalendarRow {
            name: i.name,
            employee,
            backend: i.backend,
            outlook_profile: i.outlook_profile,
            calendar_name: i.calendar_name,
            caldav_url: i.caldav_url,
            username: i.username,
            oauth_provider,
            sync_days_back: i.sync_days_back,
            sync_days_ahead: i.sync_days_ahead,
        }
    }
    pub fn into_input(
        self,
        employee_id: Option<i64>,
        oauth_provider_id: Option<i64>,
    ) -> CalendarInput {
        CalendarInput {
            name: self.name,
            employee_id,
            backend: self.backend,
            outlook_profile: self.outlook_profile,
            calendar_name: self.calendar_name,
            caldav_url: self.caldav_url,
            username: self.username,
            password: SecretUpdate::Keep,
            oauth_provider_id,
            sync_days_back: self.sync_days_back,
            sync_days_ahead: self.sync_days_ahead,
        }
    }
}

impl Default for CalendarRow {
    fn default() -> Self {
        Self::new(CalendarInput::default(), None, None)
    }
}

/// A device set up for an account (Mobile-Konten).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MobileDeviceRow {
    pub name: String,
    pub platform: DevicePlatform,
    /// A user's login.
    pub user: Option<String>,
    /// An account's name.
    pub account: Option<String>,
    pub method: ProvisionMethod,
    pub set_up_at: String,
    pub set_up_by: String,
    pub notes: String,
}

impl MobileDeviceRow {
    pub fn new(i: MobileDeviceInput, user: Option<String>, account: Option<String>) -> Self {
        MobileDeviceRow {
            name: i.name,
            platform: i.platform,
            user,
            account,
            method: i.method,
            set_up_at: i.set_up_at,
            set_up_by: i.set_up_by,
            notes: i.notes,
        }
    }
    pub fn into_input(self, user_id: Option<i64>, account_id: Option<i64>) -> MobileDeviceInput {
        MobileDeviceInput {
            name: self.name,
            platform: self.platform,
            user_id,
            account_id,
            method: self.method,
            set_up_at: self.set_up_at,
            set_up_by: self.set_up_by,
            notes: self.notes,
        }
    }
}

impl Default for MobileDeviceRow {
    fn default() -> Self {
        Self::new(MobileDeviceInput::default(), None, None)
    }
}

/// A template: its data is an input of its kind (checked on import as on save).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRow {
    pub name: String,
    pub kind: TemplateKind,
    pub data: Value,
}

/// The general settings, without their row version and time stamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SettingsRow {
    pub fetch_interval_minutes: u32,
    pub hide_mailbox: bool,
    pub show_outbox: bool,
    pub no_manual_fetch: bool,
    pub users_may_redownload: bool,
    pub lock_after_send: bool,
    pub detect_budget_secs: u32,
    pub dns_server: String,
    pub provider_db_url: String,
    pub detect_allow_http: bool,
    pub detect_send_address: bool,
    pub save_only_tested: bool,
}

impl SettingsRow {
    pub fn new(s: GeneralSettings) -> Self {
        SettingsRow {
            fetch_interval_minutes: s.fetch_interval_minutes,
            hide_mailbox: s.hide_mailbox,
            show_outbox: s.show_outbox,
            no_manual_fetch: s.no_manual_fetch,
            users_may_redownload: s.users_may_redownload,
            lock_after_send: s.lock_after_send,
            detect_budget_secs: s.detect_budget_secs,
            dns_server: s.dns_server,
            provider_db_url: s.provider_db_url,
            detect_allow_http: s.detect_allow_http,
            detect_send_address: s.detect_send_address,
            save_only_tested: s.save_only_tested,
        }
    }
    /// The settings to save over `current` (whose version the save checks).
    pub fn into_settings(self, current: &GeneralSettings) -> GeneralSettings {
        GeneralSettings {
            version: current.version,
            fetch_interval_minutes: self.fetch_interval_minutes,
            hide_mailbox: self.hide_mailbox,
            show_outbox: self.show_outbox,
            no_manual_fetch: self.no_manual_fetch,
            users_may_redownload: self.users_may_redownload,
            lock_after_send: self.lock_after_send,
            detect_budget_secs: self.detect_budget_secs,
            dns_server: self.dns_server,
            provider_db_url: self.provider_db_url,
            detect_allow_http: self.detect_allow_http,
            detect_send_address: self.detect_send_address,
            save_only_tested: self.save_only_tested,
            updated_at: current.updated_at.clone(),
        }
    }
}

impl Default for SettingsRow {
    fn default() -> Self {
        Self::new(GeneralSettings::default())
    }
}

/// Version 1: the same sections and names, but read as the `*Input` types were — keys a row
/// does not know are ignored, missing ones take their defaults, entries that are not objects
/// are skipped — and secrets sealed without parameters or binding.
mod v1 {
    use super::*;

    /// The keys a row of type `R` has (those of its default).
    fn known<R: Serialize + Default>() -> Vec<String> {
        match serde_json::to_value(R::default()).expect("serializable") {
            Value::Object(m) => m.into_iter().map(|(k, _)| k).collect(),
            _ => Vec::new(),
        }
    }

    fn rows<R: DeserializeOwned>(doc: &Value, section: &str, keep: &[String]) -> Result<Vec<R>> {
        doc.get(section)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .map(|m| {
                let m: Map<String, Value> = m
                    .iter()
                    .filter(|(k, _)| keep.contains(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                parse(Value::Object(m))
            })
            .collect()
    }

    fn lenient<R: Serialize + Default + DeserializeOwned>(doc: &Value, s: &str) -> Result<Vec<R>> {
        rows(doc, s, &known::<R>())
    }

    pub(super) fn convert(doc: &Value) -> Result<ExportDoc> {
        const CERT_KEYS: &[&str] = &[
            "name",
            "format",
            "subject",
            "issuer",
            "serial",
            "not_before",
            "not_after",
            "sha256",
            "trust_root",
            "trust_hosts",
            "email_addresses",
            "has_private_key",
            "secret_kind",
            "data_base64",
        ];
        let cert_keys: Vec<String> = CERT_KEYS.iter().map(|k| k.to_string()).collect();
        let template_keys: Vec<String> = ["name", "kind", "data"].map(String::from).into();
        let settings = match doc.get("settings") {
            Some(Value::Object(m)) => {
                let keep = known::<SettingsRow>();
                let m: Map<String, Value> = m
                    .iter()
                    .filter(|(k, _)| keep.contains(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                Some(parse(Value::Object(m))?)
            }
            _ => None,
        };
        Ok(ExportDoc {
            format: FORMAT.into(),
            version: VERSION,
            certificates: rows(doc, "certificates", &cert_keys)?,
            oauth_providers: lenient(doc, "oauth_providers")?,
            incoming_servers: lenient(doc, "incoming_servers")?,
            outgoing_servers: lenient(doc, "outgoing_servers")?,
            companies: lenient(doc, "companies")?,
            users: lenient(doc, "users")?,
            groups: lenient(doc, "groups")?,
            employees: lenient(doc, "employees")?,
            accounts: lenient(doc, "accounts")?,
            calendar_accounts: lenient(doc, "calendar_accounts")?,
            templates: rows(doc, "templates", &template_keys)?,
            mobile_devices: Vec::new(),
            settings,
            secrets_to_reenter: doc
                .get("secrets_to_reenter")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            // Version 1 did not name its sealed secrets.
            sealed_secrets: Vec::new(),
            encrypted_secrets: match doc.get("encrypted_secrets") {
                Some(v @ Value::Object(_)) => Some(parse(v.clone())?),
                _ => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_2_document_refuses_unknown_keys() {
        let mut v = serde_json::to_value(ExportDoc::new()).unwrap();
        v["users"] = serde_json::json!([{ "login": "anna", "pasword": "x" }]);
        let e = ExportDoc::read(&v).unwrap_err().to_api(crate::Lang::En);
        assert!(e.message.contains("pasword"), "{}", e.message);
        v["users"] = serde_json::json!([{ "login": "anna" }]);
        v["extra"] = serde_json::json!(1);
        assert!(ExportDoc::read(&v).is_err());
    }

    #[test]
    fn a_version_1_document_is_read_as_leniently_as_before() {
        let v = serde_json::json!({
            "format": FORMAT,
            "version": 1,
            "users": [{ "login": "anna", "group_ids": [1] }, "not a row"],
            "accounts": [{ "name": "A", "owner": { "user": "anna" }, "password": "ignored" }],
        });
        let r = ExportDoc::read(&v).unwrap();
        assert_eq!(r.written_as, 1);
        assert_eq!(r.doc.version, VERSION);
        assert_eq!(
            r.doc.users,
            vec![UserRow {
                login: "anna".into(),
                ..Default::default()
            }]
        );
        let a = &r.doc.accounts[0];
        assert_eq!(a.owner, Some(OwnerRef::User("anna".into())));
        assert_eq!(a.mailbox_path, "INBOX", "the input's default");
        assert!(r.doc.settings.is_none());
    }

    #[test]
    fn other_formats_and_versions_are_refused() {
        for v in [
            serde_json::json!({ "format": "something", "version": 2 }),
            serde_json::json!({ "format": FORMAT, "version": 3 }),
            serde_json::json!([]),
        ] {
            assert!(ExportDoc::read(&v).is_err(), "{v}");
        }
    }
}
