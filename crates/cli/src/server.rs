//! `mbadmin server list|show|add|edit|rm`.

use crate::common::{mirror, put};
use crate::crud::{
    set, set_refs, Cli, EditArgs, Fill, FromPreset, Help, NoArgs, ServerAdd, ServerEdit, Servers, R,
};
use crate::Output;
use clap::Args;
use mailbox_admin_core::model::{
    AuthMethod, IncomingServer, Preset, Protocol, SecretUpdate, Security, ServerInput,
};
use mailbox_admin_core::App;

impl Cli for Servers {
    type Add = ServerAdd<FieldArgs>;
    type Edit = EditArgs<ServerEdit<FieldArgs>>;
    type Rm = NoArgs;
    const COLUMNS: &'static [&'static str] = &[];
    const TARGET: &'static str = "SERVER";
    const HELP: Help = Help {
        list: Some("List servers, optionally filtered by a full-text search"),
        show: Some("Show one server (by name or id)"),
        add: Some("Create a server"),
        edit: Some("Change a server (by name or id); only the given options change"),
        rm: Some("Delete a server (refused while an account uses it)"),
    };

    /// By name (exact, case-insensitive) or, failing that, by number.
    fn find(app: &App, name: &str) -> R<IncomingServer> {
        app.find_server(name).map_err(|e| app.api_error(&e))
    }

    fn table(list: &[IncomingServer]) -> String {
        table(list)
    }

    fn show(_app: &App, s: IncomingServer) -> R<Output> {
        Ok(Output::new(&s, details(&s)))
    }

    fn summary(s: &IncomingServer) -> String {
        summary(s)
    }
}

#[derive(Args, Default)]
pub struct FieldArgs {
    /// imap, pop3 or imap-download; fixed after creation.
    #[arg(long)]
    protocol: Option<ProtocolArg>,
    #[command(flatten)]
    endpoint: EndpointArgs,
    #[arg(long)]
    auth: Option<AuthArg>,
    #[arg(long)]
    ntlm_domain: Option<String>,
    /// The OAuth provider for OAuth2 logins (name; `none` to clear).
    #[arg(long)]
    oauth_provider: Option<String>,
    /// Login for a server test without an account.
    #[arg(long)]
    user: Option<String>,
    /// Read the password from standard input (never from the command line).
    #[arg(long)]
    password_stdin: bool,
    /// Allow a password over an unencrypted connection (security "none" only).
    #[arg(long)]
    allow_plaintext: Option<bool>,
    #[command(flatten)]
    tls: TlsArgs,
    /// TLS client certificate (name; with its private key), presented when the server asks
    /// for one; `none` to clear.
    #[arg(long)]
    client_cert: Option<String>,
    #[command(flatten)]
    folders: FolderArgs,
    #[arg(long)]
    folder_deleted: Option<String>,
    /// POP3 / IMAP download: delete mail after fetching.
    #[arg(long)]
    delete_after_fetch: Option<bool>,
    /// POP3 / IMAP download: delete after N days (0 = never).
    #[arg(long, allow_negative_numbers = true)]
    delete_after_days: Option<i64>,
}

/// Where a server is and how long to wait for it: options of incoming and outgoing servers.
#[derive(Args, Default)]
pub struct EndpointArgs {
    /// Host name or IP; `host:port` also sets a manual port.
    #[arg(long)]
    host: Option<String>,
    #[arg(long)]
    security: Option<SecurityArg>,
    /// A manual port (otherwise derived from protocol and security).
    #[arg(long, allow_negative_numbers = true)]
    port: Option<i64>,
    /// Seconds, 1-600.
    #[arg(long, allow_negative_numbers = true)]
    timeout: Option<i64>,
}

impl EndpointArgs {
    pub fn apply(
        self,
        host: &mut String,
        security: &mut Security,
        port: &mut Option<i64>,
        timeout: &mut i64,
    ) {
        put([(self.host, host)]);
        put([(self.security.map(Security::from), security)]);
        put([(self.port.map(Some), port)]);
        put([(self.timeout, timeout)]);
    }
}

/// The special folders, by name: options of incoming servers and accounts.
#[derive(Args, Default)]
pub struct FolderArgs {
    #[arg(long)]
    folder_trash: Option<String>,
    #[arg(long)]
    folder_junk: Option<String>,
    #[arg(long)]
    folder_sent: Option<String>,
}

impl FolderArgs {
    pub fn apply(self, trash: &mut String, junk: &mut String, sent: &mut String) {
        put([
            (self.folder_trash, trash),
            (self.folder_junk, junk),
            (self.folder_sent, sent),
        ]);
    }
}

/// How a server's certificate is checked: the options of incoming and outgoing servers.
#[derive(Args, Default)]
pub struct TlsArgs {
    /// Turn certificate verification off (needs --confirm-insecure).
    #[arg(long)]
    no_verify: bool,
    /// Turn certificate verification back on.
    #[arg(long, conflicts_with = "no_verify")]
    verify: bool,
    #[arg(long)]
    confirm_insecure: bool,
    /// Alternative expected certificate name.
    #[arg(long)]
    alt_name: Option<String>,
    /// Pinned SHA-256 certificate fingerprint.
    #[arg(long)]
    pin: Option<String>,
}

impl TlsArgs {
    pub fn apply(
        self,
        verify: &mut bool,
        confirmed: &mut bool,
        alt: &mut String,
        pin: &mut String,
    ) {
        if self.no_verify {
            *verify = false;
        }
        if self.verify {
            *verify = true;
        }
        if self.confirm_insecure {
            *confirmed = true;
        }
        put([(self.alt_name, alt), (self.pin, pin)]);
    }
}

mirror!(ProtocolArg => Protocol {
    Imap,
    Pop3,
    #[value(alias = "imap_download")] ImapDownload,
});

mirror!(SecurityArg => Security {
    None,
    Starttls,
    #[value(alias = "ssl")] Tls,
    Auto,
});

mirror!(AuthArg => AuthMethod {
    Password,
    #[value(alias = "cram_md5")] CramMd5,
    Oauth2,
    Ntlm,
});

impl Fill<ServerInput> for FieldArgs {
    fn fill(self, app: &App, i: &mut ServerInput) -> R<()> {
        set_refs!(app, self => i; oauth_provider => oauth_provider_id: opt_ref(OauthProvider),
                  client_cert => client_certificate_id: opt_ref(Certificate));
        if self.password_stdin {
            i.password = SecretUpdate::set(crate::common::stdin_secret()?);
        }
        self.tls.apply(
            &mut i.tls_verify,
            &mut i.tls_insecure_confirmed,
            &mut i.tls_alt_name,
            &mut i.tls_pin_sha256,
        );
        if let Some(v) = self.delete_after_days {
            i.pop3_delete_after_days = (v != 0).then_some(v);
        }
        self.endpoint.apply(
            &mut i.host,
            &mut i.security,
            &mut i.port,
            &mut i.timeout_secs,
        );
        self.folders
            .apply(&mut i.folder_trash, &mut i.folder_junk, &mut i.folder_sent);
        set!(self => i; protocol => protocol(Into::into), auth => auth_method(Into::into),
             ntlm_domain => ntlm_domain, user => login_user,
             allow_plaintext => allow_plaintext, folder_deleted => folder_deleted,
             delete_after_fetch => pop3_delete_after_fetch);
        Ok(())
    }
}

/// `--preset` takes the provider's POP3 server with `--protocol pop3`, else its IMAP server.
impl FromPreset<FieldArgs> for ServerInput {
    fn from_preset(p: &Preset, f: &FieldArgs) -> Result<Self, mailbox_admin_core::Error> {
        p.server_input(f.protocol.map_or(Protocol::Imap, Protocol::from))
    }
}

/// The command-line option that sets a `ServerInput` field, for error messages.
pub fn flag_for(field: &str) -> String {
    let flag = match field {
        "timeout_secs" => "timeout",
        "auth_method" => "auth",
        "oauth_provider_id" => "oauth-provider",
        "tenant_id" => "tenant",
        "client_secret" => "secret-stdin",
        "provider_id" => "provider",
        "oauth_mechanism" => "oauth-mechanism",
        "login_user" => "user",
        "password" => "password-stdin",
        "tls_verify" => "no-verify",
        "tls_alt_name" => "alt-name",
        "tls_pin_sha256" => "pin",
        "pop3_delete_after_fetch" => "delete-after-fetch",
        "pop3_delete_after_days" => "delete-after-days",
        // Fields that are not options of their own: say them as they are.
        "import" | "file" | "csv" | "data" | "folders" => return field.to_string(),
        "domain" => return "DOMAIN".to_string(),
        "dkim_selectors" => "dkim-selector",
        "owner" => "owner-user/--owner-group",
        "incoming_server_id" => "incoming",
        "outgoing_server_id" => "outgoing",
        "company_id" => "company",
        "user_ids" => "users",
        "member_ids" => "members",
        "employee_id" => "employee",
        "default_outgoing_server_id" => "default-outgoing",
        "smime_certificate_id" => "smime-cert",
        "client_certificate_id" => "client-cert",
        "sender_address" => "sender",
        "certificate" => "sign",
        "fetch_interval_minutes" => "fetch-interval",
        "detect_budget_secs" => "detect-budget",
        "address" => return "address".to_string(),
        other => return format!("--{}", other.replace('_', "-")),
    };
    format!("--{flag}")
}

fn summary(s: &IncomingServer) -> String {
    format!(
        "{} ({} {}:{} {})",
        s.name,
        s.protocol.as_str(),
        s.host,
        s.port,
        s.security.as_str()
    )
}

fn table(list: &[IncomingServer]) -> String {
    let header = ["NAME", "PROTOCOL", "HOST", "PORT", "SECURITY"];
    let mut rows = vec![header.map(String::from).to_vec()];
    for s in list {
        rows.push(vec![
            s.name.clone(),
            s.protocol.as_str().into(),
            s.host.clone(),
            format!("{}{}", s.port, if s.port_manual { "*" } else { "" }),
            s.security.as_str().into(),
        ]);
    }
    let mut out = crate::fmt::grid(&rows);
    if list.iter().any(|s| s.port_manual) {
        out.push_str("* port set by hand\n");
    }
    out
}

fn details(s: &IncomingServer) -> String {
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut lines = vec![
        ("name", s.name.clone()),
        ("id", s.id.to_string()),
        ("version", s.version.to_string()),
        ("protocol", s.protocol.as_str().into()),
        ("host", s.host.clone()),
        ("security", s.security.as_str().into()),
        (
            "port",
            format!(
                "{}{}",
                s.port,
                if s.port_manual {
                    " (manual)"
                } else {
                    " (default)"
                }
            ),
        ),
        ("timeout", format!("{} s", s.timeout_secs)),
        ("auth", s.auth_method.as_str().into()),
        ("user", s.login_user.clone()),
        ("password", s.password.as_str().into()),
        ("verify certificate", yes(s.tls_verify).into()),
    ];
    let optional = [
        ("ntlm domain", &s.ntlm_domain),
        ("alt. certificate name", &s.tls_alt_name),
        ("pinned sha-256", &s.tls_pin_sha256),
        ("trash", &s.folder_trash),
        ("junk", &s.folder_junk),
        ("sent", &s.folder_sent),
        ("deleted", &s.folder_deleted),
    ];
    for (k, v) in optional {
        if !v.is_empty() {
            lines.push((k, v.clone()));
        }
    }
    if s.protocol.downloads() {
        lines.push(("delete after fetch", yes(s.pop3_delete_after_fetch).into()));
        if let Some(d) = s.pop3_delete_after_days {
            lines.push(("delete after days", d.to_string()));
        }
    }
    if !s.tls_verify {
        lines.push(("WARNING", "certificate verification is off".into()));
    }
    lines
        .iter()
        .map(|(k, v)| format!("{k:<22} {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}
