//! `htpass create FILE [USER]`: a new file, refused if FILE exists (exit 1,
//! naming `--force`), with USER as its first entry if given.

use htpass::Error;
use htpass::file::{self, MalformedLines};
use htpass::frontend::Failure;
use htpass::frontend::report;
use htpass::hash;
use htpass::store::{self, OpenMode, Outcome};

use crate::config::{Create, NewEntry};

pub fn run(config: Create) -> Result<(), Failure> {
    let Create {
        path,
        entry,
        force,
        format,
    } = config;
    // Refuse before asking for a password; the store checks again, atomically.
    if !force && matches!(path.try_exists(), Ok(true)) {
        return Err(Error::FileExists { path }.into());
    }
    let entry = match entry {
        Some(NewEntry {
            user,
            params,
            source,
        }) => {
            let new = source.read(Some(&user))?;
            super::check_password(&params, &new.password)?;
            let hashed = hash::hash_password(&new.password, &params)?;
            Some((user, hashed, new))
        }
        None => None,
    };
    let mode = if force {
        OpenMode::Overwrite
    } else {
        OpenMode::CreateNew
    };
    let updated = store::update(&path, mode, |_old, writer| {
        if let Some((user, hashed, new)) = &entry {
            file::upsert(
                None,
                writer,
                &path,
                user,
                true,
                MalformedLines::Keep,
                |_| Ok(false),
                || Ok(hashed.clone()),
            )?;
            // Last, once the new content is complete (see `add`).
            if new.generated {
                super::deliver_generated(
                    format.as_ref(),
                    Some(user),
                    hashed,
                    &new.password,
                    Some(&path),
                )?;
            }
        }
        Ok((Outcome::Changed, ()))
    })?;
    if updated.created {
        report::note(format_args!("created {}", path.display()));
    } else {
        report::note(format_args!("replaced {}", path.display()));
    }
    if let Some((user, hashed, new)) = &entry {
        report::note(format_args!("added user {user}"));
        super::print_entry(format.as_ref(), Some(user), hashed, new.generated)?;
    }
    Ok(())
}
