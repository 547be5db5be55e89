//! `htpass`: create, update and check Apache htpasswd files, with clap
//! subcommands for scripts, CI and people (the contract: `cli.md`).
//!
//! `main` is the only place the process ends: every command returns, and the
//! one mapping in `htpass::frontend::exit` turns what went wrong into a code.

mod cli;
mod cmd;
mod config;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use htpass::frontend::{Exit, interrupt, report};

use crate::cli::Cli;
use crate::config::Config;

fn main() -> ExitCode {
    run()
}

fn run() -> ExitCode {
    interrupt::watch("htpass".to_owned());
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            interrupt::conclude();
            // clap's own form: usage errors exit 2, --help and --version 0.
            if is_stray_word(&error) {
                let _ = std::io::stderr().write_all(unexpected_argument(&error).as_bytes());
            } else {
                let _ = error.print();
            }
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    let outcome = Config::from_cli(cli).and_then(cmd::run);
    // One last word: a signal from now on no longer ends the run with its
    // own message, and if one already is, this waits for it.
    interrupt::conclude();
    match outcome {
        Ok(()) => Exit::Success.into(),
        Err(failure) => {
            report::failure(&failure);
            Exit::from(&failure).into()
        }
    }
}

/// Whether clap refuses a word that is not an option name: the commonest
/// one is a password put where `htpasswd -b` takes it (`htpass add FILE USER
/// PASSWORD`), and CI logs keep stderr. An unknown option (`-P`,
/// `--pasword`) is only a name, and clap's message may suggest the right one.
fn is_stray_word(error: &clap::Error) -> bool {
    error.kind() == ErrorKind::UnknownArgument
        && !matches!(
            error.get(ContextKind::InvalidArg),
            Some(ContextValue::String(arg)) if is_option_name(arg)
        )
}

/// `-X`, or `--name` in lower case with digits and dashes.
fn is_option_name(arg: &str) -> bool {
    let bytes = arg.as_bytes();
    match bytes {
        [b'-', letter] => letter.is_ascii_alphanumeric(),
        [b'-', b'-', first, rest @ ..] => {
            first.is_ascii_lowercase()
                && rest
                    .iter()
                    .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }
        _ => false,
    }
}

/// clap's message for an unexpected argument, without the argument; the
/// usage lines stay.
fn unexpected_argument(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let mut message = String::with_capacity(rendered.len());
    let mut blank = false;
    for line in rendered.lines() {
        let line = if line.starts_with("error:") {
            "error: unexpected argument found (not repeated here, as it may be a password)"
        } else if line.trim_start().starts_with("tip:") {
            // clap's tips repeat the argument.
            continue;
        } else {
            line
        };
        // Dropping a tip would leave two blank lines in a row.
        if line.is_empty() && blank {
            continue;
        }
        blank = line.is_empty();
        message.push_str(line);
        message.push('\n');
    }
    message
}
