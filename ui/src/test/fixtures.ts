// Test data and the mocked backend shared by the component tests.
import { vi } from 'vitest';
import type { ApiError, AppInfo, IncomingServer } from '$lib/backend';
import * as backend from '$lib/backend';

/** The backend module; test files call `vi.mock('$lib/backend')` (see `__mocks__`). */
export const api = vi.mocked(backend);

let nextId = 1;

export function server(overrides: Partial<IncomingServer> = {}): IncomingServer {
  const id = overrides.id ?? nextId++;
  return {
    id,
    version: 1,
    name: `Server ${id}`,
    protocol: 'imap',
    host: 'imap.example.com',
    security: 'tls',
    port: 993,
    port_manual: false,
    timeout_secs: 30,
    auth_method: 'password',
    ntlm_domain: '',
    login_user: '',
    password: 'none',
    allow_plaintext: false,
    tls_verify: true,
    tls_alt_name: '',
    tls_pin_sha256: '',
    folder_trash: '',
    folder_junk: '',
    folder_sent: '',
    folder_deleted: '',
    pop3_delete_after_fetch: false,
    pop3_delete_after_days: null,
    created_at: '2025-01-01T10:00:00Z',
    updated_at: '2025-01-01T10:00:00Z',
    ...overrides,
  };
}

export function apiError(overrides: Partial<ApiError> = {}): ApiError {
  return { code: 'validation', message: 'invalid', field: null, fields: [], ...overrides };
}

export const INFO: AppInfo = {
  version: '0.1.0',
  db_path: '/home/admin/.local/share/mailbox-admin/config.db',
  schema_version: 1,
  keyring: 'Secret Service',
  keyring_available: true,
  os_lang: 'de',
};

/** Default answers: an empty installation with a working keyring. */
export function resetBackend() {
  vi.resetAllMocks();
  api.appInfo.mockResolvedValue(INFO);
  api.setLanguage.mockResolvedValue(undefined);
  api.listServers.mockResolvedValue([]);
}
