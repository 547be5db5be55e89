//! [`Username`]: every rule a user name must meet, checked once, here; and
//! how a name is shown to a person ([`escape_for_terminal`]).
//!
//! Two kinds of name, two constructors:
//!
//! - a name being **added** ([`Username::new`]: `create`, `add`, `add
//!   --batch`, `hash USER`, the drop-in's adding modes) must be one a server
//!   can find again and a person can tell from every other. Apache accepts
//!   almost any byte and so writes entries it can never find again (compat
//!   spec §11, D10–D12); we refuse those, and the characters a person cannot
//!   see ([`is_invisible`]).
//! - a name being **looked up** ([`Username::existing`]: `verify`, `delete`)
//!   is taken as the file parser reads a line's user, so that whatever a
//!   file holds can be verified and deleted: only what no line can hold (a
//!   `:`, a line break, a leading `#`) is refused.
//!
//! Names are bytes. Invalid UTF-8 is allowed, as Apache and the servers
//! compare bytes: a Latin-1 name's byte 0x85 is not the C1 character U+0085
//! (which UTF-8 writes 0xC2 0x85), so only C1 characters in valid UTF-8 are
//! refused; a stray byte is shown as `\x85` and cannot act on a terminal.
//!
//! What this module must never do: show a name to a person unescaped, or
//! let a rule live anywhere else (the front-ends call these functions).

use std::fmt::{self, Write as _};

use crate::error::Error;

/// The longest user name Apache accepts, in bytes.
pub const MAX_USERNAME_BYTES: usize = 255;

/// A user name, as bytes. Whichever constructor made it, it holds no `:`
/// and no line break and starts with neither white space nor `#`, so a line
/// starting `USER:` is read back as this user.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Username(Vec<u8>);

impl Username {
    /// A name to add: not empty, at most 255 bytes, no `:`, no control
    /// character, no leading `#` or space (a reader would take such a line
    /// for a comment or skip the space, so it is unreachable), and no
    /// character a person cannot see ([`is_invisible`]).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Username, Error> {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return Err(Error::UsernameEmpty);
        }
        if bytes.len() > MAX_USERNAME_BYTES {
            return Err(Error::UsernameTooLong { len: bytes.len() });
        }
        if bytes.contains(&b':') {
            return Err(Error::UsernameIllegal {
                reason: "contains ':'",
            });
        }
        if bytes.iter().any(|&b| b < 0x20 || b == 0x7f) {
            return Err(Error::UsernameIllegal {
                reason: "contains a control character",
            });
        }
        match bytes[0] {
            b'#' => Err(Error::UsernameIllegal {
                reason: "starts with '#', which makes the line a comment",
            }),
            b' ' => Err(Error::UsernameIllegal {
                reason: "starts with a space, which servers skip",
            }),
            _ => match first_invisible(&bytes) {
                Some(character) => Err(Error::UsernameInvisible { character }),
                None => Ok(Username(bytes)),
            },
        }
    }

    /// A name to look up in a file (`verify`, `delete`): read as the file
    /// parser reads a line's user ([`crate::file::classify`]), so any entry
    /// a file holds can be named. White space before the name is skipped,
    /// as Apache's htpasswd and httpd skip it before a line's user (` sp`
    /// is user `sp`); nothing else is changed or refused, whatever the name
    /// holds (a tab, a character a person cannot see, 300 bytes, nothing at
    /// all), except what no entry can hold: a `:` or a line break (they end
    /// the name and the line) and a leading `#` (it makes the line a
    /// comment).
    pub fn existing(bytes: impl Into<Vec<u8>>) -> Result<Username, Error> {
        let mut bytes = bytes.into();
        if bytes.contains(&b'\n') {
            return Err(Error::UsernameNeverInFile {
                reason: "contains a line break, which ends a line of the file",
            });
        }
        if bytes.contains(&b':') {
            return Err(Error::UsernameNeverInFile {
                reason: "contains ':', which ends the user name on a line of the file",
            });
        }
        let start = bytes
            .iter()
            .position(|&byte| !crate::file::is_space(byte))
            .unwrap_or(bytes.len());
        bytes.drain(..start);
        if bytes.first() == Some(&b'#') {
            return Err(Error::UsernameNeverInFile {
                reason: "starts with '#', which makes a line a comment, skipped by every server",
            });
        }
        Ok(Username(bytes))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The name made safe and clear to print for a person (see
    /// [`escape_for_terminal`]). JSON output uses the exact bytes instead.
    pub fn escaped(&self) -> String {
        escape_for_terminal(&self.0)
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.escaped())
    }
}

impl fmt::Debug for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Username({:?})", self.escaped())
    }
}

/// Whether `c` is a character a person cannot see, or that changes how the
/// text around it is shown, so that two names that differ by it look the
/// same: C1 controls (U+0080..U+009F), zero-width and bidi formatting
/// characters (U+061C, U+200B..U+200F, U+202A..U+202E, U+2060..U+2069), the
/// byte-order mark (U+FEFF), and the line and paragraph separators (U+2028,
/// U+2029). New names may not hold them; output for people escapes them.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{80}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// The first character of `bytes` (read as UTF-8, stray bytes skipped)
/// that [`is_invisible`]. ASCII, almost every name, costs one pass.
pub fn first_invisible(bytes: &[u8]) -> Option<char> {
    if bytes.is_ascii() {
        return None;
    }
    bytes
        .utf8_chunks()
        .flat_map(|chunk| chunk.valid().chars())
        .find(|&c| is_invisible(c))
}

/// An [`is_invisible`] character as messages name it: its code point and
/// Unicode name (`U+200B ZERO WIDTH SPACE`), or its code point and kind
/// (`U+0085, a C1 control character`).
pub fn describe(c: char) -> String {
    let name = match c {
        '\u{80}'..='\u{9f}' => None,
        '\u{61c}' => Some("ARABIC LETTER MARK"),
        '\u{200b}' => Some("ZERO WIDTH SPACE"),
        '\u{200c}' => Some("ZERO WIDTH NON-JOINER"),
        '\u{200d}' => Some("ZERO WIDTH JOINER"),
        '\u{200e}' => Some("LEFT-TO-RIGHT MARK"),
        '\u{200f}' => Some("RIGHT-TO-LEFT MARK"),
        '\u{2028}' => Some("LINE SEPARATOR"),
        '\u{2029}' => Some("PARAGRAPH SEPARATOR"),
        '\u{202a}' => Some("LEFT-TO-RIGHT EMBEDDING"),
        '\u{202b}' => Some("RIGHT-TO-LEFT EMBEDDING"),
        '\u{202c}' => Some("POP DIRECTIONAL FORMATTING"),
        '\u{202d}' => Some("LEFT-TO-RIGHT OVERRIDE"),
        '\u{202e}' => Some("RIGHT-TO-LEFT OVERRIDE"),
        '\u{2060}' => Some("WORD JOINER"),
        '\u{2061}' => Some("FUNCTION APPLICATION"),
        '\u{2062}' => Some("INVISIBLE TIMES"),
        '\u{2063}' => Some("INVISIBLE SEPARATOR"),
        '\u{2064}' => Some("INVISIBLE PLUS"),
        '\u{2066}' => Some("LEFT-TO-RIGHT ISOLATE"),
        '\u{2067}' => Some("RIGHT-TO-LEFT ISOLATE"),
        '\u{2068}' => Some("FIRST STRONG ISOLATE"),
        '\u{2069}' => Some("POP DIRECTIONAL ISOLATE"),
        '\u{feff}' => Some("ZERO WIDTH NO-BREAK SPACE (the byte-order mark)"),
        _ => None,
    };
    let code = c as u32;
    match (name, c) {
        (Some(name), _) => format!("U+{code:04X} {name}"),
        (None, '\u{80}'..='\u{9f}') => format!("U+{code:04X}, a C1 control character"),
        // U+2065, reserved in the range of invisible operators.
        (None, _) => format!("U+{code:04X}, an invisible format character"),
    }
}

/// The bytes shown for a person: a name (in `list`, `check`, every
/// message) or a path, so that nothing in it acts on a terminal and no two
/// names look the same.
///
/// Escaped, in the forms bash's `$'...'` reads back to the same bytes (in
/// a UTF-8 locale), so what `htpass list` shows can be typed back:
///
/// - `\` as `\\`;
/// - control characters below U+0080 (C0, DEL) and bytes that are not
///   UTF-8 as `\xNN`;
/// - C1 controls and every other [`is_invisible`] character as `\uNNNN`;
/// - white space at the start or the end (a space, a tab, a no-break
///   space...) as `\x20` or `\uNNNN`, so it cannot go unseen;
/// - nothing at all as `''` (and the name `''` itself as `\x27\x27`).
///
/// Everything else, including white space inside a name, is shown as is.
pub fn escape_for_terminal(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    push_escaped(bytes, &mut out);
    out
}

/// `bytes` (a name, a path) as one word a shell reads back to the same
/// bytes, for a command a message tells the user to run: as it is when it
/// holds only characters no shell treats specially, else in bash's
/// `$'...'` with the escapes of [`escape_for_terminal`] (a `'` as `\'`).
pub fn shell_word(bytes: &[u8]) -> String {
    let plain = bytes
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || b"._/@%+=:,-".contains(&b));
    if plain && !bytes.is_empty() {
        // Printable ASCII is UTF-8; the empty Err arm is never taken.
        return std::str::from_utf8(bytes).unwrap_or_default().to_owned();
    }
    if bytes.is_empty() {
        return "''".to_owned();
    }
    format!("$'{}'", escape_for_terminal(bytes).replace('\'', "\\'"))
}

/// [`escape_for_terminal`], appended to `out`: for callers that show many
/// names (`list`) and reuse one buffer. A printable ASCII name, almost every
/// name, is copied after one pass over its bytes; in any other, the runs
/// between escapes are copied whole.
pub fn push_escaped(bytes: &[u8], out: &mut String) {
    let plain = bytes
        .iter()
        .all(|&byte| (0x20..0x7f).contains(&byte) && byte != b'\\');
    if plain
        && let (Some(&first), Some(&last)) = (bytes.first(), bytes.last())
        && first != b' '
        && last != b' '
        && bytes != b"''"
    {
        // Printable ASCII is UTF-8; the empty Err arm is never taken.
        out.push_str(std::str::from_utf8(bytes).unwrap_or_default());
        return;
    }
    match bytes {
        b"" => return out.push_str("''"),
        b"''" => return out.push_str("\\x27\\x27"),
        _ => {}
    }
    let (lead_end, trail_start) = white_space_ends(bytes);
    let mut at = 0;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        let mut run = 0;
        for (i, c) in valid.char_indices() {
            let edge = at + i < lead_end || at + i >= trail_start;
            let escape = if c.is_ascii() {
                // C0 controls, DEL, `\`, and a space at either end (a tab
                // or another ASCII white space is a control).
                !(' '..='~').contains(&c) || c == '\\' || (edge && c == ' ')
            } else {
                // C1 controls are invisible too.
                is_invisible(c) || (edge && c.is_whitespace())
            };
            if escape {
                out.push_str(&valid[run..i]);
                if c == '\\' {
                    out.push_str("\\\\");
                } else {
                    push_code(c, out);
                }
                run = i + c.len_utf8();
            }
        }
        out.push_str(&valid[run..]);
        at += valid.len();
        for &byte in chunk.invalid() {
            push_hex(byte, out);
            at += 1;
        }
    }
}

/// `c` as bash's `$'...'` writes it: `\xNN` below U+0080, `\uNNNN` in the
/// Basic Multilingual Plane, `\UNNNNNNNN` above.
fn push_code(c: char, out: &mut String) {
    let code = c as u32;
    // Writing to a String cannot fail.
    let _ = if code < 0x80 {
        write!(out, "\\x{code:02x}")
    } else if code <= 0xffff {
        write!(out, "\\u{code:04x}")
    } else {
        write!(out, "\\U{code:08x}")
    };
}

/// A byte that is not UTF-8, as `\xNN`.
fn push_hex(byte: u8, out: &mut String) {
    // Writing to a String cannot fail.
    let _ = write!(out, "\\x{byte:02x}");
}

/// The byte offsets where the white space at the start of `bytes` ends and
/// where the white space at its end starts (both by Unicode's White_Space,
/// as `char::is_whitespace`; a byte that is not UTF-8 is not white space).
fn white_space_ends(bytes: &[u8]) -> (usize, usize) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.len() - text.trim_start().len(), text.trim_end().len());
    }
    let lead_end = bytes.utf8_chunks().next().map_or(0, |first| {
        let valid = first.valid();
        valid.len() - valid.trim_start().len()
    });
    let trail_start = match bytes.utf8_chunks().last() {
        Some(last) if last.invalid().is_empty() => {
            let valid = last.valid();
            bytes.len() - (valid.len() - valid.trim_end().len())
        }
        _ => bytes.len(),
    };
    (lead_end, trail_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_and_utf8_names() {
        assert!(Username::new("alice").is_ok());
        assert!(Username::new("jörg.müller@example.com").is_ok());
        assert!(Username::new("a b").is_ok());
        assert!(Username::new("alice ").is_ok());
        assert!(Username::new("名前").is_ok());
        assert!(Username::new(vec![b'x'; 255]).is_ok());
    }

    #[test]
    fn refuses_each_unreachable_or_unsafe_name() {
        assert!(matches!(Username::new(""), Err(Error::UsernameEmpty)));
        assert!(matches!(
            Username::new(vec![b'x'; 256]),
            Err(Error::UsernameTooLong { len: 256 })
        ));
        for bad in [
            "a:b", "a\nb", "a\rb", "a\0b", "a\tb", "\x7f", "#alice", " alice",
        ] {
            assert!(
                matches!(Username::new(bad), Err(Error::UsernameIllegal { .. })),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn refuses_every_character_a_person_cannot_see_in_a_new_name() {
        let refused = ('\u{0}'..='\u{10ffff}').filter(|&c| {
            let name = format!("a{c}b");
            matches!(
                Username::new(name.as_bytes()),
                Err(Error::UsernameInvisible { character }) if character == c
            )
        });
        let expected: Vec<char> = ('\u{80}'..='\u{9f}')
            .chain(['\u{61c}'])
            .chain('\u{200b}'..='\u{200f}')
            .chain('\u{2028}'..='\u{202e}')
            .chain('\u{2060}'..='\u{2069}')
            .chain(['\u{feff}'])
            .collect();
        assert_eq!(refused.collect::<Vec<_>>(), expected);
        // At the start too (a BOM pasted before the name).
        assert!(matches!(
            Username::new("\u{feff}alice"),
            Err(Error::UsernameInvisible {
                character: '\u{feff}'
            })
        ));
    }

    #[test]
    fn a_stray_byte_0x85_is_not_the_c1_character_u0085() {
        // Latin-1 "café" and windows-1252's "…" (0x85): not UTF-8, allowed.
        assert!(Username::new(&b"caf\xe9"[..]).is_ok());
        assert!(Username::new(&b"a\x85b"[..]).is_ok());
        assert!(Username::new(&b"\xff\xfe"[..]).is_ok());
        // U+0085 NEXT LINE in UTF-8.
        assert!(matches!(
            Username::new(&b"a\xc2\x85b"[..]),
            Err(Error::UsernameInvisible {
                character: '\u{85}'
            })
        ));
        assert_eq!(escape_for_terminal(b"a\x85b"), "a\\x85b");
        assert_eq!(escape_for_terminal(b"a\xc2\x85b"), "a\\u0085b");
    }

    #[test]
    fn refusals_name_the_character_by_code_point_and_say_what_to_do() {
        let message = Username::new("zw\u{200b}sp").unwrap_err().to_string();
        assert!(
            message.contains("U+200B ZERO WIDTH SPACE, which a person cannot see"),
            "{message}"
        );
        assert!(message.contains("type the name again"), "{message}");
        assert_eq!(describe('\u{9b}'), "U+009B, a C1 control character");
        assert_eq!(describe('\u{202e}'), "U+202E RIGHT-TO-LEFT OVERRIDE");
        assert_eq!(
            describe('\u{2065}'),
            "U+2065, an invisible format character"
        );
        for c in ('\u{0}'..='\u{ffff}').filter(|&c| is_invisible(c)) {
            assert!(describe(c).starts_with(&format!("U+{:04X}", c as u32)));
        }
    }

    #[test]
    fn existing_names_are_read_as_a_line_of_the_file_is() {
        let found = |name: &[u8]| Username::existing(name).map(|user| user.as_bytes().to_vec());
        for (given, read) in [
            (&b"alice"[..], &b"alice"[..]),
            (b" sp", b"sp"),
            (b"\t\x0b\x0c\r sp", b"sp"),
            (b"a\tb", b"a\tb"),
            (b"trail ", b"trail "),
            (b"a\rb", b"a\rb"),
            (b"a#b", b"a#b"),
            (b"zw\xe2\x80\x8b", b"zw\xe2\x80\x8b"),
            (b"esc\x1b[2J", b"esc\x1b[2J"),
            (b"", b""),
            (b"  ", b""),
        ] {
            assert_eq!(
                found(given).unwrap(),
                read,
                "{:?}",
                escape_for_terminal(given)
            );
        }
        assert_eq!(found(&[b'u'; 1000]).unwrap().len(), 1000);
        for never in [
            &b"#x"[..],
            b" #x",
            b"a:b",
            b"alice:secret",
            b"a\nb",
            b"\nalice",
        ] {
            let error = Username::existing(never).unwrap_err();
            assert!(
                matches!(error, Error::UsernameNeverInFile { .. }),
                "{never:?}: {error}"
            );
            // A name with ':' may be `user:password` typed by mistake.
            assert!(!error.to_string().contains("secret"), "{error}");
        }
    }

    #[test]
    fn escapes_terminal_controls_and_invalid_utf8() {
        assert_eq!(escape_for_terminal(b"a\x1b[31mb"), "a\\x1b[31mb");
        assert_eq!(escape_for_terminal(b"\xffok"), "\\xffok");
        assert_eq!(escape_for_terminal("x\u{202e}y".as_bytes()), "x\\u202ey");
        assert_eq!(escape_for_terminal("müller".as_bytes()), "müller");
        assert_eq!(escape_for_terminal(b"dom\\user"), "dom\\\\user");
        assert_eq!(escape_for_terminal(b"a\tb"), "a\\x09b");
        assert_eq!(escape_for_terminal(b"o'brien"), "o'brien");
    }

    #[test]
    fn escapes_every_invisible_character() {
        for c in ('\u{0}'..='\u{ffff}').filter(|&c| is_invisible(c)) {
            let shown = escape_for_terminal(format!("a{c}b").as_bytes());
            assert_eq!(shown, format!("a\\u{:04x}b", c as u32));
        }
    }

    #[test]
    fn white_space_at_either_end_is_visible_and_inside_is_kept() {
        assert_eq!(escape_for_terminal(b"alice "), "alice\\x20");
        assert_eq!(escape_for_terminal(b" alice"), "\\x20alice");
        assert_eq!(escape_for_terminal(b"  a b  "), "\\x20\\x20a b\\x20\\x20");
        assert_eq!(escape_for_terminal(b"a\t"), "a\\x09");
        assert_eq!(escape_for_terminal("a\u{a0}".as_bytes()), "a\\u00a0");
        assert_eq!(escape_for_terminal("\u{3000}a".as_bytes()), "\\u3000a");
        assert_eq!(escape_for_terminal("a\u{a0}b".as_bytes()), "a\u{a0}b");
        assert_eq!(escape_for_terminal(b" "), "\\x20");
        // A space before a stray byte is not at the end.
        assert_eq!(escape_for_terminal(b"a \xff"), "a \\xff");
        assert_eq!(escape_for_terminal(b"\xff "), "\\xff\\x20");
    }

    #[test]
    fn the_empty_name_is_shown_as_two_quotes() {
        assert_eq!(escape_for_terminal(b""), "''");
        assert_eq!(escape_for_terminal(b"''"), "\\x27\\x27");
        assert_eq!(escape_for_terminal(b"'"), "'");
    }

    /// bash's `$'...'` for the escapes [`escape_for_terminal`] writes.
    fn bash_dollar_quote(shown: &str) -> Vec<u8> {
        if shown == "''" {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut rest = shown;
        while let Some(c) = rest.chars().next() {
            rest = &rest[c.len_utf8()..];
            if c != '\\' {
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                continue;
            }
            let (kind, tail) = rest.split_at(1);
            let digits = match kind {
                "\\" => {
                    out.push(b'\\');
                    rest = tail;
                    continue;
                }
                "x" => 2,
                "u" => 4,
                "U" => 8,
                other => panic!("unknown escape \\{other} in {shown:?}"),
            };
            let code = u32::from_str_radix(&tail[..digits], 16).unwrap();
            rest = &tail[digits..];
            if kind == "x" {
                out.push(u8::try_from(code).unwrap());
            } else {
                let c = char::from_u32(code).unwrap();
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn what_is_shown_reads_back_to_the_same_bytes(
            bytes in proptest::collection::vec(proptest::prop_oneof![
                proptest::num::u8::ANY,
                proptest::sample::select(b" \t\\'".to_vec()),
            ], 0..12),
            chars in proptest::collection::vec(proptest::char::any(), 0..4),
        ) {
            let mut name = bytes;
            for c in chars {
                name.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            }
            let shown = escape_for_terminal(&name);
            proptest::prop_assert_eq!(bash_dollar_quote(&shown), name);
            proptest::prop_assert!(
                !shown.chars().any(|c| c.is_control() || is_invisible(c)),
                "{:?}", shown
            );
            proptest::prop_assert!(!shown.starts_with(char::is_whitespace));
            proptest::prop_assert!(!shown.ends_with(char::is_whitespace));
        }
    }

    #[test]
    fn shell_words_read_back_in_bash() {
        for name in [
            &b"alice"[..],
            b"DOMAIN\\bob",
            b"o'brien",
            b"two words",
            b"a\tb",
            b"caf\xe9",
            b"",
            b"-x",
        ] {
            let word = shell_word(name);
            let output = std::process::Command::new("bash")
                .args(["-c", &format!("printf %s {word}")])
                .output()
                .expect("bash is needed: apt-get install bash");
            assert_eq!(output.stdout, name, "{word}");
        }
        assert_eq!(shell_word(b"auth/httpd.groups"), "auth/httpd.groups");
    }

    #[test]
    fn push_escaped_appends() {
        let mut out = String::from("x:");
        push_escaped(b"alice", &mut out);
        push_escaped(b"b ", &mut out);
        assert_eq!(out, "x:aliceb\\x20");
    }
}
