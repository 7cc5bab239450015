//! The blocking client (feature `blocking`), end to end against the scripted responder, and
//! its refusal to run inside an async runtime.

#![cfg(feature = "blocking")]

mod support;

use std::time::{Duration, Instant};

use support::*;
use topgen_runtime::blocking::Client;
use topgen_runtime::{CallOptions, Error, Format, RetryPolicy, SignMethod};

const SECRET: &str = "blocking-secret-Zx1";

fn builder(server: &Server) -> topgen_runtime::blocking::ClientBuilder {
    Client::builder(APP_KEY, SECRET)
        .endpoint(&server.endpoint)
        .retry(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(10))
                .with_jitter(0.0),
        )
}

#[test]
fn calls_retries_and_options_work_without_an_async_runtime() {
    let isp = top_error(15, "isp.remote-service-error");
    let server = Server::start(vec![Step::json(200, &isp), Step::json(200, SUCCESS)]);
    let client = builder(&server)
        .sign_method(SignMethod::Md5)
        .partner_id("p-1")
        .build()
        .expect("client");
    let reply = client
        .execute_with(
            &GetToken::default(),
            &CallOptions::new().session("blocking-session"),
        )
        .expect("success on attempt 2");
    let bucket = reply
        .result
        .and_then(|r| r.data)
        .and_then(|d| d.bucket_name);
    assert_eq!(bucket.as_deref(), Some("b1"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        r.assert_signed(SECRET, SignMethod::Md5);
        assert_eq!(r.param("session").as_deref(), Some("blocking-session"));
        assert_eq!(r.param("partner_id").as_deref(), Some("p-1"));
    }
    assert_eq!(client.sign_method(), SignMethod::Md5);
    assert_eq!(client.app_key(), APP_KEY);
    assert_eq!(client.endpoint(), server.endpoint);

    // TOP errors come back typed; a cloned client shares the runtime.
    let server = Server::start(vec![Step::json(
        200,
        &top_error(50, "isv.invalid-parameter"),
    )]);
    let client = builder(&server).build().expect("client").clone();
    let err = client.execute(&GetToken::default()).unwrap_err();
    assert!(matches!(&err, Error::Top(e) if e.code == 50), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn formats_timeouts_and_limits_apply() {
    let xml = "<wdk_iot_wombat_common_gettoken_response><request_id>rid-x</request_id></wdk_iot_wombat_common_gettoken_response>";
    let server = Server::start(vec![Step::json(200, xml)]);
    let client = builder(&server)
        .format(Format::Xml)
        .build()
        .expect("client");
    let reply = client.execute(&GetToken::default()).expect("XML success");
    assert_eq!(reply.request_id.as_deref(), Some("rid-x"));
    assert_eq!(server.requests()[0].param("format").as_deref(), Some("xml"));

    let server = Server::start(vec![
        Step::json(200, SUCCESS).with_delay(Duration::from_secs(5)),
    ]);
    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client.execute(&GetToken::default()).unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    let server = Server::start(vec![Step::json(200, &"x".repeat(4096))]);
    let client = builder(&server)
        .max_body_size(1024)
        .build()
        .expect("client");
    let err = client.execute(&GetToken::default()).unwrap_err();
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

#[test]
fn threads_can_share_one_client() {
    let server = Server::start(vec![Step::json(200, SUCCESS)]);
    let client = builder(&server).build().expect("client");
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| client.execute(&GetToken::default()).expect("success"));
        }
    });
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn inside_an_async_runtime_it_is_an_error_not_a_panic() {
    let server = Server::start(vec![Step::json(200, SUCCESS)]);
    let client = builder(&server).build().expect("client");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let err = runtime
        .block_on(async { client.execute(&GetToken::default()) })
        .unwrap_err();
    assert!(matches!(err, Error::InsideAsyncRuntime), "{err:?}");
    assert!(
        err.to_string().contains("use the async Client there"),
        "{err}"
    );
    assert!(!err.is_retryable());
    // Nothing was sent.
    assert!(server.requests().is_empty());

    // Built, used and dropped inside an async context: an error, and no panic on drop.
    runtime.block_on(async {
        let inner = builder(&server).build().expect("client");
        let err = inner.execute(&GetToken::default()).unwrap_err();
        assert!(matches!(err, Error::InsideAsyncRuntime), "{err:?}");
        drop(inner);
    });
    assert!(server.requests().is_empty());

    // The same client still works outside.
    client
        .execute(&GetToken::default())
        .expect("success outside the runtime");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn debug_never_shows_the_secret() {
    let builder = Client::builder(APP_KEY, SECRET);
    assert!(!format!("{builder:?}").contains(SECRET));
    let client = builder.build().expect("client");
    let debug = format!("{client:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(debug.starts_with("blocking::Client(Client {"), "{debug}");
}
