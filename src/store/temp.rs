//! Temporary files: where the new version of FILE is written before it
//! replaces FILE, their names, the writer that reports progress and starts
//! writeback early, and the removal of those that killed runs left.
//!
//! What it must never do: remove anything but a regular file whose name
//! says it is a temporary file of this FILE, and only while FILE's lock is
//! held (see [`remove_stale`]).

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::num::NonZeroU64;
use std::path::Path;

use tempfile::NamedTempFile;

use crate::error::Error;
use crate::sys;

use super::explain::{self, access};
use super::locate::parent_dir;
use super::{Phase, reached};

/// Temporary files are named `.NAME.htpass-RANDOM.tmp`, NAME being FILE's
/// name: a file left by a crash shows whose it was, and the next update can
/// tell it from anything else (see [`remove_stale`]).
const TEMP_MARKER: &[u8] = b".htpass-";
/// The marker when NAME had to be cut short to fit `NAME_MAX`. Such a
/// temporary file is never removed by a later run: a cut NAME no longer says
/// whose it is. The marker has the same length as [`TEMP_MARKER`], so no cut
/// name can pass for an uncut one (see [`is_temp_of`]).
pub(super) const TEMP_MARKER_CUT: &[u8] = b".htpass~";
pub(super) const TEMP_SUFFIX: &[u8] = b".tmp";
/// Letters and digits, as `tempfile` draws them; always this many, which is
/// what makes a temporary file's name say exactly whose it is.
pub(super) const TEMP_RANDOM_BYTES: usize = 10;
/// The limit on one file name (`NAME_MAX`) on every file system htpasswd
/// files are kept on read-write.
pub(super) const NAME_MAX: usize = 255;
/// The longest NAME a temporary file's name repeats whole.
pub(super) const TEMP_NAME_BYTES: usize =
    NAME_MAX - 1 - TEMP_MARKER.len() - TEMP_RANDOM_BYTES - TEMP_SUFFIX.len();

/// A temporary file beside `target`, named `.NAME.htpass-RANDOM.tmp` (or,
/// when NAME must be cut to fit `NAME_MAX`, `.CUT.htpass~RANDOM.tmp`).
/// The error is the system's, for the caller to explain or to fall back on.
pub(super) fn beside(target: &Path, permissions: Option<Permissions>) -> io::Result<NamedTempFile> {
    let name = target.file_name().map(sys::name_bytes).unwrap_or(b"");
    let mut prefix = b".".to_vec();
    if name.len() <= TEMP_NAME_BYTES {
        prefix.extend_from_slice(name);
        prefix.extend_from_slice(TEMP_MARKER);
    } else {
        prefix.extend_from_slice(&name[..TEMP_NAME_BYTES]);
        prefix.extend_from_slice(TEMP_MARKER_CUT);
    }
    let prefix = sys::name_from_bytes(prefix);
    let suffix = sys::name_from_bytes(TEMP_SUFFIX.to_vec());
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(&prefix)
        .rand_bytes(TEMP_RANDOM_BYTES)
        .suffix(&suffix);
    if let Some(permissions) = permissions {
        builder.permissions(permissions);
    }
    builder.tempfile_in(parent_dir(target))
}

/// The error for a temporary file that could not be made beside FILE.
pub(super) fn not_made(path: &Path, error: io::Error) -> Error {
    access(
        path,
        "create a temporary file in the file's directory (replacing the file atomically needs write permission there)",
        explain::no_temp(error),
    )
}

/// Whether `candidate` is the name of a temporary file of a FILE named
/// `name`: exactly `.` NAME `.htpass-` RANDOM `.tmp`, with
/// [`TEMP_RANDOM_BYTES`] letters and digits as RANDOM.
///
/// Unambiguous: every temporary file's name is `.` X M RANDOM `.tmp` with M
/// one of two markers of the same length and RANDOM of a fixed length, so a
/// name that matches has X as long as `name`, hence X = `name` and M the
/// uncut marker. Another FILE's temporary files never match, nor do cut ones,
/// nor recovery copies (`.NAME.htpass-recovery`, see [`super::in_place`]).
pub(super) fn is_temp_of(candidate: &[u8], name: &[u8]) -> bool {
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
/// `target`: the lock on the file `target` names right now (checked by
/// `locate::still_names` after the lock was granted), or, while `target` is
/// missing, the lock on its directory (checked by a second look after that
/// lock was granted). Why no live writer can then own such a file:
///
/// - an htpass writer creates its temporary file only while it holds one of
///   these two locks and the same check has just passed, and keeps the lock
///   until the file is renamed (it is then FILE, or a recovery copy, no
///   longer a temporary file) or removed;
/// - two processes never both pass the check while holding a lock: for the
///   file lock, FILE names one file at a time and one process holds its
///   lock; for the directory lock, one process holds it, and a writer
///   holding a file lock implies FILE exists, while the directory lock
///   is used only while it is missing (htpass never removes FILE, and
///   renames over it only while holding its file's lock). Every mode takes
///   one of these two paths, [`super::OpenMode::Overwrite`] included.
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
pub(super) fn remove_stale(target: &Path) {
    let Some(name) = target.file_name() else {
        return;
    };
    let Ok(entries) = fs::read_dir(parent_dir(target)) else {
        return;
    };
    for entry in entries.flatten() {
        if is_temp_of(sys::name_bytes(&entry.file_name()), sys::name_bytes(name))
            && entry.file_type().is_ok_and(|kind| kind.is_file())
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Removes an unused temporary file. A failure to remove it cannot be
/// reported usefully (FILE is fine); `NamedTempFile`'s drop would ignore it
/// the same way.
pub(super) fn discard(temp: NamedTempFile) {
    let _ = temp.close();
}

/// The temporary file as `edit` writes it, reporting [`Phase::Write`] once
/// the first bytes have reached it.
///
/// Every [`WRITEBACK_STEP`] bytes it asks the kernel to start writing what
/// came before to disk ([`sys::advise_written`]), so that the disk works
/// while the rest is produced and the fsync before the rename waits only
/// for the tail: for a 46 MB file, that fsync goes from about 23 ms to
/// about 3 ms.
pub(super) struct TempWriter<'f> {
    file: &'f mut File,
    reported: bool,
    written: u64,
    written_back: u64,
}

/// How much is written between two writeback requests: small files never
/// reach it.
const WRITEBACK_STEP: u64 = 4 << 20;

impl<'f> TempWriter<'f> {
    pub(super) fn new(file: &'f mut File) -> TempWriter<'f> {
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
        if let Some(length) = NonZeroU64::new(self.written - self.written_back)
            && length.get() >= WRITEBACK_STEP
        {
            // Only a hint: the fsync before the rename is what makes the
            // data durable, so a refusal changes nothing but speed.
            sys::advise_written(self.file, self.written_back, length);
            self.written_back = self.written;
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}
