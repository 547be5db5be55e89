//! Unit tests of the group module: Apache's reading rules one by one (each
//! checked against the real server in `tests/interop/apache_groups.rs`),
//! the names, and the edits as pure functions over bytes.

use std::borrow::Cow;
use std::io::Cursor;
use std::ops::ControlFlow;
use std::path::Path;

use proptest::prelude::*;

use super::read::{self, GroupLine, Kind, MAX_LINE_BYTES, Problem, parse};
use super::*;
use super::{audit, edit};

fn path() -> &'static Path {
    Path::new("groups")
}

/// (number, content, problem) of every line of `file` as Apache reads it.
fn lines(file: &[u8]) -> Vec<(u64, Vec<u8>, Option<Problem>)> {
    let mut found = Vec::new();
    read::for_each_line(&mut Cursor::new(file), path(), |line| {
        found.push((line.number, line.content.clone(), line.problem));
        Ok(ControlFlow::Continue(()))
    })
    .unwrap();
    found
}

/// The group name and members of `content`, or `None` if not a group line.
fn group_of(content: &[u8]) -> Option<(Vec<u8>, Vec<Vec<u8>>)> {
    match parse(content) {
        Kind::Group(GroupLine { name, members, .. }) => Some((
            name.to_vec(),
            members.into_iter().map(|m| m.name.into_owned()).collect(),
        )),
        _ => None,
    }
}

fn names(members: &[&str]) -> Vec<Vec<u8>> {
    members.iter().map(|m| m.as_bytes().to_vec()).collect()
}

#[test]
fn a_group_line_is_a_name_up_to_the_first_colon_and_words() {
    assert_eq!(
        group_of(b"  pusher :: alice\tbob  "),
        Some((b"pusher".to_vec(), names(&["alice", "bob"])))
    );
    // Only the first ':' ends the name; a later one is part of a member.
    assert_eq!(group_of(b"g: a:b"), Some((b"g".to_vec(), names(&["a:b"]))));
    assert_eq!(group_of(b"g:"), Some((b"g".to_vec(), vec![])));
    assert_eq!(
        group_of(b": alice"),
        Some((b"".to_vec(), names(&["alice"])))
    );
    assert_eq!(parse(b"   \t"), Kind::Blank);
    assert_eq!(parse(b""), Kind::Blank);
    assert_eq!(parse(b"  # pusher: alice"), Kind::Comment);
    assert_eq!(parse(b"pusher alice"), Kind::NoColon);
    // A '#' later on is no comment.
    assert_eq!(
        group_of(b"g: #alice"),
        Some((b"g".to_vec(), names(&["#alice"])))
    );
}

#[test]
fn members_are_read_as_words_of_a_configuration_file() {
    let cases: [(&[u8], &[&str]); 9] = [
        (b"g: \"john smith\" bob", &["john smith", "bob"]),
        (b"g: 'o\\'brien' x", &["o'brien", "x"]),
        (b"g: \"say \\\"hi\\\"\"", &["say \"hi\""]),
        (b"g: DOMAIN\\user", &["DOMAIN\\user"]),
        (b"g: x\\\\y", &["x\\y"]),
        // In quotes, only the quote and '\' are escaped.
        (b"g: \"a\\'b\"", &["a\\'b"]),
        // A closing quote ends the word even without white space after it.
        (b"g: \"ab\"cd", &["ab", "cd"]),
        // An unclosed quote runs to the end of the trimmed line.
        (b"g: \"ab cd  ", &["ab cd"]),
        (b"g: \"\" x", &["", "x"]),
    ];
    for (line, expected) in cases {
        assert_eq!(
            group_of(line).map(|(_, members)| members),
            Some(names(expected)),
            "{}",
            String::from_utf8_lossy(line)
        );
    }
}

#[test]
fn member_positions_cover_the_word_as_written() {
    let Kind::Group(found) = parse(b"g: \"a b\" c") else {
        panic!("a group line")
    };
    let spans: Vec<(usize, usize)> = found.members.iter().map(|m| (m.start, m.end)).collect();
    assert_eq!(spans, [(3, 8), (9, 10)]);
    assert_eq!(found.body, 2);
    assert!(matches!(found.members[1].name, Cow::Borrowed(_)));
}

#[test]
fn a_backslash_at_the_end_joins_the_next_line_without_anything_between() {
    assert_eq!(
        lines(b"g: a\\\n b\\\r\nc\nh: d\n"),
        [(1, b"g: a bc".to_vec(), None), (4, b"h: d".to_vec(), None),]
    );
    // A comment swallows the line it is continued into.
    assert_eq!(
        lines(b"# c \\\ng: hidden\ng: seen\n"),
        [
            (1, b"# c g: hidden".to_vec(), None),
            (3, b"g: seen".to_vec(), None)
        ]
    );
    // No line ending: no continuation; a file ending on one keeps the line.
    assert_eq!(lines(b"g: a\\"), [(1, b"g: a\\".to_vec(), None)]);
    assert_eq!(lines(b"g: a\\\n"), [(1, b"g: a".to_vec(), None)]);
}

#[test]
fn a_nul_ends_what_is_read_of_its_line() {
    assert_eq!(
        lines(b"g: a\0 b\\\nh: c\n"),
        [
            (1, b"g: a".to_vec(), Some(Problem::Nul)),
            (2, b"h: c".to_vec(), None),
        ]
    );
}

#[test]
fn a_line_over_16_mib_is_too_long_and_one_byte_less_is_not() {
    let at_limit = [b"g: ".as_slice(), &vec![b'x'; MAX_LINE_BYTES - 3], b"\n"].concat();
    assert_eq!(lines(&at_limit)[0].2, None);
    let over = [b"g: ".as_slice(), &vec![b'x'; MAX_LINE_BYTES - 2], b"\n"].concat();
    assert_eq!(lines(&over)[0].2, Some(Problem::TooLong));
    // A '\r' before the '\n' counts; joined lines count together.
    let crlf = [b"g: ".as_slice(), &vec![b'x'; MAX_LINE_BYTES - 3], b"\r\n"].concat();
    assert_eq!(lines(&crlf)[0].2, Some(Problem::TooLong));
    let half = vec![b'x'; MAX_LINE_BYTES / 2 + 1];
    let joined = [b"g: ".as_slice(), &half, b"\\\n", &half, b"\n"].concat();
    assert_eq!(lines(&joined)[0].2, Some(Problem::TooLong));
}

#[test]
fn group_names_to_write_are_refused_where_apache_reads_them_otherwise() {
    assert!(GroupName::new("pusher").is_ok());
    assert!(GroupName::new("team-a.b_c@example").is_ok());
    assert!(GroupName::new("grüppe").is_ok());
    for bad in [
        "",
        "a b",
        "a:b",
        "#x",
        "a\tb",
        "a\u{7f}",
        "a\u{feff}b",
        "a\u{2066}",
    ] {
        assert!(GroupName::new(bad).is_err(), "{bad:?}");
    }
    // Looked up, only what no line can hold is refused; the ends are trimmed.
    assert_eq!(
        GroupName::existing(" pusher\t").unwrap().as_bytes(),
        b"pusher"
    );
    assert!(GroupName::existing("a b").is_ok());
    assert!(GroupName::existing("a:b").is_err());
    assert!(GroupName::existing("a\nb").is_err());
    assert!(GroupName::existing("a\0b").is_err());
}

#[test]
fn group_names_match_whatever_their_ascii_case() {
    let name = GroupName::new("Pusher").unwrap();
    assert!(name.matches(b"pusher"));
    assert!(name.matches(b"PUSHER"));
    assert!(!name.matches(b"pusher2"));
    // strcasecmp in the C locale folds ASCII only.
    assert!(!GroupName::new("Ä").unwrap().matches("ä".as_bytes()));
}

#[test]
fn members_to_write_are_refused_where_apache_reads_them_otherwise() {
    for good in ["alice", "DOMAIN\\bob", "a\\b\\c", "o'brien", "x\"y", "jörg"] {
        assert!(new_member(good).is_ok(), "{good:?}");
    }
    for bad in [
        "a b",
        "\"a",
        "'a",
        "a\\\\b",
        "a\\",
        "",
        "a:b",
        "#a",
        "\u{200b}a",
        "a\u{0}",
    ] {
        assert!(new_member(bad).is_err(), "{bad:?}");
    }
}

/// Runs one edit over `input`; returns the output if it changed anything.
fn run_edit<T>(
    input: &[u8],
    edit: impl FnOnce(&mut dyn BufRead, &mut dyn std::io::Write) -> Result<(Outcome, T), Error>,
) -> (Option<Vec<u8>>, T) {
    let mut reader = Cursor::new(input);
    let mut output = Vec::new();
    let (outcome, value) = edit(&mut reader, &mut output).unwrap();
    match outcome {
        Outcome::Changed => (Some(output), value),
        // The store discards what an unchanged edit wrote.
        Outcome::Unchanged => (None, value),
    }
}

use crate::store::Outcome;

fn user(name: &str) -> Username {
    Username::new(name).unwrap()
}

fn add_once(
    input: &[u8],
    group: &str,
    users: &[&str],
    known: Option<&edit::Facts>,
) -> (Option<Vec<u8>>, edit::AddPass) {
    let group = GroupName::new(group).unwrap();
    let users: Vec<Username> = users.iter().map(|name| user(name)).collect();
    run_edit(input, |reader, writer| {
        edit::add(Some(reader), writer, path(), &group, &users, known)
    })
}

#[test]
fn add_guesses_from_the_first_line_and_is_stale_when_a_later_line_says_otherwise() {
    let input = b"g: a\nh: x\nG: b\n";
    let (output, pass) = add_once(input, "g", &["b", "c"], None);
    let edit::AddPass::Stale(facts) = pass else {
        panic!("b is on a later line: the guess was wrong")
    };
    assert_eq!(output, None, "a stale pass changes nothing");
    let (output, pass) = add_once(input, "g", &["b", "c"], Some(&facts));
    let edit::AddPass::Done(added) = pass else {
        panic!("the second pass knows")
    };
    assert_eq!(added.added, [false, true]);
    assert_eq!(added.line, 1);
    assert_eq!(output.unwrap(), b"g: a c\nh: x\nG: b\n");
}

#[test]
fn add_with_facts_the_file_contradicts_is_stale() {
    // Facts of a read in which b was a member (on the group's second line)...
    let (_, pass) = add_once(b"g: a\nG: b\n", "g", &["b"], None);
    let edit::AddPass::Stale(facts) = pass else {
        panic!("b is on a later line")
    };
    // ...do not fit the file as it is now: another program changed it.
    let (output, pass) = add_once(b"g: a\n", "g", &["b"], Some(&facts));
    assert!(output.is_none());
    assert!(matches!(pass, edit::AddPass::Stale(_)));
    // A member on the first line is known at once: one pass, no change.
    let (output, pass) = add_once(b"x: y\ng: a b\n", "g", &["b"], None);
    assert!(output.is_none());
    let edit::AddPass::Done(added) = pass else {
        panic!("b is on the first line")
    };
    assert_eq!(added.added, [false]);
}

#[test]
fn a_change_apache_would_read_otherwise_is_refused() {
    // Appending after an unclosed quote would put the member in the quote.
    let group = GroupName::new("g").unwrap();
    let users = [user("bob")];
    let mut output = Vec::new();
    let error = edit::add(
        Some(&mut Cursor::new(&b"g: \"alice\n"[..])),
        &mut output,
        path(),
        &group,
        &users,
        None,
    )
    .err()
    .expect("refused");
    assert!(
        matches!(error, Error::InvalidGroupFile { line: 1, .. }),
        "{error}"
    );
}

#[test]
fn remove_takes_each_member_and_the_white_space_before_it() {
    let group = GroupName::existing("g").unwrap();
    let cases: [(&[u8], &[&str], &[u8]); 5] = [
        (b"g: a b c\n", &["a"], b"g: b c\n"),
        (b"g: a b c\n", &["b"], b"g: a c\n"),
        (b"g: a b c  \n", &["c"], b"g: a b  \n"),
        (b"g:a\n", &["a"], b"g:\n"),
        (b"g: a \"b c\" a\r\n", &["a", "b c"], b"g:\r\n"),
    ];
    for (input, users, expected) in cases {
        let users: Vec<Username> = users
            .iter()
            .map(|name| Username::existing(*name).unwrap())
            .collect();
        let (output, removed) = run_edit(input, |reader, writer| {
            edit::remove(reader, writer, path(), &group, &users)
        });
        assert_eq!(output.as_deref(), Some(expected));
        assert!(removed.group_found);
        assert!(removed.removed.iter().all(|removed| *removed));
    }
}

#[test]
fn groups_merge_the_lines_of_a_group_whatever_their_case() {
    let found = groups(
        &mut Cursor::new(&b"a: x y\nb: z\nA: y w\n# a: q\n"[..]),
        path(),
    )
    .unwrap();
    assert_eq!(
        found,
        [
            Group {
                name: b"a".to_vec(),
                lines: vec![1, 3],
                members: names(&["x", "y", "w"]),
            },
            Group {
                name: b"b".to_vec(),
                lines: vec![2],
                members: names(&["z"]),
            },
        ]
    );
}

/// A member name htpass writes: what [`new_member`] accepts, printable.
fn member_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._@\\\\'\"#:$-]{1,12}".prop_filter("a name htpass writes", |name| {
        new_member(name.as_str()).is_ok()
    })
}

proptest! {
    /// Whatever members htpass writes, onto whatever group line a person
    /// wrote, Apache reads back the old members and the new ones.
    #[test]
    fn what_add_writes_reads_back_as_the_members_added(
        existing in proptest::collection::vec(member_name(), 0..4),
        new in proptest::collection::hash_set(member_name(), 1..4),
        separator in "[ \t]{1,3}",
        trailing in "[ \t]{0,2}",
    ) {
        let line = format!("team:{separator}{}{trailing}\n", existing.join(&separator));
        let new: Vec<&str> = new.iter().map(String::as_str).collect();
        let (output, pass) = add_once(line.as_bytes(), "team", &new, None);
        let edit::AddPass::Done(added) = pass else { panic!("one line: never stale") };
        let mut expected: Vec<Vec<u8>> = existing.iter().map(|m| m.as_bytes().to_vec()).collect();
        for (name, added) in new.iter().zip(&added.added) {
            prop_assert_eq!(*added, !existing.iter().any(|m| m == name));
            if *added {
                expected.push(name.as_bytes().to_vec());
            }
        }
        let output = output.unwrap_or_else(|| line.clone().into_bytes());
        let content = output.strip_suffix(b"\n").unwrap();
        prop_assert_eq!(group_of(content), Some((b"team".to_vec(), expected)));
    }

    /// Removing what was added gives back a line with the old members.
    #[test]
    fn remove_undoes_add(
        existing in proptest::collection::hash_set(member_name(), 0..4),
        new in proptest::collection::hash_set(member_name(), 1..4),
    ) {
        let existing: Vec<&String> = existing.iter().filter(|m| !new.contains(*m)).collect();
        let line = format!("team: {}\n", existing.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(" "));
        let new: Vec<&str> = new.iter().map(String::as_str).collect();
        let (added, _) = add_once(line.as_bytes(), "team", &new, None);
        let added = added.unwrap();
        let group = GroupName::existing("team").unwrap();
        let users: Vec<Username> = new.iter().map(|name| user(name)).collect();
        let (removed, _) = run_edit(&added, |reader, writer| {
            edit::remove(reader, writer, path(), &group, &users)
        });
        let removed = removed.unwrap();
        let content = removed.strip_suffix(b"\n").unwrap();
        let expected: Vec<Vec<u8>> = existing.iter().map(|m| m.as_bytes().to_vec()).collect();
        prop_assert_eq!(group_of(content), Some((b"team".to_vec(), expected)));
    }
}

/// (line, code, user) of each finding of `check --groups` on `groups`
/// against the users `entries`.
fn audited(groups: &[u8], entries: &[&str]) -> Vec<(u64, &'static str, Option<String>)> {
    let mut audit = audit::audit(&mut Cursor::new(groups), path()).unwrap();
    for entry in entries {
        audit.entry(entry.as_bytes());
    }
    audit
        .findings(path(), Path::new("users"))
        .into_iter()
        .map(|finding| {
            (
                finding.line,
                finding.kind.code(),
                finding
                    .user
                    .map(|user| String::from_utf8_lossy(&user).into_owned()),
            )
        })
        .collect()
}

#[test]
fn audit_names_each_member_without_an_entry_once_a_line() {
    assert_eq!(
        audited(b"g: a b b\nh: b c\n", &["a", "c"]),
        [
            (1, "member-without-entry", Some("b".to_owned())),
            (2, "member-without-entry", Some("b".to_owned())),
        ]
    );
    assert_eq!(audited(b"g: a \"b c\"\n", &["a", "b c"]), []);
}

#[test]
fn audit_reads_as_apache_reads_past_a_nul_and_not_past_a_line_too_long() {
    // The members after a NUL are not read, so not missing either.
    assert_eq!(
        audited(b"g: a\0 zed\nh: bob\n", &["a"]),
        [
            (1, "nul-byte", None),
            (2, "member-without-entry", Some("bob".to_owned())),
        ]
    );
    let long = [
        b"g: ".as_slice(),
        &vec![b'x'; MAX_LINE_BYTES],
        b"\nh: bob\nnonsense\n",
    ]
    .concat();
    assert_eq!(
        audited(&long, &["a"]),
        [(1, "line-too-long", None)],
        "Apache reads nothing past it"
    );
}

#[test]
fn audit_finds_comments_that_swallow_a_line_and_lines_without_a_colon() {
    assert_eq!(
        audited(b"# c \\\ng: zed\n# d \\\n\nnonsense\ng: a\n", &["a"]),
        [(1, "swallowed-line", None), (5, "not-a-group-line", None)]
    );
}
