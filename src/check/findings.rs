//! Per-line findings: what the servers of the table make of each line.
//!
//! Its job: read one line at a time (with its number and ending) and say
//! what will break on a server (an error) or is weak (a warning), in one
//! line naming the servers and what to do; and, once the duplicate finder
//! has the users listed more than once, say which entry each server uses.
//! The findings about an entry's hash itself (format, shape, cost) are
//! [`super::hashes`]'; the wording they share is here. What a server does
//! is looked up in [`super::servers::SERVERS`], never decided here per
//! server.
//!
//! What it must never do:
//!
//! - put a hash or a line's text into a finding: a `{PLAIN}` "hash" is a
//!   password, and a malformed line may be a password pasted by mistake.
//!   Findings carry line numbers, user names and fixed text only;
//! - keep anything per user or per line once the line is done: the
//!   findings of a line are handed out before the next is read.

use crate::error::Error;
use crate::file::{LineEnding, LineKind, classify, line_ending};
use crate::hash::{self, Shape};
use crate::username::escape_for_terminal;

use super::duplicates::Seen;
use super::servers::{Duplicates, Format, Reading, Server, ServerRules, default_servers};
use super::{CheckOptions, Finding, Kind, Severity, Summary};

pub(super) const BYTE_ORDER_MARK: &[u8] = b"\xef\xbb\xbf";

/// White space a server may strip at either end of a line (C's `isspace`
/// without the line ending; Go's `TrimSpace` strips the same ASCII bytes).
pub(super) fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | 0x0b | 0x0c)
}

/// A line as every pass reads it: line 1 without a byte-order mark, then
/// classified.
pub(super) struct Parsed<'a> {
    pub(super) bom: bool,
    /// Without the byte-order mark.
    pub(super) line: &'a [u8],
    pub(super) kind: LineKind<'a>,
}

pub(super) fn parse(number: u64, raw: &[u8]) -> Parsed<'_> {
    let bom = number == 1 && raw.starts_with(BYTE_ORDER_MARK);
    let line = if bom {
        &raw[BYTE_ORDER_MARK.len()..]
    } else {
        raw
    };
    Parsed {
        bom,
        line,
        kind: classify(line),
    }
}

/// The user an entry counts for when looking for duplicates: none for a
/// line that is not an entry, or an entry with an empty user (reported on
/// its own). The findings and every later pass decide it here.
pub(super) fn counted(kind: LineKind<'_>) -> Option<&[u8]> {
    match kind {
        LineKind::Entry { user, .. } if !user.is_empty() => Some(user),
        _ => None,
    }
}

/// [`counted`] of line `number` as read (`raw`, with its ending).
pub(super) fn counted_user(number: u64, raw: &[u8]) -> Option<&[u8]> {
    counted(parse(number, raw).kind)
}

pub(super) struct Checker<'o> {
    pub(super) options: &'o CheckOptions,
    /// The servers whose rules apply: those asked for, or all.
    pub(super) considered: Vec<&'static ServerRules>,
    /// Whether formats a considered server cannot verify are errors.
    pub(super) for_servers: bool,
    crlf_reported: bool,
    pending: Vec<Finding>,
    pub(super) summary: Summary,
}

impl<'o> Checker<'o> {
    pub(super) fn new(options: &'o CheckOptions) -> Checker<'o> {
        let considered = if options.servers.is_empty() {
            default_servers().collect()
        } else {
            options
                .servers
                .iter()
                .map(|server| server.rules())
                .collect()
        };
        Checker {
            options,
            considered,
            for_servers: !options.servers.is_empty(),
            crlf_reported: false,
            pending: Vec::new(),
            summary: Summary::default(),
        }
    }

    pub(super) fn flush(
        &mut self,
        report: &mut impl FnMut(&Finding) -> Result<(), Error>,
    ) -> Result<(), Error> {
        for finding in self.pending.drain(..) {
            match finding.severity {
                Severity::Error => self.summary.errors += 1,
                Severity::Warning => self.summary.warnings += 1,
            }
            report(&finding)?;
        }
        Ok(())
    }

    pub(super) fn push(
        &mut self,
        line: u64,
        kind: Kind,
        user: Option<&[u8]>,
        servers: Vec<Server>,
        message: String,
    ) {
        self.pending.push(Finding {
            line,
            severity: kind.severity(),
            kind,
            user: user.map(<[u8]>::to_vec),
            servers,
            message,
        });
    }

    /// The considered servers for which `reading` of each is not harmless.
    fn affected(
        &self,
        reading: impl Fn(&ServerRules) -> Reading,
    ) -> Vec<(&'static ServerRules, Reading)> {
        self.considered
            .iter()
            .map(|rules| (*rules, reading(rules)))
            .filter(|(_, reading)| !reading.is_harmless())
            .collect()
    }

    /// Checks one line (with its ending); returns the user it counts for
    /// in duplicates ([`counted`]).
    pub(super) fn line<'r>(&mut self, number: u64, raw: &'r [u8]) -> Option<&'r [u8]> {
        let Parsed { bom, line, kind } = parse(number, raw);

        // A CR before the LF, or a bare CR ending the last line.
        let ending = line_ending(line);
        let has_cr =
            ending == LineEnding::CrLf || (ending == LineEnding::None && line.ends_with(b"\r"));
        if has_cr && !self.crlf_reported && kind != LineKind::Comment {
            self.crlf_reported = true;
            self.carriage_return(number, ending);
        }

        match kind {
            LineKind::Blank | LineKind::Comment => {
                if bom {
                    self.byte_order_mark(number, None);
                }
                None
            }
            LineKind::Malformed => {
                self.malformed(number);
                None
            }
            LineKind::Entry { user, hash } => {
                self.summary.entries += 1;
                if bom {
                    self.byte_order_mark(number, Some(user));
                }
                if line.first().copied().is_some_and(is_blank) {
                    self.leading_white_space(number, user);
                }
                let counted = counted(kind);
                match counted {
                    Some(user) => self.entry(number, user, hash),
                    None => self.empty_user(number),
                }
                counted
            }
        }
    }

    fn carriage_return(&mut self, number: u64, ending: LineEnding) {
        let affected = self.affected(|rules| rules.carriage_return);
        if affected.is_empty() {
            return;
        }
        let what = if ending == LineEnding::CrLf {
            "the file has CRLF line endings (this line is the first)"
        } else {
            "the last line ends in a bare CR"
        };
        let message = format!(
            "{what}: {}; save the file with LF line endings (dos2unix)",
            effects(&affected, None)
        );
        self.push(number, Kind::Crlf, None, servers(&affected), message);
    }

    fn byte_order_mark(&mut self, number: u64, user: Option<&[u8]>) {
        // On an entry the BOM joins the user name; on any other line it
        // leaves a line without a ':' for the servers that read one.
        let affected = match user {
            Some(_) => self.affected(|rules| rules.byte_order_mark),
            None => self.affected(|rules| rules.malformed_line),
        };
        if affected.is_empty() {
            return;
        }
        let shown = user.map(escape_for_terminal);
        let message = match &shown {
            Some(name) => format!(
                "the file starts with a UTF-8 byte-order mark: {}; save the file without a BOM",
                effects(&affected, Some(name))
            ),
            None => format!(
                "the file starts with a UTF-8 byte-order mark, which makes line 1 a line without ':': {}; save the file without a BOM",
                effects(&affected, None)
            ),
        };
        self.push(
            number,
            Kind::ByteOrderMark,
            user,
            servers(&affected),
            message,
        );
    }

    fn malformed(&mut self, number: u64) {
        // Always an error: even where it is skipped, it may be a password
        // pasted by mistake.
        let affected = self.affected(|rules| rules.malformed_line);
        let consequence = if affected.is_empty() {
            let names: Vec<&str> = self.considered.iter().map(|rules| rules.name).collect();
            said(&names, ("skips it", "skip it"))
        } else {
            effects(&affected, None)
        };
        let message = format!(
            "the line is not USER:HASH (it has no ':'): {consequence}; if it is a password pasted by mistake, remove it and change that password"
        );
        self.push(
            number,
            Kind::MalformedLine,
            None,
            servers(&affected),
            message,
        );
    }

    fn leading_white_space(&mut self, number: u64, user: &[u8]) {
        let affected = self.affected(|rules| rules.leading_white_space);
        if affected.is_empty() {
            return;
        }
        let name = escape_for_terminal(user);
        let message = format!(
            "user {name}: white space before the user name: {}; remove it",
            effects(&affected, Some(&name))
        );
        self.push(
            number,
            Kind::LeadingWhitespace,
            Some(user),
            servers(&affected),
            message,
        );
    }

    fn empty_user(&mut self, number: u64) {
        let affected = self.affected(|rules| rules.unusable_entry);
        let refusing: Vec<_> = affected
            .into_iter()
            .filter(|(_, reading)| *reading == Reading::RefusesFile)
            .collect();
        let mut message = "the line has an empty user name (it starts with ':')".to_owned();
        if !refusing.is_empty() {
            message.push_str(&format!(": {}", effects(&refusing, None)));
        }
        message.push_str("; add the user name or remove the line");
        self.push(number, Kind::EmptyUser, None, servers(&refusing), message);
    }

    /// The checks of an entry's hash. Only its shape is looked at, and
    /// nothing of it goes into a message.
    fn entry(&mut self, number: u64, user: &[u8], hash: &[u8]) {
        let name = escape_for_terminal(user);
        self.list_separator(number, user, &name);
        self.refused_name(number, user, &name);
        if hash.is_empty() {
            self.empty_hash(number, user, &name);
            return;
        }
        // A bare CR at the very end of the file (reported as CRLF above).
        let hash = hash.strip_suffix(b"\r").unwrap_or(hash);
        // nginx and Apache httpd end the hash at a second ':'; look at the
        // format of what they verify.
        let (field, second_colon) = match memchr::memchr(b':', hash) {
            Some(colon) => (&hash[..colon], true),
            None => (hash, false),
        };
        let trimmed_end = field
            .iter()
            .rposition(|&byte| !is_blank(byte))
            .map_or(0, |last| last + 1);
        let field = &field[..trimmed_end];
        let shape = hash::inspect(field);
        let format = Format::of(shape.scheme());

        if hash.last().copied().is_some_and(is_blank) {
            // After a `:comment`, the servers that end the hash at the ':'
            // never see the white space.
            let affected = self.affected(|rules| match rules.second_colon {
                Reading::EndsHash if second_colon => Reading::Ignored,
                _ => rules.trailing_white_space,
            });
            if !affected.is_empty() {
                let message = format!(
                    "user {name}: white space after the hash: {}; remove it",
                    effects(&affected, Some(&name))
                );
                self.push(
                    number,
                    Kind::TrailingWhitespace,
                    Some(user),
                    servers(&affected),
                    message,
                );
            }
        }
        if second_colon {
            // Ending the hash at the ':' harms only a password in clear
            // text, which the ':' is part of.
            let affected = self.affected(|rules| match rules.second_colon {
                Reading::EndsHash if format != Format::PlainTagged => Reading::Ignored,
                reading => reading,
            });
            if !affected.is_empty() {
                let message = format!(
                    "user {name}: a second ':' on the line: {}; remove it and what follows it, or set a new password",
                    effects(&affected, Some(&name))
                );
                self.push(
                    number,
                    Kind::ColonInHash,
                    Some(user),
                    servers(&affected),
                    message,
                );
            }
        }
        if field.is_empty() {
            self.empty_hash(number, user, &name);
            return;
        }
        match shape {
            Shape::Malformed { scheme, defect } => {
                if !self.malformed_hash(number, user, &name, shape, defect) {
                    self.format(number, user, &name, format, Some(scheme));
                }
            }
            Shape::Sound(scheme) => self.format(number, user, &name, format, Some(scheme)),
            Shape::Unsupported(_) => self.format(number, user, &name, format, None),
        }
    }

    /// A user name holding the byte a considered server's inline user list
    /// is split at. A warning: this file, read as a file, works there.
    fn list_separator(&mut self, number: u64, user: &[u8], name: &str) {
        let splitting: Vec<(&'static ServerRules, u8)> = self
            .considered
            .iter()
            .filter_map(|rules| Some((*rules, rules.list_separator?)))
            .filter(|(_, separator)| user.contains(separator))
            .collect();
        for (rules, separator) in splitting {
            let message = format!(
                "user {name}: the name holds '{}', which {} splits its inline user list at (the users option, in labels or on the command line), so this user cannot be given there; from a file (usersFile, a Kubernetes Secret) it works; rename the user if the users are given inline",
                char::from(separator),
                rules.name
            );
            self.push(
                number,
                Kind::SeparatorInUser,
                Some(user),
                vec![rules.server],
                message,
            );
        }
    }

    /// A user name a server named with `--for` cannot take (OpenShift and
    /// `/`): an error, from the server's [`ServerRules::refused_names`].
    fn refused_name(&mut self, number: u64, user: &[u8], name: &str) {
        if !self.for_servers {
            return;
        }
        let refused: Vec<(&'static ServerRules, _)> = self
            .considered
            .iter()
            .filter_map(|rules| {
                let rule = rules
                    .refused_names
                    .iter()
                    .find(|rule| rule.matches.matches(user))?;
                Some((*rules, *rule))
            })
            .collect();
        for (rules, rule) in refused {
            // The rule's reason names the server.
            let message = format!(
                "user {name}: the user name {}: {}; {}",
                rule.problem, rule.why, rule.in_file
            );
            self.push(
                number,
                Kind::RefusedName,
                Some(user),
                vec![rules.server],
                message,
            );
        }
    }

    fn empty_hash(&mut self, number: u64, user: &[u8], name: &str) {
        let refusing: Vec<_> = self
            .affected(|rules| rules.unusable_entry)
            .into_iter()
            .filter(|(_, reading)| *reading == Reading::RefusesFile)
            .collect();
        let mut message = format!("user {name} has an empty hash, so no password matches");
        if !refusing.is_empty() {
            message.push_str(&format!("; {}", effects(&refusing, None)));
        }
        message.push_str(&format!("; set a password for {name}"));
        self.push(
            number,
            Kind::EmptyHash,
            Some(user),
            servers(&refusing),
            message,
        );
    }

    /// One finding per user listed more than once, at the user's last line,
    /// in the order of those lines; each is reported as it is made.
    pub(super) fn duplicates(
        &mut self,
        duplicated: Vec<(Vec<u8>, Seen)>,
        report: &mut impl FnMut(&Finding) -> Result<(), Error>,
    ) -> Result<(), Error> {
        for (user, seen) in duplicated {
            let name = escape_for_terminal(&user);
            let lines = if seen.count == 2 {
                format!("lines {} and {}", seen.first, seen.last)
            } else {
                format!("first on line {}, last on line {}", seen.first, seen.last)
            };
            let first = format!("uses line {} (the first)", seen.first);
            let last = format!("uses line {} (the last)", seen.last);
            let first_plural = format!("use line {} (the first)", seen.first);
            let last_plural = format!("use line {} (the last)", seen.last);
            let mut parts = Vec::new();
            for (choice, phrase) in [
                (Duplicates::First, (first.as_str(), first_plural.as_str())),
                (Duplicates::Last, (last.as_str(), last_plural.as_str())),
                (Duplicates::RefusesFile, Reading::RefusesFile.phrase()),
            ] {
                let names: Vec<&str> = self
                    .considered
                    .iter()
                    .filter(|rules| rules.duplicates == choice)
                    .map(|rules| rules.name)
                    .collect();
                if names.is_empty() {
                    continue;
                }
                let consequence = if choice == Duplicates::RefusesFile {
                    ", so nobody can log in"
                } else {
                    ""
                };
                parts.push(format!("{}{consequence}", said(&names, phrase)));
            }
            let message = format!(
                "user {name} has {} entries ({lines}): {}; keep one entry for {name}",
                seen.count,
                parts.join("; ")
            );
            let servers = self.considered.iter().map(|rules| rules.server).collect();
            self.push(
                seen.last,
                Kind::DuplicateUser,
                Some(&user),
                servers,
                message,
            );
            self.flush(report)?;
        }
        Ok(())
    }
}

/// What the servers that cannot use an entry do: "the Docker registry
/// accepts only bcrypt, so user bob cannot log in; Envoy accepts only
/// {SHA} (SHA-1) and refuses the whole file, so nobody can log in".
pub(super) fn refusals(
    refusing: &[&'static ServerRules],
    name: &str,
    reason: impl Fn(&ServerRules) -> String,
) -> String {
    let (file, entry): (Vec<&ServerRules>, Vec<&ServerRules>) = refusing
        .iter()
        .copied()
        .partition(|rules| rules.unusable_entry == Reading::RefusesFile);
    let mut parts = Vec::new();
    if !entry.is_empty() {
        let reasons: Vec<String> = entry.iter().map(|rules| reason(rules)).collect();
        parts.push(format!(
            "{}, so user {name} cannot log in",
            reasons.join("; ")
        ));
    }
    for rules in file {
        parts.push(format!(
            "{} and {}, so nobody can log in",
            reason(rules),
            Reading::RefusesFile.phrase().0
        ));
    }
    parts.join("; ")
}

fn servers(affected: &[(&'static ServerRules, Reading)]) -> Vec<Server> {
    affected.iter().map(|(rules, _)| rules.server).collect()
}

pub(super) fn server_list(rules: &[&'static ServerRules]) -> Vec<Server> {
    rules.iter().map(|rules| rules.server).collect()
}

/// What the servers do, grouped by what they do, with its consequence:
/// "nginx keeps it as part of the hash, so user bob cannot log in; Envoy
/// refuses the whole file, so nobody can log in".
fn effects(affected: &[(&'static ServerRules, Reading)], user: Option<&str>) -> String {
    let mut groups: Vec<(Reading, Vec<&str>)> = Vec::new();
    for (rules, reading) in affected {
        match groups.iter_mut().find(|(seen, _)| seen == reading) {
            Some((_, names)) => names.push(rules.name),
            None => groups.push((*reading, vec![rules.name])),
        }
    }
    groups
        .iter()
        .map(|(reading, names)| {
            let consequence = match (reading, user) {
                (Reading::Ignored, _) => String::new(),
                (Reading::RefusesFile, _) => ", so nobody can log in".to_owned(),
                (_, Some(user)) => format!(", so user {user} cannot log in"),
                (_, None) => ", so that user cannot log in".to_owned(),
            };
            format!("{}{consequence}", said(names, reading.phrase()))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn verb<'a>(count: usize, (one, many): (&'a str, &'a str)) -> &'a str {
    if count == 1 { one } else { many }
}

/// The servers named, then the verb phrase agreeing with them: "nginx keeps
/// it", "nginx and Envoy keep it", "every server keeps it" (all those a
/// plain `check` considers).
pub(super) fn said(names: &[&str], phrase: (&str, &str)) -> String {
    if names.len() == default_servers().count() {
        format!("every server {}", phrase.0)
    } else {
        format!("{} {}", join(names), verb(names.len(), phrase))
    }
}

/// "a", "a and b", "a, b and c".
pub(super) fn join(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests::{
        APR1, BCRYPT, BCRYPT_5, SHA, for_servers, generic, kinds, only, run,
    };

    #[test]
    fn a_clean_bcrypt_file_has_no_findings() {
        let input = format!("# users\n\nalice:{BCRYPT}\nbob:{BCRYPT}\n");
        let (findings, summary) = run(input.as_bytes(), &CheckOptions::default());
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(summary.entries, 2);
        assert!(!summary.fails(true));
    }

    #[test]
    fn generic_rules() {
        let input = format!(
            "alice:{BCRYPT}\nhunter2secret\n:{BCRYPT}\nbob:\ncarol:hunter2\ndave:{APR1}\nerin:{BCRYPT_5}\nalice:{BCRYPT}\n"
        );
        let findings = generic(input.as_bytes());
        assert_eq!(
            kinds(&findings),
            vec![
                (2, Kind::MalformedLine),
                (3, Kind::EmptyUser),
                (4, Kind::EmptyHash),
                (5, Kind::UnknownFormat),
                (6, Kind::WeakAlgorithm),
                (7, Kind::LowCost),
                (8, Kind::DuplicateUser),
            ]
        );
        assert!(
            findings[0]
                .message
                .contains("the Docker registry, Traefik and Envoy refuse the whole file"),
            "{}",
            findings[0].message
        );
        assert!(
            findings[4]
                .message
                .contains("the Docker registry and Envoy do not accept it")
        );
        let duplicate = &findings[6].message;
        assert!(duplicate.contains("lines 1 and 8"), "{duplicate}");
        assert!(
            duplicate.contains("nginx and Apache httpd use line 1 (the first)"),
            "{duplicate}"
        );
        assert!(
            duplicate.contains("the Docker registry and Traefik use line 8 (the last)"),
            "{duplicate}"
        );
        assert!(
            duplicate.contains("Envoy refuses the whole file"),
            "{duplicate}"
        );
        assert_eq!(findings[6].user.as_deref(), Some(&b"alice"[..]));
    }

    #[test]
    fn crlf_is_reported_once_and_only_for_servers_that_keep_the_cr() {
        let input = format!("# c\r\nalice:{SHA}\r\nbob:{SHA}\r\n");
        let crlf = |findings: Vec<Finding>| -> Vec<(u64, Kind)> {
            kinds(&findings)
                .into_iter()
                .filter(|(_, kind)| *kind == Kind::Crlf)
                .collect()
        };
        assert_eq!(crlf(generic(input.as_bytes())), vec![(2, Kind::Crlf)]);
        assert_eq!(
            crlf(for_servers(input.as_bytes(), &[Server::Envoy])),
            vec![(2, Kind::Crlf)]
        );
        for server in [
            Server::Nginx,
            Server::Apache,
            Server::Registry,
            Server::Traefik,
        ] {
            assert!(
                crlf(for_servers(input.as_bytes(), &[server])).is_empty(),
                "{server:?}"
            );
        }
    }

    #[test]
    fn trailing_white_space_breaks_nginx_but_not_after_a_comment_field() {
        let input = format!("alice:{BCRYPT} \nbob:{BCRYPT}:comment \n");
        let findings = for_servers(input.as_bytes(), &[Server::Nginx]);
        assert_eq!(kinds(&findings), vec![(1, Kind::TrailingWhitespace)]);
        assert!(
            findings[0]
                .message
                .contains("nginx keeps it as part of the hash, so user alice cannot log in")
        );
        assert!(for_servers(input.as_bytes(), &[Server::Apache]).is_empty());
    }

    #[test]
    fn a_second_colon_breaks_traefik_and_a_plain_password_on_nginx() {
        let input = format!("alice:{BCRYPT}:comment\nbob:{{PLAIN}}a:b\n");
        assert_eq!(
            kinds(&for_servers(input.as_bytes(), &[Server::Traefik])),
            vec![
                (1, Kind::ColonInHash),
                (2, Kind::ColonInHash),
                (2, Kind::UnsupportedByServer)
            ]
        );
        let nginx = for_servers(input.as_bytes(), &[Server::Nginx]);
        assert_eq!(
            kinds(&nginx),
            vec![(2, Kind::ColonInHash), (2, Kind::WeakAlgorithm)]
        );
        assert!(nginx[0].message.contains("nginx ends the hash there"));
    }

    #[test]
    fn a_byte_order_mark_names_the_first_user() {
        let input = format!("\u{feff}alice:{BCRYPT}\n");
        let findings = generic(input.as_bytes());
        assert_eq!(kinds(&findings), vec![(1, Kind::ByteOrderMark)]);
        assert_eq!(findings[0].user.as_deref(), Some(&b"alice"[..]));
        assert!(findings[0].message.contains("so user alice cannot log in"));
        // Before a comment it only harms the servers that refuse such a line.
        let comment = generic("\u{feff}# users\n".as_bytes());
        assert_eq!(
            comment[0].servers,
            vec![Server::Registry, Server::Traefik, Server::Envoy]
        );
        assert!(for_servers("\u{feff}# users\n".as_bytes(), &[Server::Nginx]).is_empty());
    }

    #[test]
    fn leading_white_space_breaks_nginx_only() {
        let input = format!("  alice:{BCRYPT}\n");
        let findings = for_servers(input.as_bytes(), &[Server::Nginx, Server::Apache]);
        assert_eq!(kinds(&findings), vec![(1, Kind::LeadingWhitespace)]);
        assert_eq!(findings[0].servers, vec![Server::Nginx]);
    }

    #[test]
    fn no_message_holds_hash_or_line_text() {
        let input =
            "alice:{PLAIN}hunter2\nhunter2secret\nbob:hunter2pass \ncarol:{PLAIN}x:hunter2y\n";
        let (findings, _) = run(input.as_bytes(), &CheckOptions::default());
        assert!(!findings.is_empty());
        for finding in findings {
            assert!(!finding.message.contains("hunter2"), "{}", finding.message);
        }
    }

    /// Traefik's `users` option (labels, command line) is split at ','.
    #[test]
    fn a_comma_in_a_user_name_warns_for_traefik_only() {
        let input = format!("team,ops:{BCRYPT}\n");
        let findings = for_servers(input.as_bytes(), &[Server::Traefik]);
        let finding = only(&findings, Kind::SeparatorInUser);
        assert_eq!(finding.severity, Severity::Warning);
        assert_eq!(finding.servers, vec![Server::Traefik]);
        assert!(
            finding.message.starts_with("user team,ops: "),
            "{}",
            finding.message
        );
        assert!(finding.message.contains("usersFile"), "{}", finding.message);
        assert!(for_servers(input.as_bytes(), &[Server::Nginx, Server::Registry]).is_empty());
        assert_eq!(
            kinds(&generic(input.as_bytes())),
            vec![(1, Kind::SeparatorInUser)]
        );
    }
}
