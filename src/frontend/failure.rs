//! [`Failure`]: every way a run of a front-end can end without success.
//!
//! It wraps the library's [`Error`] and adds what only a front-end can get
//! wrong: password sources, the terminal, standard output, and the answers of
//! `verify` and `delete` that are not errors to the library. Each message says
//! what went wrong and what to do next. None holds a password or a hash; user
//! names are escaped for the terminal before they get here. The exit code of
//! each variant is decided in one place, [`crate::frontend::exit`].

use std::io;
use std::path::PathBuf;

use crate::error::Error;

/// The options that give a password, as named in messages.
pub const CHECK_OPTIONS: &str =
    "--password-stdin, --password-env VAR, --password-file PATH or --password VALUE";
/// The options that give a password to set, as named in messages.
pub const SET_OPTIONS: &str =
    "--password-stdin, --password-env VAR, --password-file PATH, --password VALUE or --generate";

/// Why a run failed. Displayed after `htpass: ` on stderr.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Anything the library refused or failed at.
    #[error(transparent)]
    Library(#[from] Error),

    /// Options that clap accepts one by one but not together.
    #[error("{0}")]
    Usage(String),

    /// No source given and nobody to prompt: failing beats waiting on a
    /// standard input that nobody will write.
    #[error("no password given and {reason}, so there is nobody to ask; give one of {options}")]
    NoPasswordSource {
        reason: &'static str,
        options: &'static str,
    },
    /// The name is not repeated: a password given in its place
    /// (`--password-env "$PW"`) would otherwise reach the log.
    #[error(
        "the environment variable named by --password-env is not set (its name is not repeated here, in case a password was given in its place); set it, or choose another password source"
    )]
    PasswordEnvUnset,
    /// The path is named only if something is there: a password given in
    /// its place (`--password-file "$PW"`) names nothing.
    #[error(
        "{}cannot read the password file (from --password-file): {source}; check the path, or choose another password source",
        path.as_ref().map(|path| format!("{}: ", path.display())).unwrap_or_default()
    )]
    PasswordFile {
        path: Option<PathBuf>,
        #[source]
        source: io::Error,
    },
    #[error("cannot read the password from standard input (--password-stdin): {0}")]
    PasswordStdin(#[source] io::Error),
    /// The source ended before any byte: nothing was written to it.
    #[error(
        "{from} holds no password: it is empty; write the password followed by a newline to it"
    )]
    PasswordMissing { from: String },
    /// An empty password is refused when setting: it is almost always a
    /// missing secret (CI systems expand an unset secret to ""), and it lets
    /// in anyone who knows the user name.
    #[error(
        "the password from {from} is empty; an empty password lets in anyone who knows the user name, so give a non-empty one"
    )]
    PasswordEmpty { from: String },
    #[error(
        "the password from {from} is longer than {max} bytes; give the password on a line of its own"
    )]
    PasswordLineTooLong { from: String, max: usize },
    #[error(
        "the two passwords typed differ; run the command again and type the same password twice"
    )]
    PromptsDiffer,
    #[error(
        "cannot ask for the password on the terminal: {0}; give the password with {CHECK_OPTIONS}"
    )]
    Prompt(#[source] io::Error),
    /// Ctrl-D at the prompt: the answer ended before a password was typed.
    #[error(
        "no password given: input ended (Ctrl-D) at the prompt; run again and type the password, or give it with {options}"
    )]
    PromptNoPassword { options: &'static str },
    #[error("interrupted; no file was changed")]
    Interrupted,

    #[error("the password does not match the one stored for user {user}")]
    Mismatch { user: String },
    /// A bare plain-text entry, checked without `--allow-plain`.
    #[error(
        "the password does not match for user {user} as servers check it: the entry is plain text, which Apache on Linux, nginx and the Docker registry reject; pass --allow-plain to compare it as plain text, or store a hash with `htpass add`"
    )]
    PlainNotAllowed { user: String },
    /// A stored hash of a scheme htpass verifies, in a shape nothing can
    /// verify (`hash::inspect`): no password is to blame.
    #[error(
        "{path}: the stored entry of user {user} is malformed ({scheme} hash: {defect}), so no password can be checked against it (`htpass check {path}` says which servers refuse it); set a new password with `htpass add {path} {user}`"
    )]
    MalformedEntry {
        path: PathBuf,
        user: String,
        scheme: &'static str,
        defect: String,
    },
    /// A stored hash of a scheme htpass recognises and cannot verify.
    #[error(
        "{path}: the stored entry of user {user} uses {scheme}, a scheme htpass cannot verify ({servers}); to check it with htpass, set a new password with `htpass add {path} {user}`"
    )]
    UnsupportedEntry {
        path: PathBuf,
        user: String,
        scheme: &'static str,
        /// Who does verify it, if anyone.
        servers: String,
    },
    #[error("{path}: user {user} not found; see the users with `htpass list {path}`")]
    UserNotFound { path: PathBuf, user: String },
    /// `delete` of users that are not in the file (and no `--ignore-missing`).
    #[error(
        "{path}: {} not found, so nothing was deleted; check the names with `htpass list {path}`, or pass --ignore-missing to delete the others",
        users_phrase(users)
    )]
    UsersNotFound { path: PathBuf, users: Vec<String> },

    /// `delete --groups`: FILE was changed, then the group file could not be.
    #[error("{0}")]
    GroupsNotUpdated(Box<GroupsNotUpdated>),

    /// `check` found errors (or, with `--strict`, warnings); the findings
    /// themselves are already on stdout, as lines or in the JSON object.
    #[error(
        "the check failed with {} and {}; fix what it lists{}",
        count(*errors, "error"),
        count(*warnings, "warning"),
        if *errors == 0 { " (warnings fail because of --strict)" } else { "" }
    )]
    CheckFailed { errors: usize, warnings: usize },

    /// `sync --check`: FILE differs from the declared state; what differs
    /// is already reported, one line per user (or in the JSON object).
    #[error(
        "{path}: not in the declared state ({added} to add, {updated} to update, {removed} to remove); nothing was changed; run the same htpass sync without --check to apply it"
    )]
    NotInDeclaredState {
        path: PathBuf,
        added: usize,
        updated: usize,
        removed: usize,
    },

    /// Standard output failed for a reason other than a closed pipe.
    #[error("cannot write to standard output: {0}")]
    Stdout(#[source] io::Error),
}

/// What [`Failure::GroupsNotUpdated`] says: which file changed, which did
/// not and why, and `rerun`, the command that finishes the job.
#[derive(Debug, thiserror::Error)]
#[error(
    "{path} was changed ({} deleted), but {groups} was not: {}; \
     to take them off its groups too, run: {rerun}",
    users.join(", "),
    // The interrupt's own words ("no file was changed") would be untrue.
    if matches!(source, Error::Interrupted) { "interrupted before it was".to_owned() } else { source.to_string() },
    path = path.display(),
    groups = groups.display()
)]
pub struct GroupsNotUpdated {
    pub path: PathBuf,
    pub groups: PathBuf,
    pub users: Vec<String>,
    pub rerun: String,
    #[source]
    pub source: Error,
}

/// `1 error`, `2 errors`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn users_phrase(users: &[String]) -> String {
    match users {
        [one] => format!("user {one}"),
        many => format!("users {}", many.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_users_are_named() {
        let one = Failure::UsersNotFound {
            path: "f".into(),
            users: vec!["bob".into()],
        };
        assert!(
            one.to_string().starts_with("f: user bob not found"),
            "{one}"
        );
        let two = Failure::UsersNotFound {
            path: "f".into(),
            users: vec!["bob".into(), "carol".into()],
        };
        assert!(
            two.to_string().contains("users bob, carol not found"),
            "{two}"
        );
    }

    #[test]
    fn a_group_file_left_unchanged_after_file_changed_is_said_so() {
        let failure = |source| {
            Failure::GroupsNotUpdated(Box::new(GroupsNotUpdated {
                path: "users".into(),
                groups: "groups".into(),
                users: vec!["bob".into()],
                rerun: "htpass delete users bob --groups groups --ignore-missing".into(),
                source,
            }))
            .to_string()
        };
        let interrupted = failure(Error::Interrupted);
        assert!(
            interrupted.starts_with(
                "users was changed (bob deleted), but groups was not: interrupted before it was;"
            ),
            "{interrupted}"
        );
        assert!(
            !interrupted.contains("no file was changed"),
            "{interrupted}"
        );
        assert!(interrupted.ends_with("--ignore-missing"), "{interrupted}");
    }

    #[test]
    fn no_source_names_every_option() {
        let failure = Failure::NoPasswordSource {
            reason: "standard input is not a terminal",
            options: SET_OPTIONS,
        };
        let text = failure.to_string();
        for option in [
            "--password-stdin",
            "--password-env",
            "--password-file",
            "--password",
            "--generate",
        ] {
            assert!(text.contains(option), "{text}");
        }
    }
}
