//! The command line of `htpass`, as clap structs and nothing else.
//!
//! These types describe what may be typed; [`crate::config`] turns them, once,
//! into plain values before any work starts. No command module sees them.
//! Numbers that must be in range (`--cost`, `--rounds`) are parsed here with
//! the library's own range checks, so a value out of range is a usage error
//! (exit 2) that names the range, before anything is read or written.

use std::ffi::OsString;
use std::num::IntErrorKind;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use htpass::Error;
use htpass::hash::{BcryptCost, ShaRounds};

pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  a file could not be read, written or created; the user exists (add --no-update); a generated password could not be shown
  2  usage error, or no password given (no source and no terminal, Ctrl-D at the prompt)
  3  the password does not match, or hashing failed
  4  interrupted
  5  a value is too long (user name over 255 bytes, bcrypt password over 72, a line of a
     GROUPFILE over the 16 MiB Apache reads)
  6  the user name is not allowed (also: one the --format or --for destination cannot
     carry), or the user is not in the file; a group name or member not allowed, or the
     group not in GROUPFILE
  7  the file is not a valid htpasswd file, export meets an entry the --format or --for
     destination cannot carry, --reuse-from names neither an htpasswd file nor a Secret,
     or GROUPFILE has a line Apache would not read as written
  8  sync --check: the file is not in the declared state";

/// Create, update and check Apache htpasswd files.
#[derive(Parser)]
#[command(
    name = "htpass",
    version,
    propagate_version = true,
    after_help = EXIT_CODES,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Give up after SECONDS when another process holds FILE's lock (exit 1); default: wait
    /// as long as it takes (Ctrl-C gives up)
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_wait)]
    pub wait: Option<Duration>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create a new file (refused if it exists), optionally with its first user
    Create(CreateArgs),
    /// Add a user, or change a user's password; creates FILE if missing
    #[command(
        long_about = "Add a user, or change a user's password; creates FILE if missing.\n\n\
        Idempotent: when the user's stored hash already matches the password and the \
        requested algorithm and parameters, the line is kept byte for byte and the file \
        is not rewritten. --rehash forces a new hash."
    )]
    Add(AddArgs),
    /// Check a user's password: exit 0 if it matches, 3 if not, 6 if the user is missing
    Verify(VerifyArgs),
    /// Remove users from a file
    Delete(DeleteArgs),
    /// List the users of a file, one a line
    List(ListArgs),
    /// Print a hash, or a USER:HASH line, without touching any file
    Hash(HashArgs),
    /// Lint a file for the servers that will read it (exit 7 on an error)
    #[command(long_about = CHECK_ABOUT)]
    Check(CheckArgs),
    /// Render a whole file, or a user:password list, for where it goes: a Kubernetes
    /// Secret, a compose label, Caddy, JSON
    #[command(long_about = EXPORT_ABOUT)]
    Export(ExportArgs),
    /// Manage Apache group files (AuthGroupFile, Require group)
    #[command(subcommand, long_about = GROUP_ABOUT)]
    Group(GroupCommand),
    /// Make a file hold exactly the users of a list of user:password lines
    #[command(long_about = SYNC_ABOUT, after_long_help = SYNC_EXIT_CODES)]
    Sync(SyncArgs),
    /// Print a shell completion script
    #[command(long_about = "Print a shell completion script on stdout.\n\n\
        bash:  htpass completions bash > ~/.local/share/bash-completion/completions/htpass\n\
        zsh:   htpass completions zsh > ~/.zfunc/_htpass  (with ~/.zfunc in fpath)\n\
        fish:  htpass completions fish > ~/.config/fish/completions/htpass.fish")]
    Completions(CompletionsArgs),
    /// Write the man pages (roff) into DIR; `man/htpass*.1` are made with it
    #[command(hide = true)]
    Manpages {
        /// Where to write htpass.1 and htpass-COMMAND.1
        dir: PathBuf,
    },
}

const CHECK_ABOUT: &str = "\
Lint a file for the servers that will read it.

Each finding is one line: FILE:LINE: SEVERITY: reason (naming the server that \
will fail). Hashes and passwords are never printed.

Errors (exit 7): malformed lines, duplicate users, unknown hash formats, \
malformed hashes (bcrypt not 60 characters or its cost not 04-31, rounds= out \
of range, $apr1$ without its hash, {SHA} not the base64 of 20 bytes...), \
schemes no server verifies ({SSHA256}, {SMD5}, Argon2...), CRLF line endings, \
a byte-order mark, trailing white space in a hash. Warnings (exit 0 unless \
--strict): plain, crypt, sha1 and apr1/md5 entries, bcrypt below --min-cost, \
a cost that makes each login take a second or more (bcrypt 16 and up, \
SHA-crypt rounds from 1000000, yescrypt from 1 GiB), schemes only the system \
crypt(3) verifies (gost-yescrypt, BSDi's _...), and for Traefik a ',' in a \
user name. --for applies what that server really accepts; the consumers of a \
Secret or an export (nginx-ingress, nginx-gateway-fabric, openshift, caddy) \
are checked only when named there.

--groups GROUPFILE also checks an Apache group file against FILE, as \
GROUPFILE:LINE: error: reason lines after FILE's: a member without an entry in \
FILE (a right waiting for whoever is added under that name, or a typo), and a \
line Apache reads otherwise than it looks (no ':', a NUL byte, over 16 MiB, a \
comment that ends in a backslash and so swallows the next line).";

const SYNC_ABOUT: &str = "\
Make FILE hold exactly the users of a list of user:password lines (--from).

The list is read as for add --batch: the password is everything after the \
first ':'; blank lines and lines starting with '#' are skipped, a CR before \
the line end and a byte-order mark at the start are dropped. Every line is \
checked before any work: a bad one (no ':', an empty password, a bad user \
name, a user listed twice, a bcrypt password over 72 bytes) is named by its \
line number, and nothing is written.

For each listed user: an entry whose hash already verifies the password with \
the requested algorithm and parameters is kept byte for byte; a changed \
password is re-hashed in place (the line keeps its place and its line \
ending); a new user is appended. A listed user with several entries keeps \
the first (re-hashed if needed) and loses the others. Every user of FILE \
that is not listed is removed, unless --keep-unlisted. Comments and blank \
lines stay. A missing FILE is created.

The stored hashes are checked and the new ones made on every core; FILE is \
written once, under its lock, or not at all when nothing changes (it keeps \
its inode and modification time).

It reports on stderr one line per changed user (added USER, updated USER, \
removed USER) and the count of unchanged ones. --format json prints one \
object on stdout with the lists added, updated, removed and unchanged (exact \
names; a list holding a name that is not UTF-8 is followed by the same \
list of exact bytes in base64, named with _base64, as removed_base64). An \
empty list is refused rather than emptying FILE. --dry-run changes nothing and reports what \
would be done; --check changes nothing and exits 8 when FILE is not in the \
declared state (0 when it is). With --check or --dry-run, FILE may be - \
(standard input).";

const SYNC_EXIT_CODES: &str = "\
Exit codes:
  0  done; with --check, FILE is in the declared state
  1  FILE or the list could not be read, written or created
  2  usage error, or a bad list line (no ':', an empty password, a user twice, a NUL byte),
     or an empty list
  3  hashing failed
  4  interrupted; nothing was changed
  5  a list line holds a user name over 255 bytes or a bcrypt password over 72
  6  a list line holds a user name that is not allowed
  7  FILE is not a valid htpasswd file; nothing was changed
  8  --check: FILE is not in the declared state";

const EXPORT_ABOUT: &str = "\
Render a whole file, or a user:password list, for where it goes: a Kubernetes \
Secret, a compose label, Caddy's basic_auth, JSON.

export FILE renders FILE's entries as they are. An entry the destination cannot \
carry is refused with its line number (exit 7), never dropped.

export --from USERS renders the users of USERS (user:password lines, as add \
--batch reads them; - for standard input), hashed as add would, so a pipeline \
needs no htpasswd file at all. With --reuse-from LAST (the last output: an \
htpasswd file, or the Secret as `kubectl get secret NAME -o yaml` prints it; \
- for standard input), a user whose password still verifies against LAST's \
entry, with the same algorithm and parameters, keeps that entry byte for byte: \
the same passwords render the same output, so GitOps tools see no change and \
nothing restarts. A missing or empty LAST (the first run) reuses nothing.";

#[derive(Args)]
pub struct CreateArgs {
    /// The htpasswd file to create
    pub file: PathBuf,
    /// The first user to add (without it, the file is created empty)
    pub user: Option<OsString>,
    /// Replace FILE if it exists
    #[arg(short, long)]
    pub force: bool,
    /// Also print the new entry on stdout
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<EntryFormat>,
    #[command(flatten)]
    pub algorithm: AlgorithmArgs,
    #[command(flatten)]
    pub password: NewPasswordArgs,
}

#[derive(Args)]
pub struct AddArgs {
    /// The htpasswd file (created if missing)
    pub file: PathBuf,
    /// The user to add or update (not with --batch)
    #[arg(required_unless_present = "batch")]
    pub user: Option<OsString>,
    /// Add or update every user of `user:password` lines read from standard
    /// input (or --from), hashed in parallel, written once
    #[arg(
        long,
        conflicts_with_all = ["user", "password_source", "generate", "format"],
        help_heading = "Batch"
    )]
    pub batch: bool,
    /// With --batch: read the lines from PATH instead of standard input
    #[arg(long, value_name = "PATH", requires = "batch", help_heading = "Batch")]
    pub from: Option<PathBuf>,
    /// Fail (exit 1) instead of changing the password of an existing user
    #[arg(long, conflicts_with = "rehash")]
    pub no_update: bool,
    /// Write a new hash even when the stored one already matches
    #[arg(long)]
    pub rehash: bool,
    /// Also print the entry on stdout
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<EntryFormat>,
    #[command(flatten)]
    pub algorithm: AlgorithmArgs,
    #[command(flatten)]
    pub password: NewPasswordArgs,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The htpasswd file
    pub file: PathBuf,
    /// The user whose password to check
    pub user: OsString,
    /// Accept a bare plain-text entry (Apache on Linux, nginx and the Docker registry do not)
    #[arg(long)]
    pub allow_plain: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Args)]
pub struct DeleteArgs {
    /// The htpasswd file
    pub file: PathBuf,
    /// The users to remove
    #[arg(required = true, num_args = 1..)]
    pub users: Vec<OsString>,
    /// Delete the users that exist and only report the others (exit 0)
    #[arg(long)]
    pub ignore_missing: bool,
    /// Also take the users off every group of this group file (after FILE is changed)
    #[arg(long, value_name = "GROUPFILE")]
    pub groups: Option<PathBuf>,
}

#[derive(Args)]
pub struct ListArgs {
    /// The htpasswd file
    pub file: PathBuf,
    /// Add each entry's algorithm and cost (bcrypt cost, SHA rounds, yescrypt's N=2^12 r=32), tab-separated
    #[arg(short, long)]
    pub long: bool,
    /// How to print the users
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ListFormat::Line)]
    pub format: ListFormat,
}

#[derive(Args)]
pub struct HashArgs {
    /// The user of the line (without it, only the hash is printed)
    pub user: Option<OsString>,
    /// What to print
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = HashFormat::Line)]
    pub format: HashFormat,
    #[command(flatten)]
    pub reuse: ReuseArgs,
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub algorithm: AlgorithmArgs,
    #[command(flatten)]
    pub password: NewPasswordArgs,
}

#[derive(Args)]
pub struct CheckArgs {
    /// The htpasswd file
    pub file: PathBuf,
    /// Apply what these servers accept (repeat, or separate with commas)
    #[arg(long = "for", value_enum, value_name = "SERVER", value_delimiter = ',')]
    pub servers: Vec<CheckServer>,
    /// Fail on any entry not of this algorithm
    #[arg(long, value_enum, value_name = "ALGORITHM")]
    pub require: Option<RequiredAlgorithm>,
    /// Warn about bcrypt entries below this cost
    #[arg(long, value_name = "N", default_value = "10", value_parser = parse_cost)]
    pub min_cost: BcryptCost,
    /// Fail (exit 7) on warnings too
    #[arg(long)]
    pub strict: bool,
    /// How to print the findings
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ReportFormat::Line)]
    pub format: ReportFormat,
    /// Also check this Apache group file: each member must have an entry in FILE, each
    /// line must read in Apache as it looks (errors)
    #[arg(long, value_name = "GROUPFILE")]
    pub groups: Option<PathBuf>,
}

#[derive(Args)]
pub struct SyncArgs {
    /// The htpasswd file (created if missing; - is standard input with --check or --dry-run)
    pub file: PathBuf,
    /// The user:password lines: a file, or - for standard input
    #[arg(long, value_name = "PATH", required = true)]
    pub from: PathBuf,
    /// Keep the users of FILE that are not listed, instead of removing them
    #[arg(long)]
    pub keep_unlisted: bool,
    /// Change nothing; report what would be done
    #[arg(long, conflicts_with = "check")]
    pub dry_run: bool,
    /// Change nothing; exit 8 if FILE is not in the declared state, 0 if it is
    #[arg(long, conflicts_with = "rehash")]
    pub check: bool,
    /// Give every listed user a new hash, even where the stored one matches
    #[arg(long)]
    pub rehash: bool,
    /// How to report: lines on stderr, and with json also one object on stdout
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = SyncFormat::Line)]
    pub format: SyncFormat,
    #[command(flatten)]
    pub algorithm: AlgorithmArgs,
}

/// How `sync` reports what it did.
#[derive(Clone, Copy, ValueEnum)]
pub enum SyncFormat {
    /// One line per changed user and a count of unchanged ones, on stderr
    Line,
    /// Those lines, and one JSON object on stdout with the lists added,
    /// updated, removed and unchanged
    Json,
}

#[derive(Args)]
pub struct ExportArgs {
    /// The htpasswd file to render (- for standard input); not with --from
    #[arg(required_unless_present = "from", conflicts_with = "from")]
    pub file: Option<PathBuf>,
    /// What to render
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: ExportFormat,
    /// Render the users of user:password lines read from USERS (- for standard input)
    /// instead of a file, hashed as add would hash them
    #[arg(long, value_name = "USERS")]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub reuse: ReuseArgs,
    #[command(flatten)]
    pub algorithm: AlgorithmArgs,
    #[command(flatten)]
    pub secret: SecretArgs,
}

/// `--reuse-from`: the last output, so that unchanged passwords render the
/// same bytes.
#[derive(Args)]
#[command(next_help_heading = "Stable output for GitOps")]
pub struct ReuseArgs {
    /// Keep a user's entry from LAST (an htpasswd file, or a Secret as `kubectl get secret
    /// NAME -o yaml|json` prints it; - for standard input) where the password still verifies
    /// with the same algorithm and parameters, so the output does not change. A missing or
    /// empty LAST reuses nothing. --secret-key or --for names the Secret's data key
    #[arg(long, value_name = "LAST")]
    pub reuse_from: Option<PathBuf>,
}

/// The Kubernetes Secret of `--format k8s-secret`.
#[derive(Args)]
#[command(next_help_heading = "Kubernetes Secret (--format k8s-secret)")]
pub struct SecretArgs {
    /// The Secret's name [default: basic-auth]
    #[arg(long, value_name = "NAME")]
    pub secret_name: Option<String>,
    /// The Secret's namespace [default: none, so kubectl's current one]
    #[arg(long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// The data key that holds the file [default: auth, or as --for says]
    #[arg(long, value_name = "KEY", conflicts_with = "secret_reader")]
    pub secret_key: Option<String>,
    /// Who reads the Secret, which decides its type, key and what it refuses
    /// [default: ingress-nginx]
    #[arg(long = "for", id = "secret_reader", value_enum, value_name = "READER")]
    pub reader: Option<SecretReader>,
    /// Add a label (repeat for more; for a KEY given twice the last VALUE
    /// wins, as with kubectl label). KEY is NAME or PREFIX/NAME, VALUE is
    /// empty or up to 63 letters, digits, '-', '_' and '.'
    #[arg(long, value_name = "KEY=VALUE")]
    pub label: Vec<String>,
    /// Add an annotation (repeat for more; the last VALUE of a KEY wins).
    /// VALUE may be any text
    #[arg(long, value_name = "KEY=VALUE")]
    pub annotation: Vec<String>,
}

const GROUP_ABOUT: &str = "\
Manage Apache group files: the AuthGroupFile that mod_authz_groupfile reads for \
`Require group NAME`, one `GROUP: USER USER...` line a group.

Files are changed as htpasswd files are (locked, replaced atomically, every other \
line kept byte for byte) and names are read as Apache reads them: a group written \
on several lines is their union, and group names match whatever their ASCII case. \
Names Apache would read differently (white space, ':', quotes, control \
characters) are refused (exit 6); a file Apache would not read as it looks (a \
line without ':', a NUL byte, a line over 16 MiB) is left alone (exit 7).";

/// The commands of `htpass group`.
#[derive(Subcommand)]
pub enum GroupCommand {
    /// Add users to a group; creates the group, and GROUPFILE, if missing
    Add(GroupMembersArgs),
    /// Take users off a group (a user not in it changes nothing)
    Remove(GroupMembersArgs),
    /// Delete a group: every line of it
    Delete(GroupDeleteArgs),
    /// List the groups, or the members of GROUP, one a line
    List(GroupListArgs),
}

#[derive(Args)]
pub struct GroupMembersArgs {
    /// The group file (AuthGroupFile)
    pub groupfile: PathBuf,
    /// The group
    pub group: OsString,
    /// The users (the names of their htpasswd entries)
    #[arg(required = true, num_args = 1..)]
    pub users: Vec<OsString>,
}

#[derive(Args)]
pub struct GroupDeleteArgs {
    /// The group file (AuthGroupFile)
    pub groupfile: PathBuf,
    /// The group to delete
    pub group: OsString,
}

#[derive(Args)]
pub struct GroupListArgs {
    /// The group file (AuthGroupFile)
    pub groupfile: PathBuf,
    /// List this group's members instead of the groups
    pub group: Option<OsString>,
    /// How to print them
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = GroupListFormat::Line)]
    pub format: GroupListFormat,
}

/// How `group list` prints.
#[derive(Clone, Copy, ValueEnum)]
pub enum GroupListFormat {
    /// One name a line, escaped for the terminal
    Line,
    /// A JSON array of the groups (only GROUP, if given): objects with group, lines and
    /// members, exact
    Json,
}

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Where an existing password comes from; without any, a terminal prompt.
#[derive(Args)]
#[group(id = "password_source", multiple = false)]
#[command(next_help_heading = "Password (default: ask on the terminal)")]
pub struct PasswordArgs {
    /// Read the password from the first line of standard input, without its line ending
    #[arg(long)]
    pub password_stdin: bool,
    /// Read the password from the environment variable VAR, less one trailing newline
    /// (\n or \r\n), as from the other sources
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<OsString>,
    /// Read the password from the first line of the file PATH, without its line ending
    #[arg(long, value_name = "PATH")]
    pub password_file: Option<PathBuf>,
    /// The password itself, less one trailing newline (other users can see it in `ps`;
    /// prefer the options above). A VALUE that is an option name is refused: write
    /// --password=VALUE if it is the password
    #[arg(short = 'p', long, value_name = "VALUE", allow_hyphen_values = true)]
    pub password: Option<OsString>,
}

/// Where a password to set comes from.
#[derive(Args)]
pub struct NewPasswordArgs {
    #[command(flatten)]
    pub source: PasswordArgs,
    /// Make up a random password of LEN letters and digits (default 24) and print it once
    #[arg(
        long,
        value_name = "LEN",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "24",
        conflicts_with = "password_source",
        value_parser = clap::value_parser!(u16).range(12..=256),
        help_heading = "Password (default: ask on the terminal)"
    )]
    pub generate: Option<u16>,
}

#[derive(Args)]
#[command(next_help_heading = "Algorithm")]
pub struct AlgorithmArgs {
    /// The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]
    #[arg(short, long, value_enum, value_name = "NAME")]
    pub algorithm: Option<AlgorithmArg>,
    /// The bcrypt prefix to write, for readers that insist on one [default: 2y]
    #[arg(long, value_enum, value_name = "VARIANT")]
    pub bcrypt_variant: Option<BcryptVariantArg>,
    /// bcrypt cost, 4 to 31 [default: 10]
    #[arg(short = 'C', long, value_name = "N", value_parser = parse_cost)]
    pub cost: Option<BcryptCost>,
    /// sha256/sha512 rounds, 1000 to 999999999 [default: 5000]
    #[arg(short, long, value_name = "N", value_parser = parse_rounds)]
    pub rounds: Option<ShaRounds>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AlgorithmArg {
    Bcrypt,
    Apr1,
    Sha256,
    Sha512,
    Sha1,
    Crypt,
    Plain,
    Yescrypt,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum BcryptVariantArg {
    #[value(name = "2y")]
    TwoY,
    #[value(name = "2b")]
    TwoB,
    #[value(name = "2a")]
    TwoA,
}

/// How `hash`, `add` and `create` print an entry.
#[derive(Clone, Copy, ValueEnum)]
pub enum EntryFormat {
    /// USER:HASH (the hash alone without a user)
    Line,
    /// The hash alone
    Hash,
    /// One JSON object with user, hash, line (and password with --generate)
    Json,
}

/// How `hash` prints the new entry.
#[derive(Clone, Copy, ValueEnum)]
pub enum HashFormat {
    /// USER:HASH (the hash alone without a user)
    Line,
    /// The hash alone
    Hash,
    /// One JSON object with user, hash, line (and password with --generate)
    Json,
    /// USER:HASH for inside a double-quoted string of a docker-compose file
    /// (Traefik's basicauth.users label): `"` and `\` escaped, every `$`
    /// doubled; a USER with ',' is refused (exit 6)
    Compose,
    /// A v1 Secret manifest holding the USER:HASH line, every value quoted,
    /// for `kubectl apply -f -`
    K8sSecret,
}

/// How `export` renders a file.
#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// A v1 Secret manifest holding the file, every value quoted, for
    /// `kubectl apply -f -`
    K8sSecret,
    /// The entries as USER:HASH joined by commas, for inside a double-quoted
    /// string of a docker-compose file (Traefik's basicauth.users label):
    /// `"` and `\` escaped, every `$` doubled; an entry with ',' is refused
    /// with its line number (exit 7)
    Compose,
    /// A JSON array of objects with line_number, user, hash, algorithm, cost
    Json,
    /// A Caddyfile basic_auth block of USER HASH lines (Caddy 2.6+ takes the raw bcrypt
    /// hash; before 2.8 the directive is named basicauth); bcrypt entries only
    Caddyfile,
    /// The JSON list of accounts of Caddy's http_basic authentication; bcrypt entries only
    CaddyJson,
}

/// Who reads a Kubernetes Secret; decides its type, data key and namespace.
#[derive(Clone, Copy, ValueEnum)]
pub enum SecretReader {
    /// ingress-nginx's auth-secret: Opaque, key `auth`
    IngressNginx,
    /// Traefik's basicAuth secret: Opaque, key `users`
    Traefik,
    /// Envoy Gateway's basicAuth secret: Opaque, key `.htpasswd`; {SHA} entries only
    EnvoyGateway,
    /// F5 NGINX Ingress Controller: type nginx.org/htpasswd, key `htpasswd`
    NginxIngress,
    /// NGINX Gateway Fabric's AuthenticationFilter: type nginx.org/htpasswd, key `auth`
    NginxGatewayFabric,
    /// OpenShift's HTPasswd identity provider: Opaque, key `htpasswd`, namespace
    /// openshift-config; no user name with '/' or '%'
    #[value(name = "openshift")]
    OpenShift,
}

/// A server whose reading of the file `check` applies.
#[derive(Clone, Copy, ValueEnum)]
pub enum CheckServer {
    /// The Docker registry (distribution, `auth: htpasswd`)
    Registry,
    /// nginx `auth_basic_user_file` (also ingress-nginx)
    Nginx,
    /// Apache httpd mod_authn_file
    Apache,
    /// Traefik basicAuth
    Traefik,
    /// Envoy basic_auth (also Envoy Gateway)
    Envoy,
    /// The F5 NGINX Ingress Controller (reads as nginx does)
    NginxIngress,
    /// NGINX Gateway Fabric (reads as nginx does)
    NginxGatewayFabric,
    /// OpenShift's HTPasswd identity provider (bcrypt as $2y$ or $2a$, apr1, {SHA}; no user
    /// name with '/' or '%')
    #[value(name = "openshift")]
    OpenShift,
    /// Caddy, through export --format caddyfile or caddy-json (bcrypt only, no user twice)
    Caddy,
}

/// An algorithm `check --require` insists on.
#[derive(Clone, Copy, ValueEnum)]
pub enum RequiredAlgorithm {
    Bcrypt,
}

/// How `check` prints its findings.
#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// FILE:LINE: SEVERITY: reason, one a line
    Line,
    /// One JSON object with the findings and a summary
    Json,
}

/// How `list` prints the users.
#[derive(Clone, Copy, ValueEnum)]
pub enum ListFormat {
    /// One user a line, escaped for the terminal
    Line,
    /// A JSON array of objects with user, algorithm and cost, exact (a user
    /// name that is not UTF-8 also comes as user_base64)
    Json,
}

/// The options that give a password, or say where it is: their values are
/// never repeated in a message (see [`password_values`]).
pub const PASSWORD_OPTIONS: [&str; 5] = [
    "--password",
    "--password-stdin",
    "--password-env",
    "--password-file",
    "--generate",
];

/// Every value given to a password option in `args` (the command line
/// without `argv[0]`), in each form clap takes: `--opt=V`, `--opt V`, `-pV`,
/// `-p V`, `-p` last in a bundle of flags. Values are bytes, and empty ones
/// are left out (they cannot be told apart from anything).
pub fn password_values(args: &[OsString]) -> Vec<Vec<u8>> {
    let mut values = Vec::new();
    let mut args = args.iter().map(|arg| arg.as_encoded_bytes());
    while let Some(arg) = args.next() {
        if arg == b"--" {
            break;
        }
        if let Some(long) = arg.strip_prefix(b"--") {
            let (name, value) = match long.iter().position(|&b| b == b'=') {
                Some(at) => (&long[..at], Some(&long[at + 1..])),
                None => (long, None),
            };
            let is_password_option = PASSWORD_OPTIONS
                .iter()
                .any(|option| option.as_bytes()[2..] == *name);
            if !is_password_option {
                continue;
            }
            match value {
                Some(value) => values.push(value.to_vec()),
                // These take their value from the next argument; the others
                // take none, or only after `=`.
                None if matches!(name, b"password" | b"password-env" | b"password-file") => {
                    values.extend(args.next().map(<[u8]>::to_vec));
                }
                None => {}
            }
        } else if let Some(letters) = arg.strip_prefix(b"-") {
            for (at, &letter) in letters.iter().enumerate() {
                match letter {
                    b'p' => {
                        let rest = &letters[at + 1..];
                        if rest.is_empty() {
                            values.extend(args.next().map(<[u8]>::to_vec));
                        } else {
                            values.push(rest.to_vec());
                        }
                        break;
                    }
                    // Short options whose value is the rest of the bundle.
                    b'a' | b'C' | b'r' => break,
                    _ => {}
                }
            }
        }
    }
    values.retain(|value| !value.is_empty());
    values
}

/// Every option name of htpass and its commands (`--name` and `-x`).
pub fn option_names() -> Vec<String> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    command.build();
    let mut names = Vec::new();
    let mut add = |command: &clap::Command| {
        for arg in command.get_arguments() {
            names.extend(
                arg.get_long_and_visible_aliases()
                    .into_iter()
                    .flatten()
                    .map(|long| format!("--{long}")),
            );
            names.extend(
                arg.get_short_and_visible_aliases()
                    .into_iter()
                    .flatten()
                    .map(|short| format!("-{short}")),
            );
        }
    };
    add(&command);
    for sub in command.get_subcommands() {
        add(sub);
    }
    names.sort();
    names.dedup();
    names
}

/// Refuses `-p VALUE` or `--password VALUE` where VALUE is one of htpass's
/// own option names (`-p --password-env PW` would set the password
/// `--password-env` and leave `PW` to mean something else), or starts with
/// `--` and names one (`--password-env=PW`). The attached forms
/// (`--password=VALUE`, `-pVALUE`) say that VALUE is meant, and pass.
/// The message never repeats VALUE.
pub fn refuse_option_as_password(args: &[OsString]) -> Result<(), String> {
    let names = option_names();
    let names_an_option = |value: &[u8]| {
        let name = match value.strip_prefix(b"--") {
            Some(long) => &value[..2 + long.iter().position(|&b| b == b'=').unwrap_or(long.len())],
            None => value,
        };
        names.iter().any(|known| known.as_bytes() == name)
    };
    let mut args = args.iter().map(|arg| arg.as_encoded_bytes()).peekable();
    while let Some(arg) = args.next() {
        if arg == b"--" {
            break;
        }
        let takes_next = arg == b"--password"
            || (arg.len() >= 2
                && arg[0] == b'-'
                && arg[1] != b'-'
                && arg.ends_with(b"p")
                && !arg[1..arg.len() - 1]
                    .iter()
                    .any(|b| matches!(b, b'a' | b'C' | b'r' | b'p')));
        if takes_next
            && let Some(value) = args.peek()
            && names_an_option(value)
        {
            return Err(format!(
                "the value given to {} is one of htpass's option names (not repeated here); \
                 if you meant that option, give the password another way; \
                 if that really is the password, write it as --password=VALUE",
                if arg == b"--password" {
                    "--password"
                } else {
                    "-p"
                }
            ));
        }
    }
    Ok(())
}

/// `--wait`: whole or decimal seconds, 0 (do not wait) up to a day.
fn parse_wait(text: &str) -> Result<Duration, String> {
    const MAX_SECONDS: f64 = 86_400.0;
    match text.parse::<f64>() {
        Ok(seconds) if (0.0..=MAX_SECONDS).contains(&seconds) => {
            Ok(Duration::from_secs_f64(seconds))
        }
        _ => Err(format!(
            "not a number of seconds from 0 to {MAX_SECONDS}; use e.g. --wait 30"
        )),
    }
}

fn parse_cost(text: &str) -> Result<BcryptCost, String> {
    let cost = match parse_number(text) {
        Number::Value(value) => BcryptCost::new(value),
        Number::OutOfRange => Err(Error::CostOutOfRange {
            value: text.to_owned(),
        }),
        Number::Invalid => {
            let (min, max) = (BcryptCost::MIN, BcryptCost::MAX);
            return Err(format!("not a number; use a cost from {min} to {max}"));
        }
    };
    cost.map_err(|error| error.to_string())
}

fn parse_rounds(text: &str) -> Result<ShaRounds, String> {
    let rounds = match parse_number(text) {
        Number::Value(value) => ShaRounds::new(value),
        Number::OutOfRange => Err(Error::RoundsOutOfRange {
            value: text.to_owned(),
        }),
        Number::Invalid => {
            let (min, max) = (ShaRounds::MIN, ShaRounds::MAX);
            return Err(format!("not a number; use rounds from {min} to {max}"));
        }
    };
    rounds.map_err(|error| error.to_string())
}

enum Number {
    Value(u64),
    /// A number, but negative or beyond `u64`: out of any range we take.
    OutOfRange,
    /// Not a number at all.
    Invalid,
}

/// Parses a decimal number. Text that is a number but fits no `u64`
/// (negative, or too large) is out of range rather than "not a number", so
/// the message names the range whatever the size of the mistake.
fn parse_number(text: &str) -> Number {
    let digits = text.strip_prefix('-').unwrap_or(text);
    match text.parse::<u64>() {
        Ok(value) => Number::Value(value),
        Err(error) if *error.kind() == IntErrorKind::PosOverflow => Number::OutOfRange,
        Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            Number::OutOfRange
        }
        Err(_) => Number::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn password_values_are_found_in_every_form() {
        let found = password_values(&os(&[
            "add",
            "f",
            "u",
            "-pA",
            "-p",
            "B",
            "--password",
            "C",
            "--password=D",
            "--password-stdin=E",
            "--generate=F",
            "--password-env",
            "G",
            "--password-file=H",
            "-fp",
            "I",
            "-aplain",
            "--password-stdin",
            "--generate",
            "--password=",
            "--",
            "-pJ",
        ]));
        let expected: Vec<Vec<u8>> = ["A", "B", "C", "D", "E", "F", "G", "H", "I"]
            .iter()
            .map(|v| v.as_bytes().to_vec())
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn a_separate_password_value_that_names_an_option_is_refused() {
        for refused in [
            &["hash", "-p", "--password-env", "PW"][..],
            &["hash", "--password", "-a"],
            &["hash", "-p", "--generate=12"],
            &["create", "f", "u", "-fp", "--force"],
        ] {
            let message = refuse_option_as_password(&os(refused)).unwrap_err();
            assert!(message.contains("--password=VALUE"), "{refused:?}");
        }
        for allowed in [
            &["hash", "--password=--password-env"][..],
            &["hash", "-p--password-env"],
            &["hash", "-p", "-x"],
            &["hash", "-p", "--not-an-option"],
            &["hash", "-aplain", "--password-stdin"],
            &["add", "f", "--", "-p", "--help"],
        ] {
            assert_eq!(
                refuse_option_as_password(&os(allowed)),
                Ok(()),
                "{allowed:?}"
            );
        }
    }

    #[test]
    fn option_names_cover_every_command() {
        let names = option_names();
        for name in [
            "--password-env",
            "--generate",
            "--batch",
            "--for",
            "-p",
            "-C",
            "--help",
        ] {
            assert!(names.iter().any(|known| known == name), "{name}");
        }
    }

    #[test]
    fn cost_and_rounds_are_checked_by_the_library_ranges() {
        assert_eq!(parse_cost("4").unwrap().get(), 4);
        assert_eq!(parse_cost("31").unwrap().get(), 31);
        for bad in ["3", "32", "-1", "4294967300", "99999999999999999999999"] {
            let error = parse_cost(bad).unwrap_err();
            assert!(
                error.contains(&format!("cost {bad} is out of range")),
                "{error}"
            );
            assert!(error.contains("from 4 to 31"), "{error}");
        }
        for bad in ["x", "", "+", "1e3"] {
            let error = parse_cost(bad).unwrap_err();
            assert!(error.starts_with("not a number"), "{error}");
            assert!(error.contains("from 4 to 31"), "{error}");
        }
        assert_eq!(parse_rounds("1000").unwrap().get(), 1000);
        for bad in ["999", "1000000000", "18446744073709551616", "5k"] {
            let error = parse_rounds(bad).unwrap_err();
            assert!(error.contains("1000 to 999999999"), "{error}");
        }
    }
}
