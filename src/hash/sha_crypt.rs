//! SHA-256-crypt (`$5$`) and SHA-512-crypt (`$6$`), after Ulrich Drepper's
//! published specification.
//!
//! Never clamps rounds: a stored hash with rounds outside 1000..=999999999
//! does not verify, as with libxcrypt (compat spec §8.2).

use sha2::digest::{Digest, FixedOutputReset};
use sha2::{Sha256, Sha512};

use super::ShaRounds;
use super::salt::{is_crypt64, push_crypt_base64};
use super::shape::Defect;
use crate::secret::ct_bytes_eq;

const ROUNDS_PREFIX: &[u8] = b"rounds=";
const MAX_SALT_BYTES: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShaVariant {
    Sha256,
    Sha512,
}

impl ShaVariant {
    fn magic(self) -> &'static [u8] {
        match self {
            ShaVariant::Sha256 => b"$5$",
            ShaVariant::Sha512 => b"$6$",
        }
    }
}

/// The variant and round count of a stored hash (5000 when it has no
/// `rounds=` field; 0 when the field is malformed, which never verifies).
pub fn parse_header(stored: &[u8]) -> Option<(ShaVariant, u32)> {
    let variant = [ShaVariant::Sha256, ShaVariant::Sha512]
        .into_iter()
        .find(|v| stored.starts_with(v.magic()))?;
    let rest = &stored[3..];
    let rounds = match rest.strip_prefix(ROUNDS_PREFIX) {
        None => ShaRounds::DEFAULT,
        Some(field) => parse_rounds(field).map_or(0, |(rounds, _)| rounds),
    };
    Some((variant, rounds))
}

/// Whether the stored hash spells out `rounds=`.
pub fn has_rounds_field(stored: &[u8]) -> bool {
    stored.len() > 3 && stored[3..].starts_with(ROUNDS_PREFIX)
}

/// Decimal digits up to `$`: the rounds and the rest after the `$`.
fn parse_rounds(field: &[u8]) -> Option<(u32, &[u8])> {
    let end = field.iter().position(|&b| b == b'$')?;
    let digits = &field[..end];
    if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = std::str::from_utf8(digits).ok()?.parse::<u64>().ok()?;
    Some((u32::try_from(value).ok()?, &field[end + 1..]))
}

/// `$5$[rounds=N$]SALT$HASH`; the salt is cut at 16 bytes or the first `$`.
pub fn hash(password: &[u8], variant: ShaVariant, rounds: Option<u32>, salt: &[u8]) -> Vec<u8> {
    let salt = cut_salt(salt);
    let count = rounds.unwrap_or(ShaRounds::DEFAULT);
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(variant.magic());
    if let Some(n) = rounds {
        out.extend_from_slice(ROUNDS_PREFIX);
        out.extend_from_slice(n.to_string().as_bytes());
        out.push(b'$');
    }
    out.extend_from_slice(salt);
    out.push(b'$');
    match variant {
        ShaVariant::Sha256 => {
            let d = digest_rounds::<Sha256>(password, salt, count);
            for (a, b, c) in SHA256_ORDER {
                push_crypt_base64(&mut out, d[a], d[b], d[c], 4);
            }
            push_crypt_base64(&mut out, 0, d[31], d[30], 3);
        }
        ShaVariant::Sha512 => {
            let d = digest_rounds::<Sha512>(password, salt, count);
            for (a, b, c) in SHA512_ORDER {
                push_crypt_base64(&mut out, d[a], d[b], d[c], 4);
            }
            push_crypt_base64(&mut out, 0, 0, d[63], 2);
        }
    }
    out
}

const SHA256_ORDER: [(usize, usize, usize); 10] = [
    (0, 10, 20),
    (21, 1, 11),
    (12, 22, 2),
    (3, 13, 23),
    (24, 4, 14),
    (15, 25, 5),
    (6, 16, 26),
    (27, 7, 17),
    (18, 28, 8),
    (9, 19, 29),
];

const SHA512_ORDER: [(usize, usize, usize); 21] = [
    (0, 21, 42),
    (22, 43, 1),
    (44, 2, 23),
    (3, 24, 45),
    (25, 46, 4),
    (47, 5, 26),
    (6, 27, 48),
    (28, 49, 7),
    (50, 8, 29),
    (9, 30, 51),
    (31, 52, 10),
    (53, 11, 32),
    (12, 33, 54),
    (34, 55, 13),
    (56, 14, 35),
    (15, 36, 57),
    (37, 58, 16),
    (59, 17, 38),
    (18, 39, 60),
    (40, 61, 19),
    (62, 20, 41),
];

/// Recomputes with the stored salt and rounds and compares the whole string.
pub fn verify(password: &[u8], stored: &[u8]) -> bool {
    let Some((variant, _)) = parse_header(stored) else {
        return false;
    };
    let rest = &stored[3..];
    let (rounds, salt_and_hash) = match rest.strip_prefix(ROUNDS_PREFIX) {
        None => (None, rest),
        Some(field) => match parse_rounds(field) {
            Some((n, after)) if (ShaRounds::MIN..=ShaRounds::MAX).contains(&n) => (Some(n), after),
            _ => return false,
        },
    };
    ct_bytes_eq(&hash(password, variant, rounds, salt_and_hash), stored)
}

/// What keeps a stored `$5$`/`$6$` hash from ever verifying, by
/// libxcrypt's rules (`crypt-sha256.c`, checked live): a `rounds=` that is
/// not a number from 1000 to 999999999 written without a leading zero
/// (libxcrypt refuses it), no `$` after the salt, a salt longer than 16
/// bytes (only 16 are used and written back), a hash part of the wrong
/// length (43 characters for SHA-256, 86 for SHA-512) or outside crypt's
/// alphabet.
pub fn defect(stored: &[u8], variant: ShaVariant) -> Option<Defect> {
    let mut rest = stored.get(3..).unwrap_or_default();
    if let Some(field) = rest.strip_prefix(ROUNDS_PREFIX) {
        match parse_rounds(field) {
            Some((rounds, after))
                if field[0] != b'0' && (ShaRounds::MIN..=ShaRounds::MAX).contains(&rounds) =>
            {
                rest = after;
            }
            _ => return Some(Defect::Rounds),
        }
    }
    let Some(end) = memchr::memchr(b'$', rest) else {
        return Some(Defect::NoHash);
    };
    let hash = &rest[end + 1..];
    let chars = match variant {
        ShaVariant::Sha256 => 43,
        ShaVariant::Sha512 => 86,
    };
    if end > MAX_SALT_BYTES {
        Some(Defect::SaltTooLong {
            max: MAX_SALT_BYTES,
        })
    } else if hash.len() != chars {
        Some(Defect::HashLength { chars })
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

/// Steps 1-21 of the specification: the final digest after `rounds` rounds.
fn digest_rounds<D: Digest + FixedOutputReset>(
    password: &[u8],
    salt: &[u8],
    rounds: u32,
) -> Vec<u8> {
    let size = <D as Digest>::output_size();
    let alternate = D::new()
        .chain_update(password)
        .chain_update(salt)
        .chain_update(password)
        .finalize();

    let mut ctx = D::new();
    Digest::update(&mut ctx, password);
    Digest::update(&mut ctx, salt);
    let mut remaining = password.len();
    while remaining > size {
        Digest::update(&mut ctx, &alternate);
        remaining -= size;
    }
    Digest::update(&mut ctx, &alternate[..remaining]);
    let mut bits = password.len();
    while bits > 0 {
        if bits & 1 == 1 {
            Digest::update(&mut ctx, &alternate);
        } else {
            Digest::update(&mut ctx, password);
        }
        bits >>= 1;
    }
    let mut digest_a = ctx.finalize().to_vec();

    let mut ctx = D::new();
    for _ in 0..password.len() {
        Digest::update(&mut ctx, password);
    }
    let digest_p = ctx.finalize();
    let p_bytes = repeat_to(&digest_p, password.len());

    let mut ctx = D::new();
    for _ in 0..16 + usize::from(digest_a[0]) {
        Digest::update(&mut ctx, salt);
    }
    let digest_s = ctx.finalize();
    let s_bytes = repeat_to(&digest_s, salt.len());

    let mut ctx = D::new();
    for round in 0..rounds {
        if round & 1 == 1 {
            Digest::update(&mut ctx, &p_bytes);
        } else {
            Digest::update(&mut ctx, &digest_a);
        }
        if round % 3 != 0 {
            Digest::update(&mut ctx, &s_bytes);
        }
        if round % 7 != 0 {
            Digest::update(&mut ctx, &p_bytes);
        }
        if round & 1 == 1 {
            Digest::update(&mut ctx, &digest_a);
        } else {
            Digest::update(&mut ctx, &p_bytes);
        }
        digest_a.copy_from_slice(&Digest::finalize_reset(&mut ctx));
    }
    digest_a
}

fn repeat_to(block: &[u8], len: usize) -> Vec<u8> {
    block.iter().copied().cycle().take(len).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors from the specification, as libxcrypt computes them.
    #[test]
    fn matches_specification_vectors() {
        assert_eq!(
            hash(b"Hello world!", ShaVariant::Sha256, None, b"saltstring"),
            b"$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5".to_vec()
        );
        assert_eq!(
            hash(
                b"Hello world!",
                ShaVariant::Sha256,
                Some(10000),
                b"saltstringsaltstring"
            ),
            b"$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA"
                .to_vec()
        );
        assert_eq!(
            hash(b"Hello world!", ShaVariant::Sha512, None, b"saltstring"),
            b"$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1".to_vec()
        );
        assert_eq!(
            hash(b"Hello world!", ShaVariant::Sha512, Some(10000), b"saltstringsaltstring"),
            b"$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.".to_vec()
        );
    }

    #[test]
    fn verifies_with_and_without_rounds() {
        let stored = hash(b"pw", ShaVariant::Sha512, Some(1000), b"abcdefgh");
        assert!(verify(b"pw", &stored));
        assert!(!verify(b"pW", &stored));
        assert_eq!(parse_header(&stored), Some((ShaVariant::Sha512, 1000)));
        assert!(has_rounds_field(&stored));
        let plain = hash(b"pw", ShaVariant::Sha256, None, b"abcdefgh");
        assert_eq!(parse_header(&plain), Some((ShaVariant::Sha256, 5000)));
        assert!(verify(b"pw", &plain));
    }

    #[test]
    fn out_of_range_rounds_never_verify() {
        // A hash that claims 999 rounds cannot be made legitimately.
        let forged = hash(b"pw", ShaVariant::Sha256, Some(999), b"abcdefgh");
        assert!(!verify(b"pw", &forged));
        assert!(!verify(b"pw", b"$5$rounds=x$abc$def"));
    }
}
