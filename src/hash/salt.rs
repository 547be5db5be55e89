//! Salts from the operating system's random generator, and the crypt(3)
//! base64 encoding the crypt formats share.
//!
//! Never uses a user-space generator: salts must be unpredictable.

use crate::error::Error;

/// The `./0-9A-Za-z` alphabet of crypt(3), in its order (compat spec §5).
pub const CRYPT_ALPHABET: &[u8; 64] =
    b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Whether `byte` is in [`CRYPT_ALPHABET`] (bcrypt's alphabet is the same
/// set in another order). A match, not a search: `check` asks it of every
/// character of every hash of a file.
pub fn is_crypt64(byte: u8) -> bool {
    matches!(byte, b'.' | b'/' | b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z')
}

/// `N` random bytes from the OS generator.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
    Ok(bytes)
}

/// A textual salt of `len` characters of [`CRYPT_ALPHABET`], 6 random bits
/// each (256 is a multiple of 64, so `byte & 63` is unbiased).
pub fn crypt_salt(len: usize) -> Result<Vec<u8>, Error> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
    Ok(bytes
        .iter()
        .map(|b| CRYPT_ALPHABET[usize::from(b & 63)])
        .collect())
}

/// Appends the `chars` low 6-bit groups of the 24-bit value `b2 b1 b0`,
/// least significant first: the `b64_from_24bit` of the crypt formats.
pub fn push_crypt_base64(out: &mut Vec<u8>, b2: u8, b1: u8, b0: u8, chars: usize) {
    let mut word = (u32::from(b2) << 16) | (u32::from(b1) << 8) | u32::from(b0);
    for _ in 0..chars {
        out.push(CRYPT_ALPHABET[(word & 0x3f) as usize]);
        word >>= 6;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crypt_salt_uses_only_the_alphabet_and_varies() {
        let first = crypt_salt(16).unwrap();
        assert_eq!(first.len(), 16);
        assert!(first.iter().all(|c| CRYPT_ALPHABET.contains(c)));
        assert_ne!(first, crypt_salt(16).unwrap());
    }

    #[test]
    fn is_crypt64_is_the_alphabet() {
        for byte in 0..=255u8 {
            assert_eq!(is_crypt64(byte), CRYPT_ALPHABET.contains(&byte), "{byte}");
        }
    }

    #[test]
    fn crypt_base64_is_little_end_first() {
        let mut out = Vec::new();
        push_crypt_base64(&mut out, 0, 0, 1, 4);
        assert_eq!(out, b"/...");
    }
}
