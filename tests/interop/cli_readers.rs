//! The programs that read a file without a server: `htpass verify`,
//! Apache's `htpasswd -vb` and ours. All exit 0 for a match, 3 for a
//! mismatch and 6 for a missing user.

use super::matrix::{Answer, Cells, Reader};
use super::server::require_program;
use super::writers::{APACHE_HTPASSWD, Writer, WrittenFile, write_file};
use crate::util::{self, TestDir};

/// Exit codes that refuse: 3 (mismatch) and 6 (no such user).
const REFUSALS: [i32; 2] = [3, 6];

fn htpass_verify(file: &WrittenFile, user: &str, password: &str) -> Answer {
    let output = util::htpass()
        .arg("verify")
        .arg(&file.path)
        .arg(user)
        .arg("--password-stdin")
        .write_stdin(format!("{password}\n"))
        .output()
        .expect("run htpass verify");
    Answer::from_exit(output.status.code(), &REFUSALS)
}

fn apache_verify(file: &WrittenFile, user: &str, password: &str) -> Answer {
    let output = assert_cmd::Command::new(APACHE_HTPASSWD)
        .timeout(util::TIMEOUT)
        .arg("-vb")
        .arg(&file.path)
        .args([user, password])
        .output()
        .expect("run Apache's htpasswd -vb");
    Answer::from_exit(output.status.code(), &REFUSALS)
}

fn our_verify(file: &WrittenFile, user: &str, password: &str) -> Answer {
    let output = util::htpasswd_cmd()
        .arg("-vb")
        .arg(&file.path)
        .args([user, password])
        .output()
        .expect("run our htpasswd -vb");
    Answer::from_exit(output.status.code(), &REFUSALS)
}

fn cli_reads(reader: Reader, writer: Writer) {
    let dir = TestDir::new();
    let file = write_file(writer, &dir, "htpasswd");
    let cells = match reader {
        Reader::HtpassVerify => Cells::ask(reader, &file, |user, password| {
            htpass_verify(&file, user, password)
        }),
        Reader::ApacheVerify => {
            require_program(APACHE_HTPASSWD, "apache2-utils");
            Cells::ask(reader, &file, |user, password| {
                apache_verify(&file, user, password)
            })
        }
        Reader::OurHtpasswdVerify => Cells::ask(reader, &file, |user, password| {
            our_verify(&file, user, password)
        }),
        _ => panic!("{} is a server, not a program", reader.name()),
    };
    let file_text = String::from_utf8_lossy(&dir.read("htpasswd")).into_owned();
    cells.assert_all_as_expected(&format!("the file:\n{file_text}"));
}

#[test]
fn htpass_verify_reads_htpass_files() {
    cli_reads(Reader::HtpassVerify, Writer::Htpass);
}

#[test]
fn htpass_verify_reads_our_htpasswd_files() {
    cli_reads(Reader::HtpassVerify, Writer::OurHtpasswd);
}

#[test]
fn htpass_verify_reads_apache_htpasswd_files() {
    cli_reads(Reader::HtpassVerify, Writer::ApacheHtpasswd);
}

#[test]
fn htpass_verify_reads_hand_built_ssha_and_plain_scheme_lines() {
    cli_reads(Reader::HtpassVerify, Writer::HandBuilt);
}

#[test]
fn apache_verify_reads_htpass_files() {
    cli_reads(Reader::ApacheVerify, Writer::Htpass);
}

#[test]
fn apache_verify_reads_our_htpasswd_files() {
    cli_reads(Reader::ApacheVerify, Writer::OurHtpasswd);
}

#[test]
fn apache_verify_reads_apache_htpasswd_files() {
    cli_reads(Reader::ApacheVerify, Writer::ApacheHtpasswd);
}

#[test]
fn apache_verify_refuses_hand_built_ssha_and_plain_scheme_lines() {
    cli_reads(Reader::ApacheVerify, Writer::HandBuilt);
}

#[test]
fn htpass_verify_reads_mkpasswd_yescrypt_lines() {
    cli_reads(Reader::HtpassVerify, Writer::Mkpasswd);
}

#[test]
fn apache_verify_reads_mkpasswd_yescrypt_lines() {
    cli_reads(Reader::ApacheVerify, Writer::Mkpasswd);
}

#[test]
fn our_verify_reads_htpass_files() {
    cli_reads(Reader::OurHtpasswdVerify, Writer::Htpass);
}

#[test]
fn our_verify_reads_our_htpasswd_files() {
    cli_reads(Reader::OurHtpasswdVerify, Writer::OurHtpasswd);
}

#[test]
fn our_verify_reads_apache_htpasswd_files() {
    cli_reads(Reader::OurHtpasswdVerify, Writer::ApacheHtpasswd);
}

#[test]
fn our_verify_refuses_hand_built_ssha_and_plain_scheme_lines() {
    cli_reads(Reader::OurHtpasswdVerify, Writer::HandBuilt);
}

#[test]
fn our_verify_reads_mkpasswd_yescrypt_lines() {
    cli_reads(Reader::OurHtpasswdVerify, Writer::Mkpasswd);
}
