//! Detection as an operation: the general settings and the built-in presets become the
//! detection's configuration, the DNS server is chosen (`--dns-server` > `MAILBOX_ADMIN_DNS` >
//! the setting > the system's), and with a password the found settings are proven by the
//! existing connection test. A result becomes a draft account whose servers reuse existing
//! ones with the same host and port.

use super::App;
use crate::detect::{
    DetectConfig, DetectProgress, DetectResult, DetectedAuth, DetectedProtocol, DetectedServer,
    GuessPorts, KnownProvider,
};
use crate::diag::FieldCode;
use crate::dns::{Dns, DnsServer, DNS_ENV};
use crate::error::{Error, FieldIssue, Result};
use crate::model::{
    presets, AccountInput, AuthMethod, OutgoingInput, Protocol, ServerInput, SmtpAuth,
};
use crate::probe::{self, CancellationToken, ProbeAuth, ProbeProtocol, ProbeTarget, TestPlan};
use crate::sensitive::Secret;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use ts_rs::TS;

/// What the caller adds to the general settings.
#[derive(Debug, Clone, Default)]
pub struct DetectOptions {
    /// With a password: Exchange autodiscover may be asked, and the found settings are
    /// proven by a login.
    pub password: Option<Secret>,
    /// `IP[:PORT]`: overrides `MAILBOX_ADMIN_DNS` and the setting.
    pub dns_server: Option<String>,
    /// The user chose Exchange.
    pub exchange: bool,
    /// Instead of the setting.
    pub budget: Option<Duration>,
    /// The ports guessing tries (default: the standard ones). For networks that map mail
    /// services elsewhere, and for tests whose servers listen on high loopback ports.
    pub guess_ports: Option<GuessPorts>,
}

/// What the window asks for (the IPC form of `DetectOptions`).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct DetectRequest {
    /// With a password the found settings are proven by a login.
    pub password: Option<Secret>,
    /// `IP[:PORT]` instead of `MAILBOX_ADMIN_DNS` and the setting.
    pub dns_server: Option<String>,
    pub exchange: bool,
}

/// One progress message of a detection: a source's outcome, or a step of the login test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DetectProgressEvent {
    Source { event: crate::detect::DetectEvent },
    Step { event: probe::ProbeEvent },
}

/// The login test of the found settings, per server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DetectProof {
    pub incoming: Option<probe::TestReport>,
    pub outgoing: Option<probe::TestReport>,
    /// Every tested server passed.
    pub ok: bool,
    /// Why a server was not tested (e.g. OAuth2 needs a connected account first).
    pub not_tested: Vec<String>,
}

/// A detection and, with a password, its proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DetectOutcome {
    pub result: DetectResult,
    pub proof: Option<DetectProof>,
}

/// The account form filled from a detection: existing servers are referenced by id, new
/// ones come as inputs to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DetectDraft {
    pub account: AccountInput,
    /// An existing incoming server with the same host and port (reused), else `None`.
    pub incoming_server_id: Option<i64>,
    /// A new incoming server to create (when none is reused).
    pub incoming: Option<ServerInput>,
    pub outgoing_server_id: Option<i64>,
    pub outgoing: Option<OutgoingInput>,
}

/// The built-in presets as detection sees them.
pub fn known_providers() -> Vec<KnownProvider> {
    presets()
        .into_iter()
        .map(|p| {
            let mut incoming = Vec::new();
            if let Some(s) = &p.imap {
                incoming.push((DetectedProtocol::Imap, s.host.clone(), s.port, s.security));
            }
            if let Some(s) = &p.pop3 {
                incoming.push((DetectedProtocol::Pop3, s.host.clone(), s.port, s.security));
            }
            KnownProvider {
                oauth: p.incoming_auth == AuthMethod::Oauth2,
                id: p.id,
                name: p.name,
                domains: p.domains,
                incoming,
                outgoing: (p.smtp.host, p.smtp.port, p.smtp.security),
                username_template: "%EMAILADDRESS%".into(),
            }
        })
        .collect()
}

impl App {
    /// The administrator's own entries: every domain that already has an account here, with
    /// that account's incoming server, effective outgoing server and login form — what the
    /// administrator set up once beats anything the network says. The first account of a
    /// domain (by name) speaks for it.
    pub fn own_entries(&self) -> Result<Vec<KnownProvider>> {
        let servers = self.list_servers("")?;
        let outgoing = self.list_outgoing("")?;
        let mut out: Vec<KnownProvider> = Vec::new();
        for a in self.list_accounts("")? {
            let Some((local, domain)) = a.email.rsplit_once('@') else {
                continue;
            };
            let Ok(domain) = crate::validate::to_ascii_host(domain) else {
                continue;
            };
            let domain = domain.to_ascii_lowercase();
            if out.iter().any(|p| p.domains.contains(&domain)) {
                continue;
            }
            let Some(inc) = a
                .incoming_server_id
                .and_then(|id| servers.iter().find(|s| s.id == id))
            else {
                continue;
            };
            let out_id = self.effective_outgoing(a.id)?.server_id;
            let Some(smtp) = out_id.and_then(|id| outgoing.iter().find(|s| s.id == id)) else {
                continue;
            };
            let user = if a.username.is_empty() {
                &inc.login_user
            } else {
                &a.username
            };
            let username_template = if user.eq_ignore_ascii_case(local) {
                "%EMAILLOCALPART%"
            } else {
                "%EMAILADDRESS%"
            };
            let protocol = match inc.protocol {
                Protocol::Pop3 => DetectedProtocol::Pop3,
                _ => DetectedProtocol::Imap,
            };
            out.push(KnownProvider {
                id: format!("account:{}", a.id),
                name: a.name.clone(),
                domains: vec![domain],
                incoming: vec![(protocol, inc.host.clone(), inc.port, inc.security)],
                outgoing: (smtp.host.clone(), smtp.port, smtp.security),
                oauth: inc.auth_method == AuthMethod::Oauth2,
                username_template: username_template.into(),
            });
        }
        Ok(out)
    }

    /// The DNS layer for this operation: `cli` (e.g. `--dns-server`), else
    /// `MAILBOX_ADMIN_DNS`, else the general setting, else the system's resolver.
    pub fn dns(&self, cli: Option<&str>, query_timeout: Duration) -> Result<Dns> {
        let settings = self.get_settings()?;
        let env = std::env::var(DNS_ENV).ok();
        let server =
            DnsServer::choose(cli, env.as_deref(), &settings.dns_server).map_err(|reason| {
                Error::Validation(vec![FieldIssue::new(
                    "dns_server",
                    FieldCode::DnsServerInvalid,
                )
                .arg("reason", reason)])
            })?;
        Dns::new(server, query_timeout).map_err(|e| Error::Io(std::io::Error::other(e.to_string())))
    }

    /// Detects the settings of `address` (see `crate::detect`); with a password, ends with
    /// the connection test of what was found. `progress` sees each source as it answers;
    /// `probe_progress` each step of the login test; `cancel` stops both.
    pub async fn detect(
        &self,
        address: &str,
        opts: &DetectOptions,
        progress: DetectProgress<'_>,
        probe_progress: probe::Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<DetectOutcome> {
        // A bad address is refused before anything else is looked at.
        crate::detect::parse_address(address)?;
        let settings = self.get_settings()?;
        let dns = self.dns(
            opts.dns_server.as_deref(),
            crate::detect::DEFAULT_DNS_TIMEOUT,
        )?;
        let cfg = DetectConfig {
            budget: opts
                .budget
                .unwrap_or(Duration::from_secs(u64::from(settings.detect_budget_secs))),
            ispdb_base_url: settings.provider_db_url.clone(),
            allow_http: settings.detect_allow_http,
            send_address: settings.detect_send_address,
            password: opts.password.clone(),
            exchange: opts.exchange,
            presets: known_providers(),
            overrides: self.own_entries()?,
            guess_ports: opts.guess_ports.clone().unwrap_or_default(),
            ..Default::default()
        };
        let tls = crate::tls::TlsConfig::shared(&self.extra_roots);
        let result = crate::detect::detect(
            address,
            cfg,
            dns.clone(),
            tls,
            self.lang(),
            progress,
            cancel,
        )
        .await?;
        let proof = match &opts.password {
            Some(pw)
                if !result.cancelled
                    && (result.incoming.is_some() || result.outgoing.is_some()) =>
            {
                Some(self.prove(&result, pw, &dns, probe_progress, cancel).await)
            }
            _ => None,
        };
        Ok(DetectOutcome { result, proof })
    }

    /// `detect` for the window: one stream with the sources and the login test's steps.
    pub async fn detect_streamed(
        &self,
        address: &str,
        req: &DetectRequest,
        on: &(dyn Fn(&DetectProgressEvent) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<DetectOutcome> {
        let opts = DetectOptions {
            password: req.password.clone(),
            dns_server: req.dns_server.clone().filter(|s| !s.trim().is_empty()),
            exchange: req.exchange,
            ..Default::default()
        };
        let source =
            |e: &crate::detect::DetectEvent| on(&DetectProgressEvent::Source { event: e.clone() });
        let step = |e: &probe::ProbeEvent| on(&DetectProgressEvent::Step { event: e.clone() });
        // Boxed: detection and the login test nested in it make a future too large for a
        // 2 MiB runtime worker's stack in debug builds (the window's commands run there).
        Box::pin(self.detect(address, &opts, &source, &step, cancel)).await
    }

    /// The existing connection test of the found servers, logging in with `password`.
    async fn prove(
        &self,
        r: &DetectResult,
        password: &Secret,
        dns: &Dns,
        progress: probe::Progress<'_>,
        cancel: &CancellationToken,
    ) -> DetectProof {
        let mut not_tested = Vec::new();
        let mut target = |s: &DetectedServer| -> Option<ProbeTarget> {
            let protocol = match s.protocol {
                DetectedProtocol::Imap => ProbeProtocol::Imap,
                DetectedProtocol::Pop3 => ProbeProtocol::Pop3,
                DetectedProtocol::Smtp => ProbeProtocol::Smtp,
            };
            let auth = match s.auth {
                DetectedAuth::Password => ProbeAuth::Password,
                DetectedAuth::CramMd5 => ProbeAuth::CramMd5,
                DetectedAuth::Ntlm => ProbeAuth::Ntlm,
                DetectedAuth::None => ProbeAuth::None,
                DetectedAuth::Oauth2 | DetectedAuth::Unsupported => {
                    not_tested.push(format!(
                        "{} {}:{}: {}",
                        s.protocol.label(),
                        s.host,
                        s.port,
                        if s.auth == DetectedAuth::Oauth2 {
                            "OAuth2 needs a connected account first"
                        } else {
                            "no supported login method"
                        }
                    ));
                    return None;
                }
            };
            let mut t = ProbeTarget::new(protocol, &s.host, s.port, s.security);
            t.timeout = Duration::from_secs(15);
            t.auth = auth;
            t.user = r.username.clone();
            if s.protocol == DetectedProtocol::Smtp {
                t.user = s.username_for(
                    r.address.rsplit_once('@').map(|x| x.0).unwrap_or_default(),
                    &r.ascii_domain,
                );
                t.sender = format!(
                    "{}@{}",
                    r.address.rsplit_once('@').map(|x| x.0).unwrap_or_default(),
                    r.ascii_domain
                );
            }
            t.password = Some(password.clone());
            t.tls.extra_roots = self.extra_roots.clone();
            t.os_verdict = false;
            if dns.server() != DnsServer::System {
                t.dns = Some(dns.clone());
            }
            Some(t)
        };
        let plan_in = r.incoming.as_ref().and_then(&mut target);
        let plan_out = r.outgoing.as_ref().and_then(&mut target);
        let lang = self.lang();
        let incoming = match plan_in {
            Some(t) => {
                Some(Box::pin(probe::run(&TestPlan::single(t), lang, progress, cancel)).await)
            }
            None => None,
        };
        let outgoing = match plan_out {
            Some(t) => {
                Some(Box::pin(probe::run(&TestPlan::single(t), lang, progress, cancel)).await)
            }
            None => None,
        };
        let ok = incoming.iter().chain(outgoing.iter()).all(|t| t.ok)
            && (incoming.is_some() || outgoing.is_some());
        DetectProof {
            incoming,
            outgoing,
            ok,
            not_tested,
        }
    }

    /// The account form for a detection result: the servers it found, reusing existing
    /// servers with the same host and port, the login name from the username form.
    pub fn detect_draft(&self, r: &DetectResult) -> Result<DetectDraft> {
        let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
        let mut draft = DetectDraft {
            account: AccountInput {
                name: r.address.clone(),
                email: r.address.clone(),
                username: r.username.clone(),
                ..Default::default()
            },
            incoming_server_id: None,
            incoming: None,
            outgoing_server_id: None,
            outgoing: None,
        };
        let label = |s: &DetectedServer| {
            if r.provider_name.is_empty() {
                format!("{} {}", s.host, s.protocol.label())
            } else {
                format!("{} {}", r.provider_name, s.protocol.label())
            }
        };
        if let Some(s) = &r.incoming {
            let protocol = match s.protocol {
                DetectedProtocol::Pop3 => Protocol::Pop3,
                _ => Protocol::Imap,
            };
            let existing = self
                .list_servers("")?
                .into_iter()
                .find(|x| same(&x.host, &s.host) && x.port == s.port && x.protocol == protocol);
            match existing {
                Some(x) => draft.account.incoming_server_id = Some(x.id),
                None => {
                    draft.incoming = Some(ServerInput {
                        name: label(s),
                        protocol,
                        host: s.host.clone(),
                        security: s.security,
                        port: manual_port(
                            s.port,
                            crate::model::default_incoming_port(protocol, s.security),
                        ),
                        auth_method: match s.auth {
                            DetectedAuth::CramMd5 => AuthMethod::CramMd5,
                            DetectedAuth::Oauth2 => AuthMethod::Oauth2,
                            DetectedAuth::Ntlm => AuthMethod::Ntlm,
                            _ => AuthMethod::Password,
                        },
                        login_user: r.username.clone(),
                        ..Default::default()
                    })
                }
            }
            draft.incoming_server_id = draft.account.incoming_server_id;
        }
        if let Some(s) = &r.outgoing {
            let existing = self
                .list_outgoing("")?
                .into_iter()
                .find(|x| same(&x.host, &s.host) && x.port == s.port);
            match existing {
                Some(x) => draft.account.outgoing_server_id = Some(x.id),
                None => {
                    draft.outgoing = Some(OutgoingInput {
                        name: label(s),
                        host: s.host.clone(),
                        security: s.security,
                        port: manual_port(s.port, crate::model::default_outgoing_port(s.security)),
                        auth_method: match s.auth {
                            DetectedAuth::None => SmtpAuth::None,
                            DetectedAuth::CramMd5 => SmtpAuth::CramMd5,
                            DetectedAuth::Oauth2 => SmtpAuth::Oauth2,
                            DetectedAuth::Ntlm => SmtpAuth::Ntlm,
                            _ => SmtpAuth::Password,
                        },
                        username: s.username_for(
                            r.address.rsplit_once('@').map(|x| x.0).unwrap_or_default(),
                            &r.ascii_domain,
                        ),
                        kind: if r.provider_id.as_deref() == Some("microsoft365") {
                            crate::model::OutgoingKind::Microsoft365
                        } else {
                            crate::model::OutgoingKind::Smtp
                        },
                        ..Default::default()
                    })
                }
            }
            draft.outgoing_server_id = draft.account.outgoing_server_id;
        }
        Ok(draft)
    }
}

/// `None` when `port` is the one protocol and security give anyway (no manual port).
fn manual_port(port: u16, derived: u16) -> Option<i64> {
    (port != derived).then_some(i64::from(port))
}
