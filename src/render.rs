//! An entry or a whole file rendered for where it goes: a docker-compose
//! value (every `$` doubled) or a Kubernetes `v1` Secret manifest.
//!
//! Pure functions over bytes: nothing here reads a file or writes to a
//! terminal. What goes into a manifest is checked first ([`SecretSpec::new`])
//! so the YAML needs no quoting and kubectl never sees a name it would refuse.

use base64::Engine as _;

use crate::error::Error;

/// The most a Kubernetes Secret may hold (the API server refuses more).
pub const SECRET_MAX_BYTES: usize = 1024 * 1024;

/// The Secret's name when none is given.
pub const DEFAULT_SECRET_NAME: &str = "basic-auth";

/// Who reads a Secret; each looks for the file under its own data key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretReader {
    /// ingress-nginx's `auth-secret` annotation reads key `auth`.
    IngressNginx,
    /// Traefik's basicAuth `secret` reads key `users`.
    Traefik,
    /// Envoy Gateway's basicAuth `users` secret reads key `.htpasswd`.
    EnvoyGateway,
}

impl SecretReader {
    /// The data key this reader looks for.
    pub fn key(self) -> &'static str {
        match self {
            SecretReader::IngressNginx => "auth",
            SecretReader::Traefik => "users",
            SecretReader::EnvoyGateway => ".htpasswd",
        }
    }
}

/// Where in the cluster the Secret goes: checked names, safe in YAML as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretSpec {
    name: String,
    namespace: Option<String>,
    key: String,
}

impl SecretSpec {
    /// Checks the names as the API server would: the name a DNS subdomain
    /// (RFC 1123, at most 253), the namespace a DNS label (at most 63), the
    /// key letters, digits, `-`, `_` and `.` (at most 253).
    pub fn new(name: &str, namespace: Option<&str>, key: &str) -> Result<SecretSpec, Error> {
        let invalid =
            |what: &'static str, value: &str, rule: &'static str| Error::InvalidSecretName {
                what,
                value: value.escape_debug().to_string(),
                rule,
            };
        if !is_dns_subdomain(name) {
            return Err(invalid("name", name, DNS_SUBDOMAIN_RULE));
        }
        if let Some(namespace) = namespace
            && !is_dns_label(namespace)
        {
            return Err(invalid("namespace", namespace, DNS_LABEL_RULE));
        }
        if !is_config_key(key) {
            return Err(invalid("data key", key, CONFIG_KEY_RULE));
        }
        Ok(SecretSpec {
            name: name.to_owned(),
            namespace: namespace.map(str::to_owned),
            key: key.to_owned(),
        })
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
}

const DNS_SUBDOMAIN_RULE: &str = "use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
const DNS_LABEL_RULE: &str =
    "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit";
const CONFIG_KEY_RULE: &str =
    "use at most 253 letters, digits, '-', '_' and '.', other than '.' or '..'";

fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253 && text.split('.').all(is_dns_label)
}

fn is_config_key(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 253
        && text != "."
        && text != ".."
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
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
    out.extend_from_slice(b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: ");
    out.extend_from_slice(spec.name.as_bytes());
    out.push(b'\n');
    if let Some(namespace) = &spec.namespace {
        out.extend_from_slice(b"  namespace: ");
        out.extend_from_slice(namespace.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b"type: Opaque\ndata:\n  ");
    // A key may start with '.', which YAML reads as plain text; no quotes needed.
    out.extend_from_slice(spec.key.as_bytes());
    out.extend_from_slice(b": ");
    let start = out.len();
    out.resize(start + base64_len(content.len()), 0);
    let written = base64::engine::general_purpose::STANDARD
        .encode_slice(content, &mut out[start..])
        .map_err(|_| Error::SecretTooLarge {
            len: content.len(),
            max: SECRET_MAX_BYTES,
        })?;
    out.truncate(start + written);
    out.push(b'\n');
    Ok(())
}

fn base64_len(len: usize) -> usize {
    len.div_ceil(3) * 4
}

/// Appends `bytes` with every `$` doubled: docker-compose reads `$$` as a
/// literal `$`, and a single `$` as the start of a variable.
pub fn compose_escape(bytes: &[u8], out: &mut Vec<u8>) {
    for &byte in bytes {
        if byte == b'$' {
            out.push(b'$');
        }
        out.push(byte);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, namespace: Option<&str>, key: &str) -> SecretSpec {
        SecretSpec::new(name, namespace, key).expect("valid names")
    }

    #[test]
    fn a_secret_holds_the_content_in_base64() {
        let mut out = Vec::new();
        k8s_secret(
            &spec("basic-auth", Some("web"), "auth"),
            b"alice:$apr1$x\n",
            &mut out,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: basic-auth\n  namespace: web\n\
             type: Opaque\ndata:\n  auth: YWxpY2U6JGFwcjEkeAo=\n"
        );
    }

    #[test]
    fn without_a_namespace_none_is_written() {
        let mut out = Vec::new();
        k8s_secret(&spec("a", None, ".htpasswd"), b"", &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("namespace"), "{text}");
        assert!(text.ends_with("data:\n  .htpasswd: \n"), "{text}");
    }

    #[test]
    fn names_kubernetes_refuses_are_refused() {
        for name in ["", "Basic", "-a", "a-", "a_b", "a..b", &"a".repeat(254)] {
            assert!(SecretSpec::new(name, None, "auth").is_err(), "{name:?}");
        }
        for namespace in ["a.b", "", &"n".repeat(64), "UP"] {
            assert!(
                SecretSpec::new("ok", Some(namespace), "auth").is_err(),
                "{namespace:?}"
            );
        }
        for key in ["", ".", "..", "a/b", "a b", "a:b"] {
            assert!(SecretSpec::new("ok", None, key).is_err(), "{key:?}");
        }
        assert!(SecretSpec::new("basic-auth.v1", Some("kube-system"), "_x.y-z").is_ok());
        assert!(SecretSpec::new(&"a".repeat(63), None, "auth").is_ok());
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

    #[test]
    fn compose_doubles_every_dollar() {
        let mut out = Vec::new();
        compose_escape(b"u:$2y$05$abc$", &mut out);
        assert_eq!(out, b"u:$$2y$$05$$abc$$");
    }

    #[test]
    fn readers_choose_their_keys() {
        assert_eq!(SecretReader::IngressNginx.key(), "auth");
        assert_eq!(SecretReader::Traefik.key(), "users");
        assert_eq!(SecretReader::EnvoyGateway.key(), ".htpasswd");
    }
}
