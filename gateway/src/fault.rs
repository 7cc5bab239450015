//! Faults: what the gateway does to one request's answer instead of, or besides, answering it
//! normally. See [`Fault`].

use std::time::Duration;

/// The fields of a TOP `error_response` the gateway answers (it adds the `request_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopErrorReply {
    /// TOP's code (`15`, `50`, `7`…).
    pub code: i64,
    /// TOP's message for the code.
    pub msg: String,
    /// The detailed code: `isp.*` is the platform's fault (retryable), `isv.*` the caller's.
    pub sub_code: Option<String>,
    /// The detailed message.
    pub sub_msg: Option<String>,
}

impl TopErrorReply {
    /// An error with `code` and `msg`, without sub code and sub message.
    pub fn new(code: i64, msg: impl Into<String>) -> Self {
        Self {
            code,
            msg: msg.into(),
            sub_code: None,
            sub_msg: None,
        }
    }

    /// Sets the sub code and sub message.
    pub fn sub(mut self, sub_code: impl Into<String>, sub_msg: impl Into<String>) -> Self {
        self.sub_code = Some(sub_code.into());
        self.sub_msg = Some(sub_msg.into());
        self
    }

    /// A platform fault a client should retry: code 15, `isp.remote-service-error`.
    pub fn isp() -> Self {
        Self::new(15, "Remote service error").sub(
            "isp.remote-service-error",
            "the platform failed; try again (injected by topgen-gateway)",
        )
    }

    /// A caller's fault a client must not retry: code 15, `isv.invalid-parameter`.
    pub fn isv() -> Self {
        Self::new(15, "Remote service error").sub(
            "isv.invalid-parameter",
            "invalid parameter (injected by topgen-gateway)",
        )
    }
}

/// What the gateway does to the answer of one request.
///
/// Faults are queued on the gateway ([`Gateway::push_fault`](crate::Gateway::push_fault)) and
/// each request the gateway reads takes the next one, in arrival order, whatever its verdict;
/// when the queue is empty the default fault applies
/// ([`Gateway::set_default_fault`](crate::Gateway::set_default_fault)), if any. The fault a
/// request got is in its [`Recorded::fault`](crate::Recorded::fault).
///
/// The request is checked and recorded as usual in every case. Then:
///
/// - what is answered: [`Fault::TopError`] replaces the API's reply of a request that passed
///   the checks (a refused request still gets its refusal: TOP checks first);
///   [`Fault::Http`] replaces the answer of every request, like a proxy in front of TOP;
/// - how it is sent: [`Fault::Oversize`] pads it, [`Fault::Truncate`] cuts it,
///   [`Fault::Gzip`] compresses it (in that order), [`Fault::Delay`], [`Fault::StallBody`],
///   [`Fault::DropMidBody`] and [`Fault::Chunked`] change its delivery, [`Fault::Close`]
///   drops it;
/// - [`Fault::All`] applies several, in order (`Fault::delay(d).and(Fault::isp_error())`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer TOP's `error_response` with these fields (and a `request_id`), HTTP 200, in the
    /// format the request asked for.
    TopError(TopErrorReply),
    /// Answer this HTTP status, content type and body, verbatim.
    Http {
        /// The status code.
        status: u16,
        /// The `Content-Type`.
        content_type: String,
        /// The body.
        body: String,
    },
    /// Wait this long before sending anything.
    Delay(Duration),
    /// Send the headers and the first `after` bytes of the body, pause, then send the rest.
    StallBody {
        /// Body bytes sent before the pause.
        after: usize,
        /// How long to pause.
        pause: Duration,
    },
    /// Cut the reply to its first `keep` bytes (before any compression) and send that as a
    /// complete HTTP answer: the HTTP is fine, the JSON or XML is not.
    Truncate {
        /// Bytes of the reply kept.
        keep: usize,
    },
    /// Announce the whole body (`Content-Length`) but send only its first `after` bytes, then
    /// close the connection: the HTTP answer itself is incomplete.
    DropMidBody {
        /// Body bytes sent before closing.
        after: usize,
    },
    /// Pad the body with trailing spaces (still a valid JSON or XML reply) to `bytes` bytes
    /// (at most 256 MiB), before any compression.
    Oversize {
        /// The body's size.
        bytes: usize,
    },
    /// Send the body with `Transfer-Encoding: chunked`, without a `Content-Length`.
    Chunked,
    /// Compress the body with gzip (`Content-Encoding: gzip`) if the request's
    /// `Accept-Encoding` allows it.
    Gzip,
    /// Read the request, then close the connection without answering.
    Close,
    /// Several faults, applied in order.
    All(Vec<Fault>),
}

impl Fault {
    /// [`Fault::TopError`].
    pub fn top_error(error: TopErrorReply) -> Self {
        Fault::TopError(error)
    }

    /// [`Fault::TopError`] with [`TopErrorReply::isp`]: a retryable platform fault.
    pub fn isp_error() -> Self {
        Fault::TopError(TopErrorReply::isp())
    }

    /// [`Fault::TopError`] with [`TopErrorReply::isv`]: a caller's fault, not retryable.
    pub fn isv_error() -> Self {
        Fault::TopError(TopErrorReply::isv())
    }

    /// [`Fault::Http`].
    pub fn http(status: u16, content_type: impl Into<String>, body: impl Into<String>) -> Self {
        Fault::Http {
            status,
            content_type: content_type.into(),
            body: body.into(),
        }
    }

    /// An HTTP error status with a one-line plain-text body (`503 Service Unavailable`).
    pub fn status(status: u16) -> Self {
        Self::http(
            status,
            "text/plain;charset=UTF-8",
            format!("{status} {}", crate::wire::reason(status)),
        )
    }

    /// A proxy's HTML error page with `status`, like nginx's `502 Bad Gateway` page: not a TOP
    /// reply at all.
    pub fn proxy_error_page(status: u16) -> Self {
        let title = format!("{status} {}", crate::wire::reason(status));
        Self::http(
            status,
            "text/html",
            format!(
                "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
            ),
        )
    }

    /// [`Fault::Delay`].
    pub fn delay(delay: Duration) -> Self {
        Fault::Delay(delay)
    }

    /// [`Fault::StallBody`].
    pub fn stall_body(after: usize, pause: Duration) -> Self {
        Fault::StallBody { after, pause }
    }

    /// [`Fault::Truncate`].
    pub fn truncate(keep: usize) -> Self {
        Fault::Truncate { keep }
    }

    /// [`Fault::DropMidBody`].
    pub fn drop_mid_body(after: usize) -> Self {
        Fault::DropMidBody { after }
    }

    /// [`Fault::Oversize`].
    pub fn oversize(bytes: usize) -> Self {
        Fault::Oversize { bytes }
    }

    /// [`Fault::Chunked`].
    pub fn chunked() -> Self {
        Fault::Chunked
    }

    /// [`Fault::Gzip`].
    pub fn gzip() -> Self {
        Fault::Gzip
    }

    /// [`Fault::Close`].
    pub fn close() -> Self {
        Fault::Close
    }

    /// This fault, then `other` ([`Fault::All`]).
    pub fn and(self, other: Fault) -> Self {
        let mut all = match self {
            Fault::All(faults) => faults,
            one => vec![one],
        };
        match other {
            Fault::All(faults) => all.extend(faults),
            one => all.push(one),
        }
        Fault::All(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn and_flattens() {
        let f = Fault::delay(Duration::from_millis(5))
            .and(Fault::gzip().and(Fault::chunked()))
            .and(Fault::close());
        assert_eq!(
            f,
            Fault::All(vec![
                Fault::Delay(Duration::from_millis(5)),
                Fault::Gzip,
                Fault::Chunked,
                Fault::Close,
            ])
        );
    }

    #[test]
    fn canned_errors() {
        assert_eq!(
            TopErrorReply::isp().sub_code.as_deref(),
            Some("isp.remote-service-error")
        );
        assert_eq!(
            TopErrorReply::isv().sub_code.as_deref(),
            Some("isv.invalid-parameter")
        );
        let Fault::Http {
            status,
            body,
            content_type,
        } = Fault::proxy_error_page(502)
        else {
            panic!("not an HTTP fault");
        };
        assert_eq!((status, content_type.as_str()), (502, "text/html"));
        assert!(
            body.starts_with("<html>") && body.contains("502 Bad Gateway"),
            "{body}"
        );
        let Fault::Http { body, .. } = Fault::status(503) else {
            panic!("not an HTTP fault");
        };
        assert_eq!(body, "503 Service Unavailable");
    }
}
