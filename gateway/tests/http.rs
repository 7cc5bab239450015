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
