//! Windows: see [`super`] for the interface.
//!
//! Ctrl-C and Ctrl-Break are console events: `ctrlc` registers a console
//! control handler and calls ours on a thread of its own, as the signal
//! thread does on Unix. (signal-hook's C-runtime `signal` handlers are not
//! used: under Wine's msvcrt the first Ctrl-C crashed the process, a page
//! fault at address 2, which is `SIG_GET`.) rpassword reads
//! the console with Ctrl-C processing off and raises the event itself when
//! Ctrl-C is typed at a prompt, after restoring the console's mode; a
//! console mode it left changed when the run ended under it cannot be
//! given back without `unsafe` code, and the shell resets it at its next
//! prompt.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::windows::io::AsHandle;

use super::Interrupt;

/// The console, which rpassword prompts on (it reads `CONIN$`).
pub const TERMINAL: &str = "CONOUT$";

/// `-` stays `-`: Windows has no name for standard input, which
/// [`open_standard_input`] opens instead.
pub const STANDARD_INPUT: &str = "-";

/// Whether Apache's htpasswd on this platform verifies a bare plain-text
/// entry: on Windows it does (APR has no crypt(3) there and compares what
/// is not a known hash as plain text), and does not warn about `-p`.
pub const PLAIN_TEXT_VERIFIES: bool = true;

/// Calls `handle` on a thread of its own for each Ctrl-C and Ctrl-Break.
/// If they cannot be caught, they keep their default effect (the process
/// ends, exit 0xC000013A).
pub fn on_interrupt(mut handle: impl FnMut(Interrupt) + Send + 'static) {
    let _ = ctrlc::set_handler(move || handle(Interrupt::default()));
}

/// Windows has no file size limit signal.
pub fn survive_file_size_limit() {}

/// The console, for ending a prompt's line.
pub struct Terminal {
    console: File,
}

impl Terminal {
    pub fn save() -> Option<Terminal> {
        let console = OpenOptions::new().write(true).open(TERMINAL).ok()?;
        Some(Terminal { console })
    }

    /// Nothing: see the module doc.
    pub fn restore(&self) {}

    pub fn end_line(&self) {
        let _ = (&self.console).write_all(b"\n");
    }
}

/// Whether there is a console that rpassword can open.
pub fn terminal_opens() -> bool {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open("CONIN$")
        .is_ok()
}

/// Standard input that can carry nothing: none at all (a process started
/// without one). The null device cannot be told from a console without
/// `unsafe` code: reading it gives an empty password, refused as such.
pub fn stdin_is_null() -> bool {
    io::stdin().as_handle().try_clone_to_owned().is_err()
}

/// Standard input as a file: its handle, duplicated.
pub fn open_standard_input() -> io::Result<File> {
    Ok(File::from(io::stdin().as_handle().try_clone_to_owned()?))
}

/// One write through a duplicate of stderr's handle: `main` may hold std's
/// stderr lock, and the message must not be split.
pub fn write_stderr(message: &[u8]) {
    if let Ok(handle) = io::stderr().as_handle().try_clone_to_owned() {
        let _ = File::from(handle).write_all(message);
    }
}

/// Nothing: the crash tests that stop a run at a phase are Unix's.
pub fn stop_self() {}
