//! `htpass group add|remove|delete|list`: Apache group files. The library
//! ([`htpass::group`]) reads them as Apache does and changes them through
//! the store; this says on stderr what was done (`added alice to group
//! pusher`, `unchanged: ...`) and prints `list` on stdout: names escaped
//! for the terminal, one a line, or JSON (exact).

use std::path::Path;

use htpass::frontend::Failure;
use htpass::frontend::json;
use htpass::frontend::report::{self, Stdout};
use htpass::group::{self, GroupName};
use htpass::username::escape_for_terminal;
use htpass::{Error, Username};

use crate::config::Group;

pub fn run(config: Group) -> Result<(), Failure> {
    match config {
        Group::Add { path, group, users } => add(&path, &group, &users),
        Group::Remove { path, group, users } => remove(&path, &group, &users),
        Group::Delete { path, group } => delete(&path, &group),
        Group::List { path, group, json } => list(&path, group.as_ref(), json),
    }
}

fn add(path: &Path, group: &GroupName, users: &[Username]) -> Result<(), Failure> {
    let updated = group::add(path, group, users)?;
    if updated.created {
        report::note(format_args!("created {}", path.display()));
    }
    for (user, added) in users.iter().zip(&updated.value.added) {
        if *added {
            report::note(format_args!("added {user} to group {group}"));
        } else {
            report::note(format_args!(
                "unchanged: {user} is already in group {group}"
            ));
        }
    }
    Ok(())
}

fn remove(path: &Path, group: &GroupName, users: &[Username]) -> Result<(), Failure> {
    let removed = group::remove(path, group, users)?.value;
    if !removed.group_found {
        report::note(format_args!(
            "unchanged: no group {group} in {}, so none of the users is in it",
            path.display()
        ));
        return Ok(());
    }
    for (user, taken_off) in users.iter().zip(&removed.removed) {
        if *taken_off {
            report::note(format_args!("removed {user} from group {group}"));
        } else {
            report::note(format_args!("unchanged: {user} is not in group {group}"));
        }
    }
    Ok(())
}

fn delete(path: &Path, group: &GroupName) -> Result<(), Failure> {
    match group::delete(path, group)?.value {
        0 => report::note(format_args!(
            "unchanged: no group {group} in {}",
            path.display()
        )),
        1 => report::note(format_args!("deleted group {group}")),
        lines => report::note(format_args!("deleted group {group} ({lines} lines)")),
    }
    Ok(())
}

fn list(path: &Path, wanted: Option<&GroupName>, json: bool) -> Result<(), Failure> {
    let mut groups = group::read(path)?;
    if let Some(wanted) = wanted {
        groups.retain(|group| wanted.matches(&group.name));
        if groups.is_empty() {
            return Err(Error::GroupNotFound {
                path: path.to_path_buf(),
                group: wanted.escaped(),
            }
            .into());
        }
    }
    let mut text = Vec::new();
    if json {
        text.push(b'[');
        for (i, group) in groups.iter().enumerate() {
            if i > 0 {
                text.push(b',');
            }
            render_json(group, &mut text);
        }
        text.extend_from_slice(b"]\n");
    } else {
        let names: Box<dyn Iterator<Item = &Vec<u8>>> = match wanted {
            // `group::read` takes a group's lines together: one group.
            Some(_) => Box::new(groups.iter().flat_map(|group| &group.members)),
            None => Box::new(groups.iter().map(|group| &group.name)),
        };
        for name in names {
            text.extend_from_slice(escape_for_terminal(name).as_bytes());
            text.push(b'\n');
        }
    }
    let mut out = Stdout::new();
    out.write(&text)?;
    out.flush()
}

/// `{"group":NAME,"lines":[N...],"members":[NAME...]}`, with the exact
/// bytes in `group_base64` or `members_base64` where a name is not UTF-8
/// (see [`json`]).
fn render_json(group: &group::Group, text: &mut Vec<u8>) {
    json::Object::begin(text)
        .bytes("group", &group.name)
        .numbers("lines", &group.lines)
        .bytes_array("members", &group.members)
        .end();
}
