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
  /** OpenID Connect: the mail servers its tokens may go to, comma-separated. */
  token_hosts: string;
};

export function newProviderDraft(): ProviderDraft {
  const blank = { name: '', tenant_id: '', client_id: '', password: '', scopes: '', app_scopes: '' };
  const urls = { discovery_url: '', authorization_endpoint: '', token_endpoint: '', device_endpoint: '' };
  return { ...blank, ...urls, revocation_endpoint: '', kind: 'microsoft365', password_clear: false, token_hosts: '' };
}

export function draftFromProvider(p: OauthProvider): ProviderDraft {
  const { name, kind, tenant_id, client_id } = p;
  const token_hosts = p.token_hosts.join(', ');
  return { ...endpointsOf(p), name, kind, tenant_id, client_id, password: '', password_clear: false, token_hosts };
}

/** The endpoints and scopes of a provider: what "use defaults" fills. */
type Endpoints = Omit<
  ProviderDraft,
  'name' | 'kind' | 'tenant_id' | 'client_id' | 'password' | 'password_clear' | 'token_hosts'
>;

function endpointsOf(v: Endpoints): Endpoints {
  const { discovery_url, authorization_endpoint, token_endpoint, device_endpoint, revocation_endpoint } = v;
  const urls = { discovery_url, authorization_endpoint, token_endpoint, device_endpoint, revocation_endpoint };
  return { ...urls, scopes: v.scopes, app_scopes: v.app_scopes };
}

/** The inputs the form shows for the draft's kind. */
export function visibleProviderFields(d: ProviderDraft): Set<string> {
  const f = new Set<string>([
    'name', 'kind', 'authorization_endpoint', 'token_endpoint', 'device_endpoint', 'revocation_endpoint',
    'client_id', 'client_secret', 'scopes', 'app_scopes',
  ]);
  if (d.kind === 'microsoft365') f.add('tenant_id');
  if (d.kind === 'oidc') {
    f.add('discovery_url');
    f.add('token_hosts');
  }
  return f;
}

/**
 * The input for create / update / "use defaults". The tenant only applies to Microsoft 365;
 * the discovery URL is kept for every kind ("use defaults" fills it for Microsoft and Google).
 */
export function toProviderInput(d: ProviderDraft): OauthProviderInput {
  const tenant_id = d.kind === 'microsoft365' ? d.tenant_id : '';
  const client_secret = secretUpdate(d.password, d.password_clear);
  // The backend splits the list (commas, spaces) and checks each host.
  const token_hosts = d.kind === 'oidc' && d.token_hosts.trim() !== '' ? [d.token_hosts] : [];
  return { ...endpointsOf(d), name: d.name, kind: d.kind, tenant_id, client_id: d.client_id, client_secret, token_hosts };
}

/** Takes the endpoints and scopes "use defaults" returned; name, client and secret stay. */
export function applyDefaults(d: ProviderDraft, v: OauthProviderInput): ProviderDraft {
  return { ...d, ...endpointsOf(v) };
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
