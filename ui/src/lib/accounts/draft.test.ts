import { describe, expect, it } from 'vitest';
import {
  accountIssues,
  applyAccountTemplate,
  draftFromAccount,
  folderRows,
  inheritedOutgoing,
  newAccountDraft,
  presetIncoming,
  toAccountInput,
} from './draft';
import { GMX, account, company, outgoing, serverInput } from '../../test/fixtures';

describe('owner', () => {
  it('is null until picked, then {kind, id}', () => {
    const d = newAccountDraft();
    expect(toAccountInput(d).owner).toBeNull();
    expect(accountIssues({ ...d, name: 'a', email: 'a@b.de' }).map((i) => i.field)).toEqual(['owner']);
    expect(toAccountInput({ ...d, owner_kind: 'group', owner_id: 4 }).owner).toEqual({ kind: 'group', id: 4 });
  });

  it('round-trips a stored account', () => {
    const a = account({ owner: { kind: 'group', id: 9 }, user_ids: [3, 1], outgoing_server_id: null, company_id: 2 });
    const input = toAccountInput(draftFromAccount(a));
    expect(input).toMatchObject({ owner: { kind: 'group', id: 9 }, user_ids: [1, 3], company_id: 2, outgoing_server_id: null });
    expect(input.password).toEqual({ action: 'keep' });
  });
});

describe('inherited outgoing server', () => {
  const own = outgoing({ id: 1, name: 'Eigen' });
  const comp = outgoing({ id: 2, name: 'Betrieb' });
  const def = outgoing({ id: 3, name: 'Standard', is_default: true });
  const c = company({ id: 10, name: 'Müller', default_outgoing_server_id: 2 });
  const bare = company({ id: 11, name: 'Ohne' });

  it('account → company → installation → none', () => {
    const all = [own, comp, def];
    expect(inheritedOutgoing({ outgoing_server_id: 1, company_id: 10 }, [c], all).source).toBe('account');
    expect(inheritedOutgoing({ outgoing_server_id: null, company_id: 10 }, [c], all)).toEqual({
      server_id: 2,
      server_name: 'Betrieb',
      source: 'company',
      company_name: 'Müller',
    });
    expect(inheritedOutgoing({ outgoing_server_id: null, company_id: 11 }, [c, bare], all).server_name).toBe('Standard');
    expect(inheritedOutgoing({ outgoing_server_id: null, company_id: null }, [c], [own, comp]).source).toBe('none');
  });
});

describe('account template', () => {
  it('applies servers, folders and permissions but not what identifies the mailbox', () => {
    const d = { ...newAccountDraft(), name: 'Neu', email: 'neu@example.com', owner_id: 5 };
    const next = applyAccountTemplate(
      d,
      { name: 'Vorlage', email: 'x@y.de', incoming_server_id: 7, outgoing_server_id: 99, company_id: 3, may_send: false, signature: 'Gruß' },
      { companies: new Set([3]), incoming: new Set([7]), outgoing: new Set([8]) },
    );
    expect(next).toMatchObject({
      name: 'Neu',
      email: 'neu@example.com',
      owner_id: 5,
      incoming_server_id: 7,
      outgoing_server_id: null,
      company_id: 3,
      may_send: false,
      signature: 'Gruß',
    });
  });
});

describe('preset servers', () => {
  it('a preset suggests its IMAP server on the standard port, with its sign-in and nothing else set', () => {
    const input = serverInput({ name: 'GMX IMAP', host: 'imap.gmx.net', security: 'tls', auth_method: 'password' });
    expect(presetIncoming(GMX)).toEqual(input);
    expect(presetIncoming({ ...GMX, imap: { host: 'imap.gmx.net', port: 1993, security: 'tls' } })).toEqual({
      ...input,
      port: 1993,
    });
    expect(presetIncoming({ ...GMX, imap: null })).toEqual({ ...input, name: 'GMX POP3', protocol: 'pop3', host: 'pop.gmx.net' });
  });
});

describe('folder table', () => {
  it("shows the server's subscription beside the account's own choice", () => {
    const tree = [
      { name: 'INBOX', delimiter: '/', special_use: null, subscribed: true, selectable: true },
      { name: 'Archiv', delimiter: '/', special_use: '\\Archive', subscribed: true, selectable: true },
      { name: 'Alt', delimiter: '/', special_use: null, subscribed: false, selectable: true },
    ];
    const rows = folderRows(tree, [
      { folder: 'INBOX', subscribed: false, auto_fetch: true },
      { folder: 'Weg', subscribed: true, auto_fetch: false },
    ]);
    expect(rows.map((r) => [r.name, r.server_subscribed, r.subscribed, r.missing])).toEqual([
      ['INBOX', true, false, false],
      ['Archiv', true, false, false],
      ['Alt', false, false, false],
      ['Weg', false, true, true],
    ]);
  });
});

describe("the seeds' remaining fields", () => {
  it('default to everyone, move to trash, and travel to the input and back', () => {
    const d = newAccountDraft();
    expect([d.attachments_group_in_id, d.attachments_group_out_id, d.delete_procedure]).toEqual([
      null,
      null,
      'move_to_trash',
    ]);
    const a = account({ attachments_group_in_id: 3, attachments_group_out_id: 4, delete_procedure: 'expunge' });
    const input = toAccountInput(draftFromAccount(a));
    expect([input.attachments_group_in_id, input.attachments_group_out_id, input.delete_procedure]).toEqual([
      3,
      4,
      'expunge',
    ]);
  });

  it('takes a delete procedure from a template only when it is a known one', () => {
    const known = { companies: new Set<number>(), incoming: new Set<number>(), outgoing: new Set<number>() };
    const d = newAccountDraft();
    expect(applyAccountTemplate(d, { delete_procedure: 'mark_deleted' }, known).delete_procedure).toBe('mark_deleted');
    expect(applyAccountTemplate(d, { delete_procedure: 'wegwerfen' }, known).delete_procedure).toBe('move_to_trash');
  });
});
