use super::*;
use crate::params::Params;
use crate::retry::RetryPolicy;
use crate::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use crate::{ParamError, Secret};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Default)]
struct List {
    page_no: Option<i64>,
    page_size: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct ListReply {
    total_results: Option<i64>,
    has_next: Option<bool>,
    items: Option<Vec<i64>>,
    request_id: Option<String>,
}

impl Request for List {
    type Response = ListReply;
    const METHOD: &'static str = "test.items.list";
    const RESPONSE_KEY: &'static str = "test_items_list_response";
    const REQUIRES_SESSION: bool = false;

    fn encode(&self, params: &mut Params) -> Result<(), ParamError> {
        if let Some(v) = &self.page_no {
            params.push("page_no", v);
        }
        if let Some(v) = &self.page_size {
            params.push("page_size", v);
        }
        Ok(())
    }
}

impl Paged for List {
    type Reply = ListReply;
    const PAGE_PARAM: &'static str = "page_no";
    fn page(&self) -> Option<i64> {
        self.page_no
    }
    fn set_page(&mut self, page: i64) {
        self.page_no = Some(page);
    }
    fn page_size(&self) -> Option<i64> {
        self.page_size
    }
    fn page_info(reply: &ListReply) -> PageInfo {
        PageInfo::new()
            .total_results(reply.total_results)
            .has_next(reply.has_next)
            .items(reply.items.as_ref().map(Vec::len))
    }
    fn same_page(a: &ListReply, b: &ListReply) -> bool {
        a.total_results == b.total_results && a.has_next == b.has_next && a.items == b.items
    }
}

impl PagedItems for List {
    type Item = i64;
    fn into_items(reply: ListReply) -> Vec<i64> {
        reply.items.unwrap_or_default()
    }
}

/// What the scripted server answers for a page: the reply's JSON fields, or an HTTP status.
type Script = dyn Fn(i64, usize) -> Result<String, u16> + Send + Sync;

/// A TOP that answers each call from `script(page_no, nth call for that page)`.
#[derive(Clone)]
struct Scripted {
    script: Arc<Script>,
    calls: Arc<Mutex<BTreeMap<i64, usize>>>,
    order: Arc<Mutex<Vec<i64>>>,
}

impl Scripted {
    fn new(script: impl Fn(i64, usize) -> Result<String, u16> + Send + Sync + 'static) -> Self {
        Scripted {
            script: Arc::new(script),
            calls: Arc::default(),
            order: Arc::default(),
        }
    }

    /// The page numbers asked for, in order (retries included).
    fn order(&self) -> Vec<i64> {
        self.order.lock().expect("lock").clone()
    }
}

impl Transport for Scripted {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
    ) -> BoxFuture<'a, Result<HttpResponse, TransportError>> {
        let page = form_urlencoded::parse(&request.body)
            .find(|(k, _)| k == "page_no")
            .and_then(|(_, v)| v.parse::<i64>().ok())
            .unwrap_or(0);
        let nth = {
            let mut calls = self.calls.lock().expect("lock");
            let n = calls.entry(page).or_insert(0);
            *n += 1;
            *n
        };
        self.order.lock().expect("lock").push(page);
        let reply = match (self.script)(page, nth) {
            Ok(fields) => HttpResponse::new(
                200,
                format!(
                    r#"{{"test_items_list_response":{{{fields},"request_id":"rid-{page}-{nth}"}}}}"#
                ),
            ),
            Err(status) => HttpResponse::new(status, "busy"),
        };
        Box::pin(async move { Ok(reply) })
    }

    fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

fn client(transport: &Scripted, retry: RetryPolicy) -> Client {
    Client::builder("app", Secret::from("pages-secret"))
        .transport(transport.clone())
        .retry(retry)
        .build()
        .expect("client")
}

/// `n` items from `from`, as a JSON list.
fn items(from: i64, n: i64) -> String {
    let v: Vec<String> = (from..from + n).map(|i| i.to_string()).collect();
    format!(r#""items":[{}]"#, v.join(","))
}

fn ok_pages(results: Vec<Result<ListReply, PageError>>) -> Vec<Vec<i64>> {
    results
        .into_iter()
        .map(|r| r.expect("page").items.unwrap_or_default())
        .collect()
}

fn collect(pages: &mut Pages<'_, List>) -> Vec<Result<ListReply, PageError>> {
    let mut out = Vec::new();
    run(async {
        while let Some(page) = pages.next().await {
            out.push(page);
        }
    });
    out
}

fn run<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

#[test]
fn a_short_page_ends_the_pager() {
    let t = Scripted::new(|page, _| Ok(items(page * 10, if page < 3 { 2 } else { 1 })));
    let c = client(&t, RetryPolicy::none());
    let request = List {
        page_size: Some(2),
        ..List::default()
    };
    let mut pages = request.pages(&c);
    assert_eq!(
        ok_pages(collect(&mut pages)),
        [vec![10, 11], vec![20, 21], vec![30]]
    );
    assert_eq!(t.order(), [1, 2, 3]);
    assert!(pages.is_done());
}

#[test]
fn has_next_false_ends_it_and_has_next_true_outweighs_a_short_page() {
    // Pages of one item although the size asked for is 5: has_next says whether more come.
    let t = Scripted::new(|page, _| Ok(format!(r#"{},"has_next":{}"#, items(page, 1), page < 4)));
    let c = client(&t, RetryPolicy::none());
    let request = List {
        page_size: Some(5),
        ..List::default()
    };
    let mut pages = request.pages(&c);
    assert_eq!(
        ok_pages(collect(&mut pages)),
        [vec![1], vec![2], vec![3], vec![4]]
    );
    assert_eq!(t.order(), [1, 2, 3, 4]);
}

#[test]
fn total_results_ends_it_without_a_page_size() {
    let t = Scripted::new(|page, _| Ok(format!(r#"{},"total_results":5"#, items(page * 10, 2))));
    let c = client(&t, RetryPolicy::none());
    // Five items over pages of two: the third page is the last.
    let mut pages = List::default().pages(&c);
    assert_eq!(collect(&mut pages).len(), 3);
    assert_eq!(t.order(), [1, 2, 3]);
}

#[test]
fn an_empty_page_ends_it_when_nothing_else_is_known() {
    let t = Scripted::new(|page, _| Ok(items(page * 10, if page < 3 { 2 } else { 0 })));
    let c = client(&t, RetryPolicy::none());
    let mut pages = List {
        page_no: Some(2),
        ..List::default()
    }
    .pages(&c);
    assert_eq!(ok_pages(collect(&mut pages)), [vec![20, 21], vec![]]);
    assert_eq!(t.order(), [2, 3]);
}

#[test]
fn a_repeated_page_ends_it_with_an_error_instead_of_looping() {
    // From page 2 on, the server answers page 2 again (with a fresh request_id).
    let t =
        Scripted::new(|page, _| Ok(format!(r#"{},"has_next":true"#, items(page.min(2) * 10, 2))));
    let c = client(&t, RetryPolicy::none());
    let mut pages = List::default().pages(&c);
    let results = collect(&mut pages);
    assert_eq!(results.len(), 3);
    match &results[2] {
        Err(e @ PageError::Repeated { method, page: 3 }) => {
            assert_eq!(*method, "test.items.list");
            assert_eq!(
                e.to_string(),
                "test.items.list: page 3 repeats page 2; stopped paging"
            );
        }
        other => panic!("expected a repeated page 3, got {other:?}"),
    }
    assert!(pages.is_done());
    pages.resume();
    assert!(
        collect(&mut pages).is_empty(),
        "resume does not restart an ended pager"
    );
    assert_eq!(t.order(), [1, 2, 3]);
}

#[test]
fn a_failing_page_is_retried_under_the_clients_policy() {
    let t = Scripted::new(|page, nth| {
        if page == 2 && nth < 3 {
            Err(503)
        } else {
            Ok(items(page * 10, if page < 3 { 2 } else { 1 }))
        }
    });
    let c = client(&t, RetryPolicy::default().with_jitter(0.0));
    let mut pages = List {
        page_size: Some(2),
        ..List::default()
    }
    .pages(&c);
    assert_eq!(collect(&mut pages).len(), 3);
    assert_eq!(t.order(), [1, 2, 2, 2, 3]);
}

#[test]
fn a_page_that_fails_for_good_pauses_the_pager_and_resume_asks_for_it_again() {
    let t = Scripted::new(|page, nth| {
        if page == 2 && nth == 1 {
            Err(503)
        } else {
            Ok(items(page * 10, if page < 3 { 2 } else { 1 }))
        }
    });
    let c = client(&t, RetryPolicy::none());
    let mut pages = List {
        page_size: Some(2),
        ..List::default()
    }
    .pages(&c);
    let first = collect(&mut pages);
    assert_eq!(first.len(), 2, "page 1, then page 2's error, then nothing");
    match &first[1] {
        Err(e @ PageError::Call { page: 2, error, .. }) => {
            assert_eq!(e.page(), 2);
            assert!(
                matches!(**error, Error::Status { status: 503, .. }),
                "{error:?}"
            );
            assert!(std::error::Error::source(e).is_some());
        }
        other => panic!("expected page 2's failure, got {other:?}"),
    }
    assert_eq!(pages.page(), 2);
    assert!(!pages.is_done());
    pages.resume();
    assert_eq!(ok_pages(collect(&mut pages)), [vec![20, 21], vec![30]]);
    assert_eq!(t.order(), [1, 2, 2, 3]);
}

#[test]
fn items_flattens_the_pages_one_page_at_a_time() {
    let t = Scripted::new(|page, _| {
        Ok(format!(
            r#"{},"total_results":5"#,
            items(page * 10, if page < 3 { 2 } else { 1 })
        ))
    });
    let c = client(&t, RetryPolicy::none());
    let mut items = List::default().items(&c);
    let mut got = Vec::new();
    run(async {
        // After the first item, only page 1 has been fetched.
        got.push(items.next().await.expect("item").expect("ok"));
        assert_eq!(t.order(), [1]);
        while let Some(item) = items.next().await {
            got.push(item.expect("ok"));
        }
    });
    assert_eq!(got, [10, 11, 20, 21, 30]);
    assert_eq!(t.order(), [1, 2, 3]);
}

#[test]
fn the_last_page_number_ends_the_pager() {
    let t = Scripted::new(|page, _| Ok(format!(r#"{},"has_next":true"#, items(page % 100, 1))));
    let c = client(&t, RetryPolicy::none());
    let mut pages = List {
        page_no: Some(i64::MAX),
        ..List::default()
    }
    .pages(&c);
    assert_eq!(collect(&mut pages).len(), 1);
    assert!(pages.is_done());
}

#[test]
fn a_top_error_is_a_call_error_naming_the_page() {
    let t = Scripted::new(|_, _| Ok(String::new()));
    let t = Scripted {
        script: Arc::new(|_, _| Err(400)),
        ..t
    };
    let c = client(&t, RetryPolicy::none());
    let mut pages = List::default().pages(&c);
    let results = collect(&mut pages);
    let e = results[0].as_ref().expect_err("error");
    assert!(
        e.to_string()
            .starts_with("test.items.list: page 1 failed: "),
        "{e}"
    );
    assert!(!e.to_string().contains("pages-secret"));
}

#[test]
fn debug_names_the_method_and_page() {
    let t = Scripted::new(|_, _| Ok(items(0, 0)));
    let c = client(&t, RetryPolicy::none());
    let pages = List::default().pages(&c);
    assert_eq!(
        format!("{pages:?}"),
        r#"Pages { method: "test.items.list", page: 1, state: Ready, .. }"#
    );
}

#[cfg(feature = "blocking")]
#[test]
fn the_blocking_pager_pauses_and_resumes_like_the_async_one() {
    let t = Scripted::new(|page, nth| {
        if page == 2 && nth == 1 {
            Err(503)
        } else {
            Ok(items(page * 10, if page < 3 { 2 } else { 1 }))
        }
    });
    let c = crate::blocking::Client::builder("app", Secret::from("pages-secret"))
        .transport(t.clone())
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let mut items = List {
        page_size: Some(2),
        ..List::default()
    }
    .items_blocking(&c);
    let first: Vec<_> = items.by_ref().collect();
    assert_eq!(first.len(), 3);
    assert!(matches!(first[2], Err(PageError::Call { page: 2, .. })));
    assert_eq!(items.pages_mut().page(), 2);
    items.pages_mut().resume();
    let rest: Vec<i64> = items.map(|i| i.expect("item")).collect();
    assert_eq!(rest, [20, 21, 30]);
    assert_eq!(t.order(), [1, 2, 2, 3]);
}
