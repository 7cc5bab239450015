//! `taobao.wdk.iot.wombat.common.gettoken` end to end: the generated request, sent by the
//! runtime's client over real HTTP to the local TOP gateway (`topgen-gateway`, which checks
//! placement, timestamp, sign and params like TOP), answered with the spec's own examples in
//! the format the client asked for, and decoded into the generated types — in every format
//! (JSON, simplified JSON, XML) with every sign method.

use std::path::Path;

use chrono::{FixedOffset, TimeZone};
use topgen_gateway::{Api, Gateway, Recorded, Reply, Verdict};
use topgen_runtime::{CallOptions, Client, Error, Format, Request, SignMethod, TopError};
use topgen_spec::spec::Spec;
use topgen_taobao_wdk::{WdkIotWombatCommonGettokenRequest, WdkIotWombatCommonGettokenResponse};

const METHOD: &str = "taobao.wdk.iot.wombat.common.gettoken";
const APP_KEY: &str = "12345678";
const SECRET: &str = "e2e-app-secret-7d41c9";

fn spec() -> Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(format!("{METHOD}.yaml"));
    topgen_spec::load_spec(&path).expect("the gettoken spec loads")
}

/// The spec's required params (none for gettoken).
fn required(spec: &Spec) -> Vec<String> {
    spec.request
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name.clone())
        .collect()
}

/// A gateway serving the spec's API (its examples included) to one app.
async fn gateway(api: Api) -> Gateway {
    Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(api)
        .start()
        .await
        .expect("the gateway starts")
}

fn client(gateway: &Gateway, secret: &str, sign_method: SignMethod, format: Format) -> Client {
    Client::builder(APP_KEY, secret)
        .endpoint(gateway.endpoint())
        .sign_method(sign_method)
        .format(format)
        .build()
        .expect("the client builds")
}

/// Every format with every sign method: the 9 combinations.
fn combinations() -> Vec<(Format, SignMethod)> {
    Format::ALL
        .into_iter()
        .flat_map(|f| SignMethod::ALL.into_iter().map(move |m| (f, m)))
        .collect()
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

/// The typed values of the doc's example.
fn assert_example_values(response: &WdkIotWombatCommonGettokenResponse, context: &str) {
    let result = response.result.clone().expect("result");
    assert_eq!(result.success, Some(true), "{context}");
    assert_eq!(result.msg_code.as_deref(), Some("success"), "{context}");
    assert_eq!(result.msg_info.as_deref(), Some("success"), "{context}");
    let data = result.data.expect("result.data");
    assert_eq!(data.access_key_id.as_deref(), Some("abc"), "{context}");
    assert_eq!(
        data.access_key_secret.as_ref().map(|s| s.expose_secret()),
        Some("abc"),
        "{context}"
    );
    assert_eq!(data.bucket_name.as_deref(), Some("abc"), "{context}");
    assert_eq!(
        data.expiration_time,
        Some(gmt8(2021, 8, 4, 0, 0, 0)),
        "{context}"
    );
    assert_eq!(
        data.expiration_time.map(|t| t.offset().local_minus_utc()),
        Some(8 * 3600),
        "{context}"
    );
    assert_eq!(data.m_request_id.as_deref(), Some("abc"), "{context}");
    assert_eq!(data.scene.as_deref(), Some("abc"), "{context}");
    assert_eq!(
        data.security_token.as_ref().map(|s| s.expose_secret()),
        Some("abc"),
        "{context}"
    );
    assert_eq!(data.endpoint.as_deref(), Some("abc"), "{context}");
    assert_eq!(data.dir.as_deref(), Some("abc"), "{context}");
    assert_eq!(response.request_id, None, "the example has no request_id");
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
    // The API the gateway builds from the spec says the same.
    let api = Api::from_spec(&spec);
    assert_eq!(api.method(), METHOD);
    assert!(api.required_params().is_empty());
    assert!(api.file_params().is_empty());
    assert!(!api.needs_a_session());
    // Every format has an answer from the spec's own examples.
    assert_eq!(
        api.render(Format::Json).unwrap(),
        spec.examples.response_json.clone().unwrap()
    );
    assert_eq!(
        api.render(Format::Xml).unwrap(),
        spec.examples.response_xml.clone().unwrap()
    );
    let simplified = api.render(Format::SimplifiedJson).unwrap();
    assert!(
        simplified.starts_with(r#"{"result":{"data":{"#),
        "{simplified}"
    );
}

#[tokio::test]
async fn the_example_call_succeeds_in_every_format_with_every_sign_method() {
    let gateway = gateway(Api::from_spec(&spec())).await;
    for (format, sign_method) in combinations() {
        let context = format!("{format} / {sign_method}");
        gateway.clear_requests();
        let client = client(&gateway, SECRET, sign_method, format);
        let response = client
            .execute(&example_request())
            .await
            .unwrap_or_else(|e| panic!("{context}: {e}"));
        assert_example_values(&response, &context);

        // What went over the wire.
        let recorded = only_request(&gateway);
        assert_eq!(recorded.verdict, Verdict::Ok, "{context}");
        assert_eq!(recorded.reply_format, format, "{context}");
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
        assert_eq!(
            recorded.query_param("format"),
            Some(format.wire_format()),
            "{context}"
        );
        let simplify = (format == Format::SimplifiedJson).then_some("true");
        assert_eq!(recorded.query_param("simplify"), simplify, "{context}");
        assert_eq!(recorded.query_param("v"), Some("2.0"));
        let sign = recorded.sign().expect("sign");
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
async fn a_call_can_ask_for_another_format_than_its_client() {
    let gateway = gateway(Api::from_spec(&spec())).await;
    let client = client(&gateway, SECRET, SignMethod::Md5, Format::Json);
    for format in Format::ALL {
        let response = client
            .execute_with(&example_request(), &CallOptions::new().format(format))
            .await
            .unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_example_values(&response, format.as_str());
    }
    let formats: Vec<Format> = gateway.requests().iter().map(|r| r.reply_format).collect();
    assert_eq!(formats, Format::ALL);
}

#[tokio::test]
async fn the_error_example_is_a_typed_top_error_in_every_format() {
    let gateway = gateway(Api::from_spec(&spec()).reply(Reply::ErrorExample)).await;
    for (format, sign_method) in combinations() {
        gateway.clear_requests();
        let client = client(&gateway, SECRET, sign_method, format);
        let e = top_error(client.execute(&example_request()).await);
        assert_eq!(e.code, 50, "{format}");
        assert_eq!(e.msg, "Remote service error");
        assert_eq!(e.sub_code.as_deref(), Some("isv.invalid-parameter"));
        assert_eq!(e.sub_msg.as_deref(), Some("非法参数"), "{format}");
        assert_eq!(e.request_id, None);
        assert!(!e.is_retryable());
        // The gateway accepted the request; the error is the API's reply, not retried.
        let recorded = only_request(&gateway);
        assert_eq!(recorded.verdict, Verdict::Ok);
        assert_eq!(recorded.reply_format, format);
    }
}

#[tokio::test]
async fn a_wrong_secret_is_refused_with_code_25_in_every_format() {
    let gateway = gateway(Api::from_spec(&spec())).await;
    let wrong = "not-the-app-secret-31f0";
    for (format, sign_method) in combinations() {
        gateway.clear_requests();
        let client = client(&gateway, wrong, sign_method, format);
        let result = client.execute(&example_request()).await;
        let debug = format!("{result:?}");
        let e = top_error(result);
        assert_eq!(e.code, 25, "{format} / {sign_method}: {e}");
        assert_eq!(e.sub_code.as_deref(), Some("isv.invalid-signature"));
        assert!(!e.is_retryable());
        let recorded = only_request(&gateway);
        assert_eq!(
            e.request_id.as_deref(),
            Some(recorded.request_id.as_str()),
            "the gateway's error carries its request_id in {format}"
        );
        for shown in [debug, e.to_string(), format!("{client:?}")] {
            assert!(!shown.contains(wrong), "{shown}");
            assert!(!shown.contains(SECRET), "{shown}");
        }
        match recorded.verdict {
            Verdict::Rejected(r) => assert_eq!(r.code, 25),
            Verdict::Ok => panic!("a wrongly signed request passed"),
        }
        assert_eq!(recorded.reply_format, format);
    }
}

#[tokio::test]
async fn an_unknown_app_key_is_refused_with_code_29() {
    let gateway = gateway(Api::from_spec(&spec())).await;
    let client = Client::builder("87654321", SECRET)
        .endpoint(gateway.endpoint())
        .build()
        .unwrap();
    let e = top_error(client.execute(&example_request()).await);
    assert_eq!(e.code, 29);
    assert_eq!(only_request(&gateway).verdict.code(), Some(29));
}

#[tokio::test]
async fn unset_and_empty_optional_params_are_not_sent() {
    let gateway = gateway(Api::from_spec(&spec())).await;
    let client = client(&gateway, SECRET, SignMethod::Md5, Format::Json);

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
    // As if the doc said robot_sn were required: the gateway enforces what it is told.
    let gateway = gateway(Api::from_spec(&spec()).required(["robot_sn"])).await;
    let client = client(&gateway, SECRET, SignMethod::Hmac, Format::Xml);
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
    let json = spec
        .examples
        .response_json
        .clone()
        .unwrap()
        .replacen(
            "\"access_key_secret\": \"abc\"",
            "\"access_key_secret\": \"AKS-distinctive-9b27e1\"",
            1,
        )
        .replacen(
            "\"security_token\": \"abc\"",
            "\"security_token\": \"STS-distinctive-40c8d6\"",
            1,
        );
    let xml = spec
        .examples
        .response_xml
        .clone()
        .unwrap()
        .replacen(
            "<access_key_secret>abc<",
            "<access_key_secret>AKS-distinctive-9b27e1<",
            1,
        )
        .replacen(
            "<security_token>abc<",
            "<security_token>STS-distinctive-40c8d6<",
            1,
        );
    let gateway = gateway(Api::new(METHOD).response_json(json).response_xml(xml)).await;
    for format in Format::ALL {
        let client = client(&gateway, SECRET, SignMethod::HmacSha256, format);
        let response = client.execute(&example_request()).await.unwrap();
        let data = response
            .result
            .as_ref()
            .and_then(|r| r.data.as_ref())
            .unwrap();
        assert_eq!(
            data.access_key_secret.as_ref().map(|s| s.expose_secret()),
            Some("AKS-distinctive-9b27e1"),
            "{format}"
        );
        assert_eq!(
            data.security_token.as_ref().map(|s| s.expose_secret()),
            Some("STS-distinctive-40c8d6"),
            "{format}"
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
}

#[test]
fn the_blocking_client_works_against_a_spawned_gateway_in_every_format() {
    // No async runtime here: the gateway serves from its own thread.
    let gateway = Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(Api::from_spec(&spec()))
        .spawn()
        .expect("the gateway starts");
    for (format, sign_method) in combinations() {
        gateway.clear_requests();
        let client = topgen_runtime::blocking::Client::builder(APP_KEY, SECRET)
            .endpoint(gateway.endpoint())
            .sign_method(sign_method)
            .format(format)
            .build()
            .expect("the blocking client builds");
        let response = client
            .execute(&example_request())
            .unwrap_or_else(|e| panic!("{format} / {sign_method}: {e}"));
        assert_example_values(&response, &format!("blocking {format} / {sign_method}"));
        let recorded = only_request(&gateway);
        assert_eq!(recorded.verdict, Verdict::Ok);
        assert_eq!(recorded.reply_format, format);
    }
}
