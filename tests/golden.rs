//! The library against what Apache's `htpasswd` recorded in `tests/golden/`
//! (written by `scripts/regen-golden`; formats in `tests/golden/README.md`).
//!
//! These tests run without Apache: they read only the recorded data. They must
//! never compare our output with anything but Apache's recordings, and never
//! write into `tests/golden/` (STYLE.md habit 7).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use htpass::hash::{self, Scheme, VerifyPolicy};
use htpass::{Password, file};

// ------------------------------------------------------------------ hash vectors

/// bcrypt reads only this many bytes of a password (Apache defect D14).
const BCRYPT_MAX_BYTES: usize = 72;
/// DES crypt reads only this many bytes of a password (compat spec §5).
const CRYPT_MAX_BYTES: usize = 8;

/// One line of `hashes.tsv`: a hash Apache's `htpasswd -n` made.
struct Vector {
    algorithm: String,
    params: String,
    label: String,
    password: Vec<u8>,
    hash: Vec<u8>,
}

impl Vector {
    /// Names the vector in assertion messages (test passwords may be shown).
    fn name(&self) -> String {
        format!(
            "{} {} password {} (hex {:?}), Apache hash {}",
            self.algorithm,
            self.params,
            self.label,
            hex(&self.password),
            String::from_utf8_lossy(&self.hash),
        )
    }

    fn password(&self) -> Password {
        Password::from(self.password.as_slice())
    }

    /// How many leading password bytes the format reads, if it stops early.
    fn bytes_used(&self) -> Option<usize> {
        match self.algorithm.as_str() {
            "bcrypt" => Some(BCRYPT_MAX_BYTES),
            "crypt" => Some(CRYPT_MAX_BYTES),
            _ => None,
        }
    }

    /// The parameters `htpasswd` was run with, as the library's [`hash::Params`].
    fn params(&self) -> hash::Params {
        match self.algorithm.as_str() {
            "apr1" => hash::Params::Apr1,
            "bcrypt" => hash::Params::Bcrypt {
                variant: hash::BcryptVariant::TwoY,
                cost: hash::BcryptCost::new(self.bcrypt_cost()).expect("recorded cost is valid"),
            },
            "sha256" => hash::Params::ShaCrypt {
                variant: hash::ShaVariant::Sha256,
                rounds: self.sha_rounds(),
            },
            "sha512" => hash::Params::ShaCrypt {
                variant: hash::ShaVariant::Sha512,
                rounds: self.sha_rounds(),
            },
            "sha1" => hash::Params::Sha1,
            "crypt" => hash::Params::Crypt,
            other => panic!("unknown algorithm {other:?} in hashes.tsv"),
        }
    }

    /// `default` (no `-r`: no `rounds=` field) or `rounds=N`.
    fn sha_rounds(&self) -> Option<hash::ShaRounds> {
        if self.params == "default" {
            return None;
        }
        let value = self
            .params
            .strip_prefix("rounds=")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unknown SHA-crypt params in {}", self.name()));
        Some(hash::ShaRounds::new(value).expect("recorded rounds are valid"))
    }

    fn bcrypt_cost(&self) -> u64 {
        self.params
            .strip_prefix("cost=")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("bcrypt params without cost= in {}", self.name()))
    }

    /// What [`hash::detect`] must say about this hash.
    fn expected_scheme(&self) -> Scheme {
        match self.params() {
            hash::Params::Apr1 => Scheme::Apr1,
            hash::Params::Bcrypt { variant, cost } => Scheme::Bcrypt {
                variant,
                cost: cost.get(),
            },
            hash::Params::ShaCrypt { variant, rounds } => Scheme::ShaCrypt {
                variant,
                rounds: rounds.map_or(hash::ShaRounds::DEFAULT, hash::ShaRounds::get),
            },
            hash::Params::Sha1 => Scheme::Sha1,
            hash::Params::Crypt => Scheme::DesCrypt,
            hash::Params::Plain => unreachable!("Apache's plain entries are not recorded"),
            hash::Params::Yescrypt => unreachable!("Apache's htpasswd does not write yescrypt"),
        }
    }
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; regenerate with scripts/regen-golden",
            path.display()
        )
    })
}

fn vectors() -> Vec<Vector> {
    let path = golden_dir().join("hashes.tsv");
    let text = String::from_utf8(read(&path)).expect("hashes.tsv is ASCII");
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#'))
        .map(|(index, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [algorithm, params, label, password, hash] = fields[..] else {
                panic!("hashes.tsv line {}: expected 5 fields", index + 1);
            };
            Vector {
                algorithm: algorithm.to_owned(),
                params: params.to_owned(),
                label: label.to_owned(),
                password: unhex(password),
                hash: hash.as_bytes().to_vec(),
            }
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd-length hex {text:?}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digits"))
        .collect()
}

/// A password that differs from `password` where every format looks: its
/// first byte (the empty password becomes `x`).
fn wrong_password(password: &[u8]) -> Vec<u8> {
    match password.split_first() {
        None => b"x".to_vec(),
        Some((first, rest)) => [&[first ^ 0x01], rest].concat(),
    }
}

fn verifies(password: &[u8], stored: &[u8]) -> bool {
    hash::verify(&Password::from(password), stored, VerifyPolicy::default()).is_match()
}

#[test]
fn golden_hashes_cover_every_apache_algorithm_and_test_password() {
    let expected_variants: BTreeSet<(&str, &str)> = [
        ("apr1", "-"),
        ("bcrypt", "cost=4"),
        ("bcrypt", "cost=5"),
        ("sha256", "default"),
        ("sha256", "rounds=10000"),
        ("sha512", "default"),
        ("sha512", "rounds=10000"),
        ("sha1", "-"),
        ("crypt", "-"),
    ]
    .into();
    let expected_labels: BTreeSet<&str> = [
        "empty", "space", "ascii", "utf8", "non-utf8", "colon", "tab", "len72", "len73", "len100",
        "len255",
    ]
    .into();
    let vectors = vectors();
    let mut labels_by_variant: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for vector in &vectors {
        labels_by_variant
            .entry((&vector.algorithm, &vector.params))
            .or_default()
            .insert(&vector.label);
    }
    assert_eq!(
        labels_by_variant.keys().copied().collect::<BTreeSet<_>>(),
        expected_variants
    );
    for (variant, labels) in &labels_by_variant {
        assert_eq!(
            labels, &expected_labels,
            "passwords recorded for {variant:?}"
        );
    }
    assert_eq!(
        vectors.len(),
        expected_variants.len() * expected_labels.len()
    );
    for vector in &vectors {
        if let Some(len) = vector.label.strip_prefix("len") {
            assert_eq!(vector.password.len().to_string(), len, "{}", vector.name());
        }
    }
}

#[test]
fn every_apache_hash_verifies_with_its_password() {
    for vector in vectors() {
        assert!(
            hash::verify(&vector.password(), &vector.hash, VerifyPolicy::default()).is_match(),
            "does not verify: {}",
            vector.name()
        );
    }
}

#[test]
fn every_apache_hash_rejects_a_password_with_its_first_byte_changed() {
    for vector in vectors() {
        let wrong = wrong_password(&vector.password);
        assert!(
            !verifies(&wrong, &vector.hash),
            "verifies with wrong password {:?}: {}",
            hex(&wrong),
            vector.name()
        );
    }
}

#[test]
fn apache_hashes_reject_a_byte_appended_unless_the_format_ignores_it() {
    for vector in vectors() {
        if vector
            .bytes_used()
            .is_some_and(|used| vector.password.len() >= used)
        {
            continue;
        }
        let longer = [vector.password.as_slice(), b"x"].concat();
        assert!(
            !verifies(&longer, &vector.hash),
            "verifies with the password + \"x\": {}",
            vector.name()
        );
    }
}

/// Apache defect D14, which htpass keeps for compatibility: a bcrypt hash of
/// a password over 72 bytes is a hash of its first 72 bytes.
#[test]
fn apache_bcrypt_hashes_of_long_passwords_verify_with_their_72_byte_prefix() {
    let long: Vec<Vector> = vectors()
        .into_iter()
        .filter(|v| v.algorithm == "bcrypt" && v.password.len() > BCRYPT_MAX_BYTES)
        .collect();
    assert_eq!(long.len(), 6, "len73, len100 and len255 at two costs");
    for vector in long {
        let prefix = &vector.password[..BCRYPT_MAX_BYTES];
        assert!(
            verifies(prefix, &vector.hash),
            "does not verify with its 72-byte prefix: {}",
            vector.name()
        );
        let changed_after_72 = [
            prefix,
            &wrong_password(&vector.password[BCRYPT_MAX_BYTES..]),
        ]
        .concat();
        assert!(
            verifies(&changed_after_72, &vector.hash),
            "bytes after the 72nd must not count: {}",
            vector.name()
        );
    }
}

/// DES crypt reads the first 8 bytes only (compat spec §5).
#[test]
fn apache_crypt_hashes_of_long_passwords_verify_with_their_8_byte_prefix() {
    let long: Vec<Vector> = vectors()
        .into_iter()
        .filter(|v| v.algorithm == "crypt" && v.password.len() > CRYPT_MAX_BYTES)
        .collect();
    assert!(long.len() >= 6, "utf8, colon, tab and the long passwords");
    for vector in long {
        assert!(
            verifies(&vector.password[..CRYPT_MAX_BYTES], &vector.hash),
            "does not verify with its 8-byte prefix: {}",
            vector.name()
        );
    }
}

#[test]
fn detect_names_the_scheme_of_every_apache_hash() {
    for vector in vectors() {
        assert_eq!(
            hash::detect(&vector.hash),
            vector.expected_scheme(),
            "{}",
            vector.name()
        );
    }
}

/// SHA-1 is unsalted, so Apache's output is the one right answer.
#[test]
fn our_sha1_hashes_equal_apaches_byte_for_byte() {
    let sha1: Vec<Vector> = vectors()
        .into_iter()
        .filter(|v| v.algorithm == "sha1")
        .collect();
    assert!(!sha1.is_empty());
    for vector in sha1 {
        let ours = hash::hash_password(&vector.password(), &vector.params())
            .unwrap_or_else(|e| panic!("cannot hash ({e}): {}", vector.name()));
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&vector.hash),
            "{}",
            vector.name()
        );
    }
}

/// Salted hashes cannot be compared byte for byte, but ours must look like
/// Apache's for the same parameters: same prefix, `rounds=` field (or none),
/// cost digits, and salt and digest lengths.
#[test]
fn our_hashes_have_the_shape_of_apaches_for_the_same_params() {
    for vector in vectors() {
        let ours = hash::hash_password(&vector.password(), &vector.params())
            .unwrap_or_else(|e| panic!("cannot hash ({e}): {}", vector.name()));
        assert_eq!(
            shape(&ours),
            shape(&vector.hash),
            "ours {} vs {}",
            String::from_utf8_lossy(&ours),
            vector.name()
        );
    }
}

/// The `$`-separated fields of a hash, with every field of 8 or more
/// crypt-alphabet characters (salts, digests, DES's 13 characters) replaced by
/// its length: `$5$rounds=10000$<16>$<43>`.
fn shape(hash: &[u8]) -> String {
    const CRYPT_ALPHABET: &[u8] =
        b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    hash.split(|&b| b == b'$')
        .map(|field| {
            if field.len() >= 8 && field.iter().all(|b| CRYPT_ALPHABET.contains(b)) {
                format!("<{}>", field.len())
            } else {
                String::from_utf8_lossy(field).into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("$")
}

// ------------------------------------------------------------------ file flows

/// A sequence of `htpasswd` runs on one file, as recorded in `files/FLOW/`.
struct Flow {
    name: String,
    /// `step-0.after`: the starting file, when the flow did not start with `-c`.
    start: Option<Vec<u8>>,
    /// `step-0.passwords`: the passwords of the starting file's users.
    start_passwords: BTreeMap<Vec<u8>, Vec<u8>>,
    steps: Vec<Step>,
}

struct Step {
    number: usize,
    command: Command,
    /// The file's bytes after the step.
    after: Vec<u8>,
}

/// What a `step-N.cmd` asked Apache to do.
#[derive(Debug)]
enum Command {
    /// `-c` (create, replacing the file) or an update/add.
    Set {
        create: bool,
        /// The algorithm option: `-s`, `-m`, ...
        algorithm: String,
        user: Vec<u8>,
        password: Vec<u8>,
    },
    /// `-D`.
    Delete { user: Vec<u8> },
}

impl Command {
    fn user(&self) -> &[u8] {
        match self {
            Command::Set { user, .. } | Command::Delete { user } => user,
        }
    }

    /// Parses `htpasswd`, one-letter options each on their own, `FILE`, the
    /// user and, with `-b`, the password: one argument per line.
    fn parse(text: &[u8], what: &str) -> Command {
        let args: Vec<&[u8]> = text
            .strip_suffix(b"\n")
            .unwrap_or_else(|| panic!("{what}: no final newline"))
            .split(|&b| b == b'\n')
            .collect();
        assert_eq!(args.first(), Some(&&b"htpasswd"[..]), "{what}");
        let file_at = args
            .iter()
            .position(|a| *a == b"FILE")
            .unwrap_or_else(|| panic!("{what}: no FILE argument"));
        let options = &args[1..file_at];
        let operands = &args[file_at + 1..];
        let has = |option: &[u8]| options.contains(&option);
        if has(b"-D") {
            let [user] = operands else {
                panic!("{what}: -D takes one user");
            };
            return Command::Delete {
                user: user.to_vec(),
            };
        }
        assert!(has(b"-b"), "{what}: passwords are given with -b");
        let [user, password] = operands else {
            panic!("{what}: expected USER PASSWORD");
        };
        let algorithm = options
            .iter()
            .find(|o| [&b"-s"[..], b"-m", b"-B", b"-2", b"-5", b"-d"].contains(o))
            .unwrap_or_else(|| panic!("{what}: no algorithm option"));
        Command::Set {
            create: has(b"-c"),
            algorithm: String::from_utf8_lossy(algorithm).into_owned(),
            user: user.to_vec(),
            password: password.to_vec(),
        }
    }

    /// Whether Apache's output for this step is fully determined (SHA-1).
    fn is_deterministic(&self) -> bool {
        match self {
            Command::Set { algorithm, .. } => algorithm == "-s",
            Command::Delete { .. } => true,
        }
    }
}

fn flows() -> Vec<Flow> {
    let root = golden_dir().join("files");
    let mut names: Vec<String> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .into_string()
                .expect("flow names are UTF-8")
        })
        .collect();
    names.sort();
    names
        .iter()
        .map(|name| flow(&root.join(name), name))
        .collect()
}

fn flow(dir: &Path, name: &str) -> Flow {
    let start_path = dir.join("step-0.after");
    let start = start_path.exists().then(|| read(&start_path));
    let mut start_passwords = BTreeMap::new();
    if start.is_some() {
        for line in read(&dir.join("step-0.passwords")).split(|&b| b == b'\n') {
            if line.is_empty() {
                continue;
            }
            let tab = line
                .iter()
                .position(|&b| b == b'\t')
                .unwrap_or_else(|| panic!("{name}/step-0.passwords: no tab"));
            start_passwords.insert(line[..tab].to_vec(), line[tab + 1..].to_vec());
        }
    }
    let mut steps = Vec::new();
    for number in 1.. {
        let cmd = dir.join(format!("step-{number}.cmd"));
        if !cmd.exists() {
            break;
        }
        let what = format!("{name}/step-{number}");
        steps.push(Step {
            number,
            command: Command::parse(&read(&cmd), &what),
            after: read(&dir.join(format!("step-{number}.after"))),
        });
    }
    assert!(!steps.is_empty(), "flow {name} has no steps");
    Flow {
        name: name.to_owned(),
        start,
        start_passwords,
        steps,
    }
}

/// The file's lines, each with its terminator (the last may have none).
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// The user and hash of an entry line, or `None` for a blank or comment line
/// (compat spec 7.2: leading white space skipped, then `#` or nothing).
fn entry(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = line.iter().position(|b| !b" \t\n\x0b\x0c\r".contains(b))?;
    let rest = &line[start..];
    if rest[0] == b'#' {
        return None;
    }
    let colon = rest
        .iter()
        .position(|&b| b == b':')
        .expect("Apache wrote a line without ':'");
    let hash = &rest[colon + 1..];
    let end = hash
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(hash.len());
    Some((&rest[..colon], &hash[..end]))
}

fn users(file: &[u8]) -> Vec<Vec<u8>> {
    lines(file)
        .into_iter()
        .filter_map(entry)
        .map(|(user, _)| user.to_vec())
        .collect()
}

/// Bytes for a message: exact (distinct bytes stay distinct), `\r` visible.
fn show(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

#[test]
fn golden_flows_cover_create_comments_and_crlf() {
    let flows = flows();
    let names: Vec<&str> = flows.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["apr1-create", "sha1-comments", "sha1-create", "sha1-crlf"]
    );
    for flow in &flows {
        assert_eq!(
            flow.start.is_none(),
            matches!(flow.steps[0].command, Command::Set { create: true, .. }),
            "{}: a flow starts either from step-0.after or with -c",
            flow.name
        );
    }
    let crlf = flows.iter().find(|f| f.name == "sha1-crlf").unwrap();
    let start = crlf.start.as_deref().unwrap();
    assert!(
        lines(start).iter().all(|l| l.ends_with(b"\r\n")),
        "sha1-crlf starts as a CRLF file"
    );
}

#[test]
fn every_entry_apache_wrote_verifies_with_the_last_password_given_for_its_user() {
    for flow in flows() {
        let mut passwords = flow.start_passwords.clone();
        for step in &flow.steps {
            if let Command::Set { user, password, .. } = &step.command {
                passwords.insert(user.clone(), password.clone());
            }
            for (user, stored) in lines(&step.after).into_iter().filter_map(entry) {
                let password = passwords.get(user).unwrap_or_else(|| {
                    panic!(
                        "{} step {}: no known password for user {}",
                        flow.name,
                        step.number,
                        show(user)
                    )
                });
                assert!(
                    verifies(password, stored),
                    "{} step {}: user {} hash {} does not verify with {:?}",
                    flow.name,
                    step.number,
                    show(user),
                    show(stored),
                    show(password)
                );
            }
        }
    }
}

/// Entries keep their order, new users are appended, deleted ones vanish,
/// and deleting a missing user changes nothing.
#[test]
fn apache_keeps_entry_order_appends_new_users_and_drops_deleted_ones() {
    for flow in flows() {
        let mut expected = flow.start.as_deref().map(users).unwrap_or_default();
        for step in &flow.steps {
            match &step.command {
                Command::Set {
                    create: true, user, ..
                } => expected = vec![user.clone()],
                Command::Set { user, .. } => {
                    if !expected.contains(user) {
                        expected.push(user.clone());
                    }
                }
                Command::Delete { user } => expected.retain(|u| u != user),
            }
            assert_eq!(
                users(&step.after),
                expected,
                "{} step {}: users in file order",
                flow.name,
                step.number
            );
        }
    }
}

/// Comments, blank and white-space-only lines, CRLF endings and the entries of
/// users no step touched keep their exact bytes and order.
#[test]
fn apache_keeps_every_line_it_was_not_asked_to_change_byte_for_byte() {
    for flow in flows() {
        let Some(start) = &flow.start else { continue };
        let mut touched: BTreeSet<Vec<u8>> = BTreeSet::new();
        for step in &flow.steps {
            touched.insert(step.command.user().to_vec());
            let untouched = |file: &[u8]| -> Vec<String> {
                lines(file)
                    .into_iter()
                    .filter(|line| entry(line).is_none_or(|(user, _)| !touched.contains(user)))
                    .map(show)
                    .collect()
            };
            assert_eq!(
                untouched(&step.after),
                untouched(start),
                "{} step {}: lines other than those of {:?}",
                flow.name,
                step.number,
                touched.iter().map(|u| show(u)).collect::<Vec<_>>()
            );
        }
    }
}

/// What Apache writes for a record is always `USER:HASH\n`, at the start of
/// the line: in a CRLF file an updated line loses its `\r` (defect D28, which
/// htpass fixes) and an added one gets LF.
#[test]
fn every_record_apache_writes_is_user_colon_hash_lf() {
    for flow in flows() {
        for step in &flow.steps {
            let Command::Set { user, .. } = &step.command else {
                continue;
            };
            let records: Vec<&[u8]> = lines(&step.after)
                .into_iter()
                .filter(|line| entry(line).is_some_and(|(u, _)| u == user.as_slice()))
                .collect();
            assert_eq!(records.len(), 1, "{} step {}", flow.name, step.number);
            let (_, stored) = entry(records[0]).unwrap();
            assert_eq!(
                show(records[0]),
                show(&[user.as_slice(), b":", stored, b"\n"].concat()),
                "{} step {}",
                flow.name,
                step.number
            );
        }
    }
}

/// Replays every deterministic (SHA-1) step with our library's editor, from
/// Apache's file before the step, and compares with Apache's file after it.
/// The one intended difference is the line ending of a replaced record: we
/// keep the line's (CRLF stays CRLF, D28 fixed), Apache always writes LF.
#[test]
fn our_editor_replays_apaches_sha1_steps_byte_for_byte_apart_from_the_record_line_ending() {
    for flow in flows() {
        let mut before: Option<Vec<u8>> = flow.start.clone();
        for step in &flow.steps {
            let what = format!("{} step {}", flow.name, step.number);
            if step.command.is_deterministic() {
                let ours = replay(&step.command, before.as_deref(), &what);
                let expected = expected_replay(&step.command, before.as_deref(), &step.after);
                assert_eq!(
                    lines(&ours).into_iter().map(show).collect::<Vec<_>>(),
                    lines(&expected).into_iter().map(show).collect::<Vec<_>>(),
                    "{what}: our editor's output vs Apache's (record ending adjusted)"
                );
            }
            before = Some(step.after.clone());
        }
    }
}

/// Runs `command` through `htpass::file` on `before` (`None`: no file).
fn replay(command: &Command, before: Option<&[u8]>, what: &str) -> Vec<u8> {
    let path = Path::new("golden.htpasswd");
    let username = |user: &[u8]| {
        htpass::Username::new(user.to_vec()).unwrap_or_else(|e| panic!("{what}: user: {e}"))
    };
    let mut output = Vec::new();
    match command {
        Command::Set {
            create,
            user,
            password,
            ..
        } => {
            let mut input = if *create { None } else { before };
            file::upsert(
                input.as_mut().map(|r| r as &mut dyn BufRead),
                &mut output,
                path,
                &username(user),
                false,
                file::MalformedLines::Reject,
                // Apache rewrites the record even when the password is unchanged.
                |_| Ok(false),
                || hash::hash_password(&Password::from(password.as_slice()), &hash::Params::Sha1),
            )
            .unwrap_or_else(|e| panic!("{what}: upsert: {e}"));
        }
        Command::Delete { user } => {
            let input = before.unwrap_or_else(|| panic!("{what}: -D needs a file"));
            file::delete(
                input,
                &mut output,
                path,
                &[username(user)],
                file::MalformedLines::Reject,
            )
            .unwrap_or_else(|e| panic!("{what}: delete: {e}"));
        }
    }
    output
}

/// Apache's `after` with the record of the step's user given the ending htpass
/// writes: that of the line it replaced, or for an added user that of the
/// file's last line (`\n` for a new file).
fn expected_replay(command: &Command, before: Option<&[u8]>, after: &[u8]) -> Vec<u8> {
    let Command::Set { create, user, .. } = command else {
        return after.to_vec();
    };
    let before = if *create { None } else { before };
    let before_lines = before.map(lines).unwrap_or_default();
    // A replaced line keeps its ending (D28 fixed); an appended one is LF,
    // as Apache writes it.
    let replaced_ending = before_lines
        .iter()
        .find(|line| entry(line).is_some_and(|(u, _)| u == user.as_slice()))
        .map_or(file::LineEnding::Lf, |line| match file::line_ending(line) {
            file::LineEnding::None => file::LineEnding::Lf,
            ending => ending,
        });
    lines(after)
        .into_iter()
        .flat_map(|line| match entry(line) {
            Some((u, stored)) if u == user.as_slice() => {
                [u, b":", stored, replaced_ending.as_bytes()].concat()
            }
            _ => line.to_vec(),
        })
        .collect()
}
