//! 10,000 accounts seeded through the core's bulk path: the search finds exactly what its
//! rule says (every word of the query, case-insensitive, somewhere in name, address, sender
//! name, login, reply-to or mailbox path, or in the owner's login and display name, the
//! owning group's, the company's or the incoming and outgoing servers' names), the window's
//! quick search (`search_accounts`) and list lines (`list_account_summaries`) agree with
//! `list_accounts` (what `mbadmin account list --search` prints), renames of what an account
//! names are found at once, and every list is in natural German order. The time is measured
//! in bench/ and by `examples/search_timing.rs`, not here.

#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/seed.rs"]
mod seed;

use mailbox_admin_core::collate;
use mailbox_admin_core::model::Owner;
use mailbox_admin_core::App;
use std::collections::BTreeSet;

const N: usize = 10_000;

/// The names the search looks in besides the account's own columns, written from the seeding
/// rules (tests/support/seed.rs), not from the database: the owner's login and display name
/// or the group's name, the company, the incoming server and — for every ninth account, the
/// others inherit theirs — the outgoing server the account names itself.
fn named(i: usize, a: &seed::Seeded) -> Vec<String> {
    let mut v = match a.owner {
        Ok(u) => vec![
            seed::user_login(u),
            format!(
                "{} {}",
                seed::FIRST[u % seed::FIRST.len()],
                seed::LAST[(u / seed::FIRST.len()) % seed::LAST.len()]
            ),
        ],
        Err(g) => vec![g.to_string()],
    };
    v.push(seed::COMPANIES[a.company].0.to_string());
    v.push(seed::incoming_name(a.company));
    if i % 9 == 2 {
        v.push(seed::outgoing_name((a.company + 1) % seed::COMPANIES.len()));
    }
    v
}

/// The rule, written independently of the SQL: each word (lower-cased) is a substring of the
/// searched columns and names joined by spaces (lower-cased too: every letter, umlauts
/// included). A stored empty mailbox path is `INBOX`.
fn expected_with(query: &str, rename: impl Fn(String) -> String) -> BTreeSet<String> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    (0..N)
        .map(|i| (i, seed::account(i)))
        .filter(|(i, a)| {
            let path = if a.mailbox_path.is_empty() {
                "INBOX".to_string()
            } else {
                a.mailbox_path.clone()
            };
            let mut hay = vec![
                a.name.clone(),
                a.email.clone(),
                a.sender_name.clone(),
                a.username.clone(),
                a.reply_to.clone(),
                path,
            ];
            hay.extend(named(*i, a).into_iter().map(&rename));
            let hay = hay.join(" ").to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .map(|(_, a)| a.name)
        .collect()
}

fn expected(query: &str) -> BTreeSet<String> {
    expected_with(query, |n| n)
}

fn names_by_id(app: &App) -> std::collections::HashMap<i64, String> {
    app.list_account_summaries("")
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect()
}

#[test]
fn ten_thousand_seeded_accounts_are_searched_by_the_rule_and_listed_in_natural_german_order() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = fixtures::app_at(&dir.path().join("config.db"), mailbox_admin_core::Lang::En);
    let report = seed::seed(&app, N).unwrap();
    assert_eq!(report.created.get("accounts"), Some(&(N as u32)));
    assert_eq!(report.created.get("users"), Some(&(N as u32 / 2)));

    let all = app.list_account_summaries("").unwrap();
    assert_eq!(all.len(), N);
    let ids = names_by_id(&app);

    for query in [
        "bauer",
        "Anna Bauer 415",
        "schäfer 28",
        "vertrieb",
        "mueller-logistik.test archiv",
        "INFO@",
        "özlem",
        "Özlem",
        "juergen3",
        "100%",
        "a_b",
        "  ",
        // The owner's login and display name, the group, the company, the servers.
        "anna.bauer.40",
        "lukas wagner",
        "Geschäftsführung",
        "örtliche stadtwerke",
        "imap zimmermann",
        "smtp müller",
        "pop3 schäfer",
        "inbox",
    ] {
        let want = expected(query);
        // The three ways of searching: full records (the CLI), list lines, ids.
        let full: BTreeSet<String> = app
            .list_accounts(query)
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        let lines: BTreeSet<String> = app
            .list_account_summaries(query)
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        let found: BTreeSet<String> = app
            .search_accounts(query)
            .unwrap()
            .into_iter()
            .map(|id| ids[&id].clone())
            .collect();
        assert_eq!(full, want, "list_accounts({query:?})");
        assert_eq!(lines, want, "list_account_summaries({query:?})");
        assert_eq!(found, want, "search_accounts({query:?})");
    }

    // Some of the sets above, spelled out, so that a broken oracle cannot hide a broken search.
    assert_eq!(expected("  ").len(), N);
    assert_eq!(expected("100%").len(), 0);
    // The accounts named Anna Bauer are 0, 400, … 9600: none of them has 415 in it (what
    // matches does so through "Hannah", an owner's name or the company Bauer & Söhne).
    let a415 = expected("Anna Bauer 415");
    assert!(
        a415.iter().all(|n| !n.starts_with("Anna Bauer")),
        "{a415:?}"
    );
    let anna = expected("Anna Bauer 40");
    assert!(
        anna.contains("Anna Bauer 400") && anna.contains("Anna Bauer 4000"),
        "{anna:?}"
    );
    // Case is ignored for umlauts too (SQLite's own lower() would fold ASCII only): every
    // Özlem — accounts 20k + 2 (always personal), and the personal accounts of the users
    // 20k + 2 (named Özlem: accounts 40k + 4, which is shared, and 40k + 5).
    assert_eq!(expected("özlem"), expected("ÖZLEM"));
    assert_eq!(expected("özlem").len(), N / 20 + N / 40);
    assert!(expected("vertrieb").len() > 100);
    // Found by what they name only: a company, a server, an owner's login.
    assert_eq!(expected("örtliche stadtwerke").len(), N / 4);
    // Account 56 names "SMTP Müller" as its own outgoing server ("smtp" is in no other
    // column: only every ninth account names an outgoing server).
    assert!(expected("smtp müller").contains(&seed::account(56).name));
    assert!(expected("smtp").len() <= N / 9 + 1);
    // User 400 (anna.bauer.400) owns accounts 800 and 801.
    let by_login = expected(&seed::user_login(400));
    assert!(by_login.contains(&seed::account(800).name), "{by_login:?}");
    assert!(by_login.contains(&seed::account(801).name), "{by_login:?}");

    // Renames of what accounts name are searched at once (migration 9's triggers), and an
    // account's own edit too.
    let rename = |n: String| -> String {
        match n.as_str() {
            "Zimmermann Bau KG" => "Zimmerei Kranich KG".into(),
            "IMAP Müller" => "IMAP Spedition".into(),
            "SMTP Örtliche" => "SMTP Versorger".into(),
            "Vertrieb" => "Verkauf".into(),
            _ if n == seed::user_login(203) => "kranich.admin".into(),
            _ => n,
        }
    };
    use mailbox_admin_core::error::Entity;
    use mailbox_admin_core::model::{
        CompanyInput, GroupInput, OutgoingInput, ServerInput, UserInput,
    };
    let c = app
        .get_company(app.resolve(Entity::Company, "Zimmermann Bau KG").unwrap())
        .unwrap();
    let mut ci = CompanyInput::from(&c);
    ci.name = "Zimmerei Kranich KG".into();
    app.update_company(c.id, c.version, &ci).unwrap();
    let s = app
        .get_server(app.resolve(Entity::IncomingServer, "IMAP Müller").unwrap())
        .unwrap();
    let mut si = ServerInput::from(&s);
    si.name = "IMAP Spedition".into();
    app.update_server(s.id, s.version, &si).unwrap();
    let o = app
        .get_outgoing(
            app.resolve(Entity::OutgoingServer, "SMTP Örtliche")
                .unwrap(),
        )
        .unwrap();
    let mut oi = OutgoingInput::from(&o);
    oi.name = "SMTP Versorger".into();
    app.update_outgoing(o.id, o.version, &oi).unwrap();
    let g = app
        .get_group(app.resolve(Entity::Group, "Vertrieb").unwrap())
        .unwrap();
    let mut gi = GroupInput::from(&g);
    gi.name = "Verkauf".into();
    app.update_group(g.id, g.version, &gi).unwrap();
    let u = app.get_user(personal_owner(&app, 203)).unwrap();
    let mut ui = UserInput::from(&u);
    ui.login = "kranich.admin".into();
    app.update_user(u.id, u.version, &ui).unwrap();
    let old_login = seed::user_login(203);
    for query in [
        "kranich",
        "zimmermann",
        "Zimmerei",
        "bau kg",
        "spedition",
        "imap müller",
        "smtp versorger",
        "smtp örtliche",
        "verkauf",
        "vertrieb",
        old_login.as_str(),
    ] {
        let want = expected_with(query, rename);
        let found: BTreeSet<String> = app
            .search_accounts(query)
            .unwrap()
            .into_iter()
            .map(|id| ids[&id].clone())
            .collect();
        assert_eq!(found, want, "after the renames: search_accounts({query:?})");
    }
    assert!(expected("zimmerei").is_empty());
    assert_eq!(expected_with("zimmerei", rename).len(), N / 4);
    assert!(!expected_with("kranich", rename).is_empty());

    // Natural German order: numbers by value, umlauts with their base letter.
    let names: Vec<&str> = all.iter().map(|a| a.name.as_str()).collect();
    for w in names.windows(2) {
        assert_eq!(
            collate::compare(w[0], w[1]),
            std::cmp::Ordering::Less,
            "{} / {}",
            w[0],
            w[1]
        );
    }
    let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
    assert!(pos("Anna Bauer 400") < pos("Anna Bauer 4000"));
    assert!(pos("Anna Bauer 4000") < pos("Anna Bauer 8000"));
    assert!(pos("Ärne Bauer 5") < pos("Ben Bauer 17"));
    assert!(pos("Ärne Bauer 5") > pos("Anna Wolf 300"));
    // The full records the CLI prints come in the same order.
    let cli: Vec<String> = app
        .list_accounts("bauer")
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    let window: Vec<String> = app
        .list_account_summaries("bauer")
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(cli, window);

    // The list lines carry the owner's name.
    let shared = all.iter().find(|a| a.name == "Vertrieb 4").unwrap();
    assert!(matches!(shared.owner, Owner::Group(_)));
    assert_eq!(shared.owner_name, "Vertrieb");
    let personal = all.iter().find(|a| a.name == "Anna Bauer 400").unwrap();
    assert_eq!(personal.owner, Owner::User(personal_owner(&app, 200)));
    assert_eq!(personal.owner_name, seed::user_login(200));
}

fn personal_owner(app: &App, u: usize) -> i64 {
    app.resolve(
        mailbox_admin_core::error::Entity::User,
        &seed::user_login(u),
    )
    .unwrap()
}
