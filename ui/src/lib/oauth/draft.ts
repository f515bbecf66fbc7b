// The edit form's state for an OAuth provider and how it becomes an `OauthProviderInput`:
// which fields each kind uses, "use defaults" taking over the backend's endpoints, checks.
import type { OauthProvider, OauthProviderInput, ProviderKind } from '$lib/backend';
import { secretUpdate } from '$lib/form/values';
import type { ClientIssue } from '$lib/form/values';

export const PROVIDER_KINDS: readonly ProviderKind[] = ['microsoft365', 'google', 'oidc'];

export type ProviderDraft = {
  name: string;
  kind: ProviderKind;
  tenant_id: string;
  discovery_url: string;
  authorization_endpoint: string;
  token_endpoint: string;
  device_endpoint: string;
  revocation_endpoint: string;
  client_id: string;
  /** The client secret as typed (named like every secret of a draft, for PasswordField). */
  password: string;
  /** The user asked to remove the stored client secret. */
  password_clear: boolean;
  scopes: string;
  app_scopes: string;
};

export function newProviderDraft(): ProviderDraft {
  return {
    name: '',
    kind: 'microsoft365',
    tenant_id: '',
    discovery_url: '',
    authorization_endpoint: '',
    token_endpoint: '',
    device_endpoint: '',
    revocation_endpoint: '',
    client_id: '',
    password: '',
    password_clear: false,
    scopes: '',
    app_scopes: '',
  };
}

export function draftFromProvider(p: OauthProvider): ProviderDraft {
  return {
    name: p.name,
    kind: p.kind,
    tenant_id: p.tenant_id,
    discovery_url: p.discovery_url,
    authorization_endpoint: p.authorization_endpoint,
    token_endpoint: p.token_endpoint,
    device_endpoint: p.device_endpoint,
    revocation_endpoint: p.revocation_endpoint,
    client_id: p.client_id,
    password: '',
    password_clear: false,
    scopes: p.scopes,
    app_scopes: p.app_scopes,
  };
}

/** The inputs the form shows for the draft's kind. */
export function visibleProviderFields(d: ProviderDraft): Set<string> {
  const f = new Set<string>([
    'name', 'kind', 'authorization_endpoint', 'token_endpoint', 'device_endpoint', 'revocation_endpoint',
    'client_id', 'client_secret', 'scopes', 'app_scopes',
  ]);
  if (d.kind === 'microsoft365') f.add('tenant_id');
  if (d.kind === 'oidc') f.add('discovery_url');
  return f;
}

/**
 * The input for create / update / "use defaults". The tenant only applies to Microsoft 365;
 * the discovery URL is kept for every kind ("use defaults" fills it for Microsoft and Google).
 */
export function toProviderInput(d: ProviderDraft): OauthProviderInput {
  return {
    name: d.name,
    kind: d.kind,
    tenant_id: d.kind === 'microsoft365' ? d.tenant_id : '',
    discovery_url: d.discovery_url,
    authorization_endpoint: d.authorization_endpoint,
    token_endpoint: d.token_endpoint,
    device_endpoint: d.device_endpoint,
    revocation_endpoint: d.revocation_endpoint,
    client_id: d.client_id,
    client_secret: secretUpdate(d.password, d.password_clear),
    scopes: d.scopes,
    app_scopes: d.app_scopes,
  };
}

/** Takes the endpoints and scopes "use defaults" returned; name, client and secret stay. */
export function applyDefaults(d: ProviderDraft, v: OauthProviderInput): ProviderDraft {
  return {
    ...d,
    discovery_url: v.discovery_url,
    authorization_endpoint: v.authorization_endpoint,
    token_endpoint: v.token_endpoint,
    device_endpoint: v.device_endpoint,
    revocation_endpoint: v.revocation_endpoint,
    scopes: v.scopes,
    app_scopes: v.app_scopes,
  };
}

/** Quick checks; the backend's (URLs, at least one flow) stay authoritative. */
export function providerIssues(d: ProviderDraft): ClientIssue[] {
  const issues: ClientIssue[] = [];
  if (d.name.trim() === '') issues.push({ field: 'name', message: 'error.required' });
  if (d.kind === 'microsoft365' && d.tenant_id.trim() === '') {
    issues.push({ field: 'tenant_id', message: 'error.required' });
  }
  if (d.client_id.trim() === '') issues.push({ field: 'client_id', message: 'error.required' });
  else if (/\s/.test(d.client_id.trim())) issues.push({ field: 'client_id', message: 'error.no_spaces' });
  return issues;
}

export function providerKey(d: ProviderDraft): string {
  return JSON.stringify(d);
}
