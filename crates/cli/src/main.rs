//! `mbadmin`: Mailbox Admin on the command line. Same database, keyring and engine as the
//! app; every command takes `--json`; the exit code is 0 only on success.

mod server;

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
    /// Incoming servers (E-Mail-Server).
    #[command(subcommand)]
    Server(Box<server::ServerCmd>),
}

/// What a command produced: a value to print, plus warnings that make it a partial success.
pub struct Output {
    pub json: serde_json::Value,
    pub human: String,
    pub warnings: Vec<ApiError>,
}

impl Output {
    pub fn new<T: Serialize>(value: &T, human: String) -> Output {
        Output {
            json: serde_json::to_value(value).expect("serializable"),
            human,
            warnings: Vec::new(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = match cli.lang {
        Some(LangArg::De) => Lang::De,
        Some(LangArg::En) => Lang::En,
        None => Lang::from_env(),
    };
    let db = paths::resolve_db_path(cli.db.clone());
    let result = App::open(&db, lang)
        .map_err(|e| e.to_api(lang))
        .and_then(|app| run(&app, cli.command));
    match result {
        Ok(out) => {
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&out.json).unwrap());
            } else if !out.human.is_empty() {
                println!("{}", out.human.trim_end());
            }
            for w in &out.warnings {
                print_error(w, cli.json, "warning");
            }
            if out.warnings.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(3)
            }
        }
        Err(e) => {
            print_error(&e, cli.json, "error");
            ExitCode::FAILURE
        }
    }
}

/// Human form on stderr, one line per field; with --json also the object on stdout.
fn print_error(e: &ApiError, json: bool, kind: &str) {
    if json {
        let wrapped = serde_json::json!({ kind: e });
        println!("{}", serde_json::to_string_pretty(&wrapped).unwrap());
    }
    if e.fields.is_empty() {
        eprintln!("{kind}: {}", e.message);
    } else {
        for f in &e.fields {
            eprintln!("{kind}: {}: {}", server::flag_for(&f.field), f.message);
        }
    }
}

fn run(app: &App, cmd: Command) -> Result<Output, ApiError> {
    match cmd {
        Command::Info => {
            let info = app.info().map_err(|e| app.api_error(&e))?;
            let human = format!(
                "database: {}\nschema:   {}\nkeyring:  {}\nversion:  {}",
                info.db_path, info.schema_version, info.keyring, info.version
            );
            Ok(Output::new(&info, human))
        }
        Command::Server(c) => server::run(app, *c),
    }
}
