//! Hostile input to both programs: user names no server could find,
//! passwords with NUL bytes, line breaks and invalid UTF-8, costs and rounds
//! at and past every bound, files that are garbage, huge, UTF-16, a
//! directory, a FIFO or `/dev/null`, and standard inputs that are closed,
//! empty or never written.
//!
//! Every run must end with the documented exit code, leave the file byte for
//! byte as it was when it fails, and never panic. Each kind of input is a
//! table; [`HOSTILE_INPUTS`] is their total, pinned by
//! `the_hostile_inputs_are_counted`. bcrypt runs at cost 4, and a cost or
//! rounds value too slow to hash (bcrypt 31, 999999999 rounds) is shown to be
//! accepted by a run that fails on its file before hashing.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Read;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use htpass::Password;
use htpass::hash::{self, BcryptCost, BcryptVariant, Params};

use crate::util::{self, TIMEOUT, TestDir};

/// `{SHA}` of `pw`: deterministic, so files can be written by hand.
const SHA_PW: &str = "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=";
/// A file every failing run must leave exactly as it was.
const USERS: &[u8] =
    b"# team\nalice:{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=\nbob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n";

/// The number of hostile inputs the tables below hold.
const HOSTILE_INPUTS: usize = 204;

// ------------------------------------------------------------------ running

/// What a run gave.
struct Ran {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

impl Ran {
    fn from_output(output: Output, what: &str) -> Ran {
        util::assert_no_panic(&output, what);
        Ran {
            code: output.status.code(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            stdout: output.stdout,
        }
    }

    fn expect(&self, code: i32, what: &str) -> &Ran {
        assert_eq!(self.code, Some(code), "{what}: {}", self.stderr);
        self
    }

    fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

fn os(arg: &[u8]) -> &OsStr {
    OsStr::from_bytes(arg)
}

fn describe(program: &str, args: &[&[u8]]) -> String {
    let args: Vec<String> = args
        .iter()
        .map(|arg| format!("{:?}", String::from_utf8_lossy(arg)))
        .collect();
    format!("{program} {}", args.join(" "))
}

/// `htpass ARGS` in `dir` with `stdin` (never a terminal), checked for panics.
fn htpass(dir: &TestDir, args: &[&[u8]], stdin: &[u8]) -> Ran {
    let output = dir
        .htpass()
        .args(args.iter().map(|arg| os(arg)))
        .write_stdin(stdin.to_vec())
        .output()
        .expect("run htpass");
    Ran::from_output(output, &describe("htpass", args))
}

/// Our `htpasswd ARGS` (argv[0] `htpasswd`) in `dir` with `stdin`.
fn htpasswd(dir: &TestDir, args: &[&[u8]], stdin: &[u8]) -> Ran {
    let output = util::htpasswd_cmd()
        .current_dir(dir.path(""))
        .args(args.iter().map(|arg| os(arg)))
        .write_stdin(stdin.to_vec())
        .output()
        .expect("run htpasswd");
    Ran::from_output(output, &describe("htpasswd", args))
}

/// Our `htpasswd` without a controlling terminal (`setsid`), so a prompt
/// goes to stderr and is answered from `stdin`.
fn htpasswd_detached(dir: &TestDir, args: &[&str], stdin: &[u8]) -> Ran {
    let output = util::detached_as_htpasswd(Path::new(env!("CARGO_BIN_EXE_htpasswd")))
        .current_dir(dir.path(""))
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .expect("run htpasswd");
    let args: Vec<&[u8]> = args.iter().map(|arg| arg.as_bytes()).collect();
    Ran::from_output(output, &describe("htpasswd", &args))
}

/// A file in `dir` with `USERS`, which the caller checks afterwards.
fn users_file(dir: &TestDir) -> std::path::PathBuf {
    dir.write("users", USERS)
}

/// `USERS` unchanged and nothing beside it.
fn assert_users_unchanged(dir: &TestDir, what: &str) {
    assert_eq!(dir.read("users"), USERS, "{what} changed the file");
    assert_eq!(dir.names(), ["users"], "{what} left something beside it");
}

/// Waits for `child` at most `limit`; kills it and fails if it is still
/// running then.
fn finish_within(mut child: Child, limit: Duration, what: &str) -> Ran {
    let start = Instant::now();
    while child.try_wait().expect("wait for the program").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}");
        }
        thread::sleep(Duration::from_millis(10));
    }
    Ran::from_output(child.wait_with_output().expect("collect output"), what)
}

/// Starts a program with stdin an open pipe that is never written.
fn spawn_with_open_stdin(program: &str, args: &[&str], dir: &TestDir) -> Child {
    Command::new(program)
        .args(args)
        .current_dir(dir.path(""))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the program")
}

/// Polls the kernel's record of caught signals, so that a test signals only
/// once the handler is in place.
fn wait_until_sigterm_is_caught(pid: u32) {
    const SIGTERM: u64 = 1 << (15 - 1);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let caught = status
            .lines()
            .find_map(|line| line.strip_prefix("SigCgt:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .unwrap_or(0);
        if caught & SIGTERM != 0 {
            return;
        }
        assert!(Instant::now() < deadline, "SIGTERM never caught");
        thread::sleep(Duration::from_millis(10));
    }
}

fn sigterm(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

fn bcrypt4() -> Params {
    Params::Bcrypt {
        variant: BcryptVariant::TwoY,
        cost: BcryptCost::new(4).expect("4 is in range"),
    }
}

fn bcrypt_hash(password: &[u8]) -> String {
    let hashed = hash::hash_password(&Password::from(password), &bcrypt4()).expect("hash");
    String::from_utf8(hashed).expect("bcrypt is ASCII")
}

// ------------------------------------------------------------------ user names

/// User names that no server could find (or that would break the file),
/// each with the exit code both programs give: 6 for a name not allowed, 5
/// for one too long. None can be written, by either program.
const BAD_NAMES: &[(&[u8], i32)] = &[
    (b"a:b", 6),
    (b":", 6),
    (b"alice:", 6),
    (b"a\nb", 6),
    (b"alice\n", 6),
    (b"a\rb", 6),
    (b"alice\r", 6),
    (b"a\tb", 6),
    (b"a\x01b", 6),
    (b"a\x1b[2Jb", 6),
    (b"\x1b]0;owned\x07", 6),
    (b"a\x7fb", 6),
    (b"a\x08b", 6),
    (b"#alice", 6),
    (b"#", 6),
    (b" alice", 6),
    (b" ", 6),
    (b"", 6),
    (&[b'u'; 256], 5),
    (&[b'u'; 1000], 5),
];

#[test]
fn user_names_no_server_could_find_are_refused_by_every_command_that_adds() {
    let dir = TestDir::new();
    users_file(&dir);
    for &(name, code) in BAD_NAMES {
        let htpass_runs: [&[&[u8]]; 6] = [
            &[b"add", b"users", name, b"-p", b"pw", b"-C", b"4"],
            &[b"add", b"new", name, b"-p", b"pw"],
            &[b"add", b"users", name, b"--generate"],
            &[b"create", b"new", name, b"-p", b"pw"],
            &[b"hash", name, b"-p", b"pw"],
            &[b"hash", name, b"--format", b"json", b"--generate"],
        ];
        for args in htpass_runs {
            let ran = htpass(&dir, args, b"");
            ran.expect(code, &describe("htpass", args));
            assert!(ran.stdout.is_empty(), "{}", describe("htpass", args));
            assert!(ran.stderr.starts_with("htpass: "), "{}", ran.stderr);
            assert!(!ran.stderr.contains("generated password"));
            assert_users_unchanged(&dir, &describe("htpass", args));
        }
        let htpasswd_runs: [&[&[u8]]; 6] = [
            &[b"-bs", b"users", name, b"pw"],
            &[b"-cbs", b"new", name, b"pw"],
            &[b"-vb", b"users", name, b"pw"],
            &[b"-D", b"users", name],
            &[b"-nbs", name, b"pw"],
            &[b"-nis", name],
        ];
        for args in htpasswd_runs {
            let ran = htpasswd(&dir, args, b"pw\n");
            ran.expect(code, &describe("htpasswd", args));
            assert!(ran.stdout.is_empty(), "{}", describe("htpasswd", args));
            assert!(ran.stderr.starts_with("htpasswd: "), "{}", ran.stderr);
            assert_users_unchanged(&dir, &describe("htpasswd", args));
        }
    }
}

/// `verify` and `delete` look a name up: whatever it holds, a name that is
/// not in the file is exit 6 and the file stays as it was. (` alice` is
/// alice: a reader skips white space before a name.)
#[test]
fn looking_up_a_name_that_is_not_in_the_file_is_exit_6_whatever_it_holds() {
    let dir = TestDir::new();
    users_file(&dir);
    let names = BAD_NAMES
        .iter()
        .map(|&(name, _)| name)
        .chain(INVISIBLE_NAMES.iter().map(|&(name, _)| name))
        .filter(|name| name.trim_ascii_start() != b"alice");
    for name in names {
        for args in [
            &[&b"verify"[..], b"users", name, b"-p", b"pw"][..],
            &[b"delete", b"users", name],
            &[b"delete", b"users", b"alice", name],
        ] {
            let what = describe("htpass", args);
            let ran = htpass(&dir, args, b"");
            ran.expect(6, &what);
            assert!(ran.stdout.is_empty(), "{what}");
            assert!(ran.stderr.starts_with("htpass: "), "{what}: {}", ran.stderr);
            assert_eq!(
                acts_on_a_terminal(&ran.stderr),
                None,
                "{what}: {}",
                ran.stderr
            );
            assert_users_unchanged(&dir, &what);
        }
    }
}

/// Names a person cannot tell from another (compat with the spec's "Names
/// as people see them"): C1 controls, zero-width and bidi formatting
/// characters, the byte-order mark, line and paragraph separators; each with
/// the code point the refusal must name.
const INVISIBLE_NAMES: &[(&[u8], &str)] = &[
    (b"c1\xc2\x80", "U+0080"),
    (b"c1\xc2\x85next", "U+0085"),
    (b"c1\xc2\x9b31m", "U+009B"),
    (b"c1\xc2\x9f", "U+009F"),
    (b"alm\xd8\x9c", "U+061C"),
    (b"zw\xe2\x80\x8bsp", "U+200B ZERO WIDTH SPACE"),
    (b"\xe2\x80\x8balice", "U+200B ZERO WIDTH SPACE"),
    (b"zwnj\xe2\x80\x8c", "U+200C"),
    (b"zwj\xe2\x80\x8d", "U+200D"),
    (b"lrm\xe2\x80\x8e", "U+200E"),
    (b"rlm\xe2\x80\x8f", "U+200F"),
    (b"ls\xe2\x80\xa8", "U+2028"),
    (b"ps\xe2\x80\xa9", "U+2029"),
    (b"lre\xe2\x80\xaax", "U+202A"),
    (b"rlo\xe2\x80\xaetxt.exe", "U+202E"),
    (b"wj\xe2\x81\xa0", "U+2060"),
    (b"invisible-plus\xe2\x81\xa4", "U+2064"),
    (b"lri\xe2\x81\xa6x\xe2\x81\xa9", "U+2066"),
    (b"pdi\xe2\x81\xa9", "U+2069"),
    (b"\xef\xbb\xbfalice", "U+FEFF"),
    (b"bom\xef\xbb\xbfinside", "U+FEFF"),
];

#[test]
fn names_a_person_cannot_tell_apart_are_refused_by_every_command_that_adds() {
    let dir = TestDir::new();
    users_file(&dir);
    for &(name, code_point) in INVISIBLE_NAMES {
        // On line 2: a byte-order mark that starts the input is dropped.
        let batch = [b"carol:pw\n", name, b":pw\n"].concat();
        let from = TestDir::new();
        let batch_file = from.write("batch", &batch);
        let htpass_runs: [(&[&[u8]], &[u8]); 8] = [
            (&[b"add", b"users", name, b"-p", b"pw", b"-C", b"4"], b""),
            (&[b"add", b"new", name, b"-p", b"pw"], b""),
            (&[b"add", b"users", name, b"--generate"], b""),
            (&[b"create", b"new", name, b"-p", b"pw"], b""),
            (&[b"hash", name, b"-p", b"pw"], b""),
            (&[b"hash", name, b"--format", b"json", b"--generate"], b""),
            (&[b"add", b"users", b"--batch", b"-C", b"4"], &batch),
            (
                &[
                    b"add",
                    b"users",
                    b"--batch",
                    b"--from",
                    batch_file.as_os_str().as_bytes(),
                ],
                b"",
            ),
        ];
        for (args, stdin) in htpass_runs {
            let what = describe("htpass", args);
            let ran = htpass(&dir, args, stdin);
            ran.expect(6, &what);
            assert!(ran.stdout.is_empty(), "{what}");
            assert!(ran.stderr.starts_with("htpass: "), "{what}: {}", ran.stderr);
            assert!(
                ran.stderr.contains(code_point) && ran.stderr.contains("cannot see"),
                "{what}: the message names {code_point}: {}",
                ran.stderr
            );
            assert_eq!(
                acts_on_a_terminal(&ran.stderr),
                None,
                "{what}: {}",
                ran.stderr
            );
            assert!(!ran.stderr.contains("generated password"), "{what}");
            assert_users_unchanged(&dir, &what);
        }
        let htpasswd_runs: [&[&[u8]]; 4] = [
            &[b"-bs", b"users", name, b"pw"],
            &[b"-cbs", b"new", name, b"pw"],
            &[b"-nbs", name, b"pw"],
            &[b"-nis", name],
        ];
        for args in htpasswd_runs {
            let what = describe("htpasswd", args);
            let ran = htpasswd(&dir, args, b"pw\n");
            ran.expect(6, &what);
            assert!(ran.stdout.is_empty(), "{what}");
            let expected = format!("htpasswd: username contains illegal character {code_point}");
            assert!(ran.stderr.starts_with(&expected), "{what}: {}", ran.stderr);
            assert_eq!(
                acts_on_a_terminal(&ran.stderr),
                None,
                "{what}: {}",
                ran.stderr
            );
            assert_users_unchanged(&dir, &what);
        }
    }
}

/// A Latin-1 (or other 8-bit) name is not UTF-8: its byte 0x85 is not the
/// C1 character U+0085 (which is 0xC2 0x85), servers compare it byte for
/// byte, and it is shown as `\x85`; such names stay allowed.
#[test]
fn raw_bytes_0x80_to_0x9f_outside_utf8_are_not_c1_characters() {
    let dir = TestDir::new();
    users_file(&dir);
    let name: &[u8] = b"caf\xe9\x85";
    htpass(
        &dir,
        &[b"add", b"users", name, b"-p", b"pw", b"-a", b"sha1"],
        b"",
    )
    .expect(0, "add a Latin-1 name");
    let listed = htpass(&dir, &[b"list", b"users"], b"");
    assert!(
        listed
            .stdout_text()
            .lines()
            .any(|line| line == "caf\\xe9\\x85"),
        "{}",
        listed.stdout_text()
    );
    htpasswd(&dir, &[b"-bs", b"users", b"\x85", b"pw"], b"").expect(0, "htpasswd -bs \\x85");
    htpass(&dir, &[b"delete", b"users", name, b"\x85"], b"").expect(0, "delete");
    assert_users_unchanged(&dir, "delete");
}

/// Apache's htpasswd writes such names (exit 0); ours refuses them (exit
/// 6) when adding, and still finds them, as Apache does, for -v and -D.
#[test]
fn htpasswd_refuses_to_add_invisible_names_that_apache_writes_and_finds_them_as_apache() {
    const APACHE: &str = "/usr/bin/htpasswd";
    assert!(
        Path::new(APACHE).is_file(),
        "{APACHE} is missing: install Apache's htpasswd: apt-get install apache2-utils"
    );
    let name: &[u8] = b"zw\xe2\x80\x8bsp";
    let apache = Command::new(APACHE)
        .args([os(b"-nbs"), os(name), os(b"pw")])
        .output()
        .expect("run Apache's htpasswd");
    assert_eq!(apache.status.code(), Some(0), "Apache writes the name");
    assert!(apache.stdout.starts_with(&[name, b":{SHA}"].concat()));

    let dir = TestDir::new();
    users_file(&dir);
    htpasswd(&dir, &[b"-nbs", name, b"pw"], b"").expect(6, "ours refuses");
    // A file Apache wrote: verify and delete find the name.
    let with_name = [USERS, name, b":", SHA_PW.as_bytes(), b"\n"].concat();
    dir.write("users", &with_name);
    htpasswd(&dir, &[b"-vb", b"users", name, b"pw"], b"").expect(0, "htpasswd -v");
    htpasswd(&dir, &[b"-D", b"users", name], b"").expect(0, "htpasswd -D");
    assert_users_unchanged(&dir, "htpasswd -D");
}

/// Names a file can hold, whatever `Username::new` says of new ones, each
/// with how `htpass list` shows it: every one can be verified and deleted
/// by its exact bytes, and by what `list` shows typed back inside bash's
/// `$'...'` (in a UTF-8 locale).
const NAMES_IN_A_FILE: &[(&[u8], &str)] = &[
    (b"a\tb", "a\\x09b"),
    (b"trail ", "trail\\x20"),
    (b"two  ", "two\\x20\\x20"),
    (b"in side", "in side"),
    (b"tab-end\t", "tab-end\\x09"),
    (b"nbsp\xc2\xa0", "nbsp\\u00a0"),
    (b"zw\xe2\x80\x8b", "zw\\u200b"),
    (b"c1\xc2\x85", "c1\\u0085"),
    (b"latin\x85", "latin\\x85"),
    (b"rlo\xe2\x80\xaetxt", "rlo\\u202etxt"),
    (b"bom\xef\xbb\xbf", "bom\\ufeff"),
    (b"ls\xe2\x80\xa8", "ls\\u2028"),
    (b"esc\x1b[2J", "esc\\x1b[2J"),
    (b"cr\rx", "cr\\x0dx"),
    (b"back\\slash", "back\\\\slash"),
    (b"o'brien", "o'brien"),
    (b"a#b", "a#b"),
    (b"", "''"),
    (b"''", "\\x27\\x27"),
];

/// `htpass list`'s line for each of `NAMES_IN_A_FILE`, in file order.
fn listed_names(dir: &TestDir) -> Vec<String> {
    let ran = htpass(dir, &[b"list", b"f"], b"");
    ran.expect(0, "list");
    ran.stdout_text().lines().map(str::to_owned).collect()
}

#[test]
fn names_already_in_a_file_can_be_verified_listed_and_deleted_whatever_they_hold() {
    let dir = TestDir::new();
    let mut content = b"first:x\n".to_vec();
    let long = vec![b'u'; 300];
    let names: Vec<(&[u8], String)> = NAMES_IN_A_FILE
        .iter()
        .map(|&(name, shown)| (name, shown.to_owned()))
        .chain([(&long[..], "u".repeat(300))])
        .collect();
    for (name, _) in &names {
        content.extend_from_slice(name);
        content.extend_from_slice(format!(":{SHA_PW}\n").as_bytes());
    }
    dir.write("f", &content);
    let listed = listed_names(&dir);
    let expected: Vec<String> = std::iter::once("first".to_owned())
        .chain(names.iter().map(|(_, shown)| shown.clone()))
        .collect();
    assert_eq!(listed, expected);
    let long_listed = htpass(&dir, &[b"list", b"f", b"--long"], b"");
    for (line, shown) in long_listed.stdout_text().lines().zip(&expected) {
        assert!(line.starts_with(&format!("{shown}\t")), "{line:?}");
    }

    for (name, shown) in &names {
        let what = format!("{shown} ({:?})", String::from_utf8_lossy(name));
        htpass(&dir, &[b"verify", b"f", name, b"-p", b"pw"], b"").expect(0, &what);
        htpass(&dir, &[b"verify", b"f", name, b"-p", b"no"], b"").expect(3, &what);
        // What `list` showed, typed back: bash's $'...' reads every escape
        // list writes; a ' is written \' inside it.
        let typed = format!("$'{}'", shown.replace('\'', "\\'"));
        let typed = if shown == "''" {
            "''".to_owned()
        } else {
            typed
        };
        let output = Command::new("bash")
            .arg("-c")
            .arg(format!("\"$HTPASS\" delete f {typed}"))
            .env("HTPASS", env!("CARGO_BIN_EXE_htpass"))
            .env("LC_ALL", "C.UTF-8")
            .current_dir(dir.path(""))
            .stdin(Stdio::null())
            .output()
            .expect("run bash");
        let ran = Ran::from_output(output, &what);
        ran.expect(0, &format!("delete {typed}"));
        let left = dir.read("f");
        let line = [&name[..], b":", SHA_PW.as_bytes(), b"\n"].concat();
        assert!(
            !util::lines(&left).contains(&&line[..]),
            "{what}: still in the file"
        );
    }
    assert_eq!(dir.read("f"), b"first:x\n");
}

/// A reader skips white space before a name (Apache's htpasswd and httpd
/// do; nginx keeps it, see `htpass check --for nginx`), so a line ` sp:...`
/// is user sp: `list` shows `sp`, and `sp` or ` sp` finds it.
#[test]
fn a_name_after_leading_white_space_is_found_with_or_without_it() {
    let dir = TestDir::new();
    let content = format!("first:x\n sp:{SHA_PW}\n\t\ttabbed:{SHA_PW}\n");
    dir.write("f", &content);
    assert_eq!(listed_names(&dir), ["first", "sp", "tabbed"]);
    for name in [&b" sp"[..], b"sp", b"\t\ttabbed", b"tabbed", b" \ttabbed"] {
        let what = format!("{:?}", String::from_utf8_lossy(name));
        htpass(&dir, &[b"verify", b"f", name, b"-p", b"pw"], b"").expect(0, &what);
    }
    htpass(&dir, &[b"delete", b"f", b" sp", b"\ttabbed"], b"").expect(0, "delete");
    assert_eq!(dir.read("f"), b"first:x\n");
}

/// `#x:...` is a comment to every reader: no user has the name `#x`, and
/// the message says why instead of only "not found".
#[test]
fn a_name_starting_with_hash_is_a_comment_never_an_entry() {
    let dir = TestDir::new();
    let content = format!("#x:{SHA_PW}\n  #y:{SHA_PW}\nalice:{SHA_PW}\n");
    dir.write("f", &content);
    assert_eq!(listed_names(&dir), ["alice"]);
    for args in [
        &[&b"verify"[..], b"f", b"#x", b"-p", b"pw"][..],
        &[b"delete", b"f", b"#x"],
        &[b"delete", b"f", b" #y"],
        &[b"delete", b"f", b"alice", b"#x"],
    ] {
        let what = describe("htpass", args);
        let ran = htpass(&dir, args, b"");
        ran.expect(6, &what);
        assert!(ran.stderr.contains("comment"), "{what}: {}", ran.stderr);
        assert_eq!(dir.read("f"), content.as_bytes(), "{what}");
    }
}

/// Names a server can find although they look odd: each is written, found,
/// listed and deleted again by both programs.
const ODD_NAMES: &[&[u8]] = &[
    b"\xff\xfe",
    b"caf\xc3\xa9",
    b"j\xc3\xb6rg m\xc3\xbcller",
    b"latin\xe9\x85",
    b"a\\x1b",
    b"alice#",
    b"alice ",
    b"-dash",
    &[b'u'; 255],
];

#[test]
fn odd_but_reachable_user_names_round_trip_through_both_programs() {
    let dir = TestDir::new();
    users_file(&dir);
    for &name in ODD_NAMES {
        let what = format!("{:?}", String::from_utf8_lossy(name));
        // `--` so that `-dash` is a name to clap too.
        htpass(
            &dir,
            &[b"add", b"-C", b"4", b"-p", b"pw", b"--", b"users", name],
            b"",
        )
        .expect(0, &what);
        htpass(&dir, &[b"verify", b"-p", b"pw", b"--", b"users", name], b"").expect(0, &what);
        htpass(&dir, &[b"verify", b"-p", b"no", b"--", b"users", name], b"").expect(3, &what);
        let json = htpass(&dir, &[b"list", b"users", b"--format", b"json"], b"");
        assert!(json_users(&json.stdout).contains(&name.to_vec()), "{what}");
        htpass(&dir, &[b"delete", b"--", b"users", name], b"").expect(0, &what);
        assert_users_unchanged(&dir, &what);
        // Apache's parser stops at the first non-option: `-dash` cannot be
        // a name there without `--`, which it takes as the end of options.
        let ran = htpasswd(&dir, &[b"-bs", b"--", b"users", name, b"pw"], b"");
        if name.len() + SHA_PW.len() + 2 >= 256 {
            // `USER:HASH\n` must be shorter than 256 bytes (compat spec §6.2).
            ran.expect(5, &what);
            assert_users_unchanged(&dir, &what);
            continue;
        }
        ran.expect(0, &what);
        htpasswd(&dir, &[b"-vb", b"--", b"users", name, b"pw"], b"").expect(0, &what);
        htpasswd(&dir, &[b"-D", b"--", b"users", name], b"").expect(0, &what);
        assert_users_unchanged(&dir, &what);
    }
}

/// The exact user names of `htpass list --format json` output (bytes: a
/// name that is not UTF-8 comes as `user_base64`).
fn json_users(stdout: &[u8]) -> Vec<Vec<u8>> {
    let value: serde_json::Value = serde_json::from_slice(stdout).expect("list json parses");
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(
            |entry| match entry.get("user_base64").and_then(|v| v.as_str()) {
                Some(encoded) => base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .expect("base64"),
                None => entry["user"].as_str().expect("user").as_bytes().to_vec(),
            },
        )
        .collect()
}

/// Batch input that cannot be added, with the exit code the same mistake
/// has on the command line. Names argv cannot carry (NUL) come this way.
const BAD_BATCHES: &[(&[u8], i32)] = &[
    (b"a\0b:pw\n", 6),
    (b"a\rb:pw\n", 6),
    (b"ab\r:pw\n", 6),
    (b"a\x1b[31mb:pw\n", 6),
    (b"\x7f:pw\n", 6),
    (b"a\x01:pw\n", 6),
    (b" x:pw\n", 6),
    (b"\tx:pw\n", 6),
    (b":pw\n", 6),
    (b"ok:pw\n:\n", 6),
    (b"\xff\xfea\x00:\x00p\x00w\x00\n\x00", 6),
    (b"u:\n", 2),
    (b"u\n", 2),
    (b"ok:pw\nno colon here\n", 2),
    (b"# only a comment\n", 2),
    (b"#x:pw\n", 2),
    (b"", 2),
    (b"\n\r\n  \n", 2),
    (b"ok:pw\nok:other\n", 2),
    (b"u:p\0w\n", 2),
    (b"u:\0\n", 2),
];

/// Batch input too long somewhere: no `:` in 256 bytes, a 256-byte name, a
/// 73-byte bcrypt password, a line longer than any batch line may be.
fn long_batches() -> Vec<(Vec<u8>, i32)> {
    vec![
        (vec![b'u'; 256], 2),
        ([vec![b'u'; 256], b":pw\n".to_vec()].concat(), 5),
        ([b"u:".to_vec(), vec![b'x'; 73], b"\n".to_vec()].concat(), 5),
        (
            [b"u:".to_vec(), vec![b'x'; 9000], b"\n".to_vec()].concat(),
            5,
        ),
    ]
}

#[test]
fn batch_lines_with_names_argv_cannot_carry_are_refused_and_nothing_is_written() {
    let dir = TestDir::new();
    users_file(&dir);
    let cases = BAD_BATCHES
        .iter()
        .map(|&(input, code)| (input.to_vec(), code))
        .chain(long_batches());
    for (input, code) in cases {
        let what = format!("batch {:?}", String::from_utf8_lossy(&input));
        let ran = htpass(&dir, &[b"add", b"users", b"--batch", b"-C", b"4"], &input);
        ran.expect(code, &what);
        assert!(ran.stdout.is_empty());
        assert_users_unchanged(&dir, &what);
        // The same input from a file (written outside the directory watched).
        let from = TestDir::new();
        let path = from.write("batch", &input);
        let ran = htpass(
            &dir,
            &[
                b"add",
                b"users",
                b"--batch",
                b"-C",
                b"4",
                b"--from",
                path.as_os_str().as_bytes(),
            ],
            b"",
        );
        ran.expect(code, &format!("{what} --from"));
        assert_users_unchanged(&dir, &what);
    }
}

#[test]
fn batch_lines_with_odd_but_legal_content_are_stored_exactly() {
    let dir = TestDir::new();
    users_file(&dir);
    let input = b"\xff\xfe:pw\r\ncarol:pa:ss:word\n  \n# comment\ndave:\xff\xfe \x01\n";
    htpass(&dir, &[b"add", b"users", b"--batch", b"-C", b"4"], input).expect(0, "odd batch");
    let file = dir.read("users");
    assert!(file.starts_with(USERS));
    for (user, password) in [
        (&b"\xff\xfe"[..], &b"pw"[..]),
        (b"carol", b"pa:ss:word"),
        (b"dave", b"\xff\xfe \x01"),
    ] {
        let stored = util::lines(&file)
            .into_iter()
            .find_map(|line| {
                util::chomp(line)
                    .strip_prefix(user)
                    .and_then(|rest| rest.strip_prefix(b":"))
            })
            .expect("the user is in the file");
        assert!(
            hash::verify(
                &Password::from(password),
                stored,
                hash::VerifyPolicy::default()
            )
            .is_match(),
            "{:?}",
            String::from_utf8_lossy(user)
        );
    }
}

// ------------------------------------------------------------------ passwords

/// How a password reaches htpass.
#[derive(Clone, Copy, Debug)]
enum Source {
    Stdin,
    File,
    Batch,
}

/// `htpass add users alice` with `password` from `source`.
fn add_alice(dir: &TestDir, source: Source, password: &[u8], extra: &[&[u8]]) -> Ran {
    let mut args: Vec<&[u8]> = vec![b"add", b"users"];
    let mut stdin = Vec::new();
    let from = TestDir::new();
    let path;
    match source {
        Source::Stdin => {
            args.extend([&b"alice"[..], b"--password-stdin"]);
            stdin = [password, b"\n"].concat();
        }
        Source::File => {
            path = from.write("password", [password, b"\n"].concat());
            args.extend([
                &b"alice"[..],
                b"--password-file",
                path.as_os_str().as_bytes(),
            ]);
        }
        Source::Batch => {
            args.push(b"--batch");
            stdin = [b"alice:", password, b"\n"].concat();
        }
    }
    args.extend_from_slice(extra);
    htpass(dir, &args, &stdin)
}

/// Passwords that cannot be set with htpass, with the exit code for each.
fn bad_new_passwords() -> Vec<(&'static str, Vec<u8>, i32)> {
    vec![
        ("NUL inside", b"pw\0rest".to_vec(), 2),
        ("NUL first", b"\0pw".to_vec(), 2),
        ("NUL alone", b"\0".to_vec(), 2),
        // Too long for bcrypt is said first, whatever the source.
        (
            "NUL after 72 bytes",
            [vec![b'x'; 72], b"\0".to_vec()].concat(),
            5,
        ),
        ("73 bytes", vec![b'x'; 73], 5),
    ]
}

/// The bug: a NUL byte in a password being set was hashed up to the NUL
/// (bcrypt reads a C string), so `pw\0rest` stored a hash that `pw` alone
/// opens, as silently as bcrypt's 72 bytes would. Now it is refused, from
/// every source, before anything is written.
#[test]
fn a_nul_in_a_password_being_set_is_refused_not_cut_short() {
    let dir = TestDir::new();
    users_file(&dir);
    for (what, password, code) in bad_new_passwords() {
        for source in [Source::Stdin, Source::File, Source::Batch] {
            let ran = add_alice(&dir, source, &password, &[b"-C", b"4"]);
            ran.expect(code, &format!("{what} from {source:?}"));
            if code == 2 {
                assert!(ran.stderr.contains("NUL"), "{}", ran.stderr);
            }
            assert_users_unchanged(&dir, what);
        }
    }
    let with_nul = b"pw\0rest\n";
    for args in [
        &[&b"hash"[..], b"alice", b"--password-stdin"][..],
        &[b"hash", b"alice", b"-a", b"apr1", b"--password-stdin"],
        &[b"hash", b"-a", b"plain", b"--password-stdin"],
        &[b"create", b"new", b"alice", b"--password-stdin"],
        &[
            b"add",
            b"new",
            b"alice",
            b"-a",
            b"sha512",
            b"--password-stdin",
        ],
    ] {
        let ran = htpass(&dir, args, with_nul);
        ran.expect(2, &describe("htpass", args));
        assert!(ran.stdout.is_empty());
        assert_users_unchanged(&dir, &describe("htpass", args));
    }
}

/// The bug: Apache's `getpass` answer is a C string, so a NUL ends it; ours
/// kept the bytes after it, and two answers that Apache takes as the same
/// password were "different" (exit 3).
#[test]
fn htpasswd_prompt_answer_ends_at_a_nul_as_in_apache() {
    let dir = TestDir::new();
    let ran = htpasswd_detached(&dir, &["-ns", "u"], b"pw\0one\npw\0two\n");
    ran.expect(0, "NUL in prompt answers");
    assert_eq!(ran.stdout, format!("u:{SHA_PW}\n\n").as_bytes());
    // What follows a NUL in a long line is dropped with the line, not read
    // as the next answer.
    let long = [b"pw\0".to_vec(), vec![b'x'; 400], b"\npw\n".to_vec()].concat();
    let ran = htpasswd_detached(&dir, &["-ns", "u"], &long);
    ran.expect(0, "NUL then a long rest");
    assert_eq!(ran.stdout, format!("u:{SHA_PW}\n\n").as_bytes());
    // -i already cut at a NUL (compat spec §4.2).
    let ran = htpasswd(&dir, &[b"-nis", b"u"], b"pw\0rest\n");
    assert_eq!(ran.stdout, format!("u:{SHA_PW}\n\n").as_bytes());
}

#[test]
fn passwords_at_and_past_the_bcrypt_limit() {
    let dir = TestDir::new();
    users_file(&dir);
    let x = |n: usize| vec![b'x'; n];
    for source in [Source::Stdin, Source::File, Source::Batch] {
        for (length, code) in [(73, 5), (1000, 5)] {
            let ran = add_alice(&dir, source, &x(length), &[b"-C", b"4"]);
            ran.expect(code, &format!("{length} bytes from {source:?}"));
            assert!(ran.stderr.contains("72"), "{}", ran.stderr);
            assert_users_unchanged(&dir, "a long bcrypt password");
        }
    }
    // A line over the 4096 bytes a password line may have.
    add_alice(&dir, Source::Stdin, &x(4097), &[b"-a", b"sha512"]).expect(5, "4097 bytes");
    assert_users_unchanged(&dir, "a 4097-byte line");
    htpass(
        &dir,
        &[b"add", b"users", b"alice", b"-C", b"4", b"-p", &x(73)],
        b"",
    )
    .expect(5, "-p 73 bytes");
    assert_users_unchanged(&dir, "-p 73 bytes");
    // Formats without the limit take any length; 72 is fine for bcrypt.
    add_alice(&dir, Source::Stdin, &x(1000), &[b"-a", b"sha512"]).expect(0, "sha512 1000");
    add_alice(&dir, Source::File, &x(1000), &[b"-a", b"apr1"]).expect(0, "apr1 1000");
    assert!(util::file_verifies(
        &dir.path("users"),
        "alice",
        &"x".repeat(1000)
    ));
    add_alice(&dir, Source::Batch, &x(72), &[b"-C", b"4"]).expect(0, "72 bytes");
    assert!(util::file_verifies(
        &dir.path("users"),
        "alice",
        &"x".repeat(72)
    ));

    // Verifying never refuses: a hash Apache made from a long password (its
    // first 72 bytes) verifies with the long password, as servers say.
    dir.write("long", format!("u:{}\n", bcrypt_hash(&x(72))));
    for length in [72, 73, 1000, 4096] {
        let stdin = [x(length), b"\n".to_vec()].concat();
        htpass(
            &dir,
            &[b"verify", b"long", b"u", b"--password-stdin"],
            &stdin,
        )
        .expect(0, &format!("verify {length} bytes"));
    }
    htpass(&dir, &[b"verify", b"long", b"u", b"-p", &x(71)], b"").expect(3, "71 bytes");

    // Our htpasswd keeps Apache's behaviour, with one warning line (D14).
    let warning = "Warning: bcrypt uses only the first 72 bytes of the password.\n";
    let ran = htpasswd(&dir, &[b"-nbBC4", b"u", &x(72)], b"");
    assert_eq!((ran.code, ran.stderr.as_str()), (Some(0), ""));
    for (args, stdin) in [
        (&[&b"-nbBC4"[..], b"u", &x(73)][..], &b""[..]),
        (&[b"-nbBC4", b"u", &x(255)], b""),
        (&[b"-niBC4", b"u"], &x(73)),
    ] {
        let ran = htpasswd(&dir, args, stdin);
        assert_eq!((ran.code, ran.stderr.as_str()), (Some(0), warning));
        let hash = util::stored_hash(&ran.stdout, "u").expect("a record");
        assert!(util::verifies(hash, &"x".repeat(72)));
    }
    let ran = htpasswd(&dir, &[b"-nbBC4", b"u", &x(1000)], b"");
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (Some(5), "htpasswd: password too long (> 255)\n")
    );
    htpasswd(&dir, &[b"-vb", b"long", b"u", &x(73)], b"").expect(0, "htpasswd -v 73");
}

#[test]
fn passwords_with_line_breaks_nul_and_invalid_utf8_are_kept_or_refused_never_mangled() {
    let dir = TestDir::new();
    users_file(&dir);
    // Invalid UTF-8 from each source is stored exactly and verifies.
    for source in [Source::Stdin, Source::File, Source::Batch] {
        add_alice(&dir, source, b"\xff\xfe\x80", &[b"-C", b"4"]).expect(0, "invalid UTF-8");
        let stored = dir.read("users");
        let hash = util::stored_hash(&stored, "alice").expect("alice");
        assert!(
            hash::verify(
                &Password::from(&b"\xff\xfe\x80"[..]),
                hash,
                hash::VerifyPolicy::default()
            )
            .is_match()
        );
        htpass(
            &dir,
            &[b"verify", b"users", b"alice", b"-p", b"\xff\xfe\x80"],
            b"",
        )
        .expect(0, "verify invalid UTF-8");
        htpass(
            &dir,
            &[b"verify", b"users", b"alice", b"-p", b"\xff\xfe"],
            b"",
        )
        .expect(3, "verify a prefix");
    }
    // A line break inside an argument is part of the password...
    htpass(
        &dir,
        &[b"add", b"users", b"alice", b"-C", b"4", b"-p", b"a\nb"],
        b"",
    )
    .expect(0, "-p with a newline");
    htpass(&dir, &[b"verify", b"users", b"alice", b"-p", b"a\nb"], b"").expect(0, "a\\nb");
    // ...but only the first line of stdin or a file is.
    htpass(
        &dir,
        &[b"verify", b"users", b"alice", b"--password-stdin"],
        b"a\nb\n",
    )
    .expect(3, "first line only");
    htpass(
        &dir,
        &[b"verify", b"users", b"alice", b"--password-stdin"],
        b"a\r\n",
    )
    .expect(3, "a\\r\\n is a");
    // A plain-text "hash" with a line break would split the line: refused.
    let before = dir.read("users");
    for password in [&b"a\nb"[..], b"a\rb"] {
        htpass(
            &dir,
            &[b"add", b"users", b"carol", b"-a", b"plain", b"-p", password],
            b"",
        )
        .expect(2, "plain with a line break");
        assert_eq!(dir.read("users"), before);
    }
    // Verifying never refuses a NUL: bcrypt reads up to it, as servers do.
    dir.write("nul", format!("u:{}\n", bcrypt_hash(b"pw")));
    htpass(
        &dir,
        &[b"verify", b"nul", b"u", b"--password-stdin"],
        b"pw\0rest\n",
    )
    .expect(0, "verify with a NUL");
    // Our htpasswd takes any byte but NUL from -b (argv cannot hold one).
    let ran = htpasswd(&dir, &[b"-nbs", b"u", b"\xff\n:\r\t"], b"");
    ran.expect(0, "htpasswd -b odd bytes");
}

// ------------------------------------------------------------------ costs

/// `-C` and `-r` values for htpass, and whether each is accepted.
const HTPASS_COSTS: &[(&str, &str, &str, bool)] = &[
    ("bcrypt", "--cost", "3", false),
    ("bcrypt", "--cost", "4", true),
    ("bcrypt", "--cost", "04", true),
    ("bcrypt", "--cost", "+4", true),
    ("bcrypt", "--cost", "31", true),
    ("bcrypt", "--cost", "32", false),
    ("bcrypt", "--cost", "0", false),
    ("bcrypt", "--cost", "-1", false),
    ("bcrypt", "--cost", "-0", false),
    ("bcrypt", "--cost", "4294967300", false),
    ("bcrypt", "--cost", "18446744073709551615", false),
    ("bcrypt", "--cost", "18446744073709551616", false),
    ("bcrypt", "--cost", "99999999999999999999999999999", false),
    ("bcrypt", "--cost", "", false),
    ("bcrypt", "--cost", "x", false),
    ("bcrypt", "--cost", "4.0", false),
    ("bcrypt", "--cost", " 4", false),
    ("bcrypt", "--cost", "0x4", false),
    ("bcrypt", "--cost", "\u{0664}", false),
    ("sha256", "--rounds", "999", false),
    ("sha256", "--rounds", "1000", true),
    ("sha512", "--rounds", "999999999", true),
    ("sha512", "--rounds", "1000000000", false),
    ("sha256", "--rounds", "4294967296", false),
    ("sha256", "--rounds", "18446744073709551616", false),
    ("sha256", "--rounds", "-5", false),
    ("sha256", "--rounds", "0", false),
    ("sha256", "--rounds", "abc", false),
    ("sha256", "--rounds", "1e3", false),
    ("sha256", "--rounds", "", false),
];

#[test]
fn htpass_costs_and_rounds_at_and_past_each_bound() {
    let dir = TestDir::new();
    users_file(&dir);
    fs::create_dir(dir.path("a-directory")).unwrap();
    for &(algorithm, option, value, accepted) in HTPASS_COSTS {
        let setting = format!("{option}={value}");
        let what = format!("-a {algorithm} {setting}");
        let add = |file: &str| {
            htpass(
                &dir,
                &[
                    b"add",
                    file.as_bytes(),
                    b"alice",
                    b"-a",
                    algorithm.as_bytes(),
                    setting.as_bytes(),
                    b"-p",
                    b"pw",
                ],
                b"",
            )
        };
        if accepted {
            // Past parsing and the password, the run fails on the file,
            // before anything is hashed (cost 31 would take hours).
            let ran = add("a-directory");
            ran.expect(1, &what);
            assert!(ran.stderr.contains("directory"), "{what}: {}", ran.stderr);
        } else {
            let ran = add("users");
            ran.expect(2, &what);
            assert!(
                ran.stderr.contains(option)
                    && ran.stderr.contains(if option == "--cost" {
                        "from 4 to 31"
                    } else {
                        "from 1000 to 999999999"
                    }),
                "{what}: {}",
                ran.stderr
            );
            htpass(
                &dir,
                &[b"hash", b"-a", algorithm.as_bytes(), setting.as_bytes()],
                b"",
            )
            .expect(2, &what);
        }
        assert_users_unchanged_but_the_directory(&dir, &what);
    }
    // The cheap accepted values really hash with what was asked.
    let ran = htpass(&dir, &[b"hash", b"--cost=+4", b"-p", b"pw"], b"");
    assert!(ran.stdout.starts_with(b"$2y$04$"), "{}", ran.stdout_text());
    let ran = htpass(
        &dir,
        &[b"hash", b"-a", b"sha256", b"-r", b"1000", b"-p", b"pw"],
        b"",
    );
    assert!(
        ran.stdout.starts_with(b"$5$rounds=1000$"),
        "{}",
        ran.stdout_text()
    );
    // A negative value in its own argument looks like an option to clap.
    htpass(&dir, &[b"hash", b"-C", b"-1", b"-p", b"pw"], b"").expect(2, "-C -1");
    // --generate=LEN has bounds too.
    for (length, code) in [("11", 2), ("12", 0), ("256", 0), ("257", 2), ("65536", 2)] {
        htpass(
            &dir,
            &[
                b"hash",
                b"-a",
                b"sha1",
                format!("--generate={length}").as_bytes(),
            ],
            b"",
        )
        .expect(code, &format!("--generate={length}"));
    }
}

fn assert_users_unchanged_but_the_directory(dir: &TestDir, what: &str) {
    assert_eq!(dir.read("users"), USERS, "{what} changed the file");
    assert_eq!(dir.names(), ["a-directory", "users"], "{what}");
}

/// `-C`/`-r` values for our htpasswd with the exit code and the first line
/// of stderr (Apache's rules, compat spec §1.6 and §5, with D2 and D3
/// fixed: nothing out of range is written or wrapped).
const HTPASSWD_COSTS: &[(&str, &str, i32, &str)] = &[
    (
        "-nbB",
        "3",
        3,
        "htpasswd: Unable to encode with bcrypt: Invalid argument",
    ),
    ("-nbB", "4", 0, ""),
    (
        "-nbB",
        "18",
        3,
        "htpasswd: Unable to encode with bcrypt: Invalid argument",
    ),
    (
        "-nbB",
        "31",
        3,
        "htpasswd: Unable to encode with bcrypt: Invalid argument",
    ),
    (
        "-nbB",
        "32",
        3,
        "htpasswd: Unable to encode with bcrypt: Invalid argument",
    ),
    (
        "-nbB",
        "2147483648",
        3,
        "htpasswd: Unable to encode with bcrypt: Invalid argument",
    ),
    (
        "-nbB",
        "4294967300",
        3,
        "htpasswd: Unable to encode with bcrypt: Invalid argument",
    ),
    (
        "-nbB",
        "18446744073709551616",
        3,
        "htpasswd: Unable to encode with bcrypt: Invalid argument",
    ),
    (
        "-nbB",
        "0",
        2,
        "htpasswd: argument to -C/-r must be a positive integer",
    ),
    (
        "-nbB",
        "-1",
        2,
        "htpasswd: argument to -C/-r must be a positive integer",
    ),
    (
        "-nbB",
        "x",
        2,
        "htpasswd: argument to -C/-r must be a positive integer",
    ),
    (
        "-nbB",
        "",
        2,
        "htpasswd: argument to -C/-r must be a positive integer",
    ),
    (
        "-nbB",
        "4.0",
        2,
        "htpasswd: argument to -C/-r must be a positive integer",
    ),
    (
        "-nb2",
        "999",
        3,
        "htpasswd: Unable to encode with SHA-256 crypt: Invalid argument",
    ),
    ("-nb2", "1000", 0, ""),
    (
        "-nb5",
        "1000000000",
        3,
        "htpasswd: Unable to encode with SHA-512 crypt: Invalid argument",
    ),
    (
        "-nb2",
        "4294967296",
        3,
        "htpasswd: Unable to encode with SHA-256 crypt: Invalid argument",
    ),
    (
        "-nb5",
        "18446744073709551616",
        3,
        "htpasswd: Unable to encode with SHA-512 crypt: Invalid argument",
    ),
    (
        "-nb2",
        "-5",
        2,
        "htpasswd: argument to -C/-r must be a positive integer",
    ),
    (
        "-nbm",
        "18446744073709551616",
        0,
        "Warning: Ignoring -C/-r argument for this algorithm.",
    ),
];

#[test]
fn htpasswd_costs_and_rounds_at_and_past_each_bound() {
    let dir = TestDir::new();
    users_file(&dir);
    for &(bundle, value, code, first_line) in HTPASSWD_COSTS {
        for option in ["-C", "-r"] {
            let what = format!("{bundle} {option} {value:?}");
            let ran = htpasswd(
                &dir,
                &[
                    bundle.as_bytes(),
                    option.as_bytes(),
                    value.as_bytes(),
                    b"u",
                    b"pw",
                ],
                b"",
            );
            ran.expect(code, &what);
            assert_eq!(
                ran.stderr.lines().next().unwrap_or(""),
                first_line,
                "{what}"
            );
            assert_eq!(ran.stdout.is_empty(), code != 0, "{what}");
            // The same value updating a file: refused before it is touched.
            let update = bundle.replace('n', "");
            let ran = htpasswd(
                &dir,
                &[
                    update.as_bytes(),
                    option.as_bytes(),
                    value.as_bytes(),
                    b"users",
                    b"carol",
                    b"pw",
                ],
                b"",
            );
            ran.expect(code, &format!("{what} on a file"));
            if code == 0 {
                users_file(&dir);
            }
            assert_users_unchanged(&dir, &what);
            // ...and creating one: nothing is created (D5).
            let create = bundle.replace('n', "c");
            htpasswd(
                &dir,
                &[
                    create.as_bytes(),
                    option.as_bytes(),
                    value.as_bytes(),
                    b"new",
                    b"u",
                    b"pw",
                ],
                b"",
            )
            .expect(code, &format!("{what} -c"));
            if code == 0 {
                fs::remove_file(dir.path("new")).unwrap();
            }
            assert_users_unchanged(&dir, &what);
        }
    }
    // 999999999 rounds are accepted (Apache's library takes them) but take
    // minutes; in delete mode the value is parsed and ignored.
    htpasswd(
        &dir,
        &[b"-D2", b"-r", b"999999999", b"users", b"nobody"],
        b"",
    )
    .expect(0, "-D -r 999999999");
    assert_users_unchanged(&dir, "-D -r 999999999");
}

// ------------------------------------------------------------------ files

/// A file that is not what an htpasswd file should be, and what each
/// command makes of it.
struct HostileFile {
    name: &'static str,
    content: Vec<u8>,
    /// `htpass verify FILE alice -p pw`.
    verify: i32,
    /// `htpass check FILE`.
    check: i32,
    /// `htpass export FILE --format json` (and compose).
    export: i32,
    /// `htpasswd -vb FILE alice pw`.
    htpasswd_verify: i32,
    /// `htpasswd -bs FILE carol pw` (and `-D FILE nobody`): 7 when Apache
    /// would call the file invalid.
    htpasswd_update: i32,
    /// `htpass add FILE carol` (and `delete FILE nobody`): 7 when a line is
    /// neither an entry, a comment nor blank.
    htpass_update: i32,
}

/// Bytes that look like nothing: a fixed pseudo-random sequence.
fn garbage(length: usize) -> Vec<u8> {
    let mut state: u32 = 0x2545_f491;
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect()
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xff, 0xfe];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

const TEN_MIB: usize = 10 * 1024 * 1024;

fn hostile_files() -> Vec<HostileFile> {
    let alice = format!("alice:{SHA_PW}");
    let file = |name, content: Vec<u8>, codes: [i32; 5]| HostileFile {
        name,
        content,
        verify: codes[0],
        check: codes[1],
        export: codes[2],
        htpasswd_verify: codes[3],
        htpasswd_update: codes[4],
        // Both programs refuse to write a file with a line that is neither
        // an entry, a comment nor blank (cli.md, "What an htpasswd file is").
        htpass_update: codes[4],
    };
    vec![
        file("binary garbage", garbage(4096), [6, 7, 7, 7, 7]),
        file(
            "ten MiB line, no newline",
            vec![b'x'; TEN_MIB],
            [6, 7, 7, 7, 7],
        ),
        file(
            "ten MiB hash",
            [b"alice:".to_vec(), vec![b'x'; TEN_MIB], b"\n".to_vec()].concat(),
            [3, 7, 0, 3, 0],
        ),
        file(
            "UTF-16 with a BOM",
            utf16le_with_bom(&format!("{alice}\n")),
            [6, 7, 7, 7, 7],
        ),
        file(
            "CRLF",
            format!("{alice}\r\nbob:{SHA_PW}\r\n").into_bytes(),
            [0, 7, 0, 0, 0],
        ),
        file(
            "duplicates",
            format!("{alice}\nalice:{{SHA}}other\n").into_bytes(),
            [0, 7, 0, 3, 0],
        ),
        file("a line of only ':'", b":\n".to_vec(), [6, 7, 0, 6, 0]),
        file("only ':' twice", b":\n:\n".to_vec(), [6, 7, 0, 6, 0]),
        file(
            "NUL bytes",
            format!("{alice}\0junk\nbob\0:x\n").into_bytes(),
            [3, 7, 0, 3, 0],
        ),
        file(
            "bare CR line ends",
            format!("{alice}\rbob:{SHA_PW}\r").into_bytes(),
            [3, 7, 0, 0, 0],
        ),
        file("empty", Vec::new(), [6, 0, 0, 6, 0]),
        file(
            "no final newline",
            alice.clone().into_bytes(),
            [0, 0, 0, 0, 0],
        ),
        file(
            "comments and blanks only",
            b"# c\n\n \t \n#x:y\n".to_vec(),
            [6, 0, 0, 6, 0],
        ),
        file(
            "leading white space",
            format!("  {alice}\n\t{alice}\n").into_bytes(),
            [0, 7, 0, 0, 0],
        ),
        file(
            "a 300-byte user",
            [
                vec![b'u'; 300],
                b":x\n".to_vec(),
                alice.clone().into_bytes(),
            ]
            .concat(),
            [0, 7, 0, 0, 0],
        ),
        file(
            "invalid UTF-8 everywhere",
            [b"\xff\xfe:\x80\x81\n", alice.as_bytes(), b"\n"].concat(),
            [0, 7, 0, 0, 0],
        ),
    ]
}

/// `export --format compose` also refuses (7) an entry it cannot carry:
/// one with a `,` (Traefik's list separator) or bytes that are not UTF-8.
fn compose_code(file: &HostileFile) -> i32 {
    let unfit = file.content.split(|&b| b == b'\n').any(|line| {
        let line = line.trim_ascii_start();
        line.first().is_some_and(|&b| b != b'#')
            && line.contains(&b':')
            && (std::str::from_utf8(line).is_err() || line.contains(&b','))
    });
    if file.export == 0 && unfit {
        7
    } else {
        file.export
    }
}

#[test]
fn hostile_files_give_documented_codes_and_are_never_damaged() {
    for file in hostile_files() {
        let dir = TestDir::new();
        dir.write("f", &file.content);
        let unchanged = |what: &str| {
            assert!(
                dir.read("f") == file.content,
                "{}: {what} changed the file",
                file.name
            );
            assert_eq!(dir.names(), ["f"], "{}: {what}", file.name);
        };
        let what = |command: &str| format!("{}: {command}", file.name);
        htpass(&dir, &[b"verify", b"f", b"alice", b"-p", b"pw"], b"")
            .expect(file.verify, &what("verify"));
        htpass(&dir, &[b"list", b"f"], b"").expect(0, &what("list"));
        htpass(&dir, &[b"list", b"f", b"--long"], b"").expect(0, &what("list --long"));
        let json = htpass(&dir, &[b"list", b"f", b"--format", b"json"], b"");
        json.expect(0, &what("list json"));
        json_users(&json.stdout);
        let delete_code = if file.htpass_update == 7 { 7 } else { 6 };
        htpass(&dir, &[b"delete", b"f", b"nobody"], b"").expect(delete_code, &what("delete"));
        htpass(&dir, &[b"check", b"f"], b"").expect(file.check, &what("check"));
        for (format, code) in [
            (&b"json"[..], file.export),
            (b"compose", compose_code(&file)),
        ] {
            htpass(&dir, &[b"export", b"f", b"--format", format], b"")
                .expect(code, &what("export"));
        }
        unchanged("reading");
        htpasswd(&dir, &[b"-vb", b"f", b"alice", b"pw"], b"")
            .expect(file.htpasswd_verify, &what("htpasswd -v"));
        htpasswd(&dir, &[b"-D", b"f", b"nobody"], b"")
            .expect(file.htpasswd_update, &what("htpasswd -D"));
        unchanged("htpasswd -v and -D");
        let ran = htpasswd(&dir, &[b"-bs", b"f", b"carol", b"pw"], b"");
        ran.expect(file.htpasswd_update, &what("htpasswd -b"));
        if file.htpasswd_update != 0 {
            unchanged("htpasswd -b");
        } else {
            assert_appended(&dir, &file, &what("htpasswd -b"));
        }
        // htpass writes a file only if every line is an entry, a comment or
        // blank (as Apache's htpasswd, whose exit 7 says so), and then keeps
        // every old byte.
        dir.write("f", &file.content);
        let added = htpass(
            &dir,
            &[b"add", b"f", b"carol", b"-p", b"pw", b"-a", b"sha1"],
            b"",
        );
        if file.htpass_update == 7 {
            added.expect(7, &what("add"));
            unchanged("add");
        } else {
            added.expect(0, &what("add"));
            assert_appended(&dir, &file, &what("add"));
        }
    }
}

/// The file is its old bytes, a newline if they lacked one, and carol.
fn assert_appended(dir: &TestDir, file: &HostileFile, what: &str) {
    let now = dir.read("f");
    let mut expected = file.content.clone();
    if !expected.is_empty() && !expected.ends_with(b"\n") {
        expected.push(b'\n');
    }
    expected.extend_from_slice(format!("carol:{SHA_PW}\n").as_bytes());
    assert!(now == expected, "{what}: not the old bytes plus carol");
    assert_eq!(dir.names(), ["f"], "{what}");
}

#[test]
fn a_directory_instead_of_a_file_is_exit_1_for_every_command() {
    let dir = TestDir::new();
    fs::create_dir(dir.path("d")).unwrap();
    for args in [
        &[&b"verify"[..], b"d", b"alice", b"-p", b"pw"][..],
        &[b"list", b"d"],
        &[b"delete", b"d", b"alice"],
        &[b"check", b"d"],
        &[b"export", b"d", b"--format", b"json"],
        &[b"export", b"d", b"--format", b"k8s-secret"],
        &[b"add", b"d", b"alice", b"-p", b"pw"],
        &[b"add", b"d", b"--batch"],
        &[b"create", b"d"],
        &[b"create", b"--force", b"d", b"alice", b"-p", b"pw"],
    ] {
        let ran = htpass(&dir, args, b"alice:pw\n");
        ran.expect(1, &describe("htpass", args));
        assert!(ran.stderr.contains("d: "), "{}", ran.stderr);
    }
    for (args, message) in [
        (
            &[&b"-vb"[..], b"d", b"alice", b"pw"][..],
            "htpasswd: cannot modify file d; use '-c' to create it\n",
        ),
        (
            &[b"-D", b"d", b"alice"],
            "htpasswd: cannot modify file d; use '-c' to create it\n",
        ),
        (
            &[b"-b", b"d", b"alice", b"pw"],
            "htpasswd: cannot modify file d; use '-c' to create it\n",
        ),
        (
            &[b"-cb", b"d", b"alice", b"pw"],
            "htpasswd: cannot create file d\n",
        ),
    ] {
        let ran = htpasswd(&dir, args, b"");
        assert_eq!(
            (ran.code, ran.stderr.as_str()),
            (Some(1), message),
            "{}",
            describe("htpasswd", args)
        );
    }
    assert!(fs::read_dir(dir.path("d")).unwrap().next().is_none());
    assert_eq!(dir.names(), ["d"]);
}

#[test]
fn dev_null_reads_as_an_empty_file_and_is_never_replaced() {
    let dir = TestDir::new();
    let null: &[u8] = b"/dev/null";
    htpass(&dir, &[b"verify", null, b"alice", b"-p", b"pw"], b"").expect(6, "verify");
    let ran = htpass(&dir, &[b"list", null], b"");
    assert_eq!((ran.code, ran.stdout.as_slice()), (Some(0), &b""[..]));
    htpass(&dir, &[b"check", null], b"").expect(0, "check");
    let ran = htpass(&dir, &[b"export", null, b"--format", b"json"], b"");
    assert_eq!((ran.code, ran.stdout.as_slice()), (Some(0), &b"[]\n"[..]));
    // An update needs the old content back: refused.
    htpass(&dir, &[b"add", null, b"alice", b"-p", b"pw"], b"").expect(1, "add");
    htpass(&dir, &[b"delete", null, b"alice"], b"").expect(1, "delete");
    htpass(&dir, &[b"create", null], b"").expect(1, "create without --force");
    // Replacing writes in place, as Apache's `htpasswd -c /dev/null`.
    htpass(
        &dir,
        &[
            b"create", b"--force", null, b"alice", b"-p", b"pw", b"-C", b"4",
        ],
        b"",
    )
    .expect(0, "create --force");
    htpasswd(&dir, &[b"-vb", null, b"alice", b"pw"], b"").expect(1, "htpasswd -v");
    htpasswd(&dir, &[b"-b", null, b"alice", b"pw"], b"").expect(1, "htpasswd -b");
    htpasswd(&dir, &[b"-cbs", null, b"alice", b"pw"], b"").expect(0, "htpasswd -c");
    let metadata = fs::metadata("/dev/null").unwrap();
    assert!(metadata.file_type().is_char_device(), "/dev/null replaced!");
    assert!(dir.names().is_empty());
}

/// Runs `sh -c SCRIPT` in `dir` (a FIFO's other end); killed by the test
/// if the program under test never opened its end.
fn other_end(dir: &TestDir, script: &str) -> Child {
    Command::new("sh")
        .args(["-c", script])
        .current_dir(dir.path(""))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sh")
}

fn end(mut child: Child) -> Vec<u8> {
    let _ = child.kill();
    let mut out = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_end(&mut out);
    }
    let _ = child.wait();
    out
}

fn make_fifo(dir: &TestDir, name: &str) {
    let status = Command::new("mkfifo")
        .arg(dir.path(name))
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

/// A FIFO cannot be updated in place (its old content cannot be read back
/// and rewritten), so every update is refused at once, without opening it:
/// nothing waits for a reader or a writer.
#[test]
fn a_fifo_is_never_updated_and_the_refusal_does_not_wait() {
    let dir = TestDir::new();
    make_fifo(&dir, "fifo");
    for args in [
        &[&b"add"[..], b"fifo", b"alice", b"-p", b"pw"][..],
        &[b"delete", b"fifo", b"alice"],
        &[b"create", b"fifo", b"alice", b"-p", b"pw"],
    ] {
        htpass(&dir, args, b"alice:pw\n").expect(1, &describe("htpass", args));
    }
    for args in [
        &[&b"-b"[..], b"fifo", b"alice", b"pw"][..],
        &[b"-D", b"fifo", b"alice"],
        &[b"-vb", b"fifo", b"alice", b"pw"],
    ] {
        let ran = htpasswd(&dir, args, b"");
        assert_eq!(
            (ran.code, ran.stderr.as_str()),
            (
                Some(1),
                "htpasswd: cannot modify file fifo; use '-c' to create it\n"
            )
        );
    }
    assert!(
        fs::metadata(dir.path("fifo"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(dir.names(), ["fifo"]);
}

/// The bug: `add --batch` read the users' current hashes before the update
/// refused the FIFO, and that read waited in open() for a writer that never
/// came.
#[test]
fn add_batch_to_a_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = TestDir::new();
    make_fifo(&dir, "fifo");
    let ran = htpass(&dir, &[b"add", b"fifo", b"--batch"], b"alice:pw\n");
    ran.expect(1, "add --batch to a FIFO");
    assert!(ran.stderr.contains("not a regular file"), "{}", ran.stderr);
    assert_eq!(dir.names(), ["fifo"]);
}

/// Reading a FIFO (`htpass verify <(…)`) gets what its writer sends. Like
/// `cat`, the reader waits in open() until a writer comes: the user named a
/// FIFO, so that is what they asked for, and SIGTERM still ends the wait
/// (next test).
#[test]
fn a_fifo_is_read_as_its_writer_sends_it() {
    let dir = TestDir::new();
    make_fifo(&dir, "fifo");
    let content = format!("# from a pipe\nalice:{SHA_PW}\n");
    for (args, code, stdout) in [
        (
            &[&b"verify"[..], b"fifo", b"alice", b"-p", b"pw"][..],
            0,
            "",
        ),
        (&[b"verify", b"fifo", b"alice", b"-p", b"no"], 3, ""),
        (&[b"list", b"fifo"], 0, "alice\n"),
        (&[b"check", b"fifo", b"--min-cost", b"4"], 0, ""),
        (&[b"export", b"fifo", b"--format", b"compose"], 0, ""),
    ] {
        let writer = other_end(&dir, &format!("printf '%s' '{content}' > fifo"));
        let ran = htpass(&dir, args, b"");
        end(writer);
        ran.expect(code, &describe("htpass", args));
        assert!(
            ran.stdout_text().starts_with(stdout),
            "{}",
            ran.stdout_text()
        );
    }
    // Our htpasswd writes a FIFO in place with -c, as Apache does.
    let reader = other_end(&dir, "exec cat fifo");
    htpasswd(&dir, &[b"-cbs", b"fifo", b"alice", b"pw"], b"").expect(0, "htpasswd -c");
    let deadline = Instant::now() + TIMEOUT;
    let mut reader = reader;
    while reader.try_wait().unwrap().is_none() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(end(reader), format!("alice:{SHA_PW}\n").as_bytes());
    assert!(
        fs::metadata(dir.path("fifo"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn reading_a_fifo_nobody_writes_waits_like_cat_and_sigterm_ends_it() {
    let dir = TestDir::new();
    make_fifo(&dir, "fifo");
    for args in [
        &["verify", "fifo", "alice", "-p", "pw"][..],
        &["list", "fifo"],
        &["check", "fifo"],
        &["export", "fifo", "--format", "json"],
    ] {
        let mut child = spawn_with_open_stdin(env!("CARGO_BIN_EXE_htpass"), args, &dir);
        wait_until_sigterm_is_caught(child.id());
        thread::sleep(Duration::from_millis(100));
        assert!(
            child.try_wait().unwrap().is_none(),
            "{args:?} ended although nobody wrote"
        );
        sigterm(&child);
        let ran = finish_within(child, TIMEOUT, &format!("{args:?} after SIGTERM"));
        ran.expect(4, &format!("{args:?}"));
        assert_eq!(ran.stderr, "htpass: interrupted; no file was changed\n");
    }
}

/// Replacing a FIFO nobody reads waits for a reader, as Apache's htpasswd
/// does, but SIGTERM still ends it with exit 4. Regression: the store used
/// to wait in open() while holding the interrupt lock, so no signal could
/// end the run.
#[test]
fn replacing_a_fifo_nobody_reads_can_be_interrupted() {
    let dir = TestDir::new();
    make_fifo(&dir, "fifo");
    let mut child = spawn_with_open_stdin(
        env!("CARGO_BIN_EXE_htpass"),
        &["create", "--force", "fifo", "alice", "-p", "pw", "-C", "4"],
        &dir,
    );
    wait_until_sigterm_is_caught(child.id());
    thread::sleep(Duration::from_millis(300));
    sigterm(&child);
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(5) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("SIGTERM did not end a run blocked on a FIFO");
        }
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(child.wait().unwrap().code(), Some(4));
}

// ------------------------------------------------------------------ stdin

/// `PROGRAM ARGS` with standard input closed (`<&-`).
fn with_stdin_closed(dir: &TestDir, program: &str, argv0: &str, args: &[&str]) -> Ran {
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(r#"argv0=$1; shift; exec -a "$argv0" "$@" <&-"#)
        .arg("bash")
        .arg(argv0)
        .arg(program)
        .args(args)
        .current_dir(dir.path(""))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = command.spawn().expect("start bash");
    finish_within(child, TIMEOUT, &format!("{argv0} {args:?} <&-"))
}

/// The standard inputs every run below meets.
const STDIN_STATES: [&str; 3] = ["closed", "empty", "an open pipe nobody writes"];

/// Runs that never may wait, whatever stdin is: each finishes with its
/// code when stdin is closed, empty, or an open pipe nobody writes.
const NEVER_WAITS: &[(&[&str], i32)] = &[
    (&["add", "users", "carol"], 2),
    (&["add", "users", "alice", "-C", "4"], 2),
    (&["create", "new", "carol"], 2),
    (&["hash", "carol"], 2),
    (&["hash"], 2),
    (&["verify", "users", "alice"], 2),
    (&["verify", "users", "nobody"], 2),
    (&["list", "users"], 0),
    (&["delete", "users", "nobody"], 6),
    (&["check", "users"], 0),
    (&["export", "users", "--format", "json"], 0),
    (&["add", "users", "carol", "-p", "pw", "-a", "sha1"], 0),
];

#[test]
fn commands_that_need_no_stdin_never_wait_on_it() {
    let dir = TestDir::new();
    let fresh = || {
        users_file(&dir);
        let _ = fs::remove_file(dir.path("new"));
    };
    for &(args, code) in NEVER_WAITS {
        let what = format!("htpass {args:?}");
        fresh();
        let child = spawn_with_open_stdin(env!("CARGO_BIN_EXE_htpass"), args, &dir);
        let start = Instant::now();
        let ran = finish_within(child, TIMEOUT, &format!("{what} with an open stdin"));
        ran.expect(code, &format!("{what} with an open stdin"));
        assert!(start.elapsed() < Duration::from_secs(10), "{what} waited");
        fresh();
        let argv: Vec<&[u8]> = args.iter().map(|arg| arg.as_bytes()).collect();
        htpass(&dir, &argv, b"").expect(code, &format!("{what} with an empty stdin"));
        fresh();
        with_stdin_closed(&dir, env!("CARGO_BIN_EXE_htpass"), "htpass", args)
            .expect(code, &format!("{what} with stdin closed"));
        if code != 0 {
            assert_eq!(dir.read("users"), USERS, "{what}");
            assert!(!dir.path("new").exists(), "{what}");
        }
    }
    // Our htpasswd reads stdin only for -i and the prompt.
    for (args, code) in [
        (&["-bs", "users", "carol", "pw"][..], 0),
        (&["-D", "users", "nobody"], 0),
        (&["-vb", "users", "alice", "pw"], 0),
        (&["-nbs", "u", "pw"], 0),
        (&["-v", "users", "nobody"], 6),
    ] {
        fresh();
        let child = spawn_with_open_stdin(env!("CARGO_BIN_EXE_htpasswd"), args, &dir);
        finish_within(child, TIMEOUT, &format!("htpasswd {args:?}"))
            .expect(code, &format!("htpasswd {args:?}"));
    }
}

/// Asked to read stdin, both programs wait for it, as `docker login
/// --password-stdin` and Apache's prompt without a terminal do; when the
/// writer goes away without a line, each fails clearly and changes nothing.
#[test]
fn reading_stdin_on_request_waits_for_the_writer_and_fails_when_it_leaves() {
    let dir = TestDir::new();
    users_file(&dir);
    let htpass_bin = env!("CARGO_BIN_EXE_htpass");
    let htpasswd_bin = env!("CARGO_BIN_EXE_htpasswd");
    // `setsid`: no controlling terminal, so the prompt reads stdin (§4.3).
    let detached: Vec<&str> = vec!["-w", htpasswd_bin];
    for (program, args, code, message) in [
        (
            htpass_bin,
            vec!["add", "users", "alice", "--password-stdin"],
            2,
            "holds no password",
        ),
        (
            htpass_bin,
            vec!["verify", "users", "alice", "--password-stdin"],
            2,
            "holds no password",
        ),
        (
            htpass_bin,
            vec!["add", "users", "--batch"],
            2,
            "holds no user:password lines",
        ),
        (
            "setsid",
            [detached.clone(), vec!["users", "alice"]].concat(),
            3,
            "standard input ended before a line was read",
        ),
        (
            "setsid",
            [detached.clone(), vec!["-v", "users", "alice"]].concat(),
            3,
            "",
        ),
    ] {
        let what = format!("{program} {args:?}");
        let mut child = spawn_with_open_stdin(program, &args, &dir);
        thread::sleep(Duration::from_millis(300));
        assert!(
            child.try_wait().unwrap().is_none(),
            "{what} did not wait for its stdin"
        );
        drop(child.stdin.take());
        let ran = finish_within(child, TIMEOUT, &what);
        ran.expect(code, &what);
        assert!(ran.stderr.contains(message), "{what}: {}", ran.stderr);
        assert_users_unchanged(&dir, &what);
    }
    // -i reads to the end: an empty input is Apache's empty password.
    let mut child = spawn_with_open_stdin(htpasswd_bin, &["-nis", "u"], &dir);
    thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "-i did not wait");
    drop(child.stdin.take());
    let ran = finish_within(child, TIMEOUT, "htpasswd -nis");
    ran.expect(0, "-i at the end of input");
}

#[test]
fn closed_or_empty_stdin_is_never_a_password() {
    let dir = TestDir::new();
    users_file(&dir);
    for args in [
        &["add", "users", "alice", "--password-stdin"][..],
        &["verify", "users", "alice", "--password-stdin"],
        &["hash", "--password-stdin"],
        &["add", "users", "--batch"],
    ] {
        let ran = with_stdin_closed(&dir, env!("CARGO_BIN_EXE_htpass"), "htpass", args);
        ran.expect(2, &format!("{args:?} <&-"));
        let argv: Vec<&[u8]> = args.iter().map(|arg| arg.as_bytes()).collect();
        htpass(&dir, &argv, b"").expect(2, &format!("{args:?} empty"));
        // A line with nothing on it is an empty password: refused too.
        let ran = htpass(&dir, &argv, b"\n");
        assert_eq!(ran.code, Some(if args[0] == "verify" { 3 } else { 2 }));
        assert_users_unchanged(&dir, &format!("{args:?}"));
    }
    // htpasswd: -i on a closed stdin is unreadable (D16); the prompt at the
    // end of input is no password (D15).
    let ran = with_stdin_closed(
        &dir,
        env!("CARGO_BIN_EXE_htpasswd"),
        "htpasswd",
        &["-i", "users", "alice"],
    );
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (Some(9), "htpasswd: Unable to read from stdin.\n")
    );
    let ran = htpasswd_detached(&dir, &["users", "alice"], b"");
    ran.expect(3, "prompt at the end of input");
    assert_users_unchanged(&dir, "htpasswd with no input");
}

// ------------------------------------------------------------------ terminal

/// User names a hostile file can hold that would act on a terminal: escape
/// sequences (a clear screen, a title, a colour), C1 controls, bidi
/// overrides and isolates, a carriage return that hides what precedes it.
const TERMINAL_NAMES: &[&[u8]] = &[
    b"esc\x1b[2J\x1b[H",
    b"title\x1b]0;pwned\x07",
    b"red\x1b[31m",
    b"c1-csi\xc2\x9b31m",
    b"raw-csi\x9b31m",
    b"rlo\xe2\x80\xaetxt.exe",
    b"lri\xe2\x81\xa6x\xe2\x81\xa9",
    b"rlm\xe2\x80\x8f",
    b"alm\xd8\x9c",
    b"cr\rroot",
    b"bs\x08\x08\x08",
    b"del\x7f",
    b"nul\x00x",
    b"tab\tx",
    b"vt\x0bff\x0c",
    b"zw\xe2\x80\x8bsp",
    b"wj\xe2\x81\xa0",
    b"bom\xef\xbb\xbf",
    b"nel\xc2\x85",
    b"ls\xe2\x80\xa8ps\xe2\x80\xa9",
    b"pdf\xe2\x80\xac",
];

/// Whether `text` holds anything a terminal acts on or a person cannot see
/// (besides the line breaks and the tabs that separate `--long` columns):
/// controls, zero-width and bidi formatting characters, the byte-order
/// mark, line and paragraph separators.
fn acts_on_a_terminal(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(
                c,
                '\u{061c}'
                    | '\u{200b}'..='\u{200f}'
                    | '\u{2028}'..='\u{202e}'
                    | '\u{2060}'..='\u{2069}'
                    | '\u{feff}'
            )
    })
}

#[test]
fn user_names_from_a_hostile_file_are_escaped_for_the_terminal_and_exact_in_json() {
    let dir = TestDir::new();
    let mut content = Vec::new();
    for name in TERMINAL_NAMES {
        content.extend_from_slice(name);
        content.extend_from_slice(format!(":{SHA_PW}\n").as_bytes());
    }
    dir.write("f", &content);
    for args in [
        &[&b"list"[..], b"f"][..],
        &[b"list", b"f", b"--long"],
        &[b"check", b"f"],
    ] {
        let ran = htpass(&dir, args, b"");
        let what = describe("htpass", args);
        let stdout = String::from_utf8(ran.stdout.clone())
            .unwrap_or_else(|_| panic!("{what}: stdout is not UTF-8"));
        assert_eq!(acts_on_a_terminal(&stdout), None, "{what}: {stdout:?}");
        assert_eq!(acts_on_a_terminal(&ran.stderr), None, "{what}");
        if args[0] == b"list" {
            assert_eq!(stdout.lines().count(), TERMINAL_NAMES.len(), "{what}");
        }
    }
    let ran = htpass(&dir, &[b"list", b"f", b"--format", b"json"], b"");
    let expected: Vec<Vec<u8>> = TERMINAL_NAMES.iter().map(|name| name.to_vec()).collect();
    assert_eq!(json_users(&ran.stdout), expected);
    let ran = htpass(&dir, &[b"export", b"f", b"--format", b"json"], b"");
    let value: serde_json::Value = serde_json::from_slice(&ran.stdout).expect("export json");
    assert_eq!(value.as_array().map(Vec::len), Some(TERMINAL_NAMES.len()));

    // A name in the file holding a bidi override is found by its bytes;
    // every message escapes it. Adding such a name is refused.
    let rlo: &[u8] = b"rlo\xe2\x80\xaetxt.exe";
    for (args, code) in [
        (&[&b"verify"[..], b"f", rlo, b"-p", b"pw"][..], 0),
        (&[b"verify", b"f", rlo, b"-p", b"no"], 3),
        (&[b"add", b"f", rlo, b"-p", b"pw", b"-a", b"sha1"], 6),
        (&[b"delete", b"f", rlo], 0),
        (&[b"delete", b"f", rlo], 6),
        (&[b"verify", b"f", rlo, b"-p", b"pw"], 6),
    ] {
        let ran = htpass(&dir, args, b"");
        let what = describe("htpass", args);
        ran.expect(code, &what);
        assert_eq!(
            acts_on_a_terminal(&ran.stderr),
            None,
            "{what}: {}",
            ran.stderr
        );
        let shown = if args[0] == b"add" {
            "U+202E"
        } else {
            "\\u202e"
        };
        assert!(ran.stderr.contains(shown), "{what}: {}", ran.stderr);
    }
}

// ------------------------------------------------------------------ count

#[test]
fn the_hostile_inputs_are_counted() {
    let tables = [
        BAD_NAMES.len(),
        ODD_NAMES.len(),
        BAD_BATCHES.len() + long_batches().len(),
        bad_new_passwords().len(),
        HTPASS_COSTS.len(),
        HTPASSWD_COSTS.len(),
        hostile_files().len() + 3, // and a directory, a FIFO, /dev/null
        NEVER_WAITS.len(),
        STDIN_STATES.len(),
        TERMINAL_NAMES.len(),
        INVISIBLE_NAMES.len(),
        NAMES_IN_A_FILE.len(),
    ];
    let total: usize = tables.iter().sum();
    println!("hostile inputs tried: {total} ({tables:?})");
    assert_eq!(total, HOSTILE_INPUTS, "update HOSTILE_INPUTS: {tables:?}");
}

#[test]
fn invalid_utf8_arguments_never_panic() {
    let dir = TestDir::new();
    users_file(&dir);
    let bad = OsString::from_vec(b"\xff\xfe\x80".to_vec());
    let mut args: Vec<OsString> = Vec::new();
    for command in [
        vec!["list", "<>"],
        vec!["check", "<>"],
        vec!["export", "<>", "--format", "json"],
        vec![
            "export",
            "users",
            "--format",
            "k8s-secret",
            "--secret-name",
            "<>",
        ],
        vec!["hash", "-p", "pw", "-a", "<>"],
        vec!["hash", "-p", "pw", "--cost", "<>"],
        vec!["completions", "<>"],
    ] {
        args.clear();
        args.extend(command.iter().map(|arg| {
            if *arg == "<>" {
                bad.clone()
            } else {
                OsString::from(arg)
            }
        }));
        let output = dir.htpass().args(&args).output().expect("run htpass");
        let ran = Ran::from_output(output, &format!("{args:?}"));
        assert!(
            matches!(ran.code, Some(1 | 2)),
            "{args:?}: {:?} {}",
            ran.code,
            ran.stderr
        );
    }
    assert_users_unchanged(&dir, "invalid UTF-8 arguments");
}
