// The only door to the Rust backend: every IPC call of the UI goes through this module, so
// component tests can replace it with `vi.mock('$lib/backend')` and never need Tauri. The
// wrappers are generated from the command table in src-tauri (`commands.ts`); only what is
// not mechanical is written here (`ipc.ts`).
export type * from './bindings';
export {
  DEFAULT_INCOMING_PORTS,
  DEFAULT_OUTGOING_PORTS,
  DEFAULT_TIMEOUT_SECS,
  M365_SMTP_HOST,
} from './bindings';
export { asApiError, isApiError, newRunId, type RunningTest } from './ipc';
export * from './commands';
