//! FILE rewritten in place, where it cannot be renamed over: a single-file
//! bind mount (`docker run -v ./htpasswd:/auth/htpasswd`, a compose volume,
//! a Kubernetes `subPath`: the rename fails with EBUSY), a read-only
//! directory holding a writable file (no temporary file can be made beside
//! it), and on Windows a file another program holds open. Apache's htpasswd
//! always rewrites in place (truncate, then copy; compat spec §7.5), so it
//! works there, and so must htpass, without Apache's risk of a truncated
//! file:
//!
//! 1. under FILE's lock, the complete new content is written and fsynced in
//!    a *recovery copy*: the temporary file beside FILE, renamed to
//!    `.NAME.htpass-recovery`, or, where FILE's directory is not writable, a
//!    file in the temporary directory named after FILE's device and inode
//!    (`htpass-recovery-DEV-INO`, which stays FILE's while it is rewritten
//!    in place). Only a complete copy ever has that name;
//! 2. the user is told, once ([`Notice::InPlace`]);
//! 3. FILE is overwritten from the start with the copy, cut to its length
//!    and fsynced; its inode, owner, mode and hard links stay;
//! 4. the recovery copy is removed.
//!
//! A crash during step 3 leaves FILE half new, half old, and the recovery
//! copy whole: the next run that takes FILE's lock writes the copy back
//! before anything else ([`repair`], [`Notice::Repaired`]). Readers take no
//! lock, so one that reads FILE during step 3 may see it mixed.
//!
//! What it must never do: write FILE's first byte before the whole new
//! content is on disk elsewhere, remove a recovery copy before FILE holds
//! all of it, or write back a recovery copy that is not FILE's.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::Error;
use crate::sys;

use super::explain::access;
use super::locate::parent_dir;
use super::replace::sync_dir;
use super::temp::NAME_MAX;
use super::{BUFFER_BYTES, InPlaceWhy, Notice, Phase, reached, tell};

/// `.NAME` + this, beside FILE.
const RECOVERY_SUFFIX: &str = ".htpass-recovery";
/// This + FILE's id, beside FILE when NAME is too long, or in the
/// temporary directory.
const RECOVERY_PREFIX: &str = "htpass-recovery-";

/// Whether a temporary file that could not be made beside FILE can be made
/// elsewhere, FILE being rewritten in place: FILE's directory refuses new
/// files (modes, an immutable directory, a read-only file system under a
/// writable bind-mounted FILE), while FILE itself was opened for writing.
pub(super) fn may_stage_elsewhere(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

/// A temporary file in the temporary directory, for the new content of a
/// FILE whose directory refused one (`beside_error`).
pub(super) fn temp_elsewhere(path: &Path, beside_error: io::Error) -> Result<NamedTempFile, Error> {
    tempfile::Builder::new()
        .prefix(".htpass-")
        .tempfile_in(std::env::temp_dir())
        .map_err(|error| {
            access(
                path,
                "create a temporary file",
                io::Error::new(
                    beside_error.kind(),
                    format!(
                        "not in the file's directory ({beside_error}) nor in the temporary \
                         directory {} ({error}); give this user write permission on one of \
                         them (or set TMPDIR to a writable directory); the file was left unchanged",
                        std::env::temp_dir().display()
                    ),
                ),
            )
        })
}

/// Every name a recovery copy of `target` (opened as `locked`) may have.
fn recovery_names(target: &Path, locked: &File) -> io::Result<[PathBuf; 2]> {
    let id = sys::file_id(&locked.metadata()?);
    let directory = parent_dir(target);
    let name = target.file_name().map(sys::name_bytes).unwrap_or(b"");
    let beside = if 1 + name.len() + RECOVERY_SUFFIX.len() <= NAME_MAX {
        let mut beside = b".".to_vec();
        beside.extend_from_slice(name);
        beside.extend_from_slice(RECOVERY_SUFFIX.as_bytes());
        directory.join(sys::name_from_bytes(beside))
    } else {
        directory.join(format!(".{RECOVERY_PREFIX}{id}"))
    };
    let elsewhere = std::env::temp_dir().join(format!("{RECOVERY_PREFIX}{id}"));
    Ok([beside, elsewhere])
}

/// Makes `temp` (the complete new content, fsynced) the recovery copy,
/// then rewrites FILE (`locked`) from it and removes it.
pub(super) fn rewrite(
    path: &Path,
    target: &Path,
    locked: &File,
    temp: NamedTempFile,
    why: InPlaceWhy,
) -> Result<(), Error> {
    let [beside, elsewhere] =
        recovery_names(target, locked).map_err(|error| access(path, "read", error))?;
    let recovery = match why {
        InPlaceWhy::CannotRename => beside,
        InPlaceWhy::DirectoryNotWritable => elsewhere,
    };
    let mut copy = temp.persist(&recovery).map_err(|refused| {
        access(
            path,
            "keep a recovery copy for an in-place rewrite of",
            refused.error,
        )
    })?;
    // The copy's name must be durable before FILE's first byte changes.
    sync_dir(path, parent_dir(&recovery))?;
    tell(Notice::InPlace {
        path,
        why,
        recovery: &recovery,
    });
    write_back(path, locked, &mut copy, &recovery)?;
    drop(copy);
    remove(path, &recovery)
}

/// Writes back a recovery copy that an interrupted in-place rewrite of
/// FILE (`locked`, whose lock this process holds) left, if there is one.
pub(super) fn repair(path: &Path, target: &Path, locked: &File) -> Result<(), Error> {
    let names = recovery_names(target, locked).map_err(|error| access(path, "read", error))?;
    for recovery in names {
        let mut copy = match File::open(&recovery) {
            Ok(copy) => copy,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => {
                return Err(access(
                    path,
                    "write back the recovery copy of an interrupted in-place rewrite of",
                    io::Error::new(
                        error.kind(),
                        format!(
                            "{}: {error}; copy it over the file yourself, then remove it",
                            recovery.display()
                        ),
                    ),
                ));
            }
        };
        if !copy.metadata().is_ok_and(|metadata| metadata.is_file()) {
            continue;
        }
        write_back(path, locked, &mut copy, &recovery)?;
        tell(Notice::Repaired {
            path,
            recovery: &recovery,
        });
        drop(copy);
        remove(path, &recovery)?;
    }
    Ok(())
}

/// Overwrites FILE from the start with `copy`, cuts it to the copy's
/// length, and makes that durable.
fn write_back(path: &Path, locked: &File, copy: &mut File, recovery: &Path) -> Result<(), Error> {
    let failed = |error: io::Error| Error::InPlaceIncomplete {
        path: path.to_path_buf(),
        recovery: recovery.to_path_buf(),
        source: error,
    };
    copy.seek(SeekFrom::Start(0)).map_err(failed)?;
    let mut file = locked;
    file.seek(SeekFrom::Start(0)).map_err(failed)?;
    let mut buffer = vec![0; BUFFER_BYTES];
    let mut length = 0u64;
    let mut reported = false;
    loop {
        let read = match copy.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(failed(error)),
        };
        file.write_all(&buffer[..read]).map_err(failed)?;
        length += read as u64;
        if !reported {
            reported = true;
            reached(Phase::Rewrite);
        }
    }
    file.set_len(length).map_err(failed)?;
    file.sync_all().map_err(failed)?;
    // A repair is followed by the update, which reads FILE from here.
    file.seek(SeekFrom::Start(0)).map_err(failed)?;
    Ok(())
}

/// Removes a recovery copy FILE now holds whole. A copy that stayed would
/// be written back by the next run, over any change made since, so a
/// failure is an error (and a run that repaired FILE changes nothing more).
fn remove(path: &Path, recovery: &Path) -> Result<(), Error> {
    fs::remove_file(recovery).map_err(|error| {
        access(
            path,
            "remove the recovery copy of",
            io::Error::new(
                error.kind(),
                format!(
                    "{}: {error}; the file holds the new version: remove the copy yourself \
                     before the next change, or it will be written back over that change",
                    recovery.display()
                ),
            ),
        )
    })?;
    // Best effort: if the removal is lost in a crash, the copy is written
    // back once more, and FILE holds the same content already.
    let _ = sys::open_directory(parent_dir(recovery)).and_then(|directory| directory.sync_all());
    Ok(())
}
