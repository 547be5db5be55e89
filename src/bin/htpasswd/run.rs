//! The five modes of Apache's htpasswd (compat spec §1.5, §5–§8) over the
//! library, with the fixes of §12.
//!
//! The order of checks is Apache's, because it decides which message wins
//! and whether anything was prompted for or read. What this must never do:
//! create or change a file before the record is ready (D5), write a record
//! the library refused, print half a message (Apache's early `Adding `), or
//! end the process (that is `main`'s job).

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::ops::ControlFlow;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use htpass::file::{self, LineKind, MalformedLines, UpsertOutcome};
use htpass::hash::{
    self, BcryptCost, BcryptVariant, Params, Scheme, ShaRounds, ShaVariant, Verification,
    VerifyPolicy,
};
use htpass::store::{self, OpenMode, Outcome};
use htpass::{Error, Password, Username};

use crate::args::{self, Algorithm, Args, Mode, Source};
use crate::fatal::{Fatal, Prog, code};
use crate::messages;
use crate::password::{self, Asker};

/// The longest FILE Apache accepts, in bytes.
const MAX_FILENAME_BYTES: usize = 4095;
/// `USER:HASH\n` must be shorter than this (§6.2).
const MAX_RECORD_BYTES: usize = 256;
/// Apache's bcrypt refuses costs outside 4..=17 when hashing (§5).
const APACHE_BCRYPT_COSTS: std::ops::RangeInclusive<u64> = 4..=17;
/// Apache's default bcrypt cost.
const APACHE_BCRYPT_DEFAULT: u64 = 5;
/// What bcrypt reads of a password.
const BCRYPT_MAX_PASSWORD_BYTES: usize = 72;
/// Exit code of a failed random generator (§2).
const RANDOM_FAILED: u8 = 8;

/// Runs `htpasswd` with the full `argv` (`argv[0]` included).
pub fn run(argv: &[OsString]) -> Result<(), Fatal> {
    let prog = Prog::new(argv.first().map(OsString::as_os_str));
    let rest = argv.get(1..).unwrap_or_default();
    let args = args::parse(rest, &prog, say)?;

    // §1.5 steps 4–7.
    if let Some(file) = &args.file
        && file.len() > MAX_FILENAME_BYTES
    {
        return Err(prog.fatal(code::TOO_LONG, &[messages::FILENAME_TOO_LONG.as_bytes()]));
    }
    let user = check_user(&args.user, args.mode, &prog)?;
    if let Some(password) = &args.password
        && password.len() > password::MAX_ARGUMENT_BYTES
    {
        return Err(prog.fatal(
            code::TOO_LONG,
            &[messages::PASSWORD_TOO_LONG_255.as_bytes()],
        ));
    }

    let job = Job {
        prog: &prog,
        args: &args,
        user: &user,
    };
    match args.mode {
        Mode::Print => job.print(),
        Mode::Create => job.create(),
        Mode::Update => job.update(),
        Mode::Delete => job.delete(),
        Mode::Verify => job.verify(),
    }
}

/// Writes to stderr at once (unbuffered), as Apache's fragments are.
/// A failed write to stderr has nowhere to be reported.
fn say(text: &str) {
    say_bytes(text.as_bytes());
}

fn say_bytes(bytes: &[u8]) {
    let _ = io::stderr().write_all(bytes);
}

/// Apache's checks of USER in its order (length, then `:`), then the names
/// it accepts but can never find again, refused here (D10–D12), and, in the
/// modes that add a name (`-c`, `-n`, update), the characters a person
/// cannot see. `-D` and `-v` find such a name as Apache does: the rules
/// apply to names being added.
fn check_user(user: &OsStr, mode: Mode, prog: &Prog) -> Result<Username, Fatal> {
    let bytes = user.as_bytes();
    let illegal = |what: &[u8]| {
        prog.fatal(
            code::BAD_USER,
            &[b"username contains illegal character", what],
        )
    };
    if bytes.len() > htpass::username::MAX_USERNAME_BYTES {
        return Err(prog.fatal(code::TOO_LONG, &[messages::USERNAME_TOO_LONG.as_bytes()]));
    }
    if bytes.contains(&b':') {
        return Err(prog.fatal(code::BAD_USER, &[messages::USERNAME_COLON.as_bytes()]));
    }
    if bytes.is_empty() {
        return Err(illegal(b": the name is empty"));
    }
    if let Some(&control) = bytes.iter().find(|&&b| b < 0x20 || b == 0x7f) {
        return Err(illegal(
            format!(" 0x{control:02x} (a control character)").as_bytes(),
        ));
    }
    match bytes[0] {
        b'#' => return Err(illegal(b" '#' at the start")),
        b' ' => return Err(illegal(b" ' ' at the start")),
        _ => {}
    }
    let adds = matches!(mode, Mode::Create | Mode::Update | Mode::Print);
    if adds && let Some(character) = htpass::username::first_invisible(bytes) {
        let describe = htpass::username::describe(character);
        return Err(illegal(
            format!(" {describe}, which a person cannot see; type the name again without it")
                .as_bytes(),
        ));
    }
    // Every rule of `Username::new` has been checked above with Apache's
    // wording; any refusal left is reported with the library's.
    let checked = if adds {
        Username::new(bytes)
    } else {
        Username::existing(bytes)
    };
    checked.map_err(|error| {
        prog.fatal(
            code::BAD_USER,
            &[
                b"username contains illegal character: ",
                error.to_string().as_bytes(),
            ],
        )
    })
}

/// One run's inputs, checked.
struct Job<'a> {
    prog: &'a Prog,
    args: &'a Args,
    user: &'a Username,
}

impl Job<'_> {
    fn file(&self) -> &Path {
        Path::new(self.args.file.as_deref().unwrap_or_default())
    }

    fn fatal(&self, code: u8, parts: &[&[u8]]) -> Fatal {
        self.prog.fatal(code, parts)
    }

    fn file_fatal(&self, code: u8, before: &str, after: &str) -> Fatal {
        self.fatal(
            code,
            &[
                before.as_bytes(),
                self.file().as_os_str().as_bytes(),
                after.as_bytes(),
            ],
        )
    }

    /// `-n`: the record and an empty line on stdout (§3.3, kept).
    fn print(&self) -> Result<(), Fatal> {
        let record = self.record()?;
        let mut stdout = io::stdout().lock();
        let written = stdout
            .write_all(&record)
            .and_then(|()| stdout.write_all(b"\n"))
            .and_then(|()| stdout.flush());
        match written {
            // D24: a reader that went away (`| head`) is not a failure.
            Err(error) if error.kind() != io::ErrorKind::BrokenPipe => Err(self.fatal(
                code::FILE_ACCESS,
                &[
                    b"unable to write to standard output: ",
                    error.to_string().as_bytes(),
                ],
            )),
            _ => Ok(()),
        }
    }

    /// `-c`: FILE holds only the new record. Unlike Apache (D5), nothing is
    /// created before the record is ready.
    fn create(&self) -> Result<(), Fatal> {
        let path = self.file();
        let existed = is_regular(path);
        if existed {
            self.open_read_write(path)?;
        } else if !parent_is_dir(path) {
            return Err(self.file_fatal(code::FILE_ACCESS, "cannot create file ", ""));
        }
        let record = self.record()?;
        let result = store::update(path, OpenMode::Overwrite, |_, writer| {
            writer
                .write_all(&record)
                .map_err(|source| Error::FileAccess {
                    path: path.to_path_buf(),
                    action: "write",
                    source,
                })?;
            Ok((Outcome::Changed, ()))
        });
        match result {
            Ok(_) => {}
            Err(Error::Interrupted) => return Err(self.store_fatal(Error::Interrupted)),
            Err(_) if !existed => {
                return Err(self.file_fatal(code::FILE_ACCESS, "cannot create file ", ""));
            }
            Err(error) => return Err(self.store_fatal(error)),
        }
        self.say_done("Adding");
        Ok(())
    }

    /// Update mode: replace every record of USER, or append one (§7.3 with
    /// D6, D19, D28 fixed).
    fn update(&self) -> Result<(), Fatal> {
        let path = self.file();
        self.require_existing(path)?;
        self.open_read_write(path)?;
        let record = self.record()?;
        // `record` is `USER:HASH\n`; the file module writes the ending itself.
        let hash = &record[self.user.as_bytes().len() + 1..record.len() - 1];
        let result = store::update(path, OpenMode::MustExist, |reader, writer| {
            let outcome = file::upsert(
                reader,
                &mut *writer,
                path,
                self.user,
                false,
                MalformedLines::Reject,
                // Every copy of USER is replaced (D19); the line says so once.
                |_| Ok(false),
                || Ok(hash.to_vec()),
            )?;
            Ok((Outcome::Changed, outcome))
        });
        match result {
            Ok(updated) => {
                self.say_done(match updated.value {
                    UpsertOutcome::Added => "Adding",
                    UpsertOutcome::Updated | UpsertOutcome::Unchanged => "Updating",
                });
                Ok(())
            }
            Err(error) => Err(self.store_fatal(error)),
        }
    }

    /// `-D`: drop every record of USER; a missing USER leaves FILE untouched
    /// and is not an error (D21 kept).
    fn delete(&self) -> Result<(), Fatal> {
        let path = self.file();
        self.require_existing(path)?;
        self.open_read_write(path)?;
        let result = store::update(path, OpenMode::MustExist, |reader, writer| {
            let Some(reader) = reader else {
                return Ok((Outcome::Unchanged, 0));
            };
            let removed = remove_user(reader, writer, path, self.user)?;
            let outcome = if removed == 0 {
                Outcome::Unchanged
            } else {
                Outcome::Changed
            };
            Ok((outcome, removed))
        });
        match result {
            Ok(updated) if updated.value == 0 => {
                self.say_user_not_found();
                Ok(())
            }
            Ok(_) => {
                self.say_done("Deleting");
                Ok(())
            }
            Err(error) => Err(self.store_fatal(error)),
        }
    }

    /// `-v`: every record of USER must verify (§7.4; D20 kept).
    fn verify(&self) -> Result<(), Fatal> {
        let path = self.file();
        self.require_existing(path)?;
        let file = File::open(path).map_err(|_| {
            self.file_fatal(code::FILE_ACCESS, "cannot open file ", " for read access")
        })?;
        let asker = Asker {
            prog: self.prog,
            verify: true,
        };
        let mut password: Option<Password> = None;
        let mut seen = false;
        let mut failure: Option<Fatal> = None;
        let scanned = file::for_each_entry(
            BufReader::new(file),
            path,
            MalformedLines::Reject,
            |_, user, stored| {
                if user != self.user.as_bytes() {
                    return Ok(ControlFlow::Continue(()));
                }
                seen = true;
                // Apache's hash ends at the first `\r` or `\n`.
                let stored = match stored.iter().position(|&b| b == b'\r') {
                    Some(cr) => &stored[..cr],
                    None => stored,
                };
                if stored.is_empty() {
                    let mut message = b"Empty hash for user ".to_vec();
                    message.extend_from_slice(self.user.as_bytes());
                    message.push(b'\n');
                    failure = Some(Fatal::bare(code::INVALID_FILE, message));
                    return Ok(ControlFlow::Break(()));
                }
                if password.is_none() {
                    match self.existing_password(asker) {
                        Ok(given) => password = Some(given),
                        Err(fatal) => {
                            failure = Some(fatal);
                            return Ok(ControlFlow::Break(()));
                        }
                    }
                }
                let Some(given) = &password else {
                    return Ok(ControlFlow::Break(()));
                };
                match check_password(given, stored) {
                    Check::Match => Ok(ControlFlow::Continue(())),
                    Check::Mismatch => {
                        failure = Some(Fatal::bare(code::PASSWORD, messages::VERIFY_FAILED));
                        Ok(ControlFlow::Break(()))
                    }
                    Check::InvalidSetting => {
                        failure = Some(Fatal::bare(
                            code::GENERAL,
                            messages::VERIFY_INVALID_ARGUMENT,
                        ));
                        Ok(ControlFlow::Break(()))
                    }
                }
            },
        );
        if let Some(fatal) = failure {
            return Err(fatal);
        }
        scanned.map_err(|error| self.store_fatal(error))?;
        if !seen {
            let mut message = b"User ".to_vec();
            message.extend_from_slice(self.user.as_bytes());
            message.extend_from_slice(b" not found\n");
            return Err(Fatal::bare(code::BAD_USER, message));
        }
        let mut message = b"Password for user ".to_vec();
        message.extend_from_slice(self.user.as_bytes());
        message.extend_from_slice(b" correct.\n");
        say_bytes(&message);
        Ok(())
    }

    /// §1.5 step 9: the `-C/-r` warning, the password, the hash, the
    /// warnings about it, the length check. Returns `USER:HASH\n`.
    fn record(&self) -> Result<Vec<u8>, Fatal> {
        let args = self.args;
        let uses_cost = matches!(
            args.algorithm,
            Algorithm::Bcrypt | Algorithm::Sha256 | Algorithm::Sha512
        );
        if args.cost.is_some() && !uses_cost {
            say(messages::WARN_IGNORING_COST);
        }
        let asker = Asker {
            prog: self.prog,
            verify: false,
        };
        let password = match args.source {
            Source::Argument => {
                password::from_argument(args.password.as_deref().unwrap_or_default())
            }
            Source::Stdin => password::from_stdin(asker)?,
            Source::Prompt => password::prompt_new(asker)?,
        };
        let params = self.params()?;
        let hash = hash::hash_password(&password, &params).map_err(|error| {
            self.fatal(
                RANDOM_FAILED,
                &[
                    b"Unable to generate random bytes: ",
                    error.to_string().as_bytes(),
                ],
            )
        })?;
        match args.algorithm {
            Algorithm::Crypt if password.len() > 8 => say(messages::WARN_CRYPT_TRUNCATED),
            // D14: Apache ignores the rest silently; the hash is the same.
            Algorithm::Bcrypt if password.len() > BCRYPT_MAX_PASSWORD_BYTES => {
                say(messages::WARN_BCRYPT_TRUNCATED)
            }
            _ => {}
        }
        let user = self.user.as_bytes();
        if user.len() + 1 + hash.len() + 1 >= MAX_RECORD_BYTES {
            return Err(self.fatal(code::TOO_LONG, &[messages::RECORD_TOO_LONG.as_bytes()]));
        }
        let mut record = Vec::with_capacity(MAX_RECORD_BYTES);
        record.extend_from_slice(user);
        record.push(b':');
        record.extend_from_slice(&hash);
        record.push(b'\n');
        Ok(record)
    }

    /// The hashing parameters, refusing what Apache's libraries refuse
    /// (bcrypt cost outside 4..=17) and what they would turn into an
    /// unusable `*0` entry (D2, D3 fixed).
    fn params(&self) -> Result<Params, Fatal> {
        let refuse = |text: &str| self.fatal(code::PASSWORD, &[text.as_bytes()]);
        let params = match self.args.algorithm {
            Algorithm::Md5 => Params::Apr1,
            Algorithm::Sha1 => Params::Sha1,
            Algorithm::Crypt => Params::Crypt,
            Algorithm::Plain => Params::Plain,
            Algorithm::Bcrypt => {
                let cost = self.args.cost.unwrap_or(APACHE_BCRYPT_DEFAULT);
                let cost = APACHE_BCRYPT_COSTS
                    .contains(&cost)
                    .then(|| BcryptCost::new(cost).ok())
                    .flatten()
                    .ok_or_else(|| refuse(messages::BCRYPT_REFUSED))?;
                Params::Bcrypt {
                    variant: BcryptVariant::TwoY,
                    cost,
                }
            }
            Algorithm::Sha256 | Algorithm::Sha512 => {
                let (variant, refused) = if self.args.algorithm == Algorithm::Sha256 {
                    (ShaVariant::Sha256, messages::SHA256_REFUSED)
                } else {
                    (ShaVariant::Sha512, messages::SHA512_REFUSED)
                };
                let rounds = match self.args.cost {
                    None => None,
                    Some(value) => Some(ShaRounds::new(value).map_err(|_| refuse(refused))?),
                };
                Params::ShaCrypt { variant, rounds }
            }
        };
        Ok(params)
    }

    /// The password for `-v`, asked for when USER's first record is met.
    fn existing_password(&self, asker: Asker<'_>) -> Result<Password, Fatal> {
        match self.args.source {
            Source::Argument => Ok(password::from_argument(
                self.args.password.as_deref().unwrap_or_default(),
            )),
            Source::Stdin => password::from_stdin(asker),
            Source::Prompt => password::prompt_existing(asker),
        }
    }

    /// FILE must be a regular file (after symbolic links) without `-c`
    /// (§7.1; D18 kept: also for `-v` and `-D`).
    fn require_existing(&self, path: &Path) -> Result<(), Fatal> {
        if is_regular(path) {
            Ok(())
        } else {
            Err(self.file_fatal(
                code::FILE_ACCESS,
                "cannot modify file ",
                "; use '-c' to create it",
            ))
        }
    }

    /// An existing FILE must open for reading and writing (§7.1), even with
    /// `-c`: a read-only file is not replaced.
    fn open_read_write(&self, path: &Path) -> Result<(), Fatal> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map(drop)
            .map_err(|_| {
                self.file_fatal(
                    code::FILE_ACCESS,
                    "cannot open file ",
                    " for read/write access",
                )
            })
    }

    /// The success message, `VERB password for user USER`, whole and in one
    /// write, once the file was written. Apache writes the verb when it
    /// decides and the rest at the end, so that a failure in between leaves
    /// a half line; ours never does (README, "Differences from Apache
    /// htpasswd"). The bytes of a success are Apache's.
    fn say_done(&self, verb: &str) {
        let mut message = verb.as_bytes().to_vec();
        message.extend_from_slice(b" password for user ");
        message.extend_from_slice(self.user.as_bytes());
        message.push(b'\n');
        say_bytes(&message);
    }

    fn say_user_not_found(&self) {
        let mut message = b"User ".to_vec();
        message.extend_from_slice(self.user.as_bytes());
        message.extend_from_slice(b" not found\n");
        say_bytes(&message);
    }

    /// A library error met while reading or rewriting FILE, as Apache
    /// words it (§3.4; D27 fixed: prefix and newline).
    fn store_fatal(&self, error: Error) -> Fatal {
        match error {
            Error::InvalidFile { .. } => self.file_fatal(
                code::INVALID_FILE,
                "The file ",
                " does not appear to be a valid htpasswd file.",
            ),
            Error::FileNotFound { .. } => self.file_fatal(
                code::FILE_ACCESS,
                "cannot modify file ",
                "; use '-c' to create it",
            ),
            Error::FileAccess { action, source, .. } => {
                let reason = source.to_string();
                if action.starts_with("open") {
                    self.file_fatal(
                        code::FILE_ACCESS,
                        "cannot open file ",
                        " for read/write access",
                    )
                } else if action.starts_with("create a temporary file") {
                    self.file_fatal(
                        code::FILE_ACCESS,
                        "unable to create temporary file next to ",
                        &format!(": {reason}"),
                    )
                } else if action == "write" {
                    self.fatal(
                        code::FILE_ACCESS,
                        &[b"Error writing temp file: ", reason.as_bytes()],
                    )
                } else if action == "read" {
                    self.file_fatal(
                        code::FILE_ACCESS,
                        "unable to read file ",
                        &format!(": {reason}"),
                    )
                } else {
                    self.file_fatal(
                        code::FILE_ACCESS,
                        "unable to update file ",
                        &format!(": {reason}"),
                    )
                }
            }
            Error::Interrupted => {
                self.fatal(code::INTERRUPTED, &[b"interrupted; no file was changed"])
            }
            other => self.fatal(code::FILE_ACCESS, &[other.to_string().as_bytes()]),
        }
    }
}

/// Whether `path` names a regular file, symbolic links followed: anything
/// else "does not exist" for Apache (§7.1).
fn is_regular(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|metadata| metadata.is_file())
}

/// Whether the directory that would hold a new FILE exists.
fn parent_is_dir(path: &Path) -> bool {
    match fs::metadata(path) {
        // Something non-regular is there (a device, a FIFO, a directory):
        // the store decides what can be done with it.
        Ok(_) => true,
        Err(_) => match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.is_dir(),
            _ => true,
        },
    }
}

/// Copies `reader` to `writer` without USER's records; how many there were.
fn remove_user(
    reader: &mut dyn BufRead,
    writer: &mut dyn Write,
    path: &Path,
    user: &Username,
) -> Result<usize, Error> {
    let write_error = |source| Error::FileAccess {
        path: path.to_path_buf(),
        action: "write",
        source,
    };
    let mut removed = 0;
    let mut line = Vec::with_capacity(256);
    let mut number = 0u64;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|source| Error::FileAccess {
                path: path.to_path_buf(),
                action: "read",
                source,
            })?;
        if read == 0 {
            break;
        }
        number += 1;
        match file::classify(&line) {
            LineKind::Entry { user: found, .. } if found == user.as_bytes() => removed += 1,
            LineKind::Malformed => {
                return Err(Error::InvalidFile {
                    path: path.to_path_buf(),
                    line: number,
                });
            }
            _ => writer.write_all(&line).map_err(write_error)?,
        }
    }
    writer.flush().map_err(write_error)?;
    Ok(removed)
}

/// What checking a password against a stored hash gives, as Apache's
/// `apr_password_validate` answers it (§8).
enum Check {
    Match,
    Mismatch,
    /// `$2a$`/`$2y$` with a setting bcrypt rejects: exit 9.
    InvalidSetting,
}

fn check_password(password: &Password, stored: &[u8]) -> Check {
    if (stored.starts_with(b"$2a$") || stored.starts_with(b"$2y$")) && !bcrypt_setting_ok(stored) {
        return Check::InvalidSetting;
    }
    match hash::detect(stored) {
        // Apache hands these to the system crypt(3), which does not know
        // them: they never verify there (§8.2).
        Scheme::Ssha | Scheme::PlainTagged => return Check::Mismatch,
        _ => {}
    }
    // D9 kept: bare plain text never verifies (`PlainNotAllowed` is a mismatch).
    match hash::verify(password, stored, VerifyPolicy { allow_plain: false }) {
        Verification::Match => Check::Match,
        Verification::Mismatch | Verification::PlainNotAllowed => Check::Mismatch,
    }
}

/// `$2?$CC$` + 22 salt characters of bcrypt's alphabet, CC a cost bcrypt
/// accepts (04–31: D22 fixed, Apache's library stops at 17). A truncated
/// hash after a good salt is a plain mismatch, as in Apache.
fn bcrypt_setting_ok(stored: &[u8]) -> bool {
    let Scheme::Bcrypt { cost, .. } = hash::detect(stored) else {
        return false;
    };
    if !(BcryptCost::MIN..=BcryptCost::MAX).contains(&cost) {
        return false;
    }
    match stored.get(7..7 + 22) {
        Some(salt) => salt
            .iter()
            .all(|&b| b == b'.' || b == b'/' || b.is_ascii_alphanumeric()),
        None => false,
    }
}
