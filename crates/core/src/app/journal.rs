//! The keyring side of the open write transaction: entries written by it (removed if it
//! rolls back) and entries it replaced (removed once it commits). A write transaction runs
//! its closure synchronously on one thread, so the journal is thread-local: two
//! transactions on two threads never see each other's entries.

use std::cell::RefCell;

#[derive(Default)]
struct Journal {
    written: Vec<String>,
    retired: Vec<String>,
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

/// Empties the journal: (written, retired).
pub(super) fn take() -> (Vec<String>, Vec<String>) {
    JOURNAL.with(|j| {
        let j = std::mem::take(&mut *j.borrow_mut());
        (j.written, j.retired)
    })
}
