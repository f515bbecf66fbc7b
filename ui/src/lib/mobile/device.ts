// The choices of a mobile account (Mobile-Konten) and the quick checks of its form.
import type { DevicePlatform, MobileDeviceInput, ProvisionMethod } from '$lib/backend';
import type { ClientIssue } from '$lib/form/values';

export const PLATFORMS: readonly DevicePlatform[] = ['ios', 'android', 'desktop', 'other'];
export const METHODS: readonly ProvisionMethod[] = ['profile', 'qr', 'autoconfig'];

export function deviceIssues(d: MobileDeviceInput): ClientIssue[] {
  const issues: ClientIssue[] = [];
  if (d.name.trim() === '') issues.push({ field: 'name', message: 'error.required' });
  if (d.account_id === null) issues.push({ field: 'account_id', message: 'error.required' });
  const date = d.set_up_at.trim();
  if (date !== '' && !/^\d{4}-\d{2}-\d{2}/.test(date)) issues.push({ field: 'set_up_at', message: 'error.date' });
  return issues;
}

/** A device name to start from: the platform's usual device and the account. */
export function suggestedName(platform: DevicePlatform, account: string): string {
  const kind = { ios: 'iPhone', android: 'Android', desktop: 'PC', other: 'Gerät' }[platform];
  return `${kind} ${account}`.trim();
}
