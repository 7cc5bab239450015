//! The `codegen` binary: generate, regenerate (byte-identical, nothing rewritten), `--check`
//! on a hand-edited or stale crate, removal of files of deleted specs; the crates split by
//! product group, their layout file and index.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

fn fixture_specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/specs")
}

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(args)
        .output()
        .expect("run codegen")
}

/// `codegen generate --specs specs --out out` and `extra`: without `--crate-name`, the crates
/// split by product group.
fn generate_groups(specs: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "generate",
        "--specs",
        specs.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    codegen(&args)
}

/// `codegen generate` of one crate (`--crate-name topgen-client` unless `extra` names one).
fn generate(specs: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = extra.to_vec();
    if !extra.contains(&"--crate-name") {
        args.extend_from_slice(&["--crate-name", "topgen-client"]);
    }
    generate_groups(specs, out, &args)
}

/// Every file of a folder with its bytes and mtime.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let m = std::fs::metadata(&p).unwrap().modified().unwrap();
                out.push((p.clone(), std::fs::read(&p).unwrap(), m));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn regenerating_gives_identical_bytes_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("client");
    let first = generate(&fixture_specs(), &out, &[]);
    assert!(first.status.success(), "{first:?}");
    let before = snapshot(&out);
    assert_eq!(
        before.len(),
        8,
        "Cargo.toml, lib.rs, one module per fixture spec and the cache manifest"
    );
    assert!(out.join(codegen::cache::CACHE_FILE).is_file());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = generate(&fixture_specs(), &out, &[]);
    assert!(second.status.success());
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(
        stdout.contains("0 written, 0 removed, 7 unchanged; 0 of 5 APIs rendered"),
        "{stdout}"
    );
    assert_eq!(snapshot(&out), before, "same bytes and same mtimes");
    // The library is deterministic too, run after run.
    let a = codegen::generate_crate(&fixture_specs(), &out, &codegen::Options::default()).unwrap();
    for _ in 0..5 {
        let b =
            codegen::generate_crate(&fixture_specs(), &out, &codegen::Options::default()).unwrap();
        assert_eq!(a, b);
    }
}

/// The fixture specs copied into a new folder of `dir`.
fn copy_fixture_specs(dir: &Path) -> PathBuf {
    let specs = dir.join("specs");
    std::fs::create_dir(&specs).unwrap();
    for e in std::fs::read_dir(fixture_specs()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, specs.join(p.file_name().unwrap())).unwrap();
    }
    specs
}

/// The summary line of a generate run.
fn summary(run: &Output) -> String {
    assert!(run.status.success(), "{run:?}");
    let stdout = String::from_utf8_lossy(&run.stdout);
    stdout.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn regenerating_renders_only_what_changed_and_the_cache_hides_no_change() {
    let dir = tempfile::tempdir().unwrap();
    let specs = copy_fixture_specs(dir.path());
    let out = dir.path().join("client");
    let first = summary(&generate(&specs, &out, &[]));
    assert!(first.ends_with("7 written, 0 removed, 0 unchanged; 5 of 5 APIs rendered, the others unchanged since the last run"), "{first}");
    let full = snapshot(&out);

    // A spec whose bytes changed is rendered again; the same output is not written again.
    let spec = specs.join("topgen.fixture.keywords.get.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, format!("{text}# a comment\n")).unwrap();
    let run = summary(&generate(&specs, &out, &[]));
    assert!(
        run.contains("0 written, 0 removed, 7 unchanged; 1 of 5 APIs rendered"),
        "{run}"
    );

    // A real change is written, and only there.
    std::fs::write(
        &spec,
        text.replace("title: 关键字", "title: 关键字 changed"),
    )
    .unwrap();
    let run = summary(&generate(&specs, &out, &[]));
    assert!(
        run.contains("1 written, 0 removed, 6 unchanged; 1 of 5 APIs rendered"),
        "{run}"
    );
    let module = std::fs::read_to_string(out.join("src/topgen_fixture_keywords_get.rs")).unwrap();
    assert!(module.contains("关键字 changed"), "{module}");
    std::fs::write(&spec, &text).unwrap();
    assert!(summary(&generate(&specs, &out, &[])).contains("1 written, 0 removed, 6 unchanged"));

    // Another crate name renders everything again (doc examples name the crate).
    let run = summary(&generate(&specs, &out, &["--crate-name", "other-client"]));
    assert!(run.contains("5 of 5 APIs rendered"), "{run}");
    assert!(summary(&generate(&specs, &out, &[])).contains("5 of 5 APIs rendered"));

    // A manifest that cannot be read, or a lying one, costs time but never output.
    let manifest = out.join(codegen::cache::CACHE_FILE);
    std::fs::write(&manifest, "not json").unwrap();
    let run = summary(&generate(&specs, &out, &[]));
    assert!(
        run.contains("0 written, 0 removed, 7 unchanged; 5 of 5 APIs rendered"),
        "{run}"
    );
    let good = std::fs::read_to_string(&manifest).unwrap();
    assert_ne!(good, "not json", "the manifest is written again");
    let module_hash = |m: &str| {
        let entry = good.lines().find(|l| l.contains(m)).unwrap();
        let at = entry.find("\"output\":\"").unwrap() + 10;
        entry[at..at + 32].to_owned()
    };
    let lying = good.replace(&module_hash("topgen_fixture_objects_get"), &"0".repeat(32));
    std::fs::write(&manifest, lying).unwrap();
    let run = summary(&generate(&specs, &out, &[]));
    assert!(
        run.contains("0 written, 0 removed, 7 unchanged; 1 of 5 APIs rendered"),
        "{run}"
    );
    let again = snapshot(&out);
    let crate_files = |s: &[(PathBuf, Vec<u8>, SystemTime)]| {
        s.iter()
            .filter(|(p, ..)| !p.ends_with(codegen::cache::CACHE_FILE))
            .map(|(p, b, _)| (p.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(crate_files(&again), crate_files(&full));

    // In the library too: a cached run gives exactly the files of a full one.
    let options = codegen::Options::default();
    let lib_out = dir.path().join("lib-client");
    let first = codegen::generate(&specs, &lib_out, &options).unwrap();
    assert_eq!((first.rendered, first.reused), (5, 0));
    first.write(&lib_out).unwrap();
    let second = codegen::generate(&specs, &lib_out, &options).unwrap();
    assert_eq!((second.rendered, second.reused), (0, 5));
    assert_eq!(second.misfits, first.misfits);
    assert!(
        !second.misfits.is_empty(),
        "the misfit fixture's misfits come from the cache"
    );
    assert_eq!(
        second.files,
        codegen::generate_crate(&specs, &lib_out, &options).unwrap()
    );
}

#[test]
fn check_fails_on_a_hand_edited_file_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("client");
    assert!(generate(&fixture_specs(), &out, &[]).status.success());
    let ok = generate(&fixture_specs(), &out, &["--check"]);
    assert!(ok.status.success(), "{ok:?}");

    let edited = out.join("src/topgen_fixture_objects_get.rs");
    let mut text = std::fs::read_to_string(&edited).unwrap();
    text.push_str("\n// a hand edit\n");
    std::fs::write(&edited, &text).unwrap();
    let stale = generate(&fixture_specs(), &out, &["--check"]);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(
        stderr.contains("src/topgen_fixture_objects_get.rs: differs from what the specs produce"),
        "{stderr}"
    );
    // --check wrote nothing.
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), text);

    std::fs::remove_file(out.join("src/lib.rs")).unwrap();
    let missing = generate(&fixture_specs(), &out, &["--check"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("src/lib.rs: missing"));

    // Regenerating repairs both.
    assert!(generate(&fixture_specs(), &out, &[]).status.success());
    assert!(
        generate(&fixture_specs(), &out, &["--check"])
            .status
            .success()
    );
}

#[test]
fn files_of_removed_specs_are_deleted_and_hand_written_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    for f in [
        "topgen.fixture.keywords.get.yaml",
        "topgen.fixture.objects.get.yaml",
    ] {
        std::fs::copy(fixture_specs().join(f), specs.join(f)).unwrap();
    }
    let out = dir.path().join("client");
    assert!(generate(&specs, &out, &[]).status.success());
    std::fs::write(out.join("src/notes.rs"), "// mine\n").unwrap();
    std::fs::remove_file(specs.join("topgen.fixture.objects.get.yaml")).unwrap();

    let check = generate(&specs, &out, &["--check"]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("src/topgen_fixture_objects_get.rs: no spec produces this file"),
        "{stderr}"
    );

    let run = generate(&specs, &out, &[]);
    assert!(run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stdout).contains("removed src/topgen_fixture_objects_get.rs")
    );
    assert!(!out.join("src/topgen_fixture_objects_get.rs").exists());
    assert!(out.join("src/topgen_fixture_keywords_get.rs").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("src/notes.rs")).unwrap(),
        "// mine\n"
    );
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(!lib.contains("objects"), "{lib}");
}

#[test]
fn a_bad_spec_fails_the_run_and_leaves_the_crate_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    std::fs::copy(
        fixture_specs().join("topgen.fixture.keywords.get.yaml"),
        specs.join("topgen.fixture.keywords.get.yaml"),
    )
    .unwrap();
    let out = dir.path().join("client");
    assert!(generate(&specs, &out, &[]).status.success());
    let before = snapshot(&out);
    std::fs::write(
        specs.join("broken.yaml"),
        "name: topgen.broken\nrequest:\n  - name: x\n    type: Nope\n",
    )
    .unwrap();
    let run = generate(&specs, &out, &[]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("broken.yaml: request[0].type: unknown type \"Nope\""),
        "{stderr}"
    );
    assert_eq!(snapshot(&out), before);
}

#[test]
fn runtime_path_is_relative_to_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("deep/client");
    let runtime = dir.path().join("vendor/runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    let run = generate(
        &fixture_specs(),
        &out,
        &[
            "--runtime-path",
            runtime.to_str().unwrap(),
            "--crate-name",
            "my-top",
        ],
    );
    assert!(run.status.success(), "{run:?}");
    let toml = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        toml.contains("topgen-runtime = { version = \"0.1.0\", path = \"../../vendor/runtime\" }"),
        "{toml}"
    );
    assert!(toml.contains("name = \"my-top\""), "{toml}");
    let module = std::fs::read_to_string(out.join("src/topgen_fixture_keywords_get.rs")).unwrap();
    assert!(
        module.contains("use my_top::TopgenFixtureKeywordsGetRequest;"),
        "doc example uses the crate name"
    );
}

#[test]
fn default_invocation_checks_the_workspace() {
    // `codegen --check` with no folders compares the workspace's generated/ with specs/: the
    // committed client must be up to date.
    let run = codegen(&["--check"]);
    assert!(
        run.status.success(),
        "generated/ is stale: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// A usage error prints clap's message and one usage line, then exits 2.
#[test]
fn usage_errors_print_the_usage_once() {
    for args in [&["--bogus"][..], &["generate", "--bogus"], &["import"]] {
        let out = codegen(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.matches("Usage:").count(), 1, "{args:?}: {stderr}");
        assert_eq!(
            stderr.lines().filter(|l| l.contains("codegen")).count(),
            1,
            "{args:?}: one usage line\n{stderr}"
        );
    }
}

/// An empty specs folder would remove every generated module: refused unless asked for.
#[test]
fn an_empty_specs_folder_is_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    let out = dir.path().join("out");
    assert!(generate(&fixture_specs(), &out, &[]).status.success());
    let refused = generate(&specs, &out, &[]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("has no spec") && stderr.contains("--allow-empty"),
        "{stderr}"
    );
    assert!(
        out.join("src/topgen_fixture_docs_get.rs").exists(),
        "nothing removed"
    );
    let allowed = generate(&specs, &out, &["--allow-empty"]);
    assert!(
        allowed.status.success(),
        "{}",
        String::from_utf8_lossy(&allowed.stderr)
    );
    assert!(!out.join("src/topgen_fixture_docs_get.rs").exists());
}

// Crates split by TOP's product groups (the default without `--crate-name`): the layout file
// that keeps every API in its crate, and the index of every API.

/// A small spec of API `name`.
fn write_spec(specs: &Path, name: &str, title: &str) {
    std::fs::create_dir_all(specs).unwrap();
    std::fs::write(
        specs.join(format!("{name}.yaml")),
        format!(
            "name: {name}\ntitle: \"{title}\"\nrequest:\n  - name: tid\n    type: Number\n    required: true\nresponse:\n  - name: ok\n    type: Boolean\n"
        ),
    )
    .unwrap();
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn apis_go_to_group_crates_with_a_layout_and_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    let out = dir.path().join("generated");
    write_spec(&specs, "taobao.time.get", "获取前台展示的店铺类目 | 时间");
    write_spec(&specs, "tmall.car.lease.freeze", "");
    let run = generate_groups(&specs, &out, &[]);
    assert!(run.status.success(), "{run:?}");
    // A vendor's APIs that fit in one crate are one crate, named after the vendor.
    let layout = read(out.join("crates.txt"));
    assert!(
        layout.contains("\n[topgen-taobao] taobao\ntaobao.time.get\n")
            && layout.contains("\n[topgen-tmall] tmall\ntmall.car.lease.freeze\n"),
        "{layout}"
    );
    let toml = read(out.join("taobao/Cargo.toml"));
    assert!(toml.contains("name = \"topgen-taobao\""), "{toml}");
    assert!(toml.contains("\"taobao.time.get\" = []"), "{toml}");
    let lib = read(out.join("taobao/src/lib.rs"));
    // The crate docs' table escapes `|` in a title.
    assert!(
        lib.contains(
            "//! | `taobao.time.get` | `TimeGetRequest` | 获取前台展示的店铺类目 \\| 时间 |"
        ),
        "{lib}"
    );
    let module = read(out.join("taobao/src/taobao_time_get.rs"));
    assert!(
        module.contains("use topgen_taobao::TimeGetRequest;"),
        "{module}"
    );
    let index = read(out.join("INDEX.md"));
    assert!(
        index.starts_with("<!-- @generated by topgen codegen"),
        "{index}"
    );
    assert!(
        index.contains("| `tmall.car.lease.freeze` | `topgen-tmall` | `tmall.car.lease.freeze` | `TmallCarLeaseFreezeRequest` | - |"),
        "{index}"
    );
    assert!(index.contains("2 APIs in 2 crates"), "{index}");

    // Nothing changed: nothing written; `--check` agrees.
    let again = generate_groups(&specs, &out, &[]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains(" 0 written, 0 removed,"),
        "{again:?}"
    );
    assert!(generate_groups(&specs, &out, &["--check"]).status.success());

    // An API of its own vendor leaves: its crate's folder goes with it.
    std::fs::remove_file(specs.join("tmall.car.lease.freeze.yaml")).unwrap();
    let check = generate_groups(&specs, &out, &["--check"]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("tmall/src/tmall_car_lease_freeze.rs: no spec produces this file")
            && stderr.contains("crates.txt: differs"),
        "{stderr}"
    );
    assert!(generate_groups(&specs, &out, &[]).status.success());
    assert!(
        !out.join("tmall").exists(),
        "the empty crate folder is removed"
    );
    assert!(!read(out.join("crates.txt")).contains("tmall"));
}

#[test]
fn a_placed_api_keeps_its_crate() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    let out = dir.path().join("generated");
    write_spec(&specs, "taobao.trade.memo.add", "");
    // Placed by an earlier run in a crate of its product.
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("crates.txt"),
        "# placed earlier\n[topgen-taobao-trade] taobao.trade\ntaobao.trade.memo.add\n",
    )
    .unwrap();
    write_spec(&specs, "taobao.trade.fullinfo.get", "");
    write_spec(&specs, "taobao.time.get", "");
    let run = generate_groups(&specs, &out, &[]);
    assert!(run.status.success(), "{run:?}");
    let layout = read(out.join("crates.txt"));
    // The new API under the same prefix joins it; another product goes to the vendor's crate.
    assert!(
        layout.contains(
            "[topgen-taobao-trade] taobao.trade\ntaobao.trade.fullinfo.get\ntaobao.trade.memo.add\n"
        ) && layout.contains("[topgen-taobao] taobao\ntaobao.time.get\n"),
        "{layout}"
    );
    assert!(
        out.join("taobao-trade/src/taobao_trade_memo_add.rs")
            .is_file()
    );

    // A broken layout file is an error naming its line; nothing is written.
    std::fs::write(out.join("crates.txt"), "[topgen-x] x\ny.z\n").unwrap();
    let run = generate_groups(&specs, &out, &[]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("crates.txt")
            && stderr.contains("line 2")
            && stderr.contains("not under `x`"),
        "{stderr}"
    );
}
