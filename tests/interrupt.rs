//! SIGINT and SIGTERM while a program waits for a password: exit 4, the file
//! byte for byte as it was, and nothing left beside it (compat spec D23).

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::util::TestDir;

const ORIGINAL: &[u8] = b"# team\nbob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n";

/// Starts `program` with stdin an open pipe that never writes, so it waits
/// for a password until it is signalled.
fn waiting(dir: &TestDir, program: &str, args: &[&str]) -> Child {
    let mut command = Command::new(program);
    command
        .arg0(if program.ends_with("htpasswd") {
            "htpasswd"
        } else {
            "htpass"
        })
        .args(args)
        .current_dir(dir.path(""))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command.spawn().expect("start the program")
}

/// Waits until the program has said `ready` on stderr (or, when `ready` is
/// empty, a moment for it to start), signals it, and returns its exit code
/// and everything it wrote on stderr.
fn interrupt(mut child: Child, ready: &str, signal: &str) -> (Option<i32>, String) {
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    // Output is read by the thread; a prompt is written before the read
    // starts, so seeing it (or waiting briefly) means the watcher is running.
    thread::sleep(Duration::from_millis(if ready.is_empty() {
        500
    } else {
        300
    }));
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait for the program") {
            break status.code();
        }
        assert!(
            Instant::now() < deadline,
            "the program did not end after {signal}"
        );
        thread::sleep(Duration::from_millis(20));
    };
    drop(child.stdin.take());
    let text = reader.join().expect("stderr reader");
    assert!(ready.is_empty() || text.contains(ready), "stderr: {text:?}");
    (code, text)
}

fn assert_nothing_changed(dir: &TestDir) {
    assert_eq!(dir.read("users"), ORIGINAL);
    assert_eq!(
        dir.names(),
        ["users"],
        "nothing may be left beside the file"
    );
}

#[test]
fn d23_htpasswd_sigint_at_the_prompt_exits_4_and_changes_nothing() {
    let dir = TestDir::new();
    dir.write("users", ORIGINAL);
    let child = waiting(&dir, env!("CARGO_BIN_EXE_htpasswd"), &["users", "alice"]);
    let (code, stderr) = interrupt(child, "New password: ", "-INT");
    assert_eq!(code, Some(4), "stderr: {stderr}");
    assert!(
        stderr.ends_with("htpasswd: interrupted; no file was changed\n"),
        "{stderr:?}"
    );
    assert_nothing_changed(&dir);
}

#[test]
fn d23_htpasswd_sigterm_at_the_verify_prompt_exits_4() {
    let dir = TestDir::new();
    dir.write("users", ORIGINAL);
    let child = waiting(
        &dir,
        env!("CARGO_BIN_EXE_htpasswd"),
        &["-v", "users", "bob"],
    );
    let (code, stderr) = interrupt(child, "Enter password: ", "-TERM");
    assert_eq!(code, Some(4), "stderr: {stderr}");
    assert_nothing_changed(&dir);
}

#[test]
fn htpass_sigterm_while_reading_the_password_exits_4_and_changes_nothing() {
    let dir = TestDir::new();
    dir.write("users", ORIGINAL);
    let child = waiting(
        &dir,
        env!("CARGO_BIN_EXE_htpass"),
        &["add", "users", "alice", "--password-stdin"],
    );
    let (code, stderr) = interrupt(child, "", "-TERM");
    assert_eq!(code, Some(4), "stderr: {stderr}");
    assert_eq!(stderr, "htpass: interrupted; no file was changed\n");
    assert_nothing_changed(&dir);
}

#[test]
fn htpass_sigint_while_reading_the_password_for_a_new_file_creates_nothing() {
    let dir = TestDir::new();
    dir.write("users", ORIGINAL);
    let child = waiting(
        &dir,
        env!("CARGO_BIN_EXE_htpass"),
        &["add", "new-users", "alice", "--password-stdin"],
    );
    let (code, _) = interrupt(child, "", "-INT");
    assert_eq!(code, Some(4));
    assert_nothing_changed(&dir);
}
