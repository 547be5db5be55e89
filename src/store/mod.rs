//! Safe updates of an htpasswd file: lock, stream the old content into a
//! temporary file in the same directory, fsync, rename over the file; where
//! FILE cannot be renamed over, rewrite it in place from a recovery copy.
//!
//! The contract is cli.md "Files" and "Where users really keep the file";
//! it fixes Apache's defect D13 (no lock, truncate-then-copy, compat spec
//! §7.5 and §12).
//!
//! | part | job |
//! |---|---|
//! | this file (`store/mod.rs`) | the API ([`update`], [`read`]) and the order of the steps |
//! | `locate` | what is at FILE's path, symbolic links followed |
//! | `lock` | waiting for the lock: announced, bounded, interruptible |
//! | `replace` | the new version written beside FILE and renamed over it |
//! | `in_place` | FILE rewritten in place from a recovery copy, and repaired after a crash |
//! | `temp` | temporary files: their names, their writer, their cleanup |
//! | `device` | a FIFO or character device written through |
//! | `explain` | errors with what to do about them |
//!
//! What it must never do:
//!
//! - leave FILE truncated or half-written: a crash at any instant leaves the
//!   old file or the new one, because the new content only becomes FILE by
//!   `rename` after it is on disk. Where FILE cannot be renamed over (a bind
//!   mount, a read-only directory), the complete new content is on disk in
//!   a recovery copy before FILE's first byte is rewritten, and the next run
//!   that takes the lock finishes an interrupted rewrite from it;
//! - leave anything beside FILE: no lock file (FILE itself, or its directory
//!   while FILE is missing, is what gets locked), and the temporary file is
//!   removed on every error and on [`Outcome::Unchanged`]. One that a killed
//!   process could not remove (SIGKILL, a power cut) is removed by the next
//!   update of FILE, once its lock proves that no live writer owns it (see
//!   `temp::remove_stale`);
//! - replace a symbolic link (the link is followed, its target replaced), or
//!   change an existing file's mode or owner;
//! - lose a concurrent update: the exclusive lock is held from before the old
//!   content is read until after the new content has replaced it; nor wait
//!   forever for its own parent (`flock FILE htpasswd ...`, see
//!   `src/sys/unix.rs` for the kind of lock);
//! - hold a whole file in memory, or know what an htpasswd line is (that is
//!   [`crate::file`]'s job); errors name the path and the action, never the
//!   content;
//! - print anything: what the user should hear of while it works (a wait
//!   for the lock, an in-place rewrite, a repair) goes to the function given
//!   to [`configure`].
//!
//! Platform-specific calls live in `crate::sys` (`src/sys/`).

mod device;
mod explain;
mod in_place;
mod locate;
mod lock;
mod replace;
mod temp;

#[cfg(test)]
mod tests;

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use crate::error::Error;
use crate::interrupt::WriteUnderWay;
use crate::sys;

use explain::access;
use locate::Found;

/// Large buffers: a million-line file is a few hundred system calls.
const BUFFER_BYTES: usize = 64 * 1024;
/// What an update reads at a time. The editor copies unchanged lines as runs
/// of what was read, so a read larger than the write buffer makes most runs
/// go straight to the temporary file, never through that buffer.
const UPDATE_READ_BYTES: usize = 4 * BUFFER_BYTES;
/// Each retry means another process replaced FILE, i.e. made progress; the
/// cap only stops a pathological loop.
const MAX_LOCK_ATTEMPTS: usize = 1000;

/// What to do about FILE's existence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// FILE must exist: a missing FILE is [`Error::FileNotFound`].
    MustExist,
    /// A missing FILE is created; `edit` then gets no reader.
    CreateIfMissing,
    /// FILE must not exist: anything at its path is [`Error::FileExists`]
    /// (checked before `edit` runs, and again, atomically, at the rename).
    CreateNew,
    /// FILE's content is not read (`edit` gets no reader); FILE is replaced
    /// or created. The only mode that writes to a FIFO or character device.
    Overwrite,
}

/// Whether `edit` changed anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Replace FILE with what `edit` wrote.
    Changed,
    /// Discard what `edit` wrote: FILE keeps its inode and mtime.
    Unchanged,
}

/// What [`update`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Updated<T> {
    /// What `edit` returned.
    pub value: T,
    /// FILE did not exist and has been created.
    pub created: bool,
    /// FILE was written (false for [`Outcome::Unchanged`]).
    pub written: bool,
}

/// How long an update waits for the lock that another process holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockWait {
    /// Until it is free (or an interrupt is asked for): Apache's htpasswd
    /// users expect a run to finish, not to fail because another one ran.
    Forever,
    /// At most this long, then [`Error::LockTimeout`].
    AtMost(Duration),
}

/// Something an update does that the user should hear of, handed to the
/// function given to [`configure`] when it happens.
#[derive(Clone, Copy, Debug)]
pub enum Notice<'a> {
    /// Another process has held FILE's lock for about a second; the update
    /// goes on waiting (said once per update).
    Waiting { path: &'a Path },
    /// FILE cannot be replaced by a rename, so it is being rewritten in
    /// place; the complete new content is on disk at `recovery` until that
    /// is done.
    InPlace {
        path: &'a Path,
        why: InPlaceWhy,
        recovery: &'a Path,
    },
    /// A recovery copy that an interrupted in-place rewrite left has been
    /// written to FILE, completing that earlier change.
    Repaired { path: &'a Path, recovery: &'a Path },
}

/// Why FILE is rewritten in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InPlaceWhy {
    /// The rename over FILE was refused: FILE is a mount point (a
    /// single-file bind mount) or another program holds it open (Windows).
    CannotRename,
    /// FILE's directory does not let this user create a file in it, but
    /// FILE itself is writable.
    DirectoryNotWritable,
}

impl fmt::Display for Notice<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::Waiting { path } => write!(
                f,
                "waiting for the lock on {} held by another process...",
                path.display()
            ),
            Notice::InPlace {
                path,
                why: InPlaceWhy::CannotRename,
                recovery,
            } => write!(
                f,
                "{}: cannot be replaced by a rename (a bind mount, as Docker and Kubernetes \
                 make, or a file another program holds open), so it is rewritten in place; \
                 the new version is kept in {} until that is done",
                path.display(),
                recovery.display()
            ),
            Notice::InPlace {
                path,
                why: InPlaceWhy::DirectoryNotWritable,
                recovery,
            } => write!(
                f,
                "{}: its directory is not writable, so the file is rewritten in place; \
                 the new version is kept in {} until that is done",
                path.display(),
                recovery.display()
            ),
            Notice::Repaired { path, recovery } => write!(
                f,
                "{}: an earlier run was stopped while rewriting it in place; \
                 its recovery copy {} has been written back, completing that change",
                path.display(),
                recovery.display()
            ),
        }
    }
}

/// Process-wide settings of every later [`update`].
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub lock_wait: LockWait,
    /// Told of each [`Notice`] (a front-end prints it on stderr).
    pub notice: fn(&Notice<'_>),
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            lock_wait: LockWait::Forever,
            notice: |_| {},
        }
    }
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Sets how every later [`update`] waits for a lock and whom it tells what
/// it does. Only the first call takes effect; it returns whether this one
/// did. Without it: wait forever, tell nobody.
pub fn configure(settings: Settings) -> bool {
    SETTINGS.set(settings).is_ok()
}

fn settings() -> Settings {
    SETTINGS.get().copied().unwrap_or_default()
}

fn tell(notice: Notice<'_>) {
    (settings().notice)(&notice);
}

/// **Test hook**: a moment inside [`update`] at which the crash-safety tests
/// stop the process (tests/crash.rs, tests/mounts.rs), to kill or interrupt
/// it exactly there.
///
/// Nothing in a normal run observes phases: the library only calls the
/// function given to [`set_phase_observer`], and the `htpass` and `htpasswd`
/// programs install one only when the environment variable
/// `HTPASS_TEST_STOP_AT` names a phase (see `frontend::interrupt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// FILE (or, while it is missing, its directory) is locked, and the
    /// first bytes of the new content have reached the temporary file: it
    /// exists, half written (whole, for content under 64 KiB).
    Write,
    /// The new content is complete and on disk (fsynced, with FILE's mode):
    /// the last interrupt check and the rename come next. The last moment at
    /// which an interrupt still abandons the change.
    Rename,
    /// FILE is being rewritten in place: the recovery copy is on disk and
    /// the first block of FILE has been overwritten, the rest not yet. An
    /// interrupt no longer abandons the change (it is reported as made).
    Rewrite,
    /// FILE has been replaced or created (or, a device, written), the
    /// rename made durable, and the write is no longer under way: [`update`]
    /// is about to return success.
    Replaced,
}

impl Phase {
    /// The name `HTPASS_TEST_STOP_AT` uses: `write`, `rename`, `rewrite` or
    /// `replaced`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Write => "write",
            Phase::Rename => "rename",
            Phase::Rewrite => "rewrite",
            Phase::Replaced => "replaced",
        }
    }
}

static PHASE_OBSERVER: OnceLock<fn(Phase)> = OnceLock::new();

/// **Test hook**: calls `observer` at each [`Phase`] of every later
/// [`update`], on the thread running it. Only the first call takes effect;
/// it returns whether this one did.
pub fn set_phase_observer(observer: fn(Phase)) -> bool {
    PHASE_OBSERVER.set(observer).is_ok()
}

fn reached(phase: Phase) {
    if let Some(observer) = PHASE_OBSERVER.get() {
        observer(phase);
    }
}

/// The function that streams FILE's old content into its new content.
pub trait Edit<T>:
    FnOnce(Option<&mut dyn BufRead>, &mut dyn Write) -> Result<(Outcome, T), Error>
{
}

impl<T, F> Edit<T> for F where
    F: FnOnce(Option<&mut dyn BufRead>, &mut dyn Write) -> Result<(Outcome, T), Error>
{
}

/// Runs a read-modify-write of `path` under an exclusive lock.
///
/// `edit` streams the old content (`None` when FILE is missing or, with
/// [`OpenMode::Overwrite`], not read) into the writer. On
/// [`Outcome::Changed`] the new content replaces FILE atomically; on
/// [`Outcome::Unchanged`] or on any error (`edit`'s included) FILE is left
/// untouched and nothing is left beside it.
///
/// - Another process's lock is waited for as [`configure`] says (forever by
///   default), the wait announced after about a second; an interrupt ends
///   it with [`Error::Interrupted`].
/// - A symbolic link is followed (relative targets against the link's
///   directory) and its final target replaced; the link stays. A dangling
///   link in a create mode creates its target.
/// - An existing file keeps its mode, owner and group. If this user cannot
///   give the new file the old owner or group (not root, not the owner, or
///   not a member of the group), the update is refused rather than silently
///   changing who may read the file.
/// - A new file gets 0666 minus the umask, as Apache's does.
/// - Where FILE cannot be renamed over (a single-file bind mount, a
///   read-only directory holding a writable file), it is rewritten in
///   place from a recovery copy (see `store/in_place.rs`); inode, mode, owner and
///   hard links are kept then.
/// - Temporary files that killed runs left beside FILE (`.NAME.htpass-*.tmp`)
///   are removed once the lock is held, when no live writer can own one;
///   a recovery copy that a killed in-place rewrite left is written back.
/// - A FIFO or character device (`/dev/stdout`) cannot be renamed over; with
///   [`OpenMode::Overwrite`] it is written in place, and opened only once
///   `edit` has succeeded. Other modes refuse it, since its "old content"
///   cannot be read back.
/// - The only errors after which FILE may have changed are a failed fsync
///   of the directory after the rename (the change is made, but a crash
///   could still undo it; `FileAccess` with action "sync the directory
///   of"), and a failed in-place rewrite, whose message names the recovery
///   copy that the next run writes back.
pub fn update<T>(path: &Path, mode: OpenMode, edit: impl Edit<T>) -> Result<Updated<T>, Error> {
    let write = WriteUnderWay::begin()?;
    let updated = lock_and_update(path, mode, &write, edit);
    drop(write);
    if matches!(updated, Ok(Updated { written: true, .. })) {
        reached(Phase::Replaced);
    }
    updated
}

/// [`update`] once the write is under way.
fn lock_and_update<T>(
    path: &Path,
    mode: OpenMode,
    write: &WriteUnderWay,
    edit: impl Edit<T>,
) -> Result<Updated<T>, Error> {
    for _ in 0..MAX_LOCK_ATTEMPTS {
        match locate::inspect(path)? {
            Found::Directory => return Err(explain::is_a_directory(path)),
            Found::Unsupported(what) => return Err(explain::unsupported(path, what)),
            Found::Special => {
                return match mode {
                    OpenMode::Overwrite => device::write_through(path, write, edit),
                    OpenMode::CreateNew => Err(Error::FileExists {
                        path: path.to_path_buf(),
                    }),
                    OpenMode::MustExist | OpenMode::CreateIfMissing => {
                        Err(explain::special_not_updatable(path))
                    }
                };
            }
            Found::Regular { target } => {
                if mode == OpenMode::CreateNew {
                    return Err(Error::FileExists {
                        path: path.to_path_buf(),
                    });
                }
                // Read and write, as Apache requires (compat §7.1): a file
                // its owner made read-only is not replaced behind their back.
                let file = match File::options().read(true).write(true).open(&target) {
                    Ok(file) => file,
                    // Removed since we looked: look again.
                    Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                    Err(error) => {
                        return Err(access(
                            path,
                            "open for reading and writing",
                            explain::not_writable(error),
                        ));
                    }
                };
                lock::acquire(path, &file, lock::Held::File)?;
                // The previous holder may have renamed a new file over the
                // one we locked; then our lock guards nothing.
                if !locate::still_names(path, &target, &file)? {
                    continue;
                }
                temp::remove_stale(&target);
                in_place::repair(path, &target, &file)?;
                return replace::replace(path, &target, &file, mode, write, edit);
            }
            Found::Missing { target } => {
                if mode == OpenMode::MustExist {
                    return Err(Error::FileNotFound {
                        path: path.to_path_buf(),
                    });
                }
                // There is no FILE to lock yet, and a lock file would be left
                // beside it: lock the directory that will hold it.
                let directory = sys::open_directory(locate::parent_dir(&target))
                    .map_err(|error| explain::cannot_create(path, error))?;
                lock::acquire(path, &directory, lock::Held::Directory)?;
                match locate::inspect(path)? {
                    Found::Missing { target: now } if now == target => {}
                    // Created (or re-linked) while we waited: start over.
                    _ => continue,
                }
                temp::remove_stale(&target);
                let updated = replace::create(path, &target, &directory, mode, write, edit);
                // The lock is released when `directory` is closed, after the
                // rename and the directory's fsync.
                drop(directory);
                return updated;
            }
        }
    }
    Err(access(
        path,
        "lock",
        io::Error::other(format!(
            "the file was replaced {MAX_LOCK_ATTEMPTS} times while waiting for its lock; try again"
        )),
    ))
}

/// Streams an existing file for reading (verify, list, check).
///
/// No lock is taken: writers never change a regular file in place, they
/// rename a complete new one over it, so a reader sees either version whole
/// (except while FILE is rewritten in place, where it cannot be renamed
/// over). A FIFO can be read (`htpass verify <(…)`); a directory is an error.
pub fn read<T>(
    path: &Path,
    f: impl FnOnce(&mut dyn BufRead) -> Result<T, Error>,
) -> Result<T, Error> {
    read_file(path, |reader| f(reader))
}

/// [`read`], handing over the file's own reader, for a caller that reads a
/// regular file more than once (`check` seeks back to find duplicates in
/// flat memory) or asks what the file is.
pub fn read_file<T>(
    path: &Path,
    f: impl FnOnce(&mut BufReader<File>) -> Result<T, Error>,
) -> Result<T, Error> {
    let file = File::open(path).map_err(|error| explain::cannot_read(path, error))?;
    let metadata = file
        .metadata()
        .map_err(|error| access(path, "open for reading", error))?;
    if metadata.is_dir() {
        return Err(explain::is_a_directory(path));
    }
    let mut reader = BufReader::with_capacity(BUFFER_BYTES, file);
    f(&mut reader)
}
