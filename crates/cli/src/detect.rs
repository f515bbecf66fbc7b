//! `mbadmin detect ADDRESS`: settings from an e-mail address. Each source's outcome is
//! printed as it answers, then the result with its trust and the source of every value;
//! with `--password-stdin` the found settings are proven by a login. Ctrl-C cancels.
//! Exit code 0 when settings were found (and, with a password, the login passed).

use crate::probe::{block_on, step_lines};
use crate::Output;
use clap::Args;
use mailbox_admin_core::app::detect::{DetectOptions, DetectOutcome};
use mailbox_admin_core::detect::{
    DetectEvent, DetectResult, DetectedAuth, DetectedServer, SourceOutcome, SourceStatus,
    TrustLevel, UnconfirmedReason, UsernameForm,
};
use mailbox_admin_core::kinds::Security;
use mailbox_admin_core::probe::{CancellationToken, ProbeEvent, StepStatus};
use mailbox_admin_core::{ApiError, App, Lang};

#[derive(Args)]
pub struct DetectArgs {
    /// The e-mail address (IDN allowed).
    address: String,
    /// Read the password from standard input and prove the found settings by a login.
    #[arg(long)]
    password_stdin: bool,
    /// The DNS server to ask (`IP[:PORT]`), e.g. the customer's internal one.
    #[arg(long, value_name = "IP[:PORT]")]
    dns_server: Option<String>,
    /// Ask Exchange autodiscover too (also done when a password is given).
    #[arg(long)]
    exchange: bool,
    /// The time budget in seconds (default: the general setting, 8).
    #[arg(long, value_name = "SECS")]
    budget: Option<u64>,
}

pub fn run(app: &App, args: DetectArgs, json: bool) -> Result<Output, ApiError> {
    let lang = app.lang();
    // A bad address is refused before anything is printed or read.
    mailbox_admin_core::detect::parse_address(&args.address).map_err(|e| app.api_error(&e))?;
    let password = if args.password_stdin {
        Some(crate::common::stdin_secret()?.into())
    } else {
        None
    };
    let opts = DetectOptions {
        password,
        dns_server: args.dns_server,
        exchange: args.exchange,
        budget: args.budget.map(std::time::Duration::from_secs),
        ..Default::default()
    };
    // So is a bad DNS server.
    app.dns(
        opts.dns_server.as_deref(),
        std::time::Duration::from_secs(1),
    )
    .map_err(|e| app.api_error(&e))?;
    if !json {
        println!("{}", heading(lang, &args.address));
    }
    let progress = |e: &DetectEvent| {
        if !json && e.outcome.status != SourceStatus::Running {
            print!("{}", outcome_lines(lang, &e.outcome));
        }
    };
    let probe_progress = |e: &ProbeEvent| {
        if !json && e.step.status != StepStatus::Running {
            print!("{}", step_lines(lang, &e.step));
        }
    };
    let cancel = CancellationToken::new();
    let out = block_on(
        &cancel,
        app.detect(&args.address, &opts, &progress, &probe_progress, &cancel),
    )?
    .map_err(|e| app.api_error(&e))?;
    let mut o = Output::new(&out, result_text(lang, &out));
    o.failed = out.result.source.is_none()
        || out.result.cancelled
        || out.proof.as_ref().is_some_and(|p| !p.ok);
    Ok(o)
}

fn heading(lang: Lang, address: &str) -> String {
    match lang {
        Lang::De => format!("Einstellungen ermitteln für {address}"),
        Lang::En => format!("Detecting settings for {address}"),
    }
}

fn outcome_lines(lang: Lang, o: &SourceOutcome) -> String {
    let mut s = format!(
        "  {:<18} {:<30} {:>6} ms  {}\n",
        o.status.label(lang),
        o.source.label(lang),
        o.duration_ms,
        o.target
    );
    if !o.detail.is_empty() {
        s.push_str(&format!("{:60}{}\n", "", o.detail));
    }
    if let Some(d) = &o.diagnosis {
        if !matches!(
            o.status,
            SourceStatus::NotFound | SourceStatus::Cancelled | SourceStatus::Skipped
        ) {
            s.push_str(&format!("{:60}[{}] {}\n", "", d.code, d.title));
        }
    }
    s
}

fn security(lang: Lang, s: Security) -> &'static str {
    match (lang, s) {
        (_, Security::Tls) => "SSL/TLS",
        (_, Security::Starttls) => "STARTTLS",
        (Lang::De, Security::None) => "unverschlüsselt",
        (Lang::En, Security::None) => "unencrypted",
        (Lang::De, Security::Auto) => "automatisch",
        (Lang::En, Security::Auto) => "automatic",
    }
}

fn auth(lang: Lang, a: DetectedAuth) -> &'static str {
    match (lang, a) {
        (Lang::De, DetectedAuth::Password) => "Passwort",
        (Lang::En, DetectedAuth::Password) => "password",
        (_, DetectedAuth::CramMd5) => "CRAM-MD5",
        (_, DetectedAuth::Oauth2) => "OAuth2",
        (_, DetectedAuth::Ntlm) => "NTLM",
        (Lang::De, DetectedAuth::None) => "keine",
        (Lang::En, DetectedAuth::None) => "none",
        (Lang::De, DetectedAuth::Unsupported) => "nicht unterstützt",
        (Lang::En, DetectedAuth::Unsupported) => "unsupported",
    }
}

fn server_line(lang: Lang, label: &str, s: &DetectedServer, r: &DetectResult) -> String {
    let local = r.address.rsplit_once('@').map(|x| x.0).unwrap_or_default();
    let user = s.username_for(local, &r.ascii_domain);
    let form = match (lang, s.username) {
        (_, UsernameForm::EmailAddress) => "%EMAILADDRESS%",
        (_, UsernameForm::LocalPart) => "%EMAILLOCALPART%",
        (Lang::De, UsernameForm::Other) => "fest",
        (Lang::En, UsernameForm::Other) => "fixed",
    };
    let (user_w, from_w) = match lang {
        Lang::De => ("Benutzer", "Quelle"),
        Lang::En => ("user", "source"),
    };
    format!(
        "  {label:<20} {} {}:{} {}, {user_w} {user} ({form}), {}\n  {:<20} {from_w}: {} – {}\n",
        s.protocol.label(),
        s.host,
        s.port,
        security(lang, s.security),
        auth(lang, s.auth),
        "",
        s.source.label(lang),
        s.origin
    )
}

fn reason(lang: Lang, r: UnconfirmedReason) -> &'static str {
    match (lang, r) {
        (Lang::De, UnconfirmedReason::PlainHttp) => "über unverschlüsseltes HTTP",
        (Lang::En, UnconfirmedReason::PlainHttp) => "over plain HTTP",
        (Lang::De, UnconfirmedReason::CrossDomainRedirect) => "Umleitung auf eine andere Domain",
        (Lang::En, UnconfirmedReason::CrossDomainRedirect) => "redirected to another domain",
        (Lang::De, UnconfirmedReason::MxWithoutDnssec) => "aus dem MX-Eintrag (ohne DNSSEC)",
        (Lang::En, UnconfirmedReason::MxWithoutDnssec) => "from the MX record (no DNSSEC)",
        (Lang::De, UnconfirmedReason::Srv) => "aus SRV-Einträgen",
        (Lang::En, UnconfirmedReason::Srv) => "from SRV records",
        (Lang::De, UnconfirmedReason::Guess) => "ausprobiert",
        (Lang::En, UnconfirmedReason::Guess) => "guessed",
    }
}

pub fn result_text(lang: Lang, out: &DetectOutcome) -> String {
    let r = &out.result;
    let mut s = String::new();
    if r.cancelled {
        s.push_str(match lang {
            Lang::De => "Abgebrochen.\n",
            Lang::En => "Cancelled.\n",
        });
        return s;
    }
    let Some(source) = r.source else {
        s.push_str(&match lang {
            Lang::De => format!(
                "Keine Einstellungen für {} gefunden ({} ms); die Quellen oben zeigen, warum.\n",
                r.domain, r.duration_ms
            ),
            Lang::En => format!(
                "No settings found for {} ({} ms); the sources above say why.\n",
                r.domain, r.duration_ms
            ),
        });
        return s;
    };
    let (found_w, in_w, out_w) = match lang {
        Lang::De => ("Gefunden über", "Posteingangsserver", "Postausgangsserver"),
        Lang::En => ("Found by", "Incoming server", "Outgoing server"),
    };
    s.push_str(&format!(
        "{found_w} {} ({} ms){}\n",
        source.label(lang),
        r.duration_ms,
        if r.provider_name.is_empty() {
            String::new()
        } else {
            format!(" – {}", r.provider_name)
        }
    ));
    if let Some(t) = &r.trust {
        let line = match (lang, t.level) {
            (Lang::De, TrustLevel::Confirmed) => format!("  bestätigt (von {})", t.domain),
            (Lang::En, TrustLevel::Confirmed) => format!("  confirmed (from {})", t.domain),
            (Lang::De, TrustLevel::Unconfirmed) => format!(
                "  UNBESTÄTIGT: stammt von {} – {}; vor dem Übernehmen prüfen",
                t.domain,
                t.reasons
                    .iter()
                    .map(|x| reason(lang, *x))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (Lang::En, TrustLevel::Unconfirmed) => format!(
                "  UNCONFIRMED: comes from {} – {}; check before using it",
                t.domain,
                t.reasons
                    .iter()
                    .map(|x| reason(lang, *x))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        s.push_str(&line);
        s.push('\n');
    }
    if let Some(i) = &r.incoming {
        s.push_str(&server_line(lang, in_w, i, r));
    }
    if let Some(o) = &r.outgoing {
        s.push_str(&server_line(lang, out_w, o, r));
    }
    if let Some(p) = &out.proof {
        let verdict = match (lang, p.ok) {
            (Lang::De, true) => "Anmeldung mit diesen Einstellungen: bestanden",
            (Lang::En, true) => "Login with these settings: passed",
            (Lang::De, false) => "Anmeldung mit diesen Einstellungen: FEHLGESCHLAGEN",
            (Lang::En, false) => "Login with these settings: FAILED",
        };
        s.push_str(verdict);
        s.push('\n');
        for n in &p.not_tested {
            s.push_str(&format!("  {n}\n"));
        }
    }
    s
}
