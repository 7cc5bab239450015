//! The client over real HTTP, against the scripted responder on 127.0.0.1 (`support`), which
//! records each request and answers a canned reply.

mod support;

use std::time::{Duration, Instant};

use support::{APP_KEY, GetToken, InMemory, Server, Step, TradeGet, closed_port};
use topgen_runtime::{
    CallOptions, Client, ClientBuilder, Error, FileItem, HttpResponse, Secret, SignMethod, time,
};

const APP_SECRET: &str = "app-secret-7Yq9wZ";
const SESSION: &str = "session-tok-3Xk8vB";

fn builder(server: &Server) -> ClientBuilder {
    Client::builder(APP_KEY, APP_SECRET).endpoint(&server.endpoint)
}

const OSS_SUCCESS: &str = r#"{"wdk_iot_wombat_common_gettoken_response":{"result":{"success":"true","data":{"access_key_secret":"AKS-reply-secret","expiration_time":"2021-08-04 00:00:00"}},"request_id":"rid-1"}}"#;

/// Every text a user could log: Debug and Display.
fn assert_no_secrets(what: &str, text: &str) {
    for secret in [APP_SECRET, SESSION, "AKS-reply-secret"] {
        assert!(!text.contains(secret), "{what} leaks {secret}: {text}");
    }
}

fn assert_error_has_no_secrets(e: &Error) {
    assert_no_secrets("error Debug", &format!("{e:?}"));
    assert_no_secrets("error Display", &e.to_string());
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        assert_no_secrets("error source", &format!("{s} {s:?}"));
        source = s.source();
    }
}

// ---------------------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn success_is_signed_sent_and_decoded() {
    let server = Server::start(vec![Step::json(200, OSS_SUCCESS)]);
    let client = builder(&server).build().expect("client");
    let before = time::now();
    let reply = client
        .execute_with(
            &GetToken::new("机器人 A&B"),
            &CallOptions::new().session(SESSION),
        )
        .await
        .expect("success");
    let result = reply.result.expect("result");
    assert_eq!(result.success, Some(true));
    let data = result.data.expect("data");
    assert_eq!(
        data.access_key_secret.as_ref().map(Secret::expose_secret),
        Some("AKS-reply-secret")
    );
    assert_eq!(
        data.expiration_time,
        Some(time::parse("2021-08-04 00:00:00").expect("date"))
    );
    assert_eq!(reply.request_id.as_deref(), Some("rid-1"));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert!(r.target.starts_with("/router/rest?method=taobao.wdk.iot.wombat.common.gettoken&app_key=12345678&sign_method=hmac-sha256&timestamp="), "{}", r.target);
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded;charset=UTF-8")
    );
    assert_eq!(
        r.header("user-agent"),
        Some(concat!("topgen/", env!("CARGO_PKG_VERSION")))
    );
    assert!(
        r.header("accept-encoding")
            .is_some_and(|v| v.contains("gzip"))
    );
    assert_eq!(
        String::from_utf8_lossy(&r.body),
        "merchant_code=HM&robot_sn=%E6%9C%BA%E5%99%A8%E4%BA%BA+A%26B"
    );
    let query = r.query();
    let names: Vec<&str> = query.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "method",
            "app_key",
            "sign_method",
            "timestamp",
            "v",
            "format",
            "session",
            "sign"
        ]
    );
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("session"), Some(SESSION));
    assert_eq!(get("v"), Some("2.0"));
    assert_eq!(get("format"), Some("json"));
    // The timestamp is the current GMT+8 wall time.
    let sent = time::parse(get("timestamp").expect("timestamp")).expect("GMT+8 timestamp");
    assert!(
        (sent - before).num_seconds().abs() <= 5,
        "{sent} vs {before}"
    );
    r.assert_signed(APP_SECRET, SignMethod::HmacSha256);
}

#[tokio::test]
async fn every_sign_method_is_accepted_by_a_verifying_server() {
    for method in SignMethod::ALL {
        let server = Server::start(vec![Step::json(200, OSS_SUCCESS)]);
        let client = builder(&server)
            .sign_method(method)
            .build()
            .expect("client");
        client
            .execute(&GetToken::new("xxxxx"))
            .await
            .expect("success");
        let r = &server.requests()[0];
        assert!(
            r.query()
                .contains(&("sign_method".to_owned(), method.as_str().to_owned()))
        );
        r.assert_signed(APP_SECRET, method);
    }
}

#[tokio::test]
async fn files_are_sent_as_multipart_and_not_signed() {
    let server = Server::start(vec![Step::json(200, OSS_SUCCESS)]);
    let client = builder(&server).build().expect("client");
    let mut request = GetToken::new("xxxxx");
    request.image = Some(FileItem::new("a.png", "image/png", b"PNGDATA".to_vec()));
    client.execute(&request).await.expect("success");
    let r = &server.requests()[0];
    // The official Java SDK's layout (sign_vectors.json's multipart capture), byte for byte
    // but for the random boundary.
    let content_type = r.header("content-type").expect("content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data;charset=UTF-8;boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    let body = String::from_utf8_lossy(&r.body).replace(boundary, "B");
    assert_eq!(
        body,
        "\r\n--B\r\nContent-Disposition:form-data;name=\"merchant_code\"\r\nContent-Type:text/plain\r\n\r\nHM\
         \r\n--B\r\nContent-Disposition:form-data;name=\"robot_sn\"\r\nContent-Type:text/plain\r\n\r\nxxxxx\
         \r\n--B\r\nContent-Disposition:form-data;name=\"image\";filename=\"a.png\"\r\nContent-Type:image/png\r\n\r\nPNGDATA\
         \r\n--B--\r\n"
    );
    let text = [
        ("merchant_code".to_owned(), "HM".to_owned()),
        ("robot_sn".to_owned(), "xxxxx".to_owned()),
    ];
    r.assert_signed_with(APP_SECRET, SignMethod::HmacSha256, &text);
}

#[tokio::test]
async fn gzip_replies_are_inflated() {
    let server = Server::start(vec![Step::json(200, OSS_SUCCESS).gzipped()]);
    let client = builder(&server).build().expect("client");
    let reply = client
        .execute(&GetToken::new("xxxxx"))
        .await
        .expect("success");
    assert_eq!(reply.request_id.as_deref(), Some("rid-1"));
}

#[tokio::test]
async fn error_response_is_a_top_error() {
    let body = r#"{"error_response":{"code":"15","msg":"Remote service error","sub_code":"isp.unknown-error","request_id":"rid-2"}}"#;
    let server = Server::start(vec![Step::json(200, body)]);
    let client = builder(&server).build().expect("client");
    let err = client.execute(&GetToken::new("xxxxx")).await.unwrap_err();
    let top = err.top().expect("a TOP error");
    assert_eq!(top.code, 15);
    assert_eq!(top.sub_code.as_deref(), Some("isp.unknown-error"));
    assert_eq!(top.sub_msg, None);
    assert!(err.is_retryable());
    assert!(!err.is_timeout());
    assert_error_has_no_secrets(&err);
}

#[tokio::test]
async fn non_2xx_statuses() {
    // A TOP error body with an error status is still TOP's error.
    let body =
        r#"{"error_response":{"code":27,"msg":"Invalid session","sub_code":"invalid-sessionkey"}}"#;
    let server = Server::start(vec![Step::json(403, body)]);
    let client = builder(&server).build().expect("client");
    let err = client
        .execute_with(&TradeGet, &CallOptions::new().session(SESSION))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Top(e) if e.code == 27), "{err:?}");
    assert!(!err.is_retryable());
    assert_error_has_no_secrets(&err);

    // Anything else is a status error with a short, redacted prefix: this gateway page
    // echoes the request line, session and all.
    let page = format!(
        "<html><body>502 Bad Gateway: POST /router/rest?method=taobao.trade.fullinfo.get&session={SESSION}&app_secret={APP_SECRET}</body></html>"
    );
    let server = Server::start(vec![Step::new(502, "text/html", page)]);
    let client = builder(&server).build().expect("client");
    let err = client
        .execute_with(&TradeGet, &CallOptions::new().session(SESSION))
        .await
        .unwrap_err();
    let Error::Status {
        status,
        body_prefix,
    } = &err
    else {
        panic!("expected a status error: {err:?}");
    };
    assert_eq!(*status, 502);
    assert!(
        body_prefix.starts_with("<html><body>502 Bad Gateway"),
        "{body_prefix}"
    );
    assert!(body_prefix.contains("session=***"), "{body_prefix}");
    // A 5xx without a TOP error body is retried: the default policy's 4 attempts.
    assert!(err.is_retryable());
    assert_eq!(server.requests().len(), 4);
    assert_error_has_no_secrets(&err);
}

#[tokio::test]
async fn undecodable_replies_are_decode_errors() {
    for body in ["", "<xml>not json</xml>", r#"{"other_response":{}}"#] {
        let server = Server::start(vec![Step::json(200, body)]);
        let client = builder(&server).build().expect("client");
        let err = client.execute(&GetToken::new("xxxxx")).await.unwrap_err();
        let Error::Decode {
            status,
            body_prefix,
            ..
        } = &err
        else {
            panic!("expected a decode error: {err:?}");
        };
        assert_eq!((*status, body_prefix.as_str()), (200, body));
        assert_error_has_no_secrets(&err);
    }
    // A reply with a secret in it that does not decode: the secret is redacted.
    let body = r#"{"wdk_iot_wombat_common_gettoken_response":{"result":{"success":"maybe","data":{"access_key_secret":"AKS-reply-secret"}}}}"#;
    let server = Server::start(vec![Step::json(200, body)]);
    let client = builder(&server).build().expect("client");
    let err = client.execute(&GetToken::new("xxxxx")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode { message, .. } if message.contains("expected a boolean")),
        "{err:?}"
    );
    assert_error_has_no_secrets(&err);
}

#[tokio::test]
async fn missing_session_and_bad_params_send_nothing() {
    let server = Server::start(vec![Step::json(200, OSS_SUCCESS)]);
    let client = builder(&server).build().expect("client");
    let err = client.execute(&TradeGet).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::MissingSession {
                method: "taobao.trade.fullinfo.get"
            }
        ),
        "{err:?}"
    );
    assert_error_has_no_secrets(&err);
    // A blank session is no session.
    let err = client
        .execute_with(&TradeGet, &CallOptions::new().session("  "))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MissingSession { .. }), "{err:?}");

    let err = client
        .execute(&GetToken::new(&"x".repeat(65)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Param(p) if p.param == "robot_sn" && p.code() == 41),
        "{err:?}"
    );
    let err = client.execute(&GetToken::new(" ")).await.unwrap_err();
    assert!(matches!(&err, Error::Param(p) if p.code() == 40), "{err:?}");

    assert_eq!(server.connections(), 0);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn per_call_timeout_fires() {
    let server = Server::start(vec![
        Step::json(200, OSS_SUCCESS).with_delay(Duration::from_secs(10)),
    ]);
    let client = builder(&server).build().expect("client");
    let started = Instant::now();
    let err = client
        .execute_with(
            &TradeGet,
            &CallOptions::new()
                .session(SESSION)
                .timeout(Duration::from_millis(200)),
        )
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");
    assert!(err.is_timeout(), "{err:?}");
    assert!(!err.is_retryable(), "the call may have taken effect");
    assert!(err.to_string().contains("timed out"), "{err}");
    assert!(std::error::Error::source(&err).is_some());
    // The URL (whose query has the session and sign) was stripped.
    assert!(!format!("{err:?}").contains("router/rest"), "{err:?}");
    assert_error_has_no_secrets(&err);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn client_timeout_applies_without_call_options() {
    let server = Server::start(vec![
        Step::json(200, OSS_SUCCESS).with_delay(Duration::from_secs(10)),
    ]);
    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client.execute(&GetToken::new("xxxxx")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn connection_refused_is_a_retryable_transport_error() {
    let port = closed_port();
    let client = Client::builder(APP_KEY, APP_SECRET)
        .endpoint(format!("http://127.0.0.1:{port}/router/rest"))
        .build()
        .expect("client");
    let err = client
        .execute_with(&TradeGet, &CallOptions::new().session(SESSION))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable(), "{err:?}");
    assert!(!err.is_timeout());
    assert!(err.to_string().contains("could not connect"), "{err}");
    assert!(!format!("{err:?}").contains("router/rest"), "{err:?}");
    assert_error_has_no_secrets(&err);
}

#[tokio::test]
async fn a_custom_http_client_is_used() {
    let server = Server::start(vec![Step::json(200, OSS_SUCCESS)]);
    topgen_runtime::client::install_crypto_provider();
    let http = topgen_runtime::reqwest::Client::builder()
        .user_agent("my-app/1")
        .build()
        .expect("reqwest client");
    let client = builder(&server)
        .partner_id("partner-1")
        .target_app_key("87654321")
        .http_client(http)
        .build()
        .expect("client");
    client
        .execute(&GetToken::new("xxxxx"))
        .await
        .expect("success");
    let r = &server.requests()[0];
    assert_eq!(r.header("user-agent"), Some("my-app/1"));
    let query = r.query();
    assert!(query.contains(&("partner_id".to_owned(), "partner-1".to_owned())));
    assert!(query.contains(&("target_app_key".to_owned(), "87654321".to_owned())));
    r.assert_signed(APP_SECRET, SignMethod::HmacSha256);
}

#[test]
fn configuration_is_never_printed_with_secrets() {
    let builder = Client::builder(APP_KEY, APP_SECRET)
        .endpoint("http://127.0.0.1:9/router/rest")
        .sign_method(SignMethod::Md5)
        .connect_timeout(Duration::from_secs(1))
        .timeout(Duration::from_secs(2))
        .partner_id("p");
    assert_no_secrets("builder Debug", &format!("{builder:?}"));
    let client = builder.build().expect("client");
    assert_no_secrets("client Debug", &format!("{client:?}"));
    let options = CallOptions::new()
        .session(SESSION)
        .timeout(Duration::from_secs(1));
    assert_no_secrets("options Debug", &format!("{options:?}"));
    let prepared = client
        .prepare(&TradeGet, &options, &time::now())
        .expect("prepared");
    assert_no_secrets("prepared Debug", &format!("{prepared:?}"));
    // The session is in the query itself, of course: it is sent and signed.
    assert_eq!(prepared.query_param("session"), Some(SESSION));
    let err = Client::builder(APP_KEY, APP_SECRET)
        .endpoint(format!("https://user:{APP_SECRET}@/router/rest"))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_error_has_no_secrets(&err);
}

#[test]
fn clients_and_futures_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>(_: &T) {}
    send_sync::<Client>();
    send_sync::<CallOptions>();
    send_sync::<Error>();
    send_sync::<topgen_runtime::PreparedRequest>();
    let client = Client::builder(APP_KEY, APP_SECRET)
        .build()
        .expect("client");
    let request = GetToken::new("xxxxx");
    // Not polled: only its type matters (a spawned task needs a `Send` future).
    let future = client.execute(&request);
    send(&future);
}

// ---------------------------------------------------------------------------------------
// What an attempt sends is what `Client::prepare` gives at the same time.

#[tokio::test]
async fn an_attempt_sends_what_prepare_gives() {
    use topgen_runtime::Body;
    use topgen_runtime::Format;
    let at = time::parse("2026-11-28 12:00:00").expect("date");
    for method in SignMethod::ALL {
        for format in Format::ALL {
            for session in [None, Some(SESSION), Some("  ")] {
                let capture = InMemory::new(vec![Ok(HttpResponse::new(200, OSS_SUCCESS))]);
                let mut builder = Client::builder(APP_KEY, APP_SECRET)
                    .endpoint("https://gw.example.test:8443/router/rest")
                    .sign_method(method)
                    .format(format)
                    .clock(move || at)
                    .transport(capture.clone());
                if session.is_some() {
                    builder = builder.partner_id("p 1").target_app_key("t&2");
                }
                let client = builder.build().expect("client");
                let mut options = CallOptions::new();
                if let Some(session) = session {
                    options = options.session(session);
                }
                let request = GetToken::new("机器人 A&B=1+2");
                client
                    .execute_with(&request, &options)
                    .await
                    .expect("the canned reply decodes");
                let prepared = client.prepare(&request, &options, &at).expect("prepared");
                let sent = capture.seen().pop().expect("one request");
                assert_eq!(
                    sent.url,
                    format!(
                        "https://gw.example.test:8443/router/rest?{}",
                        prepared.query_string()
                    ),
                    "{method} {format} {session:?}"
                );
                let Body::Form(form) = &prepared.body else {
                    panic!("a form body");
                };
                assert_eq!(sent.body, form.as_bytes());
                assert_eq!(
                    sent.content_type,
                    "application/x-www-form-urlencoded;charset=UTF-8"
                );
            }
        }
    }
}
