//! 10,000 accounts seeded through the core's bulk path: the search finds exactly what its
//! rule says (every word of the query, case-insensitive, somewhere in name, address, sender
//! name, login, reply-to or mailbox path), the window's quick search (`search_accounts`)
//! and list lines (`list_account_summaries`) agree with `list_accounts` (what `mbadmin
//! account list --search` prints), and every list is in natural German order. The time is
//! measured in bench/, not here.

#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/seed.rs"]
mod seed;

use mailbox_admin_core::collate;
use mailbox_admin_core::model::Owner;
use mailbox_admin_core::App;
use std::collections::BTreeSet;

const N: usize = 10_000;

/// The rule, written independently of the SQL: each word (lower-cased) is a substring of the
/// searched columns joined by spaces (lower-cased too: every letter, umlauts included).
fn expected(query: &str) -> BTreeSet<String> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    (0..N)
        .map(seed::account)
        .filter(|a| {
            let hay = [
                &a.name,
                &a.email,
                &a.sender_name,
                &a.username,
                &a.reply_to,
                &a.mailbox_path,
            ]
            .map(|s| s.as_str())
            .join(" ")
            .to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .map(|a| a.name)
        .collect()
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
    assert!(expected("Anna Bauer 415").is_empty()); // the Anna Bauers are 0, 400, … 9600
    let anna = expected("Anna Bauer 40");
    assert!(
        anna.contains("Anna Bauer 400") && anna.contains("Anna Bauer 4000"),
        "{anna:?}"
    );
    // Case is ignored for umlauts too (SQLite's own lower() would fold ASCII only): every
    // Özlem (account 20k + 2, always personal; only names and sender names carry the "Ö").
    assert_eq!(expected("özlem"), expected("ÖZLEM"));
    assert_eq!(expected("özlem").len(), N / 20);
    assert!(expected("vertrieb").len() > 100);

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
