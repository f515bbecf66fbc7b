//! Name resolution (IDN as punycode) and the TCP connect, with their errors classified
//! into diagnosis codes.

use super::conn::Conn;
use super::runner::{Done, Failure};
use super::transcript::Transcript;
use crate::diag::{DiagnosisCode, EvidenceKey};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::net::TcpSocket;

/// The host as it is resolved: an IP literal, or the punycode (A-label) form of a name.
pub(crate) fn ascii_host(host: &str) -> String {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    if h.parse::<IpAddr>().is_ok() {
        return h.to_string();
    }
    crate::validate::to_ascii_host(h).unwrap_or_else(|_| h.to_string())
}

/// Resolves `host` to addresses: A and AAAA through the system resolver, or through `dns`
/// when one is given (a custom DNS server for split-horizon networks).
pub(crate) async fn resolve(
    host: &str,
    port: u16,
    dns: Option<&crate::dns::Dns>,
) -> Result<Done<(String, Vec<SocketAddr>)>, Failure> {
    let raw = host.trim().trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = raw.parse::<IpAddr>() {
        return Ok(Done::new(
            (ip.to_string(), vec![SocketAddr::new(ip, port)]),
            "resolved_ip",
        )
        .arg("host", ip.to_string()));
    }
    let ascii = match crate::validate::to_ascii_host(raw) {
        Ok(a) if !a.is_empty() => a,
        _ => {
            return Err(Failure::new(DiagnosisCode::DnsNotFound)
                .with(EvidenceKey::Name, raw)
                .with(EvidenceKey::ResolverSaid, "not a valid host name"))
        }
    };
    // RFC 6761 §6.4: names under .invalid never exist; answer without asking the network.
    let bare = ascii.trim_end_matches('.').to_ascii_lowercase();
    if bare == "invalid" || bare.ends_with(".invalid") {
        return Err(Failure::new(DiagnosisCode::DnsNotFound)
            .with(EvidenceKey::Name, ascii.clone())
            .with(
                EvidenceKey::ResolverSaid,
                "reserved name (.invalid, RFC 6761)",
            ));
    }
    if let Some(dns) = dns {
        return match dns.ips(&ascii).await {
            Ok(ips) => Ok(resolved(
                raw,
                ascii,
                ips.into_iter()
                    .map(|ip| SocketAddr::new(ip, port))
                    .collect(),
            )),
            Err(e) => Err(Failure::new(if e.is_absent() {
                DiagnosisCode::DnsNotFound
            } else {
                DiagnosisCode::DnsFailed
            })
            .with(EvidenceKey::Name, ascii)
            .with(EvidenceKey::ResolverSaid, e.to_string())),
        };
    }
    let looked = lookup(ascii.clone(), port).await;
    match looked {
        Ok(addrs) => {
            let mut list: Vec<SocketAddr> = Vec::new();
            for a in addrs {
                if !list.contains(&a) {
                    list.push(a);
                }
            }
            if list.is_empty() {
                return Err(Failure::new(DiagnosisCode::DnsNotFound)
                    .with(EvidenceKey::Name, ascii)
                    .with(EvidenceKey::ResolverSaid, "no A or AAAA record"));
            }
            Ok(resolved(raw, ascii, list))
        }
        Err((code, said)) => Err(Failure::new(code)
            .with(EvidenceKey::Name, ascii)
            .with(EvidenceKey::ResolverSaid, said)),
    }
}

/// getaddrinfo (the system resolver: hosts file, DNS, mDNS as configured) off the async
/// runtime. A failure is classified by its code (EAI_NONAME, EAI_NODATA), never by the
/// text of gai_strerror, which follows the desktop's language once GTK sets the locale.
async fn lookup(host: String, port: u16) -> Result<Vec<SocketAddr>, (DiagnosisCode, String)> {
    let found = tokio::task::spawn_blocking(move || {
        let hints = dns_lookup::AddrInfoHints {
            socktype: dns_lookup::SockType::Stream.into(),
            ..Default::default()
        };
        dns_lookup::getaddrinfo(Some(&host), None, Some(hints)).map(|found| {
            found
                .filter_map(Result::ok)
                .map(|a| SocketAddr::new(a.sockaddr.ip(), port))
                .collect::<Vec<_>>()
        })
    })
    .await
    .map_err(|e| (DiagnosisCode::DnsFailed, e.to_string()))?;
    found.map_err(|e| {
        let code = classify_dns(e.kind());
        (code, io::Error::from(e).to_string())
    })
}

/// What a getaddrinfo failure means for the administrator: the name does not exist (or has
/// no address) versus the resolver could not answer.
pub(crate) fn classify_dns(kind: dns_lookup::LookupErrorKind) -> DiagnosisCode {
    use dns_lookup::LookupErrorKind::*;
    match kind {
        NoName | NoData => DiagnosisCode::DnsNotFound,
        _ => DiagnosisCode::DnsFailed,
    }
}

fn resolved(raw: &str, ascii: String, list: Vec<SocketAddr>) -> Done<(String, Vec<SocketAddr>)> {
    let shown = list
        .iter()
        .map(|a| a.ip().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let name = if ascii != raw {
        format!("{raw} ({ascii})")
    } else {
        ascii.clone()
    };
    Done::new((ascii, list), "resolved")
        .arg("host", name)
        .arg("addrs", shown)
}

pub(crate) fn classify_connect(e: &io::Error) -> DiagnosisCode {
    use io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused => DiagnosisCode::NetRefused,
        TimedOut => DiagnosisCode::NetTimeout,
        NetworkUnreachable | HostUnreachable | AddrNotAvailable | NetworkDown => {
            DiagnosisCode::NetUnreachable
        }
        _ => match e.raw_os_error() {
            Some(111) | Some(61) | Some(10061) => DiagnosisCode::NetRefused,
            Some(110) | Some(60) | Some(10060) => DiagnosisCode::NetTimeout,
            _ => DiagnosisCode::NetUnreachable,
        },
    }
}

/// Connects to the first address that answers. Each address gets an equal share of `limit`
/// (at most three are tried), so one dead address does not eat the whole timeout.
pub(crate) async fn connect(
    addrs: &[SocketAddr],
    local: Option<IpAddr>,
    limit: Duration,
    transcript: &Transcript,
) -> Result<Done<Conn>, Failure> {
    let tried = &addrs[..addrs.len().min(3)];
    let share = limit / tried.len().max(1) as u32;
    let mut errors: Vec<(SocketAddr, DiagnosisCode, String)> = Vec::new();
    for addr in tried {
        match tokio::time::timeout(share, connect_one(*addr, local)).await {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                let local_addr = stream
                    .local_addr()
                    .unwrap_or_else(|_| SocketAddr::new(addr.ip(), 0));
                transcript.info(&format!("connected {local_addr} → {addr}"));
                let conn = Conn::new(
                    Box::new(QuickAck(stream)),
                    *addr,
                    local_addr,
                    transcript.clone(),
                );
                return Ok(Done::new(conn, "connected").arg("addr", addr.to_string()));
            }
            Ok(Err(e)) => errors.push((*addr, classify_connect(&e), e.to_string())),
            Err(_) => errors.push((
                *addr,
                DiagnosisCode::NetTimeout,
                format!("no answer within {:.1} s", share.as_secs_f32()),
            )),
        }
    }
    // The most telling failure wins: a refusal proves the host is there.
    let code = [
        DiagnosisCode::NetRefused,
        DiagnosisCode::NetTimeout,
        DiagnosisCode::NetUnreachable,
    ]
    .into_iter()
    .find(|c| errors.iter().any(|e| e.1 == *c))
    .unwrap_or(DiagnosisCode::NetUnreachable);
    let mut f = Failure::new(code);
    for (addr, _, msg) in errors {
        f = f.with(EvidenceKey::Address, format!("{addr}: {msg}"));
    }
    Err(f)
}

/// A TCP stream that acknowledges what it receives at once. Servers with Nagle's algorithm
/// on (Postfix after STARTTLS: session tickets, then the EHLO reply) otherwise wait for our
/// delayed ACK, and every such exchange costs 40 ms on Linux.
struct QuickAck(tokio::net::TcpStream);

impl tokio::io::AsyncRead for QuickAck {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        let me = self.get_mut();
        #[cfg(target_os = "linux")]
        {
            // Not sticky in the kernel: set before every read.
            let _ = socket2::SockRef::from(&me.0).set_tcp_quickack(true);
        }
        std::pin::Pin::new(&mut me.0).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for QuickAck {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

async fn connect_one(addr: SocketAddr, local: Option<IpAddr>) -> io::Result<tokio::net::TcpStream> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    if let Some(ip) = local {
        socket.bind(SocketAddr::new(ip, 0))?;
    }
    socket.connect(addr).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolver_failures_are_classified_by_code() {
        use dns_lookup::LookupErrorKind::*;
        assert_eq!(classify_dns(NoName), DiagnosisCode::DnsNotFound);
        assert_eq!(classify_dns(NoData), DiagnosisCode::DnsNotFound);
        assert_eq!(classify_dns(Again), DiagnosisCode::DnsFailed);
        assert_eq!(classify_dns(Fail), DiagnosisCode::DnsFailed);
    }

    #[test]
    fn connect_errors_are_classified() {
        use io::ErrorKind::*;
        assert_eq!(
            classify_connect(&ConnectionRefused.into()),
            DiagnosisCode::NetRefused
        );
        assert_eq!(
            classify_connect(&TimedOut.into()),
            DiagnosisCode::NetTimeout
        );
        assert_eq!(
            classify_connect(&NetworkUnreachable.into()),
            DiagnosisCode::NetUnreachable
        );
        assert_eq!(
            classify_connect(&HostUnreachable.into()),
            DiagnosisCode::NetUnreachable
        );
    }

    #[test]
    fn idn_hosts_are_resolved_as_punycode() {
        assert_eq!(
            ascii_host("mail.müller-bau.de"),
            "mail.xn--mller-bau-q9a.de"
        );
        assert_eq!(ascii_host("[2001:db8::1]"), "2001:db8::1");
    }
}
