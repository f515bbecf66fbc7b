// The only door to the Rust backend: every IPC call of the UI goes through this module, so
// component tests can replace it with `vi.mock('$lib/backend')` and never need Tauri.
import { Channel, invoke } from '@tauri-apps/api/core';
import type {
  Account,
  AccountInput,
  AccountTestOptions,
  ApiError,
  AppInfo,
  BulkResult,
  BulkSummary,
  CalendarAccount,
  CalendarInput,
  CertImport,
  Certificate,
  Company,
  CompanyInput,
  EffectiveOutgoing,
  Employee,
  EmployeeInput,
  ErrorCode,
  ExportOptions,
  GeneralSettings,
  Group,
  GroupInput,
  ImportOptions,
  ImportReport,
  ImportRow,
  IncomingServer,
  Lang,
  MailboxFate,
  OutgoingInput,
  OutgoingServer,
  Preset,
  ProbeEvent,
  Removed,
  Saved,
  ServerInput,
  Template,
  TemplateInput,
  TestOptions,
  TestReport,
  TestRun,
  TestTargetKind,
  User,
  UserInput,
  OauthProvider,
  OauthProviderInput,
  OauthStatus,
  ConnectEvent,
  ConnectOptions,
  Disconnected,
} from './bindings';

export type * from './bindings';
export {
  DEFAULT_INCOMING_PORTS,
  DEFAULT_OUTGOING_PORTS,
  DEFAULT_TIMEOUT_SECS,
  M365_SMTP_HOST,
} from './bindings';

const ERROR_CODES: readonly ErrorCode[] = [
  'validation',
  'not_found',
  'conflict',
  'in_use',
  'secrets_unavailable',
  'secrets_locked',
  'secrets_failed',
  'database',
  'io',
  'oauth',
  'cancelled',
  'internal',
];

/** True for the `{code, message, field, fields}` objects the backend rejects with. */
export function isApiError(e: unknown): e is ApiError {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return (
    typeof o.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(o.code) &&
    typeof o.message === 'string' &&
    Array.isArray(o.fields)
  );
}

/** Any throwable as an ApiError; anything that is not one becomes code `internal`. */
export function asApiError(e: unknown): ApiError {
  if (isApiError(e)) {
    return { code: e.code, message: e.message, field: e.field ?? null, fields: e.fields };
  }
  return { code: 'internal', message: String(e), field: null, fields: [] };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw asApiError(e);
  }
}

export function appInfo(): Promise<AppInfo> {
  return call('app_info');
}

export function setLanguage(lang: Lang): Promise<void> {
  return call('set_language', { lang });
}

export function listServers(query: string): Promise<IncomingServer[]> {
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

// ---- outgoing servers ---------------------------------------------------------------

export function listOutgoing(query: string): Promise<OutgoingServer[]> {
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

// ---- companies ----------------------------------------------------------------------

export function listCompanies(query: string): Promise<Company[]> {
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

// ---- users --------------------------------------------------------------------------

export function listUsers(query: string): Promise<User[]> {
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
export function importUsersCsv(csv: string): Promise<ImportRow[]> {
  return call('import_users_csv', { csv });
}

// ---- groups -------------------------------------------------------------------------

export function listGroups(query: string): Promise<Group[]> {
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

// ---- employees ----------------------------------------------------------------------

export function listEmployees(query: string): Promise<Employee[]> {
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

// ---- accounts -----------------------------------------------------------------------

export function listAccounts(query: string): Promise<Account[]> {
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

/** The outgoing server the account really uses and the level it comes from. */
export function effectiveOutgoing(id: number): Promise<EffectiveOutgoing> {
  return call('effective_outgoing', { id });
}

// ---- calendar accounts --------------------------------------------------------------

export function listCalendars(query: string): Promise<CalendarAccount[]> {
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

// ---- certificates -------------------------------------------------------------------

export function listCertificates(query: string): Promise<Certificate[]> {
  return call('list_certificates', { query });
}

export function importCertificate(input: CertImport): Promise<Saved<Certificate>> {
  return call('import_certificate', { input });
}

export function renameCertificate(id: number, version: number, name: string): Promise<Certificate> {
  return call('rename_certificate', { id, version, name });
}

export function deleteCertificate(id: number, version: number): Promise<Removed> {
  return call('delete_certificate', { id, version });
}

// ---- general settings, templates, presets -------------------------------------------

export function getSettings(): Promise<GeneralSettings> {
  return call('get_settings');
}

/** Saves if nobody changed the settings since `settings.version` was read. */
export function saveSettings(settings: GeneralSettings): Promise<GeneralSettings> {
  return call('save_settings', { settings });
}

export function listTemplates(query: string): Promise<Template[]> {
  return call('list_templates', { query });
}

export function createTemplate(input: TemplateInput): Promise<Template> {
  return call('create_template', { input });
}

export function deleteTemplate(id: number, version: number): Promise<Removed> {
  return call('delete_template', { id, version });
}

export function listPresets(): Promise<Preset[]> {
  return call('list_presets');
}

// ---- export / import ----------------------------------------------------------------

/** The whole configuration as JSON text. */
export function exportConfig(options: ExportOptions): Promise<string> {
  return call('export_config', { options });
}

export function importConfig(json: string, options: ImportOptions): Promise<ImportReport> {
  return call('import_config', { json, options });
}

// ---- connection tests ---------------------------------------------------------------

/** A test that is running: its id (for `cancelTest`) and its outcome. */
export type RunningTest<T> = { run: string; done: Promise<T> };

/** A unique id for a test run; `randomUUID` needs a secure context, so there is a fallback. */
export function newRunId(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  if (typeof c?.getRandomValues === 'function') c.getRandomValues(b);
  else for (let i = 0; i < b.length; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Starts a command whose progress streams through a Channel passed as `channelArg`. Each
 * message goes to `on` as it arrives; `done` settles with the command's result.
 */
function streamed<E, T>(
  cmd: string,
  args: Record<string, unknown>,
  channelArg: 'onEvent' | 'onResult',
  on: (message: E) => void,
): RunningTest<T> {
  const run = newRunId();
  let channel: Channel<E>;
  try {
    channel = new Channel<E>();
  } catch (e) {
    // No Tauri runtime (plain browser): fail like every other call does.
    return { run, done: Promise.reject(asApiError(e)) };
  }
  channel.onmessage = on;
  return { run, done: call<T>(cmd, { ...args, run, [channelArg]: channel }) };
}

/** Tests incoming server `id` with its stored settings; each step arrives twice (start, end). */
export function testServer(
  id: number,
  options: TestOptions,
  onEvent: (e: ProbeEvent) => void,
): RunningTest<TestReport> {
  return streamed('test_server', { id, options }, 'onEvent', onEvent);
}

export function testOutgoing(
  id: number,
  options: TestOptions,
  onEvent: (e: ProbeEvent) => void,
): RunningTest<TestReport> {
  return streamed('test_outgoing', { id, options }, 'onEvent', onEvent);
}

/** Tests account `id`: its incoming and outgoing server, optionally a test mail and round trip. */
export function testAccount(
  id: number,
  options: AccountTestOptions,
  onEvent: (e: ProbeEvent) => void,
): RunningTest<TestReport> {
  return streamed('test_account', { id, options }, 'onEvent', onEvent);
}

/** Tests every account matching `query`, `concurrency` at a time; each result streams. */
export function testAll(
  query: string,
  concurrency: number,
  options: AccountTestOptions,
  onResult: (r: BulkResult) => void,
): RunningTest<BulkSummary> {
  return streamed('test_all', { query, concurrency, options }, 'onResult', onResult);
}

/** Stops the named run at once; false if it is not running (any more). */
export function cancelTest(run: string): Promise<boolean> {
  return call('cancel_test', { run });
}

/** The stored test runs of a server or account, newest first. */
export function testHistory(kind: TestTargetKind, id: number): Promise<TestRun[]> {
  return call('test_history', { kind, id });
}

// ---- OAuth --------------------------------------------------------------------------

export function listOauthProviders(query: string): Promise<OauthProvider[]> {
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

/** Who consented, the granted scopes and the expiry of account `accountId`'s connection. */
export function oauthStatus(accountId: number): Promise<OauthStatus> {
  return call('oauth_status', { accountId });
}

/**
 * Connects an account: the browser flow reports the URL it opened, the device flow the code
 * to enter. Cancel with `cancelTest(run)`.
 */
export function oauthConnect(
  accountId: number,
  options: ConnectOptions,
  onEvent: (e: ConnectEvent) => void,
): RunningTest<OauthStatus> {
  return streamed('oauth_connect', { accountId, options }, 'onEvent', onEvent);
}

/** Revokes (where the provider can) and forgets the account's tokens. */
export function oauthDisconnect(accountId: number): Promise<Disconnected> {
  return call('oauth_disconnect', { accountId });
}
