// "Domain prüfen": the fields start from the account's address and outgoing server, the
// check sends what was typed, the report shows each step with its diagnoses, and an input
// error lands at its field.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import DomainCheckPanel from './DomainCheckPanel.svelte';
import type { DomainReport, DomainStep } from '$lib/backend';
import { api, diagnosis, fieldErrors, freshEachTest, outgoing } from '../../test/fixtures';
import { domainOf, selectorsOf } from './domain';

vi.mock('$lib/backend');

const domainStep = (overrides: Partial<DomainStep> = {}): DomainStep => ({
  kind: 'mx',
  status: 'ok',
  duration_ms: 3,
  summary: '',
  diagnosis: null,
  more_diagnoses: [],
  transcript: [],
  ...overrides,
});

function domainReport(overrides: Partial<DomainReport> = {}): DomainReport {
  return {
    domain: 'firma.test',
    ascii_domain: 'firma.test',
    sender: 'info@firma.test',
    dns_server: '127.0.0.53:53',
    outgoing: { name: 'Versand', host: 'smtp.firma.test', ips: ['127.0.0.1'] },
    started_at: '2025-05-12T08:30:00Z',
    duration_ms: 40,
    ok: false,
    codes: ['domain.spf_not_authorized'],
    steps: [
      domainStep({ kind: 'mx', summary: 'mx.firma.test (10)' }),
      domainStep({
        kind: 'spf_outgoing',
        status: 'failed',
        summary: 'v=spf1 ip4:192.0.2.1 -all',
        diagnosis: diagnosis({
          code: 'domain.spf_not_authorized',
          title: 'SPF erlaubt den Postausgangsserver nicht',
          explanation: 'Der SPF-Eintrag von firma.test erlaubt 127.0.0.1 nicht.',
          fix: 'ip4:127.0.0.1 in den SPF-Eintrag aufnehmen.',
          evidence: [{ key: 'record', value: 'v=spf1 ip4:192.0.2.1 -all' }],
        }),
      }),
    ],
    mx: ['mx.firma.test'],
    spf: null,
    dmarc: null,
    dkim: [],
    mta_sts: null,
    ...overrides,
  };
}

const SERVERS = [outgoing({ id: 3, name: 'Versand', host: 'smtp.firma.test' }), outgoing({ id: 4, name: 'Relay', host: 'relay.test' })];

freshEachTest();

describe('domain check panel', () => {
  it('starts from the address and the picked outgoing server and sends what was typed', async () => {
    const u = userEvent.setup();
    api.checkDomain.mockResolvedValue(domainReport());
    render(DomainCheckPanel, { address: 'info@firma.test', outgoing: SERVERS, outgoingName: 'Versand' });
    expect(screen.queryByTestId('domain-domain')).toBeNull();
    await u.click(screen.getByTestId('domain-toggle'));
    expect(screen.getByTestId<HTMLInputElement>('domain-domain').value).toBe('firma.test');
    expect(screen.getByTestId<HTMLInputElement>('domain-sender').value).toBe('info@firma.test');
    expect(screen.getByTestId<HTMLSelectElement>('domain-outgoing').value).toBe('Versand');
    await u.type(screen.getByTestId('domain-selectors'), 's1, mail2024');
    await u.click(screen.getByTestId('domain-check'));
    expect(api.checkDomain).toHaveBeenCalledWith({
      domain: 'firma.test',
      sender: 'info@firma.test',
      outgoing: 'Versand',
      dkim_selectors: ['s1', 'mail2024'],
      dns_server: '',
    });
  });

  it('shows each step with its name, summary and the diagnosis with fix and evidence', async () => {
    const u = userEvent.setup();
    api.checkDomain.mockResolvedValue(domainReport());
    render(DomainCheckPanel, { address: 'info@firma.test', outgoing: SERVERS });
    await u.click(screen.getByTestId('domain-toggle'));
    await u.click(screen.getByTestId('domain-check'));
    const result = await screen.findByTestId('domain-result');
    expect(result.dataset.ok).toBe('false');
    expect(result.textContent).toContain('firma.test: Probleme gefunden');
    expect(result.textContent).toContain('domain.spf_not_authorized');
    const steps = within(screen.getByTestId('domain-steps')).getAllByTestId('test-step');
    expect(steps.map((s) => s.dataset.kind)).toEqual(['mx', 'spf_outgoing']);
    expect(steps[0].textContent).toContain('MX (Posteingang der Domain)');
    expect(steps[1].dataset.status).toBe('failed');
    expect(steps[1].textContent).toContain('SPF erlaubt den Postausgangsserver nicht');
    expect(steps[1].textContent).toContain('ip4:127.0.0.1 in den SPF-Eintrag aufnehmen.');
    expect(steps[1].textContent).toContain('v=spf1 ip4:192.0.2.1 -all');
  });

  it('puts an input error at its field', async () => {
    const u = userEvent.setup();
    api.checkDomain.mockRejectedValue(
      fieldErrors('Eingaben prüfen', ['domain', 'domain_invalid', 'Keine gültige Domain: „firma..de“']),
    );
    render(DomainCheckPanel, { address: '', outgoing: [] });
    await u.click(screen.getByTestId('domain-toggle'));
    await u.type(screen.getByTestId('domain-domain'), 'firma..de');
    await u.click(screen.getByTestId('domain-check'));
    expect((await screen.findByTestId('domain-error-domain')).textContent).toContain('firma..de');
    expect(screen.getByTestId('domain-domain').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('domain-result')).toBeNull();
  });
});

describe('helpers', () => {
  it('takes the domain of an address and splits selectors', () => {
    expect(domainOf(' info@Firma.de ')).toBe('Firma.de');
    expect(domainOf('firma.de')).toBe('firma.de');
    expect(selectorsOf('s1, s2  s3;;')).toEqual(['s1', 's2', 's3']);
    expect(selectorsOf('  ')).toEqual([]);
  });
});
