//! topgen's code generator: TOP API specs (YAML) → a typed Rust client crate.
//!
//! The pipeline is in stages, each its own module:
//! [`load`] (YAML → [`spec::Spec`]) → [`model`] (checks, Rust names; the reply examples
//! checked with [`examples`]) → `render` (tokens with `quote!`; descriptions through
//! [`markdown`]) → `format` (`syn` + `prettyplease` + header) → [`output`] (write only what
//! changed, remove stale files), with [`cache`] skipping the specs unchanged since the last
//! write.
//!
//! Use [`generate_crate`] + [`output::Files::write`] for a crate folder, or
//! [`generate_to_file`] from a `build.rs`; [`generate_groups`] splits the APIs into crates by
//! TOP's product groups, and [`generate_topics`] makes the TMC topic crates of the topic specs
//! ([`topics`]) beside them. The spec format and its checks are the
//! `topgen-spec` crate ([`spec`], [`model`], [`load`], re-exported here); the importers are
//! `topgen-import`, which only the `codegen` binary needs (default feature `cli`: a `build.rs`
//! takes this library with `default-features = false`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cache;
mod crate_text;
mod format;
mod generate;
mod groups;
pub mod layout;
pub mod markdown;
pub mod output;
pub mod paging;
mod render;
pub mod topics;

pub use generate::{
    Generated, Options, crate_files, default_runtime_path, default_testkit_path, generate,
    generate_crate, generate_module, generate_single_file, generate_to_file, lib_name, load_apis,
    load_apis_lenient,
};
pub use groups::{INDEX_FILE, generate_groups};
pub use topgen_spec::load_spec;
pub use topgen_spec::{Error, examples, load, model, sanitize, spec};
pub use topics::{TOPICS_INDEX_FILE, generate_topics};

/// How every generated file starts; files under `src/` that start with it belong to the
/// generator and are removed when no spec produces them any more.
pub const HEADER_MARK: &str = "// @generated";
