//! The commands of `htpass`, one module each, and what they share: the
//! warnings about a chosen algorithm and the printing of a new entry.
//!
//! Commands receive [`crate::config`] values, never clap structs; they leave
//! hashing, parsing and file updates to the library and only decide what to
//! say on stderr and print on stdout.

mod add;
mod add_batch;
mod check;
mod create;
mod delete;
mod export;
mod generated;
mod group;
mod hash;
mod list;
mod reuse_from;
mod sync;
mod verify;

use std::io;
use std::path::Path;

use htpass::Error;
use htpass::frontend::Failure;
use htpass::frontend::json;
use htpass::frontend::report::{self, Stdout};
use htpass::hash::{Algorithm, Params};
use htpass::render::{self, EntryPart};
use htpass::{Password, Username};
use zeroize::Zeroizing;

use crate::config::{Config, OutputFormat};

/// Runs one command.
pub fn run(config: Config) -> Result<(), Failure> {
    match config {
        Config::Create(config) => create::run(config),
        Config::Add(config) => add::run(config),
        Config::Verify(config) => verify::run(config),
        Config::Delete(config) => delete::run(config),
        Config::List(config) => list::run(config),
        Config::Hash(config) => hash::run(config),
        Config::Check(config) => check::run(config),
        Config::Export(config) => export::run(config),
        Config::AddBatch(config) => add_batch::run(config),
        Config::Group(config) => group::run(config),
        Config::Sync(config) => sync::run(config),
        Config::Completions(shell) => generated::completions(shell),
        Config::Manpages(dir) => generated::manpages(&dir),
    }
}

/// Refuses what the parameters cannot store, then warns about what they
/// store badly. Runs once the password is known, before anything is written.
fn check_password(params: &Params, password: &Password) -> Result<(), Failure> {
    // bcrypt would silently ignore everything after byte 72 (exit 5).
    params.check_password(password)?;
    refuse_nul(password)?;
    let algorithm = params.algorithm();
    // A line break in a plain-text entry would split the line in two.
    if algorithm == Algorithm::Plain
        && password
            .as_bytes()
            .iter()
            .any(|&b| b == b'\n' || b == b'\r')
    {
        return Err(Failure::Usage(
            "a plain-text password cannot contain a line break; choose another password, or a hashing algorithm".to_owned(),
        ));
    }
    warn_insecure(algorithm);
    if algorithm == Algorithm::Crypt && password.len() > 8 {
        report::warning("crypt uses only the first 8 bytes of the password; the rest is ignored");
    }
    Ok(())
}

/// Refuses a NUL byte (exit 2): servers read a password as a C string, and
/// bcrypt stops at the NUL too, so the hash would let in whoever types the
/// part before it, the way bcrypt's 72 bytes would.
fn refuse_nul(password: &Password) -> Result<(), Error> {
    if password.as_bytes().contains(&0) {
        return Err(Error::PasswordContainsNul);
    }
    Ok(())
}

/// Says once that the chosen algorithm is insecure, if it is.
fn warn_insecure(algorithm: Algorithm) {
    match algorithm {
        Algorithm::Sha1 => report::warning(
            "sha1 ({SHA}) is insecure: it is fast and unsalted, so anyone with the file can recover the passwords; use bcrypt (the default) unless the reader needs {SHA}",
        ),
        Algorithm::Crypt => report::warning(
            "crypt (DES) is insecure: it is fast to crack; use bcrypt (the default) unless the reader needs crypt",
        ),
        Algorithm::Plain => report::warning(
            "plain is insecure: it stores the password itself, so anyone who can read the file sees it, and Apache on Linux, nginx and the Docker registry reject such entries; use bcrypt (the default)",
        ),
        Algorithm::Bcrypt
        | Algorithm::Apr1
        | Algorithm::Sha256
        | Algorithm::Sha512
        | Algorithm::Yescrypt => {}
    }
}

/// Prints an entry on stdout in `format` (nothing without one), after the
/// change. With a generated password, [`deliver_generated`] printed the
/// JSON object already, before the change: then nothing more is printed.
fn print_entry(
    format: Option<&OutputFormat>,
    user: Option<&Username>,
    hash: &[u8],
    generated: bool,
) -> Result<(), Failure> {
    if generated && matches!(format, Some(OutputFormat::Json)) {
        return Ok(());
    }
    print_any_entry(format, user, hash)
}

fn print_any_entry(
    format: Option<&OutputFormat>,
    user: Option<&Username>,
    hash: &[u8],
) -> Result<(), Failure> {
    let text = render_entry(format, user, hash, None)?;
    let mut out = Stdout::new();
    out.write(&text)?;
    out.flush()
}

/// Delivers a password htpass made up, once: inside the JSON object on
/// stdout with `--format json`, else (or if stdout's reader has gone) as one
/// line on stderr. Called before the change that stores it is made (at the
/// end of the store's edit, so an error abandons the change): a password
/// that nobody saw must never be stored (issue 11 item 5). `path` names the
/// file for the message; the entry in other formats is printed after the
/// change, by [`print_entry`], as any entry is.
fn deliver_generated(
    format: Option<&OutputFormat>,
    user: Option<&Username>,
    hash: &[u8],
    password: &Password,
    path: Option<&Path>,
) -> Result<(), Error> {
    let not_shown = |stream, alternative, source| Error::GeneratedPasswordNotShown {
        path: path.map(Path::to_path_buf),
        stream,
        alternative,
        source,
    };
    if matches!(format, Some(OutputFormat::Json)) {
        let text = render_entry(format, user, hash, Some(password))?;
        let mut out = Stdout::new();
        let written = out.write(&text).and_then(|()| out.flush());
        match written {
            Err(failure) => {
                let source = match failure {
                    Failure::Stdout(source) => source,
                    other => io::Error::other(other.to_string()),
                };
                return Err(not_shown(
                    "standard output",
                    "leave out --format json to get it on standard error",
                    source,
                ));
            }
            Ok(()) if !out.is_closed() => return Ok(()),
            // The reader went away before it got the object: stderr then.
            Ok(()) => {}
        }
    }
    report::generated_password(user, password).map_err(|source| {
        not_shown(
            "standard error",
            "use --format json to get it on standard output",
            source,
        )
    })
}

/// The bytes `format` prints for an entry (none without a format); with
/// `generated`, the JSON object carries the password too.
fn render_entry(
    format: Option<&OutputFormat>,
    user: Option<&Username>,
    hash: &[u8],
    generated: Option<&Password>,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    // Zeroizing: with -a plain, or in the JSON object, it holds the password.
    let mut text = Zeroizing::new(Vec::with_capacity(
        2 * (hash.len() + user.map_or(0, |u| u.as_bytes().len())) + 256,
    ));
    match format {
        None => {}
        Some(OutputFormat::Line) => {
            if let Some(user) = user {
                text.extend_from_slice(user.as_bytes());
                text.push(b':');
            }
            text.extend_from_slice(hash);
            text.push(b'\n');
        }
        Some(OutputFormat::Hash) => {
            text.extend_from_slice(hash);
            text.push(b'\n');
        }
        Some(OutputFormat::Compose) => {
            render::compose_entry(user.map(Username::as_bytes), hash, &mut text).map_err(
                |unfit| match (unfit.part, user) {
                    (EntryPart::User, Some(user)) => Error::UserUnfit {
                        user: user.escaped(),
                        unfit,
                    },
                    // Only a plain-text "hash" (the password itself) can
                    // hold a ',' or bytes that are not UTF-8.
                    _ => Error::PlainHashUnfit { unfit },
                },
            )?;
            text.push(b'\n');
        }
        Some(OutputFormat::K8sSecret(spec)) => {
            // config refuses k8s-secret without a user.
            let user = user.map_or(&[][..], Username::as_bytes);
            let content = Zeroizing::new([user, b":", hash, b"\n"].concat());
            render::k8s_secret(spec, &content, &mut text)?;
        }
        Some(OutputFormat::Json) => {
            let line = user.map(|user| Zeroizing::new([user.as_bytes(), b":", hash].concat()));
            let mut object = json::Object::begin(&mut text);
            object
                .optional_bytes("user", user.map(Username::as_bytes))
                .bytes("hash", hash)
                .optional_bytes("line", line.as_ref().map(|line| line.as_slice()));
            if let Some(password) = generated {
                object.bytes("password", password.as_bytes());
            }
            object.end();
            text.push(b'\n');
        }
    }
    Ok(text)
}
