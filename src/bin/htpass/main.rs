//! `htpass`: create, update and check Apache htpasswd files, with clap
//! subcommands for scripts, CI and people (the contract: `cli.md`).
//!
//! `main` is the only place the process ends: every command returns, and the
//! one mapping in `htpass::frontend::exit` turns what went wrong into a code.

mod cli;
mod cmd;
mod config;

use std::process::ExitCode;

use clap::Parser;
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
            // clap's own form: usage errors exit 2, --help and --version 0.
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    match Config::from_cli(cli).and_then(cmd::run) {
        Ok(()) => Exit::Success.into(),
        Err(failure) => {
            report::failure(&failure);
            Exit::from(&failure).into()
        }
    }
}
