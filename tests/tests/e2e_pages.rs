//! The pager of a catalog API, `taobao.trades.sold.get`, over HTTP against the local gateway:
//! it ends on a short page, on `has_next: false` and on `total_results`; a repeated page ends
//! it with an error instead of looping; a failing page is retried under the client's policy,
//! and a page that fails for good pauses the pager, which resumes from that page.
//!
//! Pages are fetched one at a time, when the stream is polled: each test gives the gateway the
//! next page's reply (`Gateway::api`) before asking for it, so a pager that fetched ahead would
//! get the wrong reply.

use std::path::Path;
use std::time::Duration;

use topgen_gateway::{Api, Fault, Gateway, Verdict};
use topgen_runtime::{Client, PageError, Paged, PagedItems, RetryPolicy};
use topgen_taobao::TradesSoldGetRequest;

const METHOD: &str = "taobao.trades.sold.get";
const APP_KEY: &str = "12345678";
const SECRET: &str = "pages-app-secret-7c41";

fn api() -> Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../specs/{METHOD}.yaml"));
    Api::from_spec_file(&path).expect("the trades.sold.get spec loads")
}

/// A page of trades `tids`, with `total_results` and `has_next` when given.
fn page(tids: &[i64], total: Option<i64>, has_next: Option<bool>) -> Api {
    let trades: Vec<String> = tids.iter().map(|t| format!(r#"{{"tid":{t}}}"#)).collect();
    let mut fields = vec![format!(r#""trades":{{"trade":[{}]}}"#, trades.join(","))];
    if let Some(t) = total {
        fields.push(format!(r#""total_results":{t}"#));
    }
    if let Some(h) = has_next {
        fields.push(format!(r#""has_next":{h}"#));
    }
    api().response_json(format!(
        r#"{{"trades_sold_get_response":{{{},"request_id":"rid"}}}}"#,
        fields.join(",")
    ))
}

async fn gateway() -> Gateway {
    Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(api())
        .start()
        .await
        .expect("the gateway starts")
}

/// A client retrying up to 3 attempts, quickly.
fn client(gateway: &Gateway) -> Client {
    Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .retry(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_base_delay(Duration::from_millis(5))
                .with_jitter(0.0),
        )
        .build()
        .expect("the client builds")
}

fn request() -> TradesSoldGetRequest {
    TradesSoldGetRequest::new("tid,status")
}

/// The `page_no` of each request the gateway got, and that each passed its checks.
fn pages_asked(gateway: &Gateway) -> Vec<String> {
    gateway
        .requests()
        .iter()
        .map(|r| {
            assert_eq!(r.verdict, Verdict::Ok, "{r:?}");
            r.body_param("page_no").unwrap_or("-").to_owned()
        })
        .collect()
}

fn tids(reply: &topgen_taobao::TradesSoldGetResponse) -> Vec<i64> {
    reply
        .trades
        .iter()
        .flatten()
        .map(|t| t.tid.expect("tid"))
        .collect()
}

#[tokio::test]
async fn a_short_page_ends_the_items() {
    let gateway = gateway().await;
    let client = client(&gateway);
    let mut items = request().page_size(2).items(&client);
    let mut got = Vec::new();
    for tids in [&[1, 2][..], &[3, 4], &[5]] {
        gateway.api(page(tids, None, None));
        for _ in tids {
            got.push(items.next().await.expect("an item").expect("ok").tid);
        }
    }
    assert!(items.next().await.is_none(), "the short page was the last");
    assert_eq!(got, [1, 2, 3, 4, 5].map(Some));
    assert_eq!(pages_asked(&gateway), ["1", "2", "3"]);
    assert!(
        gateway
            .requests()
            .iter()
            .all(|r| r.body_param("page_size") == Some("2"))
    );
}

#[tokio::test]
async fn has_next_false_ends_the_pages() {
    let gateway = gateway().await;
    let client = client(&gateway);
    let mut pages = request().page_size(2).use_has_next(true).pages(&client);
    gateway.api(page(&[1, 2], None, Some(true)));
    assert_eq!(
        tids(&pages.next().await.expect("page 1").expect("ok")),
        [1, 2]
    );
    // A full page, but the last.
    gateway.api(page(&[3, 4], None, Some(false)));
    assert_eq!(
        tids(&pages.next().await.expect("page 2").expect("ok")),
        [3, 4]
    );
    assert!(pages.next().await.is_none());
    assert!(pages.is_done());
    assert_eq!(pages_asked(&gateway), ["1", "2"]);
}

#[tokio::test]
async fn total_results_ends_the_pages_without_a_page_size() {
    let gateway = gateway().await;
    let client = client(&gateway);
    let mut pages = request().page_no(3).pages(&client);
    gateway.api(page(&[1, 2], Some(4), None));
    assert_eq!(
        tids(&pages.next().await.expect("page 3").expect("ok")),
        [1, 2]
    );
    gateway.api(page(&[3, 4], Some(4), None));
    assert_eq!(
        tids(&pages.next().await.expect("page 4").expect("ok")),
        [3, 4]
    );
    assert!(pages.next().await.is_none(), "4 of 4 trades seen");
    assert_eq!(pages_asked(&gateway), ["3", "4"]);
}

#[tokio::test]
async fn a_repeated_page_ends_the_pages_with_an_error() {
    let gateway = gateway().await;
    let client = client(&gateway);
    let mut pages = request().page_size(2).pages(&client);
    gateway.api(page(&[1, 2], Some(10), None));
    pages.next().await.expect("page 1").expect("ok");
    // The server answers page 2 on and on.
    gateway.api(page(&[3, 4], Some(10), None));
    pages.next().await.expect("page 2").expect("ok");
    match pages.next().await {
        Some(Err(PageError::Repeated { method, page: 3 })) => assert_eq!(method, METHOD),
        other => panic!("expected page 3 to be a repeat, got {other:?}"),
    }
    assert!(pages.next().await.is_none());
    assert_eq!(pages_asked(&gateway), ["1", "2", "3"]);
}

#[tokio::test]
async fn a_failing_page_is_retried_and_one_that_fails_for_good_resumes() {
    let gateway = gateway().await;
    let client = client(&gateway);
    let mut pages = request().page_size(2).pages(&client);
    gateway.api(page(&[1, 2], None, None));
    pages.next().await.expect("page 1").expect("ok");

    // Page 2 meets two platform errors: the client's third attempt gets it.
    gateway.push_faults(std::iter::repeat_n(Fault::isp_error(), 2));
    gateway.api(page(&[3, 4], None, None));
    assert_eq!(
        tids(&pages.next().await.expect("page 2").expect("ok")),
        [3, 4]
    );
    assert_eq!(pages_asked(&gateway), ["1", "2", "2", "2"]);

    // Page 3 fails all three attempts: the pager yields the error, then pauses there.
    gateway.push_faults(std::iter::repeat_n(Fault::isp_error(), 3));
    gateway.api(page(&[5], None, None));
    match pages.next().await {
        Some(Err(PageError::Call { page: 3, error, .. })) => assert_eq!(
            error.top().and_then(|e| e.sub_code.as_deref()),
            Some("isp.remote-service-error")
        ),
        other => panic!("expected page 3 to fail, got {other:?}"),
    }
    assert!(pages.next().await.is_none(), "paused");
    assert_eq!(pages.page(), 3);
    assert_eq!(gateway.request_count(), 7);

    pages.resume();
    assert_eq!(tids(&pages.next().await.expect("page 3").expect("ok")), [5]);
    assert!(pages.next().await.is_none());
    assert_eq!(
        pages_asked(&gateway),
        ["1", "2", "2", "2", "3", "3", "3", "3"]
    );
}

#[test]
fn the_blocking_pager_walks_the_pages() {
    let gateway = Gateway::builder()
        .app(APP_KEY, SECRET)
        .api(page(&[1, 2], Some(2), None))
        .spawn()
        .expect("the gateway starts");
    let client = topgen_runtime::blocking::Client::builder(APP_KEY, SECRET)
        .endpoint(gateway.endpoint())
        .build()
        .expect("the client builds");
    let trades: Vec<Option<i64>> = request()
        .items_blocking(&client)
        .map(|t| t.expect("ok").tid)
        .collect();
    assert_eq!(trades, [Some(1), Some(2)]);
    assert_eq!(pages_asked(&gateway), ["1"]);
}
