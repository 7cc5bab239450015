//! The fixture specs' generated code compiles without warnings (it is `include!`d here, built
//! by `build.rs` with the codegen library, as a user's build script would) and behaves:
//! requests encode their params with wire names and check their limits before sending;
//! responses decode TOP's JSON leniently into the typed structs; the generator's check of
//! reply examples (`topgen_spec::examples`) and the runtime's round trip
//! (`topgen_testkit`) agree on which examples fit. (The generated example tests
//! themselves run here too, from the included modules.)
#![deny(warnings)]

#[allow(dead_code)] // A test binary uses only some of the generated API.
mod generated {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

use generated::topgen_fixture_keywords_get as keywords;
use generated::topgen_fixture_misfit_get as misfit;
use generated::topgen_fixture_objects_get as objects;
use generated::topgen_fixture_scalars_get as scalars;
use std::path::Path;
use topgen_runtime::__private::response::decode_json;
use topgen_runtime::{Decimal, Format, ParamError, ParamErrorKind, Params, Request};
use topgen_testkit::{ExampleError, error_round_trip, response_round_trip};

fn encode<R: Request>(r: &R) -> Result<Params, ParamError> {
    let mut p = Params::new();
    r.encode(&mut p)?;
    Ok(p)
}

fn text(p: &Params) -> Vec<(String, String)> {
    p.text()
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn date(s: &str) -> topgen_runtime::DateTime {
    topgen_runtime::time::parse(s).unwrap()
}

#[test]
fn keyword_params_keep_their_wire_names() {
    let r = keywords::TopgenFixtureKeywordsGetRequest::new("fixed")
        .match_("m")
        .box_(3)
        .priv_(true)
        .gen_("g")
        .self_("s")
        .new_("n")
        .item_id(1)
        .item_id_2(2)
        ._3d_model("x")
        .async_("a");
    assert_eq!(
        text(&encode(&r).unwrap()),
        pairs(&[
            ("type", "fixed"),
            ("match", "m"),
            ("box", "3"),
            ("priv", "true"),
            ("gen", "g"),
            ("self", "s"),
            ("new", "n"),
            ("itemId", "1"),
            ("item_id", "2"),
            ("3d_model", "x"),
            ("async", "a"),
        ])
    );
    assert_eq!(
        <keywords::TopgenFixtureKeywordsGetRequest as Request>::METHOD,
        "topgen.fixture.keywords.get"
    );
    assert_eq!(
        <keywords::TopgenFixtureKeywordsGetRequest as Request>::RESPONSE_KEY,
        "topgen_fixture_keywords_get_response"
    );
}

#[test]
fn required_param_may_not_be_blank() {
    let err = encode(&keywords::TopgenFixtureKeywordsGetRequest::new("  ")).unwrap_err();
    assert_eq!(err.param, "type");
    assert_eq!(err.kind, ParamErrorKind::Required);
    assert_eq!(err.code(), 40);
}

#[test]
fn keyword_fields_decode_from_their_wire_names() {
    let body = br#"{"topgen_fixture_keywords_get_response":{"type":"t","match":{"priv":"p","gen":"true","dyn":{"string":["a","b"]}},"box":"b","skuID":"s","in":"7","union":"u","requestId":"r1","request_id":"top-1"}}"#;
    let r: keywords::TopgenFixtureKeywordsGetResponse =
        decode_json(body, "topgen_fixture_keywords_get_response", 200).unwrap();
    assert_eq!(r.type_.as_deref(), Some("t"));
    let m = r.match_.clone().unwrap();
    assert_eq!(m.priv_.as_deref(), Some("p"));
    assert_eq!(m.gen_, Some(true));
    assert_eq!(m.dyn_, Some(vec!["a".to_owned(), "b".to_owned()]));
    assert_eq!(r.box_.as_deref(), Some("b"));
    assert_eq!(r.sku_id.as_deref(), Some("s"));
    assert_eq!(r.in_, Some(7));
    assert_eq!(r.union.as_deref(), Some("u"));
    assert_eq!(r.request_id_2.as_deref(), Some("r1"));
    assert_eq!(r.request_id.as_deref(), Some("top-1"));
}

#[test]
fn every_scalar_type_is_written_like_the_official_sdk() {
    let r = scalars::TopgenFixtureScalarsGetRequest::new("标题", 520000000001)
        .nick("tbtest")
        .page_size(20)
        .is_new(false)
        .start_time(date("2021-08-04 00:00:00"))
        .price("12.50".parse::<Decimal>().unwrap())
        .ratio("0.125".parse::<Decimal>().unwrap())
        .extra(topgen_runtime::serde_json::json!({"a": 1}))
        .image(topgen_runtime::FileItem::new(
            "a.png",
            "image/png",
            b"PNG".to_vec(),
        ))
        .fields("num_iid,title")
        .tags(vec!["a".to_owned(), "b".to_owned()])
        .sku_ids(vec![1, 2, 3])
        .password("hunter2");
    let p = encode(&r).unwrap();
    assert_eq!(
        text(&p),
        pairs(&[
            ("title", "标题"),
            ("num_iid", "520000000001"),
            ("nick", "tbtest"),
            ("page_size", "20"),
            ("is_new", "false"),
            ("start_time", "2021-08-04 00:00:00"),
            ("price", "12.50"),
            ("ratio", "0.125"),
            ("extra", r#"{"a":1}"#),
            ("fields", "num_iid,title"),
            ("tags", "a,b"),
            ("sku_ids", "1,2,3"),
            ("password", "hunter2"),
        ])
    );
    assert_eq!(p.files().len(), 1);
    assert_eq!(p.files()[0].0, "image");
    const { assert!(<scalars::TopgenFixtureScalarsGetRequest as Request>::REQUIRES_SESSION) };
    let debug = format!("{r:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(!format!("{p:?}").contains("hunter2"));
}

#[test]
fn limits_are_checked_before_sending() {
    let base = || scalars::TopgenFixtureScalarsGetRequest::new("t", 1);
    let cases: Vec<(scalars::TopgenFixtureScalarsGetRequest, &str)> = vec![
        (
            scalars::TopgenFixtureScalarsGetRequest::new("长".repeat(61), 1),
            "title",
        ),
        (
            scalars::TopgenFixtureScalarsGetRequest::new("t", 0),
            "num_iid",
        ),
        (base().page_size(101), "page_size"),
        (base().page_size(0), "page_size"),
        (base().price("-0.01".parse().unwrap()), "price"),
        (base().price("100000.01".parse().unwrap()), "price"),
        (base().nick("x".repeat(33)), "nick"),
        (base().tags(vec!["t".to_owned(); 11]), "tags"),
        (base().fields(vec!["f"; 21].join(",")), "fields"),
    ];
    for (request, param) in cases {
        let err = encode(&request).unwrap_err();
        assert_eq!(err.param, param, "{err}");
        assert_eq!(err.code(), 41, "{err}");
    }
    // At the limits everything passes.
    let ok = scalars::TopgenFixtureScalarsGetRequest::new("长".repeat(60), 1)
        .page_size(100)
        .price("100000".parse().unwrap())
        .tags(vec!["t".to_owned(); 10])
        .fields(vec!["f"; 20].join(","));
    encode(&ok).unwrap();
}

#[test]
fn scalars_decode_leniently() {
    let body = br#"{"topgen_fixture_scalars_get_response":{"total":"1","ok":"true","created":"2021-08-04 00:00:00","amount":"12.50","rate":0.5,"raw":{"k":[1]},"names":{"string":["a","b"]},"ids":[1,"2"],"flags":{"boolean":[true,"false"]},"times":{"date":["2021-08-04 00:00:00"]},"prices":{"price":["0.10"]},"access_token":"tok-secret","request_id":"rid"}}"#;
    let r: scalars::TopgenFixtureScalarsGetResponse =
        decode_json(body, "topgen_fixture_scalars_get_response", 200).unwrap();
    assert_eq!(r.total, Some(1));
    assert_eq!(r.ok, Some(true));
    assert_eq!(r.created, Some(date("2021-08-04 00:00:00")));
    assert_eq!(r.amount.unwrap().to_string(), "12.50");
    assert_eq!(r.rate.unwrap().to_string(), "0.5");
    assert_eq!(r.raw, Some(topgen_runtime::serde_json::json!({"k": [1]})));
    assert_eq!(r.names, Some(vec!["a".to_owned(), "b".to_owned()]));
    assert_eq!(r.ids, Some(vec![1, 2]));
    assert_eq!(r.flags, Some(vec![true, false]));
    assert_eq!(r.times, Some(vec![date("2021-08-04 00:00:00")]));
    assert_eq!(r.prices.as_ref().unwrap()[0].to_string(), "0.10");
    assert_eq!(
        r.access_token.as_ref().unwrap().expose_secret(),
        "tok-secret"
    );
    assert!(!format!("{r:?}").contains("tok-secret"));
    assert_eq!(r.request_id.as_deref(), Some("rid"));
}

#[test]
fn object_params_are_sent_as_json_with_wire_names() {
    let query = objects::ItemQuery {
        keyword: Some("phone".to_owned()),
        cat_id: Some(50),
        price_from: Some("9.90".parse().unwrap()),
    };
    let r = objects::TopgenFixtureObjectsGetRequest::new(query).filters(vec![objects::Filter {
        field: Some("color".to_owned()),
        values: Some(vec!["red".to_owned()]),
    }]);
    assert_eq!(
        text(&encode(&r).unwrap()),
        pairs(&[
            (
                "query",
                r#"{"keyword":"phone","catId":50,"price_from":"9.90"}"#
            ),
            ("filters", r#"[{"field":"color","values":["red"]}]"#),
        ])
    );
    let too_many = objects::TopgenFixtureObjectsGetRequest::new(objects::ItemQuery::default())
        .filters(vec![objects::Filter::default(); 6]);
    assert_eq!(encode(&too_many).unwrap_err().param, "filters");
}

#[test]
fn nested_objects_lists_and_trees_decode() {
    let body = br#"{"topgen_fixture_objects_get_response":{
        "result":{"success":true,"total":2,"category":{"cid":1,"name":"root","children":{"category":[{"cid":2,"name":"leaf","children":[]}]}}},
        "items":{"item":[{"num_iid":"7","title":"t","modified":"2021-08-04 00:00:00","skus":{"sku":[{"sku_id":9,"price":"1.00","properties":{"color":"red"}}]}}]},
        "request_id":"r"}}"#;
    let r: objects::TopgenFixtureObjectsGetResponse =
        decode_json(body, "topgen_fixture_objects_get_response", 200).unwrap();
    let result: objects::Result2 = r.result.clone().unwrap();
    assert_eq!(result.success, Some(true));
    let root = result.category.unwrap();
    assert_eq!(root.name.as_deref(), Some("root"));
    let leaf = &root.children.unwrap()[0];
    assert_eq!(leaf.cid, Some(2));
    assert_eq!(leaf.children, Some(vec![]));
    let item = &r.items.as_ref().unwrap()[0];
    assert_eq!(item.num_iid, Some(7));
    let sku = &item.skus.as_ref().unwrap()[0];
    assert_eq!(sku.price.unwrap().to_string(), "1.00");
    assert_eq!(
        sku.properties,
        Some(topgen_runtime::serde_json::json!({"color": "red"}))
    );
    assert_eq!(r.request_id.as_deref(), Some("r"));
}

fn fixture_api(name: &str) -> topgen_spec::model::Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/specs")
        .join(format!("{name}.yaml"));
    let spec = topgen_spec::load_spec(&path).unwrap();
    topgen_spec::model::resolve(&path, &spec).unwrap()
}

#[test]
fn examples_the_generator_ignores_are_the_ones_the_runtime_refuses() {
    type R = misfit::TopgenFixtureMisfitGetRequest;
    let api = fixture_api("topgen.fixture.misfit.get");
    let misfits = topgen_spec::examples::check_api(&api);
    let keys: Vec<&str> = misfits.iter().map(|m| m.example).collect();
    assert_eq!(keys, ["response_xml", "response_xml", "error_json"]);
    let e = &api.examples;
    // The example that fits round-trips; each misfit's (ignored) test would fail.
    response_round_trip::<R>(Format::Json, e.response_json.as_deref().unwrap()).unwrap();
    let xml = response_round_trip::<R>(Format::Xml, e.response_xml.as_deref().unwrap());
    assert!(
        matches!(&xml, Err(ExampleError::Decode(d)) if d.to_string().contains("expected a 64-bit integer")),
        "{xml:?}"
    );
    let error = error_round_trip::<R>(Format::Json, e.error_json.as_deref().unwrap());
    assert!(
        matches!(&error, Err(ExampleError::Mismatch(m)) if m.path == "detail"),
        "{error:?}"
    );
}

/// One field of the scalars fixture's response, in JSON and XML, judged by the generator's
/// check and by the runtime's round trip: they must agree, and agree with `fits`.
#[test]
fn generator_and_runtime_agree_on_what_fits() {
    type R = scalars::TopgenFixtureScalarsGetRequest;
    let mut api = fixture_api("topgen.fixture.scalars.get");
    let key = "topgen_fixture_scalars_get_response";
    let json: &[(&str, bool)] = &[
        (r#""total": 1"#, true),
        (r#""total": " 3 ""#, true),
        (r#""total": "50.0""#, true),
        (r#""total": 3.0"#, true),
        (r#""total": null"#, true),
        (r#""total": "abc""#, false),
        (r#""total": 1.5"#, false),
        (r#""total": "1.5""#, false),
        (r#""total": true"#, false),
        (r#""total": {}"#, false),
        (r#""total": [1]"#, false),
        (r#""total": 9223372036854775808"#, false),
        (r#""ok": "TRUE""#, true),
        (r#""ok": 1"#, true),
        (r#""ok": "0""#, true),
        (r#""ok": "yes""#, false),
        (r#""ok": 2"#, false),
        (r#""created": "2021-08-04 00:00:00""#, true),
        (r#""created": "2021-08-04""#, true),
        (r#""created": 1628006400000"#, true),
        (r#""created": "1628006400000""#, true),
        (r#""created": "2021-08-03T16:00:00Z""#, true),
        (r#""created": "2021-08-04 00:00:00.250""#, true),
        (r#""created": "tomorrow""#, false),
        (r#""created": "2021-02-30 00:00:00""#, false),
        (r#""created": true"#, false),
        (r#""amount": "12.50""#, true),
        (r#""amount": 12.5"#, true),
        (r#""amount": "1.5E3""#, true),
        (r#""amount": "-3""#, true),
        (r#""amount": "12,5""#, false),
        (r#""amount": "abc""#, false),
        (r#""rate": "0.125""#, true),
        (r#""raw": {"a": [1, {"b": null}]}"#, true),
        (r#""raw": "text""#, true),
        (r#""raw": [1, 2]"#, true),
        (r#""raw": {"a": 1, "a": 2}"#, false),
        (r#""names": {"string": ["a", "b"]}"#, true),
        (r#""names": ["a"]"#, true),
        (r#""names": {"string": "one"}"#, true),
        (r#""names": {}"#, true),
        (r#""names": {"string": []}"#, true),
        (r#""names": "a,b""#, false),
        (r#""names": {"a": ["x"], "b": ["y"]}"#, false),
        (r#""names": {"string": [{"x": 1}]}"#, false),
        (r#""names": {"string": [null]}"#, false),
        (r#""ids": {"number": [1, "2"]}"#, true),
        (r#""ids": {"number": ["x"]}"#, false),
        (r#""flags": {"boolean": [true, "false"]}"#, true),
        (
            r#""times": {"date": ["2021-08-04 00:00:00", 1628006400000]}"#,
            true,
        ),
        (r#""times": {"date": ["x"]}"#, false),
        (r#""prices": {"price": ["0.10", 3]}"#, true),
        (r#""access_token": 123"#, true),
        (r#""access_token": {"a": 1}"#, false),
        (r#""request_id": "r""#, true),
        (r#""extra": 1"#, false),
        (r#""total": 1, "total": 2"#, false),
    ];
    let xml: &[(&str, bool)] = &[
        ("<total>2</total>", true),
        ("<total/>", true),
        ("<total>abc</total>", false),
        ("<total><a>1</a></total>", false),
        ("<ok>1</ok>", true),
        ("<ok>yes</ok>", false),
        ("<created>2021-08-04 00:00:00</created>", true),
        ("<created>1628006400000</created>", true),
        ("<created>x</created>", false),
        ("<amount>12.50</amount>", true),
        ("<amount>1,5</amount>", false),
        ("<raw><a>1</a><b/></raw>", true),
        ("<raw><a>1</a><a>2</a></raw>", false),
        ("<names><string>a</string><string>b</string></names>", true),
        ("<names><string>a</string><string/></names>", true),
        ("<names/>", true),
        ("<names>solo</names>", false),
        ("<names><string>a</string><other>b</other></names>", false),
        ("<names>text<string>a</string></names>", false),
        (
            "<ids><number>1</number><number/><number>2</number></ids>",
            true,
        ),
        ("<access_token><x>1</x></access_token>", false),
        ("<extra>1</extra>", false),
        ("<total>1</total><total>2</total>", false),
        ("note<total>1</total>", false),
    ];
    let mut cases: Vec<(Format, String, bool)> = Vec::new();
    for (inner, fits) in json {
        cases.push((Format::Json, format!(r#"{{"{key}": {{{inner}}}}}"#), *fits));
    }
    for (inner, fits) in xml {
        cases.push((Format::Xml, format!("<{key}>{inner}</{key}>"), *fits));
    }
    for (format, example, fits) in cases {
        let slot = if format == Format::Xml {
            api.examples.response_json = None;
            &mut api.examples.response_xml
        } else {
            api.examples.response_xml = None;
            &mut api.examples.response_json
        };
        *slot = Some(example.clone());
        let misfits = topgen_spec::examples::check_api(&api);
        let generator = misfits.is_empty();
        let runtime = response_round_trip::<R>(format, &example);
        assert_eq!(
            (generator, runtime.is_ok()),
            (fits, fits),
            "{example}\n  generator: {misfits:?}\n  runtime: {:?}",
            runtime.err().map(|e| e.to_string())
        );
    }
}

#[test]
fn error_examples_agree_too() {
    type R = scalars::TopgenFixtureScalarsGetRequest;
    let mut api = fixture_api("topgen.fixture.scalars.get");
    api.examples.response_json = None;
    api.examples.response_xml = None;
    for (example, fits) in [
        (
            r#"{"error_response": {"code": 50, "msg": "m", "sub_code": "isv.x", "sub_msg": "s"}}"#,
            true,
        ),
        (r#"{"error_response": {"code": "7"}}"#, true),
        (r#"{"error_response": {"msg": "no code"}}"#, false),
        (r#"{"error_response": {"code": "x"}}"#, false),
        (r#"{"error_response": {"code": 7, "extra": 1}}"#, false),
        (r#"{"error_response": {"code": 7, "msg": {"a": 1}}}"#, false),
        (r#"{"topgen_fixture_scalars_get_response": {}}"#, false),
    ] {
        api.examples.error_json = Some(example.to_owned());
        let generator = topgen_spec::examples::check_api(&api).is_empty();
        let runtime = error_round_trip::<R>(Format::Json, example);
        assert_eq!(
            (generator, runtime.is_ok()),
            (fits, fits),
            "{example}: {:?}",
            runtime.err().map(|e| e.to_string())
        );
    }
}
