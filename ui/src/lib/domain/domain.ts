// Pure helpers of the domain check and detection panels: the domain of an address, the
// DKIM selectors as typed, a field's message from an API error.
import type { ApiError } from '$lib/backend';

/** `info@firma.de` → `firma.de`; a bare domain stays as typed (trimmed). */
export function domainOf(address: string): string {
  const a = address.trim();
  const at = a.lastIndexOf('@');
  return at >= 0 ? a.slice(at + 1) : a;
}

/** "s1, mail2024  s2" → ["s1", "mail2024", "s2"]: commas or spaces separate. */
export function selectorsOf(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The message for `field` in an input error, if it names that field. */
export function fieldMessage(error: ApiError | null, field: string): string | null {
  if (!error) return null;
  return error.fields.find((f) => f.field === field)?.message ?? (error.field === field ? error.message : null);
}
