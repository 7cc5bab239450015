//! The TOP client: [`Client`], configured by a [`ClientBuilder`], called with per-call
//! [`CallOptions`].
//!
//! # What a call does
//!
//! 1. Checks the request (session, params); a failure returns at once, nothing sent.
//! 2. Encodes and signs it at the current GMT+8 time, and POSTs it through the client's
//!    [`Transport`] (reqwest by default) with the attempt's timeout and the body limit.
//! 3. Decodes the reply in the call's [`Format`].
//! 4. On a failure the [`RetryPolicy`] retries (see [`crate::retry`] for what and when), it
//!    waits and goes back to 2 — encoding and signing anew, with a fresh timestamp.
//!
//! # Timeouts
//!
//! - The **connect timeout** (client-wide, default 15 s) bounds establishing a connection.
//! - The **timeout** (client-wide, default 30 s; [`CallOptions::timeout`] per call) bounds
//!   **each attempt** in all: connecting, sending and reading the whole body. It is per
//!   attempt so that a retry gets as long as the first try did.
//! - The optional **deadline** ([`CallOptions::deadline`]) bounds the **whole call**:
//!   every attempt and every wait between attempts. An attempt's timeout is cut to what is
//!   left of it, and no retry starts that could not begin before it.
//!
//! A call that timed out after it was sent is not retried (TOP may have executed it).
//!
//! # Logs
//!
//! Calls are traced with the [`tracing`](https://docs.rs/tracing/0.1) crate: a span `top.call` (fields `method`, `format`,
//! `sign_method`) around the call, a span `top.attempt` (field `attempt`, from 1) around each
//! attempt, and one event per attempt with the outcome: `status`, `request_id`, TOP's `code`
//! and `sub_code`, the `error` (its `Display`, which never holds a secret), whether it is
//! retried and after how many milliseconds. Successes are at `DEBUG`, failures at `INFO`.
//! Neither the app secret, the session, the sign nor the URL's query is ever recorded.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use crate::error::Error;
use crate::format::Format;
use crate::limits::Limiter;
use crate::params::Params;
use crate::prepare::{CallContext, PreparedRequest, encode_pairs_after, prepare};
use crate::redact::Known;
use crate::request::Request;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::sign::{SignMethod, is_blank};
use crate::transport::Transport;
use crate::{DateTime, time};

pub mod batch;
mod body;
mod builder;
mod exchange;
mod options;
mod raw;

pub use builder::{ClientBuilder, install_crypto_provider};
pub use exchange::ReplyMeta;
pub use options::CallOptions;

/// The production gateway (HTTPS).
pub const PRODUCTION_ENDPOINT: &str = "https://eco.taobao.com/router/rest";

/// The default connect timeout (the official SDK's).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// The default timeout of one attempt (the official SDK's read timeout).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default limit on a reply's body: 64 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 64 << 20;

/// The `Accept` header the official SDK sends.
const ACCEPT: &str = "text/xml,text/javascript";

/// Where the timestamp of each attempt comes from.
type Clock = Arc<dyn Fn() -> DateTime + Send + Sync>;

/// A TOP client for one app: sends [`Request`]s and decodes their replies.
///
/// Cheap to clone (an `Arc`); share one per app. `Debug` shows the endpoint, the app key and
/// the sign method, never the secret.
///
/// ```no_run
/// # async fn run<R: topgen_runtime::Request>(request: R) -> Result<(), topgen_runtime::Error> {
/// use std::time::Duration;
/// use topgen_runtime::{CallOptions, Client, Format, RetryPolicy, SignMethod};
/// let client = Client::builder("your-app-key", "your-app-secret")
///     .sign_method(SignMethod::HmacSha256)
///     .format(Format::Json)
///     .retry(RetryPolicy::default().with_max_attempts(3))
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// let reply = client
///     .execute_with(
///         &request,
///         &CallOptions::new()
///             .session("the-user-session")
///             .deadline(Duration::from_secs(20)),
///     )
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: Url,
    app_key: String,
    secret: Secret,
    sign_method: SignMethod,
    format: Format,
    connect_timeout: Duration,
    timeout: Duration,
    max_body_size: usize,
    retry: RetryPolicy,
    partner_id: Option<String>,
    target_app_key: Option<String>,
    transport: Arc<dyn Transport>,
    clock: Clock,
    /// The client-side rate limit ([`ClientBuilder::rate_limit`]).
    limiter: Option<Limiter>,
}

impl Client {
    /// Starts configuring a client for the app `app_key` with its secret.
    pub fn builder(app_key: impl Into<String>, app_secret: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder::new(app_key.into(), app_secret.into())
    }

    /// The gateway URL calls are posted to.
    pub fn endpoint(&self) -> &str {
        self.inner.endpoint.as_str()
    }

    /// The app key.
    pub fn app_key(&self) -> &str {
        &self.inner.app_key
    }

    /// How calls are signed.
    pub fn sign_method(&self) -> SignMethod {
        self.inner.sign_method
    }

    /// The reply format of calls that do not choose one ([`CallOptions::format`]).
    pub fn format(&self) -> Format {
        self.inner.format
    }

    /// The retry policy of calls that do not choose one ([`CallOptions::retry`]).
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Sends `request` with default options (no session).
    pub async fn execute<R: Request>(&self, request: &R) -> Result<R::Response, Error> {
        self.execute_with(request, &CallOptions::new()).await
    }

    /// Sends `request` with `options`.
    ///
    /// Before anything is sent: an API that needs a session fails with
    /// [`Error::MissingSession`] without one, and the request's limits are checked
    /// ([`Error::Param`]). Then the call is signed at the current GMT+8 time and posted; the
    /// reply decodes to `R::Response`, or to [`Error::Top`] for TOP's `error_response`.
    /// Failures are retried as the [`RetryPolicy`] says (see the [module docs](self)).
    pub async fn execute_with<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
    ) -> Result<R::Response, Error> {
        self.typed_call(request, options, false)
            .await
            .map(|(response, _)| response)
    }

    /// Encodes and signs `request` at `timestamp` without sending it: exactly what one
    /// attempt of [`Client::execute_with`] would send at that time. For tests and diagnosis.
    pub fn prepare<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
        timestamp: &DateTime,
    ) -> Result<PreparedRequest, Error> {
        let format = options.format.unwrap_or(self.inner.format);
        self.prepare_in(request, options, format, timestamp)
    }

    fn prepare_in<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
        format: Format,
        timestamp: &DateTime,
    ) -> Result<PreparedRequest, Error> {
        let (ctx, params) = self.context_in(request, options, format, timestamp)?;
        Ok(prepare(&ctx, &params))
    }

    /// The checks before anything is sent (session, params), then the call's context and
    /// business params.
    fn context_in<'a, R: Request>(
        &'a self,
        request: &R,
        options: &'a CallOptions,
        format: Format,
        timestamp: &DateTime,
    ) -> Result<(CallContext<'a>, Params), Error> {
        let session = options
            .session
            .as_ref()
            .filter(|s| !is_blank(s.expose_secret()));
        if R::REQUIRES_SESSION && session.is_none() {
            return Err(Error::MissingSession { method: R::METHOD });
        }
        let mut params = Params::new();
        request.encode(&mut params)?;
        let inner = &self.inner;
        let ctx = CallContext {
            method: R::METHOD,
            app_key: &inner.app_key,
            secret: &inner.secret,
            sign_method: inner.sign_method,
            timestamp: time::format(timestamp),
            session,
            partner_id: inner.partner_id.as_deref(),
            target_app_key: inner.target_app_key.as_deref(),
            format,
        };
        Ok((ctx, params))
    }
}

/// The URL of a call: the endpoint with the form-encoded `query` params as its query. The
/// endpoint has no query or fragment (`parse_endpoint`) and a form-encoded query holds only
/// characters a URL query keeps as they are, so this is the URL `Url::set_query` would give,
/// written in one go.
/// `error` without what `known` says about the call it failed ([`Known::redact`]), in every
/// text it quotes: a transport error's causes, a reply's body prefix, a decode message, TOP's
/// `msg` and `sub_msg`.
fn scrub_error(error: Error, known: &Known<'_>) -> Error {
    match error {
        Error::Transport { source } => Error::Transport {
            source: source.scrub(known),
        },
        Error::Status {
            status,
            body_prefix,
        } => Error::Status {
            status,
            body_prefix: known.redact(&body_prefix),
        },
        Error::Decode {
            message,
            status,
            body_prefix,
        } => Error::Decode {
            message: known.redact(&message),
            status,
            body_prefix: known.redact(&body_prefix),
        },
        Error::Top(mut e) => {
            e.msg = known.redact(&e.msg);
            e.sub_msg = e.sub_msg.map(|m| known.redact(&m));
            Error::Top(e)
        }
        other => other,
    }
}

fn call_url<'k, 'v>(
    endpoint: &Url,
    query: impl Iterator<Item = (&'k str, &'v str)> + Clone,
) -> String {
    let mut prefix = String::with_capacity(endpoint.as_str().len() + 1);
    prefix.push_str(endpoint.as_str());
    prefix.push('?');
    encode_pairs_after(&prefix, query)
}

/// TOP's `request_id` from the end of a successful reply (TOP writes it last), for the log:
/// JSON `"request_id":"…"` or XML `<request_id>…</request_id>`. Only an id-like value (at
/// most 64 ASCII letters, digits, `-`, `_`, `.`) is returned.
fn find_request_id(body: &[u8]) -> Option<String> {
    let tail = &body[body.len().saturating_sub(1024)..];
    let value_after = |marker: &[u8], end: u8| {
        let at = tail
            .windows(marker.len())
            .rposition(|w| w == marker)?
            .checked_add(marker.len())?;
        let rest = tail.get(at..)?;
        let len = rest.iter().position(|&b| b == end)?;
        let value = rest.get(..len)?;
        let id_like = !value.is_empty()
            && value.len() <= 64
            && value
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b));
        id_like.then(|| String::from_utf8_lossy(value).into_owned())
    };
    value_after(br#""request_id":""#, b'"').or_else(|| value_after(b"<request_id>", b'<'))
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint.as_str())
            .field("app_key", &self.inner.app_key)
            .field("sign_method", &self.inner.sign_method)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::builder::parse_endpoint;
    use super::*;

    #[test]
    fn call_urls_are_what_set_query_makes() {
        let values = [
            "2026-11-28 12:00:00",
            "机器人 A&B=1+2/é#frag?q",
            "<>\"'`{}|\\^~!$()*,;:@[]%",
            "",
        ];
        for endpoint in [
            "https://eco.taobao.com/router/rest",
            "http://127.0.0.1:8080/router/rest",
            "http://[::1]:9/router/rest",
            "http://gw.api.taobao.com",
            "https://例子.测试/路由/rest%20x",
        ] {
            let endpoint = parse_endpoint(endpoint).unwrap();
            for value in values {
                let pairs = [("method", "x.y"), ("v", value)];
                let query = crate::prepare::encode_form(&pairs);
                let mut expected = endpoint.clone();
                expected.set_query(Some(&query));
                assert_eq!(
                    call_url(&endpoint, pairs.iter().copied()),
                    expected.as_str()
                );
            }
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let builder = Client::builder("12345678", "app-secret-value")
            .partner_id("p")
            .timeout(Duration::from_secs(3));
        let debug = format!("{builder:?}");
        assert!(!debug.contains("app-secret-value"), "{debug}");
        assert!(debug.contains("12345678"), "{debug}");
        let client = builder.build().unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains("app-secret-value"), "{debug}");
        assert_eq!(
            debug,
            r#"Client { endpoint: "https://eco.taobao.com/router/rest", app_key: "12345678", sign_method: HmacSha256, .. }"#
        );
        let options = CallOptions::new().session("session-value");
        let debug = format!("{options:?}");
        assert_eq!(
            debug,
            r#"CallOptions { session: Some("***"), timeout: None, deadline: None, format: None, retry: None }"#
        );
        // Clones share the same configuration.
        let clone = client.clone();
        assert_eq!(clone.endpoint(), client.endpoint());
        assert_eq!(clone.app_key(), "12345678");
        assert_eq!(clone.sign_method(), SignMethod::HmacSha256);
    }

    #[test]
    fn request_ids_are_found_at_the_end_of_replies() {
        let cases: [(&[u8], Option<&str>); 7] = [
            (
                br#"{"x_response":{"n":1,"request_id":"16m2xybpqw1hh"}}"#,
                Some("16m2xybpqw1hh"),
            ),
            (
                b"<x_response><n>1</n><request_id>abc-1_2.3</request_id></x_response>",
                Some("abc-1_2.3"),
            ),
            (br#"{"x_response":{"n":1}}"#, None),
            (br#"{"x_response":{"request_id":"has space"}}"#, None),
            (br#"{"x_response":{"request_id":""}}"#, None),
            (br#"{"x_response":{"request_id":"unterminated"#, None),
            (b"", None),
        ];
        for (body, expected) in cases {
            assert_eq!(
                find_request_id(body).as_deref(),
                expected,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let long = format!(r#"{{"x_response":{{"request_id":"{}"}}}}"#, "a".repeat(65));
        assert_eq!(find_request_id(long.as_bytes()), None);
    }

    #[test]
    fn builder_options_reach_the_client() {
        let client = Client::builder("k", "s")
            .format(Format::Xml)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        assert_eq!(client.format(), Format::Xml);
        assert_eq!(client.retry_policy(), &RetryPolicy::none());
        let default = Client::builder("k", "s").build().unwrap();
        assert_eq!(default.format(), Format::Json);
        assert_eq!(default.retry_policy(), &RetryPolicy::default());
    }
}
