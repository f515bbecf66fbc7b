// "Nur speichern, wenn der Verbindungstest besteht" (setting save_only_tested): with it on, Save
// in the incoming-server, outgoing-server and account forms runs the draft test first (shown in
// the test panel as it runs) and saves only when it passes. The backend is mocked.
import { describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ServersTab from '$lib/servers/ServersTab.svelte';
import OutgoingTab from '$lib/outgoing/OutgoingTab.svelte';
import AccountsTab from '$lib/accounts/AccountsTab.svelte';
import GeneralSection from '$lib/settings/GeneralSection.svelte';
import { changeLang } from '$lib/i18n.svelte';
import type { ProbeEvent, TestReport } from '$lib/backend';
import {
  account,
  api,
  apiError,
  controlledRun,
  diagnosis,
  freshEachTest,
  outgoing,
  probeReport,
  server,
  settings,
  step,
  user,
} from '../../test/fixtures';
import { tabDriver } from '../../test/tabs';

vi.mock('$lib/backend');

const servers = tabDriver(ServersTab, 'server');
const outgoings = tabDriver(OutgoingTab, 'outgoing');
const accounts = tabDriver(AccountsTab, 'account');

const FAILED = probeReport({
  ok: false,
  codes: ['auth.failed'],
  steps: [
    step({ kind: 'connect', status: 'ok', summary: '127.0.0.1:993' }),
    step({
      kind: 'login',
      status: 'failed',
      summary: 'abgelehnt',
      diagnosis: diagnosis({ code: 'auth.failed', title: 'Anmeldung abgelehnt' }),
    }),
  ],
});
const PASSED = probeReport({ ok: true, steps: [step({ kind: 'login', status: 'ok', summary: 'angemeldet' })] });

freshEachTest(() => {
  api.getSettings.mockResolvedValue(settings({ save_only_tested: true }));
});

/** A new incoming server typed into its form (whose save would create `Neu`). */
async function newServer() {
  const u = await servers.openNewSaving(server({ id: 9, name: 'Neu' }));
  await servers.fill(u, { name: 'Neu', host: 'imap.firma.de', password: 'geheim-1' });
  return u;
}

describe('save only when the connection test passes', () => {
  it('Save tests the draft first, shown in the test panel; a failed test saves nothing and says so', async () => {
    const c = controlledRun<TestReport, ProbeEvent>();
    api.testServerDraft.mockImplementation(c.impl);
    const u = await newServer();
    await servers.save(u);
    await waitFor(() =>
      expect(api.testServerDraft).toHaveBeenCalledWith(
        null,
        expect.objectContaining({ name: 'Neu', host: 'imap.firma.de', password: { action: 'set', value: 'geheim-1' } }),
        { extra_roots: [] },
        expect.any(Function),
      ),
    );
    // Running: shown in the panel, Save disabled meanwhile, nothing saved yet.
    expect(await screen.findByTestId('test-running')).toBeInTheDocument();
    expect(screen.getByTestId('server-save')).toBeDisabled();
    c.emit({ run: c.run, index: 0, step: step({ kind: 'connect', status: 'ok' }) } as ProbeEvent);
    c.resolve(FAILED);
    const alert = await screen.findByTestId('form-error');
    expect(alert).toHaveTextContent('Nicht gespeichert: Der Verbindungstest ist fehlgeschlagen');
    expect(alert).toHaveTextContent('Nur speichern, wenn der Verbindungstest besteht');
    expect(screen.getByTestId('test-result')).toHaveAttribute('data-ok', 'false');
    expect(screen.getByTestId('diagnosis')).toHaveAttribute('data-code', 'auth.failed');
    expect(api.createServer).not.toHaveBeenCalled();
    // The form keeps the unsaved values and can be saved again.
    expect(servers.field('host')).toHaveValue('imap.firma.de');
    await waitFor(() => expect(screen.getByTestId('server-save')).toBeEnabled());
  });

  it('a passing test lets the save go on', async () => {
    api.testServerDraft.mockReturnValue({ run: 'run-1', done: Promise.resolve(PASSED) });
    const u = await newServer();
    await servers.save(u);
    await waitFor(() => expect(api.createServer).toHaveBeenCalledWith(expect.objectContaining({ name: 'Neu' })));
    expect(api.testServerDraft).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('form-error')).not.toBeInTheDocument();
  });

  it('with the setting off, Save saves without a test', async () => {
    api.getSettings.mockResolvedValue(settings({ save_only_tested: false }));
    const u = await newServer();
    await servers.save(u);
    await waitFor(() => expect(api.createServer).toHaveBeenCalled());
    expect(api.testServerDraft).not.toHaveBeenCalled();
  });

  it('a draft the backend refuses shows its field errors, as a save would; nothing saved', async () => {
    api.testServerDraft.mockImplementation(() => ({
      run: 'run-1',
      done: Promise.reject(
        apiError({
          code: 'validation',
          field: 'host',
          message: 'Ungültiger Servername',
          fields: [{ field: 'host', code: 'host_invalid', message: 'Ungültiger Servername' }],
        }),
      ),
    }));
    const u = await newServer();
    await servers.save(u);
    expect(await screen.findByTestId('field-error-host')).toHaveTextContent('Ungültiger Servername');
    expect(screen.getByTestId('form-error')).toHaveTextContent('Bitte die markierten Felder korrigieren.');
    expect(api.createServer).not.toHaveBeenCalled();
  });

  it('an outgoing server is tested before saving; a disabled one is saved untested', async () => {
    api.testOutgoingDraft.mockReturnValue({ run: 'run-1', done: Promise.resolve(FAILED) });
    const u = await outgoings.openNewSaving(outgoing({ id: 5, name: 'Versand' }));
    await outgoings.fill(u, { name: 'Versand', host: 'smtp.firma.de' });
    await outgoings.save(u);
    expect(await screen.findByTestId('form-error')).toHaveTextContent('Nicht gespeichert');
    expect(api.testOutgoingDraft).toHaveBeenCalledWith(
      null,
      expect.objectContaining({ host: 'smtp.firma.de', enabled: true }),
      { extra_roots: [] },
      expect.any(Function),
    );
    expect(api.createOutgoing).not.toHaveBeenCalled();

    await u.click(outgoings.field('enabled'));
    await outgoings.save(u);
    await waitFor(() => expect(api.createOutgoing).toHaveBeenCalledWith(expect.objectContaining({ enabled: false })));
    expect(api.testOutgoingDraft).toHaveBeenCalledTimes(1);
  });

  it('an account is checked before saving, without the test mail or round trip of its options', async () => {
    const stored = account({ id: 100, version: 3, name: 'Vertrieb Postfach', owner: { kind: 'user', id: 1 } });
    api.listUsers.mockResolvedValue([user({ id: 1, login: 'anna' })]);
    api.updateAccount.mockResolvedValue({ item: stored, warnings: [] });
    const c = controlledRun<TestReport, ProbeEvent>();
    api.testAccountDraft.mockImplementation(c.impl);
    const u = await accounts.openStored(stored);
    await u.type(screen.getByTestId('test-send-to'), 'kontrolle@firma.de');
    await u.click(screen.getByTestId('test-roundtrip'));
    await accounts.save(u);
    await waitFor(() =>
      expect(api.testAccountDraft).toHaveBeenCalledWith(
        100,
        expect.objectContaining({ name: 'Vertrieb Postfach' }),
        { extra_roots: [], send_to: null, roundtrip: false, roundtrip_wait_secs: null },
        expect.any(Function),
      ),
    );
    expect(await within(screen.getByTestId('test-panel')).findByTestId('test-running')).toBeInTheDocument();
    expect(api.updateAccount).not.toHaveBeenCalled();
    c.resolve(PASSED);
    await waitFor(() => expect(api.updateAccount).toHaveBeenCalledWith(100, 3, expect.anything()));
  });
});

describe('the setting in Settings → Allgemein', () => {
  it('is a checkbox that saves save_only_tested, labelled in German and English', async () => {
    api.getSettings.mockResolvedValue(settings({ version: 4 }));
    api.saveSettings.mockImplementation(async (s) => ({ ...s, version: 5 }));
    const u = userEvent.setup();
    render(GeneralSection);
    const box = await screen.findByLabelText('Nur speichern, wenn der Verbindungstest besteht');
    expect(box).not.toBeChecked();
    await u.click(box);
    await u.click(screen.getByTestId('settings-save'));
    await waitFor(() =>
      expect(api.saveSettings).toHaveBeenCalledWith({ ...settings({ version: 4 }), save_only_tested: true }),
    );
    await changeLang('en');
    expect(screen.getByLabelText('Save only when the connection test passes')).toBeChecked();
  });
});
