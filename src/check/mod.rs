//! Lint findings: how the servers that read an htpasswd file will see it.
//!
//! Its job: walk a file line by line (a regular file more than once, to find
//! duplicated users in flat memory) and report each thing that will break on
//! a server (an error) or is weak (a warning), with its line number,
//! the servers it affects and a one-line reason. What each server does with
//! a file is data, in one table, [`SERVERS`]; every finding about a server is
//! computed from that table, never from an `if` per server.
//!
//! What it must never do:
//!
//! - put a hash or a line's text into a finding: a `{PLAIN}` "hash" is a
//!   password, and a malformed line may be a password pasted by mistake.
//!   Findings carry line numbers, user names and fixed text only;
//! - hold the file, or a record per user: lines are read in place or into
//!   one reused buffer, and memory stays flat however many users there are
//!   (see "Duplicates in flat memory" in `duplicates.rs`);
//! - know about terminals or arguments: the front-end prints the findings.
//!
//! # Parts
//!
//! | file | job |
//! |---|---|
//! | `servers.rs` | the server table: what each server does with a file, as data ([`SERVERS`]) |
//! | `findings.rs` | per-line findings: what the servers of the table make of each line |
//! | `hashes.rs` | the findings about an entry's hash: its format, its shape (malformed, unsupported), its cost |
//! | `duplicates.rs` | the duplicate finder: users listed more than once, in flat memory |
//!
//! This file holds the public API: [`check`], [`check_file`], the options
//! and what a finding is.

mod duplicates;
mod findings;
mod hashes;
mod servers;

use std::fs::File;
use std::hash::RandomState;
use std::io::{self, BufRead, BufReader};
use std::ops::ControlFlow;
use std::path::Path;

use crate::error::Error;
use crate::file::for_each_line;
use crate::hash::BcryptCost;

pub use duplicates::SIEVE_KEYS;
pub use servers::{Duplicates, Format, Reading, SERVERS, Server, ServerRules, default_servers};

use duplicates::{Tally, check_rereading};
use findings::Checker;

/// What to check beyond what breaks every server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    /// The servers whose rules apply (none: the generic rules only).
    pub servers: Vec<Server>,
    /// `--require bcrypt`: any other entry is an error.
    pub require_bcrypt: bool,
    /// bcrypt entries below this cost are warned about.
    pub min_cost: BcryptCost,
    /// `--strict`: warnings fail too.
    pub strict: bool,
}

impl Default for CheckOptions {
    fn default() -> CheckOptions {
        CheckOptions {
            servers: Vec::new(),
            require_bcrypt: false,
            min_cost: BcryptCost::DEFAULT,
            strict: false,
        }
    }
}

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Something breaks on a server: exit 7.
    Error,
    /// Something is weak: exit 7 only with `--strict`.
    Warning,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// What a finding is about; [`Kind::code`] is its stable name for tools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    MalformedLine,
    EmptyUser,
    EmptyHash,
    DuplicateUser,
    UnknownFormat,
    Crlf,
    ByteOrderMark,
    TrailingWhitespace,
    LeadingWhitespace,
    ColonInHash,
    UnsupportedByServer,
    NotRequiredAlgorithm,
    WeakAlgorithm,
    LowCost,
    /// A hash of a scheme htpass knows, in a shape nothing verifies.
    MalformedHash,
    /// A scheme no server considered verifies (`{SSHA256}`, `{SMD5}`).
    UnsupportedScheme,
    /// A scheme the servers considered verify through the system crypt(3)
    /// but htpass cannot (yescrypt).
    UnverifiableByHtpass,
    /// A cost that makes each login take about a second or more.
    SlowHash,
    /// A user name holding the byte a server's inline user list splits at.
    SeparatorInUser,
    /// A user name a server cannot take (OpenShift: `/`, `%`).
    RefusedName,
}

impl Kind {
    pub const ALL: [Kind; 20] = [
        Kind::MalformedLine,
        Kind::EmptyUser,
        Kind::EmptyHash,
        Kind::DuplicateUser,
        Kind::UnknownFormat,
        Kind::Crlf,
        Kind::ByteOrderMark,
        Kind::TrailingWhitespace,
        Kind::LeadingWhitespace,
        Kind::ColonInHash,
        Kind::UnsupportedByServer,
        Kind::NotRequiredAlgorithm,
        Kind::WeakAlgorithm,
        Kind::LowCost,
        Kind::MalformedHash,
        Kind::UnsupportedScheme,
        Kind::UnverifiableByHtpass,
        Kind::SlowHash,
        Kind::SeparatorInUser,
        Kind::RefusedName,
    ];

    /// The kebab-case name (`--format json`'s `code`).
    pub fn code(self) -> &'static str {
        match self {
            Kind::MalformedLine => "malformed-line",
            Kind::EmptyUser => "empty-user",
            Kind::EmptyHash => "empty-hash",
            Kind::DuplicateUser => "duplicate-user",
            Kind::UnknownFormat => "unknown-format",
            Kind::Crlf => "crlf",
            Kind::ByteOrderMark => "byte-order-mark",
            Kind::TrailingWhitespace => "trailing-whitespace",
            Kind::LeadingWhitespace => "leading-whitespace",
            Kind::ColonInHash => "colon-in-hash",
            Kind::UnsupportedByServer => "unsupported-by-server",
            Kind::NotRequiredAlgorithm => "not-required-algorithm",
            Kind::WeakAlgorithm => "weak-algorithm",
            Kind::LowCost => "low-cost",
            Kind::MalformedHash => "malformed-hash",
            Kind::UnsupportedScheme => "unsupported-scheme",
            Kind::UnverifiableByHtpass => "unverifiable-by-htpass",
            Kind::SlowHash => "slow-hash",
            Kind::SeparatorInUser => "separator-in-user",
            Kind::RefusedName => "refused-name",
        }
    }

    /// How bad a finding of this kind is.
    pub fn severity(self) -> Severity {
        match self {
            Kind::WeakAlgorithm
            | Kind::LowCost
            | Kind::UnverifiableByHtpass
            | Kind::SlowHash
            | Kind::SeparatorInUser => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One thing found on one line. It never holds a hash or a line's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// 1-based.
    pub line: u64,
    pub severity: Severity,
    pub kind: Kind,
    /// The user of the entry, exact (the message has it escaped).
    pub user: Option<Vec<u8>>,
    /// The servers that fail on it (among those checked for).
    pub servers: Vec<Server>,
    /// One line, naming the server that will fail and what to do.
    pub message: String,
}

/// The counts after a whole file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    /// `USER:HASH` lines read.
    pub entries: u64,
}

impl Summary {
    /// Whether the check fails (exit 7): any error, or with `strict` any
    /// warning.
    pub fn fails(&self, strict: bool) -> bool {
        self.errors > 0 || (strict && self.warnings > 0)
    }
}

/// Streams `reader` (the file at `path`) and calls `report` with each
/// finding: those of each line as the line is read, then one per duplicated
/// user (which needs the whole file to say which line each server uses).
///
/// Without `options.servers` every server a plain check considers
/// ([`default_servers`]: those of [`SERVERS`] that read a file themselves,
/// nginx's row speaking for the nginx controllers) is considered for
/// what breaks a file, and formats only some servers take are warned about,
/// not refused; with them, only those servers count, and an entry one of
/// them cannot verify is an error.
///
/// `reader` is read once, so it may be a pipe; the price is a small record
/// per distinct user, kept until the end. [`check_file`] reports the same
/// findings in flat memory when the file can be read again.
pub fn check<R: BufRead>(
    mut reader: R,
    path: &Path,
    options: &CheckOptions,
    mut report: impl FnMut(&Finding) -> Result<(), Error>,
) -> Result<Summary, Error> {
    let mut checker = Checker::new(options);
    let mut tally = Tally::default();
    for_each_line(&mut reader, path, |number, raw| {
        if let Some(user) = checker.line(number, raw) {
            tally.add(user, number);
        }
        checker.flush(&mut report).map(ControlFlow::Continue)
    })?;
    checker.duplicates(tally.duplicated(), &mut report)?;
    Ok(checker.summary)
}

/// Like [`check`], with the same findings in the same order, for an open
/// file: a regular file is read again to find duplicated users, in memory
/// that does not grow with the number of users (see the module
/// documentation); anything else (a FIFO, a terminal) is read once, by
/// [`check`].
pub fn check_file(
    reader: &mut BufReader<File>,
    path: &Path,
    options: &CheckOptions,
    report: impl FnMut(&Finding) -> Result<(), Error>,
) -> Result<Summary, Error> {
    let metadata = reader
        .get_ref()
        .metadata()
        .map_err(|source| read_error(path, source))?;
    if metadata.is_file() {
        let (summary, _passes) = check_rereading(
            reader,
            path,
            options,
            SIEVE_KEYS,
            &RandomState::new(),
            report,
        )?;
        Ok(summary)
    } else {
        check(reader, path, options, report)
    }
}

fn read_error(path: &Path, source: io::Error) -> Error {
    Error::FileAccess {
        path: path.to_path_buf(),
        action: "read",
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) const BCRYPT: &str = "$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234";
    pub(super) const BCRYPT_5: &str =
        "$2y$05$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234";
    pub(super) const APR1: &str = "$apr1$abcdefgh$ABCDEFGHIJKLMNOPQRSTUV";
    pub(super) const SHA: &str = "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=";
    pub(super) const MD5_CRYPT: &str = "$1$NVOHAf9a$PbQG/cnOVDfG8qgoshICL.";
    pub(super) const SSHA: &str = "{SSHA}vFSAXA44/mvza7sDF+k4l4Poy21zYWx0c2FsdA==";
    pub(super) const SHA256_CRYPT: &str =
        "$5$uWLAivEMGMfh6vgP$91jbbRmcYT8qeUwLEeHlAI83KRLC3jXV/8LMM2QWYW7";
    /// The specification's vector, with `rounds=10000`.
    pub(super) const SHA512_ROUNDS: &str = "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.";

    pub(super) fn run(input: &[u8], options: &CheckOptions) -> (Vec<Finding>, Summary) {
        let mut findings = Vec::new();
        let summary = check(input, Path::new("f"), options, |finding| {
            findings.push(finding.clone());
            Ok(())
        })
        .unwrap();
        (findings, summary)
    }

    pub(super) fn generic(input: &[u8]) -> Vec<Finding> {
        run(input, &CheckOptions::default()).0
    }

    pub(super) fn for_servers(input: &[u8], servers: &[Server]) -> Vec<Finding> {
        let options = CheckOptions {
            servers: servers.to_vec(),
            ..CheckOptions::default()
        };
        run(input, &options).0
    }

    /// The one finding of `kind` in `findings`.
    pub(super) fn only(findings: &[Finding], kind: Kind) -> &Finding {
        let found: Vec<&Finding> = findings.iter().filter(|f| f.kind == kind).collect();
        assert_eq!(found.len(), 1, "one {kind:?} in {findings:?}");
        found[0]
    }

    pub(super) fn kinds(findings: &[Finding]) -> Vec<(u64, Kind)> {
        findings.iter().map(|f| (f.line, f.kind)).collect()
    }

    #[test]
    fn codes_are_kebab_case_and_distinct() {
        let mut codes: Vec<&str> = Kind::ALL.iter().map(|kind| kind.code()).collect();
        assert!(
            codes
                .iter()
                .all(|code| code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        );
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Kind::ALL.len());
    }
}
