// Generated from the command table in src-tauri/src/commands/mod.rs by `ipc::typescript`. Do not
// edit: run `UPDATE_BINDINGS=1 cargo test -p mailbox-admin bindings` instead.
import type { ErrorCode } from './bindings';

/** Every code an `ApiError` can carry (`ErrorCode` in crates/core/src/error.rs). */
export const ERROR_CODES: readonly ErrorCode[] = [
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
