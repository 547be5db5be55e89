//! YAML double-quoted scalars: the one way htpass writes a string into
//! YAML, so that no reader (YAML 1.1 as kubectl's go-yaml, or 1.2) takes it
//! for a number, a boolean or null, and every character comes back exactly.
//!
//! Never writes a plain (unquoted) or single-quoted scalar, and never a raw
//! line break inside the quotes, which YAML folds into a space.

/// Appends `text` between double quotes, escaped.
pub fn double_quoted(text: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    escape_double_quoted(text, out);
    out.push(b'"');
}

/// Appends `text` escaped for the inside of a double-quoted scalar (the
/// quotes are the caller's, as in the README's compose recipe).
///
/// `"` and `\` are escaped, and so is every character that YAML does not
/// allow raw in a document or reads as a line break: C0 and C1 controls,
/// DEL, NEL, the line and paragraph separators, the byte-order mark and the
/// two non-characters U+FFFE and U+FFFF (YAML 1.2 §5.1 and §5.4; go-yaml
/// refuses them as "control characters are not allowed"). The rest,
/// non-ASCII included, stays as it is, so names remain readable.
pub fn escape_double_quoted(text: &str, out: &mut Vec<u8>) {
    let mut buffer = [0; 4];
    for c in text.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            c if must_escape(c) => {
                let code = u32::from(c);
                let escaped = if code <= 0xff {
                    format!("\\x{code:02X}")
                } else {
                    format!("\\u{code:04X}")
                };
                out.extend_from_slice(escaped.as_bytes());
            }
            c => out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes()),
        }
    }
}

/// Not printable in YAML, or a line break: C0, DEL, C1 (NEL among them),
/// U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF.
fn must_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

#[cfg(test)]
mod tests {
    use saphyr::{LoadableYamlNode, Yaml};

    use super::*;

    fn quoted(text: &str) -> String {
        let mut out = Vec::new();
        double_quoted(text, &mut out);
        String::from_utf8(out).expect("UTF-8 in, UTF-8 out")
    }

    /// What a YAML parser reads back from `key: <quoted>`.
    fn read_back(text: &str) -> String {
        let document = format!("key: {}\n", quoted(text));
        let parsed =
            Yaml::load_from_str(&document).unwrap_or_else(|error| panic!("{document:?}: {error}"));
        parsed[0]["key"]
            .as_str()
            .unwrap_or_else(|| panic!("not a string: {document:?}"))
            .to_owned()
    }

    #[test]
    fn words_yaml_would_misread_are_quoted() {
        for word in [
            "123", "null", "~", "yes", "true", "0x1f", "1e3", ".inf", "", " ",
        ] {
            assert_eq!(quoted(word), format!("\"{word}\""));
            assert_eq!(read_back(word), word);
        }
    }

    #[test]
    fn quotes_backslashes_and_line_breaks_are_escaped() {
        assert_eq!(quoted("a\"b\\c\nd\te\r"), r#""a\"b\\c\nd\te\r""#);
        assert_eq!(
            quoted("\u{1}\u{7f}\u{85}\u{2028}\u{feff}"),
            r#""\x01\x7F\x85\u2028\uFEFF""#
        );
        assert_eq!(quoted("j\u{f6}rg \u{1f600}"), "\"j\u{f6}rg \u{1f600}\"");
    }

    #[test]
    fn every_character_comes_back_exactly() {
        let all: String = (0..=0x3000_u32)
            .chain([0xfeff, 0xfffd, 0xfffe, 0xffff, 0x1_0000, 0x1f600, 0x10_ffff])
            .filter_map(char::from_u32)
            .collect();
        assert_eq!(read_back(&all), all);
        for text in [
            "# comment",
            "- item",
            "key: value",
            "'single'",
            "&a *b !c |d >e",
            "  lead",
        ] {
            assert_eq!(read_back(text), text);
        }
    }
}
