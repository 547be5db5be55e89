//! The destinations of issue 13 item 3: the Secret shape of each `--for`
//! reader (type, key, default namespace) and what each refuses, and Caddy's
//! `basic_auth` block and `http_basic` accounts. kubectl parsing every
//! manifest is in `interop::kubectl` and the README recipes; Caddy reading
//! both of its formats is in `interop::caddy`.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::export::parse_yaml;
use crate::util::TestDir;

const BCRYPT: &str = "$2y$05$aaaaaaaaaaaaaaaaaaaaaOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SHA: &str = "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=";

fn stdout_of(dir: &TestDir, args: &[&str]) -> String {
    let output = dir.htpass().args(args).output().expect("run htpass");
    assert!(
        output.status.success(),
        "htpass {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn manifest(text: &str) -> Value {
    let mut documents = parse_yaml(text);
    assert_eq!(documents.len(), 1, "{text}");
    documents.remove(0)
}

fn data(secret: &Value, key: &str) -> Vec<u8> {
    let keys: Vec<&String> = secret["data"].as_object().expect("data").keys().collect();
    assert_eq!(keys, [key], "{secret:#}");
    base64::engine::general_purpose::STANDARD
        .decode(secret["data"][key].as_str().expect("a string"))
        .expect("base64")
}

#[test]
fn each_reader_gets_its_secret_type_key_and_namespace() {
    let dir = TestDir::new();
    let file = format!("# ops\nalice:{BCRYPT}\nbob:{SHA}\n");
    dir.write("users", &file);
    for (reader, secret_type, key, namespace) in [
        ("ingress-nginx", "Opaque", "auth", None),
        ("traefik", "Opaque", "users", None),
        ("nginx-ingress", "nginx.org/htpasswd", "htpasswd", None),
        ("nginx-gateway-fabric", "nginx.org/htpasswd", "auth", None),
        ("openshift", "Opaque", "htpasswd", Some("openshift-config")),
    ] {
        let secret = manifest(&stdout_of(
            &dir,
            &["export", "users", "--format", "k8s-secret", "--for", reader],
        ));
        assert_eq!(secret["type"], secret_type, "{reader}");
        let mut metadata = json!({"name": "basic-auth"});
        if let Some(namespace) = namespace {
            metadata["namespace"] = json!(namespace);
        }
        assert_eq!(secret["metadata"], metadata, "{reader}");
        assert_eq!(data(&secret, key), file.as_bytes(), "{reader}");
    }
    // A namespace given wins over OpenShift's default.
    let secret = manifest(&stdout_of(
        &dir,
        &[
            "export",
            "users",
            "--format",
            "k8s-secret",
            "--for",
            "openshift",
            "--namespace",
            "auth",
        ],
    ));
    assert_eq!(secret["metadata"]["namespace"], "auth");
}

#[test]
fn hash_renders_each_readers_secret_too() {
    let dir = TestDir::new();
    let secret = manifest(&stdout_of(
        &dir,
        &[
            "hash",
            "alice",
            "-C",
            "4",
            "-p",
            "pw",
            "--format",
            "k8s-secret",
            "--for",
            "nginx-ingress",
        ],
    ));
    assert_eq!(secret["type"], "nginx.org/htpasswd");
    assert!(data(&secret, "htpasswd").starts_with(b"alice:$2y$04$"));
}

/// OpenShift cannot create users whose name holds `/` or `%` (or is `.`,
/// `..`, `~`): the file is refused naming the line, a name on the command
/// line before any password is asked for.
#[test]
fn openshift_refuses_the_user_names_it_cannot_create() {
    let dir = TestDir::new();
    for (name, problem) in [
        ("ops/alice", "contains '/'"),
        ("50%", "contains '%'"),
        ("..", "is '..'"),
        ("~", "is '~'"),
    ] {
        dir.write("users", format!("alice:{BCRYPT}\n# x\n{name}:{BCRYPT}\n"));
        let stderr = dir.htpass_fails(
            &[
                "export",
                "users",
                "--format",
                "k8s-secret",
                "--for",
                "openshift",
            ],
            b"",
            7,
        );
        assert!(
            stderr.contains(&format!(
                "users: line 3: the user name {problem}, which --for openshift cannot carry"
            )),
            "{stderr}"
        );
        let stderr = dir.htpass_fails(
            &[
                "hash",
                name,
                "--password-stdin",
                "--format",
                "k8s-secret",
                "--for",
                "openshift",
            ],
            b"",
            6,
        );
        assert!(stderr.contains(problem), "{stderr}");
        assert!(!stderr.contains("password"), "asked no password: {stderr}");
    }
    // A list line, by its number, before anything is hashed.
    dir.write("list.txt", "alice:pw\nops/bob:pw\n");
    let stderr = dir.htpass_fails(
        &[
            "export",
            "--from",
            "list.txt",
            "--format",
            "k8s-secret",
            "--for",
            "openshift",
        ],
        b"",
        6,
    );
    assert!(
        stderr.contains("list.txt, line 2: user ops/bob: the user name contains '/'"),
        "{stderr}"
    );
    // Other readers take such names.
    dir.write("users", format!("ops/alice:{BCRYPT}\n"));
    stdout_of(
        &dir,
        &[
            "export",
            "users",
            "--format",
            "k8s-secret",
            "--for",
            "nginx-ingress",
        ],
    );
}

/// Envoy Gateway takes only `{SHA}` lines: any other entry, and a comment,
/// is refused with its line number; `hash` and `export --from` need `-a sha1`.
#[test]
fn envoy_gateway_refuses_what_is_not_a_sha_entry() {
    let dir = TestDir::new();
    dir.write("users", format!("alice:{SHA}\nbob:{BCRYPT}\n"));
    let stderr = dir.htpass_fails(
        &[
            "export",
            "users",
            "--format",
            "k8s-secret",
            "--for",
            "envoy-gateway",
        ],
        b"",
        7,
    );
    assert!(
        stderr.contains(
            "users: line 2: the hash is not {SHA}, which --for envoy-gateway cannot carry"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("htpass add FILE USER -a sha1"), "{stderr}");
    assert!(!stderr.contains(BCRYPT), "no hash in messages: {stderr}");

    dir.write("users", format!("# comment\nalice:{SHA}\n"));
    let stderr = dir.htpass_fails(
        &[
            "export",
            "users",
            "--format",
            "k8s-secret",
            "--for",
            "envoy-gateway",
        ],
        b"",
        7,
    );
    assert!(
        stderr.contains("users: line 1: the line is a comment"),
        "{stderr}"
    );

    for args in [
        &[
            "hash",
            "alice",
            "-p",
            "pw",
            "--format",
            "k8s-secret",
            "--for",
            "envoy-gateway",
        ][..],
        &[
            "export",
            "--from",
            "-",
            "--format",
            "k8s-secret",
            "--for",
            "envoy-gateway",
        ],
    ] {
        let stderr = dir.htpass_fails(args, b"", 2);
        assert!(
            stderr.contains("--for envoy-gateway: Envoy Gateway checks only {SHA} entries")
                && stderr.contains("use -a sha1"),
            "{stderr}"
        );
    }
    let secret = manifest(&stdout_of(
        &dir,
        &[
            "hash",
            "alice",
            "-a",
            "sha1",
            "-p",
            "pw",
            "--format",
            "k8s-secret",
            "--for",
            "envoy-gateway",
        ],
    ));
    assert!(data(&secret, ".htpasswd").starts_with(b"alice:{SHA}"));
}

#[test]
fn caddyfile_is_a_basic_auth_block_of_raw_bcrypt_hashes() {
    let dir = TestDir::new();
    let b2a = BCRYPT.replacen("$2y$", "$2a$", 1);
    dir.write(
        "users",
        format!("# ops\nalice:{BCRYPT}\n\nbob smith:{b2a}\n"),
    );
    assert_eq!(
        stdout_of(&dir, &["export", "users", "--format", "caddyfile"]),
        format!("basic_auth {{\n\talice {BCRYPT}\n\t`bob smith` {b2a}\n}}\n")
    );
    // JSON carries a brace, escaped for Caddy's placeholder replacer.
    dir.write("users", format!("alice:{BCRYPT}\n{{env.HOME}}:{b2a}\n"));
    let json = stdout_of(&dir, &["export", "users", "--format", "caddy-json"]);
    let accounts: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(
        accounts,
        json!([
            {"username": "alice", "password": BCRYPT},
            {"username": "\\{env.HOME\\}", "password": b2a},
        ])
    );
    let stderr = dir.htpass_fails(&["export", "users", "--format", "caddyfile"], b"", 7);
    assert!(
        stderr.contains("users: line 2: the user name contains '{'")
            && stderr.contains("use --format caddy-json"),
        "{stderr}"
    );
}

#[test]
fn caddy_refuses_every_entry_that_is_not_bcrypt_naming_its_line() {
    let dir = TestDir::new();
    dir.write("users", format!("alice:{BCRYPT}\nbob:{SHA}\n"));
    for format in ["caddyfile", "caddy-json"] {
        let stderr = dir.htpass_fails(&["export", "users", "--format", format], b"", 7);
        assert!(
            stderr.contains(&format!(
                "users: line 2: the hash is not bcrypt, which --format {format} cannot carry: \
                 Caddy's basic_auth verifies bcrypt hashes only"
            )),
            "{stderr}"
        );
    }
    dir.write("users", format!("a{{$HOME}}b:{BCRYPT}\n"));
    let stderr = dir.htpass_fails(&["export", "users", "--format", "caddyfile"], b"", 7);
    assert!(
        stderr.contains("users: line 1: the user name contains '{'"),
        "{stderr}"
    );
    stdout_of(&dir, &["export", "users", "--format", "caddy-json"]);

    dir.write("users", format!("alice:{BCRYPT}\nalice:{BCRYPT}\n"));
    let stderr = dir.htpass_fails(&["export", "users", "--format", "caddy-json"], b"", 7);
    assert!(
        stderr.contains("users: line 2: the user name is on an earlier line too"),
        "{stderr}"
    );

    dir.write("list", "alice:pw\n");
    let stderr = dir.htpass_fails(
        &[
            "export",
            "--from",
            "list",
            "--format",
            "caddyfile",
            "-a",
            "apr1",
        ],
        b"",
        2,
    );
    assert!(stderr.contains("use -a bcrypt"), "{stderr}");
    let block = stdout_of(
        &dir,
        &[
            "export",
            "--from",
            "list",
            "--format",
            "caddyfile",
            "-C",
            "4",
        ],
    );
    assert!(
        block.starts_with("basic_auth {\n\talice $2y$04$"),
        "{block}"
    );
}

#[test]
fn caddy_formats_take_no_secret_options() {
    let dir = TestDir::new();
    dir.write("users", format!("alice:{BCRYPT}\n"));
    for option in [
        &["--namespace", "x"][..],
        &["--for", "traefik"],
        &["--label", "a=b"],
    ] {
        let stderr = dir.htpass_fails(
            &[&["export", "users", "--format", "caddyfile"][..], option].concat(),
            b"",
            2,
        );
        assert!(
            stderr.contains("applies only to --format k8s-secret"),
            "{stderr}"
        );
    }
}

/// Issue 13 item 4: `check --for` knows the new consumers, each one row of
/// the server table. Runs `htpass check users ARGS`: exit code and stdout.
fn check(dir: &TestDir, args: &[&str]) -> (i32, String) {
    let output = dir
        .htpass()
        .args(["check", "users"])
        .args(args)
        .output()
        .expect("run htpass check");
    (
        output.status.code().expect("an exit code"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn check_for_openshift_applies_its_name_rules_and_bcrypt_prefixes() {
    let dir = TestDir::new();
    let b2b = BCRYPT.replacen("$2y$", "$2b$", 1);
    let b2a = BCRYPT.replacen("$2y$", "$2a$", 1);
    dir.write(
        "users",
        format!("alice:{BCRYPT}\nops/bob:{BCRYPT}\n50%:{BCRYPT}\ncarol:{b2b}\ndave:{b2a}\n"),
    );
    let (code, report) = check(&dir, &["--for", "openshift", "--min-cost", "4"]);
    assert_eq!(code, 7, "{report}");
    for (line, says) in [
        (2, "user ops/bob: the user name contains '/'"),
        (3, "user 50%: the user name contains '%'"),
        (4, "user carol: $2b$ (bcrypt) hash"),
    ] {
        assert!(
            report.contains(&format!("users:{line}: error: {says}")),
            "line {line}: {report}"
        );
    }
    assert!(report.contains("OpenShift"), "{report}");
    assert!(
        !report.contains("users:5:") && !report.contains("users:1:"),
        "{report}"
    );
    // A plain check, or one for another server, does not apply them.
    dir.write("users", format!("ops/bob:{BCRYPT}\ncarol:{b2b}\n"));
    assert_eq!(check(&dir, &[]).0, 0);
    assert_eq!(check(&dir, &["--for", "nginx"]).0, 0);
}

#[test]
fn check_for_caddy_takes_bcrypt_only_and_no_duplicate() {
    let dir = TestDir::new();
    dir.write(
        "users",
        format!("alice:{BCRYPT}\nbob:{SHA}\nalice:{BCRYPT}\n"),
    );
    let (code, report) = check(&dir, &["--for", "caddy"]);
    assert_eq!(code, 7, "{report}");
    assert!(
        report.contains("users:2: error: user bob: {SHA} (SHA-1) hash: Caddy accepts only bcrypt"),
        "{report}"
    );
    assert!(
        report.contains("users:3: error:") && report.contains("Caddy refuses the whole file"),
        "{report}"
    );
    dir.write("users", format!("alice:{BCRYPT}\n"));
    assert_eq!(check(&dir, &["--for", "caddy"]).0, 0);
}

#[test]
fn check_for_the_nginx_controllers_reads_as_nginx_does() {
    let dir = TestDir::new();
    // nginx keeps white space after the hash; it verifies apr1.
    dir.write(
        "users",
        format!("alice:{BCRYPT} \nbob:$apr1$abcdefgh$0123456789abcdefghijkl\n"),
    );
    for (server, name) in [
        ("nginx-ingress", "the F5 NGINX Ingress Controller"),
        ("nginx-gateway-fabric", "NGINX Gateway Fabric"),
    ] {
        let (code, report) = check(
            &dir,
            &["--for", server, "--format", "json", "--min-cost", "4"],
        );
        assert_eq!(code, 7, "{report}");
        let report: Value = serde_json::from_str(&report).expect("JSON");
        let findings: Vec<&Value> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|finding| finding["code"] != "weak-algorithm")
            .collect();
        assert_eq!(findings.len(), 1, "{report:#}");
        assert_eq!(findings[0]["line"], 1);
        assert_eq!(findings[0]["servers"], json!([server]));
        assert!(
            findings[0]["message"].as_str().unwrap().contains(name),
            "{report:#}"
        );
    }
}
