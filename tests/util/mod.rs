//! Shared helpers for the integration tests: a temporary directory that
//! cleans up after itself, and a builder for the `htpass` program that can
//! never hang (stdin always set, a timeout always on).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use htpass::Password;
use htpass::hash::{self, VerifyPolicy};

pub mod terminal;

/// Long enough for bcrypt at cost 4 on a slow CI machine, short enough that
/// a hang fails the test instead of the whole run.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// A temporary directory, removed when dropped.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> TestDir {
        TestDir {
            dir: tempfile::Builder::new()
                .prefix("htpass-test-")
                .tempdir()
                .expect("create a temporary directory"),
        }
    }

    /// The path of `name` inside the directory (which need not exist).
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `contents` to `name` and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        fs::write(&path, contents).expect("write a test file");
        path
    }

    /// The bytes of `name`.
    pub fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.path(name)).expect("read a test file")
    }

    /// The names in the directory, sorted (to see that nothing was left behind).
    pub fn names(&self) -> Vec<String> {
        names_in(self.dir.path())
    }

    /// `htpass` run in this directory (see [`htpass`]).
    pub fn htpass(&self) -> assert_cmd::Command {
        let mut command = htpass();
        command.current_dir(self.dir.path());
        command
    }

    /// `htpass ARGS` in this directory with `stdin`, expected to succeed:
    /// its stdout.
    pub fn htpass_ok(&self, args: &[&str], stdin: &[u8]) -> Vec<u8> {
        let output = self
            .htpass()
            .args(args)
            .write_stdin(stdin)
            .output()
            .expect("run htpass");
        assert!(
            output.status.success(),
            "htpass {args:?} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    }

    /// `htpass ARGS` in this directory with `stdin`, expected to fail with
    /// `code` and print nothing on stdout: its stderr.
    pub fn htpass_fails(&self, args: &[&str], stdin: &[u8], code: i32) -> String {
        let output = self
            .htpass()
            .args(args)
            .write_stdin(stdin)
            .output()
            .expect("run htpass");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(
            output.status.code(),
            Some(code),
            "htpass {args:?}: {stderr}\nstdout: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        assert!(output.stdout.is_empty(), "nothing on stdout: {args:?}");
        stderr
    }
}

/// The names in `dir`, sorted (to see that nothing was left behind).
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list the directory")
        .map(|entry| {
            entry
                .expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Fails if the program panicked: a panic message on stderr, or Rust's
/// panic exit code 101.
pub fn assert_no_panic(output: &std::process::Output, what: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked") && output.status.code() != Some(101),
        "{what} panicked: {stderr}"
    );
}

/// The `htpass` binary with an empty, closed standard input (never a
/// terminal, so it never prompts), a timeout, and no password in its
/// environment unless a test puts one there.
pub fn htpass() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_htpass"));
    command
        .write_stdin(Vec::new())
        .timeout(TIMEOUT)
        .env_remove("HTPASS_TEST_PASSWORD");
    command
}

/// The lines of `bytes`, each with its ending (`\n`, `\r\n` or none at the end).
pub fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// `line` without its `\n` or `\r\n`.
pub fn chomp(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The hash of the first entry of `user` in the file bytes, as a server reads it.
pub fn stored_hash<'a>(file: &'a [u8], user: &str) -> Option<&'a [u8]> {
    lines(file).into_iter().find_map(|line| {
        chomp(line)
            .strip_prefix(user.as_bytes())
            .and_then(|rest| rest.strip_prefix(b":"))
    })
}

/// Whether `stored` verifies `password` (plain entries allowed).
pub fn verifies(stored: &[u8], password: &str) -> bool {
    hash::verify(
        &Password::from(password),
        stored,
        VerifyPolicy { allow_plain: true },
    )
    .is_match()
}

/// Whether the file at `path` has an entry for `user` that verifies `password`.
pub fn file_verifies(path: &Path, user: &str, password: &str) -> bool {
    let file = fs::read(path).expect("read the htpasswd file");
    stored_hash(&file, user).is_some_and(|stored| verifies(stored, password))
}

/// `program` started as `htpasswd` (argv[0]) in a new session without a
/// controlling terminal (`setsid -w`, so prompts go to stderr and answers
/// come from stdin), with an empty standard input and a timeout; add the
/// arguments with `.args(...)`. Used to run our `htpasswd`
/// (`env!("CARGO_BIN_EXE_htpasswd")`) and Apache's (`/usr/bin/htpasswd`) alike.
pub fn detached_as_htpasswd(program: &Path) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new("setsid");
    command
        .arg("-w")
        .arg("bash")
        .arg("-c")
        .arg(r#"exec -a htpasswd "$0" "$@""#)
        .arg(program)
        .write_stdin(Vec::new())
        .timeout(TIMEOUT);
    command
}

/// Our `htpasswd` binary with `argv[0]` = `htpasswd` (as the golden files
/// were recorded), an empty standard input unless a test sets one (never a
/// terminal read from stdin, so it never hangs), and a timeout.
pub fn htpasswd_cmd() -> assert_cmd::Command {
    use std::os::unix::process::CommandExt;
    let mut std_command = std::process::Command::new(env!("CARGO_BIN_EXE_htpasswd"));
    std_command.arg0("htpasswd");
    let mut command = assert_cmd::Command::from_std(std_command);
    command.write_stdin(Vec::new()).timeout(TIMEOUT);
    command
}

/// Waits until `child` has stopped itself (SIGSTOP, from
/// `HTPASS_TEST_STOP_AT`): its state in `/proc/PID/stat` is `T`. Fails the
/// test if it ends instead, or has not stopped within [`TIMEOUT`].
pub fn wait_until_stopped(child: &mut std::process::Child) {
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        let stat = fs::read_to_string(format!("/proc/{}/stat", child.id())).unwrap_or_default();
        let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
        if state.is_some_and(|rest| rest.starts_with('T')) {
            return;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "{} ended before it stopped",
            child.id()
        );
        assert!(
            std::time::Instant::now() < deadline,
            "{} never stopped",
            child.id()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}
