// The edit form's state for a calendar (Outlook) account and how it becomes a
// `CalendarInput`: which fields each back end uses, and quick checks.
import type { CalendarAccount, CalendarBackend, CalendarInput } from '$lib/backend';
import { checkInt, secretUpdate, toInt } from '$lib/form/values';
import type { ClientIssue } from '$lib/form/values';

export const CALENDAR_BACKENDS: readonly CalendarBackend[] = ['outlook', 'caldav', 'microsoft365'];

export type CalendarDraft = {
  name: string;
  employee_id: number | null;
  backend: CalendarBackend;
  outlook_profile: string;
  calendar_name: string;
  caldav_url: string;
  username: string;
  password: string;
  password_clear: boolean;
  /** Microsoft 365: the OAuth provider whose token reads the calendar (no password). */
  oauth_provider_id: number | null;
  sync_days_back: string;
  sync_days_ahead: string;
};

export function newCalendarDraft(): CalendarDraft {
  const texts = { name: '', outlook_profile: '', calendar_name: '', caldav_url: '', username: '', password: '' };
  const sync = { sync_days_back: '30', sync_days_ahead: '365' };
  return { ...texts, ...sync, employee_id: null, backend: 'outlook', password_clear: false, oauth_provider_id: null };
}

export function draftFromCalendar(c: CalendarAccount): CalendarDraft {
  const { name, employee_id, backend, outlook_profile, calendar_name, caldav_url, username } = c;
  return {
    ...{ name, employee_id, backend, outlook_profile, calendar_name, caldav_url, username },
    password: '',
    password_clear: false,
    oauth_provider_id: c.oauth_provider_id,
    sync_days_back: String(c.sync_days_back),
    sync_days_ahead: String(c.sync_days_ahead),
  };
}

export function visibleCalendarFields(d: CalendarDraft): Set<string> {
  const f = new Set<string>(['name', 'employee_id', 'backend', 'calendar_name', 'sync_days_back', 'sync_days_ahead']);
  if (d.backend === 'outlook') f.add('outlook_profile');
  if (d.backend === 'caldav') f.add('caldav_url');
  // Microsoft 365 takes no password: the provider's token reads the calendar.
  if (d.backend === 'microsoft365') f.add('oauth_provider_id');
  else ['username', 'password'].forEach((x) => f.add(x));
  return f;
}

export function toCalendarInput(d: CalendarDraft): CalendarInput {
  const { name, employee_id, backend, calendar_name, username } = d;
  return {
    ...{ name, employee_id, backend, calendar_name, username },
    // Only the back end's own address field is sent; one typed before switching is dropped.
    outlook_profile: backend === 'outlook' ? d.outlook_profile : '',
    caldav_url: backend === 'caldav' ? d.caldav_url : '',
    password: backend === 'microsoft365' ? { action: 'clear' } : secretUpdate(d.password, d.password_clear),
    oauth_provider_id: backend === 'microsoft365' ? d.oauth_provider_id : null,
    sync_days_back: toInt(d.sync_days_back),
    sync_days_ahead: toInt(d.sync_days_ahead),
  };
}

export function calendarIssues(d: CalendarDraft): ClientIssue[] {
  const issues: ClientIssue[] = [];
  if (d.name.trim() === '') issues.push({ field: 'name', message: 'error.required' });
  if (d.employee_id === null) issues.push({ field: 'employee_id', message: 'error.required' });
  if (d.backend === 'caldav') {
    const url = d.caldav_url.trim();
    if (url === '') issues.push({ field: 'caldav_url', message: 'error.required' });
    else if (!/^https?:\/\//i.test(url)) issues.push({ field: 'caldav_url', message: 'error.url' });
  }
  if (d.backend === 'microsoft365' && d.oauth_provider_id === null) {
    issues.push({ field: 'oauth_provider_id', message: 'error.required' });
  }
  checkInt(issues, 'sync_days_back', d.sync_days_back, 0, 3650, 'error.sync_days_range');
  checkInt(issues, 'sync_days_ahead', d.sync_days_ahead, 0, 3650, 'error.sync_days_range');
  return issues;
}

export function calendarKey(d: CalendarDraft): string {
  return JSON.stringify(d);
}
