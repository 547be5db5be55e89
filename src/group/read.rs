//! A group file's lines as Apache httpd reads them ([`for_each_line`]),
//! and the parts of one ([`parse`]): the rules are listed, with their
//! sources, in the module doc of [`crate::group`].
//!
//! What it must never do: read a line differently from Apache (a test
//! compares with the real server, `tests/interop/apache_groups.rs`), or
//! hold more than one line of the file at a time.

use std::borrow::Cow;
use std::io::BufRead;
use std::ops::ControlFlow;
use std::path::Path;

use crate::error::Error;
use crate::file::{LineEnding, is_space, line_ending};

/// The most bytes of one line, before its `\n` (a `\r` counted), that
/// Apache reads from a group file: its line buffer grows to 16 MiB
/// (`VARBUF_MAX_LEN` in `mod_authz_groupfile.c`), and the line and its
/// `\n` must fit with a byte to spare. Measured with Apache httpd 2.4 in
/// `tests/interop/apache_groups.rs`.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024 - 1;

/// Why Apache would read a line differently from how it looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A NUL byte: Apache reads the line only up to it.
    Nul,
    /// Longer than [`MAX_LINE_BYTES`]: Apache stops reading the file here.
    TooLong,
}

/// One line as Apache reads it: one line of the file, or several joined by
/// a `\` at their end.
#[derive(Clone, Debug, Default)]
pub struct Line {
    /// The number of its (first) line in the file, from 1.
    pub number: u64,
    /// The number of its last line in the file.
    pub last: u64,
    /// Its bytes in the file, line endings and joining `\` included.
    pub raw: Vec<u8>,
    /// How much of [`Line::content`] its first line gave; the rest came from
    /// the lines it was joined with.
    pub first_len: usize,
    /// What Apache reads: the lines joined without their `\` and line
    /// endings, up to a NUL, before white space is trimmed; without the
    /// last line ending. Not kept past [`MAX_LINE_BYTES`].
    pub content: Vec<u8>,
    /// The ending of its last line in the file.
    pub ending: Option<LineEnding>,
    /// Set when Apache would read it differently from how it looks.
    pub problem: Option<Problem>,
    /// The file ends on this line, and its last line ends in `\`: a line
    /// appended to the file would be joined to it.
    pub continued_at_end: bool,
}

impl Line {
    fn start(&mut self, number: u64) {
        self.number = number;
        self.last = number;
        self.raw.clear();
        self.first_len = 0;
        self.content.clear();
        self.ending = None;
        self.problem = None;
        self.continued_at_end = false;
    }
}

/// Calls `each` with every line of `reader` as Apache reads it, until it
/// returns `Break`. Memory: the longest line.
pub fn for_each_line<R: BufRead + ?Sized>(
    reader: &mut R,
    path: &Path,
    mut each: impl FnMut(&Line) -> Result<ControlFlow<()>, Error>,
) -> Result<(), Error> {
    let mut line = Line::default();
    let mut open = false;
    crate::file::for_each_line(reader, path, |number, physical| {
        if !open {
            line.start(number);
            open = true;
        }
        line.last = number;
        let ending = line_ending(physical);
        line.ending = Some(ending);
        let body = &physical[..physical.len() - ending.as_bytes().len()];
        // `ap_cfg_getline_core` measures what it read with `strlen`: a NUL
        // ends the line there, and hides the `\` that would continue it.
        let (body, nul) = match memchr::memchr(0, body) {
            Some(at) => (&body[..at], true),
            None => (body, false),
        };
        let continues = !nul && ending != LineEnding::None && body.ends_with(b"\\");
        // The buffer holds what was joined so far and this whole line but
        // its `\n` (a `\r` included).
        let carriage_return = usize::from(ending == LineEnding::CrLf);
        if line.content.len() + body.len() + carriage_return > MAX_LINE_BYTES {
            line.problem = Some(Problem::TooLong);
        }
        if line.problem != Some(Problem::TooLong) {
            line.raw.extend_from_slice(physical);
            let kept = if continues {
                &body[..body.len() - 1]
            } else {
                body
            };
            line.content.extend_from_slice(kept);
        }
        if number == line.number {
            line.first_len = line.content.len();
        }
        if nul && line.problem.is_none() {
            line.problem = Some(Problem::Nul);
        }
        if continues {
            return Ok(ControlFlow::Continue(()));
        }
        open = false;
        each(&line)
    })?;
    if open {
        // The file ended on a line that asked for the next one. Whether
        // `each` would stop here or go on, this was the last line.
        line.continued_at_end = true;
        let _last = each(&line)?;
    }
    Ok(())
}

/// What a line is, as Apache reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind<'a> {
    /// Nothing but white space.
    Blank,
    /// `#` after the white space.
    Comment,
    /// `NAME: MEMBERS`.
    Group(GroupLine<'a>),
    /// Neither blank, a comment, nor with a `:`: Apache reads a group of
    /// that name without members.
    NoColon,
}

/// A group line's parts; positions are offsets in [`Line::content`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupLine<'a> {
    /// The group's name: up to the first `:`, white space at either end
    /// dropped.
    pub name: &'a [u8],
    /// Where the members start: after the `:` and every `:` right after it.
    pub body: usize,
    /// Where the line ends once white space at its end is dropped.
    pub end: usize,
    pub members: Vec<Member<'a>>,
}

/// A member as written (`start..end`, quotes included) and as Apache reads
/// it (`name`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member<'a> {
    pub start: usize,
    pub end: usize,
    pub name: Cow<'a, [u8]>,
}

/// Reads `content` (a [`Line::content`]) as `groups_for_user` does.
pub fn parse(content: &[u8]) -> Kind<'_> {
    // `cfg_trim_line`: white space at both ends goes.
    let Some(start) = content.iter().position(|&byte| !is_space(byte)) else {
        return Kind::Blank;
    };
    let end = content
        .iter()
        .rposition(|&byte| !is_space(byte))
        .map_or(start, |last| last + 1);
    if content[start] == b'#' {
        return Kind::Comment;
    }
    // `ap_getword(..., ':')`: the name up to the first ':', then every ':'.
    let Some(colon) = memchr::memchr(b':', &content[start..end]).map(|at| start + at) else {
        return Kind::NoColon;
    };
    let mut name = &content[start..colon];
    while let [rest @ .., last] = name
        && is_space(*last)
    {
        name = rest;
    }
    let mut body = colon;
    while body < end && content[body] == b':' {
        body += 1;
    }
    let mut members = Vec::new();
    let mut at = body;
    loop {
        while at < end && is_space(content[at]) {
            at += 1;
        }
        if at == end {
            break;
        }
        let member = word(content, at, end);
        at = member.end;
        members.push(member);
    }
    Kind::Group(GroupLine {
        name,
        body,
        end,
        members,
    })
}

/// `ap_getword_conf`: the word of `content[start..end]` at `start` (not
/// white space).
fn word(content: &[u8], start: usize, end: usize) -> Member<'_> {
    let quote = content[start];
    if quote == b'"' || quote == b'\'' {
        let mut at = start + 1;
        while at < end && content[at] != quote {
            // `\"` and `\\` do not end the word.
            if content[at] == b'\\'
                && at + 1 < end
                && (content[at + 1] == quote || content[at + 1] == b'\\')
            {
                at += 2;
            } else {
                at += 1;
            }
        }
        let name = unescape(&content[start + 1..at], Some(quote));
        // The closing quote, if there is one, belongs to the word.
        let stop = if at < end { at + 1 } else { at };
        Member {
            start,
            end: stop,
            name,
        }
    } else {
        let stop = content[start..end]
            .iter()
            .position(|&byte| is_space(byte))
            .map_or(end, |at| start + at);
        Member {
            start,
            end: stop,
            name: unescape(&content[start..stop], None),
        }
    }
}

/// `substring_conf`: `\\` is `\`, and inside quotes `\QUOTE` is `QUOTE`;
/// every other byte is itself.
fn unescape(text: &[u8], quote: Option<u8>) -> Cow<'_, [u8]> {
    if !text.contains(&b'\\') {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        let byte = text[at];
        if byte == b'\\'
            && let Some(&next) = text.get(at + 1)
            && (next == b'\\' || Some(next) == quote)
        {
            out.push(next);
            at += 2;
        } else {
            out.push(byte);
            at += 1;
        }
    }
    Cow::Owned(out)
}
