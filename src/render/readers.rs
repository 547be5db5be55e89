//! [`SecretReader`]: who reads the Secret of `--format k8s-secret`, and the
//! one table of what each wants: the Secret's `type`, the data key, the
//! namespace when none is given, and what it refuses ([`Rules`]). A new
//! destination is a new row of `TABLE` and nowhere else.
//!
//! Each row as its product's documentation or source states it (read for
//! issue 13, 2026):
//!
//! - ingress-nginx: `nginx.ingress.kubernetes.io/auth-secret` names an
//!   `Opaque` Secret whose key `auth` holds the file ("It's important the
//!   file generated is named auth (actually - that the secret has a key
//!   data.auth), otherwise the ingress-controller returns a 503",
//!   kubernetes.github.io/ingress-nginx/examples/auth/basic). ingress-nginx
//!   was retired in March 2026; the rows below are where its users go.
//! - F5 NGINX Ingress Controller (`nginx-ingress`): a basicAuth Policy or
//!   the `nginx.org/basic-auth-secret` annotation takes only a Secret of
//!   type `nginx.org/htpasswd` with key `htpasswd` (nginx/kubernetes-ingress,
//!   `internal/k8s/secrets/validation.go`: `SecretTypeHtpasswd =
//!   "nginx.org/htpasswd"`, `HtpasswdFileKey = "htpasswd"`; a Policy naming
//!   a Secret of another type is an error, `internal/configs/policy.go`).
//! - NGINX Gateway Fabric (`nginx-gateway-fabric`): an `AuthenticationFilter`
//!   of type `Basic` names a Secret of type `nginx.org/htpasswd` that must
//!   hold key `auth` (nginx/nginx-gateway-fabric,
//!   `examples/basic-authentication/basic-auth.yaml`; the Secret's check
//!   fails with "missing required key \"auth\" in secret type
//!   \"nginx.org/htpasswd\"";
//!   docs.nginx.com/nginx-gateway-fabric/traffic-security/basic-authentication).
//! - Traefik: the basicAuth middleware's `secret` reads key `users`
//!   (doc.traefik.io, BasicAuth middleware, Kubernetes example).
//! - Envoy Gateway: a SecurityPolicy's `basicAuth.users` names an `Opaque`
//!   Secret whose key `.htpasswd` holds the file (envoyproxy/gateway,
//!   `api/v1alpha1/basic_auth_types.go`: `BasicAuthUsersSecretKey =
//!   ".htpasswd"`, "Right now, only SHA hash algorithm is supported").
//!   Its translator refuses the whole policy when any non-blank line is not
//!   `user:{SHA}base64`, so a comment line breaks it too
//!   (`internal/gatewayapi/securitypolicy.go`, `validateHtpasswdFormat`:
//!   "unsupported htpasswd format: please use {SHA}"; Envoy's own filter says
//!   the same, envoyproxy.io basic_auth_filter: "only SHA format is currently
//!   supported").
//! - OpenShift's HTPasswd identity provider: the OAuth resource's
//!   `htpasswd.fileData.name` names a Secret in namespace `openshift-config`
//!   whose key `htpasswd` holds the file (`oc create secret generic
//!   htpass-secret --from-file=htpasswd=... -n openshift-config`; Red Hat,
//!   OpenShift Container Platform 4.x, "Configuring an htpasswd identity
//!   provider"), which states "OpenShift Container Platform user names
//!   containing /, :, and % are not supported". Its user name check adds
//!   `.`, `..` and `~` as whole names (openshift/apiserver-library-go,
//!   `ValidateUserName`: `path.ValidatePathSegmentName`, which refuses `.`,
//!   `..`, `/` and `%`, then `:` and `~`). A `:` cannot be in an htpasswd
//!   user name at all, so it needs no row.
//!
//! Must never read a file or print; the manifest itself is [`super::k8s`]'s.

use crate::hash::Algorithm;

use super::rules::{HashRule, NameMatch, NameRule, Rules};

/// Who reads a Secret; each wants its own Secret `type` and data key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretReader {
    /// ingress-nginx's `auth-secret` annotation reads key `auth`.
    IngressNginx,
    /// Traefik's basicAuth `secret` reads key `users`.
    Traefik,
    /// Envoy Gateway's basicAuth `users` secret reads key `.htpasswd`.
    EnvoyGateway,
    /// F5 NGINX Ingress Controller: type `nginx.org/htpasswd`, key `htpasswd`.
    NginxIngress,
    /// NGINX Gateway Fabric's AuthenticationFilter: type
    /// `nginx.org/htpasswd`, key `auth`.
    NginxGatewayFabric,
    /// OpenShift's HTPasswd identity provider: key `htpasswd`, namespace
    /// `openshift-config`.
    OpenShift,
}

/// The shape of Secret a reader looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecretShape {
    /// The Secret's `type` (the API server checks some types' keys).
    pub secret_type: &'static str,
    /// The data key that holds the file.
    pub key: &'static str,
    /// The namespace the reader looks in, when `--namespace` is not given
    /// (`None`: kubectl's current one).
    pub namespace: Option<&'static str>,
}

/// One reader: its name on the command line, its Secret, what it refuses.
struct Row {
    reader: SecretReader,
    shape: SecretShape,
    rules: Rules,
}

const OPAQUE: &str = "Opaque";
const NGINX_HTPASSWD: &str = "nginx.org/htpasswd";

const OPENSHIFT_RENAME: &str = "rename that user (htpass delete, then htpass add)";
const OPENSHIFT_CHOOSE: &str = "choose another name";
const OPENSHIFT_WHY: &str = "OpenShift refuses such user names (a user name is a path segment of its API), so that user could never log in";

/// The one table of what each reader wants (contract, "Destinations").
const TABLE: [Row; 6] = [
    Row {
        reader: SecretReader::IngressNginx,
        shape: SecretShape {
            secret_type: OPAQUE,
            key: "auth",
            namespace: None,
        },
        rules: Rules {
            destination: "--for ingress-nginx",
            ..Rules::ANY
        },
    },
    Row {
        reader: SecretReader::Traefik,
        shape: SecretShape {
            secret_type: OPAQUE,
            key: "users",
            namespace: None,
        },
        rules: Rules {
            destination: "--for traefik",
            ..Rules::ANY
        },
    },
    Row {
        reader: SecretReader::EnvoyGateway,
        shape: SecretShape {
            secret_type: OPAQUE,
            key: ".htpasswd",
            namespace: None,
        },
        rules: Rules {
            destination: "--for envoy-gateway",
            hashes: Some(HashRule {
                algorithm: Algorithm::Sha1,
                problem: "is not {SHA}",
                why: "Envoy Gateway checks only {SHA} entries and refuses the whole list when one is of another format",
                in_file: "give that user a {SHA} entry (htpass add FILE USER -a sha1), or delete it",
            }),
            comments: Some(
                "Envoy Gateway reads every line that is not blank as user:{SHA}hash and refuses the whole list otherwise",
            ),
            names: &[],
        },
    },
    Row {
        reader: SecretReader::NginxIngress,
        shape: SecretShape {
            secret_type: NGINX_HTPASSWD,
            key: "htpasswd",
            namespace: None,
        },
        rules: Rules {
            destination: "--for nginx-ingress",
            ..Rules::ANY
        },
    },
    Row {
        reader: SecretReader::NginxGatewayFabric,
        shape: SecretShape {
            secret_type: NGINX_HTPASSWD,
            key: "auth",
            namespace: None,
        },
        rules: Rules {
            destination: "--for nginx-gateway-fabric",
            ..Rules::ANY
        },
    },
    Row {
        reader: SecretReader::OpenShift,
        shape: SecretShape {
            secret_type: OPAQUE,
            key: "htpasswd",
            namespace: Some("openshift-config"),
        },
        rules: Rules {
            destination: "--for openshift",
            hashes: None,
            comments: None,
            names: OPENSHIFT_NAMES,
        },
    },
];

/// The user names OpenShift cannot create users for (`check --for
/// openshift` applies them too).
pub const OPENSHIFT_NAMES: &[NameRule] = &[
    openshift_name(NameMatch::Contains("/"), "contains '/'"),
    openshift_name(NameMatch::Contains("%"), "contains '%'"),
    openshift_name(NameMatch::Is("."), "is '.'"),
    openshift_name(NameMatch::Is(".."), "is '..'"),
    openshift_name(NameMatch::Is("~"), "is '~'"),
];

const fn openshift_name(matches: NameMatch, problem: &'static str) -> NameRule {
    NameRule {
        matches,
        problem,
        why: OPENSHIFT_WHY,
        in_file: OPENSHIFT_RENAME,
        in_argument: OPENSHIFT_CHOOSE,
    }
}

impl SecretReader {
    /// Every reader, in the order of the table.
    pub const ALL: [SecretReader; 6] = [
        SecretReader::IngressNginx,
        SecretReader::Traefik,
        SecretReader::EnvoyGateway,
        SecretReader::NginxIngress,
        SecretReader::NginxGatewayFabric,
        SecretReader::OpenShift,
    ];

    fn row(self) -> &'static Row {
        // Every reader has its row: `table_has_one_row_per_reader` proves it.
        TABLE
            .iter()
            .find(|row| row.reader == self)
            .unwrap_or(&TABLE[0])
    }

    /// The Secret this reader looks for.
    pub fn shape(self) -> SecretShape {
        self.row().shape
    }

    /// The data key this reader looks for.
    pub fn key(self) -> &'static str {
        self.shape().key
    }

    /// What this reader refuses in the file it reads.
    pub fn rules(self) -> &'static Rules {
        &self.row().rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_one_row_per_reader() {
        for reader in SecretReader::ALL {
            let rows = TABLE.iter().filter(|row| row.reader == reader).count();
            assert_eq!(rows, 1, "{reader:?}");
        }
        assert_eq!(TABLE.len(), SecretReader::ALL.len());
    }

    #[test]
    fn readers_choose_their_type_key_and_namespace() {
        let shapes: Vec<(&str, &str, Option<&str>)> = SecretReader::ALL
            .iter()
            .map(|reader| {
                let shape = reader.shape();
                (shape.secret_type, shape.key, shape.namespace)
            })
            .collect();
        assert_eq!(
            shapes,
            [
                ("Opaque", "auth", None),
                ("Opaque", "users", None),
                ("Opaque", ".htpasswd", None),
                ("nginx.org/htpasswd", "htpasswd", None),
                ("nginx.org/htpasswd", "auth", None),
                ("Opaque", "htpasswd", Some("openshift-config")),
            ]
        );
    }

    #[test]
    fn openshift_refuses_the_names_it_cannot_create() {
        let rules = SecretReader::OpenShift.rules();
        for name in ["a/b", "50%", ".", "..", "~"] {
            assert!(rules.check_user(name.as_bytes()).is_err(), "{name}");
        }
        for name in ["alice", "a.b", "...", "~a", "a~", "j\u{f6}rg"] {
            assert!(rules.check_user(name.as_bytes()).is_ok(), "{name}");
        }
        assert!(
            SecretReader::IngressNginx
                .rules()
                .check_user(b"a/b")
                .is_ok()
        );
    }

    #[test]
    fn envoy_gateway_takes_only_sha_and_no_comments() {
        let rules = SecretReader::EnvoyGateway.rules();
        assert!(
            rules
                .check_hash(b"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=")
                .is_ok()
        );
        assert!(
            rules
                .check_hash(b"$apr1$abcdefgh$0123456789abcdefghijkl")
                .is_err()
        );
        assert!(rules.comments.is_some());
        assert!(SecretReader::Traefik.rules().comments.is_none());
    }
}
