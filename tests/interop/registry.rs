//! The Docker registry's htpasswd auth (distribution 2.8), live: one
//! registry per test, asked `GET /v2/`. It takes bcrypt only, so it is also
//! where `htpass check --for registry` must flag every other line.

use std::path::Path;
use std::process::Command;

use super::http::get_with_basic_auth;
use super::matrix::{
    Algorithm, Answer, Cells, PASSWORDS, Reader, UNKNOWN_USER, Verdict, wrong_password,
};
use super::server::{self, RunningServer};
use super::writers::{Entry, Writer, write_entries, write_file};
use crate::util::TestDir;

const REGISTRY: &str = "/usr/bin/docker-registry";

pub(super) struct Registry {
    server: RunningServer,
}

impl Registry {
    /// Starts a registry reading `htpasswd_file` (read once, at start).
    pub(super) fn start(dir: &TestDir, htpasswd_file: &Path) -> Registry {
        server::require_program(REGISTRY, "docker-registry");
        let port = server::free_port();
        let config = dir.write("registry.yml", registry_config(dir, port, htpasswd_file));
        let mut command = Command::new(REGISTRY);
        command.arg("serve").arg(&config);
        // It logs to stderr, which RunningServer keeps.
        Registry {
            server: RunningServer::start("registry", command, port, dir, &[]),
        }
    }

    pub(super) fn get_v2(&self, user: &str, password: &str) -> Answer {
        Answer::from_http(get_with_basic_auth(
            self.server.port(),
            "/v2/",
            user,
            password,
        ))
    }
}

fn registry_config(dir: &TestDir, port: u16, htpasswd_file: &Path) -> String {
    // Paths as JSON strings, which YAML reads as double-quoted scalars.
    let quoted = |path: &Path| {
        serde_json::to_string(&path.display().to_string()).expect("a path as a JSON string")
    };
    format!(
        "version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {storage}
http:
  addr: 127.0.0.1:{port}
  # Fixed, so the registry does not warn about generating one.
  secret: interop-test-secret
auth:
  htpasswd:
    realm: interop
    path: {htpasswd}
",
        storage = quoted(&dir.path("registry-storage")),
        htpasswd = quoted(htpasswd_file),
    )
}

/// Writes `writer`'s file, starts the registry on it and asks every cell.
fn registry_reads(writer: Writer) {
    let dir = TestDir::new();
    let file = write_file(writer, &dir, "htpasswd");
    let registry = Registry::start(&dir, &file.path);
    Cells::ask(Reader::Registry, &file, |user, password| {
        registry.get_v2(user, password)
    })
    .assert_all_as_expected(&registry.server.logs());
}

#[test]
fn registry_reads_htpass_files() {
    registry_reads(Writer::Htpass);
}

#[test]
fn registry_reads_our_htpasswd_files() {
    registry_reads(Writer::OurHtpasswd);
}

#[test]
fn registry_reads_apache_htpasswd_files() {
    registry_reads(Writer::ApacheHtpasswd);
}

#[test]
fn registry_refuses_hand_built_ssha_and_plain_scheme_lines() {
    registry_reads(Writer::HandBuilt);
}

#[test]
fn registry_refuses_mkpasswd_yescrypt_lines() {
    registry_reads(Writer::Mkpasswd);
}

/// The file of the two tests below: line 1 a bcrypt user, line 2 an apr1 user
/// (both by htpass), which the registry cannot verify.
fn bcrypt_then_apr1(dir: &TestDir) -> Vec<Entry> {
    let entries = vec![
        Entry {
            user: "builder".to_owned(),
            algorithm: Algorithm::Bcrypt,
            password: PASSWORDS[0],
        },
        Entry {
            user: "legacy".to_owned(),
            algorithm: Algorithm::Apr1,
            password: PASSWORDS[0],
        },
    ];
    write_entries(Writer::Htpass, dir, "registry.htpasswd", entries).entries
}

#[test]
fn registry_accepts_bcrypt_and_refuses_apr1() {
    let dir = TestDir::new();
    let [bcrypt, apr1] = <[Entry; 2]>::try_from(bcrypt_then_apr1(&dir)).expect("two entries");
    let registry = Registry::start(&dir, &dir.path("registry.htpasswd"));
    let password = PASSWORDS[0].text;
    let checks = [
        (
            "bcrypt user, right password",
            registry.get_v2(&bcrypt.user, password),
            Verdict::Accepted,
        ),
        (
            "bcrypt user, wrong password",
            registry.get_v2(&bcrypt.user, &wrong_password(password)),
            Verdict::Refused,
        ),
        (
            "apr1 user, right password",
            registry.get_v2(&apr1.user, password),
            Verdict::Refused,
        ),
        (
            "unknown user",
            registry.get_v2(UNKNOWN_USER, password),
            Verdict::Refused,
        ),
    ];
    let failures: Vec<String> = checks
        .iter()
        .filter(|(_, answer, expected)| answer.verdict != *expected)
        .map(|(what, answer, expected)| {
            format!("{what}: expected {expected:?}, got {}", answer.shown)
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{}\n{}",
        failures.join("\n"),
        registry.server.logs()
    );
}

/// `htpass check --for registry` must say, before the registry does, that
/// line 2 (apr1) will never let its user in.
#[test]
fn registry_rejected_line_is_flagged_by_check() {
    let dir = TestDir::new();
    bcrypt_then_apr1(&dir);
    let output = dir
        .htpass()
        .args(["check", "registry.htpasswd", "--for", "registry"])
        .output()
        .expect("run htpass check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let shown = format!(
        "{}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        output.status.code(),
        Some(7),
        "check must fail (exit 7): {shown}"
    );
    assert!(
        stdout.lines().any(|line| line.contains(":2:")),
        "check must name line 2 (the apr1 user) as FILE:2: ...: {shown}"
    );
}
