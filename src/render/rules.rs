//! [`Rules`]: what a destination refuses, as data. Each consumer of a
//! rendered file (a Secret reader of [`super::readers`], Caddy's
//! [`super::caddy`] blocks, a compose value) is one value of this type: the
//! hash formats it verifies and the user names it cannot carry, each with
//! the reason and what to do. The checks are the same loop for all of them;
//! a new destination is a new value, never a new `if`.
//!
//! Pure functions over bytes: never reads a file, never prints, never holds a
//! hash's or a password's text in what it returns.

use crate::error::Error;
use crate::hash::{self, Algorithm, Params, Scheme};

use super::unfit::{EntryPart, Unfit};

/// Everything one destination refuses.
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    /// How the command line names it, as "--for envoy-gateway" or
    /// "--format caddyfile": messages say "which {destination} cannot carry".
    pub destination: &'static str,
    /// The hash formats it verifies; `None`: any that htpasswd files hold.
    pub hashes: Option<HashRule>,
    /// Why a comment line breaks it; `None`: comments are skipped, as
    /// nginx and Apache skip them.
    pub comments: Option<&'static str>,
    /// The user names it refuses or would misread.
    pub names: &'static [NameRule],
}

/// The only hash format a destination verifies.
#[derive(Clone, Copy, Debug)]
pub struct HashRule {
    /// The format to write for it (`-a` and the check of stored hashes).
    pub algorithm: Algorithm,
    /// What an entry in another format is, as "is not {SHA}".
    pub problem: &'static str,
    /// Why the destination takes only that format.
    pub why: &'static str,
    /// What to do about an entry of a file in another format.
    pub in_file: &'static str,
}

/// One kind of user name a destination refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameRule {
    pub matches: NameMatch,
    /// What is in the name, as "contains '/'".
    pub problem: &'static str,
    /// Why the destination cannot carry it.
    pub why: &'static str,
    /// What to do about such an entry of a file.
    pub in_file: &'static str,
    /// What to do about such a name on the command line.
    pub in_argument: &'static str,
}

/// Which names a [`NameRule`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameMatch {
    /// The name holds this text.
    Contains(&'static str),
    /// The name is exactly this text.
    Is(&'static str),
    /// The name holds both texts, anywhere.
    ContainsBoth(&'static str, &'static str),
    /// The name is not valid UTF-8 (a text format cannot hold it).
    NotUtf8,
}

impl NameMatch {
    /// Whether `name` is one of the names this rule is about.
    pub fn matches(self, name: &[u8]) -> bool {
        let contains = |text: &str| {
            name.windows(text.len())
                .any(|window| window == text.as_bytes())
        };
        match self {
            NameMatch::Contains(text) => contains(text),
            NameMatch::Is(text) => name == text.as_bytes(),
            NameMatch::ContainsBoth(one, other) => contains(one) && contains(other),
            NameMatch::NotUtf8 => std::str::from_utf8(name).is_err(),
        }
    }
}

impl Rules {
    /// A destination that takes every entry as it is.
    pub const ANY: Rules = Rules {
        destination: "",
        hashes: None,
        comments: None,
        names: &[],
    };

    /// Checks a user name alone, so that a command can refuse it before it
    /// asks for a password (or hashes anything).
    pub fn check_user(&self, user: &[u8]) -> Result<(), Unfit> {
        match self.names.iter().find(|rule| rule.matches.matches(user)) {
            Some(rule) => Err(Unfit {
                part: EntryPart::User,
                problem: rule.problem,
                destination: self.destination,
                why: rule.why,
                in_file: rule.in_file,
                in_argument: rule.in_argument,
            }),
            None => Ok(()),
        }
    }

    /// Checks a stored hash against the formats the destination verifies.
    /// Every format a destination insists on is ASCII, so a hash with other
    /// bytes is not of that format, whatever its prefix says.
    pub fn check_hash(&self, stored: &[u8]) -> Result<(), Unfit> {
        let Some(rule) = self.hashes else {
            return Ok(());
        };
        if scheme_algorithm(hash::detect(stored)) == Some(rule.algorithm) && stored.is_ascii() {
            return Ok(());
        }
        Err(Unfit {
            part: EntryPart::Hash,
            problem: rule.problem,
            destination: self.destination,
            why: rule.why,
            in_file: rule.in_file,
            in_argument: rule.in_file,
        })
    }

    /// Checks a comment line of a file (blank lines pass everywhere).
    pub fn check_comment(&self) -> Result<(), Unfit> {
        match self.comments {
            Some(why) => Err(Unfit {
                part: EntryPart::Line,
                problem: "is a comment",
                destination: self.destination,
                why,
                in_file: "delete the comment line",
                in_argument: "delete the comment line",
            }),
            None => Ok(()),
        }
    }

    /// Checks a whole entry: the name first, then the hash.
    pub fn check_entry(&self, user: &[u8], stored: &[u8]) -> Result<(), Unfit> {
        self.check_user(user)?;
        self.check_hash(stored)
    }

    /// Refuses parameters that would make hashes the destination cannot
    /// verify (`--for envoy-gateway` without `-a sha1`), before any
    /// password is asked for.
    pub fn check_params(&self, params: &Params) -> Result<(), Error> {
        match self.hashes {
            Some(rule) if params.algorithm() != rule.algorithm => Err(Error::AlgorithmUnfit {
                destination: self.destination,
                why: rule.why,
                given: params.algorithm().name(),
                needed: rule.algorithm.name(),
            }),
            _ => Ok(()),
        }
    }
}

/// The algorithm that writes hashes of this scheme, if htpass writes it.
fn scheme_algorithm(scheme: Scheme) -> Option<Algorithm> {
    match scheme {
        Scheme::Bcrypt { .. } => Some(Algorithm::Bcrypt),
        Scheme::Apr1 => Some(Algorithm::Apr1),
        Scheme::ShaCrypt {
            variant: hash::ShaVariant::Sha256,
            ..
        } => Some(Algorithm::Sha256),
        Scheme::ShaCrypt {
            variant: hash::ShaVariant::Sha512,
            ..
        } => Some(Algorithm::Sha512),
        Scheme::Sha1 => Some(Algorithm::Sha1),
        Scheme::DesCrypt => Some(Algorithm::Crypt),
        Scheme::Yescrypt { .. } => Some(Algorithm::Yescrypt),
        Scheme::Md5Crypt
        | Scheme::Ssha
        | Scheme::PlainTagged
        | Scheme::Unsupported(_)
        | Scheme::BarePlain => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: Rules = Rules {
        destination: "--for test",
        hashes: Some(HashRule {
            algorithm: Algorithm::Sha1,
            problem: "is not {SHA}",
            why: "it checks only {SHA}",
            in_file: "give it a {SHA} entry",
        }),
        comments: Some("it reads every line as an entry"),
        names: &[
            NameRule {
                matches: NameMatch::Contains("/"),
                problem: "contains '/'",
                why: "paths",
                in_file: "rename",
                in_argument: "choose another",
            },
            NameRule {
                matches: NameMatch::Is("~"),
                problem: "is '~'",
                why: "home",
                in_file: "rename",
                in_argument: "choose another",
            },
            NameRule {
                matches: NameMatch::NotUtf8,
                problem: "is not valid UTF-8",
                why: "text",
                in_file: "rename",
                in_argument: "choose another",
            },
        ],
    };

    #[test]
    fn names_are_refused_by_the_first_rule_that_matches() {
        assert_eq!(
            RULES.check_user(b"a/b").unwrap_err().problem,
            "contains '/'"
        );
        assert_eq!(RULES.check_user(b"/").unwrap_err().problem, "contains '/'");
        assert_eq!(RULES.check_user(b"~").unwrap_err().problem, "is '~'");
        assert!(RULES.check_user(b"~a").is_ok());
        assert_eq!(
            RULES.check_user(b"\xff").unwrap_err().problem,
            "is not valid UTF-8"
        );
        assert!(RULES.check_user("j\u{f6}rg".as_bytes()).is_ok());
        let unfit = RULES.check_user(b"a/b").unwrap_err();
        assert_eq!(unfit.part, EntryPart::User);
        assert_eq!(
            unfit.to_string(),
            "the user name contains '/', which --for test cannot carry: paths"
        );
    }

    #[test]
    fn hashes_of_another_format_are_refused() {
        assert!(
            RULES
                .check_hash(b"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=")
                .is_ok()
        );
        for other in [
            &b"$2y$05$aaaaaaaaaaaaaaaaaaaaaOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"[..],
            b"$apr1$abcdefgh$0123456789abcdefghijkl",
            b"{SSHA}abc",
            b"plain",
        ] {
            let unfit = RULES.check_hash(other).unwrap_err();
            assert_eq!(
                (unfit.part, unfit.problem),
                (EntryPart::Hash, "is not {SHA}")
            );
        }
        assert!(Rules::ANY.check_entry(b"a/b", b"plain").is_ok());
        assert!(Rules::ANY.check_comment().is_ok());
        assert_eq!(
            RULES.check_comment().unwrap_err().to_string(),
            "the line is a comment, which --for test cannot carry: it reads every line as an entry"
        );
        assert!(RULES.check_entry(b"a/b", b"{SHA}x").is_err());
    }

    #[test]
    fn parameters_of_another_algorithm_are_refused_before_hashing() {
        assert!(RULES.check_params(&Params::Sha1).is_ok());
        let error = RULES
            .check_params(&Params::default_for(Algorithm::Bcrypt))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "--for test: it checks only {SHA}, so bcrypt hashes would not work there; use -a sha1"
        );
        assert!(Rules::ANY.check_params(&Params::Plain).is_ok());
    }
}
