//! The client under faults, over real HTTP on 127.0.0.1 against the scripted responder
//! (`support`): timeouts and deadlines, the body limit, reply formats, and a custom in-memory
//! transport. Which replies are retried is `retries.rs`.

mod support;

use std::time::{Duration, Instant};

use support::*;
use topgen_runtime::transport::{
    BoxFuture, HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind,
};
use topgen_runtime::{CallOptions, Client, ClientBuilder, Error, Format, SignMethod, time};

const SECRET: &str = "faults-secret-Qw3";

fn builder(server: &Server) -> ClientBuilder {
    fast_client(server, SECRET)
}

#[tokio::test]
async fn a_per_call_timeout_fires_within_its_bound_and_is_not_retried() {
    let server = Server::start(vec![
        Step::json(200, SUCCESS).with_delay(Duration::from_secs(5)),
    ]);
    let client = builder(&server).build().expect("client");
    let started = Instant::now();
    let err = client
        .execute_with(&GetToken::default(), &CallOptions::new().timeout(MS(200)))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= MS(180) && elapsed < Duration::from_secs(2),
        "{elapsed:?}"
    );
    assert!(err.is_timeout(), "{err:?}");
    assert!(!err.is_retryable());
    assert_eq!(
        server.requests().len(),
        1,
        "a timeout after sending is not retried"
    );
}

#[tokio::test]
async fn the_timeout_bounds_reading_the_body() {
    // Headers and half the body at once, then nothing for 5 s.
    let length = format!("Content-Length: {}\r\n", SUCCESS.len());
    let half = &SUCCESS.as_bytes()[..SUCCESS.len() / 2];
    let server = Server::start(vec![Step::stalled(&length, half)]);
    let client = builder(&server).timeout(MS(300)).build().expect("client");
    let started = Instant::now();
    let err = client.execute(&GetToken::default()).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= MS(280) && elapsed < Duration::from_secs(2),
        "{elapsed:?}"
    );
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_deadline_bounds_the_whole_call() {
    // Each attempt is fast but fails; the backoff (150, 300, 600 ms) outlasts the deadline.
    let server = Server::start(vec![Step::json(200, &top_error(15, "isp.x"))]);
    let client = builder(&server)
        .retry(fast().with_base_delay(MS(150)).with_max_delay(MS(600)))
        .build()
        .expect("client");
    let started = Instant::now();
    let e = expect_top(
        client
            .execute_with(&GetToken::default(), &CallOptions::new().deadline(MS(400)))
            .await,
    );
    assert_eq!(e.code, 15);
    let elapsed = started.elapsed();
    assert!(
        elapsed < MS(400),
        "no retry starts that would end past it: {elapsed:?}"
    );
    // Attempt 1, wait 150 ms, attempt 2; waiting 300 ms more would pass the deadline.
    assert_eq!(server.requests().len(), 2);

    // The deadline also cuts an attempt short, below the (longer) timeout.
    let server = Server::start(vec![
        Step::json(200, SUCCESS).with_delay(Duration::from_secs(5)),
    ]);
    let client = builder(&server)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client
        .execute_with(&GetToken::default(), &CallOptions::new().deadline(MS(250)))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

const MIB: usize = 1 << 20;

fn big_success(size: usize) -> String {
    let pad = "p".repeat(size.saturating_sub(SUCCESS.len() + 16));
    format!(
        r#"{{"pad":"{pad}","wdk_iot_wombat_common_gettoken_response":{{"request_id":"rid-big"}}}}"#
    )
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let server = Server::start(vec![Step::json(200, &big_success(2 * MIB))]);
    let client = builder(&server).max_body_size(MIB).build().expect("client");
    let err = client.execute(&GetToken::default()).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit, status: 200 } if limit == MIB),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("larger than the limit of 1048576 bytes"),
        "{err}"
    );
    assert!(!err.is_retryable());
    assert_eq!(server.requests().len(), 1);

    // Just under the limit is fine.
    let server = Server::start(vec![Step::json(200, &big_success(MIB - 100))]);
    let client = builder(&server).max_body_size(MIB).build().expect("client");
    let reply = client
        .execute(&GetToken::default())
        .await
        .expect("under the limit");
    assert_eq!(reply.request_id.as_deref(), Some("rid-big"));
}

#[tokio::test]
async fn an_announced_length_over_the_limit_is_refused_without_reading() {
    // The Content-Length says 2 MiB; 10 bytes come, then nothing for 5 s.
    let length = format!("Content-Length: {}\r\n", 2 * MIB);
    let server = Server::start(vec![Step::stalled(&length, br#"{"a":"bcd"#)]);
    let client = builder(&server).max_body_size(MIB).build().expect("client");
    let started = Instant::now();
    let err = client.execute(&GetToken::default()).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { status: 200, .. }),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_chunked_body_without_a_length_is_cut_at_the_limit() {
    // No Content-Length: 2 MiB stream in, and the body never ends. Only counting while
    // reading stops it before the 3 s timeout.
    let chunk = vec![b'x'; 64 * 1024];
    let mut chunks = Vec::new();
    for _ in 0..32 {
        chunks.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunks.extend_from_slice(&chunk);
        chunks.extend_from_slice(b"\r\n");
    }
    let server = Server::start(vec![Step::stalled(
        "Transfer-Encoding: chunked\r\n",
        &chunks,
    )]);
    let client = builder(&server)
        .max_body_size(MIB)
        .timeout(Duration::from_secs(3))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client.execute(&GetToken::default()).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { status: 200, .. }),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn gzip_replies_count_after_inflation() {
    // 2 MiB that compress to a few KiB: the compressed size is under the limit, the
    // inflated one over it. The stream is sent without its last bytes and never ends, so
    // only counting the inflated bytes while reading stops it before the 3 s timeout.
    let compressed = gzip(big_success(2 * MIB).as_bytes());
    assert!(compressed.len() < 64 * 1024, "{}", compressed.len());
    let headers = format!(
        "Content-Encoding: gzip\r\nContent-Length: {}\r\n",
        compressed.len()
    );
    let cut = &compressed[..compressed.len() - 16];
    let server = Server::start(vec![Step::stalled(&headers, cut)]);
    let client = builder(&server)
        .max_body_size(MIB)
        .timeout(Duration::from_secs(3))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client.execute(&GetToken::default()).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { status: 200, .. }),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    // Inflated under the limit: decoded.
    let server = Server::start(vec![Step::json(200, &big_success(MIB / 2)).gzipped()]);
    let client = builder(&server).max_body_size(MIB).build().expect("client");
    let reply = client
        .execute(&GetToken::default())
        .await
        .expect("under the limit");
    assert_eq!(reply.request_id.as_deref(), Some("rid-big"));
    assert!(
        server.requests()[0]
            .header("accept-encoding")
            .is_some_and(|v| v.contains("gzip"))
    );
}

const SUCCESS_XML: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?><wdk_iot_wombat_common_gettoken_response><result><success>true</success><data><bucket_name>b-xml</bucket_name></data></result><request_id>rid-xml</request_id></wdk_iot_wombat_common_gettoken_response>";

const SUCCESS_SIMPLIFIED: &str =
    r#"{"result":{"success":true,"data":{"bucket_name":"b-simple"}},"request_id":"rid-simple"}"#;

#[tokio::test]
async fn the_format_is_sent_and_decoded_per_client_and_per_call() {
    let server = Server::start(vec![Step::json(200, SUCCESS_XML)]);
    let client = builder(&server)
        .format(Format::Xml)
        .build()
        .expect("client");
    let reply = client
        .execute(&GetToken::default())
        .await
        .expect("XML success");
    let bucket = reply
        .result
        .and_then(|r| r.data)
        .and_then(|d| d.bucket_name);
    assert_eq!(bucket.as_deref(), Some("b-xml"));
    assert_eq!(reply.request_id.as_deref(), Some("rid-xml"));
    let r = &server.requests()[0];
    assert_eq!(r.param("format").as_deref(), Some("xml"));
    assert_eq!(r.param("simplify"), None);
    r.assert_signed(SECRET, SignMethod::HmacSha256);

    // The call's format wins over the client's.
    let server = Server::start(vec![Step::json(200, SUCCESS_SIMPLIFIED)]);
    let client = builder(&server)
        .format(Format::Xml)
        .build()
        .expect("client");
    let reply = client
        .execute_with(
            &GetToken::default(),
            &CallOptions::new().format(Format::SimplifiedJson),
        )
        .await
        .expect("simplified success");
    assert_eq!(reply.request_id.as_deref(), Some("rid-simple"));
    let r = &server.requests()[0];
    assert_eq!(r.param("format").as_deref(), Some("json"));
    assert_eq!(r.param("simplify").as_deref(), Some("true"));
    r.assert_signed(SECRET, SignMethod::HmacSha256);

    // An XML error is a TOP error, and retried like a JSON one.
    let error_xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><error_response><code>15</code><msg>Remote service error</msg><sub_code>isp.unknown-error</sub_code></error_response>";
    let server = Server::start(vec![
        Step::json(200, error_xml),
        Step::json(200, SUCCESS_XML),
    ]);
    let client = builder(&server)
        .format(Format::Xml)
        .build()
        .expect("client");
    client
        .execute(&GetToken::default())
        .await
        .expect("success on attempt 2");
    assert_eq!(server.requests().len(), 2);
}

// ---------------------------------------------------------------------------------------
// A custom transport

#[tokio::test]
async fn a_custom_transport_is_used_end_to_end() {
    let isp = top_error(15, "isp.remote-service-error");
    let transport = InMemory::new(vec![
        Ok(HttpResponse::new(200, isp)),
        Ok(HttpResponse::new(200, SUCCESS)),
    ]);
    let client = Client::builder(APP_KEY, SECRET)
        .endpoint("https://top.invalid/router/rest")
        .retry(fast())
        .timeout(Duration::from_secs(7))
        .connect_timeout(Duration::from_secs(3))
        .max_body_size(12345)
        .transport(transport.clone())
        .build()
        .expect("client");
    let reply = client
        .execute_with(
            &GetToken::default(),
            &CallOptions::new().session("in-memory-session"),
        )
        .await
        .expect("success on attempt 2");
    assert_eq!(reply.request_id.as_deref(), Some("rid-ok"));
    let seen = transport.seen();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        let (base, query) = request.url.split_once('?').expect("a query");
        assert_eq!(base, "https://top.invalid/router/rest");
        let params = decode_form(query.as_bytes());
        assert!(params.contains(&("session".to_owned(), "in-memory-session".to_owned())));
        assert_eq!(
            request.content_type,
            "application/x-www-form-urlencoded;charset=UTF-8"
        );
        assert_eq!(request.body, b"merchant_code=HM&robot_sn=xxxxx");
        assert_eq!(request.timeout, Duration::from_secs(7));
        assert_eq!(request.connect_timeout, Duration::from_secs(3));
        assert_eq!(request.max_body_size, 12345);
        assert_eq!(
            request.headers,
            [("Accept".to_owned(), "text/xml,text/javascript".to_owned())]
        );
    }
    // The retry waited on the transport's own timer.
    assert_eq!(transport.sleeps(), [MS(20)]);
}

#[tokio::test]
async fn custom_transport_errors_are_classified_and_scrubbed() {
    let session = "scrub-me-session-77";
    for (kind, attempts) in [
        (TransportErrorKind::Connect, 4),
        (TransportErrorKind::ConnectTimeout, 4),
        (TransportErrorKind::Timeout, 1),
        (TransportErrorKind::Other, 1),
        (TransportErrorKind::InvalidRequest, 1),
    ] {
        let transport = InMemory::new(vec![Err(kind)]);
        let client = Client::builder(APP_KEY, SECRET)
            .retry(fast())
            .transport(transport.clone())
            .build()
            .expect("client");
        let err = client
            .execute_with(&GetToken::default(), &CallOptions::new().session(session))
            .await
            .unwrap_err();
        assert_eq!(transport.seen().len(), attempts, "{kind:?}");
        let Error::Transport { source } = &err else {
            panic!("expected a transport error: {err:?}");
        };
        assert_eq!(source.kind(), kind);
        let shown = format!("{err} {err:?}");
        let url = &transport.seen()[0].url;
        let sign = decode_form(url.split_once('?').expect("query").1.as_bytes())
            .into_iter()
            .find(|(k, _)| k == "sign")
            .expect("sign")
            .1;
        for leak in [session, sign.as_str(), url.as_str(), "sign="] {
            assert!(!shown.contains(leak), "{kind:?} leaks {leak}: {shown}");
        }
        assert!(shown.contains("failed to post ***"), "{shown}");
    }
}

#[tokio::test]
async fn the_client_bounds_a_transport_that_ignores_timeout_and_limit() {
    /// Never answers.
    struct Stuck;
    impl Transport for Stuck {
        fn send<'a>(
            &'a self,
            _request: HttpRequest,
        ) -> BoxFuture<'a, Result<HttpResponse, TransportError>> {
            Box::pin(std::future::pending())
        }
    }
    let client = Client::builder(APP_KEY, SECRET)
        .transport(Stuck)
        .timeout(MS(200))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client.execute(&GetToken::default()).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    // A transport that hands back more than the limit: refused all the same.
    let transport = InMemory::new(vec![Ok(HttpResponse::new(200, big_success(4096)))]);
    let client = Client::builder(APP_KEY, SECRET)
        .transport(transport)
        .max_body_size(1024)
        .build()
        .expect("client");
    let err = client.execute(&GetToken::default()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::BodyTooLarge {
                limit: 1024,
                status: 200
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn multipart_bodies_reach_a_custom_transport_as_bytes() {
    struct WithFile;
    impl topgen_runtime::Request for WithFile {
        type Response = TokenResponse;
        const METHOD: &'static str = "taobao.wdk.iot.wombat.common.gettoken";
        const RESPONSE_KEY: &'static str = "wdk_iot_wombat_common_gettoken_response";
        const REQUIRES_SESSION: bool = false;
        fn encode(
            &self,
            params: &mut topgen_runtime::Params,
        ) -> Result<(), topgen_runtime::ParamError> {
            params.push("robot_sn", "xxxxx");
            params.push_file(
                "image",
                &topgen_runtime::FileItem::new("a.png", "image/png", b"PNGDATA".to_vec()),
            );
            Ok(())
        }
    }
    let transport = InMemory::new(vec![Ok(HttpResponse::new(200, SUCCESS))]);
    let client = Client::builder(APP_KEY, "helloworld")
        .sign_method(SignMethod::Md5)
        .format(Format::SimplifiedJson)
        .partner_id("top-sdk-java-dynamicVersionNo")
        .clock(|| time::parse("2026-11-28 12:00:00").expect("date"))
        .transport(transport.clone())
        .build()
        .expect("client");
    client.execute(&WithFile).await.expect("success");
    let request = &transport.seen()[0];
    let boundary = request
        .content_type
        .strip_prefix("multipart/form-data;charset=UTF-8;boundary=")
        .expect("multipart");
    // The official Java SDK's capture (sign_vectors.json), but for the boundary.
    let body = String::from_utf8(request.body.clone()).expect("UTF-8");
    assert_eq!(
        body.replace(boundary, "788495831173"),
        "\r\n--788495831173\r\nContent-Disposition:form-data;name=\"robot_sn\"\r\nContent-Type:text/plain\r\n\r\nxxxxx\r\n--788495831173\r\nContent-Disposition:form-data;name=\"image\";filename=\"a.png\"\r\nContent-Type:image/png\r\n\r\nPNGDATA\r\n--788495831173--\r\n"
    );
    // And the same sign as the Java SDK sent with it.
    let query = decode_form(request.url.split_once('?').expect("query").1.as_bytes());
    assert!(query.contains(&(
        "sign".to_owned(),
        "CC35FE40B62DF1B2D295F4763DEC6641".to_owned()
    )));
}
