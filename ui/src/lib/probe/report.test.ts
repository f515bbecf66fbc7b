import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetLangForTests } from '$lib/i18n.svelte';
import { applyEvent, copyText, evidenceLabel,
  fixTarget, groupByRole, reportText, transcriptText, verdictOf } from './report';
import { diagnosis, probeReport, step } from '../../test/fixtures';

vi.mock('$lib/backend');

beforeEach(() => resetLangForTests('de'));
afterEach(() => vi.unstubAllGlobals());

describe('applyEvent', () => {
  it('adds a started step and replaces it by index when it ends', () => {
    const running = step({ kind: 'connect', status: 'running' });
    let steps = applyEvent([], { index: 0, step: running });
    expect(steps).toEqual([running]);
    const done = step({ kind: 'connect', status: 'failed' });
    steps = applyEvent(steps, { index: 0, step: done });
    expect(steps).toEqual([done]);
    const next = applyEvent(steps, { index: 1, step: step({ kind: 'tls', status: 'running' }) });
    expect(next.map((s) => s?.kind)).toEqual(['connect', 'tls']);
    // Never in place: the live list is replaced, so the view updates.
    expect(steps).toHaveLength(1);
  });
});

describe('groupByRole', () => {
  it('groups consecutive steps of a server and keeps their indexes', () => {
    const groups = groupByRole([
      step({ role: 'incoming', kind: 'connect' }),
      step({ role: 'incoming', kind: 'login' }),
      undefined,
      step({ role: 'outgoing', kind: 'connect' }),
    ]);
    expect(groups.map((g) => [g.role, g.steps.map((s) => s.index)])).toEqual([
      ['incoming', [0, 1]],
      ['outgoing', [3]],
    ]);
  });
});

describe('texts', () => {
  it('transcripts carry direction markers', () => {
    expect(
      transcriptText([
        { dir: 'server', text: '* OK ready' },
        { dir: 'client', text: 'a1 CAPABILITY' },
        { dir: 'info', text: 'STARTTLS' },
      ]),
    ).toBe('S: * OK ready\nC: a1 CAPABILITY\n* STARTTLS');
  });

  it('the verdict tells warnings and cancellation apart', () => {
    expect(verdictOf(probeReport())).toBe('ok');
    expect(verdictOf(probeReport({ codes: ['tls.expires_soon'] }))).toBe('ok_warnings');
    expect(verdictOf(probeReport({ ok: false }))).toBe('failed');
    expect(verdictOf(probeReport({ ok: false, cancelled: true }))).toBe('cancelled');
  });

  it('evidence keys get labels, the folder roles and fingerprints too', () => {
    expect(evidenceLabel('server_said')).toBe('Antwort des Servers');
    expect(evidenceLabel('pinned_sha256')).toBe('Hinterlegter Fingerabdruck (SHA-256)');
    expect(evidenceLabel('trash')).toBe('Papierkorb');
    expect(evidenceLabel('server_alert')).toBe('Hinweis des Servers');
    expect(evidenceLabel('source')).toBe('Quelle (Anleitung des Anbieters)');
  });

  it('each diagnosis points at the setting that fixes it', () => {
    expect(fixTarget('net.refused')).toBe('port_security');
    expect(fixTarget('tls.untrusted_issuer')).toBe('certificate');
    expect(fixTarget('auth.failed')).toBe('credentials');
    expect(fixTarget('dns.not_found')).toBe('host');
    expect(fixTarget('oauth.consent_missing')).toBe('oauth');
    // Not the password: the server (or its provider) has to act, or it passes by itself.
    expect(fixTarget('auth.temporary')).toBe('server_side');
    expect(fixTarget('auth.access_disabled')).toBe('server_side');
    expect(fixTarget('auth.app_password_required')).toBe('credentials');
    expect(fixTarget('smtp.auth_required')).toBe('credentials');
  });

  it('a whole report as text names every step, code, fix and transcript line', () => {
    const text = reportText(
      probeReport({
        ok: false,
        codes: ['net.refused'],
        steps: [
          step({
            kind: 'connect',
            status: 'failed',
            diagnosis: diagnosis(),
            transcript: [{ dir: 'info', text: 'connect 127.0.0.1:1993' }],
          }),
        ],
      }),
    );
    expect(text).toContain('Test fehlgeschlagen');
    expect(text).toContain('[fehlgeschlagen] Posteingang – Verbindung (TCP)');
    expect(text).toContain('net.refused: Verbindung abgelehnt');
    expect(text).toContain('So beheben Sie es: Port prüfen');
    expect(text).toContain('    * connect 127.0.0.1:1993');
  });
});

describe('copyText', () => {
  it('uses the clipboard API', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    await expect(copyText('abc')).resolves.toBe(true);
    expect(writeText).toHaveBeenCalledWith('abc');
  });

  it('falls back to a selected textarea where the API is missing or refuses', async () => {
    vi.stubGlobal('navigator', {
      ...navigator,
      clipboard: { writeText: vi.fn().mockRejectedValue(new Error('not allowed')) },
    });
    let copied = '';
    const exec = vi.fn(() => {
      copied = (document.activeElement as HTMLTextAreaElement | null)?.value ?? '';
      return true;
    });
    Object.defineProperty(document, 'execCommand', { value: exec, configurable: true });
    await expect(copyText('line 1\nline 2')).resolves.toBe(true);
    expect(exec).toHaveBeenCalledWith('copy');
    expect(copied).toBe('line 1\nline 2');
    expect(document.querySelector('textarea')).toBeNull();
  });
});
