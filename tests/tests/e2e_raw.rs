//! Raw calls (`execute_raw`, for APIs outside the catalog) and reply metadata
//! (`execute_with_meta`) against the local gateway over HTTP.

use std::path::Path;
use std::time::Duration;

use topgen_gateway::{Api, Fault, Gateway, TopErrorReply, Verdict};
use topgen_runtime::{CallOptions, Client, Error, Format, RetryPolicy};
use topgen_taobao::TimeGetRequest;
use topgen_taobao_wdk::WdkIotWombatCommonGettokenRequest;

const APP_KEY: &str = "12345678";
const SECRET: &str = "raw-app-secret-77aa";
const SESSION: &str = "raw-user-session-0001";

fn spec(method: &str) -> Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../specs/{method}.yaml"));
    Api::from_spec_file(&path).expect("the spec loads")
}

async fn gateway() -> Gateway {
    Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(spec("taobao.time.get"))
        .api(spec("taobao.wdk.iot.wombat.common.gettoken"))
        // An API that no generated crate has.
        .api(
            Api::new("example.private.thing.get")
                .required(["thing_id"])
                .needs_session(true)
                .response_json(
                    r#"{"example_private_thing_get_response":{"thing":{"id":7,"name":"seven"}}}"#,
                ),
        )
        .start()
        .await
        .expect("the gateway starts")
}

fn client(gateway: &Gateway) -> Client {
    Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .retry(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_base_delay(Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn raw_calls_reach_apis_outside_the_catalog_in_every_format() {
    let gateway = gateway().await;
    let client = client(&gateway);
    for format in [Format::Json, Format::SimplifiedJson, Format::Xml] {
        let options = CallOptions::new().session(SESSION).format(format);
        let reply = client
            .execute_raw("example.private.thing.get", &[("thing_id", "7")], &options)
            .await
            .expect("the raw call succeeds");
        let thing = &reply["thing"];
        // XML has no numbers: every leaf is text there.
        let id = thing["id"]
            .as_i64()
            .or_else(|| thing["id"].as_str()?.parse().ok());
        assert_eq!(id, Some(7), "{format}: {reply}");
        assert_eq!(thing["name"], "seven", "{format}");
    }
    let recorded = gateway.requests();
    assert!(
        recorded.iter().all(|r| r.verdict == Verdict::Ok),
        "{recorded:?}"
    );
    assert_eq!(recorded[0].body_param("thing_id"), Some("7"));
    assert_eq!(
        recorded[0].query_param("method"),
        Some("example.private.thing.get")
    );

    let time = client
        .execute_raw("taobao.time.get", &[], &CallOptions::new())
        .await
        .unwrap();
    assert_eq!(time["time"], "2000-01-01 00:00:00");
}

#[tokio::test]
async fn raw_calls_fail_and_retry_like_typed_ones() {
    let gateway = gateway().await;
    let client = client(&gateway);
    // TOP's own check: a required param is missing (40), as `Error::Top`.
    let Err(Error::Top(e)) = client
        .execute_raw(
            "example.private.thing.get",
            &[],
            &CallOptions::new().session(SESSION),
        )
        .await
    else {
        panic!("a missing param")
    };
    assert_eq!(e.code, 40);
    // Not a method name: refused before sending.
    let result = client
        .execute_raw("not a method", &[], &CallOptions::new())
        .await;
    assert!(matches!(result, Err(Error::Config(_))), "{result:?}");
    assert_eq!(gateway.request_count(), 1);

    gateway.push_fault(Fault::isp_error());
    let (reply, meta) = client
        .execute_raw_with_meta("taobao.time.get", &[], &CallOptions::new())
        .await
        .expect("the retry succeeds");
    assert_eq!(reply["time"], "2000-01-01 00:00:00");
    assert_eq!(meta.attempts, 2);
    assert_eq!(gateway.request_count(), 3);
}

#[tokio::test]
async fn typed_calls_report_their_reply_metadata() {
    let gateway = gateway().await;
    let client = client(&gateway);
    let request = WdkIotWombatCommonGettokenRequest::new().robot_sn("xxxxx");
    gateway.push_faults([Fault::isp_error(), Fault::top_error(TopErrorReply::isp())]);
    let (response, meta) = client
        .execute_with_meta(&request, &CallOptions::new())
        .await
        .expect("the third attempt succeeds");
    assert!(response.result.is_some());
    assert_eq!(meta.attempts, 3);
    assert_eq!(meta.status, Some(200));
    assert_eq!(meta.header("Server"), Some("topgen-gateway"));
    assert!(
        meta.header("content-type")
            .is_some_and(|ct| ct.contains("json"))
    );
    assert!(meta.elapsed >= Duration::from_millis(5), "{meta:?}");
    assert_eq!(gateway.request_count(), 3);

    // The reply's own request id, from its end.
    gateway.clear_requests();
    gateway.api(Api::new("taobao.time.get").response_json(
        r#"{"time_get_response":{"time":"2000-01-01 00:00:00","request_id":"abc-123"}}"#,
    ));
    let (time, meta) = client
        .execute_with_meta(&TimeGetRequest::new(), &CallOptions::new())
        .await
        .unwrap();
    assert!(time.time.is_some());
    assert_eq!(meta.request_id.as_deref(), Some("abc-123"));
    assert_eq!(meta.attempts, 1);

    // The same checks before sending as `execute_with`.
    let too_long = topgen_taobao::RdsDbDeleteRequest::new("i".repeat(31), "db");
    let result = client
        .execute_with_meta(&too_long, &CallOptions::new())
        .await;
    assert!(matches!(result, Err(Error::Param(_))), "{result:?}");
    assert_eq!(gateway.request_count(), 1);
}

#[test]
fn the_blocking_client_has_raw_calls_and_metadata() {
    let gateway = Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(spec("taobao.time.get"))
        .spawn()
        .unwrap();
    let client = topgen_runtime::blocking::Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .format(Format::Xml)
        .build()
        .unwrap();
    let reply = client
        .execute_raw("taobao.time.get", &[], &CallOptions::new())
        .unwrap();
    assert_eq!(reply["time"], "2000-01-01 00:00:00");
    let (time, meta) = client
        .execute_with_meta(&TimeGetRequest::new(), &CallOptions::new())
        .unwrap();
    assert!(time.time.is_some());
    assert_eq!(meta.attempts, 1);
    assert!(
        meta.header("content-type")
            .is_some_and(|ct| ct.contains("xml"))
    );
}
