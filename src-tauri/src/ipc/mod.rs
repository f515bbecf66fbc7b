//! The machinery behind the command table in `commands`: the `commands!` macro, the context a
//! command body gets (`Cx`) and the progress stream (`Events`).
//! Our own macro over ts-rs rather than tauri-specta: every IPC type already derives `TS`, so
//! there is no second type system to keep in step and no release-candidate dependency.

#[cfg(test)]
pub mod typescript;

use crate::commands::probe::{Run, Running};
use mailbox_admin_core::App;
use serde::Serialize;
use std::ops::Deref;
use tauri::ipc::{Channel, CommandArg, CommandItem, InvokeError};
use tauri::{AppHandle, Manager, Runtime};

/// Defines the IPC surface once. Each entry
///
/// ```text
/// /// What it does (becomes the TypeScript wrapper's doc comment).
/// name(arg: Type, …) -> Ret = |cx| body;
/// ```
///
/// becomes a Tauri command `name` whose arguments are exactly the listed ones (their camelCase
/// names are the IPC keys) and whose `body`, with `cx: Cx` in scope, evaluates to
/// `Result<Ret, mailbox_admin_core::Error>` (it may `.await`); the error crosses IPC as an
/// `ApiError` in the user's language. The table also yields `handler()` for Tauri and
/// `table()` for the TypeScript generator, so the two cannot disagree.
///
/// The record operations have one shape throughout the core, written once here:
///
/// ```text
/// crud Entity(EntityInput) -> Saved { list: list_x, get: get_x, create: create_x,
///     update: update_x, delete: delete_x }
/// ```
///
/// (any subset of the five) stands for `list_x(query: String) -> Vec<Entity>`,
/// `get_x(id: i64) -> Entity`, `create_x(input: EntityInput) -> Saved`,
/// `update_x(id: i64, version: i64, input: EntityInput) -> Saved` and
/// `delete_x(id: i64, version: i64) -> Removed`, each calling the core method of its name.
macro_rules! commands {
    // Reads the table entry by entry into `[$done]`, the plain form of every command.
    (@munch [$($done:tt)*]) => {
        $crate::ipc::commands!(@expand $($done)*);
    };
    (@munch [$($done:tt)*] crud $e:ident($i:ty) -> $s:ty { $(,)? } $($rest:tt)*) => {
        $crate::ipc::commands!(@munch [$($done)*] $($rest)*);
    };
    (@munch [$($done:tt)*] crud $e:ident($i:ty) -> $s:ty {
        $role:ident: $name:ident $(, $($roles:tt)*)?
    } $($rest:tt)*) => {
        $crate::ipc::commands!(@$role $name $e $i, $s [$($done)*]
            crud $e($i) -> $s { $($($roles)*)? } $($rest)*);
    };
    (@munch [$($done:tt)*]
        $(#[doc = $doc:literal])*
        $name:ident($($args:tt)*) -> $ret:ty = |$cx:ident| $body:expr;
        $($rest:tt)*
    ) => {
        $crate::ipc::commands!(@munch [$($done)* $(#[doc = $doc])* $name($($args)*) -> $ret =
            |$cx| $body;] $($rest)*);
    };

    // The five record operations in their plain form.
    // They touch SQLite and the keyring, which block: they run on the blocking pool, never
    // on the async runtime's threads (`Cx::blocking`).
    (@list $n:ident $e:ident $i:ty, $s:ty [$($done:tt)*] $($k:tt)*) => { $crate::ipc::commands!(
        @munch [$($done)* $n(query: String) -> Vec<$e> =
            |cx| cx.blocking(move |cx| cx.$n(&query)).await;] $($k)*); };
    (@get $n:ident $e:ident $i:ty, $s:ty [$($done:tt)*] $($k:tt)*) => { $crate::ipc::commands!(
        @munch [$($done)* $n(id: i64) -> $e = |cx| cx.blocking(move |cx| cx.$n(id)).await;] $($k)*); };
    (@create $n:ident $e:ident $i:ty, $s:ty [$($done:tt)*] $($k:tt)*) => { $crate::ipc::commands!(
        @munch [$($done)* $n(input: $i) -> $s =
            |cx| cx.blocking(move |cx| cx.$n(&input)).await;] $($k)*); };
    (@update $n:ident $e:ident $i:ty, $s:ty [$($done:tt)*] $($k:tt)*) => { $crate::ipc::commands!(
        @munch [$($done)* $n(id: i64, version: i64, input: $i) -> $s =
            |cx| cx.blocking(move |cx| cx.$n(id, version, &input)).await;] $($k)*); };
    (@delete $n:ident $e:ident $i:ty, $s:ty [$($done:tt)*] $($k:tt)*) => { $crate::ipc::commands!(
        @munch [$($done)* $n(id: i64, version: i64) -> mailbox_admin_core::app::Removed =
            |cx| cx.blocking(move |cx| cx.$n(id, Some(version))).await;] $($k)*); };

    // Every command in its plain form: the Tauri commands, the handler and the table.
    (@expand $(
        $(#[doc = $doc:literal])*
        $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = |$cx:ident| $body:expr;
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            async fn $name(
                handle: tauri::AppHandle,
                $($arg: $ty),*
            ) -> Result<$ret, mailbox_admin_core::ApiError> {
                let $cx = $crate::ipc::Cx::new(handle);
                // A block of its own, so that `?` in a body speaks the core's `Error`.
                let result = async {
                    let result: Result<$ret, mailbox_admin_core::Error> = $body;
                    result
                };
                result.await.map_err(|e| $cx.api_error(&e))
            }
        )*

        /// Every command of the table, for `tauri::Builder::invoke_handler`.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// The table as data: what `ipc::typescript` writes the UI's wrappers from.
        #[cfg(test)]
        pub fn table(cfg: &ts_rs::Config) -> Vec<$crate::ipc::typescript::Command> {
            use $crate::ipc::typescript::{Arg, Command};
            vec![$(Command {
                name: stringify!($name),
                docs: &[$($doc),*],
                args: vec![$((stringify!($arg), <$ty as Arg>::ts(cfg))),*],
                ret: <$ret as ts_rs::TS>::name(cfg),
            }),*]
        }
    };

    ($($table:tt)*) => {
        $crate::ipc::commands!(@munch [] $($table)*);
    };
}
pub(crate) use commands;

/// What a command body sees: the core `App` (by `Deref`), the running tests and the Tauri
/// handle. Taking the handle, not `State`s, keeps every command's signature to its IPC args.
pub struct Cx(AppHandle);

impl Cx {
    pub fn new(handle: AppHandle) -> Self {
        Cx(handle)
    }

    pub fn handle(&self) -> &AppHandle {
        &self.0
    }

    /// Runs a blocking core operation (SQLite, the keyring) on the blocking pool, so that a
    /// keyring waiting for its unlock password never stalls the async runtime's threads.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Cx) -> Result<T, mailbox_admin_core::Error> + Send + 'static,
    ) -> Result<T, mailbox_admin_core::Error> {
        let cx = Cx(self.0.clone());
        tauri::async_runtime::spawn_blocking(move || f(&cx))
            .await
            .map_err(|e| mailbox_admin_core::Error::Database(format!("task failed: {e}")))?
    }

    pub fn running(&self) -> &Running {
        self.0.state::<Running>().inner()
    }

    /// Registers run `id` for `cancel_test` until the returned guard is dropped.
    pub fn run<'a>(&'a self, id: &'a str) -> Run<'a> {
        self.running().start(id)
    }
}

impl Deref for Cx {
    type Target = App;
    fn deref(&self) -> &App {
        self.0.state::<App>().inner()
    }
}

/// A stream of progress messages to the UI: a Tauri `Channel` under a type of our own, so that
/// the generator can tell it from a plain argument (the UI passes a callback for it).
pub struct Events<T>(Channel<T>);

impl<'de, R: Runtime, T> CommandArg<'de, R> for Events<T> {
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        Channel::from_command(command).map(Events)
    }
}

impl<T: Serialize + Clone> Events<T> {
    /// Sends one message. A window closed meanwhile is no error of the work that reports.
    pub fn send(&self, message: T) {
        let _ = self.0.send(message);
    }

    /// The callback form the core's runs take (`&dyn Fn(&T)`).
    pub fn each(&self) -> impl Fn(&T) + Send + Sync + '_
    where
        T: Send + Sync,
    {
        move |m| self.send(m.clone())
    }
}
