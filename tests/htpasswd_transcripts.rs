//! Replays the runs of Apache's `htpasswd` recorded in
//! `tests/golden/transcripts/` (by `scripts/regen-golden`; format in
//! `tests/golden/README.md`) against our `htpasswd`: the same exit code,
//! stdout, stderr and resulting file. Only salted hashes may differ: they
//! must have the same shape (algorithm, cost or rounds, salt and hash lengths
//! and alphabets) and verify the recorded password.
//!
//! Also home of the run-and-compare machinery that `htpasswd_differential`
//! shares.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};

use htpass::Password;
use htpass::hash::{self, VerifyPolicy};

use crate::util::{TestDir, detached_as_htpasswd};

/// Our program under test: `target/.../htpasswd`, or the program named by
/// `$HTPASSWD_UNDER_TEST` (set it to `/usr/bin/htpasswd` to check the
/// harness itself against Apache).
pub fn ours() -> PathBuf {
    std::env::var_os("HTPASSWD_UNDER_TEST").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_htpasswd")),
        PathBuf::from,
    )
}

/// What `f` is before a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    Absent,
    File(Vec<u8>),
    /// A directory in place of the file (never a regular file).
    Dir,
}

/// What `f` is after a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum After {
    Absent,
    File(Vec<u8>),
    Dir,
    Other,
}

/// Everything observable about one run.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The exit status, or 128 + the signal (as a shell reports it).
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub file: After,
    /// Names other than `f` left in the working directory.
    pub leftovers: Vec<String>,
}

/// How standard input is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stdin<'a> {
    Bytes(&'a [u8]),
    Closed,
}

/// Runs `program` as `htpasswd ARGS` without a controlling terminal in a new
/// directory holding `start` as `f`, with `$TMPDIR` outside that directory.
pub fn run(program: &Path, args: &[Vec<u8>], stdin: Stdin<'_>, start: &Start) -> Outcome {
    let dir = TestDir::new();
    let work = dir.path("work");
    let tmp = dir.path("tmp");
    fs::create_dir(&work).expect("create the working directory");
    fs::create_dir(&tmp).expect("create the temporary directory");
    let f = work.join("f");
    match start {
        Start::Absent => {}
        Start::File(bytes) => fs::write(&f, bytes).expect("write the starting file"),
        Start::Dir => fs::create_dir(&f).expect("create a directory as the file"),
    }
    let mut command = detached_as_htpasswd(program);
    if let Stdin::Closed = stdin {
        // Same as detached_as_htpasswd, but with file descriptor 0 closed.
        command = assert_cmd::Command::new("setsid");
        command
            .arg("-w")
            .arg("bash")
            .arg("-c")
            .arg(r#"exec -a htpasswd "$0" "$@" <&-"#)
            .arg(program)
            .write_stdin(Vec::new())
            .timeout(crate::util::TIMEOUT);
    }
    command
        .args(args.iter().map(|arg| OsString::from_vec(arg.clone())))
        .current_dir(&work)
        .env("TMPDIR", &tmp)
        .env("LC_ALL", "C");
    if let Stdin::Bytes(bytes) = stdin {
        command.write_stdin(bytes.to_vec());
    }
    let output = command.output().expect("run htpasswd");
    let code = output
        .status
        .code()
        .unwrap_or_else(|| 128 + output.status.signal().unwrap_or(0));
    let file = match fs::symlink_metadata(&f) {
        Err(_) => After::Absent,
        Ok(meta) if meta.is_file() => After::File(fs::read(&f).expect("read the file")),
        Ok(meta) if meta.is_dir() => After::Dir,
        Ok(_) => After::Other,
    };
    let mut leftovers: Vec<String> = fs::read_dir(&work)
        .expect("list the working directory")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name != "f")
        .collect();
    leftovers.sort();
    Outcome {
        code,
        stdout: output.stdout,
        stderr: output.stderr,
        file,
        leftovers,
    }
}

/// Bytes as readable text (`\n`, `\xff`, ...).
pub fn show(bytes: &[u8]) -> String {
    format!("\"{}\"", bytes.escape_ascii())
}

/// A difference between the expected (Apache's) and actual (our) outcome.
#[derive(Debug)]
pub struct Difference {
    pub field: &'static str,
    pub expected: String,
    pub actual: String,
}

/// The salted hashes that were compared by shape: (Apache's, ours).
pub type HashPairs = Vec<(Vec<u8>, Vec<u8>)>;

const CRYPT64: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn all_in(bytes: &[u8], alphabet: &[u8]) -> bool {
    bytes.iter().all(|b| alphabet.contains(b))
}

/// The shape of a salted hash as `htpasswd` makes it (algorithm and
/// parameters; salt and hash lengths and alphabets checked), or `None` when
/// `hash` is not one.
pub fn salted_shape(hash: &[u8]) -> Option<String> {
    if let Some(rest) = hash.strip_prefix(b"$apr1$") {
        return (rest.len() == 31
            && rest[8] == b'$'
            && all_in(&rest[..8], CRYPT64)
            && all_in(&rest[9..], CRYPT64))
        .then(|| "apr1".to_owned());
    }
    if let Some(rest) = hash.strip_prefix(b"$2y$") {
        return (rest.len() == 56
            && rest[..2].iter().all(u8::is_ascii_digit)
            && rest[2] == b'$'
            && all_in(&rest[3..], CRYPT64)
            && b".Oeu".contains(&rest[3 + 21]))
        .then(|| format!("bcrypt cost {}", String::from_utf8_lossy(&rest[..2])));
    }
    for (prefix, name, hash_len) in [(&b"$5$"[..], "sha256", 43), (&b"$6$"[..], "sha512", 86)] {
        if let Some(mut rest) = hash.strip_prefix(prefix) {
            let mut rounds = String::from("default rounds");
            if let Some(after) = rest.strip_prefix(b"rounds=") {
                let end = after.iter().position(|&b| b == b'$')?;
                if end == 0 || !after[..end].iter().all(u8::is_ascii_digit) {
                    return None;
                }
                rounds = format!("rounds={}", String::from_utf8_lossy(&after[..end]));
                rest = &after[end + 1..];
            }
            return (rest.len() == 16 + 1 + hash_len
                && rest[16] == b'$'
                && all_in(&rest[..16], CRYPT64)
                && all_in(&rest[17..], CRYPT64))
            .then(|| format!("{name} {rounds}"));
        }
    }
    (hash.len() == 13 && all_in(hash, CRYPT64)).then(|| "crypt".to_owned())
}

fn line_ending(line: &[u8]) -> (&[u8], &[u8]) {
    if let Some(body) = line.strip_suffix(b"\r\n") {
        (body, b"\r\n")
    } else if let Some(body) = line.strip_suffix(b"\n") {
        (body, b"\n")
    } else {
        (line, b"")
    }
}

/// Compares record-holding bytes (stdout, a file) line by line: lines must be
/// equal, or both `USER:HASH` with the same user, line ending and salted-hash
/// shape (the pair is pushed to `pairs`).
fn compare_records(expected: &[u8], actual: &[u8], pairs: &mut HashPairs) -> Result<(), String> {
    let expected_lines: Vec<&[u8]> = expected.split_inclusive(|&b| b == b'\n').collect();
    let actual_lines: Vec<&[u8]> = actual.split_inclusive(|&b| b == b'\n').collect();
    if expected_lines.len() != actual_lines.len() {
        return Err(format!(
            "{} lines expected, {} found",
            expected_lines.len(),
            actual_lines.len()
        ));
    }
    let mut found = Vec::new();
    for (i, (e, a)) in expected_lines.iter().zip(&actual_lines).enumerate() {
        if e == a {
            continue;
        }
        let (e_body, e_end) = line_ending(e);
        let (a_body, a_end) = line_ending(a);
        let split = |body: &[u8]| -> Option<(Vec<u8>, Vec<u8>)> {
            let colon = body.iter().position(|&b| b == b':')?;
            Some((body[..colon].to_vec(), body[colon + 1..].to_vec()))
        };
        let same = match (split(e_body), split(a_body)) {
            (Some((e_user, e_hash)), Some((a_user, a_hash))) => {
                let shape = salted_shape(&e_hash);
                if e_user == a_user
                    && e_end == a_end
                    && shape.is_some()
                    && shape == salted_shape(&a_hash)
                {
                    found.push((e_hash, a_hash));
                    true
                } else {
                    false
                }
            }
            _ => false,
        };
        if !same {
            return Err(format!(
                "line {} differs: expected {}, found {}",
                i + 1,
                show(e),
                show(a)
            ));
        }
    }
    pairs.extend(found);
    Ok(())
}

/// Splits stderr holding the usage text into everything up to the end of the
/// synopsis (compared exactly) and the option explanations after it (ours are
/// in our own words).
fn split_usage(stderr: &[u8]) -> (&[u8], Option<&[u8]>) {
    let Some(start) = stderr.windows(7).position(|w| w == b"Usage:\n") else {
        return (stderr, None);
    };
    let mut end = start;
    for _ in 0..6 {
        match stderr[end..].iter().position(|&b| b == b'\n') {
            Some(at) => end += at + 1,
            None => return (stderr, None),
        }
    }
    (&stderr[..end], Some(&stderr[end..]))
}

/// Whether our usage explanations have a ` -X` line for every option.
fn explains_every_option(rest: &[u8]) -> bool {
    "cnbim25BCrdspDv".chars().all(|letter| {
        let prefix = format!(" -{letter}");
        rest.split(|&b| b == b'\n')
            .any(|line| line.starts_with(prefix.as_bytes()))
    })
}

/// The verbs Apache writes the moment it decides (compat spec §3.3).
const VERBS: [&[u8]; 3] = [b"Adding ", b"Updating ", b"Deleting "];

/// Apache's stderr as ours writes it: without a verb fragment that no
/// `password for user USER` completes. Apache writes `Updating ` when it
/// decides and the rest once the file is written, so a failure in between
/// leaves `Updating htpasswd: The file f does not appear ...`; ours prints
/// every message whole, after the file was written (issue 11 item 10, the
/// README's "Differences from Apache htpasswd", pinned by
/// `every_message_is_whole_a_failure_leaves_no_half_line`). This is the one
/// difference on stderr that every comparison with Apache allows.
pub fn whole_messages(stderr: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(stderr.len());
    let mut at = 0;
    while at < stderr.len() {
        let rest = &stderr[at..];
        let mut end = 0;
        while let Some(verb) = VERBS.iter().find(|verb| rest[end..].starts_with(verb)) {
            end += verb.len();
        }
        if end > 0 && !rest[end..].starts_with(b"password for user ") {
            at += end;
            continue;
        }
        let step = end.max(1);
        out.extend_from_slice(&rest[..step]);
        at += step;
    }
    out
}

/// Compares an outcome with the expected one; salted hashes compared by shape
/// are returned for the caller to verify.
pub fn compare(expected: &Outcome, actual: &Outcome) -> (Vec<Difference>, HashPairs) {
    let mut differences = Vec::new();
    let mut pairs = Vec::new();
    if expected.code != actual.code {
        differences.push(Difference {
            field: "exit code",
            expected: expected.code.to_string(),
            actual: actual.code.to_string(),
        });
    }
    if let Err(why) = compare_records(&expected.stdout, &actual.stdout, &mut pairs) {
        differences.push(Difference {
            field: "stdout",
            expected: show(&expected.stdout),
            actual: format!("{} ({why})", show(&actual.stdout)),
        });
    }
    let expected_stderr = whole_messages(&expected.stderr);
    let (e_err, e_usage) = split_usage(&expected_stderr);
    let (a_err, a_usage) = split_usage(&actual.stderr);
    let usage_ok = match (e_usage, a_usage) {
        (None, None) => true,
        (Some(_), Some(rest)) => explains_every_option(rest),
        _ => false,
    };
    if e_err != a_err || !usage_ok {
        differences.push(Difference {
            field: "stderr",
            expected: show(&expected.stderr),
            actual: show(&actual.stderr),
        });
    }
    let file_diff = match (&expected.file, &actual.file) {
        (After::File(e), After::File(a)) => compare_records(e, a, &mut pairs).err(),
        (e, a) if e == a => None,
        _ => Some("differs".to_owned()),
    };
    if let Some(why) = file_diff {
        differences.push(Difference {
            field: "file",
            expected: show_after(&expected.file),
            actual: format!("{} ({why})", show_after(&actual.file)),
        });
    }
    if expected.leftovers != actual.leftovers {
        differences.push(Difference {
            field: "other files",
            expected: format!("{:?}", expected.leftovers),
            actual: format!("{:?}", actual.leftovers),
        });
    }
    (differences, pairs)
}

pub fn show_after(after: &After) -> String {
    match after {
        After::Absent => "(no file)".to_owned(),
        After::File(bytes) => show(bytes),
        After::Dir => "(a directory)".to_owned(),
        After::Other => "(not a regular file)".to_owned(),
    }
}

/// Whether our library verifies `password` against `stored`.
pub fn library_verifies(stored: &[u8], password: &[u8]) -> bool {
    hash::verify(&Password::from(password), stored, VerifyPolicy::default()).is_match()
}

/// Decodes one line of an `args` file (`\xHH` escapes).
fn decode_arg(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        if line[i] == b'\\' {
            assert_eq!(line.get(i + 1), Some(&b'x'), "bad escape in {}", show(line));
            let hex = std::str::from_utf8(&line[i + 2..i + 4]).expect("hex digits");
            out.push(u8::from_str_radix(hex, 16).expect("hex digits"));
            i += 4;
        } else {
            out.push(line[i]);
            i += 1;
        }
    }
    out
}

/// One recorded run.
pub struct Transcript {
    pub name: String,
    pub args: Vec<Vec<u8>>,
    pub stdin: Vec<u8>,
    pub start: Start,
    pub password: Option<Vec<u8>>,
    pub expected: Outcome,
}

fn transcripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/transcripts")
}

/// Every recorded transcript, by name.
pub fn transcripts() -> Vec<Transcript> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(transcripts_dir())
        .expect("tests/golden/transcripts exists (scripts/regen-golden)")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    dirs.sort();
    dirs.iter()
        .map(|dir| {
            let read = |name: &str| fs::read(dir.join(name)).ok();
            let need = |name: &str| {
                read(name).unwrap_or_else(|| panic!("{} has no {name}", dir.display()))
            };
            let args = need("args")
                .split_inclusive(|&b| b == b'\n')
                .map(|line| decode_arg(line.strip_suffix(b"\n").expect("args end with newlines")))
                .collect();
            let code = String::from_utf8(need("code")).expect("a decimal code");
            Transcript {
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                args,
                stdin: need("stdin"),
                start: read("file.before").map_or(Start::Absent, Start::File),
                password: read("password"),
                expected: Outcome {
                    code: code.trim().parse().expect("a decimal code"),
                    stdout: need("stdout"),
                    stderr: need("stderr"),
                    file: read("file.after").map_or(After::Absent, After::File),
                    leftovers: Vec::new(),
                },
            }
        })
        .collect()
}

/// Salted hashes in record lines (`USER:HASH`) of `bytes`.
fn salted_hashes(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split(|&b| b == b'\n')
        .filter_map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let colon = line.iter().position(|&b| b == b':')?;
            let hash = &line[colon + 1..];
            salted_shape(hash).map(|_| hash.to_vec())
        })
        .collect()
}

#[test]
fn htpasswd_transcripts_are_complete_and_their_hashes_verify() {
    let all = transcripts();
    assert!(all.len() >= 100, "only {} transcripts", all.len());
    let mut problems = String::new();
    for t in &all {
        let mut made = salted_hashes(&t.expected.stdout);
        if let After::File(after) = &t.expected.file {
            let before = match &t.start {
                Start::File(bytes) => salted_hashes(bytes),
                _ => Vec::new(),
            };
            made.extend(
                salted_hashes(after)
                    .into_iter()
                    .filter(|h| !before.contains(h)),
            );
        }
        for stored in made {
            match &t.password {
                None => writeln!(
                    problems,
                    "{}: salted hash {} but no password file",
                    t.name,
                    show(&stored)
                )
                .unwrap(),
                Some(password) if !library_verifies(&stored, password) => writeln!(
                    problems,
                    "{}: Apache's {} does not verify {} with our library",
                    t.name,
                    show(&stored),
                    show(password)
                )
                .unwrap(),
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{problems}");
}

#[test]
fn htpasswd_transcripts_replay_against_ours() {
    let all = transcripts();
    let mut report = String::new();
    let mut failed = 0;
    for t in &all {
        let actual = run(&ours(), &t.args, Stdin::Bytes(&t.stdin), &t.start);
        let (mut differences, pairs) = compare(&t.expected, &actual);
        for (_, ours) in pairs {
            let verified = t
                .password
                .as_deref()
                .is_some_and(|pw| library_verifies(&ours, pw));
            if !verified {
                differences.push(Difference {
                    field: "salted hash",
                    expected: format!(
                        "a hash of {}",
                        t.password.as_deref().map_or("?".to_owned(), show)
                    ),
                    actual: show(&ours),
                });
            }
        }
        if !differences.is_empty() {
            failed += 1;
            let argv: Vec<String> = t.args.iter().map(|a| show(a)).collect();
            writeln!(report, "== {} (htpasswd {})", t.name, argv.join(" ")).unwrap();
            for d in differences {
                writeln!(
                    report,
                    "   {}:\n     Apache: {}\n     ours:   {}",
                    d.field, d.expected, d.actual
                )
                .unwrap();
            }
        }
    }
    assert!(
        failed == 0,
        "{failed} of {} transcripts differ:\n{report}",
        all.len()
    );
}
