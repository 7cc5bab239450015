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
mod tests;
