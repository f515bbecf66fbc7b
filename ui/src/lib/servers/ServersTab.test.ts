import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ServersTab from './ServersTab.svelte';
import { GMX, api, apiError, certificate, fieldErrors, freshEachTest, oauthProvider, server, serverInput } from '../../test/fixtures';
import type { ServerInput } from '$lib/backend';
import { tabDriver } from '../../test/tabs';

vi.mock('$lib/backend');

const user = () => userEvent.setup();
const tab = tabDriver(ServersTab, 'server');
const { field, queryField, openNew, openNewSaving, openStored: openExisting, fill, save } = tab;

const BASE_INPUT: ServerInput = serverInput({ name: 'Hauptserver' });

freshEachTest();

describe('server list', () => {
  it('shows name, protocol, host and port of every server', async () => {
    api.listServers.mockResolvedValue([
      server({ name: 'Dovecot', host: 'mail.firma.de', port: 993 }),
      server({ name: 'Alt-POP', protocol: 'pop3', host: 'pop.firma.de', port: 110, security: 'starttls' }),
    ]);
    render(ServersTab);
    const items = await screen.findAllByTestId('server-item');
    expect(items).toHaveLength(2);
    expect(within(items[0]).getByTestId('server-item-name')).toHaveTextContent('Dovecot');
    expect(items[0]).toHaveTextContent('IMAP');
    expect(items[0]).toHaveTextContent('mail.firma.de');
    expect(within(items[0]).getByTestId('server-item-port')).toHaveTextContent('993');
    expect(items[1]).toHaveTextContent('POP3');
    expect(within(items[1]).getByTestId('server-item-port')).toHaveTextContent('110');
    expect(api.listServers).toHaveBeenCalledWith('');
  });

  it('searches on every keystroke and never shows an answer a newer keystroke overtook', async () => {
    const u = user();
    render(ServersTab);
    await waitFor(() => expect(api.listServers).toHaveBeenCalledTimes(1));
    let answerSlowly: (v: Awaited<ReturnType<typeof api.listServers>>) => void = () => {};
    api.listServers.mockImplementation((q: string) =>
      q === 'd'
        ? new Promise((done) => (answerSlowly = done))
        : Promise.resolve(q === 'do' ? [server({ name: 'Dovecot Test' })] : []),
    );

    await u.type(screen.getByTestId('server-search'), 'do');

    // No pause in typing needed: each keystroke asks at once.
    expect(api.listServers).toHaveBeenCalledWith('d');
    expect(api.listServers).toHaveBeenLastCalledWith('do');
    expect(await screen.findByTestId('server-item-name')).toHaveTextContent('Dovecot Test');
    // The answer for "d" comes last and is dropped.
    answerSlowly([server({ id: 9, name: 'Stale' })]);
    await new Promise((r) => setTimeout(r, 30));
    expect(screen.getAllByTestId('server-item-name').map((e) => e.textContent)).toEqual(['Dovecot Test']);
  });

  it('says so when a search finds nothing', async () => {
    const u = user();
    render(ServersTab);
    await u.type(screen.getByTestId('server-search'), 'xyz');
    await waitFor(() => expect(api.listServers).toHaveBeenLastCalledWith('xyz'));
    expect(await screen.findByTestId('server-list-empty')).toHaveTextContent('Keine Treffer für „xyz“');
  });
});

describe('port', () => {
  it('port_follows_protocol_and_security_until_edited', async () => {
    const u = await openNew();
    const port = field('port');
    expect(port).toHaveValue('993');
    expect(screen.queryByTestId('port-manual-badge')).not.toBeInTheDocument();

    await u.selectOptions(field('security'), 'starttls');
    expect(port).toHaveValue('143');
    await u.selectOptions(field('protocol'), 'pop3');
    expect(port).toHaveValue('110');
    await u.selectOptions(field('security'), 'tls');
    expect(port).toHaveValue('995');
    await u.selectOptions(field('security'), 'auto');
    expect(port).toHaveValue('995');

    await u.clear(port);
    await u.type(port, '1995');
    expect(screen.getByTestId('port-manual-badge')).toHaveTextContent('manuell');
    await fill(u, { security: 'none', protocol: 'imap' });
    expect(port).toHaveValue('1995');
  });

  it('default_port_button_restores_the_derived_port', async () => {
    const u = await openNew();
    const port = field('port');
    await u.clear(port);
    await u.type(port, '10993');
    expect(screen.getByTestId('port-manual-badge')).toBeInTheDocument();

    await u.click(screen.getByTestId('port-default'));
    expect(port).toHaveValue('993');
    expect(screen.queryByTestId('port-manual-badge')).not.toBeInTheDocument();
    // Derived again: follows security once more.
    await u.selectOptions(field('security'), 'starttls');
    expect(port).toHaveValue('143');
  });

  it('shows a stored manual port as manual', async () => {
    await openExisting(server({ name: 'Manuell', port: 10143, port_manual: true, security: 'starttls' }));
    expect(field('port')).toHaveValue('10143');
    expect(screen.getByTestId('port-manual-badge')).toBeInTheDocument();
  });
});

describe('creating a server', () => {
  it('create_sends_port_null_and_keep_password_when_untouched', async () => {
    const saved = server({ id: 42, name: 'Hauptserver' });
    const u = await openNewSaving(saved);

    await fill(u, { name: 'Hauptserver', host: 'imap.example.com' });
    await save(u);

    await waitFor(() => expect(api.createServer).toHaveBeenCalledTimes(1));
    expect(api.createServer).toHaveBeenCalledWith(BASE_INPUT);
    expect(api.updateServer).not.toHaveBeenCalled();
  });

  it('oauth2_asks_for_the_provider_and_other_methods_send_none', async () => {
    api.listOauthProviders.mockResolvedValue([oauthProvider({ id: 3, name: 'Entra ID', kind: 'microsoft365' })]);
    const u = await openNewSaving(server({ id: 43, name: 'Hauptserver' }));
    expect(queryField('oauth_provider_id')).toBeNull();
    await fill(u, { name: 'Hauptserver', host: 'imap.example.com' });
    await u.selectOptions(field<HTMLSelectElement>('auth_method'), 'oauth2');
    const pick = field<HTMLSelectElement>('oauth_provider_id');
    await waitFor(() => expect(pick.options).toHaveLength(2));
    expect(pick.options[0]).toHaveTextContent('— kein Anbieter —');
    expect(screen.getByLabelText('OAuth-Anbieter')).toBe(pick);
    await u.selectOptions(pick, 'Entra ID (Microsoft 365)');
    await save(u);
    await waitFor(() =>
      expect(api.createServer).toHaveBeenCalledWith({ ...BASE_INPUT, auth_method: 'oauth2', oauth_provider_id: 3 }),
    );

    // Back to a password: the provider is not sent (it would still block deleting it).
    await u.selectOptions(field<HTMLSelectElement>('auth_method'), 'password');
    expect(queryField('oauth_provider_id')).toBeNull();
    await save(u);
    await waitFor(() => expect(api.updateServer).toHaveBeenCalledWith(43, 1, expect.objectContaining({ oauth_provider_id: null })));
  });

  it('client_certificate_comes_from_the_store_and_its_id_is_sent', async () => {
    api.listCertificates.mockResolvedValue([
      certificate({ id: 32, name: 'Client Zentrale', expiry_warning: true, days_left: 12 }),
    ]);
    const u = await openNewSaving(server({ id: 44, name: 'Hauptserver' }));
    await fill(u, { name: 'Hauptserver', host: 'imap.example.com' });
    const pick = field<HTMLSelectElement>('client_certificate_id');
    expect(screen.getByLabelText('TLS-Client-Zertifikat')).toBe(pick);
    await waitFor(() => expect(pick.options).toHaveLength(2));
    expect(pick.options[0]).toHaveTextContent('— kein Zertifikat —');
    expect(screen.queryByTestId('client-cert-expiry')).not.toBeInTheDocument();
    await u.selectOptions(pick, within(pick).getByRole('option', { name: /Client Zentrale/ }));
    expect(screen.getByTestId('client-cert-expiry')).toHaveTextContent('läuft in 12 Tagen ab');
    await save(u);
    await waitFor(() => expect(api.createServer).toHaveBeenCalledWith({ ...BASE_INPUT, client_certificate_id: 32 }));
  });

  it('client_certificate_errors_are_shown_at_the_picker', async () => {
    api.createServer.mockRejectedValue(
      fieldErrors('Bitte die markierten Felder korrigieren: client_certificate_id', [
        'client_certificate_id',
        'certificate_no_key',
        'Dieses Zertifikat hat keinen privaten Schlüssel',
      ]),
    );
    const u = await openNew();
    await fill(u, { name: 'X', host: 'imap.example.com' });
    await save(u);
    const err = await screen.findByTestId('field-error-client_certificate_id');
    expect(err).toHaveTextContent('keinen privaten Schlüssel');
    expect(field('client_certificate_id').closest('.control')).toContainElement(err);
  });

  it('create_sends_manual_port_and_typed_password', async () => {
    const u = await openNewSaving(server({ id: 7 }));

    await fill(u, { name: 'Hauptserver', host: 'imap.example.com', security: 'starttls' });
    await u.clear(field('port'));
    await fill(u, { port: '10143', login_user: 'admin', password: 'geheim' });
    await save(u);

    await waitFor(() => expect(api.createServer).toHaveBeenCalledTimes(1));
    expect(api.createServer).toHaveBeenCalledWith({
      ...BASE_INPUT,
      security: 'starttls',
      port: 10143,
      login_user: 'admin',
      password: { action: 'set', value: 'geheim' },
    });
  });

  it('enter_in_a_field_submits_the_form', async () => {
    const u = await openNewSaving(server({ id: 8 }));
    await fill(u, { name: 'Hauptserver', host: 'imap.example.com{Enter}' });
    await waitFor(() => expect(api.createServer).toHaveBeenCalledWith(BASE_INPUT));
  });

  it('after_save_the_list_refreshes_and_the_server_stays_selected', async () => {
    const saved = server({ id: 42, name: 'Hauptserver' });
    const u = await openNewSaving(saved);
    await waitFor(() => expect(api.listServers).toHaveBeenCalledTimes(1));
    api.listServers.mockResolvedValue([server({ id: 1, name: 'Anderer' }), saved]);

    await fill(u, { name: 'Hauptserver', host: 'imap.example.com' });
    await save(u);

    await waitFor(() => expect(api.listServers).toHaveBeenCalledTimes(2));
    const items = await screen.findAllByTestId('server-item');
    expect(items[1]).toHaveAttribute('aria-current', 'true');
    expect(items[0]).not.toHaveAttribute('aria-current');
    expect(screen.getByRole('heading', { name: 'Hauptserver' })).toBeInTheDocument();
    expect(screen.getByTestId('server-notice')).toHaveTextContent('Server „Hauptserver“ angelegt.');
    // Now an existing server: the type is fixed.
    expect(field('protocol')).toBeDisabled();
  });

  it('shows warnings of a save that succeeded', async () => {
    const keyring = apiError({
      code: 'secrets_unavailable',
      message: 'Das Passwort wurde nicht gespeichert: kein Schlüsselbund erreichbar (dbus).',
    });
    api.createServer.mockResolvedValue({
      item: server({ id: 9, name: 'Hauptserver', password: 'not_stored' }),
      warnings: [keyring],
    });
    const u = await openNew();
    await fill(u, { name: 'Hauptserver', host: 'imap.example.com', password: 'geheim' });
    await save(u);

    const notice = await screen.findByTestId('server-notice');
    expect(notice).toHaveTextContent('Gespeichert, aber:');
    expect(notice).toHaveTextContent('kein Schlüsselbund erreichbar');
    expect(screen.getByTestId('password-state')).toHaveTextContent('nicht gespeichert – bitte erneut eingeben');
  });

  it('client_checks_block_empty_name_and_bad_ranges', async () => {
    const u = await openNew();
    await u.clear(field('timeout_secs'));
    await u.type(field('timeout_secs'), '601');
    await u.clear(field('port'));
    await u.type(field('port'), '70000');
    await save(u);

    expect(api.createServer).not.toHaveBeenCalled();
    expect(screen.getByTestId('form-error')).toHaveTextContent('Bitte die markierten Felder korrigieren.');
    expect(screen.getByTestId('field-error-name')).toHaveTextContent('Pflichtfeld');
    expect(screen.getByTestId('field-error-host')).toHaveTextContent('Pflichtfeld');
    expect(screen.getByTestId('field-error-port')).toHaveTextContent('zwischen 1 und 65535');
    expect(screen.getByTestId('field-error-timeout_secs')).toHaveTextContent('zwischen 1 und 600');
    expect(field('name')).toHaveFocus();
  });
});

describe('backend errors', () => {
  it('backend_field_errors_are_shown_next_to_their_inputs', async () => {
    api.createServer.mockRejectedValue(
      fieldErrors(
        'Bitte die markierten Felder korrigieren: host (Kein gültiger Servername)',
        ['host', 'host_invalid', 'Kein gültiger Servername und keine IP-Adresse: leer'],
        ['tls_pin_sha256', 'fingerprint_invalid', 'Ein SHA-256-Fingerabdruck besteht aus 64 Hexadezimalziffern'],
      ),
    );
    const u = await openNew();
    await fill(u, { name: 'Hauptserver', host: 'bad host!', tls_pin_sha256: 'zz' });
    await save(u);

    const alert = await screen.findByTestId('form-error');
    expect(alert).toHaveAttribute('role', 'alert');
    // The banner in German, without the internal field names of the core's message.
    expect(alert).toHaveTextContent('Bitte die markierten Felder korrigieren');
    expect(alert).not.toHaveTextContent('host (');

    const hostError = screen.getByTestId('field-error-host');
    expect(hostError).toHaveTextContent('Kein gültiger Servername und keine IP-Adresse: leer');
    expect(field('host')).toHaveAttribute('aria-invalid', 'true');
    expect(field('host').getAttribute('aria-describedby')).toContain(hostError.id);
    expect(field('host').closest('.control')).toContainElement(hostError);

    const pinError = screen.getByTestId('field-error-tls_pin_sha256');
    expect(pinError).toHaveTextContent('64 Hexadezimalziffern');
    expect(field('tls_pin_sha256').closest('.control')).toContainElement(pinError);

    expect(field('name')).toHaveAttribute('aria-invalid', 'false');
    expect(screen.queryByTestId('field-error-name')).not.toBeInTheDocument();
    await waitFor(() => expect(field('host')).toHaveFocus());
  });

  it('lists errors of fields the form does not show in the alert', async () => {
    api.createServer.mockRejectedValue(
      apiError({
        message: 'Bitte die markierten Felder korrigieren.',
        fields: [{ field: 'folder_trash', code: 'imap_only', message: 'Sonderordner gibt es nur bei IMAP-Servern.' }],
      }),
    );
    const u = await openNew();
    await fill(u, { name: 'P', host: 'pop.example.com', protocol: 'pop3' });
    await save(u);
    expect(await screen.findByTestId('form-error')).toHaveTextContent(
      'Papierkorb: Sonderordner gibt es nur bei IMAP-Servern.',
    );
  });

  it('conflict_offers_reload_which_fetches_the_server_again', async () => {
    const s = server({ id: 5, version: 3, name: 'Hauptserver' });
    const u = await openExisting(s);
    api.updateServer.mockRejectedValue(
      apiError({ code: 'conflict', message: 'Posteingangsserver „Hauptserver“ wurde inzwischen an anderer Stelle geändert.' }),
    );
    await u.clear(field('host'));
    await u.type(field('host'), 'neu.example.com');
    await save(u);

    expect(await screen.findByTestId('form-error')).toHaveTextContent('an anderer Stelle geändert');
    expect(api.updateServer).toHaveBeenCalledWith(5, 3, expect.objectContaining({ host: 'neu.example.com' }));

    api.getServer.mockResolvedValue({ ...s, version: 4, host: 'fremd.example.com' });
    await u.click(screen.getByTestId('form-reload'));
    await waitFor(() => expect(field('host')).toHaveValue('fremd.example.com'));
    expect(api.getServer).toHaveBeenLastCalledWith(5);
    expect(screen.queryByTestId('form-error')).not.toBeInTheDocument();

    // The next save is based on the reloaded version.
    api.updateServer.mockResolvedValue({ item: { ...s, version: 5 }, warnings: [] });
    await save(u);
    await waitFor(() => expect(api.updateServer).toHaveBeenLastCalledWith(5, 4, expect.anything()));
  });
});

describe('editing an existing server', () => {
  it('protocol_select_is_disabled_for_an_existing_server', async () => {
    await openExisting(server({ name: 'Fest', protocol: 'imap_download' }));
    expect(field('protocol')).toBeDisabled();
    expect(field<HTMLSelectElement>('protocol').value).toBe('imap_download');
    expect(screen.getByTestId('protocol-hint')).toHaveTextContent(
      'Der Typ ist nach dem Anlegen fest. Für ein anderes Protokoll einen neuen Server anlegen.',
    );
  });

  it('protocol is selectable for a new server', async () => {
    await openNew();
    expect(field('protocol')).toBeEnabled();
  });

  it('update_keeps_password_and_derived_port', async () => {
    const s = server({ id: 3, version: 7, name: 'Alt', password: 'stored', login_user: 'u1' });
    api.updateServer.mockResolvedValue({ item: { ...s, version: 8, name: 'Neu' }, warnings: [] });
    const u = await openExisting(s);
    expect(screen.getByTestId('password-state')).toHaveTextContent('im Schlüsselbund gespeichert');

    await u.clear(field('name'));
    await u.type(field('name'), 'Neu');
    await save(u);

    await waitFor(() => expect(api.updateServer).toHaveBeenCalledTimes(1));
    expect(api.updateServer).toHaveBeenCalledWith(3, 7, {
      ...BASE_INPUT,
      name: 'Neu',
      login_user: 'u1',
      port: null,
      password: { action: 'keep' },
    });
  });

  it('remove_password_sends_clear', async () => {
    const s = server({ id: 3, password: 'stored' });
    api.updateServer.mockResolvedValue({ item: { ...s, password: 'none' }, warnings: [] });
    const u = await openExisting(s);
    await u.click(screen.getByTestId('password-remove'));
    expect(screen.getByTestId('password-state')).toHaveTextContent('wird beim Speichern');
    await save(u);
    await waitFor(() =>
      expect(api.updateServer).toHaveBeenCalledWith(3, 1, expect.objectContaining({ password: { action: 'clear' } })),
    );
  });

  it('shows a password that could not be stored as a warning', async () => {
    await openExisting(server({ password: 'not_stored' }));
    const state = screen.getByTestId('password-state');
    expect(state).toHaveTextContent('nicht gespeichert – bitte erneut eingeben');
    expect(state).toHaveClass('not_stored');
  });

  it('escape_asks_before_discarding_edits', async () => {
    const u = await openExisting(server({ name: 'Orig', host: 'orig.example.com' }));
    await u.clear(field('host'));
    await u.type(field('host'), 'anders.example.com');
    // Escape never discards silently: it asks, as leaving the form does.
    await u.keyboard('{Escape}');
    expect(screen.getByTestId('discard-confirm')).toHaveTextContent('Es gibt ungespeicherte Änderungen.');
    expect(field('host')).toHaveValue('anders.example.com');
    expect(screen.getByTestId('server-keep-editing')).toHaveFocus();
    // A second Escape keeps editing; asking again and "Verwerfen" reverts.
    await u.keyboard('{Escape}');
    expect(screen.queryByTestId('discard-confirm')).not.toBeInTheDocument();
    expect(field('host')).toHaveValue('anders.example.com');
    field('host').focus();
    await u.keyboard('{Escape}');
    await u.click(screen.getByTestId('server-discard'));
    expect(field('host')).toHaveValue('orig.example.com');
    expect(api.updateServer).not.toHaveBeenCalled();
  });

  it('escape_without_edits_cancels_at_once', async () => {
    const u = await openExisting(server({ name: 'Orig', host: 'orig.example.com' }));
    field('host').focus();
    await u.keyboard('{Escape}');
    expect(screen.queryByTestId('discard-confirm')).not.toBeInTheDocument();
  });

  it('delete_asks_inside_the_page_then_deletes_with_version', async () => {
    const s = server({ id: 11, version: 2, name: 'Weg' });
    api.deleteServer.mockResolvedValue({ id: 11, warnings: [] });
    const confirmSpy = vi.spyOn(window, 'confirm');
    const u = await openExisting(s);
    api.listServers.mockResolvedValue([]);

    await u.click(screen.getByTestId('server-delete'));
    expect(api.deleteServer).not.toHaveBeenCalled();
    expect(screen.getByTestId('delete-confirm')).toHaveTextContent('Server „Weg“ wirklich löschen?');

    await u.click(screen.getByTestId('server-delete-confirm'));
    await waitFor(() => expect(api.deleteServer).toHaveBeenCalledWith(11, 2));
    expect(confirmSpy).not.toHaveBeenCalled();
    expect(await screen.findByTestId('server-notice')).toHaveTextContent('Server „Weg“ gelöscht.');
    expect(screen.queryByTestId('server-form')).not.toBeInTheDocument();
  });

  it('asks before discarding unsaved edits when another server is picked', async () => {
    const a = server({ id: 21, name: 'A' });
    const b = server({ id: 22, name: 'B' });
    api.listServers.mockResolvedValue([a, b]);
    api.getServer.mockImplementation(async (id) => (id === 21 ? a : b));
    const u = user();
    render(ServersTab);
    const items = await screen.findAllByTestId('server-item');
    await u.click(items[0]);
    await screen.findByRole('heading', { name: 'A' });
    await u.type(field('host'), '.x');

    await u.click(items[1]);
    expect(screen.getByTestId('unsaved-guard')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'A' })).toBeInTheDocument();

    await u.click(within(screen.getByTestId('unsaved-guard')).getByRole('button', { name: 'Verwerfen' }));
    expect(await screen.findByRole('heading', { name: 'B' })).toBeInTheDocument();
  });
});

describe('TLS', () => {
  it('turning_off_tls_verify_requires_confirmation', async () => {
    const u = await openNewSaving(server({ id: 30, tls_verify: false }));
    await fill(u, { name: 'Selbstsigniert', host: 'intern.example.com' });
    expect(screen.queryByTestId('tls-off-warning')).not.toBeInTheDocument();
    expect(queryField('tls_insecure_confirmed')).toBeNull();

    await u.click(field('tls_verify'));
    expect(screen.getByTestId('tls-off-warning')).toHaveTextContent('Fingerabdruck');
    const confirm = field('tls_insecure_confirmed');
    expect(confirm).not.toBeChecked();

    await save(u);
    expect(api.createServer).not.toHaveBeenCalled();
    expect(screen.getByTestId('field-error-tls_verify')).toHaveTextContent('ausdrücklich bestätigt');
    expect(confirm).toHaveAttribute('aria-invalid', 'true');
    expect(confirm).toHaveFocus();

    await u.click(confirm);
    await save(u);
    await waitFor(() => expect(api.createServer).toHaveBeenCalledTimes(1));
    expect(api.createServer).toHaveBeenCalledWith(
      expect.objectContaining({ tls_verify: false, tls_insecure_confirmed: true }),
    );
    // The warning stays while verification is off.
    expect(screen.getByTestId('tls-off-warning')).toBeInTheDocument();
  });

  it('turning verification back on withdraws the confirmation', async () => {
    const u = await openNew();
    await u.click(field('tls_verify'));
    await u.click(field('tls_insecure_confirmed'));
    await u.click(field('tls_verify'));
    await u.click(field('tls_verify'));
    expect(field('tls_insecure_confirmed')).not.toBeChecked();
  });
});

describe('fields that depend on protocol, security and auth', () => {
  it('folders only for IMAP kinds, POP3 options only for POP3 kinds', async () => {
    const u = await openNew();
    expect(queryField('folder_trash')).not.toBeNull();
    expect(queryField('pop3_delete_after_fetch')).toBeNull();

    await u.selectOptions(field('protocol'), 'pop3');
    expect(queryField('folder_trash')).toBeNull();
    expect(queryField('pop3_delete_after_fetch')).not.toBeNull();
    expect(queryField('pop3_delete_after_days')).not.toBeNull();

    await u.selectOptions(field('protocol'), 'imap_download');
    expect(queryField('folder_sent')).not.toBeNull();
    expect(queryField('pop3_delete_after_days')).not.toBeNull();
  });

  it('sends folders empty for POP3 even if typed before switching', async () => {
    const u = await openNewSaving(server({ id: 31 }));
    await fill(u, { name: 'P', host: 'pop.example.com', folder_trash: 'Trash', protocol: 'pop3' });
    await u.click(field('pop3_delete_after_fetch'));
    await u.type(field('pop3_delete_after_days'), '14');
    await save(u);
    await waitFor(() => expect(api.createServer).toHaveBeenCalledTimes(1));
    expect(api.createServer).toHaveBeenCalledWith(
      expect.objectContaining({
        protocol: 'pop3',
        folder_trash: '',
        pop3_delete_after_fetch: true,
        pop3_delete_after_days: 14,
      }),
    );
  });

  it('NTLM domain only for Windows authentication', async () => {
    const u = await openNew();
    expect(queryField('ntlm_domain')).toBeNull();
    await u.selectOptions(field('auth_method'), 'ntlm');
    expect(field('ntlm_domain')).toBeVisible();
  });

  it('security none asks to allow an unencrypted password, with a warning', async () => {
    const u = await openNew();
    expect(queryField('allow_plaintext')).toBeNull();
    await u.selectOptions(field('security'), 'none');
    expect(field('allow_plaintext')).not.toBeChecked();
    expect(screen.getByTestId('plaintext-warning')).toBeInTheDocument();
    expect(screen.getByLabelText('Passwort unverschlüsselt senden erlauben')).toBe(field('allow_plaintext'));
  });

  it('every input has a real label', async () => {
    await openNew();
    const form = screen.getByTestId('server-form');
    for (const el of form.querySelectorAll<HTMLInputElement>('input[name], select[name]')) {
      expect(el.labels?.length, el.name).toBeGreaterThan(0);
    }
    expect(screen.getByLabelText('Bezeichnung')).toBe(field('name'));
    expect(screen.getByLabelText('Verschlüsselung')).toBe(field('security'));
    expect(screen.getByLabelText('Timeout (Sekunden)')).toBe(field('timeout_secs'));
  });
});

describe('templates and presets', () => {
  it('a provider preset fills the IMAP server, or its POP3 server when POP3 is chosen', async () => {
    const u = await openNew();
    // The presets are asked for after the list's first paint: wait until they are offered.
    await waitFor(() =>
      expect(within(screen.getByTestId('template-select')).getByRole('option', { name: GMX.name })).toBeInTheDocument(),
    );
    await u.selectOptions(screen.getByTestId('template-select'), GMX.name);
    expect(screen.getByTestId('preset-hint')).toHaveTextContent(GMX.hint_de);
    expect(field('name')).toHaveValue('GMX IMAP');
    expect(field('host')).toHaveValue('imap.gmx.net');
    expect(field('port')).toHaveValue('993');

    await u.selectOptions(field('protocol'), 'pop3');
    await u.selectOptions(screen.getByTestId('template-select'), '');
    await u.selectOptions(screen.getByTestId('template-select'), GMX.name);
    expect(field('host')).toHaveValue('pop.gmx.net');
    expect(field('port')).toHaveValue('995');
    // The name typed (or filled) before is kept.
    expect(field('name')).toHaveValue('GMX IMAP');
  });

  it('a saved template fills everything but the name, and never a password', async () => {
    api.listTemplates.mockResolvedValue([
      {
        id: 4, version: 1, name: 'Firmen-IMAP', kind: 'incoming', created_at: '', updated_at: '',
        data: { ...serverInput({ name: 'Vorlage', host: 'imap.firma.de', port: 1993, login_user: 'postfach' }), folder_trash: 'Papierkorb' },
      },
      { id: 5, version: 1, name: 'Ein Konto', kind: 'account', data: {}, created_at: '', updated_at: '' },
    ]);
    const u = await openNew();
    await fill(u, { name: 'Neuer Server' });
    const select = screen.getByTestId('template-select');
    // Only incoming-server templates are offered here.
    await waitFor(() => expect(within(select).getByRole('option', { name: 'Firmen-IMAP' })).toBeInTheDocument());
    expect(within(select).queryByRole('option', { name: 'Ein Konto' })).toBeNull();
    await u.selectOptions(select, 'Firmen-IMAP');
    expect(field('name')).toHaveValue('Neuer Server');
    expect(field('host')).toHaveValue('imap.firma.de');
    expect(field('port')).toHaveValue('1993');
    expect(field('login_user')).toHaveValue('postfach');
    expect(field('folder_trash')).toHaveValue('Papierkorb');
  });

  it('save as template stores the current input of kind incoming without a password', async () => {
    api.createTemplate.mockResolvedValue({
      id: 1, version: 1, name: 'IMAP Standard', kind: 'incoming', data: {}, created_at: '', updated_at: '',
    });
    const u = await openNew();
    await fill(u, { host: 'imap.example.com', password: 'geheim' });
    await u.click(screen.getByTestId('template-save-open'));
    await u.type(screen.getByTestId('template-name'), 'IMAP Standard{Enter}');
    await waitFor(() => expect(api.createTemplate).toHaveBeenCalledTimes(1));
    const arg = api.createTemplate.mock.calls[0][0];
    expect(arg).toMatchObject({ name: 'IMAP Standard', kind: 'incoming' });
    expect(arg.data).toMatchObject({ host: 'imap.example.com', password: { action: 'keep' } });
    expect(JSON.stringify(arg)).not.toContain('geheim');
    expect(api.createServer).not.toHaveBeenCalled();
  });
});
