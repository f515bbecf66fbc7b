// Small pure helpers shared by the drafts of every form: numbers kept as typed text, the
// keyring's secret update, `host:port` splitting and the shape of a client-side issue.
import type { SecretUpdate, User } from '$lib/backend';
import type { MessageKey } from '$lib/i18n.svelte';

/** A problem the form finds before asking the backend (which stays authoritative). */
export type ClientIssue = { field: string; message: MessageKey };

/** The issue of a required text left empty, if it is. */
export function required(text: string, field: string): ClientIssue[] {
  return text.trim() === '' ? [{ field, message: 'error.required' }] : [];
}

// A sign is accepted here so that "-5" gets the range message, not "not a whole number".
const INTEGER = /^\s*[-+]?\d+\s*$/;

/** The whole number typed, or NaN (sent as such, the backend then refuses it). */
export function toInt(text: string): number {
  return INTEGER.test(text) ? Number(text.trim()) : NaN;
}

/** Checks a required whole number within [min, max]; pushes at most one issue. */
export function checkInt(
  issues: ClientIssue[],
  field: string,
  text: string,
  min: number,
  max: number,
  range: MessageKey,
): void {
  if (text.trim() === '') issues.push({ field, message: 'error.required' });
  else if (Number.isNaN(toInt(text))) issues.push({ field, message: 'error.integer' });
  else if (toInt(text) < min || toInt(text) > max) issues.push({ field, message: range });
}

/** The keyring update for a password field: typed wins, then "remove", else keep. */
export function secretUpdate(typed: string, clear: boolean): SecretUpdate {
  if (typed !== '') return { action: 'set', value: typed };
  if (clear) return { action: 'clear' };
  return { action: 'keep' };
}

/**
 * Splits `host:port` (or `[v6]:port`) as typed into the host field. A bare IPv6 address
 * (several colons, no brackets) and anything without a numeric port stay as they are.
 */
export function splitHostPort(text: string): { host: string; port: string | null } {
  const s = text.trim();
  const v6 = /^\[([^\]]+)\]:(\d{1,5})$/.exec(s);
  if (v6) return { host: v6[1], port: v6[2] };
  const m = /^([^:\s]+):(\d{1,5})$/.exec(s);
  if (m) return { host: m[1], port: m[2] };
  return { host: text, port: null };
}

/** A select's options: "none" (null) first, then one per item. */
export function optionsOf<T extends { id: number }>(
  none: string,
  items: readonly T[],
  label: (item: T) => string,
): { value: number | null; label: string }[] {
  return [{ value: null, label: none }, ...items.map((x) => ({ value: x.id as number | null, label: label(x) }))];
}

/** A select's "nothing chosen" value: selects bind `null` for an empty option. */
export function idOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A user as pickers and lists name them: "Anna Schmidt (anna)", or the login alone. */
export function userLabel(u: User): string {
  return u.display_name ? `${u.display_name} (${u.login})` : u.login;
}
