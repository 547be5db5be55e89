//! The names a group file holds: [`GroupName`], and the rules for a member
//! being added ([`new_member`]), so that Apache reads back exactly the name
//! that was written (how Apache reads them: the module doc of
//! [`crate::group`]).
//!
//! What it must never do: let a rule for names live anywhere else, or
//! accept for writing a name that Apache would read as another (or as
//! several, or as none).

use std::fmt;

use crate::error::Error;
use crate::file::is_space;
use crate::username::{Username, escape_for_terminal, first_invisible};

/// A group's name, as bytes. Whichever constructor made it, it holds no
/// `:`, no line break and no NUL.
#[derive(Clone, PartialEq, Eq)]
pub struct GroupName(Vec<u8>);

impl GroupName {
    /// A name to write (`group add`): Apache must read it back as this one
    /// name, and `Require group NAME` must be able to name it, so it is not
    /// empty and holds no `:` (it ends the name), no white space (trimmed
    /// by Apache at the ends, a separator in `Require group`), no other
    /// control character, no character a person cannot see
    /// ([`crate::username::is_invisible`]), and does not start with `#`
    /// (the line would be a comment).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<GroupName, Error> {
        let bytes = bytes.into();
        let illegal = |reason| Err(Error::GroupNameIllegal { reason });
        if bytes.is_empty() {
            return illegal("is empty");
        }
        if bytes.contains(&b':') {
            return illegal("contains ':', which ends a group's name on its line");
        }
        if bytes.iter().any(|&byte| is_space(byte)) {
            return illegal(
                "contains white space, which Apache drops at the ends of a name and \
                 `Require group` takes as a separator",
            );
        }
        if bytes.iter().any(|&byte| byte < 0x20 || byte == 0x7f) {
            return illegal("contains a control character");
        }
        if bytes[0] == b'#' {
            return illegal("starts with '#', which makes its line a comment");
        }
        if let Some(character) = first_invisible(&bytes) {
            return Err(Error::GroupNameInvisible { character });
        }
        Ok(GroupName(bytes))
    }

    /// A name to look up (`group remove`, `delete`, `list`): any name a
    /// line can hold, with white space at either end dropped as Apache
    /// drops it. Only what no line's group name can hold is refused: a `:`,
    /// a line break or a NUL.
    pub fn existing(bytes: impl Into<Vec<u8>>) -> Result<GroupName, Error> {
        let bytes = bytes.into();
        let never = |reason| Err(Error::GroupNameNeverInFile { reason });
        if bytes.contains(&b':') {
            return never("contains ':', which ends a group's name on its line");
        }
        if bytes.iter().any(|&byte| matches!(byte, b'\n' | b'\r' | 0)) {
            return never("contains a line break or a NUL byte, which no group's name can hold");
        }
        let start = bytes
            .iter()
            .position(|&byte| !is_space(byte))
            .unwrap_or(bytes.len());
        let end = bytes
            .iter()
            .rposition(|&byte| !is_space(byte))
            .map_or(start, |last| last + 1);
        Ok(GroupName(bytes[start..end].to_vec()))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether a line whose group name Apache reads as `in_file` is of this
    /// group: ASCII case ignored, as APR's tables compare keys
    /// (`strcasecmp`).
    pub fn matches(&self, in_file: &[u8]) -> bool {
        self.0.eq_ignore_ascii_case(in_file)
    }

    /// The name made safe to show a person (see
    /// [`crate::username::escape_for_terminal`]).
    pub fn escaped(&self) -> String {
        escape_for_terminal(&self.0)
    }
}

impl fmt::Display for GroupName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.escaped())
    }
}

impl fmt::Debug for GroupName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GroupName({:?})", self.escaped())
    }
}

/// A user name to add to a group: a name [`Username::new`] accepts (the
/// user must be able to have an htpasswd entry), that Apache also reads
/// back from a group line as this one member: no white space (it separates
/// members), no quote at the start (the member would run to the next
/// quote), no `\\` (read as one `\`), and no `\` at the end (at the end of
/// the line it would join the next line to it).
pub fn new_member(bytes: impl Into<Vec<u8>>) -> Result<Username, Error> {
    let user = Username::new(bytes)?;
    let bytes = user.as_bytes();
    let illegal = |reason| {
        Err(Error::GroupMemberIllegal {
            user: user.escaped(),
            reason,
        })
    };
    if bytes.iter().any(|&byte| is_space(byte)) {
        return illegal(
            "contains white space, which separates the members of a group (Apache reads such a \
             name only in quotes, which htpass does not write: write that line by hand)",
        );
    }
    if matches!(bytes[0], b'"' | b'\'') {
        return illegal("starts with a quote, which Apache reads as the start of a quoted name");
    }
    if memchr::memmem::find(bytes, b"\\\\").is_some() {
        return illegal("contains two backslashes in a row, which Apache reads as one");
    }
    if bytes.ends_with(b"\\") {
        return illegal(
            "ends with a backslash, which at the end of a line joins the next line to it",
        );
    }
    Ok(user)
}
