//! `topgen_spec::examples`: reply examples checked against their own spec without compiling
//! anything. The seed spec's and the fixtures' examples fit; hand-made misfits are each
//! reported at the example's key with their path in the example.

use std::path::{Path, PathBuf};
use topgen_import::{MAX_WARNINGS_PER_EXAMPLE, check_examples};
use topgen_import::{Place, Warning};
use topgen_spec::examples::check_api;
use topgen_spec::spec::Spec;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const SPEC: &str = "
name: topgen.check.get
response:
  - name: total
    type: Number
  - name: ok
    type: Boolean
  - name: created
    type: Date
  - name: price
    type: Price
  - name: raw
    type: Json
  - name: shop
    type: Shop
  - name: items
    type: Item[]
  - name: tags
    type: String[]
  - name: type
    type: String
types:
  Shop:
    fields:
      - name: name
        type: String
      - name: opened
        type: Date
  Item:
    fields:
      - name: n
        type: Number
      - name: children
        type: Item[]
";

const PATH: &str = "specs/topgen.check.get.yaml";

fn spec_with(key: &str, example: &str) -> Spec {
    let mut spec = topgen_spec::load::parse_spec(Path::new(PATH), SPEC).unwrap();
    let e = &mut spec.examples;
    let slot = match key {
        "response_xml" => &mut e.response_xml,
        "response_json" => &mut e.response_json,
        "error_xml" => &mut e.error_xml,
        "error_json" => &mut e.error_json,
        other => panic!("{other}"),
    };
    *slot = Some(example.to_owned());
    spec
}

fn check(key: &str, example: &str) -> Vec<Warning> {
    check_examples(Path::new(PATH), &spec_with(key, example))
}

#[test]
fn the_seed_spec_and_the_fitting_fixtures_fit() {
    let path = root().join("specs/taobao.wdk.iot.wombat.common.gettoken.yaml");
    let spec = topgen_spec::load_spec(&path).unwrap();
    assert!(spec.examples.response_xml.is_some() && spec.examples.error_json.is_some());
    assert_eq!(check_examples(&path, &spec), Vec::new());
    for name in [
        "topgen.fixture.keywords.get",
        "topgen.fixture.objects.get",
        "topgen.fixture.scalars.get",
    ] {
        let path = root().join(format!("tests/fixtures/specs/{name}.yaml"));
        let spec = topgen_spec::load_spec(&path).unwrap();
        assert_eq!(check_examples(&path, &spec), Vec::new(), "{name}");
    }
}

#[test]
fn the_misfit_fixture_is_reported_per_example() {
    let path = root().join("tests/fixtures/specs/topgen.fixture.misfit.get.yaml");
    let spec = topgen_spec::load_spec(&path).unwrap();
    let warnings = check_examples(&path, &spec);
    let got: Vec<(Place, &str)> = warnings
        .iter()
        .map(|w| (w.place.clone(), w.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                Place::Example("response_xml".into()),
                "examples.response_xml: `total`: expected a Number (a 64-bit integer, or its text), found \"abc\""
            ),
            (
                Place::Example("response_xml".into()),
                "examples.response_xml: `shop.owner`: not in the spec: type `Shop` has no field `owner`, so the typed value would drop it"
            ),
            (
                Place::Example("error_json".into()),
                "examples.error_json: `detail`: not a field of TOP's error (`code`, `msg`, `sub_code`, `sub_msg`, `request_id`), so the typed error would drop it"
            ),
        ]
    );
}

#[test]
fn rich_examples_in_every_representation_fit() {
    let json = r#"{"topgen_check_get_response": {
        "total": "3", "ok": 1, "created": 1628006400000, "price": 12.5,
        "raw": {"a": [1, {"b": null}], "c": "x"},
        "shop": {"name": 8007, "opened": "2021-08-03T16:00:00Z"},
        "items": {"item": [{"n": 1, "children": {"item": {"n": 2}}}, {"n": "3", "children": []}]},
        "tags": {"string": "one"}, "type": true, "request_id": "r"}}"#;
    assert_eq!(check("response_json", json), Vec::new());
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
        <!-- a comment -->
        <topgen_check_get_response>
          <total> 3 </total><ok>true</ok><created>2021-08-04</created><price>1.5E3</price>
          <raw><a>1</a><b/></raw>
          <shop><name/><opened>2021-08-04 00:00:00.5</opened></shop>
          <items list="true"><item><n>1</n><children list="true"/></item><item><n/></item></items>
          <tags><string>a</string><string/></tags>
          <type>t</type>
        </topgen_check_get_response>"#;
    assert_eq!(check("response_xml", xml), Vec::new());
    let error = r#"<error_response><code>15</code><msg/><sub_code>isp.x</sub_code><request_id>r</request_id></error_response>"#;
    assert_eq!(check("error_xml", error), Vec::new());
    let error = r#"{"error_response": {"code": "7", "msg": "App Call Limited"}}"#;
    assert_eq!(check("error_json", error), Vec::new());
    // Nothing to check.
    let spec = topgen_spec::load::parse_spec(Path::new(PATH), SPEC).unwrap();
    assert_eq!(check_examples(Path::new(PATH), &spec), Vec::new());
}

fn response_json(inner: &str) -> String {
    format!(r#"{{"topgen_check_get_response": {{{inner}}}}}"#)
}

fn response_xml(inner: &str) -> String {
    format!("<topgen_check_get_response>{inner}</topgen_check_get_response>")
}

/// Each example has exactly one misfit, at `path`, whose message contains `part`.
#[test]
fn every_misfit_is_reported_with_its_path() {
    let cases: Vec<(&str, String, &str, &str)> = vec![
        // Elements the spec does not have.
        (
            "response_json",
            response_json(r#""shop": {"name": "s", "owner": "o"}"#),
            "shop.owner",
            "type `Shop` has no field `owner`",
        ),
        (
            "response_xml",
            response_xml("<extra>1</extra>"),
            "extra",
            "the response has no field `extra`",
        ),
        (
            "response_json",
            response_json(r#""items": {"item": [{"n": 1}, {"n": 2, "m": 3}]}"#),
            "items.item[1].m",
            "type `Item` has no field `m`",
        ),
        (
            "response_xml",
            response_xml("<items><item><children><item><x/></item></children></item></items>"),
            "items.item[0].children.item[0].x",
            "no field `x`",
        ),
        (
            "response_xml",
            response_xml("<total>1</total><total>2</total>"),
            "total",
            "appears 2 times",
        ),
        (
            "response_json",
            response_json(r#""total": 1, "total": 2"#),
            "total",
            "appears 2 times",
        ),
        (
            "response_xml",
            response_xml("<shop>note<name>s</name></shop>"),
            "shop",
            "text beside child elements",
        ),
        (
            "response_xml",
            response_xml("<raw><a>1</a><a>2</a></raw>"),
            "raw.a",
            "keeps one value per key",
        ),
        // Values that do not fit their field's type.
        (
            "response_json",
            response_json(r#""total": "abc""#),
            "total",
            "expected a Number",
        ),
        (
            "response_xml",
            response_xml("<total>abc</total>"),
            "total",
            "found \"abc\"",
        ),
        (
            "response_json",
            response_json(r#""total": 1.5"#),
            "total",
            "expected a Number",
        ),
        (
            "response_json",
            response_json(r#""total": 9223372036854775808"#),
            "total",
            "expected a Number",
        ),
        (
            "response_json",
            response_json(r#""total": true"#),
            "total",
            "the boolean true",
        ),
        (
            "response_json",
            response_json(r#""ok": "yes""#),
            "ok",
            "expected a Boolean",
        ),
        (
            "response_json",
            response_json(r#""ok": 2"#),
            "ok",
            "expected a Boolean",
        ),
        (
            "response_json",
            response_json(r#""created": "tomorrow""#),
            "created",
            "expected a Date",
        ),
        (
            "response_xml",
            response_xml("<created>2021-02-30 00:00:00</created>"),
            "created",
            "expected a Date",
        ),
        (
            "response_json",
            response_json(r#""created": 1.5"#),
            "created",
            "expected a Date",
        ),
        (
            "response_json",
            response_json(r#""price": "12,5""#),
            "price",
            "expected a Price",
        ),
        (
            "response_json",
            response_json(r#""price": 1e300"#),
            "price",
            "expected a Price",
        ),
        (
            "response_json",
            response_json(r#""type": {"a": 1}"#),
            "type",
            "expected a String",
        ),
        (
            "response_xml",
            response_xml("<type><a>1</a></type>"),
            "type",
            "found an object with `a`",
        ),
        (
            "response_json",
            response_json(r#""type": [1]"#),
            "type",
            "found a list of 1 item(s)",
        ),
        (
            "response_json",
            response_json(r#""shop": "s""#),
            "shop",
            "expected an object of type `Shop`",
        ),
        (
            "response_json",
            response_json(r#""shop": [{"name": "s"}]"#),
            "shop",
            "expected an object of type `Shop`",
        ),
        (
            "response_json",
            response_json(r#""shop": {"opened": "soon"}"#),
            "shop.opened",
            "expected a Date",
        ),
        // Lists.
        (
            "response_json",
            response_json(r#""tags": "a,b""#),
            "tags",
            "expected a list of `String`",
        ),
        (
            "response_json",
            response_json(r#""tags": {"string": ["a"], "number": [1]}"#),
            "tags",
            "found an object with the keys `string`, `number`",
        ),
        (
            "response_json",
            response_json(r#""tags": {"string": ["a", {"b": 1}]}"#),
            "tags.string[1]",
            "expected a String",
        ),
        (
            "response_json",
            response_json(r#""tags": ["a", null]"#),
            "tags[1]",
            "a list item is null",
        ),
        (
            "response_json",
            response_json(r#""items": {"item": [{"n": 1}, {"n": "x"}]}"#),
            "items.item[1].n",
            "expected a Number",
        ),
        (
            "response_xml",
            response_xml("<items><item><n>1</n></item><item><n>x</n></item></items>"),
            "items.item[1].n",
            "expected a Number",
        ),
        (
            "response_json",
            response_json(r#""items": [{"n": 1}, 5]"#),
            "items[1]",
            "expected an object of type `Item`",
        ),
        // The wrapper and the text.
        (
            "response_json",
            r#"{"other_response": {}}"#.to_owned(),
            "",
            "the one key `other_response`; a success reply of this API has an object whose one key is `topgen_check_get_response`",
        ),
        (
            "response_json",
            r#"{"topgen_check_get_response": {}, "x": 1}"#.to_owned(),
            "",
            "an object with `topgen_check_get_response`, `x`",
        ),
        (
            "response_json",
            r#"{"total": 1}"#.to_owned(),
            "",
            "the one key `total`",
        ),
        (
            "response_xml",
            "<other_response/>".to_owned(),
            "",
            "the root element `<other_response>`; a success reply",
        ),
        (
            "response_xml",
            "<error_response><code>7</code></error_response>".to_owned(),
            "",
            "`<error_response>`",
        ),
        (
            "response_json",
            "{\"topgen_check_get_response\": {\n  \"total\": 1,\n}}".to_owned(),
            "",
            "invalid JSON: trailing comma at line 3",
        ),
        (
            "response_xml",
            "<topgen_check_get_response>\n<total>1</totl>\n</topgen_check_get_response>".to_owned(),
            "",
            "invalid XML at line 2",
        ),
        (
            "response_xml",
            "<topgen_check_get_response><total>".to_owned(),
            "",
            "still open",
        ),
        (
            "response_xml",
            "<topgen_check_get_response>&nbsp;</topgen_check_get_response>".to_owned(),
            "",
            "`&nbsp;`",
        ),
        // TOP's error.
        (
            "error_json",
            r#"{"error_response": {"msg": "no code"}}"#.to_owned(),
            "code",
            "missing",
        ),
        (
            "error_json",
            r#"{"error_response": {"code": "abc"}}"#.to_owned(),
            "code",
            "expected a Number",
        ),
        (
            "error_xml",
            "<error_response><code>7</code><detail>d</detail></error_response>".to_owned(),
            "detail",
            "not a field of TOP's error",
        ),
        (
            "error_xml",
            "<error_response><code>7</code><msg><a/></msg></error_response>".to_owned(),
            "msg",
            "expected a String",
        ),
        (
            "error_json",
            r#"{"topgen_check_get_response": {}}"#.to_owned(),
            "",
            "TOP's error reply has an object whose one key is `error_response`",
        ),
    ];
    for (key, example, path, part) in &cases {
        let warnings = check(key, example);
        assert_eq!(warnings.len(), 1, "{key} {example}: {warnings:#?}");
        let w = &warnings[0];
        assert_eq!(w.place, Place::Example((*key).to_owned()), "{example}");
        let prefix = if path.is_empty() {
            format!("examples.{key}: ")
        } else {
            format!("examples.{key}: `{path}`: ")
        };
        assert!(
            w.message.starts_with(&prefix),
            "{example}: expected the path {path:?}: {}",
            w.message
        );
        assert!(
            w.message.contains(part),
            "{example}: expected {part:?} in: {}",
            w.message
        );
    }
}

#[test]
fn misfits_of_one_example_are_all_reported_in_order_and_capped() {
    let example = response_json(r#""total": "a", "ok": "b", "created": "c", "zz": 1"#);
    let warnings = check("response_json", &example);
    let paths: Vec<&str> = warnings
        .iter()
        .map(|w| w.message.split('`').nth(1).unwrap_or(""))
        .collect();
    assert_eq!(paths, ["total", "ok", "created", "zz"]);

    let many: Vec<String> = (0..25).map(|i| format!(r#""x{i}": {i}"#)).collect();
    let warnings = check("response_json", &response_json(&many.join(", ")));
    assert_eq!(warnings.len(), MAX_WARNINGS_PER_EXAMPLE + 1);
    assert_eq!(
        warnings.last().unwrap().message,
        format!(
            "examples.response_json: {} more misfits not listed",
            25 - MAX_WARNINGS_PER_EXAMPLE
        )
    );
    // The full list is there for the generator.
    let spec = spec_with("response_json", &response_json(&many.join(", ")));
    let api = topgen_spec::model::resolve(Path::new(PATH), &spec).unwrap();
    assert_eq!(check_api(&api).len(), 25);
}

#[test]
fn an_invalid_spec_gets_one_warning_that_its_examples_were_not_checked() {
    let mut spec = spec_with("response_json", &response_json(r#""total": 1"#));
    spec.response[0].ty = "Nope".into();
    let warnings = check_examples(Path::new(PATH), &spec);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].place, Place::Spec);
    assert!(
        warnings[0].message.contains("not checked")
            && warnings[0].message.contains("unknown type \"Nope\""),
        "{}",
        warnings[0].message
    );
}
