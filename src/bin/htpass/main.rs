//! `htpass`: create, update and check Apache htpasswd files, with clap
//! subcommands for scripts, CI and people (the contract: `cli.md`).
//!
//! `main` is the only place the process ends: every command returns, and the
//! one mapping in `htpass::frontend::exit` turns what went wrong into a code.

mod cli;
mod cmd;
mod config;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use htpass::frontend::{Exit, Failure, interrupt, report};
use htpass::store::LockWait;

use crate::cli::Cli;
use crate::config::Config;

fn main() -> ExitCode {
    run()
}

fn run() -> ExitCode {
    interrupt::watch("htpass".to_owned());
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if let Err(message) = cli::refuse_option_as_password(&args) {
        interrupt::conclude();
        report::failure(&Failure::Usage(message));
        return Exit::Usage.into();
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            interrupt::conclude();
            // clap's own form: usage errors exit 2, --help and --version 0.
            match safe_message(&error, &args) {
                Some(message) => {
                    let _ = std::io::stderr().write_all(message.as_bytes());
                }
                None => {
                    let _ = error.print();
                }
            }
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    let lock_wait = cli.wait.map_or(LockWait::Forever, LockWait::AtMost);
    report::configure_store(report::PROGRAM.to_owned(), lock_wait);
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

/// clap's message without what it must not repeat, or `None` when it can
/// be printed as it is. clap quotes the value it refuses, and its tips
/// quote words of the command line: neither may show a value given to a
/// password option (issue 11 item 6), nor a stray word, which is most often
/// a password put where `htpasswd -b` takes it.
fn safe_message(error: &clap::Error, args: &[OsString]) -> Option<String> {
    // These show names of arguments and commands only (clap's own text
    // for them holds no word of the command line).
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            | ErrorKind::ArgumentConflict
            | ErrorKind::MissingRequiredArgument
            | ErrorKind::MissingSubcommand
    ) {
        return None;
    }
    let rendered = error.render().to_string();
    let refuses_a_password_value = error.get(ContextKind::InvalidValue).is_some()
        && refused_option(error)
            .is_some_and(|option| cli::PASSWORD_OPTIONS.contains(&option.as_str()));
    let shows_a_password = refuses_a_password_value
        || cli::password_values(args)
            .iter()
            .any(|value| contains(rendered.as_bytes(), value));
    if is_stray_word(error) {
        return Some(without_error_line(
            &rendered,
            "error: unexpected argument found (not repeated here, as it may be a password)",
        ));
    }
    shows_a_password.then(|| without_error_line(&rendered, &password_error_line(error)))
}

/// Whether `haystack` holds `needle`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// The option clap refuses, if it names one of ours (clap shows it as
/// `--generate[=<LEN>]` or `--password <VALUE>`); never a word of the
/// command line that is not an option name.
fn refused_option(error: &clap::Error) -> Option<String> {
    let Some(ContextValue::String(arg)) = error.get(ContextKind::InvalidArg) else {
        return None;
    };
    let name = arg.split([' ', '[', '=', '<']).next().unwrap_or_default();
    cli::option_names().into_iter().find(|known| known == name)
}

/// The first line of a refusal that involves a password option, naming the
/// option (never the value) and how to give it.
fn password_error_line(error: &clap::Error) -> String {
    let option = refused_option(error);
    let hint = match option.as_deref() {
        Some("--generate") => {
            "; give a length as --generate=LEN, from 12 to 256, or leave it out for 24 characters"
        }
        Some("--password-stdin") => "; the password is the first line of standard input",
        _ => "",
    };
    let what = match (error.kind(), option) {
        (ErrorKind::TooManyValues | ErrorKind::UnknownArgument, Some(option)) => {
            format!("{option} takes no value here")
        }
        (_, Some(option)) => format!("invalid value for {option}"),
        (_, None) => "invalid argument".to_owned(),
    };
    format!("error: {what} (what was given is not repeated here, as it may be a password){hint}")
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

/// clap's rendered message with its `error:` line replaced by `first` and
/// its tips (which repeat words of the command line) dropped; the usage
/// lines stay.
fn without_error_line(rendered: &str, first: &str) -> String {
    let mut message = String::with_capacity(rendered.len());
    let mut blank = false;
    for line in rendered.lines() {
        let line = if line.starts_with("error:") {
            first
        } else if line.trim_start().starts_with("tip:") {
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
