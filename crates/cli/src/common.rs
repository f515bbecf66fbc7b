//! Small helpers shared by the command modules: stdin secrets, name references, lists.

use mailbox_admin_core::error::Entity;
use mailbox_admin_core::{ApiError, App};
use std::io::Read;

/// Reads a secret from standard input (never from the command line, where `ps` shows it).
/// One trailing newline (from `echo`) is not part of it. Typed at a terminal, it is asked
/// for on the terminal with the echo off, so that it neither shows on the screen nor stays
/// in the terminal's scrollback.
pub fn stdin_secret() -> Result<String, ApiError> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Eingabe wird nicht angezeigt / input is not shown: ")
            .map_err(|e| ApiError::internal(format!("reading the terminal: {e}")));
    }
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| ApiError::internal(format!("reading standard input: {e}")))?;
    let s = s.strip_suffix('\n').unwrap_or(&s);
    Ok(s.strip_suffix('\r').unwrap_or(s).to_string())
}

/// A reference by name or id; `none`/`inherit`/empty clears it.
pub fn opt_ref(app: &App, e: Entity, v: &str) -> Result<Option<i64>, ApiError> {
    match v.trim() {
        "" | "none" | "inherit" | "-" => Ok(None),
        n => app.resolve(e, n).map(Some).map_err(|x| app.api_error(&x)),
    }
}

pub fn refs(app: &App, e: Entity, list: &str) -> Result<Vec<i64>, ApiError> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|n| app.resolve(e, n).map_err(|x| app.api_error(&x)))
        .collect()
}

pub fn find(app: &App, e: Entity, name: &str) -> Result<i64, ApiError> {
    app.resolve(e, name).map_err(|x| app.api_error(&x))
}

/// Copies each value given into its field: `put([(args.host, &mut input.host)])`.
pub fn put<T, const N: usize>(given: [(Option<T>, &mut T); N]) {
    for (v, slot) in given {
        if let Some(v) = v {
            *slot = v;
        }
    }
}

/// A value enum of the command line that mirrors a core enum variant by variant, with its
/// conversion: `mirror!(AuthArg => AuthMethod { Password, #[value(alias = "cram_md5")] CramMd5 })`.
macro_rules! mirror {
    ($arg:ident => $core:ident { $($(#[$m:meta])* $v:ident),* $(,)? }) => {
        #[derive(Clone, Copy, clap::ValueEnum)]
        pub enum $arg {
            $($(#[$m])* $v),*
        }

        impl From<$arg> for $core {
            fn from(v: $arg) -> $core {
                match v {
                    $($arg::$v => $core::$v),*
                }
            }
        }
    };
}
pub(crate) use mirror;
