//! Connection tests of stored records: builds the probe target from the record and the
//! keyring, runs the engine, and keeps the history of test runs (table `test_runs`).

use super::App;
use crate::diag::DiagnosisCode;
use crate::diag::FieldCode;
use crate::error::{Entity, Error, Result};
use crate::model::{
    Account, AuthMethod, IncomingServer, M365SendVia, OutgoingKind, OutgoingServer, SecretState,
    SmtpAuth,
};
use crate::oauth::OauthFailure;
use crate::probe::{
    self, CancellationToken, ProbeAuth, ProbeProtocol, ProbeTarget, Progress, RoundTrip, Secret,
    SpecialFolders, TestPlan, TestReport, TlsSettings,
};
use crate::store::test_runs::{self, StoredRun};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use ts_rs::TS;

/// Runs kept per tested record; older ones are dropped.
const HISTORY_KEEP: i64 = 100;

/// Options of one test run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct TestOptions {
    /// Additional trusted CA certificates (PEM) besides the OS trust store, e.g. a company
    /// CA (`mbadmin test --ca-file`).
    pub extra_roots: Vec<String>,
}

/// What a test run was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TestTargetKind {
    IncomingServer,
    OutgoingServer,
    Account,
    CalendarAccount,
}

impl TestTargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TestTargetKind::IncomingServer => "incoming_server",
            TestTargetKind::OutgoingServer => "outgoing_server",
            TestTargetKind::Account => "account",
            TestTargetKind::CalendarAccount => "calendar_account",
        }
    }

    /// The kind of record the history belongs to.
    pub fn entity(self) -> Entity {
        match self {
            TestTargetKind::IncomingServer => Entity::IncomingServer,
            TestTargetKind::OutgoingServer => Entity::OutgoingServer,
            TestTargetKind::Account => Entity::Account,
            TestTargetKind::CalendarAccount => Entity::CalendarAccount,
        }
    }
}

/// What an account test does beyond checking both servers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct AccountTestOptions {
    #[serde(flatten)]
    pub base: TestOptions,
    /// Send a test mail to this address through the account's outgoing server.
    pub send_to: Option<String>,
    /// Send a mail to the account itself and wait until it arrives by IMAP/POP3.
    pub roundtrip: bool,
    /// How long the round trip waits for the mail (seconds; default 60).
    pub roundtrip_wait_secs: Option<u32>,
}

/// One account's line of a bulk test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BulkResult {
    pub account_id: i64,
    pub account: String,
    pub ok: bool,
    pub cancelled: bool,
    /// Failed only for reasons that may pass by themselves (e.g. the server's login service
    /// failed: the password was not judged); counted apart from real failures.
    pub temporary: bool,
    pub duration_ms: u64,
    pub codes: Vec<DiagnosisCode>,
    /// Why the account could not be tested at all (no server configured, …).
    pub error: Option<String>,
}

/// A bulk test's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BulkSummary {
    pub results: Vec<BulkResult>,
    pub passed: u32,
    /// Real failures: something in the settings or on the server needs fixing.
    pub failed: u32,
    /// Temporary failures (`BulkResult::temporary`): test again later.
    pub temporary: u32,
    pub duration_ms: u64,
}

/// One stored test run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TestRun {
    pub id: i64,
    pub target_kind: TestTargetKind,
    pub target_id: i64,
    pub started_at: String,
    pub duration_ms: u64,
    pub ok: bool,
    pub cancelled: bool,
    pub codes: Vec<DiagnosisCode>,
    pub report: TestReport,
}

/// The probe target of a stored incoming server (without its password).
pub fn incoming_target(s: &IncomingServer, opts: &TestOptions) -> ProbeTarget {
    let mut t = ProbeTarget::new(s.protocol.into(), &s.host, s.port, s.security);
    t.timeout = Duration::from_secs(u64::from(s.timeout_secs.clamp(1, 600)));
    t.auth = ProbeAuth::from(s.auth_method);
    t.user = s.login_user.clone();
    t.ntlm_domain = s.ntlm_domain.clone();
    t.allow_plaintext = s.allow_plaintext;
    t.tls = TlsSettings {
        verify: s.tls_verify,
        alt_name: s.tls_alt_name.clone(),
        pin_sha256: s.tls_pin_sha256.clone(),
        extra_roots: opts.extra_roots.clone(),
        client_cert: None,
    };
    t.folders = SpecialFolders {
        trash: s.folder_trash.clone(),
        junk: s.folder_junk.clone(),
        sent: s.folder_sent.clone(),
        deleted: s.folder_deleted.clone(),
        fetched: Vec::new(),
    };
    t.delete_after_days = s.pop3_delete_after_days;
    t
}

/// The probe target of a stored outgoing server (without its password).
pub fn outgoing_target(s: &OutgoingServer, opts: &TestOptions) -> ProbeTarget {
    let mut t = ProbeTarget::new(ProbeProtocol::Smtp, &s.host, s.port, s.security);
    t.timeout = Duration::from_secs(u64::from(s.timeout_secs.clamp(1, 600)));
    t.auth = match s.auth_method {
        SmtpAuth::None => ProbeAuth::None,
        SmtpAuth::Password => ProbeAuth::Password,
        SmtpAuth::CramMd5 => ProbeAuth::CramMd5,
        SmtpAuth::Ntlm => ProbeAuth::Ntlm,
        SmtpAuth::Oauth2 => ProbeAuth::Oauth2,
    };
    t.user = if s.auth_method == SmtpAuth::None {
        String::new()
    } else {
        s.username.clone()
    };
    t.ntlm_domain = s.ntlm_domain.clone();
    t.allow_plaintext = s.allow_plaintext;
    t.sender = s.sender_address.clone();
    t.app_server_sends = s.send_via_app_server;
    t.tls = TlsSettings {
        verify: s.tls_verify,
        alt_name: s.tls_alt_name.clone(),
        pin_sha256: s.tls_pin_sha256.clone(),
        extra_roots: opts.extra_roots.clone(),
        // Loaded from the store by `App::outgoing_target_of` (`client_certificate`).
        client_cert: None,
    };
    if s.kind == OutgoingKind::Microsoft365 && s.m365_send_via == M365SendVia::Graph {
        graph_target(&mut t, s);
    }
    t
}

/// Microsoft 365 sending through Graph: the test speaks HTTPS to Graph (the base URL of
/// `MAILBOX_ADMIN_GRAPH_URL`, else graph.microsoft.com) with an OAuth token, not SMTP; the
/// mailbox is the sender address (an account test: the account's address).
fn graph_target(t: &mut ProbeTarget, s: &OutgoingServer) {
    // An unusable MAILBOX_ADMIN_GRAPH_URL is kept as given: the test's first step says why.
    let base = crate::graph::base_url()
        .unwrap_or_else(|_| std::env::var(crate::graph::GRAPH_URL_ENV).unwrap_or_default());
    let port = url::Url::parse(&base)
        .ok()
        .and_then(|u| u.port_or_known_default())
        .unwrap_or(443);
    t.protocol = ProbeProtocol::Graph;
    t.host = crate::graph::host_of(&base);
    t.port = port;
    t.security = crate::kinds::Security::Tls;
    t.graph_url = base;
    t.auth = ProbeAuth::Oauth2;
    if t.sender.trim().is_empty() {
        t.sender = s.username.clone();
    }
}

impl App {
    /// S/MIME for the test mails of an SMTP outgoing server: its certificate, chain and key
    /// from the certificate store and the keyring. What is missing is left empty: the send
    /// step diagnoses it before anything is sent.
    fn smime_settings(&self, s: &OutgoingServer) -> Option<probe::SmimeSettings> {
        if !(s.smime_sign || s.smime_encrypt) || s.m365_send_via == M365SendVia::Graph {
            return None;
        }
        let mut out = probe::SmimeSettings {
            sign: s.smime_sign,
            encrypt: s.smime_encrypt,
            ..Default::default()
        };
        let Some(id) = s.smime_certificate_id else {
            return Some(out);
        };
        let c = self.stored_identity(id);
        out.certificate_pem = c.certificate_pem;
        out.chain_pem = c.chain_pem;
        out.key_pem = c.key_pem;
        out.key_error = c.key_error;
        Some(out)
    }

    /// A certificate of the store with its chain and key (from the keyring), for presenting
    /// or signing; what is missing stays empty with the reason (`key_error`), so that the
    /// test diagnoses it before connecting. The key is only ever held as a `Secret`.
    pub(super) fn stored_identity(&self, id: i64) -> probe::ClientCertificate {
        let mut out = probe::ClientCertificate::default();
        let Ok(c) = self.get_certificate(id) else {
            return out;
        };
        out.name = c.name.clone();
        let read = || -> Result<(Vec<u8>, Option<String>)> {
            let db = self.db();
            let conn = db.read();
            Ok((
                crate::store::certs::data(conn, id)?,
                crate::store::rows::secret_ref(conn, Entity::Certificate, "secret", id)?,
            ))
        };
        let Ok((stored, secret_ref)) = read() else {
            return out;
        };
        let secret = match self.read_secret(secret_ref) {
            Ok(s) => s.map(Secret::new),
            Err(e) => {
                out.key_error = Some(self.api_error(&e).message);
                None
            }
        };
        if secret.is_none() && out.key_error.is_none() && c.has_private_key {
            out.key_error = Some("not found in the keyring".into());
        }
        let signing = crate::provision::sign::SigningCert {
            format: c.format,
            stored: &stored,
            secret_kind: c.secret_kind,
            secret,
        };
        match crate::provision::sign::identity(&signing) {
            Ok((cert, chain, key)) => {
                out.certificate_pem = cert;
                out.chain_pem = chain;
                if key.is_none() && out.key_error.is_none() && c.has_private_key {
                    out.key_error = Some("the key could not be opened (passphrase?)".into());
                }
                out.key_pem = key;
            }
            Err(e) => out.key_error = Some(self.api_error(&e).message),
        }
        out
    }

    /// The TLS client certificate of an SMTP outgoing server, presented in the handshake
    /// (Graph sending logs in by OAuth alone).
    fn attach_client_certificate(&self, t: &mut ProbeTarget, s: &OutgoingServer) {
        if t.protocol == ProbeProtocol::Smtp {
            t.tls.client_cert = s.client_certificate_id.map(|c| self.stored_identity(c));
        }
    }

    /// The TLS client certificate of an incoming server, presented when the server asks for
    /// one in the handshake (IMAP, POP3, IMAP download alike).
    fn attach_incoming_client_certificate(&self, t: &mut ProbeTarget, s: &IncomingServer) {
        t.tls.client_cert = s.client_certificate_id.map(|c| self.stored_identity(c));
    }

    /// Fills `t.password` from the keyring (or says why it cannot), unless no login is used.
    fn attach_password(
        &self,
        t: &mut ProbeTarget,
        state: SecretState,
        read: impl FnOnce() -> std::result::Result<Option<String>, String>,
    ) {
        if t.user.trim().is_empty() || matches!(t.auth, ProbeAuth::None | ProbeAuth::Oauth2) {
            return;
        }
        match state {
            SecretState::Stored => match read() {
                Ok(Some(pw)) => t.password = Some(Secret::new(pw)),
                Ok(None) => t.password_error = Some("not found in the keyring".into()),
                // The test still checks connection and TLS; the login step says why.
                Err(e) => t.password_error = Some(e),
            },
            SecretState::NotStored => {
                t.password_error = Some("entered, but the keyring did not store it".into())
            }
            SecretState::None => {}
        }
    }

    /// A keyring read with its error as the message the login step shows.
    pub(super) fn secret_text(
        &self,
        r: Result<Option<String>>,
    ) -> std::result::Result<Option<String>, String> {
        r.map_err(|e| self.api_error(&e).message)
    }

    /// Tests outgoing server `id` (EHLO, TLS, AUTH, MAIL FROM) and stores the run.
    pub async fn test_outgoing(
        &self,
        id: i64,
        opts: &TestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<TestReport> {
        let s = self.get_outgoing(id)?;
        refuse_disabled(&s)?;
        let t = self.outgoing_target_of(&s, opts).await;
        let report = probe::run(&TestPlan::single(t), self.lang(), progress, cancel).await;
        self.record_test(TestTargetKind::OutgoingServer, id, &report)?;
        Ok(report)
    }

    /// Sending through Graph talks to Graph's host, not the server's SMTP host: the CAs
    /// trusted for that host (a company CA of a TLS-inspecting proxy, say) are the ones used.
    fn trust_graph_host(&self, t: &mut ProbeTarget, opts: &TestOptions) {
        if t.protocol == ProbeProtocol::Graph {
            t.tls.extra_roots = self.with_roots(opts, &t.host).extra_roots;
        }
    }

    /// The probe target of outgoing server `s` as stored (or as a draft would store it): the
    /// trusted roots, the DNS layer, S/MIME, its stored password, an app-only OAuth token.
    pub(super) async fn outgoing_target_of(
        &self,
        s: &OutgoingServer,
        opts: &TestOptions,
    ) -> ProbeTarget {
        let id = s.id;
        let mut t = outgoing_target(s, &self.with_roots(opts, &s.host));
        self.trust_graph_host(&mut t, opts);
        t.dns = self.custom_dns();
        t.smime = self.smime_settings(s);
        self.attach_client_certificate(&mut t, s);
        self.attach_password(&mut t, s.password, || {
            self.secret_text(self.outgoing_password(id))
        });
        if t.auth == ProbeAuth::Oauth2 {
            self.attach_app_token(&mut t, s.oauth_provider_id).await;
        }
        t
    }

    /// The plan of an account test: its incoming server with the account's login, mailbox
    /// path and folders, and its effective outgoing server sending as the account.
    pub fn account_plan(&self, id: i64, opts: &AccountTestOptions) -> Result<TestPlan> {
        let a = self.get_account(id)?;
        let outgoing = self.effective_outgoing(id)?.server_id;
        // Read the account's password at most once (each keyring read is a D-Bus round trip).
        let read = std::cell::OnceCell::new();
        let password = || {
            read.get_or_init(|| self.secret_text(self.account_password(id)))
                .clone()
        };
        self.account_plan_of(&a, outgoing, &password, opts)
    }

    /// The plan of an account test for account `a` as stored (or as a draft would store it),
    /// sending through outgoing server `outgoing`; `password` gives the account's password.
    pub(super) fn account_plan_of(
        &self,
        a: &Account,
        outgoing: Option<i64>,
        password: &dyn Fn() -> std::result::Result<Option<String>, String>,
        opts: &AccountTestOptions,
    ) -> Result<TestPlan> {
        let account_pw = || password();
        let login = if a.username.trim().is_empty() {
            a.email.clone()
        } else {
            a.username.clone()
        };
        let incoming = match a.incoming_server_id {
            Some(sid) => {
                let s = self.get_server(sid)?;
                let mut t = incoming_target(&s, &self.with_roots(&opts.base, &s.host));
                self.attach_incoming_client_certificate(&mut t, &s);
                let effective = crate::model::EffectiveLogin::of(
                    &a.username,
                    &a.email,
                    a.password != SecretState::None,
                    Some(&s),
                );
                t.user = effective.user.clone();
                t.mailbox_path = a.mailbox_path.clone();
                t.delete_procedure = match a.delete_procedure {
                    crate::model::account::DeleteProcedure::MoveToTrash => {
                        probe::DeleteProcedure::MoveToTrash
                    }
                    crate::model::account::DeleteProcedure::MarkDeleted => {
                        probe::DeleteProcedure::MarkDeleted
                    }
                    crate::model::account::DeleteProcedure::Expunge => {
                        probe::DeleteProcedure::Expunge
                    }
                };
                t.folders.fetched = a
                    .folders
                    .iter()
                    .filter(|f| f.auto_fetch)
                    .map(|f| f.folder.clone())
                    .collect();
                for (slot, own) in [
                    (&mut t.folders.trash, &a.folder_trash),
                    (&mut t.folders.junk, &a.folder_junk),
                    (&mut t.folders.sent, &a.folder_sent),
                ] {
                    if !own.is_empty() {
                        *slot = own.clone();
                    }
                }
                if effective.source == crate::model::LoginSource::Server {
                    // The account has no login of its own: the server's ("vom Server übernommen").
                    self.attach_password(&mut t, s.password, || {
                        self.secret_text(self.server_password(sid))
                    });
                } else {
                    self.attach_password(&mut t, a.password, account_pw);
                }
                Some(t)
            }
            None => None,
        };
        let outgoing = match outgoing {
            Some(sid) => {
                let s = self.get_outgoing(sid)?;
                refuse_disabled(&s)?;
                let mut t = outgoing_target(&s, &self.with_roots(&opts.base, &s.host));
                self.trust_graph_host(&mut t, &opts.base);
                t.sender = a.email.clone();
                t.smime = self.smime_settings(&s);
                self.attach_client_certificate(&mut t, &s);
                t.sender_name = a.effective_sender_name.clone();
                if s.auth_method != SmtpAuth::None && s.username.trim().is_empty() {
                    // No login of its own: the server is used with the mailbox's login.
                    t.user = login.clone();
                    self.attach_password(&mut t, a.password, account_pw);
                } else {
                    self.attach_password(&mut t, s.password, || {
                        self.secret_text(self.outgoing_password(sid))
                    });
                }
                Some(t)
            }
            None => None,
        };
        if incoming.is_none() && outgoing.is_none() {
            return Err(Error::field("incoming_server_id", FieldCode::NothingToTest));
        }
        let mut not_checked = Vec::new();
        if incoming.is_none() {
            not_checked.push(probe::Role::Incoming);
        }
        if outgoing.is_none() {
            not_checked.push(probe::Role::Outgoing);
        }
        let signed = outgoing
            .as_ref()
            .and_then(|t| t.smime.as_ref())
            .is_some_and(|s| s.sign);
        let (mut incoming, mut outgoing) = (incoming, outgoing);
        let dns = self.custom_dns();
        for t in [incoming.as_mut(), outgoing.as_mut()].into_iter().flatten() {
            t.oauth_mechanism = a.oauth_mechanism;
            t.dns = dns.clone();
        }
        Ok(TestPlan {
            incoming,
            outgoing,
            send_to: opts.send_to.clone().filter(|s| !s.trim().is_empty()),
            roundtrip: opts.roundtrip.then(|| RoundTrip {
                address: a.email.clone(),
                wait: Duration::from_secs(u64::from(opts.roundtrip_wait_secs.unwrap_or(60))),
                smime_roots: signed.then(|| self.trusted_roots(None)),
            }),
            not_checked,
        })
    }

    /// Tests account `id`: both of its servers with its login, optionally a test mail and
    /// the round trip; stores the run in the account's history.
    pub async fn test_account(
        &self,
        id: i64,
        opts: &AccountTestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<TestReport> {
        check_send_to(opts)?;
        let mut plan = self.account_plan(id, opts)?;
        self.attach_oauth(&mut plan, id).await?;
        let report = probe::run(&plan, self.lang(), progress, cancel).await;
        self.record_test(TestTargetKind::Account, id, &report)?;
        Ok(report)
    }

    /// The folder tree of account `id`'s IMAP server, logged in as the account ("Ordnerstruktur
    /// aktualisieren"). The outer error: no such account or no IMAP server; the inner one: what
    /// the server or the connection said.
    pub async fn account_folders(
        &self,
        id: i64,
        opts: &TestOptions,
        cancel: &CancellationToken,
    ) -> Result<std::result::Result<Vec<probe::Folder>, probe::ActionError>> {
        let o = AccountTestOptions {
            base: opts.clone(),
            ..Default::default()
        };
        let mut plan = self.account_plan(id, &o)?;
        self.attach_oauth(&mut plan, id).await?;
        let Some(t) = plan.incoming.filter(|t| t.protocol != ProbeProtocol::Pop3) else {
            return Err(Error::NotFound {
                entity: crate::error::Entity::IncomingServer,
                id: format!("IMAP server of account {id}"),
            });
        };
        Ok(probe::folder_tree(&t, self.lang(), cancel).await)
    }

    /// Tests every account (or those whose name matches `query`) with at most
    /// `concurrency` tests at a time; `each` sees every result as it comes in.
    pub async fn test_all(
        &self,
        query: &str,
        concurrency: usize,
        opts: &AccountTestOptions,
        each: &(dyn Fn(&BulkResult) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<BulkSummary> {
        let started = std::time::Instant::now();
        let accounts = self.list_accounts(query)?;
        // One account's plan: database and keyring reads (blocking calls). Made when a test
        // slot is free, so the first results come out at once instead of after every plan
        // of a large run; on a multi-threaded runtime the worker is marked blocking meanwhile,
        // so the tests in flight go on.
        let plan_of = |a: &Account| {
            let build = || {
                self.account_plan(a.id, opts).map(|mut p| {
                    // One OS verdict per server is enough; not one more connection per account.
                    for t in [&mut p.incoming, &mut p.outgoing].into_iter().flatten() {
                        t.os_verdict = false;
                    }
                    p
                })
            };
            match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
                Ok(tokio::runtime::RuntimeFlavor::MultiThread) => {
                    tokio::task::block_in_place(build)
                }
                _ => build(),
            }
        };
        // Each test runs as its own task, so a multi-threaded runtime spreads the TLS work
        // over the cores; recording and reporting stay here, in order of completion.
        let lang = self.lang();
        let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency.clamp(1, 256)));
        let mut tasks = tokio::task::JoinSet::new();
        // The account of each running task: a task that panics still gets its result line.
        let mut pending = std::collections::HashMap::new();
        let mut results: Vec<BulkResult> = Vec::new();
        let mut finish = |a: &Account, r: Result<TestReport>, elapsed: u64| {
            let r = r.and_then(|rep| {
                self.record_test(TestTargetKind::Account, a.id, &rep)
                    .map(|_| rep)
            });
            let res = match r {
                Ok(rep) => BulkResult {
                    account_id: a.id,
                    account: a.name.clone(),
                    ok: rep.ok,
                    cancelled: rep.cancelled,
                    temporary: rep.failed_temporarily(),
                    duration_ms: rep.duration_ms,
                    codes: rep.codes,
                    error: None,
                },
                Err(e) => BulkResult {
                    account_id: a.id,
                    account: a.name.clone(),
                    ok: false,
                    cancelled: false,
                    temporary: false,
                    duration_ms: elapsed,
                    codes: Vec::new(),
                    error: Some(self.api_error(&e).message),
                },
            };
            each(&res);
            results.push(res);
        };
        for a in accounts {
            // A free slot first, then the plan: at most `concurrency` plans wait in memory.
            let permit = limit.clone().acquire_owned().await.expect("semaphore open");
            let plan = match plan_of(&a) {
                Ok(mut p) => self.attach_oauth(&mut p, a.id).await.map(|_| p),
                Err(e) => Err(e),
            };
            match plan {
                Err(e) => {
                    drop(permit);
                    finish(&a, Err(e), 0)
                }
                Ok(plan) => {
                    let cancel = cancel.clone();
                    let task = tasks.spawn(async move {
                        let report = probe::run(&plan, lang, &probe::no_progress, &cancel).await;
                        drop(permit);
                        report
                    });
                    pending.insert(task.id(), a);
                }
            }
            // Record what has finished meanwhile, so memory stays bounded.
            while let Some(done) = tasks.try_join_next_with_id() {
                if let Some((a, r)) = settle(done, &mut pending) {
                    let ms = r.as_ref().map_or(0, |rep| rep.duration_ms);
                    finish(&a, r, ms);
                }
            }
        }
        while let Some(done) = tasks.join_next_with_id().await {
            if let Some((a, r)) = settle(done, &mut pending) {
                let ms = r.as_ref().map_or(0, |rep| rep.duration_ms);
                finish(&a, r, ms);
            }
        }
        results.sort_by_key(|r| r.account.to_lowercase());
        let passed = results.iter().filter(|r| r.ok).count() as u32;
        let temporary = results.iter().filter(|r| r.temporary).count() as u32;
        Ok(BulkSummary {
            passed,
            failed: results.len() as u32 - passed - temporary,
            temporary,
            results,
            duration_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// Tests incoming server `id` step by step (SPEC §3) and stores the run in its history.
    /// `progress` sees each step as it starts and ends; `cancel` stops the test at once.
    pub async fn test_server(
        &self,
        id: i64,
        opts: &TestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<TestReport> {
        let mut target = self.server_target(id, opts)?;
        if target.auth == ProbeAuth::Oauth2 {
            let provider = self.get_server(id)?.oauth_provider_id;
            self.attach_app_token(&mut target, provider).await;
        }
        let report = probe::run(&TestPlan::single(target), self.lang(), progress, cancel).await;
        self.record_test(TestTargetKind::IncomingServer, id, &report)?;
        Ok(report)
    }

    /// Gives the OAuth2 targets of an account's plan their access token: the account's own
    /// connection where the target logs in as the account, else an app-only token of the
    /// server's provider. A token that cannot be had becomes the login step's diagnosis.
    pub(crate) async fn attach_oauth(&self, plan: &mut TestPlan, account_id: i64) -> Result<()> {
        let wants =
            |t: &Option<ProbeTarget>| t.as_ref().is_some_and(|t| t.auth == ProbeAuth::Oauth2);
        if !wants(&plan.incoming) && !wants(&plan.outgoing) {
            return Ok(());
        }
        let a = self.get_account(account_id)?;
        let login = if a.username.trim().is_empty() {
            a.email.clone()
        } else {
            a.username.clone()
        };
        let mut own = None;
        if let Some(t) = plan
            .incoming
            .as_mut()
            .filter(|t| t.auth == ProbeAuth::Oauth2)
        {
            let r = match self.account_token_host_allowed(account_id, &t.host) {
                Ok(()) => self.oauth_access_token(account_id).await,
                Err(f) => Err(f),
            };
            set_token(t, r.clone());
            own = Some(r);
        }
        if let Some(t) = plan
            .outgoing
            .as_mut()
            .filter(|t| t.auth == ProbeAuth::Oauth2)
        {
            if t.user == login {
                let r = match (self.account_token_host_allowed(account_id, &t.host), own) {
                    (Err(f), _) => Err(f),
                    (Ok(()), Some(r)) => r,
                    (Ok(()), None) => self.oauth_access_token(account_id).await,
                };
                set_token(t, r);
                if t.protocol == ProbeProtocol::Graph {
                    // What the provider granted explains a refusal of an opaque token.
                    if let Some(c) = self
                        .oauth_status(account_id)
                        .ok()
                        .and_then(|s| s.connection)
                    {
                        t.oauth_scopes = c.scopes;
                    }
                }
            } else {
                let provider = match self.effective_outgoing(account_id)?.server_id {
                    Some(sid) => self.get_outgoing(sid)?.oauth_provider_id,
                    None => None,
                };
                self.attach_app_token(t, provider).await;
            }
        }
        Ok(())
    }

    /// A server tested on its own with OAuth2: an app-only token (client credentials) of
    /// its provider, for its login user.
    pub(super) async fn attach_app_token(&self, t: &mut ProbeTarget, provider: Option<i64>) {
        let r = match provider {
            Some(p) => match self.token_host_allowed(p, &t.host) {
                Ok(()) => self
                    .oauth_app_token(p)
                    .await
                    .map(|tok| (tok, String::new())),
                Err(f) => Err(f),
            },
            None => Err(OauthFailure::new(
                DiagnosisCode::OauthNotConnected,
                "",
                "the server names no OAuth provider",
            )),
        };
        set_token(t, r);
    }

    /// Whether provider `provider`'s tokens may go to `host` (`OauthProvider::token_may_go_to`).
    fn token_host_allowed(
        &self,
        provider: i64,
        host: &str,
    ) -> std::result::Result<(), OauthFailure> {
        let p = self
            .get_oauth_provider(provider)
            .map_err(|e| OauthFailure::new(DiagnosisCode::OauthNotConnected, "", e.to_string()))?;
        if p.token_may_go_to(host) {
            return Ok(());
        }
        let mut f = OauthFailure::new(
            DiagnosisCode::OauthHostNotAllowed,
            "",
            format!("{host} is not a server of provider {}", p.name),
        );
        f.evidence.push(crate::diag::Evidence {
            key: crate::diag::EvidenceKey::Name,
            value: host.to_string(),
        });
        Err(f)
    }

    /// The same for the provider an account is connected through (not connected: nothing
    /// to send, the token lookup says so).
    fn account_token_host_allowed(
        &self,
        account_id: i64,
        host: &str,
    ) -> std::result::Result<(), OauthFailure> {
        match self
            .oauth_status(account_id)
            .ok()
            .and_then(|s| s.connection)
        {
            Some(c) => self.token_host_allowed(c.provider_id, host),
            None => Ok(()),
        }
    }

    /// The options with the CAs a connection to `host` trusts added: the installation's
    /// extra CAs and the store's trusted roots (`App::trusted_roots`).
    pub(super) fn with_roots(&self, opts: &TestOptions, host: &str) -> TestOptions {
        let mut o = opts.clone();
        for r in self.trusted_roots(Some(host)) {
            if !o.extra_roots.contains(&r) {
                o.extra_roots.push(r);
            }
        }
        o
    }

    fn server_target(&self, id: i64, opts: &TestOptions) -> Result<ProbeTarget> {
        Ok(self.server_target_of(&self.get_server(id)?, opts))
    }

    /// The probe target of `server` as stored (or as a draft would store it), with its
    /// stored password and the DNS layer.
    pub(super) fn server_target_of(
        &self,
        server: &IncomingServer,
        opts: &TestOptions,
    ) -> ProbeTarget {
        let id = server.id;
        let mut t = incoming_target(server, &self.with_roots(opts, &server.host));
        t.dns = self.custom_dns();
        self.attach_incoming_client_certificate(&mut t, server);
        if matches!(
            server.auth_method,
            AuthMethod::Password | AuthMethod::CramMd5
        ) {
            self.attach_password(&mut t, server.password, || {
                self.secret_text(self.server_password(id))
            });
        }
        t
    }

    /// The DNS layer when a DNS server is set (`MAILBOX_ADMIN_DNS` or the general setting:
    /// split-horizon networks), so that stored records are tested against the same names
    /// detection found them under; `None`: the system's resolver.
    /// Decided before a resolver is built: building hickory's resolver read the OS trust
    /// store each time (a bulk run's strace: ~150 certificate files opened per account, one
    /// resolver per server), and without a DNS server set none is needed.
    pub(super) fn custom_dns(&self) -> Option<crate::dns::Dns> {
        let settings = self.get_settings().ok()?;
        let env = std::env::var(crate::dns::DNS_ENV).ok();
        let server =
            crate::dns::DnsServer::choose(None, env.as_deref(), &settings.dns_server).ok()?;
        if !matches!(server, crate::dns::DnsServer::Custom(_)) {
            return None;
        }
        self.dns(None, Duration::from_secs(5)).ok()
    }

    /// Stores a finished run and keeps the last runs of that record.
    pub fn record_test(&self, kind: TestTargetKind, id: i64, report: &TestReport) -> Result<i64> {
        let json = serde_json::to_string(report)
            .map_err(|e| Error::Io(std::io::Error::other(format!("test report: {e}"))))?;
        let codes: Vec<&str> = report.codes.iter().map(|c| c.as_str()).collect();
        let run = StoredRun {
            id: 0,
            started_at: report.started_at.clone(),
            duration_ms: report.duration_ms as i64,
            ok: report.ok,
            cancelled: report.cancelled,
            codes: codes.join(" "),
            report_json: json,
        };
        self.db()
            .write(|c| test_runs::insert(c, kind.entity(), kind.as_str(), id, &run, HISTORY_KEEP))
    }

    /// The stored test runs of a record, newest first.
    pub fn test_history(&self, kind: TestTargetKind, id: i64) -> Result<Vec<TestRun>> {
        let stored = test_runs::list(self.db().read(), kind.entity(), id)?;
        Ok(stored
            .into_iter()
            // A report written by a newer version may not parse: skip it rather than fail.
            .filter_map(|r| {
                let report = serde_json::from_str::<TestReport>(&r.report_json).ok()?;
                Some(TestRun {
                    id: r.id,
                    target_kind: kind,
                    target_id: id,
                    started_at: r.started_at,
                    duration_ms: r.duration_ms.max(0) as u64,
                    ok: r.ok,
                    cancelled: r.cancelled,
                    codes: r
                        .codes
                        .split_whitespace()
                        .filter_map(DiagnosisCode::parse)
                        .collect(),
                    report,
                })
            })
            .collect())
    }
}

/// A disabled outgoing server is not in use and is stored without the checks that make it
/// usable (it may even predate the confirmation of "verification off"): it is not tested,
/// so its credentials never go to a peer nobody confirmed.
/// The test mail's recipient, when one is given, must be an address.
pub(super) fn check_send_to(opts: &AccountTestOptions) -> Result<()> {
    if let Some(to) = opts.send_to.as_deref().filter(|s| !s.trim().is_empty()) {
        if let Some(reason) = crate::validate::email_problem(to.trim()) {
            return Err(Error::Validation(vec![crate::error::FieldIssue::new(
                "send_to",
                FieldCode::EmailInvalid,
            )
            .arg("reason", reason)]));
        }
    }
    Ok(())
}

fn refuse_disabled(s: &OutgoingServer) -> Result<()> {
    if !s.enabled {
        return Err(Error::field("enabled", FieldCode::ServerDisabled));
    }
    Ok(())
}

/// A finished bulk-test task: its account with the report, or with why there is none (the
/// task panicked), so that every account gets its line and passed + failed = accounts.
fn settle<A>(
    done: std::result::Result<(tokio::task::Id, TestReport), tokio::task::JoinError>,
    pending: &mut std::collections::HashMap<tokio::task::Id, A>,
) -> Option<(A, Result<TestReport>)> {
    match done {
        Ok((id, report)) => pending.remove(&id).map(|a| (a, Ok(report))),
        Err(e) => pending.remove(&e.id()).map(|a| {
            let why = std::io::Error::other(format!("the test stopped unexpectedly: {e}"));
            (a, Err(Error::Io(why)))
        }),
    }
}

fn set_token(t: &mut ProbeTarget, r: std::result::Result<(Secret, String), OauthFailure>) {
    match r {
        Ok((token, subject)) => {
            t.password = Some(token);
            t.oauth_subject = subject;
        }
        Err(f) => t.oauth_failure = Some(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_bulk_task_still_reports_its_account() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut tasks: tokio::task::JoinSet<TestReport> = tokio::task::JoinSet::new();
            let mut pending = std::collections::HashMap::new();
            let task = tasks.spawn(async { panic!("boom") });
            pending.insert(task.id(), "Vertrieb");
            let done = tasks.join_next_with_id().await.unwrap();
            let (a, r) = settle(done, &mut pending).expect("the account is not lost");
            assert_eq!(a, "Vertrieb");
            let e = r.unwrap_err().to_api(crate::i18n::Lang::En);
            assert!(e.message.contains("stopped unexpectedly"), "{}", e.message);
            assert!(pending.is_empty());
        });
    }
}

#[cfg(test)]
mod graph_trust_tests {
    use super::*;
    use crate::model::{CertImport, OutgoingInput};
    use crate::store::Store;
    use base64::Engine;

    fn ca_pem() -> String {
        let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        p.distinguished_name
            .push(rcgen::DnType::CommonName, "Proxy CA");
        let key = rcgen::KeyPair::generate().unwrap();
        p.self_signed(&key).unwrap().pem()
    }

    #[tokio::test]
    async fn graph_sending_trusts_the_cas_of_the_graph_host_not_of_the_smtp_host() {
        let app = App::new(
            Store::open_in_memory().unwrap(),
            crate::secrets::mock(),
            crate::i18n::Lang::En,
        );
        let ca = ca_pem();
        app.import_certificate(&CertImport {
            name: "Proxy CA".into(),
            data_base64: base64::engine::general_purpose::STANDARD.encode(&ca),
            trust_root: true,
            // graph.microsoft.com, or the host of MAILBOX_ADMIN_GRAPH_URL where one is set.
            trust_hosts: vec![crate::graph::host_of(&crate::graph::base_url().unwrap())],
            ..Default::default()
        })
        .unwrap();
        let base = OutgoingInput {
            name: "M365".into(),
            kind: OutgoingKind::Microsoft365,
            host: crate::model::M365_SMTP_HOST.into(),
            auth_method: SmtpAuth::Oauth2,
            ..Default::default()
        };
        let graph = OutgoingInput {
            name: "M365 Graph".into(),
            m365_send_via: M365SendVia::Graph,
            ..base.clone()
        };
        let opts = TestOptions::default();
        for (input, trusted) in [(graph, true), (base, false)] {
            let s = app.create_outgoing(&input).unwrap().item;
            let t = app.outgoing_target_of(&s, &opts).await;
            assert_eq!(
                t.tls.extra_roots.contains(&ca),
                trusted,
                "{} {}",
                s.name,
                t.host
            );
        }
    }
}
