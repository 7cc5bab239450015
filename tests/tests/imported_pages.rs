//! Specs imported from doc pages (`tests/fixtures/imported`, written by `codegen import` from
//! `tests/fixtures/pages`; codegen's `import_pages` test keeps them current) generate code
//! that compiles without warnings (built by `build.rs`, as a user's build script would), and
//! that code decodes the pages' own examples: the XML as shown on the page and the JSON the
//! importer derived from it come out as the same typed values, and the error examples as
//! TOP errors.
#![deny(warnings)]

#[allow(dead_code)] // A test binary uses only some of the generated API.
mod imported {
    include!(concat!(env!("OUT_DIR"), "/imported.rs"));
}

use imported::alibaba_iot_device_corpus_get as corpus;
use imported::alibaba_security_jaq_rp_cloud_realname_check as realname;
use imported::taobao_logistics_address_query as address;
use imported::taobao_trade_memo_add as memo;
use imported::taobao_wdk_iot_wombat_common_gettoken as gettoken;
use imported::tmall_traceplatform_ticket_picture_upload as ticket;
use std::path::Path;
use topgen_runtime::__private::response::decode;
use topgen_runtime::serde::de::DeserializeOwned;
use topgen_runtime::{Error, Format, Params, Request};

fn spec(name: &str) -> topgen_spec::spec::Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/imported")
        .join(format!("{name}.yaml"));
    topgen_spec::load_spec(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// The response decoded from the spec's JSON example and from its XML example, which must
/// agree; and the error examples decoded as TOP's error 50.
fn decode_examples<R: Request>() -> R::Response
where
    R::Response: DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let spec = spec(R::METHOD);
    let ex = &spec.examples;
    let json = ex
        .response_json
        .as_deref()
        .expect("a JSON response example");
    let xml = ex.response_xml.as_deref().expect("an XML response example");
    let from_json: R::Response = decode(Format::Json, json.as_bytes(), R::RESPONSE_KEY, 200)
        .unwrap_or_else(|e| panic!("{}: JSON: {e}", R::METHOD));
    let from_xml: R::Response = decode(Format::Xml, xml.as_bytes(), R::RESPONSE_KEY, 200)
        .unwrap_or_else(|e| panic!("{}: XML: {e}", R::METHOD));
    assert_eq!(from_json, from_xml, "{}", R::METHOD);
    for (format, body) in [
        (Format::Json, ex.error_json.as_deref()),
        (Format::Xml, ex.error_xml.as_deref()),
    ] {
        let body = body.expect("an error example");
        match decode::<R::Response>(format, body.as_bytes(), R::RESPONSE_KEY, 200) {
            Err(Error::Top(e)) => {
                assert_eq!(e.code, 50);
                assert_eq!(e.sub_code.as_deref(), Some("isv.invalid-parameter"));
            }
            other => panic!("{}: {format:?} error example: {other:?}", R::METHOD),
        }
    }
    from_json
}

#[test]
fn gettoken_examples_decode_into_the_xml_decided_tree() {
    let r = decode_examples::<gettoken::WdkIotWombatCommonGettokenRequest>();
    let result = r.result.unwrap();
    // `success`, `msg_info`, `msg_code` are IotResult's (the page's marks said OssTokenDto's).
    assert_eq!(result.success, Some(true));
    assert_eq!(result.msg_code.as_deref(), Some("success"));
    let data = result.data.unwrap();
    assert_eq!(data.access_key_id.as_deref(), Some("abc"));
    assert_eq!(
        data.expiration_time,
        Some(topgen_runtime::time::parse("2021-08-04 00:00:00").unwrap())
    );
}

#[test]
fn pipe_page_examples_decode_lists_inferred_from_the_xml() {
    let r = decode_examples::<corpus::AlibabaIotDeviceCorpusGetRequest>();
    let items = r.ret_values.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].corpus_list.as_deref(),
        Some(&["[\"打开灯\"".to_owned(), "\"关闭灯\"]".to_owned()][..])
    );
    assert_eq!(items[0].function_name.as_deref(), Some("开关"));

    // `match`, a keyword, inferred as a Boolean from the XML.
    let r = decode_examples::<realname::AlibabaSecurityJaqRpCloudRealnameCheckRequest>();
    assert_eq!(r.data.unwrap().match_, Some(true));
}

#[test]
fn complete_bullet_pages_decode() {
    let r = decode_examples::<ticket::TmallTraceplatformTicketPictureUploadRequest>();
    let result = r.result.unwrap();
    assert_eq!(result.success, Some(false));
    assert!(result.obj.unwrap().ends_with(".jpg"));

    // Only the response examples of this page are whole; its error example is cut off.
    let spec = spec("taobao.trade.memo.add");
    assert!(spec.examples.error_xml.is_none() && spec.examples.error_json.is_none());
    let json = spec.examples.response_json.unwrap();
    let r: memo::TradeMemoAddResponse = decode(
        Format::Json,
        json.as_bytes(),
        <memo::TradeMemoAddRequest as Request>::RESPONSE_KEY,
        200,
    )
    .unwrap();
    assert_eq!(r.trade.unwrap().tid, Some(2231958349));
}

#[test]
fn imported_requests_encode_with_wire_names_and_session_flags() {
    // The Java example's nesting: `get_children` on AddressRequest, names in AddressName.
    let request = address::LogisticsAddressQueryRequest::new(address::AddressRequest {
        request_id: Some("1691997065571".into()),
        address_names: Some(vec![address::AddressName {
            province: Some("浙江省".into()),
            ..Default::default()
        }]),
        get_children: Some(true),
        ..Default::default()
    });
    let mut params = Params::new();
    request.encode(&mut params).unwrap();
    let text: Vec<(String, String)> = params
        .text()
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    assert_eq!(text.len(), 1);
    assert_eq!(text[0].0, "address_request");
    let sent: serde_json::Value = serde_json::from_str(&text[0].1).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({
            "request_id": "1691997065571",
            "address_names": [{"province": "浙江省"}],
            "get_children": true
        })
    );
    // needs_session from the Java example's `client.execute(req, sessionKey)`.
    const {
        assert!(<memo::TradeMemoAddRequest as Request>::REQUIRES_SESSION);
        assert!(!<gettoken::WdkIotWombatCommonGettokenRequest as Request>::REQUIRES_SESSION);
    }
}
