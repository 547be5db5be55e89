//! The per-platform part of the library: file locks, file identity, modes
//! and owners, the errors that mean "this file cannot be renamed over", and
//! FIFOs. One file per platform ([`unix`](self) or `windows`), each behind the
//! same small set of functions; nothing else in the library says
//! `cfg(unix)` or `cfg(windows)`.
//!
//! What it must never do: decide anything about htpasswd files or about
//! what to do when a call fails (that is [`crate::store`]'s job), or use
//! `unsafe` (the crate forbids it; a lock the standard library cannot take
//! comes from a crate that wraps the system call safely).
//!
//! The functions, on every platform:
//!
//! | function | what it does |
//! |---|---|
//! | `try_lock_file`, `lock_file` | the exclusive lock on FILE that htpass writers take (see each platform for why that kind) |
//! | `open_directory`, `try_lock_directory`, `lock_directory` | the lock on FILE's directory while FILE is missing |
//! | `kind` | a regular file, a directory, or something written in place or refused |
//! | `same_file`, `file_id` | whether two handles name one file; a stable name for it |
//! | `keep_owner`, `keep_mode`, `new_file_permissions` | an existing file keeps its owner and mode; a new one gets 0666 minus the umask |
//! | `name_bytes`, `name_from_bytes` | file names as bytes |
//! | `open_writer_if_read` | a FIFO opened for writing only once it has a reader |
//! | `advise_written` | hint the kernel to write back what was written |
//! | `cannot_rename_over`, `is_not_permitted` | what an OS error means for the store |

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(crate) use unix::*;

/// What is at a path, as far as the store cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Regular,
    Directory,
    /// A FIFO or character device: written in place, never renamed over.
    Special,
    /// Something that is never an htpasswd file (a block device, a socket).
    Unsupported(&'static str),
}
