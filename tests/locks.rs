//! Locks that coexist (cli.md, "Where users really keep the file"): scripts
//! serialise Apache's htpasswd with `flock FILE htpasswd ...`, and such a
//! wrapper must work with ours too, while htpass writers still exclude each
//! other. A wait for the lock is announced after about a second, ends with
//! exit 4 on SIGINT or SIGTERM, and `--wait SECONDS` bounds it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use crate::util::{TIMEOUT, TestDir, file_verifies};

const FLOCK_HINT: &str = "flock (util-linux) is needed: apt-get install util-linux";

#[test]
fn a_flock_wrapper_on_the_file_does_not_deadlock_either_program() {
    let dir = TestDir::new();
    dir.write("users", b"# team\n");
    let runs: [(&str, &[&str]); 4] = [
        (
            env!("CARGO_BIN_EXE_htpass"),
            &["add", "users", "alice", "-p", "pw-a", "-a", "sha1"],
        ),
        (
            env!("CARGO_BIN_EXE_htpasswd"),
            &["-bs", "users", "bob", "pw-b"],
        ),
        (env!("CARGO_BIN_EXE_htpass"), &["delete", "users", "alice"]),
        // flock(1) creates a missing file before running the command.
        (
            env!("CARGO_BIN_EXE_htpass"),
            &["add", "fresh", "carol", "-p", "pw-c", "-a", "sha1"],
        ),
    ];
    for (program, args) in runs {
        let file = args[1];
        let started = Instant::now();
        // `timeout` inside the wrapper: a deadlocked program is killed (and
        // the test fails) instead of outliving the test with flock(1).
        let output = assert_cmd::Command::new("flock")
            .arg(file)
            .args(["timeout", "20"])
            .arg(program)
            .args(args)
            .current_dir(dir.path(""))
            .write_stdin(Vec::new())
            .timeout(TIMEOUT)
            .output()
            .expect(FLOCK_HINT);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "flock {file} {args:?} (after {:?}): {stderr}",
            started.elapsed()
        );
        assert!(!stderr.contains("waiting"), "{args:?}: {stderr}");
    }
    assert!(file_verifies(&dir.path("users"), "bob", "pw-b"));
    assert!(!file_verifies(&dir.path("users"), "alice", "pw-a"));
    assert!(file_verifies(&dir.path("fresh"), "carol", "pw-c"));
}

/// A child process that is killed if the test ends without waiting for it
/// (a failed assertion must not leave a stopped holder and its waiter).
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

impl std::ops::Deref for Process {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Process {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

/// An `htpass add` that stops itself (SIGSTOP) while it holds the lock on
/// `users`, half way through writing its new version.
fn holder(dir: &TestDir) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_htpass"))
        .args(["add", "users", "holder", "-p", "pw-h", "-a", "sha1"])
        .current_dir(dir.path(""))
        .env("HTPASS_TEST_STOP_AT", "write")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the holder");
    crate::util::wait_until_stopped(&mut child);
    Process(child)
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args(["-s", name, &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -s {name} {pid}");
}

/// A waiter started with `args`, and its stderr lines as they come.
fn waiter(dir: &TestDir, args: &[&str]) -> (Process, Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_htpass"))
        .args(args)
        .current_dir(dir.path(""))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the waiter");
    let stderr = child.stderr.take().unwrap();
    let (send, receive) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    (Process(child), receive)
}

/// The next stderr line that contains `what`, within `within`.
fn line_saying(lines: &Receiver<String>, what: &str, within: Duration) -> String {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(what) => return line,
            Ok(_) => {}
            Err(_) => panic!("no line saying {what:?} within {within:?}"),
        }
    }
}

/// Every stderr line not read yet, up to the end of the stream: the
/// process has ended, but the thread reading its stderr may not have
/// handed everything over yet.
fn rest_of(lines: &Receiver<String>) -> Vec<String> {
    let deadline = Instant::now() + TIMEOUT;
    let mut rest = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => rest.push(line),
            Err(mpsc::RecvTimeoutError::Disconnected) => return rest,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("stderr never ended: {rest:?}"),
        }
    }
}

fn wait_for(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the process did not end");
        }
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn htpass_writers_exclude_each_other_and_a_wait_is_announced() {
    let dir = TestDir::new();
    dir.write("users", b"# team\n");
    let mut holding = holder(&dir);
    let (mut waiting, lines) = waiter(&dir, &["add", "users", "late", "-p", "pw-l", "-a", "sha1"]);
    let said = line_saying(&lines, "waiting for the lock", Duration::from_secs(5));
    assert!(
        said.contains("users") && said.contains("another process"),
        "{said}"
    );
    // Still waiting, however long the holder takes.
    thread::sleep(Duration::from_millis(500));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "the waiter did not wait"
    );
    signal(holding.id(), "CONT");
    assert!(wait_for(&mut holding).success());
    assert!(wait_for(&mut waiting).success());
    assert!(file_verifies(&dir.path("users"), "holder", "pw-h"));
    assert!(file_verifies(&dir.path("users"), "late", "pw-l"));
}

#[test]
fn wait_seconds_bounds_the_wait_with_exit_1_naming_the_option() {
    let dir = TestDir::new();
    dir.write("users", b"# team\n");
    let mut holding = holder(&dir);
    let started = Instant::now();
    let (mut waiting, lines) = waiter(
        &dir,
        &[
            "--wait", "1", "add", "users", "late", "-p", "pw", "-a", "sha1",
        ],
    );
    let status = wait_for(&mut waiting);
    let waited = started.elapsed();
    let said: Vec<String> = rest_of(&lines);
    signal(holding.id(), "CONT");
    assert!(wait_for(&mut holding).success());
    assert_eq!(status.code(), Some(1), "{said:?}");
    assert!(
        said.iter().any(|line| line.contains("--wait")),
        "the message names the option: {said:?}"
    );
    assert!(
        waited >= Duration::from_millis(900),
        "gave up after {waited:?}"
    );
    assert!(!file_verifies(&dir.path("users"), "late", "pw"));
    assert!(file_verifies(&dir.path("users"), "holder", "pw-h"));

    // Also after the command's name, and 0 means "do not wait".
    let mut holding = holder(&dir);
    let (mut waiting, lines) = waiter(&dir, &["add", "users", "late", "-p", "pw", "--wait", "0"]);
    let status = wait_for(&mut waiting);
    let said: Vec<String> = rest_of(&lines);
    signal(holding.id(), "CONT");
    assert!(wait_for(&mut holding).success());
    assert_eq!(status.code(), Some(1), "{said:?}");
}

#[test]
fn sigint_or_sigterm_while_waiting_for_the_lock_exits_4_and_changes_nothing() {
    for name in ["INT", "TERM"] {
        let dir = TestDir::new();
        dir.write("users", b"# team\n");
        let mut holding = holder(&dir);
        let (mut waiting, lines) =
            waiter(&dir, &["add", "users", "late", "-p", "pw", "-a", "sha1"]);
        line_saying(&lines, "waiting for the lock", Duration::from_secs(5));
        signal(waiting.id(), name);
        let status = wait_for(&mut waiting);
        let said: Vec<String> = rest_of(&lines);
        assert_eq!(status.code(), Some(4), "SIG{name}: {said:?}");
        assert_eq!(
            said.iter()
                .filter(|line| line.contains("interrupted"))
                .count(),
            1,
            "SIG{name}: one message: {said:?}"
        );
        signal(holding.id(), "CONT");
        assert!(wait_for(&mut holding).success());
        assert!(
            !file_verifies(&dir.path("users"), "late", "pw"),
            "SIG{name}"
        );
        assert!(
            file_verifies(&dir.path("users"), "holder", "pw-h"),
            "SIG{name}"
        );
    }
}
