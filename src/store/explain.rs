//! The store's errors, each with what to do about it: the system's own
//! words (`Permission denied (os error 13)`) say what went wrong, the advice
//! appended here says what to do next.
//!
//! What it must never do: put a file's content into a message.

use std::io;
use std::path::Path;

use crate::error::Error;
use crate::sys;

pub(super) fn access(path: &Path, action: &'static str, source: io::Error) -> Error {
    Error::FileAccess {
        path: path.to_path_buf(),
        action,
        source,
    }
}

/// The same error with what to do about it appended to its message.
fn advise(error: io::Error, advice: &str) -> io::Error {
    io::Error::new(error.kind(), format!("{error}; {advice}"))
}

/// Advice that fits any path a command was given, or `None`.
fn advice_for_any_path(error: &io::Error, path: &Path) -> Option<String> {
    if sys::is_symlink_loop(error) {
        return Some(
            "the symbolic links lead round in a circle: look at them with `ls -l` \
             and point one at the real file"
                .to_owned(),
        );
    }
    match error.kind() {
        io::ErrorKind::NotADirectory => Some(format!(
            "a part of {} is a file, not a directory: check the path",
            path.display()
        )),
        _ => None,
    }
}

fn with_advice_for_any_path(error: io::Error, path: &Path) -> io::Error {
    match advice_for_any_path(&error, path) {
        Some(advice) => advise(error, &advice),
        None => error,
    }
}

/// FILE's path could not even be looked at (`stat`).
pub(super) fn cannot_open(path: &Path, error: io::Error) -> Error {
    let error = match error.kind() {
        io::ErrorKind::PermissionDenied => advise(
            error,
            "this user may not look into a directory on the path: run as a user who may, \
             or give this user search (x) permission on it",
        ),
        _ => with_advice_for_any_path(error, path),
    };
    access(path, "open", error)
}

/// FILE could not be opened for reading (verify, list, check, export).
pub(super) fn cannot_read(path: &Path, error: io::Error) -> Error {
    match error.kind() {
        io::ErrorKind::NotFound => Error::FileNotFound {
            path: path.to_path_buf(),
        },
        io::ErrorKind::PermissionDenied => access(
            path,
            "open for reading",
            advise(
                error,
                "this user may not read the file: run as a user who may (its owner, or \
                 through sudo), or let this user read it (chmod, chgrp)",
            ),
        ),
        _ => access(
            path,
            "open for reading",
            with_advice_for_any_path(error, path),
        ),
    }
}

/// A missing FILE could not be created because its directory cannot be
/// opened.
pub(super) fn cannot_create(path: &Path, error: io::Error) -> Error {
    let directory = super::locate::parent_dir(path);
    let error = match error.kind() {
        io::ErrorKind::NotFound => advise(
            error,
            &format!(
                "the directory {} does not exist: create it first (mkdir -p), or check the path",
                directory.display()
            ),
        ),
        io::ErrorKind::PermissionDenied => advise(
            error,
            &format!(
                "this user may not open the directory {}: run as a user who may, \
                 or give this user access to it",
                directory.display()
            ),
        ),
        _ => with_advice_for_any_path(error, path),
    };
    access(path, "create", error)
}

pub(super) fn symlink_loop(path: &Path) -> Error {
    access(
        path,
        "follow the symbolic link",
        io::Error::other(
            "more than 40 levels of symbolic links; the links lead round in a circle: \
             look at them with `ls -l` and point one at the real file",
        ),
    )
}

/// An error opening FILE for writing, with what to do about it.
pub(super) fn not_writable(error: io::Error) -> io::Error {
    match error.kind() {
        // EPERM (where modes would give EACCES): an attribute such as
        // immutable, which even root must clear first.
        io::ErrorKind::PermissionDenied if sys::is_not_permitted(&error) => advise(
            error,
            &format!(
                "the file may not be changed by anyone ({}): clear that attribute first; \
                 the file was left unchanged",
                sys::NOT_PERMITTED_ADVICE
            ),
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
        _ => match advice_for_any_path(&error, Path::new("the path")) {
            Some(advice) => advise(error, &advice),
            None => error,
        },
    }
}

/// An error creating the temporary file, with what to do about it.
pub(super) fn no_temp(error: io::Error) -> io::Error {
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
        _ => full_io(error),
    }
}

/// A write of the new version that ran out of room, with what to do about it.
pub(super) fn full_io(error: io::Error) -> io::Error {
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

/// [`full_io`] for the error of a write, from us or from `edit`.
pub(super) fn full(error: Error) -> Error {
    match error {
        Error::FileAccess {
            path,
            action,
            source,
        } => Error::FileAccess {
            path,
            action,
            source: full_io(source),
        },
        other => other,
    }
}

pub(super) fn is_a_directory(path: &Path) -> Error {
    access(
        path,
        "open",
        io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory; give the path of the password file",
        ),
    )
}

pub(super) fn unsupported(path: &Path, what: &'static str) -> Error {
    access(
        path,
        "open",
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("is {what}, not a password file; give the path of a regular file"),
        ),
    )
}

pub(super) fn special_not_updatable(path: &Path) -> Error {
    access(
        path,
        "open for reading and writing",
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file, so there is nothing to update; \
             only replacing it (create --force, htpasswd -c) writes to it",
        ),
    )
}
