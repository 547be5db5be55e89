//! Entries as a docker-compose value: Traefik's `basicauth.users` label,
//! `user:hash` entries joined by commas.
//!
//! The value is written for where the README's recipe puts it, inside a
//! YAML double-quoted string (`- "traefik...basicauth.users=VALUE"`): `"`,
//! `\` and characters YAML must not see raw are escaped ([`super::yaml`]),
//! and every `$` is doubled, since compose reads `$$` as a literal `$` and a
//! lone `$` as the start of a variable. Compose undoes both, so Traefik gets
//! the entries exactly.
//!
//! What the value cannot carry is refused ([`Unfit`]), never mangled: a `,`
//! (Traefik splits the list there), and bytes that are not UTF-8 (YAML is
//! text). Must never read a file or write to a terminal.

use super::unfit::{EntryPart, Unfit};
use super::yaml;

/// What a compose value cannot carry.
#[derive(Clone, Copy)]
enum Problem {
    Comma,
    NotUtf8,
}

/// For a file: either way, Traefik can read the file itself.
const RENAME: &str = "rename that user (htpass delete, then htpass add), or mount the file and point Traefik's basicAuth usersFile option at it";
const REHASH: &str = "give that user a hashed password (htpass add FILE USER), or mount the file and point Traefik's basicAuth usersFile option at it";

fn unfit(part: EntryPart, problem: Problem) -> Unfit {
    let (problem, why, in_argument) = match problem {
        Problem::Comma => (
            "contains ','",
            "Traefik's basicauth.users label splits the users at ','",
            "choose a name without ','",
        ),
        Problem::NotUtf8 => (
            "is not valid UTF-8",
            "a compose file is UTF-8 text",
            "choose a name in UTF-8",
        ),
    };
    Unfit {
        part,
        problem,
        destination: "--format compose",
        why,
        in_file: match part {
            EntryPart::User | EntryPart::Line => RENAME,
            EntryPart::Hash => REHASH,
        },
        in_argument,
    }
}

/// The text of one part, if a compose value can carry it.
fn carried(part: EntryPart, bytes: &[u8]) -> Result<&str, Unfit> {
    let text = std::str::from_utf8(bytes).map_err(|_| unfit(part, Problem::NotUtf8))?;
    if text.contains(',') {
        return Err(unfit(part, Problem::Comma));
    }
    Ok(text)
}

/// Checks a user name alone, so that a command can refuse it before it asks
/// for a password.
pub fn compose_user(user: &[u8]) -> Result<(), Unfit> {
    carried(EntryPart::User, user).map(|_| ())
}

/// Appends `user:hash` (or `hash` alone), escaped for a YAML double-quoted
/// string with every `$` doubled; nothing if either part cannot be carried.
pub fn compose_entry(user: Option<&[u8]>, hash: &[u8], out: &mut Vec<u8>) -> Result<(), Unfit> {
    let user = user
        .map(|user| carried(EntryPart::User, user))
        .transpose()?;
    let hash = carried(EntryPart::Hash, hash)?;
    if let Some(user) = user {
        escape(user, out);
        out.push(b':');
    }
    escape(hash, out);
    Ok(())
}

fn escape(text: &str, out: &mut Vec<u8>) {
    yaml::escape_double_quoted(&text.replace('$', "$$"), out);
}

/// The users of a whole file as one compose value, joined by commas.
#[derive(Debug, Default)]
pub struct ComposeUsers {
    text: Vec<u8>,
}

impl ComposeUsers {
    pub fn new() -> ComposeUsers {
        ComposeUsers::default()
    }

    /// Adds one entry, or refuses it (and adds nothing).
    pub fn push(&mut self, user: &[u8], hash: &[u8]) -> Result<(), Unfit> {
        let start = self.text.len();
        if start > 0 {
            self.text.push(b',');
        }
        compose_entry(Some(user), hash, &mut self.text).inspect_err(|_| self.text.truncate(start))
    }

    /// The value and a newline.
    pub fn finish(mut self) -> Vec<u8> {
        self.text.push(b'\n');
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(user: Option<&[u8]>, hash: &[u8]) -> Result<String, Unfit> {
        let mut out = Vec::new();
        compose_entry(user, hash, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn every_dollar_is_doubled() {
        assert_eq!(
            entry(Some(b"u"), b"$2y$05$abc$").unwrap(),
            "u:$$2y$$05$$abc$$"
        );
        assert_eq!(entry(None, b"$apr1$x").unwrap(), "$$apr1$$x");
    }

    #[test]
    fn quotes_and_backslashes_are_escaped_for_a_double_quoted_string() {
        assert_eq!(
            entry(Some("a\"b\\c$d\tj\u{f6}rg".as_bytes()), b"h").unwrap(),
            r#"a\"b\\c$$d\tj"#.to_owned() + "\u{f6}rg:h"
        );
    }

    #[test]
    fn a_comma_or_bytes_that_are_not_utf8_are_refused() {
        let refused = |user: &[u8], hash: &[u8]| entry(Some(user), hash).unwrap_err();
        assert_eq!(refused(b"a,b", b"h").part, EntryPart::User);
        assert_eq!(refused(b"a,b", b"h").problem, "contains ','");
        assert_eq!(refused(b"a\xff", b"h").problem, "is not valid UTF-8");
        assert_eq!(refused(b"a", b"p,w").part, EntryPart::Hash);
        assert!(compose_user(b"a,b").is_err());
        assert!(compose_user(b"a b").is_ok());
        let message = refused(b"a,b", b"h").to_string();
        assert_eq!(
            message,
            "the user name contains ',', which --format compose cannot carry: \
             Traefik's basicauth.users label splits the users at ','"
        );
    }

    #[test]
    fn users_are_joined_by_commas_and_a_refused_one_leaves_nothing() {
        let mut users = ComposeUsers::new();
        users.push(b"a", b"$1").unwrap();
        assert!(users.push(b"b,c", b"$2").is_err());
        users.push(b"d", b"$3").unwrap();
        assert_eq!(users.finish(), b"a:$$1,d:$$3\n");
        assert_eq!(ComposeUsers::new().finish(), b"\n");
    }
}
