import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import App from '../App.svelte';
import ServersTab from './servers/ServersTab.svelte';
import { boot, takeServers } from './boot';
import { INFO, api, freshEachTest, server } from '../test/fixtures';
import type { IncomingServer } from '$lib/backend';

vi.mock('$lib/backend');

freshEachTest();

/** A promise and the function that fulfils it. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('what the page asks for before it is built', () => {
  it('the first render shows the early server list, which is not asked for again', async () => {
    api.listServers.mockResolvedValue([server({ name: 'Dovecot' }), server({ id: 2, name: 'Exchange' })]);
    await boot();
    render(ServersTab);
    // Synchronously: in the first frame, no "Lädt …" in between.
    expect(screen.getAllByTestId('server-item')).toHaveLength(2);
    expect(screen.queryByText('Lädt …')).not.toBeInTheDocument();
    await waitFor(() => expect(api.listOauthProviders).toHaveBeenCalled());
    expect(api.listServers).toHaveBeenCalledTimes(1);
  });

  it('a list that comes after the page was built is shown when it comes, asked for once', async () => {
    const late = deferred<IncomingServer[]>();
    api.listServers.mockReturnValue(late.promise);
    void boot();
    render(ServersTab);
    expect(screen.getByText('Lädt …')).toBeInTheDocument();
    late.resolve([server({ name: 'Spät' })]);
    expect(await screen.findByTestId('server-item')).toHaveTextContent('Spät');
    expect(api.listServers).toHaveBeenCalledTimes(1);
  });

  it('an early answer is taken once: a second list loads afresh', async () => {
    api.listServers.mockResolvedValue([server({ name: 'Dovecot' })]);
    await boot();
    render(ServersTab);
    expect(takeServers()).toBeUndefined();
    api.listServers.mockResolvedValue([]);
    render(ServersTab);
    await waitFor(() => expect(api.listServers).toHaveBeenCalledTimes(2));
  });

  it('the status line uses the early app_info', async () => {
    await boot();
    render(App);
    expect(await screen.findByText(/config\.db/)).toHaveTextContent(`Datenbank: ${INFO.db_path}`);
    expect(api.appInfo).toHaveBeenCalledTimes(1);
  });
});

describe('what the desktop shell hands to the page', () => {
  it('is shown in the first render and nothing is asked for', async () => {
    window.__MBADMIN_BOOT__ = { info: { ...INFO, db_path: '/srv/handed.db' }, servers: [server({ name: 'Übergeben' })] };
    await boot();
    render(App);
    expect(screen.getByTestId('server-item')).toHaveTextContent('Übergeben');
    expect(await screen.findByText(/handed\.db/)).toBeInTheDocument();
    expect(api.listServers).not.toHaveBeenCalled();
    expect(api.appInfo).not.toHaveBeenCalled();
    expect(window.__MBADMIN_BOOT__).toBeUndefined();
  });

  it('asks for what the shell could not answer', async () => {
    api.listServers.mockResolvedValue([server({ name: 'Gefragt' })]);
    window.__MBADMIN_BOOT__ = { info: INFO, servers: null };
    await boot();
    render(ServersTab);
    expect(screen.getByTestId('server-item')).toHaveTextContent('Gefragt');
    expect(api.listServers).toHaveBeenCalledTimes(1);
    expect(api.appInfo).not.toHaveBeenCalled();
  });
});
