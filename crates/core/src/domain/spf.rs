//! SPF (RFC 7208) on the records `mail-auth` parses: the record of the domain (present,
//! once, valid), the DNS lookups a receiver needs for it (counted through includes and
//! redirects, bounded), and `check_host` for each address of the outgoing server — ip4, ip6,
//! a, mx, include, redirect, exists and all with their qualifiers, over our resolver.

use super::{txt_records, DomainCheck, DomainStep, DomainStepKind, OutgoingChecked, StepBuilder};
use crate::diag::{DiagnosisCode, Evidence, EvidenceKey, Severity};
use crate::dns::{Dns, DnsError};
use crate::probe::transcript::Dir;
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::spf::{Directive, Macro, Mechanism, Qualifier, Spf, Variables};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use ts_rs::TS;

/// RFC 7208 §4.6.4: at most 10 terms that cause DNS lookups, at most 2 void lookups.
pub const LOOKUP_LIMIT: u32 = 10;
pub const VOID_LIMIT: u32 = 2;
/// The counting walk stops here (an endless include chain is bounded).
const COUNT_CEILING: u32 = 40;
const MAX_DEPTH: u32 = 10;
/// The time all lookups of one SPF walk may take together (each is bounded on its own too).
const SPF_BUDGET: std::time::Duration = std::time::Duration::from_secs(20);
/// Addresses of the outgoing server evaluated (a name with dozens of addresses is cut).
const MAX_OUTGOING_IPS: usize = 8;

/// The result of `check_host` (RFC 7208 §2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SpfResult {
    Pass,
    Fail,
    SoftFail,
    Neutral,
    None,
    PermError,
    TempError,
}

impl SpfResult {
    pub fn as_str(self) -> &'static str {
        match self {
            SpfResult::Pass => "pass",
            SpfResult::Fail => "fail",
            SpfResult::SoftFail => "softfail",
            SpfResult::Neutral => "neutral",
            SpfResult::None => "none",
            SpfResult::PermError => "permerror",
            SpfResult::TempError => "temperror",
        }
    }
}

/// What SPF says about one address of the outgoing server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SpfVerdict {
    pub ip: String,
    pub result: SpfResult,
    /// The directive that decided (`ip4:192.0.2.0/24`, `-all`), with the domain whose
    /// record holds it; empty when none matched or the evaluation failed.
    pub matched: String,
    /// Why the evaluation failed (permerror/temperror), else empty.
    pub problem: String,
}

/// The domain's SPF record as found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SpfFacts {
    pub record: String,
    /// DNS lookups a receiver needs for the whole record, includes and redirects counted
    /// through (at most 10 allowed); counting stops a little above the limit.
    pub lookups: u32,
    /// The final `all` with its qualifier (`-all`, `~all`, …), when the record has one.
    pub all: Option<String>,
    /// One verdict per address of the outgoing server (empty: none checked).
    pub outgoing: Vec<SpfVerdict>,
}

/// (the SPF step, the outgoing-server step, the facts, the outgoing server as checked).
pub async fn check(
    req: &DomainCheck,
    dns: &Dns,
) -> (
    DomainStep,
    DomainStep,
    Option<SpfFacts>,
    Option<OutgoingChecked>,
) {
    let mut step = StepBuilder::new(DomainStepKind::Spf, req);
    let mut out = StepBuilder::new(DomainStepKind::SpfOutgoing, req);
    let d = req.ascii_domain.clone();
    let found = txt_records(dns, &mut step, &d, "v=spf1").await;
    let record = match found {
        Err(e) => {
            step.dns_failed(&e);
            let s = step.text("dns_failed", &[]);
            let o = out.text("spf_outgoing_skipped", &[]);
            return (step.finish(s), out.skip(o), None, None);
        }
        Ok(v) if v.is_empty() => {
            step.error(DiagnosisCode::DomainSpfMissing, vec![]);
            let s = step.text("spf_none", &[]);
            let o = out.text("spf_outgoing_skipped", &[]);
            return (step.finish(s), out.skip(o), None, None);
        }
        Ok(v) if v.len() > 1 => {
            let ev = v
                .iter()
                .map(|r| Evidence::new(EvidenceKey::Record, r.clone()))
                .collect();
            step.error(DiagnosisCode::DomainSpfMultiple, ev);
            let s = step.text("spf_multiple", &[("count", v.len().to_string())]);
            let o = out.text("spf_outgoing_skipped", &[]);
            return (step.finish(s), out.skip(o), None, None);
        }
        Ok(mut v) => v.remove(0),
    };
    let parsed = match parse(&record) {
        Ok(p) => p,
        Err(e) => {
            step.error(
                DiagnosisCode::DomainSpfInvalid,
                vec![
                    Evidence::new(EvidenceKey::Record, record.clone()),
                    Evidence::new(EvidenceKey::Problem, e),
                ],
            );
            let s = step.text("spf_invalid", &[]);
            let o = out.text("spf_outgoing_skipped", &[]);
            let facts = SpfFacts {
                record,
                lookups: 0,
                all: None,
                outgoing: vec![],
            };
            return (step.finish(s), out.skip(o), Some(facts), None);
        }
    };
    let all = parsed
        .directives
        .iter()
        .find(|d| d.mechanism == Mechanism::All)
        .map(|d| format!("{}all", qualifier_char(&d.qualifier)));
    if parsed
        .directives
        .iter()
        .any(|d| d.mechanism == Mechanism::All && d.qualifier == Qualifier::Pass)
    {
        step.warning(
            DiagnosisCode::DomainSpfAllowsAll,
            vec![Evidence::new(EvidenceKey::Record, record.clone())],
        );
    }

    // The static count, over every branch a receiver may take.
    let mut engine = Engine::new(dns, &req.sender);
    engine.cache.insert(
        d.clone(),
        Fetched::Record(Arc::new(parsed.clone()), record.clone()),
    );
    let mut tally = Tally::default();
    engine.count(d.clone(), 0, &mut tally).await;
    engine.drain_log(&mut step);
    for (name, problem) in &tally.problems {
        step.error(
            DiagnosisCode::DomainSpfInvalid,
            vec![
                Evidence::new(EvidenceKey::Name, name.clone()),
                Evidence::new(EvidenceKey::Problem, problem.clone()),
            ],
        );
    }
    if let Some(e) = &tally.dns_error {
        step.dns_failed(e);
    }
    if tally.lookups > LOOKUP_LIMIT {
        step.error(
            DiagnosisCode::DomainSpfTooManyLookups,
            vec![
                Evidence::new(EvidenceKey::Lookups, lookups_text(tally.lookups)),
                Evidence::new(EvidenceKey::Expected, format!("≤ {LOOKUP_LIMIT}")),
            ],
        );
    }
    let summary = step.text(
        "spf",
        &[
            ("record", record.clone()),
            ("lookups", lookups_text(tally.lookups)),
        ],
    );
    let mut facts = SpfFacts {
        record,
        lookups: tally.lookups,
        all,
        outgoing: vec![],
    };

    // The outgoing server: does the record allow its addresses for this sender?
    let Some(og) = &req.outgoing else {
        out.warning(DiagnosisCode::DomainSpfNoOutgoing, vec![]);
        let o = out.text("spf_outgoing_skipped", &[]);
        return (step.finish(summary), out.finish(o), Some(facts), None);
    };
    let mut checked = OutgoingChecked {
        name: og.name.clone(),
        host: og.host.clone(),
        ips: vec![],
    };
    let verdicts = if let Some(include) = provider_include(&og.host) {
        // A provider's submission host is not where its mail leaves from: its SPF include
        // is what authorizes the provider's sending servers.
        out.note(out.text("spf_provider_include", &[("include", include.into())]));
        let ok = tally.includes.iter().any(|i| i == include);
        vec![SpfVerdict {
            ip: og.host.clone(),
            result: if ok { SpfResult::Pass } else { SpfResult::Fail },
            matched: if ok {
                format!("include:{include}")
            } else {
                String::new()
            },
            problem: String::new(),
        }]
    } else {
        out.ask("A/AAAA", &og.host);
        let ips = match dns.ips(&og.host).await {
            Ok(ips) => ips,
            Err(e) => {
                out.answer_err(&e);
                let code = if e.is_absent() {
                    DiagnosisCode::DnsNotFound
                } else {
                    DiagnosisCode::DnsFailed
                };
                let host = og.host.clone();
                out.finding(
                    code,
                    Severity::Error,
                    &host,
                    vec![Evidence::new(EvidenceKey::ResolverSaid, e.to_string())],
                );
                let o = out.text("spf_outgoing_unresolved", &[("host", host)]);
                return (
                    step.finish(summary),
                    out.finish(o),
                    Some(facts),
                    Some(checked),
                );
            }
        };
        out.answer(super::ip_list(&ips));
        checked.ips = ips.iter().map(|i| i.to_string()).collect();
        let mut v = Vec::new();
        for ip in ips.into_iter().take(MAX_OUTGOING_IPS) {
            let mut e = Engine::new(dns, &req.sender);
            e.cache = engine.cache.clone();
            let r = e.check_host(ip, d.clone(), 0).await;
            e.drain_log(&mut out);
            out.note(format!("{ip}: {}", verdict_text(&r)));
            v.push(r);
        }
        v
    };
    let bad: Vec<&SpfVerdict> = verdicts
        .iter()
        .filter(|v| v.result != SpfResult::Pass)
        .collect();
    if !bad.is_empty() {
        let mut ev: Vec<Evidence> = bad
            .iter()
            .map(|v| Evidence::new(EvidenceKey::Observed, verdict_text(v)))
            .collect();
        ev.push(Evidence::new(EvidenceKey::Sender, req.sender.clone()));
        if bad.iter().any(|v| v.result == SpfResult::TempError) {
            // Could not ask: not a finding about the record.
            out.finding(
                DiagnosisCode::DnsFailed,
                Severity::Error,
                &req.domain,
                ev.clone(),
            );
        }
        if bad.iter().any(|v| v.result != SpfResult::TempError) {
            out.error(DiagnosisCode::DomainSpfNotAuthorized, ev);
        }
    }
    let o = out.text(
        if bad.is_empty() {
            "spf_outgoing_pass"
        } else {
            "spf_outgoing_fail"
        },
        &[
            ("server", format!("{} ({})", og.name, og.host)),
            (
                "results",
                verdicts
                    .iter()
                    .map(verdict_text)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ],
    );
    facts.outgoing = verdicts;
    (
        step.finish(summary),
        out.finish(o),
        Some(facts),
        Some(checked),
    )
}

/// A record parsed by `mail-auth`, after the strict checks of the RFC 7208 grammar it
/// leaves out (it skips unknown mechanisms and takes `ip4:999.1.1.1`).
fn parse(record: &str) -> Result<Spf, String> {
    if let Some(p) = strict_problem(record) {
        return Err(p);
    }
    Spf::parse(record.as_bytes()).map_err(|e| e.to_string())
}

/// Fuzzing: a record through the strict check and `mail-auth`, every directive shown.
#[cfg(any(test, feature = "fuzzing"))]
pub(super) fn fuzz(record: &str) {
    if let Ok(spf) = parse(record) {
        for d in &spf.directives {
            let _ = show(d, "example.test");
        }
    }
}

/// Why `record` breaks the RFC 7208 §12 grammar at the term level, or `None`.
fn strict_problem(record: &str) -> Option<String> {
    let mut terms = record.split(' ').filter(|t| !t.is_empty());
    terms.next(); // v=spf1, checked by the caller
    let mut seen = Vec::new();
    for term in terms {
        let bad = |why: &str| Some(format!("{term:?}: {why}"));
        let body = term.trim_start_matches(['+', '-', '~', '?']);
        if term.len() - body.len() > 1 {
            return bad("more than one qualifier");
        }
        // A modifier: name=value (name starts with a letter, no ':' or '/' before '=').
        if let Some((name, _)) = body.split_once('=') {
            if !name.contains([':', '/']) {
                if term.len() != body.len() {
                    return bad("a modifier takes no qualifier");
                }
                if !name.starts_with(|c: char| c.is_ascii_alphabetic())
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                {
                    return bad("invalid modifier name");
                }
                let name = name.to_ascii_lowercase();
                if (name == "redirect" || name == "exp") && seen.contains(&name) {
                    return bad("given twice");
                }
                seen.push(name);
                continue;
            }
        }
        let (name, arg) = match body.find([':', '/']) {
            Some(i) => (&body[..i], &body[i..]),
            None => (body, ""),
        };
        let cidr = |text: &str, max: u32| text.parse::<u32>().ok().filter(|n| *n <= max).is_some();
        match name.to_ascii_lowercase().as_str() {
            "all" if arg.is_empty() => {}
            "include" | "exists" if arg.len() > 1 && arg.starts_with(':') => {}
            "ptr" if arg.is_empty() || (arg.len() > 1 && arg.starts_with(':')) => {}
            "a" | "mx" => {
                // [:domain-spec][/ip4-cidr][//ip6-cidr]
                let cidrs = arg.find('/').map_or("", |i| &arg[i..]);
                let ok = match cidrs.strip_prefix("//") {
                    Some(v6) => cidr(v6, 128),
                    None => match cidrs.strip_prefix('/') {
                        Some(rest) => match rest.split_once("//") {
                            Some((v4, v6)) => cidr(v4, 32) && cidr(v6, 128),
                            None => cidr(rest, 32),
                        },
                        None => true,
                    },
                };
                if !ok || arg.starts_with(":/") || arg == ":" {
                    return bad("invalid prefix length or domain");
                }
            }
            "ip4" | "ip6" => {
                let Some(net) = arg.strip_prefix(':') else {
                    return bad("address missing");
                };
                let (addr, len) = match net.split_once('/') {
                    Some((a, l)) => (a, Some(l)),
                    None => (net, None),
                };
                let v4 = name.eq_ignore_ascii_case("ip4");
                let addr_ok = if v4 {
                    addr.parse::<std::net::Ipv4Addr>().is_ok()
                } else {
                    addr.parse::<std::net::Ipv6Addr>().is_ok()
                };
                if !addr_ok {
                    return bad("not a valid address");
                }
                if let Some(l) = len {
                    if !cidr(l, if v4 { 32 } else { 128 }) {
                        return bad("invalid prefix length");
                    }
                }
            }
            _ => return bad("unknown mechanism"),
        }
    }
    None
}

/// The SPF include that authorizes a mail provider's sending servers, for the providers
/// whose submission host is not among them.
fn provider_include(host: &str) -> Option<&'static str> {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    match h.as_str() {
        "smtp.office365.com" | "smtp-mail.outlook.com" => Some("spf.protection.outlook.com"),
        "smtp.gmail.com" | "smtp-relay.gmail.com" | "smtp.googlemail.com" => {
            Some("_spf.google.com")
        }
        _ => None,
    }
}

fn lookups_text(n: u32) -> String {
    if n > COUNT_CEILING {
        format!("> {COUNT_CEILING}")
    } else {
        n.to_string()
    }
}

fn verdict_text(v: &SpfVerdict) -> String {
    let mut s = format!("{}: {}", v.ip, v.result.as_str());
    if !v.matched.is_empty() {
        s.push_str(&format!(" ({})", v.matched));
    }
    if !v.problem.is_empty() {
        s.push_str(&format!(" – {}", v.problem));
    }
    s
}

fn qualifier_char(q: &Qualifier) -> &'static str {
    match q {
        Qualifier::Pass => "+",
        Qualifier::Fail => "-",
        Qualifier::SoftFail => "~",
        Qualifier::Neutral => "?",
    }
}

fn qualifier_result(q: &Qualifier) -> SpfResult {
    match q {
        Qualifier::Pass => SpfResult::Pass,
        Qualifier::Fail => SpfResult::Fail,
        Qualifier::SoftFail => SpfResult::SoftFail,
        Qualifier::Neutral => SpfResult::Neutral,
    }
}

/// A directive as written (the target expanded): `-all`, `include:_spf.example`,
/// `ip4:192.0.2.0/24`.
fn show(d: &Directive, target: &str) -> String {
    let q = match d.qualifier {
        Qualifier::Pass => "",
        ref q => qualifier_char(q),
    };
    let cidr4 = |m: u32| {
        if m == u32::MAX {
            String::new()
        } else {
            format!("/{}", m.count_ones())
        }
    };
    let cidr6 = |m: u128| {
        if m == u128::MAX {
            String::new()
        } else {
            format!("//{}", m.count_ones())
        }
    };
    let m = match &d.mechanism {
        Mechanism::All => "all".to_string(),
        Mechanism::Include { .. } => format!("include:{target}"),
        Mechanism::A {
            ip4_mask, ip6_mask, ..
        } => format!("a:{target}{}{}", cidr4(*ip4_mask), cidr6(*ip6_mask)),
        Mechanism::Mx {
            ip4_mask, ip6_mask, ..
        } => format!("mx:{target}{}{}", cidr4(*ip4_mask), cidr6(*ip6_mask)),
        Mechanism::Ptr { .. } => format!("ptr:{target}"),
        Mechanism::Ip4 { addr, mask } => format!("ip4:{addr}{}", cidr4(*mask)),
        Mechanism::Ip6 { addr, mask } => format!("ip6:{addr}/{}", mask.count_ones()),
        Mechanism::Exists { .. } => format!("exists:{target}"),
    };
    format!("{q}{m}")
}

fn matches_ip(ip: IpAddr, addr: IpAddr, mask4: u32, mask6: u128) -> bool {
    match (ip, addr) {
        (IpAddr::V4(a), IpAddr::V4(b)) => u32::from(a) & mask4 == u32::from(b) & mask4,
        (IpAddr::V6(a), IpAddr::V6(b)) => u128::from(a) & mask6 == u128::from(b) & mask6,
        // An IPv4-mapped client address is compared as IPv4 (RFC 7208 §5).
        (IpAddr::V6(a), IpAddr::V4(b)) => a
            .to_ipv4_mapped()
            .is_some_and(|a| u32::from(a) & mask4 == u32::from(b) & mask4),
        _ => false,
    }
}

#[derive(Clone)]
enum Fetched {
    Record(Arc<Spf>, String),
    /// No SPF record (the name may exist).
    Absent,
    Multiple,
    Invalid(String),
    Failed(DnsError),
}

#[derive(Default)]
struct Tally {
    lookups: u32,
    /// Include targets seen anywhere in the tree (for the providers' includes).
    includes: Vec<String>,
    /// (domain, problem) of included records that are missing or broken.
    problems: Vec<(String, String)>,
    dns_error: Option<DnsError>,
    fetched: u32,
}

type Boxed<'s, T> = Pin<Box<dyn Future<Output = T> + Send + 's>>;

struct Engine<'a> {
    dns: &'a Dns,
    /// Every lookup of the SPF step ends by then, however long the include chains.
    deadline: tokio::time::Instant,
    sender: String,
    cache: HashMap<String, Fetched>,
    log: Vec<(Dir, String)>,
    lookups: u32,
    voids: u32,
}

impl<'a> Engine<'a> {
    fn new(dns: &'a Dns, sender: &str) -> Self {
        Engine {
            dns,
            deadline: tokio::time::Instant::now() + SPF_BUDGET,
            sender: sender.to_string(),
            cache: HashMap::new(),
            log: Vec::new(),
            lookups: 0,
            voids: 0,
        }
    }

    /// `lookup` unless the budget is spent: then a timeout, as if the DNS had not answered.
    async fn within<T>(
        &self,
        rtype: &'static str,
        name: &str,
        lookup: impl Future<Output = Result<T, DnsError>>,
    ) -> Result<T, DnsError> {
        match tokio::time::timeout_at(self.deadline, lookup).await {
            Ok(r) => r,
            Err(_) => Err(DnsError {
                kind: crate::dns::DnsFailure::Timeout,
                name: name.to_string(),
                rtype,
                detail: format!("the SPF check's {} s were spent", SPF_BUDGET.as_secs()),
            }),
        }
    }

    fn drain_log(&mut self, step: &mut StepBuilder<'_>) {
        for (dir, text) in self.log.drain(..) {
            step.line(dir, text);
        }
    }

    /// The SPF record at `domain` (cached).
    async fn fetch(&mut self, domain: &str) -> Fetched {
        if let Some(f) = self.cache.get(domain) {
            return f.clone();
        }
        self.log.push((Dir::Client, format!("TXT {domain}")));
        let f = match self.within("TXT", domain, self.dns.txt(domain)).await {
            Ok(all) => {
                let spf: Vec<String> = all
                    .into_iter()
                    .filter(|r| super::starts_with_tag(r, "v=spf1"))
                    .collect();
                for r in &spf {
                    self.log.push((Dir::Server, format!("\"{r}\"")));
                }
                match spf.len() {
                    0 => Fetched::Absent,
                    1 => match parse(&spf[0]) {
                        Ok(p) => Fetched::Record(Arc::new(p), spf[0].clone()),
                        Err(e) => Fetched::Invalid(format!("\"{}\": {e}", spf[0])),
                    },
                    _ => Fetched::Multiple,
                }
            }
            Err(e) if e.is_absent() => {
                self.log
                    .push((Dir::Server, format!("({})", e.kind.label())));
                Fetched::Absent
            }
            Err(e) => {
                self.log
                    .push((Dir::Server, format!("({})", e.kind.label())));
                Fetched::Failed(e)
            }
        };
        self.cache.insert(domain.to_string(), f.clone());
        f
    }

    fn vars(&self, domain: &str, ip: Option<IpAddr>) -> Variables<'static> {
        let mut v = Variables::new();
        v.set_sender(self.sender.clone().into_bytes());
        v.set_domain(domain.to_string().into_bytes());
        v.set_ip(&ip.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)));
        v.set_helo_domain(domain.to_string().into_bytes());
        v
    }

    fn expand(&self, m: &Macro, domain: &str, ip: Option<IpAddr>) -> String {
        let vars = self.vars(domain, ip);
        let s = m.eval(&vars, domain, false).into_owned();
        s.trim_end_matches('.').to_ascii_lowercase()
    }

    /// Counts the lookup terms of `domain`'s record and of every record it includes or
    /// redirects to (a receiver may have to follow each), bounded by depth and a ceiling.
    fn count<'s>(&'s mut self, domain: String, depth: u32, t: &'s mut Tally) -> Boxed<'s, ()> {
        Box::pin(async move {
            if depth > MAX_DEPTH || t.lookups > COUNT_CEILING || t.fetched > 3 * COUNT_CEILING {
                return;
            }
            t.fetched += 1;
            let (spf, _) = match self.fetch(&domain).await {
                Fetched::Record(s, r) => (s, r),
                Fetched::Absent => {
                    if depth > 0 {
                        t.problems.push((domain, "no SPF record".into()));
                    }
                    return;
                }
                Fetched::Multiple => {
                    t.problems.push((domain, "more than one SPF record".into()));
                    return;
                }
                Fetched::Invalid(why) => {
                    t.problems.push((domain, why));
                    return;
                }
                Fetched::Failed(e) => {
                    t.dns_error.get_or_insert(e);
                    return;
                }
            };
            let mut has_all = false;
            for d in spf.directives.iter() {
                match &d.mechanism {
                    Mechanism::Include { macro_string } => {
                        t.lookups += 1;
                        let target = self.expand(macro_string, &domain, None);
                        t.includes.push(target.clone());
                        self.count(target, depth + 1, t).await;
                    }
                    Mechanism::A { .. }
                    | Mechanism::Mx { .. }
                    | Mechanism::Ptr { .. }
                    | Mechanism::Exists { .. } => t.lookups += 1,
                    Mechanism::All => has_all = true,
                    Mechanism::Ip4 { .. } | Mechanism::Ip6 { .. } => {}
                }
                if t.lookups > COUNT_CEILING {
                    return;
                }
            }
            // RFC 7208 §6.1: redirect is ignored when the record has "all".
            if let (Some(r), false) = (&spf.redirect, has_all) {
                t.lookups += 1;
                let target = self.expand(r, &domain, None);
                self.count(target, depth + 1, t).await;
            }
        })
    }

    /// Counts one lookup term; `Err` once the limit is passed.
    fn spend(&mut self) -> Result<(), SpfVerdict> {
        self.lookups += 1;
        self.within_limit(self.lookups, LOOKUP_LIMIT, "DNS lookups")
    }

    /// A lookup that found nothing counts as void (RFC 7208 §4.6.4); any other failure is
    /// a temperror.
    fn void(&mut self, e: &DnsError) -> Result<(), SpfVerdict> {
        if !e.is_absent() {
            return Err(self.error(SpfResult::TempError, e.to_string()));
        }
        self.voids += 1;
        self.within_limit(self.voids, VOID_LIMIT, "lookups without an answer")
    }

    fn within_limit(&self, n: u32, limit: u32, what: &str) -> Result<(), SpfVerdict> {
        if n > limit {
            return Err(self.error(SpfResult::PermError, format!("more than {limit} {what}")));
        }
        Ok(())
    }

    fn error(&self, result: SpfResult, problem: String) -> SpfVerdict {
        SpfVerdict {
            ip: String::new(),
            result,
            matched: String::new(),
            problem,
        }
    }

    /// RFC 7208 §4: the result for `ip` sending as `sender` from `domain`.
    fn check_host<'s>(
        &'s mut self,
        ip: IpAddr,
        domain: String,
        depth: u32,
    ) -> Boxed<'s, SpfVerdict> {
        Box::pin(async move {
            let mut v = match self.eval(ip, domain, depth).await {
                Ok(v) | Err(v) => v,
            };
            v.ip = ip.to_string();
            v
        })
    }

    fn eval<'s>(
        &'s mut self,
        ip: IpAddr,
        domain: String,
        depth: u32,
    ) -> Boxed<'s, Result<SpfVerdict, SpfVerdict>> {
        Box::pin(async move {
            if depth > MAX_DEPTH {
                return Err(self.error(SpfResult::PermError, "includes nested too deeply".into()));
            }
            let spf = match self.fetch(&domain).await {
                Fetched::Record(s, _) => s,
                Fetched::Absent => {
                    return Ok(SpfVerdict {
                        problem: format!("{domain}: no SPF record"),
                        ..self.error(SpfResult::None, String::new())
                    })
                }
                Fetched::Multiple => {
                    return Err(self.error(
                        SpfResult::PermError,
                        format!("{domain}: more than one SPF record"),
                    ))
                }
                Fetched::Invalid(why) => {
                    return Err(self.error(SpfResult::PermError, format!("{domain}: {why}")))
                }
                Fetched::Failed(e) => return Err(self.error(SpfResult::TempError, e.to_string())),
            };
            for d in spf.directives.iter() {
                let (matched, target) = match &d.mechanism {
                    Mechanism::All => (true, String::new()),
                    Mechanism::Ip4 { addr, mask } => {
                        (matches_ip(ip, IpAddr::V4(*addr), *mask, 0), String::new())
                    }
                    Mechanism::Ip6 { addr, mask } => {
                        (matches_ip(ip, IpAddr::V6(*addr), 0, *mask), String::new())
                    }
                    Mechanism::Include { macro_string } => {
                        self.spend()?;
                        let target = self.expand(macro_string, &domain, Some(ip));
                        let r = self.eval(ip, target.clone(), depth + 1).await?;
                        match r.result {
                            SpfResult::Pass => (true, target),
                            SpfResult::Fail | SpfResult::SoftFail | SpfResult::Neutral => {
                                (false, target)
                            }
                            SpfResult::None => {
                                return Err(self.error(
                                    SpfResult::PermError,
                                    format!("include:{target} has no SPF record"),
                                ))
                            }
                            _ => return Err(r),
                        }
                    }
                    Mechanism::A {
                        macro_string,
                        ip4_mask,
                        ip6_mask,
                    } => {
                        self.spend()?;
                        let target = self.expand(macro_string, &domain, Some(ip));
                        let hit = self
                            .addresses_match(&target, ip, *ip4_mask, *ip6_mask)
                            .await?;
                        (hit, target)
                    }
                    Mechanism::Mx {
                        macro_string,
                        ip4_mask,
                        ip6_mask,
                    } => {
                        self.spend()?;
                        let target = self.expand(macro_string, &domain, Some(ip));
                        self.log.push((Dir::Client, format!("MX {target}")));
                        let hit = match self.within("MX", &target, self.dns.mx(&target)).await {
                            Ok(mx) => {
                                let mut hit = false;
                                // RFC 7208 §4.6.4: at most 10 MX hosts are looked at.
                                for m in mx.iter().take(10) {
                                    self.log.push((Dir::Server, m.host.clone()));
                                    if self
                                        .addresses_match(&m.host, ip, *ip4_mask, *ip6_mask)
                                        .await?
                                    {
                                        hit = true;
                                        break;
                                    }
                                }
                                hit
                            }
                            Err(e) => {
                                self.log
                                    .push((Dir::Server, format!("({})", e.kind.label())));
                                self.void(&e)?;
                                false
                            }
                        };
                        (hit, target)
                    }
                    Mechanism::Ptr { macro_string } => {
                        // Deprecated (RFC 7208 §5.5) and not evaluated: it needs the
                        // reverse zone of the sender's address. Counted, never a match.
                        self.spend()?;
                        let target = self.expand(macro_string, &domain, Some(ip));
                        self.log.push((
                            Dir::Info,
                            format!("ptr:{target} not evaluated (deprecated)"),
                        ));
                        (false, target)
                    }
                    Mechanism::Exists { macro_string } => {
                        self.spend()?;
                        let target = self.expand(macro_string, &domain, Some(ip));
                        self.log.push((Dir::Client, format!("A {target}")));
                        let hit = match self.within("A", &target, self.dns.a(&target)).await {
                            Ok(_) => true,
                            Err(e) => {
                                self.void(&e)?;
                                false
                            }
                        };
                        (hit, target)
                    }
                };
                if matched {
                    return Ok(SpfVerdict {
                        ip: String::new(),
                        result: qualifier_result(&d.qualifier),
                        matched: format!("{} in {domain}", show(d, &target)),
                        problem: String::new(),
                    });
                }
            }
            if let Some(r) = &spf.redirect {
                self.spend()?;
                let target = self.expand(r, &domain, Some(ip));
                let v = self.eval(ip, target.clone(), depth + 1).await?;
                if v.result == SpfResult::None {
                    return Err(self.error(
                        SpfResult::PermError,
                        format!("redirect={target} has no SPF record"),
                    ));
                }
                return Ok(v);
            }
            Ok(self.error(SpfResult::Neutral, String::new()))
        })
    }

    /// Whether one of `name`'s addresses matches `ip` under the masks.
    async fn addresses_match(
        &mut self,
        name: &str,
        ip: IpAddr,
        mask4: u32,
        mask6: u128,
    ) -> Result<bool, SpfVerdict> {
        self.log.push((Dir::Client, format!("A/AAAA {name}")));
        match self.within("A/AAAA", name, self.dns.ips(name)).await {
            Ok(addrs) => {
                self.log.push((Dir::Server, super::ip_list(&addrs)));
                Ok(addrs.iter().any(|a| matches_ip(ip, *a, mask4, mask6)))
            }
            Err(e) => {
                self.log
                    .push((Dir::Server, format!("({})", e.kind.label())));
                self.void(&e)?;
                Ok(false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_match_under_their_masks() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let m24 = u32::MAX << 8;
        assert!(matches_ip(ip("192.0.2.7"), ip("192.0.2.0"), m24, 0));
        assert!(!matches_ip(ip("192.0.3.7"), ip("192.0.2.0"), m24, 0));
        assert!(matches_ip(ip("::ffff:192.0.2.7"), ip("192.0.2.0"), m24, 0));
        assert!(!matches_ip(ip("2001:db8::1"), ip("192.0.2.0"), m24, 0));
        let m64 = u128::MAX << 64;
        assert!(matches_ip(ip("2001:db8::1"), ip("2001:db8::"), 0, m64));
    }

    #[test]
    fn directives_are_shown_as_written() {
        let spf = Spf::parse(b"v=spf1 ip4:192.0.2.0/24 -mx:example.com ~all").unwrap();
        let shown: Vec<String> = spf
            .directives
            .iter()
            .map(|d| show(d, "example.com"))
            .collect();
        assert_eq!(shown, ["ip4:192.0.2.0/24", "-mx:example.com", "~all"]);
    }

    #[test]
    fn records_are_checked_strictly() {
        for ok in [
            "v=spf1 -all",
            "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx/24 a:x.test//64 ptr ~all",
            "v=spf1 include:_spf.google.com redirect=_spf.x.test exp=e.x.test",
            "v=spf1 exists:%{i}.bl.x.test ?all",
        ] {
            assert!(parse(ok).is_ok(), "{ok}: {:?}", parse(ok).err());
        }
        for bad in [
            "v=spf1 ip4:999.1.1.1 -all",
            "v=spf1 inclde:x.test -all",
            "v=spf1 ip4:192.0.2.1/40",
            "v=spf1 ++all",
            "v=spf1 redirect=a.test redirect=b.test",
            "v=spf1 include -all",
            "v=spf1 mx/33",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn provider_submission_hosts_map_to_their_includes() {
        assert_eq!(
            provider_include("SMTP.office365.com."),
            Some("spf.protection.outlook.com")
        );
        assert_eq!(provider_include("smtp.gmail.com"), Some("_spf.google.com"));
        assert_eq!(provider_include("mail.firma.de"), None);
    }
}
