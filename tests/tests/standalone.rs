//! `codegen generate --specs X --out Y` makes a complete crate that builds on its own, outside
//! this workspace, depending on the runtime by a path computed from the output folder.

use std::path::Path;
use std::process::Command;

#[test]
fn generated_crate_builds_outside_the_workspace() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("my-client");
    let files = codegen::generate_crate(
        &root.join("specs"),
        &out,
        &codegen::Options {
            crate_name: "my-top-client".to_owned(),
            runtime_path: None,
        },
    )
    .unwrap();
    let report = files.write(&out).unwrap();
    assert!(report.written.contains(&"Cargo.toml".to_owned()));
    // The same dependency versions as the workspace, and no network.
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let target = root.join("target/standalone");
    let output = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo check of the generated crate failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
