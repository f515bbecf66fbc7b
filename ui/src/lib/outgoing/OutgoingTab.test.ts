import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import OutgoingTab from './OutgoingTab.svelte';
import {
  api,
  apiError,
  certificate,
  fieldErrors,
  freshEachTest,
  GMX,
  oauthProvider,
  outgoing,
  outgoingInput,
} from '../../test/fixtures';
import type { OutgoingInput } from '$lib/backend';
import { tabDriver } from '../../test/tabs';

vi.mock('$lib/backend');

const user = () => userEvent.setup();
const tab = tabDriver(OutgoingTab, 'outgoing');
const { field, queryField, openNew, openNewSaving, openStored: openExisting, fill, save } = tab;

const BASE: OutgoingInput = outgoingInput({ name: 'Versand Zentrale' });

freshEachTest();

describe('outgoing list', () => {
  it('marks the installation default and disabled servers', async () => {
    api.listOutgoing.mockResolvedValue([
      outgoing({ name: 'Zentrale', is_default: true }),
      outgoing({ name: 'Alt', enabled: false }),
    ]);
    render(OutgoingTab);
    const items = await screen.findAllByTestId('outgoing-item');
    expect(within(items[0]).getByTestId('outgoing-default-badge')).toHaveTextContent('Standard');
    expect(within(items[0]).queryByTestId('outgoing-disabled-flag')).not.toBeInTheDocument();
    expect(within(items[1]).queryByTestId('outgoing-default-badge')).not.toBeInTheDocument();
    expect(within(items[1]).getByTestId('outgoing-disabled-flag')).toHaveTextContent('deaktiviert');
  });

  it('searches with the typed query', async () => {
    const u = user();
    render(OutgoingTab);
    await waitFor(() => expect(api.listOutgoing).toHaveBeenCalledWith(''));
    await u.type(screen.getByTestId('outgoing-search'), 'zentr');
    await waitFor(() => expect(api.listOutgoing).toHaveBeenLastCalledWith('zentr'));
  });
});

describe('creating an outgoing server', () => {
  it('sends the input with a derived port and the password untouched', async () => {
    const u = await openNewSaving(outgoing({ id: 5, name: 'Versand Zentrale' }));
    await fill(u, { name: 'Versand Zentrale', host: 'smtp.example.com' });
    await save(u);
    await waitFor(() => expect(api.createOutgoing).toHaveBeenCalledWith(BASE));
    expect(await screen.findByTestId('outgoing-notice')).toHaveTextContent('Postausgangsserver „Versand Zentrale“ angelegt.');
  });

  it('OAuth2 offers the OAuth providers; a stored choice is shown and sent back', async () => {
    const s = outgoing({ id: 6, version: 2, name: 'Exchange', auth_method: 'oauth2', oauth_provider_id: 4 });
    api.listOauthProviders.mockResolvedValue([
      oauthProvider({ id: 3, name: 'Google Workspace', kind: 'google' }),
      oauthProvider({ id: 4, name: 'Entra ID', kind: 'microsoft365' }),
    ]);
    api.updateOutgoing.mockResolvedValue({ item: s, warnings: [] });
    const u = await openExisting(s);
    const pick = field<HTMLSelectElement>('oauth_provider_id');
    await waitFor(() => expect(pick.options).toHaveLength(3));
    expect(pick.selectedOptions[0]).toHaveTextContent('Entra ID (Microsoft 365)');
    await save(u);
    await waitFor(() => expect(api.updateOutgoing).toHaveBeenCalledWith(6, 2, expect.objectContaining({ oauth_provider_id: 4 })));
    await u.selectOptions(field<HTMLSelectElement>('auth_method'), 'password');
    expect(queryField('oauth_provider_id')).toBeNull();
  });

  it('sends sender, BCC, default flag, NTLM domain and the typed password', async () => {
    const u = await openNewSaving(outgoing({ id: 6 }));
    await fill(u, {
      name: 'Versand Zentrale',
      host: 'smtp.example.com',
      auth_method: 'ntlm',
      ntlm_domain: 'FIRMA',
      username: 'versand',
      password: 'geheim',
      sender_address: 'info@müller-bau.de',
    });
    await u.click(field('bcc_to_sender'));
    await u.click(field('is_default'));
    await save(u);
    await waitFor(() =>
      expect(api.createOutgoing).toHaveBeenCalledWith({
        ...BASE,
        auth_method: 'ntlm',
        ntlm_domain: 'FIRMA',
        username: 'versand',
        password: { action: 'set', value: 'geheim' },
        sender_address: 'info@müller-bau.de',
        bcc_to_sender: true,
        is_default: true,
      }),
    );
  });

  it('auth "none" hides user name and password and sends none of them', async () => {
    const u = await openNewSaving(outgoing({ id: 7 }));
    await fill(u, { name: 'Relay', host: 'relay.intern', username: 'x', auth_method: 'none' });
    expect(queryField('username')).toBeNull();
    expect(queryField('password')).toBeNull();
    expect(queryField('ntlm_domain')).toBeNull();
    await save(u);
    await waitFor(() =>
      expect(api.createOutgoing).toHaveBeenCalledWith(expect.objectContaining({ auth_method: 'none', username: '' })),
    );
  });
});

describe('port rule', () => {
  it('follows security (587 / 465 / 25) until typed; Standard-Port restores it', async () => {
    const u = await openNew();
    const port = field('port');
    expect(port).toHaveValue('587');
    await u.selectOptions(field('security'), 'tls');
    expect(port).toHaveValue('465');
    await u.selectOptions(field('security'), 'none');
    expect(port).toHaveValue('25');
    await u.selectOptions(field('security'), 'auto');
    expect(port).toHaveValue('465');
    await u.selectOptions(field('security'), 'starttls');
    expect(port).toHaveValue('587');

    await u.clear(port);
    await u.type(port, '2525');
    expect(screen.getByTestId('port-manual-badge')).toHaveTextContent('manuell');
    await u.selectOptions(field('security'), 'tls');
    expect(port).toHaveValue('2525');

    await u.click(screen.getByTestId('port-default'));
    expect(port).toHaveValue('465');
    expect(screen.queryByTestId('port-manual-badge')).not.toBeInTheDocument();
  });

  it('host:port typed into the host moves the port into the port field', async () => {
    const u = await openNewSaving(outgoing({ id: 8 }));
    await fill(u, { name: 'Versand Zentrale', host: 'smtp.example.com:2525' });
    await u.tab();
    expect(field('host')).toHaveValue('smtp.example.com');
    expect(field('port')).toHaveValue('2525');
    expect(screen.getByTestId('port-manual-badge')).toBeInTheDocument();
    await save(u);
    await waitFor(() => expect(api.createOutgoing).toHaveBeenCalledWith({ ...BASE, port: 2525 }));
  });

  it('a manual port out of range is refused before sending', async () => {
    const u = await openNew();
    await fill(u, { name: 'X', host: 'smtp.example.com' });
    await u.clear(field('port'));
    await u.type(field('port'), '70000');
    await save(u);
    expect(screen.getByTestId('field-error-port')).toHaveTextContent('zwischen 1 und 65535');
    expect(api.createOutgoing).not.toHaveBeenCalled();
  });
});

describe('Microsoft 365', () => {
  it('choosing it fills host, STARTTLS, port 587 and OAuth2 and offers SMTP or Graph', async () => {
    const u = await openNewSaving(outgoing({ id: 9, kind: 'microsoft365' }));
    await fill(u, { name: 'M365', security: 'tls' });
    expect(queryField('m365_send_via')).toBeNull();

    await u.selectOptions(field('kind'), 'microsoft365');
    expect(field('host')).toHaveValue('smtp.office365.com');
    expect(field<HTMLSelectElement>('security').value).toBe('starttls');
    expect(field('port')).toHaveValue('587');
    expect(field<HTMLSelectElement>('auth_method').value).toBe('oauth2');
    expect(queryField('password')).toBeNull();
    const via = field<HTMLSelectElement>('m365_send_via');
    expect(via.closest('.control')).toHaveTextContent('EWS');
    // Only OAuth2 can be chosen.
    const pw = within(field<HTMLSelectElement>('auth_method')).getByRole('option', { name: 'Passwort' });
    expect(pw).toBeDisabled();

    await u.selectOptions(via, 'graph');
    await save(u);
    await waitFor(() =>
      expect(api.createOutgoing).toHaveBeenCalledWith({
        ...BASE,
        name: 'M365',
        kind: 'microsoft365',
        m365_send_via: 'graph',
        host: 'smtp.office365.com',
        security: 'starttls',
        auth_method: 'oauth2',
      }),
    );
  });
});

describe('enabled', () => {
  it('a disabled server may be saved without a host, and the form says so', async () => {
    const u = await openNewSaving(outgoing({ id: 10, enabled: false, host: '' }));
    await u.type(field('name'), 'Später');
    await save(u);
    expect(screen.getByTestId('field-error-host')).toHaveTextContent('Pflichtfeld');
    expect(api.createOutgoing).not.toHaveBeenCalled();

    await u.click(field('enabled'));
    expect(field('enabled').closest('.control')).toHaveTextContent('unvollständig gespeichert');
    await save(u);
    await waitFor(() =>
      expect(api.createOutgoing).toHaveBeenCalledWith({ ...BASE, name: 'Später', host: '', enabled: false }),
    );
  });
});

describe('certificates', () => {
  it('S/MIME needs a certificate from the store; the chosen ids are sent', async () => {
    api.listCertificates.mockResolvedValue([
      certificate({ id: 31, name: 'Signatur Vertrieb' }),
      certificate({ id: 32, name: 'Client Zentrale', expiry_warning: true, days_left: 12 }),
    ]);
    const u = await openNewSaving(outgoing({ id: 11 }));
    await fill(u, { name: 'Versand Zentrale', host: 'smtp.example.com' });
    await u.click(field('smime_sign'));
    await save(u);
    expect(screen.getByTestId('field-error-smime_certificate_id')).toHaveTextContent('Zertifikat wählen');
    expect(api.createOutgoing).not.toHaveBeenCalled();

    await waitFor(() => expect(within(field('smime_certificate_id')).getAllByRole('option')).toHaveLength(3));
    await u.selectOptions(field('smime_certificate_id'), 'Signatur Vertrieb – gültig bis 01.01.2027');
    await u.selectOptions(field('client_certificate_id'), within(field('client_certificate_id')).getByRole('option', { name: /Client Zentrale/ }));
    expect(screen.getByTestId('client-cert-expiry')).toHaveTextContent('läuft in 12 Tagen ab');
    await save(u);
    await waitFor(() =>
      expect(api.createOutgoing).toHaveBeenCalledWith({
        ...BASE,
        smime_sign: true,
        smime_certificate_id: 31,
        client_certificate_id: 32,
      }),
    );
  });
});

describe('backend errors', () => {
  it('are shown next to their inputs', async () => {
    api.createOutgoing.mockRejectedValue(
      fieldErrors(
        'Bitte die markierten Felder korrigieren: sender_address, client_certificate_id',
        ['sender_address', 'email_invalid', 'Keine gültige E-Mail-Adresse: kein @'],
        ['client_certificate_id', 'certificate_no_key', 'Dieses Zertifikat hat keinen privaten Schlüssel'],
      ),
    );
    const u = await openNew();
    await fill(u, { name: 'X', host: 'smtp.example.com', sender_address: 'kaputt' });
    await save(u);

    expect(await screen.findByTestId('form-error')).toHaveTextContent('Bitte die markierten Felder korrigieren');
    const err = screen.getByTestId('field-error-sender_address');
    expect(err).toHaveTextContent('kein @');
    expect(field('sender_address').closest('.control')).toContainElement(err);
    expect(field('sender_address')).toHaveAttribute('aria-invalid', 'true');
    expect(field('client_certificate_id').closest('.control')).toContainElement(
      screen.getByTestId('field-error-client_certificate_id'),
    );
    await waitFor(() => expect(field('sender_address')).toHaveFocus());
  });

  it('a conflict offers reload, and the next save uses the new version', async () => {
    const s = outgoing({ id: 40, version: 2, name: 'Versand' });
    const u = await openExisting(s);
    api.updateOutgoing.mockRejectedValueOnce(apiError({ code: 'conflict', message: 'wurde inzwischen an anderer Stelle geändert' }));
    await save(u);
    expect(await screen.findByTestId('form-error')).toHaveTextContent('an anderer Stelle geändert');
    api.getOutgoing.mockResolvedValue({ ...s, version: 3 });
    await u.click(screen.getByTestId('form-reload'));
    await waitFor(() => expect(api.getOutgoing).toHaveBeenCalledTimes(2));
    api.updateOutgoing.mockResolvedValue({ item: { ...s, version: 4 }, warnings: [] });
    await save(u);
    await waitFor(() => expect(api.updateOutgoing).toHaveBeenLastCalledWith(40, 3, expect.anything()));
  });

  it('a server in use cannot be deleted: the refusal is shown', async () => {
    const s = outgoing({ id: 41, name: 'Versand' });
    api.deleteOutgoing.mockRejectedValue(
      apiError({ code: 'in_use', message: 'Postausgangsserver „Versand“ wird noch verwendet von: Betrieb „Müller Bau GmbH“.' }),
    );
    const u = await openExisting(s);
    await u.click(screen.getByTestId('outgoing-delete'));
    await u.click(screen.getByTestId('outgoing-delete-confirm'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('Müller Bau GmbH');
    expect(api.deleteOutgoing).toHaveBeenCalledWith(41, 1);
  });
});

describe('editing', () => {
  it('a stored M365 server keeps its values and the password state is shown', async () => {
    const s = outgoing({ id: 50, name: 'Versand', password: 'stored', port: 2525, port_manual: true });
    api.updateOutgoing.mockResolvedValue({ item: s, warnings: [] });
    const u = await openExisting(s);
    expect(field('port')).toHaveValue('2525');
    expect(screen.getByTestId('password-state')).toHaveTextContent('im Schlüsselbund gespeichert');
    await save(u);
    await waitFor(() =>
      expect(api.updateOutgoing).toHaveBeenCalledWith(50, 1, { ...BASE, name: 'Versand', port: 2525 }),
    );
  });
});

describe('templates and presets', () => {
  it('a provider preset fills host, security and port; the hint is shown', async () => {
    const u = await openNew();
    await waitFor(() => expect(api.listPresets).toHaveBeenCalled());
    await u.selectOptions(screen.getByTestId('template-select'), GMX.name);
    expect(screen.getByTestId('preset-hint')).toHaveTextContent(GMX.hint_de);
    expect(field('name')).toHaveValue('GMX SMTP');
    expect(field('host')).toHaveValue('mail.gmx.net');
    expect(field('port')).toHaveValue('587');
  });

  it('save as template stores the current input without a password', async () => {
    api.createTemplate.mockResolvedValue({
      id: 1, version: 1, name: 'SMTP Standard', kind: 'outgoing', data: {}, created_at: '', updated_at: '',
    });
    const u = await openNew();
    await fill(u, { host: 'smtp.example.com', password: 'geheim' });
    await u.click(screen.getByTestId('template-save-open'));
    await u.type(screen.getByTestId('template-name'), 'SMTP Standard{Enter}');
    await waitFor(() => expect(api.createTemplate).toHaveBeenCalledTimes(1));
    const arg = api.createTemplate.mock.calls[0][0];
    expect(arg).toMatchObject({ name: 'SMTP Standard', kind: 'outgoing' });
    expect(arg.data).toMatchObject({ host: 'smtp.example.com', password: { action: 'keep' } });
    expect(JSON.stringify(arg)).not.toContain('geheim');
    // Enter in the template name did not save the server.
    expect(api.createOutgoing).not.toHaveBeenCalled();
  });
});
