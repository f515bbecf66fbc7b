//! `mbadmin outgoing list|show|add|edit|rm`.

use crate::common::{opt_ref, stdin_secret};
use crate::crud::{set, Cli, NoArgs, Outgoing, R};
use crate::server::SecurityArg;
use clap::{Args, ValueEnum};
use mailbox_admin_core::error::Entity;
use mailbox_admin_core::model::*;
use mailbox_admin_core::{ApiError, App};

#[derive(Args)]
pub struct AddArgs {
    #[arg(long)]
    name: String,
    #[command(flatten)]
    f: Fields,
}

#[derive(Args)]
pub struct EditArgs {
    #[arg(long)]
    name: Option<String>,
    #[arg(long, conflicts_with = "port")]
    default_port: bool,
    #[arg(long, conflicts_with = "password_stdin")]
    clear_password: bool,
    #[command(flatten)]
    f: Fields,
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
        if let Some(v) = self.security {
            i.security = v.into();
        }
        if let Some(v) = self.port {
            i.port = Some(v);
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
        if let Some(v) = &self.oauth_provider {
            i.oauth_provider_id = opt_ref(app, Entity::OauthProvider, v)?;
        }
        if self.password_stdin {
            i.password = SecretUpdate::Set(stdin_secret()?);
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
        if let Some(v) = self.smime_cert {
            i.smime_certificate_id = opt_ref(app, Entity::Certificate, &v)?;
        }
        if let Some(v) = self.client_cert {
            i.client_certificate_id = opt_ref(app, Entity::Certificate, &v)?;
        }
        set!(self => i; enabled => enabled, host => host, timeout => timeout_secs, user => username,
             ntlm_domain => ntlm_domain, allow_plaintext => allow_plaintext,
             sender => sender_address, bcc_to_sender => bcc_to_sender, alt_name => tls_alt_name,
             pin => tls_pin_sha256, smime_sign => smime_sign, smime_encrypt => smime_encrypt,
             default => is_default);
        Ok(())
    }
}

impl Cli for Outgoing {
    type Add = AddArgs;
    type Edit = EditArgs;
    type Rm = NoArgs;
    const COLUMNS: &'static [&'static str] = &[
        "name",
        "kind",
        "host",
        "port",
        "security",
        "enabled",
        "is_default",
    ];
    const TARGET: &'static str = "SERVER";

    fn add(app: &App, a: AddArgs) -> R<OutgoingInput> {
        let mut input = OutgoingInput {
            name: a.name,
            ..Default::default()
        };
        a.f.apply(app, &mut input)?;
        Ok(input)
    }

    fn edit(app: &App, e: EditArgs, input: &mut OutgoingInput) -> R<()> {
        set!(e => input; name => name);
        e.f.apply(app, input)?;
        if e.default_port {
            input.port = None;
        }
        if e.clear_password {
            input.password = SecretUpdate::Clear;
        }
        Ok(())
    }
}
