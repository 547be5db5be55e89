//! `htpass completions SHELL` and the hidden `htpass manpages DIR`: text
//! made from the clap definition, so it never drifts from the options. The
//! committed copies (`completions/`, `man/htpass*.1`) are checked against
//! these by a test (`HTPASS_BLESS=1` rewrites them).

use std::fs;
use std::io;
use std::path::Path;

use clap::CommandFactory;
use htpass::Error;
use htpass::frontend::Failure;
use htpass::frontend::report::Stdout;

use crate::cli::{Cli, EXIT_CODES};

/// The date on every page: fixed, so the committed pages do not change
/// with the day they are made on. Move it when the pages change.
const MAN_DATE: &str = "2026-12-04";

pub fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut offered(Cli::command()), "htpass", &mut script);
    let mut out = Stdout::new();
    out.write(&script)?;
    out.flush()
}

/// `command` as completion scripts offer it: without its hidden commands
/// (`manpages`), which clap_complete would list like any other. clap cannot
/// remove a subcommand, so the top level is made again around the others,
/// with the settings that shape a completion script.
fn offered(command: clap::Command) -> clap::Command {
    // The name and version clap's derive gives `Cli` (`name = "htpass"`,
    // `version` from Cargo): `Command` takes only 'static strings here.
    let mut offered = clap::Command::new("htpass")
        .version(env!("CARGO_PKG_VERSION"))
        .propagate_version(command.is_propagate_version_set())
        .subcommands(
            command
                .get_subcommands()
                .filter(|sub| !sub.is_hide_set())
                .cloned(),
        );
    if let Some(about) = command.get_about() {
        offered = offered.about(about.clone());
    }
    offered
}

/// Writes `htpass.1` and one `htpass-COMMAND.1` per command into `dir`, as
/// git and cargo do: one page per command keeps each page's options apart.
pub fn manpages(dir: &Path) -> Result<(), Failure> {
    let mut command = without_help_commands(Cli::command());
    command.build();
    let mut top = Vec::new();
    let man = page(command.clone());
    let rendered: io::Result<()> = (|| {
        man.render_title(&mut top)?;
        man.render_name_section(&mut top)?;
        man.render_synopsis_section(&mut top)?;
        man.render_description_section(&mut top)?;
        man.render_options_section(&mut top)?;
        man.render_subcommands_section(&mut top)?;
        exit_status_section(&mut top);
        man.render_version_section(&mut top)
    })();
    rendered.map_err(Failure::Stdout)?;
    write_page(dir, &man.get_filename(), &top)?;
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        command_pages(dir, sub)?;
    }
    Ok(())
}

/// `command`'s page, and one per command of its own (`htpass group add`
/// is `htpass-group-add.1`), as git does.
fn command_pages(dir: &Path, command: &clap::Command) -> Result<(), Failure> {
    let man = page(command.clone());
    let mut text = Vec::new();
    man.render(&mut text).map_err(Failure::Stdout)?;
    write_page(dir, &man.get_filename(), &text)?;
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        command_pages(dir, sub)?;
    }
    Ok(())
}

/// `command` without clap's `help` command, at every level: on a page, each
/// command's own `--help` is what to say.
fn without_help_commands(command: clap::Command) -> clap::Command {
    let names: Vec<String> = command
        .get_subcommands()
        .filter(|sub| sub.has_subcommands())
        .map(|sub| sub.get_name().to_owned())
        .collect();
    names
        .iter()
        .fold(command.disable_help_subcommand(true), |command, name| {
            command.mut_subcommand(name, without_help_commands)
        })
}

fn page(command: clap::Command) -> clap_mangen::Man {
    let title = command
        .get_display_name()
        .unwrap_or_else(|| command.get_name())
        .to_uppercase();
    clap_mangen::Man::new(command).title(title).date(MAN_DATE)
}

/// The exit codes as a tagged list (clap's after-help text would be
/// filled into one paragraph).
fn exit_status_section(out: &mut Vec<u8>) {
    out.extend_from_slice(b".SH \"EXIT STATUS\"\n");
    for line in EXIT_CODES.lines().skip(1) {
        if let Some((code, meaning)) = line.trim().split_once("  ") {
            let meaning = meaning.trim().replace('-', "\\-");
            out.extend_from_slice(format!(".TP\n.B {code}\n{meaning}\n").as_bytes());
        }
    }
}

/// Writes a page after the fixes `mandoc -T lint -W all` asks for: no
/// trailing white space, text lines of at most 80 bytes (a line break in
/// filled roff text is a space, so breaking at a space changes nothing).
fn write_page(dir: &Path, name: &str, text: &[u8]) -> Result<(), Failure> {
    let text = String::from_utf8_lossy(text);
    let mut fixed = String::with_capacity(text.len() + 256);
    for line in text.lines() {
        let line = line.trim_end();
        if line.starts_with('.') || line.starts_with('\'') {
            fixed.push_str(line);
            fixed.push('\n');
        } else {
            wrap(line, 80, &mut fixed);
        }
    }
    // clap_mangen puts a blank line between two `.br`; mandoc skips both
    // breaks around it. One `.sp` says the same.
    let fixed = fixed.replace(".br\n\n.br\n", ".sp\n");
    let path = dir.join(name);
    fs::write(&path, fixed).map_err(|source| {
        Failure::Library(Error::FileAccess {
            path,
            action: "write",
            source,
        })
    })
}

fn wrap(line: &str, width: usize, out: &mut String) {
    let mut length = 0;
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            // A new line must not start with '.' or '\'' (a roff request).
            if length + 1 + word.len() > width && !word.starts_with(['.', '\'']) && !word.is_empty()
            {
                out.push('\n');
                length = 0;
            } else {
                out.push(' ');
                length += 1;
            }
        }
        out.push_str(word);
        length += word.len();
    }
    out.push('\n');
}
