//! htpass: Apache htpasswd files, done safely.
//!
//! The library does the work; the `htpass` and `htpasswd` programs are thin
//! front-ends over it. It knows nothing of argument parsing or terminals:
//! `cargo check --lib --no-default-features` proves that.
//!
//! | module | job |
//! |---|---|
//! | [`hash`] | generate and verify every htpasswd hash format |
//! | [`secret`] | [`Password`]: zeroized, never printed, compared in constant time |
//! | [`username`] | [`Username`]: the rules a user name must meet, in one place |
//! | [`file`](mod@file) | streaming, byte-preserving reading and editing of htpasswd lines |
//! | [`check`](mod@check) | lint: how each server will read a file (the server table, per-line findings, the duplicate finder) |
//! | [`store`] | safe updates: lock, temp file, fsync, rename; in place from a recovery copy where FILE cannot be renamed over |
//! | [`group`] | Apache group files (`AuthGroupFile`), read as Apache reads them, changed through the store |
//! | [`batch`] | many `user:password` lines, checked first, hashed on every core |
//! | [`sync`] | a declared user set and FILE's entries → add, update, remove or keep each user, in one write or none |
//! | [`render`] | a file or an entry for where it goes: compose, Kubernetes Secret, Caddy; what each destination refuses |
//! | [`reuse`] | `--reuse-from`: last run's hashes, reused where the password still verifies |
//! | [`interrupt`] | abandoning a change cleanly when the user interrupts |
//! | [`error`] | [`Error`]: one variant per user mistake |
//! | `sys` | the per-platform part: locks, file identity, modes and owners |
//!
//! ```
//! use htpass::{hash, Password};
//! let password = Password::from("s3cret");
//! let params = hash::Params::default_for(hash::Algorithm::Apr1);
//! let stored = hash::hash_password(&password, &params).unwrap();
//! assert!(hash::verify(&password, &stored, hash::VerifyPolicy::default()).is_match());
//! ```
#![forbid(unsafe_code)]

pub mod batch;
pub mod check;
pub mod error;
pub mod file;
pub mod group;
pub mod hash;
pub mod interrupt;
pub mod render;
pub mod reuse;
pub mod secret;
pub mod store;
pub mod sync;
mod sys;
pub mod username;

pub use error::Error;
pub use secret::Password;
pub use username::Username;

#[cfg(feature = "cli")]
pub mod frontend;
