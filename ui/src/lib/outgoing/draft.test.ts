import { describe, expect, it } from 'vitest';
import { DEFAULT_OUTGOING_PORTS, M365_SMTP_HOST } from '$lib/backend/bindings';
import {
  applyKind,
  draftFromOutgoing,
  newOutgoingDraft,
  outgoingIssues,
  shownOutgoingPort,
  splitHost,
  toOutgoingInput,
} from './draft';
import { splitHostPort } from '$lib/form/values';
import { outgoing } from '../../test/fixtures';

describe('outgoing port rule', () => {
  it('derives the port from the generated table (25 / 587 / 465)', () => {
    expect(DEFAULT_OUTGOING_PORTS).toEqual({ none: 25, starttls: 587, tls: 465, auto: 465 });
    for (const security of ['none', 'starttls', 'tls', 'auto'] as const) {
      const d = { ...newOutgoingDraft(), security };
      expect(shownOutgoingPort(d)).toBe(String(DEFAULT_OUTGOING_PORTS[security]));
      expect(toOutgoingInput(d).port).toBeNull();
    }
  });

  it('a stored manual port stays manual, a derived one derived', () => {
    expect(toOutgoingInput(draftFromOutgoing(outgoing({ port: 587 }))).port).toBeNull();
    expect(toOutgoingInput(draftFromOutgoing(outgoing({ port: 2525, port_manual: true }))).port).toBe(2525);
  });
});

describe('host:port', () => {
  it('splits names, IPv4 and bracketed IPv6; leaves the rest alone', () => {
    expect(splitHostPort('smtp.example.com:2525')).toEqual({ host: 'smtp.example.com', port: '2525' });
    expect(splitHostPort(' 10.0.0.5:25 ')).toEqual({ host: '10.0.0.5', port: '25' });
    expect(splitHostPort('[2001:db8::1]:465')).toEqual({ host: '2001:db8::1', port: '465' });
    expect(splitHostPort('2001:db8::1')).toEqual({ host: '2001:db8::1', port: null });
    expect(splitHostPort('smtp.example.com')).toEqual({ host: 'smtp.example.com', port: null });
    expect(splitHostPort('host:abc')).toEqual({ host: 'host:abc', port: null });
  });

  it('makes the split port manual', () => {
    const d = { ...newOutgoingDraft(), host: 'mx.example.com:2525' };
    splitHost(d);
    expect(d).toMatchObject({ host: 'mx.example.com', port: '2525', port_manual: true });
  });
});

describe('Microsoft 365', () => {
  it('fills host, STARTTLS, derived port and OAuth2', () => {
    const d = { ...newOutgoingDraft(), security: 'tls' as const, port_manual: true, port: '25', auth_method: 'password' as const };
    applyKind(d, 'microsoft365');
    expect(d).toMatchObject({ kind: 'microsoft365', host: M365_SMTP_HOST, security: 'starttls', port_manual: false, auth_method: 'oauth2' });
    expect(shownOutgoingPort(d)).toBe('587');
    expect(outgoingIssues({ ...d, name: 'M' })).toEqual([]);
    expect(outgoingIssues({ ...d, name: 'M', auth_method: 'password' }).map((i) => i.field)).toEqual(['auth_method']);
  });
});

describe('checks of a disabled server', () => {
  it('only the name and number formats', () => {
    const d = { ...newOutgoingDraft(), enabled: false, name: 'x', tls_verify: false, smime_sign: true };
    expect(outgoingIssues(d)).toEqual([]);
    expect(outgoingIssues({ ...d, enabled: true }).map((i) => i.field)).toEqual([
      'host',
      'tls_verify',
      'smime_certificate_id',
    ]);
    expect(outgoingIssues({ ...d, port_manual: true, port: '0' }).map((i) => i.field)).toEqual(['port']);
  });
});

describe('send via the application server', () => {
  it('is off for a new server and survives draft and input', () => {
    expect(newOutgoingDraft().send_via_app_server).toBe(false);
    const d = draftFromOutgoing(outgoing({ send_via_app_server: true }));
    expect(d.send_via_app_server).toBe(true);
    expect(toOutgoingInput(d).send_via_app_server).toBe(true);
  });
});
