//! Waiting for the lock on FILE (or on its directory while FILE is
//! missing): at once when it is free; otherwise announced after about a
//! second, bounded by [`LockWait`](super::LockWait), ended by an interrupt.
//!
//! The wait itself is the kernel's: a thread blocks in the lock call, so
//! the lock is taken the moment its holder lets go (no polling delay, and
//! waiters are served as the kernel queues them), while the calling thread
//! watches the clock and [`crate::interrupt`]. That thread locks a clone of
//! the caller's handle, i.e. the same open file: the lock it takes is the
//! caller's. If the caller gives up first, the thread's lock (if it ever
//! comes) is dropped with the thread's handle once the caller's is gone.
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

use super::explain::access;
use super::{LockWait, Notice, settings, tell};

/// How long a wait goes unannounced.
const ANNOUNCE_AFTER: Duration = Duration::from_secs(1);
/// How often a waiting caller looks for an interrupt.
const POLL: Duration = Duration::from_millis(20);

/// Which lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Held {
    /// FILE's own, the one htpass writers exclude each other with.
    File,
    /// FILE's directory's, while FILE is missing.
    Directory,
}

impl Held {
    fn try_lock(self, file: &File) -> io::Result<bool> {
        match self {
            Held::File => sys::try_lock_file(file),
            Held::Directory => sys::try_lock_directory(file),
        }
    }

    fn lock(self, file: &File) -> io::Result<()> {
        match self {
            Held::File => sys::lock_file(file),
            Held::Directory => sys::lock_directory(file),
        }
    }

    fn action(self) -> &'static str {
        match self {
            Held::File => "lock",
            Held::Directory => "lock the directory of",
        }
    }
}

/// Takes the `held` lock on `file` (FILE, or its directory), waiting as
/// configured.
pub(super) fn acquire(path: &Path, file: &File, held: Held) -> Result<(), Error> {
    let failed = |error| access(path, held.action(), error);
    if held.try_lock(file).map_err(failed)? {
        return Ok(());
    }
    let limit = match settings().lock_wait {
        LockWait::Forever => None,
        LockWait::AtMost(limit) => Some(limit),
    };
    if limit == Some(Duration::ZERO) {
        return Err(timeout(path, Duration::ZERO));
    }
    let waiter = file.try_clone().map_err(failed)?;
    let (granted, grant) = mpsc::channel();
    thread::spawn(move || {
        let result = held.lock(&waiter);
        // The caller may have given up; then `waiter` closes here and
        // takes the lock with it once the caller's handle is closed too.
        let _ = granted.send(result);
    });
    let started = Instant::now();
    let mut announced = false;
    loop {
        match grant.recv_timeout(POLL) {
            Ok(result) => return result.map_err(failed),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Err(failed(io::Error::other("the waiting thread ended")));
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
