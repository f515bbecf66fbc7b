// Pure helpers of the connection-test views: live steps replaced by index, steps grouped by
// server role, the verdict of a report, transcripts and whole reports as copyable text.
import type {
  Diagnosis,
  DiagnosisCode,
  Dir,
  EvidenceKey,
  ProbeEvent,
  Role,
  Step,
  TestReport,
  TranscriptLine,
} from '$lib/backend';
import { t } from '$lib/i18n.svelte';
import { formatDuration } from '$lib/form/format';

/** A step arrives when it starts and again when it ends: the later one replaces it. */
export function applyEvent(steps: readonly (Step | undefined)[], e: ProbeEvent): (Step | undefined)[] {
  const next = steps.slice();
  next[e.index] = e.step;
  return next;
}

/** Direction markers of transcript lines, as in mail-server logs. */
export const DIR_MARK: Record<Dir, string> = { client: 'C:', server: 'S:', info: '*' };

/** A transcript line as shown: the core's `<redacted>` marker in the UI's language. */
export function lineText(text: string): string {
  return text.replaceAll('<redacted>', t('test.redacted'));
}

export function transcriptText(lines: readonly TranscriptLine[]): string {
  return lines.map((l) => `${DIR_MARK[l.dir]} ${lineText(l.text)}`).join('\n');
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

/** What every step-shaped result shares (connection test, domain check, detection source). */
export type StepLike = Pick<Step, 'status' | 'duration_ms' | 'summary' | 'diagnosis' | 'more_diagnoses' | 'transcript'> & {
  kind: string;
};

export function diagnosesOf(step: Pick<Step, 'diagnosis' | 'more_diagnoses'>): Diagnosis[] {
  return step.diagnosis ? [step.diagnosis, ...step.more_diagnoses] : [...step.more_diagnoses];
}

export type Verdict = 'ok' | 'ok_warnings' | 'failed' | 'cancelled';

export function verdictOf(
  r: Pick<TestReport, 'ok' | 'cancelled' | 'codes'> & { steps: readonly Pick<Step, 'status'>[] },
): Verdict {
  if (r.cancelled) return 'cancelled';
  if (!r.ok) return 'failed';
  const warned = r.codes.length > 0 || r.steps.some((s) => s.status === 'warning');
  return warned ? 'ok_warnings' : 'ok';
}

/** The label of an evidence key (`server_said` → "Antwort des Servers"). The keys are a closed
 *  set generated from Rust: a key without a label in both languages fails svelte-check. */
export function evidenceLabel(key: EvidenceKey): string {
  return t(`evidence.${key}`);
}

/** Which setting a diagnosis asks the administrator to change. */
export type FixTarget =
  | 'calendar'
  | 'host'
  | 'port_security'
  | 'certificate'
  | 'credentials'
  | 'oauth'
  | 'folders'
  | 'addresses'
  | 'network'
  | 'server_side'
  | 'server_choice'
  | 'fetch_delete';

/** The setting to look at for a diagnosis code. Exhaustive: a new code in Rust fails
 *  svelte-check here until it is placed. */
export function fixTarget(code: DiagnosisCode): FixTarget {
  switch (code) {
    case 'dns.not_found':
      return 'host';
    case 'dns.failed':
    case 'net.unreachable':
    case 'net.timeout':
    case 'detect.timeout':
    case 'detect.unreachable':
      return 'network';
    case 'net.silent':
    case 'net.refused':
    case 'net.closed':
    case 'tls.expected_implicit':
    case 'tls.expected_starttls':
    case 'tls.starttls_unsupported':
    case 'protocol.wrong_service':
    case 'auth.plaintext_disabled':
    case 'auth.unencrypted_not_allowed':
    case 'auth.plaintext_sent':
      return 'port_security';
    case 'tls.hostname_mismatch':
    case 'tls.expired':
    case 'tls.not_yet_valid':
    case 'tls.self_signed':
    case 'tls.untrusted_issuer':
    case 'tls.pin_mismatch':
    case 'tls.handshake_failed':
    case 'tls.legacy_version':
    case 'tls.verify_disabled':
    case 'tls.expires_soon':
    case 'tls.client_cert_required':
    case 'tls.client_cert_rejected':
    case 'tls.client_cert_unusable':
    case 'tls.client_cert_expired':
      return 'certificate';
    case 'auth.failed':
    case 'auth.mechanism_unsupported':
    case 'auth.password_missing':
    case 'auth.method_not_available':
    case 'auth.ntlm_not_offered':
    case 'auth.ntlm_refused':
    case 'auth.ntlm_domain_mismatch':
    case 'auth.password_expired':
    case 'auth.app_password_required':
    case 'auth.web_login_required':
    case 'auth.not_authorized':
    case 'smtp.auth_required':
      return 'credentials';
    case 'oauth.token_invalid':
    case 'oauth.consent_missing':
    case 'oauth.admin_approval':
    case 'oauth.scope_missing':
    case 'oauth.wrong_user':
    case 'oauth.not_connected':
    case 'oauth.host_not_allowed':
    case 'oauth.access_denied':
    case 'oauth.client_invalid':
    case 'oauth.device_expired':
    case 'oauth.provider_unreachable':
    case 'oauth.provider_error':
    case 'oauth.endpoint_wrong':
    case 'oauth.flow_unavailable':
    case 'oauth.state_mismatch':
    case 'oauth.browser_timeout':
    case 'oauth.cancelled':
      return 'oauth';
    case 'imap.mailbox_missing':
    case 'imap.folder_missing':
    case 'imap.trash_missing':
      return 'folders';
    case 'smtp.sender_rejected':
    case 'smtp.relay_denied':
    case 'smtp.recipient_rejected':
      return 'addresses';
    case 'protocol.invalid_response':
    case 'protocol.service_unavailable':
    case 'auth.temporary':
    case 'auth.account_disabled':
    case 'auth.access_disabled':
    case 'auth.mailbox_in_use':
    case 'auth.login_delay':
    case 'smtp.temporary':
    case 'smtp.message_rejected':
    // Sending via the application server: the server's relay permission, not these settings.
    case 'smtp.relay_denied_app_server':
    case 'smtp.app_server_sends':
    case 'roundtrip.not_received':
    case 'detect.not_published':
    case 'detect.document_invalid':
    case 'detect.document_too_large':
    case 'detect.document_dtd':
    case 'detect.insecure_refused':
    case 'detect.skipped':
      return 'server_side';
    // The domain check: records the domain's DNS administrator publishes.
    case 'domain.mx_missing':
    case 'domain.mx_unresolvable':
    case 'domain.spf_missing':
    case 'domain.spf_multiple':
    case 'domain.spf_invalid':
    case 'domain.spf_too_many_lookups':
    case 'domain.spf_allows_all':
    case 'domain.spf_not_authorized':
    case 'domain.dmarc_missing':
    case 'domain.dmarc_invalid':
    case 'domain.dmarc_monitor_only':
    case 'domain.dmarc_partial':
    case 'domain.dkim_missing':
    case 'domain.dkim_none_found':
    case 'domain.dkim_invalid':
    case 'domain.mta_sts_missing':
    case 'domain.mta_sts_invalid':
    case 'domain.mta_sts_policy_unreachable':
    case 'domain.mta_sts_mx_mismatch':
    case 'domain.tls_rpt_missing':
    case 'domain.tls_rpt_invalid':
    case 'domain.autoconfig_missing':
    case 'domain.srv_missing':
    case 'domain.spf_no_outgoing':
      return 'server_side';
    case 'test.incoming_not_checked':
    case 'test.outgoing_not_checked':
      return 'server_choice';
    // The calendar test (CalDAV).
    case 'caldav.discovery_failed':
    case 'caldav.not_caldav':
    case 'caldav.calendar_not_found':
    case 'caldav.plain_http':
      return 'calendar';
    case 'caldav.auth_failed':
      return 'credentials';
    case 'caldav.access_denied':
    case 'caldav.read_failed':
      return 'server_side';
    case 'pop3.uidl_missing':
      return 'fetch_delete';
    // Microsoft Graph sending: the token and the app registration's permissions.
    case 'graph.token_rejected':
    case 'graph.permission_missing':
      return 'oauth';
    case 'graph.mailbox_not_found':
      return 'addresses';
    case 'graph.access_policy':
    case 'graph.error':
      return 'server_side';
    case 'graph.unavailable':
      return 'network';
    // S/MIME: the certificate chosen on the outgoing server.
    case 'smime.certificate_missing':
    case 'smime.key_missing':
    case 'smime.certificate_expired':
    case 'smime.wrong_purpose':
    case 'smime.address_mismatch':
    case 'smime.failed':
      return 'certificate';
    case 'smime.signature_invalid':
      return 'server_side';
    default:
      return code satisfies never;
  }
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
