//! Fifty processes change one file at once, and no user is lost (cli.md
//! "Files": N concurrent `add`s leave N entries; Apache's htpasswd loses
//! most of them, compat spec D13).
//!
//! Every round starts all its processes, holds them at a barrier, lets them
//! go together, and then checks the file entry by entry: exactly the users
//! expected, each once, each with its final password; every process exited
//! 0; nothing left beside the file. The outcome does not depend on the order
//! the processes run in, so the tests are deterministic however they are
//! scheduled.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read, Write};
use std::ops::ControlFlow;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use htpass::Password;
use htpass::file::{self, MalformedLines};
use htpass::hash::{self, Algorithm, Params};

use crate::util::{TestDir, verifies};

/// Processes started at once in each round.
const PROCESSES: usize = 50;
/// Rounds of each kind.
const ROUNDS: usize = 5;
/// All of a round's processes must have ended by then (a debug build of a
/// round takes well under a second); a hang fails the test instead of
/// stalling the run.
const ROUND_DEADLINE: Duration = Duration::from_secs(60);

/// One started process and what it was asked to do (for failure messages).
struct Started {
    what: String,
    child: Child,
}

/// Waits for every process, failing on a deadline, and asserts that each
/// exited 0.
fn all_succeed(started: Vec<Started>) {
    let deadline = Instant::now() + ROUND_DEADLINE;
    let mut pending = started;
    let mut done = Vec::new();
    while !pending.is_empty() {
        let mut still = Vec::new();
        for mut run in pending {
            match run.child.try_wait().expect("wait for a process") {
                Some(status) => done.push((run, status)),
                None => still.push(run),
            }
        }
        pending = still;
        if Instant::now() > deadline {
            for run in &mut pending {
                let _ = run.child.kill();
                let _ = run.child.wait();
            }
            panic!(
                "{} processes had not ended after {ROUND_DEADLINE:?}: {}",
                pending.len(),
                pending
                    .iter()
                    .map(|run| run.what.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if !pending.is_empty() {
            thread::sleep(Duration::from_millis(5));
        }
    }
    for (mut run, status) in done {
        let mut stderr = String::new();
        if let Some(mut pipe) = run.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        assert!(
            status.success(),
            "{} ended with {status}; stderr:\n{stderr}",
            run.what
        );
    }
}

/// A barrier for processes that do not read standard input: each is started
/// by bash, which waits at `read` on one shared pipe and then `exec`s the
/// program (under `argv[0]` = `name`). Dropping the barrier lets all of
/// them go at once.
struct Barrier {
    reader: io::PipeReader,
    writer: Option<io::PipeWriter>,
}

impl Barrier {
    fn new() -> Barrier {
        let (reader, writer) = io::pipe().expect("create the barrier pipe");
        Barrier {
            reader,
            writer: Some(writer),
        }
    }

    /// Starts `program` as `name` with `args`, held until [`Barrier::release`].
    fn start(&self, dir: &TestDir, name: &str, program: &str, args: &[&str]) -> Started {
        let child = Command::new("bash")
            .arg("-c")
            .arg(r#"read -r _; exec -a "$0" "$@""#)
            .arg(name)
            .arg(program)
            .args(args)
            .current_dir(dir.path(""))
            .env_remove("HTPASS_TEST_STOP_AT")
            .stdin(self.reader.try_clone().expect("share the barrier pipe"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start a process");
        Started {
            what: format!("{name} {}", args.join(" ")),
            child,
        }
    }

    /// Ends the shared pipe: every `read` sees its end at the same moment.
    fn release(mut self) {
        drop(self.writer.take());
    }
}

/// `htpass add users USER --password-stdin -a sha1`, held at its password
/// read (which comes before it takes the lock) until the password is sent.
fn start_add_with_stdin(dir: &TestDir, user: &str) -> (Started, ChildStdin) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_htpass"))
        .args(["add", "users", user, "--password-stdin", "-a", "sha1"])
        .current_dir(dir.path(""))
        .env_remove("HTPASS_TEST_STOP_AT")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start htpass add");
    let stdin = child.stdin.take().expect("stdin is piped");
    let started = Started {
        what: format!("htpass add users {user} --password-stdin"),
        child,
    };
    (started, stdin)
}

/// The users of `path` and their hashes, in file order; panics unless
/// every line is a valid entry, comment or blank line.
fn entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let content = std::fs::read(path).expect("read the file");
    let mut found = Vec::new();
    file::for_each_entry(
        content.as_slice(),
        path,
        MalformedLines::Reject,
        |_, user, hash| {
            found.push((String::from_utf8_lossy(user).into_owned(), hash.to_vec()));
            Ok(ControlFlow::Continue(()))
        },
    )
    .unwrap_or_else(|error| panic!("the file does not parse: {error}"));
    found
}

/// Asserts that `users` holds exactly `expected` (user → password), each
/// user once, and that nothing else is in the directory. Returns how many
/// expected users are missing (0, or the assertion has failed).
fn assert_exactly(dir: &TestDir, expected: &BTreeMap<String, String>) -> usize {
    let found = entries(&dir.path("users"));
    let mut seen = BTreeSet::new();
    for (user, _) in &found {
        assert!(
            seen.insert(user.clone()),
            "user {user} is in the file twice"
        );
    }
    let expected_users: BTreeSet<String> = expected.keys().cloned().collect();
    let lost = expected_users.difference(&seen).count();
    assert_eq!(
        seen,
        expected_users,
        "lost: {:?}; unexpected: {:?}",
        expected_users.difference(&seen).collect::<Vec<_>>(),
        seen.difference(&expected_users).collect::<Vec<_>>()
    );
    for (user, hash) in &found {
        assert!(
            verifies(hash, &expected[user]),
            "user {user} does not have its final password"
        );
    }
    assert_eq!(
        dir.names(),
        ["users"],
        "nothing may be left beside the file"
    );
    lost
}

/// A `{SHA}` line for `user` with `password`.
fn sha1_line(user: &str, password: &str) -> String {
    let hash = hash::hash_password(
        &Password::from(password),
        &Params::default_for(Algorithm::Sha1),
    )
    .expect("hash a password");
    format!(
        "{user}:{}\n",
        String::from_utf8(hash).expect("an ASCII hash")
    )
}

#[test]
fn fifty_concurrent_htpass_adds_lose_no_user() {
    for round in 0..ROUNDS {
        let dir = TestDir::new();
        // Half the rounds create the file (the directory lock), half add
        // to an existing one (the file's own lock).
        let mut expected = BTreeMap::new();
        if round % 2 == 1 {
            dir.write("users", sha1_line("first", "first-pw"));
            expected.insert("first".to_owned(), "first-pw".to_owned());
        }
        let mut started = Vec::new();
        let mut stdins = Vec::new();
        for i in 0..PROCESSES {
            let user = format!("user{i}");
            let (run, stdin) = start_add_with_stdin(&dir, &user);
            started.push(run);
            stdins.push(stdin);
            expected.insert(user, format!("pw-{round}-{i}"));
        }
        // Everybody is waiting for a password; give them all at once.
        for (i, mut stdin) in stdins.into_iter().enumerate() {
            writeln!(stdin, "pw-{round}-{i}").expect("send the password");
        }
        all_succeed(started);
        assert_eq!(assert_exactly(&dir, &expected), 0);
    }
}

#[test]
fn fifty_concurrent_htpasswd_b_lose_no_user() {
    for round in 0..ROUNDS {
        let dir = TestDir::new();
        // Apache's update mode needs an existing file.
        dir.write("users", sha1_line("first", "first-pw"));
        let mut expected = BTreeMap::from([("first".to_owned(), "first-pw".to_owned())]);
        let barrier = Barrier::new();
        let mut started = Vec::new();
        for i in 0..PROCESSES {
            let user = format!("user{i}");
            let password = format!("pw-{round}-{i}");
            started.push(barrier.start(
                &dir,
                "htpasswd",
                env!("CARGO_BIN_EXE_htpasswd"),
                &["-b", "users", &user, &password],
            ));
            expected.insert(user, password);
        }
        barrier.release();
        all_succeed(started);
        assert_eq!(assert_exactly(&dir, &expected), 0);
    }
}

/// Adds, password changes and deletions at once, by both programs.
#[test]
fn fifty_concurrent_adds_updates_and_deletes_lose_nothing_and_keep_nothing_deleted() {
    const EXISTING: usize = 40;
    const ADDS: usize = 17;
    const UPDATES: usize = 17;
    const DELETES: usize = PROCESSES - ADDS - UPDATES;
    for round in 0..ROUNDS {
        let dir = TestDir::new();
        let mut content = String::from("# kept as it is\n");
        let mut expected = BTreeMap::new();
        for i in 0..EXISTING {
            let user = format!("old{i}");
            let password = format!("old-pw-{i}");
            content.push_str(&sha1_line(&user, &password));
            expected.insert(user, password);
        }
        dir.write("users", &content);

        let barrier = Barrier::new();
        let mut started = Vec::new();
        let htpass = env!("CARGO_BIN_EXE_htpass");
        let htpasswd = env!("CARGO_BIN_EXE_htpasswd");
        // Each kind of change alternates between the two programs.
        for i in 0..ADDS {
            let user = format!("new{i}");
            let password = format!("new-pw-{round}-{i}");
            started.push(if i % 2 == 0 {
                barrier.start(
                    &dir,
                    "htpass",
                    htpass,
                    &["add", "users", &user, "-p", &password, "-a", "sha1"],
                )
            } else {
                barrier.start(
                    &dir,
                    "htpasswd",
                    htpasswd,
                    &["-b", "users", &user, &password],
                )
            });
            expected.insert(user, password);
        }
        for i in 0..UPDATES {
            let user = format!("old{i}");
            let password = format!("changed-pw-{round}-{i}");
            started.push(if i % 2 == 0 {
                barrier.start(
                    &dir,
                    "htpasswd",
                    htpasswd,
                    &["-b", "users", &user, &password],
                )
            } else {
                barrier.start(
                    &dir,
                    "htpass",
                    htpass,
                    &["add", "users", &user, "-p", &password, "-a", "sha1"],
                )
            });
            expected.insert(user, password);
        }
        for i in UPDATES..UPDATES + DELETES {
            let user = format!("old{i}");
            started.push(if i % 2 == 0 {
                barrier.start(&dir, "htpass", htpass, &["delete", "users", &user])
            } else {
                barrier.start(&dir, "htpasswd", htpasswd, &["-D", "users", &user])
            });
            expected.remove(&user);
        }
        barrier.release();
        all_succeed(started);
        assert_eq!(assert_exactly(&dir, &expected), 0);
        let after = String::from_utf8(dir.read("users")).expect("an ASCII file");
        assert!(after.starts_with("# kept as it is\n"), "{after}");
    }
}
