// The account's folders on its IMAP server, outside a test: "Ordnerstruktur aktualisieren"
// and writing changed subscriptions after a save. The write outlives the form that started
// it (a save re-creates the form), so its state is kept here, by account.
import { asApiError, newRunId, writeSubscriptions } from '$lib/backend';
import type { Diagnosis, SubscriptionChange } from '$lib/backend';

/** One write of subscriptions to the server, as the form shows it. */
export type SubscriptionWrite = {
  account: number;
  running: boolean;
  changes: SubscriptionChange[];
  /** What the server took, in order. */
  written: SubscriptionChange[];
  /** Why the server did not take the rest (connection, login, a refused folder). */
  error: Diagnosis | null;
  /** The call itself failed (e.g. the account has no IMAP server any more). */
  failure: string | null;
};

class Writes {
  last = $state.raw<SubscriptionWrite | null>(null);
  #seq = 0;

  /** Writes `changes` of account `account` to its server; the result lands in `last`. */
  async write(account: number, changes: SubscriptionChange[]): Promise<void> {
    const mine = ++this.#seq;
    const base = { account, changes, written: [], error: null, failure: null };
    this.last = { ...base, running: true };
    let done: SubscriptionWrite;
    try {
      const r = await writeSubscriptions(account, changes, newRunId(), { extra_roots: [] });
      done = { ...base, running: false, written: r.written, error: r.error };
    } catch (e) {
      done = { ...base, running: false, failure: asApiError(e).message };
    }
    if (mine === this.#seq) this.last = done;
  }

  /** The last write of `account`, if it is the last one at all. */
  of(account: number | null): SubscriptionWrite | null {
    return account !== null && this.last?.account === account ? this.last : null;
  }
}

export const subscriptionWrites = new Writes();
