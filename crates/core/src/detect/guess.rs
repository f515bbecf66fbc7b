//! Guessing, the last source: `imap.`, `mail.`, `pop3.`/`pop.`, `smtp.` and the bare domain
//! on the standard ports, probes started in parallel and staggered by ~100 ms, encrypted
//! variants only unless allowed. A probe connects (names through the DNS layer), speaks TLS
//! for implicit-TLS ports (verified with the project's TLS configuration), reads the
//! greeting and, for STARTTLS ports, asks whether STARTTLS is offered — bounded in bytes and
//! time. The best found wins: implicit TLS over STARTTLS, IMAP over POP3.

use super::{DetectedAuth, DetectedProtocol, DetectedServer, SourceKind, UsernameForm};
use crate::dns::Dns;
use crate::kinds::Security;
use crate::tls::TlsConfig;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// The ports guessed. The standard ones by default; a network that maps them elsewhere (and
/// the tests, whose servers listen on high loopback ports) can name others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuessPorts {
    pub imaps: u16,
    pub imap: u16,
    pub pop3s: u16,
    pub pop3: u16,
    pub smtps: u16,
    pub submission: u16,
}

impl Default for GuessPorts {
    fn default() -> Self {
        GuessPorts {
            imaps: 993,
            imap: 143,
            pop3s: 995,
            pop3: 110,
            smtps: 465,
            submission: 587,
        }
    }
}

/// One guess: where and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub protocol: DetectedProtocol,
    pub host: String,
    pub port: u16,
    pub security: Security,
}

impl Candidate {
    /// Lower is better: IMAP before POP3; implicit TLS, then STARTTLS (then plain); then the
    /// order of the host list.
    fn rank(&self, order: usize) -> (u8, u8, usize) {
        let sec = match self.security {
            Security::Tls => 0,
            Security::Starttls | Security::Auto => 1,
            Security::None => 2,
        };
        let proto = match self.protocol {
            DetectedProtocol::Imap | DetectedProtocol::Smtp => 0,
            DetectedProtocol::Pop3 => 1,
        };
        (proto, sec, order)
    }
}

/// Every candidate for `domain` (ASCII), in the order they are started.
pub fn candidates(domain: &str, ports: &GuessPorts, plain_too: bool) -> Vec<Candidate> {
    let c = |protocol, prefix: &str, port, security| Candidate {
        protocol,
        host: if prefix.is_empty() {
            domain.to_string()
        } else {
            format!("{prefix}.{domain}")
        },
        port,
        security,
    };
    use DetectedProtocol::*;
    let mut out = Vec::new();
    for p in ["imap", "mail", ""] {
        out.push(c(Imap, p, ports.imaps, Security::Tls));
    }
    for p in ["smtp", "mail", ""] {
        out.push(c(Smtp, p, ports.smtps, Security::Tls));
        out.push(c(Smtp, p, ports.submission, Security::Starttls));
    }
    for p in ["imap", "mail", ""] {
        out.push(c(Imap, p, ports.imap, Security::Starttls));
    }
    for p in ["pop3", "pop", "mail", ""] {
        out.push(c(Pop3, p, ports.pop3s, Security::Tls));
        out.push(c(Pop3, p, ports.pop3, Security::Starttls));
    }
    if plain_too {
        for p in ["imap", "mail", ""] {
            out.push(c(Imap, p, ports.imap, Security::None));
        }
        for p in ["pop3", "pop", "mail", ""] {
            out.push(c(Pop3, p, ports.pop3, Security::None));
        }
    }
    out
}

/// What the probes found: the best incoming and outgoing server, and one line per probe.
#[derive(Debug, Default)]
pub struct Guessed {
    pub incoming: Option<DetectedServer>,
    pub outgoing: Option<DetectedServer>,
    pub lines: Vec<String>,
}

/// Runs the probes (staggered by `stagger`, each bounded by `probe_timeout`) until all have
/// answered, the best possible answer is in, or `deadline`.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    domain: &str,
    ports: &GuessPorts,
    plain_too: bool,
    dns: &Dns,
    tls: &Arc<TlsConfig>,
    probe_timeout: Duration,
    stagger: Duration,
    deadline: Instant,
) -> Guessed {
    let list = candidates(domain, ports, plain_too);
    let mut set = JoinSet::new();
    for (i, cand) in list.iter().cloned().enumerate() {
        let dns = dns.clone();
        let tls = tls.clone();
        let delay = stagger * i as u32;
        set.spawn(async move {
            tokio::time::sleep(delay).await;
            let r = tokio::time::timeout(probe_timeout, probe(&cand, &dns, &tls)).await;
            let r = r.unwrap_or_else(|_| Err(format!("no answer within {probe_timeout:?}")));
            (i, cand, r)
        });
    }
    let mut found: Vec<(usize, Candidate)> = Vec::new();
    let mut g = Guessed::default();
    let best_in = |f: &[(usize, Candidate)]| {
        f.iter()
            .filter(|(_, c)| c.protocol != DetectedProtocol::Smtp)
            .min_by_key(|(i, c)| c.rank(*i))
            .cloned()
    };
    let best_out = |f: &[(usize, Candidate)]| {
        f.iter()
            .filter(|(_, c)| c.protocol == DetectedProtocol::Smtp)
            .min_by_key(|(i, c)| c.rank(*i))
            .cloned()
    };
    loop {
        let next = tokio::time::timeout_at(deadline, set.join_next()).await;
        let Ok(Some(joined)) = next else {
            if next.is_err() {
                g.lines.push("stopped at the time budget".into());
            }
            break;
        };
        let Ok((i, cand, r)) = joined else { continue };
        match r {
            Ok(()) => {
                g.lines.push(format!(
                    "{}:{} {} {}: answers",
                    cand.host,
                    cand.port,
                    cand.protocol.label(),
                    cand.security.as_str()
                ));
                found.push((i, cand));
            }
            Err(e) => g.lines.push(format!(
                "{}:{} {} {}: {e}",
                cand.host,
                cand.port,
                cand.protocol.label(),
                cand.security.as_str()
            )),
        }
        // The best possible answers (the first IMAP TLS and SMTP TLS candidates) are in:
        // nothing still running can beat them.
        let top_in = best_in(&found).is_some_and(|(i, _)| i == 0);
        let top_out = best_out(&found).is_some_and(|(i, _)| i == 3);
        if top_in && top_out {
            break;
        }
    }
    set.abort_all();
    let server = |c: Candidate| DetectedServer {
        protocol: c.protocol,
        host: c.host,
        port: c.port,
        security: c.security,
        auth: DetectedAuth::Password,
        username: UsernameForm::EmailAddress,
        username_template: "%EMAILADDRESS%".into(),
        source: SourceKind::Guess,
        origin: domain.to_string(),
    };
    g.incoming = best_in(&found).map(|(_, c)| server(c));
    g.outgoing = best_out(&found).map(|(_, c)| server(c));
    g
}

/// Connects to one candidate and checks that it speaks its protocol (and STARTTLS).
pub async fn probe(c: &Candidate, dns: &Dns, tls: &Arc<TlsConfig>) -> Result<(), String> {
    let ips = dns.ips(&c.host).await.map_err(|e| e.to_string())?;
    let mut last = String::from("no address");
    let mut stream = None;
    for ip in ips {
        match TcpStream::connect((ip, c.port)).await {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = format!("{ip}: {e}"),
        }
    }
    let stream = stream.ok_or(last)?;
    if c.security == Security::Tls {
        let (mut cfg, _) = tls.https();
        cfg.alpn_protocols.clear();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));
        let name =
            rustls::pki_types::ServerName::try_from(c.host.clone()).map_err(|e| e.to_string())?;
        let s = connector
            .connect(name, stream)
            .await
            .map_err(|e| format!("TLS: {e}"))?;
        greet(c.protocol, s, false).await
    } else {
        greet(c.protocol, stream, c.security == Security::Starttls).await
    }
}

async fn greet<S: AsyncRead + AsyncWrite + Unpin>(
    protocol: DetectedProtocol,
    s: S,
    starttls: bool,
) -> Result<(), String> {
    let mut r = BufReader::new(s);
    let greeting = line(&mut r).await?;
    let ok = match protocol {
        DetectedProtocol::Imap => greeting.starts_with("* OK") || greeting.starts_with("* PREAUTH"),
        DetectedProtocol::Pop3 => greeting.starts_with("+OK"),
        DetectedProtocol::Smtp => greeting.starts_with("220"),
    };
    if !ok {
        return Err(format!(
            "not a {} greeting: {greeting:.60}",
            protocol.label()
        ));
    }
    if !starttls {
        return Ok(());
    }
    // Does the server offer STARTTLS? Bounded: at most 50 lines.
    let (cmd, want): (&[u8], &str) = match protocol {
        DetectedProtocol::Imap => (b"a1 CAPABILITY\r\n", "STARTTLS"),
        DetectedProtocol::Pop3 => (b"CAPA\r\n", "STLS"),
        DetectedProtocol::Smtp => (b"EHLO mailbox-admin.invalid\r\n", "STARTTLS"),
    };
    r.get_mut()
        .write_all(cmd)
        .await
        .map_err(|e| e.to_string())?;
    for _ in 0..50 {
        let l = line(&mut r).await?;
        if l.to_ascii_uppercase().contains(want) {
            return Ok(());
        }
        let done = match protocol {
            DetectedProtocol::Imap => l.starts_with("a1 "),
            DetectedProtocol::Pop3 => l == "." || l.starts_with("-ERR"),
            DetectedProtocol::Smtp => l.len() >= 4 && l.as_bytes()[3] == b' ',
        };
        if done {
            break;
        }
    }
    Err(format!("{want} not offered"))
}

async fn line<R: AsyncBufReadExt + Unpin>(r: &mut R) -> Result<String, String> {
    let mut buf = Vec::new();
    let mut limited = tokio::io::AsyncReadExt::take(r, 2048);
    let n = limited
        .read_until(b'\n', &mut buf)
        .await
        .map_err(|e| e.to_string())?;
    if n == 0 {
        return Err("connection closed".into());
    }
    Ok(String::from_utf8_lossy(&buf).trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_only_by_default_and_ranked() {
        let list = candidates("firma.test", &GuessPorts::default(), false);
        assert!(list.iter().all(|c| c.security != Security::None));
        assert_eq!(list[0].host, "imap.firma.test");
        assert_eq!(
            (list[3].host.as_str(), list[3].port),
            ("smtp.firma.test", 465)
        );
        let with_plain = candidates("firma.test", &GuessPorts::default(), true);
        assert!(with_plain.iter().any(|c| c.security == Security::None));
        let tls = &list[0];
        let starttls = list
            .iter()
            .position(|c| c.security == Security::Starttls && c.protocol == DetectedProtocol::Imap)
            .unwrap();
        assert!(tls.rank(0) < list[starttls].rank(starttls));
        let pop = list
            .iter()
            .position(|c| c.protocol == DetectedProtocol::Pop3 && c.security == Security::Tls)
            .unwrap();
        assert!(list[pop].rank(pop) > tls.rank(0));
    }
}
