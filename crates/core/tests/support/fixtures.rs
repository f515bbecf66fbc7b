//! What most core tests start from, one line each: an app on a file database with
//! keyring-core's in-memory mock keyring, and the records (servers, company, users, group)
//! their cases refer to.

#![allow(dead_code)]

use mailbox_admin_core::model::*;
use mailbox_admin_core::secrets::{KeyringSecrets, SecretStore};
use mailbox_admin_core::store::Store;
use mailbox_admin_core::{App, Lang};
use std::path::Path;
use std::sync::Arc;

/// An app on the database `db` with a mock keyring (unit-test level: the real Secret
/// Service is exercised in tests/secret_service.rs), and that keyring.
pub fn app_at(db: &Path, lang: Lang) -> (App, Arc<dyn SecretStore>) {
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringSecrets::new(
        keyring_core::mock::Store::new().unwrap(),
    ));
    (
        App::new(Store::open(db).unwrap(), secrets.clone(), lang),
        secrets,
    )
}

/// An English app on `config.db` in a fresh temp directory (gone with the directory).
pub fn tmp_app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = app_at(&dir.path().join("config.db"), Lang::En);
    (dir, app)
}

pub fn server_input(name: &str, host: &str) -> ServerInput {
    ServerInput {
        name: name.into(),
        host: host.into(),
        ..Default::default()
    }
}

pub fn outgoing_input(name: &str, host: &str) -> OutgoingInput {
    OutgoingInput {
        name: name.into(),
        host: host.into(),
        ..Default::default()
    }
}

pub fn add_server(app: &App, input: ServerInput) -> i64 {
    app.create_server(&input).unwrap().item.id
}

pub fn add_outgoing(app: &App, input: OutgoingInput) -> i64 {
    app.create_outgoing(&input).unwrap().item.id
}

/// A company whose accounts inherit `outgoing`.
pub fn add_company(app: &App, name: &str, outgoing: Option<i64>) -> i64 {
    let input = CompanyInput {
        name: name.into(),
        default_outgoing_server_id: outgoing,
        ..Default::default()
    };
    app.create_company(&input).unwrap().id
}

pub fn add_user(app: &App, login: &str, email: &str) -> i64 {
    let input = UserInput {
        login: login.into(),
        email: email.into(),
        ..Default::default()
    };
    app.create_user(&input).unwrap().id
}

pub fn add_group(app: &App, name: &str, members: &[i64]) -> i64 {
    let input = GroupInput {
        name: name.into(),
        member_ids: members.to_vec(),
        ..Default::default()
    };
    app.create_group(&input).unwrap().id
}

/// No file in `files` holds `needle` (`what` names it in the failure).
pub fn assert_in_no_file(files: &[std::path::PathBuf], needle: &[u8], what: &str) {
    for f in files {
        let bytes = std::fs::read(f).unwrap();
        let found = bytes.windows(needle.len()).any(|w| w == needle);
        assert!(!found, "{what} in {}", f.display());
    }
}
