//! SIGINT and SIGTERM end a run with exit 4 and no file changed.
//!
//! A thread waits for the signals (signal-hook runs no code of ours inside
//! the handler). When one comes, [`htpass::interrupt::request`] decides
//! under its lock: with no write under way the thread puts the terminal's
//! echo back (a prompt may have turned it off) and ends the process at once;
//! with a write under way the library abandons it before its rename and the
//! program ends through `main` with exit 4.

use std::fs::File;
use std::io::Write;

use rustix::termios::{OptionalActions, Termios, tcgetattr, tcsetattr};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::frontend::Exit;
use crate::interrupt::{self, Disposition};

/// Starts watching for SIGINT and SIGTERM for the rest of the run. `prefix`
/// starts the one line said on stderr (e.g. `htpass` or Apache's `argv[0]`).
/// If the signals cannot be caught, they keep their default effect.
pub fn watch(prefix: String) {
    let terminal = saved_terminal();
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        for _ in signals.forever() {
            if interrupt::request() == Disposition::EndNow {
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
