// Dates and numbers as the current UI language writes them.
import { lang } from '$lib/i18n.svelte';

function locale(): string {
  return lang() === 'de' ? 'de-DE' : 'en-GB';
}

/** Date and time of an RFC 3339 timestamp, e.g. "01.01.2025, 10:00". */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });
}

/** Only the date of an RFC 3339 timestamp. */
export function formatDay(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(locale(), { dateStyle: 'medium' });
}

/** A duration in milliseconds: "85 ms", "1,2 s", "2 min 05 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) {
    const s = (ms / 1000).toLocaleString(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    return `${s} s`;
  }
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`;
}

/** Date and time with seconds, for test runs minutes apart. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'medium' });
}
