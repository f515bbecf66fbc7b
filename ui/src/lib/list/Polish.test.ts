// Small things an administrator trips over: a search without hits says "0 von 1 Server", a
// long name has its tooltip, and a typed password can be shown to check it.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ServersTab from '$lib/servers/ServersTab.svelte';
import { api, freshEachTest, server } from '../../test/fixtures';
import { tabDriver } from '../../test/tabs';

vi.mock('$lib/backend');
freshEachTest();

describe('list and form polish', () => {
  it('a search without hits counts against all entries; names have their tooltip', async () => {
    const long = 'Exchange der Hauptverwaltung mit sehr langem Namen';
    api.listServers.mockImplementation(async (q: string) => (q ? [] : [server({ id: 1, name: long })]));
    const u = userEvent.setup();
    render(ServersTab);
    expect(await screen.findByText('1 Server')).toBeInTheDocument();
    expect(screen.getByTestId('server-item').querySelector('.item-name')).toHaveAttribute('title', long);
    await u.type(screen.getByTestId('server-search'), 'zzz');
    await waitFor(() => expect(screen.getByText('0 von 1 Server')).toBeInTheDocument());
  });

  it('a typed password can be shown and hidden again', async () => {
    const d = tabDriver(ServersTab, 'server');
    const u = await d.openNew();
    const pw = d.field('password');
    await u.type(pw, 'geheim');
    expect(pw).toHaveAttribute('type', 'password');
    await u.click(screen.getByTestId('password-reveal'));
    expect(pw).toHaveAttribute('type', 'text');
    await u.click(screen.getByTestId('password-reveal'));
    expect(pw).toHaveAttribute('type', 'password');
  });
});

describe('the delete question', () => {
  it('names the users of a server up front and cannot be confirmed while there are any', async () => {
    const s = server({ id: 4, name: 'Exchange' });
    api.usedBy.mockResolvedValue(['Vertrieb', 'Buchhaltung']);
    const u = await tabDriver(ServersTab, 'server').openStored(s);
    await u.click(screen.getByTestId('server-delete'));
    expect(api.usedBy).toHaveBeenCalledWith('incoming_server', 4);
    expect(await screen.findByTestId('delete-used-by')).toHaveTextContent('Wird verwendet von: Vertrieb, Buchhaltung.');
    expect(screen.getByTestId('server-delete-confirm')).toBeDisabled();
    expect(api.deleteServer).not.toHaveBeenCalled();
  });
});
