//! `htpass verify FILE USER`: exit 0 if the password matches, 3 if not, 6 if
//! the user is not in the file, answering as a server would (the first entry
//! of the user counts; a long bcrypt password is never refused). USER is any
//! name the file can hold (`Username::existing`), whatever it contains.

use htpass::file::{self, MalformedLines};
use htpass::frontend::Failure;
use htpass::frontend::input;
use htpass::frontend::report;
use htpass::hash::{self, Scheme, Verification};

use crate::config::Verify;

pub fn run(config: Verify) -> Result<(), Failure> {
    let Verify {
        path,
        user,
        source,
        policy,
    } = config;
    // Look the user up first: nobody should type a password to learn that
    // the user or the file is missing.
    let entry = input::read(&path, |reader| {
        file::find_entry(reader, &path, &user, MalformedLines::Keep)
    })?;
    let Some(entry) = entry else {
        return Err(Failure::UserNotFound {
            path,
            user: user.escaped(),
        });
    };
    let password = source.read(Some(&user))?;
    match hash::verify(&password, &entry.hash, policy) {
        Verification::Match => {
            report::note(format_args!("password for user {user} matches"));
            Ok(())
        }
        Verification::PlainNotAllowed => Err(Failure::PlainNotAllowed {
            user: user.escaped(),
        }),
        // A wrong password for a bare plain entry: say what servers make of
        // the entry too, since even the right password would fail there.
        Verification::Mismatch
            if !policy.allow_plain && hash::detect(&entry.hash) == Scheme::BarePlain =>
        {
            Err(Failure::PlainNotAllowed {
                user: user.escaped(),
            })
        }
        Verification::Mismatch => Err(Failure::Mismatch {
            user: user.escaped(),
        }),
    }
}
