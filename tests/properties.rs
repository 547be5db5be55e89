//! Properties that must hold for every input, not just the ones we thought
//! of: the file editor never loses or changes a line it was not asked to
//! touch, every hash we write verifies (and a different password does not),
//! and no stored hash, file or batch input makes the library panic.
//!
//! Each property compares the library with a small model written here from
//! the compat spec (§7.2 how a line is read, §7.3 how it is edited), not from
//! `src/file`, so that a shared mistake cannot hide. Case counts are modest
//! so the module takes seconds in a debug build; `PROPTEST_CASES=N` runs
//! more. Failures are not persisted to files: a failing input found here
//! becomes a named regression test at the bottom of this module. The fuzz
//! targets in `fuzz/` check the same invariants for much longer.

use std::io::{BufRead, BufReader};
use std::ops::ControlFlow;
use std::path::Path;

use base64::Engine;
use htpass::batch;
use htpass::file::{self, MalformedLines, Resolution, UpsertOutcome};
use htpass::hash::{
    self, BcryptCost, BcryptVariant, Params, Scheme, ShaRounds, ShaVariant, VerifyPolicy,
};
use htpass::{Error, Password, Username};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

/// `cases` unless `PROPTEST_CASES` asks for more; never writes
/// `proptest-regressions/` files into the tree.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn path() -> &'static Path {
    Path::new("properties.htpasswd")
}

// ---------------------------------------------------------------------------
// The model of an htpasswd file (compat spec §7.2, §7.3)
// ---------------------------------------------------------------------------

/// C's `isspace` in the "C" locale: what a reader skips before the user.
fn is_c_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The file's lines as a reader sees them, each with its `\n` if it has one.
fn lines(input: &[u8]) -> Vec<&[u8]> {
    input.split_inclusive(|&byte| byte == b'\n').collect()
}

/// The line without its leading white space.
fn after_space(line: &[u8]) -> &[u8] {
    let start = line
        .iter()
        .position(|&byte| !is_c_space(byte))
        .unwrap_or(line.len());
    &line[start..]
}

/// Whether `line` is an entry of `user`: after leading white space, the
/// user's bytes and then a `:`.
fn belongs_to(line: &[u8], user: &[u8]) -> bool {
    after_space(line)
        .strip_prefix(user)
        .is_some_and(|rest| rest.first() == Some(&b':'))
}

/// Neither blank, nor a comment, nor `user:hash`.
fn is_malformed(line: &[u8]) -> bool {
    let rest = after_space(line);
    !rest.is_empty() && rest[0] != b'#' && !rest.contains(&b':')
}

/// The user and hash of an entry line: the hash without `\n` or `\r\n` (a
/// lone `\r` at the end of the file stays).
fn entry_of(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = after_space(line);
    if rest.is_empty() || rest[0] == b'#' {
        return None;
    }
    let colon = rest.iter().position(|&byte| byte == b':')?;
    let hash = &rest[colon + 1..];
    let hash = hash
        .strip_suffix(b"\r\n")
        .or_else(|| hash.strip_suffix(b"\n"))
        .unwrap_or(hash);
    Some((&rest[..colon], hash))
}

/// The record that replaces an entry line: CRLF stays CRLF, anything else
/// (LF, or no ending at the end of the file) becomes LF.
fn record(user: &[u8], hash: &[u8], old_line: &[u8]) -> Vec<u8> {
    let ending: &[u8] = if old_line.ends_with(b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    };
    [user, b":", hash, ending].concat()
}

/// What the file must become when `users[i]` gets `decisions[i]`
/// (`Some(hash)`: write it; `None`: keep the user's lines as they are).
fn model_upsert(input: &[u8], users: &[&[u8]], decisions: &[Option<Vec<u8>>]) -> Vec<u8> {
    let mut output = Vec::new();
    let mut present = vec![false; users.len()];
    for line in lines(input) {
        match users.iter().position(|user| belongs_to(line, user)) {
            Some(i) => {
                present[i] = true;
                match &decisions[i] {
                    Some(hash) => output.extend(record(users[i], hash, line)),
                    None => output.extend_from_slice(line),
                }
            }
            None => output.extend_from_slice(line),
        }
    }
    let mut unterminated = !input.is_empty() && !input.ends_with(b"\n");
    // A replaced unterminated last line already ended with the record's LF.
    if let Some(last) = lines(input).last()
        && let Some(i) = users.iter().position(|user| belongs_to(last, user))
    {
        unterminated &= decisions[i].is_none();
    }
    for (i, user) in users.iter().enumerate() {
        if let (false, Some(hash)) = (present[i], &decisions[i]) {
            if unterminated {
                output.push(b'\n');
                unterminated = false;
            }
            output.extend([user, &b":"[..], hash, b"\n"].concat());
        }
    }
    output
}

/// The file without any entry line of `users`.
fn model_delete(input: &[u8], users: &[&[u8]]) -> Vec<u8> {
    lines(input)
        .into_iter()
        .filter(|line| !users.iter().any(|user| belongs_to(line, user)))
        .flatten()
        .copied()
        .collect()
}

/// The 1-based number of the first malformed line, if any.
fn first_malformed(input: &[u8]) -> Option<u64> {
    lines(input)
        .iter()
        .position(|line| is_malformed(line))
        .map(|i| i as u64 + 1)
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/// Bytes a user name may hold: printable ASCII but `:`, and any byte >= 0x80
/// (so invalid UTF-8 too).
fn name_byte() -> impl Strategy<Value = u8> {
    prop_oneof![0x20u8..=0x7e, 0x80u8..=0xff].prop_filter("no colon", |&byte| byte != b':')
}

/// A valid user name: some that are prefixes of each other, and arbitrary ones.
fn name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => prop::sample::select(vec![
            b"bob".to_vec(),
            b"bo".to_vec(),
            b"bobby".to_vec(),
            b"alice".to_vec(),
            b"a b".to_vec(),
            "j\u{f6}rg".as_bytes().to_vec(),
            b"\xff\xfe".to_vec(),
        ]),
        1 => vec(name_byte(), 1..12),
    ]
    .prop_filter("a valid user name", |bytes| {
        Username::new(bytes.clone()).is_ok()
    })
}

/// 1 to 4 distinct user names.
fn pool() -> impl Strategy<Value = Vec<Vec<u8>>> {
    vec(name(), 1..=4).prop_map(|mut names| {
        let mut seen = Vec::new();
        names.retain(|name| {
            let fresh = !seen.contains(name);
            seen.push(name.clone());
            fresh
        });
        names
    })
}

/// Any bytes but `\n` (which would end the line).
fn line_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(
        any::<u8>().prop_filter("no LF", |&byte| byte != b'\n'),
        0..max,
    )
}

/// White space a reader skips before the user.
fn leading_space() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => Just(Vec::new()),
        1 => vec(prop::sample::select(b" \t\x0b\x0c\r".to_vec()), 1..3),
    ]
}

/// One line without its ending: entries of the pool's users, lines that
/// nearly are, comments, blank lines and junk (NUL, CR, invalid UTF-8).
fn line_body(pool: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let entries = pool.clone();
    let near = pool;
    prop_oneof![
        4 => (any::<Index>(), leading_space(), line_bytes(16)).prop_map(move |(i, space, hash)| {
            [space, i.get(&entries).clone(), b":".to_vec(), hash].concat()
        }),
        2 => (any::<Index>(), 0..6u8, line_bytes(8)).prop_map(move |(i, how, tail)| {
            let name = i.get(&near).clone();
            match how {
                0 => [name, b"x:".to_vec(), tail].concat(),
                1 => [name, b" :".to_vec(), tail].concat(),
                2 => [b"x".to_vec(), name, b":".to_vec(), tail].concat(),
                3 => [b"#".to_vec(), name, b":".to_vec(), tail].concat(),
                4 => [name.clone(), b":".to_vec(), name].concat(),
                // No colon: malformed (unless the tail brings one).
                _ => [name, tail].concat(),
            }
        }),
        1 => line_bytes(12).prop_map(|text| [b"#".to_vec(), text].concat()),
        1 => vec(prop::sample::select(b" \t\x0b\x0c\r".to_vec()), 0..4),
        1 => line_bytes(24),
    ]
}

/// A file made of such lines with LF or CRLF endings, maybe without a final
/// newline; or plain arbitrary bytes.
fn file_for(pool: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => (vec((line_body(pool), any::<bool>()), 0..10), any::<bool>()).prop_map(
            |(lines, final_newline)| {
                let count = lines.len();
                let mut bytes = Vec::new();
                for (n, (body, crlf)) in lines.into_iter().enumerate() {
                    bytes.extend(body);
                    if n + 1 < count || final_newline {
                        bytes.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                    }
                }
                bytes
            }
        ),
        1 => vec(any::<u8>(), 0..200),
    ]
}

/// A pool of user names and a file that mentions them.
fn scenario() -> impl Strategy<Value = (Vec<Vec<u8>>, Vec<u8>)> {
    pool().prop_flat_map(|pool| (Just(pool.clone()), file_for(pool)))
}

/// Some of the pool's users, in any order, and a file that mentions the pool.
fn scenario_many() -> impl Strategy<Value = (Vec<Vec<u8>>, Vec<u8>)> {
    pool().prop_flat_map(|pool| {
        let count = 1..=pool.len();
        (Just(pool.clone()).prop_shuffle(), count, file_for(pool)).prop_map(
            |(mut users, count, file)| {
                users.truncate(count);
                (users, file)
            },
        )
    })
}

fn username(bytes: &[u8]) -> Username {
    Username::new(bytes.to_vec()).expect("generated names are valid")
}

/// How much a reader hands over per read: tiny sizes split lines across
/// reads (the editor joins them), large ones hold the whole file.
fn read_sizes() -> impl Strategy<Value = usize> {
    prop_oneof![1usize..16, Just(8192)]
}

/// A fixed new hash, as the caller's hashing would return it.
const NEW: &[u8] = b"$apr1$NEW$hash";

/// Runs `file::upsert` of `user` over `input`; returns the result, the
/// output and how many times `new_hash` ran.
fn run_upsert(
    input: &[u8],
    user: &Username,
    no_update: bool,
    malformed: MalformedLines,
    existing_ok: bool,
) -> (Result<UpsertOutcome, Error>, Vec<u8>, usize) {
    let mut reader: &[u8] = input;
    let mut output = Vec::new();
    let mut calls = 0;
    let result = file::upsert(
        Some(&mut reader as &mut dyn BufRead),
        &mut output,
        path(),
        user,
        no_update,
        malformed,
        |_| Ok(existing_ok),
        || {
            calls += 1;
            Ok(NEW.to_vec())
        },
    );
    (result, output, calls)
}

// ---------------------------------------------------------------------------
// The file editor
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(512))]

    /// Every line not of the user is copied byte for byte and in order;
    /// every entry of the user (all duplicates) is replaced, or one record
    /// is appended after repairing a missing final newline.
    #[test]
    fn upsert_changes_only_the_users_lines(
        (pool, input) in scenario(),
        pick in any::<Index>(),
    ) {
        let name = pick.get(&pool).clone();
        let user = username(&name);
        let present = lines(&input).iter().any(|line| belongs_to(line, &name));

        let (result, output, calls) = run_upsert(&input, &user, false, MalformedLines::Keep, false);
        let expected = if present { UpsertOutcome::Updated } else { UpsertOutcome::Added };
        prop_assert_eq!(result.unwrap(), expected);
        prop_assert_eq!(calls, 1);
        prop_assert_eq!(&output, &model_upsert(&input, &[&name], &[Some(NEW.to_vec())]));
        // The other users' lines, read back, are exactly what they were.
        let others = |bytes: &[u8]| -> Vec<Vec<u8>> {
            lines(bytes)
                .into_iter()
                .filter(|line| !belongs_to(line, &name))
                .map(|line| line.strip_suffix(b"\n").unwrap_or(line).to_vec())
                .collect()
        };
        prop_assert_eq!(others(&output), others(&input));
        // And the user has exactly one hash now, however many lines.
        let mut hashes = Vec::new();
        file::for_each_entry(&output[..], path(), MalformedLines::Keep, |_, user, hash| {
            if user == name.as_slice() {
                hashes.push(hash.to_vec());
            }
            Ok(ControlFlow::Continue(()))
        })
        .unwrap();
        prop_assert!(!hashes.is_empty());
        prop_assert!(hashes.iter().all(|hash| hash == NEW));
    }

    /// A good existing entry leaves the file byte-identical and costs no hash.
    #[test]
    fn upsert_of_a_good_entry_changes_nothing(
        (pool, input) in scenario(),
        pick in any::<Index>(),
    ) {
        let name = pick.get(&pool).clone();
        let user = username(&name);
        let present = lines(&input).iter().any(|line| belongs_to(line, &name));

        let (result, output, calls) = run_upsert(&input, &user, false, MalformedLines::Keep, true);
        if present {
            prop_assert_eq!(result.unwrap(), UpsertOutcome::Unchanged);
            prop_assert_eq!(calls, 0);
            prop_assert_eq!(&output, &input);
        } else {
            prop_assert_eq!(result.unwrap(), UpsertOutcome::Added);
            prop_assert_eq!(&output, &model_upsert(&input, &[&name], &[Some(NEW.to_vec())]));
        }
    }

    /// `no_update` refuses a present user before hashing, adds an absent one.
    #[test]
    fn upsert_with_no_update_refuses_only_a_present_user(
        (pool, input) in scenario(),
        pick in any::<Index>(),
    ) {
        let name = pick.get(&pool).clone();
        let user = username(&name);
        let present = lines(&input).iter().any(|line| belongs_to(line, &name));

        let (result, output, calls) = run_upsert(&input, &user, true, MalformedLines::Keep, false);
        if present {
            prop_assert!(matches!(result, Err(Error::UserExists { .. })), "{result:?}");
            prop_assert_eq!(calls, 0);
        } else {
            prop_assert_eq!(result.unwrap(), UpsertOutcome::Added);
            prop_assert_eq!(&output, &model_upsert(&input, &[&name], &[Some(NEW.to_vec())]));
        }
    }

    /// Apache's strict reading: the first malformed line is named; a file
    /// without one is edited exactly as with `Keep`.
    #[test]
    fn reject_names_the_first_malformed_line(
        (pool, input) in scenario(),
        pick in any::<Index>(),
    ) {
        let name = pick.get(&pool).clone();
        let user = username(&name);
        let (result, output, _) = run_upsert(&input, &user, false, MalformedLines::Reject, false);
        let deleted = file::delete(&input[..], Vec::new(), path(), &[user], MalformedLines::Reject);
        match first_malformed(&input) {
            Some(number) => {
                prop_assert!(
                    matches!(result, Err(Error::InvalidFile { line, .. }) if line == number),
                    "{result:?}"
                );
                prop_assert!(
                    matches!(deleted, Err(Error::InvalidFile { line, .. }) if line == number),
                    "{deleted:?}"
                );
            }
            None => {
                prop_assert!(result.is_ok());
                prop_assert!(deleted.is_ok());
                prop_assert_eq!(&output, &model_upsert(&input, &[&name], &[Some(NEW.to_vec())]));
            }
        }
    }

    /// Many users in one pass: each is asked about exactly once (at its first
    /// entry, or after the last line when absent), kept users' lines stay
    /// byte for byte, written users' lines are replaced, absent ones appended
    /// in the order given.
    #[test]
    fn upsert_many_follows_the_model(
        (picked, input) in scenario_many(),
        keep in vec(any::<bool>(), 4),
        capacity in read_sizes(),
    ) {
        let users: Vec<Username> = picked.iter().map(|name| username(name)).collect();
        let user_bytes: Vec<&[u8]> = picked.iter().map(Vec::as_slice).collect();
        let decisions: Vec<Option<Vec<u8>>> = (0..users.len())
            .map(|i| (!keep[i]).then(|| format!("NEW{i}").into_bytes()))
            .collect();

        let mut asked = Vec::new();
        let mut reader = BufReader::with_capacity(capacity, &input[..]);
        let mut output = Vec::new();
        let outcomes = file::upsert_many(
            Some(&mut reader as &mut dyn BufRead),
            &mut output,
            path(),
            &users,
            false,
            MalformedLines::Keep,
            |i, stored| {
                asked.push((i, stored.map(<[u8]>::to_vec)));
                Ok(match &decisions[i] {
                    Some(hash) => Resolution::Write(hash.clone()),
                    None => Resolution::Keep,
                })
            },
        )
        .unwrap();

        prop_assert_eq!(&output, &model_upsert(&input, &user_bytes, &decisions));

        // Asked once each: present users in order of first appearance with
        // their first hash, then absent ones in the order given with None.
        let mut expected_asked = Vec::new();
        for line in lines(&input) {
            if let Some((found, hash)) = entry_of(line)
                && let Some(i) = user_bytes.iter().position(|user| *user == found)
                && !expected_asked.iter().any(|(j, _)| *j == i)
            {
                expected_asked.push((i, Some(hash.to_vec())));
            }
        }
        let present: Vec<usize> = expected_asked.iter().map(|(i, _)| *i).collect();
        for i in 0..users.len() {
            if !present.contains(&i) {
                expected_asked.push((i, None));
            }
        }
        prop_assert_eq!(asked, expected_asked);

        for (i, outcome) in outcomes.iter().enumerate() {
            let expected = match (present.contains(&i), decisions[i].is_some()) {
                (_, false) => UpsertOutcome::Unchanged,
                (true, true) => UpsertOutcome::Updated,
                (false, true) => UpsertOutcome::Added,
            };
            prop_assert_eq!(*outcome, expected, "user {}", i);
        }
        if decisions.iter().all(Option::is_none) {
            prop_assert_eq!(&output, &input);
        }
    }

    /// `htpass sync`'s pass: each user's first entry kept or replaced in
    /// place, its later entries removed, absent users appended, and every
    /// entry of another user removed (or, keeping them, copied); every other
    /// line byte for byte. The output equals the input exactly when every
    /// user is unchanged and nothing was removed.
    #[test]
    fn upsert_exclusive_follows_the_model(
        (picked, input) in scenario_many(),
        keep in vec(any::<bool>(), 4),
        remove_unlisted in any::<bool>(),
        capacity in read_sizes(),
    ) {
        let users: Vec<Username> = picked.iter().map(|name| username(name)).collect();
        let user_bytes: Vec<&[u8]> = picked.iter().map(Vec::as_slice).collect();
        let decisions: Vec<Option<Vec<u8>>> = (0..users.len())
            .map(|i| (!keep[i]).then(|| format!("NEW{i}").into_bytes()))
            .collect();

        let mut removed = Vec::new();
        let mut tell = |user: &[u8]| removed.push(user.to_vec());
        let unlisted = if remove_unlisted {
            file::Unlisted::Remove(&mut tell)
        } else {
            file::Unlisted::Keep
        };
        let mut reader = BufReader::with_capacity(capacity, &input[..]);
        let mut output = Vec::new();
        let outcomes = file::upsert_exclusive(
            Some(&mut reader as &mut dyn BufRead),
            &mut output,
            path(),
            &users,
            MalformedLines::Keep,
            |i, _| {
                Ok(match &decisions[i] {
                    Some(hash) => Resolution::Write(hash.clone()),
                    None => Resolution::Keep,
                })
            },
            unlisted,
        )
        .unwrap();

        // The model, line by line.
        let mut expected = Vec::new();
        let mut expected_removed = Vec::new();
        let mut entries = vec![0usize; users.len()];
        for line in lines(&input) {
            let Some((found, _)) = entry_of(line) else {
                expected.extend_from_slice(line);
                continue;
            };
            match user_bytes.iter().position(|user| *user == found) {
                Some(i) => {
                    entries[i] += 1;
                    match (&decisions[i], entries[i]) {
                        (Some(hash), 1) => expected.extend(record(found, hash, line)),
                        (None, 1) => expected.extend_from_slice(line),
                        _ => {}
                    }
                }
                None if remove_unlisted => expected_removed.push(found.to_vec()),
                None => expected.extend_from_slice(line),
            }
        }
        let mut unterminated = !expected.is_empty() && !expected.ends_with(b"\n");
        for (i, user) in user_bytes.iter().enumerate() {
            if let (0, Some(hash)) = (entries[i], &decisions[i]) {
                if unterminated {
                    expected.push(b'\n');
                    unterminated = false;
                }
                expected.extend([user, &b":"[..], hash, b"\n"].concat());
            }
        }
        prop_assert_eq!(&output, &expected);
        prop_assert_eq!(&removed, &expected_removed);
        for (i, outcome) in outcomes.iter().enumerate() {
            let expected = match (entries[i], decisions[i].is_some()) {
                (0, true) => UpsertOutcome::Added,
                (0, false) | (1, false) => UpsertOutcome::Unchanged,
                _ => UpsertOutcome::Updated,
            };
            prop_assert_eq!(*outcome, expected, "user {}", i);
        }
        // What lets the caller skip the write.
        if outcomes.iter().all(|o| *o == UpsertOutcome::Unchanged) && removed.is_empty() {
            prop_assert_eq!(&output, &input);
        }
    }

    /// Delete removes every entry line of the users and nothing else, and
    /// counts what it removed.
    #[test]
    fn delete_removes_only_the_users_lines(
        (picked, input) in scenario_many(),
        capacity in read_sizes(),
    ) {
        let users: Vec<Username> = picked.iter().map(|name| username(name)).collect();
        let user_bytes: Vec<&[u8]> = picked.iter().map(Vec::as_slice).collect();

        let mut output = Vec::new();
        let reader = BufReader::with_capacity(capacity, &input[..]);
        let outcome = file::delete(reader, &mut output, path(), &users, MalformedLines::Keep)
            .unwrap();
        prop_assert_eq!(&output, &model_delete(&input, &user_bytes));
        for (user, removed) in &outcome.removed {
            let expected = lines(&input)
                .iter()
                .filter(|line| belongs_to(line, user.as_bytes()))
                .count();
            prop_assert_eq!(*removed, expected);
        }
        prop_assert_eq!(
            outcome.removed.iter().map(|(user, _)| user.clone()).collect::<Vec<_>>(),
            users
        );
    }

    /// The reader hands over every entry, in order, with its line number,
    /// user and hash, whatever else the file holds.
    #[test]
    fn for_each_entry_sees_every_entry((_, input) in scenario(), capacity in read_sizes()) {
        let mut seen = Vec::new();
        let reader = BufReader::with_capacity(capacity, &input[..]);
        file::for_each_entry(reader, path(), MalformedLines::Keep, |line, user, hash| {
            seen.push((line, user.to_vec(), hash.to_vec()));
            Ok(ControlFlow::Continue(()))
        })
        .unwrap();
        let expected: Vec<(u64, Vec<u8>, Vec<u8>)> = lines(&input)
            .iter()
            .enumerate()
            .filter_map(|(n, line)| {
                entry_of(line).map(|(user, hash)| (n as u64 + 1, user.to_vec(), hash.to_vec()))
            })
            .collect();
        prop_assert_eq!(seen, expected);
        for line in lines(&input) {
            let kind = file::classify(line);
            prop_assert_eq!(matches!(kind, file::LineKind::Malformed), is_malformed(line));
        }
    }
}

// ---------------------------------------------------------------------------
// Hashes
// ---------------------------------------------------------------------------

/// Every format htpass writes, with cheap parameters: bcrypt at cost 4 in the
/// variants we write, SHA-crypt without `rounds=` or with 1000-2000.
fn params() -> impl Strategy<Value = Params> {
    let cost = BcryptCost::new(4).expect("4 is in range");
    prop_oneof![
        prop::sample::select(vec![
            BcryptVariant::TwoY,
            BcryptVariant::TwoB,
            BcryptVariant::TwoA
        ])
        .prop_map(move |variant| Params::Bcrypt { variant, cost }),
        Just(Params::Apr1),
        (
            prop::sample::select(vec![ShaVariant::Sha256, ShaVariant::Sha512]),
            prop::option::of(1000u64..=2000),
        )
            .prop_map(|(variant, rounds)| Params::ShaCrypt {
                variant,
                rounds: rounds.map(|n| ShaRounds::new(n).expect("in range")),
            }),
        Just(Params::Sha1),
        Just(Params::Crypt),
        Just(Params::Plain),
    ]
}

/// The part of a password a format actually uses. bcrypt and DES are C
/// string functions: they stop at the first NUL. bcrypt uses 72 bytes; DES
/// uses 8, and only the low 7 bits of each (`\x80` counts as `\0`, padding).
fn effective(params: &Params, password: &[u8]) -> Vec<u8> {
    let c_string = || {
        let end = password.iter().position(|&byte| byte == 0);
        &password[..end.unwrap_or(password.len())]
    };
    match params {
        Params::Bcrypt { .. } => c_string()[..c_string().len().min(72)].to_vec(),
        Params::Crypt => {
            let mut key: Vec<u8> = c_string().iter().take(8).map(|b| b & 0x7f).collect();
            key.resize(8, 0);
            key
        }
        _ => password.to_vec(),
    }
}

/// A password and another one: unrelated, or one bit, byte or length away.
fn password_pair() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    vec(any::<u8>(), 0..=72).prop_flat_map(|password| {
        let flip_from = password.clone();
        let append_to = password.clone();
        let cut_from = password.clone();
        let other = prop_oneof![
            vec(any::<u8>(), 0..=73),
            (any::<Index>(), 0..8u8).prop_map(move |(at, bit)| {
                let mut other = flip_from.clone();
                if other.is_empty() {
                    other.push(1 << bit);
                } else {
                    let at = at.index(other.len());
                    other[at] ^= 1 << bit;
                }
                other
            }),
            any::<u8>().prop_map(move |byte| [append_to.clone(), vec![byte]].concat()),
            any::<Index>().prop_map(move |at| {
                let keep = at.index(cut_from.len() + 1);
                cut_from[..keep].to_vec()
            }),
        ];
        (Just(password), other)
    })
}

/// Whether verifying `stored` is cheap enough to try: a bcrypt cost or a
/// SHA-crypt round count taken from the input could make one verify run for
/// hours (2^31 bcrypt rounds; 999,999,999 SHA rounds). Out-of-range values
/// are refused before any work, so those stay in.
fn affordable(stored: &[u8]) -> bool {
    match hash::detect(stored) {
        Scheme::Bcrypt { cost, .. } => !(7..=BcryptCost::MAX).contains(&cost),
        Scheme::ShaCrypt { rounds, .. } => !(10_001..=ShaRounds::MAX).contains(&rounds),
        _ => true,
    }
}

/// Prefixes of every format verify knows, to put before random tails.
const PREFIXES: [&[u8]; 16] = [
    b"$2y$",
    b"$2y$04$",
    b"$2b$05$",
    b"$2a$04$",
    b"$2x$04$",
    b"$2y$99$",
    b"$apr1$",
    b"$1$",
    b"$5$",
    b"$6$",
    b"$5$rounds=",
    b"$6$rounds=1000$",
    b"$5$rounds=999$",
    b"{SHA}",
    b"{SSHA}",
    b"{PLAIN}",
];

/// Stored strings: arbitrary bytes; a known prefix and a random tail; or a
/// tail of the right length and alphabet to get past the shape checks.
fn stored_hash() -> impl Strategy<Value = Vec<u8>> {
    let alphabet = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$=".to_vec();
    prop_oneof![
        vec(any::<u8>(), 0..120),
        (
            prop::sample::select(PREFIXES.to_vec()),
            vec(any::<u8>(), 0..80)
        )
            .prop_map(|(prefix, tail)| [prefix.to_vec(), tail].concat()),
        (
            prop::sample::select(PREFIXES.to_vec()),
            vec(prop::sample::select(alphabet.clone()), 0..110),
        )
            .prop_map(|(prefix, tail)| [prefix.to_vec(), tail].concat()),
        // bcrypt's exact 60 bytes, and DES's 13, from their alphabets.
        (
            prop::sample::select(vec![&b"$2y$04$"[..], b"$2b$00$", b"$2a$32$"]),
            vec(prop::sample::select(alphabet[..64].to_vec()), 53),
        )
            .prop_map(|(prefix, tail)| [prefix.to_vec(), tail].concat()),
        vec(prop::sample::select(alphabet[..64].to_vec()), 13),
        // A base64 `{SSHA}` of any length.
        vec(any::<u8>(), 0..40).prop_map(|raw| {
            let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
            [b"{SSHA}".to_vec(), encoded.into_bytes()].concat()
        }),
    ]
}

proptest! {
    #![proptest_config(config(96))]

    /// What we write verifies with the password, is read back as the format
    /// it was written in, and a password that differs in what the format
    /// uses fails (one that differs only in what it ignores still passes).
    #[test]
    fn every_hash_verifies_and_a_different_password_fails(
        params in params(),
        (password, other) in password_pair(),
    ) {
        let stored = hash::hash_password(&Password::new(password.clone()), &params).unwrap();
        let policy = VerifyPolicy { allow_plain: params == Params::Plain };
        if params == Params::Plain {
            // A plain password that starts like a hash (`{SHA}`, `$apr1$`...)
            // is read as that hash, by servers too; random bytes hardly ever do.
            prop_assume!(matches!(hash::detect(&stored), Scheme::BarePlain | Scheme::DesCrypt));
        } else {
            prop_assert!(hash::matches_params(&stored, &params));
            prop_assert!(stored.is_ascii());
        }
        prop_assert!(hash::verify(&Password::new(password.clone()), &stored, policy).is_match());
        let same = effective(&params, &other) == effective(&params, &password);
        prop_assert_eq!(
            hash::verify(&Password::new(other), &stored, policy).is_match(),
            same,
            "{}", params.algorithm()
        );
    }

    /// No stored string makes verify or detect panic, whatever the password.
    #[test]
    fn verify_and_detect_never_panic(
        stored in stored_hash(),
        password in vec(any::<u8>(), 0..80),
    ) {
        let scheme = hash::detect(&stored);
        let _ = scheme.name();
        let _ = scheme.cost();
        prop_assume!(affordable(&stored));
        for allow_plain in [false, true] {
            let verdict = hash::verify(&Password::new(password.clone()), &stored, VerifyPolicy { allow_plain });
            // Bare plain text is the only thing compared as plain text.
            if verdict == hash::Verification::PlainNotAllowed {
                prop_assert!(matches!(scheme, Scheme::BarePlain | Scheme::DesCrypt));
                prop_assert_eq!(&password, &stored);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Batch input
// ---------------------------------------------------------------------------

/// Params that change what a batch accepts: bcrypt's 72 bytes, plain's CR.
fn batch_params() -> impl Strategy<Value = Params> {
    prop::sample::select(vec![
        Params::Sha1,
        Params::Plain,
        Params::default_for(hash::Algorithm::Bcrypt),
    ])
}

/// A password `params` can take, at most 72 bytes, that stays whole in a
/// line: no LF, no CR at its end (CRLF input drops it), none at all for
/// plain, not empty.
fn fit_password(mut password: Vec<u8>, params: &Params) -> Vec<u8> {
    password.retain(|&byte| byte != b'\n' && (*params != Params::Plain || byte != b'\r'));
    password.truncate(72);
    if let Some(last) = password.last_mut()
        && *last == b'\r'
    {
        *last = b'x';
    }
    if password.is_empty() {
        password.push(b'p');
    }
    password
}

/// Filler lines a batch skips: comments and blank (ASCII white space) lines.
fn filler() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        line_bytes(10).prop_map(|text| [b"#".to_vec(), text].concat()),
        vec(prop::sample::select(b" \t\x0c\r".to_vec()), 0..4),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    /// No input makes batch::parse panic; what it accepts is well formed.
    #[test]
    fn batch_parse_never_panics(
        input in prop_oneof![
            4 => vec(any::<u8>(), 0..400),
            4 => vec(prop::sample::select(b"ab:#\r\n \t\x00\xff".to_vec()), 0..200),
            1 => vec(any::<u8>(), 8100..8300),
        ],
        params in batch_params(),
    ) {
        if let Ok(entries) = batch::parse(&input[..], "standard input", &params) {
            prop_assert!(!entries.is_empty());
            let mut users: Vec<&[u8]> = entries.iter().map(|e| e.user.as_bytes()).collect();
            prop_assert!(entries.windows(2).all(|pair| pair[0].line < pair[1].line));
            prop_assert!(entries.iter().all(|e| !e.password.is_empty()));
            users.sort();
            users.dedup();
            prop_assert_eq!(users.len(), entries.len());
        }
    }

    /// Well-formed input gives back exactly the users and passwords in it,
    /// in order, with their line numbers, whatever the endings and filler.
    #[test]
    fn batch_parse_returns_exactly_what_was_given(
        entries in vec((name(), vec(any::<u8>(), 0..90), vec(filler(), 0..2), any::<bool>()), 1..8)
            .prop_map(|mut entries| {
                let mut seen = Vec::new();
                entries.retain(|(user, ..)| {
                    let fresh = !seen.contains(user);
                    seen.push(user.clone());
                    fresh
                });
                entries
            }),
        params in batch_params(),
        final_newline in any::<bool>(),
    ) {
        let mut input = Vec::new();
        let mut expected: Vec<(u64, Vec<u8>, Vec<u8>)> = Vec::new();
        let mut number = 0u64;
        let count = entries.len();
        for (n, (user, password, fillers, crlf)) in entries.into_iter().enumerate() {
            let ending: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            for filler in fillers {
                input.extend([filler, ending.to_vec()].concat());
                number += 1;
            }
            let password = fit_password(password, &params);
            input.extend([user.clone(), b":".to_vec(), password.clone()].concat());
            if n + 1 < count || final_newline {
                input.extend_from_slice(ending);
            }
            number += 1;
            expected.push((number, user, password));
        }
        let parsed = batch::parse(&input[..], "standard input", &params).unwrap();
        let got: Vec<(u64, Vec<u8>, Vec<u8>)> = parsed
            .iter()
            .map(|e| (e.line, e.user.as_bytes().to_vec(), e.password.as_bytes().to_vec()))
            .collect();
        prop_assert_eq!(got, expected);
    }
}
