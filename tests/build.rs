//! Generates the spec fixtures into `OUT_DIR` with the codegen library, the way a user's
//! `build.rs` would, so the fixture tests compile (and exercise) the generated code.

use std::path::{Path, PathBuf};

fn main() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/specs");
    println!("cargo::rerun-if-changed={}", specs.display());
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("fixtures.rs");
    if let Err(e) = codegen::generate_to_file(&specs, &out) {
        println!("cargo::error={e}");
    }
}
