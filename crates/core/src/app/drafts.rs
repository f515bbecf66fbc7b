//! Testing before saving: a form's test button works on what the form holds now. The input
//! is checked as a save would check it (field errors, nothing stored), a password typed into
//! the form is used for this one test and never written anywhere, and a record being edited
//! lends its stored password while the form leaves it unchanged. No history is recorded: the
//! run belongs to no stored record (yet).

use super::probe::{AccountTestOptions, TestOptions};
use super::App;
use crate::diag::{DiagnosisCode, FieldCode};
use crate::error::Error;
use crate::error::Result;
use crate::model::{
    Account, AccountInput, CalendarAccount, CalendarInput, IncomingServer, OutgoingFields,
    OutgoingInput, OutgoingServer, Owner, SecretState, SecretUpdate, ServerFields, ServerInput,
};
use crate::oauth::OauthFailure;
use crate::probe::{
    self, CancellationToken, ProbeAuth, ProbeTarget, Progress, TestPlan, TestReport,
};

impl App {
    /// Tests incoming server `input` as the form has it; `id` is the server being edited
    /// (`None` for a new one).
    pub async fn test_server_draft(
        &self,
        id: Option<i64>,
        input: &ServerInput,
        opts: &TestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<TestReport> {
        let existing = id.map(|i| self.get_server(i)).transpose()?;
        let fields = input.validate(existing.as_ref())?;
        if let Some(p) = fields.oauth_provider_id {
            self.get_oauth_provider(p)?;
        }
        if let Some(c) = fields.client_certificate_id {
            self.get_certificate(c)?;
        }
        let server = incoming_preview(fields, existing.as_ref(), &input.password);
        let mut t = self.server_target_of(&server, opts);
        use_typed(&mut t, &input.password);
        if t.auth == ProbeAuth::Oauth2 {
            self.attach_app_token(&mut t, server.oauth_provider_id)
                .await;
        }
        Ok(probe::run(&TestPlan::single(t), self.lang(), progress, cancel).await)
    }

    /// Tests outgoing server `input` as the form has it; `id` is the server being edited.
    pub async fn test_outgoing_draft(
        &self,
        id: Option<i64>,
        input: &OutgoingInput,
        opts: &TestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<TestReport> {
        let existing = id.map(|i| self.get_outgoing(i)).transpose()?;
        let fields = input.validate()?;
        if let Some(p) = fields.oauth_provider_id {
            self.get_oauth_provider(p)?;
        }
        for c in [fields.smime_certificate_id, fields.client_certificate_id]
            .into_iter()
            .flatten()
        {
            self.get_certificate(c)?;
        }
        let server = outgoing_preview(fields, existing.as_ref(), &input.password);
        if !server.enabled {
            return Err(crate::error::Error::field(
                "enabled",
                crate::diag::FieldCode::ServerDisabled,
            ));
        }
        let mut t = self.outgoing_target_of(&server, opts).await;
        use_typed(&mut t, &input.password);
        Ok(probe::run(&TestPlan::single(t), self.lang(), progress, cancel).await)
    }
}

impl App {
    /// Tests account `input` as the form has it ("Postfach prüfen" before saving): its
    /// incoming server with the form's login, its effective outgoing server as the form's
    /// company and choice give it; `id` is the account being edited.
    pub async fn test_account_draft(
        &self,
        id: Option<i64>,
        input: &AccountInput,
        opts: &AccountTestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<TestReport> {
        super::probe::check_send_to(opts)?;
        let existing = id.map(|i| self.get_account(i)).transpose()?;
        let v = input.validate(existing.as_ref())?;
        if let Some(sid) = v.incoming_server_id {
            self.get_server(sid)?;
        }
        if let Some(sid) = v.outgoing_server_id {
            self.get_outgoing(sid)?;
        }
        if let Some(cid) = v.company_id {
            self.get_company(cid)?;
        }
        let owner = v
            .owner
            .ok_or_else(|| Error::field("owner", FieldCode::OwnerRequired))?;
        let sender = {
            let db = self.db();
            crate::store::accounts::effective_sender_name(db.read(), &v.sender_name, owner)?
        };
        let outgoing = {
            let db = self.db();
            crate::store::accounts::effective_outgoing_of(
                db.read(),
                v.outgoing_server_id,
                v.company_id,
            )?
            .server_id
        };
        let typed = match &input.password {
            SecretUpdate::Set(p) => Some(p.expose().to_string()),
            _ => None,
        };
        let lent = existing.as_ref().map(|a| a.password);
        let a = account_preview(v, owner, sender, existing.as_ref(), &input.password);
        let password = || match (&typed, id, lent) {
            (Some(p), _, _) => Ok(Some(p.clone())),
            (None, Some(i), Some(SecretState::Stored)) => {
                self.secret_text(self.account_password(i))
            }
            _ => Ok(None),
        };
        let mut plan = self.account_plan_of(&a, outgoing, &password, opts)?;
        match id {
            // An edited account keeps its OAuth connection.
            Some(i) => self.attach_oauth(&mut plan, i).await?,
            None => {
                for t in [plan.incoming.as_mut(), plan.outgoing.as_mut()]
                    .into_iter()
                    .flatten()
                    .filter(|t| t.auth == ProbeAuth::Oauth2)
                {
                    t.oauth_failure = Some(OauthFailure::new(
                        DiagnosisCode::OauthNotConnected,
                        "",
                        "a new account is connected with its OAuth provider once it is saved",
                    ));
                }
            }
        }
        Ok(probe::run(&plan, self.lang(), progress, cancel).await)
    }
}

/// The account a save of `v` would store, the stored one's identity and flags kept. A typed
/// password counts as stored (the test reads it from the form).
fn account_preview(
    v: AccountInput,
    owner: Owner,
    effective_sender_name: String,
    existing: Option<&Account>,
    password: &SecretUpdate,
) -> Account {
    let password = match password {
        SecretUpdate::Set(_) => SecretState::Stored,
        other => lent(existing.map(|a| a.password), other),
    };
    Account {
        id: existing.map_or(0, |a| a.id),
        version: existing.map_or(0, |a| a.version),
        name: v.name,
        email: v.email,
        sender_name: v.sender_name,
        effective_sender_name,
        reply_to: v.reply_to,
        owner,
        user_ids: v.user_ids,
        company_id: v.company_id,
        incoming_server_id: v.incoming_server_id,
        outgoing_server_id: v.outgoing_server_id,
        username: v.username,
        password,
        mailbox_path: v.mailbox_path,
        mail_received: existing.is_some_and(|a| a.mail_received),
        folder_trash: v.folder_trash,
        folder_junk: v.folder_junk,
        folder_sent: v.folder_sent,
        only_subscribed: v.only_subscribed,
        folders: v.folders,
        may_send: v.may_send,
        may_receive: v.may_receive,
        may_out_of_office: v.may_out_of_office,
        send_bcc: v.send_bcc,
        signature: v.signature,
        auto_fetch: v.auto_fetch,
        verbose_log: v.verbose_log,
        oauth_mechanism: v.oauth_mechanism,
        attachments_group_in_id: v.attachments_group_in_id,
        attachments_group_out_id: v.attachments_group_out_id,
        delete_procedure: v.delete_procedure,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

impl App {
    /// Tests calendar account `input` as the form has it; `id` is the account being edited.
    pub async fn test_calendar_draft(
        &self,
        id: Option<i64>,
        input: &CalendarInput,
        opts: &TestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<TestReport> {
        let existing = id.map(|i| self.get_calendar(i)).transpose()?;
        let v = input.validate()?;
        let employee_id = v
            .employee_id
            .ok_or_else(|| Error::field("employee_id", FieldCode::Required))?;
        self.get_employee(employee_id)?;
        if let Some(p) = v.oauth_provider_id {
            self.get_oauth_provider(p)?;
        }
        let typed = match &input.password {
            SecretUpdate::Set(p) => Some(p.clone()),
            _ => None,
        };
        let c = CalendarAccount {
            id: existing.as_ref().map_or(0, |c| c.id),
            version: existing.as_ref().map_or(0, |c| c.version),
            name: v.name,
            employee_id,
            backend: v.backend,
            outlook_profile: v.outlook_profile,
            calendar_name: v.calendar_name,
            caldav_url: v.caldav_url,
            username: v.username,
            password: lent(existing.as_ref().map(|c| c.password), &v.password),
            oauth_provider_id: v.oauth_provider_id,
            sync_days_back: v.sync_days_back as u32,
            sync_days_ahead: v.sync_days_ahead as u32,
            created_at: String::new(),
            updated_at: String::new(),
        };
        self.run_calendar_test(&c, typed.as_ref(), opts, progress, cancel)
            .await
    }
}

/// A password typed into the form logs in for this test (where the method takes one).
fn use_typed(t: &mut ProbeTarget, password: &SecretUpdate) {
    if let SecretUpdate::Set(typed) = password {
        if matches!(
            t.auth,
            ProbeAuth::Password | ProbeAuth::CramMd5 | ProbeAuth::Ntlm
        ) && !t.user.trim().is_empty()
        {
            t.password = Some(typed.clone());
            t.password_error = None;
        }
    }
}

/// What a record being edited lends a draft test: its stored password while the form
/// keeps it; nothing otherwise (a typed one goes to the test directly).
fn lent(stored: Option<SecretState>, password: &SecretUpdate) -> SecretState {
    match (stored, password) {
        (Some(s), SecretUpdate::Keep) => s,
        _ => SecretState::None,
    }
}

/// The outgoing server a save of `fields` would store, the stored one's identity kept.
fn outgoing_preview(
    f: OutgoingFields,
    existing: Option<&OutgoingServer>,
    password: &SecretUpdate,
) -> OutgoingServer {
    OutgoingServer {
        id: existing.map_or(0, |s| s.id),
        version: existing.map_or(0, |s| s.version),
        name: f.name,
        enabled: f.enabled,
        kind: f.kind,
        m365_send_via: f.m365_send_via,
        host: f.host,
        security: f.security,
        port: f.port,
        port_manual: f.port_manual,
        timeout_secs: f.timeout_secs,
        auth_method: f.auth_method,
        username: f.username,
        ntlm_domain: f.ntlm_domain,
        oauth_provider_id: f.oauth_provider_id,
        password: lent(existing.map(|s| s.password), password),
        allow_plaintext: f.allow_plaintext,
        sender_address: f.sender_address,
        bcc_to_sender: f.bcc_to_sender,
        send_via_app_server: f.send_via_app_server,
        tls_verify: f.tls_verify,
        tls_alt_name: f.tls_alt_name,
        tls_pin_sha256: f.tls_pin_sha256,
        smime_sign: f.smime_sign,
        smime_encrypt: f.smime_encrypt,
        smime_certificate_id: f.smime_certificate_id,
        client_certificate_id: f.client_certificate_id,
        is_default: f.is_default,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

/// The server a save of `fields` would store, the stored one's identity kept. Its password
/// state is what the stored server lends: stored while the form keeps it, none otherwise (a
/// typed one is given to the test directly).
fn incoming_preview(
    f: ServerFields,
    existing: Option<&IncomingServer>,
    password: &SecretUpdate,
) -> IncomingServer {
    IncomingServer {
        id: existing.map_or(0, |s| s.id),
        version: existing.map_or(0, |s| s.version),
        name: f.name,
        protocol: f.protocol,
        host: f.host,
        security: f.security,
        port: f.port,
        port_manual: f.port_manual,
        timeout_secs: f.timeout_secs,
        auth_method: f.auth_method,
        ntlm_domain: f.ntlm_domain,
        oauth_provider_id: f.oauth_provider_id,
        login_user: f.login_user,
        password: lent(existing.map(|s| s.password), password),
        allow_plaintext: f.allow_plaintext,
        tls_verify: f.tls_verify,
        tls_alt_name: f.tls_alt_name,
        tls_pin_sha256: f.tls_pin_sha256,
        client_certificate_id: f.client_certificate_id,
        folder_trash: f.folder_trash,
        folder_junk: f.folder_junk,
        folder_sent: f.folder_sent,
        folder_deleted: f.folder_deleted,
        pop3_delete_after_fetch: f.pop3_delete_after_fetch,
        pop3_delete_after_days: f.pop3_delete_after_days,
        created_at: String::new(),
        updated_at: String::new(),
    }
}
