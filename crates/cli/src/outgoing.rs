//! `mbadmin outgoing list|show|add|edit|rm`.

use crate::common::mirror;
use crate::common::stdin_secret;
use crate::crud::{set, set_refs, Cli, EditArgs, Fill, NoArgs, Outgoing, ServerAdd, ServerEdit, R};
use crate::server::{EndpointArgs, TlsArgs};
use clap::Args;
use mailbox_admin_core::model::*;
use mailbox_admin_core::App;

impl Cli for Outgoing {
    type Add = ServerAdd<Fields>;
    type Edit = EditArgs<ServerEdit<Fields>>;
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
}

mirror!(KindArg => OutgoingKind {
    Smtp,
    #[value(alias = "m365")] Microsoft365,
});

mirror!(ViaArg => M365SendVia {
    Smtp,
    Graph,
});

mirror!(AuthArg => SmtpAuth {
    None,
    Password,
    #[value(alias = "cram_md5")] CramMd5,
    Ntlm,
    Oauth2,
});

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
    #[command(flatten)]
    endpoint: EndpointArgs,
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
    /// Senden via Server (Bp Event): the business application sends through this server from
    /// its application server, not from each user's computer. A test from here connects
    /// from this computer: a relay that trusts only the application server's address may
    /// answer it differently.
    #[arg(long)]
    send_via_app_server: Option<bool>,
    #[command(flatten)]
    tls: TlsArgs,
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

impl Fill<OutgoingInput> for Fields {
    fn fill(self, app: &App, i: &mut OutgoingInput) -> R<()> {
        set_refs!(app, self => i; oauth_provider => oauth_provider_id: opt_ref(OauthProvider),
                  smime_cert => smime_certificate_id: opt_ref(Certificate),
                  client_cert => client_certificate_id: opt_ref(Certificate));
        if self.password_stdin {
            i.password = SecretUpdate::set(stdin_secret()?);
        }
        self.tls.apply(
            &mut i.tls_verify,
            &mut i.tls_insecure_confirmed,
            &mut i.tls_alt_name,
            &mut i.tls_pin_sha256,
        );
        self.endpoint.apply(
            &mut i.host,
            &mut i.security,
            &mut i.port,
            &mut i.timeout_secs,
        );
        set!(self => i; kind => kind(Into::into), send_via => m365_send_via(Into::into),
             auth => auth_method(Into::into), enabled => enabled, user => username,
             ntlm_domain => ntlm_domain, allow_plaintext => allow_plaintext,
             sender => sender_address, bcc_to_sender => bcc_to_sender, send_via_app_server => send_via_app_server, smime_sign => smime_sign, smime_encrypt => smime_encrypt,
             default => is_default);
        Ok(())
    }
}
