//! `/router/batch` in raw bytes: each call checked like a single one and answered in its own
//! part; what refuses the batch as a whole.

mod support;

use support::{Call, METHOD, SECRET, SUCCESS, start};
use topgen_gateway::sign::{SignMethod, sign_with_body};
use topgen_gateway::{BATCH_PATH, Gateway, TopErrorReply, Verdict};

const SEPARATOR: &str = "\r\n-S-\r\n";

/// A batch whose body is `body`, signed with `secret` over its query and body.
fn batch(body: &str, secret: &str) -> Call {
    let mut call = Call::good().remove("method");
    call.path = BATCH_PATH.to_owned();
    call.body.clear();
    call.content_type = Some("text/plain;charset=utf-8".to_owned());
    call.raw_body = Some(body.as_bytes().to_vec());
    let pairs: Vec<(&str, &str)> = call
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let sign = sign_with_body(&pairs, Some(body), secret, SignMethod::Md5);
    call.query.push(("sign".to_owned(), sign));
    call
}

async fn parts(gateway: &Gateway, call: &Call) -> Vec<serde_json::Value> {
    let answer = call.send(gateway.addr()).await;
    assert_eq!(answer.status, 200);
    answer
        .text()
        .split(SEPARATOR)
        .map(|p| serde_json::from_str(p).unwrap_or_else(|e| panic!("{e}: {p}")))
        .collect()
}

fn code(part: &serde_json::Value) -> Option<i64> {
    part["error_response"]["code"].as_i64()
}

#[tokio::test]
async fn each_call_is_checked_and_answered_on_its_own() {
    let gateway = start().await;
    let body = [
        &format!("#PUBLIC#method={METHOD}"),
        "robot_sn=a+b",
        // No robot_sn: the API's required param.
        "N",
        "robot_sn=a&robot_sn=b",
        "method=taobao.trade.fullinfo.get&session=user-session-1",
        "method=taobao.trade.fullinfo.get",
        "method=no.such.api",
        "robot_sn=c",
    ]
    .join(SEPARATOR);
    gateway.push_part_error(6, TopErrorReply::isp());
    let parts = parts(&gateway, &batch(&body, SECRET)).await;
    assert_eq!(parts.len(), 7);
    assert_eq!(
        parts[0],
        serde_json::from_str::<serde_json::Value>(SUCCESS).unwrap()
    );
    assert_eq!(code(&parts[1]), Some(40));
    assert_eq!(
        parts[1]["error_response"]["sub_code"],
        "isv.missing-parameter:robot_sn"
    );
    assert_eq!(code(&parts[2]), Some(41));
    assert!(
        parts[3]["trade_fullinfo_get_response"].is_object(),
        "{}",
        parts[3]
    );
    assert_eq!(code(&parts[4]), Some(26));
    assert_eq!(code(&parts[5]), Some(22));
    assert_eq!(
        parts[6]["error_response"]["sub_code"],
        "isp.remote-service-error"
    );

    let recorded = gateway.requests();
    assert_eq!(recorded[0].verdict, Verdict::Ok);
    let batch = recorded[0].batch.as_ref().unwrap();
    assert_eq!(batch.public, [("method".to_owned(), METHOD.to_owned())]);
    assert_eq!(batch.parts.len(), 7);
    assert_eq!(batch.parts[0].param("robot_sn"), Some("a b"));
    assert_eq!(batch.parts[0].method.as_deref(), Some(METHOD));
    assert_eq!(batch.parts[1].verdict.code(), Some(40));
    assert_eq!(batch.parts[6].injected, Some(TopErrorReply::isp()));
    let debug = format!("{:?}", recorded[0]);
    assert!(!debug.contains("user-session-1"), "{debug}");
}

#[tokio::test]
async fn a_custom_separator_comes_in_its_header() {
    let gateway = start().await;
    let body = "robot_sn=a&method=taobao.wdk.iot.wombat.common.gettoken|+|method=taobao.trade.fullinfo.get&session=user-session-1";
    let call = batch(body, SECRET).header("top-api-separator: |+|");
    let answer = call.send(gateway.addr()).await;
    let text = answer.text();
    let parts: Vec<&str> = text.split("|+|").collect();
    assert_eq!(parts.len(), 2, "{text}");
    assert_eq!(parts[0], SUCCESS);
    assert_eq!(
        gateway.requests()[0].batch.as_ref().unwrap().separator,
        "|+|"
    );
}

#[tokio::test]
async fn what_refuses_the_whole_batch() {
    let gateway = start().await;
    let good = "robot_sn=a&method=taobao.wdk.iot.wombat.common.gettoken";
    let whole = |call: Call, expected: i64| {
        let gateway = &gateway;
        async move {
            gateway.clear_requests();
            let answer = call.send(gateway.addr()).await;
            let text = answer.text();
            assert!(
                !text.contains(SEPARATOR),
                "one error for the whole batch: {text}"
            );
            let reply: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(code(&reply), Some(expected), "{reply}");
            assert_eq!(gateway.requests()[0].verdict.code(), Some(expected));
            assert!(gateway.requests()[0].batch.is_none());
        }
    };
    // The sign covers the body: a body changed after signing, or another secret, is refused.
    let mut tampered = batch(good, SECRET);
    tampered.raw_body = Some(b"robot_sn=b&method=taobao.wdk.iot.wombat.common.gettoken".to_vec());
    whole(tampered, 25).await;
    whole(batch(good, "another-secret"), 25).await;
    let mut form = batch(good, SECRET);
    form.content_type = Some("application/x-www-form-urlencoded".to_owned());
    whole(form, 41).await;
    whole(batch("", SECRET), 40).await;
    whole(batch("#PUBLIC#method=x.y", SECRET), 40).await;
    whole(batch(good, SECRET).set("v", "1.0"), 33).await;
    let mut get = batch(good, SECRET);
    get.http_method = "GET";
    whole(get, 9).await;
}
