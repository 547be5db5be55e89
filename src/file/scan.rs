//! Finding the first line of a block that is not an htpasswd line, at the
//! speed of a memory scan: a writer refuses a file with one (cli.md, "What
//! an htpasswd file is"), so a one-user update, which otherwise looks only
//! at the lines holding `USER:`, must still see every line.
//!
//! A line is malformed when it has no `:` and is neither blank nor a
//! comment. Lines with a `:` are almost all lines, so the scan works on 64
//! bytes at a time: one bit per byte for `\n` and one for `:`, and one
//! addition tells which newlines end a line that held a colon. Only a line
//! without one is looked at closely ([`classify`]).
//!
//! The addition: in `allowed` (every byte but a newline) each line is a run
//! of ones ended by its newline's zero. Adding the colon bits to it carries
//! from a line's first colon up through its run into its newline's bit,
//! and no further; a line without a colon adds nothing to its run. So a
//! newline's bit is set in `(allowed + colons) ^ allowed` exactly when its
//! line held a colon, and the carry out of the top bit says whether the
//! line that goes on into the next 64 bytes already held one.
//!
//! What it must never do: call a line malformed that [`classify`] does not,
//! or miss one it does (a property test compares the two on every line).
//! The bytes are compared with SSE2 on x86_64 (through `safe_arch`, a safe
//! wrapper of the instructions) and one by one elsewhere.

use super::{LineKind, classify};

/// The newline and colon bits of 64 bytes.
#[cfg(target_arch = "x86_64")]
fn masks(chunk: &[u8; 64]) -> (u64, u64) {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let newline = set_splat_i8_m128i(b'\n' as i8);
    let colon = set_splat_i8_m128i(b':' as i8);
    let (mut newlines, mut colons) = (0u64, 0u64);
    for (i, part) in chunk.as_chunks::<16>().0.iter().enumerate() {
        let bytes = load_unaligned_m128i(part);
        // Sixteen bits each, placed at this part's offset.
        let at = |mask: i32| u64::from(mask as u16) << (16 * i);
        newlines |= at(move_mask_i8_m128i(cmp_eq_mask_i8_m128i(bytes, newline)));
        colons |= at(move_mask_i8_m128i(cmp_eq_mask_i8_m128i(bytes, colon)));
    }
    (newlines, colons)
}

#[cfg(not(target_arch = "x86_64"))]
fn masks(chunk: &[u8; 64]) -> (u64, u64) {
    let (mut newlines, mut colons) = (0u64, 0u64);
    for (i, &byte) in chunk.iter().enumerate() {
        newlines |= u64::from(byte == b'\n') << i;
        colons |= u64::from(byte == b':') << i;
    }
    (newlines, colons)
}

/// Counts the lines of `block` (whole lines; only the last may lack its
/// `\n`) into `number`, and returns the number of the first that
/// [`classify`] calls [`LineKind::Malformed`].
pub(super) fn first_malformed(block: &[u8], number: &mut u64) -> Option<u64> {
    // Whether the line under way (begun in earlier bytes) has held a colon.
    let mut colon_so_far = false;
    let mut offset = 0;
    let (chunks, rest) = block.as_chunks::<64>();
    let mut padded = [0u8; 64];
    padded[..rest.len()].copy_from_slice(rest);
    for chunk in chunks.iter().chain((!rest.is_empty()).then_some(&padded)) {
        let (newlines, colons) = masks(chunk);
        let allowed = !newlines;
        let (sum, carry) = allowed.overflowing_add(colons | u64::from(colon_so_far));
        let without_colon = newlines & !((sum ^ allowed) & newlines);
        if without_colon != 0
            && let Some(line) = first_real(block, offset, newlines, without_colon, *number)
        {
            return Some(line);
        }
        *number += u64::from(newlines.count_ones());
        colon_so_far = carry;
        offset += 64;
    }
    // A last line without a newline, if the block has one.
    let start = memchr::memrchr(b'\n', block).map_or(0, |i| i + 1);
    if start < block.len() {
        *number += 1;
        if !colon_so_far && classify(&block[start..]) == LineKind::Malformed {
            return Some(*number);
        }
    }
    None
}

/// Of the lines of the 64 bytes at `offset` that end at a bit of
/// `without_colon` (lines with no `:`), the number of the first that is not
/// blank or a comment either; `before` lines precede these 64 bytes.
fn first_real(
    block: &[u8],
    offset: usize,
    newlines: u64,
    mut without_colon: u64,
    before: u64,
) -> Option<u64> {
    while without_colon != 0 {
        let bit = without_colon.trailing_zeros();
        let end = offset + bit as usize;
        let start = memchr::memrchr(b'\n', &block[..end]).map_or(0, |i| i + 1);
        if classify(&block[start..=end]) == LineKind::Malformed {
            let earlier = u64::from((newlines & ((1u64 << bit) - 1)).count_ones());
            return Some(before + earlier + 1);
        }
        without_colon &= without_colon - 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first malformed line as [`classify`] finds it, line by line.
    fn by_classify(block: &[u8]) -> (Option<u64>, u64) {
        let mut first = None;
        let mut count = 0;
        for line in block.split_inclusive(|&b| b == b'\n') {
            count += 1;
            if first.is_none() && classify(line) == LineKind::Malformed {
                first = Some(count);
            }
        }
        (first, count)
    }

    fn scanned(block: &[u8]) -> (Option<u64>, u64) {
        let mut number = 0;
        let first = first_malformed(block, &mut number);
        if first.is_none() {
            return (None, number);
        }
        (first, by_classify(block).1)
    }

    #[test]
    fn finds_what_classify_finds() {
        for block in [
            &b""[..],
            b"a:b\n",
            b"a:b",
            b"nocolon",
            b"a:b\nnocolon\n",
            b"\n\n   \n# comment\n\t# too\n",
            b"# comment\nx\n",
            b"a:b\n\n",
            b":\n",
        ] {
            assert_eq!(scanned(block), by_classify(block), "{block:?}");
        }
        // Lines across the 64-byte boundaries, a colon just before one.
        let mut long = Vec::new();
        for i in 0..200 {
            long.extend_from_slice(format!("user{i}:{}\n", "h".repeat(i % 70)).as_bytes());
        }
        assert_eq!(scanned(&long), (None, 200));
        let mut broken = long.clone();
        broken.extend_from_slice(&[b'x'; 130]);
        broken.extend_from_slice(b"\nlast:1\n");
        assert_eq!(scanned(&broken), by_classify(&broken));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn agrees_with_classify_on_every_line(
            lines in proptest::collection::vec(
                prop_oneof![
                    "[a-z]{0,12}:[a-zA-Z0-9$./]{0,70}",
                    "[ \t]{0,3}#[^\n]{0,80}",
                    "[ \t]{0,4}",
                    "[^\n:]{1,150}",
                    "[^\n]{0,150}",
                ],
                0..60,
            ),
            final_newline in any::<bool>(),
        ) {
            let mut block = lines.join("\n").into_bytes();
            if final_newline && !block.is_empty() {
                block.push(b'\n');
            }
            let mut number = 0;
            let found = first_malformed(&block, &mut number);
            let (expected, count) = by_classify(&block);
            prop_assert_eq!(found, expected);
            if found.is_none() {
                prop_assert_eq!(number, count);
            }
        }
    }
}
