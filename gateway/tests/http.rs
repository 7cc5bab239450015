//! The running gateway as an HTTP/1.1 server, spoken to in raw bytes over a `TcpStream`:
//! keep-alive and chunked requests, what is not HTTP, how it stops, and what its debug output
//! hides.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use support::{Call, METHOD, SECRET, SUCCESS, encode, exchange, parse_answer, start};
use topgen_gateway::{Api, Gateway, PATH};

#[tokio::test]
async fn a_connection_serves_requests_one_after_the_other() {
    let gateway = start().await;
    let call = Call::good().signed();
    // Two requests pipelined, the second closing the connection.
    let mut bytes = call.bytes(true);
    bytes.extend_from_slice(&call.bytes(false));
    let raw = exchange(gateway.addr(), &bytes).await;
    let text = String::from_utf8(raw).unwrap();
    assert_eq!(text.matches("HTTP/1.1 200 OK\r\n").count(), 2, "{text}");
    assert_eq!(text.matches(SUCCESS).count(), 2, "{text}");
    assert_eq!(gateway.request_count(), 2);

    // A chunked request body is read too.
    let body = encode(&call.body);
    let mut chunked = format!(
        "POST {PATH}?{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n",
        encode(&call.query)
    )
    .into_bytes();
    let (a, b) = body.as_bytes().split_at(7);
    for piece in [a, b] {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let raw = exchange(gateway.addr(), &chunked).await;
    assert_eq!(parse_answer(&raw).text(), SUCCESS);
    assert_eq!(gateway.requests()[2].body, call.body);
}

#[tokio::test]
async fn what_is_not_http_gets_400_and_is_not_recorded() {
    let gateway = start().await;
    for garbage in [
        &b"HELLO\r\n\r\n"[..],
        b"POST /router/rest HTTP/2.0\r\n\r\n",
        b"POST /router/rest HTTP/1.1\r\nno colon\r\n\r\n",
        b"POST /router/rest HTTP/1.1\r\nContent-Length: x\r\n\r\n",
        b"POST /router/rest HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ] {
        let raw = exchange(gateway.addr(), garbage).await;
        assert_eq!(parse_answer(&raw).status, 400, "{garbage:?}");
    }
    let huge = format!("POST {PATH} HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n");
    let raw = exchange(gateway.addr(), huge.as_bytes()).await;
    assert_eq!(parse_answer(&raw).status, 413);
    assert_eq!(gateway.request_count(), 0);
}

async fn assert_stops(addr: SocketAddr) {
    let mut refused = false;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "still accepting connections on {addr}");
}

#[tokio::test]
async fn dropping_the_gateway_stops_it() {
    let gateway = start().await;
    let addr = gateway.addr();
    assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
    drop(gateway);
    assert_stops(addr).await;
}

#[test]
fn a_spawned_gateway_serves_from_its_own_thread() {
    let gateway = Gateway::builder()
        .app("12345678", SECRET)
        .api(Api::new(METHOD).response_json(SUCCESS))
        .spawn()
        .unwrap();
    let addr = gateway.addr();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let answer = runtime.block_on(Call::good().signed().send(addr));
    assert_eq!(answer.text(), SUCCESS);
    assert_eq!(gateway.request_count(), 1);
    drop(gateway);
    // Joined on drop: nothing listens any more.
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[tokio::test]
async fn debug_output_hides_secrets() {
    let gateway = start().await;
    Call::good()
        .body("password", "pw-distinctive-1")
        .body("access_token", "tok-distinctive-2")
        .signed()
        .send(gateway.addr())
        .await;
    let debug = format!("{:?} {gateway:?}", gateway.requests());
    for secret in [
        "pw-distinctive-1",
        "tok-distinctive-2",
        SECRET,
        "user-session-1",
    ] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert!(debug.contains("robot_sn"), "{debug}");
}

#[tokio::test]
async fn the_record_keeps_the_last_requests_and_the_count_stays_exact() {
    let gateway = Gateway::builder()
        .app("12345678", SECRET)
        .api(Api::new(METHOD).response_json(SUCCESS))
        .record_capacity(5)
        .start()
        .await
        .unwrap();
    assert_eq!(gateway.record_capacity(), 5);
    // Twelve requests on one keep-alive connection, the last one closing it; the third one
    // refused (the count is of requests, whatever their verdict).
    let mut bytes = Vec::new();
    for i in 0..12 {
        let call = if i == 2 {
            Call::good()
        } else {
            Call::good().signed()
        };
        bytes.extend_from_slice(&call.bytes(i < 11));
    }
    let raw = exchange(gateway.addr(), &bytes).await;
    assert_eq!(String::from_utf8(raw).unwrap().matches(SUCCESS).count(), 11);
    assert_eq!(gateway.request_count(), 12);
    let ids: Vec<String> = gateway
        .requests()
        .into_iter()
        .map(|r| r.request_id)
        .collect();
    assert_eq!(
        ids,
        [
            "gateway-8",
            "gateway-9",
            "gateway-10",
            "gateway-11",
            "gateway-12"
        ]
    );
    gateway.clear_requests();
    assert_eq!((gateway.request_count(), gateway.requests().len()), (0, 0));

    // Capacity 0: nothing recorded, everything counted.
    let counting = Gateway::builder()
        .app("12345678", SECRET)
        .api(Api::new(METHOD).response_json(SUCCESS))
        .record_capacity(0)
        .start()
        .await
        .unwrap();
    for _ in 0..3 {
        Call::good().signed().send(counting.addr()).await;
    }
    assert_eq!(counting.request_count(), 3);
    assert!(counting.requests().is_empty());
    // The default.
    assert_eq!(
        start().await.record_capacity(),
        topgen_gateway::DEFAULT_RECORD_CAPACITY
    );
    assert_eq!(topgen_gateway::DEFAULT_RECORD_CAPACITY, 1_000);
}

#[tokio::test]
async fn an_api_without_examples_is_warned_about() {
    let builder = Gateway::builder()
        .app("12345678", SECRET)
        .api(Api::new(METHOD).response_json(SUCCESS))
        .api(Api::new("taobao.trade.fullinfo.get").needs_session(true));
    let warnings = builder.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("taobao.trade.fullinfo.get has no reply example"),
        "{warnings:?}"
    );
    assert!(
        warnings[0].contains(r#"{"trade_fullinfo_get_response":{}}"#),
        "{warnings:?}"
    );
    let gateway = builder.start().await.unwrap();
    assert_eq!(gateway.warnings(), warnings);
    // One added while running is warned about too; replaced by one with an example, it is not.
    gateway.api(Api::new("taobao.item.get"));
    assert_eq!(gateway.warnings().len(), 2);
    assert!(gateway.warnings()[0].starts_with("taobao.item.get "));
    gateway.api(Api::new("taobao.item.get").response_json(r#"{"item_get_response":{}}"#));
    assert_eq!(gateway.warnings(), warnings);
    // What the warning is about: the empty success.
    let answer = Call::good()
        .set("method", "taobao.trade.fullinfo.get")
        .set("session", "s")
        .signed()
        .send(gateway.addr())
        .await;
    assert_eq!(answer.text(), r#"{"trade_fullinfo_get_response":{}}"#);
    // An API from a spec with examples: no warning.
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../specs/taobao.wdk.iot.wombat.common.gettoken.yaml"
    );
    let from_spec = Gateway::builder().api(Api::from_spec_file(spec).unwrap());
    assert!(
        from_spec.warnings().is_empty(),
        "{:?}",
        from_spec.warnings()
    );
}
