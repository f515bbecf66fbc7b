// The state every edit form shares: errors per field (client checks or the backend's
// `fields[]`), the alert above the form, the saving/deleting flags and the delete question.
// The field components read it to mark inputs invalid and to place each message next to the
// input it belongs to; errors about fields the form does not show go into the alert.
import { getContext, setContext, tick, untrack } from 'svelte';
import type { Snippet } from 'svelte';
import { asApiError } from '$lib/backend';
import type { ApiError, FieldError, Removed, Saved } from '$lib/backend';
import { isMessageKey, t } from '$lib/i18n.svelte';
import type { MessageKey } from '$lib/i18n.svelte';
import type { ClientIssue } from './values';

/** A message shown next to an input: a UI key (client check) or backend text. */
export type Shown = { key: MessageKey } | { text: string };
/** The alert above the form: the backend's error, or the client's "check the fields". */
export type Failure = { error: ApiError } | { key: MessageKey };

export type FormOptions = {
  /** The input names the form shows right now (each renders its own error). */
  visible?: () => Set<string>;
  /** Labels of fields whose label is not `field.<name>` (errors listed in the alert). */
  labels?: Record<string, MessageKey>;
  /**
   * Backend error fields the user fixes at another input, `{errorField: inputName}`: e.g.
   * the confirmation of "verification off" belongs to `tls_verify` but is given at the
   * checkbox `tls_insecure_confirmed`; an account's `owner` is picked at `owner_id`.
   */
  shownAt?: Record<string, string>;
};

let seq = 0;

/** The label of input `name`: the text `field.<name>`, else the name itself. */
export function fieldLabel(name: string): string {
  const key = `field.${name}`;
  return isMessageKey(key) ? t(key) : name;
}

/** What every field component takes besides its value. */
export type FieldProps = {
  /** Default: the surrounding form's. */
  form?: FormState;
  /** The input's name, which is also the field the backend's errors name. */
  name: string;
  /** Default: the form's label of the field (`field.<name>` unless the form says otherwise). */
  label?: string;
  hint?: string;
  disabled?: boolean;
  /** Extra local ids the input is described by (warnings rendered elsewhere). */
  describedBy?: (string | false | null | undefined)[];
  /** Rendered in the control cell above the input (a warning a checkbox answers). */
  before?: Snippet;
  /** Rendered in the control cell after the hint (badges, buttons, notes). */
  after?: Snippet;
  testid?: string;
};

const CONTEXT = Symbol('form');

/** Makes `form` the one the field components inside use when not given one. */
export function provideForm(form: FormState): void {
  setContext(CONTEXT, form);
}

/**
 * For a field component (call while it initialises): the form it belongs to, the given one
 * or else the surrounding form's; use as `const form = $derived.by(useForm(() => given))`.
 */
export function useForm(given: () => FormState | undefined): () => FormState {
  const around = getContext<FormState | undefined>(CONTEXT);
  return () => {
    const form = given() ?? around;
    if (!form) throw new Error('a form field outside a form');
    return form;
  };
}

export class FormState {
  /** Prefix of element ids, unique per form: several forms live in the window at once. */
  readonly uid = `form${++seq}`;
  errors = $state<Record<string, Shown>>({});
  failure = $state<Failure | null>(null);
  saving = $state(false);
  deleting = $state(false);
  confirmingDelete = $state(false);
  formEl = $state<HTMLFormElement>();
  alertEl = $state<HTMLElement>();
  #opts: FormOptions;

  constructor(opts: FormOptions) {
    this.#opts = opts;
  }

  /** The input names the form shows right now. */
  protected shown(): Set<string> {
    return this.#opts.visible?.() ?? new Set();
  }

  /** A document-unique element id for `name` in this form. */
  id = (name: string): string => `${this.uid}-${name}`;

  /** The error field whose message is shown at input `name`, if any. */
  errorFieldAt = (name: string): string | null => {
    const shownAt = this.#opts.shownAt ?? {};
    for (const [field, at] of Object.entries(shownAt)) {
      if (at === name && field !== name && this.errors[field]) return field;
    }
    if (!this.errors[name]) return null;
    const at = shownAt[name];
    if (at && at !== name && this.shown().has(at)) return null;
    return name;
  };

  invalid = (name: string): boolean => this.errorFieldAt(name) !== null;

  /** `aria-describedby` for input `name`: the given hint ids (local names) and its error. */
  describedBy = (name: string, ...extra: (string | false | null | undefined)[]): string | undefined => {
    const ids = extra.filter((x): x is string => !!x).map((x) => this.id(x));
    const f = this.errorFieldAt(name);
    if (f) ids.push(this.id(`err-${f}`));
    return ids.length > 0 ? ids.join(' ') : undefined;
  };

  message = (s: Shown): string => ('key' in s ? t(s.key) : s.text);

  label = (field: string): string => {
    const key = this.#opts.labels?.[field];
    return key ? t(key) : fieldLabel(field);
  };

  /** Errors about fields the form does not show right now: listed in the alert instead. */
  get unplaced(): string[] {
    const visible = this.shown();
    const shownAt = this.#opts.shownAt ?? {};
    return Object.keys(this.errors).filter((f) => !visible.has(f) && !visible.has(shownAt[f] ?? f));
  }

  clear(): void {
    this.errors = {};
    this.failure = null;
  }

  /** Drops the error of a field as soon as the user changes it. */
  onFieldInput = (e: Event): void => {
    const name = (e.target as HTMLInputElement | null)?.name;
    if (!name) return;
    const shownAt = this.#opts.shownAt ?? {};
    const related = [name, ...Object.keys(shownAt).filter((f) => shownAt[f] === name)];
    if (related.some((f) => f in this.errors)) {
      const next = { ...this.errors };
      for (const f of related) delete next[f];
      this.errors = next;
    }
  };

  /** The quick checks' issues, with the core's own problems of the other fields (all at once). */
  showClientIssues(issues: ClientIssue[], more: readonly FieldError[] = []): void {
    const next: Record<string, Shown> = {};
    for (const i of issues) next[i.field] ??= { key: i.message };
    for (const f of more) next[f.field] ??= { text: f.message };
    this.errors = next;
    this.failure = { key: 'error.check_fields' };
  }

  showApiError(error: ApiError): void {
    const next: Record<string, Shown> = {};
    for (const f of error.fields) next[f.field] ??= { text: f.message || error.message };
    if (error.field && !next[error.field]) next[error.field] = { text: error.message };
    this.errors = next;
    this.failure = { error };
  }

  async focusFirstInvalid(): Promise<void> {
    await tick();
    const first = this.formEl?.querySelector<HTMLElement>('[aria-invalid="true"]:not(:disabled)');
    if (first) first.focus();
    else this.alertEl?.focus();
  }

  async focusAlert(): Promise<void> {
    await tick();
    this.alertEl?.focus();
  }

  /**
   * Runs a save: client checks first (nothing is sent while one fails), then `run`; a
   * rejection is shown at the fields and the first invalid input gets the focus.
   */
  async submit(
    issues: ClientIssue[],
    run: () => Promise<void>,
    check?: () => Promise<readonly FieldError[]>,
  ): Promise<void> {
    if (this.saving || this.deleting) return;
    this.confirmingDelete = false;
    this.clear();
    if (issues.length > 0) {
      // Nothing is saved; the core still names every other problem, so one save shows all.
      let more: readonly FieldError[] = [];
      try {
        more = (check ? await check() : null) ?? [];
      } catch {
        // Without the core's answer the quick checks are still shown.
      }
      this.showClientIssues(issues, more);
      await this.focusFirstInvalid();
      return;
    }
    this.saving = true;
    try {
      await run();
    } catch (err) {
      this.showApiError(asApiError(err));
      await this.focusFirstInvalid();
    } finally {
      this.saving = false;
    }
  }

  /**
   * Runs a confirmed delete. `handle` may take a rejection over (returns true), e.g. to ask
   * what becomes of a group's mailboxes; otherwise it is shown in the alert.
   */
  async remove(run: () => Promise<void>, handle?: (e: ApiError) => boolean): Promise<void> {
    if (this.deleting || this.saving) return;
    this.deleting = true;
    this.clear();
    try {
      await run();
    } catch (err) {
      const e = asApiError(err);
      if (handle?.(e)) return;
      this.confirmingDelete = false;
      this.showApiError(e);
      await this.focusAlert();
    } finally {
      this.deleting = false;
    }
  }
}

/** What a list tab gives the form of its selection (a `Collection` is one). */
export type FormHost<E> = {
  readonly current: E | null;
  /** Set by the form: true while it differs from what is stored. */
  dirty: boolean;
  nameOf: (item: E) => string;
  saved: (item: E, warnings: ApiError[], created: boolean) => unknown;
  deleted: (removed: Removed, name: string) => unknown;
  /** Cancel on a new entity. */
  cancel: () => void;
  /** After a conflict: fetch the stored entity again. */
  reload: () => unknown;
};

export type EntityOptions<E, D, I> = Omit<FormOptions, 'visible'> & {
  /** The draft of the stored entity, or of a new one (`null`). */
  draft?: (stored: E | null) => D;
  /** Instead of `draft`: a new entity's fields; a stored one's draft takes its values of them. */
  blank?: D;
  /** What the dirty check compares (default: the draft as JSON). */
  key?: (draft: D) => string;
  /** The input names shown for this draft (default: `fields`, else the fields of `blank`). */
  visible?: (draft: D) => Set<string>;
  /** The inputs of a form that always shows all of them. */
  fields?: readonly string[];
  /** Client checks; nothing is sent while one fails. */
  issues?: (draft: D) => ClientIssue[];
  /** What is sent for the draft (default: the draft as it is). */
  input?: (draft: D) => I;
  /** The core's field problems of an input, without saving (see `submit`). */
  check?: (input: I) => Promise<readonly FieldError[]>;
  create: (input: I) => Promise<Saved<E> | E>;
  update: (id: number, version: number, input: I) => Promise<Saved<E> | E>;
  remove: (id: number, version: number) => Promise<Removed>;
  /** Called after a save or a delete went through (e.g. to reload a picker's list). */
  onchange?: () => void;
  /**
   * A step between the client checks and the save (setting save_only_tested: the draft's
   * connection test, see `saveGate`); false stops the save, which the alert then says. A
   * rejection is shown like the save's.
   */
  gate?: (draft: D) => Promise<boolean>;
};

/** `blank` with the values `stored` has for its fields (arrays copied). */
function fromStored<D extends object>(stored: object | null, blank: D): D {
  const values = (stored ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(blank)) {
    const x = values[k] ?? v;
    out[k] = Array.isArray(x) ? [...x] : x;
  }
  return out as D;
}

// An entity always has an id, the `Saved` wrapper (item + warnings) never.
function asSaved<E extends { id: number }>(r: Saved<E> | E): Saved<E> {
  return 'id' in r ? { item: r, warnings: [] } : r;
}

/**
 * The edit form of one stored entity (or a new one) in a list tab: its draft, the dirty
 * check against what is stored, save (create or update with the stored version, so a
 * concurrent edit is refused as a conflict), cancel (back to the stored values) and delete.
 * The form is re-created for every entity it shows, so the host's first `current` is the one.
 */
export class EntityForm<E extends { id: number; version: number }, D, I = D> extends FormState {
  readonly host: FormHost<E>;
  /** The stored entity, or null for a new one. */
  readonly stored: E | null;
  draft: D = $state() as D;
  #baseline = $state('');
  #entity: EntityOptions<E, D, I>;
  readonly dirty: boolean = $derived(this.#key(this.draft) !== this.#baseline);

  constructor(host: FormHost<E>, opts: EntityOptions<E, D, I>) {
    super({ labels: opts.labels, shownAt: opts.shownAt });
    this.host = host;
    this.#entity = opts;
    this.stored = untrack(() => host.current);
    this.#reset();
    $effect(() => {
      host.dirty = this.dirty;
    });
  }

  #key(d: D): string {
    return this.#entity?.key ? this.#entity.key(d) : JSON.stringify(d);
  }

  #reset(): void {
    const { draft, blank } = this.#entity;
    this.draft = draft ? draft(this.stored) : fromStored(this.stored, blank as D & object);
    this.#baseline = this.#key(this.draft);
  }

  protected override shown(): Set<string> {
    const visible = this.#entity.visible;
    if (visible) return visible(this.draft);
    return new Set(this.#entity.fields ?? Object.keys(this.#entity.blank ?? {}));
  }

  save = (): void => {
    const o = this.#entity;
    const input = (): I => (o.input ? o.input(this.draft) : ({ ...this.draft } as unknown as I));
    const check = o.check;
    void this.submit(
      o.issues?.(this.draft) ?? [],
      async () => {
        if (o.gate && !(await o.gate(this.draft))) {
          this.failure = { key: 'error.save_only_tested_failed' };
          await this.focusAlert();
          return;
        }
        const s = this.stored;
        const saved = asSaved(s ? await o.update(s.id, s.version, input()) : await o.create(input()));
        o.onchange?.();
        this.host.saved(saved.item, saved.warnings, s === null);
      },
      check ? () => check(input()) : undefined,
    );
  };

  /** A stored entity gets its stored values back; a new one is dropped. */
  cancel = (): void => {
    if (!this.stored) return this.host.cancel();
    this.#reset();
    this.clear();
  };

  /** Deletes with `run` (default: the entity's delete); `handle` may take a rejection over. */
  delete = (run?: (s: E) => Promise<Removed>, handle?: (e: ApiError) => boolean): void => {
    const s = this.stored;
    if (!s) return;
    void this.remove(async () => {
      const removed = await (run ? run(s) : this.#entity.remove(s.id, s.version));
      this.#entity.onchange?.();
      this.host.deleted(removed, this.host.nameOf(s));
    }, handle);
  };
}
