//! insta snapshots of the generated code: the fixtures that exercise every type and shape, and
//! a fixed sample of the committed crates of `generated/` (gettoken, catalog APIs of every
//! vendor and shape, a crate's `lib.rs` and `Cargo.toml`) — a sample, not a second copy of
//! every module: `codegen --check` holds the committed crates to what the specs produce. A spec or generator change shows up here as a diff to
//! review with `cargo insta review` (or the whole loop: `cargo insta test --review`). Every
//! snapshot of a crate is compared before the test fails, naming each that differs, so one run
//! records all the pending ones.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Snapshots every file of the crate generated from `specs`, named `<prefix>__<file>`.
fn snapshot_crate(prefix: &str, specs: &Path) -> usize {
    let out = tempfile::tempdir().unwrap();
    let files = codegen::generate_crate(specs, out.path(), &codegen::Options::default()).unwrap();
    let mut count = 0;
    let mut failed = Vec::new();
    for (path, text) in &files.files {
        if path == "Cargo.toml" {
            // Holds a path that depends on where the output goes; checked in the CLI tests.
            continue;
        }
        let name = format!(
            "{prefix}__{}",
            path.trim_start_matches("src/").trim_end_matches(".rs")
        );
        // An assertion that fails records its `.snap.new` and panics; caught, so that the
        // other snapshots are compared (and recorded) in the same run.
        let compared = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            insta::assert_snapshot!(name.clone(), text);
        }));
        if compared.is_err() {
            failed.push(name);
        }
        count += 1;
    }
    assert!(
        failed.is_empty(),
        "{} of {count} snapshots differ (review them with `cargo insta review`): {}",
        failed.len(),
        failed.join(", ")
    );
    count
}

/// Files of `generated/`, by path: the hand-checked gettoken, and catalog APIs chosen for
/// their shapes: a tiny one and a huge one merged with their doc pages, an upload, an API of a
/// doc page alone, Aliyun's versioned names, and one of each big vendor; and a TMC topic
/// crate's files and topics of every shape.
const GENERATED_SAMPLE: &[&str] = &[
    "taobao-wdk/src/taobao_wdk_iot_wombat_common_gettoken.rs",
    "taobao-wdk/src/lib.rs",
    "taobao-wdk/Cargo.toml",
    "taobao/src/taobao_time_get.rs",
    // A paged API: its `Paged` and `PagedItems` impls.
    "taobao/src/taobao_trades_sold_get.rs",
    "taobao-trade/src/taobao_trade_fullinfo_get.rs",
    "tmall-servicecenter/src/tmall_servicecenter_picture_upload.rs",
    "cainiao/src/cainiao_waybill_ii_inner_get.rs",
    "account/src/account_aliyuncs_com_create_app_2013_07_01.rs",
    "alibaba-alihealth/src/alibaba_alihealth_algo_medication_safety_get.rs",
    "alitrip-btrip/src/alitrip_btrip_apply_get.rs",
    "aliexpress/src/aliexpress_affiliate_category_get.rs",
    "yunos/src/yunos_account_callapi.rs",
    "taobao-simba/src/taobao_simba_adgroup_add.rs",
    // A TMC topic crate: its `lib.rs` and `Cargo.toml`, the wild content's topic (a money
    // guess, ids, a keyword), and from the vendor's crate a topic with a list, a date and a
    // secret, and one without fields.
    "tmc-taobao-trade/src/taobao_trade_trade_success.rs",
    "tmc-taobao-trade/src/lib.rs",
    "tmc-taobao-trade/Cargo.toml",
    "tmc-taobao/src/taobao_train_order_notify.rs",
    "tmc-taobao/src/taobao_dpaas_auth_token_create.rs",
    "tmc-taobao/src/taobao_baoxian_claim_apply.rs",
];

#[test]
fn a_fixed_sample_of_the_committed_crates() {
    let generated = root().join("generated");
    let mut failed = Vec::new();
    for path in GENERATED_SAMPLE {
        let text = std::fs::read_to_string(generated.join(path))
            .unwrap_or_else(|e| panic!("generated/{path}: {e} (run `cargo run -p codegen`)"));
        let name = format!(
            "generated__{}",
            path.replace("/src/", "__")
                .replace('/', "__")
                .trim_end_matches(".rs")
        );
        let compared = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            insta::assert_snapshot!(name.clone(), text);
        }));
        if compared.is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} snapshots differ (review them with `cargo insta review`): {}",
        failed.len(),
        GENERATED_SAMPLE.len(),
        failed.join(", ")
    );
}

#[test]
fn fixtures_covering_every_type_and_shape() {
    let n = snapshot_crate("fixtures", &root().join("tests/fixtures/specs"));
    assert_eq!(n, 6, "lib.rs and five fixture modules");
}

#[test]
fn single_file_output_for_build_scripts() {
    let text = codegen::generate_single_file(&root().join("tests/fixtures/specs")).unwrap();
    assert!(text.starts_with("// @generated by topgen codegen. Do not edit.\n"));
    for m in [
        "topgen_fixture_docs_get",
        "topgen_fixture_keywords_get",
        "topgen_fixture_misfit_get",
        "topgen_fixture_objects_get",
        "topgen_fixture_scalars_get",
    ] {
        assert!(text.contains(&format!("pub mod {m} {{")), "{m}");
    }
    // Without a crate name the doc examples cannot be compiled, so they are not.
    assert!(text.contains("```ignore") && !text.contains("```no_run"));
}
