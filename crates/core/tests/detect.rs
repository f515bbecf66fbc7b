//! Detection from an address against real servers on loopback: dnsmasq serving each test's
//! zone (MX, SRV, A), nginx serving autoconfig files per virtual host over HTTPS (a test CA)
//! and HTTP, a provider-database mirror, a redirect to another domain, an HTTP-only host,
//! broken, oversized and entity-bomb documents, a silent host and a slow one; Dovecot and
//! Postfix for guessing and for the login that proves what was found.

#[path = "support/dns.rs"]
mod dns_support;
#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/servers.rs"]
mod servers;
#[path = "support/web.rs"]
mod web;

use dns_support::{TestDns, Zone};
use mailbox_admin_core::app::detect::{known_providers, DetectOptions};
use mailbox_admin_core::detect::{
    detect, DetectConfig, DetectEvent, DetectResult, DetectedAuth, DetectedProtocol, GuessPorts,
    SourceKind, SourceStatus, TrustLevel, UnconfirmedReason, UsernameForm,
};
use mailbox_admin_core::diag::DiagnosisCode;
use mailbox_admin_core::dns::{Dns, DnsServer};
use mailbox_admin_core::kinds::Security;
use mailbox_admin_core::probe::CancellationToken;
use mailbox_admin_core::tls::TlsConfig;
use mailbox_admin_core::Lang;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use web::{SilentHost, Site, SlowHost, TestWeb};

const WEB_IP: &str = "127.0.0.10";
const SILENT_IP: &str = "127.0.0.11";
const SLOW_IP: &str = "127.0.0.12";
const PROOF_WEB_IP: &str = "127.0.0.13";
const ISPDB: &str = "https://ispdb.test/v1.1/";
/// How long the slow host waits before it answers.
const SLOW: Duration = Duration::from_millis(1200);

/// An autoconfig document: one IMAP (or POP3) and one SMTP server.
fn config(
    id: &str,
    incoming: (&str, &str, u16, &str),
    smtp: (&str, u16, &str),
    username: &str,
) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="{id}">
    <domain>{id}</domain>
    <displayName>{id} mail</displayName>
    <incomingServer type="{}">
      <hostname>{}</hostname><port>{}</port><socketType>{}</socketType>
      <authentication>password-cleartext</authentication>
      <username>{username}</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>{}</hostname><port>{}</port><socketType>{}</socketType>
      <authentication>password-cleartext</authentication>
      <username>{username}</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>
"#,
        incoming.0, incoming.1, incoming.2, incoming.3, smtp.0, smtp.1, smtp.2
    )
}

fn simple(domain: &str) -> String {
    config(
        domain,
        ("imap", &format!("imap.{domain}"), 993, "SSL"),
        (&format!("smtp.{domain}"), 465, "SSL"),
        "%EMAILADDRESS%",
    )
}

const AC: &str = "/mail/config-v1.1.xml";
/// An Exchange autodiscover (POX) answer with IMAP, POP3 and SMTP.
const POX: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
 <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
  <Account><AccountType>email</AccountType><Action>settings</Action>
   <Protocol><Type>EXCH</Type><Server>ex.exch.test</Server></Protocol>
   <Protocol><Type>POP3</Type><Server>pop.exch.test</Server><Port>995</Port><SSL>on</SSL></Protocol>
   <Protocol><Type>IMAP</Type><Server>imap.exch.test</Server><Port>993</Port><SSL>on</SSL></Protocol>
   <Protocol><Type>SMTP</Type><Server>smtp.exch.test</Server><Port>587</Port><Encryption>TLS</Encryption></Protocol>
  </Account>
 </Response>
</Autodiscover>"#;
const WK: &str = "/.well-known/autoconfig/mail/config-v1.1.xml";

struct World {
    web: TestWeb,
    _silent: SilentHost,
    _slow: SlowHost,
}

/// nginx with every site of these tests, the silent and the slow host: once per process.
fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    // Started from a thread that lives as long as the process: nginx dies with the thread
    // that spawned it (PR_SET_PDEATHSIG), and test threads end after each test.
    W.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(std::panic::catch_unwind(start_world));
            loop {
                std::thread::park();
            }
        });
        match rx.recv().unwrap() {
            Ok(w) => w,
            Err(p) => std::panic::resume_unwind(p),
        }
    })
}

fn start_world() -> World {
    {
        let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<clientConfig version="1.1"><emailProvider id="bomb.test"><displayName>&lol3;</displayName></emailProvider></clientConfig>"#;
        let big = format!(
            "<clientConfig version=\"1.1\"><!-- {} --></clientConfig>",
            "x".repeat(200_000)
        );
        let sites = vec![
            Site::https("autoconfig.ac.test").file(AC, simple("ac.test")),
            Site::https("wk.test").file(
                WK,
                config(
                    "wk.test",
                    ("imap", "imap.wk.test", 143, "STARTTLS"),
                    ("smtp.wk.test", 587, "STARTTLS"),
                    "%EMAILLOCALPART%",
                ),
            ),
            Site::https("ispdb.test")
                .file("/v1.1/db.test", simple("db.test"))
                .file("/v1.1/hoster2.test", simple("hoster2.test")),
            Site::https("autoconfig.hoster.test").file(AC, simple("hoster.test")),
            Site::https("autoconfig.redir.test").redirect_to("https://autoconfig.elsewhere.test"),
            Site::https("autoconfig.elsewhere.test").file(AC, simple("elsewhere.test")),
            Site::http_only("autoconfig.plain.test").file(AC, simple("plain.test")),
            Site::https("autoconfig.broken.test").file(AC, "<clientConfig><emailProvider"),
            Site::https("autoconfig.badfield.test").file(
                AC,
                simple("badfield.test").replace("<port>993</port>", "<port>imaps</port>"),
            ),
            Site::https("autoconfig.big.test").file(AC, big),
            Site::https("autoconfig.bomb.test").file(AC, bomb),
            Site::https("autoconfig.slow.test").file(AC, simple("slow.test")),
            Site::https("autoconfig.xn--mller-kva.test").file(AC, simple("müller.test")),
            Site::https("autoconfig.both.test").file(AC, simple("both.test")),
            Site::https("autodiscover.exch.test")
                .file("/autodiscover/autodiscover.xml", POX)
                .answer_post(),
        ];
        let web = TestWeb::start(WEB_IP, &sites);
        let silent = SilentHost::start(SILENT_IP, 443);
        let slow = SlowHost::start(SLOW_IP, 443, format!("{WEB_IP}:443").parse().unwrap(), SLOW);
        World {
            web,
            _silent: silent,
            _slow: slow,
        }
    }
}

/// The names every test resolves: the web sites to nginx.
fn zone() -> Zone {
    let mut z = Zone::new(&["test"]);
    for name in [
        "autoconfig.ac.test",
        "wk.test",
        "ispdb.test",
        "autoconfig.hoster.test",
        "autoconfig.redir.test",
        "autoconfig.elsewhere.test",
        "autoconfig.plain.test",
        "autoconfig.broken.test",
        "autoconfig.badfield.test",
        "autoconfig.big.test",
        "autoconfig.bomb.test",
        "autoconfig.xn--mller-kva.test",
        "autoconfig.both.test",
        "autodiscover.exch.test",
    ] {
        z = z.a(name, WEB_IP);
    }
    z.a("autoconfig.silent.test", SILENT_IP)
        .a("silent.test", SILENT_IP)
        .a("autoconfig.slow.test", SLOW_IP)
}

fn base_config() -> DetectConfig {
    DetectConfig {
        ispdb_base_url: ISPDB.into(),
        presets: known_providers(),
        budget: Duration::from_secs(6),
        ..Default::default()
    }
}

struct Run {
    result: DetectResult,
    events: Vec<DetectEvent>,
    elapsed: Duration,
}

async fn run(dns: &TestDns, address: &str, cfg: DetectConfig) -> Run {
    let w = world();
    let resolver = Dns::new(DnsServer::Custom(dns.addr()), Duration::from_secs(2)).unwrap();
    let tls = TlsConfig::shared(std::slice::from_ref(&w.web.ca_pem));
    let events = Mutex::new(Vec::new());
    let progress = |e: &DetectEvent| events.lock().unwrap().push(e.clone());
    let t = Instant::now();
    let result = detect(
        address,
        cfg,
        resolver,
        tls,
        Lang::En,
        &progress,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    Run {
        result,
        events: events.into_inner().unwrap(),
        elapsed: t.elapsed(),
    }
}

/// `App::detect` without progress receivers.
async fn app_detect(
    app: &mailbox_admin_core::App,
    address: &str,
    opts: &DetectOptions,
) -> mailbox_admin_core::app::detect::DetectOutcome {
    app.detect(
        address,
        opts,
        &mailbox_admin_core::detect::no_progress,
        &mailbox_admin_core::probe::no_progress,
        &CancellationToken::new(),
    )
    .await
    .unwrap()
}

fn outcome(r: &DetectResult, s: SourceKind) -> &mailbox_admin_core::detect::SourceOutcome {
    r.outcomes.iter().find(|o| o.source == s).unwrap()
}

#[tokio::test]
async fn autoconfig_over_https_alone_gives_confirmed_settings_with_their_source() {
    let dns = TestDns::start(zone());
    let r = run(&dns, "info@ac.test", base_config()).await;
    let res = &r.result;
    assert_eq!(res.source, Some(SourceKind::Autoconfig), "{res:#?}");
    let i = res.incoming.as_ref().unwrap();
    assert_eq!(
        (i.protocol, i.host.as_str(), i.port, i.security),
        (DetectedProtocol::Imap, "imap.ac.test", 993, Security::Tls)
    );
    assert_eq!(i.source, SourceKind::Autoconfig);
    assert_eq!(i.origin, "https://autoconfig.ac.test/mail/config-v1.1.xml");
    assert_eq!(i.username, UsernameForm::EmailAddress);
    assert_eq!(res.username, "info@ac.test");
    let o = res.outgoing.as_ref().unwrap();
    assert_eq!((o.host.as_str(), o.port), ("smtp.ac.test", 465));
    let trust = res.trust.as_ref().unwrap();
    assert_eq!(trust.level, TrustLevel::Confirmed);
    assert_eq!(trust.domain, "ac.test");
    // Live: every source reported running, then its end; the losers were cancelled.
    assert!(
        r.events.len() > SourceKind::ALL.len(),
        "{:?}",
        r.events.len()
    );
    assert!(r
        .events
        .iter()
        .any(|e| e.outcome.source == SourceKind::Autoconfig
            && e.outcome.status == SourceStatus::Found));
    assert!(res
        .outcomes
        .iter()
        .all(|o| o.status != SourceStatus::Running));
    assert_eq!(
        outcome(res, SourceKind::Preset).status,
        SourceStatus::NotFound
    );
    assert!(r.elapsed < Duration::from_secs(2), "{:?}", r.elapsed);
}

#[tokio::test]
async fn the_well_known_url_alone_is_found_with_its_username_form() {
    let dns = TestDns::start(zone());
    let r = run(&dns, "info@wk.test", base_config()).await;
    let res = &r.result;
    assert_eq!(res.source, Some(SourceKind::WellKnown), "{res:#?}");
    assert_eq!(
        outcome(res, SourceKind::Autoconfig).status,
        SourceStatus::NotFound
    );
    let i = res.incoming.as_ref().unwrap();
    assert_eq!((i.port, i.security), (143, Security::Starttls));
    assert_eq!(i.username, UsernameForm::LocalPart);
    assert_eq!(res.username, "info");
}

#[tokio::test]
async fn the_provider_database_alone_is_found_at_its_configured_base_url() {
    let dns = TestDns::start(zone());
    let r = run(&dns, "info@db.test", base_config()).await;
    let res = &r.result;
    assert_eq!(res.source, Some(SourceKind::Ispdb), "{res:#?}");
    assert_eq!(
        res.incoming.as_ref().unwrap().origin,
        "https://ispdb.test/v1.1/db.test"
    );
    assert_eq!(res.trust.as_ref().unwrap().level, TrustLevel::Confirmed);
}

#[tokio::test]
async fn a_preset_domain_is_answered_without_waiting_for_the_network() {
    let dns = TestDns::start(zone());
    let r = run(&dns, "someone@gmx.de", base_config()).await;
    let res = &r.result;
    assert_eq!(res.source, Some(SourceKind::Preset));
    assert_eq!(res.provider_id.as_deref(), Some("gmx"));
    assert_eq!(res.incoming.as_ref().unwrap().host, "imap.gmx.net");
    assert!(r.elapsed < Duration::from_secs(1), "{:?}", r.elapsed);
    assert!(res
        .outcomes
        .iter()
        .filter(|o| o.source > SourceKind::Preset)
        .all(|o| o.status != SourceStatus::Found));
}

#[tokio::test]
async fn mx_leads_to_the_hosters_autoconfig_and_is_unconfirmed() {
    let dns = TestDns::start(zone().mx("hosted.test", "mx01.hoster.test", 10).mx(
        "hosted.test",
        "backup.other.test",
        20,
    ));
    let r = run(&dns, "info@hosted.test", base_config()).await;
    let res = &r.result;
    assert_eq!(res.source, Some(SourceKind::Mx), "{res:#?}");
    assert_eq!(res.incoming.as_ref().unwrap().host, "imap.hoster.test");
    let trust = res.trust.as_ref().unwrap();
    assert_eq!(trust.level, TrustLevel::Unconfirmed);
    assert!(trust.reasons.contains(&UnconfirmedReason::MxWithoutDnssec));
    assert_eq!(trust.domain, "hoster.test");

    // The database for the MX host's domain, when the hoster publishes no autoconfig.
    let dns = TestDns::start(zone().mx("hosted2.test", "mx.hoster2.test", 10));
    let r = run(&dns, "info@hosted2.test", base_config()).await;
    assert_eq!(r.result.source, Some(SourceKind::Mx), "{:#?}", r.result);
    assert_eq!(
        r.result.incoming.as_ref().unwrap().origin,
        "https://ispdb.test/v1.1/hoster2.test"
    );
}

#[tokio::test]
async fn microsoft_365_and_google_are_recognised_from_mx_with_oauth2() {
    let dns = TestDns::start(
        zone()
            .mx("m365.test", "m365-test.mail.protection.outlook.com", 0)
            .mx("gw.test", "aspmx.l.google.com", 1)
            .mx("gw.test", "alt1.aspmx.l.google.com", 5),
    );
    let (ms, g) = tokio::join!(
        run(&dns, "info@m365.test", base_config()),
        run(&dns, "info@gw.test", base_config())
    );
    for (r, id, host) in [
        (&ms.result, "microsoft365", "outlook.office365.com"),
        (&g.result, "gmail", "imap.gmail.com"),
    ] {
        assert_eq!(r.source, Some(SourceKind::Mx), "{r:#?}");
        assert_eq!(r.provider_id.as_deref(), Some(id));
        let i = r.incoming.as_ref().unwrap();
        assert_eq!(i.host, host);
        assert_eq!(i.auth, DetectedAuth::Oauth2);
        assert_eq!(r.outgoing.as_ref().unwrap().auth, DetectedAuth::Oauth2);
        assert_eq!(r.trust.as_ref().unwrap().level, TrustLevel::Unconfirmed);
    }
    assert_eq!(ms.result.trust.as_ref().unwrap().domain, "outlook.com");
    assert_eq!(g.result.trust.as_ref().unwrap().domain, "google.com");
}

#[tokio::test]
async fn srv_records_alone_give_unconfirmed_settings() {
    let dns = TestDns::start(
        zone()
            .srv("_imaps._tcp.srv.test", "mail.srv.test", 993, 0, 1)
            .srv("_pop3s._tcp.srv.test", "pop.srv.test", 995, 0, 1)
            .srv("_submission._tcp.srv.test", "mail.srv.test", 587, 0, 1),
    );
    let r = run(&dns, "info@srv.test", base_config()).await;
    let res = &r.result;
    assert_eq!(res.source, Some(SourceKind::Srv), "{res:#?}");
    let i = res.incoming.as_ref().unwrap();
    assert_eq!(
        (i.protocol, i.host.as_str(), i.port, i.security),
        (DetectedProtocol::Imap, "mail.srv.test", 993, Security::Tls)
    );
    let o = res.outgoing.as_ref().unwrap();
    assert_eq!((o.port, o.security), (587, Security::Starttls));
    let trust = res.trust.as_ref().unwrap();
    assert_eq!(trust.reasons, [UnconfirmedReason::Srv]);
}

fn mail_ports() -> GuessPorts {
    let p = &servers::servers().ports;
    GuessPorts {
        imaps: p.imaps,
        imap: p.imap,
        pop3s: p.pop3s,
        pop3: p.pop3,
        smtps: p.smtps,
        submission: p.submission,
    }
}

#[tokio::test]
async fn guessing_alone_finds_the_real_servers_ranked_tls_first() {
    let mail = servers::servers();
    let dns = TestDns::start(
        zone()
            .a("imap.example.test", "127.0.0.1")
            .a("smtp.example.test", "127.0.0.1")
            .a("pop3.example.test", "127.0.0.1"),
    );
    let w = world();
    let mut cfg = base_config();
    cfg.guess_ports = mail_ports();
    let resolver = Dns::new(DnsServer::Custom(dns.addr()), Duration::from_secs(2)).unwrap();
    let tls = TlsConfig::shared(&[w.web.ca_pem.clone(), mail.ca_pem.clone()]);
    let res = detect(
        "alice@example.test",
        cfg,
        resolver,
        tls,
        Lang::En,
        &mailbox_admin_core::detect::no_progress,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(res.source, Some(SourceKind::Guess), "{res:#?}");
    let i = res.incoming.as_ref().unwrap();
    assert_eq!(
        (i.protocol, i.host.as_str(), i.port, i.security),
        (
            DetectedProtocol::Imap,
            "imap.example.test",
            mail.ports.imaps,
            Security::Tls
        ),
        "{res:#?}"
    );
    let o = res.outgoing.as_ref().unwrap();
    assert_eq!(
        (o.host.as_str(), o.port, o.security),
        ("smtp.example.test", mail.ports.smtps, Security::Tls)
    );
    assert_eq!(
        res.trust.as_ref().unwrap().reasons,
        [UnconfirmedReason::Guess]
    );
}

#[tokio::test]
async fn a_better_source_wins_even_when_it_answers_later() {
    // SRV answers at once; the domain's autoconfig only after SLOW.
    let dns = TestDns::start(zone().srv("_imaps._tcp.slow.test", "mail.slow.test", 993, 0, 1));
    let r = run(&dns, "info@slow.test", base_config()).await;
    let res = &r.result;
    assert_eq!(res.source, Some(SourceKind::Autoconfig), "{res:#?}");
    let srv = outcome(res, SourceKind::Srv);
    let ac = outcome(res, SourceKind::Autoconfig);
    assert_eq!(srv.status, SourceStatus::Found);
    assert!(srv.duration_ms < ac.duration_ms, "{srv:?} {ac:?}");
    assert!(r.elapsed >= SLOW, "{:?}", r.elapsed);
}

#[tokio::test]
async fn plain_http_is_refused_by_default_and_unconfirmed_when_allowed() {
    let dns = TestDns::start(zone());
    let r = run(&dns, "info@plain.test", base_config()).await;
    assert_eq!(r.result.source, None, "{:#?}", r.result);
    assert_eq!(
        outcome(&r.result, SourceKind::AutoconfigHttp).status,
        SourceStatus::Skipped
    );

    let mut cfg = base_config();
    cfg.allow_http = true;
    let r = run(&dns, "info@plain.test", cfg).await;
    let res = &r.result;
    assert_eq!(res.source, Some(SourceKind::AutoconfigHttp), "{res:#?}");
    let trust = res.trust.as_ref().unwrap();
    assert_eq!(trust.level, TrustLevel::Unconfirmed);
    assert_eq!(trust.reasons, [UnconfirmedReason::PlainHttp]);
}

#[tokio::test]
async fn a_redirect_to_another_domain_is_followed_but_unconfirmed() {
    let dns = TestDns::start(zone());
    let r = run(&dns, "info@redir.test", base_config()).await;
    let res = &r.result;
    assert_eq!(res.source, Some(SourceKind::Autoconfig), "{res:#?}");
    let trust = res.trust.as_ref().unwrap();
    assert_eq!(trust.reasons, [UnconfirmedReason::CrossDomainRedirect]);
    assert_eq!(trust.domain, "elsewhere.test");
    assert!(res
        .incoming
        .as_ref()
        .unwrap()
        .origin
        .starts_with("https://autoconfig.elsewhere.test/"));
}

#[tokio::test]
async fn a_silent_autoconfig_host_does_not_hold_the_answer_past_the_budget() {
    let dns = TestDns::start(zone());
    let budget = Duration::from_secs(2);
    let mut cfg = base_config();
    cfg.budget = budget;
    let r = run(&dns, "info@silent.test", cfg).await;
    assert!(
        r.elapsed <= budget + Duration::from_millis(500),
        "took {:?} with a budget of {budget:?}",
        r.elapsed
    );
    let ac = outcome(&r.result, SourceKind::Autoconfig);
    assert_eq!(ac.status, SourceStatus::TimedOut, "{ac:?}");
    assert_eq!(
        ac.diagnosis.as_ref().unwrap().code,
        DiagnosisCode::DetectTimeout
    );
    assert_eq!(r.result.source, None);
}

#[tokio::test]
async fn malformed_oversized_and_entity_bomb_documents_are_refused_with_a_message() {
    let dns = TestDns::start(zone());
    let (broken, badfield, big, bomb) = tokio::join!(
        run(&dns, "info@broken.test", base_config()),
        run(&dns, "info@badfield.test", base_config()),
        run(&dns, "info@big.test", base_config()),
        run(&dns, "info@bomb.test", base_config()),
    );
    let check = |r: &Run, code: DiagnosisCode, status: SourceStatus, needle: &str| {
        let o = outcome(&r.result, SourceKind::Autoconfig);
        assert_eq!(o.status, status, "{o:?}");
        let d = o.diagnosis.as_ref().expect("a diagnosis");
        assert_eq!(d.code, code, "{o:?}");
        assert!(!d.title.is_empty() && !d.explanation.is_empty());
        assert!(
            o.detail.contains(needle),
            "{needle:?} not in {:?}",
            o.detail
        );
        assert_eq!(r.result.source, None);
    };
    check(
        &broken,
        DiagnosisCode::DetectDocumentInvalid,
        SourceStatus::Failed,
        "well-formed",
    );
    check(
        &badfield,
        DiagnosisCode::DetectDocumentInvalid,
        SourceStatus::Failed,
        "incomingServer[1]/port",
    );
    check(
        &big,
        DiagnosisCode::DetectDocumentTooLarge,
        SourceStatus::Refused,
        "bytes",
    );
    check(
        &bomb,
        DiagnosisCode::DetectDocumentDtd,
        SourceStatus::Refused,
        "DTD",
    );
}

#[tokio::test]
async fn a_domain_without_any_records_is_answered_quickly_with_every_outcome() {
    let dns = TestDns::start(zone());
    let r = run(&dns, "info@nothing.test", base_config()).await;
    assert_eq!(r.result.source, None);
    assert!(r.elapsed < Duration::from_secs(3), "{:?}", r.elapsed);
    for o in &r.result.outcomes {
        assert!(
            matches!(o.status, SourceStatus::NotFound | SourceStatus::Skipped),
            "{o:?}"
        );
    }
}

#[tokio::test]
async fn an_idn_domain_is_asked_as_punycode_and_shown_as_entered() {
    let dns = TestDns::start(zone());
    let r = run(&dns, "info@müller.test", base_config()).await;
    assert_eq!(
        r.result.source,
        Some(SourceKind::Autoconfig),
        "{:#?}",
        r.result
    );
    assert_eq!(r.result.domain, "müller.test");
    assert_eq!(r.result.ascii_domain, "xn--mller-kva.test");
    assert_eq!(r.result.username, "info@xn--mller-kva.test");
}

#[tokio::test]
async fn the_address_reaches_autoconfig_only_when_allowed() {
    let dns = TestDns::start(zone());
    let w = world();
    run(&dns, "privacy1@both.test", base_config()).await;
    let mut cfg = base_config();
    cfg.send_address = true;
    run(&dns, "privacy2@both.test", cfg).await;
    let log = w.web.access_log();
    assert!(!log.contains("privacy1"), "{log}");
    assert!(log.contains("emailaddress=privacy2%40both.test"), "{log}");
    // Never to the database.
    assert!(!log
        .lines()
        .any(|l| l.contains("/v1.1/") && l.contains("privacy")));
}

#[tokio::test]
async fn found_settings_pass_a_login_and_existing_servers_are_reused() {
    use mailbox_admin_core::model::{OutgoingInput, SecretUpdate};
    use mailbox_admin_core::secrets::UnavailableSecrets;
    use mailbox_admin_core::store::Store;
    let mail = servers::servers();
    let proof_site = Site::https("autoconfig.example.test").file(
        AC,
        config(
            "example.test",
            ("imap", "mail.example.test", mail.ports.imaps, "SSL"),
            ("mail.example.test", mail.ports.submission, "STARTTLS"),
            "%EMAILADDRESS%",
        ),
    );
    let web = TestWeb::start(PROOF_WEB_IP, &[proof_site]);
    let dns = TestDns::start(
        Zone::new(&["test"])
            .a("autoconfig.example.test", PROOF_WEB_IP)
            .a("mail.example.test", "127.0.0.1"),
    );
    let dbdir = tempfile::tempdir().unwrap();
    let app = mailbox_admin_core::App::new(
        Store::open(&dbdir.path().join("config.db")).unwrap(),
        std::sync::Arc::new(UnavailableSecrets {
            reason: "not needed".into(),
        }),
        Lang::En,
    )
    .with_extra_roots([web.ca_pem.clone(), mail.ca_pem.clone()]);
    let mut s = app.get_settings().unwrap();
    s.provider_db_url = String::new();
    app.save_settings(&s).unwrap();
    // An outgoing server that already exists with the same host and port.
    let existing = app
        .create_outgoing(&OutgoingInput {
            name: "Postfix".into(),
            host: "mail.example.test".into(),
            port: Some(mail.ports.submission as i64),
            security: Security::Starttls,
            password: SecretUpdate::Keep,
            ..Default::default()
        })
        .unwrap()
        .item
        .id;

    let opts = DetectOptions {
        password: Some(servers::ALICE.password.into()),
        dns_server: Some(dns.addr().to_string()),
        ..Default::default()
    };
    let out = app_detect(&app, servers::ALICE.name, &opts).await;
    assert_eq!(
        out.result.source,
        Some(SourceKind::Autoconfig),
        "{:#?}",
        out.result
    );
    let proof = out.proof.expect("a password was given: a login test");
    assert!(proof.ok, "{proof:#?}");
    assert!(proof.incoming.as_ref().unwrap().ok);
    assert!(proof.outgoing.as_ref().unwrap().ok);
    // The password is in no part of the outcome.
    let json = serde_json::to_string(&proof).unwrap();
    assert!(!json.contains(servers::ALICE.password));

    let draft = app.detect_draft(&out.result).unwrap();
    assert_eq!(draft.outgoing_server_id, Some(existing));
    assert!(draft.outgoing.is_none());
    let incoming = draft.incoming.expect("a new incoming server");
    assert_eq!(incoming.host, "mail.example.test");
    assert_eq!(incoming.port, Some(mail.ports.imaps as i64));
    assert_eq!(draft.account.email, servers::ALICE.name);
    assert_eq!(draft.account.username, servers::ALICE.name);

    // A wrong password: the same settings, red.
    let opts = DetectOptions {
        password: Some("wrong-password".into()),
        ..opts
    };
    let out = app_detect(&app, servers::ALICE.name, &opts).await;
    assert!(!out.proof.unwrap().ok);
}

#[tokio::test]
async fn a_bad_address_or_dns_server_is_a_field_error() {
    use mailbox_admin_core::Error;
    for bad in ["info", "info@", "a b@firma.test", "info@localhost"] {
        let e = mailbox_admin_core::detect::parse_address(bad).unwrap_err();
        let Error::Validation(issues) = e else {
            panic!("{bad}: not a field error")
        };
        assert_eq!(issues[0].field, "address");
    }
    let dbdir = tempfile::tempdir().unwrap();
    let app = mailbox_admin_core::App::new(
        mailbox_admin_core::store::Store::open(&dbdir.path().join("c.db")).unwrap(),
        std::sync::Arc::new(mailbox_admin_core::secrets::UnavailableSecrets { reason: "x".into() }),
        Lang::En,
    );
    let e = app
        .dns(Some("dns.firma.test"), Duration::from_secs(1))
        .unwrap_err();
    let Error::Validation(issues) = e else {
        panic!("not a field error")
    };
    assert_eq!(issues[0].field, "dns_server");
}

#[tokio::test]
async fn cancelling_stops_every_source_at_once() {
    let dns = TestDns::start(zone());
    let w = world();
    let resolver = Dns::new(DnsServer::Custom(dns.addr()), Duration::from_secs(2)).unwrap();
    let tls = TlsConfig::shared(std::slice::from_ref(&w.web.ca_pem));
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        c2.cancel();
    });
    let t = Instant::now();
    let res = detect(
        "info@silent.test",
        base_config(),
        resolver,
        tls,
        Lang::En,
        &mailbox_admin_core::detect::no_progress,
        &cancel,
    )
    .await
    .unwrap();
    assert!(res.cancelled);
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    assert_eq!(
        outcome(&res, SourceKind::Autoconfig).status,
        SourceStatus::Cancelled
    );
}

#[tokio::test]
async fn exchange_autodiscover_is_asked_only_with_a_password_or_exchange_chosen() {
    let dns = TestDns::start(zone());
    let r = run(&dns, "info@exch.test", base_config()).await;
    assert_eq!(r.result.source, None);
    assert_eq!(
        outcome(&r.result, SourceKind::Exchange).status,
        SourceStatus::Skipped
    );
    let mut cfg = base_config();
    cfg.password = Some("secret".into());
    let r = run(&dns, "info@exch.test", cfg).await;
    let res = &r.result;
    assert_eq!(res.source, Some(SourceKind::Exchange), "{res:#?}");
    // IMAP before POP3, though the answer lists POP3 first.
    let i = res.incoming.as_ref().unwrap();
    assert_eq!(
        (i.protocol, i.host.as_str(), i.port, i.security),
        (DetectedProtocol::Imap, "imap.exch.test", 993, Security::Tls)
    );
    let o = res.outgoing.as_ref().unwrap();
    assert_eq!(
        (o.host.as_str(), o.port, o.security),
        ("smtp.exch.test", 587, Security::Starttls)
    );
    assert!(world()
        .web
        .access_log()
        .contains("POST /autodiscover/autodiscover.xml"));
}

#[tokio::test]
async fn an_existing_account_of_the_domain_is_the_administrators_own_entry_and_wins() {
    use mailbox_admin_core::model::{AccountInput, Owner, Protocol};
    // ac.test publishes autoconfig, but the administrator already set up an account there.
    let (_dir, app) = fixtures::tmp_app();
    let imap = fixtures::add_server(
        &app,
        mailbox_admin_core::model::ServerInput {
            protocol: Protocol::Imap,
            security: Security::Starttls,
            ..fixtures::server_input("Intern", "mail.intern.ac.test")
        },
    );
    let smtp = fixtures::add_outgoing(
        &app,
        fixtures::outgoing_input("Intern SMTP", "mail.intern.ac.test"),
    );
    let user = fixtures::add_user(&app, "kollege", "kollege@ac.test");
    app.create_account(&AccountInput {
        name: "Kollege".into(),
        email: "kollege@ac.test".into(),
        owner: Some(Owner::User(user)),
        incoming_server_id: Some(imap),
        outgoing_server_id: Some(smtp),
        username: "kollege".into(),
        ..Default::default()
    })
    .unwrap();
    let dns = TestDns::start(zone());
    let w = world();
    let app = app.with_extra_roots([w.web.ca_pem.clone()]);
    let opts = DetectOptions {
        dns_server: Some(dns.addr().to_string()),
        ..Default::default()
    };
    let out = app_detect(&app, "neu@ac.test", &opts).await;
    let r = &out.result;
    assert_eq!(r.source, Some(SourceKind::Override), "{r:#?}");
    let i = r.incoming.as_ref().unwrap();
    assert_eq!(
        (i.host.as_str(), i.port, i.security),
        ("mail.intern.ac.test", 143, Security::Starttls)
    );
    assert_eq!(i.username, UsernameForm::LocalPart);
    assert_eq!(r.username, "neu");
    assert_eq!(r.trust.as_ref().unwrap().level, TrustLevel::Confirmed);
    // The draft reuses both servers.
    let draft = app.detect_draft(r).unwrap();
    assert_eq!(draft.incoming_server_id, Some(imap));
    assert_eq!(draft.outgoing_server_id, Some(smtp));
}
