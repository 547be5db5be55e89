//! [`Fatal`]: how a run of `htpasswd` ends when it fails — the exact bytes
//! for stderr and Apache's exit code — and [`Prog`], the `argv[0]` that
//! prefixes most messages.
//!
//! Nothing here prints: `main` prints the message and ends the process, the
//! only place that does (STYLE habit 4).

use std::ffi::OsStr;

use crate::messages;

/// Apache's exit codes (compat spec §2).
pub mod code {
    pub const FILE_ACCESS: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const PASSWORD: u8 = 3;
    pub const INTERRUPTED: u8 = 4;
    pub const TOO_LONG: u8 = 5;
    pub const BAD_USER: u8 = 6;
    pub const INVALID_FILE: u8 = 7;
    pub const GENERAL: u8 = 9;
}

/// A failed run: what to write on stderr (complete, newline included) and
/// the exit code.
#[derive(Debug, PartialEq, Eq)]
pub struct Fatal {
    pub code: u8,
    pub message: Vec<u8>,
}

impl Fatal {
    /// A message printed as is (verify mode's unprefixed messages).
    pub fn bare(code: u8, message: impl AsRef<[u8]>) -> Fatal {
        Fatal {
            code,
            message: message.as_ref().to_vec(),
        }
    }

    /// The usage block alone, exit 2.
    pub fn usage() -> Fatal {
        Fatal::bare(code::USAGE, messages::USAGE)
    }
}

/// The program's name as typed (`PROG`) and its last component (`BASE`).
#[derive(Clone, Debug)]
pub struct Prog {
    prog: Vec<u8>,
}

impl Prog {
    pub fn new(argv0: Option<&OsStr>) -> Prog {
        Prog {
            prog: argv0
                .map(|name| name.as_encoded_bytes().to_vec())
                .unwrap_or_else(|| b"htpasswd".to_vec()),
        }
    }

    /// `BASE`: what follows the last `/` of `argv[0]`.
    pub fn base(&self) -> &[u8] {
        match self.prog.iter().rposition(|&b| b == b'/') {
            Some(slash) => &self.prog[slash + 1..],
            None => &self.prog,
        }
    }

    /// `PROG: ` + `parts` + `\n`.
    pub fn line(&self, parts: &[&[u8]]) -> Vec<u8> {
        let mut line = self.prog.clone();
        line.extend_from_slice(b": ");
        for part in parts {
            line.extend_from_slice(part);
        }
        line.push(b'\n');
        line
    }

    /// `PROG: ` + `parts` + `\n`, with exit `code`.
    pub fn fatal(&self, code: u8, parts: &[&[u8]]) -> Fatal {
        Fatal {
            code,
            message: self.line(parts),
        }
    }

    /// An option-parser error (`BASE: ...`), followed by the usage block.
    pub fn parser_error(&self, what: &str, letter: u8) -> Fatal {
        let mut message = self.base().to_vec();
        message.extend_from_slice(b": ");
        message.extend_from_slice(what.as_bytes());
        message.extend_from_slice(b" -- ");
        message.push(letter);
        message.push(b'\n');
        message.extend_from_slice(messages::USAGE.as_bytes());
        Fatal {
            code: code::USAGE,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_is_the_last_component() {
        assert_eq!(
            Prog::new(Some(OsStr::new("/usr/bin/htpasswd"))).base(),
            b"htpasswd"
        );
        assert_eq!(Prog::new(Some(OsStr::new("./x"))).base(), b"x");
        assert_eq!(Prog::new(Some(OsStr::new("htpasswd"))).base(), b"htpasswd");
    }

    #[test]
    fn messages_are_prefixed_with_argv0_as_typed() {
        let prog = Prog::new(Some(OsStr::new("./htpasswd")));
        assert_eq!(prog.line(&[b"a", b"b"]), b"./htpasswd: ab\n");
    }
}
