//! yescrypt (`$y$`), as libxcrypt's crypt(3) computes and checks it: the
//! default hash of `/etc/shadow` on Debian, Ubuntu and Fedora, which nginx
//! and Apache httpd verify through the system crypt(3).
//!
//! Its job: read a `$y$` hash the way libxcrypt does (`yescrypt_r` in
//! `alg-yescrypt-common.c`: the variable-length parameter field, the salt
//! in yescrypt's little-endian base64, everything up to the last `$` taken
//! as the salt), compute what crypt(3) would return for a password, and
//! compare that whole string with the stored one, as the servers do. The
//! yescrypt function itself is RustCrypto's `yescrypt` crate; what is ours
//! is everything libxcrypt adds around it, so that a setting libxcrypt
//! refuses never verifies here either (`tests/golden/yescrypt.tsv` holds
//! libxcrypt's answers, refusals included).
//!
//! What it must never do: allocate the memory a hash asks for without a
//! bound. A `$y$` field can ask for terabytes; libxcrypt would try, and a
//! server with it. htpass computes a hash only within [`MAX_MEMORY`] (what
//! `mkpasswd -R 11`, libxcrypt's largest setting, asks) and
//! [`MAX_SECONDS`]; `inspect` calls anything costlier malformed, so no
//! file can make `add` or `verify` run out of memory.
//!
//! Facts read from libxcrypt 4.4 (`crypt.c`, `crypt-yescrypt.c`,
//! `alg-yescrypt-common.c`, `alg-yescrypt-opt.c`), each pinned by a vector:
//!
//! - crypt(3) refuses a passphrase of 512 bytes or more
//!   (`CRYPT_MAX_PASSPHRASE_SIZE`), and a setting with a byte <= 0x20 or >=
//!   0x7f or one of `!*:;\`.
//! - The parameter field is flavor, log2 N, r, then optionally a "have"
//!   bit mask and p (bit 1), t (bit 2), g (bit 4), log2 NROM (bit 8), each
//!   in a variable-length base64 integer with a minimum (0 for flavor, 2 for
//!   p, 1 for the rest); a `$` must follow. Unknown "have" bits are ignored.
//! - The KDF computes only three flavors: 0 (classic scrypt, which allows
//!   no t), 1 (yescrypt's write-once/read-many) and 47 (read-write with the
//!   default pwxform settings, what every `$y$j` hash uses); g must be 0 and
//!   there may be no NROM (crypt(3) has no shared ROM). N is a power of two
//!   from 4 to 2^31 (`N <= 3` and `N > UINT32_MAX` are refused), r·p < 2^30,
//!   and in the read-write flavor N/p > 3.
//! - The salt is decoded (at most 64 bytes; a final group must hold a whole
//!   byte and its spare bits must be zero); it may be empty.
//! - The output is the setting up to the end of the salt, `$`, and the
//!   32-byte hash in 43 characters.
//! - `mkpasswd -m yescrypt -R COUNT` (`gensalt_yescrypt_rn`): COUNT 1..=11,
//!   default 5; r = 8 and N = 2^(COUNT+9) below 3, else r = 32 and N =
//!   2^(COUNT+7). So the default is N = 4096, r = 32 (16 MiB), written
//!   `j9T`, with a 16-byte random salt (22 characters).

use std::fmt;

use zeroize::Zeroizing;

use super::salt::CRYPT_ALPHABET;
use super::shape::Defect;
use crate::secret::ct_bytes_eq;

/// How a yescrypt hash starts.
pub const PREFIX: &[u8] = b"$y$";
/// crypt(3) of libxcrypt refuses a passphrase this long or longer.
pub const PASSWORD_LIMIT: usize = 512;
/// The most memory htpass lets one hash take: what libxcrypt's largest
/// setting (`mkpasswd -R 11`: N = 2^18, r = 32) takes, with its small
/// buffers.
pub const MAX_MEMORY: u64 = (1 << 30) + (1 << 20);
/// The most CPU time one hash may be estimated to take
/// ([`YescryptCost::verify_seconds`]) before htpass refuses to compute it.
pub const MAX_SECONDS: f64 = 10.0;
/// What `mkpasswd -m yescrypt` writes, and so what `-a yescrypt` does.
const DEFAULT_FIELD: &[u8] = b"j9T";
const HASH_BYTES: usize = 32;
/// 32 bytes in yescrypt's base64: 42 characters of 6 bits and one of 4.
pub const HASH_CHARS: usize = 43;
const MAX_SALT_BYTES: usize = 64;
/// The salt length `mkpasswd` and htpass use.
pub const SALT_BYTES: usize = 16;

/// The yescrypt flavors libxcrypt computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// 0: classic scrypt.
    Classic,
    /// 1: write-once/read-many.
    Worm,
    /// 47: read-write with pwxform's default settings (`$y$j...`).
    ReadWrite,
}

impl Flavor {
    /// The number the field spells (the tests' encoder needs it).
    #[cfg(test)]
    fn code(self) -> u32 {
        match self {
            Flavor::Classic => 0,
            Flavor::Worm => 1,
            Flavor::ReadWrite => 47,
        }
    }

    fn from_code(code: u32) -> Option<Flavor> {
        match code {
            0 => Some(Flavor::Classic),
            1 => Some(Flavor::Worm),
            47 => Some(Flavor::ReadWrite),
            _ => None,
        }
    }
}

/// The parameters of a `$y$` hash, as [`parse_cost`] reads them: it
/// returns only ones libxcrypt computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct YescryptCost {
    pub flavor: Flavor,
    /// log2 of N, 2..=31.
    pub n_log2: u32,
    pub r: u32,
    pub p: u32,
    pub t: u32,
}

impl YescryptCost {
    /// `j9T`: N = 4096, r = 32, p = 1, t = 0, read-write.
    pub const DEFAULT: YescryptCost = YescryptCost {
        flavor: Flavor::ReadWrite,
        n_log2: 12,
        r: 32,
        p: 1,
        t: 0,
    };

    pub fn n(&self) -> u64 {
        1 << self.n_log2
    }

    /// About how many bytes one computation holds: N blocks and p more of
    /// 128·r bytes, and (read-write) 12 KiB of S-boxes a lane.
    pub fn memory_bytes(&self) -> u64 {
        let r = u64::from(self.r);
        let p = u64::from(self.p);
        let sboxes = if self.flavor == Flavor::ReadWrite {
            12_352 * p
        } else {
            0
        };
        128 * r * (self.n() + p + 2) + sboxes
    }

    /// About how many seconds of a server core one verification takes, at
    /// libxcrypt's speed: the default (N = 4096, r = 32) measured at 19 ms
    /// with Python's `crypt` (libxcrypt 4.4.33) on the 2-core AMD EPYC of
    /// the benchmarks (`mkpasswd -R 11`, 64 times the work, in 1.6 s), and
    /// the rest scaled by the blocks yescrypt's `smix` walks: N in its
    /// first loop, then a part or a multiple of N set by t, for each lane
    /// in turn outside the read-write flavor.
    pub fn verify_seconds(&self) -> f64 {
        const DEFAULT_SECONDS: f64 = 0.019;
        let n = self.n() as f64;
        let t = f64::from(self.t);
        let second_loop = match (self.flavor, self.t) {
            (Flavor::ReadWrite, 0) => n / 3.0,
            (Flavor::ReadWrite, 1) => 2.0 * n / 3.0,
            (Flavor::ReadWrite, _) => n * (t - 1.0),
            (_, 0) => n,
            (_, 1) => 1.5 * n,
            (_, _) => 1.5 * n * t,
        };
        let lanes = match self.flavor {
            Flavor::ReadWrite => 1.0,
            _ => f64::from(self.p),
        };
        let blocks = (n + second_loop) * f64::from(self.r) * lanes;
        let default_blocks = 4096.0 * (4.0 / 3.0) * 32.0;
        DEFAULT_SECONDS * blocks / default_blocks
    }

    /// Whether htpass computes a hash this costly ([`MAX_MEMORY`],
    /// [`MAX_SECONDS`]).
    pub fn within_limits(&self) -> bool {
        self.memory_bytes() <= MAX_MEMORY && self.verify_seconds() <= MAX_SECONDS
    }
}

/// `N=2^12 r=32`, then `p=`, `t=` and the flavor where they are not the
/// default's.
impl fmt::Display for YescryptCost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "N=2^{} r={}", self.n_log2, self.r)?;
        if self.p != 1 {
            write!(f, " p={}", self.p)?;
        }
        if self.t != 0 {
            write!(f, " t={}", self.t)?;
        }
        match self.flavor {
            Flavor::ReadWrite => Ok(()),
            Flavor::Worm => f.write_str(" worm"),
            Flavor::Classic => f.write_str(" scrypt"),
        }
    }
}

/// Why libxcrypt's crypt(3) returns its failure token for a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    /// The parameter field does not decode, or asks for what the KDF refuses.
    Params,
    /// The parameters are fine for libxcrypt, beyond htpass's limits.
    TooCostly,
    Salt,
}

/// The 6-bit value of a character of crypt's alphabet.
fn value_of(byte: u8) -> Option<u32> {
    let value = match byte {
        b'.' => 0,
        b'/' => 1,
        b'0'..=b'9' => byte - b'0' + 2,
        b'A'..=b'Z' => byte - b'A' + 12,
        b'a'..=b'z' => byte - b'a' + 38,
        _ => return None,
    };
    Some(u32::from(value))
}

/// One of yescrypt's variable-length integers at the start of `field`: the
/// first character says how many follow (1 to 6 in all) and which range
/// the value falls in; `min` is added. Returns the value and the rest.
fn decode_integer(field: &[u8], min: u32) -> Option<(u32, &[u8])> {
    let (&first, mut rest) = field.split_first()?;
    let first = value_of(first)?;
    // Ranges of the first character: 0..=47 alone, then 48..=55 with one
    // more character, 56..=59 with two, 60..=61, 62, 63 with three to five.
    let (mut start, mut end, mut extra, mut value) = (0u32, 47u32, 0u32, u64::from(min));
    while first > end {
        value += u64::from(end + 1 - start) << (6 * extra);
        start = end + 1;
        end = start + (62 - end) / 2;
        extra += 1;
    }
    value += u64::from(first - start) << (6 * extra);
    for shift in (0..extra).rev() {
        let (&next, after) = rest.split_first()?;
        value += u64::from(value_of(next)?) << (6 * shift);
        rest = after;
    }
    // Cannot exceed u32 for min <= 2 (at most about 2^31 + 2^30); libxcrypt
    // adds in 32 bits too.
    Some((u32::try_from(value).ok()?, rest))
}

/// Appends `value` as [`decode_integer`] reads it with `min` (htpass
/// writes only `j9T`; the tests build other fields with it).
#[cfg(test)]
fn encode_integer(out: &mut Vec<u8>, value: u32, min: u32) {
    let mut rest = value - min;
    let (mut start, mut end, mut extra) = (0u32, 47u32, 0u32);
    loop {
        let count = (end + 1 - start) << (6 * extra);
        if rest < count {
            break;
        }
        rest -= count;
        start = end + 1;
        end = start + (62 - end) / 2;
        extra += 1;
    }
    out.push(CRYPT_ALPHABET[(start + (rest >> (6 * extra))) as usize]);
    for shift in (0..extra).rev() {
        out.push(CRYPT_ALPHABET[((rest >> (6 * shift)) & 63) as usize]);
    }
}

/// A part of the parameter field, which must be there.
fn field<T>(part: Option<T>) -> Result<T, Refusal> {
    part.ok_or(Refusal::Params)
}

/// Reads the parameter field after `$y$` and the `$` that ends it, as
/// libxcrypt does, then applies the KDF's own checks. Returns the cost and
/// what follows the `$`; the cost may still be beyond htpass's limits.
fn parse_field(after_prefix: &[u8]) -> Result<(YescryptCost, &[u8]), Refusal> {
    let (flavor, rest) = field(decode_integer(after_prefix, 0))?;
    let (n_log2, rest) = field(decode_integer(rest, 1))?;
    let (r, mut rest) = field(decode_integer(rest, 1))?;
    let (mut p, mut t, mut g, mut nrom) = (1, 0, 0, false);
    if rest.first() != Some(&b'$') {
        let (have, after) = field(decode_integer(rest, 1))?;
        rest = after;
        if have & 1 != 0 {
            (p, rest) = field(decode_integer(rest, 2))?;
        }
        if have & 2 != 0 {
            (t, rest) = field(decode_integer(rest, 1))?;
        }
        if have & 4 != 0 {
            (g, rest) = field(decode_integer(rest, 1))?;
        }
        if have & 8 != 0 {
            let (nrom_log2, after) = field(decode_integer(rest, 1))?;
            if nrom_log2 > 63 {
                return Err(Refusal::Params);
            }
            (nrom, rest) = (true, after);
        }
    }
    let rest = rest.strip_prefix(b"$").ok_or(Refusal::Params)?;
    // Flavors 2..=257 decode to read-write flags; the KDF computes 47 only.
    let flavor = Flavor::from_code(flavor).ok_or(Refusal::Params)?;
    // yescrypt_kdf: no hash upgrades, no ROM, N a power of two from 4 to
    // UINT32_MAX (so log2 2..=31), r·p < 2^30, and in the read-write flavor
    // N/p > 3. Classic scrypt allows no t. (r and p are at least 1 and 2
    // by their encoding.)
    let valid = g == 0
        && !nrom
        && (2..=31).contains(&n_log2)
        && u64::from(r) * u64::from(p) < 1 << 30
        && !(flavor == Flavor::ReadWrite && (1u64 << n_log2) / u64::from(p) <= 3)
        && !(flavor == Flavor::Classic && t != 0);
    if !valid {
        return Err(Refusal::Params);
    }
    let cost = YescryptCost {
        flavor,
        n_log2,
        r,
        p,
        t,
    };
    Ok((cost, rest))
}

/// The cost of a stored hash, if libxcrypt would compute it.
pub fn parse_cost(stored: &[u8]) -> Option<YescryptCost> {
    let after = stored.strip_prefix(PREFIX)?;
    parse_field(after).ok().map(|(cost, _)| cost)
}

/// Decodes a salt as libxcrypt's `decode64` does: groups of up to four
/// characters, least significant first, into at most 64 bytes; a group
/// must yield a whole byte, and its spare bits must be zero.
fn decode_salt(text: &[u8]) -> Option<Vec<u8>> {
    let mut salt = Vec::with_capacity(text.len() * 3 / 4);
    for group in text.chunks(4) {
        let mut value = 0u32;
        for (i, &c) in group.iter().enumerate() {
            value |= value_of(c)? << (6 * i);
        }
        let bits = 6 * group.len();
        if bits < 12 {
            return None;
        }
        let bytes = bits / 8;
        if value >> (8 * bytes) != 0 {
            return None;
        }
        salt.extend_from_slice(&value.to_le_bytes()[..bytes]);
    }
    (salt.len() <= MAX_SALT_BYTES).then_some(salt)
}

/// Appends `bytes` in yescrypt's base64: groups of three bytes, least
/// significant first, a short last group in as few characters as hold it.
fn encode_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    for group in bytes.chunks(3) {
        let mut value = 0u32;
        for (i, &b) in group.iter().enumerate() {
            value |= u32::from(b) << (8 * i);
        }
        for _ in 0..(8 * group.len()).div_ceil(6) {
            out.push(CRYPT_ALPHABET[(value & 63) as usize]);
            value >>= 6;
        }
    }
}

/// Whether crypt(3) refuses a setting for its characters (libxcrypt's
/// `check_badsalt_chars`, which reads the whole setting: for a stored hash,
/// the hash part too).
fn has_bad_character(setting: &[u8]) -> bool {
    setting
        .iter()
        .any(|&b| b <= 0x20 || b >= 0x7f || b"!*:;\\".contains(&b))
}

/// The bytes crypt(3) reads of a password: up to its first NUL.
fn as_c_string(password: &[u8]) -> &[u8] {
    match memchr::memchr(0, password) {
        Some(end) => &password[..end],
        None => password,
    }
}

/// What libxcrypt's `crypt(password, setting)` returns for a `$y$`
/// setting (a stored hash is a setting: its hash part is ignored), or why
/// it returns its failure token `*0`.
fn crypt(password: &[u8], setting: &[u8]) -> Result<Vec<u8>, Refusal> {
    let password = as_c_string(password);
    if password.len() >= PASSWORD_LIMIT || has_bad_character(setting) {
        return Err(Refusal::Params);
    }
    let after_prefix = setting.strip_prefix(PREFIX).ok_or(Refusal::Params)?;
    let (cost, after_field) = parse_field(after_prefix)?;
    // The salt runs to the last `$` of the setting, or to its end.
    let salt_text = match memchr::memrchr(b'$', after_field) {
        Some(end) => &after_field[..end],
        None => after_field,
    };
    let salt = Zeroizing::new(decode_salt(salt_text).ok_or(Refusal::Salt)?);
    if !cost.within_limits() {
        return Err(Refusal::TooCostly);
    }
    let mode = match cost.flavor {
        Flavor::Classic => yescrypt::Mode::Classic,
        Flavor::Worm => yescrypt::Mode::Worm,
        Flavor::ReadWrite => yescrypt::Mode::Rw,
    };
    // The checks above are libxcrypt's, stricter than the crate's: it
    // accepts whatever they let through.
    let params = yescrypt::Params::new_with_all_params(mode, cost.n(), cost.r, cost.p, cost.t, 0)
        .map_err(|_| Refusal::Params)?;
    let mut hash = Zeroizing::new([0u8; HASH_BYTES]);
    yescrypt::yescrypt(password, &salt, &params, hash.as_mut_slice())
        .map_err(|_| Refusal::Params)?;
    let kept = setting.len() - after_field.len() + salt_text.len();
    let mut out = Vec::with_capacity(kept + 1 + HASH_CHARS);
    out.extend_from_slice(&setting[..kept]);
    out.push(b'$');
    encode_bytes(&mut out, hash.as_slice());
    Ok(out)
}

/// What libxcrypt's crypt(3) returns for `password` with `setting`, or
/// `None` where it returns its failure token (or the setting is beyond
/// htpass's limits). For the golden vectors and the live comparison.
pub fn crypt_like_libxcrypt(password: &[u8], setting: &[u8]) -> Option<Vec<u8>> {
    crypt(password, setting).ok()
}

/// Whether `password` verifies against `stored` as nginx and Apache httpd
/// see it: crypt(3) with the stored hash as the setting returns exactly
/// the stored hash. Compared in constant time.
pub fn verify(password: &[u8], stored: &[u8]) -> bool {
    crypt(password, stored).is_ok_and(|computed| ct_bytes_eq(&computed, stored))
}

/// A new hash with libxcrypt's default parameters (`j9T`) and `salt`, or
/// `None` for a password crypt(3) refuses (512 bytes or more).
pub fn hash(password: &[u8], salt: &[u8; SALT_BYTES]) -> Option<Vec<u8>> {
    let mut setting = PREFIX.to_vec();
    setting.extend_from_slice(DEFAULT_FIELD);
    setting.push(b'$');
    encode_bytes(&mut setting, salt);
    crypt(password, &setting).ok()
}

/// Whether `stored` was written with the default parameters, as `-a
/// yescrypt` writes them: the field exactly `j9T` (libxcrypt ignores
/// unknown "have" bits, so other spellings of the same cost exist).
pub fn has_default_field(stored: &[u8]) -> bool {
    stored
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_prefix(DEFAULT_FIELD))
        .is_some_and(|rest| rest.first() == Some(&b'$'))
}

/// What keeps a stored `$y$` hash from ever verifying, or from being
/// computed by htpass. Allocates nothing.
pub fn defect(stored: &[u8]) -> Option<Defect> {
    let after_prefix = stored.strip_prefix(PREFIX)?;
    let (cost, after_field) = match parse_field(after_prefix) {
        Ok(parsed) => parsed,
        Err(_) => return Some(Defect::YescryptParams),
    };
    let Some(end) = memchr::memrchr(b'$', after_field) else {
        return Some(Defect::NoHash);
    };
    let (salt, hash) = (&after_field[..end], &after_field[end + 1..]);
    if !salt_is_sound(salt) {
        return Some(Defect::YescryptSalt);
    }
    if hash.len() != HASH_CHARS {
        return Some(Defect::HashLength { chars: HASH_CHARS });
    }
    if has_bad_character(stored) || !hash.iter().all(|&b| value_of(b).is_some()) {
        return Some(Defect::HashAlphabet);
    }
    // The last character holds the 32nd byte's top 4 bits: crypt(3) never
    // writes one with the 2 bits above them set.
    if hash
        .last()
        .and_then(|&b| value_of(b))
        .is_some_and(|v| v >= 16)
    {
        return Some(Defect::HashLastCharacter);
    }
    if !cost.within_limits() {
        return Some(Defect::YescryptTooCostly);
    }
    None
}

/// [`decode_salt`]'s answer, without allocating.
fn salt_is_sound(text: &[u8]) -> bool {
    let mut bytes = 0;
    for group in text.chunks(4) {
        let mut value = 0u32;
        for (i, &c) in group.iter().enumerate() {
            match value_of(c) {
                Some(v) => value |= v << (6 * i),
                None => return false,
            }
        }
        let bits = 6 * group.len();
        if bits < 12 || value >> (8 * (bits / 8)) != 0 {
            return false;
        }
        bytes += bits / 8;
    }
    bytes <= MAX_SALT_BYTES
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `mkpasswd -m yescrypt pw` (libxcrypt 4.4.33).
    const MKPASSWD: &str =
        "$y$j9T$z4jwdl3M2qnyIJnn2yfPU.$/zpcQ9zfxyPjV5vgTVi0JGRp0fBXrJgxy8XmG5JBEYA";

    fn field(cost: &YescryptCost) -> Vec<u8> {
        // The encoder of libxcrypt's yescrypt_encode_params_r, for tests.
        let mut out = Vec::new();
        encode_integer(&mut out, cost.flavor.code(), 0);
        encode_integer(&mut out, cost.n_log2, 1);
        encode_integer(&mut out, cost.r, 1);
        let have = u32::from(cost.p != 1) | (u32::from(cost.t != 0) << 1);
        if have != 0 {
            encode_integer(&mut out, have, 1);
        }
        if cost.p != 1 {
            encode_integer(&mut out, cost.p, 2);
        }
        if cost.t != 0 {
            encode_integer(&mut out, cost.t, 1);
        }
        out
    }

    #[test]
    fn a_mkpasswd_hash_verifies_and_a_wrong_password_does_not() {
        assert!(verify(b"pw", MKPASSWD.as_bytes()));
        assert!(!verify(b"pW", MKPASSWD.as_bytes()));
        assert!(!verify(b"pw\0", &[MKPASSWD.as_bytes(), b"x"].concat()));
        // crypt(3) reads a C string.
        assert!(verify(b"pw\0after", MKPASSWD.as_bytes()));
        assert_eq!(defect(MKPASSWD.as_bytes()), None);
    }

    #[test]
    fn the_default_field_is_j9t() {
        let (cost, rest) = parse_field(b"j9T$salt").unwrap();
        assert_eq!(cost, YescryptCost::DEFAULT);
        assert_eq!(rest, b"salt");
        assert_eq!(field(&YescryptCost::DEFAULT), DEFAULT_FIELD);
        assert_eq!(cost.to_string(), "N=2^12 r=32");
        assert_eq!(cost.memory_bytes() >> 20, 16);
    }

    #[test]
    fn variable_length_integers_round_trip_at_every_width() {
        for min in 0..=2u32 {
            for value in [
                0u32,
                1,
                46,
                47,
                48,
                49,
                560,
                561,
                16_943,
                16_944,
                1 << 20,
                1 << 24,
                1 << 29,
                (1 << 30) - 1,
            ] {
                let value = value + min;
                let mut out = Vec::new();
                encode_integer(&mut out, value, min);
                out.push(b'$');
                let (decoded, rest) = decode_integer(&out, min).unwrap();
                assert_eq!((decoded, rest), (value, &b"$"[..]), "{value} min {min}");
            }
        }
        assert_eq!(decode_integer(b"", 0), None);
        assert_eq!(
            decode_integer(b"z", 0),
            None,
            "63 needs five more characters"
        );
        assert_eq!(decode_integer(b"$", 0), None);
    }

    /// Each refused by Python's `crypt` (libxcrypt 4.4.33) with `*0`.
    #[test]
    fn fields_libxcrypt_refuses_are_refused() {
        for bad in [
            &b"j9T"[..],  // no `$`
            b"j.T$",      // N = 2
            b"jz.....T$", // N = 2^32 and more
            b"k9T$",      // flavor 48 and more
            b"a9T$",      // flavor 38: read-write flags the KDF does not compute
            b"j9T1$",     // have 4: g, then no value
            b"j9T1.$",    // g = 1
            b"j9T5.$",    // NROM
            b".9T/.$",    // classic scrypt with t
            b"j1T.1$",    // read-write, N = 16, p = 5: N/p = 3
        ] {
            assert_eq!(
                parse_field(bad).map(|_| ()),
                Err(Refusal::Params),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        // N/p = 4 is fine, and so is N = 4.
        assert!(parse_field(b"j1T.0$").is_ok());
        assert!(parse_field(b"j/T$").is_ok());
        // r·p = 2^30 is not.
        let mut huge = field(&YescryptCost {
            n_log2: 31,
            r: 1 << 15,
            p: 1 << 15,
            ..YescryptCost::DEFAULT
        });
        huge.push(b'$');
        assert_eq!(parse_field(&huge).map(|_| ()), Err(Refusal::Params));
        // Unknown "have" bits are ignored, as by libxcrypt.
        assert_eq!(
            parse_field(b"j9TD$").unwrap().0,
            parse_field(b"j9T$").unwrap().0
        );
    }

    #[test]
    fn salts_decode_as_libxcrypt_does() {
        assert_eq!(decode_salt(b""), Some(vec![]));
        assert_eq!(decode_salt(b"a"), None, "6 bits: not a byte");
        assert_eq!(decode_salt(b"abc"), None, "spare bits set");
        assert_eq!(decode_salt(b"abcd").map(|s| s.len()), Some(3));
        assert_eq!(decode_salt(b"ab!d"), None);
        let mut text = Vec::new();
        encode_bytes(&mut text, &[7; 64]);
        assert_eq!(decode_salt(&text), Some(vec![7; 64]));
        text.extend_from_slice(b"..");
        assert_eq!(decode_salt(&text), None, "65 bytes");
        for len in 0..=64 {
            let bytes: Vec<u8> = (0..len as u8).map(|b| b.wrapping_mul(37)).collect();
            let mut text = Vec::new();
            encode_bytes(&mut text, &bytes);
            assert_eq!(decode_salt(&text), Some(bytes), "{len}");
            assert!(salt_is_sound(&text));
        }
    }

    #[test]
    fn crypt_refuses_what_libxcrypt_refuses() {
        let setting = b"$y$j9T$abcd$";
        assert!(crypt(&[b'x'; 511], setting).is_ok());
        assert_eq!(crypt(&[b'x'; 512], setting), Err(Refusal::Params));
        assert_eq!(crypt(b"pw", b"$y$j9T$ab:d$"), Err(Refusal::Params));
        assert_eq!(crypt(b"pw", b"$y$j9T$abc$"), Err(Refusal::Salt));
        // N = 2^19: 2 GiB.
        assert_eq!(crypt(b"pw", b"$y$jGT$abcd$"), Err(Refusal::TooCostly));
        // The output keeps the setting up to the salt and ignores the rest.
        let out = crypt(b"pw", b"$y$j9T$abcd$anything").unwrap();
        assert!(out.starts_with(b"$y$j9T$abcd$"));
        assert_eq!(out.len(), 12 + HASH_CHARS);
        assert_eq!(crypt(b"pw", b"$y$j9T$abcd").unwrap(), out);
    }

    #[test]
    fn hashes_have_mkpasswds_shape_and_verify() {
        let stored = hash(b"pw", &[0xa5; SALT_BYTES]).unwrap();
        assert_eq!(stored.len(), MKPASSWD.len());
        assert!(has_default_field(&stored));
        assert!(verify(b"pw", &stored));
        assert_eq!(defect(&stored), None);
        assert_eq!(hash(&[b'x'; 512], &[0; SALT_BYTES]), None);
    }

    #[test]
    fn defects_are_named() {
        let body = &MKPASSWD[7..];
        for (stored, expected) in [
            ("$y$j.T$abcd$x".to_owned(), Defect::YescryptParams),
            ("$y$j9T".to_owned(), Defect::YescryptParams),
            ("$y$j9T$abcd".to_owned(), Defect::NoHash),
            (format!("$y$j9T$abc${}", &body[23..]), Defect::YescryptSalt),
            (format!("{MKPASSWD}A"), Defect::HashLength { chars: 43 }),
            (MKPASSWD.replace("/zpc", "*zpc"), Defect::HashAlphabet),
            (MKPASSWD.replace("EYA", "EYz"), Defect::HashLastCharacter),
            (format!("$y$jGT${body}"), Defect::YescryptTooCostly),
            // t = 2^20: hours.
            (format!("{}${body}", long_t()), Defect::YescryptTooCostly),
        ] {
            assert_eq!(defect(stored.as_bytes()), Some(expected), "{stored}");
            assert!(!verify(b"pw", stored.as_bytes()), "{stored}");
        }
        assert_eq!(defect(b"$1$x"), None);
    }

    fn long_t() -> String {
        let mut setting = PREFIX.to_vec();
        setting.extend(field(&YescryptCost {
            t: 1 << 20,
            ..YescryptCost::DEFAULT
        }));
        String::from_utf8(setting).unwrap()
    }

    #[test]
    fn costs_read_as_mkpasswd_r_sets_them() {
        // -R 11: N = 2^18, r = 32; 1 GiB, within the limit, about 1 s.
        let biggest = parse_cost(b"$y$jFT$").unwrap();
        assert_eq!((biggest.n_log2, biggest.r), (18, 32));
        assert!(biggest.within_limits());
        assert!((1.0..2.0).contains(&biggest.verify_seconds()));
        // -R 1: N = 2^10, r = 8.
        let smallest = parse_cost(b"$y$j75$").unwrap();
        assert_eq!((smallest.n_log2, smallest.r), (10, 8));
        assert!((YescryptCost::DEFAULT.verify_seconds() - 0.019).abs() < 0.001);
        let scrypt = parse_cost(b"$y$.95.0$").unwrap();
        assert_eq!(scrypt.to_string(), "N=2^12 r=8 p=4 scrypt");
    }
}
