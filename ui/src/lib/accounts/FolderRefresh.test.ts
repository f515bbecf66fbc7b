// "Ordnerstruktur aktualisieren" on a stored account: the server's tree read on demand (or
// why it could not be), and the "Abonniert" ticks of a save written to the server.
import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/svelte';
import AccountsTab from './AccountsTab.svelte';
import type { Account, Folder, FolderRefresh, SubscriptionsWritten } from '$lib/backend';
import { account, api, apiError, diagnosis, freshEachTest, server, user } from '../../test/fixtures';
import { tabDriver } from '../../test/tabs';
import { subscriptionChanges } from './draft';

vi.mock('$lib/backend');

const folder = (name: string, special_use: string | null = null, subscribed = false): Folder => ({
  name,
  delimiter: '/',
  special_use,
  subscribed,
  selectable: true,
});

const TREE: Folder[] = [folder('INBOX', null, true), folder('Trash', '\\Trash'), folder('Archiv')];

const IMAP = server({ id: 7, name: 'Dovecot', protocol: 'imap' });
const POP3 = server({ id: 8, name: 'Alt', protocol: 'pop3' });

const CAROL = account({
  id: 55,
  name: 'Carol',
  email: 'carol@example.test',
  owner: { kind: 'user', id: 1 },
  incoming_server_id: 7,
  folder_junk: 'Spam',
  folders: [{ folder: 'INBOX', subscribed: true, auto_fetch: true }],
});

const accounts = tabDriver(AccountsTab, 'account');

function openAccount(a: Account) {
  api.listUsers.mockResolvedValue([user({ id: 1, login: 'carol' })]);
  api.listServers.mockResolvedValue([IMAP, POP3]);
  return accounts.openStored(a);
}

const refreshed = (o: Partial<FolderRefresh> = {}): FolderRefresh => ({
  read_at: '2026-12-01T08:00:00Z',
  folders: TREE,
  missing: [],
  error: null,
  ...o,
});

function row(name: string): HTMLElement {
  const r = screen.getAllByTestId('account-folder-row').find((x) => x.dataset.folder === name);
  if (!r) throw new Error(`no folder row ${name}`);
  return r;
}

freshEachTest();

describe('Ordnerstruktur aktualisieren', () => {
  it('reads the tree now: the folder table, and the account\'s folders the server lacks as warnings', async () => {
    api.refreshFolders.mockResolvedValue(refreshed({ missing: ['Spam'] }));
    const u = await openAccount(CAROL);
    expect(screen.queryByTestId('account-folder-table')).not.toBeInTheDocument();

    await u.click(await screen.findByTestId('account-refresh-folders'));
    await screen.findByTestId('account-folder-table');
    expect(api.refreshFolders).toHaveBeenCalledWith(55, expect.any(String), { extra_roots: [] });
    expect(screen.getAllByTestId('account-folder-row').map((r) => r.dataset.folder)).toEqual([
      'INBOX',
      'Trash',
      'Archiv',
    ]);
    expect(screen.getByTestId('account-folders-missing')).toHaveTextContent(
      '„Spam“ ist im Konto eingetragen, aber nicht auf dem Server.',
    );
    expect(screen.getByTestId('account-folders-source')).toHaveTextContent('gelesen am');
    expect(accounts.field<HTMLSelectElement>('folder_trash').tagName).toBe('SELECT');
    expect(screen.queryByTestId('account-refresh-diagnosis')).not.toBeInTheDocument();
  });

  it('a tree that cannot be read is a diagnosis, and no table', async () => {
    api.refreshFolders.mockResolvedValue(
      refreshed({
        read_at: '',
        folders: [],
        error: diagnosis({ code: 'auth.failed', title: 'Anmeldung abgelehnt' }),
      }),
    );
    const u = await openAccount(CAROL);
    await u.click(await screen.findByTestId('account-refresh-folders'));
    const box = await screen.findByTestId('account-refresh-diagnosis');
    expect(within(box).getByTestId('diagnosis')).toHaveAttribute('data-code', 'auth.failed');
    expect(within(box).getByTestId('diagnosis-title')).toHaveTextContent('Anmeldung abgelehnt');
    expect(screen.queryByTestId('account-folder-table')).not.toBeInTheDocument();
  });

  it('a refused call (e.g. the server is POP3 by now) is shown as its message', async () => {
    api.refreshFolders.mockRejectedValue(
      apiError({ message: 'Nur IMAP-Konten haben Ordner.', field: 'incoming_server_id' }),
    );
    const u = await openAccount(CAROL);
    await u.click(await screen.findByTestId('account-refresh-folders'));
    expect(await screen.findByTestId('account-refresh-error')).toHaveTextContent(
      'Nur IMAP-Konten haben Ordner.',
    );
  });

  it('is offered only for a stored account on an IMAP server', async () => {
    await openAccount(account({ ...CAROL, id: 56, name: 'Pop', incoming_server_id: 8 }));
    await waitFor(() => expect(api.testHistory).toHaveBeenCalled());
    expect(screen.queryByTestId('account-refresh-folders')).not.toBeInTheDocument();
  });
});

describe('subscriptions written after a save', () => {
  it('a save whose "Abonniert" ticks changed writes just the changes and shows what the server took', async () => {
    api.refreshFolders.mockResolvedValue(refreshed());
    const saved = account({
      ...CAROL,
      version: 2,
      folders: [{ folder: 'Archiv', subscribed: true, auto_fetch: false }],
    });
    api.updateAccount.mockResolvedValue({ item: saved, warnings: [] });
    api.getAccount.mockResolvedValue(saved);
    let finish: (w: SubscriptionsWritten) => void = () => {};
    api.writeSubscriptions.mockReturnValue(new Promise((r) => (finish = r)));
    const u = await openAccount(CAROL);
    await u.click(await screen.findByTestId('account-refresh-folders'));
    await screen.findByTestId('account-folder-table');
    // Archiv subscribed; INBOX unticked twice over (subscribed and fetched: dropped).
    await u.click(within(row('Archiv')).getByTestId('folder-subscribed'));
    await u.click(within(row('INBOX')).getByTestId('folder-subscribed'));
    await u.click(within(row('INBOX')).getByTestId('folder-auto-fetch'));
    await accounts.save(u);

    await waitFor(() => expect(api.writeSubscriptions).toHaveBeenCalledTimes(1));
    const changes = [
      { folder: 'Archiv', subscribed: true },
      { folder: 'INBOX', subscribed: false },
    ];
    expect(api.writeSubscriptions).toHaveBeenCalledWith(55, changes, expect.any(String), { extra_roots: [] });
    const shown = await screen.findByTestId('account-subscriptions');
    expect(shown).toHaveAttribute('data-state', 'running');
    finish({ written: changes, error: null });
    await waitFor(() =>
      expect(screen.getByTestId('account-subscriptions')).toHaveAttribute('data-state', 'written'),
    );
    expect(screen.getByTestId('account-subscriptions')).toHaveTextContent(
      'Abonnements auf den Server geschrieben: Archiv (abonniert), INBOX (nicht mehr abonniert)',
    );
  });

  it('a refusal on the server is its diagnosis, with how many went through', async () => {
    api.refreshFolders.mockResolvedValue(refreshed());
    const saved = account({
      ...CAROL,
      version: 2,
      folders: [
        { folder: 'INBOX', subscribed: true, auto_fetch: true },
        { folder: 'Archiv', subscribed: true, auto_fetch: false },
        { folder: 'Trash', subscribed: true, auto_fetch: false },
      ],
    });
    api.updateAccount.mockResolvedValue({ item: saved, warnings: [] });
    api.getAccount.mockResolvedValue(saved);
    api.writeSubscriptions.mockResolvedValue({
      written: [{ folder: 'Archiv', subscribed: true }],
      error: diagnosis({ code: 'imap.mailbox_missing', title: 'Ordner fehlt' }),
    });
    const u = await openAccount(CAROL);
    await u.click(await screen.findByTestId('account-refresh-folders'));
    await screen.findByTestId('account-folder-table');
    await u.click(within(row('Archiv')).getByTestId('folder-subscribed'));
    await u.click(within(row('Trash')).getByTestId('folder-subscribed'));
    await accounts.save(u);

    await waitFor(() =>
      expect(screen.getByTestId('account-subscriptions')).toHaveAttribute('data-state', 'failed'),
    );
    const shown = screen.getByTestId('account-subscriptions');
    expect(shown).toHaveTextContent('nur teilweise auf den Server geschrieben (1 von 2)');
    expect(within(shown).getByTestId('diagnosis')).toHaveAttribute('data-code', 'imap.mailbox_missing');
  });

  it('a save that changes no subscription writes nothing', async () => {
    const saved = account({ ...CAROL, version: 2, name: 'Carol B' });
    api.updateAccount.mockResolvedValue({ item: saved, warnings: [] });
    api.getAccount.mockResolvedValue(saved);
    const u = await openAccount(CAROL);
    await u.type(accounts.field('name'), ' B');
    await accounts.save(u);
    await waitFor(() => expect(api.updateAccount).toHaveBeenCalled());
    await screen.findByRole('heading', { name: 'Carol B' });
    expect(api.writeSubscriptions).not.toHaveBeenCalled();
  });

  it('the changes are the ticks that differ from the stored account', () => {
    const before = [
      { folder: 'INBOX', subscribed: true, auto_fetch: true },
      { folder: 'Alt', subscribed: true, auto_fetch: false },
      { folder: 'Nur abrufen', subscribed: false, auto_fetch: true },
    ];
    const after = [
      { folder: 'INBOX', subscribed: true, auto_fetch: false },
      { folder: 'Nur abrufen', subscribed: true, auto_fetch: true },
      { folder: 'Neu', subscribed: false, auto_fetch: true },
    ];
    expect(subscriptionChanges(before, after)).toEqual([
      { folder: 'Nur abrufen', subscribed: true },
      { folder: 'Alt', subscribed: false },
    ]);
  });
});
