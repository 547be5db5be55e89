//! The password never shows: not on stdout or stderr of any command, not in
//! any error message, not echoed by a prompt, never in a panic (there are
//! none). The exceptions are what the user asked to see: `--generate`'s one
//! line (or its JSON field), a plain-text "hash" (`-a plain`, `htpasswd -p`),
//! and `export`, which renders the file's own content.
//!
//! What no test here can show, and where the code does it: the two prompt
//! entries are compared with `Password::ct_eq` (subtle), and passwords and
//! batch lines live in zeroizing buffers (`src/secret.rs`).

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use htpass::Password;
use htpass::hash::{self, BcryptCost, BcryptVariant, Params};

use crate::util::terminal::Terminal;
use crate::util::{self, TestDir};

/// The password of every run: distinctive, so that any echo of it is found.
const SECRET: &str = "Zx8-never-shown-4Qv";
/// Enough of it to catch a partial echo too.
const CORE: &str = "never-shown";
/// The `-p` warning, once per run that reads the password.
const ARGUMENT_WARNING: &str = "htpass: warning: --password puts the password on the command line";

/// What a run gave.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn ran(output: Output, what: &str) -> Ran {
    util::assert_no_panic(&output, what);
    Ran {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Fails if the secret, or a recognisable part of it, is in `text`.
fn assert_hidden(text: &str, what: &str) {
    assert!(
        !text.contains(SECRET) && !text.contains(CORE),
        "{what} showed the password: {text:?}"
    );
}

fn htpass(dir: &TestDir, args: &[&str], stdin: &[u8]) -> Ran {
    let output = dir
        .htpass()
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .expect("run htpass");
    ran(output, &format!("htpass {args:?}"))
}

/// Our `htpasswd` without a controlling terminal (`setsid`): a prompt goes
/// to stderr and is answered from `stdin`.
fn htpasswd(dir: &TestDir, args: &[&str], stdin: &[u8]) -> Ran {
    let output = util::detached_as_htpasswd(Path::new(env!("CARGO_BIN_EXE_htpasswd")))
        .current_dir(dir.path(""))
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .expect("run htpasswd");
    ran(output, &format!("htpasswd {args:?}"))
}

fn bcrypt4(password: &str) -> String {
    let params = Params::Bcrypt {
        variant: BcryptVariant::TwoY,
        cost: BcryptCost::new(4).expect("4 is in range"),
    };
    let hashed = hash::hash_password(&Password::from(password), &params).expect("hash");
    String::from_utf8(hashed).expect("ASCII")
}

/// A directory with `valid` (alice's password is not the secret; carol's
/// `{PLAIN}` "hash" and dave's bare plain entry are), `users` (the same with
/// a malformed line that holds the secret), and a subdirectory.
fn secret_files() -> TestDir {
    let dir = TestDir::new();
    let valid = format!(
        "alice:{}\ncarol:{{PLAIN}}{SECRET}\ndave:{SECRET}\n",
        bcrypt4("alice-pw")
    );
    dir.write("valid", &valid);
    dir.write(
        "users",
        format!("{valid}{SECRET} on a line without a colon\n"),
    );
    fs::create_dir(dir.path("a-directory")).unwrap();
    dir
}

fn assert_files_unchanged(dir: &TestDir, before: &[(&str, Vec<u8>)], what: &str) {
    for (name, content) in before {
        assert!(dir.read(name) == *content, "{what} changed {name}");
    }
}

#[test]
fn no_failing_htpass_command_shows_the_password() {
    let dir = secret_files();
    let before = [("valid", dir.read("valid")), ("users", dir.read("users"))];
    let s = SECRET;
    let long = SECRET.repeat(4);
    let two_lines = format!("{s}\n{s}");
    let with_cr = format!("{s}\r");
    let runs: Vec<(Vec<&str>, String, i32)> = vec![
        (
            vec!["add", "no/such/dir/f", "eve", "-p", s],
            String::new(),
            1,
        ),
        (vec!["add", "a-directory", "eve", "-p", s], String::new(), 1),
        (vec!["add", "valid", "a:b", "-p", s], String::new(), 6),
        (vec!["add", "valid", "e\u{1b}ve", "-p", s], String::new(), 6),
        (vec!["verify", "valid", "alice", "-p", s], String::new(), 3),
        (vec!["verify", "valid", "nobody", "-p", s], String::new(), 6),
        (
            vec!["verify", "missing", "alice", "-p", s],
            String::new(),
            1,
        ),
        (vec!["verify", "valid", "dave", "-p", s], String::new(), 3),
        (
            vec!["verify", "valid", "dave", "-p", "wrong"],
            String::new(),
            3,
        ),
        (
            vec!["verify", "valid", "carol", "-p", "wrong"],
            String::new(),
            3,
        ),
        (vec!["verify", "users", "alice", "-p", s], String::new(), 3),
        (
            vec!["add", "valid", "alice", "-p", s, "-C", "3"],
            String::new(),
            2,
        ),
        (
            vec!["add", "valid", "alice", "-p", s, "-C", "32"],
            String::new(),
            2,
        ),
        (
            vec!["add", "valid", "alice", "-p", s, "-a", "sha256", "-C", "4"],
            String::new(),
            2,
        ),
        (
            vec![
                "add", "valid", "alice", "-p", s, "-a", "sha512", "-r", "999",
            ],
            String::new(),
            2,
        ),
        (vec!["add", "valid", "alice", "-p", &long], String::new(), 5),
        (
            vec!["add", "valid", "alice", "--no-update", "-p", s],
            String::new(),
            1,
        ),
        (
            vec!["add", "valid", "alice", "-p", s, "--rehash", "--no-update"],
            String::new(),
            2,
        ),
        (
            vec!["add", "valid", "alice", "-p", s, "--password-stdin"],
            String::new(),
            2,
        ),
        (
            vec!["add", "valid", "alice", "-p", s, "--generate"],
            String::new(),
            2,
        ),
        (vec!["create", "valid", "eve", "-p", s], String::new(), 1),
        (vec!["create", "new", "-p", s], String::new(), 2),
        (
            vec!["hash", "-a", "plain", "-p", &two_lines],
            String::new(),
            2,
        ),
        (
            vec!["hash", "-a", "plain", "-p", &with_cr],
            String::new(),
            2,
        ),
        // A password put where `htpasswd -b` takes it: clap would repeat it.
        (vec!["add", "valid", "eve", s], String::new(), 2),
        (
            vec!["add", "valid", "eve", "-C", "4", "--", s],
            String::new(),
            2,
        ),
        (vec!["verify", "valid", "alice", s], String::new(), 2),
        (
            vec!["verify", "valid", "alice", "-p", "x", s],
            String::new(),
            2,
        ),
        (vec!["create", "new", "eve", s], String::new(), 2),
        (vec!["list", "valid", s], String::new(), 2),
        // From standard input, a file and batches.
        (
            vec!["add", "valid", "eve", "--password-stdin"],
            format!("{s}\0more\n"),
            2,
        ),
        (
            vec!["add", "valid", "eve", "--password-stdin"],
            format!("{}\n", s.repeat(300)),
            5,
        ),
        (
            vec!["verify", "valid", "alice", "--password-stdin"],
            format!("{s}\n"),
            3,
        ),
        (
            vec![
                "add",
                "valid",
                "eve",
                "--password-env",
                "HTPASS_NO_SUCH_VARIABLE",
            ],
            String::new(),
            2,
        ),
        (
            vec!["add", "valid", "eve", "--password-file", "missing"],
            String::new(),
            1,
        ),
        (
            vec!["add", "valid", "--batch", "-C", "4"],
            format!("eve:{s}\n{s} has no colon\n"),
            2,
        ),
        (
            vec!["add", "valid", "--batch", "-C", "4"],
            format!("e\u{1}ve:{s}\n"),
            6,
        ),
        (
            vec!["add", "valid", "--batch", "-C", "4"],
            format!("eve:{s}\neve:{s}\n"),
            2,
        ),
        (
            vec!["add", "valid", "--batch", "-C", "4"],
            format!("eve:{long}\n"),
            5,
        ),
        (
            vec!["add", "valid", "--batch", "-C", "4"],
            format!("eve:{s}\0\n"),
            2,
        ),
        (
            vec!["add", "valid", "--batch", "-C", "4"],
            format!("eve:{s}{}\n", "x".repeat(9000)),
            5,
        ),
        (
            vec!["add", "valid", "--batch", "-a", "plain"],
            format!("eve:{s}\r{s}\n"),
            2,
        ),
        (
            vec!["add", "valid", "--batch", "--no-update", "-C", "4"],
            format!("alice:{s}\n"),
            1,
        ),
        (
            vec!["add", "a-directory", "--batch", "-C", "4"],
            format!("eve:{s}\n"),
            1,
        ),
        // Reading a file that holds the secret as a hash or a broken line.
        (vec!["check", "users"], String::new(), 7),
        (vec!["check", "users", "--format", "json"], String::new(), 7),
        (
            vec!["check", "valid", "--for", "registry", "--strict"],
            String::new(),
            7,
        ),
        (
            vec!["check", "valid", "--require", "bcrypt"],
            String::new(),
            7,
        ),
        (vec!["list", "users"], String::new(), 0),
        (vec!["list", "users", "--long"], String::new(), 0),
        (vec!["list", "users", "--format", "json"], String::new(), 0),
        (
            vec!["export", "users", "--format", "json"],
            String::new(),
            7,
        ),
        (
            vec!["export", "users", "--format", "compose"],
            String::new(),
            7,
        ),
        // A file with a line that is not an entry is not written (exit 7);
        // the message names the line by number, never by content.
        (vec!["delete", "users", "nobody"], String::new(), 7),
        (
            vec!["add", "users", "eve", "-C", "4", "-p", s],
            String::new(),
            7,
        ),
        // Successes print hashes, never the password.
        (vec!["verify", "valid", "carol", "-p", s], String::new(), 0),
        (
            vec!["verify", "valid", "dave", "-p", s, "--allow-plain"],
            String::new(),
            0,
        ),
        (vec!["hash", "-a", "apr1", "-p", s], String::new(), 0),
        (vec!["hash", "-a", "crypt", "-p", s], String::new(), 0),
        (
            vec!["hash", "eve", "-a", "sha1", "-p", s, "--format", "json"],
            String::new(),
            0,
        ),
        (
            vec!["hash", "eve", "-a", "sha1", "-p", s, "--format", "compose"],
            String::new(),
            0,
        ),
        (
            vec![
                "hash",
                "eve",
                "-a",
                "sha1",
                "-p",
                s,
                "--format",
                "k8s-secret",
            ],
            String::new(),
            0,
        ),
        (
            vec!["add", "new", "eve", "-C", "4", "-p", s, "--format", "json"],
            String::new(),
            0,
        ),
    ];
    for (args, stdin, code) in runs {
        let what = format!("htpass {args:?}");
        let ran = htpass(&dir, &args, stdin.as_bytes());
        assert_eq!(ran.code, Some(code), "{what}: {}", ran.stderr);
        assert_hidden(&ran.stdout, &what);
        assert_hidden(&ran.stderr, &what);
        assert_files_unchanged(&dir, &before, &what);
        let _ = fs::remove_file(dir.path("new"));
    }
}

/// The bug: clap's message for an unexpected argument repeats it, and the
/// commonest one is a password given where `htpasswd -b` takes it
/// (`htpass add FILE USER PASSWORD`), which CI logs then keep. Now the word
/// is not repeated; an unknown option's name still is, with clap's tip.
#[test]
fn a_password_given_as_a_stray_argument_is_not_repeated() {
    let dir = TestDir::new();
    for args in [
        &["add", "users", "alice", SECRET][..],
        &["add", "users", "alice", "-p", "x", SECRET],
        &["verify", "users", "alice", SECRET],
        &["hash", "alice", SECRET],
        &["list", "users", SECRET],
        &["add", "users", "alice", "--", "-Zx8-never-shown-4Qv"],
    ] {
        let ran = htpass(&dir, args, b"");
        assert_eq!(ran.code, Some(2), "{args:?}");
        assert_hidden(&ran.stderr, &format!("{args:?}"));
        assert!(
            ran.stderr
                .starts_with("error: unexpected argument found (not repeated here"),
            "{}",
            ran.stderr
        );
        assert!(ran.stderr.contains("Usage: htpass"), "{}", ran.stderr);
        assert!(!ran.stderr.contains("\n\n\n"), "{:?}", ran.stderr);
    }
    let ran = htpass(&dir, &["add", "users", "alice", "--pasword", "x"], b"");
    assert!(
        ran.stderr.contains("'--pasword'") && ran.stderr.contains("'--password'"),
        "{}",
        ran.stderr
    );
    assert!(dir.names().is_empty());
}

/// The regression: clap's messages repeat a value they refuse, so
/// `--password-stdin=VALUE` ("unexpected value") and `--generate=VALUE`
/// ("invalid value") printed VALUE. No value given to any password option
/// (`-p`, `--password`, `--password-stdin`, `--password-env`,
/// `--password-file`, `--generate`), in any form (`-pV`, `--opt=V`, `--opt
/// V`), is ever echoed: not by clap's refusals (given twice, with another
/// source, a value where none is taken, a bad length), not by htpass's own
/// (a variable that is not set, a file that is not there).
#[test]
fn no_value_given_to_a_password_option_is_ever_echoed() {
    let dir = secret_files();
    let before = [("valid", dir.read("valid")), ("users", dir.read("users"))];
    let s = SECRET;
    let eq = |option: &str| format!("{option}={s}");
    let attached = format!("-p{s}");
    let dashed = format!("-{s}");
    let quoted = format!("'{s}\"");
    let (stdin_eq, generate_eq, password_eq) =
        (eq("--password-stdin"), eq("--generate"), eq("--password"));
    let (env_eq, file_eq) = (eq("--password-env"), eq("--password-file"));
    let digits = "123456789";
    let generate_digits = format!("--generate={digits}");
    let add = ["add", "valid", "eve", "-C", "4"];
    let with = |rest: &[&str]| -> Vec<String> {
        add.iter()
            .chain(rest)
            .map(|arg| (*arg).to_owned())
            .collect()
    };
    let runs: Vec<Vec<String>> = vec![
        with(&[&stdin_eq]),
        with(&[&generate_eq]),
        with(&[&generate_digits]),
        with(&["--generate=", "-p", s]),
        with(&["-p", s, "-p", s]),
        with(&["-p", s, "--password", "other"]),
        with(&[&attached, "-p", "other"]),
        with(&[&password_eq, &password_eq]),
        with(&["-p", s, "--password-stdin"]),
        with(&["--password-stdin", "-p", s]),
        with(&[&password_eq, "--password-env", "HTPASS_TEST_PASSWORD"]),
        with(&[&password_eq, "--generate"]),
        with(&["--generate", "--password", s]),
        with(&[&password_eq, "--batch"]),
        with(&["-p", &dashed, "--password-file", "x"]),
        with(&["-p", &quoted, "-p", &quoted]),
        with(&[&env_eq, &env_eq]),
        with(&["--password-env", s, "-p", "other"]),
        with(&[&file_eq, "--password-stdin"]),
        with(&["--password-file", s, "--password-file", s]),
        // Runs that parse, and fail on the value itself.
        with(&["--password-env", s]),
        with(&[&env_eq]),
        with(&["--password-file", s]),
        with(&[&file_eq]),
        vec![
            "verify".into(),
            "valid".into(),
            "alice".into(),
            generate_eq.clone(),
        ],
        vec![
            "verify".into(),
            "valid".into(),
            "alice".into(),
            stdin_eq.clone(),
        ],
        vec![
            "verify".into(),
            "valid".into(),
            "alice".into(),
            "--password-file".into(),
            s.into(),
        ],
        vec![
            "hash".into(),
            generate_eq.clone(),
            "--format".into(),
            "json".into(),
        ],
        vec!["hash".into(), "-p".into(), s.into(), "-p".into()],
        vec![
            "hash".into(),
            password_eq.clone(),
            "-a".into(),
            "bcrypt2".into(),
        ],
        vec!["list".into(), "valid".into(), "-p".into(), s.into()],
        vec!["list".into(), "valid".into(), password_eq.clone()],
        vec![
            "create".into(),
            "new".into(),
            "eve".into(),
            stdin_eq.clone(),
        ],
    ];
    for args in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let what = format!("htpass {args:?}");
        let ran = htpass(&dir, &args, format!("{s}\n").as_bytes());
        assert!(matches!(ran.code, Some(1 | 2)), "{what}: {}", ran.stderr);
        assert_hidden(&ran.stdout, &what);
        assert_hidden(&ran.stderr, &what);
        assert!(!ran.stderr.contains(digits), "{what}: {}", ran.stderr);
        assert!(!ran.stderr.is_empty(), "{what}: says nothing");
        assert_files_unchanged(&dir, &before, &what);
        assert!(!dir.path("new").exists(), "{what}");
    }
}

#[test]
fn no_failing_htpasswd_command_shows_the_password() {
    let dir = secret_files();
    let before = [("valid", dir.read("valid")), ("users", dir.read("users"))];
    let s = SECRET;
    let long = SECRET.repeat(20);
    let over_72 = SECRET.repeat(4);
    let runs: Vec<(Vec<&str>, String, i32)> = vec![
        (vec!["-nbB", "-C", "3", "u", s], String::new(), 3),
        (vec!["-nbB", "-C", "x", "u", s], String::new(), 2),
        (vec!["-nb2", "-r", "999", "u", s], String::new(), 3),
        (vec!["-vb", "valid", "alice", s], String::new(), 3),
        (vec!["-vb", "valid", "nobody", s], String::new(), 6),
        (vec!["-vb", "valid", "carol", s], String::new(), 3),
        (vec!["-vb", "valid", "dave", s], String::new(), 3),
        (vec!["-vb", "users", "nobody", s], String::new(), 7),
        (vec!["-b", "users", "eve", s], String::new(), 7),
        (vec!["-D", "users", "eve"], String::new(), 7),
        (vec!["-b", "valid", "a:b", s], String::new(), 6),
        (vec!["-b", "valid", "#eve", s], String::new(), 6),
        (vec!["-b", "missing", "eve", s], String::new(), 1),
        (vec!["-b", "a-directory", "eve", s], String::new(), 1),
        (vec!["-nb", "u", &long], String::new(), 5),
        (vec!["-nb", "u", s, "extra"], String::new(), 2),
        (vec!["-b", "valid", "eve", s, "-C", "5"], String::new(), 2),
        (vec!["-bc", "no/such/dir/f", "eve", s], String::new(), 1),
        (vec!["-bD", "valid", "eve", s], String::new(), 0),
        (vec!["-bB", "-C", "18", "valid", "eve", s], String::new(), 3),
        (
            vec!["-b2", "-r", "999", "valid", "eve", s],
            String::new(),
            3,
        ),
        (vec!["-nbx", "u", s], String::new(), 2),
        (vec!["-cn", "u", s], String::new(), 2),
        (vec!["-ni", "u"], long.clone(), 5),
        (vec!["-vi", "valid", "alice"], format!("{s}\n"), 3),
        (vec!["-n", "u"], format!("{s}\n{s}-typo\n"), 3),
        (vec!["-v", "valid", "alice"], format!("{s}\n"), 3),
        (vec!["-n", "u"], format!("{long}\n"), 5),
        // Successes: the record holds a hash, and -b says nothing (as Apache).
        (vec!["-nbs", "u", s], String::new(), 0),
        (vec!["-nbBC4", "u", &over_72], String::new(), 0),
        (vec!["-nb5", "u", s], String::new(), 0),
        (vec!["-ni", "u"], format!("{s}\n"), 0),
    ];
    for (args, stdin, code) in runs {
        let what = format!("htpasswd {args:?}");
        let ran = htpasswd(&dir, &args, stdin.as_bytes());
        assert_eq!(ran.code, Some(code), "{what}: {}", ran.stderr);
        assert_hidden(&ran.stdout, &what);
        assert_hidden(&ran.stderr, &what);
        assert_files_unchanged(&dir, &before, &what);
    }
}

/// `-p` warns once, on stderr, whenever the password it gives is used,
/// whether the run then succeeds or fails.
#[test]
fn the_password_argument_warns_exactly_once() {
    let dir = secret_files();
    for (args, code) in [
        (&["add", "new", "eve", "-C", "4", "-p", SECRET][..], 0),
        (&["add", "new", "eve", "-C", "4", "-p", SECRET], 0),
        (&["add", "new", "eve", "-C", "4", "-p", "other"], 0),
        (&["create", "new2", "eve", "-C", "4", "-p", SECRET], 0),
        (&["verify", "valid", "alice", "-p", SECRET], 3),
        (&["verify", "valid", "carol", "-p", SECRET], 0),
        (&["hash", "-a", "sha1", "-p", SECRET], 0),
        (
            &[
                "hash", "eve", "-a", "apr1", "-p", SECRET, "--format", "json",
            ],
            0,
        ),
        (&["add", "a-directory", "eve", "-p", SECRET], 1),
        (&["add", "valid", "eve", "-p", &SECRET.repeat(4)], 5),
        (&["add", "valid", "alice", "--no-update", "-p", SECRET], 1),
    ] {
        let ran = htpass(&dir, args, b"");
        let what = format!("{args:?}");
        assert_eq!(ran.code, Some(code), "{what}: {}", ran.stderr);
        assert_eq!(
            ran.stderr.matches(ARGUMENT_WARNING).count(),
            1,
            "{what}: {}",
            ran.stderr
        );
        assert!(ran.stderr.contains("ps"), "{what}");
        assert_hidden(&ran.stderr, &what);
        assert_hidden(&ran.stdout, &what);
    }
    // A run that fails before it uses the password says nothing about it.
    let ran = htpass(&dir, &["add", "valid", "a:b", "-p", SECRET], b"");
    assert_eq!(ran.code, Some(6));
    assert_eq!(
        ran.stderr.matches(ARGUMENT_WARNING).count(),
        0,
        "{}",
        ran.stderr
    );
}

/// Apache's htpasswd prints no warning for `-b` (its manual warns instead),
/// and ours must match it byte for byte on stderr (the differential tests);
/// so our `-b` is silent too. Only `-p` (plain text) warns, as Apache does.
#[test]
fn htpasswd_b_says_nothing_as_apache_does() {
    let dir = TestDir::new();
    let ran = htpasswd(&dir, &["-nbs", "u", SECRET], b"");
    assert_eq!((ran.code, ran.stderr.as_str()), (Some(0), ""));
    let ran = htpasswd(&dir, &["-cbs", "f", "u", SECRET], b"");
    assert_eq!(ran.stderr, "Adding password for user u\n");
    // -p stores the password itself: showing it is what was asked for.
    let ran = htpasswd(&dir, &["-nbp", "u", SECRET], b"");
    assert_eq!(ran.stdout, format!("u:{SECRET}\n\n"));
    assert_eq!(
        ran.stderr,
        "Warning: storing passwords as plain text might just not work on this platform.\n"
    );
}

/// A generated password is shown once: one line on stderr, or one JSON
/// field on stdout; and never when nothing was stored.
#[test]
fn a_generated_password_is_shown_exactly_once_and_only_when_stored() {
    let dir = secret_files();
    let generated = |stderr: &str| -> String {
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|line| line.starts_with("generated password"))
            .collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        lines[0]
            .rsplit(": ")
            .next()
            .expect("the password")
            .to_owned()
    };
    for args in [
        &["hash", "eve", "-a", "sha1", "--generate"][..],
        &["hash", "-a", "apr1", "--generate=40"],
        &["add", "valid", "eve", "-C", "4", "--generate"],
        &[
            "create",
            "new",
            "eve",
            "-C",
            "4",
            "--generate",
            "--format",
            "line",
        ],
    ] {
        let ran = htpass(&dir, args, b"");
        assert_eq!(ran.code, Some(0), "{args:?}: {}", ran.stderr);
        let password = generated(&ran.stderr);
        assert!(password.len() >= 24, "{password:?}");
        assert_eq!(ran.stderr.matches(&password).count(), 1, "{args:?}");
        assert!(!ran.stdout.contains(&password), "{args:?}");
    }
    assert!(util::file_verifies(
        &dir.path("new"),
        "eve",
        &generated(&htpass(&dir, &["add", "new", "eve", "-C", "4", "--generate"], b"").stderr)
    ));
    for args in [
        &[
            "hash",
            "eve",
            "-a",
            "sha1",
            "--generate",
            "--format",
            "json",
        ][..],
        &[
            "add",
            "valid",
            "frank",
            "-C",
            "4",
            "--generate",
            "--format",
            "json",
        ],
    ] {
        let ran = htpass(&dir, args, b"");
        assert_eq!(ran.code, Some(0), "{args:?}: {}", ran.stderr);
        assert!(!ran.stderr.contains("generated password"), "{}", ran.stderr);
        let object: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
        let password = object["password"].as_str().expect("a password field");
        assert_eq!(ran.stdout.matches(password).count(), 1);
        assert!(!ran.stderr.contains(password));
    }
    // Nothing stored, nothing shown.
    for args in [
        &["add", "a-directory", "eve", "--generate"][..],
        &["add", "valid", "alice", "--no-update", "--generate"],
        &["create", "valid", "eve", "--generate"],
        &[
            "add",
            "valid",
            "eve",
            "-a",
            "sha256",
            "-C",
            "4",
            "--generate",
        ],
    ] {
        let ran = htpass(&dir, args, b"");
        assert!(matches!(ran.code, Some(1 | 2)), "{args:?}: {}", ran.stderr);
        assert!(!ran.stderr.contains("generated password"), "{}", ran.stderr);
        assert!(ran.stdout.is_empty());
    }
}

/// `htpass ARGS` in `dir` with stdout or stderr (or both) on `/dev/full`,
/// where every write fails with ENOSPC; the exit code and what the other
/// stream got.
fn htpass_into_full(dir: &TestDir, args: &[&str], stdout_full: bool, stderr_full: bool) -> Ran {
    let full = || -> Stdio {
        fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens")
            .into()
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_htpass"));
    command
        .args(args)
        .current_dir(dir.path(""))
        .stdin(Stdio::null())
        .stdout(if stdout_full { full() } else { Stdio::piped() })
        .stderr(if stderr_full { full() } else { Stdio::piped() });
    let output = command.output().expect("run htpass");
    ran(output, &format!("htpass {args:?}"))
}

/// The regression: `add --generate 2>/dev/full` exited 0 with the user's
/// password changed to one nobody ever saw, and `--format json >/dev/full`
/// exited 1 after the file had changed. Now the file changes only once the
/// generated password has been delivered (written and flushed to stderr, or
/// to stdout in the JSON object); otherwise the run fails and the file is
/// as it was, nothing created, nothing left beside it.
#[test]
fn a_generated_password_that_cannot_be_shown_changes_nothing() {
    let dir = secret_files();
    let names = dir.names();
    let before = [("valid", dir.read("valid")), ("users", dir.read("users"))];
    let json = ["--format", "json"];
    let runs: Vec<(Vec<&str>, bool, bool)> = vec![
        (
            vec!["add", "valid", "eve", "-C", "4", "--generate"],
            false,
            true,
        ),
        (
            vec!["add", "valid", "alice", "-C", "4", "--generate"],
            false,
            true,
        ),
        (
            vec!["add", "new", "eve", "-C", "4", "--generate"],
            false,
            true,
        ),
        (
            vec!["create", "new", "eve", "-C", "4", "--generate"],
            false,
            true,
        ),
        (
            vec!["create", "valid", "eve", "-C", "4", "--force", "--generate"],
            false,
            true,
        ),
        (
            [&["add", "valid", "eve", "-C", "4", "--generate"][..], &json].concat(),
            true,
            false,
        ),
        (
            [
                &["add", "valid", "alice", "-C", "4", "--generate"][..],
                &json,
            ]
            .concat(),
            true,
            false,
        ),
        (
            [
                &["create", "new", "eve", "-C", "4", "--generate"][..],
                &json,
            ]
            .concat(),
            true,
            false,
        ),
        (
            [&["add", "valid", "eve", "-C", "4", "--generate"][..], &json].concat(),
            true,
            true,
        ),
        (vec!["hash", "eve", "-C", "4", "--generate"], false, true),
        (
            [&["hash", "eve", "-C", "4", "--generate"][..], &json].concat(),
            true,
            false,
        ),
    ];
    for (args, stdout_full, stderr_full) in runs {
        let what =
            format!("htpass {args:?} (stdout full: {stdout_full}, stderr full: {stderr_full})");
        let ran = htpass_into_full(&dir, &args, stdout_full, stderr_full);
        assert_eq!(ran.code, Some(1), "{what}: {}", ran.stderr);
        assert_files_unchanged(&dir, &before, &what);
        assert_eq!(dir.names(), names, "{what}: a file was created or left");
        if !stderr_full {
            assert!(
                ran.stderr.contains("cannot show the generated password")
                    && ran.stderr.contains("No space left on device"),
                "{what}: {}",
                ran.stderr
            );
            if args[0] != "hash" {
                assert!(
                    ran.stderr.contains("left unchanged"),
                    "{what}: {}",
                    ran.stderr
                );
            }
            assert!(!ran.stderr.contains("generated password for"), "{what}");
        }
    }
}

/// A program, its arguments, the prompts it shows with what is typed at
/// each, and the exit code and a message it ends with.
type Conversation<'a> = (
    &'a Path,
    &'a [&'a str],
    &'a [(&'a str, &'a str)],
    i32,
    &'a str,
);

/// Prompts read without echo, and entries that differ (compared with
/// `Password::ct_eq`) end the run with exit 3, the file untouched and the
/// password nowhere on the screen.
#[test]
fn prompts_never_echo_and_differing_entries_exit_3() {
    let dir = secret_files();
    let before = [("valid", dir.read("valid"))];
    let htpass = Path::new(env!("CARGO_BIN_EXE_htpass"));
    let ours = Path::new(env!("CARGO_BIN_EXE_htpasswd"));
    let typo = "Zx8-never-shown-4Qv-typo";
    let again = "Re-type new password";
    let runs: [Conversation; 8] = [
        (
            htpass,
            &["add", "valid", "alice", "-C", "4"],
            &[("New password", SECRET), (again, typo)],
            3,
            "the two passwords typed differ",
        ),
        (
            htpass,
            &["hash", "-a", "sha1"],
            &[("New password", SECRET), (again, typo)],
            3,
            "the two passwords typed differ",
        ),
        (
            htpass,
            &["verify", "valid", "alice"],
            &[("Password for alice", SECRET)],
            3,
            "does not match",
        ),
        (
            htpass,
            &["hash", "-a", "sha1"],
            &[("New password", SECRET), (again, SECRET)],
            0,
            "{SHA}",
        ),
        (
            ours,
            &["valid", "alice"],
            &[("New password", SECRET), (again, typo)],
            3,
            "htpasswd: password verification error",
        ),
        (
            ours,
            &["-n", "u"],
            &[("New password", SECRET), (again, typo)],
            3,
            "htpasswd: password verification error",
        ),
        (
            ours,
            &["-v", "valid", "alice"],
            &[("Enter password", SECRET)],
            3,
            "password verification failed",
        ),
        (
            ours,
            &["-ns", "u"],
            &[("New password", SECRET), (again, SECRET)],
            0,
            "u:{SHA}",
        ),
    ];
    for (program, args, answers, code, message) in runs {
        let argv0 = if program == htpass {
            "htpass"
        } else {
            "htpasswd"
        };
        let mut terminal = Terminal::start(&dir, program, argv0, args);
        let what = terminal.what.clone();
        for (prompt, answer) in answers {
            terminal.answer(prompt, answer);
        }
        let (status, screen) = terminal.finish();
        assert_eq!(status, Some(code), "{what}: {screen}");
        assert!(screen.contains(message), "{what}: {screen}");
        assert_hidden(&screen, &what);
        assert_files_unchanged(&dir, &before, &what);
    }
}
