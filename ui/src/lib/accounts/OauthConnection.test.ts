// An account's OAuth connection: the status (who, scopes, expiry, missing scopes), the three
// flows streamed live (device code, browser), cancel, errors and disconnect. The connect
// run is driven by hand (`controlledRun`).
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import OauthConnection from './OauthConnection.svelte';
import type { ConnectEvent, OauthStatus } from '$lib/backend';
import {
  api,
  apiError,
  controlledRun,
  freshEachTest,
  oauthConnection,
  oauthProvider,
  oauthStatus,
} from '../../test/fixtures';

vi.mock('$lib/backend');

const ACCOUNT = 5;
const CONNECTED = oauthStatus({
  account_id: ACCOUNT,
  connection: oauthConnection({
    account_id: ACCOUNT,
    provider_name: 'Entra ID',
    subject: 'anna@contoso.example',
    flow: 'device_code',
    scopes: 'openid https://outlook.office.com/IMAP.AccessAsUser.All',
    expires_at: '2025-05-12T09:30:00Z',
    has_refresh_token: true,
  }),
});

function controlConnect(run = 'connect-1') {
  const c = controlledRun<OauthStatus, ConnectEvent>(run);
  api.oauthConnect.mockImplementation(c.impl);
  return c;
}

async function show(status: OauthStatus = oauthStatus({ account_id: ACCOUNT }), providers = [oauthProvider({ id: 2, name: 'Entra ID', kind: 'microsoft365' })]) {
  api.oauthStatus.mockResolvedValue(status);
  const u = userEvent.setup();
  render(OauthConnection, { props: { accountId: ACCOUNT, providers } });
  await waitFor(() => expect(screen.getByTestId('oauth-status')).toHaveAttribute('data-connected'));
  return u;
}

freshEachTest();

describe('status', () => {
  it('says "Nicht verbunden" without a connection; nothing to disconnect', async () => {
    await show();
    expect(api.oauthStatus).toHaveBeenCalledWith(ACCOUNT);
    expect(screen.getByTestId('oauth-status')).toHaveTextContent('Nicht verbunden');
    expect(screen.getByTestId('oauth-status')).toHaveAttribute('data-connected', 'false');
    expect(screen.queryByTestId('oauth-subject')).toBeNull();
    expect(screen.getByTestId('oauth-disconnect')).toBeDisabled();
    expect(screen.queryByTestId('oauth-cancel')).toBeNull();
  });

  it('shows provider, subject, flow, scopes, localized expiry, the refresh token and missing scopes', async () => {
    await show({ ...CONNECTED, missing_scopes: ['https://outlook.office.com/SMTP.Send'] });
    const status = screen.getByTestId('oauth-status');
    expect(status).toHaveAttribute('data-connected', 'true');
    expect(status).toHaveTextContent('Verbunden');
    expect(screen.getByTestId('oauth-subject')).toHaveTextContent('anna@contoso.example');
    expect(screen.getByTestId('oauth-connection-provider')).toHaveTextContent('Entra ID');
    expect(screen.getByTestId('oauth-flow')).toHaveTextContent('Gerätecode');
    expect(screen.getByTestId('oauth-scopes')).toHaveTextContent('https://outlook.office.com/IMAP.AccessAsUser.All');
    const expires = screen.getByTestId('oauth-expires');
    expect(expires).toHaveTextContent('2025');
    expect(expires).toHaveTextContent(/12\.05\.2025|12\. Mai 2025/);
    expect(expires.querySelector('time')).toHaveAttribute('datetime', '2025-05-12T09:30:00Z');
    expect(screen.getByTestId('oauth-refresh')).toHaveTextContent('vorhanden');
    const missing = screen.getByTestId('oauth-missing-scopes');
    expect(missing).toHaveTextContent('nicht alle angefragten Berechtigungen');
    expect(missing).toHaveTextContent('https://outlook.office.com/SMTP.Send');
    expect(screen.getByTestId('oauth-disconnect')).toBeEnabled();
  });

  it('warns when the tokens are missing from the keyring', async () => {
    await show({ ...CONNECTED, connection: { ...CONNECTED.connection!, tokens: 'not_stored', has_refresh_token: false } });
    expect(screen.getByTestId('oauth-tokens-missing')).toHaveTextContent('neu verbinden');
    expect(screen.getByTestId('oauth-refresh')).toHaveTextContent('keines');
    expect(screen.queryByTestId('oauth-missing-scopes')).toBeNull();
  });
});

describe('connecting', () => {
  it('device code: shows the code and the address from the streamed event, then the new status', async () => {
    const c = controlConnect();
    const u = await show();
    await u.click(screen.getByTestId('oauth-connect-device'));
    expect(api.oauthConnect).toHaveBeenCalledWith(
      ACCOUNT,
      { flow: 'device_code', provider_id: null, wait_secs: null },
      expect.any(Function),
    );
    expect(screen.getByTestId('oauth-connect-device')).toBeDisabled();
    expect(screen.getByTestId('oauth-cancel')).toBeInTheDocument();

    c.emit({
      kind: 'device_code',
      user_code: 'WDJB-MJHT',
      verification_uri: 'https://microsoft.com/devicelogin',
      verification_uri_complete: 'https://microsoft.com/devicelogin?code=WDJB-MJHT',
      expires_in: 900,
      message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin.',
    });
    expect(await screen.findByTestId('oauth-user-code')).toHaveTextContent('WDJB-MJHT');
    const uri = screen.getByTestId('oauth-verification-uri');
    expect(uri).toHaveTextContent('https://microsoft.com/devicelogin');
    expect(uri).toHaveAttribute('href', 'https://microsoft.com/devicelogin');
    expect(screen.getByTestId('oauth-verification-uri-complete')).toHaveAttribute(
      'href',
      'https://microsoft.com/devicelogin?code=WDJB-MJHT',
    );
    expect(screen.getByTestId('oauth-device-message')).toHaveTextContent('To sign in, use a web browser');
    expect(screen.getByTestId('oauth-running')).toHaveTextContent('15 Minuten');

    api.oauthStatus.mockResolvedValue(CONNECTED);
    c.resolve(CONNECTED);
    expect(await screen.findByTestId('oauth-connected')).toHaveTextContent('Verbunden als anna@contoso.example.');
    expect(screen.getByTestId('oauth-subject')).toHaveTextContent('anna@contoso.example');
    expect(screen.queryByTestId('oauth-user-code')).toBeNull();
    expect(screen.queryByTestId('oauth-cancel')).toBeNull();
    // The status is read again from the backend.
    await waitFor(() => expect(api.oauthStatus).toHaveBeenCalledTimes(2));
  });

  it('browser: says the browser was opened and offers the address; the chosen provider is sent', async () => {
    const c = controlConnect();
    const u = await show();
    await u.selectOptions(screen.getByTestId('oauth-connect-provider'), 'Entra ID (Microsoft 365)');
    await u.click(screen.getByTestId('oauth-connect-browser'));
    expect(api.oauthConnect).toHaveBeenCalledWith(
      ACCOUNT,
      { flow: 'authorization_code', provider_id: 2, wait_secs: null },
      expect.any(Function),
    );
    expect(screen.getByTestId('oauth-running')).toHaveTextContent('Verbindung wird hergestellt');
    c.emit({ kind: 'open_browser', url: 'https://login.example.com/authorize?client_id=x&state=y' });
    expect(await screen.findByTestId('oauth-browser-opened')).toHaveTextContent('Browser geöffnet');
    expect(screen.getByTestId('oauth-browser-url')).toHaveAttribute(
      'href',
      'https://login.example.com/authorize?client_id=x&state=y',
    );
  });

  it('app access shows the busy text while the token is requested', async () => {
    const c = controlConnect();
    const u = await show();
    await u.click(screen.getByTestId('oauth-connect-app'));
    expect(api.oauthConnect).toHaveBeenCalledWith(ACCOUNT, expect.objectContaining({ flow: 'client_credentials' }), expect.any(Function));
    c.emit({ kind: 'requesting' });
    expect(await screen.findByTestId('oauth-requesting')).toHaveTextContent('Token wird beim Anbieter angefordert');
  });

  it('cancel calls cancelTest with the run; the cancelled run says "Abgebrochen"', async () => {
    const c = controlConnect('connect-42');
    const u = await show();
    await u.click(screen.getByTestId('oauth-connect-device'));
    await u.click(screen.getByTestId('oauth-cancel'));
    expect(api.cancelTest).toHaveBeenCalledWith('connect-42');
    expect(screen.getByTestId('oauth-cancel')).toBeDisabled();
    c.reject(apiError({ code: 'cancelled', message: 'Abgebrochen.' }));
    expect(await screen.findByTestId('oauth-cancelled')).toHaveTextContent('Abgebrochen');
    expect(screen.queryByTestId('oauth-error')).toBeNull();
    expect(screen.getByTestId('oauth-connect-device')).toBeEnabled();
  });

  it('shows the plain-language message of a failed connect', async () => {
    const c = controlConnect();
    const u = await show();
    await u.click(screen.getByTestId('oauth-connect-device'));
    const message =
      'Zustimmung fehlt: Der Anbieter hat den Zugriff verweigert. Einen Administrator bitten, der App zuzustimmen, und neu verbinden. (access_denied)';
    c.reject(apiError({ code: 'oauth', message }));
    const err = await screen.findByTestId('oauth-error');
    expect(err).toHaveTextContent(message);
    expect(err).toHaveAttribute('data-code', 'oauth');
    expect(screen.getByTestId('oauth-status')).toHaveTextContent('Nicht verbunden');
  });

  it('a missing provider is said in a sentence and marks the provider picker', async () => {
    api.oauthConnect.mockImplementation(() => ({
      run: 'r',
      done: Promise.reject(
        apiError({
          message: 'Bitte die markierten Felder korrigieren: provider_id (Einen OAuth-Anbieter wählen (Tab OAuth).)',
          field: 'provider_id',
          fields: [{ field: 'provider_id', code: 'oauth_provider_required', message: 'Einen OAuth-Anbieter wählen (Tab OAuth).' }],
        }),
      ),
    }));
    const u = await show();
    await u.click(screen.getByTestId('oauth-connect-browser'));
    const err = await screen.findByTestId('oauth-error');
    expect(err).toHaveTextContent('Einen OAuth-Anbieter wählen (Tab OAuth).');
    expect(err).not.toHaveTextContent('provider_id');
    expect(screen.getByTestId('oauth-connect-provider')).toHaveAttribute('aria-invalid', 'true');
  });
});

describe('disconnecting', () => {
  it('disconnects, shows the warnings and the refreshed status', async () => {
    api.oauthDisconnect.mockResolvedValue({
      account_id: ACCOUNT,
      revoked: false,
      warnings: [apiError({ code: 'secrets_failed', message: 'Schlüsselbund-Fehler: Eintrag nicht gefunden' })],
    });
    const u = await show(CONNECTED);
    api.oauthStatus.mockResolvedValue(oauthStatus({ account_id: ACCOUNT }));
    await u.click(screen.getByTestId('oauth-disconnect'));
    expect(api.oauthDisconnect).toHaveBeenCalledWith(ACCOUNT);
    const done = await screen.findByTestId('oauth-disconnected');
    expect(done).toHaveTextContent('Getrennt');
    expect(done).toHaveTextContent('keinen Widerruf');
    expect(screen.getByTestId('oauth-disconnect-warnings')).toHaveTextContent('Eintrag nicht gefunden');
    await waitFor(() => expect(screen.getByTestId('oauth-status')).toHaveTextContent('Nicht verbunden'));
  });
});
