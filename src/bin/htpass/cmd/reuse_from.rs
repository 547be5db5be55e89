//! `--reuse-from LAST` for `hash` and `export --from`: LAST read whole (a
//! Secret, or the file it holds, is small), handed to the library's
//! [`Reuse`], and the decision for each user said on stderr, so a CI log
//! shows why a manifest changed.
//!
//! A LAST that does not exist is the first run, not an error: `kubectl get
//! secret NAME -o yaml > last.yaml 2>/dev/null` leaves an empty file or
//! none, and `... | htpass --reuse-from -` an empty standard input.

use std::fs::File;
use std::io::{self, IsTerminal, Read};

use htpass::Error;
use htpass::Password;
use htpass::Username;
use htpass::frontend::Failure;
use htpass::frontend::report;
use htpass::hash::{self, Params};
use htpass::reuse::{self, Found, MAX_SOURCE_BYTES, Reuse};

use crate::config::{BatchSource, ReuseFrom};

/// Reads LAST; nothing to reuse when it is missing or empty.
pub fn load(reuse: &ReuseFrom) -> Result<Reuse, Failure> {
    let name = reuse.source.name();
    let read = |reader: &mut dyn Read, path: &str| -> Result<Vec<u8>, Error> {
        let mut bytes = Vec::new();
        // One byte past the limit is enough to refuse it.
        reader
            .take(MAX_SOURCE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| Error::FileAccess {
                path: path.into(),
                action: "read the last output (--reuse-from)",
                source,
            })?;
        Ok(bytes)
    };
    let bytes = match &reuse.source {
        BatchSource::Stdin => {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                report::note("reading the last output (--reuse-from -); end with Ctrl-D");
            }
            read(&mut stdin.lock(), &name)?
        }
        BatchSource::File(path) => match File::open(path) {
            Ok(mut file) => read(&mut file, &name)?,
            Err(error) if error.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(source) => {
                return Err(Error::FileAccess {
                    path: path.clone(),
                    action: "open the last output (--reuse-from)",
                    source,
                }
                .into());
            }
        },
    };
    let last = Reuse::parse(&bytes, &name, &reuse.key)?;
    if last.found() == Found::Nothing {
        match reuse.source {
            BatchSource::Stdin => report::note("standard input is empty: nothing to reuse"),
            BatchSource::File(_) => {
                report::note(format_args!("{name} is missing or empty: nothing to reuse"));
            }
        }
    }
    Ok(last)
}

/// `user`'s hash: the one of LAST if it still verifies `password` with
/// `params`, else a new one; said on stderr either way.
pub fn hash_for(
    user: &Username,
    password: &Password,
    params: &Params,
    last: &Reuse,
    name: &str,
) -> Result<Vec<u8>, Error> {
    match last.stored(user.as_bytes()) {
        Some(stored) if reuse::reusable(stored, password, params) => {
            report::note(format_args!("{user}: hash reused from {name}"));
            return Ok(stored.to_vec());
        }
        Some(_) => report::note(format_args!(
            "{user}: new hash (the password or the parameters changed since {name})"
        )),
        None if last.found() != Found::Nothing => {
            report::note(format_args!(
                "{user}: new hash ({name} has no entry for this user)"
            ));
        }
        None => {}
    }
    hash::hash_password(password, params)
}
