//! `codegen generate --specs X --out Y` makes a complete crate that builds on its own, outside
//! this workspace, depending on the runtime by a path computed from the output folder.

use std::path::Path;
use std::process::Command;

#[test]
fn generated_crate_builds_outside_the_workspace() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("my-client");
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    let gettoken = "taobao.wdk.iot.wombat.common.gettoken.yaml";
    std::fs::copy(root.join("specs").join(gettoken), specs.join(gettoken)).unwrap();
    let files = codegen::generate_crate(
        &specs,
        &out,
        &codegen::Options {
            crate_name: "my-top-client".to_owned(),
            runtime_path: None,
            testkit_path: None,
            allow_empty: false,
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

/// Each API is behind a cargo feature named after its method: a user crate that enables one
/// API gets that API's module, and the others are not compiled at all.
#[test]
fn one_api_feature_compiles_only_that_api() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("client");
    codegen::generate_crate(
        &root.join("tests/fixtures/specs"),
        &client,
        &codegen::Options {
            crate_name: "fixture-client".to_owned(),
            runtime_path: Some(root.join("runtime")),
            testkit_path: None,
            allow_empty: false,
        },
    )
    .unwrap()
    .write(&client)
    .unwrap();
    let toml = std::fs::read_to_string(client.join("Cargo.toml")).unwrap();
    assert!(
        toml.contains("\"topgen.fixture.scalars.get\" = []"),
        "{toml}"
    );
    assert!(toml.contains("default = [\"full\"]"), "{toml}");

    let user = dir.path().join("user");
    std::fs::create_dir_all(user.join("src")).unwrap();
    std::fs::write(
        user.join("Cargo.toml"),
        "[package]\nname = \"user\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [workspace]\n\n[dependencies]\nfixture-client = { path = \"../client\", \
         default-features = false, features = [\"topgen.fixture.scalars.get\"] }\n",
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), user.join("Cargo.lock")).unwrap();
    let check = |lib: &str| {
        std::fs::write(user.join("src/lib.rs"), lib).unwrap();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        Command::new(cargo)
            .args(["check", "--offline", "--quiet", "--manifest-path"])
            .arg(user.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", root.join("target/standalone"))
            .output()
            .unwrap()
    };
    let enabled = check("pub use fixture_client::topgen_fixture_scalars_get as api;\n");
    assert!(
        enabled.status.success(),
        "the enabled API must compile:\n{}",
        String::from_utf8_lossy(&enabled.stderr)
    );
    let disabled = check("pub use fixture_client::topgen_fixture_objects_get as api;\n");
    let stderr = String::from_utf8_lossy(&disabled.stderr);
    assert!(!disabled.status.success(), "a disabled API must be absent");
    assert!(
        stderr.contains("topgen_fixture_objects_get"),
        "the error names the missing module:\n{stderr}"
    );
}
