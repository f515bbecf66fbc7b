//! The connection test of a Microsoft 365 calendar account: an app-only token of its OAuth
//! provider (Login), the employee's calendars through Microsoft Graph
//! (`GET /v1.0/users/{mailbox}/calendars`; the named one, else the default, must be there)
//! and a read of the sync range (`calendarView`). Graph decides; its refusals (no
//! `Calendars.Read`, unknown mailbox, application access policy) become `graph.*` diagnoses.
//! Same steps, transcript and report as the CalDAV test (`caldav.rs`).

use super::runner::{Done, Failure, Runner, Stop};
use super::transcript::Transcript;
use super::{CancellationToken, Progress, Role, Secret, StepKind, TestReport};
use crate::diag::{Context, DiagnosisCode, EvidenceKey, OauthFailure};
use crate::graph::{self, Graph, GraphFailure, TokenClaims};
use crate::i18n::Lang;
use std::time::{Duration, Instant};

/// The permission that reads calendars.
pub const CALENDARS_READ: &str = "Calendars.Read";

/// One Microsoft 365 calendar to test, as plain data.
#[derive(Debug, Clone)]
pub struct GraphCalendarTarget {
    /// Graph's base URL (`graph::base_url`).
    pub graph_url: String,
    /// The employee's mailbox (e-mail address).
    pub mailbox: String,
    /// The calendar that must exist (its name, case ignored); empty: the default calendar.
    pub calendar_name: String,
    pub days_back: u32,
    pub days_ahead: u32,
    pub timeout: Duration,
    pub extra_roots: Vec<String>,
    /// The provider's app-only token, or why there is none.
    pub token: Option<Secret>,
    pub token_failure: Option<OauthFailure>,
}

fn failure(f: GraphFailure) -> Failure {
    let mut out = Failure::new(f.code);
    out.evidence = f.evidence;
    out
}

/// Tests `t` step by step: token, calendars, a read of the sync range.
pub async fn run(
    t: &GraphCalendarTarget,
    lang: Lang,
    progress: Progress<'_>,
    cancel: &CancellationToken,
) -> TestReport {
    let started = Instant::now();
    let started_at = crate::clock::now();
    let secrets = t.token.iter().map(|p| p.expose().to_string()).collect();
    let mut r = Runner::new(lang, progress, cancel.clone(), Transcript::new(secrets));
    r.role = Role::Calendar;
    r.ctx = Context {
        host: graph::host_of(&t.graph_url),
        port: 443,
        protocol: "Graph".into(),
    };
    let _ = steps(&mut r, t).await;
    r.report(started_at, started)
}

async fn steps(r: &mut Runner<'_>, t: &GraphCalendarTarget) -> Result<(), Stop> {
    let limit = t.timeout + Duration::from_secs(1);
    let client = Graph::new(&t.graph_url, &t.extra_roots, t.timeout);

    // 1. The token.
    let transcript = r.transcript.clone();
    let token = r
        .step(StepKind::Login, limit, async {
            graph::check_base(&t.graph_url).map_err(|e| {
                Failure::new(DiagnosisCode::GraphError).with(EvidenceKey::Problem, e)
            })?;
            if let Some(f) = &t.token_failure {
                let mut out = Failure::new(f.code);
                if !f.error.is_empty() {
                    out = out.with(EvidenceKey::ProviderError, f.error.clone());
                }
                if !f.description.is_empty() {
                    out = out.with(EvidenceKey::ProviderSaid, f.description.clone());
                }
                out.evidence.extend(f.evidence.iter().cloned());
                return Err(out);
            }
            let Some(token) = t.token.clone() else {
                return Err(Failure::new(DiagnosisCode::OauthNotConnected));
            };
            let permissions = TokenClaims::of(token.expose())
                .map(|c| c.permissions())
                .unwrap_or_default();
            let shown = if permissions.is_empty() {
                "—".to_string()
            } else {
                permissions.join(" ")
            };
            transcript.info(&format!("token: app-only, permissions: {shown}"));
            Ok(Done::new(token, "graph_token")
                .arg("user", "app")
                .arg("permissions", shown))
        })
        .await?;

    // 2. The employee's calendars; the named one (else the default) must be there.
    let url = client.user_url(&t.mailbox, &["calendars"]);
    let transcript = r.transcript.clone();
    let (token_ref, client_ref) = (&token, &client);
    let calendar = r
        .step(StepKind::Calendars, limit, async move {
            transcript.client(&format!("GET {url}"));
            let v = client_ref
                .get_json(token_ref, &url, false)
                .await
                .map_err(|f| {
                    transcript.server(&status_of(&f));
                    failure(f)
                })?;
            transcript.server("HTTP 200");
            let list: Vec<(String, String, bool)> = v["value"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|c| {
                            (
                                c["id"].as_str().unwrap_or("").to_string(),
                                c["name"].as_str().unwrap_or("").to_string(),
                                c["isDefaultCalendar"].as_bool().unwrap_or(false),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let names = if list.is_empty() {
                "—".to_string()
            } else {
                list.iter()
                    .map(|(_, n, _)| n.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let wanted = t.calendar_name.trim();
            let hit = if wanted.is_empty() {
                list.iter().find(|c| c.2).or(list.first())
            } else {
                list.iter()
                    .find(|c| c.1.to_lowercase() == wanted.to_lowercase())
            };
            match hit {
                Some((id, name, default)) => {
                    let key = if wanted.is_empty() {
                        "caldav_calendars_first"
                    } else {
                        "caldav_calendars"
                    };
                    Ok(Done::new((id.clone(), *default), key)
                        .arg("name", name.clone())
                        .arg("list", names))
                }
                None => Err(Failure::new(DiagnosisCode::CaldavCalendarNotFound)
                    .with(EvidenceKey::Wanted, wanted)
                    .with(EvidenceKey::Calendars, names)
                    .with(EvidenceKey::Address, t.mailbox.clone())),
            }
        })
        .await?;

    // 3. The events of the sync range.
    let now = time::OffsetDateTime::now_utc();
    let from = now - time::Duration::days(i64::from(t.days_back));
    let to = now + time::Duration::days(i64::from(t.days_ahead));
    let iso = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let day = time::macros::format_description!("[year]-[month]-[day]");
    let tail: Vec<&str> = if calendar.1 {
        vec!["calendarView"]
    } else {
        vec!["calendars", &calendar.0, "calendarView"]
    };
    let mut url = client.user_url(&t.mailbox, &tail);
    if let Ok(mut u) = url::Url::parse(&url) {
        u.query_pairs_mut()
            .append_pair("startDateTime", &from.format(&iso).unwrap_or_default())
            .append_pair("endDateTime", &to.format(&iso).unwrap_or_default());
        url = u.to_string();
    }
    let transcript = r.transcript.clone();
    r.step(StepKind::CalendarRead, limit, async move {
        transcript.client(&format!("GET {url}"));
        let v = client_ref
            .get_json(token_ref, &url, false)
            .await
            .map_err(|f| {
                transcript.server(&status_of(&f));
                failure(f)
            })?;
        transcript.server("HTTP 200");
        let count = v["value"].as_array().map(|a| a.len()).unwrap_or(0);
        Ok(Done::new((), "caldav_read")
            .arg("count", count.to_string())
            .arg("from", from.format(&day).unwrap_or_default())
            .arg("to", to.format(&day).unwrap_or_default()))
    })
    .await?;
    Ok(())
}

/// The refusal's status line for the transcript (the evidence has the rest).
fn status_of(f: &GraphFailure) -> String {
    f.evidence
        .iter()
        .find(|e| e.key == EvidenceKey::StatusCode)
        .map(|e| e.value.clone())
        .unwrap_or_else(|| f.code.to_string())
}
