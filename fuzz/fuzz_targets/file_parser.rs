//! The file editor over arbitrary bytes: nothing panics, and every edit
//! matches a small model of the compat spec (§7.2 reading, §7.3 editing),
//! the same model as `tests/properties.rs`: lines not of the user are copied
//! byte for byte and in order, the user's entries (every duplicate) are
//! replaced or one record appended (after repairing a missing final
//! newline), a good entry leaves the file byte-identical, delete removes the
//! user's entry lines and nothing else.
//!
//! Input: one control byte, then the file.
//! - bits 0-1: the user: `bob`, `alice`, `a`, or the file's first entry's
//!   user (when it is a valid name), so that present users are common;
//! - bit 2: the second user of `upsert_many`/`delete` is the file's last
//!   entry's user rather than `carol`;
//! - bits 3-4: whether `upsert_many` keeps each user's lines or writes them.
#![no_main]

use std::io::BufRead;
use std::ops::ControlFlow;
use std::path::Path;

use htpass::Username;
use htpass::file::{self, LineKind, MalformedLines, Resolution, UpsertOutcome};
use libfuzzer_sys::fuzz_target;

const NEW: &[u8] = b"$apr1$NEW$hash";

fn path() -> &'static Path {
    Path::new("fuzz.htpasswd")
}

fn is_c_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn lines(input: &[u8]) -> Vec<&[u8]> {
    input.split_inclusive(|&byte| byte == b'\n').collect()
}

fn after_space(line: &[u8]) -> &[u8] {
    let start = line
        .iter()
        .position(|&byte| !is_c_space(byte))
        .unwrap_or(line.len());
    &line[start..]
}

fn belongs_to(line: &[u8], user: &[u8]) -> bool {
    after_space(line)
        .strip_prefix(user)
        .is_some_and(|rest| rest.first() == Some(&b':'))
}

fn is_malformed(line: &[u8]) -> bool {
    let rest = after_space(line);
    !rest.is_empty() && rest[0] != b'#' && !rest.contains(&b':')
}

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

fn model_upsert(input: &[u8], users: &[&[u8]], decisions: &[Option<&[u8]>]) -> Vec<u8> {
    let mut output = Vec::new();
    let mut present = vec![false; users.len()];
    for line in lines(input) {
        match users.iter().position(|user| belongs_to(line, user)) {
            Some(i) => {
                present[i] = true;
                match decisions[i] {
                    Some(hash) => {
                        let ending: &[u8] = if line.ends_with(b"\r\n") {
                            b"\r\n"
                        } else {
                            b"\n"
                        };
                        output.extend([users[i], b":", hash, ending].concat());
                    }
                    None => output.extend_from_slice(line),
                }
            }
            None => output.extend_from_slice(line),
        }
    }
    let mut unterminated = !input.is_empty() && !input.ends_with(b"\n");
    if let Some(last) = lines(input).last()
        && let Some(i) = users.iter().position(|user| belongs_to(last, user))
    {
        unterminated &= decisions[i].is_none();
    }
    for (i, user) in users.iter().enumerate() {
        if let (false, Some(hash)) = (present[i], decisions[i]) {
            if unterminated {
                output.push(b'\n');
                unterminated = false;
            }
            output.extend([user, &b":"[..], hash, b"\n"].concat());
        }
    }
    output
}

fn model_delete(input: &[u8], users: &[&[u8]]) -> Vec<u8> {
    lines(input)
        .into_iter()
        .filter(|line| !users.iter().any(|user| belongs_to(line, user)))
        .flatten()
        .copied()
        .collect()
}

/// A valid name taken from the file's entries (`first` or last), if any.
fn name_from_file(input: &[u8], first: bool) -> Option<Username> {
    let mut names = lines(input)
        .into_iter()
        .filter_map(entry_of)
        .map(|(user, _)| user);
    let name = if first {
        names.next()
    } else {
        names.next_back()
    }?;
    Username::new(name.to_vec()).ok()
}

fn name(text: &str) -> Username {
    Username::new(text).expect("a valid constant name")
}

fn upsert(input: &[u8], user: &Username, existing_ok: bool) -> (UpsertOutcome, Vec<u8>) {
    let mut reader = input;
    let mut output = Vec::new();
    let outcome = file::upsert(
        Some(&mut reader as &mut dyn BufRead),
        &mut output,
        path(),
        user,
        false,
        MalformedLines::Keep,
        |_| Ok(existing_ok),
        || Ok(NEW.to_vec()),
    )
    .expect("editing bytes in memory cannot fail");
    (outcome, output)
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, input)) = data.split_first() else {
        return;
    };
    let user = match control & 3 {
        0 => name("bob"),
        1 => name("alice"),
        2 => name("a"),
        _ => name_from_file(input, true).unwrap_or_else(|| name("bob")),
    };
    let mut second = match control & 4 {
        0 => name("carol"),
        _ => name_from_file(input, false).unwrap_or_else(|| name("carol")),
    };
    // upsert_many and delete are given distinct users (batch::parse sees to
    // it; with a user twice, upsert_many would write it twice).
    if second == user {
        second = if user == name("carol") {
            name("dave")
        } else {
            name("carol")
        };
    }
    let user_bytes = user.as_bytes();
    let present = lines(input).iter().any(|line| belongs_to(line, user_bytes));

    // Reading: classify and for_each_entry agree with the model.
    let mut expected_entries = Vec::new();
    for (n, line) in lines(input).into_iter().enumerate() {
        let kind = file::classify(line);
        assert_eq!(matches!(kind, LineKind::Malformed), is_malformed(line));
        if let Some((found, hash)) = entry_of(line) {
            assert_eq!(kind, LineKind::Entry { user: found, hash });
            expected_entries.push((n as u64 + 1, found.to_vec(), hash.to_vec()));
        }
    }
    let mut seen = Vec::new();
    file::for_each_entry(input, path(), MalformedLines::Keep, |line, found, hash| {
        seen.push((line, found.to_vec(), hash.to_vec()));
        Ok(ControlFlow::Continue(()))
    })
    .expect("reading bytes in memory cannot fail");
    assert_eq!(seen, expected_entries);

    // Strict reading names the first malformed line, upsert and delete alike.
    let first_malformed = lines(input)
        .iter()
        .position(|line| is_malformed(line))
        .map(|i| i as u64 + 1);
    let strict = file::delete(
        input,
        Vec::new(),
        path(),
        std::slice::from_ref(&user),
        MalformedLines::Reject,
    );
    match (first_malformed, strict) {
        (None, Ok(_)) => {}
        (Some(number), Err(htpass::Error::InvalidFile { line, .. })) => assert_eq!(line, number),
        (expected, got) => panic!("expected a refusal at {expected:?}, got {got:?}"),
    }

    // Upsert: only the user's lines change.
    let (outcome, output) = upsert(input, &user, false);
    let expected = if present {
        UpsertOutcome::Updated
    } else {
        UpsertOutcome::Added
    };
    assert_eq!(outcome, expected);
    assert_eq!(output, model_upsert(input, &[user_bytes], &[Some(NEW)]));

    // A good entry: byte-identical output.
    let (outcome, output) = upsert(input, &user, true);
    if present {
        assert_eq!(outcome, UpsertOutcome::Unchanged);
        assert_eq!(output, input);
    }

    // Delete: the user's entry lines go, nothing else.
    let mut output = Vec::new();
    let users = [user.clone(), second.clone()];
    let user_list: [&[u8]; 2] = [user_bytes, second.as_bytes()];
    let deleted = file::delete(input, &mut output, path(), &users, MalformedLines::Keep)
        .expect("editing bytes in memory cannot fail");
    assert_eq!(output, model_delete(input, &user_list));
    for (i, (_, count)) in deleted.removed.iter().enumerate() {
        let expected = lines(input)
            .iter()
            .filter(|line| belongs_to(line, user_list[i]))
            .count();
        assert_eq!(*count, expected);
    }

    // Upsert of two users in one pass, each kept or written.
    let decisions: [Option<&[u8]>; 2] = [
        (control & 8 == 0).then_some(&b"NEW0"[..]),
        (control & 16 == 0).then_some(&b"NEW1"[..]),
    ];
    let mut reader = input;
    let mut output = Vec::new();
    let mut asked = [0usize; 2];
    file::upsert_many(
        Some(&mut reader as &mut dyn BufRead),
        &mut output,
        path(),
        &users,
        false,
        MalformedLines::Keep,
        |i, _| {
            asked[i] += 1;
            Ok(match decisions[i] {
                Some(hash) => Resolution::Write(hash.to_vec()),
                None => Resolution::Keep,
            })
        },
    )
    .expect("editing bytes in memory cannot fail");
    assert_eq!(asked, [1, 1]);
    assert_eq!(output, model_upsert(input, &user_list, &decisions));
});
