//! FILE for the commands that only read it (verify, list, check, export),
//! `-` being standard input (cli.md, "`-` is standard input"): opened by
//! its name where the platform has one (`/dev/stdin`, so a regular file
//! behind `<` can be read again where `check` needs to), as the handle
//! itself where it has none (Windows).
//!
//! What it must never do: read anything itself; the library does.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::error::Error;
use crate::frontend::platform;
use crate::store;

/// [`store::read`], standard input included.
pub fn read<T>(
    path: &Path,
    f: impl FnOnce(&mut dyn BufRead) -> Result<T, Error>,
) -> Result<T, Error> {
    read_file(path, |reader| f(reader))
}

/// [`store::read_file`], standard input included.
pub fn read_file<T>(
    path: &Path,
    f: impl FnOnce(&mut BufReader<File>) -> Result<T, Error>,
) -> Result<T, Error> {
    if path == Path::new(platform::STANDARD_INPUT) {
        store::read_file_with(path, platform::open_standard_input, f)
    } else {
        store::read_file(path, f)
    }
}
