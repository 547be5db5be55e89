//! `htpass sync FILE --from PATH|-`: FILE made to hold exactly the users of
//! a list of `user:password` lines; `--dry-run` and `--check` only report.
//!
//! Order of work, so that a bad line or a bad file costs nothing:
//! 1. read and check every line of the list (a bad one names its number;
//!    nothing is hashed or written);
//! 2. read FILE once, without a lock ([`sync::scan`]): a line that is not
//!    an entry, a comment or blank ends the run (exit 7);
//! 3. check the stored hashes and make the new ones on every core, without
//!    holding the lock ([`sync::targets`]); the passwords are dropped then;
//! 4. `--dry-run`, `--check`: the plan ([`sync::plan`]), from step 2; else
//!    one locked pass through the safe store ([`sync::apply`]), written only
//!    if something changed.
//!
//! What it must never do: write FILE with `--dry-run` or `--check`, or say
//! anything about a user but its (escaped) name.

use std::fs;
use std::io::{self, IsTerminal};
use std::path::Path;

use htpass::Error;
use htpass::frontend::report::{self, Stdout};
use htpass::frontend::{Failure, json};
use htpass::hash::Algorithm;
use htpass::store::{self, OpenMode, Outcome};
use htpass::sync::{self, FileState, Hashes, Progress, Report, UnlistedUsers};
use htpass::username::{Username, escape_for_terminal};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::add_batch;
use crate::config::{Sync, SyncMode};

/// Below this many users a sync ends before a progress bar would help.
const PROGRESS_FROM_USERS: usize = 20;

pub fn run(config: Sync) -> Result<(), Failure> {
    let Sync {
        path,
        source,
        params,
        rehash,
        unlisted,
        mode,
        json,
    } = config;
    let entries = add_batch::read_entries(&source, &params)?;
    add_batch::refuse_nul(&entries, &source)?;
    super::warn_insecure(params.algorithm());
    if params.algorithm() == Algorithm::Crypt {
        report::warning("crypt uses only the first 8 bytes of each password; the rest is ignored");
    }
    let users: Vec<Username> = entries.iter().map(|entry| entry.user.clone()).collect();

    // Who is to be removed matters to a plan only: the locked pass of a
    // real sync finds them itself, so the scan need not hold their names.
    let to_remove = match mode {
        SyncMode::Apply => UnlistedUsers::Keep,
        SyncMode::DryRun | SyncMode::Check => unlisted,
    };
    let state = scan(&path, &users, to_remove, mode)?;
    let hashes = match mode {
        SyncMode::Apply => Hashes::Make,
        SyncMode::DryRun | SyncMode::Check => Hashes::Skip,
    };
    let bar = progress_bar(users.len());
    let targets = sync::targets(
        &entries,
        state.as_ref().unwrap_or(&FileState::missing(&users)),
        &params,
        rehash,
        hashes,
        Progress {
            step: &|| bar.inc(1),
            more: &|steps| bar.inc_length(steps as u64),
        },
    );
    bar.finish_and_clear();
    let targets = targets?;
    drop(entries); // the passwords are no longer needed: wipe them now

    let report = match mode {
        SyncMode::Apply => {
            let updated = store::update(&path, OpenMode::CreateIfMissing, |reader, writer| {
                let report = sync::apply(reader, writer, &path, &users, &targets, unlisted)?;
                let outcome = if report.in_state() {
                    Outcome::Unchanged
                } else {
                    Outcome::Changed
                };
                Ok((outcome, report))
            })?;
            if updated.created {
                report::note(format_args!("created {}", path.display()));
            }
            updated.value
        }
        SyncMode::DryRun | SyncMode::Check => {
            let state = state.unwrap_or_else(|| FileState::missing(&users));
            sync::plan(&users, &state, &targets)
        }
    };

    tell(&report);
    if json {
        print_json(&report)?;
    }
    match mode {
        SyncMode::Apply => Ok(()),
        SyncMode::DryRun => {
            report::note(format_args!("dry run: {} was not changed", path.display()));
            Ok(())
        }
        SyncMode::Check if report.in_state() => {
            report::note(format_args!("{}: in the declared state", path.display()));
            Ok(())
        }
        SyncMode::Check => Err(Failure::NotInDeclaredState {
            path,
            added: report.added.len(),
            updated: report.updated.len(),
            removed: report.removed.len(),
        }),
    }
}

/// FILE as [`sync::scan`] finds it; `None` when it does not exist.
fn scan(
    path: &Path,
    users: &[Username],
    unlisted: UnlistedUsers,
    mode: SyncMode,
) -> Result<Option<FileState>, Failure> {
    // A FIFO or device is refused by the update; opening it here would wait
    // for a writer that may never come. Only reading it (--check of
    // `<(kubectl ...)` or of -) is fine.
    if mode == SyncMode::Apply
        && fs::metadata(path).is_ok_and(|metadata| !metadata.is_file() && !metadata.is_dir())
    {
        return Ok(None);
    }
    match store::read(path, |reader| sync::scan(reader, path, users, unlisted)) {
        Ok(state) => Ok(Some(state)),
        Err(Error::FileNotFound { .. }) => {
            if mode != SyncMode::Apply {
                report::note(format_args!(
                    "{} does not exist; every listed user would be added",
                    path.display()
                ));
            }
            Ok(None)
        }
        Err(error) => Err(error.into()),
    }
}

/// One line per changed user, then the count of unchanged ones, on stderr.
fn tell(report: &Report) {
    for user in &report.added {
        report::note(format_args!("added {user}"));
    }
    for user in &report.updated {
        report::note(format_args!("updated {user}"));
    }
    for user in &report.removed {
        report::note(format_args!("removed {}", escape_for_terminal(user)));
    }
    report::note(format_args!("{} unchanged", report.unchanged.len()));
}

/// The report as one JSON object on stdout: four lists of exact names.
fn print_json(report: &Report) -> Result<(), Failure> {
    let names = |users: &[Username]| -> Vec<Vec<u8>> {
        users.iter().map(|user| user.as_bytes().to_vec()).collect()
    };
    let lists = [
        ("added", names(&report.added)),
        ("updated", names(&report.updated)),
        ("removed", report.removed.clone()),
        ("unchanged", names(&report.unchanged)),
    ];
    let mut text = Vec::new();
    let mut object = json::Object::begin(&mut text);
    for (key, list) in &lists {
        let items: Vec<&[u8]> = list.iter().map(Vec::as_slice).collect();
        object.bytes_array(key, &items);
    }
    object.end();
    text.push(b'\n');
    let mut out = Stdout::new();
    out.write(&text)?;
    out.flush()
}

/// A bar on stderr for a long list on a terminal; hidden otherwise, so logs
/// of CI jobs stay clean.
fn progress_bar(users: usize) -> ProgressBar {
    if users < PROGRESS_FROM_USERS || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(users as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("checking and hashing {bar:30} {pos}/{len}, {eta} left")
    {
        bar.set_style(style);
    }
    bar
}
