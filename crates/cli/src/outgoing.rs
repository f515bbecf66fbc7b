//! `mbadmin outgoing list|show|add|edit|rm`.

use crate::common::{find, opt_ref, stdin_secret};
use crate::server::SecurityArg;
use crate::{fmt, Output};
use clap::{Args, Subcommand, ValueEnum};
use mailbox_admin_core::error::Entity;
use mailbox_admin_core::model::*;
use mailbox_admin_core::{ApiError, App};

#[derive(Subcommand)]
pub enum Cmd {
    #[command(alias = "ls")]
    List {
        #[arg(long, short, default_value = "")]
        search: String,
    },
    Show {
        name: String,
    },
    Add {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        f: Fields,
    },
    Edit {
        server: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, conflicts_with = "port")]
        default_port: bool,
        #[arg(long, conflicts_with = "password_stdin")]
        clear_password: bool,
        #[command(flatten)]
        f: Fields,
    },
    #[command(alias = "remove", alias = "delete")]
    Rm {
        server: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum KindArg {
    Smtp,
    #[value(alias = "m365")]
    Microsoft365,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ViaArg {
    Smtp,
    Graph,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AuthArg {
    None,
    Password,
    #[value(alias = "cram_md5")]
    CramMd5,
    Ntlm,
    Oauth2,
}

#[derive(Args)]
pub struct Fields {
    /// smtp or microsoft365.
    #[arg(long)]
    kind: Option<KindArg>,
    /// Microsoft 365: send by smtp (XOAUTH2) or graph.
    #[arg(long)]
    send_via: Option<ViaArg>,
    /// A disabled server is stored without checking that it is complete.
    #[arg(long)]
    enabled: Option<bool>,
    /// Host name or IP; `host:port` also sets a manual port.
    #[arg(long)]
    host: Option<String>,
    #[arg(long)]
    security: Option<SecurityArg>,
    #[arg(long, allow_negative_numbers = true)]
    port: Option<i64>,
    #[arg(long, allow_negative_numbers = true)]
    timeout: Option<i64>,
    #[arg(long)]
    auth: Option<AuthArg>,
    #[arg(long)]
    user: Option<String>,
    #[arg(long)]
    ntlm_domain: Option<String>,
    /// The OAuth provider for OAuth2 logins (name; `none` to clear).
    #[arg(long)]
    oauth_provider: Option<String>,
    /// Read the password from standard input.
    #[arg(long)]
    password_stdin: bool,
    #[arg(long)]
    allow_plaintext: Option<bool>,
    /// Absenderadresse.
    #[arg(long)]
    sender: Option<String>,
    #[arg(long)]
    bcc_to_sender: Option<bool>,
    #[arg(long)]
    no_verify: bool,
    #[arg(long, conflicts_with = "no_verify")]
    verify: bool,
    #[arg(long)]
    confirm_insecure: bool,
    #[arg(long)]
    alt_name: Option<String>,
    #[arg(long)]
    pin: Option<String>,
    #[arg(long)]
    smime_sign: Option<bool>,
    #[arg(long)]
    smime_encrypt: Option<bool>,
    /// Certificate (name) for S/MIME, or `none`.
    #[arg(long)]
    smime_cert: Option<String>,
    /// TLS client certificate (name), or `none`.
    #[arg(long)]
    client_cert: Option<String>,
    /// Make this the installation's default outgoing server.
    #[arg(long)]
    default: Option<bool>,
}

impl Fields {
    fn apply(self, app: &App, i: &mut OutgoingInput) -> Result<(), ApiError> {
        if let Some(v) = self.kind {
            i.kind = match v {
                KindArg::Smtp => OutgoingKind::Smtp,
                KindArg::Microsoft365 => OutgoingKind::Microsoft365,
            };
        }
        if let Some(v) = self.send_via {
            i.m365_send_via = match v {
                ViaArg::Smtp => M365SendVia::Smtp,
                ViaArg::Graph => M365SendVia::Graph,
            };
        }
        if let Some(v) = self.enabled {
            i.enabled = v;
        }
        if let Some(v) = self.host {
            i.host = v;
        }
        if let Some(v) = self.security {
            i.security = v.into();
        }
        if let Some(v) = self.port {
            i.port = Some(v);
        }
        if let Some(v) = self.timeout {
            i.timeout_secs = v;
        }
        if let Some(v) = self.auth {
            i.auth_method = match v {
                AuthArg::None => SmtpAuth::None,
                AuthArg::Password => SmtpAuth::Password,
                AuthArg::CramMd5 => SmtpAuth::CramMd5,
                AuthArg::Ntlm => SmtpAuth::Ntlm,
                AuthArg::Oauth2 => SmtpAuth::Oauth2,
            };
        }
        if let Some(v) = self.user {
            i.username = v;
        }
        if let Some(v) = self.ntlm_domain {
            i.ntlm_domain = v;
        }
        if let Some(v) = &self.oauth_provider {
            i.oauth_provider_id = opt_ref(app, Entity::OauthProvider, v)?;
        }
        if self.password_stdin {
            i.password = SecretUpdate::set(stdin_secret()?);
        }
        if let Some(v) = self.allow_plaintext {
            i.allow_plaintext = v;
        }
        if let Some(v) = self.sender {
            i.sender_address = v;
        }
        if let Some(v) = self.bcc_to_sender {
            i.bcc_to_sender = v;
        }
        if self.no_verify {
            i.tls_verify = false;
        }
        if self.verify {
            i.tls_verify = true;
        }
        if self.confirm_insecure {
            i.tls_insecure_confirmed = true;
        }
        if let Some(v) = self.alt_name {
            i.tls_alt_name = v;
        }
        if let Some(v) = self.pin {
            i.tls_pin_sha256 = v;
        }
        if let Some(v) = self.smime_sign {
            i.smime_sign = v;
        }
        if let Some(v) = self.smime_encrypt {
            i.smime_encrypt = v;
        }
        if let Some(v) = self.smime_cert {
            i.smime_certificate_id = opt_ref(app, Entity::Certificate, &v)?;
        }
        if let Some(v) = self.client_cert {
            i.client_certificate_id = opt_ref(app, Entity::Certificate, &v)?;
        }
        if let Some(v) = self.default {
            i.is_default = v;
        }
        Ok(())
    }
}

const COLUMNS: &[&str] = &[
    "name",
    "kind",
    "host",
    "port",
    "security",
    "enabled",
    "is_default",
];

pub fn run(app: &App, cmd: Cmd) -> Result<Output, ApiError> {
    let err = |e: mailbox_admin_core::Error| app.api_error(&e);
    match cmd {
        Cmd::List { search } => {
            let list = app.list_outgoing(&search).map_err(err)?;
            Ok(Output::new(&list, fmt::table(&list, COLUMNS)))
        }
        Cmd::Show { name } => {
            let s = app
                .get_outgoing(find(app, Entity::OutgoingServer, &name)?)
                .map_err(err)?;
            Ok(Output::new(&s, fmt::record(&s)))
        }
        Cmd::Add { name, f } => {
            let mut input = OutgoingInput {
                name,
                ..Default::default()
            };
            f.apply(app, &mut input)?;
            Output::saved(app.create_outgoing(&input).map_err(err)?, "created")
        }
        Cmd::Edit {
            server,
            name,
            default_port,
            clear_password,
            f,
        } => {
            let cur = app
                .get_outgoing(find(app, Entity::OutgoingServer, &server)?)
                .map_err(err)?;
            let mut input = OutgoingInput::from(&cur);
            if let Some(n) = name {
                input.name = n;
            }
            f.apply(app, &mut input)?;
            if default_port {
                input.port = None;
            }
            if clear_password {
                input.password = SecretUpdate::Clear;
            }
            Output::saved(
                app.update_outgoing(cur.id, cur.version, &input)
                    .map_err(err)?,
                "saved",
            )
        }
        Cmd::Rm { server } => {
            let cur = app
                .get_outgoing(find(app, Entity::OutgoingServer, &server)?)
                .map_err(err)?;
            Output::removed(
                app.delete_outgoing(cur.id, Some(cur.version))
                    .map_err(err)?,
                &cur.name,
            )
        }
    }
}
