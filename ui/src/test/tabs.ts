// Driving a list + form tab in component tests: the form's inputs by name, "new", and
// opening a stored entry from the list (the backend mocked as in `fixtures`).
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { UserEvent } from '@testing-library/user-event';
import type { Component } from 'svelte';
import { api } from './fixtures';

type Named = { id: number; name: string };

/** How each tab lists its entries, and fetches one when it does. */
const LISTS: Record<string, (item: Named) => void> = {
  server: (s) => {
    api.listServers.mockResolvedValue([s as never]);
    api.getServer.mockResolvedValue(s as never);
  },
  outgoing: (s) => {
    api.listOutgoing.mockResolvedValue([s as never]);
    api.getOutgoing.mockResolvedValue(s as never);
  },
  account: (a) => {
    api.listAccounts.mockResolvedValue([a as never]);
    api.getAccount.mockResolvedValue(a as never);
  },
  calendar: (c) => void api.listCalendars.mockResolvedValue([c as never]),
  'oauth-provider': (p) => void api.listOauthProviders.mockResolvedValue([p as never]),
};

/** How each tab creates an entry. */
const CREATES: Record<string, (item: Named) => void> = {
  server: (s) => void api.createServer.mockResolvedValue({ item: s as never, warnings: [] }),
  outgoing: (s) => void api.createOutgoing.mockResolvedValue({ item: s as never, warnings: [] }),
  account: (a) => void api.createAccount.mockResolvedValue({ item: a as never, warnings: [] }),
  calendar: (c) => void api.createCalendar.mockResolvedValue({ item: c as never, warnings: [] }),
  'oauth-provider': (p) => void api.createOauthProvider.mockResolvedValue({ item: p as never, warnings: [] }),
};

/** What a new entry's form waits for: the pickers' data asked for, then shown. */
type Ready = { loaded?: () => Promise<void>; filled?: () => Promise<void> };

/**
 * The helpers for the tab whose test ids start with `prefix` (`server-form`, `server-new`,
 * `server-item`, …).
 */
export function tabDriver(Tab: Component, prefix: string, ready: Ready = {}) {
  const form = () => screen.getByTestId(`${prefix}-form`);

  function field<T extends HTMLElement = HTMLInputElement>(name: string): T {
    const el = form().querySelector<T>(`[name="${name}"]`);
    if (!el) throw new Error(`no input named ${name}`);
    return el;
  }

  const queryField = (name: string) => form().querySelector<HTMLElement>(`[name="${name}"]`);

  /** Renders the tab and opens the form of a new entry. */
  async function openNew(u = userEvent.setup()) {
    render(Tab);
    await ready.loaded?.();
    await u.click(screen.getByTestId(`${prefix}-new`));
    await screen.findByTestId(`${prefix}-form`);
    await ready.filled?.();
    return u;
  }

  /** Opens the form of a new entry whose save the backend answers with `item`. */
  function openNewSaving(item: Named, u = userEvent.setup()) {
    CREATES[prefix](item);
    return openNew(u);
  }

  /** Renders the tab with `item` in its list and opens it. */
  async function openStored(item: Named, u = userEvent.setup()) {
    LISTS[prefix](item);
    render(Tab);
    await u.click(await screen.findByTestId(`${prefix}-item`));
    await screen.findByRole('heading', { name: item.name });
    return u;
  }

  /** Types into the inputs and picks in the selects, in the order given. */
  async function fill(u: UserEvent, values: Record<string, string>) {
    for (const [name, value] of Object.entries(values)) {
      const el = field(name);
      if (el instanceof HTMLSelectElement) await u.selectOptions(el, value);
      else await u.type(el, value);
    }
  }

  const save = (u: UserEvent) => u.click(screen.getByTestId(`${prefix}-save`));

  return { field, queryField, openNew, openNewSaving, openStored, fill, save };
}
