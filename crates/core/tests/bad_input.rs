//! A corpus of bad input across every entity: each case is refused with an error that names
//! the field, and the database file is byte-for-byte what it was before. Valid edge cases
//! (IDN domains, quoted local parts, multi-line signatures) are accepted.

#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::*;
use mailbox_admin_core::error::{Entity, Error};
use mailbox_admin_core::model::*;
use mailbox_admin_core::{App, Lang};
use std::path::Path;

fn snapshot(db: &Path) -> Vec<u8> {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(c);
    std::fs::read(db).unwrap()
}

struct Ids {
    server: i64,
    outgoing: i64,
    company: i64,
    user: i64,
    group: i64,
    employee: i64,
    account: i64,
}

fn setup(app: &App) -> Ids {
    let server = add_server(app, server_input("IMAP", "imap.example.com"));
    let outgoing = add_outgoing(app, outgoing_input("SMTP", "smtp.example.com"));
    let company = add_company(app, "Firma", None);
    let user = add_user(app, "anna", "");
    let group = add_group(app, "Vertrieb", &[user]);
    let employee = app
        .create_employee(&EmployeeInput {
            name: "Erika".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let account = app
        .create_account(&AccountInput {
            name: "Postfach".into(),
            email: "info@example.com".into(),
            owner: Some(Owner::User(user)),
            ..Default::default()
        })
        .unwrap()
        .item
        .id;
    Ids {
        server,
        outgoing,
        company,
        user,
        group,
        employee,
        account,
    }
}

type Case<'a> = (
    &'a str,
    &'a str,
    Box<dyn Fn(&App, &Ids) -> Result<(), Error> + 'a>,
);

fn ok<T>(r: Result<T, Error>) -> Result<(), Error> {
    r.map(|_| ())
}

fn account(ids: &Ids) -> AccountInput {
    AccountInput {
        name: "Neu".into(),
        email: "neu@example.com".into(),
        owner: Some(Owner::User(ids.user)),
        ..Default::default()
    }
}

fn server() -> ServerInput {
    server_input("Neu", "imap.example.org")
}

fn outgoing() -> OutgoingInput {
    outgoing_input("Neu", "smtp.example.org")
}

#[test]
fn every_bad_input_is_a_field_error_and_changes_no_byte() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("config.db");
    let (app, _) = app_at(&db, Lang::En);
    let ids = setup(&app);
    let huge = "x".repeat(100 * 1024);
    let crlf = "a\r\nb";

    let cases: Vec<Case> = vec![
        // Incoming servers.
        (
            "name",
            "empty server name",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    name: " ".into(),
                    ..server()
                }))
            }),
        ),
        (
            "name",
            "duplicate server name",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    name: "imap".into(),
                    ..server()
                }))
            }),
        ),
        (
            "name",
            "CR/LF in server name",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    name: crlf.into(),
                    ..server()
                }))
            }),
        ),
        (
            "name",
            "100 KB server name",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    name: huge.clone(),
                    ..server()
                }))
            }),
        ),
        (
            "host",
            "empty host",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    host: "".into(),
                    ..server()
                }))
            }),
        ),
        (
            "host",
            "host with space",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    host: "imap example.org".into(),
                    ..server()
                }))
            }),
        ),
        (
            "host",
            "CR/LF in host",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    host: "imap.example.org\r\nQUIT".into(),
                    ..server()
                }))
            }),
        ),
        (
            "host",
            "100 KB host",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    host: huge.clone(),
                    ..server()
                }))
            }),
        ),
        (
            "host",
            "IDN with an empty label",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    host: "mail.müller..de".into(),
                    ..server()
                }))
            }),
        ),
        (
            "host",
            "broken punycode",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    host: "xn--zz-.de".into(),
                    ..server()
                }))
            }),
        ),
        (
            "host",
            "invalid IPv4",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    host: "256.1.1.1".into(),
                    ..server()
                }))
            }),
        ),
        (
            "port",
            "port 0",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    port: Some(0),
                    ..server()
                }))
            }),
        ),
        (
            "port",
            "port 65536",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    port: Some(65536),
                    ..server()
                }))
            }),
        ),
        (
            "port",
            "negative port",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    port: Some(-993),
                    ..server()
                }))
            }),
        ),
        (
            "timeout_secs",
            "timeout 0",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    timeout_secs: 0,
                    ..server()
                }))
            }),
        ),
        (
            "timeout_secs",
            "timeout 601",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    timeout_secs: 601,
                    ..server()
                }))
            }),
        ),
        (
            "tls_verify",
            "verification off unconfirmed",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    tls_verify: false,
                    ..server()
                }))
            }),
        ),
        (
            "tls_pin_sha256",
            "short fingerprint",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    tls_pin_sha256: "AB:CD".into(),
                    ..server()
                }))
            }),
        ),
        (
            "password",
            "CR/LF in password",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    password: SecretUpdate::Set(crlf.into()),
                    ..server()
                }))
            }),
        ),
        (
            "folder_trash",
            "folder on POP3",
            Box::new(|a, _| {
                ok(a.create_server(&ServerInput {
                    protocol: Protocol::Pop3,
                    folder_trash: "Trash".into(),
                    ..server()
                }))
            }),
        ),
        (
            "protocol",
            "protocol changed on edit",
            Box::new(|a, i| {
                let s = a.get_server(i.server)?;
                ok(a.update_server(
                    s.id,
                    s.version,
                    &ServerInput {
                        protocol: Protocol::Pop3,
                        ..ServerInput::from(&s)
                    },
                ))
            }),
        ),
        // Outgoing servers.
        (
            "name",
            "duplicate outgoing name",
            Box::new(|a, _| {
                ok(a.create_outgoing(&OutgoingInput {
                    name: "SMTP".into(),
                    ..outgoing()
                }))
            }),
        ),
        (
            "host",
            "outgoing host:port mismatch",
            Box::new(|a, _| {
                ok(a.create_outgoing(&OutgoingInput {
                    host: "smtp.example.org:25".into(),
                    port: Some(587),
                    ..outgoing()
                }))
            }),
        ),
        (
            "port",
            "outgoing port 99999",
            Box::new(|a, _| {
                ok(a.create_outgoing(&OutgoingInput {
                    port: Some(99999),
                    ..outgoing()
                }))
            }),
        ),
        (
            "sender_address",
            "sender without @",
            Box::new(|a, _| {
                ok(a.create_outgoing(&OutgoingInput {
                    sender_address: "info".into(),
                    ..outgoing()
                }))
            }),
        ),
        (
            "sender_address",
            "sender with header injection",
            Box::new(|a, _| {
                ok(a.create_outgoing(&OutgoingInput {
                    sender_address: "a@example.com\r\nBcc: x@evil.example".into(),
                    ..outgoing()
                }))
            }),
        ),
        (
            "auth_method",
            "Microsoft 365 with password",
            Box::new(|a, _| {
                ok(a.create_outgoing(&OutgoingInput {
                    kind: OutgoingKind::Microsoft365,
                    ..outgoing()
                }))
            }),
        ),
        (
            "smime_certificate_id",
            "S/MIME certificate missing",
            Box::new(|a, _| {
                ok(a.create_outgoing(&OutgoingInput {
                    smime_certificate_id: Some(999),
                    ..outgoing()
                }))
            }),
        ),
        (
            "host",
            "disabled but CR/LF host",
            Box::new(|a, _| {
                ok(a.create_outgoing(&OutgoingInput {
                    enabled: false,
                    host: crlf.into(),
                    ..outgoing()
                }))
            }),
        ),
        // Companies, users, groups, employees.
        (
            "name",
            "empty company",
            Box::new(|a, _| ok(a.create_company(&CompanyInput::default()))),
        ),
        (
            "name",
            "duplicate company",
            Box::new(|a, _| {
                ok(a.create_company(&CompanyInput {
                    name: "FIRMA".into(),
                    ..Default::default()
                }))
            }),
        ),
        (
            "default_outgoing_server_id",
            "company default server missing",
            Box::new(|a, _| {
                ok(a.create_company(&CompanyInput {
                    name: "X".into(),
                    default_outgoing_server_id: Some(999),
                    ..Default::default()
                }))
            }),
        ),
        (
            "login",
            "empty login",
            Box::new(|a, _| ok(a.create_user(&UserInput::default()))),
        ),
        (
            "login",
            "login with space",
            Box::new(|a, _| {
                ok(a.create_user(&UserInput {
                    login: "a b".into(),
                    ..Default::default()
                }))
            }),
        ),
        (
            "login",
            "duplicate login",
            Box::new(|a, _| {
                ok(a.create_user(&UserInput {
                    login: "ANNA".into(),
                    ..Default::default()
                }))
            }),
        ),
        (
            "email",
            "user email umlaut local part",
            Box::new(|a, _| {
                ok(a.create_user(&UserInput {
                    login: "jörg".into(),
                    email: "jörg@example.com".into(),
                    ..Default::default()
                }))
            }),
        ),
        (
            "display_name",
            "100 KB display name",
            Box::new(|a, _| {
                ok(a.create_user(&UserInput {
                    login: "x".into(),
                    display_name: huge.clone(),
                    ..Default::default()
                }))
            }),
        ),
        (
            "name",
            "empty group",
            Box::new(|a, _| ok(a.create_group(&GroupInput::default()))),
        ),
        (
            "member_ids",
            "group member missing",
            Box::new(|a, _| {
                ok(a.create_group(&GroupInput {
                    name: "G".into(),
                    member_ids: vec![999],
                    ..Default::default()
                }))
            }),
        ),
        (
            "description",
            "CR/LF in description",
            Box::new(|a, _| {
                ok(a.create_group(&GroupInput {
                    name: "G".into(),
                    description: crlf.into(),
                    ..Default::default()
                }))
            }),
        ),
        (
            "user_id",
            "employee user missing",
            Box::new(|a, _| {
                ok(a.create_employee(&EmployeeInput {
                    name: "E".into(),
                    user_id: Some(999),
                    ..Default::default()
                }))
            }),
        ),
        (
            "email",
            "employee email invalid",
            Box::new(|a, _| {
                ok(a.create_employee(&EmployeeInput {
                    name: "E".into(),
                    email: "e@@example.com".into(),
                    ..Default::default()
                }))
            }),
        ),
        // Accounts.
        (
            "email",
            "account without email",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    email: "".into(),
                    ..account(i)
                }))
            }),
        ),
        (
            "email",
            "account email two @",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    email: "a@b@example.com".into(),
                    ..account(i)
                }))
            }),
        ),
        (
            "email",
            "account email IP without brackets",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    email: "a@10.0.0.1".into(),
                    ..account(i)
                }))
            }),
        ),
        (
            "reply_to",
            "reply-to invalid",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    reply_to: "antwort".into(),
                    ..account(i)
                }))
            }),
        ),
        (
            "send_bcc",
            "send-BCC with CR/LF",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    send_bcc: "x@example.com\nRCPT TO:<y>".into(),
                    ..account(i)
                }))
            }),
        ),
        (
            "owner",
            "account without owner",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    owner: None,
                    ..account(i)
                }))
            }),
        ),
        (
            "owner",
            "account owner user missing",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    owner: Some(Owner::User(999)),
                    ..account(i)
                }))
            }),
        ),
        (
            "owner",
            "account owner group missing",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    owner: Some(Owner::Group(999)),
                    ..account(i)
                }))
            }),
        ),
        (
            "user_ids",
            "assigned user missing",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    user_ids: vec![i.user, 999],
                    ..account(i)
                }))
            }),
        ),
        (
            "company_id",
            "company missing",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    company_id: Some(999),
                    ..account(i)
                }))
            }),
        ),
        (
            "incoming_server_id",
            "incoming server missing",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    incoming_server_id: Some(999),
                    ..account(i)
                }))
            }),
        ),
        (
            "outgoing_server_id",
            "outgoing server missing",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    outgoing_server_id: Some(999),
                    ..account(i)
                }))
            }),
        ),
        (
            "name",
            "duplicate account",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    name: "postfach".into(),
                    ..account(i)
                }))
            }),
        ),
        (
            "signature",
            "signature with NUL",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    signature: "Gruß\u{0}".into(),
                    ..account(i)
                }))
            }),
        ),
        (
            "signature",
            "signature of 100 KB",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    signature: huge.clone(),
                    ..account(i)
                }))
            }),
        ),
        (
            "mailbox_path",
            "100 KB mailbox path",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    mailbox_path: huge.clone(),
                    ..account(i)
                }))
            }),
        ),
        (
            "folders",
            "duplicate folder choice",
            Box::new(|a, i| {
                ok(a.create_account(&AccountInput {
                    folders: vec![
                        AccountFolder {
                            folder: "INBOX/A".into(),
                            subscribed: true,
                            auto_fetch: false,
                        },
                        AccountFolder {
                            folder: "INBOX/A".into(),
                            subscribed: false,
                            auto_fetch: true,
                        },
                    ],
                    ..account(i)
                }))
            }),
        ),
        (
            "mailbox_path",
            "locked mailbox path changed",
            Box::new(|a, i| {
                // The lock is set directly in the file by the business application.
                let acc = a.get_account(i.account)?;
                ok(a.update_account(
                    acc.id,
                    acc.version,
                    &AccountInput {
                        mailbox_path: "INBOX/Neu".into(),
                        ..AccountInput::from(&acc)
                    },
                ))
            }),
        ),
        // Calendar accounts.
        (
            "employee_id",
            "calendar without employee",
            Box::new(|a, _| {
                ok(a.create_calendar(&CalendarInput {
                    name: "K".into(),
                    ..Default::default()
                }))
            }),
        ),
        (
            "employee_id",
            "calendar employee missing",
            Box::new(|a, _| {
                ok(a.create_calendar(&CalendarInput {
                    name: "K".into(),
                    employee_id: Some(999),
                    ..Default::default()
                }))
            }),
        ),
        (
            "sync_days_back",
            "negative sync range",
            Box::new(|a, i| {
                ok(a.create_calendar(&CalendarInput {
                    name: "K".into(),
                    employee_id: Some(i.employee),
                    sync_days_back: -1,
                    ..Default::default()
                }))
            }),
        ),
        (
            "caldav_url",
            "CalDAV URL without scheme",
            Box::new(|a, i| {
                ok(a.create_calendar(&CalendarInput {
                    name: "K".into(),
                    employee_id: Some(i.employee),
                    backend: CalendarBackend::Caldav,
                    caldav_url: "dav.example.com".into(),
                    ..Default::default()
                }))
            }),
        ),
        // Certificates, settings, templates.
        (
            "data",
            "certificate garbage",
            Box::new(|a, _| {
                ok(a.import_certificate(&CertImport {
                    name: "C".into(),
                    data_base64: "bm90IGEgY2VydGlmaWNhdGU=".into(),
                    passphrase: None,
                    ..Default::default()
                }))
            }),
        ),
        (
            "data",
            "certificate not base64",
            Box::new(|a, _| {
                ok(a.import_certificate(&CertImport {
                    name: "C".into(),
                    data_base64: "%%%".into(),
                    passphrase: None,
                    ..Default::default()
                }))
            }),
        ),
        (
            "name",
            "certificate without name",
            Box::new(|a, _| {
                ok(a.import_certificate(&CertImport {
                    name: "".into(),
                    data_base64: "AA==".into(),
                    passphrase: None,
                    ..Default::default()
                }))
            }),
        ),
        (
            "fetch_interval_minutes",
            "fetch interval over a day",
            Box::new(|a, _| {
                let mut s = a.get_settings()?;
                s.fetch_interval_minutes = 5000;
                ok(a.save_settings(&s))
            }),
        ),
        (
            "name",
            "template without name",
            Box::new(|a, _| {
                ok(a.create_template(&TemplateInput {
                    name: "".into(),
                    kind: TemplateKind::Incoming,
                    data: serde_json::json!({}),
                }))
            }),
        ),
        (
            "data",
            "template of the wrong shape",
            Box::new(|a, _| {
                ok(a.create_template(&TemplateInput {
                    name: "T".into(),
                    kind: TemplateKind::Outgoing,
                    data: serde_json::json!({ "port": "x" }),
                }))
            }),
        ),
        (
            "csv",
            "CSV without header",
            Box::new(|a, _| ok(a.import_users_csv(""))),
        ),
    ];
    assert!(cases.len() >= 50, "{} cases", cases.len());

    // The lock case needs the flag set first (as the business application does).
    app.set_mail_received(ids.account, true).unwrap();
    let before = snapshot(&db);
    let _ = (ids.outgoing, ids.company, ids.group);
    for (field, what, run) in &cases {
        let err = match run(&app, &ids) {
            Ok(()) => panic!("{what}: accepted"),
            Err(e) => e,
        };
        let api = err.to_api(Lang::En);
        let fields: Vec<&str> = api.fields.iter().map(|f| f.field.as_str()).collect();
        assert!(
            fields.contains(field),
            "{what}: expected field {field}, got {fields:?} ({})",
            api.message
        );
        assert!(
            !api.fields
                .iter()
                .any(|f| f.message.is_empty() || f.message.contains("{?}")),
            "{what}: {:?}",
            api.fields
        );
        assert_eq!(snapshot(&db), before, "{what}: the database changed");
    }
}

#[test]
fn valid_edge_cases_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = app_at(&dir.path().join("c.db"), Lang::De);
    let ids = setup(&app);
    for (i, host) in [
        "mail.müller-bau.de",
        "xn--mller-bau-q9a.de",
        "2001:db8::25",
        "[2001:db8::25]:993",
        "192.0.2.10",
    ]
    .iter()
    .enumerate()
    {
        app.create_server(&ServerInput {
            name: format!("S{i}"),
            host: host.to_string(),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{host}: {e:?}"));
    }
    for (i, addr) in [
        "info@müller-bau.de",
        "\"Max Mustermann\"@example.com",
        "a.b+c@example.co.uk",
        "x@[192.0.2.1]",
    ]
    .iter()
    .enumerate()
    {
        app.create_account(&AccountInput {
            name: format!("A{i}"),
            email: addr.to_string(),
            owner: Some(Owner::User(ids.user)),
            signature: "Mit freundlichen Grüßen\r\n\tIhr Team".into(),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{addr}: {e:?}"));
    }
    assert_eq!(app.resolve(Entity::User, "ANNA").unwrap(), ids.user);
}

/// A keyring that counts every change: bad input must not touch it.
#[derive(Default)]
struct Untouched(std::sync::atomic::AtomicUsize);

impl mailbox_admin_core::secrets::SecretStore for Untouched {
    fn set(&self, _: &str, _: &str) -> Result<(), mailbox_admin_core::error::SecretError> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
    fn get(&self, _: &str) -> Result<Option<String>, mailbox_admin_core::error::SecretError> {
        Ok(None)
    }
    fn delete(&self, _: &str) -> Result<(), mailbox_admin_core::error::SecretError> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
    fn describe(&self) -> String {
        "untouched".into()
    }
}

/// `base` with the keys of `patch` replaced.
fn patched(base: serde_json::Value, patch: &serde_json::Value) -> serde_json::Value {
    let mut v = base;
    for (k, x) in patch.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn input<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, Error> {
    // A shape the UI cannot send is not what this corpus is about: it must deserialize.
    Ok(serde_json::from_value(v).expect("input of the right shape"))
}

/// What a table row does with its patch.
#[derive(Clone, Copy, Debug)]
enum Op {
    CreateServer,
    UpdateServer,
    CreateOutgoing,
    UpdateOutgoing,
    CreateAccount,
    UpdateAccount,
    CreateProvider,
    CreateCalendar,
    /// The patch is applied to a real export (with sealed secrets) before importing it.
    Import,
}

#[test]
fn patched_inputs_creates_updates_and_imports_are_field_errors_that_change_nothing() {
    use serde_json::json;
    use Op::*;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("config.db");
    let keyring = std::sync::Arc::new(Untouched::default());
    let app = App::new(
        mailbox_admin_core::store::Store::open(&db).unwrap(),
        keyring.clone(),
        Lang::En,
    );
    let ids = setup(&app);
    let server_json = serde_json::to_value(server()).unwrap();
    let outgoing_json = serde_json::to_value(outgoing()).unwrap();
    let account_json = serde_json::to_value(account(&ids)).unwrap();
    let provider_json = json!({
        "name": "Entra", "kind": "microsoft365", "tenant_id": "contoso.onmicrosoft.com",
        "client_id": "11111111-2222-3333-4444-555555555555"
    });
    let calendar_json = json!({ "name": "K", "employee_id": ids.employee });
    let export = app
        .export_config(&mailbox_admin_core::app::transfer::ExportOptions {
            include_secrets: true,
            passphrase: Some("Passphrase-lang-genug".into()),
        })
        .unwrap();
    let huge = "x".repeat(100 * 1024);
    let changes = keyring.0.load(std::sync::atomic::Ordering::SeqCst);

    let table: Vec<(Op, &str, serde_json::Value)> = vec![
        // Incoming servers: created and edited alike.
        (CreateServer, "port", json!({"port": 0})),
        (CreateServer, "port", json!({"port": 70000})),
        (CreateServer, "port", json!({"port": -1})),
        (CreateServer, "timeout_secs", json!({"timeout_secs": 0})),
        (
            CreateServer,
            "timeout_secs",
            json!({"timeout_secs": 100000}),
        ),
        (
            CreateServer,
            "login_user",
            json!({"login_user": "anna\r\nQUIT"}),
        ),
        (CreateServer, "login_user", json!({"login_user": huge})),
        (
            CreateServer,
            "tls_alt_name",
            json!({"tls_alt_name": "*.com"}),
        ),
        (
            CreateServer,
            "tls_alt_name",
            json!({"tls_alt_name": "*.co.uk"}),
        ),
        (
            CreateServer,
            "tls_alt_name",
            json!({"tls_alt_name": "mail server"}),
        ),
        (
            CreateServer,
            "tls_alt_name",
            json!({"tls_alt_name": "*.*.example.com"}),
        ),
        (
            CreateServer,
            "tls_pin_sha256",
            json!({"tls_pin_sha256": "zz"}),
        ),
        (
            CreateServer,
            "tls_pin_sha256",
            json!({"tls_pin_sha256": "ab".repeat(31)}),
        ),
        (CreateServer, "tls_verify", json!({"tls_verify": false})),
        (
            CreateServer,
            "ntlm_domain",
            json!({"ntlm_domain": "FIRMA\r\nX"}),
        ),
        (
            CreateServer,
            "oauth_provider_id",
            json!({"auth_method": "oauth2", "oauth_provider_id": 999}),
        ),
        (
            CreateServer,
            "folder_trash",
            json!({"folder_trash": "Trash\r\nX"}),
        ),
        (UpdateServer, "host", json!({"host": ""})),
        (UpdateServer, "host", json!({"host": "imap example.com"})),
        (UpdateServer, "port", json!({"port": 0})),
        (
            UpdateServer,
            "tls_alt_name",
            json!({"tls_alt_name": "*.de"}),
        ),
        (UpdateServer, "name", json!({"name": ""})),
        (UpdateServer, "timeout_secs", json!({"timeout_secs": -5})),
        (UpdateServer, "tls_verify", json!({"tls_verify": false})),
        // Outgoing servers: test recipients and sender addresses too.
        (CreateOutgoing, "host", json!({"host": "smtp..example.org"})),
        (CreateOutgoing, "port", json!({"port": 65536})),
        (
            CreateOutgoing,
            "sender_address",
            json!({"sender_address": "kein-at"}),
        ),
        (
            CreateOutgoing,
            "sender_address",
            json!({"sender_address": "a@b\r\nRCPT TO:<x@y>"}),
        ),
        (CreateOutgoing, "username", json!({"username": "u\r\nAUTH"})),
        (
            CreateOutgoing,
            "tls_alt_name",
            json!({"tls_alt_name": "*.net"}),
        ),
        (
            CreateOutgoing,
            "smime_certificate_id",
            json!({"smime_certificate_id": 999}),
        ),
        (
            CreateOutgoing,
            "client_certificate_id",
            json!({"client_certificate_id": 999}),
        ),
        (
            CreateOutgoing,
            "oauth_provider_id",
            json!({"auth_method": "oauth2", "oauth_provider_id": 999}),
        ),
        (
            CreateOutgoing,
            "tls_verify",
            json!({"tls_verify": false, "enabled": false}),
        ),
        (UpdateOutgoing, "host", json!({"host": ""})),
        (
            UpdateOutgoing,
            "sender_address",
            json!({"sender_address": "@example.com"}),
        ),
        (UpdateOutgoing, "timeout_secs", json!({"timeout_secs": 0})),
        // Accounts: logins, addresses, recipients.
        (CreateAccount, "email", json!({"email": "kein-at"})),
        (CreateAccount, "email", json!({"email": "a@b@example.com"})),
        (
            CreateAccount,
            "email",
            json!({"email": "anna@example.com\r\nBcc: x@y"}),
        ),
        (CreateAccount, "reply_to", json!({"reply_to": "antwort"})),
        (CreateAccount, "send_bcc", json!({"send_bcc": "archiv@, x"})),
        (
            CreateAccount,
            "username",
            json!({"username": "anna\r\nLOGOUT"}),
        ),
        (CreateAccount, "username", json!({"username": huge})),
        (
            CreateAccount,
            "incoming_server_id",
            json!({"incoming_server_id": 999}),
        ),
        (
            CreateAccount,
            "outgoing_server_id",
            json!({"outgoing_server_id": 999}),
        ),
        (CreateAccount, "company_id", json!({"company_id": 999})),
        (CreateAccount, "user_ids", json!({"user_ids": [999]})),
        (
            CreateAccount,
            "mailbox_path",
            json!({"mailbox_path": "INBOX\r\nX"}),
        ),
        (
            CreateAccount,
            "sender_name",
            json!({"sender_name": "Anna\r\nBcc: x@y"}),
        ),
        (UpdateAccount, "email", json!({"email": ""})),
        (UpdateAccount, "name", json!({"name": "   "})),
        (UpdateAccount, "reply_to", json!({"reply_to": "a@"})),
        (
            UpdateAccount,
            "incoming_server_id",
            json!({"incoming_server_id": 999}),
        ),
        // OAuth providers.
        (CreateProvider, "name", json!({"name": ""})),
        (CreateProvider, "client_id", json!({"client_id": ""})),
        (CreateProvider, "client_id", json!({"client_id": "id\r\nx"})),
        (
            CreateProvider,
            "token_hosts",
            json!({"kind": "oidc", "token_endpoint": "https://idp.example.com/token", "authorization_endpoint": "https://idp.example.com/auth", "token_hosts": ["mail.firma.de, *.firma.de"]}),
        ),
        (
            CreateProvider,
            "token_hosts",
            json!({"kind": "oidc", "token_endpoint": "https://idp.example.com/token", "authorization_endpoint": "https://idp.example.com/auth", "token_hosts": ["mail_firma!de"]}),
        ),
        (
            CreateProvider,
            "tenant_id",
            json!({"tenant_id": "contoso tenant"}),
        ),
        (
            CreateProvider,
            "token_endpoint",
            json!({"kind": "oidc", "token_endpoint": "kein url", "authorization_endpoint": "https://idp.example.com/auth"}),
        ),
        (
            CreateProvider,
            "token_endpoint",
            json!({"kind": "oidc", "token_endpoint": "http://idp.example.com/token", "authorization_endpoint": "https://idp.example.com/auth"}),
        ),
        (
            CreateProvider,
            "discovery_url",
            json!({"kind": "oidc", "discovery_url": "ftp://idp.example.com/"}),
        ),
        (
            CreateProvider,
            "authorization_endpoint",
            json!({"kind": "oidc", "authorization_endpoint": "javascript:alert(1)", "token_endpoint": "https://idp.example.com/token"}),
        ),
        // Calendars.
        (
            CreateCalendar,
            "caldav_url",
            json!({"backend": "caldav", "caldav_url": "ftp://dav.example.com/"}),
        ),
        (
            CreateCalendar,
            "sync_days_ahead",
            json!({"sync_days_ahead": -3}),
        ),
        (CreateCalendar, "name", json!({"name": ""})),
        // Import files: edited, tampered, cut short.
        (Import, "file", json!({"format": "something-else"})),
        (Import, "file", json!({"version": 99})),
        (Import, "file", json!({"incoming_servers": {"name": "x"}})),
        (
            Import,
            "file",
            json!({"incoming_servers": [{"name": "X", "host": "h", "colour": "red"}]}),
        ),
        (Import, "file", json!({"encrypted_secrets": {"kdf": "md5"}})),
    ];
    // Tampered and truncated seals, from the real export.
    let sealed = export["encrypted_secrets"].clone();
    let mut tampered_sealed = vec![];
    for (what, patch) in [
        ("ciphertext cut short", {
            let c = sealed["ciphertext"].as_str().unwrap();
            json!({"ciphertext": &c[..c.len() / 2]})
        }),
        ("ciphertext altered", {
            let c = sealed["ciphertext"].as_str().unwrap();
            let flipped = if c.starts_with('A') { "B" } else { "A" };
            json!({"ciphertext": format!("{flipped}{}", &c[1..])})
        }),
        ("unknown cipher", json!({"cipher": "rot13"})),
        ("unknown kdf", json!({"kdf": "pbkdf1"})),
        ("nonce missing", json!({"nonce": ""})),
    ] {
        tampered_sealed.push((what, patched(sealed.clone(), &patch)));
    }
    let mut table = table;
    for (_, s) in &tampered_sealed {
        table.push((Import, "file", json!({ "encrypted_secrets": s })));
    }
    // The document edited after export: the seal no longer fits (a host pointed elsewhere).
    table.push((
        Import,
        "file",
        json!({"incoming_servers": [
            patched(export["incoming_servers"][0].clone(), &json!({"host": "evil.example.net"}))
        ]}),
    ));
    assert!(table.len() >= 55, "{} cases", table.len());

    let mut before = snapshot(&db);
    let server = app.get_server(ids.server).unwrap();
    let out = app.get_outgoing(ids.outgoing).unwrap();
    let acc = app.get_account(ids.account).unwrap();
    let mut wrong = Vec::new();
    for (i, (op, field, patch)) in table.iter().enumerate() {
        let what = format!("#{i} {op:?} {patch}");
        let what = &what[..what.len().min(160)];
        let r: Result<(), Error> = match op {
            CreateServer => input(patched(server_json.clone(), patch))
                .and_then(|v: ServerInput| ok(app.create_server(&v))),
            UpdateServer => input(patched(
                serde_json::to_value(ServerInput::from(&server)).unwrap(),
                patch,
            ))
            .and_then(|v: ServerInput| ok(app.update_server(server.id, server.version, &v))),
            CreateOutgoing => input(patched(outgoing_json.clone(), patch))
                .and_then(|v: OutgoingInput| ok(app.create_outgoing(&v))),
            UpdateOutgoing => input(patched(
                serde_json::to_value(OutgoingInput::from(&out)).unwrap(),
                patch,
            ))
            .and_then(|v: OutgoingInput| ok(app.update_outgoing(out.id, out.version, &v))),
            CreateAccount => input(patched(account_json.clone(), patch))
                .and_then(|v: AccountInput| ok(app.create_account(&v))),
            UpdateAccount => input(patched(
                serde_json::to_value(AccountInput::from(&acc)).unwrap(),
                patch,
            ))
            .and_then(|v: AccountInput| ok(app.update_account(acc.id, acc.version, &v))),
            CreateProvider => input(patched(provider_json.clone(), patch))
                .and_then(|v: OauthProviderInput| ok(app.create_oauth_provider(&v))),
            CreateCalendar => input(patched(calendar_json.clone(), patch))
                .and_then(|v: CalendarInput| ok(app.create_calendar(&v))),
            Import => ok(app.import_config(
                &patched(export.clone(), patch),
                &mailbox_admin_core::app::transfer::ImportOptions {
                    on_conflict: mailbox_admin_core::app::transfer::OnConflict::Skip,
                    passphrase: Some("Passphrase-lang-genug".into()),
                },
            )),
        };
        let err = match r {
            Ok(()) => {
                wrong.push(format!("{what}: accepted"));
                // Take it back, so that the next cases start from the same database.
                for s in app.list_servers("Neu").unwrap() {
                    let _ = app.delete_server(s.id, None);
                }
                for s in app.list_outgoing("Neu").unwrap() {
                    let _ = app.delete_outgoing(s.id, None);
                }
                for a in app.list_accounts("Neu").unwrap() {
                    let _ = app.delete_account(a.id, None);
                }
                before = snapshot(&db);
                continue;
            }
            Err(e) => e,
        };
        let api = err.to_api(Lang::En);
        let fields: Vec<&str> = api.fields.iter().map(|f| f.field.as_str()).collect();
        if !fields.contains(field) {
            wrong.push(format!(
                "{what}: expected field {field}, got {fields:?} ({})",
                api.message
            ));
        }
        assert!(
            !api.fields.iter().any(|f| f.message.is_empty()),
            "{what}: {:?}",
            api.fields
        );
        if snapshot(&db) != before {
            wrong.push(format!("{what}: the database changed"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(
        keyring.0.load(std::sync::atomic::Ordering::SeqCst),
        changes,
        "bad input touched the keyring"
    );
}
