//! Live interop with Apache's own `htpasswd` (Debian's `apache2-utils`), run
//! by absolute path: every hash our library writes must verify in Apache's
//! `htpasswd -v`, and every hash Apache writes now must verify in our library.
//!
//! These tests fail, never skip, when Apache's binary is missing (STYLE.md
//! habit 7): a silently skipped interop test proves nothing.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::panic;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::thread;

use htpass::Password;
use htpass::hash::{self, BcryptCost, BcryptVariant, Params, ShaRounds, ShaVariant, VerifyPolicy};

const APACHE: &str = "/usr/bin/htpasswd";
const USER: &str = "user";

/// Fails the test, with the fix in the message, when Apache's binary is
/// missing. Called first by every test that runs it, so that the failure is
/// reported once and not from each worker thread.
fn require_apache() {
    assert!(
        Path::new(APACHE).is_file(),
        "{APACHE} is missing: install Apache's htpasswd: apt-get install apache2-utils"
    );
}

/// Apache's `htpasswd`, by absolute path so that ours on PATH is never run.
fn apache() -> Command {
    require_apache();
    Command::new(APACHE)
}

fn run(command: &mut Command) -> Output {
    command.output().unwrap_or_else(|e| {
        panic!(
            "cannot run {APACHE} ({e}): install Apache's htpasswd: apt-get install apache2-utils"
        )
    })
}

/// The passwords every cell of the matrix is tried with. All fit Apache's
/// `-b` (255 bytes) and bcrypt's 72 bytes; none contains NUL.
fn passwords() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("ascii", b"password".to_vec()),
        ("utf8", "pässwörd✓".as_bytes().to_vec()),
        ("non-utf8", b"\xff\xfe\x80".to_vec()),
        ("empty", Vec::new()),
        ("len72", (0..72u8).map(|i| b'a' + i % 26).collect()),
        ("space", b" ".to_vec()),
        ("colon", b"pass:word".to_vec()),
        ("tab", b"pass\tword".to_vec()),
    ]
}

/// A password that differs where every format looks: its first byte.
fn wrong_password(password: &[u8]) -> Vec<u8> {
    match password.split_first() {
        None => b"x".to_vec(),
        Some((first, rest)) => [&[first ^ 0x01], rest].concat(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ------------------------------------------------------------ ours -> Apache

/// Everything our library writes that Apache can read. Plain is left out:
/// Apache on Linux never verifies plain entries (compat spec §8.2, D9).
/// Apache's bcrypt verifies costs 4..=17 only; 10 is htpass's default.
fn params_we_write() -> Vec<(&'static str, Params)> {
    let bcrypt = |variant, cost| Params::Bcrypt {
        variant,
        cost: BcryptCost::new(cost).expect("valid cost"),
    };
    let sha = |variant, rounds: Option<u64>| Params::ShaCrypt {
        variant,
        rounds: rounds.map(|r| ShaRounds::new(r).expect("valid rounds")),
    };
    vec![
        ("bcrypt $2y$ cost 4", bcrypt(BcryptVariant::TwoY, 4)),
        ("bcrypt $2y$ cost 5", bcrypt(BcryptVariant::TwoY, 5)),
        ("bcrypt $2y$ cost 10", bcrypt(BcryptVariant::TwoY, 10)),
        // $2a$ goes through APR's bcrypt, $2b$ through the system crypt(3).
        ("bcrypt $2a$ cost 4", bcrypt(BcryptVariant::TwoA, 4)),
        ("bcrypt $2b$ cost 4", bcrypt(BcryptVariant::TwoB, 4)),
        ("apr1", Params::Apr1),
        ("sha256 default rounds", sha(ShaVariant::Sha256, None)),
        ("sha256 rounds=10000", sha(ShaVariant::Sha256, Some(10_000))),
        ("sha512 default rounds", sha(ShaVariant::Sha512, None)),
        ("sha512 rounds=10000", sha(ShaVariant::Sha512, Some(10_000))),
        ("sha1", Params::Sha1),
        ("crypt", Params::Crypt),
        // Through the system crypt(3), libxcrypt.
        ("yescrypt", Params::Yescrypt),
    ]
}

/// One hash of ours, in a file of its own, ready for `htpasswd -v`.
struct OurHash {
    name: String,
    password: Vec<u8>,
    file: tempfile::NamedTempFile,
}

/// Hashed once for both tests that need them (bcrypt cost 10 is slow in a
/// debug build), one thread per parameter set.
fn our_hashes() -> &'static [OurHash] {
    static HASHES: OnceLock<Vec<OurHash>> = OnceLock::new();
    HASHES.get_or_init(|| {
        thread::scope(|scope| {
            let workers: Vec<_> = params_we_write()
                .into_iter()
                .map(|(params_name, params)| {
                    scope.spawn(move || {
                        passwords()
                            .into_iter()
                            .map(|(label, password)| {
                                our_hash(params_name, &params, label, password)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| worker.join().unwrap_or_else(|e| panic::resume_unwind(e)))
                .collect()
        })
    })
}

fn our_hash(params_name: &str, params: &Params, label: &str, password: Vec<u8>) -> OurHash {
    let name = format!("{params_name}, password {label} (hex {:?})", hex(&password));
    let hash = hash::hash_password(&Password::from(password.as_slice()), params)
        .unwrap_or_else(|e| panic!("{name}: cannot hash: {e}"));
    let file = tempfile::NamedTempFile::new().expect("temporary file");
    std::fs::write(file.path(), [USER.as_bytes(), b":", &hash, b"\n"].concat())
        .expect("write temporary file");
    let name = format!("{name}, our hash {}", String::from_utf8_lossy(&hash));
    OurHash {
        name,
        password,
        file,
    }
}

/// `htpasswd -vb FILE user PASSWORD` on each of our hashes, in parallel.
fn apache_verify_all(hashes: &[OurHash], password_of: fn(&OurHash) -> Vec<u8>) -> Vec<Output> {
    thread::scope(|scope| {
        let workers: Vec<_> = hashes
            .chunks(hashes.len().div_ceil(4))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|ours| {
                            run(apache()
                                .arg("-vb")
                                .arg(ours.file.path())
                                .arg(USER)
                                .arg(OsStr::from_bytes(&password_of(ours))))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_else(|e| panic::resume_unwind(e)))
            .collect()
    })
}

#[test]
fn apache_verifies_every_hash_we_write() {
    require_apache();
    let hashes = our_hashes();
    let outputs = apache_verify_all(hashes, |ours| ours.password.clone());
    for (ours, output) in hashes.iter().zip(outputs) {
        assert_eq!(
            (
                output.status.code(),
                String::from_utf8_lossy(&output.stderr).as_ref()
            ),
            (Some(0), "Password for user user correct.\n"),
            "{}",
            ours.name
        );
    }
}

#[test]
fn apache_rejects_a_wrong_password_for_every_hash_we_write() {
    require_apache();
    let hashes = our_hashes();
    let outputs = apache_verify_all(hashes, |ours| wrong_password(&ours.password));
    for (ours, output) in hashes.iter().zip(outputs) {
        assert_eq!(
            (
                output.status.code(),
                String::from_utf8_lossy(&output.stderr).as_ref()
            ),
            (Some(3), "password verification failed\n"),
            "{} (tried {:?})",
            ours.name,
            hex(&wrong_password(&ours.password))
        );
    }
}

/// Guards the matrix itself: every algorithm we write but plain is in it.
#[test]
fn the_live_matrix_covers_every_algorithm_we_write_but_plain() {
    let mut written: Vec<&str> = params_we_write()
        .iter()
        .map(|(_, params)| params.algorithm().name())
        .collect();
    written.dedup();
    let expected: Vec<&str> = hash::Algorithm::ALL
        .into_iter()
        .filter(|algorithm| *algorithm != hash::Algorithm::Plain)
        .map(hash::Algorithm::name)
        .collect();
    assert_eq!(written, expected);
}

// ------------------------------------------------------------ Apache -> ours

/// Every algorithm Apache writes, as `htpasswd` options.
const APACHE_ALGORITHMS: [&[&str]; 9] = [
    &["-m"],
    &["-B", "-C", "4"],
    &["-B"],
    &["-2"],
    &["-2", "-r", "10000"],
    &["-5"],
    &["-5", "-r", "10000"],
    &["-s"],
    &["-d"],
];

/// A hash Apache's `htpasswd -nb` made just now.
struct ApacheHash {
    name: String,
    password: Vec<u8>,
    hash: Vec<u8>,
}

fn apache_hashes() -> &'static [ApacheHash] {
    static HASHES: OnceLock<Vec<ApacheHash>> = OnceLock::new();
    HASHES.get_or_init(|| {
        thread::scope(|scope| {
            let workers: Vec<_> = APACHE_ALGORITHMS
                .iter()
                .map(|options| {
                    scope.spawn(move || {
                        passwords()
                            .into_iter()
                            .map(|(label, password)| apache_hash(options, label, password))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| worker.join().unwrap_or_else(|e| panic::resume_unwind(e)))
                .collect()
        })
    })
}

fn apache_hash(options: &[&str], label: &str, password: Vec<u8>) -> ApacheHash {
    let output = run(apache()
        .arg("-nb")
        .args(options)
        .arg(USER)
        .arg(OsStr::from_bytes(&password)));
    let name = format!(
        "htpasswd -nb {} {USER} <{label} (hex {:?})>",
        options.join(" "),
        hex(&password)
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // `-n` prints `USER:HASH\n\n` (compat spec 3.3).
    let hash = output
        .stdout
        .strip_prefix(format!("{USER}:").as_bytes())
        .and_then(|rest| rest.strip_suffix(b"\n\n"))
        .unwrap_or_else(|| {
            panic!(
                "{name}: unexpected output {:?}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
        .to_vec();
    let name = format!("{name}, Apache hash {}", String::from_utf8_lossy(&hash));
    ApacheHash {
        name,
        password,
        hash,
    }
}

#[test]
fn apaches_fresh_hashes_verify_in_our_library() {
    require_apache();
    for theirs in apache_hashes() {
        assert!(
            hash::verify(
                &Password::from(theirs.password.as_slice()),
                &theirs.hash,
                VerifyPolicy::default()
            )
            .is_match(),
            "{}",
            theirs.name
        );
    }
}

#[test]
fn apaches_fresh_hashes_reject_a_wrong_password_in_our_library() {
    require_apache();
    for theirs in apache_hashes() {
        let wrong = wrong_password(&theirs.password);
        assert_eq!(
            hash::verify(
                &Password::from(wrong.as_slice()),
                &theirs.hash,
                VerifyPolicy::default()
            ),
            hash::Verification::Mismatch,
            "{} (tried {:?})",
            theirs.name,
            hex(&wrong)
        );
    }
}

// ------------------------------------------------ many at once (bcrypt lanes)

/// `hash_many` interleaves bcrypt computations in lanes: every hash it
/// makes, for every password at once, verifies in Apache's `htpasswd -v`,
/// in each variant Apache reads.
#[test]
fn apache_verifies_every_bcrypt_hash_we_make_many_at_a_time() {
    require_apache();
    let passwords: Vec<(&str, Vec<u8>)> = passwords();
    let owned: Vec<Password> = passwords
        .iter()
        .map(|(_, password)| Password::from(password.as_slice()))
        .collect();
    let refs: Vec<&Password> = owned.iter().collect();
    let mut hashes = Vec::new();
    for variant in [
        BcryptVariant::TwoY,
        BcryptVariant::TwoA,
        BcryptVariant::TwoB,
    ] {
        let params = Params::Bcrypt {
            variant,
            cost: BcryptCost::new(4).expect("valid cost"),
        };
        let made = hash::hash_many(&refs, &params, &|| {}).expect("hash_many");
        for ((label, password), hash) in passwords.iter().zip(made) {
            let file = tempfile::NamedTempFile::new().expect("temporary file");
            std::fs::write(file.path(), [USER.as_bytes(), b":", &hash, b"\n"].concat())
                .expect("write temporary file");
            hashes.push(OurHash {
                name: format!(
                    "hash_many {variant:?}, password {label}, our hash {}",
                    String::from_utf8_lossy(&hash)
                ),
                password: password.clone(),
                file,
            });
        }
    }
    let outputs = apache_verify_all(&hashes, |ours| ours.password.clone());
    for (ours, output) in hashes.iter().zip(outputs) {
        assert_eq!(
            (
                output.status.code(),
                String::from_utf8_lossy(&output.stderr).as_ref()
            ),
            (Some(0), "Password for user user correct.\n"),
            "{}",
            ours.name
        );
    }
}

/// `verify_many` answers as `verify` does on all of Apache's fresh hashes
/// at once (bcrypt in lanes, the rest one by one): the right password
/// matches every one, a wrong one none.
#[test]
fn apaches_fresh_hashes_verify_many_at_a_time_in_our_library() {
    require_apache();
    let theirs = apache_hashes();
    let right: Vec<Password> = theirs
        .iter()
        .map(|theirs| Password::from(theirs.password.as_slice()))
        .collect();
    let wrong: Vec<Password> = theirs
        .iter()
        .map(|theirs| Password::from(wrong_password(&theirs.password).as_slice()))
        .collect();
    for (passwords, expected) in [
        (&right, hash::Verification::Match),
        (&wrong, hash::Verification::Mismatch),
    ] {
        let pairs: Vec<(&Password, &[u8])> = passwords
            .iter()
            .zip(theirs)
            .map(|(password, theirs)| (password, theirs.hash.as_slice()))
            .collect();
        let answers = hash::verify_many(&pairs, VerifyPolicy::default(), &|_| {});
        for (theirs, answer) in theirs.iter().zip(answers) {
            assert_eq!(answer, expected, "{}", theirs.name);
        }
    }
}
