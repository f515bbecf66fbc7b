//! The configuration model through the core's operations: references and deletes,
//! inheritance of the outgoing server, the mailbox-path lock, CSV import, certificates,
//! templates, and export/import (round trip, conflicts, encrypted secrets, canaries).

#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::*;
use mailbox_admin_core::app::transfer::{ExportOptions, ImportOptions, ImportReport, OnConflict};
use mailbox_admin_core::diag::FieldCode;
use mailbox_admin_core::error::ErrorCode;
use mailbox_admin_core::model::*;
use mailbox_admin_core::{App, Lang};
use std::path::Path;

struct Fixture {
    imap: i64,
    smtp: i64,
    company: i64,
    users: Vec<i64>,
    group: i64,
}

fn fixture(app: &App) -> Fixture {
    let imap = add_server(app, server_input("IMAP Zentrale", "imap.example.com"));
    let smtp = add_outgoing(app, outgoing_input("Versand Zentrale", "smtp.example.com"));
    let company = add_company(app, "Müller Bau GmbH", Some(smtp));
    let users: Vec<i64> = ["anna", "bernd", "clara"]
        .iter()
        .map(|l| add_user(app, l, &format!("{l}@example.com")))
        .collect();
    let group = add_group(app, "Vertrieb", &users);
    Fixture {
        imap,
        smtp,
        company,
        users,
        group,
    }
}

/// A personal mailbox of `user`.
fn personal(name: &str, email: &str, user: i64) -> AccountInput {
    AccountInput {
        name: name.into(),
        email: email.into(),
        owner: Some(Owner::User(user)),
        ..Default::default()
    }
}

fn shared_mailbox(f: &Fixture) -> AccountInput {
    AccountInput {
        name: "Vertrieb Postfach".into(),
        email: "vertrieb@example.com".into(),
        owner: Some(Owner::Group(f.group)),
        user_ids: f.users.clone(),
        company_id: Some(f.company),
        incoming_server_id: Some(f.imap),
        ..Default::default()
    }
}

#[test]
fn effective_outgoing_is_resolved_account_then_company_then_installation() {
    let (_d, app) = tmp_app();
    let f = fixture(&app);
    let acc = app.create_account(&shared_mailbox(&f)).unwrap().item;
    assert_eq!(acc.user_ids, f.users);
    let e = app.effective_outgoing(acc.id).unwrap();
    assert_eq!(
        (
            e.source,
            e.server_name.as_deref(),
            e.company_name.as_deref()
        ),
        (
            OutgoingSource::Company,
            Some("Versand Zentrale"),
            Some("Müller Bau GmbH")
        )
    );

    // Without a company default: the installation default.
    let inst = app
        .create_outgoing(&OutgoingInput {
            name: "Standard".into(),
            host: "mail.example.com".into(),
            is_default: true,
            ..Default::default()
        })
        .unwrap()
        .item;
    let c = app.get_company(f.company).unwrap();
    let mut ci = CompanyInput::from(&c);
    ci.default_outgoing_server_id = None;
    app.update_company(c.id, c.version, &ci).unwrap();
    let e = app.effective_outgoing(acc.id).unwrap();
    assert_eq!(
        (e.source, e.server_id),
        (OutgoingSource::Installation, Some(inst.id))
    );

    // Set on the account wins.
    let mut ai = AccountInput::from(&acc);
    ai.outgoing_server_id = Some(f.smtp);
    app.update_account(acc.id, acc.version, &ai).unwrap();
    let e = app.effective_outgoing(acc.id).unwrap();
    assert_eq!(
        (e.source, e.server_id),
        (OutgoingSource::Account, Some(f.smtp))
    );

    // Nothing anywhere: none.
    let a2 = app
        .create_account(&personal("Ohne", "ohne@example.com", f.users[0]))
        .unwrap()
        .item;
    let s = app.get_outgoing(inst.id).unwrap();
    let mut si = OutgoingInput::from(&s);
    si.is_default = false;
    app.update_outgoing(s.id, s.version, &si).unwrap();
    assert_eq!(
        app.effective_outgoing(a2.id).unwrap().source,
        OutgoingSource::None
    );
}

#[test]
fn only_one_installation_default() {
    let (_d, app) = tmp_app();
    let mk = |n: &str| {
        app.create_outgoing(&OutgoingInput {
            name: n.into(),
            host: "smtp.example.com".into(),
            is_default: true,
            ..Default::default()
        })
        .unwrap()
        .item
    };
    let a = mk("A");
    let b = mk("B");
    assert!(b.is_default);
    assert!(!app.get_outgoing(a.id).unwrap().is_default);
    assert!(
        app.get_outgoing(a.id).unwrap().version > a.version,
        "A was changed: its version moves"
    );
}

#[test]
fn servers_in_use_cannot_be_deleted() {
    let (_d, app) = tmp_app();
    let f = fixture(&app);
    let acc = app.create_account(&shared_mailbox(&f)).unwrap().item;
    for e in [
        app.delete_server(f.imap, None).unwrap_err(),
        app.delete_outgoing(f.smtp, None).unwrap_err(),
        app.delete_company(f.company, None).unwrap_err(),
    ] {
        assert_eq!(e.code(), ErrorCode::InUse);
    }
    let msg = app
        .delete_outgoing(f.smtp, None)
        .unwrap_err()
        .to_api(Lang::En)
        .message;
    assert!(msg.contains("Müller Bau GmbH"), "{msg}");
    app.delete_account(acc.id, None).unwrap();
    app.delete_server(f.imap, None).unwrap();
    app.delete_company(f.company, None).unwrap();
    app.delete_outgoing(f.smtp, None).unwrap();
}

#[test]
fn deleting_a_group_with_a_shared_mailbox_asks_what_becomes_of_it() {
    let (_d, app) = tmp_app();
    let f = fixture(&app);
    let acc = app.create_account(&shared_mailbox(&f)).unwrap().item;
    let e = app
        .delete_group(f.group, None, MailboxFate::Refuse)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InUse);
    assert!(e.to_api(Lang::De).message.contains("Vertrieb Postfach"));

    let other = app
        .create_group(&GroupInput {
            name: "Innendienst".into(),
            ..Default::default()
        })
        .unwrap();
    assert!(app
        .delete_group(f.group, None, MailboxFate::Reassign(f.group))
        .is_err());
    app.delete_group(f.group, None, MailboxFate::Reassign(other.id))
        .unwrap();
    assert_eq!(
        app.get_account(acc.id).unwrap().owner,
        Owner::Group(other.id)
    );

    app.delete_group(other.id, None, MailboxFate::Delete)
        .unwrap();
    assert_eq!(
        app.get_account(acc.id).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn users_owning_a_personal_mailbox_stay_and_assignments_go_with_deleted_users() {
    let (_d, app) = tmp_app();
    let f = fixture(&app);
    let acc = app.create_account(&shared_mailbox(&f)).unwrap().item;
    let personal = app
        .create_account(&personal("Anna", "anna@example.com", f.users[0]))
        .unwrap()
        .item;
    assert_eq!(
        app.delete_user(f.users[0], None).unwrap_err().code(),
        ErrorCode::InUse
    );
    app.delete_account(personal.id, None).unwrap();
    app.delete_user(f.users[0], None).unwrap();
    assert_eq!(
        app.get_account(acc.id).unwrap().user_ids,
        f.users[1..].to_vec()
    );
    assert_eq!(
        app.get_group(f.group).unwrap().member_ids,
        f.users[1..].to_vec()
    );
}

#[test]
fn sender_name_defaults_to_the_owners_name_and_follows_it() {
    let (_dir, app) = tmp_app();
    let f = fixture(&app);
    let u = app.get_user(f.users[0]).unwrap();
    let mut ui = UserInput::from(&u);
    ui.display_name = "Anna Admin".into();
    app.update_user(u.id, u.version, &ui).unwrap();
    let a = app
        .create_account(&personal("Anna", "anna@example.com", f.users[0]))
        .unwrap()
        .item;
    // Stored empty (the default), resolved when read.
    assert_eq!(
        (a.sender_name.as_str(), a.effective_sender_name.as_str()),
        ("", "Anna Admin")
    );
    let u = app.get_user(f.users[0]).unwrap();
    let mut ui = UserInput::from(&u);
    ui.display_name = "Anna Schmidt".into();
    app.update_user(u.id, u.version, &ui).unwrap();
    assert_eq!(
        app.get_account(a.id).unwrap().effective_sender_name,
        "Anna Schmidt"
    );
    // A name of its own wins; a user without a display name gives the login; a group its name.
    let mut own = personal("Bernd", "bernd@example.com", f.users[1]);
    own.sender_name = "  Support  ".into();
    let own = app.create_account(&own).unwrap().item;
    assert_eq!(own.effective_sender_name, "Support");
    let b = app
        .create_account(&personal("Bernd 2", "bernd2@example.com", f.users[1]))
        .unwrap()
        .item;
    assert_eq!(b.effective_sender_name, "bernd");
    let shared = app.create_account(&shared_mailbox(&f)).unwrap().item;
    assert_eq!(shared.effective_sender_name, "Vertrieb");
    // The export keeps the empty field: the default goes on following the owner.
    let doc = app.export_config(&ExportOptions::default()).unwrap();
    let row = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Anna")
        .unwrap()
        .clone();
    assert_eq!(row["sender_name"], "");
}

#[test]
fn attachments_groups_must_exist_and_keep_their_group() {
    let (_dir, app) = tmp_app();
    let f = fixture(&app);
    let mut i = personal("Anna", "anna@example.com", f.users[0]);
    i.attachments_group_in_id = Some(9999);
    i.attachments_group_out_id = Some(9998);
    let e = app.create_account(&i).unwrap_err().to_api(Lang::En);
    assert_eq!(e.code, ErrorCode::Validation);
    let fields: Vec<(&str, FieldCode)> = e
        .fields
        .iter()
        .map(|x| (x.field.as_str(), x.code))
        .collect();
    assert!(
        fields.contains(&("attachments_group_in_id", FieldCode::MissingRef)),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("attachments_group_out_id", FieldCode::MissingRef)),
        "{fields:?}"
    );
    assert!(app.list_accounts("").unwrap().is_empty());

    let archive = add_group(&app, "Archiv", &[]);
    i.attachments_group_in_id = Some(archive);
    i.attachments_group_out_id = None;
    let a = app.create_account(&i).unwrap().item;
    assert_eq!(a.attachments_group_in_id, Some(archive));
    // The group is not given away silently: its delete is refused while an account names it.
    let e = app
        .delete_group(archive, None, MailboxFate::Refuse)
        .unwrap_err()
        .to_api(Lang::En);
    assert_eq!(e.code, ErrorCode::InUse);
    assert!(e.message.contains("Anna"), "{}", e.message);
    let mut edit = AccountInput::from(&a);
    edit.attachments_group_in_id = None;
    app.update_account(a.id, a.version, &edit).unwrap();
    app.delete_group(archive, None, MailboxFate::Refuse)
        .unwrap();
}

#[test]
fn delete_procedure_moves_to_a_trash_that_is_not_the_mailbox_itself() {
    let (_dir, app) = tmp_app();
    let f = fixture(&app);
    let mut i = personal("Anna", "anna@example.com", f.users[0]);
    assert_eq!(
        i.delete_procedure,
        DeleteProcedure::MoveToTrash,
        "the default"
    );
    i.incoming_server_id = Some(f.imap);
    i.folder_trash = "inbox".into();
    let e = app.create_account(&i).unwrap_err().to_api(Lang::De);
    assert_eq!(e.field.as_deref(), Some("folder_trash"));
    assert_eq!(e.fields[0].code, FieldCode::TrashIsMailbox);
    assert!(
        e.fields[0].message.contains("Papierkorb"),
        "{}",
        e.fields[0].message
    );
    i.mailbox_path = "Archiv".into();
    i.folder_trash = "Archiv".into();
    assert!(app.create_account(&i).is_err());
    // Marking or expunging does not move: any trash folder will do.
    i.delete_procedure = DeleteProcedure::Expunge;
    let a = app.create_account(&i).unwrap().item;
    assert_eq!(a.delete_procedure, DeleteProcedure::Expunge);
    assert_eq!(
        DeleteProcedure::parse("mark_deleted"),
        Some(DeleteProcedure::MarkDeleted)
    );
    assert_eq!(DeleteProcedure::parse("wegwerfen"), None);
}

#[test]
fn mailbox_path_is_locked_once_mail_was_received() {
    let (_d, app) = tmp_app();
    let f = fixture(&app);
    let acc = app.create_account(&shared_mailbox(&f)).unwrap().item;
    let acc = app.set_mail_received(acc.id, true).unwrap();
    let mut i = AccountInput::from(&acc);
    i.mailbox_path = "INBOX/Vertrieb".into();
    let e = app
        .update_account(acc.id, acc.version, &i)
        .unwrap_err()
        .to_api(Lang::De);
    assert_eq!(e.field.as_deref(), Some("mailbox_path"));
    assert!(e.fields[0].message.contains("bereits E-Mails empfangen"));
    // Other fields still save.
    let mut i = AccountInput::from(&acc);
    i.signature = "Mit freundlichen Grüßen\nIhr Vertrieb".into();
    assert!(app.update_account(acc.id, acc.version, &i).is_ok());
}

#[test]
fn csv_import_reports_each_refused_row() {
    let (_d, app) = tmp_app();
    app.create_user(&UserInput {
        login: "anna".into(),
        ..Default::default()
    })
    .unwrap();
    let csv = "Benutzer;Anzeigename;E-Mail\n\
               bernd;Bernd Beispiel;bernd@example.com\n\
               anna;Anna Doppelt;anna@example.com\n\
               ;Ohne Login;x@example.com\n\
               clara;Clara;kein-at-zeichen\n\
               \"dora\";\"Dora; mit Semikolon\";dora@müller-bau.de\n";
    let report = app.import_users_csv(csv).unwrap();
    let created: Vec<&str> = report
        .iter()
        .filter(|r| r.created)
        .map(|r| r.login.as_str())
        .collect();
    assert_eq!(created, vec!["bernd", "dora"]);
    let refused: Vec<(u32, &str)> = report
        .iter()
        .filter(|r| !r.created)
        .map(|r| (r.line, r.errors[0].field.as_str()))
        .collect();
    assert_eq!(refused, vec![(3, "login"), (4, "login"), (5, "email")]);
    assert_eq!(report[1].errors[0].code, "duplicate");
    let dora = app.list_users("dora").unwrap();
    assert_eq!(dora[0].display_name, "Dora; mit Semikolon");
    // A file without a usable header creates nothing.
    let e = app.import_users_csv("foo,bar\nx,y\n").unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation);
}

#[test]
fn csv_import_reads_what_excel_writes_byte_order_mark_and_quoted_line_breaks() {
    let (_d, app) = tmp_app();
    // UTF-8 BOM before the header; a quoted name spanning two lines, with a quote in it.
    let csv = "\u{feff}login,display_name,email\r\n\
               erik,\"Erik \"\"der Große\"\"\nVertrieb\",erik@example.com\r\n\
               \r\n\
               fritz,Fritz,fritz@example.com\r\n";
    let report = app.import_users_csv(csv).unwrap();
    let lines: Vec<(u32, &str, bool)> = report
        .iter()
        .map(|r| (r.line, r.login.as_str(), r.created))
        .collect();
    assert_eq!(lines, vec![(2, "erik", false), (5, "fritz", true)]);
    // A display name may not hold a line break: the row is refused, not split in two.
    assert_eq!(report[0].errors[0].field, "display_name");
    assert_eq!(app.list_users("").unwrap().len(), 1);
}

/// Runs the openssl CLI in `dir` with the words of `line`.
fn openssl(line: &str, dir: &Path) {
    let st = std::process::Command::new("openssl")
        .args(line.split_whitespace())
        .current_dir(dir)
        .output()
        .expect("openssl CLI (Debian package openssl)");
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
}

#[test]
fn certificates_import_from_pem_and_pkcs12_with_the_secret_in_the_keyring() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let (app, secrets) = app_at(&dir.path().join("config.db"), Lang::En);
    let d = dir.path();
    openssl(
        "req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 10 -subj /CN=Vertrieb/emailAddress=vertrieb@example.com",
        d,
    );
    openssl(
        "req -x509 -newkey rsa:2048 -nodes -keyout key2.pem -out cert2.pem -days 400 -subj /CN=Zentrale",
        d,
    );
    openssl(
        "pkcs12 -export -in cert.pem -inkey key.pem -out id.p12 -passout pass:Canary-P12-pass",
        d,
    );
    let b64 = |f: &str| {
        base64::engine::general_purpose::STANDARD.encode(std::fs::read(d.join(f)).unwrap())
    };

    // Certificate only.
    let c = app
        .import_certificate(&CertImport {
            name: "Nur Zertifikat".into(),
            data_base64: b64("cert.pem"),
            passphrase: None,
            ..Default::default()
        })
        .unwrap()
        .item;
    assert!(c.subject.contains("CN=Vertrieb"));
    assert_eq!(c.email_addresses, vec!["vertrieb@example.com"]);
    assert!(!c.has_private_key);
    assert!(c.expiry_warning, "10 days left: {}", c.days_left);
    assert_eq!(c.sha256.len(), 95);

    // The same certificate again is refused by fingerprint.
    let e = app
        .import_certificate(&CertImport {
            name: "Doppelt".into(),
            data_base64: b64("cert.pem"),
            passphrase: None,
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.to_api(Lang::En).field.as_deref(), Some("data"));
    app.delete_certificate(c.id, None).unwrap();

    // PKCS#12: wrong passphrase is a field error; the right one goes to the keyring.
    let e = app
        .import_certificate(&CertImport {
            name: "S/MIME".into(),
            data_base64: b64("id.p12"),
            passphrase: Some("wrong".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.to_api(Lang::En).field.as_deref(), Some("passphrase"));
    let p12 = app
        .import_certificate(&CertImport {
            name: "S/MIME".into(),
            data_base64: b64("id.p12"),
            passphrase: Some("Canary-P12-pass".into()),
            ..Default::default()
        })
        .unwrap()
        .item;
    assert!(p12.has_private_key);
    assert_eq!(p12.secret, SecretState::Stored);
    let r = secret_ref_of(&dir.path().join("config.db"), p12.id);
    assert!(r.starts_with("certificate/secret/"), "{r}");
    assert!(secrets.get(&r).unwrap().is_some());

    // A PEM with an unencrypted key: the key goes to the keyring, never to the database.
    let mut both = std::fs::read(d.join("cert2.pem")).unwrap();
    both.extend(std::fs::read(d.join("key2.pem")).unwrap());
    let pem = app
        .import_certificate(&CertImport {
            name: "Mit Schlüssel".into(),
            data_base64: base64::engine::general_purpose::STANDARD.encode(&both),
            passphrase: None,
            ..Default::default()
        })
        .unwrap()
        .item;
    assert_eq!(
        (pem.has_private_key, pem.secret_kind),
        (true, CertSecretKind::PrivateKey)
    );
    assert!(!pem.expiry_warning);
    let key_body: String = std::fs::read_to_string(d.join("key2.pem"))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    drop(app);
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("config.db"))
        .collect();
    assert_in_no_file(&files, key_body.as_bytes(), "private key");
    assert_in_no_file(&files, b"Canary-P12-pass", "passphrase");

    // S/MIME signing needs a certificate with a key.
    let (app, _) = app_at(&dir.path().join("config.db"), Lang::En);
    let nokey = app.import_certificate(&CertImport {
        name: "Ohne Schlüssel".into(),
        data_base64: b64("cert.pem"),
        passphrase: None,
        ..Default::default()
    });
    assert!(nokey.is_err(), "same fingerprint as 'S/MIME'");
    let e = app
        .create_outgoing(&OutgoingInput {
            name: "Signiert".into(),
            host: "smtp.example.com".into(),
            smime_sign: true,
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(
        e.to_api(Lang::En).field.as_deref(),
        Some("smime_certificate_id")
    );
    let ok = app
        .create_outgoing(&OutgoingInput {
            name: "Signiert".into(),
            host: "smtp.example.com".into(),
            smime_sign: true,
            smime_certificate_id: Some(p12.id),
            ..Default::default()
        })
        .unwrap()
        .item;
    assert_eq!(
        app.delete_certificate(p12.id, None).unwrap_err().code(),
        ErrorCode::InUse
    );
    app.delete_outgoing(ok.id, None).unwrap();
}

/// Imports `doc` into `app`, refusing conflicts, with the export's `passphrase`.
fn import_with(
    app: &App,
    doc: &serde_json::Value,
    passphrase: &str,
) -> Result<ImportReport, mailbox_admin_core::Error> {
    let opts = ImportOptions {
        on_conflict: OnConflict::Fail,
        passphrase: Some(passphrase.into()),
    };
    app.import_config(doc, &opts)
}

fn secret_ref_of(db: &Path, id: i64) -> String {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT secret_ref FROM certificates WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn templates_keep_no_secret_and_presets_fill_a_server() {
    let (_d, app) = tmp_app();
    let mut input = ServerInput {
        name: "Vorlage Quelle".into(),
        host: "imap.example.com".into(),
        password: SecretUpdate::Set("Canary-Template".into()),
        ..Default::default()
    };
    let s = app.create_server(&input).unwrap().item;
    input = ServerInput::from(&s);
    let t = app
        .create_template(&TemplateInput {
            name: "Standard-IMAP".into(),
            kind: TemplateKind::Incoming,
            data: serde_json::to_value(&input).unwrap(),
        })
        .unwrap();
    assert!(!t.data.to_string().contains("Canary"));
    let bad = app.create_template(&TemplateInput {
        name: "Kaputt".into(),
        kind: TemplateKind::Incoming,
        data: serde_json::json!({ "port": "not a number" }),
    });
    assert!(bad.is_err());
    let gmx = preset_by_id("gmx").unwrap();
    let from_preset = preset_incoming(&gmx, Protocol::Imap).unwrap();
    let saved = app.create_server(&from_preset).unwrap().item;
    assert_eq!((saved.host.as_str(), saved.port), ("imap.gmx.net", 993));
    assert!(gmx.hint_de.contains("POP3/IMAP"));
}

fn full_config(app: &App) -> Fixture {
    let f = fixture(app);
    let mut acc = shared_mailbox(&f);
    acc.password = SecretUpdate::Set("Canary-Account-Pw".into());
    acc.folders = vec![AccountFolder {
        folder: "INBOX/Aufträge".into(),
        subscribed: true,
        auto_fetch: true,
    }];
    acc.signature = "Viele Grüße\n„Vertrieb“".into();
    acc.attachments_group_in_id = Some(f.group);
    acc.attachments_group_out_id = Some(add_group(app, "Buchhaltung", &f.users[..1]));
    acc.delete_procedure = DeleteProcedure::MarkDeleted;
    let a = app.create_account(&acc).unwrap().item;
    let o = app.get_outgoing(f.smtp).unwrap();
    let mut oi = OutgoingInput::from(&o);
    oi.send_via_app_server = true;
    app.update_outgoing(o.id, o.version, &oi).unwrap();
    app.set_mail_received(a.id, true).unwrap();
    let s = app.get_server(f.imap).unwrap();
    let mut si = ServerInput::from(&s);
    si.password = SecretUpdate::Set("Canary-Server-Pw".into());
    app.update_server(s.id, s.version, &si).unwrap();
    let emp = app
        .create_employee(&EmployeeInput {
            name: "Erika Muster".into(),
            user_id: Some(f.users[1]),
            ..Default::default()
        })
        .unwrap();
    app.create_calendar(&CalendarInput {
        name: "Kalender Erika".into(),
        employee_id: Some(emp.id),
        outlook_profile: "Outlook".into(),
        password: SecretUpdate::Set("Canary-Calendar-Pw".into()),
        ..Default::default()
    })
    .unwrap();
    app.create_mobile_device(&MobileDeviceInput {
        name: "iPhone Vertrieb".into(),
        platform: DevicePlatform::Ios,
        user_id: Some(f.users[0]),
        account_id: Some(a.id),
        method: ProvisionMethod::Qr,
        set_up_at: "2026-11-30".into(),
        set_up_by: "admin".into(),
        notes: "Diensthandy".into(),
    })
    .unwrap();
    let mut st = app.get_settings().unwrap();
    st.fetch_interval_minutes = 5;
    st.lock_after_send = true;
    app.save_settings(&st).unwrap();
    app.create_template(&TemplateInput {
        name: "Konto-Vorlage".into(),
        kind: TemplateKind::Account,
        data: serde_json::to_value(AccountInput::default()).unwrap(),
    })
    .unwrap();
    f
}

#[test]
fn export_import_export_is_identical_and_contains_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = app_at(&dir.path().join("a.db"), Lang::En);
    full_config(&a);
    let first = a.export_config(&ExportOptions::default()).unwrap();
    let text = serde_json::to_string_pretty(&first).unwrap();
    for canary in [
        "Canary-Account-Pw",
        "Canary-Server-Pw",
        "Canary-Calendar-Pw",
    ] {
        assert!(!text.contains(canary), "{canary} in the export");
    }
    let reenter = first["secrets_to_reenter"].as_array().unwrap();
    assert_eq!(reenter.len(), 3, "{reenter:?}");

    let (b, _) = app_at(&dir.path().join("b.db"), Lang::En);
    let report = b.import_config(&first, &ImportOptions::default()).unwrap();
    assert_eq!(report.created["users"], 3);
    assert_eq!(report.created["mobile_devices"], 1);
    assert_eq!(first["mobile_devices"][0]["account"], "Vertrieb Postfach");
    assert_eq!(report.secrets_to_reenter.len(), 3);
    let second = b.export_config(&ExportOptions::default()).unwrap();
    assert_eq!(
        serde_json::to_string_pretty(&first).unwrap(),
        serde_json::to_string_pretty(&second).unwrap()
    );
    // The relationships survived: the shared mailbox still inherits from the company.
    let acc = b.list_accounts("Vertrieb Postfach").unwrap().remove(0);
    assert!(acc.mail_received);
    // The seeds' remaining fields came along, by name.
    let group = |id: Option<i64>| b.get_group(id.unwrap()).unwrap().name;
    assert_eq!(group(acc.attachments_group_in_id), "Vertrieb");
    assert_eq!(group(acc.attachments_group_out_id), "Buchhaltung");
    assert_eq!(acc.delete_procedure, DeleteProcedure::MarkDeleted);
    assert_eq!(first["accounts"][0]["attachments_group_out"], "Buchhaltung");
    assert_eq!(first["accounts"][0]["delete_procedure"], "mark_deleted");
    assert!(b.list_outgoing("").unwrap()[0].send_via_app_server);
    assert_eq!(
        b.effective_outgoing(acc.id).unwrap().source,
        OutgoingSource::Company
    );
}

/// "Nur speichern, wenn der Verbindungstest besteht" (save_only_tested): off by default,
/// kept in the database, carried by export/import, off for a file that predates it.
#[test]
fn save_only_tested_is_stored_and_travels_with_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    {
        let (a, _) = app_at(&db, Lang::En);
        let mut st = a.get_settings().unwrap();
        assert!(!st.save_only_tested, "off by default");
        st.save_only_tested = true;
        let saved = a.save_settings(&st).unwrap();
        assert!(saved.save_only_tested);
        assert_eq!(saved.version, st.version + 1);
    }
    let (a, _) = app_at(&db, Lang::En);
    assert!(a.get_settings().unwrap().save_only_tested, "reopened");
    let doc = a.export_config(&ExportOptions::default()).unwrap();
    assert_eq!(
        doc["settings"]["save_only_tested"], true,
        "{}",
        doc["settings"]
    );

    let (b, _) = app_at(&dir.path().join("b.db"), Lang::En);
    b.import_config(&doc, &ImportOptions::default()).unwrap();
    assert!(b.get_settings().unwrap().save_only_tested, "imported");

    // A file written before the setting existed leaves it off.
    let mut old = doc.clone();
    old["settings"]
        .as_object_mut()
        .unwrap()
        .remove("save_only_tested");
    let (c, _) = app_at(&dir.path().join("c.db"), Lang::En);
    c.import_config(&old, &ImportOptions::default()).unwrap();
    assert!(!c.get_settings().unwrap().save_only_tested);
}

#[test]
fn an_import_with_conflicts_changes_nothing_unless_told_to_skip() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = app_at(&dir.path().join("a.db"), Lang::En);
    full_config(&a);
    let doc = a.export_config(&ExportOptions::default()).unwrap();

    let (b, _) = app_at(&dir.path().join("b.db"), Lang::En);
    b.create_user(&UserInput {
        login: "ANNA".into(),
        display_name: "Already here".into(),
        ..Default::default()
    })
    .unwrap();
    b.create_server(&ServerInput {
        name: "IMAP Zentrale".into(),
        host: "other.example.com".into(),
        ..Default::default()
    })
    .unwrap();
    let before = b.export_config(&ExportOptions::default()).unwrap();
    let e = b
        .import_config(&doc, &ImportOptions::default())
        .unwrap_err()
        .to_api(Lang::En);
    assert_eq!(e.fields.len(), 2, "{:?}", e.fields);
    assert!(
        e.message.contains("anna") && e.message.contains("IMAP Zentrale"),
        "{}",
        e.message
    );
    assert_eq!(b.export_config(&ExportOptions::default()).unwrap(), before);

    let report = b
        .import_config(
            &doc,
            &ImportOptions {
                on_conflict: OnConflict::Skip,
                passphrase: None,
            },
        )
        .unwrap();
    assert_eq!(report.skipped.len(), 2);
    assert_eq!(
        b.get_user(
            b.resolve(mailbox_admin_core::error::Entity::User, "anna")
                .unwrap()
        )
        .unwrap()
        .display_name,
        "Already here"
    );
    // The imported account refers to the existing server.
    let acc = b.list_accounts("Vertrieb").unwrap().remove(0);
    assert_eq!(
        b.get_server(acc.incoming_server_id.unwrap()).unwrap().host,
        "other.example.com"
    );
}

#[test]
fn secrets_travel_only_encrypted_and_only_with_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = app_at(&dir.path().join("a.db"), Lang::En);
    full_config(&a);
    assert!(a
        .export_config(&ExportOptions {
            include_secrets: true,
            passphrase: Some("short".into()),
        })
        .is_err());
    let doc = a
        .export_config(&ExportOptions {
            include_secrets: true,
            passphrase: Some("Passphrase-für-Export".into()),
        })
        .unwrap();
    let text = doc.to_string();
    assert!(!text.contains("Canary"), "a secret in clear text");
    assert!(doc["encrypted_secrets"]["ciphertext"].is_string());

    let (b, _) = app_at(&dir.path().join("b.db"), Lang::En);
    let wrong = import_with(&b, &doc, "falsch").unwrap_err();
    assert_eq!(wrong.to_api(Lang::En).field.as_deref(), Some("passphrase"));
    assert!(
        b.list_users("").unwrap().is_empty(),
        "nothing imported with a wrong passphrase"
    );
    // Without the passphrase the rest imports, and the sealed secrets are named as to be
    // entered again (their rows "not stored"), not dropped unnoticed.
    let (c, _) = app_at(&dir.path().join("c.db"), Lang::En);
    let report = c.import_config(&doc, &ImportOptions::default()).unwrap();
    assert_eq!(report.secrets_restored, 0);
    assert_eq!(report.secrets_to_reenter.len(), 3, "{report:?}");
    assert!(report
        .secrets_to_reenter
        .contains(&"incoming_server/IMAP Zentrale/password".to_string()));
    let srv = c.list_servers("IMAP").unwrap().remove(0);
    assert_eq!(srv.password, SecretState::NotStored);

    let report = import_with(&b, &doc, "Passphrase-für-Export").unwrap();
    assert_eq!(report.secrets_restored, 3);
    assert!(report.secrets_to_reenter.is_empty());
    let acc = b.list_accounts("Vertrieb").unwrap().remove(0);
    assert_eq!(
        b.account_password(acc.id).unwrap().as_deref(),
        Some("Canary-Account-Pw")
    );
    let srv = b.list_servers("IMAP").unwrap().remove(0);
    assert_eq!(
        b.server_password(srv.id).unwrap().as_deref(),
        Some("Canary-Server-Pw")
    );
}

/// A file written by version 1 of the format (before the typed document), with every kind
/// of row and reference. Its secrets are test values (`Canary-…`).
fn v1_file(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_version_1_file_still_imports_with_its_references() {
    let dir = tempfile::tempdir().unwrap();
    let (b, _) = app_at(&dir.path().join("b.db"), Lang::En);
    let report = b
        .import_config(&v1_file("export-v1.json"), &ImportOptions::default())
        .unwrap();
    let created: Vec<(&str, u32)> = report
        .created
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    assert_eq!(
        created,
        [
            ("accounts", 2),
            ("calendar_accounts", 1),
            ("certificates", 1),
            ("companies", 1),
            ("employees", 1),
            ("groups", 1),
            ("incoming_servers", 2),
            ("oauth_providers", 1),
            ("outgoing_servers", 1),
            ("templates", 1),
            ("users", 3),
        ]
    );
    assert_eq!(report.secrets_to_reenter.len(), 5, "{report:?}");
    let smtp = b.list_outgoing("Versand").unwrap().remove(0);
    let cert = b.list_certificates("").unwrap().remove(0);
    assert_eq!(smtp.smime_certificate_id, Some(cert.id));
    assert_eq!(smtp.client_certificate_id, Some(cert.id));
    let gmail = b.list_servers("Gmail").unwrap().remove(0);
    assert!(gmail.oauth_provider_id.is_some());
    let acc = b.list_accounts("Vertrieb").unwrap().remove(0);
    assert!(acc.mail_received);
    assert_eq!(acc.user_ids.len(), 3);
    assert_eq!(
        b.effective_outgoing(acc.id).unwrap().source,
        OutgoingSource::Company
    );
    assert_eq!(b.get_settings().unwrap().fetch_interval_minutes, 5);
    assert_eq!(b.account_password(acc.id).unwrap(), None);
}

#[test]
fn a_version_1_file_with_secrets_opens_with_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let doc = v1_file("export-v1-secrets.json");
    let (b, _) = app_at(&dir.path().join("b.db"), Lang::En);
    let wrong = b
        .import_config(
            &doc,
            &ImportOptions {
                on_conflict: OnConflict::Fail,
                passphrase: Some("falsch-falsch".into()),
            },
        )
        .unwrap_err()
        .to_api(Lang::En);
    assert_eq!(wrong.fields[0].code, FieldCode::PassphraseWrong);
    assert!(b.list_users("").unwrap().is_empty());
    let report = b
        .import_config(
            &doc,
            &ImportOptions {
                on_conflict: OnConflict::Fail,
                passphrase: Some("Test-Passphrase-v1".into()),
            },
        )
        .unwrap();
    assert_eq!(report.secrets_restored, 5);
    assert!(report.secrets_to_reenter.is_empty());
    let acc = b.list_accounts("Vertrieb").unwrap().remove(0);
    assert_eq!(
        b.account_password(acc.id).unwrap().as_deref(),
        Some("Canary-Account-Pw")
    );
}

#[test]
fn a_version_1_file_converts_to_version_2_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let (b, _) = app_at(&dir.path().join("b.db"), Lang::En);
    b.import_config(&v1_file("export-v1.json"), &ImportOptions::default())
        .unwrap();
    let v2 = b.export_config(&ExportOptions::default()).unwrap();
    assert_eq!(v2["version"], 2);
    // Same rows and references as the version 1 file (which had no keys of its own).
    let v1 = v1_file("export-v1.json");
    for section in [
        "accounts",
        "certificates",
        "outgoing_servers",
        "groups",
        "templates",
    ] {
        assert_eq!(v2[section], v1[section], "{section}");
    }
    let (c, _) = app_at(&dir.path().join("c.db"), Lang::En);
    c.import_config(&v2, &ImportOptions::default()).unwrap();
    assert_eq!(c.export_config(&ExportOptions::default()).unwrap(), v2);
}

#[test]
fn sealed_secrets_are_refused_when_the_document_was_edited() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = app_at(&dir.path().join("a.db"), Lang::En);
    full_config(&a);
    let doc = a
        .export_config(&ExportOptions {
            include_secrets: true,
            passphrase: Some("Passphrase-für-Export".into()),
        })
        .unwrap();
    let opts = ImportOptions {
        on_conflict: OnConflict::Fail,
        passphrase: Some("Passphrase-für-Export".into()),
    };
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit); 3] = [
        ("host", |d| {
            let i = d["incoming_servers"]
                .as_array()
                .unwrap()
                .iter()
                .position(|s| s["name"] == "IMAP Zentrale")
                .unwrap();
            d["incoming_servers"][i]["host"] = "imap.attacker.example".into();
        }),
        ("tls", |d| {
            d["outgoing_servers"][0]["tls_verify"] = false.into();
            d["outgoing_servers"][0]["tls_insecure_confirmed"] = true.into();
        }),
        ("reenter list", |d| {
            d["secrets_to_reenter"] = serde_json::json!(["account/Vertrieb Postfach/password"]);
        }),
    ];
    for (what, edit) in edits {
        let (b, _) = app_at(&dir.path().join(format!("b-{what}.db")), Lang::En);
        let mut edited = doc.clone();
        edit(&mut edited);
        let e = b
            .import_config(&edited, &opts)
            .unwrap_err()
            .to_api(Lang::En);
        assert_eq!(e.fields.len(), 1, "{what}: {:?}", e.fields);
        assert_eq!(
            (e.fields[0].field.as_str(), e.fields[0].code),
            ("file", FieldCode::ExportModified),
            "{what}"
        );
        assert!(e.message.contains("changed after export"), "{}", e.message);
        assert!(b.list_servers("").unwrap().is_empty(), "{what}: imported");
    }
    // Untouched (even re-serialized with other whitespace), it opens.
    let text = serde_json::to_string(&doc).unwrap();
    let (b, _) = app_at(&dir.path().join("b.db"), Lang::En);
    let report = b
        .import_config(&serde_json::from_str(&text).unwrap(), &opts)
        .unwrap();
    assert_eq!(report.secrets_restored, 3);
}

/// A keyring that remembers which entries exist.
#[derive(Default)]
struct Entries(std::sync::Mutex<std::collections::BTreeSet<String>>);

impl mailbox_admin_core::secrets::SecretStore for Entries {
    fn set(&self, key: &str, _: &str) -> Result<(), mailbox_admin_core::error::SecretError> {
        self.0.lock().unwrap().insert(key.into());
        Ok(())
    }
    fn get(&self, _: &str) -> Result<Option<String>, mailbox_admin_core::error::SecretError> {
        Ok(None)
    }
    fn delete(&self, key: &str) -> Result<(), mailbox_admin_core::error::SecretError> {
        self.0.lock().unwrap().remove(key);
        Ok(())
    }
    fn describe(&self) -> String {
        "entries".into()
    }
}

#[test]
fn a_failed_import_leaves_no_keyring_entry_behind() {
    // Version 1 files carry no binding, so one can be edited: its last section (calendar
    // accounts) names an employee that is not in the file. Certificates, providers, servers
    // and accounts have written their secrets by then; the rollback must take them back.
    let dir = tempfile::tempdir().unwrap();
    let mut doc = v1_file("export-v1-secrets.json");
    doc["calendar_accounts"][0]["employee"] = "Niemand Bekannt".into();
    let entries = std::sync::Arc::new(Entries::default());
    let app = App::new(
        mailbox_admin_core::store::Store::open(&dir.path().join("b.db")).unwrap(),
        entries.clone(),
        Lang::En,
    );
    let e = app
        .import_config(
            &doc,
            &ImportOptions {
                on_conflict: OnConflict::Fail,
                passphrase: Some("Test-Passphrase-v1".into()),
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation, "{e:?}");
    assert!(app.list_users("").unwrap().is_empty());
    let left = entries.0.lock().unwrap().clone();
    assert!(left.is_empty(), "orphaned keyring entries: {left:?}");
}
