//! nginx's `auth_basic_user_file`, live: one nginx per test, serving a
//! static file behind basic auth.

use std::path::Path;
use std::process::Command;

use super::http::get_with_basic_auth;
use super::matrix::{Answer, Cells, Reader};
use super::server::{self, RunningServer};
use super::writers::{Writer, write_file};
use crate::util::TestDir;

const NGINX: &str = "/usr/sbin/nginx";

/// The protected file. A static file, not `return 200`: `return` answers in
/// the rewrite phase, before nginx ever checks the password.
const PROTECTED: &str = "/protected.txt";

/// nginx protecting [`PROTECTED`] with `htpasswd_file`.
pub struct Nginx {
    server: RunningServer,
}

impl Nginx {
    pub fn start(dir: &TestDir, htpasswd_file: &Path) -> Nginx {
        server::require_program(NGINX, "nginx");
        let port = server::free_port();
        for subdir in ["nginx-www", "nginx-temp"] {
            std::fs::create_dir_all(dir.path(subdir)).expect("create nginx's directories");
        }
        dir.write(&format!("nginx-www{PROTECTED}"), "protected\n");
        let error_log = dir.path("nginx-error.log");
        let config = dir.write("nginx.conf", nginx_config(dir, port, htpasswd_file));
        let mut command = Command::new(NGINX);
        command
            // -e: the error log before the configuration is read, too.
            .arg("-e")
            .arg(&error_log)
            .arg("-p")
            .arg(dir.path(""))
            .arg("-c")
            .arg(&config);
        Nginx {
            server: RunningServer::start("nginx", command, port, dir, &[error_log]),
        }
    }

    /// The status of a GET of the protected file with these credentials.
    pub fn get(&self, user: &str, password: &str) -> Result<u16, String> {
        get_with_basic_auth(self.server.port(), PROTECTED, user, password)
    }

    pub fn logs(&self) -> String {
        self.server.logs()
    }
}

/// A configuration that keeps every path nginx writes in the test directory.
/// `master_process off` makes nginx one process: killing it stops all of
/// it, and it never switches to a worker user (`nobody` when run as root)
/// that could not read the test directory.
fn nginx_config(dir: &TestDir, port: u16, htpasswd_file: &Path) -> String {
    let path = |name: &str| dir.path(name).display().to_string();
    format!(
        r#"daemon off;
master_process off;
pid "{pid}";
error_log "{error_log}" info;
events {{
    worker_connections 64;
}}
http {{
    access_log off;
    client_body_temp_path "{temp}/body";
    proxy_temp_path "{temp}/proxy";
    fastcgi_temp_path "{temp}/fastcgi";
    uwsgi_temp_path "{temp}/uwsgi";
    scgi_temp_path "{temp}/scgi";
    server {{
        listen 127.0.0.1:{port};
        root "{root}";
        location / {{
            auth_basic "interop";
            auth_basic_user_file "{htpasswd}";
        }}
    }}
}}
"#,
        pid = path("nginx.pid"),
        error_log = path("nginx-error.log"),
        temp = path("nginx-temp"),
        root = path("nginx-www"),
        htpasswd = htpasswd_file.display(),
    )
}

/// Writes `writer`'s file, starts nginx on it and asks every cell.
fn nginx_reads(writer: Writer) {
    let dir = TestDir::new();
    let file = write_file(writer, &dir, "htpasswd");
    let nginx = Nginx::start(&dir, &file.path);
    Cells::ask(Reader::Nginx, &file, |user, password| {
        Answer::from_http(nginx.get(user, password))
    })
    .assert_all_as_expected(&nginx.logs());
}

#[test]
fn nginx_reads_htpass_files() {
    nginx_reads(Writer::Htpass);
}

#[test]
fn nginx_reads_our_htpasswd_files() {
    nginx_reads(Writer::OurHtpasswd);
}

#[test]
fn nginx_reads_apache_htpasswd_files() {
    nginx_reads(Writer::ApacheHtpasswd);
}

#[test]
fn nginx_reads_hand_built_ssha_and_plain_scheme_lines() {
    nginx_reads(Writer::HandBuilt);
}

#[test]
fn nginx_reads_mkpasswd_yescrypt_lines() {
    nginx_reads(Writer::Mkpasswd);
}
