//! What the programs share above the library: exit codes, password sources,
//! stderr reporting and JSON output.
//!
//! Built only with the `cli` feature: this is the one place that touches a
//! terminal, standard input and the process environment. It never hashes,
//! parses or writes an htpasswd file itself; that is the library's job.

pub mod exit;
pub mod failure;
pub mod json;
pub mod password;
pub mod report;

pub use exit::Exit;
pub use failure::Failure;
