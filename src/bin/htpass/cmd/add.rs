//! `htpass add FILE USER`: add a user or change a password, creating FILE if
//! it is missing (and saying so).
//!
//! Idempotent: when the stored hash already verifies the password and was
//! made with the requested parameters, the line is kept byte for byte and the
//! file is not rewritten at all (same inode, same mtime), so a re-run
//! pipeline changes nothing and GitOps tools see no diff. `--rehash` forces a
//! new salt; `--no-update` refuses an existing user (exit 1).

use htpass::file::{self, MalformedLines, UpsertOutcome};
use htpass::frontend::Failure;
use htpass::frontend::report;
use htpass::hash::{self, Params, VerifyPolicy};
use htpass::store::{self, OpenMode, Outcome};

use crate::config::{Add, Existing, NewEntry};

pub fn run(config: Add) -> Result<(), Failure> {
    let Add {
        path,
        entry: NewEntry {
            user,
            params,
            source,
        },
        existing,
        format,
    } = config;
    // The password first: nobody waits at a prompt while holding the lock.
    let new = source.read(Some(&user))?;
    super::check_password(&params, &new.password)?;

    let mut kept: Option<Vec<u8>> = None;
    let mut fresh: Option<Vec<u8>> = None;
    let updated = store::update(&path, OpenMode::CreateIfMissing, |reader, writer| {
        let outcome = file::upsert(
            reader,
            writer,
            &path,
            &user,
            existing == Existing::Refuse,
            MalformedLines::Reject,
            |stored| {
                let keep = existing == Existing::UpdateIfChanged
                    && hash::matches_params(stored, &params)
                    && hash::verify(
                        &new.password,
                        stored,
                        // A plain entry counts only when plain is what was asked for.
                        VerifyPolicy {
                            allow_plain: params == Params::Plain,
                        },
                    )
                    .is_match();
                if keep {
                    kept = Some(stored.to_vec());
                }
                Ok(keep)
            },
            || {
                let hashed = hash::hash_password(&new.password, &params)?;
                fresh = Some(hashed.clone());
                Ok(hashed)
            },
        )?;
        let changed = match outcome {
            UpsertOutcome::Unchanged => Outcome::Unchanged,
            UpsertOutcome::Added | UpsertOutcome::Updated => Outcome::Changed,
        };
        // Last, once the new content is complete: a generated password
        // reaches its reader before the change is made, or the change is not.
        if new.generated && changed == Outcome::Changed {
            let hashed = fresh.as_deref().unwrap_or_default();
            super::deliver_generated(
                format.as_ref(),
                Some(&user),
                hashed,
                &new.password,
                Some(&path),
            )?;
        }
        Ok((changed, outcome))
    })?;

    if updated.created {
        report::note(format_args!("created {}", path.display()));
    }
    match updated.value {
        UpsertOutcome::Added => report::note(format_args!("added user {user}")),
        UpsertOutcome::Updated => report::note(format_args!("updated user {user}")),
        UpsertOutcome::Unchanged => report::note(format_args!("unchanged: user {user}")),
    }
    let stored = fresh.or(kept).unwrap_or_default();
    super::print_entry(format.as_ref(), Some(&user), &stored, new.generated)
}
