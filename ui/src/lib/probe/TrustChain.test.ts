// "Zertifikatskette prüfen und vertrauen …" under a failed TLS step: the presented chain,
// the explicit confirmation, trusting the presented root (or the stored issuer, or pinning the
// leaf), and the test running again.
import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/svelte';
import ServersTab from '$lib/servers/ServersTab.svelte';
import type { CertInfo, ProbeEvent, TestReport } from '$lib/backend';
import { api, certificate, controlledRun, diagnosis, freshEachTest, probeReport, server, step } from '../../test/fixtures';
import { tabDriver } from '../../test/tabs';

vi.mock('$lib/backend');
freshEachTest();

const SERVER = server({ id: 7, name: 'Exchange', host: 'mail.firma.local', port: 993, port_manual: true });

const leaf: CertInfo = {
  subject: 'CN=mail.firma.local',
  issuer: 'CN=Firma Root CA, O=Firma GmbH',
  names: ['mail.firma.local'],
  not_before: '2025-01-01T00:00:00Z',
  not_after: '2027-01-01T00:00:00Z',
  sha256: 'AB:CD:EF:01',
  self_signed: false,
  pem: '-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n',
};
const root: CertInfo = {
  ...leaf,
  subject: 'CN=Firma Root CA, O=Firma GmbH',
  names: [],
  sha256: '12:34:56',
  self_signed: true,
  pem: '-----BEGIN CERTIFICATE-----\nROOT\n-----END CERTIFICATE-----\n',
};

function untrusted(chain: CertInfo[]): TestReport {
  return probeReport({
    ok: false,
    codes: ['tls.untrusted_issuer'],
    steps: [
      step({
        kind: 'tls',
        status: 'failed',
        diagnosis: diagnosis({ code: 'tls.untrusted_issuer', title: 'Aussteller nicht vertrauenswürdig' }),
        tls: { version: '', cipher: '', trust: 'failed', checked_name: 'mail.firma.local', chain, os_trust: null },
      }),
    ],
  });
}

async function failedTest(chain: CertInfo[]) {
  const first = controlledRun<TestReport, ProbeEvent>('run-1');
  const again = controlledRun<TestReport, ProbeEvent>('run-2');
  api.testServer.mockImplementationOnce(first.impl).mockImplementationOnce(again.impl);
  const u = await tabDriver(ServersTab, 'server').openStored(SERVER);
  await u.click(screen.getByTestId('server-test'));
  first.resolve(untrusted(chain));
  await u.click(await screen.findByTestId('trust-chain-open'));
  return { u, again };
}

describe('trusting a certificate chain from a failed test', () => {
  it('shows the chain and trusts the presented root for this server only after confirmation, then tests again', async () => {
    const { u, again } = await failedTest([leaf, root]);
    const panel = screen.getByTestId('trust-panel');
    const certs = within(panel).getAllByTestId('trust-cert');
    expect(certs).toHaveLength(2);
    expect(certs[1]).toHaveTextContent('Stammzertifizierungsstelle');
    expect(certs[1]).toHaveTextContent('CN=Firma Root CA, O=Firma GmbH');
    expect(certs[1]).toHaveTextContent('12:34:56');
    const trust = screen.getByTestId('trust-root');
    expect(trust).toHaveTextContent('„Firma Root CA“ als Stammzertifizierungsstelle vertrauen');
    expect(trust).toBeDisabled();
    await u.click(screen.getByTestId('trust-confirm'));
    api.trustPresentedCertificate.mockResolvedValue({ item: certificate({ trust_root: true }), warnings: [] });
    await u.click(trust);
    expect(api.trustPresentedCertificate).toHaveBeenCalledWith('Firma Root CA', root.pem, {
      trust_root: true,
      trust_hosts: ['mail.firma.local'],
    });
    await waitFor(() => expect(api.testServer).toHaveBeenCalledTimes(2));
    again.resolve(probeReport({ ok: true }));
    expect(await screen.findByTestId('test-result')).toHaveAttribute('data-ok', 'true');
  });

  it('without a presented root: trusts the issuer from the certificate store, installation-wide', async () => {
    const stored = certificate({ id: 3, version: 2, name: 'Firmen-CA', subject: root.subject });
    api.listCertificates.mockResolvedValue([stored]);
    const { u } = await failedTest([leaf]);
    expect(screen.queryByTestId('trust-root')).not.toBeInTheDocument();
    await u.click(screen.getByTestId('trust-scope-all'));
    await u.click(screen.getByTestId('trust-confirm'));
    api.setCertificateTrust.mockResolvedValue({ ...stored, trust_root: true });
    await u.click(await screen.findByTestId('trust-stored'));
    expect(api.setCertificateTrust).toHaveBeenCalledWith(3, 2, { trust_root: true, trust_hosts: [] });
    await waitFor(() => expect(api.testServer).toHaveBeenCalledTimes(2));
  });

  it('pins only the leaf at the tested server', async () => {
    api.listCertificates.mockResolvedValue([]);
    const { u } = await failedTest([leaf]);
    expect(await screen.findByTestId('trust-no-root')).toHaveTextContent('Firma Root CA');
    await u.click(screen.getByTestId('trust-confirm'));
    api.pinTestedCertificate.mockResolvedValue('Exchange');
    await u.click(screen.getByTestId('trust-pin'));
    expect(api.pinTestedCertificate).toHaveBeenCalledWith('incoming_server', 7, 'incoming', 'AB:CD:EF:01');
    await waitFor(() => expect(api.testServer).toHaveBeenCalledTimes(2));
  });
});
