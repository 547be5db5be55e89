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
//!   (see "Duplicates in flat memory" below);
//! - know about terminals or arguments: the front-end prints the findings.
//!
//! # Duplicates in flat memory
//!
//! A duplicated user is only known at the end of the file, and a record per
//! user costs about 190 bytes, 187 MB at a million users. So when the file
//! can be read again (a regular file, [`check_file`]) the first pass, which
//! reports every other finding as it goes, keeps nothing per user, and
//! duplicates are found by reading the file again:
//!
//! 1. each user name has a 64-bit fingerprint (SipHash with a key drawn for
//!    the run, so a hostile file cannot make names collide on purpose);
//! 2. each pass takes one range of fingerprints and keeps those in the range
//!    as 32-bit values in a buffer of fixed size ([`SIEVE_KEYS`]), noting
//!    the values seen twice as candidates. When the buffer is full the range
//!    is cut short, and the next pass starts where this one stopped. The
//!    first pass starts with the whole range, so a file whose users fit is
//!    read once;
//! 3. if there are candidates, a last pass keeps an exact record (first
//!    line, last line, count) for the names whose fingerprint is one, so
//!    memory grows with the number of duplicated users only, and different
//!    names that share a fingerprint or a value are told apart.
//!
//! Every pass decides what an entry and its user are with the same function
//! as the findings do (`counted_user`: the byte-order mark, blank, comment
//! and malformed lines, empty users), and checks that it saw the same
//! entries as the first pass: a file rewritten in place meanwhile is an
//! error, not a wrong report. Input that cannot be read twice (a FIFO; any
//! reader given to [`check`]) keeps the record per user in memory.
//!
//! # Where the table comes from
//!
//! nginx, Apache httpd and the Docker registry were checked live (nginx
//! 1.22.1, Apache httpd 2.4, distribution 2.8.2, with one file holding every
//! case below). Traefik and Envoy are from their sources:
//!
//! - nginx (`ngx_http_auth_basic_module.c`) compares the user name from the
//!   first byte of a line (leading white space is part of it) and ends the
//!   hash at CR, LF or `:` (so `user:hash:comment` works, and a CRLF file is
//!   read correctly), but keeps trailing spaces and tabs in the hash. It uses
//!   the first entry of a user and skips lines that are not its user's.
//! - Apache httpd (`mod_authn_file`, `ap_cfg_getline`) strips white space at
//!   both ends of a line, ends the hash at the next `:`, and uses the first
//!   entry. `apr_password_validate` knows bcrypt, `$apr1$` and `{SHA}`, and
//!   crypt(3) the rest; not `{SSHA}` nor `{PLAIN}`, and on Linux never a bare
//!   password.
//! - The Docker registry (`registry/auth/htpasswd`) trims each line
//!   (`strings.TrimSpace`), refuses the whole file at a line without `:`
//!   (every request fails, and it logs the line), lets the last entry of a
//!   user win and verifies bcrypt only. It keeps a second `:` in the hash,
//!   but Go's bcrypt reads only the first 60 bytes, so bcrypt still matches.
//! - Traefik (`pkg/middlewares/auth`) trims each line, refuses the whole file
//!   when a line does not split into exactly two fields at `:` (no `:`, or a
//!   second one), lets the last entry win (a map), and verifies bcrypt,
//!   `{SHA}` and MD5-crypt (`$apr1$`, `$1$`) through containous/go-http-auth.
//! - Envoy (`basic_auth` `readHtpasswd`) trims nothing and refuses the whole
//!   configuration at any line without `:`, an empty user or hash, a
//!   duplicate user, a hash that is not `{SHA}`, or a `{SHA}` hash that is
//!   not 28 characters (so a CR, a trailing space or a `:comment` too).
//! - A UTF-8 byte-order mark is white space to none of them: it becomes part
//!   of the first user name.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasher, RandomState};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom};
use std::ops::ControlFlow;
use std::path::Path;

use crate::error::Error;
use crate::file::{LineEnding, LineKind, classify, for_each_line, line_ending};
use crate::hash::{self, BcryptCost, Scheme, ShaVariant};
use crate::username::escape_for_terminal;

/// A server whose reading of the file is applied (`htpass check --for`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Server {
    /// The Docker registry (distribution, `auth: htpasswd`).
    Registry,
    /// nginx `auth_basic_user_file` (also ingress-nginx).
    Nginx,
    /// Apache httpd mod_authn_file.
    Apache,
    /// Traefik basicAuth.
    Traefik,
    /// Envoy basic_auth (also Envoy Gateway).
    Envoy,
}

impl Server {
    /// Every server, in the order of [`SERVERS`].
    pub const ALL: [Server; 5] = [
        Server::Registry,
        Server::Nginx,
        Server::Apache,
        Server::Traefik,
        Server::Envoy,
    ];

    /// The short name, as `--for` takes it and JSON shows it.
    pub fn name(self) -> &'static str {
        match self {
            Server::Registry => "registry",
            Server::Nginx => "nginx",
            Server::Apache => "apache",
            Server::Traefik => "traefik",
            Server::Envoy => "envoy",
        }
    }

    /// What this server does with a file.
    pub fn rules(self) -> &'static ServerRules {
        // SERVERS is in the enum's order: checked when compiling, below.
        &SERVERS[self as usize]
    }
}

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

/// A hash format, as the servers tell them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `$2a$`, `$2b$`, `$2x$`, `$2y$`.
    Bcrypt,
    /// `$apr1$`.
    Apr1,
    /// `$1$`.
    Md5Crypt,
    /// `$5$`.
    Sha256Crypt,
    /// `$6$`.
    Sha512Crypt,
    /// Traditional 13-character crypt.
    DesCrypt,
    /// `{SHA}`.
    Sha1,
    /// `{SSHA}`.
    Ssha,
    /// `{PLAIN}`.
    PlainTagged,
    /// Anything else: a password in clear text, or garbage.
    BarePlain,
}

impl Format {
    /// The format of a stored hash (see [`hash::detect`]).
    pub fn of(scheme: Scheme) -> Format {
        match scheme {
            Scheme::Bcrypt { .. } => Format::Bcrypt,
            Scheme::Apr1 => Format::Apr1,
            Scheme::Md5Crypt => Format::Md5Crypt,
            Scheme::ShaCrypt {
                variant: ShaVariant::Sha256,
                ..
            } => Format::Sha256Crypt,
            Scheme::ShaCrypt {
                variant: ShaVariant::Sha512,
                ..
            } => Format::Sha512Crypt,
            Scheme::DesCrypt => Format::DesCrypt,
            Scheme::Sha1 => Format::Sha1,
            Scheme::Ssha => Format::Ssha,
            Scheme::PlainTagged => Format::PlainTagged,
            Scheme::BarePlain => Format::BarePlain,
        }
    }

    /// How messages name it.
    pub fn label(self) -> &'static str {
        match self {
            Format::Bcrypt => "bcrypt",
            Format::Apr1 => "apr1 (MD5)",
            Format::Md5Crypt => "$1$ (MD5-crypt)",
            Format::Sha256Crypt => "$5$ (SHA-256-crypt)",
            Format::Sha512Crypt => "$6$ (SHA-512-crypt)",
            Format::DesCrypt => "crypt (DES)",
            Format::Sha1 => "{SHA} (SHA-1)",
            Format::Ssha => "{SSHA} (salted SHA-1)",
            Format::PlainTagged => "{PLAIN}",
            Format::BarePlain => "bare plain-text",
        }
    }

    /// Why an entry of this format is weak, or `None` when it is not.
    fn weakness(self) -> Option<&'static str> {
        match self {
            Format::Apr1 | Format::Md5Crypt | Format::Ssha => {
                Some("is fast to crack if the file leaks")
            }
            Format::Sha1 => Some("is unsalted and cracked in minutes if the file leaks"),
            Format::DesCrypt => {
                Some("uses only the first 8 characters of the password and is cracked in minutes")
            }
            Format::PlainTagged => Some("stores the password in clear text"),
            Format::Bcrypt | Format::Sha256Crypt | Format::Sha512Crypt | Format::BarePlain => None,
        }
    }
}

/// Which entry of a user listed more than once a server uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duplicates {
    First,
    Last,
    /// The whole file is refused.
    RefusesFile,
}

/// What a server does with some bytes of a line (a CR, white space, a
/// second `:`, a byte-order mark) or with a line or entry it cannot use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Stripped or skipped: no harm.
    Ignored,
    /// The hash ends there: harmless after a real hash (`user:hash:comment`),
    /// but a `{PLAIN}` password is cut short.
    EndsHash,
    /// Kept as part of the hash: no password matches.
    KeptInHash,
    /// Kept as part of the user name: the user as typed is never found.
    KeptInUser,
    /// The entry is unusable: its user cannot log in.
    UserLocked,
    /// The whole file is refused: nobody can log in.
    RefusesFile,
}

impl Reading {
    /// The verb phrase after one server's name, and after several.
    fn phrase(self) -> (&'static str, &'static str) {
        match self {
            Reading::Ignored => ("ignores it", "ignore it"),
            Reading::EndsHash => ("ends the hash there", "end the hash there"),
            Reading::KeptInHash => (
                "keeps it as part of the hash",
                "keep it as part of the hash",
            ),
            Reading::KeptInUser => (
                "takes it as part of the user name",
                "take it as part of the user name",
            ),
            Reading::UserLocked => ("cannot use the entry", "cannot use the entry"),
            Reading::RefusesFile => ("refuses the whole file", "refuse the whole file"),
        }
    }

    fn is_harmless(self) -> bool {
        self == Reading::Ignored
    }
}

/// What one server does with a file: the single source of every finding
/// that names a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerRules {
    pub server: Server,
    /// How messages name it.
    pub name: &'static str,
    /// The hash formats it verifies.
    pub accepts: &'static [Format],
    /// Which entry of a user listed twice it uses.
    pub duplicates: Duplicates,
    /// A line that is not blank, a comment or `USER:HASH`.
    pub malformed_line: Reading,
    /// A CR at the end of a line (CRLF endings).
    pub carriage_return: Reading,
    /// Spaces or tabs after the hash.
    pub trailing_white_space: Reading,
    /// Spaces or tabs before the user name.
    pub leading_white_space: Reading,
    /// A second `:` on an entry's line.
    pub second_colon: Reading,
    /// A UTF-8 byte-order mark at the start of the file.
    pub byte_order_mark: Reading,
    /// An entry it cannot use: an empty hash, a format it does not accept.
    pub unusable_entry: Reading,
}

impl ServerRules {
    pub fn accepts(&self, format: Format) -> bool {
        self.accepts.contains(&format)
    }
}

/// What each server does with a file, in the order of [`Server`]. See the
/// module documentation for the source of each cell.
pub static SERVERS: [ServerRules; 5] = [
    ServerRules {
        server: Server::Registry,
        name: "the Docker registry",
        accepts: &[Format::Bcrypt],
        duplicates: Duplicates::Last,
        malformed_line: Reading::RefusesFile,
        carriage_return: Reading::Ignored,
        trailing_white_space: Reading::Ignored,
        leading_white_space: Reading::Ignored,
        second_colon: Reading::Ignored,
        byte_order_mark: Reading::KeptInUser,
        unusable_entry: Reading::UserLocked,
    },
    ServerRules {
        server: Server::Nginx,
        name: "nginx",
        // $apr1$, {SHA}, {SSHA} and {PLAIN} itself; the rest through
        // crypt(3) (libxcrypt: bcrypt, $1$, $5$, $6$, DES).
        accepts: &[
            Format::Bcrypt,
            Format::Apr1,
            Format::Md5Crypt,
            Format::Sha256Crypt,
            Format::Sha512Crypt,
            Format::DesCrypt,
            Format::Sha1,
            Format::Ssha,
            Format::PlainTagged,
        ],
        duplicates: Duplicates::First,
        malformed_line: Reading::Ignored,
        carriage_return: Reading::Ignored,
        trailing_white_space: Reading::KeptInHash,
        leading_white_space: Reading::KeptInUser,
        second_colon: Reading::EndsHash,
        byte_order_mark: Reading::KeptInUser,
        unusable_entry: Reading::UserLocked,
    },
    ServerRules {
        server: Server::Apache,
        name: "Apache httpd",
        // bcrypt, $apr1$ and {SHA} itself; the rest through crypt(3).
        accepts: &[
            Format::Bcrypt,
            Format::Apr1,
            Format::Md5Crypt,
            Format::Sha256Crypt,
            Format::Sha512Crypt,
            Format::DesCrypt,
            Format::Sha1,
        ],
        duplicates: Duplicates::First,
        malformed_line: Reading::Ignored,
        carriage_return: Reading::Ignored,
        trailing_white_space: Reading::Ignored,
        leading_white_space: Reading::Ignored,
        second_colon: Reading::EndsHash,
        byte_order_mark: Reading::KeptInUser,
        unusable_entry: Reading::UserLocked,
    },
    ServerRules {
        server: Server::Traefik,
        name: "Traefik",
        accepts: &[Format::Bcrypt, Format::Apr1, Format::Md5Crypt, Format::Sha1],
        duplicates: Duplicates::Last,
        malformed_line: Reading::RefusesFile,
        carriage_return: Reading::Ignored,
        trailing_white_space: Reading::Ignored,
        leading_white_space: Reading::Ignored,
        second_colon: Reading::RefusesFile,
        byte_order_mark: Reading::KeptInUser,
        unusable_entry: Reading::UserLocked,
    },
    ServerRules {
        server: Server::Envoy,
        name: "Envoy",
        accepts: &[Format::Sha1],
        duplicates: Duplicates::RefusesFile,
        malformed_line: Reading::RefusesFile,
        carriage_return: Reading::RefusesFile,
        trailing_white_space: Reading::RefusesFile,
        leading_white_space: Reading::KeptInUser,
        second_colon: Reading::RefusesFile,
        byte_order_mark: Reading::KeptInUser,
        unusable_entry: Reading::RefusesFile,
    },
];

// `Server::rules` indexes SERVERS by the enum's discriminant.
const _: () = {
    let mut i = 0;
    while i < SERVERS.len() {
        assert!(SERVERS[i].server as usize == i);
        assert!(Server::ALL[i] as usize == i);
        i += 1;
    }
};

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
}

impl Kind {
    pub const ALL: [Kind; 14] = [
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
        }
    }

    /// How bad a finding of this kind is.
    pub fn severity(self) -> Severity {
        match self {
            Kind::WeakAlgorithm | Kind::LowCost => Severity::Warning,
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
/// Without `options.servers` every server of [`SERVERS`] is considered for
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

/// How many fingerprints a pass keeps, 4 bytes each: 256 KB, which keeps
/// a million users within about 300 KB of ten thousand. A million users
/// take about 19 reads of the file (45 ms each from the page cache, about
/// what the old record per user cost in allocations); a file of up to
/// 65,536 entries is read once, or twice when it has duplicates.
pub const SIEVE_KEYS: usize = 64 * 1024;

/// [`check`] for a reader that gives the same bytes again after a seek
/// back to where it started, keeping at most `capacity` fingerprints (made
/// with `keys`) at a time. Also returns how many times the file was read.
fn check_rereading<R: BufRead + Seek>(
    reader: &mut R,
    path: &Path,
    options: &CheckOptions,
    capacity: usize,
    keys: &impl BuildHasher,
    mut report: impl FnMut(&Finding) -> Result<(), Error>,
) -> Result<(Summary, usize), Error> {
    let start = reader
        .stream_position()
        .map_err(|source| read_error(path, source))?;
    let mut checker = Checker::new(options);
    let mut sieve = Sieve::new(capacity);
    let mut first = Digest::default();
    for_each_line(reader, path, |number, raw| {
        if let Some(user) = checker.line(number, raw) {
            let key = keys.hash_one(user);
            first.add(number, key);
            sieve.add(key);
        }
        checker.flush(&mut report).map(ControlFlow::Continue)
    })?;
    sieve.finish_pass();
    let mut passes = 1;

    // Again, over the fingerprints the first pass had no room for.
    while let Some(next) = sieve.next_range(first.entries) {
        rewind(reader, path, start)?;
        passes += 1;
        sieve.start(next);
        let mut again = Digest::default();
        for_each_line(reader, path, |number, raw| {
            if let Some(user) = counted_user(number, raw) {
                let key = keys.hash_one(user);
                again.add(number, key);
                sieve.add(key);
            }
            Ok(ControlFlow::Continue(()))
        })?;
        first.same_as(&again, path)?;
        sieve.finish_pass();
    }

    // Exactly, for the names whose fingerprint was seen twice.
    let candidates = sieve.into_candidates();
    if !candidates.is_empty() {
        rewind(reader, path, start)?;
        passes += 1;
        let mut tally = Tally::default();
        let mut again = Digest::default();
        for_each_line(reader, path, |number, raw| {
            if let Some(user) = counted_user(number, raw) {
                let key = keys.hash_one(user);
                again.add(number, key);
                if candidates.contains(key) {
                    tally.add(user, number);
                }
            }
            Ok(ControlFlow::Continue(()))
        })?;
        first.same_as(&again, path)?;
        checker.duplicates(tally.duplicated(), &mut report)?;
    }
    Ok((checker.summary, passes))
}

fn rewind(reader: &mut impl Seek, path: &Path, start: u64) -> Result<(), Error> {
    reader
        .seek(SeekFrom::Start(start))
        .map(drop)
        .map_err(|source| read_error(path, source))
}

fn read_error(path: &Path, source: io::Error) -> Error {
    Error::FileAccess {
        path: path.to_path_buf(),
        action: "read",
        source,
    }
}

const BYTE_ORDER_MARK: &[u8] = b"\xef\xbb\xbf";

/// White space a server may strip at either end of a line (C's `isspace`
/// without the line ending; Go's `TrimSpace` strips the same ASCII bytes).
fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | 0x0b | 0x0c)
}

/// A line as every pass reads it: line 1 without a byte-order mark, then
/// classified.
struct Parsed<'a> {
    bom: bool,
    /// Without the byte-order mark.
    line: &'a [u8],
    kind: LineKind<'a>,
}

fn parse(number: u64, raw: &[u8]) -> Parsed<'_> {
    let bom = number == 1 && raw.starts_with(BYTE_ORDER_MARK);
    let line = if bom {
        &raw[BYTE_ORDER_MARK.len()..]
    } else {
        raw
    };
    Parsed {
        bom,
        line,
        kind: classify(line),
    }
}

/// The user an entry counts for when looking for duplicates: none for a
/// line that is not an entry, or an entry with an empty user (reported on
/// its own). The findings and every later pass decide it here.
fn counted(kind: LineKind<'_>) -> Option<&[u8]> {
    match kind {
        LineKind::Entry { user, .. } if !user.is_empty() => Some(user),
        _ => None,
    }
}

/// [`counted`] of line `number` as read (`raw`, with its ending).
fn counted_user(number: u64, raw: &[u8]) -> Option<&[u8]> {
    counted(parse(number, raw).kind)
}

/// Where a user was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seen {
    first: u64,
    last: u64,
    count: u64,
}

/// An exact record of each user added.
#[derive(Default)]
struct Tally {
    users: HashMap<Vec<u8>, Seen>,
}

impl Tally {
    fn add(&mut self, user: &[u8], number: u64) {
        match self.users.get_mut(user) {
            Some(seen) => {
                seen.last = number;
                seen.count += 1;
            }
            None => {
                self.users.insert(
                    user.to_vec(),
                    Seen {
                        first: number,
                        last: number,
                        count: 1,
                    },
                );
            }
        }
    }

    /// The users added more than once, in the order of their last lines.
    fn duplicated(self) -> Vec<(Vec<u8>, Seen)> {
        let mut duplicated: Vec<(Vec<u8>, Seen)> = self
            .users
            .into_iter()
            .filter(|(_, seen)| seen.count > 1)
            .collect();
        duplicated.sort_by_key(|(_, seen)| seen.last);
        duplicated
    }
}

/// A range of fingerprints, `start..end` (`start..` when `end` is `None`),
/// and how finely a pass tells them apart there: a fingerprint is kept as
/// its offset from `start` without its `shift` low bits, a value that fits
/// in 32 bits. Fingerprints with the same value are a candidate together,
/// which the exact pass sorts out; a range holds few of them, so such a
/// false candidate is rare (about one per two passes at most).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Range {
    start: u64,
    end: Option<u64>,
    shift: u32,
}

impl Range {
    /// `end`, when given, is above `start`.
    fn new(start: u64, end: Option<u64>) -> Range {
        let span = match end {
            Some(end) => u128::from(end - start),
            None => (1u128 << 64) - u128::from(start),
        };
        // The fewest low bits to drop for every offset to fit in 32 bits.
        let bits = u128::BITS - (span - 1).leading_zeros();
        Range {
            start,
            end,
            shift: bits.saturating_sub(32),
        }
    }

    /// The value a pass keeps for `key`, if `key` is in the range.
    fn value(self, key: u64) -> Option<u32> {
        if key < self.start || self.end.is_some_and(|end| key >= end) {
            return None;
        }
        // Fits: `shift` leaves at most 32 bits of any offset in the range.
        Some(((key - self.start) >> self.shift) as u32)
    }

    /// The lowest fingerprint with `value`: how a candidate is remembered.
    fn key(self, value: u32) -> u64 {
        self.start + (u64::from(value) << self.shift)
    }
}

/// Finds the fingerprints seen more than once, one range at a time, in a
/// buffer that never grows past its capacity.
struct Sieve {
    capacity: usize,
    /// The range of this pass; cut short when the buffer is full.
    range: Range,
    /// The values of this pass's fingerprints, once each after
    /// [`Sieve::compact`].
    values: Vec<u32>,
    /// The ranges of the passes done, in order: together, `0..end` of the
    /// last.
    done: Vec<Range>,
    /// Values seen twice, as [`Range::key`]: sorted, once each, all in the
    /// ranges done and this one.
    candidates: Vec<u64>,
}

impl Sieve {
    fn new(capacity: usize) -> Sieve {
        let capacity = capacity.max(1);
        Sieve {
            capacity,
            range: Range::new(0, None),
            values: Vec::with_capacity(capacity),
            done: Vec::new(),
            candidates: Vec::new(),
        }
    }

    fn add(&mut self, key: u64) {
        let Some(value) = self.range.value(key) else {
            return;
        };
        if self.values.len() == self.capacity {
            self.compact();
            if self.values.len() == self.capacity {
                // Full of distinct values.
                match self.values.binary_search(&value) {
                    Ok(_) => {
                        self.note(value);
                        return;
                    }
                    Err(position) => {
                        if !self.cut(value, position) {
                            return;
                        }
                    }
                }
            }
        }
        self.values.push(value);
    }

    /// Sorts the buffer and keeps each value once, noting those that were
    /// there more than once.
    fn compact(&mut self) {
        self.values.sort_unstable();
        let before = self.candidates.len();
        let range = self.range;
        let candidates = &mut self.candidates;
        self.values.dedup_by(|later, earlier| {
            let same = later == earlier;
            if same {
                let key = range.key(*earlier);
                if candidates.last() != Some(&key) {
                    candidates.push(key);
                }
            }
            same
        });
        if self.candidates.len() > before {
            self.candidates.sort_unstable();
            self.candidates.dedup();
        }
    }

    fn note(&mut self, value: u32) {
        let key = self.range.key(value);
        if let Err(position) = self.candidates.binary_search(&key) {
            self.candidates.insert(position, key);
        }
    }

    /// Ends the range before the values that no longer fit: of the buffer
    /// (sorted, distinct, full) and `value` (not in it, which belongs at
    /// `position`), the smallest half stays and the range ends at the next
    /// (at least one stays, so every pass moves on). Returns whether
    /// `value` is still in the range.
    fn cut(&mut self, value: u32, position: usize) -> bool {
        let kept = self.capacity.div_ceil(2);
        // The buffer with `value` inserted, up to where the range now
        // ends: `kept` of them stay, `value` among them when it comes
        // before the end.
        let (end, stay, value_stays) = match kept.cmp(&position) {
            Ordering::Less => (self.values[kept], kept, false),
            Ordering::Equal => (value, kept, false),
            Ordering::Greater => (self.values[kept - 1], kept - 1, true),
        };
        self.values.truncate(stay);
        let end = self.range.key(end);
        self.range.end = Some(end);
        // Seen twice beyond the new end: the pass over that range finds
        // them again, with its own values.
        let beyond = self.candidates.partition_point(|&key| key < end);
        self.candidates.truncate(beyond);
        value_stays
    }

    /// After a pass: every fingerprint of the range has been seen.
    fn finish_pass(&mut self) {
        self.compact();
        self.values.clear();
        self.done.push(self.range);
    }

    /// The range after the last one done, aiming at 7/8 of the buffer for
    /// `entries` fingerprints spread evenly (a cut catches an unlucky
    /// range), or `None` when the last one went to the end.
    fn next_range(&self, entries: u64) -> Option<Range> {
        let start = self.range.end?;
        let aim = (self.capacity - self.capacity / 8) as u128;
        let width = (aim << 64) / u128::from(entries.max(1));
        let end = u128::from(start) + width.max(1);
        Some(Range::new(start, u64::try_from(end).ok()))
    }

    fn start(&mut self, range: Range) {
        self.range = range;
        self.values.clear();
    }

    fn into_candidates(self) -> Candidates {
        Candidates {
            ranges: self.done,
            keys: self.candidates,
        }
    }
}

/// What the passes found: a fingerprint whose value in its range was seen
/// twice may be a duplicated user's.
struct Candidates {
    ranges: Vec<Range>,
    keys: Vec<u64>,
}

impl Candidates {
    fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn contains(&self, key: u64) -> bool {
        // The ranges start at 0 and follow each other to the end.
        let range = self.ranges[self.ranges.partition_point(|range| range.start <= key) - 1];
        range
            .value(key)
            .is_some_and(|value| self.keys.binary_search(&range.key(value)).is_ok())
    }
}

/// What a pass saw of the entries, to tell that every pass read the same
/// file: how many, and a sum over each one's line number and fingerprint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Digest {
    entries: u64,
    sum: u64,
}

impl Digest {
    fn add(&mut self, number: u64, key: u64) {
        self.entries += 1;
        // splitmix64's finaliser: every bit of both moves the sum.
        let mut mixed = key ^ number.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        self.sum = self.sum.wrapping_add(mixed ^ (mixed >> 31));
    }

    fn same_as(&self, again: &Digest, path: &Path) -> Result<(), Error> {
        if self == again {
            Ok(())
        } else {
            Err(read_error(
                path,
                io::Error::other(
                    "the file changed while it was being checked (rewritten in place?); check it again",
                ),
            ))
        }
    }
}

struct Checker<'o> {
    options: &'o CheckOptions,
    /// The servers whose rules apply: those asked for, or all.
    considered: Vec<&'static ServerRules>,
    /// Whether formats a considered server cannot verify are errors.
    for_servers: bool,
    crlf_reported: bool,
    pending: Vec<Finding>,
    summary: Summary,
}

impl<'o> Checker<'o> {
    fn new(options: &'o CheckOptions) -> Checker<'o> {
        let considered = if options.servers.is_empty() {
            SERVERS.iter().collect()
        } else {
            options
                .servers
                .iter()
                .map(|server| server.rules())
                .collect()
        };
        Checker {
            options,
            considered,
            for_servers: !options.servers.is_empty(),
            crlf_reported: false,
            pending: Vec::new(),
            summary: Summary::default(),
        }
    }

    fn flush(
        &mut self,
        report: &mut impl FnMut(&Finding) -> Result<(), Error>,
    ) -> Result<(), Error> {
        for finding in self.pending.drain(..) {
            match finding.severity {
                Severity::Error => self.summary.errors += 1,
                Severity::Warning => self.summary.warnings += 1,
            }
            report(&finding)?;
        }
        Ok(())
    }

    fn push(
        &mut self,
        line: u64,
        kind: Kind,
        user: Option<&[u8]>,
        servers: Vec<Server>,
        message: String,
    ) {
        self.pending.push(Finding {
            line,
            severity: kind.severity(),
            kind,
            user: user.map(<[u8]>::to_vec),
            servers,
            message,
        });
    }

    /// The considered servers for which `reading` of each is not harmless.
    fn affected(
        &self,
        reading: impl Fn(&ServerRules) -> Reading,
    ) -> Vec<(&'static ServerRules, Reading)> {
        self.considered
            .iter()
            .map(|rules| (*rules, reading(rules)))
            .filter(|(_, reading)| !reading.is_harmless())
            .collect()
    }

    /// Checks one line (with its ending); returns the user it counts for
    /// in duplicates ([`counted`]).
    fn line<'r>(&mut self, number: u64, raw: &'r [u8]) -> Option<&'r [u8]> {
        let Parsed { bom, line, kind } = parse(number, raw);

        // A CR before the LF, or a bare CR ending the last line.
        let ending = line_ending(line);
        let has_cr =
            ending == LineEnding::CrLf || (ending == LineEnding::None && line.ends_with(b"\r"));
        if has_cr && !self.crlf_reported && kind != LineKind::Comment {
            self.crlf_reported = true;
            self.carriage_return(number, ending);
        }

        match kind {
            LineKind::Blank | LineKind::Comment => {
                if bom {
                    self.byte_order_mark(number, None);
                }
                None
            }
            LineKind::Malformed => {
                self.malformed(number);
                None
            }
            LineKind::Entry { user, hash } => {
                self.summary.entries += 1;
                if bom {
                    self.byte_order_mark(number, Some(user));
                }
                if line.first().copied().is_some_and(is_blank) {
                    self.leading_white_space(number, user);
                }
                let counted = counted(kind);
                match counted {
                    Some(user) => self.entry(number, user, hash),
                    None => self.empty_user(number),
                }
                counted
            }
        }
    }

    fn carriage_return(&mut self, number: u64, ending: LineEnding) {
        let affected = self.affected(|rules| rules.carriage_return);
        if affected.is_empty() {
            return;
        }
        let what = if ending == LineEnding::CrLf {
            "the file has CRLF line endings (this line is the first)"
        } else {
            "the last line ends in a bare CR"
        };
        let message = format!(
            "{what}: {}; save the file with LF line endings (dos2unix)",
            effects(&affected, None)
        );
        self.push(number, Kind::Crlf, None, servers(&affected), message);
    }

    fn byte_order_mark(&mut self, number: u64, user: Option<&[u8]>) {
        // On an entry the BOM joins the user name; on any other line it
        // leaves a line without a ':' for the servers that read one.
        let affected = match user {
            Some(_) => self.affected(|rules| rules.byte_order_mark),
            None => self.affected(|rules| rules.malformed_line),
        };
        if affected.is_empty() {
            return;
        }
        let shown = user.map(escape_for_terminal);
        let message = match &shown {
            Some(name) => format!(
                "the file starts with a UTF-8 byte-order mark: {}; save the file without a BOM",
                effects(&affected, Some(name))
            ),
            None => format!(
                "the file starts with a UTF-8 byte-order mark, which makes line 1 a line without ':': {}; save the file without a BOM",
                effects(&affected, None)
            ),
        };
        self.push(
            number,
            Kind::ByteOrderMark,
            user,
            servers(&affected),
            message,
        );
    }

    fn malformed(&mut self, number: u64) {
        // Always an error: even where it is skipped, it may be a password
        // pasted by mistake.
        let affected = self.affected(|rules| rules.malformed_line);
        let consequence = if affected.is_empty() {
            let names: Vec<&str> = self.considered.iter().map(|rules| rules.name).collect();
            said(&names, ("skips it", "skip it"))
        } else {
            effects(&affected, None)
        };
        let message = format!(
            "the line is not USER:HASH (it has no ':'): {consequence}; if it is a password pasted by mistake, remove it and change that password"
        );
        self.push(
            number,
            Kind::MalformedLine,
            None,
            servers(&affected),
            message,
        );
    }

    fn leading_white_space(&mut self, number: u64, user: &[u8]) {
        let affected = self.affected(|rules| rules.leading_white_space);
        if affected.is_empty() {
            return;
        }
        let name = escape_for_terminal(user);
        let message = format!(
            "user {name}: white space before the user name: {}; remove it",
            effects(&affected, Some(&name))
        );
        self.push(
            number,
            Kind::LeadingWhitespace,
            Some(user),
            servers(&affected),
            message,
        );
    }

    fn empty_user(&mut self, number: u64) {
        let affected = self.affected(|rules| rules.unusable_entry);
        let refusing: Vec<_> = affected
            .into_iter()
            .filter(|(_, reading)| *reading == Reading::RefusesFile)
            .collect();
        let mut message = "the line has an empty user name (it starts with ':')".to_owned();
        if !refusing.is_empty() {
            message.push_str(&format!(": {}", effects(&refusing, None)));
        }
        message.push_str("; add the user name or remove the line");
        self.push(number, Kind::EmptyUser, None, servers(&refusing), message);
    }

    /// The checks of an entry's hash. Only its shape is looked at, and
    /// nothing of it goes into a message.
    fn entry(&mut self, number: u64, user: &[u8], hash: &[u8]) {
        let name = escape_for_terminal(user);
        if hash.is_empty() {
            self.empty_hash(number, user, &name);
            return;
        }
        // A bare CR at the very end of the file (reported as CRLF above).
        let hash = hash.strip_suffix(b"\r").unwrap_or(hash);
        // nginx and Apache httpd end the hash at a second ':'; look at the
        // format of what they verify.
        let (field, second_colon) = match memchr::memchr(b':', hash) {
            Some(colon) => (&hash[..colon], true),
            None => (hash, false),
        };
        let trimmed_end = field
            .iter()
            .rposition(|&byte| !is_blank(byte))
            .map_or(0, |last| last + 1);
        let field = &field[..trimmed_end];
        let scheme = hash::detect(field);
        let format = Format::of(scheme);

        if hash.last().copied().is_some_and(is_blank) {
            // After a `:comment`, the servers that end the hash at the ':'
            // never see the white space.
            let affected = self.affected(|rules| match rules.second_colon {
                Reading::EndsHash if second_colon => Reading::Ignored,
                _ => rules.trailing_white_space,
            });
            if !affected.is_empty() {
                let message = format!(
                    "user {name}: white space after the hash: {}; remove it",
                    effects(&affected, Some(&name))
                );
                self.push(
                    number,
                    Kind::TrailingWhitespace,
                    Some(user),
                    servers(&affected),
                    message,
                );
            }
        }
        if second_colon {
            // Ending the hash at the ':' harms only a password in clear
            // text, which the ':' is part of.
            let affected = self.affected(|rules| match rules.second_colon {
                Reading::EndsHash if format != Format::PlainTagged => Reading::Ignored,
                reading => reading,
            });
            if !affected.is_empty() {
                let message = format!(
                    "user {name}: a second ':' on the line: {}; remove it and what follows it, or set a new password",
                    effects(&affected, Some(&name))
                );
                self.push(
                    number,
                    Kind::ColonInHash,
                    Some(user),
                    servers(&affected),
                    message,
                );
            }
        }
        if field.is_empty() {
            self.empty_hash(number, user, &name);
            return;
        }
        self.format(number, user, &name, format, scheme);
    }

    fn empty_hash(&mut self, number: u64, user: &[u8], name: &str) {
        let refusing: Vec<_> = self
            .affected(|rules| rules.unusable_entry)
            .into_iter()
            .filter(|(_, reading)| *reading == Reading::RefusesFile)
            .collect();
        let mut message = format!("user {name} has an empty hash, so no password matches");
        if !refusing.is_empty() {
            message.push_str(&format!("; {}", effects(&refusing, None)));
        }
        message.push_str(&format!("; set a password for {name}"));
        self.push(
            number,
            Kind::EmptyHash,
            Some(user),
            servers(&refusing),
            message,
        );
    }

    /// At most one finding about the format: unknown, then refused by a
    /// server asked for, then not bcrypt when required, then weak.
    fn format(&mut self, number: u64, user: &[u8], name: &str, format: Format, scheme: Scheme) {
        let refusing: Vec<&'static ServerRules> = self
            .considered
            .iter()
            .copied()
            .filter(|rules| !rules.accepts(format))
            .collect();
        let label = format.label();
        if format == Format::BarePlain {
            let message = format!(
                "user {name}: the hash is in no format a server knows (a password in clear text?): {}; set a new password",
                refusals(&refusing, name, |rules| format!(
                    "{} cannot verify it",
                    rules.name
                ))
            );
            self.push(
                number,
                Kind::UnknownFormat,
                Some(user),
                server_list(&refusing),
                message,
            );
        } else if self.for_servers && !refusing.is_empty() {
            let advice = match self.common_format(&ANY_FORMAT) {
                Some(common) => format!("set a new password with {}", common.label()),
                None => {
                    let names: Vec<&str> = self.considered.iter().map(|rules| rules.name).collect();
                    format!(
                        "no format suits {} together: give each its own file",
                        join(&names)
                    )
                }
            };
            let message = format!(
                "user {name}: {label} hash: {}; {advice}",
                refusals(&refusing, name, |rules| match rules.accepts {
                    [only] => format!("{} accepts only {}", rules.name, only.label()),
                    _ => format!("{} does not accept it", rules.name),
                })
            );
            self.push(
                number,
                Kind::UnsupportedByServer,
                Some(user),
                server_list(&refusing),
                message,
            );
        } else if self.options.require_bcrypt && format != Format::Bcrypt {
            let message = format!(
                "user {name}: {label} hash, but bcrypt is required; set a new password with bcrypt"
            );
            self.push(
                number,
                Kind::NotRequiredAlgorithm,
                Some(user),
                Vec::new(),
                message,
            );
        } else if let Some(weakness) = format.weakness() {
            let mut message = format!("user {name}: the {label} entry {weakness}");
            if !refusing.is_empty() {
                let names: Vec<&str> = refusing.iter().map(|rules| rules.name).collect();
                message.push_str(&format!(
                    "; {}",
                    said(&names, ("does not accept it", "do not accept it"))
                ));
            }
            let stronger = if self.for_servers {
                self.common_format(&STRONG_FORMATS)
            } else {
                Some(Format::Bcrypt)
            };
            match stronger {
                Some(strong) => {
                    message.push_str(&format!("; set a new password with {}", strong.label()))
                }
                None => {
                    let names: Vec<&str> = self.considered.iter().map(|rules| rules.name).collect();
                    message.push_str(&format!(
                        "; {} nothing stronger, so keep the file where nobody else can read it",
                        said(&names, ("accepts", "accept"))
                    ));
                }
            }
            self.push(
                number,
                Kind::WeakAlgorithm,
                Some(user),
                server_list(&refusing),
                message,
            );
        } else if let Scheme::Bcrypt { cost, .. } = scheme
            && cost < self.options.min_cost.get()
        {
            let message = format!(
                "user {name}: bcrypt cost {cost} is below {}; set the password again with cost {} or more",
                self.options.min_cost.get(),
                self.options.min_cost.get()
            );
            self.push(number, Kind::LowCost, Some(user), Vec::new(), message);
        }
    }

    /// The first of `preferred` that every considered server verifies.
    fn common_format(&self, preferred: &[Format]) -> Option<Format> {
        preferred
            .iter()
            .copied()
            .find(|format| self.considered.iter().all(|rules| rules.accepts(*format)))
    }

    /// One finding per user listed more than once, at the user's last line,
    /// in the order of those lines; each is reported as it is made.
    fn duplicates(
        &mut self,
        duplicated: Vec<(Vec<u8>, Seen)>,
        report: &mut impl FnMut(&Finding) -> Result<(), Error>,
    ) -> Result<(), Error> {
        for (user, seen) in duplicated {
            let name = escape_for_terminal(&user);
            let lines = if seen.count == 2 {
                format!("lines {} and {}", seen.first, seen.last)
            } else {
                format!("first on line {}, last on line {}", seen.first, seen.last)
            };
            let first = format!("uses line {} (the first)", seen.first);
            let last = format!("uses line {} (the last)", seen.last);
            let first_plural = format!("use line {} (the first)", seen.first);
            let last_plural = format!("use line {} (the last)", seen.last);
            let mut parts = Vec::new();
            for (choice, phrase) in [
                (Duplicates::First, (first.as_str(), first_plural.as_str())),
                (Duplicates::Last, (last.as_str(), last_plural.as_str())),
                (Duplicates::RefusesFile, Reading::RefusesFile.phrase()),
            ] {
                let names: Vec<&str> = self
                    .considered
                    .iter()
                    .filter(|rules| rules.duplicates == choice)
                    .map(|rules| rules.name)
                    .collect();
                if names.is_empty() {
                    continue;
                }
                let consequence = if choice == Duplicates::RefusesFile {
                    ", so nobody can log in"
                } else {
                    ""
                };
                parts.push(format!("{}{consequence}", said(&names, phrase)));
            }
            let message = format!(
                "user {name} has {} entries ({lines}): {}; keep one entry for {name}",
                seen.count,
                parts.join("; ")
            );
            let servers = self.considered.iter().map(|rules| rules.server).collect();
            self.push(
                seen.last,
                Kind::DuplicateUser,
                Some(&user),
                servers,
                message,
            );
            self.flush(report)?;
        }
        Ok(())
    }
}

/// Formats to advise, strongest first.
const STRONG_FORMATS: [Format; 3] = [Format::Bcrypt, Format::Sha512Crypt, Format::Sha256Crypt];
/// Every format a server may share, strongest first.
const ANY_FORMAT: [Format; 7] = [
    Format::Bcrypt,
    Format::Sha512Crypt,
    Format::Sha256Crypt,
    Format::Apr1,
    Format::Md5Crypt,
    Format::Sha1,
    Format::DesCrypt,
];

/// What the servers that cannot use an entry do: "the Docker registry
/// accepts only bcrypt, so user bob cannot log in; Envoy accepts only
/// {SHA} (SHA-1) and refuses the whole file, so nobody can log in".
fn refusals(
    refusing: &[&'static ServerRules],
    name: &str,
    reason: impl Fn(&ServerRules) -> String,
) -> String {
    let (file, entry): (Vec<&ServerRules>, Vec<&ServerRules>) = refusing
        .iter()
        .copied()
        .partition(|rules| rules.unusable_entry == Reading::RefusesFile);
    let mut parts = Vec::new();
    if !entry.is_empty() {
        let reasons: Vec<String> = entry.iter().map(|rules| reason(rules)).collect();
        parts.push(format!(
            "{}, so user {name} cannot log in",
            reasons.join("; ")
        ));
    }
    for rules in file {
        parts.push(format!(
            "{} and {}, so nobody can log in",
            reason(rules),
            Reading::RefusesFile.phrase().0
        ));
    }
    parts.join("; ")
}

fn servers(affected: &[(&'static ServerRules, Reading)]) -> Vec<Server> {
    affected.iter().map(|(rules, _)| rules.server).collect()
}

fn server_list(rules: &[&'static ServerRules]) -> Vec<Server> {
    rules.iter().map(|rules| rules.server).collect()
}

/// What the servers do, grouped by what they do, with its consequence:
/// "nginx keeps it as part of the hash, so user bob cannot log in; Envoy
/// refuses the whole file, so nobody can log in".
fn effects(affected: &[(&'static ServerRules, Reading)], user: Option<&str>) -> String {
    let mut groups: Vec<(Reading, Vec<&str>)> = Vec::new();
    for (rules, reading) in affected {
        match groups.iter_mut().find(|(seen, _)| seen == reading) {
            Some((_, names)) => names.push(rules.name),
            None => groups.push((*reading, vec![rules.name])),
        }
    }
    groups
        .iter()
        .map(|(reading, names)| {
            let consequence = match (reading, user) {
                (Reading::Ignored, _) => String::new(),
                (Reading::RefusesFile, _) => ", so nobody can log in".to_owned(),
                (_, Some(user)) => format!(", so user {user} cannot log in"),
                (_, None) => ", so that user cannot log in".to_owned(),
            };
            format!("{}{consequence}", said(names, reading.phrase()))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn verb<'a>(count: usize, (one, many): (&'a str, &'a str)) -> &'a str {
    if count == 1 { one } else { many }
}

/// The servers named, then the verb phrase agreeing with them: "nginx keeps
/// it", "nginx and Envoy keep it", "every server keeps it" (all of
/// [`SERVERS`]).
fn said(names: &[&str], phrase: (&str, &str)) -> String {
    if names.len() == SERVERS.len() {
        format!("every server {}", phrase.0)
    } else {
        format!("{} {}", join(names), verb(names.len(), phrase))
    }
}

/// "a", "a and b", "a, b and c".
fn join(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BCRYPT: &str = "$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234";
    const BCRYPT_5: &str = "$2y$05$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234";
    const APR1: &str = "$apr1$abcdefgh$ABCDEFGHIJKLMNOPQRSTUV";
    const SHA: &str = "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=";

    fn run(input: &[u8], options: &CheckOptions) -> (Vec<Finding>, Summary) {
        let mut findings = Vec::new();
        let summary = check(input, Path::new("f"), options, |finding| {
            findings.push(finding.clone());
            Ok(())
        })
        .unwrap();
        (findings, summary)
    }

    fn generic(input: &[u8]) -> Vec<Finding> {
        run(input, &CheckOptions::default()).0
    }

    fn for_servers(input: &[u8], servers: &[Server]) -> Vec<Finding> {
        let options = CheckOptions {
            servers: servers.to_vec(),
            ..CheckOptions::default()
        };
        run(input, &options).0
    }

    fn kinds(findings: &[Finding]) -> Vec<(u64, Kind)> {
        findings.iter().map(|f| (f.line, f.kind)).collect()
    }

    fn rules_where(reading: impl Fn(&ServerRules) -> bool) -> Vec<Server> {
        SERVERS
            .iter()
            .filter(|rules| reading(rules))
            .map(|rules| rules.server)
            .collect()
    }

    #[test]
    fn every_server_has_its_row() {
        for server in Server::ALL {
            assert_eq!(server.rules().server, server);
            assert!(!server.rules().name.is_empty());
            assert!(!server.rules().accepts.is_empty());
        }
    }

    #[test]
    fn the_table_says_what_each_server_verifies() {
        use Format::*;
        assert_eq!(Server::Registry.rules().accepts, &[Bcrypt]);
        assert_eq!(Server::Envoy.rules().accepts, &[Sha1]);
        // Bare plain text: nobody. {PLAIN} and {SSHA}: nginx only.
        assert!(rules_where(|rules| rules.accepts(BarePlain)).is_empty());
        assert_eq!(
            rules_where(|rules| rules.accepts(PlainTagged)),
            vec![Server::Nginx]
        );
        assert_eq!(
            rules_where(|rules| rules.accepts(Ssha)),
            vec![Server::Nginx]
        );
        // bcrypt: all but Envoy; apr1 and {SHA}: all but the registry (and
        // Envoy for apr1); SHA-crypt and DES: the crypt(3) users.
        assert_eq!(
            rules_where(|rules| rules.accepts(Bcrypt)),
            vec![
                Server::Registry,
                Server::Nginx,
                Server::Apache,
                Server::Traefik
            ]
        );
        assert_eq!(
            rules_where(|rules| rules.accepts(Apr1)),
            vec![Server::Nginx, Server::Apache, Server::Traefik]
        );
        assert_eq!(
            rules_where(|rules| rules.accepts(Sha1)),
            vec![
                Server::Nginx,
                Server::Apache,
                Server::Traefik,
                Server::Envoy
            ]
        );
        for format in [Sha256Crypt, Sha512Crypt, DesCrypt] {
            assert_eq!(
                rules_where(|rules| rules.accepts(format)),
                vec![Server::Nginx, Server::Apache]
            );
        }
    }

    #[test]
    fn the_table_says_how_each_server_reads_lines() {
        let duplicates: Vec<_> = SERVERS.iter().map(|rules| rules.duplicates).collect();
        assert_eq!(
            duplicates,
            vec![
                Duplicates::Last,
                Duplicates::First,
                Duplicates::First,
                Duplicates::Last,
                Duplicates::RefusesFile
            ]
        );
        // nginx ends the hash at a CR (checked live); only Envoy keeps it.
        assert_eq!(
            rules_where(|rules| !rules.carriage_return.is_harmless()),
            vec![Server::Envoy]
        );
        assert_eq!(
            rules_where(|rules| rules.trailing_white_space == Reading::KeptInHash),
            vec![Server::Nginx]
        );
        assert_eq!(
            rules_where(|rules| rules.second_colon == Reading::RefusesFile),
            vec![Server::Traefik, Server::Envoy]
        );
        assert_eq!(
            rules_where(|rules| rules.malformed_line == Reading::RefusesFile),
            vec![Server::Registry, Server::Traefik, Server::Envoy]
        );
        assert_eq!(
            rules_where(|rules| rules.byte_order_mark == Reading::KeptInUser),
            Server::ALL.to_vec()
        );
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

    #[test]
    fn a_clean_bcrypt_file_has_no_findings() {
        let input = format!("# users\n\nalice:{BCRYPT}\nbob:{BCRYPT}\n");
        let (findings, summary) = run(input.as_bytes(), &CheckOptions::default());
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(summary.entries, 2);
        assert!(!summary.fails(true));
    }

    #[test]
    fn generic_rules() {
        let input = format!(
            "alice:{BCRYPT}\nhunter2secret\n:{BCRYPT}\nbob:\ncarol:hunter2\ndave:{APR1}\nerin:{BCRYPT_5}\nalice:{BCRYPT}\n"
        );
        let findings = generic(input.as_bytes());
        assert_eq!(
            kinds(&findings),
            vec![
                (2, Kind::MalformedLine),
                (3, Kind::EmptyUser),
                (4, Kind::EmptyHash),
                (5, Kind::UnknownFormat),
                (6, Kind::WeakAlgorithm),
                (7, Kind::LowCost),
                (8, Kind::DuplicateUser),
            ]
        );
        assert!(
            findings[0]
                .message
                .contains("the Docker registry, Traefik and Envoy refuse the whole file"),
            "{}",
            findings[0].message
        );
        assert!(
            findings[4]
                .message
                .contains("the Docker registry and Envoy do not accept it")
        );
        let duplicate = &findings[6].message;
        assert!(duplicate.contains("lines 1 and 8"), "{duplicate}");
        assert!(
            duplicate.contains("nginx and Apache httpd use line 1 (the first)"),
            "{duplicate}"
        );
        assert!(
            duplicate.contains("the Docker registry and Traefik use line 8 (the last)"),
            "{duplicate}"
        );
        assert!(
            duplicate.contains("Envoy refuses the whole file"),
            "{duplicate}"
        );
        assert_eq!(findings[6].user.as_deref(), Some(&b"alice"[..]));
    }

    #[test]
    fn weak_formats_warn_and_strong_ones_do_not() {
        for hash in [
            APR1,
            "$1$abc$def",
            SHA,
            "{SSHA}abcdefgh",
            "{PLAIN}pw",
            "abJnggxhB/yWI",
        ] {
            let findings = generic(format!("u:{hash}\n").as_bytes());
            assert_eq!(kinds(&findings), vec![(1, Kind::WeakAlgorithm)], "{hash}");
            assert_eq!(findings[0].severity, Severity::Warning);
        }
        for hash in [BCRYPT, "$5$abc$def", "$6$rounds=10000$abc$def"] {
            assert!(
                generic(format!("u:{hash}\n").as_bytes()).is_empty(),
                "{hash}"
            );
        }
    }

    #[test]
    fn crlf_is_reported_once_and_only_for_servers_that_keep_the_cr() {
        let input = format!("# c\r\nalice:{SHA}\r\nbob:{SHA}\r\n");
        let crlf = |findings: Vec<Finding>| -> Vec<(u64, Kind)> {
            kinds(&findings)
                .into_iter()
                .filter(|(_, kind)| *kind == Kind::Crlf)
                .collect()
        };
        assert_eq!(crlf(generic(input.as_bytes())), vec![(2, Kind::Crlf)]);
        assert_eq!(
            crlf(for_servers(input.as_bytes(), &[Server::Envoy])),
            vec![(2, Kind::Crlf)]
        );
        for server in [
            Server::Nginx,
            Server::Apache,
            Server::Registry,
            Server::Traefik,
        ] {
            assert!(
                crlf(for_servers(input.as_bytes(), &[server])).is_empty(),
                "{server:?}"
            );
        }
    }

    #[test]
    fn trailing_white_space_breaks_nginx_but_not_after_a_comment_field() {
        let input = format!("alice:{BCRYPT} \nbob:{BCRYPT}:comment \n");
        let findings = for_servers(input.as_bytes(), &[Server::Nginx]);
        assert_eq!(kinds(&findings), vec![(1, Kind::TrailingWhitespace)]);
        assert!(
            findings[0]
                .message
                .contains("nginx keeps it as part of the hash, so user alice cannot log in")
        );
        assert!(for_servers(input.as_bytes(), &[Server::Apache]).is_empty());
    }

    #[test]
    fn a_second_colon_breaks_traefik_and_a_plain_password_on_nginx() {
        let input = format!("alice:{BCRYPT}:comment\nbob:{{PLAIN}}a:b\n");
        assert_eq!(
            kinds(&for_servers(input.as_bytes(), &[Server::Traefik])),
            vec![
                (1, Kind::ColonInHash),
                (2, Kind::ColonInHash),
                (2, Kind::UnsupportedByServer)
            ]
        );
        let nginx = for_servers(input.as_bytes(), &[Server::Nginx]);
        assert_eq!(
            kinds(&nginx),
            vec![(2, Kind::ColonInHash), (2, Kind::WeakAlgorithm)]
        );
        assert!(nginx[0].message.contains("nginx ends the hash there"));
    }

    #[test]
    fn a_byte_order_mark_names_the_first_user() {
        let input = format!("\u{feff}alice:{BCRYPT}\n");
        let findings = generic(input.as_bytes());
        assert_eq!(kinds(&findings), vec![(1, Kind::ByteOrderMark)]);
        assert_eq!(findings[0].user.as_deref(), Some(&b"alice"[..]));
        assert!(findings[0].message.contains("so user alice cannot log in"));
        // Before a comment it only harms the servers that refuse such a line.
        let comment = generic("\u{feff}# users\n".as_bytes());
        assert_eq!(
            comment[0].servers,
            vec![Server::Registry, Server::Traefik, Server::Envoy]
        );
        assert!(for_servers("\u{feff}# users\n".as_bytes(), &[Server::Nginx]).is_empty());
    }

    #[test]
    fn servers_asked_for_refuse_what_they_cannot_verify() {
        let input = format!("bob:{BCRYPT}\nalice:{APR1}\n");
        let findings = for_servers(input.as_bytes(), &[Server::Registry]);
        assert_eq!(kinds(&findings), vec![(2, Kind::UnsupportedByServer)]);
        assert_eq!(findings[0].severity, Severity::Error);
        assert!(
            findings[0]
                .message
                .contains("the Docker registry accepts only bcrypt, so user alice cannot log in"),
            "{}",
            findings[0].message
        );
        let envoy = for_servers(input.as_bytes(), &[Server::Envoy]);
        assert_eq!(
            kinds(&envoy),
            vec![
                (1, Kind::UnsupportedByServer),
                (2, Kind::UnsupportedByServer)
            ]
        );
        assert!(
            envoy[0]
                .message
                .contains("Envoy accepts only {SHA} (SHA-1)")
        );
        assert!(envoy[0].message.contains(
            "Envoy accepts only {SHA} (SHA-1) and refuses the whole file, so nobody can log in"
        ));
    }

    #[test]
    fn require_bcrypt_and_min_cost() {
        let input = format!("a:{APR1}\nb:{BCRYPT_5}\nc:{BCRYPT}\n");
        let options = CheckOptions {
            require_bcrypt: true,
            ..CheckOptions::default()
        };
        let (findings, summary) = run(input.as_bytes(), &options);
        assert_eq!(
            kinds(&findings),
            vec![(1, Kind::NotRequiredAlgorithm), (2, Kind::LowCost)]
        );
        assert_eq!((summary.errors, summary.warnings), (1, 1));

        let options = CheckOptions {
            min_cost: BcryptCost::new(4).unwrap(),
            ..CheckOptions::default()
        };
        let (findings, summary) = run(input.as_bytes(), &options);
        assert_eq!(kinds(&findings), vec![(1, Kind::WeakAlgorithm)]);
        assert!(!summary.fails(false));
        assert!(summary.fails(true));
    }

    #[test]
    fn leading_white_space_breaks_nginx_only() {
        let input = format!("  alice:{BCRYPT}\n");
        let findings = for_servers(input.as_bytes(), &[Server::Nginx, Server::Apache]);
        assert_eq!(kinds(&findings), vec![(1, Kind::LeadingWhitespace)]);
        assert_eq!(findings[0].servers, vec![Server::Nginx]);
    }

    #[test]
    fn no_message_holds_hash_or_line_text() {
        let input =
            "alice:{PLAIN}hunter2\nhunter2secret\nbob:hunter2pass \ncarol:{PLAIN}x:hunter2y\n";
        let (findings, _) = run(input.as_bytes(), &CheckOptions::default());
        assert!(!findings.is_empty());
        for finding in findings {
            assert!(!finding.message.contains("hunter2"), "{}", finding.message);
        }
    }

    // -------------------------------------------- duplicates in flat memory

    use std::hash::Hasher;
    use std::io::{Cursor, Read};

    use proptest::prelude::*;

    /// Fingerprints chosen by a test: its function of the user name.
    struct Chosen(fn(&[u8]) -> u64);

    struct ChosenHasher {
        key: fn(&[u8]) -> u64,
        user: Vec<u8>,
    }

    impl BuildHasher for Chosen {
        type Hasher = ChosenHasher;

        fn build_hasher(&self) -> ChosenHasher {
            ChosenHasher {
                key: self.0,
                user: Vec::new(),
            }
        }
    }

    impl Hasher for ChosenHasher {
        fn write(&mut self, bytes: &[u8]) {
            self.user.extend_from_slice(bytes);
        }

        // The length a `[u8]` writes before its bytes.
        fn write_usize(&mut self, _: usize) {}

        fn finish(&self) -> u64 {
            (self.key)(&self.user)
        }
    }

    /// Every name has the same fingerprint: only the exact pass tells them
    /// apart.
    const SAME: Chosen = Chosen(|_| 0x5eed);
    /// Four fingerprints, all below 2^32: the first pass keeps them all
    /// under one value.
    const FEW: Chosen = Chosen(|user| user.iter().map(|&byte| u64::from(byte)).sum::<u64>() % 4);
    /// The edges of the fingerprint space and of the 32-bit values.
    const EDGES: Chosen = Chosen(|user| {
        const KEYS: [u64; 9] = [
            0,
            1,
            u32::MAX as u64,
            1 << 32,
            1 << 63,
            (1 << 63) + 1,
            u64::MAX - (1 << 32),
            u64::MAX - 1,
            u64::MAX,
        ];
        let sum: usize = user.iter().map(|&byte| usize::from(byte)).sum();
        KEYS[sum % KEYS.len()]
    });

    const CAPACITIES: [usize; 9] = [1, 2, 3, 4, 5, 7, 8, 16, 1000];

    fn rereading(
        input: &[u8],
        options: &CheckOptions,
        capacity: usize,
        keys: &impl BuildHasher,
    ) -> (Vec<Finding>, Summary, usize) {
        let mut findings = Vec::new();
        let (summary, passes) = check_rereading(
            &mut Cursor::new(input),
            Path::new("f"),
            options,
            capacity,
            keys,
            |finding| {
                findings.push(finding.clone());
                Ok(())
            },
        )
        .unwrap();
        (findings, summary, passes)
    }

    /// Checks that reading again finds what reading once does (every
    /// finding, in order, and the counts); returns how many times the file
    /// was read.
    fn same_as_in_memory(input: &[u8], capacity: usize, keys: &impl BuildHasher) -> usize {
        let options = CheckOptions::default();
        let (expected, expected_summary) = run(input, &options);
        let (findings, summary, passes) = rereading(input, &options, capacity, keys);
        assert_eq!(findings, expected, "capacity {capacity}");
        assert_eq!(summary, expected_summary, "capacity {capacity}");
        passes
    }

    /// The users listed more than once, worked out here from the bytes
    /// alone: (last line, user, count), in the order of the last lines.
    fn model_duplicates(input: &[u8]) -> Vec<(u64, Vec<u8>, u64)> {
        let mut users: Vec<(Vec<u8>, u64, u64)> = Vec::new();
        for (index, raw) in input.split_inclusive(|&byte| byte == b'\n').enumerate() {
            let number = index as u64 + 1;
            let raw = match number {
                1 => raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw),
                _ => raw,
            };
            let start = raw
                .iter()
                .position(|byte| !b" \t\n\r\x0b\x0c".contains(byte))
                .unwrap_or(raw.len());
            let rest = &raw[start..];
            if rest.is_empty() || rest[0] == b'#' {
                continue;
            }
            let Some(colon) = rest.iter().position(|&byte| byte == b':') else {
                continue;
            };
            let user = &rest[..colon];
            if user.is_empty() {
                continue;
            }
            match users.iter_mut().find(|(seen, ..)| seen == user) {
                Some((_, last, count)) => {
                    *last = number;
                    *count += 1;
                }
                None => users.push((user.to_vec(), number, 1)),
            }
        }
        let mut duplicated: Vec<(u64, Vec<u8>, u64)> = users
            .into_iter()
            .filter(|(_, _, count)| *count > 1)
            .map(|(user, last, count)| (last, user, count))
            .collect();
        duplicated.sort();
        duplicated
    }

    fn reported_duplicates(findings: &[Finding]) -> Vec<(u64, Vec<u8>, u64)> {
        findings
            .iter()
            .filter(|finding| finding.kind == Kind::DuplicateUser)
            .map(|finding| {
                let user = finding.user.clone().unwrap();
                let name = escape_for_terminal(&user);
                let count = finding
                    .message
                    .strip_prefix(&format!("user {name} has "))
                    .and_then(|rest| rest.split(' ').next())
                    .and_then(|count| count.parse().ok())
                    .unwrap_or_else(|| panic!("a count in {:?}", finding.message));
                (finding.line, user, count)
            })
            .collect()
    }

    /// Users listed 2, 3 and 4 times, next to each other and far apart;
    /// a byte-order mark before the first, CRLF endings, white space before
    /// a name, lines that are not entries, and a last line without a newline.
    fn duplicated_file() -> Vec<u8> {
        let mut file = format!("\u{feff}alice:{SHA}\r\n").into_bytes();
        for i in 0..40 {
            file.extend_from_slice(format!("u{i}:{SHA}\n").as_bytes());
            match i {
                3 => file.extend_from_slice(format!("u3:{SHA}\r\n").as_bytes()),
                7 => file.extend_from_slice(format!("  bob:{SHA}\n# alice:x\n\n").as_bytes()),
                11 => file.extend_from_slice(format!(":{SHA}\nnot an entry\n:{SHA}\n").as_bytes()),
                19 => file.extend_from_slice(format!("alice:{SHA}\nu0:{SHA}\n").as_bytes()),
                29 => {
                    file.extend_from_slice(format!("bob:{SHA}\r\n\u{feff}carol:{SHA}\n").as_bytes())
                }
                _ => {}
            }
        }
        file.extend_from_slice(format!("alice:{SHA}\nu0:{SHA}\nu39 :{SHA}\nu0:{SHA}").as_bytes());
        file
    }

    #[test]
    fn reading_again_finds_the_same_duplicates_at_any_capacity() {
        let input = duplicated_file();
        let findings = generic(&input);
        let expected = vec![
            (6, b"u3".to_vec(), 2),
            (41, b"bob".to_vec(), 2),
            (53, b"alice".to_vec(), 3),
            (56, b"u0".to_vec(), 4),
        ];
        assert_eq!(reported_duplicates(&findings), expected);
        assert_eq!(model_duplicates(&input), expected);
        for capacity in CAPACITIES {
            let passes = same_as_in_memory(&input, capacity, &RandomState::new());
            // 45 users: a small buffer takes many ranges.
            if capacity <= 4 {
                assert!(
                    passes > 45 / capacity,
                    "capacity {capacity}: {passes} passes"
                );
            }
            same_as_in_memory(&input, capacity, &SAME);
            same_as_in_memory(&input, capacity, &FEW);
            same_as_in_memory(&input, capacity, &EDGES);
        }
    }

    #[test]
    fn a_file_is_read_once_when_its_users_fit_and_again_for_duplicates() {
        let distinct = format!("a:{BCRYPT}\nb:{BCRYPT}\nc:{BCRYPT}\n");
        assert_eq!(
            same_as_in_memory(distinct.as_bytes(), 3, &RandomState::new()),
            1
        );
        let duplicated = format!("{distinct}b:{BCRYPT}\n");
        assert_eq!(
            same_as_in_memory(duplicated.as_bytes(), 4, &RandomState::new()),
            2
        );
        // Only a candidate makes the exact pass: a buffer of one, three
        // users with distinct fingerprints take three ranges.
        assert_eq!(same_as_in_memory(distinct.as_bytes(), 1, &EDGES), 3);
        assert_eq!(same_as_in_memory(b"", 1, &RandomState::new()), 1);
    }

    #[test]
    fn duplicates_in_different_ranges_and_at_the_edges_of_the_fingerprints() {
        // Each user on its own edge of the fingerprint space (names whose
        // bytes sum to 0..9 modulo 9), each listed twice or three times.
        let users: Vec<String> = (0..9)
            .map(|i| format!("{}", char::from(b'0' + 9 * 5 + i)))
            .collect();
        let mut input = String::new();
        for round in 0..3 {
            for (i, user) in users.iter().enumerate() {
                if round < 2 || i % 2 == 0 {
                    input.push_str(&format!("{user}:{BCRYPT}\n"));
                }
            }
        }
        let findings = generic(input.as_bytes());
        assert_eq!(reported_duplicates(&findings).len(), 9);
        for capacity in CAPACITIES {
            let passes = same_as_in_memory(input.as_bytes(), capacity, &EDGES);
            if capacity == 1 {
                // At least a range per fingerprint, then the exact pass.
                assert!(passes > 9, "{passes} passes");
            }
        }
    }

    #[test]
    fn names_that_share_a_fingerprint_are_told_apart() {
        let input = format!("a:{BCRYPT}\nb:{BCRYPT}\nc:{BCRYPT}\nb:{BCRYPT}\n");
        for capacity in CAPACITIES {
            let (findings, _, passes) =
                rereading(input.as_bytes(), &CheckOptions::default(), capacity, &SAME);
            assert_eq!(kinds(&findings), vec![(4, Kind::DuplicateUser)]);
            assert_eq!(passes, 2);
            let distinct = format!("a:{BCRYPT}\nb:{BCRYPT}\n");
            let (findings, _, _) = rereading(
                distinct.as_bytes(),
                &CheckOptions::default(),
                capacity,
                &SAME,
            );
            assert!(findings.is_empty(), "{findings:?}");
        }
    }

    #[test]
    fn the_sieve_never_holds_more_than_its_capacity() {
        let keys = RandomState::new();
        for capacity in CAPACITIES {
            let mut sieve = Sieve::new(capacity);
            let allocated = sieve.values.capacity();
            let mut passes = 0;
            let mut range = Some(Range::new(0, None));
            while let Some(next) = range {
                sieve.start(next);
                for i in 0..3000u32 {
                    // 2000 users; 1000 of them twice.
                    sieve.add(keys.hash_one(i % 2000));
                    assert!(sieve.values.len() <= capacity);
                }
                sieve.finish_pass();
                passes += 1;
                range = sieve.next_range(3000);
            }
            assert_eq!(sieve.values.capacity(), allocated);
            assert!(
                passes >= 2000 / capacity,
                "capacity {capacity}: {passes} passes"
            );
            let candidates = sieve.into_candidates();
            assert!(candidates.keys.len() >= 1000);
            for i in 0..1000u32 {
                assert!(
                    candidates.contains(keys.hash_one(i)),
                    "capacity {capacity}, user {i}"
                );
            }
        }
    }

    /// A file rewritten in place while it is checked: after the first
    /// pass, the seek back finds `next`.
    struct Rewritten {
        now: Cursor<Vec<u8>>,
        next: Option<Vec<u8>>,
    }

    impl Read for Rewritten {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            self.now.read(buffer)
        }
    }

    impl BufRead for Rewritten {
        fn fill_buf(&mut self) -> io::Result<&[u8]> {
            self.now.fill_buf()
        }

        fn consume(&mut self, amount: usize) {
            self.now.consume(amount);
        }
    }

    impl Seek for Rewritten {
        fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
            if let SeekFrom::Start(_) = to
                && let Some(next) = self.next.take()
            {
                self.now = Cursor::new(next);
            }
            self.now.seek(to)
        }
    }

    #[test]
    fn a_file_rewritten_between_passes_is_an_error_not_a_wrong_report() {
        let before = format!("a:{BCRYPT}\nb:{BCRYPT}\na:{BCRYPT}\n");
        for after in [
            format!("a:{BCRYPT}\nb:{BCRYPT}\nb:{BCRYPT}\n"),
            format!("a:{BCRYPT}\n# b\nb:{BCRYPT}\na:{BCRYPT}\n"),
            format!("a:{BCRYPT}\nb:{BCRYPT}\n"),
        ] {
            let mut reader = Rewritten {
                now: Cursor::new(before.clone().into_bytes()),
                next: Some(after.into_bytes()),
            };
            let error = check_rereading(
                &mut reader,
                Path::new("f"),
                &CheckOptions::default(),
                8,
                &RandomState::new(),
                |_| Ok(()),
            )
            .unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("the file changed while it was being checked"),
                "{error}"
            );
        }
    }

    #[test]
    fn reading_again_starts_where_the_reader_was() {
        let file = duplicated_file();
        let mut input = b"skipped:x\nskipped:x\n".to_vec();
        input.extend_from_slice(&file);
        let mut reader = Cursor::new(&input[..]);
        reader.set_position(20);
        let mut findings = Vec::new();
        check_rereading(
            &mut reader,
            Path::new("f"),
            &CheckOptions::default(),
            2,
            &RandomState::new(),
            |finding| {
                findings.push(finding.clone());
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(findings, generic(&file));
    }

    /// One line of a generated file: entries of a few users (so many are
    /// duplicated), with or without CRLF and leading white space, and the
    /// lines that are not entries.
    fn any_line() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            6 => (0..12u8, any::<bool>(), prop::sample::select(vec!["", " ", "\t", "\r"])).prop_map(
                |(user, crlf, lead)| {
                    let ending = if crlf { "\r\n" } else { "\n" };
                    format!("{lead}u{user}:{SHA}{ending}").into_bytes()
                }
            ),
            1 => Just(format!(":{SHA}\n").into_bytes()),
            1 => Just(b"# u1:x\n".to_vec()),
            1 => Just(b"\n".to_vec()),
            1 => Just(b" \r\n".to_vec()),
            1 => Just(b"u1\n".to_vec()),
            1 => Just(format!("u1 :{SHA}\n").into_bytes()),
            1 => Just(format!("\u{feff}u1:{SHA}\n").into_bytes()),
        ]
    }

    fn any_file() -> impl Strategy<Value = Vec<u8>> {
        (
            proptest::collection::vec(any_line(), 0..40),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(lines, bom, cut_last_newline)| {
                let mut file = if bom {
                    b"\xef\xbb\xbf".to_vec()
                } else {
                    Vec::new()
                };
                file.extend(lines.concat());
                if cut_last_newline && file.last() == Some(&b'\n') {
                    file.pop();
                }
                file
            })
    }

    fn proptest_config() -> ProptestConfig {
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(256);
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(proptest_config())]

        #[test]
        fn reading_again_reports_what_reading_once_does(
            file in any_file(),
            capacity in 1..8usize,
            keys in 0..4u8,
            envoy in any::<bool>(),
        ) {
            let options = CheckOptions {
                servers: if envoy { vec![Server::Envoy, Server::Nginx] } else { Vec::new() },
                ..CheckOptions::default()
            };
            let (expected, expected_summary) = run(&file, &options);
            prop_assert_eq!(reported_duplicates(&expected), model_duplicates(&file));
            let (findings, summary, _) = match keys {
                0 => rereading(&file, &options, capacity, &RandomState::new()),
                1 => rereading(&file, &options, capacity, &SAME),
                2 => rereading(&file, &options, capacity, &FEW),
                _ => rereading(&file, &options, capacity, &EDGES),
            };
            prop_assert_eq!(findings, expected);
            prop_assert_eq!(summary, expected_summary);
        }
    }
}
