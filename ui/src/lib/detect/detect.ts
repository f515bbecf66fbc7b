// Pure helpers of the detection panel: a source's outcome as a step of the connection-test
// presentation, which outcomes the short list shows, and whether a result may be used
// without asking.
import type { DetectOutcome, SourceOutcome, SourceStatus, StepStatus } from '$lib/backend';
import type { StepLike } from '$lib/probe/report';

const STATUS: Record<SourceStatus, StepStatus> = {
  running: 'running',
  found: 'ok',
  not_found: 'skipped',
  timed_out: 'warning',
  refused: 'warning',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped',
};

/** A source's outcome in the shape `StepItem` shows: status, target, why, the details. */
export function sourceStep(o: SourceOutcome): StepLike {
  return {
    kind: o.source,
    status: STATUS[o.status],
    duration_ms: o.duration_ms,
    summary: o.target,
    diagnosis: o.diagnosis,
    more_diagnoses: [],
    transcript: o.detail
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((text) => ({ dir: 'info' as const, text })),
  };
}

/** The short list: while running every source; afterwards what found something or is
 *  still out — the rest is behind "show all". */
export function shortList(outcomes: readonly (SourceOutcome | undefined)[], running: boolean): number[] {
  const idx: number[] = [];
  outcomes.forEach((o, i) => {
    if (o && (running || o.status === 'found' || o.status === 'running')) idx.push(i);
  });
  return idx;
}

/** Why a result needs the administrator's consent before it fills the form (none: use it). */
export type Caution = 'unconfirmed' | 'login_failed';

export function cautionsOf(o: DetectOutcome): Caution[] {
  const out: Caution[] = [];
  if (o.result.trust?.level === 'unconfirmed') out.push('unconfirmed');
  if (o.proof && !o.proof.ok) out.push('login_failed');
  return out;
}

/** Something to put into the form was found. */
export function found(o: DetectOutcome): boolean {
  return o.result.incoming !== null || o.result.outgoing !== null;
}
