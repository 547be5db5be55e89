//! `htpass check FILE`: lint a file for the servers that will read it.
//!
//! The library walks the file and says what it finds
//! ([`htpass::check`]; a regular file is read again to find
//! duplicated users in flat memory, a FIFO once); this prints each finding
//! as it comes, as `FILE:LINE: SEVERITY: reason` (user names escaped for
//! the terminal) or inside one JSON object (exact), and turns the counts
//! into the exit code.
//! A finding never holds a hash or a line's text, so nothing printed here
//! can show a password.
//!
//! The JSON object is streamed like the lines: `file`, then `findings`, then
//! the counts, which are known only at the end.
//!
//! With `--groups GROUPFILE` the group file is read first (a missing or
//! broken one fails before anything is printed), FILE is checked as
//! always, then read once more to find each member's entry
//! ([`htpass::group::Audit`]), and the group file's findings follow FILE's:
//! as `GROUPFILE:LINE: error: reason` lines, or as `groups` (`file`,
//! `findings`) in the JSON object, before the counts, which include them.

use std::os::unix::ffi::OsStrExt;

use std::path::Path;

use htpass::check::{self, Finding, Summary};
use htpass::frontend::Failure;
use htpass::frontend::json;
use htpass::frontend::report::{self, Stdout};
use htpass::group::{self, AuditFinding};
use htpass::store;
use htpass::username::escape_for_terminal;

use crate::config::{Check, ReportStyle};

pub fn run(config: Check) -> Result<(), Failure> {
    let Check {
        path,
        options,
        style,
        groups,
    } = config;
    let audit = match &groups {
        Some(groups) => {
            refuse_single_read(&path)?;
            Some(group::audit_file(groups)?)
        }
        None => None,
    };
    let path_bytes = path.as_os_str().as_bytes();
    let shown_path = escape_for_terminal(path_bytes);
    let mut out = Stdout::new();
    // A write failure other than a closed pipe, kept until the walk ends
    // (the library's callback can only fail with a library error).
    let mut failed: Option<Failure> = None;
    let mut text = Vec::with_capacity(512);
    let mut first = true;

    let mut summary = store::read_file(&path, |reader| {
        if style == ReportStyle::Json {
            // Written once the file is open, so a missing file leaves no
            // half object on stdout.
            text.clear();
            json::Object::begin(&mut text).bytes("file", path_bytes);
            text.extend_from_slice(b",\"findings\":[");
            write(&mut out, &mut failed, &text);
        }
        check::check_file(reader, &path, &options, |finding| {
            text.clear();
            match style {
                ReportStyle::Lines => render_line(&shown_path, finding, &mut text),
                ReportStyle::Json => render_json(first, finding, &mut text),
            }
            first = false;
            write(&mut out, &mut failed, &text);
            Ok(())
        })
    })?;

    if style == ReportStyle::Json {
        write(&mut out, &mut failed, b"]");
    }
    if let (Some(mut audit), Some(groups)) = (audit, groups.as_deref()) {
        group::find_entries(&mut audit, &path)?;
        let findings = audit.findings(groups, &path);
        summary.errors += findings.len();
        text.clear();
        render_group_findings(style, groups, &findings, &mut text);
        write(&mut out, &mut failed, &text);
    }
    if style == ReportStyle::Json {
        text.clear();
        render_totals(&summary, options.strict, &mut text);
        write(&mut out, &mut failed, &text);
    }
    if let Some(failure) = failed {
        return Err(failure);
    }
    out.flush()?;

    if summary.fails(options.strict) {
        return Err(Failure::CheckFailed {
            errors: summary.errors,
            warnings: summary.warnings,
        });
    }
    if style == ReportStyle::Lines {
        report::note(match summary.warnings {
            0 => "no problems found".to_owned(),
            1 => "1 warning; pass --strict to fail on warnings".to_owned(),
            n => format!("{n} warnings; pass --strict to fail on warnings"),
        });
    }
    Ok(())
}

/// Writes unless an earlier write failed; a closed stdout is not a failure
/// (the walk goes on, for the exit code).
fn write(out: &mut Stdout, failed: &mut Option<Failure>, bytes: &[u8]) {
    if failed.is_none()
        && let Err(failure) = out.write(bytes)
    {
        *failed = Some(failure);
    }
}

fn render_line(shown_path: &str, finding: &Finding, text: &mut Vec<u8>) {
    let line = format!(
        "{shown_path}:{}: {}: {}\n",
        finding.line,
        finding.severity.name(),
        finding.message
    );
    text.extend_from_slice(line.as_bytes());
}

/// One element of `findings`. `line` and `servers` are written by hand:
/// [`json::Object`] has no 64-bit number nor array of strings, and both
/// are plain ASCII here.
fn render_json(first: bool, finding: &Finding, text: &mut Vec<u8>) {
    if !first {
        text.push(b',');
    }
    text.extend_from_slice(format!("{{\"line\":{},", finding.line).as_bytes());
    // The object's own `{` is dropped: its fields continue the one opened above.
    let start = text.len();
    json::Object::begin(text)
        .text("severity", finding.severity.name())
        .text("code", finding.kind.code())
        .optional_bytes("user", finding.user.as_deref())
        .text("message", &finding.message);
    text.remove(start);
    text.extend_from_slice(b",\"servers\":[");
    for (i, server) in finding.servers.iter().enumerate() {
        if i > 0 {
            text.push(b',');
        }
        text.extend_from_slice(format!("\"{}\"", server.name()).as_bytes());
    }
    text.extend_from_slice(b"]}");
}

fn render_totals(summary: &Summary, strict: bool, text: &mut Vec<u8>) {
    let totals = format!(
        ",\"errors\":{},\"warnings\":{},\"failed\":{}}}\n",
        summary.errors,
        summary.warnings,
        summary.fails(strict)
    );
    text.extend_from_slice(totals.as_bytes());
}

/// `--groups` reads FILE a second time, after the check: a pipe cannot
/// give it twice. Refused before anything is read (exit 2).
fn refuse_single_read(path: &Path) -> Result<(), Failure> {
    match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => Err(Failure::Usage(format!(
            "--groups reads FILE twice (the check, then each member's entry), which {} \
             cannot give (a pipe); save it to a file and check that",
            path.display()
        ))),
        // A missing FILE is said by the check itself.
        _ => Ok(()),
    }
}

/// The group file's findings: `GROUPFILE:LINE: error: reason` lines, or
/// `,"groups":{"file":...,"findings":[...]}` to go inside the JSON object.
fn render_group_findings(
    style: ReportStyle,
    groups: &Path,
    findings: &[AuditFinding],
    text: &mut Vec<u8>,
) {
    let groups_bytes = groups.as_os_str().as_bytes();
    match style {
        ReportStyle::Lines => {
            let shown = escape_for_terminal(groups_bytes);
            for finding in findings {
                let line = format!(
                    "{shown}:{}: {}: {}\n",
                    finding.line,
                    finding.kind.severity().name(),
                    finding.message
                );
                text.extend_from_slice(line.as_bytes());
            }
        }
        ReportStyle::Json => {
            let mut list = vec![b'['];
            for (i, finding) in findings.iter().enumerate() {
                if i > 0 {
                    list.push(b',');
                }
                json::Object::begin(&mut list)
                    .integer("line", finding.line)
                    .text("severity", finding.kind.severity().name())
                    .text("code", finding.kind.code())
                    .optional_bytes("group", finding.group.as_deref())
                    .optional_bytes("user", finding.user.as_deref())
                    .text("message", &finding.message)
                    .end();
            }
            list.push(b']');
            text.extend_from_slice(b",\"groups\":");
            json::Object::begin(text)
                .bytes("file", groups_bytes)
                .rendered("findings", &list)
                .end();
        }
    }
}
