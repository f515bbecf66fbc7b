//! The order of steps shared by IMAP, POP3 and SMTP: resolve, connect, TLS (implicit,
//! STARTTLS, or automatic — never silently plaintext), greeting, capabilities and login;
//! and `run`, which tests the servers of a plan and assembles the report.

use super::conn::Conn;
use super::runner::{decimal, Done, Failure, Runner, Stop};
use super::tls::Prelude;
use super::transcript::Transcript;
use super::{
    imap, imap_actions, net, pop3, smtp, tls, CancellationToken, ProbeAuth, ProbeProtocol,
    ProbeTarget, Progress, Role, StepKind, StepStatus, TargetSummary, TestPlan, TestReport,
};
use crate::diag::Context;
use crate::diag::{DiagnosisCode, EvidenceKey};
use crate::i18n::Lang;
use crate::kinds::Security;
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// What each protocol contributes to the shared flow.
pub(crate) trait Proto: Send {
    /// Reads the server's greeting.
    fn greeting(&mut self, c: &mut Conn) -> impl Future<Output = Result<Done<()>, Failure>> + Send;
    /// IMAP CAPABILITY, POP3 CAPA, SMTP EHLO.
    fn capabilities(
        &mut self,
        c: &mut Conn,
    ) -> impl Future<Output = Result<Done<()>, Failure>> + Send;
    fn offers_starttls(&self) -> bool;
    /// The capabilities as evidence text.
    fn caps_text(&self) -> String;
    /// Sends STARTTLS / STLS and reads the go-ahead; forgets the capabilities.
    fn starttls(&mut self, c: &mut Conn) -> impl Future<Output = Result<(), Failure>> + Send;
    /// Logs in; the caller has checked that a login is due and allowed on this connection.
    fn login(
        &mut self,
        c: &mut Conn,
        t: &ProbeTarget,
        password: &str,
    ) -> impl Future<Output = Result<Done<()>, Failure>> + Send;
    /// Ends the session politely.
    fn logout(&mut self, c: &mut Conn) -> impl Future<Output = Result<(), Failure>> + Send;
}

pub(crate) struct Session<P> {
    pub conn: Conn,
    pub proto: P,
}

/// Turns a failed non-essential step into "carry on", but not a cancellation.
pub(crate) fn soft<T>(r: Result<T, Stop>) -> Result<Option<T>, Stop> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Stop::Failed(_)) => Ok(None),
        Err(Stop::Cancelled) => Err(Stop::Cancelled),
    }
}

/// Which protocol a first line sounds like, for `protocol.wrong_service`.
pub(crate) fn sounds_like(line: &str) -> Option<&'static str> {
    let l = line.trim_start();
    let up = l.to_ascii_uppercase();
    if up.starts_with("* OK") || up.starts_with("* PREAUTH") || up.starts_with("* BYE") {
        Some("IMAP")
    } else if up.starts_with("+OK") || up.starts_with("-ERR") {
        Some("POP3")
    } else if (up.starts_with("220") || up.starts_with("421") || up.starts_with("554"))
        && matches!(up.as_bytes().get(3), Some(b' ') | Some(b'-') | None)
    {
        if up.contains("FTP") {
            Some("FTP")
        } else {
            Some("SMTP")
        }
    } else if up.starts_with("SSH-") {
        Some("SSH")
    } else if up.starts_with("HTTP/") || up.starts_with("<!DOCTYPE") || up.starts_with("<HTML") {
        Some("HTTP")
    } else {
        None
    }
}

/// The failure for a greeting that is not `expected`'s.
pub(crate) fn unexpected_greeting(line: &str, expected: ProbeProtocol) -> Failure {
    match sounds_like(line) {
        Some(other) if other != expected.label() => {
            Failure::new(DiagnosisCode::ProtocolWrongService)
                .with(EvidenceKey::ServerSent, line)
                .with(EvidenceKey::SoundsLike, other)
                .with(EvidenceKey::Expected, expected.label())
        }
        _ => Failure::new(DiagnosisCode::ProtocolInvalidResponse)
            .with(
                EvidenceKey::Problem,
                format!("not a {} greeting", expected.label()),
            )
            .with(EvidenceKey::ServerSent, line),
    }
}

async fn connect_step(
    r: &mut Runner<'_>,
    t: &ProbeTarget,
    addrs: &[SocketAddr],
) -> Result<Conn, Stop> {
    let transcript = r.transcript.clone();
    r.step(
        StepKind::Connect,
        t.timeout,
        net::connect(addrs, t.local_addr, t.timeout, &transcript),
    )
    .await
}

/// Reads the greeting of a plaintext connection. Silence is ambiguous: an implicit-TLS port
/// also waits for the client. So, after a moment of complete silence, a second connection
/// tries a TLS handshake; if that works, the port wants SSL/TLS. A server that has sent
/// anything at all (a slow, multi-line greeting) is left alone.
async fn plain_greeting<P: Proto>(
    r: &mut Runner<'_>,
    t: &ProbeTarget,
    conn: &mut Conn,
    proto: &mut P,
    ascii: &str,
) -> Result<(), Stop> {
    let peer = conn.peer;
    let heard = conn.heard.clone();
    let local = t.local_addr;
    let wait = (t.timeout / 3).min(Duration::from_secs(2));
    let port = t.port;
    r.step(StepKind::Greeting, t.timeout, async move {
        let sniff = async move {
            tokio::time::sleep(wait).await;
            let silent = !heard.load(std::sync::atomic::Ordering::Relaxed);
            if silent && tls::answers_tls(peer, local, ascii).await {
                Failure::new(DiagnosisCode::TlsExpectedImplicit)
                    .with(EvidenceKey::Port, port.to_string())
                    .with(
                        EvidenceKey::Observed,
                        "no greeting, but a TLS handshake on a second connection succeeded",
                    )
            } else {
                std::future::pending::<Failure>().await
            }
        };
        tokio::select! {
            g = proto.greeting(conn) => g,
            f = sniff => Err(f),
        }
    })
    .await
}

async fn starttls_step<P: Proto>(
    r: &mut Runner<'_>,
    t: &ProbeTarget,
    conn: &mut Conn,
    proto: &mut P,
    ascii: &str,
) -> Result<(), Stop> {
    r.step(StepKind::Tls, t.timeout, async {
        if !proto.offers_starttls() {
            return Err(Failure::new(DiagnosisCode::TlsStarttlsUnsupported)
                .with(EvidenceKey::Capabilities, proto.caps_text()));
        }
        proto.starttls(conn).await?;
        conn.second_look = t.os_verdict.then_some(match t.protocol {
            ProbeProtocol::Imap | ProbeProtocol::ImapDownload => Prelude::Imap,
            ProbeProtocol::Pop3 => Prelude::Pop3,
            ProbeProtocol::Smtp | ProbeProtocol::Graph => Prelude::Smtp,
        });
        conn.start_tls(ascii, &t.tls).await
    })
    .await?;
    Ok(())
}

/// Resolve, connect, TLS as configured, greeting and capabilities.
pub(crate) async fn establish<P: Proto>(
    r: &mut Runner<'_>,
    t: &ProbeTarget,
    proto: P,
) -> Result<Session<P>, Stop> {
    Ok(establish_until(r, t, proto, true).await?.0)
}

/// Resolve, connect and TLS as configured, for a client library that reads the greeting
/// itself: an implicit-TLS or plaintext connection stops before the greeting (`false`); a
/// STARTTLS one has its greeting, capabilities and STARTTLS diagnosed by our code (`true`).
pub(crate) async fn secure<P: Proto>(
    r: &mut Runner<'_>,
    t: &ProbeTarget,
    proto: P,
) -> Result<(Session<P>, bool), Stop> {
    establish_until(r, t, proto, false).await
}

async fn establish_until<P: Proto>(
    r: &mut Runner<'_>,
    t: &ProbeTarget,
    mut proto: P,
    greet: bool,
) -> Result<(Session<P>, bool), Stop> {
    let limit = t.timeout;
    if t.security != Security::None {
        // A client certificate that cannot be presented (no key, a key that does not
        // open, expired) is diagnosed before any connection is made.
        if let Err(f) = tls::client_identity(&t.tls) {
            r.step(StepKind::Tls, limit, async { Err::<Done<()>, _>(f) })
                .await?;
        }
    }
    let (ascii, addrs) = r
        .step(
            StepKind::Resolve,
            limit,
            net::resolve(&t.host, t.port, t.dns.as_ref()),
        )
        .await?;
    let mut conn = connect_step(r, t, &addrs).await?;
    conn.second_look = t.os_verdict.then_some(Prelude::Direct);
    let implicit = match t.security {
        Security::Tls => {
            r.step(StepKind::Tls, limit, conn.start_tls(&ascii, &t.tls))
                .await?;
            true
        }
        Security::Auto => {
            let port = t.port;
            let got = r
                .step(StepKind::Tls, limit, async {
                    match conn.start_tls(&ascii, &t.tls).await {
                        Ok(done) => Ok(done.map(Some)),
                        // A plaintext greeting: this port does STARTTLS. Anything else
                        // (a bad certificate) is a real failure and stops here.
                        Err(f) if f.code == DiagnosisCode::TlsExpectedStarttls => {
                            Ok(Done::new(None, "tls_auto_fallback")
                                .arg("port", port.to_string())
                                .skipped())
                        }
                        Err(f) => Err(f),
                    }
                })
                .await?;
            if got.is_none() {
                conn = connect_step(r, t, &addrs).await?;
            }
            got.is_some()
        }
        Security::Starttls | Security::None => false,
    };
    if !greet && (implicit || t.security == Security::None) {
        return Ok((Session { conn, proto }, false));
    }
    if implicit {
        r.step(StepKind::Greeting, limit, proto.greeting(&mut conn))
            .await?;
        r.step(StepKind::Capabilities, limit, proto.capabilities(&mut conn))
            .await?;
    } else {
        plain_greeting(r, t, &mut conn, &mut proto, &ascii).await?;
        r.step(StepKind::Capabilities, limit, proto.capabilities(&mut conn))
            .await?;
        if t.security != Security::None {
            starttls_step(r, t, &mut conn, &mut proto, &ascii).await?;
            if greet {
                r.step(StepKind::Capabilities, limit, proto.capabilities(&mut conn))
                    .await?;
            }
        }
    }
    Ok((Session { conn, proto }, true))
}

/// The secret to log in with, or why there is none or it may not be sent on this
/// connection (`tls`: the connection is encrypted).
pub(crate) fn credentials(t: &ProbeTarget, tls: bool) -> Result<&str, Failure> {
    if t.auth == ProbeAuth::Oauth2 {
        if let Some(f) = &t.oauth_failure {
            let mut out = Failure::new(f.code);
            if !f.error.is_empty() {
                out = out.with(EvidenceKey::ProviderError, f.error.clone());
            }
            if !f.description.is_empty() {
                out = out.with(EvidenceKey::ProviderSaid, f.description.clone());
            }
            for e in &f.evidence {
                out = out.with(e.key, e.value.clone());
            }
            return Err(out);
        }
        if t.password.is_none() {
            return Err(Failure::new(DiagnosisCode::OauthNotConnected)
                .with(EvidenceKey::User, t.user.clone()));
        }
    }
    let Some(pw) = &t.password else {
        let mut f = Failure::new(DiagnosisCode::AuthPasswordMissing)
            .with(EvidenceKey::User, t.user.clone());
        if let Some(why) = &t.password_error {
            f = f.with(EvidenceKey::Keyring, why.clone());
        }
        return Err(f);
    };
    // The one place that decides whether credentials may leave unencrypted.
    let may_send = tls || (t.security == Security::None && t.allow_plaintext);
    if !may_send {
        return Err(Failure::new(DiagnosisCode::AuthUnencryptedNotAllowed));
    }
    Ok(pw.expose())
}

/// The login step. Returns whether a login happened (false: none configured).
pub(crate) async fn login_step<P: Proto>(
    r: &mut Runner<'_>,
    t: &ProbeTarget,
    s: &mut Session<P>,
) -> Result<bool, Stop> {
    if t.auth == ProbeAuth::None {
        r.mark_skipped(StepKind::Login, "login_no_auth", &[]);
        return Ok(false);
    }
    if t.user.trim().is_empty() {
        r.mark_skipped(StepKind::Login, "login_no_user", &[]);
        return Ok(false);
    }
    let conn = &mut s.conn;
    let proto = &mut s.proto;
    r.step(StepKind::Login, t.timeout, async {
        let pw = credentials(t, conn.tls)?;
        let done = proto
            .login(conn, t, pw)
            .await
            .map_err(|f| conn.client_cert_login_refusal(f))?;
        Ok(if conn.tls {
            done
        } else {
            done.warn(Failure::new(DiagnosisCode::AuthPlaintextSent))
        })
    })
    .await?;
    Ok(true)
}

/// The logout step; never fails the test (the checks are done by then).
pub(crate) async fn logout_step<P: Proto>(
    r: &mut Runner<'_>,
    t: &ProbeTarget,
    s: &mut Session<P>,
) -> Result<(), Stop> {
    let limit = t.timeout;
    let conn = &mut s.conn;
    let proto = &mut s.proto;
    r.step(StepKind::Logout, limit, async {
        let _ = tokio::time::timeout(limit / 2, proto.logout(conn)).await;
        conn.close().await;
        Ok(Done::new((), "logout"))
    })
    .await
}

pub(crate) fn context(t: &ProbeTarget) -> Context {
    Context {
        host: t.host.clone(),
        port: t.port,
        protocol: t.protocol.label().to_string(),
    }
}

fn summary(role: Role, t: &ProbeTarget) -> TargetSummary {
    TargetSummary {
        role,
        protocol: t.protocol,
        host: t.host.clone(),
        ascii_host: net::ascii_host(&t.host),
        port: t.port,
        security: t.security,
        auth: t.auth,
        user: t.user.clone(),
        tls_verify: t.tls.verify,
    }
}

/// A random token that marks a test mail.
fn token() -> String {
    let mut b = [0u8; 12];
    let _ = getrandom::fill(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl TestPlan {
    /// A plan for one server: SMTP (or Graph) as the outgoing side, anything else as incoming.
    pub fn single(target: ProbeTarget) -> TestPlan {
        if matches!(target.protocol, ProbeProtocol::Smtp | ProbeProtocol::Graph) {
            TestPlan {
                outgoing: Some(target),
                ..Default::default()
            }
        } else {
            TestPlan {
                incoming: Some(target),
                ..Default::default()
            }
        }
    }
}

/// Tests the servers of `plan` step by step. `progress` sees every step as it starts and
/// ends; cancelling `cancel` stops the test at once (the running step ends as cancelled).
pub async fn run(
    plan: &TestPlan,
    lang: Lang,
    progress: Progress<'_>,
    cancel: &CancellationToken,
) -> TestReport {
    let started = Instant::now();
    let started_at = crate::clock::now();
    let mut secrets = Vec::new();
    for t in plan.incoming.iter().chain(plan.outgoing.iter()) {
        if let Some(p) = &t.password {
            secrets.push(p.expose().to_string());
        }
    }
    let mut r = Runner::new(lang, progress, cancel.clone(), Transcript::new(secrets));
    if let Some(t) = &plan.incoming {
        r.targets.push(summary(Role::Incoming, t));
    }
    if let Some(t) = &plan.outgoing {
        r.targets.push(summary(Role::Outgoing, t));
    }

    if let Some(t) = &plan.incoming {
        r.role = Role::Incoming;
        r.ctx = context(t);
        let _ = test_one(&mut r, t, &[]).await;
    } else if plan.not_checked.contains(&Role::Incoming) {
        r.mark_not_checked(Role::Incoming, DiagnosisCode::TestIncomingNotChecked);
    }
    if plan.outgoing.is_none() && plan.not_checked.contains(&Role::Outgoing) {
        r.mark_not_checked(Role::Outgoing, DiagnosisCode::TestOutgoingNotChecked);
    }
    let rt_token = token();
    let mut rt_sent = false;
    if let Some(t) = plan.outgoing.as_ref().filter(|_| !r.cancelled) {
        r.role = Role::Outgoing;
        r.ctx = context(t);
        let mut mails = Vec::new();
        if let Some(to) = &plan.send_to {
            mails.push(smtp::Mail {
                to: to.clone(),
                token: token(),
            });
        }
        let incoming_passed = !role_failed(&r, Role::Incoming) && plan.incoming.is_some();
        if let (Some(rt), true) = (&plan.roundtrip, incoming_passed) {
            mails.push(smtp::Mail {
                to: rt.address.clone(),
                token: rt_token.clone(),
            });
        }
        let n_before = r.steps.len();
        let _ = test_one(&mut r, t, &mails).await;
        if t.app_server_sends && t.protocol == ProbeProtocol::Smtp && !r.cancelled {
            // The business application sends from its application server: a relay refusal
            // here may only mean that this computer is not that server.
            r.explain_again(
                n_before,
                DiagnosisCode::SmtpRelayDenied,
                DiagnosisCode::SmtpRelayDeniedAppServer,
                crate::diag::Severity::Warning,
            );
            r.mark_not_checked(Role::Outgoing, DiagnosisCode::SmtpAppServerSends);
        }
        rt_sent = plan.roundtrip.is_some()
            && incoming_passed
            && r.steps[n_before..]
                .iter()
                .rfind(|s| s.kind == StepKind::Send)
                .is_some_and(|s| s.status == StepStatus::Ok);
    }
    if let Some(rt) = plan.roundtrip.as_ref().filter(|_| !r.cancelled) {
        r.role = Role::Incoming;
        match (&plan.incoming, rt_sent) {
            (Some(inc), true) => {
                r.ctx = context(inc);
                let _ = roundtrip_step(&mut r, inc, rt, &rt_token).await;
            }
            _ => r.mark_skipped(StepKind::Roundtrip, "roundtrip_skipped", &[]),
        }
    }
    r.report(started_at, started)
}

fn role_failed(r: &Runner<'_>, role: Role) -> bool {
    r.steps
        .iter()
        .any(|s| s.role == role && matches!(s.status, StepStatus::Failed | StepStatus::Cancelled))
}

/// Beyond its timeout, a server's whole test gets this much more (the steps of a healthy
/// server take milliseconds; the margin is for the logout and the report).
const DEADLINE_MARGIN: Duration = Duration::from_millis(500);

async fn test_one(r: &mut Runner<'_>, t: &ProbeTarget, mails: &[smtp::Mail]) -> Result<(), Stop> {
    r.deadline = Some(Instant::now() + t.timeout + DEADLINE_MARGIN);
    let result = match t.protocol {
        ProbeProtocol::Imap | ProbeProtocol::ImapDownload => imap::test(r, t).await,
        ProbeProtocol::Pop3 => pop3::test(r, t).await,
        ProbeProtocol::Smtp => smtp::test(r, t, mails).await,
        ProbeProtocol::Graph => super::graph::test(r, t, mails).await,
    };
    r.deadline = None;
    result
}

/// Waits for the mail marked `token` in the incoming server, then deletes it.
async fn roundtrip_step(
    r: &mut Runner<'_>,
    inc: &ProbeTarget,
    rt: &super::RoundTrip,
    token: &str,
) -> Result<(), Stop> {
    let mut quiet = r.quiet();
    let limit = rt.wait + inc.timeout * 4;
    let wait = rt.wait;
    let address = rt.address.clone();
    let roots = rt.smime_roots.clone();
    let lang = r.lang;
    r.step(StepKind::Roundtrip, limit, async move {
        let started = Instant::now();
        let deadline = started + wait;
        let fetch = roots.is_some();
        let found = match inc.protocol {
            ProbeProtocol::Pop3 => pop3::take_marked(&mut quiet, inc, token, deadline, fetch).await,
            _ => imap_actions::take_marked(&mut quiet, inc, token, deadline, fetch).await,
        }
        .map_err(|s| s.failure())?;
        let secs = decimal(lang, started.elapsed().as_secs_f32());
        // Signed when it left: what arrived must still verify (a gateway may have changed it).
        if let (Some(message), Some(roots)) = (&found, &roots) {
            return match super::smime::verify(message, roots) {
                Ok(signer) => Ok(Done::new((), "roundtrip_signed")
                    .arg("secs", secs)
                    .arg("signer", signer)),
                Err(why) => Err(Failure::new(DiagnosisCode::SmimeSignatureInvalid)
                    .with(EvidenceKey::Detail, why)
                    .with(EvidenceKey::Address, address)),
            };
        }
        // The summary says what the account's delete procedure did with the mail (POP3: DELE).
        let key = match (inc.protocol, inc.delete_procedure) {
            (ProbeProtocol::Pop3, _) | (_, super::DeleteProcedure::Expunge) => "roundtrip",
            (_, super::DeleteProcedure::MoveToTrash) => "roundtrip_trash",
            (_, super::DeleteProcedure::MarkDeleted) => "roundtrip_marked",
        };
        if found.is_some() {
            Ok(Done::new((), key).arg("secs", secs))
        } else {
            Err(Failure::new(DiagnosisCode::RoundtripNotReceived)
                .with(EvidenceKey::Address, address)
                .with(
                    EvidenceKey::Marker,
                    format!("X-Mailbox-Admin-Test: {token}"),
                )
                .with(EvidenceKey::Waited, format!("{} s", wait.as_secs())))
        }
    })
    .await
}
