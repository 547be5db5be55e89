//! [`Unfit`]: what in an entry an output format cannot carry, and why, so
//! that the command can refuse it with the line number or the user name and
//! say what to do next, instead of writing something the destination would
//! split, mangle or misread.
//!
//! Each destination decides what it cannot carry (see [`super::rules`] and
//! [`super::compose`]); this module only says it. It never holds a hash's or a password's text.

use std::fmt;

/// The part of an entry that a destination cannot carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryPart {
    User,
    Hash,
    /// The whole line (a comment where the destination takes none).
    Line,
}

/// Something in an entry that an output format cannot carry, and why: the
/// error says what to do next (`in_file` for an entry of FILE, `in_argument`
/// for a user named on the command line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unfit {
    pub part: EntryPart,
    /// What is in it, as "contains ','".
    pub problem: &'static str,
    /// The destination, as the command line names it: "--format compose",
    /// "--for envoy-gateway".
    pub destination: &'static str,
    /// Why the destination cannot carry it.
    pub why: &'static str,
    /// What to do about such an entry of a file.
    pub in_file: &'static str,
    /// What to do about such a user name on the command line.
    pub in_argument: &'static str,
}

impl fmt::Display for Unfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = match self.part {
            EntryPart::User => "the user name",
            EntryPart::Hash => "the hash",
            EntryPart::Line => "the line",
        };
        write!(
            f,
            "{part} {}, which {} cannot carry: {}",
            self.problem, self.destination, self.why
        )
    }
}
