//! `add --test-first`: the new record is tested as given, before anything is saved, and
//! saved only when the test passes (the window's test before saving).

use crate::probe::{block_on, read_roots, step_lines};
use mailbox_admin_core::app::probe::{AccountTestOptions, TestOptions};
use mailbox_admin_core::error::ErrorCode;
use mailbox_admin_core::model::{AccountInput, OutgoingInput, ServerInput};
use mailbox_admin_core::probe::{CancellationToken, Progress, StepStatus, TestReport};
use mailbox_admin_core::{ApiError, App, Error, Lang};
use std::future::Future;
use std::path::PathBuf;

/// An input the core can test before it is saved.
pub trait DraftTest {
    fn test(
        app: &App,
        input: &Self,
        opts: &TestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> impl Future<Output = Result<TestReport, Error>>;
}

impl DraftTest for ServerInput {
    fn test(
        app: &App,
        input: &Self,
        opts: &TestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> impl Future<Output = Result<TestReport, Error>> {
        app.test_server_draft(None, input, opts, progress, cancel)
    }
}

impl DraftTest for OutgoingInput {
    fn test(
        app: &App,
        input: &Self,
        opts: &TestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> impl Future<Output = Result<TestReport, Error>> {
        app.test_outgoing_draft(None, input, opts, progress, cancel)
    }
}

impl DraftTest for AccountInput {
    async fn test(
        app: &App,
        input: &Self,
        opts: &TestOptions,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<TestReport, Error> {
        let o = AccountTestOptions {
            base: opts.clone(),
            ..Default::default()
        };
        app.test_account_draft(None, input, &o, progress, cancel).await
    }
}

/// Tests `input` with its steps on stderr (stdout keeps the command's own answer); a failed
/// test is an error on --test-first, and nothing is saved.
pub fn test_before_save<I: DraftTest>(app: &App, input: &I, ca_file: &[PathBuf]) -> Result<(), ApiError> {
    let lang = app.lang();
    let opts = TestOptions {
        extra_roots: read_roots(ca_file)?,
    };
    let print = |e: &mailbox_admin_core::probe::ProbeEvent| {
        if e.step.status != StepStatus::Running {
            eprint!("{}", step_lines(lang, &e.step));
        }
    };
    let cancel = CancellationToken::new();
    let report = block_on(&cancel, I::test(app, input, &opts, &print, &cancel))?
        .map_err(|e| app.api_error(&e))?;
    if report.ok {
        return Ok(());
    }
    let codes = crate::probe::codes(&report.codes);
    let message = match lang {
        Lang::De => format!("Der Test ist fehlgeschlagen ({codes}) – nichts wurde gespeichert."),
        Lang::En => format!("the test failed ({codes}) – nothing was saved."),
    };
    Err(ApiError {
        code: ErrorCode::Validation,
        message: format!("--test-first: {message}"),
        field: Some("test_first".into()),
        fields: Vec::new(),
    })
}
