//! A fixed, reproducible sample of the catalog that covers every type and shape it has.
//!
//! [`features`] lists what one catalog file exercises (scalar types, list spellings, nesting,
//! limits, awkward names, HTML, …), read from the raw JSON so that spellings the importer
//! normalises (`X []`) still count. [`select`] picks the sample:
//!
//! 1. every feature gets a quota of `min(QUOTA, APIs of the catalog that have it)`; features
//!    are served rarest first, and while one is short of its quota the API with that feature
//!    that has the most features still short of theirs is added (ties: the smaller file name);
//! 2. the sample is filled up to the wanted size with the APIs of smallest FNV-1a 64-bit hash
//!    of their file name, an even spread over the catalog that does not depend on the order
//!    in which files are listed.
//!
//! [`write_sample`] copies the sample into a folder with a README that states the rule and the
//! [`coverage`] of every feature.

mod features;
mod select;
mod write;

pub use features::{FEATURES, Feature, feature_index, features};
pub use select::{Entry, fnv1a, select};
pub use write::{Coverage, SampleReport, coverage, read_catalog, utc_date, write_sample};

/// How many sample APIs each feature should have (fewer when the catalog has fewer).
pub const QUOTA: usize = 5;
