//! Cooperative interruption of file changes.
//!
//! A front-end that catches SIGINT or SIGTERM calls [`request`]. From then on
//! no write starts, and a write under way is abandoned right before its
//! rename, so the file is left exactly as it was. The rename itself and the
//! check before it happen under one lock: an interrupt lands either before
//! the change (abandoned) or after it (the change stands, and so does its
//! success: the run finishes and reports it, even if the interrupt comes
//! once the write is over, so that no run says "no file was changed" about a
//! file it changed). This module installs no signal handler and never ends
//! the process; that is the front-end's job.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::error::Error;

#[derive(Default)]
struct State {
    requested: bool,
    writes_under_way: usize,
    /// A change has been committed (the rename, or a device write, ran):
    /// from then on an interrupt can no longer mean "nothing was changed".
    changed: bool,
}

static STATE: Mutex<State> = Mutex::new(State {
    requested: false,
    writes_under_way: 0,
    changed: false,
});

fn state() -> MutexGuard<'static, State> {
    // The state is two plain fields; a panic elsewhere cannot leave it torn.
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the caller of [`request`] should do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// No write is under way: the process may end now (exit 4).
    EndNow,
    /// A write is under way; it will be abandoned and fail with
    /// [`Error::Interrupted`], which the program reports as it ends.
    WriteWillAbandon,
    /// A file has already been changed: the change stands, and so does the
    /// run's success. Let the run finish (it is past its last write) and
    /// report what it did; ending it now would hide a change, or a generated
    /// password, that was made.
    ChangeMade,
}

/// Whether an interrupt has been asked for: a writer that waits (for a
/// FIFO's reader, say) looks here between tries.
pub(crate) fn requested() -> bool {
    state().requested
}

/// Asks every current and later write to stop without changing its file.
pub fn request() -> Disposition {
    let mut state = state();
    state.requested = true;
    if state.changed {
        Disposition::ChangeMade
    } else if state.writes_under_way == 0 {
        Disposition::EndNow
    } else {
        Disposition::WriteWillAbandon
    }
}

/// Marks a write as under way until dropped; refused once interrupted.
pub(crate) struct WriteUnderWay(());

impl WriteUnderWay {
    pub(crate) fn begin() -> Result<WriteUnderWay, Error> {
        let mut state = state();
        if state.requested {
            return Err(Error::Interrupted);
        }
        state.writes_under_way += 1;
        Ok(WriteUnderWay(()))
    }

    /// Runs `change` (the rename) unless an interrupt came first; the check
    /// and the change happen under the same lock as [`request`].
    pub(crate) fn commit<T>(&self, change: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
        let mut state = state();
        if state.requested {
            return Err(Error::Interrupted);
        }
        let result = change();
        // Even a failed change may have written something (a device written
        // in place can fail halfway); the run is ending either way, and must
        // report how, not "no file was changed".
        state.changed = true;
        drop(state);
        result
    }
}

impl Drop for WriteUnderWay {
    fn drop(&mut self) {
        state().writes_under_way -= 1;
    }
}
