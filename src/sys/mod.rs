//! The per-platform part of the library: file locks, file identity, modes
//! and owners, the errors that mean "this file cannot be renamed over", and
//! FIFOs. One file per platform (`unix.rs` or `windows.rs`), each behind the
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
//! | `try_lock_missing`, `lock_missing` | the lock that creators of a missing FILE take instead, held by the handle they return |
//! | `sync_directory` | make a rename in a directory durable, where the platform can |
//! | `kind` | a regular file, a directory, or something written in place or refused |
//! | `same_file`, `file_id` | whether a path still names a locked file; a stable name for it |
//! | `keep_owner`, `keep_mode`, `new_file_permissions` | an existing file keeps its owner and mode (Windows: its attributes); a new one gets 0666 minus the umask |
//! | `name_bytes`, `name_from_bytes` | file names as bytes |
//! | `open_writer_if_read` | a FIFO opened for writing only once it has a reader |
//! | `advise_written` | hint the kernel to write back what was written |
//! | `cannot_rename_over`, `is_not_permitted`, `is_symlink_loop` | what an OS error means for the store |
//!
//! The new version replaces FILE through `std::fs::rename` on every
//! platform: rename(2) on Unix; on Windows `MoveFileExW`, and where that is
//! refused because FILE is open (the writer's own locked handle, opened with
//! `FILE_SHARE_DELETE` as std opens every file), a rename with POSIX
//! semantics (Windows 10 1809 and later, NTFS), which replaces it all the
//! same; where neither can, the store rewrites FILE in place (see
//! `windows.rs`).

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(crate) use unix::*;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub(crate) use windows::*;

/// What is at a path, as far as the store cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Regular,
    Directory,
    /// A FIFO or character device: written in place, never renamed over.
    Special,
    /// Something that is never an htpasswd file (a block device, a socket).
    #[cfg_attr(windows, allow(dead_code, reason = "Windows has neither"))]
    Unsupported(&'static str),
}
