//! `htpass export`: a whole file, or a `user:password` list, rendered for
//! where it goes.
//!
//! - `k8s-secret`: the file's bytes exactly, comments included, in a `v1`
//!   Secret of the shape `--for` names (at most 1 MiB, Kubernetes' limit, so
//!   reading it whole is fine);
//! - `compose`: the entries as `user:hash` joined by commas, escaped for a
//!   YAML double-quoted string with every `$` doubled, the value Traefik's
//!   `basicauth.users` label takes;
//! - `caddyfile`, `caddy-json`: Caddy's `basic_auth` block or `http_basic`
//!   accounts (bcrypt only);
//! - `json`: an array of objects, exact (see `frontend::json`).
//!
//! What the destination cannot carry (render's `Rules`: a name OpenShift
//! cannot create, an entry Envoy Gateway or Caddy cannot verify, a `,` in a
//! compose value) is refused with its line number (exit 7), never dropped,
//! and nothing is printed. A malformed line cannot be rendered as an entry:
//! compose, caddy and json refuse the file (exit 7) and name the line.
//!
//! `--from USERS` renders the users of a list instead: every line is checked
//! first (as `add --batch` does, and against the destination), then each
//! user is hashed on every core, or keeps its entry of `--reuse-from LAST`
//! where that still verifies, so the same passwords render the same bytes.

use std::collections::HashMap;
use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;

use htpass::Error;
use htpass::batch;
use htpass::file::{self, LineKind, MalformedLines};
use htpass::frontend::Failure;
use htpass::frontend::input;
use htpass::frontend::json;
use htpass::frontend::report::{self, Stdout};
use htpass::hash::{self, Algorithm, Params};
use htpass::render::{self, CaddyAccounts, ComposeUsers, EntryPart, SECRET_MAX_BYTES, Unfit};
use zeroize::Zeroizing;

use crate::config::{BatchSource, Export, ExportInput, ExportStyle, ReuseFrom};

pub fn run(config: Export) -> Result<(), Failure> {
    let Export { input, style } = config;
    let text = match input {
        ExportInput::File(path) => Zeroizing::new(from_file(&path, &style)?),
        ExportInput::List {
            source,
            params,
            reuse,
        } => from_list(&source, &params, reuse.as_ref(), &style)?,
    };
    let mut out = Stdout::new();
    out.write(&text)?;
    out.flush()
}

/// The entries rendered one by one, in the style's output.
enum Rendered<'a> {
    /// Only checked: the Secret holds the file's bytes.
    Secret,
    Compose(ComposeUsers),
    Caddy(CaddyAccounts),
    Json(&'a mut Vec<u8>),
}

/// Renders entries for `style`, refusing what its destination cannot carry.
struct Renderer<'a> {
    style: &'a ExportStyle,
    rendered: Rendered<'a>,
}

impl<'a> Renderer<'a> {
    /// `json` receives the JSON array as it grows.
    fn new(style: &'a ExportStyle, json: &'a mut Vec<u8>) -> Renderer<'a> {
        let rendered = match style {
            ExportStyle::K8sSecret(_) => Rendered::Secret,
            ExportStyle::Compose => Rendered::Compose(ComposeUsers::new()),
            ExportStyle::Caddy(format) => Rendered::Caddy(CaddyAccounts::new(*format)),
            ExportStyle::Json => {
                json.push(b'[');
                Rendered::Json(json)
            }
        };
        Renderer { style, rendered }
    }

    /// Adds the entry of line `line` (its number in the rendered file).
    fn entry(&mut self, line: u64, user: &[u8], stored: &[u8]) -> Result<(), Unfit> {
        self.style.rules().check_entry(user, stored)?;
        match &mut self.rendered {
            Rendered::Secret => {}
            Rendered::Compose(users) => users.push(user, stored)?,
            Rendered::Caddy(accounts) => accounts.push(user, stored)?,
            Rendered::Json(text) => {
                if text.len() > 1 {
                    text.push(b',');
                }
                let scheme = hash::detect(stored);
                json::Object::begin(text)
                    .number("line_number", u32::try_from(line).ok())
                    .bytes("user", user)
                    .bytes("hash", stored)
                    .text("algorithm", scheme.name())
                    .number("cost", scheme.cost())
                    .end();
            }
        }
        Ok(())
    }

    /// Adds a comment line (where the destination takes comments at all).
    fn comment(&self) -> Result<(), Unfit> {
        self.style.rules().check_comment()
    }

    /// The output, around `content` (the file, for the Secret).
    fn finish(self, content: &[u8]) -> Result<Vec<u8>, Error> {
        let mut text = Vec::with_capacity(content.len() * 4 / 3 + 1024);
        match (self.rendered, self.style) {
            (Rendered::Secret, ExportStyle::K8sSecret(spec)) => {
                render::k8s_secret(spec, content, &mut text)?;
            }
            (Rendered::Compose(users), _) => text = users.finish(),
            (Rendered::Caddy(accounts), _) => text = accounts.finish(),
            (Rendered::Json(json), _) => {
                json.extend_from_slice(b"]\n");
                text = std::mem::take(json);
            }
            (Rendered::Secret, _) => {}
        }
        Ok(text)
    }
}

/// FILE's entries as they are.
fn from_file(path: &Path, style: &ExportStyle) -> Result<Vec<u8>, Failure> {
    let unfit = |line, unfit| Error::EntryUnfit {
        path: path.to_path_buf(),
        line,
        unfit,
    };
    let mut json = Vec::new();
    let mut renderer = Renderer::new(style, &mut json);
    if let ExportStyle::K8sSecret(_) = style {
        let content = store_read_whole(path)?;
        // The Secret holds every byte; the reader's rules look at each line.
        for (index, line) in content.split_inclusive(|&b| b == b'\n').enumerate() {
            let number = index as u64 + 1;
            match file::classify(line) {
                LineKind::Entry { user, hash } => {
                    renderer
                        .entry(number, user, hash)
                        .map_err(|error| unfit(number, error))?;
                }
                LineKind::Comment => renderer.comment().map_err(|error| unfit(number, error))?,
                LineKind::Blank | LineKind::Malformed => {}
            }
        }
        return Ok(renderer.finish(&content)?);
    }
    input::read(path, |reader| {
        file::for_each_entry(
            reader,
            path,
            MalformedLines::Reject,
            |line, user, stored| {
                renderer
                    .entry(line, user, stored)
                    .map_err(|error| unfit(line, error))?;
                Ok(ControlFlow::Continue(()))
            },
        )
    })?;
    Ok(renderer.finish(b"")?)
}

/// FILE whole, up to one byte past what a Secret can hold.
fn store_read_whole(path: &Path) -> Result<Vec<u8>, Error> {
    input::read(path, |reader| {
        let mut content = Vec::new();
        reader
            .take(SECRET_MAX_BYTES as u64 + 1)
            .read_to_end(&mut content)
            .map_err(|source| Error::FileAccess {
                path: path.to_path_buf(),
                action: "read",
                source,
            })?;
        Ok(content)
    })
}

/// The users of a `user:password` list, each hashed or reused from LAST.
fn from_list(
    source: &BatchSource,
    params: &Params,
    reuse: Option<&ReuseFrom>,
    style: &ExportStyle,
) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let name = source.name();
    let at = |line: u64, problem: Error| Error::BatchLine {
        source_name: name.clone(),
        line,
        problem: Box::new(problem),
    };
    // Every line of the list, checked as `add --batch` checks them.
    let entries = super::add_batch::read_entries(source, params)?;
    for entry in &entries {
        super::refuse_nul(&entry.password).map_err(|problem| at(entry.line, problem))?;
        let user = entry.user.as_bytes();
        let refused = match style {
            ExportStyle::Compose => render::compose_user(user),
            _ => style.rules().check_user(user),
        };
        refused.map_err(|unfit| {
            at(
                entry.line,
                Error::UserUnfit {
                    user: entry.user.escaped(),
                    unfit,
                },
            )
        })?;
    }
    super::warn_insecure(params.algorithm());
    if params.algorithm() == Algorithm::Crypt {
        report::warning("crypt uses only the first 8 bytes of each password; the rest is ignored");
    }

    let last = reuse.map(super::reuse_from::load).transpose()?;
    let nothing = HashMap::new();
    let stored = last.as_ref().map_or(&nothing, |last| last.hashes());
    let hashed = batch::hash_all(&entries, params, stored, false, &|| {})?;
    if let (Some(reuse), Some(last)) = (reuse, &last)
        && last.found() != htpass::reuse::Found::Nothing
    {
        let kept = hashed.iter().filter(|hashed| hashed.kept).count();
        report::note(format_args!(
            "{kept} reused from {}, {} new",
            reuse.source.name(),
            hashed.len() - kept
        ));
    }

    // Zeroizing: with -a plain a "hash" is the password itself.
    let mut content = Zeroizing::new(Vec::new());
    let mut json = Zeroizing::new(Vec::new());
    let mut renderer = Renderer::new(style, &mut json);
    for (index, (entry, hashed)) in entries.iter().zip(&hashed).enumerate() {
        let user = entry.user.as_bytes();
        renderer
            .entry(index as u64 + 1, user, &hashed.hash)
            .map_err(|unfit| {
                at(
                    entry.line,
                    match unfit.part {
                        EntryPart::User => Error::UserUnfit {
                            user: entry.user.escaped(),
                            unfit,
                        },
                        // Only a plain-text "hash" (the password) can hold
                        // what a format cannot carry.
                        EntryPart::Hash | EntryPart::Line => Error::PlainHashUnfit { unfit },
                    },
                )
            })?;
        content.extend_from_slice(user);
        content.push(b':');
        content.extend_from_slice(&hashed.hash);
        content.push(b'\n');
    }
    Ok(Zeroizing::new(renderer.finish(&content)?))
}
