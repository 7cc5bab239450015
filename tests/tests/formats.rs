//! Generated response types decode TOP's three reply formats (JSON, simplified JSON, XML) to
//! the same values: the gettoken spec's own examples, and the fixture specs' lists, nested
//! objects, recursive trees and keyword-named fields.
#![deny(warnings)]

#[allow(dead_code)] // A test binary uses only some of the generated API.
mod generated {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

use std::path::Path;

use chrono::{FixedOffset, TimeZone};
use generated::topgen_fixture_keywords_get as keywords;
use generated::topgen_fixture_objects_get as objects;
use generated::topgen_fixture_scalars_get as scalars;
use topgen_runtime::__private::response::{decode, decode_reply_in};
use topgen_runtime::{Error, Format, Request, RetryClass, serde_json};
use topgen_taobao_wdk::WdkIotWombatCommonGettokenResponse;

const GETTOKEN_KEY: &str = "wdk_iot_wombat_common_gettoken_response";

fn gettoken_spec() -> topgen_spec::spec::Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs/taobao.wdk.iot.wombat.common.gettoken.yaml");
    topgen_spec::load_spec(&path).unwrap()
}

/// The simplified form of a wrapped JSON reply: the wrapper's value alone.
fn simplify(json: &str, key: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    let inner = value
        .get(key)
        .unwrap_or_else(|| panic!("no `{key}` in {json}"));
    serde_json::to_string(inner).unwrap()
}

fn ok<T: topgen_runtime::serde::de::DeserializeOwned>(format: Format, body: &str, key: &str) -> T {
    match decode::<T>(format, body.as_bytes(), key, 200) {
        Ok(t) => t,
        Err(e) => panic!("{format}: {e}"),
    }
}

#[test]
fn gettoken_examples_decode_alike_in_every_format() {
    let spec = gettoken_spec();
    let xml = spec.examples.response_xml.as_deref().unwrap();
    let json = spec.examples.response_json.as_deref().unwrap();
    assert_eq!(
        <topgen_taobao_wdk::WdkIotWombatCommonGettokenRequest as Request>::RESPONSE_KEY,
        GETTOKEN_KEY
    );

    let from_xml: WdkIotWombatCommonGettokenResponse = ok(Format::Xml, xml, GETTOKEN_KEY);
    let from_json: WdkIotWombatCommonGettokenResponse = ok(Format::Json, json, GETTOKEN_KEY);
    let simplified = simplify(json, GETTOKEN_KEY);
    let from_simplified: WdkIotWombatCommonGettokenResponse =
        ok(Format::SimplifiedJson, &simplified, GETTOKEN_KEY);
    assert_eq!(from_xml, from_json);
    assert_eq!(from_simplified, from_json);

    let result = from_xml.result.clone().unwrap();
    assert_eq!(result.success, Some(true));
    assert_eq!(result.msg_info.as_deref(), Some("success"));
    assert_eq!(result.msg_code.as_deref(), Some("success"));
    let data = result.data.unwrap();
    let gmt8 = FixedOffset::east_opt(8 * 3600).unwrap();
    let expires = gmt8.with_ymd_and_hms(2021, 8, 4, 0, 0, 0).unwrap();
    assert_eq!(data.expiration_time, Some(expires));
    assert_eq!(data.expiration_time.unwrap().offset(), &gmt8);
    assert_eq!(data.access_key_id.as_deref(), Some("abc"));
    assert_eq!(data.bucket_name.as_deref(), Some("abc"));
    assert_eq!(data.m_request_id.as_deref(), Some("abc"));
    assert_eq!(data.scene.as_deref(), Some("abc"));
    assert_eq!(data.endpoint.as_deref(), Some("abc"));
    assert_eq!(data.dir.as_deref(), Some("abc"));
    assert_eq!(
        data.access_key_secret.as_ref().map(|s| s.expose_secret()),
        Some("abc")
    );
    assert_eq!(
        data.security_token.as_ref().map(|s| s.expose_secret()),
        Some("abc")
    );
    assert_eq!(from_xml.request_id, None);
}

#[test]
fn gettoken_error_examples_decode_in_every_format() {
    let spec = gettoken_spec();
    let error_xml = spec.examples.error_xml.as_deref().unwrap();
    let error_json = spec.examples.error_json.as_deref().unwrap();
    for (format, body) in [
        (Format::Xml, error_xml),
        (Format::Json, error_json),
        (Format::SimplifiedJson, error_json),
    ] {
        for status in [200, 500] {
            let err = decode_reply_in::<WdkIotWombatCommonGettokenResponse>(
                format,
                body.as_bytes(),
                GETTOKEN_KEY,
                status,
            )
            .unwrap_err();
            let Error::Top(e) = err else {
                panic!("{format} {status}: not a TOP error: {err}");
            };
            assert_eq!(e.code, 50, "{format}");
            assert_eq!(e.msg, "Remote service error", "{format}");
            assert_eq!(e.sub_code.as_deref(), Some("isv.invalid-parameter"));
            assert_eq!(e.sub_msg.as_deref(), Some("非法参数"));
            assert_eq!(e.retry_class(), RetryClass::Never);
        }
    }
}

const OBJECTS_KEY: &str = "topgen_fixture_objects_get_response";

const OBJECTS_JSON: &str = r#"{"topgen_fixture_objects_get_response":{
    "result":{"success":true,"total":"3","category":{"cid":1,"name":"root","children":{"category":[
        {"cid":2,"name":"leaf a","children":{}},
        {"cid":3,"name":"branch","children":{"category":[{"cid":4,"name":"leaf b"}]}}]}}},
    "items":{"item":[
        {"num_iid":"7","title":"t<1>","modified":"2021-08-04 00:00:00","skus":{"sku":[
            {"sku_id":9,"price":"1.00","properties":"{\"color\":\"red\"}"},
            {"sku_id":10,"price":"2.50"},
            {"sku_id":11,"price":"0.10"}]}},
        {"num_iid":8,"title":"","skus":{"sku":[{"sku_id":12,"price":"3"}]}},
        {"num_iid":9,"skus":{}}]},
    "request_id":"r1"}}"#;

const OBJECTS_XML: &str = r#"<?xml version="1.0" encoding="utf-8" ?>
<topgen_fixture_objects_get_response>
  <result>
    <success>true</success>
    <total>3</total>
    <category>
      <cid>1</cid>
      <name>root</name>
      <children list="true">
        <category><cid>2</cid><name>leaf a</name><children list="true"/></category>
        <category>
          <cid>3</cid><name>branch</name>
          <children list="true"><category><cid>4</cid><name>leaf b</name></category></children>
        </category>
      </children>
    </category>
  </result>
  <items list="true">
    <item>
      <num_iid>7</num_iid>
      <title>t&lt;1&gt;</title>
      <modified>2021-08-04 00:00:00</modified>
      <skus list="true">
        <sku><sku_id>9</sku_id><price>1.00</price><properties>{"color":"red"}</properties></sku>
        <sku><sku_id>10</sku_id><price>2.50</price></sku>
        <sku><sku_id>11</sku_id><price>0.10</price></sku>
      </skus>
    </item>
    <item><num_iid>8</num_iid><title></title><skus list="true"><sku><sku_id>12</sku_id><price>3</price></sku></skus></item>
    <item><num_iid>9</num_iid><skus list="true"></skus></item>
  </items>
  <request_id>r1</request_id>
</topgen_fixture_objects_get_response>"#;

const OBJECTS_SIMPLIFIED: &str = r#"{
    "result":{"success":true,"total":3,"category":{"cid":1,"name":"root","children":[
        {"cid":2,"name":"leaf a","children":[]},
        {"cid":3,"name":"branch","children":[{"cid":4,"name":"leaf b"}]}]}},
    "items":[
        {"num_iid":7,"title":"t<1>","modified":"2021-08-04 00:00:00","skus":[
            {"sku_id":9,"price":"1.00","properties":"{\"color\":\"red\"}"},
            {"sku_id":10,"price":"2.50"},
            {"sku_id":11,"price":"0.10"}]},
        {"num_iid":8,"title":"","skus":[{"sku_id":12,"price":"3"}]},
        {"num_iid":9,"skus":[]}],
    "request_id":"r1"}"#;

#[test]
fn lists_nested_objects_and_trees_decode_alike_in_every_format() {
    let from_json: objects::TopgenFixtureObjectsGetResponse =
        ok(Format::Json, OBJECTS_JSON, OBJECTS_KEY);
    let from_xml: objects::TopgenFixtureObjectsGetResponse =
        ok(Format::Xml, OBJECTS_XML, OBJECTS_KEY);
    let from_simplified: objects::TopgenFixtureObjectsGetResponse =
        ok(Format::SimplifiedJson, OBJECTS_SIMPLIFIED, OBJECTS_KEY);
    assert_eq!(from_xml, from_json);
    assert_eq!(from_simplified, from_json);

    let result = from_xml.result.clone().unwrap();
    assert_eq!((result.success, result.total), (Some(true), Some(3)));
    let root = result.category.unwrap();
    let children = root.children.unwrap();
    assert_eq!(children.len(), 2);
    assert_eq!(children[0].name.as_deref(), Some("leaf a"));
    assert_eq!(children[0].children, Some(vec![]));
    let grandchildren = children[1].children.clone().unwrap();
    assert_eq!(grandchildren.len(), 1);
    assert_eq!(grandchildren[0].cid, Some(4));
    assert_eq!(grandchildren[0].children, None);

    let items = from_xml.items.clone().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].title.as_deref(), Some("t<1>"));
    assert_eq!(
        items[0].modified.map(|d| topgen_runtime::time::format(&d)),
        Some("2021-08-04 00:00:00".to_owned())
    );
    let skus = items[0].skus.clone().unwrap();
    let prices: Vec<String> = skus.iter().map(|s| s.price.unwrap().to_string()).collect();
    assert_eq!(prices, ["1.00", "2.50", "0.10"]);
    // A Json field sent as text stays text, in both formats.
    assert_eq!(
        skus[0].properties,
        Some(serde_json::Value::String(r#"{"color":"red"}"#.to_owned()))
    );
    assert_eq!(items[1].title.as_deref(), Some(""));
    assert_eq!(items[1].skus.as_ref().map(Vec::len), Some(1));
    assert_eq!(items[2].skus, Some(vec![]));
    assert_eq!(from_xml.request_id.as_deref(), Some("r1"));
}

#[test]
fn scalar_lists_and_keyword_fields_decode_from_xml() {
    let xml = r#"<topgen_fixture_scalars_get_response>
        <total>1</total><ok>false</ok><created>2021-08-04 12:30:00</created>
        <amount>12.50</amount><rate> 0.125 </rate>
        <names list="true"><string>a</string><string>b &amp; c</string></names>
        <ids list="true"><number>1</number></ids>
        <flags list="true"><boolean>true</boolean><boolean>false</boolean><boolean>1</boolean></flags>
        <times list="true"><date>2021-08-04 00:00:00</date></times>
        <prices list="true"><price>0.10</price><price>100</price></prices>
        <access_token>tok-secret</access_token>
        <request_id>rid</request_id>
    </topgen_fixture_scalars_get_response>"#;
    let json = r#"{"topgen_fixture_scalars_get_response":{"total":1,"ok":false,"created":"2021-08-04 12:30:00","amount":"12.50","rate":"0.125","names":{"string":["a","b & c"]},"ids":{"number":[1]},"flags":{"boolean":[true,false,true]},"times":{"date":["2021-08-04 00:00:00"]},"prices":{"price":["0.10","100"]},"access_token":"tok-secret","request_id":"rid"}}"#;
    let key = <scalars::TopgenFixtureScalarsGetRequest as Request>::RESPONSE_KEY;
    let from_xml: scalars::TopgenFixtureScalarsGetResponse = ok(Format::Xml, xml, key);
    let from_json: scalars::TopgenFixtureScalarsGetResponse = ok(Format::Json, json, key);
    assert_eq!(from_xml, from_json);
    assert_eq!(from_xml.ids, Some(vec![1]));
    assert_eq!(from_xml.flags, Some(vec![true, false, true]));
    assert_eq!(from_xml.rate.unwrap().to_string(), "0.125");
    assert_eq!(
        from_xml.names,
        Some(vec!["a".to_owned(), "b & c".to_owned()])
    );
    assert!(!format!("{from_xml:?}").contains("tok-secret"));

    let xml = r#"<topgen_fixture_keywords_get_response><type>t</type><match><priv>p</priv><gen>true</gen><dyn list="true"><string>a</string></dyn></match><skuID>s</skuID><in>7</in><requestId>r1</requestId><request_id>top-1</request_id></topgen_fixture_keywords_get_response>"#;
    let key = <keywords::TopgenFixtureKeywordsGetRequest as Request>::RESPONSE_KEY;
    let r: keywords::TopgenFixtureKeywordsGetResponse = ok(Format::Xml, xml, key);
    assert_eq!(r.type_.as_deref(), Some("t"));
    let m = r.match_.unwrap();
    assert_eq!(m.gen_, Some(true));
    assert_eq!(m.dyn_, Some(vec!["a".to_owned()]));
    assert_eq!(r.sku_id.as_deref(), Some("s"));
    assert_eq!(r.in_, Some(7));
    assert_eq!(r.request_id_2.as_deref(), Some("r1"));
    assert_eq!(r.request_id.as_deref(), Some("top-1"));
}
