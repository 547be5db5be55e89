//! SIGINT and SIGTERM while a program waits for a password: exit 4, the file
//! byte for byte as it was, and nothing left beside it (compat spec D23).

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
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

/// Waits until the program catches SIGINT and SIGTERM, signals it, and
/// returns its exit code and everything it wrote on stderr, which must
/// contain `ready` (the prompt, when there is one).
fn interrupt(mut child: Child, ready: &str, signal: &str) -> (Option<i32>, String) {
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let seen = Arc::clone(&seen);
        thread::spawn(move || {
            let mut chunk = [0u8; 256];
            while let Ok(n @ 1..) = stderr.read(&mut chunk) {
                seen.lock()
                    .expect("stderr buffer")
                    .extend_from_slice(&chunk[..n]);
            }
        })
    };
    wait_until_signals_are_caught(child.id());
    let deadline = Instant::now() + Duration::from_secs(20);
    while !String::from_utf8_lossy(&seen.lock().expect("stderr buffer")).contains(ready) {
        assert!(
            Instant::now() < deadline,
            "the program never said {ready:?}"
        );
        thread::sleep(Duration::from_millis(10));
    }
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
    reader.join().expect("stderr reader");
    let text = String::from_utf8_lossy(&seen.lock().expect("stderr buffer")).into_owned();
    (code, text)
}

/// Polls the kernel's record of caught signals, so the test signals only
/// once the handler is in place, however slow the machine.
fn wait_until_signals_are_caught(pid: u32) {
    const SIGINT_AND_SIGTERM: u64 = (1 << (2 - 1)) | (1 << (15 - 1));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let caught = status
            .lines()
            .find_map(|line| line.strip_prefix("SigCgt:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .unwrap_or(0);
        if caught & SIGINT_AND_SIGTERM == SIGINT_AND_SIGTERM {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the program never caught SIGINT and SIGTERM"
        );
        thread::sleep(Duration::from_millis(10));
    }
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
