//! The fixture specs (tests/fixtures/specs) end to end: their generated requests (built into
//! `OUT_DIR` by `build.rs` and `include!`d here), sent by the runtime's client over HTTP to the
//! local TOP gateway, in every format with every sign method; their replies — lists, nested
//! objects, a recursive tree, keyword-named fields, every scalar — decoded into the generated
//! types alike in every format; an upload (`byte[]`) sent as multipart with its file part
//! unsigned; and limits that fail before anything is sent.
//!
//! The replies are written here, in JSON and XML as TOP writes them, rather than taken from
//! the fixture specs' examples (which their generated tests check), so each test shows the
//! reply it decodes.
#![deny(warnings)]

#[allow(dead_code)] // A test binary uses only some of the generated API.
mod generated {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

use std::path::Path;

use generated::topgen_fixture_keywords_get as keywords;
use generated::topgen_fixture_objects_get as objects;
use generated::topgen_fixture_scalars_get as scalars;
use topgen_gateway::{Api, Gateway, Recorded, Verdict};
use topgen_runtime::{
    CallOptions, Client, Decimal, Error, FileItem, Format, ParamErrorKind, Request, SignMethod,
};

const APP_KEY: &str = "12345678";
const SECRET: &str = "fixture-app-secret-1c7e";
const SESSION: &str = "fixture-user-session-93ad";

const OBJECTS_JSON: &str = r#"{"topgen_fixture_objects_get_response":{
    "result":{"success":true,"total":"3","category":{"cid":1,"name":"root","children":{"category":[
        {"cid":2,"name":"leaf a","children":{"category":[]}},
        {"cid":3,"name":"branch","children":{"category":[{"cid":4,"name":"leaf b"}]}}]}}},
    "items":{"item":[
        {"num_iid":"9007199254740993","title":"T恤 <1> & co","modified":"2021-08-04 12:30:00","skus":{"sku":[
            {"sku_id":9,"price":"1.00","properties":"{\"color\":\"red\"}"},
            {"sku_id":10,"price":"2.50"}]}},
        {"num_iid":8,"title":"","skus":{"sku":[{"sku_id":12,"price":"3"}]}}]},
    "request_id":"rid-objects"}}"#;

const OBJECTS_XML: &str = r#"<?xml version="1.0" encoding="utf-8" ?>
<topgen_fixture_objects_get_response>
  <result>
    <success>true</success>
    <total>3</total>
    <category>
      <cid>1</cid>
      <name>root</name>
      <children list="true">
        <category><cid>2</cid><name>leaf a</name><children list="true"></children></category>
        <category>
          <cid>3</cid><name>branch</name>
          <children list="true"><category><cid>4</cid><name>leaf b</name></category></children>
        </category>
      </children>
    </category>
  </result>
  <items list="true">
    <item>
      <num_iid>9007199254740993</num_iid>
      <title>T恤 &lt;1&gt; &amp; co</title>
      <modified>2021-08-04 12:30:00</modified>
      <skus list="true">
        <sku><sku_id>9</sku_id><price>1.00</price><properties>{"color":"red"}</properties></sku>
        <sku><sku_id>10</sku_id><price>2.50</price></sku>
      </skus>
    </item>
    <item><num_iid>8</num_iid><title></title><skus list="true"><sku><sku_id>12</sku_id><price>3</price></sku></skus></item>
  </items>
  <request_id>rid-objects</request_id>
</topgen_fixture_objects_get_response>"#;

const KEYWORDS_JSON: &str = r#"{"topgen_fixture_keywords_get_response":{"type":"t","match":{"priv":"p","gen":"true","dyn":{"string":["a","b"]}},"box":"b","skuID":"s","in":"7","union":"u","requestId":"r1","request_id":"top-1"}}"#;

const KEYWORDS_XML: &str = r#"<topgen_fixture_keywords_get_response><type>t</type><match><priv>p</priv><gen>true</gen><dyn list="true"><string>a</string><string>b</string></dyn></match><box>b</box><skuID>s</skuID><in>7</in><union>u</union><requestId>r1</requestId><request_id>top-1</request_id></topgen_fixture_keywords_get_response>"#;

const SCALARS_JSON: &str = r#"{"topgen_fixture_scalars_get_response":{"total":"2","ok":true,"created":"2021-08-04 12:30:00","amount":"12.50","rate":"0.125","raw":"{\"k\":1}","names":{"string":["a","b & c"]},"ids":{"number":[1,"9007199254740993"]},"flags":{"boolean":[true,"false"]},"times":{"date":["2021-08-04 00:00:00"]},"prices":{"price":["0.10","100"]},"access_token":"tok-distinct-5a1","request_id":"rid-scalars"}}"#;

const SCALARS_XML: &str = r#"<?xml version="1.0" encoding="utf-8" ?><topgen_fixture_scalars_get_response><total>2</total><ok>true</ok><created>2021-08-04 12:30:00</created><amount>12.50</amount><rate>0.125</rate><raw>{"k":1}</raw><names list="true"><string>a</string><string>b &amp; c</string></names><ids list="true"><number>1</number><number>9007199254740993</number></ids><flags list="true"><boolean>true</boolean><boolean>false</boolean></flags><times list="true"><date>2021-08-04 00:00:00</date></times><prices list="true"><price>0.10</price><price>100</price></prices><access_token>tok-distinct-5a1</access_token><request_id>rid-scalars</request_id></topgen_fixture_scalars_get_response>"#;

fn fixture_spec(name: &str) -> topgen_spec::spec::Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/specs")
        .join(format!("{name}.yaml"));
    topgen_spec::load_spec(&path).expect("the fixture spec loads")
}

/// The fixture APIs, built from their specs (required params, file params, session), with the
/// replies above.
async fn gateway() -> Gateway {
    Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(
            Api::from_spec(&fixture_spec("topgen.fixture.objects.get"))
                .response_json(OBJECTS_JSON)
                .response_xml(OBJECTS_XML),
        )
        .api(
            Api::from_spec(&fixture_spec("topgen.fixture.keywords.get"))
                .response_json(KEYWORDS_JSON)
                .response_xml(KEYWORDS_XML),
        )
        .api(
            Api::from_spec(&fixture_spec("topgen.fixture.scalars.get"))
                .response_json(SCALARS_JSON)
                .response_xml(SCALARS_XML),
        )
        .session(SESSION)
        .start()
        .await
        .expect("the gateway starts")
}

fn client(gateway: &Gateway, sign_method: SignMethod, format: Format) -> Client {
    Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .sign_method(sign_method)
        .format(format)
        .build()
        .expect("the client builds")
}

fn combinations() -> Vec<(Format, SignMethod)> {
    Format::ALL
        .into_iter()
        .flat_map(|f| SignMethod::ALL.into_iter().map(move |m| (f, m)))
        .collect()
}

/// The one request the gateway received, which must have passed every check.
fn only_ok(gateway: &Gateway, format: Format) -> Recorded {
    let mut requests = gateway.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    let recorded = requests.remove(0);
    assert_eq!(recorded.verdict, Verdict::Ok, "{recorded:#?}");
    assert_eq!(recorded.reply_format, format);
    recorded
}

fn session() -> CallOptions {
    CallOptions::new().session(SESSION)
}

fn objects_request() -> objects::TopgenFixtureObjectsGetRequest {
    objects::TopgenFixtureObjectsGetRequest::new(objects::ItemQuery {
        keyword: Some("连衣裙 & co".to_owned()),
        cat_id: Some(50010850),
        price_from: Some(Decimal::new(1250, 2)),
    })
    .filters(vec![objects::Filter {
        field: Some("color".to_owned()),
        values: Some(vec!["red".to_owned(), "blue".to_owned()]),
    }])
}

#[tokio::test]
async fn lists_nested_objects_and_a_tree_in_every_format_with_every_sign_method() {
    let gateway = gateway().await;
    let mut decoded = Vec::new();
    for (format, sign_method) in combinations() {
        gateway.clear_requests();
        let response = client(&gateway, sign_method, format)
            .execute(&objects_request())
            .await
            .unwrap_or_else(|e| panic!("{format} / {sign_method}: {e}"));
        decoded.push(response);

        let recorded = only_ok(&gateway, format);
        // Object params go as JSON strings with the wire field names.
        let query: topgen_runtime::Json =
            serde_json::from_str(recorded.body_param("query").unwrap()).unwrap();
        assert_eq!(query["keyword"], "连衣裙 & co");
        assert_eq!(query["catId"], 50010850);
        let filters: topgen_runtime::Json =
            serde_json::from_str(recorded.body_param("filters").unwrap()).unwrap();
        assert_eq!(filters[0]["values"][1], "blue");
        assert!(!recorded.is_multipart());
    }
    let first = decoded[0].clone();
    for (i, response) in decoded.iter().enumerate() {
        assert_eq!(response, &first, "combination {i} decodes differently");
    }

    let result = first.result.clone().unwrap();
    assert_eq!((result.success, result.total), (Some(true), Some(3)));
    let root = result.category.unwrap();
    assert_eq!(root.name.as_deref(), Some("root"));
    let children = root.children.unwrap();
    assert_eq!(children.len(), 2);
    assert_eq!(children[0].children, Some(vec![]));
    let grandchildren = children[1].children.clone().unwrap();
    assert_eq!(grandchildren.len(), 1);
    assert_eq!(
        (grandchildren[0].cid, grandchildren[0].children.as_ref()),
        (Some(4), None)
    );
    let items = first.items.clone().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].num_iid, Some(9_007_199_254_740_993));
    assert_eq!(items[0].title.as_deref(), Some("T恤 <1> & co"));
    assert_eq!(
        items[0].modified.map(|d| topgen_runtime::time::format(&d)),
        Some("2021-08-04 12:30:00".to_owned())
    );
    let skus = items[0].skus.clone().unwrap();
    let prices: Vec<String> = skus.iter().map(|s| s.price.unwrap().to_string()).collect();
    assert_eq!(prices, ["1.00", "2.50"]);
    assert_eq!(
        skus[0].properties,
        Some(topgen_runtime::Json::String(
            r#"{"color":"red"}"#.to_owned()
        ))
    );
    assert_eq!(items[1].title.as_deref(), Some(""));
    assert_eq!(first.request_id.as_deref(), Some("rid-objects"));
}

#[tokio::test]
async fn xml_derived_from_the_json_example_decodes_like_it() {
    // An API with a JSON example only: the gateway writes the XML itself.
    let mut spec = fixture_spec("topgen.fixture.objects.get");
    spec.examples.response_xml = None;
    let gateway = Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(Api::from_spec(&spec).response_json(OBJECTS_JSON))
        .start()
        .await
        .unwrap();
    let mut decoded = Vec::new();
    for format in Format::ALL {
        decoded.push(
            client(&gateway, SignMethod::HmacSha256, format)
                .execute(&objects_request())
                .await
                .unwrap_or_else(|e| panic!("{format}: {e}")),
        );
    }
    assert_eq!(decoded[2], decoded[0]);
    assert_eq!(decoded[1], decoded[0]);
    assert_eq!(decoded[2].items.as_ref().map(Vec::len), Some(2));
}

#[tokio::test]
async fn keyword_named_params_and_fields_in_every_format() {
    let gateway = gateway().await;
    let request = keywords::TopgenFixtureKeywordsGetRequest::new("fixed")
        .match_("m")
        .box_(3)
        .priv_(true)
        .item_id(1)
        .item_id_2(2)
        ._3d_model("x")
        .async_("a");
    for (format, sign_method) in combinations() {
        gateway.clear_requests();
        let r = client(&gateway, sign_method, format)
            .execute(&request)
            .await
            .unwrap_or_else(|e| panic!("{format} / {sign_method}: {e}"));
        assert_eq!(r.type_.as_deref(), Some("t"), "{format}");
        let m = r.match_.clone().unwrap();
        assert_eq!(m.priv_.as_deref(), Some("p"));
        assert_eq!(m.gen_, Some(true));
        assert_eq!(
            m.dyn_,
            Some(vec!["a".to_owned(), "b".to_owned()]),
            "{format}"
        );
        assert_eq!(r.box_.as_deref(), Some("b"));
        assert_eq!(r.sku_id.as_deref(), Some("s"));
        assert_eq!(r.in_, Some(7));
        assert_eq!(r.union.as_deref(), Some("u"));
        assert_eq!(r.request_id_2.as_deref(), Some("r1"));
        assert_eq!(r.request_id.as_deref(), Some("top-1"));

        let recorded = only_ok(&gateway, format);
        let body = recorded.body_map();
        assert_eq!(body.get("type"), Some(&"fixed"));
        assert_eq!(body.get("itemId"), Some(&"1"));
        assert_eq!(body.get("item_id"), Some(&"2"));
        assert_eq!(body.get("3d_model"), Some(&"x"));
        assert_eq!(body.get("priv"), Some(&"true"));
    }
}

fn scalars_request() -> scalars::TopgenFixtureScalarsGetRequest {
    scalars::TopgenFixtureScalarsGetRequest::new("标题 & <b>", 520_000_000_001)
        .page_size(20)
        .is_new(true)
        .start_time(topgen_runtime::time::parse("2021-08-04 00:00:00").unwrap())
        .price(Decimal::new(1250, 2))
        .tags(vec!["a".to_owned(), "b".to_owned()])
        .sku_ids(vec![1, 2, 3])
        .password("pw-distinct-77e")
}

/// Bytes that would break a careless multipart writer or reader: CRLFs, dashes, a NUL, and
/// no valid UTF-8.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\r\n--\r\n\xff\xfe";

#[tokio::test]
async fn an_upload_goes_as_multipart_with_its_file_unsigned_in_every_format() {
    let gateway = gateway().await;
    let request = scalars_request().image(FileItem::new("商品.png", "image/png", PNG));
    let mut decoded = Vec::new();
    for (format, sign_method) in combinations() {
        gateway.clear_requests();
        let response = client(&gateway, sign_method, format)
            .execute_with(&request, &session())
            .await
            .unwrap_or_else(|e| panic!("{format} / {sign_method}: {e}"));
        decoded.push(response);

        // A valid sign over the text params alone (the gateway checked it), the file apart.
        let recorded = only_ok(&gateway, format);
        assert!(recorded.is_multipart(), "{:?}", recorded.content_type);
        let file = recorded.file("image").expect("the file part");
        assert_eq!(file.bytes, PNG);
        assert_eq!(file.file_name, "商品.png");
        assert_eq!(file.content_type.as_deref(), Some("image/png"));
        assert_eq!(recorded.files.len(), 1);
        let body = recorded.body_map();
        assert_eq!(body.get("title"), Some(&"标题 & <b>"));
        assert_eq!(body.get("num_iid"), Some(&"520000000001"));
        assert_eq!(body.get("start_time"), Some(&"2021-08-04 00:00:00"));
        assert_eq!(body.get("price"), Some(&"12.50"));
        assert_eq!(body.get("tags"), Some(&"a,b"));
        assert_eq!(body.get("sku_ids"), Some(&"1,2,3"));
        assert!(!body.contains_key("image"));
        assert_eq!(recorded.query_param("session"), Some(SESSION));
        assert!(!format!("{recorded:?}").contains(SESSION));
        assert!(!format!("{recorded:?}").contains("pw-distinct-77e"));
    }
    let first = decoded[0].clone();
    for response in &decoded {
        assert_eq!(response, &first);
    }
    assert_eq!(first.total, Some(2));
    assert_eq!(first.ok, Some(true));
    assert_eq!(
        first.amount.map(|d| d.to_string()).as_deref(),
        Some("12.50")
    );
    assert_eq!(first.rate.map(|d| d.to_string()).as_deref(), Some("0.125"));
    assert_eq!(first.names, Some(vec!["a".to_owned(), "b & c".to_owned()]));
    assert_eq!(first.ids, Some(vec![1, 9_007_199_254_740_993]));
    assert_eq!(first.flags, Some(vec![true, false]));
    assert_eq!(first.times.as_ref().map(Vec::len), Some(1));
    assert_eq!(first.prices.as_ref().map(Vec::len), Some(2));
    assert_eq!(
        first.access_token.as_ref().map(|s| s.expose_secret()),
        Some("tok-distinct-5a1")
    );
    assert!(!format!("{first:?}").contains("tok-distinct-5a1"));
    assert_eq!(first.request_id.as_deref(), Some("rid-scalars"));

    // Without the file the same call is a form, and the gateway insists on nothing more.
    gateway.clear_requests();
    client(&gateway, SignMethod::Md5, Format::Json)
        .execute_with(&scalars_request(), &session())
        .await
        .unwrap();
    assert!(!only_ok(&gateway, Format::Json).is_multipart());
}

fn param_error<T: std::fmt::Debug>(result: Result<T, Error>) -> topgen_runtime::ParamError {
    match result {
        Err(Error::Param(e)) => e,
        other => panic!("expected Error::Param, got {other:?}"),
    }
}

#[tokio::test]
async fn limits_and_a_missing_session_fail_before_anything_is_sent() {
    let gateway = gateway().await;
    let client = client(&gateway, SignMethod::HmacSha256, Format::Json);
    let too_long = scalars::TopgenFixtureScalarsGetRequest::new("x".repeat(61), 1);
    let e = param_error(client.execute_with(&too_long, &session()).await);
    assert_eq!((e.param, e.code()), ("title", 41));
    assert!(
        matches!(
            e.kind,
            ParamErrorKind::MaxLength {
                max: 60,
                actual: 61
            }
        ),
        "{e:?}"
    );

    let too_small = scalars::TopgenFixtureScalarsGetRequest::new("t", 0);
    assert_eq!(
        param_error(client.execute_with(&too_small, &session()).await).param,
        "num_iid"
    );

    let page = scalars_request().page_size(101);
    let e = param_error(client.execute_with(&page, &session()).await);
    assert!(matches!(e.kind, ParamErrorKind::MaxValue { .. }), "{e:?}");

    let price = scalars_request().price(Decimal::new(-1, 2));
    assert_eq!(
        param_error(client.execute_with(&price, &session()).await).param,
        "price"
    );

    let tags = scalars_request().tags((0..11).map(|i| i.to_string()).collect());
    let e = param_error(client.execute_with(&tags, &session()).await);
    assert!(
        matches!(
            e.kind,
            ParamErrorKind::MaxListSize {
                max: 10,
                actual: 11
            }
        ),
        "{e:?}"
    );

    let empty_title = scalars::TopgenFixtureScalarsGetRequest::new("  ", 1);
    let e = param_error(client.execute_with(&empty_title, &session()).await);
    assert_eq!((e.param, e.code()), ("title", 40));

    let filters = objects_request().filters(vec![objects::Filter::default(); 6]);
    let e = param_error(client.execute(&filters).await);
    assert!(
        matches!(e.kind, ParamErrorKind::MaxListSize { max: 5, actual: 6 }),
        "{e:?}"
    );

    // The scalars API needs a user session.
    match client.execute(&scalars_request()).await {
        Err(Error::MissingSession { method }) => {
            assert_eq!(
                method,
                <scalars::TopgenFixtureScalarsGetRequest as Request>::METHOD
            );
        }
        other => panic!("expected Error::MissingSession, got {other:?}"),
    }

    assert_eq!(gateway.request_count(), 0, "{:#?}", gateway.requests());

    // The same client sends a valid call all right.
    client
        .execute_with(&scalars_request(), &session())
        .await
        .unwrap();
    assert_eq!(gateway.request_count(), 1);
}

#[tokio::test]
async fn a_wrong_session_is_refused_by_the_gateway() {
    let gateway = gateway().await;
    let result = client(&gateway, SignMethod::Md5, Format::Xml)
        .execute_with(
            &scalars_request(),
            &CallOptions::new().session("someone-else"),
        )
        .await;
    match result {
        Err(Error::Top(e)) => {
            assert_eq!(e.code, 27);
            assert!(!format!("{e:?} {e}").contains("someone-else"));
        }
        other => panic!("expected Error::Top, got {other:?}"),
    }
    assert_eq!(gateway.requests()[0].verdict.code(), Some(27));
}
