//! The layering of `crates/core` (docs/ARCHITECTURE.md), enforced: each top-level module
//! may import only the modules listed for it, and only `store/` may speak SQL. The test
//! reads the `crate::…` paths of every source file (test modules excluded), so a new
//! import against the layering fails here with the file and the path that broke it.

use std::path::{Path, PathBuf};

/// The shared vocabulary: leaves every layer may use.
const VOCABULARY: &str = "i18n kinds sensitive clock paths diag collate";

/// Module → the modules it may use (`vocabulary` stands for all of `VOCABULARY`).
/// Vocabulary at the bottom, operations at the top.
const LAYERS: &[(&str, &str)] = &[
    // Vocabulary: leaves.
    ("i18n", ""),
    ("kinds", ""),
    ("sensitive", ""),
    ("clock", ""),
    ("paths", ""),
    ("collate", ""),
    ("diag", "i18n"),
    // Errors and field checks.
    ("error", "i18n diag"),
    ("validate", "error diag kinds sensitive"),
    // The configuration model: records, inputs, rules.
    ("model", "vocabulary error validate"),
    // I/O below the operations: keyring, TLS, connection tests, OAuth, SQLite.
    ("secrets", "error sensitive"),
    ("tls", "vocabulary error validate"),
    ("dns", "vocabulary error validate"),
    ("graph", "vocabulary validate error tls"),
    ("probe", "vocabulary validate error tls dns graph"),
    ("domain", "vocabulary validate error tls dns probe"),
    ("detect", "vocabulary validate error tls dns"),
    ("oauth", "vocabulary validate error secrets tls"),
    ("store", "vocabulary error model validate"),
    // Provisioning formats (pure: records in, files and codes out).
    ("provision", "vocabulary error validate model"),
    // The operations the shell and the CLI adapt, and the generated TypeScript types.
    (
        "app",
        "vocabulary error validate model secrets tls dns graph probe domain detect oauth store provision",
    ),
    ("bindings", "*"),
    // Fuzz targets (feature `fuzzing`): drive any layer with arbitrary bytes.
    ("fuzzing", "*"),
];

/// The modules `module` may use.
fn allowed(module: &str) -> Option<Vec<&'static str>> {
    let (_, list) = LAYERS.iter().find(|(m, _)| *m == module)?;
    Some(
        list.split_whitespace()
            .flat_map(|w| match w {
                "vocabulary" => VOCABULARY.split_whitespace().collect::<Vec<_>>(),
                w => vec![w],
            })
            .collect(),
    )
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file belongs to (`src/probe/imap.rs` → `probe`).
fn module_of(file: &Path) -> String {
    let rel = file.strip_prefix(src()).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The code of a file without comments and without its test modules (`#[cfg(test)]` at the
/// start of a line ends the production code, by this crate's convention).
fn production_code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        let code = line.split("//").next().unwrap_or("");
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// Every module named right after `crate::`, including the members of `crate::{a, b::c}`.
fn crate_paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for member in group[..end].split(',') {
                let name: String = member
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push(name);
        }
    }
    found
}

/// Names at the crate root that are not modules (re-exports and `#[macro_export]` macros).
const ROOT_ITEMS: &[&str] = &[
    "App",
    "Error",
    "ApiError",
    "ErrorCode",
    "FieldError",
    "Lang",
    "str_enum",
];

#[test]
fn every_module_imports_only_what_its_layer_allows() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(file);
        if module == "lib" {
            continue;
        }
        let Some(ok) = allowed(&module) else {
            wrong.push(format!(
                "{}: module `{module}` is not in the layering (tests/layering.rs, docs/ARCHITECTURE.md)",
                file.display()
            ));
            continue;
        };
        let code = production_code(&std::fs::read_to_string(file).unwrap());
        for used in crate_paths(&code) {
            let fine = used == module
                || ok.contains(&"*")
                || ok.contains(&used.as_str())
                || ROOT_ITEMS.contains(&used.as_str());
            if !fine {
                wrong.push(format!(
                    "{}: `{module}` uses `crate::{used}`",
                    file.display()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layering:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn only_the_store_speaks_sql_and_knows_rusqlite() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        if module_of(file) == "store" || file.ends_with("tests.rs") {
            continue;
        }
        let code = production_code(&std::fs::read_to_string(file).unwrap());
        for needle in [
            "rusqlite",
            ".execute(",
            ".prepare(",
            ".query_row(",
            "params![",
        ] {
            if code.contains(needle) {
                wrong.push(format!("{}: `{needle}`", file.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "SQL outside store/:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_checker_sees_grouped_and_inline_paths() {
    let code = "use crate::{diag::X, kinds, store::Tx};\nfn f() { crate::app::run(); }";
    assert_eq!(crate_paths(code), vec!["diag", "kinds", "store", "app"]);
    assert_eq!(
        production_code("a // crate::x\n#[cfg(test)]\ncrate::y"),
        "a \n"
    );
}

#[test]
fn the_architecture_document_names_every_module() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/ARCHITECTURE.md"),
    )
    .expect("docs/ARCHITECTURE.md");
    for (module, _) in LAYERS {
        assert!(
            doc.contains(&format!("`{module}`")),
            "docs/ARCHITECTURE.md does not describe `{module}`"
        );
    }
}

#[test]
fn the_schema_document_states_the_schema_version() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/SCHEMA.md"))
            .expect("docs/SCHEMA.md");
    let stated = format!(
        "(currently **{}**)",
        mailbox_admin_core::store::latest_version()
    );
    assert!(doc.contains(&stated), "docs/SCHEMA.md must say {stated}");
}
