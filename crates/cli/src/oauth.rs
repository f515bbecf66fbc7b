//! `mbadmin oauth provider list|show|add|edit|rm|defaults`, `mbadmin oauth connect ACCOUNT
//! --device|--browser|--app`, `mbadmin oauth status ACCOUNT`, `mbadmin oauth disconnect ACCOUNT`.

use crate::common::mirror;
use crate::common::{find, stdin_secret};
use crate::crud::set;
use crate::crud::{self, AddArgs, Cli, Crud, EditArgs, Fill, Help, NoArgs, Providers, R};
use crate::probe::block_on;
use crate::Output;
use clap::{Args, Subcommand};
use mailbox_admin_core::app::oauth::{ConnectEvent, ConnectOptions, OauthStatus};
use mailbox_admin_core::error::Entity;
use mailbox_admin_core::model::*;
use mailbox_admin_core::probe::CancellationToken;
use mailbox_admin_core::{ApiError, App, Lang};

#[derive(Args)]
pub struct OauthArgs {
    /// Also trust these CA certificates for the provider's HTTPS (PEM file; repeatable),
    /// e.g. a company CA; `MAILBOX_ADMIN_EXTRA_CA` names such files for every command.
    #[arg(long, global = true, value_name = "PATH")]
    pub ca_file: Vec<std::path::PathBuf>,
    #[command(subcommand)]
    pub cmd: Cmd,
}

#[derive(Subcommand)]
pub enum Cmd {
    /// OAuth providers (Microsoft 365, Google, OpenID Connect).
    #[command(subcommand)]
    Provider(Box<Crud<Providers>>),
    /// Connect an account: device code (default), system browser, or app-only.
    Connect {
        account: String,
        /// Device code flow: shows a code to enter on any device with a browser.
        #[arg(long, conflicts_with_all = ["browser", "app"])]
        device: bool,
        /// Authorization code flow in the system browser (loopback redirect).
        #[arg(long, conflicts_with = "app")]
        browser: bool,
        /// Client credentials (app-only, service mailboxes); needs the client secret.
        #[arg(long)]
        app: bool,
        /// The provider (default: the one of the account's servers, or the only one).
        #[arg(long)]
        provider: Option<String>,
        /// Seconds to wait for the browser.
        #[arg(long, default_value_t = 300)]
        wait: u32,
    },
    /// Who consented, granted scopes, token expiry.
    Status { account: String },
    /// Revoke (where the provider can) and forget the account's tokens.
    Disconnect { account: String },
}

/// `provider add`: the kind comes first, `--defaults` depends on it.
#[derive(Args)]
pub struct KindFields {
    #[arg(long)]
    kind: KindArg,
    #[command(flatten)]
    f: Fields,
}

impl Fill<OauthProviderInput> for KindFields {
    fn fill(self, app: &App, i: &mut OauthProviderInput) -> R<()> {
        i.kind = self.kind.into();
        self.f.fill(app, i)
    }
}

#[derive(Args)]
pub struct EditFields {
    #[arg(long)]
    kind: Option<KindArg>,
    #[arg(long, conflicts_with = "secret_stdin")]
    clear_secret: bool,
    #[command(flatten)]
    f: Fields,
}

impl Fill<OauthProviderInput> for EditFields {
    fn fill(self, app: &App, i: &mut OauthProviderInput) -> R<()> {
        set!(self => i; kind => kind(Into::into));
        self.f.fill(app, i)?;
        if self.clear_secret {
            i.client_secret = SecretUpdate::Clear;
        }
        Ok(())
    }
}

mirror!(KindArg => ProviderKind {
    Microsoft365,
    Google,
    Oidc,
});

#[derive(Args)]
pub struct Fields {
    /// Microsoft 365: tenant id or domain.
    #[arg(long)]
    tenant: Option<String>,
    /// OpenID Connect discovery URL (or issuer).
    #[arg(long)]
    discovery_url: Option<String>,
    #[arg(long)]
    authorization_endpoint: Option<String>,
    #[arg(long)]
    token_endpoint: Option<String>,
    #[arg(long)]
    device_endpoint: Option<String>,
    #[arg(long)]
    revocation_endpoint: Option<String>,
    #[arg(long)]
    client_id: Option<String>,
    /// Read the client secret from standard input.
    #[arg(long)]
    secret_stdin: bool,
    /// Delegated scopes, space-separated.
    #[arg(long)]
    scopes: Option<String>,
    /// Scopes of app-only tokens (client credentials).
    #[arg(long)]
    app_scopes: Option<String>,
    /// OpenID Connect: the mail servers its tokens may be sent to, comma-separated (empty:
    /// the servers in the domain of its token endpoint).
    #[arg(long, value_name = "HOST,HOST")]
    token_hosts: Option<String>,
    /// Fill the provider's standard endpoints and scopes (OpenID Connect: by discovery).
    #[arg(long)]
    defaults: bool,
}

impl Fill<OauthProviderInput> for Fields {
    fn fill(self, app: &App, i: &mut OauthProviderInput) -> R<()> {
        let set = |slot: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *slot = v;
            }
        };
        set(&mut i.tenant_id, self.tenant);
        set(&mut i.discovery_url, self.discovery_url);
        if self.defaults {
            let cancel = CancellationToken::new();
            *i = block_on(&cancel, app.oauth_provider_defaults(i))?
                .map_err(|e| app.api_error(&e))?;
        }
        set(&mut i.authorization_endpoint, self.authorization_endpoint);
        set(&mut i.token_endpoint, self.token_endpoint);
        set(&mut i.device_endpoint, self.device_endpoint);
        set(&mut i.revocation_endpoint, self.revocation_endpoint);
        set(&mut i.client_id, self.client_id);
        set(&mut i.scopes, self.scopes);
        set(&mut i.app_scopes, self.app_scopes);
        if let Some(hosts) = self.token_hosts {
            i.token_hosts = vec![hosts];
        }
        if self.secret_stdin {
            i.client_secret = SecretUpdate::set(stdin_secret()?);
        }
        Ok(())
    }
}

fn status_text(lang: Lang, s: &OauthStatus) -> String {
    let de = lang == Lang::De;
    let Some(c) = &s.connection else {
        return if de {
            format!("{}: nicht verbunden", s.account_name)
        } else {
            format!("{}: not connected", s.account_name)
        };
    };
    let mut lines = vec![
        format!(
            "{}: {} {} ({})",
            s.account_name,
            if de {
                "verbunden über"
            } else {
                "connected through"
            },
            c.provider_name,
            c.flow.as_str()
        ),
        format!(
            "  {} {}",
            if de {
                "zugestimmt von:"
            } else {
                "consented by:"
            },
            c.subject
        ),
        format!("  scopes:        {}", c.scopes),
        format!(
            "  {} {}",
            if de {
                "läuft ab:     "
            } else {
                "expires:      "
            },
            c.expires_at.as_deref().unwrap_or("-")
        ),
        format!(
            "  refresh token: {}",
            if c.has_refresh_token { "yes" } else { "no" }
        ),
    ];
    if !s.missing_scopes.is_empty() {
        lines.push(format!(
            "  {} {}",
            if de {
                "FEHLENDE Scopes:"
            } else {
                "MISSING scopes:"
            },
            s.missing_scopes.join(" ")
        ));
    }
    lines.join("\n")
}

pub fn run(app: &App, cmd: Cmd, json: bool) -> Result<Output, ApiError> {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    let lang = app.lang();
    match cmd {
        Cmd::Provider(p) => crud::run(app, *p),
        Cmd::Status { account } => {
            let id = find(app, Entity::Account, &account)?;
            let s = app.oauth_status(id).map_err(err)?;
            Ok(Output::new(&s, status_text(lang, &s)))
        }
        Cmd::Disconnect { account } => {
            let id = find(app, Entity::Account, &account)?;
            let cancel = CancellationToken::new();
            let d = block_on(&cancel, app.oauth_disconnect(id))?.map_err(err)?;
            let human = match (lang, d.revoked) {
                (Lang::De, true) => "getrennt; Token beim Anbieter widerrufen",
                (Lang::De, false) => "getrennt; Token vergessen (Anbieter ohne Widerruf)",
                (_, true) => "disconnected; token revoked at the provider",
                (_, false) => "disconnected; tokens forgotten (provider cannot revoke)",
            };
            let mut out = Output::new(&d, human.to_string());
            out.warnings = d.warnings.clone();
            Ok(out)
        }
        Cmd::Connect {
            account,
            device: _,
            browser,
            app: app_only,
            provider,
            wait,
        } => {
            let id = find(app, Entity::Account, &account)?;
            let provider_id = match provider {
                Some(p) => Some(find(app, Entity::OauthProvider, &p)?),
                None => None,
            };
            let flow = if app_only {
                OauthFlow::ClientCredentials
            } else if browser {
                OauthFlow::AuthorizationCode
            } else {
                OauthFlow::DeviceCode
            };
            let opts = ConnectOptions {
                flow,
                provider_id,
                wait_secs: Some(wait),
            };
            // Instructions go to stderr, so that --json output stays one document.
            let show = move |e: ConnectEvent| match e {
                ConnectEvent::DeviceCode {
                    user_code,
                    verification_uri,
                    verification_uri_complete,
                    expires_in,
                    message,
                } => {
                    if json {
                        eprintln!(
                            "{}",
                            serde_json::json!({ "user_code": user_code, "verification_uri": verification_uri,
                                "verification_uri_complete": verification_uri_complete, "expires_in": expires_in })
                        );
                    } else if let Some(m) = message {
                        eprintln!("{m}");
                    } else if lang == Lang::De {
                        eprintln!(
                            "Im Browser {verification_uri} öffnen und den Code {user_code} eingeben (gültig {expires_in} s)."
                        );
                    } else {
                        eprintln!(
                            "Open {verification_uri} in a browser and enter the code {user_code} (valid {expires_in} s)."
                        );
                    }
                    if let (false, Some(c)) = (json, verification_uri_complete) {
                        eprintln!("  {c}");
                    }
                }
                ConnectEvent::OpenBrowser { url } => {
                    let opened = std::process::Command::new("xdg-open")
                        .arg(&url)
                        .stdout(std::process::Stdio::null())
                        .stderr(std::process::Stdio::null())
                        .spawn()
                        .is_ok();
                    if lang == Lang::De {
                        eprintln!(
                            "{}Anmeldung im Browser: {url}",
                            if opened {
                                ""
                            } else {
                                "Kein Browser gestartet. "
                            }
                        );
                    } else {
                        eprintln!(
                            "{}Sign in in the browser: {url}",
                            if opened { "" } else { "No browser started. " }
                        );
                    }
                }
                ConnectEvent::Requesting => {}
            };
            let cancel = CancellationToken::new();
            let s =
                block_on(&cancel, app.oauth_connect(id, &opts, &show, &cancel))?.map_err(err)?;
            Ok(Output::new(&s, status_text(lang, &s)))
        }
    }
}

impl Cli for Providers {
    type Add = AddArgs<KindFields>;
    type Edit = EditArgs<EditFields>;
    type Rm = NoArgs;
    const COLUMNS: &'static [&'static str] = &["name", "kind", "client_id", "client_secret"];
    const TARGET: &'static str = "PROVIDER";
    const HELP: Help = Help {
        add: Some("Add a provider; --defaults fills the standard endpoints and scopes"),
        ..Help::NONE
    };
}
