//! The HTTP layer under [`Client`](crate::Client), behind a trait so any HTTP stack can carry
//! TOP calls: [`Transport`] sends one plain [`HttpRequest`] and returns the status and body
//! as an [`HttpResponse`], or a [`TransportError`] that says whether the request may have
//! reached the server and whether it timed out.
//!
//! The default implementation is [`ReqwestTransport`]. The client builds every request body
//! itself (form or multipart, in the official SDK's layout), so a transport only moves bytes:
//!
//! ```
//! use topgen_runtime::transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
//!
//! /// Answers every call with the same canned reply, without any network.
//! struct Canned(&'static str);
//!
//! impl Transport for Canned {
//!     fn send<'a>(&'a self, _request: HttpRequest) -> BoxFuture<'a, Result<HttpResponse, TransportError>> {
//!         Box::pin(async move { Ok(HttpResponse::new(200, self.0.as_bytes().to_vec())) })
//!     }
//! }
//!
//! let client = topgen_runtime::Client::builder("app-key", "app-secret")
//!     .transport(Canned(r#"{"x_response":{}}"#))
//!     .build();
//! assert!(client.is_ok());
//! ```
//!
//! A transport must honour [`HttpRequest::timeout`] and [`HttpRequest::max_body_size`]; the
//! client enforces both again around it (a timer on each attempt, the body's length after
//! it), so a transport that ignores them is bounded all the same, only later.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};

use crate::redact::Known;

/// A boxed, `Send` future: what [`Transport`] methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends TOP calls over HTTP. See the [module docs](self).
pub trait Transport: Send + Sync + 'static {
    /// POSTs `request` and reads the whole reply.
    ///
    /// The future must finish within [`HttpRequest::timeout`] (connecting, sending and
    /// reading the body) and must not buffer more than [`HttpRequest::max_body_size`] bytes
    /// of body (after inflating a compressed reply): past it, fail with
    /// [`TransportError::body_too_large`]. A failure says whether the request may have
    /// reached the server ([`TransportError::may_have_reached_server`]): the client retries
    /// only calls that certainly did not.
    ///
    /// Errors must never quote [`HttpRequest::url`]: its query holds the session and the
    /// sign. (The client also scrubs them from any error it is given.)
    fn send<'a>(
        &'a self,
        request: HttpRequest,
    ) -> BoxFuture<'a, Result<HttpResponse, TransportError>>;

    /// A timer: completes after `duration`. The client sleeps with it between attempts and
    /// bounds each attempt with it.
    ///
    /// The default uses tokio's timer inside a tokio runtime (which must have its time driver
    /// enabled, as reqwest requires too) and, outside one, a helper thread that ends as soon
    /// as the timer is dropped. Override it for another async runtime.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        default_sleep(duration)
    }
}

/// One call, ready to POST.
///
/// `Debug` shows the URL without its query (it holds the session and the sign) and the
/// body's length, not its bytes (business params may be secrets).
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The endpoint with the system params, `sign` included, in the query. Never log it.
    pub url: String,
    /// `application/x-www-form-urlencoded;charset=UTF-8`, or
    /// `multipart/form-data;charset=UTF-8;boundary=…` for a call with files.
    pub content_type: String,
    /// The encoded business params.
    pub body: Vec<u8>,
    /// How long connecting may take (the client's connect timeout); part of `timeout`.
    pub connect_timeout: Duration,
    /// How long this attempt may take in all: connecting, sending and reading the body.
    pub timeout: Duration,
    /// The largest body to accept, counted after inflating a compressed reply.
    pub max_body_size: usize,
    /// Other headers to send (`Accept`, as the official SDK sends it).
    pub headers: Vec<(String, String)>,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let without_query = self.url.split(['?', '#']).next().unwrap_or("");
        f.debug_struct("HttpRequest")
            .field("url", &format_args!("{without_query}?…"))
            .field("content_type", &self.content_type)
            .field("body", &format_args!("{} bytes", self.body.len()))
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_body_size", &self.max_body_size)
            .field("headers", &self.headers)
            .finish()
    }
}

/// A reply: the HTTP status and the whole body (inflated, if it came compressed).
///
/// `Debug` shows the body's length only: a reply may hold secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
    /// The reply's headers, names in lowercase, in the order received (what
    /// [`ReplyMeta::headers`](crate::client::ReplyMeta::headers) reports); a transport may
    /// leave it empty.
    pub headers: Vec<(String, String)>,
}

impl HttpResponse {
    /// A reply with `status` and `body`, and no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            body: body.into(),
            headers: Vec::new(),
        }
    }

    /// The reply with `headers` (see [`HttpResponse::headers`]).
    pub fn with_headers(mut self, headers: Vec<(String, String)>) -> Self {
        self.headers = headers;
        self
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("body", &format_args!("{} bytes", self.body.len()))
            .finish()
    }
}

/// What went wrong in a [`TransportError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made (refused, unreachable, DNS, TLS handshake…): nothing
    /// reached the server.
    Connect,
    /// Connecting took longer than the connect timeout: nothing reached the server.
    ConnectTimeout,
    /// The attempt took longer than its timeout after connecting (or while it was unknown
    /// whether a connection existed): the server may have received the call.
    Timeout,
    /// The reply's body is larger than [`HttpRequest::max_body_size`].
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
        /// The reply's HTTP status.
        status: u16,
    },
    /// The request could not be built (an invalid URL or header); nothing was sent, and
    /// sending it again would fail the same way.
    InvalidRequest,
    /// Anything else (a connection reset mid-reply, a protocol error…): the server may have
    /// received the call.
    Other,
}

/// A failure of a [`Transport`]: its [kind](TransportErrorKind) and an optional cause.
///
/// `Display` shows a summary and the whole cause chain, never a URL: the client drops
/// reqwest's URL and scrubs the request's URL, query, sign and session from every cause.
pub struct TransportError {
    kind: TransportErrorKind,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

/// A cause given as text, or a cause whose text had to be scrubbed.
struct Message(String);

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for Message {}

impl TransportError {
    /// An error of `kind` caused by `source` (any error, or a message as `&str`/`String`).
    pub fn new(
        kind: TransportErrorKind,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        TransportError {
            kind,
            source: Some(source.into()),
        }
    }

    /// No connection could be made: nothing reached the server.
    pub fn connect(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self::new(TransportErrorKind::Connect, source)
    }

    /// Connecting timed out: nothing reached the server.
    pub fn connect_timeout(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self::new(TransportErrorKind::ConnectTimeout, source)
    }

    /// The attempt timed out; the server may have received the call.
    pub fn timeout(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self::new(TransportErrorKind::Timeout, source)
    }

    /// The reply's body is larger than `limit` bytes.
    pub fn body_too_large(limit: usize, status: u16) -> Self {
        TransportError {
            kind: TransportErrorKind::BodyTooLarge { limit, status },
            source: None,
        }
    }

    /// Any other failure; the server may have received the call.
    pub fn other(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self::new(TransportErrorKind::Other, source)
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the call timed out (connecting, or in all).
    pub fn is_timeout(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::Timeout | TransportErrorKind::ConnectTimeout
        )
    }

    /// Whether no connection could be made (timed out or not).
    pub fn is_connect(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::Connect | TransportErrorKind::ConnectTimeout
        )
    }

    /// Whether the server may have received the call (and acted on it): `false` only when
    /// it certainly did not — no connection was made, or the request could not be built.
    pub fn may_have_reached_server(&self) -> bool {
        !matches!(
            self.kind,
            TransportErrorKind::Connect
                | TransportErrorKind::ConnectTimeout
                | TransportErrorKind::InvalidRequest
        )
    }

    /// The error from a reqwest failure, its URL dropped.
    pub fn from_reqwest(e: reqwest::Error) -> Self {
        let e = e.without_url();
        let kind = if e.is_connect() && e.is_timeout() {
            TransportErrorKind::ConnectTimeout
        } else if e.is_connect() {
            TransportErrorKind::Connect
        } else if e.is_timeout() {
            TransportErrorKind::Timeout
        } else if e.is_builder() {
            TransportErrorKind::InvalidRequest
        } else {
            TransportErrorKind::Other
        };
        Self::new(kind, e)
    }

    /// Redacts what `known` says about the call from the cause chain ([`Known::redact`]: the
    /// URL and query as wholes, the values of secret keys, Bearer tokens, and the call's
    /// secret values when long enough). If that changes the chain's text (`Display` or
    /// `Debug`), the cause is replaced by its redacted `Display` text (the original error
    /// object is dropped, so nothing can print it); otherwise it is kept as it was.
    pub(crate) fn scrub(mut self, known: &Known<'_>) -> Self {
        let Some(source) = &self.source else {
            return self;
        };
        let chain = |with_debug: bool| {
            let mut text = String::new();
            let mut cause: Option<&(dyn StdError + 'static)> = Some(source.as_ref());
            while let Some(c) = cause {
                if !text.is_empty() {
                    text.push_str(": ");
                }
                text.push_str(&c.to_string());
                if with_debug {
                    text.push_str(&format!(" {c:?}"));
                }
                cause = c.source();
            }
            text
        };
        let searched = chain(true);
        if known.redact(&searched) != searched {
            // The Display chain only (the Debug forms were for the search).
            let text = known.redact(&chain(false));
            self.source = Some(Box::new(Message(text)));
        }
        self
    }

    fn summary(&self) -> String {
        match self.kind {
            TransportErrorKind::Connect => "could not connect to TOP".to_owned(),
            TransportErrorKind::ConnectTimeout => {
                "could not connect to TOP: connecting timed out".to_owned()
            }
            TransportErrorKind::Timeout => "TOP call timed out".to_owned(),
            TransportErrorKind::BodyTooLarge { limit, status } => {
                format!("TOP's reply (HTTP {status}) is larger than the limit of {limit} bytes")
            }
            TransportErrorKind::InvalidRequest => {
                "the HTTP request could not be built; nothing was sent".to_owned()
            }
            TransportErrorKind::Other => "HTTP transport to TOP failed".to_owned(),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())?;
        // The whole cause chain: reqwest's own message is terse ("error sending request").
        let mut cause: Option<&(dyn StdError + 'static)> = match &self.source {
            Some(s) => Some(s.as_ref()),
            None => None,
        };
        while let Some(c) = cause {
            write!(f, ": {c}")?;
            cause = c.source();
        }
        Ok(())
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("source", &self.source)
            .finish()
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.source {
            Some(s) => Some(s.as_ref()),
            None => None,
        }
    }
}

/// The default [`Transport`]: a
/// [`reqwest::Client`](https://docs.rs/reqwest/0.13/reqwest/struct.Client.html).
///
/// It sets the attempt's total timeout on each request, refuses a body whose
/// `Content-Length` is over the limit before reading it, and otherwise reads the body chunk
/// by chunk (inflated, when gzip-compressed) and stops as soon as it passes the limit.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Sends with `client`. Its connect timeout is its own: build it with
    /// [`reqwest::ClientBuilder::connect_timeout`](https://docs.rs/reqwest/0.13/reqwest/struct.ClientBuilder.html#method.connect_timeout).
    pub fn new(client: reqwest::Client) -> Self {
        ReqwestTransport { client }
    }

    /// The reqwest client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

impl Transport for ReqwestTransport {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
    ) -> BoxFuture<'a, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            // reqwest panics without a tokio runtime; say so instead.
            if tokio::runtime::Handle::try_current().is_err() {
                return Err(TransportError::new(
                    TransportErrorKind::InvalidRequest,
                    "the reqwest transport needs a tokio runtime and none is running \
                     (use the blocking client, or a Transport for your async runtime)",
                ));
            }
            let url = reqwest::Url::parse(&request.url).map_err(|e| {
                TransportError::new(
                    TransportErrorKind::InvalidRequest,
                    format!("invalid URL: {e}"),
                )
            })?;
            let content_type = header_value(&request.content_type).map_err(|_| {
                TransportError::new(
                    TransportErrorKind::InvalidRequest,
                    "invalid Content-Type header value",
                )
            })?;
            let mut builder = self
                .client
                .post(url)
                .timeout(request.timeout)
                .header(CONTENT_TYPE, content_type);
            for (name, value) in &request.headers {
                let name = if name.eq_ignore_ascii_case("accept") {
                    ACCEPT
                } else {
                    HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                        TransportError::new(
                            TransportErrorKind::InvalidRequest,
                            "invalid header name",
                        )
                    })?
                };
                let value = header_value(value).map_err(|_| {
                    TransportError::new(
                        TransportErrorKind::InvalidRequest,
                        format!("invalid value for header `{name}`"),
                    )
                })?;
                builder = builder.header(name, value);
            }
            let mut response = builder
                .body(request.body)
                .send()
                .await
                .map_err(TransportError::from_reqwest)?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_owned(), value)
                })
                .collect();
            let limit = request.max_body_size;
            // With gzip, reqwest reports no length (the inflated size is unknown): the limit
            // is then applied while reading, after inflation.
            let announced = response.content_length();
            if announced.is_some_and(|len| len > limit as u64) {
                return Err(TransportError::body_too_large(limit, status));
            }
            let capacity = announced
                .and_then(|len| usize::try_from(len).ok())
                .unwrap_or(0)
                .min(limit)
                .min(1 << 20);
            let mut body = Vec::with_capacity(capacity);
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(TransportError::from_reqwest)?
            {
                if chunk.len() > limit.saturating_sub(body.len()) {
                    return Err(TransportError::body_too_large(limit, status));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(HttpResponse {
                status,
                body,
                headers,
            })
        })
    }
}

/// The header values every call sends, built once (at compile time) rather than checked and
/// copied on every call.
const STATIC_VALUES: [(&str, HeaderValue); 2] = [
    (
        "application/x-www-form-urlencoded;charset=UTF-8",
        HeaderValue::from_static("application/x-www-form-urlencoded;charset=UTF-8"),
    ),
    (
        "text/xml,text/javascript",
        HeaderValue::from_static("text/xml,text/javascript"),
    ),
];

/// `value` as a header value: one of [`STATIC_VALUES`] as it is, anything else checked and
/// copied.
fn header_value(value: &str) -> Result<HeaderValue, reqwest::header::InvalidHeaderValue> {
    for (text, header) in STATIC_VALUES {
        if text == value {
            return Ok(header);
        }
    }
    HeaderValue::from_str(value)
}

/// The default timer: tokio's inside a tokio runtime, else a helper thread.
pub(crate) fn default_sleep(duration: Duration) -> BoxFuture<'static, ()> {
    if tokio::runtime::Handle::try_current().is_ok() {
        Box::pin(tokio::time::sleep(duration))
    } else {
        Box::pin(ThreadSleep::new(duration))
    }
}

/// A timer on a helper thread, for use outside tokio. The thread waits on a channel with a
/// timeout; dropping the future drops the sender, which ends the thread at once.
struct ThreadSleep {
    duration: Duration,
    state: Arc<Mutex<SleepState>>,
    cancel: Option<mpsc::Sender<()>>,
}

#[derive(Default)]
struct SleepState {
    done: bool,
    waker: Option<Waker>,
}

impl ThreadSleep {
    fn new(duration: Duration) -> Self {
        ThreadSleep {
            duration,
            state: Arc::default(),
            cancel: None,
        }
    }
}

impl Future for ThreadSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.duration.is_zero() {
            return Poll::Ready(());
        }
        {
            let mut state = match self.state.lock() {
                Ok(state) => state,
                Err(poisoned) => poisoned.into_inner(),
            };
            if state.done {
                return Poll::Ready(());
            }
            state.waker = Some(cx.waker().clone());
        }
        if self.cancel.is_none() {
            let (tx, rx) = mpsc::channel::<()>();
            let state = self.state.clone();
            let duration = self.duration;
            let spawned = std::thread::Builder::new()
                .name("topgen-timer".to_owned())
                .spawn(move || {
                    if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(duration) {
                        let mut state = match state.lock() {
                            Ok(state) => state,
                            Err(poisoned) => poisoned.into_inner(),
                        };
                        state.done = true;
                        if let Some(waker) = state.waker.take() {
                            waker.wake();
                        }
                    }
                });
            if spawned.is_err() {
                // No thread to wait on: end now rather than never.
                return Poll::Ready(());
            }
            self.cancel = Some(tx);
        }
        Poll::Pending
    }
}

/// Runs `future` for at most `timeout` measured by `timer`; `None` when the time ran out.
/// The future is polled first, so one that is ready together with the timer wins.
pub(crate) async fn with_timeout<T>(
    future: BoxFuture<'_, T>,
    timer: BoxFuture<'static, ()>,
) -> Option<T> {
    let mut future = future;
    let mut timer = timer;
    std::future::poll_fn(move |cx| {
        if let Poll::Ready(value) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(value));
        }
        if timer.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        Poll::Pending
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_header_values_are_the_checked_ones() {
        for value in [
            "application/x-www-form-urlencoded;charset=UTF-8",
            "text/xml,text/javascript",
            "multipart/form-data;charset=UTF-8;boundary=0123abcd",
            "text/plain",
        ] {
            assert_eq!(
                header_value(value).unwrap(),
                HeaderValue::from_str(value).unwrap()
            );
        }
        assert!(header_value("a\r\nInjected: 1").is_err());
    }

    #[test]
    fn kinds_say_whether_the_server_may_have_the_call() {
        let cases = [
            (TransportError::connect("refused"), false, false, true),
            (TransportError::connect_timeout("slow"), false, true, true),
            (TransportError::timeout("slow"), true, true, false),
            (TransportError::other("reset"), true, false, false),
            (TransportError::body_too_large(10, 200), true, false, false),
            (
                TransportError::new(TransportErrorKind::InvalidRequest, "bad header"),
                false,
                false,
                false,
            ),
        ];
        for (e, reached, timeout, connect) in cases {
            assert_eq!(e.may_have_reached_server(), reached, "{e}");
            assert_eq!(e.is_timeout(), timeout, "{e}");
            assert_eq!(e.is_connect(), connect, "{e}");
        }
        assert_eq!(
            TransportError::connect("refused").to_string(),
            "could not connect to TOP: refused"
        );
        assert_eq!(
            TransportError::body_too_large(1024, 200).to_string(),
            "TOP's reply (HTTP 200) is larger than the limit of 1024 bytes"
        );
    }

    #[test]
    fn scrub_removes_secrets_from_the_whole_chain() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl fmt::Display for Outer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("outer failed")
            }
        }
        impl StdError for Outer {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                Some(&self.0)
            }
        }
        let url = "http://h/router/rest?session=SESS-1&sign=ABCDEF";
        let query = "session=SESS-1&sign=ABCDEF";
        let known = Known {
            wholes: [url, query],
            values: ["SESSION-LONG-1", "SIGN-LONG-ABCDEF", ""],
        };
        let inner = std::io::Error::other(format!(
            "cannot reach {url}; sent {query}; then SESSION-LONG-1 and SIGN-LONG-ABCDEF"
        ));
        let e = TransportError::other(Outer(inner)).scrub(&known);
        let text = format!("{e} {e:?}");
        for secret in ["SESS-1", "ABCDEF", "SESSION-LONG-1"] {
            assert!(!text.contains(secret), "{secret}: {text}");
        }
        assert_eq!(
            e.to_string(),
            "HTTP transport to TOP failed: outer failed: cannot reach ***; sent ***; then *** and ***"
        );
        // Nothing to scrub: the original cause is kept (and can be downcast).
        let e = TransportError::other(std::io::Error::other("reset")).scrub(&known);
        let source = StdError::source(&e).expect("a source");
        assert!(source.downcast_ref::<std::io::Error>().is_some());
    }

    #[test]
    fn debug_of_requests_and_replies_hides_query_and_bytes() {
        let request = HttpRequest {
            url: "https://eco.taobao.com/router/rest?session=S3CR3T&sign=X".to_owned(),
            content_type: "application/x-www-form-urlencoded;charset=UTF-8".to_owned(),
            body: b"password=hunter2".to_vec(),
            connect_timeout: Duration::from_secs(1),
            timeout: Duration::from_secs(2),
            max_body_size: 10,
            headers: vec![],
        };
        let debug = format!("{request:?}");
        assert!(
            !debug.contains("S3CR3T") && !debug.contains("hunter2"),
            "{debug}"
        );
        assert!(
            debug.contains("https://eco.taobao.com/router/rest?…"),
            "{debug}"
        );
        assert!(debug.contains("16 bytes"), "{debug}");
        let reply = HttpResponse::new(200, "secret-body");
        assert_eq!(
            format!("{reply:?}"),
            "HttpResponse { status: 200, body: 11 bytes }"
        );
    }

    #[test]
    fn thread_sleep_outside_tokio_completes_and_bounds() {
        let started = std::time::Instant::now();
        let ran = block_on(with_timeout(
            Box::pin(async { 7 }),
            default_sleep(Duration::from_secs(10)),
        ));
        assert_eq!(ran, Some(7));
        let timed_out = block_on(with_timeout(
            Box::pin(std::future::pending::<u8>()),
            default_sleep(Duration::from_millis(50)),
        ));
        assert_eq!(timed_out, None);
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_millis(50), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    }

    #[test]
    fn reqwest_outside_tokio_is_an_error_not_a_panic() {
        crate::client::install_crypto_provider();
        let client = reqwest::Client::builder().build().expect("client");
        let request = HttpRequest {
            url: "http://127.0.0.1:9/router/rest?session=S".to_owned(),
            content_type: "text/plain".to_owned(),
            body: vec![],
            connect_timeout: Duration::from_secs(1),
            timeout: Duration::from_secs(1),
            max_body_size: 10,
            headers: vec![],
        };
        let transport = ReqwestTransport::new(client);
        let err = block_on(transport.send(request)).unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::InvalidRequest);
        assert!(!err.may_have_reached_server());
        assert!(err.to_string().contains("needs a tokio runtime"), "{err}");
    }

    /// A minimal executor: parks the thread until woken.
    fn block_on<F: Future>(future: F) -> F::Output {
        struct Unpark(std::thread::Thread);
        impl std::task::Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut future = Box::pin(future);
        loop {
            if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
                return v;
            }
            std::thread::park_timeout(Duration::from_millis(100));
        }
    }
}
