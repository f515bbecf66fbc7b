import { describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import MobileTab from './MobileTab.svelte';
import { account, api, certificate, fieldErrors, freshEachTest, mobileDevice } from '../../test/fixtures';
import type { QrCodeOut } from '$lib/backend';

vi.mock('$lib/backend');

const MAX = account({ id: 5, name: 'Max Postfach', email: 'max@example.com' });
const QR: QrCodeOut = {
  format: 'thunderbird',
  chars: 140,
  svg: '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>',
  png_base64: 'iVBORw0KGgo=',
  contains_password: false,
  device: null,
};

freshEachTest(() => {
  api.listAccounts.mockResolvedValue([MAX]);
  api.mobileQr.mockResolvedValue(QR);
  URL.createObjectURL = vi.fn(() => 'blob:x');
});

async function chooseMax() {
  const u = userEvent.setup();
  render(MobileTab);
  const select = await screen.findByTestId<HTMLSelectElement>('provision-account');
  await waitFor(() => expect(select.options).toHaveLength(2));
  await u.selectOptions(select, '5');
  return u;
}

describe('mobile tab', () => {
  it('shows the QR code of the chosen account large, without password', async () => {
    await chooseMax();
    const img = await screen.findByTestId<HTMLImageElement>('provision-qr');
    expect(api.mobileQr).toHaveBeenCalledWith(5, { format: 'thunderbird', with_password: false, device: null });
    expect(decodeURIComponent(img.src)).toContain('<rect width="1" height="1"/>');
    expect(img.width).toBe(320);
    expect(screen.getByText('140 Zeichen im Code')).toBeInTheDocument();
    expect(screen.queryByTestId('provision-password-warning')).toBeNull();
  });

  it('warns before a password goes into the code, and asks the backend for it', async () => {
    const u = await chooseMax();
    await u.click(screen.getByTestId('provision-with-password'));
    expect(screen.getByTestId('provision-password-warning')).toHaveTextContent('kann das Passwort lesen');
    await waitFor(() =>
      expect(api.mobileQr).toHaveBeenLastCalledWith(5, { format: 'thunderbird', with_password: true, device: null }),
    );
  });

  it('exports the profile for the named device and reloads the device list', async () => {
    api.listCertificates.mockResolvedValue([
      certificate({ id: 9, name: 'Signatur', has_private_key: true }),
      certificate({ id: 10, name: 'Nur Zertifikat', has_private_key: false }),
    ]);
    const device = mobileDevice({ name: 'iPhone Max Postfach', account_name: 'Max Postfach' });
    api.mobileProfile.mockResolvedValue({
      file_name: 'max-example.com.mobileconfig',
      mime: 'application/x-apple-aspen-config',
      data_base64: 'PD94bWw+',
      contains_password: false,
      signed: true,
      device,
    });
    const u = await chooseMax();
    await u.click(screen.getByTestId('provision-format-profile'));
    const sign = screen.getByTestId<HTMLSelectElement>('provision-sign');
    // Only certificates with a private key can sign.
    await waitFor(() => expect(sign.options).toHaveLength(2));
    await u.selectOptions(sign, within(sign).getByText(/Signatur/));
    api.listMobileDevices.mockResolvedValue([device]);
    await u.click(screen.getByTestId('provision-export-profile'));
    await waitFor(() =>
      expect(api.mobileProfile).toHaveBeenCalledWith(5, {
        with_password: false,
        certificate_id: 9,
        device: { name: 'iPhone Max Postfach', platform: 'ios', user_id: null },
      }),
    );
    expect(await screen.findByTestId('provision-notice')).toHaveTextContent('„iPhone Max Postfach“');
    // Through the native save dialog, owner-only (a profile may hold the password).
    expect(api.saveFile).toHaveBeenCalledWith('max-example.com.mobileconfig', 'PD94bWw+', true);
    const item = await screen.findByTestId('mobile-item');
    expect(item).toHaveTextContent('iPhone Max Postfach');
    expect(item).toHaveTextContent('Apple-Profil');
  });

  it('shows the refusal that names what to change', async () => {
    api.mobileProfile.mockRejectedValue(
      fieldErrors('Eingaben prüfen', ['certificate', 'certificate_no_key', 'Dieses Zertifikat hat keinen privaten Schlüssel.']),
    );
    const u = await chooseMax();
    await u.click(screen.getByTestId('provision-format-profile'));
    await u.click(screen.getByTestId('provision-export-profile'));
    expect(await screen.findByTestId('provision-error')).toHaveTextContent('keinen privaten Schlüssel');
  });

  it('autoconfig shows both URLs and the publication check', async () => {
    api.mobileAutoconfig.mockResolvedValue({
      domain: 'example.com',
      xml: '<clientConfig version="1.1"/>',
      urls: [
        'https://autoconfig.example.com/mail/config-v1.1.xml',
        'https://example.com/.well-known/autoconfig/mail/config-v1.1.xml',
      ],
      username_placeholder: true,
      account_id: 5,
    });
    api.checkAutoconfig.mockResolvedValue([
      { url: 'https://autoconfig.example.com/mail/config-v1.1.xml', published: true, status: 200, problem: null },
      { url: 'https://example.com/.well-known/…', published: false, status: 404, problem: 'HTTP 404' },
    ]);
    const u = await chooseMax();
    await u.click(screen.getByTestId('provision-format-autoconfig'));
    expect(await screen.findByTestId('provision-urls')).toHaveTextContent('https://autoconfig.example.com/mail/config-v1.1.xml');
    expect(screen.getByTestId('provision-xml')).toHaveTextContent('clientConfig');
    await u.click(screen.getByTestId('provision-check'));
    expect(await screen.findByTestId('provision-published')).toHaveTextContent('veröffentlicht');
    expect(screen.getByTestId('provision-urls')).toHaveTextContent('nicht gefunden: HTTP 404');
  });

  it('lists, searches and edits the mobile accounts', async () => {
    const d = mobileDevice({ id: 3, name: 'Pixel Anna', platform: 'android', method: 'qr', account_id: 5 });
    api.listMobileDevices.mockResolvedValue([d]);
    api.updateMobileDevice.mockResolvedValue({ ...d, version: 2, notes: 'Diensthandy' });
    const u = userEvent.setup();
    render(MobileTab);
    const item = await screen.findByTestId('mobile-item');
    expect(item).toHaveTextContent('Android');
    expect(item).toHaveTextContent('QR-Code');
    await u.type(screen.getByTestId('mobile-search'), 'pixel');
    await waitFor(() => expect(api.listMobileDevices).toHaveBeenLastCalledWith('pixel'));
    await u.click(item);
    const notes = await screen.findByLabelText('Notizen');
    await u.type(notes, 'Diensthandy');
    await u.click(screen.getByTestId('mobile-save'));
    await waitFor(() =>
      expect(api.updateMobileDevice).toHaveBeenCalledWith(3, 1, expect.objectContaining({ notes: 'Diensthandy', platform: 'android' })),
    );
  });
});
