//! What is at FILE's path, with symbolic links followed, and whether the
//! path still names the file that was locked.
//!
//! What it must never do: open FILE (a lock-holding process must not open
//! and close FILE again: see [`crate::sys`] on locks), or change anything.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::sys::{self, Kind};

use super::explain::{self, access};

/// Linux's own limit on symbolic links followed in one path (`MAXSYMLINKS`).
const MAX_SYMLINKS: usize = 40;

/// What is at FILE's path, symbolic links followed.
pub(super) enum Found {
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

pub(super) fn inspect(path: &Path) -> Result<Found, Error> {
    match fs::metadata(path) {
        Ok(metadata) => Ok(match sys::kind(&metadata) {
            Kind::Regular => Found::Regular {
                target: resolve(path)?,
            },
            Kind::Directory => Found::Directory,
            Kind::Special => Found::Special,
            Kind::Unsupported(what) => Found::Unsupported(what),
        }),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Found::Missing {
            target: resolve(path)?,
        }),
        Err(error) => Err(explain::cannot_open(path, error)),
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
    Err(explain::symlink_loop(path))
}

/// The directory holding `path` (`.` for a bare file name).
pub(super) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Whether `path` still leads to the file `locked` refers to.
pub(super) fn still_names(path: &Path, target: &Path, locked: &File) -> Result<bool, Error> {
    let locked = locked
        .metadata()
        .map_err(|error| access(path, "lock", error))?;
    if resolve(path)? != target {
        return Ok(false);
    }
    match fs::metadata(target) {
        Ok(now) => Ok(sys::same_file(&now, &locked)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(access(path, "lock", error)),
    }
}
