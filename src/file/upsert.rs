//! Editing entries in one streaming pass: [`upsert`] (one user),
//! [`upsert_many`] (`add --batch`) and [`upsert_exclusive`] (`sync`), which
//! keep, replace or append each user's entry and copy every other line.
//!
//! What it must never do: what [`crate::file`] must never do (hold a whole
//! file, change a byte it was not asked to, know about hash formats); and
//! ask the caller about a user more than once.

use std::io::{self, BufRead, Write};
use std::ops::ControlFlow;
use std::path::Path;

use super::{
    LineEnding, LineKind, MalformedLines, UserIndex, access, classify, flush, for_each_block,
    is_space, line_ending, lines_of, on_malformed, put, scan, write_record,
};
use crate::error::Error;
use crate::username::Username;

/// What [`upsert`] did to the user's entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpsertOutcome {
    /// The user was not in the file; the record was appended.
    Added,
    /// Every entry of the user was replaced by the new record.
    Updated,
    /// The user's first entry was good (`existing_ok` said so); the output
    /// equals the input, and the caller need not write it.
    Unchanged,
}

/// Copies `reader` to `writer`, setting USER's hash.
///
/// - `no_update` and USER present: [`Error::UserExists`]; the caller must
///   discard what was written.
/// - `existing_ok(hash)` is asked about USER's **first** entry only, as
///   servers use the first. `Ok(true)`: every line is copied unchanged,
///   duplicates included → [`UpsertOutcome::Unchanged`].
/// - Otherwise every entry of USER (all duplicates, as Apache does, D19) is
///   replaced by `USER:NEWHASH` plus the ending that line had: CRLF stays
///   CRLF (D28 fixed), a last line without an ending gets `\n`. Leading white
///   space of the old line is dropped → [`UpsertOutcome::Updated`].
/// - USER absent: `USER:NEWHASH\n` is appended, as Apache appends it (also
///   to a CRLF file: servers such as nginx take a CR for part of the hash,
///   so LF is the ending every reader accepts). If the file does not end
///   with a line ending, a `\n` is written first, so the record is never
///   glued to the last line (D6 fixed)
///   → [`UpsertOutcome::Added`]. `reader` `None` (a new file): just the
///   record and `\n`.
///
/// `new_hash` is called at most once and only when needed: an unchanged
/// entry costs no hashing (bcrypt is slow on purpose).
///
/// `reader` is a trait object rather than a generic so that `None` needs no
/// type annotation and [`crate::store::update`]'s reader passes straight in.
#[allow(clippy::too_many_arguments)] // each argument is a separate decision of the caller
pub fn upsert<W: Write>(
    reader: Option<&mut dyn BufRead>,
    writer: W,
    path: &Path,
    user: &Username,
    no_update: bool,
    malformed: MalformedLines,
    mut existing_ok: impl FnMut(&[u8]) -> Result<bool, Error>,
    new_hash: impl FnOnce() -> Result<Vec<u8>, Error>,
) -> Result<UpsertOutcome, Error> {
    // `upsert_many` asks once per user, so the FnOnce runs at most once.
    let mut new_hash = Some(new_hash);
    let mut make = || -> Result<Vec<u8>, Error> {
        let make = new_hash.take().ok_or_else(|| {
            access(
                path,
                "write",
                io::Error::other("internal error: the new hash was asked for twice"),
            )
        })?;
        make()
    };
    let outcomes = upsert_many(
        reader,
        writer,
        path,
        std::slice::from_ref(user),
        no_update,
        malformed,
        |_, stored| match stored {
            Some(stored) if existing_ok(stored)? => Ok(Resolution::Keep),
            _ => Ok(Resolution::Write(make()?)),
        },
    )?;
    Ok(outcomes[0])
}

/// What [`upsert_many`] should do with one user.
pub enum Resolution {
    /// Keep the user's lines byte for byte (only possible when present).
    Keep,
    /// Write `USER:HASH` in place of every entry of the user, or append it.
    Write(Vec<u8>),
}

/// [`upsert`] for many users in one pass: copies `reader` to `writer`
/// setting each of `users`' hashes, with the same rules for each user.
///
/// `resolve(index, stored)` is called exactly once per user: at the user's
/// first entry with `Some(hash)`, or, for a user not in the file, after the
/// last line with `None` (then [`Resolution::Keep`] is taken as nothing to
/// add). Users absent from the file are appended in the order of `users`.
/// With `no_update`, the first user found is [`Error::UserExists`].
///
/// `users` must be distinct (`batch::parse` refuses a repeated user): a
/// user given twice would be written twice.
pub fn upsert_many<W: Write>(
    reader: Option<&mut dyn BufRead>,
    writer: W,
    path: &Path,
    users: &[Username],
    no_update: bool,
    malformed: MalformedLines,
    resolve: impl FnMut(usize, Option<&[u8]>) -> Result<Resolution, Error>,
) -> Result<Vec<UpsertOutcome>, Error> {
    edit_many(
        reader, writer, path, users, no_update, malformed, resolve, None,
    )
}

/// Told the user of each entry [`Unlisted::Remove`] leaves out.
pub type Removed<'r> = &'r mut dyn FnMut(&[u8]);

/// What [`upsert_exclusive`] does with the entries of users it was not
/// given.
pub enum Unlisted<'r> {
    /// Copy them unchanged.
    Keep,
    /// Leave every one of them out, telling `removed` its user (once per
    /// line removed, so a duplicated user is told more than once).
    Remove(Removed<'r>),
}

/// [`upsert_many`] for a declared state (`htpass sync`): afterwards each of
/// `users` has exactly one entry, and with [`Unlisted::Remove`] no other
/// user has any.
///
/// - `resolve` is asked as for [`upsert_many`] (once per user, about the
///   first entry). The first entry is kept byte for byte or replaced in
///   place, keeping its line ending; an absent user is appended.
/// - Every later entry of the same user is removed: servers disagree on
///   which copy counts (nginx and Apache read the first, the registry the
///   last), so a file in the declared state has none. A user whose first
///   entry was kept but whose copies were removed is
///   [`UpsertOutcome::Updated`].
/// - Comments, blank lines and the entries of unlisted users under
///   [`Unlisted::Keep`] pass through unchanged.
///
/// The output equals the input exactly when every outcome is
/// [`UpsertOutcome::Unchanged`] and nothing was removed.
pub fn upsert_exclusive<W: Write>(
    reader: Option<&mut dyn BufRead>,
    writer: W,
    path: &Path,
    users: &[Username],
    malformed: MalformedLines,
    resolve: impl FnMut(usize, Option<&[u8]>) -> Result<Resolution, Error>,
    unlisted: Unlisted<'_>,
) -> Result<Vec<UpsertOutcome>, Error> {
    edit_many(
        reader,
        writer,
        path,
        users,
        false,
        malformed,
        resolve,
        Some(unlisted),
    )
}

/// [`upsert_many`], and with `exclusive` [`upsert_exclusive`].
#[allow(clippy::too_many_arguments)] // the union of the two callers' decisions
fn edit_many<W: Write>(
    reader: Option<&mut dyn BufRead>,
    mut writer: W,
    path: &Path,
    users: &[Username],
    no_update: bool,
    malformed: MalformedLines,
    mut resolve: impl FnMut(usize, Option<&[u8]>) -> Result<Resolution, Error>,
    exclusive: Option<Unlisted<'_>>,
) -> Result<Vec<UpsertOutcome>, Error> {
    debug_assert!(
        {
            let mut seen = std::collections::HashSet::new();
            users.iter().all(|user| seen.insert(user.as_bytes()))
        },
        "upsert_many needs distinct users"
    );
    let (remove_copies, mut unlisted) = match exclusive {
        None => (false, None),
        Some(Unlisted::Keep) => (true, None),
        Some(Unlisted::Remove(removed)) => (true, Some(removed)),
    };
    let removes_others = unlisted.is_some();
    let mut editor = Upserter {
        writer: &mut writer,
        path,
        users,
        index: UserIndex::new(users),
        resolved: users.iter().map(|_| None).collect(),
        resolve: &mut resolve,
        no_update,
        unterminated: false,
        copies_removed: if remove_copies {
            Some(vec![false; users.len()])
        } else {
            None
        },
        unlisted: unlisted.take(),
    };

    if let Some(reader) = reader {
        // One user: only a line holding `USER:` can be the user's, so a
        // substring search finds the few lines to look at instead of
        // classifying every line (a third of an update's time). Lines
        // without `:` are then looked for apart, the cheap way.
        let only = match users {
            // Removing other users' entries means looking at every line.
            [user] if !removes_others => {
                let mut needle = user.as_bytes().to_vec();
                needle.push(b':');
                Some(memchr::memmem::Finder::new(&needle).into_owned())
            }
            _ => None,
        };
        let mut number = 0u64;
        // Unchanged lines are copied as runs of the block they are in.
        for_each_block(reader, path, |block| {
            editor.unterminated = !block.ends_with(b"\n");
            let mut run_start = 0;
            match &only {
                Some(finder) => {
                    if malformed == MalformedLines::Reject
                        && let Some(line) = scan::first_malformed(block, &mut number)
                    {
                        on_malformed(malformed, path, line)?;
                    }
                    for (start, line) in lines_with_user(block, finder) {
                        if let LineKind::Entry { user, hash } = classify(line) {
                            editor.entry(block, &mut run_start, start, line, user, hash)?;
                        }
                    }
                }
                None => {
                    for (start, line) in lines_of(block) {
                        number += 1;
                        match classify(line) {
                            LineKind::Entry { user, hash } => {
                                editor.entry(block, &mut run_start, start, line, user, hash)?;
                            }
                            LineKind::Malformed => on_malformed(malformed, path, number)?,
                            LineKind::Blank | LineKind::Comment => {}
                        }
                    }
                }
            }
            put(editor.writer, path, &block[run_start..])?;
            Ok(ControlFlow::Continue(()))
        })?;
    }
    let Upserter {
        resolved,
        mut unterminated,
        copies_removed,
        ..
    } = editor;

    let mut outcomes = Vec::with_capacity(users.len());
    for (i, user) in users.iter().enumerate() {
        let outcome = match &resolved[i] {
            Some(Resolution::Keep) if copies_removed.as_ref().is_some_and(|copies| copies[i]) => {
                UpsertOutcome::Updated
            }
            Some(Resolution::Keep) => UpsertOutcome::Unchanged,
            Some(Resolution::Write(_)) => UpsertOutcome::Updated,
            None => match resolve(i, None)? {
                Resolution::Keep => UpsertOutcome::Unchanged,
                Resolution::Write(hash) => {
                    if unterminated {
                        put(&mut writer, path, b"\n")?;
                        unterminated = false;
                    }
                    write_record(&mut writer, path, user, &hash, LineEnding::Lf)?;
                    UpsertOutcome::Added
                }
            },
        };
        outcomes.push(outcome);
    }
    flush(&mut writer, path)?;
    Ok(outcomes)
}

/// [`upsert_many`]'s state while it copies the file.
struct Upserter<'e, 'r, W, F> {
    writer: &'e mut W,
    path: &'e Path,
    users: &'e [Username],
    index: UserIndex<'e>,
    /// Per user: `None` until its first entry is seen, then what to do.
    resolved: Vec<Option<Resolution>>,
    resolve: &'e mut F,
    no_update: bool,
    /// Whether the last line lacked an ending, which an append must repair.
    unterminated: bool,
    /// [`upsert_exclusive`]: per user, whether a later entry (a copy) was
    /// removed; `None`: copies follow the first entry ([`upsert_many`]).
    copies_removed: Option<Vec<bool>>,
    /// [`upsert_exclusive`] with [`Unlisted::Remove`]: told of each entry of
    /// another user that is left out.
    unlisted: Option<Removed<'r>>,
}

impl<W, F> Upserter<'_, '_, W, F>
where
    W: Write,
    F: FnMut(usize, Option<&[u8]>) -> Result<Resolution, Error>,
{
    /// Handles the entry `found:hash`, the line at `start` of `block`: if
    /// it is one of the users', it is kept or replaced (the unchanged run
    /// before it is written first).
    fn entry(
        &mut self,
        block: &[u8],
        run_start: &mut usize,
        start: usize,
        line: &[u8],
        found: &[u8],
        hash: &[u8],
    ) -> Result<(), Error> {
        let Some(i) = self.index.get(found) else {
            if let Some(removed) = &mut self.unlisted {
                removed(found);
                self.leave_out(block, run_start, start, line)?;
            }
            return Ok(());
        };
        if self.resolved[i].is_some()
            && let Some(copies) = &mut self.copies_removed
        {
            copies[i] = true;
            return self.leave_out(block, run_start, start, line);
        }
        let resolution = match &mut self.resolved[i] {
            Some(resolution) => resolution,
            empty => {
                if self.no_update {
                    return Err(Error::UserExists {
                        user: self.users[i].escaped(),
                    });
                }
                empty.insert((self.resolve)(i, Some(hash))?)
            }
        };
        if let Resolution::Write(hash) = resolution {
            let ending = match line_ending(line) {
                // The replaced last line ends now: no repair needed.
                LineEnding::None => {
                    self.unterminated = false;
                    LineEnding::Lf
                }
                other => other,
            };
            put(self.writer, self.path, &block[*run_start..start])?;
            write_record(&mut *self.writer, self.path, &self.users[i], hash, ending)?;
            *run_start = start + line.len();
        }
        Ok(())
    }

    /// Leaves out the line at `start` of `block` (the unchanged run before
    /// it is written first).
    fn leave_out(
        &mut self,
        block: &[u8],
        run_start: &mut usize,
        start: usize,
        line: &[u8],
    ) -> Result<(), Error> {
        put(self.writer, self.path, &block[*run_start..start])?;
        *run_start = start + line.len();
        // A removed last line without an ending leaves the output ending
        // with the line before it, whose `\n` needs no repair.
        if line_ending(line) == LineEnding::None {
            self.unterminated = false;
        }
        Ok(())
    }
}

/// The lines of `block` that start, after white space, with `finder`'s
/// needle (`USER:`), each with its offset: every line [`classify`] could
/// read as that user's entry, and no other.
fn lines_with_user<'b>(
    block: &'b [u8],
    finder: &'b memchr::memmem::Finder<'static>,
) -> impl Iterator<Item = (usize, &'b [u8])> {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(hit) = finder.find(&block[from..]).map(|i| from + i) {
            let start = memchr::memrchr(b'\n', &block[..hit]).map_or(0, |i| i + 1);
            let end = memchr::memchr(b'\n', &block[hit..]).map_or(block.len(), |i| hit + i + 1);
            from = end;
            if block[start..hit].iter().all(|&byte| is_space(byte)) {
                return Some((start, &block[start..end]));
            }
        }
        from = block.len();
        None
    })
}
