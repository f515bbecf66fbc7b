import { describe, expect, it } from 'vitest';
import { DEFAULT_INCOMING_PORTS } from '$lib/backend/bindings';
import { clientIssues, draftFromServer, draftKey, newDraft, shownPort, toInput } from './draft';
import { server } from '../../test/fixtures';

describe('port rule', () => {
  it('derives the port from the generated table for every protocol and security', () => {
    const d = newDraft();
    for (const protocol of ['imap', 'pop3', 'imap_download'] as const) {
      for (const security of ['none', 'starttls', 'tls', 'auto'] as const) {
        expect(shownPort({ ...d, protocol, security })).toBe(
          String(DEFAULT_INCOMING_PORTS[protocol][security]),
        );
        expect(toInput({ ...d, protocol, security }).port).toBeNull();
      }
    }
  });

  it('a manual port is sent as a number', () => {
    const d = { ...newDraft(), port_manual: true, port: ' 10993 ' };
    expect(shownPort(d)).toBe(' 10993 ');
    expect(toInput(d).port).toBe(10993);
  });

  it('a stored derived port stays derived, a stored manual one manual', () => {
    expect(draftFromServer(server({ port: 993 })).port_manual).toBe(false);
    const manual = draftFromServer(server({ port: 2993, port_manual: true }));
    expect(manual.port_manual).toBe(true);
    expect(toInput(manual).port).toBe(2993);
  });
});

describe('toInput', () => {
  it('round-trips a stored server without changes', () => {
    const s = server({
      protocol: 'imap_download',
      tls_verify: false,
      auth_method: 'ntlm',
      ntlm_domain: 'FIRMA',
      folder_sent: 'Sent',
      pop3_delete_after_days: 30,
      password: 'stored',
    });
    const input = toInput(draftFromServer(s));
    expect(input).toMatchObject({
      protocol: 'imap_download',
      tls_verify: false,
      tls_insecure_confirmed: true,
      ntlm_domain: 'FIRMA',
      folder_sent: 'Sent',
      pop3_delete_after_days: 30,
      password: { action: 'keep' },
    });
  });

  it('drops options that do not apply', () => {
    const d = {
      ...newDraft(),
      protocol: 'imap' as const,
      security: 'tls' as const,
      allow_plaintext: true,
      pop3_delete_after_fetch: true,
      pop3_delete_after_days: '7',
      ntlm_domain: 'X',
    };
    expect(toInput(d)).toMatchObject({
      allow_plaintext: false,
      pop3_delete_after_fetch: false,
      pop3_delete_after_days: null,
      ntlm_domain: '',
    });
  });

  it('password: typed wins over clear, empty keeps', () => {
    const d = newDraft();
    expect(toInput(d).password).toEqual({ action: 'keep' });
    expect(toInput({ ...d, password_clear: true }).password).toEqual({ action: 'clear' });
    expect(toInput({ ...d, password: 'p w' }).password).toEqual({ action: 'set', value: 'p w' });
  });
});

describe('clientIssues', () => {
  it('accepts a minimal valid server', () => {
    expect(clientIssues({ ...newDraft(), name: 'a', host: 'b' })).toEqual([]);
  });

  it('flags ranges and non-numbers', () => {
    const d = { ...newDraft(), name: 'a', host: 'b', port_manual: true };
    const fields = (x: Partial<typeof d>) => clientIssues({ ...d, ...x }).map((i) => `${i.field}:${i.message}`);
    expect(fields({ port: '0' })).toEqual(['port:error.port_range']);
    expect(fields({ port: '65536' })).toEqual(['port:error.port_range']);
    expect(fields({ port: '65535' })).toEqual([]);
    expect(fields({ port: '99a' })).toEqual(['port:error.integer']);
    expect(fields({ port: '1', timeout_secs: '0' })).toEqual(['timeout_secs:error.timeout_range']);
    expect(fields({ port: '1', timeout_secs: '600' })).toEqual([]);
    expect(fields({ port: '1', tls_verify: false })).toEqual(['tls_verify:error.confirm_insecure']);
  });
});

describe('draftKey', () => {
  it('changes when a value changes', () => {
    const d = newDraft();
    expect(draftKey(d)).toBe(draftKey(newDraft()));
    expect(draftKey({ ...d, host: 'x' })).not.toBe(draftKey(d));
  });
});
