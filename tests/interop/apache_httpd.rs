//! Apache httpd's `AuthUserFile` (`mod_authn_file`), live: one httpd per test
//! with a minimal configuration of its own (none of `/etc/apache2`), serving a
//! static file behind basic auth.

use std::path::Path;
use std::process::Command;

use super::http::get_with_basic_auth;
use super::matrix::{Answer, Cells, Reader};
use super::server::{self, RunningServer};
use super::writers::{Writer, write_file};
use crate::util::TestDir;

pub(super) const APACHE2: &str = "/usr/sbin/apache2";
pub(super) const MODULES: &str = "/usr/lib/apache2/modules";

/// The protected file.
const PROTECTED: &str = "/protected.txt";

/// Apache httpd protecting [`PROTECTED`] with `htpasswd_file`.
pub struct ApacheHttpd {
    server: RunningServer,
}

impl ApacheHttpd {
    pub fn start(dir: &TestDir, htpasswd_file: &Path) -> ApacheHttpd {
        server::require_program(APACHE2, "apache2");
        let port = server::free_port();
        std::fs::create_dir_all(dir.path("httpd-www")).expect("create httpd's document root");
        dir.write(&format!("httpd-www{PROTECTED}"), "protected\n");
        let as_root = server::running_as_root(dir);
        let config = dir.write(
            "httpd.conf",
            httpd_config(dir, port, htpasswd_file, as_root),
        );
        if as_root {
            // httpd will not serve as root: it switches to `nobody`, which
            // must still read the document root and the htpasswd file.
            server::open_to_all(dir);
        }
        let mut command = Command::new(APACHE2);
        // -X: one process, in the foreground, so that killing it stops all of it.
        command.arg("-X").arg("-f").arg(&config);
        ApacheHttpd {
            server: RunningServer::start(
                "httpd",
                command,
                port,
                dir,
                &[dir.path("httpd-error.log")],
            ),
        }
    }

    pub fn get(&self, user: &str, password: &str) -> Result<u16, String> {
        get_with_basic_auth(self.server.port(), PROTECTED, user, password)
    }

    pub fn logs(&self) -> String {
        self.server.logs()
    }
}

/// The least httpd needs to serve a file behind basic auth, with every path
/// it writes in the test directory.
fn httpd_config(dir: &TestDir, port: u16, htpasswd_file: &Path, as_root: bool) -> String {
    let path = |name: &str| dir.path(name).display().to_string();
    let modules = [
        ("mpm_prefork_module", "mod_mpm_prefork.so"),
        ("authn_core_module", "mod_authn_core.so"),
        ("authn_file_module", "mod_authn_file.so"),
        ("authz_core_module", "mod_authz_core.so"),
        ("authz_user_module", "mod_authz_user.so"),
        ("auth_basic_module", "mod_auth_basic.so"),
    ]
    .map(|(name, file)| format!("LoadModule {name} \"{MODULES}/{file}\"\n"))
    .concat();
    // Without User and Group, httpd started as root tries uid -1 (AH02155).
    let user = if as_root {
        "User nobody\nGroup nogroup\n"
    } else {
        ""
    };
    format!(
        r#"ServerRoot "{server_root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{pid}"
DefaultRuntimeDir "{server_root}"
ErrorLog "{error_log}"
LogLevel info
{modules}{user}DocumentRoot "{root}"
<Directory "{root}">
    AuthType Basic
    AuthName "interop"
    AuthBasicProvider file
    AuthUserFile "{htpasswd}"
    Require valid-user
</Directory>
"#,
        server_root = dir.path("").display(),
        pid = path("httpd.pid"),
        error_log = path("httpd-error.log"),
        root = path("httpd-www"),
        htpasswd = htpasswd_file.display(),
    )
}

/// Writes `writer`'s file, starts httpd on it and asks every cell.
fn apache_httpd_reads(writer: Writer) {
    let dir = TestDir::new();
    let file = write_file(writer, &dir, "htpasswd");
    let httpd = ApacheHttpd::start(&dir, &file.path);
    Cells::ask(Reader::ApacheHttpd, &file, |user, password| {
        Answer::from_http(httpd.get(user, password))
    })
    .assert_all_as_expected(&httpd.server.logs());
}

#[test]
fn apache_httpd_reads_htpass_files() {
    apache_httpd_reads(Writer::Htpass);
}

#[test]
fn apache_httpd_reads_our_htpasswd_files() {
    apache_httpd_reads(Writer::OurHtpasswd);
}

#[test]
fn apache_httpd_reads_apache_htpasswd_files() {
    apache_httpd_reads(Writer::ApacheHtpasswd);
}

#[test]
fn apache_httpd_refuses_hand_built_ssha_and_plain_scheme_lines() {
    apache_httpd_reads(Writer::HandBuilt);
}

#[test]
fn apache_httpd_reads_mkpasswd_yescrypt_lines() {
    apache_httpd_reads(Writer::Mkpasswd);
}
