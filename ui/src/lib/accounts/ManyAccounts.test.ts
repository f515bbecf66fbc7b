// The Accounts tab with 10,000 accounts: a virtual list (only the entries in view are in the
// page), keyboard moves and the selection that scroll, the search that asks the core only
// for ids, and the benchmark marks and measures (docs/ARCHITECTURE.md, "Marks").
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import AccountsTab from './AccountsTab.svelte';
import ServersTab from '$lib/servers/ServersTab.svelte';
import { account, api, freshEachTest } from '../../test/fixtures';
import type { AccountSummary } from '$lib/backend';

vi.mock('$lib/backend');

const N = 10_000;
const line = (i: number): AccountSummary => ({
  id: i + 1,
  name: `Konto ${i}`,
  email: `konto.${i}@example.test`,
  owner: { kind: 'user', id: 1 },
  owner_name: 'anna',
  password: 'none',
  mail_received: false,
});
const LINES = Array.from({ length: N }, (_, i) => line(i));

freshEachTest(() => {
  api.listAccountSummaries.mockResolvedValue(LINES);
  api.searchAccounts.mockImplementation(async (q: string) =>
    LINES.filter((l) => l.name.includes(q.trim())).map((l) => l.id),
  );
  api.getAccount.mockImplementation(async (id: number) => account({ id, name: `Konto ${id - 1}` }));
});

const items = () => screen.queryAllByTestId('account-item');
const names = () => items().map((b) => b.querySelector('.item-name')?.textContent);

describe('10,000 accounts', () => {
  it('puts only the entries in view into the page, and says how many there are', async () => {
    render(AccountsTab);
    expect(await screen.findByText('Konto 0')).toBeInTheDocument();
    expect(items().length).toBeGreaterThan(10);
    expect(items().length).toBeLessThan(60);
    expect(screen.getByText(/10\.?000 Konten/)).toBeInTheDocument();
    // Each entry says where it stands in the whole list.
    expect(items()[0].closest('li')).toHaveAttribute('aria-setsize', String(N));
    expect(items()[0].closest('li')).toHaveAttribute('aria-posinset', '1');
  });

  it('moves with the keyboard to entries that were not in the page, and focuses them', async () => {
    const u = userEvent.setup();
    render(AccountsTab);
    const first = await screen.findByText('Konto 0');
    first.closest('button')!.focus();
    await u.keyboard('{End}');
    await waitFor(() => expect(document.activeElement?.textContent).toContain(`Konto ${N - 1}`));
    expect(names()).not.toContain('Konto 0');
    await u.keyboard('{ArrowUp}');
    await waitFor(() => expect(document.activeElement?.textContent).toContain(`Konto ${N - 2}`));
    await u.keyboard('{Home}');
    await waitFor(() => expect(document.activeElement?.textContent).toContain('Konto 0'));
    // Enter on a focused entry selects it (the button's click).
    await u.keyboard('{ArrowDown}{Enter}');
    await waitFor(() => expect(api.getAccount).toHaveBeenLastCalledWith(2));
    const selected = items().filter((b) => b.getAttribute('aria-current') === 'true');
    expect(selected.map((b) => b.querySelector('.item-name')?.textContent)).toEqual(['Konto 1']);
  });

  it('searches by ids as one types, shows the loaded lines in their order, and measures each keystroke', async () => {
    const u = userEvent.setup();
    performance.clearMeasures();
    render(AccountsTab);
    await screen.findByText('Konto 0');
    expect(api.listAccountSummaries).toHaveBeenCalledTimes(1);

    await u.type(screen.getByTestId('account-search'), '999');

    await waitFor(() => expect(api.searchAccounts).toHaveBeenLastCalledWith('999'));
    // The lines were not loaded again for a keystroke: only the ids were asked for.
    expect(api.listAccountSummaries).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(names()).toEqual(['Konto 999', 'Konto 1999', 'Konto 2999', 'Konto 3999', 'Konto 4999', 'Konto 5999', 'Konto 6999', 'Konto 7999', 'Konto 8999', 'Konto 9990', 'Konto 9991', 'Konto 9992', 'Konto 9993', 'Konto 9994', 'Konto 9995', 'Konto 9996', 'Konto 9997', 'Konto 9998', 'Konto 9999']));
    // One measure per keystroke, input to the list painted.
    await waitFor(() => expect(performance.getEntriesByName('accounts-search', 'measure')).toHaveLength(3));
    for (const m of performance.getEntriesByName('accounts-search', 'measure')) expect(m.duration).toBeGreaterThanOrEqual(0);
  });

  it('loads the lines again when an id turns up that it does not know (created elsewhere)', async () => {
    const u = userEvent.setup();
    render(AccountsTab);
    await screen.findByText('Konto 0');
    const more = [...LINES, { ...line(N), name: 'Neu von mbadmin' }];
    api.listAccountSummaries.mockResolvedValue(more);
    api.searchAccounts.mockResolvedValue([N + 1]);
    await u.type(screen.getByTestId('account-search'), 'Neu');
    await waitFor(() => expect(names()).toEqual(['Neu von mbadmin']));
    expect(api.listAccountSummaries).toHaveBeenCalledTimes(2);
  });

  it('reports the ready marks once the lists are painted', async () => {
    render(AccountsTab);
    await waitFor(() => expect(api.mark).toHaveBeenCalledWith('accounts-ready'));
    expect(performance.getEntriesByName('accounts-ready', 'mark').length).toBeGreaterThan(0);
    render(ServersTab);
    await waitFor(() => expect(api.mark).toHaveBeenCalledWith('first-tab-ready'));
    expect(api.mark).toHaveBeenCalledTimes(2);
  });
});
