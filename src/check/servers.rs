//! The server table: what each program that reads an htpasswd file does
//! with it, as data, one row per consumer ([`SERVERS`]).
//!
//! Its job: say, for each server, which hash formats it verifies, which
//! entry of a user listed twice it uses, and what it does with a CR, white
//! space, a second `:`, a byte-order mark, a line it cannot read or an entry
//! it cannot use. Adding a consumer is adding a row.
//!
//! What it must never do: decide anything about a particular file (that is
//! [`super::findings`]'s job), or hold a rule outside the table: every
//! finding about a server is computed from its row, never from an `if` per
//! server.
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
//! - nginx and Apache httpd hand every hash they do not compute themselves
//!   to the system crypt(3). On a glibc system that is libxcrypt, which also
//!   verifies schemes htpass cannot (yescrypt, scrypt, BSDi's `_`...: see
//!   [`crate::hash::unsupported`]); checked live with nginx 1.22.1 and
//!   `mkpasswd` hashes, which it verifies, as it refuses a `rounds=` with a
//!   leading zero. The registry, Traefik and Envoy have no crypt(3).
//! - Go's bcrypt (the registry, Traefik) reads the first 60 characters of a
//!   bcrypt hash and ignores the rest; crypt_blowfish (nginx, Apache httpd)
//!   compares all of it. Checked live (`tests/interop/shapes.rs`, which
//!   holds every server's reading of a malformed hash to [`ServerRules::reads`]).
//! - Traefik's `users` option (a docker-compose label, the command line, a
//!   dynamic configuration file) is a list split at `,`; its `usersFile` and
//!   a Kubernetes Secret hold one `USER:HASH` a line.

use crate::hash::{Defect, Scheme, ShaVariant, Shape, Unsupported};

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
    /// A scheme htpass names but cannot verify (`{SSHA256}`, `$y$`): only
    /// the servers that hand hashes to the system crypt(3) may verify it.
    Unsupported(&'static Unsupported),
    /// Anything else: a password in clear text, or garbage.
    BarePlain,
}

impl Format {
    /// The format of a stored hash (see [`crate::hash::detect`]).
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
            Scheme::Unsupported(row) => Format::Unsupported(row),
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
            Format::Unsupported(row) => row.label,
            Format::BarePlain => "bare plain-text",
        }
    }

    /// Why an entry of this format is weak, or `None` when it is not.
    pub(super) fn weakness(self) -> Option<&'static str> {
        match self {
            Format::Apr1 | Format::Md5Crypt | Format::Ssha => {
                Some("is fast to crack if the file leaks")
            }
            Format::Sha1 => Some("is unsalted and cracked in minutes if the file leaks"),
            Format::DesCrypt => {
                Some("uses only the first 8 characters of the password and is cracked in minutes")
            }
            Format::PlainTagged => Some("stores the password in clear text"),
            Format::Bcrypt
            | Format::Sha256Crypt
            | Format::Sha512Crypt
            | Format::Unsupported(_)
            | Format::BarePlain => None,
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
    pub(super) fn phrase(self) -> (&'static str, &'static str) {
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

    pub(super) fn is_harmless(self) -> bool {
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
    /// The hash formats it verifies itself.
    pub accepts: &'static [Format],
    /// Whether it hands a hash it does not know to the system crypt(3),
    /// which on a glibc system (libxcrypt) verifies more schemes than
    /// htpass does: yescrypt, scrypt, BSDi's (see [`Unsupported`]).
    pub system_crypt: bool,
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
    /// A `{SHA}` hash that is not 28 characters after the tag.
    pub sha1_length: Reading,
    /// A bcrypt hash with characters after its 60th. Any other malformed
    /// hash of a format it accepts locks its user out ([`ServerRules::reads`]).
    pub bcrypt_trailing: Reading,
    /// The byte its inline user list (given in its own configuration, not
    /// from a file) is split at: a user whose name holds it can be given
    /// only from a file.
    pub list_separator: Option<u8>,
}

impl ServerRules {
    /// Whether it verifies hashes of `format` (when they are sound).
    pub fn accepts(&self, format: Format) -> bool {
        match format {
            Format::Unsupported(row) => self.system_crypt && row.system_crypt,
            format => self.accepts.contains(&format),
        }
    }

    /// What it does with an entry whose hash has this shape: `Ignored`
    /// when it verifies it.
    pub fn reads(&self, shape: Shape) -> Reading {
        let format = Format::of(shape.scheme());
        if !self.accepts(format) {
            return self.unusable_entry;
        }
        match shape {
            Shape::Sound(_) | Shape::Unsupported(_) => Reading::Ignored,
            Shape::Malformed { defect, .. } => match defect {
                Defect::Sha1Length => self.sha1_length,
                Defect::BcryptTrailing => self.bcrypt_trailing,
                _ => Reading::UserLocked,
            },
        }
    }

    /// Whether it lets the right password in for an entry whose hash has
    /// this shape.
    pub fn verifies(&self, shape: Shape) -> bool {
        self.reads(shape) == Reading::Ignored
    }
}

/// What each server does with a file, in the order of [`Server`]. See the
/// module documentation for the source of each cell.
pub static SERVERS: [ServerRules; 5] = [
    ServerRules {
        server: Server::Registry,
        name: "the Docker registry",
        accepts: &[Format::Bcrypt],
        system_crypt: false,
        duplicates: Duplicates::Last,
        malformed_line: Reading::RefusesFile,
        carriage_return: Reading::Ignored,
        trailing_white_space: Reading::Ignored,
        leading_white_space: Reading::Ignored,
        second_colon: Reading::Ignored,
        byte_order_mark: Reading::KeptInUser,
        unusable_entry: Reading::UserLocked,
        sha1_length: Reading::UserLocked,
        bcrypt_trailing: Reading::Ignored,
        list_separator: None,
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
        system_crypt: true,
        duplicates: Duplicates::First,
        malformed_line: Reading::Ignored,
        carriage_return: Reading::Ignored,
        trailing_white_space: Reading::KeptInHash,
        leading_white_space: Reading::KeptInUser,
        second_colon: Reading::EndsHash,
        byte_order_mark: Reading::KeptInUser,
        unusable_entry: Reading::UserLocked,
        sha1_length: Reading::UserLocked,
        bcrypt_trailing: Reading::UserLocked,
        list_separator: None,
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
        system_crypt: true,
        duplicates: Duplicates::First,
        malformed_line: Reading::Ignored,
        carriage_return: Reading::Ignored,
        trailing_white_space: Reading::Ignored,
        leading_white_space: Reading::Ignored,
        second_colon: Reading::EndsHash,
        byte_order_mark: Reading::KeptInUser,
        unusable_entry: Reading::UserLocked,
        sha1_length: Reading::UserLocked,
        bcrypt_trailing: Reading::UserLocked,
        list_separator: None,
    },
    ServerRules {
        server: Server::Traefik,
        name: "Traefik",
        accepts: &[Format::Bcrypt, Format::Apr1, Format::Md5Crypt, Format::Sha1],
        system_crypt: false,
        duplicates: Duplicates::Last,
        malformed_line: Reading::RefusesFile,
        carriage_return: Reading::Ignored,
        trailing_white_space: Reading::Ignored,
        leading_white_space: Reading::Ignored,
        second_colon: Reading::RefusesFile,
        byte_order_mark: Reading::KeptInUser,
        unusable_entry: Reading::UserLocked,
        sha1_length: Reading::UserLocked,
        bcrypt_trailing: Reading::Ignored,
        list_separator: Some(b','),
    },
    ServerRules {
        server: Server::Envoy,
        name: "Envoy",
        accepts: &[Format::Sha1],
        system_crypt: false,
        duplicates: Duplicates::RefusesFile,
        malformed_line: Reading::RefusesFile,
        carriage_return: Reading::RefusesFile,
        trailing_white_space: Reading::RefusesFile,
        leading_white_space: Reading::KeptInUser,
        second_colon: Reading::RefusesFile,
        byte_order_mark: Reading::KeptInUser,
        unusable_entry: Reading::RefusesFile,
        sha1_length: Reading::RefusesFile,
        bcrypt_trailing: Reading::UserLocked,
        list_separator: None,
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_table_says_who_uses_the_system_crypt_and_splits_user_lists() {
        assert_eq!(
            rules_where(|rules| rules.system_crypt),
            vec![Server::Nginx, Server::Apache]
        );
        let yescrypt = crate::hash::unsupported::detect(b"$y$j9T$salt$hash").unwrap();
        assert_eq!(
            rules_where(|rules| rules.accepts(Format::Unsupported(yescrypt))),
            vec![Server::Nginx, Server::Apache]
        );
        let ssha256 = crate::hash::unsupported::detect(b"{SSHA256}x").unwrap();
        assert!(rules_where(|rules| rules.accepts(Format::Unsupported(ssha256))).is_empty());
        assert_eq!(
            rules_where(|rules| rules.sha1_length == Reading::RefusesFile),
            vec![Server::Envoy]
        );
        assert_eq!(
            rules_where(|rules| rules.list_separator == Some(b',')),
            vec![Server::Traefik]
        );
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
}
