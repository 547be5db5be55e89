//! bcrypt (`$2a$ $2b$ $2x$ $2y$`): our own EksBlowfish, as fast as
//! crypt_blowfish's C (see `benches/hash.rs` and `scripts/bench-vs-apache`).
//!
//! The key schedule is ours so that every variant behaves as crypt_blowfish
//! (libxcrypt, which Apache and the servers use): `$2x$` keeps the historical
//! sign-extension bug for bytes >= 0x80, and `$2a$` applies crypt_blowfish's
//! countermeasure against it. The password is a C string: it ends at a NUL.

use zeroize::{Zeroize, Zeroizing};

use super::blowfish_pi;
use super::salt::is_crypt64;
use super::shape::Defect;

use crate::secret::ct_bytes_eq;

/// bcrypt reads only this many bytes of a password.
pub const MAX_PASSWORD_BYTES: usize = 72;
pub(super) const HASH_LEN: usize = 60;
const SALT_CHARS: usize = 22;
pub(super) const KEY_WORDS: usize = 18;
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

/// The variant of a stored hash from its first four bytes, `$2?$`.
pub fn variant(stored: &[u8]) -> Option<BcryptVariant> {
    match stored.get(..4)? {
        b"$2a$" => Some(BcryptVariant::TwoA),
        b"$2b$" => Some(BcryptVariant::TwoB),
        b"$2x$" => Some(BcryptVariant::TwoX),
        b"$2y$" => Some(BcryptVariant::TwoY),
        _ => None,
    }
}

/// `$2?$NN$`: the variant and the cost as written (range checked by [`verify`]).
pub fn parse_header(stored: &[u8]) -> Option<(BcryptVariant, u32)> {
    let variant = variant(stored)?;
    match stored.get(4..7)? {
        [tens @ b'0'..=b'9', ones @ b'0'..=b'9', b'$'] => Some((
            variant,
            u32::from(tens - b'0') * 10 + u32::from(ones - b'0'),
        )),
        _ => None,
    }
}

/// What keeps a stored `$2?$` hash from verifying, by crypt_blowfish's
/// rules (libxcrypt, Apache's apr-util): a cost that is not two digits
/// from 04 to 31, fewer than 60 characters, a salt or hash character
/// outside bcrypt's alphabet, or characters after the 60th. (Go's bcrypt,
/// in the registry and Traefik, reads only 60 characters and verifies the
/// last case, checked live; it also ignores the low bits of a salt's last
/// character, which crypt_blowfish writes back, so a salt that is not in
/// bcrypt's canonical form is left alone here.)
pub fn defect(stored: &[u8]) -> Option<Defect> {
    let in_range = parse_header(stored)
        .is_some_and(|(_, cost)| (super::BcryptCost::MIN..=super::BcryptCost::MAX).contains(&cost));
    if !in_range {
        Some(Defect::BcryptCost)
    } else if stored.len() < HASH_LEN {
        Some(Defect::BcryptLength)
    } else if !stored[7..HASH_LEN].iter().copied().all(is_crypt64) {
        Some(Defect::BcryptAlphabet)
    } else if stored.len() > HASH_LEN {
        Some(Defect::BcryptTrailing)
    } else {
        None
    }
}

/// `$2y$CC$` + 22 salt characters + 31 hash characters.
pub fn hash(password: &[u8], variant: BcryptVariant, cost: u32, salt: &[u8; 16]) -> Vec<u8> {
    format(
        variant,
        cost,
        salt,
        &eks_blowfish(password, variant, cost, salt),
    )
}

/// The stored form of an EksBlowfish output `digest`.
pub(super) fn format(
    variant: BcryptVariant,
    cost: u32,
    salt: &[u8; 16],
    digest: &[u8; 24],
) -> Vec<u8> {
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
    let Some((variant, cost, salt)) = verifiable(stored) else {
        return false;
    };
    ct_bytes_eq(&hash(password, variant, cost, &salt), stored)
}

/// What recomputing `stored` takes (its variant, cost and salt), or `None`
/// when no password can verify it: a length other than 60, a cost out of
/// range, a salt outside bcrypt's alphabet.
pub(super) fn verifiable(stored: &[u8]) -> Option<(BcryptVariant, u32, [u8; 16])> {
    let (variant, cost) = parse_header(stored)?;
    if stored.len() != HASH_LEN
        || !(super::BcryptCost::MIN..=super::BcryptCost::MAX).contains(&cost)
    {
        return None;
    }
    Some((variant, cost, decode_salt(&stored[7..7 + SALT_CHARS])?))
}

/// The 24-byte EksBlowfish output for `OrpheanBeholderScryDoubt`.
fn eks_blowfish(password: &[u8], variant: BcryptVariant, cost: u32, salt: &[u8; 16]) -> [u8; 24] {
    let (initial, expanded) = key_schedule(password, variant);
    let salt = salt_words(salt);
    let mut state = EksState::initial();
    state.xor_p(&initial);
    state.expand::<true>(&salt);
    let salt_cycled = cycled(&salt);
    for _ in 0..(1u64 << cost) {
        state.xor_p(&expanded);
        state.expand::<false>(&salt);
        state.xor_p(&salt_cycled);
        state.expand::<false>(&salt);
    }
    state.digest()
}

/// The salt's four words repeated over the P-array, as the cost loop XORs
/// them in.
pub(super) fn cycled(salt: &[u32; 4]) -> [u32; KEY_WORDS] {
    std::array::from_fn(|i| salt[i % 4])
}

pub(super) fn salt_words(salt: &[u8; 16]) -> [u32; 4] {
    std::array::from_fn(|i| {
        u32::from_be_bytes([
            salt[4 * i],
            salt[4 * i + 1],
            salt[4 * i + 2],
            salt[4 * i + 3],
        ])
    })
}

/// Blowfish's P-array and S-boxes as EksBlowfish changes them; wiped on
/// drop, since they derive from the password.
///
/// Fixed-size arrays indexed by a byte of a word need no bounds checks,
/// which keeps the round function as tight as crypt_blowfish's C. Aligned to
/// a cache line, each S-box spans exactly 16 lines.
#[repr(C, align(64))]
pub(super) struct EksState {
    pub(super) p: [u32; 18],
    pub(super) s: [[u32; 256]; 4],
}

impl EksState {
    pub(super) fn initial() -> EksState {
        EksState {
            p: blowfish_pi::P,
            s: [
                blowfish_pi::S0,
                blowfish_pi::S1,
                blowfish_pi::S2,
                blowfish_pi::S3,
            ],
        }
    }

    /// Back to Blowfish's initial state, for the next password.
    pub(super) fn reset(&mut self) {
        self.p = blowfish_pi::P;
        self.s = [
            blowfish_pi::S0,
            blowfish_pi::S1,
            blowfish_pi::S2,
            blowfish_pi::S3,
        ];
    }

    pub(super) fn xor_p(&mut self, words: &[u32; 18]) {
        for (p, word) in self.p.iter_mut().zip(words) {
            *p ^= word;
        }
    }

    /// bcrypt's output once the key schedule is done: `OrpheanBeholderScryDoubt`
    /// encrypted 64 times.
    pub(super) fn digest(&self) -> [u8; 24] {
        let mut text = [0u32; 6];
        for (word, chunk) in text.iter_mut().zip(b"OrpheanBeholderScryDoubt".chunks(4)) {
            *word = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        for pair in text.chunks_mut(2) {
            let (mut l, mut r) = (pair[0], pair[1]);
            for _ in 0..64 {
                (l, r) = self.encrypt(&self.p, l, r);
            }
            pair[0] = l;
            pair[1] = r;
        }
        let mut out = [0u8; 24];
        for (chunk, word) in out.chunks_mut(4).zip(text) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    #[inline(always)]
    fn feistel(&self, x: u32) -> u32 {
        let a = self.s[0][(x >> 24) as usize];
        let b = self.s[1][((x >> 16) & 0xff) as usize];
        let c = self.s[2][((x >> 8) & 0xff) as usize];
        let d = self.s[3][(x & 0xff) as usize];
        (a.wrapping_add(b) ^ c).wrapping_add(d)
    }

    /// One Blowfish block encryption under the P-array `p`.
    #[inline(always)]
    fn encrypt(&self, p: &[u32; 18], l: u32, r: u32) -> (u32, u32) {
        let mut l = l ^ p[0];
        let mut r = r;
        for i in (1..17).step_by(2) {
            r = (r ^ p[i]) ^ self.feistel(l);
            l = (l ^ p[i + 1]) ^ self.feistel(r);
        }
        (r ^ p[17], l)
    }

    /// Replaces P and then the S-boxes, two words at a time, by chained
    /// encryptions starting from a zero block; with `SALTED`, the salt's
    /// words are XORed into each block first (EksBlowfish's first
    /// expansion), cycling through them.
    #[inline(always)]
    pub(super) fn expand<const SALTED: bool>(&mut self, salt: &[u32; 4]) {
        let (mut l, mut r) = (0, 0);
        let mut next = 0;
        let mut mix = |l: u32, r: u32| {
            if SALTED {
                let block = (l ^ salt[next], r ^ salt[next + 1]);
                next ^= 2;
                block
            } else {
                (l, r)
            }
        };
        // Each encryption here sees the P words already replaced.
        for i in (0..18).step_by(2) {
            let (ml, mr) = mix(l, r);
            (l, r) = self.encrypt(&self.p, ml, mr);
            self.p[i] = l;
            self.p[i + 1] = r;
        }
        // P is fixed from here on. A copy in locals lets the compiler XOR
        // each P word in before the round's S-box sum is ready, off the
        // chain of dependent loads: about 6% of bcrypt's time.
        let p = self.p;
        for b in 0..4 {
            for i in (0..256).step_by(2) {
                let (ml, mr) = mix(l, r);
                (l, r) = self.encrypt(&p, ml, mr);
                self.s[b][i] = l;
                self.s[b][i + 1] = r;
            }
        }
    }
}

impl Drop for EksState {
    fn drop(&mut self) {
        self.p.zeroize();
        for sbox in &mut self.s {
            sbox.zeroize();
        }
    }
}

/// The 18 key words as crypt_blowfish's `BF_set_key` makes them: the words
/// for the first expansion, and the words for the cost loop.
pub(super) fn key_schedule(
    password: &[u8],
    variant: BcryptVariant,
) -> (Zeroizing<[u32; KEY_WORDS]>, Zeroizing<[u32; KEY_WORDS]>) {
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

    let mut initial = words.clone();
    initial[0] ^= flip;
    (initial, words)
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
    fn initial_state_is_schneiers() {
        // First and last words of P and of each S-box in Blowfish's reference.
        assert_eq!(
            (blowfish_pi::P[0], blowfish_pi::P[17]),
            (0x243f6a88, 0x8979fb1b)
        );
        assert_eq!(
            (blowfish_pi::S0[0], blowfish_pi::S0[255]),
            (0xd1310ba6, 0x6e85076a)
        );
        assert_eq!(
            (blowfish_pi::S1[0], blowfish_pi::S1[255]),
            (0x4b7a70e9, 0xdb83adf7)
        );
        assert_eq!(
            (blowfish_pi::S2[0], blowfish_pi::S2[255]),
            (0xe93d5a68, 0x406000e0)
        );
        assert_eq!(
            (blowfish_pi::S3[0], blowfish_pi::S3[255]),
            (0x3a39ce37, 0x3ac372e6)
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
