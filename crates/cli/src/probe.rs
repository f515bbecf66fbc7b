//! `mbadmin test server NAME`: a connection test with every step printed as it ends, and
//! `mbadmin test history NAME`. Ctrl-C cancels the running test (it is stored as cancelled).

use crate::Output;
use clap::Subcommand;
use mailbox_admin_core::app::probe::{TestOptions, TestTargetKind};
use mailbox_admin_core::probe::{CancellationToken, ProbeEvent, Step, StepStatus, TestReport};
use mailbox_admin_core::{ApiError, App, Lang};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum TestCmd {
    /// Test an incoming server (by name or id): DNS, connect, TLS, greeting, login, folders.
    Server {
        name: String,
        /// Also trust these CA certificates (PEM file; repeatable), e.g. a company CA.
        #[arg(long, value_name = "PATH")]
        ca_file: Vec<PathBuf>,
    },
    /// The stored test runs of an incoming server, newest first.
    History { name: String },
}

fn status_word(lang: Lang, s: StepStatus) -> &'static str {
    match (lang, s) {
        (_, StepStatus::Running) => "…",
        (_, StepStatus::Ok) => "ok",
        (Lang::De, StepStatus::Warning) => "WARNUNG",
        (Lang::En, StepStatus::Warning) => "WARNING",
        (Lang::De, StepStatus::Failed) => "FEHLER",
        (Lang::En, StepStatus::Failed) => "FAILED",
        (Lang::De, StepStatus::Skipped) => "übersprungen",
        (Lang::En, StepStatus::Skipped) => "skipped",
        (Lang::De, StepStatus::Cancelled) => "abgebrochen",
        (Lang::En, StepStatus::Cancelled) => "cancelled",
    }
}

fn kind_name(step: &Step) -> String {
    serde_json::to_value(step.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// One finished step, with its diagnosis (explanation, fix, evidence) when there is one.
pub fn step_lines(lang: Lang, step: &Step) -> String {
    let mut out = format!(
        "  {:<12} {:<15} {:>6} ms  {}\n",
        status_word(lang, step.status),
        kind_name(step),
        step.duration_ms,
        step.summary
    );
    let fix = match lang {
        Lang::De => "Lösung",
        Lang::En => "Fix",
    };
    for d in step.diagnosis.iter().chain(&step.more_diagnoses) {
        if d.title != step.summary {
            out.push_str(&format!("{:34}{}\n", "", d.title));
        }
        out.push_str(&format!("{:34}[{}] {}\n", "", d.code, d.explanation));
        out.push_str(&format!("{:34}{fix}: {}\n", "", d.fix));
        for e in &d.evidence {
            out.push_str(&format!("{:34}{}: {}\n", "", e.key, e.value));
        }
    }
    out
}

fn verdict(lang: Lang, name: &str, r: &TestReport) -> String {
    let (de, en) = if r.cancelled {
        ("abgebrochen", "cancelled")
    } else if r.ok {
        ("bestanden", "passed")
    } else {
        ("fehlgeschlagen", "failed")
    };
    let word = if lang == Lang::De { de } else { en };
    let mut s = format!("{name}: {word} ({} ms)", r.duration_ms);
    if !r.codes.is_empty() {
        s.push_str(&format!(" – {}", r.codes.join(", ")));
    }
    s
}

pub fn run(app: &App, cmd: TestCmd, json: bool) -> Result<Output, ApiError> {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    match cmd {
        TestCmd::Server { name, ca_file } => {
            let server = app.find_server(&name).map_err(err)?;
            let mut opts = TestOptions::default();
            for path in ca_file {
                let pem = std::fs::read_to_string(&path).map_err(|e| {
                    ApiError::internal(format!("--ca-file {}: {e}", path.display()))
                })?;
                opts.extra_roots.push(pem);
            }
            let lang = app.lang();
            let print = |e: &ProbeEvent| {
                if !json && e.step.status != StepStatus::Running {
                    print!("{}", step_lines(lang, &e.step));
                }
            };
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| ApiError::internal(format!("async runtime: {e}")))?;
            let cancel = CancellationToken::new();
            let report = rt.block_on(async {
                let c = cancel.clone();
                tokio::spawn(async move {
                    if tokio::signal::ctrl_c().await.is_ok() {
                        c.cancel();
                    }
                });
                if !json {
                    println!("{} ({}:{})", server.name, server.host, server.port);
                }
                app.test_server(server.id, &opts, &print, &cancel).await
            });
            let report = report.map_err(err)?;
            let mut out = Output::new(&report, verdict(lang, &server.name, &report));
            out.failed = !report.ok;
            Ok(out)
        }
        TestCmd::History { name } => {
            let server = app.find_server(&name).map_err(err)?;
            let runs = app
                .test_history(TestTargetKind::IncomingServer, server.id)
                .map_err(err)?;
            let lang = app.lang();
            let human: String = runs
                .iter()
                .map(|r| {
                    format!(
                        "{}  {}\n",
                        r.started_at,
                        verdict(lang, &server.name, &r.report)
                    )
                })
                .collect();
            Ok(Output::new(&runs, human))
        }
    }
}
