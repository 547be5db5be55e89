//! MD5-crypt: Apache's `$apr1$` and the system's `$1$` (FreeBSD's algorithm;
//! the two differ only in the magic string, which is mixed into the digest).

use md5::{Digest, Md5};

use super::salt::{is_crypt64, push_crypt_base64};
use super::shape::Defect;
use crate::secret::ct_bytes_eq;

pub const APR1_MAGIC: &str = "$apr1$";
pub const MD5_MAGIC: &str = "$1$";
const MAX_SALT_BYTES: usize = 8;
const HASH_CHARS: usize = 22;

/// `MAGIC SALT $ HASH`. The salt is cut at 8 bytes or at the first `$`.
pub fn hash(password: &[u8], magic: &str, salt: &[u8]) -> Vec<u8> {
    let salt = cut_salt(salt);
    let mut ctx = Md5::new();
    ctx.update(password);
    ctx.update(magic.as_bytes());
    ctx.update(salt);

    let alternate = Md5::new()
        .chain_update(password)
        .chain_update(salt)
        .chain_update(password)
        .finalize();
    let mut remaining = password.len();
    while remaining > 0 {
        let take = remaining.min(16);
        ctx.update(&alternate[..take]);
        remaining -= take;
    }
    // Odd historical choice of the reference code: a NUL for a set bit, the
    // first password byte for a clear one.
    let mut bits = password.len();
    while bits > 0 {
        if bits & 1 == 1 {
            ctx.update([0u8]);
        } else {
            ctx.update(&password[..1]);
        }
        bits >>= 1;
    }
    let mut digest = ctx.finalize();

    for round in 0..1000 {
        let mut ctx = Md5::new();
        if round & 1 == 1 {
            ctx.update(password);
        } else {
            ctx.update(digest);
        }
        if round % 3 != 0 {
            ctx.update(salt);
        }
        if round % 7 != 0 {
            ctx.update(password);
        }
        if round & 1 == 1 {
            ctx.update(digest);
        } else {
            ctx.update(password);
        }
        digest = ctx.finalize();
    }

    let mut out = Vec::with_capacity(magic.len() + salt.len() + 23);
    out.extend_from_slice(magic.as_bytes());
    out.extend_from_slice(salt);
    out.push(b'$');
    let d = digest;
    for (a, b, c) in [(0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)] {
        push_crypt_base64(&mut out, d[a], d[b], d[c], 4);
    }
    push_crypt_base64(&mut out, 0, 0, d[11], 2);
    out
}

/// Recomputes with the stored salt and compares the whole string.
pub fn verify(password: &[u8], magic: &str, stored: &[u8]) -> bool {
    match stored.strip_prefix(magic.as_bytes()) {
        Some(rest) => ct_bytes_eq(&hash(password, magic, rest), stored),
        None => false,
    }
}

/// What keeps a stored hash that starts with `magic` from ever verifying:
/// no `$` after the salt, a salt longer than 8 bytes (the hash is made from
/// the first 8, and they alone are written back), a hash part other than
/// 22 characters of crypt's alphabet. The salt may hold any other byte:
/// Apache and nginx compute `$apr1$` themselves and take it as it is.
pub fn defect(stored: &[u8], magic: &str) -> Option<Defect> {
    let rest = stored.get(magic.len()..).unwrap_or_default();
    let Some(end) = memchr::memchr(b'$', rest) else {
        return Some(Defect::NoHash);
    };
    let hash = &rest[end + 1..];
    if end > MAX_SALT_BYTES {
        Some(Defect::SaltTooLong {
            max: MAX_SALT_BYTES,
        })
    } else if hash.len() != HASH_CHARS {
        Some(Defect::HashLength { chars: HASH_CHARS })
    } else if !hash.iter().copied().all(is_crypt64) {
        Some(Defect::HashAlphabet)
    } else {
        None
    }
}

fn cut_salt(salt: &[u8]) -> &[u8] {
    let salt = &salt[..salt.len().min(MAX_SALT_BYTES)];
    match salt.iter().position(|&b| b == b'$') {
        Some(end) => &salt[..end],
        None => salt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known answers from OpenSSL (`openssl passwd -1 / -apr1 -salt ...`).
    #[test]
    fn matches_published_vectors() {
        assert_eq!(
            hash(b"password", MD5_MAGIC, b"xxxxxxxx"),
            b"$1$xxxxxxxx$UYCIxa628.9qXjpQCjM4a.".to_vec()
        );
        assert_eq!(
            hash(b"password", APR1_MAGIC, b"xxxxxxxx"),
            b"$apr1$xxxxxxxx$dxHfLAsjHkDRmG83UXe8K0".to_vec()
        );
    }

    #[test]
    fn verifies_and_rejects() {
        let stored = hash(b"secret", APR1_MAGIC, b"abcdefgh");
        assert!(verify(b"secret", APR1_MAGIC, &stored));
        assert!(!verify(b"secreT", APR1_MAGIC, &stored));
        assert!(!verify(b"secret", MD5_MAGIC, &stored));
    }

    #[test]
    fn short_salt_ends_at_dollar() {
        let stored = hash(b"pw", APR1_MAGIC, b"ab$zzz");
        assert!(stored.starts_with(b"$apr1$ab$"));
        assert!(verify(b"pw", APR1_MAGIC, &stored));
    }
}
