//! The shape every entity command shares — `list|show|add|edit|rm`, lookup by name, a table or
//! `--json`, field errors named by their option — written once; an entity says only what differs.

use crate::common::find;
use crate::{fmt, Output};
use clap::{Args, Subcommand};
use mailbox_admin_core::app::Removed;
use mailbox_admin_core::error::Entity;
use mailbox_admin_core::model::*;
use mailbox_admin_core::{ApiError, App, Error};
use serde::Serialize;

type Core<T> = Result<T, Error>;
pub type R<T> = Result<T, ApiError>;

/// A kind of record as the core keeps it: how to list, read and delete one.
pub trait Record {
    const ENTITY: Entity;
    type Item: Serialize;
    fn list(app: &App, search: &str) -> Core<Vec<Self::Item>>;
    fn get(app: &App, id: i64) -> Core<Self::Item>;
    fn delete(app: &App, id: i64, version: Option<i64>) -> Core<Removed>;
    /// Id, version and the name users know the record by.
    fn key(item: &Self::Item) -> (i64, i64, &str);
}

/// A record created and changed through an input.
pub trait Editable: Record {
    type Input: for<'a> From<&'a Self::Item>;
    type Saved: Stored<Item = Self::Item>;
    fn create(app: &App, input: &Self::Input) -> Core<Self::Saved>;
    fn update(app: &App, id: i64, version: i64, input: &Self::Input) -> Core<Self::Saved>;
}

/// What a save returns: the record alone, or with warnings (`Saved`).
pub trait Stored: Serialize {
    type Item;
    fn item(&self) -> &Self::Item;
    fn warnings(&self) -> Vec<ApiError>;
}

impl<T: Serialize> Stored for Saved<T> {
    type Item = T;
    fn item(&self) -> &T {
        &self.item
    }
    fn warnings(&self) -> Vec<ApiError> {
        self.warnings.clone()
    }
}

macro_rules! plain_saves {
    ($($t:ty),*) => { $(
        impl Stored for $t {
            type Item = $t;
            fn item(&self) -> &$t { self }
            fn warnings(&self) -> Vec<ApiError> { Vec::new() }
        }
    )* };
}
plain_saves!(Company, User, Group, Employee);

/// One line per entity: the core's functions for it. `label` is the field users name it by.
macro_rules! records {
    ($($marker:ident: $item:ty, $entity:ident, $label:ident,
       $list:ident, $get:ident, $delete:ident
       $(, $input:ty => $saved:ty, $create:ident, $update:ident)?;)*) => { $(
        pub struct $marker;
        impl Record for $marker {
            const ENTITY: Entity = Entity::$entity;
            type Item = $item;
            fn list(app: &App, search: &str) -> Core<Vec<$item>> { app.$list(search) }
            fn get(app: &App, id: i64) -> Core<$item> { app.$get(id) }
            fn delete(app: &App, id: i64, version: Option<i64>) -> Core<Removed> {
                app.$delete(id, version)
            }
            fn key(item: &$item) -> (i64, i64, &str) { (item.id, item.version, &item.$label) }
        }
        $(impl Editable for $marker {
            type Input = $input;
            type Saved = $saved;
            fn create(app: &App, input: &$input) -> Core<$saved> { app.$create(input) }
            fn update(app: &App, id: i64, version: i64, input: &$input) -> Core<$saved> {
                app.$update(id, version, input)
            }
        })?
    )* };
}

#[rustfmt::skip]
records! {
    Servers: IncomingServer, IncomingServer, name, list_servers, get_server, delete_server,
        ServerInput => Saved<IncomingServer>, create_server, update_server;
    Outgoing: OutgoingServer, OutgoingServer, name, list_outgoing, get_outgoing, delete_outgoing,
        OutgoingInput => Saved<OutgoingServer>, create_outgoing, update_outgoing;
    Accounts: Account, Account, name, list_accounts, get_account, delete_account,
        AccountInput => Saved<Account>, create_account, update_account;
    Companies: Company, Company, name, list_companies, get_company, delete_company,
        CompanyInput => Company, create_company, update_company;
    Users: User, User, login, list_users, get_user, delete_user,
        UserInput => User, create_user, update_user;
    Groups: Group, Group, name, list_groups, get_group, delete_group_refusing,
        GroupInput => Group, create_group, update_group;
    Employees: Employee, Employee, name, list_employees, get_employee, delete_employee,
        EmployeeInput => Employee, create_employee, update_employee;
    Calendars: CalendarAccount, CalendarAccount, name, list_calendars, get_calendar,
        delete_calendar, CalendarInput => Saved<CalendarAccount>, create_calendar, update_calendar;
    Providers: OauthProvider, OauthProvider, name, list_oauth_providers, get_oauth_provider,
        delete_oauth_provider, OauthProviderInput => Saved<OauthProvider>, create_oauth_provider,
        update_oauth_provider;
    Certificates: Certificate, Certificate, name, list_certificates, get_certificate,
        delete_certificate;
    Templates: Template, Template, name, list_templates, get_template, delete_template;
    Devices: MobileDevice, MobileDevice, name, list_mobile_devices, get_mobile_device,
        delete_mobile_device;
}

/// `delete_group` wants to know what happens to the group's shared mailboxes; the plain
/// delete refuses while there are any (`group rm` says how to choose).
trait GroupDelete {
    fn delete_group_refusing(&self, id: i64, version: Option<i64>) -> Core<Removed>;
}

impl GroupDelete for App {
    fn delete_group_refusing(&self, id: i64, version: Option<i64>) -> Core<Removed> {
        self.delete_group(id, version, MailboxFate::Refuse)
    }
}

/// The subcommand texts of an entity's `--help`, where it has its own.
#[derive(Default)]
pub struct Help {
    pub list: Option<&'static str>,
    pub show: Option<&'static str>,
    pub add: Option<&'static str>,
    pub edit: Option<&'static str>,
    pub rm: Option<&'static str>,
}

impl Help {
    pub const NONE: Help = Help {
        list: None,
        show: None,
        add: None,
        edit: None,
        rm: None,
    };
}

// `list [--search TEXT]` (no doc comment: it would become the help of `list`).
#[derive(Args)]
pub struct Search {
    #[arg(long, short, default_value = "")]
    pub search: String,
}

/// No options beside the name.
#[derive(Args)]
pub struct NoArgs {}

/// Options that change an input: an entity's fields, what `add` and `edit` share.
pub trait Fill<I>: Args {
    fn fill(self, app: &App, input: &mut I) -> R<()>;
}

/// `add`'s options: a whole new input.
pub trait Build<I>: Args {
    fn build(self, app: &App) -> R<I>;
}

/// Inputs named by `--name`.
pub trait Named: Default {
    fn name(&mut self) -> &mut String;
}

/// Inputs with a password (`--clear-password` forgets it).
pub trait Login {
    fn password(&mut self) -> &mut SecretUpdate;
}

/// Inputs with a port (`--default-port` derives it again).
pub trait Port {
    fn port(&mut self) -> &mut Option<i64>;
}

/// Implements the input traits above, each for the inputs listed after it.
macro_rules! input_traits {
    ($($tr:ident :: $f:ident -> $t:ty: $($input:ty),*;)*) => {
        $($(impl $tr for $input {
            fn $f(&mut self) -> &mut $t { &mut self.$f }
        })*)*
    };
}

input_traits! {
    Named::name -> String: ServerInput, OutgoingInput, AccountInput, CalendarInput,
        OauthProviderInput, CompanyInput, GroupInput, EmployeeInput;
    Login::password -> SecretUpdate: ServerInput, OutgoingInput, AccountInput, CalendarInput;
    Port::port -> Option<i64>: ServerInput, OutgoingInput;
}

/// `add --name NAME [fields]`.
#[derive(Args)]
pub struct AddArgs<F: Args> {
    #[arg(long)]
    name: String,
    #[command(flatten)]
    f: F,
}

impl<I: Named, F: Fill<I>> Build<I> for AddArgs<F> {
    fn build(self, app: &App) -> R<I> {
        let mut input = I::default();
        *input.name() = self.name;
        self.f.fill(app, &mut input)?;
        Ok(input)
    }
}

/// `add --name NAME [--template NAME] [fields]`: a new record that starts from a saved
/// template of its kind; the given options change it.
#[derive(Args)]
pub struct TemplatedAdd<F: Args> {
    #[arg(long)]
    name: String,
    /// Start from this saved template (name or number, `mbadmin template list`); the other
    /// options change what it says.
    #[arg(long)]
    template: Option<String>,
    /// Test the new record as given first (its steps on stderr); it is saved only when the
    /// test passes — the window's test before saving. Always so while the setting
    /// `save_only_tested` is on (`mbadmin settings set --save-only-tested true`).
    #[arg(long)]
    test_first: bool,
    /// With --test-first: also trust these CA certificates (PEM file; repeatable).
    #[arg(long, value_name = "PATH", requires = "test_first")]
    ca_file: Vec<std::path::PathBuf>,
    #[command(flatten)]
    f: F,
}

impl<F: Args> TemplatedAdd<F> {
    /// The input: `start`, else the template's, else the defaults — then the options; with
    /// --test-first only when its test passes.
    fn build_from<I: Named + TemplateData + crate::drafts::DraftTest>(
        self,
        app: &App,
        start: Option<I>,
    ) -> R<I>
    where
        F: Fill<I>,
    {
        let mut input = match (start, &self.template) {
            (Some(i), _) => i,
            (None, Some(t)) => app.input_from_template(t).map_err(|e| app.api_error(&e))?,
            (None, None) => I::default(),
        };
        *input.name() = self.name;
        self.f.fill(app, &mut input)?;
        if self.test_first || crate::drafts::save_only_tested(app, &input)? {
            crate::drafts::test_before_save(app, &input, &self.ca_file, self.test_first)?;
        }
        Ok(input)
    }
}

impl<I: Named + TemplateData + crate::drafts::DraftTest, F: Fill<I>> Build<I> for TemplatedAdd<F> {
    fn build(self, app: &App) -> R<I> {
        self.build_from(app, None)
    }
}

/// A server's `add`: also `--preset NAME`, a built-in provider preset.
#[derive(Args)]
pub struct ServerAdd<F: Args> {
    #[command(flatten)]
    add: TemplatedAdd<F>,
    /// Start from a built-in provider preset (`mbadmin template presets`: gmx, webde,
    /// microsoft365, …): its host, port, encryption and sign-in.
    #[arg(long, conflicts_with = "template")]
    preset: Option<String>,
}

/// Inputs a provider preset can fill; `hint` is what the options say about the choice
/// (an incoming server's protocol).
pub trait FromPreset<F>: Sized {
    fn from_preset(p: &Preset, hint: &F) -> Result<Self, Error>;
}

impl<I: Named + TemplateData + FromPreset<F> + crate::drafts::DraftTest, F: Fill<I>> Build<I>
    for ServerAdd<F>
{
    fn build(self, app: &App) -> R<I> {
        let start = match &self.preset {
            Some(name) => Some(
                find_preset(name)
                    .and_then(|p| I::from_preset(&p, &self.add.f))
                    .map_err(|e| app.api_error(&e))?,
            ),
            None => None,
        };
        self.add.build_from(app, start)
    }
}

impl<F> FromPreset<F> for OutgoingInput {
    fn from_preset(p: &Preset, _: &F) -> Result<Self, Error> {
        Ok(p.outgoing_input())
    }
}

/// `edit TARGET [--name NEW] [fields]`.
#[derive(Args)]
pub struct EditArgs<F: Args> {
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    f: F,
}

impl<I: Named, F: Fill<I>> Fill<I> for EditArgs<F> {
    fn fill(self, app: &App, input: &mut I) -> R<()> {
        if let Some(n) = self.name {
            *input.name() = n;
        }
        self.f.fill(app, input)
    }
}

/// An account's or calendar's `edit`: `--clear-password` before the fields.
#[derive(Args)]
pub struct ClearPassword<F: Args> {
    /// Remove the stored password from the keyring.
    #[arg(long, conflicts_with = "password_stdin")]
    clear_password: bool,
    #[command(flatten)]
    f: F,
}

impl<I: Login, F: Fill<I>> Fill<I> for ClearPassword<F> {
    fn fill(self, app: &App, input: &mut I) -> R<()> {
        self.f.fill(app, input)?;
        if self.clear_password {
            *input.password() = SecretUpdate::Clear;
        }
        Ok(())
    }
}

/// A server's `edit`: `--default-port` and `--clear-password` before the fields.
#[derive(Args)]
pub struct ServerEdit<F: Args> {
    /// Restore the port derived from protocol and security.
    #[arg(long, conflicts_with = "port")]
    default_port: bool,
    #[command(flatten)]
    rest: ClearPassword<F>,
}

impl<I: Login + Port, F: Fill<I>> Fill<I> for ServerEdit<F> {
    fn fill(self, app: &App, input: &mut I) -> R<()> {
        self.rest.fill(app, input)?;
        if self.default_port {
            *input.port() = None;
        }
        Ok(())
    }
}

/// An entity on the command line: its options, and where its output differs from the rest.
pub trait Cli: Editable + Sized {
    /// The options of `add` (with the name) and of `edit` (beside the name), `rm`'s extras.
    type Add: Build<Self::Input>;
    type Edit: Fill<Self::Input>;
    type Rm: Args;
    /// Columns of `list` (JSON field names).
    const COLUMNS: &'static [&'static str];
    /// How `show` and `edit|rm` call their argument in usage texts.
    const NAME: &'static str = "NAME";
    const TARGET: &'static str;
    const HELP: Help = Help::NONE;

    fn find(app: &App, name: &str) -> R<Self::Item> {
        lookup::<Self>(app, name)
    }
    fn table(list: &[Self::Item]) -> String {
        fmt::table(list, Self::COLUMNS)
    }
    fn show(_app: &App, item: Self::Item) -> R<Output> {
        Ok(Output::new(&item, fmt::record(&item)))
    }
    /// How a saved record is named in `created: …` / `saved: …`.
    fn summary(item: &Self::Item) -> String {
        Self::key(item).2.to_string()
    }
    fn rm(app: &App, item: Self::Item, _args: Self::Rm) -> R<Output> {
        remove::<Self>(app, &item)
    }
}

#[derive(Subcommand)]
pub enum Crud<E: Cli> {
    #[command(alias = "ls", about = E::HELP.list)]
    List(Search),
    #[command(about = E::HELP.show)]
    Show {
        #[arg(value_name = E::NAME)]
        name: String,
    },
    #[command(about = E::HELP.add)]
    Add(E::Add),
    #[command(about = E::HELP.edit)]
    Edit {
        #[arg(value_name = E::TARGET)]
        target: String,
        #[command(flatten)]
        args: E::Edit,
    },
    #[command(alias = "remove", alias = "delete", about = E::HELP.rm)]
    Rm {
        #[arg(value_name = E::TARGET)]
        target: String,
        #[command(flatten)]
        args: E::Rm,
    },
}

pub fn run<E: Cli>(app: &App, cmd: Crud<E>) -> R<Output> {
    let err = |e: Error| app.api_error(&e);
    match cmd {
        Crud::List(Search { search }) => {
            let list = E::list(app, &search).map_err(err)?;
            Ok(Output::new(&list, E::table(&list)))
        }
        Crud::Show { name } => E::show(app, E::find(app, &name)?),
        Crud::Add(args) => {
            let input = args.build(app)?;
            Ok(saved::<E, _>(
                E::create(app, &input).map_err(err)?,
                "created",
            ))
        }
        Crud::Edit { target, args } => {
            let cur = E::find(app, &target)?;
            let mut input = E::Input::from(&cur);
            args.fill(app, &mut input)?;
            let (id, version, _) = E::key(&cur);
            let s = E::update(app, id, version, &input).map_err(err)?;
            Ok(saved::<E, _>(s, "saved"))
        }
        Crud::Rm { target, args } => E::rm(app, E::find(app, &target)?, args),
    }
}

/// The record named `name` (or numbered so).
pub fn lookup<E: Record>(app: &App, name: &str) -> R<E::Item> {
    E::get(app, find(app, E::ENTITY, name)?).map_err(|e| app.api_error(&e))
}

pub fn list<E: Record>(app: &App, search: &str, columns: &[&str]) -> R<Output> {
    let list = E::list(app, search).map_err(|e| app.api_error(&e))?;
    Ok(Output::new(&list, fmt::table(&list, columns)))
}

/// Deletes `item` unless someone changed it since it was read.
pub fn remove<E: Record>(app: &App, item: &E::Item) -> R<Output> {
    let (id, version, name) = E::key(item);
    let removed = E::delete(app, id, Some(version)).map_err(|e| app.api_error(&e))?;
    Output::removed(removed, name)
}

/// `created: NAME` / `saved: NAME`, with the save's warnings (exit code 3).
pub fn saved<E: Cli, S: Stored<Item = E::Item>>(s: S, verb: &str) -> Output {
    let mut out = Output::new(&s, format!("{verb}: {}", E::summary(s.item())));
    out.warnings = s.warnings();
    out
}

/// Copies every option given (`Some`) into its input field, converted where a function is
/// named: `set!(args => input; opt => field, port => port(Some))`.
macro_rules! set {
    ($from:expr => $to:expr; $($f:ident => $t:ident $(($conv:expr))?),* $(,)?) => {
        $(if let Some(v) = $from.$f { $to.$t = $(($conv))?(v); })*
    };
}
pub(crate) use set;

/// Resolves every reference option given (names, `none`) into its input field:
/// `set_refs!(app, args => input; opt => field: opt_ref(Company), users => user_ids: refs(User))`.
macro_rules! set_refs {
    ($app:expr, $from:expr => $to:expr; $($f:ident => $t:ident: $how:ident($e:ident)),* $(,)?) => {
        $(if let Some(v) = &$from.$f {
            $to.$t = $crate::common::$how($app, mailbox_admin_core::error::Entity::$e, v)?;
        })*
    };
}
pub(crate) use set_refs;
