//! Entries for Caddy, which cannot read an htpasswd file: a Caddyfile
//! `basic_auth` block (`--format caddyfile`) or the matching JSON list of
//! `http_basic` accounts (`--format caddy-json`).
//!
//! What Caddy does with them, from its source (caddyserver/caddy,
//! `modules/caddyhttp/caddyauth/`) and docs (caddyserver.com/docs/caddyfile/
//! directives/basic_auth), and tried on Caddy 2.6.2:
//!
//! - The block is `basic_auth [<hash_algorithm> [<realm>]] { <username>
//!   <hashed_password> ... }`, bcrypt by default (`caddyfile.go`). Before
//!   2.8.0 the directive was named `basicauth`, which 2.8+ still takes.
//! - A password starting with `$` is taken as it is (Modular Crypt Format);
//!   anything else must be base64, as Caddy before 2.6 wanted for all
//!   (`basicauth.go`, `Provision`: "Passwords starting with '$' are likely
//!   in Modular Crypt Format, so we don't need to base64 decode them"). So
//!   the raw `$2y$...` of the file goes in.
//! - Caddy compares with Go's `golang.org/x/crypto/bcrypt`, whose
//!   `decodeVersion` takes major version `2` with any minor letter: `$2a$`,
//!   `$2b$` and `$2y$` all verify. It verifies nothing but bcrypt, so any
//!   other entry is refused here with its line number ([`CADDYFILE`]).
//! - Every user name and password goes through Caddy's placeholder
//!   replacer when the config loads (`repl.ReplaceAll` in `Provision`):
//!   `{env.HOME}` in a name becomes the home directory and an unknown
//!   `{...}` becomes nothing, so `alice{x}` could never log in. The replacer
//!   reads `\{` and `\}` as literal braces (`replacer.go`, "check for escaped
//!   braces"), so in the JSON accounts every brace of a name is written
//!   escaped. A Caddyfile cannot carry a brace safely: `{$NAME}` anywhere in
//!   it is replaced by an environment variable before it is read
//!   (`parse.go`, `replaceEnvVars`), quoted or escaped alike, and a block
//!   pulled in with `import` goes through the replacer once more
//!   (`doImport`, `ReplaceKnown`), which eats one level of `\{` (tried on
//!   2.6.2: `\{env.HOME\}` works pasted, expands imported). So the
//!   Caddyfile refuses names with a brace, and says to use `caddy-json`.
//! - The Caddyfile lexer (`caddyconfig/caddyfile/lexer.go`) splits tokens at
//!   white space, starts a comment at a token's `#`, a heredoc at `<<`, and
//!   unquotes `"..."` (where only `\"` is an escape: any other `\x` stays as
//!   it is, and nothing can put a `\` just before the closing quote) and
//!   `` `...` `` (no escapes at all). So a name with anything but plain
//!   characters is written between backticks, or, when it holds a backtick,
//!   between double quotes; a name holding both a backtick and a backslash
//!   fits in neither and is refused.
//! - Caddy refuses a config in which a user name comes twice ("username is
//!   not unique"), and an empty name; both are refused here.
//!
//! Must never read a file or print; holds hashes only to render them.

use std::collections::HashSet;

use crate::hash::Algorithm;

use super::rules::{HashRule, NameMatch, NameRule, Rules};
use super::unfit::{EntryPart, Unfit};

/// Which of Caddy's two config languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaddyFormat {
    /// A `basic_auth { ... }` block for a Caddyfile.
    Caddyfile,
    /// The JSON array for `http_basic`'s `accounts`.
    Json,
}

const BCRYPT_ONLY: HashRule = HashRule {
    algorithm: Algorithm::Bcrypt,
    problem: "is not bcrypt",
    why: "Caddy's basic_auth verifies bcrypt hashes only",
    in_file: "give that user a bcrypt entry (htpass add FILE USER), or delete it",
};

const RENAME: &str = "rename that user (htpass delete, then htpass add)";

const EMPTY: NameRule = NameRule {
    matches: NameMatch::Is(""),
    problem: "is empty",
    why: "Caddy refuses an account without a user name",
    in_file: RENAME,
    in_argument: "name the user",
};

const NOT_UTF8: NameRule = NameRule {
    matches: NameMatch::NotUtf8,
    problem: "is not valid UTF-8",
    why: "Caddy's config is UTF-8 text",
    in_file: RENAME,
    in_argument: "choose a name in UTF-8",
};

/// What a Caddyfile `basic_auth` block refuses.
pub const CADDYFILE: Rules = Rules {
    destination: "--format caddyfile",
    hashes: Some(BCRYPT_ONLY),
    comments: None,
    names: &[
        EMPTY,
        NOT_UTF8,
        brace(NameMatch::Contains("{"), "contains '{'"),
        brace(NameMatch::Contains("}"), "contains '}'"),
        NameRule {
            matches: NameMatch::ContainsBoth("`", "\\"),
            problem: "contains both '`' and '\\'",
            why: "a Caddyfile token is quoted with `...`, which cannot hold a '`', or \"...\", where a '\\' before the closing quote escapes it",
            in_file: "rename that user, or use --format caddy-json",
            in_argument: "choose another name, or use --format caddy-json",
        },
    ],
};

const fn brace(matches: NameMatch, problem: &'static str) -> NameRule {
    NameRule {
        matches,
        problem,
        why: "Caddy reads {...} in a Caddyfile as a placeholder or an environment variable, and no escape of a brace survives both a pasted and an imported block",
        in_file: "rename that user, or use --format caddy-json, which carries it",
        in_argument: "choose a name without braces, or use --format caddy-json",
    }
}

/// What Caddy's JSON `http_basic` accounts refuse.
pub const CADDY_JSON: Rules = Rules {
    destination: "--format caddy-json",
    hashes: Some(BCRYPT_ONLY),
    comments: None,
    names: &[EMPTY, NOT_UTF8],
};

/// The users of a file as one Caddy block or account list.
#[derive(Debug)]
pub struct CaddyAccounts {
    format: CaddyFormat,
    text: Vec<u8>,
    users: HashSet<Vec<u8>>,
}

impl CaddyAccounts {
    pub fn new(format: CaddyFormat) -> CaddyAccounts {
        let opening: &[u8] = match format {
            CaddyFormat::Caddyfile => b"basic_auth {\n",
            CaddyFormat::Json => b"[",
        };
        CaddyAccounts {
            format,
            text: opening.to_vec(),
            users: HashSet::new(),
        }
    }

    /// What this format refuses.
    pub fn rules(&self) -> &'static Rules {
        match self.format {
            CaddyFormat::Caddyfile => &CADDYFILE,
            CaddyFormat::Json => &CADDY_JSON,
        }
    }

    /// Adds one account, or refuses it (and adds nothing).
    pub fn push(&mut self, user: &[u8], hash: &[u8]) -> Result<(), Unfit> {
        let rules = self.rules();
        rules.check_entry(user, hash)?;
        if self.users.contains(user) {
            return Err(Unfit {
                part: EntryPart::User,
                problem: "is on an earlier line too",
                destination: rules.destination,
                why: "Caddy refuses a config in which a user name comes twice",
                in_file: "delete one of the two lines",
                in_argument: "name each user once",
            });
        }
        // check_entry refused names that are not UTF-8 and hashes that are
        // not ASCII: nothing is lost here.
        let name = String::from_utf8_lossy(user);
        let hash = String::from_utf8_lossy(hash);
        self.users.insert(user.to_vec());
        match self.format {
            CaddyFormat::Caddyfile => {
                // CADDYFILE refused names with braces.
                self.text.push(b'\t');
                caddyfile_token(&name, &mut self.text);
                self.text.push(b' ');
                self.text.extend_from_slice(hash.as_bytes());
                self.text.push(b'\n');
            }
            CaddyFormat::Json => {
                if self.users.len() > 1 {
                    self.text.push(b',');
                }
                self.text.extend_from_slice(b"\n\t{\"username\": ");
                json_string(&escape_braces(&name), &mut self.text);
                self.text.extend_from_slice(b", \"password\": ");
                json_string(&hash, &mut self.text);
                self.text.push(b'}');
            }
        }
        Ok(())
    }

    /// The block or list, ending in a newline.
    pub fn finish(mut self) -> Vec<u8> {
        match self.format {
            CaddyFormat::Caddyfile => self.text.extend_from_slice(b"}\n"),
            CaddyFormat::Json if self.users.is_empty() => self.text.extend_from_slice(b"]\n"),
            CaddyFormat::Json => self.text.extend_from_slice(b"\n]\n"),
        }
        self.text
    }
}

/// `{` and `}` as `\{` and `\}`, which Caddy's placeholder replacer reads
/// as the braces themselves.
fn escape_braces(name: &str) -> String {
    let mut escaped = String::with_capacity(name.len() + 2);
    for c in name.chars() {
        if matches!(c, '{' | '}') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// A character the Caddyfile lexer takes as it is in an unquoted token,
/// wherever it stands.
fn is_plain(c: char) -> bool {
    !c.is_whitespace() && !c.is_control() && !matches!(c, '"' | '`' | '\\' | '{' | '}' | '#' | '<')
}

/// Appends `text` as one Caddyfile token that the lexer reads back as
/// `text`: bare when every character is plain, else between backticks
/// (which take everything but a backtick), else between double quotes
/// with `"` as `\"` ([`CADDYFILE`] refused the names that fit neither, and
/// those with braces).
fn caddyfile_token(text: &str, out: &mut Vec<u8>) {
    if !text.is_empty() && text.chars().all(is_plain) {
        out.extend_from_slice(text.as_bytes());
    } else if !text.contains('`') {
        out.push(b'`');
        out.extend_from_slice(text.as_bytes());
        out.push(b'`');
    } else {
        out.push(b'"');
        out.extend_from_slice(text.replace('"', "\\\"").as_bytes());
        out.push(b'"');
    }
}

fn json_string(text: &str, out: &mut Vec<u8>) {
    // Serializing a &str cannot fail.
    out.extend_from_slice(
        serde_json::to_string(text)
            .unwrap_or_else(|_| String::from("\"\""))
            .as_bytes(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "$2y$05$aaaaaaaaaaaaaaaaaaaaaOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    fn block(format: CaddyFormat, users: &[&str]) -> String {
        let mut accounts = CaddyAccounts::new(format);
        for user in users {
            accounts.push(user.as_bytes(), HASH.as_bytes()).unwrap();
        }
        String::from_utf8(accounts.finish()).unwrap()
    }

    /// What Caddy's lexer makes of one token (a model of lexer.go's rules
    /// for the three forms written here).
    fn lex(token: &str) -> String {
        if let Some(inner) = token.strip_prefix('`') {
            return inner.strip_suffix('`').unwrap().to_owned();
        }
        if let Some(inner) = token.strip_prefix('"') {
            return inner.strip_suffix('"').unwrap().replace("\\\"", "\"");
        }
        token.to_owned()
    }

    /// What Caddy's replacer makes of `\{` and `\}`.
    fn unescape(text: &str) -> String {
        text.replace("\\{", "{").replace("\\}", "}")
    }

    #[test]
    fn a_caddyfile_block_lists_the_users_with_raw_hashes() {
        assert_eq!(
            block(CaddyFormat::Caddyfile, &["alice", "bob.smith@example.com"]),
            format!("basic_auth {{\n\talice {HASH}\n\tbob.smith@example.com {HASH}\n}}\n")
        );
        assert_eq!(block(CaddyFormat::Caddyfile, &[]), "basic_auth {\n}\n");
    }

    #[test]
    fn names_that_are_not_plain_are_quoted_so_caddy_reads_them_back() {
        for (name, token) in [
            ("a b", "`a b`"),
            ("#x", "`#x`"),
            ("<<EOF", "`<<EOF`"),
            ("say \"hi\"", "`say \"hi\"`"),
            ("back\\slash", "`back\\slash`"),
            ("tick`", "\"tick`\""),
            ("tick` \"q\"", "\"tick` \\\"q\\\"\""),
            ("tab\there", "`tab\there`"),
            ("nb\u{a0}sp", "`nb\u{a0}sp`"),
            ("j\u{f6}rg", "j\u{f6}rg"),
        ] {
            let mut out = Vec::new();
            caddyfile_token(name, &mut out);
            let written = String::from_utf8(out).unwrap();
            assert_eq!(written, token, "{name:?}");
            assert_eq!(lex(&written), name, "{name:?}");
        }
    }

    #[test]
    fn json_accounts_escape_braces_and_read_back() {
        let text = block(CaddyFormat::Json, &["alice", "a \"b\" {c}"]);
        assert_eq!(
            text,
            format!(
                "[\n\t{{\"username\": \"alice\", \"password\": \"{HASH}\"}},\n\t\
                 {{\"username\": \"a \\\"b\\\" \\\\{{c\\\\}}\", \"password\": \"{HASH}\"}}\n]\n"
            )
        );
        let accounts: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            unescape(accounts[1]["username"].as_str().unwrap()),
            "a \"b\" {c}"
        );
        assert_eq!(block(CaddyFormat::Json, &[]), "[]\n");
    }

    #[test]
    fn what_caddy_cannot_take_is_refused_and_leaves_nothing() {
        let mut accounts = CaddyAccounts::new(CaddyFormat::Caddyfile);
        let refused = |accounts: &mut CaddyAccounts, user: &[u8], hash: &str| {
            accounts.push(user, hash.as_bytes()).unwrap_err()
        };
        assert_eq!(
            refused(&mut accounts, b"a", "$apr1$abcdefgh$0123456789abcdefghijkl").problem,
            "is not bcrypt"
        );
        assert_eq!(
            refused(&mut accounts, b"a", "{SHA}x").to_string(),
            "the hash is not bcrypt, which --format caddyfile cannot carry: \
             Caddy's basic_auth verifies bcrypt hashes only"
        );
        assert_eq!(
            refused(&mut accounts, b"x{$HOME}", HASH).problem,
            "contains '{'"
        );
        assert_eq!(refused(&mut accounts, b"x}", HASH).problem, "contains '}'");
        assert_eq!(
            refused(&mut accounts, b"`\\", HASH).problem,
            "contains both '`' and '\\'"
        );
        assert_eq!(refused(&mut accounts, b"", HASH).problem, "is empty");
        assert_eq!(
            refused(&mut accounts, b"\xff", HASH).problem,
            "is not valid UTF-8"
        );
        accounts.push(b"a", HASH.as_bytes()).unwrap();
        assert_eq!(
            refused(&mut accounts, b"a", HASH).problem,
            "is on an earlier line too"
        );
        assert_eq!(
            String::from_utf8(accounts.finish()).unwrap(),
            format!("basic_auth {{\n\ta {HASH}\n}}\n")
        );
        // Every bcrypt prefix Go's bcrypt reads.
        let mut accounts = CaddyAccounts::new(CaddyFormat::Json);
        for (user, prefix) in [(&b"a"[..], "$2a$"), (b"b", "$2b$"), (b"c", "$2y$")] {
            let hash = HASH.replacen("$2y$", prefix, 1);
            accounts.push(user, hash.as_bytes()).unwrap();
        }
        // The JSON config carries braces, escaped.
        accounts.push(b"x{$HOME}", HASH.as_bytes()).unwrap();
    }
}
