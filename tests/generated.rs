//! Generated files are committed, and must match what the program makes
//! now: the completion scripts (`completions/`) and the man pages of
//! `htpass` (`man/htpass.1`, `man/htpass-COMMAND.1`). After changing an
//! option, run `HTPASS_BLESS=1 cargo test --locked generated` to rewrite them.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{TestDir, htpass};

const SHELLS: [(&str, &str); 5] = [
    ("bash", "htpass.bash"),
    ("zsh", "_htpass"),
    ("fish", "htpass.fish"),
    ("elvish", "htpass.elv"),
    ("powershell", "_htpass.ps1"),
];

fn repository(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn blessing() -> bool {
    std::env::var_os("HTPASS_BLESS").is_some_and(|value| value == "1")
}

/// Compares a committed file with what was made now, or rewrites it when
/// blessing. Returns a description of the difference, if any.
fn compare(committed: &Path, made: &[u8]) -> Option<String> {
    if blessing() {
        fs::write(committed, made).expect("rewrite the committed file");
        return None;
    }
    match fs::read(committed) {
        Ok(bytes) if bytes == made => None,
        Ok(_) => Some(format!("{} is stale", committed.display())),
        Err(error) => Some(format!("{}: {error}", committed.display())),
    }
}

#[test]
fn completion_scripts_are_current() {
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let output = htpass().args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "completions {shell} failed");
        assert!(
            !output.stdout.is_empty(),
            "completions {shell} printed nothing"
        );
        stale.extend(compare(
            &repository(&format!("completions/{file}")),
            &output.stdout,
        ));
    }
    assert!(
        stale.is_empty(),
        "{}; run HTPASS_BLESS=1 cargo test --locked generated",
        stale.join("; ")
    );
}

#[test]
fn completions_know_every_command() {
    let output = htpass().args(["completions", "bash"]).output().unwrap();
    let script = String::from_utf8(output.stdout).unwrap();
    for command in [
        "create",
        "add",
        "verify",
        "delete",
        "list",
        "hash",
        "check",
        "export",
        "completions",
    ] {
        assert!(script.contains(command), "bash completion lacks {command}");
    }
    assert!(script.contains("--batch") && script.contains("k8s-secret"));
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    htpass()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("possible values"));
}

#[test]
fn man_pages_are_current() {
    let dir = TestDir::new();
    htpass()
        .arg("manpages")
        .arg(dir.path(""))
        .assert()
        .success();
    let made = dir.names();
    assert!(made.contains(&"htpass.1".to_owned()), "{made:?}");
    for command in ["add", "check", "export", "hash", "completions"] {
        assert!(
            made.contains(&format!("htpass-{command}.1")),
            "no page for {command}: {made:?}"
        );
    }
    let mut stale = Vec::new();
    for name in &made {
        stale.extend(compare(
            &repository(&format!("man/{name}")),
            &dir.read(name),
        ));
    }
    // A page for a command that no longer exists is stale too.
    let committed: Vec<String> = fs::read_dir(repository("man"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("htpass") && name != "htpasswd.1")
        .collect();
    for name in committed {
        if !made.contains(&name) {
            stale.push(format!("man/{name} is no longer made"));
        }
    }
    assert!(
        stale.is_empty(),
        "{}; run HTPASS_BLESS=1 cargo test --locked generated",
        stale.join("; ")
    );
}
