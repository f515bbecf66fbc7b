//! Small hostile servers on 127.0.0.1: each misbehaves in one way a broken or malicious
//! server does. They run on the test's tokio runtime and end with it; every loop is bounded.

#![allow(dead_code)]

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy)]
pub enum Hostile {
    /// Accepts and never says a word.
    Silent,
    /// Accepts and closes at once.
    CloseAtOnce,
    /// An SMTP greeting that never ends: `220-…` continuation lines without a last line.
    EndlessBanner,
    /// A greeting trickling in one byte at a time, never finishing the line.
    TrickleBanner,
    /// One line of many megabytes.
    HugeLine,
    /// Random bytes in answer to the TLS client hello.
    GarbageTls,
    /// Starts a TLS server hello, then closes.
    CloseMidHandshake,
    /// This greeting line (e.g. an SMTP greeting on the IMAP port).
    Greeting(&'static str),
    /// An IMAP server that accepts any login, then answers LIST with a literal of 2 GB
    /// and trickles it.
    ImapLiteralBomb,
    /// An IMAP server that answers the greeting and every command correctly, each just
    /// before the step's timeout (this long after the request).
    ImapDrip(Duration),
    /// Courier's POP3 server with `POP3_TLS_REQUIRED=1`, as recorded: it offers USER and STLS
    /// and refuses USER on a plain connection, saying so only in words
    /// (`-ERR TLS required to log in.`).
    CourierPop3TlsRequired,
}

/// Starts `kind` on a free loopback port and returns the port.
pub async fn start(kind: Hostile) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        for _ in 0..50 {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(serve(kind, sock));
        }
    });
    port
}

async fn serve(kind: Hostile, mut sock: TcpStream) {
    let hold = Duration::from_secs(60);
    match kind {
        Hostile::Silent => {
            tokio::time::sleep(hold).await;
        }
        Hostile::CloseAtOnce => {}
        Hostile::EndlessBanner => {
            for _ in 0..200_000 {
                if sock
                    .write_all(b"220-Welcome to the banner that never ends\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
        Hostile::TrickleBanner => {
            let _ = sock.write_all(b"* OK ").await;
            for _ in 0..600 {
                if sock.write_all(b"z").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Hostile::HugeLine => {
            let chunk = vec![b'A'; 64 * 1024];
            let _ = sock.write_all(b"* OK ").await;
            for _ in 0..160 {
                if sock.write_all(&chunk).await.is_err() {
                    return;
                }
            }
            tokio::time::sleep(hold).await;
        }
        Hostile::GarbageTls => {
            let mut buf = [0u8; 4096];
            let _ = tokio::time::timeout(Duration::from_secs(5), sock.read(&mut buf)).await;
            let mut junk = vec![0u8; 4096];
            for (i, b) in junk.iter_mut().enumerate() {
                *b = (i as u8).wrapping_mul(73).wrapping_add(0x9b) | 0x80;
            }
            let _ = sock.write_all(&junk).await;
            tokio::time::sleep(hold).await;
        }
        Hostile::CloseMidHandshake => {
            let mut buf = [0u8; 4096];
            let _ = tokio::time::timeout(Duration::from_secs(5), sock.read(&mut buf)).await;
            // A handshake record header announcing 0x40 bytes, then only a few of them.
            let _ = sock
                .write_all(&[
                    0x16, 0x03, 0x03, 0x00, 0x40, 0x02, 0x00, 0x00, 0x3c, 0x03, 0x03,
                ])
                .await;
        }
        Hostile::ImapLiteralBomb => imap_literal_bomb(sock).await,
        Hostile::ImapDrip(delay) => imap_drip(sock, delay).await,
        Hostile::CourierPop3TlsRequired => courier_pop3_tls_required(sock).await,
        Hostile::Greeting(line) => {
            let _ = sock.write_all(format!("{line}\r\n").as_bytes()).await;
            let mut buf = [0u8; 1024];
            for _ in 0..100 {
                match tokio::time::timeout(hold, sock.read(&mut buf)).await {
                    Ok(Ok(n)) if n > 0 => {}
                    _ => return,
                }
            }
        }
    }
}

async fn imap_drip(sock: TcpStream, delay: Duration) {
    use tokio::io::AsyncBufReadExt;
    let (read, mut write) = sock.into_split();
    let mut lines = tokio::io::BufReader::new(read).lines();
    tokio::time::sleep(delay).await;
    if write.write_all(b"* OK drip ready\r\n").await.is_err() {
        return;
    }
    for _ in 0..20 {
        let Ok(Ok(Some(line))) =
            tokio::time::timeout(Duration::from_secs(10), lines.next_line()).await
        else {
            return;
        };
        let tag = line.split(' ').next().unwrap_or("*").to_string();
        tokio::time::sleep(delay).await;
        let answer = if line.to_ascii_uppercase().contains("CAPABILITY") {
            format!("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
        } else {
            format!("{tag} OK done\r\n")
        };
        if write.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

async fn imap_literal_bomb(sock: TcpStream) {
    use tokio::io::AsyncBufReadExt;
    let (read, mut write) = sock.into_split();
    let mut lines = tokio::io::BufReader::new(read).lines();
    let greeting = b"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] hostile ready\r\n";
    if write.write_all(greeting).await.is_err() {
        return;
    }
    for _ in 0..20 {
        let Ok(Ok(Some(line))) =
            tokio::time::timeout(Duration::from_secs(10), lines.next_line()).await
        else {
            return;
        };
        let tag = line.split(' ').next().unwrap_or("*").to_string();
        let upper = line.to_ascii_uppercase();
        let answer = if upper.contains(" LIST ") {
            let _ = write.write_all(b"* LIST () \"/\" {2000000000}\r\n").await;
            for _ in 0..1000 {
                if write.write_all(&[b'x'; 1024]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            return;
        } else if upper.contains(" AUTHENTICATE ") {
            format!("{tag} OK [CAPABILITY IMAP4rev1] logged in\r\n")
        } else {
            format!("{tag} OK done\r\n")
        };
        if write.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

async fn courier_pop3_tls_required(sock: TcpStream) {
    use tokio::io::AsyncBufReadExt;
    let (read, mut write) = sock.into_split();
    let mut lines = tokio::io::BufReader::new(read).lines();
    if write.write_all(b"+OK Hello there.\r\n").await.is_err() {
        return;
    }
    for _ in 0..20 {
        let Ok(Ok(Some(line))) =
            tokio::time::timeout(Duration::from_secs(10), lines.next_line()).await
        else {
            return;
        };
        let command = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
        let answer: &[u8] = match command.as_str() {
            "CAPA" => b"+OK Here's what I can do:\r\nSTLS\r\nTOP\r\nUSER\r\nLOGIN-DELAY 10\r\nPIPELINING\r\nUIDL\r\nIMPLEMENTATION Courier Mail Server\r\n.\r\n",
            "USER" | "PASS" | "AUTH" => b"-ERR TLS required to log in.\r\n",
            "QUIT" => {
                let _ = write.write_all(b"+OK Bye-bye.\r\n").await;
                return;
            }
            _ => b"-ERR Invalid command.\r\n",
        };
        if write.write_all(answer).await.is_err() {
            return;
        }
    }
}
