//! Apache group files (`AuthGroupFile`, read by `mod_authz_groupfile` for
//! `Require group NAME`): read as Apache reads them, changed through the
//! same store as htpasswd files ([`crate::store::update`]: lock, atomic
//! replace or the in-place fallback, every other byte kept).
//!
//! | part | job |
//! |---|---|
//! | this file | the API: [`add`], [`remove`], [`delete`], [`remove_everywhere`], [`read`], [`validate`], [`audit_file`] |
//! | `name` | [`GroupName`] and the rules for a member being added ([`new_member`]) |
//! | `read` | a file's lines as Apache reads them, and a group line's parts |
//! | `edit` | a file copied with some lines changed, dropped or appended |
//! | `audit` | `check FILE --groups`: members without an entry, lines Apache misreads |
//!
//! # How Apache httpd 2.4 reads a group file
//!
//! From `modules/aaa/mod_authz_groupfile.c` (`groups_for_user`) and
//! `server/util.c` (`ap_varbuf_cfg_getline`, `ap_cfg_getline_core`,
//! `cfg_trim_line`, `ap_getword`, `ap_getword_conf`, `substring_conf`),
//! the same in 2.4.62 and trunk, and checked against the real server
//! (`tests/interop/apache_groups.rs`):
//!
//! - **Lines.** A line ending in `\` (before its `\n` or `\r\n`) goes on
//!   in the next line: the `\` and the line ending are dropped and the two
//!   are joined with nothing between them. This holds for a comment too,
//!   which then swallows the next line. White space (C's `isspace`: space,
//!   `\t`, `\n`, `\v`, `\f`, `\r`) at either end of the joined line is
//!   dropped. A NUL byte ends what is read of its line: the rest is
//!   ignored (or, past the end of Apache's line buffer at that moment, 512
//!   bytes at first, read as a line of its own), and it hides a `\` that
//!   would continue the line.
//! - **Length.** Lines are read into a buffer that grows to 16 MiB
//!   (`VARBUF_MAX_LEN`, not `MAX_STRING_LEN`). A longer line ends the
//!   reading: Apache takes the groups read before it and silently ignores
//!   that line and *every line after it*. Measured: 16,777,215 bytes before
//!   the `\n` (counting a `\r`) are read, one more byte is not
//!   ([`MAX_LINE_BYTES`]; at the very end of a file without a `\n` one byte
//!   more would do, which htpass does not count on).
//! - **Comments and blank lines.** `#` first (after the white space) makes
//!   a comment; an empty line is skipped.
//! - **A group line** is `NAME: MEMBER MEMBER ...`. The name is everything
//!   up to the first `:` (`ap_getword`), less white space at its end; every
//!   `:` right after it is skipped. A line without `:` is a group of that
//!   name without members, which lets nobody in: htpass calls it an error.
//! - **Members** are separated by white space and read as words of a
//!   configuration file (`ap_getword_conf`): a word starting with `"` or
//!   `'` runs to the matching quote (and may hold white space; `\"` in it is
//!   `"`); in any word `\\` is read as one `\`. A lone `\` stays itself
//!   (`DOMAIN\user` is read as written).
//! - **Matching.** A user is in a group if any line of that group lists
//!   them: a group written on two lines is their union (each line is looked
//!   at, `apr_table_setn` records the group). Member names are compared
//!   byte for byte (`strcmp`) with the name the user logged in with. Group
//!   names are compared without regard to ASCII case: the groups found are
//!   keys of an APR table, and `apr_table_get` compares keys with
//!   `strcasecmp`, so `Pusher:` satisfies `Require group pusher`.
//! - A byte-order mark is not skipped (outside Windows): it becomes part of
//!   the first line's group name.
//!
//! # What htpass does about it
//!
//! - Names being written are refused where Apache would read them back
//!   differently ([`GroupName::new`], [`new_member`]); names looked up (a
//!   member being removed, a group listed) are taken as they are.
//! - Group names are matched as Apache matches them (ASCII case ignored),
//!   and a group's lines are taken together: adding a member already on any
//!   line of the group changes nothing; a new member goes on the group's
//!   first line; removing takes a member off every line of the group.
//! - A file that Apache would not read as it looks (a line without `:`, a
//!   NUL byte, a line over [`MAX_LINE_BYTES`]) is refused by every command
//!   ([`Error::InvalidGroupFile`], exit 7) and left as it is; so is a change
//!   that would make a line longer than Apache reads
//!   ([`Error::GroupLineTooLong`], exit 5).
//! - Only the changed line is rewritten. A line continued with `\` that
//!   changes is written back as the one line Apache reads. A line appended
//!   after a last line ending in `\` gets an empty line before it, which
//!   ends the continuation (else Apache would join the two).
//!
//! What it must never do: write a line Apache would read differently from
//! what was asked (every changed line is parsed again and compared, see
//! `edit`), change a byte of a line it was not asked to change, or update a
//! file other than through [`crate::store`].

mod audit;
mod edit;
mod name;
mod read;

use std::io::BufRead;
use std::ops::ControlFlow;
use std::path::Path;

use crate::error::Error;
use crate::file::{self, MalformedLines};
use crate::store::{self, OpenMode, Updated};
use crate::username::Username;

pub use audit::{Audit, AuditFinding, AuditKind};
pub use name::{GroupName, new_member};
pub use read::{Kind, Line, MAX_LINE_BYTES, Problem, parse};

/// How often [`add`] reads the file again when another program changed it
/// between two of its reads (see [`add`]); each retry means someone else
/// wrote the file, so the cap only stops a pathological loop.
const MAX_ADD_ATTEMPTS: usize = 100;

/// What [`add`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Added {
    /// The group had no line: one was appended.
    pub group_created: bool,
    /// For each user given, in order: added (`true`) or already a member.
    pub added: Vec<bool>,
    /// The line the members were added to (its first line).
    pub line: u64,
}

/// What [`remove`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removed {
    /// Whether the file has a line of the group.
    pub group_found: bool,
    /// For each user given, in order: whether it was on a line of the group.
    pub removed: Vec<bool>,
}

/// A user taken off a group by [`remove_everywhere`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    /// Which of the users given (an index).
    pub user: usize,
    /// The group's name as the line writes it.
    pub group: Vec<u8>,
    /// The line's number (its first line).
    pub line: u64,
}

/// A group as Apache sees it: every line of the group taken together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The name as its first line writes it (after Apache's trimming).
    pub name: Vec<u8>,
    /// The numbers of its lines (each line's first line).
    pub lines: Vec<u64>,
    /// The members, each once, in the order they first appear.
    pub members: Vec<Vec<u8>>,
}

/// Adds `users` to `group` in the group file at `path`, creating the file
/// and the group as needed. A user already on a line of the group (in any
/// case of the group's name) is left alone; the others go at the end of the
/// group's first line, or on a new line `GROUP: USER...` at the end of the
/// file. Nothing changed: the file is not written (its inode is kept).
///
/// Whether a user is on a *later* line of the group is known only once the
/// first line has been written out. So the file is read as it is edited
/// and, in the rare file where the group's later lines hold a user just
/// added, that edit is discarded and made again knowing what the whole file
/// holds; the second pass checks that the file still holds what the first
/// one read (another program may write it without a lock) and otherwise
/// starts over.
///
/// `users` must be distinct (the front-end takes each name once).
pub fn add(path: &Path, group: &GroupName, users: &[Username]) -> Result<Updated<Added>, Error> {
    debug_assert!(is_distinct(users), "group::add needs distinct users");
    let mut known: Option<edit::Facts> = None;
    for _ in 0..MAX_ADD_ATTEMPTS {
        let updated = store::update(path, OpenMode::CreateIfMissing, |reader, writer| {
            edit::add(reader, writer, path, group, users, known.as_ref())
        })?;
        match updated.value {
            edit::AddPass::Done(added) => {
                return Ok(Updated {
                    value: added,
                    created: updated.created,
                    written: updated.written,
                });
            }
            edit::AddPass::Stale(facts) => known = Some(facts),
        }
    }
    Err(keeps_changing(path))
}

/// Takes `users` off every line of `group` in the group file at `path`. A
/// user on no line of the group, or a group the file does not have, changes
/// nothing (the file is not written). A line left without members stays
/// (`GROUP:`, a group nobody is in); [`delete`] removes a group.
///
/// `users` must be distinct.
pub fn remove(
    path: &Path,
    group: &GroupName,
    users: &[Username],
) -> Result<Updated<Removed>, Error> {
    debug_assert!(is_distinct(users), "group::remove needs distinct users");
    store::update(path, OpenMode::MustExist, |reader, writer| {
        let reader = reader.ok_or_else(|| not_found(path))?;
        edit::remove(reader, writer, path, group, users)
    })
    .map_err(|error| group_file_error(error, path))
}

/// Removes every line of `group` from the group file at `path`; returns how
/// many lines went (0: the file has no such group, and is not written).
pub fn delete(path: &Path, group: &GroupName) -> Result<Updated<usize>, Error> {
    store::update(path, OpenMode::MustExist, |reader, writer| {
        let reader = reader.ok_or_else(|| not_found(path))?;
        edit::delete(reader, writer, path, group)
    })
    .map_err(|error| group_file_error(error, path))
}

/// Takes `users` off every group of the group file at `path` (a user being
/// deleted from the htpasswd file, `htpass delete --groups`). Returns one
/// [`Membership`] per line a user was taken off; none: the file is not
/// written.
///
/// `users` must be distinct.
pub fn remove_everywhere(
    path: &Path,
    users: &[Username],
) -> Result<Updated<Vec<Membership>>, Error> {
    debug_assert!(
        is_distinct(users),
        "group::remove_everywhere needs distinct users"
    );
    store::update(path, OpenMode::MustExist, |reader, writer| {
        let reader = reader.ok_or_else(|| not_found(path))?;
        edit::remove_everywhere(reader, writer, path, users)
    })
    .map_err(|error| group_file_error(error, path))
}

/// The groups of the group file at `path`, as Apache sees them: the lines
/// of a group (its name in any ASCII case) taken together, in the order the
/// groups first appear. A file Apache would not read as it looks is
/// [`Error::InvalidGroupFile`].
///
/// The groups are held in memory (a group's lines may be anywhere in the
/// file); Apache itself reads the whole file at every request, so a group
/// file is small.
pub fn read(path: &Path) -> Result<Vec<Group>, Error> {
    store::read(path, |reader| groups(reader, path)).map_err(|error| group_file_error(error, path))
}

/// Reads the group file at `path` through and fails as [`read`] would,
/// without keeping anything: run before a change of another file that must
/// be followed by one of this file (`htpass delete --groups`), so that a
/// missing or broken group file stops the run before anything is changed.
pub fn validate(path: &Path) -> Result<(), Error> {
    store::read(path, |reader| {
        for_each_group_line(reader, path, |_, _| Ok(ControlFlow::Continue(())))
    })
    .map_err(|error| group_file_error(error, path))
}

/// Reads the group file at `path` for `htpass check FILE --groups`: its
/// lines that Apache reads otherwise than they look become findings, and
/// its members wait for [`find_entries`].
pub fn audit_file(path: &Path) -> Result<Audit, Error> {
    store::read(path, |reader| audit::audit(reader, path))
        .map_err(|error| group_file_error(error, path))
}

/// Streams the htpasswd file at `users` and tells `audit` of each entry,
/// so that [`Audit::findings`] names the members that have none.
pub fn find_entries(audit: &mut Audit, users: &Path) -> Result<(), Error> {
    store::read(users, |reader| {
        file::for_each_entry(reader, users, MalformedLines::Keep, |_, user, _| {
            audit.entry(user);
            Ok(ControlFlow::Continue(()))
        })
    })
}

/// The groups of a group file's content (see [`read`]).
pub fn groups(reader: &mut dyn BufRead, path: &Path) -> Result<Vec<Group>, Error> {
    let mut groups: Vec<Group> = Vec::new();
    for_each_group_line(reader, path, |line, kind| {
        if let Kind::Group(found) = kind {
            let index = match groups
                .iter()
                .position(|group| group.name.eq_ignore_ascii_case(found.name))
            {
                Some(index) => index,
                None => {
                    groups.push(Group {
                        name: found.name.to_vec(),
                        lines: Vec::new(),
                        members: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            let group = &mut groups[index];
            group.lines.push(line.number);
            for member in &found.members {
                if !group.members.iter().any(|known| **known == *member.name) {
                    group.members.push(member.name.to_vec());
                }
            }
        }
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(groups)
}

/// Calls `each` with every line of `reader` as Apache reads it, failing
/// at the first line Apache would not read as it looks.
fn for_each_group_line(
    reader: &mut dyn BufRead,
    path: &Path,
    mut each: impl FnMut(&Line, &Kind<'_>) -> Result<ControlFlow<()>, Error>,
) -> Result<(), Error> {
    read::for_each_line(reader, path, |line| {
        let kind = edit::readable(line, path)?;
        each(line, &kind)
    })
}

fn is_distinct(users: &[Username]) -> bool {
    let mut seen = std::collections::HashSet::new();
    users.iter().all(|user| seen.insert(user.as_bytes()))
}

fn not_found(path: &Path) -> Error {
    Error::GroupFileNotFound {
        path: path.to_path_buf(),
    }
}

/// The store's "no such file" names the htpasswd commands that create one;
/// a group file is created by `htpass group add`.
fn group_file_error(error: Error, path: &Path) -> Error {
    match error {
        Error::FileNotFound { .. } => not_found(path),
        other => other,
    }
}

fn keeps_changing(path: &Path) -> Error {
    Error::FileAccess {
        path: path.to_path_buf(),
        action: "update",
        source: std::io::Error::other(format!(
            "another program changed the file {MAX_ADD_ATTEMPTS} times while htpass read it \
             (one that does not lock it); run again once it is done"
        )),
    }
}

#[cfg(test)]
mod tests;
