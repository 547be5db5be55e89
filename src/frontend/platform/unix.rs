//! Unix: see [`super`] for the interface.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use rustix::termios::{OptionalActions, Termios, tcgetattr, tcsetattr};
use signal_hook::consts::{SIGINT, SIGSTOP, SIGTERM, SIGXFSZ};
use signal_hook::iterator::SignalsInfo;
use signal_hook::iterator::exfiltrator::WithRawSiginfo;

use super::Interrupt;

/// The controlling terminal, which rpassword prompts on.
pub const TERMINAL: &str = "/dev/tty";

/// Standard input as a path (Linux, macOS and the BSDs have it), so that a
/// regular file behind `<` is opened anew and can be read more than once.
pub const STANDARD_INPUT: &str = "/dev/stdin";

/// Whether Apache's htpasswd on this platform verifies a bare plain-text
/// entry: not on Unix, where APR hands what is not a known hash to
/// crypt(3) (compat spec D9).
pub const PLAIN_TEXT_VERIFIES: bool = false;

/// Calls `handle` on a thread of its own for each SIGINT and SIGTERM (a
/// thread waits for them: signal-hook runs no code of ours inside the
/// handler). If the signals cannot be caught, they keep their default
/// effect.
pub fn on_interrupt(mut handle: impl FnMut(Interrupt) + Send + 'static) {
    let Ok(mut signals) = SignalsInfo::<WithRawSiginfo>::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        for info in signals.forever() {
            handle(Interrupt {
                raised_by_a_prompt: raised_by_a_prompt(&info),
                typed_at_the_terminal: typed_at_the_terminal(&info),
            });
        }
    });
}

/// Whether a SIGINT came from a prompt reader of this process: rpassword
/// raises one (`raise`, which is `tgkill` to the calling thread: SI_TKILL)
/// when Ctrl-C is typed at it, and its caller reports it. `kill`, a
/// supervisor and the terminal driver send SI_USER or SI_KERNEL.
#[cfg(target_os = "linux")]
fn raised_by_a_prompt(info: &libc::siginfo_t) -> bool {
    info.si_signo == SIGINT && info.si_code == libc::SI_TKILL
}

/// Elsewhere the origin cannot be told without unsafe code: both may then
/// react, and the last word still lets only one of them speak.
#[cfg(not(target_os = "linux"))]
fn raised_by_a_prompt(_info: &libc::siginfo_t) -> bool {
    false
}

/// Whether the terminal driver sent the signal: a Ctrl-C typed while ISIG
/// was on, which the terminal echoed as `^C`, leaving the cursor mid-line.
#[cfg(target_os = "linux")]
fn typed_at_the_terminal(info: &libc::siginfo_t) -> bool {
    info.si_code == libc::SI_KERNEL
}

#[cfg(not(target_os = "linux"))]
fn typed_at_the_terminal(_info: &libc::siginfo_t) -> bool {
    false
}

/// A write past RLIMIT_FSIZE raises SIGXFSZ, whose default kills the
/// process (and leaves its temporary file). Caught, the write fails with
/// EFBIG, which the library reports, FILE unchanged.
pub fn survive_file_size_limit() {
    let _ = signal_hook::flag::register(SIGXFSZ, Arc::new(AtomicBool::new(false)));
}

/// The controlling terminal and its settings before any prompt.
pub struct Terminal {
    tty: File,
    settings: Termios,
}

impl Terminal {
    /// The controlling terminal as it is now, if there is one.
    pub fn save() -> Option<Terminal> {
        let tty = OpenOptions::new()
            .read(true)
            .write(true)
            .open(TERMINAL)
            .ok()?;
        let settings = tcgetattr(&tty).ok()?;
        Some(Terminal { tty, settings })
    }

    /// Gives back the settings a prompt changed (rpassword turns echo and
    /// ISIG off, and cannot restore them when the run ends under it).
    pub fn restore(&self) {
        let _ = tcsetattr(&self.tty, OptionalActions::Now, &self.settings);
    }

    /// Ends the line the cursor is on.
    pub fn end_line(&self) {
        let _ = (&self.tty).write_all(b"\n");
    }
}

/// Whether this process has a controlling terminal that rpassword can open.
pub fn terminal_opens() -> bool {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open(TERMINAL)
        .is_ok()
}

/// Rust's runtime reopens a closed standard input on `/dev/null` before
/// `main`, so "closed" and "`/dev/null`" cannot be told apart: both count.
pub fn stdin_is_null() -> bool {
    let Ok(fd) = io::stdin().as_fd().try_clone_to_owned() else {
        return true;
    };
    let Ok(stdin) = File::from(fd).metadata() else {
        return true;
    };
    let Ok(null) = std::fs::metadata("/dev/null") else {
        return false;
    };
    stdin.file_type().is_char_device() && stdin.rdev() == null.rdev()
}

/// Standard input, opened by its name.
pub fn open_standard_input() -> io::Result<File> {
    File::open(STANDARD_INPUT)
}

/// One write straight to the descriptor: `main` may hold std's stderr lock
/// (waiting on a full pipe, say), and the message must not be split.
pub fn write_stderr(message: &[u8]) {
    let _ = rustix::io::write(io::stderr(), message);
}

/// Stops the process (SIGSTOP) until a SIGCONT.
pub fn stop_self() {
    let _ = signal_hook::low_level::raise(SIGSTOP);
}
