//! An entry or a whole file rendered for where it goes: a docker-compose
//! value ([`compose`]) or a Kubernetes `v1` Secret manifest ([`k8s`]), both
//! YAML, written through the one YAML string writer ([`yaml`]), or Caddy's
//! `basic_auth` block and `http_basic` accounts ([`caddy`]). Who reads a
//! Secret, and what shape it wants, is the table of [`readers`]; what each
//! destination refuses is data ([`rules`]). What a destination cannot carry
//! is an [`Unfit`], refused with the reason.
//!
//! Pure functions over bytes: nothing here reads a file or writes to a
//! terminal. What a destination would refuse or misread is refused here,
//! with the rule to follow, before anything is printed.

pub mod caddy;
pub mod compose;
pub mod k8s;
pub mod readers;
pub mod rules;
pub mod unfit;
pub mod yaml;

pub use caddy::{CADDY_JSON, CADDYFILE, CaddyAccounts, CaddyFormat};
pub use compose::{ComposeUsers, compose_entry, compose_user};
pub use k8s::{
    ANNOTATIONS_MAX_BYTES, DEFAULT_SECRET_NAME, SECRET_MAX_BYTES, SecretSpec, k8s_secret,
};
pub use readers::{SecretReader, SecretShape};
pub use rules::{HashRule, NameMatch, NameRule, Rules};
pub use unfit::{EntryPart, Unfit};
