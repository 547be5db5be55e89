//! Waiting for the lock on FILE (or on its directory while FILE is
//! missing): at once when it is free; otherwise announced after about a
//! second, bounded by [`LockWait`](super::LockWait), ended by an interrupt.
//!
//! The wait itself is the kernel's: a thread blocks in the lock call, so
//! the lock is taken the moment its holder lets go (no polling delay, and
//! waiters are served as the kernel queues them), while the calling thread
//! watches the clock and [`crate::interrupt`]. For FILE's lock that thread
//! locks a clone of the caller's handle, i.e. the same open file: the lock
//! it takes is the caller's. For a missing FILE it opens the handle that
//! holds the lock and hands it over. If the caller gives up first, the
//! thread's lock (if it ever comes) is dropped with the thread's handle.
//! (Where the platform has no blocking call for a lock, `crate::sys` polls
//! in that thread.)
//!
//! What it must never do: take a lock the caller does not hold afterwards,
//! or wait without a way out (a signal, `--wait`).

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::interrupt;
use crate::sys;

use super::explain::{self, access};
use super::{LockWait, Notice, settings, tell};

/// How long a wait goes unannounced.
const ANNOUNCE_AFTER: Duration = Duration::from_secs(1);
/// How often a waiting caller looks for an interrupt.
const POLL: Duration = Duration::from_millis(20);

/// Takes FILE's own lock, the one htpass writers exclude each other with,
/// on `file` (FILE opened), waiting as configured.
pub(super) fn acquire(path: &Path, file: &File) -> Result<(), Error> {
    let failed = |error| access(path, "lock", error);
    if sys::try_lock_file(file).map_err(failed)? {
        return Ok(());
    }
    let waiter = file.try_clone().map_err(failed)?;
    // The caller may give up; then `waiter` closes with the thread and
    // takes the lock with it once the caller's handle is closed too.
    wait(path, "lock", move || sys::lock_file(&waiter))
}

/// Takes the lock that creators of the missing FILE (`target`) take,
/// waiting as configured; the handle returned holds it until closed.
pub(super) fn acquire_missing(path: &Path, target: &Path) -> Result<File, Error> {
    const ACTION: &str = "lock the directory of";
    if let Some(held) =
        sys::try_lock_missing(target).map_err(|error| explain::cannot_create(path, error))?
    {
        return Ok(held);
    }
    let target = target.to_path_buf();
    // The caller may give up; then the handle the thread gets is closed
    // when the answer finds no one to take it, and the lock goes with it.
    wait(path, ACTION, move || sys::lock_missing(&target))
}

/// Runs `lock` (a call that blocks until the lock is granted) on a thread
/// while this one announces the wait, bounds it and watches for an
/// interrupt.
fn wait<T: Send + 'static>(
    path: &Path,
    action: &'static str,
    lock: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> Result<T, Error> {
    let limit = match settings().lock_wait {
        LockWait::Forever => None,
        LockWait::AtMost(limit) => Some(limit),
    };
    if limit == Some(Duration::ZERO) {
        return Err(timeout(path, Duration::ZERO));
    }
    let (granted, grant) = mpsc::channel();
    thread::spawn(move || {
        // Nobody may be left to receive it: then it is dropped here.
        let _ = granted.send(lock());
    });
    let started = Instant::now();
    let mut announced = false;
    loop {
        match grant.recv_timeout(POLL) {
            Ok(result) => return result.map_err(|error| access(path, action, error)),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Err(access(
                    path,
                    action,
                    io::Error::other("the waiting thread ended"),
                ));
            }
        }
        if interrupt::requested() {
            return Err(Error::Interrupted);
        }
        let waited = started.elapsed();
        if let Some(limit) = limit
            && waited >= limit
        {
            return Err(timeout(path, limit));
        }
        if !announced && waited >= ANNOUNCE_AFTER {
            announced = true;
            tell(Notice::Waiting { path });
        }
    }
}

fn timeout(path: &Path, waited: Duration) -> Error {
    Error::LockTimeout {
        path: path.to_path_buf(),
        seconds: waited.as_secs_f64(),
    }
}
