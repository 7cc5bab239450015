//! topgen's API specs and TOP's rules about them, in one place.
//!
//! A spec is one YAML file per TOP API (`specs/<method>.yaml`), the source of truth the
//! generator (`codegen`), the importers (`topgen-import`) and the local gateway
//! (`topgen-gateway`) all read:
//! - [`spec`]: the format, read with serde into [`Spec`];
//! - [`load`]: reading a file, with line:column and the field path in every [`Error`];
//! - [`model`]: the checks beyond the YAML shape, resolving a spec into an [`model::Api`]
//!   with Rust names;
//! - [`rules`]: TOP's naming rules — the reply key of a method, TOP-shaped method names, which
//!   field names hold secrets;
//! - [`sanitize`]: turning TOP's wire names into Rust identifiers;
//! - [`examples`]: a spec's reply examples checked against the spec itself, without
//!   compiling anything;
//! - [`scalar`]: TOP's scalar types, their names and which text fits each;
//! - [`tree`]: reply examples read as trees (the fit check's input, and what
//!   `topgen-testkit` compares a decoded value with);
//! - [`topic`]: the other format, TMC topic specs (one YAML file per topic of TOP's message
//!   channel, `specs/tmc/`), read with the same machinery and resolved with the same naming
//!   rules.
//!
//! The default feature `load` brings the spec files (formats, loading, model, fit check);
//! without it the crate is [`rules`], [`scalar`], [`tree`] and [`Error`] alone, with no
//! dependency beyond serde, serde_json and quick-xml.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod error;
#[cfg(feature = "load")]
pub mod examples;
#[cfg(feature = "load")]
pub mod load;
#[cfg(feature = "load")]
pub mod model;
pub mod rules;
#[cfg(feature = "load")]
pub mod sanitize;
pub mod scalar;
#[cfg(feature = "load")]
pub mod spec;
#[cfg(feature = "load")]
pub mod topic;
pub mod tree;

pub use error::Error;
#[cfg(feature = "load")]
pub use load::{load_spec, parse_spec, spec_files};
#[cfg(feature = "load")]
pub use spec::Spec;
