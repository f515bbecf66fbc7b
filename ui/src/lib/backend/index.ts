// The only door to the Rust backend: every IPC call of the UI goes through this module, so
// component tests can replace it with `vi.mock('$lib/backend')` and never need Tauri.
import { invoke } from '@tauri-apps/api/core';
import type {
  ApiError,
  AppInfo,
  ErrorCode,
  IncomingServer,
  Lang,
  Removed,
  Saved,
  ServerInput,
} from './bindings';

export type * from './bindings';
export { DEFAULT_INCOMING_PORTS, DEFAULT_TIMEOUT_SECS } from './bindings';

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
