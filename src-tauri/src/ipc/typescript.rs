//! Writes the UI's side of the command table: the typed wrappers (`commands.ts`), the error
//! codes (`error-codes.ts`) and the Vitest mock (`__mocks__/commands.ts`), all in
//! `ui/src/lib/backend/`. A test regenerates them and fails when the committed files differ
//! (`UPDATE_BINDINGS=1 cargo test -p mailbox-admin bindings` refreshes them).

use super::Events;
use mailbox_admin_core::error::ErrorCode;
use std::collections::BTreeSet;
use std::fmt::Write;
use ts_rs::{Config, TS};

/// One entry of the command table, as `commands!` describes it.
pub struct Command {
    pub name: &'static str,
    pub docs: &'static [&'static str],
    pub args: Vec<(&'static str, ArgType)>,
    pub ret: String,
}

/// An argument's TypeScript type: a value, or a stream the UI receives through a callback.
pub enum ArgType {
    Value(String),
    Events(String),
}

/// How an argument type crosses IPC.
pub trait Arg {
    fn ts(cfg: &Config) -> ArgType;
}

impl<T: TS> Arg for T {
    fn ts(cfg: &Config) -> ArgType {
        ArgType::Value(T::name(cfg))
    }
}

impl<T: TS> Arg for Events<T> {
    fn ts(cfg: &Config) -> ArgType {
        ArgType::Events(T::name(cfg))
    }
}

/// The ts-rs settings of `bindings.ts`, so that the names match.
pub fn config() -> Config {
    Config::new().with_large_int("number")
}

const HEADER: &str = "// Generated from the command table in src-tauri/src/commands/mod.rs by \
                      `ipc::typescript`. Do not\n// edit: run `UPDATE_BINDINGS=1 cargo test -p \
                      mailbox-admin bindings` instead.\n";

/// `list_servers` → `listServers`: Tauri's key for an argument, our name for a wrapper.
fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn quoted(names: &[String]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    format!("[{}]", q.join(", "))
}

/// A command as the wrapper sees it: the arguments the caller passes, and the stream if any.
struct Shape<'a> {
    cmd: &'a Command,
    /// (IPC key, TypeScript type) of the arguments the caller gives.
    params: Vec<(String, &'a str)>,
    /// (IPC key, message type) of the Channel; the wrapper then also makes up `run`.
    events: Option<(String, &'a str)>,
}

impl<'a> Shape<'a> {
    fn of(cmd: &'a Command) -> Self {
        let mut params = Vec::new();
        let mut events = None;
        for (i, (name, ty)) in cmd.args.iter().enumerate() {
            match ty {
                ArgType::Value(t) => params.push((camel(name), t.as_str())),
                ArgType::Events(t) => {
                    assert!(
                        i + 1 == cmd.args.len(),
                        "{}: the Events argument must come last",
                        cmd.name
                    );
                    events = Some((camel(name), t.as_str()));
                }
            }
        }
        if events.is_some() {
            // `streamed` names the run itself and hands the id back for `cancelTest`.
            let run = params
                .iter()
                .position(|(k, t)| k == "run" && *t == "string");
            let run = run.unwrap_or_else(|| {
                panic!("{}: a command with Events needs `run: String`", cmd.name)
            });
            params.remove(run);
        }
        Shape {
            cmd,
            params,
            events,
        }
    }

    /// `()` crosses IPC as `null`; the wrapper promises nothing.
    fn ret(&self) -> &str {
        match self.cmd.ret.as_str() {
            "null" => "void",
            t => t,
        }
    }

    fn function(&self, out: &mut String) {
        let cmd = self.cmd;
        match cmd.docs {
            [] => {}
            [one] => writeln!(out, "/**{one} */").unwrap(),
            lines => {
                out.push_str("/**\n");
                for l in lines {
                    writeln!(out, " *{l}").unwrap();
                }
                out.push_str(" */\n");
            }
        }
        let mut params: Vec<String> = self
            .params
            .iter()
            .map(|(k, t)| format!("{k}: {t}"))
            .collect();
        if let Some((k, t)) = &self.events {
            params.push(format!("{k}: (message: {t}) => void"));
        }
        let ret = match self.events {
            Some(_) => format!("RunningTest<{}>", self.ret()),
            None => format!("Promise<{}>", self.ret()),
        };
        let name = camel(cmd.name);
        let one_line = format!("export function {name}({}): {ret} {{", params.join(", "));
        if one_line.len() <= 100 {
            writeln!(out, "{one_line}").unwrap();
        } else {
            writeln!(out, "export function {name}(").unwrap();
            for p in &params {
                writeln!(out, "  {p},").unwrap();
            }
            writeln!(out, "): {ret} {{").unwrap();
        }
        let keys: Vec<&str> = self.params.iter().map(|(k, _)| k.as_str()).collect();
        let args = format!("{{ {} }}", keys.join(", "));
        match &self.events {
            Some((k, _)) => writeln!(
                out,
                "  return streamed('{}', {args}, '{k}', {k});",
                cmd.name
            ),
            None if keys.is_empty() => writeln!(out, "  return call('{}');", cmd.name),
            None => writeln!(out, "  return call('{}', {args});", cmd.name),
        }
        .unwrap();
        out.push_str("}\n");
    }
}

/// The type names a TypeScript type refers to, to import them from `bindings.ts`.
fn type_names(ts: &str, into: &mut BTreeSet<String>) {
    for word in ts.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        let builtin = matches!(word, "Array" | "Record" | "Partial");
        if word.starts_with(|c: char| c.is_ascii_uppercase()) && !builtin {
            into.insert(word.to_string());
        }
    }
}

/// `commands.ts`: `COMMANDS` (each wrapper's command, argument keys and channel key; the UI's
/// contract test and mock check iterate it) and one typed wrapper per command.
pub fn commands_ts(table: &[Command]) -> String {
    let shapes: Vec<Shape> = table.iter().map(Shape::of).collect();
    let mut types = BTreeSet::new();
    for s in &shapes {
        type_names(&s.cmd.ret, &mut types);
        for (_, t) in s.params.iter().chain(&s.events) {
            type_names(t, &mut types);
        }
    }
    let mut out = String::from(HEADER);
    out.push_str("import type {\n");
    for t in &types {
        writeln!(out, "  {t},").unwrap();
    }
    out.push_str(
        "} from './bindings';\nimport { call, streamed, type RunningTest } from './ipc';\n\n",
    );
    out.push_str(
        "/** Every command by its wrapper's name: the IPC name, the argument keys in order (`run`\n \
         * excluded: `streamed` makes it up) and the key of the progress Channel. */\n\
         export const COMMANDS = {\n",
    );
    for s in &shapes {
        let keys: Vec<String> = s.params.iter().map(|(k, _)| k.clone()).collect();
        let channel = match &s.events {
            Some((k, _)) => format!("'{k}'"),
            None => "null".into(),
        };
        writeln!(
            out,
            "  {}: {{ command: '{}', args: {}, channel: {channel} }},",
            camel(s.cmd.name),
            s.cmd.name,
            quoted(&keys)
        )
        .unwrap();
    }
    out.push_str("} as const;\n");
    for s in &shapes {
        out.push('\n');
        s.function(&mut out);
    }
    out
}

/// The variants of a ts-rs string union, checked against the Rust enum by a round trip.
fn union_members<T: TS + serde::de::DeserializeOwned>(cfg: &Config) -> Vec<String> {
    let inline = T::inline(cfg);
    let members: Vec<String> = inline
        .split('|')
        .map(|m| m.trim().trim_matches('"').to_string())
        .collect();
    for m in &members {
        assert!(
            serde_json::from_value::<T>(serde_json::Value::String(m.clone())).is_ok(),
            "`{m}` from `{inline}` is no variant of {}",
            T::name(cfg)
        );
    }
    members
}

/// `error-codes.ts`: the closed list `isApiError` checks against.
pub fn error_codes_ts(cfg: &Config) -> String {
    let codes = union_members::<ErrorCode>(cfg);
    format!(
        "{HEADER}import type {{ ErrorCode }} from './bindings';\n\n\
         /** Every code an `ApiError` can carry (`ErrorCode` in crates/core/src/error.rs). */\n\
         export const ERROR_CODES: readonly ErrorCode[] = [\n{}];\n",
        codes
            .iter()
            .map(|c| format!("  '{c}',\n"))
            .collect::<String>()
    )
}

/// `__mocks__/commands.ts`: a `vi.fn()` per wrapper, what `vi.mock('$lib/backend')` gives.
pub fn mock_ts(table: &[Command]) -> String {
    let mut out = format!(
        "{HEADER}import {{ vi }} from 'vitest';\nimport type * as Real from '../commands';\n\n"
    );
    for c in table {
        let name = camel(c.name);
        writeln!(out, "export const {name} = vi.fn<typeof Real.{name}>();").unwrap();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn backend(file: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../ui/src/lib/backend")
            .join(file)
    }

    #[test]
    fn ipc_bindings_match_the_committed_files() {
        let cfg = config();
        let table = crate::commands::table(&cfg);
        let files = [
            ("commands.ts", commands_ts(&table)),
            ("error-codes.ts", error_codes_ts(&cfg)),
            ("__mocks__/commands.ts", mock_ts(&table)),
        ];
        let update = std::env::var_os("UPDATE_BINDINGS").is_some();
        let mut stale = Vec::new();
        for (file, fresh) in &files {
            if update {
                std::fs::write(backend(file), fresh).unwrap();
            }
            if std::fs::read_to_string(backend(file)).unwrap_or_default() != *fresh {
                stale.push(*file);
            }
        }
        assert!(
            stale.is_empty(),
            "ui/src/lib/backend/{{{}}} differ from the command table in src-tauri; run \
             `UPDATE_BINDINGS=1 cargo test -p mailbox-admin bindings` and commit them",
            stale.join(",")
        );
    }

    fn command(args: Vec<(&'static str, ArgType)>) -> Command {
        Command {
            name: "watch_it",
            docs: &[" Watches."],
            args,
            ret: "TestReport".into(),
        }
    }

    #[test]
    fn a_streamed_command_takes_a_callback_and_returns_its_run() {
        let cmd = command(vec![
            ("account_id", ArgType::Value("number".into())),
            ("run", ArgType::Value("string".into())),
            ("on_event", ArgType::Events("ProbeEvent".into())),
        ]);
        let ts = commands_ts(&[cmd]);
        assert!(ts.contains(
            "watchIt: { command: 'watch_it', args: ['accountId'], channel: 'onEvent' },"
        ));
        let wrapper =
            "/** Watches. */\nexport function watchIt(\n  accountId: number,\n  onEvent: \
                       (message: ProbeEvent) => void,\n): RunningTest<TestReport> {\n  return \
                       streamed('watch_it', { accountId }, 'onEvent', onEvent);\n}\n";
        assert!(ts.contains(wrapper), "{ts}");
        assert!(ts.contains("  ProbeEvent,\n  TestReport,\n} from './bindings';"));
    }

    #[test]
    #[should_panic(expected = "needs `run: String`")]
    fn a_streamed_command_without_a_run_id_is_refused() {
        commands_ts(&[command(vec![(
            "on_event",
            ArgType::Events("ProbeEvent".into()),
        )])]);
    }

    #[test]
    fn error_codes_are_the_variants_of_the_rust_enum() {
        let ts = error_codes_ts(&config());
        assert!(
            ts.contains("= [\n  'validation',\n  'not_found',\n"),
            "{ts}"
        );
    }
}
