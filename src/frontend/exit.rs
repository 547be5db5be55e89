//! [`Exit`]: the exit codes of both programs, and the one mapping from what
//! went wrong to a code.
//!
//! The codes keep Apache htpasswd's meanings (contract, "Exit codes"), so a
//! script written against one program reads the other the same way. Every
//! match here is exhaustive on purpose: a new error variant does not compile
//! until someone decides its code.

use std::process::ExitCode;

use crate::error::Error;
use crate::frontend::failure::Failure;

/// How a run ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: done.
    Success,
    /// 1: a file could not be read, written, found or created.
    FileAccess,
    /// 2: the command line is wrong (also clap's own code).
    Usage,
    /// 3: the password does not match, or hashing failed.
    Mismatch,
    /// 4: interrupted (SIGINT or SIGTERM); no file was changed.
    Interrupted,
    /// 5: a value is too long (user name over 255 bytes, bcrypt password over 72).
    TooLong,
    /// 6: the user name is not allowed, or the user is not in the file.
    BadUser,
    /// 7: the file is not a valid htpasswd file.
    InvalidFile,
    /// 8: `htpass sync --check` only: the file is not in the declared state.
    Drift,
}

impl Exit {
    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::FileAccess => 1,
            Exit::Usage => 2,
            Exit::Mismatch => 3,
            Exit::Interrupted => 4,
            Exit::TooLong => 5,
            Exit::BadUser => 6,
            Exit::InvalidFile => 7,
            Exit::Drift => 8,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

impl From<&Error> for Exit {
    fn from(error: &Error) -> Exit {
        match error {
            Error::UsernameEmpty
            | Error::UsernameIllegal { .. }
            | Error::UsernameInvisible { .. }
            | Error::UsernameNeverInFile { .. } => Exit::BadUser,
            Error::UsernameTooLong { .. } => Exit::TooLong,
            Error::CostOutOfRange { .. } | Error::RoundsOutOfRange { .. } => Exit::Usage,
            Error::PasswordTooLongForBcrypt { .. } | Error::PasswordTooLongForYescrypt { .. } => {
                Exit::TooLong
            }
            Error::PasswordContainsNul => Exit::Usage,
            Error::Random(_) => Exit::Mismatch,
            Error::FileNotFound { .. }
            | Error::FileExists { .. }
            | Error::FileAccess { .. }
            | Error::LockTimeout { .. }
            | Error::InPlaceIncomplete { .. } => Exit::FileAccess,
            Error::InvalidFile { .. } => Exit::InvalidFile,
            Error::UserNotFound { .. } => Exit::BadUser,
            // `add --no-update` of a present user: Apache's "file access" code.
            Error::UserExists { .. } => Exit::FileAccess,
            Error::Interrupted => Exit::Interrupted,
            // Like any output that could not be written (Failure::Stdout).
            Error::GeneratedPasswordNotShown { .. } => Exit::FileAccess,
            // A batch line ends as its problem would on the command line.
            Error::BatchLine { problem, .. } => Exit::from(problem.as_ref()),
            Error::BatchNoColon
            | Error::BatchEmptyPassword
            | Error::BatchDuplicateUser { .. }
            | Error::BatchPlainLineBreak
            | Error::BatchEmpty { .. }
            | Error::InvalidSecretField { .. }
            | Error::AnnotationsTooLarge { .. } => Exit::Usage,
            // FILE holds an entry the format cannot carry: a content
            // problem of a line, as `check --for` reports it (7).
            Error::EntryUnfit { .. } => Exit::InvalidFile,
            // A name from the command line: not allowed there, as `a:b` (6).
            Error::UserUnfit { .. } => Exit::BadUser,
            // A command-line choice (-a plain) that cannot go with the format.
            Error::PlainHashUnfit { .. } | Error::AlgorithmUnfit { .. } => Exit::Usage,
            // --reuse-from names something that is not an htpasswd file or a
            // Secret holding one: an invalid file, as for FILE itself.
            Error::ReuseUnrecognised { .. }
            | Error::ReuseNotASecret { .. }
            | Error::ReuseManySecrets { .. }
            | Error::ReuseSecretKeyMissing { .. }
            | Error::ReuseSecretNotBase64 { .. } => Exit::InvalidFile,
            Error::ReuseSourceTooLarge { .. } => Exit::TooLong,
            Error::BatchLineTooLong { .. } | Error::SecretTooLarge { .. } => Exit::TooLong,
            // Group files: a name as a user name (6), a missing group as a
            // missing user (6), a file Apache would misread as an htpasswd
            // file that is not one (7), a line too long as a value (5).
            Error::GroupNameIllegal { .. }
            | Error::GroupNameInvisible { .. }
            | Error::GroupNameNeverInFile { .. }
            | Error::GroupMemberIllegal { .. }
            | Error::GroupNotFound { .. } => Exit::BadUser,
            Error::GroupFileNotFound { .. } => Exit::FileAccess,
            Error::InvalidGroupFile { .. } => Exit::InvalidFile,
            Error::GroupLineTooLong { .. } => Exit::TooLong,
        }
    }
}

impl From<&Failure> for Exit {
    fn from(failure: &Failure) -> Exit {
        match failure {
            Failure::Library(error) => Exit::from(error),
            Failure::Usage(_)
            | Failure::NoPasswordSource { .. }
            | Failure::PasswordEnvUnset
            | Failure::PasswordMissing { .. }
            | Failure::PromptNoPassword { .. }
            | Failure::PasswordEmpty { .. } => Exit::Usage,
            Failure::PasswordFile { .. }
            | Failure::PasswordStdin(_)
            | Failure::Prompt(_)
            | Failure::Stdout(_) => Exit::FileAccess,
            Failure::PasswordLineTooLong { .. } => Exit::TooLong,
            // Apache exits 3 when the two prompts differ, as for a mismatch.
            // A stored entry nothing can verify is a failure of the
            // verification, not of the file (which stays a valid htpasswd
            // file): 3, as Apache's `htpasswd -v` answers it.
            Failure::PromptsDiffer
            | Failure::Mismatch { .. }
            | Failure::PlainNotAllowed { .. }
            | Failure::MalformedEntry { .. }
            | Failure::UnsupportedEntry { .. } => Exit::Mismatch,
            Failure::Interrupted => Exit::Interrupted,
            Failure::UserNotFound { .. } | Failure::UsersNotFound { .. } => Exit::BadUser,
            Failure::CheckFailed { .. } => Exit::InvalidFile,
            // The second file's update failed as its error says.
            Failure::GroupsNotUpdated(failed) => Exit::from(&failed.source),
            Failure::NotInDeclaredState { .. } => Exit::Drift,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::*;
    use crate::frontend::failure::{GroupsNotUpdated, SET_OPTIONS};

    fn io_error() -> io::Error {
        io::Error::from(io::ErrorKind::PermissionDenied)
    }

    #[test]
    fn codes_are_apaches() {
        let codes: Vec<u8> = [
            Exit::Success,
            Exit::FileAccess,
            Exit::Usage,
            Exit::Mismatch,
            Exit::Interrupted,
            Exit::TooLong,
            Exit::BadUser,
            Exit::InvalidFile,
            Exit::Drift,
        ]
        .into_iter()
        .map(Exit::code)
        .collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn code_1_file_access() {
        for error in [
            Error::FileNotFound { path: "f".into() },
            Error::FileExists { path: "f".into() },
            Error::FileAccess {
                path: "f".into(),
                action: "read",
                source: io_error(),
            },
            Error::UserExists {
                user: "alice".into(),
            },
            Error::GeneratedPasswordNotShown {
                path: Some("f".into()),
                stream: "standard error",
                alternative: "use --format json",
                source: io_error(),
            },
            Error::LockTimeout {
                path: "f".into(),
                seconds: 1.0,
            },
            Error::InPlaceIncomplete {
                path: "f".into(),
                recovery: ".f.htpass-recovery".into(),
                source: io_error(),
            },
        ] {
            assert_eq!(Exit::from(&error), Exit::FileAccess, "{error}");
        }
        for failure in [
            Failure::PasswordFile {
                path: Some("p".into()),
                source: io_error(),
            },
            Failure::PasswordStdin(io_error()),
            Failure::Prompt(io_error()),
            Failure::Stdout(io_error()),
        ] {
            assert_eq!(Exit::from(&failure), Exit::FileAccess, "{failure}");
        }
    }

    #[test]
    fn code_2_usage() {
        for error in [
            Error::CostOutOfRange { value: "32".into() },
            Error::RoundsOutOfRange {
                value: "999".into(),
            },
            Error::PasswordContainsNul,
        ] {
            assert_eq!(Exit::from(&error), Exit::Usage, "{error}");
        }
        for failure in [
            Failure::Usage("x".into()),
            Failure::NoPasswordSource {
                reason: "r",
                options: SET_OPTIONS,
            },
            Failure::PasswordEnvUnset,
            Failure::PasswordMissing { from: "f".into() },
            Failure::PromptNoPassword {
                options: SET_OPTIONS,
            },
            Failure::PasswordEmpty { from: "f".into() },
        ] {
            assert_eq!(Exit::from(&failure), Exit::Usage, "{failure}");
        }
    }

    #[test]
    fn code_3_mismatch_or_hashing_failure() {
        assert_eq!(Exit::from(&Error::Random("gone".into())), Exit::Mismatch);
        for failure in [
            Failure::PromptsDiffer,
            Failure::Mismatch { user: "a".into() },
            Failure::PlainNotAllowed { user: "a".into() },
            Failure::MalformedEntry {
                path: "f".into(),
                user: "a".into(),
                scheme: "bcrypt",
                defect: "its cost is not two digits from 04 to 31".into(),
            },
            Failure::UnsupportedEntry {
                path: "f".into(),
                user: "a".into(),
                scheme: "{SSHA256} (salted SHA-256)",
                servers: "no server that reads htpasswd files verifies it either".into(),
            },
        ] {
            assert_eq!(Exit::from(&failure), Exit::Mismatch, "{failure}");
        }
    }

    #[test]
    fn batch_lines_and_secrets() {
        let line = |problem: Error| Error::BatchLine {
            source_name: "standard input".into(),
            line: 2,
            problem: Box::new(problem),
        };
        for (error, exit) in [
            (line(Error::BatchNoColon), Exit::Usage),
            (line(Error::BatchEmptyPassword), Exit::Usage),
            (line(Error::BatchPlainLineBreak), Exit::Usage),
            (
                line(Error::BatchDuplicateUser {
                    user: "a".into(),
                    first_line: 1,
                }),
                Exit::Usage,
            ),
            (line(Error::BatchLineTooLong { max: 1 }), Exit::TooLong),
            (line(Error::UsernameIllegal { reason: "r" }), Exit::BadUser),
            (
                line(Error::UsernameInvisible {
                    character: '\u{feff}',
                }),
                Exit::BadUser,
            ),
            (line(Error::UsernameTooLong { len: 256 }), Exit::TooLong),
            (
                line(Error::PasswordTooLongForBcrypt { len: 73 }),
                Exit::TooLong,
            ),
            (
                Error::BatchEmpty {
                    source_name: "s".into(),
                },
                Exit::Usage,
            ),
            (
                Error::InvalidSecretField {
                    option: "--label",
                    what: "key",
                    value: "A".into(),
                    rule: "r",
                },
                Exit::Usage,
            ),
            (Error::AnnotationsTooLarge { len: 2, max: 1 }, Exit::Usage),
            (Error::SecretTooLarge { len: 2, max: 1 }, Exit::TooLong),
        ] {
            assert_eq!(Exit::from(&error), exit, "{error}");
        }
    }

    #[test]
    fn code_4_interrupted() {
        assert_eq!(Exit::from(&Failure::Interrupted), Exit::Interrupted);
    }

    #[test]
    fn code_5_too_long() {
        assert_eq!(
            Exit::from(&Error::UsernameTooLong { len: 256 }),
            Exit::TooLong
        );
        assert_eq!(
            Exit::from(&Error::PasswordTooLongForBcrypt { len: 73 }),
            Exit::TooLong
        );
        assert_eq!(
            Exit::from(&Error::PasswordTooLongForYescrypt { len: 512 }),
            Exit::TooLong
        );
        assert_eq!(
            Exit::from(&Failure::PasswordLineTooLong {
                from: "f".into(),
                max: 1
            }),
            Exit::TooLong
        );
    }

    #[test]
    fn code_6_bad_user_or_not_found() {
        for error in [
            Error::UsernameEmpty,
            Error::UsernameIllegal { reason: "r" },
            Error::UsernameInvisible {
                character: '\u{200b}',
            },
            Error::UsernameNeverInFile { reason: "r" },
            Error::UserNotFound { user: "a".into() },
        ] {
            assert_eq!(Exit::from(&error), Exit::BadUser, "{error}");
        }
        for failure in [
            Failure::UserNotFound {
                path: "f".into(),
                user: "a".into(),
            },
            Failure::UsersNotFound {
                path: "f".into(),
                users: vec!["a".into()],
            },
        ] {
            assert_eq!(Exit::from(&failure), Exit::BadUser, "{failure}");
        }
    }

    #[test]
    fn check_findings_are_code_7() {
        assert_eq!(
            Exit::from(&Failure::CheckFailed {
                errors: 1,
                warnings: 0
            }),
            Exit::InvalidFile
        );
    }

    #[test]
    fn code_7_invalid_file() {
        let error = Error::InvalidFile {
            path: "f".into(),
            line: 3,
        };
        assert_eq!(Exit::from(&error), Exit::InvalidFile);
        assert_eq!(Exit::from(&Failure::from(error)), Exit::InvalidFile);
    }

    /// An entry a format cannot carry: 7 when a line of FILE holds it (the
    /// file's content, as `check --for` finds it), 6 when the user was named
    /// on the command line (a name not allowed, as `a:b`).
    #[test]
    fn entries_a_format_cannot_carry_are_7_in_a_file_and_6_as_an_argument() {
        let unfit = crate::render::compose_user(b"a,b").unwrap_err();
        let in_file = Error::EntryUnfit {
            path: "f".into(),
            line: 3,
            unfit,
        };
        assert_eq!(Exit::from(&in_file), Exit::InvalidFile);
        let named = Error::UserUnfit {
            user: "a,b".into(),
            unfit,
        };
        assert_eq!(Exit::from(&named), Exit::BadUser);
        assert_eq!(Exit::from(&Error::PlainHashUnfit { unfit }), Exit::Usage);
        let algorithm = Error::AlgorithmUnfit {
            destination: "--for envoy-gateway",
            why: "Envoy checks only {SHA}",
            given: "bcrypt",
            needed: "sha1",
        };
        assert_eq!(Exit::from(&algorithm), Exit::Usage);
    }

    /// A --reuse-from source that is neither an htpasswd file nor a Secret
    /// holding one is an invalid file (7); one too large to be either, 5.
    #[test]
    fn reuse_sources_that_are_not_files_or_secrets_are_7() {
        let name = || "SOURCE".to_owned();
        for error in [
            Error::ReuseUnrecognised {
                source_name: name(),
                line: 2,
            },
            Error::ReuseNotASecret {
                source_name: name(),
                kind: "ConfigMap".into(),
            },
            Error::ReuseManySecrets {
                source_name: name(),
                count: 2,
            },
            Error::ReuseSecretKeyMissing {
                source_name: name(),
                key: "auth".into(),
                keys: "users".into(),
            },
            Error::ReuseSecretNotBase64 {
                source_name: name(),
                key: "auth".into(),
            },
        ] {
            assert_eq!(Exit::from(&error), Exit::InvalidFile, "{error}");
        }
        let large = Error::ReuseSourceTooLarge {
            source_name: name(),
            max: 1,
        };
        assert_eq!(Exit::from(&large), Exit::TooLong);
    }

    /// `sync --check` on a file that is not in the declared state: a code
    /// of its own, so a pipeline tells drift from a broken file (7).
    #[test]
    fn code_8_not_in_the_declared_state() {
        let failure = Failure::NotInDeclaredState {
            path: "f".into(),
            added: 1,
            updated: 0,
            removed: 2,
        };
        assert_eq!(Exit::from(&failure), Exit::Drift);
        assert_eq!(Exit::Drift.code(), 8);
    }

    #[test]
    fn group_files() {
        for (error, exit) in [
            (Error::GroupNameIllegal { reason: "r" }, Exit::BadUser),
            (
                Error::GroupNameInvisible {
                    character: '\u{200b}',
                },
                Exit::BadUser,
            ),
            (Error::GroupNameNeverInFile { reason: "r" }, Exit::BadUser),
            (
                Error::GroupMemberIllegal {
                    user: "a b".into(),
                    reason: "r",
                },
                Exit::BadUser,
            ),
            (
                Error::GroupNotFound {
                    path: "g".into(),
                    group: "pusher".into(),
                },
                Exit::BadUser,
            ),
            (
                Error::GroupFileNotFound { path: "g".into() },
                Exit::FileAccess,
            ),
            (
                Error::InvalidGroupFile {
                    path: "g".into(),
                    line: 2,
                    problem: "p",
                },
                Exit::InvalidFile,
            ),
            (
                Error::GroupLineTooLong {
                    path: "g".into(),
                    line: 1,
                    len: 16_777_216,
                },
                Exit::TooLong,
            ),
        ] {
            assert_eq!(Exit::from(&error), exit, "{error}");
        }
        let second_file_failed = |source| {
            Failure::GroupsNotUpdated(Box::new(GroupsNotUpdated {
                path: "f".into(),
                groups: "g".into(),
                users: vec!["bob".into()],
                rerun: "htpass delete f bob --groups g --ignore-missing".into(),
                source,
            }))
        };
        assert_eq!(
            Exit::from(&second_file_failed(Error::LockTimeout {
                path: "g".into(),
                seconds: 1.0
            })),
            Exit::FileAccess
        );
        assert_eq!(
            Exit::from(&second_file_failed(Error::InvalidGroupFile {
                path: "g".into(),
                line: 1,
                problem: "p"
            })),
            Exit::InvalidFile
        );
    }

    #[test]
    fn code_0_success_converts_to_a_process_status() {
        assert_eq!(ExitCode::from(Exit::Success), ExitCode::SUCCESS);
    }
}
