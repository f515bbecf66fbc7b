// The IPC contract as the UI sees it: the wrappers generated from src-tauri's command table,
// the mock built from the same table, and the error and streaming helpers they share.
// Tauri's `invoke` hands every call to `window.__TAURI_INTERNALS__`, which is stubbed here.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as backend from './index';
import { COMMANDS } from './commands';

const invokeMock = vi.fn();

beforeEach(() => {
  invokeMock.mockReset();
  invokeMock.mockResolvedValue('ok');
  vi.stubGlobal('__TAURI_INTERNALS__', { invoke: invokeMock });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

type Wrapper = (...args: unknown[]) => unknown;
const entries = Object.entries(COMMANDS);

// The table and the wrappers are generated together from src-tauri's command table (a Rust
// test fails when they are stale); these tests pin what the UI relies on: every command has
// a wrapper and a mock, and a wrapper sends its arguments under the keys the command reads.
describe('the generated command table', () => {
  const helpers = ['asApiError', 'isApiError', 'newRunId'];
  const functions = (m: object) =>
    Object.entries(m)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .sort();

  it('has a wrapper for every command, and the backend module calls nothing else', () => {
    expect(functions(backend)).toEqual([...Object.keys(COMMANDS), ...helpers].sort());
  });

  it('has a mock for every wrapper; the mock keeps the real helpers', async () => {
    const mock: Record<string, unknown> = await import('./__mocks__/index');
    expect(functions(mock)).toEqual(functions(backend));
    for (const name of Object.keys(COMMANDS)) expect(vi.isMockFunction(mock[name]), name).toBe(true);
    for (const name of helpers) expect(mock[name], name).toBe((backend as Record<string, unknown>)[name]);
  });
});

describe('commands', () => {
  it.each(entries.filter(([, c]) => c.channel === null))(
    '%s invokes its command with its arguments by name',
    async (name, { command, args }) => {
      const values = args.map((k) => `${k}-value`);
      await expect(((backend as Record<string, unknown>)[name] as Wrapper)(...values)).resolves.toBe('ok');
      expect(invokeMock).toHaveBeenCalledTimes(1);
      const sent = Object.fromEntries(args.map((k, i) => [k, values[i]]));
      expect(invokeMock.mock.calls[0].slice(0, 2)).toEqual([command, sent]);
    },
  );

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

  function channelArg(name: string): { id: number } {
    const args = invokeMock.mock.calls[0][1] as Record<string, { id: number }>;
    return args[name];
  }

  const step = { role: 'incoming', kind: 'connect', status: 'running' } as const;
  const opts = { extra_roots: [] };
  const accOpts = { extra_roots: [], send_to: 'a@b.de', roundtrip: true, roundtrip_wait_secs: null };

  it.each(entries.filter(([, c]) => c.channel !== null))(
    '%s invokes its command with a run id and streams the messages',
    async (name, { command, args, channel }) => {
      invokeMock.mockResolvedValue({ ok: true });
      const seen: unknown[] = [];
      const values = args.map((k) => `${k}-value`);
      const start = (backend as Record<string, unknown>)[name] as Wrapper;
      const running = start(...values, (e: unknown) => seen.push(e)) as backend.RunningTest<unknown>;
      expect(running.run).toMatch(/^[0-9a-f-]{36}$/);
      const [cmd, sent] = invokeMock.mock.calls[0];
      expect(cmd).toBe(command);
      const named = Object.fromEntries(args.map((k, i) => [k, values[i]]));
      expect(sent).toEqual({ ...named, run: running.run, [channel!]: expect.anything() });
      const id = channelArg(channel!).id;
      handlers.get(id)!({ index: 0, message: { index: 0, step } });
      handlers.get(id)!({ index: 1, message: { index: 0, step: { ...step, status: 'ok' } } });
      expect(seen).toEqual([
        { index: 0, step },
        { index: 0, step: { ...step, status: 'ok' } },
      ]);
      await expect(running.done).resolves.toEqual({ ok: true });
    },
  );

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
