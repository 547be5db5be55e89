//! `--reuse-from`: the hashes a pipeline rendered last time, so that a
//! password that has not changed renders the same bytes again.
//!
//! Every hash has a fresh salt, so a pipeline that renders a Secret from its
//! CI secrets on each run changes the manifest on each run, and GitOps tools
//! see a diff and restart the server (Helm's `htpasswd`, Terraform's
//! `bcrypt()` and the Terraform htpasswd provider all have issues about it).
//! With the last output at hand, an entry whose hash still verifies the
//! password with the requested parameters is reused byte for byte, as `add`
//! keeps such a line ([`reusable`] is the same test).
//!
//! The last output is an htpasswd file, or a Kubernetes Secret as `kubectl
//! get secret NAME -o yaml` or `-o json` prints it (or as `htpass ...
//! --format k8s-secret` wrote it): [`Reuse::parse`] tells them apart, takes
//! the file from the Secret's data key (base64, or `stringData` as text, as
//! the API server merges them), and keeps each user's first hash. Nothing
//! at all (the first run: `kubectl get secret ... 2>/dev/null` printed
//! nothing) means nothing to reuse; anything else is an error naming the
//! source, never a silent "nothing to reuse".
//!
//! YAML is read with `saphyr` (pure Rust, YAML 1.2, the maintained successor
//! of yaml-rust and yaml-rust2), without resolving scalars, so a base64
//! value that looks like a number or `true` stays the text it is.
//!
//! Must never print, and never hold a password beyond [`reusable`]'s call.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;

use base64::Engine as _;
use saphyr::{Scalar, Yaml, YamlLoader};
use saphyr_parser::{BufferedInput, Parser};

use crate::error::Error;
use crate::file::{self, LineKind};
use crate::hash::{self, Params, VerifyPolicy};
use crate::secret::Password;

/// The most a reuse source may hold: a Secret holds at most 1 MiB, four
/// thirds of it in base64; an htpasswd file of a few hundred thousand
/// users fits too.
pub const MAX_SOURCE_BYTES: usize = 64 * 1024 * 1024;

/// What a reuse source turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    /// Nothing at all, or only white space: the first run.
    Nothing,
    /// An htpasswd file.
    File,
    /// A Kubernetes Secret; its data key held the file.
    Secret,
}

/// The entries of a reuse source: each user's first hash, as servers read it.
#[derive(Debug)]
pub struct Reuse {
    found: Found,
    hashes: HashMap<Vec<u8>, Vec<u8>>,
}

impl Reuse {
    /// Nothing to reuse (a source that does not exist yet).
    pub fn nothing() -> Reuse {
        Reuse {
            found: Found::Nothing,
            hashes: HashMap::new(),
        }
    }

    /// Reads `bytes`, named `source_name` in messages: a Kubernetes Secret
    /// (YAML or JSON) whose data key `key` holds the file, an htpasswd file,
    /// or nothing.
    pub fn parse(bytes: &[u8], source_name: &str, key: &str) -> Result<Reuse, Error> {
        if bytes.len() > MAX_SOURCE_BYTES {
            return Err(Error::ReuseSourceTooLarge {
                source_name: source_name.to_owned(),
                max: MAX_SOURCE_BYTES,
            });
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Reuse::nothing());
        }
        if let Some(content) = secret_content(bytes, source_name, key)? {
            return Ok(Reuse {
                found: Found::Secret,
                hashes: entries(&content, source_name, false)?,
            });
        }
        Ok(Reuse {
            found: Found::File,
            hashes: entries(bytes, source_name, true)?,
        })
    }

    pub fn found(&self) -> Found {
        self.found
    }

    /// `user`'s hash in the source, if it has one.
    pub fn stored(&self, user: &[u8]) -> Option<&[u8]> {
        self.hashes.get(user).map(Vec::as_slice)
    }

    /// Every user's hash (what [`crate::batch::hash_all`] takes).
    pub fn hashes(&self) -> &HashMap<Vec<u8>, Vec<u8>> {
        &self.hashes
    }
}

/// Whether `stored` may be written again for `password` with `params`: it
/// was made with exactly these parameters and it verifies the password (a
/// bare plain entry counts only when plain is what was asked for). The test
/// `add` applies to keep a line unchanged.
pub fn reusable(stored: &[u8], password: &Password, params: &Params) -> bool {
    hash::matches_params(stored, params)
        && hash::verify(
            password,
            stored,
            VerifyPolicy {
                allow_plain: *params == Params::Plain,
            },
        )
        .is_match()
}

/// Each user's first hash in `content`. With `strict`, a line that is not an
/// entry, a comment or blank means `content` is not an htpasswd file.
fn entries(
    content: &[u8],
    source_name: &str,
    strict: bool,
) -> Result<HashMap<Vec<u8>, Vec<u8>>, Error> {
    let mut hashes: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
    let mut reader = content;
    file::for_each_line(&mut reader, Path::new(source_name), |number, line| {
        match file::classify(line) {
            LineKind::Entry { user, hash } => {
                hashes.entry(user.to_vec()).or_insert_with(|| hash.to_vec());
            }
            LineKind::Malformed if strict => {
                return Err(Error::ReuseUnrecognised {
                    source_name: source_name.to_owned(),
                    line: number,
                });
            }
            LineKind::Malformed | LineKind::Blank | LineKind::Comment => {}
        }
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(hashes)
}

/// A Secret's object, as far as reuse needs it.
struct SecretObject {
    /// `data`: key -> base64 text.
    data: Vec<(String, String)>,
    /// `stringData`: key -> text.
    string_data: Vec<(String, String)>,
}

/// What a document is: a Secret, another Kubernetes object (its `kind`), or
/// not a Kubernetes object at all.
enum Document {
    Secret(SecretObject),
    OtherKind(String),
    NotAnObject,
}

/// The file held by the Secret in `bytes` under `key`; `None` if `bytes`
/// holds no Kubernetes object at all (then it may be an htpasswd file).
fn secret_content(bytes: &[u8], source_name: &str, key: &str) -> Result<Option<Vec<u8>>, Error> {
    let documents = documents(bytes);
    let mut secrets = Vec::new();
    let mut other = None;
    for document in documents {
        match document {
            Document::Secret(secret) => secrets.push(secret),
            Document::OtherKind(kind) => other = other.or(Some(kind)),
            Document::NotAnObject => {}
        }
    }
    let secret = match (secrets.len(), other) {
        (1, _) => secrets.remove(0),
        (0, None) => return Ok(None),
        (0, Some(kind)) => {
            return Err(Error::ReuseNotASecret {
                source_name: source_name.to_owned(),
                kind,
            });
        }
        (count, _) => {
            return Err(Error::ReuseManySecrets {
                source_name: source_name.to_owned(),
                count,
            });
        }
    };
    // The API server merges stringData over data: so does this.
    if let Some((_, text)) = secret.string_data.iter().find(|(name, _)| name == key) {
        return Ok(Some(text.as_bytes().to_vec()));
    }
    let Some((_, encoded)) = secret.data.iter().find(|(name, _)| name == key) else {
        let mut keys: Vec<&str> = secret
            .data
            .iter()
            .chain(&secret.string_data)
            .map(|(name, _)| name.as_str())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        return Err(Error::ReuseSecretKeyMissing {
            source_name: source_name.to_owned(),
            key: key.to_owned(),
            keys: if keys.is_empty() {
                "none".to_owned()
            } else {
                keys.join(", ")
            },
        });
    };
    // A hand-written manifest may wrap the base64 over several lines.
    let compact: Vec<u8> = encoded
        .bytes()
        .filter(|byte| !byte.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map(Some)
        .map_err(|_| Error::ReuseSecretNotBase64 {
            source_name: source_name.to_owned(),
            key: key.to_owned(),
        })
}

/// The documents of `bytes` read as JSON (when it starts with `{`) or YAML;
/// none when it is neither (an htpasswd file usually is neither).
fn documents(bytes: &[u8]) -> Vec<Document> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    if text.trim_start().starts_with('{')
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(text)
    {
        return vec![json_document(&value)];
    }
    // A Kubernetes object names its kind at the start of a line; an
    // htpasswd file (which may be large) almost never does, and is then
    // not parsed as YAML at all.
    let names_a_kind = text.lines().any(|line| {
        let line = line.trim_start_matches([' ', '-']);
        ["kind:", "\"kind\":", "'kind':"]
            .iter()
            .any(|key| line.starts_with(key))
    });
    if !names_a_kind {
        return Vec::new();
    }
    let mut loader: YamlLoader<'_, Yaml<'_>> = YamlLoader::default();
    // Keep every scalar as the text it is: a base64 value `1234` or `true`
    // is text, not a number or a boolean.
    loader.early_parse(false);
    let mut parser = Parser::new(BufferedInput::new(text.chars()));
    if parser.load(&mut loader, true).is_err() || loader.error().is_some() {
        return Vec::new();
    }
    loader.into_documents().iter().map(yaml_document).collect()
}

fn json_document(value: &serde_json::Value) -> Document {
    let Some(object) = value.as_object() else {
        return Document::NotAnObject;
    };
    let (Some(kind), Some(_)) = (
        object.get("kind").and_then(serde_json::Value::as_str),
        object.get("apiVersion"),
    ) else {
        return Document::NotAnObject;
    };
    if kind != "Secret" {
        return Document::OtherKind(kind.to_owned());
    }
    let pairs = |field: &str| -> Vec<(String, String)> {
        object
            .get(field)
            .and_then(serde_json::Value::as_object)
            .map(|map| {
                map.iter()
                    .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    };
    Document::Secret(SecretObject {
        data: pairs("data"),
        string_data: pairs("stringData"),
    })
}

/// The text of a scalar node, whatever it looks like.
fn scalar(node: &Yaml<'_>) -> Option<String> {
    match node {
        Yaml::Representation(text, _, _) => Some(text.to_string()),
        Yaml::Value(Scalar::String(text)) => Some(text.to_string()),
        _ => None,
    }
}

fn yaml_document(node: &Yaml<'_>) -> Document {
    let Yaml::Mapping(mapping) = node else {
        return Document::NotAnObject;
    };
    let field = |name: &str| {
        mapping
            .iter()
            .find(|(key, _)| scalar(key).as_deref() == Some(name))
            .map(|(_, value)| value)
    };
    let (Some(kind), Some(_)) = (field("kind").and_then(scalar), field("apiVersion")) else {
        return Document::NotAnObject;
    };
    if kind != "Secret" {
        return Document::OtherKind(kind);
    }
    let pairs = |name: &str| -> Vec<(String, String)> {
        match field(name) {
            Some(Yaml::Mapping(map)) => map
                .iter()
                .filter_map(|(key, value)| Some((scalar(key)?, scalar(value)?)))
                .collect(),
            _ => Vec::new(),
        }
    };
    Document::Secret(SecretObject {
        data: pairs("data"),
        string_data: pairs("stringData"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::{Algorithm, BcryptCost, BcryptVariant};

    const FILE: &[u8] =
        b"# team\nalice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\nbob:$apr1$x\nalice:second\n";

    fn base64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    fn parse(text: &str, key: &str) -> Result<Reuse, Error> {
        Reuse::parse(text.as_bytes(), "SOURCE", key)
    }

    #[test]
    fn nothing_at_all_is_nothing_to_reuse() {
        for text in ["", " \n\t\n"] {
            let reuse = parse(text, "auth").unwrap();
            assert_eq!(reuse.found(), Found::Nothing);
            assert!(reuse.hashes().is_empty());
        }
    }

    #[test]
    fn an_htpasswd_file_gives_each_users_first_hash() {
        let reuse = Reuse::parse(FILE, "SOURCE", "auth").unwrap();
        assert_eq!(reuse.found(), Found::File);
        assert_eq!(
            reuse.stored(b"alice"),
            Some(&b"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="[..])
        );
        assert_eq!(reuse.stored(b"bob"), Some(&b"$apr1$x"[..]));
        assert_eq!(reuse.stored(b"carol"), None);
    }

    #[test]
    fn a_secret_as_kubectl_prints_it_in_yaml_or_json() {
        let yaml = format!(
            "apiVersion: v1\ndata:\n  auth: {}\n  other: eA==\nkind: Secret\nmetadata:\n  \
             creationTimestamp: null\n  name: basic-auth\ntype: Opaque\n",
            base64(FILE)
        );
        let json = format!(
            "{{\n    \"apiVersion\": \"v1\",\n    \"data\": {{\n        \"auth\": \"{}\"\n    }},\n    \
             \"kind\": \"Secret\",\n    \"metadata\": {{\"name\": \"basic-auth\"}},\n    \"type\": \"Opaque\"\n}}\n",
            base64(FILE)
        );
        for text in [yaml, json] {
            let reuse = parse(&text, "auth").unwrap();
            assert_eq!(reuse.found(), Found::Secret, "{text}");
            assert_eq!(reuse.stored(b"bob"), Some(&b"$apr1$x"[..]));
        }
    }

    #[test]
    fn htpass_own_manifest_and_string_data_are_read_too() {
        let mut manifest = Vec::new();
        let spec = crate::render::SecretSpec::new(
            "1e3",
            Some("null"),
            crate::render::SecretReader::Traefik,
            None,
        )
        .unwrap();
        crate::render::k8s_secret(&spec, FILE, &mut manifest).unwrap();
        let reuse = Reuse::parse(&manifest, "SOURCE", "users").unwrap();
        assert_eq!(reuse.stored(b"bob"), Some(&b"$apr1$x"[..]));

        let text = "apiVersion: v1\nkind: Secret\nmetadata: {name: a}\nstringData:\n  auth: |\n    bob:$apr1$y\n";
        assert_eq!(
            parse(text, "auth").unwrap().stored(b"bob"),
            Some(&b"$apr1$y"[..])
        );
    }

    #[test]
    fn base64_that_looks_like_a_number_or_a_boolean_is_still_text() {
        // "1234" and "true" are base64 of three bytes each: no entry, but no
        // error either (a resolved YAML scalar would not be a string).
        for value in ["1234", "true", "null"] {
            let text = format!("apiVersion: v1\nkind: Secret\ndata:\n  auth: {value}\n");
            let reuse = parse(&text, "auth").unwrap();
            assert_eq!(reuse.found(), Found::Secret, "{value}");
        }
    }

    #[test]
    fn a_missing_key_names_the_keys_there_are() {
        let text = "apiVersion: v1\nkind: Secret\ndata:\n  users: eA==\n  .htpasswd: eA==\n";
        let error = parse(text, "auth").unwrap_err();
        assert_eq!(
            error.to_string(),
            "SOURCE: the Secret has no data key \"auth\" (it has: .htpasswd, users); \
             name the key with --secret-key or --for, or leave out --reuse-from once to start afresh"
        );
        let empty = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n";
        assert!(matches!(
            parse(empty, "auth"),
            Err(Error::ReuseSecretKeyMissing { keys, .. }) if keys == "none"
        ));
    }

    #[test]
    fn what_is_neither_is_an_error_naming_it() {
        assert!(matches!(
            parse("alice:x\nnot an entry\n", "auth"),
            Err(Error::ReuseUnrecognised { line: 2, .. })
        ));
        assert!(matches!(
            parse("apiVersion: v1\nkind: ConfigMap\ndata:\n  auth: x\n", "auth"),
            Err(Error::ReuseNotASecret { kind, .. }) if kind == "ConfigMap"
        ));
        assert!(matches!(
            parse("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": []}", "auth"),
            Err(Error::ReuseNotASecret { kind, .. }) if kind == "List"
        ));
        let two = "apiVersion: v1\nkind: Secret\n---\napiVersion: v1\nkind: Secret\n";
        assert!(matches!(
            parse(two, "auth"),
            Err(Error::ReuseManySecrets { count: 2, .. })
        ));
        assert!(matches!(
            parse(
                "apiVersion: v1\nkind: Secret\ndata:\n  auth: '%%%'\n",
                "auth"
            ),
            Err(Error::ReuseSecretNotBase64 { .. })
        ));
        let huge = vec![b'#'; MAX_SOURCE_BYTES + 1];
        assert!(matches!(
            Reuse::parse(&huge, "SOURCE", "auth"),
            Err(Error::ReuseSourceTooLarge { .. })
        ));
        // A mapping that is no Kubernetes object is looked at as a file.
        assert_eq!(
            parse("a: b\n", "auth").unwrap().stored(b"a"),
            Some(&b" b"[..])
        );
    }

    #[test]
    fn only_a_hash_that_verifies_with_the_same_parameters_is_reusable() {
        let params = Params::Bcrypt {
            variant: BcryptVariant::TwoY,
            cost: BcryptCost::new(4).unwrap(),
        };
        let password = Password::from("pw");
        let stored = hash::hash_password(&password, &params).unwrap();
        assert!(reusable(&stored, &password, &params));
        assert!(!reusable(&stored, &Password::from("other"), &params));
        let cost_5 = Params::Bcrypt {
            variant: BcryptVariant::TwoY,
            cost: BcryptCost::new(5).unwrap(),
        };
        assert!(!reusable(&stored, &password, &cost_5));
        assert!(!reusable(
            &stored,
            &password,
            &Params::default_for(Algorithm::Sha1)
        ));
        assert!(reusable(b"pw", &password, &Params::Plain));
        assert!(!reusable(b"pw", &password, &Params::Crypt));
    }
}
