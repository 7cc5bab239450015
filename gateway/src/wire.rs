//! HTTP/1.1 on the wire, by hand: reading requests (`Content-Length` or chunked bodies,
//! keep-alive, pipelining) and writing answers byte by byte (so that faults can stall, truncate
//! or drop them). The bodies' layouts are decoded in `body`.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A request head may be at most this long.
const MAX_HEAD: usize = 64 * 1024;

/// A request body may be at most this long.
pub(crate) const MAX_BODY: usize = 32 * 1024 * 1024;

/// One HTTP request as read from the connection.
#[derive(Debug)]
pub(crate) struct HttpRequest {
    pub method: String,
    /// The request target: `/router/rest?…`, or an absolute URL.
    pub target: String,
    /// HTTP/1.0 closes after one answer unless asked otherwise.
    pub http10: bool,
    /// Header names in lower case, values as sent (lossy UTF-8), in order.
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

/// Why a request could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Not HTTP/1.x as this server reads it; answered 400.
    Malformed(String),
    /// Head or body too large; answered 413/431.
    TooLarge(u16, String),
    /// The peer went away or the socket failed.
    Io,
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Io
    }
}

/// One accepted connection and the bytes read but not used yet.
pub(crate) struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub fn new(stream: TcpStream) -> Self {
        Self {
            stream,
            buf: Vec::new(),
        }
    }

    /// Reads more bytes into the buffer; 0 at end of stream.
    async fn fill(&mut self) -> io::Result<usize> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk).await?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    /// Fills the buffer until it holds `n` bytes.
    async fn fill_to(&mut self, n: usize) -> Result<(), ReadError> {
        while self.buf.len() < n {
            if self.fill().await? == 0 {
                return Err(ReadError::Malformed(
                    "the connection was closed in the middle of the body".to_owned(),
                ));
            }
        }
        Ok(())
    }

    /// Reads one CRLF-terminated line (without the CRLF), for chunked bodies.
    async fn read_line(&mut self, max: usize) -> Result<Vec<u8>, ReadError> {
        loop {
            if let Some(i) = find(&self.buf, b"\r\n") {
                let line = self.buf[..i].to_vec();
                self.buf.drain(..i + 2);
                return Ok(line);
            }
            if self.buf.len() > max {
                return Err(ReadError::Malformed("a chunk line is too long".to_owned()));
            }
            if self.fill().await? == 0 {
                return Err(ReadError::Malformed(
                    "the connection was closed in the middle of a chunked body".to_owned(),
                ));
            }
        }
    }

    /// Reads the next request; `Ok(None)` when the client closed the connection between
    /// requests.
    pub async fn read_request(&mut self) -> Result<Option<HttpRequest>, ReadError> {
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i;
            }
            if self.buf.len() > MAX_HEAD {
                return Err(ReadError::TooLarge(
                    431,
                    format!("the request head is longer than {MAX_HEAD} bytes"),
                ));
            }
            if self.fill().await? == 0 {
                return if self.buf.iter().all(u8::is_ascii_whitespace) {
                    Ok(None)
                } else {
                    Err(ReadError::Malformed(
                        "the connection was closed in the middle of the request head".to_owned(),
                    ))
                };
            }
        };
        let head: Vec<u8> = self.buf.drain(..head_end + 4).collect();
        let head = String::from_utf8_lossy(&head[..head_end]).into_owned();
        // Blank lines before a request are allowed (RFC 9112 §2.2).
        let head = head.trim_start_matches("\r\n");
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or("");
        let mut parts = request_line.split(' ');
        let (Some(method), Some(target), Some(version), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ReadError::Malformed(format!(
                "not an HTTP request line: {request_line:?}"
            )));
        };
        let http10 = match version {
            "HTTP/1.1" => false,
            "HTTP/1.0" => true,
            other => {
                return Err(ReadError::Malformed(format!(
                    "unsupported HTTP version {other:?}"
                )));
            }
        };
        if method.is_empty() || target.is_empty() {
            return Err(ReadError::Malformed(format!(
                "not an HTTP request line: {request_line:?}"
            )));
        }
        let mut headers = Vec::new();
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                return Err(ReadError::Malformed(format!("not a header line: {line:?}")));
            };
            if name.is_empty() || name.ends_with([' ', '\t']) || line.starts_with([' ', '\t']) {
                return Err(ReadError::Malformed(format!("not a header line: {line:?}")));
            }
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
        let mut request = HttpRequest {
            method: method.to_owned(),
            target: target.to_owned(),
            http10,
            headers,
            body: Vec::new(),
        };
        if request
            .header("expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
        {
            self.stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await?;
        }
        let chunked = request
            .header("transfer-encoding")
            .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
        if chunked {
            request.body = self.read_chunked().await?;
        } else if let Some(length) = request.header("content-length") {
            let length: usize = length
                .parse()
                .map_err(|_| ReadError::Malformed(format!("invalid Content-Length {length:?}")))?;
            if length > MAX_BODY {
                return Err(ReadError::TooLarge(
                    413,
                    format!("the request body is longer than {MAX_BODY} bytes"),
                ));
            }
            self.fill_to(length).await?;
            request.body = self.buf.drain(..length).collect();
        }
        Ok(Some(request))
    }

    async fn read_chunked(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line(1024).await?;
            let line = String::from_utf8_lossy(&line);
            let size = line.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size, 16)
                .map_err(|_| ReadError::Malformed(format!("invalid chunk size {size:?}")))?;
            if size == 0 {
                // Trailers, up to the empty line.
                while !self.read_line(MAX_HEAD).await?.is_empty() {}
                return Ok(body);
            }
            if body.len().saturating_add(size) > MAX_BODY {
                return Err(ReadError::TooLarge(
                    413,
                    format!("the request body is longer than {MAX_BODY} bytes"),
                ));
            }
            self.fill_to(size.saturating_add(2)).await?;
            body.extend(self.buf.drain(..size));
            if self.buf.get(..2) != Some(b"\r\n") {
                return Err(ReadError::Malformed(
                    "a chunk is not followed by CRLF".to_owned(),
                ));
            }
            self.buf.drain(..2);
        }
    }

    /// Writes an answer as `out` says; `Err` when the peer went away.
    pub async fn write(&mut self, out: &Outgoing) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", out.status, reason(out.status));
        for (name, value) in &out.headers {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        if out.chunked {
            head.push_str("Transfer-Encoding: chunked\r\n");
        } else {
            head.push_str(&format!("Content-Length: {}\r\n", out.body.len()));
        }
        if out.close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        self.stream.write_all(head.as_bytes()).await?;
        self.stream.flush().await?;

        let sent = out
            .truncate
            .map_or(out.body.len(), |n| n.min(out.body.len()));
        let body = &out.body[..sent];
        let (first, rest) = match out.stall {
            Some((at, _)) => body.split_at(at.min(body.len())),
            None => (body, &[][..]),
        };
        self.write_piece(first, out.chunked).await?;
        if let Some((_, pause)) = out.stall {
            self.stream.flush().await?;
            tokio::time::sleep(pause).await;
        }
        self.write_piece(rest, out.chunked).await?;
        if out.chunked && out.truncate.is_none() {
            self.stream.write_all(b"0\r\n\r\n").await?;
        }
        self.stream.flush().await
    }

    async fn write_piece(&mut self, bytes: &[u8], chunked: bool) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        if chunked {
            self.stream
                .write_all(format!("{:X}\r\n", bytes.len()).as_bytes())
                .await?;
            self.stream.write_all(bytes).await?;
            self.stream.write_all(b"\r\n").await
        } else {
            self.stream.write_all(bytes).await
        }
    }

    /// Closes the connection (FIN), after a short wait for the peer to read what was sent.
    pub async fn close(mut self) {
        let _ = self.stream.shutdown().await;
        // Drain what the client may still send, briefly, so that the close is a FIN, not a
        // reset that could destroy the answer before the client read it.
        let mut sink = [0u8; 1024];
        let drain = async {
            while let Ok(n) = self.stream.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(Duration::from_millis(200), drain).await;
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
