// "Einstellungen ermitteln": sources appear as they answer and collapse to the hits, a
// confirmed result is used at once, an unconfirmed one names its origin and asks, a failed
// login asks too, and "Übernehmen" fills the new account's form (servers created or reused).
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import DetectPanel from './DetectPanel.svelte';
import AccountsTab from '$lib/accounts/AccountsTab.svelte';
import ServersTab from '$lib/servers/ServersTab.svelte';
import type {
  DetectDraft,
  DetectOutcome,
  DetectProgressEvent,
  DetectResult,
  DetectedServer,
  SourceOutcome,
} from '$lib/backend';
import {
  accountInput,
  api,
  controlledRun,
  diagnosis,
  freshEachTest,
  outgoing,
  outgoingInput,
  probeReport,
  server,
  serverInput,
  step,
} from '../../test/fixtures';
import { tabDriver } from '../../test/tabs';
import { cautionsOf, shortList, sourceStep } from './detect';

vi.mock('$lib/backend');

const imap: DetectedServer = {
  protocol: 'imap',
  host: 'imap.firma.test',
  port: 993,
  security: 'tls',
  auth: 'password',
  username: 'email_address',
  username_template: '%EMAILADDRESS%',
  source: 'autoconfig',
  origin: 'https://autoconfig.firma.test/mail/config-v1.1.xml',
};
const smtp: DetectedServer = { ...imap, protocol: 'smtp', host: 'smtp.firma.test', port: 465 };

const src = (o: Partial<SourceOutcome>): SourceOutcome => ({
  source: 'autoconfig',
  target: 'https://autoconfig.firma.test/mail/config-v1.1.xml',
  status: 'running',
  diagnosis: null,
  detail: '',
  duration_ms: 0,
  ...o,
});

function result(overrides: Partial<DetectResult> = {}): DetectResult {
  return {
    address: 'info@firma.test',
    domain: 'firma.test',
    ascii_domain: 'firma.test',
    source: 'autoconfig',
    provider_id: null,
    provider_name: '',
    incoming: imap,
    outgoing: smtp,
    username: 'info@firma.test',
    trust: { level: 'confirmed', reasons: [], domain: 'firma.test' },
    outcomes: [
      src({ status: 'found', duration_ms: 12 }),
      src({
        source: 'srv',
        target: '_imaps._tcp.firma.test',
        status: 'not_found',
        diagnosis: diagnosis({ code: 'detect.not_published', title: 'Nicht veröffentlicht' }),
      }),
    ],
    duration_ms: 30,
    budget_ms: 8000,
    cancelled: false,
    ...overrides,
  };
}

const outcome = (overrides: Partial<DetectOutcome> = {}): DetectOutcome => ({ result: result(), proof: null, ...overrides });

function startPanel() {
  const c = controlledRun<DetectOutcome, DetectProgressEvent>();
  api.detectSettings.mockImplementation(c.impl);
  const onapply = vi.fn().mockResolvedValue(undefined);
  render(DetectPanel, { address: 'info@firma.test', onapply });
  return { c, onapply };
}

freshEachTest();

describe('detection panel', () => {
  it('shows the sources live, then the confirmed result, and hands the draft over', async () => {
    const u = userEvent.setup();
    const { c, onapply } = startPanel();
    await u.click(screen.getByTestId('detect-toggle'));
    expect(screen.getByTestId<HTMLInputElement>('detect-address').value).toBe('info@firma.test');
    await u.type(screen.getByTestId('detect-password'), 'geheim');
    await u.click(screen.getByTestId('detect-start'));
    expect(api.detectSettings).toHaveBeenCalledWith(
      'info@firma.test',
      { password: 'geheim', dns_server: null, exchange: false },
      expect.any(Function),
    );
    c.emit({ kind: 'source', event: { index: 0, outcome: src({}) } });
    c.emit({ kind: 'source', event: { index: 1, outcome: src({ source: 'srv', target: '_imaps._tcp.firma.test', status: 'not_found' }) } });
    await waitFor(() => expect(screen.getAllByTestId('test-step')).toHaveLength(2));
    expect(screen.getByTestId('detect-progress').textContent).toContain('1 von 2 Quellen');
    expect(screen.getByTestId('detect-cancel')).toBeTruthy();
    c.emit({ kind: 'step', event: { index: 0, step: step({ kind: 'login', status: 'ok', summary: 'angemeldet' }) } });
    await screen.findByTestId('detect-login');

    c.resolve(
      outcome({
        proof: { incoming: probeReport({ steps: [step({ kind: 'login' })] }), outgoing: null, ok: true, not_tested: [] },
      }),
    );
    const res = await screen.findByTestId('detect-result');
    expect(res.dataset.trust).toBe('confirmed');
    expect(res.dataset.proof).toBe('true');
    expect(screen.getByTestId('detect-trust').textContent).toContain('von firma.test selbst');
    expect(screen.getByTestId('detect-incoming').textContent).toContain('IMAP · imap.firma.test:993 · SSL/TLS');
    expect(screen.getByTestId('detect-login-verdict').textContent).toContain('Anmeldung erfolgreich');
    // A passed login folds its steps; they open on request.
    expect(within(screen.getByTestId('detect-login')).queryAllByTestId('test-step')).toHaveLength(0);
    await u.click(screen.getByTestId('detect-login-toggle'));
    expect(within(screen.getByTestId('detect-login')).getAllByTestId('test-step')).toHaveLength(1);
    // Finished: the short list has the hit only, "show all" has every source.
    const list = screen.getByTestId('detect-sources');
    expect(within(list).getAllByTestId('test-step')).toHaveLength(1);
    await u.click(screen.getByTestId('detect-sources-toggle'));
    expect(within(list).getAllByTestId('test-step')).toHaveLength(2);
    expect(list.textContent).toContain('Nicht veröffentlicht');

    const draft: DetectDraft = {
      account: accountInput({ email: 'info@firma.test' }),
      incoming_server_id: null,
      incoming: serverInput({ host: 'imap.firma.test' }),
      outgoing_server_id: null,
      outgoing: outgoingInput({ host: 'smtp.firma.test' }),
    };
    api.detectDraft.mockResolvedValue(draft);
    const apply = screen.getByTestId('detect-apply');
    expect(apply.dataset.caution).toBe('');
    expect(screen.queryByTestId('detect-ask')).toBeNull();
    await u.click(apply);
    await waitFor(() => expect(onapply).toHaveBeenCalledWith(draft, expect.anything(), 'geheim'));
    expect(api.detectDraft).toHaveBeenCalledWith(result());
  });

  it('names the origin of an unconfirmed result and asks before using it', async () => {
    const u = userEvent.setup();
    const { c } = startPanel();
    await u.click(screen.getByTestId('detect-toggle'));
    await u.click(screen.getByTestId('detect-start'));
    c.resolve(
      outcome({
        result: result({
          source: 'mx',
          trust: { level: 'unconfirmed', reasons: ['mx_without_dnssec', 'cross_domain_redirect'], domain: 'hoster-beispiel.test' },
        }),
      }),
    );
    const res = await screen.findByTestId('detect-result');
    expect(res.dataset.trust).toBe('unconfirmed');
    expect(screen.getByTestId('detect-trust').textContent).toContain('stammen von hoster-beispiel.test');
    const reasons = [...screen.getByTestId('detect-reasons').querySelectorAll('li')].map((l) => l.dataset.reason);
    expect(reasons).toEqual(['mx_without_dnssec', 'cross_domain_redirect']);
    expect(screen.getByTestId('detect-ask').textContent).toContain('hoster-beispiel.test');
    expect(screen.getByTestId('detect-apply').textContent).toContain('Trotzdem übernehmen');
  });

  it('asks when the login with the found settings failed', async () => {
    const u = userEvent.setup();
    const { c } = startPanel();
    await u.click(screen.getByTestId('detect-toggle'));
    await u.click(screen.getByTestId('detect-start'));
    c.resolve(outcome({ proof: { incoming: probeReport({ ok: false, steps: [step({ kind: 'login', status: 'failed' })] }), outgoing: null, ok: false, not_tested: [] } }));
    await screen.findByTestId('detect-result');
    expect(screen.getByTestId('detect-ask-login')).toBeTruthy();
    // A failed login keeps its steps open.
    expect(screen.getByTestId('detect-login-toggle').getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByTestId('detect-apply').dataset.caution).toBe('login_failed');
  });

  it('cancels the run and says so', async () => {
    const u = userEvent.setup();
    const { c } = startPanel();
    await u.click(screen.getByTestId('detect-toggle'));
    await u.click(screen.getByTestId('detect-start'));
    await u.click(screen.getByTestId('detect-cancel'));
    expect(api.cancelTest).toHaveBeenCalledWith('run-1');
    c.resolve(outcome({ result: result({ cancelled: true, incoming: null, outgoing: null }) }));
    expect((await screen.findByTestId('detect-result')).textContent).toContain('Ermittlung abgebrochen');
    expect(screen.queryByTestId('detect-apply')).toBeNull();
  });
});

describe('on the new account form', () => {
  it('reuses the existing server, creates the new one with the password and fills address and login', async () => {
    const accounts = tabDriver(AccountsTab, 'account');
    const u = userEvent.setup();
    const IN = server({ id: 7, name: 'IMAP Firma', host: 'imap.firma.test' });
    api.listServers.mockResolvedValue([IN]);
    const c = controlledRun<DetectOutcome, DetectProgressEvent>();
    api.detectSettings.mockImplementation(c.impl);
    const OUT = outgoing({ id: 12, name: 'smtp.firma.test SMTP', host: 'smtp.firma.test' });
    api.createOutgoing.mockResolvedValue({ item: OUT, warnings: [] });
    api.detectDraft.mockResolvedValue({
      account: accountInput({ name: 'info@firma.test', email: 'info@firma.test', username: 'info@firma.test' }),
      incoming_server_id: 7,
      incoming: null,
      outgoing_server_id: null,
      outgoing: outgoingInput({ name: 'smtp.firma.test SMTP', host: 'smtp.firma.test' }),
    });
    await accounts.openNew(u);
    api.listOutgoing.mockResolvedValue([OUT]);
    await u.click(screen.getByTestId('detect-toggle'));
    await u.type(screen.getByTestId('detect-address'), 'info@firma.test');
    await u.type(screen.getByTestId('detect-password'), 'geheim');
    await u.click(screen.getByTestId('detect-start'));
    c.resolve(outcome());
    await u.click(await screen.findByTestId('detect-apply'));
    await screen.findByTestId('detect-applied');
    expect(api.createServer).not.toHaveBeenCalled();
    expect(api.createOutgoing).toHaveBeenCalledWith(
      expect.objectContaining({ host: 'smtp.firma.test', password: { action: 'set', value: 'geheim' } }),
    );
    expect(accounts.field('email').value).toBe('info@firma.test');
    expect(accounts.field('username').value).toBe('info@firma.test');
    expect(accounts.field<HTMLSelectElement>('incoming_server_id').value).toBe('7');
    await waitFor(() => expect(accounts.field<HTMLSelectElement>('outgoing_server_id').value).toBe('12'));
  });
});

describe('on the new server form', () => {
  async function detectOnNewServer(draft: DetectDraft) {
    const servers = tabDriver(ServersTab, 'server');
    const u = userEvent.setup();
    const c = controlledRun<DetectOutcome, DetectProgressEvent>();
    api.detectSettings.mockImplementation(c.impl);
    api.detectDraft.mockResolvedValue(draft);
    await servers.openNew(u);
    await u.click(screen.getByTestId('detect-toggle'));
    await u.type(screen.getByTestId('detect-address'), 'info@firma.test');
    await u.click(screen.getByTestId('detect-start'));
    c.resolve(outcome());
    await u.click(await screen.findByTestId('detect-apply'));
    await screen.findByTestId('detect-applied');
    return servers;
  }

  it('fills host, security, port and login from the detected incoming server', async () => {
    const servers = await detectOnNewServer({
      account: accountInput(),
      incoming_server_id: null,
      incoming: serverInput({ name: 'Firma IMAP', host: 'imap.firma.test', security: 'tls', port: 10993, login_user: 'info@firma.test' }),
      outgoing_server_id: null,
      outgoing: null,
    });
    expect(servers.field('name').value).toBe('Firma IMAP');
    expect(servers.field('host').value).toBe('imap.firma.test');
    expect(servers.field('port').value).toBe('10993');
    expect(servers.field('login_user').value).toBe('info@firma.test');
    expect(api.createServer).not.toHaveBeenCalled();
  });

  it('says so when the server exists already', async () => {
    const servers = await detectOnNewServer({
      account: accountInput(),
      incoming_server_id: 7,
      incoming: null,
      outgoing_server_id: null,
      outgoing: null,
    });
    expect(screen.getByTestId('detect-server-exists')).toBeTruthy();
    expect(servers.field('host').value).toBe('');
  });
});

describe('helpers', () => {
  it('maps source statuses to steps and keeps the hits in the short list', () => {
    expect(sourceStep(src({ status: 'found', detail: 'a\n\nb' })).transcript.map((l) => l.text)).toEqual(['a', 'b']);
    expect(sourceStep(src({ status: 'timed_out' })).status).toBe('warning');
    const list = [src({ status: 'found' }), src({ status: 'not_found' }), undefined, src({ status: 'running' })];
    expect(shortList(list, true)).toEqual([0, 1, 3]);
    expect(shortList(list, false)).toEqual([0, 3]);
    expect(cautionsOf(outcome())).toEqual([]);
  });
});
