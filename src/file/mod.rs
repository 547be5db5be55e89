//! Streaming, byte-preserving reading and editing of htpasswd lines.
//!
//! Its job: read an htpasswd file line by line the way servers and Apache's
//! `htpasswd` do (compat spec §7.2), hand each entry to the caller, and copy
//! a file to a new one with one user's lines replaced, added or removed
//! (§7.3, with Apache's defects D6, D7, D8 and D28 fixed, §12). Setting
//! users' entries ([`upsert`], [`upsert_many`], [`upsert_exclusive`]) is in
//! `upsert.rs`; reading, [`delete`] and the shared line handling are here.
//!
//! What it must never do:
//!
//! - hold a whole file: lines are read into one reused buffer and written
//!   straight out, so memory is bounded by the longest line, not the file;
//! - change a byte it was not asked to change: comments, blank and
//!   white-space-only lines, unknown lines, CRLF endings, NUL bytes, invalid
//!   UTF-8, lines of any length and a missing final newline all pass through;
//! - know about hash formats (the caller decides whether a stored hash is
//!   good enough) or about where the bytes come from and go to (that is
//!   [`crate::store`]'s job);
//! - put a hash into an error or a `Debug` string (a `{PLAIN}` "hash" is a
//!   password).

mod scan;

use std::collections::HashMap;
use std::fmt;
use std::io::{self, BufRead, Write};
use std::ops::ControlFlow;
use std::path::Path;

use crate::error::Error;
use crate::username::{Username, escape_for_terminal};

mod upsert;

pub use upsert::{
    Removed, Resolution, Unlisted, UpsertOutcome, upsert, upsert_exclusive, upsert_many,
};

/// What a line of an htpasswd file is, as servers and Apache read it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum LineKind<'a> {
    /// Nothing but white space (possibly nothing at all).
    Blank,
    /// `#` as the first byte after leading white space.
    Comment,
    /// `USER:HASH`: `user` is what lies between the leading white space and
    /// the first `:`, `hash` what follows it, without the line ending.
    Entry { user: &'a [u8], hash: &'a [u8] },
    /// Not blank, not a comment, and without a `:`.
    Malformed,
}

impl fmt::Debug for LineKind<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineKind::Blank => f.write_str("Blank"),
            LineKind::Comment => f.write_str("Comment"),
            LineKind::Entry { user, hash } => f
                .debug_struct("Entry")
                .field("user", &escape_for_terminal(user))
                .field("hash", &Redacted(hash.len()))
                .finish(),
            LineKind::Malformed => f.write_str("Malformed"),
        }
    }
}

/// Shows a hash's length instead of its bytes.
struct Redacted(usize);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}

/// The white space C's `isspace` knows in the "C" locale, which is what
/// Apache's `htpasswd` skips before the user name (compat spec §7.2 step 1),
/// and so [`Username::existing`] before a name looked up.
pub(crate) fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Classifies one line; `line` may include its line ending.
///
/// Unlike Apache (defect D7) the whole line is classified at once, whatever
/// its length. A bare `\r` at the very end of a file's last line (no `\n`
/// after it) is not a line ending and so stays part of the hash.
pub fn classify(line: &[u8]) -> LineKind<'_> {
    let start = line
        .iter()
        .position(|&byte| !is_space(byte))
        .unwrap_or(line.len());
    let rest = &line[start..];
    match rest.first() {
        None => LineKind::Blank,
        Some(b'#') => LineKind::Comment,
        Some(_) => match memchr::memchr(b':', rest) {
            Some(colon) => LineKind::Entry {
                user: &rest[..colon],
                hash: without_ending(&rest[colon + 1..]),
            },
            None => LineKind::Malformed,
        },
    }
}

/// How a line ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnding {
    /// `\n`.
    Lf,
    /// `\r\n`.
    CrLf,
    /// No ending: the last line of a file without a final newline.
    None,
}

impl LineEnding {
    /// The ending's bytes (empty for [`LineEnding::None`]).
    pub fn as_bytes(self) -> &'static [u8] {
        match self {
            LineEnding::Lf => b"\n",
            LineEnding::CrLf => b"\r\n",
            LineEnding::None => b"",
        }
    }
}

/// The ending of `line` (a line as read, including its ending if it has one).
pub fn line_ending(line: &[u8]) -> LineEnding {
    if line.ends_with(b"\r\n") {
        LineEnding::CrLf
    } else if line.ends_with(b"\n") {
        LineEnding::Lf
    } else {
        LineEnding::None
    }
}

fn without_ending(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len() - line_ending(bytes).as_bytes().len()]
}

/// What to do with a line that is neither blank, a comment nor an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MalformedLines {
    /// Read past it: readers (`verify`, `list`) find the entries of a file
    /// whatever else it holds; `check` reports such lines itself.
    Keep,
    /// Stop with [`Error::InvalidFile`] naming its line (Apache's `htpasswd`,
    /// exit 7, compat spec §7.2 step 3).
    Reject,
}

fn on_malformed(malformed: MalformedLines, path: &Path, line: u64) -> Result<(), Error> {
    match malformed {
        MalformedLines::Keep => Ok(()),
        MalformedLines::Reject => Err(Error::InvalidFile {
            path: path.to_path_buf(),
            line,
        }),
    }
}

/// One entry seen while reading: its 1-based line number, user and hash.
#[derive(Clone, PartialEq, Eq)]
pub struct EntryRecord {
    pub line: u64,
    pub user: Vec<u8>,
    pub hash: Vec<u8>,
}

impl fmt::Debug for EntryRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntryRecord")
            .field("line", &self.line)
            .field("user", &escape_for_terminal(&self.user))
            .field("hash", &Redacted(self.hash.len()))
            .finish()
    }
}

/// Reads `reader` to its end and hands `each_block` its bytes as blocks of
/// whole lines, each line with its ending (the file's last line may lack
/// one). A block is the reader's own buffer up to its last line ending, so
/// most lines are never copied; a line split across two reads is joined in
/// `carry` and handed over alone. Lines after a `Break` are not looked at.
///
/// Memory is the reader's buffer plus the longest line split across reads.
fn for_each_block<R: BufRead + ?Sized>(
    reader: &mut R,
    path: &Path,
    mut each_block: impl FnMut(&[u8]) -> Result<ControlFlow<()>, Error>,
) -> Result<(), Error> {
    let mut carry = Vec::new();
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(access(path, "read", error)),
        };
        if chunk.is_empty() {
            // The last line, without an ending.
            if carry.is_empty() {
                return Ok(());
            }
            return each_block(&carry).map(|_| ());
        }
        let read = chunk.len();
        if !carry.is_empty() {
            match memchr::memchr(b'\n', chunk) {
                Some(end) => {
                    carry.extend_from_slice(&chunk[..=end]);
                    reader.consume(end + 1);
                    if each_block(&carry)?.is_break() {
                        return Ok(());
                    }
                    carry.clear();
                }
                None => {
                    carry.extend_from_slice(chunk);
                    reader.consume(read);
                }
            }
            continue;
        }
        match memchr::memrchr(b'\n', chunk) {
            Some(last) => {
                let flow = each_block(&chunk[..=last])?;
                reader.consume(last + 1);
                if flow.is_break() {
                    return Ok(());
                }
            }
            None => {
                carry.extend_from_slice(chunk);
                reader.consume(read);
            }
        }
    }
}

/// The lines of a block of whole lines, each with its offset in the block.
fn lines_of(block: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start == block.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &block[start..]).map_or(block.len(), |i| start + i + 1);
        let line = (start, &block[start..end]);
        start = end;
        Some(line)
    })
}

/// Calls `each` with every line of `reader` (with its ending), numbered
/// from 1, as `read_until` would split them, until it returns `Break`: the
/// lines of [`for_each_block`], so a line is copied only when it is split
/// across two reads.
pub(crate) fn for_each_line<R: BufRead + ?Sized>(
    reader: &mut R,
    path: &Path,
    mut each: impl FnMut(u64, &[u8]) -> Result<ControlFlow<()>, Error>,
) -> Result<(), Error> {
    let mut number = 0u64;
    for_each_block(reader, path, |block| {
        for (_, line) in lines_of(block) {
            number += 1;
            if each(number, line)?.is_break() {
                return Ok(ControlFlow::Break(()));
            }
        }
        Ok(ControlFlow::Continue(()))
    })
}

/// Which of the users an edit is about a line's user is. Every line of the
/// file is looked up: for a few users comparing bytes beats hashing.
enum UserIndex<'u> {
    Few(Vec<&'u [u8]>),
    Many(HashMap<&'u [u8], usize>),
}

impl<'u> UserIndex<'u> {
    const FEW: usize = 8;

    fn new(users: &'u [Username]) -> UserIndex<'u> {
        if users.len() <= Self::FEW {
            UserIndex::Few(users.iter().map(Username::as_bytes).collect())
        } else {
            UserIndex::Many(
                users
                    .iter()
                    .enumerate()
                    .map(|(i, user)| (user.as_bytes(), i))
                    .collect(),
            )
        }
    }

    fn get(&self, user: &[u8]) -> Option<usize> {
        match self {
            UserIndex::Few(users) => users.iter().position(|wanted| *wanted == user),
            UserIndex::Many(users) => users.get(user).copied(),
        }
    }
}

fn access(path: &Path, action: &'static str, source: io::Error) -> Error {
    Error::FileAccess {
        path: path.to_path_buf(),
        action,
        source,
    }
}

fn put(writer: &mut impl Write, path: &Path, bytes: &[u8]) -> Result<(), Error> {
    writer
        .write_all(bytes)
        .map_err(|source| access(path, "write", source))
}

fn flush(writer: &mut impl Write, path: &Path) -> Result<(), Error> {
    writer
        .flush()
        .map_err(|source| access(path, "write", source))
}

/// Streams `reader` and calls `visit(line, user, hash)` for every entry, in
/// file order, until it returns `ControlFlow::Break` or the file ends.
///
/// With [`MalformedLines::Reject`] a malformed line read before the stop is
/// [`Error::InvalidFile`]; lines after a `Break` are not read.
pub fn for_each_entry<R: BufRead>(
    mut reader: R,
    path: &Path,
    malformed: MalformedLines,
    mut visit: impl FnMut(u64, &[u8], &[u8]) -> Result<ControlFlow<()>, Error>,
) -> Result<(), Error> {
    for_each_line(&mut reader, path, |number, line| match classify(line) {
        LineKind::Entry { user, hash } => visit(number, user, hash),
        LineKind::Malformed => {
            on_malformed(malformed, path, number)?;
            Ok(ControlFlow::Continue(()))
        }
        LineKind::Blank | LineKind::Comment => Ok(ControlFlow::Continue(())),
    })
}

/// The first entry of `user`, or `None`. Servers (nginx, Apache httpd) use
/// the first entry of a user, so reading stops there: with
/// [`MalformedLines::Reject`] only the lines before it are checked.
pub fn find_entry<R: BufRead>(
    reader: R,
    path: &Path,
    user: &Username,
    malformed: MalformedLines,
) -> Result<Option<EntryRecord>, Error> {
    let mut found = None;
    for_each_entry(reader, path, malformed, |line, entry_user, hash| {
        if entry_user != user.as_bytes() {
            return Ok(ControlFlow::Continue(()));
        }
        found = Some(EntryRecord {
            line,
            user: entry_user.to_vec(),
            hash: hash.to_vec(),
        });
        Ok(ControlFlow::Break(()))
    })?;
    Ok(found)
}

/// Writes the record `USER:HASH` followed by `ending`.
pub fn write_record<W: Write>(
    mut writer: W,
    path: &Path,
    user: &Username,
    hash: &[u8],
    ending: LineEnding,
) -> Result<(), Error> {
    check_hash(path, hash)?;
    put(&mut writer, path, user.as_bytes())?;
    put(&mut writer, path, b":")?;
    put(&mut writer, path, hash)?;
    put(&mut writer, path, ending.as_bytes())
}

/// A line break inside a new hash (possible only for a plain-text "hash")
/// would split the record and corrupt the file; refuse it before writing.
fn check_hash(path: &Path, hash: &[u8]) -> Result<(), Error> {
    if memchr::memchr2(b'\n', b'\r', hash).is_some() {
        return Err(access(
            path,
            "write",
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the new entry contains a line break, which would corrupt the file; \
                 choose a password without one",
            ),
        ));
    }
    Ok(())
}

/// What [`delete`] removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteOutcome {
    /// For each requested user, in the order given: how many lines were
    /// removed (0: not found).
    pub removed: Vec<(Username, usize)>,
}

impl DeleteOutcome {
    /// Lines removed in all.
    pub fn total(&self) -> usize {
        self.removed.iter().map(|(_, count)| count).sum()
    }

    /// The requested users that were not in the file.
    pub fn not_found(&self) -> impl Iterator<Item = &Username> {
        self.removed
            .iter()
            .filter(|(_, count)| *count == 0)
            .map(|(user, _)| user)
    }
}

/// Copies `reader` to `writer` without any entry line of `users` (every
/// duplicate too, as Apache does). Everything else passes through unchanged;
/// deleting the only entry leaves an empty output.
pub fn delete<R: BufRead, W: Write>(
    mut reader: R,
    mut writer: W,
    path: &Path,
    users: &[Username],
    malformed: MalformedLines,
) -> Result<DeleteOutcome, Error> {
    let index = UserIndex::new(users);
    let mut counts = vec![0usize; users.len()];
    let mut number = 0u64;
    // Kept lines are copied as runs of the block they are in.
    for_each_block(&mut reader, path, |block| {
        let mut run_start = 0;
        for (start, line) in lines_of(block) {
            number += 1;
            match classify(line) {
                LineKind::Entry { user, .. } => {
                    if let Some(i) = index.get(user) {
                        counts[i] += 1;
                        put(&mut writer, path, &block[run_start..start])?;
                        run_start = start + line.len();
                    }
                }
                LineKind::Malformed => on_malformed(malformed, path, number)?,
                LineKind::Blank | LineKind::Comment => {}
            }
        }
        put(&mut writer, path, &block[run_start..])?;
        Ok(ControlFlow::Continue(()))
    })?;
    flush(&mut writer, path)?;
    let removed = users
        .iter()
        .map(|user| {
            // A user named twice shares one count, as it shares its lines.
            let count = index.get(user.as_bytes()).map_or(0, |i| counts[i]);
            (user.clone(), count)
        })
        .collect();
    Ok(DeleteOutcome { removed })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> &'static Path {
        Path::new("test.htpasswd")
    }

    fn user(name: &str) -> Username {
        Username::new(name).unwrap()
    }

    /// Runs `upsert` over `input` with a fixed new hash `NEW`; returns the
    /// output, the outcome and how often `new_hash` ran.
    fn run_upsert(
        input: Option<&[u8]>,
        name: &str,
        keep_existing: bool,
    ) -> (Vec<u8>, UpsertOutcome, usize) {
        let mut output = Vec::new();
        let mut calls = 0;
        let mut reader = input;
        let outcome = upsert(
            reader.as_mut().map(|r| r as &mut dyn BufRead),
            &mut output,
            path(),
            &user(name),
            false,
            MalformedLines::Keep,
            |_| Ok(keep_existing),
            || {
                calls += 1;
                Ok(b"NEW".to_vec())
            },
        )
        .unwrap();
        (output, outcome, calls)
    }

    #[test]
    fn many_users_replaced_and_appended_in_one_pass() {
        let users = [user("bob"), user("carol"), user("alice")];
        let mut output = Vec::new();
        let mut asked = Vec::new();
        let mut reader: &[u8] = b"alice:OLD\n# c\nbob:KEEP\r\nalice:DUP";
        let outcomes = upsert_many(
            Some(&mut reader),
            &mut output,
            path(),
            &users,
            false,
            MalformedLines::Keep,
            |i, stored| {
                asked.push((i, stored.map(<[u8]>::to_vec)));
                Ok(if stored == Some(b"KEEP") {
                    Resolution::Keep
                } else {
                    Resolution::Write(format!("NEW{i}").into_bytes())
                })
            },
        )
        .unwrap();
        assert_eq!(
            output,
            b"alice:NEW2\n# c\nbob:KEEP\r\nalice:NEW2\ncarol:NEW1\n".to_vec()
        );
        assert_eq!(
            outcomes,
            [
                UpsertOutcome::Unchanged,
                UpsertOutcome::Added,
                UpsertOutcome::Updated
            ]
        );
        // Once per user: at its first entry, or at the end when absent.
        assert_eq!(
            asked,
            [
                (2, Some(b"OLD".to_vec())),
                (0, Some(b"KEEP".to_vec())),
                (1, None)
            ]
        );
    }

    /// Runs `upsert_exclusive` over `input`: `decide(user, stored)` gives
    /// each user's resolution; returns the output, the outcomes and the
    /// removed users in the order told (with `remove_unlisted`).
    fn run_exclusive(
        input: &[u8],
        names: &[&str],
        remove_unlisted: bool,
        decide: impl Fn(&str, Option<&[u8]>) -> Resolution,
    ) -> (Vec<u8>, Vec<UpsertOutcome>, Vec<String>) {
        let users: Vec<Username> = names.iter().map(|name| user(name)).collect();
        let mut removed = Vec::new();
        let mut tell = |user: &[u8]| removed.push(String::from_utf8_lossy(user).into_owned());
        let unlisted = if remove_unlisted {
            Unlisted::Remove(&mut tell)
        } else {
            Unlisted::Keep
        };
        let mut output = Vec::new();
        let mut reader = input;
        let outcomes = upsert_exclusive(
            Some(&mut reader),
            &mut output,
            path(),
            &users,
            MalformedLines::Reject,
            |i, stored| Ok(decide(names[i], stored)),
            unlisted,
        )
        .unwrap();
        (output, outcomes, removed)
    }

    #[test]
    fn exclusive_keeps_replaces_appends_and_removes_the_unlisted() {
        let input = b"# team\r\nold:1\nkeep:GOOD\r\n\n  change:OLD\r\nold:2\n  \n# end";
        let (output, outcomes, removed) = run_exclusive(
            input,
            &["change", "new", "keep"],
            true,
            |name, stored| match (name, stored) {
                ("keep", Some(b"GOOD")) => Resolution::Keep,
                _ => Resolution::Write(format!("H-{name}").into_bytes()),
            },
        );
        assert_eq!(
            String::from_utf8_lossy(&output),
            "# team\r\nkeep:GOOD\r\n\nchange:H-change\r\n  \n# end\nnew:H-new\n"
        );
        assert_eq!(
            outcomes,
            [
                UpsertOutcome::Updated,
                UpsertOutcome::Added,
                UpsertOutcome::Unchanged
            ]
        );
        assert_eq!(removed, ["old", "old"]);
    }

    #[test]
    fn exclusive_leaves_one_entry_per_user_and_says_a_kept_one_changed() {
        let input = b"bob:GOOD\nx:1\n bob:COPY\r\nbob:LAST";
        let (output, outcomes, _) = run_exclusive(input, &["bob"], false, |_, _| Resolution::Keep);
        assert_eq!(output, b"bob:GOOD\nx:1\n");
        assert_eq!(outcomes, [UpsertOutcome::Updated]);
        // Replaced: the first entry in place, the copies gone.
        let (output, outcomes, _) = run_exclusive(input, &["bob"], false, |_, _| {
            Resolution::Write(b"NEW".to_vec())
        });
        assert_eq!(output, b"bob:NEW\nx:1\n");
        assert_eq!(outcomes, [UpsertOutcome::Updated]);
    }

    #[test]
    fn exclusive_of_a_file_already_in_state_copies_it() {
        let input = b"# c\r\na:1\r\n\nb:2";
        let (output, outcomes, removed) =
            run_exclusive(input, &["b", "a"], true, |_, _| Resolution::Keep);
        assert_eq!(output, input);
        assert_eq!(outcomes, [UpsertOutcome::Unchanged; 2]);
        assert!(removed.is_empty());
    }

    #[test]
    fn exclusive_removing_the_unterminated_last_line_needs_no_repair() {
        let (output, outcomes, removed) =
            run_exclusive(b"a:1\nz:9", &["a", "b"], true, |name, _| {
                Resolution::Write(name.as_bytes().to_vec())
            });
        assert_eq!(output, b"a:a\nb:b\n");
        assert_eq!(outcomes, [UpsertOutcome::Updated, UpsertOutcome::Added]);
        assert_eq!(removed, ["z"]);
        // Kept, it is repaired before the append.
        let (output, _, _) = run_exclusive(b"a:1\nz:9", &["a", "b"], false, |name, _| {
            Resolution::Write(name.as_bytes().to_vec())
        });
        assert_eq!(output, b"a:a\nz:9\nb:b\n");
    }

    #[test]
    fn exclusive_with_one_user_still_sees_every_line() {
        for capacity in [1, 3, 8192] {
            let input = b"x:1\nbob:OLD\ny:2\n#bob:3\n";
            let users = [user("bob")];
            let mut removed = Vec::new();
            let mut tell = |user: &[u8]| removed.push(user.to_vec());
            let mut reader = io::BufReader::with_capacity(capacity, &input[..]);
            let mut output = Vec::new();
            upsert_exclusive(
                Some(&mut reader),
                &mut output,
                path(),
                &users,
                MalformedLines::Reject,
                |_, _| Ok(Resolution::Write(b"N".to_vec())),
                Unlisted::Remove(&mut tell),
            )
            .unwrap();
            assert_eq!(output, b"bob:N\n#bob:3\n", "capacity {capacity}");
            assert_eq!(removed, [b"x".to_vec(), b"y".to_vec()]);
        }
    }

    #[test]
    fn exclusive_refuses_a_malformed_line() {
        let users = [user("a")];
        let error = upsert_exclusive(
            Some(&mut &b"a:1\nnot an entry\n"[..]),
            Vec::new(),
            path(),
            &users,
            MalformedLines::Reject,
            |_, _| Ok(Resolution::Keep),
            Unlisted::Remove(&mut |_| {}),
        )
        .unwrap_err();
        assert!(matches!(error, Error::InvalidFile { line: 2, .. }));
    }

    #[test]
    fn many_users_with_no_update_refuse_the_first_present() {
        let mut reader: &[u8] = b"x:1\nbob:2\n";
        let error = upsert_many(
            Some(&mut reader),
            Vec::new(),
            path(),
            &[user("alice"), user("bob")],
            true,
            MalformedLines::Keep,
            |_, _| Ok(Resolution::Write(b"N".to_vec())),
        )
        .unwrap_err();
        assert!(matches!(error, Error::UserExists { user } if user == "bob"));
    }

    fn run_delete(input: &[u8], names: &[&str]) -> (Vec<u8>, DeleteOutcome) {
        let users: Vec<Username> = names.iter().map(|name| user(name)).collect();
        let mut output = Vec::new();
        let outcome = delete(input, &mut output, path(), &users, MalformedLines::Keep).unwrap();
        (output, outcome)
    }

    const MIXED: &[u8] = b"# comment\r\n\nalice:OLD\r\n   \t\nnot an entry\nbob:B\n  \n";

    #[test]
    fn classify_follows_apache() {
        assert_eq!(classify(b""), LineKind::Blank);
        assert_eq!(classify(b" \t\x0b\x0c\r\n"), LineKind::Blank);
        assert_eq!(classify(b"\r\n"), LineKind::Blank);
        assert_eq!(classify(b"  # x:y\n"), LineKind::Comment);
        assert_eq!(classify(b"no colon\n"), LineKind::Malformed);
        assert_eq!(
            classify(b"  alice :a:b\r\n"),
            LineKind::Entry {
                user: b"alice ",
                hash: b"a:b"
            }
        );
        assert_eq!(
            classify(b"u:h"),
            LineKind::Entry {
                user: b"u",
                hash: b"h"
            }
        );
        // A trailing space is part of the hash (nginx keeps it too).
        assert_eq!(
            classify(b"u:h \n"),
            LineKind::Entry {
                user: b"u",
                hash: b"h "
            }
        );
        // `#` later in a line is data.
        assert_eq!(
            classify(b"a#b:c\n"),
            LineKind::Entry {
                user: b"a#b",
                hash: b"c"
            }
        );
        // A bare CR at the very end is not a line ending.
        assert_eq!(
            classify(b"u:h\r"),
            LineKind::Entry {
                user: b"u",
                hash: b"h\r"
            }
        );
    }

    #[test]
    fn line_endings() {
        assert_eq!(line_ending(b"a\r\n"), LineEnding::CrLf);
        assert_eq!(line_ending(b"a\n"), LineEnding::Lf);
        assert_eq!(line_ending(b"a"), LineEnding::None);
        assert_eq!(line_ending(b"a\r"), LineEnding::None);
        assert_eq!(line_ending(b""), LineEnding::None);
    }

    #[test]
    fn debug_never_shows_a_hash() {
        let shown = format!(
            "{:?} {:?}",
            classify(b"u:{PLAIN}secret\n"),
            EntryRecord {
                line: 1,
                user: b"u".to_vec(),
                hash: b"{PLAIN}secret".to_vec()
            }
        );
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("13 bytes"), "{shown}");
    }

    #[test]
    fn for_each_entry_visits_in_order_with_line_numbers() {
        let mut seen = Vec::new();
        for_each_entry(MIXED, path(), MalformedLines::Keep, |line, user, hash| {
            seen.push((line, user.to_vec(), hash.to_vec()));
            Ok(ControlFlow::Continue(()))
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![
                (3, b"alice".to_vec(), b"OLD".to_vec()),
                (6, b"bob".to_vec(), b"B".to_vec())
            ]
        );
    }

    #[test]
    fn for_each_entry_stops_on_break() {
        let mut count = 0;
        for_each_entry(
            &b"a:1\nb:2\nc:3\n"[..],
            path(),
            MalformedLines::Keep,
            |_, _, _| {
                count += 1;
                Ok(ControlFlow::Break(()))
            },
        )
        .unwrap();
        assert_eq!(count, 1);
    }

    #[test]
    fn reject_names_the_malformed_line() {
        let error = for_each_entry(MIXED, path(), MalformedLines::Reject, |_, _, _| {
            Ok(ControlFlow::Continue(()))
        })
        .unwrap_err();
        assert!(
            matches!(error, Error::InvalidFile { line: 5, .. }),
            "{error:?}"
        );

        let mut output = Vec::new();
        let error = delete(
            MIXED,
            &mut output,
            path(),
            &[user("bob")],
            MalformedLines::Reject,
        )
        .unwrap_err();
        assert!(matches!(error, Error::InvalidFile { line: 5, .. }));

        let mut reader = MIXED;
        let error = upsert(
            Some(&mut reader),
            &mut output,
            path(),
            &user("carol"),
            false,
            MalformedLines::Reject,
            |_| Ok(false),
            || Ok(b"NEW".to_vec()),
        )
        .unwrap_err();
        assert!(matches!(error, Error::InvalidFile { line: 5, .. }));
    }

    #[test]
    fn find_entry_returns_the_first_and_matches_after_leading_space() {
        let input = b"# x\n \t alice:FIRST\nalice:SECOND\n";
        let entry = find_entry(&input[..], path(), &user("alice"), MalformedLines::Keep)
            .unwrap()
            .unwrap();
        assert_eq!(entry.line, 2);
        assert_eq!(entry.user, b"alice");
        assert_eq!(entry.hash, b"FIRST");
        assert!(
            find_entry(&input[..], path(), &user("bob"), MalformedLines::Keep)
                .unwrap()
                .is_none()
        );
        // Trailing space is part of the user field: `alice ` is not `alice`.
        assert!(
            find_entry(
                &b"alice :x\n"[..],
                path(),
                &user("alice"),
                MalformedLines::Keep
            )
            .unwrap()
            .is_none()
        );
    }

    #[test]
    fn add_keeps_every_other_byte() {
        let (output, outcome, calls) = run_upsert(Some(MIXED), "carol", false);
        assert_eq!(outcome, UpsertOutcome::Added);
        assert_eq!(calls, 1);
        let mut expected = MIXED.to_vec();
        expected.extend_from_slice(b"carol:NEW\n");
        assert_eq!(output, expected);
    }

    #[test]
    fn update_keeps_every_other_byte_and_the_crlf_ending() {
        let (output, outcome, calls) = run_upsert(Some(MIXED), "alice", false);
        assert_eq!(outcome, UpsertOutcome::Updated);
        assert_eq!(calls, 1);
        assert_eq!(
            output,
            b"# comment\r\n\nalice:NEW\r\n   \t\nnot an entry\nbob:B\n  \n"
        );
    }

    #[test]
    fn update_drops_leading_white_space_and_keeps_lf() {
        let (output, _, _) = run_upsert(Some(b"x:1\n \t bob:OLD\ny:2"), "bob", false);
        assert_eq!(output, b"x:1\nbob:NEW\ny:2");
    }

    #[test]
    fn update_of_a_last_line_without_newline_ends_it() {
        let (output, outcome, _) = run_upsert(Some(b"a:1\nbob:OLD"), "bob", false);
        assert_eq!(outcome, UpsertOutcome::Updated);
        assert_eq!(output, b"a:1\nbob:NEW\n");
    }

    #[test]
    fn update_replaces_every_duplicate_hashing_once() {
        let (output, outcome, calls) =
            run_upsert(Some(b"bob:1\r\nx:2\nbob:3\nbob:4"), "bob", false);
        assert_eq!(outcome, UpsertOutcome::Updated);
        assert_eq!(calls, 1);
        assert_eq!(output, b"bob:NEW\r\nx:2\nbob:NEW\nbob:NEW\n");
    }

    #[test]
    fn unchanged_output_equals_input_and_costs_no_hash() {
        let input = b"# c\r\nbob:GOOD\r\n\0weird\xff\nbob:DUP\nz:1";
        let (output, outcome, calls) = run_upsert(Some(input), "bob", true);
        assert_eq!(outcome, UpsertOutcome::Unchanged);
        assert_eq!(calls, 0);
        assert_eq!(output, input);
    }

    #[test]
    fn existing_ok_sees_only_the_first_entry() {
        let mut asked = Vec::new();
        let mut reader = &b"bob:FIRST\nbob:SECOND\n"[..];
        upsert(
            Some(&mut reader),
            Vec::new(),
            path(),
            &user("bob"),
            false,
            MalformedLines::Keep,
            |hash| {
                asked.push(hash.to_vec());
                Ok(false)
            },
            || Ok(b"NEW".to_vec()),
        )
        .unwrap();
        assert_eq!(asked, vec![b"FIRST".to_vec()]);
    }

    #[test]
    fn missing_final_newline_is_repaired_on_append() {
        let (output, outcome, _) = run_upsert(Some(b"alice:{SHA}x"), "bob", false);
        assert_eq!(outcome, UpsertOutcome::Added);
        assert_eq!(output, b"alice:{SHA}x\nbob:NEW\n");
    }

    #[test]
    fn append_to_a_crlf_file_uses_lf_as_apache_does() {
        let (output, _, _) = run_upsert(Some(b"a:1\r\nb:2\r\n"), "bob", false);
        assert_eq!(output, b"a:1\r\nb:2\r\nbob:NEW\n");
        let (output, _, _) = run_upsert(Some(b"a:1\r\nb:2"), "bob", false);
        assert_eq!(output, b"a:1\r\nb:2\nbob:NEW\n");
    }

    #[test]
    fn add_to_a_new_or_empty_file_is_just_the_record() {
        let (output, outcome, _) = run_upsert(None, "bob", false);
        assert_eq!(outcome, UpsertOutcome::Added);
        assert_eq!(output, b"bob:NEW\n");
        let (output, _, _) = run_upsert(Some(b""), "bob", false);
        assert_eq!(output, b"bob:NEW\n");
    }

    #[test]
    fn long_lines_nul_bytes_and_invalid_utf8_pass_through() {
        let mut input = Vec::new();
        input.extend_from_slice(b"# ");
        input.extend(std::iter::repeat_n(b'c', 1 << 20));
        input.extend_from_slice(b"\nx:1\0junk\nbad\xff\xfe:\xc3\x28\nbob:OLD\n");
        let mut long_entry = b"long:".to_vec();
        long_entry.extend(std::iter::repeat_n(b'h', 1 << 20));
        long_entry.push(b'\n');
        input.extend_from_slice(&long_entry);

        let prefix = &input[..input.len() - long_entry.len() - b"bob:OLD\n".len()];
        let (output, _, _) = run_upsert(Some(&input), "bob", false);
        assert_eq!(output, [prefix, b"bob:NEW\n", &long_entry].concat());

        let (output, _, _) = run_upsert(Some(&input), "carol", false);
        assert_eq!(output, [&input[..], b"carol:NEW\n"].concat());

        let (output, outcome) = run_delete(&input, &["bob"]);
        assert_eq!(outcome.total(), 1);
        assert_eq!(output, [prefix, &long_entry].concat());
    }

    #[test]
    fn no_update_refuses_a_present_user_without_hashing() {
        let mut calls = 0;
        let mut reader = &b"bob:OLD\n"[..];
        let error = upsert(
            Some(&mut reader),
            Vec::new(),
            path(),
            &user("bob"),
            true,
            MalformedLines::Keep,
            |_| Ok(true),
            || {
                calls += 1;
                Ok(b"NEW".to_vec())
            },
        )
        .unwrap_err();
        assert!(matches!(error, Error::UserExists { ref user } if user == "bob"));
        assert_eq!(calls, 0);

        // An absent user is simply added.
        let mut reader = &b"alice:A\n"[..];
        let mut output = Vec::new();
        let outcome = upsert(
            Some(&mut reader),
            &mut output,
            path(),
            &user("bob"),
            true,
            MalformedLines::Keep,
            |_| Ok(true),
            || Ok(b"NEW".to_vec()),
        )
        .unwrap();
        assert_eq!(outcome, UpsertOutcome::Added);
        assert_eq!(output, b"alice:A\nbob:NEW\n");
    }

    #[test]
    fn a_hash_with_a_line_break_is_refused() {
        let error = upsert(
            None,
            Vec::new(),
            path(),
            &user("bob"),
            false,
            MalformedLines::Keep,
            |_| Ok(false),
            || Ok(b"{PLAIN}a\nb".to_vec()),
        )
        .unwrap_err();
        assert!(matches!(error, Error::FileAccess { .. }));
        assert!(!error.to_string().contains("{PLAIN}"));
    }

    #[test]
    fn errors_from_callbacks_pass_through() {
        let mut reader = &b"bob:OLD\n"[..];
        let error = upsert(
            Some(&mut reader),
            Vec::new(),
            path(),
            &user("bob"),
            false,
            MalformedLines::Keep,
            |_| Err(Error::UsernameEmpty),
            || Ok(b"NEW".to_vec()),
        )
        .unwrap_err();
        assert!(matches!(error, Error::UsernameEmpty));
    }

    #[test]
    fn only_lines_starting_with_the_user_are_the_users() {
        // `alice:` inside other lines: another user's name, a comment, a
        // hash, a malformed line's text. Only the last two lines are hers.
        let input: &[u8] =
            b"xalice:1\n#alice:2\nbob:alice:3\nalice is alice:4\nalice\n  alice:5\n\t\x0balice:6\r\n";
        let expected: &[u8] =
            b"xalice:1\n#alice:2\nbob:alice:3\nalice is alice:4\nalice\nalice:NEW\nalice:NEW\r\n";
        for capacity in [1, 2, 3, 7, 64, 8192] {
            let mut reader = io::BufReader::with_capacity(capacity, input);
            let mut output = Vec::new();
            let outcome = upsert(
                Some(&mut reader),
                &mut output,
                path(),
                &user("alice"),
                false,
                MalformedLines::Keep,
                |_| Ok(false),
                || Ok(b"NEW".to_vec()),
            )
            .unwrap();
            assert_eq!(outcome, UpsertOutcome::Updated, "capacity {capacity}");
            assert_eq!(
                String::from_utf8_lossy(&output),
                String::from_utf8_lossy(expected),
                "capacity {capacity}"
            );
        }
    }

    #[test]
    fn many_users_are_found_as_a_few_are() {
        // More users than UserIndex::FEW: looked up in a map, not a scan.
        let names: Vec<String> = (0..UserIndex::FEW * 2).map(|i| format!("u{i}")).collect();
        let users: Vec<Username> = names.iter().map(|name| user(name)).collect();
        let input = b"u3:old\nother:x\nu12:old\r\n";
        let mut output = Vec::new();
        let outcomes = upsert_many(
            Some(&mut &input[..]),
            &mut output,
            path(),
            &users,
            false,
            MalformedLines::Keep,
            |i, _| Ok(Resolution::Write(format!("h{i}").into_bytes())),
        )
        .unwrap();
        let mut expected = b"u3:h3\nother:x\nu12:h12\r\n".to_vec();
        for (i, name) in names.iter().enumerate() {
            if i != 3 && i != 12 {
                expected.extend_from_slice(format!("{name}:h{i}\n").as_bytes());
            }
        }
        assert_eq!(
            String::from_utf8_lossy(&output),
            String::from_utf8_lossy(&expected)
        );
        assert_eq!(outcomes[3], UpsertOutcome::Updated);
        assert_eq!(outcomes[0], UpsertOutcome::Added);

        let (output, outcome) =
            run_delete(input, &names.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(output, b"other:x\n");
        assert_eq!(outcome.total(), 2);
    }

    #[test]
    fn delete_keeps_every_other_byte() {
        let (output, outcome) = run_delete(MIXED, &["alice"]);
        assert_eq!(output, b"# comment\r\n\n   \t\nnot an entry\nbob:B\n  \n");
        assert_eq!(outcome.removed, vec![(user("alice"), 1)]);
    }

    #[test]
    fn delete_removes_every_duplicate_and_reports_each_user() {
        let (output, outcome) = run_delete(
            b"bob:1\nalice:2\n  bob:3\r\ncarol:4\nbob:5",
            &["bob", "dave", "carol"],
        );
        assert_eq!(output, b"alice:2\n");
        assert_eq!(
            outcome.removed,
            vec![(user("bob"), 3), (user("dave"), 0), (user("carol"), 1)]
        );
        assert_eq!(outcome.total(), 4);
        assert_eq!(outcome.not_found().collect::<Vec<_>>(), vec![&user("dave")]);
    }

    #[test]
    fn delete_of_the_last_line_without_newline_and_of_everything() {
        let (output, _) = run_delete(b"a:1\nb:2", &["b"]);
        assert_eq!(output, b"a:1\n");
        let (output, _) = run_delete(b"a:1\nb:2", &["a"]);
        assert_eq!(output, b"b:2");
        let (output, _) = run_delete(b"a:1\n", &["a"]);
        assert_eq!(output, b"");
    }

    #[test]
    fn delete_of_an_absent_user_copies_the_input() {
        let (output, outcome) = run_delete(MIXED, &["nobody"]);
        assert_eq!(output, MIXED);
        assert_eq!(outcome.total(), 0);
    }

    #[test]
    fn write_record_writes_the_ending_asked_for() {
        let mut output = Vec::new();
        write_record(&mut output, path(), &user("u"), b"H", LineEnding::CrLf).unwrap();
        write_record(&mut output, path(), &user("v"), b"I", LineEnding::None).unwrap();
        assert_eq!(output, b"u:H\r\nv:I");
    }
}
