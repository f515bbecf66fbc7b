use super::*;
use crate::diag::FieldCode;
use crate::error::ErrorCode;
use crate::model::{Protocol, SecretState, SecretUpdate, Security, ServerInput};
use crate::secrets::{self, UnavailableSecrets};
use crate::store;

fn app() -> App {
    App::new(Store::open_in_memory().unwrap(), secrets::mock(), Lang::En)
}

/// Runs a future (a connection test) to its end on a runtime of its own.
fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn quiet(_: &crate::probe::ProbeEvent) {}

fn uncancelled() -> &'static crate::probe::CancellationToken {
    static C: std::sync::OnceLock<crate::probe::CancellationToken> = std::sync::OnceLock::new();
    C.get_or_init(crate::probe::CancellationToken::new)
}

fn input(name: &str) -> ServerInput {
    ServerInput {
        name: name.into(),
        host: "imap.example.com".into(),
        ..Default::default()
    }
}

fn add_account(app: &App, name: &str, server_id: i64) {
    let db = app.db();
    db.read()
        .execute(
            "INSERT INTO users (uid, login, created_at, updated_at) VALUES (?1, ?2, 'now', 'now')",
            rusqlite::params![store::new_uid(), format!("owner-of-{name}")],
        )
        .unwrap();
    let owner = db.read().last_insert_rowid();
    db.read()
        .execute(
            "INSERT INTO accounts (uid, name, email, owner_user_id, incoming_server_id, \
             created_at, updated_at) VALUES (?1, ?2, 'a@example.com', ?3, ?4, 'now', 'now')",
            rusqlite::params![store::new_uid(), name, owner, server_id],
        )
        .unwrap();
}

#[test]
fn created_server_is_listed_with_derived_port() {
    let app = app();
    let s = app.create_server(&input("Main")).unwrap().item;
    assert_eq!((s.port, s.port_manual, s.version), (993, false, 1));
    let all = app.list_servers("").unwrap();
    assert_eq!(all, vec![s]);
}

#[test]
fn search_matches_every_word_across_fields() {
    let app = app();
    app.create_server(&input("Zentrale")).unwrap();
    let mut pop = input("Filiale");
    pop.protocol = Protocol::Pop3;
    pop.host = "pop.filiale.example".into();
    pop.login_user = "einkauf@filiale.example".into();
    app.create_server(&pop).unwrap();
    let names = |q: &str| -> Vec<String> {
        app.list_servers(q)
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect()
    };
    assert_eq!(names("EINKAUF"), vec!["Filiale"]);
    assert_eq!(names("pop3 995"), vec!["Filiale"]);
    assert_eq!(names("imap.example"), vec!["Zentrale"]);
    assert_eq!(names("example"), vec!["Filiale", "Zentrale"]);
    assert!(names("100%").is_empty(), "LIKE wildcards are literal");
    assert!(names("pop3 993").is_empty());
}

#[test]
fn duplicate_name_is_a_field_error_case_insensitively() {
    let app = app();
    app.create_server(&input("Main")).unwrap();
    let e = app
        .create_server(&input("MAIN"))
        .unwrap_err()
        .to_api(Lang::En);
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.field.as_deref(), Some("name"));
    assert_eq!(e.fields[0].code, FieldCode::Duplicate);
    assert_eq!(app.list_servers("").unwrap().len(), 1);
}

#[test]
fn stale_edit_is_refused_and_changes_nothing() {
    let app = app();
    let s = app.create_server(&input("Main")).unwrap().item;
    // Two windows read version 1; the first saves, the second must be refused.
    let mut first = ServerInput::from(&s);
    first.timeout_secs = 60;
    let after_first = app.update_server(s.id, s.version, &first).unwrap().item;
    assert_eq!(after_first.version, 2);
    let mut second = ServerInput::from(&s);
    second.host = "other.example.com".into();
    let e = app.update_server(s.id, s.version, &second).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_api(Lang::En).message.contains("changed elsewhere"));
    assert_eq!(app.get_server(s.id).unwrap(), after_first);
}

#[test]
fn protocol_change_on_edit_is_refused() {
    let app = app();
    let s = app.create_server(&input("Main")).unwrap().item;
    let mut i = ServerInput::from(&s);
    i.protocol = Protocol::Pop3;
    let e = app.update_server(s.id, s.version, &i).unwrap_err();
    assert_eq!(e.to_api(Lang::De).field.as_deref(), Some("protocol"));
}

#[test]
fn manual_port_sticks_and_default_port_action_restores_it() {
    let app = app();
    let mut i = input("Main");
    i.port = Some(10993);
    let s = app.create_server(&i).unwrap().item;
    assert_eq!((s.port, s.port_manual), (10993, true));
    let mut edit = ServerInput::from(&s);
    edit.security = Security::Starttls;
    let s = app.update_server(s.id, s.version, &edit).unwrap().item;
    assert_eq!((s.port, s.port_manual), (10993, true));
    // "Default port": the form sends port = null.
    let mut edit = ServerInput::from(&s);
    edit.port = None;
    let s = app.update_server(s.id, s.version, &edit).unwrap().item;
    assert_eq!((s.port, s.port_manual), (143, false));
}

#[test]
fn delete_is_refused_while_an_account_uses_the_server() {
    let app = app();
    let s = app.create_server(&input("Main")).unwrap().item;
    add_account(&app, "Vertrieb", s.id);
    // The delete question can name the users before anyone confirms.
    assert_eq!(
        app.used_by(super::Referenced::IncomingServer, s.id)
            .unwrap(),
        vec!["Vertrieb".to_string()]
    );
    let e = app.delete_server(s.id, Some(s.version)).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InUse);
    assert!(e.to_api(Lang::En).message.contains("Vertrieb"));
    assert!(app.get_server(s.id).is_ok());
    app.db().read().execute("DELETE FROM accounts", []).unwrap();
    app.delete_server(s.id, Some(s.version)).unwrap();
    assert_eq!(
        app.get_server(s.id).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn the_database_refuses_a_dangling_reference_too() {
    // Foreign keys are on: even SQL that bypasses the core cannot orphan a row.
    let app = app();
    let s = app.create_server(&input("Main")).unwrap().item;
    add_account(&app, "Vertrieb", s.id);
    let r = app
        .db()
        .read()
        .execute("DELETE FROM incoming_servers WHERE id = ?1", [s.id]);
    assert!(r.is_err());
}

#[test]
fn password_goes_to_the_keyring_and_only_a_reference_to_the_database() {
    let app = app();
    let mut i = input("Main");
    i.password = SecretUpdate::Set("s3cret-Canary".into());
    let saved = app.create_server(&i).unwrap();
    assert!(saved.warnings.is_empty());
    assert_eq!(saved.item.password, SecretState::Stored);
    assert_eq!(
        app.server_password(saved.item.id).unwrap().as_deref(),
        Some("s3cret-Canary")
    );
    let leaked: i64 = app
        .db()
        .read()
        .query_row(
            "SELECT count(*) FROM incoming_servers WHERE instr(password_ref || name || login_user, 'Canary') > 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leaked, 0);
    // Keep leaves it; Clear removes it from the keyring.
    let s = saved.item;
    let s = app
        .update_server(s.id, s.version, &ServerInput::from(&s))
        .unwrap()
        .item;
    assert_eq!(
        app.server_password(s.id).unwrap().as_deref(),
        Some("s3cret-Canary")
    );
    let mut clear = ServerInput::from(&s);
    clear.password = SecretUpdate::Clear;
    let s = app.update_server(s.id, s.version, &clear).unwrap().item;
    assert_eq!(s.password, SecretState::None);
    assert_eq!(app.server_password(s.id).unwrap(), None);
}

#[test]
fn without_a_keyring_the_record_is_saved_and_the_password_marked_not_stored() {
    let app = App::new(
        Store::open_in_memory().unwrap(),
        Arc::new(UnavailableSecrets {
            reason: "no D-Bus session".into(),
        }),
        Lang::De,
    );
    let mut i = input("Main");
    i.password = SecretUpdate::Set("pw-not-to-leak".into());
    let saved = app.create_server(&i).unwrap();
    assert_eq!(saved.item.password, SecretState::NotStored);
    assert_eq!(saved.item.host, "imap.example.com");
    let w = &saved.warnings[0];
    assert_eq!(w.code, ErrorCode::SecretsUnavailable);
    assert_eq!(w.field.as_deref(), Some("password"));
    assert!(w.message.contains("Secret-Service"), "{}", w.message);
    assert!(!w.message.contains("pw-not-to-leak"));
}

#[test]
fn invalid_input_writes_nothing() {
    let app = app();
    let before = app.list_servers("").unwrap();
    let mut i = input("Main");
    i.port = Some(70000);
    i.password = SecretUpdate::Set("pw".into());
    assert!(app.create_server(&i).is_err());
    assert_eq!(app.list_servers("").unwrap(), before);
}

#[test]
fn a_disabled_outgoing_server_needs_the_confirmation_too_and_is_never_tested() {
    let app = app();
    let mut o = crate::model::OutgoingInput {
        name: "Alt".into(),
        enabled: false,
        host: "smtp.example.com".into(),
        tls_verify: false,
        password: SecretUpdate::Set("pw-disabled".into()),
        ..Default::default()
    };
    let e = app.create_outgoing(&o).unwrap_err().to_api(Lang::En);
    assert!(
        e.fields
            .iter()
            .any(|f| f.field == "tls_verify" && f.code == FieldCode::ConfirmInsecure),
        "{e:?}"
    );
    o.tls_insecure_confirmed = true;
    let saved = app.create_outgoing(&o).unwrap().item;
    let refused = block_on(app.test_outgoing(saved.id, &Default::default(), &quiet, uncancelled()))
        .unwrap_err()
        .to_api(Lang::En);
    assert_eq!(refused.field.as_deref(), Some("enabled"), "{refused:?}");
    assert_eq!(refused.fields[0].code, FieldCode::ServerDisabled);
    assert!(refused.message.contains("disabled"), "{}", refused.message);
    let history = app
        .test_history(super::probe::TestTargetKind::OutgoingServer, saved.id)
        .unwrap();
    assert!(history.is_empty(), "nothing was sent, nothing recorded");
}

#[test]
fn a_new_record_never_inherits_the_test_history_of_a_deleted_one() {
    let app = app();
    let mut i = input("Alt");
    i.host = "127.0.0.1".into();
    i.port = Some(1); // nothing listens: a quick net.refused, recorded in the history
    i.security = Security::Tls;
    let old = app.create_server(&i).unwrap().item;
    block_on(app.test_server(old.id, &Default::default(), &quiet, uncancelled())).unwrap();
    let kind = super::probe::TestTargetKind::IncomingServer;
    assert_eq!(app.test_history(kind, old.id).unwrap().len(), 1);
    app.delete_server(old.id, Some(old.version)).unwrap();
    let new = app.create_server(&input("Neu")).unwrap().item;
    assert_eq!(
        new.id, old.id,
        "SQLite reuses the id of the deleted newest row"
    );
    assert!(app.test_history(kind, new.id).unwrap().is_empty());
}

#[test]
fn debug_output_never_shows_a_password() {
    let mut i = input("Main");
    i.password = SecretUpdate::Set("Canary-Debug-123".into());
    assert!(!format!("{i:?}").contains("Canary-Debug-123"));
}

mod migrations {
    use super::*;
    use crate::store::MIGRATIONS_SQL;

    #[test]
    fn fresh_database_is_at_the_latest_schema_with_foreign_keys_on() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("config.db")).unwrap();
        assert_eq!(s.schema_version().unwrap(), store::latest_version());
        let fk: i64 = s
            .read()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        drop(s);
        // Opening again is a no-op and makes no backup.
        Store::open(&dir.path().join("config.db")).unwrap();
        let baks = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".bak")
            })
            .count();
        assert_eq!(baks, 0);
    }

    #[test]
    fn upgrade_backs_up_the_file_first_and_keeps_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("config.db");
        {
            let app = App::new(Store::open(&db).unwrap(), secrets::mock(), Lang::En);
            app.create_server(&input("Before upgrade")).unwrap();
        }
        let mut longer: Vec<&str> = MIGRATIONS_SQL.to_vec();
        longer.push("ALTER TABLE incoming_servers ADD COLUMN note TEXT NOT NULL DEFAULT '';");
        let s = Store::open_with(&db, &longer).unwrap();
        assert_eq!(s.schema_version().unwrap(), longer.len() as i64);
        let bak: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".bak"))
            .collect();
        assert_eq!(bak.len(), 1, "{bak:?}");
        let name = bak[0].file_name().unwrap().to_string_lossy().to_string();
        assert!(name.starts_with(&format!("config.db.v{}-", MIGRATIONS_SQL.len())));
        // The backup is the old schema with the old data.
        let old = rusqlite::Connection::open(&bak[0]).unwrap();
        let (v, n): (i64, String) = (
            old.query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap(),
            old.query_row("SELECT name FROM incoming_servers", [], |r| r.get(0))
                .unwrap(),
        );
        assert_eq!(
            (v, n.as_str()),
            (MIGRATIONS_SQL.len() as i64, "Before upgrade")
        );
        let kept: String = s
            .read()
            .query_row("SELECT name || note FROM incoming_servers", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(kept, "Before upgrade");
        // The database, its WAL and the backup hold transcripts and key references: only
        // their owner may read them.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for p in std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().path())
            {
                let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode & 0o077, 0, "{} is {mode:o}", p.display());
            }
        }
    }

    #[test]
    fn a_database_from_a_newer_version_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("config.db");
        drop(Store::open(&db).unwrap());
        rusqlite::Connection::open(&db)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let e = Store::open(&db).err().expect("must refuse");
        assert!(matches!(e, Error::TooNew { found: 99, .. }));
        assert!(e.to_api(Lang::En).message.contains("newer version"));
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_schema() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("config.db");
        drop(Store::open(&db).unwrap());
        let mut broken: Vec<&str> = MIGRATIONS_SQL.to_vec();
        broken.push("ALTER TABLE nope ADD COLUMN x TEXT;");
        let e = Store::open_with(&db, &broken).err().expect("must fail");
        assert_eq!(e.code(), ErrorCode::Database);
        let s = Store::open(&db).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS_SQL.len() as i64);
    }
}

/// A keyring that remembers which entries exist, to see what a save leaves behind.
#[derive(Default)]
struct Counting(std::sync::Mutex<std::collections::BTreeMap<String, String>>);

impl crate::secrets::SecretStore for Counting {
    fn set(&self, key: &str, secret: &str) -> std::result::Result<(), crate::error::SecretError> {
        self.0.lock().unwrap().insert(key.into(), secret.into());
        Ok(())
    }
    fn get(&self, key: &str) -> std::result::Result<Option<String>, crate::error::SecretError> {
        Ok(self.0.lock().unwrap().get(key).cloned())
    }
    fn delete(&self, key: &str) -> std::result::Result<(), crate::error::SecretError> {
        self.0.lock().unwrap().remove(key);
        Ok(())
    }
    fn describe(&self) -> String {
        "counting".into()
    }
}

#[test]
fn a_save_that_rolls_back_keeps_the_old_password_and_leaves_no_entry() {
    let keyring = Arc::new(Counting::default());
    let app = App::new(Store::open_in_memory().unwrap(), keyring.clone(), Lang::En);
    let mut i = input("IMAP");
    i.password = SecretUpdate::Set("Old-Password".into());
    let id = app.create_server(&i).unwrap().item.id;
    assert_eq!(keyring.0.lock().unwrap().len(), 1);

    // The keyring is written (between the first and the second attempt), then the second
    // attempt fails (as a failed commit or a kill before it would): the row still points at
    // the old entry, which still holds the old password, and the new entry is gone.
    let attempts = std::cell::Cell::new(0);
    let failed: Result<()> = records::tx(&app, |c| {
        attempts.set(attempts.get() + 1);
        app.store_secret(
            c,
            Entity::IncomingServer,
            "password",
            id,
            &SecretUpdate::Set("New-Password".into()),
        )?;
        if attempts.get() == 1 {
            return Ok(());
        }
        assert_eq!(
            keyring.0.lock().unwrap().len(),
            2,
            "the new entry is written"
        );
        Err(Error::Conflict {
            entity: Entity::IncomingServer,
            name: "IMAP".into(),
        })
    });
    assert!(failed.is_err());
    assert_eq!(attempts.get(), 2);
    assert_eq!(
        app.server_password(id).unwrap().as_deref(),
        Some("Old-Password")
    );
    assert_eq!(keyring.0.lock().unwrap().len(), 1);

    // A save that commits replaces the entry: one entry, the new password.
    let version = app.get_server(id).unwrap().version;
    let mut j = input("IMAP");
    j.password = SecretUpdate::Set("New-Password".into());
    app.update_server(id, version, &j).unwrap();
    assert_eq!(
        app.server_password(id).unwrap().as_deref(),
        Some("New-Password")
    );
    let entries = keyring.0.lock().unwrap().clone();
    assert_eq!(entries.len(), 1, "{entries:?}");

    // Clearing removes it after the commit.
    let version = app.get_server(id).unwrap().version;
    let mut k = input("IMAP");
    k.password = SecretUpdate::Clear;
    app.update_server(id, version, &k).unwrap();
    assert!(keyring.0.lock().unwrap().is_empty());
}

/// A keyring that answers `set` only when the test lets it (a keyring waiting for its unlock
/// password), or never.
struct Waiting {
    inner: Counting,
    release: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
    entered: std::sync::mpsc::SyncSender<()>,
}

impl SecretStore for Waiting {
    fn set(&self, key: &str, secret: &str) -> std::result::Result<(), crate::error::SecretError> {
        let _ = self.entered.send(());
        let _ = self.release.lock().unwrap().recv();
        self.inner.set(key, secret)
    }
    fn get(&self, key: &str) -> std::result::Result<Option<String>, crate::error::SecretError> {
        self.inner.get(key)
    }
    fn delete(&self, key: &str) -> std::result::Result<(), crate::error::SecretError> {
        self.inner.delete(key)
    }
    fn describe(&self) -> String {
        "waiting".into()
    }
}

#[test]
fn a_keyring_waiting_for_its_password_holds_no_lock() {
    let (release_tx, release_rx) = std::sync::mpsc::channel();
    let (entered_tx, entered_rx) = std::sync::mpsc::sync_channel(4);
    let keyring = Arc::new(Waiting {
        inner: Counting::default(),
        release: std::sync::Mutex::new(release_rx),
        entered: entered_tx,
    });
    let app = Arc::new(App::new(
        Store::open_in_memory().unwrap(),
        keyring.clone(),
        Lang::En,
    ));
    let saver = {
        let app = app.clone();
        std::thread::spawn(move || {
            let mut i = input("IMAP");
            i.password = SecretUpdate::Set("Pw-1234".into());
            app.create_server(&i)
        })
    };
    // The save is inside the keyring call: the window and other commands go on, reading and
    // writing (today a keyring prompt froze every command behind the store's lock).
    entered_rx.recv().unwrap();
    assert!(app.list_servers("").unwrap().is_empty());
    let other = app.create_server(&input("POP")).unwrap();
    assert_eq!(other.item.name, "POP");
    release_tx.send(()).unwrap();
    let saved = saver.join().unwrap().unwrap();
    assert_eq!(
        app.server_password(saved.item.id).unwrap().as_deref(),
        Some("Pw-1234")
    );
    assert_eq!(app.list_servers("").unwrap().len(), 2);
    assert_eq!(keyring.inner.0.lock().unwrap().len(), 1);
}

#[test]
fn a_keyring_that_never_answers_ends_the_save_with_a_warning() {
    let (_release_tx, release_rx) = std::sync::mpsc::channel();
    let (entered_tx, _entered_rx) = std::sync::mpsc::sync_channel(4);
    let hung = Arc::new(Waiting {
        inner: Counting::default(),
        release: std::sync::Mutex::new(release_rx),
        entered: entered_tx,
    });
    let timed = crate::secrets::Timed::new(hung, std::time::Duration::from_millis(300));
    let app = App::new(Store::open_in_memory().unwrap(), Arc::new(timed), Lang::De);
    let mut i = input("IMAP");
    i.password = SecretUpdate::Set("Pw-1234".into());
    let started = std::time::Instant::now();
    let saved = app.create_server(&i).unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(saved.item.password, SecretState::NotStored);
    let w = &saved.warnings[0];
    assert_eq!(w.field.as_deref(), Some("password"));
    assert!(
        w.message.contains("0,3 s") || w.message.contains("0.3 s"),
        "{}",
        w.message
    );
    assert!(w.message.contains("Schlüsselbund"), "{}", w.message);
}
