//! The new version of FILE written to a temporary file beside it, fsynced,
//! and renamed over it (or, FILE missing, renamed into place without
//! clobbering what another program may have made meanwhile). Where the
//! rename cannot be done, or no file can be made beside FILE, the change
//! goes through [`super::in_place`] instead.
//!
//! What it must never do: rename before the new content is on disk with
//! FILE's owner and mode, or give FILE away to another owner.

use std::fs::{File, Metadata};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use tempfile::NamedTempFile;

use crate::error::Error;
use crate::interrupt::WriteUnderWay;
use crate::sys;

use super::explain::{self, access};
use super::in_place;
use super::locate::parent_dir;
use super::temp::{self, TempWriter};
use super::{
    BUFFER_BYTES, Edit, InPlaceWhy, OpenMode, Outcome, Phase, UPDATE_READ_BYTES, Updated, reached,
};

/// Where the new version is written.
enum Staged {
    /// Beside FILE, to be renamed over it.
    Beside(NamedTempFile),
    /// In the temporary directory, FILE's own being read-only: it becomes
    /// the recovery copy FILE is rewritten from in place.
    Elsewhere(NamedTempFile),
}

/// FILE exists and is locked: stream it through `edit` into a temporary
/// file, then rename that over `target`.
pub(super) fn replace<T>(
    path: &Path,
    target: &Path,
    locked: &File,
    mode: OpenMode,
    write: &WriteUnderWay,
    edit: impl Edit<T>,
) -> Result<Updated<T>, Error> {
    let original = locked
        .metadata()
        .map_err(|error| access(path, "read", error))?;
    // Mode 0600 while being written; it gets FILE's mode just before the rename.
    let mut staged = match temp::beside(target, None) {
        Ok(temp) => Staged::Beside(temp),
        Err(error) if in_place::may_stage_elsewhere(&error) => {
            Staged::Elsewhere(in_place::temp_elsewhere(path, error)?)
        }
        Err(error) => return Err(temp::not_made(path, error)),
    };
    let temp_file = match &mut staged {
        Staged::Beside(temp) | Staged::Elsewhere(temp) => temp.as_file_mut(),
    };
    let mut reader = match mode {
        OpenMode::Overwrite => None,
        _ => Some(BufReader::with_capacity(UPDATE_READ_BYTES, locked)),
    };
    let (outcome, value) = stream(TempWriter::new(temp_file), path, |writer| {
        edit(
            reader.as_mut().map(|reader| reader as &mut dyn BufRead),
            writer,
        )
    })
    .map_err(explain::full)?;
    drop(reader);
    let unchanged = Updated {
        value,
        created: false,
        written: false,
    };
    match staged {
        _ if outcome == Outcome::Unchanged => {
            let (Staged::Beside(temp) | Staged::Elsewhere(temp)) = staged;
            temp::discard(temp);
            return Ok(unchanged);
        }
        Staged::Beside(temp) => {
            keep_owner_and_mode(path, temp.as_file(), &original)?;
            on_disk(path, &temp)?;
            // An interrupt abandons the change here: `temp` is dropped and
            // removed.
            write.commit(|| match temp.persist(target) {
                Ok(_) => Ok(()),
                Err(refused) if sys::cannot_rename_over(&refused.error) => {
                    in_place::rewrite(path, target, locked, refused.file, InPlaceWhy::CannotRename)
                }
                Err(refused) => Err(access(path, "replace", refused.error)),
            })?;
            sync_dir(path, parent_dir(target))?;
        }
        Staged::Elsewhere(temp) => {
            on_disk(path, &temp)?;
            write.commit(|| {
                in_place::rewrite(path, target, locked, temp, InPlaceWhy::DirectoryNotWritable)
            })?;
        }
    }
    Ok(Updated {
        written: true,
        ..unchanged
    })
}

/// FILE is missing and its directory is locked: write the new file.
pub(super) fn create<T>(
    path: &Path,
    target: &Path,
    directory: &File,
    mode: OpenMode,
    write: &WriteUnderWay,
    edit: impl Edit<T>,
) -> Result<Updated<T>, Error> {
    // 0666 through open(), so the umask applies exactly as for Apache's
    // new files; the mode is never changed afterwards.
    let mut temp = temp::beside(target, sys::new_file_permissions())
        .map_err(|error| temp::not_made(path, error))?;
    let (outcome, value) = stream(TempWriter::new(temp.as_file_mut()), path, |writer| {
        edit(None, writer)
    })
    .map_err(explain::full)?;
    if outcome == Outcome::Unchanged {
        temp::discard(temp);
        return Ok(Updated {
            value,
            created: false,
            written: false,
        });
    }
    on_disk(path, &temp)?;
    // Every htpass process locks the directory before creating FILE; a
    // program that does not could still have created it meanwhile, and its
    // content must not be lost without being read.
    let persisted = write.commit(|| {
        let persisted = match mode {
            OpenMode::Overwrite => temp.persist(target).map(drop),
            _ => temp.persist_noclobber(target).map(drop),
        };
        Ok(persisted.map_err(|refused| refused.error))
    })?;
    persisted.map_err(|error| match error.kind() {
        io::ErrorKind::AlreadyExists if mode == OpenMode::CreateNew => Error::FileExists {
            path: path.to_path_buf(),
        },
        io::ErrorKind::AlreadyExists => access(
            path,
            "create",
            io::Error::new(
                io::ErrorKind::AlreadyExists,
                "another program created the file at the same time; nothing was written, try again",
            ),
        ),
        _ => access(path, "create", error),
    })?;
    sync_dir_handle(path, directory)?;
    Ok(Updated {
        value,
        created: true,
        written: true,
    })
}

/// Runs `edit` over a buffered `inner`. Only a `Changed` result is flushed;
/// on an error or `Unchanged` the buffer is dropped unwritten (`into_parts`,
/// since dropping a `BufWriter` would flush it).
pub(super) fn stream<W: Write, T>(
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

/// fsync before rename: otherwise a crash could leave the new name pointing
/// at a file whose blocks never reached the disk.
fn on_disk(path: &Path, temp: &NamedTempFile) -> Result<(), Error> {
    temp.as_file()
        .sync_all()
        .map_err(|error| explain::full(access(path, "write", error)))?;
    reached(Phase::Rename);
    Ok(())
}

/// Gives the temporary file FILE's owner, group and mode. Owner first:
/// `chown` clears the set-user-ID and set-group-ID bits.
fn keep_owner_and_mode(path: &Path, temp: &File, original: &Metadata) -> Result<(), Error> {
    sys::keep_owner(temp, original).map_err(|error| {
        if error.kind() == io::ErrorKind::PermissionDenied {
            access(
                path,
                "keep the owner of",
                io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!(
                        "the file belongs to {}, which this user cannot give \
                         to the new version; run as root or as that user (the file was left unchanged)",
                        sys::describe_owner(original)
                    ),
                ),
            )
        } else {
            access(path, "keep the owner of", error)
        }
    })?;
    sys::keep_mode(temp, original).map_err(|error| access(path, "keep the mode of", error))
}

/// Makes a rename in `directory` durable.
pub(super) fn sync_dir(path: &Path, directory: &Path) -> Result<(), Error> {
    let directory = sys::open_directory(directory)
        .map_err(|error| access(path, "sync the directory of", error))?;
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
