// One save shows every field error at once: the form's quick checks and the core's
// validation of the other fields (`checkInput`, nothing saved), each at its field, and the
// banner in German instead of internal field names.
import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/svelte';
import ServersTab from '$lib/servers/ServersTab.svelte';
import { api, freshEachTest } from '../../test/fixtures';
import { tabDriver } from '../../test/tabs';

vi.mock('$lib/backend');
freshEachTest();

describe('field errors of one save', () => {
  it('come from the quick checks and the core together', async () => {
    api.checkInput.mockResolvedValue([
      { field: 'name', code: 'required', message: 'core: name' },
      { field: 'host', code: 'host_invalid', message: 'Der Servername ist ungültig: enthält Leerzeichen oder Zeilenumbrüche' },
    ]);
    const d = tabDriver(ServersTab, 'server');
    const u = await d.openNew();
    await u.type(d.field('host'), 'mail firma.de');
    await d.save(u);
    expect(api.checkInput).toHaveBeenCalledWith('incoming', expect.stringContaining('"host":"mail firma.de"'));
    expect(api.createServer).not.toHaveBeenCalled();
    // The quick check's message wins at its field; the core adds the host's.
    expect(screen.getByTestId('field-error-name')).not.toHaveTextContent('core: name');
    expect(screen.getByTestId('field-error-host')).toHaveTextContent('enthält Leerzeichen');
    expect(screen.getByTestId('form-error')).toHaveTextContent('Bitte die markierten Felder korrigieren');
    expect(screen.getByTestId('form-error')).not.toHaveTextContent('host');
  });
});
