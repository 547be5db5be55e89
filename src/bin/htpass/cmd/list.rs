//! `htpass list FILE`: one user a line, escaped for the terminal (a hostile
//! file must not move the cursor or reverse text); `--long` adds algorithm
//! and cost, tab-separated; `--format json` is exact (see `frontend::json`).
//!
//! The file is streamed and so is the output: memory stays flat, and a
//! closed stdout (`| head`) stops the walk early without an error.

use std::ops::ControlFlow;

use htpass::file::{self, MalformedLines};
use htpass::frontend::Failure;
use htpass::frontend::json;
use htpass::frontend::report::Stdout;
use htpass::hash;
use htpass::store;
use htpass::username::escape_for_terminal;

use crate::config::{List, ListStyle};

pub fn run(config: List) -> Result<(), Failure> {
    let List { path, style } = config;
    let mut out = Stdout::new();
    let mut failed: Option<Failure> = None;
    let mut first = true;
    let mut text = Vec::with_capacity(512);
    if style == ListStyle::Json {
        out.write(b"[")?;
    }
    store::read(&path, |reader| {
        file::for_each_entry(
            reader,
            &path,
            MalformedLines::Keep,
            |_line, user, stored| {
                text.clear();
                render(style, first, user, stored, &mut text);
                first = false;
                if let Err(failure) = out.write(&text) {
                    failed = Some(failure);
                }
                Ok(if failed.is_some() || out.is_closed() {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                })
            },
        )
    })?;
    if let Some(failure) = failed {
        return Err(failure);
    }
    if style == ListStyle::Json {
        out.write(b"]\n")?;
    }
    out.flush()
}

fn render(style: ListStyle, first: bool, user: &[u8], stored: &[u8], text: &mut Vec<u8>) {
    match style {
        ListStyle::Names => {
            text.extend_from_slice(escape_for_terminal(user).as_bytes());
        }
        ListStyle::Long => {
            let scheme = hash::detect(stored);
            let cost = scheme
                .cost()
                .map_or_else(|| "-".to_owned(), |cost| cost.to_string());
            let line = format!("{}\t{}\t{cost}", escape_for_terminal(user), scheme.name());
            text.extend_from_slice(line.as_bytes());
        }
        ListStyle::Json => {
            if !first {
                text.push(b',');
            }
            let scheme = hash::detect(stored);
            json::Object::begin(text)
                .bytes("user", user)
                .text("algorithm", scheme.name())
                .number("cost", scheme.cost())
                .end();
            return;
        }
    }
    text.push(b'\n');
}
