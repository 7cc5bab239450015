//! topgen's API specs and TOP's rules about them, in one place.
//!
//! A spec is one YAML file per TOP API (`specs/<method>.yaml`), the source of truth the
//! generator (`codegen`), the importers (`topgen-import`) and the local gateway
//! (`topgen-gateway`) all read:
//! - [`spec`]: the format, read with serde into [`Spec`];
//! - [`load`]: reading a file, with line:column and the field path in every [`Error`];
//! - [`model`]: the checks beyond the YAML shape, resolving a spec into an [`model::Api`]
//!   with Rust names; TOP's own rules ([`model::response_key`], [`model::Scalar`] — the
//!   types TOP names, and [`model::looks_secret`]) live there;
//! - [`sanitize`]: turning TOP's wire names into Rust identifiers;
//! - [`examples`]: a spec's reply examples checked against the spec itself, without
//!   compiling anything.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod error;
pub mod examples;
pub mod load;
pub mod model;
pub mod sanitize;
pub mod scalar;
pub mod spec;

pub use error::Error;
pub use load::{load_spec, parse_spec, spec_files};
pub use spec::Spec;
