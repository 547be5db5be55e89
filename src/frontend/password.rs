//! Where a password comes from: the terminal, standard input, an environment
//! variable, a file, the command line, or the OS random generator.
//!
//! Every buffer that holds a password is zeroizing and moved, never copied,
//! into a [`Password`]. The prompt goes through rpassword, which reads
//! `/dev/tty`, so standard input stays free for data. When no source is given
//! and nobody can be asked, [`PasswordSource::prompt`] fails at once rather
//! than wait on a standard input that nobody will write (contract, "Password
//! sources"). Nothing here prints a password, except the one report of a
//! generated password, which is its purpose.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;

use zeroize::Zeroizing;

use crate::error::Error;
use crate::frontend::failure::{CHECK_OPTIONS, Failure, SET_OPTIONS};
use crate::frontend::interrupt;
use crate::frontend::report;
use crate::secret::{Password, WipingReader};
use crate::username::Username;

/// The longest password line read from standard input or a file. A longer
/// "line" is almost always the wrong file, not a password.
pub const MAX_LINE_BYTES: usize = 4096;

/// The length of `--generate` without `=LEN`: 24 characters of 62 give 142
/// bits, and fit bcrypt's 72 bytes.
pub const DEFAULT_GENERATED_LENGTH: usize = 24;

/// The characters of a generated password: letters and digits only, so it
/// survives shells, YAML, URLs and `user:password` lines unquoted.
const GENERATED_ALPHABET: &[u8; 62] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A source of an existing password (for `verify`).
pub enum PasswordSource {
    /// Ask on the terminal, without echo.
    Prompt,
    /// `--password-stdin`: the first line of standard input.
    Stdin,
    /// `--password-env VAR`: the value of the variable, less one trailing
    /// `\n` or `\r\n`.
    Env(OsString),
    /// `--password-file PATH`: the first line of the file.
    File(PathBuf),
    /// `-p, --password VALUE`, visible to other users in `ps`; one trailing
    /// `\n` or `\r\n` already removed (see [`without_line_ending`]).
    Argument(Password),
}

/// A source of a password to set (`create`, `add`, `hash`).
pub enum NewPasswordSource {
    /// One of the sources of an existing password; a prompt asks twice.
    Given(PasswordSource),
    /// `--generate[=LEN]`: random letters and digits from the OS generator.
    Generate { length: usize },
}

/// Which options to name when no source is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Checking a password (`verify`): no `--generate`.
    Check,
    /// Setting a password: `--generate` is offered too.
    Set,
}

/// A password to set, and whether htpass made it up (then it must be shown once).
pub struct NewPassword {
    pub password: Password,
    pub generated: bool,
}

impl PasswordSource {
    /// The prompt, if there is somebody to ask: standard input must be a
    /// terminal (`echo pw | htpass add f u` forgot `--password-stdin`; it
    /// must not hang or prompt elsewhere) and the process must have a
    /// controlling terminal for rpassword to open.
    pub fn prompt(purpose: Purpose) -> Result<PasswordSource, Failure> {
        let options = match purpose {
            Purpose::Check => CHECK_OPTIONS,
            Purpose::Set => SET_OPTIONS,
        };
        if !io::stdin().is_terminal() {
            return Err(Failure::NoPasswordSource {
                reason: "standard input is not a terminal",
                options,
            });
        }
        if !controlling_terminal_opens() {
            return Err(Failure::NoPasswordSource {
                reason: "there is no terminal to prompt on",
                options,
            });
        }
        Ok(PasswordSource::Prompt)
    }

    /// What the source is, for messages (never the password).
    pub fn describe(&self) -> String {
        match self {
            PasswordSource::Prompt => "the prompt".to_owned(),
            PasswordSource::Stdin => "standard input (--password-stdin)".to_owned(),
            PasswordSource::Env(var) => format!(
                "the environment variable {} (--password-env)",
                var.to_string_lossy()
            ),
            PasswordSource::File(path) => {
                format!("the file {} (--password-file)", path.display())
            }
            PasswordSource::Argument(_) => "--password".to_owned(),
        }
    }

    /// Reads an existing password, asking once on a prompt.
    pub fn read(self, user: Option<&Username>) -> Result<Password, Failure> {
        let from = self.describe();
        match self {
            PasswordSource::Prompt => {
                prompt(&format!("Password{}: ", for_user(user)), CHECK_OPTIONS)
            }
            PasswordSource::Stdin => {
                // Through a wiping buffer larger than std's own, which it
                // then bypasses: std's stdin buffer is never wiped.
                let mut stdin = WipingReader::new(io::stdin().lock());
                first_line(&mut stdin, &from).map_err(|error| match error {
                    LineError::Io(error) => Failure::PasswordStdin(error),
                    LineError::Failure(failure) => failure,
                })
            }
            PasswordSource::Env(var) => match std::env::var_os(&var) {
                Some(value) => Ok(without_line_ending(value.into_encoded_bytes())),
                None => Err(Failure::PasswordEnvUnset),
            },
            PasswordSource::File(path) => {
                let read = File::open(&path)
                    .map_err(LineError::Io)
                    .and_then(|file| first_line_unbuffered(file, &from));
                read.map_err(|error| match error {
                    LineError::Io(source) => Failure::PasswordFile {
                        // Named only if something is there (see Failure).
                        path: std::fs::symlink_metadata(&path).is_ok().then_some(path),
                        source,
                    },
                    LineError::Failure(failure) => failure,
                })
            }
            PasswordSource::Argument(password) => {
                report::warning(
                    "--password puts the password on the command line, where other users of this machine can see it (ps, /proc); prefer --password-stdin, --password-env or --password-file",
                );
                Ok(password)
            }
        }
    }
}

impl NewPasswordSource {
    /// Reads or makes the password to set: a prompt asks twice and compares
    /// in constant time; an empty password is refused.
    pub fn read(self, user: Option<&Username>) -> Result<NewPassword, Failure> {
        let (password, generated, from) = match self {
            NewPasswordSource::Generate { length } => (generate(length)?, true, String::new()),
            NewPasswordSource::Given(PasswordSource::Prompt) => {
                let first = prompt(&format!("New password{}: ", for_user(user)), SET_OPTIONS)?;
                let second = prompt(
                    &format!("Re-type new password{}: ", for_user(user)),
                    SET_OPTIONS,
                )?;
                if !first.ct_eq(&second) {
                    return Err(Failure::PromptsDiffer);
                }
                (first, false, PasswordSource::Prompt.describe())
            }
            NewPasswordSource::Given(source) => {
                let from = source.describe();
                (source.read(user)?, false, from)
            }
        };
        if password.is_empty() {
            return Err(Failure::PasswordEmpty { from });
        }
        Ok(NewPassword {
            password,
            generated,
        })
    }
}

/// `bytes` without one trailing `\n` or `\r\n`, as every source gives a
/// password: a secret kept in a variable or an argument often carries the
/// newline of the file or command it came from (`PW=$(cat f)` does not,
/// `export PW="$(cat f; echo)"` or a Kubernetes secret mounted as env may),
/// and the first line of standard input or a file never includes it. Only
/// one: `pw\n\n` is `pw\n` from every source alike.
pub fn without_line_ending(mut bytes: Vec<u8>) -> Password {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    // Shortened in place, never reallocated: the Password wipes it all.
    Password::new(bytes)
}

/// ` for alice`, escaped for the terminal, or nothing.
fn for_user(user: Option<&Username>) -> String {
    user.map(|user| format!(" for {user}")).unwrap_or_default()
}

/// Whether this process has a controlling terminal that rpassword can open.
#[cfg(unix)]
fn controlling_terminal_opens() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
}

/// Elsewhere rpassword opens the console, which a terminal stdin implies.
#[cfg(not(unix))]
fn controlling_terminal_opens() -> bool {
    true
}

fn prompt(text: &str, options: &'static str) -> Result<Password, Failure> {
    match ask_terminal(text) {
        Ok(password) => Ok(password),
        // rpassword raised SIGINT too; the watching thread leaves it to us.
        Err(PromptEnd::Interrupted) => Err(Failure::Interrupted),
        Err(PromptEnd::NoPassword) => Err(Failure::PromptNoPassword { options }),
        Err(PromptEnd::Failed(error)) => Err(Failure::Prompt(error)),
    }
}

/// How a prompt on the terminal ended without a password.
#[derive(Debug)]
pub enum PromptEnd {
    /// Ctrl-C: the line is ended, and SIGINT was raised at this process,
    /// which the watching thread leaves to the caller (see
    /// [`crate::frontend::interrupt`]): the caller ends the run, exit 4.
    Interrupted,
    /// Ctrl-D on an empty answer: no password given. The line is ended.
    NoPassword,
    /// The terminal could not be read or written. The line is ended.
    Failed(io::Error),
}

/// Asks on the controlling terminal, without echo, through rpassword; the
/// one terminal prompt of both programs. Whatever the answer, the cursor is
/// left at the start of a line, so the next message is whole.
pub fn ask_terminal(text: &str) -> Result<Password, PromptEnd> {
    let answer = {
        let _open = interrupt::Prompt::on_terminal();
        rpassword::prompt_password(text)
    };
    match answer {
        // `into_bytes` moves the buffer: the Password owns and zeroizes it.
        // rpassword ended the line (it echoes the Enter).
        Ok(typed) => Ok(Password::new(typed.into_bytes())),
        // rpassword ended the line before it raised SIGINT.
        Err(error) if error.kind() == io::ErrorKind::Interrupted => Err(PromptEnd::Interrupted),
        // Ctrl-D: rpassword leaves the cursor after the prompt.
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => {
            end_terminal_line();
            Err(PromptEnd::NoPassword)
        }
        Err(error) => {
            end_terminal_line();
            Err(PromptEnd::Failed(error))
        }
    }
}

/// Ends the prompt's line on the terminal (where rpassword wrote it).
fn end_terminal_line() {
    if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open(TERMINAL) {
        let _ = tty.write_all(b"\n");
    }
}

/// The controlling terminal, as rpassword opens it.
#[cfg(unix)]
const TERMINAL: &str = "/dev/tty";
#[cfg(not(unix))]
const TERMINAL: &str = "CONOUT$";

enum LineError {
    Io(io::Error),
    Failure(Failure),
}

/// The first line of a buffered reader (standard input), without its `\n`
/// or `\r\n`.
fn first_line(reader: &mut dyn BufRead, from: &str) -> Result<Password, LineError> {
    let mut line = line_buffer();
    reader
        .take(line_limit())
        .read_until(b'\n', &mut line)
        .map_err(LineError::Io)?;
    finish_line(line, from)
}

/// The first line of a file, read straight into a zeroizing buffer (a
/// `BufReader` would keep a copy we cannot wipe).
fn first_line_unbuffered(file: File, from: &str) -> Result<Password, LineError> {
    let mut line = line_buffer();
    file.take(line_limit())
        .read_to_end(&mut line)
        .map_err(LineError::Io)?;
    if let Some(end) = line.iter().position(|&b| b == b'\n') {
        line.truncate(end + 1);
    }
    finish_line(line, from)
}

/// Room for the longest line and its `\r\n`, reserved up front so the buffer
/// never reallocates (which would leave an unwiped copy behind).
fn line_buffer() -> Zeroizing<Vec<u8>> {
    Zeroizing::new(Vec::with_capacity(MAX_LINE_BYTES + 2))
}

fn line_limit() -> u64 {
    // Widening a small constant: cannot truncate.
    (MAX_LINE_BYTES + 2) as u64
}

fn finish_line(mut line: Zeroizing<Vec<u8>>, from: &str) -> Result<Password, LineError> {
    if line.is_empty() {
        return Err(LineError::Failure(Failure::PasswordMissing {
            from: from.to_owned(),
        }));
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
    if line.len() > MAX_LINE_BYTES {
        return Err(LineError::Failure(Failure::PasswordLineTooLong {
            from: from.to_owned(),
            max: MAX_LINE_BYTES,
        }));
    }
    // Moves the Vec out (no copy); the emptied Zeroizing wrapper drops harmlessly.
    Ok(Password::new(std::mem::take(&mut *line)))
}

/// `length` letters and digits, each equally likely, from the OS generator.
pub fn generate(length: usize) -> Result<Password, Error> {
    let mut password = Zeroizing::new(Vec::with_capacity(length));
    let mut random = Zeroizing::new([0u8; 64]);
    while password.len() < length {
        getrandom::fill(&mut *random).map_err(|error| Error::Random(error.to_string()))?;
        for &byte in random.iter() {
            // 248 = 4 × 62: larger bytes are dropped, so no character is
            // more likely than another.
            if byte < 248 && password.len() < length {
                password.push(GENERATED_ALPHABET[usize::from(byte % 62)]);
            }
        }
    }
    Ok(Password::new(std::mem::take(&mut *password)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(input: &[u8]) -> Result<Vec<u8>, LineError> {
        first_line(&mut &input[..], "test").map(|password| password.as_bytes().to_vec())
    }

    #[test]
    fn first_line_drops_its_ending_and_the_rest() {
        assert_eq!(line_of(b"pw\nsecond\n").ok(), Some(b"pw".to_vec()));
        assert_eq!(line_of(b"pw\r\n").ok(), Some(b"pw".to_vec()));
        assert_eq!(line_of(b"pw").ok(), Some(b"pw".to_vec()));
        assert_eq!(line_of(b"\n").ok(), Some(Vec::new()));
        assert_eq!(line_of(b"a b\tc\r").ok(), Some(b"a b\tc\r".to_vec()));
    }

    #[test]
    fn one_line_ending_goes_as_from_every_source() {
        for (value, password) in [
            (&b"pw"[..], &b"pw"[..]),
            (b"pw\n", b"pw"),
            (b"pw\r\n", b"pw"),
            (b"pw\n\n", b"pw\n"),
            (b"pw\r", b"pw\r"),
            (b"\n", b""),
        ] {
            assert_eq!(without_line_ending(value.to_vec()).as_bytes(), password);
            // The first line of standard input or a file, alike.
            let read = line_of(value);
            if !value.is_empty() && !value[..value.len() - 1].contains(&b'\n') {
                assert_eq!(read.ok().as_deref(), Some(password), "{value:?}");
            }
        }
    }

    #[test]
    fn no_line_at_all_is_missing() {
        assert!(matches!(
            line_of(b""),
            Err(LineError::Failure(Failure::PasswordMissing { .. }))
        ));
    }

    #[test]
    fn an_overlong_line_is_refused() {
        let mut long = vec![b'x'; MAX_LINE_BYTES];
        assert!(line_of(&long).is_ok());
        long.extend_from_slice(b"\r\n");
        assert!(line_of(&long).is_ok());
        long.insert(0, b'x');
        assert!(matches!(
            line_of(&long),
            Err(LineError::Failure(Failure::PasswordLineTooLong { .. }))
        ));
    }

    #[test]
    fn generated_passwords_have_the_length_and_alphabet_and_differ() {
        let one = generate(DEFAULT_GENERATED_LENGTH).unwrap();
        let two = generate(DEFAULT_GENERATED_LENGTH).unwrap();
        assert_eq!(one.len(), DEFAULT_GENERATED_LENGTH);
        assert!(one.as_bytes().iter().all(u8::is_ascii_alphanumeric));
        assert!(!one.ct_eq(&two));
        assert_eq!(generate(200).unwrap().len(), 200);
    }

    #[test]
    fn sources_describe_themselves_without_the_password() {
        let argument = PasswordSource::Argument(Password::from("hunter2"));
        assert!(!argument.describe().contains("hunter2"));
        assert!(PasswordSource::Env("PW".into()).describe().contains("PW"));
    }
}
