//! `--reuse-from` (issue 13 item 2): `hash` and `export --from` render the
//! same bytes on every run while the passwords stay the same, so a GitOps
//! pipeline sees no diff and restarts nothing. The previous output is an
//! htpasswd file or a Secret as kubectl prints it; the Secrets here come
//! from the real kubectl (`kubectl create secret generic --dry-run=client`,
//! which needs no cluster). The README's recipes run twice in
//! `interop::readme`.

use std::path::Path;

use base64::Engine as _;
use predicates::prelude::*;

use crate::export::parse_yaml;
use crate::util::{TestDir, stored_hash, verifies};

const KUBECTL: &str = "/usr/bin/kubectl";

/// `kubectl create secret generic basic-auth --from-file=KEY=FILE
/// --dry-run=client -o FORMAT`: a Secret as kubectl writes it.
fn kubectl_secret(dir: &TestDir, key: &str, file: &Path, format: &str) -> Vec<u8> {
    assert!(
        Path::new(KUBECTL).exists(),
        "{KUBECTL} is missing: install it (apt-get install kubernetes-client)"
    );
    let home = dir.path("kubectl-home");
    std::fs::create_dir_all(&home).expect("kubectl's home");
    let output = assert_cmd::Command::new(KUBECTL)
        .env("HOME", &home)
        .env_remove("KUBECONFIG")
        .args([
            "create",
            "secret",
            "generic",
            "basic-auth",
            "--dry-run=client",
        ])
        .arg(format!("--from-file={key}={}", file.display()))
        .args(["-o", format])
        .write_stdin(Vec::new())
        .timeout(crate::util::TIMEOUT)
        .output()
        .expect("run kubectl");
    assert!(
        output.status.success(),
        "kubectl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The file in the one data key of the manifest `text`.
fn secret_file(text: &[u8], key: &str) -> Vec<u8> {
    let documents = parse_yaml(std::str::from_utf8(text).expect("UTF-8"));
    let encoded = documents[0]["data"][key]
        .as_str()
        .unwrap_or_else(|| panic!("no data.{key}: {documents:?}"));
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("base64")
}

#[test]
fn hash_reuses_the_entry_of_a_file_while_the_password_verifies() {
    let dir = TestDir::new();
    let first = dir.htpass_ok(&["hash", "alice", "-C", "4", "-p", "pw"], b"");
    dir.write("last", &first);
    let args = [
        "hash",
        "alice",
        "-C",
        "4",
        "-p",
        "pw",
        "--reuse-from",
        "last",
    ];
    assert_eq!(dir.htpass_ok(&args, b""), first, "the same line again");
    dir.htpass()
        .args(args)
        .assert()
        .success()
        .stderr(predicate::str::contains("alice: hash reused from last"));

    // A changed password, cost or algorithm: a new hash.
    for changed in [
        &[
            "hash",
            "alice",
            "-C",
            "4",
            "-p",
            "new",
            "--reuse-from",
            "last",
        ][..],
        &[
            "hash",
            "alice",
            "-C",
            "5",
            "-p",
            "pw",
            "--reuse-from",
            "last",
        ],
        &[
            "hash",
            "alice",
            "-a",
            "apr1",
            "-p",
            "pw",
            "--reuse-from",
            "last",
        ],
    ] {
        let line = dir.htpass_ok(changed, b"");
        assert_ne!(line, first, "{changed:?}");
        let password = changed[changed.iter().position(|a| *a == "-p").unwrap() + 1];
        assert!(verifies(stored_hash(&line, "alice").unwrap(), password));
    }
    // Another user of the same file is not reused for alice.
    dir.write(
        "last",
        b"bob:"
            .iter()
            .chain(&first[6..])
            .copied()
            .collect::<Vec<u8>>(),
    );
    assert_ne!(dir.htpass_ok(&args, b""), first);
}

#[test]
fn hash_reuses_a_secret_as_kubectl_prints_it_in_yaml_and_json() {
    let dir = TestDir::new();
    let manifest = dir.htpass_ok(
        &[
            "hash",
            "alice",
            "-C",
            "4",
            "-p",
            "pw",
            "--format",
            "k8s-secret",
        ],
        b"",
    );
    let file = dir.write("auth", secret_file(&manifest, "auth"));
    for format in ["yaml", "json"] {
        let secret = kubectl_secret(&dir, "auth", &file, format);
        let again = dir.htpass_ok(
            &[
                "hash",
                "alice",
                "-C",
                "4",
                "-p",
                "pw",
                "--format",
                "k8s-secret",
                "--reuse-from",
                "-",
            ],
            &secret,
        );
        assert_eq!(again, manifest, "from kubectl -o {format}");
    }
    // Our own manifest reads back too, and `--for` picks the key.
    dir.write("manifest.yaml", &manifest);
    let args = [
        "hash",
        "alice",
        "-C",
        "4",
        "-p",
        "pw",
        "--format",
        "k8s-secret",
    ];
    assert_eq!(
        dir.htpass_ok(
            &[&args[..], &["--reuse-from", "manifest.yaml"]].concat(),
            b""
        ),
        manifest
    );
    let traefik = dir.htpass_ok(&[&args[..], &["--for", "traefik"]].concat(), b"");
    dir.write("traefik.yaml", &traefik);
    assert_eq!(
        dir.htpass_ok(
            &[
                &args[..],
                &["--for", "traefik", "--reuse-from", "traefik.yaml"]
            ]
            .concat(),
            b""
        ),
        traefik
    );
    // --secret-key and --for choose the key for other formats too.
    let line = secret_file(&traefik, "users");
    assert_eq!(
        dir.htpass_ok(
            &[
                "hash",
                "alice",
                "-C",
                "4",
                "-p",
                "pw",
                "--for",
                "traefik",
                "--reuse-from",
                "traefik.yaml"
            ],
            b""
        ),
        line
    );
}

#[test]
fn a_missing_or_empty_reuse_source_is_nothing_to_reuse() {
    let dir = TestDir::new();
    dir.write("empty", "");
    for (source, stdin) in [
        ("missing", &b""[..]),
        ("empty", b""),
        ("-", b""),
        ("-", b" \n"),
    ] {
        let line = dir.htpass_ok(
            &[
                "hash",
                "alice",
                "-C",
                "4",
                "-p",
                "pw",
                "--reuse-from",
                source,
            ],
            stdin,
        );
        assert!(
            verifies(stored_hash(&line, "alice").unwrap(), "pw"),
            "{source}"
        );
    }
    dir.htpass()
        .args([
            "hash",
            "alice",
            "-C",
            "4",
            "-p",
            "pw",
            "--reuse-from",
            "missing",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "missing is missing or empty: nothing to reuse",
        ));
}

#[test]
fn a_reuse_source_that_is_neither_a_file_nor_a_secret_is_an_error_naming_it() {
    let dir = TestDir::new();
    dir.write("notes.txt", "alice:x\nthis is not an entry\n");
    let stderr = dir.htpass_fails(
        &["hash", "alice", "-p", "pw", "--reuse-from", "notes.txt"],
        b"",
        7,
    );
    assert!(
        stderr.contains("notes.txt: neither an htpasswd file nor a Kubernetes Secret (line 2"),
        "{stderr}"
    );
    let config_map = "apiVersion: v1\nkind: ConfigMap\ndata:\n  auth: x\n";
    let stderr = dir.htpass_fails(
        &["hash", "alice", "-p", "pw", "--reuse-from", "-"],
        config_map.as_bytes(),
        7,
    );
    assert!(
        stderr.contains("standard input: a Kubernetes ConfigMap, not a Secret"),
        "{stderr}"
    );
    let secret = "apiVersion: v1\nkind: Secret\ndata:\n  users: eA==\n";
    let stderr = dir.htpass_fails(
        &["hash", "alice", "-p", "pw", "--reuse-from", "-"],
        secret.as_bytes(),
        7,
    );
    assert!(
        stderr.contains("the Secret has no data key \"auth\" (it has: users)"),
        "{stderr}"
    );
}

#[test]
fn reuse_options_that_cannot_work_are_usage_errors() {
    let dir = TestDir::new();
    for (args, says) in [
        (
            &["hash", "alice", "--password-stdin", "--reuse-from", "-"][..],
            "--reuse-from - and --password-stdin both read standard input",
        ),
        (
            &["hash", "-p", "pw", "--reuse-from", "x"],
            "--reuse-from looks up the entry of USER",
        ),
        (
            &["hash", "alice", "--generate", "--reuse-from", "x"],
            "--generate makes a new password",
        ),
        (
            &["export", "users", "--format", "json", "--reuse-from", "x"],
            "use --from USERS",
        ),
        (
            &[
                "export",
                "--from",
                "-",
                "--format",
                "json",
                "--reuse-from",
                "-",
            ],
            "--reuse-from - and --from - both read standard input",
        ),
        (
            &["export", "users", "--format", "json", "-a", "sha1"],
            "-a applies to export --from",
        ),
    ] {
        let stderr = dir.htpass_fails(args, b"", 2);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[test]
fn export_from_a_list_renders_the_users_in_every_format() {
    let dir = TestDir::new();
    dir.write("users.txt", "# the team\nalice:one\r\nbob:two:2\n");
    let json = dir.htpass_ok(
        &[
            "export",
            "--from",
            "users.txt",
            "--format",
            "json",
            "-C",
            "4",
        ],
        b"",
    );
    let entries: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 2, "{entries}");
    assert_eq!(entries[0]["user"], "alice");
    assert_eq!(entries[1]["line_number"], 2);
    assert!(verifies(
        entries[1]["hash"].as_str().unwrap().as_bytes(),
        "two:2"
    ));

    let manifest = dir.htpass_ok(
        &["export", "--from", "-", "--format", "k8s-secret", "-C", "4"],
        b"alice:one\n",
    );
    let file = secret_file(&manifest, "auth");
    assert!(verifies(stored_hash(&file, "alice").unwrap(), "one"));
    assert!(file.starts_with(b"alice:$2y$04$") && file.ends_with(b"\n"));

    // A bad line is named, and nothing is printed.
    dir.write("bad.txt", "alice:Zq9-unique-pw\nno colon\n");
    let stderr = dir.htpass_fails(&["export", "--from", "bad.txt", "--format", "json"], b"", 2);
    assert!(stderr.contains("bad.txt, line 2: no ':'"), "{stderr}");
    assert!(!stderr.contains("Zq9-unique-pw"), "no password: {stderr}");
}

#[test]
fn export_from_reuses_each_entry_and_a_changed_password_changes_only_its_own() {
    let dir = TestDir::new();
    let list = "alice:one\nbob:two\ncarol:three\n";
    let args = [
        "export",
        "--from",
        "users.txt",
        "--format",
        "k8s-secret",
        "-C",
        "4",
        "--reuse-from",
        "-",
    ];
    dir.write("users.txt", list);
    let first = dir.htpass_ok(&args, b"");
    let second = dir.htpass_ok(&args, &first);
    assert_eq!(second, first, "same passwords, same manifest");

    dir.write(
        "users.txt",
        "alice:one\nbob:CHANGED\ncarol:three\ndave:four\n",
    );
    let third = dir.htpass_ok(&args, &second);
    let (old, new) = (secret_file(&second, "auth"), secret_file(&third, "auth"));
    for user in ["alice", "carol"] {
        assert_eq!(stored_hash(&old, user), stored_hash(&new, user), "{user}");
    }
    assert_ne!(stored_hash(&old, "bob"), stored_hash(&new, "bob"));
    assert!(verifies(stored_hash(&new, "bob").unwrap(), "CHANGED"));
    assert!(verifies(stored_hash(&new, "dave").unwrap(), "four"));
    dir.htpass()
        .args(args)
        .write_stdin(third.clone())
        .assert()
        .success()
        .stdout(third.clone())
        .stderr(predicate::str::contains(
            "4 reused from standard input, 0 new",
        ));

    // From a Secret made by kubectl, and from an htpasswd file.
    let file = dir.write("auth", &new);
    let secret = kubectl_secret(&dir, "auth", &file, "yaml");
    assert_eq!(dir.htpass_ok(&args, &secret), third);
    let from_file = [&args[..args.len() - 1], &["auth"]].concat();
    assert_eq!(dir.htpass_ok(&from_file, b""), third);
    // The other formats are stable too.
    let compose = [
        "export",
        "--from",
        "users.txt",
        "--format",
        "compose",
        "-C",
        "4",
        "--reuse-from",
        "auth",
    ];
    assert_eq!(dir.htpass_ok(&compose, b""), dir.htpass_ok(&compose, b""));
}
