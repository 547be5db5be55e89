//! [`Error`]: one variant per thing that can go wrong, each naming what to fix.
//!
//! Errors carry paths, line numbers and (escaped) user names, never a password
//! or a hash. Front-ends map them to exit codes in one place.

use std::io;
use std::path::PathBuf;

use crate::render::Unfit;

/// Everything the library can refuse or fail at.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the user name is empty; give a name of 1 to 255 bytes")]
    UsernameEmpty,
    #[error("the user name is {len} bytes long; the limit is 255")]
    UsernameTooLong { len: usize },
    #[error("the user name {reason}; choose a name without it")]
    UsernameIllegal { reason: &'static str },
    /// A new name holding a character a person cannot see
    /// ([`crate::username::is_invisible`]).
    #[error(
        "the user name contains {}, which a person cannot see; type the name again without it (such characters come with text copied from web pages and documents)",
        crate::username::describe(*character)
    )]
    UsernameInvisible { character: char },
    /// A name looked up (`verify`, `delete`) that no line of a file can hold.
    #[error("no user can have this name: it {reason}; `htpass list FILE` shows the users of FILE")]
    UsernameNeverInFile { reason: &'static str },

    #[error("bcrypt cost {value} is out of range; use a cost from 4 to 31")]
    CostOutOfRange { value: String },
    #[error("rounds {value} is out of range; use rounds from 1000 to 999999999")]
    RoundsOutOfRange { value: String },
    #[error(
        "the password is {len} bytes long, but bcrypt uses only the first 72 bytes; use a shorter password"
    )]
    PasswordTooLongForBcrypt { len: usize },
    #[error(
        "the password is {len} bytes long, but the system crypt(3) through which nginx and Apache httpd verify yescrypt refuses passwords of 512 bytes or more; use a shorter password"
    )]
    PasswordTooLongForYescrypt { len: usize },
    #[error(
        "the password contains a NUL byte, where servers end a password (bcrypt would ignore the rest); give a password without NUL bytes"
    )]
    PasswordContainsNul,

    #[error("the operating system's random generator failed: {0}")]
    Random(String),

    #[error("{path}: no such file; create it with `htpass create` or `htpass add`")]
    FileNotFound { path: PathBuf },
    #[error("{path}: the file already exists; use --force to replace it")]
    FileExists { path: PathBuf },
    #[error("{path}: {action}: {source}")]
    FileAccess {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: io::Error,
    },
    #[error(
        "{path}: line {line} is neither an entry (user:hash), a comment nor blank, so this is not an htpasswd file; check the path, or fix that line (the file was left unchanged)"
    )]
    InvalidFile { path: PathBuf, line: u64 },

    #[error("interrupted; no file was changed")]
    Interrupted,
    #[error(
        "{path}: another process still held the lock after {seconds} s (--wait {seconds}), \
         so nothing was changed; run again once it is done, or give --wait more seconds"
    )]
    LockTimeout { path: PathBuf, seconds: f64 },
    /// An in-place rewrite failed half way; the recovery copy is whole.
    #[error(
        "{path}: the in-place rewrite failed ({source}), so the file is incomplete; its whole \
         new version is in {recovery}, which the next htpass or htpasswd run that changes the \
         file writes back (or copy it over the file yourself)"
    )]
    InPlaceIncomplete {
        path: PathBuf,
        recovery: PathBuf,
        #[source]
        source: io::Error,
    },

    /// A password htpass made up could not be shown: stored, it would lock
    /// its user out, so the change that would store it is abandoned.
    #[error(
        "{}cannot show the generated password on {stream}: {source}; {}; run again with {stream} going to a terminal or a file, or {alternative}",
        path.as_ref().map(|path| format!("{}: ", path.display())).unwrap_or_default(),
        if path.is_some() { "the file was left unchanged" } else { "it was not used" }
    )]
    GeneratedPasswordNotShown {
        /// The file that would have stored it (none for `hash`).
        path: Option<PathBuf>,
        /// `standard error` or `standard output`.
        stream: &'static str,
        /// The other way to get it, e.g. `leave out --format json ...`.
        alternative: &'static str,
        #[source]
        source: io::Error,
    },

    #[error("user {user} not found")]
    UserNotFound { user: String },
    #[error("user {user} already exists; leave out --no-update to change the password")]
    UserExists { user: String },

    /// A batch line that cannot be added; nothing is written.
    #[error(
        "{source_name}, line {line}: {problem}; fix that line and run again (nothing was written)"
    )]
    BatchLine {
        source_name: String,
        line: u64,
        #[source]
        problem: Box<Error>,
    },
    #[error("no ':' between user and password (write user:password)")]
    BatchNoColon,
    #[error("the password is empty")]
    BatchEmptyPassword,
    #[error("the line is longer than {max} bytes")]
    BatchLineTooLong { max: usize },
    #[error("user {user} is also on line {first_line}; give each user once")]
    BatchDuplicateUser { user: String, first_line: u64 },
    #[error("a plain-text password cannot contain a carriage return")]
    BatchPlainLineBreak,
    #[error("{source_name} holds no user:password lines; write one a line")]
    BatchEmpty { source_name: String },

    /// A name, key or value of `--format k8s-secret` that the API server
    /// would refuse; `option` is the command-line option that gave it.
    #[error("{option}: the {what} \"{value}\" is not allowed by Kubernetes; {rule}")]
    InvalidSecretField {
        option: &'static str,
        what: &'static str,
        value: String,
        rule: &'static str,
    },
    #[error(
        "--annotation: the annotations would hold {len} bytes, but Kubernetes takes at most {max} in all (keys and values); shorten them"
    )]
    AnnotationsTooLarge { len: usize, max: usize },
    /// An entry of FILE that the output format cannot carry.
    #[error("{path}: line {line}: {unfit}; {advice}", advice = .unfit.in_file)]
    EntryUnfit {
        path: PathBuf,
        line: u64,
        unfit: Unfit,
    },
    /// A user named on the command line that the output format cannot carry.
    #[error("user {user}: {unfit}; {advice}", advice = .unfit.in_argument)]
    UserUnfit { user: String, unfit: Unfit },
    /// With `-a plain` the "hash" is the password itself, so only it can
    /// hold what the format cannot carry; never shown.
    #[error(
        "{unfit}; with -a plain the hash is the password itself: leave out -a plain to hash it"
    )]
    PlainHashUnfit { unfit: Unfit },
    #[error(
        "the Secret would hold {len} bytes, but Kubernetes takes at most {max}; split the users over several files"
    )]
    SecretTooLarge { len: usize, max: usize },

    // Group files (`htpass group`, `--groups`): see `crate::group`.
    /// A group name being written that Apache would read as another.
    #[error("the group name {reason}; choose a name without it")]
    GroupNameIllegal { reason: &'static str },
    #[error(
        "the group name contains {}, which a person cannot see; type the name again without it",
        crate::username::describe(*character)
    )]
    GroupNameInvisible { character: char },
    /// A group name looked up that no line of a group file can hold.
    #[error(
        "no group can have this name: it {reason}; `htpass group list GROUPFILE` shows the groups"
    )]
    GroupNameNeverInFile { reason: &'static str },
    /// A member being added that Apache would not read back as this user.
    #[error("user {user} cannot be written as a group member: the name {reason}")]
    GroupMemberIllegal { user: String, reason: &'static str },
    #[error(
        "{path}: no such group file; `htpass group add {path} GROUP USER` creates it (check the path)"
    )]
    GroupFileNotFound { path: PathBuf },
    #[error("no group {group} in {path}; `htpass group list {path}` shows its groups")]
    GroupNotFound { path: PathBuf, group: String },
    /// A line of a group file that Apache would not read as it looks; the
    /// file is left as it is.
    #[error("{path}: line {line} {problem} (the file was left unchanged)")]
    InvalidGroupFile {
        path: PathBuf,
        line: u64,
        problem: &'static str,
    },
    /// A change that would make a group line longer than Apache reads.
    #[error(
        "{path}: line {line} would be {len} bytes long, more than the 16777215 bytes Apache reads \
         (it would ignore that line and every line after it); move some members to a second line \
         of the group by hand (Apache takes the lines of a group together), then run again \
         (the file was left unchanged)"
    )]
    GroupLineTooLong {
        path: PathBuf,
        line: u64,
        len: usize,
    },

    /// `-a` (or its default) makes hashes the destination cannot verify.
    #[error("{destination}: {why}, so {given} hashes would not work there; use -a {needed}")]
    AlgorithmUnfit {
        destination: &'static str,
        why: &'static str,
        given: &'static str,
        needed: &'static str,
    },

    /// `--reuse-from` names something that is neither an htpasswd file nor
    /// a Kubernetes Secret.
    #[error(
        "{source_name}: neither an htpasswd file nor a Kubernetes Secret (line {line} is not user:hash, a comment or blank); give --reuse-from the file, or what `kubectl get secret NAME -o yaml` prints"
    )]
    ReuseUnrecognised { source_name: String, line: u64 },
    #[error(
        "{source_name}: a Kubernetes {kind}, not a Secret; give --reuse-from one Secret, as `kubectl get secret NAME -o yaml` prints it"
    )]
    ReuseNotASecret { source_name: String, kind: String },
    #[error(
        "{source_name}: holds {count} Secrets; give --reuse-from one, as `kubectl get secret NAME -o yaml` prints it"
    )]
    ReuseManySecrets { source_name: String, count: usize },
    #[error(
        "{source_name}: the Secret has no data key \"{key}\" (it has: {keys}); name the key with --secret-key or --for, or leave out --reuse-from once to start afresh"
    )]
    ReuseSecretKeyMissing {
        source_name: String,
        key: String,
        keys: String,
    },
    #[error(
        "{source_name}: the Secret's data key \"{key}\" is not base64; give --reuse-from the Secret as kubectl prints it"
    )]
    ReuseSecretNotBase64 { source_name: String, key: String },
    #[error(
        "{source_name}: more than {max} bytes, too much for a Secret or the file it holds; check what --reuse-from names"
    )]
    ReuseSourceTooLarge { source_name: String, max: usize },
}
