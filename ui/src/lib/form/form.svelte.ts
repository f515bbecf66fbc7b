// The state every edit form shares: errors per field (client checks or the backend's
// `fields[]`), the alert above the form, the saving/deleting flags and the delete question.
// The field components read it to mark inputs invalid and to place each message next to the
// input it belongs to; errors about fields the form does not show go into the alert.
import { tick } from 'svelte';
import { asApiError } from '$lib/backend';
import type { ApiError } from '$lib/backend';
import { t } from '$lib/i18n.svelte';
import type { MessageKey } from '$lib/i18n.svelte';
import type { ClientIssue } from './values';

/** A message shown next to an input: a UI key (client check) or backend text. */
export type Shown = { key: MessageKey } | { text: string };
/** The alert above the form: the backend's error, or the client's "check the fields". */
export type Failure = { error: ApiError } | { key: MessageKey };

export type FormOptions = {
  /** The input names the form shows right now (each renders its own error). */
  visible: () => Set<string>;
  /** Labels of fields, for errors listed in the alert. */
  labels: Record<string, MessageKey>;
  /**
   * Backend error fields the user fixes at another input, `{errorField: inputName}`: e.g.
   * the confirmation of "verification off" belongs to `tls_verify` but is given at the
   * checkbox `tls_insecure_confirmed`; an account's `owner` is picked at `owner_id`.
   */
  shownAt?: Record<string, string>;
};

let seq = 0;

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
    if (at && at !== name && this.#opts.visible().has(at)) return null;
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
    const key = this.#opts.labels[field];
    return key ? t(key) : field;
  };

  /** Errors about fields the form does not show right now: listed in the alert instead. */
  get unplaced(): string[] {
    const visible = this.#opts.visible();
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

  showClientIssues(issues: ClientIssue[]): void {
    const next: Record<string, Shown> = {};
    for (const i of issues) next[i.field] ??= { key: i.message };
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
  async submit(issues: ClientIssue[], run: () => Promise<void>): Promise<void> {
    if (this.saving || this.deleting) return;
    this.confirmingDelete = false;
    this.clear();
    if (issues.length > 0) {
      this.showClientIssues(issues);
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
