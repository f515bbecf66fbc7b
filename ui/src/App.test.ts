import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from './App.svelte';
import { STORAGE_KEY, resetLangForTests } from '$lib/i18n.svelte';
import { INFO, api, resetBackend } from './test/fixtures';

vi.mock('$lib/backend');

beforeEach(() => {
  resetBackend();
  localStorage.clear();
  resetLangForTests('de');
});

describe('language', () => {
  it('german_english_switch_changes_labels', async () => {
    const u = userEvent.setup();
    render(App);
    expect(screen.getByTestId('tab-servers')).toHaveTextContent('Posteingang');
    expect(screen.getByTestId('tab-outgoing')).toHaveTextContent('Postausgang');
    expect(screen.getByTestId('tab-settings')).toHaveTextContent('Einstellungen');
    await u.click(screen.getByTestId('server-new'));
    expect(await screen.findByLabelText('Bezeichnung')).toBeInTheDocument();
    expect(screen.getByTestId('server-new')).toHaveTextContent('Neuer Server');

    await u.selectOptions(screen.getByTestId('lang-switch'), 'en');

    expect(screen.getByTestId('tab-servers')).toHaveTextContent('Incoming');
    expect(screen.getByTestId('tab-outgoing')).toHaveTextContent('Outgoing');
    expect(screen.getByTestId('tab-calendar')).toHaveTextContent('Calendar');
    expect(screen.getByLabelText('Name')).toBeInTheDocument();
    expect(screen.queryByLabelText('Bezeichnung')).not.toBeInTheDocument();
    expect(screen.getByTestId('server-new')).toHaveTextContent('New server');
    expect(screen.getByTestId('server-save')).toHaveTextContent('Save');
    // Backend messages follow, and the choice is remembered.
    await waitFor(() => expect(api.setLanguage).toHaveBeenLastCalledWith('en'));
    expect(localStorage.getItem(STORAGE_KEY)).toBe('en');
    expect(document.documentElement.lang).toBe('en');

    await u.selectOptions(screen.getByTestId('lang-switch'), 'de');
    expect(screen.getByTestId('tab-servers')).toHaveTextContent(/^\s*Posteingang\s*$/);
    await waitFor(() => expect(api.setLanguage).toHaveBeenLastCalledWith('de'));
  });

  it('follows the OS language the backend reports when nothing was chosen', async () => {
    resetLangForTests('en');
    api.appInfo.mockResolvedValue({ ...INFO, os_lang: 'de' });
    render(App);
    await waitFor(() => expect(screen.getByTestId('tab-outgoing')).toHaveTextContent('Postausgang'));
    await waitFor(() => expect(api.setLanguage).toHaveBeenLastCalledWith('de'));
  });

  it('keeps the saved choice over the OS language', async () => {
    localStorage.setItem(STORAGE_KEY, 'en');
    resetLangForTests('en');
    api.appInfo.mockResolvedValue({ ...INFO, os_lang: 'de' });
    render(App);
    await waitFor(() => expect(api.appInfo).toHaveBeenCalled());
    await waitFor(() => expect(api.setLanguage).toHaveBeenCalledWith('en'));
    expect(screen.getByTestId('tab-outgoing')).toHaveTextContent('Outgoing');
  });

  it('tells the backend the UI language at start', async () => {
    render(App);
    await waitFor(() => expect(api.setLanguage).toHaveBeenCalledWith('de'));
  });
});

describe('status line', () => {
  it('shows the database path from app_info', async () => {
    render(App);
    expect(await screen.findByText(/config\.db/)).toHaveTextContent(`Datenbank: ${INFO.db_path}`);
    expect(screen.queryByTestId('keyring-warning')).not.toBeInTheDocument();
  });

  it('warns when no keyring is reachable', async () => {
    api.appInfo.mockResolvedValue({ ...INFO, keyring_available: false });
    render(App);
    expect(await screen.findByTestId('keyring-warning')).toHaveTextContent(
      'Kein Schlüsselbund erreichbar – Passwörter können nicht gespeichert werden',
    );
  });
});

describe('tabs', () => {
  it('arrow_keys_move_between_tabs_and_each_shows_its_content', async () => {
    const u = userEvent.setup();
    render(App);
    const servers = screen.getByTestId('tab-servers');
    expect(screen.getByRole('tablist')).toBeInTheDocument();
    expect(servers).toHaveAttribute('aria-selected', 'true');
    expect(screen.getAllByRole('tab')).toHaveLength(7);

    servers.focus();
    await u.keyboard('{ArrowRight}');
    const outgoing = screen.getByTestId('tab-outgoing');
    expect(outgoing).toHaveAttribute('aria-selected', 'true');
    expect(outgoing).toHaveFocus();
    expect(servers).toHaveAttribute('aria-selected', 'false');
    expect(screen.getByRole('tabpanel')).toContainElement(await screen.findByTestId('outgoing-search'));

    await u.keyboard('{ArrowRight}{ArrowRight}');
    expect(screen.getByTestId('tab-oauth')).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tabpanel')).toContainElement(await screen.findByTestId('oauth-provider-search'));

    await u.keyboard('{ArrowRight}{ArrowRight}');
    expect(screen.getByTestId('tab-mobile')).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tabpanel')).toContainElement(await screen.findByTestId('provision-account'));

    await u.keyboard('{ArrowLeft}{ArrowLeft}{ArrowLeft}{ArrowLeft}{ArrowLeft}{ArrowLeft}');
    expect(screen.getByTestId('tab-settings')).toHaveAttribute('aria-selected', 'true');
    await u.keyboard('{Home}');
    expect(servers).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tabpanel')).toContainElement(screen.getByTestId('server-search'));
  });
});

describe('tab lifetime', () => {
  it('a tab keeps unsaved edits when left and reloads its lists when shown again', async () => {
    const u = userEvent.setup();
    render(App);
    await u.click(screen.getByTestId('tab-outgoing'));
    await u.click(await screen.findByTestId('outgoing-new'));
    await u.type(screen.getByTestId('outgoing-form').querySelector<HTMLInputElement>('[name="name"]')!, 'Entwurf');
    await waitFor(() => expect(api.listOutgoing).toHaveBeenCalledTimes(1));

    await u.click(screen.getByTestId('tab-servers'));
    await u.click(screen.getByTestId('tab-outgoing'));
    await waitFor(() => expect(api.listOutgoing).toHaveBeenCalledTimes(2));
    expect(screen.getByTestId('outgoing-form').querySelector('[name="name"]')).toHaveValue('Entwurf');
  });

  it('element ids stay unique with several forms open', async () => {
    const u = userEvent.setup();
    render(App);
    await u.click(screen.getByTestId('server-new'));
    await u.click(screen.getByTestId('tab-outgoing'));
    await u.click(await screen.findByTestId('outgoing-new'));
    await u.click(screen.getByTestId('tab-calendar'));
    await u.click(await screen.findByTestId('calendar-new'));
    const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
});

describe('first launch and the remembered tab', () => {
  it('offers the three ways to start on an empty configuration, and the preset way opens a new account at the preset picker', async () => {
    const u = userEvent.setup();
    api.appInfo.mockResolvedValue({ ...INFO, unconfigured: true });
    render(App);
    const welcome = await screen.findByTestId('welcome');
    expect(welcome).toHaveTextContent('Einstellungen aus einer E-Mail-Adresse ermitteln');
    expect(welcome).toHaveTextContent('Mit einer Anbieter-Vorlage beginnen');
    expect(welcome).toHaveTextContent('Konfiguration importieren');
    // The empty server list is not what a new user sees.
    expect(document.getElementById('panel-servers')).not.toBeVisible();

    await u.click(screen.getByTestId('welcome-preset'));
    expect(screen.queryByTestId('welcome')).not.toBeInTheDocument();
    expect(screen.getByTestId('tab-accounts')).toHaveAttribute('aria-selected', 'true');
    await waitFor(() => expect(screen.getByTestId('template-select')).toHaveFocus());
  });

  it('the detect way opens the detection panel of a new account with the address focused', async () => {
    const u = userEvent.setup();
    api.appInfo.mockResolvedValue({ ...INFO, unconfigured: true });
    render(App);
    await u.click(await screen.findByTestId('welcome-detect'));
    await waitFor(() => expect(screen.getByTestId('detect-address')).toHaveFocus());
    expect(screen.getByTestId('detect-toggle')).toHaveAttribute('aria-expanded', 'true');
  });

  it('the import way opens Settings at Export/Import', async () => {
    const u = userEvent.setup();
    api.appInfo.mockResolvedValue({ ...INFO, unconfigured: true });
    render(App);
    await u.click(await screen.findByTestId('welcome-import'));
    expect(screen.getByTestId('tab-settings')).toHaveAttribute('aria-selected', 'true');
    await waitFor(() => expect(screen.getByTestId('import-file')).toHaveFocus());
  });

  it('"start empty" and a configured database show the tabs, not the welcome', async () => {
    const u = userEvent.setup();
    api.appInfo.mockResolvedValue({ ...INFO, unconfigured: true });
    const { unmount } = render(App);
    await u.click(await screen.findByTestId('welcome-skip'));
    expect(screen.queryByTestId('welcome')).not.toBeInTheDocument();
    expect(document.getElementById('panel-servers')).toBeVisible();
    unmount();

    api.appInfo.mockResolvedValue({ ...INFO, unconfigured: false });
    render(App);
    await waitFor(() => expect(api.appInfo).toHaveBeenCalledTimes(2));
    expect(screen.queryByTestId('welcome')).not.toBeInTheDocument();
  });

  it('opens on the tab it was left on, per database', async () => {
    const u = userEvent.setup();
    const first = render(App);
    await waitFor(() => expect(api.appInfo).toHaveBeenCalled());
    await u.click(screen.getByTestId('tab-outgoing'));
    first.unmount();

    render(App);
    await waitFor(() => expect(screen.getByTestId('tab-outgoing')).toHaveAttribute('aria-selected', 'true'));
  });

  it('a different database opens on its first tab', async () => {
    localStorage.setItem('mbadmin.last-tab:/elsewhere/config.db', 'settings');
    render(App);
    await waitFor(() => expect(api.appInfo).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByTestId('tab-servers')).toHaveAttribute('aria-selected', 'true');
  });
});
