//! `htpass export FILE` and `htpass hash --format compose|k8s-secret`:
//! output for docker-compose and Kubernetes. kubectl reading these
//! manifests is tested in `interop::kubectl`.

use base64::Engine as _;

use crate::util::{TestDir, htpass, verifies};

const FILE: &str = "# ops team\nalice:$apr1$abcdefgh$0123456789abcdefghijkl\nbob:$2y$05$aaaaaaaaaaaaaaaaaaaaaOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";

fn stdout_of(command: &mut assert_cmd::Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The value of `  KEY: VALUE` in a manifest.
fn field<'a>(manifest: &'a str, key: &str) -> Option<&'a str> {
    manifest
        .lines()
        .find_map(|line| line.trim_start().strip_prefix(&format!("{key}: ")))
}

fn decode(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("standard base64")
}

#[test]
fn a_secret_holds_the_whole_file() {
    let dir = TestDir::new();
    dir.write("users", FILE);
    let manifest = stdout_of(
        dir.htpass()
            .args(["export", "users", "--format", "k8s-secret"]),
    );
    assert!(
        manifest.starts_with("apiVersion: v1\nkind: Secret\n"),
        "{manifest}"
    );
    assert_eq!(field(&manifest, "name"), Some("basic-auth"));
    assert_eq!(field(&manifest, "type"), Some("Opaque"));
    assert_eq!(field(&manifest, "namespace"), None);
    assert_eq!(decode(field(&manifest, "auth").unwrap()), FILE.as_bytes());
}

#[test]
fn readers_choose_the_key_and_names_are_kept() {
    let dir = TestDir::new();
    dir.write("users", FILE);
    for (extra, key) in [
        (&["--for", "ingress-nginx"][..], "auth"),
        (&["--for", "traefik"], "users"),
        (&["--for", "envoy-gateway"], ".htpasswd"),
        (&["--secret-key", "htpasswd"], "htpasswd"),
    ] {
        let manifest = stdout_of(
            dir.htpass()
                .args(["export", "users", "--format", "k8s-secret"])
                .args(["--secret-name", "web-auth", "--namespace", "prod"])
                .args(extra),
        );
        assert_eq!(field(&manifest, "name"), Some("web-auth"));
        assert_eq!(field(&manifest, "namespace"), Some("prod"));
        assert_eq!(
            decode(field(&manifest, key).unwrap()),
            FILE.as_bytes(),
            "{key}"
        );
    }
}

#[test]
fn names_kubernetes_would_refuse_are_usage_errors() {
    let dir = TestDir::new();
    dir.write("users", FILE);
    for extra in [
        &["--secret-name", "Basic_Auth"][..],
        &["--namespace", "a.b"],
        &["--secret-key", "a/b"],
        &["--secret-key", "k", "--for", "traefik"],
    ] {
        dir.htpass()
            .args(["export", "users", "--format", "k8s-secret"])
            .args(extra)
            .assert()
            .code(2)
            .stdout("");
    }
    // Secret options with another format say so.
    dir.htpass()
        .args(["export", "users", "--format", "json", "--namespace", "x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--namespace applies only to --format k8s-secret",
        ));
}

#[test]
fn a_file_over_a_mebibyte_is_too_long_for_a_secret() {
    let dir = TestDir::new();
    let line = format!("user:{}\n", "x".repeat(1000));
    dir.write("users", line.repeat(1100));
    dir.htpass()
        .args(["export", "users", "--format", "k8s-secret"])
        .assert()
        .code(5)
        .stdout("")
        .stderr(predicates::str::contains(
            "Kubernetes takes at most 1048576",
        ));
}

#[test]
fn compose_joins_entries_with_every_dollar_doubled() {
    let dir = TestDir::new();
    dir.write("users", FILE);
    let value = stdout_of(
        dir.htpass()
            .args(["export", "users", "--format", "compose"]),
    );
    let expected = format!(
        "{}\n",
        FILE.lines()
            .skip(1)
            .map(|line| line.replace('$', "$$"))
            .collect::<Vec<_>>()
            .join(",")
    );
    assert_eq!(value, expected);
}

#[test]
fn json_lists_entries_exactly() {
    let dir = TestDir::new();
    dir.write("users", FILE);
    let text = stdout_of(dir.htpass().args(["export", "users", "--format", "json"]));
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = value.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["line_number"], 2);
    assert_eq!(entries[0]["user"], "alice");
    assert_eq!(entries[0]["algorithm"], "apr1");
    assert_eq!(entries[1]["hash"], FILE.lines().nth(2).unwrap()[4..]);
    assert_eq!(entries[1]["cost"], 5);
}

#[test]
fn a_malformed_line_is_not_dropped_silently() {
    let dir = TestDir::new();
    dir.write("users", "alice:x\njust some text\n");
    for format in ["compose", "json"] {
        dir.htpass()
            .args(["export", "users", "--format", format])
            .assert()
            .code(7)
            .stdout("")
            .stderr(predicates::str::contains("line 2"));
    }
    dir.htpass()
        .args(["export", "missing", "--format", "json"])
        .assert()
        .code(1);
}

#[test]
fn hash_prints_a_compose_line() {
    let line = stdout_of(htpass().args([
        "hash", "alice", "-a", "apr1", "-p", "pw", "--format", "compose",
    ]));
    let line = line.strip_suffix('\n').unwrap();
    assert!(line.starts_with("alice:$$apr1$$"), "{line}");
    assert!(
        !line.replace("$$", "").contains('$'),
        "a single $ left: {line}"
    );
    assert!(verifies(
        &line["alice:".len()..].replace("$$", "$").into_bytes(),
        "pw"
    ));
}

#[test]
fn hash_prints_a_secret_with_one_line() {
    let manifest = stdout_of(htpass().args([
        "hash",
        "alice",
        "-C",
        "4",
        "-p",
        "pw",
        "--format",
        "k8s-secret",
        "--secret-name",
        "basic-auth",
    ]));
    let content = decode(field(&manifest, "auth").unwrap());
    let line = content
        .strip_suffix(b"\n")
        .expect("one line, newline-terminated");
    let hash = line.strip_prefix(b"alice:").expect("alice's line");
    assert!(verifies(hash, "pw"));
    // Without a user there is no line to hold.
    htpass()
        .args(["hash", "-p", "pw", "--format", "k8s-secret"])
        .assert()
        .code(2);
    // A bad name fails before anything is hashed or printed.
    htpass()
        .args([
            "hash",
            "alice",
            "-p",
            "pw",
            "--format",
            "k8s-secret",
            "--secret-name",
            "X",
        ])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn a_generated_password_goes_to_stderr_and_the_secret_to_stdout() {
    let output = htpass()
        .args([
            "hash",
            "alice",
            "-C",
            "4",
            "--generate",
            "--format",
            "k8s-secret",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let password = stderr
        .lines()
        .find_map(|line| line.strip_prefix("generated password for alice: "))
        .expect("the generated password on stderr");
    let manifest = String::from_utf8(output.stdout).unwrap();
    assert!(!manifest.contains(password));
    let content = decode(field(&manifest, "auth").unwrap());
    assert!(verifies(
        content
            .strip_prefix(b"alice:")
            .unwrap()
            .strip_suffix(b"\n")
            .unwrap(),
        password
    ));
}
