//! `htpass add FILE --batch`: every line checked before anything is written,
//! hashed in parallel, written once, idempotent per user.

use std::fs;
use std::os::unix::fs::MetadataExt;

use crate::util::{TestDir, file_verifies};

/// A batch at bcrypt cost 4, so that tests stay quick.
fn batch(dir: &TestDir, file: &str, input: &str) -> assert_cmd::Command {
    let mut command = dir.htpass();
    command
        .args(["add", file, "--batch", "-C", "4"])
        .write_stdin(input.to_owned());
    command
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_batch_creates_the_file_with_every_user() {
    let dir = TestDir::new();
    let output = batch(
        &dir,
        "users",
        "alice:one\nbob:two:with colon\r\n\n# note\ncarol:thr ee\n",
    )
    .output()
    .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("created users"), "{stderr}");
    assert!(
        stderr.contains("3 added, 0 updated, 0 unchanged"),
        "{stderr}"
    );
    let path = dir.path("users");
    assert!(file_verifies(&path, "alice", "one"));
    assert!(file_verifies(&path, "bob", "two:with colon"));
    assert!(file_verifies(&path, "carol", "thr ee"));
    let text = String::from_utf8(dir.read("users")).unwrap();
    let users: Vec<&str> = text.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(users, ["alice", "bob", "carol"], "input order is kept");
    assert!(text.lines().all(|line| line.contains(":$2y$04$")), "{text}");
}

#[test]
fn a_repeated_batch_changes_nothing() {
    let dir = TestDir::new();
    let input = "alice:one\nbob:two\n";
    batch(&dir, "users", input).assert().success();
    let before = dir.read("users");
    let inode = fs::metadata(dir.path("users")).unwrap().ino();
    let output = batch(&dir, "users", input).output().unwrap();
    assert!(output.status.success());
    assert!(
        stderr_of(&output).contains("0 added, 0 updated, 2 unchanged"),
        "{}",
        stderr_of(&output)
    );
    assert_eq!(dir.read("users"), before);
    assert_eq!(
        fs::metadata(dir.path("users")).unwrap().ino(),
        inode,
        "an unchanged file is not rewritten"
    );
    // --rehash makes new salts for everyone.
    batch(&dir, "users", input)
        .arg("--rehash")
        .assert()
        .success();
    assert_ne!(dir.read("users"), before);
    assert!(file_verifies(&dir.path("users"), "alice", "one"));
}

#[test]
fn a_batch_updates_and_adds_and_keeps_every_other_byte() {
    let dir = TestDir::new();
    dir.write(
        "users",
        "# team\r\nalice:{SHA}old\n\n  \n# not an entry\nzed:$apr1$x$y\nalice:dup",
    );
    let output = batch(&dir, "users", "alice:new\nbob:b\n").output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("1 added, 1 updated, 0 unchanged"));
    let text = String::from_utf8(dir.read("users")).unwrap();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    assert_eq!(lines[0], "# team\r\n");
    assert!(lines[1].starts_with("alice:$2y$04$"));
    assert_eq!(&lines[2..5], ["\n", "  \n", "# not an entry\n"]);
    assert_eq!(lines[5], "zed:$apr1$x$y\n");
    // The duplicate is replaced too, and gets the line ending it lacked.
    assert!(lines[6].starts_with("alice:$2y$04$") && lines[6].ends_with('\n'));
    assert!(lines[7].starts_with("bob:$2y$04$"));
    assert_eq!(lines.len(), 8);
    assert!(file_verifies(&dir.path("users"), "alice", "new"));
}

/// Each bad line: its exit code, the words its message must hold, and the
/// file left exactly as it was.
#[test]
fn a_bad_line_is_named_and_nothing_is_written() {
    let long_password = "p".repeat(73);
    let long_user = "u".repeat(256);
    let cases: Vec<(String, i32, &str)> = vec![
        ("ok:1\nno-colon\n".into(), 2, "line 2: no ':'"),
        ("ok:1\nempty:\n".into(), 2, "line 2: the password is empty"),
        (
            "ok:1\nx:1\nok:2\n".into(),
            2,
            "line 3: user ok is also on line 1",
        ),
        ("ok:1\n:pw\n".into(), 6, "line 2: the user name is empty"),
        ("ok:1\nbad\tname:pw\n".into(), 6, "line 2: the user name"),
        (
            format!("{long_user}:pw\n"),
            5,
            "line 1: the user name is 256 bytes",
        ),
        (
            format!("ok:1\nlong:{long_password}\n"),
            5,
            "line 2: the password is 73 bytes",
        ),
        ("\n# nothing\n".into(), 2, "holds no user:password lines"),
        (String::new(), 2, "holds no user:password lines"),
    ];
    for (input, code, words) in cases {
        let dir = TestDir::new();
        dir.write("users", "keep:me\n");
        let output = batch(&dir, "users", &input).output().unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(code), "{input:?}: {stderr}");
        assert!(stderr.contains(words), "{input:?}: {stderr}");
        assert!(stderr.contains("standard input"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(dir.read("users"), b"keep:me\n", "{input:?}");
        assert_eq!(dir.names(), ["users"], "nothing left beside the file");
        // No password of the batch reaches a message.
        for secret in ["pw\n", &long_password] {
            assert!(
                !stderr.contains(secret.trim_end()) || secret == "pw\n",
                "{stderr}"
            );
        }
    }
    // And a missing file is not created.
    let dir = TestDir::new();
    batch(&dir, "users", "ok:1\nbad").assert().code(2);
    assert!(dir.names().is_empty());
}

#[test]
fn passwords_never_reach_stdout_or_stderr() {
    let dir = TestDir::new();
    let secrets = ["Sup3rSecretOne", "Sup3rSecretTwo"];
    for input in [
        format!("alice:{}\nbob:{}\n", secrets[0], secrets[1]),
        format!("alice:{}\nbob\n", secrets[0]),
        format!("alice:{}\nalice:{}\n", secrets[0], secrets[1]),
    ] {
        let output = batch(&dir, "users", &input).output().unwrap();
        let all = [output.stdout, output.stderr].concat();
        let all = String::from_utf8_lossy(&all);
        for secret in secrets {
            assert!(!all.contains(secret), "{all}");
        }
    }
}

#[test]
fn no_update_refuses_a_present_user_and_writes_nothing() {
    let dir = TestDir::new();
    dir.write("users", "bob:{SHA}x\n");
    let output = batch(&dir, "users", "alice:a\nbob:b\n")
        .arg("--no-update")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("user bob already exists"));
    assert_eq!(dir.read("users"), b"bob:{SHA}x\n");
}

#[test]
fn lines_can_come_from_a_file() {
    let dir = TestDir::new();
    dir.write("team.txt", "alice:one\nbob:two\n");
    dir.htpass()
        .args([
            "add", "users", "--batch", "--from", "team.txt", "-a", "sha256",
        ])
        .assert()
        .success();
    assert!(file_verifies(&dir.path("users"), "bob", "two"));
    let output = dir
        .htpass()
        .args(["add", "users", "--batch", "--from", "missing.txt"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output).contains("missing.txt"),
        "{}",
        stderr_of(&output)
    );
}

/// Windows editors (Notepad, PowerShell's `Out-File -Encoding utf8`) start
/// a file with a UTF-8 byte-order mark. It is not part of the first user's
/// name: it is dropped, as a CR before a line end is, from standard input
/// and from `--from` alike.
#[test]
fn a_byte_order_mark_at_the_start_of_the_list_is_dropped() {
    for (input, users) in [
        ("\u{feff}alice:one\r\nbob:two\r\n", &["alice", "bob"][..]),
        ("\u{feff}# team\nalice:one\n", &["alice"]),
        ("\u{feff}\nalice:one\n", &["alice"]),
    ] {
        for from_file in [false, true] {
            let dir = TestDir::new();
            let output = if from_file {
                dir.write("team.txt", input);
                dir.htpass()
                    .args(["add", "users", "--batch", "-C", "4", "--from", "team.txt"])
                    .output()
                    .unwrap()
            } else {
                batch(&dir, "users", input).output().unwrap()
            };
            assert!(output.status.success(), "{input:?}: {}", stderr_of(&output));
            let text = String::from_utf8(dir.read("users")).unwrap();
            let names: Vec<&str> = text.lines().map(|l| l.split(':').next().unwrap()).collect();
            assert_eq!(names, users, "{input:?} (--from: {from_file})");
            assert!(file_verifies(&dir.path("users"), "alice", "one"));
        }
    }
    // Only at the very start: elsewhere it is a character in a name, which
    // a person cannot see, and the line is refused.
    let dir = TestDir::new();
    dir.write("users", "keep:me\n");
    let output = batch(&dir, "users", "alice:one\n\u{feff}bob:two\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(6), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("line 2") && stderr.contains("U+FEFF"),
        "{stderr}"
    );
    assert_eq!(dir.read("users"), b"keep:me\n");
}

#[test]
fn batch_conflicts_with_a_user_and_a_password() {
    let dir = TestDir::new();
    for args in [
        &["add", "users", "alice", "--batch"][..],
        &["add", "users", "--batch", "-p", "x"],
        &["add", "users", "--batch", "--generate"],
        &["add", "users", "--batch", "--format", "json"],
        &["add", "users", "alice", "--from", "f"],
    ] {
        dir.htpass().args(args).assert().code(2);
    }
    assert!(dir.names().is_empty());
}

#[test]
fn a_large_batch_keeps_every_user_with_its_own_password() {
    let dir = TestDir::new();
    let input: String = (0..200)
        .map(|i| format!("user{i}:password-{i}\n"))
        .collect();
    batch(&dir, "users", &input).assert().success();
    let path = dir.path("users");
    for i in (0..200).step_by(7) {
        assert!(file_verifies(
            &path,
            &format!("user{i}"),
            &format!("password-{i}")
        ));
        assert!(!file_verifies(
            &path,
            &format!("user{i}"),
            &format!("password-{}", i + 1)
        ));
    }
    assert_eq!(
        dir.read("users").iter().filter(|&&b| b == b'\n').count(),
        200
    );
}

#[test]
fn a_batch_of_sha1_warns_once() {
    let dir = TestDir::new();
    let output = dir
        .htpass()
        .args(["add", "users", "--batch", "-a", "sha1"])
        .write_stdin("a:1\nb:2\nc:3\n")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(stderr_of(&output).matches("insecure").count(), 1);
}

/// On a terminal a long batch shows its progress on stderr (`script` gives
/// the command a pseudo-terminal); piped, as in CI logs, it stays silent.
#[test]
fn a_long_batch_shows_progress_only_on_a_terminal() {
    let dir = TestDir::new();
    let input: String = (0..40).map(|i| format!("user{i}:password-{i}\n")).collect();
    dir.write("team.txt", &input);
    let command = format!(
        "{} add users --batch --from team.txt -C 4",
        env!("CARGO_BIN_EXE_htpass")
    );
    let output = std::process::Command::new("script")
        .args(["--quiet", "--return", "--command", &command, "/dev/null"])
        .current_dir(dir.path(""))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script (util-linux) runs: apt-get install util-linux bsdutils");
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{shown}");
    assert!(shown.contains("/40 users"), "no progress shown: {shown:?}");
    assert!(shown.contains("40 added"), "{shown:?}");

    let piped = batch(&dir, "again", &input).output().unwrap();
    assert!(piped.status.success());
    assert_eq!(
        stderr_of(&piped),
        "created again\n40 added, 0 updated, 0 unchanged\n"
    );
}
