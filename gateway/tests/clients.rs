//! Any client's HTTP, spoken in raw bytes over a `TcpStream` (and by curl when the machine has
//! it): `Expect: 100-continue`, chunked bodies, HTTP/1.0, pipelining, a large upload, bodies
//! over the limit, a client that goes away mid-body, what is not HTTP. Every call is signed and
//! passes the checks, so each answer is the API's reply (or says why not).

mod support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use support::{Call, SUCCESS, encode, exchange, only, parse_answer, start, upload_call};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use topgen_gateway::{Fault, PATH, Verdict};

/// The gateway's body limit (32 MiB).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// `bytes` split after its head (`\r\n\r\n`): the head, and the body.
fn split_head(bytes: &[u8]) -> (&[u8], &[u8]) {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head")
        + 4;
    bytes.split_at(end)
}

/// Reads one answer from `stream`, by its `Content-Length` (5 s at most): the head's text and
/// the body. `rest` holds what was read beyond the previous answers.
async fn read_answer(stream: &mut TcpStream, rest: &mut Vec<u8>) -> (String, Vec<u8>) {
    let read = async {
        loop {
            if let Some(at) = rest.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8(rest[..at].to_vec()).unwrap();
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().unwrap())
                    })
                    .unwrap_or(0);
                if rest.len() >= at + 4 + length {
                    let body = rest[at + 4..at + 4 + length].to_vec();
                    rest.drain(..at + 4 + length);
                    return (head, body);
                }
            }
            let mut buf = [0u8; 16 * 1024];
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "closed before a whole answer: {rest:?}");
            rest.extend_from_slice(&buf[..n]);
        }
    };
    tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .expect("an answer within 5 s")
}

/// Every answer of `raw` (read until the close), in order, by their `Content-Length`.
fn answers(raw: &[u8]) -> Vec<support::Answer> {
    let mut out = Vec::new();
    let mut rest = raw;
    while !rest.is_empty() {
        let (head, after) = split_head(rest);
        let answer = parse_answer(head);
        let length: usize = answer
            .header("content-length")
            .expect("a Content-Length")
            .parse()
            .unwrap();
        let (body, after) = after.split_at(length);
        out.push(support::Answer {
            body: body.to_vec(),
            ..answer
        });
        rest = after;
    }
    out
}

/// Whether the gateway closes `stream` (end of stream, after what it still sends) within 5 s.
async fn closes(stream: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut raw))
        .await
        .expect("the gateway closes the connection within 5 s")
        .unwrap();
    raw
}

#[tokio::test]
async fn expect_100_continue_gets_the_interim_answer_before_the_body() {
    let gateway = start().await;
    let call = Call::good()
        .body("memo", &"长".repeat(600))
        .header("Expect: 100-continue")
        .signed();
    let bytes = call.bytes(false);
    let (head, body) = split_head(&bytes);
    assert!(body.len() > 1024);
    let mut stream = TcpStream::connect(gateway.addr()).await.unwrap();
    stream.write_all(head).await.unwrap();
    // The client waits: only the interim answer comes, nothing is judged yet.
    let mut interim = Vec::new();
    let (status, _) = read_answer(&mut stream, &mut interim).await;
    assert_eq!(status, "HTTP/1.1 100 Continue");
    assert!(interim.is_empty(), "{interim:?}");
    assert_eq!(gateway.request_count(), 0);
    stream.write_all(body).await.unwrap();
    let answer = parse_answer(&closes(&mut stream).await);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text(), SUCCESS);
    let recorded = only(&gateway);
    assert_eq!(recorded.verdict, Verdict::Ok);
    assert_eq!(recorded.body_param("memo"), Some("长".repeat(600).as_str()));
    assert_eq!(recorded.header("expect"), Some("100-continue"));
}

/// A chunked form body: `pieces` chunks, with a chunk extension and a trailer.
fn chunked(call: &Call, pieces: usize) -> Vec<u8> {
    let body = encode(&call.body);
    let mut out = format!(
        "POST {PATH}?{} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded;charset=UTF-8\r\n\r\n",
        encode(&call.query)
    )
    .into_bytes();
    let size = body.len().div_ceil(pieces);
    for (i, piece) in body.as_bytes().chunks(size).enumerate() {
        out.extend_from_slice(format!("{:x};piece={i}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\nX-Trailer: t\r\n\r\n");
    out
}

#[tokio::test]
async fn a_chunked_body_is_read_whole_and_signed_over() {
    let gateway = start().await;
    let call = Call::good().body("memo", &"m".repeat(5000)).signed();
    let raw = exchange(gateway.addr(), &chunked(&call, 5)).await;
    assert_eq!(parse_answer(&raw).text(), SUCCESS);
    let recorded = only(&gateway);
    assert_eq!(recorded.verdict, Verdict::Ok);
    assert_eq!(recorded.body, call.body);
    assert_eq!(recorded.header("transfer-encoding"), Some("chunked"));

    // The sign covers the de-chunked body: a value changed after signing is refused.
    gateway.clear_requests();
    let mut tampered = call.clone();
    tampered.body[0].1.push('!');
    let raw = exchange(gateway.addr(), &chunked(&tampered, 3)).await;
    let reply = parse_answer(&raw).json();
    assert_eq!(reply["error_response"]["code"], 25, "{reply}");
    assert!(matches!(only(&gateway).verdict, Verdict::Rejected(r) if r.code == 25));
}

/// `call` as HTTP/1.0, with the header `connection` if any.
fn http10(call: &Call, connection: Option<&str>) -> Vec<u8> {
    let bytes = call.bytes(false);
    let text = String::from_utf8(bytes).unwrap();
    let text = text.replacen(" HTTP/1.1\r\n", " HTTP/1.0\r\n", 1);
    let text = match connection {
        Some(value) => text.replacen("Connection: close", &format!("Connection: {value}"), 1),
        None => text.replacen("Connection: close\r\n", "", 1),
    };
    text.into_bytes()
}

#[tokio::test]
async fn http_1_0_closes_after_the_answer_unless_kept_alive() {
    let gateway = start().await;
    let call = Call::good().signed();

    // Without keep-alive: an HTTP/1.0 answer with its length, then the close.
    let started = Instant::now();
    let raw = exchange(gateway.addr(), &http10(&call, None)).await;
    assert!(started.elapsed() < Duration::from_secs(3));
    let text = String::from_utf8(raw.clone()).unwrap();
    assert!(text.starts_with("HTTP/1.0 200 OK\r\n"), "{text}");
    let answer = parse_answer(&raw);
    assert_eq!(
        answer.header("content-length"),
        Some(SUCCESS.len().to_string().as_str())
    );
    assert_eq!(answer.text(), SUCCESS);

    // With `Connection: keep-alive`: the connection stays open for the next request.
    let mut stream = TcpStream::connect(gateway.addr()).await.unwrap();
    let mut rest = Vec::new();
    stream
        .write_all(&http10(&call, Some("keep-alive")))
        .await
        .unwrap();
    let (head, body) = read_answer(&mut stream, &mut rest).await;
    assert!(head.starts_with("HTTP/1.0 200 OK\r\n"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("\r\nconnection: keep-alive"),
        "{head}"
    );
    assert_eq!(body, SUCCESS.as_bytes());
    stream.write_all(&http10(&call, None)).await.unwrap();
    let (_, body) = read_answer(&mut stream, &mut rest).await;
    assert_eq!(body, SUCCESS.as_bytes());
    assert!(closes(&mut stream).await.is_empty());
    assert_eq!(gateway.request_count(), 3);
    assert!(gateway.requests().iter().all(|r| r.verdict == Verdict::Ok));

    // HTTP/1.0 knows no chunks: a chunked answer (Fault::Chunked) is sent until the close.
    gateway.push_fault(Fault::oversize(30_000).and(Fault::chunked()));
    let raw = exchange(gateway.addr(), &http10(&call, None)).await;
    let answer = parse_answer(&raw);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("transfer-encoding"), None);
    assert_eq!(answer.header("content-length"), None);
    assert_eq!(answer.body.len(), 30_000);
    assert!(answer.text().starts_with(SUCCESS));
}

#[tokio::test]
async fn three_pipelined_requests_get_three_answers_in_order() {
    let gateway = start().await;
    // JSON, XML, and one refused (no sign), the last closing: written at once.
    let mut bytes = Call::good().signed().bytes(true);
    bytes.extend_from_slice(&Call::good().set("format", "xml").signed().bytes(true));
    bytes.extend_from_slice(&Call::good().bytes(false));
    let raw = exchange(gateway.addr(), &bytes).await;
    let got = answers(&raw);
    assert_eq!(got.len(), 3, "{}", String::from_utf8_lossy(&raw));
    assert_eq!(got[0].text(), SUCCESS);
    assert!(
        got[1].text().starts_with(
            "<?xml version=\"1.0\" encoding=\"utf-8\" ?><wdk_iot_wombat_common_gettoken_response>"
        ),
        "{}",
        got[1].text()
    );
    assert_eq!(
        got[2].json()["error_response"]["code"],
        24,
        "{}",
        got[2].text()
    );
    let ids: Vec<String> = gateway
        .requests()
        .into_iter()
        .map(|r| r.request_id)
        .collect();
    assert_eq!(ids, ["gateway-1", "gateway-2", "gateway-3"]);
}

#[tokio::test]
async fn a_20_mib_multipart_upload_arrives_whole() {
    let gateway = start().await;
    let file: Vec<u8> = (0..20 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let call = upload_call(&[("title", "大图")], &[("image", "big.png", &file)]);
    let answer = call.send(gateway.addr()).await;
    assert_eq!(answer.text(), r#"{"picture_upload_response":{"ok":true}}"#);
    let recorded = only(&gateway);
    assert_eq!(recorded.verdict, Verdict::Ok);
    assert_eq!(recorded.body_param("title"), Some("大图"));
    assert_eq!(recorded.files.len(), 1);
    assert_eq!(recorded.files[0].file_name, "big.png");
    assert!(recorded.files[0].bytes == file, "the file arrived changed");
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413_unread() {
    let gateway = start().await;
    // Announced: refused from the head, without a `100 Continue` (the body never comes).
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        MAX_BODY + 1
    );
    let mut stream = TcpStream::connect(gateway.addr()).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let raw = closes(&mut stream).await;
    let answer = parse_answer(&raw);
    assert_eq!(answer.status, 413, "{}", String::from_utf8_lossy(&raw));
    assert!(answer.text().contains("longer than 33554432 bytes"));
    assert!(!String::from_utf8_lossy(&raw).contains("100 Continue"));

    // Chunked: refused as soon as it goes over, while the client is still sending.
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let stream = TcpStream::connect(gateway.addr()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let sender = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        let chunk = vec![b'a'; 1024 * 1024];
        let mut sent = 0;
        // Up to 40 MiB, or until the gateway stops reading.
        for _ in 0..40 {
            writer.write_all(b"100000\r\n").await?;
            writer.write_all(&chunk).await?;
            writer.write_all(b"\r\n").await?;
            sent += chunk.len();
        }
        Ok::<usize, std::io::Error>(sent)
    });
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        while !raw.windows(4).any(|w| w == b"\r\n\r\n") {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => raw.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("an answer within 10 s");
    assert_eq!(
        parse_answer(&raw).status,
        413,
        "{}",
        String::from_utf8_lossy(&raw)
    );
    drop(reader);
    // The sender either finished (kernel buffers) or was cut off; it does not hang.
    let _ = tokio::time::timeout(Duration::from_secs(10), sender)
        .await
        .expect("the sender ends");
    assert_eq!(gateway.request_count(), 0);
}

async fn half_a_body(addr: SocketAddr) -> TcpStream {
    let bytes = Call::good()
        .body("memo", &"h".repeat(1000))
        .signed()
        .bytes(true);
    let (head, body) = split_head(&bytes);
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head).await.unwrap();
    stream.write_all(&body[..body.len() / 2]).await.unwrap();
    stream
}

#[tokio::test]
async fn a_client_gone_mid_body_leaves_nothing_and_is_not_recorded() {
    let gateway = start().await;
    // Half a body, then the client closes its side: told 400, and the connection is closed.
    let mut stream = half_a_body(gateway.addr()).await;
    stream.shutdown().await.unwrap();
    let answer = parse_answer(&closes(&mut stream).await);
    assert_eq!(answer.status, 400);
    assert!(
        answer.text().contains("the request body could not be read"),
        "{}",
        answer.text()
    );

    // Half a body, then the client vanishes: the gateway serves the next client at once.
    for _ in 0..3 {
        drop(half_a_body(gateway.addr()).await);
    }
    let answer = tokio::time::timeout(
        Duration::from_secs(5),
        Call::good().signed().send(gateway.addr()),
    )
    .await
    .expect("served");
    assert_eq!(answer.text(), SUCCESS);
    // Only requests read whole are recorded.
    assert_eq!(gateway.request_count(), 1);
    assert_eq!(only(&gateway).verdict, Verdict::Ok);
}

#[tokio::test]
async fn what_is_not_http_gets_hyper_s_400_or_431() {
    let gateway = start().await;
    for garbage in [
        &b"NOT A REQUEST\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"GET /router/rest HTTP/1.1\r\nHost: x\r\nbad header\r\n\r\n",
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n",
    ] {
        let raw = exchange(gateway.addr(), garbage).await;
        let text = String::from_utf8_lossy(&raw);
        assert!(
            text.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{garbage:?}: {text}"
        );
    }
    // A head over 64 KiB.
    let huge = format!(
        "GET {PATH} HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(70 * 1024)
    );
    let raw = exchange(gateway.addr(), huge.as_bytes()).await;
    assert_eq!(parse_answer(&raw).status, 431);
    // Still serving, nothing recorded.
    assert_eq!(gateway.request_count(), 0);
    assert_eq!(
        Call::good().signed().send(gateway.addr()).await.text(),
        SUCCESS
    );
}

#[tokio::test]
async fn a_dropped_body_sends_exactly_its_first_part() {
    let gateway = start().await;
    // A large first part: hyper must have flushed all of it before the connection is aborted.
    gateway.push_fault(Fault::oversize(400_000).and(Fault::drop_mid_body(300_000)));
    let answer = Call::good().signed().send(gateway.addr()).await;
    assert_eq!(answer.header("content-length"), Some("400000"));
    assert_eq!(answer.body.len(), 300_000);
    assert!(answer.text().starts_with(SUCCESS));
    // Chunked: the chunks of the first part, without the last chunk.
    gateway.push_fault(Fault::chunked().and(Fault::drop_mid_body(10)));
    let raw = exchange(gateway.addr(), &Call::good().signed().bytes(false)).await;
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{text}"
    );
    // One chunk of 10 bytes (hyper writes its size `A`), and no last chunk.
    assert!(
        text.ends_with(&format!("\r\n\r\nA\r\n{}\r\n", &SUCCESS[..10])),
        "{text}"
    );
}

#[tokio::test]
async fn an_answer_hyper_cannot_send_is_a_clear_500() {
    let gateway = start().await;
    gateway.push_faults([
        Fault::status(1000),
        Fault::status(101),
        Fault::http(502, "text/html\r\nX-Injected: 1", "<html></html>"),
    ]);
    for why in [
        "1000 is not an HTTP status an answer can have",
        "101 is not an HTTP status an answer can have",
        "the answer's header \"Content-Type\" is not a valid HTTP header",
    ] {
        let answer = Call::good().signed().send(gateway.addr()).await;
        assert_eq!(answer.status, 500);
        assert!(answer.text().contains(why), "{}", answer.text());
        assert_eq!(answer.header("x-injected"), None);
    }
    assert_eq!(
        Call::good().signed().send(gateway.addr()).await.text(),
        SUCCESS
    );
}

/// curl with its `Expect: 100-continue` on a form over 1 KiB (the body from a file).
#[test]
fn curl_posts_a_form_after_100_continue() {
    let Ok(version) = std::process::Command::new("curl").arg("--version").output() else {
        eprintln!("curl is not installed here: skipping its test");
        return;
    };
    assert!(version.status.success());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let gateway = runtime.block_on(start());
    let call = Call::good().body("memo", &"c".repeat(2000)).signed();
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("form");
    std::fs::write(&form, encode(&call.body)).unwrap();
    let url = format!("http://{}{PATH}?{}", gateway.addr(), encode(&call.query));
    let out = std::process::Command::new("curl")
        .args(["-sS", "-v", "--max-time", "20"])
        .args(["-H", "Expect: 100-continue"])
        .args([
            "-H",
            "Content-Type: application/x-www-form-urlencoded;charset=UTF-8",
        ])
        .arg("--data-binary")
        .arg(format!("@{}", form.display()))
        .arg(url)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("< HTTP/1.1 100 Continue"), "{stderr}");
    let reply: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        reply["wdk_iot_wombat_common_gettoken_response"]["result"]["success"], true,
        "{reply}"
    );
    let recorded = only(&gateway);
    assert_eq!(recorded.verdict, Verdict::Ok);
    assert_eq!(recorded.header("expect"), Some("100-continue"));
    assert_eq!(recorded.body_param("memo").map(str::len), Some(2000));
}
