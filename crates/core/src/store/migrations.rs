//! The schema, as numbered migrations embedded in the binary. A released migration is never
//! edited: a change is a new entry at the end. docs/SCHEMA.md documents the result.

use rusqlite_migration::{Migrations, M};

/// Migration 9's search text of the `accounts` row being updated: its own searched columns,
/// then its owner's login and display name (or group name), its company's name and its
/// incoming and outgoing servers' names, joined by spaces and case-folded (`fold_case`, which
/// the store registers on every connection). Part of a released migration: never edited.
macro_rules! account_search_text_v9 {
    () => {
        "fold_case(accounts.name || ' ' || accounts.email || ' ' || accounts.sender_name || ' ' \
         || accounts.username || ' ' || accounts.reply_to || ' ' || accounts.mailbox_path \
         || ' ' || coalesce((SELECT u.login || ' ' || u.display_name FROM users u \
                             WHERE u.id = accounts.owner_user_id), '') \
         || ' ' || coalesce((SELECT g.name FROM groups g WHERE g.id = accounts.owner_group_id), '') \
         || ' ' || coalesce((SELECT c.name FROM companies c WHERE c.id = accounts.company_id), '') \
         || ' ' || coalesce((SELECT s.name FROM incoming_servers s \
                             WHERE s.id = accounts.incoming_server_id), '') \
         || ' ' || coalesce((SELECT o.name FROM outgoing_servers o \
                             WHERE o.id = accounts.outgoing_server_id), ''))"
    };
}

/// Each entry is one schema version (`PRAGMA user_version` = its position, from 1).
pub const MIGRATIONS_SQL: &[&str] = &[
    // 1: the configuration model (servers, accounts, people, certificates, settings).
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

CREATE TABLE certificates (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT    NOT NULL UNIQUE,
    version            INTEGER NOT NULL DEFAULT 1,
    name               TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    format             TEXT    NOT NULL CHECK (format IN ('pem','pkcs12')),
    subject            TEXT    NOT NULL,
    issuer             TEXT    NOT NULL,
    serial             TEXT    NOT NULL,
    not_before         TEXT    NOT NULL,
    not_after          TEXT    NOT NULL,
    sha256             TEXT    NOT NULL,
    email_addresses    TEXT    NOT NULL DEFAULT '',
    has_private_key    INTEGER NOT NULL DEFAULT 0 CHECK (has_private_key IN (0,1)),
    data               BLOB    NOT NULL,
    -- What the keyring holds for this certificate: the PKCS#12 / key passphrase, or an
    -- unencrypted PEM private key (which is never written to this file).
    secret_kind        TEXT    NOT NULL DEFAULT 'none' CHECK (secret_kind IN ('none','passphrase','private_key')),
    secret_ref         TEXT,
    secret_state       TEXT    NOT NULL DEFAULT 'none' CHECK (secret_state IN ('none','stored','not_stored')),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
) STRICT;

CREATE TABLE outgoing_servers (
    id                    INTEGER PRIMARY KEY,
    uid                   TEXT    NOT NULL UNIQUE,
    version               INTEGER NOT NULL DEFAULT 1,
    name                  TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    enabled               INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0,1)),
    kind                  TEXT    NOT NULL CHECK (kind IN ('smtp','microsoft365')),
    m365_send_via         TEXT    NOT NULL DEFAULT 'smtp' CHECK (m365_send_via IN ('smtp','graph')),
    host                  TEXT    NOT NULL DEFAULT '',
    security              TEXT    NOT NULL CHECK (security IN ('none','starttls','tls','auto')),
    port                  INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    port_manual           INTEGER NOT NULL DEFAULT 0 CHECK (port_manual IN (0,1)),
    timeout_secs          INTEGER NOT NULL DEFAULT 30 CHECK (timeout_secs BETWEEN 1 AND 600),
    auth_method           TEXT    NOT NULL CHECK (auth_method IN ('none','password','cram_md5','ntlm','oauth2')),
    username              TEXT    NOT NULL DEFAULT '',
    ntlm_domain           TEXT    NOT NULL DEFAULT '',
    password_ref          TEXT,
    password_state        TEXT    NOT NULL DEFAULT 'none' CHECK (password_state IN ('none','stored','not_stored')),
    allow_plaintext       INTEGER NOT NULL DEFAULT 0 CHECK (allow_plaintext IN (0,1)),
    sender_address        TEXT    NOT NULL DEFAULT '',
    bcc_to_sender         INTEGER NOT NULL DEFAULT 0 CHECK (bcc_to_sender IN (0,1)),
    tls_verify            INTEGER NOT NULL DEFAULT 1 CHECK (tls_verify IN (0,1)),
    tls_alt_name          TEXT    NOT NULL DEFAULT '',
    tls_pin_sha256        TEXT    NOT NULL DEFAULT '',
    smime_sign            INTEGER NOT NULL DEFAULT 0 CHECK (smime_sign IN (0,1)),
    smime_encrypt         INTEGER NOT NULL DEFAULT 0 CHECK (smime_encrypt IN (0,1)),
    smime_certificate_id  INTEGER REFERENCES certificates(id) ON DELETE RESTRICT,
    client_certificate_id INTEGER REFERENCES certificates(id) ON DELETE RESTRICT,
    is_default            INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0,1)),
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL
) STRICT;
-- At most one installation default.
CREATE UNIQUE INDEX outgoing_servers_one_default ON outgoing_servers(is_default) WHERE is_default = 1;

CREATE TABLE companies (
    id                         INTEGER PRIMARY KEY,
    uid                        TEXT    NOT NULL UNIQUE,
    version                    INTEGER NOT NULL DEFAULT 1,
    name                       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    code                       TEXT    NOT NULL DEFAULT '',
    default_outgoing_server_id INTEGER REFERENCES outgoing_servers(id) ON DELETE RESTRICT,
    created_at                 TEXT    NOT NULL,
    updated_at                 TEXT    NOT NULL
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    uid           TEXT    NOT NULL UNIQUE,
    version       INTEGER NOT NULL DEFAULT 1,
    login         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT    NOT NULL DEFAULT '',
    email         TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
) STRICT;

CREATE TABLE groups (
    id            INTEGER PRIMARY KEY,
    uid           TEXT    NOT NULL UNIQUE,
    version       INTEGER NOT NULL DEFAULT 1,
    name          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    description   TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
) STRICT;

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
) STRICT;
CREATE INDEX group_members_user ON group_members(user_id);

CREATE TABLE employees (
    id               INTEGER PRIMARY KEY,
    uid              TEXT    NOT NULL UNIQUE,
    version          INTEGER NOT NULL DEFAULT 1,
    name             TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    email            TEXT    NOT NULL DEFAULT '',
    personnel_number TEXT    NOT NULL DEFAULT '',
    user_id          INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
) STRICT;

CREATE TABLE accounts (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT    NOT NULL UNIQUE,
    version            INTEGER NOT NULL DEFAULT 1,
    name               TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    email              TEXT    NOT NULL,
    sender_name        TEXT    NOT NULL DEFAULT '',
    reply_to           TEXT    NOT NULL DEFAULT '',
    owner_user_id      INTEGER REFERENCES users(id) ON DELETE RESTRICT,
    owner_group_id     INTEGER REFERENCES groups(id) ON DELETE RESTRICT,
    company_id         INTEGER REFERENCES companies(id) ON DELETE RESTRICT,
    incoming_server_id INTEGER REFERENCES incoming_servers(id) ON DELETE RESTRICT,
    outgoing_server_id INTEGER REFERENCES outgoing_servers(id) ON DELETE RESTRICT,
    username           TEXT    NOT NULL DEFAULT '',
    password_ref       TEXT,
    password_state     TEXT    NOT NULL DEFAULT 'none' CHECK (password_state IN ('none','stored','not_stored')),
    mailbox_path       TEXT    NOT NULL DEFAULT 'INBOX',
    mail_received      INTEGER NOT NULL DEFAULT 0 CHECK (mail_received IN (0,1)),
    folder_trash       TEXT    NOT NULL DEFAULT '',
    folder_junk        TEXT    NOT NULL DEFAULT '',
    folder_sent        TEXT    NOT NULL DEFAULT '',
    only_subscribed    INTEGER NOT NULL DEFAULT 0 CHECK (only_subscribed IN (0,1)),
    may_send           INTEGER NOT NULL DEFAULT 1 CHECK (may_send IN (0,1)),
    may_receive        INTEGER NOT NULL DEFAULT 1 CHECK (may_receive IN (0,1)),
    may_out_of_office  INTEGER NOT NULL DEFAULT 0 CHECK (may_out_of_office IN (0,1)),
    send_bcc           TEXT    NOT NULL DEFAULT '',
    signature          TEXT    NOT NULL DEFAULT '',
    auto_fetch         INTEGER NOT NULL DEFAULT 1 CHECK (auto_fetch IN (0,1)),
    verbose_log        INTEGER NOT NULL DEFAULT 0 CHECK (verbose_log IN (0,1)),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    -- A personal mailbox has a user as owner, a shared one a group: exactly one of them.
    CHECK ((owner_user_id IS NULL) <> (owner_group_id IS NULL))
) STRICT;
CREATE INDEX accounts_incoming_server ON accounts(incoming_server_id);
CREATE INDEX accounts_outgoing_server ON accounts(outgoing_server_id);
CREATE INDEX accounts_owner_user ON accounts(owner_user_id);
CREATE INDEX accounts_owner_group ON accounts(owner_group_id);
CREATE INDEX accounts_company ON accounts(company_id);

-- Users assigned to an account (Zuordnung zu mehreren Usern).
CREATE TABLE account_users (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, user_id)
) STRICT;
CREATE INDEX account_users_user ON account_users(user_id);

-- Folders chosen from the server's real tree: subscribed and/or fetched automatically.
CREATE TABLE account_folders (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    folder     TEXT    NOT NULL,
    subscribed INTEGER NOT NULL DEFAULT 0 CHECK (subscribed IN (0,1)),
    auto_fetch INTEGER NOT NULL DEFAULT 0 CHECK (auto_fetch IN (0,1)),
    PRIMARY KEY (account_id, folder)
) STRICT;

CREATE TABLE calendar_accounts (
    id               INTEGER PRIMARY KEY,
    uid              TEXT    NOT NULL UNIQUE,
    version          INTEGER NOT NULL DEFAULT 1,
    name             TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    employee_id      INTEGER NOT NULL REFERENCES employees(id) ON DELETE RESTRICT,
    backend          TEXT    NOT NULL DEFAULT 'outlook' CHECK (backend IN ('outlook','caldav','microsoft365')),
    outlook_profile  TEXT    NOT NULL DEFAULT '',
    calendar_name    TEXT    NOT NULL DEFAULT '',
    caldav_url       TEXT    NOT NULL DEFAULT '',
    username         TEXT    NOT NULL DEFAULT '',
    password_ref     TEXT,
    password_state   TEXT    NOT NULL DEFAULT 'none' CHECK (password_state IN ('none','stored','not_stored')),
    sync_days_back   INTEGER NOT NULL DEFAULT 30 CHECK (sync_days_back BETWEEN 0 AND 3650),
    sync_days_ahead  INTEGER NOT NULL DEFAULT 365 CHECK (sync_days_ahead BETWEEN 0 AND 3650),
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
) STRICT;

-- General settings (Allgemeine Einstellungen): exactly one row.
CREATE TABLE general_settings (
    id                     INTEGER PRIMARY KEY CHECK (id = 1),
    version                INTEGER NOT NULL DEFAULT 1,
    fetch_interval_minutes INTEGER NOT NULL DEFAULT 15 CHECK (fetch_interval_minutes BETWEEN 0 AND 1440),
    hide_mailbox           INTEGER NOT NULL DEFAULT 0 CHECK (hide_mailbox IN (0,1)),
    show_outbox            INTEGER NOT NULL DEFAULT 0 CHECK (show_outbox IN (0,1)),
    no_manual_fetch        INTEGER NOT NULL DEFAULT 0 CHECK (no_manual_fetch IN (0,1)),
    users_may_redownload   INTEGER NOT NULL DEFAULT 0 CHECK (users_may_redownload IN (0,1)),
    lock_after_send        INTEGER NOT NULL DEFAULT 0 CHECK (lock_after_send IN (0,1)),
    updated_at             TEXT    NOT NULL DEFAULT ''
) STRICT;
INSERT INTO general_settings (id) VALUES (1);

-- Saved templates (Vorlagen): the input of a server or account, without secrets, as JSON.
CREATE TABLE templates (
    id         INTEGER PRIMARY KEY,
    uid        TEXT    NOT NULL UNIQUE,
    version    INTEGER NOT NULL DEFAULT 1,
    name       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    kind       TEXT    NOT NULL CHECK (kind IN ('incoming','outgoing','account')),
    data       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;
"#,
    // 2: the history of connection tests (SPEC §3), one row per run.
    r#"
CREATE TABLE test_runs (
    id          INTEGER PRIMARY KEY,
    target_kind TEXT    NOT NULL CHECK (target_kind IN ('incoming_server','outgoing_server','account')),
    target_id   INTEGER NOT NULL,
    started_at  TEXT    NOT NULL,
    duration_ms INTEGER NOT NULL,
    ok          INTEGER NOT NULL CHECK (ok IN (0,1)),
    cancelled   INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0,1)),
    -- Diagnosis codes of failures and warnings, space-separated, e.g. 'tls.expired'.
    codes       TEXT    NOT NULL DEFAULT '',
    -- The whole report as JSON (steps, transcripts with secrets redacted, TLS evidence).
    report      TEXT    NOT NULL
) STRICT;
CREATE INDEX test_runs_target ON test_runs(target_kind, target_id, id);
"#,
    // 3: OAuth providers and the OAuth connections of accounts (SPEC §2.4).
    r#"
CREATE TABLE oauth_providers (
    id                     INTEGER PRIMARY KEY,
    uid                    TEXT    NOT NULL UNIQUE,
    version                INTEGER NOT NULL DEFAULT 1,
    name                   TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    kind                   TEXT    NOT NULL CHECK (kind IN ('microsoft365','google','oidc')),
    tenant_id              TEXT    NOT NULL DEFAULT '',
    discovery_url          TEXT    NOT NULL DEFAULT '',
    authorization_endpoint TEXT    NOT NULL DEFAULT '',
    token_endpoint         TEXT    NOT NULL,
    device_endpoint        TEXT    NOT NULL DEFAULT '',
    revocation_endpoint    TEXT    NOT NULL DEFAULT '',
    client_id              TEXT    NOT NULL,
    client_secret_ref      TEXT,
    client_secret_state    TEXT    NOT NULL DEFAULT 'none' CHECK (client_secret_state IN ('none','stored','not_stored')),
    scopes                 TEXT    NOT NULL DEFAULT '',
    app_scopes             TEXT    NOT NULL DEFAULT '',
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL
) STRICT;

-- One connection per account; the tokens are in the keyring under tokens_ref.
CREATE TABLE oauth_connections (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE,
    provider_id  INTEGER NOT NULL REFERENCES oauth_providers(id) ON DELETE RESTRICT,
    flow         TEXT    NOT NULL CHECK (flow IN ('authorization_code','device_code','client_credentials')),
    subject      TEXT    NOT NULL DEFAULT '',
    scopes       TEXT    NOT NULL DEFAULT '',
    expires_at   TEXT,
    has_refresh  INTEGER NOT NULL DEFAULT 0 CHECK (has_refresh IN (0,1)),
    tokens_ref   TEXT    NOT NULL,
    tokens_state TEXT    NOT NULL CHECK (tokens_state IN ('none','stored','not_stored')),
    connected_at TEXT    NOT NULL,
    refreshed_at TEXT
) STRICT;
CREATE INDEX oauth_connections_provider ON oauth_connections(provider_id);

ALTER TABLE accounts ADD COLUMN oauth_mechanism TEXT NOT NULL DEFAULT 'auto'
    CHECK (oauth_mechanism IN ('auto','xoauth2','oauthbearer'));
ALTER TABLE incoming_servers ADD COLUMN oauth_provider_id INTEGER
    REFERENCES oauth_providers(id) ON DELETE RESTRICT;
ALTER TABLE outgoing_servers ADD COLUMN oauth_provider_id INTEGER
    REFERENCES oauth_providers(id) ON DELETE RESTRICT;
"#,
    // 4: the test history follows a record by its stable uid, not its row id: SQLite reuses
    // the id of a deleted newest row, and a new record inherited the old one's history.
    r#"
ALTER TABLE test_runs ADD COLUMN target_uid TEXT NOT NULL DEFAULT '';
UPDATE test_runs SET target_uid = COALESCE(
    CASE target_kind
        WHEN 'account' THEN (SELECT uid FROM accounts WHERE id = test_runs.target_id)
        WHEN 'incoming_server' THEN (SELECT uid FROM incoming_servers WHERE id = test_runs.target_id)
        WHEN 'outgoing_server' THEN (SELECT uid FROM outgoing_servers WHERE id = test_runs.target_id)
    END, '');
DELETE FROM test_runs WHERE target_uid = '';
DROP INDEX test_runs_target;
CREATE INDEX test_runs_target ON test_runs(target_uid, id);
"#,
    // 5: detection from an address — its time budget, the DNS server (split-horizon), the
    // provider database, plain HTTP and sending the address to autoconfig.
    r#"
ALTER TABLE general_settings ADD COLUMN detect_budget_secs INTEGER NOT NULL DEFAULT 8
    CHECK (detect_budget_secs BETWEEN 1 AND 60);
ALTER TABLE general_settings ADD COLUMN dns_server TEXT NOT NULL DEFAULT '';
ALTER TABLE general_settings ADD COLUMN provider_db_url TEXT NOT NULL
    DEFAULT 'https://autoconfig.thunderbird.net/v1.1/';
ALTER TABLE general_settings ADD COLUMN detect_allow_http INTEGER NOT NULL DEFAULT 0
    CHECK (detect_allow_http IN (0,1));
ALTER TABLE general_settings ADD COLUMN detect_send_address INTEGER NOT NULL DEFAULT 0
    CHECK (detect_send_address IN (0,1));
"#,
    // 6: mobile accounts (Mobile-Konten): the phones and tablets set up for an account.
    r#"
CREATE TABLE mobile_devices (
    id          INTEGER PRIMARY KEY,
    uid         TEXT    NOT NULL UNIQUE,
    version     INTEGER NOT NULL DEFAULT 1,
    name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    platform    TEXT    NOT NULL DEFAULT 'ios' CHECK (platform IN ('ios','android','desktop','other')),
    user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    -- The record of a device set up for an account goes with the account.
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    method      TEXT    NOT NULL CHECK (method IN ('profile','qr','autoconfig')),
    set_up_at   TEXT    NOT NULL,
    set_up_by   TEXT    NOT NULL DEFAULT '',
    notes       TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;
CREATE INDEX mobile_devices_account ON mobile_devices(account_id);
CREATE INDEX mobile_devices_user ON mobile_devices(user_id);
"#,
    // 7: a stored CA certificate can be trusted as a root (a company CA), installation-wide
    // or only for the servers named in `trust_hosts`.
    r#"
ALTER TABLE certificates ADD COLUMN trust_root INTEGER NOT NULL DEFAULT 0
    CHECK (trust_root IN (0,1));
ALTER TABLE certificates ADD COLUMN trust_hosts TEXT NOT NULL DEFAULT '';
"#,
    // 8: a provider of one's own names the mail servers its tokens may be sent to.
    r#"
ALTER TABLE oauth_providers ADD COLUMN token_hosts TEXT NOT NULL DEFAULT '';
"#,
    // 9: the account search looks in a stored, case-folded text (issue 14: a search per
    // keystroke over 10,000 accounts) that also holds the owner's, the company's and the
    // servers' names (issue 12); triggers keep it true on every write of an account and on
    // every rename of what it names.
    concat!(
        r#"
ALTER TABLE accounts ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts BEGIN
    UPDATE accounts SET search_text = "#,
        account_search_text_v9!(),
        r#" WHERE id = NEW.id;
END;
CREATE TRIGGER accounts_search_update AFTER UPDATE OF name, email, sender_name, username,
    reply_to, mailbox_path, owner_user_id, owner_group_id, company_id, incoming_server_id,
    outgoing_server_id ON accounts BEGIN
    UPDATE accounts SET search_text = "#,
        account_search_text_v9!(),
        r#" WHERE id = NEW.id;
END;
CREATE TRIGGER users_account_search AFTER UPDATE OF login, display_name ON users
    WHEN OLD.login IS NOT NEW.login OR OLD.display_name IS NOT NEW.display_name BEGIN
    UPDATE accounts SET search_text = "#,
        account_search_text_v9!(),
        r#" WHERE owner_user_id = NEW.id;
END;
CREATE TRIGGER groups_account_search AFTER UPDATE OF name ON groups
    WHEN OLD.name IS NOT NEW.name BEGIN
    UPDATE accounts SET search_text = "#,
        account_search_text_v9!(),
        r#" WHERE owner_group_id = NEW.id;
END;
CREATE TRIGGER companies_account_search AFTER UPDATE OF name ON companies
    WHEN OLD.name IS NOT NEW.name BEGIN
    UPDATE accounts SET search_text = "#,
        account_search_text_v9!(),
        r#" WHERE company_id = NEW.id;
END;
CREATE TRIGGER incoming_servers_account_search AFTER UPDATE OF name ON incoming_servers
    WHEN OLD.name IS NOT NEW.name BEGIN
    UPDATE accounts SET search_text = "#,
        account_search_text_v9!(),
        r#" WHERE incoming_server_id = NEW.id;
END;
CREATE TRIGGER outgoing_servers_account_search AFTER UPDATE OF name ON outgoing_servers
    WHEN OLD.name IS NOT NEW.name BEGIN
    UPDATE accounts SET search_text = "#,
        account_search_text_v9!(),
        r#" WHERE outgoing_server_id = NEW.id;
END;
UPDATE accounts SET search_text = "#,
        account_search_text_v9!(),
        r#";
"#
    ),
    // 10: the seeds' remaining fields (issue 12): an account's attachments permission groups
    // (myfactory: Berechtigungsgruppe für Anhänge, incoming and outgoing) and delete procedure
    // (dynaOFFICE: Verfahrensweise für das Löschen); an outgoing server's "send via the
    // application server" (Bp Event: Senden via Server).
    r#"
ALTER TABLE accounts ADD COLUMN attachments_group_in_id INTEGER
    REFERENCES groups(id) ON DELETE RESTRICT;
ALTER TABLE accounts ADD COLUMN attachments_group_out_id INTEGER
    REFERENCES groups(id) ON DELETE RESTRICT;
ALTER TABLE accounts ADD COLUMN delete_procedure TEXT NOT NULL DEFAULT 'move_to_trash'
    CHECK (delete_procedure IN ('move_to_trash','mark_deleted','expunge'));
CREATE INDEX accounts_attachments_group_in ON accounts(attachments_group_in_id);
CREATE INDEX accounts_attachments_group_out ON accounts(attachments_group_out_id);
ALTER TABLE outgoing_servers ADD COLUMN send_via_app_server INTEGER NOT NULL DEFAULT 0
    CHECK (send_via_app_server IN (0,1));
"#,
    // 11: a Microsoft 365 calendar account reads the employee's calendar with an OAuth
    // provider's token (Microsoft 365 takes no password).
    r#"
ALTER TABLE calendar_accounts ADD COLUMN oauth_provider_id INTEGER
    REFERENCES oauth_providers(id) ON DELETE RESTRICT;
"#,
    // 12: calendar accounts are tested too, and their runs are kept in the test history (a
    // CHECK cannot be altered in SQLite: the table is rebuilt with the same rows).
    r#"
CREATE TABLE test_runs_new (
    id          INTEGER PRIMARY KEY,
    target_kind TEXT    NOT NULL CHECK (target_kind IN
        ('incoming_server','outgoing_server','account','calendar_account')),
    target_id   INTEGER NOT NULL,
    started_at  TEXT    NOT NULL,
    duration_ms INTEGER NOT NULL,
    ok          INTEGER NOT NULL CHECK (ok IN (0,1)),
    cancelled   INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0,1)),
    codes       TEXT    NOT NULL DEFAULT '',
    report      TEXT    NOT NULL,
    target_uid  TEXT    NOT NULL DEFAULT ''
) STRICT;
INSERT INTO test_runs_new (id, target_kind, target_id, started_at, duration_ms, ok, cancelled,
    codes, report, target_uid)
    SELECT id, target_kind, target_id, started_at, duration_ms, ok, cancelled, codes, report,
        target_uid FROM test_runs;
DROP TABLE test_runs;
ALTER TABLE test_runs_new RENAME TO test_runs;
CREATE INDEX test_runs_target ON test_runs(target_uid, id);
"#,
    // 13: "Nur speichern, wenn der Verbindungstest besteht" — the window's forms and the CLI's
    // `add` test a new or edited server or account before saving it (save_only_tested).
    r#"
ALTER TABLE general_settings ADD COLUMN save_only_tested INTEGER NOT NULL DEFAULT 0
    CHECK (save_only_tested IN (0,1));
"#,
    // 14: an incoming server that asks for a TLS client certificate gets one from the
    // certificate store, like an outgoing server (issue 12).
    r#"
ALTER TABLE incoming_servers ADD COLUMN client_certificate_id INTEGER
    REFERENCES certificates(id) ON DELETE RESTRICT;
"#,
];

pub fn migrations<'a>(list: &[&'a str]) -> Migrations<'a> {
    Migrations::new(list.iter().map(|sql| M::up(sql)).collect())
}

pub fn latest_version() -> i64 {
    MIGRATIONS_SQL.len() as i64
}
