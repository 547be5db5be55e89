//! SIGINT and SIGTERM end a run with exit 4, one message, and no file changed.
//!
//! A thread waits for the signals (signal-hook runs no code of ours inside
//! the handler). When one comes, [`crate::interrupt::request`] decides
//! under its lock: with no write under way the thread ends the process at
//! once; with a write under way the library abandons it before its rename
//! and the program ends through `main` with exit 4; once the change is made,
//! the signal is ignored and the run finishes with the change's success.
//!
//! Exactly one message, every time. Two things can want to end a run: this
//! thread, and `main` with a failure of its own. Whichever takes the *last
//! word* first ([`conclude`] for `main`) prints the one message and ends the
//! process; the other stays silent. And Ctrl-C at a prompt is one event,
//! not two: rpassword reads the terminal with ISIG off, so it sees Ctrl-C as
//! a character, ends the prompt's line, raises SIGINT *at its own process*
//! and returns an "interrupted" error. That signal is left to the prompt's
//! caller, which ends the run through `main`; this thread ends runs for
//! signals from elsewhere (the terminal driver, `kill`, a supervisor). It
//! then ends the line of an open prompt (or of a typed `^C`) first, and
//! gives the terminal back the settings it had before the prompt.
//!
//! What it must never do: print twice, end a run while `main` prints its
//! own last word, or touch the terminal's settings when no prompt of ours
//! changed them (a pager reading the same terminal owns them then).
//!
//! Two more signal matters are settled here, for the same reason (one place
//! that installs signal handlers): SIGXFSZ is caught, so that a file size
//! limit (`ulimit -f`) makes the write fail with a clear error instead of
//! killing the process; and the test hook `HTPASS_TEST_STOP_AT` is read.

use std::fs::File;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rustix::termios::{OptionalActions, Termios, tcgetattr, tcsetattr};
use signal_hook::consts::{SIGINT, SIGSTOP, SIGTERM, SIGXFSZ};
use signal_hook::iterator::SignalsInfo;
use signal_hook::iterator::exfiltrator::WithRawSiginfo;

use crate::frontend::Exit;
use crate::interrupt::{self, Disposition};
use crate::store::{self, Phase};

/// Whether someone has taken the last word (see [`conclude`]).
static LAST_WORD_TAKEN: AtomicBool = AtomicBool::new(false);

/// Where an open prompt of ours waits, if one does ([`Prompt`]).
static PROMPT: AtomicU8 = AtomicU8::new(NO_PROMPT);
const NO_PROMPT: u8 = 0;
const PROMPT_ON_TERMINAL: u8 = 1;
const PROMPT_ON_STDERR: u8 = 2;

/// Starts watching for SIGINT and SIGTERM for the rest of the run. `prefix`
/// starts the one line said on stderr (e.g. `htpass` or Apache's `argv[0]`).
/// If the signals cannot be caught, they keep their default effect.
pub fn watch(prefix: String) {
    // A write past RLIMIT_FSIZE raises SIGXFSZ, whose default kills the
    // process (and leaves its temporary file). Caught, the write fails with
    // EFBIG, which the library reports, FILE unchanged.
    let _ = signal_hook::flag::register(SIGXFSZ, Arc::new(AtomicBool::new(false)));
    stop_at_test_phase();
    let terminal = saved_terminal();
    let Ok(mut signals) = SignalsInfo::<WithRawSiginfo>::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        for info in signals.forever() {
            let disposition = interrupt::request();
            INTERRUPT_HANDLED.store(true, Ordering::SeqCst);
            if disposition != Disposition::EndNow || raised_by_a_prompt(&info) {
                continue;
            }
            if LAST_WORD_TAKEN.swap(true, Ordering::SeqCst) {
                // `main` is saying its last word and ending the run.
                continue;
            }
            end_interrupted(&prefix, &info, terminal.as_ref());
        }
    });
}

/// Takes the last word for `main`: call it once the run's outcome is known,
/// before saying it (a failure's message) and returning the exit code. From
/// then on a signal is only noted. If the watching thread took the last word
/// first, it is ending the process with its message and exit 4, and this
/// never returns: `main` must not add a second message or another code.
pub fn conclude() {
    if LAST_WORD_TAKEN.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
}

/// An open prompt, from before its text is written until its line is ended
/// (Enter, Ctrl-C or Ctrl-D): a signal that ends the run meanwhile ends the
/// line first, and on a terminal restores the settings the prompt changed.
pub struct Prompt(());

impl Prompt {
    /// A prompt on the controlling terminal (rpassword's).
    pub fn on_terminal() -> Prompt {
        PROMPT.store(PROMPT_ON_TERMINAL, Ordering::SeqCst);
        Prompt(())
    }

    /// A prompt written on stderr, answered on standard input.
    pub fn on_stderr() -> Prompt {
        PROMPT.store(PROMPT_ON_STDERR, Ordering::SeqCst);
        Prompt(())
    }
}

impl Drop for Prompt {
    fn drop(&mut self) {
        PROMPT.store(NO_PROMPT, Ordering::SeqCst);
    }
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

/// Ends the run for a signal from outside: the prompt's line (or the
/// terminal's echoed `^C`) ended, the terminal as it was, one message, exit 4.
fn end_interrupted(prefix: &str, info: &libc::siginfo_t, terminal: Option<&(File, Termios)>) -> ! {
    let prompt = PROMPT.load(Ordering::SeqCst);
    if let Some((tty, settings)) = terminal {
        if prompt == PROMPT_ON_TERMINAL {
            // rpassword turned echo and ISIG off; it cannot restore them now.
            let _ = tcsetattr(tty, OptionalActions::Now, settings);
        }
        // A prompt waits after its text, and a Ctrl-C the terminal turned
        // into SIGINT was echoed as `^C`: either way the cursor is mid-line.
        if prompt == PROMPT_ON_TERMINAL || typed_at_the_terminal(info) {
            let _ = (&*tty).write_all(b"\n");
        }
    }
    let mut message = Vec::with_capacity(prefix.len() + 40);
    if prompt == PROMPT_ON_STDERR {
        message.push(b'\n');
    }
    message.extend_from_slice(prefix.as_bytes());
    message.extend_from_slice(b": interrupted; no file was changed\n");
    // One write, straight to the descriptor: `main` may hold std's stderr
    // lock (waiting on a full pipe, say), and the message must not be split.
    let _ = rustix::io::write(std::io::stderr(), &message);
    // The one exit outside `main`: the library said, under its lock, that no
    // write is under way and none can start, and `main` has not taken the
    // last word, so nothing is left half done or said twice.
    std::process::exit(i32::from(Exit::Interrupted.code()));
}

/// What `HTPASS_TEST_STOP_AT` and `HTPASS_TEST_AWAIT_INTERRUPT` ask for.
struct StopAt {
    phase: String,
    await_interrupt: bool,
}

static STOP_AT: OnceLock<StopAt> = OnceLock::new();
/// Whether the library has been told of a SIGINT or SIGTERM (set by the
/// watching thread once [`interrupt::request`] has returned).
static INTERRUPT_HANDLED: AtomicBool = AtomicBool::new(false);

/// **Test hook** for tests/crash.rs. When `HTPASS_TEST_STOP_AT` names a
/// [`Phase`] (`write`, `rename` or `replaced`), the process stops itself
/// (SIGSTOP) on reaching it, so that the test can kill or signal it at
/// exactly that moment and then continue it (SIGCONT) or not. With
/// `HTPASS_TEST_AWAIT_INTERRUPT` also set, the stopped update, once
/// continued, waits until a SIGINT or SIGTERM has been handed to the library:
/// the test's signal then deterministically lands at that phase. Unset, as
/// in every real run, nothing is installed and nothing is ever observed.
fn stop_at_test_phase() {
    let Some(phase) = std::env::var_os("HTPASS_TEST_STOP_AT") else {
        return;
    };
    let stop_at = StopAt {
        phase: phase.to_string_lossy().into_owned(),
        await_interrupt: std::env::var_os("HTPASS_TEST_AWAIT_INTERRUPT").is_some(),
    };
    if STOP_AT.set(stop_at).is_ok() {
        store::set_phase_observer(stop_if_named);
    }
}

fn stop_if_named(phase: Phase) {
    let Some(stop_at) = STOP_AT.get() else {
        return;
    };
    if stop_at.phase != phase.name() {
        return;
    }
    let _ = signal_hook::low_level::raise(SIGSTOP);
    while stop_at.await_interrupt && !INTERRUPT_HANDLED.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The controlling terminal and its settings before any prompt, if there is one.
fn saved_terminal() -> Option<(File, Termios)> {
    let tty = File::options()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    let settings = tcgetattr(&tty).ok()?;
    Some((tty, settings))
}
