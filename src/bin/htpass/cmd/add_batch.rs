//! `htpass add FILE --batch`: every `user:password` line of standard input
//! (or `--from PATH`) added or updated, hashed in parallel, written once.
//!
//! Order of work, so that a bad line or a busy file costs nothing:
//! 1. read and check every line (a bad one names its number; nothing is
//!    hashed or written);
//! 2. read the users' current hashes, without a lock (an unchanged user
//!    keeps its line, as `add` does);
//! 3. hash on every core, without holding the lock: bcrypt is slow on
//!    purpose, and other writers should not wait on it;
//! 4. one locked pass through the safe store. A user whose line changed
//!    since step 2 (another writer got there first) gets the fresh hash
//!    from step 3, which verifies the password just as well.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{self, IsTerminal};
use std::ops::ControlFlow;
use std::path::Path;

use htpass::Error;
use htpass::batch::{self, BatchEntry, Hashed};
use htpass::file::{self, MalformedLines, Resolution, UpsertOutcome};
use htpass::frontend::Failure;
use htpass::frontend::report;
use htpass::hash::{Algorithm, Params};
use htpass::secret::WipingReader;
use htpass::store::{self, OpenMode, Outcome};
use htpass::username::Username;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::{AddBatch, BatchSource, Existing};

/// Below this many users a batch ends before a progress bar would help.
const PROGRESS_FROM_USERS: usize = 20;

pub fn run(config: AddBatch) -> Result<(), Failure> {
    let AddBatch {
        path,
        params,
        source,
        existing,
    } = config;
    let entries = read_entries(&source, &params)?;
    refuse_nul(&entries, &source)?;
    super::warn_insecure(params.algorithm());
    if params.algorithm() == Algorithm::Crypt {
        report::warning("crypt uses only the first 8 bytes of each password; the rest is ignored");
    }

    let stored = current_hashes(&path, &entries)?;
    if existing == Existing::Refuse
        && let Some(entry) = entries
            .iter()
            .find(|entry| stored.contains_key(entry.user.as_bytes()))
    {
        return Err(Error::UserExists {
            user: entry.user.escaped(),
        }
        .into());
    }

    let progress = progress_bar(entries.len());
    let hashed = batch::hash_all(
        &entries,
        &params,
        &stored,
        existing == Existing::Rehash,
        &|| progress.inc(1),
    );
    progress.finish_and_clear();
    let hashed = hashed?;

    let users: Vec<Username> = entries.iter().map(|entry| entry.user.clone()).collect();
    drop(entries); // the passwords are no longer needed: wipe them now
    let updated = store::update(&path, OpenMode::CreateIfMissing, |reader, writer| {
        let outcomes = file::upsert_many(
            reader,
            writer,
            &path,
            &users,
            existing == Existing::Refuse,
            MalformedLines::Reject,
            |i, current| Ok(resolve(&hashed[i], current)),
        )?;
        let changed = if outcomes.iter().all(|o| *o == UpsertOutcome::Unchanged) {
            Outcome::Unchanged
        } else {
            Outcome::Changed
        };
        Ok((changed, outcomes))
    })?;

    if updated.created {
        report::note(format_args!("created {}", path.display()));
    }
    let count = |wanted: UpsertOutcome| updated.value.iter().filter(|o| **o == wanted).count();
    report::note(format_args!(
        "{} added, {} updated, {} unchanged",
        count(UpsertOutcome::Added),
        count(UpsertOutcome::Updated),
        count(UpsertOutcome::Unchanged)
    ));
    Ok(())
}

/// Keep the line only if it is still exactly the hash that was checked.
fn resolve(hashed: &Hashed, current: Option<&[u8]>) -> Resolution {
    if hashed.kept && current == Some(hashed.hash.as_slice()) {
        Resolution::Keep
    } else {
        Resolution::Write(hashed.hash.clone())
    }
}

/// Every `user:password` line of `--from` or standard input, checked first
/// (for `add --batch`, `sync` and `export --from`).
pub(super) fn read_entries(
    source: &BatchSource,
    params: &Params,
) -> Result<Vec<BatchEntry>, Failure> {
    match source {
        BatchSource::Stdin => {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                report::note("reading user:password lines; end with Ctrl-D");
            }
            Ok(batch::parse(
                WipingReader::new(stdin.lock()),
                &source.name(),
                params,
            )?)
        }
        BatchSource::File(from) => {
            let file = File::open(from).map_err(|source| Error::FileAccess {
                path: from.clone(),
                action: "open the user list (--from)",
                source,
            })?;
            Ok(batch::parse(
                WipingReader::new(file),
                &source.name(),
                params,
            )?)
        }
    }
}

/// A NUL byte in a password ends the run as it would on the command line,
/// naming the first such line (the library's parser takes any byte).
pub(super) fn refuse_nul(entries: &[BatchEntry], source: &BatchSource) -> Result<(), Failure> {
    for entry in entries {
        if let Err(problem) = super::refuse_nul(&entry.password) {
            return Err(Error::BatchLine {
                source_name: source.name(),
                line: entry.line,
                problem: Box::new(problem),
            }
            .into());
        }
    }
    Ok(())
}

/// The first hash of each batch user now in FILE (none if FILE is missing).
fn current_hashes(
    path: &Path,
    entries: &[BatchEntry],
) -> Result<HashMap<Vec<u8>, Vec<u8>>, Failure> {
    let wanted: HashSet<&[u8]> = entries.iter().map(|entry| entry.user.as_bytes()).collect();
    let mut stored: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
    // A FIFO or device is refused by the update below; opening it here would
    // wait for a writer that may never come.
    if fs::metadata(path).is_ok_and(|metadata| !metadata.is_file() && !metadata.is_dir()) {
        return Ok(stored);
    }
    let read = store::read(path, |reader| {
        file::for_each_entry(reader, path, MalformedLines::Reject, |_, user, hash| {
            if wanted.contains(user) && !stored.contains_key(user) {
                stored.insert(user.to_vec(), hash.to_vec());
            }
            Ok(ControlFlow::Continue(()))
        })
    });
    match read {
        Ok(()) | Err(Error::FileNotFound { .. }) => Ok(stored),
        Err(error) => Err(error.into()),
    }
}

/// A bar on stderr for a long batch on a terminal; hidden otherwise, so
/// logs of CI jobs stay clean.
fn progress_bar(users: usize) -> ProgressBar {
    if users < PROGRESS_FROM_USERS || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(users as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("hashing {bar:30} {pos}/{len} users, {eta} left")
    {
        bar.set_style(style);
    }
    bar
}
