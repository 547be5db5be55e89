//! `htpass export --format k8s-secret` through `kubectl apply`, then the
//! Secret's content through nginx (as ingress-nginx mounts it).
//!
//! `kubectl apply --dry-run=client` is not offline: even in client dry-run it
//! asks the API server what kinds exist (`GET /api`, `/apis`, `/api/v1`) to
//! map `kind: Secret` to a resource, and whether the object already exists
//! (`GET /api/v1/namespaces/NS/secrets/NAME`); with no server it fails with
//! "connection refused". `kubectl label --local` works offline but checks
//! nothing. So the test serves a fake API server ([`FakeApiServer`]) with
//! just those answers; everything else gets 404. Validation stays off
//! (`--validate=false`): it needs the whole `OpenAPI` schema (`/openapi/v3`,
//! `/openapi/v2`), and the shape of the Secret is checked here instead, on
//! kubectl's JSON output.
//!
//! Tried with the Google Cloud SDK's kubectl 1.32 (which first asks
//! `/version`, then for aggregated discovery, and takes the legacy JSON) and
//! Debian's kubernetes-client 1.20 (which also asks `/openapi/v2` and
//! `/swagger-2.0.0.pb-v1` with validation off, and takes their 404).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::matrix::{Algorithm, Answer, Cells, PASSWORDS, Reader};
use super::nginx::Nginx;
use super::server::require_program;
use super::writers::{Entry, Writer, WrittenFile, write_entries};
use crate::util::{self, TestDir};

pub(super) const KUBECTL: &str = "/usr/bin/kubectl";

const SECRET_NAME: &str = "basic-auth";

/// A Kubernetes API server that only knows what `kubectl apply` and
/// `kubectl get` ask: the version, the discovery documents (plain JSON;
/// kubectl asks for aggregated discovery first but takes the legacy
/// answer), and Secrets: a real (not dry-run) apply creates one (POST),
/// which it records and keeps, so that a later `kubectl get` finds it and a
/// later apply either changes nothing or patches it (PATCH, recorded and
/// merged as a JSON merge patch, which is what a strategic merge patch of a
/// Secret's maps amounts to). It answers one request per connection, then
/// closes it.
pub(super) struct FakeApiServer {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// What the fake API server has seen and keeps.
#[derive(Default)]
struct State {
    /// `METHOD target` of every request, to show when kubectl fails.
    requests: Vec<String>,
    /// The objects created with POST, as kubectl sent them.
    created: Vec<Value>,
    /// The paths patched with PATCH, in order.
    patched: Vec<String>,
    /// Every object that exists, by its path (`/api/v1/namespaces/NS/secrets/NAME`).
    objects: HashMap<String, Value>,
}

impl FakeApiServer {
    pub(super) fn start() -> FakeApiServer {
        let listener =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind the fake API server");
        let port = listener
            .local_addr()
            .expect("the fake API server's address")
            .port();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = thread::spawn({
            let state = Arc::clone(&state);
            let stop = Arc::clone(&stop);
            move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    // A connection that fails only fails kubectl, which says so.
                    if let Ok(stream) = stream {
                        let _ = answer(stream, &state);
                    }
                }
            }
        });
        FakeApiServer {
            port,
            state,
            stop,
            thread: Some(thread),
        }
    }

    /// Writes a kubeconfig for this server and a home for kubectl's caches
    /// into `dir`; returns the environment kubectl needs to use them.
    pub(super) fn kubectl_environment(&self, dir: &TestDir) -> Vec<(&'static str, PathBuf)> {
        let kubeconfig = dir.write(
            "kubeconfig",
            format!(
                "apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: http://127.0.0.1:{port}
contexts:
- name: fake
  context:
    cluster: fake
    user: fake
current-context: fake
users:
- name: fake
  user: {{}}
",
                port = self.port
            ),
        );
        let home = dir.path("kubectl-home");
        std::fs::create_dir_all(&home).expect("create kubectl's home");
        // Its caches and the gcloud dispatcher's files go there, not to the real home.
        vec![
            ("KUBECONFIG", kubeconfig),
            ("KUBECACHEDIR", home.join("cache")),
            ("HOME", home),
        ]
    }

    /// The objects kubectl created, in order.
    pub(super) fn created(&self) -> Vec<Value> {
        self.state
            .lock()
            .map(|state| state.created.clone())
            .unwrap_or_default()
    }

    /// The paths kubectl patched, in order.
    pub(super) fn patched(&self) -> Vec<String> {
        self.state
            .lock()
            .map(|state| state.patched.clone())
            .unwrap_or_default()
    }

    /// The object at `path` as it is now (created, then patched).
    pub(super) fn object(&self, path: &str) -> Option<Value> {
        self.state
            .lock()
            .ok()
            .and_then(|state| state.objects.get(path).cloned())
    }

    pub(super) fn requests(&self) -> String {
        self.state
            .lock()
            .map(|state| state.requests.join("\n"))
            .unwrap_or_default()
    }
}

impl Drop for FakeApiServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the thread from accept() so that it sees `stop`.
        let _ = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request (its head, and a body of `Content-Length` bytes) and
/// answers it.
fn answer(mut stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    let head_end = loop {
        if let Some(end) = received.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
        let read = stream.read(&mut buffer)?;
        if read == 0 || received.len() > 64 * 1024 {
            break received.len();
        }
        received.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&received[..head_end]).into_owned();
    let body_length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while received.len() < head_end + body_length {
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        received.extend_from_slice(&buffer[..read]);
    }
    let body = &received[head_end..];
    let request_line = head.lines().next().unwrap_or_default();
    let mut fields = request_line.split_whitespace();
    let method = fields.next().unwrap_or_default();
    let target = fields.next().unwrap_or_default();
    let path = target.split('?').next().unwrap_or_default();
    let (status, body) = match state.lock() {
        Ok(mut state) => {
            state.requests.push(format!("{method} {target}"));
            respond(
                &mut state,
                method,
                path,
                serde_json::from_slice::<Value>(body).ok(),
            )
        }
        Err(_) => route(method, path),
    };
    let body = body.to_string();
    let reason = match status {
        200 => "OK",
        201 => "Created",
        _ => "Not Found",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\n\
         Content-Type: application/json\r\n\
         Content-Length: {}\r\n\
         Connection: close\r\n\
         \r\n\
         {body}",
        body.len()
    )?;
    stream.flush()
}

/// The answer to one request, keeping Secrets in `state`.
fn respond(state: &mut State, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    match (method, body) {
        // A real apply creates the object: record it, keep it and echo it
        // back, as the API server does.
        ("POST", Some(object)) if path.starts_with("/api/v1/") => {
            let name = object["metadata"]["name"].as_str().unwrap_or_default();
            state
                .objects
                .insert(format!("{path}/{name}"), object.clone());
            state.created.push(object.clone());
            (201, object)
        }
        ("GET", _) if state.objects.contains_key(path) => (200, state.objects[path].clone()),
        ("PATCH", Some(patch)) if state.objects.contains_key(path) => {
            state.patched.push(path.to_owned());
            let object = state.objects.get_mut(path).expect("checked above");
            merge_patch(object, &patch);
            (200, object.clone())
        }
        _ => route(method, path),
    }
}

/// RFC 7386 JSON merge patch: objects merge, `null` removes, the rest replaces.
fn merge_patch(target: &mut Value, patch: &Value) {
    match (target.as_object_mut(), patch.as_object()) {
        (Some(target), Some(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else {
                    merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        _ => *target = patch.clone(),
    }
}

fn route(method: &str, path: &str) -> (u16, Value) {
    match (method, path) {
        // The gcloud kubectl dispatcher, and kubectl's version-skew check.
        ("GET", "/version") => (
            200,
            json!({"major": "1", "minor": "32", "gitVersion": "v1.32.0", "platform": "linux/amd64"}),
        ),
        ("GET", "/api") => (
            200,
            json!({
                "kind": "APIVersions",
                "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}],
            }),
        ),
        ("GET", "/apis") => (
            200,
            json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": []}),
        ),
        ("GET", "/api/v1") => (
            200,
            json!({
                "kind": "APIResourceList",
                "apiVersion": "v1",
                "groupVersion": "v1",
                "resources": [
                    {
                        "name": "secrets",
                        "singularName": "secret",
                        "namespaced": true,
                        "kind": "Secret",
                        "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
                    },
                    {
                        "name": "namespaces",
                        "singularName": "namespace",
                        "namespaced": false,
                        "kind": "Namespace",
                        "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
                    },
                ],
            }),
        ),
        // Nothing exists: apply would create the Secret.
        _ => (
            404,
            json!({
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": format!("{path} not found"),
                "reason": "NotFound",
                "code": 404,
            }),
        ),
    }
}

/// `htpass export FILE --format k8s-secret --secret-name basic-auth ARGS...`:
/// the manifest it prints.
fn export_secret(dir: &TestDir, file_name: &str, args: &[&str]) -> Vec<u8> {
    let output = dir
        .htpass()
        .args([
            "export",
            file_name,
            "--format",
            "k8s-secret",
            "--secret-name",
            SECRET_NAME,
        ])
        .args(args)
        .output()
        .expect("run htpass export");
    assert!(
        output.status.success(),
        "htpass export {args:?} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// `kubectl apply --dry-run=client -o json -f -` of `manifest`, against a
/// fake API server, with every file kubectl writes in `dir`: the object
/// kubectl would send.
fn kubectl_dry_run_apply(dir: &TestDir, manifest: &[u8]) -> Value {
    require_program(KUBECTL, "kubernetes-client");
    let api = FakeApiServer::start();
    let output = assert_cmd::Command::new(KUBECTL)
        .envs(api.kubectl_environment(dir))
        .args([
            "apply",
            "--dry-run=client",
            "--validate=false",
            "-o",
            "json",
            "-f",
            "-",
        ])
        .write_stdin(manifest)
        .timeout(util::TIMEOUT)
        .output()
        .expect("run kubectl");
    let shown = format!(
        "{}\nstdout:\n{}\nstderr:\n{}\nrequests to the fake API server:\n{}\nmanifest:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        api.requests(),
        String::from_utf8_lossy(manifest),
    );
    assert!(
        output.status.success(),
        "kubectl apply --dry-run=client failed: {shown}"
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("kubectl's output is not JSON ({e}): {shown}"))
}

/// Checks the Secret kubectl printed and returns what its one data key holds.
fn secret_content(secret: &Value, namespace: Option<&str>, key: &str) -> Vec<u8> {
    assert_eq!(secret["apiVersion"], "v1", "{secret:#}");
    assert_eq!(secret["kind"], "Secret", "{secret:#}");
    assert_eq!(secret["metadata"]["name"], SECRET_NAME, "{secret:#}");
    if let Some(namespace) = namespace {
        assert_eq!(secret["metadata"]["namespace"], namespace, "{secret:#}");
    }
    let data = secret["data"]
        .as_object()
        .unwrap_or_else(|| panic!("the Secret has no data: {secret:#}"));
    let keys: Vec<&String> = data.keys().collect();
    assert_eq!(keys, [key], "the Secret's data keys: {secret:#}");
    let encoded = data[key]
        .as_str()
        .unwrap_or_else(|| panic!("data.{key} is not a string: {secret:#}"));
    STANDARD
        .decode(encoded)
        .unwrap_or_else(|e| panic!("data.{key} is not base64 ({e}): {secret:#}"))
}

/// An htpass file with the given algorithms, one user each (password
/// `PASSWORDS[i % 2]`, so both passwords appear).
fn htpass_file(dir: &TestDir, algorithms: &[Algorithm]) -> WrittenFile {
    let entries = algorithms
        .iter()
        .zip(PASSWORDS.iter().cycle())
        .map(|(&algorithm, &password)| Entry {
            user: format!("{}-{}", algorithm.name(), password.label),
            algorithm,
            password,
        })
        .collect();
    write_entries(Writer::Htpass, dir, "htpasswd", entries)
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read the htpasswd file")
}

/// ingress-nginx reads key `auth`. The Secret applies, holds the file byte
/// for byte, and nginx lets its users in from those bytes.
#[test]
fn k8s_secret_for_ingress_nginx_applies_and_nginx_reads_it() {
    let dir = TestDir::new();
    let file = htpass_file(
        &dir,
        &[Algorithm::Bcrypt, Algorithm::Apr1, Algorithm::Sha512Crypt],
    );
    let manifest = export_secret(&dir, "htpasswd", &["--namespace", "web"]);
    let secret = kubectl_dry_run_apply(&dir, &manifest);
    let content = secret_content(&secret, Some("web"), "auth");
    assert_eq!(
        content,
        file_bytes(&file.path),
        "the Secret must hold the file exactly"
    );

    let from_secret = WrittenFile {
        path: dir.write("from-secret.htpasswd", &content),
        ..file
    };
    let nginx = Nginx::start(&dir, &from_secret.path);
    Cells::ask(Reader::Nginx, &from_secret, |user, password| {
        Answer::from_http(nginx.get(user, password))
    })
    .written_by("htpass via Secret")
    .assert_all_as_expected(&nginx.logs());
}

/// Traefik's basicAuth middleware reads key `users`.
#[test]
fn k8s_secret_for_traefik_uses_key_users() {
    let dir = TestDir::new();
    let file = htpass_file(&dir, &[Algorithm::Bcrypt, Algorithm::Bcrypt]);
    let manifest = export_secret(&dir, "htpasswd", &["--for", "traefik"]);
    let secret = kubectl_dry_run_apply(&dir, &manifest);
    assert_eq!(
        secret_content(&secret, None, "users"),
        file_bytes(&file.path)
    );
}

/// Envoy Gateway's basic auth reads key `.htpasswd`, and only `{SHA}`.
#[test]
fn k8s_secret_for_envoy_gateway_uses_key_dot_htpasswd() {
    let dir = TestDir::new();
    let file = htpass_file(&dir, &[Algorithm::Sha1, Algorithm::Sha1]);
    let manifest = export_secret(
        &dir,
        "htpasswd",
        &["--for", "envoy-gateway", "--namespace", "gateway"],
    );
    let secret = kubectl_dry_run_apply(&dir, &manifest);
    assert_eq!(
        secret_content(&secret, Some("gateway"), ".htpasswd"),
        file_bytes(&file.path)
    );
}

/// Every `--for` reader's Secret, in one manifest that kubectl parses once:
/// each has the reader's type, data key and namespace, and holds the file.
/// (Envoy Gateway's needs a file of `{SHA}` entries only.)
#[test]
fn k8s_secret_for_every_reader_applies_with_its_type_key_and_namespace() {
    let dir = TestDir::new();
    let file = htpass_file(&dir, &[Algorithm::Sha1, Algorithm::Sha1]);
    let content = file_bytes(&file.path);
    let readers = [
        ("ingress-nginx", "Opaque", "auth", "default"),
        ("traefik", "Opaque", "users", "default"),
        ("envoy-gateway", "Opaque", ".htpasswd", "default"),
        ("nginx-ingress", "nginx.org/htpasswd", "htpasswd", "default"),
        (
            "nginx-gateway-fabric",
            "nginx.org/htpasswd",
            "auth",
            "default",
        ),
        ("openshift", "Opaque", "htpasswd", "openshift-config"),
    ];
    let mut manifest = Vec::new();
    for (reader, ..) in readers {
        manifest.extend_from_slice(b"---\n");
        manifest.extend_from_slice(&export_secret(&dir, "htpasswd", &["--for", reader]));
    }
    let secrets = objects(kubectl_dry_run_apply(&dir, &manifest));
    assert_eq!(secrets.len(), readers.len(), "{secrets:#?}");
    for ((reader, secret_type, key, namespace), secret) in readers.iter().zip(&secrets) {
        assert_eq!(secret["type"], *secret_type, "{reader}: {secret:#}");
        // kubectl fills in its context's namespace where the manifest has none.
        let got = secret["metadata"]["namespace"]
            .as_str()
            .unwrap_or("default");
        assert_eq!(got, *namespace, "{reader}: {secret:#}");
        assert_eq!(secret_content(secret, None, key), content, "{reader}");
    }
}

/// The objects kubectl printed: one, or the items of a `List` when the
/// manifest held several documents.
fn objects(printed: Value) -> Vec<Value> {
    if printed["kind"] == "List" {
        printed["items"].as_array().cloned().unwrap_or_default()
    } else {
        vec![printed]
    }
}

/// Regression (issue 11): `--secret-name 123`, `--namespace null`,
/// `--secret-key yes` or `0x1f` were written bare, and kubectl's YAML (1.1)
/// read a number, null or a boolean: it refused the manifest, dropped the
/// namespace, or renamed the data key `true` or `31`. Every case is one
/// document of one manifest, so kubectl runs once.
#[test]
fn k8s_secret_names_yaml_would_misread_reach_kubectl_as_strings() {
    let dir = TestDir::new();
    let file = htpass_file(&dir, &[Algorithm::Bcrypt]);
    let content = file_bytes(&file.path);
    let cases = [
        ("123", "null", "yes"),
        ("null", "123", "0x1f"),
        ("yes", "true", "1e3"),
        ("true", "yes", "no"),
        ("1e3", "no", "on"),
        ("0x1f", "on", "off"),
        ("no", "off", "null"),
        ("on", "y", "true"),
        ("off", "n", "y"),
        ("y", "012", "012"),
        ("012", "0x1f", ".inf"),
        ("1.5", "1e3", ".nan"),
        ("0o17", "false", "1_000"),
        ("1-0", "0o17", "0b101"),
    ];
    let mut manifest = Vec::new();
    for (name, namespace, key) in cases {
        manifest.extend_from_slice(b"---\n");
        manifest.extend_from_slice(&dir.htpass_ok(
            &[
                "export",
                "htpasswd",
                "--format",
                "k8s-secret",
                "--secret-name",
                name,
                "--namespace",
                namespace,
                "--secret-key",
                key,
            ],
            b"",
        ));
    }
    // `hash` writes the same manifest around one line.
    manifest.extend_from_slice(b"---\n");
    manifest.extend_from_slice(&dir.htpass_ok(
        &[
            "hash",
            "alice",
            "-C",
            "4",
            "-p",
            "pw",
            "--format",
            "k8s-secret",
            "--secret-name",
            "1e3",
            "--namespace",
            "null",
            "--secret-key",
            "yes",
        ],
        b"",
    ));
    let secrets = objects(kubectl_dry_run_apply(&dir, &manifest));
    assert_eq!(secrets.len(), cases.len() + 1, "{secrets:#?}");
    for ((name, namespace, key), secret) in cases.iter().zip(&secrets) {
        assert_eq!(secret["metadata"]["name"], *name, "{secret:#}");
        assert_eq!(secret["metadata"]["namespace"], *namespace, "{secret:#}");
        assert_eq!(secret["type"], "Opaque", "{secret:#}");
        let data = secret["data"].as_object().expect("data");
        assert_eq!(data.keys().collect::<Vec<_>>(), [key], "{secret:#}");
        assert_eq!(
            STANDARD.decode(data[*key].as_str().unwrap()).unwrap(),
            content
        );
    }
    let from_hash = &secrets[cases.len()];
    assert_eq!(from_hash["metadata"]["name"], "1e3", "{from_hash:#}");
    assert_eq!(from_hash["metadata"]["namespace"], "null", "{from_hash:#}");
    let line = STANDARD
        .decode(from_hash["data"]["yes"].as_str().expect("data.yes"))
        .unwrap();
    let hash = line
        .strip_prefix(b"alice:")
        .and_then(|rest| rest.strip_suffix(b"\n"))
        .expect("alice's line");
    assert!(util::verifies(hash, "pw"));
}

/// `--label` and `--annotation` reach kubectl as exactly the strings given,
/// whatever YAML would make of them bare; an annotation value may hold any
/// character, escaped in the manifest.
#[test]
fn k8s_secret_labels_and_annotations_reach_kubectl_exactly() {
    let dir = TestDir::new();
    htpass_file(&dir, &[Algorithm::Bcrypt]);
    let awkward = "a \"quoted\" \\ value: # not a comment\n- [x] {y} &z *w !t |p >f %d @a `b`\t\
                   \u{e9}\u{1f600}\r\u{1}\u{7f}\u{85}\u{a0}\u{2028}\u{2029}\u{feff} trailing ";
    let labels = [
        ("app.kubernetes.io/name", "web"),
        ("tier", "123"),
        ("yes", "no"),
        ("null", "true"),
        ("example.com/empty", ""),
        ("on", "0x1f"),
        ("version", "1e3"),
        ("x", "1.5"),
    ];
    let annotations = [
        ("example.com/note", awkward),
        ("tilde", "~"),
        ("null", "null"),
        ("Example.COM/Upper", "yes"),
        ("blank", ""),
        ("json", "{\"a\": [1, 2]}"),
        ("quote", "'"),
        ("multi", "line one\nline two\n"),
    ];
    let mut args = vec!["export", "htpasswd", "--format", "k8s-secret"];
    let pairs: Vec<String> = labels
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .chain(
            annotations
                .iter()
                .map(|(key, value)| format!("{key}={value}")),
        )
        .collect();
    for (index, pair) in pairs.iter().enumerate() {
        args.push(if index < labels.len() {
            "--label"
        } else {
            "--annotation"
        });
        args.push(pair);
    }
    let manifest = dir.htpass_ok(&args, b"");
    let secret = kubectl_dry_run_apply(&dir, &manifest);
    let expected_labels: serde_json::Map<String, Value> = labels
        .iter()
        .map(|(key, value)| ((*key).to_owned(), json!(value)))
        .collect();
    assert_eq!(
        secret["metadata"]["labels"],
        Value::Object(expected_labels),
        "{secret:#}"
    );
    let mut got = secret["metadata"]["annotations"]
        .as_object()
        .cloned()
        .unwrap_or_else(|| panic!("no annotations: {secret:#}"));
    // kubectl apply records what it applied; that one is kubectl's own.
    got.remove("kubectl.kubernetes.io/last-applied-configuration");
    let expected_annotations: serde_json::Map<String, Value> = annotations
        .iter()
        .map(|(key, value)| ((*key).to_owned(), json!(value)))
        .collect();
    assert_eq!(Value::Object(got), Value::Object(expected_annotations));
}
