//! The check of a mail domain (`mbadmin domain check`, the "Domain prüfen" panel): MX, SPF
//! (syntax, the 10-lookup limit, whether it allows the outgoing server), DMARC, DKIM,
//! MTA-STS with its policy, TLS-RPT, autoconfig and SRV — each a step with the diagnoses of
//! a connection test. Records are parsed by `mail-auth`; every lookup goes through `dns`.

mod https;
mod records;
mod spf;
mod texts;

use crate::diag::{self, Diagnosis, DiagnosisCode, Evidence, EvidenceKey, Severity};
use crate::dns::{Dns, DnsError};
use crate::i18n::Lang;
use crate::probe::transcript::{Dir, TranscriptLine};
use crate::probe::StepStatus;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::time::{Duration, Instant};
use ts_rs::TS;

pub use records::{DkimKey, DmarcFacts, MtaStsFacts};
pub use spf::{SpfFacts, SpfResult, SpfVerdict};

/// The selectors tried besides the ones the administrator names: Microsoft 365
/// (`selector1`, `selector2`), Google Workspace (`google`) and common defaults of mail
/// servers and hosters.
pub const COMMON_DKIM_SELECTORS: &[&str] = &[
    "selector1",
    "selector2",
    "google",
    "default",
    "dkim",
    "mail",
];

/// Every HTTPS request of the check (the MTA-STS policy) ends within this.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// The outgoing server whose sending addresses SPF must allow.
#[derive(Debug, Clone)]
pub struct OutgoingHost {
    /// The record's name, as shown.
    pub name: String,
    pub host: String,
}

/// What to check, as plain data (the domain already validated).
#[derive(Debug, Clone)]
pub struct DomainCheck {
    /// As entered (an IDN is shown like this).
    pub domain: String,
    /// The punycode form that is asked.
    pub ascii_domain: String,
    /// The envelope sender SPF is evaluated for (`postmaster@<domain>` when none is given).
    pub sender: String,
    pub outgoing: Option<OutgoingHost>,
    /// Selectors the administrator names; the common ones are tried too.
    pub dkim_selectors: Vec<String>,
    /// CA certificates (PEM) trusted for the MTA-STS policy besides the OS trust store.
    pub extra_roots: Vec<String>,
    pub http_timeout: Duration,
    pub lang: Lang,
}

/// Which check a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DomainStepKind {
    /// MX records, and that their hosts resolve.
    Mx,
    /// The SPF record: present, once, valid, within 10 DNS lookups.
    Spf,
    /// Whether SPF allows the outgoing server's addresses for the sender.
    SpfOutgoing,
    Dmarc,
    Dkim,
    /// The `_mta-sts` TXT record and the policy file over HTTPS.
    MtaSts,
    TlsRpt,
    /// `autoconfig.<domain>` resolves.
    Autoconfig,
    /// RFC 6186/8314 SRV records.
    Srv,
}

/// One check: the same shape as a connection test's step (status, summary, diagnoses),
/// with the DNS questions and answers as its transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DomainStep {
    pub kind: DomainStepKind,
    pub status: StepStatus,
    pub duration_ms: u64,
    /// One line in the user's language, e.g. the record found.
    pub summary: String,
    /// The first finding (error before warning).
    pub diagnosis: Option<Diagnosis>,
    /// Further findings of the same step.
    pub more_diagnoses: Vec<Diagnosis>,
    /// `Client`: the question asked (`TXT _dmarc.firma.de`), `Server`: the answer,
    /// `Info`: a note of the check.
    pub transcript: Vec<TranscriptLine>,
}

/// The outgoing server that was checked against SPF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OutgoingChecked {
    pub name: String,
    pub host: String,
    /// Its addresses, as resolved (what SPF must allow).
    pub ips: Vec<String>,
}

/// The result of a domain check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DomainReport {
    /// As entered.
    pub domain: String,
    /// Punycode, as asked.
    pub ascii_domain: String,
    /// The envelope sender SPF was evaluated for.
    pub sender: String,
    /// `IP:PORT` of the DNS server asked; empty: the system's resolver.
    pub dns_server: String,
    pub outgoing: Option<OutgoingChecked>,
    /// RFC 3339 UTC.
    pub started_at: String,
    pub duration_ms: u64,
    /// No step failed (warnings allowed).
    pub ok: bool,
    /// The diagnosis codes of all findings, in step order.
    pub codes: Vec<DiagnosisCode>,
    pub steps: Vec<DomainStep>,
    /// MX hosts, most preferred first.
    pub mx: Vec<String>,
    pub spf: Option<SpfFacts>,
    pub dmarc: Option<DmarcFacts>,
    /// Every selector asked, named ones first.
    pub dkim: Vec<DkimKey>,
    pub mta_sts: Option<MtaStsFacts>,
}

/// Runs every check (concurrently) against `dns`.
pub async fn check(req: &DomainCheck, dns: &Dns) -> DomainReport {
    let started_at = crate::clock::now();
    let t0 = Instant::now();
    let d = req.ascii_domain.as_str();
    let ((mx_step, mx_hosts), (spf_step, out_step, spf_facts, outgoing), (dmarc_step, dmarc)) = tokio::join!(
        mx::check(req, dns),
        spf::check(req, dns),
        records::dmarc(req, dns)
    );
    let ((dkim_step, dkim), (sts_step, sts), tlsrpt_step, auto_step, srv_step) = tokio::join!(
        records::dkim(req, dns),
        records::mta_sts(req, dns, &mx_hosts),
        records::tls_rpt(req, dns),
        discovery::autoconfig(req, dns),
        discovery::srv(req, dns),
    );
    let steps = vec![
        mx_step,
        spf_step,
        out_step,
        dmarc_step,
        dkim_step,
        sts_step,
        tlsrpt_step,
        auto_step,
        srv_step,
    ];
    let codes = steps
        .iter()
        .flat_map(|s| s.diagnosis.iter().chain(s.more_diagnoses.iter()))
        .map(|d| d.code)
        .collect();
    DomainReport {
        domain: req.domain.clone(),
        ascii_domain: d.to_string(),
        sender: req.sender.clone(),
        dns_server: dns.server().to_setting(),
        outgoing,
        started_at,
        duration_ms: t0.elapsed().as_millis() as u64,
        ok: steps.iter().all(|s| s.status != StepStatus::Failed),
        codes,
        steps,
        mx: mx_hosts,
        spf: spf_facts,
        dmarc,
        dkim,
        mta_sts: sts,
    }
}

// ---- building steps ----------------------------------------------------------------------

/// A step under construction: findings and transcript, then `finish` with a summary.
pub(crate) struct StepBuilder<'a> {
    kind: DomainStepKind,
    req: &'a DomainCheck,
    t0: Instant,
    diagnoses: Vec<Diagnosis>,
    pub transcript: Vec<TranscriptLine>,
}

impl<'a> StepBuilder<'a> {
    pub fn new(kind: DomainStepKind, req: &'a DomainCheck) -> Self {
        StepBuilder {
            kind,
            req,
            t0: Instant::now(),
            diagnoses: Vec::new(),
            transcript: Vec::new(),
        }
    }

    /// A finding about `name` (shown as `{host}` in the texts).
    pub fn finding(
        &mut self,
        code: DiagnosisCode,
        severity: Severity,
        name: &str,
        evidence: Vec<Evidence>,
    ) {
        let ctx = diag::Context {
            host: name.to_string(),
            ..Default::default()
        };
        self.diagnoses.push(diag::diagnose(
            code,
            severity,
            self.req.lang,
            &ctx,
            evidence,
        ));
    }

    /// An error finding about the domain itself.
    pub fn error(&mut self, code: DiagnosisCode, evidence: Vec<Evidence>) {
        let name = self.req.domain.clone();
        self.finding(code, Severity::Error, &name, evidence);
    }

    /// A warning about the domain itself.
    pub fn warning(&mut self, code: DiagnosisCode, evidence: Vec<Evidence>) {
        let name = self.req.domain.clone();
        self.finding(code, Severity::Warning, &name, evidence);
    }

    /// A lookup that failed for another reason than "nothing published": `dns.failed`.
    pub fn dns_failed(&mut self, e: &DnsError) {
        self.finding(
            DiagnosisCode::DnsFailed,
            Severity::Error,
            &e.name,
            vec![Evidence::new(
                EvidenceKey::ResolverSaid,
                format!("{} {}: {} ({})", e.rtype, e.name, e.kind.label(), e.detail),
            )],
        );
    }

    pub fn ask(&mut self, rtype: &str, name: &str) {
        self.line(Dir::Client, format!("{rtype} {name}"));
    }

    pub fn answer(&mut self, text: impl Into<String>) {
        self.line(Dir::Server, text.into());
    }

    pub fn note(&mut self, text: impl Into<String>) {
        self.line(Dir::Info, text.into());
    }

    /// The answer to a failed lookup, as the transcript shows it.
    pub fn answer_err(&mut self, e: &DnsError) {
        self.answer(format!("({})", e.kind.label()));
    }

    pub fn line(&mut self, dir: Dir, text: String) {
        // A hostile zone may publish huge records; the transcript stays readable.
        const MAX_LINE: usize = 2048;
        const MAX_LINES: usize = 200;
        if self.transcript.len() >= MAX_LINES {
            return;
        }
        let text = if text.len() > MAX_LINE {
            let mut cut = MAX_LINE;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            format!("{} …", &text[..cut])
        } else {
            text
        };
        self.transcript.push(TranscriptLine { dir, text });
    }

    /// A step that could not run because an earlier one found nothing to work on.
    pub fn skip(self, summary: String) -> DomainStep {
        let mut step = self.finish(summary);
        if step.status == StepStatus::Ok {
            step.status = StepStatus::Skipped;
        }
        step
    }

    pub fn finish(mut self, summary: String) -> DomainStep {
        // Errors first, so that `diagnosis` is the most serious finding.
        self.diagnoses
            .sort_by_key(|d| matches!(d.severity, Severity::Warning));
        let status = if self.diagnoses.iter().any(|d| d.severity == Severity::Error) {
            StepStatus::Failed
        } else if self.diagnoses.is_empty() {
            StepStatus::Ok
        } else {
            StepStatus::Warning
        };
        let mut it = self.diagnoses.into_iter();
        DomainStep {
            kind: self.kind,
            status,
            duration_ms: self.t0.elapsed().as_millis() as u64,
            summary,
            diagnosis: it.next(),
            more_diagnoses: it.collect(),
            transcript: self.transcript,
        }
    }

    pub fn text(&self, key: &str, args: &[(&str, String)]) -> String {
        texts::text(self.req.lang, key, args)
    }
}

/// The TXT records at `name` that start with `prefix` (case-insensitive, e.g. `v=spf1`),
/// recorded in the step's transcript. `Ok(empty)` when nothing (of that kind) is published.
pub(crate) async fn txt_records(
    dns: &Dns,
    step: &mut StepBuilder<'_>,
    name: &str,
    prefix: &str,
) -> Result<Vec<String>, DnsError> {
    step.ask("TXT", name);
    match dns.txt(name).await {
        Ok(all) => {
            for r in &all {
                step.answer(format!("\"{r}\""));
            }
            Ok(all
                .into_iter()
                .filter(|r| starts_with_tag(r, prefix))
                .collect())
        }
        Err(e) if e.is_absent() => {
            step.answer_err(&e);
            Ok(Vec::new())
        }
        Err(e) => {
            step.answer_err(&e);
            Err(e)
        }
    }
}

/// `v=spf1 …` starts with `v=spf1` followed by a space or the end (not `v=spf10`);
/// `v=DMARC1;` by `;`.
fn starts_with_tag(record: &str, prefix: &str) -> bool {
    let r = record.trim_start();
    // `get`: a record may have a multi-byte character where the prefix ends (found by fuzzing).
    r.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        && r[prefix.len()..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || c == ';' || c == '\t')
}

/// Fuzzing (`crate::fuzzing::dns_txt`): one TXT record through every reader of the domain
/// check — the tag test, SPF with its strict grammar, DMARC, a DKIM key, the MTA-STS and
/// TLS-RPT records — and the same text as an MTA-STS policy file.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn fuzz_txt(text: &str) {
    for prefix in ["v=spf1", "v=DMARC1", "v=STSv1", "v=TLSRPTv1", "v=DKIM1"] {
        let _ = starts_with_tag(text, prefix);
    }
    spf::fuzz(text);
    records::fuzz(text);
}

fn ip_list(ips: &[IpAddr]) -> String {
    ips.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

mod mx {
    use super::*;

    /// MX records and their addresses: (step, MX hosts most preferred first).
    pub async fn check(req: &DomainCheck, dns: &Dns) -> (DomainStep, Vec<String>) {
        let mut step = StepBuilder::new(DomainStepKind::Mx, req);
        let d = &req.ascii_domain;
        step.ask("MX", d);
        let mx = match dns.mx(d).await {
            Ok(mx) => mx,
            Err(e) => {
                step.answer_err(&e);
                let s = if e.is_absent() {
                    step.error(DiagnosisCode::DomainMxMissing, vec![]);
                    step.text("mx_none", &[])
                } else {
                    step.dns_failed(&e);
                    step.text("dns_failed", &[])
                };
                return (step.finish(s), Vec::new());
            }
        };
        for m in &mx {
            step.answer(format!("{} {}", m.preference, display_host(&m.host)));
        }
        // RFC 7505 null MX: "this domain accepts no mail".
        if mx.len() == 1 && mx[0].host.is_empty() {
            step.note(step.text("mx_null", &[]));
            let s = step.text("mx_null", &[]);
            return (step.finish(s), Vec::new());
        }
        let hosts: Vec<String> = mx.iter().map(|m| m.host.clone()).collect();
        let mut unresolved = Vec::new();
        let mut parts = Vec::new();
        // At most 10 MX hosts are resolved (as receivers do); the rest are listed.
        for h in hosts.iter().take(10) {
            step.ask("A/AAAA", h);
            match dns.ips(h).await {
                Ok(ips) => {
                    step.answer(ip_list(&ips));
                    parts.push(format!("{h} ({})", ip_list(&ips)));
                }
                Err(e) => {
                    step.answer_err(&e);
                    if e.is_absent() {
                        unresolved.push(Evidence::new(EvidenceKey::Name, h.clone()));
                    } else {
                        step.dns_failed(&e);
                    }
                    parts.push(format!("{h} (–)"));
                }
            }
        }
        if !unresolved.is_empty() {
            let all = unresolved.len() == hosts.len().min(10);
            let sev = if all {
                Severity::Error
            } else {
                Severity::Warning
            };
            let name = req.domain.clone();
            step.finding(DiagnosisCode::DomainMxUnresolvable, sev, &name, unresolved);
        }
        let s = step.text("mx", &[("list", parts.join(", "))]);
        (step.finish(s), hosts)
    }

    fn display_host(h: &str) -> &str {
        if h.is_empty() {
            "."
        } else {
            h
        }
    }
}

mod discovery {
    use super::*;

    /// `autoconfig.<domain>` resolves (A/AAAA, a CNAME followed).
    pub async fn autoconfig(req: &DomainCheck, dns: &Dns) -> DomainStep {
        let mut step = StepBuilder::new(DomainStepKind::Autoconfig, req);
        let name = format!("autoconfig.{}", req.ascii_domain);
        step.ask("A/AAAA", &name);
        let summary = match dns.ips(&name).await {
            Ok(ips) => {
                step.answer(ip_list(&ips));
                step.text("autoconfig", &[("name", name), ("ips", ip_list(&ips))])
            }
            Err(e) => {
                step.answer_err(&e);
                if e.is_absent() {
                    step.warning(DiagnosisCode::DomainAutoconfigMissing, vec![]);
                    step.text("autoconfig_none", &[])
                } else {
                    step.dns_failed(&e);
                    step.text("dns_failed", &[])
                }
            }
        };
        step.finish(summary)
    }

    /// The SRV records of RFC 6186 and RFC 8314.
    pub async fn srv(req: &DomainCheck, dns: &Dns) -> DomainStep {
        const SERVICES: &[&str] = &[
            "_submissions._tcp",
            "_submission._tcp",
            "_imaps._tcp",
            "_imap._tcp",
            "_pop3s._tcp",
            "_pop3._tcp",
        ];
        let mut step = StepBuilder::new(DomainStepKind::Srv, req);
        let names: Vec<String> = SERVICES
            .iter()
            .map(|s| format!("{s}.{}", req.ascii_domain))
            .collect();
        let answers = futures_join(names.iter().map(|n| dns.srv(n))).await;
        let mut found = Vec::new();
        let mut failed = None;
        for (svc, (name, r)) in SERVICES.iter().zip(names.iter().zip(answers)) {
            step.ask("SRV", name);
            match r {
                Ok(recs) => {
                    for s in &recs {
                        step.answer(format!(
                            "{} {} {} {}",
                            s.priority,
                            s.weight,
                            s.port,
                            if s.target.is_empty() { "." } else { &s.target }
                        ));
                    }
                    if let Some(s) = recs.first() {
                        found.push(if s.target.is_empty() {
                            format!("{svc} –")
                        } else {
                            format!("{svc} → {}:{}", s.target, s.port)
                        });
                    }
                }
                Err(e) => {
                    step.answer_err(&e);
                    if !e.is_absent() && failed.is_none() {
                        failed = Some(e);
                    }
                }
            }
        }
        if let Some(e) = &failed {
            step.dns_failed(e);
        }
        let summary = if found.is_empty() {
            if failed.is_some() {
                step.text("dns_failed", &[])
            } else {
                step.warning(DiagnosisCode::DomainSrvMissing, vec![]);
                step.text("srv_none", &[])
            }
        } else {
            step.text("srv", &[("list", found.join(", "))])
        };
        step.finish(summary)
    }
}

/// Awaits all futures concurrently, results in order (a small `join_all`).
pub(crate) async fn futures_join<F, T>(futs: impl IntoIterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T>,
{
    let futs: Vec<_> = futs.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<T>> = futs.iter().map(|_| None).collect();
    let mut futs: Vec<Option<_>> = futs.into_iter().map(Some).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, slot) in futs.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        out[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter()
        .map(|v| v.expect("every future finished"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_prefix_must_end_the_word() {
        assert!(starts_with_tag("v=spf1 -all", "v=spf1"));
        assert!(starts_with_tag("V=SPF1", "v=spf1"));
        assert!(!starts_with_tag("v=spf10 -all", "v=spf1"));
        assert!(starts_with_tag("v=DMARC1; p=none", "v=DMARC1"));
        assert!(!starts_with_tag("google-site-verification=x", "v=spf1"));
        // A multi-byte character where the prefix ends (fuzz/corpus/dns_txt).
        assert!(!starts_with_tag("v=spf€ -all", "v=spf1"));
    }

    #[test]
    fn futures_join_keeps_the_order() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let v = rt.block_on(futures_join((0..5u64).map(|i| async move {
            tokio::time::sleep(Duration::from_millis(50 - i * 10)).await;
            i
        })));
        assert_eq!(v, [0, 1, 2, 3, 4]);
    }
}
