// How the generated wrappers (`commands.ts`) talk to Tauri: every call rejects with an
// ApiError, and a streamed command names its run and delivers its Channel's messages.
import { Channel, invoke } from '@tauri-apps/api/core';
import type { ApiError } from './bindings';
import { ERROR_CODES } from './error-codes';

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

export async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw asApiError(e);
  }
}

/** A test (or OAuth connect) that is running: its id (for `cancelTest`) and its outcome. */
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
export function streamed<E, T>(
  cmd: string,
  args: Record<string, unknown>,
  channelArg: string,
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
