//! The connection test of a CalDAV calendar (RFC 4791, discovery by RFC 6764): the context
//! URL (`_caldavs._tcp` SRV/TXT through `dns` and `/.well-known/caldav` when only a host is
//! configured), the principal (`current-user-principal`, where a wrong password shows), its
//! `calendar-home-set`, the calendars there (the configured one must exist) and a
//! `calendar-query` REPORT over the configured sync range. HTTPS on the shared `tls`
//! configuration through a bounded reqwest client (no automatic redirects: same-host ones
//! are followed here, others reported), XML by roxmltree with a byte and node limit and no
//! DTD. Same steps, transcript and diagnoses as the mail tests (`Runner`).

use super::runner::{Done, Failure, Runner, Stop};
use super::transcript::Transcript;
use super::{CancellationToken, Progress, Role, Secret, StepKind, TestReport};
use crate::diag::{Context, DiagnosisCode, EvidenceKey};
use crate::dns::{Dns, DnsError, DnsServer};
use crate::i18n::Lang;
use crate::tls::{FailedChains, TlsConfig};
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

/// The most a CalDAV answer may weigh: a REPORT of ten years of a busy calendar asks only
/// for ETags (≈ 250 bytes an event), so 8 MiB is some 30,000 events.
pub const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;
/// XML nodes per answer (roxmltree builds the whole tree).
const MAX_NODES: u32 = 400_000;
/// Same-host redirects followed per request.
const MAX_REDIRECTS: usize = 3;
/// Lines of an answer's body kept in the transcript.
const BODY_LINES: usize = 60;

const NS_DAV: &str = "DAV:";
const NS_CALDAV: &str = "urn:ietf:params:xml:ns:caldav";

/// One CalDAV calendar to test, as plain data.
#[derive(Debug, Clone)]
pub struct CaldavTarget {
    /// As configured: `https://host[:port]` (then discovered) or the URL of the server's
    /// CalDAV context, principal or calendar home.
    pub url: String,
    /// Empty: no login (HTTP Basic is sent only with a user).
    pub user: String,
    pub password: Option<Secret>,
    /// Why no password is available (e.g. the keyring was locked), for the diagnosis.
    pub password_error: Option<String>,
    /// The calendar that must exist (display name or the last segment of its URL); empty:
    /// the first one.
    pub calendar_name: String,
    pub days_back: u32,
    pub days_ahead: u32,
    /// Bounds every request.
    pub timeout: Duration,
    /// Additional trusted CA certificates (PEM).
    pub extra_roots: Vec<String>,
    /// Names (and the SRV record) through this DNS layer (a custom server: split-horizon).
    pub dns: Option<Dns>,
}

impl CaldavTarget {
    pub fn new(url: &str) -> CaldavTarget {
        CaldavTarget {
            url: url.to_string(),
            user: String::new(),
            password: None,
            password_error: None,
            calendar_name: String::new(),
            days_back: 30,
            days_ahead: 365,
            timeout: Duration::from_secs(crate::kinds::DEFAULT_TIMEOUT_SECS as u64),
            extra_roots: Vec::new(),
            dns: None,
        }
    }
}

/// Tests `t` step by step: discovery, principal (login), calendar home, calendars, read.
pub async fn run(
    t: &CaldavTarget,
    lang: Lang,
    progress: Progress<'_>,
    cancel: &CancellationToken,
) -> TestReport {
    let started = Instant::now();
    let started_at = crate::clock::now();
    let secrets = t.password.iter().map(|p| p.expose().to_string()).collect();
    let mut r = Runner::new(lang, progress, cancel.clone(), Transcript::new(secrets));
    r.role = Role::Calendar;
    let _ = steps(&mut r, t).await;
    r.report(started_at, started)
}

/// The steps; the first failure ends the test.
async fn steps(r: &mut Runner<'_>, t: &CaldavTarget) -> Result<(), Stop> {
    // reqwest's own limit fires first, so that a slow server is `net.timeout` with the URL.
    let limit = t.timeout + Duration::from_secs(1);
    let url = match Url::parse(t.url.trim()) {
        Ok(u) if matches!(u.scheme(), "https" | "http") && u.host_str().is_some() => u,
        _ => {
            r.ctx = context_of(None);
            return r
                .step(StepKind::Discovery, limit, async {
                    Err(Failure::new(DiagnosisCode::CaldavNotCaldav)
                        .with(EvidenceKey::Url, t.url.clone())
                        .with(EvidenceKey::Problem, "not an http(s) URL with a host"))
                })
                .await;
        }
    };
    r.ctx = context_of(Some(&url));
    let client = Client::new(t, r.transcript.clone())?;
    let only_host = url.path().trim_matches('/').is_empty();

    // 1. Where the CalDAV context is.
    let context = if only_host {
        let (client, url) = (&client, url.clone());
        r.step(StepKind::Discovery, limit * 3, discover(client, url))
            .await?
    } else {
        r.mark_skipped(
            StepKind::Discovery,
            "caldav_discovery_given",
            &[("url", url.to_string())],
        );
        Discovered {
            url: url.clone(),
            only_host: false,
        }
    };
    r.ctx = context_of(Some(&context.url));

    // 2. Who we are: the principal (the first request with the password).
    let principal = {
        let (client, context) = (&client, &context);
        r.step(StepKind::Principal, limit, principal(client, context))
            .await?
    };

    // 3. Where the principal's calendars live.
    let home = {
        let client = &client;
        r.step(
            StepKind::CalendarHome,
            limit,
            calendar_home(client, principal),
        )
        .await?
    };

    // 4. The calendars there; the configured one must be among them.
    let calendar = {
        let client = &client;
        r.step(
            StepKind::Calendars,
            limit,
            calendars(client, home, &t.calendar_name),
        )
        .await?
    };

    // 5. A read of the configured sync range.
    let client = &client;
    r.step(
        StepKind::CalendarRead,
        limit,
        read(client, calendar, t.days_back, t.days_ahead),
    )
    .await?;
    Ok(())
}

fn context_of(url: Option<&Url>) -> Context {
    Context {
        host: url
            .and_then(|u| u.host_str())
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_string(),
        port: url.and_then(|u| u.port_or_known_default()).unwrap_or(443),
        protocol: "CalDAV".into(),
    }
}

// ---- HTTP --------------------------------------------------------------------------------

/// reqwest asks our DNS layer (a custom server, split-horizon).
struct Resolver(Dns);

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let dns = self.0.clone();
        let name = name.as_str().to_string();
        Box::pin(async move {
            let ips = dns
                .ips(&name)
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            let addrs: reqwest::dns::Addrs = Box::new(
                ips.into_iter()
                    .map(|ip| std::net::SocketAddr::new(ip, 0))
                    .collect::<Vec<_>>()
                    .into_iter(),
            );
            Ok(addrs)
        })
    }
}

/// An answer, its body bounded.
struct Answer {
    status: u16,
    /// The URL that answered (after same-host redirects).
    url: Url,
    /// The `DAV` header (the server's compliance classes, `calendar-access`).
    dav: String,
    /// `WWW-Authenticate`, for a 401.
    challenge: String,
    /// `Location` of a redirect that was not followed (to another host).
    location: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn speaks_caldav(&self) -> bool {
        self.dav
            .split(',')
            .any(|c| c.trim().eq_ignore_ascii_case("calendar-access"))
    }

    /// The status and, when short, what the server said (an HTML error page is cut).
    fn said(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let first: String = first.trim().chars().take(200).collect();
        if first.is_empty() || first.starts_with('<') {
            format!("HTTP {}", self.status)
        } else {
            format!("HTTP {}: {first}", self.status)
        }
    }
}

struct Client {
    http: reqwest::Client,
    failed: Arc<FailedChains>,
    user: String,
    password: Option<Secret>,
    password_error: Option<String>,
    transcript: Transcript,
    timeout: Duration,
    /// For the SRV lookup: the custom DNS server, else the system's configuration.
    srv_dns: Option<Dns>,
}

impl Client {
    fn new(t: &CaldavTarget, transcript: Transcript) -> Result<Client, Stop> {
        let tls = TlsConfig::shared(&t.extra_roots);
        let (config, failed) = tls.https();
        let mut b = reqwest::Client::builder()
            .tls_backend_preconfigured(config)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(0)
            .timeout(t.timeout)
            .connect_timeout(t.timeout)
            .user_agent(concat!("MailboxAdmin/", env!("CARGO_PKG_VERSION")));
        if let Some(dns) = &t.dns {
            b = b.dns_resolver(Arc::new(Resolver(dns.clone())));
        }
        let http = b.build().map_err(|e| {
            Stop::Failed(
                Failure::new(DiagnosisCode::CaldavNotCaldav)
                    .with(EvidenceKey::Detail, e.to_string()),
            )
        })?;
        Ok(Client {
            http,
            failed,
            user: t.user.trim().to_string(),
            password: t.password.clone(),
            password_error: t.password_error.clone(),
            transcript,
            timeout: t.timeout,
            srv_dns: t
                .dns
                .clone()
                .or_else(|| Dns::new(DnsServer::System, crate::dns::DEFAULT_QUERY_TIMEOUT).ok()),
        })
    }

    /// The failure when a login is configured but its password is not at hand.
    fn missing_password(&self) -> Option<Failure> {
        if self.user.is_empty() || self.password.is_some() {
            return None;
        }
        let mut f = Failure::new(DiagnosisCode::AuthPasswordMissing)
            .with(EvidenceKey::LoginUser, self.user.clone());
        if let Some(e) = &self.password_error {
            f = f.with(EvidenceKey::Keyring, e.clone());
        }
        Some(f)
    }

    /// Sends `method` to `url` (with `Depth` and an XML body), with the login when one is
    /// configured; follows same-host redirects (at most three, never from HTTPS to HTTP).
    async fn send(
        &self,
        method: &'static str,
        url: &Url,
        depth: Option<&str>,
        body: Option<&str>,
    ) -> Result<Answer, Failure> {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut current = url.clone();
        for hop in 0..=MAX_REDIRECTS {
            self.transcript.client(&format!(
                "{method} {current}{}",
                depth.map(|d| format!(" (Depth: {d})")).unwrap_or_default()
            ));
            let mut req = self.http.request(m.clone(), current.clone());
            if let Some(d) = depth {
                req = req.header("Depth", d);
            }
            if let Some(b) = body {
                req = req
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/xml; charset=utf-8",
                    )
                    .body(b.to_string());
                for line in b.lines().filter(|l| !l.trim().is_empty()) {
                    self.transcript.client(line);
                }
            }
            if let Some(pw) = &self.password {
                if !self.user.is_empty() {
                    self.transcript
                        .client(&format!("Authorization: Basic <redacted> ({})", self.user));
                    req = req.basic_auth(&self.user, Some(pw.expose()));
                }
            }
            let resp = req.send().await.map_err(|e| self.failure(&current, &e))?;
            let status = resp.status().as_u16();
            let header = |name: reqwest::header::HeaderName| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string()
            };
            let dav = header(reqwest::header::HeaderName::from_static("dav"));
            let challenge = header(reqwest::header::WWW_AUTHENTICATE);
            let location = header(reqwest::header::LOCATION);
            let reason = resp.status().canonical_reason().unwrap_or("");
            self.transcript.server(&format!("HTTP {status} {reason}"));
            if !dav.is_empty() {
                self.transcript.server(&format!("DAV: {dav}"));
            }
            if resp.status().is_redirection() && !location.is_empty() {
                self.transcript.server(&format!("Location: {location}"));
                let next = current.join(&location).ok();
                let same_host = next.as_ref().is_some_and(|n| {
                    n.host_str() == current.host_str()
                        && !(current.scheme() == "https" && n.scheme() != "https")
                });
                if let (Some(next), true, true) = (next, same_host, hop < MAX_REDIRECTS) {
                    current = next;
                    continue;
                }
                self.transcript
                    .info("redirect not followed (another host or scheme)");
                return Ok(Answer {
                    status,
                    url: current,
                    dav,
                    challenge,
                    location: Some(location),
                    body: Vec::new(),
                });
            }
            if !challenge.is_empty() {
                self.transcript
                    .server(&format!("WWW-Authenticate: {challenge}"));
            }
            let body = self.body(resp, &current).await?;
            let text = String::from_utf8_lossy(&body);
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            for line in lines.iter().take(BODY_LINES) {
                self.transcript.server(line);
            }
            if lines.len() > BODY_LINES {
                self.transcript
                    .info(&format!("… {} more lines", lines.len() - BODY_LINES));
            }
            return Ok(Answer {
                status,
                url: current,
                dav,
                challenge,
                location: None,
                body,
            });
        }
        unreachable!("the loop returns on its last hop")
    }

    async fn body(&self, mut resp: reqwest::Response, url: &Url) -> Result<Vec<u8>, Failure> {
        let mut out = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.failure(url, &e))? {
            if out.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(Failure::new(DiagnosisCode::ProtocolInvalidResponse)
                    .with(EvidenceKey::Url, url.to_string())
                    .with(
                        EvidenceKey::Problem,
                        format!("answer larger than {MAX_ANSWER_BYTES} bytes"),
                    ));
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    /// A request that got no answer: TLS (`tls.*` with the certificate), DNS, refused,
    /// timed out.
    fn failure(&self, url: &Url, e: &reqwest::Error) -> Failure {
        let host = url
            .host_str()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_string();
        if let Some(t) = crate::tls::classify_error(e, &host, &self.failed) {
            let mut f = Failure::new(t.code).with(EvidenceKey::Url, url.to_string());
            f.evidence.extend(t.evidence);
            return f;
        }
        let root = root_cause(e);
        let code = if e.is_timeout() {
            DiagnosisCode::NetTimeout
        } else if let Some(d) = find::<DnsError>(e) {
            if d.is_absent() {
                DiagnosisCode::DnsNotFound
            } else {
                DiagnosisCode::DnsFailed
            }
        } else if find_io(e).is_some_and(|k| k == std::io::ErrorKind::ConnectionRefused) {
            DiagnosisCode::NetRefused
        } else if root.contains("lookup address") || root.contains("Name or service not known") {
            // The system's resolver (getaddrinfo) says so only in words.
            DiagnosisCode::DnsNotFound
        } else if e.is_connect() {
            DiagnosisCode::NetUnreachable
        } else {
            DiagnosisCode::NetClosed
        };
        let mut f = Failure::new(code).with(EvidenceKey::Url, url.to_string());
        if code == DiagnosisCode::NetTimeout {
            f = f.with(
                EvidenceKey::Timeout,
                format!("{} s", self.timeout.as_secs()),
            );
        } else {
            f = f.with(EvidenceKey::Detail, root);
        }
        f
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn find<'a, T: std::error::Error + 'static>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(t) = err.downcast_ref::<T>() {
            return Some(t);
        }
        cur = err.source();
    }
    None
}

fn find_io(e: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    find::<std::io::Error>(e).map(|io| io.kind())
}

// ---- the steps ---------------------------------------------------------------------------

const PROPFIND_PRINCIPAL: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
<d:propfind xmlns:d=\"DAV:\"><d:prop><d:current-user-principal/><d:resourcetype/></d:prop></d:propfind>";
const PROPFIND_HOME: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
<d:propfind xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:prop><c:calendar-home-set/></d:prop></d:propfind>";
const PROPFIND_CALENDARS: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
<d:propfind xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:prop><d:displayname/><d:resourcetype/><c:supported-calendar-component-set/></d:prop></d:propfind>";

/// Where the CalDAV context is.
struct Discovered {
    url: Url,
    /// Only a host was configured: a context that is not CalDAV means discovery failed.
    only_host: bool,
}

/// RFC 6764: SRV `_caldavs._tcp` (with TXT `path=`), then `/.well-known/caldav` on the host
/// (the SRV target's, or the configured one). Nothing found: the host's root is tried next.
async fn discover(c: &Client, url: Url) -> Result<Done<Discovered>, Failure> {
    if let Some(f) = c.missing_password() {
        return Err(f);
    }
    let host = url.host_str().unwrap_or_default().to_string();
    let mut base = url.clone();
    base.set_path("/");
    let mut via = String::new();
    let is_ip = host
        .trim_matches(['[', ']'])
        .parse::<std::net::IpAddr>()
        .is_ok();
    if !is_ip && url.scheme() == "https" {
        if let Some((srv_base, path)) = srv_lookup(c, &host).await {
            if let Some(p) = path {
                let mut u = srv_base.clone();
                u.set_path(&p);
                return Ok(Done::new(
                    Discovered {
                        url: u.clone(),
                        only_host: true,
                    },
                    "caldav_discovered",
                )
                .arg("url", u.to_string())
                .arg("via", format!("SRV/TXT _caldavs._tcp.{host}")));
            }
            via = format!("SRV _caldavs._tcp.{host}, ");
            base = srv_base;
        }
    }
    let mut wk = base.clone();
    wk.set_path("/.well-known/caldav");
    let a = c
        .send("PROPFIND", &wk, Some("0"), Some(PROPFIND_PRINCIPAL))
        .await?;
    match a.status {
        401 => return Err(auth_failed(c, &a)),
        207 | 200 => {
            let u = a.url.clone();
            return Ok(Done::new(
                Discovered {
                    url: u.clone(),
                    only_host: true,
                },
                "caldav_discovered",
            )
            .arg("url", u.to_string())
            .arg("via", format!("{via}/.well-known/caldav")));
        }
        _ => {}
    }
    if let Some(loc) = &a.location {
        return Err(Failure::new(DiagnosisCode::CaldavDiscoveryFailed)
            .with(EvidenceKey::Url, wk.to_string())
            .with(
                EvidenceKey::Detail,
                format!("redirect to {loc} (another host: not followed, enter it as the URL)"),
            ));
    }
    // Not published: the host itself may be the context (many servers answer at "/").
    Ok(Done::new(
        Discovered {
            url: base.clone(),
            only_host: true,
        },
        "caldav_not_discovered",
    )
    .arg("url", base.to_string())
    .arg("said", a.said()))
}

/// `_caldavs._tcp.HOST` SRV (through `dns`): the base URL of its best target, and the TXT
/// record's `path=` if there is one.
async fn srv_lookup(c: &Client, host: &str) -> Option<(Url, Option<String>)> {
    let dns = c.srv_dns.clone()?;
    let name = format!("_caldavs._tcp.{host}");
    c.transcript.client(&format!("DNS SRV {name}"));
    let records = match dns.srv(&name).await {
        Ok(r) => r,
        Err(e) => {
            c.transcript.server(&e.to_string());
            return None;
        }
    };
    let best = records.into_iter().find(|s| !s.target.is_empty())?;
    c.transcript.server(&format!(
        "{} {} {} {}",
        best.priority, best.weight, best.port, best.target
    ));
    let base = Url::parse(&format!("https://{}:{}/", best.target, best.port)).ok()?;
    c.transcript.client(&format!("DNS TXT {name}"));
    let path = match dns.txt(&name).await {
        Ok(txts) => txts.iter().find_map(|t| {
            c.transcript.server(t);
            t.split_whitespace()
                .find_map(|kv| kv.strip_prefix("path="))
                .filter(|p| p.starts_with('/'))
                .map(str::to_string)
        }),
        Err(e) => {
            c.transcript.server(&e.to_string());
            None
        }
    };
    Some((base, path))
}

/// A 401: the password (or the user name) is wrong.
fn auth_failed(c: &Client, a: &Answer) -> Failure {
    let mut f = Failure::new(DiagnosisCode::CaldavAuthFailed)
        .with(EvidenceKey::Url, a.url.to_string())
        .with(EvidenceKey::LoginUser, c.user.clone())
        .with(EvidenceKey::ServerSaid, a.said());
    if !a.challenge.is_empty() {
        f = f.with(EvidenceKey::Offered, a.challenge.clone());
    }
    f
}

/// An answer other than the one a CalDAV server gives: 401 (login), 403 (no right), else
/// `otherwise` (not CalDAV, discovery failed, read failed) with what the server said.
fn refusal(c: &Client, a: &Answer, otherwise: DiagnosisCode) -> Failure {
    if a.status == 401 {
        return auth_failed(c, a);
    }
    let code = if a.status == 403 {
        DiagnosisCode::CaldavAccessDenied
    } else {
        otherwise
    };
    let mut f = Failure::new(code)
        .with(EvidenceKey::Url, a.url.to_string())
        .with(EvidenceKey::ServerSaid, a.said());
    if let Some(loc) = &a.location {
        f = f.with(
            EvidenceKey::Detail,
            format!("redirect to {loc} (another host: not followed, enter it as the URL)"),
        );
    }
    if code != DiagnosisCode::CaldavAccessDenied {
        let dav = if a.dav.is_empty() {
            "—"
        } else {
            a.dav.as_str()
        };
        f = f.with(EvidenceKey::Capabilities, format!("DAV: {dav}"));
    }
    f
}

fn invalid(a: &Answer, problem: String) -> Failure {
    Failure::new(DiagnosisCode::ProtocolInvalidResponse)
        .with(EvidenceKey::Url, a.url.to_string())
        .with(EvidenceKey::Problem, problem)
}

fn join(a: &Answer, href: &str) -> Result<Url, Failure> {
    a.url
        .join(href)
        .map_err(|e| invalid(a, format!("href {href:?}: {e}")))
}

/// `current-user-principal` at the context URL: the first request that must log in.
async fn principal(c: &Client, d: &Discovered) -> Result<Done<Url>, Failure> {
    if let Some(f) = c.missing_password() {
        return Err(f);
    }
    let not_caldav = if d.only_host {
        DiagnosisCode::CaldavDiscoveryFailed
    } else {
        DiagnosisCode::CaldavNotCaldav
    };
    let a = c
        .send("PROPFIND", &d.url, Some("0"), Some(PROPFIND_PRINCIPAL))
        .await?;
    if a.status != 207 {
        return Err(refusal(c, &a, not_caldav));
    }
    let rs = multistatus(&a.body).map_err(|p| invalid(&a, p))?;
    let href = rs.iter().find_map(|r| {
        r.prop(NS_DAV, "current-user-principal")
            .and_then(|p| p.hrefs.first().cloned())
    });
    let principal = match href {
        Some(h) => join(&a, &h)?,
        // A server before RFC 5397 that still speaks CalDAV: the URL is the principal.
        None if a.speaks_caldav() => a.url.clone(),
        None => {
            return Err(Failure::new(not_caldav)
                .with(EvidenceKey::Url, a.url.to_string())
                .with(
                    EvidenceKey::Problem,
                    "no current-user-principal and no \"calendar-access\" in the DAV header",
                ))
        }
    };
    let mut done = if c.user.is_empty() || c.password.is_none() {
        Done::new(principal.clone(), "caldav_principal_anonymous")
    } else {
        Done::new(principal.clone(), "caldav_principal").arg("user", c.user.clone())
    }
    .arg("principal", principal.path().to_string());
    if a.url.scheme() == "http" && c.password.is_some() && !c.user.is_empty() {
        done = done.warn(
            Failure::new(DiagnosisCode::CaldavPlainHttp).with(EvidenceKey::Url, a.url.to_string()),
        );
    }
    Ok(done)
}

/// The principal's `calendar-home-set`.
async fn calendar_home(c: &Client, principal: Url) -> Result<Done<Url>, Failure> {
    let a = c
        .send("PROPFIND", &principal, Some("0"), Some(PROPFIND_HOME))
        .await?;
    if a.status != 207 {
        return Err(refusal(c, &a, DiagnosisCode::CaldavNotCaldav));
    }
    let rs = multistatus(&a.body).map_err(|p| invalid(&a, p))?;
    let href = rs.iter().find_map(|r| {
        r.prop(NS_CALDAV, "calendar-home-set")
            .and_then(|p| p.hrefs.first().cloned())
    });
    let Some(href) = href else {
        return Err(Failure::new(DiagnosisCode::CaldavNotCaldav)
            .with(EvidenceKey::Url, a.url.to_string())
            .with(
                EvidenceKey::Problem,
                "the principal names no calendar-home-set (no calendars for this user)",
            ));
    };
    let home = join(&a, &href)?;
    Ok(Done::new(home.clone(), "caldav_home").arg("home", home.path().to_string()))
}

/// One calendar of the home.
struct Calendar {
    url: Url,
    /// Its display name, else the last segment of its URL.
    name: String,
    segment: String,
}

/// The calendars in the home; the configured one (by display name or URL segment, case
/// ignored) must be there. No name configured: the first.
async fn calendars(c: &Client, home: Url, wanted: &str) -> Result<Done<Url>, Failure> {
    let a = c
        .send("PROPFIND", &home, Some("1"), Some(PROPFIND_CALENDARS))
        .await?;
    if a.status != 207 {
        return Err(refusal(c, &a, DiagnosisCode::CaldavNotCaldav));
    }
    let rs = multistatus(&a.body).map_err(|p| invalid(&a, p))?;
    let mut found = Vec::new();
    for r in &rs {
        let is_calendar = r.prop(NS_DAV, "resourcetype").is_some_and(|p| {
            p.children
                .iter()
                .any(|(ns, n)| ns == NS_CALDAV && n == "calendar")
        });
        if !is_calendar {
            continue;
        }
        let url = join(&a, &r.href)?;
        let segment = url
            .path_segments()
            .and_then(|mut s| s.rfind(|x| !x.is_empty()))
            .map(percent_decoded)
            .unwrap_or_default();
        let name = r
            .prop(NS_DAV, "displayname")
            .map(|p| p.text.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| segment.clone());
        found.push(Calendar { url, name, segment });
    }
    let list = || {
        if found.is_empty() {
            "—".to_string()
        } else {
            found
                .iter()
                .map(|c| {
                    if c.name == c.segment {
                        c.name.clone()
                    } else {
                        format!("{} ({})", c.name, c.segment)
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let wanted = wanted.trim();
    let hit = if wanted.is_empty() {
        found.first()
    } else {
        found.iter().find(|c| {
            c.name.to_lowercase() == wanted.to_lowercase()
                || c.segment.to_lowercase() == wanted.to_lowercase()
        })
    };
    match hit {
        Some(cal) => {
            let key = if wanted.is_empty() {
                "caldav_calendars_first"
            } else {
                "caldav_calendars"
            };
            Ok(Done::new(cal.url.clone(), key)
                .arg("list", list())
                .arg("name", cal.name.clone()))
        }
        None => Err(Failure::new(DiagnosisCode::CaldavCalendarNotFound)
            .with(
                EvidenceKey::Wanted,
                if wanted.is_empty() { "—" } else { wanted },
            )
            .with(EvidenceKey::Calendars, list())
            .with(EvidenceKey::Url, home.to_string())),
    }
}

/// A `calendar-query` REPORT of the events in the sync range (ETags only).
async fn read(c: &Client, cal: Url, back: u32, ahead: u32) -> Result<Done<()>, Failure> {
    let now = time::OffsetDateTime::now_utc();
    let from = now - time::Duration::days(i64::from(back));
    let to = now + time::Duration::days(i64::from(ahead));
    let stamp = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let day = time::macros::format_description!("[year]-[month]-[day]");
    let (start, end) = (
        from.format(&stamp).unwrap_or_default(),
        to.format(&stamp).unwrap_or_default(),
    );
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <c:calendar-query xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\">\
         <d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name=\"VCALENDAR\">\
         <c:comp-filter name=\"VEVENT\"><c:time-range start=\"{start}\" end=\"{end}\"/>\
         </c:comp-filter></c:comp-filter></c:filter></c:calendar-query>"
    );
    let a = c.send("REPORT", &cal, Some("1"), Some(&body)).await?;
    if a.status != 207 {
        return Err(refusal(c, &a, DiagnosisCode::CaldavReadFailed));
    }
    let rs = multistatus(&a.body).map_err(|p| invalid(&a, p))?;
    let events = rs
        .iter()
        .filter(|r| join(&a, &r.href).is_ok_and(|u| u.path() != cal.path()))
        .count();
    Ok(Done::new((), "caldav_read")
        .arg("count", events.to_string())
        .arg("from", from.format(&day).unwrap_or_default())
        .arg("to", to.format(&day).unwrap_or_default()))
}

/// `%XX` sequences of a URL segment as UTF-8 (lossy).
fn percent_decoded(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---- XML -----------------------------------------------------------------------------------

/// One property of a `propstat` with a 2xx status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Prop {
    ns: String,
    name: String,
    /// The `DAV:href`s inside it.
    hrefs: Vec<String>,
    /// Its child elements (namespace, name): a `resourcetype`'s kinds.
    children: Vec<(String, String)>,
    text: String,
}

/// One `response` of a multistatus.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Resp {
    href: String,
    props: Vec<Prop>,
}

impl Resp {
    fn prop(&self, ns: &str, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.ns == ns && p.name == name)
    }
}

/// Reads a `207 Multi-Status` body: no DTD, at most `MAX_NODES` nodes.
fn multistatus(bytes: &[u8]) -> Result<Vec<Resp>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("answer is not UTF-8: {e}"))?;
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => "the answer declares a DTD (refused)".to_string(),
        roxmltree::Error::NodesLimitReached => format!("more than {MAX_NODES} XML nodes"),
        other => format!("not well-formed XML: {other}"),
    })?;
    let root = doc.root_element();
    if !is(root, NS_DAV, "multistatus") {
        return Err(format!(
            "expected a DAV:multistatus, got <{}>",
            root.tag_name().name()
        ));
    }
    let mut out = Vec::new();
    for resp in root.children().filter(|n| is(*n, NS_DAV, "response")) {
        let href = resp
            .children()
            .find(|n| is(*n, NS_DAV, "href"))
            .and_then(|n| n.text())
            .unwrap_or("")
            .trim()
            .to_string();
        let mut props = Vec::new();
        for ps in resp.children().filter(|n| is(*n, NS_DAV, "propstat")) {
            let ok = ps
                .children()
                .find(|n| is(*n, NS_DAV, "status"))
                .and_then(|n| n.text())
                .and_then(|s| s.split_whitespace().nth(1))
                .is_some_and(|code| code.starts_with('2'));
            if !ok {
                continue;
            }
            for prop in ps.children().filter(|n| is(*n, NS_DAV, "prop")) {
                for p in prop.children().filter(|n| n.is_element()) {
                    props.push(Prop {
                        ns: p.tag_name().namespace().unwrap_or("").to_string(),
                        name: p.tag_name().name().to_string(),
                        hrefs: p
                            .descendants()
                            .filter(|n| is(*n, NS_DAV, "href"))
                            .filter_map(|n| n.text())
                            .map(|t| t.trim().to_string())
                            .collect(),
                        children: p
                            .children()
                            .filter(|n| n.is_element())
                            .map(|n| {
                                (
                                    n.tag_name().namespace().unwrap_or("").to_string(),
                                    n.tag_name().name().to_string(),
                                )
                            })
                            .collect(),
                        text: p
                            .descendants()
                            .filter(|n| n.is_text())
                            .filter_map(|n| n.text())
                            .collect(),
                    });
                }
            }
        }
        out.push(Resp { href, props });
    }
    Ok(out)
}

fn is(n: roxmltree::Node, ns: &str, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multistatus_gives_hrefs_and_resource_types_of_ok_propstats_only() {
        let xml = br#"<?xml version='1.0' encoding='utf-8'?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><response><href>/alice/</href><propstat><prop><displayname /></prop><status>HTTP/1.1 404 Not Found</status></propstat><propstat><prop><resourcetype><principal /><collection /></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat></response><response><href>/alice/work/</href><propstat><prop><displayname>Arbeit</displayname><resourcetype><C:calendar /><collection /></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#;
        let rs = multistatus(xml).unwrap();
        assert_eq!(rs.len(), 2);
        assert!(
            rs[0].prop(NS_DAV, "displayname").is_none(),
            "404 propstat ignored"
        );
        let rt = rs[1].prop(NS_DAV, "resourcetype").unwrap();
        assert!(rt
            .children
            .contains(&(NS_CALDAV.to_string(), "calendar".to_string())));
        assert_eq!(rs[1].prop(NS_DAV, "displayname").unwrap().text, "Arbeit");
    }

    #[test]
    fn a_dtd_or_another_document_is_refused() {
        let dtd = br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><multistatus xmlns="DAV:">&a;</multistatus>"#;
        assert!(multistatus(dtd).unwrap_err().contains("DTD"));
        let html = b"<html><body>Not found</body></html>";
        assert!(multistatus(html).unwrap_err().contains("multistatus"));
    }
}
