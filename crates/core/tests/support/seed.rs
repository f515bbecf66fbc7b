//! Many realistic accounts, seeded through the core's bulk path (`App::import_config`: one
//! transaction, every record validated as the window would) — for the 10,000-account tests
//! and the benchmarks in `bench/`.
//!
//! From the command line (the example includes this file):
//!
//! ```text
//! cargo run --release -p mailbox-admin-core --example seed_accounts -- DB N
//! ```
//!
//! creates (or adds to) the database `DB` with `N` accounts and what they refer to, prints one
//! line `seeded N accounts in S s` to stderr, and exits 0 (1 with the error otherwise; the
//! database is then unchanged). No keyring is touched (no passwords: every account shows
//! "password not stored" as a seeded account would). Seeding the same `DB` twice fails on the
//! duplicate names; use a fresh file per run. 10,000 accounts take about 2 s (release).
//!
//! What it creates, all a function of `N` (the same every run):
//! - 4 companies (`Bauer & Söhne GmbH`, …) with an incoming server each (`IMAP Bauer & Söhne`,
//!   `imap.bauer-soehne.test`; one POP3) and an outgoing server each (`SMTP …`, the first the
//!   installation default, each the default of its company);
//! - `N / 2` users (`anna.bauer.7`, display name `Anna Bauer`) and 10 groups (`Vertrieb`,
//!   `Einkauf`, `Geschäftsführung`, …) with a few members each;
//! - `N` accounts: four in five personal, named `<First> <Last> <i>` ("Anna Bauer 415",
//!   "Özlem Schäfer 2815": German first and last names with umlauts), owned by user `i / 2`,
//!   address `<first>.<last>.<i>@<company domain>`, sender name `<First> <Last>`; every fifth
//!   shared, named `<Group> <i>` ("Vertrieb 104"), owned by its group, address
//!   `<group>.<i>@<domain>`. Company and servers rotate with `i`; every seventh account has
//!   its own login (`<first><i>`) and every eleventh a mailbox path (`Archiv/<i>`).
//!
//! [`account`] gives the seeded account `i` without a database, so a test can compute what a
//! search must find.

#![allow(dead_code)]

use mailbox_admin_core::app::transfer::{ImportOptions, ImportReport};
use mailbox_admin_core::App;
use serde_json::{json, Value};

pub const FIRST: &[&str] = &[
    "Anna", "Jürgen", "Özlem", "Lukas", "Marie", "Ärne", "Sophie", "Paul", "Emma", "Felix", "Lena",
    "Jonas", "Mia", "Elias", "Hannah", "Noah", "Lea", "Ben", "Clara", "Finn",
];
pub const LAST: &[&str] = &[
    "Bauer",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Äbischer",
    "Zimmermann",
];
pub const GROUPS: &[&str] = &[
    "Vertrieb",
    "Einkauf",
    "Buchhaltung",
    "Personal",
    "Geschäftsführung",
    "Kundendienst",
    "Lager",
    "Marketing",
    "Technik",
    "Empfang",
];
/// (company, its mail domain, incoming protocol)
pub const COMPANIES: &[(&str, &str, &str)] = &[
    ("Bauer & Söhne GmbH", "bauer-soehne.test", "imap"),
    ("Müller Logistik AG", "mueller-logistik.test", "imap"),
    ("Örtliche Stadtwerke", "stadtwerke-oe.test", "pop3"),
    ("Zimmermann Bau KG", "zimmermann-bau.test", "imap"),
];

/// `Özlem Schäfer` → `oezlem.schaefer`.
pub fn ascii(s: &str) -> String {
    s.to_lowercase()
        .replace('ä', "ae")
        .replace('ö', "oe")
        .replace('ü', "ue")
        .replace('ß', "ss")
        .replace(' ', "-")
}

fn short(company: &str) -> &str {
    company.split([' ', ','].as_ref()).next().unwrap_or(company)
}

/// The incoming server of company `c`.
pub fn incoming_name(c: usize) -> String {
    let (name, _, proto) = COMPANIES[c];
    let kind = if proto == "pop3" { "POP3" } else { "IMAP" };
    format!("{kind} {}", short(name))
}

pub fn outgoing_name(c: usize) -> String {
    format!("SMTP {}", short(COMPANIES[c].0))
}

/// The login of seeded user `u`.
pub fn user_login(u: usize) -> String {
    let first = FIRST[u % FIRST.len()];
    let last = LAST[(u / FIRST.len()) % LAST.len()];
    format!("{}.{}.{u}", ascii(first), ascii(last))
}

/// Seeded account `i` as the searched columns hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seeded {
    pub name: String,
    pub email: String,
    pub sender_name: String,
    pub username: String,
    pub reply_to: String,
    pub mailbox_path: String,
    /// `Some(user index)` or the group's name.
    pub owner: Result<usize, &'static str>,
    pub company: usize,
}

/// Seeded account `i` (the same every run).
pub fn account(i: usize) -> Seeded {
    let c = i % COMPANIES.len();
    let domain = COMPANIES[c].1;
    let (name, local, sender, owner) = if i % 5 == 4 {
        let g = GROUPS[(i / 5) % GROUPS.len()];
        (
            format!("{g} {i}"),
            format!("{}.{i}", ascii(g)),
            g.to_string(),
            Err(g),
        )
    } else {
        let u = i / 2;
        let first = FIRST[i % FIRST.len()];
        let last = LAST[(i / FIRST.len()) % LAST.len()];
        (
            format!("{first} {last} {i}"),
            format!("{}.{}.{i}", ascii(first), ascii(last)),
            format!("{first} {last}"),
            Ok(u),
        )
    };
    let email = format!("{local}@{domain}");
    Seeded {
        username: if i % 7 == 3 {
            format!("{}{i}", local.split('.').next().unwrap_or("u"))
        } else {
            String::new()
        },
        reply_to: if i % 13 == 5 {
            format!("info@{domain}")
        } else {
            String::new()
        },
        mailbox_path: if i % 11 == 6 {
            format!("Archiv/{i}")
        } else {
            String::new()
        },
        name,
        email,
        sender_name: sender,
        owner,
        company: c,
    }
}

/// The export document that creates `n` accounts and what they refer to.
pub fn document(n: usize) -> Value {
    let incoming: Vec<Value> = (0..COMPANIES.len())
        .map(|c| {
            let (_, domain, proto) = COMPANIES[c];
            json!({"name": incoming_name(c), "protocol": proto,
                   "host": format!("{proto}.{domain}"), "security": "tls"})
        })
        .collect();
    let outgoing: Vec<Value> = (0..COMPANIES.len())
        .map(|c| {
            json!({"name": outgoing_name(c), "host": format!("smtp.{}", COMPANIES[c].1),
                   "security": "starttls", "is_default": c == 0})
        })
        .collect();
    let companies: Vec<Value> = COMPANIES
        .iter()
        .enumerate()
        .map(|(c, (name, _, _))| {
            json!({"name": name, "code": format!("F{:02}", c + 1),
                   "default_outgoing_server": outgoing_name(c)})
        })
        .collect();
    let users_n = n.div_ceil(2);
    let users: Vec<Value> = (0..users_n)
        .map(|u| {
            let first = FIRST[u % FIRST.len()];
            let last = LAST[(u / FIRST.len()) % LAST.len()];
            json!({"login": user_login(u), "display_name": format!("{first} {last}"),
                   "email": format!("{}@{}", user_login(u), COMPANIES[u % COMPANIES.len()].1)})
        })
        .collect();
    let groups: Vec<Value> = GROUPS
        .iter()
        .enumerate()
        .map(|(g, name)| {
            let members: Vec<String> = (0..3)
                .map(|k| g * 3 + k)
                .filter(|u| *u < users_n)
                .map(user_login)
                .collect();
            json!({"name": name, "description": format!("Abteilung {name}"), "members": members})
        })
        .collect();
    let accounts: Vec<Value> = (0..n)
        .map(|i| {
            let a = account(i);
            let owner = match a.owner {
                Ok(u) => json!({"user": user_login(u)}),
                Err(g) => json!({"group": g}),
            };
            let mut row = json!({
                "name": a.name, "email": a.email, "sender_name": a.sender_name,
                "reply_to": a.reply_to, "owner": owner,
                "company": COMPANIES[a.company].0,
                "incoming_server": incoming_name(a.company),
                "username": a.username, "mailbox_path": a.mailbox_path,
                "may_send": true, "may_receive": true,
            });
            // Every ninth account names its outgoing server itself (the rest inherit).
            if i % 9 == 2 {
                row["outgoing_server"] = json!(outgoing_name((a.company + 1) % COMPANIES.len()));
            }
            row
        })
        .collect();
    json!({
        "format": "mailbox-admin-export", "version": 2,
        "incoming_servers": incoming, "outgoing_servers": outgoing, "companies": companies,
        "users": users, "groups": groups, "accounts": accounts,
    })
}

/// Creates `n` accounts (and their users, groups, companies and servers) in one transaction.
pub fn seed(app: &App, n: usize) -> mailbox_admin_core::error::Result<ImportReport> {
    app.import_config(&document(n), &ImportOptions::default())
}
