import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import CertificatesSection from './CertificatesSection.svelte';
import TemplatesSection from './TemplatesSection.svelte';
import TransferSection from './TransferSection.svelte';
import { bytesToBase64 } from './files';
import { api, apiError, certificate, fieldErrors, freshEachTest, template } from '../../test/fixtures';

vi.mock('$lib/backend');

function field<T extends HTMLElement = HTMLInputElement>(form: string, name: string): T {
  const el = screen.getByTestId(`${form}-form`).querySelector<T>(`[name="${name}"]`);
  if (!el) throw new Error(`no input named ${name}`);
  return el;
}

freshEachTest();

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('certificate store', () => {
  it('marks certificates that expire soon or expired, and only those', async () => {
    api.listCertificates.mockResolvedValue([
      certificate({ name: 'Gültig', expiry_warning: false, days_left: 400 }),
      certificate({ name: 'Bald', expiry_warning: true, days_left: 12 }),
      certificate({ name: 'Alt', expiry_warning: true, days_left: -3 }),
    ]);
    render(CertificatesSection);
    const items = await screen.findAllByTestId('cert-item');
    expect(within(items[0]).queryByTestId('cert-expiry-badge')).not.toBeInTheDocument();
    expect(within(items[1]).getByTestId('cert-expiry-badge')).toHaveTextContent('läuft bald ab');
    expect(within(items[1]).getByTestId('cert-expiry-badge')).toHaveAttribute('title', 'läuft in 12 Tagen ab');
    expect(within(items[2]).getByTestId('cert-expiry-badge')).toHaveTextContent('abgelaufen');
  });

  it('shows subject, issuer, validity, fingerprint and private key, with the expiry warning', async () => {
    const c = certificate({
      name: 'S/MIME Vertrieb',
      subject: 'CN=Vertrieb, O=Müller Bau GmbH',
      issuer: 'CN=Sectigo',
      sha256: '12:34:56',
      has_private_key: false,
      expiry_warning: true,
      days_left: 20,
    });
    api.listCertificates.mockResolvedValue([c]);
    const u = userEvent.setup();
    render(CertificatesSection);
    await u.click(await screen.findByTestId('cert-item'));
    expect(screen.getByTestId('cert-subject')).toHaveTextContent('CN=Vertrieb, O=Müller Bau GmbH');
    expect(screen.getByTestId('cert-issuer')).toHaveTextContent('CN=Sectigo');
    expect(screen.getByTestId('cert-sha256')).toHaveTextContent('12:34:56');
    expect(screen.getByTestId('cert-private-key')).toHaveTextContent('nein');
    expect(screen.getByTestId('cert-validity')).toHaveTextContent('2025');
    expect(screen.getByTestId('cert-expiry-warning')).toHaveTextContent('läuft in 20 Tagen ab');
  });

  it('import reads the file as base64 and sends name and passphrase', async () => {
    api.importCertificate.mockResolvedValue({ item: certificate({ id: 70, name: 'smime' }), warnings: [] });
    const u = userEvent.setup();
    render(CertificatesSection);
    await u.click(screen.getByTestId('cert-new'));
    const bytes = new Uint8Array([0x30, 0x82, 0x01, 0xff, 0x00, 0x7f]);
    await u.upload(screen.getByTestId('cert-file'), new File([bytes], 'smime.p12'));
    await waitFor(() => expect(field('cert', 'name')).toHaveValue('smime'));
    await u.type(field('cert', 'passphrase'), 'geheim');
    await u.click(screen.getByTestId('cert-save'));
    await waitFor(() =>
      expect(api.importCertificate).toHaveBeenCalledWith({
        name: 'smime',
        data_base64: 'MIIB/wB/',
        passphrase: 'geheim',
        trust_root: false,
        trust_hosts: [],
      }),
    );
    expect(await screen.findByTestId('cert-notice')).toHaveTextContent('Zertifikat „smime“ importiert.');
  });

  it('an unreadable file is reported at the file input', async () => {
    api.importCertificate.mockRejectedValue(
      apiError({
        field: 'data',
        fields: [{ field: 'data', code: 'certificate_invalid', message: 'Das Zertifikat konnte nicht gelesen werden: kein PEM' }],
      }),
    );
    const u = userEvent.setup();
    render(CertificatesSection);
    await u.click(screen.getByTestId('cert-new'));
    await u.click(screen.getByTestId('cert-save'));
    expect(screen.getByTestId('field-error-file')).toHaveTextContent('Datei auswählen');
    expect(api.importCertificate).not.toHaveBeenCalled();

    await u.upload(screen.getByTestId('cert-file'), new File(['nonsense'], 'x.pem'));
    await u.click(screen.getByTestId('cert-save'));
    const err = await screen.findByTestId('field-error-data');
    expect(err).toHaveTextContent('kein PEM');
    expect(screen.getByTestId('cert-file').closest('.control')).toContainElement(err);
    expect(api.importCertificate).toHaveBeenCalledWith({
      name: 'x',
      data_base64: btoa('nonsense'),
      passphrase: null,
      trust_root: false,
      trust_hosts: [],
    });
  });

  it('rename sends the version', async () => {
    const c = certificate({ id: 71, version: 4, name: 'Alt' });
    api.listCertificates.mockResolvedValue([c]);
    api.renameCertificate.mockResolvedValue({ ...c, name: 'Neu', version: 5 });
    const u = userEvent.setup();
    render(CertificatesSection);
    await u.click(await screen.findByTestId('cert-item'));
    await u.clear(field('cert', 'name'));
    await u.type(field('cert', 'name'), 'Neu');
    await u.click(screen.getByTestId('cert-save'));
    await waitFor(() => expect(api.renameCertificate).toHaveBeenCalledWith(71, 4, 'Neu'));
  });

  it('a stored CA is trusted as root for the hosts entered', async () => {
    const c = certificate({ id: 72, version: 2, name: 'Firmen-CA' });
    api.listCertificates.mockResolvedValue([c]);
    api.setCertificateTrust.mockResolvedValue({ ...c, version: 3, trust_root: true, trust_hosts: ['mail.firma.de'] });
    const u = userEvent.setup();
    render(CertificatesSection);
    await u.click(await screen.findByTestId('cert-item'));
    await u.click(field('cert', 'trust_root'));
    await u.type(field('cert', 'trust_hosts'), 'Mail.firma.de, ');
    await u.click(screen.getByTestId('cert-save'));
    await waitFor(() =>
      expect(api.setCertificateTrust).toHaveBeenCalledWith(72, 2, { trust_root: true, trust_hosts: ['Mail.firma.de'] }),
    );
    expect(api.renameCertificate).not.toHaveBeenCalled();
  });

  it('base64 of binary data is exact', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    expect(atob(bytesToBase64(all))).toBe(String.fromCharCode(...all));
  });
});

describe('templates', () => {
  it('lists saved templates and deletes one after asking', async () => {
    api.listTemplates.mockResolvedValue([template({ id: 5, version: 2, name: 'GMX-Konto', kind: 'account' })]);
    api.deleteTemplate.mockResolvedValue({ id: 5, warnings: [] });
    const u = userEvent.setup();
    render(TemplatesSection);
    const row = await screen.findByTestId('template-item');
    expect(row).toHaveTextContent('GMX-Konto');
    expect(row).toHaveTextContent('Konto');
    expect(await screen.findByTestId('preset-table')).toHaveTextContent('imap.gmx.net:993');
    await u.click(within(row).getByTestId('template-delete'));
    expect(api.deleteTemplate).not.toHaveBeenCalled();
    api.listTemplates.mockResolvedValue([]);
    await u.click(within(row).getByTestId('template-delete-confirm'));
    await waitFor(() => expect(api.deleteTemplate).toHaveBeenCalledWith(5, 2));
    expect(await screen.findByTestId('template-empty')).toBeInTheDocument();
  });
});

describe('export', () => {
  it('without secrets: no passphrase; the backend saves it where the save dialog says, and the page says where', async () => {
    api.exportConfigToFile.mockResolvedValue({ outcome: 'saved', path: '/home/anna/mailbox-admin-export.json', bytes: 3072 });
    const u = userEvent.setup();
    render(TransferSection);
    await u.click(screen.getByTestId('export-run'));
    await waitFor(() => expect(api.exportConfigToFile).toHaveBeenCalledWith({ include_secrets: false, passphrase: null }));
    const done = await screen.findByTestId('export-done');
    expect(done).toHaveTextContent('Export gespeichert (3 KB): /home/anna/mailbox-admin-export.json');
    expect(done).toHaveTextContent('Ohne Passwörter');
    // The configuration itself never reaches the page.
    expect(api.exportConfig).not.toHaveBeenCalled();
  });

  it('a cancelled save dialog is said as such, not as an export', async () => {
    api.exportConfigToFile.mockResolvedValue({ outcome: 'cancelled' });
    const u = userEvent.setup();
    render(TransferSection);
    await u.click(screen.getByTestId('export-run'));
    expect(await screen.findByTestId('export-cancelled')).toHaveTextContent('Speichern-Dialog wurde abgebrochen');
    expect(screen.queryByTestId('export-done')).toBeNull();
  });

  it('with secrets: a passphrase of at least 8 characters is required', async () => {
    api.exportConfigToFile.mockResolvedValue({ outcome: 'saved', path: '/tmp/e.json', bytes: 10 });
    const u = userEvent.setup();
    render(TransferSection);
    await u.click(screen.getByTestId('export-secrets'));
    await u.type(screen.getByTestId('export-passphrase'), 'kurz');
    await u.click(screen.getByTestId('export-run'));
    expect(screen.getByTestId('export-error')).toHaveTextContent('mindestens 8 Zeichen');
    expect(api.exportConfigToFile).not.toHaveBeenCalled();
    await u.type(screen.getByTestId('export-passphrase'), 'genug!!');
    // A typo in the repetition: refused, nothing exported.
    await u.type(screen.getByTestId('export-passphrase-repeat'), 'kurzgenug!?');
    await u.click(screen.getByTestId('export-run'));
    expect(screen.getByTestId('export-error')).toHaveTextContent('stimmen nicht überein');
    expect(api.exportConfigToFile).not.toHaveBeenCalled();
    await u.clear(screen.getByTestId('export-passphrase-repeat'));
    await u.type(screen.getByTestId('export-passphrase-repeat'), 'kurzgenug!!');
    await u.click(screen.getByTestId('export-run'));
    await waitFor(() =>
      expect(api.exportConfigToFile).toHaveBeenCalledWith({ include_secrets: true, passphrase: 'kurzgenug!!' }),
    );
    expect(await screen.findByTestId('export-done')).toHaveTextContent('verschlüsselt enthalten');
  });
});

describe('import', () => {
  const JSON_TEXT = '{"format":"mailbox-admin","version":1}';

  async function pickFile() {
    const u = userEvent.setup();
    render(TransferSection);
    await u.upload(screen.getByTestId('import-file'), new File([JSON_TEXT], 'export.json', { type: 'application/json' }));
    await waitFor(() => expect(screen.getByTestId('import-run')).toBeEnabled());
    return u;
  }

  it('lists every conflict, changes nothing, and "skip existing" imports the rest', async () => {
    api.importConfig.mockRejectedValueOnce(
      fieldErrors(
        'Bitte die markierten Felder korrigieren: import',
        ['import', 'import_conflict', 'Postausgangsserver „Versand Zentrale“ existiert bereits.'],
        ['import', 'import_conflict', 'Benutzer „anna“ existiert bereits.'],
      ),
    );
    const u = await pickFile();
    await u.type(screen.getByTestId('import-passphrase'), 'lang genug');
    await u.click(screen.getByTestId('import-run'));
    await waitFor(() =>
      expect(api.importConfig).toHaveBeenCalledWith(JSON_TEXT, { on_conflict: 'fail', passphrase: 'lang genug' }),
    );
    const items = within(await screen.findByTestId('import-conflicts')).getAllByTestId('import-conflict');
    expect(items.map((i) => i.textContent)).toEqual([
      'Postausgangsserver „Versand Zentrale“ existiert bereits.',
      'Benutzer „anna“ existiert bereits.',
    ]);
    expect(screen.getByTestId('import-conflicts')).toHaveTextContent('2 Einträge gibt es bereits');

    api.importConfig.mockResolvedValue({
      created: { accounts: 2, users: 1 },
      skipped: ['outgoing "Versand Zentrale"', 'user "anna"'],
      secrets_restored: 0,
      secrets_to_reenter: ['account "Vertrieb Postfach": password'],
      warnings: [],
    });
    await u.click(screen.getByTestId('import-skip'));
    await waitFor(() =>
      expect(api.importConfig).toHaveBeenLastCalledWith(JSON_TEXT, { on_conflict: 'skip', passphrase: 'lang genug' }),
    );
    const report = await screen.findByTestId('import-report');
    expect(report).toHaveTextContent('3 Einträge angelegt');
    const created = within(report).getAllByTestId('import-created');
    expect(created[0]).toHaveTextContent('Konten');
    expect(created[0]).toHaveTextContent('2');
    expect(within(report).getByTestId('import-skipped')).toHaveTextContent('user "anna"');
    expect(within(report).getByTestId('import-reenter')).toHaveTextContent('account "Vertrieb Postfach": password');
    expect(screen.queryByTestId('import-conflicts')).not.toBeInTheDocument();
  });

  it('other errors (bad file, wrong passphrase) are shown as such', async () => {
    api.importConfig.mockRejectedValue(
      apiError({ field: 'passphrase', fields: [{ field: 'passphrase', code: 'passphrase_wrong', message: 'Die Passphrase passt nicht.' }] }),
    );
    const u = await pickFile();
    await u.click(screen.getByTestId('import-run'));
    expect(await screen.findByTestId('import-error')).toHaveTextContent('Die Passphrase passt nicht.');
    expect(screen.queryByTestId('import-skip')).not.toBeInTheDocument();
    expect(api.importConfig).toHaveBeenCalledWith(JSON_TEXT, { on_conflict: 'fail', passphrase: null });
  });
});
