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
