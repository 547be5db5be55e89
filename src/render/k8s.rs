//! A Kubernetes `v1` Secret manifest holding a file, for `kubectl apply -f -`.
//!
//! Everything that goes into the manifest is checked first, as the API
//! server would check it ([`SecretSpec`]), so kubectl never sees a name it
//! would refuse. Then every value, and every key that comes from the
//! command line, is written as a YAML double-quoted scalar
//! ([`super::yaml`]): a name `123`, a namespace `null` or a data key `yes`
//! must reach the API server as those strings, not as a number, null or a
//! boolean (kubectl reads YAML 1.1). Only the fixed field names
//! (`apiVersion`, `metadata`, ...) are plain.
//!
//! Must never read a file or write to a terminal, and never write a value
//! unquoted.

use std::collections::BTreeMap;

use base64::Engine as _;

use super::readers::SecretReader;
use super::yaml;
use crate::error::Error;

/// The most a Kubernetes Secret may hold (the API server refuses more).
pub const SECRET_MAX_BYTES: usize = 1024 * 1024;

/// The most all annotations of an object may hold together, keys and values
/// (the API server's `TotalAnnotationSizeLimitB`).
pub const ANNOTATIONS_MAX_BYTES: usize = 256 * 1024;

/// The Secret's name when none is given.
pub const DEFAULT_SECRET_NAME: &str = "basic-auth";

/// Where in the cluster the Secret goes and what it carries besides the
/// file: names checked as the API server checks them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretSpec {
    name: String,
    namespace: Option<String>,
    reader: SecretReader,
    secret_type: &'static str,
    key: String,
    // Sorted by key, as `kubectl get -o yaml` shows them, so the same
    // options in another order render the same manifest.
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
}

impl SecretSpec {
    /// Checks the names as the API server would: the name a DNS subdomain,
    /// the namespace a DNS label, `key` (which replaces the reader's own
    /// data key) a ConfigMap key. The reader gives the `type`, and the
    /// namespace when none is given (OpenShift's `openshift-config`).
    pub fn new(
        name: &str,
        namespace: Option<&str>,
        reader: SecretReader,
        key: Option<&str>,
    ) -> Result<SecretSpec, Error> {
        if !is_dns_subdomain(name) {
            return Err(invalid("--secret-name", "name", name, DNS_SUBDOMAIN_RULE));
        }
        if let Some(namespace) = namespace
            && !is_dns_label(namespace)
        {
            return Err(invalid(
                "--namespace",
                "namespace",
                namespace,
                DNS_LABEL_RULE,
            ));
        }
        if let Some(key) = key
            && !is_config_key(key)
        {
            return Err(invalid("--secret-key", "data key", key, CONFIG_KEY_RULE));
        }
        let shape = reader.shape();
        Ok(SecretSpec {
            name: name.to_owned(),
            namespace: namespace.or(shape.namespace).map(str::to_owned),
            reader,
            secret_type: shape.secret_type,
            key: key.unwrap_or(shape.key).to_owned(),
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
        })
    }

    /// Adds the label `key: value`, replacing an earlier value of `key`
    /// (as `kubectl label` does with a key given twice).
    pub fn add_label(&mut self, key: &str, value: &str) -> Result<(), Error> {
        if !is_qualified_name(key) {
            return Err(invalid("--label", "key", key, QUALIFIED_NAME_RULE));
        }
        if !is_label_value(value) {
            return Err(invalid("--label", "value", value, LABEL_VALUE_RULE));
        }
        self.labels.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    /// Adds the annotation `key: value` (any value), replacing an earlier
    /// value of `key` (as `kubectl annotate` does with a key given twice).
    pub fn add_annotation(&mut self, key: &str, value: &str) -> Result<(), Error> {
        // The API server checks annotation keys lowercased: case is free.
        if !is_qualified_name(&key.to_ascii_lowercase()) {
            return Err(invalid(
                "--annotation",
                "key",
                key,
                QUALIFIED_NAME_RULE_ANY_CASE,
            ));
        }
        let others: usize = self
            .annotations
            .iter()
            .filter(|(other, _)| other.as_str() != key)
            .map(|(key, value)| key.len() + value.len())
            .sum();
        let len = others + key.len() + value.len();
        if len > ANNOTATIONS_MAX_BYTES {
            return Err(Error::AnnotationsTooLarge {
                len,
                max: ANNOTATIONS_MAX_BYTES,
            });
        }
        self.annotations.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn secret_type(&self) -> &str {
        self.secret_type
    }

    /// Who reads the Secret (what its file may hold: [`SecretReader::rules`]).
    pub fn reader(&self) -> SecretReader {
        self.reader
    }
}

fn invalid(option: &'static str, what: &'static str, value: &str, rule: &'static str) -> Error {
    Error::InvalidSecretField {
        option,
        what,
        value: value.escape_debug().to_string(),
        rule,
    }
}

const DNS_SUBDOMAIN_RULE: &str = "use at most 253 lower-case letters, digits, '-' and '.', each part between dots starting and ending with a letter or digit";
const DNS_LABEL_RULE: &str =
    "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit";
const CONFIG_KEY_RULE: &str =
    "use at most 253 letters, digits, '-', '_' and '.', not starting with '..' and other than '.'";
const QUALIFIED_NAME_RULE: &str = "write a key as NAME or PREFIX/NAME: NAME at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit; PREFIX a DNS subdomain (at most 253 lower-case letters, digits, '-' and '.')";
const QUALIFIED_NAME_RULE_ANY_CASE: &str = "write a key as NAME or PREFIX/NAME: NAME at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit; PREFIX a DNS subdomain (at most 253 letters, digits, '-' and '.')";
const LABEL_VALUE_RULE: &str = "a label value is empty, or at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit; put free text in an --annotation instead";

/// RFC 1123 label, as `IsDNS1123Label`: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`,
/// at most 63.
fn is_dns_label(text: &str) -> bool {
    text.len() <= 63 && is_dns_part(text)
}

/// One dot-separated part of a DNS subdomain: as a label, without the
/// length limit (`IsDNS1123Subdomain` checks only the whole length).
fn is_dns_part(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// RFC 1123 subdomain, as `IsDNS1123Subdomain`: at most 253.
fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253 && text.split('.').all(is_dns_part)
}

/// A Secret or ConfigMap data key, as `IsConfigMapKey`.
fn is_config_key(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 253
        && text != "."
        && !text.starts_with("..")
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A label or annotation key, as `IsQualifiedName`: NAME or PREFIX/NAME.
fn is_qualified_name(text: &str) -> bool {
    let (prefix, name) = match text.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, text),
    };
    prefix.is_none_or(is_dns_subdomain) && !name.is_empty() && is_label_value(name)
}

/// A label value, as `IsValidLabelValue`: empty, or at most 63 of
/// `[-A-Za-z0-9_.]` starting and ending with a letter or digit.
fn is_label_value(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() <= 63
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && bytes.first().is_none_or(u8::is_ascii_alphanumeric)
        && bytes.last().is_none_or(u8::is_ascii_alphanumeric)
}

/// Appends a `v1` Secret manifest whose data key holds `content` in base64.
///
/// `content` over [`SECRET_MAX_BYTES`] is refused: the API server would
/// refuse the Secret anyway, after the pipeline had moved on.
pub fn k8s_secret(spec: &SecretSpec, content: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
    if content.len() > SECRET_MAX_BYTES {
        return Err(Error::SecretTooLarge {
            len: content.len(),
            max: SECRET_MAX_BYTES,
        });
    }
    let field = |out: &mut Vec<u8>, indent: &str, name: &str, value: &str| {
        out.extend_from_slice(indent.as_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        yaml::double_quoted(value, out);
        out.push(b'\n');
    };
    let map = |out: &mut Vec<u8>, name: &str, entries: &BTreeMap<String, String>| {
        if entries.is_empty() {
            return;
        }
        out.extend_from_slice(b"  ");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b":\n");
        for (key, value) in entries {
            out.extend_from_slice(b"    ");
            yaml::double_quoted(key, out);
            out.extend_from_slice(b": ");
            yaml::double_quoted(value, out);
            out.push(b'\n');
        }
    };
    field(out, "", "apiVersion", "v1");
    field(out, "", "kind", "Secret");
    out.extend_from_slice(b"metadata:\n");
    field(out, "  ", "name", &spec.name);
    if let Some(namespace) = &spec.namespace {
        field(out, "  ", "namespace", namespace);
    }
    map(out, "labels", &spec.labels);
    map(out, "annotations", &spec.annotations);
    field(out, "", "type", spec.secret_type);
    out.extend_from_slice(b"data:\n  ");
    yaml::double_quoted(&spec.key, out);
    // Base64 needs no escaping: its alphabet is letters, digits, '+', '/', '='.
    out.extend_from_slice(b": \"");
    let start = out.len();
    out.resize(start + base64_len(content.len()), 0);
    let written = base64::engine::general_purpose::STANDARD
        .encode_slice(content, &mut out[start..])
        .map_err(|_| Error::SecretTooLarge {
            len: content.len(),
            max: SECRET_MAX_BYTES,
        })?;
    out.truncate(start + written);
    out.extend_from_slice(b"\"\n");
    Ok(())
}

fn base64_len(len: usize) -> usize {
    len.div_ceil(3) * 4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, namespace: Option<&str>, key: &str) -> SecretSpec {
        SecretSpec::new(name, namespace, SecretReader::IngressNginx, Some(key))
            .expect("valid names")
    }

    fn render(spec: &SecretSpec, content: &[u8]) -> String {
        let mut out = Vec::new();
        k8s_secret(spec, content, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_secret_holds_the_content_in_base64() {
        assert_eq!(
            render(&spec("basic-auth", Some("web"), "auth"), b"alice:$apr1$x\n"),
            "apiVersion: \"v1\"\nkind: \"Secret\"\nmetadata:\n  name: \"basic-auth\"\n  \
             namespace: \"web\"\ntype: \"Opaque\"\ndata:\n  \"auth\": \"YWxpY2U6JGFwcjEkeAo=\"\n"
        );
    }

    #[test]
    fn without_a_namespace_none_is_written_and_empty_content_is_a_string() {
        let text = render(&spec("a", None, ".htpasswd"), b"");
        assert!(!text.contains("namespace"), "{text}");
        assert!(text.ends_with("data:\n  \".htpasswd\": \"\"\n"), "{text}");
    }

    #[test]
    fn labels_and_annotations_are_sorted_quoted_and_the_last_value_wins() {
        let mut spec = spec("a", None, "auth");
        spec.add_label("tier", "123").unwrap();
        spec.add_label("app", "old").unwrap();
        spec.add_label("app", "web").unwrap();
        spec.add_annotation("note", "say \"hi\"\n").unwrap();
        let text = render(&spec, b"");
        assert!(
            text.contains(
                "metadata:\n  name: \"a\"\n  labels:\n    \"app\": \"web\"\n    \"tier\": \"123\"\n  \
                 annotations:\n    \"note\": \"say \\\"hi\\\"\\n\"\ntype:"
            ),
            "{text}"
        );
    }

    #[test]
    fn readers_choose_the_type_key_and_default_namespace() {
        let spec = SecretSpec::new("a", None, SecretReader::Traefik, None).unwrap();
        assert_eq!((spec.key(), spec.secret_type()), ("users", "Opaque"));
        let spec = SecretSpec::new("a", None, SecretReader::NginxIngress, None).unwrap();
        assert_eq!(
            (spec.key(), spec.secret_type()),
            ("htpasswd", "nginx.org/htpasswd")
        );
        let spec = SecretSpec::new("a", None, SecretReader::OpenShift, None).unwrap();
        assert_eq!(spec.namespace(), Some("openshift-config"));
        let spec = SecretSpec::new("a", Some("auth"), SecretReader::OpenShift, Some("k")).unwrap();
        assert_eq!((spec.namespace(), spec.key()), (Some("auth"), "k"));
        assert_eq!(spec.reader(), SecretReader::OpenShift);
        let text = render(
            &SecretSpec::new("a", None, SecretReader::NginxGatewayFabric, None).unwrap(),
            b"",
        );
        assert!(
            text.contains("type: \"nginx.org/htpasswd\"\ndata:\n  \"auth\": \"\"\n"),
            "{text}"
        );
    }

    #[test]
    fn names_kubernetes_refuses_are_refused() {
        let new = |name: &str, namespace: Option<&str>, key: &str| {
            SecretSpec::new(name, namespace, SecretReader::IngressNginx, Some(key))
        };
        for name in [
            "",
            "Basic",
            "-a",
            "a-",
            "a_b",
            "a..b",
            ".a",
            &"a".repeat(254),
        ] {
            assert!(new(name, None, "auth").is_err(), "{name:?}");
        }
        for namespace in ["a.b", "", &"n".repeat(64), "UP"] {
            assert!(new("ok", Some(namespace), "auth").is_err(), "{namespace:?}");
        }
        for key in ["", ".", "..", "..a", "a/b", "a b", "a:b", &"k".repeat(254)] {
            assert!(new("ok", None, key).is_err(), "{key:?}");
        }
        assert!(new("basic-auth.v1", Some("kube-system"), "_x.y-z").is_ok());
        assert!(new(&"a".repeat(63), None, "a..b").is_ok());
        // A subdomain's parts have no length limit of their own.
        assert!(new(&"a".repeat(253), None, ".a").is_ok());
    }

    #[test]
    fn label_keys_and_values_are_checked_as_the_api_server_does() {
        let mut spec = spec("a", None, "auth");
        for key in [
            "a",
            "A.b-C_9",
            "example.com/a",
            &"k".repeat(63),
            &format!("{}/{}", "p".repeat(253), "n".repeat(63)),
        ] {
            assert!(spec.add_label(key, "").is_ok(), "{key:?}");
        }
        for key in [
            "",
            "/a",
            "a/",
            "a/b/c",
            "-a",
            "a-",
            "a b",
            "Example.com/a",
            &"k".repeat(64),
            &format!("{}/n", "p".repeat(254)),
        ] {
            assert!(spec.add_label(key, "v").is_err(), "{key:?}");
        }
        for value in ["", "v", "1.5", "A_b-c.D", &"v".repeat(63)] {
            assert!(spec.add_label("k", value).is_ok(), "{value:?}");
        }
        for value in [" ", "-v", "v.", "a b", "a/b", &"v".repeat(64)] {
            assert!(spec.add_label("k", value).is_err(), "{value:?}");
        }
    }

    #[test]
    fn annotation_keys_ignore_case_and_values_are_free_but_bounded() {
        let mut spec = spec("a", None, "auth");
        assert!(
            spec.add_annotation("Example.COM/Note", "any \"thing\"\n")
                .is_ok()
        );
        assert!(spec.add_annotation("bad key", "v").is_err());
        assert!(spec.add_annotation("k", &"x".repeat(200_000)).is_ok());
        assert!(matches!(
            spec.add_annotation("j", &"x".repeat(100_000)),
            Err(Error::AnnotationsTooLarge { .. })
        ));
    }

    #[test]
    fn content_over_a_mebibyte_is_refused() {
        let mut out = Vec::new();
        let big = vec![b'a'; SECRET_MAX_BYTES + 1];
        assert!(matches!(
            k8s_secret(&spec("a", None, "auth"), &big, &mut out),
            Err(Error::SecretTooLarge { .. })
        ));
        assert!(k8s_secret(&spec("a", None, "auth"), &big[1..], &mut out).is_ok());
    }
}
