//! Tools that drive cargo over topgen's own output: proving the importers and the generator on
//! a whole TOP catalog ([`check_catalog`], binary `check-catalog`) and measuring them
//! ([`bench`], binaries `bench-gen` and `bench-compile`). Nothing here is needed to generate
//! or to use a client.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bench;
pub mod check_catalog;
