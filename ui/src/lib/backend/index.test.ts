// The IPC contract: command names and argument objects the Rust side is written against.
// Tauri's `invoke` hands every call to `window.__TAURI_INTERNALS__`, which is stubbed here.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as backend from './index';
import type { ServerInput } from './bindings';

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

describe('commands', () => {
  it.each([
    ['appInfo', () => backend.appInfo(), 'app_info', {}],
    ['setLanguage', () => backend.setLanguage('de'), 'set_language', { lang: 'de' }],
    ['listServers', () => backend.listServers('dove'), 'list_servers', { query: 'dove' }],
    ['getServer', () => backend.getServer(4), 'get_server', { id: 4 }],
    ['createServer', () => backend.createServer(input), 'create_server', { input }],
    ['updateServer', () => backend.updateServer(4, 9, input), 'update_server', { id: 4, version: 9, input }],
    ['deleteServer', () => backend.deleteServer(4, 9), 'delete_server', { id: 4, version: 9 }],
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
