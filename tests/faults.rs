//! Faults of the file system: a read-only file, a read-only directory, a
//! file system that fills up, a file size limit. Each ends with a message
//! that names the file and says what to do, exit 1, the file byte for byte
//! as it was, and nothing left beside it.
//!
//! Root ignores file modes, and CI may run as root or not, so each fault is
//! made by every method this process can set up, and at least one must run
//! (a test never passes by doing nothing):
//!
//! - modes (`chmod`), run as this user, when they stop this user (not root);
//! - modes, run as the unprivileged user 65534, when this process may switch
//!   to it (root);
//! - `chattr +i` on the directory, when this process may set it (root);
//! - a read-only bind mount, or a small tmpfs filled up, inside a private
//!   mount namespace (`unshare -m`) that disappears with the run, when this
//!   process may mount (root with CAP_SYS_ADMIN);
//! - a file size limit (`ulimit -f`, RLIMIT_FSIZE), which binds root too.

use std::ffi::OsStr;
use std::fs::{self, OpenOptions, Permissions};
use std::io::Read;
use std::os::unix::fs::{PermissionsExt, chown};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use htpass::Password;
use htpass::hash::{self, Algorithm, Params};

use crate::util::{TestDir, names_in};

/// The unprivileged user (and group) root runs the programs as.
const NOBODY: u32 = 65534;
/// Every run ends by then; a hang fails the test.
const DEADLINE: Duration = Duration::from_secs(60);
/// Exit code of a mount-namespace setup that could not be done (the
/// method is then unavailable, not failed).
const SETUP_FAILED: i32 = 111;

/// An htpasswd file of about 20 KB, large enough to fail halfway through.
fn original() -> Vec<u8> {
    let mut content = b"# team\n".to_vec();
    for i in 0..400 {
        let hash = hash::hash_password(
            &Password::from(format!("password-{i}").as_str()),
            &Params::default_for(Algorithm::Sha1),
        )
        .expect("hash a password");
        content.extend_from_slice(format!("user{i:04}:").as_bytes());
        content.extend_from_slice(&hash);
        content.push(b'\n');
    }
    content
}

/// The two programs, each adding a user to `users` (in the current
/// directory) without asking for a password.
#[derive(Clone, Copy, Debug)]
enum Program {
    Htpass,
    Htpasswd,
}

impl Program {
    fn all() -> [Program; 2] {
        [Program::Htpass, Program::Htpasswd]
    }

    fn path(self) -> &'static str {
        match self {
            Program::Htpass => env!("CARGO_BIN_EXE_htpass"),
            Program::Htpasswd => env!("CARGO_BIN_EXE_htpasswd"),
        }
    }

    fn argv0(self) -> &'static str {
        match self {
            Program::Htpass => "htpass",
            Program::Htpasswd => "htpasswd",
        }
    }

    /// The arguments after `argv[0]` that create `file` holding `user`.
    fn create_args(self, file: &str, user: &str) -> Vec<String> {
        match self {
            Program::Htpass => self.args(file, user),
            Program::Htpasswd => ["-cb", file, user, "pw"].map(str::to_owned).to_vec(),
        }
    }

    /// The arguments after `argv[0]` that add `user` to `file`.
    fn args(self, file: &str, user: &str) -> Vec<String> {
        let owned = |args: &[&str]| args.iter().map(|&arg| arg.to_owned()).collect();
        match self {
            Program::Htpass => owned(&["add", file, user, "-p", "pw", "-a", "sha1"]),
            Program::Htpasswd => owned(&["-b", file, user, "pw"]),
        }
    }
}

/// How a run ended.
struct Ended {
    code: Option<i32>,
    signal: Option<i32>,
    stderr: String,
}

fn run(command: Command) -> Ended {
    finish(spawn(command).expect("start the program"))
}

fn spawn(mut command: Command) -> std::io::Result<Child> {
    command
        .env_remove("HTPASS_TEST_STOP_AT")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
}

fn finish(mut child: Child) -> Ended {
    let deadline = Instant::now() + DEADLINE;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the program") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the program did not end within {DEADLINE:?}");
        }
        thread::sleep(Duration::from_millis(5));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    Ended {
        code: status.code(),
        signal: status.signal(),
        stderr,
    }
}

/// `program` run as `argv0` by bash after `setup` (bash code that may use
/// `$1`…; it ends with `|| exit 111` where setting up can fail).
fn bash_then(setup: &str, setup_args: &[&OsStr], program: Program, args: &[String]) -> Command {
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(format!(
            r#"{setup}
shift {count}; exec -a "$0" "$@""#,
            count = setup_args.len()
        ))
        .arg(program.argv0())
        .args(setup_args)
        .arg(program.path())
        .args(args);
    command
}

/// The program run directly, as `argv0`, in `dir`.
fn direct(program: Program, args: &[String], dir: &Path) -> Command {
    let mut command = Command::new(program.path());
    command.arg0(program.argv0()).args(args).current_dir(dir);
    command
}

/// What a fault must end with: exit 1 (not a signal), a message on stderr
/// that names the file and contains each of `says`, the file unchanged and
/// alone in `dir`.
fn assert_clean_failure(ended: &Ended, dir: &Path, original: &[u8], says: &[&str], context: &str) {
    assert_eq!(
        (ended.code, ended.signal),
        (Some(1), None),
        "{context}: expected exit 1; stderr:\n{}",
        ended.stderr
    );
    for part in says {
        assert!(
            ended.stderr.contains(part),
            "{context}: the message does not say {part:?}:\n{}",
            ended.stderr
        );
    }
    assert_eq!(
        fs::read(dir.join("users")).expect("read the file"),
        original,
        "{context}: the file changed"
    );
    let names = names_in(dir);
    assert_eq!(
        names,
        ["users"],
        "{context}: something was left beside the file"
    );
}

/// What the message must say: for htpass the file and the advice; our
/// htpasswd keeps Apache's wording, which names the file except for a
/// failed write ("Error writing temp file: REASON").
fn expected_message<'a>(
    program: Program,
    htpass_says: &'a [&'a str],
    htpasswd_says: &'a [&'a str],
) -> Vec<&'a str> {
    match program {
        Program::Htpass => [&["htpass: users: "][..], htpass_says].concat(),
        Program::Htpasswd => [&["htpasswd: "][..], htpasswd_says].concat(),
    }
}

/// Whether modes stop this process: it cannot open a 0444 file for writing
/// (false for root, which has CAP_DAC_OVERRIDE).
fn modes_bind_this_process(scratch: &TestDir) -> bool {
    let probe = scratch.write("mode-probe", b"");
    fs::set_permissions(&probe, Permissions::from_mode(0o444)).expect("chmod the probe");
    let bound = OpenOptions::new().write(true).open(&probe).is_err();
    fs::remove_file(&probe).expect("remove the probe");
    bound
}

/// A directory `box` in `dir` that the user 65534 owns and can reach, if
/// this process can run the program as that user there (root).
fn box_for_nobody(dir: &TestDir) -> Option<PathBuf> {
    let boxed = dir.path("box");
    fs::create_dir(&boxed).expect("create the box");
    fs::set_permissions(dir.path(""), Permissions::from_mode(0o755)).ok()?;
    chown(&boxed, Some(NOBODY), Some(NOBODY)).ok()?;
    let mut probe = Command::new(env!("CARGO_BIN_EXE_htpass"));
    probe
        .arg("--version")
        .current_dir(&boxed)
        .uid(NOBODY)
        .gid(NOBODY)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let works = probe.status().is_ok_and(|status| status.success());
    works.then_some(boxed)
}

fn as_nobody(mut command: Command) -> Command {
    command.uid(NOBODY).gid(NOBODY);
    command
}

/// Runs a bash `script` in a private mount namespace, then `program`;
/// returns `None` when the namespace or the script's setup is not allowed
/// here (the script exits [`SETUP_FAILED`] then).
fn in_mount_namespace(
    script: &str,
    script_args: &[&OsStr],
    program: Program,
    args: &[String],
    cwd: &Path,
) -> Option<Ended> {
    let mut command = Command::new("unshare");
    command
        .args(["-m", "--propagation", "private", "bash", "-c"])
        .arg(format!(
            r#"{script}
shift {count}; exec -a "$0" "$@""#,
            count = script_args.len()
        ))
        .arg(program.argv0())
        .args(script_args)
        .arg(program.path())
        .args(args)
        .current_dir(cwd);
    // No `unshare` here: no namespaces either.
    let ended = finish(spawn(command).ok()?);
    // unshare itself exits 1 when it may not create the namespace; before
    // the program runs, the script's own failure is SETUP_FAILED.
    let unavailable = ended.code == Some(SETUP_FAILED)
        || (ended.code == Some(1) && ended.stderr.starts_with("unshare:"));
    (!unavailable).then_some(ended)
}

#[test]
fn a_read_only_file_is_a_clear_error_and_stays_as_it_was() {
    let original = original();
    let mut methods = Vec::new();
    for program in Program::all() {
        let htpasswd_says = ["cannot open file users for read/write access"];

        // Modes, as this user.
        let scratch = TestDir::new();
        if modes_bind_this_process(&scratch) {
            let file = scratch.write("users", &original);
            fs::set_permissions(&file, Permissions::from_mode(0o444)).expect("chmod");
            let ended = run(direct(
                program,
                &program.args("users", "newbie"),
                &scratch.path(""),
            ));
            let says = expected_message(
                program,
                &[
                    "open for reading and writing",
                    "Permission denied",
                    "make it writable",
                ],
                &htpasswd_says,
            );
            assert_clean_failure(
                &ended,
                &scratch.path(""),
                &original,
                &says,
                &format!("{program:?}, chmod 0444"),
            );
            methods.push(format!("{program:?}: chmod 0444"));
        }

        // Modes, as the unprivileged user (root).
        let dir = TestDir::new();
        if !modes_bind_this_process(&dir)
            && let Some(boxed) = box_for_nobody(&dir)
        {
            let file = boxed.join("users");
            fs::write(&file, &original).expect("write the file");
            chown(&file, Some(NOBODY), Some(NOBODY)).expect("chown the file");
            fs::set_permissions(&file, Permissions::from_mode(0o444)).expect("chmod");
            let ended = run(as_nobody(direct(
                program,
                &program.args("users", "newbie"),
                &boxed,
            )));
            let says = expected_message(
                program,
                &[
                    "open for reading and writing",
                    "Permission denied",
                    "make it writable",
                ],
                &htpasswd_says,
            );
            assert_clean_failure(
                &ended,
                &boxed,
                &original,
                &says,
                &format!("{program:?}, chmod 0444 as uid {NOBODY}"),
            );
            methods.push(format!("{program:?}: chmod 0444, run as uid {NOBODY}"));
        }

        // An immutable file (root, CAP_LINUX_IMMUTABLE, a file system that
        // has the attribute): not even root may write it.
        let dir = TestDir::new();
        let file = dir.write("users", &original);
        if let Some(immutable) = Immutable::set(&file) {
            let ended = run(direct(
                program,
                &program.args("users", "newbie"),
                &dir.path(""),
            ));
            drop(immutable);
            let says = expected_message(
                program,
                &["Operation not permitted", "lsattr"],
                &htpasswd_says,
            );
            assert_clean_failure(
                &ended,
                &dir.path(""),
                &original,
                &says,
                &format!("{program:?}, chattr +i"),
            );
            methods.push(format!("{program:?}: chattr +i"));
        }

        // A read-only bind mount of the file on itself (root, CAP_SYS_ADMIN).
        let dir = TestDir::new();
        let file = dir.write("users", &original);
        let script = r#"mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 111"#;
        if let Some(ended) = in_mount_namespace(
            script,
            &[file.as_os_str()],
            program,
            &program.args("users", "newbie"),
            &dir.path(""),
        ) {
            let says = expected_message(
                program,
                &["Read-only file system", "remount it read-write"],
                &htpasswd_says,
            );
            assert_clean_failure(
                &ended,
                &dir.path(""),
                &original,
                &says,
                &format!("{program:?}, read-only bind mount"),
            );
            methods.push(format!("{program:?}: read-only bind mount"));
        }
    }
    eprintln!("faults: read-only file by {}", methods.join("; "));
    assert!(
        methods.len() >= 2,
        "no way to make a file read-only for the program was available here: \
         chmod binds only non-root users; as root, switching to uid {NOBODY} \
         (CAP_SETUID) or a mount namespace (CAP_SYS_ADMIN) is needed"
    );
}

/// Keeps a file or directory immutable (`chattr +i`) until dropped.
struct Immutable(PathBuf);

impl Immutable {
    fn set(path: &Path) -> Option<Immutable> {
        let status = Command::new("chattr")
            .arg("+i")
            .arg(path)
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Immutable(path.to_path_buf()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

/// A read-only directory: a writable file in it takes the change in place
/// (the mode, the inode and every old byte kept, nothing left beside it,
/// one line on stderr saying so: tests/mounts.rs has the details), and a new
/// file cannot be made there (exit 1, a message saying what to do).
#[test]
fn a_read_only_directory_takes_changes_in_place_and_refuses_new_files() {
    let original = original();
    let mut methods = Vec::new();
    for program in Program::all() {
        let htpass_says = [
            "create a temporary file in the file's directory",
            "give this user write permission on the directory",
        ];
        let htpasswd_says = ["cannot create file new-users"];
        let says = expected_message(program, &htpass_says, &htpasswd_says);
        let check = |boxed: &Path, changed: &Ended, creating: &Ended, how: &str| {
            let context = format!("{program:?}, {how}");
            assert_eq!(
                (changed.code, changed.signal),
                (Some(0), None),
                "{context}: {}",
                changed.stderr
            );
            assert!(
                changed.stderr.contains("rewritten in place"),
                "{context}: says so: {}",
                changed.stderr
            );
            let now = fs::read(boxed.join("users")).expect("read the file");
            assert!(now.starts_with(&original), "{context}: old bytes kept");
            assert!(
                String::from_utf8_lossy(&now[original.len()..]).starts_with("newbie:"),
                "{context}: the change was made"
            );
            assert_eq!(names_in(boxed), ["users"], "{context}: left something");
            assert_eq!(creating.code, Some(1), "{context}: {}", creating.stderr);
            for part in &says {
                let part = part.replace("users: ", "new-users: ");
                assert!(
                    creating.stderr.contains(&part),
                    "{context}: the message does not say {part:?}:\n{}",
                    creating.stderr
                );
            }
            assert!(!boxed.join("new-users").exists(), "{context}");
        };

        // Modes, as this user.
        let scratch = TestDir::new();
        if modes_bind_this_process(&scratch) {
            let boxed = scratch.path("box");
            fs::create_dir(&boxed).expect("create the box");
            fs::write(boxed.join("users"), &original).expect("write the file");
            fs::set_permissions(&boxed, Permissions::from_mode(0o555)).expect("chmod");
            let changed = run(direct(program, &program.args("users", "newbie"), &boxed));
            let creating = run(direct(
                program,
                &program.create_args("new-users", "newbie"),
                &boxed,
            ));
            fs::set_permissions(&boxed, Permissions::from_mode(0o755)).expect("chmod back");
            check(&boxed, &changed, &creating, "chmod 0555");
            methods.push(format!("{program:?}: chmod 0555"));
        }

        // Modes, as the unprivileged user (root).
        let dir = TestDir::new();
        if !modes_bind_this_process(&dir)
            && let Some(boxed) = box_for_nobody(&dir)
        {
            let file = boxed.join("users");
            fs::write(&file, &original).expect("write the file");
            chown(&file, Some(NOBODY), Some(NOBODY)).expect("chown the file");
            fs::set_permissions(&boxed, Permissions::from_mode(0o555)).expect("chmod");
            let changed = run(as_nobody(direct(
                program,
                &program.args("users", "newbie"),
                &boxed,
            )));
            let creating = run(as_nobody(direct(
                program,
                &program.create_args("new-users", "newbie"),
                &boxed,
            )));
            check(
                &boxed,
                &changed,
                &creating,
                &format!("chmod 0555 as uid {NOBODY}"),
            );
            methods.push(format!("{program:?}: chmod 0555, run as uid {NOBODY}"));
        }

        // An immutable directory (root, CAP_LINUX_IMMUTABLE, a file system
        // that has the attribute): its files can still be written.
        let dir = TestDir::new();
        let boxed = dir.path("box");
        fs::create_dir(&boxed).expect("create the box");
        fs::write(boxed.join("users"), &original).expect("write the file");
        if let Some(immutable) = Immutable::set(&boxed) {
            let changed = run(direct(program, &program.args("users", "newbie"), &boxed));
            let creating = run(direct(
                program,
                &program.create_args("new-users", "newbie"),
                &boxed,
            ));
            drop(immutable);
            check(&boxed, &changed, &creating, "chattr +i");
            methods.push(format!("{program:?}: chattr +i"));
        }
    }
    eprintln!("faults: read-only directory by {}", methods.join("; "));
    assert!(
        methods.len() >= 2,
        "no way to make a directory read-only for the program was available here: \
         chmod binds only non-root users; as root, switching to uid {NOBODY} \
         (CAP_SETUID) or chattr +i (CAP_LINUX_IMMUTABLE) is needed"
    );
}

#[test]
fn a_full_file_system_or_a_file_size_limit_is_a_clear_error_and_the_file_stays_as_it_was() {
    let original = original();
    let mut methods = Vec::new();
    for program in Program::all() {
        // A file size limit below the new file's size: binds root too. The
        // program must catch SIGXFSZ (whose default kills it) and report
        // EFBIG; `exec` keeps bash's default disposition for the program.
        let dir = TestDir::new();
        dir.write("users", &original);
        let blocks = (original.len() / 1024 / 2).to_string();
        let mut command = bash_then(
            r#"ulimit -f "$1" || exit 111"#,
            &[OsStr::new(&blocks)],
            program,
            &program.args("users", "newbie"),
        );
        command.current_dir(dir.path(""));
        let ended = run(command);
        let says = expected_message(
            program,
            &[
                "write: File too large",
                "ulimit -f",
                "the file was left unchanged",
            ],
            &["Error writing temp file: File too large", "ulimit -f"],
        );
        assert_clean_failure(
            &ended,
            &dir.path(""),
            &original,
            &says,
            &format!("{program:?}, ulimit -f {blocks}"),
        );
        methods.push(format!("{program:?}: ulimit -f"));

        // A small tmpfs, filled up, in a private mount namespace (root,
        // CAP_SYS_ADMIN). The result is copied out before the namespace,
        // and the tmpfs with it, goes away.
        let dir = TestDir::new();
        let source = dir.write("source", &original);
        let mount_point = dir.path("full");
        let out = dir.path("out");
        fs::create_dir(&mount_point).expect("create the mount point");
        fs::create_dir(&out).expect("create the output directory");
        let script = r#"
            mount -t tmpfs -o size=128k tmpfs "$1" || exit 111
            cp "$2" "$1/users" && cd "$1" || exit 111
            cat /dev/zero > "$1/fill" 2>/dev/null
            (exec -a "$0" "$4" "${@:5}") 2> "$3/stderr"
            echo $? > "$3/code"
            rm -f "$1/fill"
            mkdir "$3/after" && cp -a "$1/." "$3/after/"
            exit 0"#;
        let args = program.args("users", "newbie");
        let script_args = [mount_point.as_os_str(), source.as_os_str(), out.as_os_str()];
        // The script runs the program itself (to copy its results out
        // afterwards) and exits, so the helper's `exec` line never runs.
        if let Some(ended) = in_mount_namespace(script, &script_args, program, &args, &dir.path(""))
        {
            assert_eq!(
                ended.code,
                Some(0),
                "the namespace script failed: {}",
                ended.stderr
            );
            let code: i32 = fs::read_to_string(out.join("code"))
                .expect("the exit code")
                .trim()
                .parse()
                .expect("a number");
            let stderr = fs::read_to_string(out.join("stderr")).expect("the stderr");
            let ended = Ended {
                // bash reports a signal as 128 + N.
                code: (code < 128).then_some(code),
                signal: (code >= 128).then_some(code - 128),
                stderr,
            };
            let says = expected_message(
                program,
                &[
                    "No space left on device",
                    "free some space",
                    "the file was left unchanged",
                ],
                &[
                    "Error writing temp file: No space left on device",
                    "free some space",
                ],
            );
            assert_clean_failure(
                &ended,
                &out.join("after"),
                &original,
                &says,
                &format!("{program:?}, full tmpfs"),
            );
            methods.push(format!("{program:?}: full tmpfs"));
        }
    }
    eprintln!("faults: no room by {}", methods.join("; "));
    assert!(methods.len() >= 2);
}
