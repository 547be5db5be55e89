//! The writers of the matrix: each writes one htpasswd file with a user for
//! every algorithm it can write and every test password.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha1::{Digest, Sha1};

use super::matrix::{Algorithm, PASSWORDS, TestPassword};
use super::server::require_program;
use crate::util::{self, TestDir};

/// Apache's htpasswd, by absolute path: ours, on PATH, has the same name.
pub const APACHE_HTPASSWD: &str = "/usr/bin/htpasswd";

/// bcrypt cost for every writer: the lowest that keeps the tests quick and
/// still exercises a real `$2y$NN$` entry (each reader pays it per request).
const BCRYPT_COST: &str = "5";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writer {
    /// `htpass add FILE USER -a ALG --password-stdin`
    Htpass,
    /// Our `htpasswd -b` (argv[0] = htpasswd)
    OurHtpasswd,
    /// Apache's `/usr/bin/htpasswd -b`
    ApacheHtpasswd,
    /// Lines the test builds itself, for the formats no writer writes.
    HandBuilt,
    /// libxcrypt's `mkpasswd -m yescrypt` (package whois): the `$y$` lines
    /// copied from `/etc/shadow` or made for a file by hand.
    Mkpasswd,
}

impl Writer {
    pub fn name(self) -> &'static str {
        match self {
            Writer::Htpass => "htpass add",
            Writer::OurHtpasswd => "our htpasswd -b",
            Writer::ApacheHtpasswd => "Apache htpasswd -b",
            Writer::HandBuilt => "hand-built",
            Writer::Mkpasswd => "mkpasswd",
        }
    }

    /// What this writer can write. Bare plain text is written (htpass `-a
    /// plain`, htpasswd `-p`) so that the matrix shows the servers refuse it.
    pub fn algorithms(self) -> &'static [Algorithm] {
        use Algorithm::*;
        match self {
            Writer::Htpass => &[
                Bcrypt,
                Apr1,
                Sha256Crypt,
                Sha512Crypt,
                Sha1,
                DesCrypt,
                BarePlain,
                Yescrypt,
            ],
            // Apache's htpasswd has no yescrypt, so ours (its drop-in) neither.
            Writer::OurHtpasswd | Writer::ApacheHtpasswd => &[
                Bcrypt,
                Apr1,
                Sha256Crypt,
                Sha512Crypt,
                Sha1,
                DesCrypt,
                BarePlain,
            ],
            Writer::HandBuilt => &[Ssha, PlainScheme],
            Writer::Mkpasswd => &[Yescrypt],
        }
    }

    /// Adds `user` with `password` hashed with `algorithm` to `file`, which exists.
    fn add(self, file: &Path, user: &str, algorithm: Algorithm, password: &str) {
        let output = match self {
            Writer::Htpass => util::htpass()
                .arg("add")
                .arg(file)
                .arg(user)
                .args(htpass_algorithm_flags(algorithm))
                .arg("--password-stdin")
                .write_stdin(format!("{password}\n"))
                .output(),
            Writer::OurHtpasswd => util::htpasswd_cmd()
                .arg("-b")
                .args(htpasswd_algorithm_flags(algorithm))
                .arg(file)
                .args([user, password])
                .output(),
            Writer::ApacheHtpasswd => {
                require_program(APACHE_HTPASSWD, "apache2-utils");
                assert_cmd::Command::new(APACHE_HTPASSWD)
                    .timeout(util::TIMEOUT)
                    .arg("-b")
                    .args(htpasswd_algorithm_flags(algorithm))
                    .arg(file)
                    .args([user, password])
                    .output()
            }
            Writer::HandBuilt => {
                append_line(file, &hand_built_line(user, algorithm, password));
                return;
            }
            Writer::Mkpasswd => {
                require_program("/usr/bin/mkpasswd", "whois");
                let output = assert_cmd::Command::new("/usr/bin/mkpasswd")
                    .timeout(util::TIMEOUT)
                    .args(["-m", "yescrypt", "-s"])
                    .write_stdin(format!("{password}\n"))
                    .output()
                    .expect("run mkpasswd");
                assert!(output.status.success(), "mkpasswd: {output:?}");
                let hash = String::from_utf8(output.stdout).expect("ASCII");
                append_line(file, &format!("{user}:{}\n", hash.trim_end()));
                return;
            }
        };
        let output = output.unwrap_or_else(|e| panic!("cannot run {}: {e}", self.name()));
        assert!(
            output.status.success(),
            "{} failed to write {} for {user} ({}):\n{}",
            self.name(),
            algorithm.name(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

fn htpass_algorithm_flags(algorithm: Algorithm) -> Vec<&'static str> {
    match algorithm {
        // --cost is refused for any other algorithm.
        Algorithm::Bcrypt => vec!["-a", "bcrypt", "-C", BCRYPT_COST],
        Algorithm::Apr1 => vec!["-a", "apr1"],
        Algorithm::Sha256Crypt => vec!["-a", "sha256"],
        Algorithm::Sha512Crypt => vec!["-a", "sha512"],
        Algorithm::Sha1 => vec!["-a", "sha1"],
        Algorithm::DesCrypt => vec!["-a", "crypt"],
        Algorithm::BarePlain => vec!["-a", "plain"],
        Algorithm::Yescrypt => vec!["-a", "yescrypt"],
        Algorithm::Ssha | Algorithm::PlainScheme => {
            panic!("htpass does not write {}", algorithm.name())
        }
    }
}

fn htpasswd_algorithm_flags(algorithm: Algorithm) -> Vec<&'static str> {
    match algorithm {
        Algorithm::Bcrypt => vec!["-B", "-C", BCRYPT_COST],
        Algorithm::Apr1 => vec!["-m"],
        Algorithm::Sha256Crypt => vec!["-2"],
        Algorithm::Sha512Crypt => vec!["-5"],
        Algorithm::Sha1 => vec!["-s"],
        Algorithm::DesCrypt => vec!["-d"],
        Algorithm::BarePlain => vec!["-p"],
        Algorithm::Ssha | Algorithm::PlainScheme | Algorithm::Yescrypt => {
            panic!("htpasswd does not write {}", algorithm.name())
        }
    }
}

/// A `{SSHA}` or `{PLAIN}` line. No writer makes them (Apache's htpasswd
/// never did, and htpass only verifies them), but nginx reads both, so a
/// file carried over from an LDAP export or an old tool may hold them.
/// `{SSHA}` is base64(sha1(password + salt) + salt).
fn hand_built_line(user: &str, algorithm: Algorithm, password: &str) -> String {
    match algorithm {
        Algorithm::Ssha => {
            // Bytes that are not text, to check that readers split digest and salt by length.
            let salt = b"\x00salt\xfe\x80:";
            let digest = Sha1::new()
                .chain_update(password)
                .chain_update(salt)
                .finalize();
            let hash = STANDARD.encode([digest.as_slice(), salt].concat());
            format!("{user}:{{SSHA}}{hash}\n")
        }
        Algorithm::PlainScheme => format!("{user}:{{PLAIN}}{password}\n"),
        _ => panic!(
            "the test builds only {{SSHA}} and {{PLAIN}} lines, not {}",
            algorithm.name()
        ),
    }
}

fn append_line(file: &Path, line: &str) {
    OpenOptions::new()
        .append(true)
        .open(file)
        .and_then(|mut file| file.write_all(line.as_bytes()))
        .expect("append a hand-built line");
}

/// One user of a written file.
#[derive(Clone, Debug)]
pub struct Entry {
    pub user: String,
    pub algorithm: Algorithm,
    pub password: TestPassword,
}

/// A file a writer wrote, and who is in it.
pub struct WrittenFile {
    pub writer: Writer,
    pub path: PathBuf,
    pub entries: Vec<Entry>,
}

/// Has `writer` write `name` in `dir`: a user `ALGORITHM-PASSWORD` (such as
/// `apr1-utf8`) for each of its algorithms and each test password.
pub fn write_file(writer: Writer, dir: &TestDir, name: &str) -> WrittenFile {
    let entries: Vec<Entry> = writer
        .algorithms()
        .iter()
        .flat_map(|&algorithm| {
            PASSWORDS.iter().map(move |&password| Entry {
                user: format!("{}-{}", algorithm.name(), password.label),
                algorithm,
                password,
            })
        })
        .collect();
    write_entries(writer, dir, name, entries)
}

/// Has `writer` write exactly `entries` to `name` in `dir`.
pub fn write_entries(
    writer: Writer,
    dir: &TestDir,
    name: &str,
    entries: Vec<Entry>,
) -> WrittenFile {
    // Created empty first, so every writer only ever adds (Apache's htpasswd
    // needs -c for a missing file, and -c would truncate an existing one).
    let path = dir.write(name, "");
    for entry in &entries {
        writer.add(&path, &entry.user, entry.algorithm, entry.password.text);
    }
    WrittenFile {
        writer,
        path,
        entries,
    }
}
