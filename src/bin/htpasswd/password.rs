//! Obtaining the password as Apache's htpasswd does (compat spec §4), with
//! D15 and D16 fixed (§12).
//!
//! - `-b`: the argument (its length is checked with the other arguments).
//! - `-i`: all of standard input, at most 255 bytes, one `\n` (and a `\r`
//!   before it) removed, cut at a NUL.
//! - otherwise a prompt: on the controlling terminal without echo when there
//!   is one (through rpassword, so stdin stays untouched), else on stderr
//!   with one line read from stdin. Ctrl-C there ends the run with exit 4
//!   (D23), Ctrl-D or the end of standard input with "no password given",
//!   exit 3 (D15); either message on a line of its own.
//!
//! What it must never do: return an empty password for input that ended
//! before anything was typed (D15), or keep a password in a buffer that is
//! not zeroized when it drops (std's own stdin buffer aside, which holds the
//! prompt's answers without a terminal: the two answers are two reads).

use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};

use htpass::Password;
use htpass::frontend::interrupt;
use htpass::frontend::password::{PromptEnd, ask_terminal};
use htpass::secret::WipingReader;
use zeroize::Zeroizing;

use crate::fatal::{Fatal, Prog, code};
use crate::messages;

/// The longest password `-b` and `-i` accept (D17: Apache's limits, kept).
pub const MAX_ARGUMENT_BYTES: usize = 255;
/// The longest answer the prompt accepts.
pub const MAX_PROMPT_BYTES: usize = 256;

/// Who is asking: verify mode prints its messages without the prefix.
#[derive(Clone, Copy)]
pub struct Asker<'p> {
    pub prog: &'p Prog,
    pub verify: bool,
}

impl Asker<'_> {
    pub fn fatal(&self, code: u8, text: &str) -> Fatal {
        if self.verify {
            Fatal::bare(code, format!("{text}\n"))
        } else {
            self.prog.fatal(code, &[text.as_bytes()])
        }
    }
}

/// `-b`: the argument's bytes.
pub fn from_argument(argument: &OsStr) -> Password {
    Password::new(argument.as_bytes().to_vec())
}

/// `-i` (§4.2).
pub fn from_stdin(asker: Asker<'_>) -> Result<Password, Fatal> {
    let unreadable = || asker.fatal(code::GENERAL, messages::STDIN_UNREADABLE);
    if stdin_is_closed() {
        return Err(unreadable());
    }
    // One more byte than allowed, reserved up front so the buffer never
    // reallocates (a reallocation would leave an unwiped copy).
    let mut input = Zeroizing::new(Vec::with_capacity(MAX_ARGUMENT_BYTES + 1));
    // Read once, so through a wiping buffer larger than std's own stdin
    // buffer, which it then bypasses (std's is never wiped).
    WipingReader::new(io::stdin().lock())
        .take((MAX_ARGUMENT_BYTES + 1) as u64) // a small constant: widening
        .read_to_end(&mut input)
        .map_err(|_| unreadable())?;
    if input.len() > MAX_ARGUMENT_BYTES {
        return Err(asker.fatal(code::TOO_LONG, messages::PASSWORD_TOO_LONG_255));
    }
    // Apache handles the input as a C string: a NUL ends it, and the line
    // ending is looked for at the end of what is left.
    if let Some(nul) = input.iter().position(|&b| b == 0) {
        input.truncate(nul);
    }
    if input.last() == Some(&b'\n') {
        input.pop();
        if input.last() == Some(&b'\r') {
            input.pop();
        }
    }
    Ok(Password::new(std::mem::take(&mut *input)))
}

/// Rust's runtime reopens a closed standard input on `/dev/null` before
/// `main`, so "closed" and "`/dev/null`" cannot be told apart: both count as
/// a standard input that cannot be read (D16), since neither can carry a
/// password.
fn stdin_is_closed() -> bool {
    let Ok(fd) = io::stdin().as_fd().try_clone_to_owned() else {
        return true;
    };
    let Ok(stdin) = File::from(fd).metadata() else {
        return true;
    };
    let Ok(null) = fs::metadata("/dev/null") else {
        return false;
    };
    stdin.file_type().is_char_device() && stdin.rdev() == null.rdev()
}

/// A new password by prompt: asked twice, compared in constant time (§4.3).
pub fn prompt_new(asker: Asker<'_>) -> Result<Password, Fatal> {
    let first = prompt_line(asker, messages::PROMPT_NEW)?;
    if first.len() > MAX_PROMPT_BYTES {
        return Err(asker.fatal(code::TOO_LONG, messages::PASSWORD_TOO_LONG_256));
    }
    let second = prompt_line(asker, messages::PROMPT_RETYPE)?;
    // Apache cuts the second answer to the limit before comparing.
    let second = Password::from(&second.as_bytes()[..second.len().min(MAX_PROMPT_BYTES)]);
    if !first.ct_eq(&second) {
        return Err(asker.fatal(code::PASSWORD, messages::PASSWORDS_DIFFER));
    }
    Ok(first)
}

/// The password to verify, by prompt: asked once.
pub fn prompt_existing(asker: Asker<'_>) -> Result<Password, Fatal> {
    let answer = prompt_line(asker, messages::PROMPT_VERIFY)?;
    if answer.len() > MAX_PROMPT_BYTES {
        return Err(asker.fatal(code::TOO_LONG, messages::PASSWORD_TOO_LONG_256));
    }
    Ok(answer)
}

/// One answer: from the terminal if there is one, else from stdin. Apache's
/// `getpass` answer is a C string, so a NUL ends it (the rest of the line is
/// read and dropped).
fn prompt_line(asker: Asker<'_>, prompt: &str) -> Result<Password, Fatal> {
    // Our own messages (D15, D23): prefixed in every mode, whole lines.
    let ours = |code: u8, text: &str| asker.prog.fatal(code, &[text.as_bytes()]);
    if has_terminal() {
        return match ask_terminal(prompt) {
            Ok(typed) => Ok(until_nul(typed)),
            // rpassword raised SIGINT too; the watching thread leaves it to us.
            Err(PromptEnd::Interrupted) => Err(ours(code::INTERRUPTED, messages::INTERRUPTED)),
            Err(PromptEnd::NoPassword) => Err(ours(code::PASSWORD, messages::PROMPT_ENDED)),
            Err(PromptEnd::Failed(error)) => Err(asker.fatal(
                code::GENERAL,
                &format!("cannot read the password from the terminal: {error}"),
            )),
        };
    }
    // No terminal: the prompt goes to stderr, without a newline after it.
    let open = interrupt::Prompt::on_stderr();
    let _ = io::stderr().write_all(prompt.as_bytes());
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_PROMPT_BYTES + 2));
    let mut stdin = io::stdin().lock();
    // Never more than a few bytes over the limit are kept: a longer answer
    // is refused (the first) or cut (the second) anyway.
    let read = (&mut stdin)
        .take((MAX_PROMPT_BYTES + 2) as u64) // a small constant: widening
        .read_until(b'\n', &mut line);
    drop(open);
    match read {
        Ok(0) | Err(_) => {
            // The message goes on a line of its own, not after the prompt.
            let mut message = b"\n".to_vec();
            message.extend_from_slice(&ours(code::PASSWORD, messages::PROMPT_NO_LINE).message);
            return Err(Fatal::bare(code::PASSWORD, message));
        }
        Ok(_) => {}
    }
    // Only the `\n` goes: a `\r` before it is part of the password (§4.3).
    if line.last() == Some(&b'\n') {
        line.pop();
    } else if line.contains(&0) {
        // What is cut off after a NUL must not become the next answer.
        let _ = stdin.skip_until(b'\n');
    }
    Ok(until_nul(Password::new(std::mem::take(&mut *line))))
}

/// The password up to its first NUL byte, as C reads it.
fn until_nul(password: Password) -> Password {
    match password.as_bytes().iter().position(|&b| b == 0) {
        // Copied into a new Password; the old one wipes itself as it drops.
        Some(nul) => Password::from(&password.as_bytes()[..nul]),
        None => password,
    }
}

/// Whether the process has a controlling terminal to prompt on.
fn has_terminal() -> bool {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
}
