//! Apache httpd's `AuthGroupFile` (`mod_authz_groupfile`) with `Require
//! group pusher`, live, on an htpasswd file and a group file both written
//! by htpass: members get in (200), everyone else is kept out (401),
//! before and after `group add`, `group remove`, `group delete` and
//! `delete --groups`; and the reading rules that `src/group/mod.rs`
//! documents (names in any case, a group's lines together, continued
//! lines, quoted members, the 16 MiB line) are what the real server does.
//!
//! httpd reads the group file at every request, so each step is seen by
//! the next request without a restart.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::apache_httpd::{APACHE2, MODULES};
use super::http::{get_with_basic_auth, request_with_basic_auth};
use super::readme::recipe;
use super::server::{self, RunningServer};
use crate::util::TestDir;

const PROTECTED: &str = "/push/protected.txt";
const PASSWORD: &str = "s3cret pw";

/// The most bytes of a group line (before its `\n`) that Apache reads,
/// as `htpass::group::MAX_LINE_BYTES` says.
const MAX_LINE: usize = htpass::group::MAX_LINE_BYTES;

/// Apache httpd letting the members of group `pusher` read [`PROTECTED`].
struct GroupServer {
    server: RunningServer,
}

impl GroupServer {
    /// httpd protecting [`PROTECTED`]: basic auth from `users`, `Require
    /// group pusher` from `groups`.
    fn start(dir: &TestDir, users: &Path, groups: &Path) -> GroupServer {
        let auth = format!(
            r#"<Directory "{root}/www/push">
    AuthType Basic
    AuthName "registry push"
    AuthBasicProvider file
    AuthUserFile "{users}"
    AuthGroupFile "{groups}"
    Require group pusher
</Directory>
"#,
            root = dir.path("").display(),
            users = users.display(),
            groups = groups.display(),
        );
        GroupServer::with_auth(dir, &auth)
    }

    /// httpd serving `www/` of `dir` with `auth`, its access rules.
    fn with_auth(dir: &TestDir, auth: &str) -> GroupServer {
        server::require_program(APACHE2, "apache2");
        assert!(
            Path::new(MODULES).join("mod_authz_groupfile.so").is_file(),
            "mod_authz_groupfile is missing: install it with `apt-get install apache2`"
        );
        let port = server::free_port();
        std::fs::create_dir_all(dir.path("www/push")).expect("create httpd's document root");
        dir.write(&format!("www{PROTECTED}"), "for pushers\n");
        std::fs::create_dir_all(dir.path("www/v2")).expect("create httpd's document root");
        dir.write("www/v2/ping.txt", "registry\n");
        let as_root = server::running_as_root(dir);
        let config = dir.write("httpd.conf", config(dir, port, auth, as_root));
        if as_root {
            server::open_to_all(dir);
        }
        let mut command = Command::new(APACHE2);
        command.arg("-X").arg("-f").arg(&config);
        GroupServer {
            server: RunningServer::start(
                "httpd",
                command,
                port,
                dir,
                &[dir.path("httpd-error.log")],
            ),
        }
    }

    /// The status httpd answers `user` with (the right password unless
    /// `password` says otherwise).
    fn status(&self, user: &str, password: &str) -> u16 {
        get_with_basic_auth(self.server.port(), PROTECTED, user, password).unwrap_or_else(|e| {
            panic!("{user}: {e}\n{}", self.server.logs());
        })
    }

    /// Asserts who gets in: each of `users` gets 200 if it is in `inside`,
    /// else 401; `step` names the moment in the failure message.
    fn assert_members(&self, step: &str, users: &[&str], inside: &[&str]) {
        let mut wrong = Vec::new();
        for user in users {
            let expected = if inside.contains(user) { 200 } else { 401 };
            let got = self.status(user, PASSWORD);
            if got != expected {
                wrong.push(format!("{user:?}: {got}, expected {expected}"));
            }
        }
        assert!(
            wrong.is_empty(),
            "{step}:\n{}\n{}",
            wrong.join("\n"),
            self.server.logs()
        );
    }
}

/// The least httpd needs to serve `www/` with `auth`.
fn config(dir: &TestDir, port: u16, auth: &str, as_root: bool) -> String {
    let modules = [
        ("mpm_prefork_module", "mod_mpm_prefork.so"),
        ("authn_core_module", "mod_authn_core.so"),
        ("authn_file_module", "mod_authn_file.so"),
        ("authz_core_module", "mod_authz_core.so"),
        ("authz_user_module", "mod_authz_user.so"),
        ("authz_groupfile_module", "mod_authz_groupfile.so"),
        ("auth_basic_module", "mod_auth_basic.so"),
        // <Location>, <Limit>: core; nothing more.
    ]
    .map(|(name, file)| format!("LoadModule {name} \"{MODULES}/{file}\"\n"))
    .concat();
    let run_as = if as_root {
        "User nobody\nGroup nogroup\n"
    } else {
        ""
    };
    format!(
        r#"ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{root}/httpd.pid"
DefaultRuntimeDir "{root}"
ErrorLog "{root}/httpd-error.log"
LogLevel info
{modules}{run_as}DocumentRoot "{root}/www"
{auth}"#,
        root = dir.path("").display(),
    )
}

/// `htpass ARGS` in `dir`, which must succeed.
fn htpass(dir: &TestDir, args: &[&str]) {
    let output = dir.htpass().args(args).output().expect("run htpass");
    assert!(
        output.status.success(),
        "htpass {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// An htpasswd file written by `htpass add`, every user with [`PASSWORD`].
fn users_file(dir: &TestDir, users: &[&str]) -> PathBuf {
    for user in users {
        htpass(
            dir,
            &["add", "users", user, "-C", "4", "--password", PASSWORD],
        );
    }
    dir.path("users")
}

const TEAM: [&str; 4] = ["alice", "bob", "carol", "DOMAIN\\dave"];

#[test]
fn apache_lets_in_the_members_htpass_adds_and_keeps_out_the_ones_it_removes() {
    let dir = TestDir::new();
    let users = users_file(&dir, &TEAM);
    htpass(&dir, &["group", "add", "httpd.groups", "pusher", "alice"]);
    htpass(&dir, &["group", "add", "httpd.groups", "readers", "bob"]);
    let httpd = GroupServer::start(&dir, &users, &dir.path("httpd.groups"));
    httpd.assert_members("after group add pusher alice", &TEAM, &["alice"]);
    assert_eq!(httpd.status("alice", "wrong"), 401, "a wrong password");

    htpass(
        &dir,
        &[
            "group",
            "add",
            "httpd.groups",
            "pusher",
            "bob",
            "DOMAIN\\dave",
        ],
    );
    httpd.assert_members(
        "after group add pusher bob DOMAIN\\dave",
        &TEAM,
        &["alice", "bob", "DOMAIN\\dave"],
    );

    htpass(
        &dir,
        &["group", "remove", "httpd.groups", "pusher", "alice"],
    );
    httpd.assert_members(
        "after group remove pusher alice",
        &TEAM,
        &["bob", "DOMAIN\\dave"],
    );

    // The user leaves the file and the groups; added back later, the
    // user is no pusher (no lingering membership).
    htpass(
        &dir,
        &["delete", "users", "bob", "--groups", "httpd.groups"],
    );
    httpd.assert_members("after delete bob --groups", &TEAM, &["DOMAIN\\dave"]);
    users_file(&dir, &["bob"]);
    httpd.assert_members("after bob is added back", &TEAM, &["DOMAIN\\dave"]);

    htpass(&dir, &["group", "delete", "httpd.groups", "pusher"]);
    httpd.assert_members("after group delete pusher", &TEAM, &[]);
}

/// A group file written by hand with every rule of Apache's reading in
/// it: Apache lets in exactly the members `htpass group list` shows.
#[test]
fn apache_lets_in_exactly_the_members_htpass_group_list_shows() {
    let dir = TestDir::new();
    let everyone = [
        "alice",
        "bob",
        "carol",
        "dave",
        "erin",
        "frank",
        "gina",
        "john smith",
        "a\\b",
        "x\\y",
        "x\\\\y",
        "hank",
        "ivy",
    ];
    let users = users_file(&dir, &everyone);
    dir.write(
        "httpd.groups",
        concat!(
            "Pusher: alice\n",          // any ASCII case
            "readers: bob\n",           // another group
            "pusher:: carol\t\n",       // a group's lines together, '::'
            "# not \\\n",               // a comment continued...
            "pusher: dave\n",           // ...swallows this line
            "  pusher : erin\\\n",      // continued lines are joined...
            "frank \\\r\n",             // ...without a space: 'erinfrank'
            "gina\n",                   // ...and 'gina' after it
            "pusher: \"john smith\"\n", // a quoted member
            "pusher: a\\b x\\\\y\n",    // a lone '\' stays, '\\' is one
            "pusher: hank\n",
        ),
    );
    let output = dir
        .htpass()
        .args([
            "group",
            "list",
            "httpd.groups",
            "pusher",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let listed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let members: Vec<String> = listed[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|member| member.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        members,
        [
            "alice",
            "carol",
            "erinfrank",
            "gina",
            "john smith",
            "a\\b",
            "x\\y",
            "hank"
        ]
    );
    let inside: Vec<&str> = everyone
        .iter()
        .copied()
        .filter(|user| members.iter().any(|member| member == user))
        .collect();
    let httpd = GroupServer::start(&dir, &users, &dir.path("httpd.groups"));
    httpd.assert_members("the hand-written file", &everyone, &inside);
}

/// [`MAX_LINE`] is what Apache reads: a line of that many bytes is read
/// and so are the lines after it; one byte more and Apache stops reading
/// the file there (and htpass refuses the file, exit 7).
#[test]
fn apache_reads_a_group_line_of_16_mib_less_one_byte_and_stops_at_a_longer_one() {
    let dir = TestDir::new();
    let users = users_file(&dir, &["alice", "bob"]);
    let groups = dir.path("httpd.groups");
    let file = |len: usize| {
        let line = [b"pusher: bob ".as_slice(), &vec![b'x'; len - 12]].concat();
        assert_eq!(line.len(), len);
        [line.as_slice(), b"\npusher: alice\n"].concat()
    };
    std::fs::write(&groups, file(MAX_LINE)).unwrap();
    let httpd = GroupServer::start(&dir, &users, &groups);
    httpd.assert_members(
        "a line of MAX_LINE bytes",
        &["alice", "bob"],
        &["alice", "bob"],
    );
    dir.htpass()
        .args(["group", "list", "httpd.groups"])
        .assert()
        .success()
        .stdout("pusher\n");

    std::fs::write(&groups, file(MAX_LINE + 1)).unwrap();
    if server::running_as_root(&dir) {
        server::open_to_all(&dir);
    }
    httpd.assert_members("a line of MAX_LINE + 1 bytes", &["alice", "bob"], &[]);
    dir.htpass()
        .args(["group", "list", "httpd.groups"])
        .assert()
        .code(7);
}

/// The README's "Group files" recipe, run as written, then Apache httpd
/// with the README's `<Location>` block (its two paths pointed at the
/// recipe's files): everyone who logs in pulls (GET), only `pusher` gets
/// past authorization for a push (PUT: 405 from the static handler, not
/// 401); after `delete --groups`, `ci` is out, and a new `ci` may not push.
#[test]
fn registry_groups_recipe_gives_push_to_the_group_only() {
    let dir = TestDir::new();
    let script = recipe("registry-groups");
    let bin = Path::new(env!("CARGO_BIN_EXE_htpass"))
        .parent()
        .expect("the binary's directory");
    let output = assert_cmd::Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(dir.path(""))
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("PULL_PASSWORD", "pull pw")
        .env("PUSH_PASSWORD", "push$pw")
        .write_stdin(Vec::new())
        .timeout(crate::util::TIMEOUT)
        .output()
        .expect("run bash");
    assert!(
        output.status.success(),
        "the recipe failed:\n{script}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let readme = include_str!("../../README.md");
    let location = readme
        .split_once("<!-- recipe: registry-groups -->")
        .and_then(|(_, after)| after.split_once("```apache\n"))
        .and_then(|(_, block)| block.split_once("\n```"))
        .expect("the recipe's apache block")
        .0
        .replace(
            "/usr/local/apache2/conf/httpd.htpasswd",
            &dir.path("auth/httpd.htpasswd").display().to_string(),
        )
        .replace(
            "/usr/local/apache2/conf/httpd.groups",
            &dir.path("auth/httpd.groups").display().to_string(),
        );
    let httpd = GroupServer::with_auth(&dir, &format!("{location}\n"));
    let port = httpd.server.port();
    let answer = |method: &str, user: &str, password: &str| {
        request_with_basic_auth(port, method, "/v2/ping.txt", user, password)
            .unwrap_or_else(|e| panic!("{method} {user}: {e}\n{}", httpd.server.logs()))
    };
    let logs = || httpd.server.logs();
    assert_eq!(answer("GET", "puller", "pull pw"), 200, "{}", logs());
    assert_eq!(answer("GET", "ci", "push$pw"), 200, "{}", logs());
    assert_eq!(answer("GET", "ci", "wrong"), 401, "{}", logs());
    assert_eq!(answer("PUT", "puller", "pull pw"), 401, "{}", logs());
    let push = answer("PUT", "ci", "push$pw");
    assert!(
        push != 401 && push != 403,
        "ci may push: {push}\n{}",
        logs()
    );

    htpass(
        &dir,
        &[
            "delete",
            "auth/httpd.htpasswd",
            "ci",
            "--groups",
            "auth/httpd.groups",
        ],
    );
    assert_eq!(answer("GET", "ci", "push$pw"), 401, "{}", logs());
    htpass(
        &dir,
        &[
            "add",
            "auth/httpd.htpasswd",
            "ci",
            "-C",
            "4",
            "--password",
            "new ci",
        ],
    );
    assert_eq!(answer("GET", "ci", "new ci"), 200, "{}", logs());
    assert_eq!(answer("PUT", "ci", "new ci"), 401, "{}", logs());
}
