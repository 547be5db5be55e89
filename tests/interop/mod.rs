//! Interop against the real readers of htpasswd files: nginx, Apache httpd
//! and the Docker registry as live servers, `htpass verify` and Apache's
//! `htpasswd -v` as programs, and `kubectl` for the Secret that
//! `htpass export` renders.
//!
//! # The matrix
//!
//! Writers ([`writers::Writer`]): `htpass add`, our `htpasswd -b`, Apache's
//! `htpasswd -b` (`/usr/bin/htpasswd`, always by absolute path: ours has the
//! same name), lines the test builds by hand for the two formats nobody
//! writes, `{SSHA}` and `{PLAIN}`, and libxcrypt's `mkpasswd -m yescrypt`
//! for `$y$` lines as `/etc/shadow` holds them. Each writer writes one file
//! with a user for every algorithm it can write and each of two passwords
//! (one with a space, `$` and `:`, one in UTF-8).
//!
//! Readers ([`matrix::Reader`]): nginx, Apache httpd, the Docker registry,
//! `htpass verify`, Apache's `htpasswd -vb` and ours. [`matrix::Reader::accepts`] is
//! the one table of what each reader really accepts. For every entry the right
//! password must get the reader's expected answer (HTTP 200 or exit 0 where
//! the algorithm is supported, a refusal where it is not), a wrong password
//! must be refused (401, or a nonzero exit), and so must a user who is not in
//! the file.
//!
//! There is one test per (reader, writer). It starts its server once, asks
//! every cell, and panics once with a table of the failing cells and the
//! server's log, so a failure shows the whole picture. Run with
//! `--nocapture` to see every cell and its answer.
//!
//! # How the servers run
//!
//! Each server runs in the foreground as a child of the test, with its own
//! minimal configuration, logs, pid file and htpasswd file in a [`TestDir`],
//! listening on a free port of 127.0.0.1 only ([`server`]). The test waits
//! until the port accepts connections (10 s at most, then it panics with the
//! server's log) and a guard kills the server when dropped, so a failing
//! assertion still stops it. Every server runs as one process, so killing it
//! leaves nothing behind: nginx with `master_process off` (which also means
//! it never switches to the `nobody` worker user when run as root), Apache
//! httpd with `-X`, the registry as it comes. Run as root, Apache httpd
//! refuses to serve as root and switches to `nobody`, so the test directory
//! is then opened to everyone ([`server::open_to_all`]).
//!
//! HTTP requests are made by hand over a `TcpStream` ([`http`]): no curl.
//!
//! # kubectl
//!
//! See [`kubectl`]: `kubectl apply --dry-run=client` still asks an API server
//! for discovery, so the test serves a minimal fake one.
//!
//! [`apache_groups`] runs Apache httpd with `Require group` on group files
//! that `htpass group` writes.
//!
//! [`readme`] runs the README's recipes as written, against the same fake
//! API server (which keeps what kubectl creates, so a recipe run twice
//! meets its first Secret), the real registry and a real Caddy.
//!
//! # Caddy
//!
//! Caddy cannot read an htpasswd file: [`caddy`] loads what `export
//! --format caddyfile` and `caddy-json` print into a real Caddy and checks
//! that each user gets in with its password.
//!
//! [`shapes`] holds `check` to what nginx and Apache httpd do with hashes
//! it calls malformed, and with schemes htpass names but cannot verify.
//!
//! Like the rest of the live tests, these fail with an install hint, never
//! skip, when a program is missing: a skipped interop test proves nothing.
//!
//! [`TestDir`]: crate::util::TestDir

mod apache_groups;
mod apache_httpd;
mod caddy;
mod cli_readers;
mod http;
mod kubectl;
mod matrix;
mod nginx;
mod readme;
mod registry;
mod server;
mod shapes;
mod writers;
