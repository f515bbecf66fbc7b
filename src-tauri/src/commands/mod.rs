//! The IPC surface, defined once: every Tauri command is one entry of the table below, and the
//! handler and the UI's TypeScript wrappers and mocks are generated from it (see `crate::ipc`).

pub mod oauth;
pub mod probe;

use crate::ipc::{commands, Events};
use mailbox_admin_core::app::oauth::{ConnectEvent, ConnectOptions, Disconnected, OauthStatus};
use mailbox_admin_core::app::probe::{
    AccountTestOptions, BulkResult, BulkSummary, TestOptions, TestRun, TestTargetKind,
};
use mailbox_admin_core::app::{AppInfo, Removed};
use mailbox_admin_core::error::FieldIssue;
use mailbox_admin_core::export::{ExportOptions, ImportOptions, ImportReport};
use mailbox_admin_core::model::*;
use mailbox_admin_core::probe::{ProbeEvent, TestReport};
use mailbox_admin_core::{Error, Lang};

// Bodies that are more than a call of the core live in the domain modules (`probe`, `oauth`)
// or below the table; `cx` derefs to the core `App`.
commands! {
    app_info() -> AppInfo = |cx| cx.info();
    /// Backend messages (errors, diagnoses) follow the UI's language.
    set_language(lang: Lang) -> () = |cx| {
        cx.set_lang(lang);
        Ok(())
    };

    // ---- incoming servers
    list_servers(query: String) -> Vec<IncomingServer> = |cx| cx.list_servers(&query);
    get_server(id: i64) -> IncomingServer = |cx| cx.get_server(id);
    create_server(input: ServerInput) -> Saved<IncomingServer> = |cx| cx.create_server(&input);
    update_server(id: i64, version: i64, input: ServerInput) -> Saved<IncomingServer> =
        |cx| cx.update_server(id, version, &input);
    delete_server(id: i64, version: i64) -> Removed = |cx| cx.delete_server(id, Some(version));

    // ---- outgoing servers
    list_outgoing(query: String) -> Vec<OutgoingServer> = |cx| cx.list_outgoing(&query);
    get_outgoing(id: i64) -> OutgoingServer = |cx| cx.get_outgoing(id);
    create_outgoing(input: OutgoingInput) -> Saved<OutgoingServer> =
        |cx| cx.create_outgoing(&input);
    update_outgoing(id: i64, version: i64, input: OutgoingInput) -> Saved<OutgoingServer> =
        |cx| cx.update_outgoing(id, version, &input);
    delete_outgoing(id: i64, version: i64) -> Removed = |cx| cx.delete_outgoing(id, Some(version));

    // ---- companies, users, groups, employees
    list_companies(query: String) -> Vec<Company> = |cx| cx.list_companies(&query);
    create_company(input: CompanyInput) -> Company = |cx| cx.create_company(&input);
    update_company(id: i64, version: i64, input: CompanyInput) -> Company =
        |cx| cx.update_company(id, version, &input);
    delete_company(id: i64, version: i64) -> Removed = |cx| cx.delete_company(id, Some(version));
    list_users(query: String) -> Vec<User> = |cx| cx.list_users(&query);
    create_user(input: UserInput) -> User = |cx| cx.create_user(&input);
    update_user(id: i64, version: i64, input: UserInput) -> User =
        |cx| cx.update_user(id, version, &input);
    delete_user(id: i64, version: i64) -> Removed = |cx| cx.delete_user(id, Some(version));
    /// Creates the valid rows of a CSV text; the report says per row what was refused.
    import_users_csv(csv: String) -> Vec<ImportRow> = |cx| cx.import_users_csv(&csv);
    list_groups(query: String) -> Vec<Group> = |cx| cx.list_groups(&query);
    create_group(input: GroupInput) -> Group = |cx| cx.create_group(&input);
    update_group(id: i64, version: i64, input: GroupInput) -> Group =
        |cx| cx.update_group(id, version, &input);
    /// `fate` says what becomes of the group's shared mailboxes (`refuse`: fail with in_use).
    delete_group(id: i64, version: i64, fate: MailboxFate) -> Removed =
        |cx| cx.delete_group(id, Some(version), fate);
    list_employees(query: String) -> Vec<Employee> = |cx| cx.list_employees(&query);
    create_employee(input: EmployeeInput) -> Employee = |cx| cx.create_employee(&input);
    update_employee(id: i64, version: i64, input: EmployeeInput) -> Employee =
        |cx| cx.update_employee(id, version, &input);
    delete_employee(id: i64, version: i64) -> Removed = |cx| cx.delete_employee(id, Some(version));

    // ---- mailbox accounts
    list_accounts(query: String) -> Vec<Account> = |cx| cx.list_accounts(&query);
    get_account(id: i64) -> Account = |cx| cx.get_account(id);
    create_account(input: AccountInput) -> Saved<Account> = |cx| cx.create_account(&input);
    update_account(id: i64, version: i64, input: AccountInput) -> Saved<Account> =
        |cx| cx.update_account(id, version, &input);
    delete_account(id: i64, version: i64) -> Removed = |cx| cx.delete_account(id, Some(version));
    /// The outgoing server the account really uses and the level it comes from.
    effective_outgoing(id: i64) -> EffectiveOutgoing = |cx| cx.effective_outgoing(id);

    // ---- OAuth providers and connections
    list_oauth_providers(query: String) -> Vec<OauthProvider> =
        |cx| cx.list_oauth_providers(&query);
    create_oauth_provider(input: OauthProviderInput) -> Saved<OauthProvider> =
        |cx| cx.create_oauth_provider(&input);
    update_oauth_provider(id: i64, version: i64, input: OauthProviderInput) -> Saved<OauthProvider> =
        |cx| cx.update_oauth_provider(id, version, &input);
    delete_oauth_provider(id: i64, version: i64) -> Removed =
        |cx| cx.delete_oauth_provider(id, Some(version));
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
    list_calendars(query: String) -> Vec<CalendarAccount> = |cx| cx.list_calendars(&query);
    create_calendar(input: CalendarInput) -> Saved<CalendarAccount> =
        |cx| cx.create_calendar(&input);
    update_calendar(id: i64, version: i64, input: CalendarInput) -> Saved<CalendarAccount> =
        |cx| cx.update_calendar(id, version, &input);
    delete_calendar(id: i64, version: i64) -> Removed = |cx| cx.delete_calendar(id, Some(version));

    // ---- certificates, general settings, templates, presets
    list_certificates(query: String) -> Vec<Certificate> = |cx| cx.list_certificates(&query);
    import_certificate(input: CertImport) -> Saved<Certificate> =
        |cx| cx.import_certificate(&input);
    rename_certificate(id: i64, version: i64, name: String) -> Certificate =
        |cx| cx.rename_certificate(id, version, &name);
    delete_certificate(id: i64, version: i64) -> Removed =
        |cx| cx.delete_certificate(id, Some(version));
    get_settings() -> GeneralSettings = |cx| cx.get_settings();
    /// Saves if nobody changed the settings since `settings.version` was read.
    save_settings(settings: GeneralSettings) -> GeneralSettings = |cx| cx.save_settings(&settings);
    list_templates(query: String) -> Vec<Template> = |cx| cx.list_templates(&query);
    create_template(input: TemplateInput) -> Template = |cx| cx.create_template(&input);
    delete_template(id: i64, version: i64) -> Removed = |cx| cx.delete_template(id, Some(version));
    list_presets() -> Vec<Preset> = |cx| Ok(cx.presets());

    // ---- export / import
    /// The whole configuration as JSON text (the UI saves it where the user chooses).
    export_config(options: ExportOptions) -> String =
        |cx| cx.export_config(&options).map(|doc| pretty(&doc));
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
    /// Tests account `id`: its incoming and outgoing server, optionally a test mail and round trip.
    test_account(id: i64, run: String, options: AccountTestOptions, on_event: Events<ProbeEvent>)
        -> TestReport = |cx| cx.test_account(id, &options, &on_event.each(), &cx.run(&run)).await;
    /// Tests every account matching `query`, `concurrency` at a time; each result streams.
    test_all(run: String, query: String, concurrency: u32, options: AccountTestOptions,
        on_result: Events<BulkResult>) -> BulkSummary = |cx| {
        let each = on_result.each();
        cx.test_all(&query, concurrency as usize, &options, &each, &cx.run(&run)).await
    };
    /// Stops the named run at once; false if it is not running (any more).
    cancel_test(run: String) -> bool = |cx| Ok(cx.running().cancel(&run));
    /// The stored test runs of a server or account, newest first.
    test_history(kind: TestTargetKind, id: i64) -> Vec<TestRun> = |cx| cx.test_history(kind, id);
}

/// The export as a file a person can read and diff.
fn pretty(doc: &serde_json::Value) -> String {
    serde_json::to_string_pretty(doc).unwrap_or_default()
}

/// The text of an import file as JSON; a broken file is a validation error of the field `file`.
fn parse_json(text: &str) -> Result<serde_json::Value, Error> {
    serde_json::from_str(text).map_err(|e| {
        Error::Validation(vec![
            FieldIssue::new("file", "invalid_json").arg("reason", e.to_string())
        ])
    })
}
