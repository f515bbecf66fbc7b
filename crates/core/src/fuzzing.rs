//! Fuzz targets (feature `fuzzing`; `fuzz/` runs them under libFuzzer, docs/FUZZING.md): one
//! function per target that feeds arbitrary bytes through the real code. Each must return
//! for every input; a panic is a finding. The unit test below replays the committed corpora
//! (`fuzz/corpus/<target>/`) through every target, as the short smoke run of `cargo test`.

use crate::app::transfer::doc::ExportDoc;
use crate::app::transfer::{ExportOptions, ImportOptions, OnConflict};
use crate::app::App;
use crate::error::{Error, SecretError};
use crate::i18n::Lang;
use crate::model::CertImport;
use crate::probe::{ProbeProtocol, Secret};
use crate::secrets::SecretStore;
use crate::store::Store;
use crate::validate;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A fuzz target: returns for every input, or panics with a finding.
pub type Target = fn(&[u8]);

/// Every target by name, as `fuzz/fuzz_targets/<name>.rs` and `fuzz/corpus/<name>/` call it.
pub const TARGETS: &[(&str, Target)] = &[
    ("imap", imap),
    ("pop3", pop3),
    ("smtp", smtp),
    ("mutf7", mutf7),
    ("transcript", transcript),
    ("validators", validators),
    ("export_import", export_import),
    ("certificate", certificate),
    ("csv_import", csv_import),
    ("autoconfig", autoconfig),
    ("dns_txt", dns_txt),
];

/// An IMAP server's bytes through greeting, CAPABILITY, STARTTLS's answer, the login (the
/// first byte picks the mechanism and how the bytes arrive: `probe::fuzz`), LIST/LSUB with
/// literals and modified UTF-7, EXAMINE, the special folders and LOGOUT. The password never
/// reaches the transcript.
pub fn imap(data: &[u8]) {
    crate::probe::fuzz::session(ProbeProtocol::Imap, data)
}

/// A POP3 server's bytes through greeting, CAPA (multi-line), STLS's answer, USER/PASS or
/// SASL AUTH, STAT and QUIT.
pub fn pop3(data: &[u8]) {
    crate::probe::fuzz::session(ProbeProtocol::Pop3, data)
}

/// An SMTP server's bytes through the (multi-line) greeting, EHLO/HELO, STARTTLS's answer,
/// AUTH, MAIL FROM/RSET, RCPT/DATA of a test mail and QUIT.
pub fn smtp(data: &[u8]) {
    crate::probe::fuzz::session(ProbeProtocol::Smtp, data)
}

/// Modified UTF-7 (RFC 3501 §5.1.3): any name decodes; encode then decode is the identity.
pub fn mutf7(data: &[u8]) {
    crate::probe::fuzz::mutf7(data)
}

/// The transcript's scrubbing of secrets and client credentials (`probe::fuzz::transcript`).
pub fn transcript(data: &[u8]) {
    crate::probe::fuzz::transcript(data)
}

/// The field checks of `validate` on one string: host and port, host names (IDN), e-mail
/// addresses, fingerprints, the Public Suffix List, URLs, TLS options, text fields, and the
/// German and English messages of what they find.
pub fn validators(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let _ = validate::split_host_port(&s);
    let _ = validate::host_problem(&s);
    if let Ok(ascii) = validate::to_ascii_host(&s) {
        let _ = validate::host_problem(&ascii);
    }
    let _ = validate::email_problem(&s);
    if let Some(fp) = validate::normalize_fingerprint(&s) {
        assert_eq!(validate::normalize_fingerprint(&fp).as_deref(), Some(&*fp));
    }
    let _ = validate::is_public_suffix(&s);
    let _ = validate::url_problem(&s);
    let mut issues = validate::Issues::default();
    let port = s.len() as i64 - 2;
    let _ = issues.endpoint(&s, (port % 3 != 0).then_some(port * 1000), 143, true);
    let _ = issues.tls(false, s.len().is_multiple_of(2), &s, &s, true);
    issues.text("name", &s, 100, true);
    issues.secret(
        "password",
        &crate::sensitive::SecretUpdate::set(s.to_string()),
    );
    if !issues.is_empty() {
        let e = Error::Validation(issues.0);
        let _ = e.to_api(Lang::De);
        let _ = e.to_api(Lang::En);
    }
}

/// An export file (JSON, version 1 or 2) read and imported without its passphrase — the
/// Argon2 key derivation of the sealed secrets is left out, everything before and after it
/// is the real import: the document reader, version 1 conversion, validation of every row,
/// references between sections, conflicts, into a fresh in-memory database; what it
/// imported is exported again and must read back as a document.
pub fn export_import(data: &[u8]) {
    let Ok(file) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    with_app(|app| {
        let opts = ImportOptions {
            on_conflict: if data.len().is_multiple_of(2) {
                OnConflict::Fail
            } else {
                OnConflict::Skip
            },
            passphrase: None,
        };
        match app.import_config(&file, &opts) {
            Ok(_) => {
                // What was imported exports, and the export reads as a document again.
                let out = app
                    .export_config(&ExportOptions::default())
                    .expect("export after an import");
                if let Err(e) = ExportDoc::read(&out) {
                    panic!("own export unreadable: {e:?}");
                }
            }
            Err(e) => {
                let _ = app.api_error(&e);
            }
        }
    })
}

/// A certificate file as the import reads it: PEM (certificates, private keys, encrypted
/// keys) or DER, the X.509 parsing of the leaf, then the import into the store. A file that
/// is neither goes to PKCS#12 in the app, whose MAC and key derivation run thousands of
/// iterations per input; that branch is not fuzzed here (docs/FUZZING.md).
pub fn certificate(data: &[u8]) {
    let passphrase = data.first().is_some_and(|b| b & 1 == 1).then_some("geheim");
    let Some(parsed) = crate::model::cert::parse_pem_or_der(data, passphrase) else {
        return;
    };
    if let Ok(p) = parsed {
        assert!(
            validate::normalize_fingerprint(&p.sha256).is_some(),
            "{}",
            p.sha256
        );
        use base64::Engine;
        with_app(|app| {
            let input = CertImport {
                name: "Fuzz".into(),
                data_base64: base64::engine::general_purpose::STANDARD.encode(data),
                passphrase: passphrase.map(Secret::new),
                ..Default::default()
            };
            if let Err(e) = app.import_certificate(&input) {
                let _ = app.api_error(&e);
            }
        })
    }
}

/// A CSV file of users through the import: separator and header detection (German headers,
/// byte-order mark), quoted fields, the rows' validation and their line numbers.
pub fn csv_import(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    with_app(|app| match app.import_users_csv(&text) {
        Ok(rows) => {
            for r in rows {
                assert!(r.line >= 1, "{r:?}");
            }
        }
        Err(e) => {
            let _ = app.api_error(&e);
        }
    })
}

/// An autoconfig document (Thunderbird's `config-v1.1.xml`, from a domain, its MX host's
/// domain or the provider database) and the same bytes as an Exchange autodiscover (POX)
/// answer: both readers return a configuration or a complaint. What the autoconfig reader
/// accepts names hosts and ports a server form would take.
pub fn autoconfig(data: &[u8]) {
    if let Ok(c) = crate::detect::xml::parse(data) {
        for s in c.incoming.iter().chain(&c.outgoing) {
            assert!(s.port != 0, "{s:?}");
            assert!(!s.host.is_empty(), "{s:?}");
        }
    }
    crate::detect::exchange::fuzz(data);
}

/// A DNS TXT record (lossily decoded, as the resolver hands them over) through the domain
/// check's readers: SPF (strict grammar, then `mail-auth`), DMARC, DKIM keys, MTA-STS and
/// TLS-RPT records, and the MTA-STS policy file.
pub fn dns_txt(data: &[u8]) {
    crate::domain::fuzz_txt(&String::from_utf8_lossy(data))
}

/// Secrets in memory: fuzzing never touches the OS keyring.
#[derive(Default)]
struct MemorySecrets(Mutex<HashMap<String, String>>);

impl SecretStore for MemorySecrets {
    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError> {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        m.insert(key.to_string(), secret.to_string());
        Ok(())
    }
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        let m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        Ok(m.get(key).cloned())
    }
    fn delete(&self, key: &str) -> Result<(), SecretError> {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        m.remove(key);
        Ok(())
    }
    fn describe(&self) -> String {
        "memory (fuzzing)".into()
    }
}

struct FuzzApp {
    app: App,
    secrets: Arc<MemorySecrets>,
    /// The tables a fresh database has no rows in: emptied after every input that wrote.
    empty: Vec<String>,
    /// `Store::total_changes` of the fresh database.
    fresh: std::cell::Cell<u64>,
}

thread_local! {
    static APP: FuzzApp = {
        let store = Store::open_in_memory().expect("in-memory database");
        let empty = store.empty_tables().expect("tables");
        let fresh = std::cell::Cell::new(store.total_changes());
        let secrets = Arc::new(MemorySecrets::default());
        FuzzApp {
            app: App::new(store, secrets.clone(), Lang::De),
            secrets,
            empty,
            fresh,
        }
    };
}

/// Runs `f` on an app over a fresh in-memory database and memory secrets.
fn with_app(f: impl FnOnce(&App)) {
    APP.with(|a| {
        f(&a.app);
        let db = a.app.db();
        if db.total_changes() != a.fresh.get() {
            db.clear_tables(&a.empty).expect("reset");
            a.fresh.set(db.total_changes());
        }
        drop(db);
        a.secrets
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The smoke run: every committed corpus file through its target (seconds).
    #[test]
    fn every_committed_corpus_input_passes_its_target() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
        for (name, target) in TARGETS {
            let dir = root.join(name);
            let mut n = 0;
            for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
                let path = e.unwrap().path();
                target(&std::fs::read(&path).unwrap());
                n += 1;
            }
            assert!(n >= 10, "{name}: only {n} corpus files");
        }
    }

    /// The reset between inputs gives every input the same fresh database.
    #[test]
    fn an_import_is_forgotten_before_the_next_input() {
        let csv = b"login,display_name,email\nanna,Anna,anna@example.test\n";
        csv_import(csv);
        csv_import(csv);
        with_app(|app| assert!(app.list_users("").unwrap().is_empty()));
        let rows = APP.with(|a| a.app.import_users_csv(std::str::from_utf8(csv).unwrap()));
        assert!(rows.unwrap()[0].created);
        with_app(|_| {});
    }
}
