//! Seeds many accounts through the core in one process (the benchmarks in `bench/` need
//! 1,000–10,000 of them; one `mbadmin account add` per account takes ~30 ms each):
//!
//! `cargo run --release -p mailbox-admin-core --example bench_seed -- DB N [options]`
//!
//! - `--start K`: the first number (default 0), so that several calls give unique names;
//! - `--incoming NAME`, `--outgoing NAME`: the accounts' servers (must exist; without
//!   `--outgoing` the default outgoing server applies);
//! - `--email ADDRESS`: one address for all (default: `<first>.<last>.<number>@example.test`);
//! - `--login LOGIN`: their login (default: their own address);
//! - `--owner-user LOGIN`: their owner;
//! - `--password-stdin`: one password (read from standard input) stored for each account, in
//!   the OS keyring as `mbadmin account add --password-stdin` does (one entry per account).
//!
//! Names are "<first> <last> <number>" from a fixed list of German names (umlauts included),
//! addresses `<first>.<last>.<number>@example.test`. Prints the time taken to stderr.

use mailbox_admin_core::error::Entity;
use mailbox_admin_core::model::{AccountInput, Owner};
use mailbox_admin_core::sensitive::SecretUpdate;
use mailbox_admin_core::{App, Lang};
use std::io::Read;

// The same German names (umlauts included) as the seeding of the search tests.
#[path = "../tests/support/seed.rs"]
mod seed;
use seed::{ascii, FIRST, LAST};

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "bench_seed DB N [--start K] [--incoming NAME] [--outgoing NAME] [--email ADDRESS] [--login LOGIN] [--owner-user LOGIN] [--password-stdin]";
    let db = args.next().expect(usage);
    let n: usize = args.next().and_then(|s| s.parse().ok()).expect(usage);
    let (mut start, mut incoming, mut outgoing, mut login, mut owner, mut password) =
        (0usize, None, None, None, None, None);
    let mut fixed_email: Option<String> = None;
    while let Some(a) = args.next() {
        let mut val = || args.next().expect(usage);
        match a.as_str() {
            "--start" => start = val().parse().expect(usage),
            "--incoming" => incoming = Some(val()),
            "--outgoing" => outgoing = Some(val()),
            "--login" => login = Some(val()),
            "--email" => fixed_email = Some(val()),
            "--owner-user" => owner = Some(val()),
            "--password-stdin" => {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s).expect("stdin");
                password = Some(s.trim_end_matches(['\r', '\n']).to_string());
            }
            _ => panic!("{usage}"),
        }
    }
    let app = App::open(std::path::Path::new(&db), Lang::En).expect("open the database");
    let find = |e: Entity, name: &Option<String>| {
        name.as_ref()
            .map(|n| app.resolve(e, n).unwrap_or_else(|e| panic!("{n}: {e:?}")))
    };
    let incoming_id = find(Entity::IncomingServer, &incoming);
    let outgoing_id = find(Entity::OutgoingServer, &outgoing);
    let owner_id = find(Entity::User, &owner);
    let t0 = std::time::Instant::now();
    for i in start..start + n {
        let first = FIRST[i % FIRST.len()];
        let last = LAST[(i / FIRST.len()) % LAST.len()];
        let email = fixed_email
            .clone()
            .unwrap_or_else(|| format!("{}.{}.{i}@example.test", ascii(first), ascii(last)));
        let input = AccountInput {
            name: format!("{first} {last} {i}"),
            username: login.clone().unwrap_or_default(),
            email,
            owner: owner_id.map(Owner::User),
            incoming_server_id: incoming_id,
            outgoing_server_id: outgoing_id,
            password: password
                .as_ref()
                .map_or(SecretUpdate::Keep, |p| SecretUpdate::set(p.clone())),
            ..Default::default()
        };
        if let Err(e) = app.create_account(&input) {
            panic!("account {i}: {e:?}");
        }
        if (i - start + 1) % 1000 == 0 {
            eprintln!(
                "{} accounts, {:.1} s",
                i - start + 1,
                t0.elapsed().as_secs_f64()
            );
        }
    }
    eprintln!("seeded {n} accounts in {:.1} s", t0.elapsed().as_secs_f64());
}
