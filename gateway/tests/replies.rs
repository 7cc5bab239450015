//! The running gateway's answers, spoken to in raw HTTP/1.1 over a `TcpStream`: each reply
//! format, errors in the requested format, and the faults it injects (TOP errors, HTTP
//! statuses, and what goes over the wire).

mod support;

use std::io::Read as _;
use std::time::{Duration, Instant};

use support::{Call, METHOD, SECRET, SUCCESS, SUCCESS_XML, only, parse_answer, send_with, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use topgen_gateway::{Api, Fault, Format, Gateway, Reply, TopErrorReply};

#[tokio::test]
async fn every_format_gets_its_own_answer() {
    let gateway = start().await;
    // Wrapped JSON: the example verbatim.
    let json = Call::good().signed().send(gateway.addr()).await;
    assert_eq!(json.text(), SUCCESS);
    // Simplified: no wrapper, bare lists.
    let simplified = send_with(&gateway, "simplify", "true").await;
    assert_eq!(
        simplified.text(),
        r#"{"result":{"success":true,"tags":["a","b"]}}"#
    );
    assert_eq!(
        simplified.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    let not_simplified = send_with(&gateway, "simplify", "false").await;
    assert_eq!(not_simplified.text(), SUCCESS);
    // XML, derived from the JSON example (this API has no XML example).
    let xml = send_with(&gateway, "format", "xml").await;
    assert_eq!(xml.header("content-type"), Some("text/xml;charset=UTF-8"));
    assert_eq!(
        xml.text(),
        r#"<?xml version="1.0" encoding="utf-8" ?><wdk_iot_wombat_common_gettoken_response><result><success>true</success><tags list="true"><string>a</string><string>b</string></tags></result></wdk_iot_wombat_common_gettoken_response>"#
    );
    let formats: Vec<Format> = gateway.requests().iter().map(|r| r.reply_format).collect();
    assert_eq!(
        formats,
        [
            Format::Json,
            Format::SimplifiedJson,
            Format::Json,
            Format::Xml
        ]
    );
    assert!(gateway.requests().iter().all(|r| r.verdict.is_ok()));

    // An XML example is answered verbatim.
    gateway.api(
        Api::new(METHOD)
            .response_json(SUCCESS)
            .response_xml(SUCCESS_XML),
    );
    let xml = send_with(&gateway, "format", "xml").await;
    assert_eq!(xml.text(), SUCCESS_XML);

    // The error example, in each format.
    gateway.api(
        Api::new(METHOD)
            .error_json(r#"{"error_response":{"code":50,"msg":"m"}}"#)
            .error_xml("<error_response><code>50</code><msg>m</msg></error_response>")
            .reply(Reply::ErrorExample),
    );
    let json = Call::good().signed().send(gateway.addr()).await;
    assert_eq!(json.text(), r#"{"error_response":{"code":50,"msg":"m"}}"#);
    let simplified = send_with(&gateway, "simplify", "true").await;
    assert_eq!(
        simplified.text(),
        r#"{"error_response":{"code":50,"msg":"m"}}"#
    );
    let xml = send_with(&gateway, "format", "xml").await;
    assert_eq!(
        xml.text(),
        "<error_response><code>50</code><msg>m</msg></error_response>"
    );

    // An XML-only API cannot answer JSON: a loud 500, not a made-up reply.
    gateway.api(Api::new(METHOD).response_xml(SUCCESS_XML));
    let json = Call::good().signed().send(gateway.addr()).await;
    assert_eq!(json.status, 500);
    assert!(json.text().contains("no JSON example"), "{}", json.text());
}

#[tokio::test]
async fn errors_come_in_the_requested_format() {
    let gateway = start().await;
    let bad_sign = |c: Call| c.signed_with("wrong-secret");
    let xml = bad_sign(Call::good().set("format", "xml"))
        .send(gateway.addr())
        .await;
    assert_eq!(xml.status, 200);
    assert_eq!(xml.header("content-type"), Some("text/xml;charset=UTF-8"));
    let text = xml.text();
    assert!(text.starts_with(r#"<?xml version="1.0" encoding="utf-8" ?><error_response><code>25</code><msg>Invalid Signature</msg><sub_code>isv.invalid-signature</sub_code><sub_msg>"#), "{text}");
    assert!(
        text.ends_with("<request_id>gateway-1</request_id></error_response>"),
        "{text}"
    );
    let simplified = bad_sign(Call::good().set("simplify", "true"))
        .send(gateway.addr())
        .await;
    assert_eq!(simplified.json()["error_response"]["code"], 25);
    // No format at all: TOP answers XML, and refuses (clients must always send it).
    let none = Call::good()
        .remove("format")
        .signed()
        .send(gateway.addr())
        .await;
    assert!(
        none.text()
            .contains("<code>23</code><msg>Invalid Format</msg>"),
        "{}",
        none.text()
    );
    let formats: Vec<Format> = gateway.requests().iter().map(|r| r.reply_format).collect();
    assert_eq!(formats, [Format::Xml, Format::SimplifiedJson, Format::Xml]);
}

#[tokio::test]
async fn top_errors_replace_the_reply_of_accepted_requests_only() {
    let gateway = start().await;
    gateway.push_faults([
        Fault::top_error(
            TopErrorReply::new(7, "App Call Limited")
                .sub("accesscontrol.limited-by-app-access-count", "limited"),
        ),
        Fault::isp_error(),
        Fault::isv_error(),
    ]);
    assert_eq!(gateway.pending_faults(), 3);
    let limited = Call::good().signed().send(gateway.addr()).await.json();
    assert_eq!(limited["error_response"]["code"], 7);
    assert_eq!(limited["error_response"]["request_id"], "gateway-1");
    // A refused request takes the next fault, but gets its refusal.
    let refused = Call::good()
        .signed_with("wrong")
        .send(gateway.addr())
        .await
        .json();
    assert_eq!(refused["error_response"]["code"], 25);
    let isv = send_with(&gateway, "format", "xml").await.text();
    assert!(isv.contains("<code>15</code><msg>Remote service error</msg><sub_code>isv.invalid-parameter</sub_code>"), "{isv}");
    assert!(isv.contains("<request_id>gateway-3</request_id>"), "{isv}");
    // The queue is empty: normal answers again.
    assert_eq!(gateway.pending_faults(), 0);
    assert_eq!(
        Call::good().signed().send(gateway.addr()).await.text(),
        SUCCESS
    );
    let faults: Vec<Option<Fault>> = gateway.requests().into_iter().map(|r| r.fault).collect();
    assert_eq!(faults[1], Some(Fault::isp_error()));
    assert_eq!(faults[2], Some(Fault::isv_error()));
    assert_eq!(faults[3], None);
    let verdicts: Vec<Option<i64>> = gateway
        .requests()
        .iter()
        .map(|r| r.verdict.code())
        .collect();
    assert_eq!(verdicts, [None, Some(25), None, None]);

    // A default fault applies once the queue is empty; clearing removes it.
    gateway.push_fault(Fault::status(503));
    gateway.set_default_fault(Some(Fault::proxy_error_page(502)));
    let first = Call::good().signed().send(gateway.addr()).await;
    assert_eq!(
        (first.status, first.text().as_str()),
        (503, "503 Service Unavailable")
    );
    for _ in 0..2 {
        let page = Call::good().signed().send(gateway.addr()).await;
        assert_eq!(page.status, 502);
        assert_eq!(page.header("content-type"), Some("text/html"));
        assert!(
            page.text().contains("<title>502 Bad Gateway</title>"),
            "{}",
            page.text()
        );
    }
    gateway.clear_faults();
    assert_eq!(Call::good().signed().send(gateway.addr()).await.status, 200);
}

#[tokio::test]
async fn delivery_faults_change_what_goes_over_the_wire() {
    let gateway = start().await;
    let call = Call::good().signed();

    // Delay: nothing before it.
    gateway.push_fault(Fault::delay(Duration::from_millis(300)));
    let started = Instant::now();
    assert_eq!(call.send(gateway.addr()).await.text(), SUCCESS);
    assert!(started.elapsed() >= Duration::from_millis(300));

    // Drop mid-body: the full length announced, 10 bytes sent, then the connection closed.
    gateway.push_fault(Fault::drop_mid_body(10));
    let cut = call.send(gateway.addr()).await;
    assert_eq!(
        cut.header("content-length"),
        Some(SUCCESS.len().to_string().as_str())
    );
    assert_eq!(cut.body, SUCCESS.as_bytes()[..10]);

    // Truncate: a complete answer of 10 bytes.
    gateway.push_fault(Fault::truncate(10));
    let cut = call.send(gateway.addr()).await;
    assert_eq!(cut.header("content-length"), Some("10"));
    assert_eq!(cut.body, SUCCESS.as_bytes()[..10]);

    // Oversize: padded with spaces to the size, still the same JSON.
    gateway.push_fault(Fault::oversize(100_000));
    let big = call.send(gateway.addr()).await;
    assert_eq!(big.body.len(), 100_000);
    assert!(big.text().starts_with(SUCCESS));
    assert_eq!(
        big.json()["wdk_iot_wombat_common_gettoken_response"]["result"]["success"],
        true
    );

    // Chunked: no Content-Length.
    gateway.push_fault(Fault::oversize(50_000).and(Fault::chunked()));
    let chunked = call.send(gateway.addr()).await;
    assert_eq!(chunked.header("transfer-encoding"), Some("chunked"));
    assert_eq!(chunked.header("content-length"), None);
    assert_eq!(chunked.body.len(), 50_000);

    // Gzip: only when the request accepts it.
    gateway.push_faults([Fault::gzip(), Fault::gzip()]);
    let zipped = call
        .clone()
        .header("Accept-Encoding: gzip")
        .send(gateway.addr())
        .await;
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    let mut inflated = String::new();
    flate2::read::GzDecoder::new(&zipped.body[..])
        .read_to_string(&mut inflated)
        .unwrap();
    assert_eq!(inflated, SUCCESS);
    let plain = call.send(gateway.addr()).await;
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.text(), SUCCESS);
    let compressed: Vec<bool> = gateway.requests().iter().map(|r| r.compressed).collect();
    assert_eq!(compressed[compressed.len() - 2..], [true, false]);

    // Close: no answer at all, but the request is recorded.
    gateway.clear_requests();
    gateway.push_fault(Fault::close());
    let nothing = call.send(gateway.addr()).await;
    assert_eq!(nothing.wire_len, 0);
    assert_eq!(only(&gateway).fault, Some(Fault::Close));

    // Stall: the head and the first bytes arrive, then nothing for the pause.
    gateway.push_fault(Fault::stall_body(5, Duration::from_millis(800)));
    let mut stream = tokio::net::TcpStream::connect(gateway.addr())
        .await
        .unwrap();
    stream.write_all(&call.bytes(false)).await.unwrap();
    let mut first = Vec::new();
    let started = Instant::now();
    while !first.ends_with(&SUCCESS.as_bytes()[..5]) {
        let mut buf = [0u8; 1024];
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "closed early");
        first.extend_from_slice(&buf[..n]);
    }
    assert!(
        started.elapsed() < Duration::from_millis(600),
        "the first bytes came late"
    );
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(800));
    first.extend_from_slice(&rest);
    assert_eq!(parse_answer(&first).text(), SUCCESS);
}

#[tokio::test]
async fn the_builder_can_gzip_every_answer_and_queue_faults() {
    let gateway = Gateway::builder()
        .app("12345678", SECRET)
        .api(Api::new(METHOD).response_json(SUCCESS))
        .gzip(true)
        .fault(Fault::isp_error())
        .faults([Fault::status(500)])
        .default_fault(Fault::delay(Duration::from_millis(1)))
        .start()
        .await
        .unwrap();
    let call = Call::good()
        .signed()
        .header("Accept-Encoding: deflate, gzip");
    let first = call.send(gateway.addr()).await;
    assert_eq!(first.header("content-encoding"), Some("gzip"));
    let second = call.send(gateway.addr()).await;
    assert_eq!(second.status, 500);
    let third = call.send(gateway.addr()).await;
    assert_eq!(third.status, 200);
    let faults: Vec<Option<Fault>> = gateway.requests().into_iter().map(|r| r.fault).collect();
    assert_eq!(
        faults,
        [
            Some(Fault::isp_error()),
            Some(Fault::status(500)),
            Some(Fault::delay(Duration::from_millis(1)))
        ]
    );
}
