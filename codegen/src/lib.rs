//! topgen's code generator: TOP API specs (YAML) → a typed Rust client crate.
//!
//! The pipeline is in stages, each its own module:
//! [`load`] (YAML → [`spec::Spec`]) → [`model`] (checks, Rust names) → `render` (tokens with
//! `quote!`) → [`format`](mod@format) (`syn` + `prettyplease` + header) → [`output`] (write only what
//! changed, remove stale files).
//!
//! Use [`generate_crate`] + [`output::Files::write`] for a crate folder, or
//! [`generate_to_file`] from a `build.rs`. [`import`] turns TOP's documentation into specs;
//! [`check_catalog`] proves the importer and the generator on a whole catalog.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bench;
pub mod cache;
pub mod check_catalog;
pub mod error;
pub mod examples;
pub mod format;
mod generate;
pub mod import;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
mod render;
pub mod sanitize;
pub mod spec;

pub use error::Error;
pub use generate::{
    Generated, Options, crate_files, default_runtime_path, generate, generate_crate,
    generate_module, generate_single_file, generate_to_file, load_apis, load_apis_lenient,
};
pub use load::load_spec;

/// How every generated file starts; files under `src/` that start with it belong to the
/// generator and are removed when no spec produces them any more.
pub const HEADER_MARK: &str = "// @generated";
