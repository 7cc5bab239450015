//! Faults through the real client over HTTP: the local TOP gateway injects them per request
//! (platform errors, 5xx, a proxy's HTML page, truncated, dropped, oversized and compressed
//! bodies, delays, closed connections) and records every attempt, so each test can tell how the
//! client reacted: what it retried, how often, with what signs, and what error it returned.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use topgen_gateway::{Api, Fault, Gateway, TopErrorReply, Verdict};
use topgen_runtime::{CallOptions, Client, ClientBuilder, Error, Format, RetryPolicy, SignMethod};
use topgen_taobao_wdk::{WdkIotWombatCommonGettokenRequest, WdkIotWombatCommonGettokenResponse};

const METHOD: &str = "taobao.wdk.iot.wombat.common.gettoken";
const APP_KEY: &str = "12345678";
const SECRET: &str = "faults-app-secret-5b0e";

async fn gateway() -> Gateway {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../specs/{METHOD}.yaml"));
    let spec = topgen_spec::load_spec(&path).expect("the gettoken spec loads");
    Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(Api::from_spec(&spec))
        .start()
        .await
        .expect("the gateway starts")
}

/// A client retrying up to 3 attempts, quickly (10 ms base delay).
fn builder(gateway: &Gateway) -> ClientBuilder {
    Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .sign_method(SignMethod::HmacSha256)
        .retry(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_base_delay(Duration::from_millis(10))
                .with_rate_limit_delay(Duration::from_millis(10)),
        )
}

fn client(gateway: &Gateway) -> Client {
    builder(gateway).build().expect("the client builds")
}

fn request() -> WdkIotWombatCommonGettokenRequest {
    WdkIotWombatCommonGettokenRequest::new().robot_sn("xxxxx")
}

fn assert_success(result: &Result<WdkIotWombatCommonGettokenResponse, Error>) {
    match result {
        Ok(response) => assert_eq!(
            response.result.as_ref().and_then(|r| r.bucket_name()),
            Some("abc")
        ),
        Err(e) => panic!("expected success, got {e:?}"),
    }
}

/// The bucket name of a decoded token, for short assertions.
trait BucketName {
    fn bucket_name(&self) -> Option<&str>;
}

impl BucketName for topgen_taobao_wdk::taobao_wdk_iot_wombat_common_gettoken::IotResult {
    fn bucket_name(&self) -> Option<&str> {
        self.data.as_ref().and_then(|d| d.bucket_name.as_deref())
    }
}

#[tokio::test]
async fn isp_errors_are_retried_each_attempt_freshly_signed_until_success() {
    let gateway = gateway().await;
    // A clock one second further at each reading: every attempt has its own timestamp, so a
    // re-used sign would not match it.
    let start = topgen_runtime::time::now();
    let ticks = Arc::new(AtomicI64::new(0));
    let clock_ticks = Arc::clone(&ticks);
    let client = builder(&gateway)
        .clock(move || {
            start + chrono::Duration::seconds(clock_ticks.fetch_add(1, Ordering::SeqCst))
        })
        .build()
        .unwrap();
    for format in Format::ALL {
        gateway.clear_requests();
        gateway.push_faults(std::iter::repeat_n(Fault::isp_error(), 2));
        let result = client
            .execute_with(&request(), &CallOptions::new().format(format))
            .await;
        assert_success(&result);
        let attempts = gateway.requests();
        assert_eq!(attempts.len(), 3, "{format}: {attempts:#?}");
        let faults: Vec<Option<Fault>> = attempts.iter().map(|r| r.fault.clone()).collect();
        assert_eq!(
            faults,
            [Some(Fault::isp_error()), Some(Fault::isp_error()), None]
        );
        for attempt in &attempts {
            // The gateway checked each sign against that attempt's own params.
            assert_eq!(attempt.verdict, Verdict::Ok, "{format}: {attempt:#?}");
            assert_eq!(attempt.reply_format, format);
        }
        let mut timestamps: Vec<&str> = attempts.iter().filter_map(|r| r.timestamp()).collect();
        let mut signs: Vec<&str> = attempts.iter().filter_map(|r| r.sign()).collect();
        timestamps.dedup();
        signs.dedup();
        assert_eq!(
            timestamps.len(),
            3,
            "a fresh timestamp per attempt: {timestamps:?}"
        );
        assert_eq!(signs.len(), 3, "a fresh sign per attempt: {signs:?}");
        // The retries waited (10 ms, then 20 ms, less jitter), but not long.
        let gap = attempts[2].received_at - attempts[0].received_at;
        assert!(gap >= Duration::from_millis(20), "{gap:?}");
        assert!(gap < Duration::from_secs(5), "{gap:?}");
    }
    assert!(ticks.load(Ordering::SeqCst) >= 9);
}

#[tokio::test]
async fn isp_errors_beyond_the_attempts_and_with_retries_off_are_returned() {
    let gateway = gateway().await;
    gateway.set_default_fault(Some(Fault::isp_error()));
    let e = client(&gateway).execute(&request()).await.unwrap_err();
    assert_eq!(
        e.top().and_then(|e| e.sub_code.as_deref()),
        Some("isp.remote-service-error")
    );
    assert_eq!(gateway.request_count(), 3);

    gateway.clear_requests();
    let once = CallOptions::new().retry(RetryPolicy::none());
    let e = client(&gateway)
        .execute_with(&request(), &once)
        .await
        .unwrap_err();
    assert!(e.top().is_some_and(|e| e.is_retryable()), "{e:?}");
    assert_eq!(gateway.request_count(), 1);
}

#[tokio::test]
async fn isv_errors_are_not_retried() {
    let gateway = gateway().await;
    gateway.push_fault(Fault::isv_error());
    let e = client(&gateway).execute(&request()).await.unwrap_err();
    let top = e.top().expect("a TOP error");
    assert_eq!(top.sub_code.as_deref(), Some("isv.invalid-parameter"));
    assert_eq!(top.request_id.as_deref(), Some("gateway-1"));
    assert_eq!(gateway.request_count(), 1);
    // Nor are the gateway's own refusals (a wrong sign is the caller's fault).
    let wrong = Client::builder(APP_KEY, "wrong-secret")
        .endpoint(gateway.endpoint())
        .build()
        .unwrap();
    gateway.clear_requests();
    let e = wrong.execute(&request()).await.unwrap_err();
    assert_eq!(e.top().map(|e| e.code), Some(25));
    assert_eq!(gateway.request_count(), 1);
}

#[tokio::test]
async fn call_limits_are_retried_after_a_delay() {
    let gateway = gateway().await;
    gateway.push_fault(Fault::top_error(
        TopErrorReply::new(7, "App Call Limited")
            .sub("accesscontrol.limited-by-app-access-count", "limited"),
    ));
    assert_success(&client(&gateway).execute(&request()).await);
    assert_eq!(gateway.request_count(), 2);
}

#[tokio::test]
async fn http_5xx_is_retried() {
    let gateway = gateway().await;
    gateway.push_faults([Fault::status(503), Fault::status(500)]);
    assert_success(&client(&gateway).execute(&request()).await);
    let statuses: Vec<Option<Fault>> = gateway.requests().into_iter().map(|r| r.fault).collect();
    assert_eq!(
        statuses,
        [Some(Fault::status(503)), Some(Fault::status(500)), None]
    );

    // A 5xx that does not go away is an Error::Status after the last attempt.
    gateway.clear_requests();
    gateway.set_default_fault(Some(Fault::status(503)));
    match client(&gateway).execute(&request()).await {
        Err(Error::Status {
            status,
            body_prefix,
        }) => {
            assert_eq!(status, 503);
            assert_eq!(body_prefix, "503 Service Unavailable");
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
    assert_eq!(gateway.request_count(), 3);
}

#[tokio::test]
async fn a_proxys_html_page_is_a_status_or_decode_error_with_its_prefix() {
    let gateway = gateway().await;
    gateway.set_default_fault(Some(Fault::proxy_error_page(502)));
    let once = CallOptions::new().retry(RetryPolicy::none());
    match client(&gateway).execute_with(&request(), &once).await {
        Err(Error::Status {
            status,
            body_prefix,
        }) => {
            assert_eq!(status, 502);
            assert!(body_prefix.starts_with("<html>"), "{body_prefix}");
            assert!(body_prefix.contains("502 Bad Gateway"), "{body_prefix}");
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
    assert_eq!(gateway.request_count(), 1);

    // The same page with HTTP 200 (a captive portal, a misconfigured proxy): not TOP's reply.
    gateway.clear_requests();
    gateway.set_default_fault(Some(Fault::http(
        200,
        "text/html",
        "<html><body>login</body></html>",
    )));
    for format in Format::ALL {
        let once = once.clone().format(format);
        match client(&gateway).execute_with(&request(), &once).await {
            Err(Error::Decode {
                status,
                body_prefix,
                message,
            }) => {
                assert_eq!(status, 200);
                assert_eq!(body_prefix, "<html><body>login</body></html>");
                assert!(message.contains("HTML"), "{message}");
            }
            other => panic!("{format}: expected Error::Decode, got {other:?}"),
        }
    }
    // A decode error is not retried, even with retries on.
    gateway.clear_requests();
    assert!(client(&gateway).execute(&request()).await.is_err());
    assert_eq!(gateway.request_count(), 1);
}

#[tokio::test]
async fn a_truncated_reply_is_a_decode_error_in_every_format() {
    let gateway = gateway().await;
    let client = client(&gateway);
    for format in Format::ALL {
        gateway.clear_requests();
        gateway.push_fault(Fault::truncate(40));
        let options = CallOptions::new().format(format);
        match client.execute_with(&request(), &options).await {
            Err(Error::Decode {
                status,
                body_prefix,
                ..
            }) => {
                assert_eq!(status, 200);
                assert!(!body_prefix.is_empty(), "{format}");
            }
            other => panic!("{format}: expected Error::Decode, got {other:?}"),
        }
        assert_eq!(gateway.request_count(), 1, "{format}: not retried");
    }
}

#[tokio::test]
async fn a_connection_dropped_mid_body_or_closed_without_a_reply_is_a_transport_error() {
    let gateway = gateway().await;
    let client = client(&gateway);
    for fault in [Fault::drop_mid_body(20), Fault::close()] {
        gateway.clear_requests();
        gateway.push_fault(fault.clone());
        match client.execute(&request()).await {
            Err(e @ Error::Transport { .. }) => {
                assert!(!e.is_timeout(), "{e}");
                let shown = format!("{e} {e:?}");
                assert!(!shown.contains(SECRET), "{shown}");
            }
            other => panic!("{fault:?}: expected Error::Transport, got {other:?}"),
        }
        // The request reached the gateway: TOP may have acted on it, so it is not retried.
        assert_eq!(gateway.request_count(), 1, "{fault:?}");
        assert_eq!(gateway.requests()[0].fault, Some(fault));
    }
    // The client recovers: the next call is fine.
    assert_success(&client.execute(&request()).await);
}

#[tokio::test]
async fn an_oversized_reply_is_refused_without_reading_it_all() {
    let gateway = gateway().await;
    let client = builder(&gateway).max_body_size(4096).build().unwrap();
    for fault in [
        Fault::oversize(1_000_000),
        Fault::oversize(1_000_000).and(Fault::chunked()),
        // 1 MB of padding compresses to ~1 KB: the limit applies to the inflated size.
        Fault::oversize(1_000_000).and(Fault::gzip()),
    ] {
        gateway.clear_requests();
        gateway.push_fault(fault.clone());
        match client.execute(&request()).await {
            Err(Error::BodyTooLarge { limit, status }) => {
                assert_eq!((limit, status), (4096, 200), "{fault:?}");
            }
            other => panic!("{fault:?}: expected Error::BodyTooLarge, got {other:?}"),
        }
        assert_eq!(gateway.request_count(), 1);
    }
    // A padded reply under the limit is read all right.
    gateway.push_fault(Fault::oversize(4000));
    assert_success(&client.execute(&request()).await);
}

#[tokio::test]
async fn gzip_compressed_replies_are_inflated() {
    let gateway = gateway().await;
    let client = client(&gateway);
    for format in Format::ALL {
        gateway.clear_requests();
        gateway.push_fault(Fault::gzip());
        let result = client
            .execute_with(&request(), &CallOptions::new().format(format))
            .await;
        assert_success(&result);
        let recorded = gateway.requests();
        let accept = recorded[0].header("accept-encoding").unwrap_or("");
        assert!(
            accept.contains("gzip"),
            "the client asks for gzip: {accept:?}"
        );
        assert!(recorded[0].compressed, "{format}: the reply was compressed");
    }
    // Stalled, chunked and compressed at once.
    gateway.push_fault(
        Fault::gzip()
            .and(Fault::chunked())
            .and(Fault::stall_body(10, Duration::from_millis(50))),
    );
    assert_success(&client.execute(&request()).await);
}

#[tokio::test]
async fn a_reply_slower_than_the_timeout_is_a_timeout_error_within_bounds() {
    let gateway = gateway().await;
    let client = builder(&gateway)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    for fault in [
        Fault::delay(Duration::from_secs(10)),
        Fault::stall_body(10, Duration::from_secs(10)),
    ] {
        gateway.clear_requests();
        gateway.push_fault(fault.clone());
        let started = Instant::now();
        let result = client.execute(&request()).await;
        let elapsed = started.elapsed();
        match result {
            Err(e @ Error::Transport { .. }) => assert!(e.is_timeout(), "{fault:?}: {e}"),
            other => panic!("{fault:?}: expected a timeout, got {other:?}"),
        }
        assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
        assert!(
            elapsed < Duration::from_secs(3),
            "{fault:?}: took {elapsed:?}"
        );
        // Sent, so perhaps acted upon: not retried.
        assert_eq!(gateway.request_count(), 1, "{fault:?}");
    }
    // A per-call timeout overrides the client's.
    gateway.push_fault(Fault::delay(Duration::from_millis(500)));
    let patient = CallOptions::new().timeout(Duration::from_secs(5));
    assert_success(&client.execute_with(&request(), &patient).await);
}
