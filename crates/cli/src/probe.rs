//! `mbadmin test server NAME`: a connection test with every step printed as it ends, and
//! `mbadmin test history NAME`. Ctrl-C cancels the running test (it is stored as cancelled).

use crate::Output;
use clap::{Args, Subcommand};
use mailbox_admin_core::app::probe::{AccountTestOptions, BulkResult, TestOptions, TestTargetKind};
use mailbox_admin_core::probe::{
    CancellationToken, Diagnosis, ProbeEvent, Step, StepStatus, TestReport,
};
use mailbox_admin_core::{ApiError, App, Lang};
use std::path::PathBuf;

/// `mbadmin test ...` or `mbadmin test --all`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TestArgs {
    #[command(subcommand)]
    cmd: Option<TestCmd>,
    /// Test every account (bulk), one line per account and a summary.
    #[arg(long)]
    all: bool,
    /// With --all: how many tests run at the same time.
    // 40 (BENCH.md, "Bulk tests over a real-world link"): over a 40 ms round trip 10 at a time
    // were 8.6× faster than one after the other, 50 at a time 19.7×; 100 ran into Postfix's
    // default limit of 50 connections per client address (421: "failed temporarily"). 40
    // keeps room for the office's other clients behind the same address. The window's
    // default is the same (ui/src/lib/probe/BulkTest.svelte).
    /// 1–256 (the core's bound): 0 or more are refused, not silently changed.
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: u16,
    /// With --all: only accounts whose fields match this text.
    #[arg(long, default_value = "")]
    search: String,
    /// Also trust these CA certificates (PEM file; repeatable).
    #[arg(long, value_name = "PATH")]
    ca_file: Vec<PathBuf>,
}

#[derive(Subcommand)]
pub enum TestCmd {
    /// Test an incoming server (by name or id): DNS, connect, TLS, greeting, login, folders.
    Server {
        name: String,
        /// Also trust these CA certificates (PEM file; repeatable), e.g. a company CA.
        #[arg(long, value_name = "PATH")]
        ca_file: Vec<PathBuf>,
    },
    /// Test an outgoing server: connect, TLS, EHLO, AUTH, MAIL FROM (no mail is sent).
    Outgoing {
        name: String,
        #[arg(long, value_name = "PATH")]
        ca_file: Vec<PathBuf>,
    },
    /// Test an account: its incoming server with its login and folders, and its effective
    /// outgoing server sending as the account.
    Account {
        name: String,
        /// Also send a test mail to this address.
        #[arg(long, value_name = "ADDRESS")]
        send_to: Option<String>,
        /// Send a mail to the account itself and wait until it arrives.
        #[arg(long)]
        roundtrip: bool,
        /// How long the round trip waits, in seconds.
        #[arg(long, default_value_t = 60)]
        wait: u32,
        #[arg(long, value_name = "PATH")]
        ca_file: Vec<PathBuf>,
    },
    /// Test a calendar account (CalDAV): discovery, login, calendar home, the named calendar,
    /// a read of the sync range.
    Calendar {
        name: String,
        #[arg(long, value_name = "PATH")]
        ca_file: Vec<PathBuf>,
    },
    /// The stored test runs of an incoming server, newest first.
    History { name: String },
}

impl TestArgs {
    /// Every `--ca-file` of the command: they apply to the OAuth requests of the tests too
    /// (refreshing a token, an app-only token).
    pub(crate) fn ca_files(&self) -> Vec<PathBuf> {
        let mut all = self.ca_file.clone();
        if let Some(
            TestCmd::Server { ca_file, .. }
            | TestCmd::Outgoing { ca_file, .. }
            | TestCmd::Account { ca_file, .. }
            | TestCmd::Calendar { ca_file, .. },
        ) = &self.cmd
        {
            all.extend(ca_file.iter().cloned());
        }
        all
    }
}

pub(crate) fn read_roots(paths: &[PathBuf]) -> Result<Vec<String>, ApiError> {
    paths
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .map_err(|e| ApiError::internal(format!("--ca-file {}: {e}", p.display())))
        })
        .collect()
}

/// Runs `fut` on a one-thread async runtime; Ctrl-C cancels `cancel`, which `fut` watches.
pub(crate) fn block_on<F: std::future::Future>(
    cancel: &CancellationToken,
    fut: F,
) -> Result<F::Output, ApiError> {
    run_on(tokio::runtime::Builder::new_current_thread(), cancel, fut)
}

/// The same on a runtime with one worker per core (bulk tests spread their TLS work).
fn block_on_all_cores<F: std::future::Future>(
    cancel: &CancellationToken,
    fut: F,
) -> Result<F::Output, ApiError> {
    run_on(tokio::runtime::Builder::new_multi_thread(), cancel, fut)
}

fn run_on<F: std::future::Future>(
    mut builder: tokio::runtime::Builder,
    cancel: &CancellationToken,
    fut: F,
) -> Result<F::Output, ApiError> {
    let rt = builder
        .enable_all()
        .build()
        .map_err(|e| ApiError::internal(format!("async runtime: {e}")))?;
    Ok(rt.block_on(async {
        let c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                c.cancel();
            }
        });
        fut.await
    }))
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

/// The serialized name of a step kind (`resolve`, `mta_sts`).
pub(crate) fn kind_name<T: serde::Serialize>(kind: &T) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// One finished step, with its diagnosis (explanation, fix, evidence) when there is one.
pub fn step_lines(lang: Lang, step: &Step) -> String {
    step_text(
        lang,
        step.status,
        &kind_name(&step.kind),
        step.duration_ms,
        &step.summary,
        step.diagnosis.iter().chain(&step.more_diagnoses),
    )
}

/// A step line (status, kind, duration, summary) and each diagnosis under it — the form of
/// connection tests and the domain check alike.
pub(crate) fn step_text<'a>(
    lang: Lang,
    status: StepStatus,
    kind: &str,
    duration_ms: u64,
    summary: &str,
    diagnoses: impl Iterator<Item = &'a Diagnosis>,
) -> String {
    let mut out = format!(
        "  {:<12} {:<15} {:>6} ms  {}\n",
        status_word(lang, status),
        kind,
        duration_ms,
        summary
    );
    let fix = match lang {
        Lang::De => "Lösung",
        Lang::En => "Fix",
    };
    for d in diagnoses {
        if d.title != summary {
            out.push_str(&format!("{:34}{}\n", "", d.title));
        }
        out.push_str(&format!("{:34}[{}] {}\n", "", d.code, d.explanation));
        out.push_str(&format!("{:34}{fix}: {}\n", "", d.fix));
        for e in &d.evidence {
            out.push_str(&format!("{:34}{}: {}\n", "", e.key.label(lang), e.value));
        }
    }
    out
}

/// One line of a bulk test: status, account, duration, codes or why it could not run.
fn bulk_line(lang: Lang, r: &BulkResult) -> String {
    let status = match (lang, r.ok, r.temporary) {
        (_, true, _) => "ok",
        // Not judged: the server failed for now (e.g. its login service).
        (Lang::De, false, true) => "VORERST",
        (Lang::En, false, true) => "TEMP",
        (Lang::De, false, false) => "FEHLER",
        (Lang::En, false, false) => "FAILED",
    };
    let detail = match &r.error {
        Some(e) => e.clone(),
        None => codes(&r.codes),
    };
    format!(
        "{status:<7} {:<40} {:>6} ms  {detail}",
        r.account, r.duration_ms
    )
}

fn verdict(lang: Lang, name: &str, r: &TestReport) -> String {
    let (de, en) = if r.cancelled {
        ("abgebrochen", "cancelled")
    } else if r.ok {
        ("bestanden", "passed")
    } else if r.failed_temporarily() {
        ("vorübergehend gescheitert", "failed temporarily")
    } else {
        ("fehlgeschlagen", "failed")
    };
    let word = if lang == Lang::De { de } else { en };
    let mut s = format!("{name}: {word} ({} ms)", r.duration_ms);
    if !r.codes.is_empty() {
        s.push_str(&format!(" – {}", codes(&r.codes)));
    }
    s
}

pub fn run(app: &App, args: TestArgs, json: bool) -> Result<Output, ApiError> {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    let lang = app.lang();
    let cmd = match (args.cmd, args.all) {
        (Some(c), _) => c,
        (None, true) => {
            let opts = AccountTestOptions {
                base: TestOptions {
                    extra_roots: read_roots(&args.ca_file)?,
                },
                ..Default::default()
            };
            let line = |r: &BulkResult| {
                if !json {
                    println!("{}", bulk_line(lang, r));
                }
            };
            let cancel = CancellationToken::new();
            let summary = block_on_all_cores(
                &cancel,
                app.test_all(&args.search, usize::from(args.concurrency), &opts, &line, &cancel),
            )?
            .map_err(err)?;
            let human = match lang {
                Lang::De => format!(
                    "{} bestanden, {} fehlgeschlagen, {} vorübergehend gescheitert ({} ms)",
                    summary.passed, summary.failed, summary.temporary, summary.duration_ms
                ),
                Lang::En => format!(
                    "{} passed, {} failed, {} failed temporarily ({} ms)",
                    summary.passed, summary.failed, summary.temporary, summary.duration_ms
                ),
            };
            let mut out = Output::new(&summary, human);
            out.failed = summary.failed + summary.temporary > 0;
            return Ok(out);
        }
        (None, false) => {
            return Err(ApiError::internal(
                "say what to test: `test server NAME`, `test outgoing NAME`, `test account NAME`, `test calendar NAME` or `test --all`",
            ))
        }
    };
    // A test with its steps printed as they end (unless --json) under a header line;
    // exit code 1 when it failed.
    macro_rules! live {
        ($header:expr, $name:expr, |$print:ident, $cancel:ident| $test:expr) => {{
            let $print = |e: &ProbeEvent| {
                if !json && e.step.status != StepStatus::Running {
                    print!("{}", step_lines(lang, &e.step));
                }
            };
            if !json {
                println!("{}", $header);
            }
            let $cancel = CancellationToken::new();
            let report = block_on(&$cancel, $test)?.map_err(err)?;
            let mut out = Output::new(&report, verdict(lang, $name, &report));
            out.failed = !report.ok;
            Ok(out)
        }};
    }
    match cmd {
        TestCmd::Outgoing { name, ca_file } => {
            let id = app
                .resolve(mailbox_admin_core::error::Entity::OutgoingServer, &name)
                .map_err(err)?;
            let s = app.get_outgoing(id).map_err(err)?;
            let opts = TestOptions {
                extra_roots: read_roots(&ca_file)?,
            };
            let header = format!("{} ({}:{})", s.name, s.host, s.port);
            live!(header, &s.name, |print, cancel| app
                .test_outgoing(id, &opts, &print, &cancel))
        }
        TestCmd::Account {
            name,
            send_to,
            roundtrip,
            wait,
            ca_file,
        } => {
            let id = app
                .resolve(mailbox_admin_core::error::Entity::Account, &name)
                .map_err(err)?;
            let a = app.get_account(id).map_err(err)?;
            let opts = AccountTestOptions {
                base: TestOptions {
                    extra_roots: read_roots(&ca_file)?,
                },
                send_to,
                roundtrip,
                roundtrip_wait_secs: Some(wait),
            };
            let header = format!("{} <{}>", a.name, a.email);
            live!(header, &a.name, |print, cancel| app
                .test_account(id, &opts, &print, &cancel))
        }
        TestCmd::Server { name, ca_file } => {
            let server = app.find_server(&name).map_err(err)?;
            let opts = TestOptions {
                extra_roots: read_roots(&ca_file)?,
            };
            let header = format!("{} ({}:{})", server.name, server.host, server.port);
            live!(header, &server.name, |print, cancel| app
                .test_server(server.id, &opts, &print, &cancel))
        }
        TestCmd::Calendar { name, ca_file } => {
            let id = app
                .resolve(mailbox_admin_core::error::Entity::CalendarAccount, &name)
                .map_err(err)?;
            let c = app.get_calendar(id).map_err(err)?;
            let opts = TestOptions {
                extra_roots: read_roots(&ca_file)?,
            };
            let header = format!("{} ({})", c.name, c.caldav_url);
            live!(header, &c.name, |print, cancel| app
                .test_calendar(id, &opts, &print, &cancel))
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

/// Diagnosis codes as the bulk lines print them.
pub(crate) fn codes(codes: &[mailbox_admin_core::diag::DiagnosisCode]) -> String {
    let list: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
    list.join(", ")
}
