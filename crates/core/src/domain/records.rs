//! DMARC, DKIM, MTA-STS and TLS-RPT: the records as `mail-auth` parses them, the few tags
//! it does not keep (`pct`, the DKIM key type and size) and the MTA-STS policy file
//! (RFC 8461 §3.2), whose small line format is parsed here.

use super::{futures_join, txt_records, DomainCheck, DomainStep, DomainStepKind, StepBuilder};
use crate::diag::{DiagnosisCode, Evidence, EvidenceKey, Severity};
use crate::dns::Dns;
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::dmarc::{Dmarc, Policy};
use mail_auth::mta_sts::{MtaSts, ReportUri, TlsRpt};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

// ---- DMARC ---------------------------------------------------------------------------------

/// The DMARC record in force for the domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DmarcFacts {
    pub record: String,
    /// Where it was found: `_dmarc.<domain>`, or of the organizational domain.
    pub found_at: String,
    /// `none`, `quarantine` or `reject`.
    pub p: String,
    /// For subdomains; `p` when not given.
    pub sp: String,
    /// Share of failing mail the policy applies to (RFC 7489), 100 when not given.
    pub pct: u8,
    /// Aggregate report addresses (`rua=mailto:…`).
    pub rua: Vec<String>,
}

fn policy_text(p: &Policy) -> &'static str {
    match p {
        Policy::None | Policy::Unspecified => "none",
        Policy::Quarantine => "quarantine",
        Policy::Reject => "reject",
    }
}

/// The value of `tag` in a `tag=value; …` record.
fn tag<'r>(record: &'r str, name: &str) -> Option<&'r str> {
    record.split(';').find_map(|part| {
        let (k, v) = part.split_once('=')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// `_dmarc.<domain>`, else that of the organizational domain (RFC 7489 §6.6.3).
pub async fn dmarc(req: &DomainCheck, dns: &Dns) -> (DomainStep, Option<DmarcFacts>) {
    let mut step = StepBuilder::new(DomainStepKind::Dmarc, req);
    let d = req.ascii_domain.as_str();
    let mut names = vec![format!("_dmarc.{d}")];
    if let Some(org) = psl::domain_str(d).filter(|o| *o != d) {
        names.push(format!("_dmarc.{org}"));
    }
    let mut found = None;
    for name in &names {
        match txt_records(dns, &mut step, name, "v=DMARC1").await {
            Err(e) => {
                step.dns_failed(&e);
                let s = step.text("dns_failed", &[]);
                return (step.finish(s), None);
            }
            Ok(v) if v.is_empty() => continue,
            Ok(v) => {
                found = Some((name.clone(), v));
                break;
            }
        }
    }
    let Some((found_at, records)) = found else {
        step.error(DiagnosisCode::DomainDmarcMissing, vec![]);
        let s = step.text("dmarc_none", &[]);
        return (step.finish(s), None);
    };
    if records.len() > 1 {
        let ev = records
            .iter()
            .map(|r| Evidence::new(EvidenceKey::Record, r.clone()))
            .collect();
        step.error(DiagnosisCode::DomainDmarcInvalid, ev);
        let s = step.text("dmarc_invalid", &[]);
        return (step.finish(s), None);
    }
    let record = records[0].clone();
    let parsed = match Dmarc::parse(record.as_bytes()) {
        Ok(p) if p.p != Policy::Unspecified => p,
        other => {
            let problem = match other {
                Err(e) => e.to_string(),
                Ok(_) => "p= is missing".into(),
            };
            step.error(
                DiagnosisCode::DomainDmarcInvalid,
                vec![
                    Evidence::new(EvidenceKey::Record, record.clone()),
                    Evidence::new(EvidenceKey::Problem, problem),
                ],
            );
            let s = step.text("dmarc_invalid", &[]);
            return (step.finish(s), None);
        }
    };
    let pct = match tag(&record, "pct").map(|v| v.parse::<u8>()) {
        None => 100,
        Some(Ok(n)) if n <= 100 => n,
        Some(_) => {
            step.error(
                DiagnosisCode::DomainDmarcInvalid,
                vec![
                    Evidence::new(EvidenceKey::Record, record.clone()),
                    Evidence::new(EvidenceKey::Problem, "pct must be 0–100"),
                ],
            );
            100
        }
    };
    let facts = DmarcFacts {
        record: record.clone(),
        found_at,
        p: policy_text(&parsed.p).into(),
        sp: if parsed.sp == Policy::Unspecified {
            policy_text(&parsed.p)
        } else {
            policy_text(&parsed.sp)
        }
        .into(),
        pct,
        rua: parsed.rua.iter().map(|u| u.uri.clone()).collect(),
    };
    if parsed.p == Policy::None {
        step.warning(
            DiagnosisCode::DomainDmarcMonitorOnly,
            vec![Evidence::new(EvidenceKey::Record, record.clone())],
        );
    } else if pct < 100 {
        step.warning(
            DiagnosisCode::DomainDmarcPartial,
            vec![Evidence::new(EvidenceKey::Record, record.clone())],
        );
    }
    let rua = if facts.rua.is_empty() {
        "–".to_string()
    } else {
        facts.rua.join(", ")
    };
    let s = step.text(
        "dmarc",
        &[
            ("p", facts.p.clone()),
            ("sp", facts.sp.clone()),
            ("pct", pct.to_string()),
            ("rua", rua),
        ],
    );
    (step.finish(s), Some(facts))
}

// ---- DKIM ----------------------------------------------------------------------------------

/// One DKIM selector as asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DkimKey {
    pub selector: String,
    /// Named by the administrator (a missing one is an error), not just tried.
    pub named: bool,
    /// A record is published under `<selector>._domainkey.<domain>`.
    pub found: bool,
    /// `rsa` or `ed25519` (when found and valid).
    pub key_type: String,
    /// RSA: the modulus size in bits; 0 when unknown.
    pub key_bits: u32,
    /// Why the record is not a usable key (empty: fine or not found).
    pub problem: String,
}

/// DKIM: the named selectors and the common ones.
pub async fn dkim(req: &DomainCheck, dns: &Dns) -> (DomainStep, Vec<DkimKey>) {
    let mut step = StepBuilder::new(DomainStepKind::Dkim, req);
    let mut selectors: Vec<(String, bool)> = Vec::new();
    for s in &req.dkim_selectors {
        let s = s.trim().to_ascii_lowercase();
        if !s.is_empty() && !selectors.iter().any(|(x, _)| *x == s) {
            selectors.push((s, true));
        }
    }
    for s in super::COMMON_DKIM_SELECTORS {
        if !selectors.iter().any(|(x, _)| x == s) {
            selectors.push((s.to_string(), false));
        }
    }
    let names: Vec<String> = selectors
        .iter()
        .map(|(s, _)| format!("{s}._domainkey.{}", req.ascii_domain))
        .collect();
    let answers = futures_join(names.iter().map(|n| dns.txt(n))).await;
    let mut keys = Vec::new();
    for (((sel, named), name), answer) in selectors.into_iter().zip(&names).zip(answers) {
        step.ask("TXT", name);
        let mut key = DkimKey {
            selector: sel.clone(),
            named,
            found: false,
            key_type: String::new(),
            key_bits: 0,
            problem: String::new(),
        };
        match answer {
            Ok(records) => {
                for r in &records {
                    step.answer(format!("\"{r}\""));
                }
                // A CNAME chain may end in unrelated TXT records; a key has p=.
                let rec = records
                    .iter()
                    .find(|r| tag(r, "p").is_some() || r.contains("DKIM1"));
                if let Some(rec) = rec {
                    key.found = true;
                    match dkim_key(rec) {
                        Ok((t, bits)) => {
                            key.key_type = t;
                            key.key_bits = bits;
                        }
                        Err(problem) => {
                            key.problem = problem.clone();
                            step.error(
                                DiagnosisCode::DomainDkimInvalid,
                                vec![
                                    Evidence::new(EvidenceKey::Selector, sel.clone()),
                                    Evidence::new(EvidenceKey::Record, rec.clone()),
                                    Evidence::new(EvidenceKey::Problem, problem),
                                ],
                            );
                        }
                    }
                }
            }
            Err(e) => {
                step.answer_err(&e);
                if !e.is_absent() {
                    step.dns_failed(&e);
                }
            }
        }
        if named && !key.found {
            step.error(
                DiagnosisCode::DomainDkimMissing,
                vec![
                    Evidence::new(EvidenceKey::Selector, sel.clone()),
                    Evidence::new(EvidenceKey::Name, name.clone()),
                ],
            );
        }
        keys.push(key);
    }
    let found: Vec<String> = keys
        .iter()
        .filter(|k| k.found)
        .map(|k| {
            if k.key_bits > 0 {
                format!("{} ({} {})", k.selector, k.key_type, k.key_bits)
            } else if !k.key_type.is_empty() {
                format!("{} ({})", k.selector, k.key_type)
            } else {
                k.selector.clone()
            }
        })
        .collect();
    let s = if found.is_empty() {
        if !keys.iter().any(|k| k.named) {
            step.warning(DiagnosisCode::DomainDkimNoneFound, vec![]);
        }
        step.text("dkim_none", &[])
    } else {
        step.text("dkim", &[("list", found.join(", "))])
    };
    (step.finish(s), keys)
}

/// The key type and (RSA) size of a DKIM key record, or why it is not a usable key. The
/// record is checked by `mail-auth` (tags, base64, the key itself).
fn dkim_key(record: &str) -> Result<(String, u32), String> {
    if let Some(v) = tag(record, "v") {
        if v != "DKIM1" {
            return Err(format!("v={v} (expected DKIM1)"));
        }
    }
    let p = tag(record, "p").unwrap_or_default();
    if p.is_empty() {
        return Err("p= is empty: the key is revoked".into());
    }
    DomainKey::parse(record.as_bytes()).map_err(|e| e.to_string())?;
    // mail-auth keeps the key bytes unchecked until a signature is verified: decode them.
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD
        .decode(p.split_whitespace().collect::<String>())
        .map_err(|e| format!("p= is not base64: {e}"))?;
    let k = tag(record, "k").unwrap_or("rsa").to_ascii_lowercase();
    match k.as_str() {
        "rsa" => match rsa_bits(&der) {
            0 => Err("p= is not an RSA public key".into()),
            bits => Ok((k, bits)),
        },
        "ed25519" if der.len() == 32 => Ok((k, 0)),
        "ed25519" => Err("p= is not an Ed25519 public key (32 bytes)".into()),
        _ => Ok((k, 0)),
    }
}

/// The modulus size of an RSA SubjectPublicKeyInfo (0 when it is not one).
fn rsa_bits(der: &[u8]) -> u32 {
    use x509_parser::prelude::FromDer;
    use x509_parser::public_key::PublicKey;
    use x509_parser::x509::SubjectPublicKeyInfo;
    match SubjectPublicKeyInfo::from_der(der) {
        Ok((_, spki)) => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => rsa.key_size() as u32,
            _ => 0,
        },
        Err(_) => 0,
    }
}

// ---- MTA-STS -------------------------------------------------------------------------------

/// The MTA-STS record and policy (RFC 8461).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MtaStsFacts {
    /// The `id` of the `_mta-sts` TXT record.
    pub id: String,
    /// Where the policy was asked for.
    pub policy_url: String,
    /// `enforce`, `testing` or `none`; empty when the policy could not be read.
    pub mode: String,
    /// The `mx:` patterns of the policy.
    pub mx: Vec<String>,
    /// Seconds.
    pub max_age: u64,
}

/// The largest policy file read (RFC 8461 §3.3 suggests 64 KiB).
pub const MAX_POLICY: usize = 64 * 1024;

/// The `_mta-sts` record, the policy over HTTPS, and whether it names every MX host.
pub async fn mta_sts(
    req: &DomainCheck,
    dns: &Dns,
    mx_hosts: &[String],
) -> (DomainStep, Option<MtaStsFacts>) {
    let mut step = StepBuilder::new(DomainStepKind::MtaSts, req);
    let d = &req.ascii_domain;
    let name = format!("_mta-sts.{d}");
    let records = match txt_records(dns, &mut step, &name, "v=STSv1").await {
        Err(e) => {
            step.dns_failed(&e);
            let s = step.text("dns_failed", &[]);
            return (step.finish(s), None);
        }
        Ok(v) => v,
    };
    if records.is_empty() {
        step.warning(DiagnosisCode::DomainMtaStsMissing, vec![]);
        let s = step.text("mta_sts_none", &[]);
        return (step.finish(s), None);
    }
    let id = match (records.len(), MtaSts::parse(records[0].as_bytes())) {
        (1, Ok(r)) => r.id,
        (n, r) => {
            let problem = if n > 1 {
                "more than one v=STSv1 record".to_string()
            } else {
                r.err().map(|e| e.to_string()).unwrap_or_default()
            };
            step.error(
                DiagnosisCode::DomainMtaStsInvalid,
                vec![
                    Evidence::new(EvidenceKey::Record, records.join(" | ")),
                    Evidence::new(EvidenceKey::Problem, problem),
                ],
            );
            let s = step.text("mta_sts_invalid", &[]);
            return (step.finish(s), None);
        }
    };
    let host = format!("mta-sts.{d}");
    let url = format!("https://{host}/.well-known/mta-sts.txt");
    let mut facts = MtaStsFacts {
        id,
        policy_url: url.clone(),
        mode: String::new(),
        mx: vec![],
        max_age: 0,
    };
    step.ask("GET", &url);
    let (body, media) = match super::https::get(
        dns,
        &req.extra_roots,
        &host,
        &url,
        req.http_timeout,
        MAX_POLICY,
    )
    .await
    {
        Ok(b) => b,
        Err(ev) => {
            step.answer(
                ev.iter()
                    .map(|e| e.value.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            let mut evidence = vec![Evidence::new(EvidenceKey::Url, url.clone())];
            evidence.extend(ev);
            step.error(DiagnosisCode::DomainMtaStsPolicyUnreachable, evidence);
            let s = step.text("mta_sts_unreachable", &[("id", facts.id.clone())]);
            return (step.finish(s), Some(facts));
        }
    };
    for line in body.lines().take(20) {
        step.answer(line.to_string());
    }
    // RFC 8461 §3.3: the policy MUST be served as text/plain.
    let parsed = if media == "text/plain" {
        parse_policy(&body)
    } else {
        Err(format!("served as {media:?}, must be text/plain"))
    };
    match parsed {
        Err(problem) => {
            step.error(
                DiagnosisCode::DomainMtaStsInvalid,
                vec![
                    Evidence::new(EvidenceKey::Url, url.clone()),
                    Evidence::new(EvidenceKey::Problem, problem),
                ],
            );
            let s = step.text("mta_sts_invalid", &[]);
            (step.finish(s), Some(facts))
        }
        Ok(p) => {
            facts.mode = p.mode.clone();
            facts.mx = p.mx.clone();
            facts.max_age = p.max_age;
            if p.mode != "none" {
                let uncovered: Vec<&String> = mx_hosts
                    .iter()
                    .filter(|h| !p.mx.iter().any(|pat| mx_matches(pat, h)))
                    .collect();
                if !uncovered.is_empty() {
                    let sev = if p.mode == "enforce" {
                        Severity::Error
                    } else {
                        Severity::Warning
                    };
                    let mut ev: Vec<Evidence> = uncovered
                        .iter()
                        .map(|h| Evidence::new(EvidenceKey::Name, (*h).clone()))
                        .collect();
                    ev.push(Evidence::new(EvidenceKey::Expected, p.mx.join(", ")));
                    let domain = req.domain.clone();
                    step.finding(DiagnosisCode::DomainMtaStsMxMismatch, sev, &domain, ev);
                }
            }
            let s = step.text(
                "mta_sts",
                &[
                    ("mode", p.mode),
                    ("mx", p.mx.join(", ")),
                    ("max_age", p.max_age.to_string()),
                ],
            );
            (step.finish(s), Some(facts))
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
struct StsPolicy {
    mode: String,
    mx: Vec<String>,
    max_age: u64,
}

/// RFC 8461 §3.2: `key: value` lines (CRLF or LF), `version: STSv1`, `mode`, `max_age`
/// (at most 31557600) and one `mx` per pattern (at least one unless mode is none).
fn parse_policy(text: &str) -> Result<StsPolicy, String> {
    let mut version = None;
    let mut mode = None;
    let mut max_age = None;
    let mut mx = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            return Err(format!("line without \"key: value\": {line:?}"));
        };
        let v = v.trim();
        match k.trim() {
            "version" => version = Some(v.to_string()),
            "mode" => mode = Some(v.to_string()),
            "max_age" => {
                max_age = Some(
                    v.parse::<u64>()
                        .map_err(|_| format!("max_age is not a number: {v:?}"))?,
                )
            }
            "mx" => mx.push(v.to_ascii_lowercase()),
            _ => {}
        }
    }
    if version.as_deref() != Some("STSv1") {
        return Err("version: STSv1 is missing".into());
    }
    let mode = mode.ok_or("mode is missing")?;
    if !matches!(mode.as_str(), "enforce" | "testing" | "none") {
        return Err(format!("mode {mode:?} is not enforce, testing or none"));
    }
    let max_age = max_age.ok_or("max_age is missing")?;
    if max_age > 31_557_600 {
        return Err(format!("max_age {max_age} is above 31557600"));
    }
    if mx.is_empty() && mode != "none" {
        return Err("no mx line".into());
    }
    Ok(StsPolicy { mode, mx, max_age })
}

/// Fuzzing: `text` as a DMARC, DKIM key, MTA-STS and TLS-RPT record and as an MTA-STS
/// policy file, whose `mx` patterns are matched against hosts.
#[cfg(any(test, feature = "fuzzing"))]
pub(super) fn fuzz(text: &str) {
    let _ = Dmarc::parse(text.as_bytes());
    let _ = tag(text, "p");
    let _ = dkim_key(text);
    let _ = MtaSts::parse(text.as_bytes());
    let _ = TlsRpt::parse(text.as_bytes());
    if let Ok(p) = parse_policy(text) {
        assert!(
            p.max_age <= 31_557_600 && matches!(p.mode.as_str(), "enforce" | "testing" | "none")
        );
        for pat in &p.mx {
            let _ = mx_matches(pat, "mx1.example.test");
            let _ = mx_matches(pat, pat);
        }
    }
}

/// An MX host against a policy pattern: exact, or `*.` for exactly one leftmost label.
fn mx_matches(pattern: &str, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let pattern = pattern.trim_end_matches('.');
    match pattern.strip_prefix("*.") {
        Some(rest) => host
            .split_once('.')
            .is_some_and(|(first, tail)| !first.is_empty() && tail == rest),
        None => host == pattern,
    }
}

// ---- TLS-RPT -------------------------------------------------------------------------------

pub async fn tls_rpt(req: &DomainCheck, dns: &Dns) -> DomainStep {
    let mut step = StepBuilder::new(DomainStepKind::TlsRpt, req);
    let name = format!("_smtp._tls.{}", req.ascii_domain);
    let records = match txt_records(dns, &mut step, &name, "v=TLSRPTv1").await {
        Err(e) => {
            step.dns_failed(&e);
            let s = step.text("dns_failed", &[]);
            return step.finish(s);
        }
        Ok(v) => v,
    };
    if records.is_empty() {
        step.warning(DiagnosisCode::DomainTlsRptMissing, vec![]);
        let s = step.text("tls_rpt_none", &[]);
        return step.finish(s);
    }
    match (records.len(), TlsRpt::parse(records[0].as_bytes())) {
        (1, Ok(r)) if !r.rua.is_empty() => {
            let rua: Vec<String> = r
                .rua
                .iter()
                .map(|u| match u {
                    ReportUri::Mail(m) => format!("mailto:{m}"),
                    ReportUri::Http(h) => h.clone(),
                })
                .collect();
            let s = step.text("tls_rpt", &[("rua", rua.join(", "))]);
            step.finish(s)
        }
        (n, r) => {
            let problem = match r {
                _ if n > 1 => "more than one v=TLSRPTv1 record".to_string(),
                Err(e) => e.to_string(),
                Ok(_) => "rua= names no mailto: or https: address".to_string(),
            };
            step.error(
                DiagnosisCode::DomainTlsRptInvalid,
                vec![
                    Evidence::new(EvidenceKey::Record, records.join(" | ")),
                    Evidence::new(EvidenceKey::Problem, problem),
                ],
            );
            let s = step.text("tls_rpt_invalid", &[]);
            step.finish(s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_needs_version_mode_max_age_and_mx() {
        let p = parse_policy(
            "version: STSv1\r\nmode: enforce\r\nmx: mx.firma.test\r\nmx: *.backup.test\r\nmax_age: 86400\r\n",
        )
        .unwrap();
        assert_eq!(p.mode, "enforce");
        assert_eq!(p.mx, ["mx.firma.test", "*.backup.test"]);
        assert_eq!(p.max_age, 86400);
        assert!(parse_policy("mode: enforce\nmx: a\nmax_age: 1\n").is_err());
        assert!(parse_policy("version: STSv1\nmode: strict\nmx: a\nmax_age: 1\n").is_err());
        assert!(parse_policy("version: STSv1\nmode: enforce\nmax_age: 1\n").is_err());
        assert!(parse_policy("version: STSv1\nmode: none\nmax_age: 1\n").is_ok());
        assert!(parse_policy("<html>").is_err());
    }

    #[test]
    fn wildcards_cover_exactly_one_label() {
        assert!(mx_matches("mx.firma.test", "MX.firma.test."));
        assert!(mx_matches("*.firma.test", "mx1.firma.test"));
        assert!(!mx_matches("*.firma.test", "a.b.firma.test"));
        assert!(!mx_matches("*.firma.test", "firma.test"));
    }

    #[test]
    fn tags_are_read_case_insensitively() {
        let r = "v=DMARC1; p=reject; PCT=50; rua=mailto:d@firma.test";
        assert_eq!(tag(r, "pct"), Some("50"));
        assert_eq!(tag(r, "sp"), None);
    }

    #[test]
    fn dkim_keys_are_checked_and_measured() {
        // A 1024-bit RSA public key (SubjectPublicKeyInfo, base64).
        let p = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB";
        let (t, bits) = dkim_key(&format!("v=DKIM1; k=rsa; p={p}")).unwrap();
        assert_eq!((t.as_str(), bits), ("rsa", 1024));
        assert!(dkim_key("v=DKIM1; p=").unwrap_err().contains("revoked"));
        assert!(dkim_key("v=DKIM1; p=bm90IGEga2V5").is_err());
        assert!(dkim_key("v=DKIM2; p=abc").is_err());
    }
}
