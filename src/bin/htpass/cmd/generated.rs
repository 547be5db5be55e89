//! `htpass completions SHELL` and the hidden `htpass manpage`: text made
//! from the clap definition, so it never drifts from the options. The
//! committed copies (`completions/`, `man/htpass.1`) are checked against
//! these by a test.

use clap::CommandFactory;
use htpass::frontend::Failure;
use htpass::frontend::report::Stdout;

use crate::cli::Cli;

pub fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "htpass", &mut script);
    print(&script)
}

pub fn manpage() -> Result<(), Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        // A fixed date keeps the committed page byte-identical across days.
        .date("2026-11-23")
        .render(&mut page)
        .map_err(Failure::Stdout)?;
    print(&page)
}

fn print(text: &[u8]) -> Result<(), Failure> {
    let mut out = Stdout::new();
    out.write(text)?;
    out.flush()
}
