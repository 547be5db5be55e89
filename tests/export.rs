//! `htpass export` and `htpass hash --format compose|k8s-secret`: output
//! for docker-compose and Kubernetes, read back with a real YAML parser
//! (saphyr, YAML 1.2). kubectl (YAML 1.1, where `yes` is a boolean too)
//! reading these manifests is tested in `interop::kubectl`.

use base64::Engine as _;
use predicates::prelude::*;
use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::{Map, Value, json};

use crate::util::{TestDir, htpass, verifies};

const FILE: &str = "# ops team\nalice:$apr1$abcdefgh$0123456789abcdefghijkl\nbob:$2y$05$aaaaaaaaaaaaaaaaaaaaaOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";

/// A bcrypt hash whose `$`s show up in compose output.
const HASH: &str = "$2y$05$aaaaaaaaaaaaaaaaaaaaaOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

fn stdout_of(command: &mut assert_cmd::Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The documents of `text` as a YAML 1.2 parser reads them, as JSON values:
/// a scalar that YAML reads as a number, a boolean or null comes out as one,
/// so comparing with a `json!` of strings proves it was read as a string.
pub(crate) fn parse_yaml(text: &str) -> Vec<Value> {
    fn convert(node: &Yaml) -> Value {
        match node {
            Yaml::Value(Scalar::String(text)) => Value::String(text.to_string()),
            Yaml::Value(Scalar::Null) => Value::Null,
            Yaml::Value(Scalar::Boolean(value)) => Value::Bool(*value),
            Yaml::Value(Scalar::Integer(value)) => json!(value),
            Yaml::Value(Scalar::FloatingPoint(value)) => json!(value.into_inner()),
            Yaml::Sequence(items) => Value::Array(items.iter().map(convert).collect()),
            Yaml::Mapping(entries) => {
                let mut object = Map::new();
                for (key, value) in entries {
                    let key = match key {
                        Yaml::Value(Scalar::String(key)) => key.to_string(),
                        other => panic!("a mapping key that is not a string: {other:?}"),
                    };
                    object.insert(key, convert(value));
                }
                Value::Object(object)
            }
            other => panic!("unexpected YAML node {other:?}"),
        }
    }
    let documents =
        Yaml::load_from_str(text).unwrap_or_else(|error| panic!("not YAML ({error}):\n{text}"));
    documents.iter().map(convert).collect()
}

/// The one document of a manifest.
fn manifest(text: &str) -> Value {
    let mut documents = parse_yaml(text);
    assert_eq!(documents.len(), 1, "one document:\n{text}");
    documents.remove(0)
}

/// What data key `key` of a Secret holds.
fn data(secret: &Value, key: &str) -> Vec<u8> {
    let text = secret["data"][key]
        .as_str()
        .unwrap_or_else(|| panic!("no string data.{key}: {secret:#}"));
    decode(text)
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
    let text = stdout_of(
        dir.htpass()
            .args(["export", "users", "--format", "k8s-secret"]),
    );
    assert!(text.starts_with("apiVersion: \"v1\"\n"), "{text}");
    let secret = manifest(&text);
    assert_eq!(secret["apiVersion"], "v1");
    assert_eq!(secret["kind"], "Secret");
    assert_eq!(secret["metadata"], json!({"name": "basic-auth"}));
    assert_eq!(secret["type"], "Opaque");
    assert_eq!(data(&secret, "auth"), FILE.as_bytes());
}

#[test]
fn readers_choose_the_key_and_names_are_kept() {
    let dir = TestDir::new();
    dir.write("users", FILE);
    // Envoy Gateway takes only {SHA} entries: tests/destinations.rs.
    for (extra, key) in [
        (&["--for", "ingress-nginx"][..], "auth"),
        (&["--for", "traefik"], "users"),
        (&["--secret-key", "htpasswd"], "htpasswd"),
    ] {
        let secret = manifest(&stdout_of(
            dir.htpass()
                .args(["export", "users", "--format", "k8s-secret"])
                .args(["--secret-name", "web-auth", "--namespace", "prod"])
                .args(extra),
        ));
        assert_eq!(
            secret["metadata"],
            json!({"name": "web-auth", "namespace": "prod"})
        );
        assert_eq!(secret["type"], "Opaque", "{key}");
        assert_eq!(data(&secret, key), FILE.as_bytes(), "{key}");
    }
}

/// Regression: `--secret-name 123`, `--namespace null` and `--secret-key
/// 0x1f` were written bare, so YAML read a number and null, kubectl refused
/// the manifest or dropped the namespace.
#[test]
fn names_that_look_like_numbers_or_null_stay_strings() {
    let dir = TestDir::new();
    dir.write("users", FILE);
    for (name, namespace, key) in [
        ("123", "null", "0x1f"),
        ("true", "1e3", "null"),
        ("1e3", "123", "true"),
        ("0x1f", "false", ".inf"),
        ("0o17", "true", "1_000"),
    ] {
        let text = stdout_of(
            dir.htpass()
                .args(["export", "users", "--format", "k8s-secret"])
                .args(["--secret-name", name, "--namespace", namespace])
                .args(["--secret-key", key]),
        );
        let secret = manifest(&text);
        assert_eq!(
            secret["metadata"],
            json!({"name": name, "namespace": namespace}),
            "{text}"
        );
        assert_eq!(data(&secret, key), FILE.as_bytes(), "{text}");
    }
}

/// An empty file is an empty string in the Secret, not YAML's null.
#[test]
fn an_empty_file_is_an_empty_string() {
    let dir = TestDir::new();
    dir.write("users", "");
    let secret = manifest(&stdout_of(dir.htpass().args([
        "export",
        "users",
        "--format",
        "k8s-secret",
    ])));
    assert_eq!(secret["data"], json!({"auth": ""}));
}

/// Every line of a manifest is a fixed field name, or ends in a
/// double-quoted scalar: nothing is left for YAML to guess.
#[test]
fn every_value_in_a_secret_is_double_quoted() {
    let dir = TestDir::new();
    dir.write("users", FILE);
    let text = stdout_of(
        dir.htpass()
            .args([
                "export",
                "users",
                "--format",
                "k8s-secret",
                "--namespace",
                "web",
            ])
            .args(["--label", "app=web", "--annotation", "note=x"]),
    );
    for line in text.lines() {
        let (_, value) = line.split_once(": ").unwrap_or((line, ""));
        assert!(
            line.ends_with(':') || (value.starts_with('"') && value.ends_with('"')),
            "{line:?} in:\n{text}"
        );
    }
}

#[test]
fn labels_and_annotations_are_metadata() {
    let dir = TestDir::new();
    dir.write("users", FILE);
    let note =
        "a \"quoted\" \\ value: # not a comment\n\tsecond line \u{e9}\u{2028}\u{85}\u{7f}\u{1} ";
    let text = stdout_of(
        dir.htpass()
            .args(["export", "users", "--format", "k8s-secret"])
            .args(["--label", "app.kubernetes.io/name=web"])
            .args([
                "--label", "tier=123", "--label", "empty=", "--label", "yes=no",
            ])
            .args(["--annotation", &format!("example.com/note={note}")])
            .args(["--annotation", "Example.COM/Upper=null"])
            .args(["--annotation", "tilde=~", "--annotation", "blank="]),
    );
    let secret = manifest(&text);
    assert_eq!(
        secret["metadata"]["labels"],
        json!({"app.kubernetes.io/name": "web", "tier": "123", "empty": "", "yes": "no"}),
        "{text}"
    );
    assert_eq!(
        secret["metadata"]["annotations"],
        json!({"example.com/note": note, "Example.COM/Upper": "null", "tilde": "~", "blank": ""}),
        "{text}"
    );
}

/// As with `kubectl label` and `kubectl annotate`, the last value given for
/// a key wins.
#[test]
fn a_repeated_label_key_takes_the_last_value() {
    let dir = TestDir::new();
    dir.write("users", FILE);
    let secret = manifest(&stdout_of(
        dir.htpass()
            .args(["export", "users", "--format", "k8s-secret"])
            .args(["--label", "app=old", "--label", "app=new"])
            .args(["--annotation", "a=1", "--annotation", "a=2=3"]),
    ));
    assert_eq!(secret["metadata"]["labels"], json!({"app": "new"}));
    assert_eq!(secret["metadata"]["annotations"], json!({"a": "2=3"}));
}

#[test]
fn labels_and_annotations_kubernetes_would_refuse_are_usage_errors() {
    let dir = TestDir::new();
    dir.write("users", FILE);
    let long = "a".repeat(64);
    let long_prefix = format!("{}/x", "a".repeat(254));
    // One argument may be at most 128 KiB on Linux: three make 300 KB.
    let big = |n: u8| format!("big{n}={}", "x".repeat(100_000));
    for (args, option, rule) in [
        (vec!["--label", "no-equals-sign"], "--label", "KEY=VALUE"),
        (vec!["--label", "=value"], "--label", "key"),
        (vec!["--label", "bad key=x"], "--label", "key"),
        (vec!["--label=-a=x"], "--label", "key"),
        (vec!["--label", "a/b/c=x"], "--label", "key"),
        (vec!["--label", "/a=x"], "--label", "key"),
        (vec!["--label", "Upper.Case/a=x"], "--label", "key"),
        (vec!["--label", &format!("{long}=x")], "--label", "key"),
        (
            vec!["--label", &format!("{long_prefix}=x")],
            "--label",
            "key",
        ),
        (vec!["--label", "a=bad value"], "--label", "value"),
        (vec!["--label=a=-x"], "--label", "value"),
        (vec!["--label", &format!("a={long}")], "--label", "value"),
        (vec!["--annotation", "bad key=x"], "--annotation", "key"),
        (vec!["--annotation", "nokey"], "--annotation", "KEY=VALUE"),
        (
            vec![
                "--annotation",
                &big(1),
                "--annotation",
                &big(2),
                "--annotation",
                &big(3),
            ],
            "--annotation",
            "262144",
        ),
    ] {
        let output = dir
            .htpass()
            .args(["export", "users", "--format", "k8s-secret"])
            .args(&args)
            .output()
            .unwrap();
        let shown: Vec<String> = args
            .iter()
            .map(|arg| arg.chars().take(80).collect())
            .collect();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{shown:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{shown:?}");
        assert!(stderr.contains(option), "{shown:?}: {stderr}");
        assert!(stderr.contains(rule), "{shown:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    // Valid in an annotation: any value; keys as the API server lowercases them.
    dir.htpass()
        .args(["export", "users", "--format", "k8s-secret"])
        .args(["--annotation", "Upper.Case/A=any value, really"])
        .args([
            "--label",
            &format!("{}/{}=", "a".repeat(253), "b".repeat(63)),
        ])
        .assert()
        .success();
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

/// The label the README's Traefik recipe writes, with VALUE placed as it
/// places `$(htpass export users --format compose)`.
pub(crate) const TRAEFIK_LABEL: &str = "traefik.http.middlewares.auth.basicauth.users=";

/// Names an htpasswd file may hold that YAML or compose would misread if
/// written bare: quotes, backslashes, `$`, `#`, spaces, non-ASCII, and
/// characters YAML must escape (a tab, NEL, a line separator, DEL).
pub(crate) const AWKWARD_NAMES: &[&str] = &[
    "alice",
    "\"quoted\"",
    "back\\slash\\",
    "it's",
    "dollar$sign$",
    "$$",
    "with space",
    "hash #tag",
    "j\u{f6}rg \u{1f600}",
    "x\"\\",
    "{brace}[x]*star&amp!bang%pct@at`tick`|>",
    "- dash",
    "tab\there",
    "nel\u{85}ls\u{2028}del\u{7f}",
];

/// Reads a compose document as docker compose does: YAML first, then `$$`
/// becomes `$` (a lone `$` would start a variable, which must not happen),
/// and returns the users of the Traefik label as Traefik splits them.
pub(crate) fn traefik_users(compose: &str) -> Vec<(String, String)> {
    let document = parse_yaml(compose).remove(0);
    let labels = document["services"]["whoami"]["labels"]
        .as_array()
        .unwrap_or_else(|| panic!("no label list in:\n{compose}"));
    let value = labels
        .iter()
        .find_map(|label| label.as_str()?.strip_prefix(TRAEFIK_LABEL))
        .unwrap_or_else(|| panic!("no users label in:\n{compose}"));
    let mut interpolated = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '$' {
            assert_eq!(chars.next(), Some('$'), "a lone $ in {value:?}");
        }
        interpolated.push(c);
    }
    interpolated
        .split(',')
        .map(|entry| {
            let (user, hash) = entry
                .split_once(':')
                .unwrap_or_else(|| panic!("no ':' in {entry:?}"));
            (user.to_owned(), hash.to_owned())
        })
        .collect()
}

/// The compose document of the README's recipe around `value`.
fn compose_document(value: &str) -> String {
    format!("services:\n  whoami:\n    labels:\n      - \"{TRAEFIK_LABEL}{value}\"\n")
}

/// Regression: a name with `"` or `\` ended the YAML string of the
/// README's recipe early, or turned into an escape.
#[test]
fn compose_output_placed_as_the_readme_shows_is_exactly_the_users() {
    let dir = TestDir::new();
    let file: String = AWKWARD_NAMES
        .iter()
        .map(|name| format!("{name}:{HASH}\n"))
        .collect();
    dir.write("users", &file);
    let value = stdout_of(
        dir.htpass()
            .args(["export", "users", "--format", "compose"]),
    );
    let value = value.strip_suffix('\n').expect("one line");
    let expected: Vec<(String, String)> = AWKWARD_NAMES
        .iter()
        .map(|name| ((*name).to_owned(), HASH.to_owned()))
        .collect();
    assert_eq!(traefik_users(&compose_document(value)), expected, "{value}");
}

#[test]
fn hash_compose_output_placed_as_the_readme_shows_is_the_entry() {
    // Names with control or format characters are refused as new names.
    let allowed = AWKWARD_NAMES.iter().filter(|name| {
        !name
            .chars()
            .any(|c| c.is_control() || ('\u{2000}'..='\u{206f}').contains(&c))
    });
    for name in allowed {
        let value = stdout_of(htpass().args([
            "hash", "-a", "apr1", "-p", "pw", "--format", "compose", "--", name,
        ]));
        let users = traefik_users(&compose_document(value.trim_end_matches('\n')));
        assert_eq!(users.len(), 1, "{value}");
        assert_eq!(users[0].0, *name, "{value}");
        assert!(verifies(users[0].1.as_bytes(), "pw"), "{value}");
    }
}

/// Traefik's `basicauth.users` is a comma-separated list: a `,` in an
/// entry would split it into two wrong ones. Refused, naming the line.
#[test]
fn compose_refuses_an_entry_with_a_comma_naming_its_line() {
    let dir = TestDir::new();
    for (content, line, part) in [
        (
            format!("alice:{HASH}\n# note\nbob,carol:{HASH}\n"),
            3,
            "user name",
        ),
        ("alice:pa,ss\n".to_owned(), 1, "hash"),
    ] {
        dir.write("users", &content);
        let output = dir
            .htpass()
            .args(["export", "users", "--format", "compose"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(7), "{stderr}");
        assert!(output.stdout.is_empty());
        for needed in [&format!("users: line {line}:"), part, "','", "usersFile"] {
            assert!(stderr.contains(needed), "{needed:?} not in {stderr}");
        }
        assert!(!stderr.contains("pa,ss"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

/// YAML text is UTF-8: a name that is not cannot be carried.
#[test]
fn compose_refuses_a_name_that_is_not_utf8() {
    let dir = TestDir::new();
    dir.write(
        "users",
        [&b"alice:x\nb\xffb:"[..], HASH.as_bytes(), b"\n"].concat(),
    );
    dir.htpass()
        .args(["export", "users", "--format", "compose"])
        .assert()
        .code(7)
        .stdout("")
        .stderr(
            predicates::str::contains("users: line 2:").and(predicates::str::contains("UTF-8")),
        );
}

#[test]
fn hash_compose_refuses_a_comma_in_the_user_before_asking_a_password() {
    // No password source and no terminal: the name is refused first.
    let output = htpass()
        .args(["hash", "bob,carol", "--format", "compose"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(6), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(
        stderr.contains("bob,carol") && stderr.contains("','"),
        "{stderr}"
    );
    // Other formats take the name.
    htpass()
        .args(["hash", "bob,carol", "-C", "4", "-p", "pw"])
        .assert()
        .success();
    // A plain-text "hash" with a comma is the password's fault.
    htpass()
        .args([
            "hash", "alice", "-a", "plain", "-p", "a,b", "--format", "compose",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("','").and(predicates::str::contains("a,b").not()));
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
    let text = stdout_of(htpass().args([
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
    let content = data(&manifest(&text), "auth");
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
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(!text.contains(password));
    let content = data(&manifest(&text), "auth");
    assert!(verifies(
        content
            .strip_prefix(b"alice:")
            .unwrap()
            .strip_suffix(b"\n")
            .unwrap(),
        password
    ));
}
