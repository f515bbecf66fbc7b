//! Every hostile behaviour against every mail protocol it applies to: each test ends within
//! its timeout + 1 s with a diagnosis, and the whole matrix stays in bounded memory (peak
//! RSS of this process, measured). The servers are small scripts on 127.0.0.1.

use mailbox_admin_core::model::Security;
use mailbox_admin_core::probe::*;
use mailbox_admin_core::Lang;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const TIMEOUT: Duration = Duration::from_secs(2);
const PASSWORD: &str = "Canary-Echo-7q";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Misbehave {
    /// Accepts and never says a word.
    Silent,
    /// Accepts and closes.
    CloseAtOnce,
    /// The greeting trickles in a byte at a time and never ends.
    Trickle,
    /// One line of ten megabytes.
    HugeLine,
    /// Answers the capabilities command with lines that never end (POP3: an endless CAPA).
    Endless,
    /// Refuses STARTTLS (IMAP NO, POP3 -ERR, SMTP 454).
    StarttlsRefused,
    /// Says "go ahead" to STARTTLS and sends a plaintext line right behind it.
    InjectAfterStarttls,
    /// An HTTP server on the mail port: waits for a request, answers 400, closes.
    Http,
    /// Answers everything correctly, each answer just before the step's timeout.
    Drip,
    /// Refuses the login quoting back what the client sent (with the credentials).
    Echo,
    /// Random bytes in answer to the TLS client hello.
    GarbageTls,
}

fn greeting(p: ProbeProtocol, how: Misbehave) -> &'static str {
    match p {
        // Without capabilities in the greeting, so that the client asks for them.
        ProbeProtocol::Imap if how == Misbehave::Endless => "* OK hostile ready\r\n",
        ProbeProtocol::Pop3 => "+OK hostile ready\r\n",
        ProbeProtocol::Smtp => "220 hostile.example.test ESMTP\r\n",
        _ => "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] hostile ready\r\n",
    }
}

/// The answer to one client line; `None`: stop serving.
fn answer(p: ProbeProtocol, how: Misbehave, line: &str, last: &str) -> Option<String> {
    let up = line.to_ascii_uppercase();
    let tag = line.split(' ').next().unwrap_or("*");
    let starttls = up == "STLS" || up == "STARTTLS" || up.ends_with(" STARTTLS");
    let caps = up == "CAPA" || up.starts_with("EHLO") || up.ends_with(" CAPABILITY");
    let login = up.starts_with("PASS ")
        || up.starts_with("AUTH ")
        || up.contains(" LOGIN ")
        || up.contains(" AUTHENTICATE ")
        || last.to_ascii_uppercase().contains(" AUTHENTICATE ");
    Some(match (p, how) {
        (_, Misbehave::StarttlsRefused) if starttls => match p {
            ProbeProtocol::Pop3 => "-ERR not now\r\n".into(),
            ProbeProtocol::Smtp => "454 4.7.0 TLS not available due to temporary reason\r\n".into(),
            _ => format!("{tag} NO STARTTLS not possible now\r\n"),
        },
        (_, Misbehave::InjectAfterStarttls) if starttls => match p {
            ProbeProtocol::Pop3 => "+OK Begin TLS\r\n+OK injected\r\n".into(),
            ProbeProtocol::Smtp => "220 2.0.0 Ready\r\n250 injected\r\n".into(),
            _ => format!("{tag} OK Begin TLS\r\n* OK injected\r\n"),
        },
        (ProbeProtocol::Imap, Misbehave::Echo) if up.ends_with("AUTHENTICATE PLAIN") => {
            "+ \r\n".into()
        }
        (ProbeProtocol::Smtp, Misbehave::Echo) if up == "AUTH PLAIN" => "334 \r\n".into(),
        (ProbeProtocol::Pop3, Misbehave::Echo) if up.starts_with("USER ") => "+OK\r\n".into(),
        (_, Misbehave::Echo) if login => match p {
            ProbeProtocol::Pop3 => format!("-ERR [AUTH] you said: {line}\r\n"),
            ProbeProtocol::Smtp => format!("535 5.7.8 you said: {line}\r\n"),
            _ => {
                let t = last
                    .split(' ')
                    .next()
                    .filter(|_| !line.contains(' '))
                    .unwrap_or(tag);
                format!("{t} NO [AUTHENTICATIONFAILED] you said: {line}\r\n")
            }
        },
        (ProbeProtocol::Pop3, _) if caps => "+OK\r\nUSER\r\nSTLS\r\nSASL PLAIN\r\n.\r\n".into(),
        (ProbeProtocol::Smtp, _) if caps => {
            "250-hostile.example.test\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n".into()
        }
        (ProbeProtocol::Imap, _) if caps => {
            format!("* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n{tag} OK done\r\n")
        }
        (ProbeProtocol::Pop3, _) if up == "QUIT" => return None,
        (ProbeProtocol::Pop3, _) => "+OK\r\n".into(),
        (ProbeProtocol::Smtp, _) if up == "QUIT" => return None,
        (ProbeProtocol::Smtp, _) => "250 2.0.0 ok\r\n".into(),
        _ => format!("{tag} OK done\r\n"),
    })
}

async fn endless(p: ProbeProtocol, sock: &mut TcpStream) {
    let (first, each): (&[u8], &[u8]) = match p {
        ProbeProtocol::Pop3 => (b"+OK capabilities follow\r\n", b"X-NEVER-ENDING\r\n"),
        ProbeProtocol::Smtp => (b"", b"250-still more capabilities\r\n"),
        _ => (b"", b"* OK still talking\r\n"),
    };
    if sock.write_all(first).await.is_err() {
        return;
    }
    let chunk = each.repeat(256);
    for _ in 0..4000 {
        if sock.write_all(&chunk).await.is_err() {
            return;
        }
    }
}

async fn serve(p: ProbeProtocol, how: Misbehave, mut sock: TcpStream) {
    let hold = Duration::from_secs(30);
    match how {
        Misbehave::Silent => return tokio::time::sleep(hold).await,
        Misbehave::CloseAtOnce => return,
        Misbehave::Trickle => {
            for b in greeting(p, how)
                .bytes()
                .take(4)
                .chain(std::iter::repeat(b'z'))
                .take(300)
            {
                if sock.write_all(&[b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            return;
        }
        Misbehave::HugeLine => {
            let prefix = &greeting(p, how)[..4];
            let _ = sock.write_all(prefix.as_bytes()).await;
            let chunk = vec![b'A'; 64 * 1024];
            for _ in 0..160 {
                if sock.write_all(&chunk).await.is_err() {
                    return;
                }
            }
            return tokio::time::sleep(hold).await;
        }
        Misbehave::GarbageTls | Misbehave::Http => {
            let mut buf = [0u8; 4096];
            let _ = tokio::time::timeout(hold, tokio::io::AsyncReadExt::read(&mut sock, &mut buf))
                .await;
            let reply: Vec<u8> = if how == Misbehave::Http {
                b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n".to_vec()
            } else {
                (0..4096u32)
                    .map(|i| (i as u8).wrapping_mul(73) | 0x80)
                    .collect()
            };
            let _ = sock.write_all(&reply).await;
            return;
        }
        _ => {}
    }
    let drip = |how| async move {
        if how == Misbehave::Drip {
            tokio::time::sleep(TIMEOUT * 3 / 4).await;
        }
    };
    drip(how).await;
    if sock.write_all(greeting(p, how).as_bytes()).await.is_err() {
        return;
    }
    let (read, mut write) = sock.split();
    let mut lines = BufReader::new(read).lines();
    let mut last = String::new();
    for _ in 0..30 {
        let Ok(Ok(Some(line))) = tokio::time::timeout(hold, lines.next_line()).await else {
            return;
        };
        let up = line.to_ascii_uppercase();
        if how == Misbehave::Endless
            && (up == "CAPA" || up.starts_with("EHLO") || up.ends_with(" CAPABILITY"))
        {
            drop(lines);
            return endless(p, &mut sock).await;
        }
        drip(how).await;
        let Some(a) = answer(p, how, &line, &last) else {
            return;
        };
        if write.write_all(a.as_bytes()).await.is_err() {
            return;
        }
        last = line;
    }
}

async fn start(p: ProbeProtocol, how: Misbehave) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        for _ in 0..10 {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(serve(p, how, sock));
        }
    });
    port
}

/// The code (or code family, ending in '.') a case must be diagnosed with.
fn expected(how: Misbehave, security: Security) -> &'static str {
    match (how, security) {
        (Misbehave::Silent | Misbehave::Trickle | Misbehave::Drip, _) => "net.silent",
        (Misbehave::CloseAtOnce, Security::Tls) => "tls.",
        (Misbehave::CloseAtOnce, _) => "net.closed",
        (Misbehave::GarbageTls | Misbehave::Http, Security::Tls) => "tls.",
        (Misbehave::Http, _) => "net.silent",
        (Misbehave::HugeLine | Misbehave::Endless | Misbehave::InjectAfterStarttls, _) => {
            "protocol.invalid_response"
        }
        (Misbehave::StarttlsRefused, _) => "tls.",
        (Misbehave::Echo, _) => "auth.",
        (Misbehave::GarbageTls, _) => "",
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_behaviour_against_every_protocol_ends_in_time_with_a_diagnosis() {
    use Misbehave::*;
    let protocols = [
        ProbeProtocol::Imap,
        ProbeProtocol::Pop3,
        ProbeProtocol::Smtp,
    ];
    let mut cases = Vec::new();
    for p in protocols {
        for how in [
            Silent,
            CloseAtOnce,
            Trickle,
            HugeLine,
            Endless,
            StarttlsRefused,
            InjectAfterStarttls,
            Http,
            Drip,
        ] {
            cases.push((p, how, Security::Starttls));
        }
        for how in [Silent, CloseAtOnce, GarbageTls, Http] {
            cases.push((p, how, Security::Tls));
        }
        cases.push((p, Echo, Security::None));
    }
    let mut runs = tokio::task::JoinSet::new();
    for (p, how, security) in cases.clone() {
        runs.spawn(async move {
            let port = start(p, how).await;
            let mut t = ProbeTarget::new(p, "127.0.0.1", port, security);
            t.timeout = TIMEOUT;
            t.user = "alice@example.test".into();
            t.sender = "alice@example.test".into();
            t.password = Some(Secret::new(PASSWORD));
            t.allow_plaintext = security == Security::None;
            t.os_verdict = false;
            let started = Instant::now();
            let r = run(
                &TestPlan::single(t),
                Lang::En,
                &|_| {},
                &CancellationToken::new(),
            )
            .await;
            (p, how, security, started.elapsed(), r)
        });
    }
    let mut problems = Vec::new();
    while let Some(done) = runs.join_next().await {
        let (p, how, security, took, r) = done.unwrap();
        let case = format!("{p:?} {how:?} {security:?}");
        if took > TIMEOUT + Duration::from_secs(1) {
            problems.push(format!("{case}: took {took:?}"));
        }
        if r.ok {
            problems.push(format!("{case}: passed"));
            continue;
        }
        let codes: Vec<String> = r
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Failed)
            .filter_map(|s| s.diagnosis.as_ref().map(|d| d.code.to_string()))
            .collect();
        let want = expected(how, security);
        if codes.is_empty() || !codes.iter().any(|c| c.starts_with(want)) {
            problems.push(format!("{case}: expected {want}, got {codes:?}"));
        }
        // Whatever the server echoes, no form of the password is kept.
        let json = serde_json::to_string(&r).unwrap();
        let plain_b64 = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .encode(format!("\0alice@example.test\0{PASSWORD}"))
        };
        if json.contains(PASSWORD) || json.contains(&plain_b64) {
            problems.push(format!("{case}: the password is in the report"));
        }
        if how == Echo && !json.contains("you said") {
            problems.push(format!("{case}: the echoing answer is not shown"));
        }
    }
    let peak = peak_rss_kib();
    println!("{} cases; peak RSS {} MiB", cases.len(), peak / 1024);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Endless answers and a 10 MB line, three protocols at once, stay far from unbounded.
    assert!(peak < 256 * 1024, "peak RSS {} MiB", peak / 1024);
}

// ---- the HTTPS requests of OAuth --------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
enum HttpsMisbehave {
    Silent,
    CloseAtOnce,
    GarbageTls,
    /// Plain HTTP on the HTTPS port.
    PlainHttp,
    /// The TLS handshake, then nothing.
    TlsSilent,
    /// A JSON answer that never ends.
    EndlessBody,
    /// The status line, then one header byte every 100 ms.
    DripHeaders,
    /// A header line of two megabytes.
    HugeHeader,
    /// An error answer quoting the whole request back (its Authorization header included).
    Echo,
}

/// A CA and a certificate for 127.0.0.1 signed by it: (CA PEM, server TLS configuration).
fn https_pki() -> (String, std::sync::Arc<rustls::ServerConfig>) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::from_params(&ca, &ca_key);
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![leaf.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
    .unwrap();
    (ca_cert.pem(), std::sync::Arc::new(config))
}

async fn serve_https(
    how: HttpsMisbehave,
    mut sock: TcpStream,
    tls: std::sync::Arc<rustls::ServerConfig>,
) {
    use tokio::io::AsyncReadExt;
    let hold = Duration::from_secs(30);
    let mut buf = vec![0u8; 64 * 1024];
    match how {
        HttpsMisbehave::Silent => return tokio::time::sleep(hold).await,
        HttpsMisbehave::CloseAtOnce => return,
        HttpsMisbehave::GarbageTls | HttpsMisbehave::PlainHttp => {
            let _ = tokio::time::timeout(hold, sock.read(&mut buf)).await;
            let reply: Vec<u8> = if how == HttpsMisbehave::PlainHttp {
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".to_vec()
            } else {
                (0..4096u32)
                    .map(|i| (i as u8).wrapping_mul(73) | 0x80)
                    .collect()
            };
            let _ = sock.write_all(&reply).await;
            return;
        }
        _ => {}
    }
    let Ok(mut s) = tokio_rustls::TlsAcceptor::from(tls).accept(sock).await else {
        return;
    };
    if how == HttpsMisbehave::TlsSilent {
        return tokio::time::sleep(hold).await;
    }
    // The request head and body (a token request is small).
    let mut request = Vec::new();
    while let Ok(Ok(n)) = tokio::time::timeout(Duration::from_millis(300), s.read(&mut buf)).await {
        if n == 0 || request.len() > 256 * 1024 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    match how {
        HttpsMisbehave::EndlessBody => {
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{\"access_token\":\"")
                .await;
            let chunk = vec![b'a'; 64 * 1024];
            for _ in 0..2000 {
                if s.write_all(&chunk).await.is_err() {
                    return;
                }
            }
        }
        HttpsMisbehave::DripHeaders => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\n").await;
            for _ in 0..300 {
                if s.write_all(b"X").await.is_err() {
                    return;
                }
                let _ = s.flush().await;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        HttpsMisbehave::HugeHeader => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nX-Big: ").await;
            let _ = s.write_all(&vec![b'b'; 2 * 1024 * 1024]).await;
            let _ = s.write_all(b"\r\n\r\n").await;
        }
        HttpsMisbehave::Echo => {
            let said = String::from_utf8_lossy(&request).replace(['"', '\\'], " ");
            let body = format!(
                "{{\"error\":\"invalid_client\",\"error_description\":\"you sent: {}\"}}",
                said.replace("\r\n", " | ")
            );
            let _ = s
                .write_all(
                    format!(
                        "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                )
                .await;
        }
        _ => {}
    }
    let _ = s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_behaviour_against_the_oauth_https_requests_ends_in_time() {
    use mailbox_admin_core::oauth::{client_credentials, Http, ProviderConfig};
    use HttpsMisbehave::*;
    const SECRET: &str = "Canary-Client-Secret-9x";
    let (ca, tls) = https_pki();
    let mut runs = tokio::task::JoinSet::new();
    for how in [
        Silent,
        CloseAtOnce,
        GarbageTls,
        PlainHttp,
        TlsSilent,
        EndlessBody,
        DripHeaders,
        HugeHeader,
        Echo,
    ] {
        let (ca, tls) = (ca.clone(), tls.clone());
        runs.spawn(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            tokio::spawn(async move {
                for _ in 0..5 {
                    let Ok((sock, _)) = listener.accept().await else {
                        return;
                    };
                    tokio::spawn(serve_https(how, sock, tls.clone()));
                }
            });
            let cfg = ProviderConfig {
                client_id: "mailbox-admin".into(),
                client_secret: Some(Secret::new(SECRET)),
                authorization_endpoint: String::new(),
                token_endpoint: format!("https://127.0.0.1:{port}/token"),
                device_endpoint: String::new(),
                revocation_endpoint: String::new(),
                scopes: "openid".into(),
                app_scopes: "https://outlook.office365.com/.default".into(),
                http: Http::with_roots(&[ca]).with_timeout(TIMEOUT),
            };
            let started = Instant::now();
            let r = client_credentials(&cfg).await;
            (how, started.elapsed(), r)
        });
    }
    let mut problems = Vec::new();
    while let Some(done) = runs.join_next().await {
        let (how, took, r) = done.unwrap();
        if took > TIMEOUT + Duration::from_secs(1) {
            problems.push(format!("{how:?}: took {took:?}"));
        }
        let Err(f) = r else {
            problems.push(format!("{how:?}: a token was accepted"));
            continue;
        };
        let shown = format!("{f:?} {}", serde_json::to_string(&f).unwrap());
        let basic = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(format!("mailbox-admin:{SECRET}"))
        };
        if shown.contains(SECRET) || shown.contains(&basic) {
            problems.push(format!(
                "{how:?}: the client secret is in the failure: {shown}"
            ));
        }
        if how == Echo && !shown.contains("you sent") {
            problems.push(format!(
                "{how:?}: the provider's answer is not shown: {shown}"
            ));
        }
        println!("{how:?}: {} in {took:?}", f.code);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
