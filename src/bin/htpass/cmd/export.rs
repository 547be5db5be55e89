//! `htpass export FILE`: a whole existing file rendered for where it goes.
//!
//! - `k8s-secret`: the file's bytes exactly, comments included, in a `v1`
//!   Secret (at most 1 MiB, Kubernetes' limit, so reading it whole is fine);
//! - `compose`: the entries as `user:hash` joined by commas, escaped for a
//!   YAML double-quoted string with every `$` doubled, the value Traefik's
//!   `basicauth.users` label takes; an entry it cannot carry (a `,`) is
//!   refused with its line number (exit 7), never split or dropped;
//! - `json`: an array of objects, exact (see `frontend::json`).
//!
//! A malformed line cannot be rendered as an entry: compose and json refuse
//! the file (exit 7) and name the line, rather than drop a user silently.

use std::io::Read;
use std::ops::ControlFlow;

use htpass::Error;
use htpass::file::{self, MalformedLines};
use htpass::frontend::Failure;
use htpass::frontend::json;
use htpass::frontend::report::Stdout;
use htpass::hash;
use htpass::render::{self, ComposeUsers, SECRET_MAX_BYTES};
use htpass::store;

use crate::config::{Export, ExportStyle};

pub fn run(config: Export) -> Result<(), Failure> {
    let Export { path, style } = config;
    let mut text = Vec::with_capacity(4096);
    match &style {
        ExportStyle::K8sSecret(spec) => {
            let content = store::read(&path, |reader| {
                let mut content = Vec::new();
                // One byte past the limit is enough to refuse it.
                reader
                    .take(SECRET_MAX_BYTES as u64 + 1)
                    .read_to_end(&mut content)
                    .map_err(|source| Error::FileAccess {
                        path: path.clone(),
                        action: "read",
                        source,
                    })?;
                Ok(content)
            })?;
            render::k8s_secret(spec, &content, &mut text)?;
        }
        ExportStyle::Compose => {
            let mut users = ComposeUsers::new();
            store::read(&path, |reader| {
                file::for_each_entry(
                    reader,
                    &path,
                    MalformedLines::Reject,
                    |line, user, stored| {
                        users
                            .push(user, stored)
                            .map_err(|unfit| Error::EntryUnfit {
                                path: path.clone(),
                                line,
                                unfit,
                            })?;
                        Ok(ControlFlow::Continue(()))
                    },
                )
            })?;
            text = users.finish();
        }
        ExportStyle::Json => {
            text.push(b'[');
            let mut first = true;
            store::read(&path, |reader| {
                file::for_each_entry(
                    reader,
                    &path,
                    MalformedLines::Reject,
                    |line, user, stored| {
                        if !first {
                            text.push(b',');
                        }
                        first = false;
                        let scheme = hash::detect(stored);
                        json::Object::begin(&mut text)
                            .number("line_number", u32::try_from(line).ok())
                            .bytes("user", user)
                            .bytes("hash", stored)
                            .text("algorithm", scheme.name())
                            .number("cost", scheme.cost())
                            .end();
                        Ok(ControlFlow::Continue(()))
                    },
                )
            })?;
            text.extend_from_slice(b"]\n");
        }
    }
    let mut out = Stdout::new();
    out.write(&text)?;
    out.flush()
}
