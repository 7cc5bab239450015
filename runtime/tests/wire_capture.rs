//! `prepare` produces what the official Java SDK put on the wire (captures in
//! `fixtures/sign_vectors.json`): the same query and body pieces, byte for byte after
//! percent-encoding, and the same sign.

use topgen_runtime::__private::prepare::{CallContext, prepare};
use topgen_runtime::serde_json::{self, Value};
use topgen_runtime::{Body, PreparedRequest};
use topgen_runtime::{
    CallOptions, Client, FileItem, ParamError, Params, Request, Secret, SignMethod, time,
};

const FIXTURE: &str = include_str!("fixtures/sign_vectors.json");
const PARTNER_ID: &str = "top-sdk-java-dynamicVersionNo";
const TIMESTAMP: &str = "2026-11-28 12:00:00";

/// The official Java SDK's captures.
fn java_captures() -> Vec<Value> {
    let fixture: Value = serde_json::from_str(FIXTURE).expect("JSON");
    let captures: Vec<Value> = fixture["wire_captures"]
        .as_array()
        .expect("wire_captures")
        .iter()
        .filter(|c| {
            c["peer"]
                .as_str()
                .is_some_and(|p| p.starts_with("official Java SDK"))
        })
        .cloned()
        .collect();
    assert_eq!(captures.len(), 6);
    captures
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("`{key}` in {v}"))
}

/// `a=1&b=2` → its encoded pieces, sorted: order-insensitive, byte-exact.
fn pieces(encoded: &str) -> Vec<String> {
    let mut out: Vec<String> = encoded.split('&').map(str::to_owned).collect();
    out.sort();
    out
}

/// The gettoken business params, as a generated request writes them.
fn business_params(robot_sn: &str, with_file: bool) -> Params {
    let mut p = Params::new();
    if !with_file {
        p.push("merchant_code", "HM");
        p.push("scenes_code", &1_i64);
        p.push("ou_code", "8007");
    }
    p.push("robot_sn", robot_sn);
    if with_file {
        p.push_file(
            "image",
            &FileItem::new("a.png", "image/png", b"PNGDATA".to_vec()),
        );
    }
    p
}

fn prepared_for(capture: &Value, secret: &Secret) -> (PreparedRequest, bool) {
    let seen = &capture["params_seen_by_server"];
    let multipart = text(capture, "content_type").starts_with("multipart/form-data");
    let ctx = CallContext {
        method: text(seen, "method"),
        app_key: text(seen, "app_key"),
        secret,
        sign_method: text(seen, "sign_method").parse().expect("sign method"),
        timestamp: TIMESTAMP.to_owned(),
        session: None,
        partner_id: Some(PARTNER_ID),
        target_app_key: None,
        format: if seen["simplify"].as_str() == Some("true") {
            topgen_runtime::Format::SimplifiedJson
        } else {
            topgen_runtime::Format::Json
        },
    };
    let params = business_params(text(seen, "robot_sn"), multipart);
    (prepare(&ctx, &params), multipart)
}

#[test]
fn query_body_and_sign_match_the_java_sdk() {
    let secret = Secret::new("helloworld");
    let mut unicode_seen = false;
    let mut simplify_seen = 0;
    for capture in java_captures() {
        let (prepared, multipart) = prepared_for(&capture, &secret);
        let path_and_query = text(&capture, "path_and_query");
        let (path, query) = path_and_query.split_once('?').expect("a query");
        assert_eq!(path, "/router/rest");
        assert_eq!(
            pieces(&prepared.query_string()),
            pieces(query),
            "{path_and_query}"
        );
        assert_eq!(
            prepared.query_param("sign"),
            Some(text(&capture, "sign_sent"))
        );
        assert_eq!(prepared.query.last().map(|(k, _)| *k), Some("sign"));
        if query.contains("simplify=true") {
            simplify_seen += 1;
        }
        match &prepared.body {
            Body::Form(form) => {
                assert!(!multipart);
                let body = text(&capture, "body");
                assert_eq!(pieces(form), pieces(body), "{body}");
                if body.contains("%E6%9C%BA") {
                    unicode_seen = true;
                    assert!(
                        form.contains(
                            "robot_sn=%E6%9C%BA%E5%99%A8%E4%BA%BA+A%26B%3D1%2B2%2F%C3%A9"
                        ),
                        "{form}"
                    );
                }
            }
            Body::Multipart { text: parts, files } => {
                assert!(multipart);
                assert_eq!(parts, &[("robot_sn", "xxxxx".to_owned())]);
                assert_eq!(files.len(), 1);
                let (name, file) = &files[0];
                assert_eq!(*name, "image");
                assert_eq!(file.file_name, "a.png");
                assert_eq!(file.mime, "image/png");
                let body = text(&capture, "body");
                assert!(body.contains("name=\"image\";filename=\"a.png\""));
                assert!(body.contains("PNGDATA"));
            }
        }
    }
    assert!(unicode_seen, "the unicode capture was compared");
    assert_eq!(simplify_seen, 2, "both simplify captures were compared");
}

/// The gettoken API, as the generator writes it.
struct GetToken {
    robot_sn: &'static str,
}

impl Request for GetToken {
    type Response = Value;
    const METHOD: &'static str = "taobao.wdk.iot.wombat.common.gettoken";
    const RESPONSE_KEY: &'static str = "wdk_iot_wombat_common_gettoken_response";
    const REQUIRES_SESSION: bool = false;

    fn encode(&self, params: &mut Params) -> Result<(), ParamError> {
        params.push("merchant_code", "HM");
        params.push("ou_code", "8007");
        params.push("scenes_code", &1_i64);
        Params::check_max_length("robot_sn", self.robot_sn, 64)?;
        params.push_required("robot_sn", self.robot_sn)
    }
}

#[test]
fn client_prepare_matches_the_java_md5_capture() {
    let capture = java_captures()
        .into_iter()
        .find(|c| {
            let q = text(c, "path_and_query");
            q.contains("sign_method=md5")
                && !q.contains("simplify")
                && !text(c, "body").contains('%')
        })
        .expect("the canonical md5 capture");
    let client = Client::builder("12345678", "helloworld")
        .sign_method(SignMethod::Md5)
        .partner_id(PARTNER_ID)
        .build()
        .expect("client");
    // The same instant given in UTC: the client converts it to GMT+8.
    let at = time::parse(TIMESTAMP)
        .expect("date")
        .to_utc()
        .fixed_offset();
    let prepared = client
        .prepare(&GetToken { robot_sn: "xxxxx" }, &CallOptions::new(), &at)
        .expect("prepared");
    let (_, query) = text(&capture, "path_and_query")
        .split_once('?')
        .expect("query");
    assert_eq!(pieces(&prepared.query_string()), pieces(query));
    let Body::Form(form) = &prepared.body else {
        panic!("expected a form body");
    };
    // Same insertion order as the Java SDK here, so the body is byte-identical.
    assert_eq!(form, text(&capture, "body"));
    assert_eq!(
        prepared.query_param("sign"),
        Some("2211C3FCF8A614C835A908D30CDB40F1")
    );
}
