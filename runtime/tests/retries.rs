//! Retries over real HTTP on 127.0.0.1 against the scripted responder (`support`): which
//! replies are retried and how often, fresh timestamps and signatures per attempt, the
//! backoff and the rate-limit delay between attempts, and retries turned off.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use support::*;
use topgen_runtime::transport::{
    BoxFuture, HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportError,
    TransportErrorKind,
};
use topgen_runtime::{CallOptions, Client, ClientBuilder, Error, RetryPolicy, SignMethod, time};

const SECRET: &str = "retries-secret-Rt5";

fn builder(server: &Server) -> ClientBuilder {
    fast_client(server, SECRET)
}

/// A clock one second further on at each reading, from 2026-11-28 12:00:00 GMT+8, so each
/// attempt's timestamp (whole seconds) differs.
fn stepping_clock() -> impl Fn() -> topgen_runtime::DateTime + Send + Sync + 'static {
    let start = time::parse("2026-11-28 12:00:00").expect("date");
    let tick = AtomicI64::new(0);
    move || start + chrono::Duration::seconds(tick.fetch_add(1, Ordering::SeqCst))
}

#[tokio::test]
async fn an_isp_error_that_clears_is_retried_with_fresh_timestamps_and_signs() {
    let isp = top_error(15, "isp.remote-service-error");
    let server = Server::start(vec![
        Step::json(200, &isp),
        Step::json(200, &isp),
        Step::json(200, SUCCESS),
    ]);
    let client = builder(&server)
        .clock(stepping_clock())
        .build()
        .expect("client");
    let reply = client
        .execute(&GetToken::default())
        .await
        .expect("success on attempt 3");
    assert_eq!(reply.request_id.as_deref(), Some("rid-ok"));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let timestamps: Vec<String> = requests
        .iter()
        .map(|r| r.param("timestamp").expect("timestamp"))
        .collect();
    assert_eq!(
        timestamps,
        [
            "2026-11-28 12:00:00",
            "2026-11-28 12:00:01",
            "2026-11-28 12:00:02"
        ]
    );
    let signs: Vec<String> = requests
        .iter()
        .map(|r| r.assert_signed(SECRET, SignMethod::HmacSha256))
        .collect();
    assert!(
        signs[0] != signs[1] && signs[1] != signs[2] && signs[0] != signs[2],
        "{signs:?}"
    );
    // The backoff separated the attempts: 20 ms, then 40 ms.
    assert!(requests[1].at - requests[0].at >= MS(20));
    assert!(requests[2].at - requests[1].at >= MS(40));
}

#[tokio::test]
async fn retries_with_the_real_clock_send_well_formed_current_timestamps() {
    let isp = top_error(50, "isp.unknown-error");
    let server = Server::start(vec![Step::json(200, &isp), Step::json(200, SUCCESS)]);
    let client = builder(&server).build().expect("client");
    let before = time::now();
    client
        .execute(&GetToken::default())
        .await
        .expect("success on attempt 2");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        let sent = time::parse(&r.param("timestamp").expect("timestamp")).expect("GMT+8");
        assert!((sent - before).num_seconds().abs() <= 5, "{sent}");
        r.assert_signed(SECRET, SignMethod::HmacSha256);
    }
}

#[tokio::test]
async fn an_isp_error_that_persists_is_tried_max_attempts_times() {
    let server = Server::start(vec![Step::json(
        200,
        &top_error(15, "isp.remote-service-error"),
    )]);
    let client = builder(&server).build().expect("client");
    let e = expect_top(client.execute(&GetToken::default()).await);
    assert_eq!(e.sub_code.as_deref(), Some("isp.remote-service-error"));
    assert_eq!(server.requests().len(), 4);

    let server = Server::start(vec![Step::json(200, &top_error(10, "isp.x"))]);
    let client = builder(&server)
        .retry(fast().with_max_attempts(2))
        .build()
        .expect("client");
    expect_top(client.execute(&GetToken::default()).await);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn isv_errors_are_tried_exactly_once() {
    for (code, sub) in [
        (50, "isv.invalid-parameter"),
        (10, "isv.something"),
        (27, "invalid-sessionkey"),
    ] {
        let server = Server::start(vec![
            Step::json(200, &top_error(code, sub)),
            Step::json(200, SUCCESS),
        ]);
        let client = builder(&server).build().expect("client");
        let e = expect_top(client.execute(&GetToken::default()).await);
        assert_eq!(e.code, code);
        assert_eq!(server.requests().len(), 1, "{code} {sub}");
    }
    // A TOP error body with a 5xx status is TOP's error: not retried when it is `isv.*`.
    let server = Server::start(vec![Step::json(503, &top_error(50, "isv.x"))]);
    let client = builder(&server).build().expect("client");
    expect_top(client.execute(&GetToken::default()).await);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn call_limits_are_retried_only_after_the_ban() {
    // The ban the sub_msg states (1 s) wins over the policy's delay (300 ms).
    let limited = r#"{"error_response":{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count","sub_msg":"This ban will last for 1 more seconds"}}"#;
    let server = Server::start(vec![Step::json(200, limited), Step::json(200, SUCCESS)]);
    let client = builder(&server)
        .retry(fast().with_rate_limit_delay(MS(300)))
        .build()
        .expect("client");
    let started = Instant::now();
    client
        .execute(&GetToken::default())
        .await
        .expect("success after the ban");
    assert!(started.elapsed() >= MS(1_000), "{:?}", started.elapsed());
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let gap = requests[1].at - requests[0].at;
    assert!(gap >= MS(1_000), "{gap:?}");

    // Without a stated ban, the policy's delay.
    let server = Server::start(vec![
        Step::json(200, &top_error(7, "accesscontrol.x")),
        Step::json(200, SUCCESS),
    ]);
    let client = builder(&server)
        .retry(fast().with_rate_limit_delay(MS(300)))
        .build()
        .expect("client");
    client
        .execute(&GetToken::default())
        .await
        .expect("success after the delay");
    let requests = server.requests();
    assert!(requests[1].at - requests[0].at >= MS(300));

    // Code 8 likewise; with retries off, once, as a CallLimited saying when to retry.
    let server = Server::start(vec![Step::json(200, &top_error(8, "accesscontrol.x"))]);
    let client = builder(&server).build().expect("client");
    let e = client
        .execute_with(
            &GetToken::default(),
            &CallOptions::new().retry(RetryPolicy::none()),
        )
        .await
        .expect_err("limited");
    let Error::CallLimited(limited) = &e else {
        panic!("expected CallLimited, got {e:?}");
    };
    assert_eq!(limited.top().map(|t| t.code), Some(8));
    assert_eq!(
        limited.wait(),
        Duration::from_secs(1),
        "the policy's default delay"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn http_5xx_without_a_top_body_is_retried_and_4xx_is_not() {
    let page = Step::new(503, "text/html", "<html>Service Unavailable</html>");
    let server = Server::start(vec![page, Step::json(200, SUCCESS)]);
    let client = builder(&server).build().expect("client");
    client
        .execute(&GetToken::default())
        .await
        .expect("success on attempt 2");
    assert_eq!(server.requests().len(), 2);

    let server = Server::start(vec![Step::json(502, "bad gateway")]);
    let client = builder(&server).build().expect("client");
    let err = client.execute(&GetToken::default()).await.unwrap_err();
    assert!(matches!(err, Error::Status { status: 502, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 4);

    let server = Server::start(vec![Step::json(404, "not found")]);
    let client = builder(&server).build().expect("client");
    let err = client.execute(&GetToken::default()).await.unwrap_err();
    assert!(matches!(err, Error::Status { status: 404, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn replies_that_do_not_decode_are_not_retried() {
    let server = Server::start(vec![
        Step::json(200, r#"{"unexpected":1}"#),
        Step::json(200, SUCCESS),
    ]);
    let client = builder(&server).build().expect("client");
    let err = client.execute(&GetToken::default()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_connection_closed_after_sending_is_not_retried() {
    // The server read the request, then hung up: it may have acted on it.
    let server = Server::start(vec![Step::Close, Step::json(200, SUCCESS)]);
    let client = builder(&server).build().expect("client");
    let err = client.execute(&GetToken::default()).await.unwrap_err();
    let Error::Transport { source } = &err else {
        panic!("expected a transport error: {err:?}");
    };
    assert!(source.may_have_reached_server(), "{source:?}");
    assert!(!err.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

/// Counts the attempts that reach the transport, and hands them to reqwest.
struct Counting {
    inner: ReqwestTransport,
    sends: Arc<AtomicUsize>,
}

impl Transport for Counting {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
    ) -> BoxFuture<'a, Result<HttpResponse, TransportError>> {
        self.sends.fetch_add(1, Ordering::SeqCst);
        self.inner.send(request)
    }
}

#[tokio::test]
async fn connection_refused_is_retried_up_to_max_attempts() {
    topgen_runtime::client::install_crypto_provider();
    let sends = Arc::new(AtomicUsize::new(0));
    let client = Client::builder(APP_KEY, SECRET)
        .endpoint(format!("http://127.0.0.1:{}/router/rest", closed_port()))
        .retry(fast().with_max_attempts(3))
        .transport(Counting {
            inner: ReqwestTransport::new(reqwest_client()),
            sends: sends.clone(),
        })
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client.execute(&GetToken::default()).await.unwrap_err();
    assert_eq!(sends.load(Ordering::SeqCst), 3);
    // Two waits: 20 ms and 40 ms.
    assert!(started.elapsed() >= MS(60), "{:?}", started.elapsed());
    let Error::Transport { source } = &err else {
        panic!("expected a transport error: {err:?}");
    };
    assert_eq!(source.kind(), TransportErrorKind::Connect);
    assert!(!source.may_have_reached_server());
    assert!(err.is_retryable());
    assert!(
        err.to_string().starts_with("could not connect to TOP"),
        "{err}"
    );

    // With the policy off, once.
    sends.store(0, Ordering::SeqCst);
    let err = client
        .execute_with(
            &GetToken::default(),
            &CallOptions::new().retry(RetryPolicy::none()),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(sends.load(Ordering::SeqCst), 1);
}

fn reqwest_client() -> topgen_runtime::reqwest::Client {
    topgen_runtime::client::install_crypto_provider();
    topgen_runtime::reqwest::Client::builder()
        .build()
        .expect("reqwest client")
}

#[tokio::test]
async fn retries_off_means_one_attempt_per_client_or_per_call() {
    let isp = top_error(15, "isp.remote-service-error");
    let server = Server::start(vec![Step::json(200, &isp), Step::json(200, SUCCESS)]);
    let client = builder(&server)
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    expect_top(client.execute(&GetToken::default()).await);
    assert_eq!(server.requests().len(), 1);
    // A per-call policy overrides the client's: this call is retried.
    client
        .execute_with(&GetToken::default(), &CallOptions::new().retry(fast()))
        .await
        .expect("success on the retry");
    assert_eq!(server.requests().len(), 2);
}
