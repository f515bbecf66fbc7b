//! Seeds a database with N realistic accounts through the core's bulk path, for benchmarks:
//!
//! `cargo run --release -p mailbox-admin-core --example seed_accounts -- DB N`
//!
//! What it creates and how is documented in `tests/support/seed.rs` (shared with the tests
//! that search 10,000 accounts). Exit 0 and `seeded N accounts in S s` on stderr; exit 1 and
//! the reason otherwise (the database is then unchanged).

#[path = "../tests/support/seed.rs"]
mod seed;

use mailbox_admin_core::secrets::{KeyringSecrets, SecretStore};
use mailbox_admin_core::store::Store;
use mailbox_admin_core::{App, Lang};
use std::sync::Arc;

fn main() {
    let usage = "usage: seed_accounts DB N";
    let mut args = std::env::args().skip(1);
    let (Some(db), Some(Ok(n))) = (args.next(), args.next().map(|s| s.parse::<usize>())) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    // No secrets are written: an in-memory keyring keeps the OS keyring out of it.
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringSecrets::new(
        keyring_core::mock::Store::new().expect("in-memory keyring"),
    ));
    let store = match Store::open(std::path::Path::new(&db)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{db}: {}", e.to_api(Lang::En).message);
            std::process::exit(1);
        }
    };
    let app = App::new(store, secrets, Lang::En);
    let t0 = std::time::Instant::now();
    match seed::seed(&app, n) {
        Ok(_) => eprintln!("seeded {n} accounts in {:.1} s", t0.elapsed().as_secs_f64()),
        Err(e) => {
            eprintln!("{db}: {}", e.to_api(Lang::En).message);
            std::process::exit(1);
        }
    }
}
