//! yescrypt (`$y$`, issue 14) against libxcrypt, the crypt(3) through which
//! nginx and Apache httpd verify it: the vectors libxcrypt recorded in
//! `tests/golden/yescrypt.tsv` (by `scripts/regen-golden-yescrypt`), byte
//! for byte; `mkpasswd` and Python's `crypt` run now on random passwords
//! and settings; and the commands that read and write it (`verify`, `add`,
//! `add --batch`, `list`, `check`, `hash`, our `htpasswd -v`).
//!
//! The live tests fail with an install hint, never skip, when `mkpasswd` or
//! Python's `crypt` is missing. Real nginx and Apache httpd reading what
//! htpass writes are cells of the interop matrix (`tests/interop`).

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use htpass::Password;
use htpass::hash::{self, Params, Scheme, Shape, VerifyPolicy, yescrypt};
use serde_json::Value;

use crate::util::{self, TestDir};

/// `mkpasswd -m yescrypt pw` and `mkpasswd -m yescrypt -R 3 pw`
/// (libxcrypt 4.4.33).
const PW_DEFAULT: &str =
    "$y$j9T$z4jwdl3M2qnyIJnn2yfPU.$/zpcQ9zfxyPjV5vgTVi0JGRp0fBXrJgxy8XmG5JBEYA";
const PW_R3: &str = "$y$j7T$2DVTvixbFhavvb56s3NZy1$uXKnqzoOPwYjQ8reXYLNe.8s1afXIFgfd55QoqvAWP3";

// ------------------------------------------------------------------ golden

/// One line of `yescrypt.tsv`.
struct Vector {
    source: String,
    params: String,
    label: String,
    password: Vec<u8>,
    /// The setting given to crypt(3); `-` for mkpasswd, whose output is
    /// its own setting.
    setting: String,
    /// What crypt(3) returned: a hash, or `*0` for a refusal.
    output: String,
}

impl Vector {
    fn name(&self) -> String {
        format!(
            "{} {} {} (setting {}, libxcrypt: {})",
            self.source, self.params, self.label, self.setting, self.output
        )
    }

    fn setting(&self) -> &str {
        if self.setting == "-" {
            &self.output
        } else {
            &self.setting
        }
    }
}

fn vectors() -> Vec<Vector> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/yescrypt.tsv");
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run scripts/regen-golden-yescrypt", path.display()));
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 6, "6 fields: {line}");
            Vector {
                source: fields[0].to_owned(),
                params: fields[1].to_owned(),
                label: fields[2].to_owned(),
                password: hex(fields[3]),
                setting: fields[4].to_owned(),
                output: fields[5].to_owned(),
            }
        })
        .collect()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Every vector libxcrypt recorded: the same output byte for byte, the same
/// refusals, and every hash it made verifies and is sound.
#[test]
fn yescrypt_matches_libxcrypts_recorded_vectors_byte_for_byte() {
    let vectors = vectors();
    for source in ["mkpasswd", "python-crypt", "ctypes-crypt"] {
        assert!(
            vectors.iter().filter(|v| v.source == source).count() >= 2,
            "no {source} vectors: run scripts/regen-golden-yescrypt"
        );
    }
    assert!(vectors.len() >= 60, "{} vectors", vectors.len());
    let mut wrong = Vec::new();
    for vector in &vectors {
        let ours = yescrypt::crypt_like_libxcrypt(&vector.password, vector.setting().as_bytes());
        let expected = (vector.output != "*0").then(|| vector.output.as_bytes().to_vec());
        if ours != expected {
            wrong.push(format!(
                "{}: ours {:?}",
                vector.name(),
                ours.map(|o| String::from_utf8_lossy(&o).into_owned())
            ));
            continue;
        }
        let Some(output) = expected else { continue };
        let password = Password::from(vector.password.as_slice());
        if !hash::verify(&password, &output, VerifyPolicy::default()).is_match() {
            wrong.push(format!("{}: does not verify", vector.name()));
        }
        if !matches!(
            hash::inspect(&output),
            Shape::Sound(Scheme::Yescrypt { cost: Some(_) })
        ) {
            wrong.push(format!(
                "{}: inspect says {:?}",
                vector.name(),
                hash::inspect(&output)
            ));
        }
        let default = vector.output.starts_with("$y$j9T$");
        if hash::matches_params(&output, &Params::Yescrypt) != default {
            wrong.push(format!("{}: matches_params", vector.name()));
        }
        // The costliest (mkpasswd -R 9 to 11) are not computed a third time.
        let seconds = hash::detect(&output).verify_seconds().unwrap_or_default();
        if seconds > 0.2 {
            continue;
        }
        // Changed before any NUL, where crypt(3) stops reading.
        let mut changed = vector.password.clone();
        match changed.first_mut() {
            Some(first) => *first ^= 1,
            None => changed.push(b'!'),
        }
        if hash::verify(&Password::new(changed), &output, VerifyPolicy::default()).is_match() {
            wrong.push(format!("{}: verifies a wrong password", vector.name()));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} vectors differ from libxcrypt:\n{}",
        wrong.len(),
        vectors.len(),
        wrong.join("\n")
    );
}

// ------------------------------------------------------------------ live

/// A small generator for random test data, seeded from the OS; the seed
/// is printed on failure so a run can be replayed.
struct Random(u64);

impl Random {
    fn new() -> Random {
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed).expect("OS random generator");
        let seed = u64::from_le_bytes(seed) | 1;
        println!("seed {seed}");
        Random(seed)
    }

    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A password of 1..=max bytes: printable ASCII, UTF-8, or any byte
    /// but NUL, CR and LF (which a line-reading tool cannot take).
    fn password(&mut self, max: u64) -> Vec<u8> {
        let len = 1 + self.below(max);
        match self.below(3) {
            0 => (0..len).map(|_| b' ' + self.below(95) as u8).collect(),
            1 => {
                let chars = ['a', 'é', 'ß', '€', '✓', 'ж', '😀', ' ', ':', '$'];
                (0..len.div_ceil(3))
                    .map(|_| chars[self.below(chars.len() as u64) as usize])
                    .collect::<String>()
                    .into_bytes()
            }
            _ => (0..len)
                .map(|_| {
                    loop {
                        let b = self.below(256) as u8;
                        if !matches!(b, 0 | b'\n' | b'\r') {
                            break b;
                        }
                    }
                })
                .collect(),
        }
    }
}

/// Runs `command` with `input` on its standard input and waits for it.
fn run_with_stdin(mut command: Command, input: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin.write_all(input).expect("write the child's stdin");
    drop(stdin);
    child.wait_with_output().expect("wait for the child")
}

fn require(program: &str, install: &str) {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program}"))
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(found, "{program} is missing: {install}");
}

/// `mkpasswd -m yescrypt -s [-R count]` on `password`.
fn mkpasswd(password: &[u8], count: Option<u32>) -> String {
    require(
        "mkpasswd",
        "install it with `apt-get install whois` (it is libxcrypt's mkpasswd)",
    );
    let mut command = Command::new("mkpasswd");
    command.args(["-m", "yescrypt", "-s"]);
    if let Some(count) = count {
        command.args(["-R", &count.to_string()]);
    }
    let mut input = password.to_vec();
    input.push(b'\n');
    let output = run_with_stdin(command, &input);
    assert!(
        output.status.success(),
        "mkpasswd failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("ASCII")
        .trim_end()
        .to_owned()
}

/// Python's `crypt` (libxcrypt) on each `(password, setting)`: a hash, or
/// `None` for its failure token. Passwords that are not UTF-8 go through
/// the same crypt() by ctypes, as Python's `crypt` takes text only.
fn python_crypt(cases: &[(Vec<u8>, String)]) -> Vec<Option<String>> {
    require("python3", "install Python 3: apt-get install python3");
    const SCRIPT: &str = r#"
import sys, warnings
warnings.simplefilter("ignore")
import ctypes
try:
    import crypt
except ImportError:  # Python 3.13 removed it; ctypes reaches the same crypt()
    crypt = None
lib = ctypes.CDLL("libcrypt.so.1")
lib.crypt.restype = ctypes.c_char_p
lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
for line in sys.stdin:
    password, setting = line.rstrip("\n").split("\t")
    password = bytes.fromhex(password)
    try:
        if crypt is None:
            raise UnicodeDecodeError("utf-8", b"", 0, 1, "no crypt module")
        result = crypt.crypt(password.decode("utf-8"), setting)
    except UnicodeDecodeError:
        result = lib.crypt(password, setting.encode())
        result = None if result is None else result.decode()
    print(result if result is not None else "*0")
"#;
    let mut command = Command::new("python3");
    command.args(["-c", SCRIPT]);
    let input: String = cases
        .iter()
        .map(|(password, setting)| {
            let hex: String = password.iter().map(|b| format!("{b:02x}")).collect();
            format!("{hex}\t{setting}\n")
        })
        .collect();
    let output = run_with_stdin(command, input.as_bytes());
    assert!(
        output.status.success(),
        "Python's crypt failed (it needs libxcrypt's libcrypt.so.1: apt-get install python3 libcrypt1): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("ASCII");
    let results: Vec<Option<String>> = text
        .lines()
        .map(|line| (line != "*0").then(|| line.to_owned()))
        .collect();
    assert_eq!(results.len(), cases.len(), "one answer a case: {text}");
    results
}

/// mkpasswd now, on random passwords at random costs (-R 1 to 6): htpass
/// computes the same hash and verifies it.
#[test]
fn yescrypt_verifies_what_mkpasswd_makes_now() {
    let mut random = Random::new();
    for _ in 0..12 {
        let password = random.password(100);
        let count = random.below(7) as u32;
        let stored = mkpasswd(&password, (count > 0).then_some(count));
        let shown = String::from_utf8_lossy(&password).into_owned();
        assert_eq!(
            yescrypt::crypt_like_libxcrypt(&password, stored.as_bytes()).as_deref(),
            Some(stored.as_bytes()),
            "{shown:?} -R {count}"
        );
        let policy = VerifyPolicy::default();
        assert!(
            hash::verify(
                &Password::from(password.as_slice()),
                stored.as_bytes(),
                policy
            )
            .is_match()
        );
        let mut wrong = password.clone();
        wrong[0] ^= 1;
        if wrong[0] != 0 {
            assert!(!hash::verify(&Password::new(wrong), stored.as_bytes(), policy).is_match());
        }
    }
}

/// A random setting: flavor, N, r, p, t and salt length drawn so that most
/// are valid and some are not; libxcrypt decides which.
fn random_setting(random: &mut Random) -> String {
    const ITOA64: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let flavor = [b'j', b'j', b'j', b'/', b'.'][random.below(5) as usize];
    // log2 N from 1 to 12, r from 1 to 16 (the field's characters minus 1).
    let n = ITOA64[random.below(12) as usize];
    let r = ITOA64[random.below(16) as usize];
    let mut field = vec![flavor, n, r];
    let (p, t) = (random.below(3), random.below(3));
    let have = u8::from(p > 0) | (u8::from(t > 0) << 1);
    if have != 0 {
        field.push(ITOA64[usize::from(have) - 1]);
    }
    if p > 0 {
        field.push(ITOA64[p as usize - 1]); // p = 2 or 3
    }
    if t > 0 {
        field.push(ITOA64[t as usize - 1]); // t = 1 or 2
    }
    // Mostly the encoding of 0 to 64 random bytes, as libxcrypt writes
    // salts; sometimes any characters, which it may refuse.
    let salt: Vec<u8> = if random.below(4) > 0 {
        let bytes: Vec<u8> = (0..random.below(65))
            .map(|_| random.below(256) as u8)
            .collect();
        let mut text = Vec::new();
        for group in bytes.chunks(3) {
            let mut value = group
                .iter()
                .enumerate()
                .fold(0u32, |value, (i, &b)| value | u32::from(b) << (8 * i));
            for _ in 0..(8 * group.len()).div_ceil(6) {
                text.push(ITOA64[(value & 63) as usize]);
                value >>= 6;
            }
        }
        text
    } else {
        (0..random.below(30))
            .map(|_| ITOA64[random.below(64) as usize])
            .collect()
    };
    format!(
        "$y${}${}$",
        String::from_utf8(field).unwrap(),
        String::from_utf8(salt).unwrap()
    )
}

/// Python's `crypt` now, on random passwords with random settings: the same
/// output byte for byte, and the same refusals.
#[test]
fn yescrypt_matches_python_crypt_now_on_random_settings() {
    let mut random = Random::new();
    let cases: Vec<(Vec<u8>, String)> = (0..40)
        .map(|_| (random.password(80), random_setting(&mut random)))
        .collect();
    let libxcrypt = python_crypt(&cases);
    let mut computed = 0;
    for ((password, setting), expected) in cases.iter().zip(libxcrypt) {
        let ours = yescrypt::crypt_like_libxcrypt(password, setting.as_bytes())
            .map(|hash| String::from_utf8(hash).expect("ASCII"));
        assert_eq!(
            ours,
            expected,
            "setting {setting}, password {:?}",
            String::from_utf8_lossy(password)
        );
        computed += usize::from(ours.is_some());
    }
    assert!(computed >= 10, "only {computed} settings were valid");
}

// ------------------------------------------------------------------ commands

fn htpass_with_password(dir: &TestDir, args: &[&str], password: &str) -> std::process::Output {
    dir.htpass()
        .args(args)
        .arg("--password-stdin")
        .write_stdin(format!("{password}\n"))
        .output()
        .expect("run htpass")
}

#[test]
fn htpass_verify_checks_yescrypt_entries_from_mkpasswd() {
    let dir = TestDir::new();
    dir.write("f", format!("alice:{PW_DEFAULT}\nbob:{PW_R3}\n"));
    for user in ["alice", "bob"] {
        let right = htpass_with_password(&dir, &["verify", "f", user], "pw");
        assert_eq!(right.status.code(), Some(0), "{user}: {right:?}");
        let wrong = htpass_with_password(&dir, &["verify", "f", user], "pW");
        assert_eq!(wrong.status.code(), Some(3), "{user}: {wrong:?}");
        assert!(
            !String::from_utf8_lossy(&wrong.stderr).contains("unsupported"),
            "{wrong:?}"
        );
    }
}

#[test]
fn htpass_verify_says_a_malformed_yescrypt_entry_is_malformed() {
    let dir = TestDir::new();
    dir.write("f", format!("alice:$y$j.T${}\n", &PW_DEFAULT[7..]));
    let output = htpass_with_password(&dir, &["verify", "f", "alice"], "pw");
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("malformed"), "{stderr}");
    assert!(stderr.contains("libxcrypt"), "{stderr}");
}

#[test]
fn gost_yescrypt_and_scrypt_are_named_unsupported_schemes() {
    let dir = TestDir::new();
    dir.write(
        "f",
        "gost:$gy$j9T$4tG/PWvpqzvRJsF7SO8Nd0$en/b185Zp9PudE5NoalwLtNero9E0.lKm7thSvvkzl.\n\
         scrypt:$7$CU..../....UVMH/3R5Vrphr/yd0k75I1$olEoP7xeJeAdhbbHVe4wPgkytXvK6AXP3EFxe54J2oA\n",
    );
    for (user, label) in [("gost", "$gy$ (gost-yescrypt)"), ("scrypt", "$7$ (scrypt)")] {
        let output = htpass_with_password(&dir, &["verify", "f", user], "pw");
        assert_eq!(output.status.code(), Some(3));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("a scheme htpass cannot verify"), "{stderr}");
        assert!(stderr.contains(label), "{stderr}");
    }
}

/// What `-a yescrypt` writes, libxcrypt verifies: Python's `crypt` with
/// the hash as its setting gives the hash back.
#[test]
fn htpass_hash_a_yescrypt_writes_what_libxcrypt_verifies() {
    let dir = TestDir::new();
    let password = "grüße: $pw ✓";
    let output = htpass_with_password(&dir, &["hash", "-a", "yescrypt"], password);
    assert!(output.status.success(), "{output:?}");
    let stored = String::from_utf8(output.stdout)
        .unwrap()
        .trim_end()
        .to_owned();
    assert!(stored.starts_with("$y$j9T$"), "{stored}");
    assert_eq!(stored.len(), 73, "{stored}");
    let libxcrypt = python_crypt(&[(password.as_bytes().to_vec(), stored.clone())]);
    assert_eq!(libxcrypt[0].as_deref(), Some(stored.as_str()));
    let other = htpass_with_password(&dir, &["hash", "-a", "yescrypt"], password);
    assert_ne!(other.stdout, stored.as_bytes(), "a fresh salt each time");
}

#[test]
fn a_yescrypt_password_crypt3_would_refuse_is_refused() {
    let dir = TestDir::new();
    let long = "x".repeat(512);
    let output = htpass_with_password(&dir, &["hash", "-a", "yescrypt"], &long);
    assert_eq!(output.status.code(), Some(5), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("512 bytes"), "{stderr}");
    let ok = htpass_with_password(&dir, &["hash", "-a", "yescrypt"], &long[1..]);
    assert!(ok.status.success(), "511 bytes: {ok:?}");
    let cost = htpass_with_password(&dir, &["hash", "-a", "yescrypt", "-C", "10"], "pw");
    assert_eq!(cost.status.code(), Some(2), "{cost:?}");
}

/// add is idempotent on a yescrypt entry made with the default parameters,
/// by mkpasswd too; an entry of another cost gets the default.
#[test]
fn add_a_yescrypt_keeps_an_entry_that_already_verifies() {
    let dir = TestDir::new();
    let file = format!("# users\nalice:{PW_DEFAULT}\nbob:{PW_R3}\n");
    dir.write("f", &file);
    let output = htpass_with_password(&dir, &["add", "f", "alice", "-a", "yescrypt"], "pw");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(dir.read("f"), file.as_bytes(), "unchanged byte for byte");
    let output = htpass_with_password(&dir, &["add", "f", "bob", "-a", "yescrypt"], "pw");
    assert!(output.status.success(), "{output:?}");
    let after = dir.read("f");
    let bob = util::stored_hash(&after, "bob").unwrap();
    assert!(
        bob.starts_with(b"$y$j9T$"),
        "{}",
        String::from_utf8_lossy(bob)
    );
    assert!(util::verifies(bob, "pw"));
    assert_eq!(
        util::stored_hash(&after, "alice").unwrap(),
        PW_DEFAULT.as_bytes()
    );
}

#[test]
fn add_batch_a_yescrypt_hashes_every_user_and_a_rerun_changes_nothing() {
    let dir = TestDir::new();
    let input: String = (0..6).map(|i| format!("user{i}:pass {i}\n")).collect();
    let batch = |dir: &TestDir| {
        dir.htpass()
            .args(["add", "f", "--batch", "-a", "yescrypt"])
            .write_stdin(input.clone())
            .output()
            .expect("run htpass")
    };
    let output = batch(&dir);
    assert!(output.status.success(), "{output:?}");
    let first = dir.read("f");
    for i in 0..6 {
        let stored = util::stored_hash(&first, &format!("user{i}")).unwrap();
        assert!(stored.starts_with(b"$y$j9T$"));
        assert!(util::verifies(stored, &format!("pass {i}")));
    }
    let output = batch(&dir);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(dir.read("f"), first, "a repeated batch changes nothing");
}

#[test]
fn list_long_shows_yescrypts_parameters() {
    let dir = TestDir::new();
    dir.write("f", format!("alice:{PW_DEFAULT}\nbob:{PW_R3}\n"));
    let output = dir.htpass().args(["list", "f", "--long"]).output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "alice\tyescrypt\tN=2^12 r=32\nbob\tyescrypt\tN=2^10 r=32\n"
    );
    let output = dir
        .htpass()
        .args(["list", "f", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json[0]["algorithm"], "yescrypt");
    assert!(json[0]["cost"].is_null());
    assert_eq!(
        json[0]["yescrypt"],
        serde_json::json!({"N": 4096, "r": 32, "p": 1, "t": 0})
    );
}

#[test]
fn check_for_says_who_reads_yescrypt() {
    let dir = TestDir::new();
    dir.write("f", format!("alice:{PW_DEFAULT}\n"));
    let check = |servers: &[&str]| {
        let mut command = dir.htpass();
        command.args(["check", "f"]);
        for server in servers {
            command.args(["--for", server]);
        }
        command.output().unwrap()
    };
    let output = check(&[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(output.stdout.is_empty(), "{output:?}");
    let output = check(&["nginx", "apache"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    for server in ["registry", "traefik", "envoy"] {
        let output = check(&[server]);
        assert_eq!(output.status.code(), Some(7), "{server}: {output:?}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("$y$ (yescrypt) hash"), "{stdout}");
        assert!(!stdout.contains("unsupported scheme"), "{stdout}");
    }
}

/// A `$y$` hash beyond 1 GiB (here N=2^19, 2 GiB, which libxcrypt would
/// try) is not computed: `verify` calls it malformed at once, and our
/// `htpasswd -v` answers a mismatch (a deviation from Apache's, which
/// hands it to crypt(3); README, "Differences from Apache htpasswd").
#[test]
fn a_yescrypt_hash_over_1_gib_is_not_computed() {
    let dir = TestDir::new();
    let path = dir.write("f", format!("alice:$y$jGT${}\n", &PW_DEFAULT[7..]));
    let started = std::time::Instant::now();
    let output = htpass_with_password(&dir, &["verify", "f", "alice"], "pw");
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("more than 1 GiB"), "{stderr}");
    let output = util::htpasswd_cmd()
        .arg("-vb")
        .arg(&path)
        .args(["alice", "pw"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "password verification failed\n"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "nothing was computed"
    );
}

/// Our `htpasswd -vb` verifies yescrypt as Apache's does through crypt(3)
/// (the live side-by-side is in `htpasswd_differential`).
#[test]
fn our_htpasswd_v_verifies_yescrypt() {
    let dir = TestDir::new();
    let path = dir.write("f", format!("alice:{PW_DEFAULT}\n"));
    let output = util::htpasswd_cmd()
        .arg("-vb")
        .arg(&path)
        .args(["alice", "pw"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "Password for user alice correct.\n"
    );
    let output = util::htpasswd_cmd()
        .arg("-vb")
        .arg(&path)
        .args(["alice", "pW"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{output:?}");
}
