//! Errors: TOP's own ([`TopError`]), client-side param checks ([`ParamError`]) and everything
//! else that can go wrong in a call ([`Error`]).
//!
//! No message here contains the app secret or a session: transport errors drop their URL
//! (whose query holds the session and the sign) and reply bodies are quoted only as a short
//! prefix with sensitive values redacted.

use std::fmt;

use serde::Deserialize;

use crate::limits::CallLimited;
use crate::transport::TransportError;

/// Why a call failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// TOP answered `error_response`.
    Top(TopError),
    /// A client-side check failed; nothing was sent.
    Param(ParamError),
    /// The API needs a user session and none was given; nothing was sent.
    MissingSession {
        /// The API, e.g. `taobao.trade.fullinfo.get`.
        method: &'static str,
    },
    /// Connection failure, timeout, TLS… ([`TransportError`]: whether the call may have
    /// reached TOP, whether it timed out). No URL appears in it, because the query holds the
    /// session and the sign. `Display` shows the whole cause chain.
    Transport {
        /// The underlying error.
        source: TransportError,
    },
    /// The reply's body is larger than the client's limit
    /// ([`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size)): it was not
    /// read past the limit, or not at all when its `Content-Length` announced more.
    BodyTooLarge {
        /// The limit, in bytes (counted after inflating a gzip-compressed reply).
        limit: usize,
        /// The HTTP status code.
        status: u16,
    },
    /// The blocking client was called from inside an async (tokio) runtime, where blocking
    /// would stall the runtime; nothing was sent. Use the async [`Client`](crate::Client)
    /// there.
    InsideAsyncRuntime,
    /// Non-2xx HTTP status without a TOP error body.
    Status {
        /// The HTTP status code.
        status: u16,
        /// At most 256 bytes of the body, with sensitive values redacted.
        body_prefix: String,
    },
    /// The body could not be read as the expected TOP reply.
    Decode {
        /// What was wrong.
        message: String,
        /// The HTTP status code.
        status: u16,
        /// At most 256 bytes of the body, with sensitive values redacted.
        body_prefix: String,
    },
    /// Invalid client configuration (bad endpoint URL…).
    Config(String),
    /// A call limit that was not waited out: TOP banned the call (code 7 or 8, see
    /// [`crate::limits`]) and the ban ends past the call's deadline, past the policy's
    /// [`max_ban_wait`](crate::RetryPolicy::max_ban_wait) or after the last attempt; or the
    /// client's own [`RateLimit`](crate::limits::RateLimit) would have waited past the
    /// deadline (nothing was sent). [`CallLimited::retry_at`] says when to try again.
    CallLimited(Box<CallLimited>),
    /// A session could not be had or is refused: see [`crate::session`].
    Session(crate::session::SessionError),
}

impl Error {
    /// Whether trying the same call again may succeed — what the client's
    /// [`RetryPolicy`](crate::RetryPolicy) retries (see [`crate::retry`]):
    /// - a TOP error whose [`TopError::retry_class`] is not [`RetryClass::Never`]
    ///   ([`RetryClass::AfterDelay`] ones only after a pause);
    /// - a connection that could not be established, timed out or not (nothing reached TOP);
    /// - HTTP 5xx without a TOP error body.
    ///
    /// Other transport failures, timeouts after connecting among them, are not retryable
    /// here: the call may have taken effect. Check [`Error::is_timeout`] to retry calls that
    /// are safe to repeat.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Top(e) => e.is_retryable(),
            Error::Transport { source } => source.is_connect(),
            Error::Status { status, .. } => (500..600).contains(status),
            Error::CallLimited(_) => true,
            Error::Session(_) => false,
            Error::Param(_)
            | Error::MissingSession { .. }
            | Error::Decode { .. }
            | Error::BodyTooLarge { .. }
            | Error::InsideAsyncRuntime
            | Error::Config(_) => false,
        }
    }

    /// TOP's error, if TOP answered `error_response` (a ban in [`Error::CallLimited`]
    /// included).
    pub fn top(&self) -> Option<&TopError> {
        match self {
            Error::Top(e) => Some(e),
            Error::CallLimited(e) => e.top(),
            _ => None,
        }
    }

    /// For [`Error::CallLimited`]: how long from now until the call may be tried again.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Error::CallLimited(e) => Some(e.retry_after()),
            _ => None,
        }
    }

    /// Whether the user's session is missing, expired or invalid: TOP's codes 26 and 27,
    /// [`Error::MissingSession`], or a session that expired and cannot be renewed
    /// ([`SessionError::NoRefreshToken`](crate::session::SessionError::NoRefreshToken),
    /// [`SessionError::RefreshTokenExpired`](crate::session::SessionError::RefreshTokenExpired)):
    /// the user must authorise the app again (or the session be renewed).
    pub fn is_session_error(&self) -> bool {
        use crate::session::SessionError;
        match self {
            Error::MissingSession { .. } => true,
            Error::Session(e) => matches!(
                e,
                SessionError::NoRefreshToken | SessionError::RefreshTokenExpired
            ),
            Error::Top(e) => e.is_session_error(),
            _ => false,
        }
    }

    /// Whether the call timed out (connecting, or the total per-call timeout).
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport { source } => source.is_timeout(),
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Top(e) => e.fmt(f),
            Error::Param(e) => e.fmt(f),
            Error::MissingSession { method } => write!(
                f,
                "`{method}` needs a user session (CallOptions::session) and none was given; nothing was sent"
            ),
            // The summary and the whole cause chain; no URL appears: it was stripped.
            Error::Transport { source } => source.fmt(f),
            Error::BodyTooLarge { limit, status } => write!(
                f,
                "TOP's reply (HTTP {status}) is larger than the limit of {limit} bytes \
                 (ClientBuilder::max_body_size); it was not read"
            ),
            Error::InsideAsyncRuntime => f.write_str(
                "the blocking TOP client was called from inside an async runtime, where it \
                 would block the runtime; use the async Client there (nothing was sent)",
            ),
            Error::Status {
                status,
                body_prefix,
            } => write!(f, "TOP answered HTTP {status}; body: {body_prefix:?}"),
            Error::Decode {
                message,
                status,
                body_prefix,
            } => write!(
                f,
                "could not decode TOP's reply (HTTP {status}): {message}; body: {body_prefix:?}"
            ),
            Error::Config(message) => write!(f, "invalid client configuration: {message}"),
            Error::CallLimited(e) => e.fmt(f),
            Error::Session(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source } => Some(source),
            Error::Session(e) => Some(e),
            _ => None,
        }
    }
}

impl From<TopError> for Error {
    fn from(e: TopError) -> Self {
        Error::Top(e)
    }
}

impl From<ParamError> for Error {
    fn from(e: ParamError) -> Self {
        Error::Param(e)
    }
}

/// TOP's `error_response`.
///
/// ```json
/// {"error_response": {"code": 50, "msg": "Remote service error",
///  "sub_code": "isv.invalid-parameter", "sub_msg": "非法参数", "request_id": "…"}}
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct TopError {
    /// The platform code (`7`, `15`, `25`, `50`…); sent as a number or a numeric string.
    #[serde(deserialize_with = "crate::de::lenient_i64")]
    pub code: i64,
    /// The platform message.
    #[serde(default, deserialize_with = "crate::de::lenient_string")]
    pub msg: String,
    /// The detailed code: `isp.*` is the platform's fault, `isv.*` the caller's.
    #[serde(default, deserialize_with = "crate::de::opt")]
    pub sub_code: Option<String>,
    /// The detailed message.
    #[serde(default, deserialize_with = "crate::de::opt")]
    pub sub_msg: Option<String>,
    /// TOP's id of the call, for support requests.
    #[serde(default, deserialize_with = "crate::de::opt")]
    pub request_id: Option<String>,
}

impl TopError {
    /// Whether and when to retry, from the codes (PROTOCOL.md, "Errors and retries"):
    /// - codes 7 and 8, `accesscontrol.*` and `isv.app-call-limited` (call limits) →
    ///   [`RetryClass::AfterDelay`];
    /// - an `isv.*` sub code (the caller's fault) → [`RetryClass::Never`];
    /// - an `isp.*` sub code or code 10 (the platform's fault) → [`RetryClass::Immediately`]
    ///   (the official SDK retries these 3 times, 100 ms apart);
    /// - everything else → [`RetryClass::Never`].
    pub fn retry_class(&self) -> RetryClass {
        let sub = self.sub_code.as_deref().unwrap_or("");
        if self.is_call_limit() {
            RetryClass::AfterDelay
        } else if sub.starts_with("isv.") {
            RetryClass::Never
        } else if sub.starts_with("isp.") || self.code == 10 {
            RetryClass::Immediately
        } else {
            RetryClass::Never
        }
    }

    /// Whether this is a call limit: code 7 or 8, an `accesscontrol.*` sub code or
    /// `isv.app-call-limited` (see [`crate::limits`]).
    pub fn is_call_limit(&self) -> bool {
        crate::limits::is_call_limit(self)
    }

    /// For a call limit, the ban its `sub_msg` states
    /// ([`ban_duration`](crate::limits::ban_duration)); `None` for other errors and other
    /// wordings.
    pub fn ban(&self) -> Option<std::time::Duration> {
        if self.is_call_limit() {
            self.sub_msg
                .as_deref()
                .and_then(crate::limits::ban_duration)
        } else {
            None
        }
    }

    /// Whether the session is missing (26) or expired, revoked or invalid (27).
    pub fn is_session_error(&self) -> bool {
        matches!(self.code, 26 | 27)
    }

    /// Whether the call may succeed if tried again (`retry_class() != Never`).
    pub fn is_retryable(&self) -> bool {
        self.retry_class() != RetryClass::Never
    }
}

impl fmt::Display for TopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TOP error {}: {}", self.code, self.msg)?;
        match (&self.sub_code, &self.sub_msg) {
            (Some(code), Some(msg)) => write!(f, " ({code}: {msg})")?,
            (Some(code), None) => write!(f, " ({code})")?,
            (None, Some(msg)) => write!(f, " ({msg})")?,
            (None, None) => {}
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request_id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for TopError {}

/// Whether and when a failed call may be tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RetryClass {
    /// The caller must change something first.
    Never,
    /// A platform fault: retry now (a few times).
    Immediately,
    /// A call limit: retry after a pause.
    AfterDelay,
}

/// A client-side check of a param failed; nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    /// The param's wire name.
    pub param: &'static str,
    /// What was wrong.
    pub kind: ParamErrorKind,
}

impl ParamError {
    /// TOP's code for this error: 40 (missing required argument) for
    /// [`ParamErrorKind::Required`], 41 (invalid argument) otherwise.
    pub fn code(&self) -> i64 {
        match self.kind {
            ParamErrorKind::Required => 40,
            _ => 41,
        }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let param = self.param;
        match &self.kind {
            ParamErrorKind::Required => write!(f, "missing required param `{param}`"),
            ParamErrorKind::MaxLength { max, actual } => write!(
                f,
                "invalid param `{param}`: {actual} characters, at most {max} allowed"
            ),
            ParamErrorKind::MaxValue { max, actual } => write!(
                f,
                "invalid param `{param}`: {actual} is greater than the maximum {max}"
            ),
            ParamErrorKind::MinValue { min, actual } => write!(
                f,
                "invalid param `{param}`: {actual} is less than the minimum {min}"
            ),
            ParamErrorKind::MaxListSize { max, actual } => write!(
                f,
                "invalid param `{param}`: {actual} items, at most {max} allowed"
            ),
            ParamErrorKind::Encode(message) => {
                write!(f, "invalid param `{param}`: cannot encode it: {message}")
            }
        }
    }
}

impl std::error::Error for ParamError {}

/// What a [`ParamError`] is about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamErrorKind {
    /// A required param is absent, empty or whitespace-only.
    Required,
    /// Too many characters (Unicode scalar values).
    MaxLength {
        /// The limit.
        max: u64,
        /// The value's length.
        actual: u64,
    },
    /// Greater than the maximum.
    MaxValue {
        /// The limit, as text.
        max: String,
        /// The value, as text.
        actual: String,
    },
    /// Less than the minimum.
    MinValue {
        /// The limit, as text.
        min: String,
        /// The value, as text.
        actual: String,
    },
    /// Too many list items.
    MaxListSize {
        /// The limit.
        max: u64,
        /// The list's length.
        actual: u64,
    },
    /// The value could not be encoded (an object param that does not serialize to JSON, a
    /// file with an invalid MIME type…).
    Encode(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(code: i64, sub_code: Option<&str>) -> TopError {
        TopError {
            code,
            msg: "m".to_owned(),
            sub_code: sub_code.map(str::to_owned),
            sub_msg: None,
            request_id: None,
        }
    }

    #[test]
    fn retry_classes() {
        use RetryClass::*;
        let cases = [
            (50, Some("isp.remote-service-error"), Immediately),
            (15, Some("isp.top-remote-connection-timeout"), Immediately),
            (10, None, Immediately),
            (7, None, AfterDelay),
            (
                8,
                Some("accesscontrol.limited-by-api-access-count"),
                AfterDelay,
            ),
            (50, Some("isv.invalid-parameter"), Never),
            (10, Some("isv.something"), Never),
            (25, None, Never),
            (27, None, Never),
            (41, Some("whatever"), Never),
        ];
        for (code, sub, class) in cases {
            let e = top(code, sub);
            assert_eq!(e.retry_class(), class, "{code} {sub:?}");
            assert_eq!(e.is_retryable(), class != Never);
            assert_eq!(Error::Top(e).is_retryable(), class != Never);
        }
    }

    #[test]
    fn session_errors() {
        use crate::session::SessionError;
        assert!(Error::Top(top(27, Some("invalid-sessionkey"))).is_session_error());
        assert!(Error::Top(top(26, None)).is_session_error());
        assert!(!Error::Top(top(25, None)).is_session_error());
        assert!(Error::MissingSession { method: "m" }.is_session_error());
        assert!(Error::Session(SessionError::RefreshTokenExpired).is_session_error());
        assert!(Error::Session(SessionError::NoRefreshToken).is_session_error());
        // Not the user's to fix by authorising again.
        assert!(!Error::Session(SessionError::InsecureEndpoint).is_session_error());
        assert!(!Error::Session(SessionError::TokenResult("x".into())).is_session_error());
        assert!(!Error::Session(SessionError::InsecureEndpoint).is_retryable());
    }

    #[test]
    fn top_error_display() {
        let e = TopError {
            code: 50,
            msg: "Remote service error".to_owned(),
            sub_code: Some("isv.invalid-parameter".to_owned()),
            sub_msg: Some("非法参数".to_owned()),
            request_id: Some("r1".to_owned()),
        };
        assert_eq!(
            e.to_string(),
            "TOP error 50: Remote service error (isv.invalid-parameter: 非法参数) [request_id r1]"
        );
        assert_eq!(top(7, None).to_string(), "TOP error 7: m");
        let err = Error::Top(e.clone());
        assert_eq!(err.top(), Some(&e));
        assert!(!err.is_timeout());
    }

    #[test]
    fn param_error_codes_and_messages() {
        let e = ParamError {
            param: "robot_sn",
            kind: ParamErrorKind::MaxLength {
                max: 64,
                actual: 70,
            },
        };
        assert_eq!(
            e.to_string(),
            "invalid param `robot_sn`: 70 characters, at most 64 allowed"
        );
        assert_eq!(e.code(), 41);
        let required = ParamError {
            param: "robot_sn",
            kind: ParamErrorKind::Required,
        };
        assert_eq!(required.code(), 40);
        assert_eq!(required.to_string(), "missing required param `robot_sn`");
        let err = Error::from(required);
        assert_eq!(err.to_string(), "missing required param `robot_sn`");
        assert!(!err.is_retryable());
        assert!(err.top().is_none());
    }

    #[test]
    fn other_errors_display() {
        let e = Error::MissingSession {
            method: "taobao.trade.get",
        };
        assert!(
            e.to_string()
                .contains("`taobao.trade.get` needs a user session")
        );
        assert!(!e.is_retryable());
        let e = Error::Status {
            status: 503,
            body_prefix: "busy".to_owned(),
        };
        assert_eq!(e.to_string(), r#"TOP answered HTTP 503; body: "busy""#);
        assert!(e.is_retryable());
        let e = Error::Status {
            status: 404,
            body_prefix: String::new(),
        };
        assert!(!e.is_retryable());
        let e = Error::Decode {
            message: "expected value".to_owned(),
            status: 200,
            body_prefix: "<html>".to_owned(),
        };
        assert_eq!(
            e.to_string(),
            r#"could not decode TOP's reply (HTTP 200): expected value; body: "<html>""#
        );
        assert!(std::error::Error::source(&e).is_none());
        assert_eq!(
            Error::Config("x".to_owned()).to_string(),
            "invalid client configuration: x"
        );
    }
}
