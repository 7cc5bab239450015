//! HTTP on the wire, served by hyper (its HTTP/1.1 server, `hyper::server::conn::http1`): this
//! module turns hyper's request into the [`HttpRequest`] the checks read, and an [`Outgoing`]
//! answer, faults included, into hyper's response. The connection loop is `server::connection`.
//!
//! What hyper does, for every client: keep-alive (HTTP/1.1 by default, HTTP/1.0 with
//! `Connection: keep-alive`), pipelined requests (answered in order), `Expect: 100-continue`
//! (the `100 Continue` goes out when the body is first read, so a request refused before its
//! body is read, 413, never gets one), `Content-Length` and chunked request bodies, the idle
//! timeout between requests (its header read timeout, which runs from the end of the last
//! answer), and the answers to what is not HTTP: 400 for a bad request line or header, 431 for
//! a head over [`MAX_HEAD`] bytes (or over 100 header lines), 414 for a too long URI.
//!
//! What is ours: the request body is read up to [`MAX_BODY`] bytes within a deadline
//! ([`read_request`]; 413 for a longer body, announced or not, without reading it into memory;
//! 408 when it takes too long; 400 when it cannot be read, e.g. a broken chunk), and the
//! delivery faults are shaped as hyper bodies ([`response`]):
//!
//! - `Delay`: the answer is returned late (in `server`);
//! - `StallBody`: a streaming body: its first part, a pause, the rest (a trickle);
//! - `Chunked`: a body without an exact size: hyper sends it chunked (to an HTTP/1.0 client,
//!   which knows no chunks, it sends it until the close instead);
//! - `DropMidBody`: a body that announces the whole `Content-Length`, yields its first part
//!   and, once hyper has flushed that part to the socket ([`Watched`]), fails: hyper aborts
//!   the connection, the answer cut short;
//! - `Close`: no answer at all: the service fails and hyper closes the connection;
//! - `Truncate` and `Oversize`: just bytes: the body is cut or padded before it is handed to
//!   hyper, which sends it as a complete answer (a right `Content-Length`).
//!
//! No byte-level HTTP is written here any more: every fault of [`crate::Fault`] is one hyper
//! can produce. What hyper cannot send (and no fault needs) is an answer that is wrong as
//! HTTP — a `Content-Length` that lies about a complete answer, chunks without their end on a
//! connection kept open, a body on a 204 or 304 (hyper leaves it out), an interim (1xx) or
//! four-digit status or a header value with a line break (a 500 that says so, from
//! [`response`]). The only byte-level piece left is [`Watched`]: a
//! pass-through of the socket that tells when hyper flushed, so that a dropped body's first
//! part is on the wire before the connection is aborted (hyper drops what it buffered when
//! a body fails).

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures_util::StreamExt as _;
use http_body_util::{BodyExt as _, Either, Full, StreamBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::header::{CONNECTION, CONTENT_LENGTH, HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode, Version};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// A request head (request line and headers) may be at most this long; hyper answers 431
/// beyond.
pub(crate) const MAX_HEAD: usize = 64 * 1024;

/// A request body may be at most this long; 413 beyond.
pub(crate) const MAX_BODY: usize = 32 * 1024 * 1024;

/// A dropped body ([`crate::Fault::DropMidBody`]) waits at most this long for its first part
/// to be flushed before the connection is aborted (a client that does not read).
const FLUSH_WAIT: Duration = Duration::from_secs(10);

/// One HTTP request as read from the connection.
#[derive(Debug)]
pub(crate) struct HttpRequest {
    pub method: String,
    /// The request target: `/router/rest?…`, or an absolute URL.
    pub target: String,
    /// HTTP/1.0 closes after one answer unless asked otherwise.
    pub http10: bool,
    /// Header names in lower case, values as sent (lossy UTF-8), in the order sent (the lines
    /// of a repeated name together, at the place of its first).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The first value of a header (`name` in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the client wants the connection kept open after the answer.
    pub fn keep_alive(&self) -> bool {
        let connection = self.header("connection").unwrap_or("").to_ascii_lowercase();
        let has = |token: &str| connection.split(',').any(|t| t.trim() == token);
        if self.http10 {
            has("keep-alive")
        } else {
            !has("close")
        }
    }

    /// The path and the raw query of the target.
    pub fn path_and_query(&self) -> (String, Option<String>) {
        let mut target = self.target.as_str();
        // Absolute form (`http://host:port/path?q`), as sent to a proxy.
        if let Some(rest) = target
            .strip_prefix("http://")
            .or_else(|| target.strip_prefix("https://"))
        {
            target = rest.find('/').map_or("/", |i| &rest[i..]);
        }
        match target.split_once('?') {
            Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
            None => (target.to_owned(), None),
        }
    }
}

/// An answer and how to put it on the wire.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outgoing {
    pub status: u16,
    /// Headers other than `Content-Length`, `Transfer-Encoding` and `Connection`.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// `Transfer-Encoding: chunked` instead of `Content-Length`.
    pub chunked: bool,
    /// Pause this long after this many body bytes.
    pub stall: Option<(usize, Duration)>,
    /// Send only this many body bytes, then close.
    pub truncate: Option<usize>,
    /// `Connection: close`, and close after the answer.
    pub close: bool,
}

/// Reads hyper's request: its head, then its body, at most [`MAX_BODY`] bytes within
/// `deadline`. `Err` is the answer to give instead (it closes the connection): 413 for a body
/// over the limit (refused from its `Content-Length` before any of it is read, or as soon as a
/// chunked one goes over), 408 for a body that did not arrive in time, 400 for one that could
/// not be read (a broken chunk, or the client went away mid-body: then nobody reads the 400,
/// and the request is not recorded).
pub(crate) async fn read_request(
    request: Request<Incoming>,
    deadline: Duration,
) -> Result<HttpRequest, Outgoing> {
    let (head, mut body) = request.into_parts();
    let headers: Vec<(String, String)> = head
        .headers
        .iter()
        .map(|(name, value)| {
            (
                // hyper's names are lower case already.
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let announced = head
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let too_large = || {
        plain(
            413,
            &format!("the request body is longer than {MAX_BODY} bytes"),
        )
    };
    if announced.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let capacity = announced.map_or(0, |n| usize::try_from(n).unwrap_or(MAX_BODY));
    let collect = async {
        let mut bytes = Vec::with_capacity(capacity);
        while let Some(frame) = body.frame().await {
            let frame = frame
                .map_err(|e| plain(400, &format!("the request body could not be read: {e}")))?;
            if let Ok(data) = frame.into_data() {
                if bytes.len().saturating_add(data.len()) > MAX_BODY {
                    return Err(too_large());
                }
                bytes.extend_from_slice(&data);
            }
        }
        Ok(bytes)
    };
    let body = match tokio::time::timeout(deadline, collect).await {
        Ok(body) => body?,
        Err(_) => {
            return Err(plain(
                408,
                &format!(
                    "the request body did not arrive within {} s",
                    deadline.as_secs()
                ),
            ));
        }
    };
    Ok(HttpRequest {
        method: head.method.as_str().to_owned(),
        target: head.uri.to_string(),
        http10: head.version == Version::HTTP_10,
        headers,
        body,
    })
}

/// A plain-text answer that closes the connection (for requests that are not HTTP enough).
pub(crate) fn plain(status: u16, text: &str) -> Outgoing {
    Outgoing {
        status,
        headers: vec![
            (
                "Content-Type".to_owned(),
                "text/plain;charset=UTF-8".to_owned(),
            ),
            ("Server".to_owned(), "topgen-gateway".to_owned()),
        ],
        body: format!("topgen-gateway: {text}\n").into_bytes(),
        close: true,
        ..Outgoing::default()
    }
}

/// The body of an answer: the whole of it at once, or a stream of parts ([`Piece`]).
pub(crate) type AnswerBody = Either<Full<Bytes>, StreamBody<Pieces>>;

/// The stream of a delivered-in-parts body.
pub(crate) type Pieces = Pin<Box<dyn futures_util::Stream<Item = io::Result<Frame<Bytes>>> + Send>>;

/// One step of a body delivered in parts.
enum Piece {
    Data(Bytes),
    Pause(Duration),
    /// Fail once what was yielded is flushed: hyper aborts the connection.
    Abort,
}

/// hyper's response for `out`; `flushed` is the connection's [`Watched::flushed`].
pub(crate) fn response(out: Outgoing, flushed: &Arc<Notify>) -> Response<AnswerBody> {
    let status = match StatusCode::from_u16(out.status) {
        // An interim status (1xx) cannot be an answer.
        Ok(status) if !status.is_informational() => status,
        _ => return bad_status(out.status),
    };
    let mut builder = Response::builder().status(status);
    for (name, value) in &out.headers {
        let (Ok(valid_name), Ok(valid_value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) else {
            return bad_header(name);
        };
        builder = builder.header(valid_name, valid_value);
    }
    if out.close {
        builder = builder.header(CONNECTION, HeaderValue::from_static("close"));
    }
    let in_parts = out.chunked || out.stall.is_some() || out.truncate.is_some();
    if !in_parts {
        // Every part was checked above, so this does not fail.
        return builder
            .body(Either::Left(Full::new(Bytes::from(out.body))))
            .unwrap_or_else(|e| internal(&e.to_string()));
    }
    if !out.chunked {
        // The whole length, even when less is sent (DropMidBody).
        builder = builder.header(CONTENT_LENGTH, out.body.len());
    }
    let mut body = Bytes::from(out.body);
    if let Some(keep) = out.truncate {
        body.truncate(keep);
    }
    let mut pieces = VecDeque::new();
    match out.stall {
        Some((at, pause)) => {
            let rest = body.split_off(at.min(body.len()));
            pieces.push_back(Piece::Data(body));
            pieces.push_back(Piece::Pause(pause));
            pieces.push_back(Piece::Data(rest));
        }
        None => pieces.push_back(Piece::Data(body)),
    }
    if out.truncate.is_some() {
        pieces.push_back(Piece::Abort);
    }
    let stream = futures_util::stream::unfold(
        (pieces, Arc::clone(flushed)),
        |(mut pieces, flushed)| async move {
            loop {
                match pieces.pop_front()? {
                    Piece::Data(bytes) if bytes.is_empty() => {}
                    Piece::Data(bytes) => return Some((Ok(Frame::data(bytes)), (pieces, flushed))),
                    Piece::Pause(pause) => tokio::time::sleep(pause).await,
                    Piece::Abort => {
                        // hyper buffered what was yielded; it flushes while this waits.
                        let _ = tokio::time::timeout(FLUSH_WAIT, flushed.notified()).await;
                        let dropped = io::Error::new(
                            io::ErrorKind::ConnectionAborted,
                            "the body is dropped mid-way (Fault::DropMidBody)",
                        );
                        return Some((Err(dropped), (pieces, flushed)));
                    }
                }
            }
        },
    );
    builder
        .body(Either::Right(StreamBody::new(stream.boxed())))
        .unwrap_or_else(|e| internal(&e.to_string()))
}

/// 500: an answer header (from [`crate::Fault::Http`]'s content type) is not valid HTTP.
fn bad_header(name: &str) -> Response<AnswerBody> {
    internal(&format!(
        "the answer's header {name:?} is not a valid HTTP header (a control character?)"
    ))
}

/// 500: a status that cannot be an answer's (outside 200–999).
fn bad_status(status: u16) -> Response<AnswerBody> {
    internal(&format!(
        "{status} is not an HTTP status an answer can have (200 to 999)"
    ))
}

fn internal(text: &str) -> Response<AnswerBody> {
    let mut response = Response::new(Either::Left(Full::new(Bytes::from(format!(
        "topgen-gateway: {text}\n"
    )))));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain;charset=UTF-8"),
    );
    response
}

/// The connection's socket, passed through to hyper, telling [`Watched::flushed`] each time
/// hyper flushes (hyper flushes the socket only once its own buffer is written out).
pub(crate) struct Watched {
    stream: TcpStream,
    flushed: Arc<Notify>,
}

impl Watched {
    pub fn new(stream: TcpStream) -> Self {
        Self {
            stream,
            flushed: Arc::new(Notify::new()),
        }
    }

    /// Notified (`notify_waiters`) at each flush.
    pub fn flushed(&self) -> &Arc<Notify> {
        &self.flushed
    }

    /// Closes the connection (FIN), after a short wait for the peer to read what was sent.
    pub async fn close(self) {
        let mut stream = self.stream;
        let _ = stream.shutdown().await;
        // Drain what the client may still send, briefly, so that the close is a FIN, not a
        // reset that could destroy the answer before the client read it.
        let mut sink = [0u8; 1024];
        let drain = async {
            while let Ok(n) = stream.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(Duration::from_millis(200), drain).await;
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let flushed = ready!(Pin::new(&mut this.stream).poll_flush(cx));
        this.flushed.notify_waiters();
        Poll::Ready(flushed)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// The reason phrase of a status code.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// The first position of `needle` in `haystack`.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}
