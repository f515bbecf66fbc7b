// The backend as component tests see it after `vi.mock('$lib/backend')`: every IPC call is
// a `vi.fn()` (generated from the command table, `./commands.ts`), the pure helpers are the
// real ones.
import { vi } from 'vitest';
import type * as Real from '../index';

const actual = await vi.importActual<typeof Real>('../index');

export type * from '../bindings';
export type { RunningTest } from '../index';
export * from './commands';
export const {
  COMMANDS,
  asApiError,
  isApiError,
  newRunId,
  DEFAULT_INCOMING_PORTS,
  DEFAULT_OUTGOING_PORTS,
  DEFAULT_TIMEOUT_SECS,
  M365_SMTP_HOST,
} = actual;
