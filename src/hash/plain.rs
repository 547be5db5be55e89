//! Plain text: `{PLAIN}password` (nginx's tagged form) and a bare password,
//! which Apache on Linux, nginx and the registry all reject.

use crate::secret::ct_bytes_eq;

pub const PLAIN_PREFIX: &str = "{PLAIN}";

pub fn verify_tagged(password: &[u8], stored: &[u8]) -> bool {
    stored
        .strip_prefix(PLAIN_PREFIX.as_bytes())
        .is_some_and(|text| ct_bytes_eq(password, text))
}

pub fn verify_bare(password: &[u8], stored: &[u8]) -> bool {
    ct_bytes_eq(password, stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagged_and_bare() {
        assert!(verify_tagged(b"pw", b"{PLAIN}pw"));
        assert!(!verify_tagged(b"pw", b"pw"));
        assert!(verify_bare(b"pw", b"pw"));
        assert!(!verify_bare(b"pw", b"pw "));
    }
}
