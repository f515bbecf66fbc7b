//! Connection tests and OAuth connects run under a name the UI chooses, so that `cancel_test`
//! can stop them at once; this module owns that registry of running work.

use mailbox_admin_core::probe::CancellationToken;
use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Mutex, MutexGuard};

/// The cancellation tokens of the runs in progress, by the UI's run id.
#[derive(Default)]
pub struct Running(Mutex<HashMap<String, CancellationToken>>);

impl Running {
    fn runs(&self) -> MutexGuard<'_, HashMap<String, CancellationToken>> {
        // A panic elsewhere must not stop every later test from being cancelled.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers run `id`; it stays cancellable until the returned guard is dropped.
    pub fn start<'a>(&'a self, id: &'a str) -> Run<'a> {
        let token = CancellationToken::new();
        self.runs().insert(id.to_string(), token.clone());
        Run {
            running: self,
            id,
            token,
        }
    }

    /// Stops run `id` (its running step ends as cancelled); false if it is not running.
    pub fn cancel(&self, id: &str) -> bool {
        let token = self.runs().get(id).cloned();
        token.map(|t| t.cancel()).is_some()
    }
}

/// A run in progress: its token, given to the core; dropping it ends the registration, however
/// the run ends.
pub struct Run<'a> {
    running: &'a Running,
    id: &'a str,
    token: CancellationToken,
}

impl Deref for Run<'_> {
    type Target = CancellationToken;
    fn deref(&self) -> &CancellationToken {
        &self.token
    }
}

impl Drop for Run<'_> {
    fn drop(&mut self) {
        self.running.runs().remove(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::Running;

    #[test]
    fn a_run_is_cancellable_until_its_guard_is_dropped() {
        let running = Running::default();
        let run = running.start("r1");
        assert!(running.cancel("r1"));
        assert!(run.is_cancelled());
        drop(run);
        assert!(!running.cancel("r1"));
        assert!(!running.cancel("other"));
    }
}
