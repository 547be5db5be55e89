//! The duplicate finder: users listed more than once, in flat memory.
//!
//! Its job: tell which users a file lists more than once (first line, last
//! line, count), for [`super::findings`] to say which entry each server
//! uses.
//!
//! What it must never do: hold the file, or a record per user, when the file
//! can be read again; report a file that changed between its passes as if it
//! had not (that is an error); or decide on its own what an entry and its
//! user are (it asks [`super::findings`], as the findings do).
//!
//! # Duplicates in flat memory
//!
//! A duplicated user is only known at the end of the file, and a record per
//! user costs about 190 bytes, 187 MB at a million users. So when the file
//! can be read again (a regular file, [`check_file`](super::check_file))
//! the first pass, which reports every other finding as it goes, keeps
//! nothing per user, and duplicates are found by reading the file again:
//!
//! 1. each user name has a 64-bit fingerprint (SipHash with a key drawn for
//!    the run, so a hostile file cannot make names collide on purpose);
//! 2. each pass takes one range of fingerprints and keeps those in the range
//!    as 32-bit values in a buffer of fixed size ([`SIEVE_KEYS`]), noting
//!    the values seen twice as candidates. When the buffer is full the range
//!    is cut short, and the next pass starts where this one stopped. The
//!    first pass starts with the whole range, so a file whose users fit is
//!    read once;
//! 3. if there are candidates, a last pass keeps an exact record (first
//!    line, last line, count) for the names whose fingerprint is one, so
//!    memory grows with the number of duplicated users only, and different
//!    names that share a fingerprint or a value are told apart.
//!
//! Every pass decides what an entry and its user are with the same function
//! as the findings do (`counted_user`: the byte-order mark, blank, comment
//! and malformed lines, empty users), and checks that it saw the same
//! entries as the first pass: a file rewritten in place meanwhile is an
//! error, not a wrong report. Input that cannot be read twice (a FIFO; any
//! reader given to [`check`](super::check)) keeps the record per user in
//! memory.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::{self, BufRead, Seek, SeekFrom};
use std::ops::ControlFlow;
use std::path::Path;

use crate::error::Error;
use crate::file::for_each_line;

use super::findings::{Checker, counted_user};
use super::{CheckOptions, Finding, Summary, read_error};

/// How many fingerprints a pass keeps, 4 bytes each: 256 KB, which keeps
/// a million users within about 300 KB of ten thousand. A million users
/// take about 19 reads of the file (45 ms each from the page cache, about
/// what the old record per user cost in allocations); a file of up to
/// 65,536 entries is read once, or twice when it has duplicates.
pub const SIEVE_KEYS: usize = 64 * 1024;

/// [`check`](super::check) for a reader that gives the same bytes again after a seek
/// back to where it started, keeping at most `capacity` fingerprints (made
/// with `keys`) at a time. Also returns how many times the file was read.
pub(super) fn check_rereading<R: BufRead + Seek>(
    reader: &mut R,
    path: &Path,
    options: &CheckOptions,
    capacity: usize,
    keys: &impl BuildHasher,
    mut report: impl FnMut(&Finding) -> Result<(), Error>,
) -> Result<(Summary, usize), Error> {
    let start = reader
        .stream_position()
        .map_err(|source| read_error(path, source))?;
    let mut checker = Checker::new(options);
    let mut sieve = Sieve::new(capacity);
    let mut first = Digest::default();
    for_each_line(reader, path, |number, raw| {
        if let Some(user) = checker.line(number, raw) {
            let key = keys.hash_one(user);
            first.add(number, key);
            sieve.add(key);
        }
        checker.flush(&mut report).map(ControlFlow::Continue)
    })?;
    sieve.finish_pass();
    let mut passes = 1;

    // Again, over the fingerprints the first pass had no room for.
    while let Some(next) = sieve.next_range(first.entries) {
        rewind(reader, path, start)?;
        passes += 1;
        sieve.start(next);
        let mut again = Digest::default();
        for_each_line(reader, path, |number, raw| {
            if let Some(user) = counted_user(number, raw) {
                let key = keys.hash_one(user);
                again.add(number, key);
                sieve.add(key);
            }
            Ok(ControlFlow::Continue(()))
        })?;
        first.same_as(&again, path)?;
        sieve.finish_pass();
    }

    // Exactly, for the names whose fingerprint was seen twice.
    let candidates = sieve.into_candidates();
    if !candidates.is_empty() {
        rewind(reader, path, start)?;
        passes += 1;
        let mut tally = Tally::default();
        let mut again = Digest::default();
        for_each_line(reader, path, |number, raw| {
            if let Some(user) = counted_user(number, raw) {
                let key = keys.hash_one(user);
                again.add(number, key);
                if candidates.contains(key) {
                    tally.add(user, number);
                }
            }
            Ok(ControlFlow::Continue(()))
        })?;
        first.same_as(&again, path)?;
        checker.duplicates(tally.duplicated(), &mut report)?;
    }
    Ok((checker.summary, passes))
}

fn rewind(reader: &mut impl Seek, path: &Path, start: u64) -> Result<(), Error> {
    reader
        .seek(SeekFrom::Start(start))
        .map(drop)
        .map_err(|source| read_error(path, source))
}

/// Where a user was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Seen {
    pub(super) first: u64,
    pub(super) last: u64,
    pub(super) count: u64,
}

/// An exact record of each user added.
#[derive(Default)]
pub(super) struct Tally {
    users: HashMap<Vec<u8>, Seen>,
}

impl Tally {
    pub(super) fn add(&mut self, user: &[u8], number: u64) {
        match self.users.get_mut(user) {
            Some(seen) => {
                seen.last = number;
                seen.count += 1;
            }
            None => {
                self.users.insert(
                    user.to_vec(),
                    Seen {
                        first: number,
                        last: number,
                        count: 1,
                    },
                );
            }
        }
    }

    /// The users added more than once, in the order of their last lines.
    pub(super) fn duplicated(self) -> Vec<(Vec<u8>, Seen)> {
        let mut duplicated: Vec<(Vec<u8>, Seen)> = self
            .users
            .into_iter()
            .filter(|(_, seen)| seen.count > 1)
            .collect();
        duplicated.sort_by_key(|(_, seen)| seen.last);
        duplicated
    }
}

/// A range of fingerprints, `start..end` (`start..` when `end` is `None`),
/// and how finely a pass tells them apart there: a fingerprint is kept as
/// its offset from `start` without its `shift` low bits, a value that fits
/// in 32 bits. Fingerprints with the same value are a candidate together,
/// which the exact pass sorts out; a range holds few of them, so such a
/// false candidate is rare (about one per two passes at most).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Range {
    start: u64,
    end: Option<u64>,
    shift: u32,
}

impl Range {
    /// `end`, when given, is above `start`.
    fn new(start: u64, end: Option<u64>) -> Range {
        let span = match end {
            Some(end) => u128::from(end - start),
            None => (1u128 << 64) - u128::from(start),
        };
        // The fewest low bits to drop for every offset to fit in 32 bits.
        let bits = u128::BITS - (span - 1).leading_zeros();
        Range {
            start,
            end,
            shift: bits.saturating_sub(32),
        }
    }

    /// The value a pass keeps for `key`, if `key` is in the range.
    fn value(self, key: u64) -> Option<u32> {
        if key < self.start || self.end.is_some_and(|end| key >= end) {
            return None;
        }
        // Fits: `shift` leaves at most 32 bits of any offset in the range.
        Some(((key - self.start) >> self.shift) as u32)
    }

    /// The lowest fingerprint with `value`: how a candidate is remembered.
    fn key(self, value: u32) -> u64 {
        self.start + (u64::from(value) << self.shift)
    }
}

/// Finds the fingerprints seen more than once, one range at a time, in a
/// buffer that never grows past its capacity.
struct Sieve {
    capacity: usize,
    /// The range of this pass; cut short when the buffer is full.
    range: Range,
    /// The values of this pass's fingerprints, once each after
    /// [`Sieve::compact`].
    values: Vec<u32>,
    /// The ranges of the passes done, in order: together, `0..end` of the
    /// last.
    done: Vec<Range>,
    /// Values seen twice, as [`Range::key`]: sorted, once each, all in the
    /// ranges done and this one.
    candidates: Vec<u64>,
}

impl Sieve {
    fn new(capacity: usize) -> Sieve {
        let capacity = capacity.max(1);
        Sieve {
            capacity,
            range: Range::new(0, None),
            values: Vec::with_capacity(capacity),
            done: Vec::new(),
            candidates: Vec::new(),
        }
    }

    fn add(&mut self, key: u64) {
        let Some(value) = self.range.value(key) else {
            return;
        };
        if self.values.len() == self.capacity {
            self.compact();
            if self.values.len() == self.capacity {
                // Full of distinct values.
                match self.values.binary_search(&value) {
                    Ok(_) => {
                        self.note(value);
                        return;
                    }
                    Err(position) => {
                        if !self.cut(value, position) {
                            return;
                        }
                    }
                }
            }
        }
        self.values.push(value);
    }

    /// Sorts the buffer and keeps each value once, noting those that were
    /// there more than once.
    fn compact(&mut self) {
        self.values.sort_unstable();
        let before = self.candidates.len();
        let range = self.range;
        let candidates = &mut self.candidates;
        self.values.dedup_by(|later, earlier| {
            let same = later == earlier;
            if same {
                let key = range.key(*earlier);
                if candidates.last() != Some(&key) {
                    candidates.push(key);
                }
            }
            same
        });
        if self.candidates.len() > before {
            self.candidates.sort_unstable();
            self.candidates.dedup();
        }
    }

    fn note(&mut self, value: u32) {
        let key = self.range.key(value);
        if let Err(position) = self.candidates.binary_search(&key) {
            self.candidates.insert(position, key);
        }
    }

    /// Ends the range before the values that no longer fit: of the buffer
    /// (sorted, distinct, full) and `value` (not in it, which belongs at
    /// `position`), the smallest half stays and the range ends at the next
    /// (at least one stays, so every pass moves on). Returns whether
    /// `value` is still in the range.
    fn cut(&mut self, value: u32, position: usize) -> bool {
        let kept = self.capacity.div_ceil(2);
        // The buffer with `value` inserted, up to where the range now
        // ends: `kept` of them stay, `value` among them when it comes
        // before the end.
        let (end, stay, value_stays) = match kept.cmp(&position) {
            Ordering::Less => (self.values[kept], kept, false),
            Ordering::Equal => (value, kept, false),
            Ordering::Greater => (self.values[kept - 1], kept - 1, true),
        };
        self.values.truncate(stay);
        let end = self.range.key(end);
        self.range.end = Some(end);
        // Seen twice beyond the new end: the pass over that range finds
        // them again, with its own values.
        let beyond = self.candidates.partition_point(|&key| key < end);
        self.candidates.truncate(beyond);
        value_stays
    }

    /// After a pass: every fingerprint of the range has been seen.
    fn finish_pass(&mut self) {
        self.compact();
        self.values.clear();
        self.done.push(self.range);
    }

    /// The range after the last one done, aiming at 7/8 of the buffer for
    /// `entries` fingerprints spread evenly (a cut catches an unlucky
    /// range), or `None` when the last one went to the end.
    fn next_range(&self, entries: u64) -> Option<Range> {
        let start = self.range.end?;
        let aim = (self.capacity - self.capacity / 8) as u128;
        let width = (aim << 64) / u128::from(entries.max(1));
        let end = u128::from(start) + width.max(1);
        Some(Range::new(start, u64::try_from(end).ok()))
    }

    fn start(&mut self, range: Range) {
        self.range = range;
        self.values.clear();
    }

    fn into_candidates(self) -> Candidates {
        Candidates {
            ranges: self.done,
            keys: self.candidates,
        }
    }
}

/// What the passes found: a fingerprint whose value in its range was seen
/// twice may be a duplicated user's.
struct Candidates {
    ranges: Vec<Range>,
    keys: Vec<u64>,
}

impl Candidates {
    fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn contains(&self, key: u64) -> bool {
        // The ranges start at 0 and follow each other to the end.
        let range = self.ranges[self.ranges.partition_point(|range| range.start <= key) - 1];
        range
            .value(key)
            .is_some_and(|value| self.keys.binary_search(&range.key(value)).is_ok())
    }
}

/// What a pass saw of the entries, to tell that every pass read the same
/// file: how many, and a sum over each one's line number and fingerprint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Digest {
    entries: u64,
    sum: u64,
}

impl Digest {
    fn add(&mut self, number: u64, key: u64) {
        self.entries += 1;
        // splitmix64's finaliser: every bit of both moves the sum.
        let mut mixed = key ^ number.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        self.sum = self.sum.wrapping_add(mixed ^ (mixed >> 31));
    }

    fn same_as(&self, again: &Digest, path: &Path) -> Result<(), Error> {
        if self == again {
            Ok(())
        } else {
            Err(read_error(
                path,
                io::Error::other(
                    "the file changed while it was being checked (rewritten in place?); check it again",
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::RandomState;

    use crate::check::tests::{BCRYPT, SHA, generic, kinds, run};
    use crate::check::{Kind, Server};
    use crate::username::escape_for_terminal;

    use std::hash::Hasher;
    use std::io::{Cursor, Read};

    use proptest::prelude::*;

    /// Fingerprints chosen by a test: its function of the user name.
    struct Chosen(fn(&[u8]) -> u64);

    struct ChosenHasher {
        key: fn(&[u8]) -> u64,
        user: Vec<u8>,
    }

    impl BuildHasher for Chosen {
        type Hasher = ChosenHasher;

        fn build_hasher(&self) -> ChosenHasher {
            ChosenHasher {
                key: self.0,
                user: Vec::new(),
            }
        }
    }

    impl Hasher for ChosenHasher {
        fn write(&mut self, bytes: &[u8]) {
            self.user.extend_from_slice(bytes);
        }

        // The length a `[u8]` writes before its bytes.
        fn write_usize(&mut self, _: usize) {}

        fn finish(&self) -> u64 {
            (self.key)(&self.user)
        }
    }

    /// Every name has the same fingerprint: only the exact pass tells them
    /// apart.
    const SAME: Chosen = Chosen(|_| 0x5eed);
    /// Four fingerprints, all below 2^32: the first pass keeps them all
    /// under one value.
    const FEW: Chosen = Chosen(|user| user.iter().map(|&byte| u64::from(byte)).sum::<u64>() % 4);
    /// The edges of the fingerprint space and of the 32-bit values.
    const EDGES: Chosen = Chosen(|user| {
        const KEYS: [u64; 9] = [
            0,
            1,
            u32::MAX as u64,
            1 << 32,
            1 << 63,
            (1 << 63) + 1,
            u64::MAX - (1 << 32),
            u64::MAX - 1,
            u64::MAX,
        ];
        let sum: usize = user.iter().map(|&byte| usize::from(byte)).sum();
        KEYS[sum % KEYS.len()]
    });

    const CAPACITIES: [usize; 9] = [1, 2, 3, 4, 5, 7, 8, 16, 1000];

    fn rereading(
        input: &[u8],
        options: &CheckOptions,
        capacity: usize,
        keys: &impl BuildHasher,
    ) -> (Vec<Finding>, Summary, usize) {
        let mut findings = Vec::new();
        let (summary, passes) = check_rereading(
            &mut Cursor::new(input),
            Path::new("f"),
            options,
            capacity,
            keys,
            |finding| {
                findings.push(finding.clone());
                Ok(())
            },
        )
        .unwrap();
        (findings, summary, passes)
    }

    /// Checks that reading again finds what reading once does (every
    /// finding, in order, and the counts); returns how many times the file
    /// was read.
    fn same_as_in_memory(input: &[u8], capacity: usize, keys: &impl BuildHasher) -> usize {
        let options = CheckOptions::default();
        let (expected, expected_summary) = run(input, &options);
        let (findings, summary, passes) = rereading(input, &options, capacity, keys);
        assert_eq!(findings, expected, "capacity {capacity}");
        assert_eq!(summary, expected_summary, "capacity {capacity}");
        passes
    }

    /// The users listed more than once, worked out here from the bytes
    /// alone: (last line, user, count), in the order of the last lines.
    fn model_duplicates(input: &[u8]) -> Vec<(u64, Vec<u8>, u64)> {
        let mut users: Vec<(Vec<u8>, u64, u64)> = Vec::new();
        for (index, raw) in input.split_inclusive(|&byte| byte == b'\n').enumerate() {
            let number = index as u64 + 1;
            let raw = match number {
                1 => raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw),
                _ => raw,
            };
            let start = raw
                .iter()
                .position(|byte| !b" \t\n\r\x0b\x0c".contains(byte))
                .unwrap_or(raw.len());
            let rest = &raw[start..];
            if rest.is_empty() || rest[0] == b'#' {
                continue;
            }
            let Some(colon) = rest.iter().position(|&byte| byte == b':') else {
                continue;
            };
            let user = &rest[..colon];
            if user.is_empty() {
                continue;
            }
            match users.iter_mut().find(|(seen, ..)| seen == user) {
                Some((_, last, count)) => {
                    *last = number;
                    *count += 1;
                }
                None => users.push((user.to_vec(), number, 1)),
            }
        }
        let mut duplicated: Vec<(u64, Vec<u8>, u64)> = users
            .into_iter()
            .filter(|(_, _, count)| *count > 1)
            .map(|(user, last, count)| (last, user, count))
            .collect();
        duplicated.sort();
        duplicated
    }

    fn reported_duplicates(findings: &[Finding]) -> Vec<(u64, Vec<u8>, u64)> {
        findings
            .iter()
            .filter(|finding| finding.kind == Kind::DuplicateUser)
            .map(|finding| {
                let user = finding.user.clone().unwrap();
                let name = escape_for_terminal(&user);
                let count = finding
                    .message
                    .strip_prefix(&format!("user {name} has "))
                    .and_then(|rest| rest.split(' ').next())
                    .and_then(|count| count.parse().ok())
                    .unwrap_or_else(|| panic!("a count in {:?}", finding.message));
                (finding.line, user, count)
            })
            .collect()
    }

    /// Users listed 2, 3 and 4 times, next to each other and far apart;
    /// a byte-order mark before the first, CRLF endings, white space before
    /// a name, lines that are not entries, and a last line without a newline.
    fn duplicated_file() -> Vec<u8> {
        let mut file = format!("\u{feff}alice:{SHA}\r\n").into_bytes();
        for i in 0..40 {
            file.extend_from_slice(format!("u{i}:{SHA}\n").as_bytes());
            match i {
                3 => file.extend_from_slice(format!("u3:{SHA}\r\n").as_bytes()),
                7 => file.extend_from_slice(format!("  bob:{SHA}\n# alice:x\n\n").as_bytes()),
                11 => file.extend_from_slice(format!(":{SHA}\nnot an entry\n:{SHA}\n").as_bytes()),
                19 => file.extend_from_slice(format!("alice:{SHA}\nu0:{SHA}\n").as_bytes()),
                29 => {
                    file.extend_from_slice(format!("bob:{SHA}\r\n\u{feff}carol:{SHA}\n").as_bytes())
                }
                _ => {}
            }
        }
        file.extend_from_slice(format!("alice:{SHA}\nu0:{SHA}\nu39 :{SHA}\nu0:{SHA}").as_bytes());
        file
    }

    #[test]
    fn reading_again_finds_the_same_duplicates_at_any_capacity() {
        let input = duplicated_file();
        let findings = generic(&input);
        let expected = vec![
            (6, b"u3".to_vec(), 2),
            (41, b"bob".to_vec(), 2),
            (53, b"alice".to_vec(), 3),
            (56, b"u0".to_vec(), 4),
        ];
        assert_eq!(reported_duplicates(&findings), expected);
        assert_eq!(model_duplicates(&input), expected);
        for capacity in CAPACITIES {
            let passes = same_as_in_memory(&input, capacity, &RandomState::new());
            // 45 users: a small buffer takes many ranges.
            if capacity <= 4 {
                assert!(
                    passes > 45 / capacity,
                    "capacity {capacity}: {passes} passes"
                );
            }
            same_as_in_memory(&input, capacity, &SAME);
            same_as_in_memory(&input, capacity, &FEW);
            same_as_in_memory(&input, capacity, &EDGES);
        }
    }

    #[test]
    fn a_file_is_read_once_when_its_users_fit_and_again_for_duplicates() {
        let distinct = format!("a:{BCRYPT}\nb:{BCRYPT}\nc:{BCRYPT}\n");
        assert_eq!(
            same_as_in_memory(distinct.as_bytes(), 3, &RandomState::new()),
            1
        );
        let duplicated = format!("{distinct}b:{BCRYPT}\n");
        assert_eq!(
            same_as_in_memory(duplicated.as_bytes(), 4, &RandomState::new()),
            2
        );
        // Only a candidate makes the exact pass: a buffer of one, three
        // users with distinct fingerprints take three ranges.
        assert_eq!(same_as_in_memory(distinct.as_bytes(), 1, &EDGES), 3);
        assert_eq!(same_as_in_memory(b"", 1, &RandomState::new()), 1);
    }

    #[test]
    fn duplicates_in_different_ranges_and_at_the_edges_of_the_fingerprints() {
        // Each user on its own edge of the fingerprint space (names whose
        // bytes sum to 0..9 modulo 9), each listed twice or three times.
        let users: Vec<String> = (0..9)
            .map(|i| format!("{}", char::from(b'0' + 9 * 5 + i)))
            .collect();
        let mut input = String::new();
        for round in 0..3 {
            for (i, user) in users.iter().enumerate() {
                if round < 2 || i % 2 == 0 {
                    input.push_str(&format!("{user}:{BCRYPT}\n"));
                }
            }
        }
        let findings = generic(input.as_bytes());
        assert_eq!(reported_duplicates(&findings).len(), 9);
        for capacity in CAPACITIES {
            let passes = same_as_in_memory(input.as_bytes(), capacity, &EDGES);
            if capacity == 1 {
                // At least a range per fingerprint, then the exact pass.
                assert!(passes > 9, "{passes} passes");
            }
        }
    }

    #[test]
    fn names_that_share_a_fingerprint_are_told_apart() {
        let input = format!("a:{BCRYPT}\nb:{BCRYPT}\nc:{BCRYPT}\nb:{BCRYPT}\n");
        for capacity in CAPACITIES {
            let (findings, _, passes) =
                rereading(input.as_bytes(), &CheckOptions::default(), capacity, &SAME);
            assert_eq!(kinds(&findings), vec![(4, Kind::DuplicateUser)]);
            assert_eq!(passes, 2);
            let distinct = format!("a:{BCRYPT}\nb:{BCRYPT}\n");
            let (findings, _, _) = rereading(
                distinct.as_bytes(),
                &CheckOptions::default(),
                capacity,
                &SAME,
            );
            assert!(findings.is_empty(), "{findings:?}");
        }
    }

    #[test]
    fn the_sieve_never_holds_more_than_its_capacity() {
        let keys = RandomState::new();
        for capacity in CAPACITIES {
            let mut sieve = Sieve::new(capacity);
            let allocated = sieve.values.capacity();
            let mut passes = 0;
            let mut range = Some(Range::new(0, None));
            while let Some(next) = range {
                sieve.start(next);
                for i in 0..3000u32 {
                    // 2000 users; 1000 of them twice.
                    sieve.add(keys.hash_one(i % 2000));
                    assert!(sieve.values.len() <= capacity);
                }
                sieve.finish_pass();
                passes += 1;
                range = sieve.next_range(3000);
            }
            assert_eq!(sieve.values.capacity(), allocated);
            assert!(
                passes >= 2000 / capacity,
                "capacity {capacity}: {passes} passes"
            );
            let candidates = sieve.into_candidates();
            assert!(candidates.keys.len() >= 1000);
            for i in 0..1000u32 {
                assert!(
                    candidates.contains(keys.hash_one(i)),
                    "capacity {capacity}, user {i}"
                );
            }
        }
    }

    /// A file rewritten in place while it is checked: after the first
    /// pass, the seek back finds `next`.
    struct Rewritten {
        now: Cursor<Vec<u8>>,
        next: Option<Vec<u8>>,
    }

    impl Read for Rewritten {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            self.now.read(buffer)
        }
    }

    impl BufRead for Rewritten {
        fn fill_buf(&mut self) -> io::Result<&[u8]> {
            self.now.fill_buf()
        }

        fn consume(&mut self, amount: usize) {
            self.now.consume(amount);
        }
    }

    impl Seek for Rewritten {
        fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
            if let SeekFrom::Start(_) = to
                && let Some(next) = self.next.take()
            {
                self.now = Cursor::new(next);
            }
            self.now.seek(to)
        }
    }

    #[test]
    fn a_file_rewritten_between_passes_is_an_error_not_a_wrong_report() {
        let before = format!("a:{BCRYPT}\nb:{BCRYPT}\na:{BCRYPT}\n");
        for after in [
            format!("a:{BCRYPT}\nb:{BCRYPT}\nb:{BCRYPT}\n"),
            format!("a:{BCRYPT}\n# b\nb:{BCRYPT}\na:{BCRYPT}\n"),
            format!("a:{BCRYPT}\nb:{BCRYPT}\n"),
        ] {
            let mut reader = Rewritten {
                now: Cursor::new(before.clone().into_bytes()),
                next: Some(after.into_bytes()),
            };
            let error = check_rereading(
                &mut reader,
                Path::new("f"),
                &CheckOptions::default(),
                8,
                &RandomState::new(),
                |_| Ok(()),
            )
            .unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("the file changed while it was being checked"),
                "{error}"
            );
        }
    }

    #[test]
    fn reading_again_starts_where_the_reader_was() {
        let file = duplicated_file();
        let mut input = b"skipped:x\nskipped:x\n".to_vec();
        input.extend_from_slice(&file);
        let mut reader = Cursor::new(&input[..]);
        reader.set_position(20);
        let mut findings = Vec::new();
        check_rereading(
            &mut reader,
            Path::new("f"),
            &CheckOptions::default(),
            2,
            &RandomState::new(),
            |finding| {
                findings.push(finding.clone());
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(findings, generic(&file));
    }

    /// One line of a generated file: entries of a few users (so many are
    /// duplicated), with or without CRLF and leading white space, and the
    /// lines that are not entries.
    fn any_line() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            6 => (0..12u8, any::<bool>(), prop::sample::select(vec!["", " ", "\t", "\r"])).prop_map(
                |(user, crlf, lead)| {
                    let ending = if crlf { "\r\n" } else { "\n" };
                    format!("{lead}u{user}:{SHA}{ending}").into_bytes()
                }
            ),
            1 => Just(format!(":{SHA}\n").into_bytes()),
            1 => Just(b"# u1:x\n".to_vec()),
            1 => Just(b"\n".to_vec()),
            1 => Just(b" \r\n".to_vec()),
            1 => Just(b"u1\n".to_vec()),
            1 => Just(format!("u1 :{SHA}\n").into_bytes()),
            1 => Just(format!("\u{feff}u1:{SHA}\n").into_bytes()),
        ]
    }

    fn any_file() -> impl Strategy<Value = Vec<u8>> {
        (
            proptest::collection::vec(any_line(), 0..40),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(lines, bom, cut_last_newline)| {
                let mut file = if bom {
                    b"\xef\xbb\xbf".to_vec()
                } else {
                    Vec::new()
                };
                file.extend(lines.concat());
                if cut_last_newline && file.last() == Some(&b'\n') {
                    file.pop();
                }
                file
            })
    }

    fn proptest_config() -> ProptestConfig {
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(256);
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(proptest_config())]

        #[test]
        fn reading_again_reports_what_reading_once_does(
            file in any_file(),
            capacity in 1..8usize,
            keys in 0..4u8,
            envoy in any::<bool>(),
        ) {
            let options = CheckOptions {
                servers: if envoy { vec![Server::Envoy, Server::Nginx] } else { Vec::new() },
                ..CheckOptions::default()
            };
            let (expected, expected_summary) = run(&file, &options);
            prop_assert_eq!(reported_duplicates(&expected), model_duplicates(&file));
            let (findings, summary, _) = match keys {
                0 => rereading(&file, &options, capacity, &RandomState::new()),
                1 => rereading(&file, &options, capacity, &SAME),
                2 => rereading(&file, &options, capacity, &FEW),
                _ => rereading(&file, &options, capacity, &EDGES),
            };
            prop_assert_eq!(findings, expected);
            prop_assert_eq!(summary, expected_summary);
        }
    }
}
