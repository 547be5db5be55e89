//! Caddy, live: what `htpass export --format caddyfile` and `caddy-json`
//! print is loaded by a real Caddy, which lets every user in with that
//! user's password and nobody else. The names are the awkward ones: white
//! space, quotes, a backtick, a backslash, `#`, `<<`, non-ASCII, and (in
//! JSON, which alone can carry them) braces that Caddy's placeholder
//! replacer would expand (`{env.HOME}`) if htpass did not escape them. The
//! Caddyfile block is imported, as the README shows, which is where a
//! brace's escape would be lost: such names are refused for it.
//!
//! Caddy runs as one process (a Go binary), with its admin endpoint off,
//! no automatic HTTPS, and its data and config directories in the test
//! directory. Debian 12 ships Caddy 2.6.2, where the directive is still
//! named `basicauth` (2.8 renamed it `basic_auth` and kept the old name as
//! an alias): on a Caddy before 2.8 the test renames it in the file it
//! imports, and nothing else.

use std::path::Path;
use std::process::Command;

use super::http::get_with_basic_auth;
use super::server::{self, RunningServer};
use crate::util::TestDir;

pub(super) const CADDY: &str = "/usr/bin/caddy";

/// A Caddy that answers 200 behind basic auth.
pub(super) struct Caddy {
    server: RunningServer,
}

impl Caddy {
    /// Caddy with a Caddyfile that imports `block` (a `basic_auth` block).
    pub(super) fn with_caddyfile_block(dir: &TestDir, block: &Path) -> Caddy {
        server::require_program(CADDY, "caddy");
        let port = server::free_port();
        let mut text = std::fs::read_to_string(block).expect("read the basic_auth block");
        if !directive_renamed() {
            text = text.replacen("basic_auth {", "basicauth {", 1);
        }
        let imported = dir.write("caddy-basic-auth.caddy", text);
        let caddyfile = dir.write(
            "Caddyfile",
            format!(
                "{{\n\tadmin off\n\tauto_https off\n}}\n\
                 http://127.0.0.1:{port} {{\n\timport {imported}\n\trespond \"ok\" 200\n}}\n",
                imported = imported.display(),
            ),
        );
        Caddy::run(dir, port, &caddyfile, Some("caddyfile"))
    }

    /// Caddy with a JSON config whose `http_basic` accounts are `accounts`.
    pub(super) fn with_json_accounts(dir: &TestDir, accounts: &str) -> Caddy {
        server::require_program(CADDY, "caddy");
        let port = server::free_port();
        let accounts: serde_json::Value =
            serde_json::from_str(accounts).expect("the accounts are JSON");
        let config = serde_json::json!({
            "admin": {"disabled": true},
            "storage": {"module": "file_system", "root": dir.path("caddy-storage")},
            "apps": {"http": {"servers": {"interop": {
                "listen": [format!("127.0.0.1:{port}")],
                "automatic_https": {"disable": true},
                "routes": [{"handle": [
                    {"handler": "authentication", "providers": {"http_basic": {"accounts": accounts}}},
                    {"handler": "static_response", "status_code": 200, "body": "ok"},
                ]}],
            }}}},
        });
        let path = dir.write("caddy.json", config.to_string());
        Caddy::run(dir, port, &path, None)
    }

    fn run(dir: &TestDir, port: u16, config: &Path, adapter: Option<&str>) -> Caddy {
        let home = dir.path("caddy-home");
        std::fs::create_dir_all(&home).expect("create Caddy's home");
        let mut command = Command::new(CADDY);
        command
            .args(["run", "--config"])
            .arg(config)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"));
        if let Some(adapter) = adapter {
            command.args(["--adapter", adapter]);
        }
        Caddy {
            server: RunningServer::start("caddy", command, port, dir, &[]),
        }
    }

    /// The status of a GET with these credentials.
    pub(super) fn get(&self, user: &str, password: &str) -> Result<u16, String> {
        get_with_basic_auth(self.server.port(), "/", user, password)
    }

    pub(super) fn logs(&self) -> String {
        self.server.logs()
    }

    /// Checks that each user gets in with its password, and not with
    /// another, and that `strangers` do not get in at all.
    pub(super) fn assert_logins(&self, users: &[(&str, &str)], strangers: &[&str]) {
        for (user, password) in users {
            assert_eq!(
                self.get(user, password),
                Ok(200),
                "{user:?} with its password:\n{}",
                self.logs()
            );
            assert_eq!(
                self.get(user, "wrong"),
                Ok(401),
                "{user:?} with a wrong password"
            );
        }
        for stranger in strangers {
            assert_eq!(self.get(stranger, "pw"), Ok(401), "{stranger:?}");
        }
    }
}

/// Whether this Caddy knows the directive as `basic_auth` (2.8 and later).
fn directive_renamed() -> bool {
    let output = Command::new(CADDY)
        .arg("version")
        .output()
        .expect("run caddy version");
    let version = String::from_utf8_lossy(&output.stdout);
    let number = version
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_start_matches('v');
    let mut parts = number
        .split('.')
        .map(|part| part.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (2, 8)
}

/// Users whose names a Caddyfile or a placeholder would mangle, each with
/// its password and the bcrypt prefix its hash gets.
const USERS: &[(&str, &str, &str)] = &[
    ("alice", "alice pw", "2y"),
    ("bob smith", "b0b:pw", "2a"),
    ("say \"hi\"", "q pw", "2b"),
    ("tick`x", "t pw", "2y"),
    ("back\\slash", "b pw", "2y"),
    ("x #not-a-comment", "c pw", "2y"),
    ("<<EOF", "h pw", "2y"),
    ("j\u{f6}rg \u{1f600}", "u pw", "2y"),
];

/// Users only JSON can carry.
const BRACED: &[(&str, &str, &str)] = &[
    ("{env.HOME}", "home pw", "2b"),
    ("back\\slash{x}", "bx pw", "2y"),
    ("x{$HOME}", "env pw", "2a"),
];

/// A file with `users`, bcrypt at cost 4 with each user's prefix.
fn users_file(dir: &TestDir, users: &[(&str, &str, &str)]) {
    for (user, password, variant) in users {
        dir.htpass()
            .args(["add", "users", user, "-C", "4", "--bcrypt-variant", variant])
            .args(["--password", password])
            .assert()
            .success();
    }
}

fn export(dir: &TestDir, format: &str) -> Vec<u8> {
    let output = dir
        .htpass()
        .args(["export", "users", "--format", format])
        .output()
        .expect("run htpass export");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn logins(users: &[(&'static str, &'static str, &str)]) -> Vec<(&'static str, &'static str)> {
    users
        .iter()
        .map(|(user, password, _)| (*user, *password))
        .collect()
}

#[test]
fn caddy_reads_the_caddyfile_block_and_lets_each_user_in() {
    let dir = TestDir::new();
    users_file(&dir, USERS);
    let block = dir.write("basic_auth.caddy", export(&dir, "caddyfile"));
    let caddy = Caddy::with_caddyfile_block(&dir, &block);
    caddy.assert_logins(&logins(USERS), &["bob", "smith", "say", "tick", ""]);
}

#[test]
fn caddy_reads_the_json_accounts_and_lets_each_user_in() {
    let dir = TestDir::new();
    users_file(&dir, USERS);
    users_file(&dir, BRACED);
    let accounts = String::from_utf8(export(&dir, "caddy-json")).expect("UTF-8");
    let caddy = Caddy::with_json_accounts(&dir, &accounts);
    let home = dir.path("caddy-home").display().to_string();
    let mut users = logins(USERS);
    users.extend(logins(BRACED));
    // What the braces would have become, had they not been escaped.
    caddy.assert_logins(&users, &["bob", &home, "back\\slash", &format!("x{home}")]);
}
