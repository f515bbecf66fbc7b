// Pure helpers of the connection-test views: live steps replaced by index, steps grouped by
// server role, the verdict of a report, transcripts and whole reports as copyable text.
import type { Diagnosis, Dir, ProbeEvent, Role, Step, TestReport, TranscriptLine } from '$lib/backend';
import { isMessageKey, t } from '$lib/i18n.svelte';
import { formatDuration } from '$lib/form/format';

/** A step arrives when it starts and again when it ends: the later one replaces it. */
export function applyEvent(steps: readonly (Step | undefined)[], e: ProbeEvent): (Step | undefined)[] {
  const next = steps.slice();
  next[e.index] = e.step;
  return next;
}

/** Direction markers of transcript lines, as in mail-server logs. */
export const DIR_MARK: Record<Dir, string> = { client: 'C:', server: 'S:', info: '*' };

export function transcriptText(lines: readonly TranscriptLine[]): string {
  return lines.map((l) => `${DIR_MARK[l.dir]} ${l.text}`).join('\n');
}

export type IndexedStep = { step: Step; index: number };
export type StepGroup = { role: Role; steps: IndexedStep[] };

/** Consecutive steps of the same server (role), in order; holes (not yet announced) skipped. */
export function groupByRole(steps: readonly (Step | undefined)[]): StepGroup[] {
  const groups: StepGroup[] = [];
  steps.forEach((step, index) => {
    if (!step) return;
    const last = groups.at(-1);
    if (last && last.role === step.role) last.steps.push({ step, index });
    else groups.push({ role: step.role, steps: [{ step, index }] });
  });
  return groups;
}

export function diagnosesOf(step: Step): Diagnosis[] {
  return step.diagnosis ? [step.diagnosis, ...step.more_diagnoses] : [...step.more_diagnoses];
}

export type Verdict = 'ok' | 'ok_warnings' | 'failed' | 'cancelled';

export function verdictOf(r: Pick<TestReport, 'ok' | 'cancelled' | 'codes' | 'steps'>): Verdict {
  if (r.cancelled) return 'cancelled';
  if (!r.ok) return 'failed';
  const warned = r.codes.length > 0 || r.steps.some((s) => s.status === 'warning');
  return warned ? 'ok_warnings' : 'ok';
}

/** The label of an evidence key (`server_said` → "Antwort des Servers"); unknown keys as they are. */
export function evidenceLabel(key: string): string {
  const k = `evidence.${key}`;
  return isMessageKey(k) ? t(k) : key;
}

export function stepName(step: Pick<Step, 'kind'>): string {
  return t(`step.${step.kind}`);
}

/** The whole report as plain text, for a support ticket: verdict, steps, diagnoses, transcripts. */
export function reportText(r: TestReport): string {
  const out: string[] = [];
  out.push(`${t(`test.result.${verdictOf(r)}`)} – ${r.started_at} – ${formatDuration(r.duration_ms)}`);
  if (r.codes.length > 0) out.push(r.codes.join(' '));
  for (const target of r.targets) {
    out.push(
      `${t(`test.role.${target.role}`)}: ${target.protocol} ${target.host}:${target.port} ${target.security}` +
        (target.user ? ` ${t('test.target_user', { user: target.user })}` : ''),
    );
  }
  for (const s of r.steps) {
    out.push('');
    out.push(`[${t(`step_status.${s.status}`)}] ${t(`test.role.${s.role}`)} – ${stepName(s)} (${formatDuration(s.duration_ms)})${s.summary ? `: ${s.summary}` : ''}`);
    for (const d of diagnosesOf(s)) {
      out.push(`  ${d.code}: ${d.title}`);
      out.push(`  ${d.explanation}`);
      out.push(`  ${t('test.diagnosis.fix')}: ${d.fix}`);
      for (const e of d.evidence) out.push(`    ${e.key}: ${e.value}`);
    }
    if (s.transcript.length > 0) {
      out.push(transcriptText(s.transcript).replace(/^/gm, '    '));
    }
  }
  return out.join('\n');
}

/** Puts `text` on the clipboard; falls back to a hidden textarea where the API is missing. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (typeof globalThis.navigator?.clipboard?.writeText === 'function') {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Not allowed here (permissions, insecure context): try the old way.
  }
  if (typeof document === 'undefined') return false;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  const before = document.activeElement as HTMLElement | null;
  document.body.appendChild(area);
  area.focus();
  area.select();
  let ok = false;
  try {
    ok = typeof document.execCommand === 'function' && document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  before?.focus?.();
  return ok;
}
