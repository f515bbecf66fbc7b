// The choices of an "OAuth provider" select (servers, an account's connection).
import type { OauthProvider } from '$lib/backend';
import { t } from '$lib/i18n.svelte';

export type ProviderOption = { value: number | null; label: string };

/**
 * `none` first (null), then every provider with its kind; a chosen id the list does not
 * hold (not loaded yet) stays selectable, so the select never silently changes it.
 */
export function providerOptions(
  providers: readonly OauthProvider[],
  none: string,
  current: number | null = null,
): ProviderOption[] {
  const options: ProviderOption[] = [
    { value: null, label: none },
    ...providers.map((p) => ({ value: p.id as number | null, label: `${p.name} (${t(`provider_kind.${p.kind}`)})` })),
  ];
  if (current !== null && !providers.some((p) => p.id === current)) {
    options.push({ value: current, label: `#${current}` });
  }
  return options;
}
