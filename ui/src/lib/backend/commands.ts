// Generated from the command table in src-tauri/src/commands/mod.rs by `ipc::typescript`. Do not
// edit: run `UPDATE_BINDINGS=1 cargo test -p mailbox-admin bindings` instead.
import type {
  Account,
  AccountInput,
  AccountSummary,
  AccountTestOptions,
  AppInfo,
  AutoconfigOut,
  BulkResult,
  BulkSummary,
  CalendarAccount,
  CalendarInput,
  CertImport,
  CertTrust,
  Certificate,
  Company,
  CompanyInput,
  ConnectEvent,
  ConnectOptions,
  DetectDraft,
  DetectOutcome,
  DetectProgressEvent,
  DetectRequest,
  DetectResult,
  Disconnected,
  DomainCheckInput,
  DomainReport,
  EffectiveLogin,
  EffectiveOutgoing,
  Employee,
  EmployeeInput,
  ExportOptions,
  FieldError,
  FileSave,
  FolderRefresh,
  GeneralSettings,
  Group,
  GroupInput,
  ImportOptions,
  ImportReport,
  ImportRow,
  IncomingServer,
  Lang,
  MailboxFate,
  MobileDevice,
  MobileDeviceInput,
  OauthProvider,
  OauthProviderInput,
  OauthStatus,
  OutgoingInput,
  OutgoingServer,
  Preset,
  ProbeEvent,
  ProducedFile,
  ProfileOptions,
  PublicationCheck,
  QrCodeOut,
  QrOptions,
  Referenced,
  Removed,
  Role,
  Saved,
  ServerInput,
  SubscriptionChange,
  SubscriptionsWritten,
  Template,
  TemplateInput,
  TemplateKind,
  TestOptions,
  TestReport,
  TestRun,
  TestTargetKind,
  User,
  UserInput,
} from './bindings';
import { call, streamed, type RunningTest } from './ipc';

/** Every command by its wrapper's name: the IPC name, the argument keys in order (`run`
 * excluded: `streamed` makes it up) and the key of the progress Channel. */
export const COMMANDS = {
  appInfo: { command: 'app_info', args: [], channel: null },
  mark: { command: 'mark', args: ['label'], channel: null },
  usedBy: { command: 'used_by', args: ['kind', 'id'], channel: null },
  setLanguage: { command: 'set_language', args: ['lang'], channel: null },
  listServers: { command: 'list_servers', args: ['query'], channel: null },
  getServer: { command: 'get_server', args: ['id'], channel: null },
  createServer: { command: 'create_server', args: ['input'], channel: null },
  updateServer: { command: 'update_server', args: ['id', 'version', 'input'], channel: null },
  deleteServer: { command: 'delete_server', args: ['id', 'version'], channel: null },
  listOutgoing: { command: 'list_outgoing', args: ['query'], channel: null },
  getOutgoing: { command: 'get_outgoing', args: ['id'], channel: null },
  createOutgoing: { command: 'create_outgoing', args: ['input'], channel: null },
  updateOutgoing: { command: 'update_outgoing', args: ['id', 'version', 'input'], channel: null },
  deleteOutgoing: { command: 'delete_outgoing', args: ['id', 'version'], channel: null },
  listCompanies: { command: 'list_companies', args: ['query'], channel: null },
  createCompany: { command: 'create_company', args: ['input'], channel: null },
  updateCompany: { command: 'update_company', args: ['id', 'version', 'input'], channel: null },
  deleteCompany: { command: 'delete_company', args: ['id', 'version'], channel: null },
  listUsers: { command: 'list_users', args: ['query'], channel: null },
  createUser: { command: 'create_user', args: ['input'], channel: null },
  updateUser: { command: 'update_user', args: ['id', 'version', 'input'], channel: null },
  deleteUser: { command: 'delete_user', args: ['id', 'version'], channel: null },
  importUsersCsv: { command: 'import_users_csv', args: ['csv'], channel: null },
  listGroups: { command: 'list_groups', args: ['query'], channel: null },
  createGroup: { command: 'create_group', args: ['input'], channel: null },
  updateGroup: { command: 'update_group', args: ['id', 'version', 'input'], channel: null },
  deleteGroup: { command: 'delete_group', args: ['id', 'version', 'fate'], channel: null },
  listEmployees: { command: 'list_employees', args: ['query'], channel: null },
  createEmployee: { command: 'create_employee', args: ['input'], channel: null },
  updateEmployee: { command: 'update_employee', args: ['id', 'version', 'input'], channel: null },
  deleteEmployee: { command: 'delete_employee', args: ['id', 'version'], channel: null },
  listAccounts: { command: 'list_accounts', args: ['query'], channel: null },
  getAccount: { command: 'get_account', args: ['id'], channel: null },
  createAccount: { command: 'create_account', args: ['input'], channel: null },
  updateAccount: { command: 'update_account', args: ['id', 'version', 'input'], channel: null },
  deleteAccount: { command: 'delete_account', args: ['id', 'version'], channel: null },
  listAccountSummaries: { command: 'list_account_summaries', args: ['query'], channel: null },
  searchAccounts: { command: 'search_accounts', args: ['query'], channel: null },
  effectiveOutgoing: { command: 'effective_outgoing', args: ['id'], channel: null },
  effectiveLogin: { command: 'effective_login', args: ['id'], channel: null },
  listOauthProviders: { command: 'list_oauth_providers', args: ['query'], channel: null },
  createOauthProvider: { command: 'create_oauth_provider', args: ['input'], channel: null },
  updateOauthProvider: { command: 'update_oauth_provider', args: ['id', 'version', 'input'], channel: null },
  deleteOauthProvider: { command: 'delete_oauth_provider', args: ['id', 'version'], channel: null },
  oauthProviderDefaults: { command: 'oauth_provider_defaults', args: ['input'], channel: null },
  oauthStatus: { command: 'oauth_status', args: ['accountId'], channel: null },
  oauthConnect: { command: 'oauth_connect', args: ['accountId', 'options'], channel: 'onEvent' },
  oauthDisconnect: { command: 'oauth_disconnect', args: ['accountId'], channel: null },
  listCalendars: { command: 'list_calendars', args: ['query'], channel: null },
  createCalendar: { command: 'create_calendar', args: ['input'], channel: null },
  updateCalendar: { command: 'update_calendar', args: ['id', 'version', 'input'], channel: null },
  deleteCalendar: { command: 'delete_calendar', args: ['id', 'version'], channel: null },
  listMobileDevices: { command: 'list_mobile_devices', args: ['query'], channel: null },
  createMobileDevice: { command: 'create_mobile_device', args: ['input'], channel: null },
  updateMobileDevice: { command: 'update_mobile_device', args: ['id', 'version', 'input'], channel: null },
  deleteMobileDevice: { command: 'delete_mobile_device', args: ['id', 'version'], channel: null },
  mobileProfile: { command: 'mobile_profile', args: ['accountId', 'options'], channel: null },
  mobileQr: { command: 'mobile_qr', args: ['accountId', 'options'], channel: null },
  mobileAutoconfig: { command: 'mobile_autoconfig', args: ['accountId'], channel: null },
  checkAutoconfig: { command: 'check_autoconfig', args: ['accountId'], channel: null },
  listCertificates: { command: 'list_certificates', args: ['query'], channel: null },
  importCertificate: { command: 'import_certificate', args: ['input'], channel: null },
  deleteCertificate: { command: 'delete_certificate', args: ['id', 'version'], channel: null },
  renameCertificate: { command: 'rename_certificate', args: ['id', 'version', 'name'], channel: null },
  setCertificateTrust: { command: 'set_certificate_trust', args: ['id', 'version', 'trust'], channel: null },
  trustPresentedCertificate: { command: 'trust_presented_certificate', args: ['name', 'pem', 'trust'], channel: null },
  pinTestedCertificate: { command: 'pin_tested_certificate', args: ['kind', 'id', 'role', 'sha256'], channel: null },
  getSettings: { command: 'get_settings', args: [], channel: null },
  saveSettings: { command: 'save_settings', args: ['settings'], channel: null },
  listTemplates: { command: 'list_templates', args: ['query'], channel: null },
  createTemplate: { command: 'create_template', args: ['input'], channel: null },
  deleteTemplate: { command: 'delete_template', args: ['id', 'version'], channel: null },
  listPresets: { command: 'list_presets', args: [], channel: null },
  checkInput: { command: 'check_input', args: ['kind', 'json'], channel: null },
  exportConfig: { command: 'export_config', args: ['options'], channel: null },
  exportConfigToFile: { command: 'export_config_to_file', args: ['options'], channel: null },
  saveFile: { command: 'save_file', args: ['fileName', 'dataBase64', 'ownerOnly'], channel: null },
  importConfig: { command: 'import_config', args: ['json', 'options'], channel: null },
  testServer: { command: 'test_server', args: ['id', 'options'], channel: 'onEvent' },
  testOutgoing: { command: 'test_outgoing', args: ['id', 'options'], channel: 'onEvent' },
  testServerDraft: { command: 'test_server_draft', args: ['id', 'input', 'options'], channel: 'onEvent' },
  testAccountDraft: { command: 'test_account_draft', args: ['id', 'input', 'options'], channel: 'onEvent' },
  testCalendarDraft: { command: 'test_calendar_draft', args: ['id', 'input', 'options'], channel: 'onEvent' },
  testOutgoingDraft: { command: 'test_outgoing_draft', args: ['id', 'input', 'options'], channel: 'onEvent' },
  testAccount: { command: 'test_account', args: ['id', 'options'], channel: 'onEvent' },
  testCalendar: { command: 'test_calendar', args: ['id', 'options'], channel: 'onEvent' },
  testAll: { command: 'test_all', args: ['query', 'concurrency', 'options'], channel: 'onResult' },
  refreshFolders: { command: 'refresh_folders', args: ['id', 'run', 'options'], channel: null },
  writeSubscriptions: { command: 'write_subscriptions', args: ['id', 'changes', 'run', 'options'], channel: null },
  cancelTest: { command: 'cancel_test', args: ['run'], channel: null },
  detectSettings: { command: 'detect_settings', args: ['address', 'options'], channel: 'onEvent' },
  detectDraft: { command: 'detect_draft', args: ['result'], channel: null },
  testHistory: { command: 'test_history', args: ['kind', 'id'], channel: null },
  checkDomain: { command: 'check_domain', args: ['input'], channel: null },
} as const;

export function appInfo(): Promise<AppInfo> {
  return call('app_info');
}

/**
 * A benchmark mark: with `MAILBOX_ADMIN_MARKS=1` the backend prints
 * `mailbox-admin-mark <label> <ms since process start>` to stderr; otherwise nothing.
 */
export function mark(label: string): Promise<void> {
  return call('mark', { label });
}

/** Who uses a record, named in the delete question before anyone confirms. */
export function usedBy(kind: Referenced, id: number): Promise<Array<string>> {
  return call('used_by', { kind, id });
}

/** Backend messages (errors, diagnoses) follow the UI's language. */
export function setLanguage(lang: Lang): Promise<void> {
  return call('set_language', { lang });
}

export function listServers(query: string): Promise<Array<IncomingServer>> {
  return call('list_servers', { query });
}

export function getServer(id: number): Promise<IncomingServer> {
  return call('get_server', { id });
}

export function createServer(input: ServerInput): Promise<Saved<IncomingServer>> {
  return call('create_server', { input });
}

export function updateServer(
  id: number,
  version: number,
  input: ServerInput,
): Promise<Saved<IncomingServer>> {
  return call('update_server', { id, version, input });
}

export function deleteServer(id: number, version: number): Promise<Removed> {
  return call('delete_server', { id, version });
}

export function listOutgoing(query: string): Promise<Array<OutgoingServer>> {
  return call('list_outgoing', { query });
}

export function getOutgoing(id: number): Promise<OutgoingServer> {
  return call('get_outgoing', { id });
}

export function createOutgoing(input: OutgoingInput): Promise<Saved<OutgoingServer>> {
  return call('create_outgoing', { input });
}

export function updateOutgoing(
  id: number,
  version: number,
  input: OutgoingInput,
): Promise<Saved<OutgoingServer>> {
  return call('update_outgoing', { id, version, input });
}

export function deleteOutgoing(id: number, version: number): Promise<Removed> {
  return call('delete_outgoing', { id, version });
}

export function listCompanies(query: string): Promise<Array<Company>> {
  return call('list_companies', { query });
}

export function createCompany(input: CompanyInput): Promise<Company> {
  return call('create_company', { input });
}

export function updateCompany(id: number, version: number, input: CompanyInput): Promise<Company> {
  return call('update_company', { id, version, input });
}

export function deleteCompany(id: number, version: number): Promise<Removed> {
  return call('delete_company', { id, version });
}

export function listUsers(query: string): Promise<Array<User>> {
  return call('list_users', { query });
}

export function createUser(input: UserInput): Promise<User> {
  return call('create_user', { input });
}

export function updateUser(id: number, version: number, input: UserInput): Promise<User> {
  return call('update_user', { id, version, input });
}

export function deleteUser(id: number, version: number): Promise<Removed> {
  return call('delete_user', { id, version });
}

/** Creates the valid rows of a CSV text; the report says per row what was refused. */
export function importUsersCsv(csv: string): Promise<Array<ImportRow>> {
  return call('import_users_csv', { csv });
}

export function listGroups(query: string): Promise<Array<Group>> {
  return call('list_groups', { query });
}

export function createGroup(input: GroupInput): Promise<Group> {
  return call('create_group', { input });
}

export function updateGroup(id: number, version: number, input: GroupInput): Promise<Group> {
  return call('update_group', { id, version, input });
}

/** `fate` says what becomes of the group's shared mailboxes (`refuse`: fail with in_use). */
export function deleteGroup(id: number, version: number, fate: MailboxFate): Promise<Removed> {
  return call('delete_group', { id, version, fate });
}

export function listEmployees(query: string): Promise<Array<Employee>> {
  return call('list_employees', { query });
}

export function createEmployee(input: EmployeeInput): Promise<Employee> {
  return call('create_employee', { input });
}

export function updateEmployee(
  id: number,
  version: number,
  input: EmployeeInput,
): Promise<Employee> {
  return call('update_employee', { id, version, input });
}

export function deleteEmployee(id: number, version: number): Promise<Removed> {
  return call('delete_employee', { id, version });
}

export function listAccounts(query: string): Promise<Array<Account>> {
  return call('list_accounts', { query });
}

export function getAccount(id: number): Promise<Account> {
  return call('get_account', { id });
}

export function createAccount(input: AccountInput): Promise<Saved<Account>> {
  return call('create_account', { input });
}

export function updateAccount(
  id: number,
  version: number,
  input: AccountInput,
): Promise<Saved<Account>> {
  return call('update_account', { id, version, input });
}

export function deleteAccount(id: number, version: number): Promise<Removed> {
  return call('delete_account', { id, version });
}

/**
 * The accounts' list lines matching `query`, in name order: what the Accounts tab shows
 * (the form loads the whole account).
 */
export function listAccountSummaries(query: string): Promise<Array<AccountSummary>> {
  return call('list_account_summaries', { query });
}

/**
 * The ids of the accounts `query` finds, unordered — the search as one types: the tab
 * keeps the lines it loaded and shows those.
 */
export function searchAccounts(query: string): Promise<Array<number>> {
  return call('search_accounts', { query });
}

/** The outgoing server the account really uses and the level it comes from. */
export function effectiveOutgoing(id: number): Promise<EffectiveOutgoing> {
  return call('effective_outgoing', { id });
}

/** The login the account really uses on its incoming server and where it comes from. */
export function effectiveLogin(id: number): Promise<EffectiveLogin> {
  return call('effective_login', { id });
}

export function listOauthProviders(query: string): Promise<Array<OauthProvider>> {
  return call('list_oauth_providers', { query });
}

export function createOauthProvider(input: OauthProviderInput): Promise<Saved<OauthProvider>> {
  return call('create_oauth_provider', { input });
}

export function updateOauthProvider(
  id: number,
  version: number,
  input: OauthProviderInput,
): Promise<Saved<OauthProvider>> {
  return call('update_oauth_provider', { id, version, input });
}

export function deleteOauthProvider(id: number, version: number): Promise<Removed> {
  return call('delete_oauth_provider', { id, version });
}

/** "Use defaults": the kind's standard endpoints and scopes (OpenID Connect: by discovery). */
export function oauthProviderDefaults(input: OauthProviderInput): Promise<OauthProviderInput> {
  return call('oauth_provider_defaults', { input });
}

/** Who consented, the granted scopes and the expiry of the account's connection. */
export function oauthStatus(accountId: number): Promise<OauthStatus> {
  return call('oauth_status', { accountId });
}

/**
 * Connects an account: the browser flow reports the URL it opened, the device flow the
 * code to enter. Cancel with `cancelTest(run)`.
 */
export function oauthConnect(
  accountId: number,
  options: ConnectOptions,
  onEvent: (message: ConnectEvent) => void,
): RunningTest<OauthStatus> {
  return streamed('oauth_connect', { accountId, options }, 'onEvent', onEvent);
}

/** Revokes (where the provider can) and forgets the account's tokens. */
export function oauthDisconnect(accountId: number): Promise<Disconnected> {
  return call('oauth_disconnect', { accountId });
}

export function listCalendars(query: string): Promise<Array<CalendarAccount>> {
  return call('list_calendars', { query });
}

export function createCalendar(input: CalendarInput): Promise<Saved<CalendarAccount>> {
  return call('create_calendar', { input });
}

export function updateCalendar(
  id: number,
  version: number,
  input: CalendarInput,
): Promise<Saved<CalendarAccount>> {
  return call('update_calendar', { id, version, input });
}

export function deleteCalendar(id: number, version: number): Promise<Removed> {
  return call('delete_calendar', { id, version });
}

export function listMobileDevices(query: string): Promise<Array<MobileDevice>> {
  return call('list_mobile_devices', { query });
}

export function createMobileDevice(input: MobileDeviceInput): Promise<MobileDevice> {
  return call('create_mobile_device', { input });
}

export function updateMobileDevice(
  id: number,
  version: number,
  input: MobileDeviceInput,
): Promise<MobileDevice> {
  return call('update_mobile_device', { id, version, input });
}

export function deleteMobileDevice(id: number, version: number): Promise<Removed> {
  return call('delete_mobile_device', { id, version });
}

/** The Apple profile (base64), signed if asked; records the device when one is named. */
export function mobileProfile(accountId: number, options: ProfileOptions): Promise<ProducedFile> {
  return call('mobile_profile', { accountId, options });
}

/** A QR code as SVG and PNG; records the device when one is named. */
export function mobileQr(accountId: number, options: QrOptions): Promise<QrCodeOut> {
  return call('mobile_qr', { accountId, options });
}

export function mobileAutoconfig(accountId: number): Promise<AutoconfigOut> {
  return call('mobile_autoconfig', { accountId });
}

/** Fetches both publication URLs of the account's domain over HTTPS. */
export function checkAutoconfig(accountId: number): Promise<Array<PublicationCheck>> {
  return call('check_autoconfig', { accountId });
}

export function listCertificates(query: string): Promise<Array<Certificate>> {
  return call('list_certificates', { query });
}

export function importCertificate(input: CertImport): Promise<Saved<Certificate>> {
  return call('import_certificate', { input });
}

export function deleteCertificate(id: number, version: number): Promise<Removed> {
  return call('delete_certificate', { id, version });
}

export function renameCertificate(id: number, version: number, name: string): Promise<Certificate> {
  return call('rename_certificate', { id, version, name });
}

/** Trusts a stored CA certificate as a root (installation-wide or for some hosts), or not. */
export function setCertificateTrust(
  id: number,
  version: number,
  trust: CertTrust,
): Promise<Certificate> {
  return call('set_certificate_trust', { id, version, trust });
}

/** From a failed test: trusts the CA certificate the server presented (PEM). */
export function trustPresentedCertificate(
  name: string,
  pem: string,
  trust: CertTrust,
): Promise<Saved<Certificate>> {
  return call('trust_presented_certificate', { name, pem, trust });
}

/**
 * From a failed test: pins the leaf's SHA-256 at the server `role` of the tested record
 * used; returns the server's name.
 */
export function pinTestedCertificate(
  kind: TestTargetKind,
  id: number,
  role: Role,
  sha256: string,
): Promise<string> {
  return call('pin_tested_certificate', { kind, id, role, sha256 });
}

export function getSettings(): Promise<GeneralSettings> {
  return call('get_settings');
}

/** Saves if nobody changed the settings since `settings.version` was read. */
export function saveSettings(settings: GeneralSettings): Promise<GeneralSettings> {
  return call('save_settings', { settings });
}

export function listTemplates(query: string): Promise<Array<Template>> {
  return call('list_templates', { query });
}

export function createTemplate(input: TemplateInput): Promise<Template> {
  return call('create_template', { input });
}

export function deleteTemplate(id: number, version: number): Promise<Removed> {
  return call('delete_template', { id, version });
}

export function listPresets(): Promise<Array<Preset>> {
  return call('list_presets');
}

/**
 * Every field problem of an unsaved server, outgoing server or account input (all at
 * once, translated); nothing is saved.
 */
export function checkInput(kind: TemplateKind, json: string): Promise<Array<FieldError>> {
  return call('check_input', { kind, json });
}

/**
 * The whole configuration as JSON text (the UI saves it where the user chooses). With
 * the passwords only after the backend's own native question (`confirm`).
 */
export function exportConfig(options: ExportOptions): Promise<string> {
  return call('export_config', { options });
}

/**
 * Exports into a file the user picks in the native save dialog (owner-only: it may hold
 * the sealed passwords); `cancelled` writes nothing. The export never passes the page.
 */
export function exportConfigToFile(options: ExportOptions): Promise<FileSave> {
  return call('export_config_to_file', { options });
}

/**
 * Saves bytes the window produced (a profile, a QR code, autoconfig XML) where the user
 * picks in the native save dialog; owner-only when `owner_only` (a password or key inside).
 */
export function saveFile(
  fileName: string,
  dataBase64: string,
  ownerOnly: boolean,
): Promise<FileSave> {
  return call('save_file', { fileName, dataBase64, ownerOnly });
}

export function importConfig(json: string, options: ImportOptions): Promise<ImportReport> {
  return call('import_config', { json, options });
}

/** Tests incoming server `id` with its stored settings. */
export function testServer(
  id: number,
  options: TestOptions,
  onEvent: (message: ProbeEvent) => void,
): RunningTest<TestReport> {
  return streamed('test_server', { id, options }, 'onEvent', onEvent);
}

/** Tests outgoing server `id` with its stored settings. */
export function testOutgoing(
  id: number,
  options: TestOptions,
  onEvent: (message: ProbeEvent) => void,
): RunningTest<TestReport> {
  return streamed('test_outgoing', { id, options }, 'onEvent', onEvent);
}

/**
 * Tests an incoming server as the form holds it, unsaved: `id` is the server being edited
 * (null: a new one); a typed password serves this test only and is stored nowhere.
 */
export function testServerDraft(
  id: number | null,
  input: ServerInput,
  options: TestOptions,
  onEvent: (message: ProbeEvent) => void,
): RunningTest<TestReport> {
  return streamed('test_server_draft', { id, input, options }, 'onEvent', onEvent);
}

/**
 * Checks an account as the form holds it, unsaved: its incoming server with the form's
 * login and the outgoing server its company and choice give it (as `test_server_draft`).
 */
export function testAccountDraft(
  id: number | null,
  input: AccountInput,
  options: AccountTestOptions,
  onEvent: (message: ProbeEvent) => void,
): RunningTest<TestReport> {
  return streamed('test_account_draft', { id, input, options }, 'onEvent', onEvent);
}

/** Tests a calendar account as the form holds it, unsaved (as `test_server_draft`). */
export function testCalendarDraft(
  id: number | null,
  input: CalendarInput,
  options: TestOptions,
  onEvent: (message: ProbeEvent) => void,
): RunningTest<TestReport> {
  return streamed('test_calendar_draft', { id, input, options }, 'onEvent', onEvent);
}

/** Tests an outgoing server as the form holds it, unsaved (as `test_server_draft`). */
export function testOutgoingDraft(
  id: number | null,
  input: OutgoingInput,
  options: TestOptions,
  onEvent: (message: ProbeEvent) => void,
): RunningTest<TestReport> {
  return streamed('test_outgoing_draft', { id, input, options }, 'onEvent', onEvent);
}

/** Tests account `id`: its incoming and outgoing server, optionally a test mail and round trip. */
export function testAccount(
  id: number,
  options: AccountTestOptions,
  onEvent: (message: ProbeEvent) => void,
): RunningTest<TestReport> {
  return streamed('test_account', { id, options }, 'onEvent', onEvent);
}

/**
 * Tests calendar account `id` (CalDAV): discovery, login, calendar home, the named
 * calendar, a read of the sync range.
 */
export function testCalendar(
  id: number,
  options: TestOptions,
  onEvent: (message: ProbeEvent) => void,
): RunningTest<TestReport> {
  return streamed('test_calendar', { id, options }, 'onEvent', onEvent);
}

/** Tests every account matching `query`, `concurrency` at a time; each result streams. */
export function testAll(
  query: string,
  concurrency: number,
  options: AccountTestOptions,
  onResult: (message: BulkResult) => void,
): RunningTest<BulkSummary> {
  return streamed('test_all', { query, concurrency, options }, 'onResult', onResult);
}

/** "Ordnerstruktur aktualisieren": account `id`'s IMAP folder tree, read now. */
export function refreshFolders(
  id: number,
  run: string,
  options: TestOptions,
): Promise<FolderRefresh> {
  return call('refresh_folders', { id, run, options });
}

/** Writes the account's changed subscriptions to its IMAP server (and its folder list). */
export function writeSubscriptions(
  id: number,
  changes: Array<SubscriptionChange>,
  run: string,
  options: TestOptions,
): Promise<SubscriptionsWritten> {
  return call('write_subscriptions', { id, changes, run, options });
}

/** Stops the named run at once; false if it is not running (any more). */
export function cancelTest(run: string): Promise<boolean> {
  return call('cancel_test', { run });
}

/**
 * Detects the settings of `address`: each source streams as it starts and answers, then
 * (with a password) each step of the login test. Cancel with `cancelTest(run)`.
 */
export function detectSettings(
  address: string,
  options: DetectRequest,
  onEvent: (message: DetectProgressEvent) => void,
): RunningTest<DetectOutcome> {
  return streamed('detect_settings', { address, options }, 'onEvent', onEvent);
}

/** The account form for a result: existing servers with the same host and port reused. */
export function detectDraft(result: DetectResult): Promise<DetectDraft> {
  return call('detect_draft', { result });
}

/** The stored test runs of a server or account, newest first. */
export function testHistory(kind: TestTargetKind, id: number): Promise<Array<TestRun>> {
  return call('test_history', { kind, id });
}

/**
 * Checks a mail domain's DNS: MX, SPF (and the outgoing server), DMARC, DKIM, MTA-STS,
 * TLS-RPT, autoconfig and SRV; findings are in the report, bad input is a field error.
 */
export function checkDomain(input: DomainCheckInput): Promise<DomainReport> {
  return call('check_domain', { input });
}
