//! Apache's command line, parsed by hand the way its `getopt` does
//! (`cnmspdBbDi25C:r:v`, compat spec §1.2–§1.4), into plain values.
//!
//! Not clap: Apache stops at the first non-option, takes any `--word` as
//! `--`, keeps a lone `-` positional, prints its own two parser messages with
//! the program's base name, and has side effects while parsing (each `-p`
//! warns at once). What it must never do: read a password, touch a file, or
//! decide anything beyond the command line.

use std::ffi::OsString;

use htpass::frontend::platform;

use crate::fatal::{Fatal, Prog, code};
use crate::messages;

/// What the run does (§1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Update,
    Create,
    Print,
    Delete,
    Verify,
}

/// The hashing algorithm letter that won (last one, §1.2 rule 10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Md5,
    Bcrypt,
    Sha256,
    Sha512,
    Sha1,
    Crypt,
    Plain,
}

/// Where the password comes from (last of `-b`/`-i` wins).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Prompt,
    Argument,
    Stdin,
}

/// The command line, checked for everything the command line alone decides.
#[derive(Debug, PartialEq, Eq)]
pub struct Args {
    pub mode: Mode,
    pub algorithm: Algorithm,
    pub source: Source,
    /// The shared `-C`/`-r` value (§1.6): `None` when not given. Values too
    /// big for Apache's 32-bit int are kept whole (D3 fixed): they are out
    /// of range, never wrapped.
    pub cost: Option<u64>,
    /// FILE (absent with `-n`).
    pub file: Option<OsString>,
    pub user: OsString,
    /// The `-b` password argument.
    pub password: Option<OsString>,
}

/// Everything the options set, before the checks of §1.3–§1.4.
struct Flags {
    create: bool,
    print: usize,
    delete: bool,
    verify: bool,
    algorithm: Algorithm,
    source: Source,
    cost: Option<u64>,
}

/// Parses `argv` (without `argv[0]`). `warn` receives each warning the
/// moment it arises (the `-p` warning, §3.5), before any later error.
pub fn parse(argv: &[OsString], prog: &Prog, mut warn: impl FnMut(&str)) -> Result<Args, Fatal> {
    let mut flags = Flags {
        create: false,
        print: 0,
        delete: false,
        verify: false,
        algorithm: Algorithm::Md5,
        source: Source::Prompt,
        cost: None,
    };
    let mut index = 0;
    'arguments: while index < argv.len() {
        let arg = argv[index].as_encoded_bytes();
        // Rules 1 and 5: a non-option or a lone `-` ends scanning, kept.
        if arg.len() < 2 || arg[0] != b'-' {
            break;
        }
        // Rule 4: `--` and any `--word` end scanning and are consumed.
        if arg[1] == b'-' {
            index += 1;
            break;
        }
        let letters = &arg[1..];
        for (at, &letter) in letters.iter().enumerate() {
            match letter {
                // Rule 6: a `-` inside a bundle ends scanning there; the
                // letters before it have taken effect, the bundle is positional.
                b'-' => break 'arguments,
                b'c' => flags.create = true,
                b'n' => flags.print += 1,
                b'D' => flags.delete = true,
                b'v' => flags.verify = true,
                b'b' => flags.source = Source::Argument,
                b'i' => flags.source = Source::Stdin,
                b'm' => flags.algorithm = Algorithm::Md5,
                b'B' => flags.algorithm = Algorithm::Bcrypt,
                b'2' => flags.algorithm = Algorithm::Sha256,
                b'5' => flags.algorithm = Algorithm::Sha512,
                b's' => flags.algorithm = Algorithm::Sha1,
                b'd' => flags.algorithm = Algorithm::Crypt,
                b'p' => {
                    flags.algorithm = Algorithm::Plain;
                    // Apache's htpasswd warns only where plain text does
                    // not verify, i.e. not on Windows.
                    if !platform::PLAIN_TEXT_VERIFIES {
                        warn(messages::WARN_PLAIN);
                    }
                }
                b'C' | b'r' => {
                    // Rule 3: the rest of the bundle, else the next argument
                    // whatever it looks like.
                    let value = if at + 1 < letters.len() {
                        &letters[at + 1..]
                    } else if index + 1 < argv.len() {
                        index += 1;
                        argv[index].as_encoded_bytes()
                    } else {
                        return Err(prog.parser_error("option requires an argument", letter));
                    };
                    // Rule 9: a bad value ends the run at once.
                    flags.cost = Some(parse_cost(value).ok_or_else(|| {
                        prog.fatal(code::USAGE, &[messages::COST_NOT_POSITIVE.as_bytes()])
                    })?);
                    index += 1;
                    continue 'arguments;
                }
                other => return Err(prog.parser_error("illegal option", other)),
            }
        }
        index += 1;
    }
    finish(flags, &argv[index..], prog)
}

/// §1.3 and §1.4: one mode at most, then the positional count.
fn finish(flags: Flags, positionals: &[OsString], prog: &Prog) -> Result<Args, Fatal> {
    let modes = [flags.create, flags.print > 0, flags.delete, flags.verify];
    if modes.iter().filter(|&&on| on).count() > 1 {
        return Err(prog.fatal(code::USAGE, &[messages::MODE_CONFLICT.as_bytes()]));
    }
    // D1 fixed: Apache lowers the expected count once per `-n` and crashes
    // on `-nn`; a repeated `-n` is a usage error here.
    if flags.print > 1 {
        return Err(Fatal::usage());
    }
    let mode = if flags.create {
        Mode::Create
    } else if flags.print == 1 {
        Mode::Print
    } else if flags.delete {
        Mode::Delete
    } else if flags.verify {
        Mode::Verify
    } else {
        Mode::Update
    };
    let with_file = mode != Mode::Print;
    let with_password = flags.source == Source::Argument;
    let expected = 1 + usize::from(with_file) + usize::from(with_password);
    if positionals.len() != expected {
        return Err(Fatal::usage());
    }
    let mut rest = positionals.iter().cloned();
    let file = if with_file { rest.next() } else { None };
    let user = rest.next().unwrap_or_default();
    let password = rest.next();
    Ok(Args {
        mode,
        algorithm: flags.algorithm,
        source: flags.source,
        cost: flags.cost,
        file,
        user,
        password,
    })
}

/// §1.6: like `strtol(value, &end, 10)` with the whole string consumed and a
/// result above zero: optional leading white space, optional `+`, decimal
/// digits. Large values saturate (they are out of range for every
/// algorithm, D3 fixed) rather than wrap.
fn parse_cost(value: &[u8]) -> Option<u64> {
    let start = value
        .iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .unwrap_or(value.len());
    let value = &value[start..];
    let digits = value.strip_prefix(b"+").unwrap_or(value);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = digits.iter().fold(0u64, |number, &digit| {
        number
            .saturating_mul(10)
            .saturating_add(u64::from(digit - b'0'))
    });
    (number > 0).then_some(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn parsed(list: &[&str]) -> Result<Args, Fatal> {
        parse(&args(list), &Prog::new(None), |_| {})
    }

    #[test]
    fn cost_values_follow_strtol_rules() {
        assert_eq!(parse_cost(b"10"), Some(10));
        assert_eq!(parse_cost(b"010"), Some(10));
        assert_eq!(parse_cost(b" +5"), Some(5));
        assert_eq!(parse_cost(b"99999999999999999999999"), Some(u64::MAX));
        for bad in [&b""[..], b"0", b"-1", b"7 ", b"10B", b"0x10", b"+", b" "] {
            assert_eq!(parse_cost(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bundles_and_separate_options_are_the_same() {
        let bundled = parsed(&["-nbB", "u", "p"]).unwrap();
        let separate = parsed(&["-n", "-b", "-B", "u", "p"]).unwrap();
        assert_eq!(bundled, separate);
        assert_eq!(bundled.mode, Mode::Print);
        assert_eq!(bundled.algorithm, Algorithm::Bcrypt);
    }

    #[test]
    fn cost_attached_or_next_argument() {
        assert_eq!(parsed(&["-nbBC10", "u", "p"]).unwrap().cost, Some(10));
        assert_eq!(parsed(&["-nbBC", "6", "u", "p"]).unwrap().cost, Some(6));
        assert_eq!(parsed(&["-nb", "-r", "7", "u", "p"]).unwrap().cost, Some(7));
    }

    #[test]
    fn last_source_and_algorithm_win() {
        let args = parsed(&["-nbi", "u"]).unwrap();
        assert_eq!(args.source, Source::Stdin);
        assert_eq!(parsed(&["-nBm", "u"]).unwrap().algorithm, Algorithm::Md5);
    }

    #[test]
    fn dash_in_bundle_keeps_the_bundle_positional() {
        let args = parsed(&["-nb-", "p"]).unwrap();
        assert_eq!(args.user, "-nb-");
        assert_eq!(args.password.as_deref(), Some("p".as_ref()));
    }
}
