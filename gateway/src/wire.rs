//! HTTP/1.1 on the wire, by hand: reading requests (`Content-Length` or chunked bodies,
//! keep-alive, pipelining), writing answers byte by byte (so that faults can stall, truncate or
//! drop them), and decoding the two body layouts TOP accepts: `application/x-www-form-urlencoded`
//! and `multipart/form-data`.

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

/// A `Content-Type` split into its lower-case media type and its params (names in lower case,
/// values unquoted).
pub(crate) fn media_type(content_type: &str) -> (String, Vec<(String, String)>) {
    let mut parts = split_params(content_type).into_iter();
    let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let params = parts
        .filter_map(|p| {
            let (name, value) = p.split_once('=')?;
            Some((name.trim().to_ascii_lowercase(), unquote(value.trim())))
        })
        .collect();
    (media, params)
}

/// Splits `a; b="x;y"; c` at the semicolons outside quotes.
fn split_params(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            current.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => {
                current.push(c);
                escaped = true;
            }
            '"' => {
                current.push(c);
                quoted = !quoted;
            }
            ';' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
}

/// `"a\"b"` → `a"b`; unquoted text is returned as is.
fn unquote(value: &str) -> String {
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return value.to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Decodes `application/x-www-form-urlencoded` text strictly: `+` is a space, `%XX` a byte, and
/// every name and value must be UTF-8. An invalid `%` sequence is kept literally (as browsers
/// do). Empty segments (`a=1&&b=2`) are skipped.
pub(crate) fn decode_form(
    input: &[u8],
) -> Result<Vec<(String, String)>, std::string::FromUtf8Error> {
    let mut pairs = Vec::new();
    for segment in input.split(|&b| b == b'&') {
        if segment.is_empty() {
            continue;
        }
        let (name, value) = match segment.iter().position(|&b| b == b'=') {
            Some(i) => (&segment[..i], &segment[i + 1..]),
            None => (segment, &b""[..]),
        };
        pairs.push((percent_decode(name, true)?, percent_decode(value, true)?));
    }
    Ok(pairs)
}

/// [`decode_form`], with invalid UTF-8 replaced by U+FFFD instead of failing.
pub(crate) fn decode_form_lossy(input: &[u8]) -> Vec<(String, String)> {
    let lossy = |part: &[u8]| match percent_decode(part, true) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    input
        .split(|&b| b == b'&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| match segment.iter().position(|&b| b == b'=') {
            Some(i) => (lossy(&segment[..i]), lossy(&segment[i + 1..])),
            None => (lossy(segment), String::new()),
        })
        .collect()
}

/// `%XX` decoding (and `+` as a space when `plus`), then UTF-8.
pub(crate) fn percent_decode(
    input: &[u8],
    plus: bool,
) -> Result<String, std::string::FromUtf8Error> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' if plus => out.push(b' '),
            b'%' => {
                let hex = input.get(i + 1..i + 3).and_then(|h| {
                    let h = std::str::from_utf8(h).ok()?;
                    u8::from_str_radix(h, 16).ok()
                });
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// The `name` of its `Content-Disposition`.
    pub name: String,
    /// The `filename` of its `Content-Disposition`: present for a file part.
    pub file_name: Option<String>,
    /// Its `Content-Type`, if any.
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// Splits a `multipart/form-data` body (RFC 7578) into its parts. Accepts a preamble (the
/// official Java SDK starts with a CRLF), header lines with or without a space after the colon,
/// and any disposition type with a `name` (the old Python SDK sends `file; name=…`).
pub(crate) fn parse_multipart(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    if boundary.is_empty() || boundary.len() > 200 {
        return Err("the multipart boundary is empty or longer than 200 characters".to_owned());
    }
    let delimiter = [b"--", boundary.as_bytes()].concat();
    let next_delimiter = [b"\r\n--", boundary.as_bytes()].concat();
    // The first delimiter starts the body or a line.
    let mut pos = if body.starts_with(&delimiter) {
        delimiter.len()
    } else {
        match find(body, &next_delimiter) {
            Some(i) => i + next_delimiter.len(),
            None => return Err(format!("no multipart boundary {boundary:?} in the body")),
        }
    };
    let mut parts = Vec::new();
    loop {
        let rest = &body[pos..];
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding, then CRLF.
        let padding = rest
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        if !rest[padding..].starts_with(b"\r\n") {
            return Err("a multipart boundary is not followed by CRLF".to_owned());
        }
        let start = pos + padding + 2;
        let Some(len) = find(&body[start..], &next_delimiter) else {
            return Err(format!(
                "the multipart body does not end with the closing boundary --{boundary}--"
            ));
        };
        parts.push(parse_part(&body[start..start + len])?);
        pos = start + len + next_delimiter.len();
    }
}

fn parse_part(part: &[u8]) -> Result<Part, String> {
    let (head, data) = if let Some(data) = part.strip_prefix(b"\r\n") {
        (&b""[..], data)
    } else {
        match find(part, b"\r\n\r\n") {
            Some(i) => (&part[..i], &part[i + 4..]),
            None => return Err("a multipart part has no blank line after its headers".to_owned()),
        }
    };
    let head = String::from_utf8_lossy(head);
    let mut disposition = None;
    let mut content_type = None;
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("not a multipart header line: {line:?}"));
        };
        match name.trim().to_ascii_lowercase().as_str() {
            "content-disposition" => disposition = Some(value.trim().to_owned()),
            "content-type" => content_type = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    let Some(disposition) = disposition else {
        return Err("a multipart part has no Content-Disposition".to_owned());
    };
    let (_, params) = media_type(&disposition);
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let Some(name) = param("name") else {
        return Err(format!(
            "a multipart part's Content-Disposition has no name: {disposition:?}"
        ));
    };
    let file_name = match param("filename*") {
        // RFC 5987: `UTF-8''a%20b.png`.
        Some(extended) => {
            let encoded = extended.rsplit("''").next().unwrap_or("");
            Some(
                percent_decode(encoded.as_bytes(), false)
                    .map_err(|_| "a multipart part's filename* is not UTF-8".to_owned())?,
            )
        }
        None => param("filename"),
    };
    Ok(Part {
        name,
        file_name,
        content_type,
        data: data.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_is_strict_utf8() {
        assert_eq!(
            decode_form(b"a=1&b=x+y%26z&&c=%E6%9C%BA&d").unwrap(),
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), "x y&z".to_owned()),
                ("c".to_owned(), "机".to_owned()),
                ("d".to_owned(), String::new()),
            ]
        );
        assert_eq!(decode_form(b"a=%zz%4").unwrap()[0].1, "%zz%4");
        assert!(decode_form(b"a=%FF").is_err());
        assert_eq!(
            decode_form_lossy(b"a=%FF&&format=json&b"),
            vec![
                ("a".to_owned(), "\u{FFFD}".to_owned()),
                ("format".to_owned(), "json".to_owned()),
                ("b".to_owned(), String::new()),
            ]
        );
    }

    #[test]
    fn media_types_and_params() {
        let (media, params) = media_type("Multipart/Form-Data;charset=UTF-8;boundary=\"a;b\\\"c\"");
        assert_eq!(media, "multipart/form-data");
        assert_eq!(
            params,
            vec![
                ("charset".to_owned(), "UTF-8".to_owned()),
                ("boundary".to_owned(), "a;b\"c".to_owned()),
            ]
        );
        assert_eq!(media_type("").0, "");
    }

    #[test]
    fn the_java_sdks_multipart_body_parses() {
        // shared/top/sign_vectors.json, wire_captures: the official Java SDK's upload.
        let body = b"\r\n--788495831173\r\nContent-Disposition:form-data;name=\"robot_sn\"\r\nContent-Type:text/plain\r\n\r\nxxxxx\r\n--788495831173\r\nContent-Disposition:form-data;name=\"image\";filename=\"a.png\"\r\nContent-Type:image/png\r\n\r\nPNGDATA\r\n--788495831173--\r\n";
        let parts = parse_multipart(body, "788495831173").unwrap();
        assert_eq!(
            parts,
            vec![
                Part {
                    name: "robot_sn".to_owned(),
                    file_name: None,
                    content_type: Some("text/plain".to_owned()),
                    data: b"xxxxx".to_vec(),
                },
                Part {
                    name: "image".to_owned(),
                    file_name: Some("a.png".to_owned()),
                    content_type: Some("image/png".to_owned()),
                    data: b"PNGDATA".to_vec(),
                },
            ]
        );
    }

    #[test]
    fn the_python_sdks_multipart_body_parses() {
        let body = b"--PYTHON_SDK_BOUNDARY\r\nContent-Disposition: form-data; name=\"robot_sn\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nxxxxx\r\n--PYTHON_SDK_BOUNDARY\r\nContent-Disposition: file; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: binary\r\n\r\nPNG\r\n\r\nDATA\r\n--PYTHON_SDK_BOUNDARY--\r\n";
        let parts = parse_multipart(body, "PYTHON_SDK_BOUNDARY").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].data, b"xxxxx");
        assert_eq!(parts[1].file_name.as_deref(), Some("a.png"));
        // CRLFs inside a part are content.
        assert_eq!(parts[1].data, b"PNG\r\n\r\nDATA");
    }

    #[test]
    fn broken_multipart_bodies_are_errors() {
        for (body, boundary) in [
            (
                &b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx"[..],
                "b",
            ),
            (b"no boundary here", "b"),
            (b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "b"),
            (
                b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--",
                "b",
            ),
            (b"--bX\r\n", "b"),
            (b"--b\r\n\r\n", ""),
        ] {
            assert!(parse_multipart(body, boundary).is_err(), "{body:?}");
        }
        // An empty form is fine; RFC 5987 file names are decoded.
        assert_eq!(parse_multipart(b"--b--\r\n", "b").unwrap(), vec![]);
        let parts = parse_multipart(
            b"--b\r\nContent-Disposition: form-data; name=f; filename*=UTF-8''%E5%9B%BE.png\r\n\r\n\r\n--b--",
            "b",
        )
        .unwrap();
        assert_eq!(parts[0].file_name.as_deref(), Some("图.png"));
        assert_eq!(parts[0].data, b"");
    }
}
