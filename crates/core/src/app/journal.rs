//! The keyring side of a write transaction. The keyring is never called while the database
//! lock is held (a keyring waiting for its unlock password would freeze every command):
//!
//! 1. an attempt runs the transaction's closure; a secret to store that has no entry yet is
//!    *wanted* ([`want`]) and the attempt is rolled back instead of committed;
//! 2. outside the lock, every wanted secret is written under a fresh reference (*staged*);
//! 3. the closure runs again in a new transaction and takes the staged references in the
//!    order it asks for them ([`take_staged`]); the rows then point at entries that exist.
//!
//! After the transaction: entries it replaced are removed once it commits (*retired*),
//! entries it wrote are removed if it rolls back (*written*), and staged entries no attempt
//! took are removed either way. A transaction runs its closure synchronously on one thread,
//! so the journal is thread-local: two transactions on two threads never see each other's.

use crate::error::ApiError;
use crate::sensitive::Secret;
use std::cell::RefCell;

/// A secret the running attempt needs an entry for.
pub(super) struct Wanted {
    /// `<entity prefix>/<column>`: where its reference starts.
    pub key: String,
    /// The field a failure is reported on.
    pub column: String,
    pub value: Secret,
}

struct Staged {
    key: String,
    value: Secret,
    /// The reference written, or the keyring's refusal as a warning on the field.
    outcome: Result<String, ApiError>,
    taken: bool,
}

#[derive(Default)]
struct Journal {
    written: Vec<String>,
    retired: Vec<String>,
    wanted: Vec<Wanted>,
    staged: Vec<Staged>,
}

thread_local! {
    static JOURNAL: RefCell<Journal> = RefCell::new(Journal::default());
}

/// The transaction wrote `new`, replacing `old`.
pub(super) fn wrote(new: String, old: Option<String>) {
    JOURNAL.with(|j| {
        let mut j = j.borrow_mut();
        j.written.push(new);
        j.retired.extend(old);
    });
}

/// The transaction no longer uses `old`.
pub(super) fn retire(old: Option<String>) {
    JOURNAL.with(|j| j.borrow_mut().retired.extend(old));
}

/// The staged outcome for `value` under `key` that no earlier call of this attempt took, or
/// `None`: then the value is wanted, and this attempt must not commit.
pub(super) fn take_staged(
    key: &str,
    column: &str,
    value: &Secret,
) -> Option<Result<String, ApiError>> {
    JOURNAL.with(|j| {
        let mut j = j.borrow_mut();
        let found = j
            .staged
            .iter_mut()
            .find(|s| !s.taken && s.key == key && s.value.expose() == value.expose());
        match found {
            Some(s) => {
                s.taken = true;
                Some(s.outcome.clone())
            }
            None => {
                j.wanted.push(Wanted {
                    key: key.to_string(),
                    column: column.to_string(),
                    value: value.clone(),
                });
                None
            }
        }
    })
}

/// Whether the running attempt asked for a secret that has no entry yet.
pub(super) fn wants_entries() -> bool {
    JOURNAL.with(|j| !j.borrow().wanted.is_empty())
}

/// Before the next attempt: what it must find staged. Everything the rolled-back attempt
/// journaled is forgotten (it wrote nothing, and replaced nothing).
pub(super) fn next_attempt() -> Vec<Wanted> {
    JOURNAL.with(|j| {
        let mut j = j.borrow_mut();
        j.written.clear();
        j.retired.clear();
        for s in &mut j.staged {
            s.taken = false;
        }
        std::mem::take(&mut j.wanted)
    })
}

/// A wanted secret was written under `outcome` (or refused), for the next attempt.
pub(super) fn staged(w: Wanted, outcome: Result<String, ApiError>) {
    JOURNAL.with(|j| {
        j.borrow_mut().staged.push(Staged {
            key: w.key,
            value: w.value,
            outcome,
            taken: false,
        })
    });
}

/// Empties the journal: the entries to remove after the transaction `committed` or not.
pub(super) fn take(committed: bool) -> Vec<String> {
    JOURNAL.with(|j| {
        let j = std::mem::take(&mut *j.borrow_mut());
        let unused = j
            .staged
            .into_iter()
            .filter(|s| !s.taken)
            .filter_map(|s| s.outcome.ok());
        let settled = if committed { j.retired } else { j.written };
        settled.into_iter().chain(unused).collect()
    })
}
