//! Call limits over HTTP against the local gateway's quotas (`GatewayBuilder::quota`, TOP's
//! code 7 with `This ban will last for N more seconds`): the client waits the ban out and
//! succeeds within its deadline, fails at once with `Error::CallLimited` past it (no extra
//! request), and its own rate limit (`ClientBuilder::rate_limit`) keeps a burst under the
//! gateway's quota — async and blocking.

use std::path::Path;
use std::time::{Duration, Instant};

use topgen_gateway::{Fault, Gateway, GatewayBuilder, Quota, TopErrorReply};
use topgen_runtime::limits::RateLimit;
use topgen_runtime::{CallOptions, Client, Error, Format, RetryPolicy};
use topgen_taobao_wdk::WdkIotWombatCommonGettokenRequest;

const METHOD: &str = "taobao.wdk.iot.wombat.common.gettoken";
const APP_KEY: &str = "12345678";
const SECRET: &str = "limits-app-secret-77c1";

fn gateway_builder() -> GatewayBuilder {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../specs/{METHOD}.yaml"));
    Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(topgen_gateway::Api::from_spec_file(path).expect("the gettoken spec loads"))
}

fn client(gateway: &Gateway, format: Format, limit: RateLimit) -> Client {
    Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .format(format)
        .rate_limit(limit)
        .build()
        .expect("the client builds")
}

fn request() -> WdkIotWombatCommonGettokenRequest {
    WdkIotWombatCommonGettokenRequest::new().robot_sn("xxxxx")
}

/// The codes the gateway answered, in order (`None`: a success).
fn codes(gateway: &Gateway) -> Vec<Option<i64>> {
    gateway
        .requests()
        .iter()
        .map(|r| r.verdict.code())
        .collect()
}

#[tokio::test]
async fn the_client_waits_the_ban_and_succeeds_within_its_deadline() {
    for format in [Format::Json, Format::Xml] {
        let gateway = gateway_builder()
            .quota(Quota::per_app(2, Duration::from_secs(1)))
            .start()
            .await
            .unwrap();
        let client = client(&gateway, format, RateLimit::new());
        let options = CallOptions::new().deadline(Duration::from_secs(5));
        for _ in 0..2 {
            client.execute_with(&request(), &options).await.unwrap();
        }
        // The third is banned for what is left of the window (1 s, rounded up), waited out.
        let started = Instant::now();
        client.execute_with(&request(), &options).await.unwrap();
        assert!(started.elapsed() >= Duration::from_secs(1), "{format}");
        assert_eq!(codes(&gateway), [None, None, Some(7), None], "{format}");
        let records = gateway.requests();
        let refused = &records[2];
        let topgen_gateway::Verdict::Rejected(rejection) = &refused.verdict else {
            unreachable!()
        };
        assert_eq!(
            rejection.sub_code,
            "accesscontrol.limited-by-app-access-count"
        );
        assert_eq!(rejection.sub_msg, "This ban will last for 1 more seconds");
        // Never sooner than the ban.
        assert!(records[3].received_at - refused.received_at >= Duration::from_secs(1));
    }
}

#[tokio::test]
async fn past_the_deadline_it_fails_at_once_with_when_to_try_again() {
    for (format, quota, sub_code) in [
        (
            Format::Json,
            Quota::per_app(1, Duration::from_secs(30)),
            "accesscontrol.limited-by-app-access-count",
        ),
        (
            Format::Xml,
            Quota::per_api(METHOD, 1, Duration::from_secs(30)),
            "accesscontrol.limited-by-api-access-count",
        ),
    ] {
        let gateway = gateway_builder().quota(quota).start().await.unwrap();
        let client = client(&gateway, format, RateLimit::new());
        let options = CallOptions::new().deadline(Duration::from_secs(3));
        client.execute_with(&request(), &options).await.unwrap();
        let started = Instant::now();
        let err = client.execute_with(&request(), &options).await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{format}: no wait"
        );
        let Error::CallLimited(limited) = &err else {
            panic!("{format}: expected CallLimited, got {err:?}");
        };
        let top = limited.top().expect("TOP's error");
        assert_eq!((top.code, top.sub_code.as_deref()), (7, Some(sub_code)));
        assert_eq!(limited.wait(), Duration::from_secs(30));
        let after = err.retry_after().unwrap();
        assert!(
            after > Duration::from_secs(28) && after <= Duration::from_secs(30),
            "{after:?}"
        );
        assert!(limited.retry_at() > Instant::now() + Duration::from_secs(28));
        assert!(err.is_retryable());
        assert_eq!(err.top().map(|t| t.code), Some(7));
        assert!(err.to_string().contains("retry in"), "{err}");
        // No extra request.
        assert_eq!(gateway.request_count(), 2, "{format}");
        assert_eq!(codes(&gateway), [None, Some(7)]);
    }
}

#[tokio::test]
async fn a_ban_past_max_ban_wait_or_the_last_attempt_is_not_waited() {
    let gateway = gateway_builder()
        .quota(Quota::per_app(1, Duration::from_secs(30)))
        .start()
        .await
        .unwrap();
    let client = client(&gateway, Format::Json, RateLimit::new());
    client.execute(&request()).await.unwrap();
    // No deadline: the policy's `max_ban_wait` (here 5 s) bounds the wait.
    let options =
        CallOptions::new().retry(RetryPolicy::default().with_max_ban_wait(Duration::from_secs(5)));
    let started = Instant::now();
    let err = client.execute_with(&request(), &options).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(matches!(err, Error::CallLimited(_)), "{err:?}");
    // No retry at all: the same typed error.
    let options = CallOptions::new().retry(RetryPolicy::none());
    let err = client.execute_with(&request(), &options).await.unwrap_err();
    assert!(
        err.retry_after()
            .is_some_and(|d| d > Duration::from_secs(25)),
        "{err:?}"
    );
    assert_eq!(gateway.request_count(), 3);
}

#[tokio::test]
async fn a_ban_in_unknown_words_waits_the_policys_delay() {
    let gateway = gateway_builder().start().await.unwrap();
    gateway.push_fault(Fault::top_error(
        TopErrorReply::new(7, "App Call Limited")
            .sub("accesscontrol.limited-by-app-access-count", "请稍后再试"),
    ));
    let client = client(&gateway, Format::Json, RateLimit::new());
    let delay = Duration::from_millis(300);
    let options = CallOptions::new().retry(RetryPolicy::default().with_rate_limit_delay(delay));
    client.execute_with(&request(), &options).await.unwrap();
    let records = gateway.requests();
    assert_eq!(records.len(), 2);
    assert!(records[1].received_at - records[0].received_at >= delay);
}

/// Sends `n` calls at once; their results.
async fn burst(client: &Client, n: usize, options: &CallOptions) -> Vec<Result<(), Error>> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let client = client.clone();
        let options = options.clone();
        set.spawn(async move { client.execute_with(&request(), &options).await.map(|_| ()) });
    }
    set.join_all().await
}

#[tokio::test]
async fn the_limiter_keeps_a_burst_under_the_quota() {
    let quota = || Quota::per_app(5, Duration::from_millis(500));
    let once = CallOptions::new().retry(RetryPolicy::none());

    // Without a limit, a burst of 12 is banned.
    let gateway = gateway_builder().quota(quota()).start().await.unwrap();
    let unlimited = client(&gateway, Format::Json, RateLimit::new());
    let results = burst(&unlimited, 12, &once).await;
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(Error::CallLimited(_)))),
        "the quota bites"
    );
    assert!(codes(&gateway).contains(&Some(7)));

    // With one (8 a second, one at a time), every call of the same burst gets through.
    let gateway = gateway_builder().quota(quota()).start().await.unwrap();
    let limited = client(
        &gateway,
        Format::Json,
        RateLimit::new().app_per_second(8).burst(1),
    );
    let started = Instant::now();
    let results = burst(&limited, 12, &once).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(codes(&gateway), vec![None; 12], "no code 7");
    // 11 waits of 125 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(1_300),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_limiter_per_api_and_its_deadline() {
    let gateway = gateway_builder().start().await.unwrap();
    let client = client(
        &gateway,
        Format::Json,
        RateLimit::new().app_per_second(100).api(METHOD, 1),
    );
    client.execute(&request()).await.unwrap();
    // The next slot of this API is a second away: past the deadline, nothing is sent.
    let started = Instant::now();
    let options = CallOptions::new().deadline(Duration::from_millis(300));
    let err = client.execute_with(&request(), &options).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(300));
    let Error::CallLimited(limited) = &err else {
        panic!("expected CallLimited, got {err:?}");
    };
    assert!(limited.top().is_none(), "the client's own limit");
    assert!(limited.wait() > Duration::from_millis(300));
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert_eq!(gateway.request_count(), 1);
    // Within the deadline, it waits for the slot.
    let options = CallOptions::new().deadline(Duration::from_secs(3));
    client.execute_with(&request(), &options).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(500));
    assert_eq!(gateway.request_count(), 2);
}

#[test]
fn the_blocking_client_is_limited_too() {
    let gateway = gateway_builder().spawn().unwrap();
    let client = topgen_runtime::blocking::Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .rate_limit(RateLimit::new().app_per_second(4).burst(1))
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..3 {
        client.execute(&request()).unwrap();
    }
    assert!(started.elapsed() >= Duration::from_millis(500));
    let err = client
        .execute_with(
            &request(),
            &CallOptions::new().deadline(Duration::from_millis(20)),
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::CallLimited(l) if l.top().is_none()),
        "{err:?}"
    );
    assert_eq!(gateway.request_count(), 3);
}

#[tokio::test]
async fn the_limiter_counts_raw_calls_and_every_call_of_a_batch() {
    let gateway = gateway_builder().start().await.unwrap();
    let client = client(
        &gateway,
        Format::Json,
        RateLimit::new().app_per_second(100).api(METHOD, 1),
    );
    let short = CallOptions::new().deadline(Duration::from_millis(300));
    // A raw call of the API takes its one slot; a typed call then finds none within 300 ms.
    client
        .execute_raw(METHOD, &[("robot_sn", "xxxxx")], &CallOptions::new())
        .await
        .unwrap();
    let err = client.execute_with(&request(), &short).await.unwrap_err();
    assert!(matches!(err, Error::CallLimited(_)), "{err:?}");
    assert_eq!(gateway.request_count(), 1);
    // A batch of two calls of that API needs two slots: not within its deadline either, and
    // nothing is sent.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let mut batch = client.batch().options(short.clone());
    batch.add(&request()).unwrap();
    batch.add(&request()).unwrap();
    let err = batch.send().await.unwrap_err();
    assert!(matches!(err, Error::CallLimited(_)), "{err:?}");
    assert_eq!(gateway.request_count(), 1);
}
