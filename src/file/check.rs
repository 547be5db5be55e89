//! Lint findings: how the servers that read an htpasswd file will see it.
//!
//! (Being written: the rules of each server as data, and the walk over a file.)

use crate::hash::BcryptCost;

/// A server whose reading of the file is applied (`htpass check --for`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Server {
    /// The Docker registry (distribution, `auth: htpasswd`).
    Registry,
    /// nginx `auth_basic_user_file` (also ingress-nginx).
    Nginx,
    /// Apache httpd mod_authn_file.
    Apache,
    /// Traefik basicAuth.
    Traefik,
    /// Envoy basic_auth (also Envoy Gateway).
    Envoy,
}

/// What to check beyond what breaks every server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    /// The servers whose rules apply (none: the generic rules only).
    pub servers: Vec<Server>,
    /// `--require bcrypt`: any other entry is an error.
    pub require_bcrypt: bool,
    /// bcrypt entries below this cost are warned about.
    pub min_cost: BcryptCost,
    /// `--strict`: warnings fail too.
    pub strict: bool,
}
