//! SIGINT and SIGTERM end a run with exit 4 and no file changed.
//!
//! A thread waits for the signals (signal-hook runs no code of ours inside
//! the handler). When one comes, [`crate::interrupt::request`] decides
//! under its lock: with no write under way the thread puts the terminal's
//! echo back (a prompt may have turned it off) and ends the process at once;
//! with a write under way the library abandons it before its rename and the
//! program ends through `main` with exit 4; once the change is made, the
//! signal is ignored and the run finishes with the change's success.
//!
//! Two more signal matters are settled here, for the same reason (one place
//! that installs signal handlers): SIGXFSZ is caught, so that a file size
//! limit (`ulimit -f`) makes the write fail with a clear error instead of
//! killing the process; and the test hook `HTPASS_TEST_STOP_AT` is read.

use std::fs::File;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rustix::termios::{OptionalActions, Termios, tcgetattr, tcsetattr};
use signal_hook::consts::{SIGINT, SIGSTOP, SIGTERM, SIGXFSZ};
use signal_hook::iterator::Signals;

use crate::frontend::Exit;
use crate::interrupt::{self, Disposition};
use crate::store::{self, Phase};

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
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        for _ in signals.forever() {
            let disposition = interrupt::request();
            INTERRUPT_HANDLED.store(true, Ordering::SeqCst);
            if disposition == Disposition::EndNow {
                if let Some((tty, settings)) = &terminal {
                    let _ = tcsetattr(tty, OptionalActions::Now, settings);
                    let _ = (&*tty).write_all(b"\n");
                }
                let _ = std::io::stderr()
                    .write_all(format!("{prefix}: interrupted; no file was changed\n").as_bytes());
                // The one exit outside `main`: the library said, under its
                // lock, that no write is under way and none can start, so
                // nothing is left half done.
                std::process::exit(i32::from(Exit::Interrupted.code()));
            }
        }
    });
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
