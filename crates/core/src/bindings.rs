//! The TypeScript side of IPC, generated from the Rust types: `ui/src/lib/backend/bindings.ts`.
//! A test regenerates it and fails when the committed file differs (run with
//! `UPDATE_BINDINGS=1 cargo test -p mailbox-admin-core bindings` to refresh it).

use crate::app::{AppInfo, FileSave, Removed};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::i18n::Lang;
use crate::model::*;
use ts_rs::{Config, TS};

fn decl<T: TS>(cfg: &Config, out: &mut String) {
    out.push_str("export ");
    out.push_str(&T::decl(cfg));
    out.push_str("\n\n");
}

/// The whole generated file.
pub fn render() -> String {
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types in crates/core by `bindings::render`. Do not edit:\n\
         // run `UPDATE_BINDINGS=1 cargo test -p mailbox-admin-core bindings` instead.\n\n",
    );
    decl::<Lang>(&cfg, &mut out);
    decl::<ErrorCode>(&cfg, &mut out);
    decl::<crate::diag::FieldCode>(&cfg, &mut out);
    decl::<FieldError>(&cfg, &mut out);
    decl::<ApiError>(&cfg, &mut out);
    decl::<SecretState>(&cfg, &mut out);
    decl::<SecretUpdate>(&cfg, &mut out);
    decl::<Saved<()>>(&cfg, &mut out);
    decl::<Removed>(&cfg, &mut out);
    decl::<FileSave>(&cfg, &mut out);
    decl::<AppInfo>(&cfg, &mut out);
    decl::<Protocol>(&cfg, &mut out);
    decl::<Security>(&cfg, &mut out);
    decl::<AuthMethod>(&cfg, &mut out);
    decl::<IncomingServer>(&cfg, &mut out);
    decl::<ServerInput>(&cfg, &mut out);
    decl::<OutgoingKind>(&cfg, &mut out);
    decl::<M365SendVia>(&cfg, &mut out);
    decl::<SmtpAuth>(&cfg, &mut out);
    decl::<OutgoingServer>(&cfg, &mut out);
    decl::<OutgoingInput>(&cfg, &mut out);
    decl::<Company>(&cfg, &mut out);
    decl::<CompanyInput>(&cfg, &mut out);
    decl::<User>(&cfg, &mut out);
    decl::<UserInput>(&cfg, &mut out);
    decl::<Group>(&cfg, &mut out);
    decl::<GroupInput>(&cfg, &mut out);
    decl::<MailboxFate>(&cfg, &mut out);
    decl::<Employee>(&cfg, &mut out);
    decl::<EmployeeInput>(&cfg, &mut out);
    decl::<ImportRow>(&cfg, &mut out);
    decl::<Owner>(&cfg, &mut out);
    decl::<DeleteProcedure>(&cfg, &mut out);
    decl::<AccountFolder>(&cfg, &mut out);
    decl::<Account>(&cfg, &mut out);
    decl::<AccountSummary>(&cfg, &mut out);
    decl::<AccountInput>(&cfg, &mut out);
    decl::<OutgoingSource>(&cfg, &mut out);
    decl::<EffectiveOutgoing>(&cfg, &mut out);
    decl::<CalendarBackend>(&cfg, &mut out);
    decl::<CalendarAccount>(&cfg, &mut out);
    decl::<CalendarInput>(&cfg, &mut out);
    decl::<ProviderKind>(&cfg, &mut out);
    decl::<OauthFlow>(&cfg, &mut out);
    decl::<OauthMechanism>(&cfg, &mut out);
    decl::<OauthProvider>(&cfg, &mut out);
    decl::<OauthProviderInput>(&cfg, &mut out);
    decl::<OauthConnection>(&cfg, &mut out);
    decl::<crate::app::oauth::OauthStatus>(&cfg, &mut out);
    decl::<crate::app::oauth::ConnectEvent>(&cfg, &mut out);
    decl::<crate::app::oauth::ConnectOptions>(&cfg, &mut out);
    decl::<crate::app::oauth::Disconnected>(&cfg, &mut out);
    decl::<CertFormat>(&cfg, &mut out);
    decl::<CertSecretKind>(&cfg, &mut out);
    decl::<Certificate>(&cfg, &mut out);
    decl::<CertImport>(&cfg, &mut out);
    decl::<CertTrust>(&cfg, &mut out);
    decl::<LoginSource>(&cfg, &mut out);
    decl::<crate::app::Referenced>(&cfg, &mut out);
    decl::<EffectiveLogin>(&cfg, &mut out);
    decl::<GeneralSettings>(&cfg, &mut out);
    decl::<TemplateKind>(&cfg, &mut out);
    decl::<Template>(&cfg, &mut out);
    decl::<TemplateInput>(&cfg, &mut out);
    decl::<PresetServer>(&cfg, &mut out);
    decl::<Preset>(&cfg, &mut out);
    decl::<DevicePlatform>(&cfg, &mut out);
    decl::<ProvisionMethod>(&cfg, &mut out);
    decl::<MobileDevice>(&cfg, &mut out);
    decl::<MobileDeviceInput>(&cfg, &mut out);
    {
        use crate::app::mobile::*;
        decl::<DeviceNote>(&cfg, &mut out);
        decl::<ProfileOptions>(&cfg, &mut out);
        decl::<QrFormat>(&cfg, &mut out);
        decl::<QrOptions>(&cfg, &mut out);
        decl::<ProducedFile>(&cfg, &mut out);
        decl::<QrCodeOut>(&cfg, &mut out);
        decl::<AutoconfigOut>(&cfg, &mut out);
        decl::<PublicationCheck>(&cfg, &mut out);
    }
    decl::<crate::app::transfer::ExportOptions>(&cfg, &mut out);
    decl::<crate::app::transfer::OnConflict>(&cfg, &mut out);
    decl::<crate::app::transfer::ImportOptions>(&cfg, &mut out);
    decl::<crate::app::transfer::ImportReport>(&cfg, &mut out);
    // Connection tests (crate::probe, crate::app::probe).
    {
        use crate::app::probe::{
            AccountTestOptions, BulkResult, BulkSummary, TestOptions, TestRun, TestTargetKind,
        };
        use crate::probe::*;
        decl::<ProbeProtocol>(&cfg, &mut out);
        decl::<ProbeAuth>(&cfg, &mut out);
        decl::<crate::diag::DiagnosisCode>(&cfg, &mut out);
        decl::<crate::diag::EvidenceKey>(&cfg, &mut out);
        decl::<crate::diag::Trust>(&cfg, &mut out);
        decl::<Severity>(&cfg, &mut out);
        decl::<Evidence>(&cfg, &mut out);
        decl::<Diagnosis>(&cfg, &mut out);
        decl::<Dir>(&cfg, &mut out);
        decl::<TranscriptLine>(&cfg, &mut out);
        decl::<Role>(&cfg, &mut out);
        decl::<StepKind>(&cfg, &mut out);
        decl::<StepStatus>(&cfg, &mut out);
        decl::<CertInfo>(&cfg, &mut out);
        decl::<crate::diag::OsTrust>(&cfg, &mut out);
        decl::<TlsEvidence>(&cfg, &mut out);
        decl::<Step>(&cfg, &mut out);
        decl::<Folder>(&cfg, &mut out);
        decl::<TargetSummary>(&cfg, &mut out);
        decl::<TestReport>(&cfg, &mut out);
        decl::<ProbeEvent>(&cfg, &mut out);
        decl::<TestOptions>(&cfg, &mut out);
        decl::<TestTargetKind>(&cfg, &mut out);
        decl::<TestRun>(&cfg, &mut out);
        decl::<AccountTestOptions>(&cfg, &mut out);
        decl::<BulkResult>(&cfg, &mut out);
        decl::<BulkSummary>(&cfg, &mut out);
        decl::<crate::app::folders::FolderRefresh>(&cfg, &mut out);
        decl::<crate::app::folders::SubscriptionChange>(&cfg, &mut out);
        decl::<crate::app::folders::SubscriptionsWritten>(&cfg, &mut out);
    }
    // The domain check (crate::domain, crate::app::domain).
    {
        use crate::domain::*;
        decl::<crate::app::domain::DomainCheckInput>(&cfg, &mut out);
        decl::<DomainStepKind>(&cfg, &mut out);
        decl::<DomainStep>(&cfg, &mut out);
        decl::<OutgoingChecked>(&cfg, &mut out);
        decl::<SpfResult>(&cfg, &mut out);
        decl::<SpfVerdict>(&cfg, &mut out);
        decl::<SpfFacts>(&cfg, &mut out);
        decl::<DmarcFacts>(&cfg, &mut out);
        decl::<DkimKey>(&cfg, &mut out);
        decl::<MtaStsFacts>(&cfg, &mut out);
        decl::<DomainReport>(&cfg, &mut out);
    }
    {
        use crate::app::detect::{
            DetectDraft, DetectOutcome, DetectProgressEvent, DetectProof, DetectRequest,
        };
        use crate::detect::*;
        decl::<DetectedProtocol>(&cfg, &mut out);
        decl::<DetectedAuth>(&cfg, &mut out);
        decl::<UsernameForm>(&cfg, &mut out);
        decl::<DetectedServer>(&cfg, &mut out);
        decl::<SourceKind>(&cfg, &mut out);
        decl::<SourceStatus>(&cfg, &mut out);
        decl::<SourceOutcome>(&cfg, &mut out);
        decl::<TrustLevel>(&cfg, &mut out);
        decl::<UnconfirmedReason>(&cfg, &mut out);
        decl::<DetectTrust>(&cfg, &mut out);
        decl::<DetectResult>(&cfg, &mut out);
        decl::<DetectEvent>(&cfg, &mut out);
        decl::<DetectProof>(&cfg, &mut out);
        decl::<DetectOutcome>(&cfg, &mut out);
        decl::<DetectDraft>(&cfg, &mut out);
        decl::<DetectRequest>(&cfg, &mut out);
        decl::<DetectProgressEvent>(&cfg, &mut out);
    }

    // The port rule as data, so the form can show the derived port while typing.
    out.push_str(
        "/** The port an incoming server uses unless typed by hand (`default_incoming_port`). */\n\
         export const DEFAULT_INCOMING_PORTS: Record<Protocol, Record<Security, number>> = {\n",
    );
    for p in Protocol::ALL {
        out.push_str(&format!("  {}: {{", p.as_str()));
        let cells: Vec<String> = Security::ALL
            .iter()
            .map(|s| format!(" {}: {}", s.as_str(), default_incoming_port(*p, *s)))
            .collect();
        out.push_str(&cells.join(","));
        out.push_str(" },\n");
    }
    out.push_str("};\n\n");
    out.push_str(
        "/** The port an outgoing server uses unless typed by hand (`default_outgoing_port`). */\n\
         export const DEFAULT_OUTGOING_PORTS: Record<Security, number> = {",
    );
    let cells: Vec<String> = Security::ALL
        .iter()
        .map(|s| format!(" {}: {}", s.as_str(), default_outgoing_port(*s)))
        .collect();
    out.push_str(&cells.join(","));
    out.push_str(" };\n\n");
    out.push_str(&format!(
        "export const M365_SMTP_HOST = \"{M365_SMTP_HOST}\";\n\n"
    ));
    out.push_str(&format!(
        "export const DEFAULT_TIMEOUT_SECS = {DEFAULT_TIMEOUT_SECS};\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn path() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/backend/bindings.ts")
    }

    #[test]
    fn bindings_match_the_committed_file() {
        let fresh = super::render();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(path(), &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(path()).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/lib/backend/bindings.ts is out of date with the Rust types; \
             run `UPDATE_BINDINGS=1 cargo test -p mailbox-admin-core bindings` and commit it"
        );
    }
}
