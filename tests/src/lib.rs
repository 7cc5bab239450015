//! End-to-end test support for topgen.
//!
//! [`gateway`]: a local TOP gateway on `127.0.0.1` that checks requests like the Taobao Open
//! Platform (system params, placement, timestamp, sign, required params) and answers with the
//! replies it is given, for testing TOP clients over real HTTP.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod gateway;

/// The README's Rust examples, compiled as doctests so the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
