//! The `codegen` binary and TMC topics: `import-topics` (topic definitions into a folder of topic
//! specs: guesses, `--check` exit codes, pruning, hand edits, bad inputs named), and `generate`
//! making the topic crates beside the API crates, each generation leaving the other's files
//! alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(args)
        .output()
        .expect("run codegen")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

const TRADE_SUCCESS: &str = r#"{"topic": "taobao_trade_TradeSuccess", "title": "交易成功消息", "group": "淘宝交易", "doc_id": 110,
  "fields": [
    {"name": "tid", "type": "Number", "required": true, "description": "主订单ID"},
    {"name": "payment", "type": "String", "required": false, "description": "订单实付金额"}
  ]}"#;

const CAR_CHANGED: &str = r#"{"topic": "tmall_car_Changed", "title": "变更", "group": "天猫", "doc_id": 7, "fields": []}"#;

/// Every file of a folder with its bytes and mtime.
fn state(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let m = std::fs::metadata(&p).unwrap().modified().unwrap();
                out.insert(p.clone(), (std::fs::read(&p).unwrap(), m));
            }
        }
    }
    out
}

#[test]
fn import_topics_writes_checks_prunes_and_keeps_hand_edits() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("topics");
    let out = dir.path().join("specs/tmc");
    std::fs::create_dir_all(&defs).unwrap();
    std::fs::write(defs.join("taobao_trade_TradeSuccess.json"), TRADE_SUCCESS).unwrap();
    std::fs::write(defs.join("tmall_car_Changed.json"), CAR_CHANGED).unwrap();
    std::fs::write(defs.join("README.md"), "not an input").unwrap();
    let import = |extra: &[&str]| {
        let mut args = vec!["import-topics", s(&defs), "--out", s(&out)];
        args.extend_from_slice(extra);
        codegen(&args)
    };

    let first = import(&[]);
    assert!(first.status.success(), "{first:?}");
    let stdout = text(&first.stdout);
    assert!(
        stdout.contains("taobao_trade_TradeSuccess.json: imported with 1 warning")
            && stdout.contains("warning: fields[1]: Price (money: an exact decimal), not the definition's String: the name `payment` says money")
            && stdout.contains("tmall_car_Changed.json: imported\n"),
        "{stdout}"
    );
    let spec = out.join("taobao_trade_TradeSuccess.yaml");
    let yaml = std::fs::read_to_string(&spec).unwrap();
    assert!(
        yaml.contains("  - name: payment\n    type: Price\n"),
        "{yaml}"
    );
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        2,
        "no spec of the README"
    );

    // Up to date: exit 0, one line.
    let check = import(&["--prune", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
    assert!(
        text(&check.stdout).contains("up to date (2 spec(s) from 2 input(s))"),
        "{check:?}"
    );

    // A changed definition and a gone one: exit 1, each named, nothing written or removed.
    std::fs::write(
        defs.join("taobao_trade_TradeSuccess.json"),
        TRADE_SUCCESS.replace("主订单ID", "主订单号"),
    )
    .unwrap();
    std::fs::remove_file(defs.join("tmall_car_Changed.json")).unwrap();
    let before = state(&out);
    let check = import(&["--prune", "--check"]);
    assert_eq!(check.status.code(), Some(1), "{check:?}");
    let stdout = text(&check.stdout);
    assert!(
        stdout.contains(&format!("changed {} (from ", spec.display()))
            && stdout.contains(&format!(
                "extra {}: no input produces it",
                out.join("tmall_car_Changed.yaml").display()
            )),
        "{stdout}"
    );
    assert!(
        text(&check.stderr).contains("not up to date: 1 changed, 0 missing, 1 extra"),
        "{check:?}"
    );
    assert_eq!(state(&out), before, "--check writes nothing");

    // Without --check: rewritten and pruned.
    let pruned = import(&["--prune"]);
    assert!(pruned.status.success(), "{pruned:?}");
    assert!(text(&pruned.stdout).contains("removed "), "{pruned:?}");
    assert!(!out.join("tmall_car_Changed.yaml").exists());
    assert!(std::fs::read_to_string(&spec).unwrap().contains("主订单号"));

    // A spec corrected by hand is not overwritten: the input fails, or with --prune it is kept.
    let edited = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("type: Price", "type: String");
    std::fs::write(&spec, &edited).unwrap();
    std::fs::write(defs.join("taobao_trade_TradeSuccess.json"), TRADE_SUCCESS).unwrap();
    let refused = import(&[]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(
        text(&refused.stdout).contains("was edited since `codegen import-topics` wrote it")
            && text(&refused.stdout).contains("--force"),
        "{refused:?}"
    );
    let kept = import(&["--prune"]);
    assert!(kept.status.success(), "{kept:?}");
    assert!(text(&kept.stdout).contains("kept "), "{kept:?}");
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), edited);
    let forced = import(&["--force"]);
    assert!(forced.status.success(), "{forced:?}");
    assert!(
        std::fs::read_to_string(&spec)
            .unwrap()
            .contains("type: Price")
    );
}

#[test]
fn a_bad_topic_definition_fails_naming_the_file_and_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tmc");
    let bad = dir.path().join("bad_topic.json");
    std::fs::write(
        &bad,
        r#"{"topic": "taobao_trade_X", "fields": [{"name": "a", "type": "Money"}]}"#,
    )
    .unwrap();
    let not_json = dir.path().join("notes.json");
    std::fs::write(&not_json, "hello").unwrap();
    for check in [false, true] {
        let mut args = vec!["import-topics", s(&bad), s(&not_json), "--out", s(&out)];
        if check {
            args.push("--check");
        }
        let run = codegen(&args);
        assert_eq!(run.status.code(), Some(1), "{run:?}");
        let stdout = text(&run.stdout);
        assert!(
            stdout.contains(&format!(
                "{}: failed: fields[0].type: unknown type \"Money\": expected one of String, Number, Boolean, Date, String[], Number[]",
                bad.display()
            )),
            "{stdout}"
        );
        assert!(
            stdout.contains(&format!(
                "{}: failed: expected value at line 1 column 1",
                not_json.display()
            )) && stdout.contains("expected a TMC topic definition"),
            "{stdout}"
        );
        assert!(!out.exists(), "nothing written");
    }
    // A folder without definitions is an error naming it.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let run = codegen(&["import-topics", s(&empty), "--out", s(&out)]);
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    assert!(
        text(&run.stdout).contains("failed: no *.json files in this folder"),
        "{run:?}"
    );
}

/// A topic spec as the format has it.
fn topic_spec(topic: &str, fields: &str) -> String {
    format!("topic: {topic}\ndoc_id: 1\ntitle: 标题\ngroup: 组\nfields:\n{fields}")
}

/// A specs folder of the fixture API specs and, in `tmc/`, topic specs of which two want the
/// same struct name in their crate.
fn specs_with_topics(dir: &Path) -> PathBuf {
    let specs = dir.join("specs");
    std::fs::create_dir_all(specs.join("tmc")).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/specs");
    for e in std::fs::read_dir(fixtures).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yaml") {
            std::fs::copy(&p, specs.join(p.file_name().unwrap())).unwrap();
        }
    }
    for (topic, fields) in [
        (
            "taobao_fenxiao_TradeCreate",
            "  - {name: tid, type: Number, required: true}\n  - {name: payment, type: Price}\n",
        ),
        (
            "taobao_fenxiaoTrade_Create",
            "  - {name: created, type: Date}\n",
        ),
        (
            "taobao_trade_TradeCreate",
            "  - {name: type, type: String}\n",
        ),
        ("tmall_option_Option", "  - {name: ids, type: 'Number[]'}\n"),
    ] {
        std::fs::write(
            specs.join(format!("tmc/{topic}.yaml")),
            topic_spec(topic, fields),
        )
        .unwrap();
    }
    specs
}

#[test]
fn topic_crates_are_generated_beside_the_api_crates_and_each_leaves_the_other_alone() {
    let dir = tempfile::tempdir().unwrap();
    let specs = specs_with_topics(dir.path());
    let out = dir.path().join("generated");
    let generate = |specs: &Path, extra: &[&str]| {
        let mut args = vec!["generate", "--specs", s(specs), "--out", s(&out)];
        args.extend_from_slice(extra);
        codegen(&args)
    };
    let first = generate(&specs, &[]);
    assert!(first.status.success(), "{first:?}");
    assert!(
        text(&first.stdout).contains("4 topics rendered"),
        "{first:?}"
    );
    for file in [
        "crates.txt",
        "INDEX.md",
        "topics.txt",
        "TOPICS.md",
        "tmc-taobao/Cargo.toml",
        "tmc-taobao/src/lib.rs",
        "tmc-taobao/src/taobao_fenxiao_trade_create_2.rs",
        "tmc-tmall/src/tmall_option_option.rs",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    // The short names; of two topics that want one name, the later (by name) gets its full
    // name, and its module a number; `Option` is never taken.
    let lib = std::fs::read_to_string(out.join("tmc-taobao/src/lib.rs")).unwrap();
    for reexport in [
        "pub use taobao_fenxiao_trade_create::FenxiaoTradeCreate;",
        "pub use taobao_fenxiao_trade_create_2::TaobaoFenxiaoTradeCreate;",
        "pub use taobao_trade_trade_create::TradeCreate;",
        "pub use topgen_tmc;",
    ] {
        assert!(lib.contains(reexport), "{reexport}\n{lib}");
    }
    let tmall = std::fs::read_to_string(out.join("tmc-tmall/src/lib.rs")).unwrap();
    assert!(
        tmall.contains("pub use tmall_option_option::TmallOptionOption;"),
        "{tmall}"
    );
    let module =
        std::fs::read_to_string(out.join("tmc-taobao/src/taobao_fenxiao_trade_create_2.rs"))
            .unwrap();
    for part in [
        "// @generated by topgen codegen from specs/tmc/taobao_fenxiao_TradeCreate.yaml.",
        "#[non_exhaustive]\npub struct TaobaoFenxiaoTradeCreate {",
        "pub payment: Option<::topgen_runtime::Decimal>,",
        "Required by the topic's definition; TOP type `Number`.",
        "impl ::topgen_tmc::Topic for TaobaoFenxiaoTradeCreate {\n    const NAME: &'static str = \"taobao_fenxiao_TradeCreate\";",
        "https://open.taobao.com/tmc.htm?docId=1&docType=9",
    ] {
        assert!(module.contains(part), "{part}\n{module}");
    }
    let toml = std::fs::read_to_string(out.join("tmc-taobao/Cargo.toml")).unwrap();
    assert!(toml.contains("name = \"topgen-tmc-taobao\""), "{toml}");
    assert!(
        toml.contains("topgen-tmc = { version = \"0.1.0\", path = \""),
        "{toml}"
    );
    assert!(toml.contains("\"taobao_trade_TradeCreate\" = []"), "{toml}");

    // Deterministic, and `--check` sees both kinds.
    let before = state(&out);
    let again = generate(&specs, &["--check"]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    let again = generate(&specs, &[]);
    assert!(again.status.success());
    assert_eq!(state(&out), before, "nothing rewritten");
    let edited = out.join("tmc-tmall/src/tmall_option_option.rs");
    std::fs::write(&edited, "// @generated by topgen codegen\n").unwrap();
    let stale = generate(&specs, &["--check"]);
    assert_eq!(stale.status.code(), Some(1), "{stale:?}");
    assert!(
        text(&stale.stderr).contains("tmc-tmall/src/tmall_option_option.rs: differs"),
        "{stale:?}"
    );
    assert!(generate(&specs, &[]).status.success());

    // The API crates alone (no `tmc/` in that specs folder): the topic crates stay, and are
    // no difference to `--check`.
    let apis_only = dir.path().join("api-specs");
    std::fs::create_dir_all(&apis_only).unwrap();
    for e in std::fs::read_dir(&specs).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, apis_only.join(p.file_name().unwrap())).unwrap();
        }
    }
    let before = state(&out);
    let apis = generate(&apis_only, &[]);
    assert!(apis.status.success(), "{apis:?}");
    assert!(!text(&apis.stdout).contains("topics rendered"), "{apis:?}");
    assert_eq!(state(&out), before, "the topic crates are left alone");
    assert_eq!(generate(&apis_only, &["--check"]).status.code(), Some(0));

    // The topics alone, from a folder of their own with one topic fewer: only its crate's files
    // change, the API crates stay.
    let topics = dir.path().join("topics");
    std::fs::create_dir_all(&topics).unwrap();
    for e in std::fs::read_dir(specs.join("tmc")).unwrap() {
        let p = e.unwrap().path();
        if !p.ends_with("tmall_option_Option.yaml") {
            std::fs::copy(&p, topics.join(p.file_name().unwrap())).unwrap();
        }
    }
    let fewer = generate(&apis_only, &["--topics", s(&topics)]);
    assert!(fewer.status.success(), "{fewer:?}");
    assert!(
        !out.join("tmc-tmall").exists(),
        "a crate no topic is in goes"
    );
    assert!(out.join("tmc-taobao/src/lib.rs").is_file());
    let after = state(&out);
    let apis_changed: Vec<&PathBuf> = before
        .iter()
        .filter(|(p, v)| {
            let rel = p.strip_prefix(&out).unwrap().to_string_lossy().into_owned();
            !codegen::topics::is_topic_path(&rel) && after.get(*p) != Some(v)
        })
        .map(|(p, _)| p)
        .collect();
    assert!(apis_changed.is_empty(), "{apis_changed:?}");
}

#[test]
fn a_bad_topic_spec_writes_nothing_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let specs = specs_with_topics(dir.path());
    let out = dir.path().join("generated");
    let args = ["generate", "--specs", s(&specs), "--out", s(&out)];
    assert!(codegen(&args).status.success());
    let before = state(&out);
    // A changed API spec and a bad topic spec: neither generation writes.
    let api = std::fs::read_dir(&specs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_file())
        .unwrap();
    let mut api_text = std::fs::read_to_string(&api).unwrap();
    api_text = api_text.replacen("\ntitle: ", "\ntitle: changed ", 1);
    std::fs::write(&api, api_text).unwrap();
    let bad = specs.join("tmc/taobao_trade_TradeCreate.yaml");
    std::fs::write(
        &bad,
        topic_spec("taobao_trade_TradeCreate", "  - {name: a, type: Money}\n"),
    )
    .unwrap();
    let run = codegen(&args);
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains(&format!(
            "{}: fields[0].type: unknown type \"Money\"",
            bad.display()
        )),
        "{stderr}"
    );
    assert_eq!(state(&out), before, "nothing written");
    // Two specs of one topic: both named.
    std::fs::write(
        &bad,
        topic_spec("taobao_trade_TradeCreate", "  - {name: a, type: String}\n"),
    )
    .unwrap();
    let twin = specs.join("tmc/twin.yaml");
    std::fs::write(&twin, topic_spec("taobao_trade_TradeCreate", "")).unwrap();
    let run = codegen(&args);
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    assert!(
        text(&run.stderr).contains(&format!(
            "{}: topic: topic \"taobao_trade_TradeCreate\" is defined by {} already",
            twin.display(),
            bad.display()
        )),
        "{run:?}"
    );
    std::fs::remove_file(&twin).unwrap();
    // --topics is for the crates split by group only.
    let single = codegen(&[
        "generate",
        "--specs",
        s(&specs),
        "--out",
        s(&dir.path().join("one")),
        "--crate-name",
        "topgen-one",
        "--topics",
        s(&specs.join("tmc")),
    ]);
    assert_eq!(single.status.code(), Some(2), "{single:?}");
    assert!(text(&single.stderr).contains("expected --topics without --crate-name"));
    // An empty topics folder is an error unless --allow-empty, which removes the topic crates.
    for e in std::fs::read_dir(specs.join("tmc")).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    let run = codegen(&args);
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    assert!(
        text(&run.stderr).contains("would remove every topic crate"),
        "{run:?}"
    );
    let mut allow = args.to_vec();
    allow.push("--allow-empty");
    assert!(codegen(&allow).status.success());
    assert!(!out.join("tmc-taobao").exists() && !out.join("tmc-tmall").exists());
    let index = std::fs::read_to_string(out.join("TOPICS.md")).unwrap();
    assert!(
        index.contains("0 topics of TOP's message channel (TMC) in 0 crates"),
        "{index}"
    );
    assert!(out.join("INDEX.md").is_file());
}

#[test]
fn the_api_import_and_its_prune_leave_the_topic_specs_folder_alone() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    let defs = dir.path().join("topics");
    std::fs::create_dir_all(&defs).unwrap();
    std::fs::write(defs.join("tmall_car_Changed.json"), CAR_CHANGED).unwrap();
    let topics = codegen(&["import-topics", s(&defs), "--out", s(&specs.join("tmc"))]);
    assert!(topics.status.success(), "{topics:?}");
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/catalog");
    for extra in [&[][..], &["--check"][..]] {
        let mut args = vec!["import", s(&catalog), "--out", s(&specs), "--prune"];
        args.extend_from_slice(extra);
        let apis = codegen(&args);
        assert!(apis.status.success(), "{apis:?}");
        assert!(!text(&apis.stdout).contains("tmc"), "{apis:?}");
    }
    assert!(specs.join("tmc/tmall_car_Changed.yaml").is_file());
    // And the topic import's prune leaves the API specs alone.
    let api_specs = std::fs::read_dir(&specs)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_file())
        .count();
    assert!(api_specs > 0);
    std::fs::remove_file(defs.join("tmall_car_Changed.json")).unwrap();
    std::fs::write(defs.join("taobao_trade_TradeSuccess.json"), TRADE_SUCCESS).unwrap();
    let pruned = codegen(&[
        "import-topics",
        s(&defs),
        "--out",
        s(&specs.join("tmc")),
        "--prune",
    ]);
    assert!(pruned.status.success(), "{pruned:?}");
    assert!(!specs.join("tmc/tmall_car_Changed.yaml").exists());
    assert_eq!(
        std::fs::read_dir(&specs)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_file())
            .count(),
        api_specs
    );
}
