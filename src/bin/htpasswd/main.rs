//! `htpasswd`: a drop-in for Apache httpd 2.4's htpasswd over the htpass
//! library. The behaviour is specified in `spec/htpasswd-compat.md`; the
//! defects of Apache's that we fix are listed in the README.

mod args;
mod fatal;
mod messages;
mod password;
mod run;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<_> = std::env::args_os().collect();
    // Apache's prefix: argv[0] as typed.
    let prefix = argv
        .first()
        .map_or_else(|| "htpasswd".into(), |a| a.to_string_lossy().into_owned());
    htpass::frontend::interrupt::watch(prefix.clone());
    // Apache's htpasswd never gives up on a lock (it takes none): wait.
    htpass::frontend::report::configure_store(prefix, htpass::store::LockWait::Forever);
    let outcome = run::run(&argv);
    // One last word (see `interrupt::conclude`).
    htpass::frontend::interrupt::conclude();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(fatal) => {
            // Nowhere to report a failure to write to stderr.
            let _ = std::io::stderr().write_all(&fatal.message);
            ExitCode::from(fatal.code)
        }
    }
}
