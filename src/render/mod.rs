//! An entry or a whole file rendered for where it goes: a docker-compose
//! value ([`compose`]) or a Kubernetes `v1` Secret manifest ([`k8s`]), both
//! YAML, written through the one YAML string writer ([`yaml`]). What a
//! format cannot carry is an [`Unfit`], refused with the reason.
//!
//! Pure functions over bytes: nothing here reads a file or writes to a
//! terminal. What a destination would refuse or misread is refused here,
//! with the rule to follow, before anything is printed.

pub mod compose;
pub mod k8s;
pub mod unfit;
pub mod yaml;

pub use compose::{ComposeUsers, compose_entry, compose_user};
pub use k8s::{
    ANNOTATIONS_MAX_BYTES, DEFAULT_SECRET_NAME, SECRET_MAX_BYTES, SecretReader, SecretShape,
    SecretSpec, k8s_secret,
};
pub use unfit::{EntryPart, Unfit};
