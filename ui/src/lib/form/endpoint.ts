// The draft side of EndpointSection, AuthSection and TlsSection, shared by the incoming and
// outgoing server drafts: how host, security, port, timeout, sign-in options and TLS
// options become form values, what is sent for them, and their quick checks.
import { DEFAULT_TIMEOUT_SECS } from '$lib/backend';
import type { Security } from '$lib/backend';
import { checkInt, toInt } from './values';
import type { ClientIssue } from './values';

/** The stored fields behind those sections. */
type StoredEndpoint = {
  host: string;
  security: Security;
  port_manual: boolean;
  port: number;
  timeout_secs: number;
  ntlm_domain: string;
  oauth_provider_id: number | null;
  allow_plaintext: boolean;
  tls_verify: boolean;
  tls_alt_name: string;
  tls_pin_sha256: string;
};

/** Their form values: numbers as typed text, the typed secret, the TLS confirmation. */
export type EndpointDraft = Omit<StoredEndpoint, 'port' | 'timeout_secs'> & {
  /** With `port_manual`, the typed port; else the port follows protocol and security. */
  port: string;
  timeout_secs: string;
  /** A newly typed password; empty keeps the stored one. */
  password: string;
  /** The user asked to remove the stored password. */
  password_clear: boolean;
  tls_insecure_confirmed: boolean;
};

/** A new server's values: the port derived, verification on, nothing typed. */
export function newEndpoint(security: Security): EndpointDraft {
  const blank = { host: '', port: '', ntlm_domain: '', password: '', tls_alt_name: '', tls_pin_sha256: '' };
  const off = { port_manual: false, password_clear: false, allow_plaintext: false, tls_insecure_confirmed: false };
  return { ...blank, ...off, security, timeout_secs: String(DEFAULT_TIMEOUT_SECS), oauth_provider_id: null, tls_verify: true };
}

/** A stored server's values; verification off was confirmed when it was saved. */
export function endpointFrom(s: StoredEndpoint): EndpointDraft {
  const { host, security, port_manual, ntlm_domain, oauth_provider_id, allow_plaintext } = s;
  const { tls_verify, tls_alt_name, tls_pin_sha256 } = s;
  return {
    ...{ host, security, port_manual, ntlm_domain, oauth_provider_id, allow_plaintext },
    ...{ tls_verify, tls_alt_name, tls_pin_sha256, tls_insecure_confirmed: !tls_verify },
    port: port_manual ? String(s.port) : '',
    timeout_secs: String(s.timeout_secs),
    password: '',
    password_clear: false,
  };
}

/**
 * What is sent for them. What does not apply is sent empty, so a value typed before
 * switching cannot linger: the NTLM domain, the OAuth provider (a server that names one
 * also blocks its deletion), plaintext without security "none", an unneeded confirmation.
 */
export function endpointInput(d: EndpointDraft & { auth_method: string }) {
  return {
    host: d.host,
    security: d.security,
    port: d.port_manual ? toInt(d.port) : null,
    timeout_secs: toInt(d.timeout_secs),
    ntlm_domain: d.auth_method === 'ntlm' ? d.ntlm_domain : '',
    oauth_provider_id: d.auth_method === 'oauth2' ? d.oauth_provider_id : null,
    allow_plaintext: d.security === 'none' && d.allow_plaintext,
    tls_verify: d.tls_verify,
    tls_insecure_confirmed: !d.tls_verify && d.tls_insecure_confirmed,
    tls_alt_name: d.tls_alt_name,
    tls_pin_sha256: d.tls_pin_sha256,
  };
}

/** Port and timeout are whole numbers in range; with `strict`, verification off is confirmed. */
export function endpointIssues(issues: ClientIssue[], d: EndpointDraft, strict = true): void {
  if (d.port_manual) checkInt(issues, 'port', d.port, 1, 65535, 'error.port_range');
  checkInt(issues, 'timeout_secs', d.timeout_secs, 1, 600, 'error.timeout_range');
  if (strict && !d.tls_verify && !d.tls_insecure_confirmed) {
    issues.push({ field: 'tls_verify', message: 'error.confirm_insecure' });
  }
}

/**
 * A new draft filled from a saved template's data (an input as JSON, possibly from an older
 * version): each of `keys` whose value has the draft's type, the port as a manual port, the
 * timeout. Secrets are never in a template.
 */
export function fillFromTemplate<D extends EndpointDraft>(d: D, data: unknown, keys: readonly (keyof D)[]): D {
  if (typeof data !== 'object' || data === null) return d;
  const i = data as Record<string, unknown>;
  for (const k of keys) {
    const v = i[k as string];
    if (v !== undefined && typeof v === typeof d[k]) (d as Record<keyof D, unknown>)[k] = v;
  }
  if (typeof i.port === 'number') {
    d.port_manual = true;
    d.port = String(i.port);
  }
  if (typeof i.timeout_secs === 'number') d.timeout_secs = String(i.timeout_secs);
  return d;
}
