// "Nur speichern, wenn der Verbindungstest besteht" (general setting save_only_tested): the
// save gate of the forms with a connection test (incoming server, outgoing server, account).
import { getSettings } from '$lib/backend';
import type { TestReport } from '$lib/backend';

/** What the gate needs of a `TestPanel` (its component instance, `bind:this`). */
export type DraftTester = { testBeforeSave(): Promise<TestReport | null> };

/**
 * `EntityOptions.gate` for a form with a `TestPanel`: while the setting is on (read at each
 * save, so a change in the Settings tab counts at once), the form's values are tested first,
 * shown in the panel as the test button would show them, and only a passing test lets the
 * save go on. `applies` leaves drafts out that have nothing to test (a disabled outgoing server).
 */
export function saveGate<D>(
  panel: () => DraftTester | undefined,
  applies: (draft: D) => boolean = () => true,
): (draft: D) => Promise<boolean> {
  return async (draft) => {
    if (!applies(draft)) return true;
    const settings = await getSettings();
    if (!settings.save_only_tested) return true;
    const p = panel();
    if (!p) return false;
    const report = await p.testBeforeSave();
    return report?.ok === true;
  };
}
