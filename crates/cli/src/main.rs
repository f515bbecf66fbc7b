//! `mbadmin`: Mailbox Admin on the command line. Same database, keyring and engine as the
//! app; every command takes `--json`; the exit code is 0 only on success.

mod account;
mod calendar;
mod common;
mod crud;
mod detect;
mod domain;
mod drafts;
mod fmt;
mod folders;
mod mobile;
mod oauth;
mod outgoing;
mod people;
mod probe;
mod server;
mod settings;

use clap::{Parser, Subcommand, ValueEnum};
use mailbox_admin_core::{paths, ApiError, App, Lang};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mbadmin",
    version,
    about = "Mailbox Admin: mail set-up of the business application"
)]
struct Cli {
    /// Configuration database (default: $MAILBOX_ADMIN_DB, else the OS data directory).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Machine-readable output on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Language of messages (default: from LANG).
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    De,
    En,
}

#[derive(Subcommand)]
enum Command {
    /// Database path, schema version and keyring in use.
    Info,
    /// Remove keyring entries no record refers to (left by a save killed before its commit;
    /// the window does this at start for entries older than an hour).
    KeyringClean {
        /// Only entries written at least this many seconds ago (a save running in another
        /// process is younger).
        #[arg(long, default_value_t = 3600, value_name = "SECONDS")]
        min_age: i64,
    },
    /// Incoming servers (E-Mail-Server).
    #[command(subcommand)]
    Server(Box<crud::Crud<crud::Servers>>),
    /// Outgoing servers (Postausgangsserver).
    #[command(subcommand)]
    Outgoing(Box<crud::Crud<crud::Outgoing>>),
    /// Mailbox accounts (E-Mail-Konten), personal and shared.
    #[command(subcommand)]
    Account(Box<account::Cmd>),
    /// Companies (Betrieb/Mandant).
    #[command(subcommand)]
    Company(crud::Crud<crud::Companies>),
    /// Users.
    #[command(subcommand)]
    User(people::UserCmd),
    /// Groups and their members.
    #[command(subcommand)]
    Group(crud::Crud<crud::Groups>),
    /// Employees (whose calendars sync).
    #[command(subcommand)]
    Employee(crud::Crud<crud::Employees>),
    /// Outlook / calendar accounts.
    #[command(subcommand)]
    Calendar(Box<crud::Crud<crud::Calendars>>),
    /// The certificate store.
    #[command(subcommand)]
    Cert(settings::CertCmd),
    /// General settings (Allgemeine Einstellungen).
    #[command(subcommand)]
    Settings(settings::SettingsCmd),
    /// Templates (Vorlagen) and provider presets.
    #[command(subcommand)]
    Template(settings::TemplateCmd),
    /// Export the whole configuration as JSON (secrets left out unless --with-secrets).
    Export {
        /// Write to this file (default: standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Include the secrets, encrypted with a passphrase read from standard input.
        #[arg(long)]
        with_secrets: bool,
    },
    /// Import an export; refuses (changing nothing) when names exist, unless --skip-existing.
    Import {
        file: PathBuf,
        #[arg(long)]
        skip_existing: bool,
        /// Read the passphrase of an export with secrets from standard input.
        #[arg(long)]
        passphrase_stdin: bool,
    },
    /// Connection tests (Verbindung testen): each step live, exit code 0 only if all passed.
    Test(probe::TestArgs),
    /// Phones and tablets: Apple profile, QR codes, autoconfig; mobile accounts (Mobile-Konten).
    #[command(subcommand)]
    Mobile(Box<mobile::Cmd>),
    /// OAuth2: providers, and connecting accounts (device code, browser, app-only).
    Oauth(Box<oauth::OauthArgs>),
    /// The mail domain's DNS records (Domain prüfen): why mail lands in spam or bounces.
    #[command(subcommand)]
    Domain(domain::DomainCmd),
    /// Settings from an e-mail address (Einstellungen ermitteln): every source live, the
    /// result with its trust and source; with --password-stdin proven by a login.
    Detect(detect::DetectArgs),
}

/// What a command produced: a value to print, plus warnings that make it a partial success.
pub struct Output {
    pub json: serde_json::Value,
    pub human: String,
    pub warnings: Vec<ApiError>,
    /// Part of the work was refused (e.g. rows of an import): exit code 3.
    pub partial: bool,
    /// The command ran but its check did not pass (a failed connection test): exit code 1.
    pub failed: bool,
}

impl Output {
    pub fn new<T: Serialize>(value: &T, human: String) -> Output {
        Output {
            json: serde_json::to_value(value).expect("serializable"),
            human,
            warnings: Vec::new(),
            partial: false,
            failed: false,
        }
    }

    /// A saved record with its warnings (e.g. the keyring refused the password).
    pub fn saved<T: Serialize>(
        saved: mailbox_admin_core::model::Saved<T>,
        verb: &str,
    ) -> Result<Output, ApiError> {
        let v = serde_json::to_value(&saved.item).expect("serializable");
        let label = v
            .get("name")
            .or_else(|| v.get("login"))
            .and_then(|n| n.as_str())
            .unwrap_or("")
            .to_string();
        let mut out = Output::new(&saved, format!("{verb}: {label}"));
        out.warnings = saved.warnings;
        Ok(out)
    }

    pub fn removed(r: mailbox_admin_core::app::Removed, label: &str) -> Result<Output, ApiError> {
        let mut out = Output::new(&r, format!("deleted: {label}"));
        out.warnings = r.warnings;
        Ok(out)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = match cli.lang {
        Some(LangArg::De) => Lang::De,
        Some(LangArg::En) => Lang::En,
        None => Lang::from_env(),
    };
    if matches!(
        cli.command,
        Command::Test(_) | Command::Oauth(_) | Command::Domain(_) | Command::Detect(_)
    ) {
        // Overlap loading the OS trust store with opening the database and the keyring.
        mailbox_admin_core::tls::warm_up();
    }
    // A connection test that could not run at all (unknown record, nothing to test) exits
    // with 4, apart from a test that ran and failed (1).
    let is_test = matches!(cli.command, Command::Test(_));
    // `mbadmin oauth --ca-file` and `mbadmin test … --ca-file`: the provider's HTTPS trusts
    // these CAs too.
    let extra_roots = match &cli.command {
        Command::Oauth(a) => probe::read_roots(&a.ca_file),
        Command::Test(a) => probe::read_roots(&a.ca_files()),
        Command::Domain(d) => probe::read_roots(&d.ca_files()),
        _ => Ok(Vec::new()),
    };
    let db = paths::resolve_db_path(cli.db.clone());
    let result = extra_roots
        .and_then(|roots| {
            App::open(&db, lang)
                .map(|app| app.with_extra_roots(roots))
                .map_err(|e| e.to_api(lang))
        })
        .and_then(|app| run(&app, cli.command, cli.json));
    match result {
        Ok(out) => {
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&out.json).unwrap());
            } else if !out.human.is_empty() {
                println!("{}", fmt::localize(lang, out.human.trim_end()));
            }
            for w in &out.warnings {
                print_error(w, cli.json, "warning", lang);
            }
            if out.failed {
                ExitCode::FAILURE
            } else if out.warnings.is_empty() && !out.partial {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(3)
            }
        }
        Err(e) => {
            print_error(&e, cli.json, "error", lang);
            if is_test {
                ExitCode::from(4)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Human form on stderr, one line per field; with --json also the object on stdout.
fn print_error(e: &ApiError, json: bool, kind: &str, lang: Lang) {
    if json {
        let wrapped = serde_json::json!({ kind: e });
        println!("{}", serde_json::to_string_pretty(&wrapped).unwrap());
    }
    let word = fmt::word(lang, kind);
    if e.fields.is_empty() {
        eprintln!("{word}: {}", e.message);
    } else {
        for f in &e.fields {
            eprintln!("{word}: {}: {}", server::flag_for(&f.field), f.message);
        }
    }
}

fn run(app: &App, cmd: Command, json: bool) -> Result<Output, ApiError> {
    match cmd {
        Command::Info => {
            let info = app.info().map_err(|e| app.api_error(&e))?;
            let human = format!(
                "database: {}\nschema:   {}\nkeyring:  {}\nversion:  {}",
                info.db_path, info.schema_version, info.keyring, info.version
            );
            Ok(Output::new(&info, human))
        }
        Command::KeyringClean { min_age } => {
            // A keyring error here is about no record and no password being saved.
            let n = app.clean_keyring(min_age).map_err(|e| match e {
                mailbox_admin_core::Error::Secret(s) => ApiError {
                    message: mailbox_admin_core::i18n::tr(
                        app.lang(),
                        "cli.keyring_clean_failed",
                        &[("detail", s.to_string())],
                    ),
                    field: None,
                    fields: Vec::new(),
                    ..app.api_error(&mailbox_admin_core::Error::Secret(s))
                },
                other => app.api_error(&other),
            })?;
            let human = mailbox_admin_core::i18n::tr(
                app.lang(),
                "cli.keyring_cleaned",
                &[("count", n.to_string())],
            );
            Ok(Output::new(&serde_json::json!({ "removed": n }), human))
        }
        Command::Server(c) => crud::run(app, *c),
        Command::Outgoing(c) => crud::run(app, *c),
        Command::Account(c) => account::run(app, *c),
        Command::Company(c) => crud::run(app, c),
        Command::User(c) => people::user(app, c),
        Command::Group(c) => crud::run(app, c),
        Command::Employee(c) => crud::run(app, c),
        Command::Calendar(c) => crud::run(app, *c),
        Command::Cert(c) => settings::cert(app, c),
        Command::Settings(c) => settings::settings(app, c),
        Command::Template(c) => settings::template(app, c),
        Command::Export { out, with_secrets } => settings::export(app, out, with_secrets),
        Command::Import {
            file,
            skip_existing,
            passphrase_stdin,
        } => settings::import(app, file, skip_existing, passphrase_stdin),
        Command::Test(c) => probe::run(app, c, json),
        Command::Oauth(c) => oauth::run(app, c.cmd, json),
        Command::Domain(c) => domain::run(app, c, json),
        Command::Detect(c) => detect::run(app, c, json),
        Command::Mobile(c) => mobile::run(app, *c),
    }
}
