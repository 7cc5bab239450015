//! `check-catalog`: compiler messages mapped to APIs (on captured cargo output), the
//! sample selection (deterministic; the committed sample matches its README), and the
//! command's counts on a tiny catalog with a broken file and an API that cannot be generated.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::check_catalog::diagnostics::{Level, Names, parse_cargo_json};
use xtask::check_catalog::sample::{self, FEATURES, QUOTA};
use xtask::check_catalog::{Verdict, verdict};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The 13 aliyuncs APIs of the crate the messages were captured from.
const CAPTURED_APIS: &[&str] = &[
    "account.aliyuncs.com.CreateAliyunAccount.2013-07-01",
    "account.aliyuncs.com.CreateAliyunAccountForBid.2013-07-01",
    "account.aliyuncs.com.CreateApp.2013-07-01",
    "account.aliyuncs.com.DeleteAppForBid.2013-07-01",
    "account.aliyuncs.com.GetPubKey.2013-07-01",
    "account.aliyuncs.com.ListAppkeyByOwnerAndBid.2013-07-01",
    "m-kvstore.aliyuncs.com.DescribeRegions.2015-03-01",
    "odps.aliyuncs.com.DescribeOdpsService.2014-12-15",
    "push.aliyuncs.com.push.20150518",
    "push.aliyuncs.com.pushMsg.2015-03-18",
    "push.aliyuncs.com.pushNotification.2015-03-18",
    "slb.aliyuncs.com.DescribeBackendServers.2013-02-21",
    "slb.aliyuncs.com.SetLoadBalancerName.2013-02-21",
];

/// The names of the captured crate's APIs, computed by the model as `check-catalog` does.
fn captured_names() -> Names {
    let mut names = BTreeMap::new();
    for method in CAPTURED_APIS {
        let spec = topgen_spec::load::parse_spec(Path::new("x.yaml"), &format!("name: {method}\n"))
            .unwrap();
        let api = topgen_spec::model::resolve(Path::new("x.yaml"), &spec).unwrap();
        for n in [&api.module, &api.request_name, &api.response_name] {
            names.insert(n.clone(), api.module.clone());
        }
    }
    BTreeMap::from([("catalog_chunk_000".to_owned(), names)])
}

fn captured(file: &str) -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/cargo-messages").join(file)).unwrap()
}

/// Module → (errors, warnings) of a `Drop` verdict.
fn dropped(v: &Verdict) -> BTreeMap<&str, (usize, usize)> {
    let Verdict::Drop(by_module) = v else {
        panic!("expected APIs to drop, got {v:?}");
    };
    by_module
        .iter()
        .map(|(m, ds)| {
            let errors = ds.iter().filter(|d| d.level == Level::Error).count();
            (m.as_str(), (errors, ds.len() - errors))
        })
        .collect()
}

#[test]
fn check_errors_are_mapped_to_their_apis() {
    let out = parse_cargo_json(&captured("check-errors.jsonl"), &captured_names());
    assert_eq!(out.success, Some(false));
    assert!(out.built.contains("topgen_runtime"), "{:?}", out.built);
    assert!(!out.built.contains("catalog_chunk_000"));
    // rustc's closing notes are not diagnostics of their own.
    assert_eq!(out.diagnostics.len(), 7, "{:#?}", out.diagnostics);
    assert!(out.diagnostics.iter().all(|d| d.module.is_some()));
    let v = verdict("catalog_chunk_000", &out, "");
    assert_eq!(
        dropped(&v),
        BTreeMap::from([
            // `Option<Strin>`: an error whose other span is in the standard library.
            ("account_aliyuncs_com_create_app_2013_07_01", (2, 0)),
            // An unused import: warnings count too.
            ("odps_aliyuncs_com_describe_odps_service_2014_12_15", (0, 1)),
            // `Instant` is not a param value: errors inside a setter and `encode`.
            ("push_aliyuncs_com_push_20150518", (2, 0)),
            // A name re-exported twice in lib.rs: found from the re-exported name's line.
            ("slb_aliyuncs_com_set_load_balancer_name_2013_02_21", (1, 1)),
        ])
    );
    let Verdict::Drop(by_module) = v else {
        unreachable!()
    };
    let text = &by_module["account_aliyuncs_com_create_app_2013_07_01"][0];
    assert!(
        text.headline().contains("cannot find type `Strin`"),
        "{}",
        text.text
    );
    assert!(
        text.text
            .contains("account_aliyuncs_com_create_app_2013_07_01.rs:63")
    );
}

#[test]
fn doc_errors_are_mapped_to_their_apis() {
    let out = parse_cargo_json(&captured("doc-errors.jsonl"), &captured_names());
    let v = verdict("catalog_chunk_000", &out, "");
    assert_eq!(
        dropped(&v),
        BTreeMap::from([
            ("account_aliyuncs_com_get_pub_key_2013_07_01", (2, 0)),
            (
                "slb_aliyuncs_com_describe_backend_servers_2013_02_21",
                (2, 0)
            ),
        ])
    );
    let Verdict::Drop(by_module) = v else {
        unreachable!()
    };
    let headlines: Vec<&str> = by_module["account_aliyuncs_com_get_pub_key_2013_07_01"]
        .iter()
        .map(|d| d.headline())
        .collect();
    assert!(
        headlines
            .iter()
            .any(|h| h.contains("unclosed HTML tag `div`")),
        "{headlines:?}"
    );
}

#[test]
fn messages_of_unknown_modules_break_the_crate() {
    // Without the API names nothing can be attributed: the crate fails as a whole, with the
    // first error as the reason, and nothing is silently counted as compiled.
    let names: Names = BTreeMap::from([("catalog_chunk_000".to_owned(), BTreeMap::new())]);
    let out = parse_cargo_json(&captured("check-errors.jsonl"), &names);
    assert!(out.diagnostics.iter().all(|d| d.module.is_none()));
    match verdict("catalog_chunk_000", &out, "") {
        Verdict::Broken(reason) => assert!(reason.contains("error"), "{reason}"),
        v => panic!("{v:?}"),
    }
    // A crate the run did not mention at all is not passed either.
    assert!(matches!(
        verdict("catalog_chunk_001", &out, ""),
        Verdict::Broken(_)
    ));
}

/// The JSON files of a folder.
fn json_names(dir: &Path) -> Vec<String> {
    xtask::check_catalog::json_files(dir)
        .unwrap()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn sample_selection_is_deterministic() {
    let catalog = repo().join("tests/fixtures/catalog");
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let ra = sample::write_sample(&catalog, 6, a.path(), "2026-01-02").unwrap();
    let rb = sample::write_sample(&catalog, 6, b.path(), "2026-01-02").unwrap();
    assert_eq!(ra.files.len(), 6);
    assert_eq!(ra, rb);
    assert_eq!(json_names(a.path()), ra.files);
    let readme = std::fs::read_to_string(a.path().join("README.md")).unwrap();
    assert_eq!(
        readme,
        std::fs::read_to_string(b.path().join("README.md")).unwrap()
    );
    assert!(readme.contains("Selected on 2026-01-02"), "{readme}");
    // Files are copied byte for byte.
    for f in &ra.files {
        assert_eq!(
            std::fs::read(a.path().join(f)).unwrap(),
            std::fs::read(catalog.join(f)).unwrap()
        );
    }
    // A smaller sample into the same folder removes what is no longer selected.
    std::fs::write(a.path().join("stray.json"), "{}").unwrap();
    let small = sample::write_sample(&catalog, 3, a.path(), "2026-01-02").unwrap();
    assert_eq!(json_names(a.path()), small.files);
    assert_eq!(small.removed.len(), 4, "{:?}", small.removed);
    assert!(small.removed.contains(&"stray.json".to_owned()));
}

/// `| label | `key` | catalog | sample |` rows of a sample README.
fn coverage_rows(readme: &str) -> BTreeMap<String, (usize, usize)> {
    readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
            let key = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((
                key.to_owned(),
                (cells.get(2)?.parse().ok()?, cells.get(3)?.parse().ok()?),
            ))
        })
        .collect()
}

#[test]
fn committed_sample_matches_its_readme() {
    let dir = repo().join("tests/fixtures/catalog-sample");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let rows = coverage_rows(&readme);
    assert_eq!(rows.len(), FEATURES.len(), "{readme}");
    let files = json_names(&dir);
    assert!(files.len() >= 400, "{} files", files.len());
    assert!(
        readme.contains(&format!("{} of the", files.len())),
        "{readme}"
    );
    let mut counts = vec![0usize; FEATURES.len()];
    for f in &files {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        for i in sample::features(&text) {
            counts[i] += 1;
        }
    }
    for (i, feature) in FEATURES.iter().enumerate() {
        let (in_catalog, in_sample) = rows[feature.key];
        assert_eq!(in_sample, counts[i], "{}: the README is stale", feature.key);
        assert!(
            in_sample >= in_catalog.min(QUOTA),
            "{}: {in_sample} of {in_catalog}",
            feature.key
        );
    }
    // The features the brief names are all there.
    for key in [
        "type:String",
        "type:Number",
        "type:Boolean",
        "type:Date",
        "type:Price",
        "type:BigDecimal",
        "type:Json",
        "type:byte[]",
        "type:byte",
        "list:String",
        "list:object",
        "list:spaced",
        "object:nested-3",
        "request:object",
        "request:upload",
        "byte[]:nested",
        "limit:maxLength",
        "limit:maxListSize",
        "limit:maxValue",
        "limit:minValue",
        "name:type",
        "name:keyword",
        "name:contextual",
        "name:camel",
        "name:digits",
        "name:duplicate",
        "type:same-name-other-fields",
        "doc:html",
        "api:dashed",
        "api:empty-request",
        "api:empty-response",
    ] {
        let i = sample::feature_index(key).unwrap();
        assert!(counts[i] > 0, "{key} not covered");
    }
}

#[test]
fn dashed_sample_api_generates_with_its_wire_names() {
    let dir = repo().join("tests/fixtures/catalog-sample");
    let file = json_names(&dir)
        .into_iter()
        .find(|f| f.contains("aliyuncs") && f.contains('-'))
        .expect("an aliyuncs API in the sample");
    let path = dir.join(&file);
    let text = std::fs::read_to_string(&path).unwrap();
    let imported = topgen_import::catalog::import(&path, &text).unwrap();
    let method = imported.spec.name.clone();
    let yaml = topgen_import::to_yaml(&imported.spec);
    let code = codegen::generate_module(Path::new("x.yaml"), &yaml, Some("c")).unwrap();
    assert!(
        code.contains(&format!("const METHOD: &'static str = \"{method}\";")),
        "{code}"
    );
    let key = format!("{}_response", method.replace('.', "_"));
    assert!(key.contains('-'));
    assert!(
        code.contains(&format!("const RESPONSE_KEY: &'static str = \"{key}\";")),
        "{code}"
    );
}

/// Runs `check-catalog` with the target dir CI's check-catalog step uses by default,
/// so the runtime is compiled for both once.
fn check_catalog(args: &[&Path]) -> (std::process::Output, String) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"))
        .join("check-catalog")
        .join("target");
    let output = Command::new(env!("CARGO_BIN_EXE_check-catalog"))
        .args(args)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("run check-catalog");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, stdout)
}

#[test]
fn counts_on_a_tiny_catalog() {
    let catalog = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let sample_dir = repo().join("tests/fixtures/catalog-sample");
    let dashed = json_names(&sample_dir)
        .into_iter()
        .find(|f| f.contains("aliyuncs") && f.contains('-'))
        .unwrap();
    std::fs::copy(sample_dir.join(&dashed), catalog.path().join(&dashed)).unwrap();
    let good = "taobao.openim.tribelogs.get.json";
    std::fs::copy(
        repo().join("tests/fixtures/catalog").join(good),
        catalog.path().join(good),
    )
    .unwrap();
    std::fs::write(
        catalog.path().join("broken.json"),
        "{\"name\": \"taobao.x\", ",
    )
    .unwrap();
    // Imports (a TOP-shaped name) but becomes the same module as `good`
    // (`taobao_openim_tribelogs_get`); its file sorts later, so generation refuses it.
    std::fs::write(
        catalog.path().join("taobao.openim_tribelogs.get.json"),
        r#"{"name": "taobao.openim_tribelogs.get", "responseParams": [{"name": "a", "type": "String"}]}"#,
    )
    .unwrap();
    let work = scratch.path().join("scratch");
    let (output, stdout) = check_catalog(&[
        catalog.path(),
        Path::new("--chunk"),
        Path::new("1"),
        Path::new("--scratch"),
        &work,
        Path::new("--keep"),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("imported:  3 of 4 catalog files"),
        "{stdout}"
    );
    assert!(
        stdout.contains("generated: 2 of 3 APIs, in 2 crates"),
        "{stdout}"
    );
    assert!(
        stdout.contains("compiled:  2 of 2 APIs (cargo check, 1 round)"),
        "{stdout}"
    );
    assert!(stdout.contains("2 failure(s):"), "{stdout}");
    assert!(
        stdout.ends_with("\ncheck-catalog: 2 passed, 2 failed\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  broken.json: import: "), "{stdout}");
    assert!(
        stdout.contains("  taobao.openim_tribelogs.get: generate: ")
            && stdout.contains("expected distinct API names"),
        "{stdout}"
    );
    for phase in ["import", "generate", "check"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&format!("{phase}: ")) && l.ends_with(" s)")),
            "no time for {phase}: {stdout}"
        );
    }
    // --keep: the chunks are members of one workspace and depend on the runtime by path.
    let manifest = std::fs::read_to_string(work.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("\"crates/chunk-000\""), "{manifest}");
    assert!(manifest.contains("\"crates/chunk-001\""), "{manifest}");
    let chunk = std::fs::read_to_string(work.join("crates/chunk-000/Cargo.toml")).unwrap();
    assert!(
        chunk.contains("topgen-runtime = { version = \"0.1.0\", path = "),
        "{chunk}"
    );
    let runtime_rel = chunk
        .split("path = \"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap();
    assert_eq!(
        work.join("crates/chunk-000")
            .join(runtime_rel)
            .canonicalize()
            .unwrap(),
        repo().join("runtime").canonicalize().unwrap()
    );
    // A scratch folder this command did not make is refused, not cleared.
    let foreign = scratch.path().join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
    let (output, _) = check_catalog(&[catalog.path(), Path::new("--scratch"), &foreign]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--scratch"), "{stderr}");
    assert!(foreign.join("keep.txt").is_file());
}

#[test]
fn sample_file_lists_are_checked() {
    let list = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        list.path(),
        "# a comment\ntaobao.openim.tribelogs.get\n\ntaobao.no.such.api  # why\n",
    )
    .unwrap();
    let err = xtask::check_catalog::inputs(
        &repo().join("tests/fixtures/catalog"),
        &xtask::check_catalog::Selection::SampleFile(list.path().to_owned()),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains(":4:1"), "{err}");
    assert!(err.contains("\"taobao.no.such.api\" is not in"), "{err}");
    std::fs::write(
        list.path(),
        "taobao.openim.tribelogs.get\ntaobao.paimai.itemprops.get.json\n",
    )
    .unwrap();
    let files = xtask::check_catalog::inputs(
        &repo().join("tests/fixtures/catalog"),
        &xtask::check_catalog::Selection::SampleFile(list.path().to_owned()),
    )
    .unwrap();
    assert_eq!(files.len(), 2);
    let limited = xtask::check_catalog::inputs(
        &repo().join("tests/fixtures/catalog"),
        &xtask::check_catalog::Selection::Limit(3),
    )
    .unwrap();
    assert_eq!(limited.len(), 3);
}
