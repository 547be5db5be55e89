//! A group file copied with some of its lines changed, dropped or one
//! appended: the edits behind [`crate::group`]'s commands, each a function
//! that [`crate::store::update`] runs under the file's lock.
//!
//! What it must never do: change a byte of a line it was not asked to
//! change; write a changed line that Apache would read otherwise than
//! intended (each is parsed again and compared, [`checked`]); write a line
//! longer than Apache reads; or write anything of a file Apache would not
//! read as it looks ([`readable`] stops the copy, and the store then
//! discards it).

use std::io::{BufRead, Write};
use std::ops::ControlFlow;
use std::path::Path;

use super::name::GroupName;
use super::read::{self, GroupLine, Kind, Line, MAX_LINE_BYTES, Problem, parse};
use super::{Added, Membership, Removed};
use crate::error::Error;
use crate::file::LineEnding;
use crate::store::Outcome;
use crate::username::Username;

/// What one line becomes in the copy.
enum Change {
    Keep,
    /// The line's new [`Line::content`]; its line ending is kept (a last
    /// line without one gets `\n`).
    Replace(Vec<u8>),
    Drop,
}

/// The line `line` as Apache reads it, or the error that a file holding it
/// is for htpass.
pub(super) fn readable<'l>(line: &'l Line, path: &Path) -> Result<Kind<'l>, Error> {
    let invalid = |problem| Error::InvalidGroupFile {
        path: path.to_path_buf(),
        line: line.number,
        problem,
    };
    match line.problem {
        Some(Problem::TooLong) => return Err(invalid(TOO_LONG)),
        Some(Problem::Nul) => return Err(invalid(NUL)),
        None => {}
    }
    match parse(&line.content) {
        Kind::NoColon => Err(invalid(NO_COLON)),
        kind => Ok(kind),
    }
}

const TOO_LONG: &str = "is longer than the 16777215 bytes Apache reads, so Apache ignores it and \
    every line after it; split the group over several lines (Apache takes the lines of a \
    group together)";
const NUL: &str = "holds a NUL byte, where Apache stops reading the line (the members after it \
    do not count); remove it";
const NO_COLON: &str = "is neither a group (GROUP: USER...), a comment nor blank, so this is not \
    a group file; check the path, or fix that line";
const UNSAFE: &str = "cannot be changed safely: with the change, Apache would read other members \
    than intended (an unclosed quote?); change that line by hand";

/// What [`copy`] leaves for an append at the end.
struct Tail {
    /// The copy ends with a line that has no line ending.
    unterminated: bool,
    /// The copy ends with a line ending in `\`, which would join an
    /// appended line to it.
    continued: bool,
    /// The number of the file's last line.
    lines: u64,
}

/// Copies `reader` to `writer` line by line (lines as Apache reads them),
/// each line kept, replaced or dropped as `decide` says.
fn copy(
    reader: Option<&mut dyn BufRead>,
    writer: &mut dyn Write,
    path: &Path,
    mut decide: impl FnMut(&Line, &Kind<'_>) -> Result<Change, Error>,
) -> Result<Tail, Error> {
    let mut tail = Tail {
        unterminated: false,
        continued: false,
        lines: 0,
    };
    let Some(reader) = reader else {
        return Ok(tail);
    };
    read::for_each_line(reader, path, |line| {
        let kind = readable(line, path)?;
        tail.lines = line.last;
        match decide(line, &kind)? {
            Change::Keep => {
                put(writer, path, &line.raw)?;
                tail.unterminated = line.ending == Some(LineEnding::None);
                tail.continued = line.continued_at_end;
            }
            Change::Replace(content) => {
                let ending = match line.ending {
                    Some(LineEnding::CrLf) => LineEnding::CrLf,
                    _ => LineEnding::Lf,
                };
                if content.len() + usize::from(ending == LineEnding::CrLf) > MAX_LINE_BYTES {
                    return Err(too_long(path, line.number, content.len()));
                }
                put(writer, path, &content)?;
                put(writer, path, ending.as_bytes())?;
                tail.unterminated = false;
                tail.continued = false;
            }
            // Only the last line can lack an ending or be continued into
            // nothing: what is before it is neither.
            Change::Drop => {
                tail.unterminated = false;
                tail.continued = false;
            }
        }
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(tail)
}

fn too_long(path: &Path, line: u64, len: usize) -> Error {
    Error::GroupLineTooLong {
        path: path.to_path_buf(),
        line,
        len,
    }
}

fn put(writer: &mut dyn Write, path: &Path, bytes: &[u8]) -> Result<(), Error> {
    writer.write_all(bytes).map_err(|source| Error::FileAccess {
        path: path.to_path_buf(),
        action: "write",
        source,
    })
}

fn flush(writer: &mut dyn Write, path: &Path) -> Result<(), Error> {
    writer.flush().map_err(|source| Error::FileAccess {
        path: path.to_path_buf(),
        action: "write",
        source,
    })
}

/// `content` again, as Apache would read it, if that is `name` with
/// `members`; else the error that the line cannot be changed safely.
fn checked(
    content: Vec<u8>,
    name: &[u8],
    members: &[&[u8]],
    path: &Path,
    line: u64,
) -> Result<Vec<u8>, Error> {
    let same = match parse(&content) {
        Kind::Group(group) => {
            group.name == name
                && group.members.len() == members.len()
                && group
                    .members
                    .iter()
                    .zip(members)
                    .all(|(read, meant)| *read.name == **meant)
        }
        _ => false,
    };
    if same {
        Ok(content)
    } else {
        Err(Error::InvalidGroupFile {
            path: path.to_path_buf(),
            line,
            problem: UNSAFE,
        })
    }
}

/// What a pass of [`add`] learnt of the group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Facts {
    /// The group's first line, if it has one.
    first_line: Option<u64>,
    /// For each user: on some line of the group.
    present: Vec<bool>,
}

/// How a pass of [`add`] ended.
pub(super) enum AddPass {
    Done(Added),
    /// The pass guessed wrong, or the file is not what `known` says: it
    /// changed nothing, and the next pass should know these facts.
    Stale(Facts),
}

/// One pass of [`super::add`]. Without `known`, a user is taken to be in
/// the group if the group's first line holds it; with `known` (the facts of
/// an earlier pass), as `known` says. Either way the pass also learns the
/// facts from the whole file, and is [`AddPass::Stale`] (and changes
/// nothing) if they contradict what it went by.
pub(super) fn add(
    reader: Option<&mut dyn BufRead>,
    writer: &mut dyn Write,
    path: &Path,
    group: &GroupName,
    users: &[Username],
    known: Option<&Facts>,
) -> Result<(Outcome, AddPass), Error> {
    let mut facts = Facts {
        first_line: None,
        present: vec![false; users.len()],
    };
    let mut added = vec![false; users.len()];
    let tail = copy(reader, writer, path, |line, kind| {
        let Kind::Group(found) = kind else {
            return Ok(Change::Keep);
        };
        if !group.matches(found.name) {
            return Ok(Change::Keep);
        }
        for (user, present) in users.iter().zip(&mut facts.present) {
            *present |= holds(found, user);
        }
        if facts.first_line.is_some() {
            return Ok(Change::Keep);
        }
        facts.first_line = Some(line.number);
        for (i, add) in added.iter_mut().enumerate() {
            *add = match known {
                Some(known) => !known.present[i],
                None => !facts.present[i],
            };
        }
        if !added.contains(&true) {
            return Ok(Change::Keep);
        }
        let mut content = line.content[..found.end].to_vec();
        for (user, _) in users.iter().zip(&added).filter(|(_, add)| **add) {
            content.push(b' ');
            content.extend_from_slice(user.as_bytes());
        }
        content.extend_from_slice(&line.content[found.end..]);
        let mut members: Vec<&[u8]> = found.members.iter().map(|m| &*m.name).collect();
        members.extend(
            users
                .iter()
                .zip(&added)
                .filter(|(_, add)| **add)
                .map(|(user, _)| user.as_bytes()),
        );
        Ok(Change::Replace(checked(
            content,
            found.name,
            &members,
            path,
            line.number,
        )?))
    })?;

    let Some(first_line) = facts.first_line else {
        // No line of the group: one at the end, with every user.
        let mut content = group.as_bytes().to_vec();
        content.push(b':');
        for user in users {
            content.push(b' ');
            content.extend_from_slice(user.as_bytes());
        }
        let line = tail.lines + 1;
        if content.len() > MAX_LINE_BYTES {
            return Err(too_long(path, line, content.len()));
        }
        // A last line without an ending gets one; a last line ending in
        // `\` would take the new line in: an empty line ends it first.
        if tail.unterminated || tail.continued {
            put(writer, path, b"\n")?;
        }
        put(writer, path, &content)?;
        put(writer, path, b"\n")?;
        flush(writer, path)?;
        return Ok((
            Outcome::Changed,
            AddPass::Done(Added {
                group_created: true,
                added: vec![true; users.len()],
                line,
            }),
        ));
    };
    let absent: Vec<bool> = facts.present.iter().map(|present| !present).collect();
    let stale = added != absent || known.is_some_and(|known| known.first_line != Some(first_line));
    if stale {
        return Ok((Outcome::Unchanged, AddPass::Stale(facts)));
    }
    flush(writer, path)?;
    let outcome = if added.contains(&true) {
        Outcome::Changed
    } else {
        Outcome::Unchanged
    };
    Ok((
        outcome,
        AddPass::Done(Added {
            group_created: false,
            added,
            line: first_line,
        }),
    ))
}

fn holds(line: &GroupLine<'_>, user: &Username) -> bool {
    line.members
        .iter()
        .any(|member| *member.name == *user.as_bytes())
}

/// `line` without the members `remove` says to remove, each with the white
/// space before it; `None` when it removes none.
fn without_members(
    line: &Line,
    found: &GroupLine<'_>,
    path: &Path,
    mut remove: impl FnMut(&[u8]) -> bool,
) -> Result<Option<Vec<u8>>, Error> {
    let mut content = Vec::with_capacity(line.content.len());
    let mut kept: Vec<&[u8]> = Vec::with_capacity(found.members.len());
    let mut copied = 0;
    let mut previous_end = found.body;
    let mut any = false;
    for member in &found.members {
        if remove(&member.name) {
            content.extend_from_slice(&line.content[copied..previous_end]);
            copied = member.end;
            any = true;
        } else {
            kept.push(&member.name);
        }
        previous_end = member.end;
    }
    if !any {
        return Ok(None);
    }
    content.extend_from_slice(&line.content[copied..]);
    checked(content, found.name, &kept, path, line.number).map(Some)
}

/// [`super::remove`]'s edit.
pub(super) fn remove(
    reader: &mut dyn BufRead,
    writer: &mut dyn Write,
    path: &Path,
    group: &GroupName,
    users: &[Username],
) -> Result<(Outcome, Removed), Error> {
    let mut removed = Removed {
        group_found: false,
        removed: vec![false; users.len()],
    };
    copy(Some(reader), writer, path, |line, kind| {
        let Kind::Group(found) = kind else {
            return Ok(Change::Keep);
        };
        if !group.matches(found.name) {
            return Ok(Change::Keep);
        }
        removed.group_found = true;
        let change = without_members(line, found, path, |name| {
            match users.iter().position(|user| user.as_bytes() == name) {
                Some(i) => {
                    removed.removed[i] = true;
                    true
                }
                None => false,
            }
        })?;
        Ok(change.map_or(Change::Keep, Change::Replace))
    })?;
    flush(writer, path)?;
    let outcome = if removed.removed.contains(&true) {
        Outcome::Changed
    } else {
        Outcome::Unchanged
    };
    Ok((outcome, removed))
}

/// [`super::delete`]'s edit.
pub(super) fn delete(
    reader: &mut dyn BufRead,
    writer: &mut dyn Write,
    path: &Path,
    group: &GroupName,
) -> Result<(Outcome, usize), Error> {
    let mut dropped = 0;
    copy(Some(reader), writer, path, |_, kind| {
        Ok(match kind {
            Kind::Group(found) if group.matches(found.name) => {
                dropped += 1;
                Change::Drop
            }
            _ => Change::Keep,
        })
    })?;
    flush(writer, path)?;
    let outcome = if dropped > 0 {
        Outcome::Changed
    } else {
        Outcome::Unchanged
    };
    Ok((outcome, dropped))
}

/// [`super::remove_everywhere`]'s edit.
pub(super) fn remove_everywhere(
    reader: &mut dyn BufRead,
    writer: &mut dyn Write,
    path: &Path,
    users: &[Username],
) -> Result<(Outcome, Vec<Membership>), Error> {
    let mut removed = Vec::new();
    copy(Some(reader), writer, path, |line, kind| {
        let Kind::Group(found) = kind else {
            return Ok(Change::Keep);
        };
        let mut here: Vec<usize> = Vec::new();
        let change = without_members(line, found, path, |name| {
            match users.iter().position(|user| user.as_bytes() == name) {
                Some(i) => {
                    if !here.contains(&i) {
                        here.push(i);
                    }
                    true
                }
                None => false,
            }
        })?;
        removed.extend(here.into_iter().map(|user| Membership {
            user,
            group: found.name.to_vec(),
            line: line.number,
        }));
        Ok(change.map_or(Change::Keep, Change::Replace))
    })?;
    flush(writer, path)?;
    let outcome = if removed.is_empty() {
        Outcome::Unchanged
    } else {
        Outcome::Changed
    };
    Ok((outcome, removed))
}
