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
//!   to the system crypt(3). On a glibc system that is libxcrypt, which
//!   verifies yescrypt (`$y$`, the default of `/etc/shadow` on Debian,
//!   Ubuntu and Fedora; checked live, `tests/interop`), and also schemes
//!   htpass cannot (gost-yescrypt, scrypt, BSDi's `_`...: see
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
//! - The F5 NGINX Ingress Controller and NGINX Gateway Fabric mount the
//!   Secret as a file for nginx's `auth_basic_user_file`: nginx's row, under
//!   their own names (issue 13; `render::readers` cites their Secret rules).
//! - OpenShift's HTPasswd identity provider (openshift/oauth-server,
//!   `pkg/authenticator/password/htpasswd/htpasswd.go`) reads lines with
//!   Go's `bufio.Scanner` (which drops a CR before the LF), skips empty
//!   lines and, with a warning, lines without `:`, splits at the first `:`
//!   without trimming (white space stays in the user or the hash), lets the
//!   last entry of a user win, and verifies `$apr1$`, `{SHA}`, and bcrypt
//!   only with the prefixes `$2y$` and `$2a$` (through Go's bcrypt): `$2b$`
//!   is an "Unrecognized hash type", crypt "not supported". User names with
//!   `/` or `%`, and `.`, `..`, `~`, cannot become OpenShift users (its
//!   `ValidateUserName`; see `render::readers`).
//! - Caddy reads no htpasswd file: `htpass export --format caddyfile` or
//!   `caddy-json` renders it (see `render::caddy`). Its row is what that
//!   export and Caddy together do: bcrypt only (Go's, any prefix, the first
//!   60 characters), the whole export refused at a line that is not an
//!   entry or at an entry that is not bcrypt, the whole config refused by
//!   Caddy at a user given twice; a CR, leading white space and what
//!   follows the 60 characters of a bcrypt hash never reach Caddy.
//!
//! Not every row is considered by a plain `check` (no `--for`): the nginx
//! controllers read as nginx does, whose row speaks for them, and OpenShift
//! and Caddy are named with `--for` ([`ServerRules::by_default`]).

use crate::hash::{BcryptVariant, Defect, Scheme, ShaVariant, Shape, Unsupported};
use crate::render::{NameRule, readers};

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
    /// The F5 NGINX Ingress Controller (nginx's reading).
    NginxIngress,
    /// NGINX Gateway Fabric (nginx's reading).
    NginxGatewayFabric,
    /// OpenShift's HTPasswd identity provider.
    OpenShift,
    /// Caddy, through `htpass export --format caddyfile|caddy-json`.
    Caddy,
}

impl Server {
    /// Every server, in the order of [`SERVERS`].
    pub const ALL: [Server; 9] = [
        Server::Registry,
        Server::Nginx,
        Server::Apache,
        Server::Traefik,
        Server::Envoy,
        Server::NginxIngress,
        Server::NginxGatewayFabric,
        Server::OpenShift,
        Server::Caddy,
    ];

    /// The short name, as `--for` takes it and JSON shows it.
    pub fn name(self) -> &'static str {
        match self {
            Server::Registry => "registry",
            Server::Nginx => "nginx",
            Server::Apache => "apache",
            Server::Traefik => "traefik",
            Server::Envoy => "envoy",
            Server::NginxIngress => "nginx-ingress",
            Server::NginxGatewayFabric => "nginx-gateway-fabric",
            Server::OpenShift => "openshift",
            Server::Caddy => "caddy",
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
    /// `$y$`, through the system crypt(3) (libxcrypt).
    Yescrypt,
    /// `{SHA}`.
    Sha1,
    /// `{SSHA}`.
    Ssha,
    /// `{PLAIN}`.
    PlainTagged,
    /// A scheme htpass names but cannot verify (`{SSHA256}`, `$gy$`): only
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
            Scheme::Yescrypt { .. } => Format::Yescrypt,
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
            Format::Yescrypt => "$y$ (yescrypt)",
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
            | Format::Yescrypt
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
    /// htpass does: gost-yescrypt, scrypt, BSDi's (see [`Unsupported`]).
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
    /// The bcrypt prefixes it does not verify, though it verifies bcrypt.
    pub refused_bcrypt: &'static [BcryptVariant],
    /// The user names it cannot take (the same rules `export --for` refuses).
    pub refused_names: &'static [NameRule],
    /// Whether a `check` without `--for` considers it.
    pub by_default: bool,
}

impl ServerRules {
    /// Whether it verifies hashes of `format` (when they are sound).
    pub fn accepts(&self, format: Format) -> bool {
        match format {
            Format::Unsupported(row) => self.system_crypt && row.system_crypt,
            format => self.accepts.contains(&format),
        }
    }

    /// Whether it verifies hashes of `scheme` (when they are sound): its
    /// format, and for bcrypt its prefix.
    pub fn accepts_scheme(&self, scheme: Scheme) -> bool {
        match scheme {
            Scheme::Bcrypt { variant, .. } if self.refused_bcrypt.contains(&variant) => false,
            scheme => self.accepts(Format::of(scheme)),
        }
    }

    /// What it does with an entry whose hash has this shape: `Ignored`
    /// when it verifies it.
    pub fn reads(&self, shape: Shape) -> Reading {
        if !self.accepts_scheme(shape.scheme()) {
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

/// nginx's row, which the nginx controllers share under their own names.
const NGINX: ServerRules = ServerRules {
    server: Server::Nginx,
    name: "nginx",
    // $apr1$, {SHA}, {SSHA} and {PLAIN} itself; the rest through
    // crypt(3) (libxcrypt: bcrypt, $1$, $5$, $6$, DES, yescrypt).
    accepts: &[
        Format::Bcrypt,
        Format::Apr1,
        Format::Md5Crypt,
        Format::Sha256Crypt,
        Format::Sha512Crypt,
        Format::DesCrypt,
        Format::Yescrypt,
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
    refused_bcrypt: &[],
    refused_names: &[],
    by_default: true,
};

/// What each server does with a file, in the order of [`Server`]. See the
/// module documentation for the source of each cell.
pub static SERVERS: [ServerRules; 9] = [
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
        refused_bcrypt: &[],
        refused_names: &[],
        by_default: true,
    },
    NGINX,
    ServerRules {
        server: Server::Apache,
        name: "Apache httpd",
        // bcrypt, $apr1$ and {SHA} itself; the rest through crypt(3)
        // (yescrypt included).
        accepts: &[
            Format::Bcrypt,
            Format::Apr1,
            Format::Md5Crypt,
            Format::Sha256Crypt,
            Format::Sha512Crypt,
            Format::DesCrypt,
            Format::Yescrypt,
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
        refused_bcrypt: &[],
        refused_names: &[],
        by_default: true,
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
        refused_bcrypt: &[],
        refused_names: &[],
        by_default: true,
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
        refused_bcrypt: &[],
        refused_names: &[],
        by_default: true,
    },
    ServerRules {
        server: Server::NginxIngress,
        name: "the F5 NGINX Ingress Controller",
        by_default: false,
        ..NGINX
    },
    ServerRules {
        server: Server::NginxGatewayFabric,
        name: "NGINX Gateway Fabric",
        by_default: false,
        ..NGINX
    },
    ServerRules {
        server: Server::OpenShift,
        name: "OpenShift",
        accepts: &[Format::Bcrypt, Format::Apr1, Format::Sha1],
        system_crypt: false,
        duplicates: Duplicates::Last,
        malformed_line: Reading::Ignored,
        carriage_return: Reading::Ignored,
        trailing_white_space: Reading::KeptInHash,
        leading_white_space: Reading::KeptInUser,
        second_colon: Reading::KeptInHash,
        byte_order_mark: Reading::KeptInUser,
        unusable_entry: Reading::UserLocked,
        sha1_length: Reading::UserLocked,
        bcrypt_trailing: Reading::Ignored,
        list_separator: None,
        refused_bcrypt: &[BcryptVariant::TwoB, BcryptVariant::TwoX],
        refused_names: readers::OPENSHIFT_NAMES,
        by_default: false,
    },
    ServerRules {
        server: Server::Caddy,
        name: "Caddy",
        accepts: &[Format::Bcrypt],
        system_crypt: false,
        duplicates: Duplicates::RefusesFile,
        malformed_line: Reading::RefusesFile,
        carriage_return: Reading::Ignored,
        trailing_white_space: Reading::Ignored,
        leading_white_space: Reading::Ignored,
        second_colon: Reading::Ignored,
        byte_order_mark: Reading::KeptInUser,
        unusable_entry: Reading::RefusesFile,
        sha1_length: Reading::RefusesFile,
        bcrypt_trailing: Reading::Ignored,
        list_separator: None,
        refused_bcrypt: &[],
        refused_names: &[],
        by_default: false,
    },
];

/// The servers a `check` without `--for` considers.
pub fn default_servers() -> impl Iterator<Item = &'static ServerRules> {
    SERVERS.iter().filter(|rules| rules.by_default)
}

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

    /// The servers a plain check considers for which `reading` holds.
    fn rules_where(reading: impl Fn(&ServerRules) -> bool) -> Vec<Server> {
        default_servers()
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
        // yescrypt too (`$y$`): the registry, Traefik and Envoy have no
        // crypt(3).
        for format in [Sha256Crypt, Sha512Crypt, DesCrypt, Yescrypt] {
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
        let gost = crate::hash::unsupported::detect(b"$gy$j9T$salt$hash").unwrap();
        assert_eq!(
            rules_where(|rules| rules.accepts(Format::Unsupported(gost))),
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
        let duplicates: Vec<_> = default_servers().map(|rules| rules.duplicates).collect();
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
            Server::ALL[..5].to_vec()
        );
    }

    /// Issue 13 item 4: the consumers `export` renders for, one row each,
    /// named with `--for` only.
    #[test]
    fn the_new_consumers_are_rows_a_plain_check_leaves_out() {
        let defaults: Vec<Server> = default_servers().map(|rules| rules.server).collect();
        assert_eq!(defaults, Server::ALL[..5].to_vec());
        // The nginx controllers read as nginx does, under their own names.
        for server in [Server::NginxIngress, Server::NginxGatewayFabric] {
            let rules = server.rules();
            assert_eq!(
                ServerRules {
                    server: Server::Nginx,
                    name: "nginx",
                    by_default: true,
                    ..*rules
                },
                *Server::Nginx.rules()
            );
        }
        let openshift = Server::OpenShift.rules();
        assert_eq!(
            openshift.accepts,
            &[Format::Bcrypt, Format::Apr1, Format::Sha1]
        );
        let bcrypt = |variant| Scheme::Bcrypt { variant, cost: 10 };
        assert!(openshift.accepts_scheme(bcrypt(BcryptVariant::TwoY)));
        assert!(openshift.accepts_scheme(bcrypt(BcryptVariant::TwoA)));
        assert!(!openshift.accepts_scheme(bcrypt(BcryptVariant::TwoB)));
        assert!(
            Server::Nginx
                .rules()
                .accepts_scheme(bcrypt(BcryptVariant::TwoB))
        );
        assert_eq!(openshift.duplicates, Duplicates::Last);
        assert!(!openshift.refused_names.is_empty());
        let caddy = Server::Caddy.rules();
        assert_eq!(caddy.accepts, &[Format::Bcrypt]);
        assert_eq!(
            (caddy.duplicates, caddy.unusable_entry, caddy.malformed_line),
            (
                Duplicates::RefusesFile,
                Reading::RefusesFile,
                Reading::RefusesFile
            )
        );
        let names: Vec<&str> = Server::ALL.iter().map(|server| server.name()).collect();
        assert_eq!(
            names[5..],
            [
                "nginx-ingress",
                "nginx-gateway-fabric",
                "openshift",
                "caddy"
            ]
        );
    }
}
