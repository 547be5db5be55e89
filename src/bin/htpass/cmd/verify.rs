//! `htpass verify FILE USER`: exit 0 if the password matches, 3 if not, 6 if
//! the user is not in the file, answering as a server would (the first entry
//! of the user counts; a long bcrypt password is never refused). USER is any
//! name the file can hold (`Username::existing`), whatever it contains.
//!
//! A stored entry that nothing can verify (malformed, or of a scheme htpass
//! does not verify, as `hash::inspect` reads it) is said to be so, with
//! exit 3 too, before any password is asked for: no password is to blame.

use htpass::check::{Format, ServerRules, default_servers};
use htpass::file::{self, MalformedLines};
use htpass::frontend::Failure;
use htpass::frontend::report;
use htpass::hash::{self, Scheme, Shape, Unsupported, Verification};
use htpass::store;

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
    let entry = store::read(&path, |reader| {
        file::find_entry(reader, &path, &user, MalformedLines::Keep)
    })?;
    let Some(entry) = entry else {
        return Err(Failure::UserNotFound {
            path,
            user: user.escaped(),
        });
    };
    match hash::inspect(&entry.hash) {
        Shape::Sound(_) => {}
        Shape::Malformed { scheme, defect } => {
            return Err(Failure::MalformedEntry {
                path,
                user: user.escaped(),
                scheme: Format::of(scheme).label(),
                defect: defect.to_string(),
            });
        }
        Shape::Unsupported(row) => {
            return Err(Failure::UnsupportedEntry {
                path,
                user: user.escaped(),
                scheme: row.label,
                servers: who_verifies(row),
            });
        }
    }
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

/// Who verifies a scheme htpass cannot, from `check`'s server table.
fn who_verifies(row: &'static Unsupported) -> String {
    let (verifying, refusing): (Vec<&ServerRules>, Vec<&ServerRules>) =
        default_servers().partition(|rules| rules.accepts(Format::Unsupported(row)));
    if verifying.is_empty() {
        return "no server that reads htpasswd files verifies it either".to_owned();
    }
    let names = |rules: Vec<&ServerRules>| {
        let names: Vec<&str> = rules.iter().map(|rules| rules.name).collect();
        match names.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, init)) => format!("{} and {last}", init.join(", ")),
            None => String::new(),
        }
    };
    format!(
        "{} verify it through the system crypt(3); {} do not",
        names(verifying),
        names(refusing)
    )
}
