//! End-to-end tests of topgen: snapshots, fixture compile checks, conformance of the generated
//! client over real HTTP against the local TOP gateway (the `topgen-gateway` crate), and the
//! example program. The tests are in `tests/`; this library only compiles the README's examples.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The README's Rust examples, compiled as doctests so the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
