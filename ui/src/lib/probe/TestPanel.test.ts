// The connection test in the detail views: live steps, cancel, diagnoses, transcripts,
// TLS details, history, and the account test's options. The backend is mocked; a streamed
// run is driven by hand (`controlledRun`).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ServersTab from '$lib/servers/ServersTab.svelte';
import OutgoingTab from '$lib/outgoing/OutgoingTab.svelte';
import AccountsTab from '$lib/accounts/AccountsTab.svelte';
import { changeLang } from '$lib/i18n.svelte';
import type { Account, IncomingServer, ProbeEvent, TestReport } from '$lib/backend';
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
  step,
  testRun,
  user,
} from '../../test/fixtures';
import { tabDriver } from '../../test/tabs';

vi.mock('$lib/backend');

const DOVECOT = server({ id: 7, name: 'Dovecot', host: '127.0.0.1', port: 1993, port_manual: true });

const openServer = (s: IncomingServer = DOVECOT) => tabDriver(ServersTab, 'server').openStored(s);

function openAccount(a: Account) {
  api.listUsers.mockResolvedValue([user({ id: 1, login: 'carol' })]);
  return tabDriver(AccountsTab, 'account').openStored(a);
}

/** Starts a server test whose progress the test sends by hand. */
function controlServerTest(run = 'run-1') {
  const c = controlledRun<TestReport, ProbeEvent>(run);
  api.testServer.mockImplementation(c.impl);
  return c;
}

const REFUSED = diagnosis({
  code: 'net.refused',
  title: 'Verbindung abgelehnt',
  explanation: '127.0.0.1 ist erreichbar, aber auf Port 1993 nimmt kein Dienst Verbindungen an.',
  fix: 'Port prüfen: üblich für IMAP sind 993 (SSL/TLS) und 143 (STARTTLS).',
  evidence: [
    { key: 'port', value: '1993' },
    { key: 'server_said', value: 'Connection refused (os error 111)' },
  ],
});

const FAILED_REPORT = probeReport({
  ok: false,
  codes: ['net.refused'],
  duration_ms: 4,
  steps: [
    step({ kind: 'resolve', status: 'ok', summary: '127.0.0.1' }),
    step({ kind: 'connect', status: 'failed', summary: 'abgelehnt', diagnosis: REFUSED }),
  ],
});

freshEachTest();

afterEach(() => {
  vi.useRealTimers();
});

describe('server test', () => {
  it('shows each step as it starts and replaces it by its index when it ends', async () => {
    const c = controlServerTest();
    const u = await openServer();
    await u.click(screen.getByTestId('server-test'));
    expect(screen.getByTestId('server-test')).toHaveTextContent('Verbindung testen');
    expect(api.testServer).toHaveBeenCalledWith(7, { extra_roots: [] }, expect.any(Function));
    expect(await screen.findByTestId('test-running')).toHaveTextContent('Test läuft');

    c.emit({ index: 0, step: step({ kind: 'resolve', status: 'running', summary: '' }) });
    const first = await screen.findByTestId('test-step');
    expect(first).toHaveAttribute('data-status', 'running');
    expect(first).toHaveAttribute('data-kind', 'resolve');
    expect(first).toHaveTextContent('Namensauflösung (DNS)');

    c.emit({ index: 0, step: step({ kind: 'resolve', status: 'ok', summary: '127.0.0.1', duration_ms: 3 }) });
    c.emit({ index: 1, step: step({ kind: 'connect', status: 'running' }) });
    await waitFor(() => expect(screen.getAllByTestId('test-step')).toHaveLength(2));
    const [a, b] = screen.getAllByTestId('test-step');
    expect(a).toHaveAttribute('data-status', 'ok');
    expect(a).toHaveTextContent('127.0.0.1');
    expect(a).toHaveTextContent('3 ms');
    expect(b).toHaveAttribute('data-status', 'running');
    expect(b).toHaveAttribute('data-kind', 'connect');
    expect(b).toHaveTextContent('Verbindung (TCP)');
    expect(screen.queryByTestId('test-result')).not.toBeInTheDocument();

    c.resolve(
      probeReport({
        duration_ms: 1234,
        steps: [
          step({ kind: 'resolve', status: 'ok', summary: '127.0.0.1', duration_ms: 3 }),
          step({ kind: 'connect', status: 'ok', summary: 'verbunden' }),
          step({ kind: 'greeting', status: 'ok', summary: 'Dovecot ready.' }),
        ],
      }),
    );
    const result = await screen.findByTestId('test-result');
    expect(result).toHaveAttribute('data-ok', 'true');
    expect(result).toHaveTextContent('Test bestanden');
    expect(result).toHaveTextContent('1,2 s');
    expect(screen.getAllByTestId('test-step').map((s) => s.dataset.kind)).toEqual(['resolve', 'connect', 'greeting']);
    expect(screen.queryByTestId('test-cancel')).not.toBeInTheDocument();
    expect(screen.getByTestId('server-test')).toBeEnabled();
  });

  it('Cancel stops the run with its id; the running step ends as cancelled', async () => {
    const c = controlServerTest('run-42');
    const u = await openServer();
    await u.click(screen.getByTestId('server-test'));
    expect(screen.getByTestId('server-test')).toBeDisabled();
    c.emit({ index: 0, step: step({ kind: 'resolve', status: 'running' }) });
    await u.click(await screen.findByTestId('test-cancel'));
    expect(api.cancelTest).toHaveBeenCalledWith('run-42');
    expect(screen.getByTestId('test-cancel')).toBeDisabled();
    expect(screen.getByTestId('test-cancel')).toHaveTextContent('Bricht ab');

    c.resolve(probeReport({ ok: false, cancelled: true, steps: [step({ kind: 'resolve', status: 'cancelled' })] }));
    const result = await screen.findByTestId('test-result');
    expect(result).toHaveAttribute('data-ok', 'false');
    expect(result).toHaveTextContent('Test abgebrochen');
    expect(screen.getByTestId('test-step')).toHaveAttribute('data-status', 'cancelled');
    expect(screen.queryByTestId('test-cancel')).not.toBeInTheDocument();
  });

  it('a failed step shows its diagnosis: title, explanation, fix and evidence; warnings look different', async () => {
    const c = controlServerTest();
    const u = await openServer();
    await u.click(screen.getByTestId('server-test'));
    c.resolve(
      probeReport({
        ...FAILED_REPORT,
        codes: ['tls.verify_disabled', 'net.refused'],
        steps: [
          step({
            kind: 'resolve',
            status: 'warning',
            more_diagnoses: [diagnosis({ code: 'tls.verify_disabled', severity: 'warning', title: 'Zertifikatsprüfung ist aus', evidence: [] })],
          }),
          ...FAILED_REPORT.steps.slice(1),
        ],
      }),
    );
    const result = await screen.findByTestId('test-result');
    expect(result).toHaveAttribute('data-ok', 'false');
    expect(result).toHaveTextContent('Test fehlgeschlagen');
    expect(result).toHaveTextContent('net.refused');

    const box = screen.getAllByTestId('diagnosis').find((d) => d.dataset.code === 'net.refused')!;
    expect(box).toHaveAttribute('data-severity', 'error');
    expect(box).toHaveClass('error');
    expect(within(box).getByTestId('diagnosis-title')).toHaveTextContent('Verbindung abgelehnt');
    expect(within(box).getByTestId('diagnosis-explanation')).toHaveTextContent('auf Port 1993 nimmt kein Dienst');
    const fix = within(box).getByTestId('diagnosis-fix');
    expect(fix).toHaveTextContent('So beheben Sie es: Port prüfen');
    expect(within(fix).getByText(/So beheben Sie es/).tagName).toBe('STRONG');
    const evidence = within(box).getByTestId('diagnosis-evidence');
    const rows = within(evidence)
      .getAllByRole('row')
      .map((r) => [...r.children].map((c) => c.textContent?.trim()));
    expect(rows).toEqual([
      ['Port', '1993'],
      ['Antwort des Servers', 'Connection refused (os error 111)'],
    ]);
    // The step itself carries it.
    expect(box.closest('[data-testid="test-step"]')).toHaveAttribute('data-kind', 'connect');

    const warning = screen.getAllByTestId('diagnosis').find((d) => d.dataset.code === 'tls.verify_disabled')!;
    expect(warning).toHaveAttribute('data-severity', 'warning');
    expect(warning).toHaveClass('warning');
    expect(warning).not.toHaveClass('error');
  });

  it('the transcript expands, shows the direction of each line, and Copy puts it on the clipboard', async () => {
    const c = controlServerTest();
    const u = await openServer();
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(window.navigator, 'clipboard', { value: { writeText }, configurable: true });
    await u.click(screen.getByTestId('server-test'));
    c.resolve(
      probeReport({
        steps: [
          step({
            kind: 'login',
            status: 'ok',
            transcript: [
              { dir: 'info', text: 'TLS 1.3' },
              { dir: 'client', text: 'a1 AUTHENTICATE PLAIN [3 Zeichen entfernt]' },
              { dir: 'server', text: 'a1 OK Logged in' },
            ],
          }),
        ],
      }),
    );
    const toggle = await screen.findByTestId('test-transcript-toggle');
    expect(toggle).toHaveTextContent('Protokoll (3 Zeilen)');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByTestId('test-transcript')).not.toBeInTheDocument();

    await u.click(toggle);
    const transcript = screen.getByTestId('test-transcript');
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(toggle).toHaveAttribute('aria-controls', transcript.id);
    expect(transcript).toHaveClass('mono');
    const lines = [...transcript.children].map((l) => l.textContent?.replace(/\s+/g, ' ').trim());
    expect(lines).toEqual(['* TLS 1.3', 'C: a1 AUTHENTICATE PLAIN [3 Zeichen entfernt]', 'S: a1 OK Logged in']);

    await u.click(screen.getByTestId('test-transcript-copy'));
    expect(writeText).toHaveBeenCalledWith(
      '* TLS 1.3\nC: a1 AUTHENTICATE PLAIN [3 Zeichen entfernt]\nS: a1 OK Logged in',
    );
    expect(await screen.findByText('Kopiert')).toBeInTheDocument();

    await u.click(toggle);
    expect(screen.queryByTestId('test-transcript')).not.toBeInTheDocument();
  });

  it('TLS evidence is in a collapsible section: protocol, cipher, chain with names and fingerprint', async () => {
    const c = controlServerTest();
    const u = await openServer();
    await u.click(screen.getByTestId('server-test'));
    const leaf = {
      subject: 'CN=127.0.0.1',
      issuer: 'CN=Mailbox Admin Test CA',
      names: ['127.0.0.1', 'localhost'],
      not_before: '2025-01-01T00:00:00Z',
      not_after: '2027-01-01T00:00:00Z',
      sha256: 'AB:CD:EF:01',
      self_signed: false,
      pem: '',
    };
    const ca = { ...leaf, subject: 'CN=Mailbox Admin Test CA', names: [], sha256: '12:34', self_signed: true };
    c.resolve(
      probeReport({
        steps: [
          step({
            kind: 'tls',
            status: 'ok',
            tls: {
              version: 'TLSv1.3',
              cipher: 'TLS13_AES_256_GCM_SHA384',
              trust: 'verified',
              checked_name: '127.0.0.1',
              chain: [leaf, ca],
              os_trust: 'untrusted_issuer',
            },
          }),
        ],
      }),
    );
    const tls = await screen.findByTestId('test-tls');
    expect(tls.tagName).toBe('DETAILS');
    expect(tls).not.toHaveAttribute('open');
    expect(tls.querySelector('summary')).toHaveTextContent('TLS-Details: TLSv1.3 · geprüft und vertrauenswürdig');
    expect(tls).toHaveTextContent('TLS13_AES_256_GCM_SHA384');
    // The OS's own verdict beside ours: the company CA is trusted here, not by the OS.
    const os = within(tls).getByTestId('test-tls-os-trust');
    expect(os).toHaveAttribute('data-os-trust', 'untrusted_issuer');
    expect(os).toHaveTextContent('kennt den Aussteller nicht');
    const certs = within(tls).getAllByTestId('test-cert');
    expect(certs).toHaveLength(2);
    expect(certs[0]).toHaveTextContent('Serverzertifikat');
    expect(certs[0]).toHaveTextContent('127.0.0.1, localhost');
    expect(certs[0]).toHaveTextContent('CN=Mailbox Admin Test CA');
    expect(certs[0]).toHaveTextContent('AB:CD:EF:01');
    expect(certs[1]).toHaveTextContent('selbst signiert');
  });

  it('loads the history, reloads it after a run, and shows a stored run when picked', async () => {
    const old = testRun({ id: 1, target_id: 7, report: { ...FAILED_REPORT, started_at: '2025-05-10T09:00:00Z' } });
    api.testHistory.mockResolvedValue([old]);
    const c = controlServerTest();
    const u = await openServer();
    await waitFor(() => expect(api.testHistory).toHaveBeenCalledWith('incoming_server', 7));
    expect(await screen.findByTestId('test-last')).toHaveTextContent('Letzter Test: fehlgeschlagen');
    const toggle = screen.getByTestId('test-history-toggle');
    expect(toggle).toHaveTextContent('Verlauf (1)');

    const fresh = testRun({ id: 2, target_id: 7, report: probeReport({ started_at: '2025-05-12T08:30:00Z' }) });
    api.testHistory.mockResolvedValue([fresh, old]);
    await u.click(screen.getByTestId('server-test'));
    c.resolve(fresh.report);
    await screen.findByTestId('test-result');
    await waitFor(() => expect(api.testHistory).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(toggle).toHaveTextContent('Verlauf (2)'));
    expect(screen.getByTestId('test-last')).toHaveTextContent('Letzter Test: bestanden');

    await u.click(toggle);
    const items = within(screen.getByTestId('test-history')).getAllByTestId('test-history-item');
    expect(items.map((i) => i.dataset.ok)).toEqual(['true', 'false']);
    expect(items[1]).toHaveTextContent('net.refused');
    await u.click(items[1]);
    const result = screen.getByTestId('test-result');
    expect(result).toHaveAttribute('data-ok', 'false');
    expect(result).toHaveTextContent('Gespeicherter Test vom');
    expect(screen.getByTestId('diagnosis')).toHaveAttribute('data-code', 'net.refused');
    expect(items[1]).toHaveAttribute('aria-current', 'true');
  });

  it('a call that fails (e.g. the server was deleted meanwhile) is shown as an error', async () => {
    const c = controlServerTest();
    const u = await openServer();
    await u.click(screen.getByTestId('server-test'));
    c.reject(apiError({ code: 'not_found', message: 'Der Server existiert nicht (mehr).' }));
    expect(await screen.findByTestId('test-error')).toHaveTextContent('Der Server existiert nicht (mehr).');
    expect(screen.getByTestId('server-test')).toBeEnabled();
  });

  it('tests a new server as the form holds it, before it is saved; no history of its own', async () => {
    const c = controlledRun<TestReport, ProbeEvent>();
    api.testServerDraft.mockImplementation(c.impl);
    const u = userEvent.setup();
    render(ServersTab);
    await u.click(screen.getByTestId('server-new'));
    const form = await screen.findByTestId('server-form');
    const hint = screen.getByTestId('test-draft');
    expect(hint).toHaveTextContent('noch bevor sie gespeichert sind');
    const button = screen.getByTestId('server-test');
    expect(button).toBeEnabled();
    expect(button.getAttribute('aria-describedby')).toBe(hint.id);
    await u.type(form.querySelector<HTMLInputElement>('[name="name"]')!, 'Neu');
    await u.type(form.querySelector<HTMLInputElement>('[name="host"]')!, 'imap.firma.de');
    await u.type(form.querySelector<HTMLInputElement>('[name="password"]')!, 'geheim-1');
    await u.click(button);
    expect(api.testServerDraft).toHaveBeenCalledWith(
      null,
      expect.objectContaining({ name: 'Neu', host: 'imap.firma.de', password: { action: 'set', value: 'geheim-1' } }),
      { extra_roots: [] },
      expect.any(Function),
    );
    c.resolve(FAILED_REPORT);
    await screen.findByTestId('test-result');
    // Nothing was saved, and a draft's run has no history to reload.
    expect(api.createServer).not.toHaveBeenCalled();
    expect(api.testHistory).not.toHaveBeenCalled();
  });

  it('unsaved edits of a stored server are tested as typed; the stored one lends its id', async () => {
    const c = controlledRun<TestReport, ProbeEvent>();
    api.testServerDraft.mockImplementation(c.impl);
    const u = await openServer();
    expect(screen.queryByTestId('test-draft')).not.toBeInTheDocument();
    await u.clear(screen.getByTestId('server-form').querySelector<HTMLInputElement>('[name="host"]')!);
    await u.type(screen.getByTestId('server-form').querySelector<HTMLInputElement>('[name="host"]')!, 'neu.firma.de');
    expect(await screen.findByTestId('test-draft')).toBeInTheDocument();
    await u.click(screen.getByTestId('server-test'));
    expect(api.testServer).not.toHaveBeenCalled();
    expect(api.testServerDraft).toHaveBeenCalledWith(
      7,
      expect.objectContaining({ host: 'neu.firma.de', password: { action: 'keep' } }),
      { extra_roots: [] },
      expect.any(Function),
    );
  });

  it('a draft the backend refuses shows the field errors in the form', async () => {
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
    const u = userEvent.setup();
    render(ServersTab);
    await u.click(screen.getByTestId('server-new'));
    const form = await screen.findByTestId('server-form');
    await u.type(form.querySelector<HTMLInputElement>('[name="host"]')!, 'bad host');
    await u.click(screen.getByTestId('server-test'));
    expect(await screen.findByTestId('field-error-host')).toHaveTextContent('Ungültiger Servername');
    expect(screen.getByTestId('test-error')).toBeInTheDocument();
    expect(api.createServer).not.toHaveBeenCalled();
  });

  it('speaks English too: step names and the fix heading', async () => {
    const c = controlServerTest();
    const u = await openServer();
    await changeLang('en');
    expect(screen.getByTestId('server-test')).toHaveTextContent('Test connection');
    await u.click(screen.getByTestId('server-test'));
    c.resolve(FAILED_REPORT);
    await screen.findByTestId('test-result');
    expect(screen.getAllByTestId('test-step')[0]).toHaveTextContent('Name lookup (DNS)');
    expect(screen.getByTestId('diagnosis-fix')).toHaveTextContent('How to fix it');
    expect(screen.getByTestId('test-result')).toHaveTextContent('Test failed');
  });
});

describe('outgoing server test', () => {
  it('a new outgoing server is tested as the form holds it', async () => {
    const c = controlledRun<TestReport, ProbeEvent>();
    api.testOutgoingDraft.mockImplementation(c.impl);
    const u = userEvent.setup();
    render(OutgoingTab);
    await u.click(screen.getByTestId('outgoing-new'));
    const form = await screen.findByTestId('outgoing-form');
    await u.type(form.querySelector<HTMLInputElement>('[name="host"]')!, 'smtp.firma.de');
    await u.click(screen.getByTestId('outgoing-test'));
    expect(api.testOutgoingDraft).toHaveBeenCalledWith(
      null,
      expect.objectContaining({ host: 'smtp.firma.de' }),
      { extra_roots: [] },
      expect.any(Function),
    );
  });

  it('tests the stored outgoing server', async () => {
    const c = controlledRun<TestReport, ProbeEvent>();
    api.testOutgoing.mockImplementation(c.impl);
    const s = outgoing({ id: 20, name: 'Versand' });
    api.listOutgoing.mockResolvedValue([s]);
    api.getOutgoing.mockResolvedValue(s);
    const u = userEvent.setup();
    render(OutgoingTab);
    await u.click(await screen.findByTestId('outgoing-item'));
    await screen.findByRole('heading', { name: 'Versand' });
    await waitFor(() => expect(api.testHistory).toHaveBeenCalledWith('outgoing_server', 20));
    await u.click(screen.getByTestId('outgoing-test'));
    expect(api.testOutgoing).toHaveBeenCalledWith(20, { extra_roots: [] }, expect.any(Function));
    c.emit({ index: 0, step: step({ role: 'outgoing', kind: 'sender', status: 'ok' }) });
    expect(await screen.findByTestId('test-step')).toHaveTextContent('Absender (MAIL FROM)');
  });
});

describe('account test', () => {
  const CAROL = account({ id: 55, name: 'Carol', email: 'carol@example.test', owner: { kind: 'user', id: 1 } });

  it('"Postfach prüfen" passes the test mail recipient and the round trip', async () => {
    const c = controlledRun<TestReport, ProbeEvent>('acc-1');
    api.testAccount.mockImplementation(c.impl);
    const u = await openAccount(CAROL);
    await waitFor(() => expect(api.testHistory).toHaveBeenCalledWith('account', 55));
    const button = screen.getByTestId('account-test');
    expect(button).toHaveTextContent('Postfach prüfen');
    await u.type(screen.getByLabelText('Testmail senden an'), 'chef@example.test');
    await u.click(screen.getByLabelText('Rundlauf (an sich selbst senden und Empfang prüfen)'));
    await u.click(button);
    expect(api.testAccount).toHaveBeenCalledWith(
      55,
      { extra_roots: [], send_to: 'chef@example.test', roundtrip: true, roundtrip_wait_secs: null },
      expect.any(Function),
    );
  });

  it('unsaved edits of an account are checked as typed, with the test mail options', async () => {
    const c = controlledRun<TestReport, ProbeEvent>('acc-2');
    api.testAccountDraft.mockImplementation(c.impl);
    const u = await openAccount(CAROL);
    const email = screen.getByTestId('account-form').querySelector<HTMLInputElement>('[name="email"]')!;
    await u.clear(email);
    await u.type(email, 'carol.neu@example.test');
    expect(await screen.findByTestId('test-draft')).toBeInTheDocument();
    await u.click(screen.getByLabelText('Rundlauf (an sich selbst senden und Empfang prüfen)'));
    await u.click(screen.getByTestId('account-test'));
    expect(api.testAccount).not.toHaveBeenCalled();
    expect(api.testAccountDraft).toHaveBeenCalledWith(
      55,
      expect.objectContaining({ email: 'carol.neu@example.test' }),
      { extra_roots: [], send_to: null, roundtrip: true, roundtrip_wait_secs: null },
      expect.any(Function),
    );
    expect(api.updateAccount).not.toHaveBeenCalled();
  });

  it('without options: no test mail, no round trip; Enter in the recipient starts the test, not a save', async () => {
    const c = controlledRun<TestReport, ProbeEvent>();
    api.testAccount.mockImplementation(c.impl);
    const u = await openAccount(CAROL);
    await u.click(screen.getByTestId('account-test'));
    expect(api.testAccount).toHaveBeenLastCalledWith(
      55,
      { extra_roots: [], send_to: null, roundtrip: false, roundtrip_wait_secs: null },
      expect.any(Function),
    );
    c.resolve(probeReport());
    await screen.findByTestId('test-result');
    await u.type(screen.getByTestId('test-send-to'), 'x@example.test{Enter}');
    expect(api.testAccount).toHaveBeenCalledTimes(2);
    expect(api.updateAccount).not.toHaveBeenCalled();
  });

  it('a refused recipient is shown at the recipient field', async () => {
    const c = controlledRun<TestReport, ProbeEvent>();
    api.testAccount.mockImplementation(c.impl);
    const u = await openAccount(CAROL);
    await u.type(screen.getByTestId('test-send-to'), 'chef@');
    await u.click(screen.getByTestId('account-test'));
    c.reject(
      apiError({
        message: 'Bitte die markierten Felder korrigieren: send_to',
        fields: [{ field: 'send_to', code: 'email_invalid', message: 'Keine gültige E-Mail-Adresse: Domain fehlt' }],
      }),
    );
    const err = await screen.findByTestId('field-error-send_to');
    expect(err).toHaveTextContent('Domain fehlt');
    expect(screen.getByTestId('test-send-to')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('test-error')).not.toBeInTheDocument();
  });

  it('groups the steps by server: Posteingang, then Postausgang', async () => {
    const c = controlledRun<TestReport, ProbeEvent>();
    api.testAccount.mockImplementation(c.impl);
    const u = await openAccount(CAROL);
    await u.click(screen.getByTestId('account-test'));
    c.emit({ index: 0, step: step({ role: 'incoming', kind: 'connect' }) });
    c.emit({ index: 1, step: step({ role: 'incoming', kind: 'login' }) });
    c.emit({ index: 2, step: step({ role: 'outgoing', kind: 'connect', status: 'running' }) });
    await waitFor(() => expect(screen.getAllByTestId('test-role')).toHaveLength(2));
    const [incoming, out] = screen.getAllByTestId('test-role');
    expect(incoming).toHaveAttribute('data-role', 'incoming');
    expect(within(incoming).getByRole('heading')).toHaveTextContent('Posteingang');
    expect(within(incoming).getAllByTestId('test-step')).toHaveLength(2);
    expect(within(out).getByRole('heading')).toHaveTextContent('Postausgang');
    expect(within(out).getByTestId('test-step')).toHaveAttribute('data-status', 'running');
  });
});
