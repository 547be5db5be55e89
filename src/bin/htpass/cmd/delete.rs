//! `htpass delete FILE USER...`: remove users. If any user is missing the
//! file is left as it was and the run fails (exit 6), unless
//! `--ignore-missing`, which deletes the others and reports the missing ones
//! (a missing FILE too: it holds none of them, and is not created).
//! A USER is any name the file can hold ([`Username::existing`]): the rules
//! for new names do not stop anyone from removing a line `list` shows.

use htpass::file::{self, MalformedLines};
use htpass::frontend::Failure;
use htpass::frontend::report;
use htpass::store::{self, OpenMode, Outcome};
use htpass::{Error, Username};

use crate::config::Delete;

pub fn run(config: Delete) -> Result<(), Failure> {
    let Delete {
        path,
        users,
        ignore_missing,
    } = config;
    let updated = store::update(&path, OpenMode::MustExist, |reader, writer| {
        let Some(reader) = reader else {
            return Err(Error::FileNotFound { path: path.clone() });
        };
        let outcome = file::delete(reader, writer, &path, &users, MalformedLines::Reject)?;
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
            return Ok(());
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
            path,
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
    Ok(())
}
