//! Running a real server for a test: a free port on 127.0.0.1, a child
//! process whose output goes to files in the test directory, a wait until it
//! listens, and a guard that kills it when dropped (also when an assertion
//! fails). Each server must run as a single process, so that killing the
//! child stops all of it.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::util::TestDir;

/// How long a server may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Fails the test, with the package to install, when `program` is missing.
/// Interop tests never skip: a skipped test would pass without proving
/// anything.
pub fn require_program(program: &str, debian_package: &str) {
    assert!(
        Path::new(program).is_file(),
        "{program} is missing: install it with `apt-get install {debian_package}` (or run .ci/run)"
    );
}

/// A port on 127.0.0.1 that nobody listened on a moment ago. The server
/// binds it itself; if another process takes it in between, the server fails
/// to start and the test says so with its log.
pub fn free_port() -> u16 {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0 to find a free port");
    listener
        .local_addr()
        .expect("the address of a bound listener")
        .port()
}

/// Whether the tests run as root, read from the owner of the test directory
/// (which this process created).
pub fn running_as_root(dir: &TestDir) -> bool {
    fs::metadata(dir.path(""))
        .expect("stat the test directory")
        .uid()
        == 0
}

/// Makes the test directory and everything in it readable by every user:
/// a server started as root that switches to `nobody` (Apache httpd must)
/// must still read its files. The temporary directory is created 0700 and a
/// restrictive umask may make the htpasswd file 0600. (Its parent, the
/// system's temporary directory, must let everyone through, as /tmp does.)
pub fn open_to_all(dir: &TestDir) {
    fn open(path: &Path) {
        let metadata = fs::symlink_metadata(path).expect("stat a file of the test directory");
        let mode = if metadata.is_dir() { 0o755 } else { 0o644 };
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .expect("make a test file readable by all");
        if metadata.is_dir() {
            for entry in fs::read_dir(path).expect("list a test directory") {
                open(&entry.expect("a directory entry").path());
            }
        }
    }
    open(&dir.path(""));
}

/// A server started by a test, killed when dropped.
pub struct RunningServer {
    name: &'static str,
    child: Child,
    port: u16,
    /// Files the server writes its errors to (its own log, stdout, stderr).
    logs: Vec<PathBuf>,
}

impl RunningServer {
    /// Starts `command` (which must keep the server in the foreground as one
    /// process), with stdout and stderr in the test directory, and waits until
    /// 127.0.0.1:`port` accepts connections. `logs` are the server's own log
    /// files, shown with its output if it fails to start or a cell fails.
    pub fn start(
        name: &'static str,
        mut command: Command,
        port: u16,
        dir: &TestDir,
        logs: &[PathBuf],
    ) -> RunningServer {
        let stdout = dir.path(&format!("{name}.stdout"));
        let stderr = dir.path(&format!("{name}.stderr"));
        command
            .stdin(Stdio::null())
            .stdout(File::create(&stdout).expect("create the server's stdout file"))
            .stderr(File::create(&stderr).expect("create the server's stderr file"));
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({command:?}): {e}"));
        let mut server = RunningServer {
            name,
            child,
            port,
            logs: [logs, &[stdout, stderr]].concat(),
        };
        server.wait_until_listening();
        server
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Everything the server logged so far, each file under its name.
    pub fn logs(&self) -> String {
        let mut text = String::new();
        for path in &self.logs {
            let content = fs::read(path).map_or_else(
                |e| format!("(cannot read: {e})"),
                |bytes| String::from_utf8_lossy(&bytes).into_owned(),
            );
            // Writing to a String cannot fail.
            let _ = writeln!(text, "--- {} ---\n{}", path.display(), content.trim_end());
        }
        text
    }

    fn wait_until_listening(&mut self) {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the server process") {
                panic!(
                    "{} exited before listening ({status}):\n{}",
                    self.name,
                    self.logs()
                );
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not listen on {address} within {START_TIMEOUT:?}:\n{}",
                self.name,
                self.logs()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        // SIGKILL is enough: each server is a single process with nothing to
        // flush that a test needs. Errors mean it has already exited.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
