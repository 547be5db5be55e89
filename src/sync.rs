//! `htpass sync`: a declared set of users (the `user:password` lines of
//! [`crate::batch`]) and FILE's entries give a plan — add, update, remove or
//! keep each user — carried out in one write, or none.
//!
//! The steps, each a function a front-end calls in turn:
//!
//! 1. [`scan`] reads FILE once, without a lock: the hash of each declared
//!    user's first entry, whether it has copies, and (when they are to be
//!    removed) the users that are not declared. A line that is not an
//!    entry, a comment or blank stops it ([`Error::InvalidFile`]), before
//!    any hashing.
//! 2. [`targets`] decides each declared user's hash: the stored one where it
//!    already verifies the password with the requested parameters
//!    ([`hash::matches_params`] and [`hash::verify`], as `add` decides),
//!    else a new one. The checks run through [`verify_pairs`] and the new
//!    hashes through [`hash_passwords`], both on every core and at the same
//!    time, bcrypt several to a core ([`hash::verify_many`],
//!    [`hash::hash_many`]).
//! 3. [`plan`] tells what a sync would do from the scan alone (`--dry-run`,
//!    `--check`); [`apply`] does it, streaming FILE's content into its new
//!    content under the store's lock ([`crate::store::update`]) with
//!    [`file::upsert_exclusive`], and reports what it did.
//!
//! Rules (cli.md, "sync"): a kept entry keeps its bytes; a changed password
//! is re-hashed in place, keeping the line's ending; a new user is appended;
//! the entries of users not declared are removed (unless
//! [`UnlistedUsers::Keep`]); comments and blank lines stay. A declared user
//! with several entries keeps (or has replaced) the first, the one nginx and
//! Apache read, and loses the others, so that every reader agrees: that user
//! counts as updated.
//!
//! Between the scan and the locked write another process may change FILE.
//! [`apply`] decides from what it finds under the lock: a kept hash that is
//! no longer there is written (it verifies the password just as well), a
//! user added meanwhile is updated or removed like any other. So the result
//! is always that of a sync run before or after the other change, never a
//! mix.
//!
//! What it must never do: hold FILE whole (only the declared users, their
//! hashes and the names it reports are held), keep a password longer than
//! [`targets`] needs it (the caller drops the [`BatchEntry`]s after it), or
//! know of terminals and options.

use std::collections::{HashMap, HashSet};
use std::io::{self, BufRead, Write};
use std::ops::ControlFlow;
use std::path::Path;

use crate::batch::BatchEntry;
use crate::error::Error;
use crate::file::{self, MalformedLines, Resolution, Unlisted, UpsertOutcome};
use crate::hash::{self, Params, VerifyPolicy};
use crate::secret::Password;
use crate::username::Username;

/// What happens to the entries of users that are not declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnlistedUsers {
    /// They are removed: FILE holds exactly the declared users.
    Remove,
    /// They stay as they are (`--keep-unlisted`).
    Keep,
}

/// What [`scan`] found in FILE.
#[derive(Clone, PartialEq, Eq)]
pub struct FileState {
    /// Per declared user: the hash of its first entry, if it has one.
    pub stored: Vec<Option<Vec<u8>>>,
    /// Per declared user: whether it has more than one entry.
    pub copies: Vec<bool>,
    /// The users of FILE that are not declared, each once, in the order of
    /// their first entry; empty unless they are to be removed.
    pub to_remove: Vec<Vec<u8>>,
}

impl FileState {
    /// The state of a missing FILE: no user at all.
    pub fn missing(users: &[Username]) -> FileState {
        FileState {
            stored: vec![None; users.len()],
            copies: vec![false; users.len()],
            to_remove: Vec::new(),
        }
    }
}

/// Reads FILE (`reader`) once, line by line: see [`FileState`]. `users`
/// must be distinct, as [`crate::batch::parse`] makes them. A malformed
/// line is [`Error::InvalidFile`] naming it. With [`UnlistedUsers::Keep`]
/// the names of other users are not collected: a caller that only
/// [`apply`]s passes it, since the locked pass finds them itself.
pub fn scan(
    reader: impl BufRead,
    path: &Path,
    users: &[Username],
    unlisted: UnlistedUsers,
) -> Result<FileState, Error> {
    let index: HashMap<&[u8], usize> = users
        .iter()
        .enumerate()
        .map(|(i, user)| (user.as_bytes(), i))
        .collect();
    let mut state = FileState::missing(users);
    let mut seen_unlisted: HashSet<Vec<u8>> = HashSet::new();
    file::for_each_entry(reader, path, MalformedLines::Reject, |_, user, hash| {
        match index.get(user) {
            Some(&i) if state.stored[i].is_some() => state.copies[i] = true,
            Some(&i) => state.stored[i] = Some(hash.to_vec()),
            None if unlisted == UnlistedUsers::Remove && !seen_unlisted.contains(user) => {
                seen_unlisted.insert(user.to_vec());
                state.to_remove.push(user.to_vec());
            }
            None => {}
        }
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(state)
}

/// The hash a declared user is to have.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    /// FILE's hash (these bytes) verifies the password with the requested
    /// parameters: the entry is kept.
    Keep(Vec<u8>),
    /// A new hash of the password.
    New(Vec<u8>),
    /// A new hash is needed but was not made ([`Hashes::Skip`]): enough for
    /// a [`plan`], not for [`apply`].
    Needed,
}

/// Whether [`targets`] makes the new hashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hashes {
    /// For [`apply`].
    Make,
    /// For a [`plan`] only (`--dry-run`, `--check`): verification alone
    /// decides, and no time is spent hashing what will not be written.
    Skip,
}

/// How far [`targets`] has got, for a progress bar. There is one step per
/// declared user to begin with (a check or a hash); a check that fails adds
/// one (the hash that follows).
#[derive(Clone, Copy)]
pub struct Progress<'p> {
    /// One step done; called from any thread.
    pub step: &'p (dyn Fn() + Sync),
    /// This many steps more than announced.
    pub more: &'p (dyn Fn(usize) + Sync),
}

impl Progress<'static> {
    /// Nobody is watching.
    pub fn none() -> Progress<'static> {
        Progress {
            step: &|| {},
            more: &|_| {},
        }
    }
}

/// Decides each declared user's [`Target`], in the order of `entries`.
///
/// With `rehash`, every user gets a new hash. Otherwise a stored hash made
/// with `params` is checked against the password ([`verify_pairs`]) while
/// the users without one are hashed ([`hash_passwords`]), both on every
/// core; then the users whose check failed are hashed.
pub fn targets(
    entries: &[BatchEntry],
    state: &FileState,
    params: &Params,
    rehash: bool,
    hashes: Hashes,
    progress: Progress<'_>,
) -> Result<Vec<Target>, Error> {
    let Progress { step, more } = progress;
    // Worth checking: a stored hash made with exactly these parameters.
    let (to_verify, to_hash): (Vec<usize>, Vec<usize>) = (0..entries.len()).partition(|&i| {
        !rehash
            && state.stored[i]
                .as_deref()
                .is_some_and(|stored| hash::matches_params(stored, params))
    });
    let pairs: Vec<(&Password, &[u8])> = to_verify
        .iter()
        .map(|&i| {
            (
                &entries[i].password,
                state.stored[i].as_deref().unwrap_or_default(),
            )
        })
        .collect();
    let passwords = |indices: &[usize]| -> Vec<&Password> {
        indices.iter().map(|&i| &entries[i].password).collect()
    };
    let make = |indices: &[usize]| -> Result<Vec<Target>, Error> {
        match hashes {
            Hashes::Make => Ok(hash_passwords(&passwords(indices), params, step)?
                .into_iter()
                .map(Target::New)
                .collect()),
            Hashes::Skip => {
                indices.iter().for_each(|_| step());
                Ok(vec![Target::Needed; indices.len()])
            }
        }
    };

    let (verified, fresh) = rayon::join(|| verify_pairs(&pairs, params, step), || make(&to_hash));
    let mut targets: Vec<Option<Target>> = vec![None; entries.len()];
    for (&i, target) in to_hash.iter().zip(fresh?) {
        targets[i] = Some(target);
    }
    let mut failed = Vec::new();
    for (&i, matched) in to_verify.iter().zip(verified) {
        if matched {
            targets[i] = state.stored[i].clone().map(Target::Keep);
        } else {
            failed.push(i);
        }
    }
    more(failed.len());
    for (&i, target) in failed.iter().zip(make(&failed)?) {
        targets[i] = Some(target);
    }
    // Every index was in `to_hash`, `failed`, or verified with a stored hash.
    Ok(targets
        .into_iter()
        .map(|target| target.unwrap_or(Target::Needed))
        .collect())
}

/// Checks N (password, stored hash) pairs on every core: whether each
/// stored hash verifies its password. Every stored hash was made with
/// `params` ([`hash::matches_params`]), so bcrypt ones run several to a
/// core, interleaved ([`hash::verify_many`]). A bare plain-text entry
/// counts only when plain is what `params` asks for, as `add` decides.
/// `progress` is called once per pair.
pub fn verify_pairs(
    pairs: &[(&Password, &[u8])],
    params: &Params,
    progress: &(dyn Fn() + Sync),
) -> Vec<bool> {
    let policy = VerifyPolicy {
        allow_plain: *params == Params::Plain,
    };
    hash::verify_many(pairs, policy, &|_| progress())
        .into_iter()
        .map(hash::Verification::is_match)
        .collect()
}

/// Hashes M passwords with `params` on every core, in order (bcrypt
/// several to a core, [`hash::hash_many`]). `progress` is called once per
/// password.
pub fn hash_passwords(
    passwords: &[&Password],
    params: &Params,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Vec<u8>>, Error> {
    hash::hash_many(passwords, params, progress)
}

/// What a sync did, or would do. Declared users are in the order of the
/// list, removed ones in the order of their first entry in FILE.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub added: Vec<Username>,
    /// Re-hashed, or (a kept entry) its copies removed.
    pub updated: Vec<Username>,
    pub removed: Vec<Vec<u8>>,
    pub unchanged: Vec<Username>,
}

impl Report {
    /// Whether FILE already was in the declared state: nothing added,
    /// updated or removed.
    pub fn in_state(&self) -> bool {
        self.added.is_empty() && self.updated.is_empty() && self.removed.is_empty()
    }

    fn file(&mut self, user: &Username, outcome: UpsertOutcome) {
        let list = match outcome {
            UpsertOutcome::Added => &mut self.added,
            UpsertOutcome::Updated => &mut self.updated,
            UpsertOutcome::Unchanged => &mut self.unchanged,
        };
        list.push(user.clone());
    }
}

/// What [`apply`] would do to the FILE that [`scan`] read, without
/// reading it again: for `--dry-run` and `--check`.
pub fn plan(users: &[Username], state: &FileState, targets: &[Target]) -> Report {
    let mut report = Report {
        removed: state.to_remove.clone(),
        ..Report::default()
    };
    for (i, user) in users.iter().enumerate() {
        let outcome = match (&state.stored[i], &targets[i]) {
            (None, _) => UpsertOutcome::Added,
            (Some(stored), Target::Keep(kept)) if stored == kept && !state.copies[i] => {
                UpsertOutcome::Unchanged
            }
            (Some(_), _) => UpsertOutcome::Updated,
        };
        report.file(user, outcome);
    }
    report
}

/// Streams FILE's content (`reader`, `None` for a new file) into its new
/// content: each of `users` gets its [`Target`] (every one must be
/// [`Target::Keep`] or [`Target::New`]), with one entry each, and the
/// entries of other users are removed or kept as `unlisted` says. Decides
/// from what `reader` holds now, not from the scan (see the module doc).
/// The output equals the input exactly when the report is
/// [`Report::in_state`].
pub fn apply(
    reader: Option<&mut dyn BufRead>,
    writer: impl Write,
    path: &Path,
    users: &[Username],
    targets: &[Target],
    unlisted: UnlistedUsers,
) -> Result<Report, Error> {
    let mut removed: Vec<Vec<u8>> = Vec::new();
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut tell = |user: &[u8]| {
        if !seen.contains(user) {
            seen.insert(user.to_vec());
            removed.push(user.to_vec());
        }
    };
    let unlisted = match unlisted {
        UnlistedUsers::Remove => Unlisted::Remove(&mut tell),
        UnlistedUsers::Keep => Unlisted::Keep,
    };
    let outcomes = file::upsert_exclusive(
        reader,
        writer,
        path,
        users,
        MalformedLines::Reject,
        |i, current| match &targets[i] {
            Target::Keep(kept) if current == Some(kept.as_slice()) => Ok(Resolution::Keep),
            // Changed or gone since the scan: the checked hash still
            // verifies the password with the parameters.
            Target::Keep(hash) | Target::New(hash) => Ok(Resolution::Write(hash.clone())),
            Target::Needed => Err(Error::FileAccess {
                path: path.to_path_buf(),
                action: "write",
                source: io::Error::other(
                    "internal error: a sync was applied without its new hashes; please report it",
                ),
            }),
        },
        unlisted,
    )?;
    let mut report = Report {
        removed,
        ..Report::default()
    };
    for (user, outcome) in users.iter().zip(outcomes) {
        report.file(user, outcome);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::batch;
    use crate::hash::{Algorithm, BcryptCost, BcryptVariant};

    fn path() -> &'static Path {
        Path::new("sync.htpasswd")
    }

    fn bcrypt4() -> Params {
        Params::Bcrypt {
            variant: BcryptVariant::TwoY,
            cost: BcryptCost::new(4).unwrap(),
        }
    }

    fn entries(text: &str, params: &Params) -> Vec<BatchEntry> {
        batch::parse(text.as_bytes(), "list", params).unwrap()
    }

    fn users_of(entries: &[BatchEntry]) -> Vec<Username> {
        entries.iter().map(|entry| entry.user.clone()).collect()
    }

    fn names(users: &[Username]) -> Vec<String> {
        users.iter().map(Username::escaped).collect()
    }

    fn hash(password: &str, params: &Params) -> String {
        String::from_utf8(hash::hash_password(&Password::from(password), params).unwrap()).unwrap()
    }

    /// Scans `file`, decides the targets, plans, applies; checks that the
    /// plan and the applied report agree, and returns the new file and the
    /// report.
    fn sync(
        file: &str,
        list: &str,
        params: &Params,
        rehash: bool,
        unlisted: UnlistedUsers,
    ) -> (String, Report) {
        let entries = entries(list, params);
        let users = users_of(&entries);
        let state = scan(file.as_bytes(), path(), &users, unlisted).unwrap();
        let done = AtomicUsize::new(0);
        let announced = AtomicUsize::new(entries.len());
        let progress = Progress {
            step: &|| {
                done.fetch_add(1, Ordering::Relaxed);
            },
            more: &|steps| {
                announced.fetch_add(steps, Ordering::Relaxed);
            },
        };
        let made = targets(&entries, &state, params, rehash, Hashes::Make, progress).unwrap();
        assert_eq!(
            done.load(Ordering::Relaxed),
            announced.load(Ordering::Relaxed)
        );
        let skipped = targets(
            &entries,
            &state,
            params,
            rehash,
            Hashes::Skip,
            Progress::none(),
        )
        .unwrap();
        let planned = plan(&users, &state, &skipped);
        let mut output = Vec::new();
        let mut reader = file.as_bytes();
        let report = apply(
            Some(&mut reader),
            &mut output,
            path(),
            &users,
            &made,
            unlisted,
        )
        .unwrap();
        assert_eq!(planned, report, "the plan and what was done differ");
        assert_eq!(report.in_state(), output == file.as_bytes());
        (String::from_utf8(output).unwrap(), report)
    }

    #[test]
    fn the_file_ends_with_exactly_the_listed_users() {
        let params = bcrypt4();
        let keep = hash("same", &params);
        let file = format!(
            "# team\r\nold:{}\nkeep:{keep}\r\n\nchange:{}\r\nold:x\n",
            hash("o", &params),
            hash("before", &params)
        );
        let (output, report) = sync(
            &file,
            "change:after\nnew:n\nkeep:same\n",
            &params,
            false,
            UnlistedUsers::Remove,
        );
        let lines: Vec<&str> = output.split_inclusive('\n').collect();
        assert_eq!(lines[0], "# team\r\n");
        assert_eq!(lines[1], format!("keep:{keep}\r\n"), "kept byte for byte");
        assert_eq!(lines[2], "\n");
        assert!(lines[3].starts_with("change:$2y$04$") && lines[3].ends_with("\r\n"));
        assert!(lines[4].starts_with("new:$2y$04$") && lines[4].ends_with('\n'));
        assert_eq!(lines.len(), 5);
        assert_eq!(names(&report.added), ["new"]);
        assert_eq!(names(&report.updated), ["change"]);
        assert_eq!(names(&report.unchanged), ["keep"]);
        assert_eq!(report.removed, [b"old".to_vec()], "named once");
        let stored = lines[3].trim_end().strip_prefix("change:").unwrap();
        assert!(
            hash::verify(
                &Password::from("after"),
                stored.as_bytes(),
                VerifyPolicy::default()
            )
            .is_match()
        );
    }

    #[test]
    fn keep_unlisted_leaves_other_users_alone() {
        let params = bcrypt4();
        let file = format!("other:{}\n", hash("x", &params));
        let (output, report) = sync(&file, "a:1\n", &params, false, UnlistedUsers::Keep);
        assert!(output.starts_with(&file));
        assert_eq!(names(&report.added), ["a"]);
        assert!(report.removed.is_empty());
    }

    #[test]
    fn a_file_in_state_is_reported_so_and_copied() {
        let params = bcrypt4();
        let file = format!("# c\na:{}\nb:{}", hash("1", &params), hash("2", &params));
        let (output, report) = sync(&file, "b:2\na:1\n", &params, false, UnlistedUsers::Remove);
        assert_eq!(output, file);
        assert!(report.in_state());
        assert_eq!(names(&report.unchanged), ["b", "a"]);
    }

    #[test]
    fn other_parameters_or_rehash_make_a_new_hash() {
        let params = bcrypt4();
        let file = format!("a:{}\n", hash("1", &params));
        let cost5 = Params::Bcrypt {
            variant: BcryptVariant::TwoY,
            cost: BcryptCost::new(5).unwrap(),
        };
        let (output, report) = sync(&file, "a:1\n", &cost5, false, UnlistedUsers::Remove);
        assert!(output.starts_with("a:$2y$05$"));
        assert_eq!(names(&report.updated), ["a"]);
        let (output, report) = sync(&file, "a:1\n", &params, true, UnlistedUsers::Remove);
        assert_ne!(output, file);
        assert_eq!(names(&report.updated), ["a"]);
        let apr1 = Params::default_for(Algorithm::Apr1);
        let (output, _) = sync(&file, "a:1\n", &apr1, false, UnlistedUsers::Remove);
        assert!(output.starts_with("a:$apr1$"));
    }

    #[test]
    fn copies_of_a_listed_user_are_removed_and_it_counts_as_updated() {
        let params = bcrypt4();
        let first = hash("1", &params);
        let file = format!("a:{first}\nb:x\na:{}\n", hash("other", &params));
        let (output, report) = sync(&file, "a:1\n", &params, false, UnlistedUsers::Keep);
        assert_eq!(output, format!("a:{first}\nb:x\n"));
        assert_eq!(names(&report.updated), ["a"]);
    }

    #[test]
    fn a_plain_entry_is_kept_only_when_plain_is_asked_for() {
        // A bare plain-text entry verifies only under -a plain, as for add.
        let file = "a:pw\n";
        let (output, report) = sync(file, "a:pw\n", &Params::Plain, false, UnlistedUsers::Remove);
        assert_eq!(output, file);
        assert!(report.in_state());
    }

    #[test]
    fn a_malformed_file_is_refused_before_any_hashing() {
        let params = bcrypt4();
        let users = users_of(&entries("a:1\n", &params));
        let scanned = scan(
            &b"a:x\nnot an entry\n"[..],
            path(),
            &users,
            UnlistedUsers::Remove,
        );
        let Err(error) = scanned else {
            panic!("a malformed line was accepted");
        };
        assert!(matches!(error, Error::InvalidFile { line: 2, .. }));
    }

    #[test]
    fn apply_decides_from_what_it_finds_under_the_lock() {
        let params = bcrypt4();
        let entries = entries("a:1\nb:2\n", &params);
        let users = users_of(&entries);
        let a = hash("1", &params);
        let scanned = format!("a:{a}\n");
        let state = scan(scanned.as_bytes(), path(), &users, UnlistedUsers::Remove).unwrap();
        let made = targets(
            &entries,
            &state,
            &params,
            false,
            Hashes::Make,
            Progress::none(),
        )
        .unwrap();
        assert!(made[0] == Target::Keep(a.clone().into_bytes()));
        // Meanwhile another process changed a's hash, added b and c.
        let now = format!("c:x\nb:y\na:{}\n", hash("other", &params));
        let mut output = Vec::new();
        let report = apply(
            Some(&mut now.as_bytes()),
            &mut output,
            path(),
            &users,
            &made,
            UnlistedUsers::Remove,
        )
        .unwrap();
        let output = String::from_utf8(output).unwrap();
        assert!(output.starts_with("b:$2y$04$"), "{output}");
        assert!(
            output.ends_with(&format!("a:{a}\n")),
            "the checked hash is written"
        );
        assert_eq!(names(&report.updated), ["a", "b"]);
        assert_eq!(report.removed, [b"c".to_vec()]);
    }

    #[test]
    fn a_plan_needs_no_new_hash_but_apply_does() {
        let params = bcrypt4();
        let entries = entries("a:1\n", &params);
        let users = users_of(&entries);
        let state = FileState::missing(&users);
        let skipped = targets(
            &entries,
            &state,
            &params,
            false,
            Hashes::Skip,
            Progress::none(),
        )
        .unwrap();
        assert!(skipped == [Target::Needed]);
        assert_eq!(names(&plan(&users, &state, &skipped).added), ["a"]);
        let error = apply(
            None,
            Vec::new(),
            path(),
            &users,
            &skipped,
            UnlistedUsers::Remove,
        )
        .unwrap_err();
        assert!(error.to_string().contains("internal error"), "{error}");
    }

    #[test]
    fn verify_pairs_and_hash_passwords_keep_the_order() {
        let params = bcrypt4();
        let passwords: Vec<Password> = (0..6)
            .map(|i| Password::from(format!("pw{i}").as_str()))
            .collect();
        let refs: Vec<&Password> = passwords.iter().collect();
        let hashes = hash_passwords(&refs, &params, &|| {}).unwrap();
        let pairs: Vec<(&Password, &[u8])> = passwords
            .iter()
            .zip(hashes.iter().rev())
            .map(|(password, stored)| (password, stored.as_slice()))
            .collect();
        let verified = verify_pairs(&pairs, &params, &|| {});
        assert_eq!(verified, [false, false, false, false, false, false]);
        let pairs: Vec<(&Password, &[u8])> = passwords
            .iter()
            .zip(&hashes)
            .map(|(password, stored)| (password, stored.as_slice()))
            .collect();
        assert!(
            verify_pairs(&pairs, &params, &|| {})
                .iter()
                .all(|&matched| matched)
        );
    }
}
