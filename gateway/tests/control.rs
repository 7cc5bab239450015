//! The control API (`/__gateway/…`) driven over HTTP from a test: faults for one API or for
//! all, a replaced reply in every format, the record, and TMC messages queued on a linked
//! TMC endpoint; and what it refuses.

mod support;

use support::{Answer, Call, METHOD, SUCCESS, UPLOAD, exchange, parse_answer, start};
use topgen_gateway::{Gateway, QueuedMessage, TmcGateway};

/// One control request with an optional JSON body (and headers), on a fresh connection.
async fn control(gateway: &Gateway, verb: &str, path: &str, body: Option<&str>) -> Answer {
    control_with(gateway, verb, path, body, "").await
}

async fn control_with(
    gateway: &Gateway,
    verb: &str,
    path: &str,
    body: Option<&str>,
    headers: &str,
) -> Answer {
    let body = body.unwrap_or("");
    let request = format!(
        "{verb} /__gateway{path} HTTP/1.1\r\nHost: x\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    parse_answer(&exchange(gateway.addr(), request.as_bytes()).await)
}

#[tokio::test]
async fn a_fault_for_one_api_waits_for_that_apis_request() {
    let gateway = start().await;
    let queued = control(
        &gateway,
        "POST",
        "/faults",
        Some(r#"{"fault":{"kind":"top_error","code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count","sub_msg":"This ban will last for 3 more seconds"},"api":"taobao.wdk.iot.wombat.common.gettoken","count":2}"#),
    )
    .await;
    assert_eq!(queued.status, 200, "{}", queued.text());
    assert_eq!(queued.json()["pending"], 2);
    assert_eq!(gateway.pending_faults(), 2);

    // Another API's request does not take it.
    let other = Call::good().set("method", UPLOAD).signed();
    let answer = other.send(gateway.addr()).await;
    assert!(
        !answer.text().contains("App Call Limited"),
        "{}",
        answer.text()
    );
    // That API's next two do; the third gets the example.
    for _ in 0..2 {
        let answer = Call::good().signed().send(gateway.addr()).await;
        let reply = answer.json();
        assert_eq!(reply["error_response"]["code"], 7, "{reply}");
        assert_eq!(
            reply["error_response"]["sub_msg"],
            "This ban will last for 3 more seconds"
        );
    }
    assert_eq!(
        Call::good().signed().send(gateway.addr()).await.text(),
        SUCCESS
    );
    assert_eq!(gateway.pending_faults(), 0);

    // The library's own queue for one API, beside the common queue: the API's first.
    gateway.push_fault(topgen_gateway::Fault::status(503));
    gateway.push_fault_for(METHOD, topgen_gateway::Fault::isp_error());
    let answer = Call::good().signed().send(gateway.addr()).await;
    assert_eq!(answer.json()["error_response"]["code"], 15);
    assert_eq!(Call::good().signed().send(gateway.addr()).await.status, 503);

    // A default fault, shown and removed.
    let set = control(
        &gateway,
        "PUT",
        "/faults/default",
        Some(r#"{"kind":"http","status":502}"#),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.text());
    assert_eq!(Call::good().signed().send(gateway.addr()).await.status, 502);
    let shown = control(&gateway, "GET", "/faults", None).await.json();
    assert!(
        shown["default"].as_str().unwrap().contains("502"),
        "{shown}"
    );
    assert_eq!(
        control(&gateway, "DELETE", "/faults/default", None)
            .await
            .status,
        200
    );
    assert_eq!(
        Call::good().signed().send(gateway.addr()).await.text(),
        SUCCESS
    );
}

#[tokio::test]
async fn a_replaced_reply_is_answered_in_every_format_and_restored() {
    let gateway = start().await;
    let set = control(
        &gateway,
        "PUT",
        &format!("/replies/{METHOD}"),
        Some(r#"{"response":{"result":{"success":false,"msg_code":"E1"}}}"#),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.text());
    let json = Call::good().signed().send(gateway.addr()).await.text();
    assert_eq!(
        json,
        r#"{"wdk_iot_wombat_common_gettoken_response":{"result":{"success":false,"msg_code":"E1"}}}"#
    );
    let simplified = Call::good()
        .set("simplify", "true")
        .signed()
        .send(gateway.addr())
        .await;
    assert_eq!(
        simplified.text(),
        r#"{"result":{"success":false,"msg_code":"E1"}}"#
    );
    let xml = Call::good()
        .set("format", "xml")
        .signed()
        .send(gateway.addr())
        .await;
    assert!(
        xml.text()
            .ends_with("<result><success>false</success><msg_code>E1</msg_code></result></wdk_iot_wombat_common_gettoken_response>"),
        "{}",
        xml.text()
    );
    // The API's checks stay: robot_sn is still required.
    let missing = Call::good()
        .remove("robot_sn")
        .signed()
        .send(gateway.addr())
        .await;
    assert_eq!(missing.json()["error_response"]["code"], 40);

    // An error instead.
    let set = control(
        &gateway,
        "PUT",
        &format!("/replies/{METHOD}"),
        Some(r#"{"error":{"code":15,"msg":"Remote service error","sub_code":"isv.item-not-exist","sub_msg":"no such item"}}"#),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.text());
    let answer = Call::good().signed().send(gateway.addr()).await.json();
    assert_eq!(
        answer["error_response"]["sub_code"], "isv.item-not-exist",
        "{answer}"
    );

    // Restored: the example of the API as it was before either.
    let restored = control(&gateway, "DELETE", &format!("/replies/{METHOD}"), None).await;
    assert_eq!(restored.status, 200, "{}", restored.text());
    assert_eq!(
        Call::good().signed().send(gateway.addr()).await.text(),
        SUCCESS
    );
    assert_eq!(
        control(&gateway, "DELETE", &format!("/replies/{METHOD}"), None)
            .await
            .status,
        404
    );
    let unknown = control(
        &gateway,
        "PUT",
        "/replies/taobao.no.such",
        Some(r#"{"response":{}}"#),
    )
    .await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.json()["error"]
            .as_str()
            .unwrap()
            .contains("taobao.no.such")
    );
}

#[tokio::test]
async fn the_record_is_read_and_cleared_and_control_requests_are_not_in_it() {
    let gateway = start().await;
    Call::good().signed().send(gateway.addr()).await;
    Call::good()
        .set("method", "taobao.trade.fullinfo.get")
        .set("session", "user-session-1")
        .signed()
        .send(gateway.addr())
        .await;
    Call::good().signed_with("wrong").send(gateway.addr()).await;
    let record = control(&gateway, "GET", "/requests", None).await;
    assert_eq!(record.status, 200);
    let record = record.json();
    assert_eq!(record["count"], 3, "{record}");
    let requests = record["requests"].as_array().unwrap();
    assert_eq!(requests[0]["method"], METHOD);
    assert_eq!(requests[0]["verdict"], "ok");
    assert_eq!(requests[0]["reply_format"], "json");
    assert!(
        requests[0]["body"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(["robot_sn", "机器人 A&B=1+2/é"])),
        "{record}"
    );
    let text = record.to_string();
    assert!(!text.contains("user-session-1"), "{text}");
    assert_eq!(requests[2]["verdict"], "rejected");
    assert_eq!(requests[2]["rejection"]["code"], 25);
    assert_eq!(gateway.request_count(), 3);

    assert_eq!(
        control(&gateway, "DELETE", "/requests", None).await.status,
        200
    );
    assert_eq!(gateway.request_count(), 0);
    let index = control(&gateway, "GET", "", None).await.json();
    assert_eq!(index["apps"], serde_json::json!(["12345678"]));
    assert_eq!(index["apis"], 3);
    assert!(index["routes"].as_array().unwrap().len() > 10);
    assert!(!index.to_string().contains(support::SECRET));
    assert!(gateway.requests().is_empty());
}

#[tokio::test]
async fn bad_control_requests_get_clear_refusals() {
    let gateway = start().await;
    for (verb, path, body, status, says) in [
        (
            "GET",
            "/nope",
            None,
            404,
            "no control route GET /__gateway/nope",
        ),
        (
            "PUT",
            "/faults",
            None,
            405,
            "this route takes GET, POST, DELETE",
        ),
        ("POST", "/faults", Some("{"), 400, "the body is not"),
        (
            "POST",
            "/faults",
            Some(r#"{"fault":{"kind":"gzip"},"extra":1}"#),
            400,
            "unknown field `extra`",
        ),
        (
            "POST",
            "/faults",
            Some(r#"{"fault":{"kind":"gzip"},"count":0}"#),
            400,
            "`count` is 0",
        ),
        (
            "POST",
            "/faults",
            Some(r#"{"fault":{"kind":"gzip"},"api":"taobao.nope"}"#),
            404,
            "serves no API",
        ),
        (
            "POST",
            "/faults",
            Some(r#"{"fault":{"kind":"stall_body","after":1}}"#),
            400,
            "`fault.ms`: missing",
        ),
        (
            "PUT",
            &format!("/replies/{METHOD}"),
            Some(r#"{"response":[]}"#),
            400,
            "not a JSON object",
        ),
        (
            "PUT",
            &format!("/replies/{METHOD}"),
            Some(r#"{}"#),
            400,
            "give `response`",
        ),
        (
            "POST",
            "/tmc/messages",
            Some(r#"{"topic":"t","content":"{}"}"#),
            404,
            "no TMC endpoint",
        ),
    ] {
        let answer = control(&gateway, verb, path, body).await;
        assert_eq!(answer.status, status, "{verb} {path}: {}", answer.text());
        let error = answer.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(error.contains(says), "{verb} {path}: {error}");
    }
    assert_eq!(gateway.pending_faults(), 0);
    assert_eq!(gateway.request_count(), 0);
}

#[tokio::test]
async fn with_a_token_only_its_holders_drive_the_gateway() {
    let gateway = Gateway::builder()
        .app("12345678", support::SECRET)
        .control_token("s3cret-control")
        .start()
        .await
        .unwrap();
    assert_eq!(gateway.control_token(), Some("s3cret-control"));
    assert!(!format!("{gateway:?}").contains("s3cret-control"));
    let refused = control(&gateway, "GET", "/requests", None).await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
    let wrong = control_with(
        &gateway,
        "GET",
        "/requests",
        None,
        "Authorization: Bearer nope\r\n",
    )
    .await;
    assert_eq!(wrong.status, 401);
    let right = control_with(
        &gateway,
        "GET",
        "/requests",
        None,
        "Authorization: bearer s3cret-control\r\n",
    )
    .await;
    assert_eq!(right.status, 200, "{}", right.text());
}

#[tokio::test]
async fn tmc_messages_are_queued_on_the_linked_endpoint() {
    let tmc = TmcGateway::builder()
        .app("12345678", support::SECRET)
        .start()
        .await
        .unwrap();
    let gateway = Gateway::builder()
        .app("12345678", support::SECRET)
        .tmc(&tmc)
        .start()
        .await
        .unwrap();
    let queued = control(
        &gateway,
        "POST",
        "/tmc/messages",
        Some(r#"{"group":"orders","topic":"taobao_trade_TradeCreate","content":{"tid":58681907060570486},"user_id":9007199254740993,"nick":"n"}"#),
    )
    .await;
    assert_eq!(queued.status, 200, "{}", queued.text());
    let id: i64 = queued.json()["id_text"].as_str().unwrap().parse().unwrap();
    assert_eq!(id, topgen_gateway::tmc::FIRST_MESSAGE_ID);
    assert_eq!(tmc.pending("orders"), 1);
    // The library's own queue shares the ids.
    let next = tmc.queue(
        "orders",
        QueuedMessage::new("taobao_trade_TradeSuccess", "{}"),
    );
    assert_eq!(next, id + 2);
    let state = control(&gateway, "GET", "/tmc", None).await.json();
    assert_eq!(state["endpoint"], tmc.endpoint());
    assert_eq!(state["pending"]["orders"], 2, "{state}");
    assert_eq!(state["confirmed"], serde_json::json!([]));
}

#[tokio::test]
async fn a_request_with_the_control_path_never_reaches_the_checks() {
    let gateway = start().await;
    // Even a signed TOP call sent to the control path is the control API's.
    let mut call = Call::good().signed();
    call.path = "/__gateway/requests".to_owned();
    let answer = call.send(gateway.addr()).await;
    assert_eq!(answer.status, 405, "{}", answer.text());
    assert!(
        answer.text().contains("this route takes GET, DELETE"),
        "{}",
        answer.text()
    );
    assert!(gateway.requests().is_empty());
    assert_eq!(gateway.request_count(), 0);
}
