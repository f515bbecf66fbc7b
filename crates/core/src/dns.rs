//! The one DNS layer of detection, the domain check and (with a custom server) the probe:
//! a hickory resolver on the system configuration or on one server the administrator names
//! (`--dns-server`, `MAILBOX_ADMIN_DNS`, the general setting) for split-horizon DNS; typed
//! lookups (MX by preference, SRV, TXT, A/AAAA), each bounded in time, and errors classified
//! by kind (NXDOMAIN, no records, timeout, refused), never by message text.

use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError as HDnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::TokioResolver;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use ts_rs::TS;

/// The environment variable naming a DNS server (`IP[:PORT]`).
pub const DNS_ENV: &str = "MAILBOX_ADMIN_DNS";
/// Per query, unless the caller sets another.
pub const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(3);

/// Which server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsServer {
    /// The operating system's configuration (`/etc/resolv.conf`, the registry).
    System,
    /// One server, UDP and TCP.
    Custom(SocketAddr),
}

impl DnsServer {
    /// `IP`, `IP:PORT`, `[v6]:PORT`; empty → the system's resolver. Port 53 by default.
    pub fn parse(text: &str) -> Result<DnsServer, String> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(DnsServer::System);
        }
        if let Ok(ip) = t
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            return Ok(DnsServer::Custom(SocketAddr::new(ip, 53)));
        }
        match t.parse::<SocketAddr>() {
            Ok(a) if a.port() != 0 => Ok(DnsServer::Custom(a)),
            _ => Err(format!(
                "{t:?} is not an IP address with an optional port (IP[:PORT])"
            )),
        }
    }

    /// The server in force: the command line's, else `MAILBOX_ADMIN_DNS`, else the general
    /// setting, else the system's. The first one given decides (an invalid one is an error,
    /// not a silent fall-back).
    pub fn choose(
        cli: Option<&str>,
        env: Option<&str>,
        setting: &str,
    ) -> Result<DnsServer, String> {
        for given in [cli, env, Some(setting)].into_iter().flatten() {
            if !given.trim().is_empty() {
                return DnsServer::parse(given);
            }
        }
        Ok(DnsServer::System)
    }

    /// `IP:PORT`, or empty for the system's resolver.
    pub fn to_setting(&self) -> String {
        match self {
            DnsServer::System => String::new(),
            DnsServer::Custom(a) => a.to_string(),
        }
    }
}

/// Why a lookup found nothing usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DnsFailure {
    /// The name does not exist (NXDOMAIN).
    NxDomain,
    /// The name exists, without records of that type (NODATA).
    NoRecords,
    /// No answer in time.
    Timeout,
    /// The server refused the query, or nothing listens where it should.
    Refused,
    /// SERVFAIL and the other error codes.
    ServerFailure,
    /// Not a valid domain name.
    InvalidName,
    /// Anything else (no resolver configuration, I/O).
    Failed,
}

impl DnsFailure {
    pub fn label(self) -> &'static str {
        match self {
            DnsFailure::NxDomain => "no such domain (NXDOMAIN)",
            DnsFailure::NoRecords => "no records of this type",
            DnsFailure::Timeout => "timed out",
            DnsFailure::Refused => "refused",
            DnsFailure::ServerFailure => "server failure",
            DnsFailure::InvalidName => "not a valid domain name",
            DnsFailure::Failed => "failed",
        }
    }
}

/// A failed lookup: what was asked, the kind of failure and the resolver's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} {rtype}: {} ({detail})", kind.label())]
pub struct DnsError {
    pub kind: DnsFailure,
    pub name: String,
    pub rtype: &'static str,
    pub detail: String,
}

impl DnsError {
    /// The domain has no records of this type, or does not exist: "nothing published" as
    /// opposed to "could not ask".
    pub fn is_absent(&self) -> bool {
        matches!(self.kind, DnsFailure::NxDomain | DnsFailure::NoRecords)
    }
}

/// One MX record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mx {
    pub preference: u16,
    /// Without the trailing dot, lower case.
    pub host: String,
}

/// One SRV record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Srv {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    /// Without the trailing dot, lower case; "." (service not offered) is kept as "".
    pub target: String,
}

/// The resolver. Cheap to clone; one per operation (its tasks belong to the runtime that
/// created it).
#[derive(Clone)]
pub struct Dns {
    resolver: Arc<TokioResolver>,
    server: DnsServer,
    timeout: Duration,
}

impl std::fmt::Debug for Dns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dns")
            .field("server", &self.server)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Dns {
    /// A resolver on `server` whose every query is bounded by `timeout`.
    pub fn new(server: DnsServer, timeout: Duration) -> Result<Dns, DnsError> {
        let failed = |detail: String| DnsError {
            kind: DnsFailure::Failed,
            name: String::new(),
            rtype: "",
            detail,
        };
        let provider = TokioRuntimeProvider::default();
        let mut builder = match server {
            DnsServer::System => {
                TokioResolver::builder(provider).map_err(|e| failed(e.to_string()))?
            }
            DnsServer::Custom(addr) => {
                let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
                for c in &mut ns.connections {
                    c.port = addr.port();
                }
                TokioResolver::builder_with_config(
                    ResolverConfig::from_name_servers(vec![ns]),
                    provider,
                )
            }
        };
        let opts: &mut ResolverOpts = builder.options_mut();
        opts.timeout = timeout;
        opts.attempts = 1;
        // Names are asked as given (fully qualified), never with a search domain appended.
        opts.ndots = 0;
        let resolver = builder.build().map_err(|e| failed(e.to_string()))?;
        Ok(Dns {
            resolver: Arc::new(resolver),
            server,
            timeout,
        })
    }

    pub fn server(&self) -> DnsServer {
        self.server
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// MX records, most preferred first (then by name, for a stable order).
    pub async fn mx(&self, name: &str) -> Result<Vec<Mx>, DnsError> {
        let mut out: Vec<Mx> = self
            .records(name, RecordType::MX)
            .await?
            .into_iter()
            .filter_map(|r| match r {
                RData::MX(mx) => Some(Mx {
                    preference: mx.preference,
                    host: host_text(&mx.exchange.to_ascii()),
                }),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| (a.preference, &a.host).cmp(&(b.preference, &b.host)));
        self.non_empty(name, "MX", out)
    }

    /// SRV records by priority (lowest first), then weight (highest first).
    pub async fn srv(&self, name: &str) -> Result<Vec<Srv>, DnsError> {
        let mut out: Vec<Srv> = self
            .records(name, RecordType::SRV)
            .await?
            .into_iter()
            .filter_map(|r| match r {
                RData::SRV(s) => Some(Srv {
                    priority: s.priority,
                    weight: s.weight,
                    port: s.port,
                    target: host_text(&s.target.to_ascii()),
                }),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| {
            (a.priority, std::cmp::Reverse(a.weight), &a.target).cmp(&(
                b.priority,
                std::cmp::Reverse(b.weight),
                &b.target,
            ))
        });
        self.non_empty(name, "SRV", out)
    }

    /// TXT records, each one's strings joined (as SPF and DMARC read them).
    pub async fn txt(&self, name: &str) -> Result<Vec<String>, DnsError> {
        let out: Vec<String> = self
            .records(name, RecordType::TXT)
            .await?
            .into_iter()
            .filter_map(|r| match r {
                RData::TXT(t) => Some(
                    t.txt_data
                        .iter()
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect();
        self.non_empty(name, "TXT", out)
    }

    /// A records.
    pub async fn a(&self, name: &str) -> Result<Vec<IpAddr>, DnsError> {
        let out: Vec<IpAddr> = self
            .records(name, RecordType::A)
            .await?
            .into_iter()
            .filter_map(|r| match r {
                RData::A(a) => Some(IpAddr::V4(a.0)),
                _ => None,
            })
            .collect();
        self.non_empty(name, "A", out)
    }

    /// AAAA records.
    pub async fn aaaa(&self, name: &str) -> Result<Vec<IpAddr>, DnsError> {
        let out: Vec<IpAddr> = self
            .records(name, RecordType::AAAA)
            .await?
            .into_iter()
            .filter_map(|r| match r {
                RData::AAAA(a) => Some(IpAddr::V6(a.0)),
                _ => None,
            })
            .collect();
        self.non_empty(name, "AAAA", out)
    }

    /// The addresses of a host: A and AAAA asked together, IPv4 first. An IP literal is
    /// returned as it is. Fails only when both fail (with the more telling failure).
    pub async fn ips(&self, name: &str) -> Result<Vec<IpAddr>, DnsError> {
        let raw = name.trim().trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = raw.parse::<IpAddr>() {
            return Ok(vec![ip]);
        }
        let (v4, v6) = tokio::join!(self.a(raw), self.aaaa(raw));
        match (v4, v6) {
            (Ok(mut a), Ok(b)) => {
                a.extend(b);
                Ok(a)
            }
            (Ok(a), Err(_)) | (Err(_), Ok(a)) => Ok(a),
            (Err(a), Err(b)) => Err(if a.is_absent() && !b.is_absent() {
                b
            } else {
                a
            }),
        }
    }

    fn non_empty<T>(&self, name: &str, rtype: &'static str, v: Vec<T>) -> Result<Vec<T>, DnsError> {
        if v.is_empty() {
            Err(DnsError {
                kind: DnsFailure::NoRecords,
                name: name.to_string(),
                rtype,
                detail: "the answer held no records of this type".into(),
            })
        } else {
            Ok(v)
        }
    }

    async fn records(&self, name: &str, rtype: RecordType) -> Result<Vec<RData>, DnsError> {
        let rtype_text: &'static str = match rtype {
            RecordType::MX => "MX",
            RecordType::SRV => "SRV",
            RecordType::TXT => "TXT",
            RecordType::A => "A",
            RecordType::AAAA => "AAAA",
            _ => "?",
        };
        let err = |kind: DnsFailure, detail: String| DnsError {
            kind,
            name: name.to_string(),
            rtype: rtype_text,
            detail,
        };
        let ascii = match crate::validate::to_ascii_host(name.trim().trim_end_matches('.')) {
            Ok(a) if is_dns_name(&a) => a,
            _ => return Err(err(DnsFailure::InvalidName, name.to_string())),
        };
        let fqdn = format!("{ascii}.");
        // The resolver's own timeout covers one exchange; this bounds the whole lookup
        // (a TCP retry after truncation included).
        let looked = tokio::time::timeout(
            self.timeout + Duration::from_millis(200),
            self.resolver.lookup(fqdn.as_str(), rtype),
        )
        .await;
        match looked {
            Err(_) => Err(err(DnsFailure::Timeout, "no answer in time".into())),
            Ok(Err(e)) => Err(err(classify(&e), e.to_string())),
            Ok(Ok(lookup)) => Ok(lookup.answers().iter().map(|r| r.data.clone()).collect()),
        }
    }
}

/// Letters, digits, '-' and '_' (service labels such as `_imaps._tcp`), labels of 1–63
/// characters, at most 253 in all.
fn is_dns_name(ascii: &str) -> bool {
    !ascii.is_empty()
        && ascii.len() <= 253
        && ascii.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// A name as we show and compare it: ASCII, lower case, no trailing dot.
fn host_text(s: &str) -> String {
    s.trim_end_matches('.').to_ascii_lowercase()
}

/// The kind of a resolver error, from its variants (never its message).
fn classify(e: &NetError) -> DnsFailure {
    match e {
        NetError::Timeout => DnsFailure::Timeout,
        NetError::Dns(HDnsError::NoRecordsFound(nr)) => {
            if nr.response_code == ResponseCode::NXDomain {
                DnsFailure::NxDomain
            } else {
                DnsFailure::NoRecords
            }
        }
        NetError::Dns(HDnsError::ResponseCode(ResponseCode::Refused)) => DnsFailure::Refused,
        NetError::Dns(HDnsError::ResponseCode(ResponseCode::NXDomain)) => DnsFailure::NxDomain,
        NetError::Dns(HDnsError::ResponseCode(_)) => DnsFailure::ServerFailure,
        NetError::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => DnsFailure::Refused,
            std::io::ErrorKind::TimedOut => DnsFailure::Timeout,
            _ => DnsFailure::Failed,
        },
        NetError::NoConnections => DnsFailure::Refused,
        _ => DnsFailure::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_parses_ip_with_and_without_port() {
        assert_eq!(
            DnsServer::parse("192.0.2.1").unwrap(),
            DnsServer::Custom("192.0.2.1:53".parse().unwrap())
        );
        assert_eq!(
            DnsServer::parse("127.0.0.1:5353").unwrap(),
            DnsServer::Custom("127.0.0.1:5353".parse().unwrap())
        );
        assert_eq!(
            DnsServer::parse("[::1]:5353").unwrap(),
            DnsServer::Custom("[::1]:5353".parse().unwrap())
        );
        assert_eq!(
            DnsServer::parse("::1").unwrap(),
            DnsServer::Custom("[::1]:53".parse().unwrap())
        );
        assert_eq!(DnsServer::parse(" ").unwrap(), DnsServer::System);
        assert!(DnsServer::parse("dns.example").is_err());
        assert!(DnsServer::parse("127.0.0.1:0").is_err());
    }

    #[test]
    fn the_first_given_server_decides() {
        let c = DnsServer::choose(Some("10.0.0.1"), Some("10.0.0.2"), "10.0.0.3").unwrap();
        assert_eq!(c, DnsServer::Custom("10.0.0.1:53".parse().unwrap()));
        let e = DnsServer::choose(None, Some("10.0.0.2"), "10.0.0.3").unwrap();
        assert_eq!(e, DnsServer::Custom("10.0.0.2:53".parse().unwrap()));
        let s = DnsServer::choose(None, Some(""), "10.0.0.3").unwrap();
        assert_eq!(s, DnsServer::Custom("10.0.0.3:53".parse().unwrap()));
        assert_eq!(
            DnsServer::choose(None, None, "").unwrap(),
            DnsServer::System
        );
        assert!(DnsServer::choose(Some("nonsense"), None, "10.0.0.3").is_err());
    }
}
