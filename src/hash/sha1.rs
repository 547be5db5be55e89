//! `{SHA}` (unsalted SHA-1, what `htpasswd -s` writes) and `{SSHA}` (salted,
//! verify only), both base64 with the standard alphabet.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha1::{Digest, Sha1};

use crate::secret::ct_bytes_eq;

pub const SHA_PREFIX: &str = "{SHA}";
pub const SSHA_PREFIX: &str = "{SSHA}";
const DIGEST_LEN: usize = 20;

/// `{SHA}` + base64 of the SHA-1 digest: deterministic, no salt.
pub fn hash(password: &[u8]) -> Vec<u8> {
    let mut out = SHA_PREFIX.as_bytes().to_vec();
    out.extend_from_slice(STANDARD.encode(Sha1::digest(password)).as_bytes());
    out
}

pub fn verify_sha(password: &[u8], stored: &[u8]) -> bool {
    ct_bytes_eq(&hash(password), stored)
}

/// `{SSHA}` + base64(SHA-1(password + salt) + salt), salt of any length.
pub fn verify_ssha(password: &[u8], stored: &[u8]) -> bool {
    let Some(encoded) = stored.strip_prefix(SSHA_PREFIX.as_bytes()) else {
        return false;
    };
    let Ok(decoded) = STANDARD.decode(encoded) else {
        return false;
    };
    if decoded.len() <= DIGEST_LEN {
        return false;
    }
    let (digest, salt) = decoded.split_at(DIGEST_LEN);
    let computed = Sha1::new()
        .chain_update(password)
        .chain_update(salt)
        .finalize();
    ct_bytes_eq(&computed, digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha_matches_known_answer() {
        // `htpasswd -nbs u password`
        assert_eq!(
            hash(b"password"),
            b"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=".to_vec()
        );
        assert!(verify_sha(
            b"password",
            b"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="
        ));
        assert!(!verify_sha(
            b"Password",
            b"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="
        ));
    }

    #[test]
    fn ssha_verifies_salted_digest() {
        let salt = b"NaCl1234";
        let mut raw = Sha1::new()
            .chain_update(b"pw")
            .chain_update(salt)
            .finalize()
            .to_vec();
        raw.extend_from_slice(salt);
        let stored = format!("{SSHA_PREFIX}{}", STANDARD.encode(&raw));
        assert!(verify_ssha(b"pw", stored.as_bytes()));
        assert!(!verify_ssha(b"pX", stored.as_bytes()));
        assert!(!verify_ssha(b"pw", b"{SSHA}not base64!"));
        assert!(!verify_ssha(b"pw", b"{SSHA}"));
    }
}
