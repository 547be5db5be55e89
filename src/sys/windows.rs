//! Windows: see [`crate::sys`] for the interface.
//!
//! The lock on FILE. Windows locks are mandatory: a byte range locked
//! through one handle cannot be read through any other, and the standard
//! library's `File::lock` locks every byte, so while htpass held it, a web
//! server (or `htpass verify`) reading FILE would fail. htpass locks one
//! byte far beyond any content instead ([`LOCK_OFFSET`], as SQLite locks
//! bytes past its data), through `file-guard`'s safe `LockFileEx`: writers
//! exclude each other, readers never meet the lock. Like an
//! open-file-description lock on Linux it belongs to the open file, so two
//! handles in one process exclude each other, and it is released when the
//! handle is closed, a killed process included. It is never unlocked
//! explicitly: Wine answers `UnlockFile` differently from Windows, while
//! closing releases everywhere.
//!
//! The lock while FILE is missing. A directory cannot be byte-range locked
//! (`LockFileEx` wants a file's data), and a directory handle opened with a
//! sharing mode that shuts others out would also shut out renames into the
//! directory, Explorer's and editors' change notifications, and a shell
//! sitting in it. So creators of FILE open `.NAME.htpass-lock` beside it
//! with no sharing at all (a second open fails with a sharing violation:
//! that is the lock) and `FILE_FLAG_DELETE_ON_CLOSE`: the system removes
//! it when its one handle is closed, by the program or by the end of a
//! killed process. It exists only while a creation is under way; one that
//! a power cut left is opened and removed by the next creator. Waiting for
//! it polls, since no call blocks on a sharing violation.
//!
//! File identity. std's `MetadataExt::volume_serial_number` and
//! `file_index` are unstable in Rust 1.89 (the crate's rust-version), and
//! creation times cannot stand in for them (NTFS "tunnels" a removed
//! name's creation time to the next file given that name). `winapi-util`
//! asks the handle safely (`GetFileInformationByHandle`).
//!
//! Owner and mode. A Windows file has an ACL instead of an owner and mode
//! bits; the new version gets the ACL its directory gives new files, and
//! FILE's attributes (hidden, archive...), which are kept. An in-place
//! rewrite keeps FILE itself, ACL included.
//!
//! The rename. The writer holds FILE open (and locked) while it renames
//! the new version over it, which the classic `MoveFileExW` refuses (access
//! denied) for any open file; `std::fs::rename` then retries with POSIX
//! semantics, which Windows 10 1809 and later grant on NTFS when every
//! handle of FILE shares deletion (std opens files so). Where the system
//! refuses that too (older Windows, FAT, network shares, Wine 8), or
//! another program holds FILE without delete sharing (the C runtime's
//! `fopen`), [`cannot_rename_over`] sends the update to the in-place
//! rewrite from a recovery copy, announced on stderr.

use std::ffi::{OsStr, OsString};
use std::fs::{File, Metadata, OpenOptions, Permissions};
use std::io;
use std::num::NonZeroU64;
use std::os::windows::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use file_guard::Lock;

use super::Kind;

#[cfg(test)]
mod tests;

/// The byte htpass writers lock: 2^62 on 64-bit Windows (2^30 on 32-bit,
/// where `file-guard` takes 32-bit offsets), past any htpasswd file's
/// content, and far enough from 2^63 that no file system's signed
/// arithmetic overflows.
const LOCK_OFFSET: usize = usize::MAX / 4 + 1;

/// How often a creator waiting for `.NAME.htpass-lock` tries again.
const POLL: Duration = Duration::from_millis(20);

/// The suffix of the lock file of a missing FILE.
const MISSING_LOCK_SUFFIX: &[u8] = b".htpass-lock";

/// The longest file name, in bytes, for which names built from FILE's are
/// sure to fit: NTFS allows 255 UTF-16 units, which is at least 255 bytes.
const NAME_MAX: usize = 255;

// Win32 error numbers (winerror.h).
const ERROR_ACCESS_DENIED: i32 = 5;
const ERROR_NOT_SAME_DEVICE: i32 = 17;
const ERROR_SHARING_VIOLATION: i32 = 32;
const ERROR_CANT_RESOLVE_FILENAME: i32 = 1921;
// CreateFile flags and access rights (winnt.h, winbase.h).
const FILE_FLAG_DELETE_ON_CLOSE: u32 = 0x0400_0000;
const FILE_READ_ATTRIBUTES: u32 = 0x80;

/// Takes the exclusive lock on FILE if it is free; `Ok(false)` if another
/// handle holds it.
pub(crate) fn try_lock_file(file: &File) -> io::Result<bool> {
    match file_guard::try_lock(file, Lock::Exclusive, LOCK_OFFSET, 1) {
        Ok(guard) => {
            // Held until the handle is closed (see the module doc).
            std::mem::forget(guard);
            Ok(true)
        }
        Err(error) if error.kind() == io::ErrorKind::WouldBlock => Ok(false),
        Err(error) => Err(error),
    }
}

/// Waits for the exclusive lock on FILE, then takes it.
pub(crate) fn lock_file(file: &File) -> io::Result<()> {
    let guard = file_guard::lock(file, Lock::Exclusive, LOCK_OFFSET, 1)?;
    std::mem::forget(guard);
    Ok(())
}

/// Takes the lock that creators of a missing FILE (`target`) take, if it is
/// free: `.NAME.htpass-lock` opened alone, removed when closed.
pub(crate) fn try_lock_missing(target: &Path) -> io::Result<Option<File>> {
    let lock = missing_lock_path(target);
    match OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .share_mode(0)
        .custom_flags(FILE_FLAG_DELETE_ON_CLOSE)
        .open(&lock)
    {
        Ok(held) => Ok(Some(held)),
        Err(error) if error.raw_os_error() == Some(ERROR_SHARING_VIOLATION) => Ok(None),
        // Closed by its holder and about to be removed ("delete pending"):
        // busy for a moment more. The same error without the file is this
        // user's: the directory does not let them create files.
        Err(error)
            if error.raw_os_error() == Some(ERROR_ACCESS_DENIED)
                && !matches!(std::fs::symlink_metadata(&lock),
                    Err(missing) if missing.kind() == io::ErrorKind::NotFound) =>
        {
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

/// Waits for the lock of [`try_lock_missing`], then takes it.
pub(crate) fn lock_missing(target: &Path) -> io::Result<File> {
    loop {
        if let Some(held) = try_lock_missing(target)? {
            return Ok(held);
        }
        std::thread::sleep(POLL);
    }
}

/// `.NAME.htpass-lock` beside `target`, NAME cut to fit.
fn missing_lock_path(target: &Path) -> PathBuf {
    let name = target.file_name().map(name_bytes).unwrap_or(b"");
    let keep = name.len().min(NAME_MAX - 1 - MISSING_LOCK_SUFFIX.len());
    let mut lock = b".".to_vec();
    lock.extend_from_slice(&name[..keep]);
    lock.extend_from_slice(MISSING_LOCK_SUFFIX);
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    directory.join(name_from_bytes(lock))
}

/// Nothing: std opens no directory handle that `FlushFileBuffers` accepts,
/// and NTFS records a rename in its journal, which it commits on its own
/// within seconds. The new content itself was flushed before the rename.
pub(crate) fn sync_directory(_directory: &Path) -> io::Result<()> {
    Ok(())
}

/// Windows has no FIFOs; what is neither a file nor a directory is a
/// device (`NUL`, `CON`), written in place.
pub(crate) fn kind(metadata: &Metadata) -> Kind {
    if metadata.is_file() {
        Kind::Regular
    } else if metadata.is_dir() {
        Kind::Directory
    } else {
        Kind::Special
    }
}

/// Whether `target` still names the file `locked` is open on: the same
/// volume and file index, and that file not removed since (a rename over
/// it with POSIX semantics leaves it open but without a name).
pub(crate) fn same_file(target: &Path, locked: &File) -> io::Result<bool> {
    // Attributes only: no sharing mode of another program's can refuse it.
    let now = OpenOptions::new()
        .access_mode(FILE_READ_ATTRIBUTES)
        .open(target)?;
    let (now, locked) = (
        winapi_util::file::information(&now)?,
        winapi_util::file::information(locked)?,
    );
    Ok(locked.number_of_links() > 0
        && now.volume_serial_number() == locked.volume_serial_number()
        && now.file_index() == locked.file_index())
}

/// A name for the file that stays while its content is rewritten in place
/// and that no other file has at the same time: volume and file index.
pub(crate) fn file_id(file: &File) -> io::Result<String> {
    let information = winapi_util::file::information(file)?;
    Ok(format!(
        "{:x}-{:x}",
        information.volume_serial_number(),
        information.file_index()
    ))
}

/// Nothing to do: see the module doc on ACLs.
pub(crate) fn keep_owner(_file: &File, _original: &Metadata) -> io::Result<()> {
    Ok(())
}

/// Who owns the file, for a message ([`keep_owner`] never refuses here).
pub(crate) fn describe_owner(_metadata: &Metadata) -> String {
    "another account".to_owned()
}

/// Gives `file` the attributes `original` has (hidden, archive...; its
/// read-only one is never set, since FILE was opened for writing). This
/// also clears the "temporary" attribute `tempfile` creates files with,
/// which would keep FILE's later changes in memory rather than on disk.
pub(crate) fn keep_mode(file: &File, original: &Metadata) -> io::Result<()> {
    file.set_permissions(original.permissions())
}

/// New files get the ACL their directory gives them.
pub(crate) fn new_file_permissions() -> Option<Permissions> {
    None
}

/// A name's bytes: UTF-8 for every name Windows shows (WTF-8, an unpaired
/// surrogate included, for the rest).
pub(crate) fn name_bytes(name: &OsStr) -> &[u8] {
    name.as_encoded_bytes()
}

/// The name for these bytes. Names are built from FILE's (or ASCII) and
/// cut only where one would not fit, which can split a character: that is
/// replaced by U+FFFD, one UTF-16 unit for at least one byte, so the name
/// still fits. (A name with an unpaired surrogate is changed the same way:
/// std has no checked way back from such bytes without `unsafe`.)
pub(crate) fn name_from_bytes(bytes: Vec<u8>) -> OsString {
    match String::from_utf8(bytes) {
        Ok(name) => name.into(),
        Err(error) => String::from_utf8_lossy(error.as_bytes())
            .into_owned()
            .into(),
    }
}

/// A device opens at once: Windows has no FIFOs to wait on.
pub(crate) fn open_writer_if_read(path: &Path) -> io::Result<Option<File>> {
    OpenOptions::new().write(true).open(path).map(Some)
}

/// No such hint on Windows.
pub(crate) fn advise_written(_file: &File, _offset: u64, _length: NonZeroU64) {}

/// Whether a failed rename over FILE means that FILE cannot be renamed over
/// at all, so it must be rewritten in place: another program holds FILE
/// open without `FILE_SHARE_DELETE` (the C runtime's `fopen` does), which
/// even a rename with POSIX semantics cannot replace (access denied, or a
/// sharing violation); or FILE's ACL lets this user write it but not
/// delete it; or FILE is on another volume than its directory.
pub(crate) fn cannot_rename_over(error: &io::Error) -> bool {
    matches!(
        error.raw_os_error(),
        Some(ERROR_ACCESS_DENIED | ERROR_SHARING_VIOLATION | ERROR_NOT_SAME_DEVICE)
    )
}

/// Windows has no attribute that refuses even its owner (what EPERM means
/// on Unix); a read-only file is refused as access denied.
pub(crate) fn is_not_permitted(_error: &io::Error) -> bool {
    false
}

/// The advice for [`is_not_permitted`], which never holds here.
pub(crate) const NOT_PERMITTED_ADVICE: &str = "see the file's properties";

/// Too many symbolic links or junctions on the way.
pub(crate) fn is_symlink_loop(error: &io::Error) -> bool {
    error.raw_os_error() == Some(ERROR_CANT_RESOLVE_FILENAME)
}
