//! Generates the spec fixtures into `OUT_DIR` with the codegen library, the way a user's
//! `build.rs` would, so the fixture tests compile (and exercise) the generated code: the
//! hand-written fixtures (`fixtures/specs` → `fixtures.rs`) and specs imported from doc pages
//! (`fixtures/imported` → `imported.rs`).

use std::path::{Path, PathBuf};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (specs, out) in [
        ("fixtures/specs", "fixtures.rs"),
        ("fixtures/imported", "imported.rs"),
    ] {
        let specs = dir.join(specs);
        println!("cargo::rerun-if-changed={}", specs.display());
        if let Err(e) = codegen::generate_to_file(&specs, &out_dir.join(out)) {
            println!("cargo::error={e}");
        }
    }
}
