//! `{SHA}` (unsalted SHA-1, what `htpasswd -s` writes) and `{SSHA}` (salted,
//! verify only), both base64 with the standard alphabet.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha1::{Digest, Sha1};

use super::shape::Defect;
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

/// `{SSHA}` + base64(SHA-1(password + salt) + salt), salt of any length,
/// even none: nginx, the one server that reads `{SSHA}`, verifies a bare
/// 20-byte digest too (`ngx_crypt_ssha`, checked live with nginx 1.22.1).
pub fn verify_ssha(password: &[u8], stored: &[u8]) -> bool {
    let Some(encoded) = stored.strip_prefix(SSHA_PREFIX.as_bytes()) else {
        return false;
    };
    let Ok(decoded) = STANDARD.decode(encoded) else {
        return false;
    };
    if decoded.len() < DIGEST_LEN {
        return false;
    }
    let (digest, salt) = decoded.split_at(DIGEST_LEN);
    let computed = Sha1::new()
        .chain_update(password)
        .chain_update(salt)
        .finalize();
    ct_bytes_eq(&computed, digest)
}

/// What keeps a stored `{SHA}` hash from ever verifying: Apache, nginx
/// and Traefik compare it as text with the base64 they compute, so it must
/// be that text: 28 characters, the padded, canonical base64 of 20 bytes.
/// (Envoy refuses the whole file when it is not 28 characters.)
pub fn sha_defect(stored: &[u8]) -> Option<Defect> {
    let encoded = stored.get(SHA_PREFIX.len()..).unwrap_or_default();
    if encoded.len() != 28 {
        Some(Defect::Sha1Length)
    } else if decoded_len(encoded) != Some(DIGEST_LEN) {
        Some(Defect::Sha1Base64)
    } else {
        None
    }
}

/// What keeps a stored `{SSHA}` hash from ever verifying: it must be the
/// canonical base64 of a 20-byte digest and its salt (possibly empty), as
/// nginx re-encodes it and compares the text, and as [`verify_ssha`]
/// decodes it.
pub fn ssha_defect(stored: &[u8]) -> Option<Defect> {
    let encoded = stored.get(SSHA_PREFIX.len()..).unwrap_or_default();
    match decoded_len(encoded) {
        Some(len) if len >= DIGEST_LEN => None,
        _ => Some(Defect::SshaBase64),
    }
}

/// How many bytes `encoded` decodes to, if it is what the standard base64
/// engine decodes: the standard alphabet, padded to a multiple of 4, the
/// bits after the last byte zero. Counted without decoding, so nothing is
/// allocated.
fn decoded_len(encoded: &[u8]) -> Option<usize> {
    if !encoded.len().is_multiple_of(4) {
        return None;
    }
    let padding = encoded
        .iter()
        .rev()
        .take_while(|&&byte| byte == b'=')
        .count();
    let (data, unused_bits) = match padding {
        0 => (encoded, 0),
        1 => (&encoded[..encoded.len() - 1], 0b11),
        2 => (&encoded[..encoded.len() - 2], 0b1111),
        _ => return None,
    };
    let mut last = 0;
    for &byte in data {
        last = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
    }
    (last & unused_bits == 0).then(|| encoded.len() / 4 * 3 - padding)
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

    proptest::proptest! {
        /// The length `decoded_len` counts is what the engine `verify_ssha`
        /// uses decodes, and it refuses what the engine refuses.
        #[test]
        fn decoded_len_agrees_with_the_base64_engine(
            text in "[A-Za-z0-9+/=.!]{0,40}",
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
        ) {
            let encoded = STANDARD.encode(&bytes);
            proptest::prop_assert_eq!(decoded_len(encoded.as_bytes()), Some(bytes.len()));
            proptest::prop_assert_eq!(
                decoded_len(text.as_bytes()),
                STANDARD.decode(&text).ok().map(|decoded| decoded.len())
            );
        }
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
        // No salt: the digest alone, as nginx verifies it.
        let bare = format!("{SSHA_PREFIX}{}", STANDARD.encode(Sha1::digest(b"pw")));
        assert!(verify_ssha(b"pw", bare.as_bytes()));
        assert!(!verify_ssha(b"pX", bare.as_bytes()));
    }
}
