//! End-to-end tests of topgen: snapshots, fixture compile checks, conformance of the generated
//! client over real HTTP against the local TOP gateway (the `topgen-gateway` crate), and the
//! example program. The tests are in `tests/`; this library only compiles the README's examples
//! and exposes the fixture specs' generated code, so that `cargo doc` checks its docs.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The README's Rust examples, compiled as doctests so the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The code generated from the fixture specs (`tests/fixtures/specs`, built by `build.rs`), public
/// so that `RUSTDOCFLAGS="-D warnings" cargo doc` checks the docs rendered from their
/// descriptions, the nastiest of TOP's HTML and Markdown fragments among them.
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}
