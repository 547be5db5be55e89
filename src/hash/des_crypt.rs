//! Traditional DES crypt(3): 2 salt characters and 11 hash characters. Only
//! the low 7 bits of the first 8 password bytes count (an insecure format,
//! kept because Apache writes it with `-d`).

use super::salt::is_crypt64;
use crate::secret::ct_bytes_eq;

const HASH_LEN: usize = 13;

/// A 13-character string of the crypt alphabet.
pub fn looks_like(stored: &[u8]) -> bool {
    stored.len() == HASH_LEN && stored.iter().copied().all(is_crypt64)
}

/// The DES crypt of `password` (a C string: it ends at a NUL) with `salt`.
pub fn hash(password: &[u8], salt: [u8; 2]) -> Vec<u8> {
    let end = password
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(password.len());
    let salt_text: String = salt.iter().map(|&b| char::from(b)).collect();
    // pwhash fails only for salt characters outside the crypt alphabet, which
    // callers rule out; an empty result can never equal a stored hash.
    #[allow(deprecated)] // deprecated as advice against new DES hashes; we need it for -d.
    let hashed = pwhash::unix_crypt::hash_with(&salt_text, &password[..end]);
    hashed.map(String::into_bytes).unwrap_or_default()
}

pub fn verify(password: &[u8], stored: &[u8]) -> bool {
    looks_like(stored) && ct_bytes_eq(&hash(password, [stored[0], stored[1]]), stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_known_answer() {
        // `openssl passwd -crypt -salt ab password`
        assert_eq!(hash(b"password", *b"ab"), b"abJnggxhB/yWI".to_vec());
        assert!(verify(b"password", b"abJnggxhB/yWI"));
        assert!(verify(b"passwordEXTRA", b"abJnggxhB/yWI"));
        assert!(!verify(b"passwore", b"abJnggxhB/yWI"));
    }
}
