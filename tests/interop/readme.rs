//! The README's recipes, run as written: each block marked
//! `<!-- recipe: NAME -->` is run by bash (`set -euo pipefail`) in a fresh
//! directory, with our `htpass` first on PATH, the passwords in the
//! environment, and the real kubectl talking to the fake API server of
//! [`super::kubectl`], which records what `kubectl apply` creates or
//! patches and keeps it for a later `kubectl get`. Two things are added to
//! a recipe, both shell functions: `--validate=false` on `kubectl apply`'s
//! command line (schema validation downloads the cluster's whole OpenAPI document,
//! which the fake server does not have; the Secret's shape is checked here
//! instead, on what kubectl sent), and a copy of everything htpass prints on
//! stdout (`tee`), so that two runs' manifests can be compared byte for
//! byte. Then the result is checked where it goes: the registry logs the CI
//! user in, the Secrets have the type, key and namespace their reader wants
//! and hold files whose hashes verify, the compose label's hash verifies
//! once compose has undone the `$$`, Caddy lets the user in.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::caddy::Caddy;
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

/// What one run of a recipe left: kubectl's and the script's stdout, and
/// everything htpass printed on stdout.
struct Ran {
    stdout: String,
    htpass_stdout: Vec<u8>,
}

/// Runs the recipe NAME in `dir` with `passwords` in the environment and
/// kubectl pointed at `api`. Panics with its output if it fails.
fn run_recipe(name: &str, dir: &TestDir, api: &FakeApiServer, passwords: &[(&str, &str)]) -> Ran {
    require_program(KUBECTL, "kubernetes-client");
    let record = dir.path("htpass-stdout");
    let _ = std::fs::remove_file(&record);
    let script = format!(
        "kubectl() {{ if [ \"$1\" = apply ]; then command kubectl \"$@\" --validate=false; \
         else command kubectl \"$@\"; fi; }}\n\
         htpass() {{ command htpass \"$@\" | tee -a {}; }}\n{}",
        record.display(),
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
    Ran {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        htpass_stdout: std::fs::read(&record).unwrap_or_default(),
    }
}

/// The one Secret kubectl created: its name, type and namespace, and the
/// bytes of `key`, its only data key.
struct Created {
    name: String,
    secret_type: String,
    namespace: Option<String>,
    content: Vec<u8>,
}

fn created_secret(api: &FakeApiServer, key: &str) -> Created {
    let created = api.created();
    assert_eq!(created.len(), 1, "created: {created:#?}");
    secret_of(&created[0], key)
}

fn secret_of(secret: &serde_json::Value, key: &str) -> Created {
    assert_eq!(secret["kind"], "Secret", "{secret:#}");
    let keys: Vec<&String> = secret["data"]
        .as_object()
        .unwrap_or_else(|| panic!("no data: {secret:#}"))
        .keys()
        .collect();
    assert_eq!(keys, [key], "{secret:#}");
    let encoded = secret["data"][key]
        .as_str()
        .unwrap_or_else(|| panic!("no data.{key}: {secret:#}"));
    Created {
        name: secret["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        secret_type: secret["type"].as_str().unwrap_or_default().to_owned(),
        namespace: secret["metadata"]["namespace"].as_str().map(str::to_owned),
        content: STANDARD.decode(encoded).expect("base64"),
    }
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
    let secret = created_secret(&api, "auth");
    assert_eq!(
        (secret.name.as_str(), secret.secret_type.as_str()),
        ("basic-auth", "Opaque")
    );
    assert_eq!(secret.namespace.as_deref(), Some("web"));
    let content = secret.content;
    assert!(content.ends_with(b"\n") && content.starts_with(b"alice:$2y$10$"));
    assert!(verifies(hash_of(&content, "alice"), "al1ce pw"));
}

const WEB_SECRET: &str = "/api/v1/namespaces/web/secrets/basic-auth";

/// Issue 13 item 2: run twice with the same password, the recipe renders
/// the same manifest byte for byte and kubectl changes nothing; with
/// another password, the Secret is patched and holds the new hash.
#[test]
fn ingress_nginx_recipe_twice_renders_the_same_manifest_and_changes_nothing() {
    let dir = TestDir::new();
    let api = FakeApiServer::start();
    let password = [("ALICE_PASSWORD", "al1ce pw")];
    let first = run_recipe("ingress-nginx", &dir, &api, &password);
    assert!(
        first.stdout.contains("secret/basic-auth created"),
        "{}",
        first.stdout
    );
    let second = run_recipe("ingress-nginx", &dir, &api, &password);
    assert!(!first.htpass_stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&second.htpass_stdout),
        String::from_utf8_lossy(&first.htpass_stdout),
        "the same manifest; kubectl get gave:\n{}\nrequests:\n{}",
        String::from_utf8_lossy(&dir.read("last.yaml")),
        api.requests()
    );
    assert!(
        second.stdout.contains("secret/basic-auth unchanged"),
        "{}",
        second.stdout
    );
    assert_eq!(api.patched(), Vec::<String>::new());

    let third = run_recipe("ingress-nginx", &dir, &api, &[("ALICE_PASSWORD", "new pw")]);
    assert_ne!(third.htpass_stdout, first.htpass_stdout);
    assert!(
        third.stdout.contains("secret/basic-auth configured"),
        "{}",
        third.stdout
    );
    assert_eq!(api.patched(), [WEB_SECRET]);
    let now = secret_of(&api.object(WEB_SECRET).expect("the Secret"), "auth");
    assert!(verifies(hash_of(&now.content, "alice"), "new pw"));
}

/// `export --from` with `--reuse-from`: the same passwords render the same
/// manifest; a changed password changes that user's line only.
#[test]
fn gitops_recipe_keeps_every_unchanged_entry_byte_for_byte() {
    let dir = TestDir::new();
    let api = FakeApiServer::start();
    let passwords = [("ALICE_PASSWORD", "al1ce pw"), ("BOB_PASSWORD", "b0b pw")];
    let first = run_recipe("gitops", &dir, &api, &passwords);
    let content = created_secret(&api, "auth").content;
    assert!(verifies(hash_of(&content, "alice"), "al1ce pw"));
    assert!(verifies(hash_of(&content, "bob"), "b0b pw"));
    let second = run_recipe("gitops", &dir, &api, &passwords);
    assert_eq!(second.htpass_stdout, first.htpass_stdout);
    assert!(second.stdout.contains("unchanged"), "{}", second.stdout);
    assert_eq!(api.patched(), Vec::<String>::new());

    let changed = [("ALICE_PASSWORD", "al1ce pw"), ("BOB_PASSWORD", "new pw")];
    run_recipe("gitops", &dir, &api, &changed);
    let now = secret_of(&api.object(WEB_SECRET).expect("the Secret"), "auth").content;
    assert_eq!(hash_of(&now, "alice"), hash_of(&content, "alice"));
    assert_ne!(hash_of(&now, "bob"), hash_of(&content, "bob"));
    assert!(verifies(hash_of(&now, "bob"), "new pw"));
}

/// A reader's recipe: kubectl created one Secret with the reader's name,
/// type, namespace and key, holding the file `users` exactly.
fn assert_reader_recipe(
    recipe: &str,
    (name, secret_type, namespace, key): (&str, &str, Option<&str>, &str),
    user: (&str, &str),
) {
    let dir = TestDir::new();
    let api = FakeApiServer::start();
    let variable = format!("{}_PASSWORD", user.0.to_uppercase());
    run_recipe(recipe, &dir, &api, &[(variable.as_str(), user.1)]);
    let secret = created_secret(&api, key);
    assert_eq!(secret.name, name, "{recipe}");
    assert_eq!(secret.secret_type, secret_type, "{recipe}");
    match namespace {
        Some(namespace) => assert_eq!(secret.namespace.as_deref(), Some(namespace)),
        // kubectl fills in its context's namespace when the manifest has none.
        None => assert!(
            matches!(secret.namespace.as_deref(), None | Some("default")),
            "{:?}",
            secret.namespace
        ),
    }
    assert_eq!(
        secret.content,
        dir.read("users"),
        "the Secret holds the file"
    );
    assert!(verifies(hash_of(&secret.content, user.0), user.1));
}

#[test]
fn nginx_ingress_recipe_creates_an_nginx_org_htpasswd_secret() {
    assert_reader_recipe(
        "nginx-ingress",
        ("basic-auth", "nginx.org/htpasswd", None, "htpasswd"),
        ("alice", "nic pw"),
    );
}

#[test]
fn nginx_gateway_fabric_recipe_creates_an_nginx_org_htpasswd_secret_with_key_auth() {
    assert_reader_recipe(
        "nginx-gateway-fabric",
        ("basic-auth", "nginx.org/htpasswd", None, "auth"),
        ("alice", "ngf pw"),
    );
}

#[test]
fn openshift_recipe_creates_the_secret_in_openshift_config() {
    assert_reader_recipe(
        "openshift",
        (
            "htpass-secret",
            "Opaque",
            Some("openshift-config"),
            "htpasswd",
        ),
        ("developer", "dev pw"),
    );
}

#[test]
fn caddy_recipes_let_the_user_in() {
    let dir = TestDir::new();
    let api = FakeApiServer::start();
    run_recipe("caddy", &dir, &api, &[("ALICE_PASSWORD", "c4ddy pw")]);
    let caddy = Caddy::with_caddyfile_block(&dir, &dir.path("basic_auth.caddy"));
    caddy.assert_logins(&[("alice", "c4ddy pw")], &["bob"]);
    drop(caddy);

    let dir = TestDir::new();
    run_recipe("caddy-json", &dir, &api, &[("ALICE_PASSWORD", "c4ddy pw")]);
    let accounts = String::from_utf8(dir.read("accounts.json")).expect("UTF-8");
    let caddy = Caddy::with_json_accounts(&dir, &accounts);
    caddy.assert_logins(&[("alice", "c4ddy pw")], &["bob"]);
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
    assert_reader_recipe(
        "envoy-gateway",
        ("basic-auth", "Opaque", None, ".htpasswd"),
        ("alice", "envoy pw"),
    );
    let dir = TestDir::new();
    let api = FakeApiServer::start();
    run_recipe(
        "envoy-gateway",
        &dir,
        &api,
        &[("ALICE_PASSWORD", "envoy pw")],
    );
    let content = created_secret(&api, ".htpasswd").content;
    assert!(hash_of(&content, "alice").starts_with(b"{SHA}"));
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
        [
            // Run by tests/sync.rs (readme_sync_recipes_run_as_written).
            "sync",
            "sync-check",
            // In "Group files": run by `apache_groups.rs`, with Apache httpd.
            "registry-groups",
            "registry",
            "ingress-nginx",
            "gitops",
            "traefik",
            "envoy-gateway",
            "nginx-ingress",
            "nginx-gateway-fabric",
            "openshift",
            "caddy",
            "caddy-json",
        ],
        "a recipe was added or renamed: give it a test here"
    );
}
