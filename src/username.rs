//! [`Username`]: every rule a user name must meet, checked once, here.
//!
//! Apache accepts almost any byte and so writes entries it can never find
//! again (compat spec §11, D10–D12). We refuse those names instead.

use std::fmt;

use crate::error::Error;

/// The longest user name Apache accepts, in bytes.
pub const MAX_USERNAME_BYTES: usize = 255;

/// A user name that can be written to and found again in an htpasswd file.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Username(Vec<u8>);

impl Username {
    /// Checks `bytes` against the rules: not empty, at most 255 bytes, no `:`,
    /// no control character, and no leading `#` or white space (a reader would
    /// take such a line for a comment or skip the space, so it is unreachable).
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
            _ => Ok(Username(bytes)),
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The name made safe to print on a terminal: control, bidi and invalid
    /// UTF-8 bytes are escaped. JSON output uses the exact bytes instead.
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

/// Escapes bytes that could change what a terminal shows (control characters,
/// bidi overrides, invalid UTF-8) as `\xNN` or `\u{NNNN}`.
pub fn escape_for_terminal(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            let is_bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}');
            if c.is_control() || is_bidi {
                if (c as u32) < 0x100 {
                    out.push_str(&format!("\\x{:02x}", c as u32));
                } else {
                    out.push_str(&format!("\\u{{{:04x}}}", c as u32));
                }
            } else if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_and_utf8_names() {
        assert!(Username::new("alice").is_ok());
        assert!(Username::new("jörg.müller@example.com").is_ok());
        assert!(Username::new("a b").is_ok());
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
    fn escapes_terminal_controls_and_invalid_utf8() {
        assert_eq!(escape_for_terminal(b"a\x1b[31mb"), "a\\x1b[31mb");
        assert_eq!(escape_for_terminal(b"\xffok"), "\\xffok");
        assert_eq!(escape_for_terminal("x\u{202e}y".as_bytes()), "x\\u{202e}y");
        assert_eq!(escape_for_terminal("müller".as_bytes()), "müller");
    }
}
