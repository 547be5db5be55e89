//! Unix (Linux, macOS, the BSDs): see [`crate::sys`] for the interface.
//!
//! The lock on FILE. Scripts serialise Apache's htpasswd, which never locks,
//! with `flock FILE htpasswd ...`; flock(1) holds a `flock(2)` lock on FILE
//! while its child runs. If htpass locked FILE with `flock(2)` too, it would
//! wait forever for its own parent. So on Linux htpass takes an
//! open-file-description lock (`F_OFD_SETLK`): a kind of lock that the
//! kernel keeps apart from `flock(2)` locks (on local file systems; NFS
//! emulates `flock` with byte-range locks, so there the wrapper and htpass
//! still meet, and the wait is announced), that belongs to the open file
//! and not to the process (so two threads, or two opens in one process,
//! exclude each other, and closing some other descriptor of FILE does not
//! drop it), and that is released when the file is closed, a killed process
//! included. Elsewhere, `flock(2)` (the standard library's `File::lock`),
//! which on the BSDs and macOS is the one lock the other tools use too.

use std::ffi::{OsStr, OsString};
use std::fs::{File, Metadata, OpenOptions, Permissions};
use std::io;
use std::num::NonZeroU64;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt, fchown};
use std::path::Path;

use super::Kind;

/// Takes the exclusive lock on FILE if it is free; `Ok(false)` if another
/// open file holds it.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn try_lock_file(file: &File) -> io::Result<bool> {
    use nix::errno::Errno;
    match nix::fcntl::fcntl(
        file,
        nix::fcntl::FcntlArg::F_OFD_SETLK(&whole_file_write_lock()),
    ) {
        Ok(_) => Ok(true),
        Err(Errno::EAGAIN | Errno::EACCES) => Ok(false),
        Err(errno) => Err(io::Error::from(errno)),
    }
}

/// Waits for the exclusive lock on FILE, then takes it.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn lock_file(file: &File) -> io::Result<()> {
    use nix::errno::Errno;
    loop {
        match nix::fcntl::fcntl(
            file,
            nix::fcntl::FcntlArg::F_OFD_SETLKW(&whole_file_write_lock()),
        ) {
            Ok(_) => return Ok(()),
            Err(Errno::EINTR) => continue,
            Err(errno) => return Err(io::Error::from(errno)),
        }
    }
}

/// A write lock on every byte of the file, present and future (`l_len` 0).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn whole_file_write_lock() -> libc::flock {
    libc::flock {
        l_type: libc::F_WRLCK as _,
        l_whence: libc::SEEK_SET as _,
        l_start: 0,
        l_len: 0,
        // Must be 0 for open-file-description locks.
        l_pid: 0,
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn try_lock_file(file: &File) -> io::Result<bool> {
    try_lock_directory(file)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn lock_file(file: &File) -> io::Result<()> {
    lock_directory(file)
}

/// A directory opened so that it can be locked and fsynced.
pub(crate) fn open_directory(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Takes the lock on a directory (opened read-only, which a byte-range
/// lock cannot be written through, hence `flock(2)`) if it is free.
pub(crate) fn try_lock_directory(directory: &File) -> io::Result<bool> {
    match directory.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(error)) => Err(error),
    }
}

/// Waits for the lock on a directory, then takes it.
pub(crate) fn lock_directory(directory: &File) -> io::Result<()> {
    directory.lock()
}

pub(crate) fn kind(metadata: &Metadata) -> Kind {
    let kind = metadata.file_type();
    if kind.is_file() {
        Kind::Regular
    } else if kind.is_dir() {
        Kind::Directory
    } else if kind.is_fifo() || kind.is_char_device() {
        Kind::Special
    } else if kind.is_block_device() {
        Kind::Unsupported("a block device")
    } else if kind.is_socket() {
        Kind::Unsupported("a socket")
    } else {
        Kind::Unsupported("neither a file nor a directory")
    }
}

/// Whether two metadata describe the same file (device and inode).
pub(crate) fn same_file(a: &Metadata, b: &Metadata) -> bool {
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// A name for the file that stays while its content is rewritten in place
/// and that no other file has at the same time: device and inode.
pub(crate) fn file_id(metadata: &Metadata) -> String {
    format!("{:x}-{:x}", metadata.dev(), metadata.ino())
}

/// Gives `file` the owner and group `original` has, where they differ.
/// `Err(PermissionDenied)` when this user may not.
pub(crate) fn keep_owner(file: &File, original: &Metadata) -> io::Result<()> {
    let current = file.metadata()?;
    let uid = (current.uid() != original.uid()).then_some(original.uid());
    let gid = (current.gid() != original.gid()).then_some(original.gid());
    if uid.is_some() || gid.is_some() {
        fchown(file, uid, gid)?;
    }
    Ok(())
}

/// Who owns the file, for a message.
pub(crate) fn describe_owner(metadata: &Metadata) -> String {
    format!("user {} and group {}", metadata.uid(), metadata.gid())
}

/// Gives `file` the permission bits `original` has (after [`keep_owner`]:
/// `chown` clears the set-user-ID and set-group-ID bits).
pub(crate) fn keep_mode(file: &File, original: &Metadata) -> io::Result<()> {
    file.set_permissions(Permissions::from_mode(original.mode() & 0o7777))
}

/// What a new file is created with: 0666, from which the umask takes its
/// bits, as for Apache's new files.
pub(crate) fn new_file_permissions() -> Option<Permissions> {
    Some(Permissions::from_mode(0o666))
}

pub(crate) fn name_bytes(name: &OsStr) -> &[u8] {
    name.as_bytes()
}

pub(crate) fn name_from_bytes(bytes: Vec<u8>) -> OsString {
    OsString::from_vec(bytes)
}

/// Opens a FIFO or character device for writing if that will not block:
/// `Ok(None)` while a FIFO has no reader (a non-blocking open fails with
/// ENXIO then). Once a reader is there the device is opened again,
/// blocking, because writes on a non-blocking descriptor could fail half
/// way with EAGAIN.
pub(crate) fn open_writer_if_read(path: &Path) -> io::Result<Option<File>> {
    match OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    {
        Ok(probe) => {
            let device = OpenOptions::new().write(true).open(path)?;
            drop(probe);
            Ok(Some(device))
        }
        Err(error) if error.raw_os_error() == Some(libc::ENXIO) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Asks the kernel to start writing `length` bytes from `offset` back to
/// disk (`posix_fadvise(DONTNEED)` starts writeback of dirty pages and
/// drops none of them). Only a hint: where there is no such call, nothing.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
pub(crate) fn advise_written(file: &File, offset: u64, length: NonZeroU64) {
    use rustix::fs::{Advice, fadvise};
    let _ = fadvise(file, offset, Some(length), Advice::DontNeed);
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
pub(crate) fn advise_written(_file: &File, _offset: u64, _length: NonZeroU64) {}

/// Whether a failed rename over FILE means that FILE cannot be renamed over
/// at all, so it must be rewritten in place: FILE is a mount point (a
/// single-file bind mount: EBUSY), or on another file system than its
/// directory (EXDEV).
pub(crate) fn cannot_rename_over(error: &io::Error) -> bool {
    matches!(error.raw_os_error(), Some(libc::EBUSY | libc::EXDEV))
}

/// EPERM where modes would have said EACCES: an attribute such as
/// immutable or append-only (`chattr +i`, `chflags uchg`).
pub(crate) fn is_not_permitted(error: &io::Error) -> bool {
    error.raw_os_error() == Some(libc::EPERM)
}

/// The advice for EPERM.
pub(crate) const NOT_PERMITTED_ADVICE: &str = "immutable or append-only? see lsattr";

/// ELOOP: too many levels of symbolic links.
pub(crate) fn is_symlink_loop(error: &io::Error) -> bool {
    error.raw_os_error() == Some(libc::ELOOP)
}
