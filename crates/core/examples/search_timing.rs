//! Times the core's account search per query over a seeded database (issue 14: the window
//! searches per keystroke), outside any test:
//!
//! `cargo run --release -p mailbox-admin-core --example search_timing -- DB [ROUNDS] [QUERY…]`
//!
//! `DB` comes from `seed_accounts`. For each prefix of each query (as one types it: "b", "ba",
//! …), `ROUNDS` (20) runs of `App::search_accounts` (what the Accounts tab calls per key) and
//! of `App::list_account_summaries` (the list lines, what the CLI's search lists); prints the
//! median and the maximum in ms and the number of hits. Default queries: "bauer 28",
//! "vertrieb", "özlem", "smtp müller".
//!
//! For comparison, in the same run, the two ways the search was or could be done without the
//! stored search text (migration 9): `fold_case` over the account's own six columns per row
//! (the search before issue 12, which did not look at the owner's, company's and servers'
//! names), and `fold_case` over the same columns plus those names joined at query time.

use mailbox_admin_core::secrets::{KeyringSecrets, SecretStore};
use mailbox_admin_core::store::Store;
use mailbox_admin_core::{App, Lang};
use std::sync::Arc;
use std::time::Instant;

fn timed(rounds: usize, mut f: impl FnMut() -> usize) -> (f64, f64, usize) {
    let mut ms = Vec::with_capacity(rounds);
    let mut hits = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        hits = f();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[ms.len() - 1], hits)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(db) = args.next() else {
        eprintln!("usage: search_timing DB [ROUNDS] [QUERY…]");
        std::process::exit(2);
    };
    let rest: Vec<String> = args.collect();
    let (rounds, queries) = match rest.first().and_then(|r| r.parse::<usize>().ok()) {
        Some(n) => (n.max(1), rest[1..].to_vec()),
        None => (20, rest),
    };
    let queries = if queries.is_empty() {
        ["bauer 28", "vertrieb", "özlem", "smtp müller"]
            .map(String::from)
            .to_vec()
    } else {
        queries
    };
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringSecrets::new(
        keyring_core::mock::Store::new().expect("in-memory keyring"),
    ));
    let store = Store::open(std::path::Path::new(&db)).unwrap_or_else(|e| {
        eprintln!("{db}: {}", e.to_api(Lang::En).message);
        std::process::exit(1);
    });
    let app = App::new(store, secrets, Lang::En);
    let raw = Store::open(std::path::Path::new(&db)).expect("second connection");
    let conn: &rusqlite::Connection = raw.read();
    let own = "a.name || ' ' || a.email || ' ' || a.sender_name || ' ' || a.username || ' ' || \
               a.reply_to || ' ' || a.mailbox_path";
    let joined = format!(
        "{own} || ' ' || coalesce(u.login || ' ' || u.display_name, g.name, '') || ' ' || \
         coalesce(c.name, '') || ' ' || coalesce(i.name, '') || ' ' || coalesce(o.name, '')"
    );
    let by_fold = |hay: &str, q: &str| -> usize {
        let words: Vec<String> = q
            .split_whitespace()
            .map(|w| format!("%{}%", w.to_lowercase()))
            .collect();
        let conds: Vec<String> = (1..=words.len())
            .map(|i| format!("fold_case({hay}) LIKE ?{i} ESCAPE '\\'"))
            .collect();
        let sql = format!(
            "SELECT a.id FROM accounts a LEFT JOIN users u ON u.id = a.owner_user_id \
             LEFT JOIN groups g ON g.id = a.owner_group_id \
             LEFT JOIN companies c ON c.id = a.company_id \
             LEFT JOIN incoming_servers i ON i.id = a.incoming_server_id \
             LEFT JOIN outgoing_servers o ON o.id = a.outgoing_server_id{}",
            if conds.is_empty() {
                String::new()
            } else {
                format!(" WHERE {}", conds.join(" AND "))
            }
        );
        let mut st = conn.prepare(&sql).unwrap();
        let ids = st
            .query_map(rusqlite::params_from_iter(words.iter()), |r| {
                r.get::<_, i64>(0)
            })
            .unwrap();
        ids.count()
    };
    println!(
        "query\tsearch_accounts median/max ms (hits)\tlist_account_summaries median/max ms\t\
         fold_case, own columns, median/max ms (hits)\tfold_case, with joined names, median/max ms (hits)"
    );
    for q in &queries {
        let chars: Vec<char> = q.chars().collect();
        for end in 1..=chars.len() {
            let prefix: String = chars[..end].iter().collect();
            let (m1, x1, hits) = timed(rounds, || app.search_accounts(&prefix).unwrap().len());
            let (m2, x2, _) = timed(rounds, || {
                app.list_account_summaries(&prefix).unwrap().len()
            });
            let (m3, x3, h3) = timed(rounds, || by_fold(own, &prefix));
            let (m4, x4, h4) = timed(rounds, || by_fold(&joined, &prefix));
            println!(
                "{prefix:?}\t{m1:.1} / {x1:.1} ({hits})\t{m2:.1} / {x2:.1}\t\
                 {m3:.1} / {x3:.1} ({h3})\t{m4:.1} / {x4:.1} ({h4})"
            );
        }
    }
}
