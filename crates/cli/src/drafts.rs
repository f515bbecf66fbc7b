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

    /// Whether the setting save_only_tested asks for a test of this input (a disabled
    /// outgoing server is saved untested, as in the window).
    fn gated_by_save_only_tested(&self) -> bool {
        true
    }
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
    fn gated_by_save_only_tested(&self) -> bool {
        self.enabled
    }

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
        app.test_account_draft(None, input, &o, progress, cancel)
            .await
    }
}

/// True when the general setting save_only_tested makes `add` test `input` before saving
/// it, as with --test-first.
pub fn save_only_tested<I: DraftTest>(app: &App, input: &I) -> Result<bool, ApiError> {
    let on = app
        .get_settings()
        .map_err(|e| app.api_error(&e))?
        .save_only_tested;
    Ok(on && input.gated_by_save_only_tested())
}

/// Tests `input` with its steps on stderr (stdout keeps the command's own answer); a failed
/// test is an error (of --test-first, or of the setting save_only_tested when
/// `!test_first`), and nothing is saved.
pub fn test_before_save<I: DraftTest>(
    app: &App,
    input: &I,
    ca_file: &[PathBuf],
    test_first: bool,
) -> Result<(), ApiError> {
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
    // Without --test-first the setting asked for the test: say which one (save_only_tested).
    let (field, message) = if test_first {
        ("test_first", format!("--test-first: {message}"))
    } else {
        let setting = match lang {
            Lang::De => "Einstellung „Nur speichern, wenn der Verbindungstest besteht“",
            Lang::En => "setting \"save only when the connection test passes\"",
        };
        ("save_only_tested", format!("{message} ({setting})"))
    };
    Err(ApiError {
        code: ErrorCode::Validation,
        message,
        field: Some(field.into()),
        fields: Vec::new(),
    })
}
