//! The one integration-test binary: every test of the programs and of the
//! library against recorded and live Apache lives in a module here.
//!
//! Unix only: they run the Linux reference programs (Apache's htpasswd,
//! nginx, httpd, the registry) and Unix tools (FIFOs, signals, `chmod`).
//! Windows and the other targets are proven by the library's own tests and
//! `scripts/xplat-test`'s smoke run of both programs.
#![cfg(unix)]

mod apache_live;
mod batch;
mod check;
mod cli;
mod concurrency;
mod crash;
mod destinations;
mod export;
mod faults;
mod foreign_files;
mod generated;
mod golden;
mod group;
mod hostile;
mod htpasswd;
mod htpasswd_differential;
mod htpasswd_transcripts;
mod interop;
mod interrupt;
mod locks;
mod man;
mod messages;
mod mounts;
mod packaging;
mod properties;
mod reuse;
mod secrets;
mod sync;
mod util;
mod yescrypt;
