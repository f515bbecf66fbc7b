// The state behind a list + detail tab: the searchable list, which entry is selected, the
// guard against losing unsaved edits, and the notice after a save or delete. Used by every
// tab (servers, outgoing, accounts, calendar) and every settings section with a list.
import { asApiError } from '$lib/backend';
import type { ApiError, Removed } from '$lib/backend';
import type { Early } from '$lib/boot';
import { isMessageKey, t, tn } from '$lib/i18n.svelte';
import { tick } from 'svelte';
import type { MessageKey } from '$lib/i18n.svelte';

/** Waits until the next frame has been painted (a frame, then the task after it). */
export function painted(): Promise<void> {
  return new Promise((done) => {
    if (typeof requestAnimationFrame !== 'function') return done();
    requestAnimationFrame(() => setTimeout(done, 0));
  });
}

export type Selection = { kind: 'none' } | { kind: 'new' } | { kind: 'item'; id: number };

export type Notice = {
  kind: 'success' | 'warning' | 'error';
  key?: MessageKey;
  params?: Record<string, string | number>;
  text?: string;
  items: string[];
};

/** The texts of a list pane. */
export type ListLabels = {
  list: string;
  new: string;
  placeholder: string;
  empty: string;
  noMatch: (query: string) => string;
  count: (n: number) => string;
  pick: string;
};

type ListKey = 'search_placeholder' | 'empty' | 'count' | 'pick' | 'created' | 'saved' | 'deleted';
/** The prefixes `p` that have every text of a list: `p.pick`, `p.count`, `p.created`, … */
export type ListTexts = {
  [K in MessageKey]: K extends `${infer P}.pick` ? (`${P}.${ListKey}` extends MessageKey ? P : never) : never;
}[MessageKey];

/**
 * `T`: an entry as the form edits it; `L`: as the list shows it (by default the same; a
 * lighter line type, e.g. `AccountSummary`, needs `get`).
 */
export type CollectionOptions<T, L = T> = {
  list: (query: string) => Promise<L[]>;
  /** What a keystroke in the search asks (default: `list`); see `searchById`. */
  typed?: (query: string) => Promise<L[]>;
  /** Fetches one entry fresh; without it, the entry is taken from the (reloaded) list. */
  get?: (id: number) => Promise<T>;
  /**
   * Records each keystroke's latency in the search (input → list updated and painted) as a
   * `performance.measure` of this name (docs/ARCHITECTURE.md, "Marks").
   */
  measure?: string;
  /** What notices call an entry (default: its `name`). */
  name?: (item: T) => string;
  /** The prefix of the list's texts and notices (`servers` → `servers.pick`, `servers.saved`, …). */
  texts: ListTexts;
  /** The list's heading. */
  title: MessageKey;
  /** The "new" button's text (default `<texts>.new`). */
  add?: MessageKey;
  /**
   * The unfiltered list, asked for before the page was built (`$lib/boot`): shown at once if
   * it came, and the first load waits for it instead of asking again.
   */
  first?: Early<L[]>;
};

export class Collection<T extends { id: number }, L extends { id: number } = T> {
  query = $state('');
  items = $state.raw<L[]>([]);
  loading = $state(true);
  listError = $state<string | null>(null);
  selection = $state<Selection>({ kind: 'none' });
  /** The stored entry the form shows (null for a new one). */
  current = $state.raw<T | null>(null);
  /** Changes whenever the form must start over from `current`. */
  formKey = $state(0);
  /** Bound to the form: true while it differs from what is stored. */
  dirty = $state(false);
  /** A selection waiting for the user to discard unsaved edits. */
  pending = $state<Selection | null>(null);
  notice = $state<Notice | null>(null);
  /** How many entries there are without a search (from the last unfiltered load). */
  total = $state<number | null>(null);

  #opts: CollectionOptions<T, L>;
  #seq = 0;
  /** The performance marks of the keystrokes whose list is not painted yet. */
  #typed: string[] = [];
  #keystrokes = 0;

  /** The early list (`first`), until the first unfiltered load took it. */
  #first: Promise<L[]> | null = null;

  constructor(opts: CollectionOptions<T, L>) {
    this.#opts = opts;
    if (opts.first) {
      this.#first = opts.first.promise;
      if (opts.first.value) {
        this.items = opts.first.value;
        this.total = opts.first.value.length;
        this.loading = false;
      }
    }
  }

  /** The early list for an unfiltered load, once. */
  #takeFirst(): Promise<L[]> | null {
    const first = this.#first;
    this.#first = null;
    return this.query.trim() === '' ? first : null;
  }

  nameOf = (item: T): string => this.#opts.name?.(item) ?? String((item as { name?: unknown }).name);

  /** The texts of the list pane, in the current language. */
  get labels(): ListLabels {
    const p = this.#opts.texts;
    const add = this.#opts.add ?? `${p}.new`;
    return {
      list: t(this.#opts.title),
      new: isMessageKey(add) ? t(add) : add,
      placeholder: t(`${p}.search_placeholder`),
      empty: t(`${p}.empty`),
      noMatch: (query: string) => t('common.no_match', { query }),
      // With a search: "0 von 1 Server", not "0 Server".
      count: (n: number) =>
        this.query.trim() !== '' && this.total !== null
          ? t('common.shown_of', { shown: n, total: tn(`${p}.count`, this.total) })
          : tn(`${p}.count`, n),
      pick: t(`${p}.pick`),
    };
  }

  get selectedId(): number | null {
    return this.selection.kind === 'item' ? this.selection.id : null;
  }

  refresh = async (typing = false): Promise<void> => {
    const mine = ++this.#seq;
    // The keystrokes so far are answered by this query (it reads the search as it is now).
    const served = this.#typed.length;
    try {
      const list = await (this.#takeFirst() ??
        (typing && this.#opts.typed ? this.#opts.typed : this.#opts.list)(this.query));
      if (mine !== this.#seq) return; // a newer search answered (or will answer) instead
      this.items = list;
      if (this.query.trim() === '') this.total = list.length;
      this.listError = null;
    } catch (e) {
      if (mine === this.#seq) this.listError = asApiError(e).message;
    } finally {
      if (mine === this.#seq) this.loading = false;
    }
    if (mine === this.#seq && served > 0) void this.#measure(this.#typed.splice(0, served));
  };

  /** Each keystroke's latency, once the list it asked for is on screen. */
  async #measure(marks: string[]): Promise<void> {
    await tick();
    await painted();
    const name = this.#opts.measure;
    if (!name) return;
    for (const m of marks) {
      try {
        performance.measure(name, m);
      } catch {
        // the mark was cleared (performance buffer full): that keystroke goes unmeasured
      }
      performance.clearMarks(m);
    }
  }

  /**
   * Searches at once, on every keystroke: a search is a few milliseconds in the core, and an
   * answer overtaken by a newer keystroke is dropped (`refresh`).
   */
  search = (e?: Event): void => {
    // The field's value as typed (whatever order the bound value and this handler run in).
    const field = e?.currentTarget;
    if (field instanceof HTMLInputElement) this.query = field.value;
    if (this.#opts.measure && typeof performance !== 'undefined') {
      const m = `${this.#opts.measure}:input:${++this.#keystrokes}`;
      performance.mark(m);
      this.#typed.push(m);
    }
    void this.refresh(true);
  };

  dispose = (): void => {
    this.#typed = [];
  };

  /** Changes the selection, or asks first when the form has unsaved edits. */
  request = (next: Selection): void => {
    if (next.kind === 'item' && this.selection.kind === 'item' && this.selection.id === next.id) return;
    if (this.dirty) {
      this.pending = next;
      return;
    }
    void this.apply(next);
  };

  async #fetch(id: number): Promise<T> {
    if (this.#opts.get) return this.#opts.get(id);
    const found = (await this.#opts.list('')).find((x) => x.id === id);
    if (!found) throw { code: 'not_found', message: `#${id}`, field: null, fields: [] } satisfies ApiError;
    // Without `get` the list's entries are the form's (L = T).
    return found as unknown as T;
  }

  apply = async (next: Selection, after?: Notice, fresh = false): Promise<void> => {
    this.pending = null;
    if (next.kind === 'item') {
      const listed = this.items.find((x) => x.id === next.id);
      try {
        this.current = this.#opts.get || fresh || !listed ? await this.#fetch(next.id) : (listed as unknown as T);
      } catch (e) {
        const err = asApiError(e);
        this.notice = { kind: 'error', text: err.message, items: [] };
        if (err.code === 'not_found') {
          this.selection = { kind: 'none' };
          this.current = null;
          void this.refresh();
        }
        return;
      }
    } else {
      this.current = null;
    }
    this.selection = next;
    this.dirty = false;
    this.notice = after ?? null;
    this.formKey++;
  };

  discard = (): void => {
    if (this.pending) void this.apply(this.pending);
  };

  /** After a successful save: show the stored entry, say so, refresh the list. */
  saved = async (item: T, warnings: ApiError[], created: boolean): Promise<void> => {
    this.current = item;
    this.selection = { kind: 'item', id: item.id };
    this.dirty = false;
    this.formKey++;
    const name = this.nameOf(item);
    this.notice =
      warnings.length > 0
        ? { kind: 'warning', key: 'common.saved_with_warnings', items: warnings.map((w) => w.message) }
        : {
            kind: 'success',
            key: created ? `${this.#opts.texts}.created` : `${this.#opts.texts}.saved`,
            params: { name },
            items: [],
          };
    await this.refresh();
  };

  deleted = async (removed: Removed, name: string): Promise<void> => {
    this.selection = { kind: 'none' };
    this.current = null;
    this.dirty = false;
    this.notice = {
      kind: removed.warnings.length > 0 ? 'warning' : 'success',
      key: `${this.#opts.texts}.deleted`,
      params: { name },
      items: removed.warnings.map((w) => w.message),
    };
    await this.refresh();
  };

  /** Cancel on a new entry: nothing selected any more. */
  cancel = (): void => {
    this.dirty = false;
    this.selection = { kind: 'none' };
    this.current = null;
  };

  /** After a conflict: fetch the stored entry again, dropping the edits. */
  reload = async (): Promise<void> => {
    if (this.selection.kind !== 'item') return;
    const id = this.selection.id;
    await this.apply({ kind: 'item', id }, { kind: 'success', key: 'common.reloaded', items: [] }, true);
    void this.refresh();
  };
}

/**
 * A list for many entries (10,000 accounts): its lines are loaded whole when the list is
 * (re)loaded, and a keystroke in the search asks the core only which ids match — a few
 * kilobytes instead of every line again — and shows those of the loaded lines, in their
 * order. The core decides what matches (`search`) and the order (`all`), as for `mbadmin`.
 */
export function searchById<L extends { id: number }>(
  all: (query: string) => Promise<L[]>,
  search: (query: string) => Promise<number[]>,
): { list: (query: string) => Promise<L[]>; typed: (query: string) => Promise<L[]> } {
  let lines: L[] | null = null;
  const shown = async (query: string, reload: boolean): Promise<L[]> => {
    if (query.trim() === '') return (lines = await all(''));
    const [loaded, ids] = await Promise.all([reload || lines === null ? all('') : lines, search(query)]);
    lines = loaded;
    const found = new Set(ids);
    let out = loaded.filter((l) => found.has(l.id));
    if (out.length < found.size) {
      // Created elsewhere (mbadmin) since the lines were loaded: load them again.
      lines = await all('');
      out = lines.filter((l) => found.has(l.id));
    }
    return out;
  };
  return { list: (q) => shown(q, true), typed: (q) => shown(q, false) };
}

/**
 * The data of a form's pickers (the providers of a select, …), reloaded whenever the tab is
 * shown; a failure keeps what was loaded, and the form still works.
 */
export class RefList<T> {
  items = $state.raw<T[]>([]);
  #fetch: () => Promise<T[]>;

  constructor(fetch: () => Promise<T[]>) {
    this.#fetch = fetch;
  }

  load = (): Promise<void> =>
    this.#fetch().then(
      (items) => void (this.items = items),
      () => {},
    );
}
