// What the connection test changes on the Accounts tab: special folders and the folder
// table from the server's real tree, and "Alle testen" over every account.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import AccountsTab from './AccountsTab.svelte';
import type { Account, BulkResult, BulkSummary, Folder, ProbeEvent, TestReport } from '$lib/backend';
import {
  account,
  api,
  bulkResult,
  controlledRun,
  freshEachTest,
  probeReport,
  testRun,
  user,
} from '../../test/fixtures';
import { tabDriver } from '../../test/tabs';

vi.mock('$lib/backend');

const folder = (name: string, special_use: string | null = null, selectable = true): Folder => ({
  name,
  delimiter: '/',
  special_use,
  subscribed: true,
  selectable,
});

const TREE: Folder[] = [
  folder('INBOX'),
  folder('Sent', '\\Sent'),
  folder('Trash', '\\Trash'),
  folder('Junk', '\\Junk'),
  folder('Archiv'),
  folder('Archiv/2024'),
  folder('Shared', null, false),
];

const CAROL = account({
  id: 55,
  name: 'Carol',
  email: 'carol@example.test',
  owner: { kind: 'user', id: 1 },
  incoming_server_id: 7,
  folders: [{ folder: 'INBOX', subscribed: true, auto_fetch: true }],
});

const accounts = tabDriver(AccountsTab, 'account');
const formField = accounts.field;

function openAccount(a: Account) {
  api.listUsers.mockResolvedValue([user({ id: 1, login: 'carol' })]);
  return accounts.openStored(a);
}

/** Opens CAROL and runs "Postfach prüfen", which lists TREE; saving answers CAROL. */
async function openWithTree() {
  const c = controlledRun<TestReport, ProbeEvent>();
  api.testAccount.mockImplementation(c.impl);
  api.updateAccount.mockResolvedValue({ item: CAROL, warnings: [] });
  const u = await openAccount(CAROL);
  await u.click(screen.getByTestId('account-test'));
  c.resolve(probeReport({ folders: TREE }));
  await screen.findByTestId('account-folder-table');
  return u;
}

function row(name: string): HTMLElement {
  const r = screen.getAllByTestId('account-folder-row').find((x) => x.dataset.folder === name);
  if (!r) throw new Error(`no folder row ${name}`);
  return r;
}

freshEachTest();

describe('folders from the real tree', () => {
  it('before any test the special folders are text inputs and the hint says how to get the tree', async () => {
    await openAccount(CAROL);
    await waitFor(() => expect(api.testHistory).toHaveBeenCalledWith('account', 55));
    expect(formField('folder_trash').tagName).toBe('INPUT');
    expect(screen.queryByTestId('account-folder-table')).not.toBeInTheDocument();
    expect(screen.getByTestId('account-folders')).toHaveTextContent('INBOX');
    expect(screen.getByTestId('account-folders-before-test')).toHaveTextContent('Postfach prüfen');
  });

  it('after a test: trash/junk/sent are picked from the tree and the table writes AccountInput.folders', async () => {
    const u = await openWithTree();

    const trash = formField<HTMLSelectElement>('folder_trash');
    expect(trash.tagName).toBe('SELECT');
    expect(trash).toHaveAttribute('data-testid', 'account-folder_trash');
    const labels = [...trash.options].map((o) => o.textContent?.trim());
    expect(labels[0]).toBe('automatisch (SPECIAL-USE) – Trash');
    expect(labels).toContain('Trash (\\Trash)');
    expect(labels).toContain('Archiv/2024');
    // A folder that cannot be selected is no choice.
    expect(labels).not.toContain('Shared');
    expect(trash.value).toBe('');
    await u.selectOptions(trash, 'Archiv');
    expect(screen.getByTestId('account-folders-source')).toHaveTextContent('letztem Test');

    // Ticks: INBOX stays as configured; Archiv gets subscribed, then also fetched; INBOX's
    // auto-fetch untick keeps it (still subscribed); Sent ticked and unticked again is dropped.
    expect(within(row('INBOX')).getByTestId('folder-subscribed')).toBeChecked();
    expect(within(row('INBOX')).getByTestId('folder-auto-fetch')).toBeChecked();
    expect(within(row('Trash')).getByText('\\Trash')).toBeInTheDocument();
    expect(within(row('Shared')).getByTestId('folder-auto-fetch')).toBeDisabled();
    await u.click(within(row('Archiv')).getByTestId('folder-subscribed'));
    await u.click(within(row('Archiv')).getByTestId('folder-auto-fetch'));
    await u.click(within(row('INBOX')).getByTestId('folder-auto-fetch'));
    await u.click(within(row('Sent')).getByTestId('folder-subscribed'));
    await u.click(within(row('Sent')).getByTestId('folder-subscribed'));

    await u.click(screen.getByTestId('account-save'));
    await waitFor(() =>
      expect(api.updateAccount).toHaveBeenCalledWith(
        55,
        1,
        expect.objectContaining({
          folder_trash: 'Archiv',
          folder_junk: '',
          folder_sent: '',
          folders: [
            { folder: 'INBOX', subscribed: true, auto_fetch: false },
            { folder: 'Archiv', subscribed: true, auto_fetch: true },
          ],
        }),
      ),
    );
  });

  it('unticking both boxes of a folder drops it from the saved list', async () => {
    const u = await openWithTree();
    await u.click(within(row('INBOX')).getByTestId('folder-subscribed'));
    await u.click(within(row('INBOX')).getByTestId('folder-auto-fetch'));
    await u.click(screen.getByTestId('account-save'));
    await waitFor(() => expect(api.updateAccount).toHaveBeenCalledWith(55, 1, expect.objectContaining({ folders: [] })));
  });

  it('a configured folder the server lacks stays, marked; a chosen special folder it lacks stays selectable', async () => {
    const a = { ...CAROL, folder_junk: 'Spam', folders: [{ folder: 'Alt', subscribed: true, auto_fetch: false }] };
    const c = controlledRun<TestReport, ProbeEvent>();
    api.testAccount.mockImplementation(c.impl);
    const u = await openAccount(a);
    await u.click(screen.getByTestId('account-test'));
    c.resolve(probeReport({ folders: TREE }));
    await screen.findByTestId('account-folder-table');
    expect(row('Alt')).toHaveTextContent('nicht auf dem Server');
    expect(within(row('Alt')).getByTestId('folder-subscribed')).toBeChecked();
    const junk = formField<HTMLSelectElement>('folder_junk');
    expect(junk.value).toBe('Spam');
    expect(junk.selectedOptions[0]).toHaveTextContent('Spam (nicht auf dem Server gefunden)');
  });

  it('the tree of an earlier test (history) is used without testing again', async () => {
    api.testHistory.mockResolvedValue([
      testRun({ id: 3, target_kind: 'account', target_id: 55, report: probeReport({ folders: null }) }),
      testRun({ id: 2, target_kind: 'account', target_id: 55, report: probeReport({ folders: TREE, started_at: '2025-05-01T10:00:00Z' }) }),
    ]);
    await openAccount(CAROL);
    await screen.findByTestId('account-folder-table');
    expect(formField('folder_sent').tagName).toBe('SELECT');
    expect(screen.getByTestId('account-folders-source')).toHaveTextContent('Test vom');
    expect(api.testAccount).not.toHaveBeenCalled();
  });

  it('else the tree of a test of its incoming server', async () => {
    api.testHistory.mockImplementation(async (kind) =>
      kind === 'incoming_server' ? [testRun({ id: 9, target_id: 7, report: probeReport({ folders: TREE }) })] : [],
    );
    await openAccount(CAROL);
    await screen.findByTestId('account-folder-table');
    expect(api.testHistory).toHaveBeenCalledWith('incoming_server', 7);
    expect(formField('folder_junk').tagName).toBe('SELECT');
  });
});

describe('Alle testen', () => {
  const OPTIONS = { extra_roots: [], send_to: null, roundtrip: false, roundtrip_wait_secs: null };

  it('runs with the concurrency, shows each result as it arrives, cancels by run id, then the summary', async () => {
    const c = controlledRun<BulkSummary, BulkResult>('bulk-1');
    api.testAll.mockImplementation(c.impl);
    const u = userEvent.setup();
    render(AccountsTab);
    await u.click(screen.getByTestId('accounts-test-all'));
    const panel = await screen.findByTestId('bulk-panel');
    expect(within(panel).getByTestId('bulk-concurrency')).toHaveValue('40');
    expect(panel).toHaveTextContent('Getestet werden alle Konten.');
    await u.clear(within(panel).getByTestId('bulk-concurrency'));
    await u.type(within(panel).getByTestId('bulk-concurrency'), '4');
    await u.click(within(panel).getByTestId('bulk-start'));
    expect(api.testAll).toHaveBeenCalledWith('', 4, OPTIONS, expect.any(Function));

    const anna = bulkResult({ account_id: 1, account: 'Anna', ok: true, duration_ms: 120 });
    const bernd = bulkResult({
      account_id: 2,
      account: 'Bernd',
      ok: false,
      codes: ['auth.failed'],
    });
    c.emit(anna);
    await waitFor(() => expect(screen.getAllByTestId('bulk-row')).toHaveLength(1));
    c.emit(bernd);
    await waitFor(() => expect(screen.getAllByTestId('bulk-row')).toHaveLength(2));
    expect(screen.getByTestId('bulk-progress')).toHaveTextContent('2 getestet');
    expect(screen.getAllByTestId('bulk-row')[1]).toHaveAttribute('data-ok', 'false');
    expect(screen.getAllByTestId('bulk-row')[1]).toHaveTextContent('auth.failed');

    await u.click(screen.getByTestId('bulk-cancel'));
    expect(api.cancelTest).toHaveBeenCalledWith('bulk-1');

    const clara = bulkResult({ account_id: 3, account: 'Clara', ok: false, error: 'Kein Server eingestellt.' });
    c.emit(clara);
    // The server's login service failed: not judged, counted apart from the failures.
    const dora = bulkResult({ account_id: 4, account: 'Dora', ok: false, temporary: true, codes: ['auth.temporary'] });
    c.emit(dora);
    c.resolve({ results: [anna, bernd, clara, dora], passed: 1, failed: 2, temporary: 1, duration_ms: 2500 });
    const summary = await screen.findByTestId('bulk-summary');
    expect(summary).toHaveTextContent('1 bestanden, 2 fehlgeschlagen, 1 vorübergehend gescheitert');
    expect(summary).toHaveTextContent('2,5 s');
    const rows = screen.getAllByTestId('bulk-row');
    // Failures first, then temporary failures, then the passed.
    expect(rows.map((r) => r.dataset.account)).toEqual(['2', '3', '4', '1']);
    expect(rows[1]).toHaveTextContent('Kein Server eingestellt.');
    expect(rows[2]).toHaveAttribute('data-temporary', 'true');
    expect(rows[2]).toHaveTextContent('vorübergehend gescheitert – später erneut testen');
    expect(rows[2]).toHaveTextContent('auth.temporary');
    expect(rows[3]).toHaveTextContent('120 ms');
    expect(screen.queryByTestId('bulk-cancel')).not.toBeInTheDocument();
  });

  it('tests the accounts of the list search; a result opens its account', async () => {
    const c = controlledRun<BulkSummary, BulkResult>();
    api.testAll.mockImplementation(c.impl);
    const a = account({ id: 5, name: 'Vertrieb' });
    api.listAccounts.mockResolvedValue([a]);
    api.getAccount.mockResolvedValue(a);
    const u = userEvent.setup();
    render(AccountsTab);
    await u.type(screen.getByTestId('account-search'), 'vertrieb');
    await u.click(screen.getByTestId('accounts-test-all'));
    expect(await screen.findByTestId('bulk-panel')).toHaveTextContent('auf „vertrieb“ passen');
    await u.click(screen.getByTestId('bulk-start'));
    expect(api.testAll).toHaveBeenCalledWith('vertrieb', 40, OPTIONS, expect.any(Function));
    const r = bulkResult({ account_id: 5, account: 'Vertrieb' });
    c.resolve({ results: [r], passed: 1, failed: 0, temporary: 0, duration_ms: 300 });
    expect(await screen.findByTestId('bulk-summary')).toHaveTextContent('1 bestanden, 0 fehlgeschlagen');
    await u.click(within(screen.getByTestId('bulk-row')).getByRole('button', { name: 'Vertrieb' }));
    await screen.findByRole('heading', { name: 'Vertrieb' });
    expect(api.getAccount).toHaveBeenCalledWith(5);
  });

  it('refuses a concurrency outside 1–256', async () => {
    const u = userEvent.setup();
    render(AccountsTab);
    await u.click(screen.getByTestId('accounts-test-all'));
    await u.clear(screen.getByTestId('bulk-concurrency'));
    await u.type(screen.getByTestId('bulk-concurrency'), '0');
    await u.click(screen.getByTestId('bulk-start'));
    expect(screen.getByTestId('bulk-concurrency-error')).toHaveTextContent('1 bis 256');
    expect(api.testAll).not.toHaveBeenCalled();
  });
});
