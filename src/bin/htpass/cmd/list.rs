//! `htpass list FILE`: one user a line, escaped for the terminal (a hostile
//! file must not move the cursor or reverse text, and white space at either
//! end must be seen) in the form `delete` takes back inside bash's `$'...'`
//! (see `username::escape_for_terminal`); `--long` adds algorithm and cost
//! (bcrypt's cost, SHA-crypt's rounds, yescrypt's `N=2^12 r=32`),
//! tab-separated; `--format json` is exact (see `frontend::json`), with
//! yescrypt's parameters as numbers in `yescrypt`.
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
use htpass::username::push_escaped;

use crate::config::{List, ListStyle};

pub fn run(config: List) -> Result<(), Failure> {
    let List { path, style } = config;
    let mut out = Stdout::new();
    let mut failed: Option<Failure> = None;
    let mut first = true;
    let mut text = Vec::with_capacity(512);
    let mut shown = String::with_capacity(256);
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
                render(style, first, user, stored, &mut shown, &mut text);
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

/// Appends `user`'s line to `text`; `shown` is a reused buffer for the
/// escaped name.
fn render(
    style: ListStyle,
    first: bool,
    user: &[u8],
    stored: &[u8],
    shown: &mut String,
    text: &mut Vec<u8>,
) {
    match style {
        ListStyle::Names => push_name(user, shown, text),
        ListStyle::Long => {
            push_name(user, shown, text);
            let scheme = hash::detect(stored);
            let cost = scheme.cost_text().unwrap_or_else(|| "-".to_owned());
            let columns = format!("\t{}\t{cost}", scheme.name());
            text.extend_from_slice(columns.as_bytes());
        }
        ListStyle::Json => {
            if !first {
                text.push(b',');
            }
            let scheme = hash::detect(stored);
            let mut object = json::Object::begin(text);
            object
                .bytes("user", user)
                .text("algorithm", scheme.name())
                .number("cost", scheme.cost());
            if let hash::Scheme::Yescrypt { cost: Some(cost) } = scheme {
                object.number_fields(
                    "yescrypt",
                    &[
                        ("N", cost.n()),
                        ("r", cost.r.into()),
                        ("p", cost.p.into()),
                        ("t", cost.t.into()),
                    ],
                );
            }
            object.end();
            return;
        }
    }
    text.push(b'\n');
}

/// Appends `user` escaped for a person, through the reused buffer `shown`.
fn push_name(user: &[u8], shown: &mut String, text: &mut Vec<u8>) {
    shown.clear();
    push_escaped(user, shown);
    text.extend_from_slice(shown.as_bytes());
}
