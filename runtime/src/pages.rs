//! Paging: every page of a paged API as a [`Stream`] of typed replies ([`Pages`]), or of the
//! items of the reply's list ([`Items`]); with the `blocking` feature, as iterators
//! ([`BlockingPages`], [`BlockingItems`]).
//!
//! A generated request type implements [`Paged`] when its API pages the way TOP's do (a page
//! number param `page_no`, `current_page` or `page_index`; a reply with `total_results`,
//! `has_next` or one list), and [`PagedItems`] when its reply has one obvious list; the generator
//! decides which APIs do, by one rule (codegen's `paging` module). Bring the trait into scope to
//! call its methods:
//!
//! ```no_run
//! # use topgen_runtime::{Client, Paged, Error};
//! # async fn run<R: Paged>(client: &Client, request: R) -> Result<(), Box<dyn std::error::Error>> {
//! let mut pages = request.pages(client);
//! while let Some(page) = pages.next().await {
//!     let reply = page?;
//!     // …
//! #   let _ = reply;
//! }
//! # Ok(()) }
//! ```
//!
//! How a pager behaves:
//! - pages are fetched one at a time, when the stream is polled; at most the current page and
//!   the previous one (to detect a repeat) are held;
//! - the first page is the request's own page number, or 1 when it has none (set it yourself
//!   for an API that counts from 0); each next page is one more;
//! - it ends after a page whose reply says `has_next: false`; or, when the reply has no
//!   `has_next`, after an empty page, a page shorter than the page size (the request's
//!   `page_size`, or the spec's default) or once `total_results` items (or pages × page size)
//!   have been seen. An explicit `has_next: true` wins over the other signs, except an empty page;
//! - a reply equal to the previous page's (ignoring `request_id`) ends the pager with
//!   [`PageError::Repeated`], so a server that keeps answering the same page never loops it;
//! - each page is one call: it is retried under the client's [`RetryPolicy`](crate::RetryPolicy)
//!   (or the one of the [`CallOptions`]). A page that fails for good is yielded as
//!   [`PageError::Call`] and pauses the pager: it yields nothing more (so `collect` ends) until
//!   [`Pages::resume`] asks for the failed page again; [`Pages::page`] says which page that is.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use futures_core::Stream;

use crate::client::{CallOptions, Client};
use crate::error::Error;
use crate::request::Request;
use crate::transport::BoxFuture;

/// What one reply says about paging, read by [`Paged::page_info`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageInfo {
    /// The reply's `total_results`: the number of items over all pages.
    pub total_results: Option<i64>,
    /// The reply's `has_next`: whether a next page exists.
    pub has_next: Option<bool>,
    /// The number of items in the page's list, when the reply has one list.
    pub items: Option<usize>,
}

impl PageInfo {
    /// Nothing known.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`PageInfo::total_results`].
    pub fn total_results(mut self, total: Option<i64>) -> Self {
        self.total_results = total;
        self
    }

    /// Sets [`PageInfo::has_next`].
    pub fn has_next(mut self, has_next: Option<bool>) -> Self {
        self.has_next = has_next;
        self
    }

    /// Sets [`PageInfo::items`].
    pub fn items(mut self, items: Option<usize>) -> Self {
        self.items = items;
        self
    }
}

/// A request of a paged API: implemented by generated request types (see the
/// [module docs](self)).
pub trait Paged: Request<Response = Self::Reply> + Clone + Send + Sync + 'static {
    /// The reply type: the request's [`Request::Response`].
    type Reply: serde::de::DeserializeOwned + Clone + PartialEq + Send + 'static;

    /// The wire name of the page number param (`page_no`, `current_page`, `page_index`).
    const PAGE_PARAM: &'static str;

    /// The page number the request asks for, if set.
    fn page(&self) -> Option<i64>;

    /// Sets the page number.
    fn set_page(&mut self, page: i64);

    /// The page size: the request's `page_size`, else the spec's default, if any.
    fn page_size(&self) -> Option<i64>;

    /// What `reply` says about paging.
    fn page_info(reply: &Self::Reply) -> PageInfo;

    /// Whether two replies are the same page: equal but for their `request_id`.
    fn same_page(a: &Self::Reply, b: &Self::Reply) -> bool;

    /// Every page, from the request's page on, with default options (no session).
    fn pages(self, client: &Client) -> Pages<'_, Self>
    where
        Self: Sized,
    {
        Pages::new(client, self, CallOptions::new())
    }

    /// Every page, each call with `options` (a session, a retry policy, …).
    fn pages_with(self, client: &Client, options: CallOptions) -> Pages<'_, Self>
    where
        Self: Sized,
    {
        Pages::new(client, self, options)
    }

    /// Every page, from synchronous code, with default options (no session).
    #[cfg(feature = "blocking")]
    fn pages_blocking(self, client: &crate::blocking::Client) -> BlockingPages<'_, Self>
    where
        Self: Sized,
    {
        BlockingPages::new(client, self, CallOptions::new())
    }

    /// Every page, from synchronous code, each call with `options`.
    #[cfg(feature = "blocking")]
    fn pages_blocking_with(
        self,
        client: &crate::blocking::Client,
        options: CallOptions,
    ) -> BlockingPages<'_, Self>
    where
        Self: Sized,
    {
        BlockingPages::new(client, self, options)
    }
}

/// A [`Paged`] request whose reply has one list: its items, page after page.
pub trait PagedItems: Paged {
    /// The type of the list's items.
    type Item: Send + 'static;

    /// The list's items (none when the reply has no list).
    fn into_items(reply: Self::Reply) -> Vec<Self::Item>;

    /// Every item of every page, with default options (no session).
    fn items(self, client: &Client) -> Items<'_, Self>
    where
        Self: Sized,
    {
        Items::new(Pages::new(client, self, CallOptions::new()))
    }

    /// Every item of every page, each call with `options`.
    fn items_with(self, client: &Client, options: CallOptions) -> Items<'_, Self>
    where
        Self: Sized,
    {
        Items::new(Pages::new(client, self, options))
    }

    /// Every item of every page, from synchronous code, with default options (no session).
    #[cfg(feature = "blocking")]
    fn items_blocking(self, client: &crate::blocking::Client) -> BlockingItems<'_, Self>
    where
        Self: Sized,
    {
        BlockingItems::new(BlockingPages::new(client, self, CallOptions::new()))
    }

    /// Every item of every page, from synchronous code, each call with `options`.
    #[cfg(feature = "blocking")]
    fn items_blocking_with(
        self,
        client: &crate::blocking::Client,
        options: CallOptions,
    ) -> BlockingItems<'_, Self>
    where
        Self: Sized,
    {
        BlockingItems::new(BlockingPages::new(client, self, options))
    }
}

/// A page that did not come: yielded by a pager.
#[derive(Debug)]
#[non_exhaustive]
pub enum PageError {
    /// The call for `page` failed for good (after the retries): the pager is paused at that
    /// page; [`Pages::resume`] asks for it again.
    Call {
        /// The API.
        method: &'static str,
        /// The page number asked for.
        page: i64,
        /// Why the call failed (boxed: an [`Error`] is large).
        error: Box<Error>,
    },
    /// The reply for `page` is the previous page's again: the pager has ended.
    Repeated {
        /// The API.
        method: &'static str,
        /// The page number asked for.
        page: i64,
    },
}

impl PageError {
    /// The page number of the page that did not come.
    pub fn page(&self) -> i64 {
        match self {
            PageError::Call { page, .. } | PageError::Repeated { page, .. } => *page,
        }
    }
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageError::Call {
                method,
                page,
                error,
            } => write!(f, "{method}: page {page} failed: {error}"),
            PageError::Repeated { method, page } => write!(
                f,
                "{method}: page {page} repeats page {}; stopped paging",
                page - 1
            ),
        }
    }
}

impl std::error::Error for PageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PageError::Call { error, .. } => Some(&**error),
            PageError::Repeated { .. } => None,
        }
    }
}

/// Where a pager is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The next poll fetches `request`'s page.
    Ready,
    /// The last page failed; nothing is fetched until `resume`.
    Paused,
    /// No more pages.
    Done,
}

/// The paging logic, without I/O: which page to ask for, and what a reply means.
struct Cursor<R: Paged> {
    /// The request of the next page (its page number set).
    request: R,
    state: State,
    /// The previous page's reply, to detect a repeat.
    previous: Option<R::Reply>,
    /// Items seen so far (of replies with a list).
    seen: u64,
}

impl<R: Paged> Cursor<R> {
    fn new(mut request: R) -> Self {
        if request.page().is_none() {
            request.set_page(1);
        }
        Cursor {
            request,
            state: State::Ready,
            previous: None,
            seen: 0,
        }
    }

    fn page(&self) -> i64 {
        self.request.page().unwrap_or(1)
    }

    /// The request to send next, if any.
    fn next_request(&self) -> Option<R> {
        (self.state == State::Ready).then(|| self.request.clone())
    }

    fn resume(&mut self) {
        if self.state == State::Paused {
            self.state = State::Ready;
        }
    }

    /// Takes the result of the call for the current page.
    fn finish(&mut self, result: Result<R::Reply, Error>) -> Result<R::Reply, PageError> {
        let page = self.page();
        let reply = match result {
            Ok(reply) => reply,
            Err(error) => {
                self.state = State::Paused;
                return Err(PageError::Call {
                    method: R::METHOD,
                    page,
                    error: Box::new(error),
                });
            }
        };
        if self
            .previous
            .as_ref()
            .is_some_and(|previous| R::same_page(previous, &reply))
        {
            self.state = State::Done;
            self.previous = None;
            return Err(PageError::Repeated {
                method: R::METHOD,
                page,
            });
        }
        let info = R::page_info(&reply);
        if let Some(n) = info.items {
            self.seen = self.seen.saturating_add(n as u64);
        }
        let size = self.request.page_size().filter(|&s| s > 0);
        let empty = info.items == Some(0);
        let last = match info.has_next {
            Some(has_next) => !has_next || empty,
            None => {
                let short =
                    matches!((info.items, size), (Some(n), Some(s)) if (n as u64) < s as u64);
                let total = info.total_results.is_some_and(|total| {
                    let total = total.max(0) as u64;
                    if info.items.is_some() {
                        self.seen >= total
                    } else {
                        size.is_some_and(|s| (page.max(0) as u64).saturating_mul(s as u64) >= total)
                    }
                });
                empty || short || total
            }
        };
        match page.checked_add(1) {
            Some(next) if !last => {
                self.request.set_page(next);
                self.previous = Some(reply.clone());
            }
            _ => {
                self.state = State::Done;
                self.previous = None;
            }
        }
        Ok(reply)
    }
}

/// Every page of a [`Paged`] request: a [`Stream`] of replies, from [`Paged::pages`].
///
/// See the [module docs](self) for when it ends and what it does on errors.
pub struct Pages<'a, R: Paged> {
    client: &'a Client,
    options: CallOptions,
    cursor: Cursor<R>,
    call: Option<BoxFuture<'a, Result<R::Reply, Error>>>,
}

// No field is pinned: the call in flight is boxed.
impl<R: Paged> Unpin for Pages<'_, R> {}

impl<'a, R: Paged + 'a> Pages<'a, R> {
    /// A pager of `request` on `client`, each call with `options`.
    pub fn new(client: &'a Client, request: R, options: CallOptions) -> Self {
        Pages {
            client,
            options,
            cursor: Cursor::new(request),
            call: None,
        }
    }

    /// The page number the next fetch asks for: after a [`PageError::Call`], the failed page.
    pub fn page(&self) -> i64 {
        self.cursor.page()
    }

    /// Whether the pager has ended (no page will be fetched, even after [`Pages::resume`]).
    pub fn is_done(&self) -> bool {
        self.cursor.state == State::Done
    }

    /// After a [`PageError::Call`], lets the next poll ask for the failed page again; else
    /// does nothing.
    pub fn resume(&mut self) {
        self.cursor.resume();
    }

    /// The next page: `None` once the pager has ended or while it is paused.
    pub async fn next(&mut self) -> Option<Result<R::Reply, PageError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<'a, R: Paged + 'a> Stream for Pages<'a, R> {
    type Item = Result<R::Reply, PageError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.call.is_none() {
            let Some(request) = this.cursor.next_request() else {
                return Poll::Ready(None);
            };
            let client = this.client;
            let options = this.options.clone();
            this.call = Some(Box::pin(async move {
                client.execute_with(&request, &options).await
            }));
        }
        let Some(call) = this.call.as_mut() else {
            return Poll::Ready(None);
        };
        match call.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(result) => {
                this.call = None;
                Poll::Ready(Some(this.cursor.finish(result)))
            }
        }
    }
}

impl<R: Paged> fmt::Debug for Pages<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("method", &R::METHOD)
            .field("page", &self.cursor.page())
            .field("state", &self.cursor.state)
            .finish_non_exhaustive()
    }
}

/// Every item of every page of a [`PagedItems`] request: a [`Stream`], from
/// [`PagedItems::items`]. Holds one page's items at a time.
pub struct Items<'a, R: PagedItems> {
    pages: Pages<'a, R>,
    buffer: VecDeque<R::Item>,
}

impl<R: PagedItems> Unpin for Items<'_, R> {}

impl<'a, R: PagedItems + 'a> Items<'a, R> {
    /// The items of `pages`' pages.
    pub fn new(pages: Pages<'a, R>) -> Self {
        Items {
            pages,
            buffer: VecDeque::new(),
        }
    }

    /// The pager underneath ([`Pages::page`], [`Pages::resume`]).
    pub fn pages_mut(&mut self) -> &mut Pages<'a, R> {
        &mut self.pages
    }

    /// The next item: `None` once the pager has ended or while it is paused.
    pub async fn next(&mut self) -> Option<Result<R::Item, PageError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<'a, R: PagedItems + 'a> Stream for Items<'a, R> {
    type Item = Result<R::Item, PageError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(reply))) => this.buffer = R::into_items(reply).into(),
            }
        }
    }
}

impl<R: PagedItems> fmt::Debug for Items<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

#[cfg(feature = "blocking")]
pub use self::blocking::{BlockingItems, BlockingPages};

#[cfg(feature = "blocking")]
mod blocking {
    use super::*;

    /// Every page of a [`Paged`] request, from synchronous code: an [`Iterator`], from
    /// [`Paged::pages_blocking`]. Behaves as [`Pages`].
    pub struct BlockingPages<'a, R: Paged> {
        client: &'a crate::blocking::Client,
        options: CallOptions,
        cursor: Cursor<R>,
    }

    impl<'a, R: Paged> BlockingPages<'a, R> {
        /// A pager of `request` on `client`, each call with `options`.
        pub fn new(client: &'a crate::blocking::Client, request: R, options: CallOptions) -> Self {
            BlockingPages {
                client,
                options,
                cursor: Cursor::new(request),
            }
        }

        /// The page number the next fetch asks for: after a [`PageError::Call`], the failed
        /// page.
        pub fn page(&self) -> i64 {
            self.cursor.page()
        }

        /// Whether the pager has ended.
        pub fn is_done(&self) -> bool {
            self.cursor.state == State::Done
        }

        /// After a [`PageError::Call`], lets the next call of `next` ask for the failed page
        /// again; else does nothing.
        pub fn resume(&mut self) {
            self.cursor.resume();
        }
    }

    impl<R: Paged> Iterator for BlockingPages<'_, R> {
        type Item = Result<R::Reply, PageError>;

        fn next(&mut self) -> Option<Self::Item> {
            let request = self.cursor.next_request()?;
            let result = self.client.execute_with(&request, &self.options);
            Some(self.cursor.finish(result))
        }
    }

    impl<R: Paged> fmt::Debug for BlockingPages<'_, R> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("BlockingPages")
                .field("method", &R::METHOD)
                .field("page", &self.cursor.page())
                .field("state", &self.cursor.state)
                .finish_non_exhaustive()
        }
    }

    /// Every item of every page, from synchronous code: an [`Iterator`], from
    /// [`PagedItems::items_blocking`]. Holds one page's items at a time.
    pub struct BlockingItems<'a, R: PagedItems> {
        pages: BlockingPages<'a, R>,
        buffer: VecDeque<R::Item>,
    }

    impl<'a, R: PagedItems> BlockingItems<'a, R> {
        /// The items of `pages`' pages.
        pub fn new(pages: BlockingPages<'a, R>) -> Self {
            BlockingItems {
                pages,
                buffer: VecDeque::new(),
            }
        }

        /// The pager underneath ([`BlockingPages::page`], [`BlockingPages::resume`]).
        pub fn pages_mut(&mut self) -> &mut BlockingPages<'a, R> {
            &mut self.pages
        }
    }

    impl<R: PagedItems> Iterator for BlockingItems<'_, R> {
        type Item = Result<R::Item, PageError>;

        fn next(&mut self) -> Option<Self::Item> {
            loop {
                if let Some(item) = self.buffer.pop_front() {
                    return Some(Ok(item));
                }
                match self.pages.next()? {
                    Ok(reply) => self.buffer = R::into_items(reply).into(),
                    Err(e) => return Some(Err(e)),
                }
            }
        }
    }

    impl<R: PagedItems> fmt::Debug for BlockingItems<'_, R> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("BlockingItems")
                .field("pages", &self.pages)
                .field("buffered", &self.buffer.len())
                .finish()
        }
    }
}

#[cfg(test)]
mod tests {
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
        let t =
            Scripted::new(|page, _| Ok(format!(r#"{},"has_next":{}"#, items(page, 1), page < 4)));
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
        let t =
            Scripted::new(|page, _| Ok(format!(r#"{},"total_results":5"#, items(page * 10, 2))));
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
        let t = Scripted::new(|page, _| {
            Ok(format!(r#"{},"has_next":true"#, items(page.min(2) * 10, 2)))
        });
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
}
