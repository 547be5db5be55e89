//! `htpass hash [USER]`: print a hash, or a `USER:HASH` line, and touch no
//! file (the modern `htpasswd -nB`).

use htpass::frontend::Failure;
use htpass::hash;

use crate::config::Hash;

pub fn run(config: Hash) -> Result<(), Failure> {
    let Hash {
        user,
        params,
        source,
        format,
    } = config;
    let new = source.read(user.as_ref())?;
    super::check_password(&params, &new.password)?;
    let hashed = hash::hash_password(&new.password, &params)?;
    if new.generated {
        super::deliver_generated(Some(&format), user.as_ref(), &hashed, &new.password, None)?;
    }
    super::print_entry(Some(&format), user.as_ref(), &hashed, new.generated)
}
