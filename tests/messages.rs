//! Every failure message of `htpass` about a path is one whole line that
//! names the path, says what went wrong and what to do next (issue 11 item
//! 10): no bare OS error such as `create: No such file or directory`.

use std::fs::{self, Permissions};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use crate::util::TestDir;

/// Runs htpass with `args` in `dir`, as the unprivileged user when this
/// process is root (modes do not bind root); its exit code and stderr.
fn run(dir: &TestDir, args: &[&str], unprivileged: bool) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_htpass"));
    command
        .args(args)
        .current_dir(dir.path(""))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if unprivileged {
        command.uid(65534).gid(65534);
    }
    let output = command.output().expect("run htpass");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").is_ok_and(|metadata| metadata.uid() == 0)
}

/// The last line of stderr (a `-p` warning may come first): one line that
/// names `path`, holds each of `says`, and nothing after it.
fn assert_whole(stderr: &str, path: &str, says: &[&str], context: &str) {
    assert!(stderr.ends_with('\n'), "{context}: {stderr:?}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(&format!("htpass: {path}: ")),
        "{context}: names the file: {stderr}"
    );
    for part in says {
        assert!(
            last.contains(part),
            "{context}: does not say {part:?}: {stderr}"
        );
    }
}

#[test]
fn a_missing_directory_says_to_create_it() {
    let dir = TestDir::new();
    for args in [
        &["create", "nodir/f", "alice", "-p", "pw"][..],
        &["add", "nodir/f", "alice", "-p", "pw"],
    ] {
        let (code, stderr) = run(&dir, args, false);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert_whole(
            &stderr,
            "nodir/f",
            &["the directory nodir does not exist", "mkdir -p"],
            &format!("{args:?}"),
        );
        assert!(!dir.path("nodir").exists());
    }
}

#[test]
fn a_symbolic_link_loop_says_so_and_how_to_look() {
    let dir = TestDir::new();
    symlink("loop-b", dir.path("loop-a")).unwrap();
    symlink("loop-a", dir.path("loop-b")).unwrap();
    for args in [
        &["add", "loop-a", "alice", "-p", "pw"][..],
        &["delete", "loop-a", "alice"],
        &["list", "loop-a"],
        &["verify", "loop-a", "alice", "-p", "pw"],
        &["check", "loop-a"],
    ] {
        let (code, stderr) = run(&dir, args, false);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert_whole(
            &stderr,
            "loop-a",
            &["symbolic links", "ls -l"],
            &format!("{args:?}"),
        );
    }
}

#[test]
fn a_file_this_user_may_not_read_says_what_to_do() {
    let dir = TestDir::new();
    let file = dir.write("users", "alice:{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=\n");
    fs::set_permissions(&file, Permissions::from_mode(0o600)).unwrap();
    // Root reads anything: run as another user then, from a directory
    // that user may enter.
    let unprivileged = is_root();
    if unprivileged {
        fs::set_permissions(dir.path(""), Permissions::from_mode(0o755)).unwrap();
    } else {
        fs::set_permissions(&file, Permissions::from_mode(0o000)).unwrap();
    }
    for args in [
        &["list", "users"][..],
        &["verify", "users", "alice", "-p", "pw"],
        &["check", "users"],
        &["export", "users", "--format", "json"],
    ] {
        let (code, stderr) = run(&dir, args, unprivileged);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert_whole(
            &stderr,
            "users",
            &["may not read the file", "sudo"],
            &format!("{args:?}"),
        );
    }
    for args in [
        &["add", "users", "bob", "-p", "pw"][..],
        &["delete", "users", "alice"],
    ] {
        let (code, stderr) = run(&dir, args, unprivileged);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert_whole(
            &stderr,
            "users",
            &["may not write the file", "run as a user who may"],
            &format!("{args:?}"),
        );
    }
}
