//! Each kind of malformed or inconsistent spec gets an error naming the file, the place
//! (line:column or field path) and what was expected — and the generator writes nothing.

use std::path::{Path, PathBuf};

/// Writes `text` as `name` into a fresh specs folder and returns the generator's error.
fn error_for(name: &str, text: &str) -> (String, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    let path = specs.join(name);
    std::fs::write(&path, text).unwrap();
    let out = dir.path().join("out");
    let err = codegen::generate_crate(&specs, &out, &codegen::Options::default())
        .expect_err("the spec is malformed");
    assert!(!out.exists(), "nothing may be written for a bad spec");
    let text = err.to_string();
    assert!(
        text.contains(&path.display().to_string()),
        "error names the file: {text}"
    );
    // Keep the tempdir alive until the assertions above are done.
    drop(dir);
    (text, path)
}

fn assert_has(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "expected {p:?} in: {text}");
    }
}

const GOOD_HEAD: &str = "name: topgen.test.get\n";

#[test]
fn yaml_syntax_error_has_line_and_column() {
    let (e, path) = error_for(
        "a.yaml",
        "name: topgen.test.get\nrequest:\n  - name: [unclosed\n",
    );
    assert!(
        e.starts_with(&format!("{}:", path.display())),
        "location follows the file: {e}"
    );
    let rest = &e[path.display().to_string().len() + 1..];
    let loc: Vec<&str> = rest.splitn(3, ':').collect();
    assert!(
        loc[0].parse::<usize>().is_ok() && loc[1].parse::<usize>().is_ok(),
        "{e}"
    );
}

#[test]
fn unknown_field_names_the_field_path_and_position() {
    let (e, path) = error_for(
        "a.yaml",
        &format!("{GOOD_HEAD}request:\n  - name: a\n    type: String\n    colour: red\n"),
    );
    assert_has(
        &e,
        &[
            &format!("{}:5:5", path.display()),
            "request[0].colour",
            "unknown field `colour`",
            "expected one of",
        ],
    );
}

#[test]
fn wrong_kind_of_value() {
    let (e, _) = error_for(
        "a.yaml",
        &format!("{GOOD_HEAD}request:\n  - name: a\n    type: String\n    required: maybe\n"),
    );
    assert_has(&e, &["request[0].required", "expected a boolean"]);
}

#[test]
fn missing_name() {
    let (e, _) = error_for("a.yaml", "request: []\n");
    assert_has(&e, &["missing field `name`"]);
}

#[test]
fn unknown_type() {
    let (e, _) = error_for(
        "a.yaml",
        &format!("{GOOD_HEAD}response:\n  - name: a\n    type: Strin\n"),
    );
    assert_has(
        &e,
        &[
            "response[0].type",
            "unknown type \"Strin\"",
            "expected String, Number",
        ],
    );
}

#[test]
fn unknown_type_inside_a_type() {
    let (e, _) = error_for(
        "a.yaml",
        &format!(
            "{GOOD_HEAD}response:\n  - name: a\n    type: Foo\ntypes:\n  Foo:\n    fields:\n      - name: b\n        type: Bar[]\n"
        ),
    );
    assert_has(&e, &["types.Foo.fields[0].type", "unknown type \"Bar\""]);
}

#[test]
fn type_defined_twice() {
    let (e, path) = error_for(
        "a.yaml",
        &format!(
            "{GOOD_HEAD}response:\n  - name: a\n    type: Foo\ntypes:\n  Foo:\n    fields: []\n  Foo:\n    fields: []\n"
        ),
    );
    assert_has(
        &e,
        &[
            &format!("{}:", path.display()),
            "type \"Foo\" is defined twice",
        ],
    );
}

#[test]
fn type_named_like_a_builtin() {
    let (e, _) = error_for(
        "a.yaml",
        &format!(
            "{GOOD_HEAD}response:\n  - name: a\n    type: String\ntypes:\n  Number:\n    fields: []\n"
        ),
    );
    assert_has(&e, &["types.Number", "built-in TOP type"]);
}

#[test]
fn unused_type() {
    let (e, _) = error_for(
        "a.yaml",
        &format!("{GOOD_HEAD}types:\n  Foo:\n    fields: []\n"),
    );
    assert_has(&e, &["types.Foo", "no param or field uses it"]);
}

#[test]
fn duplicate_param() {
    let (e, _) = error_for(
        "a.yaml",
        &format!(
            "{GOOD_HEAD}request:\n  - name: a\n    type: String\n  - name: b\n    type: String\n  - name: a\n    type: Number\n"
        ),
    );
    assert_has(
        &e,
        &[
            "request[2].name",
            "duplicate param \"a\" (first at request[0])",
        ],
    );
}

#[test]
fn duplicate_field_in_a_type() {
    let (e, _) = error_for(
        "a.yaml",
        &format!(
            "{GOOD_HEAD}response:\n  - name: a\n    type: Foo\ntypes:\n  Foo:\n    fields:\n      - name: x\n        type: String\n      - name: x\n        type: String\n"
        ),
    );
    assert_has(&e, &["types.Foo.fields[1].name", "duplicate field \"x\""]);
}

#[test]
fn name_that_cannot_become_an_identifier() {
    let (e, _) = error_for(
        "a.yaml",
        &format!("{GOOD_HEAD}request:\n  - name: 名称\n    type: String\n"),
    );
    assert_has(
        &e,
        &[
            "request[0].name",
            "wire name \"名称\" is not one TOP uses",
            "expected ASCII letters",
        ],
    );
}

#[test]
fn type_name_that_cannot_become_an_identifier() {
    let (e, _) = error_for(
        "a.yaml",
        &format!(
            "{GOOD_HEAD}response:\n  - name: a\n    type: \"---\"\ntypes:\n  \"---\":\n    fields: []\n"
        ),
    );
    assert_has(&e, &["types.---", "cannot become a Rust identifier"]);
}

#[test]
fn invalid_api_name() {
    let (e, _) = error_for("a.yaml", "name: taobao..get\n");
    assert_has(
        &e,
        &[
            ": name: ",
            "invalid API name",
            "expected two or more dot-separated",
        ],
    );
}

#[test]
fn limit_on_the_wrong_type() {
    let (e, _) = error_for(
        "a.yaml",
        &format!("{GOOD_HEAD}request:\n  - name: a\n    type: Number\n    max_length: 3\n"),
    );
    assert_has(&e, &["request[0].max_length", "applies to String only"]);
}

#[test]
fn min_value_above_max_value() {
    let (e, _) = error_for(
        "a.yaml",
        &format!(
            "{GOOD_HEAD}request:\n  - name: a\n    type: Number\n    min_value: 5\n    max_value: 1\n"
        ),
    );
    assert_has(&e, &["request[0].min_value", "greater than max_value"]);
}

#[test]
fn recursive_type_without_a_list() {
    let (e, _) = error_for(
        "a.yaml",
        &format!(
            "{GOOD_HEAD}response:\n  - name: a\n    type: Node\ntypes:\n  Node:\n    fields:\n      - name: next\n        type: Node\n"
        ),
    );
    assert_has(
        &e,
        &[
            "types.Node.fields[0].type",
            "contains itself",
            "expected a list",
        ],
    );
}

#[test]
fn file_param_outside_the_request() {
    let (e, _) = error_for(
        "a.yaml",
        &format!("{GOOD_HEAD}response:\n  - name: a\n    type: byte[]\n"),
    );
    assert_has(
        &e,
        &[
            "response[0].type",
            "only allowed as a top-level request param",
        ],
    );
}

#[test]
fn two_specs_for_one_module() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    std::fs::write(specs.join("a.yaml"), "name: topgen.a_b.get\n").unwrap();
    std::fs::write(specs.join("b.yaml"), "name: topgen.a.b_get\n").unwrap();
    let out = dir.path().join("out");
    let e = codegen::generate_crate(&specs, &out, &codegen::Options::default())
        .unwrap_err()
        .to_string();
    assert_has(&e, &["b.yaml: name:", "already becomes", "a.yaml"]);
}

#[test]
fn every_bad_spec_is_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    std::fs::write(specs.join("good.yaml"), "name: topgen.good.get\n").unwrap();
    std::fs::write(
        specs.join("bad1.yaml"),
        "name: topgen.bad.one\nrequest: 3\n",
    )
    .unwrap();
    std::fs::write(specs.join("bad2.yaml"), "name: topgen.bad.two\nextra: 1\n").unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(out.join("src/lib.rs"), "// hand-made, must survive\n").unwrap();
    let err = codegen::generate_crate(&specs, &out, &codegen::Options::default()).unwrap_err();
    let all: Vec<String> = err.all().iter().map(|e| e.to_string()).collect();
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(
        all[0].contains("bad1.yaml") && all[1].contains("bad2.yaml"),
        "{all:?}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("src/lib.rs")).unwrap(),
        "// hand-made, must survive\n"
    );
    assert!(!Path::new(&out.join("Cargo.toml")).exists());
}

#[test]
fn in_memory_pipeline_matches_the_crate_output() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/specs");
    let path = specs.join("topgen.fixture.objects.get.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let module = codegen::generate_module(&path, &text, Some("topgen_client")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = codegen::generate_crate(&specs, dir.path(), &codegen::Options::default()).unwrap();
    assert_eq!(files.files["src/topgen_fixture_objects_get.rs"], module);
    let err = codegen::generate_module(Path::new("mem.yaml"), "name: [", None).unwrap_err();
    assert!(err.to_string().starts_with("mem.yaml:"), "{err}");
}
