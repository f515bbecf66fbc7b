// The account form says which login the account really uses (the core's rule on the unsaved
// values): its own, the incoming server's ("vom Server übernommen", the server named), or
// none — with a warning when that login has no password.
import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import AccountsTab from '$lib/accounts/AccountsTab.svelte';
import { account, api, freshEachTest, server, user } from '../../test/fixtures';
import { tabDriver } from '../../test/tabs';

vi.mock('$lib/backend');
freshEachTest();

const WITH_LOGIN = server({ id: 5, name: 'Exchange', login_user: 'postfach@firma.de', password: 'stored' });
const BARE = server({ id: 6, name: 'Dovecot', login_user: '', password: 'none' });

function open(a = account({ id: 9, name: 'Vertrieb', email: 'vertrieb@firma.de', incoming_server_id: 5, username: '', password: 'none' })) {
  api.listUsers.mockResolvedValue([user({ id: 1, login: 'carol' })]);
  api.listServers.mockResolvedValue([WITH_LOGIN, BARE]);
  return tabDriver(AccountsTab, 'account').openStored(a);
}

const note = () => screen.getByTestId('account-login-note');

describe('the login note of the account form', () => {
  it('names the server whose login an account without its own uses', async () => {
    await open();
    expect(note()).toHaveAttribute('data-source', 'server');
    expect(note()).toHaveTextContent('Anmeldung vom Server übernommen: Posteingangsserver „Exchange“, als „postfach@firma.de“.');
  });

  it('a user name of its own without password warns; typing the password clears the warning', async () => {
    const u: ReturnType<typeof userEvent.setup> = await open();
    const form = screen.getByTestId('account-form');
    await u.type(form.querySelector<HTMLInputElement>('input[name="username"]')!, 'carol');
    expect(note()).toHaveAttribute('data-source', 'account');
    expect(note()).toHaveTextContent('⚠ Anmeldung als „carol“ (eigene des Kontos), aber ohne Passwort');
    await u.type(form.querySelector<HTMLInputElement>('input[name="password"]')!, 'geheim');
    expect(note()).toHaveTextContent('Anmeldung: eigene des Kontos, als „carol“.');
  });

  it('without any login warns that the address would log in without a password', async () => {
    await open(account({ id: 9, name: 'X', email: 'x@firma.de', incoming_server_id: 6, username: '', password: 'none' }));
    expect(note()).toHaveAttribute('data-source', 'address');
    expect(note()).toHaveClass('warn-text');
    expect(note()).toHaveTextContent('als „x@firma.de“ ohne Passwort');
  });
});
