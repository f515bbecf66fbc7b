// The edit form's state for an outgoing server and how it becomes an `OutgoingInput`: the
// SMTP port rule (25 / 587 STARTTLS / 465 TLS, derived until typed), the Microsoft 365
// defaults, which fields apply, and quick checks (relaxed while the server is disabled).
import { DEFAULT_OUTGOING_PORTS, M365_SMTP_HOST } from '$lib/backend';
import type {
  M365SendVia,
  OutgoingInput,
  OutgoingKind,
  OutgoingServer,
  Preset,
  Security,
  SmtpAuth,
} from '$lib/backend';
import { secretUpdate, splitHostPort } from '$lib/form/values';
import { endpointFrom, endpointInput, endpointIssues, newEndpoint } from '$lib/form/endpoint';
import type { EndpointDraft } from '$lib/form/endpoint';
import type { ClientIssue } from '$lib/form/values';

export const OUTGOING_KINDS: readonly OutgoingKind[] = ['smtp', 'microsoft365'];
export const OUTGOING_SECURITIES: readonly Security[] = ['starttls', 'tls', 'auto', 'none'];
export const SMTP_AUTHS: readonly SmtpAuth[] = ['none', 'password', 'cram_md5', 'ntlm', 'oauth2'];
export const SEND_VIA: readonly M365SendVia[] = ['smtp', 'graph'];

export type OutgoingDraft = EndpointDraft & {
  name: string;
  enabled: boolean;
  kind: OutgoingKind;
  m365_send_via: M365SendVia;
  auth_method: SmtpAuth;
  username: string;
  sender_address: string;
  bcc_to_sender: boolean;
  /** Senden via Server (Bp Event): the business application sends from its application server. */
  send_via_app_server: boolean;
  smime_sign: boolean;
  smime_encrypt: boolean;
  smime_certificate_id: number | null;
  client_certificate_id: number | null;
  is_default: boolean;
};

export function newOutgoingDraft(): OutgoingDraft {
  return {
    ...newEndpoint('starttls'),
    name: '',
    enabled: true,
    kind: 'smtp',
    m365_send_via: 'smtp',
    auth_method: 'password',
    ...{ username: '', sender_address: '', bcc_to_sender: false, send_via_app_server: false, is_default: false },
    ...{ smime_sign: false, smime_encrypt: false, smime_certificate_id: null, client_certificate_id: null },
  };
}

export function draftFromOutgoing(s: OutgoingServer): OutgoingDraft {
  const { name, enabled, kind, m365_send_via, auth_method, username, sender_address, bcc_to_sender } = s;
  const { smime_sign, smime_encrypt, smime_certificate_id, client_certificate_id, is_default } = s;
  return {
    ...endpointFrom(s),
    ...{ name, enabled, kind, m365_send_via, auth_method, username, sender_address, bcc_to_sender },
    send_via_app_server: s.send_via_app_server,
    ...{ smime_sign, smime_encrypt, smime_certificate_id, client_certificate_id, is_default },
  };
}

/** A new server's draft filled from a saved template's `OutgoingInput` (no secret). */
export function draftFromTemplate(data: unknown): OutgoingDraft {
  const d = newOutgoingDraft();
  if (typeof data !== 'object' || data === null) return d;
  const i = data as Partial<OutgoingInput>;
  const pick = <K extends keyof OutgoingDraft & keyof OutgoingInput>(k: K) => {
    if (i[k] !== undefined && typeof i[k] === typeof d[k]) (d as Record<K, unknown>)[k] = i[k];
  };
  for (const k of [
    'enabled',
    'kind',
    'm365_send_via',
    'host',
    'security',
    'auth_method',
    'username',
    'ntlm_domain',
    'allow_plaintext',
    'sender_address',
    'bcc_to_sender',
    'send_via_app_server',
    'tls_verify',
    'tls_insecure_confirmed',
    'tls_alt_name',
    'tls_pin_sha256',
    'smime_sign',
    'smime_encrypt',
  ] as const) {
    pick(k);
  }
  if (typeof i.port === 'number') {
    d.port_manual = true;
    d.port = String(i.port);
  }
  if (typeof i.timeout_secs === 'number') d.timeout_secs = String(i.timeout_secs);
  return d;
}

/** A new server's draft filled from a provider preset's SMTP settings. */
export function draftFromPreset(p: Preset, d: OutgoingDraft = newOutgoingDraft()): OutgoingDraft {
  const next: OutgoingDraft = {
    ...d,
    name: d.name || `${p.name} SMTP`,
    kind: p.id === 'microsoft365' ? 'microsoft365' : 'smtp',
    host: p.smtp.host,
    security: p.smtp.security,
    auth_method: p.outgoing_auth,
  };
  const derived = derivedOutgoingPort(p.smtp.security);
  next.port_manual = p.smtp.port !== derived;
  next.port = next.port_manual ? String(p.smtp.port) : '';
  return next;
}

export function derivedOutgoingPort(security: Security): number {
  return DEFAULT_OUTGOING_PORTS[security];
}

export function shownOutgoingPort(d: OutgoingDraft): string {
  return d.port_manual ? d.port : String(derivedOutgoingPort(d.security));
}

/**
 * Switching the type to Microsoft 365 / Exchange Online fills what it needs: its SMTP host,
 * STARTTLS on the derived port 587, and OAuth2 (Basic Auth is off in Exchange Online).
 */
export function applyKind(d: OutgoingDraft, kind: OutgoingKind): void {
  d.kind = kind;
  if (kind === 'microsoft365') {
    d.host = M365_SMTP_HOST;
    d.security = 'starttls';
    d.port_manual = false;
    d.port = '';
    d.auth_method = 'oauth2';
  }
}

/** Moves a port typed as `host:port` into the port field (it then counts as manual). */
export function splitHost(d: OutgoingDraft): void {
  const { host, port } = splitHostPort(d.host);
  if (port === null) return;
  d.host = host;
  d.port = port;
  d.port_manual = true;
}

export const usesPassword = (a: SmtpAuth) => a === 'password' || a === 'cram_md5' || a === 'ntlm';

export function visibleOutgoingFields(d: OutgoingDraft): Set<string> {
  const f = new Set<string>([
    'name', 'enabled', 'kind', 'host', 'security', 'port', 'timeout_secs', 'auth_method', 'sender_address',
    'bcc_to_sender', 'send_via_app_server', 'tls_verify', 'tls_alt_name', 'tls_pin_sha256', 'smime_sign', 'smime_encrypt',
    'smime_certificate_id', 'client_certificate_id', 'is_default',
  ]);
  if (d.kind === 'microsoft365') f.add('m365_send_via');
  if (d.security === 'none') f.add('allow_plaintext');
  if (d.auth_method !== 'none') f.add('username');
  if (usesPassword(d.auth_method)) f.add('password');
  if (d.auth_method === 'ntlm') f.add('ntlm_domain');
  if (d.auth_method === 'oauth2') f.add('oauth_provider_id');
  if (!d.tls_verify) f.add('tls_insecure_confirmed');
  return f;
}

export function toOutgoingInput(d: OutgoingDraft): OutgoingInput {
  const pw = usesPassword(d.auth_method)
    ? secretUpdate(d.password, d.password_clear)
    : secretUpdate('', d.password_clear);
  const { name, enabled, kind, m365_send_via, auth_method, sender_address, bcc_to_sender } = d;
  const { smime_sign, smime_encrypt, smime_certificate_id, client_certificate_id, is_default } = d;
  return {
    ...endpointInput(d),
    ...{ name, enabled, kind, m365_send_via, auth_method, sender_address, bcc_to_sender },
    ...{ smime_sign, smime_encrypt, smime_certificate_id, client_certificate_id, is_default },
    send_via_app_server: d.send_via_app_server,
    username: d.auth_method === 'none' ? '' : d.username,
    password: pw,
  };
}

/**
 * Quick checks (the backend's rules stay authoritative). A disabled server may be saved
 * incomplete: then only the name and the number formats are checked.
 */
export function outgoingIssues(d: OutgoingDraft): ClientIssue[] {
  const issues: ClientIssue[] = [];
  const strict = d.enabled;
  if (d.name.trim() === '') issues.push({ field: 'name', message: 'error.required' });
  if (strict && d.host.trim() === '' && d.kind === 'smtp') {
    issues.push({ field: 'host', message: 'error.required' });
  }
  if (strict && d.kind === 'microsoft365' && d.auth_method !== 'oauth2') {
    issues.push({ field: 'auth_method', message: 'error.m365_oauth' });
  }
  endpointIssues(issues, d, strict);
  if (strict && (d.smime_sign || d.smime_encrypt) && d.smime_certificate_id === null) {
    issues.push({ field: 'smime_certificate_id', message: 'error.smime_certificate' });
  }
  return issues;
}

export function outgoingKey(d: OutgoingDraft): string {
  return JSON.stringify({ ...d, port: shownOutgoingPort(d) });
}
