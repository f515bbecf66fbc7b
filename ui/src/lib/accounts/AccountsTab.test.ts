import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import AccountsTab from './AccountsTab.svelte';
import { changeLang } from '$lib/i18n.svelte';
import {
  account,
  accountInput,
  api,
  apiError,
  company,
  fieldErrors,
  freshEachTest,
  GMX,
  group,
  outgoing,
  server,
  user,
} from '../../test/fixtures';
import type { Account, AccountInput, EffectiveOutgoing } from '$lib/backend';
import { tabDriver } from '../../test/tabs';

vi.mock('$lib/backend');

const u = () => userEvent.setup();
const { field, openNew, openNewSaving, openStored: openExisting, fill, save } = tabDriver(AccountsTab, 'account', {
  loaded: () => waitFor(() => expect(api.listUsers).toHaveBeenCalled()),
  // The pickers are filled.
  filled: async () => void (await screen.findByTestId('account-user-anna')),
});

const radio = (value: string) =>
  screen.getByTestId('account-form').querySelector<HTMLInputElement>(`input[name="owner_kind"][value="${value}"]`)!;

const ANNA = user({ id: 1, login: 'anna', display_name: 'Anna Schmidt' });
const BERND = user({ id: 2, login: 'bernd' });
const CLARA = user({ id: 3, login: 'clara' });
const VERTRIEB = group({ id: 10, name: 'Vertrieb', member_ids: [1, 2, 3] });
const EINKAUF = group({ id: 11, name: 'Einkauf', member_ids: [] });
const ZENTRALE = outgoing({ id: 20, name: 'Versand Zentrale', host: 'smtp.mueller.de' });
const MUELLER = company({ id: 30, name: 'Müller Bau GmbH', default_outgoing_server_id: 20 });
const IMAP = server({ id: 40, name: 'Dovecot', host: 'imap.mueller.de' });

const BASE: AccountInput = accountInput({ name: 'Vertrieb Postfach', email: 'vertrieb@example.com' });

function withRefs() {
  api.listUsers.mockResolvedValue([ANNA, BERND, CLARA]);
  api.listGroups.mockResolvedValue([VERTRIEB, EINKAUF]);
  api.listCompanies.mockResolvedValue([MUELLER]);
  api.listOutgoing.mockResolvedValue([ZENTRALE]);
  api.listServers.mockResolvedValue([IMAP]);
}

freshEachTest(() => {
  withRefs();
});

describe('account list', () => {
  it('groups personal and shared mailboxes and filters them', async () => {
    api.listAccounts.mockResolvedValue([
      account({ name: 'Anna privat', owner: { kind: 'user', id: 1 } }),
      account({ name: 'Vertrieb Postfach', owner: { kind: 'group', id: 10 } }),
    ]);
    const user = u();
    render(AccountsTab);
    const personal = await screen.findByRole('heading', { name: /Persönliche Postfächer/ });
    const shared = screen.getByRole('heading', { name: /Gemeinsame Postfächer/ });
    expect(personal.nextElementSibling).toHaveTextContent('Anna privat');
    expect(shared.nextElementSibling).toHaveTextContent('Vertrieb Postfach');
    await waitFor(() => expect(shared.nextElementSibling).toHaveTextContent('Vertrieb'));

    await user.click(screen.getByTestId('account-filter-group'));
    const items = screen.getAllByTestId('account-item');
    expect(items).toHaveLength(1);
    expect(items[0]).toHaveTextContent('Vertrieb Postfach');
    expect(screen.queryByRole('heading', { name: /Persönliche Postfächer/ })).not.toBeInTheDocument();
  });
});

describe('creating an account', () => {
  it('a personal mailbox: owner user (also assigned), company, incoming server, outgoing inherited', async () => {
    const user = await openNewSaving(account({ id: 100 }));
    await fill(user, { name: 'Anna', email: 'anna@example.com', owner_id: 'Anna Schmidt (anna)' });
    expect(screen.getByTestId('account-user-anna')).toBeChecked();
    await user.click(screen.getByTestId('account-user-clara'));
    await user.selectOptions(field('company_id'), 'Müller Bau GmbH');
    await user.selectOptions(field('incoming_server_id'), within(field('incoming_server_id')).getByRole('option', { name: /Dovecot/ }));
    expect(field<HTMLSelectElement>('outgoing_server_id').selectedOptions[0]).toHaveTextContent(
      'Erben (Betrieb → Installation)',
    );
    await user.type(field('password'), 'pw');
    await save(user);

    await waitFor(() =>
      expect(api.createAccount).toHaveBeenCalledWith({
        ...BASE,
        name: 'Anna',
        email: 'anna@example.com',
        owner: { kind: 'user', id: 1 },
        user_ids: [1, 3],
        company_id: 30,
        incoming_server_id: 40,
        outgoing_server_id: null,
        password: { action: 'set', value: 'pw' },
      }),
    );
  });

  it('switching the owner to a group asks for the group; its members can be assigned at once', async () => {
    const user = await openNewSaving(account({ id: 101 }));
    await fill(user, { name: 'Vertrieb Postfach', email: 'vertrieb@example.com', owner_id: 'bernd' });

    await user.click(radio('group'));
    expect(field<HTMLSelectElement>('owner_id').value).toBe('');
    expect(screen.getByLabelText('Gruppe')).toBe(field('owner_id'));
    // The user picked before is no group: saving now asks for the group.
    await save(user);
    expect(screen.getByTestId('field-error-owner')).toBeInTheDocument();
    expect(api.createAccount).not.toHaveBeenCalled();
    expect(within(field('owner_id')).getByRole('option', { name: 'Vertrieb' })).toBeInTheDocument();
    await user.selectOptions(field('owner_id'), 'Vertrieb');
    await user.click(screen.getByTestId('assign-members'));
    for (const login of ['anna', 'bernd', 'clara']) expect(screen.getByTestId(`account-user-${login}`)).toBeChecked();
    await save(user);

    await waitFor(() =>
      expect(api.createAccount).toHaveBeenCalledWith({
        ...BASE,
        owner: { kind: 'group', id: 10 },
        user_ids: [1, 2, 3],
      }),
    );
  });

  it('without an owner nothing is sent and the owner picker says why', async () => {
    const user = await openNew();
    await fill(user, { name: 'X', email: 'x@example.com' });
    await save(user);
    expect(api.createAccount).not.toHaveBeenCalled();
    const err = screen.getByTestId('field-error-owner');
    expect(err).toHaveTextContent('Benutzer oder eine Gruppe');
    expect(field('owner_id').closest('.control')).toContainElement(err);
    expect(field('owner_id')).toHaveFocus();
  });

  it('backend field errors are shown at their inputs (owner at the owner picker)', async () => {
    api.createAccount.mockRejectedValue(
      fieldErrors(
        'Bitte die markierten Felder korrigieren: email, owner, user_ids',
        ['email', 'email_invalid', 'Keine gültige E-Mail-Adresse: Domain fehlt'],
        ['owner', 'missing_ref', 'Der gewählte Eintrag (Nr. 10) existiert nicht (mehr).'],
        ['user_ids', 'missing_ref', 'Der gewählte Eintrag (Nr. 3) existiert nicht (mehr).'],
      ),
    );
    const user = await openNew();
    await fill(user, { name: 'X', email: 'x@' });
    await user.click(radio('group'));
    await user.selectOptions(field('owner_id'), 'Vertrieb');
    await save(user);

    const email = await screen.findByTestId('field-error-email');
    expect(email).toHaveTextContent('Domain fehlt');
    expect(field('email').closest('.control')).toContainElement(email);
    expect(field('owner_id').closest('.control')).toContainElement(screen.getByTestId('field-error-owner'));
    expect(field('owner_id')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('account-user-anna').closest('.control')).toContainElement(
      screen.getByTestId('field-error-user_ids'),
    );
    expect(screen.getByTestId('form-error')).toHaveTextContent('Bitte die markierten Felder korrigieren');
  });

  it('previews what a new account inherits: the company default, else the installation default', async () => {
    api.listOutgoing.mockResolvedValue([ZENTRALE, outgoing({ id: 21, name: 'Standard', is_default: true })]);
    const user = await openNew();
    const preview = () => screen.getByTestId('outgoing-inherit-preview');
    await waitFor(() => expect(preview()).toHaveTextContent('Erbt – Postausgang: Standard (Standard der Installation)'));
    await user.selectOptions(field('company_id'), 'Müller Bau GmbH');
    expect(preview()).toHaveTextContent('Postausgang: Versand Zentrale (vom Betrieb Müller Bau GmbH)');
  });
});

describe('mailbox path', () => {
  it('is locked with the reason once mail was received', async () => {
    await openExisting(account({ name: 'Alt', mailbox_path: 'INBOX/Vertrieb', mail_received: true }));
    const path = field('mailbox_path');
    expect(path).toHaveAttribute('readonly');
    expect(path).toHaveValue('INBOX/Vertrieb');
    const why = screen.getByTestId('mailbox-path-locked');
    expect(why).toHaveTextContent('bereits E-Mails empfangen');
    expect(why).toHaveTextContent('Verbindung zu den empfangenen E-Mails zerstören');
    expect(path.getAttribute('aria-describedby')).toContain(why.id);
  });

  it('is editable before any mail was received', async () => {
    const user = await openExisting(account({ name: 'Neu', mail_received: false }));
    expect(field('mailbox_path')).not.toHaveAttribute('readonly');
    expect(screen.queryByTestId('mailbox-path-locked')).not.toBeInTheDocument();
    await user.clear(field('mailbox_path'));
    await user.type(field('mailbox_path'), 'INBOX/Neu');
    expect(field('mailbox_path')).toHaveValue('INBOX/Neu');
  });
});

describe('effective outgoing server', () => {
  const CASES: [EffectiveOutgoing, string, string][] = [
    [
      { server_id: 20, server_name: 'Versand Zentrale', source: 'company', company_name: 'Müller Bau GmbH' },
      'Postausgang: Versand Zentrale (vom Betrieb Müller Bau GmbH)',
      'Outgoing: Versand Zentrale (from company Müller Bau GmbH)',
    ],
    [
      { server_id: 21, server_name: 'Standard', source: 'installation', company_name: null },
      'Postausgang: Standard (Standard der Installation)',
      'Outgoing: Standard (installation default)',
    ],
    [
      { server_id: 22, server_name: 'Eigen', source: 'account', company_name: null },
      'Postausgang: Eigen (am Konto eingestellt)',
      'Outgoing: Eigen (set on the account)',
    ],
  ];

  it.each(CASES)('shows where it comes from (%#) in German and English', async (eff, de, en) => {
    api.effectiveOutgoing.mockResolvedValue(eff);
    await openExisting(account({ id: 77, name: 'Vertrieb Postfach' }));
    const el = await screen.findByTestId('effective-outgoing');
    expect(el.textContent?.trim()).toBe(de);
    expect(api.effectiveOutgoing).toHaveBeenCalledWith(77);
    await changeLang('en');
    await waitFor(() => expect(screen.getByTestId('effective-outgoing').textContent?.trim()).toBe(en));
  });

  it('warns when no outgoing server is configured anywhere', async () => {
    api.effectiveOutgoing.mockResolvedValue({ server_id: null, server_name: null, source: 'none', company_name: null });
    await openExisting(account({ name: 'Ohne' }));
    const el = await screen.findByTestId('effective-outgoing');
    expect(el).toHaveClass('warning');
    expect(el).toHaveTextContent('Kein Postausgangsserver');
    await changeLang('en');
    await waitFor(() => expect(screen.getByTestId('effective-outgoing')).toHaveTextContent('No outgoing server'));
  });

  it('is asked again after a save', async () => {
    const a = account({ id: 78, name: 'K' });
    api.effectiveOutgoing.mockResolvedValue({ server_id: 20, server_name: 'Versand Zentrale', source: 'company', company_name: 'Müller Bau GmbH' });
    api.updateAccount.mockResolvedValue({ item: { ...a, version: 2 }, warnings: [] });
    const user = await openExisting(a);
    await screen.findByTestId('effective-outgoing');
    api.effectiveOutgoing.mockResolvedValue({ server_id: 20, server_name: 'Versand Zentrale', source: 'account', company_name: null });
    await user.selectOptions(field('outgoing_server_id'), 'Versand Zentrale (smtp.mueller.de)');
    await save(user);
    await waitFor(() => expect(screen.getByTestId('effective-outgoing')).toHaveTextContent('(am Konto eingestellt)'));
    expect(api.updateAccount).toHaveBeenCalledWith(78, 1, expect.objectContaining({ outgoing_server_id: 20 }));
  });
});

describe('editing', () => {
  it('sends the stored values back unchanged with the version, owner shape intact', async () => {
    const changed = {
      owner: { kind: 'group', id: 10 },
      user_ids: [1, 2, 3],
      company_id: 30,
      folders: [{ folder: 'INBOX/Angebote', subscribed: true, auto_fetch: true }],
      signature: 'Gruß\nVertrieb',
      may_out_of_office: true,
    } as const satisfies Partial<Account>;
    const a = account({ id: 90, version: 4, name: 'Vertrieb Postfach', email: 'vertrieb@example.com', ...changed });
    api.updateAccount.mockResolvedValue({ item: a, warnings: [] });
    const user = await openExisting(a);
    expect(screen.getByTestId('account-folders')).toHaveTextContent('INBOX/Angebote');
    await save(user);
    await waitFor(() => expect(api.updateAccount).toHaveBeenCalledWith(90, 4, { ...BASE, ...changed }));
  });

  it('sends the chosen OAuth2 mechanism; a stored account shows its OAuth connection', async () => {
    const a = account({ id: 92, version: 3, name: 'O', email: 'o@example.com', owner: { kind: 'user', id: 1 }, oauth_mechanism: 'xoauth2' });
    api.updateAccount.mockResolvedValue({ item: a, warnings: [] });
    const user = await openExisting(a);
    expect(field<HTMLSelectElement>('oauth_mechanism')).toHaveValue('xoauth2');
    expect(screen.getByLabelText('OAuth2-Verfahren')).toBe(field('oauth_mechanism'));
    await waitFor(() => expect(api.oauthStatus).toHaveBeenCalledWith(92));
    expect(await screen.findByTestId('oauth-status')).toHaveTextContent('Nicht verbunden');
    await user.selectOptions(field<HTMLSelectElement>('oauth_mechanism'), 'OAUTHBEARER');
    await save(user);
    await waitFor(() =>
      expect(api.updateAccount).toHaveBeenCalledWith(92, 3, expect.objectContaining({ oauth_mechanism: 'oauthbearer' })),
    );
  });

  it('permissions, BCC and logging are sent as set', async () => {
    const a = account({ id: 91, name: 'P', email: 'p@example.com', owner: { kind: 'user', id: 1 } });
    api.updateAccount.mockResolvedValue({ item: a, warnings: [] });
    const user = await openExisting(a);
    await user.click(field('may_send'));
    await user.click(field('may_out_of_office'));
    await user.type(field('send_bcc'), 'archiv@example.com');
    await user.click(field('verbose_log'));
    await save(user);
    await waitFor(() =>
      expect(api.updateAccount).toHaveBeenCalledWith(
        91,
        1,
        expect.objectContaining({ may_send: false, may_out_of_office: true, send_bcc: 'archiv@example.com', verbose_log: true }),
      ),
    );
  });

  it('a conflict offers reload, which fetches the account again', async () => {
    const a = account({ id: 92, name: 'K' });
    const user = await openExisting(a);
    api.updateAccount.mockRejectedValue(apiError({ code: 'conflict', message: 'an anderer Stelle geändert' }));
    await save(user);
    await user.click(await screen.findByTestId('form-reload'));
    await waitFor(() => expect(api.getAccount).toHaveBeenCalledTimes(2));
    expect(api.getAccount).toHaveBeenLastCalledWith(92);
  });
});

describe('from a preset', () => {
  it('shows the provider hint prominently and picks existing servers with its hosts', async () => {
    api.listServers.mockResolvedValue([IMAP, server({ id: 41, name: 'GMX IMAP', host: 'imap.gmx.net' })]);
    api.listOutgoing.mockResolvedValue([ZENTRALE, outgoing({ id: 23, name: 'GMX SMTP', host: 'mail.gmx.net' })]);
    const user = await openNew();
    await user.type(field('email'), 'max@gmx.de');
    await user.selectOptions(screen.getByTestId('template-select'), GMX.name);
    expect(screen.getByTestId('preset-hint')).toHaveTextContent(GMX.hint_de);
    expect(screen.getByTestId('preset-hint')).toHaveAttribute('role', 'note');
    expect(field<HTMLSelectElement>('incoming_server_id').value).toBe('41');
    expect(field<HTMLSelectElement>('outgoing_server_id').value).toBe('23');
    expect(field('username')).toHaveValue('max@gmx.de');
    expect(screen.queryByTestId('preset-servers')).not.toBeInTheDocument();
  });

  it('offers to create the provider servers that do not exist yet', async () => {
    api.createServer.mockResolvedValue({ item: server({ id: 42, name: 'GMX IMAP', host: 'imap.gmx.net' }), warnings: [] });
    api.createOutgoing.mockResolvedValue({ item: outgoing({ id: 24, name: 'GMX SMTP', host: 'mail.gmx.net' }), warnings: [] });
    const user = await openNew();
    await user.selectOptions(screen.getByTestId('template-select'), GMX.name);
    api.listServers.mockResolvedValue([IMAP, server({ id: 42, name: 'GMX IMAP', host: 'imap.gmx.net' })]);
    api.listOutgoing.mockResolvedValue([ZENTRALE, outgoing({ id: 24, name: 'GMX SMTP', host: 'mail.gmx.net' })]);
    await user.click(within(screen.getByTestId('preset-servers')).getByRole('button'));
    await waitFor(() => expect(field<HTMLSelectElement>('outgoing_server_id').value).toBe('24'));
    expect(api.createServer).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'GMX IMAP', host: 'imap.gmx.net', security: 'tls', port: null, protocol: 'imap' }),
    );
    expect(api.createOutgoing).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'GMX SMTP', host: 'mail.gmx.net', security: 'starttls', port: null }),
    );
    expect(field<HTMLSelectElement>('incoming_server_id').value).toBe('42');
  });
});
