//! What `check` says of a hash's shape, held to what the servers do with
//! it: every entry below is for the password `pw`, and nginx and Apache
//! httpd must let it in exactly when `hash::inspect` and `check`'s server
//! table say they do (a malformed hash never; a scheme htpass cannot verify
//! when the server hands it to the system crypt(3), which verifies it).
//!
//! The malformed hashes are made from real ones by the smallest change a
//! lenient reader would forgive (a leading zero in `rounds=`, a salt one
//! character too long, a missing `=`), so a server that let one in would
//! show `check`'s rule to be wrong.

use htpass::Password;
use htpass::check::Server;
use htpass::hash::{self, Params, Shape};

use super::apache_httpd::ApacheHttpd;
use super::matrix::Verdict;
use super::nginx::Nginx;
use super::registry::Registry;
use crate::util::TestDir;

/// Entries for the password `pw`: made by libxcrypt (`mkpasswd -m METHOD
/// pw`, Perl's `crypt`), by Python's hashlib for the LDAP schemes, or
/// changed from those by one character.
const ENTRIES: &[(&str, &str)] = &[
    // Sound.
    (
        "bcrypt",
        "$2y$05$abcdefghijklmnopqrstuuHIrMEWpUCQe2YqFR3sXwQ75u4od..9q",
    ),
    ("md5", "$1$abcdefgh$IQtUouv7y7Q9dRWkQEPCc."),
    (
        "sha256",
        "$5$rounds=5000$saltsalt$0rl.MZtoLLPP3X0Rdl8riRnphIcAXJY27/aOAyK2hB5",
    ),
    (
        "sha512",
        "$6$0123456789abcdef$zAYvvEJcrKSqV2KUPTUM1K9eaGv20n9mUjWSDZW0QnwBRk0LSoTIT3PW7mCEa30acQuLwC1rnfhmbdGOSp.jX.",
    ),
    ("sha1", "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM="),
    ("ssha", "{SSHA}vFSAXA44/mvza7sDF+k4l4Poy21zYWx0c2FsdA=="),
    // No salt at all: nginx takes it.
    ("ssha-unsalted", "{SSHA}GpHWL3ymc5liWkNopqtdSjuqYHM="),
    // yescrypt from mkpasswd, and from Python's crypt with an empty salt,
    // p = 4, and the write-once/read-many and classic scrypt flavors.
    (
        "yescrypt",
        "$y$j9T$z4jwdl3M2qnyIJnn2yfPU.$/zpcQ9zfxyPjV5vgTVi0JGRp0fBXrJgxy8XmG5JBEYA",
    ),
    (
        "yescrypt-empty-salt",
        "$y$j9T$$35/RtcSpQnsp9pKBilplwTCR/Z6e.uNV.3aZKZzHYd6",
    ),
    (
        "yescrypt-p4",
        "$y$j95.0$abcd$HnTqooE7ta50s.ACStyNajDIpgvGzvCqoYz6N8af9.6",
    ),
    (
        "yescrypt-worm",
        "$y$/9T$abcd$yYyUfT9qC44eqTfHJjFRCw6pXlAv6WV7O5BBTJWJbND",
    ),
    (
        "yescrypt-scrypt",
        "$y$.9T$abcd$MNwEMvZlyyxgy/sPxbnjL7Y2urAfTo/Mxp1zylUbFa6",
    ),
    // Schemes htpass names but cannot verify; libxcrypt verifies these.
    (
        "gost-yescrypt",
        "$gy$j9T$4tG/PWvpqzvRJsF7SO8Nd0$en/b185Zp9PudE5NoalwLtNero9E0.lKm7thSvvkzl.",
    ),
    (
        "scrypt",
        "$7$CU..../....UVMH/3R5Vrphr/yd0k75I1$olEoP7xeJeAdhbbHVe4wPgkytXvK6AXP3EFxe54J2oA",
    ),
    ("bsdi", "_J9..UKsmpP1cqbJu1MM"),
    (
        "sunmd5",
        "$md5,rounds=84383$WfwUArJJ$$qfrU2YIh3jdQvNK/7mDj11",
    ),
    ("nt", "$3$$8cc19b6a8cfeac299c2871c86b38de28"),
    // ... and these nothing does.
    (
        "ssha256",
        "{SSHA256}YFg1hWgNU68fO3bZ74FWvMk5Oj5//GpUgnOSGIay9KlzYWx0c2FsdA==",
    ),
    ("smd5", "{SMD5}CivKNeFM8rzQMWCfG5QWUXNhbHRzYWx0"),
    // Malformed.
    (
        "bcrypt-61",
        "$2y$05$abcdefghijklmnopqrstuuHIrMEWpUCQe2YqFR3sXwQ75u4od..9qx",
    ),
    (
        "bcrypt-cost-5",
        "$2y$5$abcdefghijklmnopqrstuuHIrMEWpUCQe2YqFR3sXwQ75u4od..9q",
    ),
    ("md5-salt-9", "$1$abcdefghX$IQtUouv7y7Q9dRWkQEPCc."),
    (
        "sha256-rounds-05000",
        "$5$rounds=05000$saltsalt$0rl.MZtoLLPP3X0Rdl8riRnphIcAXJY27/aOAyK2hB5",
    ),
    (
        "sha512-salt-17",
        "$6$0123456789abcdefX$zAYvvEJcrKSqV2KUPTUM1K9eaGv20n9mUjWSDZW0QnwBRk0LSoTIT3PW7mCEa30acQuLwC1rnfhmbdGOSp.jX.",
    ),
    ("sha1-27", "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM"),
    ("sha1-bits", "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHN="),
    ("ssha-unpadded", "{SSHA}GpHWL3ymc5liWkNopqtdSjuqYHM"),
    // N = 2, which libxcrypt refuses; a salt whose spare bits are set; a
    // last character crypt(3) never writes.
    (
        "yescrypt-n-2",
        "$y$j.T$z4jwdl3M2qnyIJnn2yfPU.$/zpcQ9zfxyPjV5vgTVi0JGRp0fBXrJgxy8XmG5JBEYA",
    ),
    (
        "yescrypt-salt-bits",
        "$y$j9T$abc$/zpcQ9zfxyPjV5vgTVi0JGRp0fBXrJgxy8XmG5JBEYA",
    ),
    (
        "yescrypt-last-char",
        "$y$j9T$z4jwdl3M2qnyIJnn2yfPU.$/zpcQ9zfxyPjV5vgTVi0JGRp0fBXrJgxy8XmG5JBEYQ",
    ),
];

/// The file: [`ENTRIES`], and an `$apr1$` hash made here with its salt
/// made one character too long.
fn write_entries(dir: &TestDir) -> (std::path::PathBuf, Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<(String, Vec<u8>)> = ENTRIES
        .iter()
        .map(|(user, stored)| ((*user).to_owned(), stored.as_bytes().to_vec()))
        .collect();
    let apr1 = hash::hash_password(&Password::from("pw"), &Params::Apr1).unwrap();
    entries.push(("apr1".to_owned(), apr1.clone()));
    let (salt, rest) = apr1[6..].split_at(8);
    entries.push((
        "apr1-salt-9".to_owned(),
        [&b"$apr1$"[..], salt, b"X", rest].concat(),
    ));
    let mut file = Vec::new();
    for (user, stored) in &entries {
        file.extend_from_slice(format!("{user}:").as_bytes());
        file.extend_from_slice(stored);
        file.push(b'\n');
    }
    (dir.write("htpasswd", file), entries)
}

/// Whether `server` lets the right password in, as `check` reads it.
fn expected(server: Server, stored: &[u8]) -> bool {
    server.rules().verifies(hash::inspect(stored))
}

/// Asks `get` for every entry with `pw`, and panics with a table of the
/// entries where the server and `check` disagree.
fn assert_agree(
    server: Server,
    entries: &[(String, Vec<u8>)],
    get: impl Fn(&str, &str) -> Result<u16, String>,
    logs: impl Fn() -> String,
) {
    let mut wrong = Vec::new();
    for (user, stored) in entries {
        let expected = expected(server, stored);
        let answer = get(user, "pw");
        let ok = match answer {
            Ok(200) => expected,
            Ok(401) => !expected,
            _ => false,
        };
        println!("{:>20}: {answer:?}, check expects {expected}", user);
        if !ok {
            wrong.push(format!(
                "{user}: {} answered {answer:?}, check expects {} ({:?})",
                server.name(),
                if expected { "200" } else { "401" },
                hash::inspect(stored)
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} and check disagree:\n{}\n{}",
        server.name(),
        wrong.join("\n"),
        logs()
    );
}

#[test]
fn nginx_lets_in_exactly_what_check_says_it_does() {
    let dir = TestDir::new();
    let (path, entries) = write_entries(&dir);
    let nginx = Nginx::start(&dir, &path);
    assert_agree(
        Server::Nginx,
        &entries,
        |user, password| nginx.get(user, password),
        || nginx.logs(),
    );
}

#[test]
fn apache_httpd_lets_in_exactly_what_check_says_it_does() {
    let dir = TestDir::new();
    let (path, entries) = write_entries(&dir);
    let httpd = ApacheHttpd::start(&dir, &path);
    assert_agree(
        Server::Apache,
        &entries,
        |user, password| httpd.get(user, password),
        || httpd.logs(),
    );
}

/// The registry takes bcrypt only; Go's bcrypt must refuse what `check`
/// calls a malformed bcrypt hash too.
#[test]
fn the_registry_lets_in_exactly_what_check_says_it_does() {
    let dir = TestDir::new();
    let (path, entries) = write_entries(&dir);
    let registry = Registry::start(&dir, &path);
    assert_agree(
        Server::Registry,
        &entries,
        |user, password| {
            let answer = registry.get_v2(user, password);
            match answer.verdict {
                Verdict::Accepted => Ok(200),
                Verdict::Refused => Ok(401),
                Verdict::Broken => Err(answer.shown),
            }
        },
        String::new,
    );
}

/// The entries are what they claim to be: the sound ones are sound, the
/// malformed ones malformed, the others of a scheme htpass names.
#[test]
fn the_entries_are_what_their_names_say() {
    let dir = TestDir::new();
    let (_, entries) = write_entries(&dir);
    let unsupported = [
        ("gost-yescrypt", "gost-yescrypt"),
        ("scrypt", "scrypt"),
        ("bsdi", "bsdicrypt"),
        ("sunmd5", "sunmd5"),
        ("nt", "nt"),
        ("ssha256", "ssha256"),
        ("smd5", "smd5"),
    ];
    for (user, stored) in &entries {
        let shape = hash::inspect(stored);
        let malformed = [
            "-61",
            "-cost-5",
            "-salt-",
            "-rounds-0",
            "-27",
            "-bits",
            "-unpadded",
            "-n-2",
            "-last-char",
        ]
        .iter()
        .any(|mark| user.contains(mark));
        let named = unsupported
            .iter()
            .find(|(name, _)| name == user)
            .map(|(_, row)| *row);
        match shape {
            Shape::Malformed { .. } => assert!(malformed, "{user}: {shape:?}"),
            Shape::Sound(_) => assert!(!malformed && named.is_none(), "{user}: {shape:?}"),
            Shape::Unsupported(row) => assert_eq!(Some(row.name), named, "{user}"),
        }
    }
}
