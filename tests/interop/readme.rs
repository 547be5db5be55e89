//! The README's recipes, run as written: each block marked
//! `<!-- recipe: NAME -->` is run by bash (`set -euo pipefail`) in a fresh
//! directory, with our `htpass` first on PATH, the passwords in the
//! environment, and the real kubectl talking to the fake API server of
//! [`super::kubectl`], which records what `kubectl apply` creates. The one
//! thing added to a recipe is `--validate=false` on kubectl's command line
//! (a shell function): schema validation downloads the cluster's whole
//! OpenAPI document, which the fake server does not have; the Secret's
//! shape is checked here instead, on what kubectl sent. Then the
//! result is checked where it goes: the registry logs the CI user in, the
//! Secrets hold files whose hashes verify, the compose label's hash verifies
//! once compose has undone the `$$`.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::kubectl::{FakeApiServer, KUBECTL};
use super::matrix::Verdict;
use super::registry::Registry;
use super::server::require_program;
use crate::export::{AWKWARD_NAMES, traefik_users};
use crate::util::{self, TestDir, file_verifies, verifies};

const README: &str = include_str!("../../README.md");

/// The shell text of the recipe NAME.
pub(super) fn recipe(name: &str) -> String {
    let marker = format!("<!-- recipe: {name} -->");
    let after = README
        .split_once(&marker)
        .unwrap_or_else(|| panic!("README has no recipe {name}"))
        .1;
    let block = after
        .trim_start()
        .strip_prefix("```sh\n")
        .unwrap_or_else(|| panic!("recipe {name} is not followed by a sh block"));
    block
        .split_once("\n```")
        .unwrap_or_else(|| panic!("recipe {name}'s block does not end"))
        .0
        .to_owned()
}

/// Runs the recipe NAME in `dir` with `passwords` in the environment and
/// kubectl pointed at `api`. Panics with its output if it fails.
fn run_recipe(name: &str, dir: &TestDir, api: &FakeApiServer, passwords: &[(&str, &str)]) {
    require_program(KUBECTL, "kubernetes-client");
    let script = format!(
        "kubectl() {{ command kubectl \"$@\" --validate=false; }}\n{}",
        recipe(name)
    );
    let bin = Path::new(env!("CARGO_BIN_EXE_htpass"))
        .parent()
        .expect("the binary's directory");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = assert_cmd::Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(dir.path(""))
        .env("PATH", path)
        .envs(api.kubectl_environment(dir))
        .envs(passwords.iter().copied())
        .write_stdin(Vec::new())
        .timeout(util::TIMEOUT)
        .output()
        .expect("run bash");
    assert!(
        output.status.success(),
        "recipe {name} failed ({}):\n{script}\nstdout:\n{}\nstderr:\n{}\nAPI requests:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        api.requests()
    );
}

/// The one Secret kubectl created: its namespace and the bytes of `key`.
fn created_secret(api: &FakeApiServer, key: &str) -> (Option<String>, Vec<u8>) {
    let created = api.created();
    assert_eq!(created.len(), 1, "created: {created:#?}");
    let secret = &created[0];
    assert_eq!(secret["kind"], "Secret", "{secret:#}");
    assert_eq!(secret["metadata"]["name"], "basic-auth", "{secret:#}");
    let encoded = secret["data"][key]
        .as_str()
        .unwrap_or_else(|| panic!("no data.{key}: {secret:#}"));
    let namespace = secret["metadata"]["namespace"].as_str().map(str::to_owned);
    (namespace, STANDARD.decode(encoded).expect("base64"))
}

/// The hash of `user`'s line in `content`.
fn hash_of<'a>(content: &'a [u8], user: &str) -> &'a [u8] {
    util::stored_hash(content, user).unwrap_or_else(|| {
        panic!(
            "no line for {user} in {:?}",
            String::from_utf8_lossy(content)
        )
    })
}

#[test]
fn registry_recipe_lets_the_ci_user_log_in() {
    let dir = TestDir::new();
    let api = FakeApiServer::start();
    run_recipe(
        "registry",
        &dir,
        &api,
        &[
            ("CI_PASSWORD", "ci s3cret$"),
            ("DEPLOY_PASSWORD", "deploy:pw"),
        ],
    );
    let file = dir.path("auth/htpasswd");
    assert!(file_verifies(&file, "ci", "ci s3cret$"));
    assert!(file_verifies(&file, "deploy", "deploy:pw"));
    let registry = Registry::start(&dir, &file);
    assert_eq!(
        registry.get_v2("ci", "ci s3cret$").verdict,
        Verdict::Accepted
    );
    assert_eq!(
        registry.get_v2("deploy", "deploy:pw").verdict,
        Verdict::Accepted
    );
    assert_eq!(registry.get_v2("ci", "wrong").verdict, Verdict::Refused);
}

#[test]
fn ingress_nginx_recipe_creates_the_secret() {
    let dir = TestDir::new();
    let api = FakeApiServer::start();
    run_recipe(
        "ingress-nginx",
        &dir,
        &api,
        &[("ALICE_PASSWORD", "al1ce pw")],
    );
    let (namespace, content) = created_secret(&api, "auth");
    assert_eq!(namespace.as_deref(), Some("web"));
    assert!(content.ends_with(b"\n") && content.starts_with(b"alice:$2y$10$"));
    assert!(verifies(hash_of(&content, "alice"), "al1ce pw"));
}

#[test]
fn traefik_recipe_writes_a_label_compose_reads_back() {
    let dir = TestDir::new();
    let api = FakeApiServer::start();
    run_recipe("traefik", &dir, &api, &[("ADMIN_PASSWORD", "adm!n pw")]);
    let compose = String::from_utf8(dir.read("compose.override.yml")).unwrap();
    // As compose reads it: YAML, then `$$` to `$`; as Traefik splits it.
    let users = traefik_users(&compose);
    assert_eq!(users.len(), 1, "{compose}");
    assert_eq!(users[0].0, "admin");
    assert!(verifies(users[0].1.as_bytes(), "adm!n pw"), "{compose}");
}

/// Regression (issue 11): the recipe's double-quoted YAML string ended at a
/// name's `"` or took its `\` as an escape. Run on a file that already holds
/// such names, the recipe as written gives compose exactly the file's users.
#[test]
fn traefik_recipe_carries_every_name_of_the_file() {
    let dir = TestDir::new();
    let api = FakeApiServer::start();
    let hash = "$2y$05$aaaaaaaaaaaaaaaaaaaaaOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let file: String = AWKWARD_NAMES
        .iter()
        .map(|name| format!("{name}:{hash}\n"))
        .collect();
    dir.write("users", &file);
    run_recipe("traefik", &dir, &api, &[("ADMIN_PASSWORD", "adm!n pw")]);
    let compose = String::from_utf8(dir.read("compose.override.yml")).unwrap();
    let users = traefik_users(&compose);
    let names: Vec<&str> = users.iter().map(|(name, _)| name.as_str()).collect();
    let mut expected = AWKWARD_NAMES.to_vec();
    expected.push("admin");
    assert_eq!(names, expected, "{compose}");
    for (name, stored) in &users[..AWKWARD_NAMES.len()] {
        assert_eq!(stored, hash, "{name:?}");
    }
    assert!(verifies(
        users[AWKWARD_NAMES.len()].1.as_bytes(),
        "adm!n pw"
    ));
}

#[test]
fn envoy_gateway_recipe_creates_a_sha_secret() {
    let dir = TestDir::new();
    let api = FakeApiServer::start();
    run_recipe(
        "envoy-gateway",
        &dir,
        &api,
        &[("ALICE_PASSWORD", "envoy pw")],
    );
    let (namespace, content) = created_secret(&api, ".htpasswd");
    // kubectl fills in its context's namespace when the manifest has none.
    assert!(
        matches!(namespace.as_deref(), None | Some("default")),
        "{namespace:?}"
    );
    assert_eq!(content, dir.read("users"), "the Secret holds the file");
    let hash = hash_of(&content, "alice");
    assert!(hash.starts_with(b"{SHA}"));
    assert!(verifies(hash, "envoy pw"));
}

#[test]
fn every_recipe_in_the_readme_is_tested() {
    let names: Vec<&str> = README
        .split("<!-- recipe: ")
        .skip(1)
        .filter_map(|rest| rest.split_once(" -->").map(|(name, _)| name))
        .collect();
    assert_eq!(
        names,
        // registry-groups (in "Group files"): in `apache_groups.rs`, with
        // Apache httpd.
        [
            "registry-groups",
            "registry",
            "ingress-nginx",
            "traefik",
            "envoy-gateway"
        ],
        "a recipe was added or renamed: give it a test here"
    );
}
