// The edit form's state for a mail account (personal or shared mailbox) and how it becomes
// an `AccountInput`: the owner (a user or a group), assigned users, references that may be
// left empty (company, servers; the outgoing server then inherits), and quick checks.
import type {
  DeleteProcedure,
  Account,
  AccountFolder,
  AccountInput,
  Company,
  EffectiveLogin,
  EffectiveOutgoing,
  Folder,
  IncomingServer,
  OauthMechanism,
  OutgoingServer,
  Preset,
  SecretState,
  ServerInput,
  SubscriptionChange,
  TestRun,
} from '$lib/backend';
import { DEFAULT_INCOMING_PORTS } from '$lib/backend';
import { newDraft, toInput } from '$lib/servers/draft';
import { secretUpdate } from '$lib/form/values';
import type { ClientIssue } from '$lib/form/values';
import { t } from '$lib/i18n.svelte';

export type OwnerKind = 'user' | 'group';

export type AccountDraft = {
  name: string;
  email: string;
  sender_name: string;
  reply_to: string;
  owner_kind: OwnerKind;
  /** The owning user or group; null until picked. */
  owner_id: number | null;
  user_ids: number[];
  company_id: number | null;
  incoming_server_id: number | null;
  /** null: inherited from the company, else the installation default. */
  outgoing_server_id: number | null;
  username: string;
  password: string;
  password_clear: boolean;
  mailbox_path: string;
  folder_trash: string;
  folder_junk: string;
  folder_sent: string;
  only_subscribed: boolean;
  folders: AccountFolder[];
  may_send: boolean;
  may_receive: boolean;
  may_out_of_office: boolean;
  send_bcc: string;
  signature: string;
  auto_fetch: boolean;
  verbose_log: boolean;
  /** OAuth2 logins: the SASL mechanism carrying the token. */
  oauth_mechanism: OauthMechanism;
  /** Berechtigungsgruppe für Anhänge (Eingang / Ausgang); null: everyone who sees the mailbox. */
  attachments_group_in_id: number | null;
  attachments_group_out_id: number | null;
  /** IMAP: how mail is deleted (the test's round trip removes its mail the same way). */
  delete_procedure: DeleteProcedure;
};

export const DELETE_PROCEDURES: readonly DeleteProcedure[] = ['move_to_trash', 'mark_deleted', 'expunge'];

export const OAUTH_MECHANISMS: readonly OauthMechanism[] = ['auto', 'xoauth2', 'oauthbearer'];

export function newAccountDraft(): AccountDraft {
  return {
    name: '',
    email: '',
    sender_name: '',
    reply_to: '',
    owner_kind: 'user',
    owner_id: null,
    user_ids: [],
    company_id: null,
    incoming_server_id: null,
    outgoing_server_id: null,
    username: '',
    password: '',
    password_clear: false,
    mailbox_path: 'INBOX',
    folder_trash: '',
    folder_junk: '',
    folder_sent: '',
    only_subscribed: false,
    folders: [],
    may_send: true,
    may_receive: true,
    may_out_of_office: false,
    send_bcc: '',
    signature: '',
    auto_fetch: true,
    verbose_log: false,
    oauth_mechanism: 'auto',
    attachments_group_in_id: null,
    attachments_group_out_id: null,
    delete_procedure: 'move_to_trash',
  };
}

export function draftFromAccount(a: Account): AccountDraft {
  return {
    name: a.name,
    email: a.email,
    sender_name: a.sender_name,
    reply_to: a.reply_to,
    owner_kind: a.owner.kind,
    owner_id: a.owner.id,
    user_ids: [...a.user_ids],
    company_id: a.company_id,
    incoming_server_id: a.incoming_server_id,
    outgoing_server_id: a.outgoing_server_id,
    username: a.username,
    password: '',
    password_clear: false,
    mailbox_path: a.mailbox_path,
    folder_trash: a.folder_trash,
    folder_junk: a.folder_junk,
    folder_sent: a.folder_sent,
    only_subscribed: a.only_subscribed,
    folders: a.folders.map((f) => ({ ...f })),
    may_send: a.may_send,
    may_receive: a.may_receive,
    may_out_of_office: a.may_out_of_office,
    send_bcc: a.send_bcc,
    signature: a.signature,
    auto_fetch: a.auto_fetch,
    verbose_log: a.verbose_log,
    oauth_mechanism: a.oauth_mechanism,
    attachments_group_in_id: a.attachments_group_in_id,
    attachments_group_out_id: a.attachments_group_out_id,
    delete_procedure: a.delete_procedure,
  };
}

/** The references a template may set, kept only if they still exist. */
export type Known = { companies: Set<number>; incoming: Set<number>; outgoing: Set<number> };

/**
 * Fills a draft from a saved account template: servers, company, folders, permissions and
 * signature. What identifies the mailbox (name, address, owner, users, login) stays.
 */
export function applyAccountTemplate(d: AccountDraft, data: unknown, known: Known): AccountDraft {
  if (typeof data !== 'object' || data === null) return d;
  const i = data as Partial<AccountInput>;
  const next = { ...d };
  const ref = (v: unknown, set: Set<number>) => (typeof v === 'number' && set.has(v) ? v : null);
  if ('company_id' in i) next.company_id = ref(i.company_id, known.companies);
  if ('incoming_server_id' in i) next.incoming_server_id = ref(i.incoming_server_id, known.incoming);
  if ('outgoing_server_id' in i) next.outgoing_server_id = ref(i.outgoing_server_id, known.outgoing);
  for (const k of ['mailbox_path', 'folder_trash', 'folder_junk', 'folder_sent', 'send_bcc', 'signature'] as const) {
    if (typeof i[k] === 'string') next[k] = i[k];
  }
  for (const k of [
    'only_subscribed',
    'may_send',
    'may_receive',
    'may_out_of_office',
    'auto_fetch',
    'verbose_log',
  ] as const) {
    if (typeof i[k] === 'boolean') next[k] = i[k];
  }
  const mechanism = i.oauth_mechanism;
  if (mechanism !== undefined && OAUTH_MECHANISMS.includes(mechanism)) next.oauth_mechanism = mechanism;
  const proc = i.delete_procedure;
  if (proc !== undefined && DELETE_PROCEDURES.includes(proc)) next.delete_procedure = proc;
  return next;
}

export function toAccountInput(d: AccountDraft): AccountInput {
  return {
    name: d.name,
    email: d.email,
    sender_name: d.sender_name,
    reply_to: d.reply_to,
    owner: d.owner_id === null ? null : { kind: d.owner_kind, id: d.owner_id },
    user_ids: [...d.user_ids].sort((a, b) => a - b),
    company_id: d.company_id,
    incoming_server_id: d.incoming_server_id,
    outgoing_server_id: d.outgoing_server_id,
    username: d.username,
    password: secretUpdate(d.password, d.password_clear),
    mailbox_path: d.mailbox_path,
    folder_trash: d.folder_trash,
    folder_junk: d.folder_junk,
    folder_sent: d.folder_sent,
    only_subscribed: d.only_subscribed,
    folders: d.folders.map((f) => ({ ...f })),
    may_send: d.may_send,
    may_receive: d.may_receive,
    may_out_of_office: d.may_out_of_office,
    send_bcc: d.send_bcc,
    signature: d.signature,
    auto_fetch: d.auto_fetch,
    verbose_log: d.verbose_log,
    oauth_mechanism: d.oauth_mechanism,
    attachments_group_in_id: d.attachments_group_in_id,
    attachments_group_out_id: d.attachments_group_out_id,
    delete_procedure: d.delete_procedure,
  };
}

export function accountIssues(d: AccountDraft): ClientIssue[] {
  const issues: ClientIssue[] = [];
  if (d.name.trim() === '') issues.push({ field: 'name', message: 'error.required' });
  if (d.email.trim() === '') issues.push({ field: 'email', message: 'error.required' });
  if (d.owner_id === null) issues.push({ field: 'owner', message: 'error.owner_required' });
  return issues;
}

export function accountKey(d: AccountDraft): string {
  return JSON.stringify({ ...d, user_ids: [...d.user_ids].sort((a, b) => a - b) });
}

export const ACCOUNT_FIELDS = [
  'name',
  'email',
  'sender_name',
  'reply_to',
  'owner_kind',
  'owner_id',
  'user_ids',
  'company_id',
  'incoming_server_id',
  'outgoing_server_id',
  'username',
  'password',
  'mailbox_path',
  'folder_trash',
  'folder_junk',
  'folder_sent',
  'only_subscribed',
  'may_send',
  'may_receive',
  'may_out_of_office',
  'send_bcc',
  'signature',
  'auto_fetch',
  'verbose_log',
  'oauth_mechanism',
  'attachments_group_in_id',
  'attachments_group_out_id',
  'delete_procedure',
] as const;

/** "Postausgang: Versand (vom Betrieb Müller Bau GmbH)" – where the server comes from. */
export function effectiveText(e: EffectiveOutgoing): string {
  const name = e.server_name ?? '';
  switch (e.source) {
    case 'account':
      return t('effective.account', { name });
    case 'company':
      return t('effective.company', { name, company: e.company_name ?? '' });
    case 'installation':
      return t('effective.installation', { name });
    case 'none':
      return t('effective.none');
  }
}

/**
 * What a draft would inherit before it is saved (the backend resolves the stored account):
 * the company's default outgoing server, else the installation default.
 */
export function inheritedOutgoing(
  d: Pick<AccountDraft, 'company_id' | 'outgoing_server_id'>,
  companies: readonly Company[],
  outgoing: readonly OutgoingServer[],
): EffectiveOutgoing {
  const byId = (id: number | null) => outgoing.find((o) => o.id === id) ?? null;
  const own = byId(d.outgoing_server_id);
  if (own) return { server_id: own.id, server_name: own.name, source: 'account', company_name: null };
  const company = companies.find((c) => c.id === d.company_id);
  const fromCompany = company ? byId(company.default_outgoing_server_id) : null;
  if (company && fromCompany) {
    return { server_id: fromCompany.id, server_name: fromCompany.name, source: 'company', company_name: company.name };
  }
  const def = outgoing.find((o) => o.is_default) ?? null;
  if (def) return { server_id: def.id, server_name: def.name, source: 'installation', company_name: null };
  return { server_id: null, server_name: null, source: 'none', company_name: null };
}

/** The incoming server a preset suggests (IMAP), to create when none with its host exists. */
export function presetIncoming(p: Preset): ServerInput | null {
  const s = p.imap ?? p.pop3;
  if (!s) return null;
  const protocol = p.imap ? 'imap' : 'pop3';
  const name = `${p.name} ${protocol === 'imap' ? 'IMAP' : 'POP3'}`;
  const draft = { ...newDraft(), name, protocol, host: s.host, security: s.security, auth_method: p.incoming_auth } as const;
  return { ...toInput(draft), port: s.port === DEFAULT_INCOMING_PORTS[protocol][s.security] ? null : s.port };
}

/** Existing servers with the preset's host names, if any. */
export function presetMatches(
  p: Preset,
  incoming: readonly IncomingServer[],
  outgoing: readonly OutgoingServer[],
): { incoming: IncomingServer | null; outgoing: OutgoingServer | null } {
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  const hosts = [p.imap?.host, p.pop3?.host].filter((h): h is string => !!h);
  return {
    incoming: incoming.find((s) => hosts.some((h) => same(s.host, h))) ?? null,
    outgoing: outgoing.find((s) => same(s.host, p.smtp.host)) ?? null,
  };
}

// ---- folders from the server's real tree (after a connection test) ----

/** A folder tree a test found, and when (null: the test just run here). */
/** The server's folders: from a test (`at`: its start, null for the one just run here) or
 *  read on demand by "Ordnerstruktur aktualisieren" (`read`). */
export type FolderTree = { folders: Folder[]; at: string | null; read?: boolean };

/**
 * What a save changes about the subscriptions ("Abonniert") against the stored account: a
 * folder ticked or unticked, or dropped from the list while it was subscribed (unsubscribed).
 */
export function subscriptionChanges(
  before: readonly AccountFolder[],
  after: readonly AccountFolder[],
): SubscriptionChange[] {
  const was = new Map(before.map((f) => [f.folder, f.subscribed]));
  const now = new Map(after.map((f) => [f.folder, f.subscribed]));
  const out: SubscriptionChange[] = [];
  for (const [folder, on] of now) {
    if ((was.get(folder) ?? false) !== on) out.push({ folder, subscribed: on });
  }
  for (const [folder, on] of was) {
    if (on && !now.has(folder)) out.push({ folder, subscribed: false });
  }
  return out;
}

export type FolderField = 'folder_trash' | 'folder_junk' | 'folder_sent';

/** The SPECIAL-USE flag the server marks each special folder with. */
export const SPECIAL_USE: Record<FolderField, string> = {
  folder_trash: '\\Trash',
  folder_junk: '\\Junk',
  folder_sent: '\\Sent',
};

/** The newest folder tree in test runs (newest first), if any run listed the folders. */
export function newestFolderTree(runs: readonly TestRun[]): FolderTree | null {
  const run = runs.find((r) => r.report.folders && r.report.folders.length > 0);
  return run?.report.folders ? { folders: run.report.folders, at: run.started_at } : null;
}

/**
 * The choices for a special folder: "automatic" (empty: the SPECIAL-USE folder, named if the
 * server has one), every selectable folder with its flag, and a chosen folder the server
 * does not have (kept, so that nothing changes unnoticed).
 */
export function folderOptions(
  tree: readonly Folder[],
  field: FolderField,
  current: string,
): { value: string; label: string }[] {
  const auto = tree.find((f) => f.special_use === SPECIAL_USE[field]);
  const options = [{ value: '', label: t('account.folders_auto') + (auto ? ` – ${auto.name}` : '') }];
  for (const f of tree) {
    if (!f.selectable) continue;
    options.push({ value: f.name, label: f.special_use ? `${f.name} (${f.special_use})` : f.name });
  }
  if (current !== '' && !tree.some((f) => f.name === current)) {
    options.push({ value: current, label: t('account.folder_not_found', { name: current }) });
  }
  return options;
}

export type FolderRow = {
  name: string;
  special: string | null;
  selectable: boolean;
  /** Configured for the account, but the server does not list it. */
  missing: boolean;
  /** The server subscribes it (IMAP LSUB / `\\Subscribed`): shown, whatever the account keeps. */
  server_subscribed: boolean;
  subscribed: boolean;
  auto_fetch: boolean;
};

/** The folder table: the server's folders in its order, then configured ones it lacks. */
export function folderRows(tree: readonly Folder[], configured: readonly AccountFolder[]): FolderRow[] {
  const byName = new Map(configured.map((f) => [f.folder, f]));
  const rows: FolderRow[] = tree.map((f) => ({
    name: f.name,
    special: f.special_use,
    selectable: f.selectable,
    missing: false,
    server_subscribed: f.subscribed,
    subscribed: byName.get(f.name)?.subscribed ?? false,
    auto_fetch: byName.get(f.name)?.auto_fetch ?? false,
  }));
  const known = new Set(tree.map((f) => f.name));
  for (const f of configured) {
    if (known.has(f.folder)) continue;
    rows.push({
      name: f.folder,
      special: null,
      selectable: true,
      missing: true,
      server_subscribed: false,
      subscribed: f.subscribed,
      auto_fetch: f.auto_fetch,
    });
  }
  return rows;
}

/** Ticks or unticks a folder's flag; a folder with neither tick is not kept. */
export function setFolderFlag(
  folders: readonly AccountFolder[],
  name: string,
  flag: 'subscribed' | 'auto_fetch',
  on: boolean,
): AccountFolder[] {
  const next = folders.map((f) => ({ ...f }));
  const i = next.findIndex((f) => f.folder === name);
  if (i >= 0) {
    next[i][flag] = on;
    if (!next[i].subscribed && !next[i].auto_fetch) next.splice(i, 1);
  } else if (on) {
    next.push({ folder: name, subscribed: flag === 'subscribed', auto_fetch: flag === 'auto_fetch' });
  }
  return next;
}

/**
 * The login the account will use on its incoming server — the core's rule
 * (`EffectiveLogin::of`) applied to the form's unsaved values: its own Benutzername or
 * password make it the account's own login (the address when the name is empty); otherwise
 * the incoming server's login ("vom Server übernommen"); otherwise the address, without a
 * password.
 */
export function effectiveLogin(
  d: Pick<AccountDraft, 'username' | 'email' | 'password' | 'password_clear'>,
  stored: SecretState | null,
  server: IncomingServer | null,
): EffectiveLogin {
  const ownPassword = d.password !== '' || (!d.password_clear && stored !== null && stored !== 'none');
  const needs_password = server !== null && server.auth_method !== 'oauth2';
  if (d.username.trim() !== '' || ownPassword) {
    return {
      source: 'account',
      user: d.username.trim() || d.email.trim(),
      server_name: null,
      has_password: ownPassword,
      needs_password,
    };
  }
  if (server && server.login_user.trim() !== '') {
    return {
      source: 'server',
      user: server.login_user.trim(),
      server_name: server.name,
      has_password: server.password === 'stored',
      needs_password,
    };
  }
  return { source: 'address', user: d.email.trim(), server_name: null, has_password: false, needs_password };
}

/** The form's note on the effective login. */
export function loginNote(l: EffectiveLogin): string {
  const lacks = l.needs_password && !l.has_password;
  if (l.source === 'server') {
    return t(lacks ? 'account.login.server_no_password' : 'account.login.server', {
      user: l.user,
      server: l.server_name ?? '',
    });
  }
  if (l.source === 'address') return t('account.login.address', { user: l.user || '…' });
  return t(lacks ? 'account.login.own_no_password' : 'account.login.own', { user: l.user || '…' });
}
