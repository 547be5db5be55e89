//! The per-platform part of the front-ends: signals and Ctrl-C, the
//! terminal, standard input. One file per platform (`unix.rs`,
//! `windows.rs`), each behind the same functions; nothing else in the
//! front-ends says `cfg(unix)` or `cfg(windows)`.
//!
//! What it must never do: decide what an interrupt means or what to print
//! (that is [`super::interrupt`]'s job), or use `unsafe`.
//!
//! | item | what it does |
//! |---|---|
//! | `on_interrupt` | calls a function, on a thread of its own, for each request to stop (SIGINT, SIGTERM; Ctrl-C, Ctrl-Break) |
//! | `Interrupt` | what is known of one: raised by a prompt reader of this process, typed at the terminal |
//! | `survive_file_size_limit` | a write past `ulimit -f` fails instead of killing the process |
//! | `Terminal` | the terminal as it was before any prompt: restored, and its line ended, when a run is interrupted |
//! | `terminal_opens`, `TERMINAL` | whether there is a terminal to prompt on, and its name |
//! | `stdin_is_null` | standard input that can carry nothing (closed, or the null device) |
//! | `STANDARD_INPUT`, `open_standard_input` | `-` as FILE: its name, and standard input as a file |
//! | `write_stderr` | one unbuffered write to stderr, whoever holds std's lock on it |
//! | `stop_self` | the crash tests' stop (SIGSTOP) |
//! | `PLAIN_TEXT_VERIFIES` | whether Apache's htpasswd verifies bare plain text here (Windows: yes) |

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::*;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

/// What is known of a request to stop.
#[derive(Clone, Copy, Debug, Default)]
pub struct Interrupt {
    /// A prompt reader of this process raised it (rpassword does on
    /// Ctrl-C): the prompt's caller reports it.
    pub raised_by_a_prompt: bool,
    /// The terminal turned a typed Ctrl-C into it and echoed `^C`, leaving
    /// the cursor mid-line.
    pub typed_at_the_terminal: bool,
}
