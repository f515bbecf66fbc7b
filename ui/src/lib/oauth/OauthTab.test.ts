// The OAuth tab: the provider list, "use defaults", the client secret in the keyring, field
// errors at their inputs and the refused delete of a provider in use.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import OauthTab from './OauthTab.svelte';
import { api, apiError, fieldErrors, freshEachTest, oauthProvider, providerInput } from '../../test/fixtures';
import type { OauthProviderInput } from '$lib/backend';
import { tabDriver } from '../../test/tabs';

vi.mock('$lib/backend');

const tab = tabDriver(OauthTab, 'oauth-provider');
const { field, queryField, openNew, openNewSaving, openStored: openExisting, fill, save } = tab;

const DISCOVERY = 'https://idp.example.com/.well-known/openid-configuration';

/** What "use defaults" answers for the OpenID Connect provider at DISCOVERY. */
const DISCOVERED = {
  discovery_url: DISCOVERY,
  authorization_endpoint: 'https://idp.example.com/authorize',
  token_endpoint: 'https://idp.example.com/token',
  device_endpoint: 'https://idp.example.com/device',
  revocation_endpoint: 'https://idp.example.com/revoke',
  scopes: 'openid email offline_access',
  app_scopes: '',
};

/** What a new provider's form sends untouched: Microsoft 365, every text empty, the secret kept. */
const EMPTY: OauthProviderInput = {
  ...(Object.fromEntries(
    Object.entries(providerInput()).map(([k, v]) => [k, typeof v === 'string' ? '' : v]),
  ) as OauthProviderInput),
  kind: 'microsoft365',
};

freshEachTest();

describe('provider list', () => {
  it('shows name and kind, and searches', async () => {
    api.listOauthProviders.mockResolvedValue([
      oauthProvider({ name: 'Entra ID', kind: 'microsoft365', tenant_id: 'contoso.onmicrosoft.com' }),
    ]);
    const u = userEvent.setup();
    render(OauthTab);
    const item = await screen.findByTestId('oauth-provider-item');
    expect(item).toHaveTextContent('Entra ID');
    expect(item).toHaveTextContent('Microsoft 365');
    expect(item).toHaveTextContent('contoso.onmicrosoft.com');
    expect(screen.getByRole('heading', { name: 'OAuth-Anbieter' })).toBeInTheDocument();
    await u.type(screen.getByTestId('oauth-provider-search'), 'entra');
    await waitFor(() => expect(api.listOauthProviders).toHaveBeenLastCalledWith('entra'));
  });
});

describe('use defaults', () => {
  it('fills endpoints and scopes from discovery; save sends them with the client id', async () => {
    api.oauthProviderDefaults.mockImplementation(async (input) => ({ ...input, ...DISCOVERED }));
    const u = await openNewSaving(oauthProvider({ id: 4, name: 'Keycloak' }));
    expect(queryField('discovery_url')).toBeNull();
    expect(queryField('tenant_id')).not.toBeNull();
    await u.selectOptions(field<HTMLSelectElement>('kind'), 'OpenID Connect');
    expect(queryField('tenant_id')).toBeNull();
    await u.type(field('name'), 'Keycloak');
    await u.type(field('discovery_url'), DISCOVERY);
    await u.click(screen.getByTestId('oauth-provider-defaults'));

    await waitFor(() => expect(field('token_endpoint')).toHaveValue('https://idp.example.com/token'));
    expect(api.oauthProviderDefaults).toHaveBeenCalledWith({
      ...EMPTY,
      name: 'Keycloak',
      kind: 'oidc',
      discovery_url: DISCOVERY,
    });
    expect(field('authorization_endpoint')).toHaveValue('https://idp.example.com/authorize');
    expect(field('device_endpoint')).toHaveValue('https://idp.example.com/device');
    expect(field('revocation_endpoint')).toHaveValue('https://idp.example.com/revoke');
    expect(field<HTMLTextAreaElement>('scopes')).toHaveValue('openid email offline_access');
    expect(screen.getByTestId('oauth-provider-defaults-applied')).toBeInTheDocument();
    // The name typed before stays.
    expect(field('name')).toHaveValue('Keycloak');

    await fill(u, { client_id: 'mailbox-admin', client_secret: 's3cret' });
    await save(u);
    await waitFor(() =>
      expect(api.createOauthProvider).toHaveBeenCalledWith({
        ...EMPTY,
        ...DISCOVERED,
        name: 'Keycloak',
        kind: 'oidc',
        client_id: 'mailbox-admin',
        client_secret: { action: 'set', value: 's3cret' },
      }),
    );
    expect(await screen.findByTestId('oauth-provider-notice')).toHaveTextContent('OAuth-Anbieter „Keycloak“ angelegt.');
  });

  it('shows a missing discovery URL at its input and a failed discovery in the alert', async () => {
    const u = await openNew();
    await u.selectOptions(field<HTMLSelectElement>('kind'), 'oidc');
    api.oauthProviderDefaults.mockRejectedValueOnce(
      apiError({
        message: 'Bitte die markierten Felder korrigieren: discovery_url (Pflichtfeld: bitte ausfüllen.)',
        field: 'discovery_url',
        fields: [{ field: 'discovery_url', code: 'required', message: 'Pflichtfeld: bitte ausfüllen.' }],
      }),
    );
    await u.click(screen.getByTestId('oauth-provider-defaults'));
    const err = await screen.findByTestId('field-error-discovery_url');
    expect(err).toHaveTextContent('Pflichtfeld');
    expect(field('discovery_url').closest('.control')).toContainElement(err);
    expect(field('discovery_url')).toHaveAttribute('aria-invalid', 'true');

    api.oauthProviderDefaults.mockRejectedValueOnce(
      apiError({
        code: 'oauth',
        message: 'Anbieter nicht erreichbar: Das Discovery-Dokument konnte nicht geladen werden. Die Discovery-URL prüfen.',
      }),
    );
    await u.type(field('discovery_url'), 'https://nowhere.example/');
    expect(screen.queryByTestId('field-error-discovery_url')).toBeNull();
    await u.click(screen.getByTestId('oauth-provider-defaults'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('Das Discovery-Dokument konnte nicht geladen werden');
    expect(field('token_endpoint')).toHaveValue('');
  });

  it('Microsoft 365 needs the tenant before anything is sent', async () => {
    const u = await openNew();
    await fill(u, { name: 'Entra ID', client_id: '11111111-2222-3333-4444-555555555555' });
    await save(u);
    expect(api.createOauthProvider).not.toHaveBeenCalled();
    expect(screen.getByTestId('field-error-tenant_id')).toHaveTextContent('Pflichtfeld');
  });
});

describe('saving', () => {
  it('shows backend field errors next to their inputs, the secret included', async () => {
    api.createOauthProvider.mockRejectedValue(
      fieldErrors(
        'Bitte die markierten Felder korrigieren.',
        ['token_endpoint', 'https_required', 'Nur https:// ist erlaubt.'],
        ['client_secret', 'too_long', 'Zu lang.'],
        ['authorization_endpoint', 'oauth_no_flow', 'Mindestens einen Anmeldeweg angeben.'],
      ),
    );
    const u = await openNew();
    await u.selectOptions(field<HTMLSelectElement>('kind'), 'google');
    await fill(u, {
      name: 'Google',
      client_id: 'abc.apps.googleusercontent.com',
      token_endpoint: 'http://oauth2.example.com/token',
    });
    await save(u);

    const token = await screen.findByTestId('field-error-token_endpoint');
    expect(token).toHaveTextContent('Nur https://');
    expect(field('token_endpoint').closest('.control')).toContainElement(token);
    // The first invalid input in the form's order gets the focus.
    expect(field('client_secret')).toHaveFocus();
    const secret = screen.getByTestId('field-error-client_secret');
    expect(field('client_secret').closest('.control')).toContainElement(secret);
    expect(screen.getByTestId('field-error-authorization_endpoint')).toHaveTextContent('Anmeldeweg');
    expect(api.createOauthProvider).toHaveBeenCalledWith(expect.objectContaining({ kind: 'google', tenant_id: '' }));
  });

  it('a stored provider shows the secret state; remove sends clear with the version', async () => {
    const p = oauthProvider({ id: 8, version: 3, name: 'Entra ID', kind: 'microsoft365', tenant_id: 'contoso.onmicrosoft.com', client_secret: 'stored' });
    api.updateOauthProvider.mockResolvedValue({ item: { ...p, client_secret: 'none' }, warnings: [] });
    const u = await openExisting(p);
    expect(screen.getByTestId('password-state')).toHaveTextContent('im Schlüsselbund gespeichert');
    expect(screen.getByLabelText('Client-Geheimnis')).toBe(field('client_secret'));
    await u.click(screen.getByTestId('password-remove'));
    expect(screen.getByTestId('password-state')).toHaveTextContent('Client-Geheimnis wird beim Speichern');
    await save(u);
    await waitFor(() =>
      expect(api.updateOauthProvider).toHaveBeenCalledWith(
        8,
        3,
        expect.objectContaining({ tenant_id: 'contoso.onmicrosoft.com', client_secret: { action: 'clear' } }),
      ),
    );
  });

  it('a provider in use cannot be deleted: the refusal is shown', async () => {
    const p = oauthProvider({ id: 9, version: 2, name: 'Entra ID' });
    api.deleteOauthProvider.mockRejectedValue(
      apiError({ code: 'in_use', message: 'OAuth-Anbieter „Entra ID“ wird noch verwendet von: Server „Exchange“.' }),
    );
    const u = await openExisting(p);
    await u.click(screen.getByTestId('oauth-provider-delete'));
    expect(screen.getByTestId('delete-confirm')).toHaveTextContent('OAuth-Anbieter „Entra ID“ wirklich löschen?');
    await u.click(screen.getByTestId('oauth-provider-delete-confirm'));
    await waitFor(() => expect(api.deleteOauthProvider).toHaveBeenCalledWith(9, 2));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('wird noch verwendet von: Server „Exchange“');
    expect(screen.getByTestId('oauth-provider-form')).toBeInTheDocument();
  });
});
