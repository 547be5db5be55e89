//! Lint findings: how the servers that read an htpasswd file will see it.
//!
//! Its job: walk a file once, line by line, and report each thing that will
//! break on a server (an error) or is weak (a warning), with its line number,
//! the servers it affects and a one-line reason. What each server does with
//! a file is data, in one table, [`SERVERS`]; every finding about a server is
//! computed from that table, never from an `if` per server.
//!
//! What it must never do:
//!
//! - put a hash or a line's text into a finding: a `{PLAIN}` "hash" is a
//!   password, and a malformed line may be a password pasted by mistake.
//!   Findings carry line numbers, user names and fixed text only;
//! - hold the file: lines are read into one reused buffer, and the only
//!   state kept is one small record per distinct user (for duplicates);
//! - know about terminals or arguments: the front-end prints the findings.
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

use std::collections::HashMap;
use std::io::{self, BufRead};
use std::path::Path;

use crate::error::Error;
use crate::file::{LineEnding, LineKind, classify, line_ending};
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
pub fn check<R: BufRead>(
    mut reader: R,
    path: &Path,
    options: &CheckOptions,
    mut report: impl FnMut(&Finding) -> Result<(), Error>,
) -> Result<Summary, Error> {
    let mut checker = Checker::new(options);
    let mut buffer = Vec::with_capacity(256);
    let mut number = 0u64;
    loop {
        buffer.clear();
        let read = reader
            .read_until(b'\n', &mut buffer)
            .map_err(|source| read_error(path, source))?;
        if read == 0 {
            break;
        }
        number += 1;
        checker.line(number, &buffer);
        checker.flush(&mut report)?;
    }
    checker.duplicates();
    checker.flush(&mut report)?;
    Ok(checker.summary)
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

/// Where a user was seen.
struct Seen {
    first: u64,
    last: u64,
    count: u64,
}

struct Checker<'o> {
    options: &'o CheckOptions,
    /// The servers whose rules apply: those asked for, or all.
    considered: Vec<&'static ServerRules>,
    /// Whether formats a considered server cannot verify are errors.
    for_servers: bool,
    users: HashMap<Vec<u8>, Seen>,
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
            users: HashMap::new(),
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

    /// Checks one line (with its ending).
    fn line(&mut self, number: u64, raw: &[u8]) {
        let bom = number == 1 && raw.starts_with(BYTE_ORDER_MARK);
        let line = if bom {
            &raw[BYTE_ORDER_MARK.len()..]
        } else {
            raw
        };
        let kind = classify(line);

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
            }
            LineKind::Malformed => self.malformed(number),
            LineKind::Entry { user, hash } => {
                self.summary.entries += 1;
                if bom {
                    self.byte_order_mark(number, Some(user));
                }
                if line.first().copied().is_some_and(is_blank) {
                    self.leading_white_space(number, user);
                }
                if user.is_empty() {
                    self.empty_user(number);
                    return;
                }
                let seen = self.users.entry(user.to_vec()).or_insert(Seen {
                    first: number,
                    last: number,
                    count: 0,
                });
                seen.last = number;
                seen.count += 1;
                self.entry(number, user, hash);
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
    /// in the order of those lines.
    fn duplicates(&mut self) {
        let mut duplicated: Vec<(Vec<u8>, Seen)> = self
            .users
            .drain()
            .filter(|(_, seen)| seen.count > 1)
            .collect();
        duplicated.sort_by_key(|(_, seen)| seen.last);
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
        }
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
}
