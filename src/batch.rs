//! Many users at once: `user:password` lines, all checked before anything is
//! hashed or written, then hashed in parallel on every core.
//!
//! What it must never do: keep a copy of a line it cannot wipe. Lines are
//! read into one zeroizing buffer of fixed capacity that never grows (a
//! growing `Vec` leaves its old allocation behind unwiped), and each
//! password moves into a [`Password`].
//!
//! The file itself is written by the caller, once, through
//! [`crate::store::update`] and [`crate::file::upsert_many`].

use std::collections::HashMap;
use std::io::{self, BufRead};

use zeroize::Zeroizing;

use crate::error::Error;
use crate::hash::{self, Algorithm, Params, VerifyPolicy};
use crate::secret::Password;
use crate::username::Username;

/// The longest batch line, ending included: a 255-byte user, `:`, a
/// 4096-byte password and CRLF fit, with room to spare.
pub const MAX_LINE_BYTES: usize = 8192;

/// U+FEFF as UTF-8: at the start of the input, not part of any name.
const BYTE_ORDER_MARK: &[u8] = b"\xef\xbb\xbf";

/// One `user:password` line.
pub struct BatchEntry {
    /// 1-based line number in the input, for messages.
    pub line: u64,
    pub user: Username,
    pub password: Password,
}

/// Reads every `user:password` line of `reader`, checking each: the user
/// name's rules, a non-empty password, what `params` can store (bcrypt's 72
/// bytes), and that no user comes twice. The first bad line is an
/// [`Error::BatchLine`] naming `source_name` and its number.
///
/// The password is everything after the first `:` (it may hold more), up
/// to the line's end; a CR before the LF is dropped, so CRLF input works,
/// and so is a UTF-8 byte-order mark at the very start of the input (Windows
/// editors write one), which would otherwise begin the first user's name.
/// Blank lines and lines starting with `#` are skipped.
pub fn parse(
    mut reader: impl BufRead,
    source_name: &str,
    params: &Params,
) -> Result<Vec<BatchEntry>, Error> {
    let mut entries: Vec<BatchEntry> = Vec::new();
    let mut first_lines: HashMap<Vec<u8>, u64> = HashMap::new();
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_LINE_BYTES));
    let mut number: u64 = 0;
    let at = |number: u64, problem: Error| Error::BatchLine {
        source_name: source_name.to_owned(),
        line: number,
        problem: Box::new(problem),
    };
    loop {
        line.clear();
        number += 1;
        if !read_line(&mut reader, &mut line).map_err(|problem| at(number, problem))? {
            break;
        }
        let mut text = trim_line_ending(&line);
        if number == 1 {
            text = text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(text);
        }
        if text.iter().all(u8::is_ascii_whitespace) || text.first() == Some(&b'#') {
            continue;
        }
        let entry = entry(number, text, params).map_err(|problem| at(number, problem))?;
        if let Some(&first_line) = first_lines.get(entry.user.as_bytes()) {
            return Err(at(
                number,
                Error::BatchDuplicateUser {
                    user: entry.user.escaped(),
                    first_line,
                },
            ));
        }
        first_lines.insert(entry.user.as_bytes().to_vec(), number);
        entries.push(entry);
    }
    if entries.is_empty() {
        return Err(Error::BatchEmpty {
            source_name: source_name.to_owned(),
        });
    }
    Ok(entries)
}

fn entry(number: u64, text: &[u8], params: &Params) -> Result<BatchEntry, Error> {
    let colon = memchr::memchr(b':', text).ok_or(Error::BatchNoColon)?;
    let user = Username::new(text[..colon].to_vec())?;
    // `to_vec` allocates exactly once, so no unwiped copy is left behind.
    let password = Password::new(text[colon + 1..].to_vec());
    if password.is_empty() {
        return Err(Error::BatchEmptyPassword);
    }
    params.check_password(&password)?;
    // A CR inside a plain "hash" would split the stored line.
    if params.algorithm() == Algorithm::Plain && password.as_bytes().contains(&b'\r') {
        return Err(Error::BatchPlainLineBreak);
    }
    Ok(BatchEntry {
        line: number,
        user,
        password,
    })
}

/// Appends the next line (with its `\n`) to `line` without ever growing it
/// past its capacity; `Ok(false)` at the end of input.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> Result<bool, Error> {
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => {
                return Err(Error::FileAccess {
                    path: "batch input".into(),
                    action: "read",
                    source: error,
                });
            }
        };
        if available.is_empty() {
            return Ok(!line.is_empty());
        }
        let (take, done) = match memchr::memchr(b'\n', available) {
            Some(end) => (end + 1, true),
            None => (available.len(), false),
        };
        if line.len() + take > MAX_LINE_BYTES {
            return Err(Error::BatchLineTooLong {
                max: MAX_LINE_BYTES,
            });
        }
        line.extend_from_slice(&available[..take]);
        reader.consume(take);
        if done {
            return Ok(true);
        }
    }
}

fn trim_line_ending(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The hash to store for one entry.
#[derive(Clone, PartialEq, Eq)]
pub struct Hashed {
    pub hash: Vec<u8>,
    /// The user's stored hash already verifies the password with `params`,
    /// so it is kept (and `hash` is that stored hash).
    pub kept: bool,
}

/// Hashes every entry in parallel, on every core, bcrypt several to a core
/// ([`hash::hash_many`]).
///
/// `stored` gives a user's current hash (the first entry, as servers read
/// it); when it already verifies the password and was made with `params`,
/// and `rehash` is off, it is kept rather than replaced, so a re-run batch
/// changes nothing. Those checks run first, together
/// ([`hash::verify_many`]); then every entry not kept is hashed. `progress`
/// is called once per entry done, from any thread. The results are in the
/// order of `entries`.
pub fn hash_all(
    entries: &[BatchEntry],
    params: &Params,
    stored: &HashMap<Vec<u8>, Vec<u8>>,
    rehash: bool,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Hashed>, Error> {
    let mut results: Vec<Option<Hashed>> = vec![None; entries.len()];

    let candidates: Vec<(usize, &[u8])> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, entry)| {
            let current = stored.get(entry.user.as_bytes())?;
            (!rehash && hash::matches_params(current, params)).then_some((i, current.as_slice()))
        })
        .collect();
    let pairs: Vec<(&Password, &[u8])> = candidates
        .iter()
        .map(|&(i, current)| (&entries[i].password, current))
        .collect();
    // A plain entry counts only when plain is what was asked for.
    let policy = VerifyPolicy {
        allow_plain: *params == Params::Plain,
    };
    let answers = hash::verify_many(&pairs, policy, &|answer| {
        if answer.is_match() {
            progress();
        }
    });
    for (&(i, current), answer) in candidates.iter().zip(answers) {
        if answer.is_match() {
            results[i] = Some(Hashed {
                hash: current.to_vec(),
                kept: true,
            });
        }
    }

    let to_hash: Vec<usize> = (0..entries.len())
        .filter(|&i| results[i].is_none())
        .collect();
    let passwords: Vec<&Password> = to_hash.iter().map(|&i| &entries[i].password).collect();
    for (i, hash) in to_hash
        .into_iter()
        .zip(hash::hash_many(&passwords, params, progress)?)
    {
        results[i] = Some(Hashed { hash, kept: false });
    }
    Ok(results
        .into_iter()
        // Each entry was either kept above or is among `to_hash`.
        .map(|hashed| hashed.expect("every entry kept or hashed"))
        .collect())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::hash::BcryptCost;

    fn sha1() -> Params {
        Params::default_for(Algorithm::Sha1)
    }

    fn parse_text(text: &[u8], params: &Params) -> Result<Vec<BatchEntry>, Error> {
        parse(text, "standard input", params)
    }

    fn problem_at(text: &[u8], params: &Params) -> (u64, Error) {
        match parse_text(text, params) {
            Err(Error::BatchLine { line, problem, .. }) => (line, *problem),
            Err(other) => panic!("not a line error: {other}"),
            Ok(_) => panic!("accepted: {:?}", String::from_utf8_lossy(text)),
        }
    }

    #[test]
    fn lines_give_users_and_passwords() {
        let entries = parse_text(
            b"alice:s3cret\r\n# a comment\n\n  \nbob:a:b c\ncarol:\xff\xfe",
            &sha1(),
        )
        .unwrap();
        let seen: Vec<(u64, &[u8], &[u8])> = entries
            .iter()
            .map(|e| (e.line, e.user.as_bytes(), e.password.as_bytes()))
            .collect();
        assert_eq!(
            seen,
            [
                (1, &b"alice"[..], &b"s3cret"[..]),
                (5, b"bob", b"a:b c"),
                (6, b"carol", b"\xff\xfe"),
            ]
        );
    }

    #[test]
    fn a_bad_line_is_named_by_its_number() {
        let params = sha1();
        assert!(matches!(
            problem_at(b"a:1\nno colon\n", &params),
            (2, Error::BatchNoColon)
        ));
        assert!(matches!(
            problem_at(b"a:1\nb:\n", &params),
            (2, Error::BatchEmptyPassword)
        ));
        assert!(matches!(
            problem_at(b"a:1\n:x\n", &params),
            (2, Error::UsernameEmpty)
        ));
        assert!(matches!(
            problem_at(b"a\x01b:x\n", &params),
            (1, Error::UsernameIllegal { .. })
        ));
        assert!(matches!(
            problem_at(b"a:1\nb:2\na:3\n", &params),
            (3, Error::BatchDuplicateUser { first_line: 1, .. })
        ));
        let long_user = [vec![b'u'; 256], b":x\n".to_vec()].concat();
        assert!(matches!(
            problem_at(&long_user, &params),
            (1, Error::UsernameTooLong { len: 256 })
        ));
        let huge = vec![b'x'; MAX_LINE_BYTES + 1];
        assert!(matches!(
            problem_at(&huge, &params),
            (1, Error::BatchLineTooLong { .. })
        ));
        let plain = Params::Plain;
        assert!(matches!(
            problem_at(b"a:x\ry\n", &plain),
            (1, Error::BatchPlainLineBreak)
        ));
    }

    #[test]
    fn bcrypt_refuses_a_password_over_72_bytes() {
        let params = Params::default_for(Algorithm::Bcrypt);
        let line = [b"a:".to_vec(), vec![b'p'; 73]].concat();
        assert!(matches!(
            problem_at(&line, &params),
            (1, Error::PasswordTooLongForBcrypt { len: 73 })
        ));
        let line = [b"a:".to_vec(), vec![b'p'; 72]].concat();
        assert_eq!(parse_text(&line, &params).unwrap().len(), 1);
    }

    #[test]
    fn a_byte_order_mark_at_the_start_is_dropped_and_refused_elsewhere() {
        let entries = parse_text(b"\xef\xbb\xbfalice:one\r\nbob:two\n", &sha1()).unwrap();
        let users: Vec<&[u8]> = entries.iter().map(|e| e.user.as_bytes()).collect();
        assert_eq!(users, [&b"alice"[..], b"bob"]);
        // Before a comment or a blank line, too.
        let entries = parse_text(b"\xef\xbb\xbf# team\nalice:one\n", &sha1()).unwrap();
        assert_eq!(entries[0].user.as_bytes(), b"alice");
        assert!(matches!(
            parse_text(b"\xef\xbb\xbf\n", &sha1()),
            Err(Error::BatchEmpty { .. })
        ));
        // Only one, and only at the start: elsewhere it is in a name.
        assert!(matches!(
            problem_at(b"\xef\xbb\xbf\xef\xbb\xbfalice:one\n", &sha1()),
            (
                1,
                Error::UsernameInvisible {
                    character: '\u{feff}'
                }
            )
        ));
        assert!(matches!(
            problem_at(b"alice:one\n\xef\xbb\xbfbob:two\n", &sha1()),
            (
                2,
                Error::UsernameInvisible {
                    character: '\u{feff}'
                }
            )
        ));
        // In a password it is the password's.
        let entries = parse_text(b"alice:\xef\xbb\xbfpw\n", &sha1()).unwrap();
        assert_eq!(entries[0].password.as_bytes(), b"\xef\xbb\xbfpw");
    }

    #[test]
    fn no_lines_is_an_error() {
        assert!(matches!(
            parse_text(b"\n# only a comment\n", &sha1()),
            Err(Error::BatchEmpty { .. })
        ));
    }

    #[test]
    fn hashes_verify_and_matching_ones_are_kept() {
        let params = Params::Bcrypt {
            variant: hash::BcryptVariant::TwoY,
            cost: BcryptCost::new(4).unwrap(),
        };
        let entries = parse_text(b"alice:one\nbob:two\ncarol:three\n", &params).unwrap();
        let alice_stored = hash::hash_password(&Password::from("one"), &params).unwrap();
        let bob_stale = hash::hash_password(&Password::from("old"), &params).unwrap();
        let stored: HashMap<Vec<u8>, Vec<u8>> = [
            (b"alice".to_vec(), alice_stored.clone()),
            (b"bob".to_vec(), bob_stale),
        ]
        .into();
        let done = AtomicUsize::new(0);
        let count = || {
            done.fetch_add(1, Ordering::Relaxed);
        };
        let hashed = hash_all(&entries, &params, &stored, false, &count).unwrap();
        assert_eq!(done.load(Ordering::Relaxed), 3);
        assert!(hashed[0].kept);
        assert_eq!(hashed[0].hash, alice_stored);
        for (entry, hashed) in entries.iter().zip(&hashed) {
            assert!(
                hash::verify(&entry.password, &hashed.hash, VerifyPolicy::default()).is_match()
            );
        }
        assert!(!hashed[1].kept && !hashed[2].kept);

        let rehashed = hash_all(&entries, &params, &stored, true, &|| {}).unwrap();
        assert!(!rehashed[0].kept);
        assert_ne!(rehashed[0].hash, alice_stored);
    }
}
