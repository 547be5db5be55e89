//! A file that is not an htpasswd file (a binary, a Caddyfile, a README, the
//! wrong path) is never written: every command that would write it exits 7
//! naming the file and its first line that is neither an entry, a comment
//! nor blank, and leaves it byte for byte as it was (cli.md, "What an
//! htpasswd file is"). `check` still reads it and reports every such line.

use std::fs;

use crate::util::{TestDir, htpasswd_cmd};

/// Files users point htpass at by mistake, with the line number of their
/// first line that has no `:` (comments and blank lines do not count).
fn foreign_files() -> Vec<(&'static str, Vec<u8>, u64)> {
    let mut binary = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    binary.extend((0u8..=255).cycle().take(600));
    vec![
        ("binary", binary, 1),
        (
            "Caddyfile",
            b"example.com {\n\tbasic_auth {\n\t\talice $2a$14$x\n\t}\n}\n".to_vec(),
            1,
        ),
        (
            "README",
            b"# Users\n\nKeep the passwords: in the vault.\nSee the wiki for more\n".to_vec(),
            4,
        ),
        (
            "mostly-fine",
            b"# team\nalice:$apr1$abc$defghijklmnopqrstuvwx1\n\nnot an entry\nbob:x\n".to_vec(),
            4,
        ),
    ]
}

fn assert_refused(output: &std::process::Output, name: &str, line: u64, prefix: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(7), "{name}: {stderr}");
    assert!(
        stderr.starts_with(prefix) && stderr.contains(name),
        "{name}: the message names the file: {stderr}"
    );
    assert!(
        stderr.contains(&format!("line {line}")),
        "{name}: the message names line {line}: {stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{name}: one message: {stderr}");
}

#[test]
fn htpass_writes_nothing_to_a_file_that_is_not_an_htpasswd_file() {
    for (name, content, line) in foreign_files() {
        let dir = TestDir::new();
        dir.write(name, &content);
        let runs: [&[&str]; 4] = [
            &["add", name, "newbie", "-p", "pw"],
            &["add", name, "alice", "-p", "pw", "--no-update"],
            &["delete", name, "alice"],
            &["delete", name, "alice", "--ignore-missing"],
        ];
        for args in runs {
            let output = dir.htpass().args(args).output().expect("run htpass");
            let stderr = String::from_utf8_lossy(&output.stderr);
            // The -p warning comes first; the refusal is the last line.
            let refusal = stderr.lines().last().unwrap_or_default().to_owned() + "\n";
            let only_refusal = std::process::Output {
                status: output.status,
                stdout: output.stdout.clone(),
                stderr: refusal.into_bytes(),
            };
            assert_refused(&only_refusal, name, line, "htpass: ");
            assert!(
                stderr.contains("not an htpasswd file"),
                "{name} {args:?}: {stderr}"
            );
            assert_eq!(dir.read(name), content, "{name} {args:?}: the file changed");
            assert_eq!(dir.names(), [name], "{name} {args:?}: left something");
        }
        // A batch, too, is refused before any hashing.
        let output = dir
            .htpass()
            .args(["add", name, "--batch", "-C", "4"])
            .write_stdin("newbie:pw\n")
            .output()
            .expect("run htpass");
        assert_refused(&output, name, line, "htpass: ");
        assert_eq!(dir.read(name), content);
    }
}

#[test]
fn the_drop_in_refuses_it_too() {
    for (name, content, _) in foreign_files() {
        let dir = TestDir::new();
        let path = dir.write(name, &content);
        let output = htpasswd_cmd()
            .arg("-bs")
            .arg(&path)
            .args(["newbie", "pw"])
            .output()
            .expect("run htpasswd");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(7), "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
        assert_eq!(
            fs::read(&path).unwrap(),
            content,
            "{name}: the file changed"
        );
    }
}

#[test]
fn check_still_reads_it_and_reports_every_such_line() {
    let dir = TestDir::new();
    dir.write(
        "README",
        b"# Users\nfirst stray line\nalice:$apr1$abc$defghijklmnopqrstuvwx1\nsecond stray\n",
    );
    let output = dir
        .htpass()
        .args(["check", "README"])
        .output()
        .expect("run htpass check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(7), "{stdout}");
    assert!(stdout.contains("README:2:"), "{stdout}");
    assert!(stdout.contains("README:4:"), "{stdout}");
}
