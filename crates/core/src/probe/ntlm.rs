//! NTLM ("Windows authentication") as a SASL mechanism for IMAP, POP3 and SMTP: the
//! NTLMSSP negotiate message, the server's challenge, and an NTLMv2 authenticate message
//! (MS-NLMP §3.3.2). NTLMv1 and LM are never sent: they give away the password to anyone
//! who records the exchange.
//!
//! Own code on purpose (100 lines on md4/hmac/md-5): the crate found for it (`ntlmclient`
//! 0.2, one author) brings chrono, rand 0.8 and DES for the NTLMv1 we never send, and picks
//! its client challenge itself, so its answers cannot be checked against recorded ones.
//!
//! The domain is sent and hashed in upper case. Windows compares domain names without case,
//! and Cyrus SASL (Postfix's NTLM) upper-cases user and domain together for the NTLMv2 key
//! whatever the client sent; upper case is what both accept.

use super::sasl::{b64, Authenticator};
use crate::sensitive::Secret;
use hmac::{Hmac, Mac};
use md4::{Digest, Md4};

const SIGNATURE: &[u8; 8] = b"NTLMSSP\0";
const UNICODE: u32 = 0x0000_0001;
const OEM: u32 = 0x0000_0002;
const REQUEST_TARGET: u32 = 0x0000_0004;
const NTLM: u32 = 0x0000_0200;
const ALWAYS_SIGN: u32 = 0x0000_8000;
const TARGET_TYPE_DOMAIN: u32 = 0x0001_0000;
const EXTENDED_SESSION_SECURITY: u32 = 0x0008_0000;
const NEGOTIATE_128: u32 = 0x2000_0000;
const NEGOTIATE_56: u32 = 0x8000_0000;
/// Our name in the authenticate message (servers log it; no host name of ours leaves).
const WORKSTATION: &str = "MAILBOX-ADMIN";

/// The user and the Windows domain to log in with: the configured domain, else the
/// `DOMAIN\user` form of the user name; the domain in upper case.
pub(crate) fn user_and_domain(user: &str, domain: &str) -> (String, String) {
    let domain = domain.trim();
    match user.split_once('\\') {
        Some((d, u)) if domain.is_empty() => (u.to_string(), d.trim().to_uppercase()),
        _ => (user.to_string(), domain.to_uppercase()),
    }
}

/// What the server's challenge (type 2 message) said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub flags: u32,
    pub nonce: [u8; 8],
    /// The server's domain (or name) as it announces it.
    pub target_name: String,
    /// AV pairs (MS-NLMP §2.2.2.1), echoed in the NTLMv2 blob.
    pub target_info: Vec<u8>,
}

impl Challenge {
    /// The NetBIOS and DNS domain names in the target info (AV ids 2 and 4).
    pub fn domains(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = self.target_info.as_slice();
        while rest.len() >= 4 {
            let id = u16::from_le_bytes([rest[0], rest[1]]);
            let len = usize::from(u16::from_le_bytes([rest[2], rest[3]]));
            let Some(value) = rest.get(4..4 + len) else {
                break;
            };
            if id == 0 {
                break;
            }
            if id == 2 || id == 4 {
                out.push(utf16(value));
            }
            rest = &rest[4 + len..];
        }
        out
    }

    /// The server's timestamp (AV id 7), if it sent one.
    fn timestamp(&self) -> Option<u64> {
        let mut rest = self.target_info.as_slice();
        while rest.len() >= 4 {
            let id = u16::from_le_bytes([rest[0], rest[1]]);
            let len = usize::from(u16::from_le_bytes([rest[2], rest[3]]));
            let value = rest.get(4..4 + len)?;
            if id == 0 {
                return None;
            }
            if id == 7 && len == 8 {
                return Some(u64::from_le_bytes(value.try_into().ok()?));
            }
            rest = &rest[4 + len..];
        }
        None
    }
}

fn utf16(b: &[u8]) -> String {
    let units: Vec<u16> = b
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

fn unicode(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// A security buffer's bytes (length at `at`, offset at `at + 4`).
fn field(msg: &[u8], at: usize) -> Option<&[u8]> {
    let len = usize::from(u16::from_le_bytes(msg.get(at..at + 2)?.try_into().ok()?));
    let off = u32::from_le_bytes(msg.get(at + 4..at + 8)?.try_into().ok()?) as usize;
    msg.get(off..off.checked_add(len)?)
}

/// Parses a type 2 message; `Err` says what is wrong with it.
pub(crate) fn parse_challenge(msg: &[u8]) -> Result<Challenge, String> {
    if msg.len() < 32 || &msg[..8] != SIGNATURE || msg[8..12] != 2u32.to_le_bytes() {
        return Err("the server's NTLM challenge is not an NTLMSSP type 2 message".into());
    }
    let flags = u32::from_le_bytes(msg[20..24].try_into().expect("4 bytes"));
    let nonce: [u8; 8] = msg[24..32].try_into().expect("8 bytes");
    let name = field(msg, 12).ok_or("the NTLM challenge's target name lies outside it")?;
    let target_name = if flags & UNICODE != 0 {
        utf16(name)
    } else {
        String::from_utf8_lossy(name).into_owned()
    };
    let target_info = if msg.len() >= 48 {
        field(msg, 40)
            .ok_or("the NTLM challenge's target info lies outside it")?
            .to_vec()
    } else {
        Vec::new()
    };
    Ok(Challenge {
        flags,
        nonce,
        target_name,
        target_info,
    })
}

/// The type 1 message.
pub(crate) fn negotiate() -> Vec<u8> {
    let flags = UNICODE
        | OEM
        | REQUEST_TARGET
        | NTLM
        | ALWAYS_SIGN
        | EXTENDED_SESSION_SECURITY
        | NEGOTIATE_128
        | NEGOTIATE_56;
    let mut m = Vec::with_capacity(32);
    m.extend_from_slice(SIGNATURE);
    m.extend_from_slice(&1u32.to_le_bytes());
    m.extend_from_slice(&flags.to_le_bytes());
    // Empty domain and workstation buffers, their offset just past the header.
    for _ in 0..2 {
        m.extend_from_slice(&[0, 0, 0, 0]);
        m.extend_from_slice(&32u32.to_le_bytes());
    }
    m
}

fn hmac_md5(key: &[u8], parts: &[&[u8]]) -> [u8; 16] {
    let mut mac = Hmac::<md5::Md5>::new_from_slice(key).expect("any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// NTOWFv2: HMAC-MD5(MD4(UTF-16LE(password)), UTF-16LE(UPPER(user) + domain)).
pub(crate) fn ntowf_v2(password: &str, user: &str, domain: &str) -> [u8; 16] {
    let nt_hash: [u8; 16] = Md4::digest(unicode(password)).into();
    hmac_md5(
        &nt_hash,
        &[&unicode(&format!("{}{domain}", user.to_uppercase()))],
    )
}

/// The type 3 message answering `ch` with NTLMv2 (`client` nonce and `time` in Windows
/// FILETIME units chosen by the caller).
pub(crate) fn authenticate(
    ch: &Challenge,
    user: &str,
    domain: &str,
    password: &str,
    client: [u8; 8],
    time: u64,
) -> Vec<u8> {
    let key = ntowf_v2(password, user, domain);
    let mut blob = vec![1, 1, 0, 0, 0, 0, 0, 0];
    blob.extend_from_slice(&time.to_le_bytes());
    blob.extend_from_slice(&client);
    blob.extend_from_slice(&[0; 4]);
    blob.extend_from_slice(&ch.target_info);
    blob.extend_from_slice(&[0; 4]);
    let proof = hmac_md5(&key, &[&ch.nonce, &blob]);
    let mut nt = proof.to_vec();
    nt.extend_from_slice(&blob);
    let mut lm = hmac_md5(&key, &[&ch.nonce, &client]).to_vec();
    lm.extend_from_slice(&client);

    let wide = ch.flags & UNICODE != 0;
    let text = |s: &str| {
        if wide {
            unicode(s)
        } else {
            s.as_bytes().to_vec()
        }
    };
    let flags = (ch.flags & (UNICODE | OEM | NTLM | ALWAYS_SIGN | EXTENDED_SESSION_SECURITY))
        | if wide { 0 } else { OEM }
        | NEGOTIATE_128
        | NEGOTIATE_56;
    let payload: [Vec<u8>; 6] = [
        lm,
        nt,
        text(domain),
        text(user),
        text(WORKSTATION),
        Vec::new(),
    ];
    let header = 64usize;
    let mut m = Vec::with_capacity(header + payload.iter().map(Vec::len).sum::<usize>());
    m.extend_from_slice(SIGNATURE);
    m.extend_from_slice(&3u32.to_le_bytes());
    let mut offset = header;
    for p in &payload {
        let len = u16::try_from(p.len()).unwrap_or(u16::MAX);
        m.extend_from_slice(&len.to_le_bytes());
        m.extend_from_slice(&len.to_le_bytes());
        m.extend_from_slice(&(offset as u32).to_le_bytes());
        offset += p.len();
    }
    m.extend_from_slice(&flags.to_le_bytes());
    for p in &payload {
        m.extend_from_slice(p);
    }
    m
}

/// Now in FILETIME units (100 ns since 1601-01-01).
fn filetime_now() -> u64 {
    const EPOCH_DIFF_SECS: u64 = 11_644_473_600;
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (d.as_secs() + EPOCH_DIFF_SECS) * 10_000_000 + u64::from(d.subsec_nanos() / 100)
}

/// The NTLM SASL exchange: an empty (or non-NTLMSSP) challenge gets the negotiate message,
/// the server's challenge gets the authenticate message.
pub(crate) struct Ntlm {
    pub user: String,
    pub domain: String,
    pub password: Secret,
    /// The server's challenge once it came: its domain names are evidence for a refusal.
    pub challenge: Option<Challenge>,
    /// Tests fix the client nonce and the time; otherwise random and now.
    pub fixed: Option<([u8; 8], u64)>,
}

impl Ntlm {
    /// For `user` (possibly `DOMAIN\user`) and the configured Windows domain.
    pub fn new(user: &str, domain: &str, password: &str) -> Ntlm {
        let (user, domain) = user_and_domain(user, domain);
        Ntlm {
            user,
            domain,
            password: Secret::new(password),
            challenge: None,
            fixed: None,
        }
    }
}

impl Authenticator for Ntlm {
    fn mechanism(&self) -> &'static str {
        "NTLM"
    }
    fn initial_response(&mut self) -> Option<String> {
        // Asked for, not sent unasked: Exchange answers `AUTH NTLM` with a prompt of its own.
        None
    }
    fn respond(&mut self, challenge: &[u8]) -> Result<String, String> {
        if !challenge.starts_with(SIGNATURE) {
            if self.challenge.is_some() {
                return Err("the server sent a second NTLM challenge".into());
            }
            // "" or Exchange's "NTLM supported": the server waits for the negotiate message.
            return Ok(b64(&negotiate()));
        }
        let ch = parse_challenge(challenge)?;
        let (client, time) = match self.fixed {
            Some(f) => f,
            None => {
                let mut c = [0u8; 8];
                getrandom::fill(&mut c).map_err(|e| format!("no random numbers: {e}"))?;
                (c, ch.timestamp().unwrap_or_else(filetime_now))
            }
        };
        let msg = authenticate(
            &ch,
            &self.user,
            &self.domain,
            self.password.expose(),
            client,
            time,
        );
        self.challenge = Some(ch);
        Ok(b64(&msg))
    }
}

/// Whether the server offers NTLM among `offered` mechanisms.
pub(crate) fn is_offered(offered: &[String]) -> bool {
    offered.iter().any(|m| m.eq_ignore_ascii_case("NTLM"))
}

/// The server does not offer NTLM.
pub(crate) fn not_offered(offered: &[String]) -> super::runner::Failure {
    use crate::diag::{DiagnosisCode, EvidenceKey};
    super::runner::Failure::new(DiagnosisCode::AuthNtlmNotOffered)
        .with(EvidenceKey::Wanted, "NTLM")
        .with(
            EvidenceKey::Offered,
            if offered.is_empty() {
                "-".to_string()
            } else {
                offered.join(" ")
            },
        )
}

/// A refused NTLM login explained: the domain the login used and the server's own, and
/// a mismatch between them named as the likely cause. Other failures stay as they are.
pub(crate) fn refused(
    auth: &Ntlm,
    f: super::runner::Failure,
    user: &str,
) -> super::runner::Failure {
    use crate::diag::{DiagnosisCode, EvidenceKey};
    if f.code != DiagnosisCode::AuthFailed {
        return f;
    }
    let server: Vec<String> = auth
        .challenge
        .as_ref()
        .map(|c| {
            let mut d = c.domains();
            // The target name is a domain only when the server says so (Cyrus SASL
            // names its host there).
            if d.is_empty() && c.flags & TARGET_TYPE_DOMAIN != 0 && !c.target_name.is_empty() {
                d.push(c.target_name.clone());
            }
            d
        })
        .unwrap_or_default();
    let mismatch = !auth.domain.is_empty()
        && !server.is_empty()
        && !server.iter().any(|s| {
            let s = s.to_uppercase();
            s == auth.domain || s.split('.').next() == Some(auth.domain.as_str())
        });
    let code = if mismatch {
        DiagnosisCode::AuthNtlmDomainMismatch
    } else {
        DiagnosisCode::AuthNtlmRefused
    };
    let mut out = super::runner::Failure::new(code)
        .with(EvidenceKey::User, user)
        .with(
            EvidenceKey::NtlmDomain,
            if auth.domain.is_empty() {
                "(none)".to_string()
            } else {
                auth.domain.clone()
            },
        );
    if !server.is_empty() {
        out = out.with(EvidenceKey::ServerDomain, server.join(", "));
    }
    for e in f.evidence {
        if e.key == EvidenceKey::ServerSaid.as_str() {
            out = out.with(EvidenceKey::ServerSaid, e.value);
        }
    }
    out
}

/// Test support: checks an authenticate message as a server would (MS-NLMP §3.3.2, the
/// NTLMv2 proof), and returns the user and the domain it names.
#[cfg(test)]
pub(crate) fn verify(
    msg: &[u8],
    nonce: [u8; 8],
    password: &str,
) -> Result<(String, String), String> {
    if msg.len() < 64 || &msg[..8] != SIGNATURE || msg[8..12] != 3u32.to_le_bytes() {
        return Err("not a type 3 message".into());
    }
    let flags = u32::from_le_bytes(msg[60..64].try_into().unwrap());
    let text = |b: &[u8]| {
        if flags & UNICODE != 0 {
            utf16(b)
        } else {
            String::from_utf8_lossy(b).into_owned()
        }
    };
    let nt = field(msg, 20).ok_or("NT response")?;
    let domain = text(field(msg, 28).ok_or("domain")?);
    let user = text(field(msg, 36).ok_or("user")?);
    if nt.len() <= 24 {
        return Err("not an NTLMv2 response".into());
    }
    let key = ntowf_v2(password, &user, &domain);
    if hmac_md5(&key, &[&nonce, &nt[16..]]) != nt[..16] {
        return Err("wrong NTLMv2 proof".into());
    }
    Ok((user, domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn ntowf_v2_and_the_proof_match_ms_nlmp_4_2_4() {
        // MS-NLMP §4.2.4: User "User", UserDom "Domain", Passwd "Password".
        assert_eq!(
            ntowf_v2("Password", "User", "Domain").to_vec(),
            hex("0c868a403bfd7a93a3001ef22ef02e3f")
        );
        // §4.2.4.2.2: NTProofStr over the server challenge and the temp blob.
        let ch = Challenge {
            flags: UNICODE,
            nonce: hex("0123456789abcdef").try_into().unwrap(),
            target_name: "Server".into(),
            target_info: hex(
                "02000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000",
            ),
        };
        let msg = authenticate(
            &ch,
            "User",
            "Domain",
            "Password",
            hex("aaaaaaaaaaaaaaaa").try_into().unwrap(),
            0,
        );
        let nt = field(&msg, 20).unwrap();
        // The spec's temp ends with the target info only (no trailing zeros): so its
        // NTProofStr differs; the server's check (verify) is what counts.
        assert_eq!(nt.len(), 16 + 28 + ch.target_info.len() + 4);
        assert_eq!(
            verify(&msg, ch.nonce, "Password").unwrap(),
            ("User".to_string(), "Domain".to_string())
        );
        assert!(verify(&msg, ch.nonce, "password").is_err());
        assert_eq!(ch.domains(), vec!["Domain".to_string()]);
    }

    #[test]
    fn the_exchange_goes_negotiate_then_authenticate() {
        let mut a = Ntlm::new("CONTOSO\\alice", "", "Canary-Pw");
        assert_eq!(a.domain, "CONTOSO");
        assert_eq!(a.user, "alice");
        let t1 = crate::probe::sasl::unb64(&a.respond(b"").unwrap()).unwrap();
        assert_eq!(&t1[..8], SIGNATURE);
        assert_eq!(t1[8], 1);
        // Exchange's SMTP prompt is no NTLMSSP message either.
        assert_eq!(a.respond(b"NTLM supported").unwrap(), b64(&t1));
        let mut t2 = Vec::new();
        t2.extend_from_slice(SIGNATURE);
        t2.extend_from_slice(&2u32.to_le_bytes());
        t2.extend_from_slice(&[0, 0, 0, 0, 48, 0, 0, 0]);
        t2.extend_from_slice(&UNICODE.to_le_bytes());
        t2.extend_from_slice(&[7; 8]);
        t2.extend_from_slice(&[0; 8]);
        t2.extend_from_slice(&[0, 0, 0, 0, 48, 0, 0, 0]);
        let t3 = crate::probe::sasl::unb64(&a.respond(&t2).unwrap()).unwrap();
        assert_eq!(
            verify(&t3, [7; 8], "Canary-Pw").unwrap(),
            ("alice".into(), "CONTOSO".into())
        );
        assert!(a.respond(b"").is_err(), "no second round");
        // A configured domain wins over the user's prefix, in upper case.
        assert_eq!(
            user_and_domain("alice", "contoso"),
            ("alice".into(), "CONTOSO".into())
        );
    }

    // ---- IMAP and POP3 exchanges against recorded server answers -------------------
    //
    // The challenge is MS-NLMP §4.2.4.3's CHALLENGE_MESSAGE (target "Server", NetBIOS
    // domain "Domain", nonce 0123456789abcdef), in the shape Exchange sends it; the
    // prompts and answers are Exchange 2019's IMAP4 and POP3 ones. Each client answer is
    // checked as the server would (`verify`).

    use crate::diag::{DiagnosisCode, EvidenceKey};
    use crate::probe::flow::Proto;
    use crate::probe::testing::{evidence, expect_code, lines, target, Script};
    use crate::probe::transcript::{Dir, Transcript};
    use crate::probe::{ProbeAuth, ProbeProtocol};

    const PASSWORD: &str = "Canary-Ntlm-\"q\"-Pw";
    const NONCE: [u8; 8] = [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef];

    fn recorded_challenge() -> String {
        b64(&hex(concat!(
            "4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef",
            "00000000000000002400240044000000060070170000000f5300650072007600",
            "6500720002000c0044006f006d00610069006e0001000c005300650072007600",
            "6500720000000000"
        )))
    }

    fn ntlm_target(protocol: ProbeProtocol, domain: &str) -> crate::probe::ProbeTarget {
        let mut t = target(protocol, ProbeAuth::Ntlm);
        t.user = "alice".into();
        t.ntlm_domain = domain.into();
        t
    }

    /// The base64 lines the client sent during the exchange (type 1 and type 3).
    fn client_messages(sent: &[String]) -> Vec<Vec<u8>> {
        sent.iter()
            .filter_map(|l| crate::probe::sasl::unb64(l))
            .filter(|m| m.starts_with(SIGNATURE))
            .collect()
    }

    #[tokio::test]
    async fn imap_authenticate_ntlm_logs_in_and_keeps_secrets_out_of_the_transcript() {
        let (mut c, peer) = Script::new()
            .send("* OK The Microsoft Exchange IMAP4 service is ready.")
            .expect("a1 CAPABILITY")
            .send("* CAPABILITY IMAP4 IMAP4rev1 AUTH=NTLM AUTH=GSSAPI AUTH=PLAIN UIDPLUS IDLE\na1 OK CAPABILITY completed.")
            .expect("a2 AUTHENTICATE NTLM")
            .send("+ ")
            .expect("*")
            .send(&format!("+ {}", recorded_challenge()))
            .expect("*")
            .send("a2 OK AUTHENTICATE completed.")
            .expect("a3 CAPABILITY")
            .send("* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS IDLE\na3 OK CAPABILITY completed.")
            .start_with(Transcript::new(vec![PASSWORD.into()]));
        let mut p = crate::probe::imap::Imap::new();
        p.greeting(&mut c).await.unwrap();
        p.capabilities(&mut c).await.unwrap();
        c.tls = true;
        let t = ntlm_target(ProbeProtocol::Imap, "contoso");
        p.login(&mut c, &t, PASSWORD).await.expect("logged in");
        let shown = lines(&c.transcript.take(), Dir::Client);
        let sent = peer.finish(c).await;
        let msgs = client_messages(&sent);
        assert_eq!(msgs.len(), 2, "{sent:?}");
        assert_eq!(msgs[0][8], 1, "negotiate first");
        assert_eq!(
            verify(&msgs[1], NONCE, PASSWORD).unwrap(),
            ("alice".into(), "CONTOSO".into())
        );
        // The answers are in the transcript only as <redacted>.
        assert!(shown.iter().all(|l| !l.contains(PASSWORD)));
        for m in &msgs {
            assert!(shown.iter().all(|l| !l.contains(&b64(m))), "{shown:?}");
        }
        assert!(shown.iter().any(|l| l == "a2 AUTHENTICATE NTLM"));
    }

    async fn imap_refused(domain: &str) -> crate::probe::runner::Failure {
        let (mut c, peer) = Script::new()
            .send("* OK [CAPABILITY IMAP4rev1 AUTH=NTLM] ready.")
            .expect("a1 AUTHENTICATE NTLM")
            .send("+ ")
            .expect("*")
            .send(&format!("+ {}", recorded_challenge()))
            .expect("*")
            .send("a1 NO AUTHENTICATE failed.")
            .start();
        let mut p = crate::probe::imap::Imap::new();
        p.greeting(&mut c).await.unwrap();
        p.capabilities(&mut c).await.unwrap();
        c.tls = true;
        let t = ntlm_target(ProbeProtocol::Imap, domain);
        let r = p.login(&mut c, &t, "wrong-password").await.map(|_| ());
        peer.finish(c).await;
        r.expect_err("refused")
    }

    #[tokio::test]
    async fn a_refused_ntlm_login_names_the_domains_and_a_mismatch() {
        // The server's own domain: user name or password is wrong.
        let f = imap_refused("Domain").await;
        assert_eq!(f.code, DiagnosisCode::AuthNtlmRefused);
        assert_eq!(
            evidence(&f, EvidenceKey::NtlmDomain).as_deref(),
            Some("DOMAIN")
        );
        assert_eq!(
            evidence(&f, EvidenceKey::ServerDomain).as_deref(),
            Some("Domain")
        );
        assert_eq!(evidence(&f, EvidenceKey::User).as_deref(), Some("alice"));
        // Another domain than the server names: the domain is the likely culprit.
        let f = imap_refused("CONTOSO").await;
        assert_eq!(f.code, DiagnosisCode::AuthNtlmDomainMismatch);
        assert_eq!(
            evidence(&f, EvidenceKey::NtlmDomain).as_deref(),
            Some("CONTOSO")
        );
        // No domain at all is shown as such.
        let f = imap_refused("").await;
        assert_eq!(f.code, DiagnosisCode::AuthNtlmRefused);
        assert_eq!(
            evidence(&f, EvidenceKey::NtlmDomain).as_deref(),
            Some("(none)")
        );
    }

    #[tokio::test]
    async fn imap_without_auth_ntlm_is_not_offered() {
        let (mut c, peer) = Script::new()
            .send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Dovecot ready.")
            .start();
        let mut p = crate::probe::imap::Imap::new();
        p.greeting(&mut c).await.unwrap();
        p.capabilities(&mut c).await.unwrap();
        c.tls = true;
        let f = expect_code(
            p.login(&mut c, &ntlm_target(ProbeProtocol::Imap, ""), PASSWORD)
                .await,
            DiagnosisCode::AuthNtlmNotOffered,
        );
        assert_eq!(evidence(&f, EvidenceKey::Offered).as_deref(), Some("PLAIN"));
        assert!(peer.finish(c).await.is_empty(), "nothing sent");
    }

    #[tokio::test]
    async fn pop3_auth_ntlm_logs_in_and_a_refusal_is_diagnosed() {
        let capa = "+OK\nTOP\nUIDL\nSASL NTLM GSSAPI PLAIN\nUSER\n.";
        let run = |answer: &'static str, pw: &'static str| async move {
            let (mut c, peer) = Script::new()
                .send("+OK The Microsoft Exchange POP3 service is ready.")
                .expect("CAPA")
                .send(capa)
                .expect("AUTH NTLM")
                .send("+ ")
                .expect("*")
                .send(&format!("+ {}", recorded_challenge()))
                .expect("*")
                .send(answer)
                .start_with(Transcript::new(vec![pw.into()]));
            let mut p = crate::probe::pop3::Pop3::new();
            p.greeting(&mut c).await.unwrap();
            p.capabilities(&mut c).await.unwrap();
            c.tls = true;
            let t = ntlm_target(ProbeProtocol::Pop3, "DOMAIN");
            let r = p.login(&mut c, &t, pw).await.map(|_| ());
            let shown = lines(&c.transcript.take(), Dir::Client);
            (r, shown, peer.finish(c).await)
        };
        let (r, shown, sent) = run("+OK User successfully authenticated.", PASSWORD).await;
        r.expect("logged in");
        let msgs = client_messages(&sent);
        assert_eq!(
            verify(&msgs[1], NONCE, PASSWORD).unwrap(),
            ("alice".into(), "DOMAIN".into())
        );
        assert!(shown.iter().all(|l| !l.contains(&b64(&msgs[1]))));
        let (r, _, _) = run(
            "-ERR Logon failure: unknown user name or bad password.",
            "bad",
        )
        .await;
        let f = expect_code(r, DiagnosisCode::AuthNtlmRefused);
        assert_eq!(
            evidence(&f, EvidenceKey::NtlmDomain).as_deref(),
            Some("DOMAIN")
        );
    }

    #[tokio::test]
    async fn pop3_without_sasl_ntlm_is_not_offered() {
        let (mut c, peer) = Script::new()
            .send("+OK Dovecot ready.")
            .expect("CAPA")
            .send("+OK\nUSER\nSASL PLAIN LOGIN\n.")
            .start();
        let mut p = crate::probe::pop3::Pop3::new();
        p.greeting(&mut c).await.unwrap();
        p.capabilities(&mut c).await.unwrap();
        c.tls = true;
        let t = ntlm_target(ProbeProtocol::Pop3, "");
        expect_code(
            p.login(&mut c, &t, PASSWORD).await,
            DiagnosisCode::AuthNtlmNotOffered,
        );
        assert_eq!(peer.finish(c).await, ["CAPA"], "no AUTH sent");
    }

    #[test]
    fn broken_challenges_are_refused_not_panicked_on() {
        assert!(parse_challenge(b"NTLMSSP\0").is_err());
        let mut m = Vec::new();
        m.extend_from_slice(SIGNATURE);
        m.extend_from_slice(&2u32.to_le_bytes());
        m.extend_from_slice(&[0xff, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        m.extend_from_slice(&[0; 12]);
        assert!(parse_challenge(&m).is_err());
        let c = Challenge {
            target_info: vec![2, 0, 0xff, 0xff],
            ..Default::default()
        };
        assert!(c.domains().is_empty());
        assert_eq!(c.timestamp(), None);
    }
}
