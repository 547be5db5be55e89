//! `htpass check FILE --groups GROUPFILE`: what in a group file does not
//! work as it looks, and which members have no entry in the htpasswd file.
//!
//! Every finding is an error (exit 7):
//!
//! - a member without an entry lets nobody in today, but it is a right
//!   waiting for whoever is added under that name next (the user deleted
//!   from FILE who lingers in the group, issue 14), or a typo that keeps the
//!   intended user out. Either way the file does not do what it says, and
//!   one command fixes it (`htpass group remove`), so a CI check should
//!   fail on it. (A group file that also names users of another
//!   `AuthBasicProvider`, LDAP say, is not one to check against FILE.)
//! - a line Apache reads otherwise than it looks (no `:`, a NUL byte, over
//!   16 MiB, a comment whose trailing `\` swallows the next line) loses
//!   members or whole groups without a word from Apache.
//!
//! Memory: the group file's groups and members (small: Apache reads the
//! whole file at every request), never FILE's users; FILE is streamed and
//! each of its entries is looked up among the members.
//!
//! What it must never do: report a member Apache does not read (after a
//! NUL, past a line too long), or print a hash: it sees FILE's user names
//! only.

use std::collections::HashMap;
use std::io::BufRead;
use std::ops::ControlFlow;
use std::path::Path;

use super::read::{self, Kind, Line, Problem, parse};
use crate::check::Severity;
use crate::error::Error;
use crate::file::is_space;
use crate::username::{escape_for_terminal, shell_word};

/// What a finding of [`Audit`] is about; [`AuditKind::code`] is its stable
/// name for tools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditKind {
    MemberWithoutEntry,
    NotAGroupLine,
    NulByte,
    LineTooLong,
    SwallowedLine,
}

impl AuditKind {
    /// The kebab-case name (`check --format json`'s `code`).
    pub fn code(self) -> &'static str {
        match self {
            AuditKind::MemberWithoutEntry => "member-without-entry",
            AuditKind::NotAGroupLine => "not-a-group-line",
            AuditKind::NulByte => "nul-byte",
            AuditKind::LineTooLong => "line-too-long",
            AuditKind::SwallowedLine => "swallowed-line",
        }
    }

    /// Every kind is an error: see the module documentation.
    pub fn severity(self) -> Severity {
        Severity::Error
    }
}

/// One thing found on one line of the group file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditFinding {
    /// The line of the group file, from 1.
    pub line: u64,
    pub kind: AuditKind,
    /// The group of the line, exact, where there is one.
    pub group: Option<Vec<u8>>,
    /// The member, exact ([`AuditKind::MemberWithoutEntry`]).
    pub user: Option<Vec<u8>>,
    /// One line: what Apache does with it and what to do.
    pub message: String,
}

/// A group file as read for `check --groups`: its findings so far and its
/// members, each waiting to be found among FILE's entries
/// ([`Audit::entry`]).
pub struct Audit {
    findings: Vec<AuditFinding>,
    /// Each group line's number, group and members (each once).
    lines: Vec<(u64, Vec<u8>, Vec<Vec<u8>>)>,
    /// Every member, and whether FILE has an entry of that name.
    found: HashMap<Vec<u8>, bool>,
}

/// Reads a group file as Apache does, keeping what [`Audit`] needs. Unlike
/// the group commands, a line Apache reads otherwise than it looks is a
/// finding, not an error: the rest of the file is read as Apache reads it.
pub fn audit(reader: &mut dyn BufRead, path: &Path) -> Result<Audit, Error> {
    let mut audit = Audit {
        findings: Vec::new(),
        lines: Vec::new(),
        found: HashMap::new(),
    };
    read::for_each_line(reader, path, |line| Ok(audit.line(line)))?;
    Ok(audit)
}

impl Audit {
    fn line(&mut self, line: &Line) -> ControlFlow<()> {
        let finding = |kind, message: String| AuditFinding {
            line: line.number,
            kind,
            group: None,
            user: None,
            message,
        };
        if line.problem == Some(Problem::TooLong) {
            self.findings.push(finding(
                AuditKind::LineTooLong,
                "the line is longer than the 16777215 bytes Apache reads: Apache ignores it and \
                 every line after it (not checked either); split the group over several lines"
                    .to_owned(),
            ));
            // Apache reads nothing more, and neither does this.
            return ControlFlow::Break(());
        }
        if line.problem == Some(Problem::Nul) {
            self.findings.push(finding(
                AuditKind::NulByte,
                "the line holds a NUL byte: Apache ignores the rest of the line, members \
                 included; remove it"
                    .to_owned(),
            ));
        }
        match parse(&line.content) {
            Kind::Blank => {}
            Kind::Comment => {
                let swallowed = &line.content[line.first_len..];
                if swallowed.iter().any(|&byte| !is_space(byte)) {
                    let lines = if line.last == line.number + 1 {
                        format!("line {} to it and ignores it", line.last)
                    } else {
                        format!(
                            "lines {} to {} to it and ignores them",
                            line.number + 1,
                            line.last
                        )
                    };
                    self.findings.push(finding(
                        AuditKind::SwallowedLine,
                        format!(
                            "the comment ends in '\\', so Apache joins {lines} too; remove \
                             that '\\'"
                        ),
                    ));
                }
            }
            Kind::NoColon => self.findings.push(finding(
                AuditKind::NotAGroupLine,
                "the line is neither a group (GROUP: USER...), a comment nor blank: Apache \
                 reads it as a group nobody is in; fix or remove it"
                    .to_owned(),
            )),
            Kind::Group(group) => {
                let mut members: Vec<Vec<u8>> = Vec::with_capacity(group.members.len());
                for member in group.members {
                    let name = member.name.into_owned();
                    if !members.contains(&name) {
                        self.found.entry(name.clone()).or_insert(false);
                        members.push(name);
                    }
                }
                self.lines.push((line.number, group.name.to_vec(), members));
            }
        }
        ControlFlow::Continue(())
    }

    /// FILE has an entry of `user`.
    pub fn entry(&mut self, user: &[u8]) {
        if let Some(found) = self.found.get_mut(user) {
            *found = true;
        }
    }

    /// Every finding, in line order: the lines' own, and each member
    /// without an entry in `users` (the htpasswd file), by line and in the
    /// order the line lists them. `groups` is the group file's path, for the
    /// command the message gives.
    pub fn findings(self, groups: &Path, users: &Path) -> Vec<AuditFinding> {
        let Audit {
            mut findings,
            lines,
            found,
        } = self;
        let users_shown = escape_for_terminal(users.as_os_str().as_encoded_bytes());
        let groups_word = shell_word(groups.as_os_str().as_encoded_bytes());
        for (number, group, members) in lines {
            for member in members {
                if found.get(&member) == Some(&true) {
                    continue;
                }
                let user = escape_for_terminal(&member);
                let message = format!(
                    "user {user} of group {} has no entry in {users_shown}: nobody logs in as \
                     {user} now, but whoever is added under that name later gets the group's \
                     rights (or it is a typo); remove it with `htpass group remove {groups_word} \
                     {} {}`",
                    escape_for_terminal(&group),
                    shell_word(&group),
                    shell_word(&member),
                );
                findings.push(AuditFinding {
                    line: number,
                    kind: AuditKind::MemberWithoutEntry,
                    group: Some(group.clone()),
                    user: Some(member),
                    message,
                });
            }
        }
        // Stable: a line's own finding stays before its members'.
        findings.sort_by_key(|finding| finding.line);
        findings
    }
}
