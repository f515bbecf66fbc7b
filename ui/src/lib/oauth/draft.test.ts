import { describe, expect, it } from 'vitest';
import { applyDefaults, newProviderDraft, providerIssues, toProviderInput, visibleProviderFields } from './draft';

describe('provider draft', () => {
  it('the tenant belongs to Microsoft 365 only, the discovery URL input to OpenID Connect', () => {
    const d = { ...newProviderDraft(), tenant_id: 'contoso.onmicrosoft.com', kind: 'google' as const };
    expect(toProviderInput(d).tenant_id).toBe('');
    expect(visibleProviderFields(d).has('tenant_id')).toBe(false);
    expect(visibleProviderFields({ ...d, kind: 'oidc' }).has('discovery_url')).toBe(true);
    expect(visibleProviderFields({ ...d, kind: 'microsoft365' }).has('tenant_id')).toBe(true);
  });

  it('the token servers belong to a provider of one\'s own and go to the backend as typed', () => {
    const d = { ...newProviderDraft(), kind: 'oidc' as const, token_hosts: 'mail.firma.de, smtp.firma.de' };
    expect(visibleProviderFields(d).has('token_hosts')).toBe(true);
    expect(toProviderInput(d).token_hosts).toEqual(['mail.firma.de, smtp.firma.de']);
    expect(visibleProviderFields({ ...d, kind: 'google' }).has('token_hosts')).toBe(false);
    expect(toProviderInput({ ...d, kind: 'google' }).token_hosts).toEqual([]);
    expect(toProviderInput({ ...d, token_hosts: '  ' }).token_hosts).toEqual([]);
  });

  it('use defaults takes endpoints and scopes but keeps name, client id and the typed secret', () => {
    const d = { ...newProviderDraft(), name: 'Entra', client_id: 'abc', password: 'pw', tenant_id: 'contoso.onmicrosoft.com' };
    const v = {
      ...toProviderInput(d),
      name: 'other',
      client_id: 'other',
      token_endpoint: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
      scopes: 'openid email',
      app_scopes: 'https://outlook.office365.com/.default',
    };
    const next = applyDefaults(d, v);
    expect(next).toMatchObject({ name: 'Entra', client_id: 'abc', password: 'pw', scopes: 'openid email' });
    expect(next.token_endpoint).toContain('/token');
    expect(next.app_scopes).toBe('https://outlook.office365.com/.default');
  });

  it('checks name, client id (no spaces) and the Microsoft tenant', () => {
    const fields = (d: ReturnType<typeof newProviderDraft>) => providerIssues(d).map((i) => `${i.field}:${i.message}`);
    expect(fields(newProviderDraft())).toEqual(['name:error.required', 'tenant_id:error.required', 'client_id:error.required']);
    expect(fields({ ...newProviderDraft(), kind: 'oidc', name: 'x', client_id: 'a b' })).toEqual(['client_id:error.no_spaces']);
  });
});
