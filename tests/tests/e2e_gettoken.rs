//! `taobao.wdk.iot.wombat.common.gettoken` end to end: the generated request, sent by the
//! runtime's client over real HTTP to the local TOP gateway (which checks placement,
//! timestamp, sign and params like TOP), answered with the spec's own examples and decoded
//! into the generated types.

use std::path::Path;

use chrono::{FixedOffset, TimeZone};
use codegen::spec::Spec;
use topgen_client::{WdkIotWombatCommonGettokenRequest, WdkIotWombatCommonGettokenResponse};
use topgen_runtime::{Client, Error, Request, SignMethod, TopError};
use topgen_tests::gateway::{Api, Gateway, Recorded, Reply, Verdict};

const METHOD: &str = "taobao.wdk.iot.wombat.common.gettoken";
const APP_KEY: &str = "12345678";
const SECRET: &str = "e2e-app-secret-7d41c9";

fn spec() -> Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(format!("{METHOD}.yaml"));
    codegen::load_spec(&path).expect("the gettoken spec loads")
}

fn response_json(spec: &Spec) -> String {
    spec.examples
        .response_json
        .clone()
        .expect("the spec has a JSON response example")
}

fn error_json(spec: &Spec) -> String {
    spec.examples
        .error_json
        .clone()
        .expect("the spec has a JSON error example")
}

/// The spec's required params (none for gettoken, but the gateway is told whatever it says).
fn required(spec: &Spec) -> Vec<String> {
    spec.request
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name.clone())
        .collect()
}

async fn gateway(spec: &Spec, reply: String) -> Gateway {
    Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(
            Api::new(spec.name.as_str())
                .required(required(spec))
                .reply(Reply::json(reply)),
        )
        .start()
        .await
        .expect("the gateway starts")
}

fn client(gateway: &Gateway, app_key: &str, secret: &str, sign_method: SignMethod) -> Client {
    Client::builder(app_key, secret)
        .endpoint(gateway.endpoint())
        .sign_method(sign_method)
        .build()
        .expect("the client builds")
}

/// The request of the doc page's example: HM, 1, 8007, xxxxx.
fn example_request() -> WdkIotWombatCommonGettokenRequest {
    WdkIotWombatCommonGettokenRequest::new()
        .merchant_code("HM")
        .scenes_code(1)
        .ou_code("8007")
        .robot_sn("xxxxx")
}

fn only_request(gateway: &Gateway) -> Recorded {
    let mut requests = gateway.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    requests.remove(0)
}

fn body_pairs(recorded: &Recorded) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = recorded
        .body
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.sort();
    pairs
}

fn gmt8(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> chrono::DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .unwrap()
}

fn top_error(result: Result<WdkIotWombatCommonGettokenResponse, Error>) -> TopError {
    match result {
        Err(Error::Top(e)) => e,
        other => panic!("expected Error::Top, got {other:?}"),
    }
}

#[test]
fn the_spec_describes_the_request_the_tests_send() {
    let spec = spec();
    assert_eq!(spec.name, METHOD);
    assert_eq!(WdkIotWombatCommonGettokenRequest::METHOD, METHOD);
    let names: Vec<&str> = spec.request.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["merchant_code", "scenes_code", "ou_code", "robot_sn"]
    );
    let examples: Vec<Option<&str>> = spec.request.iter().map(|p| p.example.as_deref()).collect();
    assert_eq!(
        examples,
        [Some("HM"), Some("1"), Some("8007"), Some("xxxxx")]
    );
    assert!(required(&spec).is_empty(), "all four params are optional");
}

#[tokio::test]
async fn the_example_call_succeeds_with_every_sign_method() {
    let spec = spec();
    let gateway = gateway(&spec, response_json(&spec)).await;
    for sign_method in SignMethod::ALL {
        gateway.clear_requests();
        let client = client(&gateway, APP_KEY, SECRET, sign_method);
        let response = client
            .execute(&example_request())
            .await
            .unwrap_or_else(|e| panic!("{sign_method}: {e}"));

        // The typed values of the example.
        let result = response.result.clone().expect("result");
        assert_eq!(result.success, Some(true));
        assert_eq!(result.msg_code.as_deref(), Some("success"));
        assert_eq!(result.msg_info.as_deref(), Some("success"));
        let data = result.data.expect("result.data");
        assert_eq!(data.access_key_id.as_deref(), Some("abc"));
        assert_eq!(
            data.access_key_secret.as_ref().map(|s| s.expose_secret()),
            Some("abc")
        );
        assert_eq!(data.bucket_name.as_deref(), Some("abc"));
        assert_eq!(data.expiration_time, Some(gmt8(2021, 8, 4, 0, 0, 0)));
        assert_eq!(
            data.expiration_time.map(|t| t.offset().local_minus_utc()),
            Some(8 * 3600)
        );
        assert_eq!(data.m_request_id.as_deref(), Some("abc"));
        assert_eq!(data.scene.as_deref(), Some("abc"));
        assert_eq!(
            data.security_token.as_ref().map(|s| s.expose_secret()),
            Some("abc")
        );
        assert_eq!(data.endpoint.as_deref(), Some("abc"));
        assert_eq!(data.dir.as_deref(), Some("abc"));
        assert_eq!(response.request_id, None, "the example has no request_id");

        // What went over the wire.
        let recorded = only_request(&gateway);
        assert_eq!(recorded.verdict, Verdict::Ok, "{sign_method}");
        assert_eq!(recorded.http_method, "POST");
        assert_eq!(recorded.path, "/router/rest");
        assert_eq!(
            body_pairs(&recorded),
            [
                ("merchant_code", "HM"),
                ("ou_code", "8007"),
                ("robot_sn", "xxxxx"),
                ("scenes_code", "1"),
            ]
        );
        assert_eq!(
            recorded.query_param("sign_method"),
            Some(sign_method.as_str())
        );
        assert_eq!(recorded.query_param("method"), Some(METHOD));
        assert_eq!(recorded.query_param("app_key"), Some(APP_KEY));
        assert_eq!(recorded.query_param("format"), Some("json"));
        assert_eq!(recorded.query_param("v"), Some("2.0"));
        let sign = recorded.query_param("sign").expect("sign");
        let digest_len = if sign_method == SignMethod::HmacSha256 {
            64
        } else {
            32
        };
        assert_eq!(sign.len(), digest_len, "{sign}");
        assert!(
            sign.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()),
            "uppercase hex: {sign}"
        );
        let content_type = recorded.content_type.as_deref().unwrap_or("");
        assert!(
            content_type
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded"),
            "{content_type}"
        );
        assert!(recorded.query_param("session").is_none());
    }
}

#[tokio::test]
async fn the_error_example_is_a_typed_top_error() {
    let spec = spec();
    let gateway = gateway(&spec, error_json(&spec)).await;
    for sign_method in SignMethod::ALL {
        gateway.clear_requests();
        let client = client(&gateway, APP_KEY, SECRET, sign_method);
        let e = top_error(client.execute(&example_request()).await);
        assert_eq!(e.code, 50);
        assert_eq!(e.msg, "Remote service error");
        assert_eq!(e.sub_code.as_deref(), Some("isv.invalid-parameter"));
        assert_eq!(e.sub_msg.as_deref(), Some("非法参数"));
        assert_eq!(e.request_id, None);
        assert!(!e.is_retryable());
        assert!(!Error::Top(e).is_retryable());
        // The gateway accepted the request; the error is the API's reply.
        assert_eq!(only_request(&gateway).verdict, Verdict::Ok);
    }
}

#[tokio::test]
async fn a_wrong_secret_is_refused_with_code_25() {
    let spec = spec();
    let gateway = gateway(&spec, response_json(&spec)).await;
    let wrong = "not-the-app-secret-31f0";
    for sign_method in SignMethod::ALL {
        gateway.clear_requests();
        let client = client(&gateway, APP_KEY, wrong, sign_method);
        let result = client.execute(&example_request()).await;
        let debug = format!("{result:?}");
        let e = top_error(result);
        assert_eq!(e.code, 25, "{sign_method}: {e}");
        assert_eq!(e.sub_code.as_deref(), Some("isv.invalid-signature"));
        assert!(!e.is_retryable());
        assert!(
            e.request_id.is_some(),
            "the gateway's error carries a request_id"
        );
        for shown in [debug, e.to_string(), format!("{client:?}")] {
            assert!(!shown.contains(wrong), "{shown}");
            assert!(!shown.contains(SECRET), "{shown}");
        }
        match only_request(&gateway).verdict {
            Verdict::Rejected(r) => assert_eq!(r.code, 25),
            Verdict::Ok => panic!("a wrongly signed request passed"),
        }
    }
}

#[tokio::test]
async fn an_unknown_app_key_is_refused_with_code_29() {
    let spec = spec();
    let gateway = gateway(&spec, response_json(&spec)).await;
    let client = client(&gateway, "87654321", SECRET, SignMethod::HmacSha256);
    let e = top_error(client.execute(&example_request()).await);
    assert_eq!(e.code, 29);
    assert_eq!(only_request(&gateway).verdict.code(), Some(29));
}

#[tokio::test]
async fn unset_and_empty_optional_params_are_not_sent() {
    let spec = spec();
    let gateway = gateway(&spec, response_json(&spec)).await;
    let client = client(&gateway, APP_KEY, SECRET, SignMethod::Md5);

    // Only robot_sn set.
    let response = client
        .execute(&WdkIotWombatCommonGettokenRequest::new().robot_sn("xxxxx"))
        .await
        .expect("a call with only robot_sn passes");
    assert_eq!(response.result.and_then(|r| r.success), Some(true));
    let recorded = only_request(&gateway);
    assert_eq!(recorded.verdict, Verdict::Ok);
    assert_eq!(body_pairs(&recorded), [("robot_sn", "xxxxx")]);

    // Empty and whitespace-only values count as absent: neither signed nor sent (the gateway
    // refuses empty values with code 41, so passing proves they were dropped).
    gateway.clear_requests();
    client
        .execute(
            &WdkIotWombatCommonGettokenRequest::new()
                .merchant_code("")
                .ou_code("   ")
                .robot_sn("xxxxx"),
        )
        .await
        .expect("empty optional params are dropped");
    let recorded = only_request(&gateway);
    assert_eq!(recorded.verdict, Verdict::Ok);
    assert_eq!(body_pairs(&recorded), [("robot_sn", "xxxxx")]);

    // No params at all: an empty body.
    gateway.clear_requests();
    client
        .execute(&WdkIotWombatCommonGettokenRequest::new())
        .await
        .expect("a call with no params passes");
    let recorded = only_request(&gateway);
    assert_eq!(recorded.verdict, Verdict::Ok);
    assert!(recorded.body.is_empty(), "{recorded:?}");
}

#[tokio::test]
async fn a_missing_required_param_is_refused_with_code_40() {
    let spec = spec();
    // As if the doc said robot_sn were required: the gateway enforces what it is told.
    let gateway = Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(
            Api::new(METHOD)
                .required(["robot_sn"])
                .reply(Reply::json(response_json(&spec))),
        )
        .start()
        .await
        .unwrap();
    let client = client(&gateway, APP_KEY, SECRET, SignMethod::Hmac);
    let e = top_error(
        client
            .execute(&WdkIotWombatCommonGettokenRequest::new().merchant_code("HM"))
            .await,
    );
    assert_eq!(e.code, 40);
    assert_eq!(
        e.sub_code.as_deref(),
        Some("isv.missing-parameter:robot_sn")
    );
    assert!(
        client
            .execute(&WdkIotWombatCommonGettokenRequest::new().robot_sn("xxxxx"))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn secrets_of_the_response_are_not_in_its_debug_output() {
    let spec = spec();
    let mut reply: serde_json::Value = serde_json::from_str(&response_json(&spec)).unwrap();
    let data = &mut reply["wdk_iot_wombat_common_gettoken_response"]["result"]["data"];
    assert!(data.is_object(), "the example's shape changed: {reply}");
    data["access_key_secret"] = "AKS-distinctive-9b27e1".into();
    data["security_token"] = "STS-distinctive-40c8d6".into();
    let gateway = gateway(&spec, reply.to_string()).await;
    let client = client(&gateway, APP_KEY, SECRET, SignMethod::HmacSha256);
    let response = client.execute(&example_request()).await.unwrap();

    let data = response
        .result
        .as_ref()
        .and_then(|r| r.data.as_ref())
        .unwrap();
    assert_eq!(
        data.access_key_secret.as_ref().map(|s| s.expose_secret()),
        Some("AKS-distinctive-9b27e1")
    );
    assert_eq!(
        data.security_token.as_ref().map(|s| s.expose_secret()),
        Some("STS-distinctive-40c8d6")
    );
    for debug in [format!("{response:?}"), format!("{response:#?}")] {
        assert!(!debug.contains("AKS-distinctive-9b27e1"), "{debug}");
        assert!(!debug.contains("STS-distinctive-40c8d6"), "{debug}");
        assert!(debug.contains("***"), "{debug}");
        // Everything else is still shown.
        assert!(debug.contains("bucket_name"), "{debug}");
    }
    // Nor the app secret, anywhere the client or the gateway can be printed.
    for debug in [format!("{client:?}"), format!("{gateway:?}")] {
        assert!(!debug.contains(SECRET), "{debug}");
    }
}
