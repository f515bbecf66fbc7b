// The edit form's state for an incoming server and how it becomes a `ServerInput`:
// the port rule (derived until typed), which fields apply to which protocol, quick checks.
import { DEFAULT_INCOMING_PORTS, DEFAULT_TIMEOUT_SECS } from '$lib/backend';
import type {
  AuthMethod,
  IncomingServer,
  Protocol,
  Security,
  ServerInput,
} from '$lib/backend';
import { secretUpdate, toInt } from '$lib/form/values';
import type { ClientIssue } from '$lib/form/values';

export type { ClientIssue } from '$lib/form/values';

export const PROTOCOLS: readonly Protocol[] = ['imap', 'pop3', 'imap_download'];
export const SECURITIES: readonly Security[] = ['tls', 'starttls', 'auto', 'none'];
export const AUTH_METHODS: readonly AuthMethod[] = ['password', 'cram_md5', 'oauth2', 'ntlm'];

/** What the form edits. Numbers are kept as typed text until saved. */
export type ServerDraft = {
  name: string;
  protocol: Protocol;
  host: string;
  security: Security;
  /** True once the user typed a port; then `port` holds the typed text. */
  port_manual: boolean;
  port: string;
  timeout_secs: string;
  auth_method: AuthMethod;
  ntlm_domain: string;
  /** The OAuth provider of OAuth2 logins (null: none chosen). */
  oauth_provider_id: number | null;
  login_user: string;
  /** A newly typed password; empty keeps the stored one. */
  password: string;
  /** The user asked to remove the stored password. */
  password_clear: boolean;
  allow_plaintext: boolean;
  tls_verify: boolean;
  tls_insecure_confirmed: boolean;
  tls_alt_name: string;
  tls_pin_sha256: string;
  folder_trash: string;
  folder_junk: string;
  folder_sent: string;
  folder_deleted: string;
  pop3_delete_after_fetch: boolean;
  pop3_delete_after_days: string;
};

export function newDraft(): ServerDraft {
  return {
    name: '',
    protocol: 'imap',
    host: '',
    security: 'tls',
    port_manual: false,
    port: '',
    timeout_secs: String(DEFAULT_TIMEOUT_SECS),
    auth_method: 'password',
    ntlm_domain: '',
    oauth_provider_id: null,
    login_user: '',
    password: '',
    password_clear: false,
    allow_plaintext: false,
    tls_verify: true,
    tls_insecure_confirmed: false,
    tls_alt_name: '',
    tls_pin_sha256: '',
    folder_trash: '',
    folder_junk: '',
    folder_sent: '',
    folder_deleted: '',
    pop3_delete_after_fetch: false,
    pop3_delete_after_days: '',
  };
}

export function draftFromServer(s: IncomingServer): ServerDraft {
  return {
    name: s.name,
    protocol: s.protocol,
    host: s.host,
    security: s.security,
    port_manual: s.port_manual,
    port: s.port_manual ? String(s.port) : '',
    timeout_secs: String(s.timeout_secs),
    auth_method: s.auth_method,
    ntlm_domain: s.ntlm_domain,
    oauth_provider_id: s.oauth_provider_id,
    login_user: s.login_user,
    password: '',
    password_clear: false,
    allow_plaintext: s.allow_plaintext,
    tls_verify: s.tls_verify,
    // A stored server with verification off was confirmed when it was saved.
    tls_insecure_confirmed: !s.tls_verify,
    tls_alt_name: s.tls_alt_name,
    tls_pin_sha256: s.tls_pin_sha256,
    folder_trash: s.folder_trash,
    folder_junk: s.folder_junk,
    folder_sent: s.folder_sent,
    folder_deleted: s.folder_deleted,
    pop3_delete_after_fetch: s.pop3_delete_after_fetch,
    pop3_delete_after_days:
      s.pop3_delete_after_days === null ? '' : String(s.pop3_delete_after_days),
  };
}

export function derivedPort(protocol: Protocol, security: Security): number {
  return DEFAULT_INCOMING_PORTS[protocol][security];
}

/** The text the port input shows: the typed value, or the derived default. */
export function shownPort(d: ServerDraft): string {
  return d.port_manual ? d.port : String(derivedPort(d.protocol, d.security));
}

export const usesFolders = (p: Protocol) => p === 'imap' || p === 'imap_download';
export const usesPop3Options = (p: Protocol) => p === 'pop3' || p === 'imap_download';

/** The input fields the form currently shows (others do not apply to this server). */
export function visibleFields(d: ServerDraft): Set<string> {
  const f = new Set<string>([
    'name',
    'protocol',
    'host',
    'security',
    'port',
    'timeout_secs',
    'auth_method',
    'login_user',
    'tls_verify',
    'tls_alt_name',
    'tls_pin_sha256',
  ]);
  if (d.auth_method === 'ntlm') f.add('ntlm_domain');
  if (d.auth_method !== 'oauth2') f.add('password');
  else f.add('oauth_provider_id');
  if (d.security === 'none') f.add('allow_plaintext');
  if (!d.tls_verify) f.add('tls_insecure_confirmed');
  if (usesFolders(d.protocol)) {
    for (const k of ['folder_trash', 'folder_junk', 'folder_sent', 'folder_deleted']) f.add(k);
  }
  if (usesPop3Options(d.protocol)) {
    f.add('pop3_delete_after_fetch');
    f.add('pop3_delete_after_days');
  }
  return f;
}

/**
 * The input sent to `create_server` / `update_server`. Fields that do not apply to the
 * protocol or options are sent empty, so a value typed before switching cannot linger.
 */
export function toInput(d: ServerDraft): ServerInput {
  const folders = usesFolders(d.protocol);
  const pop3 = usesPop3Options(d.protocol);
  const days = d.pop3_delete_after_days.trim();
  return {
    name: d.name,
    protocol: d.protocol,
    host: d.host,
    security: d.security,
    port: d.port_manual ? toInt(d.port) : null,
    timeout_secs: toInt(d.timeout_secs),
    auth_method: d.auth_method,
    ntlm_domain: d.auth_method === 'ntlm' ? d.ntlm_domain : '',
    // Only OAuth2 logins use a provider; a server that names one also blocks its deletion.
    oauth_provider_id: d.auth_method === 'oauth2' ? d.oauth_provider_id : null,
    login_user: d.login_user,
    password: secretUpdate(d.password, d.password_clear),
    allow_plaintext: d.security === 'none' && d.allow_plaintext,
    tls_verify: d.tls_verify,
    tls_insecure_confirmed: !d.tls_verify && d.tls_insecure_confirmed,
    tls_alt_name: d.tls_alt_name,
    tls_pin_sha256: d.tls_pin_sha256,
    folder_trash: folders ? d.folder_trash : '',
    folder_junk: folders ? d.folder_junk : '',
    folder_sent: folders ? d.folder_sent : '',
    folder_deleted: folders ? d.folder_deleted : '',
    pop3_delete_after_fetch: pop3 && d.pop3_delete_after_fetch,
    pop3_delete_after_days: pop3 && days !== '' ? toInt(days) : null,
  };
}

/**
 * Quick checks for instant feedback, a subset of the backend's rules (which stay
 * authoritative): required fields, number ranges, the TLS confirmation.
 */
export function clientIssues(d: ServerDraft): ClientIssue[] {
  const issues: ClientIssue[] = [];
  const push = (field: string, message: ClientIssue['message']) => issues.push({ field, message });
  if (d.name.trim() === '') push('name', 'error.required');
  if (d.host.trim() === '') push('host', 'error.required');
  if (d.port_manual) {
    const n = toInt(d.port);
    if (d.port.trim() === '') push('port', 'error.required');
    else if (Number.isNaN(n)) push('port', 'error.integer');
    else if (n < 1 || n > 65535) push('port', 'error.port_range');
  }
  const timeout = toInt(d.timeout_secs);
  if (d.timeout_secs.trim() === '') push('timeout_secs', 'error.required');
  else if (Number.isNaN(timeout)) push('timeout_secs', 'error.integer');
  else if (timeout < 1 || timeout > 600) push('timeout_secs', 'error.timeout_range');
  if (!d.tls_verify && !d.tls_insecure_confirmed) push('tls_verify', 'error.confirm_insecure');
  if (usesPop3Options(d.protocol) && d.pop3_delete_after_days.trim() !== '') {
    const days = toInt(d.pop3_delete_after_days);
    if (Number.isNaN(days)) push('pop3_delete_after_days', 'error.integer');
    else if (days < 1 || days > 3650) push('pop3_delete_after_days', 'error.days_range');
  }
  return issues;
}

/** A stable text of everything the user can change, to tell whether the form is dirty. */
export function draftKey(d: ServerDraft): string {
  return JSON.stringify({ ...d, port: shownPort(d) });
}
