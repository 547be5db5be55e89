//! Whether a stored hash has the shape its scheme requires: [`inspect`].
//!
//! Its job: for a hash whose prefix names a scheme htpass verifies, say
//! whether anything could ever verify it (field lengths, alphabet, bcrypt's
//! cost, SHA-crypt's `rounds=`, `{SHA}`'s base64), and name what is wrong;
//! for one of a scheme htpass only recognises, name the scheme. `check`
//! reports it for every line and `verify` says it instead of blaming the
//! password, from this one function. The rules of each format sit in its
//! own file (`bcrypt::defect`, `sha_crypt::defect`...), next to the code
//! that verifies it.
//!
//! What it must never do: allocate (it runs on every line of a
//! million-line `check`), or put any byte of a hash into a [`Defect`]: its
//! text is fixed, so it can be printed.

use std::fmt;

use super::unsupported::Unsupported;
use super::{Scheme, bcrypt, detect, md5_crypt, sha_crypt, sha1, yescrypt};

/// What a stored hash is, read whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A hash of a scheme htpass verifies, in the shape that scheme
    /// requires; or plain text (bare, `{PLAIN}`) and DES crypt, whose
    /// shape is any bytes or is how they are recognised.
    Sound(Scheme),
    /// A scheme htpass verifies, but nothing can verify this hash of it,
    /// whatever the password.
    Malformed { scheme: Scheme, defect: Defect },
    /// A scheme htpass recognises and cannot verify.
    Unsupported(&'static Unsupported),
}

impl Shape {
    /// The scheme, as [`detect`] reads it.
    pub fn scheme(self) -> Scheme {
        match self {
            Shape::Sound(scheme) | Shape::Malformed { scheme, .. } => scheme,
            Shape::Unsupported(row) => Scheme::Unsupported(row),
        }
    }
}

/// What makes a stored hash malformed. Its text (`Display`) says it of
/// the hash ("its cost is not..."), and is fixed: it never holds a byte of
/// the hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defect {
    /// bcrypt: the cost is not two digits from 04 to 31.
    BcryptCost,
    /// bcrypt: fewer than 60 characters.
    BcryptLength,
    /// bcrypt: a sound hash, then more characters (Go's bcrypt ignores
    /// them; crypt_blowfish does not).
    BcryptTrailing,
    /// bcrypt: a salt or hash character outside bcrypt's alphabet.
    BcryptAlphabet,
    /// SHA-crypt: `rounds=` is not a number from 1000 to 999999999.
    Rounds,
    /// MD5-crypt, SHA-crypt: it ends before the `$` after the salt.
    NoHash,
    /// MD5-crypt, SHA-crypt: the salt is longer than the scheme uses.
    SaltTooLong { max: usize },
    /// MD5-crypt, SHA-crypt: the part after the salt is not `chars` long.
    HashLength { chars: usize },
    /// MD5-crypt, SHA-crypt: the part after the salt is not crypt's
    /// alphabet.
    HashAlphabet,
    /// `{SHA}`: not 28 characters after the tag (Envoy refuses the file).
    Sha1Length,
    /// `{SHA}`: 28 characters, but not the base64 of 20 bytes.
    Sha1Base64,
    /// `{SSHA}`: not the base64 of a 20-byte digest and its salt.
    SshaBase64,
    /// yescrypt: a parameter field libxcrypt does not compute (it does not
    /// decode, or names a flavor, N, r, p, t, g or ROM its KDF refuses).
    YescryptParams,
    /// yescrypt: a salt that is not yescrypt's base64 of at most 64 bytes.
    YescryptSalt,
    /// yescrypt: the hash's last character has bits crypt(3) never sets.
    HashLastCharacter,
    /// yescrypt: parameters beyond what htpass computes (more than 1 GiB
    /// of memory, or about 10 seconds, per login).
    YescryptTooCostly,
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Defect::BcryptCost => f.write_str("its cost is not two digits from 04 to 31"),
            Defect::BcryptLength => f.write_str(
                "it is shorter than 60 characters: 7 of prefix and cost, then 22 of salt and 31 of hash",
            ),
            Defect::BcryptTrailing => {
                f.write_str("it has characters after the 60 of a bcrypt hash")
            }
            Defect::BcryptAlphabet => {
                f.write_str("it has a character outside bcrypt's alphabet (./A-Za-z0-9)")
            }
            Defect::Rounds => f.write_str(
                "its rounds= is not a number from 1000 to 999999999 without leading zeros",
            ),
            Defect::NoHash => f.write_str("it ends after the salt, with no '$' and hash"),
            Defect::SaltTooLong { max } => write!(f, "its salt is longer than {max} characters"),
            Defect::HashLength { chars } => {
                write!(
                    f,
                    "it does not end in {chars} characters of hash after the salt"
                )
            }
            Defect::HashAlphabet => {
                f.write_str("its hash has a character outside crypt's alphabet (./0-9A-Za-z)")
            }
            Defect::Sha1Length => f.write_str(
                "it is not 28 characters after {SHA}, the base64 of a 20-byte SHA-1 digest",
            ),
            Defect::Sha1Base64 => f.write_str("it is not the base64 of a 20-byte SHA-1 digest"),
            Defect::SshaBase64 => {
                f.write_str("it is not the base64 of a 20-byte SHA-1 digest followed by its salt")
            }
            Defect::YescryptParams => f.write_str(
                "its parameters (after $y$) are not ones libxcrypt's crypt(3) computes",
            ),
            Defect::YescryptSalt => f.write_str(
                "its salt is not yescrypt's base64 of at most 64 bytes",
            ),
            Defect::HashLastCharacter => f.write_str(
                "its hash ends in a character crypt(3) never writes there",
            ),
            Defect::YescryptTooCostly => f.write_str(
                "its parameters ask for more than 1 GiB of memory or about 10 seconds for every login, more than mkpasswd's largest (-R 11), so a server runs out of memory or time and htpass does not try",
            ),
        }
    }
}

/// Reads a stored hash whole: its scheme, and whether it has the shape the
/// scheme requires. Allocates nothing.
pub fn inspect(stored: &[u8]) -> Shape {
    let scheme = detect(stored);
    let defect = match scheme {
        Scheme::Bcrypt { .. } => bcrypt::defect(stored),
        Scheme::Apr1 => md5_crypt::defect(stored, md5_crypt::APR1_MAGIC),
        Scheme::Md5Crypt => md5_crypt::defect(stored, md5_crypt::MD5_MAGIC),
        Scheme::ShaCrypt { variant, .. } => sha_crypt::defect(stored, variant),
        Scheme::Sha1 => sha1::sha_defect(stored),
        Scheme::Ssha => sha1::ssha_defect(stored),
        Scheme::Yescrypt { .. } => yescrypt::defect(stored),
        Scheme::Unsupported(row) => return Shape::Unsupported(row),
        Scheme::PlainTagged | Scheme::DesCrypt | Scheme::BarePlain => None,
    };
    match defect {
        None => Shape::Sound(scheme),
        Some(defect) => Shape::Malformed { scheme, defect },
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::Password;
    use crate::hash::{
        Algorithm, BcryptCost, BcryptVariant, Params, ShaRounds, ShaVariant, VerifyPolicy,
        hash_password, verify,
    };

    const BCRYPT: &str = "$2y$10$ssOGIHxlFJ3nEy8BZ6Pfr.EoN7pBxKZdz49gfiz.JH3Y/K/xqrr3q";
    const APR1: &str = "$apr1$sHS/ZlXT$qKkADMcbsFCZVpT/gb/lL/";
    const MD5_CRYPT: &str = "$1$NVOHAf9a$PbQG/cnOVDfG8qgoshICL.";
    const SHA256_CRYPT: &str = "$5$uWLAivEMGMfh6vgP$91jbbRmcYT8qeUwLEeHlAI83KRLC3jXV/8LMM2QWYW7";
    const SHA512_ROUNDS: &str = "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.";
    const SHA1: &str = "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=";
    const SSHA: &str = "{SSHA}vFSAXA44/mvza7sDF+k4l4Poy21zYWx0c2FsdA==";

    fn defect(stored: &str) -> Option<Defect> {
        match inspect(stored.as_bytes()) {
            Shape::Malformed { defect, .. } => Some(defect),
            _ => None,
        }
    }

    #[test]
    fn well_formed_hashes_are_sound() {
        for stored in [
            BCRYPT,
            APR1,
            MD5_CRYPT,
            SHA256_CRYPT,
            SHA512_ROUNDS,
            SHA1,
            SSHA,
            // The digest alone, with no salt: nginx verifies it.
            "{SSHA}GpHWL3ymc5liWkNopqtdSjuqYHM=",
            "xfCe25FQ3l4Eo",
            "{PLAIN}pw",
            "hunter2",
            "",
            // An empty salt, and a salt of bytes outside crypt's alphabet:
            // libxcrypt and Apache take both.
            "$1$$F0Fc2lbYpzr3KKdKkM0Wj.",
            "$5$ab~d$OQu.uX39eOhkzPoWI9EKNXxppX6FN1.3UXxgBM2xOEA",
            // yescrypt from `mkpasswd -m yescrypt pw`, and with an empty
            // salt, which libxcrypt takes.
            "$y$j9T$z4jwdl3M2qnyIJnn2yfPU.$/zpcQ9zfxyPjV5vgTVi0JGRp0fBXrJgxy8XmG5JBEYA",
            "$y$j9T$$35/RtcSpQnsp9pKBilplwTCR/Z6e.uNV.3aZKZzHYd6",
        ] {
            assert_eq!(
                inspect(stored.as_bytes()),
                Shape::Sound(detect(stored.as_bytes())),
                "{stored}"
            );
        }
    }

    #[test]
    fn every_hash_htpass_writes_is_sound() {
        let password = Password::from("pw");
        for algorithm in Algorithm::ALL {
            let params = match algorithm {
                Algorithm::Bcrypt => Params::Bcrypt {
                    variant: BcryptVariant::TwoB,
                    cost: BcryptCost::new(4).unwrap(),
                },
                Algorithm::Sha512 => Params::ShaCrypt {
                    variant: ShaVariant::Sha512,
                    rounds: Some(ShaRounds::new(1000).unwrap()),
                },
                other => Params::default_for(other),
            };
            let stored = hash_password(&password, &params).unwrap();
            assert!(
                matches!(inspect(&stored), Shape::Sound(_)),
                "{algorithm}: {:?}",
                inspect(&stored)
            );
        }
    }

    /// The hashes of issue 11 item 8, and one of each other defect.
    #[test]
    fn malformed_hashes_are_named() {
        let bcrypt_body = &BCRYPT[7..];
        let cases: Vec<(String, Defect)> = vec![
            ("$2y$10$short".into(), Defect::BcryptLength),
            (format!("$2y$03${bcrypt_body}"), Defect::BcryptCost),
            (format!("$2y$32${bcrypt_body}"), Defect::BcryptCost),
            (format!("$2b$1${bcrypt_body}"), Defect::BcryptCost),
            ("$2a$".into(), Defect::BcryptCost),
            (format!("{BCRYPT}x"), Defect::BcryptTrailing),
            (format!("{BCRYPT}{BCRYPT}"), Defect::BcryptTrailing),
            (BCRYPT.replace('z', "!"), Defect::BcryptAlphabet),
            ("$apr1$".into(), Defect::NoHash),
            ("$apr1$sHS/ZlXT".into(), Defect::NoHash),
            (
                APR1.replace("sHS/ZlXT", "sHS/ZlXTx"),
                Defect::SaltTooLong { max: 8 },
            ),
            (
                "$apr1$sHS/ZlXT$short".into(),
                Defect::HashLength { chars: 22 },
            ),
            (MD5_CRYPT.replace('G', "-"), Defect::HashAlphabet),
            (
                SHA512_ROUNDS.replace("rounds=10000", "rounds=abc"),
                Defect::Rounds,
            ),
            (
                SHA512_ROUNDS.replace("rounds=10000", "rounds=999"),
                Defect::Rounds,
            ),
            (
                SHA512_ROUNDS.replace("rounds=10000", "rounds=1000000000"),
                Defect::Rounds,
            ),
            (
                SHA512_ROUNDS.replace("rounds=10000", "rounds=010000"),
                Defect::Rounds,
            ),
            ("$5$rounds=5000".into(), Defect::Rounds),
            ("$6$saltstring".into(), Defect::NoHash),
            (
                SHA256_CRYPT.replace("uWLAivEMGMfh6vgP", "uWLAivEMGMfh6vgPx"),
                Defect::SaltTooLong { max: 16 },
            ),
            (
                SHA256_CRYPT.replace("$5$", "$6$"),
                Defect::HashLength { chars: 86 },
            ),
            (format!("{SHA256_CRYPT}x"), Defect::HashLength { chars: 43 }),
            (SHA256_CRYPT.replace("YW7", "Y*7"), Defect::HashAlphabet),
            ("{SHA}".into(), Defect::Sha1Length),
            (
                "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM".into(),
                Defect::Sha1Length,
            ),
            (format!("{SHA1} "), Defect::Sha1Length),
            // 28 characters, but the last bits are not zero, or not base64.
            (
                "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHN=".into(),
                Defect::Sha1Base64,
            ),
            (
                "{SHA}GpHWL3ymc5liWkNopqtdSjuqYH==".into(),
                Defect::Sha1Base64,
            ),
            (
                "{SHA}GpHWL3ymc5liWkNopqtdSjuqYH.=".into(),
                Defect::Sha1Base64,
            ),
            ("{SSHA}abcdefgh".into(), Defect::SshaBase64),
            // Unpadded: nginx re-encodes it with the padding.
            (
                "{SSHA}GpHWL3ymc5liWkNopqtdSjuqYHM".into(),
                Defect::SshaBase64,
            ),
            ("{SSHA}not base64!".into(), Defect::SshaBase64),
            ("{SSHA}".into(), Defect::SshaBase64),
        ];
        for (stored, expected) in cases {
            assert_eq!(defect(&stored), Some(expected), "{stored}");
        }
    }

    #[test]
    fn unsupported_schemes_are_named_not_taken_for_plain_text() {
        for (stored, name) in [
            ("{SSHA256}c2FsdGVkIGhhc2g=", "ssha256"),
            ("{SSHA512}c2FsdGVkIGhhc2g=", "ssha512"),
            ("{SMD5}c2FsdGVkIGhhc2g=", "smd5"),
            ("{MD5}X03MO1qnZdYdgyfeuILPmQ==", "md5-ldap"),
            ("{CRYPT}$6$salt$hash", "crypt-ldap"),
            ("_J9..UKsmpP1cqbJu1MM", "bsdicrypt"),
            (
                "$gy$j9T$4tG/PWvpqzvRJsF7SO8Nd0$en/b185Zp9PudE5NoalwLtNero9E0.lKm7thSvvkzl.",
                "gost-yescrypt",
            ),
            ("$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", "argon2"),
            ("$pbkdf2-sha256$29000$c2FsdA$aGFzaA", "pbkdf2"),
        ] {
            match inspect(stored.as_bytes()) {
                Shape::Unsupported(row) => assert_eq!(row.name, name, "{stored}"),
                other => panic!("{stored}: {other:?}"),
            }
            assert_eq!(detect(stored.as_bytes()).name(), name);
            // Not plain text either: even the same bytes do not verify.
            let same = Password::new(stored.as_bytes().to_vec());
            let policy = VerifyPolicy { allow_plain: true };
            assert!(!verify(&same, stored.as_bytes(), policy).is_match());
        }
    }

    #[test]
    fn defect_texts_are_fixed_and_say_what_is_expected() {
        assert_eq!(
            Defect::SaltTooLong { max: 8 }.to_string(),
            "its salt is longer than 8 characters"
        );
        assert!(Defect::Sha1Length.to_string().contains("28 characters"));
        assert!(Defect::BcryptCost.to_string().contains("04 to 31"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever inspect calls malformed does not verify with the
        /// password the hash was made from: a hash made by htpass, then one
        /// byte changed, cut or added.
        #[test]
        fn a_malformed_hash_never_verifies(
            algorithm in prop::sample::select(vec![0usize, 1, 2, 3, 4, 5, 6]),
            edit in 0..3u8,
            at in any::<prop::sample::Index>(),
            byte in prop::sample::select(b"./aZ09$+=!_ x".to_vec()),
        ) {
            let password = Password::from("pw");
            let params = [
                Params::Bcrypt { variant: BcryptVariant::TwoY, cost: BcryptCost::new(4).unwrap() },
                Params::Apr1,
                Params::ShaCrypt { variant: ShaVariant::Sha256, rounds: Some(ShaRounds::new(1000).unwrap()) },
                Params::ShaCrypt { variant: ShaVariant::Sha512, rounds: Some(ShaRounds::new(1000).unwrap()) },
                Params::Sha1,
                Params::Crypt,
                Params::Yescrypt,
            ][algorithm];
            let mut stored = hash_password(&password, &params).unwrap();
            let at = at.index(stored.len());
            match edit {
                0 => stored[at] = byte,
                1 => stored.truncate(at),
                _ => stored.insert(at, byte),
            }
            if let Shape::Malformed { .. } = inspect(&stored) {
                let policy = VerifyPolicy { allow_plain: true };
                prop_assert!(!verify(&password, &stored, policy).is_match());
            }
        }

        #[test]
        fn inspect_never_panics(stored in proptest::collection::vec(any::<u8>(), 0..120)) {
            let shape = inspect(&stored);
            prop_assert_eq!(shape.scheme(), detect(&stored));
        }
    }
}
