// The edit form's state for an incoming server and how it becomes a `ServerInput`:
// the port rule (derived until typed), which fields apply to which protocol, quick checks.
import { DEFAULT_INCOMING_PORTS } from '$lib/backend';
import type {
  AuthMethod,
  IncomingServer,
  Preset,
  Protocol,
  Security,
  ServerInput,
} from '$lib/backend';
import { secretUpdate, toInt } from '$lib/form/values';
import { endpointFrom, endpointInput, endpointIssues, fillFromTemplate, newEndpoint } from '$lib/form/endpoint';
import type { EndpointDraft } from '$lib/form/endpoint';
import type { ClientIssue } from '$lib/form/values';

export type { ClientIssue } from '$lib/form/values';

export const PROTOCOLS: readonly Protocol[] = ['imap', 'pop3', 'imap_download'];
export const SECURITIES: readonly Security[] = ['tls', 'starttls', 'auto', 'none'];
export const AUTH_METHODS: readonly AuthMethod[] = ['password', 'cram_md5', 'oauth2', 'ntlm'];

/** What the form edits. Numbers are kept as typed text until saved. */
export type ServerDraft = EndpointDraft & {
  name: string;
  protocol: Protocol;
  auth_method: AuthMethod;
  login_user: string;
  folder_trash: string;
  folder_junk: string;
  folder_sent: string;
  folder_deleted: string;
  pop3_delete_after_fetch: boolean;
  pop3_delete_after_days: string;
  /** The TLS client certificate from the certificate store (presented when the server asks). */
  client_certificate_id: number | null;
};

const NO_FOLDERS = { folder_trash: '', folder_junk: '', folder_sent: '', folder_deleted: '' };

export function newDraft(): ServerDraft {
  return {
    ...newEndpoint('tls'),
    ...NO_FOLDERS,
    name: '',
    protocol: 'imap',
    auth_method: 'password',
    login_user: '',
    pop3_delete_after_fetch: false,
    pop3_delete_after_days: '',
    client_certificate_id: null,
  };
}

export function draftFromServer(s: IncomingServer): ServerDraft {
  const { name, protocol, auth_method, login_user, folder_trash, folder_junk, folder_sent, folder_deleted } = s;
  return {
    ...endpointFrom(s),
    ...{ name, protocol, auth_method, login_user, folder_trash, folder_junk, folder_sent, folder_deleted },
    pop3_delete_after_fetch: s.pop3_delete_after_fetch,
    pop3_delete_after_days: s.pop3_delete_after_days === null ? '' : String(s.pop3_delete_after_days),
    client_certificate_id: s.client_certificate_id,
  };
}

/** A new server's draft from a saved incoming-server template (its name is not taken). */
export function draftFromTemplate(data: unknown): ServerDraft {
  const d = fillFromTemplate(newDraft(), data, [
    'protocol', 'host', 'security', 'auth_method', 'login_user', 'ntlm_domain', 'allow_plaintext', 'tls_verify',
    'tls_insecure_confirmed', 'tls_alt_name', 'tls_pin_sha256', 'folder_trash', 'folder_junk', 'folder_sent',
    'folder_deleted', 'pop3_delete_after_fetch',
  ]);
  const days = (data as { pop3_delete_after_days?: unknown } | null)?.pop3_delete_after_days;
  if (typeof days === 'number') d.pop3_delete_after_days = String(days);
  return d;
}

/**
 * A new server's draft from a provider preset: its IMAP server, or its POP3 server when the
 * form is set to POP3 and the provider has one (a provider without IMAP gives POP3).
 */
export function draftFromPreset(p: Preset, d: ServerDraft = newDraft()): ServerDraft {
  const pop3 = (d.protocol === 'pop3' && p.pop3 !== null) || p.imap === null;
  const server = pop3 ? p.pop3 : p.imap;
  if (!server) return d;
  const protocol: Protocol = pop3 ? 'pop3' : d.protocol === 'imap_download' ? 'imap_download' : 'imap';
  const manual = server.port !== derivedPort(protocol, server.security);
  return {
    ...d,
    name: d.name || `${p.name} ${pop3 ? 'POP3' : 'IMAP'}`,
    protocol,
    host: server.host,
    security: server.security,
    auth_method: p.incoming_auth,
    port_manual: manual,
    port: manual ? String(server.port) : '',
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
    'name', 'protocol', 'host', 'security', 'port', 'timeout_secs', 'auth_method', 'login_user', 'tls_verify',
    'tls_alt_name', 'tls_pin_sha256', 'client_certificate_id',
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
  const folder = (typed: string) => (usesFolders(d.protocol) ? typed : '');
  const pop3 = usesPop3Options(d.protocol);
  const days = d.pop3_delete_after_days.trim();
  return {
    ...endpointInput(d),
    name: d.name,
    protocol: d.protocol,
    auth_method: d.auth_method,
    login_user: d.login_user,
    password: secretUpdate(d.password, d.password_clear),
    folder_trash: folder(d.folder_trash),
    folder_junk: folder(d.folder_junk),
    folder_sent: folder(d.folder_sent),
    folder_deleted: folder(d.folder_deleted),
    pop3_delete_after_fetch: pop3 && d.pop3_delete_after_fetch,
    pop3_delete_after_days: pop3 && days !== '' ? toInt(days) : null,
    client_certificate_id: d.client_certificate_id,
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
  endpointIssues(issues, d);
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
