// Test data and the mocked backend shared by the component tests.
import { beforeEach, vi } from 'vitest';
import { loadLang, resetLangForTests } from '$lib/i18n.svelte';
import type {
  FieldCode,
  Account,
  AccountSummary,
  AccountInput,
  CalendarInput,
  OauthProviderInput,
  OutgoingInput,
  ServerInput,
  ApiError,
  AppInfo,
  BulkResult,
  Diagnosis,
  RunningTest,
  Step,
  TestReport,
  TestRun,
  CalendarAccount,
  MobileDevice,
  Certificate,
  Company,
  Employee,
  GeneralSettings,
  Group,
  IncomingServer,
  OauthConnection,
  OauthProvider,
  OauthStatus,
  OutgoingServer,
  Preset,
  Template,
  User,
} from '$lib/backend';
import * as backend from '$lib/backend';

// The tests switch languages synchronously (`resetLangForTests`): English, a chunk of its own in
// the app, is loaded up front.
await loadLang('en');

/** The backend module; test files call `vi.mock('$lib/backend')` (see `__mocks__`). */
export const api = vi.mocked(backend);

let nextId = 1;

export function server(overrides: Partial<IncomingServer> = {}): IncomingServer {
  const id = overrides.id ?? nextId++;
  return {
    id,
    version: 1,
    name: `Server ${id}`,
    protocol: 'imap',
    host: 'imap.example.com',
    security: 'tls',
    port: 993,
    port_manual: false,
    timeout_secs: 30,
    auth_method: 'password',
    ntlm_domain: '',
    oauth_provider_id: null,
    login_user: '',
    password: 'none',
    allow_plaintext: false,
    tls_verify: true,
    tls_alt_name: '',
    tls_pin_sha256: '',
    client_certificate_id: null,
    folder_trash: '',
    folder_junk: '',
    folder_sent: '',
    folder_deleted: '',
    pop3_delete_after_fetch: false,
    pop3_delete_after_days: null,
    created_at: '2025-01-01T10:00:00Z',
    updated_at: '2025-01-01T10:00:00Z',
    ...overrides,
  };
}

export function apiError(overrides: Partial<ApiError> = {}): ApiError {
  return { code: 'validation', message: 'invalid', field: null, fields: [], ...overrides };
}

/** A refusal naming fields, each `[field, code, message]`; the first is the error's field. */
export function fieldErrors(message: string, ...fields: [string, FieldCode, string][]): ApiError {
  const named = fields.map(([field, code, text]) => ({ field, code, message: text }));
  return apiError({ message, field: named[0]?.field ?? null, fields: named });
}

export const INFO: AppInfo = {
  version: '0.1.0',
  db_path: '/home/admin/.local/share/mailbox-admin/config.db',
  schema_version: 1,
  keyring: 'Secret Service',
  keyring_available: true,
  os_lang: 'de',
  unconfigured: false,
};

const STAMP = { created_at: '2025-01-01T10:00:00Z', updated_at: '2025-01-01T10:00:00Z' };

export function outgoing(overrides: Partial<OutgoingServer> = {}): OutgoingServer {
  const id = overrides.id ?? nextId++;
  return {
    id,
    version: 1,
    name: `Versand ${id}`,
    enabled: true,
    kind: 'smtp',
    m365_send_via: 'smtp',
    host: 'smtp.example.com',
    security: 'starttls',
    port: 587,
    port_manual: false,
    timeout_secs: 30,
    auth_method: 'password',
    username: '',
    ntlm_domain: '',
    oauth_provider_id: null,
    password: 'none',
    allow_plaintext: false,
    sender_address: '',
    bcc_to_sender: false,
    send_via_app_server: false,
    tls_verify: true,
    tls_alt_name: '',
    tls_pin_sha256: '',
    smime_sign: false,
    smime_encrypt: false,
    smime_certificate_id: null,
    client_certificate_id: null,
    is_default: false,
    ...STAMP,
    ...overrides,
  };
}

export function company(overrides: Partial<Company> = {}): Company {
  const id = overrides.id ?? nextId++;
  return { id, version: 1, name: `Betrieb ${id}`, code: '', default_outgoing_server_id: null, ...STAMP, ...overrides };
}

export function user(overrides: Partial<User> = {}): User {
  const id = overrides.id ?? nextId++;
  return { id, version: 1, login: `user${id}`, display_name: '', email: '', group_ids: [], ...STAMP, ...overrides };
}

export function group(overrides: Partial<Group> = {}): Group {
  const id = overrides.id ?? nextId++;
  return { id, version: 1, name: `Gruppe ${id}`, description: '', member_ids: [], ...STAMP, ...overrides };
}

export function employee(overrides: Partial<Employee> = {}): Employee {
  const id = overrides.id ?? nextId++;
  return { id, version: 1, name: `Mitarbeiter ${id}`, email: '', personnel_number: '', user_id: null, ...STAMP, ...overrides };
}

export function account(overrides: Partial<Account> = {}): Account {
  const id = overrides.id ?? nextId++;
  return {
    id,
    version: 1,
    name: `Konto ${id}`,
    email: `konto${id}@example.com`,
    sender_name: '',
    effective_sender_name: 'Anna Admin',
    reply_to: '',
    owner: { kind: 'user', id: 1 },
    user_ids: [],
    company_id: null,
    incoming_server_id: null,
    outgoing_server_id: null,
    username: '',
    password: 'none',
    mailbox_path: 'INBOX',
    mail_received: false,
    folder_trash: '',
    folder_junk: '',
    folder_sent: '',
    only_subscribed: false,
    folders: [],
    may_send: true,
    may_receive: true,
    may_out_of_office: false,
    send_bcc: '',
    signature: '',
    auto_fetch: true,
    verbose_log: false,
    oauth_mechanism: 'auto',
    attachments_group_in_id: null,
    attachments_group_out_id: null,
    delete_procedure: 'move_to_trash',
    ...STAMP,
    ...overrides,
  };
}

export function calendar(overrides: Partial<CalendarAccount> = {}): CalendarAccount {
  const id = overrides.id ?? nextId++;
  return {
    id,
    version: 1,
    name: `Kalender ${id}`,
    employee_id: 1,
    backend: 'outlook',
    outlook_profile: '',
    calendar_name: '',
    caldav_url: '',
    username: '',
    password: 'none',
    oauth_provider_id: null,
    sync_days_back: 30,
    sync_days_ahead: 365,
    ...STAMP,
    ...overrides,
  };
}

export function mobileDevice(overrides: Partial<MobileDevice> = {}): MobileDevice {
  const id = overrides.id ?? nextId++;
  return {
    id,
    version: 1,
    name: `Gerät ${id}`,
    platform: 'ios',
    user_id: null,
    account_id: 1,
    account_name: 'Konto 1',
    method: 'profile',
    set_up_at: '2026-11-30T10:00:00Z',
    set_up_by: 'admin',
    notes: '',
    created_at: '2026-11-30T10:00:00Z',
    updated_at: '2026-11-30T10:00:00Z',
    ...overrides,
  };
}

export function certificate(overrides: Partial<Certificate> = {}): Certificate {
  const id = overrides.id ?? nextId++;
  return {
    id,
    version: 1,
    name: `Zertifikat ${id}`,
    format: 'pem',
    subject: 'CN=mail.example.com',
    issuer: 'CN=Example CA',
    serial: '01',
    not_before: '2025-01-01T00:00:00Z',
    not_after: '2027-01-01T00:00:00Z',
    sha256: 'AB:'.repeat(31) + 'AB',
    email_addresses: [],
    has_private_key: true,
    secret_kind: 'none',
    secret: 'none',
    days_left: 400,
    expiry_warning: false,
    trust_root: false,
    trust_hosts: [],
    ...STAMP,
    ...overrides,
  };
}

export function settings(overrides: Partial<GeneralSettings> = {}): GeneralSettings {
  return {
    version: 1,
    fetch_interval_minutes: 15,
    hide_mailbox: false,
    show_outbox: false,
    no_manual_fetch: false,
    users_may_redownload: false,
    lock_after_send: false,
    detect_budget_secs: 8,
    dns_server: '',
    provider_db_url: 'https://autoconfig.thunderbird.net/v1.1/',
    detect_allow_http: false,
    detect_send_address: false,
    save_only_tested: false,
    updated_at: '2025-01-01T10:00:00Z',
    ...overrides,
  };
}

export function template(overrides: Partial<Template> = {}): Template {
  const id = overrides.id ?? nextId++;
  return { id, version: 1, name: `Vorlage ${id}`, kind: 'account', data: {}, ...STAMP, ...overrides };
}

export function oauthProvider(overrides: Partial<OauthProvider> = {}): OauthProvider {
  const id = overrides.id ?? nextId++;
  return {
    id,
    version: 1,
    name: `Anbieter ${id}`,
    kind: 'oidc',
    tenant_id: '',
    discovery_url: 'https://login.example.com/.well-known/openid-configuration',
    authorization_endpoint: 'https://login.example.com/authorize',
    token_endpoint: 'https://login.example.com/token',
    device_endpoint: 'https://login.example.com/device',
    revocation_endpoint: '',
    client_id: 'mailbox-admin',
    client_secret: 'none',
    scopes: 'openid email offline_access',
    app_scopes: '',
    token_hosts: [],
    ...STAMP,
    ...overrides,
  };
}

export function oauthConnection(overrides: Partial<OauthConnection> = {}): OauthConnection {
  return {
    account_id: 1,
    provider_id: 1,
    provider_name: 'Entra ID',
    flow: 'device_code',
    subject: 'anna@example.com',
    scopes: 'openid email offline_access https://outlook.office.com/IMAP.AccessAsUser.All',
    expires_at: '2025-05-12T09:30:00Z',
    has_refresh_token: true,
    tokens: 'stored',
    connected_at: '2025-05-12T08:30:00Z',
    refreshed_at: null,
    ...overrides,
  };
}

export function oauthStatus(overrides: Partial<OauthStatus> = {}): OauthStatus {
  return { account_id: 1, account_name: 'Konto 1', connection: null, missing_scopes: [], ...overrides };
}

export const GMX: Preset = {
  id: 'gmx',
  name: 'GMX',
  domains: ['gmx.de', 'gmx.net'],
  imap: { host: 'imap.gmx.net', port: 993, security: 'tls' },
  pop3: { host: 'pop.gmx.net', port: 995, security: 'tls' },
  smtp: { host: 'mail.gmx.net', port: 587, security: 'starttls' },
  incoming_auth: 'password',
  outgoing_auth: 'password',
  hint_de: 'Zuerst im GMX-Webmailer unter Einstellungen → POP3/IMAP-Abruf den Zugriff per POP3/IMAP erlauben.',
  hint_en: 'First allow POP3/IMAP access in the GMX web mailer under Settings → POP3/IMAP.',
};

/** Every test of the file starts from the backend's defaults and the German UI (then `more`). */
export function freshEachTest(more?: () => void): void {
  beforeEach(() => {
    resetBackend();
    resetLangForTests('de');
    more?.();
  });
}

/** An account's list line. */
export function summaryOf(a: Account, users: User[] = [], groups: Group[] = []): AccountSummary {
  const owner =
    a.owner.kind === 'user'
      ? users.find((u) => u.id === a.owner.id)?.login
      : groups.find((g) => g.id === a.owner.id)?.name;
  return {
    id: a.id,
    name: a.name,
    email: a.email,
    owner: a.owner,
    owner_name: owner ?? '',
    password: a.password,
    mail_received: a.mail_received,
  };
}

/** Default answers: an empty installation with a working keyring. */
export function resetBackend() {
  vi.resetAllMocks();
  api.appInfo.mockResolvedValue(INFO);
  api.setLanguage.mockResolvedValue(undefined);
  api.listServers.mockResolvedValue([]);
  api.listOutgoing.mockResolvedValue([]);
  api.listCompanies.mockResolvedValue([]);
  api.listUsers.mockResolvedValue([]);
  api.listGroups.mockResolvedValue([]);
  api.listEmployees.mockResolvedValue([]);
  api.listAccounts.mockResolvedValue([]);
  // The Accounts tab's lines and search: the projection of what `listAccounts` answers, as
  // the core makes them (owner's login or group name from the users and groups listed).
  api.listAccountSummaries.mockImplementation(async (q) => {
    const [accounts, users, groups] = await Promise.all([api.listAccounts(q), api.listUsers(''), api.listGroups('')]);
    return (accounts ?? []).map((a) => summaryOf(a, users ?? [], groups ?? []));
  });
  api.searchAccounts.mockImplementation(async (q) => ((await api.listAccounts(q)) ?? []).map((a) => a.id));
  api.mark.mockResolvedValue(undefined);
  api.saveFile.mockImplementation(async (name, data) => ({ outcome: 'saved', path: `/home/anna/${name}`, bytes: data.length }));
  api.listCalendars.mockResolvedValue([]);
  api.listMobileDevices.mockResolvedValue([]);
  api.listCertificates.mockResolvedValue([]);
  api.listTemplates.mockResolvedValue([]);
  api.listPresets.mockResolvedValue([GMX]);
  api.getSettings.mockResolvedValue(settings());
  api.effectiveOutgoing.mockResolvedValue({ server_id: null, server_name: null, source: 'none', company_name: null });
  api.testHistory.mockResolvedValue([]);
  api.cancelTest.mockResolvedValue(true);
  api.listOauthProviders.mockResolvedValue([]);
  api.oauthStatus.mockResolvedValue(oauthStatus());
}

// ---- connection tests ---------------------------------------------------------------

export function step(overrides: Partial<Step> = {}): Step {
  return {
    role: 'incoming',
    kind: 'resolve',
    status: 'ok',
    duration_ms: 12,
    summary: '',
    diagnosis: null,
    more_diagnoses: [],
    transcript: [],
    tls: null,
    ...overrides,
  };
}

export function diagnosis(overrides: Partial<Diagnosis> = {}): Diagnosis {
  return {
    code: 'net.refused',
    severity: 'error',
    title: 'Verbindung abgelehnt',
    explanation: '127.0.0.1 ist erreichbar, aber auf Port 1993 nimmt kein Dienst Verbindungen an.',
    fix: 'Port prüfen: üblich für IMAP sind 993 (SSL/TLS) und 143 (STARTTLS).',
    evidence: [{ key: 'port', value: '1993' }],
    ...overrides,
  };
}

export function probeReport(overrides: Partial<TestReport> = {}): TestReport {
  return {
    targets: [],
    started_at: '2025-05-12T08:30:00Z',
    duration_ms: 340,
    ok: true,
    cancelled: false,
    codes: [],
    steps: [],
    tls: null,
    folders: null,
    ...overrides,
  };
}

export function testRun(overrides: Partial<TestRun> = {}): TestRun {
  const id = overrides.id ?? nextId++;
  const report = overrides.report ?? probeReport();
  return {
    id,
    target_kind: 'incoming_server',
    target_id: 1,
    started_at: report.started_at,
    duration_ms: report.duration_ms,
    ok: report.ok,
    cancelled: report.cancelled,
    codes: report.codes,
    report,
    ...overrides,
  };
}

export function bulkResult(overrides: Partial<BulkResult> = {}): BulkResult {
  const id = overrides.account_id ?? nextId++;
  return { account_id: id, account: `Konto ${id}`, ok: true, cancelled: false, temporary: false, duration_ms: 250, codes: [], error: null, ...overrides };
}

/**
 * A streamed backend call (test_server, test_all, …) the test drives by hand: `impl` is
 * the mock implementation; `emit` sends a channel message, `resolve`/`reject` end the run.
 */
export function controlledRun<T, E>(run = 'run-1') {
  let listener: ((e: E) => void) | null = null;
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    run,
    impl: (...args: [...unknown[], (e: E) => void]): RunningTest<T> => {
      listener = args[args.length - 1] as (e: E) => void;
      return { run, done };
    },
    emit: (e: E) => {
      if (!listener) throw new Error('the run was not started');
      listener(e);
    },
    resolve: (v: T) => resolve(v),
    reject: (e: unknown) => reject(e),
  };
}

// ---- what a form sends ----
// The inputs of the fixtures above as a form sends them unchanged (a new entity's form
// starts from the same values): no id, version or stamps, the port derived, the secret kept.

const KEEP = { action: 'keep' } as const;

export function serverInput(overrides: Partial<ServerInput> = {}): ServerInput {
  const { id, version, created_at, updated_at, port_manual, password, ...rest } = server({ id: 0 });
  return { ...rest, port: null, password: KEEP, tls_insecure_confirmed: false, ...overrides };
}

export function outgoingInput(overrides: Partial<OutgoingInput> = {}): OutgoingInput {
  const { id, version, created_at, updated_at, port_manual, password, ...rest } = outgoing({ id: 0 });
  return { ...rest, port: null, password: KEEP, tls_insecure_confirmed: false, ...overrides };
}

export function accountInput(overrides: Partial<AccountInput> = {}): AccountInput {
  const { id, version, created_at, updated_at, mail_received, effective_sender_name, password, ...rest } = account({ id: 0 });
  return { ...rest, owner: null, password: KEEP, ...overrides };
}

export function calendarInput(overrides: Partial<CalendarInput> = {}): CalendarInput {
  const { id, version, created_at, updated_at, password, ...rest } = calendar({ id: 0 });
  return { ...rest, password: KEEP, ...overrides };
}

export function providerInput(overrides: Partial<OauthProviderInput> = {}): OauthProviderInput {
  const { id, version, created_at, updated_at, client_secret, ...rest } = oauthProvider({ id: 0 });
  return { ...rest, client_secret: KEEP, ...overrides };
}
