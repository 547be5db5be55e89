//! Safe updates of an htpasswd file: lock, stream the old content into a
//! temporary file in the same directory, fsync, rename over the file.
//!
//! The contract is cli.md "Files"; it fixes Apache's defect D13 (no lock,
//! truncate-then-copy, compat spec §7.5 and §12).
//!
//! What it must never do:
//!
//! - leave FILE truncated or half-written: a crash at any instant leaves the
//!   old file or the new one, because the new content only becomes FILE by
//!   `rename` after it is on disk;
//! - leave anything beside FILE: no lock file (FILE itself, or its directory
//!   while FILE is missing, is what gets locked), and the temporary file is
//!   removed on every error and on [`Outcome::Unchanged`]. One that a killed
//!   process could not remove (SIGKILL, a power cut) is removed by the next
//!   update of FILE, once its lock proves that no live writer owns it (see
//!   `remove_stale_temps`);
//! - replace a symbolic link (the link is followed, its target replaced), or
//!   change an existing file's mode or owner;
//! - lose a concurrent update: the exclusive lock is held from before the old
//!   content is read until after the new content has replaced it;
//! - hold a whole file in memory, or know what an htpasswd line is (that is
//!   [`crate::file`]'s job); errors name the path and the action, never the
//!   content.

use std::ffi::OsString;
use std::fs::{self, File, Metadata, OpenOptions, Permissions};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::num::NonZeroU64;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt, fchown};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rustix::fs::{Advice, fadvise};
use tempfile::NamedTempFile;

use crate::interrupt::{self, WriteUnderWay};

use crate::error::Error;

/// Large buffers: a million-line file is a few hundred system calls.
const BUFFER_BYTES: usize = 64 * 1024;
/// What an update reads at a time. The editor copies unchanged lines as runs
/// of what was read, so a read larger than the write buffer makes most runs
/// go straight to the temporary file, never through that buffer.
const UPDATE_READ_BYTES: usize = 4 * BUFFER_BYTES;
/// Linux's own limit on symbolic links followed in one path (`MAXSYMLINKS`).
const MAX_SYMLINKS: usize = 40;
/// Each retry means another process replaced FILE, i.e. made progress; the
/// cap only stops a pathological loop.
const MAX_LOCK_ATTEMPTS: usize = 1000;
/// Temporary files are named `.NAME.htpass-RANDOM.tmp`, NAME being FILE's
/// name: a file left by a crash shows whose it was, and the next update can
/// tell it from anything else (see [`remove_stale_temps`]).
const TEMP_MARKER: &[u8] = b".htpass-";
/// The marker when NAME had to be cut short to fit `NAME_MAX`. Such a
/// temporary file is never removed by a later run: a cut NAME no longer says
/// whose it is. The marker has the same length as [`TEMP_MARKER`], so no cut
/// name can pass for an uncut one (see [`is_temp_of`]).
const TEMP_MARKER_CUT: &[u8] = b".htpass~";
const TEMP_SUFFIX: &[u8] = b".tmp";
/// Letters and digits, as `tempfile` draws them; always this many, which is
/// what makes a temporary file's name say exactly whose it is.
const TEMP_RANDOM_BYTES: usize = 10;
/// Linux's limit on one file name (`NAME_MAX`) on every file system it mounts
/// read-write for htpasswd files.
const NAME_MAX: usize = 255;
/// The longest NAME a temporary file's name repeats whole.
const TEMP_NAME_BYTES: usize =
    NAME_MAX - 1 - TEMP_MARKER.len() - TEMP_RANDOM_BYTES - TEMP_SUFFIX.len();

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

/// **Test hook**: a moment inside [`update`] at which the crash-safety tests
/// stop the process (tests/crash.rs), to kill or interrupt it exactly there.
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
    /// FILE has been replaced or created (or, a device, written), the
    /// rename made durable, and the write is no longer under way: [`update`]
    /// is about to return success.
    Replaced,
}

impl Phase {
    /// The name `HTPASS_TEST_STOP_AT` uses: `write`, `rename` or `replaced`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Write => "write",
            Phase::Rename => "rename",
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

/// Runs a read-modify-write of `path` under an exclusive lock.
///
/// `edit` streams the old content (`None` when FILE is missing or, with
/// [`OpenMode::Overwrite`], not read) into the writer. On
/// [`Outcome::Changed`] the new content replaces FILE atomically; on
/// [`Outcome::Unchanged`] or on any error (`edit`'s included) FILE is left
/// untouched and nothing is left beside it.
///
/// - A symbolic link is followed (relative targets against the link's
///   directory) and its final target replaced; the link stays. A dangling
///   link in a create mode creates its target.
/// - An existing file keeps its mode, owner and group. If this user cannot
///   give the new file the old owner or group (not root, not the owner, or
///   not a member of the group), the update is refused rather than silently
///   changing who may read the file.
/// - A new file gets 0666 minus the umask, as Apache's does.
/// - Temporary files that killed runs left beside FILE (`.NAME.htpass-*.tmp`)
///   are removed once the lock is held, when no live writer can own one.
/// - A FIFO or character device (`/dev/stdout`) cannot be renamed over; with
///   [`OpenMode::Overwrite`] it is written in place, and opened only once
///   `edit` has succeeded. Other modes refuse it, since its "old content"
///   cannot be read back.
/// - The only error after which FILE may have changed is a failed fsync of
///   the directory after the rename (the change is made, but a crash could
///   still undo it); it is reported as `FileAccess` with action
///   "sync the directory of".
pub fn update<T>(
    path: &Path,
    mode: OpenMode,
    edit: impl FnOnce(Option<&mut dyn BufRead>, &mut dyn Write) -> Result<(Outcome, T), Error>,
) -> Result<Updated<T>, Error> {
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
    edit: impl FnOnce(Option<&mut dyn BufRead>, &mut dyn Write) -> Result<(Outcome, T), Error>,
) -> Result<Updated<T>, Error> {
    for _ in 0..MAX_LOCK_ATTEMPTS {
        match inspect(path)? {
            Found::Directory => return Err(is_a_directory(path)),
            Found::Unsupported(what) => return Err(unsupported(path, what)),
            Found::Special => {
                return match mode {
                    OpenMode::Overwrite => write_in_place(path, write, edit),
                    OpenMode::CreateNew => Err(Error::FileExists {
                        path: path.to_path_buf(),
                    }),
                    OpenMode::MustExist | OpenMode::CreateIfMissing => Err(access(
                        path,
                        "open for reading and writing",
                        io::Error::new(
                            io::ErrorKind::InvalidInput,
                            "not a regular file, so there is nothing to update; \
                             only replacing it (create --force, htpasswd -c) writes to it",
                        ),
                    )),
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
                let file = match OpenOptions::new().read(true).write(true).open(&target) {
                    Ok(file) => file,
                    // Removed since we looked: look again.
                    Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                    Err(error) => {
                        return Err(access(
                            path,
                            "open for reading and writing",
                            explain_not_writable(error),
                        ));
                    }
                };
                file.lock().map_err(|error| access(path, "lock", error))?;
                // The previous holder may have renamed a new file over the
                // one we locked; then our lock guards nothing.
                if !still_names(path, &target, &file)? {
                    continue;
                }
                remove_stale_temps(&target);
                return replace(path, &target, &file, mode, write, edit);
            }
            Found::Missing { target } => {
                if mode == OpenMode::MustExist {
                    return Err(Error::FileNotFound {
                        path: path.to_path_buf(),
                    });
                }
                // There is no FILE to lock yet, and a lock file would be left
                // beside it: lock the directory that will hold it.
                let directory = File::open(parent_dir(&target))
                    .map_err(|error| access(path, "create", error))?;
                directory
                    .lock()
                    .map_err(|error| access(path, "lock the directory of", error))?;
                match inspect(path)? {
                    Found::Missing { target: now } if now == target => {}
                    // Created (or re-linked) while we waited: start over.
                    _ => continue,
                }
                remove_stale_temps(&target);
                let updated = create(path, &target, &directory, mode, write, edit);
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
/// rename a complete new one over it, so a reader sees either version whole.
/// A FIFO can be read (`htpass verify <(…)`); a directory is an error.
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
    let file = File::open(path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => Error::FileNotFound {
            path: path.to_path_buf(),
        },
        _ => access(path, "open for reading", error),
    })?;
    let metadata = file
        .metadata()
        .map_err(|error| access(path, "open for reading", error))?;
    if metadata.is_dir() {
        return Err(is_a_directory(path));
    }
    let mut reader = BufReader::with_capacity(BUFFER_BYTES, file);
    f(&mut reader)
}

/// What is at FILE's path, symbolic links followed.
enum Found {
    /// A regular file; `target` is the path with every symbolic link resolved.
    Regular {
        target: PathBuf,
    },
    /// Nothing; `target` is where a new file goes (a dangling link's target).
    Missing {
        target: PathBuf,
    },
    /// A FIFO or character device, written in place through the path as
    /// given (`/dev/stdout` → `/proc/self/fd/1` → `pipe:[…]` cannot be
    /// resolved by name, only opened).
    Special,
    Directory,
    /// A block device or socket: never an htpasswd file.
    Unsupported(&'static str),
}

fn inspect(path: &Path) -> Result<Found, Error> {
    match fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => Ok(Found::Regular {
            target: resolve(path)?,
        }),
        Ok(metadata) if metadata.is_dir() => Ok(Found::Directory),
        Ok(metadata) => {
            let kind = metadata.file_type();
            if kind.is_fifo() || kind.is_char_device() {
                Ok(Found::Special)
            } else if kind.is_block_device() {
                Ok(Found::Unsupported("a block device"))
            } else if kind.is_socket() {
                Ok(Found::Unsupported("a socket"))
            } else {
                Ok(Found::Unsupported("neither a file nor a directory"))
            }
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Found::Missing {
            target: resolve(path)?,
        }),
        Err(error) => Err(access(path, "open", error)),
    }
}

/// Follows symbolic links in the last component until it names a
/// non-link or nothing. Links in directory components need no care: the
/// temporary file only has to be in the same directory as the target,
/// whatever path leads there.
fn resolve(path: &Path) -> Result<PathBuf, Error> {
    let mut current = path.to_path_buf();
    for _ in 0..=MAX_SYMLINKS {
        match fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link = fs::read_link(&current)
                    .map_err(|error| access(path, "follow the symbolic link", error))?;
                current = if link.is_absolute() {
                    link
                } else {
                    parent_dir(&current).join(link)
                };
            }
            Ok(_) => return Ok(current),
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(error) => return Err(access(path, "follow the symbolic link", error)),
        }
    }
    Err(access(
        path,
        "follow the symbolic link",
        io::Error::other(format!(
            "more than {MAX_SYMLINKS} levels of symbolic links; check the links for a loop"
        )),
    ))
}

/// The directory holding `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Whether `path` still leads to the inode `locked` refers to.
fn still_names(path: &Path, target: &Path, locked: &File) -> Result<bool, Error> {
    let locked = locked
        .metadata()
        .map_err(|error| access(path, "lock", error))?;
    if resolve(path)? != target {
        return Ok(false);
    }
    match fs::metadata(target) {
        Ok(now) => Ok(now.dev() == locked.dev() && now.ino() == locked.ino()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(access(path, "lock", error)),
    }
}

/// FILE exists and is locked: stream it through `edit` into a temporary
/// file, then rename that over `target`.
fn replace<T>(
    path: &Path,
    target: &Path,
    locked: &File,
    mode: OpenMode,
    write: &WriteUnderWay,
    edit: impl FnOnce(Option<&mut dyn BufRead>, &mut dyn Write) -> Result<(Outcome, T), Error>,
) -> Result<Updated<T>, Error> {
    let original = locked
        .metadata()
        .map_err(|error| access(path, "read", error))?;
    // Mode 0600 while being written; it gets FILE's mode just before the rename.
    let mut temp = temp_file(path, target, None)?;
    let mut reader = match mode {
        OpenMode::Overwrite => None,
        _ => Some(BufReader::with_capacity(UPDATE_READ_BYTES, locked)),
    };
    let (outcome, value) = stream(TempWriter::new(temp.as_file_mut()), path, |writer| {
        edit(
            reader.as_mut().map(|reader| reader as &mut dyn BufRead),
            writer,
        )
    })
    .map_err(explain_full)?;
    if outcome == Outcome::Unchanged {
        discard(temp);
        return Ok(Updated {
            value,
            created: false,
            written: false,
        });
    }
    keep_owner_and_mode(path, temp.as_file(), &original)?;
    commit(path, temp, target, Rename::Replace, write)?;
    sync_dir(path, parent_dir(target))?;
    Ok(Updated {
        value,
        created: false,
        written: true,
    })
}

/// FILE is missing and its directory is locked: write the new file.
fn create<T>(
    path: &Path,
    target: &Path,
    directory: &File,
    mode: OpenMode,
    write: &WriteUnderWay,
    edit: impl FnOnce(Option<&mut dyn BufRead>, &mut dyn Write) -> Result<(Outcome, T), Error>,
) -> Result<Updated<T>, Error> {
    // 0666 through open(), so the umask applies exactly as for Apache's
    // new files; the mode is never changed afterwards.
    let mut temp = temp_file(path, target, Some(Permissions::from_mode(0o666)))?;
    let (outcome, value) = stream(TempWriter::new(temp.as_file_mut()), path, |writer| {
        edit(None, writer)
    })
    .map_err(explain_full)?;
    if outcome == Outcome::Unchanged {
        discard(temp);
        return Ok(Updated {
            value,
            created: false,
            written: false,
        });
    }
    // Every htpass process locks the directory before creating FILE; a
    // program that does not could still have created it meanwhile, and its
    // content must not be lost without being read.
    let rename = match mode {
        OpenMode::Overwrite => Rename::Replace,
        _ => Rename::NoClobber,
    };
    match commit(path, temp, target, rename, write) {
        Err(Error::FileAccess { source, .. })
            if source.kind() == io::ErrorKind::AlreadyExists && mode == OpenMode::CreateNew =>
        {
            return Err(Error::FileExists {
                path: path.to_path_buf(),
            });
        }
        Err(Error::FileAccess { source, .. }) if source.kind() == io::ErrorKind::AlreadyExists => {
            return Err(access(
                path,
                "create",
                io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "another program created the file at the same time; nothing was written, try again",
                ),
            ));
        }
        other => other?,
    }
    sync_dir_handle(path, directory)?;
    Ok(Updated {
        value,
        created: true,
        written: true,
    })
}

/// FILE is a FIFO or character device: write through it. Opened only when
/// `edit` has succeeded (the content is buffered until then, unless it
/// outgrows the buffer), so a failure usually leaves it unopened; a reader
/// of a FIFO then sees nothing rather than half a file.
fn write_in_place<T>(
    path: &Path,
    write: &WriteUnderWay,
    edit: impl FnOnce(Option<&mut dyn BufRead>, &mut dyn Write) -> Result<(Outcome, T), Error>,
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

/// How often a writer waiting for a FIFO's reader looks for an interrupt.
const READER_POLL: std::time::Duration = std::time::Duration::from_millis(20);

/// Opens a FIFO or character device for writing, waiting for a FIFO's
/// reader as `open` would, but interruptibly: a non-blocking open fails
/// with ENXIO while nobody reads, so it is retried until a reader comes or
/// an interrupt is asked for. Once it succeeds the device is opened again,
/// blocking (a reader is there, so that returns at once), because writes on
/// a non-blocking descriptor could fail half way with EAGAIN.
fn open_for_writing(path: &Path) -> Result<File, Error> {
    loop {
        let probe = OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path);
        match probe {
            Ok(probe) => {
                let device = OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|error| access(path, "open for writing", error))?;
                drop(probe);
                return Ok(device);
            }
            Err(error) if error.raw_os_error() == Some(libc::ENXIO) => {
                if interrupt::requested() {
                    return Err(Error::Interrupted);
                }
                std::thread::sleep(READER_POLL);
            }
            Err(error) => return Err(access(path, "open for writing", error)),
        }
    }
}

/// Runs `edit` over a buffered `inner`. Only a `Changed` result is flushed;
/// on an error or `Unchanged` the buffer is dropped unwritten (`into_parts`,
/// since dropping a `BufWriter` would flush it).
fn stream<W: Write, T>(
    inner: W,
    path: &Path,
    edit: impl FnOnce(&mut dyn Write) -> Result<(Outcome, T), Error>,
) -> Result<(Outcome, T), Error> {
    let mut writer = BufWriter::with_capacity(BUFFER_BYTES, inner);
    let result = edit(&mut writer);
    if let Ok((Outcome::Changed, _)) = result
        && let Err(error) = writer.flush()
    {
        let _ = writer.into_parts();
        return Err(access(path, "write", error));
    }
    let _ = writer.into_parts();
    result
}

/// A temporary file beside `target`, named `.NAME.htpass-RANDOM.tmp` (or,
/// when NAME must be cut to fit `NAME_MAX`, `.CUT.htpass~RANDOM.tmp`).
fn temp_file(
    path: &Path,
    target: &Path,
    permissions: Option<Permissions>,
) -> Result<NamedTempFile, Error> {
    let name = target.file_name().map(OsStrExt::as_bytes).unwrap_or(b"");
    let mut prefix = b".".to_vec();
    if name.len() <= TEMP_NAME_BYTES {
        prefix.extend_from_slice(name);
        prefix.extend_from_slice(TEMP_MARKER);
    } else {
        prefix.extend_from_slice(&name[..TEMP_NAME_BYTES]);
        prefix.extend_from_slice(TEMP_MARKER_CUT);
    }
    let prefix = OsString::from_vec(prefix);
    let suffix = OsString::from_vec(TEMP_SUFFIX.to_vec());
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(&prefix)
        .rand_bytes(TEMP_RANDOM_BYTES)
        .suffix(&suffix);
    if let Some(permissions) = permissions {
        builder.permissions(permissions);
    }
    builder.tempfile_in(parent_dir(target)).map_err(|error| {
        access(
            path,
            "create a temporary file in the file's directory (replacing the file atomically needs write permission there)",
            explain_no_temp(error),
        )
    })
}

/// Whether `candidate` is the name of a temporary file of a FILE named
/// `name`: exactly `.` NAME `.htpass-` RANDOM `.tmp`, with
/// [`TEMP_RANDOM_BYTES`] letters and digits as RANDOM.
///
/// Unambiguous: every temporary file's name is `.` X M RANDOM `.tmp` with M
/// one of two markers of the same length and RANDOM of a fixed length, so a
/// name that matches has X as long as `name`, hence X = `name` and M the
/// uncut marker. Another FILE's temporary files never match, nor do cut ones.
fn is_temp_of(candidate: &[u8], name: &[u8]) -> bool {
    let Some(rest) = candidate
        .strip_prefix(b".")
        .and_then(|rest| rest.strip_prefix(name))
        .and_then(|rest| rest.strip_prefix(TEMP_MARKER))
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
    else {
        return false;
    };
    rest.len() == TEMP_RANDOM_BYTES && rest.iter().all(u8::is_ascii_alphanumeric)
}

/// Removes the temporary files of `target` that dead processes left behind
/// (SIGKILL, a crash, a power cut: `tempfile` cannot clean up then).
///
/// Call it only while holding the lock that lets this process write
/// `target`: the lock on the inode `target` names right now (checked by
/// [`still_names`] after the lock was granted), or, while `target` is
/// missing, the lock on its directory (checked by a second look after that
/// lock was granted). Why no live writer can then own such a file:
///
/// - an htpass writer creates its temporary file only while it holds one of
///   these two locks and the same check has just passed, and keeps the lock
///   until the file is renamed (it is then FILE, no longer a temporary file)
///   or removed;
/// - two processes never both pass the check while holding a lock: for the
///   inode lock, FILE names one inode at a time and one process holds its
///   lock; for the directory lock, one process holds it, and a writer
///   holding an inode lock implies FILE exists, while the directory lock
///   is used only while it is missing (htpass never removes FILE, and
///   renames over it only while holding its inode's lock). Every mode takes
///   one of these two paths, [`OpenMode::Overwrite`] included.
///
/// Only another program can break that chain, by removing, renaming or
/// creating FILE while an htpass writer holds a lock: that writer's
/// temporary file may then be removed under it, and its rename fails with
/// an error, FILE left as the other program made it. No update is lost that
/// the other program had not already overridden.
///
/// Best effort: a name that cannot be removed (or a directory that cannot
/// be listed) is left as it was; it never fails the update. Cut names
/// ([`TEMP_MARKER_CUT`]) are never removed: they do not say whose they are.
/// Only regular files are removed, never a link or a directory.
fn remove_stale_temps(target: &Path) {
    let Some(name) = target.file_name() else {
        return;
    };
    let Ok(entries) = fs::read_dir(parent_dir(target)) else {
        return;
    };
    for entry in entries.flatten() {
        if is_temp_of(entry.file_name().as_bytes(), name.as_bytes())
            && entry.file_type().is_ok_and(|kind| kind.is_file())
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The temporary file as `edit` writes it, reporting [`Phase::Write`] once
/// the first bytes have reached it.
///
/// Every [`WRITEBACK_STEP`] bytes it asks the kernel to start writing what
/// came before to disk (`posix_fadvise(DONTNEED)` starts writeback of dirty
/// pages and drops none of them), so that the disk works while the rest is
/// produced and the fsync before the rename waits only for the tail: for a
/// 46 MB file, that fsync goes from about 23 ms to about 3 ms.
struct TempWriter<'f> {
    file: &'f mut File,
    reported: bool,
    written: u64,
    written_back: u64,
}

/// How much is written between two writeback requests: small files never
/// reach it.
const WRITEBACK_STEP: u64 = 4 << 20;

impl<'f> TempWriter<'f> {
    fn new(file: &'f mut File) -> TempWriter<'f> {
        TempWriter {
            file,
            reported: false,
            written: 0,
            written_back: 0,
        }
    }
}

impl Write for TempWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.file.write(bytes)?;
        if !self.reported && written > 0 {
            self.reported = true;
            reached(Phase::Write);
        }
        self.written += written as u64;
        if self.written - self.written_back >= WRITEBACK_STEP {
            let length = NonZeroU64::new(self.written - self.written_back);
            // Only a hint: the fsync before the rename is what makes the
            // data durable, so a refusal changes nothing but speed.
            let _ = fadvise(&*self.file, self.written_back, length, Advice::DontNeed);
            self.written_back = self.written;
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Removes an unused temporary file. A failure to remove it cannot be
/// reported usefully (FILE is fine); `NamedTempFile`'s drop would ignore it
/// the same way.
fn discard(temp: NamedTempFile) {
    let _ = temp.close();
}

/// Gives the temporary file FILE's owner, group and mode. Owner first:
/// `chown` clears the set-user-ID and set-group-ID bits.
fn keep_owner_and_mode(path: &Path, temp: &File, original: &Metadata) -> Result<(), Error> {
    let current = temp
        .metadata()
        .map_err(|error| access(path, "keep the owner of", error))?;
    let uid = (current.uid() != original.uid()).then_some(original.uid());
    let gid = (current.gid() != original.gid()).then_some(original.gid());
    if uid.is_some() || gid.is_some() {
        fchown(temp, uid, gid).map_err(|error| {
            if error.kind() == io::ErrorKind::PermissionDenied {
                access(
                    path,
                    "keep the owner of",
                    io::Error::new(
                        io::ErrorKind::PermissionDenied,
                        format!(
                            "the file belongs to user {} and group {}, which this user cannot give \
                             to the new version; run as root or as that user (the file was left unchanged)",
                            original.uid(),
                            original.gid()
                        ),
                    ),
                )
            } else {
                access(path, "keep the owner of", error)
            }
        })?;
    }
    temp.set_permissions(Permissions::from_mode(original.mode() & 0o7777))
        .map_err(|error| access(path, "keep the mode of", error))
}

enum Rename {
    /// Over an existing file.
    Replace,
    /// Only if nothing is there (`AlreadyExists` otherwise).
    NoClobber,
}

/// Puts the new content on disk, then renames it to `target`. On failure
/// the temporary file is removed (dropping the `PersistError` drops it).
fn commit(
    path: &Path,
    temp: NamedTempFile,
    target: &Path,
    rename: Rename,
    write: &WriteUnderWay,
) -> Result<(), Error> {
    // fsync before rename: otherwise a crash could leave the new name
    // pointing at a file whose blocks never reached the disk.
    temp.as_file()
        .sync_all()
        .map_err(|error| explain_full(access(path, "write", error)))?;
    reached(Phase::Rename);
    // An interrupt abandons the change here: `temp` is dropped and removed.
    write.commit(|| {
        let persisted = match rename {
            Rename::Replace => temp.persist(target).map(drop),
            Rename::NoClobber => temp.persist_noclobber(target).map(drop),
        };
        persisted.map_err(|error| access(path, "replace", error.error))
    })
}

/// Makes the rename itself durable.
fn sync_dir(path: &Path, directory: &Path) -> Result<(), Error> {
    let directory =
        File::open(directory).map_err(|error| access(path, "sync the directory of", error))?;
    sync_dir_handle(path, &directory)
}

fn sync_dir_handle(path: &Path, directory: &File) -> Result<(), Error> {
    match directory.sync_all() {
        Ok(()) => Ok(()),
        // Some file systems cannot fsync a directory (EINVAL); there is
        // nothing more to do there, and the rename has happened.
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
            ) =>
        {
            Ok(())
        }
        Err(error) => Err(access(path, "sync the directory of", error)),
    }
}

/// The same error with what to do about it appended to its message.
fn advise(error: io::Error, advice: &str) -> io::Error {
    io::Error::new(error.kind(), format!("{error}; {advice}"))
}

/// An error opening FILE for writing, with what to do about it.
fn explain_not_writable(error: io::Error) -> io::Error {
    match error.kind() {
        // EPERM (where modes would give EACCES): an attribute such as
        // immutable (`chattr +i`), which even root must clear first.
        io::ErrorKind::PermissionDenied if error.raw_os_error() == Some(libc::EPERM) => advise(
            error,
            "the file may not be changed by anyone (immutable or append-only? \
             see lsattr): clear that attribute first; the file was left unchanged",
        ),
        io::ErrorKind::PermissionDenied => advise(
            error,
            "this user may not write the file: make it writable (chmod u+w) \
             or run as a user who may; the file was left unchanged",
        ),
        io::ErrorKind::ReadOnlyFilesystem => advise(
            error,
            "the file is on a read-only file system: remount it read-write, \
             or keep the file elsewhere; the file was left unchanged",
        ),
        _ => error,
    }
}

/// An error creating the temporary file, with what to do about it.
fn explain_no_temp(error: io::Error) -> io::Error {
    match error.kind() {
        // EACCES or EPERM: `tempfile` hides which (it adds the path).
        io::ErrorKind::PermissionDenied => advise(
            error,
            "give this user write permission on the directory (if it has it, \
             see whether the directory is immutable: lsattr -d), or run as a \
             user who has it; the file was left unchanged",
        ),
        io::ErrorKind::ReadOnlyFilesystem => advise(
            error,
            "the directory is on a read-only file system: remount it \
             read-write, or keep the file elsewhere; the file was left unchanged",
        ),
        _ => explain_full_io(error),
    }
}

/// A write of the new version that ran out of room, with what to do about it.
fn explain_full_io(error: io::Error) -> io::Error {
    match error.kind() {
        io::ErrorKind::StorageFull => advise(
            error,
            "the file system holding the file is full: free some space there \
             and run again; the file was left unchanged",
        ),
        io::ErrorKind::QuotaExceeded => advise(
            error,
            "this user's disk quota is used up: free some space \
             and run again; the file was left unchanged",
        ),
        // EFBIG: `ulimit -f` (RLIMIT_FSIZE), or the file system's own limit.
        io::ErrorKind::FileTooLarge => advise(
            error,
            "the new version is larger than this process may write (ulimit -f) \
             or the file system allows: raise the limit and run again; \
             the file was left unchanged",
        ),
        _ => error,
    }
}

/// [`explain_full_io`] for the error of a write, from us or from `edit`.
fn explain_full(error: Error) -> Error {
    match error {
        Error::FileAccess {
            path,
            action,
            source,
        } => Error::FileAccess {
            path,
            action,
            source: explain_full_io(source),
        },
        other => other,
    }
}

fn access(path: &Path, action: &'static str, source: io::Error) -> Error {
    Error::FileAccess {
        path: path.to_path_buf(),
        action,
        source,
    }
}

fn is_a_directory(path: &Path) -> Error {
    access(
        path,
        "open",
        io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory; give the path of the password file",
        ),
    )
}

fn unsupported(path: &Path, what: &'static str) -> Error {
    access(
        path,
        "open",
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("is {what}, not a password file; give the path of a regular file"),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::os::unix::fs::symlink;
    use std::sync::{Arc, Barrier};
    use std::time::{Duration, SystemTime};

    /// An edit that copies the old content and appends `line`.
    fn append(
        line: &'static [u8],
    ) -> impl FnOnce(Option<&mut dyn BufRead>, &mut dyn Write) -> Result<(Outcome, ()), Error> {
        move |reader, writer| {
            if let Some(reader) = reader {
                io::copy(reader, writer).unwrap();
            }
            writer.write_all(line).unwrap();
            Ok((Outcome::Changed, ()))
        }
    }

    fn listing(dir: &Path) -> BTreeSet<OsString> {
        fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect()
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().mode() & 0o7777
    }

    /// The process umask, read without a system call that needs `unsafe`.
    fn current_umask() -> u32 {
        let status = fs::read_to_string("/proc/self/status").unwrap();
        let line = status
            .lines()
            .find_map(|line| line.strip_prefix("Umask:"))
            .unwrap();
        u32::from_str_radix(line.trim(), 8).unwrap()
    }

    #[test]
    fn changes_replace_the_file_and_keep_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("htpasswd");
        fs::write(&file, b"a:1\n").unwrap();
        fs::set_permissions(&file, Permissions::from_mode(0o640)).unwrap();
        let updated = update(&file, OpenMode::MustExist, append(b"b:2\n")).unwrap();
        assert_eq!(
            updated,
            Updated {
                value: (),
                created: false,
                written: true
            }
        );
        assert_eq!(fs::read(&file).unwrap(), b"a:1\nb:2\n");
        assert_eq!(mode(&file), 0o640);
        assert_eq!(listing(dir.path()), BTreeSet::from(["htpasswd".into()]));
    }

    #[test]
    fn owner_and_group_are_kept_when_root() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("htpasswd");
        fs::write(&file, b"a:1\n").unwrap();
        if fs::metadata(&file).unwrap().uid() != 0 {
            // Only root can give a file to someone else; nothing to test.
            return;
        }
        std::os::unix::fs::chown(&file, Some(4321), Some(8765)).unwrap();
        fs::set_permissions(&file, Permissions::from_mode(0o604)).unwrap();
        update(&file, OpenMode::MustExist, append(b"b:2\n")).unwrap();
        let metadata = fs::metadata(&file).unwrap();
        assert_eq!((metadata.uid(), metadata.gid()), (4321, 8765));
        assert_eq!(metadata.mode() & 0o7777, 0o604);
    }

    #[test]
    fn a_new_file_gets_0666_minus_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("new");
        let updated = update(&file, OpenMode::CreateIfMissing, |reader, writer| {
            assert!(reader.is_none());
            writer.write_all(b"u:h\n").unwrap();
            Ok((Outcome::Changed, 7))
        })
        .unwrap();
        assert_eq!(
            updated,
            Updated {
                value: 7,
                created: true,
                written: true
            }
        );
        assert_eq!(fs::read(&file).unwrap(), b"u:h\n");
        assert_eq!(mode(&file), 0o666 & !current_umask());
        assert_eq!(listing(dir.path()), BTreeSet::from(["new".into()]));
    }

    #[test]
    fn create_new_refuses_an_existing_file_without_calling_edit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("htpasswd");
        fs::write(&file, b"a:1\n").unwrap();
        let error = update(
            &file,
            OpenMode::CreateNew,
            |_, _| -> Result<(Outcome, ()), Error> { panic!("edit must not run") },
        )
        .unwrap_err();
        assert!(matches!(error, Error::FileExists { ref path } if path == &file));
        assert_eq!(fs::read(&file).unwrap(), b"a:1\n");

        // Missing: created.
        let new = dir.path().join("new");
        let updated = update(&new, OpenMode::CreateNew, append(b"x:1\n")).unwrap();
        assert!(updated.created);
        assert_eq!(fs::read(&new).unwrap(), b"x:1\n");
    }

    #[test]
    fn must_exist_on_a_missing_file_is_file_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("missing");
        let error = update(&file, OpenMode::MustExist, append(b"x\n")).unwrap_err();
        assert!(matches!(error, Error::FileNotFound { ref path } if path == &file));
        assert!(listing(dir.path()).is_empty());
    }

    #[test]
    fn overwrite_does_not_read_and_keeps_the_mode() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("htpasswd");
        fs::write(&file, b"old:1\n").unwrap();
        fs::set_permissions(&file, Permissions::from_mode(0o600)).unwrap();
        let updated = update(&file, OpenMode::Overwrite, append(b"new:1\n")).unwrap();
        assert!(!updated.created && updated.written);
        assert_eq!(fs::read(&file).unwrap(), b"new:1\n");
        assert_eq!(mode(&file), 0o600);
    }

    #[test]
    fn unchanged_leaves_inode_and_mtime() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("htpasswd");
        fs::write(&file, b"a:1\n").unwrap();
        let old_time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(old_time)
            .unwrap();
        let before = fs::metadata(&file).unwrap();
        let updated = update(&file, OpenMode::MustExist, |reader, writer| {
            io::copy(reader.unwrap(), writer).unwrap();
            Ok((Outcome::Unchanged, ()))
        })
        .unwrap();
        assert!(!updated.written);
        let after = fs::metadata(&file).unwrap();
        assert_eq!(after.ino(), before.ino());
        assert_eq!(after.modified().unwrap(), old_time);
        assert_eq!(listing(dir.path()), BTreeSet::from(["htpasswd".into()]));
    }

    #[test]
    fn an_error_in_edit_leaves_the_file_and_the_directory_as_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("htpasswd");
        fs::write(&file, b"a:1\r\n# keep\n").unwrap();
        let before = listing(dir.path());
        let inode = fs::metadata(&file).unwrap().ino();
        for mode in [
            OpenMode::MustExist,
            OpenMode::CreateIfMissing,
            OpenMode::Overwrite,
        ] {
            let error = update(&file, mode, |_, writer| -> Result<(Outcome, ()), Error> {
                writer.write_all(b"half").unwrap();
                Err(Error::UserNotFound { user: "x".into() })
            })
            .unwrap_err();
            assert!(matches!(error, Error::UserNotFound { .. }));
            assert_eq!(fs::read(&file).unwrap(), b"a:1\r\n# keep\n");
            assert_eq!(fs::metadata(&file).unwrap().ino(), inode);
            assert_eq!(listing(dir.path()), before);
        }
        // Nor is a missing file created.
        let new = dir.path().join("new");
        update(
            &new,
            OpenMode::CreateIfMissing,
            |_, _| -> Result<(Outcome, ()), Error> { Err(Error::UsernameEmpty) },
        )
        .unwrap_err();
        assert_eq!(listing(dir.path()), before);
    }

    #[test]
    fn a_symlink_is_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        fs::create_dir(&real).unwrap();
        let links = dir.path().join("links");
        fs::create_dir(&links).unwrap();
        fs::write(real.join("htpasswd"), b"a:1\n").unwrap();
        // links/second -> first -> ../real/htpasswd: a chain of relative links.
        symlink("../real/htpasswd", links.join("first")).unwrap();
        symlink("first", links.join("second")).unwrap();

        update(&links.join("second"), OpenMode::MustExist, append(b"b:2\n")).unwrap();
        assert_eq!(fs::read(real.join("htpasswd")).unwrap(), b"a:1\nb:2\n");
        for link in ["first", "second"] {
            assert!(
                fs::symlink_metadata(links.join(link))
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
        }
        assert_eq!(
            fs::read_link(links.join("first")).unwrap(),
            Path::new("../real/htpasswd")
        );
        // The temporary file went beside the target, and is gone.
        assert_eq!(listing(&real), BTreeSet::from(["htpasswd".into()]));
        assert_eq!(
            listing(&links),
            BTreeSet::from(["first".into(), "second".into()])
        );
    }

    #[test]
    fn a_dangling_symlink_gets_its_target_created() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link");
        symlink("target", &link).unwrap();
        let error = update(&link, OpenMode::MustExist, append(b"x\n")).unwrap_err();
        assert!(matches!(error, Error::FileNotFound { .. }));

        let updated = update(&link, OpenMode::CreateIfMissing, append(b"u:1\n")).unwrap();
        assert!(updated.created);
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(dir.path().join("target")).unwrap(), b"u:1\n");
    }

    #[test]
    fn a_symlink_loop_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        symlink("b", dir.path().join("a")).unwrap();
        symlink("a", dir.path().join("b")).unwrap();
        let error = update(
            &dir.path().join("a"),
            OpenMode::CreateIfMissing,
            append(b"x\n"),
        )
        .unwrap_err();
        assert!(matches!(error, Error::FileAccess { .. }), "{error:?}");
        assert_eq!(listing(dir.path()).len(), 2);
    }

    #[test]
    fn a_directory_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        for mode in [
            OpenMode::MustExist,
            OpenMode::Overwrite,
            OpenMode::CreateNew,
        ] {
            let error = update(dir.path(), mode, append(b"x\n")).unwrap_err();
            assert!(
                matches!(&error, Error::FileAccess { source, .. } if source.kind() == io::ErrorKind::IsADirectory),
                "{error:?}"
            );
        }
        let error = read(dir.path(), |_| Ok(())).unwrap_err();
        assert!(
            matches!(&error, Error::FileAccess { source, .. } if source.kind() == io::ErrorKind::IsADirectory)
        );
        assert!(error.to_string().contains("is a directory"));
    }

    #[test]
    fn a_missing_directory_is_a_file_access_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("no/such/dir/htpasswd");
        let error = update(&file, OpenMode::CreateIfMissing, append(b"x\n")).unwrap_err();
        assert!(
            matches!(&error, Error::FileAccess { source, .. } if source.kind() == io::ErrorKind::NotFound),
            "{error:?}"
        );
    }

    #[test]
    fn a_fifo_is_written_in_place_by_overwrite_only() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());

        // Modes that would read it, or must not clobber it, refuse without opening it.
        for mode in [OpenMode::MustExist, OpenMode::CreateIfMissing] {
            let error = update(&fifo, mode, append(b"x\n")).unwrap_err();
            assert!(matches!(error, Error::FileAccess { .. }), "{error:?}");
        }
        let error = update(&fifo, OpenMode::CreateNew, append(b"x\n")).unwrap_err();
        assert!(matches!(error, Error::FileExists { .. }));

        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        let result = update(&fifo, OpenMode::Overwrite, |reader, writer| {
            assert!(reader.is_none());
            writer.write_all(b"u:h\n").unwrap();
            Ok((Outcome::Changed, ()))
        });
        if result.is_err() {
            // Unblock the reader so that the test fails instead of hanging.
            drop(File::options().write(true).open(&fifo));
        }
        let updated = result.unwrap();
        assert!(updated.written && !updated.created);
        assert_eq!(reader.join().unwrap(), b"u:h\n");
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(listing(dir.path()), BTreeSet::from(["fifo".into()]));
    }

    #[test]
    fn a_character_device_is_written_in_place() {
        let updated = update(
            Path::new("/dev/null"),
            OpenMode::Overwrite,
            append(b"u:h\n"),
        )
        .unwrap();
        assert!(updated.written);
    }

    #[test]
    fn read_streams_and_reports_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("htpasswd");
        let error = read(&file, |_| Ok(())).unwrap_err();
        assert!(matches!(error, Error::FileNotFound { ref path } if path == &file));
        fs::write(&file, b"a:1\nb:2\n").unwrap();
        let lines = read(&file, |reader| Ok(reader.lines().count())).unwrap();
        assert_eq!(lines, 2);
    }

    /// Many writers at once, each appending its own line: the lock makes them
    /// take turns, so no update is lost (Apache loses most, defect D13).
    fn concurrent_appends(file: &Path) {
        const WRITERS: usize = 20;
        let barrier = Arc::new(Barrier::new(WRITERS));
        let threads: Vec<_> = (0..WRITERS)
            .map(|i| {
                let barrier = Arc::clone(&barrier);
                let file = file.to_path_buf();
                std::thread::spawn(move || {
                    barrier.wait();
                    update(&file, OpenMode::CreateIfMissing, |reader, writer| {
                        if let Some(reader) = reader {
                            io::copy(reader, writer).unwrap();
                        }
                        // Widen the window in which a lost update would happen.
                        std::thread::sleep(Duration::from_millis(2));
                        writeln!(writer, "user{i}:hash").unwrap();
                        Ok((Outcome::Changed, ()))
                    })
                    .unwrap();
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let content = fs::read_to_string(file).unwrap();
        let lines: BTreeSet<&str> = content.lines().collect();
        assert_eq!(content.lines().count(), WRITERS, "{content}");
        for i in 0..WRITERS {
            assert!(
                lines.contains(format!("user{i}:hash").as_str()),
                "{content}"
            );
        }
    }

    #[test]
    fn concurrent_updates_of_an_existing_file_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("htpasswd");
        fs::write(&file, b"").unwrap();
        concurrent_appends(&file);
        assert_eq!(listing(dir.path()), BTreeSet::from(["htpasswd".into()]));
    }

    #[test]
    fn concurrent_creates_of_a_missing_file_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("htpasswd");
        concurrent_appends(&file);
        assert_eq!(listing(dir.path()), BTreeSet::from(["htpasswd".into()]));
    }

    /// The test hook reports each phase once, in order, on the updating
    /// thread (other tests update files at the same time on theirs).
    #[test]
    fn phases_are_reported_in_order_on_the_updating_thread() {
        static SEEN: std::sync::Mutex<Vec<(std::thread::ThreadId, Phase)>> =
            std::sync::Mutex::new(Vec::new());
        fn record(phase: Phase) {
            SEEN.lock()
                .unwrap()
                .push((std::thread::current().id(), phase));
        }
        set_phase_observer(record);
        let mine = || -> Vec<Phase> {
            let me = std::thread::current().id();
            let seen = SEEN.lock().unwrap();
            seen.iter()
                .filter(|(thread, _)| *thread == me)
                .map(|&(_, phase)| phase)
                .collect()
        };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("htpasswd");
        fs::write(&file, b"a:1\n").unwrap();
        update(&file, OpenMode::MustExist, append(b"b:2\n")).unwrap();
        assert_eq!(mine(), [Phase::Write, Phase::Rename, Phase::Replaced]);
        // A failed edit never reaches the rename.
        update(&file, OpenMode::MustExist, |_, writer| {
            writer.write_all(&[b'x'; 2 * BUFFER_BYTES]).unwrap();
            Err::<(Outcome, ()), _>(Error::UsernameEmpty)
        })
        .unwrap_err();
        assert_eq!(
            mine(),
            [Phase::Write, Phase::Rename, Phase::Replaced, Phase::Write]
        );
        assert_eq!(
            [Phase::Write, Phase::Rename, Phase::Replaced].map(Phase::name),
            ["write", "rename", "replaced"]
        );
    }

    #[test]
    fn temp_names_say_whose_they_are_and_nothing_else_matches() {
        let random = b"aB3dE6gH9k";
        let ours = [b".users.htpass-".as_slice(), random, b".tmp"].concat();
        assert!(is_temp_of(&ours, b"users"));
        for other in [
            // Another file's, or a name that merely starts alike.
            [b".user.htpass-".as_slice(), random, b".tmp"].concat(),
            [b".users2.htpass-".as_slice(), random, b".tmp"].concat(),
            [b".users.htpass-".as_slice(), b"aB3dE6gH9", b".tmp"].concat(),
            [b".users.htpass-".as_slice(), b"aB3dE6gH9kk", b".tmp"].concat(),
            [b".users.htpass-".as_slice(), b"aB3dE6gH9-", b".tmp"].concat(),
            [b".users.htpass~".as_slice(), random, b".tmp"].concat(),
            [b"users.htpass-".as_slice(), random, b".tmp"].concat(),
            [b".users.htpass-".as_slice(), random, b".tmp~"].concat(),
            // The naming before this one, and Apache's.
            b".users.aB3dE6.tmp".to_vec(),
            b"htpasswd.tmp.aB3dE6".to_vec(),
            b"users".to_vec(),
        ] {
            assert!(
                !is_temp_of(&other, b"users"),
                "{}",
                String::from_utf8_lossy(&other)
            );
        }

        let dir = tempfile::tempdir().unwrap();
        let temp = temp_file(&dir.path().join("users"), &dir.path().join("users"), None).unwrap();
        let name = temp.path().file_name().unwrap().as_bytes().to_vec();
        assert!(
            is_temp_of(&name, b"users"),
            "{}",
            String::from_utf8_lossy(&name)
        );

        // A name too long to repeat whole is cut, marked so, and fits NAME_MAX.
        let long = "n".repeat(NAME_MAX);
        let target = dir.path().join(&long);
        let temp = temp_file(&target, &target, None).unwrap();
        let name = temp.path().file_name().unwrap().as_bytes().to_vec();
        assert_eq!(name.len(), NAME_MAX);
        assert!(name.starts_with(b".nnn"));
        assert!(
            name[..name.len() - TEMP_RANDOM_BYTES - TEMP_SUFFIX.len()].ends_with(TEMP_MARKER_CUT)
        );
        // ... and never passes for the temporary file of the name it was cut to.
        let cut = &long.as_bytes()[..TEMP_NAME_BYTES];
        assert!(!is_temp_of(&name, cut));
        assert!(!is_temp_of(&name, long.as_bytes()));
        // The longest name repeated whole also fits.
        let longest = "m".repeat(TEMP_NAME_BYTES);
        let target = dir.path().join(&longest);
        let temp = temp_file(&target, &target, None).unwrap();
        let name = temp.path().file_name().unwrap().as_bytes().to_vec();
        assert_eq!(name.len(), NAME_MAX);
        assert!(is_temp_of(&name, longest.as_bytes()));
    }

    /// What a killed writer left is removed by the next update, of an
    /// existing file (its lock) or of a missing one (the directory lock);
    /// everything else in the directory stays.
    #[test]
    fn stale_temps_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let keep: BTreeSet<OsString> = [
            ".users.aB3dE6.tmp",
            ".users.htpass-short.tmp",
            ".other.htpass-aB3dE6gH9k.tmp",
            ".users2.htpass-aB3dE6gH9k.tmp",
            "users.bak",
        ]
        .into_iter()
        .map(OsString::from)
        .collect();
        for name in &keep {
            fs::write(dir.path().join(name), b"x").unwrap();
        }
        // Not a regular file: never removed, even with a matching name.
        let link = ".users.htpass-LinkLinkLi.tmp";
        symlink("users.bak", dir.path().join(link)).unwrap();
        let subdir = ".users.htpass-DirDirDirD.tmp";
        fs::create_dir(dir.path().join(subdir)).unwrap();
        let mut expected = keep.clone();
        expected.extend([link, subdir, "users"].map(OsString::from));

        let file = dir.path().join("users");
        for (round, mode) in [OpenMode::CreateIfMissing, OpenMode::MustExist]
            .into_iter()
            .enumerate()
        {
            // Two left by killed writers (SIGKILL cannot clean up).
            for stale in [
                ".users.htpass-Stale0000a.tmp",
                ".users.htpass-Stale0000b.tmp",
            ] {
                fs::write(dir.path().join(stale), b"half").unwrap();
            }
            assert_eq!(round == 0, !file.exists());
            update(&file, mode, append(b"u:h\n")).unwrap();
            assert_eq!(listing(dir.path()), expected, "{mode:?}");
        }
        assert_eq!(fs::read(&file).unwrap(), b"u:h\nu:h\n");
    }
}
