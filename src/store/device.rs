//! FILE is a FIFO or character device (`htpasswd -cb /dev/stdout u p`): it
//! cannot be renamed over, so [`super::OpenMode::Overwrite`] writes through
//! it.
//!
//! What it must never do: open a FIFO before the content is ready (a
//! reader would see half a file on a failure), or wait for a FIFO's reader
//! in a way that SIGINT and SIGTERM cannot end.

use std::path::Path;
use std::time::Duration;

use crate::error::Error;
use crate::interrupt::{self, WriteUnderWay};
use crate::sys;

use super::explain::access;
use super::replace::stream;
use super::{Edit, Outcome, Updated};

/// How often a writer waiting for a FIFO's reader looks for an interrupt.
const READER_POLL: Duration = Duration::from_millis(20);

/// Opened only when `edit` has succeeded (the content is buffered until
/// then, unless it outgrows the buffer), so a failure usually leaves it
/// unopened; a reader of a FIFO then sees nothing rather than half a file.
pub(super) fn write_through<T>(
    path: &Path,
    write: &WriteUnderWay,
    edit: impl Edit<T>,
) -> Result<Updated<T>, Error> {
    // Opened before the interrupt lock is taken: opening a FIFO waits for a
    // reader, and a wait under the lock would keep SIGINT and SIGTERM out.
    let device = open_for_writing(path)?;
    // A device cannot be written atomically: the last check comes before the
    // first byte, and once bytes flow the write completes.
    let (outcome, value) = write.commit(|| stream(device, path, |writer| edit(None, writer)))?;
    Ok(Updated {
        value,
        created: false,
        written: outcome == Outcome::Changed,
    })
}

/// Opens a FIFO or character device for writing, waiting for a FIFO's
/// reader as `open` would, but interruptibly.
fn open_for_writing(path: &Path) -> Result<std::fs::File, Error> {
    loop {
        match sys::open_writer_if_read(path) {
            Ok(Some(device)) => return Ok(device),
            Ok(None) => {
                if interrupt::requested() {
                    return Err(Error::Interrupted);
                }
                std::thread::sleep(READER_POLL);
            }
            Err(error) => return Err(access(path, "open for writing", error)),
        }
    }
}
