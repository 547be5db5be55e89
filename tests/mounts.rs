//! Files that cannot be renamed over (cli.md, "Where users really keep the
//! file"): a single-file bind mount (`docker run -v ./htpasswd:/auth/htpasswd`,
//! a compose volume, a Kubernetes `subPath`) and a read-only directory
//! holding a writable file. Both programs rewrite FILE in place there, under
//! their lock, after the whole new content is on disk in a recovery copy;
//! they say so in one stderr line; the inode, mode, owner and hard links are
//! kept and nothing is left beside FILE or in the temporary directory. A
//! kill -9 during the in-place rewrite is repaired by the next run.
//!
//! The bind mounts are made in a private mount namespace (`unshare -m`, as
//! root in CI; `unshare -r -m`, a user namespace, otherwise), by one bash
//! script per scenario that records what it saw in files the test reads.
//! A machine where neither may be done fails the test with that reason.

use std::fs::{self, Permissions};
use std::os::unix::fs::{MetadataExt, PermissionsExt, chown};
use std::path::Path;
use std::process::{Command, Stdio};

use htpass::Password;
use htpass::hash::{self, Algorithm, Params};

use crate::util::{TIMEOUT, TestDir, file_verifies, names_in};

/// The unprivileged user root runs the programs as for the read-only
/// directory (root ignores modes).
const NOBODY: u32 = 65534;

/// An htpasswd file of `users` SHA-1 entries after a comment.
fn original(users: usize) -> Vec<u8> {
    let mut content = b"# team\n".to_vec();
    let stored = hash::hash_password(
        &Password::from("password"),
        &Params::default_for(Algorithm::Sha1),
    )
    .expect("hash a password");
    for i in 0..users {
        content.extend_from_slice(format!("user{i:06}:").as_bytes());
        content.extend_from_slice(&stored);
        content.push(b'\n');
    }
    content
}

/// What a scenario script left: its exit code and stderr.
struct Ran {
    code: Option<i32>,
    stderr: String,
}

/// Runs `script` with bash in a private mount namespace, `$1` being `dir`,
/// `$HTPASS` and `$HTPASSWD` our programs. Root gets a plain mount
/// namespace; anyone else a user namespace mapped to root in it.
fn in_mount_namespace(dir: &Path, script: &str) -> Ran {
    let root = rustix_is_root();
    let mut command = Command::new("unshare");
    if !root {
        command.arg("--map-root-user").arg("--user");
    }
    command
        .args(["--mount", "--propagation", "private", "bash", "-euc"])
        .arg(script)
        .arg("scenario")
        .arg(dir)
        .env("HTPASS", env!("CARGO_BIN_EXE_htpass"))
        .env("HTPASSWD", env!("CARGO_BIN_EXE_htpasswd"))
        .env("TMPDIR", dir.join("tmp"))
        .env_remove("HTPASS_TEST_STOP_AT")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let child = command
        .spawn()
        .expect("run unshare (util-linux): apt-get install util-linux");
    let output = wait_with_timeout(child);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !stderr.starts_with("unshare:"),
        "a private mount namespace cannot be made here ({stderr}); run the tests as root, \
         as CI does, or where unprivileged user namespaces are allowed"
    );
    Ran {
        code: output.status.code(),
        stderr,
    }
}

fn rustix_is_root() -> bool {
    fs::metadata("/proc/self")
        .map(|metadata| metadata.uid() == 0)
        .unwrap_or(false)
}

fn wait_with_timeout(mut child: std::process::Child) -> std::process::Output {
    let deadline = std::time::Instant::now() + TIMEOUT * 4;
    loop {
        if child.try_wait().expect("wait for the scenario").is_some() {
            return child.wait_with_output().expect("collect the scenario");
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the scenario did not end in time");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// `dir` with `src` (the real file), `mnt/htpasswd` (where it is mounted)
/// and an empty `tmp` (the programs' TMPDIR).
fn bind_mount_fixture(content: &[u8]) -> TestDir {
    let dir = TestDir::new();
    dir.write("src", content);
    fs::create_dir(dir.path("mnt")).unwrap();
    fs::create_dir(dir.path("tmp")).unwrap();
    fs::write(dir.path("mnt/htpasswd"), b"").unwrap();
    fs::set_permissions(dir.path("src"), Permissions::from_mode(0o640)).unwrap();
    dir
}

fn text(dir: &TestDir, name: &str) -> String {
    fs::read_to_string(dir.path(name)).unwrap_or_default()
}

/// The lines of `stderr` that speak of the in-place rewrite.
fn in_place_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.contains("in place"))
        .collect()
}

#[test]
fn a_bind_mounted_file_gets_the_change_in_place_with_its_inode_and_nothing_beside_it() {
    let original = original(300);
    for (program, add, update, delete) in [
        (
            "htpass",
            r#""$HTPASS" add htpasswd newbie -p pw -a sha1"#,
            r#""$HTPASS" add htpasswd user000007 -p changed -a sha1"#,
            r#""$HTPASS" delete htpasswd user000001"#,
        ),
        (
            "htpasswd",
            r#""$HTPASSWD" -bs htpasswd newbie pw"#,
            r#""$HTPASSWD" -bs htpasswd user000007 changed"#,
            r#""$HTPASSWD" -D htpasswd user000001"#,
        ),
    ] {
        let dir = bind_mount_fixture(&original);
        let inode = fs::metadata(dir.path("src")).unwrap().ino();
        let script = format!(
            r#"mount --bind "$1/src" "$1/mnt/htpasswd"
cd "$1/mnt"
{add} 2>"$1/add.err"
{update} 2>"$1/update.err"
{delete} 2>"$1/delete.err"
ls -A "$1/mnt" > "$1/mnt.list"
ls -A "$1/tmp" > "$1/tmp.list"
"#
        );
        let ran = in_mount_namespace(&dir.path(""), &script);
        assert_eq!(ran.code, Some(0), "{program}: {}", ran.stderr);
        for step in ["add", "update", "delete"] {
            let stderr = text(&dir, &format!("{step}.err"));
            let said = in_place_lines(&stderr);
            assert_eq!(
                said.len(),
                1,
                "{program} {step}: one line says so:\n{stderr}"
            );
            assert!(
                said[0].contains("htpasswd") && said[0].contains("mount"),
                "{program} {step}: the line names the file and why:\n{stderr}"
            );
        }
        let src = dir.path("src");
        assert!(file_verifies(&src, "newbie", "pw"), "{program}: added");
        assert!(
            file_verifies(&src, "user000007", "changed"),
            "{program}: updated"
        );
        let content = fs::read(&src).unwrap();
        assert!(
            !String::from_utf8_lossy(&content).contains("user000001:"),
            "{program}: deleted"
        );
        assert!(content.starts_with(b"# team\nuser000000:"), "{program}");
        let metadata = fs::metadata(&src).unwrap();
        assert_eq!(metadata.ino(), inode, "{program}: the inode is kept");
        assert_eq!(
            metadata.mode() & 0o777,
            0o640,
            "{program}: the mode is kept"
        );
        assert_eq!(
            text(&dir, "mnt.list"),
            "htpasswd\n",
            "{program}: beside FILE"
        );
        assert_eq!(
            text(&dir, "tmp.list"),
            "",
            "{program}: in the temporary directory"
        );
    }
}

#[test]
fn a_kill_9_during_the_in_place_rewrite_is_repaired_by_the_next_run() {
    // Large enough that the rewrite takes many writes, and the change on the
    // first line, shifting every later byte: the kill lands with FILE half
    // new, half old.
    let original = original(40_000);
    let dir = bind_mount_fixture(&original);
    let script = r#"mount --bind "$1/src" "$1/mnt/htpasswd"
cd "$1/mnt"
HTPASS_TEST_STOP_AT=rewrite "$HTPASS" delete htpasswd user000000 2>"$1/first.err" &
pid=$!
until [ "$(cut -d' ' -f3 /proc/$pid/stat 2>/dev/null)" = T ]; do
    kill -0 $pid 2>/dev/null || { echo "the first run ended before its rewrite" >&2; exit 112; }
    sleep 0.01
done
ls -A "$1/mnt" > "$1/during.list"
cp "$1/src" "$1/killed"
kill -9 $pid
wait $pid || true
"$HTPASS" add htpasswd second -p pw2 -a sha1 2>"$1/second.err"
ls -A "$1/mnt" > "$1/after.list"
"#;
    let ran = in_mount_namespace(&dir.path(""), script);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let killed = fs::read(dir.path("killed")).unwrap();
    let first_entry = b"# team\n".len();
    let first_end = first_entry
        + original[first_entry..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap()
        + 1;
    let expected = [&original[..first_entry], &original[first_end..]].concat();
    assert_ne!(killed, original, "the rewrite had begun when it was killed");
    assert_ne!(
        killed, expected,
        "the rewrite had not ended when it was killed"
    );
    assert_ne!(
        text(&dir, "during.list"),
        "htpasswd\n",
        "a recovery copy existed during the rewrite"
    );
    let mut repaired = expected.clone();
    repaired.extend_from_slice(b"second:");
    let repaired_now = fs::read(dir.path("src")).unwrap();
    assert!(
        repaired_now.starts_with(&expected),
        "the killed change was completed and nothing else lost"
    );
    assert!(repaired_now.starts_with(&repaired), "then the next change");
    assert!(file_verifies(&dir.path("src"), "second", "pw2"));
    let second = text(&dir, "second.err");
    assert!(
        second.contains("recovery copy"),
        "the next run says it repaired the file:\n{second}"
    );
    assert_eq!(
        text(&dir, "after.list"),
        "htpasswd\n",
        "nothing left beside FILE"
    );
    assert!(names_in(&dir.path("tmp")).is_empty());
}

/// A directory `box` this process can make read-only for the program, and
/// how to run the program so that the mode binds it: as this user when it
/// is not root, as the unprivileged user otherwise.
fn read_only_box(dir: &TestDir) -> (std::path::PathBuf, bool) {
    let boxed = dir.path("box");
    fs::create_dir(&boxed).unwrap();
    fs::create_dir(dir.path("tmp")).unwrap();
    let as_nobody = rustix_is_root();
    if as_nobody {
        fs::set_permissions(dir.path(""), Permissions::from_mode(0o755)).unwrap();
        chown(dir.path("tmp"), Some(NOBODY), Some(NOBODY)).unwrap();
    }
    (boxed, as_nobody)
}

fn run_in(boxed: &Path, tmp: &Path, as_nobody: bool, program: &str, args: &[&str]) -> Ran {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(boxed)
        .env("TMPDIR", tmp)
        .env_remove("HTPASS_TEST_STOP_AT")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if as_nobody {
        use std::os::unix::process::CommandExt;
        command.uid(NOBODY).gid(NOBODY);
    }
    let output = wait_with_timeout(command.spawn().expect("run the program"));
    Ran {
        code: output.status.code(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn a_writable_file_in_a_read_only_directory_is_rewritten_in_place() {
    let original = original(300);
    for (program, args) in [
        (
            env!("CARGO_BIN_EXE_htpass"),
            &["add", "users", "newbie", "-p", "pw", "-a", "sha1"][..],
        ),
        (
            env!("CARGO_BIN_EXE_htpasswd"),
            &["-bs", "users", "newbie", "pw"][..],
        ),
    ] {
        let dir = TestDir::new();
        let (boxed, as_nobody) = read_only_box(&dir);
        let file = boxed.join("users");
        fs::write(&file, &original).unwrap();
        // A second name for the same file: hard links are kept too.
        fs::hard_link(&file, dir.path("link")).unwrap();
        fs::set_permissions(&file, Permissions::from_mode(0o620)).unwrap();
        if as_nobody {
            chown(&file, Some(NOBODY), Some(NOBODY)).unwrap();
        }
        let inode = fs::metadata(&file).unwrap().ino();
        fs::set_permissions(&boxed, Permissions::from_mode(0o555)).unwrap();
        let ran = run_in(&boxed, &dir.path("tmp"), as_nobody, program, args);
        // A new file cannot be made there, in place or not.
        let creating = run_in(
            &boxed,
            &dir.path("tmp"),
            as_nobody,
            env!("CARGO_BIN_EXE_htpass"),
            &["add", "new-users", "newbie", "-p", "pw"],
        );
        fs::set_permissions(&boxed, Permissions::from_mode(0o755)).unwrap();

        assert_eq!(ran.code, Some(0), "{program}: {}", ran.stderr);
        let said = in_place_lines(&ran.stderr);
        assert_eq!(
            said.len(),
            1,
            "{program}: one line says so:\n{}",
            ran.stderr
        );
        assert!(said[0].contains("users"), "{}", ran.stderr);
        assert!(file_verifies(&file, "newbie", "pw"), "{program}: added");
        assert!(fs::read(&file).unwrap().starts_with(&original));
        let metadata = fs::metadata(&file).unwrap();
        assert_eq!(metadata.ino(), inode, "{program}: the inode is kept");
        assert_eq!(metadata.nlink(), 2, "{program}: the hard link is kept");
        assert_eq!(
            metadata.mode() & 0o777,
            0o620,
            "{program}: the mode is kept"
        );
        assert_eq!(
            fs::read(dir.path("link")).unwrap(),
            fs::read(&file).unwrap()
        );
        assert_eq!(names_in(&boxed), ["users"], "{program}: beside FILE");
        assert!(
            names_in(&dir.path("tmp")).is_empty(),
            "{program}: in TMPDIR"
        );

        assert_eq!(creating.code, Some(1), "{}", creating.stderr);
        assert!(
            creating.stderr.contains("new-users") && creating.stderr.contains("directory"),
            "{}",
            creating.stderr
        );
        assert!(!boxed.join("new-users").exists());
    }
}
