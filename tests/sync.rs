//! `htpass sync FILE --from PATH|-` (cli.md "sync: the whole file,
//! declared") against the real file store: exactly the listed users,
//! unchanged entries byte for byte, one write or none, `--check` (exit 8),
//! `--dry-run`, JSON, every input line checked first, a sync racing an
//! `add`, a 10k-entry file, and the README's recipes.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use htpass::Password;
use htpass::hash::{self, Params};

use crate::util::{self, TestDir, file_verifies, lines, stored_hash, verifies};

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `htpass sync FILE --from users.txt` with `list` as users.txt, at bcrypt
/// cost 4 unless `extra` chooses another algorithm.
fn sync(dir: &TestDir, file: &str, list: &str, extra: &[&str]) -> Output {
    dir.write("users.txt", list);
    let mut command = dir.htpass();
    command.args(["sync", file, "--from", "users.txt"]);
    if !extra.iter().any(|arg| *arg == "-a" || *arg == "-C") {
        command.args(["-C", "4"]);
    }
    command.args(extra).output().expect("run htpass sync")
}

/// Runs `sync` and fails with its stderr unless it exited `code`.
fn sync_ok(dir: &TestDir, file: &str, list: &str, extra: &[&str], code: i32) -> String {
    let output = sync(dir, file, list, extra);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    util::assert_no_panic(&output, "htpass sync");
    stderr
}

fn bcrypt4(password: &str) -> String {
    let params = Params::Bcrypt {
        variant: hash::BcryptVariant::TwoY,
        cost: hash::BcryptCost::new(4).unwrap(),
    };
    String::from_utf8(hash::hash_password(&Password::from(password), &params).unwrap()).unwrap()
}

/// The users of an htpasswd file, in order (one per entry line).
fn users_of(file: &[u8]) -> Vec<String> {
    lines(file)
        .into_iter()
        .filter_map(|line| {
            let line = util::chomp(line);
            let colon = line.iter().position(|&b| b == b':')?;
            (!line.starts_with(b"#")).then(|| String::from_utf8_lossy(&line[..colon]).into_owned())
        })
        .collect()
}

/// What identifies FILE's version on disk: its inode and mtime.
fn identity(path: &Path) -> (u64, SystemTime) {
    let metadata = fs::metadata(path).unwrap();
    (metadata.ino(), metadata.modified().unwrap())
}

#[test]
fn a_missing_file_is_created_with_the_listed_users_in_order() {
    let dir = TestDir::new();
    let stderr = sync_ok(&dir, "htpasswd", "carol:c\nalice:a b\nbob:b:c\n", &[], 0);
    assert!(stderr.contains("created htpasswd"), "{stderr}");
    for user in ["added carol", "added alice", "added bob", "0 unchanged"] {
        assert!(stderr.contains(user), "{stderr}");
    }
    let file = dir.read("htpasswd");
    assert_eq!(users_of(&file), ["carol", "alice", "bob"]);
    let path = dir.path("htpasswd");
    assert!(file_verifies(&path, "alice", "a b"));
    assert!(file_verifies(&path, "bob", "b:c"));
    assert!(
        String::from_utf8(file)
            .unwrap()
            .lines()
            .all(|l| l.contains(":$2y$04$"))
    );
}

#[test]
fn a_file_in_the_declared_state_is_not_written_at_all() {
    let dir = TestDir::new();
    let list = "alice:one\nbob:two\n";
    sync_ok(&dir, "htpasswd", list, &[], 0);
    let path = dir.path("htpasswd");
    let before = dir.read("htpasswd");
    let identity_before = identity(&path);
    // mtime has a granularity: give a rewrite a chance to show.
    thread::sleep(Duration::from_millis(20));
    let stderr = sync_ok(&dir, "htpasswd", list, &[], 0);
    assert!(stderr.contains("2 unchanged"), "{stderr}");
    assert!(
        !stderr.contains("added") && !stderr.contains("updated"),
        "{stderr}"
    );
    assert_eq!(dir.read("htpasswd"), before);
    assert_eq!(identity(&path), identity_before, "inode and mtime kept");
    assert_eq!(
        dir.names(),
        ["htpasswd", "users.txt"],
        "nothing left beside it"
    );
}

/// The rules on one file: kept lines byte for byte (leading white space
/// and CRLF too), a changed password re-hashed where it was with its line
/// ending, a new user appended, an unlisted one removed (every entry),
/// comments and blank lines kept.
#[test]
fn each_rule_on_one_file() {
    let dir = TestDir::new();
    let keep = bcrypt4("same");
    let keep_line = format!("  keep:{keep}\r\n");
    let file = format!(
        "# team\r\nold:{}\n{keep_line}\n   \nchange:{}\r\n# end\nold:again",
        bcrypt4("o"),
        bcrypt4("before")
    );
    dir.write("htpasswd", &file);
    let stderr = sync_ok(&dir, "htpasswd", "change:after\nnew:n\nkeep:same\n", &[], 0);
    let after = dir.read("htpasswd");
    let got = lines(&after);
    assert_eq!(got[0], b"# team\r\n");
    assert_eq!(got[1], keep_line.as_bytes(), "kept byte for byte");
    assert_eq!(got[2], b"\n");
    assert_eq!(got[3], b"   \n");
    assert!(got[4].starts_with(b"change:$2y$04$") && got[4].ends_with(b"\r\n"));
    assert_eq!(got[5], b"# end\n");
    assert!(got[6].starts_with(b"new:$2y$04$") && got[6].ends_with(b"\n"));
    assert_eq!(got.len(), 7, "{}", String::from_utf8_lossy(&after));
    assert!(file_verifies(&dir.path("htpasswd"), "change", "after"));
    assert!(file_verifies(&dir.path("htpasswd"), "new", "n"));
    for line in ["added new", "updated change", "removed old", "1 unchanged"] {
        assert!(stderr.contains(line), "{stderr}");
    }
    assert_eq!(stderr.matches("removed old").count(), 1, "{stderr}");
    assert!(
        !stderr.contains("keep"),
        "an unchanged user is only counted"
    );
}

#[test]
fn keep_unlisted_keeps_every_other_user() {
    let dir = TestDir::new();
    let other = format!("other:{}\n", bcrypt4("x"));
    dir.write("htpasswd", &other);
    let stderr = sync_ok(&dir, "htpasswd", "alice:a\n", &["--keep-unlisted"], 0);
    assert!(!stderr.contains("removed"), "{stderr}");
    let after = dir.read("htpasswd");
    assert!(after.starts_with(other.as_bytes()));
    assert_eq!(users_of(&after), ["other", "alice"]);
}

/// A listed user with several entries ends with one: the first, kept when
/// it verifies (or replaced in place), the copies removed; it counts as
/// updated, since servers disagree on which copy wins.
#[test]
fn a_duplicated_listed_user_keeps_only_its_first_entry() {
    let dir = TestDir::new();
    let first = format!("alice:{}\n", bcrypt4("a"));
    dir.write(
        "htpasswd",
        format!("{first}bob:{}\nalice:{}\n", bcrypt4("b"), bcrypt4("z")),
    );
    let stderr = sync_ok(&dir, "htpasswd", "alice:a\nbob:b\n", &[], 0);
    assert!(stderr.contains("updated alice"), "{stderr}");
    let after = dir.read("htpasswd");
    assert!(after.starts_with(first.as_bytes()), "the first kept as is");
    assert_eq!(users_of(&after), ["alice", "bob"]);
    // Now it is in the declared state.
    sync_ok(&dir, "htpasswd", "alice:a\nbob:b\n", &["--check"], 0);
}

#[test]
fn rehash_gives_every_listed_user_a_new_hash() {
    let dir = TestDir::new();
    let list = "alice:a\nbob:b\n";
    sync_ok(&dir, "htpasswd", list, &[], 0);
    let before = dir.read("htpasswd");
    let stderr = sync_ok(&dir, "htpasswd", list, &["--rehash"], 0);
    assert!(stderr.contains("updated alice") && stderr.contains("updated bob"));
    let after = dir.read("htpasswd");
    for user in ["alice", "bob"] {
        assert_ne!(stored_hash(&before, user), stored_hash(&after, user));
    }
    assert!(file_verifies(&dir.path("htpasswd"), "bob", "b"));
}

/// The algorithm options are add's: a stored hash made otherwise is
/// replaced even when its password is right, and kept once it matches.
#[test]
fn algorithm_options_decide_what_matches() {
    let dir = TestDir::new();
    let list = "alice:a\n";
    sync_ok(&dir, "htpasswd", list, &[], 0);
    let stderr = sync_ok(&dir, "htpasswd", list, &["-C", "5"], 0);
    assert!(stderr.contains("updated alice"), "{stderr}");
    assert!(dir.read("htpasswd").starts_with(b"alice:$2y$05$"));
    sync_ok(
        &dir,
        "htpasswd",
        list,
        &["-C", "5", "--bcrypt-variant", "2b"],
        0,
    );
    assert!(dir.read("htpasswd").starts_with(b"alice:$2b$05$"));
    sync_ok(&dir, "htpasswd", list, &["-a", "sha512", "-r", "6000"], 0);
    assert!(dir.read("htpasswd").starts_with(b"alice:$6$rounds=6000$"));
    let stderr = sync_ok(&dir, "htpasswd", list, &["-a", "sha512", "-r", "6000"], 0);
    assert!(stderr.contains("1 unchanged"), "{stderr}");
    // Out of range, or an option the algorithm ignores: usage errors.
    sync_ok(&dir, "htpasswd", list, &["-C", "3"], 2);
    sync_ok(&dir, "htpasswd", list, &["-a", "apr1", "-r", "6000"], 2);
    // sha1 warns, as add does.
    let stderr = sync_ok(&dir, "htpasswd", list, &["-a", "sha1"], 0);
    assert!(stderr.contains("warning: sha1"), "{stderr}");
}

#[test]
fn check_exits_8_on_drift_and_0_in_state_and_changes_nothing() {
    let dir = TestDir::new();
    let list = "alice:a\nbob:b\n";
    sync_ok(&dir, "htpasswd", list, &[], 0);
    let path = dir.path("htpasswd");
    let before = dir.read("htpasswd");
    let identity_before = identity(&path);
    let stderr = sync_ok(&dir, "htpasswd", list, &["--check"], 0);
    assert!(stderr.contains("in the declared state"), "{stderr}");

    // Drift of every kind: a changed password, a new user, an unlisted one.
    fs::write(&path, [&before[..], b"extra:{SHA}x\n"].concat()).unwrap();
    let before = dir.read("htpasswd");
    let identity_before_check = identity(&path);
    let stderr = sync_ok(
        &dir,
        "htpasswd",
        "alice:A\ncarol:c\nbob:b\n",
        &["--check"],
        8,
    );
    for line in [
        "updated alice",
        "added carol",
        "removed extra",
        "1 unchanged",
    ] {
        assert!(stderr.contains(line), "{stderr}");
    }
    assert!(
        stderr.contains("htpasswd: not in the declared state (1 to add, 1 to update, 1 to remove)"),
        "{stderr}"
    );
    assert!(stderr.contains("without --check"), "{stderr}");
    assert_eq!(dir.read("htpasswd"), before);
    assert_eq!(identity(&path), identity_before_check);
    assert_ne!(identity_before, identity_before_check);

    // --keep-unlisted: the extra user is no drift.
    let stderr = sync_ok(&dir, "htpasswd", list, &["--check", "--keep-unlisted"], 0);
    assert!(stderr.contains("2 unchanged"), "{stderr}");

    // A missing file is drift, and is not created.
    let stderr = sync_ok(&dir, "missing", list, &["--check"], 8);
    assert!(stderr.contains("added alice"), "{stderr}");
    assert!(!dir.path("missing").exists());

    // --check with --rehash or --dry-run makes no sense: a usage error.
    sync_ok(&dir, "htpasswd", list, &["--check", "--rehash"], 2);
    sync_ok(&dir, "htpasswd", list, &["--check", "--dry-run"], 2);
}

#[test]
fn dry_run_touches_nothing_and_reports_what_sync_then_does() {
    let dir = TestDir::new();
    let file = format!(
        "alice:{}\nold:{}\nbob:{}\n",
        bcrypt4("a"),
        bcrypt4("o"),
        bcrypt4("b")
    );
    dir.write("htpasswd", &file);
    let path = dir.path("htpasswd");
    let identity_before = identity(&path);
    let list = "alice:a\nbob:B\nnew:n\n";
    let dry = sync(&dir, "htpasswd", list, &["--dry-run", "--format", "json"]);
    assert!(dry.status.success(), "{}", stderr_of(&dry));
    let dry_stderr = stderr_of(&dry);
    assert!(
        dry_stderr.contains("dry run: htpasswd was not changed"),
        "{dry_stderr}"
    );
    assert_eq!(dir.read("htpasswd"), file.as_bytes());
    assert_eq!(identity(&path), identity_before);
    assert_eq!(dir.names(), ["htpasswd", "users.txt"]);

    // The same report as the real run.
    let real = sync(&dir, "htpasswd", list, &["--format", "json"]);
    assert!(real.status.success(), "{}", stderr_of(&real));
    assert_eq!(dry.stdout, real.stdout);
    let without_note = |stderr: &str| -> Vec<String> {
        stderr
            .lines()
            .filter(|line| !line.starts_with("dry run"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(without_note(&dry_stderr), without_note(&stderr_of(&real)));

    // A missing file is not created.
    let output = sync(&dir, "missing", list, &["--dry-run"]);
    assert!(output.status.success());
    assert!(stderr_of(&output).contains("added new"));
    assert!(!dir.path("missing").exists());
}

fn json_of(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "not one JSON object ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[test]
fn json_reports_the_four_lists_with_exact_names() {
    let dir = TestDir::new();
    dir.write(
        "htpasswd",
        [
            format!("same:{}\nchange:{}\n", bcrypt4("s"), bcrypt4("c")).as_bytes(),
            b"\xff\xfeodd:{SHA}x\njo\xc3\xabl:{SHA}y\n",
        ]
        .concat(),
    );
    let output = sync(
        &dir,
        "htpasswd",
        "same:s\nchange:C\n\"quoted\\\":q\n",
        &["--format", "json"],
    );
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(output.stdout.last(), Some(&b'\n'));
    assert_eq!(output.stdout.iter().filter(|&&b| b == b'\n').count(), 1);
    let report = json_of(&output);
    assert_eq!(report["added"], serde_json::json!(["\"quoted\\\""]));
    assert_eq!(report["updated"], serde_json::json!(["change"]));
    assert_eq!(report["unchanged"], serde_json::json!(["same"]));
    assert_eq!(
        report["removed"],
        serde_json::json!(["\u{fffd}\u{fffd}odd", "jo\u{eb}l"])
    );
    let exact: Vec<Vec<u8>> = report["removed_base64"]
        .as_array()
        .expect("removed_base64 for a name that is not UTF-8")
        .iter()
        .map(|item| {
            base64::engine::general_purpose::STANDARD
                .decode(item.as_str().unwrap())
                .unwrap()
        })
        .collect();
    assert_eq!(
        exact,
        [b"\xff\xfeodd".to_vec(), "jo\u{eb}l".as_bytes().to_vec()]
    );
    assert!(report.get("added_base64").is_none());
    // For people, the name is escaped.
    assert!(
        stderr_of(&output).contains("removed \\xff\\xfeodd"),
        "{}",
        stderr_of(&output)
    );

    // Nothing to do: four lists all the same.
    let output = sync(
        &dir,
        "htpasswd",
        "same:s\n",
        &["--format", "json", "--check"],
    );
    assert_eq!(output.status.code(), Some(8));
    let report = json_of(&output);
    assert_eq!(report["unchanged"], serde_json::json!(["same"]));
    assert_eq!(report["added"], serde_json::json!([]));
}

/// Each bad list: its exit code and words; FILE is left as it was, and a
/// missing one is not created.
#[test]
fn a_bad_input_line_names_its_line_and_writes_nothing() {
    let long_password = "p".repeat(73);
    let cases: Vec<(Vec<u8>, i32, &str)> = vec![
        (b"ok:1\nno-colon\n".to_vec(), 2, "users.txt, line 2: no ':'"),
        (
            b"ok:1\nempty:\n".to_vec(),
            2,
            "line 2: the password is empty",
        ),
        (
            b"ok:1\nx:1\nok:2\n".to_vec(),
            2,
            "line 3: user ok is also on line 1",
        ),
        (b"ok:1\n:pw\n".to_vec(), 6, "line 2: the user name is empty"),
        (
            b"ok:1\nbad\x01name:pw\n".to_vec(),
            6,
            "line 2: the user name",
        ),
        (
            b"zw\xe2\x80\x8bsp:pw\n".to_vec(),
            6,
            "line 1: the user name contains U+200B",
        ),
        (
            format!("{}:pw\n", "u".repeat(256)).into_bytes(),
            5,
            "line 1: the user name is 256 bytes",
        ),
        (
            format!("ok:1\nlong:{long_password}\n").into_bytes(),
            5,
            "line 2: the password is 73 bytes",
        ),
        (
            b"ok:1\nnul:a\0b\n".to_vec(),
            2,
            "line 2: the password contains a NUL byte",
        ),
        (b"\n# nothing\n".to_vec(), 2, "holds no user:password lines"),
    ];
    for (list, code, words) in cases {
        let dir = TestDir::new();
        dir.write("htpasswd", "keep:{SHA}x\n");
        dir.write("users.txt", &list);
        let output = dir
            .htpass()
            .args(["sync", "htpasswd", "--from", "users.txt", "-C", "4"])
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        let what = String::from_utf8_lossy(&list);
        assert_eq!(output.status.code(), Some(code), "{what:?}: {stderr}");
        assert!(stderr.contains(words), "{what:?}: {stderr}");
        if stderr.contains(", line ") {
            assert!(stderr.contains("nothing was written"), "{what:?}: {stderr}");
        }
        assert!(!stderr.contains(&long_password), "{stderr}");
        assert_eq!(dir.read("htpasswd"), b"keep:{SHA}x\n", "{what:?}");
        let missing = dir
            .htpass()
            .args(["sync", "missing", "--from", "users.txt", "-C", "4"])
            .output()
            .unwrap();
        assert_eq!(missing.status.code(), Some(code));
        assert!(!dir.path("missing").exists(), "{what:?}");
    }
    // A list file that cannot be read.
    let dir = TestDir::new();
    let output = dir
        .htpass()
        .args(["sync", "htpasswd", "--from", "nope.txt"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output).contains("nope.txt"),
        "{}",
        stderr_of(&output)
    );
    assert!(dir.names().is_empty());
}

#[test]
fn a_file_that_is_not_an_htpasswd_file_is_refused_with_exit_7() {
    let dir = TestDir::new();
    let caddyfile = "example.com {\n\tbasic_auth {\n\t\tbob $2a$14$x\n\t}\n}\n";
    dir.write("Caddyfile", caddyfile);
    for extra in [&[][..], &["--check"], &["--dry-run"]] {
        let output = sync(&dir, "Caddyfile", "bob:b\n", extra);
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(7), "{extra:?}: {stderr}");
        assert!(stderr.contains("Caddyfile: line 1"), "{stderr}");
        assert_eq!(dir.read("Caddyfile"), caddyfile.as_bytes());
    }
    assert_eq!(dir.names(), ["Caddyfile", "users.txt"]);
}

/// The list from standard input, as a Windows editor or `kubectl` may give
/// it: a byte-order mark, CRLF endings.
#[test]
fn the_list_can_come_from_standard_input() {
    let dir = TestDir::new();
    let output = dir
        .htpass()
        .args(["sync", "htpasswd", "--from", "-", "-C", "4"])
        .write_stdin(&b"\xef\xbb\xbfalice:one\r\nbob:two\r\n"[..])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(users_of(&dir.read("htpasswd")), ["alice", "bob"]);
    assert!(file_verifies(&dir.path("htpasswd"), "alice", "one"));
    assert!(file_verifies(&dir.path("htpasswd"), "bob", "two"));
}

/// With --check, FILE may be `-`: what a Secret holds, piped in.
#[test]
fn check_reads_file_from_standard_input_and_only_then() {
    let dir = TestDir::new();
    let content = format!("alice:{}\n", bcrypt4("a"));
    dir.write("users.txt", "alice:a\n");
    let check = |list: &str| {
        dir.write("users.txt", list);
        dir.htpass()
            .args(["sync", "-", "--from", "users.txt", "--check", "-C", "4"])
            .write_stdin(content.clone())
            .output()
            .unwrap()
    };
    assert_eq!(check("alice:a\n").status.code(), Some(0));
    assert_eq!(check("alice:b\n").status.code(), Some(8));
    // Writing to standard input, or both from it, is a usage error.
    for args in [
        &["sync", "-", "--from", "users.txt"][..],
        &["sync", "-", "--from", "-", "--check"],
    ] {
        let output = dir.htpass().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr_of(&output).contains("standard input"));
    }
}

#[test]
fn passwords_never_reach_stdout_or_stderr() {
    let dir = TestDir::new();
    let secrets = ["Sup3rSecretOne", "Sup3rSecretTwo"];
    dir.write("htpasswd", "gone:{SHA}x\n");
    for (list, extra) in [
        (
            format!("alice:{}\nbob:{}\n", secrets[0], secrets[1]),
            &[][..],
        ),
        (
            format!("alice:{}\nbob:{}\n", secrets[1], secrets[0]),
            &["--check", "--format", "json"],
        ),
        (format!("alice:{}\nbob\n", secrets[0]), &[]),
    ] {
        let output = sync(&dir, "htpasswd", &list, extra);
        let all = String::from_utf8_lossy(&[output.stdout, output.stderr].concat()).into_owned();
        for secret in secrets {
            assert!(!all.contains(secret), "{all}");
        }
        assert!(!all.contains("$2y$"), "no hash either: {all}");
    }
}

/// A sync of a 10k-entry file: 9,990 entries kept byte for byte, 5
/// passwords changed in place, 5 users added, 5 removed; then the file is
/// in the declared state, and a second sync does not write it.
#[test]
fn a_sync_of_a_10k_entry_file() {
    const USERS: usize = 10_000;
    let dir = TestDir::new();
    let params = Params::default_for(hash::Algorithm::Sha1);
    let sha = |password: &str| {
        String::from_utf8(hash::hash_password(&Password::from(password), &params).unwrap()).unwrap()
    };
    let mut file = String::from("# ten thousand\n");
    let mut list = String::new();
    for i in 0..USERS {
        file.push_str(&format!("u{i:05}:{}\n", sha(&format!("p{i}"))));
        match i % 2000 {
            // Changed.
            7 => list.push_str(&format!("u{i:05}:new{i}\n")),
            // Not listed: removed.
            11 => {}
            _ => list.push_str(&format!("u{i:05}:p{i}\n")),
        }
    }
    for i in 0..5 {
        list.push_str(&format!("fresh{i}:f{i}\n"));
    }
    dir.write("htpasswd", &file);
    let started = std::time::Instant::now();
    let stderr = sync_ok(&dir, "htpasswd", &list, &["-a", "sha1"], 0);
    let took = started.elapsed();
    assert!(
        stderr.contains(&format!("{} unchanged", USERS - 10)),
        "{stderr}"
    );
    assert_eq!(
        stderr
            .lines()
            .filter(|line| line.starts_with("added "))
            .count(),
        5
    );
    assert_eq!(stderr.matches("updated u").count(), 5, "{stderr}");
    assert_eq!(stderr.matches("removed u").count(), 5, "{stderr}");

    let after = String::from_utf8(dir.read("htpasswd")).unwrap();
    let before_lines: Vec<&str> = file.lines().collect();
    let after_lines: Vec<&str> = after.lines().collect();
    assert_eq!(after_lines.len(), 1 + USERS - 5 + 5);
    // Every kept line is the old line, in the old order.
    let changed = |line: &str| {
        line.strip_prefix('u')
            .and_then(|rest| rest.get(..5))
            .and_then(|digits| digits.parse::<usize>().ok())
            .is_some_and(|i| matches!(i % 2000, 7 | 11))
    };
    let kept_before: Vec<&str> = before_lines
        .iter()
        .copied()
        .filter(|line| !changed(line))
        .collect();
    let old: std::collections::HashSet<&str> = before_lines.iter().copied().collect();
    let kept_after: Vec<&str> = after_lines
        .iter()
        .copied()
        .filter(|line| old.contains(line))
        .collect();
    assert_eq!(kept_after, kept_before);
    let path = dir.path("htpasswd");
    assert!(file_verifies(&path, "u00007", "new7"));
    assert!(file_verifies(&path, "fresh4", "f4"));
    assert!(!after.contains("u00011:"));
    eprintln!("sync of {USERS} entries took {took:?} (debug build)");

    let identity_before = identity(&path);
    let stderr = sync_ok(&dir, "htpasswd", &list, &["-a", "sha1", "--check"], 0);
    assert!(stderr.contains(&format!("{USERS} unchanged")), "{stderr}");
    sync_ok(&dir, "htpasswd", &list, &["-a", "sha1"], 0);
    assert_eq!(identity(&path), identity_before);
}

/// Starts `htpass ARGS` in `dir` with nothing on standard input.
fn start(dir: &TestDir, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_htpass"))
        .args(args)
        .current_dir(dir.path(""))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start htpass")
}

fn finish(child: std::process::Child, what: &str) {
    let output = child.wait_with_output().expect("wait for htpass");
    assert!(output.status.success(), "{what}: {}", stderr_of(&output));
}

/// A sync racing `htpass add` of another user, many rounds, each started
/// first in turn: with --keep-unlisted both changes are there afterwards;
/// without it the file is what one of the two serial orders gives (add then
/// sync: no x; sync then add: x too), never a mix, never a lost write.
#[test]
fn a_sync_racing_an_add_loses_neither_change() {
    const ROUNDS: usize = 12;
    const LISTED: usize = 4;
    let list: String = (0..LISTED).map(|i| format!("l{i}:new{i}\n")).collect();
    // Every listed user needs a new hash, so the sync spends a while (about
    // 0.2 s in a debug build) between its first read and its write.
    let initial: String = (0..LISTED)
        .map(|i| format!("l{i}:{}\n", bcrypt4(&format!("old{i}"))))
        .chain([format!("other:{}\n", bcrypt4("o"))])
        .collect();
    let mut orders = [0usize; 2];
    for keep_unlisted in [true, false] {
        for round in 0..ROUNDS {
            let dir = TestDir::new();
            dir.write("htpasswd", &initial);
            dir.write("users.txt", &list);
            let mut sync_args = vec!["sync", "htpasswd", "--from", "users.txt", "-C", "6"];
            if keep_unlisted {
                sync_args.push("--keep-unlisted");
            }
            let add_args = ["add", "htpasswd", "x", "-p", "xpw", "-C", "4"];
            // From at once to after the sync is done: the add lands before
            // the sync's first read, between its read and its write, while
            // it holds the lock, or after.
            let delay = Duration::from_millis((round / 2) as u64 * 45);
            let (sync, add) = if round % 2 == 0 {
                let sync = start(&dir, &sync_args);
                thread::sleep(delay);
                (sync, start(&dir, &add_args))
            } else {
                let add = start(&dir, &add_args);
                thread::sleep(delay);
                (start(&dir, &sync_args), add)
            };
            finish(sync, "sync");
            finish(add, "add");

            let after = dir.read("htpasswd");
            let users = users_of(&after);
            let listed: Vec<String> = (0..LISTED).map(|i| format!("l{i}")).collect();
            for (i, user) in listed.iter().enumerate() {
                let hash = stored_hash(&after, user).unwrap_or_else(|| panic!("{user} lost"));
                assert!(verifies(hash, &format!("new{i}")), "round {round}: {user}");
            }
            let has_x = users.iter().any(|user| user == "x");
            if has_x {
                assert!(file_verifies(&dir.path("htpasswd"), "x", "xpw"));
            }
            let mut expected = listed.clone();
            if keep_unlisted {
                assert!(has_x, "round {round}: the add was lost");
                expected.insert(LISTED, "other".to_owned());
                // x comes after the listed users and other either way.
                expected.push("x".to_owned());
            } else {
                orders[usize::from(has_x)] += 1;
                if has_x {
                    expected.push("x".to_owned());
                }
            }
            assert_eq!(
                users, expected,
                "round {round}, keep_unlisted {keep_unlisted}"
            );
            assert_eq!(
                dir.names(),
                ["htpasswd", "users.txt"],
                "nothing left beside it"
            );
        }
    }
    eprintln!(
        "without --keep-unlisted: add then sync {} times, sync then add {}",
        orders[0], orders[1]
    );
}

// ---------------------------------------------------------------------------
// The README's recipes (as tests/interop/readme.rs runs the others)
// ---------------------------------------------------------------------------

const README: &str = include_str!("../README.md");

/// The shell text of the block after `<!-- recipe: NAME -->`.
fn recipe(name: &str) -> String {
    let marker = format!("<!-- recipe: {name} -->");
    let after = README
        .split_once(&marker)
        .unwrap_or_else(|| panic!("README has no recipe {name}"))
        .1;
    let block = after
        .trim_start()
        .strip_prefix("```sh\n")
        .unwrap_or_else(|| panic!("recipe {name} is not followed by a sh block"));
    block
        .split_once("\n```")
        .unwrap_or_else(|| panic!("recipe {name}'s block does not end"))
        .0
        .to_owned()
}

/// Runs recipe NAME with bash (`set -euo pipefail`) in `dir`, our htpass
/// first on PATH; returns its exit code and stderr.
fn run_recipe(name: &str, dir: &TestDir) -> (i32, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_htpass"))
        .parent()
        .expect("the binary's directory");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = assert_cmd::Command::new("bash")
        .args(["-euo", "pipefail", "-c", &recipe(name)])
        .current_dir(dir.path(""))
        .env("PATH", path)
        .write_stdin(Vec::new())
        .timeout(util::TIMEOUT)
        .output()
        .expect("run bash");
    (output.status.code().unwrap_or(-1), stderr_of(&output))
}

/// The pipeline recipe makes the file from users.txt, and re-running it
/// writes nothing; the GitOps one passes then, and fails (exit 8) once
/// users.txt changes, until the pipeline runs again.
#[test]
fn readme_sync_recipes_run_as_written() {
    let dir = TestDir::new();
    dir.write("users.txt", "ci:ci s3cret$\ndeploy:deploy:pw\n");
    let (code, stderr) = run_recipe("sync", &dir);
    assert_eq!(code, 0, "{stderr}");
    let path = dir.path("auth/htpasswd");
    assert!(file_verifies(&path, "ci", "ci s3cret$"));
    assert!(file_verifies(&path, "deploy", "deploy:pw"));
    let identity_before = identity(&path);
    let (code, stderr) = run_recipe("sync", &dir);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(identity(&path), identity_before, "a re-run writes nothing");

    let (code, stderr) = run_recipe("sync-check", &dir);
    assert_eq!(code, 0, "{stderr}");
    dir.write("users.txt", "ci:rotated\n");
    let (code, stderr) = run_recipe("sync-check", &dir);
    assert_eq!(code, 8, "{stderr}");
    assert!(
        stderr.contains("updated ci") && stderr.contains("removed deploy"),
        "{stderr}"
    );
    run_recipe("sync", &dir);
    assert_eq!(run_recipe("sync-check", &dir).0, 0);
    assert!(file_verifies(&path, "ci", "rotated"));
    assert!(!file_verifies(&path, "deploy", "deploy:pw"));
}

#[test]
fn help_man_page_and_exit_code_table_know_sync() {
    let output = util::htpass().args(["sync", "--help"]).output().unwrap();
    assert!(output.status.success());
    // As one line: the help wraps to the terminal's width.
    let help = String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for words in [
        "--from <PATH>",
        "--keep-unlisted",
        "--dry-run",
        "--check",
        "--rehash",
        "--format <FORMAT>",
        "--algorithm",
        "--cost",
        "--rounds",
        "--bcrypt-variant",
        "exits 8",
        "byte for byte",
        "keeps the first",
        "8 --check: FILE is not in the declared state",
    ] {
        assert!(help.contains(words), "sync --help lacks {words:?}:\n{help}");
    }
    let output = util::htpass().arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(
        help.contains("8  sync --check: the file is not in the declared state"),
        "{help}"
    );
    assert!(help.contains("sync "), "{help}");
    let page = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("man/htpass-sync.1"))
        .expect("man/htpass-sync.1 (run HTPASS_BLESS=1 cargo test --locked generated)");
    assert!(page.contains("keep\\-unlisted"), "{page}");
    assert!(
        README.contains("| 8 |"),
        "the README's exit code table lacks 8"
    );
}
