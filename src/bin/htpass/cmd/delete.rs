//! `htpass delete FILE USER...`: remove users. If any user is missing the
//! file is left as it was and the run fails (exit 6), unless
//! `--ignore-missing`, which deletes the others and reports the missing ones
//! (a missing FILE too: it holds none of them, and is not created).
//! A USER is any name the file can hold ([`Username::existing`]): the rules
//! for new names do not stop anyone from removing a line `list` shows.
//!
//! With `--groups GROUPFILE` the users also leave every group of that
//! group file, so that nobody lingers in a group after their entry went
//! (and gets its rights back when a user of that name is added again). Two
//! files cannot change in one atomic step, so they change one after the
//! other, each safely (locked, replaced atomically), in this order:
//!
//! 1. GROUPFILE is read through first: a missing or broken group file
//!    stops the run before anything has changed;
//! 2. FILE: the entry is what lets a user log in, so it goes first. If the
//!    run stops here, nothing else has changed;
//! 3. GROUPFILE. If this fails (its lock held past `--wait`, or an
//!    interrupt after step 2, exit 4), the user can no longer log in, but still
//!    lingers in groups: the message says that FILE has changed and GROUPFILE
//!    has not, and gives the command that finishes the job
//!    (`--ignore-missing`, since the users are gone from FILE by then).
//!    The other order would leave a user who should be gone able to log in.

use std::path::Path;

use htpass::file::{self, MalformedLines};
use htpass::frontend::Failure;
use htpass::frontend::failure::GroupsNotUpdated;
use htpass::frontend::report;
use htpass::group;
use htpass::store::{self, OpenMode, Outcome};
use htpass::username::{escape_for_terminal, shell_word};
use htpass::{Error, Username};

use crate::config::Delete;

pub fn run(config: Delete) -> Result<(), Failure> {
    let Delete {
        path,
        users,
        ignore_missing,
        groups,
    } = config;
    if let Some(groups) = &groups {
        group::validate(groups)?;
    }
    let removed = delete_entries(&path, &users, ignore_missing)?;
    if let Some(groups) = &groups {
        leave_groups(&path, groups, &users, &removed)?;
    }
    Ok(())
}

/// Step 2: the users' entries; returns the users removed from FILE.
fn delete_entries(
    path: &Path,
    users: &[Username],
    ignore_missing: bool,
) -> Result<Vec<Username>, Failure> {
    let updated = store::update(path, OpenMode::MustExist, |reader, writer| {
        let Some(reader) = reader else {
            return Err(Error::FileNotFound {
                path: path.to_path_buf(),
            });
        };
        let outcome = file::delete(reader, writer, path, users, MalformedLines::Reject)?;
        let removed: Vec<(Username, usize)> = outcome
            .removed
            .into_iter()
            .filter(|(_, count)| *count > 0)
            .collect();
        let all_found = removed.len() == users.len();
        // All or nothing: a missing user (without --ignore-missing) keeps the file as it was.
        let changed = if !removed.is_empty() && (all_found || ignore_missing) {
            Outcome::Changed
        } else {
            Outcome::Unchanged
        };
        Ok((changed, removed))
    });
    let updated = match updated {
        // Nothing to delete is what --ignore-missing accepts; a missing
        // FILE holds none of the users, and none is created.
        Err(Error::FileNotFound { .. }) if ignore_missing => {
            report::note(format_args!(
                "{}: no such file, nothing to delete",
                path.display()
            ));
            return Ok(Vec::new());
        }
        other => other?,
    };
    let removed = updated.value;
    let missing: Vec<&Username> = users
        .iter()
        .filter(|user| !removed.iter().any(|(found, _)| found == *user))
        .collect();
    if !missing.is_empty() && !ignore_missing {
        return Err(Failure::UsersNotFound {
            path: path.to_path_buf(),
            users: missing.iter().map(|user| user.escaped()).collect(),
        });
    }
    for (user, count) in &removed {
        match count {
            1 => report::note(format_args!("deleted user {user}")),
            _ => report::note(format_args!("deleted user {user} ({count} entries)")),
        }
    }
    for user in missing {
        report::note(format_args!("not found, nothing to delete: user {user}"));
    }
    Ok(removed.into_iter().map(|(user, _)| user).collect())
}

/// Step 3: every user given (the ones FILE did not hold too, with
/// `--ignore-missing`: they may linger in a group) leaves every group.
fn leave_groups(
    path: &Path,
    groups: &Path,
    users: &[Username],
    removed: &[Username],
) -> Result<(), Failure> {
    let left = match group::remove_everywhere(groups, users) {
        Ok(updated) => updated.value,
        Err(error) if removed.is_empty() => return Err(error.into()),
        Err(error) => {
            return Err(Failure::GroupsNotUpdated(Box::new(GroupsNotUpdated {
                path: path.to_path_buf(),
                groups: groups.to_path_buf(),
                users: removed.iter().map(Username::escaped).collect(),
                rerun: rerun(path, groups, users),
                source: error,
            })));
        }
    };
    for (i, user) in users.iter().enumerate() {
        let mut any = false;
        for membership in left.iter().filter(|membership| membership.user == i) {
            any = true;
            report::note(format_args!(
                "removed {user} from group {} ({} line {})",
                escape_for_terminal(&membership.group),
                groups.display(),
                membership.line
            ));
        }
        if !any {
            report::note(format_args!(
                "{user} is in no group of {}",
                groups.display()
            ));
        }
    }
    Ok(())
}

/// The command that finishes a run whose group file could not be changed:
/// the same, with `--ignore-missing` (the users are gone from FILE).
fn rerun(path: &Path, groups: &Path, users: &[Username]) -> String {
    let mut words = vec![
        "htpass".to_owned(),
        "delete".to_owned(),
        shell_word(path.as_os_str().as_encoded_bytes()),
    ];
    words.extend(users.iter().map(|user| shell_word(user.as_bytes())));
    words.push("--groups".to_owned());
    words.push(shell_word(groups.as_os_str().as_encoded_bytes()));
    words.push("--ignore-missing".to_owned());
    words.join(" ")
}
