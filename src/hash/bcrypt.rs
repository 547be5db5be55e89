//! bcrypt (`$2a$ $2b$ $2x$ $2y$`), on the EksBlowfish primitives of the
//! `blowfish` crate.
//!
//! The key schedule is ours so that every variant behaves as crypt_blowfish
//! (libxcrypt, which Apache and the servers use): `$2x$` keeps the historical
//! sign-extension bug for bytes >= 0x80, and `$2a$` applies crypt_blowfish's
//! countermeasure against it. The password is a C string: it ends at a NUL.

use blowfish::Blowfish;
use zeroize::Zeroizing;

use crate::secret::ct_bytes_eq;

/// bcrypt reads only this many bytes of a password.
pub const MAX_PASSWORD_BYTES: usize = 72;
const HASH_LEN: usize = 60;
const SALT_CHARS: usize = 22;
const KEY_WORDS: usize = 18;
const BCRYPT_ALPHABET: &[u8; 64] =
    b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BcryptVariant {
    TwoA,
    TwoB,
    TwoX,
    TwoY,
}

impl BcryptVariant {
    /// The prefix written for this variant, e.g. `$2y$`.
    pub fn prefix(self) -> &'static str {
        match self {
            BcryptVariant::TwoA => "$2a$",
            BcryptVariant::TwoB => "$2b$",
            BcryptVariant::TwoX => "$2x$",
            BcryptVariant::TwoY => "$2y$",
        }
    }
}

/// `$2?$NN$`: the variant and the cost as written (range checked by [`verify`]).
pub fn parse_header(stored: &[u8]) -> Option<(BcryptVariant, u32)> {
    let variant = match stored.get(..4)? {
        b"$2a$" => BcryptVariant::TwoA,
        b"$2b$" => BcryptVariant::TwoB,
        b"$2x$" => BcryptVariant::TwoX,
        b"$2y$" => BcryptVariant::TwoY,
        _ => return None,
    };
    match stored.get(4..7)? {
        [tens @ b'0'..=b'9', ones @ b'0'..=b'9', b'$'] => Some((
            variant,
            u32::from(tens - b'0') * 10 + u32::from(ones - b'0'),
        )),
        _ => None,
    }
}

/// `$2y$CC$` + 22 salt characters + 31 hash characters.
pub fn hash(password: &[u8], variant: BcryptVariant, cost: u32, salt: &[u8; 16]) -> Vec<u8> {
    let digest = eks_blowfish(password, variant, cost, salt);
    let mut out = Vec::with_capacity(HASH_LEN);
    out.extend_from_slice(variant.prefix().as_bytes());
    out.extend_from_slice(format!("{cost:02}$").as_bytes());
    encode(salt, &mut out);
    encode(&digest[..23], &mut out);
    out
}

/// Recomputes with the stored variant, cost and salt; compares the whole
/// string, so a salt whose last character is not canonical never verifies.
pub fn verify(password: &[u8], stored: &[u8]) -> bool {
    let Some((variant, cost)) = parse_header(stored) else {
        return false;
    };
    if stored.len() != HASH_LEN
        || !(super::BcryptCost::MIN..=super::BcryptCost::MAX).contains(&cost)
    {
        return false;
    }
    let Some(salt) = decode_salt(&stored[7..7 + SALT_CHARS]) else {
        return false;
    };
    ct_bytes_eq(&hash(password, variant, cost, &salt), stored)
}

/// The 24-byte EksBlowfish output for `OrpheanBeholderScryDoubt`.
fn eks_blowfish(password: &[u8], variant: BcryptVariant, cost: u32, salt: &[u8; 16]) -> [u8; 24] {
    let (initial, expanded) = key_schedule(password, variant);
    let mut state = Blowfish::bc_init_state();
    state.salted_expand_key(salt, initial.as_slice());
    for _ in 0..(1u64 << cost) {
        state.bc_expand_key(expanded.as_slice());
        state.bc_expand_key(salt);
    }
    let mut text = [0u32; 6];
    for (word, chunk) in text.iter_mut().zip(b"OrpheanBeholderScryDoubt".chunks(4)) {
        *word = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    for _ in 0..64 {
        for pair in text.chunks_mut(2) {
            let [l, r] = state.bc_encrypt([pair[0], pair[1]]);
            pair[0] = l;
            pair[1] = r;
        }
    }
    let mut out = [0u8; 24];
    for (chunk, word) in out.chunks_mut(4).zip(text) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// The 18 key words as crypt_blowfish's `BF_set_key` makes them, as bytes
/// for the blowfish crate (which reads them back big-endian): the words for
/// the first expansion, and the words for the cost loop.
fn key_schedule(
    password: &[u8],
    variant: BcryptVariant,
) -> (Zeroizing<Vec<u8>>, Zeroizing<Vec<u8>>) {
    let end = password
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(password.len());
    let mut key = Zeroizing::new(Vec::with_capacity(end + 1));
    key.extend_from_slice(&password[..end]);
    key.push(0);

    let mut words = Zeroizing::new([0u32; KEY_WORDS]);
    let (mut sign, mut diff, mut pos) = (0u32, 0u32, 0usize);
    for word in words.iter_mut() {
        let (mut correct, mut bugged) = (0u32, 0u32);
        for j in 0..4 {
            let byte = key[pos];
            correct = (correct << 8) | u32::from(byte);
            // The historical bug: the byte as a signed char, sign-extended.
            bugged = (bugged << 8) | (byte as i8 as i32 as u32);
            if j > 0 {
                sign |= bugged & 0x80;
            }
            pos = (pos + 1) % key.len();
        }
        diff |= correct ^ bugged;
        *word = if variant == BcryptVariant::TwoX {
            bugged
        } else {
            correct
        };
    }
    // crypt_blowfish's $2a$ countermeasure: where the bug would have made the
    // same key, flip a bit of the first expansion so old buggy hashes differ.
    diff |= diff >> 16;
    diff &= 0xffff;
    diff += 0xffff;
    let safety = if variant == BcryptVariant::TwoA {
        0x10000
    } else {
        0
    };
    let flip = (sign << 9) & !diff & safety;

    let to_bytes = |first_flip: u32| {
        let mut bytes = Zeroizing::new(Vec::with_capacity(KEY_WORDS * 4));
        for (i, word) in words.iter().enumerate() {
            let word = if i == 0 { word ^ first_flip } else { *word };
            bytes.extend_from_slice(&word.to_be_bytes());
        }
        bytes
    };
    (to_bytes(flip), to_bytes(0))
}

/// bcrypt's base64: its own alphabet, no padding.
fn encode(bytes: &[u8], out: &mut Vec<u8>) {
    for chunk in bytes.chunks(3) {
        let b0 = chunk[0];
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let sextets = [
            b0 >> 2,
            ((b0 & 3) << 4) | (b1 >> 4),
            ((b1 & 0x0f) << 2) | (b2 >> 6),
            b2 & 0x3f,
        ];
        for &s in &sextets[..chunk.len() + 1] {
            out.push(BCRYPT_ALPHABET[usize::from(s)]);
        }
    }
}

/// The 16 salt bytes of 22 characters; the last character's low 4 bits are
/// dropped, as crypt_blowfish does.
fn decode_salt(chars: &[u8]) -> Option<[u8; 16]> {
    let mut salt = [0u8; 16];
    let (mut acc, mut bits, mut n) = (0u32, 0u32, 0usize);
    for &c in chars {
        let value = BCRYPT_ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | value;
        bits += 6;
        if bits >= 8 && n < salt.len() {
            bits -= 8;
            salt[n] = (acc >> bits) as u8;
            n += 1;
        }
    }
    Some(salt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn salt_of(stored: &[u8]) -> [u8; 16] {
        decode_salt(&stored[7..29]).unwrap()
    }

    // OpenBSD / crypt_blowfish test vectors.
    #[test]
    fn matches_published_vectors() {
        let vectors: [(&[u8], &[u8]); 4] = [
            (
                b"U*U",
                b"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
            ),
            (
                b"",
                b"$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy",
            ),
            (
                b"\xff\xff\xa3",
                b"$2y$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e",
            ),
            (
                b"\xff\xff\xa3",
                b"$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e",
            ),
        ];
        for (password, stored) in vectors {
            let (variant, cost) = parse_header(stored).unwrap();
            assert_eq!(
                hash(password, variant, cost, &salt_of(stored)),
                stored.to_vec(),
                "{}",
                String::from_utf8_lossy(stored)
            );
        }
    }

    #[test]
    fn two_a_countermeasure_and_two_x_bug_differ_from_two_b() {
        // crypt_blowfish's own tests: the same password and salt in 2a, 2b, 2x.
        let salt = salt_of(b"$2a$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e");
        assert_eq!(
            hash(b"\xff\xff\xa3", BcryptVariant::TwoA, 5, &salt),
            b"$2a$05$/OK.fbVrR/bpIqNJ5ianF.nqd1wy.pTMdcvrRWxyiGL2eMz.2a85.".to_vec()
        );
        assert_eq!(
            hash(b"\xff\xff\xa3", BcryptVariant::TwoB, 5, &salt),
            b"$2b$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e".to_vec()
        );
        assert_eq!(
            hash(b"\xa3", BcryptVariant::TwoX, 5, &salt),
            b"$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e".to_vec()
        );
    }

    #[test]
    fn verifies_and_rejects() {
        let stored = hash(b"secret", BcryptVariant::TwoY, 4, &[7u8; 16]);
        assert!(verify(b"secret", &stored));
        assert!(!verify(b"secreT", &stored));
        assert!(!verify(b"secret", &stored[..59]));
    }

    #[test]
    fn only_72_bytes_count() {
        let long = [b'x'; 100];
        let stored = hash(&long, BcryptVariant::TwoY, 4, &[1u8; 16]);
        assert!(verify(&long[..72], &stored));
    }

    #[test]
    fn salt_round_trips_through_encoding() {
        let salt = [0xabu8; 16];
        let mut text = Vec::new();
        encode(&salt, &mut text);
        assert_eq!(text.len(), 22);
        assert_eq!(decode_salt(&text), Some(salt));
    }
}
