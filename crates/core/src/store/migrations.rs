//! The schema, as numbered migrations embedded in the binary. A released migration is never
//! edited: a change is a new entry at the end. docs/SCHEMA.md documents the result.

use rusqlite_migration::{Migrations, M};

/// Each entry is one schema version (`PRAGMA user_version` = its position, from 1).
pub const MIGRATIONS_SQL: &[&str] = &[
    // 1: incoming servers, and the account stub that references them.
    r#"
CREATE TABLE incoming_servers (
    id                      INTEGER PRIMARY KEY,
    uid                     TEXT    NOT NULL UNIQUE,
    version                 INTEGER NOT NULL DEFAULT 1,
    name                    TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    protocol                TEXT    NOT NULL CHECK (protocol IN ('imap','pop3','imap_download')),
    host                    TEXT    NOT NULL,
    security                TEXT    NOT NULL CHECK (security IN ('none','starttls','tls','auto')),
    port                    INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    port_manual             INTEGER NOT NULL DEFAULT 0 CHECK (port_manual IN (0,1)),
    timeout_secs            INTEGER NOT NULL DEFAULT 30 CHECK (timeout_secs BETWEEN 1 AND 600),
    auth_method             TEXT    NOT NULL CHECK (auth_method IN ('password','cram_md5','oauth2','ntlm')),
    ntlm_domain             TEXT    NOT NULL DEFAULT '',
    login_user              TEXT    NOT NULL DEFAULT '',
    password_ref            TEXT,
    password_state          TEXT    NOT NULL DEFAULT 'none' CHECK (password_state IN ('none','stored','not_stored')),
    allow_plaintext         INTEGER NOT NULL DEFAULT 0 CHECK (allow_plaintext IN (0,1)),
    tls_verify              INTEGER NOT NULL DEFAULT 1 CHECK (tls_verify IN (0,1)),
    tls_alt_name            TEXT    NOT NULL DEFAULT '',
    tls_pin_sha256          TEXT    NOT NULL DEFAULT '',
    folder_trash            TEXT    NOT NULL DEFAULT '',
    folder_junk             TEXT    NOT NULL DEFAULT '',
    folder_sent             TEXT    NOT NULL DEFAULT '',
    folder_deleted          TEXT    NOT NULL DEFAULT '',
    pop3_delete_after_fetch INTEGER NOT NULL DEFAULT 0 CHECK (pop3_delete_after_fetch IN (0,1)),
    pop3_delete_after_days  INTEGER CHECK (pop3_delete_after_days BETWEEN 1 AND 3650),
    created_at              TEXT    NOT NULL,
    updated_at              TEXT    NOT NULL
) STRICT;

CREATE TABLE accounts (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT    NOT NULL UNIQUE,
    version            INTEGER NOT NULL DEFAULT 1,
    name               TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    email              TEXT    NOT NULL DEFAULT '',
    incoming_server_id INTEGER REFERENCES incoming_servers(id) ON DELETE RESTRICT,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
) STRICT;
CREATE INDEX accounts_incoming_server ON accounts(incoming_server_id);
"#,
];

pub fn migrations<'a>(list: &[&'a str]) -> Migrations<'a> {
    Migrations::new(list.iter().map(|sql| M::up(sql)).collect())
}

pub fn latest_version() -> i64 {
    MIGRATIONS_SQL.len() as i64
}
