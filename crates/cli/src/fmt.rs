//! Human output shared by every command: a record as aligned `key  value` lines, a list as
//! a table of chosen columns.

use serde::Serialize;
use serde_json::Value;

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::String(s) if s.is_empty() => "-".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(scalar).collect::<Vec<_>>().join(", "),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| format!("{k}={}", scalar(v)))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

/// One record: every field on its own line (multi-line text indented).
pub fn record<T: Serialize>(v: &T) -> String {
    let v = serde_json::to_value(v).unwrap_or(Value::Null);
    let Value::Object(map) = v else {
        return scalar(&v);
    };
    let width = map.keys().map(|k| k.len()).max().unwrap_or(0);
    map.iter()
        .map(|(k, v)| {
            let text = scalar(v).replace('\n', &format!("\n{:width$}  ", ""));
            format!("{k:<width$}  {text}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A list as a table of `columns` (JSON field names), headers upper-cased.
pub fn table<T: Serialize>(items: &[T], columns: &[&str]) -> String {
    let mut rows: Vec<Vec<String>> = vec![columns.iter().map(|c| c.to_uppercase()).collect()];
    for it in items {
        let v = serde_json::to_value(it).unwrap_or(Value::Null);
        rows.push(
            columns
                .iter()
                .map(|c| scalar(v.get(*c).unwrap_or(&Value::Null)))
                .collect(),
        );
    }
    grid(&rows)
}

/// Rows of cells as left-aligned columns two spaces apart (the first row is the header).
pub fn grid(rows: &[Vec<String>]) -> String {
    let columns = rows.first().map(Vec::len).unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// What `cert trust` / `cert untrust` did, in the user's language.
pub fn trust_line(
    lang: mailbox_admin_core::Lang,
    c: &mailbox_admin_core::model::Certificate,
) -> String {
    use mailbox_admin_core::i18n::tr;
    let name = ("name", c.name.clone());
    if !c.trust_root {
        tr(lang, "cli.cert_untrusted", &[name])
    } else if c.trust_hosts.is_empty() {
        tr(lang, "cli.cert_trusted_all", &[name])
    } else {
        tr(
            lang,
            "cli.cert_trusted_hosts",
            &[name, ("hosts", c.trust_hosts.join(", "))],
        )
    }
}

/// The words the CLI puts before a record's name (`created: NAME`) and before a message
/// (`warning:`), in the user's language.
pub fn word(lang: mailbox_admin_core::Lang, english: &str) -> String {
    let key = match english {
        "created" | "saved" | "deleted" | "imported" | "renamed" | "warning" | "error" => {
            format!("cli.{english}")
        }
        _ => return english.to_string(),
    };
    mailbox_admin_core::i18n::tr(lang, &key, &[])
}

/// `created: NAME` and the like with the verb in the user's language.
pub fn localize(lang: mailbox_admin_core::Lang, human: &str) -> String {
    if let Some((verb, rest)) = human.split_once(": ") {
        if !verb.contains(char::is_whitespace) {
            let w = word(lang, verb);
            if w != verb {
                return format!("{w}: {rest}");
            }
        }
    }
    human.to_string()
}
