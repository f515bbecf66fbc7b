// The IPC contract: command names and argument objects the Rust side is written against.
// Tauri's `invoke` hands every call to `window.__TAURI_INTERNALS__`, which is stubbed here.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as backend from './index';
import type {
  AccountInput,
  CalendarInput,
  CertImport,
  CompanyInput,
  EmployeeInput,
  GeneralSettings,
  GroupInput,
  OutgoingInput,
  ServerInput,
  TemplateInput,
  UserInput,
} from './bindings';

const invokeMock = vi.fn();

beforeEach(() => {
  invokeMock.mockReset();
  invokeMock.mockResolvedValue('ok');
  vi.stubGlobal('__TAURI_INTERNALS__', { invoke: invokeMock });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const input = { name: 'x' } as ServerInput;
const out = { name: 'o' } as OutgoingInput;
const comp = { name: 'c' } as CompanyInput;
const usr = { login: 'u' } as UserInput;
const grp = { name: 'g', member_ids: [1] } as GroupInput;
const emp = { name: 'e' } as EmployeeInput;
const acc = { name: 'a' } as AccountInput;
const cal = { name: 'k' } as CalendarInput;
const cert = { name: 'z', data_base64: 'AA==', passphrase: null } as CertImport;
const gen = { version: 3 } as GeneralSettings;
const tpl = { name: 't', kind: 'account', data: {} } as TemplateInput;

describe('commands', () => {
  it.each([
    ['appInfo', () => backend.appInfo(), 'app_info', {}],
    ['setLanguage', () => backend.setLanguage('de'), 'set_language', { lang: 'de' }],
    ['listServers', () => backend.listServers('dove'), 'list_servers', { query: 'dove' }],
    ['getServer', () => backend.getServer(4), 'get_server', { id: 4 }],
    ['createServer', () => backend.createServer(input), 'create_server', { input }],
    ['updateServer', () => backend.updateServer(4, 9, input), 'update_server', { id: 4, version: 9, input }],
    ['deleteServer', () => backend.deleteServer(4, 9), 'delete_server', { id: 4, version: 9 }],
    ['listOutgoing', () => backend.listOutgoing('q'), 'list_outgoing', { query: 'q' }],
    ['getOutgoing', () => backend.getOutgoing(4), 'get_outgoing', { id: 4 }],
    ['createOutgoing', () => backend.createOutgoing(out), 'create_outgoing', { input: out }],
    ['updateOutgoing', () => backend.updateOutgoing(4, 9, out), 'update_outgoing', { id: 4, version: 9, input: out }],
    ['deleteOutgoing', () => backend.deleteOutgoing(4, 9), 'delete_outgoing', { id: 4, version: 9 }],
    ['listCompanies', () => backend.listCompanies('q'), 'list_companies', { query: 'q' }],
    ['createCompany', () => backend.createCompany(comp), 'create_company', { input: comp }],
    ['updateCompany', () => backend.updateCompany(4, 9, comp), 'update_company', { id: 4, version: 9, input: comp }],
    ['deleteCompany', () => backend.deleteCompany(4, 9), 'delete_company', { id: 4, version: 9 }],
    ['listUsers', () => backend.listUsers('q'), 'list_users', { query: 'q' }],
    ['createUser', () => backend.createUser(usr), 'create_user', { input: usr }],
    ['updateUser', () => backend.updateUser(4, 9, usr), 'update_user', { id: 4, version: 9, input: usr }],
    ['deleteUser', () => backend.deleteUser(4, 9), 'delete_user', { id: 4, version: 9 }],
    ['importUsersCsv', () => backend.importUsersCsv('login\na'), 'import_users_csv', { csv: 'login\na' }],
    ['listGroups', () => backend.listGroups('q'), 'list_groups', { query: 'q' }],
    ['createGroup', () => backend.createGroup(grp), 'create_group', { input: grp }],
    ['updateGroup', () => backend.updateGroup(4, 9, grp), 'update_group', { id: 4, version: 9, input: grp }],
    [
      'deleteGroup',
      () => backend.deleteGroup(4, 9, { action: 'reassign', group_id: 5 }),
      'delete_group',
      { id: 4, version: 9, fate: { action: 'reassign', group_id: 5 } },
    ],
    ['listEmployees', () => backend.listEmployees('q'), 'list_employees', { query: 'q' }],
    ['createEmployee', () => backend.createEmployee(emp), 'create_employee', { input: emp }],
    ['updateEmployee', () => backend.updateEmployee(4, 9, emp), 'update_employee', { id: 4, version: 9, input: emp }],
    ['deleteEmployee', () => backend.deleteEmployee(4, 9), 'delete_employee', { id: 4, version: 9 }],
    ['listAccounts', () => backend.listAccounts('q'), 'list_accounts', { query: 'q' }],
    ['getAccount', () => backend.getAccount(4), 'get_account', { id: 4 }],
    ['createAccount', () => backend.createAccount(acc), 'create_account', { input: acc }],
    ['updateAccount', () => backend.updateAccount(4, 9, acc), 'update_account', { id: 4, version: 9, input: acc }],
    ['deleteAccount', () => backend.deleteAccount(4, 9), 'delete_account', { id: 4, version: 9 }],
    ['effectiveOutgoing', () => backend.effectiveOutgoing(4), 'effective_outgoing', { id: 4 }],
    ['listCalendars', () => backend.listCalendars('q'), 'list_calendars', { query: 'q' }],
    ['createCalendar', () => backend.createCalendar(cal), 'create_calendar', { input: cal }],
    ['updateCalendar', () => backend.updateCalendar(4, 9, cal), 'update_calendar', { id: 4, version: 9, input: cal }],
    ['deleteCalendar', () => backend.deleteCalendar(4, 9), 'delete_calendar', { id: 4, version: 9 }],
    ['listCertificates', () => backend.listCertificates('q'), 'list_certificates', { query: 'q' }],
    ['importCertificate', () => backend.importCertificate(cert), 'import_certificate', { input: cert }],
    ['renameCertificate', () => backend.renameCertificate(4, 9, 'n'), 'rename_certificate', { id: 4, version: 9, name: 'n' }],
    ['deleteCertificate', () => backend.deleteCertificate(4, 9), 'delete_certificate', { id: 4, version: 9 }],
    ['getSettings', () => backend.getSettings(), 'get_settings', {}],
    ['saveSettings', () => backend.saveSettings(gen), 'save_settings', { settings: gen }],
    ['listTemplates', () => backend.listTemplates('q'), 'list_templates', { query: 'q' }],
    ['createTemplate', () => backend.createTemplate(tpl), 'create_template', { input: tpl }],
    ['deleteTemplate', () => backend.deleteTemplate(4, 9), 'delete_template', { id: 4, version: 9 }],
    ['listPresets', () => backend.listPresets(), 'list_presets', {}],
    [
      'exportConfig',
      () => backend.exportConfig({ include_secrets: true, passphrase: 'p' }),
      'export_config',
      { options: { include_secrets: true, passphrase: 'p' } },
    ],
    [
      'importConfig',
      () => backend.importConfig('{}', { on_conflict: 'skip', passphrase: null }),
      'import_config',
      { json: '{}', options: { on_conflict: 'skip', passphrase: null } },
    ],
  ] as const)('%s invokes %s', async (_name, call, command, args) => {
    await expect(call()).resolves.toBe('ok');
    expect(invokeMock).toHaveBeenCalledTimes(1);
    expect(invokeMock.mock.calls[0].slice(0, 2)).toEqual([command, args]);
  });

  it('passes an ApiError rejection through unchanged', async () => {
    const err = { code: 'conflict', message: 'changed', field: null, fields: [] };
    invokeMock.mockRejectedValue(err);
    await expect(backend.getServer(1)).rejects.toEqual(err);
  });

  it('reports a missing Tauri runtime (plain browser) as an internal ApiError', async () => {
    vi.unstubAllGlobals();
    const err = await backend.appInfo().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'internal', field: null, fields: [] });
    expect(backend.isApiError(err)).toBe(true);
  });

  it('wraps any other rejection as an internal ApiError', async () => {
    invokeMock.mockRejectedValue('window.__TAURI_INTERNALS__ is undefined');
    await expect(backend.listServers('')).rejects.toEqual({
      code: 'internal',
      message: 'window.__TAURI_INTERNALS__ is undefined',
      field: null,
      fields: [],
    });
  });
});

describe('asApiError', () => {
  it('keeps ApiError objects', () => {
    const e = {
      code: 'validation' as const,
      message: 'bad',
      field: 'host',
      fields: [{ field: 'host', code: 'required', message: 'fill in' }],
    };
    expect(backend.asApiError(e)).toEqual(e);
  });

  it('wraps errors, strings and junk as internal', () => {
    expect(backend.asApiError(new Error('boom'))).toEqual({
      code: 'internal',
      message: 'Error: boom',
      field: null,
      fields: [],
    });
    expect(backend.asApiError(42).message).toBe('42');
    expect(backend.asApiError({ code: 'nope', message: 'x', fields: [] }).code).toBe('internal');
    expect(backend.asApiError(null).code).toBe('internal');
  });
});

describe('connection tests', () => {
  // Tauri's Channel registers its message handler through `transformCallback`; the stub keeps
  // it so the test can deliver messages the way the Rust side does ({index, message}).
  let handlers: Map<number, (raw: unknown) => void>;

  beforeEach(() => {
    handlers = new Map();
    let next = 1;
    vi.stubGlobal('__TAURI_INTERNALS__', {
      invoke: invokeMock,
      transformCallback: (cb: (raw: unknown) => void) => {
        handlers.set(next, cb);
        return next++;
      },
      unregisterCallback: (id: number) => handlers.delete(id),
    });
  });

  function channelArg(name: 'onEvent' | 'onResult'): { id: number } {
    const args = invokeMock.mock.calls[0][1] as Record<string, { id: number }>;
    return args[name];
  }

  const step = { role: 'incoming', kind: 'connect', status: 'running' } as const;
  const opts = { extra_roots: [] };
  const accOpts = { extra_roots: [], send_to: 'a@b.de', roundtrip: true, roundtrip_wait_secs: null };

  it.each([
    ['testServer', (on: (e: unknown) => void) => backend.testServer(4, opts, on), 'test_server', { id: 4, options: opts }],
    ['testOutgoing', (on: (e: unknown) => void) => backend.testOutgoing(4, opts, on), 'test_outgoing', { id: 4, options: opts }],
    ['testAccount', (on: (e: unknown) => void) => backend.testAccount(4, accOpts, on), 'test_account', { id: 4, options: accOpts }],
  ] as const)('%s invokes %s with a run id and streams the steps', async (_n, start, command, args) => {
    invokeMock.mockResolvedValue({ ok: true });
    const seen: unknown[] = [];
    const running = start((e) => seen.push(e));
    expect(running.run).toMatch(/^[0-9a-f-]{36}$/);
    const [cmd, sent] = invokeMock.mock.calls[0];
    expect(cmd).toBe(command);
    expect(sent).toEqual({ ...args, run: running.run, onEvent: expect.anything() });
    const channel = channelArg('onEvent');
    handlers.get(channel.id)!({ index: 0, message: { index: 0, step } });
    handlers.get(channel.id)!({ index: 1, message: { index: 0, step: { ...step, status: 'ok' } } });
    expect(seen).toEqual([
      { index: 0, step },
      { index: 0, step: { ...step, status: 'ok' } },
    ]);
    await expect(running.done).resolves.toEqual({ ok: true });
  });

  it('testAll streams each result', async () => {
    const seen: unknown[] = [];
    const running = backend.testAll('vertrieb', 8, accOpts, (r) => seen.push(r));
    expect(invokeMock.mock.calls[0][0]).toBe('test_all');
    expect(invokeMock.mock.calls[0][1]).toEqual({
      query: 'vertrieb',
      concurrency: 8,
      options: accOpts,
      run: running.run,
      onResult: expect.anything(),
    });
    handlers.get(channelArg('onResult').id)!({ index: 0, message: { account_id: 1 } });
    expect(seen).toEqual([{ account_id: 1 }]);
    await running.done;
  });

  it('each run gets its own id', () => {
    const a = backend.testServer(1, opts, () => {});
    const b = backend.testServer(1, opts, () => {});
    expect(a.run).not.toBe(b.run);
  });

  it('cancelTest and testHistory', async () => {
    await backend.cancelTest('r-1');
    await backend.testHistory('account', 9);
    expect(invokeMock.mock.calls.map((c) => c.slice(0, 2))).toEqual([
      ['cancel_test', { run: 'r-1' }],
      ['test_history', { kind: 'account', id: 9 }],
    ]);
  });

  it('a rejected test is an ApiError', async () => {
    const err = { code: 'validation', message: 'send_to', field: 'send_to', fields: [] };
    invokeMock.mockRejectedValue(err);
    await expect(backend.testAccount(1, accOpts, () => {}).done).rejects.toEqual(err);
  });

  it('without the Tauri runtime the test fails like any call', async () => {
    vi.unstubAllGlobals();
    const running = backend.testServer(1, opts, () => {});
    await expect(running.done).rejects.toMatchObject({ code: 'internal' });
  });

  it('run ids without randomUUID (insecure context) are still version-4 UUIDs', () => {
    vi.stubGlobal('crypto', { getRandomValues: (b: Uint8Array) => b.map((_, i) => (i * 37) & 0xff) });
    const id = backend.newRunId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
