//! Where output goes: messages for people on stderr, data on stdout.
//!
//! Errors read `htpass: what went wrong; what to do`, warnings
//! `htpass: warning: ...`, and notes (what was done) are plain lines. Writing
//! to stderr never fails a run. A closed stdout (`htpass list f | head -1`) is
//! not an error: [`Stdout`] stops writing and the run ends as it would have.
//! Nothing here formats a password unless it is handed one on purpose (the
//! `--generate` report).

use std::fmt::Display;
use std::io::{self, BufWriter, StdoutLock, Write};
use std::sync::OnceLock;

use zeroize::Zeroizing;

use crate::frontend::failure::Failure;
use crate::secret::Password;
use crate::store::{self, LockWait, Notice};
use crate::username::Username;

/// The name in front of errors and warnings.
pub const PROGRAM: &str = "htpass";

/// Prints `htpass: FAILURE` on stderr.
pub fn failure(failure: &Failure) {
    stderr_line(format_args!("{PROGRAM}: {failure}"));
}

/// Prints `htpass: warning: MESSAGE` on stderr.
pub fn warning(message: impl Display) {
    stderr_line(format_args!("{PROGRAM}: warning: {message}"));
}

/// The prefix of the store's notices: `htpass`, or the drop-in's `argv[0]`.
static STORE_PREFIX: OnceLock<String> = OnceLock::new();

/// Lets the library's store tell the user, as `PREFIX: ...` lines on
/// stderr, what it does that they should know of (a wait for another
/// process's lock, an in-place rewrite, a repair), and sets how long it
/// waits for a lock.
pub fn configure_store(prefix: String, lock_wait: LockWait) {
    let _ = STORE_PREFIX.set(prefix);
    store::configure(store::Settings {
        lock_wait,
        notice: store_notice,
    });
}

fn store_notice(notice: &Notice<'_>) {
    let prefix = STORE_PREFIX.get().map_or(PROGRAM, String::as_str);
    stderr_line(format_args!("{prefix}: {notice}"));
}

/// Prints a note on what was done (`deleted user bob`) on stderr.
pub fn note(message: impl Display) {
    stderr_line(format_args!("{message}"));
}

/// A line on stderr, in one write: stderr is unbuffered, and `writeln!`
/// would write each piece on its own, so that another writer (the interrupt
/// thread, another process on the same terminal) could land in the middle.
/// A failed write is ignored: there is nowhere left to report it, and
/// `eprintln!` would panic instead.
fn stderr_line(line: std::fmt::Arguments<'_>) {
    let mut text = line.to_string();
    text.push('\n');
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Standard output for data, buffered, treating a closed pipe as "stop".
pub struct Stdout {
    out: BufWriter<StdoutLock<'static>>,
    closed: bool,
}

impl Stdout {
    pub fn new() -> Stdout {
        Stdout {
            out: BufWriter::new(io::stdout().lock()),
            closed: false,
        }
    }

    /// Writes `bytes`; after the reader has gone, silently writes nothing.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        if self.closed {
            return Ok(());
        }
        let written = self.out.write_all(bytes);
        self.settle(written)
    }

    /// Whether the reader of stdout has gone away (a producer may stop early).
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Flushes what is buffered; call at the end (dropping would lose errors).
    pub fn flush(&mut self) -> Result<(), Failure> {
        if self.closed {
            return Ok(());
        }
        let flushed = self.out.flush();
        self.settle(flushed)
    }

    fn settle(&mut self, result: io::Result<()>) -> Result<(), Failure> {
        match result {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(error) => Err(Failure::Stdout(error)),
        }
    }
}

impl Default for Stdout {
    fn default() -> Stdout {
        Stdout::new()
    }
}

/// Shows a password htpass made up, once, on stderr:
/// `generated password for USER: PASSWORD`, in one write from a zeroizing
/// buffer (stderr is unbuffered, so std keeps no other copy). An error means
/// the password was not shown, and must then not be stored.
pub fn generated_password(user: Option<&Username>, password: &Password) -> io::Result<()> {
    let intro = match user {
        Some(user) => format!("generated password for {user}: "),
        None => "generated password: ".to_owned(),
    };
    let mut line = Zeroizing::new(Vec::with_capacity(intro.len() + password.len() + 1));
    line.extend_from_slice(intro.as_bytes());
    line.extend_from_slice(password.as_bytes());
    line.push(b'\n');
    let mut stderr = io::stderr().lock();
    stderr.write_all(&line)?;
    stderr.flush()
}
