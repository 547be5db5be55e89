//! What the programs share above the library: exit codes, password sources,
//! stderr reporting, JSON output and interrupt handling.
//!
//! Built only with the `cli` feature: this is the one place that touches a
//! terminal, standard input and the process environment. It never hashes,
//! parses or writes an htpasswd file itself; that is the library's job.

pub mod exit;
pub mod failure;
pub mod input;
pub mod interrupt;
pub mod json;
pub mod password;
pub mod platform;
pub mod report;

pub use exit::Exit;
pub use failure::Failure;
