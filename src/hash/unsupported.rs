//! Hash schemes htpass recognises but cannot verify: one row each, in
//! [`UNSUPPORTED`].
//!
//! Its job: tell such a hash apart from a password in clear text, so that
//! `check` and `verify` can name its scheme ("unsupported scheme {SSHA256}")
//! instead of calling it plain text, and say whether the system crypt(3)
//! verifies it (then nginx and Apache httpd do, on a glibc system).
//!
//! What it must never do: verify anything, or say more of a hash than its
//! scheme (a row's texts are fixed; nothing of the stored bytes goes into
//! them). Supporting a scheme means moving its row out of this table into
//! a format file of its own (as yescrypt's went to `yescrypt.rs`); naming a
//! new one is one row.
//!
//! gost-yescrypt (`$gy$`) and scrypt (`$7$`) stay here: libxcrypt verifies
//! them, but neither is the default of a mainstream distribution, nor
//! written by any htpasswd tool. `$gy$` adds a GOST R 34.11-2012
//! (Streebog) HMAC to yescrypt, a hash function htpass would carry for it
//! alone; `$7$` is classic scrypt with its own fixed-width field and a raw
//! salt. `check` and `verify` name both as unsupported schemes.
//!
//! `system_crypt` was checked live against libxcrypt 4.4 (Debian 12,
//! `mkpasswd -m help` and Perl's `crypt`, which calls it): it verifies
//! yescrypt, gost-yescrypt, scrypt, SunMD5, sha1crypt, NT-hash and BSDi
//! extended DES, and neither Argon2 nor PBKDF2 nor any `{TAG}` scheme. The
//! Docker registry, Traefik and Envoy use none of the system crypt(3).

use super::salt::is_crypt64;

/// A hash scheme htpass recognises and cannot verify.
#[derive(Debug, PartialEq, Eq)]
pub struct Unsupported {
    /// Short, for `htpass list --long` and JSON (`gost-yescrypt`, `ssha256`).
    pub name: &'static str,
    /// How messages name it: its prefix and what it is.
    pub label: &'static str,
    /// Whether the system crypt(3) of a glibc system (libxcrypt) verifies
    /// it, so that nginx and Apache httpd do.
    pub system_crypt: bool,
    /// How a hash of it starts; the letters of a `{TAG}` compared without
    /// case (LDAP's scheme tags are case-insensitive).
    prefix: &'static str,
    /// For a prefix too short to tell a hash from a password (BSDi's `_`):
    /// the length of the whole hash, every character after the prefix of
    /// crypt's alphabet.
    length: Option<usize>,
}

impl Unsupported {
    fn matches(&self, stored: &[u8]) -> bool {
        let prefix = self.prefix.as_bytes();
        let Some(head) = stored.get(..prefix.len()) else {
            return false;
        };
        let starts = if prefix.starts_with(b"{") {
            head.eq_ignore_ascii_case(prefix)
        } else {
            head == prefix
        };
        starts
            && self.length.is_none_or(|length| {
                stored.len() == length && stored[prefix.len()..].iter().copied().all(is_crypt64)
            })
    }
}

const fn row(
    prefix: &'static str,
    name: &'static str,
    label: &'static str,
    system_crypt: bool,
) -> Unsupported {
    Unsupported {
        name,
        label,
        system_crypt,
        prefix,
        length: None,
    }
}

/// Every scheme htpass names without verifying it. [`super::detect`] tries
/// the formats htpass verifies first, so a row never hides one of them.
pub static UNSUPPORTED: [Unsupported; 18] = [
    row("$gy$", "gost-yescrypt", "$gy$ (gost-yescrypt)", true),
    row("$7$", "scrypt", "$7$ (scrypt)", true),
    row("$md5", "sunmd5", "$md5$ (SunMD5)", true),
    row("$sha1$", "sha1crypt", "$sha1$ (NetBSD SHA-1 crypt)", true),
    row("$3$", "nt", "$3$ (NT-hash)", true),
    Unsupported {
        length: Some(20),
        ..row("_", "bsdicrypt", "_ (BSDi extended DES crypt)", true)
    },
    row("$argon2", "argon2", "$argon2 (Argon2)", false),
    row("$pbkdf2", "pbkdf2", "$pbkdf2 (PBKDF2)", false),
    row("{SSHA256}", "ssha256", "{SSHA256} (salted SHA-256)", false),
    row("{SSHA384}", "ssha384", "{SSHA384} (salted SHA-384)", false),
    row("{SSHA512}", "ssha512", "{SSHA512} (salted SHA-512)", false),
    row(
        "{SHA256}",
        "sha256-ldap",
        "{SHA256} (unsalted SHA-256)",
        false,
    ),
    row(
        "{SHA384}",
        "sha384-ldap",
        "{SHA384} (unsalted SHA-384)",
        false,
    ),
    row(
        "{SHA512}",
        "sha512-ldap",
        "{SHA512} (unsalted SHA-512)",
        false,
    ),
    row("{SMD5}", "smd5", "{SMD5} (salted MD5)", false),
    row("{MD5}", "md5-ldap", "{MD5} (unsalted MD5)", false),
    row("{CRYPT}", "crypt-ldap", "{CRYPT} (LDAP's crypt tag)", false),
    row(
        "{BLF-CRYPT}",
        "blf-crypt",
        "{BLF-CRYPT} (Dovecot's bcrypt tag)",
        false,
    ),
];

/// The row `stored` belongs to, if any.
pub fn detect(stored: &[u8]) -> Option<&'static Unsupported> {
    // Every row starts with one of these: most hashes are decided here.
    match stored.first() {
        Some(b'$' | b'{' | b'_') => UNSUPPORTED.iter().find(|row| row.matches(stored)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_is_found_by_its_prefix() {
        for row in &UNSUPPORTED {
            let stored = match row.length {
                Some(length) => format!("{}{}", row.prefix, ".".repeat(length - 1)),
                None => format!("{}abc", row.prefix),
            };
            assert_eq!(detect(stored.as_bytes()), Some(row), "{}", row.name);
        }
    }

    #[test]
    fn names_are_distinct() {
        let mut names: Vec<&str> = UNSUPPORTED.iter().map(|row| row.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), UNSUPPORTED.len());
    }

    #[test]
    fn live_hashes_are_named() {
        // Made with `mkpasswd -m METHOD pw` (libxcrypt 4.4), and Argon2's
        // reference encoding.
        for (stored, name) in [
            (
                "$gy$j9T$4tG/PWvpqzvRJsF7SO8Nd0$en/b185Zp9PudE5NoalwLtNero9E0.lKm7thSvvkzl.",
                "gost-yescrypt",
            ),
            (
                "$7$CU..../....UVMH/3R5Vrphr/yd0k75I1$olEoP7xeJeAdhbbHVe4wPgkytXvK6AXP3EFxe54J2oA",
                "scrypt",
            ),
            ("_J9..UKsmpP1cqbJu1MM", "bsdicrypt"),
            (
                "$md5,rounds=84383$WfwUArJJ$$qfrU2YIh3jdQvNK/7mDj11",
                "sunmd5",
            ),
            ("$3$$8cc19b6a8cfeac299c2871c86b38de28", "nt"),
            (
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                "argon2",
            ),
            ("{ssha256}abc", "ssha256"),
        ] {
            assert_eq!(detect(stored.as_bytes()).map(|row| row.name), Some(name));
        }
    }

    #[test]
    fn plain_text_is_not_taken_for_a_scheme() {
        for stored in [
            "_short",
            "_J9..CCCCaxLHlwiamg2x",
            "_J9..CCCC!xLHlwiamg2",
            "hunter2",
            "$",
            "{SHA}x",
            "{SSHA}x",
            "$1$x",
            "$5$x",
            "$2y$05$x",
            "$apr1$",
            // yescrypt is verified: it is not in this table.
            "$y$j9T$z4jwdl3M2qnyIJnn2yfPU.$/zpcQ9zfxyPjV5vgTVi0JGRp0fBXrJgxy8XmG5JBEYA",
        ] {
            assert_eq!(detect(stored.as_bytes()), None, "{stored}");
        }
    }
}
