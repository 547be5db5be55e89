//! The `htpass` program, run as a user runs it: every subcommand, option,
//! password source, exit code and message of the contract (`cli.md`),
//! checked by reading back the files and verifying hashes with the library.
//!
//! bcrypt runs at cost 4 (`-C 4`) to keep the suite fast. Standard input is
//! always set and never a terminal, so nothing here can wait on a prompt.

use std::fs;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use htpass::Password;
use htpass::hash::{self, Algorithm, BcryptCost, BcryptVariant, Params, Scheme};
use predicates::prelude::*;
use predicates::str::contains;

use crate::util::{TestDir, chomp, file_verifies, lines, stored_hash, verifies};

/// A password that must never show up in a message.
const SECRET: &str = "Zq9-unique-secret";

fn bcrypt4() -> Params {
    Params::Bcrypt {
        variant: BcryptVariant::TwoY,
        cost: BcryptCost::new(4).expect("4 is in range"),
    }
}

/// `user:HASH\n` made by the library (bcrypt cost 4).
fn entry(user: &str, password: &str) -> Vec<u8> {
    let hashed = hash::hash_password(&Password::from(password), &bcrypt4()).expect("hash");
    [user.as_bytes(), b":", &hashed, b"\n"].concat()
}

/// Stderr of a finished run, as text.
fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

fn stdout_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// Inode and modification time: a rewrite (temp file + rename) changes both.
fn identity(path: &std::path::Path) -> (u64, std::time::SystemTime) {
    let meta = fs::metadata(path).expect("metadata");
    (meta.ino(), meta.modified().expect("mtime"))
}

// ------------------------------------------------------------------ general

#[test]
fn help_and_version_exit_0() {
    crate::util::htpass().arg("--help").assert().code(0).stdout(
        contains("create")
            .and(contains("verify"))
            .and(contains("Exit codes")),
    );
    crate::util::htpass()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(format!("htpass {}\n", env!("CARGO_PKG_VERSION")));
    for command in ["create", "add", "verify", "delete", "list", "hash"] {
        crate::util::htpass()
            .args([command, "--help"])
            .assert()
            .code(0)
            .stdout(contains("Usage: htpass"));
    }
}

#[test]
fn clap_usage_errors_exit_2_in_clap_form() {
    crate::util::htpass()
        .arg("frobnicate")
        .assert()
        .code(2)
        .stderr(contains("error:"));
    crate::util::htpass()
        .assert()
        .code(2)
        .stderr(contains("Usage"));
    crate::util::htpass()
        .args(["hash", "-a", "md4", "-p", "x"])
        .assert()
        .code(2)
        .stderr(contains("possible values"));
}

#[test]
fn subcommands_outside_this_release_are_not_offered() {
    for command in ["batch", "check", "export", "completions"] {
        crate::util::htpass().arg(command).assert().code(2);
    }
    crate::util::htpass()
        .args(["hash", "--format", "k8s-secret", "-p", "x"])
        .assert()
        .code(2);
}

// ------------------------------------------------------------------ create

#[test]
fn create_without_a_user_makes_an_empty_file() {
    let dir = TestDir::new();
    dir.htpass()
        .args(["create", "users"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(contains("created users"));
    assert_eq!(dir.read("users"), b"");
}

#[test]
fn create_with_a_user_writes_its_entry() {
    let dir = TestDir::new();
    dir.htpass()
        .args(["create", "users", "alice", "-C", "4", "--password-stdin"])
        .write_stdin("pw\n")
        .assert()
        .code(0)
        .stderr(contains("created users").and(contains("added user alice")));
    let file = dir.read("users");
    assert_eq!(lines(&file).len(), 1);
    assert!(file.starts_with(b"alice:$2y$04$") && file.ends_with(b"\n"));
    assert!(file_verifies(&dir.path("users"), "alice", "pw"));
    assert_eq!(dir.names(), ["users"], "nothing left beside the file");
}

#[test]
fn create_refuses_an_existing_file_and_names_force() {
    let dir = TestDir::new();
    let path = dir.write("users", "keep:me\n");
    for args in [
        &["create", "users"][..],
        &["create", "users", "bob", "-p", SECRET],
    ] {
        let assert = dir.htpass().args(args).assert().code(1);
        let stderr = stderr_of(&assert);
        assert!(
            stderr.starts_with("htpass: ") && stderr.contains("--force"),
            "{stderr}"
        );
        assert!(!stderr.contains(SECRET));
    }
    assert_eq!(fs::read(path).unwrap(), b"keep:me\n");
}

#[test]
fn create_force_replaces_the_file() {
    let dir = TestDir::new();
    dir.write("users", "old:entry\n");
    dir.htpass()
        .args(["create", "--force", "users", "alice", "-C", "4", "-p", "pw"])
        .assert()
        .code(0)
        .stderr(contains("replaced users"));
    let file = dir.read("users");
    assert!(stored_hash(&file, "old").is_none());
    assert!(verifies(stored_hash(&file, "alice").unwrap(), "pw"));
    dir.htpass()
        .args(["create", "-f", "users"])
        .assert()
        .code(0);
    assert_eq!(dir.read("users"), b"");
}

#[test]
fn create_with_a_password_but_no_user_is_a_usage_error() {
    let dir = TestDir::new();
    dir.htpass()
        .args(["create", "users", "-p", SECRET])
        .assert()
        .code(2)
        .stderr(contains("htpass: ").and(contains("no USER")));
    assert!(!dir.path("users").exists());
}

#[test]
fn create_of_a_file_in_a_missing_directory_exits_1() {
    let dir = TestDir::new();
    dir.htpass()
        .args(["create", "no/such/dir/users"])
        .assert()
        .code(1)
        .stderr(contains("htpass: "));
}

// ------------------------------------------------------------------ add

#[test]
fn add_creates_a_missing_file_and_says_so() {
    let dir = TestDir::new();
    dir.htpass()
        .args(["add", "users", "alice", "-C", "4", "--password-stdin"])
        .write_stdin("pw\n")
        .assert()
        .code(0)
        .stdout("")
        .stderr(contains("created users").and(contains("added user alice")));
    assert!(file_verifies(&dir.path("users"), "alice", "pw"));
}

#[test]
fn add_appends_a_user_and_updates_only_that_users_line() {
    let dir = TestDir::new();
    let alice = entry("alice", "a");
    let bob = entry("bob", "b");
    dir.write("users", [&alice[..], &bob[..]].concat());
    dir.htpass()
        .args(["add", "users", "carol", "-C", "4", "-p", "c"])
        .assert()
        .code(0)
        .stderr(contains("added user carol").and(contains("created").not()));
    let file = dir.read("users");
    assert!(file.starts_with(&[&alice[..], &bob[..]].concat()));
    assert!(verifies(stored_hash(&file, "carol").unwrap(), "c"));

    dir.htpass()
        .args(["add", "users", "alice", "-C", "4", "-p", "new"])
        .assert()
        .code(0)
        .stderr(contains("updated user alice"));
    let after = dir.read("users");
    let after_lines = lines(&after);
    assert_eq!(after_lines.len(), 3);
    assert!(verifies(
        chomp(after_lines[0]).strip_prefix(b"alice:").unwrap(),
        "new"
    ));
    assert_eq!(after_lines[1], &bob[..]);
    assert_eq!(after_lines[2], lines(&file)[2]);
}

#[test]
fn add_twice_with_the_same_password_leaves_the_file_untouched() {
    let dir = TestDir::new();
    let path = dir.path("users");
    let add = |dir: &TestDir| {
        dir.htpass()
            .args(["add", "users", "alice", "-C", "4", "--password-env", "PW"])
            .env("PW", "same")
            .assert()
            .code(0)
    };
    add(&dir);
    let before = dir.read("users");
    let id = identity(&path);
    thread::sleep(Duration::from_millis(20));
    add(&dir).stderr(contains("unchanged: user alice"));
    assert_eq!(dir.read("users"), before, "byte-identical");
    assert_eq!(identity(&path), id, "same inode, same mtime: not rewritten");
    assert_eq!(dir.names(), ["users"]);
}

#[test]
fn add_is_idempotent_for_every_algorithm() {
    for args in [
        &["-a", "apr1"][..],
        &["-a", "sha256"],
        &["-a", "sha512", "-r", "6000"],
        &["-a", "sha1"],
        &["-a", "crypt"],
        &["-a", "plain"],
        &["-C", "4", "--bcrypt-variant", "2b"],
    ] {
        let dir = TestDir::new();
        let run = || {
            dir.htpass()
                .args(["add", "users", "alice", "-p", "pw"])
                .args(args)
                .assert()
                .code(0)
        };
        run();
        let before = dir.read("users");
        run().stderr(contains("unchanged: user alice"));
        assert_eq!(dir.read("users"), before, "{args:?}");
    }
}

#[test]
fn add_rehash_writes_a_new_salt() {
    let dir = TestDir::new();
    dir.write("users", entry("alice", "pw"));
    let before = dir.read("users");
    dir.htpass()
        .args(["add", "users", "alice", "-C", "4", "-p", "pw", "--rehash"])
        .assert()
        .code(0)
        .stderr(contains("updated user alice"));
    let after = dir.read("users");
    assert_ne!(after, before);
    assert!(verifies(stored_hash(&after, "alice").unwrap(), "pw"));
}

#[test]
fn add_with_other_parameters_rehashes() {
    let dir = TestDir::new();
    dir.write("users", entry("alice", "pw"));
    for (args, prefix) in [
        (&["-C", "5"][..], &b"$2y$05$"[..]),
        (&["-C", "5", "--bcrypt-variant", "2b"], b"$2b$05$"),
        (&["-a", "apr1"], b"$apr1$"),
        (&["-a", "sha256", "-r", "1000"], b"$5$rounds=1000$"),
        (&["-a", "sha256"], b"$5$"),
    ] {
        dir.htpass()
            .args(["add", "users", "alice", "-p", "pw"])
            .args(args)
            .assert()
            .code(0)
            .stderr(contains("updated user alice"));
        let file = dir.read("users");
        let stored = stored_hash(&file, "alice").unwrap();
        assert!(stored.starts_with(prefix), "{args:?}");
        assert!(!stored.starts_with(b"$5$rounds=") || args.contains(&"-r"));
        assert!(verifies(stored, "pw"));
    }
}

#[test]
fn add_with_another_password_updates() {
    let dir = TestDir::new();
    dir.write("users", entry("alice", "old"));
    dir.htpass()
        .args(["add", "users", "alice", "-C", "4", "-p", "new"])
        .assert()
        .code(0)
        .stderr(contains("updated user alice"));
    assert!(file_verifies(&dir.path("users"), "alice", "new"));
}

#[test]
fn add_no_update_of_an_existing_user_exits_1_and_changes_nothing() {
    let dir = TestDir::new();
    let path = dir.write("users", entry("alice", "old"));
    let before = dir.read("users");
    let id = identity(&path);
    let assert = dir
        .htpass()
        .args([
            "add",
            "users",
            "alice",
            "-C",
            "4",
            "-p",
            SECRET,
            "--no-update",
        ])
        .assert()
        .code(1);
    let stderr = stderr_of(&assert);
    assert!(
        stderr.contains("htpass: ") && stderr.contains("alice"),
        "{stderr}"
    );
    assert!(!stderr.contains(SECRET));
    assert_eq!(dir.read("users"), before);
    assert_eq!(identity(&path), id);
    assert_eq!(dir.names(), ["users"]);
    // A new user is still added.
    dir.htpass()
        .args(["add", "users", "bob", "-C", "4", "-p", "b", "--no-update"])
        .assert()
        .code(0);
    assert!(file_verifies(&path, "bob", "b"));
}

#[test]
fn add_no_update_and_rehash_conflict() {
    crate::util::htpass()
        .args(["add", "f", "alice", "-p", "x", "--no-update", "--rehash"])
        .assert()
        .code(2);
}

#[test]
fn comments_blank_and_crlf_lines_keep_their_bytes_through_add_update_and_delete() {
    let dir = TestDir::new();
    let alice = [chomp(&entry("alice", "a")), b"\r\n"].concat();
    let bob = entry("bob", "b");
    let original = [
        &b"# managed by hand\r\n"[..],
        &alice,
        b"\r\n",
        b"   \n",
        b"  # an indented comment\n",
        &bob,
        b"# the end\n",
    ]
    .concat();
    let path = dir.write("users", &original);

    // add: the old bytes stay, the new entry follows.
    dir.htpass()
        .args(["add", "users", "carol", "-C", "4", "-p", "c"])
        .assert()
        .code(0);
    let added = dir.read("users");
    assert!(added.starts_with(&original), "old bytes kept");
    let tail = &added[original.len()..];
    assert_eq!(lines(tail).len(), 1);
    assert!(verifies(chomp(tail).strip_prefix(b"carol:").unwrap(), "c"));

    // update: every other line is byte-identical.
    dir.htpass()
        .args(["add", "users", "bob", "-C", "4", "-p", "b2"])
        .assert()
        .code(0);
    let updated = dir.read("users");
    let (before, after) = (lines(&added), lines(&updated));
    assert_eq!(before.len(), after.len());
    for (old, new) in before.iter().zip(&after) {
        if old.starts_with(b"bob:") {
            assert!(verifies(chomp(new).strip_prefix(b"bob:").unwrap(), "b2"));
        } else {
            assert_eq!(old, new);
        }
    }

    // delete: exactly the deleted line goes.
    dir.htpass()
        .args(["delete", "users", "alice"])
        .assert()
        .code(0);
    let deleted = fs::read(&path).unwrap();
    let expected: Vec<u8> = after
        .iter()
        .filter(|line| !line.starts_with(b"alice:"))
        .flat_map(|line| line.iter().copied())
        .collect();
    assert_eq!(deleted, expected);
}

/// A name that cannot be added is refused by every command that adds it;
/// looked up (`verify`, `delete`), it is simply not in the file (exit 6),
/// or, where no line can hold it, refused as such (also exit 6).
#[test]
fn a_bad_user_name_leaves_the_file_byte_identical() {
    let dir = TestDir::new();
    let path = dir.write("users", entry("alice", "a"));
    let before = dir.read("users");
    let long = "x".repeat(256);
    for (user, code) in [
        ("a:b", 6),
        ("", 6),
        ("tab\there", 6),
        ("new\nline", 6),
        ("#comment", 6),
        ("zero\u{200b}width", 6),
        (long.as_str(), 5),
    ] {
        for (args, code) in [
            (&["add", "users", user, "-C", "4", "-p", SECRET][..], code),
            (&["verify", "users", user, "-p", SECRET], 6),
            (&["delete", "users", user], 6),
            (&["create", "--force", "users", user, "-p", SECRET], code),
            (&["hash", user, "-p", SECRET], code),
        ] {
            let assert = dir.htpass().args(args).assert().code(code);
            let stderr = stderr_of(&assert);
            assert!(stderr.starts_with("htpass: "), "{stderr}");
            assert!(!stderr.contains(SECRET));
        }
    }
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(dir.names(), ["users"]);
}

/// `check` names users as `list` does: a name's trailing space and the
/// characters a person cannot see are shown escaped.
#[test]
fn check_findings_show_names_as_list_does() {
    let dir = TestDir::new();
    dir.write(
        "users",
        "trail :{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=\ntrail :{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=\nzw\u{200b}:{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=\nzw\u{200b}:{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=\n",
    );
    let listed = dir.htpass().args(["list", "users"]).assert().code(0);
    assert_eq!(
        String::from_utf8_lossy(&listed.get_output().stdout),
        "trail\\x20\ntrail\\x20\nzw\\u200b\nzw\\u200b\n"
    );
    let checked = dir.htpass().args(["check", "users"]).assert().code(7);
    let stdout = String::from_utf8_lossy(&checked.get_output().stdout).into_owned();
    assert!(stdout.contains("user trail\\x20"), "{stdout}");
    assert!(stdout.contains("user zw\\u200b"), "{stdout}");
    assert!(!stdout.contains('\u{200b}'), "{stdout}");
}

#[test]
fn a_bad_cost_or_rounds_is_a_usage_error_and_leaves_the_file_byte_identical() {
    let dir = TestDir::new();
    let path = dir.write("users", entry("alice", "a"));
    let before = dir.read("users");
    for (args, range) in [
        (&["-C", "3"][..], "from 4 to 31"),
        (&["-C", "32"], "from 4 to 31"),
        (&["--cost", "4294967300"], "from 4 to 31"),
        (&["-C", "99999999999999999999999"], "from 4 to 31"),
        (&["--cost=-1"], "from 4 to 31"),
        (&["-C", "ten"], "from 4 to 31"),
        (&["-a", "sha256", "-r", "999"], "1000 to 999999999"),
        (&["-a", "sha512", "-r", "1000000000"], "1000 to 999999999"),
        (
            &["-a", "sha512", "--rounds", "18446744073709551616"],
            "1000 to 999999999",
        ),
    ] {
        for user in ["alice", "bob"] {
            dir.htpass()
                .args(["add", "users", user, "-p", "pw"])
                .args(args)
                .assert()
                .code(2)
                .stderr(contains(range));
        }
        dir.htpass()
            .args(["hash", "-p", "pw"])
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(contains(range));
    }
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn an_option_the_algorithm_ignores_is_a_usage_error() {
    for args in [
        &["-a", "sha256", "-C", "12"][..],
        &["-a", "apr1", "--bcrypt-variant", "2b"],
        &["-r", "6000"],
        &["-a", "md5", "-r", "6000"],
    ] {
        crate::util::htpass()
            .args(["hash", "-p", "pw"])
            .args(args)
            .assert()
            .code(2)
            .stdout("");
    }
    crate::util::htpass()
        .args(["hash", "-p", "pw", "-a", "sha256", "-C", "12"])
        .assert()
        .stderr(contains("--cost applies only to bcrypt"));
}

#[test]
fn a_bcrypt_password_over_72_bytes_is_refused_with_exit_5() {
    let dir = TestDir::new();
    let path = dir.write("users", entry("alice", "a"));
    let before = dir.read("users");
    let long = "p".repeat(73);
    for args in [
        &["add", "users", "alice"][..],
        &["add", "users", "bob"],
        &["hash", "bob"],
        &["create", "--force", "users", "bob"],
    ] {
        let assert = dir
            .htpass()
            .args(args)
            .args(["-C", "4", "--password-stdin"])
            .write_stdin(format!("{long}\n"))
            .assert()
            .code(5)
            .stdout("");
        let stderr = stderr_of(&assert);
        assert!(stderr.contains("72"), "{stderr}");
        assert!(!stderr.contains(&long));
    }
    assert_eq!(fs::read(&path).unwrap(), before);
    // 72 bytes are fine, and other algorithms take longer passwords.
    dir.htpass()
        .args(["add", "users", "bob", "-C", "4", "-p", &"p".repeat(72)])
        .assert()
        .code(0);
    dir.htpass()
        .args(["add", "users", "carol", "-a", "sha512", "-p", &long])
        .assert()
        .code(0);
    assert!(file_verifies(&path, "carol", &long));
}

#[test]
fn add_format_prints_the_entry() {
    let dir = TestDir::new();
    let assert = dir
        .htpass()
        .args([
            "add", "users", "alice", "-C", "4", "-p", "pw", "--format", "line",
        ])
        .assert()
        .code(0);
    let file = dir.read("users");
    assert_eq!(stdout_of(&assert).as_bytes(), &file[..]);
    // Unchanged: the kept entry is printed.
    let assert = dir
        .htpass()
        .args([
            "add", "users", "alice", "-C", "4", "-p", "pw", "--format", "json",
        ])
        .assert()
        .code(0);
    let json: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(json["user"], "alice");
    assert_eq!(json["line"].as_str().unwrap().as_bytes(), chomp(&file));
    assert!(json.get("password").is_none());
}

#[test]
fn add_generate_sets_a_random_password_and_shows_it_once_on_stderr() {
    let dir = TestDir::new();
    let assert = dir
        .htpass()
        .args(["add", "users", "alice", "-C", "4", "--generate"])
        .assert()
        .code(0)
        .stdout("");
    let stderr = stderr_of(&assert);
    let password = stderr
        .lines()
        .find_map(|line| line.strip_prefix("generated password for alice: "))
        .expect("the generated password on stderr");
    assert_eq!(password.len(), 24);
    assert!(password.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(stderr.matches(password).count(), 1);
    assert!(file_verifies(&dir.path("users"), "alice", password));
}

#[test]
fn add_generate_with_json_puts_the_password_in_the_object_only() {
    let dir = TestDir::new();
    let assert = dir
        .htpass()
        .args([
            "add",
            "users",
            "alice",
            "-C",
            "4",
            "--generate=30",
            "--format",
            "json",
        ])
        .assert()
        .code(0);
    let json: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let password = json["password"].as_str().unwrap();
    assert_eq!(password.len(), 30);
    assert!(!stderr_of(&assert).contains(password));
    assert!(file_verifies(&dir.path("users"), "alice", password));
    assert_eq!(
        json["line"].as_str().unwrap().as_bytes(),
        chomp(&dir.read("users"))
    );
}

#[test]
fn generate_length_is_checked_and_generate_is_only_for_setting() {
    for length in ["--generate=11", "--generate=257", "--generate=x"] {
        crate::util::htpass()
            .args(["hash", length])
            .assert()
            .code(2)
            .stdout("");
    }
    crate::util::htpass()
        .args(["verify", "f", "alice", "--generate"])
        .assert()
        .code(2);
    crate::util::htpass()
        .args(["hash", "--generate", "-p", "x"])
        .assert()
        .code(2);
}

// ------------------------------------------------------------------ verify

fn file_with_alice(dir: &TestDir, password: &str) -> std::path::PathBuf {
    dir.write(
        "users",
        [
            &b"# users\n"[..],
            &entry("alice", password),
            &entry("bob", "b"),
        ]
        .concat(),
    )
}

#[test]
fn verify_exits_0_when_the_password_matches() {
    let dir = TestDir::new();
    file_with_alice(&dir, "pw");
    dir.htpass()
        .args(["verify", "users", "alice", "--password-stdin"])
        .write_stdin("pw\n")
        .assert()
        .code(0)
        .stdout("")
        .stderr(contains("matches"));
}

#[test]
fn verify_exits_3_when_the_password_does_not_match() {
    let dir = TestDir::new();
    file_with_alice(&dir, "pw");
    let assert = dir
        .htpass()
        .args(["verify", "users", "alice", "-p", SECRET])
        .assert()
        .code(3);
    let stderr = stderr_of(&assert);
    assert!(
        stderr.contains("htpass: the password does not match"),
        "{stderr}"
    );
    assert!(stderr.contains("alice"));
    assert!(!stderr.contains(SECRET));
}

#[test]
fn verify_of_a_missing_user_exits_6_and_names_the_user() {
    let dir = TestDir::new();
    file_with_alice(&dir, "pw");
    dir.htpass()
        .args(["verify", "users", "mallory", "-p", "pw"])
        .assert()
        .code(6)
        .stderr(contains("htpass: ").and(contains("user mallory not found")));
}

#[test]
fn verify_of_a_missing_file_exits_1() {
    let dir = TestDir::new();
    dir.htpass()
        .args(["verify", "nothing", "alice", "-p", "pw"])
        .assert()
        .code(1)
        .stderr(contains("htpass: ").and(contains("nothing")));
    assert_eq!(dir.names(), Vec::<String>::new(), "verify creates nothing");
}

#[test]
fn verify_a_bare_plain_entry_only_with_allow_plain() {
    let dir = TestDir::new();
    dir.write("users", "alice:hunter2\n");
    let assert = dir
        .htpass()
        .args(["verify", "users", "alice", "-p", "hunter2"])
        .assert()
        .code(3);
    let stderr = stderr_of(&assert);
    assert!(stderr.contains("plain text"), "{stderr}");
    assert!(stderr.contains("reject") && stderr.contains("--allow-plain"));
    assert!(stderr.contains("does not match"));
    assert!(!stderr.contains("hunter2"));
    dir.htpass()
        .args(["verify", "users", "alice", "-p", "hunter2", "--allow-plain"])
        .assert()
        .code(0);
    dir.htpass()
        .args(["verify", "users", "alice", "-p", "wrong", "--allow-plain"])
        .assert()
        .code(3);
}

#[test]
fn verify_understands_every_format_htpass_writes() {
    for algorithm in Algorithm::ALL {
        let dir = TestDir::new();
        let params = match algorithm {
            Algorithm::Bcrypt => bcrypt4(),
            other => Params::default_for(other),
        };
        let stored = hash::hash_password(&Password::from("pw"), &params).unwrap();
        dir.write("users", [&b"alice:"[..], &stored, b"\n"].concat());
        let extra: &[&str] = if algorithm == Algorithm::Plain {
            &["--allow-plain"]
        } else {
            &[]
        };
        dir.htpass()
            .args(["verify", "users", "alice", "-p", "pw"])
            .args(extra)
            .assert()
            .code(0);
        dir.htpass()
            .args(["verify", "users", "alice", "-p", "pW"])
            .args(extra)
            .assert()
            .code(3);
    }
}

#[test]
fn verify_never_refuses_a_long_bcrypt_password() {
    let dir = TestDir::new();
    let long = "L".repeat(100);
    let stored = hash::hash_password(&Password::from(long.as_str()), &bcrypt4()).unwrap();
    dir.write("users", [&b"alice:"[..], &stored, b"\n"].concat());
    dir.htpass()
        .args(["verify", "users", "alice", "--password-stdin"])
        .write_stdin(format!("{long}\n"))
        .assert()
        .code(0);
}

#[test]
fn verify_uses_the_first_entry_of_a_user_as_servers_do() {
    let dir = TestDir::new();
    dir.write(
        "users",
        [entry("alice", "first"), entry("alice", "second")].concat(),
    );
    dir.htpass()
        .args(["verify", "users", "alice", "-p", "first"])
        .assert()
        .code(0);
}

/// Issue 11 item 8: a stored entry nothing can verify is not a wrong
/// password. The message names the user and the defect, never the hash,
/// and no password is asked for.
#[test]
fn verify_of_a_malformed_entry_says_the_entry_is_malformed_not_the_password() {
    let bcrypt_body = "ssOGIHxlFJ3nEy8BZ6Pfr.EoN7pBxKZdz49gfiz.JH3Y/K/xqrr3q";
    for (stored, says) in [
        ("$2y$10$short".to_owned(), "is shorter than 60 characters"),
        (format!("$2y$03${bcrypt_body}"), "04 to 31"),
        ("$apr1$".to_owned(), "ends after the salt"),
        (
            "$5$rounds=abc$salt$91jbbRmcYT8qeUwLEeHlAI83KRLC3jXV/8LMM2QWYW7".to_owned(),
            "rounds=",
        ),
        ("{SHA}W6ph5Mm5Pz8GgiULbPgzG37".to_owned(), "28 characters"),
    ] {
        let dir = TestDir::new();
        dir.write("users", format!("alice:{stored}\nbob:{stored}\n"));
        // Empty standard input: the answer needs no password.
        let assert = dir
            .htpass()
            .args(["verify", "users", "alice", "--password-stdin"])
            .write_stdin("")
            .assert()
            .code(3)
            .stdout("");
        let stderr = stderr_of(&assert);
        assert!(
            stderr.starts_with("htpass: users: the stored entry of user alice is malformed"),
            "{stored}: {stderr}"
        );
        assert!(stderr.contains(says), "{stored}: {stderr}");
        assert!(
            stderr.contains("no password can be checked against it"),
            "{stderr}"
        );
        assert!(
            stderr.contains("set a new password with `htpass add users alice`"),
            "{stderr}"
        );
        assert!(!stderr.contains("does not match"), "{stderr}");
        if stored.len() > 16 {
            assert!(!stderr.contains(&stored[7..]), "no hash text: {stderr}");
        }
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn verify_of_an_unsupported_scheme_names_the_scheme() {
    for (stored, scheme, servers) in [
        (
            "{SSHA256}c2FsdGVkIGhhc2g=",
            "{SSHA256} (salted SHA-256)",
            "no server that reads htpasswd files verifies it either",
        ),
        ("{SMD5}c2FsdGVkIGhhc2g=", "{SMD5} (salted MD5)", "either"),
        (
            "$gy$j9T$4tG/PWvpqzvRJsF7SO8Nd0$en/b185Zp9PudE5NoalwLtNero9E0.lKm7thSvvkzl.",
            "$gy$ (gost-yescrypt)",
            "nginx and Apache httpd verify it through the system crypt(3)",
        ),
        (
            "_J9..UKsmpP1cqbJu1MM",
            "_ (BSDi extended DES crypt)",
            "crypt(3)",
        ),
    ] {
        let dir = TestDir::new();
        dir.write("users", format!("alice:{stored}\n"));
        let assert = dir
            .htpass()
            .args([
                "verify",
                "users",
                "alice",
                "--password-stdin",
                "--allow-plain",
            ])
            .write_stdin("pw\n")
            .assert()
            .code(3);
        let stderr = stderr_of(&assert);
        assert!(
            stderr.starts_with(&format!(
                "htpass: users: the stored entry of user alice uses {scheme}, a scheme htpass cannot verify"
            )),
            "{stderr}"
        );
        assert!(stderr.contains(servers), "{stderr}");
        assert!(stderr.contains("`htpass add users alice`"), "{stderr}");
        assert!(!stderr.contains("plain text"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

// ------------------------------------------------------------------ delete

#[test]
fn delete_removes_users_and_reports_each() {
    let dir = TestDir::new();
    let (alice, bob, carol) = (entry("alice", "a"), entry("bob", "b"), entry("carol", "c"));
    dir.write("users", [&alice[..], &bob, &carol].concat());
    let assert = dir
        .htpass()
        .args(["delete", "users", "alice", "carol"])
        .assert()
        .code(0)
        .stdout("");
    let stderr = stderr_of(&assert);
    assert!(stderr.contains("deleted user alice") && stderr.contains("deleted user carol"));
    assert_eq!(dir.read("users"), bob);
    assert_eq!(dir.names(), ["users"]);
}

#[test]
fn delete_of_a_missing_user_exits_6_and_changes_nothing() {
    let dir = TestDir::new();
    let path = dir.write("users", [entry("alice", "a"), entry("bob", "b")].concat());
    let before = dir.read("users");
    let id = identity(&path);
    dir.htpass()
        .args(["delete", "users", "alice", "mallory"])
        .assert()
        .code(6)
        .stderr(
            contains("htpass: ")
                .and(contains("mallory"))
                .and(contains("--ignore-missing"))
                .and(contains("deleted user").not()),
        );
    assert_eq!(dir.read("users"), before);
    assert_eq!(identity(&path), id);
}

#[test]
fn delete_ignore_missing_deletes_the_others() {
    let dir = TestDir::new();
    let bob = entry("bob", "b");
    dir.write("users", [entry("alice", "a"), bob.clone()].concat());
    dir.htpass()
        .args(["delete", "users", "alice", "mallory", "--ignore-missing"])
        .assert()
        .code(0)
        .stderr(contains("deleted user alice").and(contains("mallory")));
    assert_eq!(dir.read("users"), bob);
    // Nothing to delete at all: success, file untouched.
    let path = dir.path("users");
    let id = identity(&path);
    dir.htpass()
        .args(["delete", "users", "mallory", "--ignore-missing"])
        .assert()
        .code(0);
    assert_eq!(identity(&path), id);
}

#[test]
fn delete_from_a_missing_file_exits_1() {
    let dir = TestDir::new();
    dir.htpass()
        .args(["delete", "users", "alice"])
        .assert()
        .code(1)
        .stderr(contains("htpass: "));
    assert!(!dir.path("users").exists());
    dir.htpass().args(["delete", "users"]).assert().code(2);
}

// ------------------------------------------------------------------ list

fn listed_file(dir: &TestDir) {
    let sha = hash::hash_password(
        &Password::from("s"),
        &Params::default_for(Algorithm::Sha512),
    )
    .unwrap();
    dir.write(
        "users",
        [
            &b"# comment\n"[..],
            &entry("alice", "a"),
            b"\n",
            b"bob:",
            &sha,
            b"\n",
            b"carol:$apr1$abcdefgh$0123456789012345678901\r\n",
            b"dave:plaintext\n",
        ]
        .concat(),
    );
}

#[test]
fn list_prints_one_user_a_line_in_file_order() {
    let dir = TestDir::new();
    listed_file(&dir);
    dir.htpass()
        .args(["list", "users"])
        .assert()
        .code(0)
        .stdout("alice\nbob\ncarol\ndave\n")
        .stderr("");
}

#[test]
fn list_long_adds_algorithm_and_cost() {
    let dir = TestDir::new();
    listed_file(&dir);
    dir.htpass()
        .args(["list", "--long", "users"])
        .assert()
        .code(0)
        .stdout("alice\tbcrypt\t4\nbob\tsha512\t5000\ncarol\tapr1\t-\ndave\tplain\t-\n");
}

#[test]
fn list_json_is_exact() {
    let dir = TestDir::new();
    listed_file(&dir);
    let assert = dir
        .htpass()
        .args(["list", "users", "--format", "json"])
        .assert()
        .code(0);
    let json: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let expected = serde_json::json!([
        {"user": "alice", "algorithm": "bcrypt", "cost": 4},
        {"user": "bob", "algorithm": "sha512", "cost": 5000},
        {"user": "carol", "algorithm": "apr1", "cost": null},
        {"user": "dave", "algorithm": "plain", "cost": null},
    ]);
    assert_eq!(json, expected);
}

#[test]
fn list_escapes_terminal_controls_for_people_and_keeps_bytes_in_json() {
    let dir = TestDir::new();
    dir.write("users", b"evil\x1b[2J\xe2\x80\xaename:{SHA}x\nbad\xff:x\n");
    dir.htpass()
        .args(["list", "users"])
        .assert()
        .code(0)
        .stdout("evil\\x1b[2J\\u202ename\nbad\\xff\n");
    let assert = dir
        .htpass()
        .args(["list", "users", "--format", "json"])
        .assert()
        .code(0);
    let json: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(json[0]["user"], "evil\u{1b}[2J\u{202e}name");
    assert!(json[0].get("user_base64").is_none());
    assert_eq!(json[1]["user"], "bad\u{fffd}");
    let exact = base64::engine::general_purpose::STANDARD
        .decode(json[1]["user_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(exact, b"bad\xff");
}

#[test]
fn list_of_an_empty_file_prints_nothing_or_an_empty_array() {
    let dir = TestDir::new();
    dir.write("users", "");
    dir.htpass()
        .args(["list", "users"])
        .assert()
        .code(0)
        .stdout("");
    dir.htpass()
        .args(["list", "users", "--format", "json"])
        .assert()
        .code(0)
        .stdout("[]\n");
}

#[test]
fn list_of_a_missing_file_exits_1() {
    let dir = TestDir::new();
    dir.htpass()
        .args(["list", "users"])
        .assert()
        .code(1)
        .stderr(contains("htpass: "));
}

#[test]
fn list_into_a_closed_pipe_is_not_an_error() {
    let dir = TestDir::new();
    let mut file = Vec::new();
    for n in 0..100_000 {
        file.extend_from_slice(
            format!("user{n:06}:{{SHA}}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n").as_bytes(),
        );
    }
    let path = dir.write("users", file);
    let mut child = Command::new(env!("CARGO_BIN_EXE_htpass"))
        .args(["list", "--long"])
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line's worth, then close, as `| head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0; 10];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let output = wait_with_timeout(child);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

// ------------------------------------------------------------------ hash

#[test]
fn hash_with_each_algorithm_verifies() {
    for (algorithm, prefix, insecure) in [
        ("bcrypt", "$2y$04$", false),
        ("apr1", "$apr1$", false),
        ("sha256", "$5$", false),
        ("sha512", "$6$", false),
        ("sha1", "{SHA}", true),
        ("crypt", "", true),
        ("plain", "", true),
    ] {
        let mut command = crate::util::htpass();
        command.args(["hash", "alice", "-a", algorithm, "--password-stdin"]);
        if algorithm == "bcrypt" {
            command.args(["-C", "4"]);
        }
        let assert = command.write_stdin("pässword\n").assert().code(0);
        let stdout = stdout_of(&assert);
        let stored = stdout
            .strip_prefix("alice:")
            .and_then(|rest| rest.strip_suffix('\n'))
            .unwrap_or_else(|| panic!("{algorithm}: {stdout:?}"));
        assert!(!stored.contains('\n'));
        assert!(stored.starts_with(prefix), "{algorithm}: {stored}");
        assert!(verifies(stored.as_bytes(), "pässword"), "{algorithm}");
        let stderr = stderr_of(&assert);
        assert_eq!(
            stderr.contains("htpass: warning:") && stderr.contains("insecure"),
            insecure,
            "{algorithm}: {stderr}"
        );
    }
}

#[test]
fn hash_crypt_warns_that_only_8_bytes_count() {
    crate::util::htpass()
        .args(["hash", "-a", "crypt", "-p", "123456789"])
        .assert()
        .code(0)
        .stderr(contains("first 8 bytes"));
}

#[test]
fn hash_without_a_user_prints_the_hash_alone() {
    let assert = crate::util::htpass()
        .args(["hash", "-C", "4", "-p", "pw"])
        .assert()
        .code(0);
    let stdout = stdout_of(&assert);
    let stored = stdout.strip_suffix('\n').unwrap();
    assert!(
        stored.starts_with("$2y$04$") && stored.len() == 60,
        "{stdout}"
    );
    assert!(verifies(stored.as_bytes(), "pw"));
}

#[test]
fn hash_formats_hash_and_json() {
    let assert = crate::util::htpass()
        .args([
            "hash", "alice", "-a", "apr1", "-p", "pw", "--format", "hash",
        ])
        .assert()
        .code(0);
    let stdout = stdout_of(&assert);
    assert!(stdout.starts_with("$apr1$") && stdout.ends_with('\n'));
    assert_eq!(stdout.matches('\n').count(), 1);

    let assert = crate::util::htpass()
        .args(["hash", "alice", "-C", "4", "-p", "pw", "--format", "json"])
        .assert()
        .code(0);
    let stdout = stdout_of(&assert);
    assert!(stdout.ends_with("}\n"));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let stored = json["hash"].as_str().unwrap();
    assert_eq!(json["user"], "alice");
    assert_eq!(json["line"], format!("alice:{stored}"));
    assert!(json.get("password").is_none());
    assert!(verifies(stored.as_bytes(), "pw"));

    let assert = crate::util::htpass()
        .args(["hash", "-C", "4", "-p", "pw", "--format", "json"])
        .assert()
        .code(0);
    let json: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert!(json["user"].is_null() && json["line"].is_null());
    assert!(verifies(json["hash"].as_str().unwrap().as_bytes(), "pw"));
}

#[test]
fn hash_generate_shows_the_password_once_on_stderr() {
    let assert = crate::util::htpass()
        .args(["hash", "alice", "-C", "4", "--generate=16"])
        .assert()
        .code(0);
    let stderr = stderr_of(&assert);
    let password = stderr
        .lines()
        .find_map(|line| line.strip_prefix("generated password for alice: "))
        .expect("generated password on stderr");
    assert_eq!(password.len(), 16);
    let stdout = stdout_of(&assert);
    assert!(!stdout.contains(password));
    let stored = stdout.strip_prefix("alice:").unwrap().trim_end();
    assert!(verifies(stored.as_bytes(), password));

    let assert = crate::util::htpass()
        .args(["hash", "-C", "4", "--generate"])
        .assert()
        .code(0);
    assert!(stderr_of(&assert).starts_with("generated password: "));
}

#[test]
fn hash_generate_json_has_user_password_hash_and_line() {
    let assert = crate::util::htpass()
        .args(["hash", "alice", "-C", "4", "--generate", "--format", "json"])
        .assert()
        .code(0)
        .stderr("");
    let json: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let object = json.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["hash", "line", "password", "user"]);
    let password = json["password"].as_str().unwrap();
    assert_eq!(password.len(), 24);
    assert!(verifies(
        json["hash"].as_str().unwrap().as_bytes(),
        password
    ));
}

#[test]
fn hash_rounds_5000_is_written_without_a_rounds_field() {
    for (rounds, prefix) in [
        ("5000", "$5$"),
        ("1000", "$5$rounds=1000$"),
        ("6000", "$5$rounds=6000$"),
    ] {
        let assert = crate::util::htpass()
            .args(["hash", "-a", "sha256", "-r", rounds, "-p", "pw"])
            .assert()
            .code(0);
        let stdout = stdout_of(&assert);
        assert!(stdout.starts_with(prefix), "{rounds}: {stdout}");
        assert_eq!(stdout.starts_with("$5$rounds="), rounds != "5000");
        assert!(verifies(stdout.trim_end().as_bytes(), "pw"));
    }
}

#[test]
fn hash_bcrypt_variants_and_default_cost() {
    for (variant, prefix) in [("2y", "$2y$04$"), ("2b", "$2b$04$"), ("2a", "$2a$04$")] {
        let assert = crate::util::htpass()
            .args(["hash", "--bcrypt-variant", variant, "-C", "4", "-p", "pw"])
            .assert()
            .code(0);
        let stdout = stdout_of(&assert);
        assert!(stdout.starts_with(prefix), "{stdout}");
        assert!(verifies(stdout.trim_end().as_bytes(), "pw"));
    }
    let assert = crate::util::htpass()
        .args(["hash", "-p", "pw"])
        .assert()
        .code(0);
    let stdout = stdout_of(&assert);
    assert_eq!(
        hash::detect(stdout.trim_end().as_bytes()),
        Scheme::Bcrypt {
            variant: BcryptVariant::TwoY,
            cost: 10
        }
    );
}

#[test]
fn hash_into_a_closed_pipe_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_htpass"))
        .args(["hash", "alice", "-a", "apr1", "--password-env", "PW"])
        .env("PW", "pw")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = wait_with_timeout(child);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

// ------------------------------------------------------------------ password sources

#[test]
fn password_stdin_takes_the_first_line_without_its_ending() {
    for (input, password) in [
        ("pw\n", "pw"),
        ("pw\r\n", "pw"),
        ("pw", "pw"),
        ("with space \n", "with space "),
        ("first\nsecond\n", "first"),
    ] {
        let assert = crate::util::htpass()
            .args(["hash", "-a", "apr1", "--password-stdin"])
            .write_stdin(input)
            .assert()
            .code(0);
        let stored = stdout_of(&assert);
        assert!(
            verifies(stored.trim_end().as_bytes(), password),
            "{input:?}"
        );
    }
}

#[test]
fn password_stdin_empty_or_overlong_is_refused() {
    crate::util::htpass()
        .args(["hash", "--password-stdin"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(contains("standard input").and(contains("empty")));
    crate::util::htpass()
        .args(["hash", "--password-stdin"])
        .write_stdin("\n")
        .assert()
        .code(2)
        .stderr(contains("empty"));
    crate::util::htpass()
        .args(["hash", "-a", "apr1", "--password-stdin"])
        .write_stdin("x".repeat(5000))
        .assert()
        .code(5)
        .stdout("");
}

/// The variable's value, less one trailing newline (as every source).
#[test]
fn password_env_reads_the_variable() {
    for (value, password) in [
        ("from env\n", "from env"),
        ("from env", "from env"),
        ("two\nlines", "two\nlines"),
    ] {
        let assert = crate::util::htpass()
            .args([
                "hash",
                "-a",
                "sha256",
                "--password-env",
                "HTPASS_TEST_PASSWORD",
            ])
            .env("HTPASS_TEST_PASSWORD", value)
            .assert()
            .code(0);
        assert!(
            verifies(stdout_of(&assert).trim_end().as_bytes(), password),
            "{value:?}"
        );
    }
}

/// An unset variable is not named (a password given in its place would be
/// repeated); a set, empty one is.
#[test]
fn password_env_unset_or_empty_exits_2() {
    crate::util::htpass()
        .args(["hash", "--password-env", "HTPASS_TEST_PASSWORD"])
        .assert()
        .code(2)
        .stderr(
            contains("--password-env")
                .and(contains("not set"))
                .and(contains("HTPASS_TEST_PASSWORD").not()),
        );
    let dir = TestDir::new();
    dir.htpass()
        .args([
            "add",
            "users",
            "alice",
            "--password-env",
            "HTPASS_TEST_PASSWORD",
        ])
        .env("HTPASS_TEST_PASSWORD", "")
        .assert()
        .code(2)
        .stderr(contains("HTPASS_TEST_PASSWORD").and(contains("empty")));
    assert!(!dir.path("users").exists());
}

#[test]
fn password_file_reads_its_first_line() {
    let dir = TestDir::new();
    dir.write("secret", "from file\r\nsecond line\n");
    let assert = dir
        .htpass()
        .args(["hash", "-a", "apr1", "--password-file", "secret"])
        .assert()
        .code(0);
    assert!(verifies(
        stdout_of(&assert).trim_end().as_bytes(),
        "from file"
    ));
    // A path where nothing is may be a password given in its place: it is
    // not repeated. One that is there is named.
    dir.htpass()
        .args(["hash", "--password-file", "missing"])
        .assert()
        .code(1)
        .stderr(contains("missing").not().and(contains("--password-file")));
    fs::create_dir(dir.path("a-directory")).unwrap();
    dir.htpass()
        .args(["hash", "--password-file", "a-directory"])
        .assert()
        .code(1)
        .stderr(contains("a-directory").and(contains("--password-file")));
}

#[test]
fn password_argument_warns_once_that_ps_shows_it() {
    let assert = crate::util::htpass()
        .args(["hash", "-a", "apr1", "--password", SECRET])
        .assert()
        .code(0);
    let stderr = stderr_of(&assert);
    assert_eq!(stderr.matches("htpass: warning:").count(), 1, "{stderr}");
    assert!(stderr.contains("ps"));
    assert!(!stderr.contains(SECRET));
    // A value that looks like an option is still the password.
    let assert = crate::util::htpass()
        .args(["hash", "-a", "apr1", "-p", "-dash"])
        .assert()
        .code(0);
    assert!(verifies(stdout_of(&assert).trim_end().as_bytes(), "-dash"));
}

#[test]
fn two_password_sources_conflict() {
    crate::util::htpass()
        .args(["hash", "-p", "x", "--password-stdin"])
        .assert()
        .code(2);
    crate::util::htpass()
        .args([
            "verify",
            "f",
            "u",
            "--password-env",
            "A",
            "--password-file",
            "B",
        ])
        .assert()
        .code(2);
}

/// Runs htpass with a stdin pipe that stays open and is never written: the
/// contract says to fail at once, never to wait on it.
fn run_with_open_stdin(args: &[&str], dir: &TestDir) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_htpass"))
        .args(args)
        .current_dir(dir.path(""))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    let output = wait_with_timeout(child);
    drop(stdin);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn wait_with_timeout(mut child: std::process::Child) -> std::process::Output {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("htpass did not finish within 10 s");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn no_terminal_and_no_source_exits_2_at_once_naming_the_options() {
    let dir = TestDir::new();
    let path = dir.write("users", entry("alice", "a"));
    let before = dir.read("users");
    for args in [
        &["add", "users", "bob"][..],
        &["add", "users", "alice"],
        &["create", "new", "bob"],
        &["hash", "bob"],
        &["hash"],
        &["verify", "users", "alice"],
    ] {
        let start = Instant::now();
        let (code, stderr) = run_with_open_stdin(args, &dir);
        assert!(start.elapsed() < Duration::from_secs(5), "{args:?} waited");
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("htpass: "), "{stderr}");
        for option in [
            "--password-stdin",
            "--password-env",
            "--password-file",
            "--password",
        ] {
            assert!(stderr.contains(option), "{args:?}: {stderr}");
        }
        assert_eq!(
            stderr.contains("--generate"),
            args[0] != "verify",
            "{stderr}"
        );
    }
    assert_eq!(fs::read(&path).unwrap(), before);
    assert!(!dir.path("new").exists());
}

/// Runs `htpass ARGS` on a pseudo-terminal made by util-linux `script`, with
/// `input` typed into it; returns htpass's exit code and what the terminal
/// showed. `wrapper` goes in front of the program (e.g. `setsid --wait`).
fn run_on_a_terminal(wrapper: &str, args: &[&str], input: &str) -> (Option<i32>, String) {
    let quote = |word: &str| format!("'{}'", word.replace('\'', "'\\''"));
    let mut line = format!("{wrapper} {}", quote(env!("CARGO_BIN_EXE_htpass")));
    for arg in args {
        line.push(' ');
        line.push_str(&quote(arg));
    }
    let mut child = Command::new("script")
        .args(["--quiet", "--return", "--command", &line, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, input.as_bytes()).unwrap();
    drop(stdin);
    let output = wait_with_timeout(child);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn the_prompt_asks_twice_to_set_a_password() {
    let dir = TestDir::new();
    let path = dir.path("users");
    let path = path.to_str().unwrap();
    let (code, screen) = run_on_a_terminal("", &["add", path, "alice", "-C", "4"], "pw\npw\n");
    assert_eq!(code, Some(0), "{screen}");
    assert!(screen.contains("New password for alice: "), "{screen}");
    assert!(
        screen.contains("Re-type new password for alice: "),
        "{screen}"
    );
    assert!(file_verifies(&dir.path("users"), "alice", "pw"));
}

#[test]
fn prompt_entries_that_differ_exit_3_and_change_nothing() {
    let dir = TestDir::new();
    let path = dir.write("users", entry("alice", "old"));
    let before = dir.read("users");
    let (code, screen) = run_on_a_terminal(
        "",
        &["add", path.to_str().unwrap(), "alice", "-C", "4"],
        "new\nnew-typo\n",
    );
    assert_eq!(code, Some(3), "{screen}");
    assert!(
        screen.contains("htpass: the two passwords typed differ"),
        "{screen}"
    );
    assert_eq!(dir.read("users"), before);
}

#[test]
fn verify_prompts_once() {
    let dir = TestDir::new();
    let path = dir.write("users", entry("alice", "pw"));
    let (code, screen) =
        run_on_a_terminal("", &["verify", path.to_str().unwrap(), "alice"], "pw\n");
    assert_eq!(code, Some(0), "{screen}");
    assert_eq!(
        screen.matches("Password for alice: ").count(),
        1,
        "{screen}"
    );
    assert!(!screen.contains("Re-type"));
}

#[test]
fn a_terminal_stdin_without_a_controlling_terminal_exits_2() {
    // setsid drops the controlling terminal (as cron, CI and systemd run
    // programs), so /dev/tty cannot be opened although stdin is a terminal.
    let (code, screen) = run_on_a_terminal("setsid --wait", &["hash", "alice"], "pw\n");
    assert_eq!(code, Some(2), "{screen}");
    assert!(screen.contains("no terminal to prompt on"), "{screen}");
    assert!(screen.contains("--password-stdin"), "{screen}");
}

#[test]
fn the_password_never_appears_in_messages() {
    let dir = TestDir::new();
    dir.write(
        "users",
        [entry("alice", "a"), b"plain:Zq9-unique-secret\n".to_vec()].concat(),
    );
    let long = format!("{SECRET}{}", "x".repeat(80));
    let runs: Vec<(Vec<&str>, &str)> = vec![
        (vec!["verify", "users", "alice", "--password-stdin"], SECRET),
        (vec!["verify", "users", "plain", "--password-stdin"], SECRET),
        (
            vec!["verify", "users", "nobody", "--password-stdin"],
            SECRET,
        ),
        (
            vec!["add", "users", "alice", "--no-update", "--password-stdin"],
            SECRET,
        ),
        (vec!["add", "users", "a:b", "--password-stdin"], SECRET),
        (
            vec!["add", "users", "bob", "-C", "4", "--password-stdin"],
            &long,
        ),
        (
            vec!["hash", "-a", "sha256", "-C", "4", "--password-stdin"],
            SECRET,
        ),
        (vec!["create", "users", "bob", "--password-stdin"], SECRET),
        (
            vec!["add", "users", "alice", "-C", "4", "--password-stdin"],
            SECRET,
        ),
    ];
    for (args, password) in runs {
        let assert = dir
            .htpass()
            .args(&args)
            .write_stdin(format!("{password}\n"))
            .assert();
        let output = assert.get_output();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains(SECRET), "{args:?}: {stderr}");
        assert!(
            !String::from_utf8_lossy(&output.stdout).contains(SECRET),
            "{args:?}"
        );
    }
}

#[test]
fn errors_say_htpass_and_what_to_do() {
    let dir = TestDir::new();
    dir.write("users", entry("alice", "a"));
    let assert = dir
        .htpass()
        .args(["verify", "users", "bob", "-p", "x"])
        .assert()
        .code(6);
    let stderr = stderr_of(&assert);
    assert!(stderr.starts_with("htpass: "), "{stderr}");
    assert!(stderr.contains("htpass list"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

// ------------------------------------------------------------------ small traps (issue 11 item 11)

/// `-` is standard input for `list`: `cat f | htpass list -`.
#[test]
fn list_dash_reads_standard_input() {
    let file = [entry("alice", "a"), b"# note\n".to_vec(), entry("bob", "b")].concat();
    crate::util::htpass()
        .args(["list", "-"])
        .write_stdin(file.clone())
        .assert()
        .code(0)
        .stdout("alice\nbob\n");
    let dir = TestDir::new();
    // A file named `-` is still reachable as `./-`.
    dir.write("-", entry("carol", "c"));
    dir.htpass()
        .args(["list", "./-"])
        .assert()
        .code(0)
        .stdout("carol\n");
}

/// `-` is standard input for `check`: `kubectl get secret basic-auth -o
/// jsonpath='{.data.auth}' | base64 -d | htpass check -`.
#[test]
fn check_dash_reads_standard_input() {
    let encoded = base64::engine::general_purpose::STANDARD.encode(entry("alice", "a"));
    let decoded = Command::new("bash")
        .args(["-c", &format!("printf %s '{encoded}' | base64 -d")])
        .output()
        .expect("bash and base64 (coreutils) run");
    crate::util::htpass()
        .args(["check", "-"])
        .write_stdin(decoded.stdout)
        .assert()
        .code(0);
    crate::util::htpass()
        .args(["check", "-"])
        .write_stdin("alice:{SHA}short\ngarbage\n")
        .assert()
        .code(7)
        .stdout(contains(":2: error"));
}

/// `-` is standard input for `export`.
#[test]
fn export_dash_reads_standard_input() {
    let file = entry("alice", "a");
    let assert = crate::util::htpass()
        .args(["export", "-", "--format", "json"])
        .write_stdin(file.clone())
        .assert()
        .code(0);
    let exported: serde_json::Value = serde_json::from_str(&stdout_of(&assert)).unwrap();
    assert_eq!(exported[0]["user"], "alice");
    let assert = crate::util::htpass()
        .args(["export", "-", "--format", "k8s-secret"])
        .write_stdin(file.clone())
        .assert()
        .code(0);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&file);
    assert!(
        stdout_of(&assert).contains(&encoded),
        "{}",
        stdout_of(&assert)
    );
}

/// The regression: `-p --password-env PW` set the password to the literal
/// `--password-env` (and left `PW` to be read as something else). A `-p`
/// or `--password` value that is one of htpass's option names, or starts
/// with `--` and names one, is refused (exit 2) without repeating it; the
/// message says how to give such a password on purpose, and that way works.
#[test]
fn a_password_value_that_names_an_option_is_refused() {
    let dir = TestDir::new();
    for args in [
        &["hash", "-p", "--password-env", "PW"][..],
        &["hash", "--password", "--password-env", "PW"],
        &["hash", "-p", "--password-env=PW"],
        &["hash", "-p", "--generate"],
        &["hash", "-p", "-a", "sha1"],
        &["hash", "-p", "--help"],
        &["add", "users", "alice", "-p", "--password-stdin"],
        &[
            "create",
            "users",
            "alice",
            "-fp",
            "--password-file",
            "pw.txt",
        ],
        &["verify", "users", "alice", "-p", "--allow-plain"],
    ] {
        let assert = dir.htpass().args(args).assert().code(2).stdout("");
        let stderr = stderr_of(&assert);
        assert!(stderr.starts_with("htpass: "), "{args:?}: {stderr}");
        assert!(stderr.contains("--password=VALUE"), "{args:?}: {stderr}");
        let value = args[args
            .iter()
            .position(|a| a.ends_with('p') || *a == "--password")
            .unwrap()
            + 1];
        assert!(
            !stderr.contains(value),
            "{args:?} repeated {value}: {stderr}"
        );
    }
    assert!(dir.names().is_empty());
    // On purpose, attached: that is the password.
    for args in [
        &["hash", "-a", "sha1", "--password=--password-env"][..],
        &["hash", "-a", "sha1", "-p--password-env"],
    ] {
        let assert = dir.htpass().args(args).assert().code(0);
        assert!(verifies(
            stdout_of(&assert).trim_end().as_bytes(),
            "--password-env"
        ));
    }
}

/// The regression: `--password-env` kept a trailing newline that
/// `--password-stdin` strips, so the same secret hashed two ways. Now every
/// source gives the same password for the same secret: one trailing `\n` or
/// `\r\n` is not part of it, from standard input, a file, a variable or
/// `-p` alike (sha1 is unsalted, so equal passwords print equal hashes).
#[test]
fn every_password_source_gives_the_same_password_for_the_same_secret() {
    let dir = TestDir::new();
    let hash_with = |args: &[&str], env: Option<&str>, stdin: &str| -> String {
        let mut command = dir.htpass();
        command
            .args(["hash", "-a", "sha1"])
            .args(args)
            .write_stdin(stdin);
        if let Some(value) = env {
            command.env("HTPASS_TEST_PASSWORD", value);
        }
        let assert = command.assert().code(0);
        stdout_of(&assert)
    };
    let expected = hash_with(&["-p", "s3cret"], None, "");
    for ending in ["", "\n", "\r\n"] {
        let secret = format!("s3cret{ending}");
        dir.write("pw.txt", &secret);
        let runs = [
            hash_with(&["--password-stdin"], None, &secret),
            hash_with(&["--password-file", "pw.txt"], None, ""),
            hash_with(
                &["--password-env", "HTPASS_TEST_PASSWORD"],
                Some(&secret),
                "",
            ),
            hash_with(&["-p", &secret], None, ""),
            hash_with(&[&format!("--password={secret}")], None, ""),
        ];
        for (i, hashed) in runs.iter().enumerate() {
            assert_eq!(hashed, &expected, "source {i} with {ending:?}");
        }
    }
    // Only one line ending goes, from every source.
    let two = hash_with(
        &["--password-env", "HTPASS_TEST_PASSWORD"],
        Some("s3cret\n\n"),
        "",
    );
    assert_ne!(two, expected);
    assert_eq!(two, hash_with(&["-p", "s3cret\n\n"], None, ""));
}

/// The regression: the hidden `manpages` command was offered by every
/// completion script.
#[test]
fn completion_scripts_never_offer_the_hidden_manpages_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let assert = crate::util::htpass()
            .args(["completions", shell])
            .assert()
            .code(0);
        let script = stdout_of(&assert);
        assert!(script.contains("completions"), "{shell}");
        assert!(!script.contains("manpages"), "{shell} offers manpages");
    }
    for file in [
        "htpass.bash",
        "_htpass",
        "htpass.fish",
        "htpass.elv",
        "_htpass.ps1",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("completions")
            .join(file);
        assert!(
            !fs::read_to_string(&path).unwrap().contains("manpages"),
            "{file}"
        );
    }
}

/// The regression: `delete --ignore-missing` of a file that is not there
/// failed (exit 1). Nothing to delete is what --ignore-missing accepts: exit
/// 0, and no file is created.
#[test]
fn delete_ignore_missing_on_a_missing_file_does_nothing() {
    let dir = TestDir::new();
    let assert = dir
        .htpass()
        .args(["delete", "users", "alice", "bob", "--ignore-missing"])
        .assert()
        .code(0)
        .stdout("");
    let stderr = stderr_of(&assert);
    assert!(
        stderr.contains("users") && stderr.contains("nothing to delete"),
        "{stderr}"
    );
    assert!(dir.names().is_empty());
}
