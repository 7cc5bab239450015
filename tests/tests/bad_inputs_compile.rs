//! Anything `generate` accepts compiles without a warning: every accepted (or only warned)
//! case of the bad-inputs table (`tests/fixtures/bad-specs/`, see `codegen/tests/bad_inputs.rs`)
//! generated into ONE crate, `cargo check`ed with its tests, and any warning or error in the
//! generated crate fails, quoted. Reuses `target/standalone` of `standalone.rs`.

use std::path::Path;
use std::process::Command;

#[test]
fn every_accepted_bad_input_compiles_without_a_warning() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    let mut taken = 0;
    for entry in std::fs::read_dir(root.join("tests/fixtures/bad-specs")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or_default();
        if first == "# expect: accepted" || first.starts_with("# expect: warned: ") {
            std::fs::copy(&path, specs.join(path.file_name().unwrap())).unwrap();
            taken += 1;
        }
    }
    assert!(taken >= 20, "{taken} accepted cases");
    let out = dir.path().join("bad-inputs-client");
    let generated = codegen::generate(
        &specs,
        &out,
        &codegen::Options {
            crate_name: "bad-inputs-client".to_owned(),
            runtime_path: Some(root.join("runtime")),
            testkit_path: Some(root.join("testkit")),
            allow_empty: false,
        },
    )
    .unwrap();
    generated.write(&out).unwrap();
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "check",
            "--offline",
            "--all-targets",
            "--message-format=short",
            "--manifest-path",
        ])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/standalone"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Short messages are `src/<module>.rs:L:C: warning: …`; those of the dependencies are not
    // shown (cargo caps their lints).
    let diagnostics: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("src/") && (l.contains(": warning") || l.contains(": error")))
        .collect();
    assert!(
        output.status.success() && diagnostics.is_empty(),
        "the crate of {taken} accepted specs must compile without a warning:\n{}\n{stderr}",
        diagnostics.join("\n")
    );
}
