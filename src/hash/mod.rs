//! Generating and verifying htpasswd hashes.
//!
//! [`Params`] are validated when they are built, so a cost or round count out
//! of range can never reach a file. [`hash_password`] draws a fresh salt from
//! the operating system; [`verify`] understands every format a server may meet
//! (compat spec §8, §10) and compares in constant time. [`inspect`] says
//! whether a stored hash has the shape its scheme requires, or is of a
//! scheme htpass names but cannot verify ([`unsupported`]), without
//! allocating, so `check` can call it on every line of a large file. This
//! module never prints and never refuses a password on its own: length
//! policy (bcrypt's 72 bytes) is the front-end's call, through
//! [`Params::check_password`].

mod bcrypt;
mod bcrypt_lanes;
mod blowfish_pi;
mod des_crypt;
mod many;
mod md5_crypt;
mod plain;
mod salt;
mod sha1;
mod sha_crypt;
mod shape;
pub mod unsupported;
pub mod yescrypt;

use std::fmt;

use crate::error::Error;
use crate::secret::Password;

pub use bcrypt::BcryptVariant;
pub use many::{hash_many, verify_many};
pub use sha_crypt::ShaVariant;
pub use shape::{Defect, Shape, inspect};
pub use unsupported::Unsupported;
pub use yescrypt::YescryptCost;

/// The hash formats htpass can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    Bcrypt,
    Apr1,
    Sha256,
    Sha512,
    Sha1,
    Crypt,
    Plain,
    Yescrypt,
}

impl Algorithm {
    pub const ALL: [Algorithm; 8] = [
        Algorithm::Bcrypt,
        Algorithm::Apr1,
        Algorithm::Sha256,
        Algorithm::Sha512,
        Algorithm::Sha1,
        Algorithm::Crypt,
        Algorithm::Plain,
        Algorithm::Yescrypt,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Bcrypt => "bcrypt",
            Algorithm::Apr1 => "apr1",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
            Algorithm::Sha1 => "sha1",
            Algorithm::Crypt => "crypt",
            Algorithm::Plain => "plain",
            Algorithm::Yescrypt => "yescrypt",
        }
    }

    /// Formats that an attacker with the file can brute-force cheaply.
    pub fn is_insecure(self) -> bool {
        matches!(self, Algorithm::Sha1 | Algorithm::Crypt | Algorithm::Plain)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A bcrypt cost, 4..=31.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BcryptCost(u32);

impl BcryptCost {
    pub const MIN: u32 = 4;
    pub const MAX: u32 = 31;
    pub const DEFAULT: BcryptCost = BcryptCost(10);

    pub fn new(value: u64) -> Result<BcryptCost, Error> {
        match u32::try_from(value) {
            Ok(v) if (Self::MIN..=Self::MAX).contains(&v) => Ok(BcryptCost(v)),
            _ => Err(Error::CostOutOfRange {
                value: value.to_string(),
            }),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A SHA-crypt round count, 1000..=999_999_999 (the published specification's range).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShaRounds(u32);

impl ShaRounds {
    pub const MIN: u32 = 1000;
    pub const MAX: u32 = 999_999_999;
    /// The count used when a hash has no `rounds=` field.
    pub const DEFAULT: u32 = 5000;

    pub fn new(value: u64) -> Result<ShaRounds, Error> {
        match u32::try_from(value) {
            Ok(v) if (Self::MIN..=Self::MAX).contains(&v) => Ok(ShaRounds(v)),
            _ => Err(Error::RoundsOutOfRange {
                value: value.to_string(),
            }),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// Everything needed to make a hash except the password and the salt.
/// Only valid values can be built (see [`BcryptCost`], [`ShaRounds`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Params {
    Bcrypt {
        variant: BcryptVariant,
        cost: BcryptCost,
    },
    Apr1,
    ShaCrypt {
        variant: ShaVariant,
        /// `None` writes no `rounds=` field (5000); `Some` writes it literally.
        rounds: Option<ShaRounds>,
    },
    Sha1,
    Crypt,
    Plain,
    /// libxcrypt's default, `$y$j9T$` (what `mkpasswd -m yescrypt` writes).
    Yescrypt,
}

impl Params {
    /// The parameters htpass uses when none are given: bcrypt `$2y$` at cost
    /// 10, SHA-crypt with the default 5000 rounds.
    pub fn default_for(algorithm: Algorithm) -> Params {
        match algorithm {
            Algorithm::Bcrypt => Params::Bcrypt {
                variant: BcryptVariant::TwoY,
                cost: BcryptCost::DEFAULT,
            },
            Algorithm::Apr1 => Params::Apr1,
            Algorithm::Sha256 => Params::ShaCrypt {
                variant: ShaVariant::Sha256,
                rounds: None,
            },
            Algorithm::Sha512 => Params::ShaCrypt {
                variant: ShaVariant::Sha512,
                rounds: None,
            },
            Algorithm::Sha1 => Params::Sha1,
            Algorithm::Crypt => Params::Crypt,
            Algorithm::Plain => Params::Plain,
            Algorithm::Yescrypt => Params::Yescrypt,
        }
    }

    pub fn algorithm(&self) -> Algorithm {
        match self {
            Params::Bcrypt { .. } => Algorithm::Bcrypt,
            Params::Apr1 => Algorithm::Apr1,
            Params::ShaCrypt {
                variant: ShaVariant::Sha256,
                ..
            } => Algorithm::Sha256,
            Params::ShaCrypt {
                variant: ShaVariant::Sha512,
                ..
            } => Algorithm::Sha512,
            Params::Sha1 => Algorithm::Sha1,
            Params::Crypt => Algorithm::Crypt,
            Params::Plain => Algorithm::Plain,
            Params::Yescrypt => Algorithm::Yescrypt,
        }
    }

    /// Refuses a password the format would silently cut short (bcrypt uses
    /// only the first 72 bytes) or that no server could verify (libxcrypt's
    /// crypt(3), which nginx and Apache httpd use for yescrypt, refuses 512
    /// bytes and more). DES crypt's 8 bytes are a documented property of an
    /// insecure format, warned about by the front-end, not refused.
    pub fn check_password(&self, password: &Password) -> Result<(), Error> {
        match self {
            Params::Bcrypt { .. } if password.len() > bcrypt::MAX_PASSWORD_BYTES => {
                Err(Error::PasswordTooLongForBcrypt {
                    len: password.len(),
                })
            }
            Params::Yescrypt if password.len() >= yescrypt::PASSWORD_LIMIT => {
                Err(Error::PasswordTooLongForYescrypt {
                    len: password.len(),
                })
            }
            _ => Ok(()),
        }
    }
}

/// Hashes `password` with a fresh salt from the OS generator.
///
/// The result is ASCII for every format but plain, which stores the password
/// bytes as they are.
pub fn hash_password(password: &Password, params: &Params) -> Result<Vec<u8>, Error> {
    let bytes = password.as_bytes();
    let hashed = match *params {
        Params::Bcrypt { variant, cost } => {
            bcrypt::hash(bytes, variant, cost.get(), &salt::random_bytes::<16>()?)
        }
        Params::Apr1 => md5_crypt::hash(bytes, md5_crypt::APR1_MAGIC, &salt::crypt_salt(8)?),
        Params::ShaCrypt { variant, rounds } => sha_crypt::hash(
            bytes,
            variant,
            rounds.map(ShaRounds::get),
            &salt::crypt_salt(16)?,
        ),
        Params::Sha1 => sha1::hash(bytes),
        Params::Crypt => {
            let salt = salt::crypt_salt(2)?;
            des_crypt::hash(bytes, [salt[0], salt[1]])
        }
        Params::Plain => return Ok(bytes.to_vec()),
        Params::Yescrypt => yescrypt::hash(bytes, &salt::random_bytes()?).ok_or(
            Error::PasswordTooLongForYescrypt {
                len: password.len(),
            },
        )?,
    };
    Ok(hashed)
}

/// What a stored hash is, as far as its text tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Bcrypt {
        variant: BcryptVariant,
        cost: u32,
    },
    Apr1,
    Md5Crypt,
    ShaCrypt {
        variant: ShaVariant,
        rounds: u32,
    },
    Sha1,
    Ssha,
    PlainTagged,
    DesCrypt,
    /// `$y$`; `cost` is `None` when libxcrypt would not compute it.
    Yescrypt {
        cost: Option<YescryptCost>,
    },
    /// A scheme htpass recognises and cannot verify (`{SSHA256}`, `$gy$`).
    Unsupported(&'static Unsupported),
    /// Anything else: taken as a bare plain-text password.
    BarePlain,
}

impl Scheme {
    /// A short name for reports (`htpass list --long`, `htpass check`).
    pub fn name(&self) -> &'static str {
        match self {
            Scheme::Bcrypt { .. } => "bcrypt",
            Scheme::Apr1 => "apr1",
            Scheme::Md5Crypt => "md5-crypt",
            Scheme::ShaCrypt {
                variant: ShaVariant::Sha256,
                ..
            } => "sha256",
            Scheme::ShaCrypt {
                variant: ShaVariant::Sha512,
                ..
            } => "sha512",
            Scheme::Sha1 => "sha1",
            Scheme::Ssha => "ssha",
            Scheme::PlainTagged => "plain",
            Scheme::DesCrypt => "crypt",
            Scheme::Yescrypt { .. } => "yescrypt",
            Scheme::Unsupported(row) => row.name,
            Scheme::BarePlain => "plain",
        }
    }

    /// The bcrypt cost or SHA-crypt rounds, where the format has one as a
    /// single number (yescrypt's are [`Scheme::cost_text`]).
    pub fn cost(&self) -> Option<u32> {
        match *self {
            Scheme::Bcrypt { cost, .. } => Some(cost),
            Scheme::ShaCrypt { rounds, .. } => Some(rounds),
            _ => None,
        }
    }

    /// The cost as people read it (`htpass list --long`): bcrypt's cost,
    /// SHA-crypt's rounds, yescrypt's parameters (`N=2^12 r=32`).
    pub fn cost_text(&self) -> Option<String> {
        match self {
            Scheme::Yescrypt { cost } => cost.map(|cost| cost.to_string()),
            other => other.cost().map(|cost| cost.to_string()),
        }
    }

    /// About how many seconds of a server core one verification takes, for
    /// the schemes whose cost is a parameter (bcrypt, SHA-crypt), at the
    /// speed of libxcrypt, which nginx and Apache httpd use: measured with
    /// `perl -e 'crypt("password", $ARGV[0])'` under `/usr/bin/time` on the
    /// 2-core AMD EPYC of the benchmarks, bcrypt cost 14 in 0.80 s of CPU,
    /// 10,000,000 rounds of SHA-256-crypt in 3.2 s and of SHA-512-crypt in
    /// 2.6 s. A server may be slower; none is much faster.
    pub fn verify_seconds(&self) -> Option<f64> {
        match *self {
            Scheme::Bcrypt { cost, .. } => Some(0.80 * 2f64.powi(cost as i32 - 14)),
            Scheme::ShaCrypt { variant, rounds } => {
                let per_round = match variant {
                    ShaVariant::Sha256 => 0.32e-6,
                    ShaVariant::Sha512 => 0.26e-6,
                };
                Some(per_round * f64::from(rounds))
            }
            Scheme::Yescrypt { cost } => cost.map(|cost| cost.verify_seconds()),
            _ => None,
        }
    }
}

/// Reads the format of a stored hash from its prefix (for DES crypt and
/// BSDi's, their shape). Whether the rest has the shape the format requires
/// is [`inspect`]'s question.
pub fn detect(stored: &[u8]) -> Scheme {
    if let Some(variant) = bcrypt::variant(stored) {
        // A cost field that is not two digits is 0, out of range.
        let cost = bcrypt::parse_header(stored).map_or(0, |(_, cost)| cost);
        Scheme::Bcrypt { variant, cost }
    } else if stored.starts_with(md5_crypt::APR1_MAGIC.as_bytes()) {
        Scheme::Apr1
    } else if stored.starts_with(md5_crypt::MD5_MAGIC.as_bytes()) {
        Scheme::Md5Crypt
    } else if let Some((variant, rounds)) = sha_crypt::parse_header(stored) {
        Scheme::ShaCrypt { variant, rounds }
    } else if stored.starts_with(sha1::SHA_PREFIX.as_bytes()) {
        Scheme::Sha1
    } else if stored.starts_with(sha1::SSHA_PREFIX.as_bytes()) {
        Scheme::Ssha
    } else if stored.starts_with(yescrypt::PREFIX) {
        Scheme::Yescrypt {
            cost: yescrypt::parse_cost(stored),
        }
    } else if stored.starts_with(plain::PLAIN_PREFIX.as_bytes()) {
        Scheme::PlainTagged
    } else if des_crypt::looks_like(stored) {
        Scheme::DesCrypt
    } else if let Some(row) = unsupported::detect(stored) {
        Scheme::Unsupported(row)
    } else {
        Scheme::BarePlain
    }
}

/// What verification may accept beyond real hashes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VerifyPolicy {
    /// Accept a bare plain-text entry (Apache on Linux, nginx and the registry
    /// do not).
    pub allow_plain: bool,
}

/// The answer of [`verify`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verification {
    Match,
    Mismatch,
    /// The entry is bare plain text equal to the password, which servers
    /// reject; allowed only with [`VerifyPolicy::allow_plain`].
    PlainNotAllowed,
}

impl Verification {
    pub fn is_match(self) -> bool {
        self == Verification::Match
    }
}

/// Checks `password` against a stored hash, as a server would. Never refuses
/// a long password: a hash Apache made from one verifies with it.
pub fn verify(password: &Password, stored: &[u8], policy: VerifyPolicy) -> Verification {
    let bytes = password.as_bytes();
    let matched = match detect(stored) {
        Scheme::Bcrypt { .. } => bcrypt::verify(bytes, stored),
        Scheme::Apr1 => md5_crypt::verify(bytes, md5_crypt::APR1_MAGIC, stored),
        Scheme::Md5Crypt => md5_crypt::verify(bytes, md5_crypt::MD5_MAGIC, stored),
        Scheme::ShaCrypt { .. } => sha_crypt::verify(bytes, stored),
        Scheme::Sha1 => sha1::verify_sha(bytes, stored),
        Scheme::Ssha => sha1::verify_ssha(bytes, stored),
        Scheme::PlainTagged => plain::verify_tagged(bytes, stored),
        // A 13-character crypt-alphabet string may also be a plain password.
        Scheme::DesCrypt if des_crypt::verify(bytes, stored) => true,
        Scheme::DesCrypt => return bare_plain(bytes, stored, policy),
        Scheme::Yescrypt { .. } => yescrypt::verify(bytes, stored),
        // Named so that `verify` can say so; nothing here can check it.
        Scheme::Unsupported(_) => false,
        Scheme::BarePlain => return bare_plain(bytes, stored, policy),
    };
    if matched {
        Verification::Match
    } else {
        Verification::Mismatch
    }
}

fn bare_plain(password: &[u8], stored: &[u8], policy: VerifyPolicy) -> Verification {
    match (plain::verify_bare(password, stored), policy.allow_plain) {
        (true, true) => Verification::Match,
        (true, false) => Verification::PlainNotAllowed,
        (false, _) => Verification::Mismatch,
    }
}

/// Whether `stored` was made with exactly `params` (algorithm, variant, cost,
/// rounds field), so that an unchanged password needs no new hash.
pub fn matches_params(stored: &[u8], params: &Params) -> bool {
    match (detect(stored), *params) {
        (
            Scheme::Bcrypt { variant, cost },
            Params::Bcrypt {
                variant: v,
                cost: c,
            },
        ) => variant == v && cost == c.get(),
        (Scheme::Apr1, Params::Apr1) => true,
        (
            Scheme::ShaCrypt { variant, rounds },
            Params::ShaCrypt {
                variant: v,
                rounds: r,
            },
        ) => {
            variant == v
                && rounds == r.map_or(ShaRounds::DEFAULT, ShaRounds::get)
                && sha_crypt::has_rounds_field(stored) == r.is_some()
        }
        (Scheme::Sha1, Params::Sha1) => true,
        (Scheme::DesCrypt, Params::Crypt) => true,
        (Scheme::BarePlain | Scheme::DesCrypt, Params::Plain) => true,
        (Scheme::Yescrypt { .. }, Params::Yescrypt) => yescrypt::has_default_field(stored),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bcrypt_params(cost: u64) -> Params {
        Params::Bcrypt {
            variant: BcryptVariant::TwoY,
            cost: BcryptCost::new(cost).unwrap(),
        }
    }

    #[test]
    fn parameter_ranges_are_enforced_when_built() {
        assert!(BcryptCost::new(3).is_err());
        assert!(BcryptCost::new(4).is_ok());
        assert!(BcryptCost::new(31).is_ok());
        assert!(BcryptCost::new(32).is_err());
        assert!(BcryptCost::new(u64::MAX).is_err());
        assert!(
            BcryptCost::new(4_294_967_300).is_err(),
            "no 32-bit wrap (Apache D3)"
        );
        assert!(ShaRounds::new(999).is_err());
        assert!(ShaRounds::new(1000).is_ok());
        assert!(ShaRounds::new(999_999_999).is_ok());
        assert!(ShaRounds::new(1_000_000_000).is_err());
        assert!(ShaRounds::new(4_294_967_296).is_err());
    }

    #[test]
    fn every_algorithm_hashes_then_verifies_and_rejects_a_wrong_password() {
        let password = Password::from("pässwörd:\t ✓");
        let wrong = Password::from("Pässwörd:\t ✓");
        for algorithm in Algorithm::ALL {
            let params = match algorithm {
                Algorithm::Bcrypt => bcrypt_params(4),
                other => Params::default_for(other),
            };
            let stored = hash_password(&password, &params).unwrap();
            let policy = VerifyPolicy { allow_plain: true };
            assert!(verify(&password, &stored, policy).is_match(), "{algorithm}");
            assert!(!verify(&wrong, &stored, policy).is_match(), "{algorithm}");
            assert!(matches_params(&stored, &params), "{algorithm}");
        }
    }

    #[test]
    fn generated_hashes_have_apache_shapes() {
        let password = Password::from("pw");
        let shape =
            |params: Params| String::from_utf8(hash_password(&password, &params).unwrap()).unwrap();
        let bcrypt = shape(bcrypt_params(5));
        assert!(
            bcrypt.starts_with("$2y$05$") && bcrypt.len() == 60,
            "{bcrypt}"
        );
        assert!(matches!(bcrypt.as_bytes()[28], b'.' | b'O' | b'e' | b'u'));
        let apr1 = shape(Params::Apr1);
        assert!(apr1.starts_with("$apr1$") && apr1.len() == 37, "{apr1}");
        let sha256 = shape(Params::default_for(Algorithm::Sha256));
        assert!(sha256.starts_with("$5$") && sha256.len() == 63, "{sha256}");
        let sha512 = shape(Params::default_for(Algorithm::Sha512));
        assert!(sha512.starts_with("$6$") && sha512.len() == 106, "{sha512}");
        let rounds = shape(Params::ShaCrypt {
            variant: ShaVariant::Sha256,
            rounds: Some(ShaRounds::new(10_000).unwrap()),
        });
        assert!(rounds.starts_with("$5$rounds=10000$"), "{rounds}");
        assert_eq!(shape(Params::Sha1).len(), 33);
        assert_eq!(shape(Params::Crypt).len(), 13);
        assert_eq!(shape(Params::Plain), "pw");
        // As `mkpasswd -m yescrypt` writes it: 16 bytes of salt.
        let yescrypt = shape(Params::Yescrypt);
        assert!(
            yescrypt.starts_with("$y$j9T$") && yescrypt.len() == 73,
            "{yescrypt}"
        );
        assert_eq!(yescrypt.as_bytes()[29], b'$');
    }

    #[test]
    fn salts_differ_between_hashes() {
        let password = Password::from("pw");
        for params in [
            bcrypt_params(4),
            Params::Apr1,
            Params::default_for(Algorithm::Sha512),
        ] {
            assert_ne!(
                hash_password(&password, &params).unwrap(),
                hash_password(&password, &params).unwrap()
            );
        }
    }

    #[test]
    fn detect_names_each_format() {
        let cases: [(&[u8], Scheme); 15] = [
            (
                b"$2y$10$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQR",
                Scheme::Bcrypt {
                    variant: BcryptVariant::TwoY,
                    cost: 10,
                },
            ),
            (
                b"$2b$31$x",
                Scheme::Bcrypt {
                    variant: BcryptVariant::TwoB,
                    cost: 31,
                },
            ),
            (b"$apr1$abc$def", Scheme::Apr1),
            (b"$1$abc$def", Scheme::Md5Crypt),
            (
                b"$5$abc$def",
                Scheme::ShaCrypt {
                    variant: ShaVariant::Sha256,
                    rounds: 5000,
                },
            ),
            (
                b"$6$rounds=10000$abc$def",
                Scheme::ShaCrypt {
                    variant: ShaVariant::Sha512,
                    rounds: 10000,
                },
            ),
            (b"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", Scheme::Sha1),
            (b"{SSHA}abc", Scheme::Ssha),
            (b"{PLAIN}pw", Scheme::PlainTagged),
            (b"abJnggxhB/yWI", Scheme::DesCrypt),
            (
                b"$y$j9T$abcd$x",
                Scheme::Yescrypt {
                    cost: Some(YescryptCost::DEFAULT),
                },
            ),
            // A field libxcrypt does not compute (N = 2) has no cost.
            (b"$y$j.T$abcd$x", Scheme::Yescrypt { cost: None }),
            // The prefix names bcrypt; a cost field that is not two digits
            // reads as 0, which `inspect` calls malformed.
            (
                b"$2y$x",
                Scheme::Bcrypt {
                    variant: BcryptVariant::TwoY,
                    cost: 0,
                },
            ),
            (b"hunter2", Scheme::BarePlain),
            (b"", Scheme::BarePlain),
        ];
        for (stored, scheme) in cases {
            assert_eq!(
                detect(stored),
                scheme,
                "{}",
                String::from_utf8_lossy(stored)
            );
        }
    }

    #[test]
    fn verify_seconds_grows_with_the_cost() {
        let bcrypt = |cost| Scheme::Bcrypt {
            variant: BcryptVariant::TwoY,
            cost,
        };
        let seconds = |scheme: Scheme| scheme.verify_seconds().unwrap();
        assert!((seconds(bcrypt(10)) - 0.05).abs() < 0.01);
        assert!(seconds(bcrypt(16)) > 3.0);
        // Cost 31: more than a day.
        assert!(seconds(bcrypt(31)) > 86_400.0);
        let sha512 = |rounds| Scheme::ShaCrypt {
            variant: ShaVariant::Sha512,
            rounds,
        };
        assert!(seconds(sha512(5000)) < 0.01);
        assert!(seconds(sha512(999_999_999)) > 200.0);
        assert_eq!(Scheme::Apr1.verify_seconds(), None);
        let yescrypt = |field: &[u8]| detect(&[b"$y$", field, b"$abcd$x"].concat());
        assert!(seconds(yescrypt(b"j9T")) < 0.05);
        // mkpasswd -R 11: N = 2^18, 1 GiB.
        assert!(seconds(yescrypt(b"jFT")) > 1.0);
        assert_eq!(yescrypt(b"j.T").verify_seconds(), None);
    }

    #[test]
    fn bare_plain_verifies_only_when_allowed() {
        let password = Password::from("hunter2");
        assert_eq!(
            verify(&password, b"hunter2", VerifyPolicy::default()),
            Verification::PlainNotAllowed
        );
        assert_eq!(
            verify(&password, b"hunter2", VerifyPolicy { allow_plain: true }),
            Verification::Match
        );
        assert_eq!(
            verify(&password, b"hunter3", VerifyPolicy { allow_plain: true }),
            Verification::Mismatch
        );
        assert!(verify(&password, b"{PLAIN}hunter2", VerifyPolicy::default()).is_match());
        // A 13-character plain password looks like DES; it still verifies as plain.
        let thirteen = Password::from("abcdefghijklm");
        assert_eq!(
            verify(
                &thirteen,
                b"abcdefghijklm",
                VerifyPolicy { allow_plain: true }
            ),
            Verification::Match
        );
    }

    #[test]
    fn bcrypt_costs_beyond_apaches_17_verify() {
        // Apache refuses to verify cost 18+ (D22); a server built on crypt_blowfish does not.
        let stored = bcrypt::hash(b"pw", BcryptVariant::TwoY, 4, &[3; 16]);
        assert!(verify(&Password::from("pw"), &stored, VerifyPolicy::default()).is_match());
    }

    #[test]
    fn matches_params_tells_cost_variant_and_rounds_apart() {
        let password = Password::from("pw");
        let stored = hash_password(&password, &bcrypt_params(4)).unwrap();
        assert!(matches_params(&stored, &bcrypt_params(4)));
        assert!(!matches_params(&stored, &bcrypt_params(5)));
        assert!(!matches_params(
            &stored,
            &Params::Bcrypt {
                variant: BcryptVariant::TwoB,
                cost: BcryptCost::new(4).unwrap()
            }
        ));
        assert!(!matches_params(&stored, &Params::Apr1));
        let default_rounds =
            hash_password(&password, &Params::default_for(Algorithm::Sha256)).unwrap();
        let explicit = Params::ShaCrypt {
            variant: ShaVariant::Sha256,
            rounds: Some(ShaRounds::new(5000).unwrap()),
        };
        assert!(
            !matches_params(&default_rounds, &explicit),
            "rounds= field differs"
        );
        // yescrypt: exactly `j9T`, what -a yescrypt writes.
        let yescrypt = hash_password(&password, &Params::Yescrypt).unwrap();
        assert!(matches_params(&yescrypt, &Params::Yescrypt));
        assert!(!matches_params(&yescrypt, &Params::Apr1));
        let other_cost = [&b"$y$j7T$"[..], &yescrypt[7..]].concat();
        assert!(!matches_params(&other_cost, &Params::Yescrypt));
        let same_cost_spelled_otherwise = [&b"$y$j9TD$"[..], &yescrypt[7..]].concat();
        assert!(!matches_params(
            &same_cost_spelled_otherwise,
            &Params::Yescrypt
        ));
    }

    #[test]
    fn check_password_refuses_only_long_bcrypt() {
        let long = Password::new(vec![b'x'; 73]);
        assert!(matches!(
            bcrypt_params(10).check_password(&long),
            Err(Error::PasswordTooLongForBcrypt { len: 73 })
        ));
        assert!(
            bcrypt_params(10)
                .check_password(&Password::new(vec![b'x'; 72]))
                .is_ok()
        );
        assert!(Params::Apr1.check_password(&long).is_ok());
        // libxcrypt's crypt(3) refuses 512 bytes and more.
        assert!(
            Params::Yescrypt
                .check_password(&Password::new(vec![b'x'; 511]))
                .is_ok()
        );
        assert!(matches!(
            Params::Yescrypt.check_password(&Password::new(vec![b'x'; 512])),
            Err(Error::PasswordTooLongForYescrypt { len: 512 })
        ));
        assert!(matches!(
            hash_password(&Password::new(vec![b'x'; 512]), &Params::Yescrypt),
            Err(Error::PasswordTooLongForYescrypt { len: 512 })
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Our EksBlowfish is byte-identical to the `bcrypt` crate (the
        /// oracle) for NUL-free passwords, which is all a C server can
        /// receive, at costs 4-8, for `$2y$` and `$2b$` (which hash alike).
        #[test]
        fn bcrypt_matches_the_oracle(
            password in proptest::collection::vec(1u8..=255, 0..=72),
            salt in proptest::array::uniform16(any::<u8>()),
            cost in 4u32..=8,
            two_b in any::<bool>(),
        ) {
            let (ours, version) = if two_b {
                (BcryptVariant::TwoB, ::bcrypt::Version::TwoB)
            } else {
                (BcryptVariant::TwoY, ::bcrypt::Version::TwoY)
            };
            let ours = bcrypt::hash(&password, ours, cost, &salt);
            let oracle = ::bcrypt::hash_with_salt(&password, cost, salt)
                .unwrap()
                .format_for_version(version);
            prop_assert_eq!(String::from_utf8(ours).unwrap(), oracle);
        }

        #[test]
        fn verify_never_panics_on_any_stored_string(stored in proptest::collection::vec(any::<u8>(), 0..120)) {
            let _ = verify(&Password::from("pw"), &stored, VerifyPolicy { allow_plain: true });
        }
    }
}
