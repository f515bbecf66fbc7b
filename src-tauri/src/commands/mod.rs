//! The IPC surface, defined once: every Tauri command is one entry of the table below, and the
//! handler and the UI's TypeScript wrappers and mocks are generated from it (see `crate::ipc`).

pub mod confirm;
pub mod files;
pub mod oauth;
pub mod probe;

use crate::ipc::{commands, Events};
use mailbox_admin_core::app::detect::{
    DetectDraft, DetectOutcome, DetectProgressEvent, DetectRequest,
};
use mailbox_admin_core::app::domain::DomainCheckInput;
use mailbox_admin_core::app::folders::{FolderRefresh, SubscriptionChange, SubscriptionsWritten};
use mailbox_admin_core::app::mobile::{
    AutoconfigOut, ProducedFile, ProfileOptions, PublicationCheck, QrCodeOut, QrOptions,
};
use mailbox_admin_core::app::oauth::{ConnectEvent, ConnectOptions, Disconnected, OauthStatus};
use mailbox_admin_core::app::probe::{
    AccountTestOptions, BulkResult, BulkSummary, TestOptions, TestRun, TestTargetKind,
};
use mailbox_admin_core::app::transfer::{ExportOptions, ImportOptions, ImportReport};
use mailbox_admin_core::app::{AppInfo, FileSave, Referenced, Removed};
use mailbox_admin_core::detect::DetectResult;
use mailbox_admin_core::domain::DomainReport;
use mailbox_admin_core::error::FieldIssue;
use mailbox_admin_core::model::*;
use mailbox_admin_core::probe::{ProbeEvent, Role, TestReport};
use mailbox_admin_core::{Error, FieldError, Lang};

// Bodies that are more than a call of the core live in the domain modules (`probe`, `oauth`)
// or below the table; `cx` derefs to the core `App`.
commands! {
    app_info() -> AppInfo = |cx| cx.info();
    /// A benchmark mark: with `MAILBOX_ADMIN_MARKS=1` the backend prints
    /// `mailbox-admin-mark <label> <ms since process start>` to stderr; otherwise nothing.
    mark(label: String) -> () = |cx| {
        crate::marks::mark(&label);
        Ok(())
    };
    /// Who uses a record, named in the delete question before anyone confirms.
    used_by(kind: Referenced, id: i64) -> Vec<String> = |cx| cx.used_by(kind, id);
    /// Backend messages (errors, diagnoses) follow the UI's language.
    set_language(lang: Lang) -> () = |cx| {
        cx.set_lang(lang);
        Ok(())
    };

    // ---- incoming and outgoing servers
    crud IncomingServer(ServerInput) -> Saved<IncomingServer> {
        list: list_servers, get: get_server, create: create_server, update: update_server,
        delete: delete_server,
    }
    crud OutgoingServer(OutgoingInput) -> Saved<OutgoingServer> {
        list: list_outgoing, get: get_outgoing, create: create_outgoing,
        update: update_outgoing, delete: delete_outgoing,
    }

    // ---- companies, users, groups, employees
    crud Company(CompanyInput) -> Company {
        list: list_companies, create: create_company, update: update_company,
        delete: delete_company,
    }
    crud User(UserInput) -> User {
        list: list_users, create: create_user, update: update_user, delete: delete_user,
    }
    /// Creates the valid rows of a CSV text; the report says per row what was refused.
    import_users_csv(csv: String) -> Vec<ImportRow> = |cx| cx.import_users_csv(&csv);
    crud Group(GroupInput) -> Group { list: list_groups, create: create_group, update: update_group }
    /// `fate` says what becomes of the group's shared mailboxes (`refuse`: fail with in_use).
    delete_group(id: i64, version: i64, fate: MailboxFate) -> Removed =
        |cx| cx.delete_group(id, Some(version), fate);
    crud Employee(EmployeeInput) -> Employee {
        list: list_employees, create: create_employee, update: update_employee,
        delete: delete_employee,
    }

    // ---- mailbox accounts
    crud Account(AccountInput) -> Saved<Account> {
        list: list_accounts, get: get_account, create: create_account, update: update_account,
        delete: delete_account,
    }
    /// The accounts' list lines matching `query`, in name order: what the Accounts tab shows
    /// (the form loads the whole account).
    list_account_summaries(query: String) -> Vec<AccountSummary> =
        |cx| cx.blocking(move |cx| cx.list_account_summaries(&query)).await;
    /// The ids of the accounts `query` finds, unordered — the search as one types: the tab
    /// keeps the lines it loaded and shows those.
    search_accounts(query: String) -> Vec<i64> =
        |cx| cx.blocking(move |cx| cx.search_accounts(&query)).await;
    /// The outgoing server the account really uses and the level it comes from.
    effective_outgoing(id: i64) -> EffectiveOutgoing = |cx| cx.effective_outgoing(id);
    /// The login the account really uses on its incoming server and where it comes from.
    effective_login(id: i64) -> EffectiveLogin = |cx| cx.effective_login(id);

    // ---- OAuth providers and connections
    crud OauthProvider(OauthProviderInput) -> Saved<OauthProvider> {
        list: list_oauth_providers, create: create_oauth_provider,
        update: update_oauth_provider, delete: delete_oauth_provider,
    }
    /// "Use defaults": the kind's standard endpoints and scopes (OpenID Connect: by discovery).
    oauth_provider_defaults(input: OauthProviderInput) -> OauthProviderInput =
        |cx| cx.oauth_provider_defaults(&input).await;
    /// Who consented, the granted scopes and the expiry of the account's connection.
    oauth_status(account_id: i64) -> OauthStatus = |cx| cx.oauth_status(account_id);
    /// Connects an account: the browser flow reports the URL it opened, the device flow the
    /// code to enter. Cancel with `cancelTest(run)`.
    oauth_connect(account_id: i64, run: String, options: ConnectOptions, on_event: Events<ConnectEvent>)
        -> OauthStatus = |cx| {
        let each = oauth::forward(&cx, &on_event);
        cx.oauth_connect(account_id, &options, &each, &cx.run(&run)).await
    };
    /// Revokes (where the provider can) and forgets the account's tokens.
    oauth_disconnect(account_id: i64) -> Disconnected = |cx| cx.oauth_disconnect(account_id).await;

    // ---- calendar accounts
    crud CalendarAccount(CalendarInput) -> Saved<CalendarAccount> {
        list: list_calendars, create: create_calendar, update: update_calendar,
        delete: delete_calendar,
    }

    // ---- phones and tablets (Mobile): what a device gets, and the devices set up
    crud MobileDevice(MobileDeviceInput) -> MobileDevice {
        list: list_mobile_devices, create: create_mobile_device,
        update: update_mobile_device, delete: delete_mobile_device,
    }
    /// The Apple profile (base64), signed if asked; records the device when one is named.
    mobile_profile(account_id: i64, options: ProfileOptions) -> ProducedFile =
        |cx| cx.mobile_profile(account_id, &options);
    /// A QR code as SVG and PNG; records the device when one is named.
    mobile_qr(account_id: i64, options: QrOptions) -> QrCodeOut =
        |cx| cx.mobile_qr(account_id, &options);
    mobile_autoconfig(account_id: i64) -> AutoconfigOut = |cx| cx.mobile_autoconfig(account_id);
    /// Fetches both publication URLs of the account's domain over HTTPS.
    check_autoconfig(account_id: i64) -> Vec<PublicationCheck> =
        |cx| cx.check_autoconfig(account_id).await;

    // ---- certificates, general settings, templates, presets
    crud Certificate(CertImport) -> Saved<Certificate> {
        list: list_certificates, create: import_certificate, delete: delete_certificate,
    }
    rename_certificate(id: i64, version: i64, name: String) -> Certificate =
        |cx| cx.rename_certificate(id, version, &name);
    /// Trusts a stored CA certificate as a root (installation-wide or for some hosts), or not.
    set_certificate_trust(id: i64, version: i64, trust: CertTrust) -> Certificate =
        |cx| cx.set_certificate_trust(id, version, &trust);
    /// From a failed test: trusts the CA certificate the server presented (PEM).
    trust_presented_certificate(name: String, pem: String, trust: CertTrust)
        -> Saved<Certificate> = |cx| cx.trust_presented_certificate(&name, &pem, &trust);
    /// From a failed test: pins the leaf's SHA-256 at the server `role` of the tested record
    /// used; returns the server's name.
    pin_tested_certificate(kind: TestTargetKind, id: i64, role: Role, sha256: String) -> String =
        |cx| cx.pin_tested_certificate(kind, id, role, &sha256);
    get_settings() -> GeneralSettings = |cx| cx.get_settings();
    /// Saves if nobody changed the settings since `settings.version` was read.
    save_settings(settings: GeneralSettings) -> GeneralSettings = |cx| cx.save_settings(&settings);
    crud Template(TemplateInput) -> Template {
        list: list_templates, create: create_template, delete: delete_template,
    }
    list_presets() -> Vec<Preset> = |cx| Ok(cx.presets());
    /// Every field problem of an unsaved server, outgoing server or account input (all at
    /// once, translated); nothing is saved.
    check_input(kind: TemplateKind, json: String) -> Vec<FieldError> =
        |cx| Ok(cx.check_input(kind, serde_json::from_str(&json).unwrap_or_default()));

    // ---- export / import
    /// The whole configuration as JSON text (the UI saves it where the user chooses). With
    /// the passwords only after the backend's own native question (`confirm`).
    export_config(options: ExportOptions) -> String = |cx| {
        if options.include_secrets {
            confirm::secret_export(&cx).await?;
        }
        cx.export_config(&options).map(|doc| pretty(&doc))
    };
    /// Exports into a file the user picks in the native save dialog (owner-only: it may hold
    /// the sealed passwords); `cancelled` writes nothing. The export never passes the page.
    export_config_to_file(options: ExportOptions) -> FileSave = |cx| {
        if options.include_secrets {
            confirm::secret_export(&cx).await?;
        }
        let doc = cx.blocking(move |cx| cx.export_config(&options)).await?;
        files::save_as(&cx, EXPORT_FILE, pretty(&doc).into_bytes(), true, true).await
    };
    /// Saves bytes the window produced (a profile, a QR code, autoconfig XML) where the user
    /// picks in the native save dialog; owner-only when `owner_only` (a password or key inside).
    save_file(file_name: String, data_base64: String, owner_only: bool) -> FileSave =
        |cx| files::save_as(&cx, &file_name, files::decode(&data_base64)?, owner_only, false).await;
    import_config(json: String, options: ImportOptions) -> ImportReport =
        |cx| cx.import_config(&parse_json(&json)?, &options);

    // ---- connection tests: each step streams twice (start, end); `run` names the test for
    // `cancel_test`.
    /// Tests incoming server `id` with its stored settings.
    test_server(id: i64, run: String, options: TestOptions, on_event: Events<ProbeEvent>)
        -> TestReport = |cx| cx.test_server(id, &options, &on_event.each(), &cx.run(&run)).await;
    /// Tests outgoing server `id` with its stored settings.
    test_outgoing(id: i64, run: String, options: TestOptions, on_event: Events<ProbeEvent>)
        -> TestReport = |cx| cx.test_outgoing(id, &options, &on_event.each(), &cx.run(&run)).await;
    /// Tests an incoming server as the form holds it, unsaved: `id` is the server being edited
    /// (null: a new one); a typed password serves this test only and is stored nowhere.
    test_server_draft(id: Option<i64>, input: ServerInput, run: String, options: TestOptions,
        on_event: Events<ProbeEvent>) -> TestReport =
        |cx| cx.test_server_draft(id, &input, &options, &on_event.each(), &cx.run(&run)).await;
    /// Checks an account as the form holds it, unsaved: its incoming server with the form's
    /// login and the outgoing server its company and choice give it (as `test_server_draft`).
    test_account_draft(id: Option<i64>, input: AccountInput, run: String,
        options: AccountTestOptions, on_event: Events<ProbeEvent>) -> TestReport =
        |cx| cx.test_account_draft(id, &input, &options, &on_event.each(), &cx.run(&run)).await;
    /// Tests a calendar account as the form holds it, unsaved (as `test_server_draft`).
    test_calendar_draft(id: Option<i64>, input: CalendarInput, run: String, options: TestOptions,
        on_event: Events<ProbeEvent>) -> TestReport =
        |cx| cx.test_calendar_draft(id, &input, &options, &on_event.each(), &cx.run(&run)).await;
    /// Tests an outgoing server as the form holds it, unsaved (as `test_server_draft`).
    test_outgoing_draft(id: Option<i64>, input: OutgoingInput, run: String, options: TestOptions,
        on_event: Events<ProbeEvent>) -> TestReport =
        |cx| cx.test_outgoing_draft(id, &input, &options, &on_event.each(), &cx.run(&run)).await;
    /// Tests account `id`: its incoming and outgoing server, optionally a test mail and round trip.
    test_account(id: i64, run: String, options: AccountTestOptions, on_event: Events<ProbeEvent>)
        -> TestReport = |cx| cx.test_account(id, &options, &on_event.each(), &cx.run(&run)).await;
    /// Tests calendar account `id` (CalDAV): discovery, login, calendar home, the named
    /// calendar, a read of the sync range.
    test_calendar(id: i64, run: String, options: TestOptions, on_event: Events<ProbeEvent>)
        -> TestReport = |cx| cx.test_calendar(id, &options, &on_event.each(), &cx.run(&run)).await;
    /// Tests every account matching `query`, `concurrency` at a time; each result streams.
    test_all(run: String, query: String, concurrency: u32, options: AccountTestOptions,
        on_result: Events<BulkResult>) -> BulkSummary = |cx| {
        let each = on_result.each();
        cx.test_all(&query, concurrency as usize, &options, &each, &cx.run(&run)).await
    };
    /// "Ordnerstruktur aktualisieren": account `id`'s IMAP folder tree, read now.
    refresh_folders(id: i64, run: String, options: TestOptions) -> FolderRefresh =
        |cx| cx.refresh_folders(id, &options, &cx.run(&run)).await;
    /// Writes the account's changed subscriptions to its IMAP server (and its folder list).
    write_subscriptions(id: i64, changes: Vec<SubscriptionChange>, run: String,
        options: TestOptions) -> SubscriptionsWritten =
        |cx| cx.write_subscriptions(id, &changes, &options, &cx.run(&run)).await;
    /// Stops the named run at once; false if it is not running (any more).
    cancel_test(run: String) -> bool = |cx| Ok(cx.running().cancel(&run));
    // ---- detection from an address
    /// Detects the settings of `address`: each source streams as it starts and answers, then
    /// (with a password) each step of the login test. Cancel with `cancelTest(run)`.
    detect_settings(address: String, options: DetectRequest, run: String,
        on_event: Events<DetectProgressEvent>) -> DetectOutcome =
        |cx| cx.detect_streamed(&address, &options, &on_event.each(), &cx.run(&run)).await;
    /// The account form for a result: existing servers with the same host and port reused.
    detect_draft(result: DetectResult) -> DetectDraft = |cx| cx.detect_draft(&result);
    /// The stored test runs of a server or account, newest first.
    test_history(kind: TestTargetKind, id: i64) -> Vec<TestRun> = |cx| cx.test_history(kind, id);

    // ---- the domain check (Domain prüfen)
    /// Checks a mail domain's DNS: MX, SPF (and the outgoing server), DMARC, DKIM, MTA-STS,
    /// TLS-RPT, autoconfig and SRV; findings are in the report, bad input is a field error.
    check_domain(input: DomainCheckInput) -> DomainReport = |cx| cx.check_domain(&input).await;
}

/// The name the save dialog suggests for an export.
const EXPORT_FILE: &str = "mailbox-admin-export.json";

/// The export as a file a person can read and diff.
fn pretty(doc: &serde_json::Value) -> String {
    serde_json::to_string_pretty(doc).unwrap_or_default()
}

/// The text of an import file as JSON; a broken file is a validation error of the field `file`.
fn parse_json(text: &str) -> Result<serde_json::Value, Error> {
    serde_json::from_str(text).map_err(|e| {
        Error::Validation(vec![FieldIssue::new(
            "file",
            mailbox_admin_core::diag::FieldCode::InvalidJson,
        )
        .arg("reason", e.to_string())])
    })
}
