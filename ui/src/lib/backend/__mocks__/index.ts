// The backend as component tests see it after `vi.mock('$lib/backend')`: every IPC call is
// a `vi.fn()`, the pure helpers are the real ones.
import { vi } from 'vitest';
import type * as Real from '../index';

const actual = await vi.importActual<typeof Real>('../index');

export type * from '../bindings';
export const { asApiError, isApiError, DEFAULT_INCOMING_PORTS, DEFAULT_TIMEOUT_SECS } = actual;

export const appInfo = vi.fn<typeof Real.appInfo>();
export const setLanguage = vi.fn<typeof Real.setLanguage>();
export const listServers = vi.fn<typeof Real.listServers>();
export const getServer = vi.fn<typeof Real.getServer>();
export const createServer = vi.fn<typeof Real.createServer>();
export const updateServer = vi.fn<typeof Real.updateServer>();
export const deleteServer = vi.fn<typeof Real.deleteServer>();
