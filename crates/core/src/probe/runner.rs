//! Runs the steps of a test: announces each step, bounds it by the timeout, stops it at once
//! on cancellation, and turns its outcome into a `Step` with transcript and diagnosis.

use super::providers::ProviderAnswer;
use super::transcript::{Dir, Transcript};
use super::{
    Folder, ProbeEvent, Progress, Role, Step, StepKind, StepStatus, TargetSummary, TestReport,
    TlsEvidence,
};
use crate::diag::{self as diagnosis, Context, DiagnosisCode, Evidence, EvidenceKey, Severity};
use crate::i18n::Lang;
use std::future::Future;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// Why a step failed: a diagnosis code and its evidence.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub code: DiagnosisCode,
    pub evidence: Vec<Evidence>,
    /// Boxed: failures travel in every `Result` of the probe and should stay small.
    pub tls: Option<Box<TlsEvidence>>,
    /// A known provider answer: its explanation and fix replace the code's general ones.
    pub advice: Option<&'static ProviderAnswer>,
}

impl Failure {
    pub fn new(code: DiagnosisCode) -> Failure {
        Failure {
            code,
            evidence: Vec::new(),
            tls: None,
            advice: None,
        }
    }

    pub fn advice(mut self, p: &'static ProviderAnswer) -> Failure {
        self.advice = Some(p);
        self
    }

    pub fn with(mut self, key: EvidenceKey, value: impl Into<String>) -> Failure {
        self.evidence.push(Evidence::new(key, value));
        self
    }

    pub fn tls(mut self, ev: Option<TlsEvidence>) -> Failure {
        self.tls = ev.map(Box::new);
        self
    }
}

/// A step's successful outcome: its value and how to summarize it.
pub(crate) struct Done<T> {
    pub value: T,
    pub(crate) key: &'static str,
    pub(crate) args: Vec<(&'static str, String)>,
    warnings: Vec<Failure>,
    tls: Option<TlsEvidence>,
    status: Option<StepStatus>,
}

impl<T> Done<T> {
    pub fn new(value: T, summary_key: &'static str) -> Done<T> {
        Done {
            value,
            key: summary_key,
            args: Vec::new(),
            warnings: Vec::new(),
            tls: None,
            status: None,
        }
    }
    pub fn arg(mut self, k: &'static str, v: impl Into<String>) -> Done<T> {
        self.args.push((k, v.into()));
        self
    }
    pub fn warn(mut self, w: Failure) -> Done<T> {
        self.warnings.push(w);
        self
    }
    pub fn warnings(mut self, ws: Vec<Failure>) -> Done<T> {
        self.warnings.extend(ws);
        self
    }
    pub fn tls(mut self, ev: TlsEvidence) -> Done<T> {
        self.tls = Some(ev);
        self
    }
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Done<U> {
        Done {
            value: f(self.value),
            key: self.key,
            args: self.args,
            warnings: self.warnings,
            tls: self.tls,
            status: self.status,
        }
    }
    /// Report the step as skipped (e.g. "no implicit TLS here, trying STARTTLS").
    pub fn skipped(mut self) -> Done<T> {
        self.status = Some(StepStatus::Skipped);
        self
    }
}

/// How a test ends early.
#[derive(Debug, Clone)]
pub(crate) enum Stop {
    Failed(Failure),
    Cancelled,
}

impl Stop {
    /// The failure inside a step that runs nested sessions (the round trip). Cancellation
    /// never gets here in practice: the outer step sees the token first.
    pub fn failure(self) -> Failure {
        match self {
            Stop::Failed(f) => f,
            Stop::Cancelled => Failure::new(DiagnosisCode::NetTimeout),
        }
    }
}

pub(crate) struct Runner<'a> {
    pub lang: Lang,
    progress: Progress<'a>,
    cancel: CancellationToken,
    pub transcript: Transcript,
    pub steps: Vec<Step>,
    pub role: Role,
    pub ctx: Context,
    /// Quiet runners (the sessions of a round trip) record no steps: their transcript goes
    /// to the step that runs them.
    quiet: bool,
    pub cancelled: bool,
    pub first_tls: Option<TlsEvidence>,
    pub folders: Option<Vec<Folder>>,
    pub targets: Vec<TargetSummary>,
    /// When set, no step runs past it: the server's timeout bounds its whole test, not only
    /// each step (a server answering every step just in time would stretch it tenfold).
    pub deadline: Option<Instant>,
}

impl<'a> Runner<'a> {
    pub fn new(
        lang: Lang,
        progress: Progress<'a>,
        cancel: CancellationToken,
        transcript: Transcript,
    ) -> Runner<'a> {
        Runner {
            lang,
            progress,
            cancel,
            transcript,
            steps: Vec::new(),
            role: Role::Incoming,
            ctx: Context::default(),
            quiet: false,
            cancelled: false,
            first_tls: None,
            folders: None,
            targets: Vec::new(),
            deadline: None,
        }
    }

    /// A runner whose steps are not recorded; lines go to `transcript`.
    pub fn quiet(&self) -> Runner<'a> {
        let mut r = Runner::new(
            self.lang,
            self.progress,
            self.cancel.clone(),
            self.transcript.clone(),
        );
        r.quiet = true;
        r.role = self.role;
        r.ctx = self.ctx.clone();
        r.deadline = self.deadline;
        r
    }

    fn emit(&self, index: usize) {
        if !self.quiet {
            (self.progress)(&ProbeEvent {
                index: index as u32,
                step: self.steps[index].clone(),
            });
        }
    }

    fn begin(&mut self, kind: StepKind) -> usize {
        self.steps.push(Step {
            role: self.role,
            kind,
            status: StepStatus::Running,
            duration_ms: 0,
            summary: String::new(),
            diagnosis: None,
            more_diagnoses: Vec::new(),
            transcript: Vec::new(),
            tls: None,
        });
        let i = self.steps.len() - 1;
        self.emit(i);
        i
    }

    pub fn diagnose(&self, f: &Failure, severity: Severity) -> diagnosis::Diagnosis {
        let evidence = f
            .evidence
            .iter()
            .map(|e| Evidence {
                key: e.key,
                value: self.transcript.scrub(&e.value),
            })
            .collect();
        let mut d = diagnosis::diagnose(f.code, severity, self.lang, &self.ctx, evidence);
        let pick = |p: (&'static str, &'static str)| match self.lang {
            Lang::De => p.0,
            Lang::En => p.1,
        };
        if let Some(p) = f.advice {
            d.explanation = pick(p.explanation).to_string();
            d.fix = pick(p.fix).to_string();
        }
        // RFC 3501/9051: an [ALERT] must be shown to the user, word for word.
        for e in d
            .evidence
            .iter()
            .filter(|e| e.key == EvidenceKey::ServerAlert)
        {
            let line = match self.lang {
                Lang::De => format!("Der Server meldet: „{}“", e.value),
                Lang::En => format!("The server says: \"{}\"", e.value),
            };
            d.explanation = format!("{}\n{line}", d.explanation);
        }
        d
    }

    /// Runs one step, bounded by `limit` and by cancellation.
    pub async fn step<T>(
        &mut self,
        kind: StepKind,
        limit: Duration,
        fut: impl Future<Output = Result<Done<T>, Failure>>,
    ) -> Result<T, Stop> {
        let index = (!self.quiet).then(|| self.begin(kind));
        let started = Instant::now();
        let limit = match self.deadline {
            Some(d) => limit.min(d.saturating_duration_since(started)),
            None => limit,
        };
        let cancel = self.cancel.clone();
        let outcome = tokio::select! {
            biased;
            _ = cancel.cancelled() => None,
            r = tokio::time::timeout(limit, fut) => Some(r),
        };
        let result = match outcome {
            None => Err(Stop::Cancelled),
            Some(Err(_)) => {
                // After a connect succeeded, silence points at port or encryption first.
                let code = if matches!(kind, StepKind::Resolve | StepKind::Connect) {
                    DiagnosisCode::NetTimeout
                } else {
                    DiagnosisCode::NetSilent
                };
                let mut f = Failure::new(code)
                    .with(EvidenceKey::Step, step_label(self.lang, kind))
                    .with(
                        EvidenceKey::Timeout,
                        format!("{} s", decimal(self.lang, limit.as_secs_f32())),
                    );
                if let Some(last) = self.transcript.last(Dir::Client) {
                    f = f.with(EvidenceKey::LastSent, last);
                }
                if let Some(last) = self.transcript.last(Dir::Server) {
                    f = f.with(EvidenceKey::LastReceived, last);
                }
                Err(Stop::Failed(f))
            }
            Some(Ok(Err(f))) => Err(Stop::Failed(f)),
            Some(Ok(Ok(done))) => Ok(done),
        };
        let Some(index) = index else {
            return result.map(|d| d.value);
        };
        let transcript = self.transcript.take();
        let step = &mut self.steps[index];
        step.duration_ms = started.elapsed().as_millis() as u64;
        step.transcript = transcript;
        match result {
            Ok(done) => {
                let mut diags: Vec<_> = done
                    .warnings
                    .iter()
                    .map(|w| self.diagnose(w, Severity::Warning))
                    .collect();
                let step = &mut self.steps[index];
                step.status = done.status.unwrap_or(if diags.is_empty() {
                    StepStatus::Ok
                } else {
                    StepStatus::Warning
                });
                step.summary = self
                    .transcript
                    .scrub(&diagnosis::summary(self.lang, done.key, &done.args));
                if !diags.is_empty() {
                    step.diagnosis = Some(diags.remove(0));
                    step.more_diagnoses = diags;
                }
                if let Some(ev) = done.tls {
                    if self.first_tls.is_none() {
                        self.first_tls = Some(ev.clone());
                    }
                    self.steps[index].tls = Some(ev);
                }
                self.emit(index);
                Ok(done.value)
            }
            Err(Stop::Cancelled) => {
                self.cancelled = true;
                let step = &mut self.steps[index];
                step.status = StepStatus::Cancelled;
                step.summary = match self.lang {
                    crate::i18n::Lang::De => "Abgebrochen".into(),
                    crate::i18n::Lang::En => "Cancelled".into(),
                };
                self.emit(index);
                Err(Stop::Cancelled)
            }
            Err(Stop::Failed(f)) => {
                let d = self.diagnose(&f, Severity::Error);
                let step = &mut self.steps[index];
                step.status = StepStatus::Failed;
                step.summary = d.title.clone();
                step.diagnosis = Some(d);
                if let Some(ev) = &f.tls {
                    step.tls = Some((**ev).clone());
                    if self.first_tls.is_none() {
                        self.first_tls = Some((**ev).clone());
                    }
                }
                self.emit(index);
                Err(Stop::Failed(f))
            }
        }
    }

    /// Records a step that did not run, with the reason as its summary.
    pub fn mark_skipped(&mut self, kind: StepKind, key: &'static str, args: &[(&str, String)]) {
        if self.quiet {
            return;
        }
        let i = self.begin(kind);
        let step = &mut self.steps[i];
        step.status = StepStatus::Skipped;
        step.summary = diagnosis::summary(self.lang, key, args);
        step.transcript = self.transcript.take();
        self.emit(i);
    }

    /// Records a warning step for a side (`role`) the test did not check, saying why.
    pub fn mark_not_checked(&mut self, role: Role, code: DiagnosisCode) {
        if self.quiet {
            return;
        }
        let before = self.role;
        self.role = role;
        let i = self.begin(StepKind::NotChecked);
        self.role = before;
        let d = self.diagnose(&Failure::new(code), Severity::Warning);
        let step = &mut self.steps[i];
        step.status = StepStatus::Warning;
        step.summary = d.title.clone();
        step.diagnosis = Some(d);
        self.emit(i);
    }

    /// Explains again, as `with` at `severity`, each step since index `from` that ended with
    /// diagnosis `code` (same evidence): what a setting of the target changes about an
    /// answer, e.g. a relay refusal of a server that the business application uses from
    /// elsewhere. A warning no longer fails the step.
    pub fn explain_again(
        &mut self,
        from: usize,
        code: DiagnosisCode,
        with: DiagnosisCode,
        severity: Severity,
    ) {
        for i in from..self.steps.len() {
            let Some(evidence) = self.steps[i]
                .diagnosis
                .as_ref()
                .filter(|d| d.code == code)
                .map(|d| d.evidence.clone())
            else {
                continue;
            };
            let d = diagnosis::diagnose(with, severity, self.lang, &self.ctx, evidence);
            let step = &mut self.steps[i];
            if severity == Severity::Warning && step.status == StepStatus::Failed {
                step.status = StepStatus::Warning;
            }
            step.summary = d.title.clone();
            step.diagnosis = Some(d);
            self.emit(i);
        }
    }

    /// The finished report.
    pub fn report(self, started_at: String, started: Instant) -> TestReport {
        let mut codes = Vec::new();
        for s in &self.steps {
            for d in s.diagnosis.iter().chain(&s.more_diagnoses) {
                codes.push(d.code);
            }
        }
        let failed = self
            .steps
            .iter()
            .any(|s| matches!(s.status, StepStatus::Failed | StepStatus::Cancelled));
        TestReport {
            targets: self.targets,
            started_at,
            duration_ms: started.elapsed().as_millis() as u64,
            ok: !failed && !self.cancelled,
            cancelled: self.cancelled,
            codes,
            steps: self.steps,
            tls: self.first_tls,
            folders: self.folders,
        }
    }
}

pub(crate) use crate::i18n::decimal;

/// A step's name as the administrator reads it in the evidence.
pub(crate) fn step_label(lang: Lang, kind: StepKind) -> String {
    let (de, en) = match kind {
        StepKind::Resolve => ("Namensauflösung (DNS)", "name resolution (DNS)"),
        StepKind::Connect => ("Verbindung (TCP)", "connection (TCP)"),
        StepKind::Tls => (
            "Verschlüsselung (TLS-Aushandlung)",
            "encryption (TLS handshake)",
        ),
        StepKind::Greeting => ("Begrüßung des Servers", "server greeting"),
        StepKind::Capabilities => ("Fähigkeiten", "capabilities"),
        StepKind::Login => ("Anmeldung", "login"),
        StepKind::Folders => ("Ordnerliste", "folder list"),
        StepKind::Mailbox => ("Mailbox-Pfad", "mailbox path"),
        StepKind::SpecialFolders => ("Sonderordner", "special folders"),
        StepKind::Stat => ("Postfachgröße (STAT)", "mailbox size (STAT)"),
        StepKind::Uidl => ("Nachrichtenkennungen (UIDL)", "message ids (UIDL)"),
        StepKind::Sender => ("Absender (MAIL FROM)", "sender (MAIL FROM)"),
        StepKind::Send => ("Testnachricht", "test message"),
        StepKind::Roundtrip => ("Rundlauf", "round trip"),
        StepKind::Logout => ("Abmelden", "logout"),
        StepKind::NotChecked => ("nicht geprüft", "not checked"),
        StepKind::Discovery => ("Ermittlung (CalDAV)", "discovery (CalDAV)"),
        StepKind::Principal => ("Anmeldung (Prinzipal)", "login (principal)"),
        StepKind::CalendarHome => ("Kalenderverzeichnis", "calendar home"),
        StepKind::Calendars => ("Kalender", "calendars"),
        StepKind::CalendarRead => ("Termine lesen", "reading events"),
    };
    match lang {
        Lang::De => de,
        Lang::En => en,
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runner(lang: Lang) -> Runner<'static> {
        Runner::new(
            lang,
            &super::super::no_progress,
            CancellationToken::new(),
            Transcript::default(),
        )
    }

    #[test]
    fn a_provider_answer_brings_its_own_explanation_and_fix() {
        let p = super::super::providers::find(
            super::super::answer::Wire::Smtp,
            "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
        )
        .expect("a known answer");
        let f = Failure::new(p.code).advice(p);
        let de = runner(Lang::De).diagnose(&f, Severity::Error);
        assert_eq!(de.code, DiagnosisCode::AuthAccessDisabled);
        assert!(de.fix.contains("Set-CASMailbox"), "{}", de.fix);
        assert!(
            de.explanation.contains("Microsoft 365"),
            "{}",
            de.explanation
        );
        let en = runner(Lang::En).diagnose(&f, Severity::Error);
        assert!(en.fix.contains("Authenticated SMTP"), "{}", en.fix);
    }

    #[test]
    fn an_alert_is_shown_word_for_word_in_the_explanation() {
        let f = Failure::new(DiagnosisCode::AuthFailed)
            .with(EvidenceKey::ServerAlert, "Bitte Passwort im Webmail ändern");
        let d = runner(Lang::De).diagnose(&f, Severity::Error);
        assert!(
            d.explanation
                .ends_with("Der Server meldet: „Bitte Passwort im Webmail ändern“"),
            "{}",
            d.explanation
        );
        assert!(d
            .evidence
            .iter()
            .any(|e| e.key == EvidenceKey::ServerAlert
                && e.value == "Bitte Passwort im Webmail ändern"));
    }
}
