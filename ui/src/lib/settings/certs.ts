// How a certificate is named in pickers and whether it needs attention.
import type { Certificate } from '$lib/backend';
import { formatDay } from '$lib/form/format';
import { t } from '$lib/i18n.svelte';

/** "Name – gültig bis 01.02.2026 (⚠ läuft ab) (ohne privaten Schlüssel)". */
export function certOptionLabel(c: Certificate): string {
  let s = t('cert.option', { name: c.name, date: formatDay(c.not_after) });
  if (c.expiry_warning) s += ` (⚠ ${c.days_left < 0 ? t('cert.expired') : t('cert.expiring')})`;
  if (!c.has_private_key) s += ` (${t('cert.no_key')})`;
  return s;
}

/** The expiry badge text: expired, or the days left when fewer than 30. */
export function expiryText(c: Certificate): string {
  return c.days_left < 0
    ? t('cert.expired_since', { days: -c.days_left })
    : t('cert.expires_in', { days: c.days_left });
}
