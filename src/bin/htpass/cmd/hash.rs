//! `htpass hash [USER]`: print a hash, or a `USER:HASH` line, and touch no
//! file (the modern `htpasswd -nB`).
//!
//! With `--reuse-from LAST`, USER's entry of LAST is printed again, byte for
//! byte, while it still verifies the password with the requested parameters
//! (see [`super::reuse_from`]), so a pipeline that renders a Secret from its
//! CI secrets renders the same manifest on every run.

use htpass::frontend::Failure;
use htpass::hash;

use crate::config::Hash;

pub fn run(config: Hash) -> Result<(), Failure> {
    let Hash {
        user,
        params,
        source,
        format,
        reuse,
    } = config;
    // LAST first: one that is neither a file nor a Secret fails before a
    // password is asked for.
    let last = reuse
        .as_ref()
        .map(|reuse| super::reuse_from::load(reuse).map(|last| (reuse.source.name(), last)))
        .transpose()?;
    let new = source.read(user.as_ref())?;
    super::check_password(&params, &new.password)?;
    let hashed = match (&last, &user) {
        (Some((name, last)), Some(user)) => {
            super::reuse_from::hash_for(user, &new.password, &params, last, name)?
        }
        _ => hash::hash_password(&new.password, &params)?,
    };
    if new.generated {
        super::deliver_generated(Some(&format), user.as_ref(), &hashed, &new.password, None)?;
    }
    super::print_entry(Some(&format), user.as_ref(), &hashed, new.generated)
}
