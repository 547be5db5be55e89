//! `htpass check FILE`: lint a file for the servers that will read it.

use htpass::frontend::Failure;

use crate::config::Check;

pub fn run(config: Check) -> Result<(), Failure> {
    let _ = config;
    Err(Failure::Usage("check is not written yet".to_owned()))
}
